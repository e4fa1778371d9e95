"""meta: title, agency, kind, level, year, period and the publication date."""

from __future__ import annotations

import pytest

import nianbao
from nianbao.extraction.meta import admin_level, agency_kind

from .conftest import EXAMPLES

BASE = (EXAMPLES / "reports" / "qinglan-2024.txt").read_text(encoding="utf-8")
TITLE = "青岚县人民政府2024年政府信息公开工作年度报告"


def _parse(text: str):
    return nianbao.parse(text.encode("utf-8"))


def test_example_meta():
    m = _parse(BASE).meta
    assert m["title"] == TITLE and m["agency"] == "青岚县人民政府" and m["year"] == 2024
    assert (m["period_start"], m["period_end"]) == ("2024-01-01", "2024-12-31")
    assert (m["published"], m["published_source"]) == ("2025-01-20", "footer")
    assert (m["agency_kind"], m["admin_level"], m["format"]) == ("government", "county", "2021")


@pytest.mark.parametrize(
    "title, agency",
    [
        ("青岚县人民政府关于2024年政府信息公开工作年度报告", "青岚县人民政府"),
        ("2024年青岚县财政局政府信息公开工作年度报告", "青岚县财政局"),
        ("青岚县2024年政府信息公开工作年度报告", "青岚县人民政府"),
        ("青岚县人民政府办公室\n2024年政府信息公开工作年度报告", "青岚县人民政府办公室"),
    ],
)
def test_agency_from_title(title, agency):
    assert _parse(BASE.replace(TITLE, title)).meta["agency"] == agency


@pytest.mark.parametrize(
    "title",
    [
        "青岚县财政局二〇二四年政府信息公开工作年度报告",  # the year in Chinese numerals
        "青岚县财政局二○二四年度政府信息公开工作年度报告",
        "青岚县财政局二零二四年政府信息公开工作年度报告",
        "青岚县财政局2024年度政府信息公开工作报告",  # no 年度报告 in the title
        "《青岚县财政局2024年政府信息公开工作年度报告》",  # a portal's headline
        "【青岚县财政局】2024年政府信息公开工作年度报告",
        "关于印发《青岚县财政局2024年政府信息公开工作年度报告》的通知",
        "“青岚县财政局2024年政府信息公开工作年度报告”",
        "青岚县财政局：2024年政府信息公开工作年度报告",  # a mark between name and year
        "青岚县财政局-2024年政府信息公开工作年度报告",
        # a web page's title: the report's, then the site's or the body's name
        "2024年政府信息公开工作年度报告-青岚县财政局",
        "青岚县财政局2024年政府信息公开工作年度报告_青岚县人民政府门户网站",
        "青岚县财政局2024年政府信息公开工作年度报告 - 青岚县人民政府",
    ],
)
def test_title_shapes_give_agency_and_year(title):
    m = _parse(BASE.replace(TITLE, title)).meta
    assert (m["agency"], m["year"]) == ("青岚县财政局", 2024)


def test_page_date_beats_the_footer():
    m = _parse(BASE.replace(TITLE, TITLE + "\n发布日期：2025-04-02 09:30")).meta
    assert (m["published"], m["published_source"]) == ("2025-04-02", "page")
    rules = {
        f.rule: f.severity
        for f in _parse(BASE.replace(TITLE, TITLE + "\n发布日期：2025-04-02")).findings
    }
    assert rules.get("R-DEADLINE") == "error"  # a government's deadline is 31 March


@pytest.mark.parametrize(
    "line", ["二〇二五年一月二十日", "2025-01-20", "2025.1.20", "（2025年1月20日）"]
)
def test_footer_date_forms(line):
    m = _parse(BASE.replace("2025年1月20日", line)).meta
    assert m["published"] == "2025-01-20"


@pytest.mark.parametrize(
    "agency, kind, level",
    [
        ("青岚县人民政府", "government", "county"),
        ("青岚县人民政府办公室", "department", "county"),
        ("青岚市财政局", "department", "prefecture"),
        ("上海市科委", "department", "province"),
        ("青岚县城关镇人民政府", "township", "township"),
        ("青岚区东湖街道办事处", "township", "township"),
        ("某某省人民政府办公厅", "department", "province"),
        ("国家统计局", "department", "central"),
        (None, "unknown", "unknown"),
    ],
)
def test_agency_kind_and_level(agency, kind, level):
    assert agency_kind(agency) == kind
    assert admin_level(agency) == level


def test_part_headings():
    rep = _parse(BASE.replace("一、总体情况", "第一部分 总体情况"))
    assert rep.sections["s1"].present and rep.sections["s1"].heading == "第一部分 总体情况"


def _untitled(agency: str = "青岚县财政局") -> str:
    """The example with a title naming no body, signed by ``agency``, its contact line
    saying 我局 and its prose 本局."""
    text = BASE.replace(TITLE, "2024年政府信息公开工作年度报告")
    text = text.replace("请与青岚县人民政府办公室联系", "请与我局联系")
    text = text.replace("2024年，青岚县人民政府深入", "2024年，本局深入")
    return text.replace("青岚县人民政府\n\n2025年1月20日", f"{agency}\n\n2025年1月20日")


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t,  # signed above the date
        lambda t: t.replace("青岚县财政局\n\n2025年1月20日", "青岚县财政局  2025年1月20日"),
        lambda t: t.replace("青岚县财政局\n\n2025年1月20日", "青岚县财政局\n二〇二五年一月二十日"),
        # a portal's fields above a title naming no body are not part of the title
        lambda t: "来源：青岚县融媒体中心　发布时间：2025-01-20\n" + t,
    ],
)
def test_agency_from_the_signature_not_a_pronoun(edit):
    m = _parse(edit(_untitled())).meta
    assert (m["agency"], m["year"]) == ("青岚县财政局", 2024)


