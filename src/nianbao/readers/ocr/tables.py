"""The cell grid of an OCR'd table: label columns where the labels start, value columns
where the numbers stand; header words of one cell joined (step 4 of the package docstring)."""

from __future__ import annotations

import re
import statistics
from bisect import bisect_right

from ..document import Cell
from ..grid import MAX_SLOTS, GridTooLarge, SpanGrid, cluster_values, merge_ranges, strip_invisible
from .boxes import _CJK, _Box, _overlap
from .layout import _Run, _TLine, _VRow

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
