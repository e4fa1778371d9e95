"""Writing one parsed file to the store in one transaction (``store_outcome``): the file's
row, its report (a new one, a new version of its agency's year, or a re-parse), cells,
findings and the cross-year checks (group J) against the year − 1 report, re-checking the
year + 1 report when its predecessor arrives later. Also reading a stored report back
(``load_report``). ``store.batch`` writes the common case of many reports at once and
falls back to this path for the rest.

Over 500 lines because the transaction and the reading back it needs (``load_reports``, the
values cache, the batched cross-year re-checks) share their prepared statements and cache;
``crossyear`` holds the checks themselves."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ARRAY,
    Engine,
    Integer,
    any_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..report import Finding, Report, Section, Value
from . import findings  # called through the module: tests patch its functions there
from .agencies import name_keys, refresh_name, resolve_agency
from .compact import pack_cells, unpack_cells
from .crossyear import check_cross_year
from .db import among, copy_rows, session_scope, write_engine
from .models import T_CELLS, T_REP, T_SF
from .outcome import ParseOutcome, _jsonable, value_of
from .versions import log_event, rechain

__all__ = [
    "store_outcome",
    "load_report",
    "load_reports",
    "recheck_cross_year",
    "recheck_cross_years",
    "mend_paths",
]

AGENCY_LOCK = 73_180  # pg_advisory_xact_lock(AGENCY_LOCK, agency id): one agency's writes

# Statements built once: building and keying a statement per report costs more than
# running it.
_REPORT_ROW = select(T_REP.c.meta, T_REP.c.sections, T_REP.c.fees_info, T_REP.c.updated_at).where(
    T_REP.c.id == bindparam("rid")
)
_REPORT_CELLS = select(T_CELLS.c.cells).where(T_CELLS.c.report_id == bindparam("rid"))
_REPORT_ROWS = select(
    T_REP.c.id, T_REP.c.meta, T_REP.c.sections, T_REP.c.fees_info, T_REP.c.updated_at
).where(T_REP.c.id.in_(bindparam("ids", expanding=True)))
_CELLS_OF = select(T_CELLS.c.report_id, T_CELLS.c.cells).where(
    T_CELLS.c.report_id.in_(bindparam("ids", expanding=True))
)
# the same on PostgreSQL with the ids as one array (``db.among``)
_REPORT_ROWS_PG = select(
    T_REP.c.id, T_REP.c.meta, T_REP.c.sections, T_REP.c.fees_info, T_REP.c.updated_at
).where(T_REP.c.id == any_(bindparam("ids", type_=ARRAY(Integer))))
_CELLS_OF_PG = select(T_CELLS.c.report_id, T_CELLS.c.cells).where(
    T_CELLS.c.report_id == any_(bindparam("ids", type_=ARRAY(Integer)))
)
_LATEST = select(func.max(T_REP.c.id)).where(
    T_REP.c.agency_id == bindparam("aid"),
    T_REP.c.year == bindparam("year"),
    T_REP.c.superseded_by.is_(None),
    T_REP.c.deleted_at.is_(None),
)
_REPORT_OF_FILE = select(T_REP.c.id, T_REP.c.agency_id, T_REP.c.year).where(
    T_REP.c.source_file_id == bindparam("sfid")
)
_FILE_BY_HASH = select(T_SF.c.id, T_SF.c.parsed_with, T_SF.c.status).where(
    T_SF.c.sha256 == bindparam("sha")
)
_INSERT_FILE = insert(T_SF).returning(T_SF.c.id)
_INSERT_REPORT = insert(T_REP).returning(T_REP.c.id)


def _insert_cells(session: Session, rows: list[tuple[int, str, str | None]]) -> None:
    """Reports' cells, (report id, cells, sources) each (``compact.pack_cells``): one executemany
    straight to the driver (the SQLAlchemy statement layer's per-row work would cost more
    than the rows), or on PostgreSQL one COPY."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        raw: Any = conn.connection.driver_connection
        with raw.cursor() as cur:
            copy_rows(cur, T_CELLS, ("report_id", "cells", "sources"), rows)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        f"INSERT INTO report_cells (report_id, cells, sources) VALUES ({mark}, {mark}, {mark})",
        rows,
    )


