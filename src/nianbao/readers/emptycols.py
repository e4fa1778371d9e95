"""Columns of a Markdown table that hold nothing in any row, dropped.

A PDF-to-Markdown converter (marker, pymupdf4llm) prints a column for every vertical rule it
found on the page, and a table drawn with a doubled or a hidden rule gets a column blank from
its header to its last row (``| 其他 |  | 总计 |``, ``| 4 |  | 3119 |``). Such a column is
no column of the form: a row with it holds one cell more than its table's columns, and where
the blank stands among the values nothing in the row says which cell is not the report's.

A column is dropped only from a table whose header names columns of the form (its words
say where each column is; the blank column is under none of them), and from a table after
it that continues it (the rest of the table on the next page, no header of its own, as many
columns as the first before the drop) where the same columns are blank in every row too.
"""

from __future__ import annotations

import re

from .document import Cell, Paragraph, Table
from .labels import REVIEW_HEADER_TOKENS, match_active_column, match_request_column


def _header_words(t: Table) -> bool:
    for row in t.rows:
        words = [
            c.text
            for c in row
            if c.text
            and (
                match_request_column(c.text) is not None
                or match_active_column(c.text) is not None
                or c.text.replace(" ", "") in REVIEW_HEADER_TOKENS
            )
        ]
        if len(words) >= 2:
            return True
    return False


def _blank_columns(t: Table) -> list[int] | None:
    width = len(t.rows[0])
    if len(t.rows) < 2 or any(len(r) != width for r in t.rows):
        return None
    return [c for c in range(width) if all(not r[c].text.strip() for r in t.rows)]


def _without(t: Table, cols: list[int]) -> Table:
    drop = set(cols)
    rows = [[cell for c, cell in enumerate(r) if c not in drop] for r in t.rows]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            cell.row, cell.col = r, c
    return Table(rows, t.start, t.end, t.kind, t.page, t.index)


# PyMuPDF's names for the columns of a table without a header row (``|Col1|Col2|…``)
_GENERATED = re.compile(r"^Col\d{1,2}$")


def _generated_header(row: list[Cell]) -> bool:
    names = [c.text.strip() for c in row if c.text.strip()]
    return len(names) >= 2 and all(_GENERATED.match(n) for n in names)


def _without_generated(t: Table) -> Table:
    rows = [r for r in t.rows if not _generated_header(r)]
    if len(rows) == len(t.rows) or not rows:
        return t
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            cell.row, cell.col = r, c
    return Table(rows, t.start, t.end, t.kind, t.page, t.index)


def drop_empty_columns(blocks: list[Paragraph | Table]) -> list[Paragraph | Table]:
    """``blocks`` with the blank columns of Markdown tables dropped (see the module
    docstring), and the column names a converter made up for a table without a header
    (PyMuPDF's ``Col1``, ``Col2`` …: no words of the report) dropped first."""
    blocks = [
        _without_generated(b) if isinstance(b, Table) and b.kind == "markdown" else b
        for b in blocks
    ]
    out: list[Paragraph | Table] = []
    last: tuple[int, list[int]] | None = None  # (width before the drop, columns dropped)
    for b in blocks:
        if not isinstance(b, Table) or b.kind != "markdown" or not b.rows:
            out.append(b)
            continue
        blank = _blank_columns(b)
        width = len(b.rows[0])
        if blank is None:
            out.append(b)
            last = None
            continue
        # never every column, never a table's first (its labels, when it has no header)
        blank = [c for c in blank if c > 0]
        if blank and len(blank) < width - 1 and _header_words(b):
            out.append(_without(b, blank))
            last = (width, blank)
            continue
        if last is not None and last[0] == width and set(last[1]) <= set(blank):
            out.append(_without(b, last[1]))
            continue
        out.append(b)
        last = None
    return out
