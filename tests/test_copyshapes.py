"""Copies of every gold in shapes no other generator makes (``tests/copyshapes.py``): 表四
transposed into labelled lines, 表四 as two rows of merged header cells, the sections numbered
（1）（2） or 1. 2., a numbering column (序号) on rows spaced by spaces, thousands separators,
headings in bold Markdown.

Before the reading learnt them (seeds 0–2, 13 golds, 7,662 cells a shape): 表四 in
labelled lines (「行政复议」 / 「维持：27」 …) was not read at all, its 15 cells named unread
in every copy (7,173 right); 表四 on its side (a row per result, a column per group) was read
in the form's order row after row, and R-REVIEW-TOTAL blamed the document 69 times for sums
it does not hold; 表三 in two blocks of columns (续表) read as two tables short of columns
(2,903 right); a 序号 column on rows spaced by spaces lost 表三 (the next row's number read as
a row's last value, or the column of numbers before the labels read as a table of its own:
7,065 right), and an indented line of 表二 lost its value (a paragraph's offset was its
line's, not its text's: 「  行政许可 13470」 read 「可 134」). Later (13 golds, seed 0): 表四 as
a Markdown table of two columns under each group's name (「| 结果维持 | 10 |」) was named
unread in part or whole (2,371 to 2,536 right of 2,554), and labelled lines followed by a
sentence naming a result (以上行政复议案件均维持原行政行为。) lost all of 表四 (2,371).
"""

from __future__ import annotations

import pytest

from .copyshapes import SHAPES, all_copies
from .shapes_eval import copy_problems, run_one

SEEDS = 3


SPACED = ("space", "seq-space", "thousands-space")  # blank cells of a spaced copy may be lost


@pytest.mark.parametrize("shape", [s for s in SHAPES if s not in SPACED])
def test_every_cell_read(shape: str) -> None:
    """Shapes that lose nothing: every cell right, nothing silent, nothing called missing."""
    bad = copy_problems(all_copies((shape,), 0, SEEDS))
    assert not bad, "\n".join(bad[:20])


@pytest.mark.parametrize("shape", ["seq-space", "thousands-space"])
def test_spaced_copy_loses_nothing_more(shape: str) -> None:
    """A 序号 column before the rows of a copy spaced by spaces, or its numbers written
    with thousands separators, reads as the same copy without them (where blank cells make
    the spaced copy itself unreadable, the same cells are named; none silent, none called
    missing)."""
    bad: list[str] = []
    plain = {(r.gold, r.seed): run_one(r) for r in all_copies(("space",), 0, SEEDS)}
    for r in all_copies((shape,), 0, SEEDS):
        s = run_one(r)
        what = f"{shape} {r.gold} seed {r.seed} {' '.join(r.variants)}"
        bad += s.problems(what)
        if s.right < plain[(r.gold, r.seed)].right:
            bad.append(
                f"{what}: right {s.right}, as the plain spaced copy {plain[(r.gold, r.seed)].right}"
            )
    assert not bad, "\n".join(bad[:20])
