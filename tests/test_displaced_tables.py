"""Copies whose tables do not stand under their section headings (``tests/displaced.py``): a
DOCX read back naively (paragraphs then tables, tables only, tables first), the tables in an
attachment block at the end, in reverse order, under each other's headings, one of them left
out, a heading lost; rows printed with tabs, pipes, one cell a line or spaces.

Before the reading learnt them (seed 0, 13 golds, 2,554 cells a shape): every table printed
after 六 (or before the title) in pipes, one cell a line or spaces was read from its heading's
region, which held only prose: 0 to 2,137 right, up to 140 cells silent and 13 false
R-TABLE-MISSING a shape (1,500 silent, 139 false in all); a table left out whose section held
a sentence of figures (本年度发生行政复议案件0件、行政诉讼案件0件。) was read as the table and
said unread instead of missing (34 copies); prose after a table's rows kept among the
section's lines was joined to them (表四's header before 三's sentence), and its figures were
not read (33 copies).
"""

from __future__ import annotations

import pytest

from .displaced import JOINS, PLACES, all_displaced, displaced_problems, judge

GOLDS = ("000_", "hongze-2023", "invented-2019", "invented-2021-large")
# the least share of a shape's cells right: rows joined by one space lose blank cells, and a
# merged cell's text repeated over its slots (python-docx's row.cells) makes rows of more
# numbers than cells (both said unread)
FLOOR = {"tab": 1.0, "pipe": 0.99, "lines": 0.98, "space": 0.95}


@pytest.mark.parametrize("join", JOINS)
def test_displaced_tables_read_by_labels(join: str) -> None:
    """Each table read where its labels stand: nothing silent, no false missing or sum
    finding, a table left out named missing, provenance in the table's own text, agency,
    year and the prose's figures read."""
    shapes = [f"{p}/{join}" for p in PLACES]
    copies = [c for gold in GOLDS for c in all_displaced(shapes, 0, 1, gold)]
    bad = displaced_problems(copies, FLOOR[join])
    assert not bad, "\n".join(bad[:20])


@pytest.mark.parametrize("join", ["pipe", "space"])
def test_a_displaced_table_reads_as_under_its_heading(join: str) -> None:
    """The copies of a gold differ only where the tables stand (the same prose, the same
    cells): wherever they stand, as many cells are right as with each table under its
    heading."""
    bad: list[str] = []
    for gold in GOLDS[:2]:
        right = {
            c.shape.split("/")[0]: judge(c).score.right
            for c in all_displaced([f"{p}/{join}" for p in PLACES], 0, 1, gold)
        }
        bad += [
            f"{gold} {place}/{join}: right {n}, under the headings {right['in-place']}"
            for place, n in right.items()
            if place != "one-missing" and n < right["in-place"]
        ]
    assert not bad, "\n".join(bad)
