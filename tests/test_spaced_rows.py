"""Rows whose cells are separated by whitespace that is not uniform, as copies crawled from
web pages or copied out of Word / PDF give them (``tests/shapes.py``'s ``spaced`` shape):
tabs and runs of spaces mixed at random within a row, space runs of random width with a
blank cell a single space, single spaces between cells, NBSP / U+3000 for separators.

Two numbers apart by whitespace are two cells, never one number (「6   0」 in a
tab-separated row was read as 60, every later value of its row a column left, silently);
where the whitespace cannot tell which column a number stands in, the row is unread and
said so, never placed by a count of tabs that the spaces may have replaced. Every gold in
every seed: no cell wrong and unnamed, no false "missing" finding, no sum error the
document does not earn."""

from __future__ import annotations

import os

import pytest

import nianbao

from .shapes import render_shape, sources
from .shapes_eval import run_one

SOURCES = sources()
SEEDS = range(int(os.environ.get("NIANBAO_SPACED_SEEDS", "6")))  # (30 in the README's figures)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_gold_with_uneven_whitespace(seed: int) -> None:
    if len(SOURCES) < 3:
        pytest.skip("../shared/samples is not beside the checkout")
    problems: list[str] = []
    for stem, gold in SOURCES:
        r = render_shape(gold, "spaced", seed, stem=stem)
        where = f"{stem} (--shape spaced --seed {seed} --gold {stem}; {' '.join(r.variants)})"
        problems += run_one(r).problems(where)
    assert not problems, "\n".join(problems[:20])


_S2 = (
    "某县人民政府2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
    "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
    "规章\t0\t0\t0\n行政规范性文件\t{row}\n"
    "三、收到和处理政府信息公开申请情况\n"
)


@pytest.mark.parametrize("row", ["2   3\t26", "2\t3 26", "2\u30003\u00a026", "2 3 26"])
def test_numbers_apart_by_spaces_in_a_tab_row_are_cells(row: str) -> None:
    """「2   3」 inside a tab-separated row is two cells (read as 23, the row's 26 went to
    本年废止件数 and 现行有效件数 was blank, with nothing said)."""
    flat = nianbao.parse(_S2.format(row=row).encode("utf-8")).flat()
    assert (
        flat["active.normative.issued"],
        flat["active.normative.repealed"],
        flat["active.normative.in_force"],
    ) == (2, 3, 26)


def test_one_number_too_many_is_unread_not_joined() -> None:
    """A cell 「606 12」 where the row has one cell: one number cut by spans, or two numbers
    in one cell — nothing says which, so the cell is named (R-CELL-COUNT), never 60612."""
    text = (
        "某县人民政府2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "第二十条第（六）项\n信息内容\t本年处理决定数量\n行政处罚\t606 12\n行政强制\t11\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    rep = nianbao.parse(text.encode("utf-8"))
    assert rep.flat().get("active.penalty") != 60612
    assert any("active.penalty" in f.cells for f in rep.findings if f.severity != "info")
    assert rep.flat()["active.coercion"] == 11


@pytest.mark.parametrize("pad", ["  ", "\u00a0\u00a0", "\u3000"])
def test_blank_cells_padded_with_spaces_between_tabs(pad: str) -> None:
    """A page's table saved as text with its empty cells kept as spaces (&nbsp;&nbsp;)
    between the tabs: those are blank cells of a grid, not spaces standing for a tab (a
    rule for tabs and spaces mixed took them so, and the rows with blank cells of three
    samples went unread: 100 cells)."""
    import re

    from nianbao.report import Report
    from nianbao.writing.writer import render

    from .shapes import Rendering

    if len(SOURCES) < 3:
        pytest.skip("../shared/samples is not beside the checkout")
    problems: list[str] = []
    for stem, gold in SOURCES:
        text = render(Report.from_flat(gold), "tab").decode("utf-8")
        text = re.sub(r"\t(?=[\t\n])", "\t" + pad, re.sub(r"\t(?=[\t\n])", "\t" + pad, text))
        s = run_one(Rendering(stem, "tab-padded", 0, "tab", text, dict(gold)))
        problems += s.problems(stem)
        if s.right != s.cells:
            problems.append(f"{stem}: {s.cells - s.right} of {s.cells} cells not read")
    assert not problems, "\n".join(problems[:20])
