"""Report -> the national format (国办公开办函〔2021〕30号, and the 2019 layout when the
figures are 2019 ones), rendered in the layouts seen in the wild.

The three tables are first built as a grid of anchor cells with their row/column spans,
exactly as the official template lays them out (``format.md`` §3). Every output style is a
view of that grid:

* ``md``       — Markdown: ``#`` headings, pipe tables with a separator row, full grid;
* ``tab``      — plain text, tab-separated rows as Word copies a table: a slot covered
  by a merge is an empty cell (spans of section 三's label columns collapse into one);
* ``lines``    — plain text, one cell per line starting with a tab, a blank line ends a
  row; long labels wrap over several lines (continuation lines carry no tab);
* ``pipe``     — plain text, ``| a | b |`` rows over the full grid (covered slots empty);
* ``pipe-split`` — pipe rows broken over lines (``|``, then ``text |`` per anchor cell,
  covered slots left out, the last cell padded with ``|``), as some converters print;
* ``html`` / ``html-gbk`` — real ``rowspan``/``colspan``; UTF-8, or GBK bytes with
  ``<meta charset=gbk>``;
* ``docx``     — real merged cells (``gridSpan``/``vMerge`` through python-docx ``merge``);
* ``docx-lo``  — a DOCX made by LibreOffice from the HTML (another producer's merge
  encoding and grid), when LibreOffice is installed;
* ``pdf``      — the DOCX converted by LibreOffice; text is added before section 三 so that
  its table runs over a page break.

The modules: ``tables`` (the grid model and the table builders), ``blocks`` (a report as
document blocks), ``text`` (the text styles and HTML), ``office`` (DOCX, and LibreOffice
for ``docx-lo`` and ``pdf``); this one holds the entry points and re-exports the names
used elsewhere.

A figure absent from the report is written as 0; a figure present but blank (None) stays
blank, so that a parsed report round-trips.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import ConverterMissing
from ..report import Report
from .blocks import _blocks, title_of
from .office import _render_docx, _render_pdf, _soffice_convert, soffice_path
from .tables import GridCell, GridTable, build_tables, iter_value_cells, layout_of
from .text import (
    _render_html,
    _render_lines,
    _render_md,
    _render_pipe,
    _render_pipe_split,
    _render_tab,
)

__all__ = [
    "STYLES",
    "TEXT_STYLES",
    "GridCell",
    "GridTable",
    "ConverterMissing",
    "layout_of",
    "build_tables",
    "render",
    "write_report",
    "title_of",
    "soffice_path",
    "iter_value_cells",
]

STYLES: tuple[str, ...] = (
    "md",
    "tab",
    "lines",
    "pipe",
    "pipe-split",
    "html",
    "html-gbk",
    "docx",
    "docx-lo",
    "pdf",
)
TEXT_STYLES: tuple[str, ...] = ("md", "tab", "lines", "pipe", "pipe-split")


# ---------------------------------------------------------------------- entry points
def render(report: Report, style: str = "tab", texts: dict[str, str] | None = None) -> bytes:
    """Render a report in one of ``STYLES``; ``texts`` maps section keys (s1…s6,
    ``preamble``, ``closing``) to narrative text that replaces the defaults."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose one of {', '.join(STYLES)}")
    if style == "pdf":
        return _render_pdf(report, texts)
    if style == "docx-lo":
        html = _render_html(_blocks(report, texts), "utf-8").encode("utf-8")
        return _soffice_convert(html, ".html", "docx:MS Word 2007 XML", ".docx")
    blocks = _blocks(report, texts)
    if style == "md":
        return _render_md(blocks).encode("utf-8")
    if style == "tab":
        return _render_tab(blocks).encode("utf-8")
    if style == "lines":
        return _render_lines(blocks).encode("utf-8")
    if style == "pipe":
        return _render_pipe(blocks).encode("utf-8")
    if style == "pipe-split":
        return _render_pipe_split(blocks).encode("utf-8")
    if style == "html":
        return _render_html(blocks, "utf-8").encode("utf-8")
    if style == "html-gbk":
        return _render_html(blocks, "gbk").encode("gbk", errors="xmlcharrefreplace")
    return _render_docx(blocks)


def write_report(data: bytes, path: str | os.PathLike[str], force: bool = True) -> Path:
    """Write bytes atomically: a temporary file in the target directory, then
    ``os.replace``; a reader never sees a partial file. ``force=False`` refuses to
    overwrite an existing file (FileExistsError)."""
    target = Path(path)
    if target.exists() and not force:
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target
