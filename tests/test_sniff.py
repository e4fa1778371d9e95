"""Input detection by content (magic bytes), never by file name."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

import nianbao
from nianbao.cli import cli
from nianbao.readers.sniff import sniff
from nianbao.writing.writer import render

from .conftest import EXAMPLES, PEER


def test_kinds_by_content():
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) == "ole"
    assert sniff(b"<html><body><table><tr><td>1</td></tr></table></body></html>") == "html"
    assert sniff("一、总体情况\n".encode("gb18030")) == "text"
    assert sniff(bytes(range(256))) == "binary"


def test_names_do_not_decide(tmp_path):
    report = nianbao.parse(EXAMPLES / "reports" / "qinglan-2024.txt")
    pdf_named_txt = tmp_path / "report.txt"
    shutil.copy(PEER / "hongze-2024.pdf", pdf_named_txt)
    docx_named_pdf = tmp_path / "report.pdf"
    docx_named_pdf.write_bytes(render(report, "docx"))
    html_named_doc = tmp_path / "report.doc"
    html_named_doc.write_bytes(render(report, "html-gbk"))
    res = CliRunner().invoke(cli, ["parse", "--format", "jsonl", str(tmp_path)])
    assert res.exit_code == 0, res.output
    objs = {json.loads(x)["source"]: json.loads(x) for x in res.stdout.splitlines()}
    assert objs[str(pdf_named_txt)]["meta"]["year"] == 2024
    assert objs[str(pdf_named_txt)]["provenance"]["requests.new.total"]["page"] >= 1
    for p in (docx_named_pdf, html_named_doc):
        assert objs[str(p)]["requests"]["new"]["total"] == report.get("requests.new.total")


def test_a_zip_is_a_docx_only_when_it_holds_word_document_xml(tmp_path):
    """A ZIP of reports whose first entry is a folder named ``word/`` is an archive, not a
    DOCX (it was taken for one, and its reports were never read). An XLSX stays an Office
    package (the DOCX reader names it a spreadsheet). A DOCX cut short (its directory lost)
    is still judged by its first entries."""
    import io
    import zipfile

    report = nianbao.parse(EXAMPLES / "reports" / "qinglan-2024.txt")
    docx = render(report, "docx")
    assert sniff(docx) == "docx"
    assert sniff(docx[: len(docx) // 2]) == "docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/", "")
        z.writestr("word/readme.txt", "说明")
        z.writestr("qinglan-2024.docx", docx)
    assert sniff(buf.getvalue()) == "zip"
    archive = tmp_path / "reports.zip"
    archive.write_bytes(buf.getvalue())
    res = CliRunner().invoke(cli, ["parse", "--format", "jsonl", str(archive)])
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.strip()]
    assert any(o["requests"]["new"]["total"] == report.get("requests.new.total") for o in lines)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert sniff(buf.getvalue()) == "docx"
