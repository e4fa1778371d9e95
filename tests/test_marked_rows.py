"""Table rows whose cells are parted by marks after a colon or a tab (「规章：0，0，0」,
「一、本年新收政府信息公开申请数量：19，0，0，0，0，0，19」, 「行政许可：13470，，」): every gold
rendered so by ``tests.marked_rows`` (表二, 表三 and 表四; ，、； and the ASCII comma; blank
cells kept or the trailing ones dropped) parses with no silent cell, no false "missing" and no
false sum, and where the marks decide the cells (no comma that may group a number by
thousands) reads as many cells right as the pipe-bare copy. A comma that may group a number
(「19，100，0」) parts no cells: the row is named unread, never guessed."""

from __future__ import annotations

import pytest

import nianbao

from .marked_rows import marked, variants
from .shapes import render_shape, sources
from .shapes_eval import Score, run_one

SOURCES = sources()
_BASE: dict[str, Score] = {}


def _base(stem: str, gold: dict) -> Score:  # type: ignore[type-arg]
    if stem not in _BASE:
        _BASE[stem] = run_one(render_shape(gold, "pipe-bare", 0, stem))
    return _BASE[stem]


@pytest.mark.parametrize(("head", "mark", "keep"), variants())
def test_marked_rows_read_or_named(head: str, mark: str, keep: bool) -> None:
    problems: list[str] = []
    for stem, gold in SOURCES:
        r, ambiguous = marked(render_shape(gold, "pipe-bare", 0, stem), head, mark, keep)
        s = run_one(r)
        problems += s.problems(f"{stem} {head} {mark!r} keep={keep}")
        if not ambiguous and s.right < _base(stem, gold).right:
            problems.append(f"{stem}: {s.right} right < {_base(stem, gold).right} (pipe-bare)")
    assert not problems, "\n".join(problems[:20])


_REPORT = """青山县人民政府2023年政府信息公开工作年度报告
二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章{h}{reg}
行政规范性文件{h}{norm}
第二十条第（五）项
信息内容 本年处理决定数量
行政许可{h}{lic}
第二十条第（六）项
信息内容 本年处理决定数量
行政处罚{h}{pen}
行政强制{h}4
第二十条第（八）项
信息内容 本年收费金额（单位：万元）
行政事业性收费{h}0
三、收到和处理政府信息公开申请情况
"""


def _active(h: str, reg: str, norm: str, lic: str, pen: str = "12") -> dict[str, object]:
    text = _REPORT.format(h=h, reg=reg, norm=norm, lic=lic, pen=pen)
    rep = nianbao.parse(text.encode("utf-8"), name="marked.txt")
    keys = [
        "regulations.issued", "regulations.repealed", "regulations.in_force",
        "normative.issued", "normative.repealed", "normative.in_force", "licensing", "penalty",
    ]  # fmt: skip
    out: dict[str, object] = {}
    for k in keys:
        v = rep.values.get("active." + k)
        out[k] = v.value if v is not None else None
    out["findings"] = " ".join(f"{f.rule} {f.message}" for f in rep.findings)
    return out


@pytest.mark.parametrize("h", ["：", ":", "\t"])
@pytest.mark.parametrize("mark", ["，", "、", "；", ","])
def test_marks_part_cells(h: str, mark: str) -> None:
    got = _active(h, mark.join(["0", "", "7"]), mark.join(["0", "3", "26"]), "13470" + mark * 2)
    assert [got[k] for k in ("regulations.issued", "regulations.in_force")] == [0, 7]
    assert got["regulations.repealed"] is None
    assert [got["normative.issued"], got["normative.repealed"], got["normative.in_force"]] == [
        0, 3, 26,
    ]  # fmt: skip
    assert got["licensing"] == 13470


@pytest.mark.parametrize("comma", ["，", ","])
def test_thousands_comma_decided_by_content(comma: str) -> None:
    # a number grouped by thousands alone in its row is one number
    got = _active("：", "0，0，0", "0，3，26", f"13{comma}470", f"1{comma}234")
    assert (got["licensing"], got["penalty"]) == (13470, 1234)
    # 0，100 and 1288，213 group no number: the cells are the marks'
    got = _active("：", comma.join(["0", "100", "26"]), comma.join(["1288", "213", "5"]), "7")
    assert [got["regulations.issued"], got["regulations.repealed"]] == [0, 100]
    assert [got["normative.issued"], got["normative.repealed"]] == [1288, 213]
    # 19，100，0 may be 19100 and 0 or three cells: not guessed, the row named unread
    got = _active("：", comma.join(["19", "100", "0"]), "0，3，26", "7")
    assert [got["regulations.issued"], got["regulations.repealed"]] == [None, None]
    assert "R-UNREAD" in str(got["findings"]) and "「规章」" in str(got["findings"])
    # every piece after the first a group of three, the comma parting the line (no other
    # mark): 5100200 or 5, 100 and 200, the row's three cells filled either way: not
    # guessed, the row named unread with both readings
    got = _active("：", comma.join(["5", "100", "200"]), "0，3，26", "7")
    assert [got["regulations.issued"], got["regulations.repealed"]] == [None, None]
    assert "R-DIGITS-SPLIT" in str(got["findings"]) and "「规章」" in str(got["findings"])


