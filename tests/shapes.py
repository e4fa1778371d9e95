"""Layout fuzzer (issue 10): every gold file rendered in the shapes real copies take.

Each gold is turned into a :class:`~nianbao.report.Report` (``Report.from_flat``), laid out
by the writer (``writer._blocks``: title / heading / para / table / right blocks, tables as
``GridTable`` s) and printed here in one of ``SHAPES``, with seeded random variation:

* ``pipe-bare``     — pipe rows without a leading pipe (``规章 | 0 | 0 | 0 |``), section 三's
  group and row label in one line, blank cells ``|  |``, random spaces around pipes, the
  trailing pipe dropped on some rows (never when the last cell is blank);
* ``cell-pipe``     — one cell per line ending in `` |``, rows separated by lines of pipes;
* ``cell-blank``    — one cell per line, cells separated by a blank line, values indented; a
  blank cell is an empty line;
* ``cell-bar``      — one cell per line with a line ``|`` between cells;
* ``broken-labels`` — one of the three cell shapes with labels broken over lines in a cell;
* ``flat``          — the page on one line: labels followed at once by their digits, values
  run together, blank cells vanish (``flat-spaced``: values separated by single spaces);
* ``chrome``        — any base shape with web-page chrome before it (and a 发布时间);
* ``no-title``      — no title line; agency and year only in the opening sentence or the
  contact line;
* ``truncated``     — any base shape cut at a random point after section 二 starts;
* ``units``         — units and signs in cells (``3件``, ``812.5万元``, ``52300元``, ``+5``),
  ``/`` and ``—`` for blanks, and one table printed with every value cell empty.

Opt-in (``EDITED_SHAPES``, not in ``SHAPES`` so that the default measurement stays comparable;
``python -m tests.shapes_eval --shape columns``):

* ``columns``       — a pipe-bare or one-cell-per-line base whose section 三 an agency edited:
  总计 moved first, or 自然人 after the 法人或其他组织 columns, the header words sometimes
  abbreviated (商业企业 → 企业, 社会公益组织 → 公益组织, 法律服务机构 → 法律服务);
* ``spaced``        — one row per line, cells separated by whitespace that is not uniform (a
  page crawled or copied out of Word / PDF), one ``SPACINGS`` style per table: ``mixed`` (a
  tab or a run of spaces, at random, between any two cells; a blank cell empty), ``runs``
  (space runs of random width, a blank cell one space), ``single`` (one space between cells,
  a blank cell one space or nothing), ``wide`` (runs of NBSP, U+3000 and spaces).

:func:`render_shape` returns a :class:`Rendering`: the text, the expected flat gold (updated
for the chrome date, the removed title and the blanked table), the ids that cannot be
recovered from the text by construction, and for ``truncated`` the cut offset and the ids that
stand after it. Nothing here touches the parser; ``tests/shapes_eval.py`` scores it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any

from nianbao.report import Report
from nianbao.schema import REQUEST_ROWS_2019, REQUEST_ROWS_2021, RESULT_ROWS_2019
from nianbao.writing.blocks import _blocks
from nianbao.writing.writer import GridCell, GridTable, layout_of, title_of

# SAMPLES and load_gold: also imported from here by the generators built on these shapes
from .gold import SAMPLES, gold_files, gold_stem, load_gold  # noqa: F401

TABLES: tuple[str, ...] = ("active.", "active2019.", "requests.", "reviews.")
META_KEYS: tuple[str, ...] = ("meta.agency", "meta.year", "meta.format", "meta.published")

CELL_SHAPES: tuple[str, ...] = ("cell-pipe", "cell-blank", "cell-bar")
BASE_SHAPES: tuple[str, ...] = ("pipe-bare",) + CELL_SHAPES + ("flat", "flat-spaced")
SHAPES: tuple[str, ...] = (
    "pipe-bare",
    "cell-pipe",
    "cell-blank",
    "cell-bar",
    "broken-labels",
    "flat",
    "flat-spaced",
    "chrome",
    "no-title",
    "truncated",
    "units",
)
EDITED_SHAPES: tuple[str, ...] = ("columns", "spaced")
# how a ``spaced`` copy separates its cells (one style per table, chosen by the seed)
SPACINGS: tuple[str, ...] = ("mixed", "runs", "single", "wide")


# ---------------------------------------------------------------------- golds
def invented_golds() -> list[tuple[str, dict[str, Any]]]:
    """Two invented reports (fixed, consistent arithmetic) for what no real gold has: the
    2019 layout (three-value rows, signed 本年增/减, 政府集中采购) and a 2021 report with
    large many-digit figures in every column (hard splits when digits run together)."""
    return [("invented-2019", _invented_2019()), ("invented-2021-large", _invented_2021())]


def sources(gold_filter: str = "", invented: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """(stem, flat gold) of every gold file, then the invented reports; only stems that
    contain ``gold_filter``."""
    out = [(gold_stem(p), load_gold(p)) for p in gold_files()]
    if invented:
        out += invented_golds()
    return [(stem, g) for stem, g in out if gold_filter in stem]


def _invented_requests(rng: random.Random, rows: tuple[str, ...], scale: int) -> dict[str, int]:
    out: dict[str, int] = {}
    cols = ("natural", "commercial", "research", "social", "legal", "other_org")
    results = rows[2:-2]
    for k, col in enumerate(cols):
        top = scale if k == 0 else max(3, scale // 20)
        pt = 0
        for row in results:
            v = 0 if rng.random() < 0.5 else rng.randint(1, top)
            out[f"requests.{row}.{col}"] = v
            pt += v
        cf = rng.randint(0, max(1, top // 4))
        co = rng.randint(0, min(pt + cf, max(1, top // 5)))
        out[f"requests.processed_total.{col}"] = pt
        out[f"requests.carried_forward.{col}"] = cf
        out[f"requests.carried_over.{col}"] = co
        out[f"requests.new.{col}"] = pt + cf - co
    for row in rows:
        out[f"requests.{row}.total"] = sum(out[f"requests.{row}.{c}"] for c in cols)
    return out


def _invented_reviews(rng: random.Random, top: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for g in ("reconsideration", "litigation_direct", "litigation_after"):
        vals = [0 if rng.random() < 0.4 else rng.randint(1, top) for _ in range(4)]
        for f, v in zip(("upheld", "corrected", "other", "pending"), vals):
            out[f"reviews.{g}.{f}"] = v
        out[f"reviews.{g}.total"] = sum(vals)
    return out


def _invented_2019() -> dict[str, Any]:
    rng = random.Random("invented-2019")
    gold: dict[str, Any] = {
        "meta.title": "青岚县人民政府2019年政府信息公开工作年度报告",
        "meta.agency": "青岚县人民政府",
        "meta.year": 2019,
        "meta.published": "2020-01-16",
        "meta.format": "2019",
        "active2019.regulations.made": 0,
        "active2019.regulations.published": 0,
        "active2019.regulations.total_public": 0,
        "active2019.normative.made": 7,
        "active2019.normative.published": 7,
        "active2019.normative.total_public": 63,
        "active2019.licensing.items_prev": 214,
        "active2019.licensing.items_delta": -3,
        "active2019.licensing.decisions": 5821,
        "active2019.other_services.items_prev": 36,
        "active2019.other_services.items_delta": 4,
        "active2019.other_services.decisions": 902,
        "active2019.penalty.items_prev": 1288,
        "active2019.penalty.items_delta": 0,
        "active2019.penalty.decisions": 413,
        "active2019.coercion.items_prev": 19,
        "active2019.coercion.items_delta": -1,
        "active2019.coercion.decisions": 27,
        "active2019.fees.items_prev": 11,
        "active2019.fees.items_delta": -2,
        "active2019.procurement.items": 23,
        "active2019.procurement.amount": 251.3,
    }
    gold.update(_invented_requests(rng, REQUEST_ROWS_2019, 40))
    gold.update(_invented_reviews(rng, 6))
    gold["blank"] = []
    return gold


def _invented_2021() -> dict[str, Any]:
    rng = random.Random("invented-2021-large")
    gold: dict[str, Any] = {
        "meta.title": "云溪市人民政府2024年政府信息公开工作年度报告",
        "meta.agency": "云溪市人民政府",
        "meta.year": 2024,
        "meta.published": "2025-01-24",
        "meta.format": "2021",
        "active.regulations.issued": 3,
        "active.regulations.repealed": 1,
        "active.regulations.in_force": 52,
        "active.normative.issued": 18,
        "active.normative.repealed": 12,
        "active.normative.in_force": 240,
        "active.licensing": 183506,
        "active.penalty": 20417,
        "active.coercion": 1032,
        "active.fees": 812.5,
    }
    gold.update(_invented_requests(rng, REQUEST_ROWS_2021, 900))
    gold.update(_invented_reviews(rng, 60))
    gold["blank"] = []
    return gold


# ---------------------------------------------------------------------- result
@dataclass
class Rendering:
    """One gold printed in one shape."""

    gold: str  # gold stem
    shape: str
    seed: int
    base: str  # the base layout used (pipe-bare, cell-*, flat, flat-spaced)
    text: str
    expected: dict[str, Any]  # flat gold: meta.* and table ids, "blank" lists blank ids
    unrecoverable: set[str] = field(default_factory=set)  # ids the text cannot give back
    after_cut: set[str] = field(default_factory=set)  # table ids after the truncation cut
    cut: int | None = None  # char offset of the cut in the untruncated text
    variants: list[str] = field(default_factory=list)  # what was applied, for messages

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")

    @property
    def name(self) -> str:
        return f"{self.gold}-{self.shape}-{self.seed}.txt"

    def expected_value(self, key: str) -> Any:
        """The expected value of an id (blank ids are None)."""
        if key in set(self.expected.get("blank", [])):
            return None
        return self.expected.get(key)

    def table_ids(self) -> list[str]:
        return [k for k in self.expected if k.startswith(TABLES)]

    def meta_ids(self) -> list[str]:
        return [k for k in META_KEYS if k in self.expected and k not in self.unrecoverable]


# ---------------------------------------------------------------------- text builder
class _Out:
    """Text under construction that remembers where every value cell stands."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0
        self.pos: dict[str, tuple[int, int]] = {}  # id -> (start, end) of its printed text
        self.marks: dict[str, int] = {}
        self.sources: list[tuple[str, int, int]] = []  # (meta key, start, end)

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.n += len(s)

    def value(self, fid: str | None, s: str) -> None:
        start = self.n
        self.add(s)
        if fid is not None:
            self.pos[fid] = (start, self.n)

    def source(self, keys: tuple[str, ...], s: str) -> None:
        start = self.n
        self.add(s)
        for k in keys:
            self.sources.append((k, start, self.n))

    def mark(self, key: str) -> None:
        self.marks.setdefault(key, self.n)

    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class _Ctx:
    rng: random.Random
    shape: str
    base: str
    break_labels: bool = False
    units: bool = False
    blanked: set[str] = field(default_factory=set)  # ids of the table printed empty
    flat_rows: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------- cell texts
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]）|\d+[.、．])")


