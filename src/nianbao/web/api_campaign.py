# ruff: noqa: B008  (FastAPI declares parameters with Depends/Query defaults)
"""The spring review in the REST API (issue 13), for scripts: the review queue, bulk
decisions (the reviewer recorded), the review log, the roster's coverage of a year, a
report's versions. Same rules as the rest of ``/api/v1``: reading is open unless the
server is private; a POST needs a login, the same origin and the X-CSRF-Token header (or an
HTTP Basic header)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ..store import display as sd
from ..store import review as sr
from ..store import roster as sroster
from ..store import versions as sver
from ..store.db import session_scope, write_engine
from ..store.queries import NotFound
from .api import ERRORS, FindingOut, finding_out
from .state import WebError, api_protect, db_session, require_writer, state_of

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["nianbao"])


class QueueItemOut(BaseModel):
    finding: FindingOut
    agency_id: int | None
    agency: str | None
    year: int | None
    region: str | None


class QueueOut(BaseModel):
    total: int = Field(description="符合条件的问题总数")
    items: list[QueueItemOut]


class DecisionsIn(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=1000, description="问题编号（最多 1000 个）")
    status: Literal["open", "confirmed", "dismissed"] = Field(
        description="open 待审核 / confirmed 已确认 / dismissed 已排除"
    )
    note: str | None = Field(default=None, max_length=4000, description="审核意见")


class DecisionsOut(BaseModel):
    ok: bool = True
    decided: int = Field(description="记录了结论的问题数")
    user: str


class LogEntryOut(BaseModel):
    at: datetime
    user: str | None
    finding_id: int
    report_id: int
    fingerprint: str
    status: str
    note: str | None
    rule: str | None
    message: str | None
    agency: str | None
    year: int | None


class CoverageLineOut(BaseModel):
    agency_id: int
    agency: str
    region: str
    kind: str
    status: str = Field(
        description="on_time 按时 / late 逾期 / no_deadline / missing 未收录 / unpublished 未发布"
    )
    status_zh: str
    deadline: date | None
    report_id: int | None
    published: date | None
    date_source: str | None
    days_late: int | None
    n_errors: int
    n_confirmed: int


class RosterCoverageOut(BaseModel):
    year: int
    region: str | None
    expected: int
    received: int
    counts: dict[str, int]
    by_region: list[dict[str, Any]]
    lines: list[CoverageLineOut]


class VersionOut(BaseModel):
    report_id: int
    version: int
    current: bool
    deleted: bool
    file_name: str
    published: str | None
    ingested_at: datetime
    n_errors: int
    n_warnings: int


class VersionsOut(BaseModel):
    versions: list[VersionOut]


@router.get("/review/queue", response_model=QueueOut, responses=ERRORS)
def review_queue(
    s: Session = Depends(db_session),
    status: Literal["open", "confirmed", "dismissed", "all"] = Query(
        "open", description="审核状态（默认待审核；all 全部）"
    ),
    rule: str | None = Query(None, max_length=64, description="规则编号，如 R-SUM-ROW"),
    severity: Literal["error", "warning", "info"] | None = Query(None, description="严重程度"),
    agency: str | None = Query(None, max_length=200, description="机关名称（或其一部分）"),
    region: str | None = Query(None, max_length=100, description="名单中的地区"),
    year: int | None = Query(None, ge=1900, le=2200, description="年度"),
    offset: int = Query(0, ge=0, description="跳过的条数（分页）"),
    limit: int = Query(100, ge=1, le=1000, description="最多返回的条数"),
) -> QueueOut:
    """审核队列：各机关各年度当前版本中的问题，可按状态、规则、严重程度、机关、地区、年度筛选。"""
    rows, total = sr.review_queue(
        s,
        status=None if status == "all" else status,
        rule=rule or None,
        severity=severity,
        agency=agency or None,
        region=region or None,
        year=year,
        offset=offset,
        limit=limit,
    )
    return QueueOut(
        total=total,
        items=[
            QueueItemOut(
                finding=finding_out(r.finding),
                agency_id=r.agency_id,
                agency=r.agency,
                year=r.year,
                region=r.region,
            )
            for r in rows
        ],
    )


@router.post(
    "/review/decisions",
    response_model=DecisionsOut,
    responses=ERRORS,
    dependencies=[Depends(api_protect)],
)
def review_decisions(body: DecisionsIn, request: Request) -> DecisionsOut:
    """批量审核：一次确认、排除或撤销多个问题的结论，附同一条审核意见（需登录，逐条记入审核记录）。
    有一个编号不存在时全部不记录（404）。"""
    user = require_writer(request)
    with session_scope(write_engine(state_of(request).engine)) as s:
        try:
            rows = sr.decide_findings(s, body.ids, body.status, body.note, user)
        except NotFound as exc:
            raise WebError(404, str(exc)) from exc
        n = len(rows)
    return DecisionsOut(decided=n, user=user)


@router.get("/review/log", response_model=list[LogEntryOut], responses=ERRORS)
def review_log(
    s: Session = Depends(db_session),
    report_id: int | None = Query(None, description="报告编号"),
    user: str | None = Query(None, max_length=100, description="审核人"),
    offset: int = Query(0, ge=0, description="跳过的条数（分页）"),
    limit: int = Query(200, ge=1, le=1000, description="最多返回的条数"),
) -> list[LogEntryOut]:
    """审核记录：谁、何时、对哪个问题作出什么结论、意见，最新的在前。"""
    out = []
    for e in sr.review_log(s, report_id=report_id, user=user, offset=offset, limit=limit):
        log = e["log"]
        out.append(
            LogEntryOut(
                at=log.at,
                user=log.user,
                finding_id=log.finding_id,
                report_id=log.report_id,
                fingerprint=log.fingerprint,
                status=log.status,
                note=log.note,
                rule=e["rule"],
                message=e["message"],
                agency=e["agency"],
                year=e["year"],
            )
        )
    return out


@router.get("/roster/coverage", response_model=RosterCoverageOut, responses=ERRORS)
def roster_coverage(
    s: Session = Depends(db_session),
    year: int = Query(..., ge=1900, le=2200, description="年度"),
    region: str | None = Query(None, max_length=100, description="名单中的地区"),
) -> RosterCoverageOut:
    """按应报机关名单和法定发布时限统计某年度的发布情况：按时、逾期、未收录（库中没有）、未发布（已核实）。"""
    cov = sroster.expected_coverage(s, year, region or None)
    statuses = ("on_time", "late", "no_deadline", "missing", "unpublished")
    return RosterCoverageOut(
        year=year,
        region=region or None,
        expected=cov.expected,
        received=cov.received,
        counts={st: cov.count(st) for st in statuses},
        by_region=cov.by_region(),
        lines=[
            CoverageLineOut(
                agency_id=ln.agency_id,
                agency=ln.agency,
                region=ln.region,
                kind=ln.kind,
                status=ln.status,
                status_zh=sd.COVERAGE_ZH.get(ln.status, ln.status),
                deadline=ln.deadline,
                report_id=ln.report_id,
                published=ln.published,
                date_source=ln.date_source,
                days_late=ln.days_late,
                n_errors=ln.n_errors,
                n_confirmed=ln.n_confirmed,
            )
            for ln in cov.lines
        ],
    )


@router.get("/reports/{report_id}/versions", response_model=VersionsOut, responses=ERRORS)
def versions(report_id: int, s: Session = Depends(db_session)) -> VersionsOut:
    """一份报告所属机关和年度的全部版本（先收到的在前），标明当前版本和已删除的版本。"""
    try:
        rows = sver.report_versions(s, report_id)
    except NotFound as exc:
        raise WebError(404, str(exc)) from exc
    return VersionsOut(versions=[VersionOut(**vars(v)) for v in rows])
