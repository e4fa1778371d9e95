"""A sentence of prose put before, inside or after 表三 in the text copies of every gold
(the writer's ``tab`` text and the fuzzer's pipe-bare, cell-pipe, cell-blank, cell-bar and
flat shapes): 「本年度共收到申请19件，其中自然人12件，法人7件，办结率100%。」 after 表三's
heading, after a row's label line (between the label and its values in the one-cell-a-line
shapes), or before 表四's heading. Every table cell must come back right or be named by a
finding: a blank cell is never read as 0. In a cell-pipe copy the sentence cut a row after
its label; the rest of the row (`` |`` lines up to a line of pipes alone) was read with its
first blank cell taken for the row's opening pipe, its values one column to the left (a
total of 0 read as the 其他 column's, no finding)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from nianbao.report import Report
from nianbao.writing.writer import render

from .shapes import Rendering, render_shape, sources
from .shapes_eval import run_one

SHAPES = ("tab", "pipe-bare", "cell-pipe", "cell-blank", "cell-bar", "flat")
PLACES = ("before", "inside", "after")
SENTENCE = "本年度共收到申请19件，其中自然人12件，法人7件，办结率100%。"
_S3_HEAD = re.compile(r"^\W*三、收到和处理")
_S4_HEAD = re.compile(r"^\W*四、[^|\t]*行政复议")
_ROWS = ("上年结转", "（一）予以公开", "1.属于国家秘密", "1.本机关不掌握")


def _rendering(stem: str, gold: dict, shape: str) -> Rendering:
    if shape != "tab":
        return render_shape(gold, shape, 0, stem=stem)
    r = render_shape(gold, "pipe-bare", 0, stem=stem)
    return replace(r, text=render(Report.from_flat(gold), "tab").decode("utf-8"))


def _with_prose(text: str, place: str) -> str | None:
    """``text`` with the sentence put at ``place``; None where the place is not a line."""
    lines = text.split("\n")
    if place == "before":
        at = [i + 1 for i, ln in enumerate(lines) if _S3_HEAD.match(ln)][:1]
    elif place == "after":
        at = [i for i, ln in enumerate(lines) if _S4_HEAD.match(ln)][:1]
    else:
        at = [
            i + 1
            for i, ln in enumerate(lines)
            if any(ln.lstrip(" |").startswith(r) or r in ln[:40] for r in _ROWS)
        ][:4]
    if not at:
        return None
    for i in sorted(at, reverse=True):
        lines[i:i] = ["", SENTENCE]
    return "\n".join(lines)


@pytest.mark.parametrize("place", PLACES)
def test_prose_around_and_inside_requests_table(place: str) -> None:
    found = sources()
    if len(found) < 3:
        pytest.skip("../shared/samples is not beside the checkout")
    problems: list[str] = []
    tried = 0
    for stem, gold in found:
        if not any(k.startswith("requests.") for k in gold):
            continue
        for shape in SHAPES:
            r = _rendering(stem, gold, shape)
            text = _with_prose(r.text, place)
            if text is None:
                continue
            tried += 1
            s = run_one(replace(r, text=text))
            problems += s.problems(f"{stem} {shape} {place}")
    assert tried >= 30
    assert not problems, "\n".join(problems[:40])
