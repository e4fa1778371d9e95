"""Crawled copies (``tests/crawlshapes.py``'s emulator) of pages an agency edited further
than the emulator's markup edits: 表三's columns really reordered (总计 first, 自然人 after
the 法人 columns) beside a 备注 column blank all down, a cell-a-line copy whose rows are
parted by empty lines and by lines of an NBSP alike, a pipe copy whose blank cells are a
pipe alone (``|``, the crawler having stripped the line) like the lines that open its rows.

Before their fixes (13 golds, the three crawler modes): the header row below 备注's lost its
last word (自然人 read as a remark: 845 cells silent of 7,662 in one order, 223 in another);
a header whose rows the copy shifted against the rows' numbers kept its cells' columns when
they gave the words' order (004: a cell silent); rows of 001 and 004 with 总计 first, their
label cells spanning other columns than their siblings', were placed by the majority of the
rows (sums blamed on the document); a column 情况说明 after the form's, blank all down, made
the rows one value longer than the header's words, and they were read in the form's order
(1,818 cells silent of 137,916 over three words, three orders, two header shapes); the rows an NBSP line parted ran together (sums blamed,
51 cells unread); a blank cell ``|`` opened a new row (8 cells unread). The NBSP test's
``plain`` and ``empty-p`` markups passed before too: they guard the cut against a cell's
own empty paragraph.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import lxml.html
import pytest
from lxml.html import HtmlElement

from . import crawlshapes as C
from .shapes import Rendering, sources
from .shapes_eval import copy_problems

_FORM = ("natural", "c0", "c1", "c2", "c3", "c4", "total")
_WORD = {"natural": "自然人", "total": "总计"}


def _reorder(body: HtmlElement, seq: tuple[str, ...], remark: str = "") -> None:
    """表三's seven value columns in the order ``seq``, its header in three rows (总计 beside
    申请人情况 when it ends or opens the columns), a column ``remark`` blank all down last."""
    t = C._tables(body).get("s3")
    assert t is not None
    rows = C._rows(t)
    lab_cs = int(rows[0][0].get("colspan", 1))
    head, data = rows[:3], rows[3:]
    for tr in head:
        t.remove(tr)
    inner, before, after = list(seq), [], []
    if seq[0] == "total":
        before, inner = ["total"], list(seq[1:])
    elif seq[-1] == "total":
        after, inner = ["total"], list(seq[:-1])
    r1 = [C._td(C._NOTE, 3, lab_cs)] + [C._td(_WORD[s], 3) for s in before]
    r1 += [C._td("申请人情况", 1, len(inner))] + [C._td(_WORD[s], 3) for s in after]
    if remark:
        r1.append(C._td(remark, 3))
    r2 = [
        C._td("法人或其他组织", 1, 5) if s == "c0" else C._td(_WORD[s], 2)
        for s in inner
        if s == "c0" or not s.startswith("c")
    ]
    for tr in (C._tr(*r1), C._tr(*r2), C._tr(*[C._td(x) for x in C._CORP])):
        data[0].addprevious(tr)
    for tr in data:
        vals = [td for td in tr if isinstance(td.tag, str)][-7:]
        by = dict(zip(_FORM, vals))
        for td in vals:
            tr.remove(td)
        for s in seq:
            tr.append(by[s])
        if remark:
            tr.append(C._td(""))


def _blank(g: dict[str, Any], row: str, col: str) -> dict[str, Any]:
    g = dict(g)
    k = f"requests.{row}.{col}"
    g[k] = None
    g["blank"] = list(g.get("blank") or []) + [k]
    return g


def _crawl(
    stem: str,
    g: dict[str, Any],
    mode: str,
    page: Callable[[HtmlElement, random.Random], None] | None = None,
    text: Callable[[str, random.Random], str] | None = None,
    tag: str = "",
) -> Rendering:
    from nianbao.report import Report
    from nianbao.writing.writer import render

    rng = random.Random(f"0|{stem}|{mode}")
    doc = lxml.html.fromstring(render(Report.from_flat(g), "html").decode("utf-8"))
    if page is not None:
        page(doc.find("body"), rng)
    out = C.Crawler(mode, rng).page(lxml.html.tostring(doc, encoding="unicode"))
    if text is not None:
        out = text(out, rng)
    expected = {k: v for k, v in g.items() if k != "notes"}
    expected["blank"] = list(g.get("blank") or [])
    # a gold edited (a cell blanked) earns other sums itself: its own name
    return Rendering(
        gold=f"{stem}#{tag}" if tag else stem,
        shape="variant",
        seed=0,
        base=mode,
        text=out,
        expected=expected,
    )


def _nbsp_rows(text: str, rng: random.Random) -> str:
    """Half the empty lines between two rows of a cell-a-line table an NBSP line."""
    lines = text.split("\n")
    for k in range(1, len(lines) - 1):
        if lines[k] == "" and lines[k + 1].startswith("\t") and rng.random() < 0.5:
            lines[k] = "\u00a0"
    return "\n".join(lines)


def _bare_blank_pipes(text: str, rng: random.Random) -> str:
    """Blank cells ``|`` (the line stripped), as the lines that open the rows."""
    return "\n".join(ln.lstrip(" ") if ln.startswith(" |") else ln for ln in text.split("\n"))


def _check(renderings: list[Rendering], whole: bool = True) -> None:
    """No cell silent, no false accusation; with ``whole``, every cell right (else the
    cells not right are named by a finding: a 0 alone in a row of blank cells, whose
    windows put it in 总计 or in the column before, is named, as the sums cannot say)."""
    bad = copy_problems(renderings, whole)
    assert not bad, "\n".join(bad[:20])


def _need_golds() -> None:
    if len(sources()) <= 2:
        pytest.skip("shared samples not available")


_NAT_AFTER = ("c0", "c1", "c2", "c3", "c4", "natural", "total")
_TOTAL_NAT = ("c0", "c1", "c2", "c3", "c4", "total", "natural")
_TOTAL_FIRST = ("total", "natural", "c0", "c1", "c2", "c3", "c4")


@pytest.mark.parametrize(
    ("seq", "remark"),
    [
        (_NAT_AFTER, "备注"),
        (_TOTAL_NAT, "备注"),
        (_TOTAL_FIRST, "备注"),
        (_NAT_AFTER, "情况说明"),
        (_TOTAL_NAT, "情况说明"),
    ],
)
def test_reordered_columns_beside_a_blank_remarks_column(seq: tuple[str, ...], remark: str) -> None:
    """The header's row below 备注's keeps its last word (自然人 is no remark); a column of
    the copy's own after the form's (情况说明, no remark word the reading knows) is the
    rows' blank last cell, their numbers read under the header's words, never left to the
    form's order: every cell right, in every crawler mode."""
    _need_golds()
    _check(
        [
            _crawl(stem, g, mode, lambda b, _r: _reorder(b, seq, remark))
            for stem, g in sources()
            for mode in C.MODES
        ],
        whole=seq == _NAT_AFTER,
    )


