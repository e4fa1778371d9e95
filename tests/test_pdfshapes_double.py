"""Ruled tables in the shapes Word documents give them, printed to PDF by LibreOffice.

A Word "double" border (``w:val="double"`` on the table's borders) is printed by
LibreOffice as a pair of thin lines round every cell, 3 to 6 points apart at the widths
Word offers from 1.5 pt: the table finder read the pairs as slivers of cells, the tables
fell apart and were read by the alignment of their text (hundreds of cells unread and one
row called missing).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.readers.pdf_tables import find_table_cells
from nianbao.report import Report
from nianbao.writing.writer import render

from .shapes import TABLES, sources
from .test_pdf_unruled import _print_pdfs

_MISSING = {"R-TABLE-MISSING", "R-ROW-MISSING", "R-SECTIONS"}


def _bordered(gold: dict[str, Any], val: str, size: int, inner: str | None = None) -> bytes:
    """The writer's DOCX of ``gold`` with every table's borders set to ``val`` at ``size``
    (eighths of a point); the inner rules ``inner`` (default: the same) at 0.5 pt."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document(io.BytesIO(render(Report.from_flat(gold), "docx")))
    for table in d.tables:
        pr = table._tbl.tblPr
        for old in pr.findall(qn("w:tblBorders")):
            pr.remove(old)
        borders = OxmlElement("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            outer = side in ("top", "left", "bottom", "right")
            e = OxmlElement(f"w:{side}")
            e.set(qn("w:val"), val if outer or inner is None else inner)
            e.set(qn("w:sz"), str(size if outer or inner is None else 4))
            e.set(qn("w:space"), "0")
            e.set(qn("w:color"), "000000")
            borders.append(e)
        pr.append(borders)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _judge(rep: Any, gold: dict[str, Any], name: str) -> tuple[list[str], int, int]:
    """(cells wrong and named by no finding or called missing, cells right, cells)."""
    got = rep.flat()
    named = {c for f in rep.findings if f.rule not in _MISSING for c in f.cells}
    missing = {c for f in rep.findings if f.rule in _MISSING for c in f.cells}
    bad: list[str] = []
    right = cells = 0
    for fid, want in gold.items():
        if not fid.startswith(TABLES):
            continue
        cells += 1
        if got.get(fid) == want:
            right += 1
        elif not any(fid == c or fid.startswith(c + ".") for c in named):
            bad.append(f"{name} {fid}: {want!r} read as {got.get(fid)!r}")
    # (as ../shared/hooks/silent.py counts them: a row of blank cells is there too)
    bad += [
        f"{name}: {ref} called missing"
        for ref in sorted(missing)
        if any(k == ref or k.startswith(ref + ".") for k in gold if k.startswith(TABLES))
    ]
    return bad, right, cells


def test_double_rules_are_one_rule() -> None:
    """A pair of thin lines 3 to 6 points apart at every rule, the rules across a pair
    stopping short of it (as LibreOffice draws them), make the cells single rules make."""
    xs, ys = (100.0, 160.0, 220.0, 280.0), (100.0, 120.0, 140.0, 160.0)
    for gap in (3.0, 4.5, 6.0):
        half = gap / 2
        h = [
            (y + d, xs[0] + half + gap * 0.8, xs[-1] - half - gap * 0.8)
            for y in ys
            for d in (-half, half)
        ]
        v = [
            (x + d, ys[0] + half + gap * 0.8, ys[-1] - half - gap * 0.8)
            for x in xs
            for d in (-half, half)
        ]
        # the frame's outer lines run the whole way
        h += [
            (ys[0] - half, xs[0] - half, xs[-1] + half),
            (ys[-1] + half, xs[0] - half, xs[-1] + half),
        ]
        v += [
            (xs[0] - half, ys[0] - half, ys[-1] + half),
            (xs[-1] + half, ys[0] - half, ys[-1] + half),
        ]
        tables = find_table_cells(h, v, 595.0)
        assert len(tables) == 1, gap
        assert len(tables[0]) == 9, (gap, sorted(tables[0]))


@pytest.fixture(scope="module")
def doubled(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, Any], Path]]:
    found = sources()
    if len(found) < 3:
        pytest.skip("shared samples not available")
    tmp = tmp_path_factory.mktemp("double")
    # a sparse 2021 gold (blank cells), an older mixed one, and the invented 2019 and
    # large-number reports; each in double rules 1.5, 2.25 and 3 pt wide, and a double
    # frame round single inner rules
    wanted = [sg for sg in found if sg[0].startswith(("001_", "hongze-2024", "invented"))] or found[
        :3
    ]
    docs, out = [], []
    for stem, gold in wanted:
        for name, val, size, inner in (
            ("d12", "double", 12, None),
            ("d18", "double", 18, None),
            ("d24", "double", 24, None),
            ("frame", "double", 18, "single"),
        ):
            path = tmp / f"{stem}__{name}.docx"
            path.write_bytes(_bordered(gold, val, size, inner))
            docs.append(path)
            out.append((f"{stem}__{name}", gold, tmp / "pdf" / f"{stem}__{name}.pdf"))
    _print_pdfs(docs, tmp / "pdf")
    return out


def test_double_ruled_tables_read_cell_by_cell(
    doubled: list[tuple[str, dict[str, Any], Path]],
) -> None:
    bad: list[str] = []
    right = cells = 0
    for name, gold, pdf in doubled:
        assert pdf.exists(), f"LibreOffice printed no {pdf.name}"
        got_bad, got_right, got_cells = _judge(nianbao.parse(pdf), gold, name)
        bad += got_bad
        right += got_right
        cells += got_cells
    assert not bad, "\n".join(bad[:40])
    assert right == cells, f"{cells - right} of {cells} cells not read"


def test_no_style_markup_left(doubled: list[tuple[str, dict[str, Any], Path]]) -> None:
    """The rendering carries the double borders asked for (the test tests the shape)."""
    import zipfile

    stem, gold, _ = doubled[0]
    data = _bordered(gold, "double", 12)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert len(re.findall(r'w:insideH w:val="double"', xml)) == 3
