"""Tables a phone page shows as stacks of cards, made into tables.

A portal page laid out for phones shows a wide table as cards: each row a card headed by the
row's label, one 「column：value」 line per cell (自然人：6 / 商业企业：0 / …), or each column a
card headed by the column's words, one 「row label：value」 line per row. The page's text (the
page read, or copied on a phone) holds each card's title on a line and then its lines; the
separator is a colon, a space, or nothing at all where the page drew the colon with CSS
(``自然人6``). Such a run names every cell's row and column, so it is a table: the cards of one
table become a table of the form's shape (a header row of column words and a row per row
label; 表四 in its official header rows), each cell's offsets those of its value in the text.

A card is taken only when its title names a row (or a column) of one of the form's tables and
each of its lines names a column (or a row) of the same table, once, with a number on one
line at least; a line with only those words is a blank cell of such a card. Where the text
holds the table as a table already, its card-like lines are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..schema import COLUMNS, REQUEST_ROW_LABELS
from .document import Cell, Paragraph, Table
from .labels import (
    match_active_column,
    match_active_row,
    match_request_column,
    match_request_row,
)
from .listrows import _tabled
from .normalize import key

# one line of a card: words (not ending in a digit or a separator), then a colon, a space or
# nothing, then a value (or a blank's mark, or nothing), then a unit
_LINE = re.compile(
    r"^(?P<w>.*?[^\s\d.,，:：+\-—－/])[ \t\u3000]*(?P<sep>[：:])?[ \t\u3000]*"
    r"(?:(?P<v>[-+]?\d[\d,]*(?:\.\d+)?|—+|－+|-+|/)[ \t\u3000]*(?:件|个|项|万元)?)?$"
)

_LONGEST = 80  # a card's line: a label, a separator, a value
_BRACKETS = re.compile(r"[（(][^（）()]*[）)]")
_PROSE = re.compile(r"[：:，,；;。]")
_NOT_WORDS = re.compile(r"[|¦│]|[A-Za-z]\s*$")

_REVIEW_GROUPS = (
    ("litigation_after", ("复议后起诉",)),
    ("litigation_direct", ("直接起诉", "未经复议")),
    ("reconsideration", ("行政复议",)),
)
_REVIEW_FIELDS = {
    "结果维持": "upheld",
    "维持": "upheld",
    "结果纠正": "corrected",
    "纠正": "corrected",
    "其他结果": "other",
    "其他": "other",
    "尚未审结": "pending",
    "未审结": "pending",
    "总计": "total",
    "合计": "total",
}
_GROUP_WORDS = {
    "reconsideration": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after": "复议后起诉",
}
_FIELD_WORDS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}


def _review_group(w: str) -> str | None:
    k = key(w)
    if not k or len(k) > 16 or "维持" in k or "纠正" in k:
        return None
    return next((g for g, words in _REVIEW_GROUPS if any(x in k for x in words)), None)


def _review_field(w: str) -> str | None:
    return _REVIEW_FIELDS.get(key(w))


def _request_row(w: str) -> str | None:
    m = match_request_row(w)
    return None if m is None else m.id


def _request_col(w: str) -> str | None:
    m = match_request_column(w)
    return None if m is None else m.id


def _active_row(w: str) -> str | None:
    m = match_active_row(w)
    return None if m is None else m.id


def _active_col(w: str) -> str | None:
    if len(key(w)) > 12 or "信息内容" in key(w):
        return None  # (a header's words run together: 信息内容本年制发件数本年废止件数…)
    m = match_active_column(w)
    return None if m is None else m[0]


# the form's columns in its order, by table (a run's columns are put in it)
_COLUMN_ORDER: dict[str, tuple[str, ...]] = {
    "s3": (*COLUMNS[:-1], "org_subtotal", COLUMNS[-1]),
    "s2": (
        "issued",
        "repealed",
        "in_force",
        "decisions",
        "amount",
        "made",
        "published",
        "total_public",
        "items_prev",
        "items_delta",
        "items",
        "amount2019",
    ),
    "s4": (),
}
# the rows of a table its cards must name, all runs of its cards together, to be that table:
# a phone page shows a table's every row as a card; a few 「label：value」 lines of prose
# under a row's words (规章 / 现行有效件数：2件 in 总体情况, a 图解 post's figures) are no
# table, and read as one they would leave the form's other rows "missing"
_ROWS_NEEDED = {"s2": 3, "s3": len(REQUEST_ROW_LABELS) // 2}

Match = Callable[[str], "str | None"]
# table → (row words → row id, column words → column id)
_TABLES: dict[str, tuple[Match, Match]] = {
    "s3": (_request_row, _request_col),
    "s2": (_active_row, _active_col),
    "s4": (_review_group, _review_field),
}


@dataclass
class _Item:
    id: str
    words: Cell
    value: Cell  # "" for a blank


@dataclass
class _Card:
    table: str
    by_row: bool  # a row's card (items name columns) or a column's card (items name rows)
    id: str
    title: Cell
    items: list[_Item]
    first: int  # block indices
    last: int


def _line(b: Paragraph | Table) -> tuple[re.Match[str], int] | None:
    if not isinstance(b, Paragraph) or b.start < 0 or "\n" in b.text.strip() or "\t" in b.text:
        return None
    text = b.text
    if len(text.strip()) > _LONGEST:
        return None
    lead = len(text) - len(text.lstrip())
    m = _LINE.match(text.strip())
    if m is None or _PROSE.search(_BRACKETS.sub("", m.group("w"))):
        return None  # (a colon or a comma in the words: a sentence, or a list in a line)
    if re.match(r"0\d", m.group("v") or ""):
        return None  # (0326: a row's cells run together, no value of its own)
    if _NOT_WORDS.search(m.group("w")):
        return None  # (a cell's bar, or a letter an OCR read for a digit: 行政强制 l1)
    return m, b.start + lead


def _card(blocks: list[Paragraph | Table], i: int, blank: bool = False) -> _Card | None:
    """The card whose title stands at ``blocks[i]``: the longest reading, with a number on
    one line at least (``blank``: or two lines or more, all blank)."""
    got = _line(blocks[i])
    if got is None:
        return None
    tm, at = got
    if tm.group("sep") or tm.group("v"):
        return None  # a title is words alone
    title = Cell(tm.group(0), at, at + len(tm.group(0)))
    best: _Card | None = None
    for table, (row_of, col_of) in _TABLES.items():
        for by_row in (True, False):
            own, other = (row_of, col_of) if by_row else (col_of, row_of)
            tid = own(title.text)
            if tid is None:
                continue
            items: list[_Item] = []
            seen: set[str] = set()
            j = i + 1
            while j < len(blocks):
                nxt = _line(blocks[j])
                if nxt is None:
                    break
                m, a = nxt
                iid = other(m.group("w"))
                if iid is None or iid in seen:
                    break
                if not m.group("sep") and not m.group("v") and own(m.group("w")) is not None:
                    # words alone that may title the next card (其他, 总计): they do when
                    # the line after them starts such a card as this one started
                    after = _line(blocks[j + 1]) if j + 1 < len(blocks) else None
                    if items and after is not None and other(after[0].group("w")) == items[0].id:
                        break
                w = Cell(m.group("w"), a + m.start("w"), a + m.end("w"))
                if m.group("v"):
                    v = Cell(m.group("v"), a + m.start("v"), a + m.end("v"))
                else:
                    end = a + len(m.group(0))
                    v = Cell("", end, end)
                items.append(_Item(iid, w, v))
                seen.add(iid)
                j += 1
            if not any(it.value.text for it in items) and not (blank and len(items) >= 2):
                continue
            if best is None or (len(items), _valued(items)) > (
                len(best.items),
                _valued(best.items),
            ):
                best = _Card(table, by_row, tid, title, items, i, j - 1)
    return best


def _valued(items: list[_Item]) -> bool:
    return any(it.value.text for it in items)


def _numbered(rows: list[list[Cell]]) -> list[list[Cell]]:
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            cell.row, cell.col = r, c
    return rows


def _plain_tables(cards: list[_Card]) -> list[Table]:
    """Tables of 表二 or 表三 from a run of one table's cards. Rows whose columns are those of
    the rows before them, or fewer or more of the same, stand in one table under the columns
    of all of them in the form's order (a card that shows no line for a column: a blank cell
    there, never another column's number); rows of other columns start another table (表二's
    规章 and 行政规范性文件 rows, then 行政许可's)."""
    rank = {c: i for i, c in enumerate(_COLUMN_ORDER[cards[0].table])}
    # (row id, row label cell) in order, and each row's cells by column id
    order: list[str] = []
    labels: dict[str, Cell] = {}
    cells: dict[str, dict[str, Cell]] = {}
    words: dict[str, Cell] = {}
    for card in cards:
        for it in card.items:
            rid, cid = (card.id, it.id) if card.by_row else (it.id, card.id)
            rlab, cword = (card.title, it.words) if card.by_row else (it.words, card.title)
            if rid not in labels:
                order.append(rid)
                labels[rid] = rlab
            words.setdefault(cid, cword)
            cells.setdefault(rid, {})[cid] = it.value
    out: list[Table] = []
    run: list[str] = []
    seen: list[str] = []  # the run's columns, in the order first met

    def close() -> None:
        if not run:
            return
        cols = sorted(seen, key=lambda c: (rank.get(c, len(rank)), seen.index(c)))
        header = [Cell("")] + [Cell(words[c].text, words[c].start, words[c].end) for c in cols]
        rows = [header] + [
            [labels[r]]
            + [
                (cells[r][c] if c in cells[r] else Cell("", labels[r].end, labels[r].end))
                for c in cols
            ]
            for r in run
        ]
        out.append(
            Table(_numbered(rows), labels[run[0]].start, max(c.end for c in rows[-1]), "markdown")
        )
        run.clear()
        seen.clear()

    for rid in order:
        own = set(cells[rid])
        if run and not (own <= set(seen) or own >= set(seen)):
            close()
        run.append(rid)
        seen.extend(c for c in cells[rid] if c not in seen)
    close()
    return out


