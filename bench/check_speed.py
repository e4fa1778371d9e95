"""Cost of the checks next to the cost of parsing, on the text samples (one core).

usage: .venv/bin/python bench/check_speed.py [--rounds N] [--top K] [--synth N]

Prints: parse (read + extract, no checks) ms/report, run_checks ms/report, parse + check
throughput, the ratio checks / parse (target: < 0.5), and the K slowest rules; then
run_checks on ``--synth`` full Reports made by the synthesiser of ``bench/ingest.py``
(tables only, the 2021/2019/mixed layouts, as the store benchmark ingests them).
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
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
    ap.add_argument("--synth", type=int, default=2000, help="synthetic reports (0: none)")
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
    if a.synth:
        synth_ms = _synth_checks(a.synth)
        print(
            f"run_checks, synthetic    {synth_ms:7.3f} ms/report  {1000 / synth_ms:7.0f} reports/s"
            f"  ({a.synth} reports of bench/ingest.py, tables only)"
        )


def _synth_checks(n: int) -> float:
    """run_checks ms/report over ``n`` reports of bench/ingest.py's synthesiser (best of 3)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from ingest import LAYOUTS, agency_name, synth_report

    n_agencies = max(1, n // 5)
    reports = []
    for i in range(n):
        a, year = i % n_agencies, 2020 + i // n_agencies % 5
        spec = {
            "seed": i,
            "a": a,
            "name": f"r{i:05d}.txt",
            "agency": agency_name(a)[(i // n_agencies) % 2],
            "year": year,
            "layout": LAYOUTS[i % len(LAYOUTS)] if year > 2020 else "2019",
        }
        reports.append(synth_report(spec))
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for rep in reports:
            run_checks(rep)
        best = min(best, time.perf_counter() - t0)
    return 1000 * best / n


if __name__ == "__main__":
    main()
