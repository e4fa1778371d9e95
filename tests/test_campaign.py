"""The spring review end to end on our own example reports (issue 13): a roster, reports
on time / late / missing, versions with decisions carried over, delete and restore, the
整改通知 and the 通报 read back; each defect of the issue's list that is not a web page.
SQLite, and PostgreSQL when NIANBAO_TEST_PG is set."""

# ruff: noqa: F811  (db_url is a pytest fixture imported from test_store)
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nianbao.cli import cli
from nianbao.errors import UnknownAgency
from nianbao.store import open_store
from nianbao.store.agencies import add_alias, find_agency
from nianbao.store.db import session_scope, write_engine
from nianbao.store.ingest import ingest_files, parse_file, store_outcome
from nianbao.store.letters import letter_data, summary_data, write_letter, write_summary
from nianbao.store.models import Agency, ReportEvent, SourceFile, StoredFinding, StoredReport
from nianbao.store.queries import decide_finding, list_reports
from nianbao.store.roster import (
    expected_coverage,
    import_roster,
    mark_unpublished,
    read_roster,
    rename_agency,
    unknown_agencies,
    update_agency,
)
from nianbao.store.versions import delete_report, report_versions, restore_report, version_diff

from .test_store import db_url  # noqa: F401

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "reports"
ROSTER = """机关名称,上级机关,层级,类别,地区,年报栏目网址,别名
青岚县人民政府,,县级,人民政府,青岚县,http://qinglan.example/ndbg/,
青岚县财政局,青岚县人民政府,县级,部门,青岚县,,青岚财政局
青岚县教育体育局,青岚县人民政府,县级,部门,青岚县,,
青岚县卫生健康局,青岚县人民政府,县级,部门,青岚县,,
青岚县云溪镇人民政府,青岚县人民政府,乡级,乡镇街道,青岚县,,
"""


def _caizheng() -> str:
    return (EXAMPLES / "qinglan-caizheng-2024.txt").read_text(encoding="utf-8")


