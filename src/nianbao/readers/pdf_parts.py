"""Parts of a PDF page read as pages of their own: the two pages of a sheet printed two to a
sheet (2-up printing, 两页合一), and a region turned a quarter on an upright page (a
landscape table set sideways under an upright heading). Both are found by their content.

A report printed two pages to a sheet holds, on a landscape sheet, page 1 on the left half
and page 2 on the right half (each scaled to about 0.7), or, on a portrait sheet, one page
above the other. Read as one page, the lines of the two pages that stand at the same height
were one line each, the prose of the two pages interleaved line by line, and the section
checks blamed the document for what the reading had mixed (sections out of order, empty,
cut off). ``sheet_parts`` finds such a sheet by its content: its characters, rules and
pictures fall into two halves with a clear empty gutter between them near the sheet's
middle; each half is page-like (one a full page of long lines, text or rules, the other
full too or a short page; stacked, both full) and the two are laid out alike (the edges of
their text half a sheet apart: a landscape table's labels and numbers, a gap between them,
are no two pages). Each half is then read as a page of its own, in reading order (left
then right, top then bottom): its own margins (page numbers and running heads in its own
top and bottom band), its own tables, text lines that never join the other half's.

Provenance stays the sheet's: a value read from a half carries the sheet's page number,
and its box is in the sheet's coordinates (points from the sheet's top-left corner as the
sheet is shown, turned upright where the reader turned it), so that it points at the value
on the sheet as printed.

A page whose prose stands upright but whose table was set turned a quarter on it (a
landscape table placed sideways on a portrait page, its heading upright above it) was
turned whole by the direction most of its characters run, or not at all: the heading then
read one character a line, or the table did, and its values were lost. ``turned_region``
finds the region by the direction of its characters: the box of the characters that run
sideways, grown over the rules that touch it (the table's frame), holding next to no
upright character (a table whose header cells are set sideways among upright ones is no
region: its rules run on into the upright cells). The reader reads the upright lines above
the region, the region turned upright in place (boxes on the page with the region turned
about its top-left corner), then the upright lines below it (upright text beside the
region, a note along a margin: the upright text first, then the region).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["Box", "part_of", "sheet_parts", "turned_region"]

Box = tuple[float, float, float, float]  # (x0, top, x1, bottom), top-down points

# the gutter between the two pages: at least this share of the sheet's width (height) and
# GUTTER_MIN points, and crossing the middle band of the sheet (the pages are centred in
# their halves; a page's own margins, scaled, make the gutter)
GUTTER_SHARE = 0.02
GUTTER_MIN = 12.0
MIDDLE_BAND = (0.4, 0.6)
# a sheet no wider than tall (no taller than wide) by this ratio holds no side-by-side
# (stacked) pages
ASPECT = 1.05
# the full one of the two halves: this many text rows spanning this share of the sheet's
# height (of the half's height when stacked), and this many long lines: runs of text
# without a wide gap, or rules, at least LONG of the half's width (a page's prose lines,
# its tables' rules; the labels or the numbers of a table are short); the other half is
# full too or a short page (``_full``)
FULL_ROWS = 5
FULL_HEIGHT = 0.4
FULL_LONG = 3
LONG = 0.35
LONG_STACKED = 0.2  # (stacked pages are scaled to half a sheet's height: a fifth of its width)
RUN_GAP = 2.0  # a gap wider than this many times a row's height ends a run of text
RULE_GAP = 3.0  # points: pieces of a rule this close are one line
WORDY = 0.4  # a half without long lines is a page when at most this share of it is digits
# stacked pages are split only when both halves are full pages (reading top to bottom
# already keeps their order; a portrait page with a blank band across its middle, a table
# above and prose below, is common, and stays whole)
# the two pages are laid out alike: the edges of their text, half a sheet apart, differ by
# at most this share of the sheet
ALIGN = 0.03


def sheet_parts(
    chars: Iterable[tuple[Box, str]], others: Iterable[Box], width: float, height: float
) -> list[Box] | None:
    """The two pages of a sheet printed two to a sheet, as boxes of the sheet in reading
    order, or ``None`` for a sheet that is one page. ``chars``: its visible characters
    (blanks left out), each's box and text; ``others``: the boxes of its rules and
    pictures."""
    if width <= 0 or height <= 0:
        return None
    seen = [(b, t) for b, t in chars if b[2] >= b[0] and b[3] >= b[1]]
    text = [b for b, _ in seen]
    if len(text) < 2 * FULL_ROWS:
        return None
    boxes = text + [b for b in others if b[2] >= b[0] and b[3] >= b[1]]
    if width > ASPECT * height:
        cut = _gutter([(b[0], b[2]) for b in boxes], width)
        if cut is None:
            return None
        parts: list[Box] = [(0.0, 0.0, cut, height), (cut, 0.0, width, height)]
        stacked = False
    elif height > ASPECT * width:
        cut = _gutter([(b[1], b[3]) for b in boxes], height)
        if cut is None:
            return None
        parts = [(0.0, 0.0, width, cut), (0.0, cut, width, height)]
        stacked = True
    else:
        return None
    halves: list[list[Box]] = [[] for _ in parts]
    digits = [0 for _ in parts]
    for b, t in seen:
        k = part_of(b, parts)
        halves[k].append(b)
        digits[k] += t.isdigit()
    rules: list[list[Box]] = [[] for _ in parts]
    for b in boxes[len(text) :]:
        rules[part_of(b, parts)].append(b)
    full = [
        _full(part, half, ruled, height, stacked, n)
        for part, half, ruled, n in zip(parts, halves, rules, digits)
    ]
    if stacked:
        # both full pages, the second's text from top to bottom where the first's stands,
        # half a sheet lower
        if min(full) < 2 or not _shifted(halves, 1, height) or not _shifted(halves, 3, height):
            return None
        return parts
    # a full page and one with text, the second's text starting (or ending) where the
    # first's does, half a sheet to the right
    if max(full) < 2 or min(full) < 1:
        return None
    return parts if _shifted(halves, 0, width) or _shifted(halves, 2, width) else None


def _shifted(halves: list[list[Box]], side: int, extent: float) -> bool:
    """Whether the text of the second half reaches its ``side`` (0 left, 1 top, 2 right,
    3 bottom) half the sheet's ``extent`` beyond where the first half's does: two pages
    laid out alike, placed in the two halves of the sheet (a single page whose content
    leaves its middle empty, a table's labels on the left and its numbers on the right,
    does not line up so)."""
    pick = min if side < 2 else max
    a, b = (pick(box[side] for box in half) for half in halves)
    return abs(b - a - extent / 2) <= ALIGN * extent


def part_of(box: Box, parts: Sequence[Box]) -> int:
    """The index of the part of ``sheet_parts`` the centre of ``box`` falls in (an object
    beyond the sheet's edge: the part nearest to it)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    first = parts[0]
    if first[2] < parts[-1][2]:  # side by side
        return 0 if cx < first[2] else len(parts) - 1
    return 0 if cy < first[3] else len(parts) - 1


def _gutter(spans: Sequence[tuple[float, float]], extent: float) -> float | None:
    """The middle of the widest gap between the spans (projections of the content on one
    axis) that crosses the sheet's middle band and is wide enough for a gutter."""
    lo_band, hi_band = MIDDLE_BAND[0] * extent, MIDDLE_BAND[1] * extent
    need = max(GUTTER_MIN, GUTTER_SHARE * extent)
    best: tuple[float, float] | None = None
    reach: float | None = None  # the far end of the spans seen so far
    for a, b in sorted(spans):
        if reach is not None and a - reach >= need and a > lo_band and reach < hi_band:
            if best is None or a - reach > best[1] - best[0]:
                best = (reach, a)
        reach = b if reach is None else max(reach, b)
    if best is None:
        return None
    return (best[0] + best[1]) / 2


def _full(
    part: Box, text: list[Box], others: list[Box], height: float, stacked: bool, digits: int
) -> int:
    """2 when ``part`` holds a full page (``FULL_ROWS`` rows of text over ``FULL_HEIGHT``,
    ``FULL_LONG`` long lines), 1 when it holds a short one (text in fewer rows, or long
    lines over less height: a report's last lines) or short runs that are mostly words (a
    few lines; a page of a table drawn without rules, its labels beside its numbers), 0
    when it holds nothing or short runs mostly of digits (the numbers of a table whose
    labels stand in the other half, however few its rows)."""
    if not text:
        return 0
    rows = _rows(text)
    need = (LONG_STACKED if stacked else LONG) * (part[2] - part[0])
    long = sum(1 for x0, x1 in _rules(others) if x1 - x0 >= need)
    for row in rows:
        long += sum(1 for x0, x1 in _runs(row) if x1 - x0 >= need)
    top, bottom = min(b[1] for b in text), max(b[3] for b in text)
    tall = (part[3] - part[1]) if stacked else height
    if long >= FULL_LONG:
        return 2 if len(rows) >= FULL_ROWS and bottom - top >= FULL_HEIGHT * tall else 1
    # (a few rows of digits are no short page either: the end of a table's last row, the
    # numbers beyond the middle of a landscape page whose prose stands in its left half)
    return 1 if digits <= WORDY * len(text) else 0


def _rules(others: list[Box]) -> list[tuple[float, float]]:
    """The horizontal lines the edges of rules and boxes draw, the pieces of one line (a
    table's rule drawn cell by cell) joined."""
    at: dict[int, list[tuple[float, float]]] = {}
    for x0, top, x1, bottom in others:
        for y in {round(top), round(bottom)}:
            at.setdefault(y, []).append((x0, x1))
    lines: list[tuple[float, float]] = []
    for spans in at.values():
        joined: list[tuple[float, float]] = []
        for x0, x1 in sorted(spans):
            if joined and x0 - joined[-1][1] <= RULE_GAP:
                joined[-1] = (joined[-1][0], max(joined[-1][1], x1))
            else:
                joined.append((x0, x1))
        lines.extend(joined)
    return lines


def _rows(text: list[Box]) -> list[list[Box]]:
    """The boxes by the rows of text they stand in (boxes overlapping in height: a row)."""
    rows: list[list[Box]] = []
    reach = 0.0
    for b in sorted(text, key=lambda b: b[1]):
        if rows and b[1] < reach:
            rows[-1].append(b)
            reach = max(reach, b[3])
        else:
            rows.append([b])
            reach = b[3]
    return rows


def _runs(row: list[Box]) -> list[tuple[float, float]]:
    """The runs of a row's characters that no gap wider than ``RUN_GAP`` rows breaks."""
    gap = RUN_GAP * max(b[3] - b[1] for b in row)
    runs: list[tuple[float, float]] = []
    for x0, _, x1, _ in sorted(row):
        if runs and x0 - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], max(runs[-1][1], x1))
        else:
            runs.append((x0, x1))
    return runs


