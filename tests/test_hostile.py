"""Hostile files (issue 11, reader / CLI / ingest side): every reproducer found by hand or by
the fuzzer (``fuzz/``) as a regression fixture. Large files are generated here; a slow path
is tested by running it within a small budget (the named error would be raised), never by
measuring time."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import nianbao
from nianbao.budget import Budget, file_budget, run_isolated
from nianbao.cli import cli
from nianbao.errors import (
    BrokenFile,
    FileBudgetExceeded,
    InputTooLarge,
    UnusableInput,
)
from nianbao.readers import labels as L
from nianbao.report import Report, Value
from nianbao.writing.writer import render

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"

# a budget far above what a sound file needs, far below what the quadratic paths took
SMALL = Budget(seconds=20, memory_mb=1024)


def _report() -> Report:
    """An invented report: every cell of the 2021 layout holds a small number."""
    from nianbao.schema import table_ids

    rep = Report()
    rep.meta.update({"agency": "青岚县人民政府", "year": 2024, "format": "2021"})
    for i, fid in enumerate(table_ids("2021")):
        rep.values[fid] = Value(i % 7, str(i % 7))
    return rep


@pytest.fixture(scope="module")
def rep() -> Report:
    return _report()


@pytest.fixture(scope="module")
def tab(rep: Report) -> str:
    return render(rep, "tab").decode()


@pytest.fixture(scope="module")
def html(rep: Report) -> str:
    return render(rep, "html").decode()


@pytest.fixture(scope="module")
def docx(rep: Report) -> bytes:
    return render(rep, "docx")


def _parse(data: bytes, name: str = "hostile") -> Report:
    with file_budget(SMALL):
        return nianbao.parse(data, name=name, ocr=False)


def _strict_json(rep: Report) -> object:
    def refuse(name: str) -> object:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(rep.to_json(), parse_constant=refuse)


# ------------------------------------------------------------ rows of thousands of cells


def _granted_line(lines: list[str]) -> int:
    return [i for i, ln in enumerate(lines) if "予以公开" in ln and "\t" in ln][-1]


@pytest.mark.parametrize("where", ["trailing", "leading", "both"])
def test_requests_row_with_thousands_of_empty_tab_cells(tab: str, rep: Report, where: str):
    lines = tab.split("\n")
    i = _granted_line(lines)
    label, _, values = lines[i].partition("（一）予以公开")
    pad = "\t" * 50_000
    if where == "trailing":
        lines[i] = lines[i] + pad
    elif where == "leading":
        lines[i] = f"{label}（一）予以公开{pad}{values}"
    else:
        lines[i] = f"{label}（一）予以公开{pad}{values}{pad}"
    got = _parse("\n".join(lines).encode())
    assert got.values["requests.granted.total"].value == rep.values["requests.granted.total"].value


def test_requests_row_with_thousands_of_empty_td(html: str, rep: Report):
    j = html.index("予以公开")
    k = html.index("</tr>", j)
    got = _parse((html[:k] + "<td></td>" * 20_000 + html[k:]).encode())
    # the table is still read (before: the grid grew too large and the table was dropped)
    assert got.values["requests.granted.total"].value == rep.values["requests.granted.total"].value


def test_requests_row_with_thousands_of_empty_docx_cells(docx: bytes, rep: Report):
    src = zipfile.ZipFile(io.BytesIO(docx))
    xml = src.read("word/document.xml").decode()
    j = xml.index("予以公开")
    k = xml.index("</w:tr>", j)
    xml = xml[:k] + "<w:tc><w:p/></w:tc>" * 20_000 + xml[k:]
    got = _parse(_rezip(src, {"word/document.xml": xml.encode()}))
    assert got.values["requests.granted.total"].value == rep.values["requests.granted.total"].value


def test_thousands_of_repeated_row_labels(tab: str):
    """Found by the fuzzer: a 表三 row label repeated thousands of times (each with a value
    line) cost time quadratic in the repeats (4,000: 3.7 s; 8,000: ~15 s) in the form
    reading's label chain, now linear in the hits."""
    lines = tab.split("\n")
    i = [k for k, ln in enumerate(lines) if "补正后申请内容仍不明确" in ln and "\t" in ln][-1]
    lines[i + 1 : i + 1] = ["\t3.补正后申请内补正后申请内容仍不明确", "\t0"] * 8000
    with file_budget(Budget(seconds=8, memory_mb=1024)):
        nianbao.parse("\n".join(lines).encode(), ocr=False)


def test_a_long_run_of_tabs_in_prose(tab: str):
    """Found by the fuzzer: a heading broken by 100,000 tabs. Joining hard-wrapped lines
    (textfacts.unwrap, run by the checks) took time quadratic in the run, inside one
    re.sub where no timer reaches (128,000 tabs: minutes)."""
    from nianbao.extraction.textfacts import unwrap

    line = "三、收" + "\t" * 100_000 + "到和处理政府信息公开申请情况\n本年度"
    with file_budget(Budget(seconds=5, memory_mb=0)):
        assert unwrap(line).endswith("政府信息公开申请情况本年度")
    lines = tab.split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("三、收到和处理"))
    lines[i] = "三、收" + "\t" * 100_000 + lines[i][3:]
    _parse("\n".join(lines).encode())


