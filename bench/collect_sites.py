"""``nianbao collect`` twice against the invented agency sites of ``tests/test_collect.py``,
served on 127.0.0.1 by this script (nothing else is contacted): the first run collects,
the second finds one report page changed.

Usage: .venv/bin/python bench/collect_sites.py [--delay 0.5]
Prints the command's output and the requests each site answered; asserts nothing.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests import test_collect as sites  # noqa: E402

from nianbao.report import Value  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--delay", type=float, default=0.5)
    args = ap.parse_args()
    reports: dict = {}
    a, a_2024 = sites._site_a(reports)
    world = [a, sites._site_b(reports), sites._site_c(reports), sites._site_d()]
    columns = [
        a.url("/zwgk/ndbg/index.html"),
        world[1].url("/xxgk/nb/index.html"),
        world[2].url("/nb/"),
        world[3].url("/ndbg/index.html"),
    ]
    with tempfile.TemporaryDirectory(prefix="nianbao-collect-") as tmp:
        cmd = [
            str(REPO / ".venv" / "bin" / "nianbao"),
            "collect",
            *columns,
            "--out",
            f"{tmp}/collected",
            "--db",
            f"{tmp}/collect.db",
            "--delay",
            str(args.delay),
            "--timeout",
            "0.8",
            "-j",
            "1",
        ]
        for run in (1, 2):
            if run == 2:  # the 2024 report of 青岚县人民政府 is corrected between the runs
                changed = copy.deepcopy(a_2024)
                changed.values["active.licensing"] = Value(2318, "2318")
                a.holder["report"] = changed  # type: ignore[attr-defined]
                a.touch(sites.CHANGED_PATH)
            for s in world:
                s.log.clear()
            start = time.perf_counter()
            out = subprocess.run(
                cmd, capture_output=True, text=True, env={**os.environ, "COLUMNS": "110"}
            )
            took = time.perf_counter() - start
            print(
                f"$ nianbao collect … （第 {run} 次，--delay {args.delay}）  exit {out.returncode}, {took:.1f} s"
            )
            print(out.stdout)
            for s in world:
                print(f"  {s.name} {s.base}: {dict(Counter(st for _, st, _ in s.log))}")
            print()
    for s in world:
        s.close()


if __name__ == "__main__":
    main()
