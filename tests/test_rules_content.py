"""Group G (required content): fees, assessment, empty sections, statistics period,
optional topics of section 六, contact details."""

from __future__ import annotations

import pytest

from .test_checks import gold_report, needs_samples, only, parse_text, run, seed_path


def test_fee_info():
    rep = gold_report("002", {"s6": "无"})
    (f,) = run(rep, "R-FEE-INFO")
    assert f.severity == "warning" and "sections.s6" in f.cells
    assert "「无」" in f.message and "信息处理费" in f.message
    assert run(gold_report("002"), "R-FEE-INFO") == []  # NEUTRAL s6 says no fee collected
    rep.meta["format"] = "2019"
    assert run(rep, "R-FEE-INFO") == []


def test_fee_info_uses_the_extractor_fees_info_when_set():
    rep = gold_report("002", {"s6": "无"})
    rep.fees_info["mentioned"] = True
    assert run(rep, "R-FEE-INFO") == []


def test_gov_assessment():
    texts = {
        "s1": "本级政府持续加强主动公开和依申请公开工作，完善平台建设，工作取得明显成效，"
        "群众满意度不断提高，各项任务全面完成，有效保障了公众的知情权、参与权和监督权。"
    }
    rep = gold_report("002", texts, agency_kind="government")
    (f,) = run(rep, "R-GOV-ASSESSMENT")
    assert f.severity == "warning" and "考核" in f.message
    rep.meta["agency_kind"] = "department"
    assert run(rep, "R-GOV-ASSESSMENT") == []
    assert run(gold_report("002", agency_kind="government"), "R-GOV-ASSESSMENT") == []


@pytest.mark.parametrize(
    "key, body",
    [("s5", "无。"), ("s5", "暂无"), ("s1", "本年度工作情况良好。")],
)
def test_section_empty(key, body):
    rep = gold_report("002", {key: body})
    (f,) = run(rep, "R-SECTION-EMPTY")
    assert f.cells == [f"sections.{key}"]
    assert body.strip("。") in f.message


def test_section_empty_accepts_a_short_section_six_and_table_sections():
    assert run(gold_report("002", {"s6": "无"}), "R-SECTION-EMPTY") == []
    rep = gold_report("002")
    for fid in [f for f in rep.values if f.startswith("reviews.")]:
        del rep.values[fid]
    (f,) = run(rep, "R-SECTION-EMPTY")
    assert f.cells == ["sections.s4"]


def test_period_statement_and_period_year():
    rep = gold_report("002")
    assert run(rep, "R-PERIOD-STATEMENT", "R-PERIOD-YEAR") == []
    rep.meta["period_start"] = rep.meta["period_end"] = None
    (f,) = run(rep, "R-PERIOD-STATEMENT")
    assert f.severity == "info"
    y = rep.meta["year"]
    rep.meta.update(period_start=f"{y - 1}-01-01", period_end=f"{y - 1}-12-31")
    (f,) = run(rep, "R-PERIOD-YEAR")
    assert f.severity == "error"
    assert f.cells == ["meta.period_start", "meta.period_end"]
    assert f"{y}-01-01" in f.message and f"{y - 1}-01-01" in f.message


@needs_samples
def test_period_year_on_a_parsed_variant(tmp_path):
    text = seed_path("004").read_text(encoding="utf-8")
    year = int(text.split("年政府信息公开工作年度报告")[0][-4:])
    variant = text.replace(
        f"统计期限为{year}年1月1日至{year}年12月31日",
        f"统计期限为{year - 1}年1月1日至{year - 1}年12月31日",
    )
    assert variant != text
    rep = parse_text(variant, tmp_path)
    (f,) = only(rep.findings, "R-PERIOD-YEAR")
    assert f"{year - 1}-01-01" in f.message
    (g,) = only(rep.findings, "R-YEAR-CONSISTENCY")
    assert g.expected == year and g.actual == year - 1


def test_six_topics_off_by_default():
    rep = gold_report("002", {"s6": "无"})
    rep.meta["format"] = "2021"
    assert run(rep, "R-SIX-TOPICS")[0].cells == ["sections.s6"]
    rep.sections["s6"].text = "认真落实年度政务公开工作要点。"
    assert run(rep, "R-SIX-TOPICS") == []


@pytest.mark.parametrize(
    "contact, fires",
    [
        ("", True),
        ("联系电话：0319-6167017。", False),
        ("电子邮箱：abc@163.com。", False),
        ("地址：某县某路16号。", False),
        ("12345热线办理诉求81条。", True),
    ],
)
def test_contact(contact, fires):
    rep = gold_report("002", {"s6": "未收取信息处理费。" + contact})
    assert bool(run(rep, "R-CONTACT")) == fires
