"""PDFs whose tables have no ruling lines (an HTML page without borders printed to PDF):
the tables are found by the alignment of their text (``readers.pdf._aligned_tables``).
Every gold (and the invented reports of ``tests/shapes.py``) is rendered so, printed by
LibreOffice in one run, and read back: every table cell must come back as the gold says.

What this generator found, each now covered: a row whose cells are all blank looked like
the wrapped end of the label above and took its neighbour's numbers; the first line of a
wrapped label was joined to the row above; columns with no number in them (blank in every
row) did not exist, so a row's numbers were spread over too few columns; the rows of a
table on the next page had no headings to take the columns from; two numbers set close
in neighbouring columns (316 4697) were one."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.report import Report
from nianbao.writing.writer import render, soffice_path

from .shapes import TABLES, sources


def _print_pdfs(docs: list[Path], outdir: Path, target: str = "pdf") -> None:
    """Print ``docs`` (HTML or DOCX) to PDFs in ``outdir`` with LibreOffice, in one run and
    a private profile; skips when LibreOffice is not installed."""
    soffice = soffice_path()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    cmd = [
        soffice,
        f"-env:UserInstallation={(outdir.parent / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
    ]
    subprocess.run([*cmd, *map(str, docs)], check=True, capture_output=True, timeout=900)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, Any], Path]]:
    found = sources()
    if len(found) < 3:
        pytest.skip("shared samples not available")
    tmp = tmp_path_factory.mktemp("unruled")
    htmls = []
    for stem, gold in found:
        html = render(Report.from_flat(gold), "html").decode("utf-8")
        html = html.replace('<table border="1">', "<table>")
        html = re.sub(r"<style>.*?</style>", "<style>td{border:none}</style>", html, flags=re.S)
        path = tmp / f"{stem}.html"
        path.write_text(html, encoding="utf-8")
        htmls.append(path)
    _print_pdfs(htmls, tmp / "pdf", "pdf:writer_web_pdf_Export")
    return [(stem, gold, tmp / "pdf" / f"{stem}.pdf") for stem, gold in found]


def test_unruled_tables_read_cell_by_cell(printed: list[tuple[str, dict[str, Any], Path]]):
    wrong: list[str] = []
    cells = 0
    for stem, gold, pdf in printed:
        assert pdf.exists(), f"LibreOffice printed no {pdf.name}"
        got = nianbao.parse(pdf).flat()
        for fid, want in gold.items():
            if fid.startswith(TABLES):
                cells += 1
                if got.get(fid) != want:
                    wrong.append(f"{stem} {fid}: {want!r} read as {got.get(fid)!r}")
    assert cells > 2000
    assert not wrong, "\n".join(wrong[:40])


# cell styles of pages printed without borders (found in review; the reader's columns and
# label cells must not depend on them)
STYLES = {
    "top": "td{border:none;vertical-align:top}",
    "bottom": "td{border:none;vertical-align:bottom}",
    "right": "td{border:none;text-align:right}",
    "big": "td{border:none} body{font-size:14pt}",
    "narrow": "td{border:none} table{width:70%}",
    "tight": "td{border:none;padding:0}",
    # a fee alone on its line in the page's top band, between its label's two lines
    # (行政事业性收 / 0 / 费), was dropped as a page number, silently
    "spaced": "td{border:none;letter-spacing:2pt}",
}
# known, left: none (the letter-spaced all-blank row once called missing is read)
_KNOWN_FALSE_MISSING: set[tuple[str, str]] = set()


def test_unruled_tables_in_other_cell_styles(tmp_path: Path) -> None:
    """Every gold in seven cell styles: no cell is silently empty or silently wrong, and no
    row is called missing (a label whose group's label stood between its lines
    was not recognised, and 表三 was said to lack the row)."""
    found = sources()
    if len(found) < 3:
        pytest.skip("shared samples not available")
    docs, golds = [], {}
    for stem, gold in found:
        html = render(Report.from_flat(gold), "html").decode("utf-8")
        html = html.replace('<table border="1">', "<table>")
        for name, css in STYLES.items():
            path = tmp_path / f"{stem}__{name}.html"
            path.write_text(
                re.sub(r"<style>.*?</style>", f"<style>{css}</style>", html, flags=re.S)
            )
            docs.append(path)
            golds[path.stem] = gold
    _print_pdfs(docs, tmp_path / "pdf", "pdf:writer_web_pdf_Export")
    wrong: list[str] = []
    right = cells = 0
    for stem, gold in golds.items():
        rep = nianbao.parse(tmp_path / "pdf" / f"{stem}.pdf")
        got = rep.flat()
        named = {c for f in rep.findings if f.rule not in _MISSING for c in f.cells}
        missing = {c for f in rep.findings if f.rule in _MISSING for c in f.cells}
        for fid, want in gold.items():
            if not fid.startswith(TABLES):
                continue
            cells += 1
            if got.get(fid) == want:
                right += 1
            elif fid not in named:
                wrong.append(f"{stem} {fid}: {want!r} read as {got.get(fid)!r}")
        style = stem.rsplit("__", 1)[-1]
        wrong += [
            f"{stem}: {fid} called missing"
            for fid in sorted(missing)
            if gold.get(fid) is not None
            and (style, fid.rsplit(".", 1)[0]) not in _KNOWN_FALSE_MISSING
        ]
    assert not wrong, "\n".join(wrong[:40])
    assert right >= 0.97 * cells


# ---------------------------------------------------------------- the national template
TEMPLATE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "peer" / "templates"
BLANK_FORM = TEMPLATE / "政府信息公开工作年度报告格式模板_空白.docx"
# the official form's rows that take each gold's values (table, row, ids after the label)
ACTIVE_ROWS = {
    2: ("active.regulations.issued", "active.regulations.repealed", "active.regulations.in_force"),
    3: ("active.normative.issued", "active.normative.repealed", "active.normative.in_force"),
    6: ("active.licensing",),
    9: ("active.penalty",),
    10: ("active.coercion",),
    13: ("active.fees",),
}


def _fill_form(gold: dict[str, Any]) -> bytes:
    """The official blank form (DOCX) filled with a 2021 gold, every border removed."""
    import io
    import zipfile

    import docx
    from docx.oxml.ns import qn

    from nianbao.schema import COLUMNS, REQUEST_ROWS_2021, REVIEW_FIELDS, REVIEW_GROUPS

    def put(tc: Any, value: Any) -> None:
        if value is None:
            return
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        p = tc.find(qn("w:p"))
        r = p.makeelement(qn("w:r"), {})
        t = r.makeelement(qn("w:t"), {})
        t.text = text
        r.append(t)
        p.append(r)

    d = docx.Document(str(BLANK_FORM))
    t0, t1, t2 = d.tables
    rows = t0._tbl.findall(qn("w:tr"))
    for ri, ids in ACTIVE_ROWS.items():
        for tc, fid in zip(rows[ri].findall(qn("w:tc"))[1:], ids):
            put(tc, gold.get(fid))
    rows = t1._tbl.findall(qn("w:tr"))
    for i, row in enumerate(REQUEST_ROWS_2021):
        for tc, col in zip(rows[3 + i].findall(qn("w:tc"))[-7:], COLUMNS):
            put(tc, gold.get(f"requests.{row}.{col}"))
    ids = [f"reviews.{g}.{f}" for g in REVIEW_GROUPS for f in REVIEW_FIELDS]
    for tc, fid in zip(t2._tbl.findall(qn("w:tr"))[3].findall(qn("w:tc")), ids):
        put(tc, gold.get(fid))
    buf = io.BytesIO()
    d.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w") as z:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename in ("word/document.xml", "word/styles.xml"):
                data = re.sub(
                    rb'<w:(top|left|bottom|right|insideH|insideV|start|end) w:val="[^"]*"',
                    rb'<w:\1 w:val="nil"',
                    data,
                )
            z.writestr(item, data)
    return out.getvalue()


def test_the_national_form_without_borders(tmp_path: Path) -> None:
    """The official form filled with every 2021 gold and printed without its borders: its
    headings are centred over left-aligned numbers, its labels wrap, and a row's 总计 may
    sit a line above its other numbers; every cell must come back as the gold says."""
    if not BLANK_FORM.exists():
        pytest.skip("the national blank form is not in the shared samples")
    golds = [(s, g) for s, g in sources() if "requests.other.no_fee.total" in g]
    assert len(golds) >= 5
    for stem, gold in golds:
        (tmp_path / f"{stem}.docx").write_bytes(_fill_form(gold))
    _print_pdfs([tmp_path / f"{stem}.docx" for stem, _ in golds], tmp_path / "pdf")
    wrong: list[str] = []
    for stem, gold in golds:
        got = nianbao.parse(tmp_path / "pdf" / f"{stem}.pdf").flat()
        for fid, want in gold.items():
            if fid.startswith(TABLES) and got.get(fid) != want:
                wrong.append(f"{stem} {fid}: {want!r} read as {got.get(fid)!r}")
    assert not wrong, "\n".join(wrong[:40])


# ------------------------------------------------ page breaks, running heads, repeated heads
_MISSING = {"R-TABLE-MISSING", "R-ROW-MISSING", "R-SECTIONS"}  # these name no unread cell


def _page_variants(gold: dict[str, Any], stem: str, tmp: Path) -> list[Path]:
    """The borderless form of ``gold`` with a paragraph of growing height before it (so
    that the pages break at other rows), under each of: no running head, a running head
    ending in a year, a page-number field in the head, and repeated heading rows."""
    import io

    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    out = []
    for kind in ("none", "year", "pagenum", "repeat"):
        for space in (0, 150, 300, 450, 600):
            d = docx.Document(io.BytesIO(_fill_form(gold)))
            p = d.add_paragraph("附：本机关本年度政府信息公开情况统计表如下。")
            p.paragraph_format.space_before = Pt(space)
            body = d.element.body
            body.remove(p._p)
            body[0].addprevious(p._p)
            head = d.sections[0].header.paragraphs[0]
            if kind == "year":
                head.text = "云溪市人民政府政府信息公开工作年度报告\t\t2024"
            elif kind == "pagenum":
                head.text = "云溪市人民政府政府信息公开工作年度报告\t\t"
                field = head._p.makeelement(qn("w:fldSimple"), {qn("w:instr"): "PAGE"})
                run = field.makeelement(qn("w:r"), {})
                t = run.makeelement(qn("w:t"), {})
                t.text = "1"
                run.append(t)
                field.append(run)
                head._p.append(field)
            elif kind == "repeat":
                for tr in d.tables[1]._tbl.findall(qn("w:tr"))[:3]:
                    tr.get_or_add_trPr().append(tr.makeelement(qn("w:tblHeader"), {}))
            path = tmp / f"{stem}_{kind}_{space:03d}.docx"
            d.save(str(path))
            out.append(path)
    return out


def test_the_borderless_form_broken_across_pages(tmp_path: Path) -> None:
    """Found in review: a running head ending in a number was read as a row going on from
    the page before; the columns of a table that ended a page leaked into the next table;
    rows were joined across the headings between two sub-tables. The form of the sparsest
    2021 gold and of the invented one with large numbers, the pages broken at five places,
    with and without running heads and repeated heading rows: every cell as the gold says."""
    if not BLANK_FORM.exists():
        pytest.skip("the national blank form is not in the shared samples")
    golds = [(s, g) for s, g in sources() if "requests.other.no_fee.total" in g]
    sparse = max(golds, key=lambda sg: sum(1 for k, v in sg[1].items() if v is None))
    large = [sg for sg in golds if sg[0].startswith("invented")]
    wanted = {stem: gold for stem, gold in [sparse, *large]}
    docs = [p for stem, gold in wanted.items() for p in _page_variants(gold, stem, tmp_path)]
    _print_pdfs(docs, tmp_path / "pdf")
    wrong: list[str] = []
    right = cells = 0
    for path in docs:
        stem = path.stem.rsplit("_", 2)[0]
        rep = nianbao.parse(tmp_path / "pdf" / f"{path.stem}.pdf")
        got = rep.flat()
        named = {c for f in rep.findings if f.rule not in _MISSING for c in f.cells}
        for fid, want in wanted[stem].items():
            if not fid.startswith(TABLES):
                continue
            cells += 1
            if got.get(fid) == want:
                right += 1
            elif got.get(fid) is not None or fid not in named:
                wrong.append(f"{path.stem} {fid}: {want!r} read as {got.get(fid)!r}")
    # no cell wrong and none silent: a table whose headings stand on the page before its
    # rows has no column for a blank column of numbers (a row "19 19" is then unread, and
    # named), the one shape here not read cell by cell
    assert not wrong, "\n".join(wrong[:40])
    assert right >= 0.98 * cells


def test_a_number_a_few_points_below_its_label_stands_on_its_line() -> None:
    """A value set in another font than its label, or aligned to its cell's bottom beside
    the label's last line, sits a few points lower than pdfplumber's line tolerance: it is
    the label's row (行政事业性收费 … 7545 was read as two lines, the row called missing).
    A value centred between a label's two lines stays apart (its row is read otherwise)."""
    from nianbao.readers.pdf import _text_lines

    def line(text: str, x0: float, x1: float, top: float, bottom: float) -> dict[str, Any]:
        step = (x1 - x0) / len(text)
        chars = [
            {
                "text": ch,
                "x0": x0 + k * step,
                "x1": x0 + (k + 1) * step,
                "top": top,
                "bottom": bottom,
                "size": bottom - top,
            }
            for k, ch in enumerate(text)
        ]
        return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "chars": chars}

    got = _text_lines(
        [line("行政事业性收费", 101, 175, 499.7, 510.2), line("7545", 370, 389, 503.4, 513.9)],
        1,
        842,
    )
    assert [ln.text for ln in got] == ["行政事业性收费 7545"]
    centred = _text_lines(
        [
            line("行政事业性收", 58, 140, 31.6, 43.6),
            line("0", 156, 162, 39.3, 51.3),
            line("费", 58, 70, 48.8, 60.8),
        ],
        1,
        842,
    )
    assert [ln.text for ln in centred] == ["行政事业性收", "0", "费"]
