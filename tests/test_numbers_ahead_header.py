"""表二 item blocks whose numbers stand before their labels are left unread
(``extraction.form.read._numbers_ahead``). A copy of one cell a line whose block header
carries digits inside a word (信息内容 | 2022年本年处理决定数量) and whose block's last row is
blank (行政强制 with nothing printed) prints no number ahead of its labels: 行政处罚's own
number is read. Before the fix the year's digits were taken for a number ahead and 行政处罚
was left unread."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nianbao

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "000_b0ac92113a5e779e.txt"


def _one_cell_a_line(text: str) -> str:
    a = text.index("第二十条第（一）项")
    b = text.index("三、收到和处理")
    cells = [c for line in text[a:b].split("\n") for c in line.split("\t") if c.strip()]
    return text[:a] + "\n".join(cells) + "\n\n" + text[b:]


def test_digits_inside_a_header_word_are_no_numbers_ahead() -> None:
    if not SAMPLE.exists():
        pytest.skip("shared samples not available")
    text = SAMPLE.read_text(encoding="utf-8")
    assert "行政处罚\t1951\t\t" in text and "行政强制\t110\t\t" in text
    text = text.replace("行政强制\t110\t\t", "行政强制\t\t\t", 1)
    text = text.replace("信息内容\t本年处理决定数量", "信息内容\t2022年本年处理决定数量")
    got = json.loads(
        json.dumps(nianbao.parse(_one_cell_a_line(text).encode(), name="c.txt").to_dict())
    )
    assert got["active"]["penalty"] == 1951
    assert got["active"]["coercion"] is None
