"""OCR reader for scanned PDFs (the optional [ocr] extra).

Without the extra: a scan is still refused with the Chinese message, and a missing model
raises instead of downloading. With it: a scan made at test time from the table pages of a
real text PDF is read offline (network blocked) and its table values match the gold file.
"""

from __future__ import annotations

import io
import json
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from nianbao.errors import ScannedPdf, UnusableInput
from nianbao.extraction.extract import extract
from nianbao.readers.document import Document, Paragraph
from nianbao.readers.ocr import (
    OCR_NOTE,
    OcrUnavailable,
    maybe_ocr,
    ocr_available,
    ocr_pdf,
    use_ocr,
)
from nianbao.readers.ocr import boxes as ocr_boxes
from nianbao.readers.ocr import engine as ocr_engine
from nianbao.readers.ocr import layout as ocr_layout
from nianbao.readers.ocr import reader as ocr_reader
from nianbao.readers.ocr import tables as ocr_tables
from nianbao.readers.pdf import read_pdf

from .conftest import FULL

PEER = Path(__file__).resolve().parents[2] / "shared" / "samples" / "peer"
SAMPLE = "hongze-2024"
DPI = 150
TABLE_PREFIXES = ("active", "requests", "reviews")

needs_ocr = pytest.mark.skipif(
    not ocr_available(), reason="the [ocr] extra (rapidocr, onnxruntime) is not installed"
)
needs_samples = pytest.mark.skipif(not PEER.is_dir(), reason="shared samples not available")


def _blank_pdf(n_pages: int) -> bytes:
    """A PDF of empty pages: no text layer at all."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(n_pages):
        pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


def _scanned(data: bytes, pages: list[int], dpi: int = DPI) -> bytes:
    """An image-only PDF of ``pages`` (1-based) of a text PDF: what a scanner gives."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        images = [pdf[p - 1].render(scale=dpi / 72).to_pil().convert("RGB") for p in pages]
    finally:
        pdf.close()
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return buf.getvalue()


