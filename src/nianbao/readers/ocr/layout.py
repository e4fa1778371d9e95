"""Scanned PDF -> Document by OCR (the optional ``[ocr]`` extra: rapidocr + onnxruntime).

A PDF without a text layer is read by rendering each page with pypdfium2 and running
rapidocr on the picture. Only the models that ship inside the rapidocr wheel
(``site-packages/rapidocr/models/``) are used, named by path: nothing is ever downloaded, and
a missing model file raises :class:`OcrUnavailable` before the engine starts.

rapidocr returns one box per text line. The boxes are laid out the way ``reader_pdf`` lays
out a text PDF, so that the extractor sees the same shapes:

0. a scan fed in askew (up to 5°) is straightened: the boxes are turned back by the median
   slope of the long text lines;
1. boxes that hold a label and numbers (``行政许可 9487``) or several numbers are split;
2. value rows: value boxes (numbers, placeholders) clustered by their vertical centres; the
   label boxes beside them (wrapped label lines, merged group cells) join the row they
   overlap vertically;
3. the other boxes make text lines; a run of value rows with the lines between them is a
   table, the non-prose lines just above it its header (words of one header cell printed on
   two lines are joined); a table that runs on at the top of the next page is stitched;
4. table grids: value columns from the x-ranges of the numbers, label columns from where
   the labels start; the rest of the lines become paragraphs.

Cells carry their page (1-based) and their box in PDF points (top-left origin, as
pdfplumber's). Every OCR'd document says so in ``Document.artifacts``.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib.util
import math
import os
import re
import statistics
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeGuard

from ...errors import BrokenFile, EncryptedPdf, InputTooLarge, OcrUnavailable, ScannedPdf
from .. import labels as L
from ..document import Cell, Document
from ..grid import (
    MAX_SLOTS,
    DocumentBuilder,
    GridTooLarge,
    SpanGrid,
    cluster_values,
    merge_ranges,
    strip_invisible,
)
from ..pdf import _HEADING, _MARGIN, _PAGE_NUMBER  # the same page conventions

__all__ = [
    "MAX_OCR_PAGES",
    "MODEL_FILES",
    "OCR_DPI",
    "OCR_NOTE",
    "OcrUnavailable",
    "maybe_ocr",
    "model_dir",
    "ocr_available",
    "ocr_enabled",
    "ocr_pdf",
    "use_ocr",
]

MAX_OCR_PAGES = 12  # OCR is slow (~5 s a page); the three tables sit in the first pages
OCR_DPI = 150
MAX_SKEW_DEG = 5.0  # a scan turned by less than this is straightened (box coordinates)
MAX_SIDE_PX = 3000  # a rendered page never exceeds this (bounded memory for odd page sizes)
MAX_PDF_PAGES = 300  # as reader_pdf.MAX_PAGES
MODEL_FILES = (
    "PP-OCRv6_det_small.onnx",
    "PP-OCRv6_rec_small.onnx",
    "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
)
OCR_NOTE = "OCR 识别，数值请人工核对（扫描件无文字层，文字和数值由文字识别得到）"
PDF_MEDIA_TYPE = "application/pdf"

_LOW_SCORE = 0.8  # a value box recognised with less confidence than this is listed
_SECTION_LINE = re.compile(
    r"^\s*[一二三四五六七八九十]+\s*[、．.,，].{0,40}(?:情况|事项|问题|工作|报告)\s*$"
)
_ENUMERATOR = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+\s*[、．.]|\d+\s*[.、．,，])"
)
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")

_enabled: contextvars.ContextVar[bool] = contextvars.ContextVar("nianbao_ocr", default=True)


# --------------------------------------------------------------------------- switch


def ocr_enabled() -> bool:
    """OCR may run: not switched off by :func:`use_ocr` (``--no-ocr``) or ``NIANBAO_OCR=0``."""
    env = os.environ.get("NIANBAO_OCR", "").strip().lower()
    return _enabled.get() and env not in ("0", "off", "no", "false")


@contextlib.contextmanager
def use_ocr(enabled: bool) -> Iterator[None]:
    """Switch OCR on or off for the code run inside the ``with`` block (CLI ``--no-ocr``)."""
    token = _enabled.set(enabled)
    try:
        yield
    finally:
        _enabled.reset(token)


def model_dir() -> Path | None:
    """Where the rapidocr wheel keeps its bundled models, or None when it is not installed
    (found without importing it: importing loads OpenCV)."""
    try:
        spec = importlib.util.find_spec("rapidocr")
        ort = importlib.util.find_spec("onnxruntime")
    except (ImportError, ValueError):
        return None
    if spec is None or ort is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "models"


def ocr_available() -> bool:
    """rapidocr and onnxruntime are installed and every bundled model file is there."""
    where = model_dir()
    return where is not None and all((where / name).is_file() for name in MODEL_FILES)


def maybe_ocr(data: bytes, source: str, exc: ScannedPdf) -> Document:
    """The policy for a PDF that ``read_pdf`` refused as a scan: OCR it when OCR is switched
    on and available, else raise ``exc`` (the original "扫描件，无文字层" message)."""
    if not ocr_enabled() or not ocr_available():
        raise exc
    return ocr_pdf(data, source)


@lru_cache(maxsize=2)
def _engine(where: str) -> Any:
    """A RapidOCR engine on the bundled model files, named by path (never downloaded)."""
    try:
        from rapidocr import RapidOCR
    except ImportError:
        raise OcrUnavailable(
            "PDF 是扫描件，无文字层；文字识别组件（rapidocr、onnxruntime）无法加载。"
            "请安装 nianbao[ocr] 后重试，或先用其他工具做文字识别（OCR）。"
        ) from None
    root = Path(where)
    det, rec, cls = (str(root / name) for name in MODEL_FILES)
    try:
        engine = RapidOCR(
            params={
                "Global.log_level": "error",
                "Global.model_root_dir": where,
                "Det.model_path": det,
                "Rec.model_path": rec,
                "Cls.model_path": cls,
            }
        )
        # rapidocr loads its models on first use: load them now, so that a damaged model
        # is told apart from a page that cannot be read
        for load in ("_load_det_model", "_load_cls_model", "_load_rec_model"):
            if hasattr(engine, load):
                getattr(engine, load)()
        return engine
    except Exception as e:  # a damaged model file, an onnxruntime that will not start
        raise OcrUnavailable(
            f"PDF 是扫描件，无文字层；文字识别引擎无法启动（{type(e).__name__}）。"
            "请重新安装 nianbao[ocr]，或先用其他工具做文字识别（OCR）。"
        ) from None


def _get_engine() -> Any:
    where = model_dir()
    if where is None:
        raise OcrUnavailable(
            "PDF 是扫描件，无文字层；未安装文字识别组件（rapidocr、onnxruntime）。"
            "请安装 nianbao[ocr] 后重试，或先用其他工具做文字识别（OCR）。"
        )
    missing = [name for name in MODEL_FILES if not (where / name).is_file()]
    if missing:
        raise OcrUnavailable(
            "PDF 是扫描件，无文字层；文字识别模型文件缺失（"
            + "、".join(missing)
            + "），不会联网下载。请重新安装 rapidocr。"
        )
    return _engine(str(where))


# --------------------------------------------------------------------------- boxes


@dataclass
class _Box:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    page: int
    score: float = 1.0

    @property
    def h(self) -> float:
        return self.bottom - self.top

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def value(self) -> bool:
        return bool(self.text.strip()) and L.is_value_text(self.text)

    @property
    def number(self) -> bool:
        return L.has_number(self.text)


def _weight(text: str) -> float:
    return sum(1.0 if _CJK.match(ch) else 0.55 for ch in text) or 1.0


def _split(box: _Box) -> list[_Box]:
    """A box holding a label and trailing numbers, or several numbers, is cut at the spaces;
    the x-range is shared out by character widths."""
    tokens = box.text.split()
    if len(tokens) < 2:
        return [box]
    n = 0
    while n < len(tokens) and L.is_value_text(tokens[len(tokens) - 1 - n]):
        n += 1
    if n == 0 or not any(L.has_number(t) for t in tokens[len(tokens) - n :]):
        return [box]
    parts = ([" ".join(tokens[: len(tokens) - n])] if n < len(tokens) else []) + tokens[-n:]
    total = sum(_weight(p) for p in parts) + 0.5 * (len(parts) - 1)
    unit = box.w / total
    out: list[_Box] = []
    x = box.x0
    for p in parts:
        x1 = x + _weight(p) * unit
        out.append(_Box(p, x, box.top, x1, box.bottom, box.page, box.score))
        x = x1 + 0.5 * unit
    return out


# --------------------------------------------------------------------------- page layout


@dataclass
class _VRow:
    """A value row: value boxes at one height, with the label boxes beside them."""

    values: list[_Box]
    labels: list[_Box] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(b.top for b in self.values + self.labels)

    @property
    def bottom(self) -> float:
        return max(b.bottom for b in self.values + self.labels)

    @property
    def band(self) -> tuple[float, float]:
        return min(b.top for b in self.values), max(b.bottom for b in self.values)

    @property
    def cy(self) -> float:
        top, bottom = self.band
        return (top + bottom) / 2

    @property
    def page(self) -> int:
        return self.values[0].page

    @property
    def boxes(self) -> list[_Box]:
        return self.labels + self.values


@dataclass
class _TLine:
    """A text line: boxes at one height, left to right."""

    boxes: list[_Box]
    in_margin: bool = False

    @property
    def top(self) -> float:
        return min(b.top for b in self.boxes)

    @property
    def bottom(self) -> float:
        return max(b.bottom for b in self.boxes)

    @property
    def x0(self) -> float:
        return min(b.x0 for b in self.boxes)

    @property
    def x1(self) -> float:
        return max(b.x1 for b in self.boxes)

    @property
    def page(self) -> int:
        return self.boxes[0].page

    def text(self, unit: float) -> str:
        out = ""
        prev: _Box | None = None
        for b in sorted(self.boxes, key=lambda b: b.x0):
            if prev is not None and b.x0 - prev.x1 > 0.5 * unit:
                out += " "
            out += b.text.strip()
            prev = b
        return out


@dataclass
class _Run:
    """A table found on one page (or stitched over several): header lines, then body items
    (value rows and label-only lines)."""

    header: list[_TLine]
    body: list[_VRow | _TLine]

    @property
    def top(self) -> float:
        return (self.header or self.body)[0].top

    @property
    def page(self) -> int:
        return (self.header or self.body)[0].page


_Item = _TLine | _Run  # what a page is made of once its tables are found


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _lines_of(boxes: list[_Box], unit: float) -> list[_TLine]:
    """Boxes grouped into lines by their vertical centres (tall boxes stand alone)."""
    lines: list[list[_Box]] = []
    for b in sorted(boxes, key=lambda b: b.cy):
        if b.h > 2.5 * unit:
            lines.append([b])
            continue
        for ln in reversed(lines[-3:]):
            cy = statistics.fmean(x.cy for x in ln)
            if abs(b.cy - cy) <= 0.45 * unit and ln[0].h <= 2.5 * unit:
                ln.append(b)
                break
        else:
            lines.append([b])
    return [_TLine(sorted(ln, key=lambda b: b.x0)) for ln in lines]


def _page_items(boxes: list[_Box], width: float, height: float) -> tuple[list[_Item], float]:
    """Value rows, text lines and tables of one page, top to bottom; and the text unit."""
    if not boxes:
        return [], 10.0
    # the text unit: the height of the horizontal text lines (a digit's box is narrow, a
    # vertical text's box tall)
    flat = [b.h for b in boxes if b.w >= b.h]
    unit = statistics.median(flat or [min(b.h, b.w) for b in boxes]) or 10.0
    kept: list[_Box] = []
    for b in boxes:
        # a page number: alone on its line in the top or bottom band of the page
        if (
            _in_margin(b.top, b.bottom, height)
            and _PAGE_NUMBER.match(b.text)
            and not any(
                o is not b and _overlap(o.top, o.bottom, b.top, b.bottom) > 0.3 * b.h for o in boxes
            )
        ):
            continue
        kept.extend(_split(b))
    text_left = min(b.x0 for b in kept)
    text_right = max(b.x1 for b in kept)
    wide = 0.7 * (text_right - text_left)

    # value rows: value boxes clustered by vertical centre
    clusters: list[list[_Box]] = []
    for b in sorted((b for b in kept if b.value), key=lambda b: b.cy):
        if clusters and abs(b.cy - statistics.fmean(x.cy for x in clusters[-1])) <= 0.45 * unit:
            clusters[-1].append(b)
        else:
            clusters.append([b])
    rows = [_VRow(sorted(c, key=lambda b: b.x0)) for c in clusters]
    others = [b for b in kept if not b.value]
    # label boxes join the value row they overlap most (at least 30% of their height)
    rest: list[_Box] = []
    for b in others:
        best, best_ov = None, 0.0
        if b.h <= 2.5 * unit and b.w <= wide:
            for r in rows:
                top, bottom = r.band
                ov = _overlap(b.top, b.bottom, top, bottom)
                if ov > best_ov:
                    best, best_ov = r, ov
        if best is not None and best_ov >= 0.3 * b.h:
            best.labels.append(b)
        else:
            rest.append(b)
    # a value row is two numbers or more, or one number set well apart from its label
    items: list[_VRow | _TLine] = []
    for r in rows:
        nums = [b for b in r.values if b.number]
        first = r.values[0]
        ok = len(nums) >= 2 or (
            len(nums) == 1
            and any(lb.x1 <= first.x0 - 2 * unit for lb in r.labels)
            and not any(lb.x0 >= first.x1 for lb in r.labels)
        )
        if ok and nums:
            r.labels.sort(key=lambda b: (b.x0, b.top))
            items.append(r)
        else:
            rest.extend(r.boxes)
    for ln in _lines_of(rest, unit):
        ln.in_margin = _in_margin(ln.top, ln.bottom, height)
        items.append(ln)
    items.sort(key=lambda it: it.top)
    return _find_runs(items, unit, wide), unit


def _in_margin(top: float, bottom: float, height: float) -> bool:
    """Wholly in the top or bottom band where running heads and page numbers sit."""
    return top > height * (1 - _MARGIN) or bottom < height * _MARGIN


def _prose(ln: _TLine, unit: float, wide: float) -> bool:
    text = ln.text(unit)
    return (len(ln.boxes) == 1 and ln.x1 - ln.x0 > wide) or bool(_SECTION_LINE.match(text))


def _find_runs(items: list[_VRow | _TLine], unit: float, wide: float) -> list[_Item]:
    """Runs of value rows (with the lines between them and a header above) become tables;
    a run too small to be a table gives its value rows back as text lines."""
    spans: dict[int, tuple[int, _Run]] = {}
    used: set[int] = set()
    i = 0
    while i < len(items):
        it = items[i]
        if not isinstance(it, _VRow):
            i += 1
            continue
        j = last = i
        while j + 1 < len(items):
            nxt = items[j + 1]
            if nxt.top - items[j].bottom > 6 * unit:
                break
            if isinstance(nxt, _TLine) and (nxt.in_margin or _prose(nxt, unit, wide)):
                break
            j += 1
            if isinstance(nxt, _VRow):
                last = j
        vrows = [x for x in items[i : last + 1] if isinstance(x, _VRow)]
        n_nums = max(sum(b.number for b in r.values) for r in vrows)
        if len(vrows) < 2 and n_nums < 4:
            i = last + 1
            continue
        value_x0 = min(b.x0 for r in vrows for b in r.values)
        end = last
        while end + 1 < len(items):  # wrapped label lines just below the last row
            nxt = items[end + 1]
            if not (
                isinstance(nxt, _TLine)
                and nxt.x1 <= value_x0
                and nxt.top - items[end].bottom <= unit
                and not _prose(nxt, unit, wide)
            ):
                break
            end += 1
        start = i
        while start - 1 >= 0 and start - 1 not in used and i - start < 10:  # the header
            prev = items[start - 1]
            if not (
                isinstance(prev, _TLine)
                and not prev.in_margin
                and not _prose(prev, unit, wide)
                and items[start].top - prev.bottom <= 5 * unit
            ):
                break
            start -= 1
        header = [x for x in items[start:i] if isinstance(x, _TLine)]
        body = _arrange_body(list(items[i : end + 1]), unit)
        used.update(range(start, end + 1))
        spans[start] = (end, _Run(header, body))
        i = end + 1
    # reassemble in page order: lines not used by a run, runs at their first item; a value
    # row that is no table is a text line again
    result: list[_Item] = []
    k = 0
    while k < len(items):
        if k in spans:
            end, run = spans[k]
            result.append(run)
            k = end + 1
            continue
        it = items[k]
        result.append(_TLine(it.boxes) if isinstance(it, _VRow) else it)
        k += 1
    return result


def _gap(a: _Box, b: _Box) -> float:
    """Vertical distance between two boxes (negative when they overlap)."""
    return max(a.top - b.bottom, b.top - a.bottom)


def _same_column(a: _Box, b: _Box) -> bool:
    return _overlap(a.x0, a.x1, b.x0, b.x1) > 0.3 * min(a.w, b.w)


def _continues(a: _Box, b: _Box) -> bool:
    """Can the lower of two label boxes continue the upper one? Not when it starts with an
    enumerator (2.、（三）、一、): that is the label of a row of its own."""
    lower = a if a.top > b.top else b
    return not _ENUMERATOR.match(lower.text)


def _arrange_body(body: list[_VRow | _TLine], unit: float) -> list[_VRow | _TLine]:
    """Label lines inside a table that are not beside any numbers:

    1. a wrapped label line (the numbers sit beside another line of the same cell) joins
       the value row whose label it continues: the nearer one, lines of one cell being
       closer together than the lines of two rows;
    2. the lines of one label cell left over (a group label printed on two lines) are
       joined to each other;
    3. a group label (in a column left of the rows' own labels) or a box spanning several
       rows joins the value row nearest to its centre, as the anchor of a merged cell.

    Other lines stay label-only rows."""
    vrows = [x for x in body if isinstance(x, _VRow)]
    if not vrows:
        return body
    value_x0 = min(b.x0 for r in vrows for b in r.values)
    tight = 0.6 * unit

    def labelish(it: _VRow | _TLine) -> TypeGuard[_TLine]:
        return isinstance(it, _TLine) and it.x1 <= value_x0

    changed = True
    while changed:  # 1. wrapped label lines
        changed = False
        for idx, it in enumerate(body):
            if not labelish(it):
                continue
            above = next((x for x in reversed(body[:idx]) if isinstance(x, _VRow)), None)
            below = next((x for x in body[idx + 1 :] if isinstance(x, _VRow)), None)
            best: _VRow | None = None
            best_gap = float("inf")
            for row in (above, below):
                if row is None:
                    continue
                for lb in row.labels:
                    for b in it.boxes:
                        if _same_column(b, lb) and _continues(b, lb) and _gap(b, lb) < best_gap:
                            best, best_gap = row, _gap(b, lb)
            if best is not None and best_gap <= tight:
                best.labels.extend(it.boxes)
                del body[idx]
                changed = True
                break
    lines = [it for it in body if labelish(it)]
    for ln in lines:  # 2. the lines of one leftover label cell
        if ln not in body:
            continue
        for other in lines:
            if other is ln or other not in body:
                continue
            if any(
                _same_column(a, b) and _continues(a, b) and _gap(a, b) <= tight
                for a in ln.boxes
                for b in other.boxes
            ):
                ln.boxes.extend(other.boxes)
                body.remove(other)
    out: list[_VRow | _TLine] = []
    for it in body:  # 3. group labels and boxes spanning rows
        if labelish(it):
            cy = (it.top + it.bottom) / 2
            spans = [
                r
                for r in vrows
                if _overlap(it.top, it.bottom, *r.band) > 0.2 * (r.band[1] - r.band[0])
            ]
            near = min(vrows, key=lambda r: abs(r.cy - cy))
            own = [lb.x0 for lb in near.labels]
            outer = bool(own) and it.x1 <= max(own) + 0.5 * unit and it.x0 < max(own) - unit
            if len(spans) >= 2 or outer:
                near.labels.extend(it.boxes)
                continue
        out.append(it)
    for r in vrows:
        r.labels.sort(key=lambda b: (b.x0, b.top))
    return out


# --------------------------------------------------------------------------- grids


def _cell_text(boxes: list[_Box], unit: float) -> str:
    """Boxes of one cell: pieces of one line joined by a space, lines by a line break; a
    number split over two lines is one number again."""
    boxes = sorted(boxes, key=lambda b: (b.top, b.x0))
    lines: list[list[_Box]] = []
    for b in boxes:
        if lines and abs(b.top - lines[-1][0].top) < 0.5 * unit:
            lines[-1].append(b)
        else:
            lines.append([b])
    texts = [
        " ".join(strip_invisible(b.text).strip() for b in sorted(ln, key=lambda b: b.x0))
        for ln in lines
    ]
    texts = [t for t in texts if t]
    if len(texts) > 1 and all(re.fullmatch(r"[\d.,，]+", t) for t in texts):
        return "".join(texts)
    return "\n".join(texts)


def _union(boxes: list[_Box]) -> tuple[float, float, float, float]:
    return (
        min(b.x0 for b in boxes),
        min(b.top for b in boxes),
        max(b.x1 for b in boxes),
        max(b.bottom for b in boxes),
    )


def _run_grid(run: _Run, unit: float) -> SpanGrid:
    """The cell grid of a table: label columns where the labels start, value columns where
    the numbers stand."""
    vrows = [x for x in run.body if isinstance(x, _VRow)]
    spans = sorted((b.x0 - 0.1 * unit, b.x1 + 0.1 * unit) for r in vrows for b in r.values)
    bands = merge_ranges(spans)
    label_end = bands[0][0]
    everything = [b for ln in run.header for b in ln.boxes] + [
        b for it in run.body for b in it.boxes
    ]
    starts = cluster_values(
        [b.x0 for r in vrows for b in r.labels if b.x1 <= label_end + 0.5 * unit], 1.5 * unit
    ) or [min(b.x0 for b in everything)]
    n_label = len(starts)
    n_cols = n_label + len(bands)

    def column(b: _Box) -> int:
        if (
            (b.value and b.x1 >= label_end)  # a value, however narrow
            or b.x1 > label_end + 0.5 * unit
            or b.x0 >= label_end - 0.25 * unit
        ):
            mid = (b.x0 + b.x1) / 2

            def score(k: int) -> float:
                ov = _overlap(b.x0, b.x1, bands[k][0], bands[k][1])
                return ov if ov > 0 else -abs(mid - (bands[k][0] + bands[k][1]) / 2)

            return n_label + max(range(len(bands)), key=score)
        return max(0, bisect_right(starts, b.x0 + 0.75 * unit) - 1)

    def covers(b: _Box) -> int:
        """How many value columns a box stretches over (by their centres)."""
        return sum(b.x0 <= (lo + hi) / 2 <= b.x1 for lo, hi in bands)

    def split_header(b: _Box, line: _TLine) -> list[_Box]:
        """One box read over two narrow value columns (结果其他) holds the words of both:
        cut it where each piece sits centred on its column and is as long as the other
        words of the line."""
        text = b.text.strip()
        if b.x1 <= label_end + 0.5 * unit or not _CJK.match(text) or " " in text:
            return [b]
        centres = [(lo + hi) / 2 for lo, hi in bands if b.x0 <= (lo + hi) / 2 <= b.x1]
        k = len(centres)
        if k < 2 or len(text) % k or len(text) // k < 2:
            return [b]
        others = [len(o.text.strip()) for o in line.boxes if o is not b and o.x0 > label_end]
        if not others or statistics.median(others) != len(text) // k:
            return [b]
        step = b.w / k
        pieces = [
            _Box(
                text[i * len(text) // k : (i + 1) * len(text) // k],
                b.x0 + i * step,
                b.top,
                b.x0 + (i + 1) * step,
                b.bottom,
                b.page,
                b.score,
            )
            for i in range(k)
        ]
        if all(abs((p.x0 + p.x1) / 2 - c) <= 0.25 * step for p, c in zip(pieces, centres)):
            return pieces
        return [b]

    # header: the words of one header cell printed on two or three lines are joined
    merged: list[tuple[int, list[_Box]]] = []
    header_boxes = [p for ln in run.header for b in ln.boxes for p in split_header(b, ln)]
    for b in sorted(header_boxes, key=lambda b: (b.top, b.x0)):
        c = column(b)
        for col, pieces in merged:
            last = pieces[-1]
            gap = b.top - last.bottom
            if (
                col == c
                and _overlap(b.x0, b.x1, last.x0, last.x1) > 0
                and (
                    -0.5 * unit <= gap <= 0.4 * unit
                    or (0 < gap <= 1.5 * unit and covers(b) <= 1 and covers(last) <= 1)
                )
            ):
                pieces.append(b)
                break
        else:
            merged.append((c, [b]))
    # header rows: cells that overlap vertically (a one-line cell sits centred beside a
    # two-line one)
    merged.sort(key=lambda m: m[1][0].top)
    rows: list[dict[int, list[_Box]]] = []
    span: tuple[float, float] | None = None
    for col, pieces in merged:
        top = min(p.top for p in pieces)
        bottom = max(p.bottom for p in pieces)
        if span is None or _overlap(top, bottom, *span) < 0.5 * min(
            bottom - top, span[1] - span[0]
        ):
            rows.append({})
            span = (top, bottom)
        else:
            span = (min(span[0], top), max(span[1], bottom))
        rows[-1].setdefault(col, []).extend(pieces)
    for it in run.body:
        row: dict[int, list[_Box]] = {}
        for b in it.boxes:
            row.setdefault(column(b), []).append(b)
        rows.append(row)

    def col_range(c: int) -> tuple[float, float]:
        if c < n_label:
            return starts[c], starts[c + 1] if c + 1 < n_label else label_end
        band = bands[c - n_label]
        return band[0], band[1]

    if len(rows) * n_cols > MAX_SLOTS:
        raise GridTooLarge(f"table grid exceeds {MAX_SLOTS} slots")
    grid: list[list[Cell]] = []
    anchor_of: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(rows):
        boxes = [b for bs in row.values() for b in bs]
        page = boxes[0].page if boxes else run.page
        top = min(b.top for b in boxes) if boxes else 0.0
        bottom = max(b.bottom for b in boxes) if boxes else 0.0
        cells: list[Cell] = []
        label_anchor: int | None = None
        for c in range(n_cols):
            bs = row.get(c)
            if bs:
                cells.append(
                    Cell(_cell_text(bs, unit), row=r, col=c, page=bs[0].page, bbox=_union(bs))
                )
                if c < n_label:
                    label_anchor = c
                continue
            if c < n_label and label_anchor is not None:
                # a label that runs on over the next label column, as a merged cell would
                src = cells[label_anchor]
                cells.append(
                    Cell(src.text, row=r, col=c, covered=True, page=src.page, bbox=src.bbox)
                )
                anchor_of[(r, c)] = (r, label_anchor)
                continue
            x0, x1 = col_range(c)
            cells.append(Cell("", row=r, col=c, page=page, bbox=(x0, top, x1, max(bottom, top))))
        grid.append(cells)
    return SpanGrid(grid, anchor_of)


# --------------------------------------------------------------------------- document


def _starts_paragraph(prev: _TLine, line: _TLine, left: float, right: float, unit: float) -> bool:
    if line.x0 > left + 1.0 * unit:  # indented first line, or a centred line
        return True
    if prev.x1 < right - 1.5 * unit:  # the line before ended short
        return True
    if _HEADING.match(line.text(unit)):
        return True
    return prev.page == line.page and line.top - prev.bottom > 1.2 * unit


def _drop_running_lines(pages: list[list[_Item]], unit: float) -> list[list[_Item]]:
    """Running heads and feet: margin lines whose text (digits aside) recurs on half the
    pages or more."""
    if len(pages) < 3:
        return pages
    seen: dict[str, set[int]] = {}
    for items in pages:
        for it in items:
            if isinstance(it, _TLine) and it.in_margin:
                seen.setdefault(re.sub(r"\d+", "#", it.text(unit)), set()).add(it.page)
    running = {k for k, v in seen.items() if len(v) >= max(2, len(pages) // 2)}
    return [
        [
            it
            for it in items
            if not (
                isinstance(it, _TLine)
                and it.in_margin
                and re.sub(r"\d+", "#", it.text(unit)) in running
            )
        ]
        for items in pages
    ]


def _stitch(pages: list[list[_Item]]) -> None:
    """A table whose rows go on at the top of the next page (no header repeated there) is
    one table: the continuation's rows join the table on the page before."""
    for p in range(1, len(pages)):
        before = [it for it in pages[p - 1] if not (isinstance(it, _TLine) and it.in_margin)]
        after = [it for it in pages[p] if not (isinstance(it, _TLine) and it.in_margin)]
        if not before or not after:
            continue
        last, first = before[-1], after[0]
        if isinstance(last, _Run) and isinstance(first, _Run) and not first.header:
            last.body.extend(first.body)
            pages[p].remove(first)


def _render_boxes(engine: Any, page: Any, pno: int, dpi: int) -> tuple[list[_Box], float, float]:
    """OCR one page: its boxes in PDF points, and the page's width and height."""
    width, height = page.get_size()
    scale = min(dpi / 72.0, MAX_SIDE_PX / max(width, height, 1.0))
    bitmap = page.render(scale=scale)
    try:
        img = bitmap.to_numpy()
        img_h, img_w = img.shape[:2]
        result = engine(img)
    finally:
        bitmap.close()
    if result.boxes is None or result.txts is None:
        return [], width, height
    quads = [[(float(pt[0]), float(pt[1])) for pt in quad] for quad in result.boxes]
    scores = [float(x) for x in result.scores]
    texts = [str(t) for t in result.txts]
    return _boxes_of(quads, texts, scores, (img_w, img_h), (width, height), pno), width, height


def _boxes_of(
    quads: list[list[tuple[float, float]]],
    texts: list[str],
    scores: list[float],
    image_size: tuple[float, float],
    page_size: tuple[float, float],
    pno: int,
) -> list[_Box]:
    """OCR line boxes (quadrilaterals in pixels) as upright boxes in PDF points."""
    img_w, img_h = image_size
    sx, sy = page_size[0] / img_w, page_size[1] / img_h
    # a scan fed in askew: undo the page's skew (the median slope of the long text lines)
    # so that the cells of one row share their height
    slopes = [
        math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0])
        for q in quads
        if len(q) == 4 and q[1][0] - q[0][0] > 2 * abs(q[3][1] - q[0][1])
    ]
    angle = statistics.median(slopes) if slopes else 0.0
    if abs(angle) > math.radians(MAX_SKEW_DEG):
        angle = 0.0  # not a skew: a page set sideways is left as it is
    cos, sin = math.cos(-angle), math.sin(-angle)
    cx, cy = img_w / 2, img_h / 2
    boxes: list[_Box] = []
    for quad, raw, score in zip(quads, texts, scores):
        text = strip_invisible(raw).strip()
        if not text:
            continue
        if angle:
            quad = [
                (cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos)
                for x, y in quad
            ]
        xs = [x for x, _ in quad]
        ys = [y for _, y in quad]
        boxes.append(_Box(text, min(xs) * sx, min(ys) * sy, max(xs) * sx, max(ys) * sy, pno, score))
    return boxes


