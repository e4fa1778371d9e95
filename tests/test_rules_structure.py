"""Group A (document structure and layout): each rule fires on a violating variant with the
right cells and message, and stays silent on a consistent report."""

from __future__ import annotations

import re

import pytest

from nianbao.report import Section

from .test_checks import gold_report, needs_samples, only, parse_text, run, seed_path


# ------------------------------------------------------------------ R-SECTIONS
@needs_samples
def test_sections_fires_when_a_section_heading_is_dropped_from_the_text(tmp_path):
    text = seed_path("000").read_text(encoding="utf-8")
    variant = text.replace("五、存在的主要问题及改进情况", "", 1)
    assert variant != text
    rep = parse_text(variant, tmp_path)
    (f,) = only(rep.findings, "R-SECTIONS")
    assert f.severity == "error"
    assert f.cells == ["sections.s5"]
    assert "五、存在的主要问题及改进情况" in f.message


def test_sections_silent_when_all_six_present_or_for_legacy_years():
    assert run(gold_report(), "R-SECTIONS") == []
    rep = gold_report()
    rep.sections["s6"] = Section()
    assert [f.cells for f in run(rep, "R-SECTIONS")] == [["sections.s6"]]
    rep.meta["year"] = 2017
    assert run(rep, "R-SECTIONS") == []


# ------------------------------------------------------------------ R-SECTION-ORDER
def test_section_order():
    rep = gold_report()
    assert run(rep, "R-SECTION-ORDER") == []
    rep.sections["s6"].order, rep.sections["s5"].order = 5, 6
    (f,) = run(rep, "R-SECTION-ORDER")
    assert f.severity == "warning"
    assert "一、二、三、四、六、五" in f.message


# ------------------------------------------------------------------ R-SECTION-TITLE
@pytest.mark.parametrize(
    "heading, severity",
    [
        ("五、存在的主要问题及改进情况", None),
        ("## 五、存在的主要问题及改进情况", None),
        ("五、 存在的主要问题 及改进情况", None),
        ("五、存在的问题及改进情况", "info"),
        ("五、政府信息公开工作存在的主要问题及改进情况", "info"),
        ("5、 存在的主要问题及下一步工作", "warning"),
        ("五 存在的主要问题及改进情况", "warning"),
        ("五、工作中的不足", "warning"),
        ("五、存在的問題及改進情況", "info"),
    ],
)
def test_section_title(heading, severity):
    rep = gold_report()
    rep.sections["s5"].heading = heading
    found = run(rep, "R-SECTION-TITLE")
    if severity is None:
        assert found == []
    else:
        (f,) = found
        assert f.severity == severity
        assert f.cells == ["sections.s5"]
        assert f.expected == "五、存在的主要问题及改进情况"
        assert heading.strip() in f.message


@needs_samples
def test_section_title_on_a_renamed_heading_in_the_text(tmp_path):
    text = seed_path("002").read_text(encoding="utf-8")
    variant = text.replace(
        "四、政府信息公开行政复议、行政诉讼情况", "4、政府信息公开行政复议、行政诉讼情况", 1
    )
    rep = parse_text(variant, tmp_path)
    found = only(rep.findings, "R-SECTION-TITLE")
    assert [(f.severity, f.cells) for f in found] == [("warning", ["sections.s4"])]


# ------------------------------------------------------------------ R-TITLE
@pytest.mark.parametrize(
    "title, fires",
    [
        ("巨鹿县人民政府办公室2023年政府信息公开工作年度报告", False),
        ("清河县 2022 年政府信息公开 工作年度报告", False),
        ("石家莊市人民政府辦公室2022年政府信息公開工作年度報告", False),
        ("2022年政务公开工作总结", True),
        ("政府信息公开工作年度报告", True),
        (None, True),
    ],
)
def test_title(title, fires):
    rep = gold_report()
    rep.meta["title"] = title
    found = run(rep, "R-TITLE")
    assert bool(found) == fires
    if fires:
        assert found[0].cells == ["meta.title"] and found[0].severity == "warning"


# ------------------------------------------------------------------ tables
def test_table_missing_when_section_three_is_prose_only():
    rep = gold_report()
    for fid in [f for f in rep.values if f.startswith("requests.")]:
        del rep.values[fid]
    (f,) = run(rep, "R-TABLE-MISSING")
    assert f.cells == ["sections.s3"] and f.severity == "error"
    assert "表三" in f.message
    assert run(gold_report(), "R-TABLE-MISSING") == []
    # an unmapped table (the extractor reports R-CELL-COUNT) is not "missing"
    rep.layout["requests_unmapped"] = True
    assert run(rep, "R-TABLE-MISSING") == []


