"""The batch: files -> parsed reports -> the store, one transaction per report.

Parsing runs in worker processes (``ProcessPoolExecutor``); writing happens in the parent.
The same bytes are never stored twice (unique SHA-256); a file parsed by an older parser
version is parsed again, and reviewers' decisions on findings whose fingerprint and values
did not change are kept. A file that fails is recorded with its reason and the batch goes
on. Cross-year checks (group J) run against the stored year − 1 report of the same agency,
and the year + 1 report is re-checked when its predecessor arrives later.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..errors import UnusableInput
from ..report import Finding, Report, Section, Value
from ..schema import DECIMAL_IDS
from .agencies import name_keys, resolve_agency
from .crossyear import check_cross_year
from .db import open_store, session_scope, write_engine
from .models import SourceFile, StoredFinding, StoredReport, StoredValue

__all__ = [
    "REPORT_SUFFIXES",
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

# Files taken when walking a directory (files named explicitly are always taken).
REPORT_SUFFIXES = frozenset(
    {".txt", ".text", ".md", ".pdf", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".doc", ".wps"}
)
ParseFn = Callable[..., Report]


# ------------------------------------------------------------------ files
def collect_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named, and report files under directories named (recursively, sorted,
    hidden entries skipped). A path that does not exist raises FileNotFoundError."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in REPORT_SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        elif p.is_file():
            found = [p]
        else:
            raise FileNotFoundError(str(p))
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def media_type_of(name: str, head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "application/msword"
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


def _default_parse(data: bytes, source: str = "") -> Report:
    import nianbao

    return nianbao.parse(data, name=source or None)  # runs the checks too


def _default_check(report: Report) -> Report:
    from .. import checks

    return checks.check(report)


def parse_file(
    path: str,
    data: bytes | None = None,
    parse: ParseFn | None = None,
    check: Callable[[Report], Report] | None | bool = None,
) -> ParseOutcome:
    """Read, hash and parse one file; never raises for a bad file."""
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
        report = (parse or _default_parse)(data, source=p.name)
        if not isinstance(report, Report):
            raise TypeError(f"parse returned {type(report).__name__}, not Report")
        if check is True:
            report = _default_check(report)
        elif callable(check):
            report = check(report)
        outcome.report = report
    except UnusableInput as exc:
        outcome.status, outcome.error_kind, outcome.error = "unusable", type(exc).__name__, str(exc)
    except Exception as exc:  # a parser bug must not stop the batch; it is recorded
        outcome.status, outcome.error_kind = "failed", type(exc).__name__
        outcome.error = f"解析程序出错（{type(exc).__name__}）：{exc}"
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
    rows = []
    for fid, v in report.values.items():
        vi, vd = _split_value(fid, v.value)
        prov = v.source.to_dict() if v.source is not None else None
        rows.append((report_id, fid, vi, vd, v.value is None, v.raw, prov or None))
    return rows


def _insert_values(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """One executemany straight to the driver: the per-row work of the SQLAlchemy
    statement layer is most of the cost of an ingest otherwise."""
    if not rows:
        return
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
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
            None if prov is None else json.dumps(_jsonable(prov), ensure_ascii=False),
        )
        for rid, fid, vi, vd, blank, raw, prov in rows
    ]
    conn.exec_driver_sql(sql, params)


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
    row = session.get(StoredReport, report_id)
    if row is None:
        raise KeyError(report_id)
    rep = Report(source=str(row.meta.get("source") or ""))
    rep.meta.update(row.meta or {})
    for key, sec in (row.sections or {}).items():
        if isinstance(sec, dict):
            rep.sections[key] = Section(
                bool(sec.get("present")),
                sec.get("heading"),
                sec.get("order"),
                sec.get("text") or "",
            )
    rep.fees_info.update(row.fees_info or {})
    # values of a stored report change only with its updated_at: cache them by both
    cache_key = _cache_key(report_id, row.updated_at)
    values = _VALUES_CACHE.get(cache_key)
    if values is None:
        values = {
            fid: (value_of(vi, vd), raw)
            for fid, vi, vd, raw in session.execute(
                select(
                    StoredValue.field_id,
                    StoredValue.value_int,
                    StoredValue.value_dec,
                    StoredValue.raw,
                ).where(StoredValue.report_id == report_id)
            )
        }
        _VALUES_CACHE[cache_key] = values
        if len(_VALUES_CACHE) > _CACHE_SIZE:
            _VALUES_CACHE.popitem(last=False)
    for fid, (val, raw) in values.items():
        rep.values[fid] = Value(val, raw)
    return rep


# ------------------------------------------------------------------ findings
def _decisions(session: Session, report_id: int, origin: str) -> dict[tuple[str, str], tuple]:
    rows = session.execute(
        select(
            StoredFinding.fingerprint,
            StoredFinding.values_digest,
            StoredFinding.status,
            StoredFinding.note,
            StoredFinding.decided_at,
        ).where(
            StoredFinding.report_id == report_id,
            StoredFinding.origin == origin,
            (StoredFinding.status != "open") | StoredFinding.note.is_not(None),
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
    """Replace a report's findings of one origin, keeping decisions that still apply."""
    kept = _decisions(session, report_id, origin)
    session.connection().execute(
        delete(StoredFinding.__table__).where(
            StoredFinding.report_id == report_id, StoredFinding.origin == origin
        )
    )
    if not findings:
        return
    _insert_findings(session, report_id, origin, findings, report, prev, prev_report_id, kept)


