"""The fuzzing loop: ``python -m fuzz.run --reader html --minutes 120``.

Each input is a mutant of a seed (the writer's renderings, see ``fuzz/seeds.py``) or of an
earlier mutant that still read as a report. It goes through ``nianbao.parse`` (reader,
extraction, checks; no OCR) under a per-input time and memory budget. Outcomes:

- a Report, or a named error of ``nianbao.errors``: fine;
- any other exception: a *crash*, saved as ``<out>/<reader>/crash-<signature>.bin`` with the
  traceback beside it (one file per distinct signature: exception type and innermost frame);
- over the time budget: a *hang*, saved as ``hang-<digest>.bin``; over the memory budget:
  saved as ``memory-<digest>.bin``.

The run stops by itself (``--minutes`` and/or ``--max-inputs``) and writes ``stats.json``
(inputs, crashes, hangs, outcome counts) in ``<out>/<reader>``; it prints the same figures.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .mutate import inflate_streams, mutate
from .seeds import READERS, REPO, seeds

DEFAULT_OUT = Path(__file__).resolve().parent / "findings"
POOL_SIZE = 300
WALL_FACTOR = 20  # the product's wall-clock budget per input (a backstop): times the CPU budget
POOL_MAX_BYTES = 64 * 1024  # bigger mutants are not mutated again (stacked growth: slow runs)
SEEN_MAX = 200_000  # digests of inputs already run (a repeat is not run again)
DIE_ON_ENV = "NIANBAO_FUZZ_DIE_ON"  # test hook: the worker kills itself on inputs holding this
STATS_EVERY = 10.0  # seconds between writes of stats.json
MAX_RESTARTS = 200  # the supervisor gives up after this many worker deaths
PER_MB_SECONDS = 2.0  # CPU seconds per MiB of input on top of --per-input-seconds


@dataclass
class Stats:
    reader: str
    seed: int
    inputs: int = 0
    seconds: float = 0.0
    crashes: int = 0  # inputs that crashed
    hangs: int = 0  # inputs over the time budget
    memory: int = 0  # inputs over the memory budget
    restarts: int = 0  # the worker process died and was started again
    cpu_seconds: float = 0.0  # CPU time inside the target
    bytes: int = 0  # input bytes run
    max_input_bytes: int = 0
    signatures: dict[str, int] = field(default_factory=dict)  # crash signature -> count
    outcomes: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        rate = self.inputs / self.seconds if self.seconds else 0.0
        return (
            f"{self.reader}: {self.inputs} inputs in {self.seconds:.0f} s ({rate:.1f}/s; "
            f"{self.cpu_seconds:.0f} s CPU), "
            f"{self.crashes} crashes ({len(self.signatures)} distinct), {self.hangs} hangs, "
            f"{self.memory} over memory"
        )


def _signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "nianbao" in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{type(exc).__name__}@{where}"


def cpu_budget(size: int, seconds: float, per_mb: float) -> float:
    """The CPU budget of one input: ``seconds`` plus ``per_mb`` seconds per MiB of input
    (linear work at a fixed minimum rate; see fuzz/README.md, "Hangs")."""
    return seconds + per_mb * size / (1024 * 1024)


def read_size(data: bytes, reader: str) -> int:
    """The bytes a reader parses: the input's size, and for DOCX the inflated size of the
    archive's XML parts when larger (what python-docx parses; the reader refuses more than
    ``MAX_XML_BYTES`` of it, and judges the archive's ratio once it inflates past 10 MB).
    Inflated here, before the CPU timer starts."""
    if reader != "docx":
        return len(data)
    import io
    import zipfile

    from nianbao.readers.docx import MAX_XML_BYTES

    xml = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if not info.filename.lower().endswith((".xml", ".rels")):
                    continue
                with zf.open(info) as part:
                    while chunk := part.read(1 << 20):
                        xml += len(chunk)
                        if xml > MAX_XML_BYTES:
                            return max(len(data), MAX_XML_BYTES)
    except Exception:  # noqa: BLE001 - not a readable zip: the reader refuses it
        return len(data)
    return max(len(data), xml)


class _CpuOut(BaseException):
    """Raised by the CPU timer inside the work (not an Exception: code under test that
    catches Exception must not swallow it)."""


@contextlib.contextmanager
def _cpu_timer(seconds: float) -> Iterator[None]:
    """A CPU-time limit for the body (``ITIMER_PROF``: CPU time of the process, so a loaded
    machine does not turn slow wall-clock time into hangs). It repeats every 0.5 s CPU, so
    work that swallowed the first signal is stopped by the next."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = [True]

    def on_prof(signum: int, frame: Any) -> None:
        if armed[0]:
            raise _CpuOut

    previous = signal.signal(signal.SIGPROF, on_prof)
    signal.setitimer(signal.ITIMER_PROF, seconds, 0.5)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, previous)


