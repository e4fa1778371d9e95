"""Review of the blind set of reports printing more than the form (tests/blindextra.py): shapes
it does not print. A list of totals in two columns (项目 | 件数) before 表三, whose rows name
表三's; a column of shares (占比) after 总计 whose header cell is blank; shares as the change
beside last year's total. Each read whole, no cell wrong without a finding, no sum blamed."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import blindextra as B

Edit = Callable[[dict, list, int], None]


def _doc(tmp: Path, gold_prefix: str, edit: Edit, style: str) -> tuple[dict, dict]:
    gp = next((g for g in B.gold_files() if B.gold_name(g).startswith(gold_prefix)), None)
    if gp is None:
        pytest.skip("no samples beside the checkout")
    gold = B.load_gold(gp)
    parts = B.build(gold, "base", random.Random(0))
    s3 = parts[3][1]  # section 三's blocks
    at = next(i for i, b in enumerate(s3) if isinstance(b, tuple))
    edit(gold, s3, at)
    doc = tmp / f"{B.gold_name(gp)}_{style}{B.EXT[style]}"
    doc.write_text(B.render(parts, style), encoding="utf-8")
    out = B.run_tool([doc]).get(str(doc.resolve()))
    assert out is not None
    return B.score_doc(gold, out), out


def _totals_list(gold: dict, s3: list, at: int) -> None:
    rows = [[B.c("项目"), B.c("件数")]]
    for label, k in (
        ("本年新收政府信息公开申请数量", "requests.new.total"),
        ("上年结转政府信息公开申请数量", "requests.carried_over.total"),
        ("本年度办理结果", "requests.processed_total.total"),
        ("结转下年度继续办理", "requests.carried_forward.total"),
    ):
        rows.append([B.c(label), B.c(B.num(B.cell(gold, k)))])
    s3[at:at] = ["本年度依申请公开情况汇总如下：", ("table", rows)]


def _shares(gold: dict, s3: list, at: int, head: str = "") -> None:
    t = s3[at][1]
    whole = B.num(B.cell(gold, "requests.processed_total.total")) or 1
    t[0].append(B.c(head, rs=3))
    for r in t[3:]:
        v = int(r[-1].text or 0)
        r.append(B.c(f"{v / whole * 100:.1f}%"))


def _last_year_change(gold: dict, s3: list, at: int) -> None:
    t = s3[at][1]
    t[0] += [B.c("上年总计", rs=3), B.c("同比增减", rs=3)]
    for r in t[3:]:
        v = int(r[-1].text or 0)
        r += [B.c(v + 4), B.c(f"{(v - (v + 4)) / (v + 4) * 100:.1f}%")]


def _whole(r: dict) -> None:
    assert r["right"] == r["cells"], r["silent_list"][:5] + r["false_list"][:5]
    assert not r["false_missing"] and not r["false_arith"], r["false_list"]


@pytest.mark.parametrize("style", ["tab", "md"])
def test_list_of_totals_before_the_matrix_is_no_matrix(tmp_path: Path, style: str) -> None:
    # (gold 000 leaves 二、上年结转 blank in 表三: the list's 0 took its place and its 6 went
    # to 本年新收's 自然人, 总计 blank, and the sums were blamed)
    r, _ = _doc(tmp_path, "000_", _totals_list, style)
    _whole(r)


@pytest.mark.parametrize("style", ["tab", "md", "html"])
def test_share_column_with_a_blank_header(tmp_path: Path, style: str) -> None:
    # (gold 004's rows hold blanks: with the share read as a value, 总计 fell under 其他)
    r, out = _doc(tmp_path, "004_", _shares, style)
    _whole(r)
    assert any(
        f["rule"] == "R-CELL-COUNT" and f["severity"] == "info" and "百分比" in f["message"]
        for f in out["findings"]
    )


@pytest.mark.parametrize("style", ["tab", "md"])
def test_share_column_named_and_last_years_change_in_shares(tmp_path: Path, style: str) -> None:
    r, _ = _doc(tmp_path, "004_", lambda g, s, a: _shares(g, s, a, "占比"), style)
    _whole(r)
    r, _ = _doc(tmp_path, "004_", _last_year_change, style)
    _whole(r)


def test_prose_naming_the_header_words_cuts_no_flattened_matrix(tmp_path: Path) -> None:
    # 三's prose says 申请人情况 and 结转下年度 before the table; the section flattened onto
    # one line (a page's text run together): the form reading, which stops at a second
    # matrix's header after the first's 结转下年度 row, took the prose's words for the first
    # matrix and stopped at the table's own header (表三 called missing, every cell blank)
    def prose(gold: dict, s3: list, at: int) -> None:
        n = B.num(B.cell(gold, "requests.carried_forward.total"))
        s3.insert(
            at, f"从申请人情况看，以自然人为主；结转下年度继续办理{n}件，具体申请人情况见下表。"
        )

    gp = next((g for g in B.gold_files() if B.gold_name(g).startswith("003_")), None)
    if gp is None:
        pytest.skip("no samples beside the checkout")
    gold = B.load_gold(gp)
    parts = B.build(gold, "base", random.Random(0))
    s3 = parts[3][1]
    prose(gold, s3, next(i for i, b in enumerate(s3) if isinstance(b, tuple)))
    text = B.render(parts, "tab")
    a, b = text.index("三、收到和处理"), text.index("四、政府信息公开行政复议")
    head, body = text[a:b].split("\n", 1)
    doc = tmp_path / "flat.txt"
    doc.write_text(text[:a] + head + "\n" + " ".join(body.split()) + "\n" + text[b:], "utf-8")
    out = B.run_tool([doc]).get(str(doc.resolve()))
    assert out is not None
    r = B.score_doc(gold, out)
    assert not r["silent"] and not r["false_missing"] and not r["false_arith"], r["false_list"]
    assert r["right"] >= 0.95 * r["cells"]
