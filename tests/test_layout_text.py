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
