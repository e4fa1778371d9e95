"""PDF -> Document.

Over 500 lines because page reading, table stitching and paragraph cutting share the
private records ``_Line``, ``_Frag`` and ``_Rec``, and ``pdf_tables`` builds them too.

pypdfium2 opens the file first: it finds encryption, counts pages (refusing huge files
before any page is parsed) and detects scans (pages without a text layer). Each page is then
read through pypdfium2's characters and path objects and our own table finder
(``pdf_tables``), which gives what pdfplumber would give at a fraction of its cost; a page
that path leaves (rotation, rotated or unmapped text, curves among the rules…) is read by
pdfplumber, which first rounds the page's rule coordinates and turns a page whose text runs
sideways or upside down upright (``_turn_upright``; boxes are then those of the page as
turned), sets upright a scan's text layer standing a little askew (``_straighten``) and
gives one height to the characters of a layer fitted to a scan's words (``_level_fitted``)
and reads a glyph printed twice over itself (simulated bold) once (``dedupe_chars``).
A page whose text stands upright but for a region turned a quarter on it (a landscape table
set sideways under an upright heading, ``pdf_parts.turned_region``) is read by pdfplumber
in parts (``_turned_parts``): the upright lines above the region, the region turned upright
in place, the upright lines below it; its boxes are those of the page with the region so
turned. A sheet printed two pages to a sheet (``pdf_parts``) is read, either way, as its
two pages (``pdf_tables.sheet_pages``, ``_sheet_views``), numbered as pages read until
tables and paragraphs are joined, then given the sheet's number back (``_on_sheets``);
boxes stay on the sheet. Either way:

1. ``_visible``: drop invisible drawing objects (white filled boxes that word processors
   draw behind text lines), so that only real rules make table borders;
2. ``_find_fragments``: ruled tables, with horizontal lines added at the vertical rules'
   extent (a table cut by a page break has no closing rule), turned into cell records on
   their own column/row boundaries; characters are assigned to cells by position;
3. ``_lines_outside``: the text lines outside tables, page numbers dropped; on a page
   without any ruled table, ``_aligned_tables`` looks for tables by text alignment (runs
   of lines ending in numbers set apart by wide gaps; value columns from the numbers'
   x-ranges and the headings' words over columns no number stands in, the headings a page
   ended with carried to the table that opens the next; wrapped label lines joined to the
   row on the side of the smaller gap);
4. ``_stitch``: table fragments that continue on the next page are joined (column
   boundaries merged, repeated header rows dropped, a row split by the page break glued
   back, merged label cells continued);
5. paragraphs are cut from the lines by indentation, short lines, headings and font size.

Memory stays bounded by the page, not the file: a page's characters are dropped once its
lines and tables are made (only their text and boxes are kept), pypdfium2's document is
reopened every ``pdf_tables.REOPEN_PAGES`` pages (PDFium keeps every font and image it has
loaded until the document is closed) and pdfplumber's every ``PLUMBER_REOPEN_PAGES``. A
file with more than ``MAX_PAGES`` pages (``NIANBAO_PDF_MAX_PAGES``) is refused from its
page count, before any page is read. Every pypdfium2 call holds ``PDFIUM_LOCK``.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import re
import statistics
import warnings
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..errors import (
    BrokenFile,
    EncryptedPdf,
    InputTooLarge,
    ScannedPdf,
    UndecodableText,
    UnusableInput,
)
from .document import Cell, Document
from .grid import DocumentBuilder, SpanGrid, cluster_values, merge_ranges, strip_invisible
from .pdfium_lock import PDFIUM_LOCK

__all__ = ["read_pdf", "max_pages", "MAX_PAGES", "ENV_MAX_PAGES", "PDF_MEDIA_TYPE"]

MAX_PAGES = 2000  # default page limit; a 1,000-page file is read in about 0.2 GB
ENV_MAX_PAGES = "NIANBAO_PDF_MAX_PAGES"
PLUMBER_REOPEN_PAGES = 32  # pdfminer caches what it parsed until the file is closed
# pdfplumber reads a page at about 40 µs a character: a page our table finder leaves and
# that holds more characters than this (a report page holds 1,000–5,000) is read as lines of
# text through PDFium, without looking for tables in it, and a note says so
PLUMBER_MAX_CHARS = 20_000
# and once the pages pdfplumber read hold this many characters in all, plus as many again
# per MiB of the file (about 1.6 s + 1.6 s a MiB; a whole report holds 15,000–60,000), the
# rest of the pages it would read are read so too
PLUMBER_MAX_DOC_CHARS = 40_000
# the same for the characters our own reader takes one by one (about 8 µs each): beyond
# this many, plus as many again per MiB, pages are read as lines of text through PDFium
FAST_MAX_DOC_CHARS = 200_000
# pdfminer parses content streams at about 4 µs a decoded byte whatever they draw (the pages
# of the sample PDFs hold up to 44 KB each, 120–140 KB in all): the content pdfminer parses
# in one file is bounded to this many bytes, plus as many again per MiB of the file (about
# 1 s + 1 s a MiB), counted as it parses them (a page's streams, and a form's each time a
# page draws it); a page that would go past it is read as lines of text through PDFium
PLUMBER_MAX_DOC_CONTENT = 256 * 1024
PDF_MEDIA_TYPE = "application/pdf"

SNAP = 2.0  # points: boundaries closer than this inside one table are the same rule
STITCH_SNAP = 4.5  # points: column boundaries of two fragments of one table
STITCH_EXTENT = 8.0  # points: left/right edges of two fragments of one table
MIN_TEXT_CHARS = 10  # fewer non-blank characters than this in the whole file = a scan

_WHITE = {(1.0,), (1.0, 1.0, 1.0), (0.0, 0.0, 0.0, 0.0)}
# a number cell: digits, blanks, separators, % and signs, with a digit after the last sign
_NUMBER_CHARS = re.compile(r"[\s\d.,，．%％+\-－]*+")
_DIGITS = re.compile(r"[\d.,，]+")
_ENUMERATOR = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、．.]|\d+\s*[.、．])"
)
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、．.]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+[章节部分])"
)
# a section heading on its own line (not a row label such as （一）予以公开 or 一、本年新收…)
# the ordinal a row label of the national tables opens with: 二、 （一） 1.
_ROW_ORDINAL = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,2}\s*、|[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[)）]|\d{1,2}\s*[.．、])"
)
# the band of 表二 that names the article a group of its rows reports under (第二十条 第（五）项):
# a row of its own across the table, never the wrapped end of the label above it
_ARTICLE_BAND = re.compile(
    r"第[一二三四五六七八九十]{1,3}条(?:第[（(][一二三四五六七八九十]{1,3}[)）]项)+"
)
_SECTION_LINE = re.compile(
    r"^\s*[一二三四五六七八九十]+\s*[、．.].{0,40}(?:情况|事项|问题|工作|报告)\s*$"
)
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·•]*(?:第\s*)?[\d０-９]{1,4}(?:\s*页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[\s\-—–－_·•]*$"
)
_MARGIN = 0.09  # top/bottom share of the page where running heads and page numbers sit


@dataclass
class _Rec:
    """A cell of a table fragment: its slot range on the fragment's grid."""

    r0: int
    r1: int
    c0: int
    c1: int
    text: str
    page: int
    bbox: tuple[float, float, float, float]


@dataclass
class _Frag:
    """A ruled table (or the part of one that sits on one page)."""

    page: int
    last_page: int
    bbox: tuple[float, float, float, float]
    xs: list[float]
    n_rows: int
    recs: list[_Rec]
    ruled: bool = True  # False: found by text alignment (never stitched across pages)
    bands: list[list[float]] | None = None  # unruled: the x-ranges of its value columns
    # unruled, going on from the page before: its first row is the end of the label of the
    # row that page ended with (label lines only, no ordinal), for ``_glue_lead``
    lead: bool = False

    @property
    def top(self) -> float:
        return self.bbox[1]


@dataclass
class _Line:
    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    in_margin: bool = False  # in the top/bottom band where running heads and feet sit
    chars: list[dict[str, Any]] = field(default_factory=list, repr=False)


@dataclass
class _Para:
    lines: list[_Line] = field(default_factory=list)


# --------------------------------------------------------------------------- opening


