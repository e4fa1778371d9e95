"""A fast page reader for text PDFs: pypdfium2's characters and path objects, and a table
finder of our own.

Over 500 lines because the character boxes (pdfminer's placement rebuilt from PDFium), the
ruling lines, the table finder and the cell text are one reader that mirrors pdfplumber's
and is tested against it as a whole.

pdfplumber reads a page through pdfminer's layout analysis (about 150 ms a page here);
pypdfium2 gives the same characters with their boxes and the page's path objects (the
ruling lines) in a few milliseconds. :class:`FastPages` turns them into what
``reader_pdf`` reads pages from:

1. characters as pdfplumber-shaped dicts (``text``, ``x0``, ``x1``, ``top``, ``bottom``,
   ``size``, ``upright``, ``doctop``) with pdfminer's box: from the origin, the bottom at
   the font descriptor's descent below the baseline (read from the file, as pdfminer does:
   pdfium would take the font file's when the descriptor says 0), the font size high, the
   right edge from pdfium's loose box; vertical writing as pdfminer places it. pdfium's own
   spaces and line breaks are skipped (it also marks real space glyphs so: a space then
   comes from the gap, as pdfplumber reads gaps); a glyph printed again over itself (a
   word processor's or printer's simulated bold) is read once (``_overprinted``);
2. ruling lines: the straight segments of the visible path objects (the same visibility
   rule as ``reader_pdf._visible``: an unstroked rect is a rule only when thin and not
   white), as horizontal and vertical edges; on a page of thousands of pieces, the dashes
   or dots of a dashed or dotted rule drawn one by one are joined first (``_dash_joined``);
3. the table finder: edges snapped and joined (a double rule, two thin lines up to
   DOUBLE_GAP apart, made one; then table by table, the pairs of two tables a few points
   apart not mixed), their intersections, each intersection's
   smallest enclosed cell (a cell spans several slots where inner lines are missing: a
   merged cell), cells touching at corners grouped into tables, as pdfplumber's "lines"
   strategy does (with the reader's extra horizontal lines at the vertical rules' extent);
4. characters into cells by their centre (but for a level watermark's, OVERSIZED times
   the table's middle size and taller than their row: left out); the others into text
   lines (pdfplumber's own line grouping on our characters).

A page it does not handle — rotated, with rotated or unmapped text, form XObjects, curves
among the rules, an unusual page box — yields ``None``, and the caller reads that page with
pdfplumber as before.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from .pdfium_lock import PDFIUM_LOCK

__all__ = [
    "FastPages",
    "PageResult",
    "descriptor_descents",
    "find_table_cells",
    "page_items",
    "plain_text",
    "sheet_pages",
]

TOL = 3.0  # pdfplumber's snap, join and intersection tolerances and minimum edge length
# a double rule (Word's w:val="double" printed by LibreOffice: each cell framed by its own
# pair of thin lines) has its two lines up to this far apart (6 pt at a 3 pt border)
DOUBLE_GAP = 6.5
_WHITE = (255, 255, 255)
MAX_EDGES = 4000  # more rule pieces on a page than this: no report table (pdfplumber reads it)
# pieces drawn before they are joined (``_dash_joined``): a dashed or dotted rule drawn dash
# by dash (Chromium prints a CSS dashed border as a row of tiny filled rects) is tens of
# pieces a cell side, and a report table so ruled thousands on a page
MAX_PIECES = 100_000
# drawn objects looked at on a page: beyond, it is no report table either (a fuzz finding:
# 150,000 paths took 6 s, about 40 µs each through ctypes, before the rules were counted)
MAX_PATH_OBJECTS = 20_000
MAX_FONT_OBJECTS = 2000  # font descriptors (and object streams) looked at per file
MAX_INFLATE = 20_000_000  # bytes of object streams inflated to find font descriptors
REOPEN_PAGES = 64  # pages read before the document is reopened (PDFium's caches dropped)


@dataclass
class PageResult:
    """What the reader needs of a page."""

    width: float
    height: float
    chars: list[dict[str, Any]]
    h_edges: list[tuple[float, float, float]]  # (top, x0, x1)
    v_edges: list[tuple[float, float, float]]  # (x, top, bottom)
    images: list[tuple[float, float, float, float]]  # (x0, top, x1, bottom)
    # the part of the page to read as a page (one of the two pages of a 2-up sheet, see
    # ``pdf_parts``), in the page's coordinates; None: the whole page
    box: tuple[float, float, float, float] | None = None

    @property
    def frame(self) -> tuple[float, float, float, float]:
        """The box read as a page: ``box``, or the whole page."""
        return self.box or (0.0, 0.0, self.width, self.height)


class _Odd(Exception):
    """The page has something the fast reader leaves to pdfplumber."""


class FastPages:
    """The pages of one PDF read through pypdfium2. ``page(pno)`` returns a
    :class:`PageResult`, or ``None`` for a page to read with pdfplumber.

    PDFium keeps every font and image a page loaded until its document is closed (half a
    megabyte a page for a file whose pages each carry their own fonts), so the document is
    reopened every :data:`REOPEN_PAGES` pages. Every call into PDFium holds
    :data:`~nianbao.readers.pdfium_lock.PDFIUM_LOCK` (PDFium is not thread-safe)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pdf: Any = None
        self._read = 0  # pages read since the document was opened
        self._descents: dict[bytes, float] | None = None  # read when first needed
        with PDFIUM_LOCK:
            self._open()

    def _open(self) -> None:
        import pypdfium2 as pdfium

        self._pdf = pdfium.PdfDocument(self._data)
        self._read = 0

    def __len__(self) -> int:
        with PDFIUM_LOCK:
            return len(self._pdf)

    def _descriptor_descent(self, name: bytes) -> float | None:
        if self._descents is None:
            self._descents = descriptor_descents(self._data)
        return self._descents.get(name)

    def close(self) -> None:
        with PDFIUM_LOCK:
            self._close()

    def _close(self) -> None:
        try:
            self._pdf.close()
        except Exception:  # noqa: BLE001, S110 - closing never hides the error on its way
            pass

    def page(self, index: int, max_chars: int | None = None) -> PageResult | None:
        """Page ``index`` (0-based); ``None`` too when it holds more than ``max_chars``
        characters (the caller's budget of characters read one by one)."""
        with PDFIUM_LOCK:
            if self._read >= REOPEN_PAGES:
                self._close()
                self._open()
            self._read += 1
            page = self._pdf[index]
            try:
                return _read_page(page, self._descriptor_descent, max_chars)
            except _Odd:
                return None
            finally:
                try:
                    page.close()
                except Exception:  # noqa: BLE001, S110
                    pass

    def dense_lines(
        self, index: int, limit: int
    ) -> tuple[int, list[tuple[str, float, float, float, float]] | None]:
        """For a page this reader left: its number of characters and, when it holds more
        than ``limit``, the page's text as lines ``(text, x0, top, x1, bottom)`` (top-down
        coordinates) as PDFium breaks them, each line's box from its first and last
        character; else ``None`` for the lines (pdfplumber reads the page). Linear in the
        characters: PDFium's text is taken once, and two character boxes per line."""
        with PDFIUM_LOCK:
            page = self._pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    count = textpage.count_chars()
                    if count <= limit:
                        return count, None
                    height = float(page.get_height())
                    text = textpage.get_text_range(0, count)
                    boxed = len(text) == count  # one index a character: boxes can be found
                    lines = []
                    pos = 0
                    for row, raw in enumerate(text.split("\n")):
                        first, last = pos, pos + len(raw) - 1
                        pos += len(raw) + 1
                        line = raw.strip()
                        if not line:
                            continue
                        if boxed:
                            first += len(raw) - len(raw.lstrip())
                            last -= len(raw) - len(raw.rstrip())
                            x0, b0, _, t0 = textpage.get_charbox(first)
                            _, b1, x1, t1 = textpage.get_charbox(last)
                            box = (x0, height - max(t0, t1), x1, height - min(b0, b1))
                        else:  # no box to point at: the lines in their order
                            box = (0.0, float(row), 0.0, float(row))
                        lines.append((line, *box))
                finally:
                    textpage.close()
            finally:
                try:
                    page.close()
                except Exception:  # noqa: BLE001, S110
                    pass
        return count, lines