def test_window_choice_is_linear_in_the_cells():
    """``_choose_window`` on a row of 200,000 blank cells around seven values."""
    from nianbao.extraction.applications import _choose_window
    from nianbao.readers.document import Cell

    texts = [""] * 100_000 + [str(i) for i in range(1, 8)] + [""] * 100_000
    vals = [Cell(t, col=i) for i, t in enumerate(texts)]
    with file_budget(Budget(seconds=10, memory_mb=0)):
        cells, first, unsure = _choose_window(vals, None, None, 7)
    assert [c.text for c in cells] == [str(i) for i in range(1, 8)]
    assert first == 100_000 and not unsure
    with file_budget(Budget(seconds=10, memory_mb=0)):
        cells, first, _ = _choose_window([Cell("", col=i) for i in range(200_000)], 3, None, 7)
    assert len(cells) == 7 and first is None


def test_trim_blank_tail():
    from nianbao.readers.grid import MAX_BLANK_TAIL, trim_blank_tail

    row = [("a", 1, 1), ("1", 1, 1)] + [("", 1, 1)] * 5000
    assert len(trim_blank_tail(row)) == 2 + MAX_BLANK_TAIL
    short = [("a", 1, 1), ("", 1, 1), ("", 1, 1)]
    assert trim_blank_tail(short) == short
    # a rowspan anchor is kept (it covers rows below)
    assert trim_blank_tail([("a", 1, 1)] + [("", 1, 1)] * 100 + [("", 3, 1)])[-1] == ("", 3, 1)
    wide = [("", 1, 99999)]  # a wide span is left to the grid's size limit
    assert trim_blank_tail(wide) == wide


# ------------------------------------------------- fuzz run of this session: bounded grids


def test_a_row_of_a_million_tabs_keeps_a_bounded_row(tab: str, rep: Report):
    """Found by the fuzzer: megabytes of tabs in a tab-separated row made a cell per tab
    (4 MB: 25 s in the reading and the extraction). A run of empty cells keeps its first
    MAX_BLANK_RUN cells; the cells kept still point at their text."""
    from nianbao.readers.text import MAX_BLANK_RUN, read_text

    lines = tab.split("\n")
    i = _granted_line(lines)
    label, _, values = lines[i].partition("（一）予以公开")
    pad = "\t" * 1_000_000
    lines[i] = f"{label}（一）予以公开{pad}{values}{pad}"
    text = "\n".join(lines)
    doc = read_text(text)
    row = next(r for t in doc.tables for r in t.rows if any("予以公开" in c.text for c in r))
    assert len(row) <= 2 * MAX_BLANK_RUN + 20
    assert all(doc.text[c.start : c.end] == c.text for c in row)
    got = _parse(text.encode())
    assert got.values["requests.granted.total"].value == rep.values["requests.granted.total"].value


def test_a_cell_per_line_row_of_a_million_empty_cells(rep: Report):
    """The same in the one-cell-per-line style: 500,000 lines holding a tab only."""
    from nianbao.readers.text import MAX_BLANK_RUN, read_text

    lines = render(rep, "lines").decode().split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.strip() == "（一）予以公开")
    lines[i + 1 : i + 1] = ["\t"] * 500_000
    doc = read_text("\n".join(lines))
    assert max(len(r) for t in doc.tables for r in t.rows) <= 2 * MAX_BLANK_RUN + 40
    got = _parse("\n".join(lines).encode())
    assert got.values["requests.granted.total"].value == rep.values["requests.granted.total"].value


def _wide_tables(n: int, fmt: str) -> str:
    """``n`` tables of 240 rows whose one cell spans 1000 columns (240,000 slots each)."""
    if fmt == "html":
        return ("<table>" + '<tr><td colspan="1000">x</td></tr>' * 240 + "</table>") * n
    span = '<w:tcPr><w:gridSpan w:val="1000"/></w:tcPr>'
    row = f"<w:tr><w:tc>{span}<w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>"
    return ("<w:tbl>" + row * 240 + "</w:tbl>") * n


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_many_wide_tables_share_the_document_slot_budget(
    fmt: str, html: str, docx: bytes, rep: Report
):
    """Found by the fuzzer: ten tables of one cell spanning 1000 columns on 240 rows (41 KB
    of DOCX, 88 KB of HTML) made 2.4 million grid slots: 9 s. The grids of a document hold
    MAX_DOCUMENT_SLOTS together (a table beyond is skipped with a note, refused before it
    is placed); the report's own tables after them are still read."""
    from nianbao.readers.dispatch import read_bytes
    from nianbao.readers.grid import MAX_DOCUMENT_SLOTS

    if fmt == "html":
        k = html.index("<body>") + len("<body>")
        data = (html[:k] + _wide_tables(20, fmt) + html[k:]).encode()
    else:
        src = zipfile.ZipFile(io.BytesIO(docx))
        xml = src.read("word/document.xml").decode()
        k = xml.index("<w:body>") + len("<w:body>")
        data = _rezip(
            src, {"word/document.xml": (xml[:k] + _wide_tables(20, fmt) + xml[k:]).encode()}
        )
    with file_budget(SMALL):
        doc = read_bytes(data, f"wide.{fmt}")
    assert sum(len(t.rows) * max(len(r) for r in t.rows) for t in doc.tables) <= MAX_DOCUMENT_SLOTS
    assert any("表格过大" in a for a in doc.artifacts)
    got = _parse(data, name=f"wide.{fmt}")
    assert got.values["requests.granted.total"].value == rep.values["requests.granted.total"].value


