"""The document model every reader produces and the extractor consumes.

A :class:`Document` is the normalised text of a report cut into blocks: paragraphs and
tables. A table is a grid of :class:`Cell` objects. Every block and cell keeps its position
in ``Document.text`` (``start``/``end``), and PDF cells also their page and box, so that an
extracted value can be traced back to where it stood. ``Document.to_original`` maps a
normalised offset back to the original text the reader decoded.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate, count
from operator import add

__all__ = ["Cell", "Table", "Paragraph", "Block", "Document", "OffsetMap"]


@dataclass(slots=True)
class Cell:
    """One cell of a table grid.

    ``covered`` is true for a grid slot covered by a merged (spanning) cell: it is not a
    blank cell and never yields a value. ``text`` of a covered slot repeats the anchor's
    text, ``start``/``end`` point at the anchor.
    """

    text: str
    start: int = -1
    end: int = -1
    row: int = 0
    col: int = 0
    covered: bool = False
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    # a value cell of a row that printed fewer numbers than its columns, placed in its
    # column by where it stands under the header's words (``valuelines.place_by_header``;
    # a blank slot so placed too): the reading says so
    placed: bool = False


@dataclass(slots=True)
class Table:
    rows: list[list[Cell]]
    start: int = -1
    end: int = -1
    kind: str = "text"  # tab | lines | pipe | markdown | layout | html | docx | pdf
    page: int | None = None
    index: int = 0  # position among the document's tables (0-based)
    # how a reader made the table where its cells' places are inferred, not printed as a
    # table (a reading note, R-INGEST-ARTIFACT): "" for a table the text shows as one
    note: str = ""


@dataclass(slots=True)
class Paragraph:
    text: str
    start: int = -1
    end: int = -1
    page: int | None = None


Block = Paragraph | Table

# the paragraph a reader writes where the document shows a picture (a table published as
# an image, often), so that extraction can say it could not read what the picture shows
IMAGE_PLACEHOLDER = "[图片]"


class OffsetMap:
    """A piecewise map from offsets in a rewritten text back to the text before rewriting.

    ``anchors`` is a sorted list of (new_offset, old_offset) pairs: from each anchor on, the
    two texts advance together until the next anchor. Maps compose by chaining, so every
    normalisation step can record its own map cheaply.
    """

    __slots__ = ("_levels",)

    def __init__(
        self,
        anchors: list[tuple[int, int]] | None = None,
        parent: OffsetMap | None = None,
    ) -> None:
        anchors = anchors or [(0, 0)]
        level = ([a for a, _ in anchors], [b for _, b in anchors])
        # the chain, outermost rewrite first, kept flat so a lookup is a plain loop
        self._levels: list[tuple[list[int], list[int]]] = [level] + (
            parent._levels if parent is not None else []
        )

    @property
    def identity(self) -> bool:
        """True when no rewrite moved any offset."""
        return all(new == old for new, old in self._levels)

    def __call__(self, pos: int) -> int:
        return self._map(pos, False)

    def end(self, pos: int) -> int:
        """Map ``pos`` as the end of a span: where a rewrite deleted text at ``pos`` (a tag,
        a zero-width character after a cell's number), the span ends before what was
        deleted, not after it (a start, ``__call__``, maps after it)."""
        return self._map(pos, True)

    def _map(self, pos: int, end: bool) -> int:
        for new, old in self._levels:
            if end:  # the first anchor at ``pos``, else the last before it
                i = bisect_left(new, pos)
                if i == len(new) or new[i] != pos:
                    i -= 1
            else:  # the last anchor at or before ``pos``
                i = bisect_right(new, pos) - 1
            if i >= 0:
                out = old[i] + (pos - new[i])
                # never run past the next anchor's old offset (inside a shrunk replacement)
                if i + 1 < len(old) and out > old[i + 1]:
                    out = old[i + 1]
                pos = out
        return pos


@dataclass
class Document:
    """A report as text blocks and cell grids, with positions for provenance."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    original: str = ""
    source: str = ""
    media_type: str = "text/plain"
    encoding: str | None = None
    script: str = "simplified"
    artifacts: list[str] = field(default_factory=list)
    pages: int | None = None
    offset_map: Callable[[int], int] | None = None
    # pages of a PDF that are images without text, not read (no OCR of them was possible)
    image_pages: list[int] = field(default_factory=list)
    # those of ``image_pages`` that have a text layer that could not be decoded (a font
    # without a character map): read as images
    garbled_pages: list[int] = field(default_factory=list)
    # pictures large enough to hold a table on a PDF's text pages, each stood in for by an
    # IMAGE_PLACEHOLDER paragraph, in order: (page, (x0, top, x1, bottom) in points)
    pictures: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)
    # line breaks kept where a page number's line was taken away from a text, how many of
    # them were the text's own a guess: (start, end, the most they may stand for)
    page_breaks: list[tuple[int, int, int]] = field(default_factory=list)
    # bare numbers among the tables that may be page numbers or cells: (start, end)
    page_suspects: list[tuple[int, int]] = field(default_factory=list)
    # the numbers of the pages whose number was found and taken away (``page_suspects``
    # between them may be the others')
    page_numbers: list[int] = field(default_factory=list)
    _line_starts: list[int] | None = field(default=None, repr=False)

    def to_original(self, pos: int) -> int:
        """The offset in ``original`` of normalised offset ``pos``."""
        if pos < 0:
            return pos
        return self.offset_map(pos) if self.offset_map is not None else pos

    def line_of(self, pos: int) -> int:
        """1-based line number of normalised offset ``pos`` in the original text."""
        if pos < 0:
            return 0
        return self.line_of_original(self.to_original(pos))

    def line_of_original(self, opos: int) -> int:
        """1-based line number of an offset in ``original``."""
        return bisect_right(self.line_breaks(), opos - 1) + 1

    def line_breaks(self) -> list[int]:
        """The offsets of the line breaks of ``original``, in order (made once): the line of
        offset ``opos`` is ``bisect_right(breaks, opos - 1) + 1``."""
        starts = self._line_starts
        if starts is None:
            # the k-th break (from 0) follows k + 1 lines and k breaks before it
            lines = self.original.split("\n")
            starts = list(map(add, accumulate(map(len, lines[:-1])), count()))
            self._line_starts = starts
        return starts

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
