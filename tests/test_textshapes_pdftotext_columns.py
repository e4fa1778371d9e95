"""pdftotext's default mode where 表三 has blank cells: each cell a paragraph of its own, a
blank cell printing nothing, runs of rows printed column by column (a paragraph of k
lines a column) right after one row's label. The blank lines between paragraphs are no
blank cells there: counted as blank cells (the table's smallest break being one line, in
the column paragraphs), a row of four numbers (8, 2, 0, 10) read as 8 空 2 空 0 空 10, and
a blank row's label before another run's numbers took them, silently.

Generated from the golds with random blank cells (a 0 of the gold made blank, whole
columns or scattered), k random, the label before a run its first row's, another's, or
none, both layouts; every cell must come back right or be named by a finding, and nothing
may be called missing. Also the shapes of the writer's own PDF through pdftotext: the first
rows' numbers among the header's words, and 表二's （一） item's numbers after its column
words.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

import nianbao
from nianbao.schema import COLUMNS, REQUEST_ROW_LABELS

from .test_text_grid import _check
from .test_textshapes_pdftotext import (
    HEADER,
    _cell,
    _golds,
    _paras,
    _rows,
    _with_table,
)


def _blanked(gold: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """``gold`` with some of 表三's 0s blank (whole columns, or scattered): the sums hold."""
    g = dict(gold)
    rows = _rows("2019" if "requests.other.total" in g else "2021")
    if rng.random() < 0.3:
        cells = [
            f"requests.{r}.{c}" for c in rng.sample(COLUMNS[:6], rng.randint(1, 4)) for r in rows
        ]
        p = 1.0
    else:
        cells = [f"requests.{r}.{c}" for r in rows for c in COLUMNS]
        p = rng.choice([0.2, 0.5, 0.9])
    for k in cells:
        if g.get(k) == 0 and rng.random() < p:
            g[k] = None
    return g


def _columns_default(gold: dict[str, Any], rng: random.Random) -> str:
    """表三 in pdftotext's default mode: runs of k rows column by column (a column a
    paragraph of up to k lines, a blank cell nothing, a column of blanks no paragraph),
    the label before a run its first row's (mostly), its last's, another's or none, the
    other labels after the table; single rows each cell a paragraph, their label before
    them (or after the table)."""
    rows = _rows("2019" if "requests.other.total" in gold else "2021")
    out = ["三、收到和处理政府信息公开申请情况", "\n".join(HEADER)]
    tail: list[str] = []
    i = 0
    while i < len(rows):
        k = 1 if rng.random() < 0.3 else min(rng.randint(2, 6), len(rows) - i)
        group = rows[i : i + k]
        i += k
        vals = [[_cell(gold.get(f"requests.{r}.{c}")) for c in COLUMNS] for r in group]
        if k == 1:
            (tail if rng.random() < 0.15 else out).append(REQUEST_ROW_LABELS[group[0]])
            out += [v for v in vals[0] if v]
            continue
        said = group[0] if rng.random() < 0.7 else rng.choice([None, group[-1], rng.choice(group)])
        tail += [REQUEST_ROW_LABELS[r] for r in group if r != said]
        if said is not None:
            out.append(REQUEST_ROW_LABELS[said])
        blocks = ["\n".join(v for v in (row[c] for row in vals) if v) for c in range(len(COLUMNS))]
        out += [b for b in blocks if b]
    return _with_table(gold, _paras(*out, *tail) + "\n\n")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_column_runs_with_blank_cells_are_right_or_named(seed: int) -> None:
    """Every cell right or named, nothing called missing (the old reading put 16 to 23
    cells in the wrong place silently in 100 such texts)."""
    rng = random.Random(seed)
    for stem, gold in _golds():
        for _ in range(4):
            g = _blanked(gold, rng)
            text = _columns_default(g, rng)
            bad = _check(text, g, strict=False)
            assert not bad, f"{stem} seed {seed}: " + "; ".join(bad[:5])


def test_a_row_of_paragraphs_short_of_its_blanks_is_not_read_by_blank_lines() -> None:
    """A single row, each number a paragraph, in a table whose column runs make one line
    the smallest break: 8, 2, 0, 10 with three blank cells is not 8 空 2 空 0 空 10 (the blank
    lines part paragraphs); where the blanks stand, its sum does not say: named."""
    stem, gold = next((s, g) for s, g in _golds() if s.startswith("invented-2021"))
    g = dict(gold)
    g.update(
        {
            f"requests.other.no_correction.{c}": v
            for c, v in zip(COLUMNS, [8, 2, None, 0, None, None, 10])
        }
    )
    for r in ("processed_total", "new"):  # the column sums hold
        g[f"requests.{r}.natural"] += 8 - gold["requests.other.no_correction.natural"]
    rows = _rows("2021")
    out = ["三、收到和处理政府信息公开申请情况", "\n".join(HEADER)]
    first = rows[:3]  # a run of three rows column by column after the first's label
    out.append(REQUEST_ROW_LABELS[first[0]])
    out += ["\n".join(_cell(g.get(f"requests.{r}.{c}")) for r in first) for c in COLUMNS]
    for rid in rows[3:]:
        out += [REQUEST_ROW_LABELS[rid]] + [
            v for v in (_cell(g.get(f"requests.{rid}.{c}")) for c in COLUMNS) if v
        ]
    text = _with_table(g, _paras(*out, *(REQUEST_ROW_LABELS[r] for r in first[1:])) + "\n\n")
    rep = nianbao.parse(text.encode("utf-8"))
    got = [rep.get(f"requests.other.no_correction.{c}") for c in COLUMNS]
    assert got in ([None] * 7, [8, 2, None, 0, None, None, 10]), got
    assert not _check(text, g, strict=False)


