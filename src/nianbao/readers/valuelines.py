"""表三 rows whose numbers stand on a line of their own next to a line holding only the row's
label: a PDF's text made line by line by the height of the characters (pdfplumber's
``extract_text``, pypdf) puts a row's numbers just above its label where they stand a little
higher in the cell, or just below it, as the cells' heights fall:

    8.属于行政查询事项 0 0 0 0 0 0 0
    10 0 0 0 0 0 10
    1.本机关不掌握相关政府信息
    （四）无法提供
    3 0 0 0 0 0 3
    2.没有现成信息需要另行制作
    3.补正后申请内容仍不明确 0 0 0 0 0 0 0

A run of such lines, label-only and numbers-only ones alternating (a group label, a page's
foot, a character of the merged 三、本年度办理结果 cell between them change nothing), is read
pair by pair only when the pairing is the one there is: as many number lines as labels, the
run closed on both sides by a row read whole (label and numbers on one line), by the table's
edge or by a line of the same kind, never by a line this reading does not know (a label it
cannot recognise may own the numbers beside it). Two label lines naming one row are one
label cut over lines (the second passed over). Any other run is left as it stands.

The layout modes (``pdftotext -layout``, pdfplumber's and pypdf's) print a blank cell as
nothing: a row of 表三 with blank cells shows fewer numbers than its seven columns, which
only their places tell. ``place_by_header`` places them by the header's words above the
numbers, when the header names the seven columns in the form's order at like steps and
every row that prints seven numbers stands under them so; else by the numbers of the rows
printing all seven just above and below, where those stand at the same places. Either way
the row's last number must stand under 总计: a page laid out by other margins (pypdf's
layout mode, pdftotext's) puts its numbers under other words. An OCR'd layout copy put
numbers under other words (a 1 read |, the numbers after it taken for the row's all; a
number moved off its place) and the sums then blamed the document: a row is placed only
where nothing but its label stands before its numbers, each number at its column's place
(by the full rows, or close to its word and far from the others), its 总计 the sum of the
others, and the table's column sums, where every row of one is known, holding with it;
else the row stays as it is, its cells unread and named. The cells placed say so
(``Cell.placed``, a finding R-LAYOUT-SHIFT).

Over 500 lines because pairing value lines with their labels and placing sparse rows
under the header's words read the same layout text's columns, with guards of their own.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from contextvars import ContextVar

from ..schema import REQUEST_ROW_LABELS, RESULT_ROWS_2019, RESULT_ROWS_2021
from .document import Cell, Paragraph, Table
from .labels import (
    has_number,
    is_group_label,
    is_value_text,
    match_request_row,
    match_section_heading,
    parse_value,
)
from .normalize import CJK, key

__all__ = ["pair_value_lines", "place_by_header"]

_WIDTH = 7  # the value columns of 表三
# a page's foot (- 3 -, 第 3 页, 3/12) and a character or two of a merged cell's label
_FOOT = re.compile(r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页.*|\d{1,3}\s*/\s*\d{1,3})\s*$")
_PREFIX = re.compile(r"^\s*\S{1,2}\s+(?=\S)")  # 「本 3.危及…」: a merged cell's character
_GROUPS = (
    "三、本年度办理结果",
    "（三）不予公开",
    "（四）无法提供",
    "（五）不予处理",
    "（六）其他处理",
)
_GROUP_KEYS = tuple(key(g) for g in _GROUPS)
# the words of 表三's header
_HEADER = re.compile(
    "申请人情况|自然人|法人或其他组织|商业企业|科研机构|社会公益|法律服务|勾稽关系"
)
_DIGIT = re.compile(r"\d")
_GROUP_HEAD = re.compile(r"^(?:三、本年度办理结果\s*)?[（(][三四五六][)）]\S{2,4}\s+(?=\d)")
_GROUP_ORDINAL = re.compile(r"^[（(][三四五六][)）]$")  # a group's ordinal alone: （三）
_ORDINAL = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、．]|[（(][一二三四五六七][)）]|[一二三四五六七][、.．])"
)


def _values(s: str) -> bool:
    parts = s.split()
    return (
        len(parts) == _WIDTH
        and all(is_value_text(p) for p in parts)
        and any(has_number(p) for p in parts)
    )


def _label(s: str) -> bool:
    """A line that is one 表三 row's label and nothing else."""
    core = _PREFIX.sub("", s, count=1) if not _ORDINAL.match(s) else s
    # (a group's label before the row's own: （三）不予公开 1.属于国家秘密 — its ordinal too)
    bare = _ORDINAL.sub("", _GROUP_HEAD.sub("", core.strip(), count=1))
    if not bare or any(ch.isdigit() for ch in bare):
        return False
    m = match_request_row(s)
    return m is not None


