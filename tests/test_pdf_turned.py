"""PDF pages that are turned: stored sideways or upside down with /Rotate so that a viewer
shows them upright (a landscape table printed on portrait paper), drawn turned with no
/Rotate, or given a /Rotate that shows upright content turned. pdfplumber turns their rules
and then told a rule's direction by exact float equality (a horizontal rule at
467.88999999999993 and 467.89 was vertical), the white boxes behind the text lines became
curves, not rects, and were taken for rules, and text running down the page read one
character a line: a page shown upright read 78 of 200 cells; a document shown upside down
was refused as no report. Each real PDF is read in each shape as it is read upright."""

from __future__ import annotations

import io
from typing import Any

import pytest

import nianbao

from .conftest import PEER, load_gold

pdfium = pytest.importorskip("pypdfium2")

TABLES = ("active.", "requests.", "reviews.")


def _turned(src: bytes, deg: int, rotate: int) -> bytes:
    """Every page of ``src`` drawn turned ``deg`` degrees counter-clockwise (on a page of
    the turned size) and given /Rotate ``rotate``."""
    doc = pdfium.PdfDocument(src)
    out = pdfium.PdfDocument.new()
    for i in range(len(doc)):
        w, h = doc[i].get_size()
        obj = doc.page_as_xobject(i, out).as_pageobject()
        m = pdfium.PdfMatrix()
        if deg == 90:
            m, size = m.rotate(90, ccw=True).translate(h, 0), (h, w)
        elif deg == 180:
            m, size = m.rotate(180).translate(w, h), (w, h)
        elif deg == 270:
            m, size = m.rotate(90, ccw=False).translate(0, w), (h, w)
        else:
            size = (w, h)
        obj.transform(m)
        page = out.new_page(*size)
        page.insert_obj(obj)
        page.gen_content()
        if rotate:
            page.set_rotation(rotate)
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


# (name, degrees drawn turned, /Rotate): shown upright, drawn sideways, shown turned
SHAPES = {
    "hongze-2024": [(90, 90), (180, 0), (0, 270)],
    "huaian-2024": [(270, 270), (90, 0), (0, 180)],
}


def _seen(report: Any, gold: dict[str, Any]) -> tuple[list[str], set[str]]:
    flat = report.flat()
    wrong = [
        f"{k}: {gold[k]!r} read {flat.get(k)!r}"
        for k in gold
        if k.startswith(TABLES) and flat.get(k) != gold[k]
    ]
    return wrong, {f.rule for f in report.findings}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_turned_pages_read_as_upright(name: str) -> None:
    path = PEER / f"{name}.pdf"
    if not path.exists():
        pytest.skip("../shared/samples is not beside the checkout")
    gold = load_gold(path)
    data = path.read_bytes()
    wrong, rules = _seen(nianbao.parse(data), gold)
    assert not wrong
    for deg, rotate in SHAPES[name]:
        got_wrong, got_rules = _seen(nianbao.parse(_turned(data, deg, rotate)), gold)
        assert not got_wrong, (deg, rotate, got_wrong[:5])
        assert got_rules == rules, (deg, rotate, got_rules ^ rules)
