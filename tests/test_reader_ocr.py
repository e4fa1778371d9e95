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

from nianbao import reader_ocr
from nianbao.document import Document, Paragraph
from nianbao.errors import ScannedPdf, UnusableInput
from nianbao.extract import extract
from nianbao.reader_ocr import (
    OCR_NOTE,
    OcrUnavailable,
    maybe_ocr,
    ocr_available,
    ocr_pdf,
    use_ocr,
)
from nianbao.reader_pdf import read_pdf

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
    (tmp_path / reader_ocr.MODEL_FILES[0]).write_bytes(b"")  # one of three models present
    monkeypatch.setattr(reader_ocr, "model_dir", lambda: tmp_path)
    assert not ocr_available()
    with pytest.raises(OcrUnavailable, match="模型文件缺失") as err:
        ocr_pdf(_blank_pdf(1))
    assert "不会联网下载" in str(err.value)
    assert reader_ocr.MODEL_FILES[1] in str(err.value)
    exc = _scan_error(_blank_pdf(1))
    with pytest.raises(ScannedPdf) as info:
        maybe_ocr(_blank_pdf(1), "", exc)
    assert info.value is exc


def test_ocr_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _blank_pdf(1)
    exc = _scan_error(data)
    calls: list[bytes] = []
    monkeypatch.setattr(reader_ocr, "ocr_available", lambda: True)
    monkeypatch.setattr(reader_ocr, "ocr_pdf", lambda d, s="": calls.append(d) or Document(""))
    with use_ocr(False):
        assert not reader_ocr.ocr_enabled()
        with pytest.raises(ScannedPdf):
            reader_ocr.maybe_ocr(data, "", exc)
    assert reader_ocr.ocr_enabled()
    monkeypatch.setenv("NIANBAO_OCR", "0")
    with pytest.raises(ScannedPdf):
        reader_ocr.maybe_ocr(data, "", exc)
    monkeypatch.delenv("NIANBAO_OCR")
    reader_ocr.maybe_ocr(data, "", exc)
    assert calls == [data]


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
        reader_ocr._engine.cache_clear()  # the engine is built under the block
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
def test_page_cap_is_kept_and_said(offline: Any) -> None:
    data = _blank_pdf(4)
    doc = maybe_ocr(data, "blank.pdf", _scan_error(data))
    assert doc.pages == 4 and doc.blocks == []
    assert doc.artifacts[0] == OCR_NOTE
    capped = ocr_pdf(data, max_pages=2)
    assert any("共 4 页" in a and "2 页" in a for a in capped.artifacts), capped.artifacts
    only = ocr_pdf(data, pages=[3])
    assert any("第 3 页" in a for a in only.artifacts), only.artifacts
