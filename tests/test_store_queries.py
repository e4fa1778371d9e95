# ruff: noqa: F811  (db_url and engine are pytest fixtures imported from test_store)
"""Store functions the web app reads through (moved from ``nianbao.web.services``): the
web tables in the migrations, paged lists, agency search, coverage grid, comparison by
ids, indicators and rankings, problem files, list exports. On SQLite, and on PostgreSQL
when NIANBAO_TEST_PG is set (the fixtures of test_store)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from nianbao.store import open_store
from nianbao.store.db import HEAD_REVISION, current_revision, migrate
from nianbao.store.export import table_bytes
from nianbao.store.indicators import (
    DENIED_ROWS,
    INDICATOR_BY_KEY,
    INDICATORS,
    MIN_DENOMINATOR,
    UNABLE_ROWS,
    agency_series,
    indicator_of,
    indicators_of,
    ranking,
)
from nianbao.store.ingest import parse_file, store_outcome
from nianbao.store.models import ReviewLog, SourceBlob, StoredReport, WebUser
from nianbao.store.queries import (
    NotFound,
    agency_where,
    compare_by_ids,
    compare_reports,
    compare_values,
    coverage_grid,
    list_report_page,
    list_reports,
    problem_files,
    report_header,
    search_agencies,
)

from .test_store import (  # noqa: F401 - db_url and engine are fixtures
    _flat,
    _small_corpus,
    db_url,
    engine,
    ingest,
    json_parse,
    write_json,
)

WEB_TABLES = {"web_source_blobs", "web_users", "web_review_log"}


# ------------------------------------------------------------------ migrations
def test_web_tables_come_with_the_migrations(engine):
    assert WEB_TABLES <= set(inspect(engine).get_table_names())
    indexes = {i["name"] for i in inspect(engine).get_indexes("web_review_log")}
    assert "ix_web_review_log_report_id" in indexes
    with Session(engine) as s, s.begin():
        now = datetime.now(UTC)
        s.add(SourceBlob(sha256="a" * 64, name="x.txt", size=3, data=b"abc", stored_at=now))
        s.add(WebUser(name="审核员", password_hash="h", created_at=now))
        s.add(
            ReviewLog(
                finding_id=1,
                report_id=1,
                fingerprint="f",
                status="confirmed",
                user="审核员",
                at=now,
            )
        )
    with Session(engine) as s:
        assert s.get(SourceBlob, "a" * 64).data == b"abc"  # type: ignore[union-attr]
        assert s.scalar(select(ReviewLog.user)) == "审核员"


def test_a_store_whose_web_tables_were_made_outside_the_migrations_keeps_their_rows(
    db_url,
):
    """Before 0002 the web app created its tables itself in a store at 0001."""
    old = open_store(db_url, migrate_now=False)
    migrate(old, "0001_initial")
    with old.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE web_users (name VARCHAR(100) NOT NULL PRIMARY KEY,"
                " password_hash VARCHAR(300) NOT NULL,"
                " created_at TIMESTAMP WITH TIME ZONE NOT NULL)"
            )
        )
        conn.execute(
            text("INSERT INTO web_users VALUES ('老用户', 'hash', :at)"), {"at": datetime.now(UTC)}
        )
    old.dispose()
    eng = open_store(db_url)
    try:
        assert current_revision(eng) == HEAD_REVISION
        assert WEB_TABLES <= set(inspect(eng).get_table_names())
        with Session(eng) as s:
            assert s.scalars(select(WebUser.name)).all() == ["老用户"]
    finally:
        eng.dispose()


# ------------------------------------------------------------------ the small corpus
# 洪泽区人民政府 2023 and 2024 (one agency under two names; 2024 breaks the carry with
# 2023) and 淮安市人民政府 2023 only.
def _ids(eng) -> dict[tuple[str, int], int]:
    with Session(eng) as s:
        return {
            (r.agency_name, r.year): r.id
            for r in s.scalars(select(StoredReport))
            if r.agency_name and r.year
        }


def test_store_outcome_force_takes_a_new_reading_of_the_same_bytes(engine, tmp_path):
    path = write_json(tmp_path, "a.txt", _flat("洪泽区人民政府", 2023))
    outcome = parse_file(str(path), parse=json_parse)
    assert store_outcome(engine, outcome, "v1") == "stored"
    assert store_outcome(engine, outcome, "v1") == "unchanged"
    assert store_outcome(engine, outcome, "v1", force=True) == "updated"
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(StoredReport)) == 1


def test_report_pages_and_headers(engine, tmp_path):
    _small_corpus(engine, tmp_path)
    with Session(engine) as s:
        rows, total = list_report_page(s, limit=2)
        assert total == 3 and len(rows) == 2
        head, file = report_header(s, rows[0][0].id)
        assert (rows[0][0].agency_name, rows[0][0].year, rows[0][0].source_file_id) == (
            head.agency_name,
            head.year,
            head.source_file_id,
        )
        assert (rows[0][1].id, rows[0][1].name, rows[0][1].sha256) == (
            file.id,
            file.name,
            file.sha256,
        )
        rest, total = list_report_page(s, offset=2, limit=2)
        assert total == 3 and len(rest) == 1
        assert {r.id for r, _ in rows + rest} == set(_ids(engine).values())
        errs, n = list_report_page(s, has_errors=True)
        assert n == 1 and errs[0][0].agency_name == "淮安市洪泽区人民政府"
        rid = errs[0][0].id
        rep, sf = report_header(s, rid)
        assert rep.id == rid and sf.id == rep.source_file_id
        with pytest.raises(NotFound, match="没有编号为 999999 的报告"):
            report_header(s, 999999)


def test_compare_by_ids_uses_the_same_rows_as_compare_reports(engine, tmp_path):
    _small_corpus(engine, tmp_path)
    ids = _ids(engine)
    a, b = ids[("洪泽区人民政府", 2023)], ids[("淮安市洪泽区人民政府", 2024)]
    other = ids[("淮安市人民政府", 2023)]
    with Session(engine) as s:
        by_ids = compare_by_ids(s, a, b, changed_only=True)
        by_years = compare_reports(s, "洪泽区人民政府", 2023, 2024, changed_only=True)
        assert by_years is not None
        assert by_ids.rows == by_years.rows == compare_values(s, a, b, changed_only=True)
        assert by_ids.same_agency
        assert [f.rule for f in by_ids.cross_findings] == ["R-CROSS-YEAR-CARRY"]
        fees = next(r for r in by_ids.rows if r.field_id == "active.fees")
        assert (fees.first, fees.second, fees.delta) == (7730.28, 7545, -185.28)
        # the other way round: the later report still gives the cross-year findings
        assert [f.rule for f in compare_by_ids(s, b, a).cross_findings] == ["R-CROSS-YEAR-CARRY"]
        # two agencies: side by side, no cross-year findings
        apart = compare_by_ids(s, a, other)
        assert not apart.same_agency and apart.cross_findings == []
        assert apart.rows == compare_values(s, a, other)
        with pytest.raises(NotFound):
            compare_by_ids(s, a, 999999)


def test_agency_search_by_any_name_a_report_used(engine, tmp_path):
    _small_corpus(engine, tmp_path)
    with Session(engine) as s:
        assert agency_where(s, None) is None and agency_where(s, "  ") is None
        found = search_agencies(s, "洪泽")
        assert len(found) == 1
        assert found[0]["years"] == [2023, 2024] and found[0]["with_errors"] == 1
        # the name the 2024 report used finds the same agency
        again = search_agencies(s, "淮安市洪泽区人民政府")
        assert [x["agency"].id for x in again] == [found[0]["agency"].id]
        assert len(search_agencies(s, None)) == 2
        assert search_agencies(s, "石家庄") == []


def test_agency_filter_takes_percent_and_underscore_as_characters(engine, tmp_path):
    """A % or _ typed into the agency filter is part of a name, not a LIKE wildcard (it
    matched every agency)."""
    _small_corpus(engine, tmp_path)
    with Session(engine) as s:
        assert len(list_reports(s)) == 3
        assert list_reports(s, agency="%") == [] and list_reports(s, agency="_") == []
        assert list_reports(s, agency="洪%区") == []
        assert len(list_reports(s, agency="洪泽")) == 2


def test_coverage_grid_counts_and_pages_in_sql(engine, tmp_path):
    _small_corpus(engine, tmp_path)
    ids = _ids(engine)
    with Session(engine) as s:
        g = coverage_grid(s)
        assert g["years"] == [2023, 2024] and g["total"] == 2
        assert g["present"] == {2023: 2, 2024: 1} and g["missing"] == {2023: 0, 2024: 1}
        cells = {r["agency"]: [None if c is None else c[0] for c in r["cells"]] for r in g["rows"]}
        assert cells["淮安市人民政府"] == [ids[("淮安市人民政府", 2023)], None]
        gaps = coverage_grid(s, only_missing=True)
        assert gaps["total"] == 1 and [r["agency"] for r in gaps["rows"]] == ["淮安市人民政府"]
        page = coverage_grid(s, offset=1, limit=1)
        assert page["total"] == 2 and len(page["rows"]) == 1
        hz = coverage_grid(s, years=[2024], q="洪泽")
        assert hz["total"] == 1 and hz["missing"] == {2024: 0}
        assert coverage_grid(s, years=[1999])["rows"][0]["cells"] == [None]
    with Session(open_store_empty(tmp_path)) as s:
        assert coverage_grid(s) == {
            "years": [],
            "rows": [],
            "total": 0,
            "missing": {},
            "present": {},
        }


def open_store_empty(tmp_path):
    return open_store(str(tmp_path / "empty.db"))


def test_problem_files_lists_what_could_not_be_used(engine, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"UNUSABLE")
    ingest(engine, [bad, write_json(tmp_path, "good.txt", _flat("洪泽区人民政府", 2023))])
    with Session(engine) as s:
        files = problem_files(s)
        assert [(f.name, f.status) for f in files] == [("bad.txt", "unusable")]
        assert "年度报告" in (files[0].error or "")
        assert problem_files(s, limit=0) == []


# ------------------------------------------------------------------ indicators
def test_indicator_guard_blank_and_zero_denominator():
    rate = INDICATOR_BY_KEY["open_rate"]
    small = indicator_of(rate, {"requests.granted.total": 3, "requests.processed_total.total": 4})
    assert small == {"value": 0.75, "num": 3, "den": 4, "guarded": False}
    big = indicator_of(rate, {"requests.granted.total": 6, "requests.processed_total.total": 12})
    assert big["value"] == 0.5 and big["guarded"]
    assert indicator_of(rate, {})["value"] is None
    assert indicator_of(rate, {"requests.processed_total.total": 0})["value"] is None
    count = indicator_of(INDICATOR_BY_KEY["received"], {"requests.new.total": 5})
    assert count == {"value": 5, "num": 5, "den": None, "guarded": True}
    assert set(indicators_of({})) == {i.key for i in INDICATORS}
    assert len(DENIED_ROWS) == 8 and len(UNABLE_ROWS) == 3
    assert MIN_DENOMINATOR == 10


def test_ranking_and_agency_series(engine, tmp_path):
    _small_corpus(engine, tmp_path)
    ids = _ids(engine)
    with Session(engine) as s:
        r = ranking(s, 2023, "received")
        entries = r["ranked"] + r["unranked"]
        # the canonical name (one report each: the longer name), whatever the ingest order
        assert sorted(e["agency"] for e in entries) == ["淮安市人民政府", "淮安市洪泽区人民政府"]
        assert all(e["value"] == e["indicators"]["received"]["value"] for e in entries)
        assert r["guard"] == ""  # a count has no denominator to guard
        latest = ranking(s, None, "open_rate")
        assert latest["year"] == 2024 and latest["guard"].startswith("样本量保护")
        assert [e["report_id"] for e in latest["ranked"] + latest["unranked"]] == [
            ids[("淮安市洪泽区人民政府", 2024)]
        ]
        assert ranking(s, 2023, "received", q="淮安市人民政府")["ranked"][0]["agency"] == (
            "淮安市人民政府"
        )
        with pytest.raises(ValueError, match="没有名为"):
            ranking(s, 2023, "no_such")
        agency_id = search_agencies(s, "洪泽")[0]["agency"].id
        d = agency_series(s, agency_id)
        assert d["years"] == [2023, 2024]
        assert d["report_ids"] == [
            ids[("洪泽区人民政府", 2023)],
            ids[("淮安市洪泽区人民政府", 2024)],
        ]
        denied = d["charts"]["denied"]["series"]
        assert [x["name"] for x in denied][:2] == ["国家秘密", "法律法规禁止"] and len(denied) == 8
        assert len(d["charts"]["unable"]["series"]) == 3
        assert len(d["indicators"]) == 2
        with pytest.raises(NotFound, match="机关"):
            agency_series(s, 999999)


# ------------------------------------------------------------------ list exports
def test_table_bytes_csv_and_xlsx():
    from openpyxl import load_workbook

    headers, rows = ["机关", "年度", "件数"], [["甲", 2023, None], ["乙", 2024, 0]]
    data = table_bytes(headers, rows, "csv", "覆盖")
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == ["机关,年度,件数", "甲,2023,", "乙,2024,0"]
    wb = load_workbook(io.BytesIO(table_bytes(headers, rows, "xlsx", "覆盖情况")))
    ws = wb["覆盖情况"]
    assert [[c.value for c in r] for r in ws.iter_rows()] == [
        headers,
        ["甲", 2023, None],
        ["乙", 2024, 0],
    ]
    with pytest.raises(ValueError, match="不支持的导出格式"):
        table_bytes(headers, rows, "pdf", "x")


def test_export_bytes_gives_the_exporters_files(engine, tmp_path):
    from openpyxl import load_workbook

    from nianbao.store.export import export_bytes, export_findings

    _small_corpus(engine, tmp_path)
    data = export_bytes(engine, "findings", "csv")
    export_findings(engine, tmp_path / "f.csv", "csv", "zh")
    assert data == (tmp_path / "f.csv").read_bytes() and "R-CROSS-YEAR-CARRY" in data.decode()
    wide = load_workbook(io.BytesIO(export_bytes(engine, "reports", "xlsx", year=2023)))
    assert wide.worksheets[0].max_row == 3  # header + two reports of 2023
    long = export_bytes(engine, "values", "csv", agency="淮安市人民政府")
    assert long.decode("utf-8-sig").count("\n") > 10
    with pytest.raises(ValueError, match="不能导出"):
        export_bytes(engine, "nothing", "csv")
    with pytest.raises(ValueError, match="不支持的导出格式"):
        export_bytes(engine, "reports", "parquet")
