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
    """OCR one page: its boxes in PDF points, and the page's width and height."""
    with PDFIUM_LOCK:  # PDFium is not thread-safe; the OCR itself runs outside the lock
        width, height = page.get_size()
        scale = min(dpi / 72.0, MAX_SIDE_PX / max(width, height, 1.0))
        bitmap = page.render(scale=scale)
    try:
        img = bitmap.to_numpy()  # a view on the bitmap's buffer, no PDFium call
        img_h, img_w = img.shape[:2]
        result = engine(img)
    finally:
        with PDFIUM_LOCK:
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
