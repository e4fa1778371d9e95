"""Parse throughput of text reports, each figure as a ratio to an anchor measured in the
same run, one core.

usage: .venv/bin/python bench/parse_speed.py [--rounds N] [--files N] [--no-process]

Anchor: decoding and tokenising the same bytes, as the issue measured it: ``sniff.decode_bytes``
(the encoding found and the bytes decoded) and a plain tokeniser of our own making that knows
nothing of reports (numbers, runs of CJK characters, Latin words, other characters). It
does not depend on the reader, so a faster reader shows as a better ratio. (Until
2026-12-04 the anchor was the reader's own first stage, ``normalize_text`` +
``text_to_blocks``: a ratio to it said nothing of the reader's cost, and read as the issue's
target met. That stage is printed below as a stage of its own.) Then, on the same bytes:
the reader's blocks, read + extract, + checks, + JSON (``Report.to_json`` with provenance,
as ``nianbao parse --format jsonl`` prints it). Last, the whole process: ``nianbao parse --format jsonl DIR``
on a folder of ``--files`` text reports rendered by the writer into a temporary folder
(the anchor measured again on that folder's bytes; worker processes on every core, as a user
runs it). ``bench/parse_process.py`` compares that run with the code as it was when issue 12
was filed, in the same run.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nianbao
from nianbao.api import parse_document
from nianbao.readers.dispatch import read_bytes
from nianbao.readers.normalize import normalize_text
from nianbao.readers.sniff import decode_bytes
from nianbao.readers.text import text_to_blocks

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO.parent / "shared" / "samples"


_TOKEN = re.compile(r"\d+(?:\.\d+)?|[\u3400-\u9fff]+|[A-Za-z]+|\S")


def tokenise(data: bytes) -> object:
    """The anchor: decode, then split into tokens (no knowledge of reports)."""
    text, _ = decode_bytes(data)
    return _TOKEN.findall(text)


def blocks(data: bytes) -> object:
    """The reader's first stage: the text normalised and cut into paragraphs and tables."""
    text, _ = decode_bytes(data)
    return text_to_blocks(normalize_text(text).text)


def extract(data: bytes) -> object:
    return parse_document(read_bytes(data, "x.txt"), check=False)


def checked(data: bytes) -> object:
    return parse_document(read_bytes(data, "x.txt"), check=True)


def as_json(data: bytes) -> object:
    return parse_document(read_bytes(data, "x.txt"), check=True).to_json()


def per_report(fn: Callable[[bytes], object], blobs: list[bytes], rounds: int) -> float:
    """Seconds per report, best of three passes of ``rounds`` rounds each."""
    for b in blobs:  # warm up (imports, OpenCC dictionary, regex compilation)
        fn(b)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(rounds):
            for b in blobs:
                fn(b)
        best = min(best, (time.perf_counter() - t0) / (rounds * len(blobs)))
    return best


def sample_blobs() -> list[bytes]:
    files = sorted(glob.glob(str(ROOT / "*.txt"))) + sorted(glob.glob(str(ROOT / "peer" / "*.md")))
    files += sorted(glob.glob(str(ROOT / "peer" / "*.txt")))
    files = [f for f in files if os.path.exists(os.path.splitext(f)[0] + ".gold.json")]
    files += sorted(str(p) for p in (REPO / "examples" / "reports").glob("*.txt"))
    return [Path(f).read_bytes() for f in files]


def whole_process(n: int, rounds: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from ingest import write_rendered  # the generator of bench/ingest.py

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        files = write_rendered(folder, n)
        blobs = [Path(f).read_bytes() for f in files]
        anchor = per_report(tokenise, blobs, max(1, rounds // 10))
        exe = REPO / ".venv" / "bin" / "nianbao"
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "nianbao"]
        t0 = time.perf_counter()
        out = subprocess.run(
            [*cmd, "parse", "--format", "jsonl", str(folder)],
            capture_output=True,
            check=False,
        )
        dt = time.perf_counter() - t0
        lines = out.stdout.count(b"\n")
        per = dt / n
        print(
            f"{'nianbao parse --format jsonl DIR':<34} {n / dt:8.1f} reports/s  "
            f"{1000 * per:7.2f} ms/report  {per / anchor:6.1f}x anchor  "
            f"(whole process, {n} rendered text reports, {lines} JSON lines, exit {out.returncode}; "
            f"anchor on these files {1000 * anchor:.3f} ms/report)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--files", type=int, default=1000, help="reports for the whole-process run")
    ap.add_argument("--no-process", action="store_true", help="skip the whole-process run")
    a = ap.parse_args()
    blobs = sample_blobs()
    size = sum(len(b) for b in blobs)
    print(
        f"{len(blobs)} text reports ({size / len(blobs) / 1024:.1f} KB average), "
        f"best of 3 x {a.rounds} rounds, one core"
    )
    anchor = per_report(tokenise, blobs, a.rounds * 10)
    print(f"{'anchor: decode + tokenise':<34} {1000 * anchor:7.3f} ms/report     1.0x")
    prev = anchor
    for label, fn in (
        ("decode + normalise + blocks", blocks),
        ("read + extract", extract),
        ("read + extract + checks", checked),
        ("read + extract + checks + JSON", as_json),
    ):
        t = per_report(fn, blobs, a.rounds)
        print(
            f"{label:<34} {1000 * t:7.3f} ms/report  {t / anchor:6.1f}x anchor  "
            f"({t / prev:.2f}x the line above)"
        )
        prev = t
    if not a.no_process:
        whole_process(a.files, a.rounds)
    print(f"nianbao {nianbao.__version__}, pid {os.getpid()}")


if __name__ == "__main__":
    main()
