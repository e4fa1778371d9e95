"""Reading a scanned PDF by OCR: the pages rendered and laid out in turn, running heads and
feet dropped, tables stitched over page breaks, lines joined into paragraphs; ``ocr_pdf``
and the policy ``maybe_ocr``."""

from __future__ import annotations

import re
import statistics
from typing import Any

from ...budget import slow_work
from ...errors import (
    BrokenFile,
    EncryptedPdf,
    InputTooLarge,
    OcrUnavailable,
    ScannedPdf,
    UndecodableText,
)
from ..document import Document, Paragraph
from ..grid import DocumentBuilder, GridTooLarge, grid_of
from ..pdf import _HEADING, ENV_MAX_PAGES, GARBLED_PAGES_NOTE, IMAGE_PAGES_NOTE
from ..pdf import max_pages as pdf_max_pages
from ..pdfium_lock import PDFIUM_LOCK
from .boxes import _render_boxes
from .engine import _get_engine, ocr_available, ocr_enabled
from .layout import _Item, _page_items, _Run, _TLine, _VRow
from .tables import _run_grid

__all__ = [
    "MAX_OCR_PAGES",
    "OCR_DPI",
    "OCR_NOTE",
    "maybe_ocr",
    "ocr_image_pages",
    "lost_pages",
    "ocr_lost_pages",
    "ocr_pdf",
]

MAX_OCR_PAGES = 12  # OCR is slow (~5 s a page); the three tables sit in the first pages
OCR_DPI = 150
OCR_NOTE = "OCR 识别，数值请人工核对（扫描件无文字层，文字和数值由文字识别得到）"
# (a PDF whose text layer could not be decoded, read as a scan)
GARBLED_OCR_NOTE = "OCR 识别，数值请人工核对（PDF 文字层无法解码，文字和数值由文字识别得到）"
PDF_MEDIA_TYPE = "application/pdf"

_LOW_SCORE = 0.8  # a value box recognised with less confidence than this is listed


def maybe_ocr(data: bytes, source: str, exc: ScannedPdf) -> Document:
    """The policy for a PDF that ``read_pdf`` refused as a scan: OCR it when OCR is switched
    on and available, else raise ``exc`` (the original "扫描件，无文字层" message)."""
    if not ocr_enabled() or not ocr_available():
        raise exc
    doc = ocr_pdf(data, source)
    if isinstance(exc, UndecodableText):
        doc.artifacts = [GARBLED_OCR_NOTE if a == OCR_NOTE else a for a in doc.artifacts]
    return doc


# image pages of a text PDF recognised at most (the tables sit on a few pages; the rest of
# such pages are signatures, seals, attachments) — OCR takes seconds a page
MAX_IMAGE_PAGES = 3
# the three tables' marks (words of their headings that prose does not use): when the text
# pages hold them all, the image pages hold none of the tables
_TABLE_MARKS = (("第二十条第",), ("申请人情况", "商业企业"), ("尚未审结", "结果维持"))


def ocr_image_pages(doc: Document, data: bytes, source: str) -> Document:
    """A text PDF some of whose pages are images (a table scanned and inserted, a signed
    page): the first of those pages (at most ``MAX_IMAGE_PAGES``) read by OCR and merged
    with the text pages in page order, unless the text pages already hold the three tables.
    ``doc`` unchanged when OCR is off or missing, or fails (the text pages are kept; the
    note says which pages were not read, and extraction names what they may hold as
    unread); pages not recognised stay in ``image_pages``."""
    if not doc.image_pages or not ocr_enabled() or not ocr_available():
        return doc
    text = "".join(doc.text.split())  # (a heading word may wrap in its cell: 尚未\n审结)
    if all(any(m in text for m in marks) for marks in _TABLE_MARKS):
        return doc
    chosen = doc.image_pages[:MAX_IMAGE_PAGES]
    try:
        scan = ocr_pdf(data, source, pages=chosen, max_pages=MAX_IMAGE_PAGES)
    except (OcrUnavailable, BrokenFile, InputTooLarge):
        return doc
    builder = _in_page_order(doc.blocks, scan.blocks)
    left = doc.image_pages[len(chosen) :]
    notes = [n for n in doc.artifacts if not n.endswith("其内容未能读取。")]
    for pages, read in ((chosen, "已用文字识别（OCR）读取"), (left, "其内容未能读取")):
        scans = [p for p in pages if p not in doc.garbled_pages]
        garbled = [p for p in pages if p in doc.garbled_pages]
        if scans:
            notes.append(f"{IMAGE_PAGES_NOTE.format(_page_list(scans))}{read}")
        if garbled:
            notes.append(f"{GARBLED_PAGES_NOTE.format(_page_list(garbled))}{read}")
    # the OCR notes, less the page count of a whole scan (this file is not one)
    note = GARBLED_OCR_NOTE if set(chosen) <= set(doc.garbled_pages) else OCR_NOTE
    notes += [note] + [n for n in scan.artifacts if n != OCR_NOTE and "扫描件共" not in n]
    merged = builder.build(source, doc.media_type, notes, pages=doc.pages)
    merged.image_pages = left
    merged.garbled_pages = [p for p in doc.garbled_pages if p in left]
    return merged


