"""Cells a copy prints otherwise than the form's tables: each gold laid out by the writer
(``tab``) and edited as real copies are, scored by ``shapes_eval`` (no cell wrong and
unnamed, no false "missing" finding, no sum error the document does not earn):

* a table's cells parted by 「；」, 「、」 or 「，」 instead of tabs, blank cells printed as
  empty pieces (「行政许可；13470；；」): read as cells (表二's rows of one value read as
  "the row prints no such cell", silently blank);
* a 表三 cell holding a number and words glued together: a count word (「合计5」, 「共5件」,
  「5（件）」) read as the number, other words (「4（无）」) named unread, never a false sum
  (the word taken for a label moved the row's numbers a column off);
* one word cell in a 表四 spaced by spaces (「… 12 见说明 1 6 20」): that cell named, the
  other 14 read (the word ended the run, and all 15 were unread);
* two numbers where 表二's row has one (「行政事业性收费 |0 12」): named, never one of them;
* a 表二 printed blank with another small table of numbers after it in section 二 (公开渠道
  | 信息条数): read blank, never given the other table's numbers, nor named unread.

Reproduce one: ``python -m tests.shapes_eval`` does not make these; the renderers here are
small edits of the writer's text (``_edited``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

import nianbao
from nianbao.report import Report
from nianbao.writing.writer import render

from .copyshapes import _sections, _table_span
from .shapes import Rendering, sources
from .shapes_eval import run_one

SOURCES = sources()


def _edited(
    stem: str, gold: dict[str, Any], edit: Callable[[list[str], dict[str, int]], None]
) -> Rendering:
    lines = render(Report.from_flat(gold), "tab").decode("utf-8").split("\n")
    edit(lines, _sections(lines))
    expected = {k: v for k, v in gold.items() if k != "notes"}
    expected["blank"] = list(gold.get("blank") or [])
    return Rendering(
        gold=stem, shape="edited", seed=0, base="tab", text="\n".join(lines), expected=expected
    )


def _need_golds() -> None:
    if len(SOURCES) < 3:
        pytest.skip("../shared/samples is not beside the checkout")


def _problems(renderings: list[Rendering]) -> tuple[list[str], int, int]:
    problems: list[str] = []
    right = named = 0
    for r in renderings:
        s = run_one(r)
        problems += s.problems(r.gold)
        right += s.right
        named += s.named
    return problems, right, named


@pytest.mark.parametrize("mark", ["；", "、", "，"])
@pytest.mark.parametrize("upto", ["s3", "s5"])
def test_cells_parted_by_a_mark(mark: str, upto: str) -> None:
    _need_golds()

    def edit(lines: list[str], sec: dict[str, int]) -> None:
        for i in range(sec["s2"], sec[upto]):
            if "\t" in lines[i]:
                lines[i] = mark.join(lines[i].split("\t"))

    problems, right, named = _problems([_edited(st, g, edit) for st, g in SOURCES])
    assert not problems, "\n".join(problems[:20])
    if mark != "，":
        assert named == 0  # read whole ("，" may group thousands: 902 after 4 is unread)


def test_one_value_row_parted_by_semicolons_is_read() -> None:
    text = (
        "某县财政局2024年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "信息内容；本年处理决定数量；；\n行政许可；13470；；\n行政处罚；606；；\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    report = nianbao.parse(text.encode(), name="x.txt")
    assert report.values["active.licensing"].value == 13470
    assert report.values["active.penalty"].value == 606
    src = report.values["active.penalty"].source
    assert src.start is not None and text[src.start : src.end] == "606"


@pytest.mark.parametrize("fmt", ["合计{}", "共{}件", "{}（件）", "{}（无）"])
@pytest.mark.parametrize("col", [-1, 1])
def test_worded_cells_of_the_requests_table(fmt: str, col: int) -> None:
    _need_golds()

    def edit(lines: list[str], sec: dict[str, int]) -> None:
        a, b = _table_span(lines, sec["s3"], sec["s4"])
        done = 0
        for i in range(a + 3, b):
            cells = lines[i].split("\t")
            if cells[col].strip() and done < 3 and i % 3 == 0:
                cells[col] = fmt.format(cells[col])
                lines[i] = "\t".join(cells)
                done += 1

    problems, right, named = _problems([_edited(st, g, edit) for st, g in SOURCES])
    assert not problems, "\n".join(problems[:20])
    if fmt != "{}（无）":
        assert named == 0  # a count word: the number read


def _new_total_as(fmt: str) -> Callable[[list[str], dict[str, int]], None]:
    """An edit writing 表三 row 一's 总计 (its last tab cell) as ``fmt`` of its number."""

    def edit(lines: list[str], sec: dict[str, int]) -> None:
        a, b = _table_span(lines, sec["s3"], sec["s4"])
        for i in range(a, b):
            if lines[i].startswith("一、本年新收"):
                cells = lines[i].split("\t")
                cells[-1] = fmt.format(cells[-1])
                lines[i] = "\t".join(cells)

    return edit