# ------------------------------------------------------------------ loading
_VALUES_CACHE: OrderedDict[tuple[int, Any], dict[str, Value]] = OrderedDict()
_CACHE_SIZE = 4096


def _cache_key(report_id: int, updated_at: datetime) -> tuple[int, Any]:
    if updated_at.tzinfo is not None:
        updated_at = updated_at.astimezone(UTC).replace(tzinfo=None)
    return (report_id, updated_at)


def _remember(report_id: int, updated_at: datetime, report: Report) -> None:
    # the report's own cells, not a copy: a stored report is not changed afterwards (a
    # re-parse stores a new Report under a new updated_at)
    _VALUES_CACHE[_cache_key(report_id, updated_at)] = report.values
    if len(_VALUES_CACHE) > _CACHE_SIZE:
        _VALUES_CACHE.popitem(last=False)


def load_report(session: Session, report_id: int, *, shared: bool = False) -> Report:
    """A stored report as a ``Report`` (values, meta, sections; provenance dropped).
    ``shared``: its values are the cache's own (the caller only reads them, as the
    cross-year checks do), not copies."""
    conn = session.connection()
    row = conn.execute(_REPORT_ROW, {"rid": report_id}).first()
    if row is None:
        raise KeyError(report_id)
    meta, sections, fees_info, updated_at = row
    rep = _report_of(meta, sections, fees_info)
    # values of a stored report change only with its updated_at: cache them by both
    cache_key = _cache_key(report_id, updated_at)
    values = _VALUES_CACHE.get(cache_key)
    if values is None:
        values = _cached_values(cache_key, conn.scalar(_REPORT_CELLS, {"rid": report_id}))
    if shared:
        rep.values = values
        return rep
    for fid, v in values.items():
        rep.values[fid] = Value(v.value, v.raw)
    return rep


def load_reports(session: Session, report_ids: set[int]) -> dict[int, Report]:
    """``load_report(shared=True)`` of several reports in two statements (their rows, then
    the cells of those whose values are not cached): what a batch's cross-year checks
    read. Ids not stored are left out."""
    conn = session.connection()
    pg = conn.dialect.name == "postgresql"
    out: dict[int, Report] = {}
    missing: dict[int, tuple[int, Any]] = {}
    ids = sorted(report_ids)
    for start in range(0, len(ids), 500):
        for rid, meta, sections, fees_info, updated_at in conn.execute(
            _REPORT_ROWS_PG if pg else _REPORT_ROWS, {"ids": ids[start : start + 500]}
        ).all():
            rep = out[rid] = _report_of(meta, sections, fees_info)
            cache_key = _cache_key(rid, updated_at)
            values = _VALUES_CACHE.get(cache_key)
            if values is None:
                missing[rid] = cache_key
            else:
                rep.values = values
    todo = sorted(missing)
    for start in range(0, len(todo), 500):
        for rid, cells in conn.execute(
            _CELLS_OF_PG if pg else _CELLS_OF, {"ids": todo[start : start + 500]}
        ).all():
            out[rid].values = _cached_values(missing[rid], cells)
    return out


# the meta column's key for the unit written with 采购总金额 (``Report.procurement_unit``):
# the cells keep the amount as written, the unit is text beside it
UNIT_KEY = "procurement_unit"


def _json_columns(rep: Report) -> dict[str, Any]:
    """The report row's JSON columns (meta, sections, fees_info) in their stored form; the
    meta column also holds the unit of 采购总金额 when the report writes one."""
    meta = _jsonable(dict(rep.meta))
    unit = rep.procurement_unit()
    if unit:
        meta[UNIT_KEY] = unit
    return {
        "meta": meta,
        "sections": {k: _jsonable(s.to_dict()) for k, s in rep.sections.items()},
        "fees_info": _jsonable(dict(rep.fees_info)),
    }


def _report_of(meta: Any, sections: Any, fees_info: Any) -> Report:
    """A stored report's Report without its values (from its row's JSON columns)."""
    meta = dict(meta or {})
    unit = meta.pop(UNIT_KEY, None)
    rep = Report(source=str(meta.get("source") or ""))
    rep.meta.update(meta)
    if isinstance(unit, str) and unit:
        rep.layout["procurement_unit"] = unit
    for key, sec in (sections or {}).items():
        if isinstance(sec, dict):
            rep.sections[key] = Section(
                bool(sec.get("present")),
                sec.get("heading"),
                sec.get("order"),
                sec.get("text") or "",
            )
    rep.fees_info.update(fees_info or {})
    return rep


