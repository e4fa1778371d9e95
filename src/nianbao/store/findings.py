"""The batch: files -> parsed reports -> the store, one transaction per report.

Parsing runs in worker processes (``ProcessPoolExecutor``); writing happens in the parent.
The same bytes are never stored twice (unique SHA-256); a file parsed by an older parser
version is parsed again, and reviewers' decisions on findings whose fingerprint and values
did not change are kept. A file that fails is recorded with its reason and the batch goes
on. Cross-year checks (group J) run against the stored year − 1 report of the same agency,
and the year + 1 report is re-checked when its predecessor arrives later.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..budget import file_budget, init_worker
from ..errors import UnusableInput
from ..report import Finding, Report, Section, Value
from ..schema import DECIMAL_IDS
from .agencies import name_keys, refresh_name, resolve_agency
from .compact import decode_field, encode_field, encode_provenance
from .crossyear import check_cross_year
from .db import open_store, session_scope, write_engine
from .models import SourceFile, StoredFinding, StoredReport, StoredValue
from .versions import log_event, rechain

log = logging.getLogger(__name__)

__all__ = [
    "STORE_SUFFIXES",
    "ParseOutcome",
    "IngestSummary",
    "collect_files",
    "parse_file",
    "store_outcome",
    "ingest_files",
    "ingest_paths",
    "load_report",
    "recheck_cross_year",
    "finding_digest",
]

# Besides the files every directory walk passes over (``reader.SKIP_SUFFIXES``), the
# store's own files.
STORE_SUFFIXES = frozenset({".db-wal", ".db-shm", ".db-journal", ".tmp", ".jsonl", ".log"})
ParseFn = Callable[..., Report]
# Core tables for the write path (cheaper to build statements on than ORM attributes)
T_SF = cast(Table, SourceFile.__table__)
T_REP = cast(Table, StoredReport.__table__)
T_VAL = cast(Table, StoredValue.__table__)
T_FIND = cast(Table, StoredFinding.__table__)
# Statements built once: building and keying a statement per report costs more than
# running it.
_REPORT_ROW = select(T_REP.c.meta, T_REP.c.sections, T_REP.c.fees_info, T_REP.c.updated_at).where(
    T_REP.c.id == bindparam("rid")
)
_REPORT_VALUES = select(T_VAL.c.field_id, T_VAL.c.value_int, T_VAL.c.value_dec, T_VAL.c.raw).where(
    T_VAL.c.report_id == bindparam("rid")
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
_INSERT_FINDINGS = insert(T_FIND)


# ------------------------------------------------------------------ files
def collect_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named, and the report files under directories named (``iter_report_files``:
    recursive, sorted, hidden entries and non-report files skipped), each once. A path that
    does not exist raises FileNotFoundError."""
    from ..readers.dispatch import iter_report_files

    out: list[Path] = []
    seen: set[Path] = set()
    for p in map(Path, paths):
        if not p.exists():
            raise FileNotFoundError(str(p))
        for name in iter_report_files([p]):
            f = Path(name)
            key = f.resolve()
            if key not in seen and (f == p or f.suffix.lower() not in STORE_SUFFIXES):
                seen.add(key)
                out.append(f)
    return out


_OLE_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}


