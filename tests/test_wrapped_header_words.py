"""Shortened column words (商业, 科研, 公益: a narrow header) against the form's words wrapped in
their cells (科研 / 机构, 社会 / 公益 / 组织). When the shortened words were added (commit
ea2f4e6), an unruled PDF's header, each cell's lines centred at its own height and read as
rows of their own (自然人 社会 总计 / 科研 法律服务 / 商业企业 公益 其他 / 机构 机构 / 组织),
named all seven columns in a line order that is no column order: 表三's numbers were read two
or three columns to the right, silently (tests/test_pdf_unruled.py), and a pdfplumber copy of
a real report got false sums (tests/test_textshapes_pdftools.py). A shortened word now names
its column only where no other header cell holds the rest of the form's word; in a grid the
pieces down one column are joined, and the organisation words standing in several rows take
their order from the cells' columns, never from the rows' order of words.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.extraction.form.read import header_columns
from nianbao.readers import labels as L

from .shapes import SAMPLES


def test_the_rest_of_a_shortened_word() -> None:
    assert L.column_rest("科研") == ("机构",)
    assert L.column_rest("公益") == ("社会", "组织")
    assert L.column_rest("社会公益") == ("组织",)
    assert L.column_rest("科研机构") == ()  # the form's word
    assert L.column_rest("社会团体") == ()  # another word for the column, no piece of it
    assert L.column_piece("科研", ["自然人", "机构", "总计"])
    assert not L.column_piece("科研", ["自然人", "商业", "公益", "总计"])
    # a cell naming a column is no rest of another word
    assert not L.column_piece("公益", ["社会组织"])


def test_text_header_wrapped_gives_no_order() -> None:
    wrapped = "申请人情况\n法人或其他组织\n自然人 社会 总计\n科研 法律服务\n商业企业 公益 其他\n机构 机构\n组织\n"
    assert header_columns(wrapped) is None
    narrow = "申请人情况\n自然人 法人或其他组织 总计\n科研 商业 公益 法律服务 其他\n"
    assert header_columns(narrow) == [
        "natural",
        "research",
        "commercial",
        "social",
        "legal",
        "other_org",
        "total",
    ]


def _staggered(rows: list[str]) -> tuple[str, dict[str, Any]]:
    stem = "002_e0ae7886d21f5780"
    path = SAMPLES / f"{stem}.txt"
    if not path.exists():
        pytest.skip("shared samples not available")
    src = path.read_text(encoding="utf-8").split("\n")
    gold = json.loads((SAMPLES / f"{stem}.gold.json").read_text(encoding="utf-8"))
    i = next(n for n, line in enumerate(src) if line.startswith("\t自然人"))
    return "\n".join(src[:i] + rows + src[i + 2 :]), gold


def test_grid_header_with_wrapped_cells(tmp_path: Path) -> None:
    """A tab copy of a header whose words wrapped in their cells, each line a row of its own
    and the paragraph 申请人情况 above: every cell right, and no 科研 / 公益 / 法律服务 said to
    be a variant of the form's word (it is the form's word, wrapped)."""
    text, gold = _staggered(
        [
            "\t自然人\t法人或其他组织\t\t社会\t\t\t总计",
            "\t\t\t科研\t\t法律服务\t\t",
            "\t\t商业企业\t\t公益\t\t其他\t",
            "\t\t\t机构\t\t机构\t\t",
            "\t\t\t\t组织\t\t\t",
        ]
    )
    path = tmp_path / "wrapped.txt"
    path.write_text(text, encoding="utf-8")
    report = nianbao.parse(path)
    got = report.flat()
    wrong = [
        f"{k}: {v!r} read as {got.get(k)!r}"
        for k, v in gold.items()
        if k.startswith("requests.") and got.get(k) != v
    ]
    assert not wrong, wrong
    said = [f.message for f in report.findings if f.rule == "R-LABEL-VARIANT"]
    assert not [m for m in said if any(w in m for w in ("「科研」", "「公益」", "「法律服务」"))]


def test_grid_header_of_shortened_words(tmp_path: Path) -> None:
    """The narrow header's shortened words themselves, in a grid: read, and named variants."""
    text, gold = _staggered(
        [
            "\t自然人\t法人或其他组织\t\t\t\t\t总计",
            "\t\t商业\t科研\t公益\t法律服务\t其他\t",
        ]
    )
    path = tmp_path / "narrow.txt"
    path.write_text(text, encoding="utf-8")
    report = nianbao.parse(path)
    got = report.flat()
    assert all(got.get(k) == v for k, v in gold.items() if k.startswith("requests."))
    said = " ".join(f.message for f in report.findings if f.rule == "R-LABEL-VARIANT")
    assert "「科研」" in said and "「公益」" in said