@pytest.mark.parametrize("h", ["：", ":"])
@pytest.mark.parametrize("comma", ["，", ","])
@pytest.mark.parametrize("number", ["5{c}120{c}356", "1{c}234{c}567", "1{c}234"])
def test_grouped_number_in_a_row_of_cells_named(h: str, comma: str, number: str) -> None:
    # 「行政规范性文件：5，120，356」: one number grouped by thousands, or the row's cells parted by
    # that comma (a shorter row: 1，234 may be 1 and 234 and a blank); never read as one
    # number with the other cells blank (the silent wrong value: 表二 has no sum to catch it)
    cells = number.format(c=comma)
    got = _active(h, "0，0，0", cells, "13470")
    assert [got["normative.issued"], got["normative.repealed"], got["normative.in_force"]] == [
        None, None, None,
    ]  # fmt: skip
    found = str(got["findings"])
    assert "R-DIGITS-SPLIT" in found and "「行政规范性文件」" in found
    assert f"{cells} 空 空" in found or f"{cells} 空" in found  # the whole reading named
    assert " ".join(cells.split(comma)) in found  # and the parted one
    assert got["regulations.issued"] == 0 and got["licensing"] == 13470


@pytest.mark.parametrize("comma", ["，", ","])
def test_grouped_number_whole_where_no_doubt(comma: str) -> None:
    # a one-cell row keeps the grouped number whole (行政许可：13，470), and so does a line
    # parted by another mark (；): its commas part no cells
    got = _active("：", "0，0，0", "0，3，26", f"13{comma}470", f"1{comma}234")
    assert (got["licensing"], got["penalty"]) == (13470, 1234)
    got = _active("；", "0；0；0", f"5{comma}120；1；2", f"13{comma}470")
    assert [got["normative.issued"], got["normative.repealed"], got["normative.in_force"]] == [
        5120, 1, 2,
    ]  # fmt: skip
    assert got["licensing"] == 13470
    # more pieces than the row has cells: the comma cannot part them, one number
    got = _active("：", "0，0，0", f"1{comma}234{comma}567{comma}890", "7")
    assert got["normative.issued"] == 1234567890


@pytest.mark.parametrize(("head", "mark"), [("colon", "，"), ("tab", "；"), ("colon", ",")])
def test_marked_rows_with_units(head: str, mark: str) -> None:
    # every gold's rows with 件 after each count (「规章：0件，0件，0件」): read as the bare
    # ones are (before, the rows were said missing or their cells left silently blank)
    problems: list[str] = []
    for stem, gold in SOURCES:
        r, ambiguous = marked(render_shape(gold, "pipe-bare", 0, stem), head, mark, True, "件")
        s = run_one(r)
        problems += s.problems(f"{stem} {head} {mark!r} units")
        if not ambiguous and s.right < _base(stem, gold).right:
            problems.append(f"{stem}: {s.right} right < {_base(stem, gold).right} (pipe-bare)")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("h", ["：", ":"])
@pytest.mark.parametrize("mark", ["，", "、", "；"])
def test_marked_cells_with_units(h: str, mark: str) -> None:
    # cells carrying their unit (「规章：0件，0件，0件」) are the marks' cells as bare ones are,
    # never a row said missing
    got = _active(h, mark.join(["0件", "1件", "7件"]), mark.join(["2件", "3件", "26件"]), "13470")
    assert [got["regulations.issued"], got["regulations.repealed"]] == [0, 1]
    assert [got["normative.issued"], got["normative.in_force"]] == [2, 26]
    assert "R-ROW-MISSING" not in str(got["findings"])


@pytest.mark.parametrize("comma", ["，", ","])
def test_grouped_number_named_in_tables_three_and_four(comma: str) -> None:
    # 表三's row (7 cells) and 表四's row of numbers (15) written as one grouped number whose
    # comma may part them: named with the readings, never one number with blank cells
    stem, gold = next((s, g) for s, g in SOURCES if s.startswith("001_"))
    text = render_shape(gold, "pipe-bare", 0, stem).text
    num = f"5{comma}120{comma}356"
    lines = text.split("\n")
    s3 = next(i for i, x in enumerate(lines) if x.startswith("一、本年新收政府信息公开申请数量"))
    lines[s3] = "一、本年新收政府信息公开申请数量：" + num
    head4 = next(i for i, x in enumerate(lines) if x.startswith("四、政府信息公开行政复议"))
    s4 = next(i for i in range(head4, len(lines)) if "|" in lines[i] and "0" in lines[i])
    lines[s4] = num
    rep = nianbao.parse("\n".join(lines).encode("utf-8"), name="marked.txt")
    for k in ("requests.new.natural", "requests.new.total", "reviews.maintained"):
        v = rep.values.get(k)
        assert v is None or v.value is None, k
    said = [f.message for f in rep.findings if f.rule == "R-DIGITS-SPLIT"]
    assert any("表三" in m and f"{num} 空" in m and "5 120 356" in m for m in said), said
    assert any("表四" in m and f"{num} 空" in m for m in said), said