def max_pages() -> int:
    """The page limit: ``NIANBAO_PDF_MAX_PAGES`` when set to a positive whole number, else
    :data:`MAX_PAGES`."""
    raw = os.environ.get(ENV_MAX_PAGES, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return MAX_PAGES


def _probe(data: bytes) -> int:
    """Open with pypdfium2: page count, encryption and scan detection. Returns the count."""
    with PDFIUM_LOCK:
        return _probe_locked(data)


def _probe_locked(data: bytes) -> int:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as e:  # PdfiumError, or anything else the binding raises
        if getattr(e, "err_code", None) == 4 or "password" in str(e).lower():
            raise EncryptedPdf(
                "PDF 文件已加密（需要密码），无法读取。请提供未加密的文件。"
            ) from None
        raise BrokenFile("PDF 文件已损坏或不完整，无法打开。请重新下载或导出该文件。") from None
    try:
        return _count_pages_and_text(pdf)
    except (InputTooLarge, ScannedPdf, BrokenFile):
        raise
    except Exception:
        raise BrokenFile("PDF 文件已损坏或不完整，页面无法读取。") from None
    finally:
        _close(pdf)


def _close(obj: Any) -> None:
    """Close a PDF or page; a broken file may fail even here (pdfminer, pypdfium2), and that
    must neither escape nor hide the error that is on its way."""
    try:
        obj.close()
    except Exception:  # noqa: BLE001, S110
        pass


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pdfminer's English warnings (logging and ``warnings``) do not reach the user."""
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _count_pages_and_text(pdf: Any) -> int:
    """Page count (refusing too many) and a scan check: some text on some page."""
    n = len(pdf)
    if n == 0:
        raise BrokenFile("PDF 文件没有页面，可能已损坏。")
    limit = max_pages()
    if n > limit:
        raise InputTooLarge(
            f"PDF 共 {n} 页，超过上限 {limit} 页；年度报告通常只有几页，请检查文件"
            f"（如确需读取，可用环境变量 {ENV_MAX_PAGES} 调高上限）。"
        )
    chars = 0
    for i in range(n):
        page = pdf[i]
        try:
            tp = page.get_textpage()
            try:
                chars += len("".join(tp.get_text_range().split()))
            finally:
                tp.close()
        finally:
            page.close()
        if chars >= MIN_TEXT_CHARS:
            break
    if chars < MIN_TEXT_CHARS:
        raise ScannedPdf(
            "PDF 是扫描件，无文字层：页面只有图像，没有可提取的文字。请先做文字识别（OCR）再读取。"
        )
    return n


# a page whose characters come in this many sizes or more (0.1 pt apart), none of them
# most of the page's, is a text layer fitted to a scan's words (a typeset page has a few)
FITTED_SIZES = 12
# the tangent of the largest angle text may stand askew and still be read as upright (2°)
_SKEW = 0.035


def _visible(obj: dict[str, Any]) -> bool:
    """Keep every object except rects that draw nothing a reader would see as a rule
    (unstroked rects are only rules when thin and not white) and characters set at a
    slant (a watermark drawn across the page: its characters joined the cells under it).
    A slant is an angle, not a matrix entry: a scan's text layer turned a little with the
    page (0.2–0.6°, the scan placed askew) is its text, kept (taken by the entry, all of a
    layer set at a font size of 1 and scaled by the page's matrix was dropped, and the
    page read as an image)."""
    if obj.get("object_type") == "char":
        m = obj.get("matrix")
        if m and len(m) >= 4 and abs(m[1]) > _SKEW * abs(m[0]) and abs(m[0]) > _SKEW * abs(m[1]):
            return False  # neither upright nor turned a quarter: slanted
        return True
    kind = obj.get("object_type")
    if kind == "curve" and _boxlike(obj.get("pts") or ()):
        kind = "rect"  # a box on a turned page: pdfminer makes rects only of upright ones
    if kind != "rect" or obj.get("stroke"):
        return True
    if not obj.get("fill"):
        return False
    color = obj.get("non_stroking_color")
    if isinstance(color, list):
        color = tuple(color)
    if color in _WHITE or color == 1 or color == 1.0:
        return False
    return min(obj.get("width", 0.0), obj.get("height", 0.0)) < 3.0


def _text_turn(matrix: Any) -> int:
    """How far (clockwise, in degrees) a character's matrix turns its text as shown."""
    if not matrix or len(matrix) < 2:
        return 0
    a, b = matrix[0], matrix[1]
    if abs(b) > abs(a):
        return 90 if b < 0 else 270
    return 180 if a < 0 else 0


def _turn_upright(page: Any) -> None:
    """Turn a page whose text runs sideways or upside down as shown (a landscape table
    printed on a portrait page, a page scanned or placed turned) so that it reads upright:
    every object's box (and a path's points) moved as the page is turned, the page's box
    with them. Read as it lay, each character stood on a line of its own and a page of
    tables read as no report at all. Nothing is done where most characters stand upright."""
    chars = page.objects.get("char") or []
    if not chars:
        return
    turns = Counter(_text_turn(c.get("matrix")) for c in chars)
    turn, n = turns.most_common(1)[0]
    if turn == 0 or n < 0.6 * len(chars):
        return
    nw, nh = _turn_objects(
        (o for objs in page.objects.values() for o in objs), turn, page.bbox, (0.0, 0.0), None
    )
    page.bbox = (0, 0, nw, nh)


def _turn_objects(
    objs: Iterator[dict[str, Any]] | list[dict[str, Any]],
    turn: int,
    box: Sequence[float],
    origin: tuple[float, float],
    height: float | None,
) -> tuple[float, float]:
    """Move ``objs`` (their boxes, a path's points) as the region ``box`` is turned back by
    ``turn`` (clockwise degrees its text runs, ``_text_turn``) to read upright, its top-left
    corner put at ``origin``; the y0/y1 of the objects from the bottom of a page ``height``
    high (None: of the region turned). Returns the turned region's width and height."""
    bx0, btop, bx1, bbottom = box
    w, h = bx1 - bx0, bbottom - btop

    def moved(x: float, y: float) -> tuple[float, float]:
        x, y = x - bx0, y - btop
        if turn == 90:
            x, y = y, w - x
        elif turn == 270:
            x, y = h - y, x
        else:
            x, y = w - x, h - y
        return x + origin[0], y + origin[1]

    nw, nh = (h, w) if turn in (90, 270) else (w, h)
    bottom = height if height is not None else nh
    for o in objs:
        if not all(isinstance(o.get(k), (int, float)) for k in ("x0", "x1", "top", "bottom")):
            continue
        (ax, ay), (cx, cy) = moved(o["x0"], o["top"]), moved(o["x1"], o["bottom"])
        shift = o.get("doctop", o["top"]) - o["top"]
        o["x0"], o["x1"] = min(ax, cx), max(ax, cx)
        o["top"], o["bottom"] = min(ay, cy), max(ay, cy)
        o["doctop"] = o["top"] + shift
        o["width"], o["height"] = o["x1"] - o["x0"], o["bottom"] - o["top"]
        o["y0"], o["y1"] = bottom - o["bottom"], bottom - o["top"]
        if o.get("pts"):
            o["pts"] = [moved(x, y) for x, y in o["pts"]]
        if o.get("object_type") == "char":
            o["upright"] = True
    return nw, nh


def _straighten(page: Any) -> None:
    """Set upright the characters of a page whose text stands a little askew, all alike (a
    scan's text layer following the paper placed askew on the scanner, 0.1–2°): each
    character's box moved as its centre is turned back about the page's centre. Across a
    table 450 pt wide, 0.5° raises a row's last cells 4 pt over its label, and the numbers
    of a row joined the row below, silently. Nothing is done where the characters stand
    upright or at angles of their own."""
    chars = page.objects.get("char") or []
    if len(chars) < 20:
        return
    angles = []
    for c in chars:
        m = c.get("matrix")
        if m and len(m) >= 4 and m[0] > 0 and abs(m[1]) <= _SKEW * m[0]:
            angles.append(math.atan2(m[1], m[0]))
    if len(angles) < 0.6 * len(chars):
        return
    turn = statistics.median(angles)
    if abs(turn) < 0.001 or sum(abs(a - turn) < 0.002 for a in angles) < 0.6 * len(chars):
        return
    bx0, btop, bx1, bbottom = page.bbox
    mx, my = (bx0 + bx1) / 2, (btop + bbottom) / 2
    cos, sin = math.cos(turn), math.sin(turn)
    for o in chars:
        if not all(isinstance(o.get(k), (int, float)) for k in ("x0", "x1", "top", "bottom")):
            continue
        # (top-down coordinates: the text turned by ``turn`` counter-clockwise as shown is
        # turned back clockwise, which is counter-clockwise with y running down)
        dx, dy = (o["x0"] + o["x1"]) / 2 - mx, (o["top"] + o["bottom"]) / 2 - my
        nx, ny = cos * dx - sin * dy, sin * dx + cos * dy
        sx, sy = nx - dx, ny - dy
        o["x0"], o["x1"] = o["x0"] + sx, o["x1"] + sx
        o["top"], o["bottom"] = o["top"] + sy, o["bottom"] + sy
        if "doctop" in o:
            o["doctop"] += sy
        if "y0" in o:
            o["y0"], o["y1"] = o["y0"] - sy, o["y1"] - sy


def _level_fitted(page: Any) -> None:
    """Give one height to the characters of a text layer fitted to a scan's words: a
    recogniser sets each word at the size of its box (digits lower than CJK), so the
    layer holds sizes by the dozen where a typeset page holds a few. Lines are grouped by
    their characters' tops: a row's numbers, set larger or smaller than its label, stood on
    lines of their own and the row lost them (its total then read blank and a sum blamed on
    the report). Each character's top is put the median size above its bottom, which
    stays on the line its word stands on."""
    chars = page.objects.get("char") or []
    if len(chars) < 50:
        return
    sizes = Counter(round(float(c.get("size") or 0.0), 1) for c in chars)
    if len(sizes) < FITTED_SIZES or sizes.most_common(1)[0][1] > 0.5 * len(chars):
        return
    size = statistics.median(c["bottom"] - c["top"] for c in chars)
    for c in chars:
        shift = c.get("doctop", c["top"]) - c["top"]
        c["top"] = c["bottom"] - size
        c["doctop"] = c["top"] + shift
        c["height"] = size
        if "y0" in c:
            c["y1"] = c["y0"] + size


def _boxlike(pts: Sequence[tuple[float, float]]) -> bool:
    """Whether a path's points draw an upright box (four corners, maybe closed again)."""
    if len(pts) == 5 and pts[0] == pts[4] or len(pts) == 4:
        xs = sorted({round(x, 1) for x, _ in pts})
        ys = sorted({round(y, 1) for _, y in pts})
        return len(xs) == 2 and len(ys) == 2
    return False


# --------------------------------------------------------------------------- tables


def _index(bounds: list[float], v: float) -> int:
    """Index of the boundary nearest to ``v``."""
    i = bisect_right(bounds, v)
    if i == 0:
        return 0
    if i == len(bounds):
        return len(bounds) - 1
    return i if bounds[i] - v < v - bounds[i - 1] else i - 1


def _cell_text(raw: str) -> str:
    """A cell's lines joined with "\n"; a number wrapped in a narrow cell (300 / 1) is
    joined back into one (a cell holds one value)."""
    lines = [ln.strip() for ln in strip_invisible(raw).split("\n")]
    lines = [ln for ln in lines if ln]
    if len(lines) > 1 and all(_DIGITS.fullmatch(ln) for ln in lines):
        return "".join(lines)
    return "\n".join(lines)


def _find_fragments(page: Any, pno: int, taken: set[int]) -> list[_Frag]:
    """Ruled tables of a page; the ids of the characters put into cells go into ``taken``."""
    from pdfplumber.utils import extract_text

    vert = [e for e in page.edges if e["orientation"] == "v"]
    settings: dict[str, Any] = {}
    if vert:
        settings["explicit_horizontal_lines"] = [
            min(e["top"] for e in vert),
            max(e["bottom"] for e in vert),
        ]
    frags: list[_Frag] = []
    for table in page.find_tables(settings):
        cells = [tuple(c) for c in table.cells]
        xs = cluster_values([c[0] for c in cells] + [c[2] for c in cells], SNAP)
        ys = cluster_values([c[1] for c in cells] + [c[3] for c in cells], SNAP)
        if len(xs) < 3 or len(ys) < 2:  # one column: a framed box, not a table
            continue
        recs: list[_Rec] = []
        slot: dict[tuple[int, int], int] = {}
        for x0, top, x1, bottom in _no_enclosing(cells):
            r0, r1 = _index(ys, top), _index(ys, bottom)
            c0, c1 = _index(xs, x0), _index(xs, x1)
            if r1 <= r0 or c1 <= c0:
                continue
            k = len(recs)
            recs.append(_Rec(r0, r1, c0, c1, "", pno, (x0, top, x1, bottom)))
            for r in range(r0, r1):
                for c in range(c0, c1):
                    slot.setdefault((r, c), k)
        chars: list[list[dict[str, Any]]] = [[] for _ in recs]
        x_lo, top_lo, x_hi, bottom_hi = table.bbox
        inside = [
            ch
            for ch in page.chars
            if x_lo <= (ch["x0"] + ch["x1"]) / 2 <= x_hi
            and top_lo <= (ch["top"] + ch["bottom"]) / 2 <= bottom_hi
        ]
        mark = {id(ch) for ch in _oversized(inside, ys)}  # a level watermark over the table
        taken |= mark
        for ch in inside:
            if id(ch) in mark:
                continue
            cx = (ch["x0"] + ch["x1"]) / 2
            cy = (ch["top"] + ch["bottom"]) / 2
            c = bisect_right(xs, cx) - 1
            r = bisect_right(ys, cy) - 1
            k = slot.get((r, c), -1)
            if k >= 0:
                chars[k].append(ch)
                taken.add(id(ch))
        for rec, cs in zip(recs, chars):
            if cs:
                rec.text = _cell_text(extract_text(cs))
        frags.append(_Frag(pno, pno, (x_lo, top_lo, x_hi, bottom_hi), xs, len(ys) - 1, recs))
    return frags


_CellBox = TypeVar("_CellBox", bound=tuple[float, ...])


def _no_enclosing(cells: list[_CellBox]) -> list[_CellBox]:
    """The cells of a table but those that hold another of its cells: where a rule stops
    short (Chromium prints the part of a cell spanning rows that goes over the page
    without its right border), the corner search runs on past the cells beyond the gap
    and finds a cell around them (three label columns by seven rows, every label in it:
    the rows all had one label, and the rows' values were given to the wrong rows). The
    cells within are the table's; the cell around them is no cell."""
    if len(cells) < 2:
        return cells
    eps = 0.5
    order = sorted(range(len(cells)), key=lambda i: cells[i][0])
    starts = [cells[i][0] for i in order]
    out = []
    for a in cells:
        x0, top, x1, bottom = a[0], a[1], a[2], a[3]
        holds = False
        for i in range(bisect_left(starts, x0 - eps), len(order)):
            b = cells[order[i]]
            if b[0] > x1 + eps:
                break
            if (
                b is not a
                and b[1] >= top - eps
                and b[2] <= x1 + eps
                and b[3] <= bottom + eps
                and (b[2] - b[0]) * (b[3] - b[1]) < (x1 - x0) * (bottom - top) - 1.0
            ):
                holds = True
                break
        if not holds:
            out.append(a)
    return out


# a character this many times the middle size of a table's characters is no cell text
OVERSIZED = 3.0


def _oversized(chars: list[dict[str, Any]], ys: list[float]) -> list[dict[str, Any]]:
    """The characters over a table (centres in its box, ``ys`` its row bounds) set at
    OVERSIZED times their middle size or more and taller than the row they stand in: a
    watermark set level across the page in large light letters (仅 供 参 考 at 60 pt over
    rows of cells of 10 pt). Read as cell text they joined the cells under them (「参\n0」
    unread, a heading cell of 表四 no longer known and the table unread); they are left
    out of the page's text, as a slanted watermark is. (Text that fits its row, a title
    set large in a row of its own, is the table's.)"""
    if len(chars) < 8:
        return []
    sizes = sorted(float(ch.get("size") or 0.0) for ch in chars)
    middle = sizes[len(sizes) // 2]
    if middle <= 0:
        return []
    out = []
    for ch in chars:
        if float(ch.get("size") or 0.0) < OVERSIZED * middle:
            continue
        r = bisect_right(ys, (ch["top"] + ch["bottom"]) / 2) - 1
        if 0 <= r < len(ys) - 1 and ch["bottom"] - ch["top"] > ys[r + 1] - ys[r]:
            out.append(ch)
    return out


def _row_recs(frag: _Frag, r: int) -> list[_Rec]:
    return sorted((x for x in frag.recs if x.r0 == r), key=lambda x: x.c0)


def _row_spans(frag: _Frag, r: int) -> tuple[tuple[int, int, int, str], ...]:
    """The cells opening row ``r``: their columns, rows spanned and text (spaces out)."""
    return tuple((x.c0, x.c1, x.r1 - x.r0, re.sub(r"\s+", "", x.text)) for x in _row_recs(frag, r))


def _is_number(text: str) -> bool:
    """What ``^[\\s\\d.,，．%％+\\-－]*\\d[\\s\\d.,，．%％]*$`` matches, in linear time (the
    pattern backtracked over every digit of a long run that ends in another character)."""
    if not _NUMBER_CHARS.fullmatch(text):
        return False
    last = max(text.rfind("+"), text.rfind("-"), text.rfind("－"))
    return any(ch.isdecimal() for ch in text[last + 1 :])


def _continues(a: _Frag, b: _Frag) -> bool:
    """Is ``b`` (first block on its page) the rest of ``a`` (last block on the page before)?"""
    return (
        a.ruled
        and b.ruled
        and b.page == a.last_page + 1
        and abs(a.bbox[0] - b.bbox[0]) <= STITCH_EXTENT
        and abs(a.bbox[2] - b.bbox[2]) <= STITCH_EXTENT
    )


def _split_rest(first: list[_Rec], above: Any) -> bool:
    """Whether the numbers of ``first`` (the first row on the new page) let it be the rest
    of the row above, split by the page break: none, or — the row's label all on the page
    before, no label text here — only digits below a number (a number wrapped in a
    narrow cell whose last digits went over the page: 300 / 1 was read 300)."""
    numbers = [x for x in first if _is_number(x.text)]
    if not numbers:
        return True
    if any(x.text.strip() for x in first if not _is_number(x.text)):
        return False
    for x in numbers:
        ab = above(x)
        if not x.text.strip().isdecimal() or ab is None or not _is_number(ab.text):
            return False
    return True


def _stitch(a: _Frag, b: _Frag) -> _Frag:
    """Append fragment ``b`` to ``a`` on a common set of column boundaries."""
    xs = cluster_values(a.xs + b.xs, STITCH_SNAP)
    for frag in (a, b):
        for rec in frag.recs:
            rec.c0 = _index(xs, frag.xs[rec.c0])
            rec.c1 = _index(xs, frag.xs[rec.c1])
    a.xs = b.xs = xs
    n = a.n_rows

    # 1. header rows repeated at the top of the new page: the rows that repeat the first
    # rows of ``a``, up to the last row where no cell of theirs spans on below (a heading
    # cell spanning three rows, 本列数据的勾稽关系…, closes the block at its third row; taken
    # row by row the block was never dropped, and the rest of a row split by the page
    # break, under it, was read as a blank row of its own: the row's values were lost)
    drop = k = 0
    while k < min(a.n_rows, b.n_rows) and _row_spans(b, k) and _row_spans(b, k) == _row_spans(a, k):
        k += 1
        if all(x.r1 <= k for x in b.recs if x.r0 < k):
            drop = k
    b.recs = [x for x in b.recs if x.r0 >= drop]
    for x in b.recs:
        x.r0 -= drop
        x.r1 -= drop
    b_rows = b.n_rows - drop

    def above(rec: _Rec) -> _Rec | None:
        for x in a.recs:
            if x.r0 <= n - 1 < x.r1 and x.c0 == rec.c0 and x.c1 == rec.c1:
                return x
        return None

    first = _row_recs(b, 0) if b_rows else []
    last_has_numbers = any(_is_number(x.text) for x in a.recs if x.r0 <= n - 1 < x.r1)
    glued: set[int] = set()
    shift = n
    if (
        first
        and last_has_numbers
        and _split_rest(first, above)
        and any(x.text.strip() for x in first)
        and all(above(x) is not None for x in first)
        # (a row of its own: its label opens with an ordinal or names a row of the
        # national tables, or a cell holds a placeholder such as /: a blank row at the top
        # of the page took the values of the row above, silently)
        and not any(_own_row(x.text, above(x)) for x in first if x.text.strip())
    ):
        # 2. a row split by the page break: glue its label text onto the row above
        for x in first:
            ab = above(x)
            assert ab is not None
            if _is_number(x.text):  # the last digits of a number wrapped in its cell
                # joined with a space: the number is read whole, and the digits set apart
                # show that reading as an inference (R-NON-NUMERIC names the cell)
                ab.text = f"{ab.text.rstrip()} {x.text.strip()}"
            elif x.text.strip():
                ab.text = f"{ab.text}\n{x.text}" if ab.text else x.text
            ab.r1 = max(ab.r1, n + x.r1 - 1)
            glued.add(id(x))
        shift = n - 1  # b's row 0 is gone: its row k becomes row n - 1 + k
    elif first:
        # 3. merged label cells (row groups) that the page break cut in two
        # (a placeholder, —, /, is a value cell's, not a label: glued as a label, a row of
        # 「—」 cells went into the row above over the page break and both rows were lost)
        for x in first:
            if _is_number(x.text) or _is_placeholder(x.text):
                continue
            has_label_right = any(
                y.c0 >= x.c1
                and y.text.strip()
                and not _is_number(y.text)
                and not _is_placeholder(y.text)
                for y in first
            )
            if not has_label_right:
                continue
            ab = above(x)
            if ab is None or ab.r1 != n or _is_number(ab.text):
                continue
            if x.text.strip() and _ENUMERATOR.match(x.text):
                continue
            if x.text.strip():
                ab.text = f"{ab.text}\n{x.text}" if ab.text else x.text
            ab.r1 = n + x.r1
            glued.add(id(x))
    for x in b.recs:
        if id(x) in glued:
            continue
        x.r0 += shift
        x.r1 += shift
        a.recs.append(x)
    a.n_rows = shift + b_rows
    a.last_page = b.page
    return a


def _glue_lead(a: _Frag, b: _Frag) -> None:
    """The first row of ``b`` (an unruled table going on from the page before, its first
    row the label lines that open the page) goes onto the label of the last row of ``a``
    when ``_own_row`` says it is no row of its own (5.要求行政机 / 关确认或重新出具已获取
    信息: read as a blank row of its own, it took the row's place, its values were lost and
    the totals blamed)."""
    first = [x for x in b.recs if x.r0 == 0]
    if any(_is_number(x.text) for x in first) or not b.n_rows:
        return
    text = "".join(x.text.strip() for x in sorted(first, key=lambda x: x.c0))
    labels = [
        x
        for x in a.recs
        if x.r0 <= a.n_rows - 1 < x.r1 and x.text.strip() and not _is_number(x.text)
    ]
    if not text or not labels:
        return
    above = max(labels, key=lambda x: x.c0)
    if _own_row(text, above):
        return
    above.text = f"{above.text}\n{text}"
    b.recs = [x for x in b.recs if x.r0 > 0]
    for x in b.recs:
        x.r0 -= 1
        x.r1 -= 1
    b.n_rows -= 1


def _frag_grid(frag: _Frag) -> SpanGrid:
    """The dense grid of a (stitched) fragment; slots no cell covers count as covered by
    their left (else upper) neighbour, as pdfplumber's ``None``."""
    n_cols = len(frag.xs) - 1
    owner: dict[tuple[int, int], _Rec] = {}
    for x in frag.recs:
        for r in range(x.r0, min(x.r1, frag.n_rows)):
            for c in range(x.c0, min(x.c1, n_cols)):
                owner.setdefault((r, c), x)
    rows: list[list[Cell]] = []
    anchor_of: dict[tuple[int, int], tuple[int, int]] = {}
    for r in range(frag.n_rows):
        row: list[Cell] = []
        for c in range(n_cols):
            rec = owner.get((r, c))
            if rec is not None and (rec.r0, rec.c0) == (r, c):
                row.append(Cell(rec.text, row=r, col=c, page=rec.page, bbox=rec.bbox))
                continue
            if rec is not None:
                anchor = (rec.r0, rec.c0)
            elif c > 0:
                anchor = anchor_of.get((r, c - 1), (r, c - 1))
            elif r > 0:
                anchor = anchor_of.get((r - 1, c), (r - 1, c))
            else:
                row.append(Cell("", row=r, col=c, page=frag.page))
                continue
            ar, ac = anchor
            src = row[ac] if ar == r else rows[ar][ac]
            row.append(Cell(src.text, row=r, col=c, covered=True, page=src.page, bbox=src.bbox))
            anchor_of[(r, c)] = anchor
        rows.append(row)
    return SpanGrid(rows, anchor_of)


# --------------------------------------------------------------------------- text lines


def _lines_outside(page: Any, pno: int, taken: set[int], top: float = 0.0) -> list[_Line]:
    """Text lines of the characters that no table cell took (``top``: where the page read
    begins on the sheet, for a page of a 2-up sheet)."""
    src = page.filter(lambda o: id(o) not in taken) if taken else page
    extracted = src.extract_text_lines(strip=True, return_chars=True)
    return _text_lines(extracted, pno, page.height, top)


def _text_lines(
    extracted: list[dict[str, Any]], pno: int, height: float, top: float = 0.0
) -> list[_Line]:
    """``_Line``s of pdfplumber's text lines, page numbers dropped: a number alone in the
    page's top or bottom band, unless the label of a table row stands beside it (``_row_value``:
    a cell printed without borders, 行政事业性收 / 0 / 费 at the top of a page, was dropped
    as a page number and lost silently). The page is ``height`` high from ``top`` down (a
    page of a 2-up sheet: the part of the sheet it stands on)."""
    height = float(height)
    lines: list[_Line] = []
    numbers: list[_Line] = []
    for ln in extracted:
        text = strip_invisible(ln["text"]).strip()
        if not text:
            continue
        in_margin = (
            ln["bottom"] > top + height * (1 - _MARGIN) or ln["top"] < top + height * _MARGIN
        )
        sizes = [c.get("size", 0.0) for c in ln["chars"] if c["text"].strip()]
        size = statistics.median(sizes) if sizes else 0.0
        line = _Line(
            text, pno, ln["x0"], ln["x1"], ln["top"], ln["bottom"], size, in_margin, ln["chars"]
        )
        (numbers if in_margin and _PAGE_NUMBER.match(text) else lines).append(line)
    lines = _join_level_lines(lines)
    if not numbers:
        return lines
    kept = [n for n in numbers if _row_value(n, lines)]
    return sorted(lines + kept, key=lambda ln: ln.top) if kept else lines


_NUMBERS_ONLY = re.compile(r"[\d.,，\s]+")


def _join_level_lines(lines: list[_Line]) -> list[_Line]:
    """Lines side by side that share most of their height, one line: a number set in
    another font than its label (its box a few points lower, more than pdfplumber's
    tolerance) or aligned to its cell's bottom beside the label's last line stands on the
    label's line (行政事业性收费 … 7545 read as two lines lost the row and called it
    missing). Only numbers right of a text without digits are joined; lines above one
    another, or overlapping by under 60 % of the lower one's height (a value centred
    between a label's two lines), stay apart."""
    out: list[_Line] = []
    for ln in lines:
        for k in range(len(out) - 1, max(-1, len(out) - 4), -1):
            o = out[k]
            overlap = min(o.bottom, ln.bottom) - max(o.top, ln.top)
            height = min(o.bottom - o.top, ln.bottom - ln.top)
            left, right = (o, ln) if o.x0 < ln.x0 else (ln, o)
            if (
                height > 0
                and overlap >= 0.6 * height
                and left.x1 <= right.x0
                and o.in_margin == ln.in_margin
                and _NUMBERS_ONLY.fullmatch(right.text)
                and not any(ch.isdigit() for ch in left.text)
            ):
                out[k] = _Line(
                    f"{left.text} {right.text}",
                    o.page,
                    left.x0,
                    max(o.x1, ln.x1),
                    min(o.top, ln.top),
                    max(o.bottom, ln.bottom),
                    max(o.size, ln.size),
                    o.in_margin,
                    sorted(left.chars + right.chars, key=lambda c: c["x0"]),
                )
                break
        else:
            out.append(ln)
    return out


def _row_value(number: _Line, lines: list[_Line]) -> bool:
    """Is ``number`` the value of a table row, its label beside it on the left: a line of
    the same height that names a row of the national tables, or two (above and below)
    that do when joined?"""
    size = number.size or 10.0
    beside = sorted(
        (
            ln
            for ln in lines
            if ln.x1 < number.x0
            and number.x0 - ln.x1 < 20 * size
            and ln.top < number.bottom + 0.5 * size
            and number.top < ln.bottom + 0.5 * size
        ),
        key=lambda ln: ln.top,
    )
    if any(_is_row_label(ln.text.replace(" ", "")) for ln in beside):
        return True
    return len(beside) == 2 and _is_row_label("".join(ln.text for ln in beside).replace(" ", ""))


def _dense_page_lines(runs: list[tuple[str, float, float, float, float]], pno: int) -> list[_Line]:
    """Lines of a page read as text only (``FastPages.dense_lines``), with their boxes."""
    lines = []
    for text, x0, top, x1, bottom in runs:
        text = strip_invisible(text).strip()
        if text:
            lines.append(_Line(text, pno, x0, x1, top, bottom, max(bottom - top, 0.0)))
    return lines


# --------------------------------------------------------------------------- unruled tables


@dataclass
class _Seg:
    """A run of characters on one line, separated from the next run by a wide gap."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def _segments(line: _Line) -> list[_Seg]:

    chars = sorted((c for c in line.chars if c["text"].strip()), key=lambda c: c["x0"])
    gap = max(line.size, 6.0)
    # two numbers in neighbouring columns set close together (4697 after 316), or a number
    # set close after a label that fills its cell: the characters of one word or number
    # touch, so a visible gap before a digit parts two cells
    digit_gap = 0.3 * max(line.size, 6.0)
    runs: list[list[dict[str, Any]]] = []
    for ch in chars:
        apart = ch["x0"] - runs[-1][-1]["x1"] if runs else 0.0
        if (
            runs
            and apart <= gap
            and not (
                apart > digit_gap
                and ch["text"].isdigit()
                and runs[-1][-1]["text"] not in "+-－.,，（("
            )
        ):
            runs[-1].append(ch)
        else:
            runs.append([ch])
    return [_seg_of(run) for run in runs]


def _seg_of(run: list[dict[str, Any]]) -> _Seg:
    """The segment of a run of characters: its text and the box around them."""
    from pdfplumber.utils import extract_text

    return _Seg(
        strip_invisible(extract_text(run)).strip(),
        min(c["x0"] for c in run),
        max(c["x1"] for c in run),
        min(c["top"] for c in run),
        max(c["bottom"] for c in run),
    )


def _digits_off(line: _Line, seg: _Seg, label_end: float, size: float) -> list[_Seg]:
    """``seg`` (text, then digits touching it) cut before its digits when they start in
    the first value column (at ``label_end`` or right of it, less a quarter of the font
    size) and its text left of it."""
    m = re.search(r"\d+$", seg.text)
    if m is None or m.start() == 0 or seg.x1 <= label_end:
        return [seg]
    chars = sorted(
        (
            c
            for c in line.chars
            if c["text"].strip() and seg.x0 - 0.5 <= c["x0"] and c["x1"] <= seg.x1 + 0.5
        ),
        key=lambda c: c["x0"],
    )
    n = len(m.group())
    if len(chars) <= n or not all(c["text"].isdigit() for c in chars[-n:]):
        return [seg]
    if chars[-n]["x0"] < label_end - 0.25 * size or chars[-n - 1]["text"].isdigit():
        return [seg]
    return _split_at(line, seg, [chars[-n]["x0"]], size, gap=0.0)


def _split_at(
    line: _Line, seg: _Seg, starts: list[float], size: float, gap: float = 0.25
) -> list[_Seg]:
    """``seg`` cut where one of its characters starts within a point of a column start in
    ``starts``, after a gap of ``gap`` times the font size (characters of one cell touch,
    letter-spaced ones stand 2 pt apart at 12 pt)."""

    chars = sorted(
        (
            c
            for c in line.chars
            if c["text"].strip() and seg.x0 - 0.5 <= c["x0"] and c["x1"] <= seg.x1 + 0.5
        ),
        key=lambda c: c["x0"],
    )
    cuts = [
        m
        for m in range(1, len(chars))
        if chars[m]["x0"] - chars[m - 1]["x1"] >= gap * size
        and any(abs(chars[m]["x0"] - x) <= 1.0 for x in starts)
    ]
    if not cuts:
        return [seg]
    return [_seg_of(chars[a:b]) for a, b in zip([0, *cuts], [*cuts, len(chars)])]


def _trailing_numbers(segs: list[_Seg], size: float, left: float) -> int:
    """How many segments at the end of a line are numbers (0 unless it looks like a table
    row: two numbers, one number set well apart from a label, or one number alone far
    right of where the page's lines start: a cell whose row's other numbers stand on
    another line)."""
    n = 0
    while n < len(segs) and _is_number(segs[len(segs) - 1 - n].text):
        n += 1
    if n >= 2 or (n == 1 and len(segs) >= 2 and segs[-1].x0 - segs[-2].x1 >= 2 * size):
        return n
    if n == 1 and len(segs) == 1 and segs[0].x0 - left >= 8 * size:
        return 1
    return 0


def _aligned_tables(lines: list[_Line], pno: int) -> tuple[list[_Line], list[_Frag]]:
    """Tables without rules, found by text alignment on a page that has no ruled table:
    runs of lines ending in column-aligned numbers. Returns the lines left for paragraphs
    and the tables found."""
    if not lines:
        return lines, []
    segs = [_segments(ln) for ln in lines]
    left = min(ln.x0 for ln in lines)
    nums = [_trailing_numbers(sg, ln.size or 10.0, left) for sg, ln in zip(segs, lines)]
    right = max(ln.x1 for ln in lines)
    used: set[int] = set()
    frags: list[_Frag] = []
    i = 0
    while i < len(lines):
        lone = nums[i] == 1 and _wrapped_row(lines, segs, i)
        if not nums[i] or (
            nums[i] == 1
            and lines[i].in_margin
            and not lone
            and not _goes_on(segs[i], frags)
            and not _amid_labels(lines, segs, i, frags)
        ):
            # (a line in the page's top or bottom band with one number set apart from its
            # text starts no table, unless it is a row of the table the page before ended
            # with: else a running head ending in a page number or a year, …报告  2024)
            i += 1
            continue
        # a run of value lines; other lines inside it must look like wrapped labels
        j = last = i
        while j + 1 < len(lines):
            nxt = lines[j + 1]
            size = nxt.size or 10.0
            if nxt.top - lines[j].bottom > 3 * size:
                break
            if not nums[j + 1]:
                prose = len(segs[j + 1]) == 1 and nxt.x1 - nxt.x0 > 0.7 * (right - left)
                # (a section heading wrapped in a narrow page, 三、收到和处理政府信息公开申请
                # / 情况: read on, the next table joined this one, and their numbers made
                # one column of two)
                wrapped = (
                    len(segs[j + 1]) == 1
                    and j + 2 < len(lines)
                    and len(segs[j + 2]) == 1
                    and not nums[j + 2]
                    and _SECTION_LINE.match(nxt.text + lines[j + 2].text)
                )
                if prose or _SECTION_LINE.match(nxt.text) or wrapped:
                    break
            j += 1
            if nums[j]:
                last = j
        value_rows = [k for k in range(i, last + 1) if nums[k]]
        carried = _CARRY_BANDS.get() if not frags else None
        # one row of many numbers is a table too; so is one row that goes on with the
        # table that ended the page before (nothing but its blank rows' labels above it)
        goes_on = (
            carried is not None
            and all(
                ln.x1 < carried[0][0] or _running_head(ln, sg)
                for ln, sg in zip(lines[:i], segs[:i])
            )
            and all(sg.x1 < carried[0][0] for sg in segs[i][: -nums[i]])
        )
        # (a lone line in the page's top or bottom band is a running head that ends in a
        # page number, not a row)
        # (nor is one row of numbers that a row of the national tables' label names, under
        # the table's headings at the foot of a page: left out, the page after lost the
        # table's columns, and its rows with blank cells were unread)
        named = (
            nums[i] >= 2
            and nums[i] < len(segs[i])
            and _row_key("".join(sg.text for sg in segs[i][: -nums[i]]).replace(" ", ""))
            is not None
        )
        if (
            len(value_rows) < 2
            and nums[i] < 4
            and not (goes_on and not lines[i].in_margin)
            and not lone
            and not named
        ):
            i = last + 1
            continue
        end = last
        # wrapped label lines just below the last value line (a row label's and its
        # group's side by side too, 理 / 再处理其政府信息公开 at the foot of a page: left
        # out, they ended the page after the table, and the page after lost its columns)
        while (
            end + 1 < len(lines)
            and not nums[end + 1]
            and len(segs[end + 1]) <= 2
            and lines[end + 1].top - lines[end].bottom < (lines[end].size or 10.0)
            and lines[end + 1].x1 < min(s.x0 for s in segs[last][-nums[last] :])
        ):
            end += 1
        # rows with no values after the last value line, to the end of the run (the foot of
        # the page, when the table goes on): label lines left of the columns, one of them
        # naming a row. Left out, they were prose, the rows were called missing, and the
        # page after lost the table's columns
        # (rows are told apart by an ordinal right of where the value lines' labels start,
        # or the innermost ordinals, as ``_aligned_frag`` does)
        value_x0 = min(s.x0 for s in segs[last][-nums[last] :])
        inner = max(
            (segs[k][: -nums[k]][-1].x0 for k in range(i, last + 1) if 0 < nums[k] < len(segs[k])),
            default=max(
                (
                    sg.x0
                    for k in range(i, j + 1)
                    if not nums[k]
                    for sg in segs[k]
                    if sg.x1 < value_x0 and _ROW_ORDINAL.match(sg.text)
                ),
                default=None,
            ),
        )
        if (
            end < j
            and inner is not None
            and all(not nums[k] and lines[k].x1 < value_x0 for k in range(end + 1, j + 1))
            and any(
                _ROW_ORDINAL.match(sg.text) and sg.x1 > inner and _is_row_label(sg.text)
                for k in range(end + 1, j + 1)
                for sg in segs[k]
            )
        ):
            end = j
        # header lines just above the first value line
        start = i
        carried_x0 = carried[0][0] if carried else 0.0
        while (
            start - 1 >= 0
            and start - 1 not in used
            and not nums[start - 1]
            # (a table's heading may stand in the page's top band, where running heads
            # are looked for: the gap to the line below decides)
            and lines[start].top - lines[start - 1].bottom < 2 * (lines[start].size or 10.0)
            and not _SECTION_LINE.match(lines[start - 1].text)
            and not (
                len(segs[start - 1]) == 1
                and lines[start - 1].x1 - lines[start - 1].x0 > 0.7 * (right - left)
            )
            # (all of a long label the table that goes on from the page before wraps over
            # the top of this page, left of its columns: cut off, the row kept the first
            # words of its label, 1.申请人无正当理由逾, and was read as another row)
            and (i - start < 8 or (goes_on and lines[start - 1].x1 < carried_x0))
            # (nor the running head above the rows of a table that goes on from the page
            # before: a browser's date and title there, taken in, were read as a row's
            # numbers, 3.补正后申请内容仍不明确 … 12 4 26, and the rows below it unread)
            and not (goes_on and _running_head(lines[start - 1], segs[start - 1]))
        ):
            start -= 1
        # (the headings a page before ended with, when this table opens the page)
        heads = _CARRY_HEADS.get() if not frags and not goes_on else None
        if heads and not all(lines[k].in_margin for k in range(start)):
            heads = None
        frag = _aligned_frag(
            lines, segs, nums, start, i, end, pno, carried if goes_on else None, heads
        )
        if frag is not None:
            frags.append(frag)
            used.update(range(start, end + 1))
        i = end + 1
    _FOOT_HEADS.set(_foot_heads(lines, segs, nums, max(used, default=-1) + 1))
    return [ln for k, ln in enumerate(lines) if k not in used], frags


def _foot_heads(
    lines: list[_Line], segs: list[list[_Seg]], nums: list[int], after: int
) -> list[_Seg] | None:
    """The words of the lines that end the page below line ``after`` when they look like a
    table's headings with none of its rows: a close block of short runs (a run a column,
    headings printed down their narrow columns: 自 / 然 / 人), several of them on one line,
    no number among them, under a section heading or a gap. None when the page ends
    otherwise (prose, a table). What a browser prints at the page's foot is passed over."""
    n = len(lines)
    while n - 1 >= after and _print_foot(lines[n - 1]):
        n -= 1
    k = n
    while k - 1 >= after and n - k < 8:
        ln = lines[k - 1]
        size = ln.size or 10.0
        if nums[k - 1] or _SECTION_LINE.match(ln.text) or _PAGE_NUMBER.match(ln.text):
            break
        if k < n and lines[k].top - ln.bottom >= 2 * size:
            break
        k -= 1
    block = range(k, n)
    if len(block) < 2 or max(len(segs[j]) for j in block) < 3:
        return None
    if any(_is_number(sg.text) for j in block for sg in segs[j]):
        return None
    return [
        w
        for j in block
        for sg in segs[j]
        for w in _heading_words(lines[j], sg, lines[j].size or 10.0)
    ]


def _wrapped_row(lines: list[_Line], segs: list[list[_Seg]], i: int) -> bool:
    """Is line ``i``, one number alone, the value of a row whose label stands beside it on
    the lines just above and below (行政事业性收 / 0 / 费 at the top of a page, printed
    without borders)? ``_row_value`` on those two lines."""
    near = [lines[k] for k in (i - 1, i + 1) if 0 <= k < len(lines) and len(segs[k]) == 1]
    return len(segs[i]) == 1 and _row_value(lines[i], near)


def _goes_on(segs: list[_Seg], frags: list[_Frag]) -> bool:
    """Is a line of one number a row of the table that ended the page before: its label
    left of that table's columns, its number in one of them?"""
    carried = _CARRY_BANDS.get() if not frags else None
    if carried is None:
        return False
    label, number = segs[:-1], segs[-1]
    if not label or not any(_is_row_label(sg.text) for sg in label):
        return False  # (a row of the national tables, by its label: not a running head)
    return all(sg.x1 < carried[0][0] for sg in label) and any(
        _meets([number.x0, number.x1], c) for c in carried
    )


def _amid_labels(lines: list[_Line], segs: list[list[_Seg]], i: int, frags: list[_Frag]) -> bool:
    """Is line ``i`` (short text, then one number in a column of the table that ended the
    page before) set among that table's wrapped labels: overlapping a line above or below
    it that stands wholly left of the columns, or between two such lines as close as the
    lines of one cell? A piece of a group's label beside its row's
    value (无法提 … 0, between 2.没有现成信息需要另 and 行制作 at the top of a page) is
    no running head, which stands apart; read as one, the table began below it without the
    columns of the page before, and its values went into the wrong columns, silently."""
    carried = _CARRY_BANDS.get() if not frags else None
    if carried is None or len(segs[i]) < 2:
        return False
    label, number = segs[i][:-1], segs[i][-1]
    if not all(sg.x1 < carried[0][0] for sg in label) or not any(
        _meets([number.x0, number.x1], c) for c in carried
    ):
        return False
    if _running_head(lines[i], segs[i]):
        return False
    line = lines[i]
    size = line.size or 10.0

    def label_line(k: int) -> bool:
        return (
            0 <= k < len(lines) and bool(segs[k]) and all(sg.x1 < carried[0][0] for sg in segs[k])
        )

    def close(a: _Line, b: _Line) -> bool:  # overlapping, or the gap of one cell's lines
        return b.top - a.bottom < 0.6 * size

    overlap = any(
        label_line(k) and lines[k].top < line.bottom and line.top < lines[k].bottom
        for k in (i - 1, i + 1)
    )
    # (or between two lines of the label, as close as a cell's lines are)
    between = (
        label_line(i - 1)
        and label_line(i + 1)
        and close(lines[i - 1], line)
        and close(line, lines[i + 1])
    )
    return overlap or between


# what a browser prints beside a page's running head or foot: the date and time it printed
# (12/4/26, 8:07 PM; 2026/12/4 20:07), the page's address, the page's count (1/3)
_PRINT_MARK = re.compile(
    r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?:,?\s*(?:上午|下午)?\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*[AaPp]\.?[Mm]\.?)?)?|(?:file|https?)://\S+|\d{1,4}\s*/\s*\d{1,4}"
)


