"""Group F (body text against the tables) and the prose readers of textfacts."""

from __future__ import annotations

import pytest

from nianbao.extraction.textfacts import fees_info, narrative_facts, sentences, unwrap

from .test_checks import gold_report, needs_samples, only, parse_text, run, seed_path


def _facts(text: str) -> list[tuple[str, int | None]]:
    return [(f.kind, f.value) for f in narrative_facts(text)]


# ------------------------------------------------------------------ textfacts
@pytest.mark.parametrize(
    "text, facts",
    [
        (
            "全年受理政府信息公开申请15件，答复政府信息公开申请14件。",
            [("new", 15), ("processed", 14)],
        ),
        (
            "共办理依申请政府信息公开100件,引发行政复议3件,行政诉讼4件。",
            [("new", 100), ("reconsideration", 3), ("litigation", 4)],
        ),
        (
            "依法办结并公开来自信函、网络等渠道的政府信息公开申请 20 件，其中本级办理 5 件。",
            [("processed", 20)],
        ),
        (
            "办理因政府信息公开引起的行政复议 2 件、行政诉讼 1 件，均结果维持。",
            [("reconsideration", 2), ("litigation", 1)],
        ),
        ("全年未引起行政复议或行政诉讼。", [("no_reviews", None)]),
        ("全年未发生因依申请公开被行政复议纠错或诉讼败诉的情况。", []),
        ("行政复议、行政诉讼案件共30件。", [("litigation", 30)]),
        ("结转下年度继续办理2件。", [("carried_forward", 2)]),
        (  # a thousands separator is part of the number, not the end of a clause
            "全年共收到政府信息公开申请1,234件,结转下年度继续办理1,020件,其中网上申请12件。",
            [("new", 1234), ("carried_forward", 1020)],
        ),
        ("共办理依申请公开12,3件。", []),
        (
            "集中公开现行有效规章 12件，废止行政规范性文件3件、失效8件。",
            [("regulations.in_force", 12), ("normative.repealed", 3)],
        ),
        ("申请中同意公开答复 9 件，部分公开答复 0 件。", []),
        ("所有办结的信息公开申请中同意公开答复 9 件，部分公开答复 0 件。", []),
        ("受理群众咨询申请300件。", []),
        ("全年受理行政许可申请5000件。", []),
    ],
)
def test_narrative_facts(text, facts):
    got = _facts(text)
    if facts and facts[0][0] == "litigation" and "复议、" in text:
        assert [(k, v) for k, v in got] == [("reviews_all", 30)]
    else:
        assert got == facts


def test_unwrap_joins_hard_wrapped_lines_but_keeps_paragraphs():
    text = "全年受理政府信息公开申请\n21 件，均在法定期\n限答复。\n（一）主动公开"
    assert unwrap(text) == "全年受理政府信息公开申请21 件，均在法定期限答复。\n（一）主动公开"
    assert sentences(text)[0] == "全年受理政府信息公开申请21 件，均在法定期限答复。"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("无", {"mentioned": False, "notices": None, "notices_amount": None, "collected": None}),
        (
            "2022年未收取政府信息公开信息处理费。",
            {"mentioned": True, "notices": None, "notices_amount": None, "collected": 0},
        ),
        (
            "本年度共发出收费通知2件，涉及金额300元，实际收取信息处理费200元。",
            {"mentioned": True, "notices": 2, "notices_amount": 300, "collected": 200},
        ),
        (
            "本机关未发出收费通知，未收取信息处理费。",
            {"mentioned": True, "notices": 0, "notices_amount": 0, "collected": 0},
        ),
        (
            "全年收取信息处理费0.394万元。",
            {"mentioned": True, "notices": None, "notices_amount": None, "collected": 3940},
        ),
    ],
)
def test_fees_info(text, expected):
    assert fees_info(text) == expected


# ------------------------------------------------------------------ R-TEXT-TABLE
def test_text_table_new_quotes_sentence_and_cell():
    rep = gold_report("002")
    new = rep.get("requests.new.total")
    sentence = f"全年收到政府信息公开申请{new + 3}件，均按期答复。"
    rep.sections["s1"].text += sentence
    (f,) = run(rep, "R-TEXT-TABLE")
    assert f.rule == "R-TEXT-TABLE.new" and f.severity == "warning"
    assert f.cells == ["requests.new.total"]
    assert f.expected == new and f.actual == new + 3
    assert sentence in f.message
    assert f"表三「一、本年新收政府信息公开申请数量」总计为 {new}" in f.message


def test_text_table_new_accepts_new_plus_carried_over():
    rep = gold_report("002")
    rep.values["requests.carried_over.total"].value = 2
    total = rep.get("requests.new.total") + 2
    rep.sections["s1"].text += f"全年受理政府信息公开申请{total}件（含上年结转）。"
    assert run(rep, "R-TEXT-TABLE") == []


