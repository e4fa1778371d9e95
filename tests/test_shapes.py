"""The layout fuzzer of issue 10: every gold rendered in every shape real copies take
(``tests/shapes.py``) must parse without an exception, give back every table id or name the
cell in a finding (not a "missing" rule), raise no false R-TABLE-MISSING / R-ROW-MISSING /
R-SECTIONS, and get meta.agency and meta.year right unless the shape removed them.

Strict by default; ``NIANBAO_SHAPES_STRICT=0`` keeps only the generator's own checks and
the no-exception assertion, while the reader is being made to pass. The full measurement is
``python -m tests.shapes_eval``."""

from __future__ import annotations

import os

import pytest

from .shapes import SHAPES, TABLES, gold_files, gold_stem, load_gold, render_shape
from .shapes_eval import run_one

pytestmark = pytest.mark.shapes

STRICT = os.environ.get("NIANBAO_SHAPES_STRICT", "1") != "0"
SEED = int(os.environ.get("NIANBAO_SHAPES_SEED", "0"))
GOLDS = gold_files()


def test_generator_is_seeded_and_consistent() -> None:
    if not GOLDS:
        pytest.skip("../shared/samples is not beside the checkout")
    gold = load_gold(GOLDS[0])
    for shape in SHAPES:
        a = render_shape(gold, shape, 7, stem="g")
        b = render_shape(gold, shape, 7, stem="g")
        assert (a.text, a.expected, a.unrecoverable) == (b.text, b.expected, b.unrecoverable)
        ids = {k for k in gold if k.startswith(TABLES)}
        assert set(a.table_ids()) == ids  # every gold id is expected, nothing more
        assert a.unrecoverable <= ids | {
            "meta.agency",
            "meta.year",
            "meta.published",
            "meta.format",
        }
        if shape == "truncated":
            assert a.cut is not None and a.after_cut <= ids
        else:
            assert a.cut is None and not a.after_cut
        if shape == "no-title":
            assert gold.get("meta.title", "") not in a.text.splitlines()[0]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_gold_in_shape(shape: str) -> None:
    if not GOLDS:
        pytest.skip("../shared/samples is not beside the checkout")
    problems: list[str] = []
    for path in GOLDS:
        r = render_shape(load_gold(path), shape, SEED, stem=gold_stem(path))
        s = run_one(r)
        where = f"{r.gold} (--shape {shape} --seed {SEED} --gold {r.gold}; base {r.base})"
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
            problems.append(f"{where}: false missing findings: " + "; ".join(s.false_missing[:3]))
        wrong_meta = [m for m in s.meta_wrong if m.startswith(("meta.agency", "meta.year"))]
        if wrong_meta:
            problems.append(f"{where}: " + "; ".join(wrong_meta))
    assert not problems, f"{len(problems)} problems in shape {shape}:\n" + "\n".join(problems)