@pytest.fixture
def campaign(db_url, tmp_path, monkeypatch):
    """A roster of five, three reports: 人民政府 and 财政局 (two errors) on time, 教育体育局
    late (2025-02-10 after 1月31日); 卫生健康局 and 云溪镇 missing; and 水利局, off the
    roster. Ingested with relative paths, as ``make demo`` does."""
    work = tmp_path / "work"
    (work / "in").mkdir(parents=True)
    (work / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (work / "in" / "gov.txt").write_bytes((EXAMPLES / "qinglan-2024.txt").read_bytes())
    (work / "in" / "cz.txt").write_text(_caizheng(), encoding="utf-8")
    edu = (
        _caizheng()
        .replace("青岚县财政局", "青岚县教育体育局")
        .replace("2025年1月15日", "2025年2月10日")
    )
    edu = edu.replace("\t5\t1\t0\t0\t0\t0\t7", "\t6\t1\t0\t0\t0\t0\t7", 1)  # adds up
    (work / "in" / "edu.txt").write_text(edu, encoding="utf-8")
    water = _caizheng().replace("青岚县财政局", "青岚县水利局")
    (work / "in" / "water.txt").write_text(water, encoding="utf-8")
    monkeypatch.chdir(work)
    engine = open_store(db_url)
    with session_scope(write_engine(engine)) as s:
        result = import_roster(s, read_roster("roster.csv"))
    assert (result.rows, result.created, result.warnings) == (5, 5, [])
    summary = ingest_files(
        ["in/gov.txt", "in/cz.txt", "in/edu.txt", "in/water.txt"], engine, workers=0
    )
    assert summary.stored == 4, summary.lines()
    yield engine, work
    engine.dispose()


def _report(s: Session, name: str, year: int = 2024) -> StoredReport:
    rows = list_reports(s, name, year)
    assert len(rows) == 1, rows
    rep = s.get(StoredReport, rows[0].id)
    assert rep is not None
    return rep


def test_roster_attaches_reports_and_lists_unknown(campaign):
    engine, _ = campaign
    with Session(engine) as s:
        gov = find_agency(s, "青岚县人民政府")
        cz = _report(s, "青岚县财政局")
        assert cz.agency_id == find_agency(s, "青岚财政局").id  # the alias
        assert s.get(Agency, cz.agency_id).parent_id == gov.id
        assert s.get(Agency, cz.agency_id).level == "county"
        unknown = unknown_agencies(s)
        assert [d["agency"].name for d in unknown] == ["青岚县水利局"]
        assert unknown[0]["years"] == [2024]


def test_coverage_against_deadlines(campaign):
    engine, _ = campaign
    with Session(engine) as s:
        cov = expected_coverage(s, 2024, "青岚县")
        status = {ln.agency: ln.status for ln in cov.lines}
        assert status == {
            "青岚县人民政府": "on_time",
            "青岚县财政局": "on_time",
            "青岚县教育体育局": "late",
            "青岚县卫生健康局": "missing",
            "青岚县云溪镇人民政府": "missing",
        }
        edu = next(ln for ln in cov.lines if ln.agency == "青岚县教育体育局")
        assert str(edu.deadline) == "2025-01-31" and edu.days_late == 10
        assert edu.date_source == "footer"
        assert (cov.expected, cov.received) == (5, 3)
        # a township's deadline is configured; without one it is not judged
        town = next(ln for ln in cov.lines if ln.kind == "township")
        assert town.deadline is None
        assert expected_coverage(s, 2024, township=(3, 31)).lines[-1].deadline is not None
    with session_scope(write_engine(engine)) as s:
        mark_unpublished(s, "青岚县云溪镇人民政府", 2024, "2025-04-01 核实网站")
    with Session(engine) as s:
        status = {ln.agency: ln.status for ln in expected_coverage(s, 2024).lines}
        assert status["青岚县云溪镇人民政府"] == "unpublished"
        assert status["青岚县卫生健康局"] == "missing"


def test_cli_coverage_says_not_collected(campaign, db_url):
    res = CliRunner().invoke(cli, ["coverage", "--year", "2024", "--db", db_url])
    assert res.exit_code == 0, res.output
    assert "未收录 2 个" in res.output and "逾期发布" in res.output
    assert "未发布 0 个" in res.output


def test_relative_ingest_stores_absolute_paths_and_reingest_mends(campaign, db_url):
    engine, work = campaign
    with Session(engine) as s:
        paths = list(s.scalars(select(SourceFile.path)))
    assert paths and all(Path(p).is_absolute() and Path(p).exists() for p in paths)
    # an old store with relative paths: re-ingesting with absolute paths mends them
    with session_scope(write_engine(engine)) as s:
        for sf in s.scalars(select(SourceFile)):
            sf.path = "in/" + Path(sf.path).name
    moved = work / "moved"
    (work / "in").rename(moved)
    ingest_files(sorted(str(p) for p in moved.iterdir()), engine, workers=0)
    with Session(engine) as s:
        paths = list(s.scalars(select(SourceFile.path)))
    assert all(p.startswith(str(moved)) for p in paths), paths


def test_versions_carry_decisions_delete_restore_and_stable_ids(campaign):
    engine, work = campaign
    with Session(engine) as s:
        v1 = _report(s, "青岚县财政局")
        v1_id = v1.id
        ids = sorted(
            f.id for f in s.scalars(select(StoredFinding).where(StoredFinding.report_id == v1_id))
        )
        assert len(ids) == 2
    with session_scope(write_engine(engine)) as s:
        decide_finding(s, ids[0], "confirmed", "与台账核对，总计有误")
        decide_finding(s, ids[1], "dismissed", "同一原因")
    # re-checking keeps the finding rows (and ids): review links stay valid
    cz = work / "in" / "cz.txt"
    outcome = parse_file(str(cz), cz.read_bytes())
    assert store_outcome(engine, outcome, "re-check", force=True) == "updated"
    with Session(engine) as s:
        again = s.scalars(select(StoredFinding).where(StoredFinding.report_id == v1_id)).all()
        assert sorted(f.id for f in again) == ids
        assert {f.status for f in again} == {"confirmed", "dismissed"}
    # a resubmission (same errors, a changed sentence) is version 2 and keeps the decisions
    v2_file = work / "cz-v2.txt"
    v2_file.write_text(_caizheng().replace("联系地址", "通讯地址"), encoding="utf-8")
    ingest_files([str(v2_file)], engine, workers=0)
    with Session(engine) as s:
        v2 = _report(s, "青岚县财政局")  # one current report of the agency's year
        assert v2.id != v1_id and v2.version == 2
        assert s.get(StoredReport, v1_id).superseded_by == v2.id
        found = s.scalars(select(StoredFinding).where(StoredFinding.report_id == v2.id)).all()
        assert sorted(f.status for f in found) == ["confirmed", "dismissed"]
        assert any(f.note == "与台账核对，总计有误" for f in found)
        actions = {e.action for e in s.scalars(select(ReportEvent))}
        assert {"supersede", "carry"} <= actions
        assert [v.version for v in report_versions(s, v2.id)] == [1, 2]
        assert version_diff(s, v1_id, v2.id) == []  # the values did not change
    # a corrected version 3: the value differs, the diff shows it, the errors are gone
    fixed = _caizheng().replace("\t5\t1\t0\t0\t0\t0\t7", "\t5\t1\t0\t0\t0\t0\t6", 1)
    fixed = fixed.replace("\t7\t", "\t6\t")  # 一 + 二 = （七） + 四
    v3_file = work / "cz-v3.txt"
    v3_file.write_text(fixed, encoding="utf-8")
    ingest_files([str(v3_file)], engine, workers=0)
    with Session(engine) as s:
        v3 = _report(s, "青岚县财政局")
        assert v3.version == 3 and v3.n_errors == 0
        diff = version_diff(s, v2.id, v3.id)
        assert any(
            r.field_id == "requests.new.total" and (r.first, r.second) == (7, 6) for r in diff
        )
    # delete version 3: version 2 is current again; restore: version 3 again; all logged
    with session_scope(write_engine(engine)) as s:
        delete_report(s, v3.id, "审核员甲", "误传")
    with Session(engine) as s:
        assert _report(s, "青岚县财政局").id == v2.id
    with session_scope(write_engine(engine)) as s:
        restore_report(s, v3.id, "审核员甲")
    with Session(engine) as s:
        assert _report(s, "青岚县财政局").id == v3.id
        log = [(e.action, e.user) for e in s.scalars(select(ReportEvent).order_by(ReportEvent.id))]
        assert ("delete", "审核员甲") in log and ("restore", "审核员甲") in log


def test_letter_and_summary_read_back(campaign, tmp_path):
    docx = pytest.importorskip("docx")
    openpyxl = pytest.importorskip("openpyxl")
    engine, _ = campaign
    with Session(engine) as s:
        rid = _report(s, "青岚县财政局").id
        fid = s.scalars(select(StoredFinding.id).where(StoredFinding.report_id == rid)).first()
    with session_scope(write_engine(engine)) as s:
        decide_finding(s, fid, "confirmed", "请核对")
    with Session(engine) as s:
        data = letter_data(s, "青岚县财政局", 2024, issuer="青岚县人民政府办公室")
    out = tmp_path / "整改通知.docx"
    write_letter(data, out)
    assert stat.S_IMODE(out.stat().st_mode) & 0o044 == 0o044
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "关于青岚县财政局2024年度政府信息公开工作年度报告存在问题的整改通知" in text
    assert "青岚县财政局：" in text and "青岚县人民政府办公室" in text
    assert "相差 1" in text  # the arithmetic
    assert "涉及单元格：表三「" in text and "审核意见：请核对" in text
    assert len(data.items) == 1  # only the confirmed finding
    with Session(engine) as s:
        d = summary_data(s, 2024, "青岚县")
    write_summary(d, tmp_path / "通报.docx")
    write_summary(d, tmp_path / "通报.xlsx")
    doc = docx.Document(str(tmp_path / "通报.docx"))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "应发布2024年度政府信息公开工作年度报告的机关共5个" in body
    assert "按时发布2份" in body and "逾期发布1份" in body and "未收录2个" in body
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "青岚县教育体育局" in cells and "青岚县卫生健康局" in cells
    assert any("公开率 =" in c for c in cells)  # the indicators with their formulas
    wb = openpyxl.load_workbook(tmp_path / "通报.xlsx")
    assert wb.sheetnames == ["概况", "收录情况", "问题统计", "问题较多的单位", "主要指标"]
    rows = {r[0].value: r for r in wb["收录情况"].iter_rows(min_row=2)}
    assert (
        rows["青岚县教育体育局"][4].value == "逾期发布" and rows["青岚县教育体育局"][7].value == 10
    )
    assert wb["收录情况"].auto_filter.ref
    top = [r[1].value for r in wb["问题较多的单位"].iter_rows(min_row=2)]
    assert top[0] == "青岚县财政局"


def test_cli_letter_summary_roster(campaign, db_url, tmp_path):
    docx = pytest.importorskip("docx")
    runner = CliRunner()
    res = runner.invoke(
        cli, ["letter", "青岚县财政局", "2024", "-o", str(tmp_path / "a.docx"), "--db", db_url]
    )
    assert res.exit_code != 0 and "没有已确认的问题" in res.output
    res = runner.invoke(
        cli,
        [
            "letter",
            "青岚县财政局",
            "2024",
            "-o",
            str(tmp_path / "a.docx"),
            "--include-open",
            "--db",
            db_url,
        ],
    )
    assert res.exit_code == 0, res.output
    assert "R-SUM-ROW" not in "".join(
        p.text for p in docx.Document(str(tmp_path / "a.docx")).paragraphs
    )
    for out in ("s.docx", "s.xlsx"):
        res = runner.invoke(
            cli, ["summary", "--year", "2024", "-o", str(tmp_path / out), "--db", db_url]
        )
        assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["roster", "unknown", "--db", db_url])
    assert res.exit_code == 0 and "青岚县水利局" in res.output
    res = runner.invoke(
        cli, ["roster", "set", "青岚县教育体育局", "--level", "市级", "--db", db_url]
    )
    assert res.exit_code == 0 and "市级" in res.output
    res = runner.invoke(
        cli, ["roster", "rename", "青岚县教育体育局", "青岚县教育和体育局", "--db", db_url]
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["versions", "list", "青岚县教育和体育局", "2024", "--db", db_url])
    assert res.exit_code == 0 and "当前版本" in res.output


