"""Span expansion and text layout shared by the HTML, DOCX and PDF readers.

A reader hands over rows of ``(text, rowspan, colspan)`` tuples (the anchors only, in the
order a browser would place them). :func:`expand_spans` places them on a dense grid: each
anchor becomes a :class:`~nianbao.readers.document.Cell`, every other slot it spans becomes a
``covered`` cell repeating the anchor's text, and slots nobody fills are blank cells.
:func:`lay_out_table` then writes the grid into the document text and gives every cell its
``start``/``end`` offsets (covered slots point at their anchor).

Grids are bounded per table (:data:`MAX_SLOTS`) and per document
(:data:`MAX_DOCUMENT_SLOTS`): a :class:`DocumentBuilder` opens the document's slot account,
which :func:`expand_spans` and :func:`place_cells` charge before they build a dense grid.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field

from .document import Block, Cell, Document, Paragraph, Table

__all__ = [
    "grid_of",
    "MAX_COLSPAN",
    "MAX_DOCUMENT_SLOTS",
    "MAX_SLOTS",
    "DocumentBuilder",
    "GridTooLarge",
    "SpanGrid",
    "cover_empty_label_cells",
    "expand_spans",
    "lay_out_table",
    "parse_span",
    "place_cells",
    "strip_invisible",
    "trim_blank_tail",
]

MAX_COLSPAN = 1000  # the HTML standard's clamp
MAX_SLOTS = 250_000  # a grid larger than this is not a report table (hostile or broken input)
# all the grids of one document together: a report's tables hold a few thousand slots; a few
# hundred bytes of spans (colspan="1000" on each of 240 rows) make a table of MAX_SLOTS, and
# ten such tables took 9 s in a 41 KB file (a fuzz finding)
MAX_DOCUMENT_SLOTS = 150_000

# the slots charged to the document being built (opened by DocumentBuilder; None: no account)
_DOCUMENT_SLOTS: ContextVar[list[int] | None] = ContextVar("document_slots", default=None)

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


class GridTooLarge(ValueError):
    """Raised by :func:`expand_spans` when the grid would exceed :data:`MAX_SLOTS`."""


def _slot_limit() -> int:
    """The slots one more grid may hold: :data:`MAX_SLOTS`, or less when the document
    being built has used up most of its :data:`MAX_DOCUMENT_SLOTS`."""
    account = _DOCUMENT_SLOTS.get()
    return MAX_SLOTS if account is None else min(MAX_SLOTS, MAX_DOCUMENT_SLOTS - account[0])


def _charge_slots(n: int) -> None:
    """Charge ``n`` grid slots to the document being built (see :func:`_slot_limit`)."""
    account = _DOCUMENT_SLOTS.get()
    if account is not None:
        account[0] += n


def strip_invisible(text: str) -> str:
    """Drop zero-width characters and soft hyphens (they break label matching)."""
    return _INVISIBLE.sub("", text)


def parse_span(value: str | None) -> int:
    """A lenient span attribute: ``"2px"`` -> 2, ``"0"``/missing/junk -> 1."""
    m = re.match(r"\s*(\d{1,7})", value or "")
    return max(1, int(m.group(1))) if m else 1


@dataclass
class SpanGrid:
    """A dense grid of cells plus, for every covered slot, the position of its anchor."""

    rows: list[list[Cell]]
    anchor_of: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    # slots that no cell of the source fills (a row shorter than the table): blank cells here
    unfilled: set[tuple[int, int]] = field(default_factory=set)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def expand_spans(rows: list[list[tuple[str, int, int]]]) -> SpanGrid:
    """Place ``(text, rowspan, colspan)`` anchors on a dense grid.

    Spans are clamped: a rowspan never reaches past the last row, a colspan never exceeds
    :data:`MAX_COLSPAN`. Slots that no cell fills become blank (not covered) cells.
    Raises :class:`GridTooLarge` when the grid would hold more than :data:`MAX_SLOTS` slots,
    or the document's grids more than :data:`MAX_DOCUMENT_SLOTS`.
    """
    n_rows = len(rows)
    limit = _slot_limit()
    # the grid is at least as wide as its widest row: refused before any placement (linear
    # in the cells, however wide their spans)
    widest = max((sum(max(1, min(cs, MAX_COLSPAN)) for _, _, cs in row) for row in rows), default=0)
    if n_rows * widest > limit:
        raise GridTooLarge(f"table grid exceeds {limit} slots")
    taken: dict[tuple[int, int], tuple[int, int]] = {}  # slot -> anchor slot
    anchors: dict[tuple[int, int], str] = {}
    n_cols = 0
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in taken:
                c += 1
            rs = max(1, min(rowspan, n_rows - r))
            cs = max(1, min(colspan, MAX_COLSPAN))
            if len(taken) + rs * cs > limit:
                raise GridTooLarge(f"table grid exceeds {limit} slots")
            anchors[(r, c)] = text
            for dr in range(rs):
                for dc in range(cs):
                    taken.setdefault((r + dr, c + dc), (r, c))
            c += cs
            n_cols = max(n_cols, c)
    if n_rows * n_cols > limit:
        raise GridTooLarge(f"table grid exceeds {limit} slots")
    _charge_slots(n_rows * n_cols)
    return _slots_to_grid(n_rows, n_cols, taken, anchors)


def lay_out_table(grid: SpanGrid, offset: int) -> tuple[str, Table]:
    """Write a grid as text starting at ``offset`` in the document text.

    Each row becomes one line: the anchors' texts separated by tabs (a cell's own line
    breaks stay inside it). Cells get ``start``/``end`` in the document text; covered slots
    get their anchor's. Returns the text and a :class:`Table` whose ``start``/``end`` span
    it (``kind``, ``page`` and ``index`` are for the caller to set).
    """
    parts: list[str] = []
    pos = offset
    for r, row in enumerate(grid.rows):
        if r:
            parts.append("\n")
            pos += 1
        first = True
        for cell in row:
            if cell.covered:
                continue
            if not first:
                parts.append("\t")
                pos += 1
            first = False
            cell.start = pos
            parts.append(cell.text)
            pos += len(cell.text)
            cell.end = pos
    for (r, c), (ar, ac) in grid.anchor_of.items():
        anchor = grid.rows[ar][ac]
        grid.rows[r][c].start = anchor.start
        grid.rows[r][c].end = anchor.end
    text = "".join(parts)
    return text, Table(rows=grid.rows, start=offset, end=offset + len(text))


class DocumentBuilder:
    """Collects paragraphs and tables in reading order and builds the document text.

    Blocks are separated by one line break; every block and cell gets its offsets.
    Creating a builder opens the document's grid slot account (see
    :data:`MAX_DOCUMENT_SLOTS`): the grids expanded from then on are charged to it.
    """

    def __init__(self) -> None:
        _DOCUMENT_SLOTS.set([0])
        self._parts: list[str] = []
        self._pos = 0
        self.blocks: list[Block] = []
        self.n_tables = 0

    def _sep(self) -> None:
        if self._parts:
            self._parts.append("\n")
            self._pos += 1

    def add_paragraph(self, text: str, page: int | None = None) -> Paragraph | None:
        text = strip_invisible(text).strip()
        if not text:
            return None
        self._sep()
        para = Paragraph(text, self._pos, self._pos + len(text), page)
        self._parts.append(text)
        self._pos += len(text)
        self.blocks.append(para)
        return para

    def add_table(self, grid: SpanGrid, kind: str, page: int | None = None) -> Table | None:
        if not grid.rows or grid.n_cols == 0:
            return None
        self._sep()
        text, table = lay_out_table(grid, self._pos)
        table.kind = kind
        table.page = page
        table.index = self.n_tables
        self.n_tables += 1
        self._parts.append(text)
        self._pos += len(text)
        self.blocks.append(table)
        return table

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def build(
        self,
        source: str,
        media_type: str,
        artifacts: list[str] | None = None,
        pages: int | None = None,
    ) -> Document:
        """The Document of everything added. Traditional script is read as simplified (the
        text reader's rule): ``text`` and every block and cell are converted character for
        character, ``original`` keeps the text as the source wrote it, at the same offsets,
        and ``script`` says which script that was."""
        from .normalize import simplify

        original = self.text
        text, script = simplify(original)
        if text != original:
            _simplify_blocks(self.blocks, original, text)
        return Document(
            text=text,
            blocks=self.blocks,
            original=original,
            source=source,
            media_type=media_type,
            pages=pages,
            script=script,
            artifacts=list(artifacts or []),
        )


def _simplify_blocks(blocks: list[Block], old: str, new: str) -> None:
    """Give blocks and cells their text from ``new``, a rewrite of ``old`` that keeps every
    offset (a text that no longer matches its offsets is left as it is)."""

    def convert(text: str, start: int, end: int) -> str:
        return new[start:end] if 0 <= start and old[start:end] == text else text

    for block in blocks:
        if isinstance(block, Paragraph):
            block.text = convert(block.text, block.start, block.end)
            continue
        for row in block.rows:
            for cell in row:
                if cell.text:
                    cell.text = convert(cell.text, cell.start, cell.end)


def place_cells(
    anchors: list[tuple[int, int, int, int, str]], n_rows: int, n_cols: int
) -> SpanGrid:
    """A grid from anchors at known positions: ``(row, col, rowspan, colspan, text)``.

    Used when the source says where every cell sits (DOCX grid columns). Spans are clipped
    to the grid; a slot claimed twice keeps its first owner; unclaimed slots are blank.
    """
    limit = _slot_limit()
    if n_rows * n_cols > limit:
        raise GridTooLarge(f"table grid exceeds {limit} slots")
    _charge_slots(n_rows * n_cols)
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    texts: dict[tuple[int, int], str] = {}
    for r, c, rs, cs, text in anchors:
        if not (0 <= r < n_rows and 0 <= c < n_cols) or (r, c) in owner:
            continue
        texts[(r, c)] = text
        for rr in range(r, min(r + max(1, rs), n_rows)):
            for cc in range(c, min(c + max(1, cs), n_cols)):
                owner.setdefault((rr, cc), (r, c))
    return _slots_to_grid(n_rows, n_cols, owner, texts)


def cover_empty_label_cells(grid: SpanGrid) -> None:
    """Empty cells among the label columns of rows holding numbers: a row label written in
    separate cells without merging them (``三、本年度办理结果 | （一）予以公开 | (empty) | 5
    …``, ``一、本年新收… | (empty) | (empty) | 5 …``). The label columns are those left of
    the first value, where every cell with text holds a label; an empty cell there is part
    of the label beside it, not a blank value, and is covered by its left neighbour.
    Used by the HTML and DOCX readers."""
    from .labels import has_number, is_value_text

    value_rows = [
        r
        for r, row in enumerate(grid.rows)
        if any(has_number(c.text) for c in row if not c.covered)
    ]
    first_value = min(
        (
            c
            for r in value_rows
            for c, cell in enumerate(grid.rows[r])
            if not cell.covered and has_number(cell.text)
        ),
        default=0,
    )
    for c in range(1, first_value):
        cells = [grid.rows[r][c] for r in value_rows]
        texts = [x.text for x in cells if not x.covered and x.text.strip()]
        if not texts or any(is_value_text(t) for t in texts):
            continue
        for r in value_rows:
            if grid.rows[r][c].covered or grid.rows[r][c].text.strip():
                continue
            ar, ac = grid.anchor_of.get((r, c - 1), (r, c - 1))
            grid.rows[r][c] = Cell(grid.rows[ar][ac].text, row=r, col=c, covered=True)
            grid.anchor_of[(r, c)] = (ar, ac)
            grid.unfilled.discard((r, c))


def cluster_values(values: list[float], tol: float) -> list[float]:
    """Sorted representative values (row tops, column edges): a value within ``tol`` of the
    previous representative joins it."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _slots_to_grid(
    n_rows: int,
    n_cols: int,
    owner: dict[tuple[int, int], tuple[int, int]],
    texts: dict[tuple[int, int], str],
) -> SpanGrid:
    """The dense grid: each slot empty, an anchor with its text, or covered by an anchor."""
    rows: list[list[Cell]] = []
    anchor_of: dict[tuple[int, int], tuple[int, int]] = {}
    unfilled: set[tuple[int, int]] = set()
    for r in range(n_rows):
        row: list[Cell] = []
        for c in range(n_cols):
            a = owner.get((r, c))
            if a is None:
                row.append(Cell("", row=r, col=c))
                unfilled.add((r, c))
            elif a == (r, c):
                row.append(Cell(texts[a], row=r, col=c))
            else:
                row.append(Cell(texts[a], row=r, col=c, covered=True))
                anchor_of[(r, c)] = a
        rows.append(row)
    return SpanGrid(rows, anchor_of, unfilled)


