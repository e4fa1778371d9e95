# ruff: noqa: B008  (FastAPI declares parameters with Depends/Query/Form defaults)
"""Over 500 lines because the spring review's pages share the roster and coverage helpers and their forms.

The spring review's pages (issue 13): the review queue with bulk decisions, the review
log, the roster (import, unknown agencies, edit), coverage against the roster and the
statutory deadlines, a report's versions (history, diff, delete/restore), and the 整改通知 /
通报 downloads. Every POST is same-origin with the CSRF token and needs a login; the
reviewer's name goes to the logs. The work is done by ``nianbao.store`` (roster, review,
versions, letters, webviews)."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from ..errors import NianbaoError
from ..store import display as sd
from ..store import letters as sl
from ..store import review as sr
from ..store import roster as sroster
from ..store import versions as sver
from ..store import webviews as sw
from ..store.db import session_scope, write_engine
from ..store.models import Agency, StoredReport
from ..store.queries import NotFound
from . import services as sv
from .api import _read_form
from .auth import CSRF_FIELD, CSRF_HEADER
from .state import (
    WebError,
    _basic_credentials,
    check_same_origin,
    current_user,
    db_session,
    protect,
    require_writer,
    state_of,
)
from .views import _qs, render, templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
templates.env.filters["rule_title"] = sl.rule_title

ROSTER_MAX_BYTES = 5 * 1024 * 1024
_ROSTER_LIMITS = sv.UploadLimits(max_files=1, max_total_bytes=ROSTER_MAX_BYTES)
_FLASH = {
    "decided": "已记录审核结论。",
    "imported": "名单已导入。",
    "saved": "已保存。",
    "deleted": "已删除这一版本，上一版本成为当前版本。",
    "restored": "已恢复这一版本。",
    "unpublished": "已记为未发布。",
    "cleared": "已取消“未发布”记录。",
}


def _year(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and 1900 <= int(text) <= 2200 else None


def _back(path: str, **params: Any) -> RedirectResponse:
    q = _qs(**params)
    return RedirectResponse(path + (f"?{q}" if q else ""), status_code=303)


# ------------------------------------------------------------------ review queue
@router.get("/review", response_class=HTMLResponse)
def review_queue_page(
    request: Request,
    s: Session = Depends(db_session),
    status: str = Query("open", max_length=12),
    rule: str | None = Query(None, max_length=64),
    severity: str | None = Query(None, max_length=8),
    agency: str | None = Query(None, max_length=200),
    region: str | None = Query(None, max_length=100),
    year: str | None = Query(None, max_length=8),
    page: int = Query(1, ge=1, le=100000),
    msg: str | None = Query(None, max_length=40),
    n: int | None = Query(None, ge=0, le=100000),
) -> HTMLResponse:
    st = status if status in sd.STATUS_ZH or status == "all" else "open"
    sev = severity if severity in sd.SEVERITY_ZH else None
    y = _year(year)
    per = 100
    rows, total = sr.review_queue(
        s,
        status=None if st == "all" else st,
        rule=rule or None,
        severity=sev,
        agency=agency or None,
        region=region or None,
        year=y,
        offset=(page - 1) * per,
        limit=per,
    )
    filters = {
        "status": st,
        "rule": rule or "",
        "severity": sev or "",
        "agency": agency or "",
        "region": region or "",
        "year": y,
    }
    flash = None
    if msg == "decided":
        flash = f"已记录 {n or 0} 个问题的审核结论。"
    return render(
        request,
        "review_queue.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // per)),
            "filters": filters,
            "choices": sw.queue_choices(s),
            "qs": _qs(**filters),
            "flash": flash,
            "can_write": current_user(request) is not None,
        },
    )


@router.post("/review/bulk", response_model=None)
def review_bulk(
    request: Request,
    ids: list[int] = Form([]),
    status: str = Form(..., max_length=12),
    note: str = Form("", max_length=4000),
    back: str = Form("", max_length=2000),
    csrf_token: str = Form("", max_length=200),
) -> Response:
    protect(request, csrf_token)
    user = require_writer(request)
    if status not in sd.STATUS_ZH:
        raise WebError(422, "审核结论只能是待审核、已确认或已排除。")
    if not ids:
        raise WebError(422, "请先勾选要审核的问题。")
    if len(ids) > 1000:
        raise WebError(422, "一次最多审核 1000 个问题。")
    with session_scope(write_engine(state_of(request).engine)) as s:
        try:
            rows = sr.decide_findings(s, ids, status, note, user)
        except NotFound as exc:
            raise WebError(404, str(exc)) from exc
        n = len(rows)
    target = back if back.startswith("/review") and not back.startswith("//") else "/review"
    sep = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{sep}msg=decided&n={n}", status_code=303)


@router.get("/review/log", response_class=HTMLResponse)
def review_log_page(
    request: Request,
    s: Session = Depends(db_session),
    user: str | None = Query(None, max_length=100),
    report: str | None = Query(None, max_length=12),
    page: int = Query(1, ge=1, le=100000),
) -> HTMLResponse:
    per = 200
    rid = int(report) if report and report.isdigit() else None
    entries = sr.review_log(
        s, report_id=rid, user=user or None, offset=(page - 1) * per, limit=per + 1
    )
    more = len(entries) > per
    events = sver.report_events(s, report_id=rid, limit=100)
    return render(
        request,
        "review_log.html",
        {
            "entries": entries[:per],
            "more": more,
            "page": page,
            "user_q": user or "",
            "report_q": rid,
            "events": events,
            "EVENT_ZH": sver.EVENT_ZH,
            "qs": _qs(user=user, report=rid),
        },
    )


@router.get("/review/link/{report_id}/{fingerprint}", response_model=None)
def finding_link(
    request: Request, report_id: int, fingerprint: str, s: Session = Depends(db_session)
) -> Response:
    """A link to a finding that survives re-checks and new versions: the finding with this
    fingerprint on the report, or on the current version of its agency's year."""
    if not fingerprint.isalnum() or len(fingerprint) > 64:
        raise WebError(404, "没有这个问题。")
    f = sr.resolve_finding(s, report_id, fingerprint)
    if f is None:
        if s.get(StoredReport, report_id) is None:
            raise WebError(404, f"没有编号为 {report_id} 的报告。")
        return RedirectResponse(f"/reports/{report_id}", status_code=303)
    return RedirectResponse(f"/reports/{f.report_id}#f-{f.id}", status_code=303)


