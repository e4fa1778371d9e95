"""The extraction's working state: a grid row split into label and value cells
(:class:`Row`), rows read from plain lines of text, and :class:`Ctx` — the document, the
Report being filled, its findings and the layout facts gathered on the way.

Over 500 lines because a row read from a plain line (spaced numbers, cells parted by marks,
a number glued to words) is decided by the same cell rules as a grid row's split, and both
live with :class:`Row`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..readers import labels as L
from ..readers.document import Cell, Document, OffsetMap, Paragraph, Table
from ..readers.text import spaced_cells
from ..report import Finding, Provenance, Report, Value
from ..schema import (
    COLUMNS,
    label_of,
)
from .form.spec import word_cell, worded_value
from .form.tokens import CELL_MARKS

NCOL = len(COLUMNS)  # 7 value columns in section 三
NREVIEW = 15


# ============================================================================ rows
@dataclass
class Row:
    """A physical row: label cells, then value cells (with their cells for provenance)."""

    cells: list[Cell]
    table: Table | None
    section: str | None
    labels: list[Cell] = field(default_factory=list)
    values: list[Cell] = field(default_factory=list)
    numeric: bool = False  # any value cell holds a number (set from the cells)

    @property
    def label_text(self) -> str:
        return " ".join(c.text.replace("\n", "") for c in self.labels if c.text)

    def __post_init__(self) -> None:
        has_number = L.has_number
        for c in self.values:
            if has_number(c.text):
                self.numeric = True
                return
        self.numeric = False


def held_whole(rows: list[Row]) -> bool:
    """The rows stand in tables a page's or an office document's markup holds whole (HTML,
    Word): a column such a table lacks, the report lacks. A copy of what a screen or a page
    showed (plain text, a PDF, a picture recognised by OCR) may be cut at its right edge."""
    kinds = {r.table.kind for r in rows if r.table is not None}
    return bool(kinds) and kinds <= {"html", "docx"}


_PERCENT = re.compile(r"[-+]?\d+(?:\.\d+)?\s*[%％]")


def split_row(cells: list[Cell], table: Table | None, section: str | None) -> Row:
    real = [c for c in cells if not c.covered]
    # the values are the cells after the last that is not a value; residue (x, ?, 不详)
    # stands for a value the tool cannot read, in its column (``unread.unmapped``)
    is_value, is_debris = L.is_value_text, L.is_debris
    first_value = len(real)
    # (a change in per cent ending the row, 同比增减 -12.5%, is a cell of a column of the
    # copy's own after the form's: a value cell, not the row's label, which the row's
    # numbers before it were then read as)
    while first_value and (_PERCENT.fullmatch(real[first_value - 1].text.strip())):
        first_value -= 1
    while first_value and (
        is_value(real[first_value - 1].text) or is_debris(real[first_value - 1].text)
    ):
        first_value -= 1
    first_value = _after_label(real, first_value, section)
    if first_value and section in _WIDTH:
        real, first_value = _worded_values(real, first_value, section)
    if section == "s2" and first_value and not any(c.text.strip() for c in real[first_value:]):
        glued = _glued_value(real[first_value - 1])
        if glued is not None:
            real = [*real[: first_value - 1], *glued, *real[first_value:]]
    return Row(real, table, section, real[:first_value], real[first_value:])


# a label of 表二 with its number glued on (「行政许可3559」: a copy that lost the separator;
# 「行政许可：3559」, a colon or another mark in its place)
_GLUED = re.compile(
    r"(?P<label>.*[\u4e00-\u9fff）)])\s*[：:；;，,]?\s*(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)[\s：:；;，,]*"
)


def _glued_value(cell: Cell) -> list[Cell] | None:
    """A 表二 label cell whose row's value cells are all blank and whose text is a row's
    label with a number glued on after it (or after a colon): the label and the number as
    two cells (the number was read as the label's end, and the row's value as blank)."""
    m = _GLUED.fullmatch(cell.text)
    if m is None or L.match_active_row(m.group("label")) is None:
        return None
    at = cell.start
    a, b = m.span("num")
    return [
        Cell(
            m.group("label"),
            at,
            at + m.end("label") if at >= 0 else at,
            cell.row,
            cell.col,
            page=cell.page,
            bbox=cell.bbox,
        ),
        Cell(
            m.group("num"),
            at + a if at >= 0 else at,
            at + b if at >= 0 else at,
            cell.row,
            cell.col,
            page=cell.page,
            bbox=cell.bbox,
        ),
    ]


# the most cells a row of 表二 (either layout) or 表三 has
_WIDTH = {"s2": 3, "s3": NCOL}


def _worded_values(real: list[Cell], first_value: int, section: str) -> tuple[list[Cell], int]:
    """A row's cells with the cells among its values that hold a number and words glued
    together (合计12, 4（无）: ``form.worded_value``) taken for values: the number alone where
    a count word goes with it, else the cell, a value the tool cannot read
    (``unread.unmapped``). Taken for a label cell, such a cell moved the row's numbers it
    stood after out of the row (the row read blank, or its numbers one column off, and the
    sums blamed the report). Only right before the values (or at the row's end), after a
    cell that names a row of the form, with no more values then than the form gives a
    row."""
    match = L.match_active_row if section == "s2" else L.match_request_row
    k = first_value
    worded = False
    while k > 1:
        text = real[k - 1].text
        if worded_value(text) is not None:
            worded = True
        elif not (L.is_value_text(text) or L.is_debris(text)):
            break
        k -= 1
    if not worded or match(real[k - 1].text) is None:
        k = first_value
    elif len([c for c in real[k:] if c.text.strip()]) > _WIDTH[section]:
        k = first_value
    out = real[:k]
    for c in real[k:]:
        span = worded_value(c.text)
        if span is not None and span[0] >= 0 and c.start >= 0:
            a, b = span
            c = Cell(c.text[a:b], c.start + a, c.start + b, c.row, c.col, page=c.page, bbox=c.bbox)
        out.append(c)
    return out, k


def _after_label(real: list[Cell], first_value: int, section: str | None) -> int:
    """Where a row's values start when words the form does not have stand among them
    (「规章 | 见说明 | 3 | 5」, 「（一）予以公开 | 0 | 无此项 | …」: ``form.word_cell``): right
    after the last cell that names a row of the form, when every cell between it and the
    values is a value, residue or such words, and the row then has no more values than the
    form gives a row. Such a cell is a value the tool cannot read (``unread.unmapped``);
    taken for a label cell, the row's later numbers moved left into the wrong columns."""
    match = {"s2": L.match_active_row, "s3": L.match_request_row}.get(section or "")
    if match is None or first_value < 2:
        return first_value
    at = next((i for i in range(first_value - 1, -1, -1) if match(real[i].text)), None)
    if at is None or at == first_value - 1:
        return first_value
    # (the empty cells of a label spanning the label columns, written slot by slot, and
    # those a line's closing pipe or trailing tabs make, aside)
    shown = [i for i in range(at + 1, len(real)) if real[i].text.strip()]
    if shown[-1] - shown[0] + 1 > _WIDTH[section or ""]:
        return first_value
    between = [c.text for c in real[at + 1 : first_value]]
    if not all(L.is_value_text(t) or L.is_debris(t) or word_cell(t) for t in between):
        return first_value
    return at + 1


_NUMBER_TOKEN = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_HAS_CJK = re.compile(r"[\u3400-\u9fff]")
# two numbers standing apart one after the other, then more words: a row's values
_VALUES_IN_LABEL = re.compile(
    r"(?:^|\s)[-+]?\d[\d,]*(?:\.\d+)?\s+[-+]?\d[\d,]*(?:\.\d+)?\s+\S*[\u3400-\u9fff]"
)


def trailing_numbers(text: str) -> int | None:
    """Where the run of whitespace-separated numbers that ends ``text`` starts (at the
    whitespace before its first number), or None: what the pattern
    ``(?:\\s+[-+]?\\d[\\d,]*(?:\\.\\d+)?)+\\s*$`` finds with ``search``, in linear time
    (the pattern retried every start in a long run of blanks: 18,000 tabs took 6 s, a fuzz
    finding)."""
    pos = len(text.rstrip())
    start = None
    while pos > 0:
        k = pos
        while k > 0 and not text[k - 1].isspace():
            k -= 1
        if k == 0 or not _NUMBER_TOKEN.fullmatch(text, k, pos):
            break
        while k > 0 and text[k - 1].isspace():
            k -= 1
        start = pos = k
    return start


# the marks a copy may part a row's cells by instead of tabs (「规章；0；0；0」, 「行政许可；
# 13470；；」: a table's cells joined by a crawler or an editor): ``form.tokens.CELL_MARKS``
_THOUSANDS_PIECE = re.compile(r"\d{3}")
_DIGIT = re.compile(r"\d")


def _value_piece(piece: str) -> bool:
    """Whether a piece of a line parted by a mark may be a cell where a value stands: empty
    (a blank cell), a number, a value (5件, 1，234, —: ``labels.is_value_text``) or a number
    with words glued on (合计5, 2（无）: ``form.worded_value``)."""
    p = piece.strip()
    return (
        not p
        or _NUMBER_TOKEN.fullmatch(p) is not None
        or L.is_value_text(p)
        or worded_value(p) is not None
    )


_PIECE_NUMBER = re.compile(r"\s*\d+(?![\d.．、])")


def _numbered_piece(parts: list[str], i: int, mark: str) -> bool:
    """Whether ``parts[i]``, a piece inside a label, opens with a number (12, 335（含上年结
    转）), not an item's ordinal (1.属于…; 1 before 属于… where 、 parts the line)."""
    p = parts[i].strip()
    if _PIECE_NUMBER.match(p) is None:
        return False
    return not (
        mark == "、"
        and len(p) == 1
        and i + 1 < len(parts)
        and _HAS_CJK.match(parts[i + 1].strip()) is not None
    )


def marked_cells(text: str) -> tuple[int, list[tuple[int, int]]] | None:
    """A line whose cells are parted by one mark (``CELL_MARKS``) instead of tabs: a label,
    then pieces that each stand where a value does (``_value_piece``: a number, a blank
    cell printed empty, a value with its unit, a number with words glued on), at least one
    a number. The label's end and each value piece's span (stripped; an empty cell's span is
    empty; the number alone where a count word goes with it: 合计5), or None. The label is
    the shortest head after which only such pieces stand (a label may hold the mark:
    一、本年新收…, （二）部分公开（区分处理的，只计这一情形，不计其他情形）); not a head
    holding such a piece after its first (「其中行政许可；12；行政处罚；34」: two rows, or a
    sentence, in one line: taken for one row's label, 34 was read for 行政许可, silently).
    Not with a comma where a piece of three digits follows a number (「13,470」 may be one
    number grouped by thousands or two cells: the line is not read so)."""
    for mark in CELL_MARKS:
        if mark not in text:
            continue
        parts = text.split(mark)
        k = len(parts)
        while k > 1 and _value_piece(parts[k - 1]):
            k -= 1
        rest = parts[k:]
        if not any(_DIGIT.search(x) for x in rest):
            continue
        if mark.join(parts[:k]).rstrip()[-1:].isdigit():
            return None  # (a number runs into the label: 行政许可 13,470 grouped by thousands)
        if any(_numbered_piece(parts, i, mark) for i in range(1, k)):
            return None  # (numbers inside the label: no label of one row)
        if mark in "，," and any(
            _THOUSANDS_PIECE.fullmatch(rest[i].strip()) and rest[i - 1].strip()
            for i in range(1, len(rest))
        ):
            return None
        label_end = len(mark.join(parts[:k]))
        spans: list[tuple[int, int]] = []
        pos = label_end
        for piece in rest:
            pos += 1  # the mark
            lead = len(piece) - len(piece.lstrip())
            body = piece.strip()
            a, b = pos + lead, pos + lead + len(body)
            words = worded_value(body) if body else None
            if words is not None and words[0] >= 0:
                a, b = a + words[0], a + words[1]  # (合计5: the number)
            spans.append((a, b))
            pos += len(piece)
        return label_end, spans
    return None


def paragraph_row(p: Paragraph, section: str | None) -> Row | None:
    """A text line such as '行政许可 97' or '3.补正后申请内容仍不明确   1   0 …' (a table row
    flattened by a PDF-to-text tool): a label that names a row, then numbers; or its cells
    parted by a mark (「规章；0；0；0」: ``marked_cells``)."""
    if section == "s4":
        return _review_line(p)
    marked = _marked_row(p, section)
    if marked is not None:
        return marked
    at = trailing_numbers(p.text)
    if not at:
        return None
    label = p.text[:at].strip()
    if not _HAS_CJK.search(label) or label.endswith(("。", "，", "；")):
        return None
    if label[-1].isdigit():
        # a number glued to what stands before it (「行政事业性收费 |0 12」: the row's cells
        # are 0 and 12, or 0 12 in one): no row of a label and its numbers; taken so, 12
        # was read for the fee and 0 for the label's end, silently
        return None
    if _VALUES_IN_LABEL.search(label):
        # another row's values inside the label (a whole table run together on one line,
        # its rows parted by single spaces): the line is no one row; taken so, the last
        # row's numbers went to the first label the line names, silently
        return None
    if section == "s2":
        if L.match_active_row(label) is None:
            return None
    elif section == "s3":
        if L.match_request_row(re.split(r"\s{2,}", label)[-1]) is None:
            return None
    else:
        return None
    lead = len(p.text) - len(p.text.lstrip())
    cells = [Cell(label, p.start + lead, p.start + lead + len(label), page=p.page)]
    pos = at
    for num in p.text[at:].split():
        st = p.text.index(num, pos)
        cells.append(Cell(num, p.start + st, p.start + st + len(num), col=len(cells), page=p.page))
        pos = st + len(num)
    return Row(cells, None, section, cells[:1], cells[1:])


def _marked_row(p: Paragraph, section: str | None) -> Row | None:
    """``paragraph_row`` of a line whose cells are parted by a mark (``marked_cells``)."""
    got = marked_cells(p.text)
    if got is None:
        return None
    end, spans = got
    label = p.text[:end].strip()
    if not _HAS_CJK.search(label) or "。" in label:
        return None
    if section == "s2":
        if L.match_active_row(label) is None:
            return None
    elif section == "s3":
        if L.match_request_row(label) is None:
            return None
    else:
        return None
    lead = len(p.text) - len(p.text.lstrip())
    cells = [Cell(label, p.start + lead, p.start + lead + len(label), page=p.page)]
    for a, b in spans:
        cells.append(Cell(p.text[a:b], p.start + a, p.start + b, col=len(cells), page=p.page))
    return Row(cells, None, section, cells[:1], cells[1:])


def numbers_row(p: Paragraph, section: str | None) -> Row | None:
    """A text line of numbers only, five or more (表四's value row whose header the copy
    lost: 0 0 1 0 1 …): a row of values without a label."""
    toks = p.text.split()
    if len(toks) < 5 or not all(_NUMBER_TOKEN.fullmatch(t) for t in toks):
        return None
    cells: list[Cell] = []
    pos = 0
    for num in toks:
        st = p.text.index(num, pos)
        cells.append(Cell(num, p.start + st, p.start + st + len(num), col=len(cells), page=p.page))
        pos = st + len(num)
    return Row(cells, None, section, [], cells)


# a line of 表四 written as a list: 行政复议结果维持：0 / 行政诉讼（复议后起诉）尚未审结：1件
_REVIEW_LINE = re.compile(
    r"^\s*(?P<label>[^\d：:。，；]{2,40}?)\s*[：:]\s*(?P<num>\d[\d,]*)?\s*件?\s*[。；;]?\s*$"
)
_REVIEW_FIELD = re.compile(r"维持|纠正|其他|未审结|总计|合计")


def _review_line(p: Paragraph) -> Row | None:
    """One cell of 表四 on a line of its own (a label naming its group and result, a
    colon, the number)."""
    m = _REVIEW_LINE.match(p.text)
    if m is None:
        return None
    label = m.group("label")
    if not re.search(r"复议|诉讼|起诉", label) or not _REVIEW_FIELD.search(label):
        return None
    lead = len(p.text) - len(p.text.lstrip())
    cells = [Cell(label, p.start + lead, p.start + lead + len(label), page=p.page)]
    if m.group("num") is None:
        st = en = len(p.text.rstrip())  # label: and nothing: a blank cell
    else:
        st, en = m.span("num")
    cells.append(Cell(m.group("num") or "", p.start + st, p.start + en, col=1, page=p.page))
    return Row(cells, None, "s4", cells[:1], cells[1:])


def paragraph_header(p: Paragraph, section: str | None) -> Row:
    """A text line kept as a label-only row (column headers printed as plain lines; in
    section 三 a line of words parted by a mark, 「、、商业企业、…、其他、小计、」, is cut at
    it: taken whole, its words named no column, a 小计 column among the rows' cells parted
    so was read for 总计 and the sums blamed the report)."""
    marked = _marked_header(p, section)
    if marked is not None:
        return marked
    cells: list[Cell] = []
    for m in re.finditer(r"\S+(?: \S+)*", p.text):
        st = p.start + m.start()
        for c in spaced_cells(m.group(0), st) or [Cell(m.group(0), st, p.start + m.end())]:
            c.col, c.page = len(cells), p.page
            cells.append(c)
    return Row(cells, None, section, cells, [])


def _marked_header(p: Paragraph, section: str | None) -> Row | None:
    """``paragraph_header`` of a line of 表三's header words parted by one mark: three or
    more short pieces of words, no digit, no sentence's end."""
    if section != "s3" or _DIGIT.search(p.text) or "。" in p.text or re.search(r"\s\S", p.text):
        return None
    for mark in "；;、":
        pieces = p.text.split(mark)
        words = [x for x in pieces if x.strip()]
        if len(words) < 3 or any(len(x.strip()) > 20 for x in words):
            continue
        cells: list[Cell] = []
        pos = p.start
        for x in pieces:
            if x.strip():
                lead = len(x) - len(x.lstrip())
                body = x.strip()
                cells.append(
                    Cell(body, pos + lead, pos + lead + len(body), col=len(cells), page=p.page)
                )
            pos += len(x) + 1
        return Row(cells, None, section, cells, [])
    return None


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size] + "…"


