"""The web app at scale, by outcomes (never by times): the report list read through
migration 0006's indexes gives the same pages and counts as a plain reading of every
report; remembered counts follow the store's changes; the agency filter finds what it
found before; and the pages issue the same number of SQL statements for 50 reports as
for 500 (no statement per report, no N+1). The stores are made by ``bench/web_store.py``
(SQLite)."""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session

from nianbao.store import queries as sq
from nianbao.store.agencies import find_agency, name_keys
from nianbao.store.db import open_store, session_scope
from nianbao.store.indicators import ranking
from nianbao.store.models import Agency, StoredReport
from nianbao.store.versions import current_filter, delete_report, restore_report

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="no samples")


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("web_store", REPO / "bench" / "web_store.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _store(path: Path, n: int) -> str:
    db = str(path / f"gen{n}.db")
    _generator().build(db, n, seed=3, chunk=200)
    return db


@pytest.fixture(scope="module")
def store300(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _store(tmp_path_factory.mktemp("scale"), 300)


def _plain(
    s: Session, year: int | None, has_errors: bool, sort: str, agency_ids: set[int] | None
) -> list[int]:
    """Every report read, filtered and sorted in Python: what a page must show."""
    rows = [
        r
        for r in s.scalars(select(StoredReport).where(current_filter()))
        if (year is None or r.year == year)
        and (not has_errors or r.n_errors > 0)
        and (agency_ids is None or r.agency_id in agency_ids)
    ]
    if sort == "errors":
        rows.sort(key=lambda r: (-r.n_errors, -r.id))
    elif sort == "newest":
        rows.sort(key=lambda r: -r.id)
    else:
        rows.sort(key=lambda r: (r.agency_key or "", r.year or 0, r.id))
    return [r.id for r in rows]


def test_report_list_pages_and_counts_match_a_plain_reading(store300: str) -> None:
    engine = open_store(store300)
    with Session(engine) as s:
        for year in (None, 2022):
            for has_errors in (False, True):
                for sort in ("agency", "errors", "newest"):
                    want = _plain(s, year, has_errors, sort, None)
                    for offset in (0, 100, 250):
                        rows, total = sq.list_report_page(
                            s, None, year, has_errors, offset, 100, sort
                        )
                        assert [r.id for r, _ in rows] == want[offset : offset + 100]
                        assert total == len(want)
                        assert all(sf.id == r.source_file_id for r, sf in rows)
    engine.dispose()


def _old_agency_filter(s: Session, agency: str) -> set[int]:
    """The agency filter as it was: a name that does not resolve is looked for in every
    report's name and key."""
    found = find_agency(s, agency)
    if found is not None:
        return set(
            s.scalars(
                select(StoredReport.id).where(StoredReport.agency_id == found.id, current_filter())
            )
        )
    keys = name_keys(agency) or (agency,)
    cond = StoredReport.agency_key.like(f"%{keys[-1]}%") | StoredReport.agency_name.like(
        f"%{agency}%"
    )
    return set(s.scalars(select(StoredReport.id).where(cond, current_filter())))


def test_the_agency_filter_finds_what_it_found_before(store300: str) -> None:
    engine = open_store(store300)
    with Session(engine) as s:
        names = list(s.scalars(select(Agency.name).order_by(Agency.id)))
        texts = [
            names[0],
            names[7][:-3],
            names[12][3:8],
            "人民政府",
            "财政局",
            "江苏省",
            "无此机关",
        ]
        for t in texts:
            rows, total = sq.list_report_page(s, t, None, False, 0, 1000)
            assert {r.id for r, _ in rows} == _old_agency_filter(s, t), t
            assert total == len(rows)
    engine.dispose()


def test_remembered_counts_follow_deletes_restores_and_new_reports(store300: str) -> None:
    engine = open_store(store300)
    with Session(engine) as s:
        before = sq.count_reports(s)
        assert before == len(_plain(s, None, False, "agency", None))
        in_2021 = sq.count_reports(s, year=2021)
        rid = _plain(s, 2021, False, "agency", None)[0]
    with session_scope(engine) as s:
        delete_report(s, rid)
    with Session(engine) as s:
        assert sq.count_reports(s) == before - 1
        assert sq.count_reports(s, year=2021) == in_2021 - 1
        assert len(_plain(s, None, False, "agency", None)) == before - 1
    with session_scope(engine) as s:
        restore_report(s, rid)
    with Session(engine) as s:
        assert sq.count_reports(s) == before
        assert sq.count_reports(s, year=2021) == in_2021
    engine.dispose()


def _ranked(s: Session, year: int) -> list[tuple[Any, ...]]:
    r = ranking(s, year)
    return [(e["agency_id"], e["report_id"], e["value"], e["rank"]) for e in r["ranked"]] + [
        (e["agency_id"], e["report_id"], e["value"], None) for e in r["unranked"]
    ]


def test_remembered_coverage_and_ranking_agree_with_a_recomputation(store300: str) -> None:
    engine = open_store(store300)
    with Session(engine) as s:
        g1, r1 = sq.coverage_grid(s), _ranked(s, 2022)
        rid = r1[0][1]
    with session_scope(engine) as s:
        delete_report(s, rid)
    try:
        with Session(engine) as s:
            g2, r2 = sq.coverage_grid(s), _ranked(s, 2022)
            sq._COUNTS.clear()  # nothing remembered: computed afresh
            sq._BIG.clear()
            assert sq.coverage_grid(s) == g2
            assert _ranked(s, 2022) == r2
        assert g2["present"][2022] == g1["present"][2022] - 1
        assert rid not in {x[1] for x in r2}
        assert len(r2) == len(r1) - 1
    finally:
        with session_scope(engine) as s:
            restore_report(s, rid)
    with Session(engine) as s:
        assert sq.coverage_grid(s) == g1
        assert _ranked(s, 2022) == r1
    engine.dispose()


def test_a_remembered_ranking_follows_an_agency_renamed(store300: str) -> None:
    """The ranking without a search is remembered; a new name (or level, kind) of an
    agency, which does not change the store's stamp, is still shown at once."""
    engine = open_store(store300)
    with Session(engine) as s:
        first = ranking(s, 2022)["ranked"][0]
        aid, old = first["agency_id"], first["agency"]
        assert ranking(s, 2022)["ranked"][0]["agency"] == old  # remembered: the same
    with session_scope(engine) as s:
        ag = s.get(Agency, aid)
        assert ag is not None
        ag.name = old + "（更名）"
    try:
        with Session(engine) as s:
            names = {e["agency_id"]: e["agency"] for e in ranking(s, 2022)["ranked"]}
            assert names[aid] == old + "（更名）"
    finally:
        with session_scope(engine) as s:
            ag = s.get(Agency, aid)
            assert ag is not None
            ag.name = old
    engine.dispose()


def test_remembered_roster_coverage_follows_marks_regions_and_deletes(store300: str) -> None:
    """The roster coverage of a year is remembered; a 未发布 mark, a roster agency moved to
    another region and a deleted report (none of which but the last changes the store's
    stamp) are shown at once, and it equals a recomputation."""
    from nianbao.store.models import RosterEntry
    from nianbao.store.roster import expected_coverage, mark_unpublished

    engine = open_store(store300)

    def lines() -> dict[int, tuple[Any, ...]]:
        with Session(engine) as s:
            cov = expected_coverage(s, 2022)
            return {ln.agency_id: (ln.status, ln.region, ln.report_id, ln.note) for ln in cov.lines}

    first = lines()
    assert lines() == first
    moved, gone = [a for a, v in first.items() if v[2] is not None][:2]
    with session_scope(engine) as s:
        entry = s.scalar(select(RosterEntry).where(RosterEntry.agency_id == moved))
        assert entry is not None
        old_region, entry.region = entry.region, "另一地区"
    with session_scope(engine) as s:
        delete_report(s, first[gone][2])
    with session_scope(engine) as s:
        mark_unpublished(s, str(gone), 2022, "核实未发布")
    try:
        now = lines()
        assert now[moved][1] == "另一地区"
        assert now[gone][0] == "unpublished" and now[gone][3] == "核实未发布"
        with session_scope(engine) as s:
            mark_unpublished(s, str(gone), 2022, None, True)
        assert lines()[gone][0] == "missing"
        sq._BIG.clear()
        assert lines()[gone][0] == "missing"
    finally:
        with session_scope(engine) as s:
            entry = s.scalar(select(RosterEntry).where(RosterEntry.agency_id == moved))
            assert entry is not None
            entry.region = old_region
            restore_report(s, first[gone][2])
    assert lines() == first
    engine.dispose()


def test_the_list_is_read_from_a_covering_index(store300: str) -> None:
    engine = open_store(store300)
    with Session(engine) as s:
        for sort, index in (
            ("agency", "ix_reports_current_list"),
            ("errors", "ix_reports_current_errors"),
        ):
            q = (
                select(StoredReport.id)
                .where(current_filter())
                .order_by(*sq.REPORT_SORTS[sort])
                .limit(100)
            )
            sql = str(q.compile(engine, compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(r[-1]) for r in s.execute(text("EXPLAIN QUERY PLAN " + sql)))
            assert f"COVERING INDEX {index}" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
    engine.dispose()


# ------------------------------------------------------------------ statements per page
class _Counter:
    def __init__(self, engine: Engine) -> None:
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._on)

    def _on(self, *args: Any, **kwargs: Any) -> None:
        self.n += 1


def _statements(db: str) -> Iterator[tuple[str, int]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from nianbao.web.app import create_app

    app = create_app(db)
    engine = app.state.web.engine
    with Session(engine) as s:
        rid = s.scalar(select(StoredReport.id).where(current_filter()).order_by(StoredReport.id))
        aid = s.scalar(select(Agency.id).order_by(Agency.id))
    counter = _Counter(engine)
    pages = [
        "/",
        "/reports",
        "/reports?page=2",
        "/reports?year=2022&has_errors=true",
        "/reports?sort=errors",
        "/reports?agency=江苏省",
        f"/reports/{rid}",
        f"/agencies/{aid}",
        "/api/v1/reports",
        "/api/v1/reports?offset=20&limit=10&sort=newest",
        f"/api/v1/reports/{rid}",
        f"/api/v1/agencies/{aid}",
        "/api/v1/health",
        "/coverage?view=all",
        "/api/v1/coverage",
        "/ranking",
    ]
    with TestClient(app) as client:
        for url in pages:
            client.get(url)  # warm: the remembered counts are filled
            counter.n = 0
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
            yield url, counter.n
    engine.dispose()


def test_pages_issue_as_many_statements_for_600_reports_as_for_150(tmp_path: Path) -> None:
    # both more than a page of the list (100), so that both count their lists
    small = dict(_statements(_store(tmp_path, 150)))
    big = dict(_statements(_store(tmp_path, 600)))
    assert small == big
    assert max(big.values()) <= 12, big


def test_wildcards_typed_in_a_search_are_characters(store300: str) -> None:
    """A %, _, / or \\ typed into the report list's or the agency search's box is a character
    of the name (no name here has one), not a LIKE wildcard (the normalised key drops
    them, so a text of nothing else matches no name)."""
    engine = open_store(store300)
    with Session(engine) as s:
        for t in ("%", "_", "__", "/", "//%", "%_%", "\\", "\\%"):
            rows, total = sq.list_report_page(s, t, None, False, 0, 1000)
            assert rows == [] and total == 0, t
            assert sq.search_agencies(s, t) == [], t
        assert sq.search_agencies(s, "人民政府")
    engine.dispose()
