"""Plain text → Document: paragraphs and the cell grids of tables written as text.

Table encodings recognised (each by its own shape, never by file name):

* ``tab``: tab-separated rows, one row per line (a Word table pasted as text);
* ``lines``: one cell per line, each cell line starting with a tab; a blank line ends a row;
  lines without the leading tab continue the cell above (multi-line cells, labels written
  one character per line, 商业\\n企业);
* ``markdown``: ``| a | b |`` rows (separator rows dropped);
* ``pipe``: the broken pipe style where each cell is ``text |`` on its own line(s), a bare
  ``|`` opens a row (or is an empty cell inside one) and extra pipes (``| ||``) close it;
* ``layout``: columns aligned with runs of spaces, as ``pdftotext -layout`` prints them.

Everything else is a paragraph, one per line.
"""

from __future__ import annotations

import re

from .document import Cell, Document, Paragraph, Table
from .normalize import normalize_text

__all__ = ["read_text", "text_to_blocks"]

_HEADING_LINE = re.compile(
    r"^\s*(?:[一二三四五六七][、.．]|[1-7][、.．]\s*\D).{0,30}(情况|事项|问题|工作)\s*$"
)
_NUMERIC = re.compile(r"^[\s]*[-+]?\d[\d,，]*(?:\.\d+)?\s*(?:件|个|条|项|元|万元|%)?[\s]*$")
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
    doc = Document(
        text=norm.text,
        original=text,
        source=source,
        media_type="text/plain",
        encoding=encoding,
        script=norm.script,
        artifacts=list(norm.artifacts),
        offset_map=norm.offset_map,
    )
    doc.blocks = text_to_blocks(norm.text)
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


def text_to_blocks(text: str) -> list[Paragraph | Table]:
    lines = _lines(text)
    blocks: list[Paragraph | Table] = []
    i = 0
    n = len(lines)
    while i < n:
        s = lines[i].text
        if _is_blank(s):
            i += 1
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
            rows.append(_split_pipes(lines[i]))
        end = lines[i].end
        i += 1
    _add_table(blocks, rows, start, end, "markdown")
    return i


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
        row = []
        for col, txt in cells:
            st = lines[j].start + col
            c = Cell(txt, st, st + len(txt))
            c.bbox = (float(col), float(j), float(col + len(txt)), float(j))
            row.append(c)
        rows.append(row)
        j += 1
    # keep only up to the last line that carried numbers
    keep = last_row_end - i
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
