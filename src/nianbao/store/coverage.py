"""The roster set against the reports of a year: on time, late, missing (未收录: the store
has nothing) or unpublished (未发布: known not published), by the statutory dates of
条例第四十九条 — departments by 1月31日, governments by 3月31日 of the next year; townships by
a configured date (local rules vary) — judged on the publication date (the report's or its
page's, else the day it was received). Re-exported by ``nianbao.store.roster``.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import RosterError
from .models import AgencyYearStatus, StoredFinding, StoredReport
from .versions import current_filter

__all__ = [
    "ENV_TOWNSHIP_DEADLINE",
    "CoverageLine",
    "ExpectedCoverage",
    "deadline_for",
    "parse_month_day",
    "publication_of",
    "expected_coverage",
    "coverage_matrix",
    "township_deadline_default",
]

ENV_TOWNSHIP_DEADLINE = "NIANBAO_TOWNSHIP_DEADLINE"


# ------------------------------------------------------------------ deadlines
def parse_month_day(text: str | None) -> tuple[int, int] | None:
    """``03-31``, ``3月31日`` or ``0331`` -> (3, 31); None for empty."""
    if not text or not text.strip():
        return None
    m = re.fullmatch(r"\s*(\d{1,2})\s*(?:[-/.月])?\s*(\d{1,2})\s*日?\s*", text)
    if not m:
        raise RosterError(f"日期“{text}”应写作 月-日，如 03-31。")
    month, day = int(m.group(1)), int(m.group(2))
    try:
        date(2001, month, day)
    except ValueError as exc:
        raise RosterError(f"日期“{text}”不存在。") from exc
    return month, day


def deadline_for(kind: str, year: int, township: tuple[int, int] | None = None) -> date | None:
    """The statutory date by which the ``year`` report must be published: departments
    1月31日, governments 3月31日 of the next year; townships the configured date; else
    None (no statutory date)."""
    if kind == "department":
        return date(year + 1, 1, 31)
    if kind == "government":
        return date(year + 1, 3, 31)
    if kind == "township" and township is not None:
        return date(year + 1, township[0], township[1])
    return None


_SOURCE_ZH = {"page": "网页发布日期", "footer": "报告落款日期", "upload": "收到日期"}


def publication_of(rep: StoredReport) -> tuple[date | None, str]:
    """The report's publication date and where it comes from: its page's date (a
    collected report), else the date on the report, else the day the store received it."""
    meta = rep.meta or {}
    return _publication(
        rep.published or meta.get("published"), meta.get("published_source"), rep.ingested_at
    )


def _publication(text: Any, source: Any, at: datetime | None) -> tuple[date | None, str]:
    if text:
        try:
            d = date.fromisoformat(str(text)[:10])
            return d, "page" if source == "page" else "footer"
        except ValueError:
            pass
    return (at.date() if at is not None else None), "upload"


# A report's columns the coverage reads: its meta's two keys read in SQL, not its meta
# (kilobytes of JSON) loaded for each of tens of thousands of reports.
_COVERAGE_COLUMNS = (
    StoredReport.id,
    StoredReport.agency_id,
    StoredReport.published,
    StoredReport.meta["published"].as_string(),
    StoredReport.meta["published_source"].as_string(),
    StoredReport.ingested_at,
    StoredReport.n_errors,
    StoredReport.n_warnings,
)


@dataclass
class CoverageLine:
    agency_id: int
    agency: str
    region: str
    kind: str
    level: str
    deadline: date | None
    status: str  # on_time / late / no_deadline / missing / unpublished
    report_id: int | None = None
    published: date | None = None
    date_source: str | None = None
    days_late: int | None = None
    n_errors: int = 0
    n_warnings: int = 0
    n_confirmed: int = 0
    note: str | None = None

    @property
    def date_source_zh(self) -> str:
        return _SOURCE_ZH.get(self.date_source or "", "")


@dataclass
class ExpectedCoverage:
    year: int
    region: str | None
    lines: list[CoverageLine]
    _by_region: list[dict[str, Any]] | None = field(default=None, repr=False, compare=False)

    def count(self, status: str) -> int:
        return sum(1 for ln in self.lines if ln.status == status)

    @property
    def expected(self) -> int:
        return len(self.lines)

    @property
    def received(self) -> int:
        return sum(1 for ln in self.lines if ln.report_id is not None)

    def by_region(self) -> list[dict[str, Any]]:
        """Per region the counts of each status (computed once per object)."""
        if self._by_region is None:
            self._by_region = self._count_by_region()
        return self._by_region

    def _count_by_region(self) -> list[dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for ln in self.lines:
            d = out.setdefault(
                ln.region or "（未填地区）",
                {
                    "region": ln.region or "（未填地区）",
                    "expected": 0,
                    "received": 0,
                    "on_time": 0,
                    "late": 0,
                    "no_deadline": 0,
                    "missing": 0,
                    "unpublished": 0,
                },
            )
            d["expected"] += 1
            d["received"] += ln.report_id is not None
            d[ln.status] += 1
        return sorted(out.values(), key=lambda d: d["region"])


def township_deadline_default() -> tuple[int, int] | None:
    return parse_month_day(os.environ.get(ENV_TOWNSHIP_DEADLINE))


def expected_coverage(
    session: Session,
    year: int,
    region: str | None = None,
    township: tuple[int, int] | None = None,
) -> ExpectedCoverage:
    """Every roster agency (of ``region``) for ``year``: its current report, if any, and
    whether it was published on time. ``township``: the configured (month, day) for
    townships (else env NIANBAO_TOWNSHIP_DEADLINE, else none: not judged).

    Remembered (the caller must not change it) until the store's stamp changes, or the
    roster, its agencies, the year's 未发布 marks or a review decision (the confirmed
    counts): those are read and digested on every call (plain rows, tens of ms at 20,000
    roster agencies), the reports' dates and counts are not."""
    if township is None:
        township = township_deadline_default()
    from .models import Agency, ReviewLog, RosterEntry
    from .queries import remembered

    q = select(RosterEntry.region, Agency.id, Agency.name, Agency.kind, Agency.level).join(
        Agency, Agency.id == RosterEntry.agency_id
    )
    if region:
        q = q.where(RosterEntry.region.contains(region))
    # plain rows, not entities: tens of thousands of roster agencies
    result = session.connection().execute(q.order_by(RosterEntry.region, RosterEntry.id))
    entries = [tuple(e) for e in result.all()]
    marks = sorted(
        session.execute(
            select(AgencyYearStatus.agency_id, AgencyYearStatus.note).where(
                AgencyYearStatus.year == year
            )
        ),
        key=lambda r: (r[0], r[1] or ""),
    )
    digest = hashlib.sha256(repr(entries).encode("utf-8"))
    digest.update(repr([tuple(m) for m in marks]).encode("utf-8"))
    decided = session.scalar(select(func.max(ReviewLog.id)))
    key = ("expected coverage", year, region, township, decided, digest.hexdigest())
    return remembered(
        session, key, lambda: _expected(session, year, region, township, entries, marks), True
    )