def _print_foot(line: _Line) -> bool:
    """A line in the page's top or bottom band holding what a browser prints there (its
    address, the date it printed, the page's count)."""
    return line.in_margin and any(_PRINT_MARK.fullmatch(w) for w in line.text.split())


def _running_head(line: _Line, segs: list[_Seg]) -> bool:
    """A line in the page's top or bottom band that is one long run of text (and perhaps a
    page number or year set apart): a running head or foot, not a table's heading (which
    has a run a column) nor one of its rows."""
    text = [sg for sg in segs if not _is_number(sg.text) and not _PRINT_MARK.fullmatch(sg.text)]
    size = line.size or 10.0
    return (
        line.in_margin
        and len(text) == 1
        and len(segs) - len(text) <= 1
        and text[0].x1 - text[0].x0 > 12 * size
        and not _is_row_label(text[0].text)
    )


def _spanning_row(text: str) -> bool:
    """Does ``text`` name a row of 表三 whose label spans the label columns?"""
    from .labels import match_request_row

    m = match_request_row(text.replace(" ", ""))
    return m is not None and m.id in ("new", "carried_over", "processed_total", "carried_forward")


def _is_placeholder(text: str) -> bool:
    """Is ``text`` a value cell's placeholder (—, /, 无 …)?"""
    from .labels import parse_value

    return parse_value(text)[1] == "placeholder"


