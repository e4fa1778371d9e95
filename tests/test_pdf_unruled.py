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


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, Any], Path]]:
    soffice = soffice_path()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
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
    cmd = [
        soffice,
        f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        "pdf:writer_web_pdf_Export",
        "--outdir",
        str(tmp / "pdf"),
    ]
    subprocess.run([*cmd, *map(str, htmls)], check=True, capture_output=True, timeout=600)
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
