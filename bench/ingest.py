"""Benchmark of the corpus store: ingest generated reports into SQLite with 1 and 2
worker processes, then time ``export --format parquet --wide``.

Two modes:

* ``synth`` (default, 10,000 reports): each input file holds a seed; the parse function
  (run in the workers) synthesises a full Report from it — varied values, blanks, decimal
  fees, the 2021/2019/mixed layouts, 2,000 agencies written with and without their city
  over 5 years — and runs the rule engine. This measures the store: hashing, the
  parent's writes (one transaction per report), agency resolution, cross-year checks.
* ``render`` (``--render N``, default 200): real text reports rendered by
  ``nianbao.writing.writer.render`` in its text styles and read by the real ``nianbao.parse``;
  this measures the whole pipeline, bound by the parser.

With ``--pg URL`` the same files go into PostgreSQL too (today's path and now's, scratch
schemas); besides the ingest's own CPU per report it prints the CPU the machine's
PostgreSQL processes spent meanwhile (``ServerCpu``): on a machine whose cores the server
shares, the two add up.

Usage: .venv/bin/python bench/ingest.py [--n 10000] [--workers 1,2] [--render 200]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from nianbao.report import Report, Value
from nianbao.schema import (
    ACTIVE2019_IDS,
    APPLICANT_COLUMNS,
    DECIMAL_IDS,
    RESULT_ROWS_2019,
    RESULT_ROWS_2021,
    REVIEW_FIELDS,
    REVIEW_GROUPS,
    table_ids,
)
from nianbao.store import open_store
from nianbao.store.ingest import ingest_files

# the last commit before issue 12's ingest work (batched writes, compact cells)
OLD_COMMIT = "7c857ea"
LAYOUTS = ("2021", "2021", "2021", "mixed", "2019")
PLACE_CHARS = "东西南北安宁平和清河山江湖海阳春秋华兴长泰丰永新城乐德明"
BODIES = ("人民政府", "人民政府办公室", "发展和改革局", "教育局", "公安局", "自然资源局")


def agency_name(i: int) -> tuple[str, str]:
    """(full name, name without the city) of the i-th generated agency."""
    r = random.Random(i)
    city = "".join(r.choice(PLACE_CHARS) for _ in range(2)) + "市"
    k = len(PLACE_CHARS)  # a distinct three-character place name per agency
    county = PLACE_CHARS[i % k] + PLACE_CHARS[i // k % k] + PLACE_CHARS[i // k // k % k]
    county += r.choice("区县")
    body = BODIES[i % len(BODIES)]
    return city + county + body, county + body


def _carry(agency: int, year: int, col: str) -> int:
    """Applications of one agency left open at the end of a year (the same number the
    next year's report carries over)."""
    return random.Random(f"{agency}-{year}-{col}").choice((0, 0, 0, 0, 1, 2))


def _stock(agency: int, year: int, kind: str) -> tuple[int, int, int]:
    """(issued, repealed, in force) of one agency's documents, consistent across years."""
    in_force = random.Random(f"{agency}-{kind}").randint(0, 80)
    issued = repealed = 0
    for y in range(2019, year + 1):
        r = random.Random(f"{agency}-{y}-{kind}")
        issued, repealed = r.randint(0, 5), r.randint(0, 3)
        repealed = min(repealed, in_force)
        in_force += issued - repealed
    return issued, repealed, in_force


def synth_report(spec: dict) -> Report:
    """A report whose tables add up (as most real ones do); one in twenty has a broken
    total and one in thirty a blank row, so the rules find something."""
    r = random.Random(spec["seed"])
    rep = Report(source=spec["name"])
    layout = spec["layout"]
    rep.meta.update(
        title=f"{spec['agency']}{spec['year']}年政府信息公开工作年度报告",
        agency=spec["agency"],
        year=spec["year"],
        format=layout,
        published=f"{spec['year'] + 1}-01-{r.randint(10, 28)}",
    )
    vals: dict[str, int | float | None] = {}
    small = lambda: r.choice((0, 0, 0, 0, 1, 2, 3, r.randint(0, 60)))  # noqa: E731
    results = RESULT_ROWS_2021 if layout == "2021" else RESULT_ROWS_2019
    for row in results:
        for c in APPLICANT_COLUMNS:
            vals[f"requests.{row}.{c}"] = small()
    a, year = spec.get("a", spec["seed"]), spec["year"]
    for c in APPLICANT_COLUMNS:
        processed = sum(vals[f"requests.{row}.{c}"] or 0 for row in results)
        forward = _carry(a, year, c)
        over = min(_carry(a, year - 1, c), processed + forward)  # what last year left open
        vals[f"requests.processed_total.{c}"] = processed
        vals[f"requests.carried_forward.{c}"] = forward
        vals[f"requests.carried_over.{c}"] = over
        vals[f"requests.new.{c}"] = processed + forward - over
    for row in ("new", "carried_over", *results, "processed_total", "carried_forward"):
        vals[f"requests.{row}.total"] = sum(
            vals[f"requests.{row}.{c}"] or 0 for c in APPLICANT_COLUMNS
        )
    for g in REVIEW_GROUPS:
        parts = [small() for _ in REVIEW_FIELDS[:-1]]
        for f, v in zip(REVIEW_FIELDS[:-1], parts):
            vals[f"reviews.{g}.{f}"] = v
        vals[f"reviews.{g}.total"] = sum(parts)
    if layout == "2019":
        for fid in ACTIVE2019_IDS:
            vals[fid] = round(r.uniform(0, 999), 2) if fid in DECIMAL_IDS else r.randint(0, 300)
    else:
        for kind in ("regulations", "normative"):
            issued, repealed, in_force = _stock(a, year, kind)
            vals[f"active.{kind}.issued"] = issued
            vals[f"active.{kind}.repealed"] = repealed
            vals[f"active.{kind}.in_force"] = in_force
        for fid in ("active.licensing", "active.penalty", "active.coercion"):
            vals[fid] = r.randint(0, 9000)
        vals["active.fees"] = round(r.uniform(0, 9999), 2)
    if spec["seed"] % 20 == 7:
        vals["requests.new.total"] = (vals["requests.new.total"] or 0) + 1
    blank_row = spec["seed"] % 30 == 11
    for fid in table_ids(layout):
        v = vals.get(fid, 0)
        if blank_row and fid.startswith("requests.carried_over."):
            rep.values[fid] = Value(None, "")
        else:
            rep.values[fid] = Value(v, str(v))
    return rep


def synth_parse(data: bytes, source: str = "") -> Report:
    """The parse fake of ``synth`` mode: the file's flat report (generated beforehand by
    ``synth_report``) -> a Report, then the rules; a file holding a spec is generated here."""
    from nianbao import checks

    flat = json.loads(data)
    if "seed" in flat:
        return checks.check(synth_report(flat))
    return checks.check(Report.from_flat(flat, source=source))


def write_specs(folder: Path, n: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    n_agencies = max(1, n // 5)
    for i in range(n):
        a, year = i % n_agencies, 2020 + i // n_agencies % 5
        full, short = agency_name(a)
        spec = {
            "seed": i,
            "a": a,
            "name": f"r{i:05d}.txt",
            "agency": full if (i // n_agencies) % 2 == 0 else short,
            "year": year,
            "layout": LAYOUTS[i % len(LAYOUTS)] if year > 2020 else "2019",
        }
        p = folder / spec["name"]
        rep = synth_report(spec)
        flat = {k: v for k, v in rep.flat().items() if v is not None}
        flat["blank"] = [fid for fid, v in rep.values.items() if v.value is None]
        p.write_text(json.dumps(flat, ensure_ascii=False), encoding="utf-8")
        files.append(str(p))
    return files


def write_rendered(folder: Path, n: int) -> list[str]:
    from nianbao.writing.writer import TEXT_STYLES, render

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        a, year = i % max(1, n // 5), 2021 + i // max(1, n // 5) % 4
        full, short = agency_name(a)
        spec = {
            "seed": i,
            "a": a,
            "name": f"t{i:05d}.txt",
            "agency": full if i % 2 else short,
            "year": year,
            "layout": "2021",
        }
        data = render(synth_report(spec), TEXT_STYLES[i % len(TEXT_STYLES)])
        p = folder / spec["name"]
        p.write_bytes(data)
        files.append(str(p))
    return files


def db_bytes(db: Path) -> int:
    """The database's size after a checkpoint (WAL folded in)."""
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return db.stat().st_size


def cpu_seconds() -> float:
    """CPU time of this process and its ended children (the worker processes): the cost
    of an ingest whatever else runs on the machine."""
    import resource

    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run(files: list[str], workers: int, tmp: Path, parse, label: str):  # type: ignore[no-untyped-def]
    """One ingest into a fresh SQLite file; returns (database, reports/s, bytes per report,
    CPU ms per report)."""
    db = tmp / f"bench-{label}-{workers}.db"
    engine = open_store(str(db))
    cpu = cpu_seconds()
    start = time.perf_counter()
    summary = ingest_files(files, engine, workers=workers, parse=parse)
    seconds = time.perf_counter() - start
    cpu = (cpu_seconds() - cpu) * 1e3 / len(files)
    engine.dispose()
    rate = len(files) / seconds
    per = db_bytes(db) / max(1, summary.stored)
    print(
        f"{label} now: {len(files)} reports, {workers} worker(s): "
        f"{seconds:.1f} s, {rate:.0f} reports/s, {cpu:.1f} ms CPU/report, "
        f"{cpu * rate / 1e3:.2f} cores busy (stored "
        f"{summary.stored}, failed {len(summary.failed)}, unusable {len(summary.unusable)}; "
        f"{per / 1e3:.1f} KB/report)",
        flush=True,
    )
    return db, rate, per, cpu


def old_tree(tmp: Path, commit: str) -> Path:
    """The sources of today's path (``commit``, the last commit before issue 12's ingest
    work) unpacked from git into ``tmp`` (the repository is not touched)."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    dest = tmp / f"old-{commit}"
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", commit, "src"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "src"


def anchor_store(  # type: ignore[no-untyped-def]
    files: list[str], tmp: Path, workers: int, old_src: Path, label: str = "synth"
) -> tuple[float, float]:
    """Today's ingest path, measured in this run: this script run by the same Python on
    the sources of the commit before issue 12's ingest work (``--old``), into a fresh
    SQLite file of that commit's schema."""
    import os
    import subprocess

    db = tmp / f"anchor-{label}-{workers}.db"
    listing = tmp / f"anchor-{label}.txt"
    listing.write_text("\n".join(files), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(old_src)}
    out = subprocess.run(
        [sys.executable, __file__, "--anchor-run", str(db), str(listing), str(workers), label],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    seconds, stored, cpu = (float(x) for x in out.split()[-3:])
    rate, per, cpu = len(files) / seconds, db_bytes(db) / max(1, stored), cpu / len(files)
    print(
        f"{label} anchor (today's path, the sources of {old_src.parent.name[4:]}): {len(files)} "
        f"reports, {workers} worker(s): {seconds:.1f} s, {rate:.0f} reports/s, "
        f"{cpu:.1f} ms CPU/report, {cpu * rate / 1e3:.2f} cores busy; {per / 1e3:.1f} KB/report",
        flush=True,
    )
    return rate, per, cpu


def lock_split(files: list[str], tmp: Path) -> tuple[float, float]:
    """One worker's work done in this process (``pool.store_chunk``, chunks of 256 files):
    (CPU ms per report, of which under the store's write lock). The lock's share bounds
    what more workers can add on SQLite (one batch writes at a time): at most
    total / locked times one worker's rate, and only with a free core for each."""
    import contextlib

    import nianbao
    from nianbao.store import batch, pool

    db = tmp / "lock-split.db"
    open_store(str(db)).dispose()
    items = [(f, Path(f).read_bytes()) for f in files]
    held = 0.0
    real = batch._file_lock

    @contextlib.contextmanager
    def timed(engine):  # type: ignore[no-untyped-def]
        nonlocal held
        start = time.process_time()
        try:
            with real(engine):
                yield
        finally:
            held += time.process_time() - start

    batch._file_lock = timed  # type: ignore[assignment]
    try:
        start = time.process_time()
        for i in range(0, len(items), 256):
            pool.store_chunk(
                items[i : i + 256], f"sqlite:///{db}", nianbao.__version__, synth_parse, None
            )
        total = time.process_time() - start
    finally:
        batch._file_lock = real
        pool._ENGINES.pop(f"sqlite:///{db}").dispose()
    return total * 1e3 / len(files), held * 1e3 / len(files)


def anchor_run(db: str, listing: str, workers: int, label: str) -> None:
    """In the child of ``anchor_store`` (PYTHONPATH: the old sources): one ingest, then
    "seconds stored CPU-ms" on the last line."""
    import nianbao
    from nianbao.store.ingest import ingest_files as old_ingest

    assert "old-" in str(nianbao.__file__), nianbao.__file__
    files = Path(listing).read_text(encoding="utf-8").split("\n")
    engine = open_store(db)
    cpu = cpu_seconds()
    start = time.perf_counter()
    summary = old_ingest(
        files, engine, workers=workers, parse=synth_parse if label == "synth" else None
    )
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu
    engine.dispose()
    print(seconds, summary.stored, cpu * 1e3)


def pg_schema(url: str) -> tuple[str, str, Any]:
    """A scratch schema on the PostgreSQL at ``url``: (its URL, its name, an admin engine)."""
    import uuid

    from sqlalchemy import create_engine, text

    from nianbao.store.db import resolve_url

    base = resolve_url(url)
    schema = "nianbao_bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}", schema, admin


def pg_bytes(admin: Any, schema: str) -> int:
    from sqlalchemy import text

    with admin.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = :s AND c.relkind = 'r'"
                ),
                {"s": schema},
            ).scalar_one()
        )


def drop_schema(admin: Any, schema: str) -> None:
    from sqlalchemy import text

    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


class ServerCpu:
    """CPU seconds of this machine's PostgreSQL processes while the ``with`` block runs
    (Linux: /proc, sampled every 100 ms so that backends that end are counted too; the
    server's work for other databases at the same time counts as well). 0 elsewhere."""

    def __init__(self) -> None:
        import threading

        self.seen: dict[str, list[int]] = {}
        self.other: set[str] = set()  # processes that are not PostgreSQL's
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.seconds = 0.0

    def _sample(self) -> None:
        import os

        for pid in os.listdir("/proc"):
            if not pid.isdigit() or pid in self.other:
                continue
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    raw = fh.read()
            except OSError:
                continue
            if "(postgres)" not in raw:
                self.other.add(pid)  # (read once: the sampler's own cost stays small)
                continue
            fields = raw.rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12])
            self.seen.setdefault(pid, [ticks, ticks])[1] = ticks

    def _watch(self) -> None:
        while not self.stop.is_set():
            self._sample()
            self.stop.wait(0.1)

    def __enter__(self) -> ServerCpu:
        import os

        if os.path.isdir("/proc"):
            self._sample()
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        import os

        if self.thread.is_alive():
            self.stop.set()
            self.thread.join()
            self._sample()
        hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.seconds = sum(b - a for a, b in self.seen.values()) / hz


def run_pg(
    files: list[str],
    workers: int,
    url: str,
    old_src: Path | None,
    parse: Any = synth_parse,
    label: str = "synth",
) -> tuple[float, float, float]:
    """One ingest into a scratch schema (today's path when ``old_src``): (reports/s, bytes
    per report, CPU ms per report of the ingest's processes; the server's not counted).
    ``parse`` None: the real parser (rendered files)."""
    import os
    import subprocess

    db, schema, admin = pg_schema(url)
    server = ServerCpu()
    try:
        if old_src is not None:
            listing = Path(files[0]).parent.parent / "anchor-pg.txt"
            listing.write_text("\n".join(files), encoding="utf-8")
            with server:
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--anchor-run",
                        db,
                        str(listing),
                        str(workers),
                        "synth",
                    ],
                    env={**os.environ, "PYTHONPATH": str(old_src)},
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            seconds, stored, cpu = (float(x) for x in out.split()[-3:])
        else:
            engine = open_store(db)
            cpu = cpu_seconds()
            start = time.perf_counter()
            with server:
                summary = ingest_files(files, engine, workers=workers, parse=parse)
            seconds = time.perf_counter() - start
            cpu = (cpu_seconds() - cpu) * 1e3
            stored = summary.stored
            engine.dispose()
        per = pg_bytes(admin, schema) / max(1, stored)
    finally:
        drop_schema(admin, schema)
    rate, cpu = len(files) / seconds, cpu / len(files)
    served = server.seconds * 1e3 / len(files)
    print(
        f"{label} on PostgreSQL, {'today' if old_src else 'now'}: {len(files)} reports, "
        f"{workers} worker(s): {seconds:.1f} s, {rate:.0f} reports/s, {cpu:.2f} ms CPU/report "
        f"in the ingest's processes + {served:.2f} ms in the server's (every PostgreSQL process "
        f"of this machine) = {cpu + served:.2f}, {(cpu + served) * rate / 1e3:.2f} cores busy; "
        f"{per / 1e3:.1f} KB/report",
        flush=True,
    )
    return rate, per, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--render", type=int, default=200, help="rendered text reports (0: skip)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument(
        "--old",
        default=OLD_COMMIT,
        help="commit of today's path (the last before issue 12's ingest work)",
    )
    ap.add_argument(
        "--pg", default=None, help="also ingest into PostgreSQL at this URL (a scratch schema)"
    )
    ap.add_argument("--export", action="store_true", help="also time export --format parquet")
    ap.add_argument("--anchor-run", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.anchor_run:
        db, listing, w, label = args.anchor_run
        anchor_run(db, listing, int(w), label)
        return
    import os

    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    print("load average at the start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()), flush=True)
    try:
        workers = [int(w) for w in args.workers.split(",")]
        old_src = old_tree(tmp, args.old)
        files = write_specs(tmp / "synth", args.n)
        # the parse and checks alone (the same work in both paths): what is left of the CPU
        # per report is the store's share
        start = time.process_time()
        for f in files:
            synth_parse(Path(f).read_bytes(), Path(f).name)
        parse_cpu = (time.process_time() - start) * 1e3 / len(files)
        print(f"synth parse + checks alone: {parse_cpu:.1f} ms CPU/report", flush=True)
        total, locked = lock_split(files, tmp)
        print(
            f"one worker's work in one process: {total:.2f} ms CPU/report, {locked:.2f} ms of it "
            f"under the write lock ({locked / total:.0%}): on SQLite more workers add at most "
            f"{total / locked:.1f}x one worker's rate, with a free core each",
            flush=True,
        )
        anchors: dict[int, tuple[float, float, float]] = {}
        rates: dict[int, float] = {}  # now's SQLite rate by worker count
        dbs = []
        for w in workers:
            anchors[w] = anchor_store(files, tmp, w, old_src)
            db, rate, per, cpu = run(files, w, tmp, synth_parse, "synth")
            rates[w] = rate
            dbs.append(db)
            a_rate, a_per, a_cpu = anchors[w]
            print(
                f"  -> {w} worker(s): {rate / a_rate:.1f}x today's reports/s with {w} worker(s), "
                f"{rate / anchors[workers[0]][0]:.1f}x today's with {workers[0]}; "
                f"{a_cpu / cpu:.1f}x fewer CPU ms per report (the store's share beside the "
                f"parse: {a_cpu - parse_cpu:.1f} -> {cpu - parse_cpu:.1f} ms, "
                f"{(a_cpu - parse_cpu) / max(0.01, cpu - parse_cpu):.1f}x); "
                f"{per / a_per:.2f}x today's bytes per report",
                flush=True,
            )
        if args.export:
            from nianbao.store.export import export_reports

            engine = open_store(str(dbs[-1]))
            for fmt, shape in (("parquet", "wide"), ("csv", "wide")):
                start = time.perf_counter()
                n = export_reports(engine, tmp / f"out.{fmt}", fmt, shape)
                print(
                    f"export --format {fmt} --{shape}: {n} rows in "
                    f"{time.perf_counter() - start:.1f} s"
                )
            engine.dispose()
        if args.pg:
            w = max(workers)
            pg_old, pg_old_per, pg_old_cpu = run_pg(files, w, args.pg, old_src)
            pg_rate, pg_per, pg_cpu = run_pg(files, w, args.pg, None)
            print(
                f"  -> PostgreSQL (COPY), {w} worker(s): {pg_rate / pg_old:.1f}x today's "
                f"PostgreSQL rate, {pg_rate / anchors[w][0]:.1f}x today's SQLite rate, "
                f"{pg_rate / rates[w]:.2f}x now's SQLite rate; "
                f"{pg_old_cpu / pg_cpu:.1f}x fewer CPU ms per report; "
                f"{pg_per / pg_old_per:.2f}x today's PostgreSQL bytes per report",
                flush=True,
            )
        if args.render:
            try:
                rendered = write_rendered(tmp / "text", args.render)
            except ImportError:
                print("render: nianbao.writing.writer not available, skipped")
            else:
                w = max(workers)
                r_rate, r_per, r_cpu = anchor_store(rendered, tmp, w, old_src, "render+parse")
                _, rate, per, cpu = run(rendered, w, tmp, None, "render+parse")
                print(
                    f"  -> {rate / r_rate:.1f}x today's reports/s (today's parser too), "
                    f"{r_cpu / cpu:.1f}x fewer CPU ms per report, "
                    f"{per / r_per:.2f}x today's bytes per report (provenance kept)"
                )
                if args.pg:
                    pg_rate, _, _ = run_pg(rendered, w, args.pg, None, None, "render+parse")
                    print(
                        f"  -> render+parse on PostgreSQL (COPY), {w} worker(s): "
                        f"{pg_rate / rate:.2f}x now's SQLite rate on the same files",
                        flush=True,
                    )
        print("load average at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
