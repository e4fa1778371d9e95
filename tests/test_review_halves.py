"""表四 printed in halves: each gold's 表四 laid out as the 行政复议 half and the 行政诉讼 half
under headers of their own — two tables in the form's order or the other way round, a page
number between them, the 行政诉讼 half with 复议后起诉 before 未经复议直接起诉, or one half
alone (the other lost after a page break or in the copying) — as tab rows, pipe rows, one
cell a line, cells parted by spaces, and HTML tables. Each number goes where the header
above it says; the cells of a group no header names are named unread, never filled by
another group's numbers in the form's order (the 行政诉讼 half alone was read into 行政复议's
fields and 复议后起诉's left blank; the halves the other way round swapped the groups,
silently; parted by spaces, the layout reading filled the halves in the form's order and the
reading by their headers, which only filled empty cells, lost: a group's sum was blamed on
the document).

Reproduce one: ``_rendering(stem, gold, shape, style)`` below."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

import nianbao
from nianbao.report import Report
from nianbao.writing.writer import render

from .copyshapes import _sections, _table_span
from .gold import flatten, same
from .shapes import Rendering, sources
from .shapes_eval import named, score

SOURCES = sources()
_RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
_GROUPS = {
    "recon": ("reconsideration",),
    "lit": ("litigation_direct", "litigation_after"),
    "swapped": ("litigation_after", "litigation_direct"),
}
# (the halves in their order, a page number between them)
SHAPES: dict[str, tuple[tuple[str, ...], bool]] = {
    "two": (("recon", "lit"), False),
    "two-reversed": (("lit", "recon"), False),
    "two-paged": (("recon", "lit"), True),
    "litigation-swapped": (("recon", "swapped"), False),
    "litigation-only": (("lit",), False),
    "reconsideration-only": (("recon",), False),
}
STYLES = ("tab", "pipe", "line", "spaced", "html")


class _HtmlRendering(Rendering):
    @property
    def name(self) -> str:
        return f"{self.gold}-{self.shape}.html"


def _half(half: str, vals: dict[str, list[str]]) -> list[list[tuple[str, int]]]:
    """A half's rows of (cell text, columns it spans): its header, then its value row."""
    groups = _GROUPS[half]
    if half == "recon":
        return [[("行政复议", 5)], [(w, 1) for w in _RESULTS], [(v, 1) for v in vals[groups[0]]]]
    names = {"litigation_direct": "未经复议直接起诉", "litigation_after": "复议后起诉"}
    return [
        [("行政诉讼", 10)],
        [(names[g], 5) for g in groups],
        [(w, 1) for _ in groups for w in _RESULTS],
        [(v, 1) for g in groups for v in vals[g]],
    ]


def _text_lines(rows: list[list[tuple[str, int]]], style: str) -> list[str]:
    out: list[str] = []
    for row in rows:
        cells = [c for text, span in row for c in [text] + [""] * (span - 1)]
        if style == "tab":
            out.append("\t".join(cells))
        elif style == "pipe":
            out.append("| " + " | ".join(cells) + " |")
        elif style == "spaced":  # cells parted by two spaces, a merged cell's slots left out
            out.append("  ".join(c for c in cells if c.strip()))
        else:  # one cell a line, a blank line after each row
            out += [("\t" + c).rstrip() for c in cells] + [""]
    return out


def _html_table(rows: list[list[tuple[str, int]]]) -> str:
    return (
        '<table border="1">'
        + "".join(
            "<tr>"
            + "".join(
                f'<td colspan="{span}">{html.escape(t)}</td>'
                if span > 1
                else f"<td>{html.escape(t)}</td>"
                for t, span in row
            )
            + "</tr>"
            for row in rows
        )
        + "</table>"
    )


