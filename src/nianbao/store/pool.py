"""Worker processes that parse and also write: the parent of an ingest only reads the files
and counts. Each task is a chunk of files that one worker parses (each file within its
budget, in the worker's main thread) and writes as one batch (``batch.BatchWriter``); the
batches of several workers take the store's write lock in turn. A chunk whose worker died
is handed back (``redo``) to be done one file per task, which tells which file it was.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable

from sqlalchemy import Engine

from ..report import Report
from .batch import BatchWriter
from .outcome import ParseFn, ParseOutcome, parse_file
from .write import store_outcome

__all__ = ["store_chunk", "run_pool_writing"]

_ENGINES: dict[str, Engine] = {}
# per worker process and store: agency ids by (name, kind, level), kept across chunks
_AGENCIES: dict[str, dict[tuple[str | None, str | None, str | None], int | None]] = {}
Row = tuple[str, str, str | None, bool]  # path, status, reason, has error findings
# the collector's thresholds in a worker that writes (``_collect_less``)
GC_THRESHOLDS = (20_000, 20, 50)


def _collect_less() -> None:
    """In a worker process: run the cyclic garbage collector less often. A chunk allocates
    a few hundred thousand small objects (cells, rows, findings) that live until its batch
    is written, beside the value cache of recent reports; at the default thresholds (700,
    10, 10) the collector walked them every few hundred allocations, a fifth of the
    worker's CPU per report. Reference counting still frees all but cycles at once."""
    if gc.get_threshold() != GC_THRESHOLDS:
        gc.set_threshold(*GC_THRESHOLDS)


def _worker_engine(url: str) -> Engine:
    engine = _ENGINES.get(url)
    if engine is None:
        from .db import open_store

        engine = _ENGINES[url] = open_store(url, migrate_now=False)
    return engine


def store_chunk(
    items: list[tuple[str, bytes]],
    url: str,
    version: str,
    parse: ParseFn | None,
    check: Callable[[Report], Report] | None | bool,
) -> list[Row]:
    """Run in a worker process: parse ``items`` (each within the file budget, in this
    process's main thread) and write them to the store at ``url`` as one batch."""
    _collect_less()
    engine = _worker_engine(url)
    results: dict[str, Row] = {}

    def settle(outcome: ParseOutcome, status: str) -> None:
        errors = outcome.report is not None and any(
            f.severity == "error" for f in outcome.report.findings
        )
        reason = outcome.error if status in ("failed", "unusable") else None
        results[outcome.path] = (outcome.path, status, reason, errors and status != "unchanged")

    def fallback(outcome: ParseOutcome) -> None:
        settle(outcome, store_outcome(engine, outcome, version))

    writer = BatchWriter(engine, version, settle, fallback, size=len(items) + 1, seconds=1e9)
    writer.agencies = _AGENCIES.setdefault(url, {})
    for path, data in items:
        writer.add(parse_file(path, data, parse, check))
    writer.flush()
    return [results[p] for p, _ in items if p in results]


def run_pool_writing(
    jobs: Iterable[tuple[str, bytes]],
    workers: int,
    url: str,
    version: str,
    parse: ParseFn | None,
    check: Callable[[Report], Report] | None | bool,
    done: Callable[[Row], None],
    redo: Callable[[list[tuple[str, bytes]]], None],
    chunk: int = 256,
    chunk_bytes: int = 16 << 20,
) -> None:
    """Worker processes that parse and also write (``store_chunk``: up to ``chunk`` files
    and ``chunk_bytes`` of them per task), their batches taking the store's write lock in
    turn: the parent only reads the files and counts. A batch's statements cost about the
    same whatever its size, so small files go many to a batch (the caller sets how many:
    ``ingest.ingest_files`` by the database); large ones few, so that the files in flight
    (two chunks per worker) stay within memory. A chunk whose worker
    died goes to ``redo`` (one file per task, which tells which file it was)."""
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from ..budget import init_worker

    window = max(2, workers * 2)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=init_worker)
    pending: dict[Future[list[Row]], list[tuple[str, bytes]]] = {}

    def renew() -> None:
        nonlocal pool
        pool.shutdown(wait=False, cancel_futures=True)
        pool = ProcessPoolExecutor(max_workers=workers, initializer=init_worker)

    def drain(until: int) -> None:
        while len(pending) > until:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            broken = False
            for fut in finished:
                items = pending.pop(fut)
                try:
                    rows = fut.result()
                except BrokenProcessPool:
                    broken = True
                    redo(items)
                    continue
                for row in rows:
                    done(row)
            if broken:
                renew()

    def submit(items: list[tuple[str, bytes]]) -> None:
        try:
            fut = pool.submit(store_chunk, items, url, version, parse, check)
        except BrokenProcessPool:
            drain(0)
            renew()
            fut = pool.submit(store_chunk, items, url, version, parse, check)
        pending[fut] = items

    try:
        items: list[tuple[str, bytes]] = []
        size = 0
        for job in jobs:
            items.append(job)
            size += len(job[1])
            if len(items) >= chunk or size >= chunk_bytes:
                submit(items)
                items, size = [], 0
                drain(window - 1)
        if items:
            submit(items)
        drain(0)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
