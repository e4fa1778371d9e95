"""PDF reader: the three real PDFs with gold answers, and bad input."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from nianbao.errors import BrokenFile, EncryptedPdf, InputTooLarge, ScannedPdf
from nianbao.readers.document import Document, Paragraph, Table
from nianbao.readers.pdf import MAX_PAGES, read_pdf
from nianbao.schema import (
    ACTIVE_IDS,
    COLUMNS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
    REVIEW_IDS,
    SECTION_HEADINGS,
)

PEER = Path(__file__).resolve().parents[2] / "shared" / "samples" / "peer"
NAMES = ["hongze-2023", "hongze-2024", "huaian-2024"]

pytestmark = pytest.mark.skipif(not PEER.is_dir(), reason="shared samples not available")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _number(text: str) -> float | None:
    t = _squash(text)
    return float(t) if re.fullmatch(r"-?\d+(?:\.\d+)?", t) else None


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {n: read_pdf((PEER / f"{n}.pdf").read_bytes(), f"{n}.pdf") for n in NAMES}


@pytest.fixture(scope="module")
def golds() -> dict[str, dict]:
    return {n: json.loads((PEER / f"{n}.gold.json").read_text("utf-8")) for n in NAMES}


def _table_with(doc: Document, n_cols: int, min_rows: int) -> Table:
    hits = [t for t in doc.tables if len(t.rows[0]) == n_cols and len(t.rows) >= min_rows]
    assert len(hits) == 1, [(len(t.rows), len(t.rows[0])) for t in doc.tables]
    return hits[0]


@pytest.mark.parametrize("name", NAMES)
def test_document_basics(docs: dict[str, Document], name: str) -> None:
    doc = docs[name]
    assert doc.media_type == "application/pdf"
    assert doc.pages in (5, 6)
    assert doc.original == doc.text and doc.offset_map is None
    assert [t.index for t in doc.tables] == list(range(len(doc.tables)))
    assert all(t.kind == "pdf" and t.page for t in doc.tables)
    last = -1
    for block in doc.blocks:
        assert block.start > last and block.end >= block.start
        last = block.end
        if isinstance(block, Paragraph):
            assert doc.text[block.start : block.end] == block.text
            assert block.page and 1 <= block.page <= doc.pages
            continue
        for r, row in enumerate(block.rows):
            assert len(row) == len(block.rows[0])
            for c, cell in enumerate(row):
                assert (cell.row, cell.col) == (r, c)
                assert doc.text[cell.start : cell.end] == cell.text
                assert cell.page and cell.bbox is not None
                x0, top, x1, bottom = cell.bbox
                assert x0 < x1 and top < bottom


@pytest.mark.parametrize("name", NAMES)
def test_headings_and_title_lines_are_paragraphs(
    docs: dict[str, Document], golds: dict[str, dict], name: str
) -> None:
    paras = [_squash(b.text) for b in docs[name].blocks if isinstance(b, Paragraph)]
    for heading in SECTION_HEADINGS.values():
        assert heading in paras, heading
    # the title is set on two centred lines: agency, then year + 年度报告
    assert _squash(paras[0] + paras[1]) == _squash(golds[name]["meta.title"])
    # page numbers ("- 1 -") are not text of the report
    assert not any(re.fullmatch(r"-?\d+-?", p) for p in paras)


@pytest.mark.parametrize("name", NAMES)
def test_three_tables_stitched_across_pages(docs: dict[str, Document], name: str) -> None:
    shapes = [(len(t.rows[0]), t.page) for t in docs[name].tables]
    assert [s[0] for s in shapes] == [4, 10, 15]
    pages_of_request_table = {c.page for row in docs[name].tables[1].rows for c in row}
    assert len(pages_of_request_table) == 2  # it crosses a page break and is one grid


@pytest.mark.parametrize("name", NAMES)
def test_active_table_values(docs: dict[str, Document], golds: dict[str, dict], name: str) -> None:
    table = _table_with(docs[name], 4, 10)
    by_label = {_squash(row[0].text): row for row in table.rows}
    gold = golds[name]
    for label, key in (("规章", "regulations"), ("行政规范性文件", "normative")):
        row = by_label[label]
        got = [_number(row[c].text) for c in (1, 2, 3)]
        assert got == [gold[f"active.{key}.{f}"] for f in ("issued", "repealed", "in_force")]
    for label, fid in (
        ("行政许可", "active.licensing"),
        ("行政处罚", "active.penalty"),
        ("行政强制", "active.coercion"),
        ("行政事业性收费", "active.fees"),
    ):
        row = by_label[label]
        assert _number(row[1].text) == gold[fid]
        assert row[2].covered and row[3].covered and row[2].text == row[1].text
    assert set(ACTIVE_IDS) <= set(gold)


@pytest.mark.parametrize("name", NAMES)
def test_request_table_rows(docs: dict[str, Document], golds: dict[str, dict], name: str) -> None:
    table = _table_with(docs[name], 10, 20)
    gold = golds[name]
    rows = REQUEST_ROWS_2021 if gold["meta.format"] == "2021" else REQUEST_ROWS_2019
    value_rows = [row for row in table.rows if all(_number(c.text) is not None for c in row[3:])]
    got = [[_number(c.text) for c in row[3:]] for row in value_rows]
    want = [[gold[f"requests.{r}.{c}"] for c in COLUMNS] for r in rows]
    assert got == want
    # the granted row is labelled 予以公开; the row label is the last label cell
    granted = value_rows[rows.index("granted")]
    assert "予以公开" in granted[2].text and granted[2].covered
    # the merged 三、本年度办理结果 cell covers the result rows, across the page break
    first_col = [row[0] for row in value_rows[2:-1]]
    assert not first_col[0].covered and all(c.covered for c in first_col[1:])
    assert len({row[3].page for row in value_rows}) == 2  # values from both pages


@pytest.mark.parametrize("name", NAMES)
def test_review_table_values(docs: dict[str, Document], golds: dict[str, dict], name: str) -> None:
    table = _table_with(docs[name], 15, 4)
    got = [_number(c.text) for c in table.rows[-1]]
    assert got == [golds[name][i] for i in REVIEW_IDS]


def test_wrapped_label_keeps_its_line_break(docs: dict[str, Document]) -> None:
    header = _table_with(docs["huaian-2024"], 10, 20).rows[2]
    assert "商业企\n业" in [c.text for c in header]


@pytest.mark.parametrize("name", NAMES)
def test_gold_ids_through_the_parser(golds: dict[str, dict], name: str) -> None:
    nianbao = pytest.importorskip("nianbao")
    pytest.importorskip("nianbao.extraction.extract")
    report = nianbao.parse(str(PEER / f"{name}.pdf"))
    flat = report.flat()
    gold = golds[name]
    blank = set(gold.get("blank") or [])
    wrong = []
    for fid, want in gold.items():
        if fid in ("blank", "notes"):
            continue
        got = flat.get(fid)
        if fid in blank:
            want = None
        if got != want:
            wrong.append((fid, want, got))
    assert not wrong


# --------------------------------------------------------------------------- bad input


def _blank_pdf(n_pages: int) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(n_pages):
        pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    """A minimal PDF with a standard security handler whose user password is not empty."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + b"41" * 32
        + b"> /U <"
        + b"42" * 32
        + b"> /P -4 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (
        b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff>"
        b" <00112233445566778899aabbccddeeff>] >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    )
    return bytes(out)