def _rendering(
    stem: str, gold: dict[str, Any], shape: str, style: str, extra: str | None = None
) -> Rendering:
    """``gold`` with its 表四 printed as ``shape``'s halves in ``style``; ``extra``: each half
    with a caption naming both halves above it ("caption") or a note line under it ("note")."""
    halves, paged = SHAPES[shape]
    report = Report.from_flat(gold)
    lines = render(report, "tab").decode("utf-8").split("\n")
    sec = _sections(lines)
    a, b = _table_span(lines, sec["s4"], sec["s5"])
    cells = lines[b - 1].split("\t")
    assert len(cells) == 15, cells
    vals = {g: cells[n * 5 : n * 5 + 5] for n, g in enumerate(_GROUPS["recon"] + _GROUPS["lit"])}
    tables = [_half(h, vals) for h in halves]
    expected = {k: v for k, v in gold.items() if k != "notes"}
    expected["blank"] = list(gold.get("blank") or [])
    said = _CAPTION if extra == "caption" else _NOTE
    if style == "html":
        page = render(report, "html").decode("utf-8")
        at = page.find("<table", page.find("四、政府信息公开行政复议"))
        end = page.find("</table>", at) + len("</table>")
        parts = []
        for h, t in zip(halves, tables, strict=True):
            row = [[(said, 5 if h == "recon" else 10)]]
            parts.append(
                _html_table(t if extra is None else row + t if extra == "caption" else t + row)
            )
        if paged:
            parts.insert(1, "<p>- 3 -</p>")
        page = page[:at] + "\n".join(parts) + page[end:]
        return _HtmlRendering(stem, shape, 0, "html", page, expected)
    new: list[str] = []
    for n, t in enumerate(tables):
        if n and paged:
            new += ["- 3 -", ""]
        body = _text_lines(t, style)
        if extra is not None:
            body = [said, *body] if extra == "caption" else [*body, said]
        new += body + [""]
    lines[a:b] = new
    return Rendering(stem, shape, 0, style, "\n".join(lines), expected)


def _need_golds() -> None:
    if len(SOURCES) < 3:
        pytest.skip("../shared/samples is not beside the checkout")


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_review_halves_go_where_their_headers_say(shape: str, style: str) -> None:
    _need_golds()
    shown = tuple(f"reviews.{g}." for h in SHAPES[shape][0] for g in _GROUPS[h])
    for stem, gold in SOURCES:
        r = _rendering(stem, gold, shape, style)
        out = nianbao.parse(r.data, name=r.name).to_dict()
        s = score(r, out)
        assert not s.problems(stem), s.problems(stem)
        flat = flatten({"reviews": out["reviews"]})
        for k in (k for k in r.table_ids() if k.startswith("reviews.")):
            if k.startswith(shown):  # every cell of the halves shown is read
                # (one cell a line, a row's blank cells show only as blank lines, and cells
                # parted by spaces, blank cells not shown at all, may not place its numbers:
                # named then)
                ok = same(r.expected_value(k), flat.get(k))
                loose = style in ("line", "spaced")
                assert ok or loose and named(out["findings"], k), (stem, k, flat.get(k))
            else:  # the others named unread, never filled
                assert flat.get(k) is None and named(out["findings"], k), (stem, k)


def test_the_litigation_half_alone_names_the_other_group() -> None:
    """The 行政诉讼 half alone: its ten numbers read into 未经复议直接起诉 and 复议后起诉, and
    行政复议's five cells named unread by a finding of the tool's own limit."""
    text = (
        "某县财政局2024年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n"
        "行政诉讼\n未经复议直接起诉\t\t\t\t\t复议后起诉\n"
        + "\t".join(_RESULTS * 2)
        + "\n1\t0\t0\t2\t3\t4\t0\t1\t0\t5\n五、存在的主要问题及改进情况\n无。\n"
    )
    out = nianbao.parse(text.encode(), name="x.txt").to_dict()
    rv = out["reviews"]
    assert rv["litigation_direct"] == {
        "upheld": 1,
        "corrected": 0,
        "other": 0,
        "pending": 2,
        "total": 3,
    }
    assert rv["litigation_after"] == {
        "upheld": 4,
        "corrected": 0,
        "other": 1,
        "pending": 0,
        "total": 5,
    }
    recon = {
        f"reviews.reconsideration.{x}" for x in ("upheld", "corrected", "other", "pending", "total")
    }
    assert not any((rv.get("reconsideration") or {}).values())
    unread = {c for f in out["findings"] if f["rule"] == "R-UNREAD" for c in f.get("cells") or []}
    assert recon <= unread
    assert not any(
        f["rule"].startswith(("R-TABLE-MISSING", "R-ROW-MISSING")) for f in out["findings"]
    )
    assert not re.search("缺少表四", " ".join(f["message"] for f in out["findings"]))


