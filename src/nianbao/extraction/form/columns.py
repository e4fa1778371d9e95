"""Numbers read by the column words printed before them: text in a PDF's reading order
(``pdftotext`` in its default mode) prints a table's header cell and the numbers below it as
one column, the labels of the rows elsewhere. The words before each run of numbers then
say which of the form's columns the run holds, and the form's rows (in their order) which
row each number is; where a run holds several columns, row by row and column by column are
both possible, and only the table's arithmetic (表三's row sums) or the two orders reading
alike decides a cell. Used by :mod:`.stream` (表三's first rows, printed among the
header's words) and :mod:`.read` (表二's items whose rows have several cells).
"""

from __future__ import annotations

import itertools
import re

from ...schema import COLUMNS
from .model import FormCell, FormTable, Tok
from .solve import row_sum_ok
from .tokens import cell_number, tokenize

Row = list[Tok | None]


# the words of 表三's column headers and the bits of them a narrow cell breaks apart
# (科研|机构), longest first: 法人或其他组织 and 申请人情况 name no column (其他 in them)
_COLUMN_BITS: tuple[tuple[str, str], ...] = (
    ("法人或其他组织", ""),
    ("申请人情况", ""),
    ("自然", "natural"),
    ("商业", "commercial"),
    ("企业", "commercial"),
    ("科研", "research"),
    ("社会", "social"),
    ("公益", "social"),
    ("法律", "legal"),
    ("服务", "legal"),
    ("其他", "other_org"),
    ("总计", "total"),
    ("合计", "total"),
)
_LABEL_MARKS = re.compile(r"[、，,：:。（）()“”]")  # a row label's or a note's text, no column's


def _named_columns(words: str) -> list[str]:
    """The columns the header's words name, in the order they stand."""
    taken = [False] * len(words)
    found: list[tuple[int, str]] = []
    for bit, col in _COLUMN_BITS:
        i = words.find(bit)
        while i >= 0:
            if not any(taken[i : i + len(bit)]):
                taken[i : i + len(bit)] = [True] * len(bit)
                if col:
                    found.append((i, col))
            i = words.find(bit, i + len(bit))
    out: list[str] = []
    for _i, col in sorted(found):
        if col not in out:
            out.append(col)
    return out


def header_rows(text: str, start: int, end: int, m: int) -> list[Row] | None:
    """The first ``m`` rows of 表三 whose numbers stand among the header's words (a PDF's
    reading order: each column's numbers after its header cell, the narrow columns' words
    and numbers together): each run of numbers after header words that name exactly as
    many columns as the run holds ``m`` numbers each; the columns named once each, in the
    form's order; a run of several columns read row by row or column by column, whichever
    makes every row add up (both reading the same); every row adds up. None otherwise."""
    groups: list[tuple[list[str], list[Tok]]] = []
    words = ""
    nums: list[Tok] = []
    for t in [*tokenize(text, start, end), Tok("t", end, end, "")]:
        if t.kind == "v":
            nums.append(t)
        elif t.kind == "t":
            if nums:
                groups.append((_named_columns(words), nums))
                words, nums = "", []
            if not _LABEL_MARKS.search(t.text):
                words += t.text
    if [c for cols, _n in groups for c in cols] != list(COLUMNS):
        return None
    if any(len(n) != m * len(cols) for cols, n in groups):
        return None
    readings: dict[tuple[tuple[int | float | None, ...], ...], list[Row]] = {}
    wide = [g for g, (cols, _n) in enumerate(groups) if len(cols) > 1]
    for turn in itertools.product((False, True), repeat=len(wide)):
        rows: list[Row] = [[] for _ in range(m)]
        for g, (cols, n) in enumerate(groups):
            c = len(cols)
            by_column = g in wide and turn[wide.index(g)]
            for r in range(m):
                rows[r] += (
                    [n[j * m + r] for j in range(c)]
                    if by_column or c == 1
                    else n[r * c : r * c + c]
                )
        values = [[cell_number(t.text) if t else None for t in row] for row in rows]
        if all(row_sum_ok(v) for v in values):
            readings.setdefault(tuple(map(tuple, values)), rows)
    return next(iter(readings.values())) if len(readings) == 1 else None