def run_one(
    data: bytes, reader: str, seconds: float, memory_mb: float, per_mb: float = 0.0
) -> tuple[str, Any]:
    """Parse one input. Returns (kind, detail): kind is "report", "named", "hang", "memory"
    or "crash" (detail: the exception). A hang is judged on CPU time against
    :func:`cpu_budget`; the product's own wall-clock budget is set far beyond it (only a
    backstop, and the memory limit)."""
    import nianbao
    from nianbao.budget import Budget, file_budget
    from nianbao.errors import FileBudgetExceeded, NianbaoError

    ext = {"text": "txt"}.get(reader, reader)
    limit = cpu_budget(read_size(data, reader), seconds, per_mb)
    cpu = time.process_time()
    try:
        with file_budget(Budget(limit * WALL_FACTOR, memory_mb)), _cpu_timer(limit):
            rep = nianbao.parse(data, name=f"fuzz.{ext}", ocr=False)
            json.loads(rep.to_json(), parse_constant=_no_constant)  # valid JSON: no NaN/Infinity
    except _CpuOut:
        return "hang", f"{time.process_time() - cpu:.1f} s CPU (budget {limit:.1f} s)"
    except FileBudgetExceeded as exc:
        if "内存" in str(exc):
            return "memory", type(exc).__name__
        used = time.process_time() - cpu
        if used > limit:
            return "hang", f"{used:.1f} s CPU (budget {limit:.1f} s)"
        return "slow", f"wall-clock backstop at {used:.1f} s CPU"  # a starved machine
    except NianbaoError as exc:
        kind: tuple[str, Any] = ("named", type(exc).__name__)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - the point of fuzzing
        return "crash", exc
    else:
        kind = ("report", len(rep.values))
    used = time.process_time() - cpu
    if used > limit:  # work the timer could not interrupt (one long call into C)
        return "hang", f"{used:.1f} s CPU (budget {limit:.1f} s)"
    return kind


def _no_constant(name: str) -> Any:
    raise ValueError(f"JSON constant {name} in the output")


