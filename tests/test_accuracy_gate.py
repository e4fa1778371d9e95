"""CI keeps the gold-scored accuracy per input format from regressing (floors pinned in
tests/accuracy_baseline.json; re-pin with `python -m tests.accuracy --update`)."""

from __future__ import annotations

import json

import pytest

from .accuracy import BASELINE, evaluate
from .conftest import SAMPLES

EPSILON = 1e-9


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="no samples")
def test_accuracy_does_not_regress():
    floors = json.loads(BASELINE.read_text())["floors"]
    got = evaluate()
    for fmt, floor in floors.items():
        if fmt not in got:  # e.g. pdftotext missing on this machine
            continue
        assert got[fmt]["accuracy"] + EPSILON >= floor, f"{fmt}: {got[fmt]} < floor {floor}"
