"""A generated store of many reports, fast (not a test: prints what it wrote).

Not through the parse path: a few real samples are parsed once, rendered by the writer in
several of its styles and parsed back (with checks); these are the templates. Each
generated report is a template's rows (cells with provenance, findings) under another
agency and year, its counts scaled by a per-report factor, bulk-inserted straight through
the driver in one transaction per chunk. Agencies (provinces × cities × counties × five
bodies, with the roster's region = the city) are created through the store's own
``resolve_agency`` so that keys and aliases are exactly what an ingest makes; about 1% of
agency-years get a second version (the first one superseded).

    .venv/bin/python bench/web_store.py --db /tmp/web/store.db [--reports 100000]
    .venv/bin/python bench/web_store.py --db postgresql+psycopg://postgres@127.0.0.1:5432/web

Run it on an empty store (it refuses one that already has reports).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
YEARS = (2020, 2021, 2022, 2023, 2024)
PROVINCES = ("江苏省", "浙江省", "安徽省", "江西省", "湖南省", "湖北省", "四川省", "河南省")
BODIES = ("人民政府", "财政局", "教育局", "卫生健康委员会", "自然资源和规划局")
# characters of generated place names (two or three per name)
PLACE_CHARS = "青山明水金石云河东西南北安平和兴宁远长清丰永福康泰华新德源盛通阳林江川湖桥泉溪岭城台"


def _templates() -> list[Any]:
    """Real samples parsed, rendered by the writer, parsed back with checks."""
    import nianbao
    from nianbao.writing.writer import render

    out = []
    styles = ("tab", "lines", "pipe", "md")
    for i, p in enumerate(sorted(SAMPLES.glob("*.txt"))):
        try:
            rep = nianbao.parse(p.read_bytes(), name=p.name)
            if rep.meta.get("format") not in ("2021", "2019"):
                continue
            data = render(rep, styles[i % len(styles)])
            out.append(nianbao.parse(data, name=f"template{i}.txt"))
        except Exception:  # noqa: BLE001 - a sample the round trip does not keep is left out
            continue
    if not out:
        sys.exit(f"no usable samples under {SAMPLES}")
    return out


def _place_names(n: int, suffix: str, rng: random.Random) -> list[str]:
    pairs = [a + b for a in PLACE_CHARS for b in PLACE_CHARS if a != b]
    if n > len(pairs):  # three characters then (every name still distinct)
        pairs = [p + c for p in pairs for c in PLACE_CHARS if c not in p]
    rng.shuffle(pairs)
    return [p + suffix for p in pairs[:n]]


def agency_names(n: int, seed: int = 7) -> list[tuple[str, str]]:
    """``n`` agency names with their region (the city): provinces × cities × counties ×
    bodies, every county and city name distinct."""
    rng = random.Random(seed)
    per_county = len(BODIES)
    n_counties = -(-n // per_county)
    counties_per_city = 20
    n_cities = -(-n_counties // counties_per_city)
    cities = _place_names(n_cities, "市", rng)
    counties = _place_names(n_counties, "县", rng)
    out = []
    for c, county in enumerate(counties):
        city = cities[c // counties_per_city]
        prov = PROVINCES[(c // counties_per_city) % len(PROVINCES)]
        for body in BODIES:
            out.append((f"{prov}{city}{county}{body}", city))
    return out[:n]


class _Template:
    """A template report as rows, with what varies per generated report marked."""

    def __init__(self, rep: Any) -> None:
        from nianbao.store import ingest as ing
        from nianbao.store.compact import pack_cells

        self.rep = rep
        self.layout = ing._clip(rep.meta.get("format"), 16) or "unknown"
        self.meta = ing._jsonable(dict(rep.meta))
        self.sections = json.dumps(
            {k: ing._jsonable(s.to_dict()) for k, s in rep.sections.items()}, ensure_ascii=False
        )
        self.fees = json.dumps(ing._jsonable(dict(rep.fees_info)), ensure_ascii=False)
        cells, self.sources = pack_cells(rep)
        self.values = json.loads(cells)  # [code, value_int, value_dec, raw] each
        self.counts = ing._counts(rep.findings)
        self.findings = [
            (
                f.rule,
                f.severity,
                json.dumps(list(f.cells)),
                f.message,
                json.dumps(ing._jsonable(f.expected), ensure_ascii=False),
                json.dumps(ing._jsonable(f.actual), ensure_ascii=False),
                json.dumps(list(f.assumed_zero)),
                json.dumps(ing._jsonable(f.evidence), ensure_ascii=False),
                f.fingerprint,
                ing.finding_digest(f, rep, None),
            )
            for f in rep.findings
        ]


def build(db: str, n_reports: int, seed: int = 7, chunk: int = 2000) -> dict[str, Any]:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from nianbao.store.agencies import name_keys, resolve_agency
    from nianbao.store.db import open_store
    from nianbao.store.models import Agency, RosterEntry, StoredReport

    t0 = time.perf_counter()
    engine = open_store(db)
    with Session(engine) as s:
        if s.scalar(select(func.count()).select_from(StoredReport)):
            sys.exit("the store already has reports: give an empty one")
    templates = [_Template(r) for r in _templates()]
    t_templates = time.perf_counter() - t0
    n_agencies = -(-n_reports // len(YEARS))
    names = agency_names(n_agencies, seed)
    now = datetime.now(UTC)
    agency_ids: list[int] = []
    with Session(engine) as s:
        for i, (name, region) in enumerate(names):
            ag = resolve_agency(s, name)
            assert ag is not None
            agency_ids.append(ag.id)
            s.add(
                RosterEntry(
                    agency_id=ag.id,
                    name=name,
                    parent_name=None,
                    level=ag.level if ag.level != "unknown" else "county",
                    kind=ag.kind,
                    region=region,
                    site_url=None,
                    imported_at=now,
                )
            )
            if i % 1000 == 999:
                s.commit()
        s.commit()
        keys = {a.id: a.key for a in s.scalars(select(Agency))}
    t_agencies = time.perf_counter() - t0 - t_templates

    rng = random.Random(seed)
    sqlite = engine.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    ts = now.isoformat(sep=" ") if not sqlite else now.strftime("%Y-%m-%d %H:%M:%S.%f")

    def ins(table: str, cols: tuple[str, ...]) -> str:
        return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"

    sf_cols = ("id", "sha256", "size", "name", "path", "media_type", "first_seen", "status")
    sf_cols += ("parsed_with", "parsed_at")
    rep_cols = ("id", "source_file_id", "agency_id", "agency_name", "agency_key", "year")
    rep_cols += ("layout", "parser_version", "title", "published", "meta", "sections")
    rep_cols += ("fees_info", "n_errors", "n_warnings", "n_infos", "ingested_at", "updated_at")
    rep_cols += ("version", "superseded_by")
    val_cols = ("report_id", "cells", "sources")
    find_cols = ("report_id", "origin", "rule", "severity", "cells", "message", "expected")
    find_cols += ("actual", "assumed_zero", "evidence", "fingerprint", "values_digest")
    find_cols += ("status", "created_at")

    # every (agency, year), then ~1% a second time (a new version of that year)
    plan = [(a, y) for a in range(n_agencies) for y in YEARS][:n_reports]
    again = [p for p in plan if rng.random() < 0.01]
    plan += again
    next_id = 1
    current: dict[tuple[int, int], int] = {}
    n_values = n_findings = 0
    for start in range(0, len(plan), chunk):
        files, reps, vals, finds, supersede = [], [], [], [], []
        for a, y in plan[start : start + chunk]:
            rid = next_id
            next_id += 1
            tpl = templates[(a * 7 + y) % len(templates)]
            name = names[a][0]
            aid = agency_ids[a]
            factor = rng.choice((0.5, 0.8, 1, 1, 1, 1.5, 2, 3))
            sha = hashlib.sha256(f"{seed}|{rid}".encode()).hexdigest()
            files.append(
                (rid, sha, 5000 + rid % 997, f"gen{rid}.txt", None, "text/plain", ts, "stored")
                + ("bench", ts)
            )
            meta = dict(tpl.meta, agency=name, year=y)
            meta["title"] = title = f"{name}{y}年政府信息公开工作年度报告"
            prev = current.get((aid, y))
            if prev is not None:
                supersede.append((rid, prev))
            current[(aid, y)] = rid
            reps.append(
                (rid, rid, aid, name, name_keys(name)[0] if name else keys[aid], y, tpl.layout)
                + ("bench", title, f"{y + 1}-01-{10 + rid % 19:02d}")
                + (json.dumps(meta, ensure_ascii=False), tpl.sections, tpl.fees)
                + (tpl.counts["n_errors"], tpl.counts["n_warnings"], tpl.counts["n_infos"])
                + (ts, ts, 1 if prev is None else 2, None)
            )
            cells = []
            for cell in tpl.values:
                if len(cell) > 1 and cell[1] is not None and factor != 1:
                    cell = list(cell)
                    cell[1] = int(cell[1] * factor)
                    if len(cell) > 3 and isinstance(cell[3], str):
                        cell[3] = str(cell[1])
                cells.append(cell)
            text = json.dumps(cells, ensure_ascii=False, separators=(",", ":"))
            vals.append((rid, text, tpl.sources))
            n_values += len(cells)
            for f in tpl.findings:
                finds.append((rid, "report", *f, "open", ts))
        with engine.begin() as conn:
            conn.exec_driver_sql(ins("source_files", sf_cols), files)
            conn.exec_driver_sql(ins("reports", rep_cols), reps)
            conn.exec_driver_sql(ins("report_cells", val_cols), vals)
            if finds:
                conn.exec_driver_sql(ins("findings", find_cols), finds)
            for new, old in supersede:
                conn.exec_driver_sql(
                    f"UPDATE reports SET superseded_by = {mark} WHERE id = {mark}", (new, old)
                )
        n_findings += len(finds)
        done = min(start + chunk, len(plan))
        print(f"  {done}/{len(plan)} reports ({time.perf_counter() - t0:.0f} s)", flush=True)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for t in ("source_files", "reports"):
                conn.exec_driver_sql(f"SELECT setval('{t}_id_seq', (SELECT max(id) FROM {t}))")
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return {
        "templates": len(templates),
        "agencies": n_agencies,
        "reports": len(plan),
        "values": n_values,
        "findings": n_findings,
        "seconds_templates": t_templates,
        "seconds_agencies": t_agencies,
        "seconds": time.perf_counter() - t0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True, help="SQLite file or database URL (an empty store)")
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    r = build(args.db, args.reports, args.seed)
    print(
        f"store {args.db}: {r['reports']} reports ({r['agencies']} agencies, "
        f"{r['templates']} templates), {r['values']} cells, {r['findings']} findings "
        f"in {r['seconds']:.0f} s (templates {r['seconds_templates']:.0f} s, agencies "
        f"{r['seconds_agencies']:.0f} s)"
    )
    path = Path(args.db)
    if path.exists():
        print(f"file size: {path.stat().st_size / 1e9:.2f} GB")


if __name__ == "__main__":
    main()