def _cached_values(cache_key: tuple[int, Any], cells: str | None) -> dict[str, Value]:
    values = {fid: Value(value_of(vi, vd), raw) for fid, vi, vd, _, raw, _ in unpack_cells(cells)}
    _VALUES_CACHE[cache_key] = values
    if len(_VALUES_CACHE) > _CACHE_SIZE:
        _VALUES_CACHE.popitem(last=False)
    return values


def _latest_report_id(session: Session, agency_id: int | None, year: int | None) -> int | None:
    if agency_id is None or year is None:
        return None
    return session.connection().scalar(_LATEST, {"aid": agency_id, "year": year})


def _cross_findings(
    session: Session, agency_id: int | None, year: int | None, report: Report
) -> tuple[list[Finding], Report | None, int | None]:
    """Group J findings of ``report`` against the stored year − 1 report of its agency."""
    prev_id = _latest_report_id(session, agency_id, None if year is None else year - 1)
    if prev_id is None:
        return [], None, None
    prev = load_report(session, prev_id)
    return check_cross_year(report, prev), prev, prev_id


def recheck_cross_year(session: Session, report_id: int) -> None:
    """Recompute group J for a stored report (and its counts)."""
    recheck_cross_years(session, [report_id])


def recheck_cross_years(session: Session, report_ids: Iterable[int]) -> None:
    """``recheck_cross_year`` of several reports: their rows, their year − 1 reports and
    both kinds' values read in a few statements, their findings replaced together."""
    conn = session.connection()
    ids = sorted(set(report_ids))
    where: dict[int, tuple[int, int]] = {}  # report id -> (agency id, year − 1)
    stored: set[int] = set()
    for start in range(0, len(ids), 500):
        for rid, aid, year in conn.execute(
            select(T_REP.c.id, T_REP.c.agency_id, T_REP.c.year).where(
                among(conn.dialect, T_REP.c.id, ids[start : start + 500])
            )
        ).all():
            stored.add(rid)
            if aid is not None and year is not None:
                where[rid] = (aid, year - 1)
    ids = [rid for rid in ids if rid in stored]
    if not ids:
        return
    agencies = sorted({aid for aid, _ in where.values()})
    latest: dict[tuple[int, int], int] = {}  # the current report of an agency's year
    for start in range(0, len(agencies), 500):
        for aid, year, rid in conn.execute(
            select(T_REP.c.agency_id, T_REP.c.year, func.max(T_REP.c.id))
            .where(
                among(conn.dialect, T_REP.c.agency_id, agencies[start : start + 500]),
                T_REP.c.superseded_by.is_(None),
                T_REP.c.deleted_at.is_(None),
            )
            .group_by(T_REP.c.agency_id, T_REP.c.year)
        ).all():
            if year is not None:
                latest[(aid, year)] = rid
    prev_ids = {rid: latest.get(where[rid]) if rid in where else None for rid in ids}
    loaded = load_reports(session, set(ids) | {p for p in prev_ids.values() if p is not None})
    items: list[findings.Replacement] = []
    for rid in ids:
        rep, prev_id = loaded[rid], prev_ids[rid]
        prev = None if prev_id is None else loaded[prev_id]
        found = [] if prev is None else check_cross_year(rep, prev)
        items.append((rid, found, rep, prev, None if prev is None else prev_id))
    findings._replace_many(session, "cross", items)
    findings._recount_many(session, ids)


# ------------------------------------------------------------------ storing
def _abs_path(path: str | None) -> str | None:
    """The absolute form of a relative path to an existing file: the web app re-reads the
    file from any working directory."""
    if not path:
        return path
    try:
        p = Path(path).expanduser()
        # only a file that is there: a label such as the web app's ``upload/name`` stays
        return str(p.resolve()) if not p.is_absolute() and p.exists() else path
    except (OSError, RuntimeError):
        return path


