# ruff: noqa: B008  (FastAPI declares parameters with Depends/Query/Form defaults)
"""Over 500 lines because the API's pydantic response models sit beside the endpoints that return them (one OpenAPI surface; a models module is the split to make).

REST API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/docs``).

Every error has one JSON body: ``{"ok": false, "error": "<Chinese message>", "errors": [...],
"status": <HTTP status>}`` (see ``app.py``). Changing actions (upload, review, re-check) need
a login: a session cookie (``/api/v1/login``) or HTTP Basic. With a session cookie every
POST also needs an ``Origin`` (or ``Referer``) naming this server and the header
``X-CSRF-Token`` equal to the ``nianbao_csrf`` cookie (``GET /api/v1/me`` returns it);
a request with an HTTP Basic header needs neither.
"""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from ..errors import InputTooLarge
from ..schema import label_of
from ..store import export as sx
from ..store import indicators as si
from ..store import queries as sq
from ..store.db import session_scope, write_engine
from ..store.models import SourceFile, StoredFinding, StoredReport
from ..store.queries import report_findings, report_values
from . import services as sv
from .auth import COOKIE_NAME, CSRF_FIELD, CSRF_HEADER
from .state import (
    WebError,
    _basic_credentials,
    api_protect,
    check_same_origin,
    clear_session_cookie,
    csrf_token,
    current_user,
    db_session,
    login_or_throttle,
    login_required,
    protect,
    require_writer,
    set_session_cookie,
    state_of,
)

__all__ = ["router", "accept_upload", "export_response"]

router = APIRouter(prefix="/api/v1", tags=["nianbao"])


# ------------------------------------------------------------------ models
class ErrorOut(BaseModel):
    ok: bool = False
    error: str
    errors: list[Any] = []
    status: int


# A report (or a value) is the store's own row: one definition of its fields.
ReportOut = sq.ReportRow
ValueOut = sq.ValueRow


class ReportListOut(BaseModel):
    ok: bool = True
    total: int
    offset: int
    items: list[ReportOut]


class FindingOut(BaseModel):
    id: int
    report_id: int
    origin: str
    rule: str
    severity: str
    cells: list[str]
    cell_labels: list[str]
    message: str
    expected: Any = None
    actual: Any = None
    fingerprint: str
    status: str
    note: str | None
    decided_at: datetime | None


class ReportDetailOut(BaseModel):
    ok: bool = True
    report: ReportOut
    meta: dict[str, Any]
    values: list[ValueOut]
    findings: list[FindingOut]


class SourceOut(BaseModel):
    ok: bool = True
    report_id: int
    field_id: str
    label: str
    present: bool
    raw: str | None
    blank: bool | None
    provenance: dict[str, Any]
    media_type: str | None
    line: int | None
    before: str
    mark: str
    after: str
    context: list[tuple[int, str]]
    pdf_image: bool
    note: str | None


class ReviewIn(BaseModel):
    status: Literal["open", "confirmed", "dismissed"] = Field(
        description="open 待审核 / confirmed 已确认 / dismissed 已排除"
    )
    note: str | None = Field(default=None, max_length=4000)


class ReviewOut(BaseModel):
    ok: bool = True
    finding: FindingOut


class RecheckOut(BaseModel):
    ok: bool = True
    status: str
    report: ReportOut | None


class JobFileOut(BaseModel):
    name: str
    size: int
    status: str
    status_zh: str
    message: str | None
    report_id: int | None


class UploadOut(BaseModel):
    ok: bool = True
    id: str
    total: int
    finished: int
    done: bool
    percent: int
    files: list[JobFileOut]


class ProblemFileOut(BaseModel):
    name: str
    sha256: str
    size: int
    status: str
    error_kind: str | None
    error: str | None


class ProblemListOut(BaseModel):
    ok: bool = True
    items: list[ProblemFileOut]


class AgencyOut(BaseModel):
    id: int
    name: str
    kind: str
    level: str
    years: list[int]
    with_errors: int


class AgencyListOut(BaseModel):
    ok: bool = True
    items: list[AgencyOut]


class SeriesOut(BaseModel):
    name: str
    data: list[int | float | None]


class ChartOut(BaseModel):
    series: list[SeriesOut]
    lines: list[SeriesOut] = []
    formula: str


class AgencyDetailOut(BaseModel):
    ok: bool = True
    agency: AgencyOut
    years: list[int]
    report_ids: list[int]
    reports: list[ReportOut]
    charts: dict[str, ChartOut]


