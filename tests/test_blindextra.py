"""Reports printing more than the national form (tests/blindextra.py): per-unit tables,
platform and 建议提案 tables, extra columns, last year's figures and matrix, numbered
lists, prose full of numbers, 附件 tables, a sub-unit's report appended. A subset: every
shape, two copy styles, four golds. No cell wrong without a finding naming it, no table
called missing that is there, no sum blamed that the gold's own figures keep."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import blindextra as B

GOLDS = ("000_", "003_", "hongze-2023", "shanghai-office")


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    if not B.gold_files():
        pytest.skip("no samples beside the checkout")
    out: Path = tmp_path_factory.mktemp("blindextra")
    rows = B.generate(out, B.SHAPES, ("tab", "html"), GOLDS)
    assert len(rows) == len(B.SHAPES) * 2 * len(GOLDS)
    return B.score(rows)


def test_no_silent_cell(scored: dict[str, dict]) -> None:
    bad = {k: v["silent"] for k, v in scored.items() if "/" not in k and v["silent"]}
    assert not bad


def test_no_false_missing_nor_false_sum(scored: dict[str, dict]) -> None:
    bad = {
        k: (v["false_missing"], v["false_arith"])
        for k, v in scored.items()
        if "/" not in k and (v["false_missing"] or v["false_arith"])
    }
    assert not bad


def test_cells_right(scored: dict[str, dict]) -> None:
    # every shape, and all of them at once, read whole (a floor, should a reading of some
    # copy ever have to leave cells named unread)
    for shape, v in scored.items():
        if "/" in shape:
            continue
        assert v["right"] >= (1.0 if shape != "combo" else 0.98) * v["cells"], shape
    assert scored["_all"]["right"] >= 0.995 * scored["_all"]["cells"]
