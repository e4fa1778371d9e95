"""The corpus store on SQLite, and on PostgreSQL when NIANBAO_TEST_PG is set (a URL such
as postgresql+psycopg://postgres@127.0.0.1:5432/test): the same tests on both."""

from __future__ import annotations

import json
import os
import uuid
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.orm import Session

from nianbao.errors import NotAReport
from nianbao.report import Report
from nianbao.store import open_store
from nianbao.store.agencies import name_keys, normalize_name
from nianbao.store.compact import provenance_dict, unpack_cells
from nianbao.store.db import HEAD_REVISION, current_revision, resolve_url
from nianbao.store.ingest import collect_files, ingest_files, load_report
from nianbao.store.models import (
    Agency,
    SourceFile,
    StoredCells,
    StoredFinding,
    StoredReport,
)
from nianbao.store.queries import (
    compare_reports,
    coverage,
    decide_finding,
    find_report,
    list_reports,
    stored_cells,
)

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
PEER = SAMPLES / "peer"


def stored_value(s: Session, report_id: int, field_id: str) -> SimpleNamespace | None:
    """One stored cell with the columns' names (the store keeps a report's cells in one
    row, ``compact.pack_cells``)."""
    for fid, vi, vd, blank, raw, prov in stored_cells(s, report_id):
        if fid == field_id:
            return SimpleNamespace(
                field_id=fid,
                value_int=vi,
                value_dec=vd,
                blank=blank,
                raw=raw,
                provenance=provenance_dict(prov),
            )
    return None


def n_cells(s: Session) -> int:
    """The cells of every stored report."""
    return sum(len(unpack_cells(c)) for c in s.scalars(select(StoredCells.cells)))


PG_URL = os.environ.get("NIANBAO_TEST_PG")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