class CoverageRowOut(BaseModel):
    agency_id: int
    agency: str
    kind: str
    level: str
    reports: list[int | None]
    errors: list[int | None]


class CoverageOut(BaseModel):
    ok: bool = True
    years: list[int]
    total: int
    missing: dict[int, int]
    present: dict[int, int]
    rows: list[CoverageRowOut]


class CompareRowOut(BaseModel):
    field_id: str
    label: str
    first: int | float | None
    second: int | float | None
    first_present: bool
    second_present: bool
    changed: bool
    delta: int | float | None


class CompareOut(BaseModel):
    ok: bool = True
    first: ReportOut
    second: ReportOut
    same_agency: bool
    rows: list[CompareRowOut]
    cross_findings: list[FindingOut]


class RankEntryOut(BaseModel):
    rank: int | None
    agency_id: int
    agency: str
    report_id: int
    value: float | int | None
    numerator: float | int | None
    denominator: float | int | None


class RankingOut(BaseModel):
    ok: bool = True
    year: int | None
    indicator: str
    name: str
    formula: str
    guard: str
    min_denominator: int
    ranked: list[RankEntryOut]
    unranked: list[RankEntryOut]


class LoginIn(BaseModel):
    name: str = Field(max_length=100)
    password: str = Field(max_length=1000)


class OkOut(BaseModel):
    ok: bool = True
    user: str | None = None
    login_required: bool = True
    csrf_token: str = Field(
        default="", description="送回 X-CSRF-Token 请求头的安全令牌（与 nianbao_csrf cookie 相同）"
    )


class HealthOut(BaseModel):
    ok: bool = True
    reports: int
    files: int
    login_required: bool
    private: bool = False


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut},
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    413: {"model": ErrorOut},
    422: {"model": ErrorOut},
    429: {"model": ErrorOut},
    503: {"model": ErrorOut},
}


# ------------------------------------------------------------------ converters
report_out = sq.report_row


def finding_out(f: StoredFinding) -> FindingOut:
    cells = list(f.cells or [])
    return FindingOut(
        id=f.id,
        report_id=f.report_id,
        origin=f.origin,
        rule=f.rule,
        severity=f.severity,
        cells=cells,
        cell_labels=[label_of(c) for c in cells],
        message=f.message,
        expected=f.expected,
        actual=f.actual,
        fingerprint=f.fingerprint,
        status=f.status,
        note=f.note,
        decided_at=f.decided_at,
    )


def _not_found(exc: sq.NotFound) -> WebError:
    return WebError(404, str(exc))


# ------------------------------------------------------------------ health / auth
@router.get("/health", response_model=HealthOut)
def health(request: Request, s: Session = Depends(db_session)) -> HealthOut:
    return HealthOut(
        reports=s.scalar(select(func.count()).select_from(StoredReport)) or 0,
        files=s.scalar(select(func.count()).select_from(SourceFile)) or 0,
        login_required=login_required(request),
        private=state_of(request).private,
    )


@router.post("/login", response_model=OkOut, responses=ERRORS)
def login(body: LoginIn, request: Request, response: Response) -> OkOut:
    """登录：设置会话 cookie。同一账号或同一地址 15 分钟内失败 5 次后暂停登录（429）。"""
    protect(request)
    st = state_of(request)
    if not login_or_throttle(request, body.name, body.password):
        raise WebError(401, "用户名或密码不正确。")
    set_session_cookie(response, request, st.sessions.create(body.name))
    return OkOut(user=body.name, csrf_token=csrf_token(request))


@router.post("/logout", response_model=OkOut, responses=ERRORS)
def logout(request: Request, response: Response) -> OkOut:
    """退出：结束服务器上的会话（旧 cookie 随即失效）。"""
    protect(request)
    state_of(request).sessions.end(request.cookies.get(COOKIE_NAME))
    clear_session_cookie(response, request)
    return OkOut(csrf_token=csrf_token(request))


@router.get("/me", response_model=OkOut)
def me(request: Request) -> OkOut:
    """当前用户和本客户端的安全令牌（CSRF）。"""
    return OkOut(
        user=current_user(request),
        login_required=login_required(request),
        csrf_token=csrf_token(request),
    )


