"""pdfminer.six's ``extract_text`` of a report's PDF (the most common Python PDF text
extractor; crawled corpora are full of it), with the layout parameters crawlers use.

pdfminer groups a page's text into boxes and prints box after box: a table comes out with its
row labels together, each column's header followed by that column's numbers, the columns in
an order of their own (``boxes_flow``), 表四's header words among its numbers, and with some
parameters a page printed before the section that precedes it. Read in text order, 规章 was
read blank and 行政规范性文件 took 规章's numbers, 行政事业性收费 took 表三's first number,
表四's groups were read in the wrong order, and a 表三 whose page came first was called
missing: wrong cells no finding named.

Every table cell of the writer's PDF of each gold (and of golds with cells left blank),
through pdfminer with each of the parameters below, must come back right or be named by a
finding as the tool's own limit, and no "missing" finding may be raised against the
document; a floor holds the cells read.
"""

from __future__ import annotations

import io
import random
from functools import lru_cache
from typing import Any

import pytest

import nianbao

from .shapes import TABLES, sources
from .test_text_grid import _check

high_level = pytest.importorskip("pdfminer.high_level")
layout = pytest.importorskip("pdfminer.layout")

# the parameters: pdfminer's defaults, and the changes crawlers make
PARAMS: dict[str, dict[str, Any] | None] = {
    "default": None,
    "no-flow": {"boxes_flow": None},  # boxes in reading order of lines
    "line-margin-0.2": {"line_margin": 0.2},  # tighter boxes: cells apart
    "flow-down": {"boxes_flow": -1.0},  # horizontal position first
    "flow-up": {"boxes_flow": 1.0},  # vertical position first
}
# the golds rendered (rendering goes through LibreOffice, about 2 s each): the samples'
# 2021-layout reports, a mixed one, and the invented 2019 and many-digit reports
GOLDS = (
    "000_",
    "001_",
    "004_",
    "hongze-2023",
    "invented-2019",
    "invented-2021-large",
)


def _blanked(g: dict[str, Any], seed: int) -> dict[str, Any]:
    """The gold with a few table cells left empty (a blank cell prints nothing)."""
    rng = random.Random(seed)
    ids = [k for k in g if k.startswith(TABLES) and g[k] is not None and "unit" not in k]
    out = dict(g)
    for fid in rng.sample(ids, 2 + seed % 4):
        out[fid] = None
    return out


@lru_cache(maxsize=1)
def _pdfs() -> tuple[tuple[str, dict[str, Any], bytes], ...]:
    from nianbao.report import Report
    from nianbao.writing.writer import render

    chosen = [(s, g) for s, g in sources() if s.startswith(GOLDS)]
    if not chosen:
        pytest.skip("no gold")
    docs = chosen + [(f"{s}~blank{n}", _blanked(g, n)) for n, (s, g) in enumerate(chosen[:3])]
    try:
        return tuple((s, g, render(Report.from_flat(g), "pdf")) for s, g in docs)
    except Exception as exc:  # LibreOffice missing
        pytest.skip(f"cannot render PDF: {exc}")


def _text(pdf: bytes, params: dict[str, Any] | None) -> str:
    la = layout.LAParams(**params) if params is not None else None
    return str(high_level.extract_text(io.BytesIO(pdf), laparams=la))


def _right(text: str, gold: dict[str, Any]) -> int:
    from .gold import same

    flat = nianbao.parse(text.encode("utf-8")).flat()
    return sum(1 for k in gold if k.startswith(TABLES) and same(gold[k], flat.get(k)))


# table cells read right of the nine documents above, per parameters (before: 693, 1039,
# 700, 659, 692, with 34, 12, 14, 5 and 36 cells wrong and not named or falsely missing)
FLOOR = {"default": 729, "no-flow": 1073, "line-margin-0.2": 719, "flow-down": 659, "flow-up": 697}


@pytest.mark.parametrize("name", list(PARAMS))
def test_pdfminer_text_of_the_writers_pdf_is_right_or_named(name: str) -> None:
    bad: list[str] = []
    right = 0
    for stem, gold, pdf in _pdfs():
        text = _text(pdf, PARAMS[name])
        bad += [f"{stem}: {x}" for x in _check(text, gold, strict=False)]
        right += _right(text, gold)
    assert not bad, "\n".join(bad[:20])
    if len(_pdfs()) == 2 * len(GOLDS) - 3:
        assert right >= FLOOR[name], right


def test_the_first_item_printed_column_by_column_is_read_by_its_column_words() -> None:
    """规章 / 行政规范性文件, then 本年制发件数 0 2, 本年废止件数 0 1, 现行有效件数 0 11 (the
    first item's rows as pdfminer prints them): each column's numbers after its words, in
    the form's row order, read with a finding that says how; never 规章 blank and
    行政规范性文件 0 1 for 1 11."""
    seen = 0
    for stem, gold, pdf in _pdfs():
        if "~" in stem or "active.regulations.issued" not in gold:
            continue
        for name in ("default", "flow-up"):
            rep = nianbao.parse(_text(pdf, PARAMS[name]).encode("utf-8"))
            flat = rep.flat()
            ids = [
                f"active.{r}.{c}"
                for r in ("regulations", "normative")
                for c in ("issued", "repealed", "in_force")
            ]
            said = {c for f in rep.findings if f.rule == "R-LAYOUT-SHIFT" for c in f.cells}
            for fid in ids:
                assert flat.get(fid) == gold[fid], f"{stem} {name} {fid}: {flat.get(fid)}"
                assert fid in said, f"{stem} {name} {fid}: read without a finding"
            seen += 1
    assert seen


def test_pdfminer_text_of_the_real_pdfs() -> None:
    """The real PDFs of the samples through pdfminer (defaults): every table cell right or
    named, nothing called missing; a floor on the cells read. 表三's pages come out label
    first, then each column's numbers (in an order of pdfminer's own: 总计 before 其他),
    the header's words one to a line; read as one stream where every row adds up, a row
    whose numbers are one value, the others named."""
    from .shapes import SAMPLES

    pdfs = sorted((SAMPLES / "peer").glob("*.pdf"))
    pdfs = [p for p in pdfs if p.with_suffix(".gold.json").exists()]
    if not pdfs:
        pytest.skip("shared samples not available")
    import json

    bad: list[str] = []
    right = 0
    for pdf in pdfs:
        gold = json.loads(pdf.with_suffix(".gold.json").read_text(encoding="utf-8"))
        text = _text(pdf.read_bytes(), None)
        bad += [f"{pdf.name}: {x}" for x in _check(text, gold, strict=False)]
        right += _right(text, gold)
    assert not bad, "\n".join(bad[:20])
    if len(pdfs) == 3:
        # 572 table cells: 227 read before (the hongze reports' 表三 not at all)
        assert right >= 424, right
