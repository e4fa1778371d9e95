"""The wide export's columns from the kept summary (``report_columns``, migration 0008)
are those of a plain reading of every cell of the exported reports — for the whole store,
a year, the reports with errors and an agency — and follow a re-parse (a report's new
``updated_at``), a delete and a store that cannot be written."""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from nianbao.schema import ACTIVE2019_IDS
from nianbao.store import export as sx
from nianbao.store.compact import encode_field, unpack_cells
from nianbao.store.db import open_store, session_scope
from nianbao.store.models import ReportColumns, StoredCells, StoredReport
from nianbao.store.queries import ALL_IDS, field_order, report_conditions
from nianbao.store.versions import delete_report, restore_report

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="no samples")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    spec = importlib.util.spec_from_file_location("web_store", REPO / "bench" / "web_store.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    db = str(tmp_path_factory.mktemp("columns") / "columns.db")
    mod.build(db, 250, seed=5, chunk=100)
    return db


def _plain(s: Session, agency: str | None, year: Any, has_errors: bool) -> list[str]:
    """Every cell of the matching reports read: the columns the export must have."""
    ids = set(
        s.scalars(select(StoredReport.id).where(*report_conditions(s, agency, year, has_errors)))
    )
    seen = {
        fid
        for rid, cells in s.execute(select(StoredCells.report_id, StoredCells.cells))
        if rid in ids
        for fid, *_ in unpack_cells(cells)
    }
    old = set(ACTIVE2019_IDS)
    shown = [f for f in ALL_IDS if f not in old or f in seen]
    return shown + sorted(seen - set(ALL_IDS), key=field_order)


FILTERS = [(None, None, False), (None, 2021, False), (None, None, True), ("县", 2022, True)]


def _check(engine: Engine) -> None:
    with Session(engine) as s:
        for agency, year, errors in FILTERS:
            assert sx._field_ids(s, agency, year, errors) == _plain(s, agency, year, errors)


def test_columns_from_the_kept_summary_equal_a_plain_reading(store: str) -> None:
    engine = open_store(store)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(ReportColumns)) == 0
    _check(engine)  # the summary written on the way
    with Session(engine) as s:
        n = s.scalar(select(func.count()).select_from(ReportColumns))
        assert n == s.scalar(
            select(func.count())
            .select_from(StoredReport)
            .where(StoredReport.superseded_by.is_(None))
        )
    _check(engine)  # read from it
    engine.dispose()


def test_the_summary_follows_a_reparse_and_a_delete(store: str) -> None:
    engine = open_store(store)
    _check(engine)
    with Session(engine) as s:
        rid = s.scalar(select(StoredReport.id).where(*report_conditions(s, None, 2021, False)))
        assert rid is not None
    # a re-parse: the report's cells change with its updated_at
    with session_scope(engine) as s:
        row = s.get(StoredCells, rid)
        assert row is not None
        cells = json.loads(row.cells)
        cells.append([encode_field("extra.custom_total"), 7])
        row.cells = json.dumps(cells, ensure_ascii=False)
        s.execute(
            update(StoredReport).where(StoredReport.id == rid).values(updated_at=datetime.now(UTC))
        )
    with Session(engine) as s:
        cols = sx._field_ids(s, None, 2021, False)
        assert "extra.custom_total" in cols
    _check(engine)
    with session_scope(engine) as s:
        delete_report(s, rid)
    try:
        with Session(engine) as s:
            assert "extra.custom_total" not in sx._field_ids(s, None, 2021, False)
        _check(engine)
    finally:
        with session_scope(engine) as s:
            restore_report(s, rid)
    with Session(engine) as s:
        assert "extra.custom_total" in sx._field_ids(s, None, None, False)
    engine.dispose()


def test_a_store_that_cannot_be_written_still_gets_its_columns(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    engine = open_store(store)
    with session_scope(engine) as s:
        s.execute(ReportColumns.__table__.delete())

    def refuse(*_a: Any, **_k: Any) -> Any:
        raise OperationalError("INSERT", {}, Exception("attempt to write a readonly database"))

    import nianbao.store.db as db

    monkeypatch.setattr(db, "session_scope", refuse)
    _check(engine)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(ReportColumns)) == 0
    engine.dispose()
