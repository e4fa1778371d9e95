"""Cost of the checks next to the cost of parsing, on the text samples (one core).

usage: .venv/bin/python bench/check_speed.py [--rounds N] [--top K]

Prints: parse (read + extract, no checks) ms/report, run_checks ms/report, parse + check
throughput, the ratio checks / parse (target: < 0.5), and the K slowest rules.
"""

from __future__ import annotations

import argparse
import glob
import os
import time
from pathlib import Path

import nianbao
from nianbao.api import parse_document
from nianbao.checks import ordered_rules, run_checks
from nianbao.readers.dispatch import read_bytes

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def _files() -> list[str]:
    files = sorted(glob.glob(str(SAMPLES / "*.txt")))
    files += sorted(glob.glob(str(SAMPLES / "peer" / "*.md")))
    files += sorted(glob.glob(str(SAMPLES / "peer" / "*.txt")))
    return [f for f in files if os.path.exists(os.path.splitext(f)[0] + ".gold.json")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--top", type=int, default=8)
    a = ap.parse_args()
    blobs = [(f, Path(f).read_bytes()) for f in _files()]
    if not blobs:
        raise SystemExit(f"no samples under {SAMPLES}")
    # warm up: imports, OpenCC dictionary, regex compilation
    reports = [parse_document(read_bytes(b, f), check=True) for f, b in blobs]
    n = a.rounds * len(blobs)

    t0 = time.perf_counter()
    for _ in range(a.rounds):
        for f, b in blobs:
            parse_document(read_bytes(b, f), check=False)
    parse_ms = 1000 * (time.perf_counter() - t0) / n

    t0 = time.perf_counter()
    for _ in range(a.rounds):
        for f, b in blobs:
            parse_document(read_bytes(b, f), check=True)
    both_ms = 1000 * (time.perf_counter() - t0) / n

    t0 = time.perf_counter()
    for _ in range(a.rounds):
        for rep in reports:
            run_checks(rep)
    check_ms = 1000 * (time.perf_counter() - t0) / n

    per_rule: dict[str, float] = {}
    for r in ordered_rules():
        t0 = time.perf_counter()
        for _ in range(a.rounds):
            for rep in reports:
                r.run(rep)
        per_rule[r.id] = 1000 * (time.perf_counter() - t0) / n

    print(f"{len(blobs)} text reports, {a.rounds} rounds, one core, nianbao {nianbao.__version__}")
    print(f"parse (read + extract)   {parse_ms:7.3f} ms/report  {1000 / parse_ms:7.0f} reports/s")
    print(f"run_checks alone         {check_ms:7.3f} ms/report  {1000 / check_ms:7.0f} reports/s")
    print(f"parse + check            {both_ms:7.3f} ms/report  {1000 / both_ms:7.0f} reports/s")
    print(f"checks / parse           {check_ms / parse_ms:7.2f}   (target < 0.5)")
    print(f"slowest {a.top} rules (ms/report):")
    for rid, ms in sorted(per_rule.items(), key=lambda kv: -kv[1])[: a.top]:
        print(f"  {rid:<26} {ms:7.4f}")


if __name__ == "__main__":
    main()