def test_alias_to_a_mistyped_name_creates_nothing(campaign, db_url):
    engine, _ = campaign
    with Session(engine) as s:
        before = s.scalar(select(func.count()).select_from(Agency))
    with (
        session_scope(write_engine(engine)) as s,
        pytest.raises(UnknownAgency, match="青岚县财政局"),
    ):
        add_alias(s, "青岚县水利局", "青岚县财正局")  # typo: suggests the real name
    res = CliRunner().invoke(cli, ["agencies", "alias", "某名称", "青岚县财正局", "--db", db_url])
    assert res.exit_code != 0 and "库中没有机关" in res.output
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Agency)) == before
    with session_scope(write_engine(engine)) as s:
        with pytest.raises(UnknownAgency):
            update_agency(s, "青岚县财政局", parent="不存在的机关")
        rename_agency(s, "青岚县财政局", "青岚县财政局（国资办）")
    with Session(engine) as s:
        assert find_agency(s, "青岚县财政局").name == "青岚县财政局（国资办）"


def test_canonical_name_does_not_depend_on_ingest_order(tmp_path):
    a = _caizheng().replace("青岚县财政局", "青岚县交通运输局")
    b = a.replace("2024年", "2023年").replace("2025年1月15日", "2024年1月15日")
    b = b.replace("青岚县交通运输局", "江苏省青岚县交通运输局")
    names = []
    for order in ((a, b), (b, a)):
        db = tmp_path / f"{len(names)}.db"
        eng = open_store(str(db))
        files = []
        for i, text in enumerate(order):
            p = tmp_path / f"{len(names)}-{i}.txt"
            p.write_text(text, encoding="utf-8")
            files.append(str(p))
        ingest_files(files, eng, workers=0)
        with Session(eng) as s:
            names.append(sorted(a.name for a in s.scalars(select(Agency))))
        eng.dispose()
    assert len(names[0]) == 1 and names[0] == names[1]


