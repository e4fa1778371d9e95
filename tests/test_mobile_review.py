"""Review of the mobile and social copies' fixes (``tests/blindmobile.py``): inputs real
reports take that those fixes read worse than the code before them — 「label：value」 lines of
prose taken for a phone's cards, a card that shows no line for a blank cell, a short report
called a caption, a body's name before a title's bar taken for a post's tag, and an HTML
table without 总计 called cut at a screen's edge."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

import nianbao
from tests import blindmobile as bm

GOLDS = bm.gold_paths()
pytestmark = pytest.mark.skipif(not GOLDS, reason="../shared samples not present")


def _gold() -> dict[str, Any]:
    return json.loads(GOLDS[0].read_text(encoding="utf-8"))


def _shape(name: str, seed: int = 0) -> str:
    rep = bm.build_report(_gold())
    return bm.shapes()[name](rep, random.Random(f"review-{name}-{seed}"), seed)[1]


def _parse(tmp_path: Path, text: str, name: str = "r.txt") -> Any:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return nianbao.parse(p)


def _rules(report: Any, rule: str) -> list[Any]:
    return [f for f in report.findings if f.rule == rule]


PROSE = """（一）依申请公开
本年新收政府信息公开申请数量
自然人：10件
总计：12件
上年结转政府信息公开申请数量
自然人：0件
总计：0件
（二）政府信息管理
规章
现行有效件数：2件
行政规范性文件
本年制发件数：3件
本年废止件数：1件
"""


def test_label_value_lines_of_prose_are_no_cards(tmp_path: Path) -> None:
    """A 总体情况 listing a few figures a line each (规章 / 现行有效件数：2件) in a copy whose
    tables were pictures: no table of them (read so, 现行有效 went to 本年制发 and 表二's
    other rows were called missing); the pictures stay the tool's limit."""
    text = _shape("wx_imgtables_copy")
    text = text.replace("一、总体情况\n", "一、总体情况\n" + PROSE, 1)
    report = _parse(tmp_path, text)
    got = report.flat()
    assert not any(k.startswith(("active.", "requests.")) and v is not None for k, v in got.items())
    assert not _rules(report, "R-ROW-MISSING")
    assert not _rules(report, "R-TABLE-MISSING")
    unread = " ".join(f.message for f in _rules(report, "R-UNREAD"))
    assert "表二" in unread and "表三" in unread


def test_a_card_without_a_line_for_a_blank_cell(tmp_path: Path) -> None:
    """A phone page's card that shows no line for a blank cell: the lines it shows are read
    under their own columns (本年废止件数：3 is 本年废止, never 本年制发)."""
    gold = _gold()
    text = _shape("cards_rows_copy")
    card = "行政规范性文件\n本年制发件数：{}\n".format(
        bm.fmt_value(gold["active.normative.issued"])
    )
    assert card in text
    text = text.replace(card, "行政规范性文件\n", 1)
    got = _parse(tmp_path, text).flat()
    assert got.get("active.normative.issued") is None
    assert got.get("active.normative.repealed") == gold["active.normative.repealed"]
    assert got.get("active.normative.in_force") == gold["active.normative.in_force"]


SHORT = """青岚县档案馆2023年政府信息公开工作年度报告

2023年，我馆根据《中华人民共和国政府信息公开条例》规定，通过县政府门户网站公开机构职能、工作动态等信息共计36条。全年未收到公开申请，无复议诉讼。下一步，我馆将进一步加强政务公开工作，丰富公开内容。

青岚县档案馆
2024年1月20日
"""


