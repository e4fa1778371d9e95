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
    # every piece after the first a group of three: one number by its content (as 1,234)
    got = _active("：", comma.join(["5", "100", "200"]), "0，3，26", "7")
    assert [got["regulations.issued"], got["regulations.repealed"]] == [5100200, None]


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