def test_grid_refused_before_placement_when_too_wide():
    from nianbao.readers.grid import MAX_SLOTS, GridTooLarge, expand_spans

    rows = [[("x", 1, 1000)] * 1000 for _ in range(MAX_SLOTS // 1000)]  # 250 million slots
    with file_budget(Budget(seconds=10, memory_mb=0)), pytest.raises(GridTooLarge):
        expand_spans(rows)


def _docx_table(rows: str) -> str:
    return f"<w:tbl>{rows}</w:tbl>"


def test_docx_long_vertical_merge_is_linear(docx: bytes):
    """A vertical merge continued over 20,000 rows: each continuing cell looked for its
    anchor by walking up the rows and scanning each (quadratic); now one pass."""
    from nianbao.readers.dispatch import read_bytes

    src = zipfile.ZipFile(io.BytesIO(docx))
    xml = src.read("word/document.xml").decode()
    cell = "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>"
    first = f'<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>合并</w:t></w:r></w:p></w:tc>{cell}</w:tr>'
    more = f"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>{cell}</w:tr>" * 20_000
    k = xml.index("<w:body>") + len("<w:body>")
    data = _rezip(
        src, {"word/document.xml": (xml[:k] + _docx_table(first + more) + xml[k:]).encode()}
    )
    with file_budget(SMALL):
        doc = read_bytes(data, "merge.docx")
    merged = next(t for t in doc.tables if t.rows[0][0].text == "合并")
    assert len(merged.rows) == 20_001
    assert all(r[0].covered and r[0].text == "合并" for r in merged.rows[1:])


def test_docx_deeply_nested_tables_are_read_once(docx: bytes, monkeypatch):
    """Tables nested 50 deep: a cell's text went through every descendant row of a nested
    table, and each of those again (work doubling with each level beyond the 20 that are
    read as layout frames). Now each cell's text is made once per enclosing cell."""
    from nianbao.readers import docx as reader_docx
    from nianbao.readers.dispatch import read_bytes

    calls = [0]
    cell_text = reader_docx._cell_text

    def counting(tc):  # noqa: ANN001, ANN202
        calls[0] += 1
        return cell_text(tc)

    monkeypatch.setattr(reader_docx, "_cell_text", counting)
    inner = "<w:p><w:r><w:t>最里层</w:t></w:r></w:p>"
    for _ in range(50):
        inner = f"<w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>"
    src = zipfile.ZipFile(io.BytesIO(docx))
    xml = src.read("word/document.xml").decode()
    k = xml.index("<w:body>") + len("<w:body>")
    data = _rezip(src, {"word/document.xml": (xml[:k] + inner + xml[k:]).encode()})
    with file_budget(SMALL):
        doc = read_bytes(data, "nested.docx")
    assert "最里层" in doc.text
    assert calls[0] < 10_000


# ------------------------------------------------------------------------------ PDF


_HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _pdf(
    media_box: str = "[0 0 595 842]", text: str = "Annual report 2024", font: bytes = _HELVETICA
) -> bytes:
    """A minimal one-page PDF with a line of text, offsets computed."""
    content = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox {media_box} /Resources << /Font"
            " << /F1 5 0 R >> >> /Contents 4 0 R >>"
        ).encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        font,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


@pytest.mark.parametrize("box", ["[]", "[0 0]", "[0 0 0 0]", "[a b c d]", "null"])
def test_pdf_with_a_broken_media_box_is_a_named_error(box: str):
    with pytest.raises(UnusableInput):
        _parse(_pdf(box))


def test_pdf_errors_in_close_do_not_escape(monkeypatch):
    """An exception raised by ``pdf.close()`` (IndexError for a page with /MediaBox [],
    pdfminer's own errors) neither escapes nor replaces the named error on its way."""
    import pdfplumber.pdf
    from pdfminer.pdfparser import PDFSyntaxError

    from nianbao.readers import pdf_tables

    def no_fast_path(data: bytes) -> None:
        raise RuntimeError("read every page through pdfplumber")

    def broken_close(self):  # noqa: ANN001
        raise IndexError("list index out of range")

    monkeypatch.setattr(pdf_tables, "FastPages", no_fast_path)

    monkeypatch.setattr(pdfplumber.pdf.PDF, "close", broken_close)
    monkeypatch.setattr(pdfplumber.page.Page, "close", broken_close)
    with pytest.raises(UnusableInput):  # no report in it, but no IndexError either
        _parse(_pdf())

    def broken_filter(self, fn):  # noqa: ANN001
        raise PDFSyntaxError("malformed")

    monkeypatch.setattr(pdfplumber.page.Page, "filter", broken_filter)
    with pytest.raises(BrokenFile):
        _parse(_pdf())


def test_pdfium_close_error_does_not_escape(monkeypatch):
    import pypdfium2 as pdfium

    def broken_close(self):  # noqa: ANN001
        raise RuntimeError("close failed")

    monkeypatch.setattr(pdfium.PdfDocument, "close", broken_close)
    with pytest.raises(UnusableInput):
        _parse(_pdf())


def test_pdfminer_warnings_do_not_reach_stderr(tmp_path: Path):
    """pdfminer logs "Could not get FontBBox from font descriptor ..." for this font; the
    command line prints only its own Chinese message (a subprocess: pytest captures logs)."""
    font = (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Foo /FontDescriptor << /Type"
        b" /FontDescriptor /FontName /Foo /FontBBox [1 2] /Flags 32 >> >>"
    )
    f = tmp_path / "warns.pdf"
    f.write_bytes(_pdf(font=font, text="2024 annual report of the open government information"))
    res = subprocess.run(
        [sys.executable, "-m", "nianbao", "--no-ocr", "parse", str(f)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2
    assert "FontBBox" not in res.stderr and "Could not" not in res.stderr, res.stderr
    assert res.stderr.startswith("错误：") and res.stderr.count("\n") == 1, res.stderr


# ----------------------------------------------------------------------------- HTML


@pytest.mark.parametrize("tag", ["script", "style"])
def test_form_feed_after_a_dropped_script_or_style(html: str, rep: Report, tag: str):
    page = html.replace("<body>", f"<body><p>x<{tag}>x</{tag}>\x0c</p>", 1)
    assert "<body>" in html
    got = _parse(page.encode())
    assert got.values["requests.granted.total"].value == rep.values["requests.granted.total"].value


# ------------------------------------------------------------------ lone surrogates


@pytest.mark.parametrize("entity", ["&#55296;", "&#57343;", "&#0;", "&#1114112;"])
def test_entity_of_a_lone_surrogate_in_text(tab: str, entity: str):
    got = _parse(tab.replace("予以公开", f"予以公开{entity}", 1).encode())
    _strict_json(got)
    got.to_json().encode("utf-8")  # no surrogate left in the output


@pytest.mark.parametrize("entity", ["&#55296;", "&#xD800;", "&#1114112;"])
def test_entity_of_a_lone_surrogate_in_html(html: str, entity: str):
    got = _parse(html.replace("予以公开", f"予以公开{entity}", 1).encode())
    got.to_json().encode("utf-8")


def test_to_simplified_takes_a_lone_surrogate():
    from nianbao.readers.normalize import key, to_simplified

    assert to_simplified("予以公開\ud800") == "予以公开\ufffd"
    assert key("（一）予以公開\udfff")


# --------------------------------------------------------------------------- numbers


def _with_value(tab: str, value: str) -> bytes:
    lines = tab.split("\n")
    i = _granted_line(lines)
    cells = lines[i].split("\t")
    cells[-1] = value  # the row's 总计
    lines[i] = "\t".join(cells)
    return "\n".join(lines).encode()


@pytest.mark.parametrize("digits", [13, 30, 310, 4301, 5000])
def test_a_number_with_too_many_digits_is_kept_as_text(tab: str, digits: int):
    raw = "9" * digits
    got = _parse(_with_value(tab, raw))
    v = got.values["requests.granted.total"]
    assert v.value is None and v.raw == raw
    hits = [f for f in got.findings if f.rule == "R-VALUE-RANGE"]
    assert len(hits) == 1 and hits[0].severity == "warning"
    assert hits[0].cells == ["requests.granted.total"]
    assert "表三" in hits[0].message and "予以公开" in hits[0].message and "总计" in hits[0].message
    assert got.values["requests.granted.natural"].value is not None  # the rest is there
    _strict_json(got)


@pytest.mark.parametrize(
    "text,value",
    [
        ("9" * 400 + ".5", None),  # was float inf
        ("1" + "0" * 12, None),
        ("999999999999", 999999999999),
        ("0" * 5000 + "12", 12),  # leading zeros: fuzz crash (int() over 4300 digits)
        ("增加" + "9" * 5000, None),
        ("1,234,567,890,123,456", None),
    ],
)
def test_parse_value_range(text: str, value: object):
    got, note = L.parse_value(text)
    assert got == value
    assert note == ("range" if value is None else note)


def test_a_310_digit_fee_gives_valid_json_from_the_cli(tab: str, tmp_path: Path):
    f = tmp_path / "fee.txt"
    f.write_bytes(_with_value(tab, "9" * 310 + ".5"))
    res = CliRunner().invoke(cli, ["parse", "--format", "json", str(f)])
    assert res.exit_code == 0, res.output
    assert "Infinity" not in res.output and "NaN" not in res.output
    json.loads(res.output, parse_constant=lambda c: pytest.fail(c))


def test_a_30_digit_count_stores(tab: str, tmp_path: Path):
    sa = pytest.importorskip("sqlalchemy")
    from nianbao.store.db import open_store
    from nianbao.store.ingest import ingest_files

    f = tmp_path / "count.txt"
    f.write_bytes(_with_value(tab, "9" * 30))
    engine = open_store(f"sqlite:///{tmp_path / 'n.db'}")
    try:
        summary = ingest_files([f], engine, workers=0)
        assert summary.stored == 1 and not summary.failed, summary
        with engine.connect() as conn:
            n = conn.execute(sa.text("select count(*) from reports")).scalar()
            rule = conn.execute(
                sa.text("select count(*) from findings where rule = 'R-VALUE-RANGE'")
            ).scalar()
        assert n == 1 and rule == 1
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------ DOCX


def _rezip(src: zipfile.ZipFile, replace: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
    return buf.getvalue()


def test_docx_zip_version_69_is_a_broken_file(docx: bytes):
    b = bytearray(docx)
    for sig, off in ((b"PK\x03\x04", 4), (b"PK\x01\x02", 6)):
        i = b.find(sig)
        while i >= 0:
            b[i + off : i + off + 2] = struct.pack("<H", 69)
            i = b.find(sig, i + 4)
    with pytest.raises(BrokenFile):
        _parse(bytes(b))


def test_docx_bomb_is_refused_on_inflated_bytes(docx: bytes, monkeypatch):
    """A document.xml padded with random text: its ratio is far under the cap and its
    declared size small enough, so only the bytes actually inflated refuse it."""
    from nianbao.readers import docx as reader_docx

    monkeypatch.setattr(reader_docx, "MAX_XML_BYTES", 1 << 20)
    src = zipfile.ZipFile(io.BytesIO(docx))
    xml = src.read("word/document.xml")
    rng = random.Random(3)
    pad = "".join(rng.choice("abcdefghij") for _ in range(3 << 19)).encode()  # 1.5 MB
    i = xml.index(b"<w:body>")
    xml = xml[:i] + b"<!--" + pad + b"-->" + xml[i:]
    data = _rezip(src, {"word/document.xml": xml})
    assert sum(x.file_size for x in zipfile.ZipFile(io.BytesIO(data)).infolist()) < (
        10 * sum(x.compress_size for x in zipfile.ZipFile(io.BytesIO(data)).infolist())
    )
    with pytest.raises(InputTooLarge, match="压缩炸弹"):
        _parse(data)


def test_docx_bomb_under_the_ratio_cap(docx: bytes):
    """The issue's bomb in small: 40 MB of XML at a ratio under the cap (noise in the
    padding), under the declared-size cap; refused on the XML actually inflated, before
    python-docx builds a tree of it."""
    from nianbao.readers import docx as reader_docx

    src = zipfile.ZipFile(io.BytesIO(docx))
    xml = src.read("word/document.xml")
    rng = random.Random(5)
    block = bytearray(b" " * (1 << 20))
    for _ in range(12_000):  # noise keeps the ratio under MAX_RATIO
        block[rng.randrange(len(block))] = rng.choice(b"abcdefghij")
    i = xml.index(b"<w:body>")
    xml = xml[:i] + b"<!--" + bytes(block) * 40 + b"-->" + xml[i:]
    data = _rezip(src, {"word/document.xml": xml})
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    total, packed = sum(x.file_size for x in infos), sum(x.compress_size for x in infos)
    assert total < reader_docx.MAX_UNZIPPED_BYTES and total < reader_docx.MAX_RATIO * packed
    with pytest.raises(InputTooLarge, match="压缩炸弹"):
        _parse(data)


def test_docx_member_lying_about_its_size(docx: bytes):
    """A central directory that declares a small size for document.xml: inflation stops at
    the declared size and the CRC fails (BrokenFile), nothing more is inflated."""
    b = bytearray(docx)
    name = b"word/document.xml"
    i = b.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack("<H", b[i + 28 : i + 30])[0]
        if b[i + 46 : i + 46 + n] == name:
            b[i + 24 : i + 28] = struct.pack("<I", 100)  # uncompressed size
        i = b.find(b"PK\x01\x02", i + 4)
    with pytest.raises(BrokenFile):
        _parse(bytes(b))


# --------------------------------------------------------------- internal errors, CLI


def _boom(*args, **kwargs):  # noqa: ANN002, ANN003
    return [][1]  # IndexError: list index out of range


def test_internal_error_is_reported_in_chinese_without_jargon(monkeypatch, tmp_path: Path):
    import nianbao.api

    monkeypatch.setattr(nianbao.api, "parse", _boom)
    f = tmp_path / "a.txt"
    f.write_text("x", encoding="utf-8")
    for cmd in ("parse", "check"):
        res = CliRunner().invoke(cli, [cmd, str(f)])
        assert res.exit_code == 2
        assert "本工具读取此文件时出错" in res.output
        assert "IndexError" not in res.output and "list index" not in res.output
        assert "Traceback" not in res.output
        assert res.exception is None or isinstance(res.exception, SystemExit)


def test_debug_shows_the_internal_error(monkeypatch, tmp_path: Path, caplog):
    import nianbao.api

    monkeypatch.setattr(nianbao.api, "parse", _boom)
    f = tmp_path / "a.txt"
    f.write_text("x", encoding="utf-8")
    with caplog.at_level("DEBUG", logger="nianbao.cli"):
        res = CliRunner().invoke(cli, ["--debug", "parse", str(f)])
    assert res.exit_code == 2
    assert "IndexError" in caplog.text


# ---------------------------------------------------------------------------- budgets


def _spin(*args, **kwargs):  # noqa: ANN002, ANN003
    while True:
        try:
            while True:
                pass
        except Exception:  # noqa: BLE001, S112 - swallowing code does not escape the budget
            continue


def _eat_memory(*args, **kwargs):  # noqa: ANN002, ANN003
    hoard = []
    while True:
        hoard.append(bytearray(16 << 20))


def test_time_budget_stops_a_runaway():
    with pytest.raises(FileBudgetExceeded, match="时间上限"):
        with file_budget(Budget(seconds=0.3, memory_mb=0)):
            _spin()


def _spin_with_slow_cleanup(*args, **kwargs):  # noqa: ANN002, ANN003
    try:
        while True:
            pass
    finally:
        end = time.monotonic() + 0.7  # unwinding outlasts the timer's next tick
        while time.monotonic() < end:
            pass


def test_time_budget_never_lets_its_own_signal_escape():
    """The timer repeats (work that swallows the first alarm is stopped by the next); a tick
    during the unwinding must still end as FileBudgetExceeded (the fuzzer found one escape)."""
    for _ in range(5):
        with pytest.raises(FileBudgetExceeded):
            with file_budget(Budget(seconds=0.05, memory_mb=0)):
                _spin_with_slow_cleanup()
    with file_budget(Budget(seconds=0.05, memory_mb=0)):
        pass
    time.sleep(0.7)  # no alarm left over after the budget


def test_a_budget_inside_a_budget_keeps_the_outer_time_limit():
    """An inner budget neither cancels the outer timer when it ends nor outlasts it."""
    with pytest.raises(FileBudgetExceeded, match="时间上限"):
        with file_budget(Budget(seconds=0.4, memory_mb=0)):
            with file_budget(Budget(seconds=30, memory_mb=0)):
                time.sleep(0.1)
            _spin()  # still bounded by the outer budget once the inner one ended
    with pytest.raises(FileBudgetExceeded):
        with file_budget(Budget(seconds=0.3, memory_mb=0)):
            with file_budget(Budget(seconds=30, memory_mb=0)):
                _spin()  # the inner budget's longer limit does not lift the outer one
    time.sleep(0.7)  # no alarm left over after the budgets


def test_memory_budget_stops_a_runaway():
    with pytest.raises(FileBudgetExceeded, match="内存"):
        with file_budget(Budget(seconds=0, memory_mb=200)):
            _eat_memory()
    bytearray(300 << 20)  # the limit is lifted afterwards


def test_memory_budget_counts_resident_memory_not_reservations():
    """Native libraries reserve far more address space than they use (onnxruntime for OCR
    reserves ~1.8 GB for ~0.8 GB used): a reservation that is not touched is no use of the
    budget (an address-space limit at the budget broke OCR)."""
    import mmap

    with file_budget(Budget(seconds=0, memory_mb=200)):
        reserved = mmap.mmap(-1, 1536 << 20)  # 1.5 GB reserved, untouched
        reserved[:4096] = b"x" * 4096
        time.sleep(0.3)  # the watch looks several times
        reserved.close()


def test_cli_parse_within_the_budget(monkeypatch, tmp_path: Path):
    import nianbao.api

    monkeypatch.setattr(nianbao.api, "parse", _spin)
    monkeypatch.setenv("NIANBAO_FILE_SECONDS", "0.3")
    f = tmp_path / "slow.txt"
    f.write_text("x", encoding="utf-8")
    res = CliRunner().invoke(cli, ["parse", str(f)])
    assert res.exit_code == 2
    assert "时间上限" in res.output and "NIANBAO_FILE_SECONDS" in res.output


def test_ingest_worker_budget(monkeypatch, tmp_path: Path):
    from nianbao.store.ingest import parse_file

    monkeypatch.setenv("NIANBAO_FILE_SECONDS", "0.3")
    out = parse_file(str(tmp_path / "x.txt"), b"x", parse=_spin)
    assert out.status == "unusable" and out.error_kind == "FileBudgetExceeded"
    out = parse_file(str(tmp_path / "x.txt"), b"x", parse=_boom)
    assert out.status == "failed" and "IndexError" not in (out.error or "")


def _stuck(seconds: float) -> None:
    signal.signal(signal.SIGALRM, signal.SIG_IGN)  # deaf to the in-process timer
    time.sleep(seconds)


def _answer(x: int) -> int:
    return x * 2


def _named(x: int) -> int:
    raise BrokenFile("坏文件")


def test_run_isolated(tab: str, rep: Report):
    assert run_isolated(_answer, 21, budget=Budget(30, 512)) == 42
    # what the web upload worker does: parse the bytes in a child within the budget
    got = run_isolated(nianbao.parse, tab.encode(), budget=Budget(60, 1024))
    assert got.values["requests.granted.total"].value == rep.values["requests.granted.total"].value
    with pytest.raises(BrokenFile):
        run_isolated(_named, 1, budget=Budget(30, 512))
    with pytest.raises(FileBudgetExceeded):
        run_isolated(_spin, budget=Budget(0.5, 512), grace=1)
    with pytest.raises(FileBudgetExceeded):  # stuck where no timer reaches: killed
        run_isolated(_stuck, 600.0, budget=Budget(0.5, 512), grace=1)
    with pytest.raises(FileBudgetExceeded):
        run_isolated(_eat_memory, budget=Budget(30, 200))


# ------------------------------------------------------------ workers die with ingest

_DRIVER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from nianbao.store.db import open_store
    from nianbao.store.ingest import ingest_files

    def slow(data, source=""):
        time.sleep(600)

    folder = Path(sys.argv[1])
    engine = open_store("sqlite:///" + str(folder / "n.db"))
    ingest_files(sorted(folder.glob("*.txt")), engine, workers=2, parse=slow)
    """
)


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out |= {int(x) for x in (task / "children").read_text().split()}
        except OSError:
            continue
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")
def test_workers_end_when_ingest_is_killed(tmp_path: Path):
    for i in range(4):
        (tmp_path / f"r{i}.txt").write_text(f"report {i}", encoding="utf-8")
    driver = tmp_path / "driver.py"
    driver.write_text(_DRIVER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(driver), str(tmp_path)])
    workers: set[int] = set()
    try:
        for _ in range(600):  # until both workers are up (they sleep in `slow`)
            workers = {c for c in _children(proc.pid) if _alive(c)}
            if len(workers) >= 2 or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the workers did not start"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for _ in range(200):
            if not any(_alive(w) for w in workers):
                break
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers), "workers outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()
        for w in workers | _children(proc.pid):
            try:
                os.kill(w, signal.SIGKILL)
            except OSError:
                pass


_LATE_DRIVER = textwrap.dedent(
    """
    import multiprocessing, os, sys, time
    from nianbao.budget import die_with_parent

    def child(ready):
        ready.set()
        time.sleep(1.5)  # the parent is killed meanwhile, before the worker's initializer
        die_with_parent()
        time.sleep(600)

    if __name__ == "__main__":
        ctx = multiprocessing.get_context("fork")
        ready = ctx.Event()
        p = ctx.Process(target=child, args=(ready,))
        p.start()
        ready.wait()
        print(p.pid, flush=True)
        time.sleep(600)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc, fork")
def test_a_worker_whose_parent_died_before_its_initializer_ends(tmp_path: Path):
    """Seen once in CI: ingest was killed between a worker's fork and its initializer, and the
    worker lived on — it took the reaper for its parent and watched that instead."""
    driver = tmp_path / "late.py"
    driver.write_text(_LATE_DRIVER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(driver)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    try:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for _ in range(200):
            if not _alive(child):
                break
            time.sleep(0.05)
        assert not _alive(child), "the worker outlived its parent"
    finally:
        try:
            os.kill(child, signal.SIGKILL)
        except OSError:
            pass


def test_a_long_run_of_blank_lines_before_the_opening_sentence():
    """Found by the fuzzer: the agency pattern of an opening sentence (…根据《…) ran over the
    whole text with a leading \\s*, so each newline of a run of blank lines scanned the rest
    of the run (20,000 newlines: 2.9 s inside one regex call; 60,000: about 26 s). The
    agency is still found after the blank lines."""
    from nianbao.extraction.meta import _AGENCY_SENTENCES

    text = (
        "页面\n"
        + "\n" * 60_000
        + "x。青岚县石门镇人民政府根据《中华人民共和国政府信息公开条例》编制本报告。"
    )
    with file_budget(Budget(seconds=5, memory_mb=0)):
        found = [m.group(1) for m in _AGENCY_SENTENCES[3].finditer(text)]
    assert found == ["青岚县石门镇人民政府"]


def test_trailing_numbers_same_as_the_pattern_it_replaces():
    """``trailing_numbers`` finds what ``re.search`` of the old pattern found, on random
    lines made of the characters that matter (blanks, digits, signs, separators, words)."""
    import re

    from nianbao.extraction.context import trailing_numbers

    old = re.compile(r"(?:\s+[-+]?\d[\d,]*(?:\.\d+)?)+\s*$")
    rnd = random.Random(11)
    alphabet = [" ", "  ", "\t", "\n", "\u3000", "1", "23", ",", ".", "-", "+", "a", "行", "。"]
    for _ in range(20_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        m = old.search(text)
        assert trailing_numbers(text) == (m.start() if m else None), repr(text)


def test_a_line_of_many_blanks_read_in_linear_time():
    """Found by the fuzzer (DOCX, 39 KB): a paragraph of 18,000 tabs between two words took
    6 s, as the trailing-numbers pattern of a flattened table row retried its ``\\s+`` from
    every tab. 200,000 blanks now read at once, and a row after them is still found."""
    from nianbao.extraction.context import trailing_numbers

    with file_budget(Budget(seconds=5, memory_mb=0)):
        assert trailing_numbers("五、存在的主要问题及改" + "\t" * 200_000 + "进情况") is None
        line = "行政许可" + " \t" * 100_000 + "97"
        assert trailing_numbers(line) == len("行政许可")


def test_a_long_run_of_digits_in_the_prose_read_in_linear_time():
    """Found by the fuzzer (HTML, 132 KB): a clause holding 113,000 digits and no 件 took
    seconds, as the pattern of a carried-over count (``N 件结转下年度``) was tried from every
    digit, each try scanning the rest of the run. A number now starts only where a run of
    digits starts; the figures of a normal clause are still read."""
    from nianbao.extraction.textfacts import narrative_facts

    with file_budget(Budget(seconds=5, memory_mb=0)):
        assert narrative_facts("现行有效件数规章0" + "9" * 200_000 + "。") == []
    facts = narrative_facts("本年度新收政府信息公开申请1234件，12件结转下年度继续办理。")
    assert {(f.kind, f.value) for f in facts} >= {("new", 1234), ("carried_forward", 12)}


def test_patterns_made_linear_find_what_they_found():
    """Patterns that a long run of one character made quadratic (found by trying every
    pattern of the core on such runs), each rewritten to be tried once per run: on random
    texts made of the characters that matter they find what the old ones found."""
    import re

    from nianbao.checks.rules import content, quality
    from nianbao.readers import pdf as reader_pdf

    old_number = re.compile(r"^[\s\d.,，．%％+\-－]*\d[\s\d.,，．%％]*$")
    old_email = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
    old_subject = re.compile(
        r"(?:^|[，,。；;：:\n])\s*(?:\d{4}\s*年\s*[，,]?\s*)?([^，,。；;：:\n\s]{2,14}?)"
        r"(?:在政府信息公开工作中(?:还)?存在|在政务公开工作中(?:还)?存在|将采取以下措施)"
    )
    rnd = random.Random(12)
    number_chars = [" ", "\n", "1", "٣", "²", ".", ",", "，", "%", "+", "-", "－", "a", "件"]
    email_chars = ["a", "Z", "0", ".", "_", "%", "+", "-", "@", " ", "。", "b.c"]
    subject_parts = [
        "\n",
        " ",
        "\u3000",
        "，",
        "。",
        "2023年",
        "2023",
        "年",
        ",",
        "本县",
        "区政府办公室",
        "x",
        "在政府信息公开工作中存在",
        "将采取以下措施",
        "：",
        "\n\n",
    ]
    for _ in range(20_000):
        t = "".join(rnd.choice(number_chars) for _ in range(rnd.randint(0, 8)))
        assert reader_pdf._is_number(t) == bool(old_number.match(t)), repr(t)
        t = "".join(rnd.choice(email_chars) for _ in range(rnd.randint(0, 10)))
        assert bool(content._EMAIL.search(t)) == bool(old_email.search(t)), repr(t)
        t = "".join(rnd.choice(subject_parts) for _ in range(rnd.randint(0, 8)))
        got = [(m.group(1), m.start(1), m.end()) for m in quality._SUBJECT.finditer(t)]
        want = [(m.group(1), m.start(1), m.end()) for m in old_subject.finditer(t)]
        assert got == want, repr(t)


def test_patterns_made_linear_take_long_runs_at_once():
    from nianbao.checks.rules import content, quality
    from nianbao.readers import pdf as reader_pdf

    with file_budget(Budget(seconds=5, memory_mb=0)):
        assert not reader_pdf._is_number("1" * 200_000 + "x")
        assert reader_pdf._is_number("- 1,2" + " " * 200_000)
        assert not content._EMAIL.search("a" * 200_000 + " 。")
        assert not list(quality._SUBJECT.finditer("\n" * 200_000 + "x"))
        text = "\n" * 200_000 + "区政府办公室在政府信息公开工作中存在"
        assert [m.group(1) for m in quality._SUBJECT.finditer(text)] == ["区政府办公室"]
        assert not list(quality._SUBJECT.finditer("，2023年" + " " * 200_000 + "x"))
        text = "，2023年" + " " * 200_000 + "区政府办公室在政府信息公开工作中存在"
        assert [m.group(1) for m in quality._SUBJECT.finditer(text)] == ["区政府办公室"]


def _slow_with_more(seconds: float) -> str:
    """Work that learns it needs more time (as OCR of N pages does) and takes it."""
    from nianbao.budget import allow_more

    allow_more(seconds + 2)
    time.sleep(seconds)
    return "done"


def test_time_allowed_more_is_given_in_process_and_in_a_child() -> None:
    import time as _t

    from nianbao.errors import FileBudgetExceeded

    with pytest.raises(FileBudgetExceeded):
        with file_budget(Budget(0.5, 0)):
            _t.sleep(1.5)
    with file_budget(Budget(0.5, 0)):
        assert _slow_with_more(1.5) == "done"
    # (the child's own start counts against its budget: a loaded machine takes seconds)
    assert run_isolated(_slow_with_more, 5.0, budget=Budget(3, 512), grace=1.0) == "done"
    with pytest.raises(FileBudgetExceeded, match="2.5 秒"):  # the message counts what was given
        with file_budget(Budget(0.5, 0)):
            _slow_with_more(0.0)
            _t.sleep(5)


def test_time_allowed_more_reaches_the_web_workers_deadline() -> None:
    pytest.importorskip("fastapi")
    from nianbao.web.services import run_with_budget

    # (the worker's start counts against its budget: 6 s, not 3, so that a loaded machine's
    # slow start does not spend it before the work asks for more; the work runs past it)
    assert run_with_budget(_slow_with_more, (7.0,), 6.0) == "done"