def test_mistyped_db_is_refused(tmp_path):
    missing = tmp_path / "typo.db"
    res = CliRunner().invoke(cli, ["list", "--db", str(missing)])
    assert res.exit_code != 0 and "不存在" in res.output
    assert not missing.exists()
    os.environ.pop("NIANBAO_DB", None)


def test_review_queue_bulk_decisions_log_and_stable_links(campaign):
    from nianbao.store.review import decide_findings, resolve_finding, review_log, review_queue

    engine, work = campaign
    with Session(engine) as s:
        region, n_region = review_queue(s, region="青岚县", severity="error")
        everyone, n_all = review_queue(s, severity="error")
        assert "青岚县水利局" not in {r.agency for r in region}  # off the roster
        assert "青岚县水利局" in {r.agency for r in everyone} and n_all > n_region
        rows, total = review_queue(s, agency="青岚县财政局", severity="error")
        assert total == len(rows) == 2 and {r.agency for r in rows} == {"青岚县财政局"}
        by_rule, _ = review_queue(s, rule="R-BALANCE")
        assert {r.finding.rule for r in by_rule} == {"R-BALANCE"}
        ids = [r.finding.id for r in rows]
        rid = rows[0].report_id
        fp = rows[0].finding.fingerprint
    with session_scope(write_engine(engine)) as s:
        decide_findings(s, ids, "confirmed", "批量确认", user="审核员乙")
    with Session(engine) as s:
        assert review_queue(s, agency="青岚县财政局")[1] == 0
        log = review_log(s, report_id=rid)
        assert len(log) == 2 and {e["log"].user for e in log} == {"审核员乙"}
        assert all(e["rule"] and e["agency"] == "青岚县财政局" for e in log)
    with session_scope(write_engine(engine)) as s, pytest.raises(Exception, match="没有编号"):
        decide_findings(s, [999999], "dismissed")
    v2_file = work / "cz-v2.txt"
    v2_file.write_text(_caizheng().replace("联系地址", "通讯地址"), encoding="utf-8")
    ingest_files([str(v2_file)], engine, workers=0)
    with Session(engine) as s:
        f = resolve_finding(s, rid, fp)  # an old link leads to the current version's finding
        assert f is not None and f.report_id != rid and f.status == "confirmed"


