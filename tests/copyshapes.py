"""Copies of every gold in shapes real reports take that the other generators do not make.

    python -m tests.copyshapes [--shape S[,S…]] [--n K] [--seed N] [--show M]

Each gold is laid out by the writer in its ``tab`` style (or ``md`` for the Markdown shapes)
and then printed otherwise:

* ``review-lines``  — 表四 transposed into labelled lines: the group names (行政复议 /
  行政诉讼 / 未经复议直接起诉 / 复议后起诉) on lines of their own, each figure a line
  (「维持：27」「结果纠正: 3」「总计 30件」) or a group's figures on one line
  (「维持：27，纠正：3，其他：0，尚未审结：0，总计：30」), sometimes a sentence after them
  naming a result (以上行政复议案件均维持原行政行为。);
* ``review-merged`` — 表四 as two rows, each header pair merged into one cell
  (行政复议结果维持 … 复议后起诉总计) over the row of fifteen numbers;
* ``review-pairs``  — 表四 as a Markdown table of two columns (结果维持 | 27) under each
  group's name;
* ``review-transposed`` — 表四 on its side: a row per result, a column per group;
* ``s3-split``      — 表三's seven columns printed in two blocks (续表), the labels in both;
* ``paren-sections``— the six sections numbered （1）（2）, (1), 1. , 1、 or 第一部分;
* ``seq-space``     — the tables' cells separated by spaces (a crawler that turned tabs
  into spaces) with a numbering column (序号) before 表二's rows, and sometimes 表三's;
  ``space``: the same copy without the numbering column (what ``seq-space`` is held to);
* ``thousands``     — numbers of four digits or more printed with thousands separators
  (``thousands-space``: in a copy spaced by spaces, the ``space`` shape);
* ``bold-md``       — Markdown with the headings in bold (``**一、总体情况**``);
* ``md-quote``      — the whole page, in any of the writer's text layouts, copied as a
  Markdown block quote (``> `` before every line, ``>`` alone on blank ones, sometimes nested ``>> `` or the title left outside).

Nothing is repaired: the expected values are the gold's. Scored by
``tests.shapes_eval.score`` (right / named / silent / false missing / false sums).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Callable
from typing import Any

from nianbao.report import Report
from nianbao.schema import SECTION_HEADINGS
from nianbao.writing.writer import TEXT_STYLES, render

from .shapes import Rendering, every_source

SHAPES: tuple[str, ...] = (
    "review-lines",
    "review-merged",
    "review-pairs",
    "review-transposed",
    "s3-split",
    "paren-sections",
    "seq-space",
    "space",
    "thousands",
    "thousands-space",
    "bold-md",
    "md-quote",
    "html-br",
)
GROUPS = ("reconsideration", "litigation_direct", "litigation_after")
FIELDS = ("upheld", "corrected", "other", "pending", "total")
_LONG = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_SHORT = ("维持", "纠正", "其他", "尚未审结", "总计")
_HEADS = list(SECTION_HEADINGS.values())
_CN = "一二三四五六"


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _value(gold: dict[str, Any], key: str) -> Any:
    return None if key in set(gold.get("blank") or ()) else gold.get(key)


def _sections(lines: list[str]) -> dict[str, int]:
    """Index of each section heading line (s1…s6) in the writer's text."""
    out: dict[str, int] = {}
    for i, line in enumerate(lines):
        for key, head in SECTION_HEADINGS.items():
            if line.strip().lstrip("#* ").rstrip("* ") == head and key not in out:
                out[key] = i
    return out


def _table_span(lines: list[str], start: int, end: int) -> tuple[int, int]:
    """First and last+1 line of the tab table between two line indexes."""
    rows = [i for i in range(start, end) if "\t" in lines[i]]
    return (rows[0], rows[-1] + 1) if rows else (start, start)