def _read_page(page: Any, descriptor: Any, max_chars: int | None = None) -> PageResult:
    import pypdfium2.raw as c

    if c.FPDFPage_GetRotation(page.raw) != 0:
        raise _Odd("rotated page")
    x0, y0, x1, y1 = page.get_mediabox()
    if abs(x0) > 0.01 or abs(y0) > 0.01:
        raise _Odd("page box not at the origin")
    try:
        crop = page.get_cropbox()
    except Exception:  # noqa: BLE001
        crop = (x0, y0, x1, y1)
    if any(abs(a - b) > 0.01 for a, b in zip(crop, (x0, y0, x1, y1))):
        raise _Odd("crop box")
    width, height = float(x1), float(y1)
    h_edges, v_edges, images = _paths(page, height)
    if len(h_edges) + len(v_edges) > MAX_EDGES:
        h_edges, v_edges = _dash_joined(h_edges), _dash_joined(v_edges)
    if len(h_edges) + len(v_edges) > MAX_EDGES:
        raise _Odd("too many rules for a report table")
    textpage = page.get_textpage()
    try:
        if max_chars is not None and textpage.count_chars() > max_chars:
            raise _Odd("more characters than the budget")
        chars = _chars(textpage, height, descriptor)
    finally:
        textpage.close()
    return PageResult(width, height, chars, h_edges, v_edges, images)


# --------------------------------------------------------------------------- characters


_FONT_NAME = re.compile(rb"/FontName\s*/([^\s/<>\[\]()]+)")
_DESCENT = re.compile(rb"/Descent\s+(-?[\d.]+)(?![\d.])(?!\s+\d+\s+R)")
_SUBSET = re.compile(rb"^[A-Z]{6}\+")
_NAME_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")
_OBJSTM_HEAD = re.compile(rb"/First\s+(\d+)")
_STREAM = re.compile(rb"stream\r?\n")


def descriptor_descents(data: bytes) -> dict[bytes, float]:
    """Font name -> the ``/Descent`` of its font descriptor (0 when the descriptor has
    none), from the file's objects and object streams: pdfminer places character boxes by
    it, where pdfium falls back to the font file's metrics when it is 0."""
    out: dict[bytes, float] = {}

    def scan(obj: bytes) -> None:
        if b"/FontDescriptor" not in obj:
            return
        name = _FONT_NAME.search(obj)
        if name is None:
            return
        m = _DESCENT.search(obj)
        if m is None and b"/Descent" in obj:  # not a plain number (a reference): pdfium's
            return
        key = _NAME_ESCAPE.sub(lambda e: bytes([int(e.group(1), 16)]), name.group(1))
        try:
            value = float(m.group(1)) if m else 0.0
        except ValueError:
            return
        out[key] = value
        out.setdefault(_SUBSET.sub(b"", key), value)  # pdfium names fonts without the tag

    budget = MAX_INFLATE
    for marker in (b"/FontDescriptor", b"/ObjStm"):
        seen: set[int] = set()
        pos = data.find(marker)
        visits = 0
        next_end = -1  # the first "endobj" at or after the last position searched from
        while pos >= 0 and visits < MAX_FONT_OBJECTS:
            visits += 1
            # the object around the marker (a descriptor is small; an object stream's
            # header is near its start, its end may be far)
            if next_end < pos:  # each stretch of the file is searched once
                next_end = data.find(b"endobj", pos)
                if next_end < 0:
                    break
            end = next_end
            start = data.rfind(b" obj", max(0, pos - 4096), pos)
            if start < 0 or end - pos > (MAX_INFLATE if marker == b"/ObjStm" else 65536):
                pos = data.find(marker, pos + len(marker))
                continue
            if start not in seen:
                seen.add(start)
                chunk = data[start:end]
                if marker == b"/FontDescriptor":
                    cut = chunk.find(b"stream")
                    scan(chunk if cut < 0 else chunk[:cut])
                elif budget > 0 and b"/ObjStm" in chunk[:2000]:
                    objs = _object_stream(chunk, budget)
                    budget -= sum(len(o) for o in objs) + 1
                    for obj in objs:
                        scan(obj)
            pos = data.find(marker, pos + len(marker))
    return out