def test_one_vocabulary_of_levels(db_url, tmp_path):
    """The parser says province/central; the store (and the web app) provincial/national,
    with Chinese names in store.display; ranking by 省级 finds the provincial agencies."""

    from nianbao.store.display import LEVEL_ZH, canon_level
    from nianbao.store.indicators import ranking

    from .test_store import _flat, ingest, write_json

    assert canon_level("province") == "provincial" and canon_level("central") == "national"
    assert canon_level("省级") == "provincial" and LEVEL_ZH[canon_level("province")] == "省级"
    engine = open_store(db_url)
    flat = _flat("江苏省人民政府", 2024)
    flat["meta.admin_level"] = "province"
    ingest(engine, [write_json(tmp_path, "js.txt", flat)])
    with Session(engine) as s:
        assert find_agency(s, "江苏省人民政府").level == "provincial"
        r = ranking(s, 2024, "received", level="provincial")
        assert [e["agency"] for e in r["ranked"] + r["unranked"]] == ["江苏省人民政府"]
    engine.dispose()


def test_migration_renames_old_levels(tmp_path):
    from datetime import UTC, datetime

    from sqlalchemy import text

    from nianbao.store.db import _make_engine, migrate

    eng = _make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(eng, "0002_web_tables")
    with eng.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO agencies (key, name, kind, level, created_at) "
                "VALUES ('a', '某省人民政府', 'government', 'province', :t)"
            ),
            {"t": datetime.now(UTC)},
        )
    migrate(eng, "0003_campaign")
    with eng.connect() as conn:
        assert conn.execute(text("SELECT level FROM agencies")).scalar() == "provincial"
    eng.dispose()