def mend_paths(engine: Engine, paths: dict[str, str]) -> int:
    """Point stored files (sha256 -> a path where the same bytes are now) whose recorded
    path is relative or gone to that absolute path; returns how many were mended."""
    if not paths:
        return 0
    mended = 0
    with session_scope(write_engine(engine)) as session:
        conn = session.connection()
        rows = conn.execute(
            select(T_SF.c.id, T_SF.c.sha256, T_SF.c.path).where(T_SF.c.sha256.in_(list(paths)))
        ).all()
        for sfid, sha, old in rows:
            new = _abs_path(paths[sha])
            if (
                new
                and old != new
                and (not old or not Path(old).is_absolute() or not Path(old).exists())
            ):
                conn.execute(update(T_SF).where(T_SF.c.id == sfid).values(path=new))
                mended += 1
    return mended


def _clip(value: Any, size: int) -> str | None:
    return None if value is None else str(value)[:size]


def _meta_year(report: Report) -> int | None:
    y = report.meta.get("year")
    try:
        return int(y) if y is not None else None
    except (TypeError, ValueError):
        return None


def _cells_for(
    report_id: int, report: Report, cells: tuple[str, str | None] | None
) -> list[tuple[int, str, str | None]]:
    """The row of ``report_cells`` for a report (its cells packed where it was parsed,
    else now)."""
    packed = pack_cells(report) if cells is None else cells
    return [(report_id, *packed)]


def _write_report(
    session: Session,
    source_file_id: int,
    report: Report,
    version: str,
    now: datetime,
    cells: tuple[str, str | None] | None = None,
) -> int:
    conn = session.connection()
    meta = report.meta
    # clip to the columns' sizes: a parser's odd reading must not fail the write
    agency_name = _clip(meta.get("agency"), 120)
    agency = resolve_agency(
        session, agency_name, _clip(meta.get("agency_kind"), 16), _clip(meta.get("admin_level"), 16)
    )
    session.flush()  # new agency aliases, before the Core statements below
    agency_id = None if agency is None else agency.id
    if agency_id is not None and conn.dialect.name == "postgresql":
        # as a batch does (``batch.BatchWriter``): one agency's writes one after another,
        # so that versions and the cross-year checks see what a concurrent writer stored
        conn.exec_driver_sql(
            f"SELECT pg_advisory_xact_lock({AGENCY_LOCK}, %(a)s)", {"a": agency_id}
        )
    year = _meta_year(report)
    fields: dict[str, Any] = {
        "agency_id": agency_id,
        "agency_name": agency_name,
        "agency_key": (name_keys(agency_name) or (None,))[0] if agency_name else None,
        "year": year,
        "layout": _clip(meta.get("format"), 16) or "unknown",
        "parser_version": version[:32],
        "title": _clip(meta.get("title"), 2000),
        "published": str(meta["published"])[:10] if meta.get("published") else None,
        **_json_columns(report),
        "updated_at": now,
    }
    old = conn.execute(_REPORT_OF_FILE, {"sfid": source_file_id}).first()
    recheck: set[int] = set()
    cross, prev, prev_id = _cross_findings(session, agency_id, year, report)
    if old is None:
        before = _latest_report_id(session, agency_id, year)  # the version this one follows
        report_id = conn.execute(
            _INSERT_REPORT,
            {
                "source_file_id": source_file_id,
                "ingested_at": now,
                **fields,
                **findings._counts([*report.findings, *cross]),
            },
        ).scalar_one()
        _insert_cells(session, _cells_for(report_id, report, cells))
        carried = {} if before is None else findings._version_decisions(session, before)
        n_carried = findings._insert_findings(
            session, report_id, "report", report.findings, report, None, None, {}, carried
        )
        n_carried += findings._insert_findings(
            session, report_id, "cross", cross, report, prev, prev_id, {}, carried
        )
        if before is not None:
            rechain(session, agency_id, year)
            log_event(
                session,
                report_id,
                "supersede",
                f"替代报告 {before}",
                agency_id=agency_id,
                year=year,
            )
            if n_carried:
                log_event(
                    session,
                    report_id,
                    "carry",
                    f"沿用报告 {before} 的审核意见 {n_carried} 条",
                    agency_id=agency_id,
                    year=year,
                )
        elif (
            agency_id is not None
            and year is not None
            and (
                conn.scalar(
                    select(func.count())
                    .select_from(T_REP)
                    .where(T_REP.c.agency_id == agency_id, T_REP.c.year == year)
                )
                or 0
            )
            > 1
        ):
            rechain(session, agency_id, year)  # only deleted versions before: number after them
    else:
        # a re-parse: if the year or agency changed, the old next year needs a re-check too
        report_id = old.id
        nxt = _latest_report_id(session, old.agency_id, None if old.year is None else old.year + 1)
        if nxt is not None:
            recheck.add(nxt)
        conn.execute(
            update(T_REP)
            .where(T_REP.c.id == report_id)
            .values(**fields, **findings._counts([*report.findings, *cross]))
        )
        conn.execute(delete(T_CELLS).where(T_CELLS.c.report_id == report_id))
        _insert_cells(session, _cells_for(report_id, report, cells))
        findings._replace_findings(session, report_id, "report", report.findings, report)
        findings._replace_findings(session, report_id, "cross", cross, report, prev, prev_id)
        if (old.agency_id, old.year) != (agency_id, year):
            rechain(session, old.agency_id, old.year)
            rechain(session, agency_id, year)
            refresh_name(session, old.agency_id)
    refresh_name(session, agency_id)
    _remember(report_id, now, report)
    nxt = _latest_report_id(session, agency_id, None if year is None else year + 1)
    if nxt is not None:
        recheck.add(nxt)
    for rid in sorted(recheck - {report_id}):
        recheck_cross_year(session, rid)
    return report_id