def _object_stream(chunk: bytes, limit: int) -> list[bytes]:
    """The objects of an object stream (FlateDecode or none); [] if it cannot be read."""
    import zlib

    m = _STREAM.search(chunk)
    first = _OBJSTM_HEAD.search(chunk)
    if m is None or first is None:
        return []
    body = chunk[m.end() : chunk.rfind(b"endstream")]
    if b"/FlateDecode" in chunk[: m.start()]:
        try:
            body = zlib.decompressobj().decompress(body, limit)
        except zlib.error:
            return []
    elif b"/Filter" in chunk[: m.start()]:
        return []
    head = body[: int(first.group(1))].split()
    offsets = [int(x) for x in head[1::2] if x.isdigit()]
    base = int(first.group(1))
    ends = offsets[1:] + [len(body) - base]
    return [body[base + o : base + e] for o, e in zip(offsets, ends)]


def _page_text(tp: Any, n: int) -> str | None:
    """The page's characters in one call (one per index), or None where UTF-16 pairs make
    the text longer than the character count."""
    import pypdfium2.raw as c

    buf = (ctypes.c_ushort * (n + 1))()
    got = c.FPDFText_GetText(tp, 0, n, buf)
    text = bytes(buf)[: max(0, got - 1) * 2].decode("utf-16-le", errors="replace")
    return text if len(text) == n else None


_SPACES = frozenset(" \r\n\t\x00\x02\ufffe\uffff")


def _chars(textpage: Any, height: float, descriptor: Any) -> list[dict[str, Any]]:
    import pypdfium2.raw as c

    tp = textpage.raw
    n = c.FPDFText_CountChars(tp)
    out: list[dict[str, Any]] = []
    if n <= 0:
        return out
    box = c.FS_RECTF()
    of_object = _Metrics(descriptor).of
    ox, oy = ctypes.c_double(), ctypes.c_double()
    metrics: dict[int, tuple[float, float, bool]] = {}  # text object -> its metrics
    text = _page_text(tp, n)
    get_origin = c.FPDFText_GetCharOrigin
    get_unicode = c.FPDFText_GetUnicode
    is_generated = c.FPDFText_IsGenerated
    get_object = ctypes.cast(c.FPDFText_GetTextObject, _TEXT_OBJECT)
    get_box = c.FPDFText_GetLooseCharBox
    append = out.append
    for i in range(n):
        if text is not None:
            ch = text[i]
            # pdfium adds spaces and line breaks of its own; nothing else is generated
            if ch in _SPACES and is_generated(tp, i):
                continue
        else:
            if is_generated(tp, i):
                continue
            code = get_unicode(tp, i)
            ch = chr(code) if code < 0xD800 or code > 0xDFFF else "\ufffd"
        if ch in ("\ufffe", "\uffff", "\x00"):
            raise _Odd("unmapped character")
        key = get_object(tp, i)
        if not key:
            raise _Odd("character without a text object")
        get_origin(tp, i, ox, oy)
        known = metrics.get(key)
        if known is None:
            known = of_object(key, ox.value)
            metrics[key] = known
        size, descent, vertical = known
        bottom = height - (oy.value + descent)
        if vertical:  # vertical writing: pdfminer's box is the em square at the origin
            x0 = ox.value
            x1 = x0 + size
        else:
            get_box(tp, i, box)
            x0, x1 = ox.value, box.right
            if x1 < x0 - 0.01:
                raise _Odd("character box before its origin")
        top = bottom - size
        append(
            {
                "text": ch,
                "x0": x0,
                "x1": x1,
                "top": top,
                "bottom": bottom,
                "doctop": top,  # pages are read one at a time
                "size": size,
                "upright": True,
                "object_type": "char",
                "width": x1 - x0,
                "height": size,
            }
        )
    return _overprinted(out)


