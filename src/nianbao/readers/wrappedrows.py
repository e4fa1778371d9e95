"""A row of 表三 that a converter cut in two at its label's line break, joined again.

pymupdf4llm, marker and other PDF-to-Markdown tools cut a table's rows at the text lines
they find, so a row whose label wraps becomes two rows: the label's first line with the
row's numbers and the label's rest with blank cells, or the label's first line with blank
cells and its rest with the numbers::

    | 三、本年度办理结果-（四）无 | 4 | 0 | … | 4 |
    | 法提供-1.本机关不掌握相关政府信息 |  |  | … |  |

Read as they stand, the numbers belong to no labelled row and the label to a row of blank
cells (blamed as blank); a reading that gives them to the label above them shifts the whole
table by one row. Here a row of numbers whose labels name no row of the form is joined with
the row of labels alone after it (or before it) when the two are one label: together they
name a row, and a word of the form runs across the cut
(无 | 法提供, 不 | 予公开, 国 | 家秘密), or the first holds only the labels of groups
(三、本年度办理结果, （四）无法提供), perhaps with the ordinal of the next level (（二）),
which no row of numbers has alone.
"""

from __future__ import annotations

import re

from .document import Cell, Paragraph, Table
from .labels import form_row_words, has_number, is_value_text, match_request_row, parse_value
from .normalize import key

# labels of groups only, perhaps with the next level's ordinal after them: 三本年度办理结果,
# 三本年度办理结果二 (of 三、本年度办理结果 （二）部分公开), 四无法提供
_GROUPS_ONLY = re.compile(
    r"^(?:[一二三四五六七]?(?:本年度办理结果|不予公开|无法提供|不予处理|其他处理))+"
    r"(?:[一二三四五六七]|\d{1,2})?$"
)

_ORDINALS = "一二三四五六七0123456789"
# a row's label from its start: its ordinal (1., （一）), then words (after key())
_SUB_ROW = re.compile(r"^(?:\d{1,2}|[一二三四五六七])\D")


def _split(row: list[Cell]) -> int:
    """Index of the row's first value cell (len(row) when it has none)."""
    i = len(row)
    while i > 0 and (not row[i - 1].text.strip() or is_value_text(row[i - 1].text)):
        i -= 1
    return i


def _shape(row: list[Cell]) -> tuple[int, int]:
    """The row's ``_split``, and the index of its last cell holding a number (-1: none)."""
    last = len(row) - 1
    while last >= 0 and not has_number(row[last].text):
        last -= 1
    return _split(row), last


def _one_label(a: str, b: str) -> bool:
    joined = a + b
    if not a or not b or match_request_row(joined) is None or _NOTE.match(a) or _NOTE.match(b):
        return False
    if _SUB_ROW.match(b) and match_request_row(b):
        # the lower label is a row's whole label from its own ordinal (2.重复申请 under a
        # 1. whose words were lost): a row of its own, never the rest of the label above
        return False
    if _GROUPS_ONLY.match(a):
        # a group's whole label (no ordinal of the next level after it) above a row's whole
        # label (1.属于国家秘密, （一）予以公开): two rows of their own, the numbers the
        # group's (a subtotal an agency wrote on the group's row), the row below blank
        return not (a[-1] not in _ORDINALS and _SUB_ROW.match(b) and match_request_row(b))
    cut = len(a)
    for w in form_row_words():
        i = joined.find(w)
        while i >= 0:
            if i < cut < i + len(w):
                return True
            i = joined.find(w, i + 1)
    return False


_HEAD = re.compile(r"^(?:[一二三四五六七八九十]|\d)")


# a note's start (after key()): 附注, 备注, 说明, 注 — no part of a row's label
_NOTE = re.compile(r"^(?:附注|备注|说明|注)\d*(?=\D)")


def _tail(u: str, d: str) -> bool:
    """``d`` (naming no row, starting no label: no ordinal, no group) ends the label ``u``
    (which names a row alone): 二、上年结转政府信息 / 公开申请数量."""
    m = match_request_row(u)
    return (
        m is not None
        and bool(d)
        and not _HEAD.match(d)
        and not _NOTE.match(d)
        and not _GROUPS_ONLY.match(d)
        and match_request_row(u + d) == m
    )


def _halves(a: str, b: str) -> bool:
    """Both parts name the same row and together still name it (2.没有现成信息需要 /
    另行制作: each half holds a word of 2.没有现成信息需要另行制作)."""
    m = match_request_row(a) if a else None
    if _NOTE.match(a) or _NOTE.match(b):
        return False  # (a note repeating a row's words, above or below it)
    return m is not None and b != "" and match_request_row(b) == m and match_request_row(a + b) == m