def _expected(
    session: Session,
    year: int,
    region: str | None,
    township: tuple[int, int] | None,
    entries: list[Any],
    marks: list[Any],
) -> ExpectedCoverage:
    ids = [e[1] for e in entries]
    reports: dict[int, Any] = {}
    confirmed: dict[int, int] = {}
    unpublished: dict[int, str | None] = {}
    if ids:
        wanted = set(ids)
        stmt = select(*_COVERAGE_COLUMNS).where(StoredReport.year == year, current_filter())
        if region:  # a region's agencies; the whole roster: the year's reports, then picked
            stmt = stmt.where(StoredReport.agency_id.in_(ids))
        for rep in session.execute(stmt):
            if rep[1] not in wanted:
                continue
            if rep[1] not in reports or rep[0] > reports[rep[1]][0]:
                reports[rep[1]] = rep
        rids = [r[0] for r in reports.values()]
        if rids:
            confirmed = dict(
                session.execute(
                    select(StoredFinding.report_id, func.count())
                    .where(StoredFinding.report_id.in_(rids), StoredFinding.status == "confirmed")
                    .group_by(StoredFinding.report_id)
                ).all()
            )
        for aid, note in marks:
            if aid in wanted:
                unpublished[aid] = note
    lines = []
    deadlines: dict[str, date | None] = {}
    for entry_region, ag_id, ag_name, ag_kind, ag_level in entries:
        if ag_kind not in deadlines:
            deadlines[ag_kind] = deadline_for(ag_kind, year, township)
        dl = deadlines[ag_kind]
        line = CoverageLine(ag_id, ag_name, entry_region, ag_kind, ag_level, dl, "missing")
        got = reports.get(ag_id)
        if got is not None:
            rid, _, published, meta_published, meta_source, at, n_errors, n_warnings = got
            pub, src = _publication(published or meta_published, meta_source, at)
            line.report_id, line.published, line.date_source = rid, pub, src
            line.n_errors, line.n_warnings = n_errors, n_warnings
            line.n_confirmed = confirmed.get(rid, 0)
            if dl is None or pub is None:
                line.status = "no_deadline"
            elif pub > dl:
                line.status, line.days_late = "late", (pub - dl).days
            else:
                line.status = "on_time"
        elif ag_id in unpublished:
            line.status, line.note = "unpublished", unpublished[ag_id]
        lines.append(line)
    return ExpectedCoverage(year, region, lines)


def coverage_matrix(
    session: Session,
    years: list[int],
    region: str | None = None,
    township: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The roster × years (for a coverage grid): per agency one ``CoverageLine`` per year,
    and per year the count of each status (on_time, late, no_deadline, missing,
    unpublished) and of expected reports."""
    shown = sorted(set(years))
    per_year = {y: expected_coverage(session, y, region, township) for y in shown}
    # the same remembered coverages as last time: the same matrix
    key = (tuple(shown), region, township)
    with _MATRIX_LOCK:
        hit = _MATRIX.get(key)
    if hit is not None and len(hit[0]) == len(per_year):
        if all(a is b for a, b in zip(hit[0], per_year.values(), strict=True)):
            return hit[1]
    result = _matrix(shown, per_year)
    with _MATRIX_LOCK:
        _MATRIX[key] = (tuple(per_year.values()), result)
        while len(_MATRIX) > 8:
            _MATRIX.popitem(last=False)
    return result


_MATRIX: OrderedDict[tuple[Any, ...], tuple[tuple[ExpectedCoverage, ...], dict[str, Any]]] = (
    OrderedDict()
)
_MATRIX_LOCK = threading.Lock()


def _matrix(shown: list[int], per_year: dict[int, ExpectedCoverage]) -> dict[str, Any]:
    rows: dict[int, dict[str, Any]] = {}
    for y in shown:
        for ln in per_year[y].lines:
            row = rows.setdefault(
                ln.agency_id,
                {
                    "agency_id": ln.agency_id,
                    "agency": ln.agency,
                    "region": ln.region,
                    "kind": ln.kind,
                    "level": ln.level,
                    "cells": [],
                },
            )
            row["cells"].append(ln)
    counts = {
        y: {
            "expected": cov.expected,
            **{
                st: cov.count(st)
                for st in ("on_time", "late", "no_deadline", "missing", "unpublished")
            },
        }
        for y, cov in per_year.items()
    }
    return {"years": shown, "rows": list(rows.values()), "counts": counts, "per_year": per_year}
