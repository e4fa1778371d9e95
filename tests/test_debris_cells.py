"""A cell of 表二 or 表三 holding residue instead of a number (``?``, ``x``, ``*``, ``#``,
``A``, ``N/A``, 不详, 暂无, ``？``: OCR or copy debris, or a word for an unknown figure), over
every row of every gold in the writer's styles and the shapes whose cells keep their places
(``tests.debris``). The cell was taken for a label cell and dropped: the row's later numbers
moved left into the wrong columns, silently (「规章 | x | 3 | 5」 read 本年制发 3, 本年废止 5),
and in 表三 a number moved into 自然人 earned the row R-SUM-ROW / R-SUM-RESULTS it does not
deserve. The cell keeps its column: its value is unread (R-UNREAD shows the text found), the
other cells read right, and no finding blames the document for it."""

from __future__ import annotations

import pytest

import nianbao
from nianbao.report import Report
from nianbao.writing.writer import render

from .debris import TOKENS, edits, judge


@pytest.mark.parametrize("token", TOKENS)
def test_a_debris_cell_is_unread_in_its_column(golds, token: str) -> None:  # type: ignore[no-untyped-def]
    tried = 0
    bad: list[str] = []
    # (one style a copy, and every other copy, the half each token takes differing: the
    # whole set, ``python -m tests.debris``, takes minutes)
    half = TOKENS.index(token) % 2
    for n, d in enumerate(edits((token,), per=1)):
        if n % 2 != half:
            continue
        v = judge(d)
        tried += 1
        found = (
            v.wrong + v.false + v.blamed + (["debris cell not named unread"] if v.unnamed else [])
        )
        bad += [f"{d.edit.stem} {d.edit.shape} {d.edit.what}: {b}" for b in found[:2]]
    assert tried >= 140
    assert not bad, f"{len(bad)} bad:\n" + "\n".join(bad[:10])


@pytest.mark.parametrize("style", ["tab", "lines", "pipe"])
def test_the_finding_shows_the_text_found(golds, style: str) -> None:  # type: ignore[no-untyped-def]
    """「规章 | x | 3 | 5」: 本年制发 unread (R-UNREAD quoting 「x」), 本年废止 3, 现行有效 5."""
    _, gold = golds[0]
    text = render(Report.from_flat(gold), style).decode("utf-8")
    sep = {"tab": "\t", "lines": "\n\t", "pipe": " | "}[style]
    row = "规章" + sep + sep.join(str(gold[f"active.regulations.{c}"]) for c in _COLS)
    assert row in text
    rep = nianbao.parse(text.replace(row, "规章" + sep + sep.join(["x", "3", "5"])).encode())
    assert [rep.get(f"active.regulations.{c}") for c in _COLS] == [None, 3, 5]
    unread = [f for f in rep.findings if f.rule == "R-UNREAD"]
    assert any("active.regulations.issued" in f.cells and "「x」" in f.message for f in unread)
    assert "active.regulations.issued" in rep.layout["unread"]
    assert not [f for f in rep.findings if f.rule == "R-BLANK-CELL"]


_COLS = ("issued", "repealed", "in_force")
