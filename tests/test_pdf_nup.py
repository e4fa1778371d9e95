"""PDFs printed two pages to a sheet (2-up, 两页合一): page 1 on the left half of a landscape
sheet and page 2 on the right (each scaled to 0.7), two pages stacked on a portrait sheet,
or stacked turned a quarter (the sheet read turned). Read as one page, the lines of the two
pages at the same height were one line each: the tables read right, but the prose
interleaved line by line and the section checks blamed the document (R-SECTION-ORDER,
R-SECTION-EMPTY, R-TEXT-TRUNCATED on huaian-2024). Each real PDF is made so at test time;
it reads every gold value, the findings of the file as it is, and the values keep the
sheet's page number and their box on the sheet. Single pages are never split: the real
pages, and a landscape table whose labels and numbers stand apart."""

from __future__ import annotations

import io
from functools import cache
from typing import Any

import pytest

import nianbao
from nianbao.readers import pdf as reader_pdf
from nianbao.readers import pdf_tables
from nianbao.readers.pdf_parts import sheet_parts
from nianbao.readers.pdf_tables import FastPages, PageResult, sheet_pages

from .conftest import PEER, load_gold

pdfium = pytest.importorskip("pypdfium2")

TABLES = ("active.", "requests.", "reviews.")
NAMES = ("hongze-2023", "hongze-2024", "huaian-2024")
SCALE = {"side": 0.7, "stacked": 0.5, "stacked-turned": 0.7}


def _placement(
    mode: str, k: int, size: tuple[float, float], sheet: tuple[float, float]
) -> tuple[float, float]:
    """Where page ``k`` (0, 1) of a sheet is put: its offset (x, y up) on the sheet."""
    (pw, ph), (sw, sh), s = size, sheet, SCALE[mode]
    if mode == "side":
        return k * sw / 2 + (sw / 2 - pw * s) / 2, (sh - ph * s) / 2
    if mode == "stacked":
        return (sw - pw * s) / 2, (1 - k) * sh / 2 + (sh / 2 - ph * s) / 2
    # turned a quarter counter-clockwise: read with the sheet turned clockwise, page 1 at
    # its bottom comes first
    return (sw - ph * s) / 2 + ph * s, k * sh / 2 + (sh / 2 - pw * s) / 2


def two_up(src: bytes, mode: str) -> bytes:
    """``src`` printed two pages to a sheet (``mode``: side, stacked, stacked-turned)."""
    doc = pdfium.PdfDocument(src)
    out = pdfium.PdfDocument.new()
    for i in range(0, len(doc), 2):
        w, h = doc[i].get_size()
        sheet = (h, w) if mode == "side" else (w, h)
        page = out.new_page(*sheet)
        for k, j in enumerate(range(i, min(i + 2, len(doc)))):
            obj = doc.page_as_xobject(j, out).as_pageobject()
            m = pdfium.PdfMatrix().scale(SCALE[mode], SCALE[mode])
            if mode == "stacked-turned":
                m = m.rotate(90, ccw=True)
            obj.transform(m.translate(*_placement(mode, k, doc[j].get_size(), sheet)))
            page.insert_obj(obj)
        page.gen_content()
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


@cache
def _original(name: str) -> tuple[bytes, Any]:
    path = PEER / f"{name}.pdf"
    if not path.exists():
        pytest.skip("../shared/samples is not beside the checkout")
    data = path.read_bytes()
    return data, nianbao.parse(data)


def _same_reading(name: str, report: Any) -> None:
    """``report`` reads every gold value of ``name`` and its findings are those of the
    file as it is."""
    gold = load_gold(PEER / f"{name}.pdf")
    _, original = _original(name)
    flat = report.flat()
    wrong = [
        f"{k}: {gold[k]!r} read {flat.get(k)!r}"
        for k in gold
        if k.startswith(TABLES) and flat.get(k) != gold[k]
    ]
    assert not wrong, wrong[:5]
    for k in ("meta.title", "meta.agency", "meta.year"):
        assert flat.get(k) == original.flat().get(k), k
    rules = {f.rule for f in report.findings}
    assert not {r for r in rules if r.startswith("R-SECTION")} - {f.rule for f in original.findings}
    assert rules == {f.rule for f in original.findings}


@pytest.mark.parametrize(
    ("name", "mode"),
    [(name, "side") for name in NAMES]
    + [("huaian-2024", "stacked"), ("huaian-2024", "stacked-turned")],
)
def test_two_pages_a_sheet_read_as_the_pages(name: str, mode: str) -> None:
    data, original = _original(name)
    report = nianbao.parse(two_up(data, mode))
    _same_reading(name, report)
    if mode == "stacked-turned":
        return  # (boxes on the sheet as turned upright)
    # provenance: the sheet's page number, the box on the sheet
    doc = pdfium.PdfDocument(data)
    s = SCALE[mode]
    for key, value in original.values.items():
        src, got = value.source, report.values[key].source
        if src is None or src.page is None or src.bbox is None:
            continue
        assert got is not None and got.bbox is not None, key
        k = (src.page - 1) % 2
        assert got.page == (src.page + 1) // 2, key
        pw, ph = doc[src.page - 1].get_size()
        sheet = (ph, pw) if mode == "side" else (pw, ph)
        ox, oy = _placement(mode, k, (pw, ph), sheet)
        top = sheet[1] - oy - ph * s  # the page's top on the sheet, top-down
        want = (
            ox + src.bbox[0] * s,
            top + src.bbox[1] * s,
            ox + src.bbox[2] * s,
            top + src.bbox[3] * s,
        )
        # (within the snap of rules: pdfplumber and our reader may join rules differently)
        assert all(abs(a - b) < 2.0 for a, b in zip(got.bbox, want)), (key, got.bbox, want)


