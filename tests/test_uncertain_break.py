"""Breaks of the uncertain-shift reading (``applications._label_shifted``), found by trying to
break it:

- 表三's 三、本年度办理结果 rowspan runs over 四、结转下年度继续办理 and the editor narrowed the
  row's label (colspan 2) so its cells stay under their header, its 自然人 blank. The label
  stands a column right of its siblings', its first cell is blank: the row was said unsure
  and the report's own arithmetic errors (a wrong 总计, a wrong organisation cell) were no
  longer reported. In a page's markup the cells' columns show they stand under the header;
  in a copy without spans (Markdown) the form's balance decides where it fits better;
- a sub-unit's report appended after the report, its section 一 holding a small table with
  a 总计 row (or a line 行政复议 of its own) in a copy of a cell a line: the line was taken
  for the first report's 表四 going on after a running head, the second report was no longer
  cut and its note that it was not read was lost (``second._GOES_ON``).

Generated from the golds of the shared samples (``tests/blindextra.py``'s tables).
"""

from __future__ import annotations

import random
import zlib
from typing import Any

import pytest

import nianbao
from tests import blindextra as B
from tests.test_uncertain_review import _golds as every_gold


def _golds() -> list[tuple[str, dict[str, Any]]]:
    """Every 2021 gold with a 表三, mixed layouts left out."""
    return every_gold(10**6)


def _with_error(gold: dict[str, Any], err: str) -> dict[str, Any]:
    """四's 自然人 blank (as many copies leave a 0), and a real error of the report's."""
    g = dict(gold)
    g["blank"] = [k for k in g.get("blank", []) if k != "requests.carried_forward.natural"]
    g["blank"].append("requests.carried_forward.natural")
    g.pop("requests.carried_forward.natural", None)
    k = f"requests.carried_forward.{err}"
    g[k] = B.num(B.cell(g, k)) + 2
    return g


def _narrowed(gold: dict[str, Any], name: str, style: str) -> str:
    rnd = random.Random(zlib.crc32(f"{name}|base".encode()))
    parts = B.build(gold, "overspan", rnd)
    for _head, blocks in parts:
        for b in blocks:
            if isinstance(b, tuple) and b[1][0][0].text.startswith("（本列数据"):
                b[1][-1][0] = B.c(b[1][-1][0].text, cs=2)  # the values under their header
    return B.render(parts, style)


def _missed(gold: dict[str, Any], out: dict[str, Any]) -> list[str]:
    """The gold's own arithmetic errors that no finding of their rule names."""
    fs = out.get("findings") or []
    miss = []
    for rule, cells in B.gold_violations(gold):
        if not any(
            (f.get("rule") or "").split(".")[0] == rule
            and any(B.covers(r, k) or B.covers(k, r) for r in f.get("cells") or [] for k in cells)
            for f in fs
        ):
            miss.append(f"{rule} {sorted(cells)[0]}")
    return miss


@pytest.mark.parametrize("err", ["total", "commercial"])
@pytest.mark.parametrize("style", ["html", "md"])
def test_narrowed_label_keeps_the_reports_errors_judged(style: str, err: str) -> None:
    bad = []
    for name, gold in _golds():
        g = _with_error(gold, err)
        text = _narrowed(g, name, style)
        out = nianbao.parse(text.encode("utf-8"), name=f"{name}{B.EXT[style]}").to_dict()
        s = B.score_doc(g, out)
        shift = [f for f in out["findings"] if f["rule"] == "R-LAYOUT-SHIFT"]
        if style == "html" and shift:
            bad.append(f"{name}: said unsure where the markup shows the columns")
        if shift and len({B.num(B.cell(g, f"requests.carried_forward.{c}")) for c in B.COLS}) > 2:
            # numbers that tell the readings apart (not a row of zeros and one figure)
            bad.append(f"{name}: said unsure where the form's balance decides")
        if not shift:
            bad += [f"{name}: {m}" for m in _missed(g, out)]
        bad += [f"{name}: {x}" for x in s["silent_list"] + s["false_list"]]
    assert not bad


def _sub_with(gold: dict[str, Any], name: str, variant: str, style: str) -> str:
    rnd = random.Random(zlib.crc32(f"{name}|sub_report".encode()))
    parts = B.build(gold, "sub_report", rnd)
    at = [i for i, (h, _b) in enumerate(parts) if h == B.SECTION_HEADS[0]][1]
    if variant == "total_row":
        t = [
            [B.c("发布渠道"), B.c("条数")],
            [B.c("门户网站"), B.c("120")],
            [B.c("总计"), B.c("120")],
        ]
        parts[at][1].append(("table", t))
    else:
        parts[at][1].extend(["本单位全年未发生因政府信息公开引起的", "行政复议"])
    return B.render(parts, style)


@pytest.mark.parametrize("variant", ["total_row", "review_words"])
@pytest.mark.parametrize("style", ["lines", "tab", "md", "html"])
def test_appended_report_with_a_total_row_in_its_section_one_still_cut(
    style: str, variant: str
) -> None:
    bad = []
    for name, gold in _golds():
        text = _sub_with(gold, name, variant, style)
        out = nianbao.parse(text.encode("utf-8"), name=f"{name}{B.EXT[style]}").to_dict()
        if not any("另一份年度报告" in f["message"] for f in out["findings"]):
            bad.append(f"{name}: the appended report neither cut nor said")
        s = B.score_doc(gold, out)
        bad += [f"{name}: {x}" for x in s["silent_list"] + s["false_list"]]
    assert not bad
