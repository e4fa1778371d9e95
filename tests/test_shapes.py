"""The layout fuzzer of issue 10: every gold (and the invented reports of ``tests/shapes.py``)
rendered in every shape real copies take must parse without an exception, give back every
table id or name the cell in a finding (not a "missing" rule), raise no false
R-TABLE-MISSING / R-ROW-MISSING / R-SECTIONS, and get meta.agency and meta.year right unless
the shape removed them from the text.

Strict by default; ``NIANBAO_SHAPES_STRICT=0`` keeps only the generator's own checks and
the no-exception assertion while the reader is being made to pass. ``NIANBAO_SHAPES_SEED``
(default 0) and ``NIANBAO_SHAPES_SEEDS`` (default 3) choose the seeds. The full measurement
is ``python -m tests.shapes_eval``."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from nianbao.report import Report
from nianbao.writing.writer import title_of

from .shapes import SHAPES, TABLES, _row_candidates, render_shape, sources
from .shapes_eval import run_one

pytestmark = pytest.mark.shapes

STRICT = os.environ.get("NIANBAO_SHAPES_STRICT", "1") != "0"
SEED = int(os.environ.get("NIANBAO_SHAPES_SEED", "0"))
SEEDS = range(SEED, SEED + int(os.environ.get("NIANBAO_SHAPES_SEEDS", "3")))
SOURCES = sources()
META = {"meta.agency", "meta.year", "meta.published", "meta.format"}


@pytest.mark.parametrize("shape", SHAPES)
def test_generator_is_seeded_and_consistent(shape: str) -> None:
    for stem, gold in SOURCES:
        a = render_shape(gold, shape, 7, stem=stem)
        b = render_shape(gold, shape, 7, stem=stem)
        assert (a.text, a.expected, a.unrecoverable) == (b.text, b.expected, b.unrecoverable)
        ids = {k for k in gold if k.startswith(TABLES)}
        assert set(a.table_ids()) == ids  # every gold id is expected, nothing more
        assert a.unrecoverable <= ids | META
        if shape == "truncated":
            assert a.cut is not None and a.after_cut <= a.unrecoverable
        else:
            assert a.cut is None and not a.after_cut
        if shape == "no-title":
            assert title_of(Report.from_flat(gold)) not in a.text
        if shape in ("pipe-bare", "cell-pipe", "cell-blank", "cell-bar", "broken-labels"):
            assert not a.unrecoverable, "structured shapes keep every cell"
        if shape == "cell-blank":
            assert "\t" not in a.text and "|" not in a.text


def test_run_together_digits_split_by_the_arithmetic() -> None:
    # 一、本年新收…5001006: six applicant columns summing to the total, one way only
    assert _row_candidates("s3", "5001006", 7) == [("5", "0", "0", "1", "0", "0", "6")]
    # 规章0326: 0 / 3 / 26 or 0 / 32 / 6 — the form cannot tell
    assert len(_row_candidates("s2", "0326", 3)) == 2
    # section 四: three groups whose 总计 is the sum of the four results
    row = "1012" + "0000" + "0" + "2103"
    cands = _row_candidates("s4", row, 15)
    assert ("1", "0", "1", "2", "0", "0", "0", "0", "0", "2", "1", "0", "0", "3") not in cands
    assert all(sum(Decimal(t) for t in c[:4]) == Decimal(c[4]) for c in cands)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_gold_in_shape(shape: str) -> None:
    if len(SOURCES) < 3:
        pytest.skip("../shared/samples is not beside the checkout")
    problems: list[str] = []
    for seed in SEEDS:
        for stem, gold in SOURCES:
            r = render_shape(gold, shape, seed, stem=stem)
            s = run_one(r)
            where = f"{stem} (--shape {shape} --seed {seed} --n 1 --gold {stem}; base {r.base})"
            if s.refused:
                problems.append(f"{where}: refused: {s.refused}")
                continue
            if not STRICT:
                continue
            if s.silent:
                problems.append(
                    f"{where}: {s.silent} wrong cells no finding names, e.g. "
                    + "; ".join(s.silent_ids[:3])
                )
            if s.false_missing:
                problems.append(
                    f"{where}: false missing findings: " + "; ".join(s.false_missing[:3])
                )
            if s.false_sums:
                problems.append(
                    f"{where}: errors the document does not earn: " + "; ".join(s.false_sums[:3])
                )
            wrong_meta = [m for m in s.meta_wrong if m.startswith(("meta.agency", "meta.year"))]
            if wrong_meta:
                problems.append(f"{where}: " + "; ".join(wrong_meta))
    assert not problems, f"{len(problems)} problems in shape {shape}:\n" + "\n".join(problems)
