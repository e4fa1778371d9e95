# ruff: noqa: B008  (FastAPI declares parameters with Depends/Query/Form defaults)
"""Over 500 lines because it holds the routes of every corpus page (the spring review's are in views_campaign).

Server-rendered pages (Jinja2, autoescaped; htmx for the small interactive parts).

Every word a page shows is Chinese. Pages that change the store (upload, review,
re-check) need a login; reading stays open unless the server is private. Every form posts
the CSRF token (hidden field ``csrf_token``; htmx and the upload script send the header
``X-CSRF-Token`` from ``<meta name="csrf-token">``) and must come from this site's pages.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..schema import SECTION_HEADINGS, label_of
from ..store import display as sd
from ..store import indicators as si
from ..store import queries as sq
from ..store.db import session_scope, write_engine
from ..store.models import Agency, SourceFile, StoredReport
from . import services as sv
from . import tables
from .api import accept_upload, export_response
from .auth import COOKIE_NAME
from .grid import grid_html
from .state import (
    WebError,
    clear_session_cookie,
    current_user,
    db_session,
    login_or_throttle,
    protect,
    require_writer,
    set_session_cookie,
    state_of,
)
from .state import csrf_token as csrf_of

__all__ = ["router", "templates", "error_page"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
router = APIRouter(include_in_schema=False)

KIND_ZH = {
    "government": "人民政府",
    "department": "部门",
    "township": "乡镇街道",
    "unknown": "未分类",
}
LEVEL_ZH = {
    "national": "国家级",
    "provincial": "省级",
    "prefecture": "市级",
    "county": "县级",
    "township": "乡级",
    "unknown": "未知",
}
_META_LABELS = {
    "meta.published": "发布日期",
    "meta.format": "报告格式",
    "meta.period_start": "统计期限起",
    "meta.period_end": "统计期限止",
    "meta.year": "年度",
    "meta.agency": "机关名称",
    "meta.title": "标题",
}


def cell_label(cid: str) -> str:
    if cid.startswith("prev."):
        return "上年" + cell_label(cid[5:])
    if cid.startswith("sections."):
        return SECTION_HEADINGS.get(cid[9:], "正文" if cid[9:] == "closing" else cid[9:])
    if cid in _META_LABELS:
        return _META_LABELS[cid]
    return label_of(cid)


def cell_groups(cells: list[str]) -> list[tuple[str, list[str]]]:
    """A finding's cells grouped by table row, for a short list: (row label with the
    columns named, the cells)."""
    groups: list[tuple[str, list[str], list[str]]] = []
    for cid in cells:
        label = cell_label(cid)
        head, sep, col = label.rpartition("」")
        if sep and col and cid.startswith(("requests.", "reviews.", "prev.requests.")):
            key = head + sep
            if groups and groups[-1][0] == key:
                groups[-1][1].append(cid)
                groups[-1][2].append(col)
                continue
            groups.append((key, [cid], [col]))
        else:
            groups.append((label, [cid], []))
    return [(key + "、".join(cols), ids) for key, ids, cols in groups]


def fmt_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        text = repr(v)  # the shortest form that reads back exactly (1515.2592)
        return text if "e" not in text else f"{v:.10f}".rstrip("0").rstrip(".")
    return str(v)


def fmt_rate(v: Any) -> str:
    return "—" if v is None else f"{100 * v:.1f}%"


def local_time(v: datetime | None, seconds: bool = False) -> str:
    """A stored time (UTC; SQLite gives it back without a zone) in the server's local time."""
    if v is None:
        return ""
    if v.tzinfo is None:
        v = v.replace(tzinfo=UTC)
    return v.astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


templates.env.filters["cell_label"] = cell_label
templates.env.filters["fmt_value"] = fmt_value
templates.env.filters["cell_groups"] = cell_groups
templates.env.filters["fmt_rate"] = fmt_rate
templates.env.filters["local_time"] = local_time
templates.env.globals.update(
    grid_html=partial(grid_html, label=cell_label, fmt=fmt_value),
    SEVERITY_ZH=sd.SEVERITY_ZH,
    STATUS_ZH=sd.STATUS_ZH,
    LAYOUT_ZH=sd.LAYOUT_ZH,
    KIND_ZH=KIND_ZH,
    LEVEL_ZH=LEVEL_ZH,
    ECHARTS="vendor/echarts-6.1.0.min.js",
    HTMX="vendor/htmx-4.0.1.min.js",
)


