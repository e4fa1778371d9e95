"""Over 500 lines because the list, coverage and agency queries share the report filters (``report_conditions``) and the remembered counts.

Read the store: list, show, compare, coverage, findings, review decisions, agency
search, problem files.

Functions return plain data (dataclasses, dicts, rows); the CLI and the web app render them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar, cast

from sqlalchemy import Row, Select, and_, func, select, text, union
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.orm import Bundle, Session, defer

from ..schema import ACTIVE2019_IDS, ACTIVE_IDS, COLUMNS, REVIEW_IDS, label_of, request_ids
from .agencies import find_agency, name_keys, normalize_name
from .compact import Cell, cell_values, provenance_dict, unpack_cells, value_of
from .models import (
    REVIEW_STATUSES,
    Agency,
    AgencyAlias,
    ReportEvent,
    SourceFile,
    StoredCells,
    StoredFinding,
    StoredReport,
)
from .versions import current_filter

__all__ = [
    "ALL_IDS",
    "NotFound",
    "ReportRow",
    "ValueRow",
    "CompareRow",
    "Comparison",
    "IdComparison",
    "CoverageRow",
    "field_order",
    "REPORT_SORTS",
    "report_conditions",
    "report_query",
    "count_reports",
    "count_open_findings",
    "store_stamp",
    "remembered",
    "LIST_ONLY",
    "report_row",
    "list_reports",
    "list_report_page",
    "find_report",
    "report_header",
    "report_values",
    "stored_cells",
    "cells_of_reports",
    "values_of_reports",
    "report_findings",
    "compare_values",
    "compare_reports",
    "compare_by_ids",
    "coverage",
    "coverage_grid",
    "list_agencies",
    "agency_where",
    "search_agencies",
    "problem_files",
    "decide_finding",
]

ALL_IDS: tuple[str, ...] = (
    *ACTIVE_IDS,
    *ACTIVE2019_IDS,
    *request_ids("2021"),
    *(f"requests.other.{c}" for c in COLUMNS),
    *REVIEW_IDS,
)
_ORDER = {fid: i for i, fid in enumerate(ALL_IDS)}
_label = lru_cache(maxsize=8192)(label_of)  # a report page labels some 200 cells
CURRENT = current_filter()


class NotFound(LookupError):
    """A report, finding or agency that does not exist (message in Chinese)."""


def field_order(fid: str) -> tuple[int, str]:
    return (_ORDER.get(fid, len(_ORDER)), fid)


@dataclass
class ReportRow:
    id: int
    agency: str | None
    agency_id: int | None
    year: int | None
    layout: str
    parser_version: str
    title: str | None
    published: str | None
    file_name: str
    sha256: str
    n_errors: int
    n_warnings: int
    n_infos: int
    ingested_at: datetime
    updated_at: datetime


# What a row of the report list shows: plain columns in two bundles whose attributes are
# named as on ``StoredReport`` and ``SourceFile`` (building a hundred ORM objects was a
# quarter of a list page's time; the meta, sections and fees stay unread).
_LIST_REPORT: Bundle[Any] = Bundle(
    "report",
    StoredReport.id,
    StoredReport.source_file_id,
    StoredReport.agency_id,
    StoredReport.agency_name,
    StoredReport.year,
    StoredReport.layout,
    StoredReport.parser_version,
    StoredReport.title,
    StoredReport.published,
    StoredReport.n_errors,
    StoredReport.n_warnings,
    StoredReport.n_infos,
    StoredReport.ingested_at,
    StoredReport.updated_at,
)
_LIST_FILE: Bundle[Any] = Bundle("file", SourceFile.id, SourceFile.name, SourceFile.sha256)


@dataclass
class ValueRow:
    field_id: str
    label: str
    value: int | float | None
    raw: str | None
    blank: bool
    provenance: dict[str, Any] | None = None


@dataclass
class CompareRow:
    field_id: str
    label: str
    first: int | float | None
    second: int | float | None
    first_present: bool
    second_present: bool

    @property
    def changed(self) -> bool:
        return self.first != self.second or self.first_present != self.second_present

    @property
    def delta(self) -> int | float | None:
        if self.first is None or self.second is None:
            return None
        d = self.second - self.first
        return round(d, 6) if isinstance(d, float) else d


@dataclass
class Comparison:
    first: ReportRow
    second: ReportRow
    rows: list[CompareRow] = field(default_factory=list)
    cross_findings: list[StoredFinding] = field(default_factory=list)


@dataclass
class CoverageRow:
    agency_id: int
    agency: str
    kind: str
    level: str
    years: list[int]


def _contains(column: Any, text: str) -> Any:
    """``column`` contains ``text`` as typed: a %, _, / or \\ in it is a character of the
    name, not a LIKE wildcard (nor PostgreSQL's default escape). The escape clause only
    when the text has one of them: SQLite's LIKE with ESCAPE scans the 80,000 names of
    10⁵ reports' agencies in about 1.5× the time of a plain one."""
    if any(ch in text for ch in "%_/\\"):
        return column.contains(text, autoescape=True)
    return column.contains(text)


# the trigram search tables of migration 0009 (SQLite), by the table they copy
_NAME_SEARCH = {"agencies": "agencies_fts", "agency_aliases": "agency_aliases_fts"}


def name_search_ready(session: Session) -> str:
    """How this store narrows a search inside agency names: ``fts`` (SQLite with the FTS5
    trigram tables of migration 0009), ``trgm`` (PostgreSQL with the pg_trgm indexes over
    ``lower(column)`` of migration 0011), or ``""`` (a scan). Asked of the schema every
    time (a catalogue lookup, microseconds): nothing is kept that could go stale."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        found = session.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (:a, :b)"),
            {"a": "agencies_fts", "b": "agency_aliases_fts"},
        )
        return "fts" if found == 2 else ""
    if dialect == "postgresql":
        # (the indexes of this schema first, their definitions then: ``pg_indexes`` may
        # compute the definition of an index of another schema before it filters, and one
        # dropped meanwhile by another store's work fails the query, "could not open
        # relation with OID …")
        found = session.scalar(
            text(
                "WITH ours AS MATERIALIZED (SELECT c.oid FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'i' "
                "AND c.relname IN (:a, :b, :c, :d)) "
                "SELECT count(*) FROM ours WHERE pg_get_indexdef(ours.oid) LIKE '%lower(%'"
            ),
            {
                "a": "ix_agencies_key_trgm",
                "b": "ix_agencies_name_trgm",
                "c": "ix_agency_aliases_key_trgm",
                "d": "ix_agency_aliases_name_trgm",
            },
        )
        return "trgm" if found == 4 else ""
    return ""


def _name_contains(indexed: str | bool, attr: Any, typed: str) -> Any:
    """``_contains(column, typed)`` over a name column of ``agencies`` or
    ``agency_aliases``. With an index (``indexed``, as ``name_search_ready`` says) and three
    characters or more without a wildcard, the rows are first narrowed by it, and each is
    still tested by the same LIKE: the index never decides what matches, it only spares
    the scan. SQLite: the ids its search table finds. PostgreSQL: ``lower(column) LIKE
    lower('%typed%')``, which its trigram index serves (a substring's lowered form is a
    substring of the lowered name, so no row is lost)."""
    cond = _contains(attr, typed)
    if not indexed or len(typed) < 3 or any(ch in typed for ch in "%_/\\"):
        return cond
    col = attr.property.columns[0]
    if indexed == "trgm":
        return and_(func.lower(col).contains(func.lower(typed)), cond)
    fts = sa_table(_NAME_SEARCH[col.table.name], sa_column("rowid"), sa_column(col.name))
    found = select(fts.c.rowid).where(fts.c[col.name].like(f"%{typed}%"))
    return and_(col.table.c.id.in_(found), cond)


def _agency_filter(session: Session, agency: str) -> Any:
    """Reports of the agency a name resolves to, else those whose name contains it."""
    found = find_agency(session, agency)
    if found is not None:
        return StoredReport.agency_id == found.id
    key = (name_keys(agency) or (agency,))[-1]
    indexed = name_search_ready(session)
    # The names are searched among the agencies and the names their reports used (the
    # aliases; tens of thousands of short rows), not in the reports themselves: the report
    # rows are kilobytes each, and a scan of 10⁵ of them takes a second. A % or _ typed by
    # the user is a character of the name, not a LIKE wildcard (autoescape).
    named = select(AgencyAlias.agency_id).where(
        _name_contains(indexed, AgencyAlias.alias_key, key)
        | _name_contains(indexed, AgencyAlias.name, agency)
    )
    agencies = select(Agency.id).where(
        _name_contains(indexed, Agency.key, key) | _name_contains(indexed, Agency.name, agency)
    )
    ids = sorted(set(session.scalars(named.union(agencies))))
    if len(ids) <= 2000:  # their reports found by agency in an index, then sorted
        return StoredReport.agency_id.in_(ids)
    return StoredReport.agency_id.in_(named) | StoredReport.agency_id.in_(agencies)


def report_conditions(
    session: Session,
    agency: str | None = None,
    year: int | tuple[int, ...] | list[int] | None = None,
    has_errors: bool = False,
    current_only: bool = True,
) -> list[Any]:
    """The WHERE terms of the common filters on ``reports`` (see ``report_query``)."""
    conds: list[Any] = []
    if current_only:
        conds.append(CURRENT)
    if agency:
        conds.append(_agency_filter(session, agency))
    if isinstance(year, int):
        conds.append(StoredReport.year == year)
    elif year:
        conds.append(StoredReport.year.in_(list(year)))
    if has_errors:
        conds.append(StoredReport.n_errors > 0)
    return conds


def report_query(
    session: Session,
    agency: str | None = None,
    year: int | tuple[int, ...] | list[int] | None = None,
    has_errors: bool = False,
    current_only: bool = True,
) -> Select[StoredReport, SourceFile]:
    """The reports matching the common filters, ordered by agency and year; only the
    current versions (not superseded, not deleted) unless ``current_only`` is false."""
    q = select(StoredReport, SourceFile).join(
        SourceFile, SourceFile.id == StoredReport.source_file_id
    )
    q = q.where(*report_conditions(session, agency, year, has_errors, current_only))
    return q.order_by(*REPORT_SORTS["agency"])


def report_row(rep: StoredReport | Row[Any], sf: SourceFile | Row[Any]) -> ReportRow:
    """The plain row of a report and its file (what lists and the API show)."""
    return ReportRow(
        id=rep.id,
        agency=rep.agency_name,
        agency_id=rep.agency_id,
        year=rep.year,
        layout=rep.layout,
        parser_version=rep.parser_version,
        title=rep.title,
        published=rep.published,
        file_name=sf.name,
        sha256=sf.sha256,
        n_errors=rep.n_errors,
        n_warnings=rep.n_warnings,
        n_infos=rep.n_infos,
        ingested_at=rep.ingested_at,
        updated_at=rep.updated_at,
    )


def list_reports(
    session: Session,
    agency: str | None = None,
    year: int | tuple[int, ...] | list[int] | None = None,
    has_errors: bool = False,
) -> list[ReportRow]:
    return [
        report_row(r, sf)
        for r, sf in session.execute(report_query(session, agency, year, has_errors))
    ]


# Orders of the report list. Each is served by one of migration 0006's partial indexes
# over the current versions, which also carry the columns the filters test, so a page is
# found (and counted) in an index without touching the report rows.
REPORT_SORTS: dict[str, tuple[Any, ...]] = {
    "agency": (StoredReport.agency_key, StoredReport.year, StoredReport.id),
    "errors": (StoredReport.n_errors.desc(), StoredReport.id.desc()),
    "newest": (StoredReport.id.desc(),),
}
# What a list row shows; the meta, sections and fees (kilobytes of JSON) stay unread.
_LIST_ONLY = (
    defer(StoredReport.meta),
    defer(StoredReport.sections),
    defer(StoredReport.fees_info),
)
LIST_ONLY = _LIST_ONLY  # for the lists other modules read


# Counts of the report list without an agency filter (the whole store, or a year): each
# is a walk over up to every current report's index entry, tens of ms at 10⁵ reports, so
# they are remembered per store until its stamp changes. The stamp is four reads of an
# index's end: the newest report (a new report or version), the latest update (a
# re-parse, a re-check), the latest event (delete, restore, supersede) and how many
# versions are superseded (a rechain).
_COUNTS: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
_LOCK = threading.Lock()
T = TypeVar("T")
_STAMP = select(
    select(func.max(StoredReport.id)).scalar_subquery(),
    select(func.max(StoredReport.updated_at)).scalar_subquery(),
    select(func.max(ReportEvent.id)).scalar_subquery(),
    select(func.count(StoredReport.id))
    .where(StoredReport.superseded_by.is_not(None))
    .scalar_subquery(),
)


def store_stamp(session: Session) -> tuple[Any, ...]:
    """What changes whenever the set of current reports or their counts may have."""
    return tuple(session.execute(_STAMP).one())


def count_reports(
    session: Session,
    agency: str | None = None,
    year: int | tuple[int, ...] | list[int] | None = None,
    has_errors: bool = False,
) -> int:
    """How many current reports match the filters (counted in an index; without an agency
    remembered until the store's stamp changes)."""
    return _count(
        session, report_conditions(session, agency, year, has_errors), agency, year, has_errors
    )


def _count(
    session: Session,
    conds: list[Any],
    agency: str | None,
    year: int | tuple[int, ...] | list[int] | None,
    has_errors: bool,
) -> int:
    stmt = select(func.count(StoredReport.id)).where(*conds)
    if agency:
        return int(session.scalar(stmt) or 0)
    return int(
        remembered(session, ("reports", repr(year), has_errors), lambda: session.scalar(stmt) or 0)
    )


# Large remembered values (a year's ranking, coverage of a roster: megabytes each at 10⁴
# agencies) are kept apart, the last few only.
_BIG: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = OrderedDict()
_BIG_KEEP = 12
_FLIGHTS: dict[tuple[Any, ...], threading.Lock] = {}  # keys being computed


def remembered(
    session: Session, key: tuple[Any, ...], compute: Callable[[], T], big: bool = False
) -> T:
    """``compute()``, remembered per store and ``key`` until the store's stamp changes
    (``store_stamp``): for what depends only on the current reports and their values
    (anything else it depends on goes into ``key``). ``big``: a large value, of which
    only the last ``_BIG_KEEP`` are kept."""
    full = (session.get_bind().engine.url.render_as_string(), *key)
    stamp = store_stamp(session)
    table: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = _BIG if big else _COUNTS
    with _LOCK:
        hit = table.get(full)
        if hit is not None and big:
            _BIG.move_to_end(full)
    if hit is not None and hit[0] == stamp:
        return cast(T, hit[1])
    # one computation of a key at a time: requests that ask for it meanwhile wait for
    # its value (eight clients opening a ranking at once made eight computations of it)
    with _LOCK:
        flight = _FLIGHTS.setdefault(full, threading.Lock())
    with flight:
        with _LOCK:
            hit = table.get(full)
        if hit is not None and hit[0] == stamp:
            return cast(T, hit[1])
        value = compute()
        with _LOCK:
            if big:
                _BIG[full] = (stamp, value)
                while len(_BIG) > _BIG_KEEP:
                    _BIG.popitem(last=False)
            else:
                if len(_COUNTS) > 200:
                    _COUNTS.clear()
                _COUNTS[full] = (stamp, value)
            _FLIGHTS.pop(full, None)
    return value


def list_report_page(
    session: Session,
    agency: str | None = None,
    year: int | tuple[int, ...] | list[int] | None = None,
    has_errors: bool = False,
    offset: int = 0,
    limit: int = 100,
    sort: str = "agency",
) -> tuple[list[tuple[Row[Any], Row[Any]]], int]:
    """One page of ``report_query`` (in the order ``sort`` names, see ``REPORT_SORTS``)
    and the number of all its matches. The page's ids come from an index first; only
    those reports' list columns are read (``_LIST_REPORT``, ``_LIST_FILE``)."""
    conds = report_conditions(session, agency, year, has_errors)
    order = REPORT_SORTS.get(sort, REPORT_SORTS["agency"])
    ids = list(
        session.scalars(
            select(StoredReport.id).where(*conds).order_by(*order).offset(offset).limit(limit)
        )
    )
    rows: list[tuple[Row[Any], Row[Any]]] = []
    if ids:
        found = {
            r.id: (r, f)
            for r, f in session.execute(
                select(_LIST_REPORT, _LIST_FILE)
                .join(SourceFile, SourceFile.id == StoredReport.source_file_id)
                .where(StoredReport.id.in_(ids))
            )
        }
        rows = [found[i] for i in ids if i in found]
    if offset == 0 and len(ids) < limit:
        total = len(ids)  # the whole list is on this page
    else:
        total = _count(session, conds, agency, year, has_errors)
    return rows, int(total)


def count_open_findings(session: Session) -> int:
    """Open findings of current reports: all open findings (an index's range) less those of
    the few versions that are not current (superseded or deleted, each found in a small
    partial index of migration 0006), so that no report row is read."""
    from .models import ReviewLog
    from .models import StoredFinding as F

    def count() -> int:
        total = session.scalar(select(func.count(F.id)).where(F.status == "open")) or 0
        stale = (
            select(StoredReport.id)
            .where(StoredReport.superseded_by.is_not(None))
            .union(select(StoredReport.id).where(StoredReport.deleted_at.is_not(None)))
        )
        gone = session.scalar(
            select(func.count(F.id)).where(F.status == "open", F.report_id.in_(stale))
        )
        return int(total) - int(gone or 0)

    # a walk over every open finding's index entry (tens of ms at 10⁵ reports): remembered
    # until the store's stamp or the review log (every decision is logged) changes
    decided = session.scalar(select(func.max(ReviewLog.id)))
    return int(remembered(session, ("open findings", decided), count))


def report_header(session: Session, report_id: int) -> tuple[StoredReport, SourceFile]:
    """A report with its source file; ``NotFound`` when there is no such report."""
    row = session.execute(
        select(StoredReport, SourceFile)
        .join(SourceFile, SourceFile.id == StoredReport.source_file_id)
        .where(StoredReport.id == report_id)
    ).first()
    if row is None:
        raise NotFound(f"没有编号为 {report_id} 的报告。")
    return row[0], row[1]


def find_report(session: Session, agency: str, year: int) -> ReportRow | None:
    """The report of an agency for a year (the latest stored, if several files)."""
    rows = list_reports(session, agency, year)
    if not rows:
        return None
    return max(rows, key=lambda r: r.id)


def stored_cells(session: Session, report_id: int, provenance: bool = True) -> list[Cell]:
    """A report's cells as stored (``compact.unpack_cells``; none for an unknown id), with
    their provenance unless ``provenance`` is false."""
    if not provenance:
        return unpack_cells(
            session.scalar(select(StoredCells.cells).where(StoredCells.report_id == report_id))
        )
    row = session.execute(
        select(StoredCells.cells, StoredCells.sources).where(StoredCells.report_id == report_id)
    ).first()
    return [] if row is None else unpack_cells(row[0], row[1])


def cells_of_reports(
    session: Session, report_ids: Iterable[int], provenance: bool = False
) -> Iterator[tuple[int, Cell]]:
    """(report id, cell) of several reports, 500 reports a statement; their provenance
    only if asked."""
    ids = list(report_ids)
    cols: list[Any] = [StoredCells.report_id, StoredCells.cells]
    if provenance:
        cols.append(StoredCells.sources)
    for start in range(0, len(ids), 500):
        for row in session.execute(
            select(*cols).where(StoredCells.report_id.in_(ids[start : start + 500]))
        ):
            for cell in unpack_cells(row[1], row[2] if provenance else None):
                yield row[0], cell


def values_of_reports(
    session: Session, report_ids: Iterable[int], wanted: frozenset[str] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(report id, its values by field id, of the ``wanted`` ids if given) of several
    reports, 500 reports a statement: the cells' values only (``compact.cell_values``)."""
    ids = list(report_ids)
    for start in range(0, len(ids), 500):
        for rid, cells in session.execute(
            select(StoredCells.report_id, StoredCells.cells).where(
                StoredCells.report_id.in_(ids[start : start + 500])
            )
        ):
            yield rid, cell_values(cells, wanted)


def report_values(session: Session, report_id: int, provenance: bool = True) -> list[ValueRow]:
    """A report's values in schema order; without ``provenance`` their sources are left
    out."""
    out = [
        ValueRow(
            fid,
            _label(fid),
            value_of(vi, vd),
            raw,
            blank,
            provenance_dict(prov) if provenance else None,
        )
        for fid, vi, vd, blank, raw, prov in stored_cells(session, report_id, provenance)
    ]
    return sorted(out, key=lambda v: field_order(v.field_id))


_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def report_findings(
    session: Session, report_id: int, origin: str | None = None
) -> list[StoredFinding]:
    q = select(StoredFinding).where(StoredFinding.report_id == report_id)
    if origin:
        q = q.where(StoredFinding.origin == origin)
    found = list(session.scalars(q.order_by(StoredFinding.id)))
    return sorted(found, key=lambda f: (_SEVERITY_RANK.get(f.severity, 3), f.id))


def compare_values(
    session: Session, first_id: int, second_id: int, changed_only: bool = False
) -> list[CompareRow]:
    """The values of two reports side by side in schema order (every cell either has;
    with ``changed_only`` the ones that differ)."""
    va = {v.field_id: v for v in report_values(session, first_id, provenance=False)}
    vb = {v.field_id: v for v in report_values(session, second_id, provenance=False)}
    rows = []
    for fid in sorted(set(va) | set(vb), key=field_order):
        x, y = va.get(fid), vb.get(fid)
        row = CompareRow(
            fid,
            label_of(fid),
            None if x is None else x.value,
            None if y is None else y.value,
            x is not None,
            y is not None,
        )
        if not changed_only or row.changed:
            rows.append(row)
    return rows


def compare_reports(
    session: Session, agency: str, year1: int, year2: int, changed_only: bool = False
) -> Comparison | None:
    """Two years of one agency side by side, with the later year's cross-year findings
    (group J is defined against the year before, so they show for consecutive years)."""
    a, b = find_report(session, agency, year1), find_report(session, agency, year2)
    if a is None or b is None:
        return None
    rows = compare_values(session, a.id, b.id, changed_only)
    later = b if (b.year or 0) >= (a.year or 0) else a
    cross = [
        f
        for f in report_findings(session, later.id, origin="cross")
        if abs((a.year or 0) - (b.year or 0)) == 1
    ]
    return Comparison(a, b, rows, cross)


@dataclass
class IdComparison:
    first: tuple[StoredReport, SourceFile]
    second: tuple[StoredReport, SourceFile]
    rows: list[CompareRow]
    cross_findings: list[StoredFinding]
    same_agency: bool


def compare_by_ids(
    session: Session, first_id: int, second_id: int, changed_only: bool = False
) -> IdComparison:
    """Any two stored reports side by side (``NotFound`` for an unknown id); the
    cross-year findings of the later one when the two are consecutive years of one
    agency."""
    a, b = report_header(session, first_id), report_header(session, second_id)
    rows = compare_values(session, first_id, second_id, changed_only)
    same = a[0].agency_id is not None and a[0].agency_id == b[0].agency_id
    cross: list[StoredFinding] = []
    if same and a[0].year is not None and b[0].year is not None and abs(a[0].year - b[0].year) == 1:
        later = a[0] if a[0].year > b[0].year else b[0]
        cross = report_findings(session, later.id, origin="cross")
    return IdComparison(a, b, rows, cross, same)


def coverage(
    session: Session, year: int, region: str | None = None
) -> tuple[list[CoverageRow], int]:
    """Agencies known in the store with no report for ``year`` (with the years they do
    have), and the number of agencies that have one. ``region`` (e.g. 淮安市) keeps the
    agencies one of whose names contains it."""
    wanted: set[int] | None = None
    if region:
        needle = normalize_name(region).removesuffix("人民政府") or region
        wanted = {
            agency_id
            for agency_id, key, name in session.execute(
                select(AgencyAlias.agency_id, AgencyAlias.alias_key, AgencyAlias.name)
            )
            if needle in key or region in name
        }
    years: dict[int, set[int]] = {}
    for agency_id, y in session.execute(
        select(StoredReport.agency_id, StoredReport.year)
        .where(StoredReport.agency_id.is_not(None), CURRENT)
        .distinct()
    ):
        if agency_id is not None and y is not None:
            years.setdefault(agency_id, set()).add(y)
    missing: list[CoverageRow] = []
    present = 0
    for ag in session.scalars(select(Agency).order_by(Agency.key)):
        if wanted is not None and ag.id not in wanted:
            continue
        have = years.get(ag.id, set())
        if year in have:
            present += 1
        elif have:
            missing.append(
                CoverageRow(
                    ag.id, ag.name, ag.kind, ag.level, sorted(y for y in have if y is not None)
                )
            )
    return missing, present


def coverage_grid(
    session: Session,
    years: Sequence[int] | None = None,
    q: str | None = None,
    only_missing: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> dict[str, Any]:
    """Agencies × years: for each cell the latest report (id, error and warning counts)
    or None when the agency has not published (no report stored) that year; ``q`` as in
    ``agency_where``; ``only_missing`` keeps the agencies lacking one of the years.
    Counting and paging happen in SQL; only the page's agencies have their reports read."""
    if years:
        shown = sorted(set(years))
    else:
        shown = remembered(
            session,
            ("years",),
            lambda: sorted(
                session.scalars(
                    select(StoredReport.year)
                    .where(StoredReport.year.is_not(None), CURRENT)
                    .distinct()
                )
            ),
        )
    if not shown:
        return {"years": [], "rows": [], "total": 0, "missing": {}, "present": {}}
    where = agency_where(session, q)
    agencies = select(Agency.id)
    if where is not None:
        agencies = agencies.where(where)
    in_scope = (StoredReport.agency_id.in_(agencies),) if where is not None else ()
    n_agencies = session.scalar(select(func.count()).select_from(agencies.subquery())) or 0

    def count_present() -> dict[int, int]:
        present = {y: 0 for y in shown}
        for y, n in session.execute(
            select(StoredReport.year, func.count(func.distinct(StoredReport.agency_id)))
            .where(
                StoredReport.agency_id.is_not(None),
                StoredReport.year.in_(shown),
                CURRENT,
                *in_scope,
            )
            .group_by(StoredReport.year)
        ):
            if y is not None:
                present[y] = n
        return present

    # the whole store's counts per year are remembered; a search's are counted
    present = (
        count_present()
        if where is not None
        else dict(remembered(session, ("present", tuple(shown)), count_present))
    )
    missing = {y: n_agencies - present[y] for y in shown}
    page = select(Agency.id, Agency.name, Agency.kind, Agency.level).order_by(Agency.key)
    if where is not None:
        page = page.where(where)
    if only_missing:
        complete = (
            select(StoredReport.agency_id)
            .where(StoredReport.agency_id.is_not(None), StoredReport.year.in_(shown), CURRENT)
            .group_by(StoredReport.agency_id)
            .having(func.count(func.distinct(StoredReport.year)) == len(shown))
        )
        page = page.where(Agency.id.not_in(complete))
    total = session.scalar(select(func.count()).select_from(page.order_by(None).subquery())) or 0
    ag_rows = list(session.execute(page.offset(offset).limit(limit)))
    cells: dict[int, dict[int, tuple[int, int, int]]] = {}
    if ag_rows:
        for aid, y, rid, ne, nw in session.execute(
            select(
                StoredReport.agency_id,
                StoredReport.year,
                StoredReport.id,
                StoredReport.n_errors,
                StoredReport.n_warnings,
            )
            .where(
                StoredReport.agency_id.in_([r[0] for r in ag_rows]),
                StoredReport.year.in_(shown),
                CURRENT,
            )
            .order_by(StoredReport.id)
        ):
            if aid is not None and y is not None:
                cells.setdefault(aid, {})[y] = (rid, ne, nw)
    rows = [
        {
            "agency_id": aid,
            "agency": name,
            "kind": kind,
            "level": level,
            "cells": [cells.get(aid, {}).get(y) for y in shown],
        }
        for aid, name, kind, level in ag_rows
    ]
    return {"years": shown, "rows": rows, "total": total, "missing": missing, "present": present}


def agency_where(session: Session, q: str | None) -> Any:
    """The agencies a search text names: the text in the agency's name, in its normalised
    key, or in a name one of its reports used; None for an empty search."""
    text_ = "".join((q or "").split())
    if not text_:
        return None
    indexed = name_search_ready(session)
    keys = sorted({text_, normalize_name(text_) or text_})
    # one id list from a union of selects, each read from its own index (an OR of them in
    # one WHERE is a scan of every agency on PostgreSQL)
    return Agency.id.in_(
        union(
            select(Agency.id).where(_name_contains(indexed, Agency.name, text_)),
            *[select(Agency.id).where(_name_contains(indexed, Agency.key, k)) for k in keys],
            *[
                select(AgencyAlias.agency_id).where(
                    _name_contains(indexed, AgencyAlias.alias_key, k)
                )
                for k in keys
            ],
        )
    )


def search_agencies(session: Session, q: str | None, limit: int = 200) -> list[dict[str, Any]]:
    """Agencies whose name (or a name a report used) contains ``q``, with their years and
    how many of their reports have errors."""
    stmt = select(Agency).order_by(Agency.key)
    where = agency_where(session, q)
    if where is not None:
        stmt = stmt.where(where)
    agencies = list(session.scalars(stmt.limit(limit)))
    ids = [a.id for a in agencies]
    years: dict[int, list[int]] = {}
    errors: dict[int, int] = {}
    if ids:
        for aid, y, ne in session.execute(
            select(StoredReport.agency_id, StoredReport.year, StoredReport.n_errors).where(
                StoredReport.agency_id.in_(ids), CURRENT
            )
        ):
            if aid is None:
                continue
            if y is not None and y not in years.setdefault(aid, []):
                years[aid].append(y)
            errors[aid] = errors.get(aid, 0) + (1 if ne else 0)
    return [
        {
            "agency": a,
            "years": sorted(years.get(a.id, [])),
            "with_errors": errors.get(a.id, 0),
        }
        for a in agencies
    ]


def problem_files(session: Session, limit: int = 500) -> list[SourceFile]:
    """Files the store could not use (unusable or failed), the newest first."""
    return list(
        session.scalars(
            select(SourceFile)
            .where(SourceFile.status.in_(("unusable", "failed")))
            .order_by(SourceFile.first_seen.desc())
            .limit(limit)
        )
    )


def list_agencies(session: Session) -> list[tuple[Agency, list[str], int]]:
    """Agencies with their names/aliases and report counts."""
    counts = dict(
        session.execute(
            select(StoredReport.agency_id, func.count())
            .where(CURRENT)
            .group_by(StoredReport.agency_id)
        ).all()
    )
    aliases: dict[int, list[str]] = {}
    for agency_id, name, ambiguous in session.execute(
        select(AgencyAlias.agency_id, AgencyAlias.name, AgencyAlias.ambiguous).order_by(
            AgencyAlias.id
        )
    ):
        names = aliases.setdefault(agency_id, [])
        if not ambiguous and name not in names:
            names.append(name)  # names as written
    return [
        (ag, aliases.get(ag.id, []), counts.get(ag.id, 0))
        for ag in session.scalars(select(Agency).order_by(Agency.key))
    ]


def decide_finding(
    session: Session, finding_id: int, status: str, note: str | None = None
) -> StoredFinding:
    """Record a reviewer's decision (open / confirmed / dismissed) with a note."""
    if status not in REVIEW_STATUSES:
        raise ValueError(f"审核状态只能是 {'、'.join(REVIEW_STATUSES)}，而不是 {status}")
    row = session.get(StoredFinding, finding_id)
    if row is None:
        raise KeyError(finding_id)
    row.status = status
    row.note = note
    row.decided_at = None if status == "open" else datetime.now(UTC)
    return row
