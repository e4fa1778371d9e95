"""pdfminer's copy of the 2019 layout's 表二 (国办公开办函〔2019〕60号, 格式（试行））.

pdfminer prints a printed table's labels first and its numbers after: each sub-table's row
labels (规章 / 规范性文件), then each column's header with that column's numbers under it
(本年新制作数量 / 0 / 7), and the columns of the right side of the page last (对外公开总数量,
处理决定数量). A label is followed at once by the next label, and the numbers after a label
stand under a column header: read in text order, 规章 and 行政许可 came back blank, silently.

Every 表二 cell must come back right or be named by a finding (the table's rows unread),
never a number of another row or a blank that is not in the document, and no "missing"
finding may be raised against the document.
"""

from __future__ import annotations

import io
import random
from typing import Any

import pytest

import nianbao

from .shapes import sources
from .test_text_grid import _check

S2_HEAD = "二、主动公开政府信息情况"
S3_HEAD = "三、收到和处理政府信息公开申请情况"


def _golds_2019() -> list[tuple[str, dict[str, Any]]]:
    found = [
        (stem, g)
        for stem, g in sources()
        if g.get("meta.format") == "2019" or any(k.startswith("active2019.") for k in g)
    ]
    if not found:
        pytest.skip("no 2019-layout gold")
    return found


def _v(g: dict[str, Any], fid: str) -> list[str]:
    x = None if fid in set(g.get("blank", [])) else g.get(fid)
    if x is None:
        return []  # pdfminer prints nothing for an empty cell
    return [f"{x:g}" if isinstance(x, float) else str(x)]


def _pdfminer_active_2019(g: dict[str, Any], heads_first: bool) -> str:
    """表二 of the 2019 layout as pdfminer prints it (the order of a real pdfminer copy of
    the writer's PDF); ``heads_first``: every sub-table's 第二十条 heading before its labels."""

    def col(head: str, *fids: str) -> list[str]:
        return [head] + [x for f in fids for x in _v(g, f"active2019.{f}")]

    def sub(item: str, *labels: str) -> list[str]:
        if heads_first:
            return [f"第二十条第（{item}）项", "信息内容", *labels]
        return ["信息内容", *labels, f"第二十条第（{item}）项"]

    lines = [
        S2_HEAD,
        *sub("一", "规章", "规范性文件"),
        *col("本年新制作数量", "regulations.made", "normative.made"),
        *col("本年新公开数量", "regulations.published", "normative.published"),
        *sub("五", "行政许可", "其他对外管理服务事项"),
        *col("上一年项目数量", "licensing.items_prev", "other_services.items_prev"),
        *col("本年增/减", "licensing.items_delta", "other_services.items_delta"),
        *sub("六", "行政处罚", "行政强制"),
        *col("上一年项目数量", "penalty.items_prev", "coercion.items_prev"),
        *col("本年增/减", "penalty.items_delta", "coercion.items_delta"),
        *sub("八", "行政事业性收费"),
        *col("上一年项目数量", "fees.items_prev"),
        *sub("九", "政府集中采购"),
        *col("采购项目数量", "procurement.items"),
        *col("本年增/减", "fees.items_delta"),
        *col("采购总金额", "procurement.amount"),
        *col("对外公开总数量", "regulations.total_public", "normative.total_public"),
        *col("处理决定数量", "licensing.decisions", "other_services.decisions"),
        *col("处理决定数量", "penalty.decisions", "coercion.decisions"),
    ]
    return "\n\n".join(lines)


def _page(g: dict[str, Any], active: str) -> str:
    from nianbao.report import Report
    from nianbao.writing.writer import render

    text = render(Report.from_flat(g), "lines").decode("utf-8")
    a, b = text.index(S2_HEAD), text.index(S3_HEAD)
    return text[:a] + active + "\n\n" + text[b:]