def _review_table(cards: list[_Card]) -> list[Table]:
    """表四 in its official header rows, from cards holding all of its 15 cells."""
    vals: dict[tuple[str, str], Cell] = {}
    for card in cards:
        for it in card.items:
            g, f = (card.id, it.id) if card.by_row else (it.id, card.id)
            vals[(g, f)] = it.value
    groups = list(_GROUP_WORDS)
    fields = list(_FIELD_WORDS)
    if len(vals) != 15:
        return []
    start = cards[0].title.start

    def word(t: str) -> Cell:
        return Cell(t, start, start)

    def covered(c: Cell) -> Cell:
        return Cell(c.text, c.start, c.end, covered=True)

    r0a, r0b = word("行政复议"), word("行政诉讼")
    row0 = [r0a] + [covered(r0a)] * 4 + [r0b] + [covered(r0b)] * 9
    heads = [word(_FIELD_WORDS[f]) for f in fields]
    g1, g2 = word(_GROUP_WORDS[groups[1]]), word(_GROUP_WORDS[groups[2]])
    row1 = heads + [g1] + [covered(g1)] * 4 + [g2] + [covered(g2)] * 4
    row2 = [covered(h) for h in heads] + [word(_FIELD_WORDS[f]) for _ in (1, 2) for f in fields]
    row3 = [vals[(g, f)] for g in groups for f in fields]
    rows = [
        [Cell(c.text, c.start, c.end, covered=c.covered) for c in r] for r in (row0, row1, row2)
    ]
    rows.append(row3)
    end = max(c.end for c in row3)
    return [Table(_numbered(rows), start, end, "html")]