# ------------------------------------------------------------------ reports
@router.get("/reports", response_model=ReportListOut, responses=ERRORS)
def list_reports(
    s: Session = Depends(db_session),
    agency: str | None = Query(None, max_length=200, description="机关名称（或其一部分）"),
    year: int | None = Query(None, ge=1900, le=2200),
    has_errors: bool = False,
    offset: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=1000),
    sort: Literal["agency", "errors", "newest"] = "agency",
) -> ReportListOut:
    rows, total = sq.list_report_page(s, agency, year, has_errors, offset, limit, sort)
    return ReportListOut(total=total, offset=offset, items=[report_out(r, f) for r, f in rows])


@router.get("/reports/{report_id}", response_model=ReportDetailOut, responses=ERRORS)
def get_report(report_id: int, s: Session = Depends(db_session)) -> ReportDetailOut:
    try:
        rep, sf = sq.report_header(s, report_id)
    except sq.NotFound as exc:
        raise _not_found(exc) from exc
    return ReportDetailOut(
        report=report_out(rep, sf),
        meta=rep.meta or {},
        values=report_values(s, report_id),
        findings=[finding_out(f) for f in report_findings(s, report_id)],
    )


@router.get("/reports/{report_id}/source/{field_id}", response_model=SourceOut, responses=ERRORS)
def get_source(
    request: Request, report_id: int, field_id: str, s: Session = Depends(db_session)
) -> SourceOut:
    st = state_of(request)
    if not st.read_slots.acquire(timeout=st.pdf_wait):
        raise WebError(503, "服务器正忙：同时读取原文的请求过多，请稍后再试。")
    try:
        return SourceOut(**sv.source_snippet(s, report_id, field_id, st.limits))
    except sq.NotFound as exc:
        raise _not_found(exc) from exc
    finally:
        st.read_slots.release()


@router.post(
    "/reports/{report_id}/recheck",
    response_model=RecheckOut,
    responses=ERRORS,
    dependencies=[Depends(api_protect)],
)
def recheck(report_id: int, request: Request) -> RecheckOut:
    require_writer(request)
    st = state_of(request)
    try:
        status = sv.recheck_report(st.engine, report_id, st.limits)
    except sq.NotFound as exc:
        raise _not_found(exc) from exc
    with Session(st.engine) as s:
        try:
            rep, sf = sq.report_header(s, report_id)
            out = report_out(rep, sf)
        except sq.NotFound:
            out = None
    return RecheckOut(status=status, report=out)


@router.post(
    "/findings/{finding_id}/review",
    response_model=ReviewOut,
    responses=ERRORS,
    dependencies=[Depends(api_protect)],
)
def review(finding_id: int, body: ReviewIn, request: Request) -> ReviewOut:
    user = require_writer(request)
    st = state_of(request)
    try:
        with session_scope(write_engine(st.engine)) as s:
            row = sv.review_finding(s, finding_id, body.status, body.note, user)
            s.flush()
            out = finding_out(row)
    except sq.NotFound as exc:
        raise _not_found(exc) from exc
    return ReviewOut(finding=out)


# ------------------------------------------------------------------ uploads
def _too_large(limits: sv.UploadLimits) -> WebError:
    return WebError(
        413,
        f"上传内容过大：本次上传超过了 {sv.size_text(limits.max_total_bytes)} 的合计上限"
        f"（{limits.describe()}），已停止接收：请分批上传。",
    )


class _SpoolingParser(MultiPartParser):
    """Starlette's parser with files kept in memory only up to 64 KB each (then on disk):
    a request of many small files does not hold them all in memory."""

    spool_max_size = 64 * 1024


async def _read_form(request: Request, limits: sv.UploadLimits) -> FormData:
    """The multipart body, counted on the bytes actually received (a chunked body has
    no Content-Length): past ``limits.body_bytes`` the upload stops with 413. Files are
    spooled to disk by Starlette's parser beyond 1 MB each."""
    if "multipart/form-data" not in request.headers.get("content-type", ""):
        raise WebError(400, "没有收到文件：请以 multipart/form-data 上传（字段名 files）。")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limits.body_bytes:
        raise _too_large(limits)

    async def counted() -> AsyncGenerator[bytes, None]:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > limits.body_bytes:
                raise _too_large(limits)
            yield chunk

    parser = _SpoolingParser(
        request.headers,
        counted(),
        max_files=limits.max_files * 4 + 16,
        max_fields=100,
        max_part_size=64 * 1024,
    )
    try:
        return await parser.parse()
    except MultiPartException as exc:
        raise WebError(
            400, "上传内容无法读取：不是有效的 multipart 数据，或文件、字段过多。"
        ) from exc


