"""Latency of the web app's pages under concurrent clients (not a test: prints figures).

Serves a store with uvicorn exactly as ``nianbao serve`` does (the CLI in a child
process, on 127.0.0.1), then runs ``--clients`` threads, each with its own httpx client,
that request one page after another; per page it prints p50/p95 in ms and the same as a
ratio to the anchor — a static file (``/static/app.css``) requested under the same load
in the same run, so that figures of runs on a noisy machine can be compared. The
whole-corpus pages (coverage, ranking, exports) are timed the same way, exports to
their first byte (they stream) with two clients (the server runs two exports at once; a
503 while the slot of the previous one is not yet free is retried, not counted).

Build the store first (``bench/web_store.py``; 10⁵ reports take a few minutes):

    .venv/bin/python bench/web_store.py --db /tmp/web/store.db --reports 100000
    .venv/bin/python bench/web_latency.py --db /tmp/web/store.db [--clients 8] [--requests 400]
        [--workers N] [--corpus-requests 0]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, workers: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    exe = Path(sys.executable).with_name("nianbao")
    cmd = [str(exe), "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)]
    if workers:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/static/app.css", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            sys.exit(f"the server did not start:\n{err}")
        time.sleep(0.2)
    proc.kill()
    sys.exit("the server did not answer within 120 s")


Url = str | Callable[[random.Random], str]


def load(base: str, url: Url, clients: int, requests: int, first_byte: bool = False) -> list[float]:
    """``requests`` GETs spread over ``clients`` threads; their latencies in ms."""
    per = max(1, requests // clients)
    out: list[float] = []
    lock = threading.Lock()
    errors: list[str] = []

    def run(k: int) -> None:
        rng = random.Random(k)
        got = []
        with httpx.Client(base_url=base, timeout=120) as c:
            for _ in range(per):
                u = url(rng) if callable(url) else url
                t = time.perf_counter()
                if first_byte:
                    for _ in range(200):  # the export slot of the last one not yet free
                        t = time.perf_counter()
                        with c.stream("GET", u) as r:
                            next(r.iter_raw(), b"")
                            ms = (time.perf_counter() - t) * 1000
                        if r.status_code != 503:
                            break
                        time.sleep(0.1)
                else:
                    r = c.get(u)
                    ms = (time.perf_counter() - t) * 1000
                if r.status_code != 200:
                    errors.append(f"{u}: {r.status_code}")
                got.append(ms)
        with lock:
            out.extend(got)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"  ! {len(errors)} failed requests, e.g. {errors[0]}")
    return sorted(out)


def pct(times: list[float], p: float) -> float:
    return times[min(len(times) - 1, max(0, int(round(p * len(times))) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True, help="the store (bench/web_store.py builds one)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400, help="per page, over all clients")
    ap.add_argument(
        "--corpus-requests", type=int, default=40, help="per whole-corpus page (0: none)"
    )
    ap.add_argument(
        "--workers", type=int, default=None, help="serve --workers (default: serve's, the CPUs)"
    )
    ap.add_argument("--only", default="", help="time only the pages whose name contains this")
    args = ap.parse_args()

    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from nianbao.store.db import open_store
    from nianbao.store.models import Agency, StoredReport

    engine = open_store(args.db)
    with Session(engine) as s:
        n = s.scalar(select(func.count()).select_from(StoredReport)) or 0
        ids = list(s.scalars(select(StoredReport.id)))
        agency_ids = list(s.scalars(select(Agency.id)))
        names = list(s.scalars(select(Agency.name).limit(2000)))
        years = sorted({y for y in s.scalars(select(StoredReport.year).distinct()) if y})
    engine.dispose()
    if not ids:
        sys.exit("the store is empty: build one with bench/web_store.py")
    last = years[-1] if years else 2024

    def rid(r: random.Random) -> str:
        return str(r.choice(ids))

    def aid(r: random.Random) -> str:
        return str(r.choice(agency_ids))

    def county(r: random.Random) -> str:
        return httpx.QueryParams({"agency": r.choice(names)[:-3]}).get("agency") or ""

    pages: dict[str, Url] = {
        "home /": "/",
        "report list /reports (first page)": "/reports",
        "report list, a year and errors only": f"/reports?year={last}&has_errors=true",
        "report list, an agency's name": lambda r: f"/reports?agency={county(r)}",
        "report list, page 400 (rows 39,901-40,000)": "/reports?page=400",
        "report list, sorted by errors": "/reports?sort=errors",
        "report page /reports/{id}": lambda r: f"/reports/{rid(r)}",
        "agency page /agencies/{id}": lambda r: f"/agencies/{aid(r)}",
        "API list /api/v1/reports": "/api/v1/reports",
        "API list, a year, offset 5000": f"/api/v1/reports?year={last}&offset=5000",
        "API report JSON /api/v1/reports/{id}": lambda r: f"/api/v1/reports/{rid(r)}",
        "API agency /api/v1/agencies/{id}": lambda r: f"/api/v1/agencies/{aid(r)}",
        "API health /api/v1/health": "/api/v1/health",
    }
    corpus: dict[str, tuple[Url, bool]] = {
        "coverage (roster, deadlines)": ("/coverage", False),
        "coverage, store-wide grid": ("/coverage?view=all", False),
        "coverage grid, missing only": (
            f"/coverage?view=all&only_missing=true&years=2020-{last}",
            False,
        ),
        "API coverage (500 agencies)": ("/api/v1/coverage", False),
        "ranking /ranking (a year, first 200)": ("/ranking", False),
        "API ranking (a year, all agencies)": ("/api/v1/ranking", False),
        "agencies /agencies (search)": (lambda r: f"/agencies?q={county(r)}", False),
        "export reports.csv, first byte": ("/export/reports.csv", True),
        "export values.csv, first byte": ("/export/values.csv", True),
        "export ranking.csv, first byte": ("/export/ranking.csv", True),
    }
    only = args.only
    proc, base = start_server(args.db, args.workers)
    try:
        load(base, "/static/app.css", args.clients, 2 * args.clients)  # warm-up
        anchor = load(base, "/static/app.css", args.clients, args.requests)
        a50, a95 = pct(anchor, 0.5), pct(anchor, 0.95)
        print(
            f"reports in store: {n}; agencies: {len(agency_ids)}; {args.clients} clients; "
            f"server: nianbao serve --workers {args.workers or 'default'} ({os.cpu_count()} CPUs); "
            f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        print(
            f"anchor: GET /static/app.css under the same load: p50 {a50:.1f} ms, p95 {a95:.1f} ms"
        )
        head = f"{'page':46s} {'p50 ms':>8s} {'p95 ms':>8s} {'p50/anc':>8s} {'p95/anc':>8s}"
        print(head)
        for name, url in pages.items():
            if only and only not in name:
                continue
            load(base, url, args.clients, args.clients)  # warm-up
            t = load(base, url, args.clients, args.requests)
            p50, p95 = pct(t, 0.5), pct(t, 0.95)
            print(f"{name:46s} {p50:8.1f} {p95:8.1f} {p50 / a50:8.1f} {p95 / a95:8.1f}")
        if args.corpus_requests:
            print(f"whole corpus ({args.corpus_requests} requests each, {args.clients} clients):")
        for name, (url, fb) in corpus.items():
            if (only and only not in name) or not args.corpus_requests:
                continue
            # an export holds one of the server's two export slots while it streams
            clients = min(2, args.clients) if fb else args.clients
            t = load(base, url, clients, args.corpus_requests, first_byte=fb)
            p50, p95 = pct(t, 0.5), pct(t, 0.95)
            print(f"{name:46s} {p50:8.1f} {p95:8.1f} {p50 / a50:8.1f} {p95 / a95:8.1f}")
        anchor = load(base, "/static/app.css", args.clients, args.requests)
        print(
            f"anchor again at the end: p50 {pct(anchor, 0.5):.1f} ms, p95 {pct(anchor, 0.95):.1f} ms"
            f"; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