# a turned region: at least this many characters run sideways, and the page holds at least
# this many upright ones (else the page is turned whole, or not at all)
TURNED_MIN = 20
UPRIGHT_MIN = 8
# upright characters inside the region: at most this many, or this share of the turned
TURNED_MIXED = 2
TURNED_MIXED_SHARE = 0.02
TOUCH = 2.0  # points: a rule this close to the region is part of it


def turned_region(
    chars: Sequence[tuple[Box, int]], others: Sequence[Box]
) -> tuple[int, Box] | None:
    """The turn (clockwise degrees, as ``readers.pdf._text_turn``) and box of a region of
    an upright page whose characters run sideways, or ``None``. ``chars``: the page's
    visible characters, each's box and turn; ``others``: the boxes of its rules."""
    counts: dict[int, int] = {}
    for _, turn in chars:
        counts[turn] = counts.get(turn, 0) + 1
    sideways = [(n, t) for t, n in counts.items() if t in (90, 270)]
    if not sideways or counts.get(0, 0) < UPRIGHT_MIN:
        return None
    n, turn = max(sideways)
    if n < TURNED_MIN:
        return None
    mine = [b for b, t in chars if t == turn]
    box = (
        min(b[0] for b in mine),
        min(b[1] for b in mine),
        max(b[2] for b in mine),
        max(b[3] for b in mine),
    )
    for _ in range(8):  # the rules that touch it, and those that touch them…
        grown = box
        for b in others:
            if (
                b[0] <= grown[2] + TOUCH
                and b[2] >= grown[0] - TOUCH
                and b[1] <= grown[3] + TOUCH
                and b[3] >= grown[1] - TOUCH
            ):
                grown = (
                    min(grown[0], b[0]),
                    min(grown[1], b[1]),
                    max(grown[2], b[2]),
                    max(grown[3], b[3]),
                )
        if grown == box:
            break
        box = grown
    others_in = sum(1 for b, t in chars if t != turn and _inside(b, box))
    if others_in > max(TURNED_MIXED, TURNED_MIXED_SHARE * n):
        return None
    return turn, box


def _inside(b: Box, box: Box) -> bool:
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]
