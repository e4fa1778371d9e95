"""Reading many files on every core for ``nianbao parse`` and ``check``: worker processes, output in order.

The files are cut into chunks; each chunk is read by a worker process (each file within its
own budget, as in one process), and the results come back in the order of the files, so the
output is the same as one process's. A worker that dies (stopped by its CPU-time backstop, or
killed by the system for memory) ends its pool: the files that were in flight are read again
in a new pool one at a time, so only the file that killed its worker is reported as failed
and the others are read as usual.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import os
import sys
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from ..errors import NianbaoError
from ..report import Report

__all__ = [
    "Outcome",
    "parse_outcome",
    "parallel_outcomes",
    "worker_count",
    "collect_less",
    "WORKER_DIED",
]

log = logging.getLogger("nianbao.cli")

WORKER_DIED = (
    "读取此文件的进程异常退出（可能超出了时间或内存上限，或是本工具的内部错误），"
    "已停止处理此文件。可用环境变量 NIANBAO_FILE_SECONDS、NIANBAO_FILE_MEMORY_MB 调整上限；"
    "加 --debug 可查看详情。"
)


@dataclass(slots=True)
class Outcome:
    """One file's result: ``line`` (a JSON line, UTF-8), ``data`` (a JSON object) or ``report`` and
    ``skipped`` (for ``check``) when it was read, else ``error`` (the Chinese message) and, for an internal error, ``detail`` (the
    traceback, for the debug log). ``no_tables``: read, but without any statistical table.
    A line is bytes: it goes from a worker to the parent, and out, as it is (as text, the
    parent would decode and encode again some 40 KB a report)."""

    source: str
    line: bytes | None = None
    data: dict[str, Any] | None = None
    report: Report | None = None  # for check: the report's source, meta and findings only
    skipped: dict[str, str] | None = None  # for check: rules that did not run, and why
    no_tables: bool = False
    error: str | None = None
    detail: str | None = None
    internal: bool = False


def parse_outcome(src: str, fmt: str, provenance: bool, parse_one: Callable[[str], Any]) -> Outcome:
    """Read one file with ``parse_one`` (the CLI's budgeted parse) into an Outcome for
    ``fmt``: ``jsonl``, ``json`` (parse) or ``check``. An error of ours while turning the
    report into its output is an internal error of that file too, never a traceback."""
    try:
        rep = parse_one(src)
        rep.source = src
        out = Outcome(src, no_tables=not rep.values and rep.meta.get("format") != "legacy")
        if fmt == "jsonl":
            out.line = rep.to_json(provenance=provenance).encode("utf-8")
        elif fmt == "check":
            from .app import _skipped

            out.report = Report(source=src, meta=rep.meta, findings=rep.findings)
            out.skipped = _skipped(rep)
        else:
            out.data = rep.to_dict(provenance=provenance)
        return out
    except Exception as exc:  # noqa: BLE001 - one bad file does not stop the others
        if isinstance(exc, NianbaoError):
            return Outcome(src, error=str(exc))
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return Outcome(src, error="", detail=detail, internal=True)


# the collector's thresholds while reading many files (``collect_less``)
GC_THRESHOLDS = (20_000, 20, 50)
_COLLECT_LESS = [0]  # the process (pid) that collect_less set up


def collect_less() -> None:
    """In a process of its own that reads many files (a worker; the command line's own
    process, never a caller's that runs the CLI inside it): the objects made so far
    (modules, functions, compiled patterns: what the imports made) are set aside from the
    cyclic garbage collector (``gc.freeze``, once), and it runs less often. Each report
    allocates tens of thousands of small objects (cells, values, provenance); at the default
    thresholds the collector walked them, and every imported object, every few hundred
    allocations (3 % of a text report's instructions). Reference counting still frees all
    but cycles at once; what this changes is when cycles are freed, never the output."""
    pid = os.getpid()
    if _COLLECT_LESS[0] == pid:
        return
    _COLLECT_LESS[0] = pid
    gc.freeze()
    if gc.get_threshold() != GC_THRESHOLDS:
        gc.set_threshold(*GC_THRESHOLDS)


def _read_chunk(srcs: list[str], fmt: str, provenance: bool, ocr: bool) -> list[Outcome]:
    """A worker's task: the files of one chunk, each within its budget."""
    from . import app  # the budgeted parse (and whatever a test patched into the API)

    collect_less()  # (a worker is a process of its own; once, on its first chunk)

    if ocr:
        return [parse_outcome(s, fmt, provenance, app._parse_one) for s in srcs]
    from ..readers.ocr import use_ocr

    with use_ocr(False):
        return [parse_outcome(s, fmt, provenance, app._parse_one) for s in srcs]


def worker_count(jobs: int) -> int:
    """``jobs`` when given (> 0), else the cores this process may use."""
    if jobs > 0:
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _new_pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing

    from ..budget import init_worker

    fork = sys.platform.startswith("linux")
    if fork:  # the workers start with the parent's imports: made once, here (with those
        # every worker would make on its first file: the text reader's, the backstops')
        for mod in (
            "nianbao.api",
            "nianbao.checks.engine",
            "nianbao.extraction.textfacts",
            "nianbao.readers.text",
            "nianbao.readers.mhtml",
            "nianbao.readers.mojibake",
            "nianbao.readers.image",
            "ctypes",
            "resource",
        ):
            with contextlib.suppress(ImportError):
                importlib.import_module(mod)
    ctx = multiprocessing.get_context("fork" if fork else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init_worker)


def _chunks(srcs: Iterable[str], size: int) -> Iterator[tuple[list[str], bool]]:
    batch: list[str] = []
    for src in srcs:
        batch.append(src)
        if len(batch) >= size:
            yield batch, False
            batch = []
    if batch:
        yield batch, False


def parallel_outcomes(
    srcs: Iterable[str],
    fmt: str,
    provenance: bool,
    *,
    workers: int,
    ocr: bool = True,
    chunk: int = 8,
) -> Iterator[Outcome]:
    """The Outcome of every file of ``srcs``, in their order, read by ``workers`` processes
    in chunks of ``chunk`` files (at most a few chunks per worker in flight)."""
    window = max(2, 3 * workers)
    units = _chunks(srcs, chunk)
    retry: deque[tuple[list[str], bool]] = deque()  # a dead worker's files, one per task
    # in flight, oldest first: (future, files, one file per task)
    flight: deque[tuple[Future[list[Outcome]], list[str], bool]] = deque()
    pool = _new_pool(workers)
    try:
        while True:
            while len(flight) < window:
                if retry and flight:
                    break  # a dead worker's files go one at a time: a death names its file
                unit = retry.popleft() if retry else next(units, None)
                if unit is None:
                    break
                try:
                    fut = pool.submit(_read_chunk, unit[0], fmt, provenance, ocr)
                except BrokenProcessPool:  # broke since the last result: the tasks in flight
                    retry.appendleft(unit)  # tell it below; with none, renew the pool here
                    if flight:
                        break
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = _new_pool(workers)
                    continue
                flight.append((fut, *unit))
            if not flight:
                break
            fut, files, single = flight[0]
            try:
                outcomes = fut.result()
            except BrokenProcessPool:
                # a worker died: a new pool reads every file in flight again, one at a time
                # (before any later file); a file that was alone in flight killed it
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _new_pool(workers)
                lost = [f for _, fs, _ in flight for f in fs]
                flight.clear()
                if single:
                    log.debug("a worker process died reading %s", files[0])
                    yield Outcome(files[0], error=WORKER_DIED)
                    lost = lost[1:]
                retry.extendleft(reversed([([f], True) for f in lost]))
                continue
            flight.popleft()
            yield from outcomes
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
