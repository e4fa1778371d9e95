"""Batched ingest of new versions against the reference (one report per transaction):
cases a review found where the batch left a different store. SQLite, and PostgreSQL when
NIANBAO_TEST_PG is set."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from nianbao.report import Report
from nianbao.store import open_store
from nianbao.store.models import SourceFile, StoredFinding, StoredReport

from .test_ingest_batch import _flat, _fresh, _versions_state
from .test_store import db_url, ingest, json_parse, write_json  # noqa: F401


def _chains(engine) -> dict[tuple, list[tuple]]:
    """Each agency's year: its reports in the order of their ids (the order ``rechain``
    numbers them in and the versions page lists them in), by file name."""
    with Session(engine) as s:
        files = {f.id: f.name for f in s.scalars(select(SourceFile))}
        reps = list(s.scalars(select(StoredReport).order_by(StoredReport.id)))
        name = {r.id: files[r.source_file_id] for r in reps}
        out: dict[tuple, list[tuple]] = {}
        for r in reps:
            out.setdefault((r.agency_name, r.year), []).append(
                (
                    name[r.id],
                    r.version,
                    name.get(r.superseded_by) if r.superseded_by else None,
                    r.deleted_at is not None,
                )
            )
    return out


def _rechain_changes_nothing(engine) -> None:
    """The store as ``versions.rechain`` would make it: versions numbered in id order,
    each live one pointing to the next."""
    from nianbao.store.versions import rechain

    before = _chains(engine)
    with Session(engine) as s:
        pairs = set(s.execute(select(StoredReport.agency_id, StoredReport.year)).all())
        for aid, year in pairs:
            rechain(s, aid, year)
        s.commit()
    assert _chains(engine) == before


def _flat_v(name: str, year: int, over: int, title: str = "") -> dict:
    f = _flat(name, year)
    f["requests.carried_forward.total"] = over  # group J has a say
    f["requests.carried_over.total"] = over + 1
    f["meta.title"] += title
    return f


def test_three_versions_of_a_year_in_one_batch_keep_the_order_received(
    db_url,  # noqa: F811
    tmp_path,
) -> None:
    """v2 through the batch, v3 left to the one-report path (the year's current report is
    the batch's), v4 through the batch again. On PostgreSQL v4 took an id the batch had
    drawn before v3 was written: v4's id was smaller than v3's, so the versions page
    listed v4 before v3 and the next rechain (a delete, a restore, a merge) made v3 the
    current report again."""
    gov = "淮安市洪泽区人民政府"
    first = write_json(tmp_path / "a", "v1.txt", _flat_v(gov, 2023, 3))
    later = [
        write_json(tmp_path / "b", f"v{i}.txt", _flat_v(gov, 2023, 3 + i, f"（第{i}版）"))
        for i in (2, 3, 4)
    ]
    chains = []
    for batch in (1, 50):
        engine = open_store(db_url if batch == 1 else _fresh(db_url, "batched"))
        try:
            assert ingest(engine, [first], batch=1).stored == 1
            assert ingest(engine, later, batch=batch).stored == 3
            chains.append(_chains(engine))
            _rechain_changes_nothing(engine)
        finally:
            engine.dispose()
    one, batched = chains
    assert [x[0] for x in one[(gov, 2023)]] == ["v1.txt", "v2.txt", "v3.txt", "v4.txt"]
    assert batched == one


_MARK = "（待改）"


def reparse(data: bytes, source: str = "") -> Report:
    """A newer parser: it reads a file whose title carries ``_MARK`` differently (its
    carried-over count ten more), the rest as before."""
    flat = json.loads(data)
    if str(flat.get("meta.title", "")).endswith(_MARK):
        flat["requests.carried_over.total"] += 10
    return Report.from_flat(flat, source=source)


def test_a_version_after_its_predecessor_is_read_again_in_the_batch_carries_todays_decisions(
    db_url,  # noqa: F811
    tmp_path,
) -> None:
    """A new parser version: the year's current report is read again (its values changed,
    so its decisions no longer apply: open again), then a new version of that year
    arrives in the same batch. The new version carries the decisions as they are after
    the re-read; the batch carried those it had read before the re-read."""
    from nianbao.store.review import decide_findings

    gov = "淮安市洪泽区人民政府"
    base = write_json(tmp_path / "a", "y2022.txt", _flat_v(gov, 2022, 3))
    old = write_json(tmp_path / "a", "y2023.txt", _flat_v(gov, 2023, 9, _MARK))
    new = write_json(tmp_path / "b", "y2023b.txt", _flat_v(gov, 2023, 9, "（更正）"))
    states = []
    for batch in (1, 50):
        engine = open_store(db_url if batch == 1 else _fresh(db_url, "batched"))
        try:
            if batch == 50 and not db_url.startswith("sqlite"):
                from sqlalchemy import text

                with engine.begin() as conn:
                    conn.execute(text("DELETE FROM report_events"))
            ingest(engine, [base, old], batch=1, version="p1", parse=json_parse)
            with Session(engine) as s:
                rid = s.scalar(select(StoredReport.id).where(StoredReport.year == 2023))
                found = s.scalars(select(StoredFinding).where(StoredFinding.report_id == rid))
                ids = [f.id for f in found]
                assert ids
                decide_findings(s, ids, "dismissed", "已核实")
                s.commit()
            summary = ingest(engine, [old, new], batch=batch, version="p2", parse=reparse)
            assert (summary.stored, summary.updated) == (1, 1)
            states.append(_versions_state(engine))
        finally:
            engine.dispose()
    one, batched = states
    assert batched == one


def test_the_next_year_is_checked_against_each_version_as_one_report_at_a_time_does(
    db_url,  # noqa: F811
    tmp_path,
) -> None:
    """2024's cross-year finding was dismissed. Two new versions of 2023 in one batch:
    the first changes what the finding is about, so its decision no longer applies; the
    second (a version of the batch's own report) says again what the first report said.
    One report at a time, 2024 is checked against the first (its decision reopened), then
    the second; the batch put off 2024's check against the first until the end of the
    batch, after the second, and so kept the decision (it now does that check before the
    second is written)."""
    from nianbao.store.review import decide_findings

    gov = "淮安市洪泽区人民政府"
    first = [
        write_json(tmp_path / "a", "y2023.txt", _flat_v(gov, 2023, 3)),
        write_json(tmp_path / "a", "y2024.txt", _flat_v(gov, 2024, 9)),
    ]
    second = [
        write_json(tmp_path / "b", "y2023b.txt", _flat_v(gov, 2023, 5, "（更正）")),
        write_json(tmp_path / "b", "y2023c.txt", _flat_v(gov, 2023, 3, "（再次更正）")),
    ]
    states = []
    for batch in (1, 50):
        engine = open_store(db_url if batch == 1 else _fresh(db_url, "batched"))
        try:
            if batch == 50 and not db_url.startswith("sqlite"):
                from sqlalchemy import text

                with engine.begin() as conn:
                    conn.execute(text("DELETE FROM report_events"))
            assert ingest(engine, first, batch=1).stored == 2
            with Session(engine) as s:
                rid = s.scalar(select(StoredReport.id).where(StoredReport.year == 2024))
                found = s.scalars(select(StoredFinding).where(StoredFinding.report_id == rid))
                ids = [f.id for f in found if f.origin == "cross"]
                assert ids
                decide_findings(s, ids, "dismissed", "已核实")
                s.commit()
            assert ingest(engine, second, batch=batch).stored == 2
            states.append(_versions_state(engine))
        finally:
            engine.dispose()
    one, batched = states
    assert batched == one


def test_a_version_of_the_next_year_carries_the_decisions_left_after_its_recheck(
    db_url,  # noqa: F811
    tmp_path,
) -> None:
    """2024's cross-year finding was dismissed. One batch: a new version of 2023 that
    changes what the finding is about (2024 checked again: the decision reopened), then a
    new version of 2024. One report at a time the new 2024 carries the decisions of the
    old one as they stand after its re-check (none); the batch carried the dismissal it
    had read before it (the re-check put off to the end of the batch)."""
    from nianbao.store.review import decide_findings

    gov = "淮安市洪泽区人民政府"
    first = [
        write_json(tmp_path / "a", "y2023.txt", _flat_v(gov, 2023, 3)),
        write_json(tmp_path / "a", "y2024.txt", _flat_v(gov, 2024, 9)),
    ]
    second = [
        write_json(tmp_path / "b", "y2023b.txt", _flat_v(gov, 2023, 5, "（更正）")),
        write_json(tmp_path / "b", "y2024b.txt", _flat_v(gov, 2024, 9, "（更正）")),
    ]
    states = []
    for batch in (1, 50):
        engine = open_store(db_url if batch == 1 else _fresh(db_url, "batched"))
        try:
            if batch == 50 and not db_url.startswith("sqlite"):
                from sqlalchemy import text

                with engine.begin() as conn:
                    conn.execute(text("DELETE FROM report_events"))
            assert ingest(engine, first, batch=1).stored == 2
            with Session(engine) as s:
                rid = s.scalar(select(StoredReport.id).where(StoredReport.year == 2024))
                found = s.scalars(select(StoredFinding).where(StoredFinding.report_id == rid))
                ids = [f.id for f in found if f.origin == "cross"]
                assert ids
                decide_findings(s, ids, "dismissed", "已核实")
                s.commit()
            assert ingest(engine, second, batch=batch).stored == 2
            states.append(_versions_state(engine))
        finally:
            engine.dispose()
    one, batched = states
    assert batched == one


def test_a_batch_of_versions_that_fails_at_its_end_leaves_what_one_report_at_a_time_does(
    db_url,  # noqa: F811
    tmp_path,
    monkeypatch,
) -> None:
    """The batch's last statement fails (after its versions, supersessions, events and
    re-checks were written in its transaction): nothing of it stays, and each report
    written alone gives the store of one report per transaction (no event twice, no
    report superseded by a version that is not there)."""
    from nianbao.store import batch as batch_module
    from nianbao.store.review import decide_findings

    gov, fin = "淮安市洪泽区人民政府", "淮安市洪泽区财政局"
    first = [
        write_json(tmp_path / "a", f"a{i}.txt", f)
        for i, f in enumerate([_flat_v(gov, 2023, 3), _flat_v(gov, 2024, 9), _flat_v(fin, 2023, 2)])
    ]
    second = [
        write_json(tmp_path / "b", f"b{i}.txt", f)
        for i, f in enumerate(
            [
                _flat_v(gov, 2023, 5, "（更正）"),
                _flat_v(fin, 2023, 2, "（更正）"),
                _flat_v(gov, 2023, 6, "（再次更正）"),
                _flat_v(fin, 2024, 4),
            ]
        )
    ]
    real = batch_module._refresh_names
    calls: list[int] = []

    def failing(session, agency_ids) -> None:  # type: ignore[no-untyped-def]
        calls.append(1)
        real(session, agency_ids)
        raise RuntimeError("the batch's last statement failed")

    states = []
    for batch in (1, 50):
        engine = open_store(db_url if batch == 1 else _fresh(db_url, "batched"))
        try:
            if batch == 50 and not db_url.startswith("sqlite"):
                from sqlalchemy import text

                with engine.begin() as conn:
                    conn.execute(text("DELETE FROM report_events"))
            assert ingest(engine, first, batch=1).stored == 3
            with Session(engine) as s:
                ids = list(s.scalars(select(StoredFinding.id).order_by(StoredFinding.id)))
                decide_findings(s, ids[::2], "confirmed", "属实")
                s.commit()
            if batch == 50:
                monkeypatch.setattr(batch_module, "_refresh_names", failing)
            assert ingest(engine, second, batch=batch).stored == 4
            states.append((_versions_state(engine), _chains(engine)))
        finally:
            engine.dispose()
    assert calls == [1]
    one, batched = states
    assert batched == one


def _current(engine) -> dict[tuple, str]:
    """Each agency's year (by the agency's key): its current report's file."""
    from nianbao.store.models import Agency

    with Session(engine) as s:
        files = {f.id: f.name for f in s.scalars(select(SourceFile))}
        keys = {a.id: a.key for a in s.scalars(select(Agency))}
        return {
            (keys[r.agency_id], r.year): files[r.source_file_id]
            for r in s.scalars(
                select(StoredReport).where(
                    StoredReport.superseded_by.is_(None), StoredReport.deleted_at.is_(None)
                )
            )
            if r.agency_id is not None
        }


