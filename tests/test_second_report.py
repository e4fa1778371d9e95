"""Report titles standing after the report's start: a second report after the first, and
the first's title again as a page's running header.

A portal's page prints the previous year's report under this year's (上一篇), a county's
page gathers its departments' reports, a crawl joins a page and its print version. Each
real sample text (and the writer's page of each gold) is followed by another report, in the
copy shapes of ``test_sample_edits``; the first report's cells must read as they read
alone, nothing silent, nothing blamed on the document. Before the second report was cut
off, its rows filled what the first had not read and its tables competed with the first's:
2019's single （六） row got the other report's numbers, a 表四 printed as three tables was
read from the other report's one grid (7 + 12 silent cells as the samples stand, 58 to 283
in the one-cell-a-line and spaced copies), and sums mixing two reports were blamed on the
document.

A copy of a PDF repeats the title at each page's head, among the tables' cells: that line
is no cell (and cuts nothing).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

import nianbao

from .shapes import Rendering, sources
from .shapes_eval import Score, run_one
from .test_sample_edits import EDITS, _texts


def _plain(t: str) -> str:
    return t


SHAPES: dict[str, Callable[[str], str]] = {
    "as-is": _plain,
    "cell-per-line": EDITS["cell-per-line"][0],
    "tabs-as-spaces": EDITS["tabs-as-spaces"][0],
    "stripped": EDITS["stripped"][0],
}

# what stands between the two reports
JOINS: dict[str, str] = {
    "portal": "\n打印本页 关闭窗口\n上一篇：\n",
    "bare": "\n",
    "gathered": "\n\n\n",
}


def _score(stem: str, edit: str, text: str, gold: dict[str, Any]) -> Score:
    return run_one(Rendering(stem, edit, 0, "sample", text, gold))


def _judge(stem: str, s: Score, alone: Score) -> list[str]:
    bad = s.problems(stem)
    if s.right < alone.right:
        bad.append(f"{stem}: {s.right} cells right, {alone.right} alone")
    return bad


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("join", sorted(JOINS))
def test_a_sample_followed_by_another_report(shape: str, join: str) -> None:
    found = _texts()
    if len(found) < 5:
        pytest.skip("shared samples not available")
    fn = SHAPES[shape]
    texts = [fn(p.read_text(encoding="utf-8")) for _, p, _ in found]
    bad: list[str] = []
    for i, (stem, _, gold) in enumerate(found):
        other = texts[(i + 1 + len(join)) % len(texts)]
        alone = _score(stem, shape, texts[i], gold)
        s = _score(stem, f"{shape}+{join}", texts[i] + JOINS[join] + other, gold)
        bad += _judge(stem, s, alone)
    assert not bad, bad[:6]


@pytest.mark.parametrize("style", ["tab", "lines", "pipe", "md"])
def test_the_writers_page_followed_by_another_report(style: str) -> None:
    """Every gold (the invented 2019 one too) in the writer's styles, followed by the next
    gold's page."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    found = sources()
    if len(found) <= 2:
        pytest.skip("shared samples not available")
    pages = [render(Report.from_flat(g), style).decode("utf-8") for _, g in found]
    bad: list[str] = []
    for i, (stem, gold) in enumerate(found):
        alone = _score(stem, style, pages[i], gold)
        text = pages[i] + JOINS["portal"] + pages[(i + 1) % len(pages)]
        bad += _judge(stem, _score(stem, style, text, gold), alone)
    assert not bad, bad[:6]


def test_the_note_says_where_the_other_report_starts() -> None:
    found = _texts()
    if len(found) < 5:
        pytest.skip("shared samples not available")
    first, second = (p.read_text(encoding="utf-8") for _, p, _ in found[:2])
    rep = nianbao.parse(first + JOINS["portal"] + second).to_dict()
    notes = [f["message"] for f in rep["findings"] if f["rule"] == "R-INGEST-ARTIFACT"]
    # the other report's title line, or the 上一篇： line the title is read with
    line = len((first + JOINS["portal"]).split("\n"))
    assert any(f"文本第 {n} 行起是另一份年度报告" in m for m in notes for n in (line - 1, line))


