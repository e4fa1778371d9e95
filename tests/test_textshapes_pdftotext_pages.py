"""Three silent misreadings of text copied from PDFs (pdftotext's default mode: each cell a
paragraph, a blank cell printing nothing):

* a page break inside 表三: the page number (3, - 3 -, 第 3 页) stands among a row's numbers.
  A page number of its form is dropped; a bare number only at a page's foot or head (next
  to the form feed pdftotext prints between pages) and in step with the pages. The dropped
  line, and the form feed, leave no break wider than the paragraphs' (read as a blank
  cell, the row's blank went there: 9 silent cells in 66 texts). A bare number the text
  does not tell from a cell is read as one (the row then named by its sums);
* the table's last row short of a cell (四、结转下年度继续办理 six 0s, 科研机构 blank): what
  follows its numbers runs to the text after the table, no sibling's tail, so it does not
  say the blank is at the end (read 科研机构=0): placed only where exactly one placement
  adds up, else named;
* 表二 in the writer's PDF through pdftotext: （一）'s numbers printed after the one-cell
  items' labels (行政事业性收费 took （一）'s 现行有效件数): a number after （一）'s column
  words, or before the row's own item heading (第二十条第（八）项), is not the row's.

Generated from every gold; each cell must come back right or be named by a finding.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.report import Report
from nianbao.schema import COLUMNS, REQUEST_ROW_LABELS
from nianbao.writing.writer import render

from .test_text_grid import _check
from .test_textshapes_pdftotext import HEADER, _cell, _golds, _paras, _rows, _with_table

PAGE_FORMS = ["{n}", "- {n} -", "— {n} —", "第 {n} 页", "第{n}页 共9页"]


def _one_blank(g: dict[str, Any], rng: random.Random, rows: list[str]) -> None:
    for r in rows:
        cs = [c for c in COLUMNS[:6] if g.get(f"requests.{r}.{c}") == 0]
        if cs:
            g[f"requests.{r}.{rng.choice(cs)}"] = None


def _paragraph_table(g: dict[str, Any]) -> list[str]:
    """表三 each cell a paragraph, a blank cell nothing."""
    out = ["三、收到和处理政府信息公开申请情况", "\n".join(HEADER)]
    for r in _rows("2019" if "requests.other.total" in g else "2021"):
        out.append(REQUEST_ROW_LABELS[r])
        out += [v for v in (_cell(g.get(f"requests.{r}.{c}")) for c in COLUMNS) if v]
    return out


def _paged(gold: dict[str, Any], rng: random.Random, form: str, feed: bool) -> tuple[dict, str]:
    """Pages 1 to 3 with their numbers (``form``) at the foot (or head), page 2 ending inside
    表三 among a row's numbers; ``feed``: pdftotext's form feeds between pages."""
    g = dict(gold)
    rows = _rows("2019" if "requests.other.total" in g else "2021")
    _one_blank(g, rng, rng.sample(rows, rng.randint(0, 3)))
    head = feed and rng.random() < 0.3

    def mark(n: int) -> str:
        p = form.format(n=n)
        if not feed:
            return "\n\n" + p + "\n\n"
        return ("\n\n\f" + p + "\n\n") if head else ("\n\n" + p + "\n\n\f")

    text = _with_table(g, _paras(*_paragraph_table(g)) + "\n\n")
    a = text.index("三、收到和处理")
    b = text.index("四、政府信息公开行政复议")
    mid = text[a:b].split("\n\n")
    i = rng.randrange(len(mid) // 3, len(mid) - 2)
    j = text.index("二、主动公开")
    out = (
        text[:j].rstrip("\n")
        + mark(1)
        + text[j:a]
        + "\n\n".join(mid[:i])
        + mark(2)
        + "\n\n".join(mid[i:])
        + text[b:].rstrip("\n")
        + (mark(3) if feed else "\n")
    )
    return g, out.replace("\n\n\n\n", "\n\n")


@pytest.mark.parametrize("form", PAGE_FORMS)
def test_page_numbers_inside_a_row_are_right_or_named(form: str) -> None:
    """Every cell right or named (before: a page number dropped left a wider break, read as
    the row's blank cell); with form feeds, the page numbers are dropped and the rows read
    as without them."""
    rng = random.Random(form)
    for stem, gold in _golds():
        for feed in (True, False):
            g, text = _paged(gold, rng, form, feed)
            bad = _check(text, g, strict=False)
            assert not bad, f"{stem} {form!r} feed={feed}: " + "; ".join(bad[:5])
            if feed:
                plain = _with_table(g, _paras(*_paragraph_table(g)) + "\n\n")
                got, ref = nianbao.parse(text.encode()).flat(), nianbao.parse(plain.encode()).flat()
                keys = [k for k in g if k.startswith("requests.")]
                assert [got.get(k) for k in keys] == [ref.get(k) for k in keys], stem


def test_a_dropped_page_number_leaves_no_blank_cell() -> None:
    """- 3 - among a row of six 0s whose 社会公益组织 is blank: not read 社会公益组织=0."""
    stem, gold = next((s, g) for s, g in _golds() if s.startswith("invented-2021"))
    g = dict(gold)
    rid = "denied.enforcement_file"
    vals = [0, 0, 0, None, 0, 0, 0]
    g.update({f"requests.{rid}.{c}": v for c, v in zip(COLUMNS, vals)})
    out = _paragraph_table(g)
    at = out.index(REQUEST_ROW_LABELS[rid]) + 5
    out.insert(at, "- 3 -")
    text = _with_table(g, _paras(*out) + "\n\n")
    assert not _check(text, g, strict=False)
    rep = nianbao.parse(text.encode())
    assert rep.get(f"requests.{rid}.social") is None


@pytest.mark.parametrize("seed", [1, 2])
def test_the_last_row_short_of_a_cell_is_placed_only_by_its_sums(seed: int) -> None:
    """四、结转下年度继续办理 with one blank cell, each cell a paragraph: right or named,
    never its blank assumed at the end."""
    rng = random.Random(seed)
    for stem, gold in _golds():
        for _ in range(3):
            g = dict(gold)
            rows = _rows("2019" if "requests.other.total" in g else "2021")
            cs = [c for c in COLUMNS[:6] if g.get(f"requests.{rows[-1]}.{c}") == 0]
            if not cs:
                continue
            g[f"requests.{rows[-1]}.{rng.choice(cs)}"] = None
            _one_blank(g, rng, rng.sample(rows[:-1], rng.randint(0, 2)))
            text = _with_table(g, _paras(*_paragraph_table(g)) + "\n\n")
            bad = _check(text, g, strict=False)
            assert not bad, f"{stem}: " + "; ".join(bad[:5])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext not installed")
def test_writer_pdf_fees_do_not_take_the_first_item_s_numbers() -> None:
    """The writer's PDF of every gold with its 0s made blank (all, or some), through
    pdftotext: 表二 right or named (行政事业性收费 took （一）'s 55 / 8 / 2)."""
    rng = random.Random(3)
    # one PDF a gold (LibreOffice takes seconds a file): every 0 blank in half of them, some
    # 0s in the other half
    for i, (stem, gold) in enumerate(_golds()):
        for every in (i % 2 == 0,):
            g = {
                k: (None if v == 0 and (every or rng.random() < 0.5) else v)
                for k, v in gold.items()
            }
            with tempfile.TemporaryDirectory() as tmp:
                pdf = Path(tmp) / "r.pdf"
                pdf.write_bytes(render(Report.from_flat(g), "pdf"))
                text = subprocess.run(
                    ["pdftotext", str(pdf), "-"], capture_output=True, check=True
                ).stdout.decode("utf-8")
            bad = [b for b in _check(text, g, strict=False) if b.startswith("active")]
            assert not bad, f"{stem} every={every}: " + "; ".join(bad[:5])
