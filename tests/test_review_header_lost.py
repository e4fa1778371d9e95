"""表四 whose header rows the copy lost: section 四's heading, then its numbers alone (a
crawler that kept a table's data cells and dropped its header cells, a header printed as a
picture).

Each real sample text and the writer's page of each gold, every line of 表四's header taken
away, in the copy shapes of ``test_sample_edits``. A line of numbers only under the heading
is 表四's value row in the form's order (the header said unreadable, the cells named);
numbers the reading cannot place (a cell a line) are the tool's limit (R-UNREAD), never
a missing table. Before: in the spaced copies and the copies of one cell a line the
numbers were not read and R-TABLE-MISSING blamed the document (48 silent cells and 4
false "missing" over the samples, in each shape).
"""

from __future__ import annotations

import re

import pytest

from .shapes import Rendering, sources
from .shapes_eval import Score, run_one
from .test_sample_edits import _texts
from .test_second_report import SHAPES

_S4 = re.compile(r"(?m)^.*政府信息公开行政复议、?\s*行政诉讼情况.*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _header_lost(text: str) -> str:
    """``text`` without the lines holding words between section 四's heading and its
    first line holding a number."""
    m = _S4.search(text)
    if m is None:
        return text
    lines = text[m.end() :].split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if re.search(r"\d", line) or "存在" in line:
            out += lines[i:]
            break
        if not _CJK.search(line):
            out.append(line)
    return text[: m.end()] + "\n".join(out)


def _judge(stem: str, s: Score) -> list[str]:
    return s.problems(stem)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_sample_texts_whose_review_header_is_lost(shape: str) -> None:
    found = _texts()
    if len(found) < 5:
        pytest.skip("shared samples not available")
    bad: list[str] = []
    for stem, path, gold in found:
        text = SHAPES[shape](_header_lost(path.read_text(encoding="utf-8")))
        bad += _judge(stem, run_one(Rendering(stem, shape, 0, "sample", text, gold)))
    assert not bad, bad[:6]


@pytest.mark.parametrize("shape", ["as-is", "tabs-as-spaces", "cell-per-line"])
def test_the_writers_page_whose_review_header_is_lost(shape: str) -> None:
    """Every gold's tab page; where 表四's 15 numbers stand on one line (tabs, or spaces,
    no blank cell) the page reads as with its header."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    found = sources()
    if len(found) <= 2:
        pytest.skip("shared samples not available")
    bad: list[str] = []
    for stem, gold in found:
        page = render(Report.from_flat(gold), "tab").decode("utf-8")
        text = SHAPES[shape](_header_lost(page))
        s = run_one(Rendering(stem, shape, 0, "tab", text, gold))
        bad += _judge(stem, s)
        alone = run_one(Rendering(stem, shape, 0, "tab", SHAPES[shape](page), gold))
        blanks = any(k.startswith("reviews.") for k in gold.get("blank") or ())
        if shape != "cell-per-line" and not blanks and s.right < alone.right:
            bad.append(f"{stem}: {s.right} cells right, {alone.right} with the header")
    assert not bad, bad[:6]


def test_a_line_of_numbers_above_a_headed_table_is_no_row() -> None:
    """A line of bare numbers (a date, 2023 1 1 2023 12 31) between section 四's heading and
    its table whose header is there: no value row read in the form's order. Before, the
    date was read as 表四's first row, the table's rows after it, and the sums were blamed
    on the report (3 false R-REVIEW-TOTAL in the OCR Markdown sample)."""
    found = _texts()
    if len(found) < 5:
        pytest.skip("shared samples not available")
    bad: list[str] = []
    for stem, path, gold in found:
        text = path.read_text(encoding="utf-8")
        m = _S4.search(text)
        if m is None:
            continue
        text = text[: m.end()] + "\n2023 1 1 2023 12 31\n" + text[m.end() :]
        bad += _judge(stem, run_one(Rendering(stem, "dated", 0, "sample", text, gold)))
    assert not bad, bad[:6]
