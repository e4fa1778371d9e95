"""Ingest on a Dask cluster (the optional ``dask`` extra): ``nianbao ingest --dask ADDRESS``.

The parent lists the files and sends them, in chunks, to the cluster's workers; each worker
reads its files, hashes them, skips the contents the store already holds (same SHA-256,
same parser version), parses and checks the rest and writes them to the shared
PostgreSQL store itself, in batches (``store.batch``: one transaction per batch, each
report all-or-nothing). The parent only counts and shows progress, so it is no bottleneck.

Work is keyed by the content hash in the store: a rerun after a crash, or the chunks of a
worker that died (Dask gives them to another worker), do only what is missing, and a
content stored twice is impossible (``source_files.sha256`` is unique; a batch that meets
a concurrent writer's row is rolled back and written report by report). A chunk that
fails three times is split into one task per file, run one after another (a worker's death
fails every task placed on it: a file must not be charged with its neighbour's); a file that
fails three times is recorded with its reason (status ``failed``) and the batch goes on.

Files must be readable by the workers under the same path (a shared filesystem). Dask runs
tasks in threads, where the budget's timer cannot reach: a watchdog interrupts a file that
runs over its time (``_parse_in_thread``).
Imported lazily: the core never imports dask.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from ..errors import NianbaoError
from ..readers.archive import read_path_bytes
from ..report import Report
from . import ingest as ing
from .files import media_type_of
from .models import T_SF
from .outcome import ParseFn, ParseOutcome, parse_file
from .summary import IngestSummary
from .write import _abs_path, store_outcome

__all__ = ["ingest_dask", "parse_chunk"]

ATTEMPTS = 3  # tries of a chunk, then of each of its files
CHUNK = 32  # files per task
_ENGINES: dict[str, Engine] = {}
# per worker process: wall time of its committed batches and how many reports they held
STATS: dict[str, float] = {"write_seconds": 0.0, "locked_seconds": 0.0, "written": 0}
# The scheduler's settings this module expects (set for ``--dask local``; a cluster
# started by hand takes them from the environment, see the README): a worker that dies
# fails only the task it was running (no task waits on a worker beside the running one),
# and fails it at once, so that the task's own retries count every attempt.
CLUSTER_CONFIG = {
    "distributed.scheduler.allowed-failures": 0,
    "distributed.scheduler.worker-saturation": 1.0,
}


def _engine(url: str) -> Engine:
    engine = _ENGINES.get(url)
    if engine is None:
        from .db import open_store

        engine = _ENGINES[url] = open_store(url)
    return engine


def parse_chunk(
    paths: Sequence[str],
    url: str,
    version: str,
    parse: ParseFn | None = None,
    check: Callable[[Report], Report] | None | bool = None,
) -> list[tuple[str, str, str | None, bool]]:
    """Run on a worker: read, hash, parse and check ``paths`` and write them to the store
    at ``url``. Returns (path, status, reason, has error findings) per file."""
    from .batch import BatchWriter

    engine = _engine(url)
    results: dict[str, tuple[str, str, str | None, bool]] = {}
    datas: dict[str, bytes] = {}
    for path in paths:
        try:
            datas[path] = read_path_bytes(path)
        except (OSError, NianbaoError) as exc:
            why = str(exc) if isinstance(exc, NianbaoError) else exc.strerror or exc
            results[path] = (path, "failed", f"无法读取文件：{why}", False)
    shas = {p: hashlib.sha256(d).hexdigest() for p, d in datas.items()}
    with engine.connect() as conn:
        known = dict(
            conn.execute(
                select(T_SF.c.sha256, T_SF.c.parsed_with).where(
                    T_SF.c.sha256.in_(list(set(shas.values())))
                )
            ).all()
        )

    def settle(outcome: ParseOutcome, status: str) -> None:
        errors = outcome.report is not None and any(
            f.severity == "error" for f in outcome.report.findings
        )
        reason = outcome.error if status in ("failed", "unusable") else None
        results[outcome.path] = (outcome.path, status, reason, errors and status != "unchanged")

    def fallback(outcome: ParseOutcome) -> None:
        settle(outcome, store_outcome(engine, outcome, version))

    writer = BatchWriter(engine, version, settle, fallback, size=len(paths) + 1, seconds=1e9)
    seen: set[str] = set()
    for path, data in datas.items():
        sha = shas[path]
        if known.get(sha) == version or sha in seen:
            results[path] = (path, "unchanged", None, False)
            continue
        seen.add(sha)
        writer.add(_parse_in_thread(path, data, parse, check))
    writer.flush()
    STATS["write_seconds"] += writer.seconds_writing
    STATS["written"] += writer.reports_written
    STATS["locked_seconds"] += writer.seconds_locked
    return [results[p] for p in paths if p in results]


class _OutOfTime(BaseException):
    """Raised asynchronously in a task's thread when its file runs over the time budget
    (a BaseException: the parser's own ``except Exception`` must not swallow it)."""


def _parse_in_thread(
    path: str,
    data: bytes,
    parse: ParseFn | None,
    check: Callable[[Report], Report] | None | bool,
) -> ParseOutcome:
    """``parse_file`` within the file's time budget in a worker thread, where the budget's
    timer (a signal to the main thread) cannot reach: a watchdog raises in this thread
    instead (Python code is interrupted; native code at its next bytecode)."""
    from ..budget import Budget, time_exceeded

    seconds = Budget.from_env().seconds
    if seconds <= 0:
        return parse_file(path, data, parse, check)
    ident = threading.get_ident()
    lock = threading.Lock()
    armed = [True]

    def fire() -> None:
        with lock:
            if armed[0]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(ident), ctypes.py_object(_OutOfTime)
                )

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        try:
            return parse_file(path, data, parse, check)
        finally:
            with lock:
                armed[0] = False
                timer.cancel()
                # an exception set but not raised yet must not land elsewhere
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)
    except _OutOfTime:
        p = Path(path)
        exc = time_exceeded(seconds)
        return ParseOutcome(
            path,
            p.name,
            hashlib.sha256(data).hexdigest(),
            len(data),
            media_type_of(p.name, data[:1024]),
            "unusable",
            None,
            type(exc).__name__,
            str(exc),
        )