def _title_of(text: str) -> str:
    for line in text.split("\n")[:6]:
        if re.search("年度[报報]告", line):
            return line.strip()
    raise AssertionError("no title line")


def _values(text: str) -> dict[str, Any]:
    out = nianbao.parse(text).to_dict()
    return {k: out.get(k) for k in ("active", "active2019", "requests", "reviews")}


@pytest.mark.parametrize("every", [9, 23])
@pytest.mark.parametrize("shape", ["as-is", "cell-per-line", "stripped"])
def test_the_title_as_a_running_header_is_no_cell(shape: str, every: int) -> None:
    """The report's title as a page's running header every few lines (a copy of a PDF),
    inside the tables too: the values read as without it, and nothing is cut. Before, in
    the copies of one cell a line the line took a cell's place (111 of 200 cells unread
    and R-SUM-ROW blaming 总计 blank in the copy of a pipe table, 38 of 200 in another)."""
    found = _texts()
    if len(found) < 5:
        pytest.skip("shared samples not available")
    bad: list[str] = []
    for stem, path, _ in found:
        text = SHAPES[shape](path.read_text(encoding="utf-8"))
        title = _title_of(text)
        lines = text.split("\n")
        edited = [
            x
            for i, ln in enumerate(lines)
            for x in ([ln, title] if i > 8 and i % every == 1 else [ln])
        ]
        if _values("\n".join(edited)) != _values(text):
            bad.append(stem)
    assert not bad, bad


def test_pdftotext_pages_headed_by_the_title() -> None:
    """The real PDFs through ``pdftotext`` (default mode), each page headed by the report's
    title: every cell reads as without the headers (before: 241 of 572 cells right, 542
    without them), nothing silent, nothing blamed."""
    import shutil
    import subprocess

    from .shapes import SAMPLES, load_gold

    pdfs = sorted((SAMPLES / "peer").glob("*.pdf"))
    if not pdfs or shutil.which("pdftotext") is None:
        pytest.skip("pdftotext or the sample PDFs not available")
    bad: list[str] = []
    for pdf in pdfs:
        gold = load_gold(pdf.with_name(pdf.stem + ".gold.json"))
        run = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
        text = run.stdout.decode("utf-8")
        title = _title_of(text)
        alone = _score(pdf.stem, "pdftotext", text, gold)
        headed = text.replace("\f", "\f" + title + "\n")
        bad += _judge(pdf.stem, _score(pdf.stem, "pdftotext", headed, gold), alone)
    assert not bad, bad[:6]


_S2 = re.compile(r"(?m)^.*二\s*、\s*主\s*动\s*公\s*开.*$")


@pytest.mark.parametrize("shape", ["as-is", "cell-per-line"])
def test_overview_naming_the_rows_then_the_title_cuts_nothing(shape: str) -> None:
    """Section 一's prose names 表三's first and last rows on lines of their own (a PDF's
    wrapped lines), then the title stands as the next page's running header, before
    section 二: one report, nothing cut. Before, the text was cut at that header as a
    second report's start (its 表三 "after" the prose's): every cell absent with no word,
    sections 二 and 四 called missing (135 silent cells, 11 false R-SECTIONS over the
    samples)."""
    found = _texts()
    if len(found) < 5:
        pytest.skip("shared samples not available")
    bad: list[str] = []
    for stem, path, gold in found:
        text = SHAPES[shape](path.read_text(encoding="utf-8"))
        m = _S2.search(text)
        if m is None:
            continue
        prose = (
            "全年本年新收政府信息公开申请数量较上年有所增加，\n"
            "办结率100%，结转下年度继续办理的已按期答复。\n\n"
            f"{_title_of(text)}\n\n"
        )
        alone = _score(stem, shape, text, gold)
        s = _score(stem, shape, text[: m.start()] + prose + text[m.start() :], gold)
        bad += _judge(stem, s, alone)
    assert not bad, bad[:6]
