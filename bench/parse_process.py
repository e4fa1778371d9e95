"""``nianbao parse --format jsonl DIR`` as a whole process, against the code as it was when
issue 12 was filed, measured in the same run.

usage: .venv/bin/python bench/parse_process.py [--files N] [--rounds N] [--old COMMIT]
                                              [--corpus rendered|samples]

A folder of ``--files`` text reports is parsed: rendered by the writer (bench/ingest.py's
generator; ``--corpus rendered``, the default), or the real text reports of
``../shared/samples`` (and ``peer/``) copied round-robin into the folder (``--corpus samples``: prose, page
chrome and the shapes of copies from the web, each file a real report). It is parsed by:

- ``old``: the tree of ``--old`` (default 977087e, the commit before issue 12's first one),
  taken with ``git archive`` into a temporary folder and run with this venv's Python
  (``PYTHONPATH=<old>/src python -m nianbao``);
- ``new -j 1``: this tree's code (its ``src``) in one process;
- ``new``: today's code as a user runs it (worker processes on every core this process may use).

The runs alternate (old, new -j 1, new; ``--rounds`` times) and the best of each is kept: the
machine is shared and noisy. Both trees run with their bytecode cached (in a folder of the
run), as an installed package does. Printed: reports/s, the ratio to ``old`` (the issue's target is
10x), the CPU seconds of each process tree per report, and the wall time per report as a
ratio to the anchor (decoding and tokenising the same bytes, in this process). The JSON lines
of every run are compared with the old code's (they must be identical).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OLD_COMMIT = "977087e"  # the commit before 19df28d, issue 12's first
SAMPLES = REPO.parent / "shared" / "samples"


def write_samples(folder: Path, n: int) -> list[str]:
    """``n`` files copied round-robin from the real text reports of the shared samples (those
    with a gold file beside them: the rest are notes, not reports)."""
    texts = sorted(
        p
        for d in (SAMPLES, SAMPLES / "peer")
        if d.is_dir()
        for p in d.iterdir()
        if p.suffix in (".txt", ".md") and p.with_suffix(".gold.json").exists()
    )
    if not texts:
        sys.exit(f"no text reports in {SAMPLES}")
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        src = texts[i % len(texts)]
        p = folder / f"r{i:05d}{src.suffix}"
        p.write_bytes(src.read_bytes())
        files.append(str(p))
    return files


def tokenise_cost(files: list[str]) -> float:
    """Seconds per report to decode and tokenise these files' bytes (best of three): the
    anchor of ``bench/parse_speed.py`` (decoding and a plain tokeniser that knows nothing of
    reports)."""
    from parse_speed import tokenise

    blobs = [Path(f).read_bytes() for f in files]
    best = float("inf")
    for _ in range(4):  # the first pass warms up
        t0 = time.perf_counter()
        for b in blobs:
            tokenise(b)
        best = min(best, (time.perf_counter() - t0) / len(blobs))
    return best


def old_tree(commit: str, where: Path) -> Path:
    """The ``src`` folder of ``commit``, extracted under ``where``."""
    data = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "src"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(where, filter="data")
    return where / "src"


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str, int, int]:
    """(wall seconds, CPU seconds of the process and its children, sha256 of stdout, lines,
    exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, env=env, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    digest = hashlib.sha256(out.stdout).hexdigest()
    return wall, cpu, digest, out.stdout.count(b"\n"), out.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--old", default=OLD_COMMIT, help="the commit to compare with")
    ap.add_argument("--corpus", choices=("rendered", "samples"), default="rendered")
    a = ap.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from ingest import write_rendered  # the generator of bench/ingest.py

    with tempfile.TemporaryDirectory(prefix="parse-process-") as tmp:
        folder = Path(tmp) / "reports"
        if a.corpus == "samples":
            files = write_samples(folder, a.files)
        else:
            files = write_rendered(folder, a.files)
        old_src = old_tree(a.old, Path(tmp) / "old")
        anchor = tokenise_cost(files)

        # as an installed package runs: its modules compiled once (pip compiles them on
        # install), not again in every process; the bytecode goes to a folder of this run
        # (the trees stay clean), and the first of the alternating rounds compiles it
        base = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
        }
        base["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        old_env = {**base, "PYTHONPATH": str(old_src)}
        # this tree's code, not whatever the venv has installed (another worktree's)
        new_env = {**base, "PYTHONPATH": str(REPO / "src")}
        py = sys.executable
        new = [py, "-m", "nianbao", "parse", "--format", "jsonl"]
        variants = {
            f"old ({a.old})": (
                [py, "-m", "nianbao", "parse", "--format", "jsonl", str(folder)],
                old_env,
            ),
            "new -j 1": ([*new, "-j", "1", str(folder)], new_env),
            "new": ([*new, str(folder)], new_env),
        }
        best: dict[str, tuple[float, float, str, int, int]] = {}
        for _ in range(a.rounds):
            for name, (cmd, env) in variants.items():
                got = run(cmd, env)
                if name not in best or got[0] < best[name][0]:
                    best[name] = got
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(
            f"{a.files} {a.corpus} text reports, whole process, best of {a.rounds} alternating "
            f"runs; {cores} cores, load {os.getloadavg()[0]:.1f}; anchor (decode + tokenise, "
            f"in-process) {1000 * anchor:.3f} ms/report"
        )
        old_wall, _, old_digest, _, _ = best[f"old ({a.old})"]
        for name, (wall, cpu, digest, lines, code) in best.items():
            per = wall / a.files
            print(
                f"{name:<18} {a.files / wall:8.1f} reports/s  {old_wall / wall:5.2f}x old  "
                f"{1000 * cpu / a.files:6.2f} ms CPU/report  {per / anchor:6.1f}x anchor  "
                f"({lines} lines, exit {code}, output {'= old' if digest == old_digest else 'DIFFERS'})"
            )


if __name__ == "__main__":
    main()