def test_a_count_word_in_the_total_column_reads_the_number() -> None:
    _need_golds()
    stem, gold = next((s, g) for s, g in SOURCES if g.get("requests.new.total"))
    r = _edited(stem, gold, _new_total_as("合计{}"))
    report = nianbao.parse(r.data, name=r.name)
    v = report.values["requests.new.total"]
    assert v.value == gold["requests.new.total"]
    assert v.source.start is not None
    assert r.text[v.source.start : v.source.end] == str(gold["requests.new.total"])


def test_a_number_with_words_is_named_unread_not_summed() -> None:
    _need_golds()
    stem, gold = next((s, g) for s, g in SOURCES if g.get("requests.new.total"))
    r = _edited(stem, gold, _new_total_as("{}（无）"))
    out = nianbao.parse(r.data, name=r.name).to_dict()
    assert out["requests"]["new"]["total"] is None
    unread = [
        f
        for f in out["findings"]
        if f["rule"] == "R-UNREAD" and "requests.new.total" in (f.get("cells") or [])
    ]
    assert unread and "（无）" in unread[0]["message"]
    s = run_one(r)
    assert not s.problems(stem)


@pytest.mark.parametrize("gap", [" ", "   ", "\u3000"])
def test_one_word_cell_in_a_spaced_review_table(gap: str) -> None:
    _need_golds()
    full = [
        (s, g)
        for s, g in SOURCES
        if all(v is not None for k, v in g.items() if k.startswith("reviews."))
        and not any(str(b).startswith("reviews.") for b in g.get("blank") or ())
    ]
    assert full

    def edit(lines: list[str], sec: dict[str, int]) -> None:
        a, b = _table_span(lines, sec["s4"], sec["s5"])
        cells = lines[b - 1].split("\t")
        cells[-4] = "见说明"
        lines[b - 1] = "\t".join(cells)
        for i in range(a, b):
            lines[i] = gap.join(lines[i].split("\t")).rstrip()

    for stem, gold in full:
        r = _edited(stem, gold, edit)
        s = run_one(r)
        assert not s.problems(stem), s.problems(stem)
        assert s.named == 1 and s.right == s.cells - 1, (stem, s.right, s.named, s.cells)