def _numbers_at_end(text: str) -> bool:
    """Does the line end in a row's numbers (what each line ``_kind`` calls V ends in)?"""
    parts = text.split()
    return len(parts) >= _WIDTH and _values(" ".join(parts[-_WIDTH:]))


def _kind(block: Paragraph | Table) -> str:
    """V (numbers only), L (a label only), J (nothing of a row: a group label, a page's
    foot, a stray character), F (a row whole, or a table), X (text of another kind)."""
    if isinstance(block, Table):
        return "F"
    s = block.text.strip()
    if not s:
        return "J"
    if _values(s):
        return "V"
    parts = s.split()
    if len(parts) > _WIDTH and _values(" ".join(parts[-_WIDTH:])):
        head = " ".join(parts[:-_WIDTH])
        if match_request_row(head) is not None:
            return "F"
        if _group_piece(head):
            return "V"  # (a piece of a merged group cell beside the numbers: （三）不 0 0 …)
        return "X"
    if _FOOT.match(s):
        return "J"
    if not any(ch.isdigit() for ch in s) and (
        len(s) <= 2 or is_group_label(s) and match_request_row(s) is None
    ):
        return "J"
    if _label(s):
        return "L"
    if _group_piece(s) or _GROUP_ORDINAL.match(s):
        return "J"
    if match_section_heading(s) is not None or _HEADER.search(key(s)) and not _DIGIT.search(s):
        return "F"  # a section's heading, 表三's header: no row's label, a run's edge
    return "X"


def _rid(block: Paragraph | Table) -> str | None:
    if isinstance(block, Table):
        texts = [row[0].text for row in block.rows if row]
    else:
        texts = [block.text]
    for t in texts:
        m = match_request_row(t)
        if m is not None:
            return m.id
    return None


def _group_piece(s: str) -> bool:
    """Words of a merged group cell (（三）不 / 予公开, 度办理结): a piece of a group label that
    names no row, with no digit but its ordinal."""
    if match_request_row(s) is not None:
        return False
    bare = _ORDINAL.sub("", s.strip())
    k = key(s)
    return len(k) >= 2 and not any(ch.isdigit() for ch in bare) and any(k in g for g in _GROUP_KEYS)


def _label_ends(blocks: list[Paragraph | Table], kinds: list[str]) -> None:
    """A short line of words that is the rest of the nearest label line before it (计其他情形）
    after （二）部分公开（区分处理的，只计这一情形，不 and its numbers) or the start of the
    nearest one after it: part of that label, passed over (J)."""
    for i, k in enumerate(kinds):
        if k != "X":
            continue
        b = blocks[i]
        s = b.text if isinstance(b, Paragraph) else ""
        kx = key(s)
        if len(kx) < 2 or len(kx) > 16 or any(ch.isdigit() for ch in s):
            continue
        for step, fits in ((-1, str.endswith), (1, str.startswith)):
            j = i + step
            while 0 <= j < len(kinds) and kinds[j] in "VJ":
                j += step
            if 0 <= j < len(kinds) and kinds[j] == "L":
                own = blocks[j]
                if not isinstance(own, Paragraph):
                    continue
                m = match_request_row(own.text)
                label = key(REQUEST_ROW_LABELS.get(m.id, "")) if m is not None else ""
                if label and fits(label, kx) and kx not in key(own.text):
                    kinds[i] = "J"
                    break


