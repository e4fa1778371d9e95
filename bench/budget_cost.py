"""The per-file budget's own cost (``file_budget`` entered and left around nothing), as a ratio
to decoding and tokenising a text report and as a share of parsing one, in the same run.

usage: .venv/bin/python bench/budget_cost.py [--rounds N]

The budget is entered once per file by ``nianbao parse``/``check`` and the ingest workers:
a timer, an address-space backstop and one memory-watch thread per process armed per file.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from nianbao.api import parse
from nianbao.budget import file_budget
from nianbao.readers.normalize import normalize_text
from nianbao.readers.sniff import decode_bytes
from nianbao.readers.text import text_to_blocks

REPO = Path(__file__).resolve().parents[1]


def best(fn, rounds: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(wall, CPU) seconds per call, best of five passes."""
    fn()
    wall = cpu = float("inf")
    for _ in range(5):
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(rounds):
            fn()
        wall = min(wall, (time.perf_counter() - w0) / rounds)
        cpu = min(cpu, (time.process_time() - c0) / rounds)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=2000)
    a = ap.parse_args()
    files = sorted((REPO / "examples" / "reports").glob("*.txt"))
    blobs = [f.read_bytes() for f in files]

    def tokenise() -> None:
        for b in blobs:
            text, _ = decode_bytes(b)
            text_to_blocks(normalize_text(text).text)

    def parse_all() -> None:
        for b in blobs:
            parse(b, name="x.txt").to_json()

    def budget() -> None:
        with file_budget():
            pass

    n = len(blobs)
    tw, tc = best(tokenise, max(1, a.rounds // 50))
    pw, pc = best(parse_all, max(1, a.rounds // 200))
    bw, bc = best(budget, a.rounds)
    tw, tc, pw, pc = tw / n, tc / n, pw / n, pc / n
    print(f"anchor: decode + tokenise   {1e6 * tw:8.1f} us wall {1e6 * tc:8.1f} us CPU per report")
    print(f"parse + checks + JSON       {1e6 * pw:8.1f} us wall {1e6 * pc:8.1f} us CPU per report")
    print(
        f"file_budget enter + exit    {1e6 * bw:8.1f} us wall {1e6 * bc:8.1f} us CPU per file  "
        f"{bc / tc:5.3f}x anchor (CPU), {100 * bc / pc:4.1f} % of a parse"
    )


if __name__ == "__main__":
    main()
