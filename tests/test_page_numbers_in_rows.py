"""Page numbers among a row's cells in a copy of one cell a line, generated from every gold.

A copy of a PDF's page one cell a line (a crawler's ``get_text("\\n")``; its tabs turned into
spaces or kept) holds the page's number wherever the page broke: between two of a row's cells
too, on a line of its own, with or without a blank line on either side. Taken away, the
number must leave the cells as they were: a break left where it stood reads as one blank
cell more and moves the row's later cells a column on (予以公开's 0 landed in 其他, 总计
blank, no finding naming 其他). Every cell must read right or be named by a finding, nothing
be called missing, no sum error the gold does not raise be made; where the number stands
alone or padded by a blank line on each side, every cell the copy without it reads right
must read right.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from .shapes import Rendering
from .shapes_eval import Score, run_one

FOOTERS = ("— {n} —", "- {n} -", "第 {n} 页", "第{n}页 共9页", "—{n}—")
# blank lines before and after the number's line; the first two read back whole
PADDINGS = ((0, 0), (1, 1), (1, 0), (0, 1), (2, 2))
# what the copy made of the tabs that open each cell's line
INDENTS = ("\t", " ", "  ", "    ", "\u3000")


def _lines(gold: dict[str, Any]) -> str:
    from nianbao.report import Report
    from nianbao.writing.writer import render

    return render(Report.from_flat(gold), "lines").decode("utf-8")


def _breaks_in_rows(text: str) -> list[int]:
    """The line breaks between two cells of a row in sections 二 to 四 (each followed by
    a cell's line, not a blank line ending the row)."""
    a = text.find("二、主动公开")
    b = text.find("五、", text.find("四、政府信息公开行政复议"))
    if a < 0 or b < 0:
        return []
    return [a + m.start() for m in re.finditer(r"(?<!\n)\n(?=\t)", text[a:b])]


def _with_page_number(text: str, at: int, footer: str, pad: tuple[int, int]) -> str:
    before, after = pad
    return text[:at] + "\n" * (1 + before) + footer + "\n" * (1 + after) + text[at + 1 :]


def _score(stem: str, gold: dict[str, Any], text: str, seed: int) -> Score:
    return run_one(Rendering(stem, "page-number-in-row", seed, "lines", text, gold))


@pytest.mark.parametrize("seed", range(4))
def test_page_number_between_cells_of_a_row(golds, seed: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    bad: list[str] = []
    tried = 0
    plain: dict[tuple[str, str], int] = {}  # cells right in the copy without a page number
    for stem, gold in golds:
        text = _lines(gold)
        breaks = _breaks_in_rows(text)
        if not breaks:
            continue
        for _ in range(2):
            at = rng.choice(breaks)
            footer = rng.choice(FOOTERS).format(n=rng.randint(2, 12))
            pad = rng.choice(PADDINGS)
            indent = rng.choice(INDENTS)
            copy = _with_page_number(text, at, footer, pad).replace("\t", indent)
            tried += 1
            s = _score(stem, gold, copy, seed)
            what = f"{stem} at {at} {footer!r} pad={pad} indent={indent!r}"
            bad += s.problems(what)
            if s.refused:
                continue
            if pad in ((0, 0), (1, 1)):
                if (stem, indent) not in plain:
                    plain[stem, indent] = _score(stem, gold, text.replace("\t", indent), seed).right
                if s.right < plain[stem, indent]:
                    bad.append(f"{what}: {plain[stem, indent] - s.right} cells fewer read")
    assert tried >= 10
    assert not bad, bad[:6]


def test_bare_page_numbers_of_a_layout_copy_without_page_breaks() -> None:
    """The real PDFs through ``pdftotext -layout``, each page's number bare (-3- as 3) and
    the page breaks lost (a copy of the whole text): the numbers between the tables are
    still the pages' (1 before section 二, 4 and 5 after 五), though each stands at an indent
    of its own (-layout centres a page's number by that page's widest line: 43, 5, 72, 6, 26
    spaces); taken away, said, and every cell read as with the page breaks. Before, the
    indent check kept them all, as cells, in the text."""
    import shutil
    import subprocess

    import nianbao

    from .shapes import SAMPLES, load_gold

    pdfs = sorted((SAMPLES / "peer").glob("*.pdf"))
    if not pdfs or shutil.which("pdftotext") is None:
        pytest.skip("pdftotext or the sample PDFs not available")
    bad: list[str] = []
    for pdf in pdfs:
        gold = load_gold(pdf.with_name(pdf.stem + ".gold.json"))
        run = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True)
        paged = re.sub(r"(?m)^(\s*)-(\d{1,2})-[ \t]*$", r"\1\2", run.stdout.decode("utf-8"))
        text = paged.replace("\f", "\n")
        out = nianbao.parse(text, name=pdf.stem + ".txt").to_dict()
        notes = " ".join(f["message"] for f in out["findings"] if f["rule"] == "R-INGEST-ARTIFACT")
        if "分页处的页码" not in notes:
            bad.append(f"{pdf.stem}: page numbers kept")
        s = run_one(Rendering(pdf.stem, "layout", 0, "sample", text, gold))
        alone = run_one(Rendering(pdf.stem, "layout", 0, "sample", paged, gold))
        if s.silent or s.false_missing or s.false_sums or s.right < alone.right:
            bad.append(f"{pdf.stem}: {s.right} right ({alone.right} paged), {s.silent_ids[:3]}")
    assert not bad, bad
