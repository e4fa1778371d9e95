"""表三 printed in two blocks of columns (a wide table cut for the page, 续表): the row
labels with 自然人 and the first organisations, then the same labels again with the rest of
the columns and 总计. The two grids are joined into one, row by row, when their headers name
the form's seven value columns between them, each once, and their rows hold the same labels
in the same order; otherwise the document is left as it is (each block then reads as a
table short of columns: its rows named unread, never guessed).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..readers.document import Cell, Document, Paragraph, Table
from ..readers.labels import match_request_column, match_request_row
from ..readers.normalize import key
from ..schema import COLUMNS

_FORM = COLUMNS
_TWICE = ("执法案卷", "執法案卷")
# what may stand between the two blocks: a continuation word, a page's number
_BETWEEN = ("续表", "（续表）", "(续表)", "续上表", "接上表")
_PAGE = re.compile(r"\d{1,3}")


def _columns(row: list[Cell]) -> list[str] | None:
    """The value columns a header row names, in its order (None: a cell names none)."""
    out: list[str] = []
    for c in row:
        if not c.text.strip():
            continue
        m = match_request_column(c.text)
        if m is None:
            return None
        out.append(m.id)
    return out


def _split(table: Table) -> tuple[list[str], list[list[Cell]], list[list[Cell]]] | None:
    """(columns, header rows, body rows) of a block of 表三: its last header row names its
    value columns; its first body row is the first whose label names a row of the form."""
    first = next(
        (
            i
            for i, row in enumerate(table.rows)
            if not _columns(row) and any(match_request_row(c.text) for c in row if c.text.strip())
        ),
        None,
    )
    if not first:
        return None
    cols = _columns(table.rows[first - 1])
    if not cols or len(set(cols)) != len(cols) or not set(cols) <= set(_FORM):
        return None
    # (a row of a number alone, no label: a page's number among the rows, no row)
    body = [r for r in table.rows[first:] if not _page_row(r)]
    return cols, table.rows[:first], body


def _page_row(row: list[Cell]) -> bool:
    texts = [c.text.strip() for c in row if c.text.strip()]
    return len(texts) == 1 and bool(_PAGE.fullmatch(texts[0]))


def _label_and_values(row: list[Cell], k: int) -> tuple[str, list[Cell]] | None:
    """The row's label (its cells before the last ``k``, as a key) and its ``k`` values."""
    if len(row) < k + 1:
        return None
    labels, values = row[:-k], row[-k:]
    if any(any(ch.isdigit() for ch in c.text) and not match_request_row(c.text) for c in labels):
        return None
    return "".join(key(c.text) for c in labels), values


def _join(a: Table, b: Table) -> Table | None:
    sa, sb = _split(a), _split(b)
    if sa is None or sb is None:
        return None
    ca, ha, ra = sa
    cb, _, rb = sb
    if set(ca) & set(cb) or sorted(ca + cb) != sorted(_FORM) or len(ra) != len(rb):
        return None
    rows: list[list[Cell]] = []
    for x, y in zip(ra, rb):
        lx, ly = _label_and_values(x, len(ca)), _label_and_values(y, len(cb))
        if lx is None or ly is None or lx[0] != ly[0] or not lx[0]:
            return None
        labels = x[: len(x) - len(ca)]
        rows.append([*labels, *lx[1], *ly[1]])
    head = ha[-1]
    words = [c for c in head if c.text.strip()]
    words_b = [c for c in sb[1][-1] if c.text.strip()]
    width = len(rows[0]) - len(_FORM)
    blank = Cell("", head[0].start, head[0].start)
    header = [*ha[:-1], [blank] * width + words + words_b]
    return Table([*header, *rows], a.start, b.end, a.kind, a.page, a.index)


def _is_body(row: list[Cell]) -> bool:
    return not _columns(row) and any(match_request_row(c.text) for c in row if c.text.strip())