async def accept_upload(request: Request) -> sv.UploadJob:
    """Read a multipart upload (field ``files``, one or many), refuse what the CLI would
    refuse, and queue the rest (on disk) for parsing in the background. The upload queue
    is bounded: when it is full the request is refused with 503."""
    st = state_of(request)
    limits = st.limits
    basic = _basic_credentials(request) is not None
    if basic or request.headers.get(CSRF_HEADER):
        protect(request)
    else:
        check_same_origin(request)  # the token comes in the form, checked below
    require_writer(request)
    if st.jobs.full():
        raise WebError(503, "上传队列已满，服务器正在处理之前上传的文件，请稍后再上传。")
    form = await _read_form(request, limits)
    try:
        if not basic and not request.headers.get(CSRF_HEADER):
            token = form.get(CSRF_FIELD)
            protect(request, token if isinstance(token, str) else None)
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
        if not files:
            raise WebError(400, "没有收到文件：请选择一个或多个报告文件（字段名 files）。")
        if len(files) > limits.max_files:
            raise WebError(
                413,
                f"一次上传了 {len(files)} 个文件，超过上限：{limits.describe()}。",
                [
                    {"name": sv.safe_name(f.filename), "error": "超过文件数上限"}
                    for f in files[limits.max_files :]
                ],
            )
        return await asyncio.to_thread(_queue_files, st, files)
    finally:
        await form.close()


def _file_size(f: UploadFile) -> int:
    """The bytes actually received for one file."""
    if f.size is not None:
        return f.size
    f.file.seek(0, os.SEEK_END)
    size = f.file.tell()
    f.file.seek(0)
    return size


_HEAD_BYTES = 128 * 1024


def _queue_files(st: Any, files: list[UploadFile]) -> sv.UploadJob:
    """Check each received file on its first bytes and copy the accepted ones to the
    upload queue's folder (no file is read whole into memory here). A ZIP archive
    (``*.zip``) is queued as the files in it (``_queue_archive``)."""
    limits: sv.UploadLimits = st.limits
    folder = st.jobs.spool_dir()
    job = st.jobs.new()
    accepted: list[tuple[sv.JobFile, Path]] = []
    total = 0
    try:
        for f in files:
            name, size = sv.safe_name(f.filename), _file_size(f)
            f.file.seek(0)
            head = f.file.read(_HEAD_BYTES)  # enough for the checks (sniff reads 64 KB)
            if sv.is_archive_upload(name, head):
                total = _queue_archive(st, job, accepted, f, name, size, total)
                continue
            jf = sv.JobFile(name=name, size=size)
            job.files.append(jf)
            problem: Exception | None
            if jf.size > limits.max_file_bytes:
                problem = InputTooLarge(
                    f"文件过大（{sv.size_text(jf.size)}），"
                    f"每个文件的上限为 {sv.size_text(limits.max_file_bytes)}。"
                )
            else:
                problem = sv.check_upload(head, limits)
                if problem is None and total + jf.size > limits.max_total_bytes:
                    problem = InputTooLarge(
                        f"本次上传的文件合计超过 {sv.size_text(limits.max_total_bytes)}，"
                        "这个文件未处理：请分批上传。"
                    )
            if problem is not None:
                jf.status, jf.message = "rejected", str(problem)
                continue
            total += jf.size
            fd, name = tempfile.mkstemp(dir=folder, prefix="upload-")
            with os.fdopen(fd, "wb") as fh:
                f.file.seek(0)
                shutil.copyfileobj(f.file, fh, 1024 * 1024)
            accepted.append((jf, Path(name)))
        st.jobs.publish(job)  # with several workers: the job's page may be served by another
        if accepted:
            st.jobs.submit(st.engine, job, accepted)
    except BaseException as exc:
        for jf, path in accepted:
            sv.drop_spooled(path)
            if jf.status == "queued":
                jf.status = "rejected"
                jf.message = str(exc) if isinstance(exc, sv.QueueFull) else "未处理。"
        if isinstance(exc, sv.QueueFull):
            raise WebError(503, str(exc)) from exc
        raise
    return job