def _save(folder: Path, name: str, data: bytes, note: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.bin").write_bytes(data)
    if note:
        (folder / f"{name}.txt").write_text(note, encoding="utf-8")


def fuzz(
    reader: str,
    *,
    minutes: float | None = None,
    max_inputs: int | None = None,
    seed: int = 0,
    out: Path | None = DEFAULT_OUT,
    per_input_seconds: float = 2.0,
    per_mb_seconds: float = PER_MB_SECONDS,
    memory_mb: float = 2048.0,
    progress: bool = False,
    seed_limit: int | None = None,
    resume: bool = False,
) -> Stats:
    """Fuzz one reader until ``minutes`` or ``max_inputs`` run out (at least one is needed).

    Runs in this process (one long-lived worker; the supervisor in :func:`main` restarts it
    after a hard crash). With ``resume``, the figures continue from ``stats.json``. Before
    each input, the input is written to ``<out>/<reader>/current.bin``, so that the
    supervisor can keep the input that took the process down."""
    if minutes is None and max_inputs is None:
        raise ValueError("give minutes or max_inputs")
    rng = random.Random(seed)
    corpus = _cached_seeds(reader, out / reader / "seeds" if out else None, seed_limit)
    if reader == "pdf":
        corpus += [inflate_streams(s) for s in corpus]
    if not corpus:
        raise RuntimeError(f"no seeds for {reader}")
    pool: list[bytes] = []
    folder = out / reader if out else None
    stats = Stats(reader, seed)
    if resume and folder and (folder / "stats.json").is_file():
        stats = Stats(**json.loads((folder / "stats.json").read_text(encoding="utf-8")))
    outcomes: Counter[str] = Counter(stats.outcomes)
    seen: set[bytes] = set()
    start = time.monotonic() - stats.seconds
    deadline = time.monotonic() + minutes * 60 if minutes is not None else None
    last_report = time.monotonic()
    die_on = os.environ.get(DIE_ON_ENV, "").encode()
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
    current = os.open(folder / "current.bin", os.O_RDWR | os.O_CREAT, 0o644) if folder else -1
    try:
        while True:
            if max_inputs is not None and stats.inputs >= max_inputs:
                break
            if deadline is not None and time.monotonic() >= deadline:
                break
            parent = rng.choice(pool) if pool and rng.random() < 0.3 else rng.choice(corpus)
            data = mutate(parent, rng, reader, corpus)
            key = hashlib.sha1(data).digest()
            if key in seen:  # the same mutant again: nothing new to learn
                continue
            if len(seen) < SEEN_MAX:
                seen.add(key)
            if current >= 0:
                os.ftruncate(current, 0)
                os.pwrite(current, data, 0)
            if die_on and die_on in data:  # the supervisor's self-test: a hard crash
                os.kill(os.getpid(), signal.SIGKILL)
            cpu = time.process_time()
            kind, detail = run_one(data, reader, per_input_seconds, memory_mb, per_mb_seconds)
            stats.cpu_seconds += time.process_time() - cpu
            stats.inputs += 1
            stats.bytes += len(data)
            stats.max_input_bytes = max(stats.max_input_bytes, len(data))
            outcomes[kind if kind != "named" else f"named:{detail}"] += 1
            _record(folder, stats, kind, detail, data, per_input_seconds, memory_mb)
            if kind == "report" and detail and len(data) <= POOL_MAX_BYTES:
                if len(pool) < POOL_SIZE:
                    pool.append(data)
                else:
                    pool[rng.randrange(POOL_SIZE)] = data
            now = time.monotonic()
            if folder and now - last_report > STATS_EVERY:
                last_report = now
                stats.seconds, stats.outcomes = now - start, dict(outcomes)
                _write_stats(folder, stats)
                if progress:
                    print(stats.line(), flush=True)
    finally:
        if current >= 0:
            os.close(current)
    stats.seconds = time.monotonic() - start
    stats.outcomes = dict(outcomes)
    if folder:
        _write_stats(folder, stats)
        (folder / "current.bin").unlink(missing_ok=True)
    return stats


def _record(
    folder: Path | None,
    stats: Stats,
    kind: str,
    detail: Any,
    data: bytes,
    per_input_seconds: float,
    memory_mb: float,
) -> None:
    """Count a finding and keep its input (a crash once per signature)."""
    digest = hashlib.sha1(data).hexdigest()[:16]
    if kind == "crash":
        stats.crashes += 1
        sig = detail if isinstance(detail, str) else _signature(detail)
        first = sig not in stats.signatures
        stats.signatures[sig] = stats.signatures.get(sig, 0) + 1
        if first and folder:
            tb = detail if isinstance(detail, str) else "".join(traceback.format_exception(detail))
            safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in sig)
            _save(folder, f"crash-{safe}", data, f"{sig}\n\n{tb}")
    elif kind == "hang":
        stats.hangs += 1
        if folder:
            _save(folder, f"hang-{digest}", data, f"{len(data)} bytes: {detail}")
    elif kind == "memory":
        stats.memory += 1
        if folder:
            _save(folder, f"memory-{digest}", data, f"over {memory_mb} MB")


def _cached_seeds(reader: str, folder: Path | None, limit: int | None = None) -> list[bytes]:
    """The seeds, rendered once and kept in ``folder`` (rendering PDFs through LibreOffice
    takes minutes); delete the folder to render them again."""
    if folder and folder.is_dir():
        found = [p.read_bytes() for p in sorted(folder.glob("seed-*"))]
        if found:
            return found
    corpus = seeds(reader, limit)
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
        for i, data in enumerate(corpus):
            (folder / f"seed-{i:03d}").write_bytes(data)
    return corpus