def test_encrypted_pdf() -> None:
    with pytest.raises(EncryptedPdf, match="加密"):
        read_pdf(_encrypted_pdf())


def test_pdf_without_text_layer_is_a_scan() -> None:
    with pytest.raises(ScannedPdf, match="扫描件，无文字层"):
        read_pdf(_blank_pdf(2))


def test_too_many_pages_refused_before_reading_them() -> None:
    with pytest.raises(InputTooLarge, match=str(MAX_PAGES)):
        read_pdf(_blank_pdf(MAX_PAGES + 1))


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.99])
def test_truncated_pdf(cut: float) -> None:
    data = (PEER / "hongze-2023.pdf").read_bytes()
    with pytest.raises(BrokenFile):
        read_pdf(data[: int(len(data) * cut)])


@pytest.mark.parametrize("data", [b"", b"hello world", b"%PDF-1.7\n" + b"\x00" * 100])
def test_not_a_pdf(data: bytes) -> None:
    with pytest.raises(BrokenFile):
        read_pdf(data)


@pytest.mark.parametrize("name", NAMES)
def test_libreoffice_pdf_of_the_same_report(docs: dict[str, Document], name: str) -> None:
    """A second PDF producer: the writer's DOCX converted by LibreOffice, where table 三
    crosses a page break, a row is split by it and narrow cells wrap numbers."""
    writer = pytest.importorskip("nianbao.writing.writer")
    api = pytest.importorskip("nianbao.api")
    if writer.soffice_path() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    report = api.parse_document(docs[name], check=False)
    doc = read_pdf(writer.render(report, "pdf"))
    assert [len(t.rows[0]) for t in doc.tables] == [4, 10, 15]
    back = api.parse_document(doc, check=False).flat()
    want = report.flat()
    assert {k: back.get(k) for k in want if not k.startswith("meta.")} == {
        k: v for k, v in want.items() if not k.startswith("meta.")
    }