def _own_row(text: str, above: _Rec | None) -> bool:
    """Does ``text``, a cell of the first row on a new page, open a row of its own (an
    ordinal, a placeholder, a row label), rather than go on with the cell ``above`` it? The
    end of a long label printed on the new page (由逾期不补正、行政机关不再处理其政府信息公开
    申请) names its row too; it goes on with the label above when the two together name that
    row and the label above names no other."""
    t = text.strip().replace("\n", "")
    if _ENUMERATOR.match(t) or _is_placeholder(text):
        return True
    if not _is_row_label(t):
        return False
    if above is None or _ROW_ORDINAL.match(t):
        return True
    head = above.text.strip().replace("\n", "")
    own, joined, before = _row_key(t), _row_key(head + t), _row_key(head)
    return own is None or joined != own or before not in (None, own)


def _row_key(text: str) -> str | None:
    """The row of the national tables a label names (表三's row id or 表二's row name)."""
    from .labels import match_active_row, match_request_row

    m = match_request_row(text) or match_active_row(text)
    return None if m is None else m.id


def _is_row_label(text: str) -> bool:
    """Does ``text`` name (or open, by its ordinal) a row of the national tables?"""
    from .labels import match_active_row, match_request_row

    return bool(_ROW_ORDINAL.match(text) or match_request_row(text) or match_active_row(text))


