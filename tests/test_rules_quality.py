"""Group I (text quality heuristics)."""

from __future__ import annotations

import pytest

from nianbao.checks.rules.quality import own_division

from .test_checks import gold_report, run


# ------------------------------------------------------------------ R-TEXT-STALE-YEAR
def _s5(year_in_plan: int, retrospective: int) -> str:
    return (
        f"{retrospective}年，本机关在政府信息公开工作中存在的主要问题是：政策解读形式不够丰富。"
        f"下一步，将采取以下措施：一是对{year_in_plan}年政务公开工作进行认真研究和周密部署。"
        f"二是围绕{year_in_plan}年度政务公开工作要点，细化任务分工。"
    )


def test_stale_year_fires_when_the_plan_names_the_report_year():
    rep = gold_report("002")
    y = rep.meta["year"]
    rep.sections["s5"].text = _s5(y, y)
    (f,) = run(rep, "R-TEXT-STALE-YEAR")
    assert f.severity == "warning" and f.cells == ["sections.s5"]
    assert f.actual == [y]
    assert len(f.evidence) == 2
    assert f"对{y}年政务公开工作" in f.message


def test_stale_year_silent_for_next_year_and_long_range_targets():
    rep = gold_report("002")
    y = rep.meta["year"]
    rep.sections["s5"].text = _s5(y + 1, y)
    assert run(rep, "R-TEXT-STALE-YEAR") == []
    rep.sections["s5"].text = f"下一步，将持续推进，到{y}年底前全面完成标准化建设。"
    assert run(rep, "R-TEXT-STALE-YEAR") == []


# ------------------------------------------------------------------ R-TEXT-FOREIGN-DIVISION
@pytest.mark.parametrize(
    "agency, division",
    [
        ("威县人民政府办公室", "县"),
        ("淮安市洪泽区人民政府", "区"),
        ("石家庄市人民政府办公室", "市"),
        ("上海市科委", "市"),
        ("某某区市场监督管理局", "区"),
        ("汉阴县", "县"),
        (None, None),
    ],
)
def test_own_division(agency, division):
    assert own_division(agency) == division


def test_foreign_division():
    rep = gold_report("004", agency="某县人民政府办公室")
    rep.sections["s1"].text += "有序推进我区政务新媒体建设工作，认真开展区政府规章清理工作。"
    (f,) = run(rep, "R-TEXT-FOREIGN-DIVISION")
    assert f.severity == "info"
    assert f.actual == ["我区", "区政府"]
    assert "我区政务新媒体" in f.message


@pytest.mark.parametrize(
    "text",
    [
        "按照市政府办要求，我县认真落实。",  # the parent city is not foreign
        "对本地区政府门户网站进行全面自查。",
        "加快政务公开专区建设，指导各县区政府开展工作。",
    ],
)
def test_foreign_division_silent_on_legitimate_references(text):
    rep = gold_report("004", agency="某县人民政府办公室")
    rep.sections["s1"].text += text
    assert run(rep, "R-TEXT-FOREIGN-DIVISION") == []


def test_foreign_division_city_report_saying_our_county():
    rep = gold_report("003", agency="某市人民政府办公室", admin_level="prefecture")
    rep.sections["s1"].text += "指导区政府做好公开工作。我县将进一步加强。"
    (f,) = run(rep, "R-TEXT-FOREIGN-DIVISION")
    assert f.actual == ["我县"]


# ------------------------------------------------------------------ R-TEXT-LAW-NAME
@pytest.mark.parametrize(
    "text, fires",
    [
        ("严格按照新出台的《中华人民共和国信息公开条例》。", True),
        ("落实《中华人民共和国政府信息公开条列》要求。", True),
        (
            "落实《中华人民共和国政府信息公开条例》（以下简称《条例》）和《政府信息公开条例》。",
            False,
        ),
        ("根据《河北省实施〈中华人民共和国政府信息公开条例〉办法》。", False),
        ("执行《政府信息公开信息处理费管理办法》。", False),
    ],
)
def test_law_name(text, fires):
    rep = gold_report("002")
    rep.sections["s1"].text += text
    found = run(rep, "R-TEXT-LAW-NAME")
    assert bool(found) == fires
    if fires:
        assert "《中华人民共和国政府信息公开条例》" in found[0].message


# ------------------------------------------------------------------ R-TEXT-AGENCY-MISMATCH
def test_agency_mismatch_government_report_written_by_the_office():
    s5 = "2022年，县政府办公室在政府信息公开工作中存在的主要问题是：人员队伍需要加强。"
    rep = gold_report("000", {"s5": s5}, agency="某县人民政府", agency_kind="government")
    (f,) = run(rep, "R-TEXT-AGENCY-MISMATCH")
    assert f.actual == ["县政府办公室"] and f.severity == "info"
    rep.meta.update(agency="某县人民政府办公室", agency_kind="department")
    assert run(rep, "R-TEXT-AGENCY-MISMATCH") == []


def test_agency_mismatch_the_reverse():
    s5 = "县政府在政府信息公开工作中存在的主要问题是：人员队伍需要加强。"
    rep = gold_report("002", {"s5": s5}, agency="某县人民政府办公室", agency_kind="department")
    (f,) = run(rep, "R-TEXT-AGENCY-MISMATCH")
    assert f.actual == ["县政府"]