# ------------------------------------------------------------------ fixtures / fakes
def pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A fresh empty store: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    schema = "nianbao_test_" + uuid.uuid4().hex[:10]
    admin = create_engine(resolve_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_schema_url(resolve_url(PG_URL), schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url):
    eng = open_store(db_url)
    yield eng
    eng.dispose()


def json_parse(data: bytes, source: str = "") -> Report:
    """A parse fake: a flat JSON (gold form) is the report; markers make it fail."""
    if data.startswith(b"UNUSABLE"):
        raise NotAReport("这不像是一份政府信息公开工作年度报告。")
    if data.startswith(b"CRASH"):
        raise RuntimeError("boom")
    return Report.from_flat(json.loads(data), source=source)


def gold(name: str) -> dict:
    path = PEER / name if (PEER / name).exists() else SAMPLES / name
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(folder: Path, name: str, flat: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(json.dumps(flat, ensure_ascii=False), encoding="utf-8")
    return p


def ingest(engine, files, **kw):
    kw.setdefault("workers", 0)
    kw.setdefault("parse", json_parse)
    return ingest_files([str(f) for f in files], engine, **kw)


def gold_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "gold"
    for f in sorted(SAMPLES.glob("*.gold.json")) + sorted(PEER.glob("hongze-*.gold.json")):
        write_json(folder, f.name.replace(".gold.json", ".txt"), json.loads(f.read_text("utf-8")))
    return folder


# ------------------------------------------------------------------ schema
def test_url_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    assert resolve_url(None) == "sqlite:///nianbao.db"
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("NIANBAO_DB", "postgresql://u@h/other")
    assert resolve_url(None) == "postgresql+psycopg://u@h/other"


def test_migrations_run_on_first_use(engine):
    assert current_revision(engine) == HEAD_REVISION
    tables = set(inspect(engine).get_table_names())
    assert {
        "source_files",
        "reports",
        "report_cells",
        "findings",
        "agencies",
        "agency_aliases",
    } <= tables
    indexes = {i["name"] for i in inspect(engine).get_indexes("reports")}
    assert {"ix_reports_agency_year", "ix_reports_year"} <= indexes
    # opening again finds the schema current and does nothing
    open_store(engine.url.render_as_string(hide_password=False)).dispose()
    assert current_revision(engine) == HEAD_REVISION


# ------------------------------------------------------------------ ingest
def test_ingest_twice_stores_nothing_new(engine, tmp_path):
    folder = gold_folder(tmp_path)
    files = collect_files([folder])
    assert len(files) == 7
    first = ingest(engine, files)
    assert (first.stored, first.unchanged, first.failed, first.unusable) == (7, 0, [], [])
    second = ingest(engine, files)
    assert (second.stored, second.updated, second.unchanged) == (0, 0, 7)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(StoredReport)) == 7
        assert s.scalar(select(func.count()).select_from(SourceFile)) == 7
    # a copy of a file under another name is the same bytes: not stored again
    (folder / "copy.txt").write_bytes((folder / files[0].name).read_bytes())
    third = ingest(engine, [folder / "copy.txt"])
    assert third.unchanged == 1 and third.stored == 0


def test_values_exact_blank_and_raw(engine, tmp_path):
    flat = gold("hongze-2023.gold.json")
    blank_flat = gold("000_b0ac92113a5e779e.gold.json")
    files = [write_json(tmp_path, "a.txt", flat), write_json(tmp_path, "b.txt", blank_flat)]
    ingest(engine, files)
    with Session(engine) as s:
        rid = s.scalar(select(StoredReport.id).where(StoredReport.year == 2023))
        fee = stored_value(s, *(rid, "active.fees"))
        assert fee.value_dec == Decimal("7730.28") and fee.value_int is None
        new = stored_value(s, *(rid, "requests.new.total"))
        assert new.value_int == flat["requests.new.total"] and not new.blank
        rid0 = s.scalar(select(StoredReport.id).where(StoredReport.year == 2022))
        blank_id = blank_flat["blank"][0]
        cell = stored_value(s, *(rid0, blank_id))
        assert cell.blank and cell.value_int is None and cell.value_dec is None
        rep = load_report(s, rid0)
        assert rep.get(blank_id) is None and rep.has(blank_id)
        assert rep.get("requests.new.total") == blank_flat["requests.new.total"]


def test_failures_are_recorded_and_the_batch_goes_on(engine, tmp_path):
    good = write_json(tmp_path, "good.txt", gold("hongze-2024.gold.json"))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"UNUSABLE stuff")
    crash = tmp_path / "crash.txt"
    crash.write_bytes(b"CRASH now")
    summary = ingest(engine, [bad, crash, good])
    assert summary.stored == 1
    assert summary.unusable == [(str(bad), "这不像是一份政府信息公开工作年度报告。")]
    # an internal error is worded for the user (the exception type goes to the debug log)
    assert len(summary.failed) == 1 and "内部错误" in summary.failed[0][1]
    assert "RuntimeError" not in summary.failed[0][1]
    text_out = "\n".join(summary.lines())
    assert "无法使用 1 个" in text_out and "解析出错 1 个" in text_out and "新入库 1 份" in text_out
    with Session(engine) as s:
        rows = {sf.name: (sf.status, sf.error) for sf in s.scalars(select(SourceFile))}
    assert rows["bad.txt"] == ("unusable", "这不像是一份政府信息公开工作年度报告。")
    assert rows["crash.txt"][0] == "failed"
    assert rows["good.txt"] == ("stored", None)


def crash_parse(data: bytes, source: str = "") -> Report:
    """A parse fake whose worker process dies on one file (as a native crash would)."""
    if data.startswith(b"DIE"):
        os._exit(3)
    return json_parse(data, source)


def test_a_worker_that_dies_fails_its_file_and_the_batch_goes_on(engine, tmp_path):
    dead = tmp_path / "dead.txt"
    dead.write_bytes(b"DIE now")
    good = [
        write_json(tmp_path, f"g{i}.txt", _flat(f"第{i}测试县人民政府", 2024)) for i in range(6)
    ]
    summary = ingest(engine, [dead, *good], workers=2, parse=crash_parse)
    assert str(dead) in {p for p, _ in summary.failed}
    assert all("解析进程异常退出" in why for _, why in summary.failed)
    # files that shared the broken pool may fail too; none is half-stored, and a second
    # run stores them all
    assert summary.stored + len(summary.failed) == 7
    again = ingest(engine, good, workers=2, parse=crash_parse)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(StoredReport)) == 6
    assert again.stored + again.unchanged == 6


