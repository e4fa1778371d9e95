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
  ``|`` opens a row (or is an empty cell inside one, written `` |`` where bare pipes open
  the rows) and extra pipes (``| ||``) close it;
* ``layout``: columns aligned with runs of spaces, as ``pdftotext -layout`` prints them;
* CSV (kind ``tab``): runs of comma-separated lines of the same number of fields, quoted
  fields read as CSV quotes them (a table saved by a spreadsheet or a crawler's
  ``DataFrame.to_csv``); a data frame's own row and column numbers (0, 1, 2 …) printed
  with a tab, markdown, layout or CSV table are dropped;
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
inscriptis's 表三, whose rows hold one label cell more where a group opens (rowspans ignored:
the columns of the two kinds of rows interleave, a label of several paragraphs stands around
the values beside another column's label), is read by its columns: each column's lines cut
into the form's labels, each value line given the label cells standing around it.

Everything else is a paragraph, one per line.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate

from .cards import card_tables
from .columnruns import column_run_tables
from .document import Cell, Document, OffsetMap, Paragraph, Table
from .emptycols import drop_empty_columns
from .grid import GridTooLarge, cover_empty_label_cells, merge_ranges, place_cells
from .labels import (
    has_number,
    is_group_label,
    is_value_text,
    match_active_row,
    match_request_row,
    match_section_heading,
)
from .listrows import list_tables
from .normalize import NOTE, key, normalize_text
from .valuelines import pair_value_lines, place_by_header
from .wrappedrows import join_wrapped_rows

__all__ = ["read_text", "spaced_cells", "text_to_blocks"]

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
    masked = blank_numbering(fold_decimal_breaks(fold_spacing_lines(mask_markup(norm.text))))
    doc = Document(
        text=masked,
        original=text,
        source=source,
        media_type="text/plain",
        encoding=encoding,
        script=norm.script,
        artifacts=list(norm.artifacts),
        offset_map=norm.offset_map,
        page_breaks=list(norm.page_breaks),
        page_suspects=list(norm.page_suspects),
        page_numbers=list(norm.page_numbers),
    )
    doc.blocks = text_to_blocks(masked, _widths_source(text, norm.offset_map))
    for i, t in enumerate(doc.tables):
        t.index = i
        if t.note and t.note not in doc.artifacts:
            doc.artifacts.append(t.note)
    return doc


def _lines(text: str) -> list[_Line]:
    raws = text.split("\n")
    # each line's offset: the lengths before it, and a break after each (made in C)
    starts = accumulate(map((1).__add__, map(len, raws)), initial=0)
    return list(map(_Line, raws, starts))


def _is_blank(s: str) -> bool:
    return not s.strip()


def _is_markdown_row(s: str) -> bool:
    t = s.strip()
    return len(t) > 1 and t.startswith("|") and t.count("|") >= 2


_MD_SEPARATOR_CHARS = frozenset("|-: ")


def _is_md_separator(s: str) -> bool:
    t = s.strip()
    return bool(t) and t.startswith("|") and "-" in t and _MD_SEPARATOR_CHARS.issuperset(t)


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


_PICTURE_LINE = re.compile(r"<img\b", re.IGNORECASE)


