"""DOCX reader: merged cells, document order, the real blank template, bad zips."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from nianbao.errors import BrokenFile, InputTooLarge
from nianbao.readers.document import Paragraph, Table
from nianbao.readers.docx import DOCX_MEDIA_TYPE, read_docx

TEMPLATE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "samples"
    / "peer"
    / "templates"
    / "政府信息公开工作年度报告格式模板_空白.docx"
)


def _grid(table: Table) -> list[list[str]]:
    return [[("^" if c.covered else "") + c.text for c in row] for row in table.rows]


def _save(d: docx.document.Document) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _report_docx() -> bytes:
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "页眉文字"
    d.sections[0].footer.paragraphs[0].text = "页脚文字"
    d.add_paragraph("某区人民政府")
    d.add_paragraph("2023年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    p = d.add_paragraph("第一行")
    p.add_run().add_break()
    p.add_run("第二\u200b行")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=5, cols=4)
    texts = [
        ["（勾稽关系）", "", "自然人", "总计"],
        ["", "", "", ""],
        ["三、本年度办理结果", "（一）予以公开", "5", "5"],
        ["", "（二）部分公开", "", "0"],
        ["四、结转下年度继续办理", "", "1", "1"],
    ]
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    t.cell(0, 0).merge(t.cell(1, 1))  # 2x2 corner
    t.cell(0, 2).merge(t.cell(1, 2))  # vertical
    t.cell(0, 3).merge(t.cell(1, 3))
    t.cell(2, 0).merge(t.cell(3, 0))
    t.cell(4, 0).merge(t.cell(4, 1))  # horizontal
    t.cell(2, 1).paragraphs[0].add_run().add_break()
    t.cell(2, 1).paragraphs[0].add_run("续")
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    return _save(d)


def test_paragraphs_and_tables_in_document_order() -> None:
    doc = read_docx(_report_docx(), "r.docx")
    assert doc.media_type == DOCX_MEDIA_TYPE
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph"] * 5 + ["Table", "Paragraph"]
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paras[:3] == ["某区人民政府", "2023年政府信息公开工作年度报告", "一、总体情况"]
    assert paras[3] == "第一行\n第二行"
    assert "页眉文字" not in doc.text and "页脚文字" not in doc.text
    table = doc.tables[0]
    assert table.kind == "docx" and table.index == 0
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            assert doc.text[block.start : block.end] == block.text
        else:
            for row in block.rows:
                for cell in row:
                    assert doc.text[cell.start : cell.end] == cell.text


def test_merged_cells_from_cell_merge() -> None:
    table = read_docx(_report_docx()).tables[0]
    assert _grid(table) == [
        ["（勾稽关系）", "^（勾稽关系）", "自然人", "总计"],
        ["^（勾稽关系）", "^（勾稽关系）", "^自然人", "^总计"],
        ["三、本年度办理结果", "（一）予以公开\n续", "5", "5"],
        ["^三、本年度办理结果", "（二）部分公开", "", "0"],
        ["四、结转下年度继续办理", "^四、结转下年度继续办理", "1", "1"],
    ]
    blank = table.rows[3][2]
    assert blank.text == "" and not blank.covered


def test_grid_before_and_bare_vmerge() -> None:
    d = docx.Document()
    t = d.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            t.cell(r, c).text = f"{r}{c}"
    # row 2: starts one grid column to the right (w:gridBefore), so it has two cells
    tr = t._tbl.tr_lst[2]
    tr.remove(tr.tc_lst[0])
    trPr = tr.get_or_add_trPr()
    gb = OxmlElement("w:gridBefore")
    gb.set(qn("w:val"), "1")
    trPr.append(gb)
    # column 2: rows 0-1 merged, the continuation written as a bare <w:vMerge/>
    for r, val in ((0, "restart"), (1, None)):
        tcPr = t._tbl.tr_lst[r].tc_lst[2].get_or_add_tcPr()
        vm = OxmlElement("w:vMerge")
        if val:
            vm.set(qn("w:val"), val)
        tcPr.append(vm)
    table = read_docx(_save(d)).tables[0]
    assert _grid(table) == [
        ["00", "01", "02"],
        ["10", "11", "^02"],
        ["", "21", "22"],
    ]
    assert not table.rows[2][0].covered


@pytest.mark.skipif(not TEMPLATE.exists(), reason="shared samples not available")
def test_real_blank_template() -> None:
    doc = read_docx(TEMPLATE.read_bytes())
    assert [(len(t.rows), len(t.rows[0])) for t in doc.tables] == [(14, 4), (28, 10), (4, 15)]
    paras = [re.sub(r"\s+", "", b.text) for b in doc.blocks if isinstance(b, Paragraph)]
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "六、其他需要报告的事项"):
        assert heading in paras
    requests = doc.tables[1]
    first_col = [row[0] for row in requests.rows]
    result_rows = [i for i, c in enumerate(first_col) if c.text.startswith("三、本年度办理结果")]
    assert len(result_rows) == 22  # the merged label covers all 22 result rows
    assert not first_col[result_rows[0]].covered
    assert all(first_col[i].covered for i in result_rows[1:])
    labels = [row[2].text for row in requests.rows]
    assert "1.属于国家秘密" in labels and "3.其他" in labels
    granted = next(row for row in requests.rows if row[1].text == "（一）予以公开")
    assert granted[2].covered and all(c.text == "" and not c.covered for c in granted[3:])
    reviews = doc.tables[2]
    assert reviews.rows[0][0].text == "行政复议" and reviews.rows[0][5].text == "行政诉讼"
    assert all(c.text == "" and not c.covered for c in reviews.rows[3])


def test_not_a_zip() -> None:
    with pytest.raises(BrokenFile, match="DOCX"):
        read_docx(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(BrokenFile):
        read_docx(b"")


def test_zip_that_is_not_a_word_document() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(BrokenFile, match="word/document.xml"):
        read_docx(buf.getvalue())


def test_zip_bomb_refused_from_the_directory() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<x/>")
        with zf.open("word/media/zeros.bin", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(24):
                fh.write(chunk)
    with pytest.raises(InputTooLarge, match="压缩炸弹"):
        read_docx(buf.getvalue())


def test_corrupt_document_xml() -> None:
    src = zipfile.ZipFile(io.BytesIO(_report_docx()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            zf.writestr(copy.copy(info), data)
    with pytest.raises(BrokenFile):
        read_docx(buf.getvalue())


def _set_prop(tc, name: str, val: str) -> None:
    el = OxmlElement(name)
    el.set(qn("w:val"), val)
    tc.get_or_add_tcPr().append(el)


def test_junk_merge_values_are_read_leniently() -> None:
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    for r in range(2):
        for c in range(3):
            t.cell(r, c).text = f"{r}{c}"
    tr0 = t._tbl.tr_lst[0]
    tr0.remove(tr0.tc_lst[2])
    _set_prop(tr0.tc_lst[1], "w:gridSpan", "2px")  # junk after the number
    _set_prop(t._tbl.tr_lst[0].tc_lst[0], "w:vMerge", "restart")
    _set_prop(t._tbl.tr_lst[1].tc_lst[0], "w:vMerge", "weird")  # unknown value = continue
    table = read_docx(_save(d)).tables[0]
    assert _grid(table) == [["00", "01", "^01"], ["^00", "11", "12"]]


def test_huge_spans_are_skipped_with_a_note() -> None:
    d = docx.Document()
    d.add_paragraph("一、总体情况")
    t = d.add_table(rows=400, cols=1)
    for row in t._tbl.tr_lst:
        _set_prop(row.tc_lst[0], "w:gridSpan", "99999")
    doc = read_docx(_save(d))
    assert doc.tables == [] and doc.artifacts
    assert doc.blocks[0].text == "一、总体情况"


def test_paragraph_text_with_insertions_hyperlinks_and_a_text_box() -> None:
    d = docx.Document()
    p = d.add_paragraph("一、")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    p._p.append(
        docx.oxml.parse_xml(
            f'<w:ins xmlns:w="{w}" w:id="1" w:author="a"><w:r><w:t>总体</w:t></w:r></w:ins>'
        )
    )
    p._p.append(
        docx.oxml.parse_xml(
            f'<w:del xmlns:w="{w}" w:id="2" w:author="a"><w:r><w:delText>删掉</w:delText></w:r></w:del>'
        )
    )
    p._p.append(  # a tracked move: the text is read where it went (moveTo), not twice
        docx.oxml.parse_xml(
            f'<w:moveFrom xmlns:w="{w}" w:id="3" w:author="a"><w:r><w:t>移走</w:t></w:r></w:moveFrom>'
        )
    )
    p._p.append(
        docx.oxml.parse_xml(f'<w:hyperlink xmlns:w="{w}"><w:r><w:t>情况</w:t></w:r></w:hyperlink>')
    )
    p._p.append(
        docx.oxml.parse_xml(
            f'<w:r xmlns:w="{w}"><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p>'
            "</w:txbxContent></w:pict></w:r>"
        )
    )
    doc = read_docx(_save(d))
    assert doc.blocks[0].text == "一、总体情况"
    # a text box's paragraphs are the document's own, read after its anchor's text
    assert doc.blocks[1].text == "文本框" and "删掉" not in doc.text


def test_layout_table_around_the_report_is_walked_as_a_container() -> None:
    inner = docx.Document(io.BytesIO(_report_docx()))
    d = docx.Document()
    frame = d.add_table(rows=1, cols=1)
    cell = frame.cell(0, 0)
    cell._tc.remove(cell.paragraphs[0]._p)
    for el in list(inner.element.body.iterchildren()):
        if el.tag != qn("w:sectPr"):
            cell._tc.append(copy.deepcopy(el))
    doc = read_docx(_save(d))
    assert len(doc.tables) == 1
    assert _grid(doc.tables[0])[2] == ["三、本年度办理结果", "（一）予以公开\n续", "5", "5"]
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paras[:3] == ["某区人民政府", "2023年政府信息公开工作年度报告", "一、总体情况"]


def _alt_chunk_docx(blob: bytes, content_type: str, name: str) -> bytes:
    """A DOCX whose whole body is one ``w:altChunk`` (as "export to Word" tools of web
    systems write it: the page kept as HTML or as a web archive inside the package)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    d = docx.Document()
    part = Part(PackURI(f"/word/{name}"), content_type, blob, d.part.package)
    rid = d.part.relate_to(part, RT.A_F_CHUNK)
    body = d.element.body
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    body.insert(0, docx.oxml.parse_xml(f'<w:altChunk xmlns:w="{w}" xmlns:r="{r}" r:id="{rid}"/>'))
    return _save(d)


