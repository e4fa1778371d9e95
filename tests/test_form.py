"""Reading by the form (issue 10): copies in shapes the layout readers do not know, digits
run together, cut-off copies, page chrome, copies without a title line — and honesty where
the tool cannot read (R-UNREAD, never a "missing" finding). Invented agencies only."""

from __future__ import annotations

from click.testing import CliRunner

import nianbao
from nianbao.cli import cli
from nianbao.extraction.form import fold, read_form, tokenize
from nianbao.extraction.form.solve import full_splits
from nianbao.report import Report, Value
from nianbao.schema import table_ids
from nianbao.writing.writer import render

MISSING = {"R-TABLE-MISSING", "R-ROW-MISSING", "R-SECTIONS"}


def _report(layout: str = "2021") -> Report:
    rep = Report()
    rep.meta.update({"agency": "青岚县石门镇人民政府", "year": 2024, "format": layout})
    for fid in table_ids(layout):
        rep.values[fid] = Value(0, "0")
    rep.values["active.licensing"] = Value(97, "97")
    for col, v in zip(("natural", "commercial", "total"), (53, 1, 54)):
        for row in ("new", "granted", "processed_total"):
            rep.values[f"requests.{row}.{col}"] = Value(v, str(v))
    return rep


def _flat(rep: Report) -> str:
    """The report as a crawler flattens it: one line, no separator anywhere in the tables."""
    text = render(rep, "tab").decode("utf-8")
    return "".join(part for line in text.splitlines() for part in line.split("\t"))


def _rules(rep: Report) -> set[str]:
    return {f.rule.split(".")[0] for f in rep.findings}


def test_fold_keeps_a_map_to_the_text() -> None:
    k, idx = fold("（一）予以 公开 | 12 |\n3.其他")
    assert k == "一予以公开123其他"
    assert [idx[i] for i in range(3)] == [1, 3, 4]


def test_tokenize_tells_values_from_ordinals_and_words() -> None:
    text = "（三）不予公开 | 1.属于国家秘密 | 0 | — | 无法提供 | 3件 | 无 |"
    kinds = [(t.kind, t.text) for t in tokenize(text, 0, len(text)) if t.kind != "s"]
    values = [t for k, t in kinds if k == "v"]
    assert values == ["0", "—", "3件", "无"]  # 1. is an ordinal, 无 of 无法提供 a word


def test_digits_split_by_the_row_total() -> None:
    text = "531000054"
    toks = [t for t in tokenize(text, 0, len(text)) if t.kind == "v"]
    from nianbao.extraction.form.solve import CHECKS

    cands = full_splits(toks, 7, CHECKS["s3"])
    assert [[x for x, _, _ in c] for c in cands] == [["53", "1", "0", "0", "0", "0", "54"]]


def test_flattened_copy_reads_split_digits_and_says_so() -> None:
    rep = nianbao.parse(_flat(_report()).encode("utf-8"), name="flat.txt")
    assert rep.get("active.licensing") == 97
    assert rep.get("requests.new.natural") == 53
    assert rep.get("requests.new.commercial") == 1
    assert rep.get("requests.new.total") == 54
    assert rep.get("reviews.litigation_after.total") == 0
    split = [f for f in rep.findings if f.rule == "R-DIGITS-SPLIT"]
    assert any("requests.new.natural" in f.cells for f in split)
    assert all("推断" in f.message or "未能读取" in f.message for f in split)
    assert not _rules(rep) & MISSING
    assert rep.meta["agency"] == "青岚县石门镇人民政府"
    assert rep.meta["year"] == 2024


def test_ambiguous_split_stays_null_with_candidates_and_no_missing_finding() -> None:
    rep0 = _report()
    for fid, v in zip(("issued", "repealed", "in_force"), (3, 0, 15)):
        rep0.values[f"active.normative.{fid}"] = Value(v, str(v))
    rep = nianbao.parse(_flat(rep0).encode("utf-8"), name="flat.txt")
    ids = [f"active.normative.{f}" for f in ("issued", "repealed", "in_force")]
    assert all(rep.get(i) is None for i in ids)  # "3015" has more than one reading
    unread = [f for f in rep.findings if f.rule == "R-UNREAD" and set(ids) <= set(f.cells)]
    assert unread and unread[0].message.startswith("未能读取") and "工具" in unread[0].message
    cands = [f for f in rep.findings if f.rule == "R-DIGITS-SPLIT" and set(ids) <= set(f.cells)]
    assert cands and "3 0 15" in cands[0].message
    assert not _rules(rep) & MISSING


