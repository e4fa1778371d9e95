"""表三 as one Markdown table under a header of numbered column names, its rows' labels
shortened (an LLM's transcription of a report page: ``| 项目 | 列1 | … | 列7 |`` over
``| 新收申请 | 705 | 3 | 0 | 0 | 5 | 0 | 713 |``).

The header's first word (项目, 类别) is one a table printed beside 表三 opens with (单位 |
新收申请 | 予以公开 …), and its numbered names name no column of 表三: the grid was taken
for another table and dropped whole. The reading by the form then found every row by its
label but the first, whose short label (新收申请) it does not know and whose place it does
not look at where no header word of the form stands before it: 一、本年新收's seven cells
were left out, said by nothing but R-ROW-MISSING, which blamed the report for a row it
prints (blindocr llm_md, seed 3: 14 cells silent, 2 false accusations).

A header of numbered names beside at most two other words (the label column's, a total's)
now tells no other table: the grid is read as 表三 by its rows, the short first label by
its place (R-LABEL-TYPO says so). Generated here over every gold: the writer's Markdown
with 表三 printed so, one naming of the columns and one shortening of the labels a copy,
drawn by a seeded draw. Every cell must read right, nothing be called missing.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from .blindocr import OTHER19, ROWS21
from .shapes import Rendering
from .shapes_eval import run_one
from .test_header_words import _markdown

# (the label column's word, a numbered name for column n, the total column's name)
NAMINGS: tuple[tuple[str, str, str], ...] = (
    ("项目", "列{n}", "列7"),
    ("类别", "数据{n}", "总计"),
    ("项目", "第{n}列", "第7列"),
)
_SHORT = {(lab or grp or top): shorts for _rid, top, grp, lab, shorts in [*ROWS21, OTHER19]}


def _one_table(text: str, naming: tuple[str, str, str], rng: random.Random) -> str | None:
    """The writer's 表三 as one table: the numbered header, each row its short label."""
    a = text.find("三、收到和处理政府信息公开申请情况")
    b = text.find("## 四、", a)
    if a < 0 or b < 0:
        return None
    first, name, total = naming
    out = [
        "三、收到和处理政府信息公开申请情况",
        "",
        "| " + " | ".join([first] + [name.format(n=n) for n in range(1, 7)] + [total]) + " |",
        "|" + "---|" * 8,
    ]
    for line in text[a:b].split("\n"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 10 or not any(cells[:3]):
            continue
        label = [c for c in cells[:3] if c][-1]
        if label not in _SHORT:
            continue  # (the header's rows)
        short = rng.choice(_SHORT[label] or (label,))
        vals = [v or "-" for v in cells[3:10]]
        out.append(f"| {short} | " + " | ".join(vals) + " |")
    return text[:a] + "\n".join(out) + "\n\n" + text[b:]


@pytest.mark.parametrize("seed", range(3))
def test_a_matrix_under_numbered_column_names_is_read(golds, seed: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    bad: list[str] = []
    tried = 0
    for stem, gold in golds:
        naming = NAMINGS[(seed + tried) % len(NAMINGS)]
        text = _one_table(_markdown(gold), naming, rng)
        if text is None:
            continue
        tried += 1
        s = run_one(Rendering(stem, "numbered-header", seed, "md", text, gold))
        bad += s.problems(f"{stem} {naming[1]}")
        if not s.refused and s.right != s.cells:
            bad.append(f"{stem} {naming[1]}: {s.cells - s.right} of {s.cells} cells not read")
    assert tried >= 2
    assert not bad, bad[:6]


def test_the_first_row_under_a_numbered_header_is_not_missing(golds) -> None:  # type: ignore[no-untyped-def]
    """The first row's label shortened past the form's words (新收申请): read or named,
    never missing, whatever the others."""
    bad: list[str] = []
    for stem, gold in golds:
        rng = random.Random(stem)
        for naming in NAMINGS:
            text = _one_table(_markdown(gold), naming, rng)
            if text is None:
                continue
            text = text.replace(f"| {_first_short(text)} |", "| 新收申请 |", 1)
            s = run_one(Rendering(stem, "numbered-header-new", 0, "md", text, gold))
            bad += s.problems(f"{stem} {naming[1]}")
    assert not bad, bad[:6]


def _first_short(text: str) -> Any:
    a = text.find("三、收到和处理政府信息公开申请情况")
    return next(
        line.split("|")[1].strip()
        for line in text[a:].split("\n")
        if line.startswith("| ")
        and any(line.split("|")[1].strip() == s for s in _SHORT["一、本年新收政府信息公开申请数量"])
    )