def test_a_short_report_is_not_a_caption(tmp_path: Path) -> None:
    """A county office's whole report in three sentences: its body is in the text, so the
    sections it lacks are its own (R-SECTIONS), never "the body is a picture"."""
    report = _parse(tmp_path, SHORT)
    assert len(_rules(report, "R-SECTIONS")) >= 5
    assert not any(c.startswith("sections.") for f in _rules(report, "R-UNREAD") for c in f.cells)
    # a 长图 post's caption is still the tool's limit
    caption = _parse(tmp_path, _shape("longimg_copy"), "c.txt")
    assert not _rules(caption, "R-SECTIONS")
    assert any("长图" in f.message for f in _rules(caption, "R-UNREAD"))


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("青岚县医保局｜2023年政府信息公开工作年度报告", "青岚县医保局"),
        ("青岚县卫健委|2023年度政府信息公开工作年度报告", "青岚县卫健委"),
        ("长图｜青岚县2023年政府信息公开工作年度报告", "青岚县人民政府"),
    ],
)
def test_a_body_named_before_the_bar_is_the_agency(tmp_path: Path, title: str, agency: str) -> None:
    """WeChat titles an article 「单位｜标题」: the name before the bar is the agency when the
    title names none after it; a tag (长图｜) never is."""
    text = _shape("wx_tool")
    first = text.split("\n", 1)[0]
    report = _parse(tmp_path, text.replace(first, title, 1))
    assert report.meta.get("agency") == agency


def test_an_html_table_without_its_total_column_is_not_cut(tmp_path: Path) -> None:
    """An HTML page holds its tables whole: a 表三 printed without 总计 lacks that column
    (R-COL-MISSING), it was not cut at a screen's edge; the text copy of a screen that cut
    the table still says the columns are unread."""
    html = _shape("toutiao_html")
    i = html.index("三、收到和处理")
    j = html.index("</table>", i)
    cut = re.sub(r"<td>[^<]*</td>(\s*</tr>)", r"\1", html[i:j])
    report = _parse(tmp_path, html[:i] + cut + html[j:], "p.html")
    gold = _gold()
    assert report.flat().get("requests.new.natural") == gold["requests.new.natural"]
    assert any("总计" in f.message for f in _rules(report, "R-COL-MISSING"))
    assert not any("截断" in f.message for f in _rules(report, "R-UNREAD"))
    copy = _parse(tmp_path, _shape("hscroll_cut", 0), "cut.txt")
    assert not _rules(copy, "R-COL-MISSING")
    assert any("截断" in f.message for f in _rules(copy, "R-UNREAD"))


DIVIDER = (
    '<section style="text-align:center;"><img class="rich_pages wxw-img" data-ratio="0.0625" '
    'data-src="https://mmbiz.qpic.cn/mmbiz_gif/x/640?wx_fmt=gif" data-type="gif" data-w="640" '
    'style="width: 100%;"></section>'
)


def test_a_wechat_divider_is_no_table_picture(tmp_path: Path) -> None:
    """A WeChat article whose 表四 is a sentence (本年度未发生…) with a divider between the
    sections (data-w 640, data-ratio 0.0625: 40 pixels high): the table is missing, not a
    picture the tool could not read; a table's own picture (data-ratio 0.6) still is."""
    html = _shape("wx_html")
    i = html.index("行政诉讼情况")
    j = html.index("<table", i)
    k = html.index("</table>", j) + len("</table>")
    prose = (
        "<section><p><span>本年度未发生政府信息公开行政复议、行政诉讼案件。</span></p></section>"
    )
    report = _parse(tmp_path, html[:j] + prose + DIVIDER + html[k:], "d.html")
    assert any("表四" in f.message for f in _rules(report, "R-TABLE-MISSING"))
    assert not any(c == "sections.s4" for f in _rules(report, "R-UNREAD") for c in f.cells)
    pictured = _shape("wx_imgtables_html").replace(
        'data-w="1080"', 'data-w="1080" data-ratio="0.6"'
    )
    assert 'data-ratio="0.6"' in pictured
    report = _parse(tmp_path, pictured, "p.html")
    assert not _rules(report, "R-TABLE-MISSING")
    assert any(c == "sections.s4" for f in _rules(report, "R-UNREAD") for c in f.cells)
