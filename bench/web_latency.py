"""Latency of the web app's pages with a large store (not a test: prints figures).

Builds a SQLite store of N synthetic reports (default 5,000: 1,000 agencies x 5 years)
through the store's own writer (``store_outcome``), from the real samples parsed once and
renamed/perturbed, then times pages in-process with FastAPI's TestClient (templating
included, no network) and prints p50/p95/max per page. Target: p95 < 150 ms.

    .venv/bin/python bench/web_latency.py [--reports 5000] [--requests 200] [--db PATH]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def _base_reports() -> list:  # type: ignore[type-arg]
    import nianbao

    out = []
    for p in sorted(SAMPLES.glob("*.txt")):
        try:
            rep = nianbao.parse(p.read_bytes(), name=p.name)
        except Exception:  # noqa: BLE001
            continue
        if rep.meta.get("format") in ("2021", "2019", "mixed"):
            out.append(rep)
    if not out:
        sys.exit(f"no usable samples under {SAMPLES}")
    return out


def build_store(db: str, n_reports: int, years: int = 5) -> float:
    from nianbao.store.db import open_store
    from nianbao.store.ingest import ParseOutcome, store_outcome

    engine = open_store(db)
    bases = _base_reports()
    rng = random.Random(7)
    n_agencies = max(1, n_reports // years)
    start = time.perf_counter()
    done = 0
    for a in range(n_agencies):
        name = f"第{a + 1}号测试县人民政府办公室"
        for y in range(years):
            if done >= n_reports:
                break
            rep = copy.deepcopy(bases[(a + y) % len(bases)])
            rep.meta["agency"] = name
            rep.meta["year"] = 2020 + y
            rep.meta["title"] = f"{name}{2020 + y}年政府信息公开工作年度报告"
            for v in rep.values.values():
                if isinstance(v.value, int) and v.value and rng.random() < 0.3:
                    v.value = max(0, v.value + rng.randint(-3, 3))
                    v.raw = str(v.value)
            key = f"{name}|{2020 + y}|{done}".encode()
            outcome = ParseOutcome(
                path=f"bench/{done}.txt",
                name=f"{done}.txt",
                sha256=hashlib.sha256(key).hexdigest(),
                size=len(key),
                media_type="text/plain",
                status="parsed",
                report=rep,
            )
            store_outcome(engine, outcome, "bench")
            done += 1
    engine.dispose()
    return time.perf_counter() - start


def _time(client, url: str, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(url() if callable(url) else url)
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reports", type=int, default=5000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--db", default=None, help="reuse/keep this SQLite file")
    args = ap.parse_args()

    tmp = None
    db = args.db
    if db is None:
        tmp = tempfile.TemporaryDirectory(prefix="nianbao-bench-")
        db = str(Path(tmp.name) / "bench.db")
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from nianbao.store.db import open_store
    from nianbao.store.models import Agency, StoredReport

    engine = open_store(db)
    with Session(engine) as s:
        have = s.scalar(select(func.count()).select_from(StoredReport)) or 0
    engine.dispose()
    if have < args.reports:
        secs = build_store(db, args.reports - have)
        print(
            f"store: {args.reports - have} reports written in {secs:.1f} s ({(args.reports - have) / secs:.0f}/s)"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from nianbao.web.app import create_app

    app = create_app(db)
    with Session(app.state.web.engine) as s:
        ids = list(s.scalars(select(StoredReport.id)))
        agency_ids = list(s.scalars(select(Agency.id)))
        n = len(ids)
    rng = random.Random(1)
    pages = {
        "report page /reports/{id}": lambda: f"/reports/{rng.choice(ids)}",
        "report JSON /api/v1/reports/{id}": lambda: f"/api/v1/reports/{rng.choice(ids)}",
        "coverage grid /coverage (200 agencies x all years)": "/coverage",
        "coverage grid, missing only": "/coverage?only_missing=true&years=2020-2024",
        "agency page with charts /agencies/{id}": lambda: f"/agencies/{rng.choice(agency_ids)}",
        "ranking /ranking (1 year, all agencies)": "/ranking",
        "report list /reports": "/reports",
    }
    print(f"reports in store: {n}; agencies: {len(agency_ids)}; {args.requests} requests per page")
    print(f"{'page':55s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    with TestClient(app) as client:
        for name, url in pages.items():
            _time(client, url, 5)  # warm-up
            times = sorted(_time(client, url, args.requests))
            p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
            print(f"{name:55s} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
