"""Every id of every gold file is matched exactly by `nianbao parse --format jsonl` on the
report beside it (blank ids are null). Text reports here; PDFs in test_reader_pdf.py."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from nianbao.cli import cli

from .conftest import documents_with_gold, load_gold
from .gold import misses

TEXT_DOCS = documents_with_gold((".txt", ".md"))


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    if not TEXT_DOCS:
        pytest.skip("no samples")
    res = CliRunner().invoke(cli, ["parse", "--format", "jsonl", *map(str, TEXT_DOCS)])
    assert res.exit_code == 0, res.output
    out = {}
    for line in res.output.splitlines():
        if line.startswith("{"):
            obj = json.loads(line)
            out[obj["source"]] = obj
    return out


def test_every_text_document_is_parsed(parsed):
    assert set(parsed) == {str(p) for p in TEXT_DOCS}
    assert len(TEXT_DOCS) >= 8


@pytest.mark.parametrize("doc", TEXT_DOCS, ids=lambda p: p.name)
def test_gold_ids_match(parsed, doc):
    bad = misses(load_gold(doc), parsed[str(doc)])
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("doc", TEXT_DOCS, ids=lambda p: p.name)
def test_output_contract(parsed, doc):
    obj = parsed[str(doc)]
    assert obj["source"] == str(doc)
    for f in obj["findings"]:
        assert {"rule", "severity", "cells", "message"} <= set(f)
        assert f["severity"] in ("error", "warning", "info")
        assert f["rule"].startswith("R-")
    # every table value carries its provenance: line, offsets and the raw text
    for fid, prov in obj["provenance"].items():
        assert "raw" in prov
        if prov["raw"]:
            assert prov.get("line", 0) >= 1, fid
            assert prov["start"] <= prov["end"], fid


def test_provenance_points_at_the_cell(parsed):
    doc = next(p for p in TEXT_DOCS if p.name.startswith("003"))
    obj = parsed[str(doc)]
    text = doc.read_text(encoding="utf-8")
    prov = obj["provenance"]["requests.unable.not_held.total"]
    assert (
        text[prov["start"] : prov["end"]]
        == prov["raw"]
        == str(obj["requests"]["unable"]["not_held"]["total"])
    )
    assert text.splitlines()[prov["line"] - 1].startswith(prov["raw"])