def _write_stats(folder: Path, stats: Stats) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "stats.json.tmp"
    tmp.write_text(json.dumps(asdict(stats), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, folder / "stats.json")


def supervise(args: argparse.Namespace) -> Stats:
    """Run the fuzzing loop in a worker process and start it again (resuming its figures,
    with a new random seed) when it dies: a hard crash (a signal in native code, the
    kernel's OOM killer) is recorded as a crash with the input that caused it."""
    folder: Path = args.out / args.reader
    folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + args.minutes * 60 if args.minutes is not None else None
    restarts = 0
    while True:
        cmd = [sys.executable, "-m", "fuzz.run", "--worker", "--reader", args.reader]
        cmd += ["--seed", str(args.seed + restarts * 7919), "--out", str(args.out)]
        cmd += ["--per-input-seconds", str(args.per_input_seconds)]
        cmd += ["--per-mb-seconds", str(args.per_mb_seconds), "--memory-mb", str(args.memory_mb)]
        if args.max_inputs is not None:
            cmd += ["--max-inputs", str(args.max_inputs)]
        if deadline is not None:
            cmd += ["--minutes", f"{max(0.0, deadline - time.monotonic()) / 60:.4f}"]
        if args.seed_limit is not None:
            cmd += ["--seed-limit", str(args.seed_limit)]
        if restarts:
            cmd.append("--resume")
        rc = subprocess.run(cmd, cwd=REPO).returncode
        stats_file = folder / "stats.json"
        if rc in (0, 1) or restarts >= MAX_RESTARTS:
            break
        restarts += 1
        stats = Stats(args.reader, args.seed)
        if stats_file.is_file():
            stats = Stats(**json.loads(stats_file.read_text(encoding="utf-8")))
        current = folder / "current.bin"
        data = current.read_bytes() if current.is_file() else b""
        how = f"signal-{signal.Signals(-rc).name}" if rc < 0 else f"exit-{rc}"
        stats.inputs += 1
        stats.restarts += 1
        stats.outcomes["crash"] = stats.outcomes.get("crash", 0) + 1
        _record(folder, stats, "crash", f"{how}@worker", data, args.per_input_seconds, 0)
        _write_stats(folder, stats)
        print(f"{args.reader}: the worker died ({how}); starting it again", flush=True)
    return Stats(**json.loads(stats_file.read_text(encoding="utf-8")))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fuzz.run", description=__doc__.split("\n")[0])
    ap.add_argument("--reader", choices=READERS, required=True)
    ap.add_argument("--minutes", type=float, default=None)
    ap.add_argument("--max-inputs", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--per-input-seconds", type=float, default=2.0, help="CPU seconds")
    ap.add_argument(
        "--per-mb-seconds", type=float, default=PER_MB_SECONDS, help="CPU seconds per MiB"
    )
    ap.add_argument("--memory-mb", type=float, default=2048.0)
    ap.add_argument("--seed-limit", type=int, default=None, help="seeds from this many reports")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--resume", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.minutes is None and args.max_inputs is None:
        args.minutes = 10.0
    if not args.worker:
        args.out = args.out.resolve()
        stats = supervise(args)
    else:
        stats = fuzz(
            args.reader,
            minutes=args.minutes,
            max_inputs=args.max_inputs,
            seed=args.seed,
            out=args.out,
            per_input_seconds=args.per_input_seconds,
            per_mb_seconds=args.per_mb_seconds,
            memory_mb=args.memory_mb,
            progress=True,
            seed_limit=args.seed_limit,
            resume=args.resume,
        )
    print(stats.line())
    for sig, n in sorted(stats.signatures.items(), key=lambda kv: -kv[1]):
        print(f"  crash {sig}: {n}")
    return 1 if stats.crashes or stats.hangs or stats.memory else 0


if __name__ == "__main__":
    sys.exit(main())