def test_a_document_kept_as_an_alt_chunk_is_read() -> None:
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    import nianbao
    from nianbao.report import Report
    from nianbao.writing.writer import render

    from .shapes import TABLES, sources

    found = sources()
    if len(found) < 3:
        pytest.skip("shared samples not available")
    wrong = []
    for stem, gold in found[:4]:
        html = render(Report.from_flat(gold), "html")
        msg = MIMEMultipart("related")
        part = MIMEText(html.decode("utf-8"), "html", "utf-8")
        part["Content-Location"] = "file:///C:/fake/afchunk.htm"
        msg.attach(part)
        mht = b"MIME-Version: 1.0\r\n" + msg.as_bytes().replace(b"MIME-Version: 1.0\n", b"", 1)
        for blob, ctype, name in (
            (html, "text/html", "afchunk.htm"),
            (mht, "message/rfc822", "afchunk.mht"),
        ):
            got = nianbao.parse(_alt_chunk_docx(blob, ctype, name)).flat()
            wrong += [
                f"{stem} {name} {fid}: {want!r} read as {got.get(fid)!r}"
                for fid, want in gold.items()
                if fid.startswith(TABLES) and got.get(fid) != want
            ]
    assert not wrong, "\n".join(wrong[:20])


_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def _box_run(top_pt: float, how: str) -> object:
    """A run holding one text box at ``top_pt`` below the page's top: DrawingML with a VML
    fallback copy (``drawing``), VML alone (``vml``) or DrawingML alone (``wps``)."""
    emu = int(top_pt * 12700)
    drawing = (
        '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="page"><wp:posOffset>914400'
        f'</wp:posOffset></wp:positionH><wp:positionV relativeFrom="page"><wp:posOffset>{emu}'
        '</wp:posOffset></wp:positionV><wp:extent cx="5486400" cy="254000"/><wp:wrapNone/>'
        '<wp:docPr id="1" name="box"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        "<wps:txbx><w:txbxContent/></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData>"
        "</a:graphic></wp:anchor></w:drawing>"
    )
    vml = (
        f'<w:pict><v:shape style="position:absolute;margin-left:72pt;margin-top:{top_pt}pt;'
        'width:432pt;height:20pt"><v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict>'
    )
    inner = {
        "drawing": f'<mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
        f"<mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent>",
        "vml": vml,
        "wps": drawing,
    }[how]
    return docx.oxml.parse_xml(f"<w:r {_NS}>{inner}</w:r>")


