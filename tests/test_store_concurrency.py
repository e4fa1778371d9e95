# ruff: noqa: F811  (db_url is a pytest fixture imported from test_store)
"""Two ingests at once, and an ingest killed midway (SQLite, and PostgreSQL when
NIANBAO_TEST_PG is set). Ingests run in subprocesses with a parse fake."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nianbao.store import open_store
from nianbao.store.compact import unpack_cells
from nianbao.store.models import SourceFile, StoredCells, StoredReport

# the store fixture of test_store: a fresh SQLite file, or a PostgreSQL schema
from .test_store import db_url  # noqa: F401

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
SRC = Path(__file__).resolve().parents[1] / "src"

FAKE = """
import json, os, time
from nianbao.report import Report

def json_parse(data, source=""):
    if os.environ.get("SLOW_PARSE"):
        time.sleep(0.01)  # so that the kill surely lands mid-run
    return Report.from_flat(json.loads(data), source=source)
"""

RUNNER = """
import json, sys, time
from pathlib import Path
go = Path(sys.argv[3])
while not go.exists():
    time.sleep(0.01)
from fakeparse import json_parse
from nianbao.store.ingest import ingest_paths
s = ingest_paths([sys.argv[1]], sys.argv[2], workers=0, parse=json_parse)
print(json.dumps({"stored": s.stored, "unchanged": s.unchanged, "failed": s.failed}))
"""


def make_corpus(folder: Path, n: int) -> int:
    """n distinct reports (agencies × years) from one gold file; returns values per report."""
    base = json.loads((SAMPLES / "peer" / "hongze-2024.gold.json").read_text("utf-8"))
    folder.mkdir(parents=True)
    for i in range(n):
        flat = dict(base)
        flat["meta.agency"] = f"第{i // 5}测试县人民政府"
        flat["meta.year"] = 2020 + i % 5
        flat["active.licensing"] = i
        (folder / f"r{i:04d}.txt").write_text(json.dumps(flat, ensure_ascii=False), "utf-8")
    return len([k for k in base if k.startswith(("active", "requests", "reviews"))])


def start(
    tmp_path: Path, folder: Path, db_url: str, go: Path, slow: bool = False
) -> subprocess.Popen[str]:
    (tmp_path / "fakeparse.py").write_text(FAKE)
    (tmp_path / "runner.py").write_text(textwrap.dedent(RUNNER))
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{SRC}")
    env.pop("SLOW_PARSE", None)
    if slow:
        env["SLOW_PARSE"] = "1"
    return subprocess.Popen(
        [sys.executable, str(tmp_path / "runner.py"), str(folder), db_url, str(go)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def counts(engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        return (
            s.scalar(select(func.count()).select_from(SourceFile)),
            s.scalar(select(func.count()).select_from(StoredReport)),
            sum(len(unpack_cells(c)) for c in s.scalars(select(StoredCells.cells))),
        )


def test_two_ingests_of_one_folder_at_once_store_each_report_once(db_url, tmp_path):
    n = 60
    per_report = make_corpus(tmp_path / "in", n)
    go = tmp_path / "go"
    procs = [start(tmp_path, tmp_path / "in", db_url, go) for _ in range(2)]
    go.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(r["stored"] for r in results) == n
    assert sum(r["stored"] + r["unchanged"] for r in results) == 2 * n
    assert all(r["failed"] == [] for r in results)
    engine = open_store(db_url)
    assert counts(engine) == (n, n, n * per_report)
    engine.dispose()


def test_killing_an_ingest_midway_leaves_no_half_stored_report(db_url, tmp_path):
    n = 400
    per_report = make_corpus(tmp_path / "in", n)
    engine = open_store(db_url)
    go = tmp_path / "go"
    go.touch()
    proc = start(tmp_path, tmp_path / "in", db_url, go, slow=True)
    deadline = time.monotonic() + 60
    while counts(engine)[1] < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    files, reports, values = counts(engine)
    assert 0 < reports < n  # killed mid-run
    assert files == reports and values == reports * per_report  # whole reports only
    with Session(engine) as s:
        partial = [
            rid
            for rid, cells in s.execute(select(StoredCells.report_id, StoredCells.cells))
            if len(unpack_cells(cells)) != per_report
        ]
    assert partial == []
    # the next run finishes the job and stores nothing twice
    go2 = tmp_path / "go2"
    go2.touch()
    rerun = start(tmp_path, tmp_path / "in", db_url, go2)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["stored"] + summary["unchanged"] == n
    assert counts(engine) == (n, n, n * per_report)
    engine.dispose()