def render(
    request: Request, name: str, ctx: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    base = {
        "user": current_user(request),
        "login_required": True,
        "private": state_of(request).private,
        "csrf_token": csrf_of(request),
        "path": request.url.path,
    }
    base.update(ctx or {})
    return templates.TemplateResponse(request, name, base, status_code=status)


def error_page(
    request: Request, status: int, message: str, errors: list[Any] | None = None
) -> HTMLResponse:
    if request.headers.get("hx-request"):
        return templates.TemplateResponse(
            request, "_error.html", {"message": message, "errors": errors or []}, status_code=status
        )
    try:
        current_user(request)
    except WebError:  # a throttled HTTP Basic login: the page shows no user
        request.state.nianbao_user = None
    return render(
        request,
        "error.html",
        {"status": status, "message": message, "errors": errors or []},
        status,
    )


def _is_htmx(request: Request) -> bool:
    return bool(request.headers.get("hx-request"))


def _qs(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "", False)}, doseq=True)


# ------------------------------------------------------------------ home / login
@router.get("/", response_class=HTMLResponse)
def home(request: Request, s: Session = Depends(db_session)) -> HTMLResponse:
    from ..store.models import RosterEntry

    n_reports = sq.count_reports(s)
    n_agencies = s.scalar(select(func.count()).select_from(Agency)) or 0
    n_errors = sq.count_reports(s, has_errors=True)
    n_open = sq.count_open_findings(s)
    n_roster = s.scalar(select(func.count()).select_from(RosterEntry)) or 0
    n_problems = (
        s.scalar(
            select(func.count())
            .select_from(SourceFile)
            .where(SourceFile.status.in_(("unusable", "failed")))
        )
        or 0
    )
    recent = list(
        s.execute(
            select(StoredReport, SourceFile)
            .join(SourceFile, SourceFile.id == StoredReport.source_file_id)
            .order_by(StoredReport.updated_at.desc(), StoredReport.id.desc())
            .options(*sq.LIST_ONLY)  # the meta and sections (kilobytes each) stay unread
            .limit(15)
        )
    )
    return render(
        request,
        "index.html",
        {
            "n_reports": n_reports,
            "n_agencies": n_agencies,
            "n_errors": n_errors,
            "n_problems": n_problems,
            "n_open": n_open,
            "n_roster": n_roster,
            "recent": recent,
            "db_label": state_of(request).db_label,
        },
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002
    return render(request, "login.html", {"next": _safe_next(next), "failed": False})


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.post("/login", response_model=None)
def login(
    request: Request,
    name: str = Form(..., max_length=100),
    password: str = Form(..., max_length=1000),
    next: str = Form("/"),  # noqa: A002
    csrf_token: str = Form("", max_length=200),
) -> Response:
    protect(request, csrf_token)
    st = state_of(request)
    try:
        ok = login_or_throttle(request, name, password)
    except WebError as exc:
        ctx = {"next": _safe_next(next), "failed": False, "refused": exc.message}
        resp: Response = render(request, "login.html", ctx, exc.status)
        resp.headers.update(exc.headers)
        return resp
    if not ok:
        return render(request, "login.html", {"next": _safe_next(next), "failed": True}, 401)
    resp = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(resp, request, st.sessions.create(name))
    return resp


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("", max_length=200)) -> RedirectResponse:
    protect(request, csrf_token)
    state_of(request).sessions.end(request.cookies.get(COOKIE_NAME))
    resp = RedirectResponse("/login" if state_of(request).private else "/", status_code=303)
    clear_session_cookie(resp, request)
    return resp


# ------------------------------------------------------------------ upload
@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request) -> HTMLResponse:
    st = state_of(request)
    return render(request, "upload.html", {"limits": st.limits})