def test_total_first_rows_are_placed_by_their_sums_where_siblings_cannot() -> None:
    """总计 first, most cells blank (001, 004): a row whose label cells span other columns
    than the majority's is placed where its 总计 equals its parts (said so), never blamed;
    a 0 alone is named."""
    _need_golds()
    _check(
        [
            _crawl(stem, g, mode, lambda b, _r: _reorder(b, _TOTAL_FIRST))
            for stem, g in sources()
            for mode in C.MODES
        ],
        whole=False,
    )


@pytest.mark.parametrize("markup", ["plain", "padded", "empty-p"])
def test_cell_a_line_rows_parted_by_empty_and_nbsp_lines(markup: str) -> None:
    """A cell-a-line copy whose rows are parted by an empty line or an NBSP line alike:
    a row longer than every other is cut at its NBSP lines, a cell's empty paragraph
    (Word's ``<p>&nbsp;</p>``) stays no cut."""
    _need_golds()
    edit = {"plain": None, "padded": C._padded, "empty-p": C._empty_paragraphs}[markup]
    page = None if edit is None else (lambda b, r: edit(b, r, []))
    _check([_crawl(stem, g, "cells", page, _nbsp_rows) for stem, g in sources()])


def test_a_blank_cell_written_as_a_pipe_alone_is_no_new_row() -> None:
    """A pipe copy whose blank cells are ``|`` as its rows' openings: a pipe alone before a
    number or another pipe alone is a blank cell (自然人 blank in 一、, 总计 filled)."""
    _need_golds()
    _check(
        [
            _crawl(stem, _blank(g, "new", "natural"), "pipes", None, _bare_blank_pipes, "blank")
            for stem, g in sources()
        ]
    )