def test_agency_chart_marks_a_total_the_checks_call_wrong(campaign):
    """财政局's published 新收 total (7) disagrees with its parts: the chart of received
    requests carries the finding's words for 2024 instead of showing the total unmarked."""
    from nianbao.store.indicators import agency_series

    engine, _ = campaign
    with Session(engine) as s:
        series = agency_series(s, find_agency(s, "青岚县财政局").id)
        problems = series["charts"]["received"]["problems"]
        assert series["years"] == [2024] and problems[0]
        assert any("总计填报为 7" in m for m in problems[0])
        gov = agency_series(s, find_agency(s, "青岚县人民政府").id)
        assert gov["charts"]["denied"]["problems"] == [[]]


def test_roster_from_xlsx_and_a_missing_column(tmp_path):
    from openpyxl import Workbook

    from nianbao.errors import RosterError

    wb = Workbook()
    ws = wb.active
    ws.append(["机关名称", "上级机关", "层级", "类别", "地区"])
    ws.append(["青岚县人民政府", None, "县级", "人民政府", "青岚县"])
    ws.append(["青岚县财政局", "青岚县人民政府", "县级", "部门", "青岚县"])
    wb.save(tmp_path / "r.xlsx")
    rows = read_roster(tmp_path / "r.xlsx")
    assert [r["机关名称"] for r in rows] == ["青岚县人民政府", "青岚县财政局"]
    (tmp_path / "bad.csv").write_text("机关名称,地区\n青岚县财政局,青岚县\n", encoding="gbk")
    with pytest.raises(RosterError, match="缺少列 上级机关、层级、类别"):
        read_roster(tmp_path / "bad.csv")
    engine = open_store(str(tmp_path / "s.db"))
    with session_scope(write_engine(engine)) as s:
        result = import_roster(s, rows + [{"机关名称": "青岚县某局", "类别": "事业单位"}])
    assert result.created == 3 and any("类别“事业单位”无法识别" in w for w in result.warnings)
    engine.dispose()
    res = CliRunner().invoke(cli, ["roster", "list", "--db", str(tmp_path / "s.db")])
    assert res.exit_code == 0 and "县级" in res.output and "青岚县人民政府" in res.output


def test_coverage_matrix_for_the_web_grid(campaign):
    from nianbao.store.roster import coverage_matrix

    engine, _ = campaign
    with Session(engine) as s:
        m = coverage_matrix(s, [2023, 2024], "青岚县")
    assert m["years"] == [2023, 2024] and len(m["rows"]) == 5
    assert m["counts"][2023]["missing"] == 5 and m["counts"][2024]["late"] == 1
    edu = next(r for r in m["rows"] if r["agency"] == "青岚县教育体育局")
    assert [c.status for c in edu["cells"]] == ["missing", "late"]