def _runs(kinds: list[str]) -> list[list[int]]:
    """Maximal runs of alternating V and L (J passed over), each as the indices of its V
    and L blocks, with the kinds that close it before and after."""
    out: list[list[int]] = []
    cur: list[int] = []
    before = "F"

    def close(after: str) -> None:
        nonlocal cur
        if cur and len(cur) % 2 == 0:
            first, last = kinds[cur[0]], kinds[cur[-1]]
            # an unknown line beside a number line may be the label owning it
            if not (before == "X" and first == "V" or after == "X" and last == "V"):
                out.append(cur)
        cur = []

    for i, k in enumerate(kinds):
        if k == "J":
            continue
        if k in "VL":
            if cur and kinds[cur[-1]] == k:
                close(k)
                before = k
            cur.append(i)
            continue
        close(k)
        before = k
    close("F")
    return out


def pair_value_lines(blocks: list[Paragraph | Table], text: str) -> list[Paragraph | Table]:
    """The blocks with each decided (number line, label line) pair made a one-row table: the
    label's cell, then the numbers' cells (offsets kept); the lines between them stay
    paragraphs, before it."""
    if not any(isinstance(b, Paragraph) and _numbers_at_end(b.text) for b in blocks):
        return blocks  # (no line of numbers alone: nothing to pair, the kinds not worked out)
    kinds = [_kind(b) for b in blocks]
    if "V" not in kinds or "L" not in kinds:
        return blocks
    rids = [_rid(b) for b in blocks]
    if any(r is not None and r.startswith("other.") for r in rids):
        # the 2021 form: （六）其他处理 is the group label of its sub-rows, no row
        kinds = ["J" if k == "L" and r == "other" else k for k, r in zip(kinds, rids)]
    _label_ends(blocks, kinds)
    last = -1
    for i, k in enumerate(kinds):
        if k == "L" and last >= 0 and kinds[last] == "L" and rids[last] == rids[i]:
            kinds[i] = (
                "J"  # (the rest of the label above: 2.申请人逾期未按收费通知要求 / 缴纳费用、…)
            )
        elif k != "J":
            last = i
    pairs: dict[int, int] = {}
    for run in _runs(kinds):
        for j in range(0, len(run), 2):
            pairs[run[j]] = run[j + 1]
    if not pairs:
        return blocks
    out: list[Paragraph | Table] = []
    i = 0
    while i < len(blocks):
        if i not in pairs:
            out.append(blocks[i])
            i += 1
            continue
        j = pairs[i]
        out += blocks[i + 1 : j]
        a, b = blocks[i], blocks[j]
        label, value = (a, b) if kinds[i] == "L" else (b, a)
        assert isinstance(label, Paragraph) and isinstance(value, Paragraph)
        line = text[label.start : label.end]
        st = label.start + len(line) - len(line.lstrip())
        cells = [Cell(line.strip(), st, st + len(line.strip()))]
        vline = text[value.start : value.end]
        for m in list(re.finditer(r"\S+", vline))[-_WIDTH:]:
            cells.append(Cell(m.group(0), value.start + m.start(), value.start + m.end()))
        for c, cell in enumerate(cells):
            cell.col = c
        out.append(
            Table(rows=[cells], start=min(a.start, b.start), end=max(a.end, b.end), kind="layout")
        )
        i = j + 1
    return out


# ----------------------------------------------------------------------------- by the header
# the first word of each of 表三's value columns in its header, in the form's order
_COLUMN_WORDS = ("自然", "商业", "科研", "社会", "法律", "其他", "总计")
_HEADER_LINES = 8  # the most lines of header above a table's first row
_TIGHT = 1.5  # how far a number may stand from its column's place with no full row to say
_NEAR = 1.5  # how far a number may stand from its column's place by the full rows
_MIN_STEP = 3  # the fewest places between two header words' starts
_CJK = re.compile(f"[{CJK}]")
_MARK = re.compile(r"[|_]")  # a ruling line's marks
_LABEL_END = re.compile(f"[{CJK}）)”」]$")
_QUOTES = re.compile(r"[“”「」（）()]+")  # a label's quote printed apart (pypdf: 稳定“ ”)


