"""Text copies of government CMS pages as the samples' crawler prints them
(``tests/crawlshapes.py``): every gold's page re-marked as real pages mark it (Word-pasted
cells, ``<th>``/``<thead>``/``<tfoot>``, 表三's header in two, three or four rows merged
otherwise, its label columns as one, two or three without rowspan, ``<br>`` in labels,
numbers in ``<strong>``, spacer rows, 表二 as four tables, 表四's header merged otherwise, a
layout table around the page, an empty column after or before the form's, Word's empty
paragraphs, 表三 cut into two tables) and printed a row
a line (tabs), a cell a line (``\\t`` opening each) or a cell a line closed by a pipe (a
bare ``|`` opening each row), a merged cell's other positions as empty slots or left out.

Before the reading learnt them (seeds 0–5, 13 golds, 24 shapes, 367,776 cells): 364,809
right, 2,618 named, 349 silent, 490 sums blamed on the document. 表三's header in two or
three rows with its merged cells' slots left out put 总计 (or 自然人) left of the other
columns in the grid, and the header's cells were trusted over its words though the rows'
numbers stood elsewhere (总计 read as 自然人's column: 14,171 / 14,385 right of 15,324); a
grid with an empty column after the form's read a blank 总计 as that column's and a number
one column off; a first-level row (四、结转…) with a blank cell at either end of its
numbers was placed by the majority of the rows, whose labels span fewer columns; a row of
the pipe copy that had no merged slot to pad ran into the next one (its opening ``|`` read
as a blank cell); and Word's empty paragraphs (``<p>&nbsp;</p>``) in cells cut a row of
the cell-a-line copy in two (a line of an NBSP alone read as the blank line between rows,
a value under an NBSP line lost; in the pipe copy it ended the table) or, beside a number in a tab row (「19 &nbsp;」), had the
row's blank cells dropped as if runs of spaces stood for tabs (14,841 right). After: every
cell right, none silent, no finding blames the document.
"""

from __future__ import annotations

import pytest

from nianbao.readers.text import read_text

from .crawlshapes import MODES, SHAPES, all_crawls, render_crawl
from .shapes import sources
from .shapes_eval import copy_problems


def _need_golds() -> None:
    if len(sources()) <= 2:
        pytest.skip("shared samples not available")


@pytest.mark.parametrize("shape", SHAPES)
def test_every_cell_read(shape: str) -> None:
    """Each re-marked page, printed in each of the crawler's modes: every cell right,
    nothing silent, nothing called missing, no sum blamed on the document."""
    _need_golds()
    bad = copy_problems(all_crawls((shape,), 0, len(MODES)))
    assert not bad, "\n".join(bad[:20])


def test_the_crawler_prints_the_samples_rules() -> None:
    """The emulator's modes print what the samples show: tab rows with empty slots, a cell
    a line opened by a tab with a blank line after each row, pipe cells after a bare ``|``."""
    _need_golds()
    stem, gold = sources(invented=False)[0]
    rows = render_crawl(gold, "plain", 0, stem, mode="rows").text
    cells = render_crawl(gold, "plain", 0, stem, mode="cells").text
    pipes = render_crawl(gold, "plain", 0, stem, mode="pipes").text
    assert "\n规章\t" in rows and "\n\t规章\n" in cells and "\n|\n规章 |\n" in pipes
    assert "\n\n\t一、本年新收政府信息公开申请数量\n" in cells


def test_a_bare_pipe_after_an_unpadded_row_opens_the_next_row() -> None:
    """In the pipe copy a row with no merged slot ends without extra pipes: the bare ``|``
    after it opens the next row; a blank cell is `` |``."""
    text = (
        "|\n第二十条第（一）项 | |||\n"
        "|\n信息内容 |\n本年制发件数 |\n本年废止件数 |\n现行有效件数 |\n"
        "|\n规章 |\n |\n0 |\n3 |\n"
        "|\n行政规范性文件 |\n2 |\n1 |\n11 |\n"
    )
    (table,) = read_text(text).tables
    assert [[c.text for c in r] for r in table.rows] == [
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "", "0", "3"],
        ["行政规范性文件", "2", "1", "11"],
    ]


def test_word_empty_paragraphs_in_a_cell_a_line_copy_are_no_row_breaks() -> None:
    """A cell's empty paragraph (NBSP) on a line of its own, after the cell's text or
    before it (the text then on a line without the tab), inside a copy whose rows are
    parted by empty lines: the row stays whole and the value is the cell's."""
    text = "\t一、本年新收\n\t6\n\u00a0\n\t0\n\t0\n\n\t二、上年结转\n\t1\n\t1\n\t\u00a0\n2\n"
    (table,) = read_text(text).tables
    assert [[c.text for c in r] for r in table.rows] == [
        ["一、本年新收", "6", "0", "0"],
        ["二、上年结转", "1", "1", "2"],
    ]


def test_an_nbsp_paragraph_inside_a_pipe_row_does_not_end_the_table() -> None:
    text = "|\n行政处罚 |\n\u00a0\n3 | |\n|\n行政强制 |\n1 | |\n"
    (table,) = read_text(text).tables
    assert [[c.text for c in r] for r in table.rows] == [["行政处罚", "3"], ["行政强制", "1"]]