def _overprinted(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The characters less those printed again over themselves: a word processor's or a
    printer driver's simulated bold draws each glyph twice, a fraction of a point apart,
    and both copies would be read (pdfplumber's ``dedupe_chars``, tolerance 1 point)."""
    seen: dict[tuple[str, int], list[tuple[float, float]]] = {}
    out = []
    for ch in chars:
        text = ch["text"]
        if text.isspace():
            out.append(ch)
            continue
        x0, top = ch["x0"], ch["top"]
        tol = min(1.0, 0.25 * ch["size"])
        band = int(top // 2)
        if any(
            abs(x - x0) <= tol and abs(t - top) <= tol
            for b in (band - 1, band, band + 1)
            for x, t in seen.get((text, b), ())
        ):
            continue
        seen.setdefault((text, band), []).append((x0, top))
        out.append(ch)
    return out


# FPDFText_GetTextObject returning the object's address as an int (a dict key, no cast)
_TEXT_OBJECT = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)


class _Metrics:
    """Font size, descent and writing direction of text objects, through entry points
    that take and return addresses (no pointer casts per call)."""

    def __init__(self, descriptor: Any) -> None:
        import pypdfium2.raw as c

        self.descriptor = descriptor  # font name -> its descriptor's descent, or None
        self.name_buf = ctypes.create_string_buffer(256)
        vp = ctypes.c_void_p
        self.get_name = ctypes.cast(
            c.FPDFFont_GetBaseFontName,
            ctypes.CFUNCTYPE(ctypes.c_size_t, vp, ctypes.c_char_p, ctypes.c_size_t),
        )
        self.matrix = c.FS_MATRIX()
        self.fsize = ctypes.c_float()
        self.desc = ctypes.c_float()
        self.get_matrix = ctypes.cast(
            c.FPDFPageObj_GetMatrix,
            ctypes.CFUNCTYPE(ctypes.c_int, vp, ctypes.POINTER(c.FS_MATRIX)),
        )
        self.get_size = ctypes.cast(
            c.FPDFTextObj_GetFontSize,
            ctypes.CFUNCTYPE(ctypes.c_int, vp, ctypes.POINTER(ctypes.c_float)),
        )
        self.get_font = ctypes.cast(c.FPDFTextObj_GetFont, ctypes.CFUNCTYPE(vp, vp))
        self.get_descent = ctypes.cast(
            c.FPDFFont_GetDescent,
            ctypes.CFUNCTYPE(ctypes.c_int, vp, ctypes.c_float, ctypes.POINTER(ctypes.c_float)),
        )
        self.descents: dict[tuple[int, float], float] = {}

    def of(self, address: int, origin_x: float) -> tuple[float, float, bool]:
        """(font size, descent below the baseline, vertical writing) of a text object,
        from its first character's origin."""
        matrix = self.matrix
        if not self.get_matrix(address, matrix) or not self.get_size(address, self.fsize):
            raise _Odd("text object without a matrix")
        if abs(matrix.b) > 1e-6 or abs(matrix.c) > 1e-6 or matrix.a <= 0 or matrix.d <= 0:
            raise _Odd("rotated or mirrored text")
        if abs(matrix.a - matrix.d) > 1e-6:
            raise _Odd("scaled text")
        size = self.fsize.value * matrix.d
        if size <= 0:
            raise _Odd("text without a size")
        if abs(origin_x - matrix.e) >= 0.01:
            if abs(origin_x - (matrix.e - size / 2)) < 0.05:
                return size, 0.0, True
            raise _Odd("text object whose first character is not at its origin")
        font = self.get_font(address)
        if not font:
            raise _Odd("text without a font")
        key = (font, size)
        descent = self.descents.get(key)
        if descent is None:
            if not self.get_descent(font, size, self.desc):
                raise _Odd("text without font metrics")
            # pdfminer puts the box's bottom at the font descriptor's descent below the
            # baseline; pdfium gives that descent, or the font file's where the descriptor
            # has none (pdfminer: 0), which can even be positive
            given = None
            if self.get_name(font, self.name_buf, 256):
                name = self.name_buf.value
                given = self.descriptor(name)
                if given is None and b"-" in name:  # a Type0 font: "Name-Identity-H"
                    given = self.descriptor(name.rsplit(b"-", 1)[0])
            if given is not None:
                descent = -abs(given) / 1000 * size
            else:
                descent = min(0.0, max(-0.35, self.desc.value / size)) * size
            self.descents[key] = descent
        return size, descent, False


# --------------------------------------------------------------------------- ruling lines


def _paths(
    page: Any, height: float
) -> tuple[
    list[tuple[float, float, float]],
    list[tuple[float, float, float]],
    list[tuple[float, float, float, float]],
]:
    import pypdfium2.raw as c

    raw = page.raw
    h_edges: list[tuple[float, float, float]] = []
    v_edges: list[tuple[float, float, float]] = []
    images: list[tuple[float, float, float, float]] = []
    matrix = c.FS_MATRIX()
    fill_mode = ctypes.c_int()
    stroke = ctypes.c_int()
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    px, py = ctypes.c_float(), ctypes.c_float()
    left, bot, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    paths = 0
    for k in range(c.FPDFPage_CountObjects(raw)):
        obj = c.FPDFPage_GetObject(raw, k)
        kind = c.FPDFPageObj_GetType(obj)
        if kind == c.FPDF_PAGEOBJ_FORM:
            raise _Odd("form XObject")
        if kind in (c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_IMAGE, c.FPDF_PAGEOBJ_SHADING):
            paths += 1
            if paths > MAX_PATH_OBJECTS or len(h_edges) + len(v_edges) > MAX_PIECES:
                raise _Odd("too many rules for a report table")
        if kind == c.FPDF_PAGEOBJ_IMAGE:
            if c.FPDFPageObj_GetBounds(obj, left, bot, right, top):
                images.append((left.value, height - top.value, right.value, height - bot.value))
            continue
        if kind == c.FPDF_PAGEOBJ_SHADING:
            continue
        if kind != c.FPDF_PAGEOBJ_PATH:
            continue
        if not c.FPDFPath_GetDrawMode(obj, fill_mode, stroke):
            raise _Odd("path without a draw mode")
        filled, stroked = fill_mode.value != 0, bool(stroke.value)
        if not filled and not stroked:
            continue
        if not c.FPDFPageObj_GetMatrix(obj, matrix):
            raise _Odd("path without a matrix")
        ma, mb, mc, md, me, mf = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        subpaths: list[list[tuple[float, float]]] = []
        for s in range(c.FPDFPath_CountSegments(obj)):
            seg = c.FPDFPath_GetPathSegment(obj, s)
            kind_s = c.FPDFPathSegment_GetType(seg)
            if kind_s == c.FPDF_SEGMENT_BEZIERTO:
                raise _Odd("curve")
            if not c.FPDFPathSegment_GetPoint(seg, px, py):
                raise _Odd("path segment without a point")
            x = ma * px.value + mc * py.value + me
            y = mb * px.value + md * py.value + mf
            pt = (x, height - y)
            if kind_s == c.FPDF_SEGMENT_MOVETO or not subpaths:
                subpaths.append([pt])
            else:
                subpaths[-1].append(pt)
            if c.FPDFPathSegment_GetClose(seg) and subpaths[-1][0] != pt:
                subpaths[-1].append(subpaths[-1][0])
        fill_white: bool | None = None
        for sub in subpaths:  # pdfminer makes one shape of each subpath
            rect = _as_rect(sub)
            if rect is not None and not stroked:
                # reader_pdf._visible: an unstroked rect is a rule only when thin, not white
                if min(rect[2] - rect[0], rect[3] - rect[1]) >= 3.0:
                    continue
                if fill_white is None:
                    c.FPDFPageObj_GetFillColor(obj, r, g, b, a)
                    fill_white = (r.value, g.value, b.value) == _WHITE
                if fill_white:
                    continue
            if rect is not None:
                rx0, rtop, rx1, rbottom = rect
                h_edges.append((rtop, rx0, rx1))
                h_edges.append((rbottom, rx0, rx1))
                v_edges.append((rx0, rtop, rbottom))
                v_edges.append((rx1, rtop, rbottom))
                continue
            for (xa, ya), (xb, yb) in itertools.pairwise(sub):
                if abs(ya - yb) < 0.01:
                    h_edges.append((ya, min(xa, xb), max(xa, xb)))
                elif abs(xa - xb) < 0.01:
                    v_edges.append((xa, min(ya, yb), max(ya, yb)))
    return h_edges, v_edges, images


def _dash_joined(edges: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """The pieces of a page with more than MAX_EDGES of them, joined where they run on at
    one position with gaps within TOL, and the joined pieces shorter than 1 pt (what
    ``_merge`` drops) dropped: the dashes or dots of a dashed or dotted rule drawn one by
    one (Chromium draws a 1 px dashed border as 3 px rects 2 px apart, a dotted one as
    1 px squares, each its own path) made the rule they draw. Such a page had thousands of
    pieces and was left to pdfplumber, which read its tables in pieces (cells unread);
    the dots' pieces, each shorter than 1 pt, were no rule at all. Only such pages are
    joined here, so that the snapping of every other page is left as it was."""
    by_pos: dict[float, list[tuple[float, float]]] = {}
    for pos, lo, hi in edges:
        by_pos.setdefault(pos, []).append((lo, hi))
    out: list[tuple[float, float, float]] = []
    for pos, spans in by_pos.items():
        out += [(pos, lo, hi) for lo, hi in _joined(spans) if hi - lo >= 1.0]
    return out


def _as_rect(pts: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """The box of a subpath that is an axis-aligned rectangle (pdfminer's LTRect: four
    sides, closed)."""
    if len(pts) != 5 or pts[0] != pts[4]:
        return None
    (xa, ya), (xb, yb), (xc, yc), (xd, yd) = pts[:4]
    horizontal_first = ya == yb and xb == xc and yc == yd and xd == xa
    vertical_first = xa == xb and yb == yc and xc == xd and yd == ya
    if not (horizontal_first or vertical_first):
        return None
    xs = (xa, xb, xc, xd)
    ys = (ya, yb, yc, yd)
    return (min(xs), min(ys), max(xs), max(ys))


# --------------------------------------------------------------------------- table finder


def _snap(values: list[float]) -> dict[float, float]:
    """Each value -> the mean of its cluster (consecutive sorted values within TOL: the
    clustering of pdfplumber's ``snap_objects``)."""
    out: dict[float, float] = {}
    if not values:
        return out
    uniq = sorted(set(values))
    groups: list[list[float]] = [[uniq[0]]]
    for v in uniq[1:]:
        if v <= groups[-1][-1] + TOL:
            groups[-1].append(v)
        else:
            groups.append([v])
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    for grp in groups:
        n = sum(counts[v] for v in grp)
        mean = sum(v * counts[v] for v in grp) / n
        for v in grp:
            out[v] = mean
    return out


def _merge(
    edges: list[tuple[float, float, float]],
) -> tuple[list[tuple[float, float, float]], dict[float, float]]:
    """Snap the edges' positions, join collinear pieces within TOL, drop short edges.
    Also returns the spread of the snapped positions that are close double rules (the two
    lines snapped into one, both sides running together; not the rules of two tables a
    few points apart), their farthest edges apart."""
    edges = [e for e in edges if e[2] - e[1] >= 1.0]
    snap = _snap([e[0] for e in edges])
    by_pos: dict[float, list[tuple[float, float]]] = {}
    ends: dict[float, tuple[float, float]] = {}
    members: dict[float, list[tuple[float, float, float]]] = {}
    for pos, lo, hi in edges:
        at = snap[pos]
        by_pos.setdefault(at, []).append((lo, hi))
        members.setdefault(at, []).append((pos, lo, hi))
        low, high = ends.get(at, (pos, pos))
        ends[at] = (min(low, pos), max(high, pos))
    out: list[tuple[float, float, float]] = []
    for pos in sorted(by_pos):
        spans = sorted(by_pos[pos])
        cur_lo, cur_hi = spans[0]
        for lo, hi in spans[1:]:
            if lo <= cur_hi + TOL:
                cur_hi = max(cur_hi, hi)
            else:
                out.append((pos, cur_lo, cur_hi))
                cur_lo, cur_hi = lo, hi
        out.append((pos, cur_lo, cur_hi))
    spread: dict[float, float] = {}
    for at, (low, high) in ends.items():
        if high - low >= 2.0:  # a double rule when its two sides run together
            cut = (low + high) / 2
            near = _joined([(lo, hi) for pos, lo, hi in members[at] if pos < cut])
            far = _joined([(lo, hi) for pos, lo, hi in members[at] if pos >= cut])
            if near and far and _run_together(near, far):
                spread[at] = high - low
    return [e for e in out if e[2] - e[1] >= TOL], spread


def _run_together(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    """Whether two lists of sorted, disjoint spans have most (3/4) of the shorter list's
    length in common (a two-pointer sweep)."""
    common = 0.0
    i = j = 0
    while i < len(a) and j < len(b):
        common += max(0.0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return common >= 0.75 * min(sum(hi - lo for lo, hi in a), sum(hi - lo for lo, hi in b))


def _joined(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Spans sorted and joined where they meet within TOL."""
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + TOL:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _doubles(
    lines: list[tuple[float, float, float]], spread: dict[float, float]
) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float, float]]]:
    """Double rules as one. Word's double border printed by LibreOffice frames every cell
    with its own pair of thin lines, up to DOUBLE_GAP apart; read as lines they made
    slivers of cells between the pairs, the tables broke apart and were read by alignment
    (hundreds of cells unread). A line (``_merge`` d, sorted by position) and the lines at
    the nearest position within DOUBLE_GAP after it that run along it (3/4 of the shorter
    in common) are one rule at their middle over their joined extent. Pairs are matched
    line by line, not position by position: the pairs of two tables on one page, a few
    points apart, are snapped to shared positions by ``_merge``.

    Returns the lines and the double rules, ``(pos, lo, hi, reach)``: the lines across a
    double rule stop short of its middle by up to ``reach`` (twice the pair's gap). A pair
    within TOL, snapped into one line by ``_merge`` (its ``spread``), is such a rule too."""
    ordered = sorted(lines)
    used = [False] * len(ordered)
    out: list[tuple[float, float, float]] = []
    doubles = [(p, lo, hi, 2 * spread[p]) for p, lo, hi in lines if spread.get(p, 0.0) >= 2.0]
    for i, (p, lo, hi) in enumerate(ordered):
        if used[i]:
            continue
        partners: list[int] = []
        q = None
        for j in range(i + 1, min(len(ordered), i + _DOUBLE_WINDOW)):
            pj, lo_j, hi_j = ordered[j]
            if pj - p > DOUBLE_GAP or (q is not None and pj > q):
                break
            if used[j] or pj - p <= TOL:
                continue
            common = min(hi, hi_j) - max(lo, lo_j)
            if common >= 0.75 * min(hi - lo, hi_j - lo_j):
                partners.append(j)
                q = pj
        if q is None:
            out.append((p, lo, hi))
            continue
        mid = (p + q) / 2
        for j in partners:
            used[j] = True
            lo, hi = min(lo, ordered[j][1]), max(hi, ordered[j][2])
        out.append((mid, lo, hi))
        doubles.append((mid, lo, hi, 2 * (q - p)))
    return out, doubles


_DOUBLE_WINDOW = 256  # lines looked at after each for its pair (keeps the pass linear)


def _rules(
    h_edges: list[tuple[float, float, float]], v_edges: list[tuple[float, float, float]]
) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]], bool]:
    """The ruling lines of edges: merged, double rules made one and the lines across
    them drawn out to them; and whether there were double rules."""
    hs, h_doubles = _doubles(*_merge(h_edges))
    vs, v_doubles = _doubles(*_merge(v_edges))
    if h_doubles or v_doubles:
        return _reach(hs, v_doubles), _reach(vs, h_doubles), True
    return hs, vs, False


def _regions(
    h_edges: list[tuple[float, float, float]], v_edges: list[tuple[float, float, float]]
) -> list[tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]]:
    """The edges split by the groups of merged lines that touch (within DOUBLE_GAP and
    TOL): one group a table. Merged lines are few (not the edges), so the pairs of them
    are looked at; each edge goes to the first group whose box holds its middle."""
    hs, _ = _merge(h_edges)
    vs, _ = _merge(v_edges)
    near = DOUBLE_GAP + TOL
    parent = list(range(len(hs) + len(vs)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i, (y, x0, x1) in enumerate(hs):
        for j, (x, top, bottom) in enumerate(vs):
            if x0 - near <= x <= x1 + near and top - near <= y <= bottom + near:
                parent[root(i)] = root(len(hs) + j)
    boxes: dict[int, list[float]] = {}
    for k in range(len(parent)):
        if k < len(hs):
            y, x0, x1 = hs[k]
            box = [x0, y, x1, y]
        else:
            x, top, bottom = vs[k - len(hs)]
            box = [x, top, x, bottom]
        got = boxes.setdefault(root(k), box)
        got[:] = [
            min(got[0], box[0]),
            min(got[1], box[1]),
            max(got[2], box[2]),
            max(got[3], box[3]),
        ]
    regions = [b for b in boxes.values() if b[2] > b[0] and b[3] > b[1]]
    parts: list[tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]] = [
        ([], []) for _ in regions
    ]

    def place(cx: float, cy: float) -> int:
        for n, (x0, top, x1, bottom) in enumerate(regions):
            if x0 - near <= cx <= x1 + near and top - near <= cy <= bottom + near:
                return n
        return -1

    for e in h_edges:
        n = place((e[1] + e[2]) / 2, e[0])
        if n >= 0:
            parts[n][0].append(e)
    for e in v_edges:
        n = place(e[0], (e[1] + e[2]) / 2)
        if n >= 0:
            parts[n][1].append(e)
    return parts


def _reach(
    lines: list[tuple[float, float, float]], doubles: list[tuple[float, float, float, float]]
) -> list[tuple[float, float, float]]:
    """Each line's ends drawn out to the nearest double rule across it that they stop
    short of by at most its reach (a double border's inner lines end inside the cell's
    frame, further from the frame's middle than TOL)."""
    out = []
    for pos, lo, hi in lines:
        new_lo, new_hi = lo, hi
        for d, d_lo, d_hi, reach in doubles:
            if d_lo - TOL <= pos <= d_hi + TOL:
                if d < lo and lo - d <= reach and (new_lo == lo or d > new_lo):
                    new_lo = d
                elif d > hi and d - hi <= reach and (new_hi == hi or d < new_hi):
                    new_hi = d
        out.append((pos, new_lo, new_hi))
    return out


def find_table_cells(
    h_edges: list[tuple[float, float, float]],
    v_edges: list[tuple[float, float, float]],
    width: float,
) -> list[list[tuple[float, float, float, float]]]:
    """Tables of a page as lists of cells ``(x0, top, x1, bottom)``, top to bottom.

    ``h_edges`` are ``(top, x0, x1)``, ``v_edges`` ``(x, top, bottom)``. Horizontal lines
    across the page are added at the top and bottom of the vertical rules (a table cut by
    a page break has no closing rule)."""
    if v_edges:
        lo = min(e[1] for e in v_edges)
        hi = max(e[2] for e in v_edges)
        h_edges = [*h_edges, (lo, 0.0, width), (hi, 0.0, width)]
    hs, vs, doubled = _rules(h_edges, v_edges)
    if doubled:
        # the pairs of two tables a few points apart were snapped to shared positions
        # across the page: the rules again, table by table
        hs, vs = [], []
        for h_part, v_part in _regions(h_edges, v_edges):
            h_got, v_got, _ = _rules(h_part, v_part)
            hs += h_got
            vs += v_got
    if not hs or not vs:
        return []
    # intersections: point -> the ids of the edges through it
    inter_v: dict[tuple[float, float], set[int]] = {}
    inter_h: dict[tuple[float, float], set[int]] = {}
    for vi, (x, vtop, vbottom) in enumerate(vs):
        for hi, (y, hx0, hx1) in enumerate(hs):
            if vtop <= y + TOL and vbottom >= y - TOL and hx0 - TOL <= x <= hx1 + TOL:
                pt = (x, y)
                inter_v.setdefault(pt, set()).add(vi)
                inter_h.setdefault(pt, set()).add(hi)
    points = sorted(inter_v)
    by_x: dict[float, list[tuple[float, float]]] = {}
    by_y: dict[float, list[tuple[float, float]]] = {}
    for pt in points:  # sorted: below points by y, right points by x
        by_x.setdefault(pt[0], []).append(pt)
        by_y.setdefault(pt[1], []).append(pt)

    def v_link(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return not inter_v[p].isdisjoint(inter_v[q])

    def h_link(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return not inter_h[p].isdisjoint(inter_h[q])

    cells: list[tuple[float, float, float, float]] = []
    for pt in points:
        below = [q for q in by_x[pt[0]] if q[1] > pt[1]]
        right = [q for q in by_y[pt[1]] if q[0] > pt[0]]
        found = None
        for bp in below:
            if not v_link(pt, bp):
                continue
            for rp in right:
                if not h_link(pt, rp):
                    continue
                br = (rp[0], bp[1])
                if br in inter_v and v_link(br, rp) and h_link(br, bp):
                    found = (pt[0], pt[1], br[0], br[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return _group(cells)


def _group(
    cells: list[tuple[float, float, float, float]],
) -> list[list[tuple[float, float, float, float]]]:
    """Cells that share corners, as tables (pdfplumber's ``cells_to_tables``)."""
    remaining = list(cells)
    tables: list[list[tuple[float, float, float, float]]] = []
    corners: set[tuple[float, float]] = set()
    current: list[tuple[float, float, float, float]] = []
    while remaining:
        before = len(current)
        keep: list[tuple[float, float, float, float]] = []
        for cell in remaining:
            x0, top, x1, bottom = cell
            cc = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(p in corners for p in cc):
                corners.update(cc)
                current.append(cell)
            else:
                keep.append(cell)
        remaining = keep
        if len(current) == before:
            tables.append(current)
            current = []
            corners = set()
    if current:
        tables.append(current)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def cells_bbox(cells: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (
        min(c[0] for c in cells),
        min(c[1] for c in cells),
        max(c[2] for c in cells),
        max(c[3] for c in cells),
    )


def slot_index(bounds: list[float], v: float) -> int:
    """Index of the slot ``v`` falls in (``bounds`` sorted)."""
    return bisect_right(bounds, v) - 1


# --------------------------------------------------------------------------- page items


def page_items(res: PageResult, pno: int) -> tuple[list[Any], list[Any], bool]:
    """Text lines, table fragments and whether the page is an image, in the shapes of
    ``reader_pdf`` (``_Line``, ``_Frag``), as its pdfplumber path makes them."""

    from . import pdf as rp

    taken: set[int] = set()
    frags: list[Any] = []
    chars = res.chars
    for cells in find_table_cells(res.h_edges, res.v_edges, res.width):
        xs = rp.cluster_values([c[0] for c in cells] + [c[2] for c in cells], rp.SNAP)
        ys = rp.cluster_values([c[1] for c in cells] + [c[3] for c in cells], rp.SNAP)
        if len(xs) < 3 or len(ys) < 2:  # one column: a framed box, not a table
            continue
        recs: list[Any] = []
        slot: dict[tuple[int, int], int] = {}
        for x0, top, x1, bottom in rp._no_enclosing(cells):
            r0, r1 = rp._index(ys, top), rp._index(ys, bottom)
            c0, c1 = rp._index(xs, x0), rp._index(xs, x1)
            if r1 <= r0 or c1 <= c0:
                continue
            k = len(recs)
            recs.append(rp._Rec(r0, r1, c0, c1, "", pno, (x0, top, x1, bottom)))
            for r in range(r0, r1):
                for c in range(c0, c1):
                    slot.setdefault((r, c), k)
        into: list[list[dict[str, Any]]] = [[] for _ in recs]
        x_lo, top_lo, x_hi, bottom_hi = cells_bbox(cells)
        inside = [
            ch
            for ch in chars
            if x_lo <= (ch["x0"] + ch["x1"]) / 2 <= x_hi
            and top_lo <= (ch["top"] + ch["bottom"]) / 2 <= bottom_hi
        ]
        mark = {id(ch) for ch in rp._oversized(inside, ys)}  # a level watermark over the table
        taken |= mark
        for ch in inside:
            if id(ch) in mark:
                continue
            cx = (ch["x0"] + ch["x1"]) / 2
            cy = (ch["top"] + ch["bottom"]) / 2
            k = slot.get((slot_index(ys, cy), slot_index(xs, cx)), -1)
            if k >= 0:
                into[k].append(ch)
                taken.add(id(ch))
        for rec, cs in zip(recs, into):
            if cs:
                rec.text = rp._cell_text(plain_text(cs))
        frags.append(rp._Frag(pno, pno, (x_lo, top_lo, x_hi, bottom_hi), xs, len(ys) - 1, recs))
    rest = [ch for ch in chars if id(ch) not in taken] if taken else chars
    lines = _lines(rest, res, pno)
    if not frags:
        lines, frags = rp._aligned_tables(lines, pno)
    image = not frags and _image_only(res, lines)
    if not image and res.images:
        x0, top, x1, bottom = res.frame
        found = rp.picture_lines(res.images, x1 - x0, bottom - top, lines, pno)
        if found:
            lines = sorted(lines + found, key=lambda ln: ln.top)
    return lines, frags, image


def sheet_pages(res: PageResult) -> list[PageResult]:
    """The pages a page holds: two for a sheet printed two pages to a sheet
    (``pdf_parts.sheet_parts``), each with its own characters, rules and pictures and its
    ``box`` on the sheet; else the page itself."""
    from .pdf_parts import part_of, sheet_parts

    chars = [
        ((c["x0"], c["top"], c["x1"], c["bottom"]), c["text"])
        for c in res.chars
        if c["text"].strip()
    ]
    h_boxes = [(x0, top, x1, top) for top, x0, x1 in res.h_edges]
    v_boxes = [(x, top, x, bottom) for x, top, bottom in res.v_edges]
    parts = sheet_parts(chars, h_boxes + v_boxes + res.images, res.width, res.height)
    if parts is None:
        return [res]
    out = [PageResult(res.width, res.height, [], [], [], [], part) for part in parts]
    for c in res.chars:
        out[part_of((c["x0"], c["top"], c["x1"], c["bottom"]), parts)].chars.append(c)
    for e, box in zip(res.h_edges, h_boxes):
        out[part_of(box, parts)].h_edges.append(e)
    for v, box in zip(res.v_edges, v_boxes):
        out[part_of(box, parts)].v_edges.append(v)
    for img in res.images:
        out[part_of(img, parts)].images.append(img)
    return out


def _lines(chars: list[dict[str, Any]], res: PageResult, pno: int) -> list[Any]:
    """``reader_pdf._lines_outside`` on our characters: pdfplumber's line grouping."""
    from pdfplumber.utils.text import chars_to_textmap

    from . import pdf as rp

    if not chars:
        return []
    x0, top, x1, bottom = res.frame
    textmap = chars_to_textmap(
        chars,
        layout_bbox=res.frame,
        layout_width=x1 - x0,
        layout_height=bottom - top,
    )
    return rp._text_lines(
        textmap.extract_text_lines(strip=True, return_chars=True), pno, bottom - top, top
    )


def _image_only(res: PageResult, lines: list[Any]) -> bool:
    """``reader_pdf._image_only`` on our image boxes."""
    if sum(len(ln.text) for ln in lines if not ln.in_margin) >= 20:
        return False
    x0, top, x1, bottom = res.frame
    area = (x1 - x0) * (bottom - top)
    return any((x1 - x0) * (bottom - top) >= 0.25 * area for x0, top, x1, bottom in res.images)


# --------------------------------------------------------------------------- cell text

_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def _clusters(items: list[Any], key: Any, tol: float) -> list[list[Any]]:
    """pdfplumber's ``cluster_objects``: sorted distinct key values chained within ``tol``;
    items grouped by their cluster, in cluster order, stable within one."""
    values = sorted({key(x) for x in items})
    index: dict[float, int] = {}
    n = -1
    last = None
    for v in values:
        if last is None or v > last + tol:
            n += 1
        index[v] = n
        last = v
    groups: list[list[Any]] = [[] for _ in range(n + 1)]
    for x in items:
        groups[index[key(x)]].append(x)
    return [g for g in groups if g]


def _top(x: Any) -> float:
    return float(x["top"])


def plain_text(chars: list[dict[str, Any]], tol: float = 3.0) -> str:
    """``pdfplumber.utils.extract_text(chars)`` with its defaults, for upright characters:
    characters into lines by their top, into words by gaps wider than ``tol``, words into
    lines again by the words' tops; words joined by spaces, lines by line breaks."""
    words: list[tuple[str, float]] = []  # (text, top)
    for line in _clusters(chars, _top, tol):
        line.sort(key=lambda ch: ch["x0"])
        word: list[dict[str, Any]] = []
        for ch in line:
            text = ch["text"]
            if text.isspace():
                if word:
                    words.append(_word(word))
                word = []
                continue
            if word:
                prev = word[-1]
                if (
                    ch["x0"] < prev["x0"]
                    or ch["x0"] > prev["x1"] + tol
                    or abs(ch["top"] - prev["top"]) > tol
                ):
                    words.append(_word(word))
                    word = []
            word.append(ch)
        if word:
            words.append(_word(word))
    lines = _clusters(words, lambda w: w[1], tol)
    return "\n".join(" ".join(w[0] for w in line) for line in lines)


def _word(chars: list[dict[str, Any]]) -> tuple[str, float]:
    text = "".join(_LIGATURES.get(c["text"], c["text"]) for c in chars)
    return text, min(c["top"] for c in chars)