@router.post("/upload", response_model=None)
async def upload_post(request: Request) -> Response:
    job = await accept_upload(request)  # same origin, CSRF token, login, limits
    return RedirectResponse(f"/upload/jobs/{job.id}", status_code=303)


@router.get("/upload/jobs/{job_id}", response_class=HTMLResponse)
def upload_job(request: Request, job_id: str) -> HTMLResponse:
    if not re.fullmatch(r"[0-9a-f]{1,32}", job_id):
        raise WebError(404, "没有这个上传任务。")
    job = state_of(request).jobs.get(job_id)
    if job is None:
        raise WebError(404, "没有这个上传任务（服务重启后任务记录会清空，已入库的报告不受影响）。")
    if _is_htmx(request):
        return templates.TemplateResponse(request, "_job.html", {"job": job})
    return render(request, "job.html", {"job": job})


@router.get("/files", response_class=HTMLResponse)
def files_page(request: Request, s: Session = Depends(db_session)) -> HTMLResponse:
    return render(request, "files.html", {"files": sq.problem_files(s)})


# ------------------------------------------------------------------ reports
@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    s: Session = Depends(db_session),
    agency: str | None = Query(None, max_length=200),
    year: str | None = Query(None, max_length=8),
    has_errors: bool = False,
    page: int = Query(1, ge=1, le=100000),
    sort: str = Query("agency", max_length=8),
) -> HTMLResponse:
    y = int(year) if year and year.isdigit() else None
    per = 100
    sort = sort if sort in sq.REPORT_SORTS else "agency"
    rows, total = sq.list_report_page(s, agency or None, y, has_errors, (page - 1) * per, per, sort)
    filters = {"agency": agency, "year": y, "has_errors": has_errors, "sort": sort}
    return render(
        request,
        "reports.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // per)),
            "filters": filters,
            "qs": _qs(**filters),
        },
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request,
    report_id: int,
    s: Session = Depends(db_session),
    msg: str | None = Query(None, max_length=40),
) -> HTMLResponse:
    try:
        data = sv.report_page_data(s, report_id)
    except sq.NotFound as exc:
        raise WebError(404, str(exc)) from exc
    layout = data["report"].layout
    messages = {"rechecked": "已重新解析并检查；数值未变的问题保留原审核结论。"}
    data.update(
        {
            "active_rows": tables.active_table(layout),
            "request_rows": tables.request_table(layout),
            "review_rows": tables.review_table(),
            "has_tables": layout not in ("legacy", "unknown"),
            "section_headings": SECTION_HEADINGS,
            "flash": messages.get(msg or ""),
            "can_write": current_user(request) is not None,
        }
    )
    return render(request, "report.html", data)


@router.get("/reports/{report_id}/source/{field_id}", response_class=HTMLResponse)
def source_partial(
    request: Request, report_id: int, field_id: str, s: Session = Depends(db_session)
) -> HTMLResponse:
    if not re.fullmatch(r"[a-z0-9_.]{1,80}", field_id):
        raise WebError(404, "没有这个单元格。")
    st = state_of(request)
    # re-reading a stored file runs in a child process within a time budget; a few at once
    if not st.read_slots.acquire(timeout=st.pdf_wait):
        raise WebError(503, "服务器正忙：同时读取原文的请求过多，请稍后再试。")
    try:
        snip = sv.source_snippet(s, report_id, field_id, st.limits)
    except sq.NotFound as exc:
        raise WebError(404, str(exc)) from exc
    finally:
        st.read_slots.release()
    findings = [f for f in sq.report_findings(s, report_id) if field_id in (f.cells or [])]
    ctx = {"snip": snip, "findings": findings, "report_id": report_id}
    if _is_htmx(request):
        return templates.TemplateResponse(request, "_source.html", ctx)
    return render(request, "source.html", ctx)


