"""Text made from a report's web page by HTML-to-text converters (links, w3m, elinks, pandoc
grid tables, inscriptis) and by copies that keep bits of the markup.

The shapes are generated here from the golds: the report is rendered to HTML by the writer,
its tables drawn as text by a small renderer of this module (no converter binary) — framed
grids whose cells wrap over several lines, with ASCII (``+---+``, ``|---+---|``) or
box-drawing (``┌─┬─┐``, ``│``) borders, laid out in display width (w3m, elinks) or in
characters (links) — and every table cell must come back right or be named by a finding,
with no false "missing" finding.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest

import nianbao
from nianbao.readers.document import Paragraph
from nianbao.readers.text import read_text

from .gold import same
from .shapes_eval import TABLE_ROOTS, covers, is_missing_rule, named

Anchor = tuple[int, int, int, int, str]  # row, col, rowspan, colspan, text


# ----------------------------------------------------------------------------- the golds
def _golds() -> list[tuple[str, dict[str, Any]]]:
    from .shapes import sources

    found = sources(invented=False)
    if not found:
        pytest.skip("shared samples not available")
    return found[:4]


def _html(gold: dict[str, Any]) -> str:
    from nianbao.report import Report
    from nianbao.writing.writer import render

    return render(Report.from_flat(gold), "html").decode("utf-8")


def _blocks(html: str) -> list[str | tuple[list[Anchor], int, int]]:
    """The page's paragraphs (text) and tables (anchors with their grid size), in order."""
    import lxml.html

    body = lxml.html.fromstring(html).find("body")
    out: list[str | tuple[list[Anchor], int, int]] = []
    for el in body:
        if el.tag != "table":
            out.append(el.text_content().strip())
            continue
        taken: set[tuple[int, int]] = set()
        anchors: list[Anchor] = []
        n_cols = 0
        trs = el.findall(".//tr")
        for r, tr in enumerate(trs):
            c = 0
            for td in tr:
                while (r, c) in taken:
                    c += 1
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                anchors.append((r, c, rs, cs, td.text_content().strip()))
                taken |= {(r + i, c + k) for i in range(rs) for k in range(cs)}
                c += cs
                n_cols = max(n_cols, c)
        out.append((anchors, len(trs), n_cols))
    return out


# ----------------------------------------------------------------------------- the renderer
_BOX = {
    # (up, down, left, right) -> junction
    (1, 1, 1, 1): "┼",
    (0, 1, 1, 1): "┬",
    (1, 0, 1, 1): "┴",
    (1, 1, 0, 1): "├",
    (1, 1, 1, 0): "┤",
    (0, 1, 0, 1): "┌",
    (0, 1, 1, 0): "┐",
    (1, 0, 0, 1): "└",
    (1, 0, 1, 0): "┘",
    (1, 1, 0, 0): "│",
    (0, 0, 1, 1): "─",
    (1, 0, 0, 0): "│",
    (0, 1, 0, 0): "│",
    (0, 0, 1, 0): "─",
    (0, 0, 0, 1): "─",
}


def _w(ch: str, wide: bool) -> int:
    return 2 if wide and unicodedata.east_asian_width(ch) in "WF" else 1


def _wrap(text: str, width: int, wide: bool) -> list[str]:
    lines = [""]
    used = 0
    for ch in text:
        if used + _w(ch, wide) > width:
            lines.append("")
            used = 0
        lines[-1] += ch
        used += _w(ch, wide)
    return lines