def media_type_of(name: str, head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # the old Office format holds Word, Excel or PowerPoint: by its streams, else the name
        from ..readers.dispatch import ole_kind

        kind = ole_kind(head) or {".doc": "doc", ".xls": "xls", ".ppt": "ppt"}.get(
            Path(name).suffix.lower()
        )
        return _OLE_TYPES.get(kind or "", "application/x-ole-storage")
    lowered = head[:512].lower()
    if b"<html" in lowered or b"<!doctype html" in lowered or b"<table" in lowered:
        return "text/html"
    if name.lower().endswith(".md"):
        return "text/markdown"
    return "text/plain"


# ------------------------------------------------------------------ parsing (workers)
@dataclass
class ParseOutcome:
    """What a worker sends back: the file's identity and a report or the reason it failed."""

    path: str
    name: str
    sha256: str
    size: int
    media_type: str
    status: str  # parsed / unusable / failed
    report: Report | None = None
    error_kind: str | None = None
    error: str | None = None
    # the value rows, prepared in the worker (report id 0) so that the parent only writes
    rows: list[tuple[Any, ...]] | None = None
    # a failure that says nothing about the file (its worker died): try again next run
    retry: bool = False

    def __getstate__(self) -> dict[str, Any]:
        # with its rows prepared, a report travels without its Value objects (the rows hold
        # the same cells and are cheaper to pickle); they are rebuilt on arrival
        state = dict(self.__dict__)
        rep = self.report
        if rep is not None and self.rows is not None and rep.values:
            light = copy.copy(rep)
            light.values = {}
            state["report"] = light
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        rep = self.report
        if rep is not None and self.rows is not None and not rep.values:
            rep.values = {decode_field(r[1]): Value(value_of(r[2], r[3]), r[5]) for r in self.rows}


def _default_parse(data: bytes, source: str = "") -> Report:
    import nianbao

    return nianbao.parse(data, name=source or None)  # runs the checks too


def _default_check(report: Report) -> Report:
    from ..checks import engine as checks

    return checks.check(report)


def parse_file(
    path: str,
    data: bytes | None = None,
    parse: ParseFn | None = None,
    check: Callable[[Report], Report] | None | bool = None,
    lean: bool = False,
) -> ParseOutcome:
    """Read, hash and parse one file; never raises for a bad file. ``lean``: also prepare
    the value rows, then drop the provenance from the report (less to send back from a
    worker process; the rows carry it)."""
    p = Path(path)
    if data is None:
        data = p.read_bytes()
    outcome = ParseOutcome(
        path=str(path),
        name=p.name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        media_type=media_type_of(p.name, data[:1024]),
        status="parsed",
    )
    try:
        with file_budget():  # time (main thread) and memory; a runaway file is stopped
            report = (parse or _default_parse)(data, source=p.name)
        if not isinstance(report, Report):
            raise TypeError(f"parse returned {type(report).__name__}, not Report")
        if check is True:
            report = _default_check(report)
        elif callable(check):
            report = check(report)
        outcome.report = report
        if lean:
            outcome.rows = _value_rows(0, report)
            for v in report.values.values():
                v.source = None
    except UnusableInput as exc:
        outcome.status, outcome.error_kind, outcome.error = "unusable", type(exc).__name__, str(exc)
    except Exception as exc:  # a parser bug must not stop the batch; it is recorded
        outcome.status, outcome.error_kind = "failed", type(exc).__name__
        log.debug("internal error on %s", path, exc_info=exc)
        outcome.error = (
            "本工具解析此文件时出错（内部错误，已记录）：这是本工具的局限，不一定是文件的问题。"
        )
    return outcome


# ------------------------------------------------------------------ JSON / values
def _jsonable(x: Any) -> Any:
    if x is None or isinstance(x, bool | int | str):
        return x
    if isinstance(x, float):
        return x if x == x and x not in (float("inf"), float("-inf")) else str(x)
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral() else float(x)
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple | set | frozenset):
        return [_jsonable(v) for v in x]
    if hasattr(x, "to_dict"):
        return _jsonable(x.to_dict())
    return str(x)


def _split_value(field_id: str, value: Any) -> tuple[int | None, Decimal | None]:
    """(value_int, value_dec): counts exact as integers; fees, and any non-integer a
    count cell holds, as exact decimals (from the float's shortest repr)."""
    if value is None or isinstance(value, bool):
        return None, None
    if isinstance(value, int) and field_id not in DECIMAL_IDS:
        return value, None
    if isinstance(value, float) and value.is_integer() and field_id not in DECIMAL_IDS:
        return int(value), None
    return None, Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


def value_of(value_int: int | None, value_dec: Decimal | None) -> int | float | None:
    if value_int is not None:
        return value_int
    if value_dec is None:
        return None
    return int(value_dec) if value_dec == value_dec.to_integral() else float(value_dec)


