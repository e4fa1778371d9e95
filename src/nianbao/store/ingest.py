"""The batch: files -> parsed reports -> the store.

Worker processes read, parse and check files and write them in batches (``store.batch``:
many reports per transaction, each report all-or-nothing); the parent reads the files and
counts. The same bytes are never stored twice (unique SHA-256); a file parsed by an older
parser version is parsed again, and reviewers' decisions on findings whose fingerprint and
values did not change are kept. A file that fails is recorded with its reason and the
batch goes on. Cross-year checks (group J) run against the stored year − 1 report of the
same agency, and the year + 1 report is re-checked when its predecessor arrives later.

The jobs live in their own modules: ``files`` (which files, their media type),
``outcome`` (a worker's parse, checks and rows), ``write`` (one report's transaction),
``batch`` (many reports per transaction, and workers that write), ``findings``,
``summary``. This module runs the batch; the names other modules and scripts import
from ``nianbao.store.ingest`` are re-exported here.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from ..budget import init_worker
from ..errors import NianbaoError
from ..readers.archive import read_path_bytes
from ..report import Report
from .crossyear import check_cross_year
from .db import make_durable, open_store
from .files import STORE_SUFFIXES, collect_files, media_type_of
from .findings import _counts, finding_digest
from .models import T_CELLS, T_FIND, T_REP, T_SF, SourceFile
from .outcome import (
    ParseFn,
    ParseOutcome,
    _jsonable,
    _split_value,
    parse_file,
    value_of,
)
from .summary import IngestSummary
from .write import (
    _FILE_BY_HASH,
    _abs_path,
    _cells_for,
    _clip,
    _insert_cells,
    _latest_report_id,
    _meta_year,
    _remember,
    _store,
    load_report,
    mend_paths,
    recheck_cross_year,
    store_outcome,
)

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

# names of the modules above that other modules and scripts use through this one
_REEXPORTED = (
    T_FIND,
    T_REP,
    T_SF,
    T_CELLS,
    check_cross_year,
    media_type_of,
    _counts,
    _jsonable,
    _split_value,
    value_of,
    _FILE_BY_HASH,
    _abs_path,
    _clip,
    _insert_cells,
    _latest_report_id,
    _meta_year,
    _remember,
    _cells_for,
    _store,
    ParseFn,
)


def _parser_version() -> str:
    import nianbao

    return str(nianbao.__version__)


# files a worker parses and writes in one transaction when the workers write (``pool``)
POOL_BATCH = 256


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
                data = read_path_bytes(path)
            except (OSError, NianbaoError) as exc:
                why = str(exc) if isinstance(exc, NianbaoError) else exc.strerror or exc
                summary.failed.append((path, f"无法读取文件：{why}"))
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
        from .pool import run_pool_writing

        def done(row: tuple[str, str, str | None, bool]) -> None:
            path, status, reason, errors = row
            summary.count(path, status, reason, errors)
            if on_file:
                on_file(path, status)

        url = engine.url.render_as_string(hide_password=False)
        # A batch's statements cost about the same whatever its size: large batches spend
        # fewer statements (and, on PostgreSQL, less of the server's CPU) per report. On
        # PostgreSQL 256 files a batch against 64: 0.16-0.19 against 0.30 ms of the
        # server's CPU per report, two workers (bench/ingest.py)
        run_pool_writing(
            todo(),
            workers,
            url,
            version,
            parse,
            check,
            done,
            lambda items: _run_pool(items, workers, parse, check, store_one),
            chunk=POOL_BATCH,
        )
    else:
        _run_pool(todo(), workers, parse, check, record)
    if writer is not None:
        writer.flush()
    mend_paths(engine, unchanged_paths)
    make_durable(engine)  # the batches' commits did not wait for the disk; this one does
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
