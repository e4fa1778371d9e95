# ruff: noqa: F811  (db_url is a pytest fixture imported from test_store)
"""Exports of the store and the cross-year rules on their own (SQLite, and PostgreSQL when
NIANBAO_TEST_PG is set)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao.report import Report, Section
from nianbao.schema import label_of
from nianbao.store import open_store
from nianbao.store.crossyear import check_cross_year, text_similarity
from nianbao.store.export import export_findings, export_reports
from nianbao.store.ingest import ingest_files

# the store fixture of test_store: a fresh SQLite file, or a PostgreSQL schema
from .test_store import db_url  # noqa: F401

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
PEER = SAMPLES / "peer"
FEE_ZH = "表二「行政事业性收费」本年收费金额（单位：万元）"


def json_parse(data: bytes, source: str = "") -> Report:
    return Report.from_flat(json.loads(data), source=source)


def gold(name: str) -> dict:
    path = PEER / name if (PEER / name).exists() else SAMPLES / name
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def corpus(db_url, tmp_path):
    """Three reports: hongze 2023/2024 (2024 breaks the carry: an error) and seed 000
    (with blank cells)."""
    prev, cur, blanks = (
        gold("hongze-2023.gold.json"),
        gold("hongze-2024.gold.json"),
        gold("000_b0ac92113a5e779e.gold.json"),
    )
    cur["requests.carried_over.total"] = 6
    files = []
    for i, flat in enumerate((prev, cur, blanks)):
        p = tmp_path / "in" / f"{i}.txt"
        p.parent.mkdir(exist_ok=True)
        p.write_text(json.dumps(flat, ensure_ascii=False), encoding="utf-8")
        files.append(str(p))
    engine = open_store(db_url)
    ingest_files(files, engine, workers=0, parse=json_parse)
    yield engine, blanks
    engine.dispose()


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_wide_csv_with_chinese_headers(corpus, tmp_path):
    engine, blanks = corpus
    out = tmp_path / "wide.csv"
    assert export_reports(engine, out, "csv", "wide", headers="zh") == 3
    rows = read_csv(out)
    by_year = {r["年度"]: r for r in rows}
    assert by_year["2023"][FEE_ZH] == "7730.28"
    assert by_year["2024"]["错误数"] != "0"
    blank_label = "表三「二、上年结转政府信息公开申请数量」总计"
    assert blank_flat_is_blank(blanks, "requests.carried_over.total")
    assert by_year["2022"][blank_label] == ""  # blank stays blank, not 0
    ids = read_csv(_export(engine, tmp_path / "ids.csv", "csv", "wide", "id"))
    assert {"agency", "year", "active.fees", "requests.new.total"} <= set(ids[0])


def blank_flat_is_blank(flat: dict, fid: str) -> bool:
    return fid in flat.get("blank", []) or flat.get(fid) is None


def _export(engine, path, fmt, shape, headers, **kw):
    export_reports(engine, path, fmt, shape, headers, **kw)
    return path


def test_long_jsonl_keeps_blank_and_raw(corpus, tmp_path):
    engine, blanks = corpus
    out = _export(engine, tmp_path / "long.jsonl", "jsonl", "long", "id", year=[2022])
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len([k for k in blanks if k.startswith(("active", "requests", "reviews"))])
    cell = next(r for r in rows if r["field_id"] == "requests.carried_over.total")
    assert cell["value"] is None and cell["blank"] is True
    new = next(r for r in rows if r["field_id"] == "requests.new.total")
    assert new["value"] == blanks["requests.new.total"] and new["label"].startswith("表三")


def test_parquet_wide_is_exact(corpus, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    engine, _ = corpus
    out = _export(engine, tmp_path / "wide.parquet", "parquet", "wide", "id")
    table = pq.read_table(out)
    data = {r["year"]: r for r in table.to_pylist()}
    assert data[2023]["active.fees"] == Decimal("7730.28")
    assert data[2024]["requests.new.total"] == gold("hongze-2024.gold.json")["requests.new.total"]
    assert str(table.schema.field("requests.new.total").type) == "int64"
    long = pq.read_table(_export(engine, tmp_path / "long.parquet", "parquet", "long", "zh"))
    assert "数值" in long.column_names and long.num_rows > 500


def test_xlsx_for_reviewers(corpus, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    engine, _ = corpus
    out = _export(engine, tmp_path / "wide.xlsx", "xlsx", "wide", "zh")
    wb = openpyxl.load_workbook(out)
    ws = wb["报告"]
    assert ws.freeze_panes == "C2"
    header = [c.value for c in ws[1]]
    assert header[:4] == ["报告编号", "机关（报告中的写法）", "机关标准名", "年度"]
    assert {"机关编号", "机关规范名称", FEE_ZH} <= set(header)
    col = header.index("表三「二、上年结转政府信息公开申请数量」总计")
    row_2024 = next(r for r in ws.iter_rows(min_row=2) if r[3].value == 2024)
    assert row_2024[col].value == 6
    assert row_2024[col].fill.fgColor.rgb.endswith("FFC7CE")  # the error's cell is red
    issues = wb["问题"]
    head = [c.value for c in issues[1]]
    assert head[:6] == ["问题编号", "报告编号", "机关（报告中的写法）", "年度", "规则", "严重程度"]
    assert {"问题类型", "机关编号", "机关规范名称"} <= set(head)
    assert any(
        r[4].value == "R-CROSS-YEAR-CARRY" and r[5].value == "错误"
        for r in issues.iter_rows(min_row=2)
    )


def test_xlsx_opens_ready_to_use(corpus, tmp_path):
    """Filters, number formats, real dates, one agency id across years, no empty 2019
    columns, no schema ids or JSON in the findings sheet, a file the group can read."""
    import datetime as dt
    import stat

    openpyxl = pytest.importorskip("openpyxl")
    engine, _ = corpus
    out = _export(engine, tmp_path / "wide.xlsx", "xlsx", "wide", "zh")
    assert stat.S_IMODE(out.stat().st_mode) & 0o044 == 0o044  # not mkstemp's 0600
    wb = openpyxl.load_workbook(out)
    ws = wb["报告"]
    header = [c.value for c in ws[1]]
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    from nianbao.schema import ACTIVE2019_IDS
    from nianbao.store.queries import ALL_IDS

    only2019 = {label_of(f) for f in ACTIVE2019_IDS} - {
        label_of(f) for f in ALL_IDS if f not in ACTIVE2019_IDS
    }
    assert only2019 and not only2019 & set(header)  # no 2019 report here: no empty columns
    rows = list(ws.iter_rows(min_row=2))
    years, aid = header.index("年度"), header.index("机关编号")
    hongze = [r for r in rows if r[years].value in (2023, 2024)]
    assert len(hongze) == 2 and len({r[aid].value for r in hongze}) == 1  # one agency id
    pub = rows[0][header.index("发布日期")]
    assert pub.value is None or isinstance(pub.value, dt.datetime | dt.date)
    n = rows[0][header.index("表三「二、上年结转政府信息公开申请数量」总计")]
    assert n.number_format == "0"
    fee = next(r[header.index(FEE_ZH)] for r in rows if r[header.index(FEE_ZH)].value)
    assert fee.number_format == "0.00##"
    issues = wb["问题"]
    fh = [c.value for c in issues[1]]
    assert "单元格" not in fh and issues.auto_filter.ref
    for r in issues.iter_rows(min_row=2):
        for c in r:
            if isinstance(c.value, str):
                assert "requests." not in c.value and not c.value.startswith(("{", "["))
    full = tmp_path / "all.xlsx"
    export_reports(engine, full, "xlsx", "wide", "zh", all_columns=True)
    header = [c.value for c in openpyxl.load_workbook(full)["报告"][1]]
    assert only2019 <= set(header)


def test_findings_export_with_filters(corpus, tmp_path):
    engine, _ = corpus
    out = tmp_path / "f.csv"
    n = export_findings(engine, out, "csv", "id", year=[2024])
    rows = read_csv(out)
    assert n == len(rows) == 1
    assert rows[0]["rule"] == "R-CROSS-YEAR-CARRY" and rows[0]["status"] == "open"
    assert "相差 6" in rows[0]["message"]
    assert export_findings(engine, tmp_path / "f.xlsx", "xlsx", "zh", has_errors=True) == 1


def test_cli_export_and_atomic_write(db_url, corpus, tmp_path, monkeypatch):
    from nianbao.cli import store as cli_store
    from nianbao.store import export as export_mod

    out = tmp_path / "e.csv"
    res = CliRunner().invoke(
        cli_store.export,
        ["--format", "csv", "--long", "--headers", "zh", "-o", str(out), "--db", db_url],
    )
    assert res.exit_code == 0, res.output
    assert "已导出" in res.output and read_csv(out)[0]["字段"]
    before = out.read_bytes()

    def broken(path, headers, rows):
        Path(path).write_text("partial")
        raise OSError("disk full")

    monkeypatch.setattr(export_mod, "_write_csv", broken)
    with pytest.raises(OSError):
        export_reports(corpus[0], out, "csv", "long", "zh")
    assert out.read_bytes() == before  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".e.csv")] == []


# ------------------------------------------------------------------ group J alone
def _pair() -> tuple[Report, Report]:
    return Report.from_flat(gold("hongze-2023.gold.json")), Report.from_flat(
        gold("hongze-2024.gold.json")
    )


def test_cross_year_rules_on_the_gold_pair():
    prev, cur = _pair()
    assert check_cross_year(cur, prev) == []
    cur.values["requests.carried_over.total"].value = 3
    (f,) = check_cross_year(cur, prev)
    assert (f.rule, f.severity, f.expected, f.actual) == (
        "R-CROSS-YEAR-CARRY",
        "error",
        {"total": 0},
        {"total": 3},
    )
    # only an applicant column differs: a warning
    cur.values["requests.carried_over.total"].value = 0
    cur.values["requests.carried_over.natural"].value = 1
    (f,) = check_cross_year(cur, prev)
    assert f.severity == "warning" and f.cells == ["requests.carried_over.natural"]
    # not the year before: nothing
    cur.meta["year"] = 2025
    assert check_cross_year(cur, prev) == []


def test_cross_year_inforce_shows_the_arithmetic():
    prev, cur = _pair()
    prev.values["active.normative.in_force"].value = 26
    cur.values["active.normative.issued"].value = 0
    cur.values["active.normative.repealed"].value = 3
    cur.values["active.normative.in_force"].value = 26
    found = [f for f in check_cross_year(cur, prev) if f.rule == "R-CROSS-YEAR-INFORCE"]
    assert len(found) == 1 and found[0].severity == "info"
    assert "26 + 本年制发 0 − 本年废止 3 = 23，本年报告现行有效 26（相差 3）" in found[0].message


def test_cross_year_copy_and_same_data():
    prev, cur = _pair()
    body = "本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实政府信息公开条例，持续深化政务公开工作。"
    prev.sections["s1"] = Section(
        True, "一、总体情况", 1, "2023年" + body + "全年主动公开信息1234条。"
    )
    cur.sections["s1"] = Section(
        True, "一、总体情况", 1, "2024年" + body + "全年主动公开信息5678条。"
    )
    for fid, v in prev.values.items():
        if fid.startswith(("requests.", "reviews.")):
            cur.values[fid].value = v.value
    rules = {f.rule: f for f in check_cross_year(cur, prev)}
    assert rules["R-CROSS-YEAR-COPY"].actual == 1.0 and "100%" in rules["R-CROSS-YEAR-COPY"].message
    assert "逐一相同" in rules["R-CROSS-YEAR-SAME-DATA"].message
    assert text_similarity("短文本", "短文本") is None
    cur.sections["s1"] = Section(
        True,
        "一、总体情况",
        1,
        "完全不同的内容，讲的是另外一件事情，与上年没有重复的段落和表述，篇幅也相当。",
    )
    assert "R-CROSS-YEAR-COPY" not in {f.rule for f in check_cross_year(cur, prev)}


def test_cross_year_rules_are_registered_for_their_metadata_and_checked_in_the_store():
    from nianbao.checks import CROSS_YEAR_SKIP, RULES, run_checks, skipped
    from nianbao.store.crossyear import CROSS_RULES

    rep = Report.from_flat(gold("hongze-2024.gold.json"))
    assert [RULES[r].group for r in CROSS_RULES] == ["J"] * 4
    assert [RULES[r].severity for r in CROSS_RULES] == ["error", "info", "warning", "warning"]
    assert RULES["R-CROSS-YEAR-COPY"].title == "内容与上年雷同"
    assert run_checks(rep, rules=list(CROSS_RULES)) == []
    reasons = skipped(rep)
    assert all(reasons[r] == CROSS_YEAR_SKIP for r in CROSS_RULES)
    assert CROSS_YEAR_SKIP == "需要同一机关上一年度的报告（在数据库中检查）"


def test_procurement_unit_kept_by_the_store(db_url, tmp_path):
    """The unit written with 采购总金额 (2019 表二) is kept beside the amount: a report read
    back from the store has it, the API's meta names it, and the wide and long exports give
    it after the amount (the parsed text of the writer's rendering, not only a flat gold)."""
    from nianbao.report import AMOUNT_UNIT_ID
    from nianbao.store.write import load_report

    from .golds2019 import golds, writer_text

    with_unit = [(s, g) for s, g in golds() if g.get(AMOUNT_UNIT_ID)]
    assert with_unit
    files, units = [], {}
    for i, (_stem, g) in enumerate(with_unit):
        p = tmp_path / "in" / f"{i}.txt"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(writer_text(g, "tab"))
        files.append(str(p))
        units[(g["meta.agency"], g["meta.year"])] = g[AMOUNT_UNIT_ID]
    engine = open_store(db_url)
    try:
        ingest_files(files, engine, workers=0)
        from sqlalchemy.orm import Session

        from nianbao.store.models import StoredReport

        with Session(engine) as s:
            stored = s.query(StoredReport).all()
            assert len(stored) == len(files)
            for row in stored:
                rep = load_report(s, row.id)
                want = units[(rep.meta["agency"], rep.meta["year"])]
                assert rep.procurement_unit() == want
                assert rep.flat()[AMOUNT_UNIT_ID] == want
                assert "procurement_unit" not in rep.meta  # the store's key, not the report's
        wide = tmp_path / "wide.csv"
        export_reports(engine, wide, "csv", "wide", "id")
        rows = list(csv.DictReader(wide.open(encoding="utf-8-sig")))
        header = list(rows[0])
        amount = header.index("active2019.procurement.amount")
        assert header[amount + 1] == AMOUNT_UNIT_ID
        assert sorted(r[AMOUNT_UNIT_ID] for r in rows) == sorted(units.values())
        long = tmp_path / "long.csv"
        export_reports(engine, long, "csv", "long", "id")
        lrows = [r for r in csv.DictReader(long.open(encoding="utf-8-sig"))]
        got = sorted(r["raw"] for r in lrows if r["field_id"] == AMOUNT_UNIT_ID)
        assert got == sorted(units.values())
    finally:
        engine.dispose()
