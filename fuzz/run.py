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
import hashlib
import json
import os
import random
import sys
import time
import traceback
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .mutate import inflate_streams, mutate
from .seeds import READERS, seeds

DEFAULT_OUT = Path(__file__).resolve().parent / "findings"
POOL_SIZE = 300
WALL_FACTOR = 4  # wall-clock budget per input: this many times the CPU budget


@dataclass
class Stats:
    reader: str
    seed: int
    inputs: int = 0
    seconds: float = 0.0
    crashes: int = 0  # inputs that crashed
    hangs: int = 0  # inputs over the time budget
    memory: int = 0  # inputs over the memory budget
    signatures: dict[str, int] = field(default_factory=dict)  # crash signature -> count
    outcomes: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"{self.reader}: {self.inputs} inputs in {self.seconds:.0f} s, "
            f"{self.crashes} crashes ({len(self.signatures)} distinct), {self.hangs} hangs, "
            f"{self.memory} over memory"
        )


def _signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "nianbao" in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{type(exc).__name__}@{where}"


def run_one(data: bytes, reader: str, seconds: float, memory_mb: float) -> tuple[str, Any]:
    """Parse one input. Returns (kind, detail): kind is "report", "named", "hang", "memory"
    or "crash" (detail: the exception)."""
    import nianbao
    from nianbao.budget import Budget, file_budget
    from nianbao.errors import FileBudgetExceeded, NianbaoError

    ext = {"text": "txt"}.get(reader, reader)
    cpu = time.process_time()
    try:
        # the wall-clock budget is generous (a loaded machine); a hang is judged on CPU time
        with file_budget(Budget(seconds * WALL_FACTOR, memory_mb)):
            rep = nianbao.parse(data, name=f"fuzz.{ext}", ocr=False)
            json.loads(rep.to_json(), parse_constant=_no_constant)  # valid JSON: no NaN/Infinity
    except FileBudgetExceeded as exc:
        return ("memory" if "内存" in str(exc) else "hang"), type(exc).__name__
    except NianbaoError as exc:
        kind: tuple[str, Any] = ("named", type(exc).__name__)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - the point of fuzzing
        return "crash", exc
    else:
        kind = ("report", len(rep.values))
    if time.process_time() - cpu > seconds:
        return "hang", f"{time.process_time() - cpu:.1f} s CPU"
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
    memory_mb: float = 2048.0,
    progress: bool = False,
    seed_limit: int | None = None,
) -> Stats:
    """Fuzz one reader until ``minutes`` or ``max_inputs`` run out (at least one is needed)."""
    if minutes is None and max_inputs is None:
        raise ValueError("give minutes or max_inputs")
    rng = random.Random(seed)
    corpus = _cached_seeds(reader, out / reader / "seeds" if out else None, seed_limit)
    if reader == "pdf":
        corpus += [inflate_streams(s) for s in corpus]
    if not corpus:
        raise RuntimeError(f"no seeds for {reader}")
    pool: list[bytes] = []
    stats = Stats(reader, seed)
    outcomes: Counter[str] = Counter()
    folder = out / reader if out else None
    start = time.monotonic()
    deadline = start + minutes * 60 if minutes is not None else None
    last_report = start
    while True:
        if max_inputs is not None and stats.inputs >= max_inputs:
            break
        if deadline is not None and time.monotonic() >= deadline:
            break
        parent = rng.choice(pool) if pool and rng.random() < 0.3 else rng.choice(corpus)
        data = mutate(parent, rng, reader, corpus)
        kind, detail = run_one(data, reader, per_input_seconds, memory_mb)
        stats.inputs += 1
        outcomes[kind if kind != "named" else f"named:{detail}"] += 1
        digest = hashlib.sha1(data).hexdigest()[:16]
        if kind == "crash":
            stats.crashes += 1
            sig = _signature(detail)
            first = sig not in stats.signatures
            stats.signatures[sig] = stats.signatures.get(sig, 0) + 1
            if first and folder:
                tb = "".join(traceback.format_exception(detail))
                safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in sig)
                _save(folder, f"crash-{safe}", data, f"{sig}\n\n{tb}")
        elif kind == "hang":
            stats.hangs += 1
            if folder:
                _save(folder, f"hang-{digest}", data, f"over {per_input_seconds} s CPU: {detail}")
        elif kind == "memory":
            stats.memory += 1
            if folder:
                _save(folder, f"memory-{digest}", data, f"over {memory_mb} MB")
        elif kind == "report" and detail:
            if len(pool) < POOL_SIZE:
                pool.append(data)
            else:
                pool[rng.randrange(POOL_SIZE)] = data
        now = time.monotonic()
        if folder and now - last_report > 30:
            last_report = now
            stats.seconds, stats.outcomes = now - start, dict(outcomes)
            _write_stats(folder, stats)
            if progress:
                print(stats.line(), flush=True)
    stats.seconds = time.monotonic() - start
    stats.outcomes = dict(outcomes)
    if folder:
        _write_stats(folder, stats)
    return stats


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fuzz.run", description=__doc__.split("\n")[0])
    ap.add_argument("--reader", choices=READERS, required=True)
    ap.add_argument("--minutes", type=float, default=None)
    ap.add_argument("--max-inputs", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--per-input-seconds", type=float, default=2.0, help="CPU seconds")
    ap.add_argument("--memory-mb", type=float, default=2048.0)
    ap.add_argument("--seed-limit", type=int, default=None, help="seeds from this many reports")
    args = ap.parse_args(argv)
    if args.minutes is None and args.max_inputs is None:
        args.minutes = 10.0
    stats = fuzz(
        args.reader,
        minutes=args.minutes,
        max_inputs=args.max_inputs,
        seed=args.seed,
        out=args.out,
        per_input_seconds=args.per_input_seconds,
        memory_mb=args.memory_mb,
        progress=True,
        seed_limit=args.seed_limit,
    )
    print(stats.line())
    for sig, n in sorted(stats.signatures.items(), key=lambda kv: -kv[1]):
        print(f"  crash {sig}: {n}")
    return 1 if stats.crashes or stats.hangs or stats.memory else 0


if __name__ == "__main__":
    sys.exit(main())
