"""Where the tool's reading is unsure, it says so, never blames the document, never stays
silent (reviewed by trying to break it):

- a Markdown table whose 三、本年度办理结果 rowspan runs one row too long: 四、结转下年度继续办理
  stands one column right, and where its 总计 is blank the converter drops the empty column
  after the table, so the row shows as many cells as the header (自然人 blank, 总计 holding
  其他's number). The row was read under the header and R-BALANCE blamed the report for
  the tool's own placement;
- 表三's organisation columns in another order than the form's, their words wrapped in their
  cells (商业 / 企业), in text laid out in lines (a row of tab-separated cells, the second
  lines of the words a row of their own; one cell per line): read in the form's order, two
  columns swapped silently;
- the report's title repeated as a page's running head (with its page number) inside 表四,
  and a sub-unit's report appended after the report: the text was cut at the running head
  as at a second report's title, and 表四's later rows were lost.

Generated from the golds of the shared samples (``tests/blindextra.py``'s tables).
"""

from __future__ import annotations

import random
import zlib
from typing import Any

import pytest

import nianbao
from tests import blindextra as B
from tests.gold import flatten, same

ARITH = B.ARITH_RULES


def _golds(n: int, mixed: bool = False) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for gp in B.gold_files():
        gold = B.load_gold(gp)
        if not any(k.startswith("requests.") for k in gold) or B.is_mixed(gold) != mixed:
            continue
        if gold.get("meta.format") not in ("2021", None):
            continue
        out.append((B.gold_name(gp), gold))
    if not out:
        pytest.skip("no samples beside the checkout")
    # spread over the list: small and large reports, city and department
    step = max(1, len(out) // n)
    return out[::step][:n]


def _parse(text: str, name: str) -> dict[str, Any]:
    return nianbao.parse(text.encode("utf-8"), name=name).to_dict()


def _problems(gold: dict[str, Any], out: dict[str, Any], prefix: str) -> list[str]:
    """Cells under ``prefix`` read wrong and named by no finding (not a missing one), and
    arithmetic findings the gold's own values do not raise."""
    r = B.score_doc(gold, out)
    return [x for x in r["silent_list"] if x.startswith(prefix)] + r["false_list"]


# ------------------------------------------------------------------ 1. overspan, 总计 blank
def _with(gold: dict[str, Any], row: str, values: list[int | None]) -> dict[str, Any]:
    g = dict(gold)
    blank = [k for k in g.get("blank", []) if not k.startswith(f"requests.{row}.")]
    for col, v in zip(B.COLS, values, strict=True):
        k = f"requests.{row}.{col}"
        if v is None:
            blank.append(k)
            g.pop(k, None)
        else:
            g[k] = v
    g["blank"] = blank
    return g


def _overspan_md(gold: dict[str, Any], name: str) -> str:
    rnd = random.Random(zlib.crc32(f"{name}|overspan".encode()))
    return B.render(B.build(gold, "overspan", rnd), "md")


@pytest.mark.parametrize("row", ["gold", "zeros", "ones"])
def test_overspan_with_blank_total_is_said_unsure_not_blamed(row: str) -> None:
    bad = []
    for name, gold in _golds(6):
        cf = [B.cell(gold, f"requests.carried_forward.{c}") for c in B.APPL]
        if row == "zeros":
            cf = [0] * 6
        elif row == "ones":
            cf = [1, 0, 0, 0, 0, 1]
        g = _with(gold, "carried_forward", [*cf, None])  # 总计 left blank
        out = _parse(_overspan_md(g, name), f"{name}.md")
        bad += [f"{name}: {p}" for p in _problems(g, out, "requests.")]
    assert not bad


def test_overspan_with_total_still_read() -> None:
    # the row with its 总计: a cell past the table, the row read from its label on
    for name, gold in _golds(4):
        cf = [B.num(B.cell(gold, f"requests.carried_forward.{c}")) for c in B.APPL]
        g = _with(gold, "carried_forward", [*cf, sum(cf)])
        out = _parse(_overspan_md(g, name), f"{name}.md")
        assert not _problems(g, out, "requests."), name


# ------------------------------------------------------- 2. wrapped header in another order
WRAPPED = {
    "commercial": ("商业", "企业"),
    "research": ("科研", "机构"),
    "social": ("社会公益", "组织"),
    "legal": ("法律服务", "机构"),
    "other_org": ("其他", ""),
}


def _orders(n: int, seed: int) -> list[tuple[str, ...]]:
    rnd = random.Random(seed)
    out: list[tuple[str, ...]] = []
    while len(out) < n:
        o = list(B.ORGS)
        rnd.shuffle(o)
        if tuple(o) != B.ORGS and tuple(o) not in out:
            out.append(tuple(o))
    return out


def _permuted_requests(gold: dict[str, Any], orgs: tuple[str, ...], wrap: str) -> B.Table:
    """表三 with its organisation columns in ``orgs``' order, each word wrapped in its cell:
    ``rows`` prints the words' second lines as a row of their own (企业 / 机构 / 组织),
    ``cells`` keeps both lines in the cell (one cell per line: a line each)."""
    cols = ("natural", *orgs, "total")
    t = B.requests_table(gold)
    body = t[3:]
    for row in body:
        k = len(row) - len(B.COLS)
        vals = {col: row[k + i].text for i, col in enumerate(B.COLS)}
        row[k:] = [B.c(vals[col]) for col in cols]
    if wrap == "rows":
        words = [[B.c(WRAPPED[o][0]) for o in orgs], [B.c(WRAPPED[o][1]) for o in orgs]]
        words[1] = [w for w in words[1] if w.text]
    elif wrap == "stagger":
        # the cells centred at two heights: three words' first lines, then their second
        # lines beside the other two words' first lines, then those words' second lines
        a, b = orgs[:3], orgs[3:]
        words = [
            [B.c(WRAPPED[o][0]) for o in a],
            [B.c(x) for x in [*(WRAPPED[o][1] for o in a), *(WRAPPED[o][0] for o in b)] if x],
            [B.c(WRAPPED[o][1]) for o in b if WRAPPED[o][1]],
        ]
    else:
        words = [[B.c("\n".join(x for x in WRAPPED[o] if x)) for o in orgs]]
    return t[:2] + words + body


def _permuted_doc(
    gold: dict[str, Any], name: str, orgs: tuple[str, ...], wrap: str, style: str
) -> str:
    rnd = random.Random(zlib.crc32(f"{name}|base".encode()))
    parts = B.build(gold, "base", rnd)
    for _head, blocks in parts:
        for i, b in enumerate(blocks):
            if isinstance(b, tuple) and b[1][0][0].text.startswith("（本列数据"):
                blocks[i] = ("table", _permuted_requests(gold, orgs, wrap))
    return B.render(parts, style)


@pytest.mark.parametrize(
    "style,wrap",
    [
        ("tab", "rows"),
        ("lines", "rows"),
        ("lines", "cells"),
        ("tab", "stagger"),
        ("lines", "stagger"),
    ],
)
def test_wrapped_header_in_another_order_never_swaps_silently(style: str, wrap: str) -> None:
    bad = []
    for name, gold in _golds(4):
        for orgs in _orders(3, zlib.crc32(name.encode())):
            out = _parse(_permuted_doc(gold, name, orgs, wrap, style), f"{name}.txt")
            bad += [f"{name} {'/'.join(orgs)}: {p}" for p in _problems(gold, out, "requests.")]
    assert not bad


@pytest.mark.parametrize("style", ["tab", "lines"])
@pytest.mark.parametrize("wrap", ["rows", "stagger"])
def test_wrapped_header_in_the_forms_order_still_read_whole(style: str, wrap: str) -> None:
    # the same pieces in the form's order: every line fits it, every cell read
    for name, gold in _golds(3):
        out = _parse(_permuted_doc(gold, name, B.ORGS, wrap, style), f"{name}.txt")
        flat = flatten({"requests": out["requests"]})
        wrong = [
            k for k in gold if k.startswith("requests.") and not same(B.cell(gold, k), flat.get(k))
        ]
        assert not wrong, (name, wrong[:3])


# ------------------------------------------------------------ 3. running head inside 表四
HEADS = {
    "title+page": "{title}\n- {page} -",
    "title page": "{title}  {page}",
    "page+title": "— {page} —\n{title}",
    # a running head that is not the title word for word (no line before the tables holds it)
    "short+page": "{year}年政府信息公开年度报告\n{page}",
}


def _interrupted(gold: dict[str, Any], name: str, style: str, head: str, sub: bool) -> str:
    """The report (and a sub-unit's after it) with its title and a page number printed
    as a page's running head among 表四's cells (after the header, or among the numbers)."""
    rnd = random.Random(zlib.crc32(f"{name}|sub_report".encode()))
    parts = B.build(gold, "sub_report" if sub else "base", rnd)
    shown = "lines" if style == "bare" else style
    text = B.render(parts, shown)
    title = str(parts[0][1][0])
    block = B.render_table(B.reviews_table(gold), shown)
    at = text.find(block, text.find(B.SECTION_HEADS[3]))
    assert at > 0
    lines = block.split("\n")
    if style == "bare":
        # the numbers a line each with nothing before them (a PDF's text, one cell a line)
        lines[-15:] = [x.strip() for x in lines[-15:]]
    # tab: between the header and the numbers; lines: after the numbers' fifth cell
    cut = len(lines) - 1 if style == "tab" else len(lines) - 10
    run = HEADS[head].format(title=title, page=7, year=B.year(gold))
    new = "\n".join([*lines[:cut], run, *lines[cut:]])
    return text[:at] + new + text[at + len(block) :]


@pytest.mark.parametrize("sub", [False, True], ids=["alone", "sub_report"])
@pytest.mark.parametrize("head", list(HEADS))
@pytest.mark.parametrize("style", ["tab", "lines", "bare"])
def test_running_head_inside_reviews_keeps_reviews_whole(style: str, head: str, sub: bool) -> None:
    bad = []
    for name, gold in _golds(6):
        if style == "bare" and any(k.startswith("reviews.") for k in gold.get("blank", [])):
            continue  # (a blank cell is an empty line: bare lines keep no place for it)
        out = _parse(_interrupted(gold, name, style, head, sub), f"{name}.txt")
        flat = flatten({"reviews": out.get("reviews") or {}})
        wrong = [
            f"{k}: {flat.get(k)!r} for {B.cell(gold, k)!r}"
            for k in gold
            if k.startswith("reviews.") and not same(B.cell(gold, k), flat.get(k))
        ]
        if style == "bare" and head == "short+page":
            # a bare page number among bare numbers, beside a title worded otherwise: which
            # number is the page's the lines do not say; the cells are named, never guessed
            wrong = _problems(gold, out, "reviews.")
        if wrong:
            bad.append(f"{name}: {wrong[:2]} {[f['rule'] for f in out['findings']][:6]}")
    assert not bad
