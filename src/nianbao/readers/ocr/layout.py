"""Page layout from OCR line boxes: value rows, text lines, and the runs of rows that make
a table with its header (steps 1–3 of the package docstring)."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from typing import TypeGuard

from ..pdf import _MARGIN, _PAGE_NUMBER  # the same page conventions
from .boxes import _Box, _overlap, _split

_SECTION_LINE = re.compile(
    r"^\s*[一二三四五六七八九十]+\s*[、．.,，]?.{0,40}(?:情况|事项|问题|工作|报告)\s*$"
)
_ENUMERATOR = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+\s*[、．.]|\d+\s*[.、．,，])"
)


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
