"""Scans with a text layer ("双层PDF", ``tests.scanshapes``): each page a picture of the paper,
the text invisible over it, the rules only in the picture. The reader reads the text layer
(no OCR of the pictures, no "scan" note) and the tables as borderless ones: every value of
the gold right, none silent, no table called missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nianbao

from .scanshapes import ScanRendering, _expected, faithful, ocr_ran, real_pdfs, scanned
from .shapes_eval import score

REAL = dict(real_pdfs())
# (source stem, variant): a report whose 表二 has article bands (第二十条 第（五）项) between
# its rows, read with the layer as set and moved about; another with the text first, and
# with its words set at the sizes of their boxes (an OCR layer fitted to the words)
CASES = [
    ("huaian-2024", "exact"),
    ("huaian-2024", "chars"),
    ("hongze-2024", "textfirst"),
    ("hongze-2024", "sizes"),
]


@pytest.mark.parametrize("stem,variant", CASES, ids=lambda x: str(x))
def test_a_scan_with_a_text_layer_reads_its_tables(stem: str, variant: str) -> None:
    path: Path | None = REAL.get(stem)
    if path is None:
        pytest.skip("sample PDF not available")
    source = path.read_bytes()
    data = scanned(source, variant)
    assert faithful(source, data)  # the layer reads as the source's text
    gold = json.loads((path.parent / f"{stem}.gold.json").read_text(encoding="utf-8"))
    r = ScanRendering(stem, f"scan-{variant}", 0, "real", "", _expected(gold), pdf=data)
    out = nianbao.parse(data, name=r.name).to_dict()
    sc = score(r, out)
    assert not sc.problems(r.name), sc.problems(r.name)
    assert sc.right == sc.cells, (sc.right, sc.cells)
    assert not ocr_ran(out.get("findings") or [])  # read from the text layer


@pytest.fixture(scope="module")
def printed() -> tuple[str, dict, bytes]:
    """A report whose 表三 is mostly blank and ends 3.其他 (blank) / （七）总计, printed by
    LibreOffice (a table as wide as the page)."""
    from nianbao.writing import writer

    from .scanshapes import writer_pdf
    from .shapes import sources

    if writer.soffice_path() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    found = [(s, g) for s, g in sources("001_") if s.startswith("001_")]
    if not found:
        pytest.skip("shared samples not available")
    stem, gold = found[0]
    return stem, gold, writer_pdf(stem, gold)


@pytest.fixture(scope="module")
def misread(printed: tuple[str, dict, bytes]) -> tuple[ScanRendering, dict]:
    """The report made a scan through PDFium's page objects, which write the text of
    LibreOffice's subset fonts as other characters (（七）总计 read （告）总计, 行政复议 read
    行政复根): an OCR layer with misread characters."""
    from .scanshapes import _through_pdfium

    stem, gold, pdf = printed
    data = _through_pdfium(pdf, "exact", 100, 0)
    r = ScanRendering(stem, "scan-misread", 0, "writer", "", _expected(gold), pdf=data)
    return r, nianbao.parse(data, name=r.name).to_dict()


def test_a_text_layer_set_askew_is_read_upright(printed: tuple[str, dict, bytes]) -> None:
    """The layer turned 0.2–0.6° with the scan: its text read (not dropped as a slanted
    watermark, the file then OCRed as a scan) and set upright (a row's numbers, 4 pt higher
    across the table than its label, went to the row below, silently)."""
    stem, gold, pdf = printed
    data = scanned(pdf, "skew", 100)
    assert faithful(pdf, data)
    r = ScanRendering(stem, "scan-skew", 0, "writer", "", _expected(gold), pdf=data)
    out = nianbao.parse(data, name=r.name).to_dict()
    sc = score(r, out)
    assert not sc.problems(r.name), sc.problems(r.name)
    assert not ocr_ran(out.get("findings") or [])
    assert sc.right >= sc.cells - 3, (sc.right, sc.cells)


def test_a_misread_text_layer_is_never_read_wrong_silently(misread: tuple) -> None:
    """The row below 3.其他 is the total whatever its misread ordinal (3.其他 took the
    total's numbers, silently); what the misreads leave unread is named, never missing."""
    r, out = misread
    sc = score(r, out)
    assert not sc.problems(r.name), sc.problems(r.name)
    assert sc.right >= sc.cells - 10, (sc.right, sc.cells)


def test_shared_column_headings_name_no_table() -> None:
    """其他 and 总计 alone in a row of headings (表四's, its other headings misread) do not
    make the table 表三's: it stays in section 四 (it was moved to 表三 and 表四 called
    missing); in a row with numbers 总计 still names 表三's row."""
    from nianbao.extraction.sections import _row_kinds, kind_counts
    from nianbao.readers.document import Cell

    heads = [["", "行政复根", "行政诉据"], ["结果", "其他", "华未", "总计", "其他", "总计"]]
    heads.append(["《持", "中正", "结果", "人结", "其他", "总计"])
    counts = kind_counts([_row_kinds([Cell(t) for t in row]) for row in heads])
    assert counts["s3"] == 0
    assert _row_kinds([Cell("总计"), Cell("19"), Cell("19")]) == ["s3"]