def store_outcome(
    engine: Engine, outcome: ParseOutcome, version: str | None, *, force: bool = False
) -> str:
    """Write one parsed file in one transaction. Returns stored / updated / unchanged /
    unusable / failed. Safe against a concurrent ingest of the same bytes. ``force`` (a
    re-check) takes the new reading even when the same parser version read the file."""
    wengine = write_engine(engine)
    last_exc: Exception | None = None
    for attempt in range(6):
        try:
            with session_scope(wengine) as session:
                return _store(session, outcome, version, force)
        except (IntegrityError, OperationalError) as exc:
            # another ingest stored the same content (or an agency) first, or a lock
            # timed out: start the transaction again and look once more
            last_exc = exc
            time.sleep(0.05 * (attempt + 1))
        except DBAPIError as exc:  # e.g. a PostgreSQL serialization failure
            if not exc.connection_invalidated and "deadlock" not in str(exc).lower():
                raise
            last_exc = exc
            time.sleep(0.05 * (attempt + 1))
    assert last_exc is not None
    raise last_exc


def _store(
    session: Session, outcome: ParseOutcome, version: str | None, force: bool = False
) -> str:
    conn = session.connection()
    now = datetime.now(UTC)
    sf = conn.execute(_FILE_BY_HASH, {"sha": outcome.sha256}).first()
    if sf is not None and version is not None and sf.parsed_with == version and not force:
        return "unchanged"
    existed = sf is not None and sf.status == "stored"
    parsed = outcome.status == "parsed" and outcome.report is not None and version is not None
    state = {
        "status": "stored"
        if parsed
        else (outcome.status if outcome.status != "parsed" else "failed"),
        "error_kind": None if parsed else _clip(outcome.error_kind, 64),
        "error": None if parsed else outcome.error,
        "parsed_with": version,
        "parsed_at": now,
    }
    if sf is None:
        sf_id = conn.execute(
            _INSERT_FILE,
            {
                "sha256": outcome.sha256,
                "size": outcome.size,
                "name": outcome.name[:512],
                "path": _abs_path(outcome.path),
                "media_type": outcome.media_type,
                "first_seen": now,
                **state,
            },
        ).scalar_one()
    else:
        sf_id = sf.id
        conn.execute(
            update(T_SF)
            .where(T_SF.c.id == sf_id)
            .values(**state, **({"path": _abs_path(outcome.path)} if outcome.path else {}))
        )
    if not parsed:
        old = conn.execute(_REPORT_OF_FILE, {"sfid": sf_id}).first()
        if old is not None and version is not None:  # the parser cannot read it: drop the old
            conn.execute(delete(T_REP).where(T_REP.c.id == old.id))
            nxt = _latest_report_id(
                session, old.agency_id, None if old.year is None else old.year + 1
            )
            if nxt is not None:
                recheck_cross_year(session, nxt)
        return str(state["status"])
    assert outcome.report is not None and version is not None
    _write_report(session, sf_id, outcome.report, version, now, outcome.cells)
    return "updated" if existed else "stored"