def test_pipe_rows_without_a_leading_pipe_place_blanks_by_the_pipes() -> None:
    rep0 = _report()
    rep0.values["requests.granted.commercial"] = Value(None, "")
    rep0.values["requests.granted.natural"] = Value(54, "54")
    text = render(rep0, "tab").decode("utf-8")
    lines = [
        " | ".join(line.split("\t")) + " |" if "\t" in line else line for line in text.splitlines()
    ]
    rep = nianbao.parse("\n".join(lines).encode("utf-8"), name="pipes.txt")
    assert rep.get("requests.granted.natural") == 54
    assert rep.get("requests.granted.commercial") is None
    assert rep.values["requests.granted.commercial"].blank
    assert rep.get("requests.granted.total") == 54


def test_truncated_copy_says_where_it_ends_and_claims_nothing_missing() -> None:
    text = render(_report(), "tab").decode("utf-8")
    cut = text.index("（三）不予公开")
    rep = nianbao.parse(text[:cut].encode("utf-8"), name="cut.txt")
    assert rep.get("requests.new.natural") == 53
    trunc = [f for f in rep.findings if f.rule == "R-TEXT-TRUNCATED"]
    assert len(trunc) == 1 and "第三部分" in trunc[0].message
    assert "requests.carried_forward.total" in trunc[0].cells
    assert "sections.s4" in trunc[0].cells
    assert not _rules(rep) & MISSING


def test_page_chrome_is_never_the_agency_and_gives_the_date() -> None:
    body = render(_report(), "tab").decode("utf-8")
    chrome = (
        "关怀版 无障碍\n您当前所在位置：首页>乡镇>石门镇>政府信息公开年报\n"
        "标题：青岚县石门镇人民政府2024年政府信息公开工作年度报告\n"
        "发布时间：2025-01-26 09:15\n分享到：微信 微博\n"
    )
    rep = nianbao.parse((chrome + body).encode("utf-8"), name="page.txt")
    assert rep.meta["agency"] == "青岚县石门镇人民政府"
    assert rep.meta["published"] == "2025-01-26"
    assert rep.meta["published_source"] == "page"


def test_no_title_line_agency_from_the_opening_sentence() -> None:
    body = render(_report(), "tab").decode("utf-8")
    body = body.split("\n", 1)[1]  # no title line
    opening = "根据《中华人民共和国政府信息公开条例》，青岚县石门镇人民政府特此编制2024年度政府信息公开工作年度报告。\n"
    rep = nianbao.parse((opening + body).encode("utf-8"), name="untitled.txt")
    assert rep.meta["agency"] == "青岚县石门镇人民政府"
    assert rep.meta["year"] == 2024


def test_headings_in_mid_line_count_as_present() -> None:
    reading = read_form(
        "前言。一、总体情况 本年度…… 二、主动公开政府信息情况 规章 0 0 0 五、存在的主要问题及改进情况 无"
    )
    assert {"s1", "s2", "s5"} <= set(reading.headings)


def test_a_report_without_tables_is_emitted_not_refused(tmp_path) -> None:  # noqa: ANN001
    p = tmp_path / "excerpt.txt"
    p.write_text(
        "青岚县石门镇人民政府根据《中华人民共和国政府信息公开条例》特此编制2024年度政府信息公开"
        "工作年度报告。\n一、总体情况\n2024年，本镇认真贯彻落实《条例》。\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["parse", "--format", "json", str(p)])
    assert result.exit_code == 0, result.output
    assert "青岚县石门镇人民政府" in result.output
    assert "没有读到任何统计表" in result.output  # said on stderr (mixed into output here)


def test_not_a_report_is_refused_with_exit_2(tmp_path) -> None:  # noqa: ANN001
    p = tmp_path / "note.txt"
    p.write_text("今天天气很好，我们去公园散步。\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(p)])
    assert result.exit_code == 2
    assert "不像是一份政府信息公开工作年度报告" in result.output


def test_a_missing_heading_over_a_table_that_is_there_is_no_missing_section() -> None:
    text = (
        render(_report(), "tab").decode("utf-8").replace("三、收到和处理政府信息公开申请情况\n", "")
    )
    rep = nianbao.parse(text.encode("utf-8"), name="noheading.txt")
    assert rep.get("requests.new.natural") == 53
    assert not _rules(rep) & MISSING
    titles = [f for f in rep.findings if f.rule == "R-SECTION-TITLE" and f.cells == ["sections.s3"]]
    assert titles and "统计表在文中" in titles[0].message


def test_a_row_of_thousands_of_numbers_is_read_in_linear_time() -> None:
    """A fuzz finding: a row holding thousands of values made the window choice quadratic."""
    from nianbao.budget import Budget, file_budget

    text = render(_report(), "tab").decode("utf-8")
    i = text.index("二、上年结转")
    row = "一、本年新收政府信息公开申请数量 | " + " | ".join(["1"] * 30_000) + " |\n"
    with file_budget(Budget(seconds=20, memory_mb=0)):
        rep = nianbao.parse((text[:i] + row + text[i:]).encode("utf-8"), name="long.txt")
    assert rep.meta["agency"] == "青岚县石门镇人民政府"