def test_reports_of_a_batch_keep_the_order_received_when_agencies_are_merged(
    db_url,  # noqa: F811
    tmp_path,
) -> None:
    """A batch: a report through the batch, one left to the one-report path (a year whose
    only report was deleted), then another agency's report through the batch. Merging the
    two agencies makes the report received last the current one of their year (versions
    are in id order). On PostgreSQL the last report had an id the batch drew before the
    one-report path stored its report: the merge made the earlier report current."""
    from nianbao.store.agencies import add_alias
    from nianbao.store.versions import delete_report

    gov, fin = "淮安市洪泽区人民政府", "淮安市洪泽区财政局"
    old = write_json(tmp_path / "a", "old.txt", _flat_v(gov, 2021, 1))
    second = [
        write_json(tmp_path / "b", "b0.txt", _flat_v(gov, 2022, 2)),
        write_json(tmp_path / "b", "b1.txt", _flat_v(gov, 2021, 1, "（删后重报）")),
        write_json(tmp_path / "b", "b2.txt", _flat_v(fin, 2021, 3)),
    ]
    states = []
    for batch in (1, 50):
        engine = open_store(db_url if batch == 1 else _fresh(db_url, "batched"))
        try:
            assert ingest(engine, [old], batch=1).stored == 1
            with Session(engine) as s:
                delete_report(s, s.scalar(select(StoredReport.id)))
                s.commit()
            assert ingest(engine, second, batch=batch).stored == 3
            with Session(engine) as s:
                add_alias(s, fin, gov)
                s.commit()
            states.append(_current(engine))
        finally:
            engine.dispose()
    one, batched = states
    assert one[(gov, 2021)] == "b2.txt"
    assert batched == one