def test_worker_processes_store_the_same_as_in_process(engine, tmp_path):
    folder = gold_folder(tmp_path)
    summary = ingest(engine, collect_files([folder]), workers=2)
    assert summary.stored == 7 and not summary.failed
    with Session(engine) as s:
        assert n_cells(s) == sum(
            len(
                [
                    k
                    for k in json.loads(f.read_text("utf-8"))
                    if k.startswith(("active", "requests", "reviews"))
                ]
            )
            for f in folder.iterdir()
        )


def test_real_parser_in_worker_processes(engine):
    """The default parse (nianbao.parse, checks included) runs in the worker processes."""
    files = sorted(str(p) for p in SAMPLES.glob("00[0-1]_*.txt"))
    summary = ingest_files(files, engine, workers=2)
    assert summary.stored == 2, summary.lines()
    with Session(engine) as s:
        rows = list_reports(s)
        assert {r.year for r in rows} == {2022}
        assert all(r.n_warnings + r.n_errors + r.n_infos > 0 for r in rows)
        prov = next(
            provenance_dict(c[5])
            for rid in s.scalars(select(StoredCells.report_id))
            for c in stored_cells(s, rid)
            if c[5] is not None
        )
        assert prov and "row" in prov


# ------------------------------------------------------------------ cross-year
def test_real_hongze_pdfs_pair_up_across_years(engine):
    """The real pair, read by the real parser: two titles, one agency, carry 0 = 0."""
    pytest.importorskip("pdfplumber")
    files = [PEER / "hongze-2023.pdf", PEER / "hongze-2024.pdf"]
    summary = ingest_files([str(f) for f in files], engine, workers=0)
    assert summary.stored == 2, summary.lines()
    with Session(engine) as s:
        reports = {r.year: r for r in s.scalars(select(StoredReport))}
        assert set(reports) == {2023, 2024}
        assert reports[2023].agency_id == reports[2024].agency_id is not None
        assert reports[2023].agency_name != reports[2024].agency_name
        forward = stored_value(s, *(reports[2023].id, "requests.carried_forward.total"))
        over = stored_value(s, *(reports[2024].id, "requests.carried_over.total"))
        assert forward.value_int == 0 == over.value_int
        cross = s.scalars(
            select(StoredFinding).where(
                StoredFinding.report_id == reports[2024].id, StoredFinding.origin == "cross"
            )
        ).all()
        assert [f for f in cross if f.rule == "R-CROSS-YEAR-CARRY"] == []


def test_cross_year_carry_and_recheck_when_prev_arrives_later(engine, tmp_path):
    prev, cur = gold("hongze-2023.gold.json"), gold("hongze-2024.gold.json")
    prev["requests.carried_forward.total"] = 4
    prev["requests.carried_forward.natural"] = 4
    # the later year first: nothing to compare with yet
    ingest(engine, [write_json(tmp_path, "2024.txt", cur)])
    with Session(engine) as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(StoredFinding)
                .where(StoredFinding.origin == "cross")
            )
            == 0
        )
    ingest(engine, [write_json(tmp_path, "2023.txt", prev)])
    with Session(engine) as s:
        later = s.scalar(select(StoredReport).where(StoredReport.year == 2024))
        cross = s.scalars(select(StoredFinding).where(StoredFinding.report_id == later.id)).all()
        carry = [f for f in cross if f.rule == "R-CROSS-YEAR-CARRY"]
        assert len(carry) == 1
        f = carry[0]
        assert f.severity == "error" and f.origin == "cross"
        assert f.cells == ["requests.carried_over.natural", "requests.carried_over.total"]
        assert "本年上年结转 0，2023年度结转下年度 4，相差 -4" in f.message
        assert later.n_errors >= 1
        first = s.scalar(select(StoredReport).where(StoredReport.year == 2023))
        assert f.prev_report_id == first.id


