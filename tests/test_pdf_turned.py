"""PDF pages that are turned: stored sideways or upside down with /Rotate so that a viewer
shows them upright (a landscape table printed on portrait paper), drawn turned with no
/Rotate, or given a /Rotate that shows upright content turned. pdfplumber turns their rules
and then told a rule's direction by exact float equality (a horizontal rule at
467.88999999999993 and 467.89 was vertical), the white boxes behind the text lines became
curves, not rects, and were taken for rules, and text running down the page read one
character a line: a page shown upright read 78 of 200 cells; a document shown upside down
was refused as no report. Each real PDF is read in each shape as it is read upright.

A page whose prose stands upright but whose table is set turned a quarter on it, under its
upright heading, was turned whole by the direction most of its characters run, or not at
all: the table read one character a line and 表二 was lost, called missing (96.4 % of the
values of the three real PDFs so made). The region is found by the direction of its
characters and read upright, the rest as it stands."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.readers.pdf_parts import turned_region
from nianbao.readers.pdf_tables import FastPages, cells_bbox, find_table_cells

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


def _read_as_the_original(name: str, variants: Callable[[bytes], dict[Any, bytes]]) -> None:
    """Each variant ``variants`` makes of the real PDF ``name`` reads every gold table
    value and gives the findings (their rules) the original gives."""
    path = PEER / f"{name}.pdf"
    if not path.exists():
        pytest.skip("../shared/samples is not beside the checkout")
    gold = load_gold(path)
    data = path.read_bytes()
    wrong, rules = _seen(nianbao.parse(data), gold)
    assert not wrong
    for how, variant in variants(data).items():
        got_wrong, got_rules = _seen(nianbao.parse(variant), gold)
        assert not got_wrong, (how, got_wrong[:5])
        assert got_rules == rules, (how, got_rules ^ rules)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_turned_pages_read_as_upright(name: str) -> None:
    _read_as_the_original(name, lambda data: {(d, r): _turned(data, d, r) for d, r in SHAPES[name]})


def _table_turned_on_page(src: bytes, clockwise: bool) -> bytes:
    """Each page of ``src`` with a table below upright lines: everything from the table's
    top down (the table and what follows it on the page) turned a quarter in place and
    scaled to fit below the upright lines (the page's objects moved, no form XObjects)."""
    fast = FastPages(src)
    tops = []
    for i in range(len(fast)):
        res = fast.page(i)
        assert res is not None
        cells = find_table_cells(res.h_edges, res.v_edges, res.width)
        tops.append(min((cells_bbox(c)[1] for c in cells), default=None))
    fast.close()
    doc = pdfium.PdfDocument(src)
    margin = 40.0
    for i, top in enumerate(tops):
        if top is None or top < 60:
            continue  # no table, or nothing upright above it
        page = doc[i]
        w, h = page.get_size()
        band = [
            o for o in page.get_objects(max_depth=1) if sum(o.get_bounds()[1::2]) / 2 < h - top + 3
        ]
        boxes = [o.get_bounds() for o in band]
        left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
        low, high = min(b[1] for b in boxes), max(b[3] for b in boxes)
        s = min(1.0, (w - 2 * margin) / (high - low), (high - margin) / (right - left))
        if clockwise:  # (x, y) -> (y, -x): the table's top to the right
            m = pdfium.PdfMatrix(0, -s, s, 0, w - margin - s * high, high + s * left)
        else:
            m = pdfium.PdfMatrix(0, s, -s, 0, margin + s * high, high - s * right)
        for o in band:
            o.transform(m)
        page.gen_content()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_table_turned_on_an_upright_page(name: str) -> None:
    _read_as_the_original(
        name, lambda data: {cw: _table_turned_on_page(data, cw) for cw in (False, True)}
    )


def test_sideways_header_cells_are_no_turned_region() -> None:
    """A table whose header cells are set sideways among upright ones: its rules run on
    into the upright cells, the table is no turned region (read as it stands)."""
    rules = [(50.0, 100.0 + 20 * r, 550.0, 100.0 + 20 * r) for r in range(12)]
    rules += [(50.0 + 100 * c, 100.0, 50.0 + 100 * c, 320.0) for c in range(6)]
    chars = [((160.0, 102.0 + 9 * i, 169.0, 111.0 + 9 * i), 90) for i in range(24)]  # sideways
    chars += [
        ((60.0 + 10 * i, 124.0 + 20 * r, 70.0 + 10 * i, 134.0 + 20 * r), 0)
        for r in range(10)
        for i in range(8)
    ]
    assert turned_region(chars, rules) is None
    # the same sideways text alone under upright lines: a region
    alone = [((160.0, 402.0 + 9 * i, 169.0, 411.0 + 9 * i), 90) for i in range(24)]
    got = turned_region(alone + chars[24:], rules)
    assert got is not None and got[0] == 90


def test_a_note_along_the_margin_keeps_tables_whole(tmp_path: Path) -> None:
    """A note set sideways along the margin of every page (a region of its own, read after
    the page's upright text) is read within its page: read as a page of its own it stood
    between a page and the next, and a table going on over the page break was read as two
    (its rows on the second page no longer joined to the first's)."""
    from nianbao.api import parse
    from nianbao.readers.pdf import read_pdf
    from nianbao.writing.writer import render

    from .test_pdf_tables import _chromium_pdf

    report = parse(PEER / "huaian-2024.pdf", check=False)
    html = render(report, "html").decode("utf-8")
    note = (
        "<div style='position:fixed;left:-230px;top:300px;width:500px;font-size:11pt;"
        "transform:rotate(-90deg)'>本文件仅供公开查阅使用请勿用于其他任何用途谢谢合作</div>"
    )
    html = html.replace("</head>", "<style>body{margin-left:40px}</style></head>", 1)
    noted = html.replace("<body>", "<body>" + note, 1)  # (fixed: the pages are the same)
    for sub in ("plain", "noted"):
        (tmp_path / sub).mkdir()
    plain = _chromium_pdf(html.encode("utf-8"), tmp_path / "plain", margins=False)
    data = _chromium_pdf(noted.encode("utf-8"), tmp_path / "noted", margins=False)

    def tables(pdf: bytes) -> int:
        return sum(type(b).__name__ == "Table" for b in read_pdf(pdf).blocks)

    assert tables(data) == tables(plain)
    back, want = parse(data, check=False).flat(), report.flat()
    ids = [k for k in want if k.startswith(TABLES)]
    assert {k: back.get(k) for k in ids} == {k: want[k] for k in ids}
