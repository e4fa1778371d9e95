"""Bounded work per file: a time and a memory budget for reading one report.

Over 500 lines because the timer, the memory watch, the worker backstops, the isolated
child and the time given beyond the budget are one mechanism that must agree on every
signal and deadline; split, each part would need the others' private state.

Every path that reads files runs each file inside a budget:

- :func:`file_budget` (in-process, main thread): a repeating ``SIGALRM`` timer, and one
  thread per process watching the resident size (armed per file) that signals the main
  thread when the file has used more than its memory budget (plus an address-space limit far beyond it, ``RLIMIT_AS``,
  for a single huge allocation in native code); the CLI and the ingest workers use it
  around each file;
- :func:`run_isolated`: runs a function in a child process with the same limits, and kills
  the child if it does not finish in time (a runaway inside native code cannot hold it up);
  meant for server-side workers (the web upload worker);
- :func:`init_worker`: a pool initializer that makes a worker process end when its parent
  dies (``PR_SET_PDEATHSIG`` on Linux, plus a thread that watches ``os.getppid()``), and
  gives it a CPU-time backstop (``RLIMIT_CPU``) for work the timer cannot interrupt.

The budget comes from ``NIANBAO_FILE_SECONDS`` (default 60 s) and ``NIANBAO_FILE_MEMORY_MB``
(default 1536 MB); ``0`` turns a limit off. A file over budget raises
:class:`~nianbao.errors.FileBudgetExceeded`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import FileBudgetExceeded

__all__ = [
    "Budget",
    "DEFAULT_SECONDS",
    "DEFAULT_MEMORY_MB",
    "ENV_SECONDS",
    "ENV_MEMORY_MB",
    "file_budget",
    "slow_work",
    "allow_more",
    "report_more_to",
    "uninterrupted",
    "run_isolated",
    "init_worker",
    "die_with_parent",
]

log = logging.getLogger(__name__)

DEFAULT_SECONDS = 60.0
DEFAULT_MEMORY_MB = 1536
ENV_SECONDS = "NIANBAO_FILE_SECONDS"
ENV_MEMORY_MB = "NIANBAO_FILE_MEMORY_MB"

T = TypeVar("T")


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        log.warning("ignoring %s=%r (not a number)", name, raw)
        return default
    return value if value >= 0 and value == value else default


@dataclass(frozen=True)
class Budget:
    """Limits for one file; 0 (or less) means no limit."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: float = DEFAULT_MEMORY_MB

    @classmethod
    def from_env(cls) -> Budget:
        return cls(
            _env_number(ENV_SECONDS, DEFAULT_SECONDS),
            _env_number(ENV_MEMORY_MB, DEFAULT_MEMORY_MB),
        )


# what the work is doing when it may rightly take long (``slow_work``): the message of a
# time limit reached then names it instead of suspecting the file
_SLOW_WORK: list[str] = []


@contextlib.contextmanager
def slow_work(what: str) -> Iterator[None]:
    """Mark the body as work that is slow by nature (``"ocr"``: recognising scanned pages),
    for the message of a time limit reached inside it."""
    _SLOW_WORK.append(what)
    try:
        yield
    except _OutOfTime:
        _STOPPED_IN[:] = [what]  # read by time_exceeded once the budget has caught it
        raise
    finally:
        _SLOW_WORK.pop()


_STOPPED_IN: list[str] = []

# seconds granted beyond the budget in the file being read (``allow_more``), and where to
# tell them: the timer of this process (armed by _limits), and in a child of run_isolated
# the parent, which keeps its own deadline
_MORE: list[float] = [0.0]
_TIMER_ARMED: list[bool] = [False]
_TELL_PARENT: list[Any] = []


