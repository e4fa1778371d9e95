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
from nianbao.store.export import export_reports
from nianbao.store.ingest import ingest_files

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


def run(files: list[str], workers: int, tmp: Path, parse, label: str, batch: int = 200):  # type: ignore[no-untyped-def]
    """One ingest into a fresh SQLite file; returns (database, reports/s, bytes per report)."""
    db = tmp / f"bench-{label}-{workers}-{batch}.db"
    engine = open_store(str(db))
    start = time.perf_counter()
    summary = ingest_files(files, engine, workers=workers, parse=parse, batch=batch)
    seconds = time.perf_counter() - start
    engine.dispose()
    rate = len(files) / seconds
    per = db_bytes(db) / max(1, summary.stored)
    print(
        f"{label}: {len(files)} reports, {workers} worker(s), "
        f"{'one transaction per report' if batch <= 1 else f'batches of {batch}'}: "
        f"{seconds:.1f} s, {rate:.0f} reports/s (stored {summary.stored}, failed "
        f"{len(summary.failed)}, unusable {len(summary.unusable)}; {per / 1e3:.1f} KB/report)",
        flush=True,
    )
    return db, rate, per


def anchor_store(  # type: ignore[no-untyped-def]
    files: list[str], tmp: Path, workers: int, parse=synth_parse, label: str = "synth"
) -> tuple[float, float]:
    """Today's ingest path, measured in this run: one transaction per report through
    ``store_outcome``, cells in the layout before migration 0004 (a rowid table plus
    its primary key's index, provenance as objects)."""
    import nianbao.store.ingest as ing
    from nianbao.store.db import migrate

    db = tmp / f"anchor-{label}.db"
    engine = open_store(str(db), migrate_now=False)
    migrate(engine, "0003_campaign")
    engine.dispose()
    engine = open_store(str(db), migrate_now=False)
    encode = ing.encode_provenance
    ing.encode_provenance = lambda p: None if p is None else p.to_dict()  # type: ignore[assignment,return-value]
    try:
        start = time.perf_counter()
        summary = ingest_files(files, engine, workers=workers, parse=parse, batch=0)
        seconds = time.perf_counter() - start
    finally:
        ing.encode_provenance = encode
    engine.dispose()
    rate, per = len(files) / seconds, db_bytes(db) / max(1, summary.stored)
    print(
        f"{label} anchor (today's path: one transaction per report, schema 0003): {len(files)} "
        f"reports, {workers} worker(s): {seconds:.1f} s, {rate:.0f} reports/s; "
        f"{per / 1e3:.1f} KB/report",
        flush=True,
    )
    return rate, per


def run_pg(files: list[str], workers: int, url: str, batch: int = 200) -> float:
    import uuid

    from sqlalchemy import create_engine, text

    from nianbao.store.db import resolve_url

    base = resolve_url(url)
    schema = "nianbao_bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        engine = open_store(f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}")
        start = time.perf_counter()
        summary = ingest_files(files, engine, workers=workers, parse=synth_parse, batch=batch)
        seconds = time.perf_counter() - start
        with engine.connect() as conn:
            size = conn.execute(
                text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = :s AND c.relkind = 'r'"
                ),
                {"s": schema},
            ).scalar_one()
        engine.dispose()
        print(
            f"synth on PostgreSQL: {len(files)} reports, {workers} worker(s), "
            f"{'one transaction per report' if batch <= 1 else f'batches of {batch}'}: "
            f"{seconds:.1f} s, {len(files) / seconds:.0f} reports/s (stored {summary.stored}; "
            f"{int(size) / max(1, summary.stored) / 1e3:.1f} KB/report)",
            flush=True,
        )
        rate = len(files) / seconds
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return rate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--render", type=int, default=200, help="rendered text reports (0: skip)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument(
        "--pg", default=None, help="also ingest into PostgreSQL at this URL (a scratch schema)"
    )
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    try:
        workers = [int(w) for w in args.workers.split(",")]
        files = write_specs(tmp / "synth", args.n)
        anchor_rate, anchor_per = anchor_store(files, tmp, max(workers))
        dbs = []
        for w in workers:
            db, rate, per = run(files, w, tmp, synth_parse, "synth")
            dbs.append(db)
            print(
                f"  -> {rate / anchor_rate:.1f}x today's reports/s, "
                f"{per / anchor_per:.2f}x today's bytes per report"
            )
        engine = open_store(str(dbs[-1]))
        for fmt, shape in (("parquet", "wide"), ("csv", "wide")):
            start = time.perf_counter()
            n = export_reports(engine, tmp / f"out.{fmt}", fmt, shape)
            print(
                f"export --format {fmt} --{shape}: {n} rows in {time.perf_counter() - start:.1f} s"
            )
        engine.dispose()
        if args.pg:
            pg_anchor = run_pg(files, max(workers), args.pg, batch=0)
            pg_rate = run_pg(files, max(workers), args.pg)
            print(
                f"  -> PostgreSQL: {pg_rate / pg_anchor:.1f}x its one-transaction-per-report "
                f"rate, {pg_rate / anchor_rate:.1f}x today's SQLite rate"
            )
        if args.render:
            try:
                rendered = write_rendered(tmp / "text", args.render)
            except ImportError:
                print("render: nianbao.writing.writer not available, skipped")
            else:
                r_rate, r_per = anchor_store(rendered, tmp, max(workers), None, "render+parse")
                for w in workers:
                    _, rate, per = run(rendered, w, tmp, None, "render+parse")
                    print(
                        f"  -> {rate / r_rate:.1f}x today's reports/s, "
                        f"{per / r_per:.2f}x today's bytes per report (provenance kept)"
                    )
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