def _sheet_result(pages: list[PageResult]) -> PageResult:
    """Two pages read by our reader, put side by side on a landscape sheet at 0.7 (a 2-up
    print whose content the printer wrote out in one page, no form XObjects)."""
    s = SCALE["side"]
    sheet = (pages[0].height, pages[0].width)
    out = PageResult(sheet[0], sheet[1], [], [], [], [])
    for k, res in enumerate(pages):
        ox, oy = _placement("side", k, (res.width, res.height), sheet)
        oy = sheet[1] - oy - res.height * s  # top-down

        def x(v: float, ox: float = ox) -> float:
            return ox + v * s

        def y(v: float, oy: float = oy) -> float:
            return oy + v * s

        for c in res.chars:
            d = dict(c)
            d.update(x0=x(c["x0"]), x1=x(c["x1"]), top=y(c["top"]), bottom=y(c["bottom"]))
            d.update(size=c["size"] * s, width=d["x1"] - d["x0"], height=d["bottom"] - d["top"])
            d["doctop"] = d["top"]
            out.chars.append(d)
        out.h_edges.extend((y(t), x(a), x(b)) for t, a, b in res.h_edges)
        out.v_edges.extend((x(v), y(t), y(b)) for v, t, b in res.v_edges)
        out.images.extend((x(a), y(t), x(b), y(bt)) for a, t, b, bt in res.images)
    return out


def test_two_pages_a_sheet_through_our_own_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet our own reader reads (not pdfplumber) is split the same way."""
    data, _ = _original("huaian-2024")
    real = FastPages(data)
    pages = [real.page(i) for i in range(len(real))]
    real.close()
    assert all(p is not None for p in pages)
    sheets = [_sheet_result(pages[i : i + 2]) for i in range(0, len(pages), 2)]  # type: ignore[arg-type]
    assert all(len(sheet_pages(s)) == 2 for s in sheets)

    def page(self: FastPages, index: int, max_chars: int | None = None) -> PageResult:
        return sheets[index]

    def no_plumber(*a: Any) -> Any:
        raise AssertionError("a sheet went to pdfplumber")

    monkeypatch.setattr(pdf_tables.FastPages, "page", page)
    monkeypatch.setattr(reader_pdf, "_plumber_page", no_plumber)
    _same_reading("huaian-2024", nianbao.parse(two_up(data, "side")))


@pytest.mark.parametrize("name", NAMES)
def test_single_pages_stay_whole(name: str) -> None:
    data, _ = _original(name)
    fast = FastPages(data)
    try:
        for i in range(len(fast)):
            res = fast.page(i)
            assert res is not None and len(sheet_pages(res)) == 1, i
    finally:
        fast.close()


def test_a_landscape_table_stays_whole() -> None:
    """A table without rules on a landscape page, its labels on the left and its numbers
    on the right with a wide gap between: the gap is no gutter (the numbers are no page)."""
    chars = []
    for r in range(14):
        top = 60.0 + r * 32
        chars += [((60.0 + 12 * i, top, 72.0 + 12 * i, top + 12), "字") for i in range(16)]
        for col in range(6):
            x = 470.0 + col * 55
            chars += [((x + 6 * i, top, x + 6 * i + 6, top + 12), "1") for i in range(3)]
    assert sheet_parts(chars, [], 842.0, 595.0) is None
    # the same sheet with prose in both halves, laid out alike: two pages
    prose = [
        (
            (half * 421 + 45.0 + 11 * i, 60.0 + r * 22, half * 421 + 56.0 + 11 * i, 71.0 + r * 22),
            "字",
        )
        for half in (0, 1)
        for r in range(20)
        for i in range(30 if r % 5 else 12)
    ]
    assert sheet_parts(prose, [], 842.0, 595.0) is not None


@pytest.mark.parametrize("name", NAMES)
def test_paragraphs_of_pages_side_by_side(name: str) -> None:
    """The paragraphs of a sheet's two pages side by side are those of the pages: the
    margins are measured for each half (measured on the sheet, every line of the left-hand
    pages ended short of the right-hand pages' margin and every line of those started
    indented, each line a paragraph of its own)."""
    import re

    data, _ = _original(name)

    def paragraphs(pdf: bytes) -> list[str]:
        doc = reader_pdf.read_pdf(pdf)
        return [re.sub(r"\s", "", b.text) for b in doc.blocks if type(b).__name__ == "Paragraph"]

    assert paragraphs(two_up(data, "side")) == paragraphs(data)


def test_the_end_of_a_table_row_is_no_short_page() -> None:
    """A landscape page whose prose stands in its left half under the last row of a table
    run over from the page before (its numbers across the page): the numbers beyond the
    middle are no short page (split there, the row was cut in two, its right half read
    after the prose: 15 values of 表四 unread)."""
    chars = [
        ((156.0 + 46 * i + 6 * d, 33.0, 162.0 + 46 * i + 6 * d, 45.0), "7")
        for i in range(15)
        for d in range(2)
    ]
    chars += [
        ((34.0 + 11.2 * i, 109.0 + 30 * r, 45.2 + 11.2 * i, 121.0 + 30 * r), "字")
        for r in range(14)
        for i in range(30 if r % 4 else 12)
    ]
    assert sheet_parts(chars, [], 842.0, 595.0) is None
    # the same prose, and a short page of words on the right: two pages
    words = [
        ((455.0 + 11.2 * i, 109.0 + 30 * r, 466.2 + 11.2 * i, 121.0 + 30 * r), "字")
        for r in range(2)
        for i in range(30 if r else 8)
    ]
    assert sheet_parts(chars[30:] + words, [], 842.0, 595.0) is not None