def _line_alone(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is all of its line but blanks."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return not text[a:start].strip() and not text[end : b if b >= 0 else len(text)].strip()


def mask_markup(text: str) -> str:
    """``text`` with the remnants of inline markup replaced by spaces of the same length
    (line breaks kept): every offset still points at the same character."""
    if "<" not in text and "]{" not in text:
        return text

    def blank(m: re.Match[str]) -> str:
        if _PICTURE_LINE.match(text, m.start()) and _line_alone(text, m.start(), m.end()):
            # a picture on a line of its own (a table a converter kept as an image): kept,
            # so that the reading can say it could not read what the picture shows
            return m.group(0)
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
# a line after the first of only blanks but tabs (a line holding a tab is a label's)
_BLANK_LINE = re.compile(r"\n[^\S\n\t]++$", re.M)


def fold_spacing_lines(text: str) -> str:
    """``text`` with the whitespace-only lines that are spacing, not cells, joined to the
    value line above them (the line break before them becomes a space: same length).

    A table copied one cell per line from a Word-made page (``<td><p>1816</p><p>&nbsp;</p>
    </td>``) has lines of only spaces, NBSP or U+3000 after some values. Such a line may
    also be an empty cell (``<td>&nbsp;</td>``). Decided by content, for the whole text:
    the lines are spacing when, counting them out, every row (a label line, then its value
    lines) holds as many values as a row of the form does, and counting them in, some row
    does not. Otherwise (both readings fit, or neither) the text is left as it is."""
    if "\n " not in text or not _BLANK_LINE.search(text):
        return text
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
        return _fold_loose_spacing(text, lines)
    without_fits = all(a in _FORM_ROW_SIZES for a, _ in rows)
    with_fits = all(b in _FORM_ROW_SIZES for _, b in rows)
    if not without_fits or with_fits:
        return _fold_loose_spacing(text, lines)
    starts = _line_starts(lines)
    out = list(text)
    for k in spacing:
        out[starts[k] - 1] = " "  # the line break before the spacing line
    return "".join(out)


def _line_starts(lines: list[str]) -> list[int]:
    """The offset of each of ``lines`` (a text split at its line breaks) in the text."""
    starts = []
    pos = 0
    for ln in lines:
        starts.append(pos)
        pos += len(ln) + 1
    return starts


def _fold_loose_spacing(text: str, lines: list[str]) -> str:
    """``fold_spacing_lines`` of a copy whose rows are parted by empty lines and whose
    empty cells print nothing (each text of a page a line: ``get_text("\\n")`` of a
    Word-made page), its cells' empty paragraphs (``<p>&nbsp;</p>``) lines of blanks
    anywhere in a row: after its label, before or after a value. They are spacing when
    some row holds as many values as a row of 表三 or 表四 does only counting them out,
    and no row does only counting them in (``<td>&nbsp;</td>``: an empty cell); each
    is then joined to the line beside it that holds text (the line break between becomes
    a space)."""
    rows: list[tuple[int, int]] = []  # (values, blank lines) of each labelled row
    blank: list[int] = []
    vals = ws = 0
    labelled = False
    for k, ln in enumerate(lines):
        t = ln.strip()
        if "\t" in ln:
            return text
        if t and not is_value_text(t):
            if labelled and vals:
                rows.append((vals, ws))
            vals = ws = 0
            # (a row of 表二 holds at most three values: it tells nothing here)
            labelled = match_active_row(t) is None
        elif ln and not t:
            blank.append(k)
            ws += 1
        elif t:
            vals += 1
    if labelled and vals:
        rows.append((vals, ws))
    if not blank or not rows:
        return text
    # (the widths of 表三 and 表四's rows: a row of two values and five blank lines is
    # 表三's with its empty cells)
    wide = (7, 15)
    fit_out = [v in wide and v + w not in wide for v, w in rows]
    fit_in = [v + w in wide and v not in wide for v, w in rows]
    if any(fit_in) or not any(fit_out):
        return text
    starts = _line_starts(lines)
    out = list(text)
    spaced = set(blank)
    for k in blank:
        if k > 0 and lines[k - 1].strip() or k - 1 in spaced and out[starts[k] - 1] == " ":
            out[starts[k] - 1] = " "  # joined to the line above (text, or joined to text)
        elif k + 1 < len(lines) and lines[k + 1].strip():
            out[starts[k + 1] - 1] = " "  # joined to the line below
    return "".join(out)


# a number broken at its decimal point by a converter: 1515 / .2592 (two paragraphs of a
# cell), 812. 5 or 812.<newline>5 (two spans of it with a separator between)
_DECIMAL_BREAK = re.compile(
    # (possessive blanks: a run of thousands of tabs after a digit is never backtracked)
    # (the number's start, a blank, a pipe or the text's start before it, is looked behind
    # from its first digit: a search then tries the digits only, not every position)
    r"(\d(?<![^\s|]\d)[\d,]*)(?:(\.)([ \t]*+(?:\n[ \t]*+)?)|([ \t]*+(?:\n[ \t]*+)?)\.)(\d+)"
    r"(?=\s|\||$)"
)
# a decimal point beside a blank: without one, no number is broken at its point
_POINT_GAP = re.compile(r"\.(?:(?<=[ \t\n]\.)|[ \t\n])")


def fold_decimal_breaks(text: str) -> str:
    """``text`` with every number broken at its decimal point over blanks or one line
    break made whole again: ``1515`` and ``.2592`` on two lines become ``1515.2592`` followed
    by the blanks (same length: the number's start keeps its offset). Only a break right at
    the point, with the whole number alone on both sides (a blank, a pipe or the line's end
    around it) and one point in all; a point after fewer than three digits is an ordinal's
    (``4.`` then its value ``2``), and ``2022.`` before ``12.31`` stays."""
    if not _POINT_GAP.search(text):
        return text

    def join(m: re.Match[str]) -> str:
        gap = m.group(3) if m.group(2) else m.group(4)
        if not gap or m.group(2) and len(m.group(1)) < 3:
            return m.group(0)  # (4. then 2: an ordinal before a value, not 4.2)
        return m.group(1) + "." + m.group(5) + gap

    return _DECIMAL_BREAK.sub(join, text)


# a numbering column (序号) before a table's rows in a copy spaced by spaces: 「1 规章 0 0 0」,
# 「12 8.属于行政查询事项 0 0 0 0 0 0 0」; the row number at a line's start, a space, the label
_NUMBERED_LINE = re.compile(
    r"(?m)^([ \t\u3000]*)(\d{1,2})([ \t\u3000]+)(?=[\u4e00-\u9fff（(]|\d{1,2}[.．、][\u4e00-\u9fff])(.*)$"
)
# (whether _NUMBERED_LINE is found at a line's start after the first: the same search with
# the line break it starts after as its first character, which the regex engine looks for
# fast, where a search for ``^`` tries every position)
_NUMBERED_AFTER_BREAK = re.compile(
    r"\n[ \t\u3000]*\d{1,2}[ \t\u3000]+(?=[\u4e00-\u9fff（(]|\d{1,2}[.．、][\u4e00-\u9fff])"
)
_SEQ_WORD = re.compile(r"(?m)^([ \t\u3000]*)序号(?=[ \t\u3000])")
# (a count may carry its unit: 「3.其他 10件 0件」)
_LABEL_PART = re.compile(r"^(.*?)(?:[ \t\u3000]+[-+]?[\d.,，]+(?:件|个|次|人次)?)*[ \t\u3000]*$")


def _numbered_row(rest: str) -> str | None:
    """The form row a numbered line's label names (None: no row of the form)."""
    m = _LABEL_PART.match(rest)
    label = (m.group(1) if m else rest).strip()
    hit = match_active_row(label) or match_request_row(label)
    return hit.id if hit else None


_NUMBERS_LINE = re.compile(r"[ \u3000]*1[ \u3000]+(?:[\d.,，]+(?:件|个|次)?[ \u3000]*){15}$")


def _review_numbering(text: str) -> list[tuple[int, int]]:
    """表四's one value row numbered 1 under a header opened by 序号 (a copy spaced by
    spaces): sixteen numbers, the first a 1, within four lines of the 序号 line."""
    out: list[tuple[int, int]] = []
    if "序号" not in text:
        return out
    for m in _SEQ_WORD.finditer(text):
        line_end = text.find("\n", m.start())
        pos = line_end
        for _ in range(4):
            if pos < 0:
                break
            nxt = text.find("\n", pos + 1)
            line = text[pos + 1 : nxt if nxt >= 0 else len(text)]
            if _NUMBERS_LINE.fullmatch(line):
                one = pos + 1 + line.index("1")
                out.append((one, one + 1))
                break
            pos = nxt
    return out


def blank_numbering(text: str) -> str:
    """``text`` with a numbering column (序号) printed before a table's rows blanked out
    (same length, offsets kept): the numbers at the start of lines whose label names a row
    of the form, counting up one by one over at least three such lines (lines without a
    number may stand between: an item's heading, a header), and the word 序号 heading them.
    A run whose every number is its row's own ordinal (「1 属于国家秘密」: a label that lost
    the point after its 1.) is left as it is. Read as a cell, the number was taken for the
    previous row's last value or made the row one cell too long."""
    if not (_NUMBERED_LINE.match(text) or _NUMBERED_AFTER_BREAK.search(text)) and not (
        "序号" in text and _SEQ_WORD.search(text)
    ):
        return text
    from ..schema import REQUEST_ROW_LABELS

    hits: list[tuple[int, int, int, bool]] = []  # (number, start, end, own ordinal)
    for m in _NUMBERED_LINE.finditer(text):
        if "\t" in m.group(0):
            continue  # a tab row: its 序号 cell is a cell of the grid (``extract``)
        row = _numbered_row(m.group(4))
        if row is None:
            continue
        n = int(m.group(2))
        own = REQUEST_ROW_LABELS.get(row, "").startswith((f"{n}.", f"{n}．"))
        hits.append((n, m.start(2), m.end(2), own))
    runs: list[list[tuple[int, int, int, bool]]] = []
    for h in hits:
        if runs and h[0] == runs[-1][-1][0] + 1:
            runs[-1].append(h)
        else:
            runs.append([h])
    spans = [
        (h[1], h[2]) for run in runs if len(run) >= 3 and not all(h[3] for h in run) for h in run
    ]
    spans += _review_numbering(text)
    if not spans:
        return text
    out = list(text)
    for a, b in spans:
        out[a:b] = " " * (b - a)
    for m in _SEQ_WORD.finditer(text):
        line_end = text.find("\n", m.start())
        if "\t" in text[m.start() : line_end if line_end >= 0 else len(text)]:
            continue
        if any(0 < a - m.start() < 2000 for a, _ in spans):  # it heads numbered rows
            out[m.end(1) : m.end()] = "  "
    return "".join(out)


def _blank(s: str) -> str:
    return re.sub(r"[^\n]", " ", s)


def text_to_blocks(text: str, source: Source | None = None) -> list[Paragraph | Table]:
    """The paragraphs and tables of ``text``, each with its offsets in ``text``; ``source``
    gives the characters a stretch of ``text`` was normalised from (see
    :func:`_widths_source`)."""
    # the budget: the grid slots the framed grids of this text may still take
    blocks = _read_lines(_lines(mask_markup(text)), [MAX_FRAME_SLOTS], 0, source)
    blocks = column_run_tables(blocks, text)
    blocks = join_wrapped_rows(drop_empty_columns(list_tables(card_tables(blocks))))
    blocks = _join_column_labels(blocks, text)
    blocks = pair_value_lines(_join_labels_around_values(blocks, text), text)
    return place_by_header(blocks, text)


# ----------------------------------------------------------------------------- rowspan labels
# inscriptis prints an HTML table row by row, each row's cells in source order side by side,
# ignoring rowspan and colspan: a column of the text is the n-th cell of every row, as wide as
# the widest of them, two spaces between columns. In 表三 the rows that open a group hold one
# label cell more (三、本年度办理结果 / （三）不予公开 span the rows below them) than the rest,
# and a cell of several paragraphs is printed over several lines, centred on the row's height:
#
#                          1.本机关不掌
#     （四）无法提供                                 240     5       0   1  0  0    246
#                          握相关政府信息
#     2.没有现成信
#                          16                 0       0       0   0  0  16
#     息需要另行制作
#
# A cell's lines stand in one column of the text (the columns: the runs of positions some
# line has a character at); a column's label lines are cut into the labels of the form (its
# own words, or a label that opens with its ordinal and names a row: one cut only, never a
# guess between two); a value line is the row of the label cells whose lines stand around it,
# the rightmost (the most specific) naming it. Where the rows whose values are all there show
# that a row's values stand in the columns after its labels, a row with blank cells is read
# by its values' columns too.
_MAX_CELL_GAP = 2  # lines from one paragraph of a label cell to the next (a margin between)
_MAX_REGION_LINES = 400
_MAX_REGION_BLOCKS = 200
_FORM_VALUES = 7  # the value columns of 表三: 自然人, five 法人或其他组织 columns, 总计


def _join_column_labels(blocks: list[Paragraph | Table], text: str) -> list[Paragraph | Table]:
    """The rows of a column-aligned table (and the label lines around it) whose label
    cells were printed over several lines beside other columns' lines, read by columns:
    each value line with the label cells standing around it. Only when every label cell of
    the stretch names a row or a group of 表三 and every value line has exactly one label
    naming its row; else the blocks are left as they are."""
    out = list(blocks)
    k = 0
    while k < len(out):
        t = out[k]
        if not (isinstance(t, Table) and t.kind == "layout"):
            k += 1
            continue
        first = k  # the label lines above the table (a row's label opening above its values)
        while first > 0:
            above = out[first - 1]
            if not (
                isinstance(above, Paragraph)
                and _near(text, above.end, out[first].start)
                and not _prose(above.text)
                and not _HEADING_LINE.match(above.text)
                and not _section_heading(above.text)
            ):
                break
            first -= 1
        # and below it: the end of the last row's label, and the rows after a stretch of
        # label lines the table's reading stopped at (a short stretch first, then all)
        reach = [k]
        while len(reach) < _MAX_REGION_BLOCKS:
            nxt = reach[-1] + 1
            if nxt >= len(out) or not _near(text, out[reach[-1]].end, out[nxt].start):
                break
            b = out[nxt]
            if isinstance(b, Table) and b.kind != "layout":
                break
            if isinstance(b, Paragraph) and (
                _prose(b.text) or _HEADING_LINE.match(b.text) or _section_heading(b.text)
            ):
                break
            reach.append(nxt)
        short = k
        while short + 1 <= reach[-1] and short - k < 3:
            after = out[short + 1]
            if not (
                isinstance(after, Paragraph)
                and _fragment(after.text)
                and not _LABEL_START.match(after.text)
            ):
                break
            short += 1
        ends = len(reach) < _MAX_REGION_BLOCKS  # nothing near follows the last block
        for last in dict.fromkeys((reach[-1], short)):
            closed = ends and last == reach[-1]
            got = _column_rows(text, out[first].start, out[last].end, closed)
            if got is None:
                continue
            head, tables, tail = got
            region = out[first : last + 1]
            if any(  # a block the rows cut through is no block of them, nor one apart
                bk.start < head < bk.end
                and text[head : bk.end].strip()
                or bk.start < tail < bk.end
                and text[tail : bk.end].strip()
                for bk in region
            ):
                continue
            keep = [bk for bk in region if bk.end <= head]
            at = len(keep) + len(tables) - 1
            keep += tables + [bk for bk in region if bk.start >= tail]
            out[first : last + 1] = keep
            k = first + at
            break
        k += 1
    return out


def _prose(line: str) -> bool:
    """A line with a piece longer than any label of the form (a sentence of the report)."""
    return any(len(m.group(0)) > 60 for m in re.finditer(r"\S+(?: \S+)*", line))


def _section_heading(line: str) -> bool:
    return match_section_heading(line) is not None


def _near(text: str, end: int, start: int) -> bool:
    """At most one line between a block ending at ``end`` and one starting at ``start``."""
    return text.count("\n", end, start) <= 2


_MAX_CELL_LINES = 6  # paragraphs of one label cell


@lru_cache(maxsize=1)
def _form_label_keys() -> frozenset[str]:
    """The labels of 表三's rows and groups, in the form's own words (folded)."""
    from ..schema import REQUEST_GROUPS, REQUEST_ROW_LABELS

    words = [*REQUEST_ROW_LABELS.values(), *REQUEST_GROUPS.values(), "三、本年度办理结果"]
    return frozenset(key(w) for w in words)


@lru_cache(maxsize=1)
def _header_keys() -> frozenset[str]:
    """The words of 表三's header cells in the form (folded)."""
    from ..schema import COLUMN_LABELS

    words = [*COLUMN_LABELS.values(), "申请人情况", "自然人", "法人或其他组织", "总计", _NOTE]
    return frozenset(key(w) for w in words)


_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _header_of_form(frags: list[tuple[int, int, str]]) -> int:
    """2 when the lines make a header cell of 表三 in the form's words, 0 otherwise."""
    return 2 if key("".join(t for _, _, t in frags)) in _header_keys() else 0


def _label_of_form(frags: list[tuple[int, int, str]]) -> int:
    """2 when the lines make one of 表三's labels in the form's words, 1 when they open
    with an ordinal and name a row or a group of it, 0 otherwise."""
    name = "".join(t for _, _, t in frags)
    if key(name) in _form_label_keys():
        return 2
    if _LABEL_START.match(frags[0][2]) and (match_request_row(name) or is_group_label(name)):
        return 1
    return 0


def _first_cell_start(frags: list[tuple[int, int, str]]) -> int | None:
    """The first line where a label cell of the form opens among one column's label lines
    (in the order of the lines), None when no cell of the form opens there."""
    for i in range(len(frags)):
        for j in range(i + 1, min(len(frags), i + _MAX_CELL_LINES) + 1):
            if j > i + 1 and frags[j - 1][0] - frags[j - 2][0] > _MAX_CELL_GAP:
                break
            if _label_of_form(frags[i:j]):
                return frags[i][0]
    return None


def _label_cells(
    frags: list[tuple[int, int, str]], judge: Callable[[list[tuple[int, int, str]]], int]
) -> list[list[tuple[int, int, str]]] | None:
    """One column's label lines cut into label cells of the form, every line in one: the cut
    with the most cells in the form's own words, then the most that open with an ordinal
    (a closing quote is the end of the label above: ``3.危及“三安全一稳定`` / ``”``);
    None when there is none, or two such."""
    n = len(frags)
    # best[i]: (score, number of cuts that reach i with it, the last cell's start)
    best: list[tuple[tuple[int, int], int, int] | None] = [None] * (n + 1)
    best[0] = ((0, 0), 1, -1)
    for j in range(1, n + 1):
        for i in range(max(0, j - _MAX_CELL_LINES), j):
            prev = best[i]
            if prev is None:
                continue
            if any(frags[k][0] - frags[k - 1][0] > _MAX_CELL_GAP for k in range(i + 1, j)):
                continue
            how = judge(frags[i:j])
            if not how:
                continue
            opens = bool(_LABEL_START.match(frags[i][2]))
            score = (prev[0][0] + (how == 2), prev[0][1] + opens)
            cur = best[j]
            if cur is None or score > cur[0]:
                best[j] = (score, prev[1], i)
            elif score == cur[0]:
                best[j] = (score, cur[1] + prev[1], cur[2])
    last = best[n]
    if last is None or last[1] != 1:
        return None
    out = []
    j = n
    while j > 0:
        step = best[j]
        assert step is not None
        out.append(frags[step[2] : j])
        j = step[2]
    return out[::-1]


def _column_rows(text: str, a: int, b: int, closed: bool) -> tuple[int, list[Table], int] | None:
    """:func:`_join_column_labels` of the lines of ``text[a:b]``: (where the table's rows
    start, the table, where they end), None when the lines are no such table. ``closed``:
    no line of the table follows (else a label at the end may have its values below)."""
    lines = _lines(text[a:b])
    if len(lines) > _MAX_REGION_LINES:
        return None
    toks: list[tuple[int, int, str]] = []  # line, position, text
    for y, ln in enumerate(lines):
        for m in re.finditer(r"\S+(?: \S+)*", ln.text):
            toks.append((y, m.start(), m.group(0)))

    def is_value(t: str) -> bool:
        return is_value_text(t) and not _LABEL_START.match(t)

    labels = [tk for tk in toks if not is_value(tk[2])]
    # the columns: runs of positions some line has a character at (taken from the label
    # lines and the value lines alike; the header lines above the rows are cut off below)
    cols = merge_ranges([(x, x + len(t)) for _, x, t in toks if t])
    starts = [c[0] for c in cols]

    def col_of(x: int) -> int:
        return bisect_right(starts, x) - 1

    # each column's label lines, cut into the cells that name rows and groups of the form
    stream: dict[int, list[tuple[int, int, str]]] = {}
    for tk in labels:
        stream.setdefault(col_of(tk[1]), []).append(tk)
    # the rows start at the first line that opens a label cell of the form (each column's
    # label lines are in the order of the lines)
    firsts = [_first_cell_start(frags) for frags in stream.values()]
    start_y = min((y for y in firsts if y is not None), default=None)
    if start_y is None or any(y < start_y for y, _, t in toks if is_value(t)):
        return None
    first_toks = toks
    toks = [tk for tk in toks if tk[0] >= start_y]
    cols = merge_ranges([(x, x + len(t)) for _, x, t in toks])
    starts = [c[0] for c in cols]
    stream = {}
    values: dict[int, list[tuple[int, str]]] = {}  # line -> its values
    for y, x, t in toks:
        if is_value(t):
            values.setdefault(y, []).append((x, t))
        else:
            stream.setdefault(col_of(x), []).append((y, x, t))
    cells: list[list[tuple[int, int, str]]] = []  # a cell: its lines (line, position, text)
    for c in sorted(stream):
        cut = _label_cells(stream[c], _label_of_form)
        if cut is None:
            return None
        cells += cut
    wrapped = any(len(cell) > 1 for cell in cells)
    names = ["".join(t for _, _, t in cell) for cell in cells]
    spans_y = [(cell[0][0], cell[-1][0]) for cell in cells]

    # a value line stands among its label cells' lines (a row's cells centred on its height,
    # or at its top); else, a row printed at its bottom, just below them: the label's last
    # paragraph margin takes the row's last line, where its values stand
    def col(i: int) -> int:
        return col_of(cells[i][0][1])

    taken: dict[int, list[int]] = {}
    for y in sorted(values):
        taken[y] = sorted((i for i, (y0, y1) in enumerate(spans_y) if y0 <= y <= y1), key=col)
    gone = {i for v in taken.values() for i in v}
    for y in sorted(values):
        have = taken[y]
        if have and not is_group_label(names[have[-1]]):
            continue
        right = col(have[-1]) if have else -1
        more = [
            i
            for i, (_, y1) in enumerate(spans_y)
            if y1 == y - 1 and i not in gone and col(i) > right
        ]
        taken[y] = have + sorted(more, key=col)
        gone |= set(more)
    rows: list[tuple[int, list[int], list[tuple[int, str]]]] = []  # line, cells, values
    used: set[int] = set()
    for y in sorted(values):
        around = taken[y]
        if not around or match_request_row(names[around[-1]]) is None:
            return None
        if used & set(around) or len({col(i) for i in around}) < len(around):
            return None
        used |= set(around)
        rows.append((y, around, values[y]))
    blank: list[int] = sorted(
        (i for i in range(len(cells)) if i not in used), key=spans_y.__getitem__
    )
    last_value = max(values, default=-1)
    while blank:  # rows whose values are all blank: the label cells whose lines overlap
        group = [blank.pop(0)]
        while blank and spans_y[blank[0]][0] <= max(spans_y[i][1] for i in group):
            group.append(blank.pop(0))
        if not closed and max(spans_y[i][1] for i in group) >= last_value:
            return None  # the values of a label at the end may stand below it
        group.sort(key=lambda i: col_of(cells[i][0][1]))
        if len({col_of(cells[i][0][1]) for i in group}) < len(group):
            return None
        rows.append((spans_y[group[0]][0], group, []))
    rows.sort(key=lambda r: r[0])
    # a row's blank cells, where its values' columns show them: a row of L label cells
    # (in the text's first L columns) has its values in the L columns after them, as every
    # row of L label cells whose values are all there shows (printed otherwise, a PDF's
    # row under a merged label: nothing is placed)
    full: dict[int, bool] = {}  # label cells -> every full row's values in its columns
    for _, around, vals in rows:
        n = len(around)
        if len(vals) == _FORM_VALUES:
            fits = [col(i) for i in around] == list(range(n)) and [
                col_of(x) for x, _ in vals
            ] == list(range(n, n + _FORM_VALUES))
            full[n] = full.get(n, True) and fits
    placed: list[list[tuple[int, str] | None]] = []
    n_placed = 0
    for _, around, vals in rows:
        n = len(around)
        at = [col_of(x) - n for x, _ in vals]
        if (
            0 < len(vals) < _FORM_VALUES
            and full.get(n)
            and [col(i) for i in around] == list(range(n))
            and all(0 <= c < _FORM_VALUES for c in at)
            and len(set(at)) == len(at)
        ):
            slots: list[tuple[int, str] | None] = [None] * _FORM_VALUES
            for c, v in zip(at, vals):
                slots[c] = v
            placed.append(slots)
            n_placed += 1
        else:
            placed.append(list(vals))
    if not wrapped and not n_placed:
        return None  # every label on one line and no blank placed: read as it is
    # as many values on every value line: the table's columns (a blank row's cells explicit)
    widths = {len(slots) for slots in placed if slots}
    n_values = max(widths | {_FORM_VALUES})
    grid = widths == {n_values}
    out_rows: list[list[Cell]] = []
    for (y, around, _), slots in zip(rows, placed):
        row: list[Cell] = []
        for i in around:
            (y0, x0, _), (y1, x1, t1) = cells[i][0], cells[i][-1]
            end = a + lines[y1].start + x1 + len(t1)
            row.append(Cell(names[i], a + lines[y0].start + x0, end))
        for slot in slots:
            if slot is None:  # a blank cell: empty, at the end of the cell before it
                row.append(Cell("", row[-1].end, row[-1].end))
                continue
            x, t = slot
            st = a + lines[y].start + x
            cell = Cell(t, st, st + len(t))
            cell.bbox = (float(x), float(y), float(x + len(t)), float(y))
            row.append(cell)
        if not slots:
            row += [Cell("", end, end) for _ in range(n_values)]
        out_rows.append(row)
    for r, row in enumerate(out_rows):
        for c, cell in enumerate(row):
            cell.row, cell.col = r, c
    head = a + lines[start_y].start
    tail = max(c.end for row in out_rows for c in row)
    kind = "markdown" if grid else "layout"  # every cell of the grid explicit, or not
    tables = [Table(rows=out_rows, start=head, end=tail, kind=kind)]
    # the header rows above, their cells of several paragraphs read by the same columns
    # (社会公益组织 / 法律服务 机 / 构: its columns' order is the values' order)
    # (the columns of the header and the rows together: a column whose values are all
    # blank has its header's words)
    every = [c[0] for c in merge_ranges([(x, x + len(t)) for _, x, t in first_toks])]
    header = _header_rows(
        [tk for tk in first_toks if tk[0] < start_y],
        lambda x: bisect_right(every, x) - 1,
        lines,
        a,
    )
    if header is not None:
        tables.insert(0, header)
        head = a + lines[min(y for y, _, _ in first_toks)].start
    return head, tables, tail


def _header_rows(
    toks: list[tuple[int, int, str]],
    col_of: Callable[[int], int],
    lines: list[_Line],
    a: int,
) -> Table | None:
    """The header rows of 表三 in the lines above its rows: each column's lines cut into
    header cells in the form's words, which must be the form's cells of that column (its
    n-th cell of each header row); None unless every piece of those lines is in them."""
    if not toks:
        return None
    stream: dict[int, list[tuple[int, int, str]]] = {}
    for tk in toks:
        stream.setdefault(col_of(tk[1]), []).append(tk)
    # the form's header, column by column (inscriptis's n-th cell of each header row):
    # each column's cells, top to bottom, must be the form's, whatever their heights
    form = _form_header()
    if sorted(stream) != list(range(max(len(row) for row in form))):
        return None
    placed: dict[tuple[int, int], Cell] = {}
    wrapped = False
    for c, frags in stream.items():
        cut = _label_cells(frags, _header_of_form)
        want = [row[c] for row in form if len(row) > c]
        if cut is None or [key("".join(t for _, _, t in cell)) for cell in cut] != want:
            return None  # not the form's header (reordered, reworded, or not told apart)
        wrapped = wrapped or any(len(cell) > 1 for cell in cut)
        rows_with = [r for r, row in enumerate(form) if len(row) > c]
        for r, cell in zip(rows_with, cut):
            (y0, x0, _), (y1, x1, t1) = cell[0], cell[-1]
            text = "".join(t for _, _, t in cell)
            placed[(r, c)] = Cell(
                text, a + lines[y0].start + x0, a + lines[y1].start + x1 + len(t1)
            )
    if not wrapped:
        return None  # every header cell on one line: read as it is
    out: list[list[Cell]] = []
    for r, row in enumerate(form):
        out.append([placed[(r, c)] for c in range(len(row))])
        for c, got in enumerate(out[-1]):
            got.row, got.col = r, c
    start = min(c.start for row in out for c in row)
    end = max(c.end for row in out for c in row)
    return Table(rows=out, start=start, end=end, kind="layout")


@lru_cache(maxsize=1)
def _form_header() -> list[list[str]]:
    """表三's header rows in the form (folded): the note and 申请人情况, then 自然人 /
    法人或其他组织 / 总计, then the five columns of 法人或其他组织."""
    from ..schema import COLUMN_LABELS, ORG_COLUMNS

    rows = [
        [_NOTE, "申请人情况"],
        [COLUMN_LABELS["natural"], "法人或其他组织", COLUMN_LABELS["total"]],
        [COLUMN_LABELS[c] for c in ORG_COLUMNS],
    ]
    return [[key(w) for w in row] for row in rows]


# ----------------------------------------------------------------------------- wrapped labels
# a label fragment: no digits but a leading ordinal (4. / 2.其 / （二）部), at most a short line
_ORDINAL_HEAD = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、．]|[（(][一二三四五六七][)）]|[一二三四五六七][、.．])"
)
_MAX_FRAGMENT = 40