def _png(width: int = 200, height: int = 200) -> bytes:
    """A grey PNG, written by hand (no imaging library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _soffice_pdf(docx_bytes: bytes, tmp_path: Path) -> bytes:
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    src = tmp_path / "in.docx"
    src.write_bytes(docx_bytes)
    profile = (tmp_path / "profile").as_uri()
    cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run([*cmd, "--outdir", str(tmp_path), str(src)], check=True, timeout=180)
    return (tmp_path / "in.pdf").read_bytes()


def test_running_heads_repeated_header_rows_and_an_image_page(tmp_path: Path) -> None:
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "某区人民政府办公室 页眉文字"
    d.sections[0].footer.paragraphs[0].text = "内部资料 页脚文字"
    d.add_paragraph("某区人民政府")
    d.add_paragraph("2023年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    table = d.add_table(rows=61, cols=4)
    table.style = "Table Grid"
    for c, text in enumerate(["项目", "甲", "乙", "丙"]):
        table.cell(0, c).text = text
    # the header row repeats at the top of every page the table runs onto
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for r in range(1, 61):
        for c, text in enumerate([f"第{r}项", str(r), str(2 * r), str(3 * r)]):
            table.cell(r, c).text = text
    d.add_paragraph("二、主动公开政府信息情况").add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph().add_run().add_picture(io.BytesIO(_png()), width=Cm(16))
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("六、其他需要报告的事项")
    buf = io.BytesIO()
    d.save(buf)
    doc = read_pdf(_soffice_pdf(buf.getvalue(), tmp_path))

    assert doc.pages is not None and doc.pages >= 4
    assert "页眉文字" not in doc.text and "页脚文字" not in doc.text
    assert len(doc.tables) == 1
    grid = [[c.text for c in row] for row in doc.tables[0].rows]
    assert grid[0] == ["项目", "甲", "乙", "丙"]
    assert grid[1:] == [[f"第{r}项", str(r), str(2 * r), str(3 * r)] for r in range(1, 61)]
    assert len({row[1].page for row in doc.tables[0].rows}) >= 2
    assert any("扫描图像" in note for note in doc.artifacts)
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paras[:3] == ["某区人民政府", "2023年政府信息公开工作年度报告", "一、总体情况"]
    assert paras[-1] == "六、其他需要报告的事项"


@pytest.mark.parametrize("valign", ["top", "center"])
def test_table_without_rules_found_by_text_alignment(tmp_path: Path, valign: str) -> None:
    import docx
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.shared import Cm

    d = docx.Document()
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    rows = [
        ("", "自然人", "商业企业", "总计"),
        ("一、本年新收政府信息公开申请数量", "95", "3", "98"),
        ("二、上年结转政府信息公开申请数量", "0", "0", "0"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "9", "10", "19"),
        ("四、结转下年度继续办理", "1", "", "1"),
    ]
    table = d.add_table(rows=len(rows), cols=4)  # no style: no borders at all
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
            if valign == "center":  # numbers beside the middle line of a wrapped label
                table.cell(r, c).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for cell in table.columns[0].cells:
        cell.width = Cm(5)  # narrow enough that the long label wraps
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    buf = io.BytesIO()
    d.save(buf)
    doc = read_pdf(_soffice_pdf(buf.getvalue(), tmp_path))

    assert len(doc.tables) == 1
    grid = [[c.text for c in row] for row in doc.tables[0].rows]
    values = [[_number(t) for t in row[-3:]] for row in grid if _number(row[-1]) is not None]
    assert values == [[95, 3, 98], [0, 0, 0], [9, 10, 19], [1, None, 1]]
    labels = [_squash("".join(row[:-3])) for row in grid if _number(row[-1]) is not None]
    assert labels[0] == "一、本年新收政府信息公开申请数量"
    assert labels[2] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert all(c.page == 1 and c.bbox is not None for row in doc.tables[0].rows for c in row)
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paras == ["三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