def card_tables(blocks: list[Paragraph | Table]) -> list[Paragraph | Table]:
    """``blocks`` with each run of one table's cards made into that table (see the module
    docstring)."""
    tabled: set[str] | None = None  # (made at the first card: most texts hold none)
    found: list[_Card] = []
    i = 0
    while i < len(blocks):
        card = _card(blocks, i, blank=True)
        if card is not None and tabled is None:
            tabled = _tabled(blocks)
            if any(
                isinstance(b, Table)
                and any("维持" in c.text or "审结" in c.text for row in b.rows for c in row)
                for b in blocks
            ):
                tabled.add("s4")
        if card is None or tabled is None or card.table in tabled:
            i += 1
            continue
        found.append(card)
        i = card.last + 1
    if not found:
        return blocks
    runs: list[list[_Card]] = []
    for card in found:
        prev = runs[-1][-1] if runs else None
        if (
            prev is not None
            and (prev.table, prev.by_row) == (card.table, card.by_row)
            and prev.last + 1 == card.first
        ):
            runs[-1].append(card)
        else:
            runs.append([card])
    runs = [
        run
        for run in runs
        if (len(run) >= 2 or run[0].table == "s2")  # one card alone: a sentence's list
        and any(it.value.text for card in run for it in card.items)  # (blanks only: a
        # header's words a line each, not cards)
    ]
    named: dict[str, set[str]] = {}
    for run in runs:
        for card in run:
            rows = {card.id} if card.by_row else {it.id for it in card.items}
            named.setdefault(card.table, set()).update(rows)
    out: list[Paragraph | Table] = []
    pos = 0
    for run in runs:
        if len(named[run[0].table]) < _ROWS_NEEDED.get(run[0].table, 0):
            continue  # a few rows' lines in prose, not the table
        tables = _review_table(run) if run[0].table == "s4" else _plain_tables(run)
        if not tables:
            continue
        out += blocks[pos : run[0].first]
        out += tables
        pos = run[-1].last + 1
    out += blocks[pos:]
    return out