_VALUE_COLUMNS = ("report_id", "field_id", "value_int", "value_dec", "blank", "raw", "provenance")


def _value_rows(report_id: int, report: Report) -> list[tuple[Any, ...]]:
    """The cells' rows in key order (pages of the key's b-tree fill up): the field id as
    its code (``compact.encode_field``), provenance in its compact array form
    (``compact.encode_provenance``)."""
    rows = []
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for fid, v in report.values.items():
        vi, vd = _split_value(fid, v.value)
        prov = encode_provenance(v.source)
        rows.append(
            (
                report_id,
                encode_field(fid),
                vi,
                vd,
                v.value is None,
                v.raw,
                dumps(prov) if prov else None,
            )
        )
    rows.sort(key=lambda r: r[1])
    return rows


def _insert_values(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """One executemany straight to the driver: the per-row work of the SQLAlchemy
    statement layer is most of the cost of an ingest otherwise."""
    if not rows:
        return
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        _copy_values(conn, rows)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cols = ", ".join(_VALUE_COLUMNS)
    sql = f"INSERT INTO report_values ({cols}) VALUES ({', '.join([mark] * len(_VALUE_COLUMNS))})"
    params = [
        (
            rid,
            fid,
            vi,
            (format(vd, "f") if sqlite else vd) if vd is not None else None,
            int(blank) if sqlite else blank,
            raw,
            prov,
        )
        for rid, fid, vi, vd, blank, raw, prov in rows
    ]
    conn.exec_driver_sql(sql, params)


def _copy_values(conn: Any, rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL: COPY the cells in (psycopg's executemany costs a protocol round of
    Python work per row)."""
    raw = conn.connection.driver_connection
    with raw.cursor() as cur:
        with cur.copy(f"COPY report_values ({', '.join(_VALUE_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def finding_digest(f: Finding, report: Report, prev: Report | None = None) -> str:
    """What a finding was about: its cells' values and raw text (and the prev report's
    cells it cites), expected, actual. A decision is kept while this does not change."""
    cells: dict[str, Any] = {}
    for cid in f.cells:
        if cid.startswith("prev.") and prev is not None:
            cells[cid] = [prev.get(cid[5:]), prev.raw(cid[5:])]
        else:
            cells[cid] = [report.get(cid), report.raw(cid)]
    basis = json.dumps(
        _jsonable([cells, f.expected, f.actual, f.evidence]), ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


# ------------------------------------------------------------------ loading
_VALUES_CACHE: OrderedDict[tuple[int, Any], dict[str, tuple[Any, str | None]]] = OrderedDict()
_CACHE_SIZE = 4096


def _cache_key(report_id: int, updated_at: datetime) -> tuple[int, Any]:
    if updated_at.tzinfo is not None:
        updated_at = updated_at.astimezone(UTC).replace(tzinfo=None)
    return (report_id, updated_at)


def _remember(report_id: int, updated_at: datetime, report: Report) -> None:
    _VALUES_CACHE[_cache_key(report_id, updated_at)] = {
        fid: (v.value, v.raw) for fid, v in report.values.items()
    }
    if len(_VALUES_CACHE) > _CACHE_SIZE:
        _VALUES_CACHE.popitem(last=False)


def load_report(session: Session, report_id: int) -> Report:
    """A stored report as a ``Report`` (values, meta, sections; provenance dropped)."""
    conn = session.connection()
    row = conn.execute(_REPORT_ROW, {"rid": report_id}).first()
    if row is None:
        raise KeyError(report_id)
    meta, sections, fees_info, updated_at = row
    rep = Report(source=str((meta or {}).get("source") or ""))
    rep.meta.update(meta or {})
    for key, sec in (sections or {}).items():
        if isinstance(sec, dict):
            rep.sections[key] = Section(
                bool(sec.get("present")),
                sec.get("heading"),
                sec.get("order"),
                sec.get("text") or "",
            )
    rep.fees_info.update(fees_info or {})
    # values of a stored report change only with its updated_at: cache them by both
    cache_key = _cache_key(report_id, updated_at)
    values = _VALUES_CACHE.get(cache_key)
    if values is None:
        values = {
            fid: (value_of(vi, vd), raw)
            for fid, vi, vd, raw in conn.execute(_REPORT_VALUES, {"rid": report_id})
        }
        _VALUES_CACHE[cache_key] = values
        if len(_VALUES_CACHE) > _CACHE_SIZE:
            _VALUES_CACHE.popitem(last=False)
    for fid, (val, raw) in values.items():
        rep.values[fid] = Value(val, raw)
    return rep


# ------------------------------------------------------------------ findings
# The write path below uses Core statements on the session's connection (same
# transaction): the ORM unit of work costs more than the rest of an ingest together.
Decisions = dict[tuple[str, str], tuple[Any, Any, Any]]


def _decisions(session: Session, report_id: int, origin: str) -> Decisions:
    rows = session.connection().execute(
        select(
            T_FIND.c.fingerprint,
            T_FIND.c.values_digest,
            T_FIND.c.status,
            T_FIND.c.note,
            T_FIND.c.decided_at,
        ).where(
            T_FIND.c.report_id == report_id,
            T_FIND.c.origin == origin,
            (T_FIND.c.status != "open") | T_FIND.c.note.is_not(None),
        )
    )
    return {(fp, dg): (st, note, at) for fp, dg, st, note, at in rows}


def _replace_findings(
    session: Session,
    report_id: int,
    origin: str,
    findings: Sequence[Finding],
    report: Report,
    prev: Report | None = None,
    prev_report_id: int | None = None,
) -> None:
    """Replace a report's findings of one origin, keeping decisions that still apply.
    A finding found again (same fingerprint) keeps its row and so its id: review links
    stay valid across re-checks; only findings that are gone are deleted."""
    conn = session.connection()
    existing: dict[str, list[Any]] = {}
    for row in conn.execute(
        select(
            T_FIND.c.id,
            T_FIND.c.fingerprint,
            T_FIND.c.values_digest,
            T_FIND.c.status,
            T_FIND.c.note,
            T_FIND.c.decided_at,
        )
        .where(T_FIND.c.report_id == report_id, T_FIND.c.origin == origin)
        .order_by(T_FIND.c.id)
    ):
        existing.setdefault(row.fingerprint, []).append(row)
    fresh: list[Finding] = []
    for f in findings:
        rows = existing.get(f.fingerprint)
        if not rows:
            fresh.append(f)
            continue
        row = rows.pop(0)
        digest = finding_digest(f, report, prev)
        same = row.values_digest == digest
        conn.execute(
            update(T_FIND)
            .where(T_FIND.c.id == row.id)
            .values(
                prev_report_id=prev_report_id,
                rule=f.rule,
                severity=f.severity,
                cells=list(f.cells),
                message=f.message,
                expected=_jsonable(f.expected),
                actual=_jsonable(f.actual),
                assumed_zero=list(f.assumed_zero),
                evidence=_jsonable(f.evidence),
                values_digest=digest,
                status=row.status if same else "open",
                note=row.note if same else None,
                decided_at=row.decided_at if same else None,
            )
        )
    gone = [r.id for rows in existing.values() for r in rows]
    if gone:
        conn.execute(delete(T_FIND).where(T_FIND.c.id.in_(gone)))
    _insert_findings(session, report_id, origin, fresh, report, prev, prev_report_id, {})


def _insert_findings(
    session: Session,
    report_id: int,
    origin: str,
    findings: Sequence[Finding],
    report: Report,
    prev: Report | None,
    prev_report_id: int | None,
    kept: Decisions,
    carried: dict[str, tuple[Any, Any, Any]] | None = None,
) -> int:
    """Insert findings; decisions from ``kept`` (same fingerprint and values) or else
    ``carried`` (the previous version's, by fingerprint). Returns how many carried."""
    if not findings:
        return 0
    now = datetime.now(UTC)
    rows = []
    n_carried = 0
    for f in findings:
        digest = finding_digest(f, report, prev)
        status, note, decided_at = kept.get((f.fingerprint, digest), ("open", None, None))
        if status == "open" and note is None and carried and f.fingerprint in carried:
            status, note, decided_at = carried[f.fingerprint]
            n_carried += 1
        rows.append(
            {
                "report_id": report_id,
                "origin": origin,
                "prev_report_id": prev_report_id,
                "rule": f.rule,
                "severity": f.severity,
                "cells": list(f.cells),
                "message": f.message,
                "expected": _jsonable(f.expected),
                "actual": _jsonable(f.actual),
                "assumed_zero": list(f.assumed_zero),
                "evidence": _jsonable(f.evidence),
                "fingerprint": f.fingerprint,
                "values_digest": digest,
                "status": status,
                "note": note,
                "decided_at": decided_at,
                "created_at": now,
            }
        )
    session.connection().execute(_INSERT_FINDINGS, rows)
    return n_carried


def _version_decisions(session: Session, report_id: int) -> dict[str, tuple[Any, Any, Any]]:
    """The decisions on a report's findings by fingerprint (for its next version)."""
    rows = session.connection().execute(
        select(T_FIND.c.fingerprint, T_FIND.c.status, T_FIND.c.note, T_FIND.c.decided_at)
        .where(
            T_FIND.c.report_id == report_id,
            (T_FIND.c.status != "open") | T_FIND.c.note.is_not(None),
        )
        .order_by(T_FIND.c.id)
    )
    return {fp: (st, note, at) for fp, st, note, at in rows}


def _counts(findings: Iterable[Finding]) -> dict[str, int]:
    sev = [f.severity for f in findings]
    return {
        "n_errors": sev.count("error"),
        "n_warnings": sev.count("warning"),
        "n_infos": sev.count("info"),
    }


def _recount(session: Session, report_id: int) -> None:
    conn = session.connection()
    counts: dict[str, int] = dict(
        conn.execute(
            select(T_FIND.c.severity, func.count())
            .where(T_FIND.c.report_id == report_id)
            .group_by(T_FIND.c.severity)
        ).all()
    )
    conn.execute(
        update(T_REP)
        .where(T_REP.c.id == report_id)
        .values(
            n_errors=counts.get("error", 0),
            n_warnings=counts.get("warning", 0),
            n_infos=counts.get("info", 0),
        )
    )


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
    row = (
        session.connection()
        .execute(select(T_REP.c.agency_id, T_REP.c.year).where(T_REP.c.id == report_id))
        .first()
    )
    if row is None:
        return
    rep = load_report(session, report_id)
    found, prev, prev_id = _cross_findings(session, row.agency_id, row.year, rep)
    _replace_findings(session, report_id, "cross", found, rep, prev, prev_id)
    _recount(session, report_id)


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


def _rows_for(
    report_id: int, report: Report, rows: list[tuple[Any, ...]] | None
) -> list[tuple[Any, ...]]:
    if rows is None:
        return _value_rows(report_id, report)
    return [(report_id, *r[1:]) for r in rows]


def _write_report(
    session: Session,
    source_file_id: int,
    report: Report,
    version: str,
    now: datetime,
    rows: list[tuple[Any, ...]] | None = None,
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
        "meta": _jsonable(dict(meta)),
        "sections": {k: _jsonable(sec.to_dict()) for k, sec in report.sections.items()},
        "fees_info": _jsonable(dict(report.fees_info)),
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
                **_counts([*report.findings, *cross]),
            },
        ).scalar_one()
        _insert_values(session, _rows_for(report_id, report, rows))
        carried = {} if before is None else _version_decisions(session, before)
        n_carried = _insert_findings(
            session, report_id, "report", report.findings, report, None, None, {}, carried
        )
        n_carried += _insert_findings(
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
            .values(**fields, **_counts([*report.findings, *cross]))
        )
        conn.execute(delete(T_VAL).where(T_VAL.c.report_id == report_id))
        _insert_values(session, _rows_for(report_id, report, rows))
        _replace_findings(session, report_id, "report", report.findings, report)
        _replace_findings(session, report_id, "cross", cross, report, prev, prev_id)
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
    _write_report(session, sf_id, outcome.report, version, now, outcome.rows)
    return "updated" if existed else "stored"


# ------------------------------------------------------------------ the batch
@dataclass
class IngestSummary:
    """Counts of one batch, and the files that could not be stored and why."""

    files: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    with_errors: int = 0  # stored/updated reports with error findings
    unusable: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.files / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        """The summary in Chinese."""
        out = [
            f"共处理 {self.files} 个文件，用时 {self.seconds:.1f} 秒（{self.rate:.1f} 份/秒）。",
            f"新入库 {self.stored} 份，重新解析更新 {self.updated} 份，内容未变跳过 {self.unchanged} 份。",
            f"入库报告中有错误级问题的 {self.with_errors} 份。",
            f"无法使用 {len(self.unusable)} 个，解析出错 {len(self.failed)} 个。",
        ]
        for path, why in self.unusable[:50]:
            out.append(f"  无法使用：{path}：{why}")
        if len(self.unusable) > 50:
            out.append(f"  ……另有 {len(self.unusable) - 50} 个无法使用的文件")
        for path, why in self.failed[:20]:
            out.append(f"  解析出错：{path}：{why}")
        if len(self.failed) > 20:
            out.append(f"  ……另有 {len(self.failed) - 20} 个解析出错的文件")
        return out


def _parser_version() -> str:
    import nianbao

    return str(nianbao.__version__)


def ingest_files(
    files: Sequence[str | os.PathLike[str]],
    engine: Engine,
    *,
    workers: int | None = None,
    parse: ParseFn | None = None,
    check: Callable[[Report], Report] | None | bool = None,
    version: str | None = None,
    on_file: Callable[[str, str], None] | None = None,
    batch: int = 200,
) -> IngestSummary:
    """Ingest ``files`` into the store of ``engine``. ``workers``: parser processes
    (0 parses in this process; default: the number of CPUs). ``parse``/``check`` default
    to nianbao.parse and nianbao.checks.check; tests inject fakes (module-level functions,
    so that they pickle). ``on_file(path, status)`` is called after each file.
    ``batch``: reports written per transaction (``store.batch``; 0 or 1: one transaction
    per report, the path before batching, kept for the benchmark's anchor)."""
    version = version or _parser_version()
    workers = (os.cpu_count() or 1) if workers is None else workers
    summary = IngestSummary(files=len(files))
    start = time.perf_counter()
    with engine.connect() as conn:
        known = dict(conn.execute(select(SourceFile.sha256, SourceFile.parsed_with)).all())
    seen: set[str] = set()
    unchanged_paths: dict[str, str] = {}  # sha256 -> where those bytes are now

    def store_one(outcome: ParseOutcome) -> None:
        try:
            status = store_outcome(engine, outcome, None if outcome.retry else version)
        except Exception as exc:
            # the report could not be written (its transaction rolled back): record why
            # and go on; parsed_with stays empty so that the next run tries again. If even
            # that cannot be written, the database itself is unusable: stop.
            reason = f"写入数据库时出错（{type(exc).__name__}）：{str(exc).splitlines()[0][:300]}"
            failed = ParseOutcome(
                outcome.path,
                outcome.name,
                outcome.sha256,
                outcome.size,
                outcome.media_type,
                "failed",
                None,
                type(exc).__name__,
                reason,
            )
            store_outcome(engine, failed, None)
            outcome, status = failed, "failed"
        settle(outcome, status)

    def settle(outcome: ParseOutcome, status: str) -> None:
        if status in ("stored", "updated"):
            setattr(summary, status, getattr(summary, status) + 1)
            if outcome.report is not None and any(
                f.severity == "error" for f in outcome.report.findings
            ):
                summary.with_errors += 1
        elif status == "unusable":
            summary.unusable.append((outcome.path, outcome.error or ""))
        elif status == "failed":
            summary.failed.append((outcome.path, outcome.error or ""))
        else:
            summary.unchanged += 1
        if on_file:
            on_file(outcome.path, status)

    def todo() -> Iterable[tuple[str, bytes]]:
        for f in files:
            path = str(f)
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                summary.failed.append((path, f"无法读取文件：{exc.strerror or exc}"))
                if on_file:
                    on_file(path, "failed")
                continue
            sha = hashlib.sha256(data).hexdigest()
            if known.get(sha) == version or sha in seen:
                unchanged_paths.setdefault(sha, path)
                summary.unchanged += 1
                if on_file:
                    on_file(path, "unchanged")
                continue
            seen.add(sha)
            yield path, data

    record: Callable[[ParseOutcome], None] = store_one
    writer = None
    if batch > 1:
        from .batch import BatchWriter

        writer = BatchWriter(engine, version, settle, store_one, size=batch)
        record = writer.add
    if workers <= 0:
        for path, data in todo():
            record(parse_file(path, data, parse, check))
    elif writer is not None and engine.url.database not in (None, "", ":memory:"):
        # the workers write their own batches: the parent only reads files and counts
        from .batch import run_pool_writing

        def done(row: tuple[str, str, str | None, bool]) -> None:
            path, status, reason, errors = row
            if status in ("stored", "updated"):
                setattr(summary, status, getattr(summary, status) + 1)
                summary.with_errors += int(errors)
            elif status == "unusable":
                summary.unusable.append((path, reason or ""))
            elif status == "failed":
                summary.failed.append((path, reason or ""))
            else:
                summary.unchanged += 1
            if on_file:
                on_file(path, status)

        url = engine.url.render_as_string(hide_password=False)
        run_pool_writing(
            todo(),
            workers,
            url,
            version,
            parse,
            check,
            done,
            lambda items: _run_pool(items, workers, parse, check, store_one),
        )
    else:
        _run_pool(todo(), workers, parse, check, record)
    if writer is not None:
        writer.flush()
    mend_paths(engine, unchanged_paths)
    summary.seconds = time.perf_counter() - start
    return summary


def _crashed(path: str, data: bytes, exc: BaseException) -> ParseOutcome:
    return ParseOutcome(
        path,
        Path(path).name,
        hashlib.sha256(data).hexdigest(),
        len(data),
        media_type_of(path, data[:1024]),
        "failed",
        None,
        type(exc).__name__,
        f"解析进程异常退出（{type(exc).__name__}），该文件未能解析，下次入库时会重试",
        retry=True,
    )


def _run_pool(
    jobs: Iterable[tuple[str, bytes]],
    workers: int,
    parse: ParseFn | None,
    check: Callable[[Report], Report] | None | bool,
    record: Callable[[ParseOutcome], None],
) -> None:
    """Parse in worker processes, at most a window of files in flight; results are
    recorded (written) here as they come. A worker that dies (a crash in a native
    library, out of memory) fails its files, and a new pool takes over."""
    window = max(4, workers * 8)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=init_worker)
    pending: dict[Future[ParseOutcome], tuple[str, bytes]] = {}

    def drain(until: int) -> None:
        nonlocal pool
        while len(pending) > until:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                path, data = pending.pop(fut)
                try:
                    outcome = fut.result()
                except BrokenProcessPool as exc:
                    broken = True
                    outcome = _crashed(path, data, exc)
                record(outcome)
            if broken:
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(max_workers=workers, initializer=init_worker)

    def submit(path: str, data: bytes) -> None:
        nonlocal pool
        try:
            fut = pool.submit(parse_file, path, data, parse, check, True)
        except BrokenProcessPool:  # a worker died before its future told us: settle, renew
            drain(0)
            if getattr(pool, "_broken", False):
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(max_workers=workers, initializer=init_worker)
            fut = pool.submit(parse_file, path, data, parse, check, True)
        pending[fut] = (path, data)

    try:
        for path, data in jobs:
            submit(path, data)
            drain(window - 1)
        drain(0)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]], db: str | None = None, **kwargs: Any
) -> IngestSummary:
    """``collect_files`` + ``ingest_files`` into the store at ``db`` (see ``resolve_url``)."""
    engine = open_store(db)
    try:
        return ingest_files(collect_files(paths), engine, **kwargs)
    finally:
        engine.dispose()