# 表二's items whose rows have several cells: the item's ordinal -> its rows and its
# column words (folded: no slash) with their fields, in the form's order
_ItemColumns = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]
_ITEM_COLUMNS_2021: dict[str, _ItemColumns] = {
    "一": (
        ("regulations", "normative"),
        (("本年制发件数", "issued"), ("本年废止件数", "repealed"), ("现行有效件数", "in_force")),
    ),
}
_PREV_DELTA = (("上一年项目数量", "items_prev"), ("本年增减", "items_delta"))
_ITEM_COLUMNS_2019: dict[str, _ItemColumns] = {
    "一": (
        ("regulations", "normative"),
        (
            ("本年新制作数量", "made"),
            ("本年新公开数量", "published"),
            ("对外公开总数量", "total_public"),
        ),
    ),
    "五": (("licensing", "other_services"), (*_PREV_DELTA, ("处理决定数量", "decisions"))),
    "六": (("penalty", "coercion"), (*_PREV_DELTA, ("处理决定数量", "decisions"))),
    "八": (("fees",), _PREV_DELTA),
    "九": (("procurement",), (("采购项目数量", "items"), ("采购总金额", "amount"))),
}
_ITEM_COLUMNS_2019.update(
    {
        d: _ITEM_COLUMNS_2019[c]
        for d, c in (("1", "一"), ("5", "五"), ("6", "六"), ("8", "八"), ("9", "九"))
    }
)


def item_columns(
    text: str, a: int, b: int, table: FormTable, layout: str, heads: list[tuple[str, int, int]]
) -> None:
    """表二's items of rows of several cells whose labels have no number after them, the
    numbers after the item's column words instead (a PDF's reading order: 本年制发件数
    本年废止件数 1 0 8 26 … 现行有效件数 11 66). The 2021 layout's （一） item from the
    table's text (its words are the table's own), the 2019 layout's items each from the
    text after its heading (第二十条第（五）项 …; items share words); ``heads`` are the
    items' headings (ordinal, start, end). Read by
    ``_by_column_words``; the rows are recorded in ``streamed`` ("columns:" + the item's
    heading + ":" + the words)."""
    found = {r.rid: r for r in table.rows}
    if layout == "2021":
        parts = [(a, b, "一", _ITEM_COLUMNS_2021["一"])]
    else:
        parts = []
        for n, (ordinal, _start, end) in enumerate(heads):
            item = _ITEM_COLUMNS_2019.get(ordinal)
            if item is not None:
                parts.append((end, heads[n + 1][1] if n + 1 < len(heads) else b, ordinal, item))
    for lo, hi, ordinal, (rids, words) in parts:
        rows = [found.get(rid) for rid in rids]
        # rows with no number after their labels, or more than their cells (labels first,
        # then both rows' numbers: 规章 行政规范性文件 0 0 0 5 0 5 after the column words)
        if any(r is None or r.how not in ("blank", "unread") for r in rows):
            continue
        cells = _by_column_words(text, lo, hi, len(rids), words)
        if cells is None:
            continue
        heads_ = "、".join(w for w, _f in words)
        for r, row in enumerate(rows):
            assert row is not None
            out = []
            for fid in (c.id for c in row.cells):
                tok = cells[(r, fid.rsplit(".", 1)[1])]
                out.append(
                    FormCell(fid, tok.start, tok.end, tok.text)
                    if tok
                    else FormCell(fid, status="unread")
                )
            row.cells = out
            row.how = "read"
            row.shown = " ".join(c.text or "?" for c in out)
            table.streamed[row.rid] = f"columns:第二十条第（{ordinal}）项:{heads_}"


def _by_column_words(
    text: str, a: int, b: int, m: int, words: tuple[tuple[str, str], ...]
) -> dict[tuple[int, str], Tok | None] | None:
    """The cells of ``m`` rows from the numbers after their column ``words``: each run of
    numbers after words that name exactly as many of the columns as it holds ``m`` numbers
    each, the columns named once each (in any order: the words decide the column). A run
    of one column (or of one row) reads by itself; one of several columns and rows reads
    row by row or column by column, and nothing in 表二 says which: the cells both orders
    read alike are read, the others None (open). None when the text is not of that shape
    or nothing is read."""
    groups: list[tuple[list[str], list[Tok]]] = []
    said = ""
    nums: list[Tok] = []
    for t in [*tokenize(text, a, b), Tok("t", b, b, "")]:
        if t.kind == "v":
            nums.append(t)
        elif t.kind == "t":
            if nums:
                hits = sorted((said.find(w), f) for w, f in words if w in said)
                if hits:
                    groups.append(([f for _i, f in hits], nums))
                said, nums = "", []
            said += re.sub(r"[/／、]", "", t.text)
    # the words name the columns, each once (a copy's order of the columns may not be the
    # form's: pdfminer printed 本年废止件数 and 现行有效件数 with their numbers before 本年制发件数)
    if sorted(f for cols, _n in groups for f in cols) != sorted(f for _w, f in words):
        return None
    if any(len(n) != m * len(cols) for cols, n in groups):
        return None
    cells: dict[tuple[int, str], Tok | None] = {}
    for cols, n in groups:
        c = len(cols)
        for j, f in enumerate(cols):
            for r in range(m):
                by_row, by_col = n[r * c + j], n[j * m + r]
                cells[(r, f)] = (
                    by_row if cell_number(by_row.text) == cell_number(by_col.text) else None
                )
    return cells if any(cells.values()) else None