def _break_label(text: str, rng: random.Random) -> str:
    """A label broken over lines inside its cell (``本年新`` / ``制作数量``); the ordinal
    prefix (一、 （三） 1.) is never split."""
    m = _ORDINAL.match(text)
    lo = (m.end() if m else 0) + 2  # every piece holds at least two characters
    if len(text) - lo < 2:
        return text
    if len(text) >= 4 and rng.random() < 0.08 and len(text) <= 12:
        return "\n".join(text)  # stacked, one character per line
    n_breaks = 1 if len(text) < 14 else rng.choice((1, 2, 3))
    cuts = sorted(rng.sample(range(lo, len(text) - 1), min(n_breaks, len(text) - 1 - lo)))
    if any(b - a < 2 for a, b in zip(cuts, cuts[1:])):
        cuts = cuts[:1]
    pieces = [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])]
    if any(p.strip() == "" or re.fullmatch(r"[\d.．、]+", p) for p in pieces):
        return text
    return "\n".join(pieces)


def _label_text(cell: GridCell, ctx: _Ctx) -> str:
    text = cell.text
    if ctx.break_labels and text and ctx.rng.random() < 0.5:
        return _break_label(text, ctx.rng)
    return text


def _fee_text(raw: str, rng: random.Random) -> str:
    """The fee cell with a unit: ``812.5万元``, or ``52300元`` when it is a whole number of 元."""
    yuan = Decimal(raw) * 10000
    if yuan == yuan.to_integral_value() and rng.random() < 0.5:
        return f"{int(yuan)}元"
    return f"{raw}万元"