def _aligned_frag(
    lines: list[_Line],
    segs: list[list[_Seg]],
    nums: list[int],
    start: int,
    first: int,
    end: int,
    pno: int,
    carry: list[list[float]] | None = None,
    heads: list[_Seg] | None = None,
) -> _Frag | None:
    size = statistics.median(ln.size or 10.0 for ln in lines[start : end + 1])
    body = range(first, end + 1)
    # value columns: unions of the overlapping x-ranges of the numbers, widened a little,
    # but never so far that two numbers of one line meet (narrow columns set close, as a
    # browser prints a table without borders: 316 and 4697 in 其他 and 总计 made one column)
    # (single digits set apart are left out: letter-spaced, 8 1 2 is one number whose
    # digits the widening joins again)
    pad = 0.2 * size
    for k in body:
        row = segs[k][-nums[k] :] if nums[k] > 1 else []
        for a, b in zip(row, row[1:]):
            if len(a.text) > 1 or len(b.text) > 1:
                pad = min(pad, 0.45 * max(b.x0 - a.x1, 0.0))
    spans = sorted((s.x0 - pad, s.x1 + pad) for k in body if nums[k] for s in segs[k][-nums[k] :])
    found = merge_ranges(spans)
    bands = _header_bands(found, lines, segs, nums, start, first, end, size, heads or [])
    if carry and len(bands) == len(found) and all(any(_meets(b, c) for c in carry) for b in found):
        # the rest of the table that ended the page before: its columns (the blank ones
        # too), when every column found here is one of them
        bands = sorted(bands + [list(c) for c in carry if not any(_meets(c, b) for b in bands)])
    label_end = bands[0][0]
    # a label that fills its cell and runs into the number beside it (确认或重新出具478, a
    # large font in a narrow label column): the digits in the first value column are a
    # number of their own (else the row's numbers were one column off, silently)
    cut_labels: set[int] = set()  # the labels cut so: label cells, though they reach in
    for k in range(first, end + 1):
        if nums[k] and len(segs[k]) > nums[k]:
            parts = _digits_off(lines[k], segs[k][-nums[k] - 1], label_end, size)
            if len(parts) == 2:
                segs[k][-nums[k] - 1 : -nums[k]] = parts
                nums[k] += 1
                cut_labels.add(id(parts[0]))

    def label_only(k: int) -> bool:
        return not nums[k] and all(sg.x1 <= label_end + 0.5 * size for sg in segs[k])

    # where the innermost row labels start (1.属于国家秘密 right of its group （三）): an
    # ordinal left of it opens a group of rows, not a row
    # (with no label beside any value, numbers centred between their label's lines: where
    # the innermost labels opening with an ordinal start; else no ordinal opened a row,
    # the blank rows ran into the rows above and gave them their labels, silently)
    inner = max(
        (segs[k][: -nums[k]][-1].x0 for k in body if nums[k] and len(segs[k]) > nums[k]),
        default=max(
            (
                sg.x0
                for k in body
                if not nums[k]
                for sg in segs[k]
                if sg.x1 <= label_end and _ROW_ORDINAL.match(sg.text)
            ),
            default=label_end,
        ),
    )

    def opens_row(k: int) -> bool:
        labels = segs[k][: -nums[k]] if nums[k] else segs[k]
        # (an ordinal left of the innermost labels opens a group, except the label of a row
        # that spans the label columns: （七）总计, 四、结转下年度继续办理)
        return any(
            _ROW_ORDINAL.match(sg.text) and (sg.x1 > inner or _spanning_row(sg.text))
            for sg in labels
        )

    def row_start(k: int) -> bool:
        """A label-only line that opens with a row's ordinal (二、 （一） 1.), whose label
        (with the lines that continue it) ends where the next row's ordinal or the table
        does, is a row whose cells are all blank, not part of the label of a row with
        values (a label wrapped round the values centred beside it ends on no ordinal)."""
        if not opens_row(k) or (k > first and nums[k - 1] and lines[k].top < lines[k - 1].bottom):
            return False  # (beside the numbers of the line above: their row's label)
        j = k + 1
        while j <= end and label_only(j) and not opens_row(j):
            j += 1
        # (or at numbers with no label, set a little above the label that opens their
        # row: 3.其他 / 19 19 / （七）总计 — 3.其他 took the total's numbers, silently)
        # (or at the row that spans the label columns named without its ordinal, or with
        # it misread in a scan's text layer: （告）总计 19 — 3.其他 took its numbers, silently)
        return j > end or opens_row(j) or opened_below(j) or spanning_at(j)

    def spanning_at(j: int) -> bool:
        labels = segs[j][: -nums[j]] if nums[j] else segs[j]
        return bool(labels) and _spanning_row(labels[0].text) and labels[0].x0 < inner

    def opened_below(j: int) -> bool:
        return (
            bool(nums[j])
            and len(segs[j]) == nums[j]
            and j + 1 <= end
            and lines[j + 1].top < lines[j].bottom
            and opens_row(j + 1)
        )

    def gap(a: int, b: int) -> float:
        return lines[b].top - lines[a].bottom

    def band(k: int) -> bool:
        return label_only(k) and bool(_ARTICLE_BAND.fullmatch("".join(lines[k].text.split())))

    # label lines just above the first value line that sit closer to it than to the line
    # above them are the top of a wrapped label (numbers centred beside it), not headers
    while (
        first - 1 >= start
        and label_only(first - 1)
        and (first - 1 == start or gap(first - 2, first - 1) > gap(first - 1, first))
    ):
        first -= 1
    # a table that goes on from the page before (its columns carried, no headings here):
    # the label lines that open the page before any row's ordinal end the label of the row
    # the page before ended with, one row of their own (``_glue_lead`` glues it back), not
    # header rows a line each; the lines after them are the table's body
    lead = range(start, start)
    if carry:
        k = start
        while k < end and label_only(k) and not opens_row(k):
            k += 1
        # (up to a row's ordinal: label lines just above a row's numbers with no ordinal
        # after them are the top of that row's label, 其他对外管理 / 36 4 902 / 服务事项)
        if k > start and opens_row(k):
            lead = range(start, k)
            first = min(first, k)
    body = range(first, end + 1)
    # label columns: where the labels of the value lines start
    starts = cluster_values(
        [s.x0 for k in body if nums[k] for s in segs[k][: -nums[k]] if s.x1 <= label_end],
        1.5 * size,
    ) or [min(ln.x0 for ln in lines[start : end + 1])]
    # a run that starts in one label column and goes on into the next across a visible
    # gap at that column's start is two cells (其他处 期不补正、行政机关不: a group's label
    # and its row's, set close; the row lost that line of its label and was called missing)
    # (the innermost labels' start is one too, where no value line shows the columns)
    cut_at = starts[1:] + ([inner] if starts[0] + 1.5 * size < inner < label_end else [])
    for k in range(start, end + 1):
        if any(sg.x0 < x - 1.5 * size and sg.x1 > x + size for sg in segs[k] for x in cut_at):
            segs[k] = [part for sg in segs[k] for part in _split_at(lines[k], sg, cut_at, size)]
    col_x = starts + [b[0] for b in bands]
    n_cols = len(col_x)

    def column(seg: _Seg) -> int:
        # a number or a header over the value columns (not a label cut off its number)
        if seg.x1 > label_end and id(seg) not in cut_labels:
            mid = (seg.x0 + seg.x1) / 2
            best = max(range(len(bands)), key=lambda b: _overlap(seg, bands[b], mid))
            return len(starts) + best
        k = bisect_right(starts, seg.x0 + 1.5 * size) - 1
        return max(0, k)

    # every line is a row, except wrapped label lines, which join the nearest value line,
    # and a value line that holds the rest of the row above (``_same_row``)
    joined = _same_row(lines, segs, nums, body, size, column, opens_row, label_only)
    row_lines = [
        k
        for k in range(start, end + 1)
        if (k == start and lead)
        or (
            (k < first or not label_only(k) or row_start(k) or band(k))
            and k not in joined
            and k not in lead
        )
    ]
    row_of = {k: n for n, k in enumerate(row_lines)}
    for k in lead:
        row_of[k] = row_of[start]
    for k, into in joined.items():
        row_of[k] = row_of[into]
    # a wrapped line belongs to the cell on the side of the smaller vertical gap: lines of
    # one cell sit closer together than lines of two rows (cell padding between them)
    up: dict[int, bool] = {}

    # a wrapped line's neighbours are the lines of its own label column (or of numbers):
    # a group's label beside its rows' labels interleaves its lines with theirs
    # (any of the line's runs: a row's label line may open with a piece of its group's
    # label, 理 4.无正当理由大量, and the label's next line 反复申请 then joined the row above)
    # (or centred on the same middle: a label centred in its cell starts each line elsewhere,
    # 3.补正后申请内容 / 仍不明确, and its last line joined the next row, silently)
    def beside(j: int, k: int) -> bool:
        mid = (segs[k][0].x0 + segs[k][0].x1) / 2
        return bool(nums[j]) or any(
            abs(sg.x0 - segs[k][0].x0) <= 1.5 * size or abs((sg.x0 + sg.x1) / 2 - mid) <= 0.5 * size
            for sg in segs[j]
        )

    above: dict[int, int] = {}
    below: dict[int, int] = {}
    for k in body:
        if k in row_of:
            continue
        above[k] = next((j for j in range(k - 1, start - 1, -1) if beside(j, k)), k - 1)
        below[k] = next((j for j in range(k + 1, end + 1) if beside(j, k)), end + 1)
        gap_up = lines[k].top - lines[above[k]].bottom
        gap_down = lines[below[k]].top - lines[k].bottom if below[k] <= end else float("inf")
        # the first line of a row's label (its ordinal) never ends the label above, unless
        # it stands beside the numbers above it (the lines overlap: one row)
        up[k] = gap_up < 0 or (gap_up <= gap_down + 1.0 and not (k < end and opens_row(k)))
        if below[k] <= end and opens_row(below[k]) and not opens_row(k):
            up[k] = True  # the next row's label starts with its ordinal: this line ends one
    for _ in range(len(up) + 1):
        pending = [k for k in up if k not in row_of]
        if not pending:
            break
        for k in pending:
            near = above[k] if up[k] else below[k]
            if near in row_of:
                row_of[k] = row_of[near]
    for k in up:  # chains that point at each other: fall back to the nearer value line,
        if k not in row_of:  # or the one below when a row's ordinal opens between (a
            # label's first line never ends the row above: bottom-aligned numbers stand on
            # their label's last line, further from its first than the row above is)
            mid = (lines[k].top + lines[k].bottom) / 2
            above_v = max((v for v in body if nums[v] and v < k), default=start - 1)
            below_v = [v for v in body if nums[v] and v > k]
            if below_v and any(opens_row(j) for j in range(above_v + 1, k + 1)):
                near = below_v[0]
            else:
                near = min(
                    (v for v in body if nums[v]),
                    key=lambda v: abs((lines[v].top + lines[v].bottom) / 2 - mid),
                )
            row_of[k] = row_of[near]
    n_rows = len(row_lines)
    texts: dict[tuple[int, int], list[_Seg]] = {}
    for k in range(start, end + 1):
        for seg in segs[k]:
            texts.setdefault((row_of[k], column(seg)), []).append(seg)
    recs: list[_Rec] = []
    for (r, c), cell in texts.items():
        if c < len(starts):
            # a label cell holding two columns of text (a group's label beside its rows'
            # labels, their lines interleaved): each column's lines together, left first
            cols = cluster_values([sg.x0 for sg in cell], 1.5 * size)
            cell.sort(key=lambda sg: (bisect_right(cols, sg.x0), sg.top, sg.x0))
        else:
            cell.sort(key=lambda s: (s.top, s.x0))
        text = _cell_text("\n".join(s.text for s in cell))
        box = (
            min(s.x0 for s in cell),
            min(s.top for s in cell),
            max(s.x1 for s in cell),
            max(s.bottom for s in cell),
        )
        recs.append(_Rec(r, r + 1, c, c + 1, text, pno, box))
    for r in range(n_rows):  # empty slots are blank cells with the row's box
        have = {x.c0 for x in recs if x.r0 == r}
        ys = [x.bbox for x in recs if x.r0 == r]
        top = min(b[1] for b in ys) if ys else 0.0
        bottom = max(b[3] for b in ys) if ys else 0.0
        labelled = min((x.c0 for x in recs if x.r0 == r and x.text.strip()), default=n_cols)
        for c in range(n_cols):
            if labelled < c < len(starts) and c not in have:
                # a label column right of the row's label (labels centred in their cell start
                # at different x): the label's cell spans it, no blank value cell
                continue
            if c not in have:
                x1 = col_x[c + 1] if c + 1 < n_cols else bands[-1][1]
                recs.append(_Rec(r, r + 1, c, c + 1, "", pno, (col_x[c], top, x1, bottom)))
    x0 = min(x.bbox[0] for x in recs)
    x1 = max(x.bbox[2] for x in recs)
    top = min(ln.top for ln in lines[start : end + 1])
    bottom = max(ln.bottom for ln in lines[start : end + 1])
    xs = col_x + [max(bands[-1][1], x1)]
    return _Frag(
        pno, pno, (x0, top, x1, bottom), xs, n_rows, recs, ruled=False, bands=bands, lead=bool(lead)
    )


def _same_row(
    lines: list[_Line],
    segs: list[list[_Seg]],
    nums: list[int],
    body: range,
    size: float,
    column: Callable[[_Seg], int],
    opens_row: Callable[[int], bool],
    label_only: Callable[[int], bool],
) -> dict[int, int]:
    """Value lines that hold the rest of the row of the value line just above them: their
    numbers stand in other columns than its numbers, their label (if any) opens no row,
    and they overlap it vertically, or continue at once its label, which filled its
    cell's width (a cell whose label wrapped, with some numbers set at its top and the
    others lower). Maps each such line to the line whose row it joins."""
    value_lines = [k for k in body if nums[k]]
    widest = max(
        (sg.x1 for k in value_lines for sg in segs[k][: -nums[k]]),
        default=0.0,
    )
    out: dict[int, int] = {}
    taken: dict[int, set[int]] = {}  # the columns of each row's numbers so far
    for p_, k in zip(value_lines, value_lines[1:]):
        head = out.get(p_, p_)
        have = taken.setdefault(head, {column(sg) for sg in segs[p_][-nums[p_] :]})
        mine = {column(sg) for sg in segs[k][-nums[k] :]}
        if mine & have or any(opens_row(j) for j in range(p_ + 1, k + 1)):
            continue
        over = k == p_ + 1 and lines[k].top < lines[p_].bottom
        labels = segs[p_][: -nums[p_]]
        own = segs[k][: -nums[k]]
        wrapped = (
            bool(labels)
            and labels[-1].x1 >= widest - 1.5 * size
            and all(lines[j + 1].top - lines[j].bottom < 0.8 * size for j in range(p_, k))
            # between them only lines of labels; its own label goes on in the same cell
            and all(label_only(j) for j in range(p_ + 1, k))
            and (not own or abs(own[-1].x0 - labels[-1].x0) <= 0.5 * size)
        )
        if over or wrapped:
            out[k] = head
            have |= mine
    return out