_CAPTION = "政府信息公开行政复议、行政诉讼情况"
_NOTE = "注：本年度无行政复议案件。"


@pytest.mark.parametrize("style", ["tab", "html"])
@pytest.mark.parametrize("extra", ["caption", "note"])
@pytest.mark.parametrize("shape", ["two-reversed", "litigation-swapped"])
def test_a_caption_or_note_beside_each_half_names_no_group(
    shape: str, extra: str, style: str
) -> None:
    """Each half printed with a caption naming both (政府信息公开行政复议、行政诉讼情况) above
    it, or a note line (注：本年度无行政复议案件。) under it: neither is a header of the next
    half (its 行政复议 made the 行政诉讼 half's groups three, and the table was read in the
    form's order: the halves' numbers in each other's groups, silently)."""
    _need_golds()
    for stem, gold in SOURCES:
        r = _rendering(stem, gold, shape, style, extra)
        out = nianbao.parse(r.data, name=r.name).to_dict()
        s = score(r, out)
        assert not s.problems(stem), s.problems(stem)
        flat = flatten({"reviews": out["reviews"]})
        for k in (k for k in r.table_ids() if k.startswith("reviews.")):
            assert same(r.expected_value(k), flat.get(k)), (stem, k, flat.get(k))


@pytest.mark.parametrize("style", ["tab", "pipe", "html"])
@pytest.mark.parametrize("name", ["apart", "lost"])
def test_halves_the_other_way_round_named_by_captions_apart(name: str, style: str) -> None:
    """The halves the other way round (行政诉讼's table first), each group's name a caption
    line of its own above its table rather than a row of it ("apart"), or 行政复议's caption
    lost ("lost"): the 行政复议 half's header names no group. It was read with the 行政诉讼
    half in the form's order — every number in another group's cell, silently (11 of 15
    wrong). Now the caption names the half; without it the half is unread and named."""
    _need_golds()
    for stem, gold in SOURCES:
        r = _rendering(stem, gold, "two-reversed", style)
        captions = {"行政诉讼": "行政诉讼", "行政复议": "行政复议" if name == "apart" else ""}
        text = r.text
        for group, span in (("行政诉讼", 10), ("行政复议", 5)):
            if style == "html":
                row = f'<tr><td colspan="{span}">{group}</td></tr>'
                at = text.find(row)
                at = text.rfind("<table", 0, at)
                caption = f"<p>{captions[group]}</p>" if captions[group] else ""
                text = text[:at] + caption + text[at:].replace(row, "", 1)
            elif style == "tab":
                text = text.replace(group + "\t" * (span - 1), captions[group])
            else:
                text = text.replace("| " + group + " |" + "  |" * (span - 1), captions[group])
        r = Rendering(r.gold, r.shape, 0, r.base, text, r.expected)
        out = nianbao.parse(r.data, name=r.name).to_dict()
        s = score(r, out)
        assert not s.problems(stem), s.problems(stem)
        flat = flatten({"reviews": out["reviews"]})
        for k in (k for k in r.table_ids() if k.startswith("reviews.")):
            if name == "apart" or not k.startswith("reviews.reconsideration."):
                assert same(r.expected_value(k), flat.get(k)), (stem, k, flat.get(k))
            else:
                assert flat.get(k) is None and named(out["findings"], k), (stem, k)