def _insert_findings(
    session: Session,
    report_id: int,
    origin: str,
    findings: Sequence[Finding],
    report: Report,
    prev: Report | None,
    prev_report_id: int | None,
    kept: dict[tuple[str, str], tuple],
) -> None:
    if not findings:
        return
    now = datetime.now(UTC)
    rows = []
    for f in findings:
        digest = finding_digest(f, report, prev)
        status, note, decided_at = kept.get((f.fingerprint, digest), ("open", None, None))
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
    session.connection().execute(insert(StoredFinding.__table__), rows)


def _set_counts(row: StoredReport, findings: Sequence[Finding]) -> None:
    row.n_errors = sum(1 for f in findings if f.severity == "error")
    row.n_warnings = sum(1 for f in findings if f.severity == "warning")
    row.n_infos = sum(1 for f in findings if f.severity == "info")


def _recount(session: Session, row: StoredReport) -> None:
    counts = dict(
        session.execute(
            select(StoredFinding.severity, func.count())
            .where(StoredFinding.report_id == row.id)
            .group_by(StoredFinding.severity)
        ).all()
    )
    row.n_errors = counts.get("error", 0)
    row.n_warnings = counts.get("warning", 0)
    row.n_infos = counts.get("info", 0)


def _latest_report_id(session: Session, agency_id: int, year: int) -> int | None:
    return session.scalar(
        select(func.max(StoredReport.id)).where(
            StoredReport.agency_id == agency_id, StoredReport.year == year
        )
    )


def _cross_for(
    session: Session, row: StoredReport, report: Report | None = None, fresh: bool = False
) -> list[Finding]:
    """(Re)compute the group J findings of one stored report against its year − 1.
    ``fresh``: the report was just inserted and has no stored findings yet."""
    prev_id = None
    if row.agency_id is not None and row.year is not None:
        prev_id = _latest_report_id(session, row.agency_id, row.year - 1)
    if prev_id is None:
        if not fresh:
            _replace_findings(session, row.id, "cross", [], Report())
        return []
    rep = report if report is not None else load_report(session, row.id)
    prev = load_report(session, prev_id)
    found = check_cross_year(rep, prev)
    if fresh:
        _insert_findings(session, row.id, "cross", found, rep, prev, prev_id, {})
    else:
        _replace_findings(session, row.id, "cross", found, rep, prev, prev_report_id=prev_id)
    return found


def recheck_cross_year(session: Session, report_id: int) -> None:
    """Recompute group J for a stored report (and its counts)."""
    row = session.get(StoredReport, report_id)
    if row is None:
        return
    _cross_for(session, row)
    session.flush()
    _recount(session, row)


# ------------------------------------------------------------------ storing
def _meta_year(report: Report) -> int | None:
    y = report.meta.get("year")
    try:
        return int(y) if y is not None else None
    except (TypeError, ValueError):
        return None


def _write_report(
    session: Session, sf: SourceFile, report: Report, version: str, now: datetime
) -> StoredReport:
    meta = report.meta
    agency = resolve_agency(
        session, meta.get("agency"), meta.get("agency_kind"), meta.get("admin_level")
    )
    row = session.scalar(select(StoredReport).where(StoredReport.source_file_id == sf.id))
    fields = {
        "agency_id": None if agency is None else agency.id,
        "agency_name": meta.get("agency"),
        "agency_key": (name_keys(meta["agency"]) or (None,))[0] if meta.get("agency") else None,
        "year": _meta_year(report),
        "layout": str(meta.get("format") or "unknown"),
        "parser_version": version,
        "title": meta.get("title"),
        "published": str(meta["published"])[:10] if meta.get("published") else None,
        "meta": _jsonable(dict(meta)),
        "sections": {k: _jsonable(s.to_dict()) for k, s in report.sections.items()},
        "fees_info": _jsonable(dict(report.fees_info)),
        "updated_at": now,
    }
    old_neighbours: set[int] = set()
    fresh = row is None
    if row is None:
        row = StoredReport(source_file_id=sf.id, ingested_at=now, **fields)
        session.add(row)
        session.flush()
    else:
        # re-parse: the year or agency may have changed; the old next-year report must
        # then be re-checked too
        if row.agency_id is not None and row.year is not None:
            nxt = _latest_report_id(session, row.agency_id, row.year + 1)
            if nxt is not None:
                old_neighbours.add(nxt)
        for k, v in fields.items():
            setattr(row, k, v)
        session.connection().execute(
            delete(StoredValue.__table__).where(StoredValue.report_id == row.id)
        )
        session.flush()
    _insert_values(session, _value_rows(row.id, report))
    _remember(row.id, now, report)
    if fresh:
        _insert_findings(session, row.id, "report", report.findings, report, None, None, {})
        cross = _cross_for(session, row, report, fresh=True)
        _set_counts(row, [*report.findings, *cross])
    else:
        _replace_findings(session, row.id, "report", report.findings, report)
        _cross_for(session, row, report)
        session.flush()
        _recount(session, row)
    if row.agency_id is not None and row.year is not None:
        nxt = _latest_report_id(session, row.agency_id, row.year + 1)
        if nxt is not None:
            old_neighbours.add(nxt)
    for rid in sorted(old_neighbours - {row.id}):
        recheck_cross_year(session, rid)
    return row