def test_store_check_recomputes_cross_year(db_url, tmp_path):
    from nianbao.cli.store import run_store_check

    engine = open_store(db_url)
    prev, cur = gold("hongze-2023.gold.json"), gold("hongze-2024.gold.json")
    cur["requests.carried_over.total"] = 2
    ingest(engine, [write_json(tmp_path, "a.txt", prev), write_json(tmp_path, "b.txt", cur)])
    with Session(engine) as s:
        s.execute(StoredFinding.__table__.delete().where(StoredFinding.origin == "cross"))
        s.commit()
    engine.dispose()
    n, found = run_store_check(db_url)
    assert n == 2
    assert [f.rule for f in found] == ["R-CROSS-YEAR-CARRY"]
    assert found[0].severity == "error"


# ------------------------------------------------------------------ re-parse / decisions
def test_reparse_keeps_decisions_on_unchanged_findings(engine, tmp_path):
    prev, cur = gold("hongze-2023.gold.json"), gold("hongze-2024.gold.json")
    cur["requests.carried_over.total"] = 3
    files = [write_json(tmp_path, "a.txt", prev), write_json(tmp_path, "b.txt", cur)]
    ingest(engine, files, version="1")

    def carry_finding():
        with Session(engine) as s:
            return s.scalars(
                select(StoredFinding).where(StoredFinding.rule == "R-CROSS-YEAR-CARRY")
            ).one()

    with Session(engine) as s:
        decide_finding(s, carry_finding().id, "dismissed", "已与单位核实，系笔误")
        s.commit()
    # a new parser version re-parses; the finding and its values did not change
    again = ingest(engine, files, version="2")
    assert again.updated == 2 and again.stored == 0
    kept = carry_finding()
    assert (kept.status, kept.note) == ("dismissed", "已与单位核实，系笔误")
    assert kept.decided_at is not None
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(StoredReport)) == 2
        assert {r.parser_version for r in s.scalars(select(StoredReport))} == {"2"}

    # the next parser reads another value in that cell: the decision no longer applies
    def changed_parse(data: bytes, source: str = "") -> Report:
        rep = json_parse(data, source)
        if rep.meta.get("year") == 2024:
            rep.values["requests.carried_over.total"].value = 5
        return rep

    ingest(engine, files, version="3", parse=changed_parse)
    reopened = carry_finding()
    assert (reopened.status, reopened.note, reopened.decided_at) == ("open", None, None)


def test_a_failure_inside_the_transaction_leaves_nothing_half_stored(engine, tmp_path, monkeypatch):
    from nianbao.store import findings as ingest_mod

    real = ingest_mod._insert_findings
    real_many = ingest_mod._replace_many

    def explode(session, report_id, origin, *args, **kwargs):
        real(session, report_id, origin, *args, **kwargs)
        if origin == "cross":  # the report row, its values and findings are written by now
            raise RuntimeError("killed midway")

    def explode_many(session, origin, items):  # a batch's re-check of the next year
        real_many(session, origin, items)
        raise RuntimeError("killed midway")

    monkeypatch.setattr(ingest_mod, "_insert_findings", explode)
    monkeypatch.setattr(ingest_mod, "_replace_many", explode_many)
    path = write_json(tmp_path, "a.txt", gold("hongze-2024.gold.json"))
    other = write_json(tmp_path, "b.txt", gold("hongze-2023.gold.json"))
    summary = ingest(engine, [path, other])
    # both failed inside their transactions: recorded with the reason, nothing half-stored
    assert [why for _, why in summary.failed] == [
        "写入数据库时出错（RuntimeError）：killed midway"
    ] * 2
    with Session(engine) as s:
        for table in (StoredReport, StoredCells, StoredFinding, Agency):
            assert s.scalar(select(func.count()).select_from(table)) == 0
        assert [(f.status, f.parsed_with) for f in s.scalars(select(SourceFile))] == [
            ("failed", None)
        ] * 2
    monkeypatch.setattr(ingest_mod, "_insert_findings", real)
    monkeypatch.setattr(ingest_mod, "_replace_many", real_many)
    # a failed write is tried again by the next run
    assert ingest(engine, [path, other]).stored == 2