def _queue_archive(
    st: Any,
    job: sv.UploadJob,
    accepted: list[tuple[sv.JobFile, Path]],
    f: UploadFile,
    name: str,
    size: int,
    total: int,
) -> int:
    """Spool an uploaded ZIP archive (in a folder of its own, under its name) and add its
    members to the job, each a file ``<archive>::<member>`` queued with the archive's
    path; or one rejected file naming why the whole archive is refused (nothing of it is
    queued). Returns the upload's bytes so far, members counted unpacked."""
    limits: sv.UploadLimits = st.limits
    holder = Path(tempfile.mkdtemp(dir=st.jobs.spool_dir(), prefix="zip-"))
    archive = holder / sv.archive_spool_name(name)
    queued = False
    try:
        with archive.open("wb") as fh:
            f.file.seek(0)
            shutil.copyfileobj(f.file, fh, 1024 * 1024)
        members, problem = sv.archive_members(archive, limits)
        unpacked = sum(s for _, s in members if s <= limits.max_file_bytes)
        if problem is None and total + unpacked > limits.max_total_bytes:
            problem = InputTooLarge(
                f"本次上传的文件合计（压缩包按解压后计）超过 {sv.size_text(limits.max_total_bytes)}，"
                "这个压缩包未处理：请分批上传。"
            )
        if problem is None and len(job.files) + len(members) > limits.max_files:
            problem = InputTooLarge(
                f"本次上传的文件（压缩包按其中的文件计）超过 {limits.max_files} 个，"
                "这个压缩包未处理：请分批上传。"
            )
        if problem is not None:
            job.files.append(
                sv.JobFile(name=name, size=size, status="rejected", message=str(problem))
            )
            return total
        for member, msize in members:
            jf = sv.JobFile(
                name=f"{name}{sv.ARCHIVE_SEP}{sv.member_label(member)}", size=msize, member=member
            )
            job.files.append(jf)
            if msize > limits.max_file_bytes:
                jf.status = "rejected"
                jf.message = (
                    f"文件过大（解压后 {sv.size_text(msize)}），"
                    f"每个文件的上限为 {sv.size_text(limits.max_file_bytes)}。"
                )
                continue
            accepted.append((jf, archive))
            queued = True
        return total + unpacked
    finally:
        if not queued:
            shutil.rmtree(holder, ignore_errors=True)


def _upload_out(job: sv.UploadJob) -> UploadOut:
    d = job.to_dict()
    return UploadOut(**d)


@router.post("/uploads", response_model=UploadOut, status_code=202, responses=ERRORS)
async def upload(request: Request) -> UploadOut:
    """上传一个或多个报告文件（multipart 字段 files），后台解析入库；返回任务进度。"""
    return _upload_out(await accept_upload(request))


@router.get("/uploads/{job_id}", response_model=UploadOut, responses=ERRORS)
def upload_status(job_id: str, request: Request) -> UploadOut:
    job = state_of(request).jobs.get(job_id)
    if job is None:
        raise WebError(404, "没有这个上传任务（服务重启后任务记录会清空，已入库的报告不受影响）。")
    return _upload_out(job)


@router.get("/files/problems", response_model=ProblemListOut)
def problems(s: Session = Depends(db_session)) -> ProblemListOut:
    return ProblemListOut(
        items=[
            ProblemFileOut(
                name=f.name,
                sha256=f.sha256,
                size=f.size,
                status=f.status,
                error_kind=f.error_kind,
                error=f.error,
            )
            for f in sq.problem_files(s)
        ]
    )


# ------------------------------------------------------------------ corpus
@router.get("/agencies", response_model=AgencyListOut)
def agencies(
    s: Session = Depends(db_session), q: str | None = Query(None, max_length=200)
) -> AgencyListOut:
    return AgencyListOut(
        items=[
            AgencyOut(
                id=a["agency"].id,
                name=a["agency"].name,
                kind=a["agency"].kind,
                level=a["agency"].level,
                years=a["years"],
                with_errors=a["with_errors"],
            )
            for a in sq.search_agencies(s, q)
        ]
    )


