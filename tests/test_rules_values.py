"""Group B (cell values): blanks, non-numeric text, negative and fractional counts, the fee
unit."""

from __future__ import annotations

from nianbao.report import Value

from .test_checks import blank_cells_expected, gold_report, run, seed_gold


def test_blank_row_one_finding_per_table_listing_the_rows():
    rep = gold_report("002")
    for c in ("natural", "commercial", "research", "social", "legal", "other_org", "total"):
        rep.values[f"requests.carried_over.{c}"].value = None
        rep.values[f"requests.rejected.duplicate.{c}"].value = None
    (f,) = run(rep, "R-BLANK-ROW")
    assert f.severity == "warning"
    assert len(f.cells) == 14
    assert "2 行" in f.message
    assert "二、上年结转政府信息公开申请数量" in f.message and "2.重复申请" in f.message
    assert run(gold_report("002"), "R-BLANK-ROW") == []


def test_blank_row_of_section_four():
    rep = gold_report("002")
    for fid in [f for f in rep.values if f.startswith("reviews.")]:
        rep.values[fid].value = None
    (f,) = run(rep, "R-BLANK-ROW")
    assert len(f.cells) == 15 and "表四" in f.message


def test_blank_cell_lists_cells_per_table_and_matches_the_gold_blanks():
    g = seed_gold("001")
    full, partial3, partial4 = blank_cells_expected(g)
    rep = gold_report("001")
    three, four = run(rep, "R-BLANK-CELL")
    assert sorted(three.cells) == sorted(partial3)
    assert sorted(four.cells) == sorted(partial4)
    assert f"{len(partial3)} 个单元格空白" in three.message
    assert "表四" in four.message and f"{len(partial4)} 个" in four.message
    (row,) = run(rep, "R-BLANK-ROW")
    assert sorted(row.cells) == sorted(full)


def test_blank_cell_single():
    rep = gold_report("002")
    rep.values["requests.granted.legal"].value = None
    (f,) = run(rep, "R-BLANK-CELL")
    assert f.cells == ["requests.granted.legal"]
    assert "「（一）予以公开」法律服务机构" in f.message
    assert run(gold_report("002"), "R-BLANK-CELL") == []


def test_non_numeric_reports_text_cells_but_not_whitespace_blanks():
    rep = gold_report("002")
    rep.values["active.licensing"] = Value(None, "—")
    rep.values["requests.granted.legal"] = Value(4, "4件")
    rep.values["requests.granted.social"] = Value(None, "\u00a0")  # a blank, not text
    rep.values["requests.granted.natural"] = Value(7, " 7 ")
    found = run(rep, "R-NON-NUMERIC")
    assert [(f.severity, f.cells) for f in found] == [
        ("info", ["active.licensing"]),
        ("info", ["requests.granted.legal"]),
    ]
    assert "「—」" in found[0].message and "空白" in found[0].message
    assert "「4件」→ 4" in found[1].message
    assert run(gold_report("002"), "R-NON-NUMERIC") == []


def test_non_numeric_accepts_signed_delta_of_2019_layout():
    rep = gold_report("002")
    rep.values["active2019.licensing.items_delta"] = Value(-2, "减少2")
    rep.values["active2019.penalty.items_delta"] = Value(3, "+3")
    assert run(rep, "R-NON-NUMERIC") == []


def test_negative():
    rep = gold_report("002")
    rep.values["requests.carried_forward.total"].value = -1
    rep.values["active2019.licensing.items_delta"] = Value(-2, "-2")  # signed by definition
    (f,) = run(rep, "R-NEGATIVE")
    assert f.severity == "error"
    assert f.cells == ["requests.carried_forward.total"]
    assert "-1" in f.message and "四、结转下年度继续办理" in f.message


def test_non_integer_except_fees_and_procurement_amount():
    rep = gold_report("001")
    assert run(rep, "R-NON-INTEGER") == []  # active.fees has decimals in 万元
    new_total = rep.get("requests.new.total")
    rep.values["requests.new.total"].value = new_total + 0.5
    rep.values["active2019.procurement.amount"] = Value(12.5, "12.5")
    (f,) = run(rep, "R-NON-INTEGER")
    assert f.cells == ["requests.new.total"] and f.severity == "error"
    assert f"{new_total}.5" in f.message


def test_fee_unit_header_in_yuan():
    rep = gold_report("002")
    rep.text += "\n信息内容\t本年收费金额（单位：元）\n行政事业性收费\t0"
    (f,) = run(rep, "R-FEE-UNIT")
    assert f.cells == ["active.fees"] and f.actual == "元"
    assert "万元" in f.message


def test_fee_unit_cell_in_yuan_and_implausible_county_amount():
    rep = gold_report("002")
    rep.values["active.fees"] = Value(0.1816, "1816元")
    (f,) = run(rep, "R-FEE-UNIT")
    assert "1816元" in f.message
    rep = gold_report("002", admin_level="county")
    rep.values["active.fees"] = Value(18160000, "18160000")
    (f,) = run(rep, "R-FEE-UNIT")
    assert "18160000" in f.message and f.severity == "warning"
    rep.meta["admin_level"] = "province"
    assert run(rep, "R-FEE-UNIT") == []
    assert run(gold_report("000", admin_level="county"), "R-FEE-UNIT") == []


def test_a_blank_cell_beside_filled_cells_of_table_two_is_named() -> None:
    """A digit lost from 表二 (by a copy or OCR) left its cell blank beside filled ones, and
    no rule named it: R-BLANK-CELL now covers 表二's rows of several cells."""
    import nianbao

    text = (
        "某县人民政府2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
        "规章\t0\t0\t0\n行政规范性文件\t\t0\t8\n三、收到和处理政府信息公开申请情况\n"
    )
    rep = nianbao.parse(text.encode("utf-8"))
    hits = [f for f in rep.findings if f.rule == "R-BLANK-CELL"]
    assert [f.cells for f in hits] == [["active.normative.issued"]]
    assert "表二" in hits[0].message