_SHIELDED: list[int] = [0]


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Run the body (short work that must not be cut in the middle: a library building its
    state, whose cleanup breaks when interrupted) with the time limit held off; the
    repeating timer stops the work at its next tick after the body."""
    _SHIELDED[0] += 1
    try:
        yield
    finally:
        _SHIELDED[0] -= 1


def report_more_to(conn: Any) -> None:
    """In a child process whose parent keeps its own deadline: tell ``conn`` (a pipe to the
    parent) of the time ``allow_more`` gives, as ``("more", seconds)``."""
    _TELL_PARENT[:] = [conn]


def allow_more(seconds: float) -> None:
    """Give the file being read ``seconds`` more than its time budget, for work whose cost
    is known once it starts (recognising N scanned pages by OCR). Extends this process's
    timer and CPU backstop, and a run_isolated parent's deadline. Nothing outside a budget."""
    if seconds <= 0:
        return
    _MORE[0] += seconds
    if _TIMER_ARMED[0] and threading.current_thread() is threading.main_thread():
        left, every = signal.getitimer(signal.ITIMER_REAL)
        if left > 0:
            signal.setitimer(signal.ITIMER_REAL, left + seconds, every)
    if _in_worker:
        with contextlib.suppress(ImportError, ValueError, OSError):
            import resource

            soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
            if soft != resource.RLIM_INFINITY:
                raised = int(soft + 2 * seconds)
                if hard != resource.RLIM_INFINITY:
                    raised = min(raised, hard)
                resource.setrlimit(resource.RLIMIT_CPU, (raised, hard))
    for conn in _TELL_PARENT:
        with contextlib.suppress(Exception):
            conn.send(("more", seconds))


def time_exceeded(seconds: float) -> FileBudgetExceeded:
    stopped_in = _STOPPED_IN[:] or _SLOW_WORK[-1:]
    _STOPPED_IN.clear()
    if stopped_in == ["ocr"]:
        return FileBudgetExceeded(
            f"扫描件的文字识别（OCR）超过了每个文件的时间上限（{seconds:g} 秒），已停止处理："
            "文字识别每页需要数秒到十几秒，页数多或机器繁忙时会超时，这不代表文件有问题。"
            f"请用环境变量 {ENV_SECONDS} 调高上限（如 600），或用 NIANBAO_OCR_PAGE_SECONDS "
            "调高每页另给的时间（默认 20 秒）后再读取。"
        )
    if stopped_in == ["office"]:
        return FileBudgetExceeded(
            f"用 LibreOffice 转换旧版 Word / RTF 文件超过了每个文件的时间上限（{seconds:g} 秒），"
            "已停止处理：转换每个文件需要数秒，机器繁忙时会超时，这不代表文件有问题。"
            f"请用环境变量 {ENV_SECONDS} 调高上限后再读取，或先另存为 .docx 或 PDF。"
        )
    return FileBudgetExceeded(
        f"读取此文件超过了时间上限（{seconds:g} 秒），已停止处理：文件可能异常（如畸形或超大的表格）。"
        f"如确需处理，可用环境变量 {ENV_SECONDS} 调高上限。"
    )


def memory_exceeded(memory_mb: float) -> FileBudgetExceeded:
    return FileBudgetExceeded(
        f"读取此文件所需内存超过了上限（{memory_mb:g} MB），已停止处理：文件可能异常。"
        f"如确需处理，可用环境变量 {ENV_MEMORY_MB} 调高上限。"
    )


_QUIET_FILES = frozenset({__file__, contextlib.__file__})


class _OutOfTime(BaseException):
    """Raised by the timer inside the work; a BaseException so that the readers' broad
    ``except Exception`` clauses do not turn it into another error."""


class _OutOfMemory(BaseException):
    """Raised inside the work when the memory watch saw it use more than its budget."""


_MB = 1024 * 1024
# address space allowed beyond the memory budget before the kernel refuses allocations:
# native libraries reserve much more than they use (onnxruntime for OCR: ~1.8 GB reserved
# for ~0.8 GB resident), so the budget itself is watched on resident memory
_AS_SLACK = 4096 * _MB
_WATCH_INTERVAL = 0.05  # seconds between two looks at the resident size


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_statm_fd: tuple[int, int] | None = None  # (pid, fd of /proc/<pid>/statm), kept open