def _record_failure(engine: Engine, path: str, version: str, reason: str) -> None:
    """A file that failed ``ATTEMPTS`` times on the cluster: recorded with its reason."""
    p = Path(path)
    try:
        data = read_path_bytes(path)
    except (OSError, NianbaoError):
        return  # unreadable here too: nothing to key it by; the summary lists it
    outcome = ParseOutcome(
        path,
        p.name,
        hashlib.sha256(data).hexdigest(),
        len(data),
        media_type_of(p.name, data[:1024]),
        "failed",
        None,
        "ClusterFailure",
        reason,
    )
    store_outcome(engine, outcome, version)


def _client(address: str, workers: int | None) -> tuple[Any, Any]:
    import dask
    from dask.distributed import Client, LocalCluster

    if address == "local":
        # a worker that dies fails its task at once; the task's own retries (ATTEMPTS)
        # then decide, as for any other failure
        dask.config.set(CLUSTER_CONFIG)
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        return Client(cluster), cluster
    return Client(address), None


def ingest_dask(
    files: Sequence[str | os.PathLike[str]],
    url: str,
    address: str,
    *,
    workers: int | None = None,
    parse: ParseFn | None = None,
    check: Callable[[Report], Report] | None | bool = None,
    version: str | None = None,
    on_file: Callable[[str, str], None] | None = None,
    client: Any = None,
    chunk: int = CHUNK,
) -> IngestSummary:
    """Ingest ``files`` into the store at ``url`` (PostgreSQL) on the Dask cluster at
    ``address`` (``local``: a LocalCluster of ``workers`` processes). ``client``: an
    existing ``dask.distributed.Client`` to use instead."""
    from dask.distributed import as_completed

    from .db import make_durable, open_store

    version = version or ing._parser_version()
    engine = open_store(url)  # migrated once here, not by every worker at once
    summary = IngestSummary(files=len(files))
    start = time.perf_counter()
    own = None
    if client is None:
        client, own = _client(address, workers)
    paths = [_abs_path(str(f)) or str(f) for f in files]
    chunks = [paths[i : i + chunk] for i in range(0, len(paths), chunk)]

    def tally(path: str, status: str, reason: str | None, errors: bool) -> None:
        summary.count(path, status, reason, errors)
        if on_file:
            on_file(path, status)

    # The files of a chunk that failed are tried one task at a time, one after another: a
    # worker's death fails every task the scheduler had placed on it, so a file running
    # beside the one that kills its worker must not be charged with that death.
    singles: list[str] = []
    single: list[Any] = []  # the one-file task in flight, if any

    def next_single(pending: Any) -> None:
        if singles and not single:
            p = singles.pop(0)
            fut = client.submit(
                parse_chunk, [p], url, version, parse, check, retries=ATTEMPTS - 1, pure=False
            )
            futures[fut] = [p]
            single.append(fut)
            pending.add(fut)

    try:
        futures = {
            client.submit(
                parse_chunk, c, url, version, parse, check, retries=ATTEMPTS - 1, pure=False
            ): c
            for c in chunks
        }
        pending = as_completed(list(futures), with_results=False)
        for fut in pending:
            part = futures.pop(fut)
            if single and fut is single[0]:
                single.clear()
            try:
                rows = fut.result()
            except Exception as exc:
                if len(part) > 1:  # split the chunk: one task per file, in turn
                    singles.extend(part)
                    next_single(pending)
                    continue
                reason = (
                    f"在集群上处理 {ATTEMPTS} 次均失败（{type(exc).__name__}），"
                    "该文件已记录为解析出错"
                )
                _record_failure(engine, part[0], version, reason)
                rows = [(part[0], "failed", reason, False)]
            for row in rows:
                tally(*row)
            next_single(pending)
        # the workers' batches committed without waiting for the disk; this commit waits
        # for the server's WAL through all of them
        make_durable(engine)
    finally:
        if own is not None:
            client.close()
            own.close()
        engine.dispose()
    summary.seconds = time.perf_counter() - start
    return summary