def _header_bands(
    bands: list[list[float]],
    lines: list[_Line],
    segs: list[list[_Seg]],
    nums: list[int],
    start: int,
    first: int,
    end: int,
    size: float,
    carried: list[_Seg],
) -> list[list[float]]:
    """The value columns found by the numbers, and the columns no number stands in (every
    cell of them blank): a heading over the value area that overlaps no column is one of
    its own. Headings narrowest first, so that the column headings under a spanning one
    (商业企业… under 法人或其他组织) are taken, and the spanning one then overlaps them.
    Without these, a row's numbers were placed among too few columns."""
    label_x1 = [sg.x1 for k in range(first, end + 1) if nums[k] for sg in segs[k][: -nums[k]]]
    cut = min(bands[0][0] - 0.5 * size, max(label_x1, default=bands[0][0]))
    # (each word of a heading line: a browser prints the pieces of headings set close in
    # narrow columns, 然 业 / 商业 科研 社会公, as one run when their gap is under the font
    # size; read as one heading they met several columns and named none)
    heads = sorted(
        (
            (w.x0, w.x1)
            for k in range(start, first)
            for sg in segs[k]
            for w in _heading_words(lines[k], sg, size)
            if w.x0 > cut and not _is_number(w.text)
        ),
        key=lambda h: h[1] - h[0],
    )
    # (and those of the headings the page before ended with, when this table opens its page)
    heads = sorted(
        heads + [(w.x0, w.x1) for w in carried if w.x0 > cut and not _is_number(w.text)],
        key=lambda h: h[1] - h[0],
    )
    # only where the headings line up with the numbers (each column of numbers has a
    # heading of its own over it): a heading centred over left-aligned numbers overlaps
    # none of them and is no column of its own
    own = [h for h in heads if sum(_meets(list(h), b) for b in bands) == 1]
    if not all(any(_meets(list(h), b) for h in own) for b in bands):
        return _centred_heading_bands(bands, segs, start, first, cut)
    # a piece of a heading over a column of numbers (人 under 自然) is no column either
    claimed = [list(h) for h in heads if any(_meets(list(h), b) for b in bands)]
    out = [list(b) for b in bands]
    for x0, x1 in heads:
        if not any(_meets([x0, x1], b) for b in out + claimed):
            out.append([x0, x1])
    return sorted(out)


def _heading_words(line: _Line, seg: _Seg, size: float) -> list[_Seg]:
    """``seg`` cut at every gap between its characters of half the font size or more: wider
    than a space between words (the characters of a word touch), as wide as the padding
    between two cells."""
    chars = sorted(
        (
            c
            for c in line.chars
            if c["text"].strip() and seg.x0 - 0.5 <= c["x0"] and c["x1"] <= seg.x1 + 0.5
        ),
        key=lambda c: c["x0"],
    )
    cuts = [m for m in range(1, len(chars)) if chars[m]["x0"] - chars[m - 1]["x1"] >= 0.5 * size]
    if not cuts:
        return [seg]
    return [_seg_of(chars[a:b]) for a, b in zip([0, *cuts], [*cuts, len(chars)])]


def _centred_heading_bands(
    bands: list[list[float]], segs: list[list[_Seg]], start: int, first: int, cut: float
) -> list[list[float]]:
    """Headings that do not line up with the numbers (centred over left- or right-aligned
    ones): on the heading line with the most headings over the value area, each column of
    numbers takes the heading nearest it; when they take distinct headings in order, the
    headings left over are columns of their own (本年废止件数 over a column blank in every
    row). Else the columns of numbers alone."""
    best: list[tuple[float, float]] = []
    for k in range(start, first):
        line = sorted((sg.x0, sg.x1) for sg in segs[k] if sg.x0 > cut and not _is_number(sg.text))
        if len(line) > len(best):
            best = line
    if len(best) <= len(bands):
        return [list(b) for b in bands]
    mids = [(x0 + x1) / 2 for x0, x1 in best]
    took = [min(range(len(best)), key=lambda h: abs(mids[h] - (b[0] + b[1]) / 2)) for b in bands]
    if len(set(took)) != len(took) or took != sorted(took):
        return [list(b) for b in bands]
    out = [list(b) for b in bands]
    for h, (x0, x1) in enumerate(best):
        if h not in took:
            if any(_meets([x0, x1], b) for b in out):
                return [list(b) for b in bands]
            out.append([x0, x1])
    return sorted(out)


def _meets(a: list[float], b: list[float]) -> bool:
    """Do two x-ranges overlap?"""
    return a[0] <= b[1] and b[0] <= a[1]


def _overlap(seg: _Seg, band: list[float], mid: float) -> float:
    inter = min(seg.x1, band[1]) - max(seg.x0, band[0])
    return inter if inter > 0 else -abs(mid - (band[0] + band[1]) / 2)


# --------------------------------------------------------------------------- reading


# A picture on a page with text that could hold a table (a table pasted as a screenshot):
# at least this share of the page's width and of its height (a seal or a logo is smaller),
# at most this many times wider than high (a banner across the page is a strip; 表四, a
# header of four rows over one row of fifteen cells, is a picture 7.5 times wider than
# high, 1.3 cm high when pasted 10 cm wide), with little text over it (a scan's text layer
# lies over its picture).
PICTURE_WIDTH = 0.4
PICTURE_HEIGHT = 0.04
PICTURE_RATIO = 12.0
PLACEHOLDER = "[图片]"
# a picture whose image object is smaller than this resolution is rendered from the page
# at it for OCR (its pixels alone would be too coarse)
PICTURE_DPI = 216


def picture_lines(
    boxes: list[tuple[float, float, float, float]],
    width: float,
    height: float,
    lines: list[_Line],
    pno: int,
) -> list[_Line]:
    """A placeholder line (``[图片]``) where a picture large enough to hold a table stands
    on a page that has text: the extraction takes it as a table given as a picture
    (``extraction.unread.placeholders``: its section unread, said as the tool's limit,
    never a missing table). ``boxes``: the pictures as (x0, top, x1, bottom)."""
    out: list[_Line] = []
    for x0, top, x1, bottom in boxes:
        if x1 - x0 < PICTURE_WIDTH * width or bottom - top < PICTURE_HEIGHT * height:
            continue
        if x1 - x0 > PICTURE_RATIO * (bottom - top):
            continue
        over = sum(
            len(ln.text)
            for ln in lines
            if ln.top >= top - 1 and ln.bottom <= bottom + 1 and ln.x0 >= x0 - 1 and ln.x1 <= x1 + 1
        )
        if over >= 20:
            continue
        out.append(_Line(PLACEHOLDER, pno, x0, x1, top, bottom, 0.0))
    return out


# a picture at the same place on this many pages is the pages' running head or foot (a
# strip, a logo band), never a table pasted as a picture
_RUNNING_PAGES = 3


def _drop_running_pictures(pages: list[list[Any]]) -> None:
    """Take out of ``pages`` (each page's lines and tables) the placeholders of pictures
    standing at the same place on ``_RUNNING_PAGES`` pages or more: a running head or foot
    drawn as a picture is no table, and its placeholder made a section whose table is
    missing read as a table the tool could not read (never then called missing)."""

    def place(ln: _Line) -> tuple[int, int, int, int]:
        return round(ln.x0), round(ln.top), round(ln.x1), round(ln.bottom)

    seen: Counter[tuple[int, int, int, int]] = Counter()
    for items in pages:
        seen.update({place(it) for it in items if isinstance(it, _Line) and it.text == PLACEHOLDER})
    running = {box for box, n in seen.items() if n >= _RUNNING_PAGES}
    if not running:
        return
    for k, items in enumerate(pages):
        pages[k] = [
            it
            for it in items
            if not (isinstance(it, _Line) and it.text == PLACEHOLDER and place(it) in running)
        ]


def _image_only(page: Any, lines: list[_Line]) -> bool:
    """A page that is a picture (a scan) with at most a running head or a page number."""
    if sum(len(ln.text) for ln in lines if not ln.in_margin) >= 20:
        return False
    area = float(page.width) * float(page.height)
    return any(
        (img["x1"] - img["x0"]) * (img["bottom"] - img["top"]) >= 0.25 * area for img in page.images
    )


_INFLATE_CHUNK = 4096


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's ``pdftypes.decompress_corrupted`` in linear time, with the same result.

    pdfminer calls it for a Flate stream that zlib refuses (most often a bad checksum at its
    end): it feeds the stream to zlib one byte at a time, joining the output with ``+=``, to
    keep what decodes before the error: 10 s and more a megabyte (a fuzz finding). Here the
    stream is fed in chunks; only the chunk where zlib fails is fed again byte by byte, from
    a copy of the decompressor taken before it. As pdfminer's: the error propagates unless
    it is in the last three bytes (the checksum), where the output so far is returned."""
    import zlib

    d = zlib.decompressobj()
    out: list[bytes] = []
    n = len(data)
    pos = 0
    while pos < n:
        chunk = data[pos : pos + _INFLATE_CHUNK]
        before = d.copy()
        try:
            out.append(d.decompress(chunk))
        except zlib.error:
            d = before
            for k in range(len(chunk)):
                try:
                    out.append(d.decompress(chunk[k : k + 1]))
                except zlib.error:
                    if pos + k < n - 3:
                        raise
                    return b"".join(out)
        pos += len(chunk)
    return b"".join(out)


def _patch_pdfminer() -> None:
    """Two of pdfminer's costs made linear (fuzz findings: minutes for a 1.7 MB page), and
    the content it parses counted (:func:`_counted_fillfp`).

    pdfminer makes a new default font (its standard metrics resolved again, about a
    millisecond) for every ``Tf`` naming a font the page does not have; the font made for
    an unknown name never differs, so each resource manager now makes it once. And its
    operand stack's ``pop`` copies the stack (:func:`_pop`)."""
    from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter, PDFResourceManager

    make = PDFResourceManager.get_font
    if getattr(make, "_nianbao", False):
        return

    def get_font(self: Any, objid: object, spec: Any) -> Any:
        if objid is None and not spec:
            font = self.__dict__.get("_nianbao_default_font")
            if font is None:
                font = self._nianbao_default_font = make(self, objid, spec)
            return font
        return make(self, objid, spec)

    get_font._nianbao = True  # type: ignore[attr-defined]
    PDFResourceManager.get_font = get_font  # type: ignore[method-assign]
    PDFPageInterpreter.pop = _pop  # type: ignore[method-assign]
    _FILLFP.append(PDFContentParser.fillfp)
    PDFContentParser.fillfp = _counted_fillfp  # type: ignore[method-assign]


def _pop(self: Any, n: int) -> list[Any]:
    """pdfminer's operand stack ``pop`` without copying the stack: its own builds the rest
    of the stack anew for every operator (``argstack[:-n]``), quadratic in a run of
    operands that no operator takes (a fuzz finding: minutes for a 1.7 MB page)."""
    if n == 0:
        return []
    stack = self.argstack
    x = stack[-n:]
    del stack[-n:]
    return x


def _open_plumber(data: bytes) -> Any:
    import pdfminer.pdftypes
    import pdfplumber

    # pdfminer's own is quadratic in the stream's length (see _decompress_corrupted)
    pdfminer.pdftypes.decompress_corrupted = _decompress_corrupted
    _patch_pdfminer()
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as e:  # pdfminer raises many kinds of errors on broken files
        if "password" in type(e).__name__.lower() or "encrypt" in str(e).lower():
            raise EncryptedPdf(
                "PDF 文件已加密（需要密码），无法读取。请提供未加密的文件。"
            ) from None
        raise BrokenFile("PDF 文件已损坏或不完整，无法解析。请重新下载或导出该文件。") from None


def _content_bytes(page: Any) -> int:
    """Decoded bytes of a pdfplumber page's own content streams (its forms not counted; see
    :func:`_counted_fillfp`), decoded as pdfminer would (it keeps the decoded data, so this
    costs nothing more when the page is then read); a stream that cannot be decoded counts
    nothing (pdfplumber then reads the page or says why not)."""
    from pdfminer.pdftypes import resolve1

    total = 0
    try:
        refs = list(page.page_obj.contents)
    except Exception:  # noqa: BLE001 - pdfplumber reads the page, or says why not
        return 0
    for ref in refs:
        try:
            stream = resolve1(ref)
            data = stream.get_data() if hasattr(stream, "get_data") else b""
        except (UnusableInput, MemoryError):
            raise
        except Exception:  # noqa: BLE001 - pdfplumber reads the page, or says why not
            continue
        total += len(data or b"")
    return total


class _ContentOver(Exception):
    """Raised inside pdfminer when the content it parses would exceed the document's
    ``PLUMBER_MAX_DOC_CONTENT``."""


def _content_over(exc: BaseException) -> bool:
    """Whether ``exc`` is :class:`_ContentOver`, as raised or as pdfplumber wraps it."""
    seen = [exc, exc.__cause__, exc.__context__, *getattr(exc, "args", ())]
    return any(isinstance(e, _ContentOver) for e in seen)


# the content bytes pdfminer may still parse for the document being read (None: unbounded)
_CONTENT_LEFT: ContextVar[list[int] | None] = ContextVar("pdf_content_left", default=None)
# The value columns of an unruled table that ends a page, for its rows on the next page
# (which repeat no heading): set by _read_pages, read by _aligned_tables.
_CARRY_BANDS: ContextVar[list[list[float]] | None] = ContextVar("pdf_carry_bands", default=None)
# The words of a table's headings that end a page with none of its rows (the rows begin on
# the next page, which repeats no heading): set by _aligned_tables (_FOOT_HEADS, the page's
# own) and passed on by _read_pages (_CARRY_HEADS) to the next page's first unruled table.
_FOOT_HEADS: ContextVar[list[_Seg] | None] = ContextVar("pdf_foot_heads", default=None)
_CARRY_HEADS: ContextVar[list[_Seg] | None] = ContextVar("pdf_carry_heads", default=None)


