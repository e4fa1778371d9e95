"""A table's labels in sentences, and a section's sentence after its table (the review of
``form/where.py``): copies of the golds whose table under its heading lost its labels (OCR
garbled them, or they were pictures and only the numbers are left).

Before (seed 0, 13 golds, shapes pipe-bare … chrome): a sentence of 一 or 五 listing 表二's
or 表三's labels (本年度制发规章0件、行政规范性文件3件，办理行政许可…) was taken for the
table, which was read from it: 76 of 1,248 copies worse than without the relocation (cells
read from the sentence, false R-ROW-MISSING); a copy printed on one line whose section ends
with a sentence after its table (…1816以上数据统计截至12月31日。) had its table taken for
prose and said missing: 47 of 819 copies false R-TABLE-MISSING.
"""

from __future__ import annotations

import re

import pytest

import nianbao
from nianbao.schema import SECTION_HEADINGS

from .gold import flatten
from .shapes import TABLES, render_shape, sources

GOLDS = ("000_", "huaian-2024", "invented-2019")
_NEXT = {"s2": "s3", "s3": "s4", "s4": "s5"}
_GARBLE = {
    "s2": {
        "规章": "规萃",
        "规范性文件": "规苑性文件",
        "行政许可": "行政许叮",
        "行政处罚": "行政处剐",
        "行政强制": "行政强剖",
        "行政事业性收费": "行政事业性收赞",
        "件数": "仵数",
        "第二十条第": "第二十奈第",
        "政府集中采购": "政府集中釆购",
        "本年新": "本年斩",
        "本年收费": "本年收赞",
    },
    "s3": {
        "申请人": "申清人",
        "企业": "企止",
        "科研": "科硏",
        "组织": "組织",
        "服务机构": "服务机枃",
        "结转": "结特",
        "公开": "公幵",
        "无法提供": "无法提洪",
        "处理": "处埋",
    },
    "s4": {"结果": "结杲", "审结": "审咭", "起诉": "起拆"},
}
_LISTS = {
    "s2": "本年度，本机关制发规章0件、行政规范性文件2件，办理行政许可15件、行政处罚3件、"
    "行政强制1件，收取行政事业性收费0万元。",
    "s3": "全年本年新收政府信息公开申请9件，上年结转1件，其中予以公开4件，部分公开2件，"
    "不予公开1件，无法提供1件，不予处理1件。",
}
_MISSING = ("R-TABLE-MISSING", "R-ROW-MISSING")


def _garbled(text: str, key: str, numbers_only: bool) -> str:
    """The copy with ``key``'s table's labels garbled, or gone (pictures: numbers left)."""
    a = text.find(SECTION_HEADINGS[key])
    b = text.find(SECTION_HEADINGS[_NEXT[key]])
    head = text.find("\n", a) + 1 if "\n" in text[a:b] else a + len(SECTION_HEADINGS[key])
    body = text[head:b]
    if numbers_only:
        body = "\n".join(
            re.sub(r"[\u4e00-\u9fff（）()、“”]+", "", ln) if re.search(r"\d|\|", ln) else ln
            for ln in body.split("\n")
        )
    else:
        for w, g in _GARBLE[key].items():
            body = body.replace(w, g)
    return text[:head] + body + text[b:]


def _read(text: str) -> tuple[dict, set]:
    out = nianbao.parse(text.encode("utf-8"), name="copy.txt").to_dict()
    cells = flatten({k: v for k, v in out.items() if k in TABLES})
    missing = {(f["rule"], tuple(f.get("cells") or [])) for f in out["findings"]}
    return cells, {m for m in missing if m[0] in _MISSING}


def _after_heading(text: str, key: str, sentence: str) -> str:
    at = text.find("\n", text.find(SECTION_HEADINGS[key])) + 1
    return text[:at] + sentence + "\n" + text[at:]


@pytest.mark.parametrize("key", ["s2", "s3"])
@pytest.mark.parametrize("numbers_only", [False, True])
def test_a_sentence_listing_a_tables_labels_is_not_the_table(key: str, numbers_only: bool) -> None:
    """A sentence of 一 or 五 naming a table's labels changes no cell and no missing finding
    of a copy whose table lost its labels under its heading."""
    bad: list[str] = []
    for stem, gold in sources():
        if not stem.startswith(GOLDS):
            continue
        for shape in ("pipe-bare", "cell-pipe", "broken-labels"):
            text = _garbled(render_shape(gold, shape, 0, stem).text, key, numbers_only)
            alone = _read(text)
            for where in ("s1", "s5"):
                got = _read(_after_heading(text, where, _LISTS[key]))
                if got != alone:
                    diff = {k for k in alone[0] | got[0] if alone[0].get(k) != got[0].get(k)}
                    bad.append(f"{stem} {shape} in {where}: {sorted(diff)[:3]} {got[1] - alone[1]}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("key", ["s2", "s3", "s4"])
def test_a_one_line_copys_table_before_a_sentence_is_no_prose(key: str) -> None:
    """A copy printed on one line whose section ends with a sentence after its table (labels
    garbled): the table is there, never said missing."""
    bad: list[str] = []
    for stem, gold in sources():
        if not stem.startswith(GOLDS):
            continue
        for shape in ("flat", "flat-spaced"):
            text = _garbled(render_shape(gold, shape, 0, stem).text, key, False)
            at = text.find(SECTION_HEADINGS[_NEXT[key]])
            end = len(text[:at].rstrip())
            text = text[:end] + "以上数据统计截至12月31日。" + text[end:]
            _cells, missing = _read(text)
            bad += [f"{stem} {shape}: {m}" for m in missing if m[0] == "R-TABLE-MISSING"]
    assert not bad, "\n".join(bad)


def test_a_number_wrapped_alone_before_its_unit_stays_in_its_sentence() -> None:
    """A hard-wrapped sentence whose number stands alone on a line before its unit is one
    sentence; a line of numbers before a sentence is not joined to it."""
    from nianbao.extraction.textfacts import narrative_facts, unwrap

    facts = narrative_facts("本年度共收到政府信息公开申请\n125\n件，上年结转3件。")
    assert [(f.kind, f.value) for f in facts][:1] == [("new", 125)]
    assert unwrap("0 | 0 | 0\n本年度共收到申请5件。") == "0 | 0 | 0\n本年度共收到申请5件。"