def _statm_pages() -> tuple[int, int]:
    """Total and resident size from /proc/self/statm in bytes; (0, 0) when unknown. The file
    stays open and is re-read with pread (a fraction of opening it each time); a forked child
    opens its own (the kept descriptor names its parent)."""
    global _statm_fd
    pid = os.getpid()
    try:
        if _statm_fd is None or _statm_fd[0] != pid:
            _statm_fd = (pid, os.open(f"/proc/{pid}/statm", os.O_RDONLY | os.O_CLOEXEC))
        fields = os.pread(_statm_fd[1], 128, 0).split()
        return int(fields[0]) * _PAGE, int(fields[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0, 0


def _statm(field: int) -> int:
    """A field of /proc/self/statm in bytes (0: size, 1: resident); 0 when unknown."""
    return _statm_pages()[field]


@contextlib.contextmanager
def _address_space_backstop(memory_mb: float) -> Iterator[None]:
    """RLIMIT_AS far beyond the budget: catches a single huge allocation in native code,
    which the resident-size watch could only see too late."""
    try:
        import resource
    except ImportError:  # not on this platform
        yield
        return
    base = _statm(0)
    # the limit is process-wide: never set from a thread of a server (run_isolated there)
    if memory_mb <= 0 or not base or threading.current_thread() is not threading.main_thread():
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = base + int(memory_mb * _MB) + _AS_SLACK
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:
        yield  # a tighter limit is already in force
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class _MemoryWatch:
    """One thread per process watching the resident size while a file is read (armed per
    file): starting and joining a thread for every file cost more than reading a small
    one. It signals the main thread (SIGALRM) when the armed limit is passed; the lock
    makes disarming wait for a signal being sent, so none arrives after the handler left."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.armed = threading.Event()
        self.state: dict[str, bool] | None = None
        self.limit = 0
        self.main = threading.main_thread().ident or 0
        threading.Thread(target=self._run, name="nianbao-memory-watch", daemon=True).start()

    def _run(self) -> None:
        while True:
            self.armed.wait()
            time.sleep(_WATCH_INTERVAL)
            with self.lock:
                state = self.state
                if state is None or not state["armed"] or _statm(1) <= self.limit:
                    continue
                state["memory"] = True
                signal.pthread_kill(self.main, signal.SIGALRM)
            time.sleep(0.5)  # again, if the first was swallowed, while still armed

    def arm(self, state: dict[str, bool], limit: int) -> tuple[dict[str, bool] | None, int]:
        """Watch for ``state``'s file; returns what was watched before (a budget inside a
        budget), for :meth:`disarm`."""
        with self.lock:
            before = self.state, self.limit
            self.state, self.limit = state, limit
            self.armed.set()
            return before

    def disarm(self, before: tuple[dict[str, bool] | None, int] = (None, 0)) -> None:
        with self.lock:
            self.state, self.limit = before
            if before[0] is None:
                self.armed.clear()


_watch: _MemoryWatch | None = None


def _memory_watch() -> _MemoryWatch:
    """This process's watcher (a forked child starts its own: threads do not survive)."""
    global _watch
    if _watch is None or _watch.pid != os.getpid():
        _watch = _MemoryWatch()
    return _watch


@contextlib.contextmanager
def _limits(seconds: float, memory_mb: float) -> Iterator[None]:
    """The time limit (a repeating SIGALRM timer) and the memory limit (a thread watching
    the resident size, which signals the main thread); both raise inside the work. Signals
    reach the main thread only: elsewhere (a server's thread) nothing is limited here, use
    run_isolated there."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return
    resident = _statm(1) if memory_mb > 0 else 0
    watch_memory = resident > 0
    if seconds <= 0 and not watch_memory:
        yield
        return

    state = {"armed": True, "memory": False}

    def on_alarm(signum: int, frame: Any) -> None:
        # not while leaving the budget (this module, contextlib): the next tick will do
        where = frame.f_code.co_filename if frame is not None else ""
        if state["armed"] and where not in _QUIET_FILES and not _SHIELDED[0]:
            raise _OutOfMemory if state["memory"] else _OutOfTime

    previous = signal.signal(signal.SIGALRM, on_alarm)
    watcher = None
    if watch_memory:
        watcher = _memory_watch()
        outer = watcher.arm(state, resident + int(memory_mb * _MB))
    # a budget inside a budget: the outer timer keeps running (the inner one never outlasts
    # it) and is set again, less the time spent inside, when the inner one ends
    outer_left, outer_every = signal.getitimer(signal.ITIMER_REAL)
    entered = time.monotonic()
    if seconds > 0:
        first = min(seconds, outer_left) if outer_left > 0 else seconds
        # the timer repeats, so that work which swallowed the first alarm is stopped by the next
        signal.setitimer(signal.ITIMER_REAL, first, 0.5)
        _TIMER_ARMED[0] = True
    try:
        yield
    finally:
        _TIMER_ARMED[0] = False
        state["armed"] = False
        if watcher is not None:
            watcher.disarm(outer)
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left > 0:
            left = outer_left - (time.monotonic() - entered)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), outer_every)


_in_worker = False  # set by init_worker: a parser process that may be killed as a last resort


@contextlib.contextmanager
def _cpu_backstop(seconds: float) -> Iterator[None]:
    """In a worker process: a CPU-time limit well beyond the budget, whose signal (SIGXCPU)
    ends the process when the timer cannot stop the work (stuck inside native code). The
    pool then reports the file as failed and carries on with a new worker."""
    if not _in_worker or seconds <= 0:
        yield
        return
    try:
        import resource
    except ImportError:  # pragma: no cover - not on this platform
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    limit = int(usage.ru_utime + usage.ru_stime + 2 * seconds + 10)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
    except (ValueError, OSError):  # pragma: no cover
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


@contextlib.contextmanager
def file_budget(budget: Budget | None = None) -> Iterator[Budget]:
    """Run the body within ``budget`` (default :meth:`Budget.from_env`). Raises
    FileBudgetExceeded when the time runs out (main thread only) or memory runs out."""
    b = budget or Budget.from_env()
    _MORE[0] = 0.0
    try:
        with (
            _address_space_backstop(b.memory_mb),
            _cpu_backstop(b.seconds),
            _limits(b.seconds, b.memory_mb),
        ):
            yield b
    except _OutOfTime:
        raise time_exceeded(b.seconds + _MORE[0]) from None
    except (_OutOfMemory, MemoryError):
        raise memory_exceeded(b.memory_mb) from None


# ------------------------------------------------------------------ worker processes


def die_with_parent() -> None:
    """Make this process end when its parent dies: ``PR_SET_PDEATHSIG`` (Linux) and, as a
    fallback elsewhere or if the signal is lost, a daemon thread that watches the creator.

    The creator is watched through multiprocessing's parent sentinel, a pipe made before the
    fork: it reads end-of-file once the creator is gone, even when the creator died before
    this function ran (``os.getppid()`` would already name the reaper then, and a check
    against it would never fire)."""
    import multiprocessing
    from multiprocessing.connection import wait

    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc/prctl
            pass
    creator = multiprocessing.parent_process()
    sentinel = getattr(creator, "sentinel", None) if creator is not None else None

    def gone() -> bool:
        if os.getppid() != parent:
            return True
        return sentinel is not None and bool(wait([sentinel], timeout=0))

    if gone():  # the creator died before the lines above
        os._exit(1)

    def watch() -> None:
        while True:
            if sentinel is not None:
                wait([sentinel], timeout=1.0)
            else:
                time.sleep(1.0)
            if gone():
                os._exit(1)

    threading.Thread(target=watch, name="nianbao-parent-watch", daemon=True).start()


def init_worker() -> None:
    """Initializer of parser worker processes: they end with their parent, and a file whose
    work the timer cannot stop ends the worker (see ``_cpu_backstop``)."""
    global _in_worker
    _in_worker = True
    # a pool runs a worker a core: one thread each for OCR (readers/ocr/engine.py)
    os.environ.setdefault("NIANBAO_OCR_THREADS", "1")
    die_with_parent()


def _isolated_child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], b: Budget) -> None:
    init_worker()
    report_more_to(conn)
    try:
        with file_budget(b):
            result: tuple[str, Any] = ("ok", fn(*args))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        result = ("error", exc)
    try:
        conn.send(result)
    except Exception as exc:  # noqa: BLE001 - an unpicklable result or exception
        conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


def run_isolated(
    fn: Callable[..., T], *args: Any, budget: Budget | None = None, grace: float = 5.0
) -> T:
    """Run ``fn(*args)`` in a child process within ``budget``; return its result or raise its
    exception. A child that has not answered ``grace`` seconds after its time budget (stuck in
    native code) is killed and FileBudgetExceeded raised; a child that dies (out of memory)
    raises FileBudgetExceeded too. ``fn`` and its arguments must pickle."""
    import multiprocessing

    b = budget or Budget.from_env()
    # forkserver: safe in a threaded server (no fork of this process's threads and locks)
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    ctx: Any = multiprocessing.get_context(method)
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_isolated_child, args=(send, fn, args, b), daemon=True)
    proc.start()
    send.close()
    limit = b.seconds
    deadline = time.monotonic() + b.seconds + grace if b.seconds > 0 else None
    try:
        while True:
            left = None if deadline is None else max(deadline - time.monotonic(), 0.0)
            if not recv.poll(left):
                raise time_exceeded(limit)
            try:
                status, payload = recv.recv()
            except (EOFError, OSError):  # the child died without answering
                raise memory_exceeded(b.memory_mb) from None
            if status != "more":
                break
            limit += payload  # the child was allowed more (allow_more): so is its deadline
            if deadline is not None:
                deadline += payload
    finally:
        if proc.is_alive():
            proc.join(0.5)
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
    if status == "ok":
        return payload
    raise payload