def _draw(anchors: list[Anchor], n_rows: int, n_cols: int, style: str, wide: bool) -> str:
    """A table drawn as a framed grid: ``style`` is "pandoc" (``+---+`` junctions), "w3m"
    (``|---+---|``) or "box" (box drawing); labels wrap in narrow columns; ``wide`` lays
    the text out in display width (a CJK character takes two columns) or in characters."""
    vert, horiz = ("│", "─") if style == "box" else ("|", "-")
    widths = [6] * n_cols
    cells = {}
    owner: dict[tuple[int, int], int] = {}
    for k, (r, c, rs, cs, text) in enumerate(anchors):
        for i in range(rs):
            for j in range(cs):
                owner[(r + i, c + j)] = k
        if re.fullmatch(r"[\d.]+", text):  # numbers never wrap
            inner = sum(widths[c : c + cs]) + cs - 1
            widths[c + cs - 1] += max(0, len(text) + 2 - inner)
    heights = [1] * n_rows
    for k, (r, c, rs, cs, text) in enumerate(anchors):
        inner = sum(widths[c : c + cs]) + cs - 1
        cells[k] = _wrap(text, inner, wide) if text else []
        room = sum(heights[r : r + rs]) + rs - 1
        heights[r + rs - 1] += max(0, len(cells[k]) - room)
    xs = [0]
    for wd in widths:
        xs.append(xs[-1] + wd + 1)
    ys = [0]
    for h in heights:
        ys.append(ys[-1] + h + 1)
    canvas: list[list[str | None]] = [[" "] * (xs[-1] + 1) for _ in range(ys[-1] + 1)]

    def own(r: int, c: int) -> int:
        return owner.get((r, c), -1 - r * 1000 - c)

    def hrule(r: int, c: int) -> bool:  # a border under row r-1 over column c
        return 0 <= c < n_cols and (r in (0, n_rows) or own(r - 1, c) != own(r, c))

    def vwall(r: int, c: int) -> bool:  # a wall left of column c in row r
        return 0 <= r < n_rows and (c in (0, n_cols) or own(r, c - 1) != own(r, c))

    for r in range(n_rows + 1):
        for c in range(n_cols):
            if hrule(r, c):
                for x in range(xs[c] + 1, xs[c + 1]):
                    canvas[ys[r]][x] = horiz
        for c in range(n_cols + 1):
            for y in range(ys[r] + 1, ys[r + 1] if r < n_rows else 0):
                if vwall(r, c):
                    canvas[y][xs[c]] = vert
            u, d = int(vwall(r - 1, c)), int(vwall(r, c))
            left, right = int(hrule(r, c - 1)), int(hrule(r, c))
            if not (u or d or left or right):
                continue
            if style == "box":
                ch = _BOX[(u, d, left, right)]
            elif not (left or right):
                ch = "|"
            elif style == "w3m" and c in (0, n_cols) and 0 < r < n_rows:
                ch = "|"
            else:
                ch = "+"
            canvas[ys[r]][xs[c]] = ch
    for k, (r, c, rs, cs, _) in enumerate(anchors):
        text_lines = cells[k]
        top, bottom = ys[r] + 1, ys[r + rs] - 1
        y = top + (bottom - top + 1 - len(text_lines)) // 2
        for line in text_lines:
            inner = xs[c + cs] - xs[c] - 1
            used = sum(_w(ch, wide) for ch in line)
            x = xs[c] + 1 + (inner - used) // 2
            for ch in line:
                canvas[y][x] = ch
                if _w(ch, wide) == 2:
                    canvas[y][x + 1] = None
                x += _w(ch, wide)
            y += 1
    return "\n".join(
        "        " + "".join(ch for ch in row if ch is not None).rstrip() for row in canvas
    )


def _framed_text(gold: dict[str, Any], style: str, wide: bool) -> str:
    parts = []
    for b in _blocks(_html(gold)):
        parts.append(b if isinstance(b, str) else _draw(*b, style=style, wide=wide))
    return "\n\n".join(parts) + "\n"


# ----------------------------------------------------------------------------- scoring
def _check(data: str, gold: dict[str, Any], strict: bool = True) -> list[str]:
    """The cells not right (``strict``; else: neither right nor named by a finding), and
    the false missing findings."""
    rep = nianbao.parse(data.encode("utf-8"))
    flat = rep.flat()
    findings = [{"rule": f.rule, "cells": list(f.cells)} for f in rep.findings]
    keys = [k for k in gold if k.split(".")[0] in TABLE_ROOTS]
    bad = [
        f"{k}: gold={gold[k]!r} got={flat.get(k)!r}"
        for k in keys
        if not same(gold[k], flat.get(k)) and (strict or not named(findings, k))
    ]
    for f in findings:
        if is_missing_rule(f["rule"]):
            hit = [c for c in f["cells"] if any(covers(c, k) for k in keys)]
            if hit:
                bad.append(f"false missing {f['rule']} {hit[:3]}")
    return bad