@pytest.mark.parametrize(
    "sentence, sub, cells",
    [
        ("办结政府信息公开申请{processed}件。", "processed", ["requests.processed_total.total"]),
        ("结转下年度继续办理{cf}件。", "carried_forward", ["requests.carried_forward.total"]),
        ("引发行政复议{recon}件。", "reconsideration", ["reviews.reconsideration.total"]),
        (
            "行政诉讼{litig}件。",
            "litigation",
            ["reviews.litigation_direct.total", "reviews.litigation_after.total"],
        ),
        ("现行有效规章{regs}件。", "regulations", ["active.regulations.in_force"]),
        ("制发行政规范性文件{norm}件。", "normative", ["active.normative.issued"]),
    ],
)
def test_text_table_sub_checks(sentence, sub, cells):
    rep = gold_report("003")
    v = {
        "processed": rep.get("requests.processed_total.total"),
        "cf": rep.get("requests.carried_forward.total"),
        "recon": rep.get("reviews.reconsideration.total"),
        "litig": rep.get("reviews.litigation_direct.total")
        + rep.get("reviews.litigation_after.total"),
        "regs": rep.get("active.regulations.in_force"),
        "norm": rep.get("active.normative.issued"),
    }
    rep.sections["s1"].text += sentence.format(**v)  # agrees with the table
    assert run(rep, "R-TEXT-TABLE") == []
    rep.sections["s1"].text += sentence.format(**{k: x + 1 for k, x in v.items()})
    (f,) = run(rep, "R-TEXT-TABLE")
    assert f.rule == f"R-TEXT-TABLE.{sub}"
    assert f.cells == cells
    key = sentence[sentence.index("{") + 1 : sentence.index("}")]
    assert f"称 {v[key] + 1} 件" in f.message and f"为 {v[key]}" in f.message


def test_text_table_no_reviews():
    rep = gold_report("002")
    recon = rep.get("reviews.reconsideration.total")
    assert recon > 0
    rep.sections["s1"].text += "全年未发生政府信息公开行政复议、行政诉讼案件。"
    (f,) = run(rep, "R-TEXT-TABLE")
    assert f.rule == "R-TEXT-TABLE.no_reviews"
    assert "reviews.reconsideration.total" in f.cells
    assert "未发生政府信息公开行政复议" in f.message


@needs_samples
def test_text_table_on_a_parsed_variant(tmp_path):
    """Change the figure in a seed's sentence about applications received."""
    import re

    text = seed_path("004").read_text(encoding="utf-8")
    m = re.search(r"受理政府信息公开申请(\d+)件", text)
    changed = text.replace(m.group(0), f"受理政府信息公开申请{int(m.group(1)) + 10}件", 1)
    rep = parse_text(changed, tmp_path)
    (f,) = only(rep.findings, "R-TEXT-TABLE")
    assert f.rule == "R-TEXT-TABLE.new"
    assert f"称 {int(m.group(1)) + 10} 件" in f.message


# ------------------------------------------------------------------ R-TEXT-PARTS
def test_text_parts():
    rep = gold_report("002")
    rep.sections["s1"].text += "全年主动公开信息共100条，其中政策文件60条、动态信息50条。"
    (f,) = run(rep, "R-TEXT-PARTS")
    assert f.severity == "info" and f.expected == 100 and f.actual == 110
    assert "60 + 50 = 110" in f.message


@pytest.mark.parametrize(
    "text",
    [
        "共公开信息 3389 条，其中概况类 98 条，政务动态 486 条，目录信息 2805 条。",
        "主动公开政务类信息共1万余条，其中重点领域信息5792条，微信公开信息2112条、微博2015条。",
        "共公开信息1万条，其中重点领域信息5792条，微信公开信息2112条、微博2015条。",
        "共公开信息近100条，其中政策文件60条、动态信息50条。",
        "共计45个，其中微信公众号39个、今日头条号1个、抖音号2个、微博2个、移动小程序1个。",
    ],
)
def test_text_parts_silent_when_parts_fit(text):
    rep = gold_report("002")
    rep.sections["s1"].text += text
    assert run(rep, "R-TEXT-PARTS") == []


# ------------------------------------------------------------------ R-FEE-NOTICE
def test_fee_notice():
    rep = gold_report("003", {"s6": "未收取信息处理费，未发出收费通知。"})
    assert run(rep, "R-FEE-NOTICE") == []
    rep.values["requests.other.no_fee.total"].value = 2
    rep.values["requests.other.no_fee.natural"].value = 2
    (f,) = run(rep, "R-FEE-NOTICE")
    assert f.cells == ["requests.other.no_fee.total"] and f.actual == 2
    assert "未发出收费通知" in f.message
    rep.sections["s6"].text = "无。"
    (f,) = run(rep, "R-FEE-NOTICE")
    assert "未报告信息处理费" in f.message
    rep.sections["s6"].text = "共发出收费通知2件，收取信息处理费100元。"
    assert run(rep, "R-FEE-NOTICE") == []


def test_fee_notice_collected_without_notice():
    rep = gold_report("002", {"s6": "收取信息处理费300元。未发出收费通知。"})
    (f,) = run(rep, "R-FEE-NOTICE")
    assert f.actual == 300 and "前后矛盾" in f.message


# ------------------------------------------------------------------ peer documents
def _parsed_peer(name: str):
    import nianbao

    from .test_checks import PEER

    path = next(p for p in PEER.iterdir() if p.stem == name and not p.name.endswith(".json"))
    return nianbao.parse(path)


@needs_samples
def test_text_table_reports_the_documented_mismatch_of_hongze_2024():
    """Gold notes: section 一 gives the applications received by the office, the table
    those of the whole district."""
    rep = _parsed_peer("hongze-2024")
    (f,) = only(rep.findings, "R-TEXT-TABLE")
    assert f.rule == "R-TEXT-TABLE.new" and f.cells == ["requests.new.total"]
    assert f"为 {rep.get('requests.new.total')}" in f.message


@needs_samples
@pytest.mark.parametrize(
    "name", ["huaian-2024", "shanghai-kewei-2024", "shanghai-office-2025", "shuyang-2025-ocr"]
)
def test_text_table_silent_where_the_gold_notes_say_prose_and_tables_agree(name):
    assert only(_parsed_peer(name).findings, "R-TEXT-TABLE") == []