def test_cli_review_in_bulk_records_the_reviewer(campaign, db_url, tmp_path):
    from nianbao.store.review import review_log

    engine, work = campaign
    with Session(engine) as s:
        ids = [
            str(f.id)
            for f in s.scalars(
                select(StoredFinding).where(
                    StoredFinding.report_id == _report(s, "青岚县财政局").id
                )
            )
        ]
    res = CliRunner().invoke(
        cli,
        [
            "review",
            *ids,
            "--status",
            "confirmed",
            "--note",
            "核实",
            "--user",
            "张三",
            "--db",
            db_url,
        ],
    )
    assert res.exit_code == 0, res.output
    with Session(engine) as s:
        log = review_log(s)
        assert len(log) == len(ids) and {e["log"].user for e in log} == {"张三"}
    res = CliRunner().invoke(cli, ["review", "999999", "--status", "open", "--db", db_url])
    assert res.exit_code != 0 and "没有编号为 999999 的问题" in res.output
    # ingest tells about agencies off the roster
    extra = work / "extra.txt"
    extra.write_text(_caizheng().replace("青岚县财政局", "青岚县林业局"), encoding="utf-8")
    res = CliRunner().invoke(cli, ["ingest", str(extra), "--db", db_url, "--workers", "0"])
    assert "不在应报机关名单中的机关 2 个" in res.output, res.output


def test_a_report_after_a_deleted_one_is_numbered_after_it(campaign):
    engine, work = campaign
    with Session(engine) as s:
        v1 = _report(s, "青岚县教育体育局").id
    with session_scope(write_engine(engine)) as s:
        delete_report(s, v1, "审核员甲", "发错了")
    with Session(engine) as s:
        assert list_reports(s, "青岚县教育体育局", 2024) == []
        assert {ln.agency: ln.status for ln in expected_coverage(s, 2024).lines}[
            "青岚县教育体育局"
        ] == "missing"
    again = work / "edu-again.txt"
    again.write_text((work / "in" / "edu.txt").read_text("utf-8") + "\n", encoding="utf-8")
    ingest_files([str(again)], engine, workers=0)
    with Session(engine) as s:
        cur = _report(s, "青岚县教育体育局")
        assert cur.version == 2 and [v.version for v in report_versions(s, cur.id)] == [1, 2]


def test_migration_numbers_existing_duplicates_as_versions(tmp_path):
    from datetime import UTC, datetime

    from sqlalchemy import text

    from nianbao.store.db import _make_engine, migrate

    eng = _make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(eng, "0002_web_tables")
    now = datetime.now(UTC)
    with eng.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO agencies (id, key, name, kind, level, created_at) "
                "VALUES (1, 'a', '某县财政局', 'department', 'county', :t)"
            ),
            {"t": now},
        )
        for i in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO source_files (id, sha256, size, name, first_seen, status) "
                    "VALUES (:i, :s, 1, 'f', :t, 'stored')"
                ),
                {"i": i, "s": str(i) * 64, "t": now},
            )
            conn.execute(
                text(
                    "INSERT INTO reports (id, source_file_id, agency_id, year, layout, "
                    "parser_version, meta, sections, fees_info, n_errors, n_warnings, n_infos, "
                    "ingested_at, updated_at) "
                    "VALUES (:i, :i, 1, 2024, '2021', 'x', '{}', '{}', '{}', 0, 0, 0, :t, :t)"
                ),
                {"i": i, "t": now},
            )
        conn.execute(
            text(
                "INSERT INTO agency_aliases (alias_key, agency_id, name, source, ambiguous) "
                "VALUES ('a', 1, '某县财政局', 'name', 0)"
            )
        )
    migrate(eng, "0003_campaign")
    with eng.connect() as conn:
        rows = conn.execute(
            text("SELECT id, version, superseded_by, agency_id FROM reports ORDER BY id")
        ).all()
        aliases = conn.execute(text("SELECT count(*) FROM agency_aliases")).scalar()
    # the reports keep their agency and the aliases stay (no table rebuilt under them)
    assert [tuple(r) for r in rows] == [(1, 1, 2, 1), (2, 2, None, 1)] and aliases == 1
    eng.dispose()
