"""Reports rendered the way agencies' PDF producers write them (tests/blindpdf.py: Word's
filled-rectangle borders, WPS's one-character text runs, a virtual printer's scaled and
shuffled page with simulated bold, a watermark and a seal, tables crossing pages with and
without a repeated header, landscape pages set sideways with /Rotate, numbers wrapping in
narrow columns, distributed labels, rules stopping short of their crossings…) read back
against their gold: no silent wrong value, no false accusation, and every cell right (but
for the floor of one shape, FLOOR).

Family this found: a title or heading in simulated bold (each glyph drawn twice a fraction
of a point apart) was read with every character doubled (「汉汉阴阴县县…」), so the agency
was read wrong with no finding.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("reportlab")

from tests import blindpdf as bp  # noqa: E402
from tests.gold import SAMPLES, SHARED  # noqa: E402

pytestmark = pytest.mark.skipif(not SAMPLES.exists(), reason="../shared is missing")

# the 2021 layout with blanks everywhere, the mixed layout, large numbers
GOLDS = ["001_", "hongze-2023", "huaian-2024"]
SHAPES = [
    "word",
    "wps",
    "printer",
    "pagebreak",
    "breaknorepeat",
    "rotated",
    "tight",
    "flathead",
    "distributed",
    "gaps",
    "threeline",
    "borderless",
    "jitter",
]
# rows whose column boundaries differ by up to 3 pt, numbers set against the cell's left
# rule: the table finder snaps the boundaries of all rows together (as pdfplumber does) and
# a number can fall into the cell on its left (then named by a finding, never silent)
FLOOR = {"jitter": 0.98}


def _score(paths: list[Path]) -> dict[str, list[int]]:
    """Per shape [cells right, cells, silent, false accusations], scored as
    ../shared/hooks/score.py and silent.py score (meta.title and meta.published left out)."""
    sys.path.insert(0, str(SHARED / "hooks"))
    from score import flatten, same  # type: ignore[import-not-found]
    from silent import MISSING_RULES, TABLES, covers  # type: ignore[import-not-found]

    from nianbao.api import parse

    per: dict[str, list[int]] = {}
    for p in paths:
        gold: dict[str, Any] = json.loads(
            (p.parent / (p.stem + ".gold.json")).read_text(encoding="utf-8")
        )
        blanks = set(gold.get("blank", []))
        acc = per.setdefault(p.stem.split("__")[-1], [0, 0, 0, 0])
        o = json.loads(parse(str(p)).to_json())
        flat = flatten(o)
        findings = o.get("findings") or []
        keys = [k for k in gold if k.startswith(TABLES)]
        for k, g in gold.items():
            if k in ("blank", "notes", "meta.title", "meta.published"):
                continue
            g = None if k in blanks else g
            acc[1] += 1
            if same(g, flat.get(k)):
                acc[0] += 1
                continue
            named = k.startswith(TABLES) and any(
                f.get("rule", "").split(".")[0] not in MISSING_RULES
                and not f.get("rule", "").startswith("R-SECTIONS")
                and any(covers(c, k) for c in f.get("cells") or [])
                for f in findings
            )
            if not named:  # a meta field read wrong is silent too
                acc[2] += 1
        for f in findings:
            rule = f.get("rule", "").split(".")[0]
            if rule in MISSING_RULES or rule == "R-SECTIONS":
                if any(covers(c, k) for c in f.get("cells") or [] for k in keys):
                    acc[3] += 1
    return per


@pytest.mark.parametrize("prefix", GOLDS)
def test_producer_shapes(tmp_path: Path, prefix: str) -> None:
    paths = bp.generate(tmp_path, [prefix], SHAPES)
    assert len(paths) == len(SHAPES)
    for shape, (right, total, silent, false) in _score(paths).items():
        assert silent == 0, f"{shape}: {silent} silent wrong values"
        assert false == 0, f"{shape}: {false} false accusations"
        assert right >= FLOOR.get(shape, 1.0) * total, f"{shape}: {right}/{total} fields right"


def test_simulated_bold_is_read_once(tmp_path: Path) -> None:
    """Every glyph of the title and headings drawn twice, 0.35 pt apart: read once."""
    from nianbao.readers.pdf import read_pdf

    p = bp.render(next(g for g in bp.golds() if g.name.startswith("001_")), "printer", tmp_path)
    doc = read_pdf(p.read_bytes(), str(p))
    assert "汉阴县2022年政府信息公开工作年度报告" in doc.text
    assert "一、总体情况" in doc.text
    assert "汉汉" not in doc.text