def _value_text(cell: GridCell, ctx: _Ctx) -> str:
    fid = cell.field_id or ""
    raw = "" if fid in ctx.blanked else cell.text
    if not ctx.units or fid in ctx.blanked:
        return raw
    rng = ctx.rng
    if raw == "":
        return rng.choice(("/", "—", "/", "—", ""))
    if fid in ("active.fees", "active2019.procurement.amount"):
        return _fee_text(raw, rng) if fid == "active.fees" and rng.random() < 0.7 else raw
    if fid.endswith(".items_delta"):
        return f"+{raw}" if not raw.startswith("-") and raw != "0" and rng.random() < 0.7 else raw
    if rng.random() < 0.3:
        return f"{raw}件"
    return raw


def _write_cell(out: _Out, cell: GridCell | None, ctx: _Ctx, indent: str = "") -> str:
    """Write one cell's text; returns it (for callers that decide separators after it)."""
    if cell is None:
        out.add("")
        return ""
    if cell.kind == "value":
        text = _value_text(cell, ctx)
        out.value(cell.field_id, (indent + text) if text else "")
        return text
    text = _label_text(cell, ctx)
    out.add(text)
    return text


# ---------------------------------------------------------------------- row views
def _rows(table: GridTable, mode: str) -> list[list[GridCell | None]]:
    """Rows of a table: ``anchors`` (covered slots left out, as HTML prints them), ``word``
    (one entry per Word cell, vertically covered slots empty) or ``tab`` (every slot; a
    horizontal span leaves empty cells, except section 三's label columns)."""
    if mode == "anchors":
        return [list(table.anchors(r)) for r in range(table.n_rows)]
    if mode == "word":
        return table.word_rows()
    grid = table.owner_grid()
    out: list[list[GridCell | None]] = []
    for r, row in enumerate(grid):
        cells: list[GridCell | None] = []
        k = 0
        while k < table.n_cols:
            owner = row[k]
            first: GridCell | None = owner if owner.row == r else None
            collapse = table.key == "s3" and owner.col < 3
            cells += [first] if collapse else [first] + [None] * (owner.colspan - 1)
            k += owner.colspan
        out.append(cells)
    return out


# ---------------------------------------------------------------------- base shapes
def _pipe(rng: random.Random) -> str:
    return " " * rng.choice((0, 1, 1, 1, 2)) + "|" + " " * rng.choice((0, 1, 1, 1, 2))


def _table_pipe_bare(out: _Out, table: GridTable, ctx: _Ctx) -> None:
    rng = ctx.rng
    mode = rng.choice(("tab", "word", "anchors"))
    ctx.variants.append(f"{table.key}:{mode}")
    for row in _rows(table, mode):
        if not row:
            continue
        last_blank = False
        for i, cell in enumerate(row):
            if i:
                out.add(_pipe(rng))
            text = _write_cell(out, cell, ctx)
            if text == "":
                out.add(rng.choice((" ", "  ")))  # a blank cell: |  |
            last_blank = text == ""
            if "\n" in text:
                raise AssertionError("pipe rows hold no line breaks")
        if last_blank or rng.random() < 0.7:
            out.add(" |" if rng.random() < 0.8 else "|")
        out.add("\n")