# ----------------------------------------------------------------------------- the tests
@pytest.mark.parametrize(
    "style, wide",
    [("w3m", True), ("w3m", False), ("pandoc", True), ("box", True), ("box", False)],
    ids=["w3m", "links", "pandoc-grid", "box-w3m", "box-chars"],
)
def test_framed_grids_with_wrapped_cells(style: str, wide: bool) -> None:
    for stem, gold in _golds():
        bad = _check(_framed_text(gold, style, wide), gold)
        assert not bad, f"{stem} {style}: " + "; ".join(bad[:5])


def test_a_framed_grid_is_one_table_of_whole_cells() -> None:
    stem, gold = _golds()[0]
    text = _framed_text(gold, "box", True)
    doc = read_text(text)
    assert len(doc.tables) == 3
    for t in doc.tables:
        assert t.kind == "markdown"
        for row in t.rows:
            for cell in row:
                if cell.covered or not cell.text:
                    continue
                # a cell's offsets run from its first fragment to its last
                frags = cell.text.split("\n")
                assert doc.text[cell.start :].startswith(frags[0])
                assert doc.text[: cell.end].endswith(frags[-1])
    labels = {c.text.replace("\n", "") for t in doc.tables for r in t.rows for c in r}
    assert "行政规范性文件" in labels
    assert "2.没有现成信息需要另行制作" in labels


@pytest.mark.parametrize("wide", [True, False], ids=["display-width", "characters"])
def test_a_side_bar_left_of_the_grid_is_not_part_of_it(wide: bool) -> None:
    """A page's side bar printed left of the grid's lines (栏目导航 over the indent: as
    wide as the indent in display width for w3m, in characters for links)."""
    stem, gold = _golds()[0]
    text = _framed_text(gold, "box" if wide else "w3m", wide)
    lines = text.split("\n")
    for n, k in enumerate(i for i, ln in enumerate(lines) if "不予" in ln):
        bar = ("栏目导航", "政府信息公开年报")[n % 2][: 2 if wide else 4]
        lines[k] = bar + lines[k][len(bar) * (2 if wide else 1) :]
    bad = _check("\n".join(lines), gold)
    assert not bad, "; ".join(bad[:5])


def test_a_plain_markdown_table_is_read_as_before() -> None:
    text = "| 信息内容 | 本年处理决定数量 |\n| --- | --- |\n| 行政许可 | 12 |\n| 行政处罚 | 3 |\n"
    (table,) = read_text(text).tables
    assert [[c.text for c in r] for r in table.rows] == [
        ["信息内容", "本年处理决定数量"],
        ["行政许可", "12"],
        ["行政处罚", "3"],
    ]


def test_two_numbers_on_two_lines_of_a_cell_are_not_one_number() -> None:
    text = (
        "+--------+------+\n|  行政  |  1   |\n|  许可  |  9   |\n+--------+------+\n"
        "|  行政  |  3   |\n|  处罚  |      |\n+--------+------+\n"
    )
    (table,) = read_text(text).tables
    assert [[c.text for c in r] for r in table.rows] == [
        ["行政\n许可", "1\n9"],
        ["行政\n处罚", "3"],
    ]


# ----------------------------------------------------------------------------- markup left
_SPAN = '<span style="font-size:10.5pt;font-family:仿宋_GB2312">{}</span>'
_PANDOC = '[{}]{{style="font-size:10.5pt;font-family:仿宋_GB2312"}}'


@pytest.mark.parametrize("wrap", [_SPAN, _PANDOC], ids=["html-span", "pandoc-span"])
def test_markup_left_around_the_numbers(wrap: str) -> None:
    from nianbao.report import Report
    from nianbao.writing.writer import render

    for stem, gold in _golds():
        tab = render(Report.from_flat(gold), "tab").decode("utf-8")
        marked = re.sub(r"(?<=\t)([\d.]+)(?=\t|\n|$)", lambda m: wrap.format(m.group(1)), tab)
        assert marked != tab
        bad = _check(marked, gold)
        assert not bad, f"{stem}: " + "; ".join(bad[:5])