def _boxed(data: bytes, how: str, seed: int) -> bytes:
    """The document with every paragraph and table of its body in a text box of its own,
    as a PDF converted to Word lays a page out: the boxes of each "page" (twenty blocks)
    anchored in one empty paragraph, in shuffled order, placed top to bottom by their
    positions."""
    import random

    rng = random.Random(seed)
    inner = docx.Document(io.BytesIO(data))
    blocks = [el for el in inner.element.body.iterchildren() if el.tag != qn("w:sectPr")]
    d = docx.Document()
    for page in range(0, len(blocks), 20):
        anchor = d.add_paragraph()
        placed = list(enumerate(blocks[page : page + 20]))
        rng.shuffle(placed)
        for k, el in placed:
            run = _box_run(40.0 + 36.0 * k, how)
            for box in run.iter(qn("w:txbxContent")):
                box.append(copy.deepcopy(el))
            anchor._p.append(run)
    return _save(d)


@pytest.mark.parametrize("how", ["drawing", "vml", "wps"])
def test_a_report_laid_out_in_text_boxes_reads_as_the_document(how: str) -> None:
    """A DOCX whose every paragraph and table stands in a text box (a PDF converted to
    Word; DrawingML boxes with their VML copy, or either alone) reads as the same
    document did before it was boxed: every gold value, the same findings. It was refused
    as no report (text boxes were passed over)."""
    import json

    import nianbao
    from nianbao.report import Report
    from nianbao.writing.writer import render

    from .conftest import SAMPLES
    from .gold import misses

    for n, path in enumerate(sorted(SAMPLES.glob("*.gold.json"))[:3]):
        gold = json.loads(path.read_text(encoding="utf-8"))
        data = render(Report.from_flat(gold), "docx")
        plain = nianbao.parse(data, name="plain.docx")
        boxed = nianbao.parse(_boxed(data, how, n), name="boxed.docx")
        out = boxed.to_dict(provenance=False)
        wrong = [m for m in misses(gold, out) if not m.startswith("meta.")]
        assert not wrong, (path.name, wrong[:5])
        assert out["meta"] == {**plain.to_dict(provenance=False)["meta"], "source": "boxed.docx"}
        assert sorted(f.rule for f in boxed.findings) == sorted(f.rule for f in plain.findings)