@router.get("/reports/{report_id}/pdf/{field_id}.png", response_model=None)
def source_image(
    request: Request, report_id: int, field_id: str, s: Session = Depends(db_session)
) -> Response:
    if not re.fullmatch(r"[a-z0-9_.]{1,80}", field_id):
        raise WebError(404, "没有这个单元格。")
    st = state_of(request)
    # a few renders at a time: each is bounded (sv.crop_window), but not free
    if not st.pdf_slots.acquire(timeout=st.pdf_wait):
        raise WebError(
            503, "服务器正忙：同时生成的 PDF 图片过多，请稍后再试。", headers={"Retry-After": "5"}
        )
    try:
        png = sv.pdf_region_png(s, report_id, field_id)
    except sq.NotFound as exc:
        raise WebError(404, str(exc)) from exc
    finally:
        st.pdf_slots.release()
    if png is None:
        raise WebError(404, "这个数值没有可显示的 PDF 页面位置。")
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=600"})


@router.post("/reports/{report_id}/recheck", response_model=None)
def recheck(
    request: Request, report_id: int, csrf_token: str = Form("", max_length=200)
) -> Response:
    protect(request, csrf_token)
    require_writer(request)
    st = state_of(request)
    try:
        sv.recheck_report(st.engine, report_id, st.limits)
    except sq.NotFound as exc:
        raise WebError(404, str(exc)) from exc
    with Session(state_of(request).engine) as s:
        exists = s.get(StoredReport, report_id) is not None
    if not exists:
        return RedirectResponse("/files", status_code=303)
    return RedirectResponse(f"/reports/{report_id}?msg=rechecked", status_code=303)


@router.post("/findings/{finding_id}/review", response_model=None)
def review(
    request: Request,
    finding_id: int,
    status: str = Form(..., max_length=12),
    note: str = Form("", max_length=4000),
    csrf_token: str = Form("", max_length=200),
) -> Response:
    protect(request, csrf_token)
    user = require_writer(request)
    if status not in sd.STATUS_ZH:
        raise WebError(422, "审核结论只能是待审核、已确认或已排除。")
    with session_scope(write_engine(state_of(request).engine)) as s:
        try:
            row = sv.review_finding(s, finding_id, status, note, user)
        except sq.NotFound as exc:
            raise WebError(404, str(exc)) from exc
        s.flush()
        report_id = row.report_id
        if _is_htmx(request):
            return templates.TemplateResponse(
                request,
                "_finding.html",
                {
                    "f": row,
                    "report_id": report_id,
                    "can_write": True,
                    "csrf_token": csrf_of(request),
                },
            )
    return RedirectResponse(f"/reports/{report_id}#f-{finding_id}", status_code=303)


# ------------------------------------------------------------------ corpus
@router.get("/agencies", response_class=HTMLResponse)
def agencies_page(
    request: Request, s: Session = Depends(db_session), q: str | None = Query(None, max_length=200)
) -> HTMLResponse:
    items = sq.search_agencies(s, q, limit=500)
    ctx = {"items": items, "q": q or "", "qs": _qs(q=q)}
    if _is_htmx(request):
        return templates.TemplateResponse(request, "_agency_rows.html", ctx)
    return render(request, "agencies.html", ctx)


@router.get("/agencies/{agency_id}", response_class=HTMLResponse)
def agency_page(request: Request, agency_id: int, s: Session = Depends(db_session)) -> HTMLResponse:
    try:
        d = si.agency_series(s, agency_id)
    except sq.NotFound as exc:
        raise WebError(404, str(exc)) from exc
    return render(request, "agency.html", {"d": d, "years": d["years"], "charts": d["charts"]})


def _parse_years(text: str | None) -> list[int]:
    """'2021-2024', '2022,2024' or '2023' -> years (at most 30)."""
    out: set[int] = set()
    for part in re.split(r"[,，\s]+", text or ""):
        m = re.fullmatch(r"(\d{4})(?:[-–~至](\d{4}))?", part)
        if not m:
            continue
        a = int(m.group(1))
        b = int(m.group(2) or a)
        if 1900 <= a <= b <= 2200 and b - a < 30:
            out.update(range(a, b + 1))
    return sorted(out)[:30]