def _table_cell_pipe(out: _Out, table: GridTable, ctx: _Ctx) -> None:
    rng = ctx.rng
    mode = rng.choice(("anchors", "word"))
    ctx.variants.append(f"{table.key}:{mode}")
    for row in _rows(table, mode):
        out.add("|" * rng.randint(2, 9) + "\n")
        for cell in row:
            _write_cell(out, cell, ctx)
            out.add(" |\n")
    out.add("|" * rng.randint(2, 9) + "\n")


def _table_cell_blank(out: _Out, table: GridTable, ctx: _Ctx) -> None:
    rng = ctx.rng
    indent = rng.choice(("  ", "  ", "    ", " ", "\u3000"))
    first = True
    for row in _rows(table, "anchors"):
        for cell in row:
            if not first:
                out.add("\n")  # the blank line between two cells
            first = False
            _write_cell(out, cell, ctx, indent=indent)
            out.add("\n")


def _table_cell_bar(out: _Out, table: GridTable, ctx: _Ctx) -> None:
    rng = ctx.rng
    if rng.random() < 0.5:
        out.add("|\n")
    first = True
    for row in _rows(table, "anchors"):
        for cell in row:
            if not first:
                out.add("|\n")
            first = False
            _write_cell(out, cell, ctx)
            out.add("\n")
    if rng.random() < 0.5:
        out.add("|\n")


def _table_flat(out: _Out, table: GridTable, ctx: _Ctx, spaced: bool) -> None:
    """A table whose cells ran together: labels followed at once by their digits."""
    rng = ctx.rng
    label_join = rng.choice(("", " "))
    after_label = rng.choice(("", " ")) if spaced else ""
    value_join = " " if spaced else ""
    after_values = rng.choice(("", " "))
    prev: str | None = None  # kind of the previous printed cell
    for row in _rows(table, "anchors"):
        printed: list[tuple[str, str]] = []
        for cell in row:
            if cell.kind == "value":
                text = _value_text(cell, ctx)
                if text == "":  # a blank cell vanishes; it stands where it would be
                    out.value(cell.field_id, "")
                    printed.append((cell.field_id or "", ""))
                    continue
                sep = {"label": after_label, "value": value_join, None: ""}[prev]
                out.add(sep)
                out.value(cell.field_id, text)
                printed.append((cell.field_id or "", text))
                prev = "value"
            else:
                sep = {"label": label_join, "value": after_values, None: ""}[prev]
                out.add(sep)
                out.add(cell.text)
                prev = "label"
        if printed:
            ctx.flat_rows.append((table.key, printed))


_SPACE_RUN = {
    "runs": lambda rng: " " * rng.randint(2, 6),
    "single": lambda rng: " ",
    "wide": lambda rng: "".join(
        rng.choice(("\u00a0", "\u3000", " ")) for _ in range(rng.randint(1, 3))
    ),
}


def _mixed_separator(rng: random.Random) -> str:
    return rng.choice(("\t", "\t", " " * rng.randint(1, 4), "\t ", " \t"))


def _table_spaced(out: _Out, table: GridTable, ctx: _Ctx) -> None:
    """One row per line, cells separated by whitespace of the table's ``SPACINGS`` style."""
    rng = ctx.rng
    style = rng.choice(SPACINGS)
    mode = rng.choice(("tab", "word", "anchors"))
    # a tab before or after every row (a crawler's cell-by-cell text) is the table's, never
    # one row's: the spaces around a row vary from row to row
    lead, trail = rng.choice(("", "", "", "\t")), rng.choice(("", "", "\t"))
    ctx.variants.append(
        f"{table.key}:{style}:{mode}"
        + (":lead-tab" if lead else "")
        + (":trail-tab" if trail else "")
    )
    for row in _rows(table, mode):
        if not row:
            continue
        out.add(lead)
        if rng.random() < 0.2:
            out.add(rng.choice((" ", "  ", "\u3000")))
        for i, cell in enumerate(row):
            if i:
                out.add(_mixed_separator(rng) if style == "mixed" else _SPACE_RUN[style](rng))
            text = _write_cell(out, cell, ctx)
            if text == "" and style != "mixed":
                out.add(" " if style != "single" or rng.random() < 0.5 else "")
        if rng.random() < 0.3:
            out.add(rng.choice((" ", "  ", "\u3000")))
        out.add(trail + "\n")


# ---------------------------------------------------------------------- edited columns
_ORG_LABELS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
_SHORT = {"商业企业": "企业", "社会公益组织": "公益组织", "法律服务机构": "法律服务"}


def _edited_columns(table: GridTable, rng: random.Random) -> tuple[GridTable, str]:
    """Section 三 with its value columns moved (the form's are grid columns 3–9: 自然人,
    the five organisations, 总计) and the header redrawn to match."""
    mode = rng.choice(("total-first", "natural-after-org"))
    short = rng.random() < 0.4
    orgs = [_SHORT.get(o, o) if short else o for o in _ORG_LABELS]
    if mode == "total-first":
        slot = {3: 4, 4: 5, 5: 6, 6: 7, 7: 8, 8: 9, 9: 3}
        head = [("总计", 1, 3, 2, 1), ("自然人", 1, 4, 2, 1), ("法人或其他组织", 1, 5, 1, 5)]
        head += [(o, 2, 5 + k, 1, 1) for k, o in enumerate(orgs)]
    else:
        slot = {3: 8, 4: 3, 5: 4, 6: 5, 7: 6, 8: 7, 9: 9}
        head = [("法人或其他组织", 1, 3, 1, 5), ("自然人", 1, 8, 2, 1), ("总计", 1, 9, 2, 1)]
        head += [(o, 2, 3 + k, 1, 1) for k, o in enumerate(orgs)]
    out = GridTable(table.key, table.n_rows, table.n_cols)
    for c in table.cells:
        if c.row in (1, 2) and c.col >= 3:
            continue  # the old column header
        if c.kind == "value":
            c = GridCell(c.text, c.row, slot[c.col], c.rowspan, c.colspan, c.kind, c.field_id)
        out.cells.append(c)
    for text, r, col, rs, cs in head:
        out.cells.append(GridCell(text, r, col, rs, cs))
    out.owner_grid()  # every slot covered once
    return out, f"columns:{mode}" + (":short" if short else "")