# ---------------------------------------------------------------------- shapes
def _review_lines(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    sec = _sections(lines)
    a, b = _table_span(lines, sec["s4"], sec["s5"])
    words = rng.choice((_LONG, _SHORT))
    sep = rng.choice(("：", ":", " ", "： "))
    unit = rng.choice(("", "", "件"))
    inline = rng.random() < 0.4
    joiner = rng.choice(("，", "；", "  "))
    v.append(f"words={words[0]} sep={sep!r} unit={unit} inline={inline}")
    out: list[str] = []
    head = rng.choice((("行政复议", "行政诉讼"), ("（一）行政复议", "（二）行政诉讼")))
    for g in GROUPS:
        if g == "reconsideration":
            out.append(head[0])
        elif g == "litigation_direct":
            out.append(head[1])
            out.append("未经复议直接起诉")
        else:
            out.append("复议后起诉")
        items = []
        for w, f in zip(words, FIELDS):
            val = _cell(_value(gold, f"reviews.{g}.{f}"))
            items.append(f"{w}{sep}{val}{unit if val else ''}".rstrip())
        if inline:
            out.append(joiner.join(items))
        else:
            out += items
    # a sentence after the figures naming a result, without a figure of its own
    tail = rng.choice(("", "", "以上行政复议案件均维持原行政行为。", "纠正案件较上年减少2件。"))
    v.append(f"tail={bool(tail)}")
    lines[a:b] = out + ([tail] if tail else [])


def _review_pairs(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    """表四 as a small Markdown table of two columns (result | number) under each group's
    name, the name on a line of its own or in a row of the table."""
    sec = _sections(lines)
    a, b = _table_span(lines, sec["s4"], sec["s5"])
    words = rng.choice((_LONG, _SHORT))
    head = rng.random() < 0.5  # each table opened by 「| 项目 | 数量 |」 and its rule
    in_row = rng.random() < 0.5  # the group's name as a row 「| 行政复议 | |」
    v.append(f"words={words[0]} head={head} in_row={in_row}")
    names = {
        "reconsideration": ["行政复议"],
        "litigation_direct": ["行政诉讼", "未经复议直接起诉"],
        "litigation_after": ["复议后起诉"],
    }
    out: list[str] = []
    for g in GROUPS:
        out += [f"| {n} | |" for n in names[g]] if in_row else names[g]
        if head:
            out += ["| 项目 | 数量（件） |", "|---|---|"]
        out += [
            f"| {w} | {_cell(_value(gold, f'reviews.{g}.{f}'))} |" for w, f in zip(words, FIELDS)
        ]
    lines[a:b] = out


_MERGED = {
    "reconsideration": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after": "复议后起诉",
}


def _review_merged(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    sec = _sections(lines)
    a, b = _table_span(lines, sec["s4"], sec["s5"])
    words = rng.choice((_LONG, _SHORT))
    lit = rng.random() < 0.5  # 行政诉讼 printed in front of the two litigation groups
    sep = rng.choice(("\t", " | "))
    v.append(f"words={words[0]} lit={lit} sep={sep!r}")
    head, vals = [], []
    for g in GROUPS:
        name = ("行政诉讼" if lit and g != "reconsideration" else "") + _MERGED[g]
        for w, f in zip(words, FIELDS):
            head.append(name + w)
            vals.append(_cell(_value(gold, f"reviews.{g}.{f}")))
    if sep == " | ":
        lines[a:b] = [
            "| " + " | ".join(head) + " |",
            "|" + "---|" * len(head),
            "| " + " | ".join(vals) + " |",
        ]
    else:
        lines[a:b] = [sep.join(head), sep.join(vals)]


def _review_transposed(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    """表四 turned on its side: a row per result (结果维持 … 总计), a column per group."""
    sec = _sections(lines)
    a, b = _table_span(lines, sec["s4"], sec["s5"])
    words = rng.choice((_LONG, _SHORT))
    two_rows = rng.random() < 0.5  # 行政诉讼 over its two columns in a header row of its own
    sep = rng.choice(("\t", " | "))
    v.append(f"words={words[0]} two_rows={two_rows} sep={sep!r}")
    head = [["", "行政复议", "行政诉讼", ""], ["", "", "未经复议直接起诉", "复议后起诉"]]
    if not two_rows:
        head = [["项目", "行政复议", "未经复议直接起诉", "复议后起诉"]]
    rows = head + [
        [w] + [_cell(_value(gold, f"reviews.{g}.{f}")) for g in GROUPS]
        for w, f in zip(words, FIELDS)
    ]
    if sep == " | ":
        out = ["| " + " | ".join(r) + " |" for r in rows]
        out.insert(len(head), "|---|---|---|---|")
    else:
        out = [sep.join(r) for r in rows]
    lines[a:b] = out


def _s3_split(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    """表三 printed in two blocks of columns (a wide table cut for the page): the labels
    with 自然人 and the first organisations, then the labels again with the rest and 总计."""
    sec = _sections(lines)
    a, b = _table_span(lines, sec["s3"], sec["s4"])
    cut = rng.choice((3, 4))
    cont = rng.choice(("续表", "（续表）", ""))
    v.append(f"cut={cut} cont={cont}")
    cols = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    body = lines[a + 3 : b]
    first: list[str] = ["\t申请人情况", "\t" + "\t".join(cols[:cut])]
    second: list[str] = ["\t申请人情况", "\t" + "\t".join(cols[cut:])]
    for line in body:
        cells = line.split("\t")
        labels, vals = cells[:-7], cells[-7:]
        first.append("\t".join(labels + vals[:cut]))
        second.append("\t".join(labels + vals[cut:]))
    lines[a:b] = first + ([""] + ([cont] if cont else []) + [""]) + second


_NUMBERINGS = (
    lambda k: f"（{k}）",
    lambda k: f"({k})",
    lambda k: f"{k}.",
    lambda k: f"{k}、",
    lambda k: f"第{_CN[k - 1]}部分 ",
    lambda k: f"第{_CN[k - 1]}部分、",
)


def _paren_sections(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    k = rng.randrange(len(_NUMBERINGS))
    v.append(f"numbering={_NUMBERINGS[k](1)}")
    for key, i in _sections(lines).items():
        n = int(key[1])
        lines[i] = _NUMBERINGS[k](n) + SECTION_HEADINGS[key][2:]


def _seq_space(
    lines: list[str], gold: dict[str, Any], rng: random.Random, v: list, numbered: bool = True
) -> None:
    sec = _sections(lines)
    s3_too = rng.random() < 0.4
    gap = rng.choice((" ", "  ", " " * 3))
    v.append(f"s3={s3_too} gap={gap!r}")
    if not numbered:
        for i in range(sec["s2"], sec["s5"]):
            lines[i] = gap.join(lines[i].split("\t")).rstrip()
        return
    a2, b2 = _table_span(lines, sec["s2"], sec["s3"])
    a3, b3 = _table_span(lines, sec["s3"], sec["s4"])
    n = 0
    for i in range(a2, b2):
        cells = lines[i].split("\t")
        if cells[0] == "信息内容":
            cells = ["序号"] + cells
        elif cells[0].startswith("第二十") or cells[0].startswith("第") and "条" in cells[0]:
            pass
        elif cells[0]:
            n += 1
            cells = [str(n)] + cells
        lines[i] = gap.join(c for c in cells).rstrip()
    n = 0
    for i in range(a3, b3):
        cells = lines[i].split("\t")
        if s3_too:
            if i - a3 < 3:
                cells = (["序号"] if i == a3 else [""]) + cells
            else:
                n += 1
                cells = [str(n)] + cells
        lines[i] = gap.join(cells).rstrip()
    a4, b4 = _table_span(lines, sec["s4"], sec["s5"])
    # 表四's header opened by 序号, its one value row numbered 1 (only where the row has no
    # blank cell: with blanks, the 1 and a value of 1 read alike, and the row is named unread)
    s4_too = rng.random() < 0.5 and all(
        _value(gold, f"reviews.{g}.{f}") is not None for g in GROUPS for f in FIELDS
    )
    v.append(f"s4={s4_too}")
    for i in range(a4, b4):
        cells = lines[i].split("\t")
        if s4_too:
            cells = (["序号"] if i == a4 else ["1"] if i == b4 - 1 else [""]) + cells
        lines[i] = gap.join(cells).rstrip()


_BIG = re.compile(r"(?<![\d.])(\d{4,})(?=\D|$)")


def _thousands(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    sec = _sections(lines)
    sep = rng.choice((",", ",", "，"))
    v.append(f"sep={sep!r}")
    for i in range(sec["s2"], sec["s5"]):
        if "\t" in lines[i]:
            lines[i] = _BIG.sub(lambda m: f"{int(m.group(1)):,}".replace(",", sep), lines[i])


def _bold_md(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    plain = rng.random() < 0.3  # bold paragraphs, no ## at all
    v.append(f"plain={plain}")
    for key, i in _sections(lines).items():
        lines[i] = ("" if plain else rng.choice(("", "### "))) + f"**{SECTION_HEADINGS[key]}**"


def _md_quote(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    mark = rng.choice(("> ", "> ", ">> ", " > "))
    bare = rng.choice((">", "", mark.rstrip()))
    title = rng.random() < 0.3  # the title line left outside the quote
    v.append(f"mark={mark!r} bare={bare!r} title={title}")
    for i, line in enumerate(lines):
        if title and i == 0:
            continue
        lines[i] = mark + line if line else bare


def _html_br(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    tag = rng.choice(("<br>", "<br/>", "<br />", "<BR>"))
    blank = rng.random() < 0.5  # on blank lines too
    v.append(f"tag={tag!r} blank={blank}")
    for i, line in enumerate(lines[:-1]):
        if line or blank:
            lines[i] = line + tag


_EDIT: dict[str, Callable[..., None]] = {
    "review-lines": _review_lines,
    "review-merged": _review_merged,
    "review-pairs": _review_pairs,
    "paren-sections": _paren_sections,
    "review-transposed": _review_transposed,
    "s3-split": _s3_split,
    "seq-space": _seq_space,
    "space": lambda lines, gold, rng, v: _seq_space(lines, gold, rng, v, numbered=False),
    "thousands": _thousands,
    "thousands-space": lambda lines, gold, rng, v: (
        _thousands(lines, gold, rng, v),
        _seq_space(lines, gold, rng, v, numbered=False),
    ),
    "bold-md": _bold_md,
    "md-quote": _md_quote,
    "html-br": _html_br,
}


def render_copy(gold: dict[str, Any], shape: str, seed: int = 0, stem: str = "gold") -> Rendering:
    """The gold printed by the writer and edited into ``shape``."""
    rng = random.Random(f"{seed}|{stem}|{shape}")
    style = "md" if shape == "bold-md" else "tab"
    if shape in ("md-quote", "html-br"):  # any of the writer's text layouts
        style = rng.choice(TEXT_STYLES)
    report = Report.from_flat(gold)
    lines = render(report, style).decode("utf-8").split("\n")
    variants: list[str] = []
    _EDIT[shape](lines, gold, rng, variants)
    expected: dict[str, Any] = {k: val for k, val in gold.items() if k != "notes"}
    expected["blank"] = list(gold.get("blank") or [])
    return Rendering(
        gold=stem,
        shape=shape,
        seed=seed,
        base=style,
        text="\n".join(lines),
        expected=expected,
        variants=variants,
    )


def all_copies(
    shapes: tuple[str, ...] = SHAPES, seed: int = 0, n: int = 1, gold_filter: str = ""
) -> list[Rendering]:
    return every_source(render_copy, shapes, seed, n, gold_filter)


def main(argv: list[str] | None = None) -> int:
    from .shapes_eval import shape_table

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shape", default="")
    ap.add_argument("--n", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=3)
    ap.add_argument("--gold", default="")
    a = ap.parse_args(argv)
    shapes = tuple(s for s in a.shape.split(",") if s) or SHAPES
    shape_table(shapes, lambda shape: all_copies((shape,), a.seed, a.n, a.gold), a.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