# how a line's places are counted: in characters (pdftotext -layout, pdfplumber, pypdf), or
# in display width, a CJK character two places (an OCR's text that keeps the page's spacing
# by the glyphs' widths, Tesseract's preserve_interword_spaces, a fixed-width export)
_WIDE: ContextVar[bool] = ContextVar("_WIDE", default=False)


def _x(text: str, at: int) -> int:
    start = text.rfind("\n", 0, at) + 1
    if not _WIDE.get():
        return at - start
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text[start:at])


def _anchors(blocks: list[Paragraph | Table], k: int, text: str) -> list[int] | None:
    """Where each of 表三's seven value columns starts in the header lines just above the
    table ``blocks[k]`` (the first word of its heading): None unless all seven stand there
    once each, in the form's order."""
    found: dict[int, list[int]] = {}
    j = k - 1
    while j >= 0 and k - j <= _HEADER_LINES:
        p = blocks[j]
        if not isinstance(p, Paragraph):
            break
        for m in re.finditer(r"\S+", text[p.start : p.end]):
            for c, w in enumerate(_COLUMN_WORDS):
                if m.group(0).startswith(w):
                    found.setdefault(c, []).append(_x(text, p.start + m.start()))
        if "申请人情况" in p.text or "勾稽" in p.text:
            break
        j -= 1
    if len(found) != len(_COLUMN_WORDS) or any(len(v) != 1 for v in found.values()):
        return None
    xs = [found[c][0] for c in range(len(_COLUMN_WORDS))]
    return xs if all(a < b for a, b in zip(xs, xs[1:])) else None


