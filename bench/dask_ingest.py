"""Benchmark of ``nianbao ingest --dask`` on a LocalCluster into PostgreSQL: reports/s
with 1, 2 and 4 worker processes (generated reports, as ``bench/ingest.py``'s synth mode),
the per-report CPU cost (workers' CPU, PostgreSQL's CPU, time holding the store's write
locks), the CPU cost of reading real text reports (rendered by ``nianbao.writing.writer``), and from
these the cost model of 10^6 reports on a 32-core cluster.

Usage: .venv/bin/python bench/dask_ingest.py --pg postgresql://postgres@127.0.0.1:5432/test
       [--n 2000] [--workers 1,2,4] [--render 100]
Prints figures; asserts nothing. On this 2-core machine 4 worker processes oversubscribe
the cores (and PostgreSQL shares them): the figures show the cost, not a speed-up.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import synth_parse, write_rendered, write_specs  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from nianbao.store.db import resolve_url  # noqa: E402


def postgres_cpu() -> float:
    """CPU seconds of every postgres process on this machine (the server of the store)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name.startswith("postgres"):
            fields = stat[stat.rindex(")") + 2 :].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def worker_stats() -> dict[str, float]:
    from nianbao.store import distributed

    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {**distributed.STATS, "cpu": ru.ru_utime + ru.ru_stime}


def run(files: list[str], base: str, n_workers: int) -> dict[str, float]:
    import dask
    from dask.distributed import Client, LocalCluster

    from nianbao.store.distributed import CLUSTER_CONFIG, ingest_dask

    schema = "nianbao_bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    try:
        with dask.config.set(CLUSTER_CONFIG):
            cluster = LocalCluster(
                n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
            try:
                client.run(lambda: __import__("nianbao.store.distributed"))
                before = client.run(worker_stats)
                pg0 = postgres_cpu()
                start = time.perf_counter()
                summary = ingest_dask(files, url, "local", parse=synth_parse, client=client)
                seconds = time.perf_counter() - start
                pg = postgres_cpu() - pg0
                after = client.run(worker_stats)
            finally:
                client.close()
                cluster.close()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    def total(key: str) -> float:
        return sum(after[w][key] - before[w].get(key, 0.0) for w in after if w in before)

    n = summary.stored
    out = {
        "rate": len(files) / seconds,
        "cpu": total("cpu") / max(1, n),
        "pg": pg / max(1, n),
        "locked": total("locked_seconds") / max(1, total("written")),
    }
    print(
        f"LocalCluster, {n_workers} worker process(es): {len(files)} reports in {seconds:.1f} s, "
        f"{out['rate']:.0f} reports/s (stored {n}, failed {len(summary.failed)}); per report: "
        f"workers {out['cpu'] * 1e3:.1f} ms CPU, PostgreSQL {out['pg'] * 1e3:.1f} ms CPU, "
        f"batches holding their agencies' locks {out['locked'] * 1e3:.1f} ms",
        flush=True,
    )
    return out


def parse_cost(n: int, tmp: Path) -> float:
    """CPU seconds per real text report: read + extract + checks, in this process."""
    from nianbao.store.ingest import parse_file

    files = write_rendered(tmp / "text", n)
    start = time.process_time()
    for f in files:
        parse_file(f, None, None, None, True)
    per = (time.process_time() - start) / n
    print(f"real text reports: read + extract + checks {per * 1e3:.1f} ms CPU per report")
    return per


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", required=True, help="PostgreSQL URL (scratch schemas are made)")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--render", type=int, default=100)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-dask-bench-"))
    try:
        files = write_specs(tmp / "synth", args.n)
        runs = {w: run(files, resolve_url(args.pg), w) for w in map(int, args.workers.split(","))}
        base = runs[min(runs)]
        for w, r in runs.items():
            print(f"  {w} worker(s): {r['rate'] / base['rate']:.2f}x the rate of {min(runs)}")
        real = parse_cost(args.render, tmp) if args.render else 0.0
        # the cost model: the workers' CPU (parse, checks, preparing and sending the
        # writes) spreads over the cluster's cores; the writes of different agencies do not
        # wait for each other (one advisory lock per agency), so the store's side is
        # PostgreSQL's CPU on its own host
        last = runs[max(runs)]
        worker_cpu = real + last["cpu"]  # real parsing + the store's part measured here
        cores, pg_cores, n = 32, 8, 1_000_000
        t_workers = n * worker_cpu / cores
        t_pg = n * last["pg"] / pg_cores
        print(
            f"cost model, 10^6 text reports on {cores} worker cores: workers "
            f"{worker_cpu * 1e3:.1f} ms CPU each (parse {real * 1e3:.1f} + store "
            f"{last['cpu'] * 1e3:.1f}) -> {t_workers / 3600:.2f} h; PostgreSQL "
            f"{last['pg'] * 1e3:.1f} ms CPU each -> {n * last['pg'] / 3600:.2f} CPU-h, "
            f"{t_pg / 3600:.2f} h on a {pg_cores}-core host; wall time ≈ "
            f"{max(t_workers, t_pg) / 3600:.2f} h "
            f"(bound by {'the workers' if t_workers >= t_pg else 'PostgreSQL'})"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
