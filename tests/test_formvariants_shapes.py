"""The layout fuzzer's opt-in ``columns`` shape (tests/shapes.py): every gold in a pipe or
one-cell-per-line copy whose 表三 an agency edited (总计 first, or 自然人 after the
organisation columns; header words sometimes abbreviated). Before the header decided the
columns, such copies were read by position: 291 (总计 first) and 4084 (自然人 moved) silent
cells over one seed of the base shapes. Now no cell may be wrong without a finding, no
finding may call a present row missing, and nearly every cell is read."""

from __future__ import annotations

import pytest

from .shapes import sources
from .shapes_eval import renderings, run_one


# (the other opt-in shapes have their own tests: ``spaced`` in test_spaced_rows.py)
@pytest.mark.parametrize("shape", ["columns"])
def test_edited_columns_are_never_silent(shape: str) -> None:
    if not sources():
        pytest.skip("no gold files beside the checkout")
    problems: list[str] = []
    cells = right = 0
    for r in renderings(0, 3, (shape,)):
        s = run_one(r)
        where = f"--shape {shape} --seed {r.seed} --n 1 --gold {r.gold} ({' '.join(r.variants)})"
        if s.refused:
            problems.append(f"{where}: refused {s.refused}")
        if s.silent:
            problems.append(f"{where}: {s.silent} silent, e.g. {s.silent_ids[:3]}")
        if s.false_missing:
            problems.append(f"{where}: false missing {s.false_missing[:2]}")
        cells += s.cells
        right += s.right
    assert not problems, "\n".join(problems)
    assert right >= 0.98 * cells, f"{right}/{cells} cells right"