_GROUP_PREFIX = {
    "不予公开": "denied.",
    "无法提供": "unable.",
    "不予处理": "rejected.",
    "其他处理": "other.",
}


def _group_subtotal(rows: list[list[Cell]], i: int, at: int, label: str) -> bool:
    """Row ``i``, a result group's label with numbers (（三）不予公开 | 2 | … | 2 |), is the
    group's subtotal row the copy added, not its first row's label cut at a line break:
    its numbers, not all 0, are the sums of the group's rows printed below it (the first
    of them blank). Joined, that row would hold the subtotal, silently."""
    groups = [(label.rfind(w), p) for w, p in _GROUP_PREFIX.items() if w in label]
    if not groups:
        return False
    prefix = max(groups)[1]

    def numbers(row: list[Cell]) -> list[float] | None:
        out: list[float] = []
        for c in row[at:]:
            v, note = parse_value(c.text)
            if v is None and note not in ("blank", "placeholder"):
                return None
            out.append(v or 0)
        return out

    own = numbers(rows[i])
    if own is None or not any(own):
        return False
    sums = [0.0] * len(own)
    below = 0
    for row in rows[i + 1 :]:
        if len(row) != len(rows[i]):
            break
        m = match_request_row(key("".join(c.text for c in row[:at])))
        if m is None or not m.id.startswith(prefix):
            break
        vals = numbers(row)
        if vals is None:
            return False
        sums = [x + y for x, y in zip(sums, vals)]
        below += 1
    return below > 1 and sums == own


def _join(upper: list[Cell], lower: list[Cell], at: int, numbers_below: bool = False) -> list[Cell]:
    out = []
    for c, (u, d) in enumerate(zip(upper, lower)):
        if c >= at:
            out.append(d if numbers_below else u)
        elif not d.text.strip():
            out.append(u)
        elif not u.text.strip():
            out.append(d)
        else:
            out.append(Cell(u.text + d.text, u.start, d.end, u.row, u.col, u.covered, u.page))
    return out


def _joined(
    upper: list[Cell],
    lower: list[Cell],
    numbers_below: bool,
    shapes: tuple[tuple[int, int], tuple[int, int]],
) -> list[Cell] | None:
    """The two rows joined into one when they are one row cut at its label's line break,
    else None. The numbers stand on ``upper`` (``lower`` when ``numbers_below``: the label's
    first line printed alone above the rest with the numbers, 一、本年新收政府信息公开 | | … /
    申请数量 | 19 | …); the other row holds labels only, none under the numbers.
    ``shapes``: :func:`_shape` of ``upper`` and of ``lower``."""
    nums, words = (lower, upper) if numbers_below else (upper, lower)
    (at, last_number), (words_at, words_last_number) = (
        (shapes[1], shapes[0]) if numbers_below else shapes
    )
    if not (
        0 < at < len(nums)
        and last_number >= at  # (a number among its values)
        and words_at <= at
        and words_last_number < 0  # (no number in the row of labels)
        and all(not c.text.strip() for c in words[at:])
    ):
        return None
    u = key("".join(c.text for c in upper[:at]))
    d = key("".join(c.text for c in lower[:at]))
    # the label on the numbers' row must name no row alone; with the numbers below, the upper
    # label may name a row alone that the lower one only ends (_tail)
    alone = match_request_row(d if numbers_below else u) is not None
    if (not alone and (_one_label(u, d) or (numbers_below and _tail(u, d)))) or _halves(u, d):
        return _join(upper, lower, at, numbers_below)
    return None


def join_wrapped_rows(blocks: list[Paragraph | Table]) -> list[Paragraph | Table]:
    for b in blocks:
        if not isinstance(b, Table) or len(b.rows) < 2:
            continue
        rows = b.rows
        shapes = [_shape(r) for r in rows]  # (each row's, once: the rows do not change here)
        out: list[list[Cell]] = []
        i = 0
        joined = False
        while i < len(rows):
            row = rows[i]
            if i + 1 < len(rows) and len(rows[i + 1]) == len(row):
                # the numbers on the label's first line (unless that row is a group's
                # subtotal the copy added), else on its rest
                pair = (shapes[i], shapes[i + 1])
                merged = _joined(row, rows[i + 1], False, pair)
                at = shapes[i][0]
                if merged is not None and _group_subtotal(
                    rows, i, at, key("".join(c.text for c in row[:at]))
                ):
                    merged = None
                if merged is None:
                    merged = _joined(row, rows[i + 1], True, pair)
                if merged is not None:
                    out.append(merged)
                    i += 2
                    joined = True
                    continue
            out.append(row)
            i += 1
        if joined:
            for r, cells in enumerate(out):
                for c, cell in enumerate(cells):
                    cell.row, cell.col = r, c
            b.rows = out
    return blocks
