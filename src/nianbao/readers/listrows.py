"""Table rows written as list items, each cell named by its column, made into tables.

A document parser that transcribes a page with a language model, or a writer who retypes a
table, turns a row into a line: ``- 规章：本年制发件数：0，本年废止件数：0，现行有效件数：0``,
``- 一、本年新收政府信息公开申请数量：自然人 32，商业企业 2，……，总计 34``. Such a line
names each of its cells' columns, so it is a table row: a run of such lines with the same
columns becomes a table whose header row holds the column words and whose rows hold the row
label and one cell per column, each cell's offsets those of its value in the text.

Only lines whose label names a row of 表二 or 表三 and whose every item names a column of
that table are taken; a sentence of prose (``其中，规章 2 件``) is no such line.
"""

from __future__ import annotations

import re

from .document import Cell, Paragraph, Table
from .labels import (
    has_number,
    match_active_column,
    match_active_row,
    match_request_column,
    match_request_row,
)

# the list marker, the row's label, a colon, the items
_ROW = re.compile(
    r"^[ \t\u3000]*(?:[-*+•·]|\d{1,2}[.、)）])?[ \t\u3000]*(?:\*\*)?([^：:\n]{2,80}?)(?:\*\*)?[ \t\u3000]*[：:][ \t\u3000]*(.+?)[ \t\u3000。；;]*$"
)
# one item: a column's words, a colon or a space, a value (or a blank's mark)
_ITEM = re.compile(
    r"((?:[^\s：:，,；;、0-9（(]|[（(][^）)\n]*[）)])(?:[^：:，,；;\n（(]|[（(][^）)\n]*[）)])*?)"
    r"[ \t\u3000]*[：:]?[ \t\u3000]*"
    r"([-+]?\d[\d,]*(?:\.\d+)?|—+|-+|/|无|（空）|\(空\)|空)[ \t\u3000]*(?:件|万元|个)?"
)
_SEP = re.compile(r"[ \t\u3000]*[，,；;、][ \t\u3000]*")


def _items(body: str, at: int) -> list[tuple[str, str, int, int]] | None:
    """(column words, value, start, end) of each item of ``body`` (which starts at ``at``),
    or None when the body is not a run of such items alone."""
    out = []
    pos = 0
    while pos < len(body):
        m = _ITEM.match(body, pos)
        if m is None:
            return None
        out.append((m.group(1).strip(), m.group(2), at + m.start(2), at + m.end(2)))
        pos = m.end()
        s = _SEP.match(body, pos)
        if s is None or s.end() == pos:
            break
        pos = s.end()
    if body[pos:].strip(" \t\u3000。；;"):
        return None
    return out


def _kind(label: str, cols: list[str]) -> tuple[str, list[str]] | None:
    """("s3" or "s2", the columns' ids) when ``label`` names a row of that table and every
    column word one of its columns, else None."""
    if match_request_row(label) is not None:
        ids = []
        for w in cols:
            m = match_request_column(w)
            if m is None:
                return None
            ids.append(m.id)
        if len(set(ids)) == len(ids):
            return "s3", ids
        return None
    if match_active_row(label) is not None:
        ids = []
        for w in cols:
            m2 = match_active_column(w)
            if m2 is None:
                return None
            ids.append(m2[0])
        if len(set(ids)) == len(ids):
            return "s2", ids
    return None


def _row(p: Paragraph) -> tuple[str, list[str], Cell, list[Cell], list[str]] | None:
    """(table, column ids, label cell, value cells, column words) of a list-item row."""
    if "\n" in p.text.strip() or p.start < 0:
        return None
    m = _ROW.match(p.text)
    if m is None:
        return None
    items = _items(m.group(2), p.start + m.start(2))
    if not items:
        return None
    label = m.group(1).strip()
    kind = _kind(label, [w for w, _, _, _ in items])
    if kind is None:
        return None
    table, ids = kind
    lab = Cell(label, p.start + m.start(1), p.start + m.end(1))
    cells = [Cell(v, s, e) for _, v, s, e in items]
    return table, ids, lab, cells, [w for w, _, _, _ in items]


# a table's row as a line of plain text: its label (no colon), then two numbers or more
_TEXT_ROW = re.compile(
    r"^[ \t\u3000]*([^：:\n]+?)(?:[ \t\u3000]+[-+]?\d[\d,]*(?:\.\d+)?){2,}[ \t\u3000]*$"
)


def _tabled(blocks: list[Paragraph | Table]) -> set[str]:
    """The tables ("s2", "s3") the text already holds as tables: two rows or more whose
    labels name rows of it (table rows, or lines of plain text holding a label and numbers)."""
    found: set[str] = set()
    groups = [
        [
            "".join(c.text for c in row if c.text.strip() and not has_number(c.text))
            for row in b.rows
        ]
        for b in blocks
        if isinstance(b, Table)
    ]
    # the rows of a table in plain text lines (a paragraph each): a label, then its numbers
    lines = [
        ln
        for b in blocks
        if isinstance(b, Paragraph)
        for ln in b.text.split("\n")
        if len(ln) <= 200 and ln.rstrip()[-1:].isdigit()
    ]
    groups.append([m.group(1) for ln in lines if (m := _TEXT_ROW.match(ln))])
    for labels in groups:
        s2 = s3 = 0
        for label in labels:
            if not label:
                continue
            if match_request_row(label) is not None:
                s3 += 1
            elif match_active_row(label) is not None:
                s2 += 1
        found |= {k for k, n in (("s2", s2), ("s3", s3)) if n >= 2}
    return found


def list_tables(blocks: list[Paragraph | Table]) -> list[Paragraph | Table]:
    """``blocks`` with each run of list-item rows of one table and the same columns made into
    a table (see the module docstring). Where the text holds that table as a table already,
    its list-item lines are prose that repeats some of its rows (``- 予以公开：自然人 6 件，
    总计 6 件``): left as they are, lest a second, partial table stand beside the real one."""
    tabled: set[str] | None = None  # (made at the first list-item row: most texts hold none)
    out: list[Paragraph | Table] = []
    run: list[tuple[str, list[str], Cell, list[Cell], list[str]]] = []

    def close() -> None:
        if not run:
            return
        header = [Cell("")] + [Cell(w) for w in run[0][4]]
        rows = [header] + [[lab] + cells for _, _, lab, cells, _ in run]
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                cell.row, cell.col = r, c
        out.append(Table(rows, run[0][2].start, run[-1][3][-1].end, "markdown"))
        run.clear()

    for b in blocks:
        got = _row(b) if isinstance(b, Paragraph) else None
        if got is not None and tabled is None:
            tabled = _tabled(blocks)
        if got is not None and tabled is not None and got[0] in tabled:
            got = None
        if got is None:
            close()
            out.append(b)
            continue
        if run and (got[0] != run[0][0] or got[1] != run[0][1]):
            close()
        run.append(got)
    close()
    return out