def _join_inside(table: Table) -> Table | None:
    """Both blocks in one grid (only a blank line between them, read as one table)."""
    body = [i for i, row in enumerate(table.rows) if _is_body(row)]
    if not body:
        return None
    again = next((i for i in range(body[0], len(table.rows)) if _columns(table.rows[i])), None)
    if again is None:
        return None
    start = again
    while start > body[0] and not _is_body(table.rows[start - 1]):
        start -= 1
    if any(any(ch.isdigit() for c in row for ch in c.text) for row in table.rows[start:again]):
        return None
    rows_a, rows_b = table.rows[:start], table.rows[start:]
    a = Table(rows_a, table.start, rows_a[-1][-1].end if rows_a[-1] else table.start, table.kind)
    b = Table(rows_b, rows_b[0][0].start if rows_b[0] else table.end, table.end, table.kind)
    joined = _join(a, b)
    if joined is None:
        return None
    joined.page, joined.index = table.page, table.index
    return joined


def _page_number(p: Paragraph | Table) -> bool:
    return isinstance(p, Paragraph) and bool(_PAGE.fullmatch(p.text.strip()))


def _s3_part(rows: list[list[Cell]]) -> bool:
    """Rows of 表三: a row the form names, a header naming its columns, or 申请人情况."""
    return any(
        _is_body(r) or _columns(r) or any(key(c.text) == "申请人情况" for c in r) for r in rows
    )


def _glue(blocks: list[Paragraph | Table]) -> tuple[list[Paragraph | Table], set[int]]:
    """``blocks`` with each part of 表三 that a page's number alone parts from the part
    before it (a line ``3`` between two rows of 表三's first block, or between a block's
    header rows) joined to it, the number left out; and the indexes (in the result) of
    the tables so joined."""
    out: list[Paragraph | Table] = []
    glued: set[int] = set()
    last = -1  # index in ``out`` of the last table
    for b in blocks:
        if isinstance(b, Table) and b.rows and _s3_part(b.rows[:1]) and last >= 0:
            between = out[last + 1 :]
            prev = out[last]
            if between and all(_page_number(p) for p in between) and isinstance(prev, Table):
                # (the table before is 表三's too: its rows, or its header's)
                if _s3_part(prev.rows):
                    rows = [*prev.rows, *b.rows]
                    out[last:] = [Table(rows, prev.start, b.end, prev.kind, prev.page, prev.index)]
                    glued.add(last)
                    continue
        if isinstance(b, Table):
            last = len(out)
        out.append(b)
    return out, glued


def join_column_blocks(doc: Document) -> Document:
    """``doc`` with each pair of 表三 blocks of columns joined (see the module's doc); a
    block a page's number parted (``_glue``) joined whole where the pair joins so."""
    # both blocks print every row's label: one the prose hardly names is there twice
    # (a scan of every table's cells costs 4 % of a report's reading otherwise)
    if sum(doc.text.count(w) for w in _TWICE) < 2:
        return doc
    glued, pieces = _glue(list(doc.blocks))
    if pieces:
        blocks, joined = _join_blocks(glued)
        if joined & pieces:
            return replace(doc, blocks=blocks)
    blocks, joined = _join_blocks(list(doc.blocks))
    return replace(doc, blocks=blocks) if joined else doc


def _join_blocks(blocks: list[Paragraph | Table]) -> tuple[list[Paragraph | Table], set[int]]:
    """``blocks`` with each pair of 表三 blocks joined, and the indexes of the tables
    joined (both of a pair, or a grid holding both blocks)."""
    tables = [i for i, b in enumerate(blocks) if isinstance(b, Table)]
    blocks = list(blocks)
    drop: set[int] = set()
    joined_at: set[int] = set()
    for i in tables:
        t = blocks[i]
        inside = _join_inside(t) if isinstance(t, Table) else None
        if inside is not None:
            blocks[i] = inside
            joined_at.add(i)
    for i, j in zip(tables, tables[1:]):
        if i in drop:
            continue
        between = blocks[i + 1 : j]
        if any(
            not isinstance(p, Paragraph)
            or p.text.strip()
            and p.text.strip() not in _BETWEEN
            and not _PAGE.fullmatch(p.text.strip())
            for p in between
        ):
            continue
        a, b = blocks[i], blocks[j]
        if not isinstance(a, Table) or not isinstance(b, Table):
            continue
        joined = _join(a, b)
        if joined is None:
            continue
        blocks[i] = joined
        joined_at.update((i, j))
        drop.update(range(i + 1, j + 1))
    return [b for n, b in enumerate(blocks) if n not in drop], joined_at