def _fragment(text: str) -> bool:
    """A piece of a label: a short line of one cell, no digits but a leading ordinal."""
    if len(text) > _MAX_FRAGMENT:
        return False
    whole = text.strip()
    if "  " in whole:
        return False
    t = _ORDINAL_HEAD.sub("", text).strip()
    return bool(t or whole) and not any(map(str.isdigit, t))


def _values_line(text: str) -> bool:
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
    m = match_active_row(text) or match_request_row(text)
    return m is not None and m.how == "canonical"


@lru_cache(maxsize=8192)  # (asked of the same label fragments many times)
def _row_of(label: str) -> str | None:
    """The form's row a label names (表二 or 表三), None for none or a group label alone."""
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
    ``mids``: the label text on each value line, if any (a label that opens there has no
    line above: its index is the value line's)."""
    out: list[tuple[int, int, int]] = []
    n = len(texts)
    mids = mids or [""] * n
    frags = _fragments(texts)
    seen: dict[int, tuple[int, int] | None] = {}  # _around of each line, asked once

    def around(k: int) -> tuple[int, int] | None:
        if frags[k] is None and not mids[k]:
            return None  # (no label opens on this line: no fragment, nor one on its values)
        if k not in seen:
            seen[k] = _around(texts, mids, k, frags)
        return seen[k]

    i = 0
    while i < n:
        got = around(i)
        if got is None or got[0] == 2 and around(i + 1) is not None:
            i += 1  # (a label that starts on the next line: this line is not of it)
            continue
        out.append((i, *got))
        i += got[0] + 1 + got[1]
    return out


def _fragments(texts: list[str | None]) -> list[str | None]:
    """Each line of ``texts`` that is a label fragment (:func:`_fragment`), None for others."""
    return [t if t is not None and _fragment(t) else None for t in texts]


def _around(
    texts: list[str | None], mids: list[str], i: int, frags: list[str | None] | None = None
) -> tuple[int, int] | None:
    """(lines above, lines below) of a label whose lines above its value start at ``i``;
    ``frags``: :func:`_fragments` of ``texts``, when the caller has them."""

    def frag(k: int) -> str | None:
        if frags is not None:
            return frags[k] if k < len(frags) else None
        t = texts[k] if k < len(texts) else None
        return t if t is not None and _fragment(t) else None

    if mids[i] and _row_of(mids[i]) is None and texts[i] is not None:
        return _below(texts, mids, i, frag)  # a label opening on its value line (at its top)
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
        if any(_ORDINAL_HEAD.match(t or "") for t in top[1:]):
            break  # (a second line above that opens with an ordinal opens the next row)
        head = "".join(t for t in top if t is not None)
        if _row_of(head) is not None:
            continue
        head += mids[v]
        for below in (1, 2):
            if abs(above - below) > 1:
                continue
            tail = [frag(k) for k in range(v + 1, v + 1 + below)]
            if any(t is None or _ORDINAL_HEAD.match(t) for t in tail):
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


def _below(
    texts: list[str | None], mids: list[str], i: int, frag: Callable[[int], str | None]
) -> tuple[int, int] | None:
    """(0, lines below) of a label that opens on its value line ``i`` (a row's cells at the
    top of its height: 其他对外管 36 4 902 / 理服务事项), when the lines below end it and
    name no row of their own."""
    found: dict[str, tuple[int, int]] = {}
    for below in (1, 2):
        tail = [frag(k) for k in range(i + 1, i + 1 + below)]
        if any(t is None or _ORDINAL_HEAD.match(t) for t in tail):
            break
        rest = "".join(t for t in tail if t is not None)
        if _whole_label(rest) or _row_of(rest) is not None:
            break
        rid = _row_of(mids[i] + rest)
        if rid is not None:
            found.setdefault(rid, (0, below))
    return next(iter(found.values())) if len(found) == 1 else None


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
        if _pipe_rule(s.strip()) and _cells_follow(lines, i + 1):
            i = _pipe(lines, i, blocks)
            continue
        if _is_markdown_row(s):
            i = _markdown(lines, i, blocks)
            continue
        if "|" in s and i + 1 < n and _is_bare_md_separator(lines[i + 1].text):
            i = _markdown_bare(lines, i, blocks)
            continue
        if s.strip() == "|" or ("|" in s and _rule_ahead(lines, i)):
            i = _pipe(lines, i, blocks)
            continue
        if "\t" in s:
            i = _tabbed(lines, i, blocks)
            continue
        if "," in s or s.startswith('"'):  # (a quoted field may wrap before its comma)
            j = _csv(lines, i, blocks)
            if j > i:
                i = j
                continue
        if _layout_cells(s) is not None:
            j = _layout(lines, i, blocks)
            if j > i:
                i = j
                continue
        # the paragraph starts where its text does (an indented line's spaces left out)
        lead = len(s) - len(s.lstrip())
        blocks.append(Paragraph(s.strip(), lines[i].start + lead, lines[i].end))
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


# box-drawing junctions (┼ ├ ┬ …): the box-drawing block but its vertical and horizontal bars
_JUNCTION = frozenset(map(chr, range(0x2500, 0x2580))) - _VBAR - _HBAR
_RULE_CHARS = _RULE | _JUNCTION  # what a segment of a border line is made of


def _char_class(chars: frozenset[str]) -> str:
    return "[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]"


# a cell wall: a vertical bar, a junction, or ``+`` beside a horizontal rule character
_WALL = re.compile(
    _char_class(_VBAR | _JUNCTION)
    + r"|\+(?="
    + _char_class(_HBAR)
    + r")|(?<="
    + _char_class(_HBAR)
    + r")\+"
)


def _walls(s: str, k: int) -> list[int]:
    """Indices (from ``k`` on) of the characters of ``s`` that are cell walls: vertical
    bars, box-drawing junctions, and ``+`` between or beside horizontal rules (the
    characters around ``s[k:]`` count as neighbours)."""
    return [m.start() for m in _WALL.finditer(s, k)]


def _frame_start(s: str) -> bool:
    """A line that can open a framed grid: it starts with a wall and holds another."""
    t = s.strip()
    if len(t) < 2 or not (t[0] in _VBAR or t[0] == "+" or t[0] in _JUNCTION):
        return False
    lead = len(s) - len(s.lstrip())
    return _WALL.match(s, lead) is not None and _WALL.search(s, lead + 1) is not None


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
        # the grid's first wall: a wall at k, none left of it (in ``s[:k]`` alone)
        if k < len(s) and _WALL.match(s, k) and not _WALL.search(s, 0, k):
            return k
    return None


@lru_cache(maxsize=4096)  # (asked of every character of a framed grid's lines)
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
    # a grid ends with a border line: else (a Markdown table, say) no need to look further
    last, k_last = block[-1]
    if not _has_rule(last.text, _walls(last.text, k_last)):
        return i, j
    walls = [_walls(ln.text, k) for ln, k in block]
    rules = 0
    for (ln, _), w in zip(block, walls):
        if _has_rule(ln.text, w):
            rules += 1
    if rules < 2 or rules == len(block):
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
            if not wide:  # (in characters: a wall's distance from the line's first)
                pos_lines.append([wi - k for wi in w])
                continue
            pos = []
            p = 0
            m = k
            for wi in w:
                if wi > m:
                    p += sum(map(_width, s[m:wi]))
                    m = wi
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
    return bool(seg) and _RULE_CHARS.issuperset(seg) and not _HBAR.isdisjoint(seg)


def _has_rule(s: str, w: list[int]) -> bool:
    """A (part of a) border line: a segment between its walls is a rule."""
    if _HBAR.isdisjoint(s):  # no rule character at all (a row of cells)
        return False
    return any(_rule_seg(s[a + 1 : b]) for a, b in zip(w, w[1:]))


# ----------------------------------------------------------------------------- markdown
def _split_pipes(line: _Line) -> list[Cell]:
    segs = line.text.split("|")
    last = len(segs) - 1
    cells = []
    off = line.start  # document offset of the segment
    # cells between consecutive pipes; text before the first / after the last pipe counts
    # only when non-blank (a row written without the outer pipes)
    for n, seg in enumerate(segs):
        txt = seg.strip()
        size = len(seg)
        if txt:
            st = off + size - len(seg.lstrip())
            cells.append(Cell(txt, st, st + len(txt)))
        elif 0 < n < last:  # a blank cell: after its blanks
            st = off + size
            cells.append(Cell(txt, st, st))
        off += size + 1
    return cells


def _markdown(lines: list[_Line], i: int, blocks: list[Paragraph | Table]) -> int:
    rows: list[list[Cell]] = []
    start = lines[i].start
    end = start
    while i < len(lines):
        separator = _is_md_separator(lines[i].text)
        if not separator and not _is_markdown_row(lines[i].text):
            break
        if not separator:
            row = _split_pipes(lines[i])
            if len(lines[i].text) > _PROSE_CELL and any(_is_prose_cell(c.text) for c in row):
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


def _is_bare_md_separator(s: str) -> bool:
    """A Markdown table's header separator written without the outer pipes (``---|---``)."""
    t = s.strip()
    return not t.startswith("|") and "|" in t and "-" in t and _MD_SEPARATOR_CHARS.issuperset(t)


def _markdown_bare(lines: list[_Line], i: int, blocks: list[Paragraph | Table]) -> int:
    """A Markdown table written without the outer pipes (``a| b| c``, the header row over
    ``---|---``), as HTML-to-Markdown converters print a page's tables: every piece between,
    before and after the pipes is a cell, a blank one too (a row's first cell blank opens
    the line with a pipe; its last, blank, leaves only the spaces of the line break). The
    header's separator may be narrower than the rows (a header of merged cells)."""
    rows: list[list[Cell]] = []
    start = end = lines[i].start
    while i < len(lines):
        ln = lines[i]
        t = ln.text.strip()
        if not t or "|" not in t:
            break
        if _is_md_separator(t) or (_is_bare_md_separator(t) and rows):
            end = ln.end
            i += 1
            continue
        if len(ln.text) > _PROSE_CELL and any(_is_prose_cell(x) for x in ln.text.split("|")):
            break  # a page's prose on the line: not a row of the table
        row = []
        off = ln.start
        for seg in ln.text.split("|"):
            txt = seg.strip()
            st = off + len(seg) - len(seg.lstrip()) if txt else off + len(seg)
            row.append(Cell(txt, st, st + len(txt)))
            off += len(seg) + 1
        rows.append(row)
        end = ln.end
        i += 1
    _add_table(blocks, rows, start, end, "markdown")
    return i


# a table cell of the form holds a label of at most ~40 characters or a number
_PROSE_CELL = 200


def _is_prose_cell(text: str) -> bool:
    """Sentences far longer than any label of the form: prose, not a cell."""
    return len(text) > _PROSE_CELL and text.count("。") >= 2


# ----------------------------------------------------------------------------- broken pipes
# lines of text a cell of the pipe style may span (a label printed one character a line
# between rule lines of pipes: the form's longest such label holds 12 characters)
_PIPE_CELL_LINES = 8
_RULED_CELL_LINES = 16


def _pipe_rule(st: str) -> bool:
    """A line of pipes alone (``||||``): the boundary between two rows of a table whose cells
    are written ``text |`` a line each."""
    return len(st) > 1 and st == "|" * len(st)


def _cells_follow(lines: list[_Line], j: int) -> bool:
    """Do the lines from ``j`` on hold a cell written ``text |`` (its text may start on lines
    without a pipe) before any other line with a pipe?"""
    for ln in lines[j : j + _RULED_CELL_LINES + 1]:
        st = ln.text.strip()
        if not st:
            return False
        if "|" in st:
            return st.endswith("|") and st.count("|") == 1
    return False


def _rule_ahead(lines: list[_Line], j: int) -> bool:
    """Do the lines from ``j`` on hold cells written ``text |`` (a cell a line; its text may
    start on lines without a pipe) up to a line of pipes alone (``||||``), with no blank line
    and no other line with a pipe before it? Such lines are the rest of a row of a table whose
    rows those rules close (its start cut off by a sentence put inside it): `` |`` there is a
    blank cell, not a row's opening pipe, and ``text |`` a cell, not a paragraph."""
    cells = 0
    loose = 0  # lines of a cell's text before its pipe
    for ln in lines[j : j + 4 * _RULED_CELL_LINES]:
        st = ln.text.strip()
        if not st:
            return False
        if _pipe_rule(st):
            return cells >= 2
        if "|" not in st:
            loose += 1
            if loose > _RULED_CELL_LINES:
                return False
            continue
        if not (st.endswith("|") and st.count("|") == 1):
            return False
        cells += 1
        loose = 0
    return False


def _pipe(lines: list[_Line], i: int, blocks: list[Paragraph | Table]) -> int:
    """Cells written as ``text |`` (text may span lines); a bare ``|`` opens a row, or, where
    lines of pipes alone (``||||``) stand between the rows, is a blank cell."""
    rows: list[list[Cell]] = []
    row: list[Cell] | None = None
    pending: list[_Line] = []
    notes: list[_Line] = []
    start = lines[i].start
    end = start
    n = len(lines)
    ruled = False  # rows are bounded by lines of pipes alone
    opened = False  # the row was opened by a line holding a pipe alone, at its start
    if not _pipe_rule(lines[i].text.strip()) and _rule_ahead(lines, i):
        # the rest of a row of a ruled table: its first line is a cell (blank: `` |``)
        ruled = True
        row = []
    while i < n:
        ln = lines[i]
        s = ln.text
        st = s.strip()
        if _pipe_rule(st) and (ruled or not rows and row is None):
            # a rule between two rows: no cell of either (a blank cell is `` |``); text
            # before it that no pipe closed is no cell: the table ends before that text
            if pending:
                i -= len(pending)
                pending = []
                break
            if row:
                rows.append(row)
            row = []
            ruled = True
            end = ln.end
            i += 1
            continue
        if "|" not in s:
            limit = _RULED_CELL_LINES if ruled else _PIPE_CELL_LINES
            if _is_blank(s) and s.strip("\r") and row is not None:
                # spaces alone (an &nbsp; normalised) inside a row: a cell's empty
                # paragraph (Word's ``<p>&nbsp;</p>``), no end of the table
                i += 1
                continue
            if _is_blank(s) or _HEADING_LINE.match(s) or len(pending) >= limit:
                break
            between = row is None or (ruled and not row and not pending)
            if between and NOTE.fullmatch(st) and i + 1 < n and "|" in lines[i + 1].text:
                # a note on a line of its own between two rows (注1：…。) is no row and
                # does not end the table (the rows after it, read as a table without its
                # header, were read in other columns)
                notes.append(ln)
                i += 1
                continue
            if row is None:  # text between rows: the table is over
                break
            pending.append(ln)
            i += 1
            continue
        if st == "|" and row is None and not pending:
            row = []
            opened = s == "|"
            end = ln.end
            i += 1
            continue
        if s == "|" and opened and row and not pending and not ruled and _opens_row(lines, i + 1):
            # a pipe alone at the line's start, in a table whose rows such pipes open, after
            # a row no extra pipes closed (it had no merged slots to pad): the next row's
            # opening (a blank cell is `` |``, its empty text before the pipe's space; a copy
            # that wrote it ``|`` has a number or another blank after it, a row a label)
            rows.append(row)
            row = []
            end = ln.end
            i += 1
            continue
        if row is None:
            row = []
            opened = False
        before = _Line(s[: s.index("|")], ln.start)
        parts = pending + [before] if before.text.strip() or not pending else pending
        row.append(_joined_cell(parts, ln.start))
        pending = []
        end = ln.end
        i += 1
        if s.count("|") > 1:  # closing pipes: the row is complete
            rows.append(row)
            row = None
    if row:
        rows.append(row)
    _add_table(blocks, rows, start, end, "pipe")
    for p in [*notes, *pending]:  # dangling text after the last cell is prose, not a cell
        blocks.append(Paragraph(p.text.strip(), p.start, p.end))
    return i


def _joined_cell(parts: list[_Line], at: int) -> Cell:
    """One cell of the text of ``parts`` (their non-blank lines joined by line breaks), from
    the start of its first line's text to the end of its last's; empty at ``at`` when all
    of them are blank."""
    if len(parts) == 1:  # (most cells: one line's text)
        s = parts[0].text
        text = s.strip()
        if not text:
            return Cell("", at, at)
        st = parts[0].start
        return Cell(text, st + len(s) - len(s.lstrip()), st + len(s.rstrip()))
    texts: list[str] = []
    start = end = at
    for p in parts:
        t = p.text.strip()
        if not t:
            continue
        e = p.start + len(p.text.rstrip())
        if not texts:
            start, end = p.start + len(p.text) - len(p.text.lstrip()), e
        elif e > end:
            end = e
        texts.append(t)
    return Cell("\n".join(texts), start, end)


# ----------------------------------------------------------------------------- tabs
def _opens_row(lines: list[_Line], j: int) -> bool:
    """The line ``j`` after a pipe alone can open a row: no pipe alone, no number (a
    blank cell written ``|`` is followed by its row's next cell)."""
    if j >= len(lines):
        return True
    s = lines[j].text
    first = s.split("|", 1)[0].replace("*", "").strip()
    return s != "|" and not (first and _SPACED_NUMBER.fullmatch(first))


def _tabbed(lines: list[_Line], i: int, blocks: list[Paragraph | Table]) -> int:
    # the extent of the region: tab lines, blank lines, and continuation lines (non-tab lines
    # that directly follow a tab line without a blank line between)
    j = i
    n = len(lines)
    prev_blank = False
    while j < n:
        s = lines[j].text
        if not s.strip() and ("\t" not in s or not s.strip("\t")):
            prev_blank = True
            j += 1
            continue
        # (a tab before spaces alone, an &nbsp; normalised, is a cell's empty paragraph: the
        # line after it may continue the cell, a paragraph under Word's empty one; a tab
        # alone is an empty cell, after which a bare line is no part of the table)
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
    # (one tab, at the start: no other tab after the first character)
    single = sum(1 for ln in tab_lines if ln.text[:1] == "\t" and ln.text.find("\t", 1) < 0)
    if tab_lines and single >= 0.6 * len(tab_lines):
        _cell_per_line(region, blocks)
    else:
        _tab_rows(region, blocks)
    return k


def _cell_per_line(region: list[_Line], blocks: list[Paragraph | Table]) -> None:
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    blank = 0  # empty cells at the end of ``row``
    # rows parted by empty lines: a line of spaces alone (an NBSP or U+3000 normalised)
    # without the tab is an empty paragraph of the cell above (Word's ``<p>&nbsp;</p>``),
    # no break between two rows
    parted = any(not ln.text for ln in region)
    soft: list[list[int]] = []  # per row: where a line of spaces alone stood inside it
    here: list[int] = []
    for ln in region:
        s = ln.text
        if not s.strip() and "\t" not in s:
            if row and parted and s.strip("\r"):
                here.append(len(row))
                continue
            if row:
                rows.append(row)
                soft.append(here)
                row, here = [], []
            blank = 0
            continue
        if "\t" in s:
            first, _, rest = s.partition("\t")
            if first.strip():
                lead = len(first) - len(first.lstrip())
                txt = first.strip()
                row.append(Cell(txt, ln.start + lead, ln.start + lead + len(txt)))
                blank = 0
            off = ln.start + len(first) + 1
            txt = rest.strip()
            if txt and "\t" not in rest:  # (most lines: one cell after the tab)
                st = off + len(rest) - len(rest.lstrip())
                row.append(Cell(txt, st, st + len(txt)))
                blank = 0
            else:
                cells, blank = _tab_cells(rest.split("\t"), off, blank)
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
            blocks.append(Paragraph(s.strip(), ln.start + len(s) - len(s.lstrip()), ln.end))
    if row:
        rows.append(row)
        soft.append(here)
    _add_table(blocks, _soft_breaks(rows, soft), region[0].start, region[-1].end, "lines")


def _soft_breaks(rows: list[list[Cell]], soft: list[list[int]]) -> list[list[Cell]]:
    """The rows of a cell-a-line region whose rows empty lines part, where lines of spaces
    alone inside a row (read as a cell's empty paragraph) stood where the row breaks: a row
    longer than every row without such a line is cut at the fewest of them that leave
    pieces no longer than those rows (a copy that parted some rows by an ``&nbsp;`` line
    instead of an empty one; a cell's empty paragraph inside a row is no cut)."""
    widths = [len(r) for r, k in zip(rows, soft) if not k]
    if not widths or all(not k for k in soft):
        return rows
    hi = max(widths)
    out: list[list[Cell]] = []
    for r, ks in zip(rows, soft):
        at = 0
        while len(r) - at > hi:
            nxt = [k for k in ks if at < k < len(r)]
            if not nxt:
                break
            reach = [k for k in nxt if k - at <= hi]
            k = reach[-1] if reach else nxt[0]
            out.append(r[at:k])
            at = k
        out.append(r[at:])
    return out


# a cell of a tab-separated or column-aligned row with whitespace inside that stands for a
# separator the copy lost (tabs and spaces mixed, single spaces in a column-aligned row):
# numbers only (「6   0」, read as 60, moved every later value of its row a column left,
# silently), a row's label and its first numbers (「7.属于行政执法案卷 0」), or header words
# of the form (「法人或其他组织 总计」: 总计's column read as 其他's). Each piece is a cell.
_NUMBER = r"[-+]?\d[\d,]*(?:\.\d+)?"
_SPACED_NUMBER = re.compile(_NUMBER)
_TRAILING_NUMBERS = re.compile(rf"(?:\s+{_NUMBER})+$")
_LABEL_ORDINAL = re.compile(r"(?:^|(?<=\s))\d{1,2}[.．、](?=\D)")
_NOT_LABEL = re.compile(r"[\d|｜¦\t]")


@lru_cache(maxsize=1)
def _column_words() -> frozenset[str]:
    """The header words of the form's three tables (folded), each a cell of its own."""
    from ..schema import REVIEW_FIELD_LABELS
    from .labels import _ACTIVE_COLUMNS

    words = [w for w, _, _ in _ACTIVE_COLUMNS] + list(REVIEW_FIELD_LABELS.values())
    words += ["信息内容", "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "本年增/减"]
    return _header_keys() | frozenset(key(w) for w in words)


def spaced_cells(txt: str, st: int) -> list[Cell] | None:
    """The cells of ``txt`` (at offset ``st``) when its whitespace stands for separators
    (see above), else None."""
    if " " not in txt:
        return None
    pieces = list(re.finditer(r"\S+", txt))
    if all(_SPACED_NUMBER.fullmatch(m.group()) for m in pieces) or all(
        key(m.group()) in _column_words() for m in pieces
    ):
        return [Cell(m.group(), st + m.start(), st + m.end()) for m in pieces]
    tail = _TRAILING_NUMBERS.search(txt)
    if tail is None:
        return None
    label = txt[: tail.start()]
    if _NOT_LABEL.search(_LABEL_ORDINAL.sub("", label)) or not (
        match_request_row(label) or match_active_row(label) or is_group_label(label)
    ):
        return None  # (other cells before the numbers: 行政处罚 |1288 | 0| 413)
    cells = [Cell(label, st, st + len(label))]
    return cells + [
        Cell(m.group(), st + tail.start() + m.start(), st + tail.start() + m.end())
        for m in _SPACED_NUMBER.finditer(tail.group())
    ]


# marks of ``_tab_cells`` for ``_tab_rows``: a cell cut from another by its whitespace
# (``spaced_cells``), a cell of spaces alone
_SPACE_CUT, _SPACES_ONLY = -1, -2


# a cell's text with a run of spaces beside it inside its tabs (「\t3      \t」)
_PADDED = re.compile(r"(?:^|\t)[^\S\t\n]{2,}[^\s]|[^\s][^\S\t\n]{2,}(?:\t|$)")


def _tab_rows(region: list[_Line], blocks: list[Paragraph | Table]) -> None:
    rows: list[list[Cell]] = []
    mixed = False  # some separator of the rows is whitespace, not a tab (``spaced_cells``)
    padded = False  # a row has blank cells of spaces and runs of spaces beside a text
    for ln in region:
        s = ln.text
        if not s.strip() and "\t" not in s:
            continue
        if "\t" not in s:  # a row of one cell (a sub-table heading written without tabs)
            lead = len(s) - len(s.lstrip())
            txt = s.strip()
            spaced = spaced_cells(txt, ln.start + lead)
            mixed = mixed or spaced is not None
            rows.append(spaced or [Cell(txt, ln.start + lead, ln.start + lead + len(txt))])
            continue
        row = _tab_cells(s.split("\t"), ln.start)[0]
        # cells of spaces alone are blank cells padded (a page's &nbsp;), unless the row's
        # other cells are padded by runs of spaces too: there a run may stand for a tab
        mixed = mixed or any(c.col == _SPACE_CUT for c in row)
        if any(c.col == _SPACES_ONLY for c in row) and _PADDED.search(s):
            padded = True
        rows.append(row)
    # padding alone says no run of spaces stands for a tab: where no run of spaces parts two
    # texts anywhere in the rows (a copy that spaced some separators does so between texts
    # too), the runs beside a cell's text are that cell's paragraphs of &nbsp; (「19 &nbsp;」)
    mixed = mixed or (padded and not _tabs_alone(rows))
    if not mixed:
        for row in rows:
            for c in row:
                if c.col == _SPACES_ONLY:
                    c.col = 0  # a blank cell (tabs alone separate these rows)
    if mixed:
        # tabs and spaces mixed: a run of spaces may stand for a tab, so an empty cell
        # between two tabs (or a tab more at a row's end) places no blank: the cells are
        # the texts, as in a column-aligned row (an empty cell taken for a blank had the
        # row's later values read a column off, and the row's sum blamed)
        rows = [[c for c in row if c.text] for row in rows]
    _add_table(blocks, rows, region[0].start, region[-1].end, "layout" if mixed else "tab")


def _tabs_alone(rows: list[list[Cell]]) -> bool:
    """Texts enough side by side one tab apart, and none parted by a run of spaces
    (``_tab_rows`` has seen none), for tabs alone to be the rows' separators: a copy that
    spaced its separators at random would have spaced some between two texts."""
    pairs = 0
    for row in rows:
        pairs += sum(1 for a, b in zip(row, row[1:]) if a.text and b.text)
    return pairs >= _TABS_ALONE_PAIRS


# texts side by side one tab apart, none parted by spaces, after which a run of spaces
# beside a text is no separator (a copy spacing half its separators at random: 2^-20)
_TABS_ALONE_PAIRS = 20


def _tab_cells(parts: list[str], off: int, blank: int = 0) -> tuple[list[Cell], int]:
    """The cells of the tab-separated ``parts`` of a line (the first at document offset
    ``off``), each empty cell after the first :data:`MAX_BLANK_RUN` of a run of them
    dropped; ``blank`` is the length of the run the line continues. Returns the cells and
    the length of the run at their end (linear in the parts; the cells kept are bounded by
    the parts that hold text)."""
    row: list[Cell] = []
    for part in parts:
        txt = part.strip()
        if not txt:
            blank += 1
            if blank > MAX_BLANK_RUN:
                off += len(part) + 1
                continue
            st = off + len(part)  # (after the blanks, as for any cell)
            if len(part) > 1:
                # spaces where a cell stands: a blank cell padded (a page's &nbsp;), or, in a
                # row whose other cells show spaces for separators, a separator (``_tab_rows``)
                row.append(Cell(txt, st, st, col=_SPACES_ONLY))
                off += len(part) + 1
                continue
        else:
            blank = 0
            st = off + len(part) - len(part.lstrip())
            # (most cells hold no space: ``spaced_cells`` would give None)
            spaced = spaced_cells(txt, st) if " " in txt else None
            if spaced is not None:
                for c in spaced:
                    c.col = _SPACE_CUT  # (marks a cell the whitespace cut)
                row += spaced
                off += len(part) + 1
                continue
        row.append(Cell(txt, st, st + len(txt)))
        off += len(part) + 1
    return row, blank


# ----------------------------------------------------------------------------- CSV
# a table saved as comma-separated values (a crawler's ``DataFrame.to_csv``, a spreadsheet
# saved as CSV): every line of the run has the same number of fields, fields holding a
# comma quoted ("1,234"), a doubled quote inside a quoted field
_CSV_MAX_FIELD = 80  # a label of the form is at most ~40 characters
_CSV_PROSE = frozenset("。；！？")


def _csv_fields(s: str) -> list[tuple[int, int, str]] | None:
    """The fields of a CSV line as (start, end, text) inside the line, or None when the
    line is no CSV record (an unclosed quote, fewer than three fields, a field of prose)."""
    out: list[tuple[int, int, str]] = []
    i, n = 0, len(s)
    while True:
        if i < n and s[i] == '"':
            j, buf = i + 1, []
            while True:
                k = s.find('"', j)
                if k < 0:
                    return None
                buf.append(s[j:k])
                if s[k + 1 : k + 2] == '"':
                    buf.append('"')
                    j = k + 2
                    continue
                break
            text = "".join(buf)
            st, en, i = i + 1, k, k + 1
            if i < n and s[i] != ",":
                return None
        else:
            k = s.find(",", i)
            k = n if k < 0 else k
            raw = s[i:k]
            if '"' in raw:
                return None
            text = raw.strip()
            st = i + len(raw) - len(raw.lstrip())
            en, i = st + len(text), k
        if len(text) > _CSV_MAX_FIELD or _CSV_PROSE & set(text) or "  " in text:
            return None  # (two spaces: a column-aligned line whose numbers have commas)
        out.append((st, en, text.strip()))
        if i >= n:
            break
        i += 1  # the comma
    return out if len(out) >= 3 else None


_CSV_MAX_BREAKS = 3  # line breaks inside one quoted field (a wrapped label of a spreadsheet)


def _csv_record(lines: list[_Line], j: int) -> tuple[list[tuple[int, int, str]], int] | None:
    """The fields of the CSV record starting on line ``j`` (offsets from that line's start)
    and the line after it: a quoted field may hold line breaks (a spreadsheet cell with a
    wrapped label, saved as CSV), its lines joined, the breaks left out of its text."""
    fields = _csv_fields(lines[j].text)
    if fields is not None:
        return fields, j + 1
    text = lines[j].text
    k = j + 1
    while text.count('"') % 2 and k < len(lines) and k - j <= _CSV_MAX_BREAKS:
        text += "\n" + lines[k].text
        k += 1
        if not text.count('"') % 2:
            joined = _csv_fields(text)
            if joined is None:
                return None
            return [(a, b, t.replace("\n", "")) for a, b, t in joined], k
    return None


def _csv(lines: list[_Line], i: int, blocks: list[Paragraph | Table]) -> int:
    """A run of at least two CSV records of the same number of fields, one of them with two
    numbers: a table (kind ``tab``); else nothing is taken (``i`` returned)."""
    got = _csv_record(lines, i)
    if got is None:
        return i
    first = got[0]
    rows: list[list[Cell]] = []
    j = i
    numbers = False
    while got is not None and len(got[0]) == len(first):
        fields, after = got
        start = lines[j].start
        rows.append([Cell(t, start + a, start + b) for a, b, t in fields])
        numbers = numbers or sum(1 for _, _, t in fields if has_number(t)) >= 2
        j = after
        got = _csv_record(lines, j) if j < len(lines) else None
    if len(rows) < 2 or not numbers:
        return i
    _add_table(blocks, rows, lines[i].start, lines[j - 1].end, "tab", frame=True)
    return j


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
            for c in spaced_cells(txt, st) or [Cell(txt, st, st + len(txt))]:
                x = c.start - lines[j].start
                c.bbox = (float(x), float(j), float(x + len(c.text)), float(j))
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
    blocks: list[Paragraph | Table],
    rows: list[list[Cell]],
    start: int,
    end: int,
    kind: str,
    frame: bool = False,
) -> None:
    rows = [r for r in rows if r]
    if rows and kind in ("tab", "markdown", "layout"):
        rows = _drop_frame_index(rows, frame)
    if not rows:
        return
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            cell.row = r
            cell.col = c
    blocks.append(Table(rows=rows, start=start, end=end, kind=kind))


def _counts_from_zero(texts: list[str]) -> bool:
    return all(t == str(k) for k, t in enumerate(texts))


def _drop_frame_index(rows: list[list[Cell]], frame: bool = False) -> list[list[Cell]]:
    """A table printed by a data-frame library (pandas' ``to_csv`` / ``to_markdown`` of
    ``read_html``'s frame) carries the frame's own labels: a first line of column numbers
    (``,0,1,2…`` or ``|    | 0 | 1 |``) and a first column of row numbers 0, 1, 2…; neither
    is the report's. They are dropped when they count from 0 exactly (``frame``: the rows
    of a CSV, whose header lines may have no row number)."""
    head = [c.text for c in rows[0]]
    numbered = len(head) >= 3 and _counts_from_zero(head[1:]) and not head[0]
    if not numbered and len(head) >= 4 and _counts_from_zero(head):
        rows = rows[1:]  # column numbers without a row-number column
    elif numbered:
        rows = rows[1:]
    # (a frame whose columns are its header rows (``<th>``): those lines have no row
    # number, the rows below count from 0 — in a CSV, where every line has its fields)
    k = 0
    while frame and k < len(rows) - 1 and not rows[k][0].text:
        k += 1
    firsts = [r[0].text for r in rows[k:]]
    # (a header line with no row number still has its own first cell: a line that opens
    # with two empty fields is a header whose first cells a merged cell covers, as Word's
    # table-to-text writes it, and a single 0 below it is the table's own value)
    headed = k and all(len(r) > 1 and r[1].text for r in rows[:k])
    if (len(firsts) >= 3 or headed) and _counts_from_zero(firsts) and min(map(len, rows)) > 1:
        rows = [r[1:] for r in rows]
    return rows
