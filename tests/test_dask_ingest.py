"""Ingest on a Dask LocalCluster (2 worker processes) into PostgreSQL, with a worker
killed midway and a file that kills its worker every time: every report is stored
exactly once, the poison file is recorded with its reason, a rerun does nothing new.
Skipped without NIANBAO_TEST_PG or without dask."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from nianbao.report import Report
from nianbao.store import open_store
from nianbao.store.compact import unpack_cells
from nianbao.store.db import resolve_url
from nianbao.store.models import SourceFile, StoredCells, StoredReport

PG_URL = os.environ.get("NIANBAO_TEST_PG")
needs_pg = pytest.mark.skipif(not PG_URL, reason="NIANBAO_TEST_PG is not set")
distributed = pytest.importorskip("dask.distributed")

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def slow_parse(data: bytes, source: str = "") -> Report:
    """A parse fake run on the workers: a flat JSON is the report; DIE kills the worker."""
    if data.startswith(b"DIE"):
        os._exit(3)
    time.sleep(0.02)  # so that the kill lands mid-run
    return Report.from_flat(json.loads(data), source=source)


def make_corpus(folder: Path, n: int) -> int:
    base = json.loads((SAMPLES / "peer" / "hongze-2024.gold.json").read_text("utf-8"))
    folder.mkdir(parents=True)
    for i in range(n):
        flat = dict(base)
        flat["meta.agency"] = f"第{i // 5}分布县人民政府"
        flat["meta.year"] = 2020 + i % 5
        flat["active.licensing"] = i
        (folder / f"r{i:04d}.txt").write_text(json.dumps(flat, ensure_ascii=False), "utf-8")
    (folder / "poison.txt").write_bytes(b"DIE")
    return len([k for k in base if k.startswith(("active", "requests", "reviews"))])


def endless_parse(data: bytes, source: str = "") -> Report:
    while True:
        pass


def test_a_file_over_its_time_is_stopped_in_a_worker_thread(monkeypatch, tmp_path):
    """Dask runs tasks in threads (no SIGALRM there): the watchdog stops the file."""
    from nianbao.store.distributed import _parse_in_thread

    monkeypatch.setenv("NIANBAO_FILE_SECONDS", "0.5")
    out: list = []
    worker = threading.Thread(
        target=lambda: out.append(_parse_in_thread("x.txt", b"loop", endless_parse, None))
    )
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert out[0].status == "unusable" and out[0].error_kind == "FileBudgetExceeded"
    assert "时间上限" in out[0].error
    # a file within its time is read as usual, and nothing fires later
    good = []
    worker = threading.Thread(
        target=lambda: good.append(
            _parse_in_thread("y.txt", b'{"meta.year": 2024}', slow_parse, None)
        )
    )
    worker.start()
    worker.join(timeout=30)
    time.sleep(0.8)
    assert good[0].status == "parsed"


@pytest.fixture
def pg_url():
    schema = "nianbao_dask_" + uuid.uuid4().hex[:10]
    base = resolve_url(PG_URL)
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def counts(engine) -> tuple[int, int, int, int]:
    with Session(engine) as s:
        return (
            s.scalar(select(func.count()).select_from(SourceFile)),
            s.scalar(select(func.count()).select_from(StoredReport)),
            s.scalar(select(func.count(func.distinct(StoredReport.source_file_id)))),
            sum(len(unpack_cells(c)) for c in s.scalars(select(StoredCells.cells))),
        )


@needs_pg
def test_dask_ingest_survives_a_killed_worker_and_stores_each_report_once(pg_url, tmp_path):
    import dask

    from nianbao.store.distributed import ingest_dask
    from nianbao.store.ingest import collect_files

    n = 120
    per_report = make_corpus(tmp_path / "in", n)
    files = collect_files([tmp_path / "in"])
    engine = open_store(pg_url)
    from nianbao.store.distributed import CLUSTER_CONFIG

    with dask.config.set(CLUSTER_CONFIG):
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = distributed.Client(cluster)
        killed: list[int] = []

        def killer() -> None:
            deadline = time.monotonic() + 120
            while counts(engine)[1] < 10 and time.monotonic() < deadline:
                time.sleep(0.05)
            pids = sorted(client.run(os.getpid).values())
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        try:
            seen: list[str] = []
            summary = ingest_dask(
                files,
                pg_url,
                "unused",
                parse=slow_parse,
                client=client,
                chunk=8,
                on_file=lambda path, status: seen.append(status),
            )
            thread.join(timeout=60)
            assert killed  # a worker was killed in the middle
            assert (
                summary.stored + summary.unchanged == n
            )  # a chunk committed just before its worker died is "unchanged" when redone
            assert [p for p, _ in summary.failed] == [str(tmp_path / "in" / "poison.txt")]
            assert "3 次" in summary.failed[0][1]
            assert len(seen) == n + 1
            # every report exactly once, whole; the poison file recorded with its reason
            assert counts(engine) == (n + 1, n, n, n * per_report)
            with Session(engine) as s:
                poison = s.execute(
                    select(SourceFile.status, SourceFile.error).where(
                        SourceFile.name == "poison.txt"
                    )
                ).one()
            assert poison.status == "failed" and "3 次" in poison.error
            # a rerun does only what is missing: nothing
            again = ingest_dask(files, pg_url, "unused", parse=slow_parse, client=client)
            assert again.stored == 0 and again.unchanged == n + 1 and again.failed == []
            assert counts(engine) == (n + 1, n, n, n * per_report)
        finally:
            client.close()
            cluster.close()
            engine.dispose()