# ------------------------------------------------------------------ agencies
def test_agency_name_keys():
    assert name_keys("淮安市洪泽区人民政府") == ("淮安市洪泽区人民政府", "洪泽区人民政府")
    assert name_keys("江苏省淮安市洪泽区人民政府办公室")[-1] == "洪泽区人民政府办公室"
    assert name_keys("淮安市人民政府") == ("淮安市人民政府",)
    assert name_keys("淮安市市场监督管理局") == ("淮安市市场监督管理局",)
    assert name_keys("苏州市昆山市人民政府")[-1] == "昆山市人民政府"
    assert normalize_name("洪泽區 人民政府") == "洪泽区人民政府"
    assert normalize_name("洪泽区政府") == "洪泽区人民政府"
    assert normalize_name("汉阴县") == "汉阴县人民政府"
    assert normalize_name("县政府办公室") == "县人民政府办公室"


def _flat(agency: str, year: int, base: dict | None = None) -> dict:
    flat = dict(base or gold("hongze-2024.gold.json"))
    flat["meta.agency"], flat["meta.year"] = agency, year
    flat["meta.title"] = f"{agency}{year}年政府信息公开工作年度报告"
    flat["active.licensing"] = year * 7 + len(agency)  # distinct bytes per report
    return flat


def _agency_ids(engine) -> dict[str, int]:
    with Session(engine) as s:
        return {r.agency_name: r.agency_id for r in s.scalars(select(StoredReport))}


def test_agency_identity(engine, tmp_path):
    names = [
        ("洪泽区人民政府", 2023),
        ("淮安市洪泽区人民政府", 2024),
        ("洪泽區人民政府", 2022),  # traditional script
        ("淮安市洪泽区人民政府办公室", 2024),  # the office publishes its own report
        ("南京市鼓楼区人民政府", 2023),
        ("福州市鼓楼区人民政府", 2023),  # same district name, another city
    ]
    files = [write_json(tmp_path, f"{i}.txt", _flat(n, y)) for i, (n, y) in enumerate(names)]
    ingest(engine, files)
    ids = _agency_ids(engine)
    assert ids["洪泽区人民政府"] == ids["淮安市洪泽区人民政府"] == ids["洪泽區人民政府"]
    assert ids["淮安市洪泽区人民政府办公室"] != ids["洪泽区人民政府"]
    assert ids["南京市鼓楼区人民政府"] != ids["福州市鼓楼区人民政府"]
    # the bare short name is ambiguous now: it joins neither city's district
    ingest(engine, [write_json(tmp_path, "x.txt", _flat("鼓楼区人民政府", 2024))])
    ids = _agency_ids(engine)
    assert ids["鼓楼区人民政府"] not in (ids["南京市鼓楼区人民政府"], ids["福州市鼓楼区人民政府"])


def test_alias_command_merges_agencies_and_rechecks(db_url, tmp_path):
    from nianbao.cli.store import agencies

    engine = open_store(db_url)
    prev = _flat("洪泽区政府办", 2023)
    prev["requests.carried_forward.total"] = 9
    cur = _flat("淮安市洪泽区人民政府办公室", 2024)
    ingest(engine, [write_json(tmp_path, "a.txt", prev), write_json(tmp_path, "b.txt", cur)])
    ids = _agency_ids(engine)
    assert ids["洪泽区政府办"] != ids["淮安市洪泽区人民政府办公室"]
    result = CliRunner().invoke(
        agencies, ["alias", "洪泽区政府办", "洪泽区人民政府办公室", "--db", db_url]
    )
    assert result.exit_code == 0, result.output
    assert "合并报告 1 份" in result.output
    ids = _agency_ids(engine)
    assert ids["洪泽区政府办"] == ids["淮安市洪泽区人民政府办公室"]
    with Session(engine) as s:
        rules = set(s.scalars(select(StoredFinding.rule).where(StoredFinding.origin == "cross")))
    assert "R-CROSS-YEAR-CARRY" in rules
    # later reports under the alias resolve to the merged agency
    ingest(engine, [write_json(tmp_path, "c.txt", _flat("洪泽区政府办", 2025))])
    assert len(set(_agency_ids(engine).values())) == 1
    listed = CliRunner().invoke(agencies, ["list", "--db", db_url])
    assert listed.exit_code == 0 and "洪泽区政府办" in listed.output
    engine.dispose()


