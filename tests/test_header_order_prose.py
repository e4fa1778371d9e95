"""R-HEADER-GARBLED (``extraction.order``) names a header row whose words a copy prints out
of the form's order. A sentence of the report that quotes those words in another order
(本年度行政复议结果纠正 1 件、结果维持 2 件…; 现行有效规范性文件 26 件，本年制发…) is no
header row: a faithful copy that says so in prose is not told its cells were read out of
order. Before the fix one such sentence put the warning on every row of 表二, 表三 and 表四."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nianbao
from nianbao.extraction.order import _scrambled, _sequence

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "000_b0ac92113a5e779e.txt"
REVIEW_WORDS = (("结果维持",), ("结果纠正",), ("其他结果",), ("尚未审结",))


def _garbled(text: str) -> list[dict]:
    got = json.loads(json.dumps(nianbao.parse(text.encode(), name="copy.txt").to_dict()))
    return [
        f
        for f in got["findings"]
        if f["rule"] == "R-HEADER-GARBLED" and "所读文本中的次序" in f["message"]
    ]


@pytest.mark.parametrize(
    ("anchor", "sentence"),
    [
        (
            "四、政府信息公开行政复议、行政诉讼情况\n",
            "本年度未发生行政复议（结果纠正、结果维持、其他结果、尚未审结均为0件）。\n",
        ),
        (
            "二、主动公开政府信息情况\n",
            "截至年底现行有效规范性文件26件，本年制发0件、本年废止3件。\n",
        ),
    ],
)
def test_a_sentence_quoting_column_words_is_no_header_row(anchor: str, sentence: str) -> None:
    if not SAMPLE.exists():
        pytest.skip("shared samples not available")
    text = SAMPLE.read_text(encoding="utf-8")
    assert anchor in text
    assert not _garbled(text)
    assert not _garbled(text.replace(anchor, anchor + "\n" + sentence, 1))


def test_header_words_out_of_order_still_named() -> None:
    """Words of one header row (only spaces and line breaks between them) out of order."""
    k = "行政复议尚未审结其他结果结果纠正总计结果维持"
    assert _scrambled(_sequence(k, REVIEW_WORDS))


def test_rows_of_zeros_read_alike_in_any_order() -> None:
    """表四 printed all 0 under a header whose words changed places: the warning names the
    other tables' rows read in the copy's order, never 表四's zeros (any order reads them
    alike)."""
    if not SAMPLE.exists():
        pytest.skip("shared samples not available")
    text = SAMPLE.read_text(encoding="utf-8")
    head = "结果 维持\t结果 纠正\t其他 结果\t尚未 审结\t总计\t未经复议直接起诉"
    assert head in text
    swapped = text.replace(
        head, "结果 纠正\t尚未 审结\t结果 维持\t其他 结果\t总计\t未经复议直接起诉"
    )
    said = _garbled(swapped)
    assert said, "the header out of order is named"
    cells = {c for f in said for c in f["cells"]}
    assert any(c.startswith("requests.") for c in cells)
    assert not any(c.startswith("reviews.") for c in cells)