def test_markup_is_blanked_in_place_and_prose_brackets_stay() -> None:
    text = '行政事业性收费\t<span style="font-size:10.5pt">1816</span>\n\n「<机关名称>」<b>x</b>\n'
    doc = read_text(text)
    (table,) = doc.tables
    cell = table.rows[0][1]
    assert cell.text == "1816" and doc.text[cell.start : cell.end] == "1816"
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["「<机关名称>」   x"]


# ----------------------------------------------------------------------------- spacing lines
def _one_cell_per_line(gold: dict[str, Any], spacing: bool) -> str:
    """The page as get_text("\\n") prints a Word-made one: a line per cell, an empty line
    for an empty cell, and (``spacing``) a line of NBSP after every third value (the
    ``<p>&nbsp;</p>`` Word leaves in a cell); else an NBSP line stands for each empty cell."""
    out: list[str] = []
    n = 0
    for b in _blocks(_html(gold)):
        if isinstance(b, str):
            out.append(b)
            continue
        for *_, text in sorted(b[0]):
            if not text:
                out.append("" if spacing else "\u00a0")
                continue
            out.append(text)
            if spacing and re.fullmatch(r"[\d.]+", text):
                n += 1
                if n % 3 == 0:
                    out.append("\u00a0")
    return "\n".join(out) + "\n"


def test_nbsp_lines_after_values_are_spacing() -> None:
    for stem, gold in _golds():
        bad = _check(_one_cell_per_line(gold, spacing=True), gold)
        assert not bad, f"{stem}: " + "; ".join(bad[:5])


def test_nbsp_lines_that_are_the_empty_cells_stay_cells() -> None:
    from nianbao.readers.normalize import normalize_text
    from nianbao.readers.text import fold_spacing_lines

    for stem, gold in _golds():
        text = normalize_text(_one_cell_per_line(gold, spacing=False)).text
        assert fold_spacing_lines(text) == text, stem


def test_walls_that_do_not_line_up_are_read_as_before() -> None:
    """A row whose lines put their walls in different places (a stray pipe in a cell) is
    no grid to join: the lines are read one row each, as before."""
    text = (
        "+--------+------+\n|  行政  |  1   |\n|  许|可  |  9   |\n+--------+------+\n"
        "|  行政  |  3   |\n+--------+------+\n"
    )
    tables = read_text(text).tables
    assert [[[c.text for c in r] for r in t.rows] for t in tables] == [
        [["行政", "1"], ["许", "可", "9"]],
        [["行政", "3"]],
    ]


def test_a_page_layout_grid_around_the_report_and_its_grids() -> None:
    """The page's own layout table (a side bar column, a content column) drawn as a grid
    around the whole report, the report's grids inside its content cell (pandoc plain)."""
    for stem, gold in _golds()[:2]:
        inner = _framed_text(gold, "pandoc", True).split("\n")
        side = ["栏目导航", "政府信息公开年报"]
        width = max(sum(_w(ch, True) for ch in ln) for ln in inner) + 2
        out = ["+" + "-" * 20 + "+" + "-" * width + "+"]
        for k, ln in enumerate(inner):
            left = side[k] if k < len(side) else ""
            pad_l = 20 - 1 - sum(_w(ch, True) for ch in left)
            pad_r = width - 1 - sum(_w(ch, True) for ch in ln)
            out.append(f"| {left}{' ' * pad_l}| {ln}{' ' * pad_r}|")
        out.append(out[0])
        bad = _check("\n".join(out) + "\n", gold)
        assert not bad, f"{stem}: " + "; ".join(bad[:5])


def test_a_layout_row_holding_the_whole_page_on_one_line_is_prose() -> None:
    """trafilatura's text prints the page's layout table row (side bar | the report's prose)
    on one line, the report's tables after it as markdown rows."""
    for stem, gold in _golds()[:2]:
        from nianbao.report import Report
        from nianbao.writing.writer import render

        md = render(Report.from_flat(gold), "md").decode("utf-8")
        blocks = [b.strip() for b in md.split("\n\n") if b.strip()]
        prose = " ".join(b.lstrip("# ") for b in blocks if not b.startswith("|"))
        tables = "\n".join(b for b in blocks if b.startswith("|"))
        text = f"| 栏目导航 政府信息公开年报 | {prose} |\n{tables}\n"
        bad = _check(text, gold)
        assert not bad, f"{stem}: " + "; ".join(bad[:5])