# ============================================================================ context
@dataclass
class Ctx:
    doc: Document
    report: Report
    findings: list[Finding] = field(default_factory=list)
    signals: set[str] = field(default_factory=set)
    # id(cell) -> its table's index, for the cells kept alive in ``table_cells``: while a
    # cell lives no other object has its id (ids are reused only once an object is freed)
    cell_table: dict[int, int | None] = field(default_factory=dict)
    table_cells: list[Cell] = field(default_factory=list)
    offset_map: Callable[[int], int] | None = None  # None when offsets need no mapping
    range_warned: set[str] = field(default_factory=set)  # cells given R-VALUE-RANGE
    bare_active: list[str] = field(default_factory=list)  # 表二 rows read as a label alone

    def __post_init__(self) -> None:
        omap = self.doc.offset_map
        if omap is not None and not (isinstance(omap, OffsetMap) and omap.identity):
            self.offset_map = omap

    def finding(self, rule: str, severity: str, cells: list[str], message: str, **kw: Any) -> None:
        self.findings.append(Finding(rule, severity, cells, message, **kw))

    def mark_unread(self, refs: Any) -> None:
        """Record cells, rows, tables or sections (ids or id prefixes) the tool could not
        read: no check calls them missing or blank (``checks.rules.common.not_read``)."""
        layout = self.report.layout
        layout["unread"] = sorted(set(layout.get("unread") or ()) | set(refs))

    def mark_uncertain(self, cells: Any) -> None:
        """Record cells whose place the tool inferred and may have got wrong (a row that
        fits two placements, nothing deciding): a finding names them as the tool's doubt, and
        no sum or comparison over them is judged (``checks.rules.common.unjudged``): a
        failing sum would blame the document for the tool's placement."""
        layout = self.report.layout
        layout["uncertain"] = sorted(set(layout.get("uncertain") or ()) | set(cells))

    def set_table(self, cell: Cell, index: int | None) -> None:
        """Record that ``cell`` stands in the document's table ``index``."""
        self.table_cells.append(cell)
        self.cell_table[id(cell)] = index

    def set_tables(self, cells: list[Cell], index: int | None) -> None:
        """Record that each of ``cells`` stands in the document's table ``index``."""
        self.table_cells.extend(cells)
        self.cell_table.update(dict.fromkeys(map(id, cells), index))

    def table_of(self, cell: Cell) -> int | None:
        """The index of the table ``cell`` stands in (None: not a table's cell)."""
        return self.cell_table.get(id(cell))

    def put(self, fid: str, cell: Cell | None, section: str, label: str | None = None) -> None:
        """Store the value of ``cell`` (None = the row printed no such cell) under ``fid``."""
        self.put_row((fid,), (cell,), section, label)

    def put_row(
        self,
        fids: Iterable[str],
        cells: Iterable[Cell | None],
        section: str,
        label: str | None = None,
    ) -> None:
        """``put`` each of ``cells`` under the id beside it: a row's cells, with what they
        share (the document, its offset map, the report's values) looked up once."""
        values = self.report.values
        cell_table = self.cell_table
        omap = self.offset_map
        # a cell's end mapped before what normalisation deleted after it (OffsetMap.end)
        omap_end: Callable[[int], int] | None = getattr(omap, "end", omap)
        original = self.doc.original
        # the line of an offset as Document.line_of_original gives it, without a call a cell
        breaks = self.doc.line_breaks() if original else None
        parse_value = L.parse_value
        for fid, cell in zip(fids, cells):
            if cell is None:
                values[fid] = Value(None, None, Provenance(section=section, label=label))
                continue
            text = raw = cell.text
            start = cell.start
            st = en = line = None
            if start >= 0:
                end = cell.end
                if omap is None or omap_end is None:
                    st, en = start, end
                else:
                    st = omap(start)
                    en = omap_end(end) if end != start else st
                if breaks is not None:
                    if en > st:
                        raw = original[st:en]
                    line = bisect_right(breaks, st - 1) + 1
            number, note = parse_value(text)
            values[fid] = Value(
                number,
                raw,
                Provenance(
                    section,
                    cell_table.get(id(cell)),
                    cell.row,
                    cell.col,
                    line,
                    st,
                    en,
                    cell.page,
                    cell.bbox,
                    label,
                ),
            )
            if note == "range" and fid not in self.range_warned:
                self._too_many_digits(fid, text)

    def _too_many_digits(self, fid: str, text: str) -> None:
        # too many digits for a count or a fee: raw kept, said once per cell
        self.range_warned.add(fid)
        self.finding(
            "R-VALUE-RANGE",
            "warning",
            [fid],
            f"{label_of(fid)}的数值「{_clip(text.strip(), 40)}」位数过多（超过 "
            f"{L.MAX_VALUE_DIGITS} 位），不是合理的件数或金额，已按空值处理，原文保留。",
            actual=text.strip()[:100],
        )