# ---------------------------------------------------------------------- chrome
_TOWNS = ("石门镇", "青岚镇", "云溪乡", "白沙街道", "柳塘镇")
_SOURCES = ("来源：县政府办公室", "来源：本网", "信息来源：政务公开办", "来源：区政务服务中心")


def _chrome_lines(rng: random.Random, title: str, year: int | None) -> tuple[list, str | None]:
    """Page chrome before a report: ([(kind, line)], published date or None)."""
    y = (year or 2023) + 1
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    published = f"{y:04d}-{month:02d}-{day:02d}" if rng.random() < 0.75 else None
    crawler: list[str] = []
    if rng.random() < 0.7:
        crawler.append(rng.choice(("标题: ", "标题：", "文章标题：")) + title)
    if published:
        hh, mm = rng.randint(8, 18), rng.randint(0, 59)
        crawler.append(
            rng.choice(
                (
                    f"发布时间: {published} {hh:02d}:{mm:02d}",
                    f"发布时间：{published}",
                    f"发布日期：{y}年{month:02d}月{day:02d}日",
                    f"发布时间：{y}-{month}-{day} {hh:02d}:{mm:02d}:00",
                )
            )
        )
    if rng.random() < 0.6:
        crawler.append(
            f"原文链接: https://www.qinglan.gov.cn/art/{y}/{month}/{day}/art_{rng.randint(1000, 99999)}.html"
        )
    if rng.random() < 0.5:
        crawler.append(rng.choice(_SOURCES))
    nav: list[str] = []
    if rng.random() < 0.6:
        nav.append(
            rng.choice(("关怀版", "无障碍", "长者模式", "关怀版 | 无障碍", "无障碍浏览 长者模式"))
        )
    if rng.random() < 0.8:
        town = rng.choice(_TOWNS)
        nav.append(
            rng.choice(
                (
                    f"您当前所在位置：首页>乡镇>{town}>政府信息公开>年度报告",
                    "当前位置：首页>政府信息公开>年报",
                    "当前位置：首页 > 政务公开 > 政府信息公开年报",
                    f"您现在的位置：首页>>信息公开>>{town}",
                )
            )
        )
    share: list[str] = []
    for line in (
        "分享到：微信 微博",
        "【字体：大 中 小】",
        "打印本页 关闭窗口",
        f"浏览次数：{rng.randint(12, 9999)}",
    ):
        if rng.random() < 0.45:
            share.append(line)
    lines = [("crawler", s) for s in crawler] + [("nav", s) for s in nav + share]
    head = [x for x in lines if x[0] == "crawler"]
    rest = [x for x in lines if x[0] != "crawler"]
    rng.shuffle(rest)
    return head + rest, published


# ---------------------------------------------------------------------- no title
def _no_title_blocks(blocks: list, report: Report, rng: random.Random) -> tuple[list, str]:
    """Blocks without the title; agency and year only in an opening sentence or the contact
    line. Returns (blocks, variant)."""
    from nianbao.writing.blocks import _Block

    agency = report.meta.get("agency") or ""
    year = report.meta.get("year")
    variant = rng.choice(("opening", "compiled", "contact")) if agency else "opening"
    out: list = []
    for b in blocks:
        if b.kind == "title":
            continue
        if b.kind == "para" and b.text.startswith("本报告根据"):
            if variant == "opening":
                who = agency or ""
                out.append(
                    _Block(
                        "para",
                        "根据《中华人民共和国政府信息公开条例》和上级有关工作要求，"
                        f"{who}特此编制{year}年度政府信息公开工作年度报告。",
                    )
                )
                continue
            if variant == "compiled":
                out.append(
                    _Block(
                        "para",
                        f"本报告由{agency}根据《中华人民共和国政府信息公开条例》要求编制。",
                    )
                )
                continue
        if b.kind == "para" and agency and agency in b.text:
            b = _Block("para", b.text.replace(agency, "本机关"))
        if b.kind == "right" and b.text == agency:
            continue  # the 落款 agency goes too: the sentence is the only place left
        out.append(b)
    if variant == "contact":
        contact = _Block(
            "para",
            f"如对本报告有任何疑问，请与{agency}联系（地址：青岚路1号，电话：0951-5550123）。",
        )
        i = next((i for i, b in enumerate(out) if b.kind == "right"), len(out))
        out.insert(i, contact)
    return out, variant


