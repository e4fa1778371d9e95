"""Generated ingests of new versions: random runs of an agency's reports (several versions
of a year in one batch and across batches, years before and after them in the same batch,
reviewers' decisions and a deleted report between runs, a re-parse of stored files, a file
that fails, the same bytes twice) stored in batches give the same store as one report per
transaction: versions and their numbers, the current report, findings with their decisions,
events, agencies. SQLite, and PostgreSQL when NIANBAO_TEST_PG is set."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from nianbao.store import open_store
from nianbao.store.models import (
    Agency,
    AgencyAlias,
    ReportEvent,
    SourceFile,
    StoredCells,
    StoredFinding,
    StoredReport,
)
from nianbao.store.review import decide_findings
from nianbao.store.versions import delete_report

from .test_store import db_url, gold, ingest, write_json  # noqa: F401

# one agency under its full and its short name, another agency
NAMES = ("淮安市洪泽区人民政府", "洪泽区人民政府", "淮安市洪泽区财政局")
SEEDS = range(12, 20)  # (seeds whose runs a batch's omitted re-check or carry would break)


def _flat(name: str, year: int, over: int, tag: str) -> dict:
    flat = gold("hongze-2024.gold.json")
    flat["meta.agency"], flat["meta.year"] = name, year
    flat["meta.title"] = f"{name}{year}年政府信息公开工作年度报告{tag}"
    flat["requests.carried_forward.total"] = over  # group J has a say
    flat["requests.carried_over.total"] = over + 1
    return flat


def _runs(rng: random.Random) -> list[tuple[list[tuple], bool]]:
    """Runs of an ingest: their files (a report, the same bytes as an earlier one, a file
    that fails) and whether the run re-parses the files stored before it."""
    runs: list[tuple[list[tuple], bool]] = []
    made: list[tuple] = []
    for n in range(4):
        files: list[tuple] = []
        for i in range(rng.randint(1 if n else 0, 9)):
            r = rng.random() if n % 2 == 0 else 1.0  # (every other run: new reports only)
            if r < 0.06:
                files.append(("crash",))
            elif r < 0.12 and made:
                files.append(rng.choice(made))
            else:
                name = NAMES[0] if rng.random() < 0.6 else rng.choice(NAMES)
                year = rng.choice((2022, 2023, 2023, 2024))
                made.append(("report", name, year, rng.randint(1, 3), f"#{n}.{i}"))
                files.append(made[-1])
        runs.append((files, n > 1 and rng.random() < 0.5))
    return runs


def _ingest_runs(
    engine: Engine, runs: list[tuple[list[tuple], bool]], batch: int, folder: Path, seed: int
) -> None:
    rng = random.Random(seed)  # the same decisions and delete in both stores
    stored: list[Path] = []
    for n, (items, reparse) in enumerate(runs):
        files = []
        for i, item in enumerate(items):
            if item[0] == "crash":
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"{n}_{i}.txt").write_bytes(b"CRASH")
                files.append(folder / f"{n}_{i}.txt")
            else:
                files.append(write_json(folder, f"{n}_{i}.txt", _flat(*item[1:])))
        if reparse:  # a new parser version: the stored files too, among the new ones
            files = [*stored, *files]
            rng.shuffle(files)
        summary = ingest(
            engine, files, batch=1 if n == 0 else batch, **({"version": "v2"} if reparse else {})
        )
        assert not summary.failed or all(
            Path(p).read_bytes() == b"CRASH" for p, _ in summary.failed
        )
        stored = list(dict.fromkeys([*stored, *files]))
        with Session(engine) as s:
            found = s.scalars(select(StoredFinding).order_by(StoredFinding.id)).all()
            ids = [f.id for f in found if f.origin == "cross" or rng.random() < 0.4]
            if ids:
                decide_findings(s, ids, rng.choice(("dismissed", "confirmed")), "已核实")
            live = s.scalars(
                select(StoredReport.id)
                .where(StoredReport.deleted_at.is_(None))
                .order_by(StoredReport.id)
            ).all()
            if live and rng.random() < 0.3:
                delete_report(s, rng.choice(live))
            s.commit()


def _state(engine: Engine) -> list[tuple]:
    """The whole store by file names and agency keys rather than ids (a multiset)."""
    with Session(engine) as s:
        files = {f.id: f for f in s.scalars(select(SourceFile))}
        reps = {r.id: r for r in s.scalars(select(StoredReport))}
        name = {rid: files[r.source_file_id].name for rid, r in reps.items()}
        key: dict[int | None, str] = {a.id: a.key for a in s.scalars(select(Agency))}
        out: list[tuple] = [
            ("file", f.name, f.status, f.parsed_with, f.error_kind) for f in files.values()
        ]
        out += [
            ("agency", a.key, a.name, a.kind, a.level, key.get(a.parent_id))
            for a in s.scalars(select(Agency))
        ]
        out += [
            ("alias", al.alias_key, key[al.agency_id], al.name, al.source, bool(al.ambiguous))
            for al in s.scalars(select(AgencyAlias))
        ]
        out += [
            (
                "report",
                name[r.id],
                key.get(r.agency_id),
                r.agency_name,
                r.year,
                r.version,
                name.get(r.superseded_by) if r.superseded_by else None,
                r.deleted_at is not None,
                r.n_errors,
                r.n_warnings,
                r.n_infos,
                r.parser_version,
                json.dumps(r.meta, ensure_ascii=False, sort_keys=True),
            )
            for r in reps.values()
        ]
        out += [
            ("cells", name[c.report_id], c.cells, c.sources) for c in s.scalars(select(StoredCells))
        ]
        out += [
            (
                "finding",
                name[f.report_id],
                f.origin,
                f.rule,
                f.fingerprint,
                f.values_digest,
                name.get(f.prev_report_id) if f.prev_report_id else None,
                f.status,
                f.note,
                f.decided_at is not None,
                json.dumps([f.expected, f.actual, f.evidence], ensure_ascii=False, sort_keys=True),
            )
            for f in s.scalars(select(StoredFinding))
        ]
        for e in s.scalars(select(ReportEvent)):
            detail = re.sub(
                r"报告 (\d+)", lambda m: f"报告 {name[int(m.group(1))]}", e.detail or ""
            )
            out.append(("event", name[e.report_id], e.action, detail, e.year, key.get(e.agency_id)))
    return sorted(out, key=repr)


def _empty(url: str) -> None:
    engine = open_store(url)
    with engine.begin() as conn:
        for t in (
            "report_events",
            "web_review_log",
            "findings",
            "report_cells",
            "reports",
            "source_files",
            "agency_aliases",
            "agencies",
        ):
            conn.execute(text(f"DELETE FROM {t}"))
    engine.dispose()


def test_generated_versions_in_batches_match_one_report_at_a_time(db_url, tmp_path) -> None:  # noqa: F811
    seen: set[str] = set()  # what the generated runs made
    for seed in SEEDS:
        rng = random.Random(seed)
        runs = _runs(rng)
        batch = (2, 3, 50)[seed % 3]
        states = []
        for size in (1, batch):
            _empty(db_url)
            engine = open_store(db_url)
            try:
                _ingest_runs(engine, runs, size, tmp_path / f"{seed}", seed)
                states.append(_state(engine))
            finally:
                engine.dispose()
        one, batched = states
        assert batched == one, (seed, runs)
        seen |= {x[2] for x in one if x[0] == "event"}
        seen |= {f"version {x[5]}" for x in one if x[0] == "report"}
    assert {"supersede", "carry", "delete", "version 3"} <= seen
