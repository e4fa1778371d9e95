"""The office styles: DOCX with real merged cells (python-docx), and LibreOffice conversions
(HTML -> DOCX, DOCX -> PDF) in a private profile."""

from __future__ import annotations

import io
import subprocess

from ..errors import ConverterMissing
from ..report import Report
from .blocks import _Block, _blocks, _plain
from .tables import GridTable

__all__ = ["soffice_path"]


# ---------------------------------------------------------------------- docx
def _render_docx(blocks: list[_Block]) -> bytes:
    from docx import Document as DocxDocument
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, Twips

    doc = DocxDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)  # A4
    section.left_margin = section.right_margin = Twips(1440)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), "宋体")
    for b in blocks:
        if b.kind == "title":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(b.text)
            run.bold = True
            run.font.size = Pt(16)
        elif b.kind == "heading":
            p = doc.add_paragraph()
            p.add_run(b.text).bold = True
        elif b.kind == "para":
            p = doc.add_paragraph(_plain(b.text))
            p.paragraph_format.first_line_indent = Pt(21)
        elif b.kind == "right":
            p = doc.add_paragraph(b.text)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif b.table is not None:
            _docx_table(doc, b.table, WD_TABLE_ALIGNMENT, WD_ALIGN_PARAGRAPH, Pt, Twips)
            doc.add_paragraph()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# column widths (twips) on an A4 page with 2.54 cm margins (9026 twips of text width)
_DOCX_WIDTHS: dict[str, tuple[int, ...]] = {
    "s2": (2256, 2256, 2257, 2257),
    "s3": (600, 1100, 2500) + (689,) * 7,
    "s4": (601,) * 14 + (612,),
}


def _docx_table(doc, grid: GridTable, table_align, para_align, pt, twips) -> None:
    table = doc.add_table(rows=grid.n_rows, cols=grid.n_cols)
    table.style = "Table Grid"
    table.alignment = table_align.CENTER
    table.autofit = False
    widths = _DOCX_WIDTHS[grid.key]
    # One pass over the unmerged grid (table.cell() re-walks the whole table per call).
    # Merges below only touch the w:tc elements of their own rectangle, and rectangles
    # never overlap, so the cells taken here stay valid for the anchors and corners.
    slots = table._cells
    for k, col in enumerate(table.columns):
        col.width = twips(widths[k])
    for i, cell in enumerate(slots):
        cell.width = twips(widths[i % grid.n_cols])
    for c in grid.cells:
        cell = slots[c.row * grid.n_cols + c.col]
        if c.rowspan > 1 or c.colspan > 1:
            corner = slots[(c.row + c.rowspan - 1) * grid.n_cols + c.col + c.colspan - 1]
            cell = cell.merge(corner)
        cell.text = c.text
        for p in cell.paragraphs:
            if c.kind == "value" or grid.key != "s3" or c.col >= 3:
                p.alignment = para_align.CENTER
            for run in p.runs:
                run.font.size = pt(9)


# ---------------------------------------------------------------------- pdf
def soffice_path() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    from ..readers.office import office_binary

    return office_binary()


def _soffice_convert(data: bytes, src_suffix: str, target: str, out_suffix: str) -> bytes:
    """Convert a document with LibreOffice in a private profile and temporary folder."""
    from ..readers.office import run_office

    soffice = soffice_path()
    if soffice is None:
        raise ConverterMissing(
            "未找到 LibreOffice（soffice），无法转换文档。请先安装："
            "apt-get install libreoffice-writer-nogui fonts-noto-cjk"
        )
    try:
        out = run_office(soffice, data, src_suffix, target, out_suffix, 180)
    except subprocess.TimeoutExpired as exc:
        raise ConverterMissing(f"LibreOffice 转换失败：{exc}") from exc
    if out is None:
        raise ConverterMissing("LibreOffice 未生成输出文件。")
    return out


def _docx_to_pdf(docx_bytes: bytes) -> bytes:
    return _soffice_convert(docx_bytes, ".docx", "pdf", ".pdf")


def _s3_splits_pages(pdf_bytes: bytes) -> bool:
    """True when the section 三 table starts on one page and ends on a later one."""
    import pdfplumber

    start = end = None
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for i, page in enumerate(pdf.pages):
            text = (page.extract_text() or "").replace(" ", "")
            if start is None and "勾稽" in text:
                start = i
            if "结转下年度" in text:
                end = i
    return start is not None and end is not None and end > start


def _render_pdf(report: Report, texts: dict[str, str] | None) -> bytes:
    # Enough text after section 二 that section 三's table crosses a page break; the
    # exact amount depends on fonts, so try a few and keep the first that splits.
    pdf = b""
    for filler in (4, 9, 14, 2, 0):
        pdf = _docx_to_pdf(_render_docx(_blocks(report, texts, filler=filler)))
        if _s3_splits_pages(pdf):
            return pdf
    return pdf