# ---------------------------------------------------------------------- narrative
def _narrative(gold: dict[str, Any], rng: random.Random) -> dict[str, str]:
    """Prose with figures before the tables of sections 二–四, as real reports have."""

    def g(key: str) -> int:
        v = gold.get(key)
        return int(v) if isinstance(v, (int, float)) and v is not None else 0

    new = g("requests.new.total")
    carried = g("requests.carried_over.total")
    recon = g("reviews.reconsideration.total")
    lit = g("reviews.litigation_direct.total") + g("reviews.litigation_after.total")
    return {
        "s2": f"本年度，本机关通过政府门户网站主动公开政府信息{rng.randint(80, 4000)}条，"
        f"发布政策解读{rng.randint(3, 60)}篇，回应社会关切{rng.randint(1, 30)}次。",
        "s3": f"本年度共收到政府信息公开申请{new}件，上年结转{carried}件，均在法定期限内予以答复。",
        "s4": f"本年度发生政府信息公开行政复议案件{recon}件、行政诉讼案件{lit}件。",
    }


# ---------------------------------------------------------------------- document
def _meta_sources(b: Any, report: Report) -> tuple[str, ...]:
    """Which meta fields a block states (for truncation: is it still in the text?)."""
    agency = report.meta.get("agency") or ""
    year = report.meta.get("year")
    keys: list[str] = []
    text = b.text or ""
    if agency and agency in text and b.kind in ("title", "para", "right"):
        keys.append("meta.agency")
    if year and f"{year}年" in text and b.kind in ("title", "para"):
        keys.append("meta.year")
    pub = report.meta.get("published")
    if b.kind == "right" and pub and re.match(r"\d{4}年\d{1,2}月\d{1,2}日", text):
        keys.append("meta.published")
    return tuple(keys)


def _write_doc(out: _Out, blocks: list, report: Report, ctx: _Ctx) -> None:
    base = ctx.base
    rng = ctx.rng
    flat = base in ("flat", "flat-spaced")
    first = True
    for b in blocks:
        if flat:
            if not first:
                out.add(rng.choice(("", " ", " ")))
        elif not first:
            if base == "cell-blank":
                out.add("\n")
            elif rng.random() < 0.4:
                out.add("\n")
        first = False
        if b.kind == "heading":
            key = next((k for k, v in _HEADINGS.items() if v == b.text), None)
            if key:
                out.mark(key)
        if b.kind == "table" and b.table is not None:
            table = b.table
            out.mark(f"table.{table.key}")
            if base == "pipe-bare":
                _table_pipe_bare(out, table, ctx)
            elif base == "cell-pipe":
                _table_cell_pipe(out, table, ctx)
            elif base == "cell-blank":
                _table_cell_blank(out, table, ctx)
            elif base == "cell-bar":
                _table_cell_bar(out, table, ctx)
            elif base == "spaced":
                _table_spaced(out, table, ctx)
            else:
                _table_flat(out, table, ctx, spaced=base == "flat-spaced")
            out.mark(f"end.{table.key}")
            continue
        text = re.sub(r"^#+\s*", "", b.text).replace("**", "")
        if b.kind == "right" and not flat:
            text = "\u3000" * rng.randint(0, 8) + text
        out.source(_meta_sources(b, report), text)
        if not flat:
            out.add("\n")
    if not flat:
        return
    out.add("\n")


def _heading_map() -> dict[str, str]:
    from nianbao.schema import SECTION_HEADINGS

    return dict(SECTION_HEADINGS)


_HEADINGS = _heading_map()


# ---------------------------------------------------------------------- recoverability
_TOKEN = re.compile(r"[+-]?(?:0|[1-9]\d*)(?:\.\d+)?(?:件|万元|元)?|/|—")


def _num(token: str) -> Decimal:
    m = re.match(r"[+-]?\d+(?:\.\d+)?", token)
    return Decimal(m.group(0)) if m else Decimal(0)


@lru_cache(maxsize=200_000)
def _splits(s: str, k: int, target: Decimal | None = None, cap: int = 40) -> tuple:
    """Ways to cut ``s`` into ``k`` tokens (numbers, optionally with a unit), summing to
    ``target`` when given; at most ``cap`` of them."""
    if k == 0:
        return ((),) if s == "" and (target is None or target == 0) else ()
    out: list[tuple[str, ...]] = []
    for end in range(1, len(s) - k + 2):
        head = s[:end]
        if not _TOKEN.fullmatch(head):
            continue
        rest_target = None if target is None else target - _num(head)
        if rest_target is not None and rest_target < 0:
            continue
        for tail in _splits(s[end:], k - 1, rest_target, cap):
            out.append((head,) + tail)
            if len(out) >= cap:
                return tuple(out)
    return tuple(out)


def _row_candidates(key: str, s: str, k: int) -> list[tuple[str, ...]]:
    """Splits of a row's run-together digits, kept when they satisfy the row's own
    arithmetic (section 三: total = the six applicant columns; section 四: each group's
    总计 = the four results)."""
    if key == "s3" and k == 7:
        out = []
        for j in range(len(s) - 1, 0, -1):
            tot = s[j:]
            if not _TOKEN.fullmatch(tot):
                continue
            for six in _splits(s[:j], 6, _num(tot)):
                out.append(six + (tot,))
        return out[:40]
    if key == "s4" and k == 15:
        return _s4_candidates(s, 3)[:40]
    return list(_splits(s, k))