@router.get("/agencies/{agency_id}", response_model=AgencyDetailOut, responses=ERRORS)
def agency(agency_id: int, s: Session = Depends(db_session)) -> AgencyDetailOut:
    try:
        d = si.agency_series(s, agency_id)
    except sq.NotFound as exc:
        raise _not_found(exc) from exc
    ag = d["agency"]
    charts = {}
    for key, c in d["charts"].items():
        lines = c.get("lines") or ([c["line"]] if c.get("line") else [])
        charts[key] = ChartOut(
            series=[SeriesOut(**x) for x in c["series"]],
            lines=[SeriesOut(**x) for x in lines],
            formula=c["formula"],
        )
    return AgencyDetailOut(
        agency=AgencyOut(
            id=ag.id,
            name=ag.name,
            kind=ag.kind,
            level=ag.level,
            years=d["years"],
            with_errors=sum(1 for r, _ in d["reports"] if r.n_errors),
        ),
        years=d["years"],
        report_ids=d["report_ids"],
        reports=[report_out(r, f) for r, f in d["reports"]],
        charts=charts,
    )


def _years(year: list[int] | None) -> list[int] | None:
    return [y for y in year if 1900 <= y <= 2200] if year else None


@router.get("/coverage", response_model=CoverageOut)
def coverage(
    s: Session = Depends(db_session),
    year: list[int] | None = Query(None),
    q: str | None = Query(None, max_length=200),
    only_missing: bool = False,
    offset: int = Query(0, ge=0),
    limit: int = Query(500, ge=1, le=5000),
) -> CoverageOut:
    g = sq.coverage_grid(s, _years(year), q, only_missing, offset, limit)
    return CoverageOut(
        years=g["years"],
        total=g["total"],
        missing=g["missing"],
        present=g["present"],
        rows=[
            CoverageRowOut(
                agency_id=r["agency_id"],
                agency=r["agency"],
                kind=r["kind"],
                level=r["level"],
                reports=[None if c is None else c[0] for c in r["cells"]],
                errors=[None if c is None else c[1] for c in r["cells"]],
            )
            for r in g["rows"]
        ],
    )


@router.get("/compare", response_model=CompareOut, responses=ERRORS)
def compare(
    a: int, b: int, changed_only: bool = False, s: Session = Depends(db_session)
) -> CompareOut:
    try:
        c = sq.compare_by_ids(s, a, b, changed_only)
    except sq.NotFound as exc:
        raise _not_found(exc) from exc
    return CompareOut(
        first=report_out(*c.first),
        second=report_out(*c.second),
        same_agency=c.same_agency,
        rows=[
            CompareRowOut(
                field_id=r.field_id,
                label=r.label,
                first=r.first,
                second=r.second,
                first_present=r.first_present,
                second_present=r.second_present,
                changed=r.changed,
                delta=r.delta,
            )
            for r in c.rows
        ],
        cross_findings=[finding_out(f) for f in c.cross_findings],
    )


def _rank_entry(e: dict[str, Any], key: str) -> RankEntryOut:
    ind = e["indicators"][key]
    return RankEntryOut(
        rank=e["rank"],
        agency_id=e["agency_id"],
        agency=e["agency"],
        report_id=e["report_id"],
        value=ind["value"],
        numerator=ind["num"],
        denominator=ind["den"],
    )


@router.get("/ranking", response_model=RankingOut, responses=ERRORS)
def ranking(
    s: Session = Depends(db_session),
    year: int | None = Query(None, ge=1900, le=2200),
    indicator: str = Query("open_rate", max_length=64),
    q: str | None = Query(None, max_length=200),
    level: str | None = Query(None, max_length=16),
    kind: str | None = Query(None, max_length=16),
    order: Literal["desc", "asc"] = "desc",
) -> Response:
    try:
        r = si.ranking(s, year, indicator, q, level, kind, order == "desc")
    except ValueError as exc:
        raise WebError(400, str(exc)) from exc
    # a remembered ranking (no search) is the same object until the store changes: its
    # JSON (megabytes for 20,000 agencies) is made once for it
    with _RANKING_LOCK:
        hit = _RANKING_JSON.get(id(r))
    if hit is not None and hit[0] is r:
        return Response(hit[1], media_type="application/json")
    ind = r["indicator"]
    out = RankingOut(
        year=r["year"],
        indicator=ind.key,
        name=ind.name,
        formula=ind.formula,
        guard=r["guard"],
        min_denominator=si.MIN_DENOMINATOR,
        ranked=[_rank_entry(e, ind.key) for e in r["ranked"]],
        unranked=[_rank_entry(e, ind.key) for e in r["unranked"]],
    )
    body = JSONResponse(out.model_dump(mode="json", by_alias=True)).body
    if not q:
        with _RANKING_LOCK:
            _RANKING_JSON[id(r)] = (r, bytes(body))
            while len(_RANKING_JSON) > 8:
                _RANKING_JSON.popitem(last=False)
    return Response(body, media_type="application/json")


