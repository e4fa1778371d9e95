"""What the form-driven reading (issue 10) costs, as a ratio in the same run.

usage: python bench/form_cost.py [--rounds N]
Parses the text samples and the bundled examples (the files of bench/parse_speed.py) with the
form reading on and off (``extract.fill_from_form`` replaced by a no-op), alternating, and
prints the best time of each and their ratio, for read + extract and for parse + checks.
"""

from __future__ import annotations

import argparse
import glob
import os
import time
from pathlib import Path

import nianbao.extraction.extract as extract
from nianbao.api import parse_document
from nianbao.readers.dispatch import read_bytes

ROOT = Path(__file__).resolve().parents[2] / "shared" / "samples"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=8)
    a = ap.parse_args()
    files = sorted(glob.glob(str(ROOT / "*.txt"))) + sorted(glob.glob(str(ROOT / "peer" / "*.md")))
    files += sorted(glob.glob(str(ROOT / "peer" / "*.txt")))
    files = [f for f in files if os.path.exists(os.path.splitext(f)[0] + ".gold.json")]
    files += sorted(
        str(p) for p in (Path(__file__).resolve().parents[1] / "examples" / "reports").glob("*.txt")
    )
    blobs = [Path(f).read_bytes() for f in files]
    on = extract.fill_from_form

    def off(*_args: object) -> dict[str, str | None]:
        return {"s2": None, "s3": None}

    def run(check: bool) -> float:
        t = time.perf_counter()
        for _ in range(5):
            for b in blobs:
                parse_document(read_bytes(b, "bench"), check=check)
        return (time.perf_counter() - t) / (5 * len(blobs))

    best: dict[tuple[str, bool], float] = {}
    for _ in range(a.rounds):
        for mode, fn in (("on", on), ("off", off)):
            extract.fill_from_form = fn  # type: ignore[assignment]
            for check in (False, True):
                t = run(check)
                best[(mode, check)] = min(best.get((mode, check), t), t)
    extract.fill_from_form = on
    print(f"{len(blobs)} text reports, best of {a.rounds} rounds, one core")
    for check, label in ((False, "read + extract"), (True, "read + extract + checks")):
        w, wo = best[("on", check)], best[("off", check)]
        print(
            f"{label:<26} with the form reading {w * 1000:6.2f} ms  without {wo * 1000:6.2f} ms"
            f"  ratio {w / wo:.2f}"
        )


if __name__ == "__main__":
    main()
