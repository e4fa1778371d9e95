"""Over 500 lines because every text encoding of a table shares the line model and the offset
rules here (the framed grids are the part to move to a module of their own).

Plain text → Document: paragraphs and the cell grids of tables written as text.

Table encodings recognised (each by its own shape, never by file name):

* ``tab``: tab-separated rows, one row per line (a Word table pasted as text);
* ``lines``: one cell per line, each cell line starting with a tab; a blank line ends a row;
  lines without the leading tab continue the cell above (multi-line cells, labels written
  one character per line, 商业\\n企业);
* ``markdown``: ``| a | b |`` rows (separator rows dropped);
* ``pipe``: the broken pipe style where each cell is ``text |`` on its own line(s), a bare
  ``|`` opens a row (or is an empty cell inside one) and extra pipes (``| ||``) close it;
* ``layout``: columns aligned with runs of spaces, as ``pdftotext -layout`` prints them;
* framed grids (kind ``markdown``: explicit cell boundaries): rows separated by border lines
  (``+----+----+``, ``|----+----|``, ``|=====|``, or box drawing ``├───┼───┤`` with ``│``
  walls) as links, w3m, elinks, inscriptis and pandoc grid tables print an HTML table; a
  cell may wrap over several lines and span rows and columns, and is read as one cell. A
  page's layout grid printed around the whole report (a side bar column, a content column,
  the report's grids inside) is read cell by cell, each cell's lines as a text of its own.

Remnants of inline HTML markup (``<span style=…>1816</span>``) and pandoc attribute
brackets (``[1816]{style="…"}``) are blanked out (replaced by spaces of the same length, so
that every offset still points into the text) before the text is cut.

Converters' leftovers mended before the cut (same length, offsets kept): a number broken at
its decimal point (``1515`` / ``.2592``) is made whole; a framed grid's columns are measured in
the display width of the characters the converter printed (full-width digits take two); a
label printed around its value line (inscriptis centres a cell's paragraphs: ``行政事`` /
``1515.2592`` / ``业性收费``) is joined into one row when the pieces name a row of the form.

Everything else is a paragraph, one per line.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from .document import Cell, Document, OffsetMap, Paragraph, Table
from .grid import GridTooLarge, cover_empty_label_cells, place_cells
from .normalize import normalize_text

__all__ = ["read_text", "text_to_blocks"]

_HEADING_LINE = re.compile(
    r"^\s*(?:[一二三四五六七][、.．]|[1-7][、.．]\s*\D).{0,30}(情况|事项|问题|工作)\s*$"
)
_NUMERIC = re.compile(
    r"^[\s]*[-+]?(?:\d[\d,，]*(?:\.\d+)?|\.\d+)\s*(?:件|个|条|项|元|万元|%)?[\s]*$"
)
_LAYOUT_SPLIT = re.compile(r"\S+(?: \S+)*")
# empty cells kept in a run of them inside a tab-separated row (the rest are dropped): a
# row of thousands of tabs is not a report row, and a cell for each tab made the reading
# and the extraction slow (4 MB of tabs: 25 s); see grid.MAX_BLANK_TAIL for HTML and DOCX
MAX_BLANK_RUN = 64


class _Line:
    __slots__ = ("text", "start", "end")

    def __init__(self, text: str, start: int) -> None:
        self.text = text
        self.start = start
        self.end = start + len(text)


def read_text(text: str, source: str = "", encoding: str | None = None) -> Document:
    """Normalise decoded text and cut it into paragraphs and tables."""
    norm = normalize_text(text)
    # markup blanked in place (same length: the offset map still holds), for the form
    # reading of the text as for the cells
    masked = fold_decimal_breaks(fold_spacing_lines(mask_markup(norm.text)))
    doc = Document(
        text=masked,
        original=text,
        source=source,
        media_type="text/plain",
        encoding=encoding,
        script=norm.script,
        artifacts=list(norm.artifacts),
        offset_map=norm.offset_map,
    )
    doc.blocks = text_to_blocks(masked, _widths_source(text, norm.offset_map))
    for i, t in enumerate(doc.tables):
        t.index = i
    return doc


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        out.append(_Line(raw, pos))
        pos += len(raw) + 1
    return out


def _is_blank(s: str) -> bool:
    return not s.strip()


def _is_markdown_row(s: str) -> bool:
    t = s.strip()
    return len(t) > 1 and t.startswith("|") and t.count("|") >= 2


def _is_md_separator(s: str) -> bool:
    t = s.strip()
    return bool(t) and t.startswith("|") and "-" in t and set(t) <= set("|-: ")


# ----------------------------------------------------------------------------- markup
# well-formed inline HTML tags of a fixed set of names (with attributes), left in the text by a
# copy of a web page: 行政事业性收费\t<span style="font-size:10.5pt">1816</span> is 1816, not
# 10.5. Prose angle brackets (「<机关名称>」) are no such tag and stay.
_HTML_TAG = re.compile(
    r"</?(?:span|font|p|div|b|strong|i|em|u|br|td|th|tr|table|tbody|thead|a|img|sup|sub"
    r"|o:p|w:[a-z]+)(?:\s[^<>\n]*)?/?>",
    re.IGNORECASE,
)
# pandoc markdown's bracketed spans: [1816]{style="font-size:10.5pt"}, [text]{.class}
_PANDOC_ATTR = r"(?:[.#][\w:-]+|[\w:-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s{}]+))"
_PANDOC_SPAN = re.compile(
    r"\[([^\[\]\n]*)\]\{\s*" + _PANDOC_ATTR + r"(?:\s+" + _PANDOC_ATTR + r")*\s*\}"
)


def mask_markup(text: str) -> str:
    """``text`` with the remnants of inline markup replaced by spaces of the same length
    (line breaks kept): every offset still points at the same character."""
    if "<" not in text and "]{" not in text:
        return text

    def blank(m: re.Match[str]) -> str:
        return _blank(m.group(0))

    def span(m: re.Match[str]) -> str:
        return " " + m.group(1) + _blank(m.group(0)[len(m.group(1)) + 1 :])

    text = _HTML_TAG.sub(blank, text)
    for _ in range(4):  # nested spans: [[12]{.a}]{.b}
        new = _PANDOC_SPAN.sub(span, text)
        if new == text:
            break
        text = new
    return text


# ----------------------------------------------------------------------------- spacing lines
# how many values a row of the national form holds (表二's rows 1 or 3, 表三's 7, 表四's
# 15, or 5 per group when its header splits it)
_FORM_ROW_SIZES = frozenset({1, 3, 5, 7, 15})


def fold_spacing_lines(text: str) -> str:
    """``text`` with the whitespace-only lines that are spacing, not cells, joined to the
    value line above them (the line break before them becomes a space: same length).

    A table copied one cell per line from a Word-made page (``<td><p>1816</p><p>&nbsp;</p>
    </td>``) has lines of only spaces, NBSP or U+3000 after some values. Such a line may
    also be an empty cell (``<td>&nbsp;</td>``). Decided by content, for the whole text:
    the lines are spacing when, counting them out, every row (a label line, then its value
    lines) holds as many values as a row of the form does, and counting them in, some row
    does not. Otherwise (both readings fit, or neither) the text is left as it is."""
    if "\n " not in text:
        return text
    from .labels import is_value_text

    lines = text.split("\n")
    rows: list[tuple[int, int]] = []  # (cells without, cells with the spacing lines)
    spacing: list[int] = []  # lines that are spacing if the first reading wins
    vals = empty = ws = 0  # in the row being read: value lines, empty lines, blank lines
    prev_value = False

    def close() -> None:
        if vals or empty or ws:
            rows.append((vals + empty, vals + empty + ws))

    for k, ln in enumerate(lines):
        t = ln.strip()
        if "\t" in ln or (t and not is_value_text(t)):  # a label: a row starts
            if vals or empty or ws:
                close()
            vals = empty = ws = 0
            prev_value = False
        elif not ln:
            empty += 1
            prev_value = False
        elif not t:
            if prev_value or (spacing and spacing[-1] == k - 1):
                spacing.append(k)
            ws += 1
        else:
            vals += 1
            prev_value = True
    close()
    if not spacing or not rows:
        return text
    without_fits = all(a in _FORM_ROW_SIZES for a, _ in rows)
    with_fits = all(b in _FORM_ROW_SIZES for _, b in rows)
    if not without_fits or with_fits:
        return text
    starts = []
    pos = 0
    for ln in lines:
        starts.append(pos)
        pos += len(ln) + 1
    out = list(text)
    for k in spacing:
        out[starts[k] - 1] = " "  # the line break before the spacing line
    return "".join(out)


# a number broken at its decimal point by a converter: 1515 / .2592 (two paragraphs of a
# cell), 812. 5 or 812.<newline>5 (two spans of it with a separator between)
_DECIMAL_BREAK = re.compile(
    # (possessive blanks: a run of thousands of tabs after a digit is never backtracked)
    r"(?<![^\s|])(\d[\d,]*)(?:(\.)([ \t]*+(?:\n[ \t]*+)?)|([ \t]*+(?:\n[ \t]*+)?)\.)(\d+)"
    r"(?=\s|\||$)"
)


def fold_decimal_breaks(text: str) -> str:
    """``text`` with every number broken at its decimal point over blanks or one line
    break made whole again: ``1515`` and ``.2592`` on two lines become ``1515.2592`` followed
    by the blanks (same length: the number's start keeps its offset). Only a break right at
    the point, with the whole number alone on both sides (a blank, a pipe or the line's end
    around it) and one point in all; a point after fewer than three digits is an ordinal's
    (``4.`` then its value ``2``), and ``2022.`` before ``12.31`` stays."""
    if "." not in text:
        return text

    def join(m: re.Match[str]) -> str:
        gap = m.group(3) if m.group(2) else m.group(4)
        if not gap or m.group(2) and len(m.group(1)) < 3:
            return m.group(0)  # (4. then 2: an ordinal before a value, not 4.2)
        return m.group(1) + "." + m.group(5) + gap

    return _DECIMAL_BREAK.sub(join, text)


def _blank(s: str) -> str:
    return re.sub(r"[^\n]", " ", s)


def text_to_blocks(text: str, source: Source | None = None) -> list[Paragraph | Table]:
    """The paragraphs and tables of ``text``, each with its offsets in ``text``; ``source``
    gives the characters a stretch of ``text`` was normalised from (see
    :func:`_widths_source`)."""
    # the budget: the grid slots the framed grids of this text may still take
    blocks = _read_lines(_lines(mask_markup(text)), [MAX_FRAME_SLOTS], 0, source)
    return _join_labels_around_values(blocks, text)


# ----------------------------------------------------------------------------- wrapped labels
# a label fragment: no digits but a leading ordinal (4. / 2.其 / （二）部), at most a short line
_ORDINAL_HEAD = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、．]|[（(][一二三四五六七][)）]|[一二三四五六七][、.．])"
)
_MAX_FRAGMENT = 40


def _fragment(text: str) -> bool:
    """A piece of a label: a short line of one cell, no digits but a leading ordinal."""
    t = _ORDINAL_HEAD.sub("", text).strip()
    return (
        bool(t or text.strip())
        and len(text) <= _MAX_FRAGMENT
        and "  " not in text.strip()
        and not any(ch.isdigit() for ch in t)
    )


def _values_line(text: str) -> bool:
    from .labels import has_number, is_value_text

    parts = text.split()
    return (
        bool(parts) and all(is_value_text(p) for p in parts) and any(has_number(p) for p in parts)
    )


# the opening of a row label: its ordinal, maybe cut short (（七 / 四、 / 2.)
_LABEL_START = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十]|[一二三四五六七八九十]、|\d{1,2}[.、．])"
)


def _whole_label(text: str) -> bool:
    """``text`` names a row of the form in its own words (not a variant, not a typo)."""
    from .labels import match_active_row, match_request_row

    m = match_active_row(text) or match_request_row(text)
    return m is not None and m.how == "canonical"


def _row_of(label: str) -> str | None:
    """The form's row a label names (表二 or 表三), None for none or a group label alone."""
    from .labels import match_active_row, match_request_row

    m = match_active_row(label) or match_request_row(label)
    return None if m is None else m.id


def _join_labels_around_values(
    blocks: list[Paragraph | Table], text: str
) -> list[Paragraph | Table]:
    """A label cell of several paragraphs printed with its value in the middle of its lines
    (inscriptis centres a cell's content vertically; a crawler's text puts each paragraph on
    a line of its own): ``行政事`` / ``1515.2592`` / ``业性收费``. The lines above the value
    and the lines below it are one label when together they name a row of the form and the
    lines above alone name none, and neither the lines below (a whole label of their own,
    or opening with an ordinal) nor the line above them (the end of the label above:
    行政 / 处罚 / 606 / 行政 / 强制) are another row's. The joined label and the value line's
    numbers make a one-row table (each number keeps its offsets; the label spans its lines).
    One or two lines on each side; when two readings name different rows the lines are left
    as they are (read, or named unread, by the extraction). Paragraphs and the rows of a
    column-aligned table alike."""
    texts = [b.text if isinstance(b, Paragraph) else None for b in blocks]
    out: list[Paragraph | Table] = []
    i = 0
    for at, above, below in _wraps(texts):
        out += blocks[i:at]
        parts = blocks[at : at + above] + blocks[at + above + 1 : at + above + 1 + below]
        value = blocks[at + above]
        assert isinstance(value, Paragraph)
        label = Cell("".join(p.text for p in parts if isinstance(p, Paragraph)))
        first, last = text[parts[0].start : parts[0].end], text[parts[-1].start : parts[-1].end]
        label.start = parts[0].start + len(first) - len(first.lstrip())
        label.end = parts[-1].start + len(last.rstrip())
        cells = [label]
        line = text[value.start : value.end]
        for m in re.finditer(r"\S+", line):  # the value line's numbers, offsets kept
            cells.append(Cell(m.group(0), value.start + m.start(), value.start + m.end()))
        for c, cell in enumerate(cells):
            cell.col = c
        out.append(Table(rows=[cells], start=parts[0].start, end=parts[-1].end, kind="layout"))
        i = at + above + 1 + below
    out += blocks[i:]
    for b in out:
        if isinstance(b, Table) and b.kind == "layout":
            _join_decimal_rows(b)
            _join_layout_rows(b)
    return out


_POINT_TAIL = re.compile(r"\.\d+")
_INTEGER = re.compile(r"[-+]?\d[\d,]*")


def _join_decimal_rows(table: Table) -> None:
    """Two rows of a column-aligned table that are one row whose label and number were
    both broken over two lines at the same place (行政 1515 / 事业性收费 .2592: a cell of
    two paragraphs each): the second row's only number starts with the decimal point and
    stands in the column of the first row's last number."""
    rows = table.rows
    out: list[list[Cell]] = []
    for row in rows:
        prev = out[-1] if out else None
        if (
            prev is not None
            and len(row) == 2
            and len(prev) == 2
            and _POINT_TAIL.fullmatch(row[1].text)
            and _INTEGER.fullmatch(prev[1].text)
            and _fragment(row[0].text)
            and _fragment(prev[0].text)
            and row[1].bbox is not None
            and prev[1].bbox is not None
            and row[1].bbox[0] <= prev[1].bbox[2]
            and prev[1].bbox[0] <= row[1].bbox[2]
        ):
            label, value = prev
            label.text += row[0].text
            label.end = row[0].end
            value.text += row[1].text  # the number's start keeps its offset
            continue
        out.append(row)
    if len(out) < len(rows):
        for r, row in enumerate(out):
            for c, cell in enumerate(row):
                cell.row, cell.col = r, c
        table.rows = out


def _join_layout_rows(table: Table) -> None:
    """:func:`_join_labels_around_values` for the rows of a column-aligned table: a row of
    one label fragment, a row of values only, a row of one label fragment."""
    texts: list[str | None] = []
    mids: list[str] = []
    for row in table.rows:
        t, mid = _row_text(row)
        texts.append(t)
        mids.append(mid)
    wraps = _wraps(texts, mids)
    if not wraps:
        return
    rows: list[list[Cell]] = []
    i = 0
    for at, above, below in wraps:
        rows += table.rows[i:at]
        parts = [
            r[0]
            for r in table.rows[at : at + above]
            + table.rows[at + above + 1 : at + above + 1 + below]
        ]
        values = table.rows[at + above]
        if mids[at + above]:  # the middle of the label on the value line
            parts.insert(above, values[0])
            values = values[1:]
        label = Cell("".join(c.text for c in parts), parts[0].start, parts[-1].end)
        label.bbox = parts[0].bbox
        rows.append([label] + values)
        i = at + above + 1 + below
    rows += table.rows[i:]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            cell.row, cell.col = r, c
    table.rows = rows


def _row_text(row: list[Cell]) -> tuple[str | None, str]:
    """A row as one line for :func:`_wraps`: its one cell, or its values (and the label
    fragment before them: 3.要求 / 提供公开 0 0 … / 出版物); None otherwise."""
    if len(row) == 1:
        return row[0].text, ""
    t = " ".join(c.text for c in row)
    if _values_line(t):
        return t, ""
    rest = " ".join(c.text for c in row[1:])
    if _fragment(row[0].text) and _values_line(rest):
        return rest, row[0].text
    return None, ""


def _wraps(texts: list[str | None], mids: list[str] | None = None) -> list[tuple[int, int, int]]:
    """(index of the first line above, lines above, lines below) of every label printed
    around its value line in ``texts`` (None: no line of text), in order, not overlapping;
    ``mids``: the label text on each value line, if any."""
    out: list[tuple[int, int, int]] = []
    n = len(texts)
    mids = mids or [""] * n
    i = 0
    while i < n:
        got = _around(texts, mids, i)
        if got is None or got[0] == 2 and _around(texts, mids, i + 1) is not None:
            i += 1  # (a label that starts on the next line: this line is not of it)
            continue
        out.append((i, *got))
        i += got[0] + 1 + got[1]
    return out


def _around(texts: list[str | None], mids: list[str], i: int) -> tuple[int, int] | None:
    """(lines above, lines below) of a label whose lines above its value start at ``i``."""

    def frag(k: int) -> str | None:
        t = texts[k] if k < len(texts) else None
        return t if t is not None and _fragment(t) else None

    first = frag(i)
    if first is None or _row_of(first) is not None:
        return None
    before = frag(i - 1) if i > 0 else None
    if (
        before is not None
        and not _LABEL_START.match(first)
        and _row_of(before) is None
        and _row_of(before + first) is not None
    ):
        return None  # the line ends the label above (行政 / 处罚 / 606 / 行政 / 强制)
    found: dict[str, tuple[int, int]] = {}
    for above in (1, 2):
        v = i + above
        top = [frag(k) for k in range(i, v)]
        val = texts[v] if v < len(texts) else None
        if any(t is None for t in top) or val is None or not _values_line(val):
            continue
        head = "".join(t for t in top if t is not None)
        if _row_of(head) is not None:
            continue
        head += mids[v]
        for below in (1, 2):
            if abs(above - below) > 1:
                continue
            tail = [frag(k) for k in range(v + 1, v + 1 + below)]
            if any(t is None for t in tail) or _ORDINAL_HEAD.match(tail[0] or ""):
                break  # (a line below that opens with an ordinal is the next row's label)
            rest = "".join(t for t in tail if t is not None)
            if _whole_label(rest) and not _LABEL_START.match(head):
                # the lines below are a whole label of their own (行政处罚 / 606 / 行政强制):
                # the next row's, unless the line above opens one (（七 / 7 … / ）总计)
                break
            rid = _row_of(head + rest)
            if rid is not None:
                found.setdefault(rid, (above, below))
    if len(found) != 1:
        return None
    return next(iter(found.values()))


# the text a line was normalised from, when it has as many characters (a 1:1 folding: full-width
# digits and spaces made ASCII); None otherwise
Source = Callable[[int, int], "str | None"]


def _widths_source(original: str, offset_map: OffsetMap) -> Source | None:
    """For the framed grids' columns: a converter laid a grid out in the display width of
    the characters it printed (１３４７０ and U+3000 take two columns each), which the
    normalised text folded to ASCII (one column): the original characters of a line give its
    widths back. None when the text holds no such character."""
    if not _FOLDED_WIDE.search(original):
        return None

    def source(start: int, end: int) -> str | None:
        a, b = offset_map(start), offset_map(end)
        if b - a != end - start or b > len(original):
            return None
        return original[a:b]

    return source


# the characters folding narrows: the ideographic space and the full-width forms
_FOLDED_WIDE = re.compile("[\u3000\uff01-\uff60]")


def _read_lines(
    lines: list[_Line], budget: list[int], depth: int, source: Source | None = None
) -> list[Paragraph | Table]:
    """The blocks of ``lines`` (the lines of a text, or the parts of lines inside a column
    of a page's layout grid: ``depth`` is how deep such grids nest)."""
    blocks: list[Paragraph | Table] = []
    i = 0
    n = len(lines)
    frame_checked = 0  # lines before this were tried as (part of) a framed grid
    while i < n:
        s = lines[i].text
        if _is_blank(s):
            i += 1
            continue
        if i >= frame_checked and _frame_start(s):
            j, frame_checked = _framed(lines, i, blocks, budget, depth, source)
            if j > i:
                i = j
                continue
        if _is_markdown_row(s):
            i = _markdown(lines, i, blocks)
            continue
        if s.strip() == "|":
            i = _pipe(lines, i, blocks)
            continue
        if "\t" in s:
            i = _tabbed(lines, i, blocks)
            continue
        if _layout_cells(s) is not None:
            j = _layout(lines, i, blocks)
            if j > i:
                i = j
                continue
        blocks.append(Paragraph(s.strip(), lines[i].start, lines[i].end))
        i += 1
    return blocks


# ----------------------------------------------------------------------------- framed grids
_VBAR = frozenset("|│┃║╎╏┆┇┊┋")
_HBAR = frozenset("-=─━═┄┅┈┉╌╍╴╶╸╺╼╾")
_RULE = _HBAR | frozenset(":+")
MAX_FRAME_COLS = 400  # column boundaries of a framed grid beyond which it is not read as one
# grid slots all the framed grids of one text may take (as grid.MAX_DOCUMENT_SLOTS for HTML):
# beyond, the lines are read as before
MAX_FRAME_SLOTS = 150_000


def _is_junction(ch: str) -> bool:
    return "\u2500" <= ch <= "\u257f" and ch not in _VBAR and ch not in _HBAR


def _walls(s: str, k: int) -> list[int]:
    """Indices (from ``k`` on) of the characters of ``s`` that are cell walls: vertical
    bars, box-drawing junctions, and ``+`` between or beside horizontal rules."""
    out = []
    n = len(s)
    for m in range(k, n):
        ch = s[m]
        if ch in _VBAR or _is_junction(ch):
            out.append(m)
        elif ch == "+" and ((m + 1 < n and s[m + 1] in _HBAR) or (m > 0 and s[m - 1] in _HBAR)):
            out.append(m)
    return out


def _frame_start(s: str) -> bool:
    """A line that can open a framed grid: it starts with a wall and holds another."""
    t = s.strip()
    if len(t) < 2 or not (t[0] in _VBAR or t[0] == "+" or _is_junction(t[0])):
        return False
    lead = len(s) - len(s.lstrip())
    w = _walls(s, lead)
    return bool(w) and w[0] == lead and len(w) >= 2


def _origin(s: str, col: int) -> int | None:
    """Where a line of a framed grid starts: at the grid's first column ``col`` (counted in
    characters or in display width) when a wall stands there (text left of it, a page's
    side bar, is not the grid's), else at its first character when that is a wall; None
    when the line is no line of the grid."""
    cands = [col]
    p = 0
    for m, ch in enumerate(s[:col]):
        if p >= col:
            if p == col:
                cands.append(m)
            break
        p += _width(ch)
    lead = len(s) - len(s.lstrip())
    cands.append(lead)
    for k in cands:
        if k < len(s) and (s[k] in _VBAR or _is_junction(s[k]) or s[k] == "+"):
            w = _walls(s, k)
            # the grid's first wall: no wall left of it
            if w and w[0] == k and not _walls(s[:k], 0):
                return k
    return None


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


class _Box:
    __slots__ = ("c0", "c1", "top", "bottom", "frags", "at")

    def __init__(self, c0: int, c1: int, top: int, at: int) -> None:
        self.c0 = c0
        self.c1 = c1
        self.top = top
        self.bottom = top
        self.frags: list[tuple[str, int]] = []
        self.at = at  # document offset of an empty cell (its first line's inside)


def _framed(
    lines: list[_Line],
    i: int,
    blocks: list[Paragraph | Table],
    budget: list[int],
    depth: int,
    source: Source | None = None,
) -> tuple[int, int]:
    """A grid drawn with walls and border lines, its rows separated by borders; the lines
    between two borders make one row, each cell's fragments joined (a cell may also span
    rows: its part of a border line is blank, and columns). Returns the index after the grid
    (``i`` when the lines are no framed grid, to be read as before) and the index up to which
    the lines were examined."""
    first = lines[i].text
    col = len(first) - len(first.lstrip())
    block: list[tuple[_Line, int]] = []
    j = i
    while j < len(lines):
        k = _origin(lines[j].text, col)
        if k is None:
            break
        block.append((lines[j], k))
        j += 1
    walls = [_walls(ln.text, k) for ln, k in block]
    rules = 0
    for (ln, _), w in zip(block, walls):
        if _has_rule(ln.text, w):
            rules += 1
    if rules < 2 or rules == len(block) or not _has_rule(block[-1][0].text, walls[-1]):
        return i, j
    # column positions: in display width (w3m, elinks) or in characters (links), whichever
    # lines the walls up better
    # (or in the display width of the characters the converter printed, before normalising)
    best: tuple[int, list[list[int]], bool, bool] | None = None
    for wide, printed in ((True, False), (False, False), (True, True)):
        if printed and source is None:
            continue
        pos_lines = []
        for (ln, k), w in zip(block, walls):
            s = ln.text
            if printed and source is not None:
                s = source(ln.start, ln.end) or s
            pos = []
            p = 0
            m = k
            for wi in w:
                while m < wi:
                    p += _width(s[m]) if wide else 1
                    m += 1
                pos.append(p)
            pos_lines.append(pos)
        distinct = len({p for ps in pos_lines for p in ps})
        if best is None or distinct < best[0]:
            best = (distinct, pos_lines, wide, printed)
    assert best is not None
    n_bounds, pos_lines, wide, printed = best
    if n_bounds > MAX_FRAME_COLS:
        return i, j
    bounds = sorted({p for ps in pos_lines for p in ps})
    index = {p: n for n, p in enumerate(bounds)}
    boxes: list[_Box] = []
    # the cell open in each column (cells open at one time tile the columns they hold)
    open_: list[_Box | None] = [None] * len(bounds)
    side: list[Paragraph] = []
    for li, ((ln, k), w, pos) in enumerate(zip(block, walls, pos_lines)):
        s = ln.text
        if s[:k].strip():  # text left of the grid (a side bar)
            lead = len(s) - len(s.lstrip())
            side.append(Paragraph(s[:k].strip(), ln.start + lead, ln.start + len(s[:k].rstrip())))
        if s[w[-1] + 1 :].strip():  # text right of the grid's last wall: no framed grid
            return i, j
        for (wa, wb), (pa, pb) in zip(zip(w, w[1:]), zip(pos, pos[1:])):
            seg = s[wa + 1 : wb]
            a, b = index[pa], index[pb]
            if _rule_seg(seg):  # a border under the cells open here: they end
                for c in range(a, b):
                    old = open_[c]
                    if old is not None:
                        open_[old.c0 : old.c1] = [None] * (old.c1 - old.c0)
                continue
            box = open_[a]
            if box is None or box.c0 != a or box.c1 != b:
                if any(x is not None for x in open_[a:b]):
                    # walls that do not line up: a page's layout grid with grids inside its
                    # cells, or else no grid: the lines are read as before
                    if _layout_grid(block, walls, pos_lines, blocks, budget, depth, source):
                        return j, j
                    return i, j
                box = _Box(a, b, li, ln.start + wa + 1)
                open_[a:b] = [box] * (b - a)
                boxes.append(box)
            box.bottom = li
            txt = seg.strip()
            if txt:
                box.frags.append((txt, ln.start + wa + 1 + len(seg) - len(seg.lstrip())))
    tops = sorted({b.top for b in boxes})
    if not tops:
        return i, j
    row_of = {t: r for r, t in enumerate(tops)}
    anchors = []
    for box in boxes:
        r = row_of[box.top]
        rs = bisect_right(tops, box.bottom) - bisect_left(tops, box.top)
        inner = bounds[box.c1] - bounds[box.c0] - 1
        text = _cell_text(box.frags, inner, wide, source if printed else None)
        anchors.append((r, box.c0, rs, box.c1 - box.c0, text))
    slots = len(tops) * (len(bounds) - 1)
    if slots > budget[0]:
        return i, j
    budget[0] -= slots
    try:
        grid = place_cells(anchors, len(tops), len(bounds) - 1)
    except GridTooLarge:
        return i, j
    where: dict[tuple[int, int], tuple[int, int]] = {}
    for box in boxes:
        if box.frags:
            s0, (t1, s1) = box.frags[0][1], box.frags[-1]
            where[(row_of[box.top], box.c0)] = (s0, s1 + len(t1))
        else:
            where[(row_of[box.top], box.c0)] = (box.at, box.at)
    for r, row in enumerate(grid.rows):
        line_start = block[tops[r]][0].start
        for c, cell in enumerate(row):
            anchor = grid.anchor_of.get((r, c), (r, c))
            cell.start, cell.end = where.get(anchor, (line_start, line_start))
    cover_empty_label_cells(grid)
    for (r, c), (ar, ac) in grid.anchor_of.items():
        grid.rows[r][c].start, grid.rows[r][c].end = grid.rows[ar][ac].start, grid.rows[ar][ac].end
    rows = [row for row in grid.rows if any(not x.covered for x in row)]
    blocks.append(Table(rows=rows, start=block[0][0].start, end=block[-1][0].end, kind="markdown"))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            cell.row, cell.col = r, c
    blocks.extend(side)
    return j, j


_DIGITS = re.compile(r"[-+]?\d[\d,]*(?:\.\d*)?")
_DECIMALS = re.compile(r"\.?\d[\d,]*(?:\.\d*)?")


def _cell_text(frags: list[tuple[str, int]], inner: int, wide: bool, source: Source | None) -> str:
    """The text of a framed cell from its lines' fragments, one line each, except where a
    number was broken over two lines: at or before its decimal point (１５１５ / ．２５９２
    or ９６１ / ７１．６, two paragraphs of a cell), or where a run of digits filled the cell's width (w3m breaks
    full-width digits like ideographs: １２５ / ９ in a cell seven columns wide). A cell of
    the form holds one number, never two stacked."""
    if not frags:
        return ""
    out = frags[0][0]
    last = out
    for (a, at), (b, _) in zip(frags, frags[1:]):
        joined = False
        if _DIGITS.fullmatch(last) and _DECIMALS.fullmatch(b) and not ("." in last and "." in b):
            if last.endswith(".") or b.startswith(".") or "." in b and "." not in last:
                joined = True  # a decimal point at the break, or after it (961 / 71.6)
            else:
                printed = source(at, at + len(a)) if source is not None else None
                w = sum(_width(ch) for ch in (printed or a)) if wide else len(a)
                joined = w + 2 >= inner > 2
        out, last = (out + b, last + b) if joined else (out + "\n" + b, b)
    return out


MAX_LAYOUT_DEPTH = 3  # layout grids inside layout grids read as such


def _layout_grid(
    block: list[tuple[_Line, int]],
    walls: list[list[int]],
    pos_lines: list[list[int]],
    blocks: list[Paragraph | Table],
    budget: list[int],
    depth: int,
    source: Source | None = None,
) -> bool:
    """A page's layout grid (a side bar column, a content column) printed around the
    report, with the report's own grids inside its cells: the walls of its first line
    stand on every line. Each of its cells is read as text of its own (the parts of the
    lines between the cell's walls, offsets kept), in reading order. False when the lines
    are no such grid."""
    top = pos_lines[0]
    if depth >= MAX_LAYOUT_DEPTH or len(top) < 3:
        return False
    outer: list[list[int]] = []  # per line, the indices of the layout grid's walls
    for w, pos in zip(walls, pos_lines):
        at = dict(zip(pos, w))
        if any(p not in at for p in top):
            return False
        outer.append([at[p] for p in top])
    out: list[Paragraph | Table] = []
    band: list[int] = []

    def flush() -> None:
        for c in range(len(top) - 1):
            sub = []
            for li in band:
                ln = block[li][0]
                a, b = outer[li][c], outer[li][c + 1]
                sub.append(_Line(ln.text[a + 1 : b], ln.start + a + 1))
            out.extend(_read_lines(sub, budget, depth + 1, source))

    for li, ((ln, _), cols) in enumerate(zip(block, outer)):
        if all(_rule_seg(ln.text[a + 1 : b]) for a, b in zip(cols, cols[1:])):
            flush()
            band = []
        else:
            band.append(li)
    flush()
    for ln, k in block:  # text left of the grid (a side bar)
        if ln.text[:k].strip():
            lead = len(ln.text) - len(ln.text.lstrip())
            out.append(
                Paragraph(
                    ln.text[:k].strip(), ln.start + lead, ln.start + len(ln.text[:k].rstrip())
                )
            )
    blocks.extend(out)
    return True


def _rule_seg(seg: str) -> bool:
    """A segment of a border line: horizontal rule characters (and junctions) only."""
    return (
        bool(seg)
        and all(ch in _RULE or _is_junction(ch) for ch in seg)
        and any(ch in _HBAR for ch in seg)
    )


def _has_rule(s: str, w: list[int]) -> bool:
    """A (part of a) border line: a segment between its walls is a rule."""
    return any(_rule_seg(s[a + 1 : b]) for a, b in zip(w, w[1:]))


# ----------------------------------------------------------------------------- markdown
def _split_pipes(line: _Line) -> list[Cell]:
    s = line.text
    idx = []
    k = s.find("|")
    while k >= 0:
        idx.append(k)
        k = s.find("|", k + 1)
    cells = []
    # cells between consecutive pipes; text before the first / after the last pipe counts
    # only when non-blank (a row written without the outer pipes)
    bounds = [-1] + idx + [len(s)]
    for a, b in zip(bounds, bounds[1:]):
        seg = s[a + 1 : b]
        if (a == -1 or b == len(s)) and not seg.strip():
            continue
        lead = len(seg) - len(seg.lstrip())
        txt = seg.strip()
        st = line.start + a + 1 + lead
        cells.append(Cell(txt, st, st + len(txt)))
    return cells


def _markdown(lines: list[_Line], i: int, blocks: list[Paragraph | Table]) -> int:
    rows: list[list[Cell]] = []
    start = lines[i].start
    end = start
    while i < len(lines) and (_is_markdown_row(lines[i].text) or _is_md_separator(lines[i].text)):
        if not _is_md_separator(lines[i].text):
            row = _split_pipes(lines[i])
            if any(_is_prose_cell(c.text) for c in row):
                # a page's layout table row holding the report's prose (a converter that
                # prints a whole page cell on one line): prose, not a row of the table
                _add_table(blocks, rows, start, end, "markdown")
                ln = lines[i]
                lead = len(ln.text) - len(ln.text.lstrip())
                blocks.append(
                    Paragraph(ln.text.strip(), ln.start + lead, ln.start + len(ln.text.rstrip()))
                )
                rows = []
                i += 1
                start = end = lines[i].start if i < len(lines) else ln.end
                continue
            rows.append(row)
        end = lines[i].end
        i += 1
    _add_table(blocks, rows, start, end, "markdown")
    return i


# a table cell of the form holds a label of at most ~40 characters or a number
_PROSE_CELL = 200


def _is_prose_cell(text: str) -> bool:
    """Sentences far longer than any label of the form: prose, not a cell."""
    return len(text) > _PROSE_CELL and text.count("。") >= 2


# ----------------------------------------------------------------------------- broken pipes
def _pipe(lines: list[_Line], i: int, blocks: list[Paragraph | Table]) -> int:
    """Cells written as ``text |`` (text may span lines); a bare ``|`` opens a row."""
    rows: list[list[Cell]] = []
    row: list[Cell] | None = None
    pending: list[_Line] = []
    start = lines[i].start
    end = start
    n = len(lines)
    while i < n:
        ln = lines[i]
        s = ln.text
        st = s.strip()
        if "|" not in s:
            if _is_blank(s) or _HEADING_LINE.match(s) or len(pending) >= 8:
                break
            if row is None:  # text between rows: the table is over
                break
            pending.append(ln)
            i += 1
            continue
        if st == "|" and row is None and not pending:
            row = []
            end = ln.end
            i += 1
            continue
        if row is None:
            row = []
        first = s.index("|")
        before = s[:first]
        parts = pending + ([_Line(before, ln.start)] if before.strip() or not pending else [])
        text = "\n".join(p.text.strip() for p in parts if p.text.strip())
        c_start = next(
            (p.start + len(p.text) - len(p.text.lstrip()) for p in parts if p.text.strip()),
            ln.start,
        )
        c_end = max(
            (p.start + len(p.text.rstrip()) for p in parts if p.text.strip()), default=ln.start
        )
        row.append(Cell(text, c_start, c_end))
        pending = []
        end = ln.end
        i += 1
        if s.count("|") > 1:  # closing pipes: the row is complete
            rows.append(row)
            row = None
    if row:
        rows.append(row)
    _add_table(blocks, rows, start, end, "pipe")
    for p in pending:  # dangling text after the last cell is prose, not a cell
        blocks.append(Paragraph(p.text.strip(), p.start, p.end))
    return i


# ----------------------------------------------------------------------------- tabs
def _tabbed(lines: list[_Line], i: int, blocks: list[Paragraph | Table]) -> int:
    # the extent of the region: tab lines, blank lines, and continuation lines (non-tab lines
    # that directly follow a tab line without a blank line between)
    j = i
    n = len(lines)
    prev_blank = False
    while j < n:
        s = lines[j].text
        if _is_blank(s):
            prev_blank = True
            j += 1
            continue
        if "\t" in s or (not prev_blank and j > i and not _HEADING_LINE.match(s)):
            prev_blank = False
            j += 1
            continue
        break
    # trailing empty lines are not part of the region (a line holding only tabs is: it is a
    # row of empty cells, or an empty cell)
    k = j
    while k > i and not lines[k - 1].text.strip(" \r"):
        k -= 1
    region = lines[i:k]
    tab_lines = [ln for ln in region if "\t" in ln.text]
    single = sum(1 for ln in tab_lines if ln.text.startswith("\t") and ln.text.count("\t") == 1)
    if tab_lines and single >= 0.6 * len(tab_lines):
        _cell_per_line(region, blocks)
    else:
        _tab_rows(region, blocks)
    return k


def _cell_per_line(region: list[_Line], blocks: list[Paragraph | Table]) -> None:
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    blank = 0  # empty cells at the end of ``row``
    for ln in region:
        s = ln.text
        if _is_blank(s) and "\t" not in s:
            if row:
                rows.append(row)
                row = []
            blank = 0
            continue
        if "\t" in s:
            first, *rest = s.split("\t")
            if first.strip():
                lead = len(first) - len(first.lstrip())
                txt = first.strip()
                row.append(Cell(txt, ln.start + lead, ln.start + lead + len(txt)))
                blank = 0
            cells, blank = _tab_cells(rest, ln.start + len(first) + 1, blank)
            row += cells
        elif row:  # continuation of the cell above
            c = row[-1]
            txt = s.strip()
            if not c.text:
                c.start = ln.start + len(s) - len(s.lstrip())
            c.text = f"{c.text}\n{txt}" if c.text else txt
            c.end = ln.start + len(s.rstrip())
            blank = 0 if c.text else blank
        else:
            blocks.append(Paragraph(s.strip(), ln.start, ln.end))
    if row:
        rows.append(row)
    _add_table(blocks, rows, region[0].start, region[-1].end, "lines")


def _tab_rows(region: list[_Line], blocks: list[Paragraph | Table]) -> None:
    rows: list[list[Cell]] = []
    for ln in region:
        s = ln.text
        if _is_blank(s) and "\t" not in s:
            continue
        if "\t" not in s:  # a row of one cell (a sub-table heading written without tabs)
            lead = len(s) - len(s.lstrip())
            rows.append([Cell(s.strip(), ln.start + lead, ln.start + len(s.rstrip()))])
            continue
        rows.append(_tab_cells(s.split("\t"), ln.start)[0])
    _add_table(blocks, rows, region[0].start, region[-1].end, "tab")


def _tab_cells(parts: list[str], off: int, blank: int = 0) -> tuple[list[Cell], int]:
    """The cells of the tab-separated ``parts`` of a line (the first at document offset
    ``off``), each empty cell after the first :data:`MAX_BLANK_RUN` of a run of them
    dropped; ``blank`` is the length of the run the line continues. Returns the cells and
    the length of the run at their end (linear in the parts; the cells kept are bounded by
    the parts that hold text)."""
    row: list[Cell] = []
    for part in parts:
        if not part or part.isspace():
            blank += 1
            if blank > MAX_BLANK_RUN:
                off += len(part) + 1
                continue
        else:
            blank = 0
        lead = len(part) - len(part.lstrip())
        txt = part.strip()
        row.append(Cell(txt, off + lead, off + lead + len(txt)))
        off += len(part) + 1
    return row, blank


# ----------------------------------------------------------------------------- layout
def _layout_cells(s: str) -> list[tuple[int, str]] | None:
    """Cells of a column-aligned line (runs of ≥2 spaces between cells) with ≥1 number."""
    if "  " not in s.strip():
        return None
    cells = [(m.start(), m.group(0)) for m in re.finditer(r"\S+(?: \S+)*", s)]
    if len(cells) < 2 or not any(_NUMERIC.match(c) for _, c in cells):
        return None
    return cells


def _layout(lines: list[_Line], i: int, blocks: list[Paragraph | Table]) -> int:
    """Column-aligned rows; label lines without numbers between them stay in the table as
    label-only rows so the extractor can join wrapped labels."""
    rows: list[list[Cell]] = []
    row_lines: list[int] = []  # the line of each row
    j = i
    n = len(lines)
    gap = 0
    last_row_end = i
    while j < n:
        s = lines[j].text
        if _is_blank(s):
            gap += 1
            if gap > 3:
                break
            j += 1
            continue
        cells = _layout_cells(s)
        if cells is None:
            if _HEADING_LINE.match(s) or len(s.strip()) > 40 or "  " not in s and len(rows) == 0:
                break
            cells = [(len(s) - len(s.lstrip()), s.strip())]
        else:
            last_row_end = j + 1
        gap = 0
        row_lines.append(j)
        row = []
        for col, txt in cells:
            st = lines[j].start + col
            c = Cell(txt, st, st + len(txt))
            c.bbox = (float(col), float(j), float(col + len(txt)), float(j))
            row.append(c)
        rows.append(row)
        j += 1
    # keep only up to the last line that carried numbers
    keep = bisect_left(row_lines, last_row_end)
    # the rest of a label printed around the last value line (行政规 / 2 1 11 / 范性文件)
    plain = [_row_text(r) for r in rows]
    texts, mids = [t for t, _ in plain], [m for _, m in plain]
    for above in (1, 2):
        got = _around(texts, mids, keep - 1 - above) if keep - 1 - above >= 0 else None
        if got is not None and got[0] == above:
            keep += got[1]
            last_row_end = row_lines[keep - 1] + 1
            break
    numeric_rows = [r for r in rows[:keep] if any(_NUMERIC.match(c.text) for c in r)]
    if (
        not numeric_rows
        or len(numeric_rows) < 2
        and sum(1 for c in numeric_rows[0] if _NUMERIC.match(c.text)) < 5
    ):
        return i
    rows = rows[:keep]
    _add_table(blocks, rows, lines[i].start, lines[last_row_end - 1].end, "layout")
    return last_row_end


def _add_table(
    blocks: list[Paragraph | Table], rows: list[list[Cell]], start: int, end: int, kind: str
) -> None:
    rows = [r for r in rows if r]
    if not rows:
        return
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            cell.row = r
            cell.col = c
    blocks.append(Table(rows=rows, start=start, end=end, kind=kind))