def store_outcome(engine: Engine, outcome: ParseOutcome, version: str) -> str:
    """Write one parsed file in one transaction. Returns stored / updated / unchanged /
    unusable / failed. Safe against a concurrent ingest of the same bytes."""
    wengine = write_engine(engine)
    last_exc: Exception | None = None
    for attempt in range(6):
        try:
            with session_scope(wengine) as session:
                return _store(session, outcome, version)
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


def _store(session: Session, outcome: ParseOutcome, version: str) -> str:
    now = datetime.now(UTC)
    sf = session.scalar(select(SourceFile).where(SourceFile.sha256 == outcome.sha256))
    if sf is not None and sf.parsed_with == version:
        return "unchanged"
    existed = sf is not None and sf.status == "stored"
    if sf is None:
        sf = SourceFile(
            sha256=outcome.sha256,
            size=outcome.size,
            name=outcome.name[:512],
            path=outcome.path,
            media_type=outcome.media_type,
            first_seen=now,
            status="new",
        )
        session.add(sf)
    sf.parsed_with, sf.parsed_at = version, now
    if outcome.status != "parsed" or outcome.report is None:
        sf.status = outcome.status if outcome.status != "parsed" else "failed"
        sf.error_kind, sf.error = outcome.error_kind, outcome.error
        session.flush()
        old = session.scalar(select(StoredReport).where(StoredReport.source_file_id == sf.id))
        if old is not None:  # the current parser cannot read it: drop the old reading
            agency_id, year = old.agency_id, old.year
            session.delete(old)
            session.flush()
            if agency_id is not None and year is not None:
                nxt = _latest_report_id(session, agency_id, year + 1)
                if nxt is not None:
                    recheck_cross_year(session, nxt)
        return sf.status
    sf.status, sf.error_kind, sf.error = "stored", None, None
    session.flush()
    _write_report(session, sf, outcome.report, version, now)
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
        reasons: dict[str, int] = {}
        for _, why in self.unusable:
            reasons[why] = reasons.get(why, 0) + 1
        for why, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
            out.append(f"  无法使用（{n} 个）：{why}")
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
) -> IngestSummary:
    """Ingest ``files`` into the store of ``engine``. ``workers``: parser processes
    (0 parses in this process; default: the number of CPUs). ``parse``/``check`` default
    to nianbao.parse and nianbao.checks.check; tests inject fakes (module-level functions,
    so that they pickle). ``on_file(path, status)`` is called after each file."""
    version = version or _parser_version()
    workers = (os.cpu_count() or 1) if workers is None else workers
    summary = IngestSummary(files=len(files))
    start = time.perf_counter()
    with engine.connect() as conn:
        known = dict(conn.execute(select(SourceFile.sha256, SourceFile.parsed_with)).all())
    seen: set[str] = set()

    def record(outcome: ParseOutcome) -> None:
        status = store_outcome(engine, outcome, version)
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
                summary.unchanged += 1
                if on_file:
                    on_file(path, "unchanged")
                continue
            seen.add(sha)
            yield path, data

    if workers <= 0:
        for path, data in todo():
            record(parse_file(path, data, parse, check))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            pending: set[Future[ParseOutcome]] = set()
            window = max(4, workers * 8)
            for path, data in todo():
                pending.add(pool.submit(parse_file, path, data, parse, check))
                if len(pending) >= window:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        record(fut.result())
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    record(fut.result())
    summary.seconds = time.perf_counter() - start
    return summary


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]], db: str | None = None, **kwargs: Any
) -> IngestSummary:
    """``collect_files`` + ``ingest_files`` into the store at ``db`` (see ``resolve_url``)."""
    engine = open_store(db)
    try:
        return ingest_files(collect_files(paths), engine, **kwargs)
    finally:
        engine.dispose()