def test_a_contact_line_naming_itself_gives_no_agency():
    text = _untitled().replace("青岚县财政局\n\n2025年1月20日", "2025年1月20日")
    assert _parse(text).meta["agency"] is None  # 我局 is no name, and nothing else names it


@pytest.mark.parametrize(
    "place, full",
    [("青岚县城关镇", "青岚县城关镇人民政府"), ("青岚县东街街道", "青岚县东街街道办事处")],
)
def test_a_town_title_takes_the_bodys_full_name(place, full):
    text = BASE.replace(TITLE, f"{place}2024年政府信息公开工作年度报告")
    text = text.replace("青岚县人民政府\n\n2025年1月20日", f"{full}\n\n2025年1月20日")
    assert _parse(text).meta["agency"] == full
    # without the full name anywhere, the title's words stand
    assert _parse(text.replace(full, "本机关")).meta["agency"] == place


@pytest.mark.parametrize("crumb", ["政府信息公开年报", "年度报告长者模式", "城关镇"])
def test_a_flattened_page_whose_breadcrumbs_run_into_the_title(crumb):
    """A page flattened to one line: 「当前位置：首页 > 政务公开 > 政府信息公开年报青岚县人民政府
    2024年…」. The breadcrumb's last words ran into the agency (政府信息公开年报青岚县人民政府,
    城关镇青岚县人民政府; with 年度报告 before it no agency at all); the name the body gives
    bounds it."""
    flat = " ".join(line for line in BASE.split("\n") if line.strip())
    text = "发布时间：2025-01-20\n当前位置：首页 > 政务公开 > " + crumb + flat
    m = _parse(text).meta
    assert (m["agency"], m["year"]) == ("青岚县人民政府", 2024)


def test_a_page_titles_site_is_not_the_title():
    m = _parse(BASE.replace(TITLE, TITLE + "_青岚县人民政府门户网站")).meta
    assert (m["title"], m["agency"]) == (TITLE, "青岚县人民政府")
    # a portal's name after a title that names no body is not taken for the body
    m = _parse(BASE.replace(TITLE, "2024年政府信息公开工作年度报告-青岚县政府门户网站")).meta
    assert m["agency"] != "青岚县政府门户网站"


def test_a_portal_column_name_above_the_title_is_not_the_title():
    """栏目导航 / 政府信息公开年报 (a layout table's side column) above the report's title:
    年报 ended the first line, which named no year, and the agency read 「栏目导航」."""
    m = _parse("栏目导航\n\n政府信息公开年报\n\n" + BASE).meta
    assert (m["agency"], m["year"], m["title"]) == ("青岚县人民政府", 2024, TITLE)


_BUREAU = "青岚县教育局2024年政府信息公开工作年度报告"
_LISTED = ["青岚县2024年政府信息公开工作年度报告", "青岚县人民政府2023年政府信息公开工作年度报告"]


@pytest.mark.parametrize(
    "chrome",
    [
        # the page's title, the portal's list of other reports, then the article's title
        [_BUREAU, "首页", "热点信息", *_LISTED, _BUREAU, "发布时间：2025-01-20"],
        # the article's title, then a list of related reports before its text
        [_BUREAU, "发布时间：2025-01-20", "相关阅读", *_LISTED],
    ],
)
@pytest.mark.parametrize("flat", [False, True])
def test_a_bureaus_report_beside_its_governments_is_the_bureaus(chrome, flat):
    """A bureau's report names its 人民政府 (and the place alone, 青岚县 inside 青岚县教育局)
    more often than itself: the titles a portal lists beside the article were taken for
    the report's by that count — another body, even another year (2023) and the report
    then blamed for a period that does not match it. The body signing the report decides;
    a longer name does not count for a shorter one inside it."""
    body = BASE.replace(TITLE + "\n", "", 1)
    body = body.replace("2024年，青岚县人民政府深入", "2024年，青岚县教育局深入")
    body = body.replace("青岚县人民政府\n\n2025年1月20日", "青岚县教育局\n\n2025年1月20日")
    text = "\n".join(chrome) + "\n\n" + body
    if flat:
        text = text.replace("\n", " ")
    m = _parse(text).meta
    assert (m["agency"], m["year"]) == ("青岚县教育局", 2024)
    assert not flat or m["title"] == _BUREAU


def test_a_governments_report_beside_its_offices():
    """A 人民政府's report names its 办公室 (编制, 联系): the office's own report listed
    before the article is not taken for it."""
    office = "青岚县人民政府办公室2024年政府信息公开工作年度报告"
    body = BASE.replace(TITLE + "\n", "", 1).replace(
        "青岚县人民政府\n\n2025年1月20日", "2025年1月20日"
    )
    text = "\n".join(["热点信息", office, "青岚县财政局2024年政府信息公开工作年度报告", TITLE])
    m = _parse(text + "\n\n" + body).meta
    assert (m["agency"], m["title"]) == ("青岚县人民政府", TITLE)