# ----------------------------------------------------------------------------- the writer's PDF
# LibreOffice's 表三 through pdftotext: the first rows' numbers under their column words,
# the narrow columns' words and numbers together (a line a row, across the three columns)
COLUMN_WORDS = [
    ("自然\n人", ("natural",)),
    ("商业\n企业", ("commercial",)),
    (
        "申请人情况\n法人或其他组织\n科研\n社会\n法律\n机构\n公益\n服务\n组织\n机构",
        ("research", "social", "legal"),
    ),
    ("其他", ("other_org",)),
    ("总计\n", ("total",)),
]


def _writer_default(gold: dict[str, Any], rng: random.Random) -> str:
    """表三 as pdftotext prints the writer's PDF: the first four rows' labels, then their
    numbers column by column after the column words (the three narrow columns together,
    row by row or column by column), then the other rows as runs of paragraphs after the
    last label."""
    rows = _rows("2019" if "requests.other.total" in gold else "2021")
    first, rest = rows[:4], rows[4:]
    v = {(r, c): _cell(gold.get(f"requests.{r}.{c}")) for r in rows for c in COLUMNS}
    out = [
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）",
    ]
    out.append("\n".join(REQUEST_ROW_LABELS[r].split("（区分")[0] for r in first))
    for words, cols in COLUMN_WORDS:
        if len(cols) > 1 and rng.random() < 0.5:
            nums = [v[(r, c)] for c in cols for r in first]
        else:
            nums = [v[(r, c)] for r in first for c in cols]
        out.append(
            words.rstrip("\n") + ("\n\n" if words.endswith("\n") else "\n") + "\n".join(nums)
        )
    out.append("\n".join(REQUEST_ROW_LABELS[r] for r in rest))
    i = 0
    while i < len(rest):
        k = min(rng.choice([1, 1, 2, 3, 7]), len(rest) - i)
        group = rest[i : i + k]
        i += k
        out += ["\n".join(v[(r, c)] for r in group) for c in COLUMNS]
    return _with_table(gold, _paras(*out) + "\n\n")


def _filled(gold: dict[str, Any]) -> bool:
    return all(v is not None for k, v in gold.items() if k.startswith("requests."))


def test_first_rows_among_the_header_s_words() -> None:
    """The first rows' numbers after their column words are read when the words name as
    many columns as the run holds rows' numbers and every row adds up (the three narrow
    columns' run read row by row or column by column, whichever adds up, named when both
    do and differ); every cell right or named."""
    rng = random.Random(4)
    read = 0
    for stem, gold in _golds():
        if not _filled(gold):
            continue
        for _ in range(4):
            text = _writer_default(gold, rng)
            bad = _check(text, gold, strict=False)
            assert not bad, f"{stem}: " + "; ".join(bad[:5])
            rep = nianbao.parse(text.encode("utf-8"))
            first = _rows("2021")[:4]
            if all(
                rep.get(f"requests.{r}.{c}") == gold[f"requests.{r}.{c}"]
                for r in first
                for c in COLUMNS
            ):
                read += 1
                said = [
                    f
                    for f in rep.findings
                    if f.rule == "R-LAYOUT-SHIFT" and "表头文字恰好指明" in f.message
                ]
                assert said, stem
    assert read >= 10