def _paper_scan(data: bytes, page: int, skew: float, dpi: int = DPI) -> bytes:
    """One page as a paper scanner gives it: grey, turned by ``skew`` degrees, noisy,
    JPEG-compressed."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    pdf = pdfium.PdfDocument(data)
    try:
        im = pdf[page - 1].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        pdf.close()
    im = im.rotate(skew, resample=Image.BICUBIC, fillcolor=255)
    noise = np.random.default_rng(0).normal(0, 18, (im.height, im.width))
    im = Image.fromarray(np.clip(np.asarray(im, dtype=np.float32) + noise, 0, 255).astype("uint8"))
    jpeg = io.BytesIO()
    im.save(jpeg, "JPEG", quality=55)
    buf = io.BytesIO()
    Image.open(io.BytesIO(jpeg.getvalue())).convert("RGB").save(buf, "PDF", resolution=float(dpi))
    return buf.getvalue()


def _scan_error(data: bytes) -> ScannedPdf:
    with pytest.raises(ScannedPdf) as info:
        read_pdf(data)
    return info.value


# --------------------------------------------------------------------------- no extra needed


def test_without_the_extra_a_scan_is_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # as if not installed
    assert not ocr_available()
    data = _blank_pdf(2)
    exc = _scan_error(data)
    assert "扫描件，无文字层" in str(exc)
    with pytest.raises(ScannedPdf, match="扫描件，无文字层") as info:
        maybe_ocr(data, "scan.pdf", exc)
    assert info.value is exc
    with pytest.raises(OcrUnavailable, match="未安装文字识别组件") as err:
        ocr_pdf(data)
    assert isinstance(err.value, UnusableInput) and err.value.exit_code == 2


def test_a_missing_model_raises_instead_of_downloading(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ocr_engine.MODEL_FILES[0]).write_bytes(b"")  # one of three models present
    monkeypatch.setattr(ocr_engine, "model_dir", lambda: tmp_path)
    assert not ocr_available()
    with pytest.raises(OcrUnavailable, match="模型文件缺失") as err:
        ocr_pdf(_blank_pdf(1))
    assert "不会联网下载" in str(err.value)
    assert ocr_engine.MODEL_FILES[1] in str(err.value)
    exc = _scan_error(_blank_pdf(1))
    with pytest.raises(ScannedPdf) as info:
        maybe_ocr(_blank_pdf(1), "", exc)
    assert info.value is exc


def test_ocr_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _blank_pdf(1)
    exc = _scan_error(data)
    calls: list[bytes] = []
    monkeypatch.setattr(ocr_reader, "ocr_available", lambda: True)
    monkeypatch.setattr(ocr_reader, "ocr_pdf", lambda d, s="": calls.append(d) or Document(""))
    with use_ocr(False):
        assert not ocr_engine.ocr_enabled()
        with pytest.raises(ScannedPdf):
            ocr_reader.maybe_ocr(data, "", exc)
    assert ocr_engine.ocr_enabled()
    monkeypatch.setenv("NIANBAO_OCR", "0")
    with pytest.raises(ScannedPdf):
        ocr_reader.maybe_ocr(data, "", exc)
    monkeypatch.delenv("NIANBAO_OCR")
    ocr_reader.maybe_ocr(data, "", exc)
    assert calls == [data]


def _word_boxes(data: bytes) -> dict[int, tuple[list[Any], float, float]]:
    """Stand-in OCR output from a text PDF: its words (runs of characters without a gap) in
    PDF points, page by page, as the OCR engine's line boxes would come."""
    import pdfplumber

    out: dict[int, tuple[list[Any], float, float]] = {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for pno, page in enumerate(pdf.pages, start=1):
            words = page.extract_words(x_tolerance=1.5, y_tolerance=2)
            boxes = [
                ocr_boxes._Box(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], pno)
                for w in words
            ]
            out[pno] = (boxes, float(page.width), float(page.height))
    return out