# ------------------------------------------------------------------ queries / CLI
def _small_corpus(engine, tmp_path):
    flats = [
        _flat("洪泽区人民政府", 2023, gold("hongze-2023.gold.json")),
        _flat("淮安市洪泽区人民政府", 2024),
        _flat("淮安市人民政府", 2023),
    ]
    flats[1]["requests.carried_over.total"] = 7  # breaks the carry with 2023
    ingest(engine, [write_json(tmp_path, f"{i}.txt", f) for i, f in enumerate(flats)])


def test_queries(engine, tmp_path):
    _small_corpus(engine, tmp_path)
    with Session(engine) as s:
        assert [r.year for r in list_reports(s, agency="洪泽区人民政府")] == [2023, 2024]
        assert len(list_reports(s, year=[2023])) == 2
        assert [r.agency for r in list_reports(s, has_errors=True)] == ["淮安市洪泽区人民政府"]
        assert find_report(s, "淮安市洪泽区人民政府", 2023).agency == "洪泽区人民政府"
        cmp = compare_reports(s, "洪泽区人民政府", 2023, 2024, changed_only=True)
        fees = next(r for r in cmp.rows if r.field_id == "active.fees")
        assert (fees.first, fees.second) == (7730.28, 7545) and fees.changed
        assert all(r.changed for r in cmp.rows)
        assert [f.rule for f in cmp.cross_findings] == ["R-CROSS-YEAR-CARRY"]
        missing, present = coverage(s, 2024)
        assert present == 1 and [(m.agency, m.years) for m in missing] == [
            ("淮安市人民政府", [2023])
        ]
        assert coverage(s, 2024, region="淮安市") == (missing, 1)
        assert coverage(s, 2024, region="洪泽区") == ([], 1)
        assert coverage(s, 2024, region="石家庄市") == ([], 0)


def test_cli_queries(db_url, tmp_path):
    from nianbao.cli import store as cli_store

    engine = open_store(db_url)
    _small_corpus(engine, tmp_path)
    engine.dispose()
    run = CliRunner().invoke
    out = run(cli_store.list_cmd, ["--db", db_url, "--has-errors"])
    assert (
        out.exit_code == 0
        and "淮安市洪泽区人民政府" in out.output
        and "淮安市人民政府 " not in out.output
    )
    out = run(cli_store.show, ["洪泽区人民政府", "2024", "--db", db_url])
    assert out.exit_code == 0 and "R-CROSS-YEAR-CARRY" in out.output and "7545" in out.output
    out = run(
        cli_store.compare, ["洪泽区人民政府", "2023", "2024", "--db", db_url, "--changed-only"]
    )
    assert out.exit_code == 0 and "跨年度检查发现的问题" in out.output and "7730.28" in out.output
    out = run(cli_store.coverage_cmd, ["--year", "2024", "--db", db_url])
    assert (
        out.exit_code == 0
        and "未收录该年度报告的机关 1 个" in out.output
        and "淮安市人民政府" in out.output
    )
    out = run(cli_store.show, ["不存在的机关", "2024", "--db", db_url])
    assert out.exit_code == 1 and "库中没有" in out.output
    with Session(open_store(db_url)) as s:
        fid = s.scalar(select(StoredFinding.id).where(StoredFinding.rule == "R-CROSS-YEAR-CARRY"))
    out = run(
        cli_store.review, [str(fid), "--status", "confirmed", "--note", "确认", "--db", db_url]
    )
    assert out.exit_code == 0 and "已确认" in out.output
    out = run(cli_store.check_store, ["--db", db_url])
    assert out.exit_code == 1 and "发现问题 1 个" in out.output


def test_cli_ingest_summary(db_url, tmp_path):
    from nianbao.cli import store as cli_store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.json").write_text("{}")  # not a report file type: skipped in a walk
    out = CliRunner().invoke(cli_store.ingest, [str(folder), "--db", db_url, "--workers", "0"])
    assert out.exit_code == 2, out.output  # stored what it could, says why, exits 2
    assert "共处理 1 个文件" in out.output and "无法使用 1 个" in out.output