@needs_samples
def test_table_missing_in_a_plain_text_copy_says_the_copy_may_have_lost_it(tmp_path):
    # a crawled page whose 表三 was a picture: the text has the section's prose, no table
    text = seed_path("000").read_text(encoding="utf-8")
    head = text.index("三、收到和处理政府信息公开申请情况")
    end = text.index("四、政府信息公开行政复议")
    variant = text[:head] + "三、收到和处理政府信息公开申请情况\n\n（见下图）\n\n" + text[end:]
    rep = parse_text(variant, tmp_path)
    (f,) = only(rep.findings, "R-TABLE-MISSING")
    assert f.cells == ["sections.s3"]
    assert "纯文本副本" in f.message and "图片或附件" in f.message
    # a report that is no copy (the checks on a Report built otherwise) says no such thing
    rep = gold_report()
    for fid in [f for f in rep.values if f.startswith("requests.")]:
        del rep.values[fid]
    (f,) = run(rep, "R-TABLE-MISSING")
    assert "纯文本副本" not in f.message


def test_row_missing():
    rep = gold_report()
    for c in ("natural", "commercial", "research", "social", "legal", "other_org", "total"):
        del rep.values[f"requests.denied.enforcement_file.{c}"]
    for fid in ("active.penalty",):
        del rep.values[fid]
    found = run(rep, "R-ROW-MISSING")
    assert len(found) == 2
    active, requests = found
    assert active.cells == ["active.penalty"] and "行政处罚" in active.message
    assert len(requests.cells) == 7
    assert all(c.startswith("requests.denied.enforcement_file.") for c in requests.cells)
    assert "7.属于行政执法案卷" in requests.message
    assert run(gold_report(), "R-ROW-MISSING") == []


def test_row_missing_accepts_the_single_other_row_of_a_mixed_report():
    rep = gold_report("000")
    assert rep.meta["format"] == "mixed"
    assert run(rep, "R-ROW-MISSING") == []


def test_col_missing():
    rep = gold_report()
    for fid in [f for f in rep.values if f.startswith("requests.") and f.endswith(".research")]:
        del rep.values[fid]
    del rep.values["reviews.litigation_after.pending"]
    found = run(rep, "R-COL-MISSING")
    assert len(found) == 2
    assert "科研机构" in found[0].message
    assert found[1].cells == ["reviews.litigation_after.pending"]
    assert "14" in found[1].message and "15" in found[1].message
    assert run(gold_report(), "R-COL-MISSING") == []


# ------------------------------------------------------------------ layout version
def test_format_old_mixed_early():
    rep = gold_report()
    assert run(rep, "R-FORMAT-OLD", "R-FORMAT-MIXED", "R-FORMAT-EARLY") == []
    rep.meta["format"] = "2019"
    (f,) = run(rep, "R-FORMAT-OLD")
    assert f.severity == "error" and str(rep.meta["year"]) in f.message
    rep.meta["format"] = "mixed"
    (f,) = run(rep, "R-FORMAT-MIXED")
    assert f.severity == "warning"
    rep.meta.update(format="2021", year=2020)
    (f,) = run(rep, "R-FORMAT-EARLY")
    assert f.severity == "warning" and "2020" in f.message
    rep.meta["year"] = 2021
    assert run(rep, "R-FORMAT-EARLY") == []


def test_format_mixed_names_the_single_other_row():
    (f,) = run(gold_report("000"), "R-FORMAT-MIXED")
    assert "（六）其他处理" in f.message


def test_script_traditional():
    rep = gold_report()
    assert run(rep, "R-SCRIPT-TRADITIONAL") == []
    rep.meta["script"] = "traditional"
    (f,) = run(rep, "R-SCRIPT-TRADITIONAL")
    assert f.severity == "info" and "繁体" in f.message


def test_table_rules_do_not_run_on_legacy_or_unknown_format():
    rep = gold_report()
    for fid in [f for f in rep.values if f.startswith("requests.")][:7]:
        del rep.values[fid]
    assert run(rep, "R-ROW-MISSING")
    for fmt in ("legacy", "unknown"):
        rep.meta["format"] = fmt
        assert run(rep, "R-ROW-MISSING", "R-COL-MISSING", "R-SUM-ROW", "R-BLANK-CELL") == []


def test_sections_messages_are_chinese():
    rep = gold_report()
    rep.sections["s2"] = Section()
    (f,) = run(rep, "R-SECTIONS")
    assert re.search(r"[\u4e00-\u9fff]", f.message)