def _page_list(pages: list[int]) -> str:
    """1、3–5、9: sorted page numbers with runs shortened."""
    parts: list[str] = []
    i = 0
    while i < len(pages):
        j = i
        while j + 1 < len(pages) and pages[j + 1] == pages[j] + 1:
            j += 1
        parts.append(str(pages[i]) if i == j else f"{pages[i]}–{pages[j]}")
        i = j + 1
    return "、".join(parts)


def _open(data: bytes) -> Any:
    import pypdfium2 as pdfium

    if not data:
        raise BrokenFile("PDF 文件为空。")
    if b"%PDF-" not in data[:1024]:
        raise BrokenFile("文件不是 PDF（缺少 %PDF 文件头），或已损坏。")
    try:
        return pdfium.PdfDocument(data)
    except Exception as e:  # PdfiumError, or anything else the binding raises
        if getattr(e, "err_code", None) == 4 or "password" in str(e).lower():
            raise EncryptedPdf(
                "PDF 文件已加密（需要密码），无法读取。请提供未加密的文件。"
            ) from None
        raise BrokenFile("PDF 文件已损坏或不完整，无法打开。请重新下载或导出该文件。") from None


def ocr_pdf(
    data: bytes,
    source: str = "",
    pages: list[int] | None = None,
    *,
    max_pages: int = MAX_OCR_PAGES,
    dpi: int = OCR_DPI,
) -> Document:
    """Read a scanned PDF by OCR into a :class:`Document` (paragraphs and ``kind="ocr"``
    table grids with pages and boxes in PDF points).

    ``pages`` are 1-based page numbers (default: the first ``max_pages`` pages); never more
    than ``max_pages`` pages are read, and ``Document.artifacts`` says so. Raises
    OcrUnavailable (the extra or a bundled model is missing: nothing is downloaded),
    EncryptedPdf, BrokenFile or InputTooLarge.
    """
    engine = _get_engine()
    pdf = _open(data)
    try:
        n = len(pdf)
        if n == 0:
            raise BrokenFile("PDF 文件没有页面，可能已损坏。")
        if n > MAX_PDF_PAGES:
            raise InputTooLarge(
                f"PDF 共 {n} 页，超过上限 {MAX_PDF_PAGES} 页；年度报告通常只有几页，请检查文件。"
            )
        wanted = sorted({p for p in pages if 1 <= p <= n}) if pages else list(range(1, n + 1))
        chosen = wanted[: max(1, max_pages)]
        page_items: list[list[_Item]] = []
        units: list[float] = []
        low: dict[int, list[str]] = {}
        for pno in chosen:
            page = pdf[pno - 1]
            try:
                boxes, width, height = _render_boxes(engine, page, pno, dpi)
            except (BrokenFile, OcrUnavailable):
                raise
            except Exception:
                raise BrokenFile(
                    f"PDF 第 {pno} 页的图像无法识别（OCR 出错），文件可能已损坏。"
                ) from None
            finally:
                page.close()
            items, unit = _page_items(boxes, width, height)
            if boxes:
                units.append(unit)
            page_items.append(items)
            for it in items:
                if isinstance(it, _Run):
                    for row in it.body:
                        if isinstance(row, _VRow):
                            low.setdefault(pno, []).extend(
                                b.text for b in row.values if b.score < _LOW_SCORE
                            )
    finally:
        pdf.close()

    unit = statistics.median(units) if units else 10.0
    page_items = _drop_running_lines(page_items, unit)
    _stitch(page_items)
    lines = [it for items in page_items for it in items if isinstance(it, _TLine)]
    body = [ln for ln in lines if not ln.in_margin] or lines
    left = sorted(ln.x0 for ln in body)[len(body) // 10] if body else 0.0
    right = sorted(ln.x1 for ln in body)[(len(body) * 9) // 10] if body else 0.0

    builder = DocumentBuilder()
    para: list[_TLine] = []
    skipped: list[int] = []

    def flush() -> None:
        if para:
            builder.add_paragraph("\n".join(ln.text(unit) for ln in para), para[0].page)
            para.clear()

    for items in page_items:
        for it in items:
            if isinstance(it, _Run):
                flush()
                try:
                    builder.add_table(_run_grid(it, unit), "ocr", it.page)
                except GridTooLarge:  # not a report table: keep its rows as text
                    for row in it.header + it.body:
                        builder.add_paragraph(_TLine(row.boxes).text(unit), row.page)
                    skipped.append(it.page)
                continue
            if para and not _starts_paragraph(para[-1], it, left, right, unit):
                para.append(it)
            else:
                flush()
                para.append(it)
    flush()

    notes = [OCR_NOTE]
    listed = _page_list(chosen)
    if not chosen:
        notes.append(f"扫描件共 {n} 页，所给页码都不在 1–{n} 之内，未识别任何页面。")
    elif len(chosen) < len(wanted):
        notes.append(
            f"扫描件共 {n} 页，只识别了其中 {len(chosen)} 页（第 {listed} 页；文字识别较慢，"
            f"每份最多识别 {max(1, max_pages)} 页，统计表通常在前几页），其余页面未读取。"
        )
    elif len(chosen) < n:
        notes.append(f"扫描件共 {n} 页，只识别了第 {listed} 页，其余页面未读取。")
    if skipped:
        notes.append(f"第 {_page_list(sorted(set(skipped)))} 页有表格过大，已按文字读取。")
    for pno, texts in low.items():
        if texts:
            shown = "、".join(texts[:10]) + ("等" if len(texts) > 10 else "")
            notes.append(
                f"第 {pno} 页有 {len(texts)} 个数值识别置信度较低（{shown}），请重点核对。"
            )
    return builder.build(source, PDF_MEDIA_TYPE, notes, pages=n)
