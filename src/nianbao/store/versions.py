"""Versions of a report: a report of the same agency and year supersedes the older one
(history kept), reports are deleted and restored (never erased), and every such event is
logged in ``report_events``.

The current version of an agency's year is the newest report that is not deleted; the
others point to the one after them (``superseded_by``). ``rechain`` re-establishes this
after any change (a new version, a delete, a restore, agencies merged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from .models import ReportEvent, StoredReport

__all__ = [
    "EVENT_ZH",
    "VersionRow",
    "rechain",
    "current_filter",
    "log_event",
    "report_versions",
    "version_diff",
    "delete_report",
    "restore_report",
    "report_events",
]

EVENT_ZH: dict[str, str] = {
    "supersede": "新版本替代旧版本",
    "carry": "沿用审核意见",
    "delete": "删除",
    "restore": "恢复",
}


def current_filter() -> Any:
    """The SQL condition of a current report (neither superseded nor deleted)."""
    return StoredReport.superseded_by.is_(None) & StoredReport.deleted_at.is_(None)


def rechain(session: Session, agency_id: int | None, year: int | None) -> int | None:
    """Number the versions of an agency's year in the order received, point each live
    version to the next live one, and return the current version's id (None if none)."""
    if agency_id is None or year is None:
        return None
    session.flush()
    rows = list(
        session.execute(
            select(
                StoredReport.id,
                StoredReport.deleted_at,
                StoredReport.version,
                StoredReport.superseded_by,
            )
            .where(StoredReport.agency_id == agency_id, StoredReport.year == year)
            .order_by(StoredReport.id)
        )
    )
    live = [r.id for r in rows if r.deleted_at is None]
    conn = session.connection()
    t = cast(Table, StoredReport.__table__)
    for i, r in enumerate(rows, start=1):
        if r.deleted_at is None:
            k = live.index(r.id)
            nxt = live[k + 1] if k + 1 < len(live) else None
        else:
            nxt = r.superseded_by
        if r.version != i or r.superseded_by != nxt:
            conn.execute(update(t).where(t.c.id == r.id).values(version=i, superseded_by=nxt))
    session.expire_all()
    return live[-1] if live else None


def log_event(
    session: Session,
    report_id: int,
    action: str,
    detail: str | None = None,
    user: str | None = None,
    agency_id: int | None = None,
    year: int | None = None,
) -> None:
    session.add(
        ReportEvent(
            report_id=report_id,
            agency_id=agency_id,
            year=year,
            action=action,
            detail=detail,
            user=user,
            at=datetime.now(UTC),
        )
    )


@dataclass
class VersionRow:
    report_id: int
    version: int
    current: bool
    deleted: bool
    file_name: str
    published: str | None
    ingested_at: datetime
    n_errors: int
    n_warnings: int


def report_versions(session: Session, report_id: int) -> list[VersionRow]:
    """Every version of the agency's year ``report_id`` belongs to, oldest first (only the
    report itself when its agency or year is unknown)."""
    from .models import SourceFile
    from .queries import NotFound

    rep = session.get(StoredReport, report_id)
    if rep is None:
        raise NotFound(f"没有编号为 {report_id} 的报告。")
    q = select(StoredReport, SourceFile).join(
        SourceFile, SourceFile.id == StoredReport.source_file_id
    )
    if rep.agency_id is None or rep.year is None:
        q = q.where(StoredReport.id == report_id)
    else:
        q = q.where(StoredReport.agency_id == rep.agency_id, StoredReport.year == rep.year)
    return [
        VersionRow(
            r.id,
            r.version,
            r.superseded_by is None and r.deleted_at is None,
            r.deleted_at is not None,
            sf.name,
            r.published,
            r.ingested_at,
            r.n_errors,
            r.n_warnings,
        )
        for r, sf in session.execute(q.order_by(StoredReport.id))
    ]


def version_diff(session: Session, older_id: int, newer_id: int) -> list[Any]:
    """The values that differ between two versions (``CompareRow``s, schema order)."""
    from .queries import compare_values

    return compare_values(session, older_id, newer_id, changed_only=True)


def _set_deleted(
    session: Session, report_id: int, deleted: bool, user: str | None, note: str | None
) -> StoredReport:
    from .ingest import _latest_report_id, recheck_cross_year
    from .queries import NotFound

    rep = session.get(StoredReport, report_id)
    if rep is None:
        raise NotFound(f"没有编号为 {report_id} 的报告。")
    if (rep.deleted_at is not None) == deleted:
        raise ValueError(f"报告 {report_id} {'已经删除' if deleted else '没有被删除'}。")
    rep.deleted_at = datetime.now(UTC) if deleted else None
    agency_id, year = rep.agency_id, rep.year
    session.flush()
    rechain(session, agency_id, year)
    log_event(session, report_id, "delete" if deleted else "restore", note, user, agency_id, year)
    session.flush()
    # the next year's cross-year checks compare with this year's current version
    nxt = _latest_report_id(session, agency_id, None if year is None else year + 1)
    if nxt is not None:
        recheck_cross_year(session, nxt)
    cur = _latest_report_id(session, agency_id, year)
    if cur is not None:
        recheck_cross_year(session, cur)
    refreshed = session.get(StoredReport, report_id)
    assert refreshed is not None
    return refreshed


def delete_report(
    session: Session, report_id: int, user: str | None = None, note: str | None = None
) -> StoredReport:
    """Mark a report deleted (its rows stay; the previous version becomes current)."""
    return _set_deleted(session, report_id, True, user, note)


def restore_report(
    session: Session, report_id: int, user: str | None = None, note: str | None = None
) -> StoredReport:
    """Undo ``delete_report``; versions are numbered again in the order received."""
    return _set_deleted(session, report_id, False, user, note)


def report_events(
    session: Session,
    report_id: int | None = None,
    agency_id: int | None = None,
    limit: int = 500,
) -> list[ReportEvent]:
    """The log, newest first: of one report, of one agency, or all."""
    q = select(ReportEvent)
    if report_id is not None:
        q = q.where(ReportEvent.report_id == report_id)
    if agency_id is not None:
        q = q.where(ReportEvent.agency_id == agency_id)
    return list(session.scalars(q.order_by(ReportEvent.id.desc()).limit(limit)))