@router.get("/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request,
    s: Session = Depends(db_session),
    years: str | None = Query(None, max_length=100),
    q: str | None = Query(None, max_length=200),
    only_missing: bool = False,
    page: int = Query(1, ge=1, le=100000),
    region: str | None = Query(None, max_length=100),
    view: str | None = Query(None, max_length=8),
    msg: str | None = Query(None, max_length=40),
    township: str | None = Query(None, max_length=10),
) -> HTMLResponse:
    ys = _parse_years(years)
    from ..store.webviews import has_roster

    if view != "all" and has_roster(s):  # against the roster and the deadlines
        from .views_campaign import roster_coverage

        return roster_coverage(request, s, ys, region, msg, township, page)
    per = 200
    g = sq.coverage_grid(s, ys or None, q, only_missing, (page - 1) * per, per)
    qs_export = _qs(years=g["years"], q=q, only_missing=only_missing)
    return render(
        request,
        "coverage.html",
        {
            "g": g,
            "years_text": years or "",
            "q": q or "",
            "only_missing": only_missing,
            "page": page,
            "pages": max(1, -(-g["total"] // per)),
            "qs": _qs(years=years, q=q, only_missing=only_missing),
            "qs_export": qs_export,
        },
    )


@router.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    s: Session = Depends(db_session),
    a: str | None = Query(None, max_length=12),
    b: str | None = Query(None, max_length=12),
    changed_only: bool = False,
) -> HTMLResponse:
    if not (a and b and a.isdigit() and b.isdigit()):
        return render(
            request,
            "compare.html",
            {"c": None, "a": a or "", "b": b or "", "changed_only": changed_only},
        )
    try:
        c = sq.compare_by_ids(s, int(a), int(b), changed_only)
    except sq.NotFound as exc:
        raise WebError(404, str(exc)) from exc
    n_changed = sum(1 for r in c.rows if r.changed)
    return render(
        request,
        "compare.html",
        {"c": c, "a": a, "b": b, "changed_only": changed_only, "n_changed": n_changed},
    )


@router.get("/ranking", response_class=HTMLResponse)
def ranking_page(
    request: Request,
    s: Session = Depends(db_session),
    year: str | None = Query(None, max_length=8),
    indicator: str = Query("open_rate", max_length=64),
    q: str | None = Query(None, max_length=200),
    level: str | None = Query(None, max_length=16),
    kind: str | None = Query(None, max_length=16),
    order: str = Query("desc", max_length=4),
    all: bool = False,  # noqa: A002 - the query parameter's name
) -> HTMLResponse:
    y = int(year) if year and year.isdigit() else None
    try:
        r = si.ranking(s, y, indicator, q, level or None, kind or None, order != "asc")
    except ValueError as exc:
        raise WebError(400, str(exc)) from exc
    all_years = sorted(
        y
        for y in s.scalars(
            select(StoredReport.year).where(StoredReport.year.is_not(None)).distinct()
        )
        if y is not None
    )
    return render(
        request,
        "ranking.html",
        {
            "r": r,
            "indicators": si.INDICATORS,
            "all_years": all_years,
            "q": q or "",
            "level": level or "",
            "kind": kind or "",
            "order": order,
            "min_den": si.MIN_DENOMINATOR,
            "show": 100_000 if all else 200,
            "blank_note": si.BLANK_NOTE,
            "qs": _qs(
                year=r["year"], indicator=indicator, q=q, level=level, kind=kind, order=order
            ),
        },
    )


@router.get("/export/{what}.{fmt}", response_model=None)
def export_file(
    request: Request,
    what: str,
    fmt: str,
    agency: str | None = Query(None, max_length=200),
    q: str | None = Query(None, max_length=200),
    year: str | None = Query(None, max_length=8),
    years: list[int] | None = Query(None),
    has_errors: bool = False,
    only_missing: bool = False,
    indicator: str | None = Query(None, max_length=64),
    level: str | None = Query(None, max_length=16),
    kind: str | None = Query(None, max_length=16),
    order: str = Query("desc", max_length=4),
    a: str | None = Query(None, max_length=12),
    b: str | None = Query(None, max_length=12),
    changed_only: bool = False,
) -> Response:
    params = {
        "agency": agency,
        "q": q,
        "year": int(year) if year and year.isdigit() else None,
        "years": [y for y in years or [] if 1900 <= y <= 2200] or None,
        "has_errors": has_errors,
        "only_missing": only_missing,
        "indicator": indicator,
        "level": level or None,
        "kind": kind or None,
        "order": order,
        "a": int(a) if a and a.isdigit() else None,
        "b": int(b) if b and b.isdigit() else None,
        "changed_only": changed_only,
    }
    return export_response(request, what, fmt, params)


# ------------------------------------------------------------------ API docs
# What the API page says of an endpoint whose schema has no Chinese description (FastAPI's
# own summary is the function's name in English) and of its parameters.
_API_ZH: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/health"): "服务状态：库中报告数、是否需要登录。",
    (
        "GET",
        "/api/v1/reports",
    ): "报告列表（各机关各年度的当前版本），可按机关、年度、有无错误筛选，分页。",
    ("GET", "/api/v1/reports/{report_id}"): "一份报告：基本信息、全部数值（含出处）和发现的问题。",
    ("GET", "/api/v1/reports/{report_id}/source/{field_id}"): "一个数值在原文中的位置和上下文。",
    ("POST", "/api/v1/reports/{report_id}/recheck"): (
        "用当前程序重新解析和检查这份报告（需登录）；数值未变的问题保留审核结论。"
    ),
    ("POST", "/api/v1/findings/{finding_id}/review"): (
        "审核一个问题：确认、排除或撤销结论，可附审核意见（需登录，记入审核记录）。"
    ),
    ("GET", "/api/v1/uploads/{job_id}"): "上传任务的进度和每个文件的结果。",
    ("GET", "/api/v1/files/problems"): "无法使用或解析出错的文件及原因。",
    ("GET", "/api/v1/agencies"): "机关列表，可按名称搜索。",
    ("GET", "/api/v1/agencies/{agency_id}"): "一个机关的历年报告和指标。",
    ("GET", "/api/v1/coverage"): "各机关各年度是否已收录报告（库中全部机关）。",
    ("GET", "/api/v1/compare"): "比较两份报告的数值。",
    ("GET", "/api/v1/ranking"): "按指标给机关排名（含计算方法和样本量保护）。",
}
_PARAM_ZH: dict[str, str] = {
    "report_id": "报告编号",
    "field_id": "数值项目的编号（如 requests.new.total）",
    "finding_id": "问题编号",
    "job_id": "上传任务编号",
    "agency_id": "机关编号",
    "agency": "机关名称（或其一部分）",
    "q": "机关名称（或其一部分）",
    "year": "年度",
    "years": "年度（可多个）",
    "has_errors": "只要有错误的报告",
    "only_missing": "只要有缺漏的机关",
    "offset": "跳过的条数（分页）",
    "sort": "排序：agency 按机关和年度，errors 错误多的在前，newest 新收录的在前",
    "limit": "最多返回的条数",
    "a": "第一份报告的编号",
    "b": "第二份报告的编号",
    "changed_only": "只列出变化的数值",
    "indicator": "指标",
    "level": "层级（national、provincial、prefecture、county、township）",
    "kind": "类别（government、department、township）",
    "order": "排序：desc 从高到低，asc 从低到高",
    "what": "导出的内容（reports、values、findings、coverage、ranking、agencies、compare、files）",
    "format": "文件格式：csv 或 xlsx",
}


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The REST API described from its OpenAPI schema (served here, no CDN), in Chinese:
    the schema's own descriptions, else the words above (never FastAPI's English
    summaries)."""
    spec = request.app.openapi()
    endpoints = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            params = [
                {
                    "name": p.get("name"),
                    "where": {"query": "查询参数", "path": "路径参数"}.get(
                        p.get("in"), p.get("in")
                    ),
                    "required": bool(p.get("required")),
                    "description": p.get("description") or _PARAM_ZH.get(p.get("name") or "", ""),
                }
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {})
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("description") or _API_ZH.get((method.upper(), path), ""),
                    "params": params,
                    "body": ", ".join(body),
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return render(
        request, "api_docs.html", {"endpoints": endpoints, "spec_url": "/api/v1/openapi.json"}
    )