def ocr_lost_pages(doc: Document, data: bytes, source: str) -> Document:
    """A text PDF some of whose table cells hold characters without a text code (a font
    without a character map for its digits: the values were unread, and named): the
    pages those tables stand on (at most ``MAX_IMAGE_PAGES``) read by OCR in place of
    their text layer. ``doc`` unchanged when OCR is off or missing, or fails, or the
    tables stand on more pages than that."""
    lost = lost_pages(doc)
    if not lost or len(lost) > MAX_IMAGE_PAGES or not ocr_enabled() or not ocr_available():
        return doc
    try:
        scan = ocr_pdf(data, source, pages=lost, max_pages=MAX_IMAGE_PAGES)
    except (OcrUnavailable, BrokenFile, InputTooLarge):
        return doc
    builder = _in_page_order([b for b in doc.blocks if (b.page or 0) not in lost], scan.blocks)
    notes = [n for n in doc.artifacts if "没有文字编码" not in n]
    notes.append(
        f"第 {_page_list(lost)} 页统计表中有字符在 PDF 中没有文字编码（字体缺少 ToUnicode 映射），"
        "这些页已用文字识别（OCR）读取"
    )
    notes += [OCR_NOTE] + [n for n in scan.artifacts if n != OCR_NOTE and "扫描件共" not in n]
    merged = builder.build(source, doc.media_type, notes, pages=doc.pages)
    merged.image_pages = list(doc.image_pages)
    merged.garbled_pages = list(doc.garbled_pages)
    return merged


def _in_page_order(text: list[Any], scan: list[Any]) -> DocumentBuilder:
    """A document of the text pages' blocks and the recognised pages' in page order (a
    page's text blocks before its recognised ones)."""
    order = [(b.page or 0, 0, i, b) for i, b in enumerate(text)]
    order += [(b.page or 0, 1, i, b) for i, b in enumerate(scan)]
    builder = DocumentBuilder()
    for _, _, _, block in sorted(order, key=lambda t: t[:3]):
        if isinstance(block, Paragraph):
            builder.add_paragraph(block.text, block.page)
        else:
            builder.add_table(grid_of(block), block.kind, block.page)
    return builder


_LOST_CELLS = 3  # cells without text codes a table must have for its pages to be recognised


def lost_pages(doc: Document) -> list[int]:
    """The pages of the tables some of whose cells hold a character without a text code
    (U+FFFD): from a table's page to the page of the block after it (a table may go on
    over a page break). Only where ``_LOST_CELLS`` cells or more are so: one such cell is
    better named unread than the page's other values put at OCR's risk."""
    pages: set[int] = set()
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        if isinstance(block, Paragraph) or block.page is None:
            continue
        if sum("\ufffd" in c.text for row in block.rows for c in row) < _LOST_CELLS:
            continue
        after = next((b.page for b in blocks[i + 1 :] if b.page is not None), block.page)
        pages.update(range(block.page, max(after, block.page) + 1))
    return sorted(pages)