def _counted_fillfp(self: Any) -> bool:
    """pdfminer's ``PDFContentParser.fillfp``, charging each content stream it is about to
    parse (a page's own, a form's each time it is drawn) to ``_CONTENT_LEFT``: a page that
    draws a 16 KB form 160 times took 5 s in a file of 800 bytes (found in review)."""
    if not self.fp and self.istream < len(self.streams):
        left = _CONTENT_LEFT.get()
        if left is not None:
            from pdfminer.pdftypes import stream_value

            stream = stream_value(self.streams[self.istream])
            left[0] -= len(stream.get_data() or b"")
            if left[0] < 0:
                raise _ContentOver
    return bool(_FILLFP[0](self))


_FILLFP: list[Any] = []  # pdfminer's own fillfp, kept by _patch_pdfminer

_RULE_KEYS = ("x0", "x1", "top", "bottom", "doctop", "y0", "y1", "width", "height")


def _round_rules(page: Any) -> None:
    """Round the coordinates of a page's rules. On a turned page (/Rotate 90, 180, 270: a
    landscape table printed on portrait paper; content drawn turned) pdfplumber turns
    their points and then tells a rule's direction by exact equality: a horizontal rule
    ended at 467.88999999999993 and 467.89 and was taken for a vertical one, so that a
    page shown upright lost its tables (a 180° page read 78 of 200 cells)."""
    for kind in ("line", "curve", "rect"):
        for obj in page.objects.get(kind, ()):
            for k in _RULE_KEYS:
                v = obj.get(k)
                if isinstance(v, float):
                    obj[k] = round(v, 3)
            pts = obj.get("pts")
            if pts:
                obj["pts"] = [(round(x, 3), round(y, 3)) for x, y in pts]


_Read = tuple[list[_Line | _Frag], bool, bool]  # a page's items, image, garbled


def _settle(lines: list[_Line], frags: list[_Frag], image: bool) -> _Read:
    """A page read: its lines and fragments sorted top to bottom (none when its text layer
    cannot be decoded, ``_garbled``: read as an image), whether it is an image and whether
    it is garbled. What the next page read takes over from it (``_CARRY_BANDS``,
    ``_CARRY_HEADS``) is set here, as soon as the page is read: the second page of a 2-up
    sheet is read before the sheet is done."""
    garbled = not image and _garbled(lines, frags)
    if garbled:
        lines, frags, image = [], [], True
    for line in lines:  # the characters were only needed on their own page
        line.chars = []
    items: list[_Line | _Frag] = [*lines, *frags]
    items.sort(key=lambda it: it.top)
    # (nothing after it on the page, not even in the bottom band: the headings of another
    # table there would take its columns; but for what a browser prints at the foot of its
    # pages, the page's address and count)
    kept = [it for it in items if not (isinstance(it, _Line) and _print_foot(it))]
    last = kept[-1] if kept else None
    _CARRY_BANDS.set(last.bands if isinstance(last, _Frag) and not last.ruled else None)
    _CARRY_HEADS.set(_FOOT_HEADS.get() if isinstance(last, _Line) else None)
    _FOOT_HEADS.set(None)
    return items, image, garbled


def _plumber_page(page: Any, pno: int) -> list[_Read]:
    """Each page a sheet holds (two for a 2-up sheet, ``_sheet_views``; numbered ``pno``,
    ``pno + 1``), read through pdfplumber (``_settle``). The parts of a page with a turned
    region (``_turned_parts``) are one page read, their items in the parts' order: read as
    pages of their own, a note set along the margin stood as a page between the page and
    the next, and a table going on over the page break was no longer joined."""
    reads = []
    try:
        _round_rules(page)
        turned = _turned_parts(page)
        if turned is None:
            _turn_upright(page)
        _straighten(page)
        _level_fitted(page)
        view = page.filter(_visible).dedupe_chars(tolerance=1)  # simulated bold: glyphs twice
        views = _sheet_views(view) if turned is None else _part_views(view, turned)
        for k, (part, top) in enumerate(views):
            n = pno if turned is not None else pno + k
            taken: set[int] = set()
            frags = _find_fragments(part, n, taken)
            lines = _lines_outside(part, n, taken, top)
            if not frags:
                lines, frags = _aligned_tables(lines, n)
            image = not frags and _image_only(part, lines)
            if not image and part.images:
                boxes = [(i["x0"], i["top"], i["x1"], i["bottom"]) for i in part.images]
                found = picture_lines(boxes, float(part.width), float(part.height), lines, n)
                if found:
                    lines = sorted(lines + found, key=lambda ln: ln.top)
            reads.append(_settle(lines, frags, image))
    finally:
        _close(page)
    if turned is not None and len(reads) > 1:
        items = [it for got, _, _ in reads for it in got]
        return [(items, all(r[1] for r in reads), any(r[2] for r in reads))]
    return reads


_Box = tuple[float, float, float, float]


def _turned_parts(page: Any) -> list[tuple[set[int], _Box | None]] | None:
    """A page whose text stands upright but for a region turned a quarter on it
    (``pdf_parts.turned_region``: a landscape table set sideways under an upright
    heading): the region's objects turned upright in place (``_turn_objects``, about the
    region's top-left corner), and the parts to read, in reading order: the ids of the
    objects above the region's middle, of the region's (with its box as turned), of those
    below; where upright text stands beside the region (a note set along the margin), the
    upright objects all, then the region's. None for any other page (turned whole by
    ``_turn_upright``, or not at all)."""
    from .pdf_parts import turned_region

    vis = page.filter(_visible)
    chars = [(_box(c), _text_turn(c.get("matrix"))) for c in vis.chars if c.get("text", "").strip()]
    rules = [_box(o) for kind in ("rect", "line", "curve") for o in vis.objects.get(kind, ())]
    found = turned_region(chars, rules)
    if found is None:
        return None
    turn, box = found
    mid = (box[1] + box[3]) / 2
    region: list[dict[str, Any]] = []
    above: set[int] = set()
    below: set[int] = set()
    beside = False  # upright text at the height of the region: a note set along a margin
    for kind, objs in page.objects.items():
        for o in objs:
            b = _box(o)
            cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
            if kind == "char":
                inside = _text_turn(o.get("matrix")) == turn
                beside = beside or (not inside and box[1] < cy < box[3] and o["text"].strip())
            else:
                inside = box[0] <= cx <= box[2] and box[1] <= cy <= box[3]
            if inside:
                region.append(o)
            else:
                (above if cy < mid else below).add(id(o))
    nw, nh = _turn_objects(region, turn, box, (box[0], box[1]), float(page.height))
    turned_box = (box[0], box[1], box[0] + nw, box[1] + nh)
    turned_ids = {id(o) for o in region}
    if beside:  # the page's upright text as it stands, then the region
        return [(above | below, None), (turned_ids, turned_box)]
    return [(above, None), (turned_ids, turned_box), (below, None)]


def _part_views(view: Any, parts: list[tuple[set[int], _Box | None]]) -> list[tuple[Any, float]]:
    """The parts of ``_turned_parts`` that hold anything, as pages cropped to their objects,
    each with the top of its box: the upright parts on the page's box, the region on its
    box as turned."""
    from pdfplumber.page import CroppedPage

    out = []
    for ids, box in parts:
        if not any(id(o) in ids for objs in view.objects.values() for o in objs):
            continue

        def keep(
            objs: list[dict[str, Any]], _bbox: Any, ids: set[int] = ids
        ) -> list[dict[str, Any]]:
            return [o for o in objs if id(o) in ids]

        crop = box if box is not None else tuple(view.bbox)
        out.append(
            (CroppedPage(view, crop, crop_fn=keep, strict=False), float(crop[1]) if box else 0.0)
        )
    return out


def _box(obj: dict[str, Any]) -> tuple[float, float, float, float]:
    return (obj.get("x0", 0.0), obj.get("top", 0.0), obj.get("x1", 0.0), obj.get("bottom", 0.0))


