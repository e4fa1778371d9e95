"""Review work across the corpus: the queue of findings to review with filters, bulk
decisions with the reviewer's name in the review log, the log itself, and links to a
finding that survive re-checks and new versions (by fingerprint).

Store functions for the web app's review pages and for scripts; they take an open
session and leave committing to the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .models import REVIEW_STATUSES, Agency, ReviewLog, RosterEntry, StoredFinding, StoredReport
from .queries import NotFound, agency_where, decide_finding
from .versions import current_filter

__all__ = [
    "QueueRow",
    "review_queue",
    "decide_findings",
    "review_log",
    "resolve_finding",
]


@dataclass
class QueueRow:
    finding: StoredFinding
    report_id: int
    agency_id: int | None
    agency: str | None
    year: int | None
    region: str | None


def _queue_query(
    session: Session,
    status: str | None,
    rule: str | None,
    severity: str | None,
    agency: str | None,
    region: str | None,
    year: int | None,
) -> Any:
    q = (
        select(StoredFinding, StoredReport, Agency, RosterEntry.region)
        .join(StoredReport, StoredReport.id == StoredFinding.report_id)
        .outerjoin(Agency, Agency.id == StoredReport.agency_id)
        .outerjoin(RosterEntry, RosterEntry.agency_id == StoredReport.agency_id)
        .where(current_filter())
    )
    if status:
        q = q.where(StoredFinding.status == status)
    if rule:
        q = q.where(StoredFinding.rule == rule)
    if severity:
        q = q.where(StoredFinding.severity == severity)
    if year is not None:
        q = q.where(StoredReport.year == year)
    if region:
        q = q.where(RosterEntry.region.contains(region))
    where = agency_where(session, agency)
    if where is not None:
        q = q.where(where)
    return q


def review_queue(
    session: Session,
    *,
    status: str | None = "open",
    rule: str | None = None,
    severity: str | None = None,
    agency: str | None = None,
    region: str | None = None,
    year: int | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[list[QueueRow], int]:
    """Findings of the current reports (default: those 待审核) matching the filters, errors
    first, and how many match in all. ``agency`` as in ``queries.agency_where``;
    ``region`` the roster's region."""
    q = _queue_query(session, status, rule, severity, agency, region, year)
    total = session.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0
    order = case({"error": 0, "warning": 1}, value=StoredFinding.severity, else_=2)
    rows = session.execute(
        q.order_by(order, Agency.key, StoredReport.year, StoredFinding.id)
        .offset(offset)
        .limit(limit)
    )
    out = [
        QueueRow(
            f, rep.id, rep.agency_id, ag.name if ag is not None else rep.agency_name, rep.year, reg
        )
        for f, rep, ag, reg in rows
    ]
    return out, int(total)


def decide_findings(
    session: Session,
    finding_ids: Sequence[int],
    status: str,
    note: str | None = None,
    user: str | None = None,
) -> list[StoredFinding]:
    """Confirm, dismiss or reopen findings in bulk with one note; each decision goes to the
    review log with the reviewer's name. Unknown ids raise ``NotFound`` (nothing is
    decided then: the caller's transaction rolls back)."""
    if status not in REVIEW_STATUSES:
        raise ValueError(f"审核状态只能是 {'、'.join(REVIEW_STATUSES)}，而不是 {status}")
    text = (note or "").strip() or None
    now = datetime.now(UTC)
    rows = []
    for fid in dict.fromkeys(finding_ids):
        try:
            row = decide_finding(session, fid, status, text)
        except KeyError as exc:
            raise NotFound(f"没有编号为 {fid} 的问题。") from exc
        session.add(
            ReviewLog(
                finding_id=row.id,
                report_id=row.report_id,
                fingerprint=row.fingerprint,
                status=status,
                note=text,
                user=user,
                at=now,
            )
        )
        rows.append(row)
    session.flush()
    return rows


def review_log(
    session: Session,
    *,
    report_id: int | None = None,
    user: str | None = None,
    offset: int = 0,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """The review log, newest first (who, when, what), with each entry's report, agency
    and the finding's rule and message when the finding still exists."""
    q = (
        select(ReviewLog, StoredFinding, StoredReport)
        .outerjoin(StoredFinding, StoredFinding.id == ReviewLog.finding_id)
        .outerjoin(StoredReport, StoredReport.id == ReviewLog.report_id)
    )
    if report_id is not None:
        q = q.where(ReviewLog.report_id == report_id)
    if user:
        q = q.where(ReviewLog.user == user)
    out = []
    for log, f, rep in session.execute(
        q.order_by(ReviewLog.at.desc(), ReviewLog.id.desc()).offset(offset).limit(limit)
    ):
        out.append(
            {
                "log": log,
                "rule": None if f is None else f.rule,
                "message": None if f is None else f.message,
                "agency": None if rep is None else rep.agency_name,
                "year": None if rep is None else rep.year,
            }
        )
    return out


def resolve_finding(session: Session, report_id: int, fingerprint: str) -> StoredFinding | None:
    """The finding a link (report, fingerprint) means today: on that report, else on the
    current version of its agency's year (a corrected version keeps the fingerprint of a
    finding that is still there); None when the finding is gone."""
    found = session.scalar(
        select(StoredFinding).where(
            StoredFinding.report_id == report_id, StoredFinding.fingerprint == fingerprint
        )
    )
    rep = session.get(StoredReport, report_id)
    if rep is None:
        return found
    if found is not None and rep.superseded_by is None and rep.deleted_at is None:
        return found
    if rep.agency_id is None or rep.year is None:
        return found
    current = session.scalar(
        select(StoredReport.id).where(
            StoredReport.agency_id == rep.agency_id, StoredReport.year == rep.year, current_filter()
        )
    )
    if current is None:
        return found
    return (
        session.scalar(
            select(StoredFinding).where(
                StoredFinding.report_id == current, StoredFinding.fingerprint == fingerprint
            )
        )
        or found
    )
