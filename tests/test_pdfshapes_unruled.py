"""Tables printed without borders (a web page's table, printed by LibreOffice), with the
page breaks moved row by row: blank paragraphs before the title push each table's break
to another row. Two sparse 2021 golds (mostly blank cells, a few values far apart), at
twenty offsets each, and one letter-spaced: no cell may be wrong unnamed, and no row
present may be called missing.

What the sweep found, each now covered:
* a piece of a group's label beside a row's value in the page's top band (无法提 … 0) was
  taken for a running head; the table then began below it without the columns of the
  page before, and the values of the page went into the wrong columns, silently;
* label lines after a page's last value line (the blank rows at the foot of a page, or a
  row label beside its group's, 理 / 再处理其政府信息公开) were left out of the table: the
  rows were called missing, and the next page lost the table's columns;
* a group's label and its row's label set close (其他处 期不补正、行政机关不) were one run
  of text: the row lost a line of its label and was called missing;
* numbers with no label set a little above the label that opens their row (3.其他 /
  19 19 / （七）总计): the blank row above took them, silently;
* letter-spaced, a row's label line opening with a piece of its group's label
  (理 4.无正当理由大量): the label's next line joined the row above and the row was
  called missing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.report import Report
from nianbao.writing.writer import render

from .shapes import sources
from .test_pdf_unruled import _print_pdfs
from .test_pdfshapes_double import _judge

GOLDS = ("001_c0e16c883bf611ed", "004_30e8d441c092580c")


def _borderless(gold: dict[str, Any], css: str, blank_lines: int) -> str:
    html = render(Report.from_flat(gold), "html").decode("utf-8")
    html = html.replace('<table border="1">', "<table>")
    html = re.sub(r"<style>.*?</style>", f"<style>{css}</style>", html, flags=re.S)
    return html.replace("<body>", "<body>" + "<p>\u3000</p>" * blank_lines, 1)


def test_borderless_tables_broken_at_every_row(tmp_path: Path) -> None:
    found = dict(sources())
    if not all(stem in found for stem in GOLDS):
        pytest.skip("shared samples not available")
    jobs: list[tuple[Path, dict[str, Any]]] = []
    for stem in GOLDS:
        for n in range(20):
            path = tmp_path / f"{stem}__{n:02d}.html"
            path.write_text(_borderless(found[stem], "td{border:none}", n), encoding="utf-8")
            jobs.append((path, found[stem]))
    path = tmp_path / f"{GOLDS[0]}__spaced.html"
    path.write_text(
        _borderless(found[GOLDS[0]], "td{border:none;letter-spacing:2pt}", 0), encoding="utf-8"
    )
    jobs.append((path, found[GOLDS[0]]))
    _print_pdfs([p for p, _ in jobs], tmp_path / "pdf", "pdf:writer_web_pdf_Export")
    bad: list[str] = []
    right = cells = 0
    for path, gold in jobs:
        pdf = tmp_path / "pdf" / f"{path.stem}.pdf"
        assert pdf.exists(), f"LibreOffice printed no {pdf.name}"
        got = _judge(nianbao.parse(pdf), gold, path.stem)
        bad += got[0]
        right += got[1]
        cells += got[2]
    assert not bad, "\n".join(bad[:40])
    assert right >= 0.99 * cells