@needs_samples
def test_layout_of_line_boxes_without_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout half of the OCR reader (rows, columns, headers, stitching) on the word
    boxes of the real PDF, with no OCR engine: runs where the extra is not installed."""
    data = (PEER / f"{SAMPLE}.pdf").read_bytes()
    gold = json.loads((PEER / f"{SAMPLE}.gold.json").read_text("utf-8"))
    words = _word_boxes(data)
    monkeypatch.setattr(ocr_reader, "_get_engine", lambda: None)
    monkeypatch.setattr(ocr_reader, "_render_boxes", lambda _e, _page, pno, _dpi: words[pno])
    doc = ocr_pdf(data, "words.pdf")
    assert doc.tables and all(t.kind == "ocr" for t in doc.tables)
    report = extract(doc)
    ids = [f for f in gold if f.startswith(TABLE_PREFIXES)]
    right = [f for f in ids if f in report.values and report.values[f].value == gold[f]]
    assert len(ids) > 150
    assert len(right) >= 0.99 * len(ids), sorted(set(ids) - set(right))
    assert report.meta["year"] == gold["meta.year"]


def test_skewed_boxes_are_straightened() -> None:
    """Quadrilaterals of a table scanned 2° askew come back as upright boxes whose rows line
    up: one table, every row with its label and seven numbers."""
    import math

    angle = math.radians(2.0)
    cx, cy = 620.0, 877.0

    def turned(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        return [
            (
                cx + (x - cx) * math.cos(angle) - (y - cy) * math.sin(angle),
                cy + (x - cx) * math.sin(angle) + (y - cy) * math.cos(angle),
            )
            for x, y in pts
        ]

    quads, texts = [], []
    labels = ["1.属于国家秘密", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请"]
    for r, label in enumerate(labels):
        y = 400 + 42 * r
        quads.append(turned(150, y, 150 + 26 * len(label), y + 28))
        texts.append(label)
        for c in range(7):
            quads.append(turned(660 + 62 * c, y, 684 + 62 * c, y + 28))
            texts.append(str(r + c))
    boxes = ocr_boxes._boxes_of(quads, texts, [1.0] * len(texts), (1240, 1754), (595, 842), 1)
    items, unit = ocr_layout._page_items(boxes, 595, 842)
    runs = [it for it in items if isinstance(it, ocr_layout._Run)]
    assert len(runs) == 1 and len(items) == 1
    grid = ocr_tables._run_grid(runs[0], unit)
    assert [[c.text for c in row if c.text and not c.covered] for row in grid.rows] == [
        [label] + [str(r + c) for c in range(7)] for r, label in enumerate(labels)
    ]


def test_a_blank_row_keeps_its_label_and_wrapped_labels_join() -> None:
    """Dense rows: a row whose cells are all blank stays a row of its own (its label is not
    glued to a neighbour's); a label wrapped over three lines beside centred numbers is one
    cell of its row."""
    B = ocr_boxes._Box  # noqa: N806

    def row(label: str, top: float, values: list[str] | None) -> list[Any]:
        out = [B(label, 70, top, 70 + 12 * len(label), top + 12, 1)]
        for c, v in enumerate(values or []):
            out.append(B(v, 320 + 30 * c, top, 326 + 30 * c, top + 12, 1))
        return out

    seven = ["1", "0", "0", "0", "0", "0", "1"]
    boxes = (
        row("1.信访举报投诉类申请", 300, seven)
        + row("2.重复申请", 317, None)  # 5 pt below the row above: a dense table
        + row("3.要求提供公开出版物", 334, seven)
        + [
            B("1、申请人无正当理由逾期不补", 70, 360, 230, 372, 1),
            B("正、行政机关不再处理其政府信", 70, 376, 230, 388, 1),
            B("息公开申请", 70, 392, 130, 404, 1),
        ]
        + row("", 376, seven)[1:]
        + row("2、申请人逾期未按收费通知要求", 420, seven)
    )
    items, unit = ocr_layout._page_items(boxes, 595, 842)
    (run,) = [it for it in items if isinstance(it, ocr_layout._Run)]
    grid = ocr_tables._run_grid(run, unit)
    labels = [row[0].text for row in grid.rows]
    assert labels == [
        "1.信访举报投诉类申请",
        "2.重复申请",
        "3.要求提供公开出版物",
        "1、申请人无正当理由逾期不补\n正、行政机关不再处理其政府信\n息公开申请",
        "2、申请人逾期未按收费通知要求",
    ]
    assert [c.text for c in grid.rows[1][1:]] == [""] * 7


# --------------------------------------------------------------------------- with the extra


@pytest.fixture(scope="module")
def offline() -> Any:
    """Block every network connection and rapidocr's downloader while OCR runs."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("OCR tried to reach the network")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket, "create_connection", refuse)
        if ocr_available():
            from rapidocr.utils.download_file import DownloadFile

            mp.setattr(DownloadFile, "run", refuse)
        ocr_engine._engine.cache_clear()  # the engine is built under the block
        yield


@pytest.fixture(scope="module")
def text_pdf() -> tuple[bytes, dict[str, Any], dict[str, int]]:
    """The text PDF, its gold answers and the page (1-based) of every table value id, as
    its text layer says."""
    data = (PEER / f"{SAMPLE}.pdf").read_bytes()
    gold = json.loads((PEER / f"{SAMPLE}.gold.json").read_text("utf-8"))
    report = extract(read_pdf(data, f"{SAMPLE}.pdf"))
    pages = {
        fid: v.source.page
        for fid, v in report.values.items()
        if fid.startswith(TABLE_PREFIXES) and fid in gold and v.source and v.source.page
    }
    return data, gold, pages


@pytest.fixture(scope="module")
def scan(text_pdf: Any, offline: Any) -> tuple[bytes, list[int], Document]:
    """The table pages rendered into an image-only PDF, and its OCR'd Document."""
    data, _gold, where = text_pdf
    pages = sorted(set(where.values()))
    scanned = _scanned(data, pages)
    return scanned, pages, ocr_pdf(scanned, "scan.pdf")


@needs_ocr
@needs_samples
def test_scan_is_refused_by_the_text_reader_and_read_by_ocr(scan: Any) -> None:
    scanned, _pages, doc = scan
    exc = _scan_error(scanned)
    assert "扫描件，无文字层" in str(exc)
    assert doc.artifacts[0] == OCR_NOTE
    assert doc.media_type == "application/pdf" and doc.source == "scan.pdf"


@needs_ocr
@needs_samples
def test_ocr_values_match_gold(text_pdf: Any, scan: Any) -> None:
    _data, gold, where = text_pdf
    _scanned_pdf, _pages, doc = scan
    report = extract(doc)
    ids = sorted(where)
    right = [f for f in ids if f in report.values and report.values[f].value == gold[f]]
    wrong = {f: report.values[f].value if f in report.values else "—" for f in ids}
    wrong = {f: v for f, v in wrong.items() if f not in right}
    print(f"OCR accuracy: {len(right)}/{len(ids)} ids on the OCR'd pages")
    assert len(ids) > 150  # the three tables
    assert len(right) >= 0.99 * len(ids), wrong


@needs_ocr
@needs_samples
def test_ocr_document_shape(text_pdf: Any, scan: Any) -> None:
    data, _gold, where = text_pdf
    _scanned_pdf, pages, doc = scan
    assert doc.pages == len(pages)
    tables = doc.tables
    assert tables and all(t.kind == "ocr" for t in tables)
    assert [t.index for t in tables] == list(range(len(tables)))
    last = -1
    for block in doc.blocks:
        assert block.start > last and block.end >= block.start
        last = block.end
        assert block.page and 1 <= block.page <= len(pages)
        if isinstance(block, Paragraph):
            assert doc.text[block.start : block.end] == block.text
            continue
        for r, row in enumerate(block.rows):
            assert len(row) == len(block.rows[0])
            for c, cell in enumerate(row):
                assert (cell.row, cell.col) == (r, c)
                assert doc.text[cell.start : cell.end] == cell.text
                assert cell.page and 1 <= cell.page <= len(pages)
                assert cell.bbox is not None
                x0, top, x1, bottom = cell.bbox
                assert 0 <= x0 <= x1 <= 595.5 and 0 <= top <= bottom <= 842.5  # A4 points
    # boxes are in PDF points: a value cell stands where the text layer prints it
    text_report = extract(read_pdf(data))
    ocr_report = extract(doc)
    page_no = {p: i for i, p in enumerate(pages, start=1)}
    checked = 0
    for fid in where:
        a, b = text_report.values[fid].source, ocr_report.values.get(fid)
        if b is None or b.source is None or b.raw in (None, "") or a is None or not a.bbox:
            continue
        assert b.source.page == page_no[a.page]
        ax, ay = (a.bbox[0] + a.bbox[2]) / 2, (a.bbox[1] + a.bbox[3]) / 2
        bx, by = (
            (b.source.bbox[0] + b.source.bbox[2]) / 2,
            (b.source.bbox[1] + b.source.bbox[3]) / 2,
        )
        # the text layer's box is the ruled cell; the OCR box is the printed number inside it
        assert a.bbox[0] - 2 <= bx <= a.bbox[2] + 2 and a.bbox[1] - 2 <= by <= a.bbox[3] + 2, (
            fid,
            (ax, ay),
            (bx, by),
        )
        checked += 1
    assert checked > 150


@needs_ocr
@needs_samples
def test_a_crooked_noisy_scan_is_straightened(text_pdf: Any, offline: Any) -> None:
    data, gold, where = text_pdf
    page = where["reviews.reconsideration.total"]  # the page of table 4 (and rows of table 3)
    doc = ocr_pdf(_paper_scan(data, page, skew=-1.5))
    report = extract(doc)
    ids = sorted(f for f, p in where.items() if p == page)
    right = [f for f in ids if f in report.values and report.values[f].value == gold[f]]
    print(f"OCR accuracy, crooked scan: {len(right)}/{len(ids)}")
    assert len(ids) > 50
    assert len(right) >= 0.98 * len(ids), sorted(set(ids) - set(right))


@needs_ocr
def test_a_damaged_model_is_said(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ocr_engine.MODEL_FILES:
        (tmp_path / name).write_bytes(b"not a model")
    monkeypatch.setattr(ocr_engine, "model_dir", lambda: tmp_path)
    with pytest.raises(OcrUnavailable, match="文字识别引擎无法启动"):
        ocr_pdf(_blank_pdf(1))


@needs_ocr
def test_page_cap_is_kept_and_said(offline: Any) -> None:
    data = _blank_pdf(4)
    doc = maybe_ocr(data, "blank.pdf", _scan_error(data))
    assert doc.pages == 4 and doc.blocks == []
    assert doc.artifacts[0] == OCR_NOTE
    capped = ocr_pdf(data, max_pages=2)
    assert any("共 4 页" in a and "2 页" in a for a in capped.artifacts), capped.artifacts
    only = ocr_pdf(data, pages=[3])
    assert any("第 3 页" in a for a in only.artifacts), only.artifacts


def test_a_report_read_by_ocr_is_marked_for_review() -> None:
    """The extractor turns the OCR note into one R-OCR warning (not a conversion artefact)."""
    from nianbao.api import parse_document
    from nianbao.readers.dispatch import read_bytes
    from nianbao.readers.ocr import OCR_NOTE

    repo = Path(__file__).resolve().parents[1]
    doc = read_bytes((repo / "examples" / "reports" / "qinglan-2024.txt").read_bytes())
    doc.artifacts.insert(0, OCR_NOTE)
    rep = parse_document(doc)
    rules = [f.rule for f in rep.findings]
    assert rules.count("R-OCR") == 1
    assert not any(f.rule == "R-INGEST-ARTIFACT" and "OCR" in f.message for f in rep.findings)


@needs_ocr
def test_the_ocr_reader_takes_the_pdf_readers_page_limit(
    offline: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan over the PDF reader's page limit (NIANBAO_PDF_MAX_PAGES) is refused by the OCR
    reader too, with the variable named; under it, it is read (only its first pages are
    recognised)."""
    from nianbao.errors import InputTooLarge

    data = _blank_pdf(4)
    monkeypatch.setenv("NIANBAO_PDF_MAX_PAGES", "3")
    with pytest.raises(InputTooLarge, match="NIANBAO_PDF_MAX_PAGES"):
        ocr_pdf(data, "blank.pdf")
    monkeypatch.setenv("NIANBAO_PDF_MAX_PAGES", "4")
    assert ocr_pdf(data, "blank.pdf").pages == 4


def _mixed(data: bytes, image_pages: list[int]) -> bytes:
    """The text PDF with ``image_pages`` (1-based) replaced by pictures of themselves: a
    report whose table pages were scanned and put back among its text pages."""
    import pypdfium2 as pdfium

    scanned = pdfium.PdfDocument(_scanned(data, image_pages))
    text = pdfium.PdfDocument(data)
    out = pdfium.PdfDocument.new()
    try:
        for p in range(1, len(text) + 1):
            if p in image_pages:
                out.import_pages(scanned, [image_pages.index(p)])
            else:
                out.import_pages(text, [p - 1])
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        for doc in (out, text, scanned):
            doc.close()


@needs_samples
def test_scanned_pages_in_a_text_pdf_without_ocr_are_unread_not_missing(
    text_pdf: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages that are images among text pages, OCR off: what they hold is unread, said as
    the tool's limit; no section or table is called missing (every table cell of them was
    lost and R-SECTIONS blamed the report)."""
    import nianbao

    data, _gold, where = text_pdf
    monkeypatch.setenv("NIANBAO_OCR", "0")
    rep = nianbao.parse(_mixed(data, sorted(set(where.values()))))
    assert not any(
        f.rule in ("R-SECTIONS", "R-TABLE-MISSING", "R-ROW-MISSING") for f in rep.findings
    )
    said = [f for f in rep.findings if f.rule == "R-UNREAD" and "扫描图像" in f.message]
    assert said and {"sections.s2", "sections.s3", "sections.s4"} <= set(said[0].cells)


@needs_ocr
@needs_samples
def test_scanned_pages_in_a_text_pdf_are_read_by_ocr(text_pdf: Any, offline: Any) -> None:
    """The same PDF with OCR: the image pages are recognised and merged with the text pages
    in page order, and the tables on them read as in a whole scan."""
    import nianbao

    data, gold, where = text_pdf
    rep = nianbao.parse(_mixed(data, sorted(set(where.values()))))
    flat = rep.flat()
    ids = sorted(where)
    right = [f for f in ids if flat.get(f) == gold[f]]
    assert len(right) >= 0.99 * len(ids), {f: flat.get(f) for f in ids if f not in right}
    assert flat["meta.agency"] == gold["meta.agency"]
    assert any(f.rule == "R-OCR" and "页是扫描图像" in f.message for f in rep.findings)


@needs_ocr
@needs_samples
def test_a_scan_over_the_time_limit_is_not_called_faulty(
    text_pdf: Any, offline: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OCR takes seconds a page: a scan that runs past the per-file limit is stopped with a
    message that says so and how to raise the limit, not that the file may be malformed."""
    import nianbao
    from nianbao.budget import Budget, file_budget
    from nianbao.errors import FileBudgetExceeded

    monkeypatch.setenv("NIANBAO_OCR_PAGE_SECONDS", "0")  # no time given a page beyond the budget
    data, _gold, _where = text_pdf
    # (2 s: the reading before OCR fits on a loaded machine; OCR of 3 pages takes longer)
    with pytest.raises(FileBudgetExceeded) as exc, file_budget(Budget(seconds=2)):
        nianbao.parse(_scanned(data, [1, 2, 3]))
    assert "文字识别" in str(exc.value) and "NIANBAO_FILE_SECONDS" in str(exc.value)
    assert "异常" not in str(exc.value)


@needs_ocr
@needs_samples
def test_a_scan_is_given_time_for_its_pages(
    text_pdf: Any, offline: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The time a scan's pages take is given beyond the file's budget (a page each
    NIANBAO_OCR_PAGE_SECONDS): a budget that would stop OCR does not stop it."""
    import nianbao
    from nianbao.budget import Budget, file_budget

    monkeypatch.setenv("NIANBAO_OCR_PAGE_SECONDS", "300")
    data, gold, where = text_pdf
    page = next(iter(sorted(set(where.values()))))
    with file_budget(Budget(seconds=2)):
        report = nianbao.parse(_scanned(data, [page]))
    assert any(f.rule == "R-OCR" for f in report.findings)


def test_a_section_title_whose_comma_ocr_lost_still_ends_a_table() -> None:
    """OCR on a pale page read 「四政府信息公开行政复议行政诉讼情况」 without its 、: the title
    was taken for a row and 表四 joined 表三's grid (145 cells unread)."""
    assert ocr_layout._SECTION_LINE.match("四政府信息公开行政复议行政诉讼情况")
    assert ocr_layout._SECTION_LINE.match("四、政府信息公开行政复议、行政诉讼情况")
    assert not ocr_layout._SECTION_LINE.match("一本年新收政府信息公开申请数量")


def _turned_scan(data: bytes, page: int, degrees: int, dpi: int = DPI) -> bytes:
    """One page scanned turned by ``degrees`` (counter-clockwise, as PIL turns)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        im = pdf[page - 1].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        pdf.close()
    im = im.rotate(degrees, expand=True, fillcolor="white")
    buf = io.BytesIO()
    im.save(buf, "PDF", resolution=float(dpi))
    return buf.getvalue()


@needs_ocr
@needs_samples
# (270 as 90 but the other way: with NIANBAO_TESTS_FULL=1)
@pytest.mark.parametrize("degrees", [180, 90, 270] if FULL else [180, 90])
def test_a_page_scanned_upside_down_or_sideways_is_turned(
    text_pdf: Any, offline: Any, degrees: int
) -> None:
    """A page fed to the scanner upside down or on its side: the recognition reads each line
    the right way up but leaves it where it stands, so rows came out mirrored (labels right
    of their numbers) and the tables were called missing. The page is turned upright."""
    data, gold, where = text_pdf
    page = max(set(where.values()), key=lambda p: sum(1 for v in where.values() if v == p))
    ids = [fid for fid, p in where.items() if p == page]
    report = extract(ocr_pdf(_turned_scan(data, page, degrees), "turned.pdf"))
    right = [f for f in ids if f in report.values and report.values[f].value == gold[f]]
    assert len(right) >= 0.97 * len(ids), sorted(set(ids) - set(right))[:20]


@needs_samples
def test_image_pages_recognised_are_capped_and_the_rest_said(
    text_pdf: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text PDF with many image pages: at most MAX_IMAGE_PAGES of them are recognised
    (OCR takes seconds a page); the others stay unread and the note names them (the note
    said every page was read). When the text pages hold the three tables, no page is
    recognised at all (the file read in 1 s took a minute and was refused)."""
    import pypdfium2 as pdfium

    from nianbao.readers.dispatch import read_bytes

    data, _gold, where = text_pdf
    monkeypatch.setattr(ocr_reader, "ocr_available", lambda: True)
    calls: list[int] = []

    def fake(engine: Any, page: Any, pno: int, dpi: int) -> Any:
        calls.append(pno)
        return [], 595.0, 842.0

    monkeypatch.setattr(ocr_reader, "_render_boxes", fake)
    monkeypatch.setattr(ocr_reader, "_get_engine", lambda: None)

    def with_scans(pdf: bytes, n: int) -> bytes:
        """``pdf`` followed by ``n`` pages that are pictures."""
        doc = pdfium.PdfDocument(pdf)
        extra = pdfium.PdfDocument(_scanned(data, [1] * n))
        doc.import_pages(extra)
        buf = io.BytesIO()
        doc.save(buf)
        doc.close()
        extra.close()
        return buf.getvalue()

    table_pages = sorted(set(where.values()))
    read = read_bytes(with_scans(_mixed(data, table_pages), 4), "many.pdf")
    assert len(calls) == ocr_reader.MAX_IMAGE_PAGES
    assert read.image_pages and read.image_pages[0] not in calls
    assert any("未能读取" in n and str(read.image_pages[-1]) in n for n in read.artifacts)
    calls.clear()
    assert read_bytes(with_scans(data, 4), "signed.pdf").image_pages
    assert calls == []


def test_a_blank_page_is_not_sent_to_the_recognition() -> None:
    """A page without ink (the back of a scanned sheet) gives no boxes without running the
    recognition (≈ 2.5 s a page for nothing); one small digit on it is recognised."""
    import numpy as np

    from nianbao.readers.ocr.boxes import _blank

    page = np.full((1754, 1240, 4), 255, dtype="uint8")
    assert _blank(page)
    page[100:104, 100:102, :3] = 0  # a speck of dust: 8 pixels
    assert _blank(page)
    page[800:820, 600:610, :3] = 20  # a digit's worth of ink
    assert not _blank(page)