# JSON of remembered rankings, by the ranking object (kept alive with it)
_RANKING_JSON: OrderedDict[int, tuple[dict[str, Any], bytes]] = OrderedDict()
_RANKING_LOCK = threading.Lock()


# ------------------------------------------------------------------ exports
EXPORTS = ("reports", "values", "findings", "coverage", "ranking", "agencies", "compare", "files")


_END = object()


async def pump(
    request: Request,
    produce: Callable[[Callable[[], bool]], Iterator[bytes]],
    slot: threading.Semaphore | None = None,
    poll: float = 0.05,
    stall: float = 120.0,
) -> AsyncIterator[bytes]:
    """The pieces of ``produce(cancelled)`` run in a thread of its own, passed on as they
    come (at most a few held at once). When the client goes away (the disconnect seen
    here, or this generator cancelled or closed) the producer is told through
    ``cancelled()`` and stops at its next row; so it does when the client takes nothing
    for ``stall`` seconds (a client reading slowly on purpose cannot hold ``slot``, which
    is released when the producer has ended)."""
    cancel = threading.Event()
    pieces: queue.Queue[Any] = queue.Queue(maxsize=4)

    def put(item: Any) -> bool:
        waited = 0.0
        while not cancel.is_set():
            try:
                pieces.put(item, timeout=0.2)
                return True
            except queue.Full:
                waited += 0.2
                if waited >= stall:
                    cancel.set()
        return False

    def run() -> None:
        try:
            for piece in produce(cancel.is_set):
                if not put(piece):
                    return
            put(_END)
        except sx.ExportCancelled:
            pass
        except BaseException as exc:  # noqa: BLE001 - handed to the response
            put(exc)
        finally:
            if slot is not None:
                slot.release()

    thread = threading.Thread(target=run, name="nianbao-export", daemon=True)
    thread.start()
    try:
        while True:
            try:
                item = pieces.get_nowait()
            except queue.Empty:
                if await request.is_disconnected():
                    return
                await asyncio.sleep(poll)
                continue
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        cancel.set()