@lru_cache(maxsize=20_000)
def _s4_candidates(s: str, groups: int) -> list[tuple[str, ...]]:
    if groups == 0:
        return [()] if s == "" else []
    out: list[tuple[str, ...]] = []
    for j in range(4, len(s)):
        for t in range(j + 1, min(len(s), j + 12) + 1):
            tot = s[j:t]
            if not _TOKEN.fullmatch(tot):
                continue
            for four in _splits(s[:j], 4, _num(tot)):
                for rest in _s4_candidates(s[t:], groups - 1):
                    out.append(four + (tot,) + rest)
                    if len(out) >= 40:
                        return out
    return out


def _flat_unrecoverable(ctx: _Ctx, layout: str) -> set[str]:
    """Ids of a flattened text whose values cannot be placed by construction: rows where
    some (not all) blank cells vanished, and run-together digits that neither count nor the
    form's arithmetic split in exactly one way."""
    spaced = ctx.base == "flat-spaced"
    bad: set[str] = set()
    cands: dict[str, list[tuple[str, ...]]] = {}  # s3 row name -> candidates
    truth: dict[str, tuple[str, ...]] = {}
    ids_of: dict[str, list[str]] = {}
    for key, printed in ctx.flat_rows:
        ids = [fid for fid, _ in printed]
        texts = [t for _, t in printed]
        shown = [t for t in texts if t != ""]
        row = ids[0].rsplit(".", 1)[0] if key == "s3" else ids[0]
        if not shown:  # every cell blank: nothing printed, all null
            if key == "s3":
                cands[row], truth[row], ids_of[row] = [tuple(texts)], tuple(texts), ids
            continue
        if len(shown) < len(texts):
            bad.update(ids)
            if key == "s3":
                ids_of[row] = ids
            continue
        if spaced:
            if key == "s3":
                cands[row], truth[row], ids_of[row] = [tuple(texts)], tuple(texts), ids
            continue
        c = _row_candidates(key, "".join(texts), len(texts))
        if key == "s3":
            cands[row], truth[row], ids_of[row] = c, tuple(texts), ids
        elif c != [tuple(texts)]:
            bad.update(ids)
    if not spaced:
        _propagate_s3(cands, layout)
        for row, c in cands.items():
            if c != [truth[row]]:
                bad.update(ids_of[row])
    return bad


def _propagate_s3(cands: dict[str, list[tuple[str, ...]]], layout: str) -> None:
    """Filter section 三 row candidates by the column arithmetic (一 + 二 = （七） + 四;
    （七） = the sum of the result rows), while the combinations stay few."""
    results = [
        f"requests.{r}" for r in (RESULT_ROWS_2019 if layout != "2021" else REQUEST_ROWS_2021[2:-2])
    ]
    pt, cf = "requests.processed_total", "requests.carried_forward"
    new, co = "requests.new", "requests.carried_over"

    def vec(row: tuple[str, ...]) -> list[Decimal]:
        return [_num(t) for t in row]

    def check_balance(combo: dict[str, tuple[str, ...]]) -> bool:
        a, b, c, d = (vec(combo[r]) for r in (new, co, pt, cf))
        return all(a[i] + b[i] == c[i] + d[i] for i in range(7))

    def check_sum(combo: dict[str, tuple[str, ...]]) -> bool:
        total = [Decimal(0)] * 7
        for r in results:
            for i, v in enumerate(vec(combo[r])):
                total[i] += v
        return total == vec(combo[pt])

    constraints = ((new, co, pt, cf), check_balance), (tuple(results) + (pt,), check_sum)
    changed = True
    while changed:
        changed = False
        for rows, ok in constraints:
            if any(r not in cands for r in rows):
                continue
            sizes = 1
            for r in rows:
                sizes *= max(1, len(cands[r]))
            if sizes > 4000 or any(not cands[r] for r in rows):
                continue
            if sizes == 1:
                continue
            keep: dict[str, set[tuple[str, ...]]] = {r: set() for r in rows}
            for combo in product(*(cands[r] for r in rows)):
                d = dict(zip(rows, combo))
                if ok(d):
                    for r in rows:
                        keep[r].add(d[r])
            for r in rows:
                new_c = [c for c in cands[r] if c in keep[r]]
                if len(new_c) != len(cands[r]):
                    cands[r] = new_c
                    changed = True