def _blanked(g: dict[str, Any], seed: int) -> dict[str, Any]:
    """The gold with some 表二 cells (or a whole row) left empty."""
    rng = random.Random(seed)
    ids = [k for k in g if k.startswith("active2019.") and not k.endswith("amount_unit")]
    out = dict(g)
    for fid in rng.sample(ids, 1 + seed % 4):
        out[fid] = None
    if seed % 2:
        row = rng.choice(sorted({k.rsplit(".", 1)[0] for k in ids}))
        for fid in ids:
            if fid.startswith(row + "."):
                out[fid] = None
    return out


def _variants() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for stem, g in _golds_2019():
        out.append((stem, g))
        out += [(f"{stem}~blank{s}", _blanked(g, s)) for s in range(6)]
    return out


@pytest.mark.parametrize("heads_first", [False, True], ids=["pdfminer-order", "heads-first"])
def test_pdfminer_copy_of_the_2019_active_table_is_right_or_named(heads_first: bool) -> None:
    bad = []
    for stem, g in _variants():
        text = _page(g, _pdfminer_active_2019(g, heads_first))
        bad += [f"{stem}: {x}" for x in _check(text, g, strict=False)]
    assert not bad, "\n".join(bad[:20])


def test_pdfminer_copy_of_the_2019_active_table_names_its_label_only_rows() -> None:
    """The rows whose label stands with no number after it are named unread (not read as
    blank rows of the document), and no other row's number is given to them."""
    for stem, g in _golds_2019():
        rep = nianbao.parse(_page(g, _pdfminer_active_2019(g, False)).encode("utf-8"))
        named = {c for f in rep.findings if f.rule == "R-UNREAD" for c in f.cells}
        for fid in ("active2019.regulations.made", "active2019.licensing.decisions"):
            assert fid in named, f"{stem}: {fid} not named"
        assert "R-BLANK-ROW" not in {f.rule for f in rep.findings}, stem


def test_real_pdfminer_text_of_a_2019_layout_pdf() -> None:
    """The text pdfminer.six itself prints of the writer's PDF of each 2019-layout gold."""
    high_level = pytest.importorskip("pdfminer.high_level")
    from nianbao.report import Report
    from nianbao.writing.writer import render

    bad = []
    for stem, g in _golds_2019():
        text = high_level.extract_text(io.BytesIO(render(Report.from_flat(g), "pdf")))
        bad += [f"{stem}: {x}" for x in _check(text, g, strict=False)]
    assert not bad, "\n".join(bad[:20])


def test_the_2019_active_table_copied_row_by_row_is_still_read() -> None:
    """The cut applies only to a copy of that kind: the same table copied row by row (each
    label followed by its numbers, column headers above) is read whole."""
    for stem, g in _golds_2019():

        def row(label: str, *fids: str, g: dict[str, Any] = g) -> str:
            return " ".join([label] + [x for f in fids for x in _v(g, f"active2019.{f}")])

        three = ("items_prev", "items_delta", "decisions")
        lines = [
            S2_HEAD,
            "第二十条第（一）项",
            "信息内容 本年新制作数量 本年新公开数量 对外公开总数量",
            row("规章", *(f"regulations.{c}" for c in ("made", "published", "total_public"))),
            row("规范性文件", *(f"normative.{c}" for c in ("made", "published", "total_public"))),
            "第二十条第（五）项",
            "信息内容 上一年项目数量 本年增/减 处理决定数量",
            row("行政许可", *(f"licensing.{c}" for c in three)),
            row("其他对外管理服务事项", *(f"other_services.{c}" for c in three)),
            "第二十条第（六）项",
            "信息内容 上一年项目数量 本年增/减 处理决定数量",
            row("行政处罚", *(f"penalty.{c}" for c in three)),
            row("行政强制", *(f"coercion.{c}" for c in three)),
            "第二十条第（八）项",
            "信息内容 上一年项目数量 本年增/减",
            row("行政事业性收费", "fees.items_prev", "fees.items_delta"),
            "第二十条第（九）项",
            "信息内容 采购项目数量 采购总金额",
            row("政府集中采购", "procurement.items", "procurement.amount"),
        ]
        bad = _check(_page(g, "\n".join(lines)), g, strict=True)
        assert not bad, f"{stem}: " + "; ".join(bad[:5])
