"""Batched ingest: agencies the store knows by their names are taken from one lookup per
batch, and give the same agencies as resolving each name; a name that still has something
to fill in (a level, a short key to claim) goes through ``resolve_agency``. SQLite, and
PostgreSQL when NIANBAO_TEST_PG is set."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nianbao.store import open_store
from nianbao.store.models import Agency, AgencyAlias, StoredReport

from .test_store import db_url, gold, ingest, write_json  # noqa: F401


def _flat(name: str, year: int, level: str | None = None) -> dict:
    flat = gold("hongze-2024.gold.json")
    flat["meta.agency"], flat["meta.year"] = name, year
    flat["meta.title"] = f"{name}{year}年政府信息公开工作年度报告"
    if level:
        flat["meta.admin_level"] = level
    return flat


def test_known_agencies_batched_match_resolving_each_name(db_url, tmp_path) -> None:  # noqa: F811
    engine = open_store(db_url)
    try:
        first = [
            write_json(tmp_path / "a", f"{i}.txt", _flat(name, 2022))
            for i, name in enumerate(["淮安市洪泽区人民政府", "淮安市洪泽区财政局"])
        ]
        assert ingest(engine, first, batch=50).stored == 2
        with Session(engine) as s:
            before = {a.key: a.id for a in s.scalars(select(Agency))}
            aliases = s.scalar(select(AgencyAlias.id).order_by(AgencyAlias.id.desc()).limit(1))
        # the next year: the same names (taken from the batch's lookup), one with a level
        # to fill in, and the short name of one (resolved as before)
        second = [
            write_json(tmp_path / "b", "0.txt", _flat("淮安市洪泽区人民政府", 2023)),
            write_json(tmp_path / "b", "1.txt", _flat("淮安市洪泽区财政局", 2023, "county")),
            write_json(tmp_path / "b", "2.txt", _flat("洪泽区人民政府", 2024)),
        ]
        assert ingest(engine, second, batch=50).stored == 3
        with Session(engine) as s:
            after = {a.key: a for a in s.scalars(select(Agency))}
            assert {k: a.id for k, a in after.items()} == before  # no agency made twice
            reports = s.execute(
                select(StoredReport.agency_name, StoredReport.year, StoredReport.agency_id)
            ).all()
            by = {(n, y): aid for n, y, aid in reports}
            gov = by[("淮安市洪泽区人民政府", 2022)]
            assert by[("淮安市洪泽区人民政府", 2023)] == gov
            assert by[("洪泽区人民政府", 2024)] == gov
            fin = by[("淮安市洪泽区财政局", 2022)]
            assert by[("淮安市洪泽区财政局", 2023)] == fin
            assert s.get(Agency, fin).level == "county"  # filled in by resolve_agency
            new_aliases = s.scalars(select(AgencyAlias).where(AgencyAlias.id > aliases)).all()
            assert all(a.agency_id in (gov, fin) for a in new_aliases)
    finally:
        engine.dispose()


def _agencies_of(engine) -> tuple[set[tuple], set[tuple]]:
    """(agencies, aliases) by their keys, not their ids."""
    with Session(engine) as s:
        ags = {a.id: a for a in s.scalars(select(Agency))}
        key = {i: a.key for i, a in ags.items()}
        agencies = {(a.key, a.name, a.kind, a.level, key.get(a.parent_id)) for a in ags.values()}
        aliases = {
            (al.alias_key, key[al.agency_id], al.name, al.source, bool(al.ambiguous))
            for al in s.scalars(select(AgencyAlias))
        }
        reports = {
            (r.agency_name, r.year, key.get(r.agency_id)) for r in s.scalars(select(StoredReport))
        }
    return agencies, aliases | {("report", *r) for r in reports}


def test_new_agencies_in_a_batch_match_resolving_each_name(db_url, tmp_path) -> None:  # noqa: F811
    """Agencies the batch creates in Core statements (no key of the name taken), and a
    short name later used as a full name, come out as resolve_agency makes them one
    report at a time: the same agencies, parents, kinds, levels and alias keys."""
    names = [
        ("淮安市人民政府", 2022, None),
        ("淮安市洪泽区人民政府", 2022, "county"),
        ("淮安市洪泽区财政局", 2022, None),
        ("洪泽区财政局", 2023, None),  # a short key of the one before, now a full name
        ("淮安市清江浦区财政局", 2022, None),
        ("清江浦区财政局", 2023, None),
        ("淮安市洪泽区人民政府", 2023, None),
    ]
    files = [
        write_json(tmp_path / "in", f"{i}.txt", _flat(n, y, level))
        for i, (n, y, level) in enumerate(names)
    ]
    one, batched = _one_and_batched(db_url, files)
    assert batched[0] == one[0]


def _stored(engine) -> set[tuple]:
    """Each stored report and its findings, by file name rather than by id."""
    from nianbao.store.models import SourceFile, StoredFinding

    with Session(engine) as s:
        files = {f.id: f.name for f in s.scalars(select(SourceFile))}
        reps = {r.id: r for r in s.scalars(select(StoredReport))}
        name = {rid: files[r.source_file_id] for rid, r in reps.items()}
        out: set[tuple] = {
            (
                name[r.id],
                r.agency_name,
                r.year,
                r.version,
                name.get(r.superseded_by) if r.superseded_by else None,
                r.n_errors,
                r.n_warnings,
                r.n_infos,
            )
            for r in reps.values()
        }
        for f in s.scalars(select(StoredFinding)):
            prev = name.get(f.prev_report_id) if f.prev_report_id else None
            out.add(("finding", name[f.report_id], f.origin, f.rule, prev, f.values_digest))
    return out


def test_a_mixed_batch_stores_what_one_report_at_a_time_stores(
    db_url,  # noqa: F811
    tmp_path,
    monkeypatch,
) -> None:
    """One batch mixing the fast path (ids assigned in the batch on SQLite, rows written
    at its end) with what it hands to the one-report path: a year whose predecessor is
    earlier in the same batch, a next year arriving first, a second version of a year,
    then more reports of that agency. Same reports, versions and findings as one report
    per transaction."""
    carry = _flat("淮安市洪泽区人民政府", 2022)
    carry["requests.carried_forward.total"] = 7  # so group J has something to say
    later = _flat("淮安市洪泽区人民政府", 2023)
    later["requests.carried_over.total"] = 5
    again = dict(later, **{"meta.title": "淮安市洪泽区人民政府2023年报告（更正）"})
    flats = [
        _flat("淮安市洪泽区财政局", 2024),  # the next year first
        carry,
        later,  # its predecessor earlier in this batch
        _flat("淮安市洪泽区财政局", 2023),  # re-checks 2024
        again,  # a second version of 2023: the one-report path
        _flat("淮安市洪泽区人民政府", 2024),  # after it, the fast path again
        _flat("淮安市洪泽区人民政府", 2025),  # its predecessor not yet written
        _flat("淮安市洪泽区财政局", 2022),
    ]
    files = [write_json(tmp_path / "in", f"{i}.txt", f) for i, f in enumerate(flats)]
    one = open_store(db_url)
    try:
        assert ingest(one, files, batch=1).stored == len(flats)
        expected = _stored(one)
    finally:
        one.dispose()
    if db_url.startswith("sqlite"):
        other = db_url.replace("store.db", "batched.db")
    else:
        from sqlalchemy import text

        eng = open_store(db_url)
        with eng.begin() as conn:
            for t in ("findings", "report_cells", "report_events", "reports", "source_files"):
                conn.execute(text(f"DELETE FROM {t}"))
        eng.dispose()
        other = db_url
    from nianbao.store import batch as batch_module

    writers: list = []
    real_init = batch_module.BatchWriter.__init__

    def init(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        real_init(self, *args, **kwargs)
        writers.append(self)

    monkeypatch.setattr(batch_module.BatchWriter, "__init__", init)
    batched = open_store(other)
    try:
        assert ingest(batched, files, batch=50).stored == len(flats)
        assert _stored(batched) == expected
        # written as one batch, not report by report after a failed batch
        assert [(w.batches, w.fallbacks) for w in writers] == [(1, 0)]
    finally:
        batched.dispose()
    assert any(x[0] == "finding" and x[2] == "cross" for x in expected)
    assert any(x[0] != "finding" and x[4] is not None for x in expected)  # a superseded one


def _one_and_batched(url: str, files: list) -> tuple[tuple, tuple]:
    """The files stored one report at a time, then into a fresh store in one batch:
    (agencies and aliases, stored reports and findings) of each."""
    out = []
    for batch in (1, 50):
        # (on PostgreSQL the second store is the same schema emptied after the first run)
        engine = open_store(url if batch == 1 else _fresh(url, "batched"))
        try:
            assert ingest(engine, files, batch=batch).stored == len(files)
            out.append((_agencies_of(engine), _stored(engine)))
        finally:
            engine.dispose()
    return out[0], out[1]


def _fresh(url: str, name: str) -> str:
    """A second empty store beside the test's: a file on SQLite, the same schema emptied
    on PostgreSQL."""
    if url.startswith("sqlite"):
        return url.replace("store.db", f"{name}.db")
    from sqlalchemy import text

    eng = open_store(url)
    with eng.begin() as conn:
        for t in ("findings", "report_cells", "reports", "source_files"):
            conn.execute(text(f"DELETE FROM {t}"))
        conn.execute(text("DELETE FROM agency_aliases"))
        conn.execute(text("DELETE FROM agencies"))
    eng.dispose()
    return url


def test_a_short_key_two_names_share_is_resolved_in_order_in_a_batch(
    db_url,  # noqa: F811
    tmp_path,
) -> None:
    """Two districts of the same name in two cities share their short key, which the
    second makes ambiguous; the bare short name after them is an agency of its own. A
    batch decides each name as resolving them one at a time does (it gave the second
    city's bureau and the bare name the first city's agency, and cross-year findings
    against its report)."""
    names = [("南京市鼓楼区教育局", 2022), ("苏州市鼓楼区教育局", 2022), ("鼓楼区教育局", 2023)]
    files = [write_json(tmp_path / "in", f"{i}.txt", _flat(n, y)) for i, (n, y) in enumerate(names)]
    one, batched = _one_and_batched(db_url, files)
    assert batched == one
    # each name an agency of its own (the reports' agencies, by key)
    assert len({t[3] for t in batched[0][1] if t[0] == "report"}) == 3


def test_a_batch_checks_a_year_against_the_current_report_only(db_url, tmp_path) -> None:  # noqa: F811
    """The year − 1 report of an agency was deleted: the next year's report has nothing to
    be checked against (the batch checked it against the deleted one)."""
    from nianbao.store.models import StoredFinding
    from nianbao.store.versions import delete_report

    engine = open_store(db_url)
    try:
        first = _flat("淮安市洪泽区水利局", 2022)
        first["requests.carried_forward.total"] = 7
        assert ingest(engine, [write_json(tmp_path, "a.txt", first)], batch=1).stored == 1
        with Session(engine) as s:
            delete_report(s, s.scalar(select(StoredReport.id)))
            s.commit()
        nxt = _flat("淮安市洪泽区水利局", 2023)
        nxt["requests.carried_over.total"] = 5
        files = [
            write_json(tmp_path, "b.txt", nxt),
            write_json(tmp_path, "c.txt", _flat("淮安市洪泽区财政局", 2023)),
        ]
        assert ingest(engine, files, batch=50).stored == 2
        with Session(engine) as s:
            cross = s.scalars(select(StoredFinding).where(StoredFinding.origin == "cross")).all()
        assert cross == []
    finally:
        engine.dispose()


def test_batches_commit_without_waiting_for_the_disk_and_the_ingest_ends_durable(
    db_url,  # noqa: F811
    tmp_path,
    monkeypatch,
) -> None:
    """On PostgreSQL only an ingest's batches commit with synchronous_commit off; every
    other write (a review, an account) waits for the disk. The ingest ends with
    ``make_durable``, after its last batch."""
    from sqlalchemy import func

    import nianbao.store.ingest as ing
    from nianbao.store.db import ingest_engine, make_durable, write_engine

    engine = open_store(db_url)
    try:
        if engine.dialect.name == "postgresql":
            for eng, expected in ((ingest_engine(engine), "off"), (write_engine(engine), "on")):
                with eng.begin() as conn:
                    assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == expected
        stored_then: list[int] = []

        def durable(eng) -> None:  # type: ignore[no-untyped-def]
            with Session(eng) as s:
                stored_then.append(s.scalar(select(func.count()).select_from(StoredReport)))
            make_durable(eng)

        monkeypatch.setattr(ing, "make_durable", durable)
        files = [
            write_json(tmp_path / "d", f"{i}.txt", _flat(f"淮安市洪泽区第{i}局", 2022))
            for i in range(3)
        ]
        summary = ingest(engine, files)
        assert summary.stored == 3
        assert stored_then == [3]
    finally:
        engine.dispose()


def test_an_agencys_years_in_order_in_one_batch_match_one_report_at_a_time(
    db_url,  # noqa: F811
    tmp_path,
) -> None:
    """Files in the order of their agency and year (a folder per agency): each year's
    group J reads the year before from the same batch, as stored; the same reports and
    findings (their values' digests too) as one report per transaction."""
    flats = []
    for name in ("淮安市洪泽区人民政府", "淮安市洪泽区财政局"):
        for year in (2021, 2022, 2023, 2024):
            flat = _flat(name, year)
            flat["requests.carried_forward.total"] = year - 2020  # group J has a say
            flat["requests.carried_over.total"] = year - 2019
            flats.append(flat)
    files = [write_json(tmp_path / "in", f"{i}.txt", f) for i, f in enumerate(flats)]
    (agencies_one, one), (agencies_batched, batched) = _one_and_batched(db_url, files)
    assert batched == one and agencies_batched == agencies_one
    assert sum(x[0] == "finding" and x[2] == "cross" for x in one) >= 6


def _versions_state(engine) -> set[tuple]:
    """``_stored`` plus what a new version carries: each finding's decision, and the
    events logged (report ids in their details written as file names)."""
    import re

    from nianbao.store.models import ReportEvent, SourceFile, StoredFinding

    out = _stored(engine)
    with Session(engine) as s:
        files = {f.id: f.name for f in s.scalars(select(SourceFile))}
        name = {r.id: files[r.source_file_id] for r in s.scalars(select(StoredReport))}
        for f in s.scalars(select(StoredFinding)):
            out.add(("decision", name[f.report_id], f.origin, f.rule, f.status, f.note))
        for e in s.scalars(select(ReportEvent)):
            detail = re.sub(
                r"报告 (\d+)", lambda m: f"报告 {name[int(m.group(1))]}", e.detail or ""
            )
            out.add(("event", name[e.report_id], e.action, detail, e.year))
    return out


def test_new_versions_in_a_batch_match_one_report_at_a_time(
    db_url,  # noqa: F811
    tmp_path,
    monkeypatch,
) -> None:
    """New versions of an agency's year go through the batch (numbered, the current one
    superseded, its decisions carried, both logged, the next year checked again against
    them): the same store as one report per transaction. Among them a second new version
    of one year in the same batch (it carries the decisions the first carried), and a
    year whose only report was deleted (left to the one-report path)."""
    from nianbao.store import batch as batch_module
    from nianbao.store.models import StoredFinding
    from nianbao.store.review import decide_findings
    from nianbao.store.versions import delete_report

    alone: list[str] = []  # files the batch left to the one-report path
    real_store = batch_module._store

    def store(session, outcome, version):  # type: ignore[no-untyped-def]
        alone.append(outcome.name)
        return real_store(session, outcome, version)

    monkeypatch.setattr(batch_module, "_store", store)

    def flat(name: str, year: int, over: int, title: str = "") -> dict:
        f = _flat(name, year)
        f["requests.carried_forward.total"] = over  # group J has a say
        f["requests.carried_over.total"] = over + 1
        f["meta.title"] += title
        return f

    gov, fin = "淮安市洪泽区人民政府", "淮安市洪泽区财政局"
    first = [flat(gov, 2022, 3), flat(gov, 2023, 4), flat(fin, 2023, 5), flat(fin, 2024, 6)]
    first.append(flat(gov, 2024, 7))
    second = [
        flat(gov, 2023, 9, "（更正）"),  # a version: decisions carried, 2024 checked again
        flat(fin, 2023, 5, "（更正）"),  # a version with the same findings
        flat(gov, 2023, 9, "（再次更正）"),  # a second version in the same batch
        flat(gov, 2022, 2, "（更正）"),  # a version whose next year is current
        flat(fin, 2022, 1),  # a year before, as a first report
        # a third version of 2023, whose current one (b2) this batch made and still owes
        # a check against its new 2022 (b3)
        flat(gov, 2023, 9, "（三次更正）"),
        flat(gov, 2021, 1, "（删后重报）"),  # a year whose only report was deleted
    ]
    files1 = [write_json(tmp_path / "a", f"a{i}.txt", f) for i, f in enumerate(first)]
    deleted = write_json(tmp_path / "a", "old2021.txt", flat(gov, 2021, 1))
    files2 = [write_json(tmp_path / "b", f"b{i}.txt", f) for i, f in enumerate(second)]
    states = []
    for batch in (1, 50):
        engine = open_store(db_url if batch == 1 else _fresh(db_url, "batched"))
        try:
            if batch == 50 and not db_url.startswith("sqlite"):
                from sqlalchemy import text

                with engine.begin() as conn:
                    conn.execute(text("DELETE FROM report_events"))
            assert ingest(engine, [*files1, deleted], batch=1).stored == len(first) + 1
            with Session(engine) as s:
                rid = s.scalar(select(StoredReport.id).where(StoredReport.year == 2021))
                delete_report(s, rid)
                found = s.scalars(select(StoredFinding).order_by(StoredFinding.id)).all()
                assert len(found) >= 4
                # every other finding, and every cross-year one (which a re-check reopens)
                decided = [f.id for i, f in enumerate(found) if i % 2 == 0 or f.origin == "cross"]
                decide_findings(s, decided, "dismissed", "已核实")
                s.commit()
            alone.clear()
            assert ingest(engine, files2, batch=batch).stored == len(second)
            states.append(_versions_state(engine))
        finally:
            engine.dispose()
    one, batched = states
    assert batched == one
    assert sorted(alone) == ["b6.txt"]  # the rest went through the batch
    events = {x[2] for x in one if x[0] == "event"}
    assert {"supersede", "carry"} <= events
    assert any(x[0] == "decision" and x[1].startswith("b") and x[4] == "dismissed" for x in one)
    assert max(x[3] for x in one if x[0] not in ("finding", "decision", "event")) == 4