# ---------------------------------------------------------------------- entry point
def render_shape(
    gold: dict[str, Any] | Path, shape: str, seed: int = 0, stem: str | None = None
) -> Rendering:
    """Render a gold (flat dict or path) in ``shape`` with a seeded variation."""
    if shape not in SHAPES + EDITED_SHAPES:
        choices = ", ".join(SHAPES + EDITED_SHAPES)
        raise ValueError(f"unknown shape {shape!r}; choose one of {choices}")
    if isinstance(gold, Path):
        stem = stem or gold_stem(gold)
        gold = load_gold(gold)
    stem = stem or "gold"
    rng = random.Random(f"{seed}|{stem}|{shape}")
    expected: dict[str, Any] = {k: v for k, v in gold.items() if k != "notes"}
    expected["blank"] = list(gold.get("blank", []) or [])

    if shape in BASE_SHAPES:
        base = shape
    elif shape == "broken-labels":
        base = rng.choice(CELL_SHAPES)
    elif shape == "units":
        base = rng.choice(("pipe-bare",) + CELL_SHAPES + ("flat-spaced",))
    elif shape == "spaced":
        base = "spaced"
    elif shape == "columns":
        # (not flat: the digit-split bookkeeping assumes the form's column order)
        base = rng.choice(("pipe-bare",) + CELL_SHAPES)
    else:
        base = rng.choice(BASE_SHAPES)
    ctx = _Ctx(rng=rng, shape=shape, base=base)
    ctx.break_labels = shape == "broken-labels" or (
        shape in ("chrome", "truncated") and base in CELL_SHAPES and rng.random() < 0.3
    )
    if ctx.break_labels:
        ctx.variants.append("broken-labels")

    report = Report.from_flat(gold)
    layout = layout_of(report)
    if shape == "units":
        ctx.units = True
        which = rng.choice(("s2", "s3", "s4", None))
        if which:
            prefix = {"s2": ("active.", "active2019."), "s3": ("requests.",), "s4": ("reviews.",)}[
                which
            ]
            ctx.blanked = {
                k for k in expected if k.startswith(prefix) and not k.endswith(".amount_unit")
            }
            for k in sorted(ctx.blanked):
                expected[k] = None
                if k not in expected["blank"]:
                    expected["blank"].append(k)
            ctx.variants.append(f"blank-table:{which}")

    texts = _narrative(expected, rng) if rng.random() < 0.4 else None
    if texts:
        ctx.variants.append("prose")
    blocks = list(_blocks(report, texts))
    if shape == "columns":
        for b in blocks:
            if b.kind == "table" and b.table is not None and b.table.key == "s3":
                b.table, variant = _edited_columns(b.table, rng)
                ctx.variants.append(variant)
    if shape == "no-title":
        blocks, variant = _no_title_blocks(blocks, report, rng)
        ctx.variants.append(f"no-title:{variant}")
        expected.pop("meta.title", None)
    else:
        expected["meta.title"] = title_of(report)

    out = _Out()
    if shape == "chrome" or (shape == "truncated" and rng.random() < 0.3):
        lines, published = _chrome_lines(rng, title_of(report), report.meta.get("year"))
        flat = base in ("flat", "flat-spaced")
        joined_nav = flat and rng.random() < 0.5
        for kind, line in lines:
            if kind == "crawler" or not joined_nav:
                out.add(line + "\n")
            else:
                out.add(line + rng.choice(("", " ")))
        if published:
            expected["meta.published"] = published
            out.sources.append(("meta.published", 0, 0))
        ctx.variants.append("chrome" + (":published" if published else ""))

    _write_doc(out, blocks, report, ctx)
    text = out.text()
    r = Rendering(
        gold=stem,
        shape=shape,
        seed=seed,
        base=base,
        text=text,
        expected=expected,
        variants=ctx.variants,
    )
    if base in ("flat", "flat-spaced"):
        r.unrecoverable |= _flat_unrecoverable(ctx, layout)
    if shape == "truncated":
        start = out.marks.get("s2", 0) + 1
        cut = rng.randint(start, max(start, len(text) - 1))
        r.cut = cut
        r.text = text[:cut]
        r.after_cut = {fid for fid, (_, end) in out.pos.items() if end > cut}
        if "active2019.procurement.amount" in r.after_cut:
            # the unit stands in the amount's column header, just before it
            r.after_cut.add("active2019.procurement.amount_unit")
        r.after_cut &= set(r.table_ids())
        r.unrecoverable |= r.after_cut
        where = next(
            (k for k in ("s6", "s5", "s4", "s3", "s2") if out.marks.get(k, 1 << 30) < cut), "s2"
        )
        r.variants.append(f"cut@{cut}/{len(text)} in {where}")
    # meta fields whose only statements stand after the cut (or nowhere)
    end_of_text = len(r.text)
    for key in ("meta.agency", "meta.year", "meta.published"):
        stated = [s for k, s, e in out.sources if k == key and e <= end_of_text]
        if expected.get(key) is not None and not stated:
            r.unrecoverable.add(key)
    # ids the writer prints although the gold leaves them out (as 0) are not scored
    r.unrecoverable = {k for k in r.unrecoverable if k in expected or k in META_KEYS}
    if shape == "truncated" and "meta.format" in expected:
        # the layout shows in section 二's first rows, and "mixed" only in section 三's
        # single （六）其他处理 row
        first = min(
            (fid for fid in out.pos if fid.startswith(("active.", "active2019."))),
            key=lambda fid: out.pos[fid][0],
            default=None,
        )
        if first in r.after_cut or (
            expected.get("meta.format") == "mixed" and "requests.other.total" in r.after_cut
        ):
            r.unrecoverable.add("meta.format")
    return r


def all_renderings(
    seed: int = 0, n: int = 1, shapes: tuple[str, ...] = SHAPES, gold_filter: str = ""
) -> list[Rendering]:
    """Every gold (and invented report) in every shape, for seeds ``seed`` … ``seed+n-1``."""
    return every_source(render_shape, shapes, seed, n, gold_filter)


def every_source(
    render: Callable[[dict[str, Any], str, int, str], Rendering],
    shapes: Iterable[str],
    seed: int = 0,
    n: int = 1,
    gold_filter: str = "",
) -> list[Rendering]:
    """``render(gold, shape, seed, stem)`` of every gold (and invented report) whose stem holds
    ``gold_filter``, in each of ``shapes``, for seeds ``seed`` … ``seed+n-1`` (the loop of
    every shape generator's ``all_…``)."""
    return [
        render(gold, shape, seed + k, stem)
        for stem, gold in sources(gold_filter)
        for shape in shapes
        for k in range(n)
    ]
