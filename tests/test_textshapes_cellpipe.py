"""Copies of a report's tables printed one cell a line, each cell closed by a pipe
(``text |``, a blank cell `` |``), the rows bounded by lines of pipes alone (``||||``): the
fuzzer's cell-pipe shape. Every gold is rendered in it and then every label cell is wrapped
(its text broken over two lines, or printed one character a line), so that every row whose
first value cells are blank has a label line without a pipe just before the blank cells'
lines. Every table cell must come back right or be named by a finding: the pipe-only lines
are no cells, a bare `` |`` is a blank cell (not a row's opening), and a label's lines
without a pipe are the start of the next cell."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from .shapes import render_shape, sources
from .shapes_eval import run_one

SEEDS = (0, 1)
_CELL_LINE = re.compile(r"^(?P<text>.*\S) \|$")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]）|\d+[.、．])")


def _wrapped(label: str, stacked: bool) -> str:
    """``label`` over two lines (after its ordinal and two more characters) or one
    character a line (labels of at most 12 characters, as the fuzzer stacks them)."""
    if stacked and len(label) <= 12:
        return "\n".join(label)
    m = _ORDINAL.match(label)
    cut = (m.end() if m else 0) + 2
    return label if cut >= len(label) - 1 else label[:cut] + "\n" + label[cut:]


def _wrap_labels(text: str, stacked: bool) -> str:
    out = []
    for line in text.split("\n"):
        m = _CELL_LINE.match(line)
        if m and re.search(r"[\u4e00-\u9fff]", m["text"]) and not re.search(r"\d", m["text"]):
            line = _wrapped(m["text"], stacked) + " |"
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("stacked", [False, True])
def test_wrapped_labels_before_blank_cells_between_rules_of_pipes(stacked: bool) -> None:
    found = sources()
    if len(found) < 3:
        pytest.skip("../shared/samples is not beside the checkout")
    problems: list[str] = []
    tried = 0
    for seed in SEEDS:
        for stem, gold in found:
            r = render_shape(gold, "cell-pipe", seed, stem=stem)
            text = _wrap_labels(r.text, stacked)
            assert text != r.text
            tried += 1
            s = run_one(replace(r, text=text))
            problems += s.problems(f"{stem} seed {seed}")
    assert tried >= 20
    assert not problems, "\n".join(problems[:20])


def test_a_rule_of_pipes_is_no_cell_and_a_bare_pipe_after_it_is_a_blank_cell() -> None:
    from nianbao.readers.document import Table
    from nianbao.readers.text import text_to_blocks

    text = (
        "||||\n一、本年新收政府信息公开申请数量 |\n3 |\n |\n3 |\n"
        "|||\n二、上年结转政府信\n息公开申请数量 |\n |\n |\n0 |\n||||||\n"
    )
    tables = [b for b in text_to_blocks(text) if isinstance(b, Table)]
    assert [[c.text for c in row] for t in tables for row in t.rows] == [
        ["一、本年新收政府信息公开申请数量", "3", "", "3"],
        ["二、上年结转政府信\n息公开申请数量", "", "", "0"],
    ]
