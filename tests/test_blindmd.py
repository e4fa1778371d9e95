"""The blind Markdown / text copies (tests/blindmd.py): the gold reports as PDF-to-Markdown
tools, document AI services, web readers and PDF text extraction write them. No cell read
wrong without a finding, no finding blaming the report for what the tool misread, no
"missing" finding for what the copy holds, and a floor of cells read right per shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import blindmd

SRC = str(Path(__file__).resolve().parent.parent / "src")
SEEDS = 3

# right cells / all gold cells per shape at least (the image copies show one table as a
# picture: its cells are named unread, never read)
FLOORS = {
    "mineru": 1.0,
    "mineru_split": 1.0,
    "mineru_merge": 1.0,
    "pandoc_html": 1.0,
    "attr_html": 1.0,
    "docling": 1.0,
    "marker": 1.0,
    "pymupdf4llm": 0.96,
    "grid": 1.0,
    "jina": 1.0,
    "llamaparse": 1.0,
    "list": 0.97,
    "plaintext": 0.97,
    "image": 0.70,
    "ocr_html": 0.95,
}


@pytest.fixture(scope="module")
def tallies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, blindmd.Tally]:
    if not blindmd.golds():
        pytest.skip("no gold samples beside the checkout")
    out = tmp_path_factory.mktemp("blindmd")
    made = blindmd.make(out, SEEDS, blindmd.SHAPES)
    return blindmd.score(made, blindmd.SHAPES, SRC)


def test_every_shape_has_a_floor() -> None:
    assert set(FLOORS) == set(blindmd.SHAPES)


@pytest.mark.parametrize("shape", blindmd.SHAPES)
def test_no_silent_no_false(tallies: dict[str, blindmd.Tally], shape: str) -> None:
    t = tallies[shape]
    assert t.cells > 0
    assert t.silent == 0, t.line(shape)
    assert t.accused == 0, t.line(shape)
    assert t.false == 0, t.line(shape)


@pytest.mark.parametrize("shape", blindmd.SHAPES)
def test_floor_of_right_cells(tallies: dict[str, blindmd.Tally], shape: str) -> None:
    t = tallies[shape]
    assert t.right >= FLOORS[shape] * t.cells, t.line(shape)


def test_generation_is_deterministic(tmp_path: Path) -> None:
    if not blindmd.golds():
        pytest.skip("no gold samples beside the checkout")
    a = blindmd.make(tmp_path / "a", 1, ["marker", "plaintext", "mineru_split"])
    b = blindmd.make(tmp_path / "b", 1, ["marker", "plaintext", "mineru_split"])
    assert [p.read_text(encoding="utf-8") for p in a] == [p.read_text(encoding="utf-8") for p in b]