def test_two_numbers_in_a_one_value_row_are_named() -> None:
    text = (
        "某县财政局2024年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "第二十条第（八）项 |\n信息内容 |本年收费金额（单位：万元） |\n行政事业性收费 |0 12\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    out = nianbao.parse(text.encode(), name="x.txt").to_dict()
    assert out["active"]["fees"] is None
    assert any(
        "active.fees" in (f.get("cells") or []) and f["rule"].startswith("R-UNREAD")
        for f in out["findings"]
    )


@pytest.mark.parametrize("sep", ["\t", " ", " | "])
@pytest.mark.parametrize("where", ["before", "after"])
def test_blank_active_table_beside_another_table(sep: str, where: str) -> None:
    _need_golds()
    other = [
        "本年度通过以下渠道主动公开政府信息：",
        f"公开渠道{sep}信息条数",
        f"政府网站{sep}1234",
        f"政务微博{sep}56",
        "",
    ]
    renderings = []
    for stem, gold in SOURCES:
        g = {k: v for k, v in gold.items() if not k.startswith(("active.", "active2019."))}
        g["blank"] = [b for b in gold.get("blank") or () if not b.startswith("active")]
        g["blank"] += [k for k in gold if k.startswith(("active.", "active2019."))]
        g.update({k: None for k in gold if k.startswith(("active.", "active2019."))})

        def edit(lines: list[str], sec: dict[str, int]) -> None:
            a, b = _table_span(lines, sec["s2"], sec["s3"])
            for i in range(a, b):
                cells = lines[i].split("\t")
                if not cells[0].startswith(("信息内容", "第二十条")):
                    cells = cells[:1] + ["" for _ in cells[1:]]  # (every value blank)
                lines[i] = sep.join(cells).rstrip()
            at = a if where == "before" else b
            lines[at:at] = ["", *other]

        renderings.append(_edited(stem, g, edit))
    problems, right, named = _problems(renderings)
    assert not problems, "\n".join(problems[:20])
    active = [k for r in renderings for k in r.table_ids() if k.startswith("active")]
    assert active and named == 0


@pytest.mark.parametrize("shape", ["pipe-bare", "cell-pipe", "cell-blank", "cell-bar"])
@pytest.mark.parametrize("fmt", ["合计{}", "{}（无）"])
def test_worded_cells_in_other_layouts(shape: str, fmt: str, monkeypatch: Any) -> None:
    """The same cells in the pipe and one-cell-a-line layouts (``tests/shapes.py``): 合计 in
    the 总计 column, a remark in brackets in any column, a tenth of 表三's numbers so."""
    _need_golds()
    from . import shapes

    plain = shapes._value_text

    def value_text(cell: Any, ctx: Any) -> str:
        t = plain(cell, ctx)
        fid = cell.field_id or ""
        anywhere = fmt != "合计{}" or fid.endswith(".total")
        if fid.startswith("requests.") and anywhere and t.isdigit() and ctx.rng.random() < 0.1:
            return fmt.format(t)
        return t

    monkeypatch.setattr(shapes, "_value_text", value_text)
    problems, right, named = _problems([shapes.render_shape(g, shape, 0, st) for st, g in SOURCES])
    assert not problems, "\n".join(problems[:20])
    if fmt == "合计{}":
        assert named == 0


def test_a_remark_cell_in_a_row_parted_by_semicolons_is_that_cell_alone() -> None:
    """「行政规范性文件；2（无）；1；11」: the remark's cell named unread, the others read (the
    line was taken for a label 「行政规范性文件；2（无）」 and 2 read for 现行有效, silently)."""
    text = (
        "某县财政局2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "第二十条第（一）项；；；\n信息内容；本年制发件数；本年废止件数；现行有效件数\n"
        "规章；0；0；0\n行政规范性文件；2（无）；1；11\n第二十条第（五）项；；；\n"
        "信息内容；本年处理决定数量；；\n行政许可；13470；；\n三、收到和处理政府信息公开申请情况\n"
    )
    out = nianbao.parse(text.encode(), name="x.txt").to_dict()
    assert out["active"]["normative"] == {"issued": None, "repealed": 1, "in_force": 11}
    assert any(
        f["rule"].startswith("R-UNREAD") and "active.normative.issued" in (f.get("cells") or [])
        for f in out["findings"]
    )


@pytest.mark.parametrize("line", ["其中行政许可；12；行政处罚；34"])
def test_numbers_inside_a_marked_line_make_no_row(line: str) -> None:
    """A line of two rows or a sentence parted by 「；」 before 表二: never one row's label
    (「其中行政许可；12；行政处罚」 read 34 for 行政许可, silently)."""
    _need_golds()

    def edit(lines: list[str], sec: dict[str, int]) -> None:
        lines[sec["s2"] + 1 : sec["s2"] + 1] = [line]

    problems, right, named = _problems([_edited(st, g, edit) for st, g in SOURCES])
    assert not problems, "\n".join(problems[:20])


def _one_cell_a_line(lines: list[str], a: int, b: int, lead: str = "\t") -> list[str]:
    return [(lead + c).rstrip(" ") for line in lines[a:b] for c in [*line.split("\t"), ""]]


def test_words_after_a_review_table_of_one_cell_a_line_are_no_cell() -> None:
    """Lines of words right after 表四 printed one cell a line (公开渠道、信息条数): what
    follows the table, never a cell of its row (all 15 were unread)."""
    _need_golds()

    def edit(lines: list[str], sec: dict[str, int]) -> None:
        a, b = _table_span(lines, sec["s4"], sec["s5"])
        lines[a:b] = [*_one_cell_a_line(lines, a, b)[:-1], "公开渠道、信息条数", "政府网站、1234"]

    for stem, gold in SOURCES:
        r = _edited(stem, gold, edit)
        s = run_one(r)
        assert not s.problems(stem), s.problems(stem)
        reviews = [k for k in r.table_ids() if k.startswith("reviews.")]
        assert s.named == 0, (stem, s.named, len(reviews))


def test_items_numbered_after_a_blank_row_are_no_cells() -> None:
    """A line 「1、2、3」 (items numbered) after 表三's last row printed blank, one cell a
    line: no cells of that row (read 1, 2, 3 into it, and the sums blamed the report)."""
    _need_golds()
    renderings = []
    for stem, gold in SOURCES:
        if gold.get("meta.format") == "2019":
            continue
        g = dict(gold)
        row = [k for k in gold if k.startswith("requests.carried_forward.")]
        g["blank"] = [*(gold.get("blank") or ()), *row]

        def edit(lines: list[str], sec: dict[str, int]) -> None:
            a, b = _table_span(lines, sec["s3"], sec["s4"])
            last = lines[b - 1].split("\t")
            lines[b - 1] = "\t".join(last[:1] + ["" for _ in last[1:]])
            lines[a:b] = [*_one_cell_a_line(lines, a, b, "  "), "1、2、3"]

        # (another name: the gold's own sum errors are kept by name, and this one differs)
        renderings.append(replace(_edited(stem, g, edit), gold=f"{stem}~carried-blank"))
    problems, right, named = _problems(renderings)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("mark", ["；", "、"])
def test_a_subtotal_column_in_a_requests_table_parted_by_a_mark(mark: str) -> None:
    """表三 with a 法人或其他组织 小计 column, its cells parted by a mark: the header's words
    cut at the mark name the column (taken whole they named none: 小计 was read for 总计,
    and the sums blamed the report)."""
    _need_golds()

    def edit(lines: list[str], sec: dict[str, int]) -> None:
        a, b = _table_span(lines, sec["s3"], sec["s4"])
        for i in range(a, b):
            cells = lines[i].split("\t")
            if "商业企业" in cells and "其他" in cells:
                cells.insert(cells.index("其他") + 1, "小计")
            elif "法人或其他组织" in cells:
                cells.insert(cells.index("法人或其他组织") + 5, "")
            elif len(cells) >= 8 and all(re.fullmatch(r"\d*", v) for v in cells[-7:]):
                orgs = [int(v) for v in cells[-6:-1] if v]
                cells.insert(len(cells) - 1, str(sum(orgs)) if orgs else "")
            lines[i] = mark.join(cells)

    problems, right, named = _problems([_edited(st, g, edit) for st, g in SOURCES])
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("rest", ["\t", "；"])
def test_two_rows_in_one_line_parted_by_semicolons(rest: str) -> None:
    """表二's 行政处罚 and 行政强制 on one line, labels and values parted by 「；」 (the rest
    of the table parted by tabs or by 「；」): each row its own number (行政处罚 took the
    line's last number, 行政强制's, silently)."""
    _need_golds()

    def edit(lines: list[str], sec: dict[str, int]) -> None:
        for i in range(sec["s2"], sec["s3"]):
            if lines[i].startswith("行政处罚\t") and lines[i + 1].startswith("行政强制\t"):
                rows = [lines[j].rstrip("\t").split("\t") for j in (i, i + 1)]
                lines[i : i + 2] = ["；".join(rows[0] + rows[1])]
                break
        for i in range(sec["s2"], sec["s3"] - 1):
            if "\t" in lines[i]:
                lines[i] = rest.join(lines[i].split("\t"))

    problems, right, named = _problems([_edited(st, g, edit) for st, g in SOURCES])
    assert not problems, "\n".join(problems[:20])
    text = (
        "某县财政局2024年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        f"信息内容{rest}本年处理决定数量\n行政处罚；606；行政强制；11\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    report = nianbao.parse(text.encode(), name="x.txt")
    assert report.values["active.penalty"].value == 606
    assert report.values["active.coercion"].value == 11
    src = report.values["active.penalty"].source
    assert src.start is not None and text[src.start : src.end] == "606"


@pytest.mark.parametrize("remark", ["（含上年结转）", "(其中上年结转2件)"])
@pytest.mark.parametrize("mark", ["、", "\t", "；"])
@pytest.mark.parametrize("cell", [1, -1])
def test_a_remark_in_brackets_after_a_number_is_no_label(cell: int, mark: str, remark: str) -> None:
    """表三 with a remark in brackets after a number of row 一 that names another row
    (「335（含上年结转）」), its cells parted by 「、」, tabs or 「；」: a remark saying what
    the number holds, the number read; never 二、上年结转's label (row 一 was read blank
    and the sums blamed the report) nor the label's text (the row's numbers a column off)."""
    _need_golds()

    def edit(lines: list[str], sec: dict[str, int]) -> None:
        a, b = _table_span(lines, sec["s3"], sec["s4"])
        for i in range(a, b):
            cells = lines[i].split("\t")
            if lines[i].startswith("一、") and cells[cell].strip():
                cells[cell] += remark
            lines[i] = mark.join(cells)

    problems, right, named = _problems([_edited(st, g, edit) for st, g in SOURCES])
    assert not problems, "\n".join(problems[:20])
    assert named == 0


def test_a_count_word_line_after_a_one_value_row() -> None:
    """表二 one cell a line with 「合计5」 on the line after 行政许可's number: the copy's own
    total, no cell of the row (its two numbers left the row unread)."""
    _need_golds()

    def edit(lines: list[str], sec: dict[str, int]) -> None:
        out: list[str] = []
        for line in lines[sec["s2"] : sec["s3"]]:
            out += [c for c in line.split("\t") if c.strip()] if "\t" in line else [line]
        at = out.index("行政许可") if "行政许可" in out else -1
        if at >= 0 and re.fullmatch(r"\d+", out[at + 1]):
            out.insert(at + 2, "合计5")
        lines[sec["s2"] : sec["s3"]] = out

    golds = [(st, g) for st, g in SOURCES if "active.licensing" in g]
    assert golds
    problems, right, named = _problems([_edited(st, g, edit) for st, g in golds])
    assert not problems, "\n".join(problems[:20])
    assert named == 0


@pytest.mark.parametrize(("remark", "unread"), [(" （其中转办3件）", 0), (" (无)", 1)])
def test_a_remark_a_space_after_a_number_is_that_cell(remark: str, unread: int) -> None:
    """表三's row 四 with its total printed blank and a remark a space after its first
    number (「1 （其中转办3件）」): the remark is that cell's, the number read where it says
    what the number holds, the cell named where it doubts it (「4 (无)」); never a cell of
    its own (the row's later numbers moved one column right, the last into the blank total,
    silently)."""
    _need_golds()
    renderings = []
    for stem, gold in SOURCES:
        lines = render(Report.from_flat(gold), "tab").decode("utf-8").split("\n")
        sec = _sections(lines)
        a, b = _table_span(lines, sec["s3"], sec["s4"])
        at = next((i for i in range(a, b) if lines[i].startswith("四、")), None)
        cells = lines[at].split("\t") if at is not None else []
        first = next((k for k, c in enumerate(cells[1:-1], 1) if c.strip()), None)
        if at is None or first is None:
            continue
        cells[first] += remark
        cells[-1] = ""
        lines[at] = "\t".join(cells)
        expected = {
            k: v for k, v in gold.items() if k not in ("notes", "requests.carried_forward.total")
        }
        expected["blank"] = [*(gold.get("blank") or []), "requests.carried_forward.total"]
        renderings.append(
            Rendering(f"{stem}-blank-total", "edited", 0, "tab", "\n".join(lines), expected)
        )
    assert renderings
    problems, right, named = _problems(renderings)
    assert not problems, "\n".join(problems[:20])
    assert named == unread * len(renderings)