def _sheet_views(view: Any) -> list[tuple[Any, float]]:
    """The pages a pdfplumber page holds, each with the top of its box on the sheet: the
    halves of a sheet printed two pages to a sheet (``pdf_parts.sheet_parts``), each cropped
    to its own objects (by their centres), in reading order; else the page itself (top 0)."""
    from pdfplumber.page import CroppedPage

    from .pdf_parts import part_of, sheet_parts

    bx0, btop, bx1, bbottom = (float(v) for v in view.bbox)
    chars = [(_box(c), c.get("text", "")) for c in view.chars if c.get("text", "").strip()]
    others = [
        _box(o) for kind in ("rect", "line", "curve", "image") for o in view.objects.get(kind, ())
    ]

    def shifted(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return (b[0] - bx0, b[1] - btop, b[2] - bx0, b[3] - btop)

    parts = sheet_parts(
        ((shifted(b), t) for b, t in chars), map(shifted, others), bx1 - bx0, bbottom - btop
    )
    if parts is None:
        return [(view, 0.0)]
    boxes = [(p[0] + bx0, p[1] + btop, p[2] + bx0, p[3] + btop) for p in parts]
    out = []
    for k, box in enumerate(boxes):

        def keep(objs: list[dict[str, Any]], _bbox: Any, k: int = k) -> list[dict[str, Any]]:
            return [o for o in objs if part_of(_box(o), boxes) == k]

        out.append((CroppedPage(view, box, crop_fn=keep, strict=False), box[1]))
    return out


def _read_pages(
    data: bytes, n_pages: int
) -> tuple[list[list[_Line | _Frag]], list[str], list[int], list[int], list[int]]:
    """Lines and table fragments of every page, sorted top to bottom; notes on how pages
    were read; the pages that are images without text, or whose text layer could not be
    decoded (``_garbled``: read as images); and those of them that are the latter; the
    sheet each page read stands on.

    Pages are read through pypdfium2 and our table finder (``pdf_tables``); a page that
    reader leaves (rotated, rotated or unmapped text, curves among the rules…) is read
    through pdfplumber. A sheet printed two pages to a sheet (``pdf_parts``) is read as two
    pages: the lines and fragments are numbered by the pages read (so that a table or a
    paragraph goes on from one half to the next as from page to page), and the last list
    gives each page read its sheet's number (``_on_sheets`` puts it back)."""
    from .pdf_tables import FastPages, page_items, sheet_pages

    pages: list[list[_Line | _Frag]] = []
    sheet_of: list[int] = []  # the sheet (the file's page) of each page read
    image_parts = 0  # pages read that are images
    image_pages: list[int] = []
    garbled_pages: list[int] = []  # text layers that could not be decoded: read as images
    fast: FastPages | None
    try:
        fast = FastPages(data)
    except Exception:  # noqa: BLE001 - pdfplumber reads every page then
        fast = None
    plumber: Any = None
    plumber_pages = 0
    dense_pages: list[tuple[int, int]] = []  # (page, characters) read as text only
    heavy_pages: list[int] = []  # pages over the content bound, read as text only
    unread_pages: list[int] = []  # pages over the content bound whose text PDFium lacks
    mib = len(data) / (1 << 20)
    plumber_left = int(PLUMBER_MAX_DOC_CHARS * (1 + mib))  # characters pdfplumber may read
    fast_left = int(FAST_MAX_DOC_CHARS * (1 + mib))  # characters our reader may read
    content_left = [int(PLUMBER_MAX_DOC_CONTENT * (1 + mib))]  # content pdfminer may parse
    bound = _CONTENT_LEFT.set(content_left)
    carried = _CARRY_BANDS.set(None)
    foot_heads, carried_heads = _FOOT_HEADS.set(None), _CARRY_HEADS.set(None)
    try:
        for index in range(n_pages):
            pno = index + 1
            vno = len(pages) + 1  # the number of the first page read on this sheet
            got: list[_Read] | None = None
            count = 0  # the page's characters, when PDFium counted them
            if fast is not None:
                try:
                    res = fast.page(index, max(fast_left, 0))
                    if res is not None:
                        fast_left -= len(res.chars)
                    if res is not None:
                        got = [
                            _settle(*page_items(r, vno + k)) for k, r in enumerate(sheet_pages(res))
                        ]
                except (UnusableInput, MemoryError):  # a budget ran out: no second try
                    raise
                except Exception:  # noqa: BLE001 - pdfplumber reads the page, or says why not
                    got = None
            dense = None
            if got is None and fast is not None:
                limit = min(PLUMBER_MAX_CHARS, max(plumber_left, 0))
                try:
                    count, dense = fast.dense_lines(index, limit)
                except (UnusableInput, MemoryError):
                    raise
                except Exception:  # noqa: BLE001 - pdfplumber reads the page, or says why not
                    count, dense = 0, None
                if dense is None:
                    plumber_left -= count
                else:
                    dense_pages.append((pno, count))
            if got is not None:
                reads = got
            elif dense is not None:
                reads = [_settle(_dense_page_lines(dense, vno), [], False)]
            else:
                if plumber is not None and plumber_pages >= PLUMBER_REOPEN_PAGES:
                    _close(plumber)  # drops pdfminer's caches of the pages read so far
                    plumber, plumber_pages = None, 0
                if plumber is None:
                    plumber = _open_plumber(data)
                page = plumber.pages[index]
                read = None
                if _content_bytes(page) <= content_left[0]:  # else not begun: nothing spent
                    try:
                        read = _plumber_page(page, vno)
                    except Exception as e:
                        if not _content_over(e):
                            raise
                        read = None  # its forms went past the bound
                if read is not None:
                    reads = read
                else:
                    _close(page)
                    plumber_left += count  # pdfplumber did not read its characters
                    dense = None
                    if fast is not None:
                        try:
                            dense = fast.dense_lines(index, -1)[1]
                        except (UnusableInput, MemoryError):
                            raise
                        except Exception:  # noqa: BLE001 - the page's text could not be read
                            dense = None
                    (heavy_pages if dense is not None else unread_pages).append(pno)
                    reads = [_settle(_dense_page_lines(dense or [], vno), [], False)]
                plumber_pages += 1
            for items, image, garbled in reads:
                if garbled and pno not in garbled_pages:
                    garbled_pages.append(pno)
                if image:
                    image_parts += 1
                    if pno not in image_pages:
                        image_pages.append(pno)
                pages.append(items)
                sheet_of.append(pno)
    except (EncryptedPdf, BrokenFile, ScannedPdf, InputTooLarge):
        raise
    except Exception:
        raise BrokenFile("PDF 文件已损坏或不完整，页面内容无法解析。") from None
    finally:
        _CONTENT_LEFT.reset(bound)
        _CARRY_BANDS.reset(carried)
        _FOOT_HEADS.reset(foot_heads)
        _CARRY_HEADS.reset(carried_heads)
        if plumber is not None:
            _close(plumber)
        if fast is not None:
            fast.close()
    if image_parts and image_parts == len(pages):
        if garbled_pages:
            raise UndecodableText(
                "PDF 的文字层无法解码：所用字体缺少文字编码映射（ToUnicode），取出的文字是乱码，"
                "本工具无法从文字层读取。这是本工具的读取局限，不是报告的问题；"
                "安装文字识别扩展（pip install 'nianbao[ocr]'）后，本工具会按页面图像识别。"
            )
        raise ScannedPdf(
            "PDF 是扫描件，无文字层：每一页都是图像，没有可提取的正文。请先做文字识别（OCR）再读取。"
        )
    notes = []
    scans = [p for p in image_pages if p not in garbled_pages]
    if scans:
        listed = "、".join(str(p) for p in scans[:20])
        notes.append(f"{IMAGE_PAGES_NOTE.format(listed)}其内容未能读取。")
    if garbled_pages:
        listed = "、".join(str(p) for p in garbled_pages[:20])
        notes.append(f"{GARBLED_PAGES_NOTE.format(listed)}取出的文字是乱码，其内容未能读取。")
    if dense_pages:
        listed = "、".join(f"第 {p} 页（{n:,} 个字符）" for p, n in dense_pages[:20])
        notes.append(
            f"{listed}字符过多（超出本工具逐字读取的上限），本工具只读取了其中的文字，"
            "未在其中识别表格；如这些页有统计表，其数值可能未读到。"
        )
    if heavy_pages:
        listed = "、".join(str(p) for p in heavy_pages[:20])
        notes.append(
            f"第 {listed} 页的页面内容过大（超出本工具逐项解析的上限），本工具只读取了其中的文字，"
            "未在其中识别表格；如这些页有统计表，其数值可能未读到。"
        )
    if unread_pages:
        listed = "、".join(str(p) for p in unread_pages[:20])
        notes.append(
            f"第 {listed} 页的页面内容过大（超出本工具逐项解析的上限），本工具未能读取这些页的内容；"
            "如这些页有正文或统计表，其内容未读到。"
        )
    return _drop_running_lines(pages), notes, image_pages, garbled_pages, sheet_of


def _drop_running_lines(pages: list[list[_Line | _Frag]]) -> list[list[_Line | _Frag]]:
    """Drop running heads and feet: margin lines whose text (digits aside) recurs on
    several pages."""
    if len(pages) < 3:
        return pages
    seen: dict[str, set[int]] = {}
    for items in pages:
        for it in items:
            if isinstance(it, _Line) and it.in_margin:
                seen.setdefault(re.sub(r"\d+", "#", it.text), set()).add(it.page)
    running = {k for k, v in seen.items() if len(v) >= max(2, len(pages) // 2)}
    if not running:
        return pages
    return [
        [
            it
            for it in items
            if not (
                isinstance(it, _Line) and it.in_margin and re.sub(r"\d+", "#", it.text) in running
            )
        ]
        for items in pages
    ]


def _layout_metrics(pages: list[list[_Line | _Frag]]) -> tuple[float, float, float]:
    """Body left margin, right margin and font size of the whole document."""
    lines = [it for items in pages for it in items if isinstance(it, _Line)]
    if not lines:
        return 0.0, 0.0, 10.0
    x0s = sorted(ln.x0 for ln in lines)
    x1s = sorted(ln.x1 for ln in lines)
    left = x0s[len(x0s) // 10]
    right = x1s[(len(x1s) * 9) // 10]
    sizes = [ln.size for ln in lines if ln.size > 0]  # lines read as text only may have none
    size = statistics.median(sizes) if sizes else 10.0
    return left, right, size or 10.0


def _sheet_slots(pages: list[list[_Line | _Frag]], sheet_of: list[int]) -> list[int]:
    """The half of its sheet each page read stands in: 1 for the right-hand page of a sheet
    printed two pages side by side (its lines and tables all right of the left-hand
    page's), else 0. The margins of the two halves differ by half a sheet: measured on all
    lines at once, every line of the right-hand pages read as indented and every line of
    the left-hand pages as ending short, each a paragraph of its own."""
    slots = [0] * len(pages)
    for i in range(1, len(pages)):
        if sheet_of[i] != sheet_of[i - 1] or (i > 1 and sheet_of[i - 2] == sheet_of[i]):
            continue  # (the first page read on its sheet; a sheet holds two pages at most)
        first, second = (
            [it.bbox[0::2] if isinstance(it, _Frag) else (it.x0, it.x1) for it in pages[k]]
            for k in (i - 1, i)
        )
        if first and second and min(x0 for x0, _ in second) >= max(x1 for _, x1 in first):
            slots[i] = 1
    return slots


def _starts_paragraph(
    prev: _Line, line: _Line, left: float, right: float, size: float, same_page: bool
) -> bool:
    unit = line.size or size
    if line.x0 > left + 0.8 * unit:  # indented first line, or a centred line
        return True
    if prev.x1 < right - 1.5 * unit:  # the line before ended short
        return True
    if _HEADING.match(line.text) or PLACEHOLDER in (line.text, prev.text):
        return True  # (a picture's placeholder is a paragraph of its own)
    if prev.size and line.size and abs(prev.size - line.size) > 1.0:
        return True
    if same_page and line.top - prev.bottom > 1.2 * unit:
        return True
    return False


def read_pdf(data: bytes, source: str = "") -> Document:
    """Read a text PDF into a :class:`Document` (paragraphs and table grids with pages and
    boxes). Raises EncryptedPdf, ScannedPdf, BrokenFile or InputTooLarge."""
    with _quiet():
        return _read_pdf(data, source)


def _read_pdf(data: bytes, source: str) -> Document:
    if not data:
        raise BrokenFile("PDF 文件为空。")
    if b"%PDF-" not in data[:1024]:
        raise BrokenFile("文件不是 PDF（缺少 %PDF 文件头），或已损坏。")
    n_pages = _probe(data)
    pages, notes, image_pages, garbled_pages, sheet_of = _read_pages(data, n_pages)
    _drop_running_pictures(pages)
    slots = _sheet_slots(pages, sheet_of)
    metrics = {k: _layout_metrics([p for p, s in zip(pages, slots) if s == k]) for k in set(slots)}
    size = _layout_metrics(pages)[2]

    # one sequence of paragraphs and (stitched) tables in reading order
    blocks: list[_Para | _Frag] = []
    for items in pages:
        for it in items:
            last = blocks[-1] if blocks else None
            if isinstance(it, _Frag):
                if isinstance(last, _Frag) and _continues(last, it):
                    _stitch(last, it)
                else:
                    if isinstance(last, _Frag) and it.lead and it.page == last.last_page + 1:
                        _glue_lead(last, it)
                    blocks.append(it)
                continue
            if isinstance(last, _Para):
                prev = last.lines[-1]
                left = metrics[slots[it.page - 1]][0]  # (the margins of the line's half,
                right = metrics[slots[prev.page - 1]][1]  # of the one the line before ends)
                if not _starts_paragraph(prev, it, left, right, size, prev.page == it.page):
                    last.lines.append(it)
                    continue
            blocks.append(_Para([it]))

    if len(sheet_of) != n_pages:
        _on_sheets(blocks, sheet_of)
    builder = DocumentBuilder()
    unmapped = 0
    for block in blocks:
        if isinstance(block, _Para):
            text, k = _GLYPH_CODE.subn("\ufffd", "\n".join(ln.text for ln in block.lines))
            unmapped += k
            builder.add_paragraph(text, block.lines[0].page)
        else:
            grid = _frag_grid(block)
            for row in grid.rows:
                for cell in row:
                    cell.text, k = _GLYPH_CODE.subn("\ufffd", cell.text)
                    unmapped += k
            builder.add_table(grid, "pdf", block.page)
    if unmapped:
        notes.append(
            f"PDF 文字层中有 {unmapped} 个字符没有文字编码（字体缺少 ToUnicode 映射，常见于数字），"
            "本工具无法识别，已显示为「\ufffd」，含有这些字符的数值未读取"
        )
    doc = builder.build(source, PDF_MEDIA_TYPE, notes, pages=n_pages)
    doc.image_pages = image_pages
    doc.garbled_pages = garbled_pages
    doc.pictures = [
        (ln.page, (ln.x0, ln.top, ln.x1, ln.bottom))
        for block in blocks
        if isinstance(block, _Para)
        for ln in block.lines
        if ln.text == PLACEHOLDER
    ]
    return doc


def _on_sheets(blocks: list[_Para | _Frag], sheet_of: list[int]) -> None:
    """Give every line and cell the number of the sheet it stands on (``sheet_of``: of each
    page read, its sheet), once tables and paragraphs are joined across the pages read."""
    for block in blocks:
        if isinstance(block, _Para):
            for ln in block.lines:
                ln.page = sheet_of[ln.page - 1]
            continue
        block.page, block.last_page = sheet_of[block.page - 1], sheet_of[block.last_page - 1]
        for rec in block.recs:
            rec.page = sheet_of[rec.page - 1]


def picture_images(
    data: bytes, pictures: list[tuple[int, tuple[float, float, float, float]]], dpi: int
) -> list[bytes]:
    """The pictures of a text PDF (``Document.pictures``: page and box in points, from the
    top) as PNGs: the image object standing there at its own resolution (a screenshot
    pasted in keeps its pixels), else that part of the page rendered at ``dpi``."""
    import io

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    out: list[bytes] = []
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            for pno, (x0, top, x1, bottom) in pictures:
                page = pdf[pno - 1]
                try:
                    width, height = page.get_size()
                    im = None
                    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
                        left, low, right, high = obj.get_bounds()
                        if (
                            abs(left - x0) < 2
                            and abs(right - x1) < 2
                            and abs((height - high) - top) < 2
                            and abs((height - low) - bottom) < 2
                        ):
                            native = obj.get_bitmap(render=False).to_pil()
                            if native.width >= (x1 - x0) * dpi / 72 * 0.9:
                                im = native
                            break
                    if im is None:
                        crop = (
                            max(0.0, x0),
                            max(0.0, height - bottom),
                            max(0.0, width - x1),
                            max(0.0, top),
                        )
                        im = page.render(scale=dpi / 72, crop=crop).to_pil()
                    buf = io.BytesIO()
                    im.save(buf, "PNG")
                    out.append(buf.getvalue())
                finally:
                    _close(page)
        finally:
            _close(pdf)
    return out


# the note on pages that are images (the OCR of them replaces its end)
IMAGE_PAGES_NOTE = "第 {} 页是扫描图像，无文字层，"
GARBLED_PAGES_NOTE = "第 {} 页的文字层无法解码（字体缺少文字编码映射），"

# the characters of Chinese text (ideographs, their punctuation, full-width forms, circled
# and Roman numerals, the marks of lists): a text layer whose other non-ASCII characters
# outnumber these is no text (a font's glyph numbers taken for characters: ␞ᆹᐲ⍚⌭४Ӫ≁)
_CJK_TEXT = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
    "\u2000-\u206f\u2160-\u217f\u2460-\u24ff\u25a0-\u25ff\ufe30-\ufe4f\u00b7\ufffd]"
)
_NON_ASCII = re.compile("[^\x00-\x7f]")
_CID = re.compile(r"\(cid:\d+\)")  # pdfminer's name for a glyph it has no character for
_GARBLED_MIN = 30  # characters of other scripts and glyph codes a page must have to be judged


def _garbled(lines: list[_Line], frags: list[_Frag]) -> bool:
    """Whether a page's text layer reads as no Chinese text at all: fonts without a
    character map give their glyphs' numbers, which read as characters of other scripts
    or as control codes (the report was refused as no report). Such a page is read as an
    image. A page whose digits alone lack the map (its labels read) is not."""
    text = "".join([*(ln.text for ln in lines), *(r.text for f in frags for r in f.recs)])
    cjk = len(_CJK_TEXT.findall(text))
    other = len(_NON_ASCII.findall(text)) - cjk
    codes = len(_GLYPH_CODE.findall(text)) + len(_CID.findall(text))
    if other + codes < _GARBLED_MIN:
        return False
    if other >= _GARBLED_MIN and _one_script(text):
        other = 0  # a script of its own (Uyghur, Tibetan, Mongolian beside the Chinese)
    return cjk < 0.5 * other + 0.1 * codes


_SCRIPT_SHARE = 0.6  # of the other characters, in the two blocks of 256 most of them are in


def _one_script(text: str) -> bool:
    """Whether the characters of ``text`` that are neither ASCII nor Chinese are those of a
    script of its own: most of them in two blocks of 256 code points (Arabic and its
    presentation forms: a Uyghur text beside the Chinese). A font's glyph numbers taken
    for characters scatter over dozens of blocks (the two most held a quarter of them at
    most in the real PDFs without a character map). Latin's blocks (below U+0300) do not
    count: a subset font's small glyph numbers fall there."""
    blocks = Counter(ord(c) >> 8 for c in _NON_ASCII.findall(text) if not _CJK_TEXT.match(c))
    top = blocks.most_common(2)
    return bool(top) and top[0][0] >= 3 and sum(n for _, n in top) >= _SCRIPT_SHARE * blocks.total()


# control characters in a text layer: a font's glyph codes with no Unicode mapping (digits
# of a subset TrueType font often come out as \x13…\x1c); shown as U+FFFD, never dropped
_GLYPH_CODE = re.compile("[\x01-\x08\x0e-\x1f]")
