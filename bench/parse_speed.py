"""Parse throughput on the text samples, one core.

usage: python bench/parse_speed.py [--rounds N] [--check]
Prints reports/s and ms per report for parse (extract) alone and parse + checks.
"""

from __future__ import annotations

import argparse
import glob
import os
import time
from pathlib import Path

import nianbao
from nianbao.api import parse_document
from nianbao.reader import read_bytes

ROOT = Path(__file__).resolve().parents[2] / "shared" / "samples"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=50)
    a = ap.parse_args()
    files = sorted(glob.glob(str(ROOT / "*.txt"))) + sorted(glob.glob(str(ROOT / "peer" / "*.md")))
    files += sorted(glob.glob(str(ROOT / "peer" / "*.txt")))
    files = [f for f in files if os.path.exists(os.path.splitext(f)[0] + ".gold.json")]
    examples = Path(__file__).resolve().parents[1] / "examples"
    files += sorted(str(p) for p in (examples / "reports").glob("*.txt"))
    blobs = [(f, Path(f).read_bytes()) for f in files]
    size = sum(len(b) for _, b in blobs)
    # warm up (imports, OpenCC dictionary, regex compilation)
    for f, b in blobs:
        parse_document(read_bytes(b, f), check=True)
    for label, check in (("parse (read + extract)", False), ("parse + check", True)):
        t0 = time.perf_counter()
        n = 0
        for _ in range(a.rounds):
            for f, b in blobs:
                parse_document(read_bytes(b, f), check=check)
                n += 1
        dt = time.perf_counter() - t0
        print(
            f"{label:<24} {n / dt:8.0f} reports/s  {1000 * dt / n:6.2f} ms/report  "
            f"({len(blobs)} reports, {size / len(blobs) / 1024:.1f} KB average, {a.rounds} rounds)"
        )
    print(f"nianbao {nianbao.__version__}, pid {os.getpid()}, one core")


if __name__ == "__main__":
    main()
