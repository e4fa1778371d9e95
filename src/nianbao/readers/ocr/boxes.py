"""OCR line boxes: a page rendered and recognised, rapidocr's quadrilaterals turned into
upright boxes in PDF points (a scan fed in askew straightened), and a box holding a label
and numbers cut apart."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from typing import Any

from .. import labels as L
from ..grid import strip_invisible
from ..pdfium_lock import PDFIUM_LOCK

MAX_SKEW_DEG = 5.0  # a scan turned by less than this is straightened (box coordinates)
MAX_SIDE_PX = 3000  # a rendered page never exceeds this (bounded memory for odd page sizes)
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


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


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _render_boxes(engine: Any, page: Any, pno: int, dpi: int) -> tuple[list[_Box], float, float]:
    """OCR one page: its boxes in PDF points, and the page's width and height (as read: a
    page scanned sideways or upside down is turned upright first, and its width and
    height are then those of the upright page)."""
    quads, texts, scores, size, (width, height) = _ocr_page(engine, page, dpi, 0)
    turn = _turn_of(quads, texts)
    if turn:
        # recognised again, upright: the recognition turns each line the right way up but
        # leaves the lines where they stand, so rows and columns come out mirrored; a page
        # on its side is turned a quarter first, and half round more if it then stands on
        # its head
        quads, texts, scores, size, (width, height) = _ocr_page(engine, page, dpi, turn)
        if turn == 90 and _turn_of(quads, texts) == 180:
            quads, texts, scores, size, (width, height) = _ocr_page(engine, page, dpi, 270)
    return _boxes_of(quads, texts, scores, size, (width, height), pno), width, height


def _ocr_page(engine: Any, page: Any, dpi: int, rotation: int) -> tuple[Any, ...]:
    with PDFIUM_LOCK:  # PDFium is not thread-safe; the OCR itself runs outside the lock
        width, height = page.get_size()
        scale = min(dpi / 72.0, MAX_SIDE_PX / max(width, height, 1.0))
        bitmap = page.render(scale=scale, rotation=rotation)
    if rotation in (90, 270):
        width, height = height, width
    try:
        img = bitmap.to_numpy()  # a view on the bitmap's buffer, no PDFium call
        img_h, img_w = img.shape[:2]
        result = None if _blank(img) else engine(img)
    finally:
        with PDFIUM_LOCK:
            bitmap.close()
    if result is None or result.boxes is None or result.txts is None:
        return [], [], [], (img_w, img_h), (width, height)
    quads = [[(float(pt[0]), float(pt[1])) for pt in quad] for quad in result.boxes]
    scores = [float(x) for x in result.scores]
    texts = [str(t) for t in result.txts]
    return quads, texts, scores, (img_w, img_h), (width, height)


_INK = 128  # a channel below this is ink
_INK_PIXELS = 50  # fewer inked pixels than a small digit: nothing to recognise


def _blank(img: Any) -> bool:
    """A page with no ink at all (a blank page of a scan, the back of a sheet): the
    recognition finds nothing on it and costs as much as on a full page (≈ 2.5 s here)."""
    import numpy as np

    dark = np.asarray(img)[..., :3].min(axis=-1) < _INK
    return int(np.count_nonzero(dark)) < _INK_PIXELS


_DIGITS = re.compile(r"^[\d.,，]+$")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _turn_of(quads: list[list[tuple[float, float]]], texts: list[str]) -> int:
    """How far (degrees clockwise, as PDFium renders) a page must be turned to stand
    upright, judged from a recognition of it: 90 when most lines are taller than wide (a
    page scanned sideways; 270 if it then stands on its head), 180 when numbers stand left of the labels of their rows
    (a page scanned upside down: the lines read well, their order is mirrored); else 0."""
    boxes = []
    for q, t in zip(quads, texts):
        if len(q) != 4:
            continue
        xs, ys = [x for x, _ in q], [y for _, y in q]
        boxes.append((min(xs), min(ys), max(xs), max(ys), t.strip()))
    long = [b for b in boxes if len(b[4]) >= 4]
    if len(long) >= 8:
        tall = sum(1 for b in long if b[3] - b[1] > 1.5 * (b[2] - b[0]))
        if tall >= 0.6 * len(long):
            return 90  # (which way is known once it is turned: see _render_boxes)
    left = right = 0
    nums = [b for b in boxes if _DIGITS.match(b[4])]
    labels = [b for b in boxes if _HAN.search(b[4]) and len(b[4]) >= 3]
    for n in nums:
        row = [
            b
            for b in labels
            if min(b[3], n[3]) - max(b[1], n[1]) > 0.5 * min(b[3] - b[1], n[3] - n[1])
        ]
        if not row:
            continue
        if all(n[2] <= b[0] for b in row):
            left += 1
        elif all(n[0] >= b[2] for b in row):
            right += 1
    return 180 if left >= 6 and left > 3 * right else 0


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