def merge_ranges(spans: list[tuple[float, float]]) -> list[list[float]]:
    """Unions of overlapping (x0, x1) ranges, left to right (the value columns of a table
    set without rules; the columns of a column-aligned text, in character positions)."""
    bands: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if bands and x0 <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], x1)
        else:
            bands.append([x0, x1])
    return bands


MAX_BLANK_TAIL = 64  # blank cells kept after a row's last filled one


def trim_blank_tail(row: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """A row of ``(text, rowspan, colspan)`` anchors without the blank cells (no text, no
    rowspan) beyond the first :data:`MAX_BLANK_TAIL` after its last filled one: a row of
    thousands of empty cells (trailing tabs, empty ``<td>``s) is not a report row, and would
    make its table too large to read or slow to place. (Wide spans are left to
    :data:`MAX_SLOTS`.)"""
    end = len(row)
    while end and not row[end - 1][0].strip() and row[end - 1][1] <= 1:
        end -= 1
    return row[: end + MAX_BLANK_TAIL]


def grid_of(table: Table) -> SpanGrid:
    """The span grid of a table already laid out (its covered slots share their anchor's
    offsets), to lay it out again in another document."""
    rows: list[list[Cell]] = []
    anchor_at: dict[int, tuple[int, int]] = {}
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row):
            if not cell.covered:
                anchor_at.setdefault(cell.start, (r, c))
    anchor_of: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(table.rows):
        out: list[Cell] = []
        for c, cell in enumerate(row):
            out.append(
                Cell(cell.text, row=r, col=c, covered=cell.covered, page=cell.page, bbox=cell.bbox)
            )
            if cell.covered and cell.start in anchor_at:
                anchor_of[(r, c)] = anchor_at[cell.start]
        rows.append(out)
    return SpanGrid(rows, anchor_of)
