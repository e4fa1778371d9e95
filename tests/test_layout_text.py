"""Column-aligned text as `pdftotext -layout` prints it: made at test time from the real
PDFs of ../shared/samples/peer, then parsed as plain text; every gold id must match."""

from __future__ import annotations

import shutil
import subprocess

import pytest

import nianbao

from .conftest import documents_with_gold, load_gold
from .gold import misses

PDFS = documents_with_gold((".pdf",))


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"
)
@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.name)
def test_pdftotext_layout_text_matches_gold(pdf, tmp_path):
    out = tmp_path / (pdf.stem + ".txt")
    subprocess.run(["pdftotext", "-layout", str(pdf), str(out)], check=True)
    rep = nianbao.parse(out.read_bytes(), name=str(out))
    assert rep.meta["source"] == str(out)
    bad = misses(load_gold(pdf), rep.to_dict())
    assert not bad, "\n".join(bad)
    # provenance of a layout cell points at its characters in the text file
    text = out.read_text(encoding="utf-8")
    v = rep.values["requests.new.total"]
    assert text[v.source.start : v.source.end] == v.raw


def test_a_number_glued_to_its_table_2_label_is_read() -> None:
    """The sample texts and every gold in the writer's tab, pipe and Markdown layouts with
    表二's rows of one value written with the number glued to the label (「行政许可3559」,
    the separator lost in a copy, or 「行政许可：3559」): the row's value is the number, its
    provenance the number's characters
    (in the samples' copies it was read as the label's end and the value as blank, which
    R-BLANK-CELL then laid on the document)."""
    import itertools
    import re

    import nianbao
    from nianbao.report import Report
    from nianbao.writing.writer import render

    from .conftest import SAMPLES, load_gold
    from .gold import same
    from .shapes import sources

    # (the rows of one value: where every row of 表二 is glued, the form reading reads it)
    labels = "行政许可|行政处罚|行政强制|行政事业性收费"
    copies = [(p.name, load_gold(p), p.read_text(encoding="utf-8")) for p in SAMPLES.glob("*.txt")]
    for style in ("tab", "pipe", "md"):
        copies += [
            (f"{stem} {style}", g, render(Report.from_flat(g), style).decode())
            for stem, g in sources()
        ]
    bad: list[str] = []
    glued_copies = 0
    for (name, gold, text), mark in itertools.product(copies, ("", "：")):
        glued = re.sub(rf"(?m)^(\|?\s*(?:{labels}))(?:\t+|\s*\|\s*)(?=\d)", rf"\1{mark}", text)
        if glued == text:
            continue
        glued_copies += 1
        rep = nianbao.parse(glued.encode("utf-8"))
        for fid in (k for k in gold if k.startswith("active.")):
            v = rep.values.get(fid)
            if v is None or not same(gold[fid], v.value):
                bad.append(f"{name} {fid}: {gold[fid]} read {None if v is None else v.value}")
            elif v.value is not None and v.source and v.source.start is not None:
                shown = glued[v.source.start : v.source.end]
                if shown.replace(",", "") != (v.raw or "").replace(",", ""):
                    bad.append(f"{name} {fid}: provenance {shown!r}")
    assert glued_copies >= 20
    assert not bad, "\n".join(bad[:10])