def _column(center: float, anchors: list[int]) -> int | None:
    """The column whose stretch (from a little before its word to a little before the next
    one's) holds ``center``."""
    gaps = sorted(b - a for a, b in zip(anchors, anchors[1:]))
    bounds = [a - 1.5 for a in anchors] + [anchors[-1] - 1.5 + gaps[len(gaps) // 2]]
    for c in range(len(anchors)):
        if bounds[c] <= center < bounds[c + 1]:
            return c
    return None


def _center(text: str, c: Cell) -> float:
    return _x(text, c.start) + (len(c.text) - 1) / 2


def _by_neighbours(
    text: str, vals: list[Cell], above: list[Cell], below: list[Cell]
) -> list[int] | None:
    """The columns of ``vals`` by the rows printing all seven numbers just above and
    below (their numbers standing at the same places, so no page's margins changed between
    them): each number within two places of one of theirs."""
    ca = [_center(text, c) for c in above]
    cb = [_center(text, c) for c in below]
    if any(abs(x - y) > 1 for x, y in zip(ca, cb)):
        return None
    tol = min(_TIGHT, min(b - a for a, b in zip(ca, ca[1:])) / 2 - 0.5)
    at = []
    for v in vals:
        near = [j for j, x in enumerate(ca) if abs(_center(text, v) - x) <= tol]
        if len(near) != 1:
            return None
        at.append(near[0])
    return at


def _full_xs(text: str, full: list[list[Cell]]) -> list[list[float]]:
    """Each column's places (the centres of its numbers) in the rows printing all seven."""
    return [sorted({_center(text, r[-_WIDTH:][c]) for r in full}) for c in range(_WIDTH)]


def _under_full_rows(
    text: str, vals: list[Cell], at: list[int | None], xs: list[list[float]]
) -> bool:
    """Does each number stand nearer the column ``at`` gives it than any other, by where the
    rows printing all seven numbers print theirs (``_full_xs``)? (In narrow columns a number
    a place off crosses the line between two header words: 0 0 0 _ 0 _ 0 read its blank
    社会公益组织 filled by its neighbour's 0.)"""
    for v, c in zip(vals, at):
        if c is None:
            return False
        x = _center(text, v)
        near = [min(abs(x - y) for y in col) for col in xs]
        if any(near[o] <= near[c] for o in range(_WIDTH) if o != c):
            return False
    return True


def _label_clean(cells: list[Cell]) -> bool:
    """Is every cell before a row's last numbers a piece of its label: a CJK character in
    each, no ruling line's mark, the last ending in a word or a closing bracket? (An OCR'd
    1 read | or l, a 0 read O, a ruling line's | among the numbers stop the row's run of
    numbers short: the numbers after it are not all the row's, and their places say
    nothing of the row's blank cells.)"""
    return (
        bool(cells)
        and all(
            (_CJK.search(c.text) or _QUOTES.fullmatch(c.text.strip())) and not _MARK.search(c.text)
            for c in cells
        )
        and _LABEL_END.search(cells[-1].text.strip()) is not None
    )


def _adds_up(slots: list[Cell | None]) -> bool:
    """Does a placed row's 总计 equal the sum of its other cells (blanks and placeholders
    counted as nothing)?"""
    nums: list[float] = []
    for s in slots:
        if s is None:
            nums.append(0)
            continue
        v, note = parse_value(s.text)
        if v is None and note != "placeholder":
            return False
        nums.append(v or 0)
    total = slots[-1]
    if total is None or parse_value(total.text)[0] is None:
        return False
    return abs(sum(nums[:-1]) - nums[-1]) < 1e-6


def _numbers(row: list[Cell]) -> int:
    """How many cells at the end of ``row`` hold a value (a number, a placeholder)."""
    n = 0
    while (
        n < len(row)
        and is_value_text(row[len(row) - 1 - n].text)
        and row[len(row) - 1 - n].text.strip()
    ):
        n += 1
    return n


def _header_even(anchors: list[int]) -> bool:
    """Do the header's words stand as a printed header stands: in the form's order, the
    five columns of 法人或其他组织 at like steps (none twice another: the tools' layout
    modes print them within 1.75 of each other)? (An OCR'd copy's header, its gaps
    collapsed, puts them anywhere.)"""
    steps = [b - a for a, b in zip(anchors, anchors[1:])]
    inner = steps[1:5]
    return min(steps) >= _MIN_STEP and max(inner) <= 2 * min(inner)


def _full_places(text: str, full: list[list[Cell]]) -> list[float] | None:
    """Each column's place by the rows printing all seven numbers (the median of their
    numbers' centres), None when those rows do not agree within two places."""
    out = []
    for c in range(_WIDTH):
        xs = sorted(_center(text, r[-_WIDTH:][c]) for r in full)
        if xs[-1] - xs[0] > 2:
            return None
        out.append(xs[len(xs) // 2])
    return out


def _within(text: str, vals: list[Cell], at: list[int], places: list[float]) -> bool:
    """Does each number stand at its column's place (within a place and a half, and less
    than half the way to a neighbour's)?"""
    steps = [b - a for a, b in zip(places, places[1:])]
    tol = min(_NEAR, min(steps) / 2 - 0.5)
    return all(abs(_center(text, v) - places[c]) <= tol for v, c in zip(vals, at))


def place_by_header(blocks: list[Paragraph | Table], text: str) -> list[Paragraph | Table]:
    """Rows of a column-aligned 表三 (``pdftotext -layout``, pdfplumber's and pypdf's
    layout modes) that print fewer numbers than its seven columns, their blank cells
    printed as nothing: each number goes to the column whose header word stands above it,
    when the header names all seven columns in the form's order at like steps and every row
    that prints all seven numbers stands under them so (each number then at its column's
    place by those rows; with no such row, close to its column's word and far from the
    others); else to the column of the numbers of the rows printing all seven just above
    and below it, where those stand at the same places. A row is placed only where nothing
    but its label stands before its numbers, its last number stands under 总计 and its
    总计 is the sum of the others; and the table's columns, where every row of a sum is
    known (printing seven numbers, placed, or printing none), add up with the rows placed
    (results to （七）总计, 一 + 二 to （七）总计 + 四) — else the rows stay as they are,
    their cells unread and named by the form reading, never a sum blamed on a number put
    under another word. The cells placed are marked (``Cell.placed``: the reading says so,
    ``extraction.formsay.say_placed``)."""
    if not any(isinstance(t, Table) and t.kind == "layout" for t in blocks):
        return blocks
    # one 表三's tables (a section's heading or a sentence between two ends it), with their
    # places in ``blocks``, and the lines between them (a row printing no number: its label
    # alone)
    parts: list[list[tuple[int, Table]]] = [[]]
    blank: list[list[str]] = [[]]
    for k, t in enumerate(blocks):
        if not (isinstance(t, Table) and t.kind == "layout"):
            if isinstance(t, Paragraph) and (
                match_section_heading(t.text) is not None or len(t.text.strip()) > 40
            ):
                parts.append([])  # (a section's heading or a sentence: the table has ended)
                blank.append([])
            elif isinstance(t, Paragraph):
                blank[-1].append(t.text)  # (a row's label alone? judged where needed)
            continue
        parts[-1].append((k, t))

    def proposed(part: list[tuple[int, Table]]) -> list[tuple[Table, dict[int, list[Cell]]]]:
        carried: list[int] | None = None  # the header's places, over the table's later parts
        out = []
        for k, t in part:
            anchors = _anchors(blocks, k, text) or carried
            carried = anchors
            out.append((t, _proposals(t, anchors, text)))
        return out

    groups: list[list[tuple[Table, dict[int, list[Cell]]]]] = []
    for part, empty in zip(parts, blank):
        group = proposed(part)
        _keep_if_sums_hold(group, empty)
        if part and _CJK.search(text):
            # places counted in display width too: the count that places more rows (a
            # row is placed only where its numbers stand under the header's words, its
            # 总计 adds up and the columns' sums hold, so the two agree where both place)
            token = _WIDE.set(True)
            try:
                wide = proposed(part)
                _keep_if_sums_hold(wide, empty)
            finally:
                _WIDE.reset(token)
            if sum(map(len, (p for _t, p in wide))) > sum(map(len, (p for _t, p in group))):
                group = wide
        groups.append(group)
    for group in groups:
        for t, placed in group:
            if not placed:
                continue
            for row in placed.values():
                for cell in row[-_WIDTH:]:
                    cell.placed = True
            t.rows = [placed.get(r, row) for r, row in enumerate(t.rows)]
            for r, row in enumerate(t.rows):
                for c, cell in enumerate(row):
                    cell.row, cell.col = r, c
    return blocks


def _proposals(t: Table, anchors: list[int] | None, text: str) -> dict[int, list[Cell]]:
    """The rows of ``t`` each sparse row's numbers placed would make (by row index)."""
    split = [_numbers(row) for row in t.rows]
    if not any(0 < n < _WIDTH and n < len(row) for n, row in zip(split, t.rows)):
        return {}
    full = [i for i, (n, row) in enumerate(zip(split, t.rows)) if n == _WIDTH and len(row) > n]

    def cols(cells: list[Cell], anchors: list[int]) -> list[int | None]:
        return [_column(_center(text, c), anchors) for c in cells]

    header = (
        anchors is not None
        and _header_even(anchors)
        and all(cols(t.rows[i][-_WIDTH:], anchors) == list(range(_WIDTH)) for i in full)
    )
    places = _full_places(text, [t.rows[j] for j in full]) if full else None
    xs = _full_xs(text, [t.rows[j] for j in full]) if full else []
    out: dict[int, list[Cell]] = {}
    for i, (n, row) in enumerate(zip(split, t.rows)):
        if (
            not 0 < n < _WIDTH
            or n == len(row)
            or match_request_row(" ".join(c.text for c in row[:-n])) is None
            or not _label_clean(row[:-n])
        ):
            continue
        vals = row[-n:]
        at: list[int | None] | list[int] | None = None
        if header and anchors is not None:
            at = cols(vals, anchors)
            if full and (
                None in at
                or places is None
                or not _under_full_rows(text, vals, at, xs)
                or not _within(text, vals, at, places)  # type: ignore[arg-type]
            ):
                at = None
            elif not full and not all(
                c is not None
                and abs(_center(text, v) - (anchors[c] + 1)) <= _TIGHT
                # (and no other column's word near it: in narrow columns a number a
                # place off stands as near its neighbour's word)
                and all(
                    abs(_center(text, v) - (anchors[o] + 1)) > _TIGHT + 1
                    for o in range(_WIDTH)
                    if o != c
                )
                for v, c in zip(vals, at)
            ):
                at = None
        if at is None or None in at:
            # (the full rows just above and below: ``full`` is in the rows' order)
            k = bisect_left(full, i)
            at = None
            if 0 < k < len(full):
                at = _by_neighbours(
                    text, vals, t.rows[full[k - 1]][-_WIDTH:], t.rows[full[k]][-_WIDTH:]
                )
        # (a row that prints a number prints its 总计: its last number stands under 总计,
        # or the columns this line's numbers stand at are not the header's — another
        # page, laid out by other margins)
        if (
            at is None
            or None in at
            or not all(a < b for a, b in zip(at, at[1:]))  # type: ignore[operator]
            or at[-1] != _WIDTH - 1
        ):
            continue
        slots: list[Cell | None] = [None] * _WIDTH
        for v, c in zip(vals, at):
            slots[c] = v  # type: ignore[index]
        if not _adds_up(slots):
            continue  # (a number lost or put under another word: the row is not placed)
        new = list(row[:-n])
        for s in slots:
            new.append(s if s is not None else Cell("", new[-1].end, new[-1].end))
        out[i] = new
    return out


def _keep_if_sums_hold(group: list[tuple[Table, dict[int, list[Cell]]]], empty: list[str]) -> None:
    """Drop the placements of ``group`` (one 表三's tables) that a column's sum over the
    rows it knows does not bear out: the results' rows to （七）总计, 一 + 二 to （七）总计
    + 四. A sum with a row not known (its numbers neither seven nor placed, or its label
    not found) is not judged."""
    if not any(placed for _t, placed in group):
        return
    rows: dict[str, list[float] | None] = {}
    placed_rid: dict[str, tuple[int, int]] = {}
    for g, (t, placed) in enumerate(group):
        for r, row in enumerate(t.rows):
            cells = placed.get(r, row)
            n = _WIDTH if r in placed else _numbers(cells)
            m = match_request_row(" ".join(c.text for c in cells[: len(cells) - n]))
            if m is None or n == len(cells):
                continue
            vals: list[float] | None = None
            if (n == 0 or n == _WIDTH) and _label_clean(cells[: len(cells) - n]):
                vals = []
                for c in cells[len(cells) - n :]:
                    v, note = parse_value(c.text)
                    if v is None and note not in ("placeholder", "blank"):
                        vals = None
                        break
                    vals.append(v or 0)
                if n == 0:
                    vals = [0.0] * _WIDTH
            if m.id in rows:
                vals = None  # (a row twice: which is the table's is not known)
            rows[m.id] = vals
            if r in placed:
                placed_rid[m.id] = (g, r)
    if not placed_rid:
        return
    for line in empty:
        if not _label(line.strip()):
            continue
        m = match_request_row(line)
        if m is not None and _label_clean([Cell(w) for w in line.split()]):
            # (a row's label alone on its line: a row printing no number, each cell blank)
            rows[m.id] = None if m.id in rows else [0.0] * _WIDTH
    results = (
        RESULT_ROWS_2021 if "other.no_fee" in rows or "other.misc" in rows else RESULT_ROWS_2019
    )
    sums = [
        ([*results], ["processed_total"]),
        (["new", "carried_over"], ["processed_total", "carried_forward"]),
    ]
    for left, right in sums:
        ids = left + right
        if not any(i in placed_rid for i in ids):
            continue
        got = [v for v in (rows.get(i) for i in ids) if v is not None]
        if len(got) < len(ids):
            continue
        a = [sum(v[c] for v in got[: len(left)]) for c in range(_WIDTH)]
        b = [sum(v[c] for v in got[len(left) :]) for c in range(_WIDTH)]
        if all(abs(x - y) < 1e-6 for x, y in zip(a, b)):
            continue
        for i in ids:
            if i in placed_rid:
                g, r = placed_rid[i]
                group[g][1].pop(r, None)
