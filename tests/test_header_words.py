"""Column names carrying a number (数据1, 列2, 第1列, 栏目3 …) are never values.

An OCR engine's Markdown of a report (the peer sample shuyang-2025-ocr) prints each row of
表三 as a table of its own under the row's heading, headed ``类别 | 数据1 | … | 数据6 | 总计``.
With section 三's heading worded otherwise than the form's, the reading by the form took the
1 of 数据1 for 上年结转's 总计, and R-SUM-ROW and R-BALANCE blamed the document for it.

Generated here over every gold: 表三 printed a row a block, each block under the row's label
as a heading and a header of numbered column names (one naming scheme a copy, picked by a
seeded draw), section 三's heading as the form words it or reworded. Every cell must read
right, nothing be called missing, no sum error the gold does not raise be made.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from .shapes import Rendering
from .shapes_eval import run_one

# how a copy names the numbered columns: (a name for column n, the total's name)
NAMINGS: tuple[tuple[str, str], ...] = (
    ("数据{n}", "总计"),
    ("数据{n}", "数据7"),
    ("列{n}", "总计"),
    ("第{n}列", "总计"),
    ("第{n}列", "第7列"),
    ("栏目{n}", "合计"),
    ("字段{n}", "总计"),
    ("指标{n}", "指标7"),
    ("甲{n}", "甲7"),
)
_REWORDED = "三、依申请公开政府信息情况"


def _markdown(gold: dict[str, Any]) -> str:
    from nianbao.report import Report
    from nianbao.writing.writer import render

    return render(Report.from_flat(gold), "md").decode("utf-8")


def _row_blocks(text: str, naming: tuple[str, str], reword: bool, group: bool) -> str | None:
    """表三 of the writer's Markdown, each row a block: its label as a heading (with its
    group's label when ``group``), a header of numbered column names, the row."""
    a = text.find("三、收到和处理政府信息公开申请情况")
    b = text.find("## 四、", a)
    if a < 0 or b < 0:
        return None
    name, total = naming
    head = "| 类别 | " + " | ".join(name.format(n=n) for n in range(1, 7)) + f" | {total} |"
    out: list[str] = []
    grp = ""
    for line in text[a:b].split("\n"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 10 or not any(cells[:3]) or not re.fullmatch(r"[\d.]*", cells[3]):
            continue  # (the header, a separator)
        label = [c for c in cells[:3] if c][-1]
        # the group (（三）不予公开) of the rows that have one
        grp = (cells[1] or grp) if cells[2] else ""
        shown = f"{grp} {label}" if group and grp else label
        out += [
            f"### {shown}",
            head,
            "|" + "---|" * 8,
            f"| {label} | " + " | ".join(cells[3:10]) + " |",
            "",
        ]
    if not out:
        return None
    heading = _REWORDED if reword else "三、收到和处理政府信息公开申请情况"
    return text[:a] + heading + "\n\n" + "\n".join(out) + "\n" + text[b:]


def test_numbered_column_names_are_no_values() -> None:
    from nianbao.extraction.form.tokens import tokenize

    line = "| 类别 | 数据1 | 数据2 | 数据3 | 总计 |\n第1列 第2列\n甲1\t甲2\n"
    assert [t.text for t in tokenize(line, 0, len(line)) if t.kind == "v"] == []
    # a number standing apart, or glued to a row's label (a flattened copy), stays a value
    for text, values in (
        ("本年新收政府信息公开申请数量705", ["705"]),
        ("数量 1 数量 2", ["1", "2"]),
        ("行政许可 12 行政处罚 13", ["12", "13"]),
    ):
        assert [t.text for t in tokenize(text, 0, len(text)) if t.kind == "v"] == values


@pytest.mark.parametrize("seed", range(4))
def test_rows_headed_by_numbered_column_names(golds, seed: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    bad: list[str] = []
    tried = 0
    for stem, gold in golds:
        if rng.random() < 0.5:
            continue  # (a sample of the golds each seed: the four seeds cover them)
        naming = rng.choice(NAMINGS)
        reword, group = rng.random() < 0.7, rng.random() < 0.5
        text = _row_blocks(_markdown(gold), naming, reword, group)
        if text is None:
            continue
        tried += 1
        s = run_one(Rendering(stem, "header-words", seed, "md", text, gold))
        what = f"{stem} {naming[0]} reworded={reword} group={group}"
        bad += s.problems(what)
        if s.refused:
            continue
        if s.right != s.cells:
            bad.append(f"{what}: {s.cells - s.right} of {s.cells} cells not read")
    assert tried >= 2
    assert not bad, bad[:6]