def test_first_item_s_numbers_after_its_column_words() -> None:
    """表二's （一） item as pdftotext prints the writer's PDF: 本年制发件数 本年废止件数 and
    four numbers (row by row or column by column: nothing in 表二 says which), 现行有效件数
    and two numbers elsewhere. 现行有效件数 is read, and the two cells both orders read
    alike; the other two are named."""
    rng = random.Random(6)
    seen = 0
    for stem, gold in _golds():
        if "active.regulations.issued" not in gold or any(
            gold.get(f"active.{r}.{f}") is None
            for r in ("regulations", "normative")
            for f in ("issued", "repealed", "in_force")
        ):
            continue
        v = {
            (r, f): _cell(gold[f"active.{r}.{f}"])
            for r in ("regulations", "normative")
            for f in ("issued", "repealed", "in_force")
        }
        rows = ("regulations", "normative")
        four = (
            [v[(r, f)] for r in rows for f in ("issued", "repealed")]
            if rng.random() < 0.5
            else [v[(r, f)] for f in ("issued", "repealed") for r in rows]
        )
        s2 = _paras(
            "二、主动公开政府信息情况",
            "信息内容\n规章\n行政规范性文件\n信息内容\n行政许可\n信息内容\n行政处罚\n行政强制\n信息内容\n行政事业性收费",
            "第二十条第（一）项\n本年制发件数\n本年废止件数\n" + "\n".join(four),
            f"第二十条第（五）项\n本年处理决定数量\n{_cell(gold.get('active.licensing'))}",
            f"第二十条第（六）项\n本年处理决定数量\n{_cell(gold.get('active.penalty'))}\n{_cell(gold.get('active.coercion'))}",
            f"第二十条第（八）项\n本年收费金额（单位：万元）\n{_cell(gold.get('active.fees'))}",
            "现行有效件数\n" + "\n".join(v[(r, "in_force")] for r in rows),
        )
        from nianbao.report import Report
        from nianbao.writing.writer import render

        text = render(Report.from_flat(gold), "lines").decode("utf-8")
        a = text.index("二、主动公开政府信息情况")
        b = text.index("三、收到和处理政府信息公开申请情况")
        text = text[:a] + s2 + "\n\n" + text[b:]
        bad = _check(text, gold, strict=False)
        assert not bad, f"{stem}: " + "; ".join(bad[:5])
        rep = nianbao.parse(text.encode("utf-8"))
        for r in rows:
            assert rep.get(f"active.{r}.in_force") == gold[f"active.{r}.in_force"], stem
        assert rep.get("active.regulations.issued") == gold["active.regulations.issued"]
        assert rep.get("active.normative.repealed") == gold["active.normative.repealed"]
        seen += 1
    assert seen >= 5


ITEMS_2019 = (
    ("一", ("regulations", "normative"), ("本年新制作数量", "本年新公开数量", "对外公开总数量")),
    ("五", ("licensing", "other_services"), ("上一年项目数量", "本年增/减", "处理决定数量")),
    ("六", ("penalty", "coercion"), ("上一年项目数量", "本年增/减", "处理决定数量")),
    ("八", ("fees",), ("上一年项目数量", "本年增/减")),
    ("九", ("procurement",), ("采购项目数量", "采购总金额")),
)


@pytest.mark.parametrize("seed", [1, 2])
def test_2019_items_numbers_after_their_column_words(seed: int) -> None:
    """The 2019 layout's 表二 as pdftotext prints the writer's PDF: every label first, then
    each item's heading, its column words and its rows' numbers (row by row or column by
    column). An item of one row reads whole; of two rows, the cells both orders read alike
    (the first and the last); the others are named."""
    from nianbao.report import Report
    from nianbao.schema import ACTIVE2019_IDS
    from nianbao.writing.writer import render

    rng = random.Random(seed)
    stem, gold = next((s, g) for s, g in _golds() if s == "invented-2019")
    fields = {}
    for fid in ACTIVE2019_IDS:
        row, f = fid.split(".")[1:]
        fields.setdefault(row, []).append(f)
    parts = [
        "二、主动公开政府信息情况",
        "信息内容\n规章\n规范性文件\n信息内容\n行政许可\n其他对外管理服务事项",
    ]
    parts.append("信息内容\n行政处罚\n行政强制\n信息内容\n行政事业性收费\n信息内容\n政府集中采购")
    for ordinal, rows, words in ITEMS_2019:
        v = [[_cell(gold[f"active2019.{r}.{f}"]) for f in fields[r]] for r in rows]
        by_column = rng.random() < 0.5
        nums = [row[j] for j in range(len(words)) for row in v] if by_column else sum(v, [])
        parts.append(f"第二十条第（{ordinal}）项\n" + "\n".join(words) + "\n" + "\n".join(nums))
    text = render(Report.from_flat(gold), "lines").decode("utf-8")
    a = text.index("二、主动公开政府信息情况")
    b = text.index("三、收到和处理政府信息公开申请情况")
    text = text[:a] + _paras(*parts) + "\n\n" + text[b:]
    bad = _check(text, gold, strict=False)
    assert not bad, "; ".join(bad[:5])
    rep = nianbao.parse(text.encode("utf-8"))
    for _o, rows, _w in ITEMS_2019:
        for fid in (
            f"active2019.{rows[0]}.{fields[rows[0]][0]}",
            f"active2019.{rows[-1]}.{fields[rows[-1]][-1]}",
        ):
            assert rep.get(fid) == gold[fid], fid
    for fid in ("active2019.fees.items_delta", "active2019.procurement.items"):
        assert rep.get(fid) == gold[fid], fid