def export_response(
    request: Request,
    what: str,
    fmt: str,
    params: dict[str, Any],
) -> Response:
    """The file of an export, streamed as it is written: the store's exporters (reports,
    values, findings) or the list a page shows (coverage, ranking, agencies, compare,
    files). At most ``export_slots`` exports run at once (503 beyond); an export stops
    when its client goes away."""
    if what not in EXPORTS:
        raise WebError(404, f"不能导出 {what}，可选：{'、'.join(EXPORTS)}。")
    if fmt not in sv.EXPORT_MEDIA:
        raise WebError(400, f"不支持的导出格式 {fmt}，可选：csv、xlsx。")
    st = state_of(request)
    agency_q = params.get("agency") or params.get("q")
    year = params.get("year")
    produce: Callable[[Callable[[], bool]], Iterator[bytes]]
    if what in ("reports", "values", "findings"):

        def produce(cancel: Callable[[], bool]) -> Iterator[bytes]:
            return sx.export_chunks(
                st.engine,
                what,
                fmt,
                agency_q or None,
                year,
                bool(params.get("has_errors")),
                cancel,
            )

    else:
        # a page's list (at most one row per agency or per value): built here, so that a
        # bad parameter is a 400/404 and not a broken download; then written as it streams
        with Session(st.engine) as s:
            headers, rows = _list_rows(s, what, params)

        def produce(cancel: Callable[[], bool]) -> Iterator[bytes]:
            return sx.table_chunks(headers, rows, fmt, _SHEETS[what], cancel)

    if not st.export_slots.acquire(blocking=False):
        raise WebError(503, "同时进行的导出过多，请等当前的导出完成后再试。")
    filename = f"nianbao-{what}.{fmt}"
    return StreamingResponse(
        pump(request, produce, st.export_slots),
        media_type=sv.EXPORT_MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


_SHEETS = {
    "coverage": "覆盖情况",
    "ranking": "排名",
    "agencies": "机关",
    "compare": "对比",
    "files": "无法使用的文件",
}


def _list_rows(s: Session, what: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    q = params.get("q") or params.get("agency")
    if what == "files":
        return ["文件", "SHA-256", "大小（字节）", "状态", "原因"], [
            [
                f.name,
                f.sha256,
                f.size,
                "无法使用" if f.status == "unusable" else "解析出错",
                f.error,
            ]
            for f in sq.problem_files(s, limit=100_000)
        ]
    if what == "compare":
        if not (params.get("a") and params.get("b")):
            raise WebError(400, "导出对比需要两份报告的编号（a 和 b）。")
        try:
            c = sq.compare_by_ids(
                s, int(params["a"]), int(params["b"]), bool(params.get("changed_only"))
            )
        except sq.NotFound as exc:
            raise WebError(404, str(exc)) from exc
        ya, yb = c.first[0].year or "第一份", c.second[0].year or "第二份"
        return ["字段", "项目", str(ya), str(yb), "变化"], [
            [
                r.field_id,
                r.label,
                r.first,
                r.second,
                r.delta if r.delta is not None else ("有变化" if r.changed else None),
            ]
            for r in c.rows
        ]
    if what == "agencies":
        items = sq.search_agencies(s, q, limit=100_000)
        return ["机关编号", "机关", "类别", "层级", "有报告的年度", "有错误的报告数"], [
            [
                a["agency"].id,
                a["agency"].name,
                a["agency"].kind,
                a["agency"].level,
                "、".join(map(str, a["years"])),
                a["with_errors"],
            ]
            for a in items
        ]
    if what == "coverage":
        years = params.get("years") or None
        g = sq.coverage_grid(s, years, q, bool(params.get("only_missing")), 0, 10**9)
        headers = ["机关编号", "机关", *[f"{y}年" for y in g["years"]]]
        rows = []
        for r in g["rows"]:
            cells = []
            for c in r["cells"]:
                if c is None:
                    cells.append("未发布")
                else:
                    cells.append(f"有错误（{c[1]}）" if c[1] else "已发布")
            rows.append([r["agency_id"], r["agency"], *cells])
        return headers, rows
    try:
        r = si.ranking(
            s,
            params.get("year"),
            params.get("indicator") or "open_rate",
            q,
            params.get("level"),
            params.get("kind"),
            params.get("order", "desc") != "asc",
        )
    except ValueError as exc:
        raise WebError(400, str(exc)) from exc
    ind = r["indicator"]
    headers = ["名次", "机关", "报告编号", ind.name, "分子", "分母", "说明"]
    rows = []
    for e in [*r["ranked"], *r["unranked"]]:
        x = e["indicators"][ind.key]
        value = x["value"]
        if value is not None and ind.percent:
            value = round(100 * value, 2)
        note = (
            ""
            if e["rank"]
            else (f"分母不足 {si.MIN_DENOMINATOR}，不排名" if value is not None else "无法计算")
        )
        rows.append([e["rank"], e["agency"], e["report_id"], value, x["num"], x["den"], note])
    return headers, rows


@router.get(
    "/export/{what}",
    responses={200: {"content": {"text/csv": {}, sv.EXPORT_MEDIA["xlsx"]: {}}}, **ERRORS},
)
def export(
    what: str,
    request: Request,
    format: Literal["csv", "xlsx"] = "csv",  # noqa: A002 - the query parameter's name
    agency: str | None = Query(None, max_length=200),
    q: str | None = Query(None, max_length=200),
    year: int | None = Query(None, ge=1900, le=2200),
    years: list[int] | None = Query(None),
    has_errors: bool = False,
    only_missing: bool = False,
    indicator: str | None = Query(None, max_length=64),
    level: str | None = Query(None, max_length=16),
    kind: str | None = Query(None, max_length=16),
    order: Literal["desc", "asc"] = "desc",
    a: int | None = Query(None, ge=1),
    b: int | None = Query(None, ge=1),
    changed_only: bool = False,
) -> Response:
    """导出列表：reports（宽表）、values（长表）、findings（问题清单）用库的导出功能；
    coverage、ranking、agencies 导出页面上的列表。format=csv 或 xlsx。"""
    params = {
        "agency": agency,
        "q": q,
        "year": year,
        "years": _years(years),
        "has_errors": has_errors,
        "only_missing": only_missing,
        "indicator": indicator,
        "level": level,
        "kind": kind,
        "order": order,
        "a": a,
        "b": b,
        "changed_only": changed_only,
    }
    return export_response(request, what, format, params)