# ------------------------------------------------------------------ roster
@router.get("/roster", response_class=HTMLResponse)
def roster_page(
    request: Request,
    s: Session = Depends(db_session),
    region: str | None = Query(None, max_length=100),
    msg: str | None = Query(None, max_length=40),
) -> HTMLResponse:
    return render(
        request,
        "roster.html",
        {
            "rows": sw.roster_table(s, region or None),
            "regions": sroster.regions(s),
            "region": region or "",
            "unknown": sroster.unknown_agencies(s),
            "flash": _FLASH.get(msg or ""),
            "lines": request.query_params.getlist("line")[:30],
            "can_write": current_user(request) is not None,
            "required": sroster.REQUIRED_COLUMNS,
        },
    )


@router.post("/roster/import", response_model=None)
async def roster_import(request: Request) -> Response:
    """Import a roster file (field ``file``). Who may write and where the request comes
    from are checked before the body is read; the body is counted as it arrives."""
    basic = _basic_credentials(request) is not None
    if basic or request.headers.get(CSRF_HEADER):
        protect(request)
    else:
        check_same_origin(request)  # the token comes in the form, checked below
    require_writer(request)
    form = await _read_form(request, _ROSTER_LIMITS)
    try:
        if not basic and not request.headers.get(CSRF_HEADER):
            token = form.get(CSRF_FIELD)
            protect(request, token if isinstance(token, str) else None)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise WebError(422, "没有收到名单文件：请选择一个 CSV 或 XLSX 文件。")
        data = await upload.read(ROSTER_MAX_BYTES + 1)
        name = sv.safe_name(upload.filename)
    finally:
        await form.close()
    if len(data) > ROSTER_MAX_BYTES:
        raise WebError(413, "名单文件过大（上限 5 MB）。")
    if not data.strip():
        raise WebError(422, "名单文件是空的。")
    suffix = ".xlsx" if data.startswith(b"PK\x03\x04") else ".csv"
    fd, tmp = tempfile.mkstemp(prefix="nianbao-roster-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            rows = sroster.read_roster(tmp)
        except NianbaoError as exc:
            msg = str(exc).replace(Path(tmp).name, name)
            raise WebError(422, msg) from exc
    finally:
        Path(tmp).unlink(missing_ok=True)
    with session_scope(write_engine(state_of(request).engine)) as s:
        result = sroster.import_roster(s, rows)
        lines = result.lines()
    q = _qs(msg="imported", line=lines)
    return RedirectResponse(f"/roster?{q}", status_code=303)


@router.post("/roster/alias", response_model=None)
def roster_alias(
    request: Request,
    alias: str = Form(..., max_length=200),
    target: str = Form(..., max_length=200),
    csrf_token: str = Form("", max_length=200),
) -> Response:
    """Attach an agency off the roster to a roster agency (its name becomes an alias)."""
    protect(request, csrf_token)
    require_writer(request)
    with session_scope(write_engine(state_of(request).engine)) as s:
        try:
            ag, moved = sroster.set_aliases(s, target, [alias])
        except NianbaoError as exc:
            raise WebError(422, str(exc)) from exc
        line = f"“{alias}”已作为“{ag.name}”的别名，归入报告 {moved} 份。"
    return _back("/roster", msg="saved", line=[line])


@router.get("/roster/{agency_id}", response_class=HTMLResponse)
def roster_agency_page(
    request: Request,
    agency_id: int,
    s: Session = Depends(db_session),
    msg: str | None = Query(None, max_length=40),
) -> HTMLResponse:
    form = sw.agency_form(s, agency_id)
    if form is None:
        raise WebError(404, f"没有编号为 {agency_id} 的机关。")
    reports = list(
        s.execute(
            select(StoredReport.id, StoredReport.year, StoredReport.version, StoredReport.n_errors)
            .where(StoredReport.agency_id == agency_id, sver.current_filter())
            .order_by(StoredReport.year.desc())
        )
    )
    return render(
        request,
        "roster_agency.html",
        {
            **form,
            "reports": reports,
            "flash": _FLASH.get(msg or ""),
            "can_write": current_user(request) is not None,
            "LEVELS": sd.LEVEL_ZH,
            "KINDS": sd.KIND_ZH,
        },
    )


@router.post("/roster/{agency_id}", response_model=None)
def roster_agency_save(
    request: Request,
    agency_id: int,
    name: str = Form("", max_length=200),
    level: str = Form("", max_length=16),
    kind: str = Form("", max_length=16),
    parent: str = Form("", max_length=200),
    region: str | None = Form(None, max_length=100),
    site_url: str | None = Form(None, max_length=2000),
    aliases: str = Form("", max_length=4000),
    csrf_token: str = Form("", max_length=200),
) -> Response:
    protect(request, csrf_token)
    require_writer(request)
    with session_scope(write_engine(state_of(request).engine)) as s:
        ag = s.get(Agency, agency_id)
        if ag is None:
            raise WebError(404, f"没有编号为 {agency_id} 的机关。")
        try:
            new = " ".join(name.split())
            if new and new != ag.name:
                sroster.rename_agency(s, str(agency_id), new)
            has_entry = sw.agency_form(s, agency_id)
            entry = None if has_entry is None else has_entry["entry"]
            sroster.update_agency(
                s,
                str(agency_id),
                level=level or None,
                kind=kind or None,
                parent=parent if parent != "" else "",
                region=region if entry is not None else None,
                site_url=site_url if entry is not None else None,
            )
            new_aliases = [a.strip() for a in sroster._SPLIT.split(aliases) if a.strip()]
            if new_aliases:
                sroster.set_aliases(s, str(agency_id), new_aliases)
        except NianbaoError as exc:
            raise WebError(422, str(exc)) from exc
    return _back(f"/roster/{agency_id}", msg="saved")


@router.post("/coverage/unpublished", response_model=None)
def coverage_unpublished(
    request: Request,
    agency_id: int = Form(...),
    year: int = Form(..., ge=1900, le=2200),
    note: str = Form("", max_length=1000),
    clear: bool = Form(False),
    region: str = Form("", max_length=100),
    csrf_token: str = Form("", max_length=200),
) -> Response:
    protect(request, csrf_token)
    require_writer(request)
    with session_scope(write_engine(state_of(request).engine)) as s:
        try:
            sroster.mark_unpublished(s, str(agency_id), year, note.strip() or None, clear)
        except NianbaoError as exc:
            raise WebError(422, str(exc)) from exc
    return _back(
        "/coverage", years=str(year), region=region, msg="cleared" if clear else "unpublished"
    )


def _township(text: str | None) -> tuple[int, int] | None:
    """The townships' deadline typed on the page (``03-31``), else the server's default
    (env NIANBAO_TOWNSHIP_DEADLINE); 422 for a date that is not one."""
    try:
        return sroster.parse_month_day(text) if text else sroster.township_deadline_default()
    except NianbaoError as exc:
        raise WebError(422, str(exc)) from exc


ROSTER_PER_PAGE = 200  # agencies per page of the roster coverage (as the store-wide grid)


def roster_coverage(
    request: Request,
    s: Session,
    ys: list[int],
    region: str | None,
    msg: str | None,
    township: str | None = None,
    page: int = 1,
) -> HTMLResponse:
    """The coverage page when a roster exists: per region and year the expected reports
    on time / late / 未收录 / 未发布, and per agency its status by year (a page of
    ``ROSTER_PER_PAGE`` agencies: a roster of tens of thousands is not one page of HTML)."""
    if not ys:
        years = sw.report_years(s)
        ys = [years[0]] if years else [date.today().year - 1]
    ys = ys[-6:]
    town = _township(township)
    m = sroster.coverage_matrix(s, ys, region or None, town)
    by_region = {y: m["per_year"][y].by_region() for y in m["years"]}
    n_rows = len(m["rows"])
    pages = max(1, -(-n_rows // ROSTER_PER_PAGE))
    page = min(page, pages)
    start = (page - 1) * ROSTER_PER_PAGE
    return render(
        request,
        "coverage_roster.html",
        {
            "m": m,
            "rows": m["rows"][start : start + ROSTER_PER_PAGE],
            "n_rows": n_rows,
            "page": page,
            "pages": pages,
            "qs": urlencode(
                {
                    k: v
                    for k, v in {
                        "years": ",".join(str(y) for y in m["years"]),
                        "region": region or "",
                        "township": township or "",
                    }.items()
                    if v
                }
            ),
            "by_region": by_region,
            "regions": sroster.regions(s),
            "region": region or "",
            "years_text": ",".join(str(y) for y in m["years"]),
            "township": f"{town[0]:02d}-{town[1]:02d}" if town else "",
            "COVERAGE_ZH": sd.COVERAGE_ZH,
            "flash": _FLASH.get(msg or ""),
            "can_write": current_user(request) is not None,
        },
    )


# ------------------------------------------------------------------ versions
@router.get("/reports/{report_id}/versions", response_class=HTMLResponse)
def versions_page(
    request: Request,
    report_id: int,
    s: Session = Depends(db_session),
    a: str | None = Query(None, max_length=12),
    b: str | None = Query(None, max_length=12),
    msg: str | None = Query(None, max_length=40),
) -> HTMLResponse:
    rep = s.get(StoredReport, report_id)
    if rep is None:
        raise WebError(404, f"没有编号为 {report_id} 的报告。")
    versions = sver.report_versions(s, report_id)
    ids = [v.report_id for v in versions]
    older = int(a) if a and a.isdigit() and int(a) in ids else None
    newer = int(b) if b and b.isdigit() and int(b) in ids else None
    if older is None or newer is None:
        live = [v.report_id for v in versions if not v.deleted] or ids
        if len(live) >= 2:
            older, newer = live[-2], live[-1]
    diff = None
    if older is not None and newer is not None and older != newer:
        diff = sver.version_diff(s, older, newer)
    if rep.agency_id is not None:
        events = [
            e
            for e in sver.report_events(s, agency_id=rep.agency_id)
            if e.year == rep.year or e.report_id in ids
        ]
    else:
        events = sver.report_events(s, report_id=report_id)
    return render(
        request,
        "versions.html",
        {
            "report": rep,
            "versions": versions,
            "older": older,
            "newer": newer,
            "diff": diff,
            "events": events,
            "EVENT_ZH": sver.EVENT_ZH,
            "flash": _FLASH.get(msg or ""),
            "can_write": current_user(request) is not None,
        },
    )


@router.post("/reports/{report_id}/delete", response_model=None)
def delete_version(
    request: Request,
    report_id: int,
    note: str = Form("", max_length=2000),
    restore: bool = Form(False),
    csrf_token: str = Form("", max_length=200),
) -> Response:
    protect(request, csrf_token)
    user = require_writer(request)
    with session_scope(write_engine(state_of(request).engine)) as s:
        try:
            fn = sver.restore_report if restore else sver.delete_report
            fn(s, report_id, user, note.strip() or None)
        except NotFound as exc:
            raise WebError(404, str(exc)) from exc
        except ValueError as exc:
            raise WebError(409, str(exc)) from exc
    return _back(f"/reports/{report_id}/versions", msg="restored" if restore else "deleted")


# ------------------------------------------------------------------ letters and summary
def _file_response(data: bytes, filename: str, media: str) -> Response:
    ascii_name = "nianbao" + Path(filename).suffix
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _written(request: Request, write: Any, data: Any, suffix: str) -> bytes:
    """The file ``write(data, path)`` makes, as bytes; a few at a time (the exports'
    slots: 503 when they are all busy)."""
    st = state_of(request)
    if not st.export_slots.acquire(timeout=5):
        raise WebError(
            503, "服务器正忙：同时生成的文件过多，请稍后再试。", headers={"Retry-After": "5"}
        )
    folder = tempfile.mkdtemp(prefix="nianbao-letter-")
    target = Path(folder) / ("out" + suffix)
    try:
        write(data, target)
        return target.read_bytes()
    finally:
        st.export_slots.release()
        shutil.rmtree(folder, ignore_errors=True)


@router.get("/letters/{year}.zip", response_model=None)
def letters_zip(
    request: Request,
    year: int,
    s: Session = Depends(db_session),
    region: str | None = Query(None, max_length=100),
    issuer: str | None = Query(None, max_length=200),
    days: int = Query(15, ge=1, le=365),
) -> Response:
    """Every 整改通知 of ``year`` (of a region): one DOCX per roster agency whose current
    report has confirmed findings, in one ZIP."""
    import zipfile

    if not 1900 <= year <= 2200:
        raise WebError(404, "年度不正确。")
    lines = [
        ln
        for ln in sroster.expected_coverage(s, year, region or None).lines
        if ln.report_id is not None and ln.n_confirmed
    ]
    if not lines:
        raise WebError(
            404,
            f"{region or ''}{year}年度没有已确认问题的报告，不需要整改通知（先在审核队列中确认问题）。",
        )
    st = state_of(request)
    if not st.export_slots.acquire(timeout=5):
        raise WebError(
            503, "服务器正忙：同时生成的文件过多，请稍后再试。", headers={"Retry-After": "5"}
        )
    folder = tempfile.mkdtemp(prefix="nianbao-letters-")
    try:
        buf = Path(folder) / "letters.zip"
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for ln in lines:
                data = sl.letter_data(
                    s,
                    str(ln.agency_id),
                    year,
                    issuer=(issuer or "").strip() or sl.DEFAULT_ISSUER,
                    days=days,
                )
                one = Path(folder) / f"{ln.agency_id}.docx"
                sl.write_letter(data, one)
                zf.write(one, f"整改通知-{data.agency}-{year}.docx")
                one.unlink()
        body = buf.read_bytes()
    finally:
        st.export_slots.release()
        shutil.rmtree(folder, ignore_errors=True)
    return _file_response(body, f"整改通知-{region or '全部'}-{year}.zip", "application/zip")


@router.get("/letters/{agency_id}/{year}.docx", response_model=None)
def letter_download(
    request: Request,
    agency_id: int,
    year: int,
    s: Session = Depends(db_session),
    issuer: str | None = Query(None, max_length=200),
    days: int = Query(15, ge=1, le=365),
    include_open: bool = False,
) -> Response:
    """The 整改通知 of an agency's current report of ``year`` (DOCX)."""
    if s.get(Agency, agency_id) is None:
        raise WebError(404, f"没有编号为 {agency_id} 的机关。")
    try:
        data = sl.letter_data(
            s,
            str(agency_id),
            year,
            issuer=(issuer or "").strip() or sl.DEFAULT_ISSUER,
            days=days,
            include_open=include_open,
        )
    except NianbaoError as exc:
        raise WebError(404, str(exc)) from exc
    body = _written(request, sl.write_letter, data, ".docx")
    return _file_response(body, f"整改通知-{data.agency}-{year}.docx", _DOCX)


@router.get("/summary/{year}.{fmt}", response_model=None)
def summary_download(
    request: Request,
    year: int,
    fmt: str,
    s: Session = Depends(db_session),
    region: str | None = Query(None, max_length=100),
    issuer: str | None = Query(None, max_length=200),
    township: str | None = Query(None, max_length=10),
) -> Response:
    """The 通报 of a year (and region) as DOCX or XLSX."""
    if fmt not in ("docx", "xlsx"):
        raise WebError(404, "通报只能下载为 docx 或 xlsx。")
    if not 1900 <= year <= 2200:
        raise WebError(404, "年度不正确。")
    try:
        data = sl.summary_data(
            s,
            year,
            region or None,
            township=_township(township),
            issuer=(issuer or "").strip() or sl.DEFAULT_ISSUER,
        )
    except NianbaoError as exc:
        raise WebError(404, str(exc)) from exc
    body = _written(request, sl.write_summary, data, "." + fmt)
    name = f"通报-{region or '全部'}-{year}.{fmt}"
    return _file_response(body, name, _DOCX if fmt == "docx" else _XLSX)