# --------------------------------------------------------------------------- document


def _starts_paragraph(prev: _TLine, line: _TLine, left: float, right: float, unit: float) -> bool:
    if line.x0 > left + 1.0 * unit:  # indented first line, or a centred line
        return True
    if prev.x1 < right - 1.5 * unit:  # the line before ended short
        return True
    if _HEADING.match(line.text(unit)):
        return True
    return prev.page == line.page and line.top - prev.bottom > 1.2 * unit


def _drop_running_lines(pages: list[list[_Item]], unit: float) -> list[list[_Item]]:
    """Running heads and feet: margin lines whose text (digits aside) recurs on half the
    pages or more."""
    if len(pages) < 3:
        return pages
    seen: dict[str, set[int]] = {}
    for items in pages:
        for it in items:
            if isinstance(it, _TLine) and it.in_margin:
                seen.setdefault(re.sub(r"\d+", "#", it.text(unit)), set()).add(it.page)
    running = {k for k, v in seen.items() if len(v) >= max(2, len(pages) // 2)}
    return [
        [
            it
            for it in items
            if not (
                isinstance(it, _TLine)
                and it.in_margin
                and re.sub(r"\d+", "#", it.text(unit)) in running
            )
        ]
        for items in pages
    ]


def _stitch(pages: list[list[_Item]]) -> None:
    """A table whose rows go on at the top of the next page (no header repeated there) is
    one table: the continuation's rows join the table on the page before."""
    for p in range(1, len(pages)):
        before = [it for it in pages[p - 1] if not (isinstance(it, _TLine) and it.in_margin)]
        after = [it for it in pages[p] if not (isinstance(it, _TLine) and it.in_margin)]
        if not before or not after:
            continue
        last, first = before[-1], after[0]
        if isinstance(last, _Run) and isinstance(first, _Run) and not first.header:
            last.body.extend(first.body)
            pages[p].remove(first)


def _page_list(pages: list[int]) -> str:
    """1、3–5、9: sorted page numbers with runs shortened."""
    parts: list[str] = []
    i = 0
    while i < len(pages):
        j = i
        while j + 1 < len(pages) and pages[j + 1] == pages[j] + 1:
            j += 1
        parts.append(str(pages[i]) if i == j else f"{pages[i]}–{pages[j]}")
        i = j + 1
    return "、".join(parts)


def _open(data: bytes) -> Any:
    import pypdfium2 as pdfium

    if not data:
        raise BrokenFile("PDF 文件为空。")
    if b"%PDF-" not in data[:1024]:
        raise BrokenFile("文件不是 PDF（缺少 %PDF 文件头），或已损坏。")
    try:
        with PDFIUM_LOCK:
            return pdfium.PdfDocument(data)
    except Exception as e:  # PdfiumError, or anything else the binding raises
        if getattr(e, "err_code", None) == 4 or "password" in str(e).lower():
            raise EncryptedPdf(
                "PDF 文件已加密（需要密码），无法读取。请提供未加密的文件。"
            ) from None
        raise BrokenFile("PDF 文件已损坏或不完整，无法打开。请重新下载或导出该文件。") from None


def ocr_pdf(
    data: bytes,
    source: str = "",
    pages: list[int] | None = None,
    *,
    max_pages: int = MAX_OCR_PAGES,
    dpi: int = OCR_DPI,
) -> Document:
    """Read a scanned PDF by OCR into a :class:`Document` (paragraphs and ``kind="ocr"``
    table grids with pages and boxes in PDF points).

    ``pages`` are 1-based page numbers (default: the first ``max_pages`` pages); never more
    than ``max_pages`` pages are read, and ``Document.artifacts`` says so. Raises
    OcrUnavailable (the extra or a bundled model is missing: nothing is downloaded),
    EncryptedPdf, BrokenFile or InputTooLarge.
    """
    with slow_work("ocr"):
        return _ocr_pdf(data, source, pages, max_pages, dpi)


def _ocr_pdf(
    data: bytes, source: str, pages: list[int] | None, max_pages: int, dpi: int
) -> Document:
    engine = _get_engine()
    pdf = _open(data)
    try:
        with PDFIUM_LOCK:
            n = len(pdf)
        if n == 0:
            raise BrokenFile("PDF 文件没有页面，可能已损坏。")
        limit = pdf_max_pages()  # the PDF reader's limit: only the first pages are recognised
        if n > limit:
            raise InputTooLarge(
                f"PDF 共 {n} 页，超过上限 {limit} 页；年度报告通常只有几页，请检查文件"
                f"（如确需读取，可用环境变量 {ENV_MAX_PAGES} 调高上限）。"
            )
        wanted = sorted({p for p in pages if 1 <= p <= n}) if pages else list(range(1, n + 1))
        chosen = wanted[: max(1, max_pages)]
        page_items: list[list[_Item]] = []
        units: list[float] = []
        low: dict[int, list[str]] = {}
        for pno in chosen:
            with PDFIUM_LOCK:
                page = pdf[pno - 1]
            try:
                boxes, width, height = _render_boxes(engine, page, pno, dpi)
            except (BrokenFile, OcrUnavailable):
                raise
            except Exception:
                raise BrokenFile(
                    f"PDF 第 {pno} 页的图像无法识别（OCR 出错），文件可能已损坏。"
                ) from None
            finally:
                with PDFIUM_LOCK:
                    page.close()
            items, unit = _page_items(boxes, width, height)
            if boxes:
                units.append(unit)
            page_items.append(items)
            for it in items:
                if isinstance(it, _Run):
                    for row in it.body:
                        if isinstance(row, _VRow):
                            low.setdefault(pno, []).extend(
                                b.text for b in row.values if b.score < _LOW_SCORE
                            )
    finally:
        with PDFIUM_LOCK:
            pdf.close()

    unit = statistics.median(units) if units else 10.0
    page_items = _drop_running_lines(page_items, unit)
    _stitch(page_items)
    lines = [it for items in page_items for it in items if isinstance(it, _TLine)]
    body = [ln for ln in lines if not ln.in_margin] or lines
    left = sorted(ln.x0 for ln in body)[len(body) // 10] if body else 0.0
    right = sorted(ln.x1 for ln in body)[(len(body) * 9) // 10] if body else 0.0

    builder = DocumentBuilder()
    para: list[_TLine] = []
    skipped: list[int] = []

    def flush() -> None:
        if para:
            builder.add_paragraph("\n".join(ln.text(unit) for ln in para), para[0].page)
            para.clear()

    for items in page_items:
        for it in items:
            if isinstance(it, _Run):
                flush()
                try:
                    builder.add_table(_run_grid(it, unit), "ocr", it.page)
                except GridTooLarge:  # not a report table: keep its rows as text
                    for row in it.header + it.body:
                        builder.add_paragraph(_TLine(row.boxes).text(unit), row.page)
                    skipped.append(it.page)
                continue
            if para and not _starts_paragraph(para[-1], it, left, right, unit):
                para.append(it)
            else:
                flush()
                para.append(it)
    flush()

    notes = [OCR_NOTE]
    listed = _page_list(chosen)
    if not chosen:
        notes.append(f"扫描件共 {n} 页，所给页码都不在 1–{n} 之内，未识别任何页面。")
    elif len(chosen) < len(wanted):
        notes.append(
            f"扫描件共 {n} 页，只识别了其中 {len(chosen)} 页（第 {listed} 页；文字识别较慢，"
            f"每份最多识别 {max(1, max_pages)} 页，统计表通常在前几页），其余页面未读取。"
        )
    elif len(chosen) < n:
        notes.append(f"扫描件共 {n} 页，只识别了第 {listed} 页，其余页面未读取。")
    if skipped:
        notes.append(f"第 {_page_list(sorted(set(skipped)))} 页有表格过大，已按文字读取。")
    for pno, texts in low.items():
        if texts:
            shown = "、".join(texts[:10]) + ("等" if len(texts) > 10 else "")
            notes.append(
                f"第 {pno} 页有 {len(texts)} 个数值识别置信度较低（{shown}），请重点核对。"
            )
    return builder.build(source, PDF_MEDIA_TYPE, notes, pages=n)
