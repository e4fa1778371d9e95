"""The lean JSON form of a Report (hand-written ``to_dict``) gives exactly the keys, values
and key order of the former ``dataclasses.asdict``-based form, kept here as the reference."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from nianbao.api import parse, parse_document
from nianbao.readers.dispatch import read_bytes
from nianbao.report import Provenance, Report, Value

from .conftest import EXAMPLES, documents_with_gold


def _old_put(out: dict[str, Any], fid: str, value: Any) -> None:
    parts = fid.split(".")
    node = out
    for p in parts[:-1]:
        nxt = node.get(p)
        if not isinstance(nxt, dict):
            nxt = {}
            node[p] = nxt
        node = nxt
    node[parts[-1]] = value


def old_to_dict(rep: Report, provenance: bool = True) -> dict[str, Any]:
    """``Report.to_dict`` as it was before the lean serialisation."""
    out: dict[str, Any] = {"source": rep.source, "meta": dict(rep.meta)}
    out["sections"] = {k: s.to_dict() for k, s in rep.sections.items()}
    out["fees_info"] = dict(rep.fees_info)
    ids = rep.ids()
    seen = set(ids)
    ids += [i for i in rep.values if i not in seen]
    for fid in ids:
        _old_put(out, fid, rep.get(fid))
    if provenance:
        prov: dict[str, Any] = {}
        for fid in ids:
            v = rep.values.get(fid)
            if v is None:
                continue
            entry = {k: x for k, x in asdict(v.source).items() if x is not None} if v.source else {}
            entry["raw"] = v.raw
            prov[fid] = entry
        out["provenance"] = prov
    out["findings"] = [f.to_dict() for f in rep.findings]
    return out


def _same(rep: Report) -> None:
    for prov in (True, False):
        new = rep.to_dict(provenance=prov)
        old = old_to_dict(rep, provenance=prov)
        assert new == old
        # same text: key order and value types included
        assert json.dumps(new, ensure_ascii=False) == json.dumps(old, ensure_ascii=False)
        assert rep.to_json(provenance=prov) == json.dumps(old, ensure_ascii=False)


def _inputs() -> list[Path]:
    files = documents_with_gold((".txt", ".md", ".html", ".htm", ".docx", ".pdf"))
    files += sorted((EXAMPLES / "reports").iterdir()) if (EXAMPLES / "reports").is_dir() else []
    return files


@pytest.mark.parametrize("path", _inputs(), ids=lambda p: p.name)
def test_samples(path: Path) -> None:
    _same(parse(path, name=str(path)))


STYLES = ("tab", "lines", "md", "pipe", "html", "docx")


@pytest.mark.parametrize("path", documents_with_gold((".pdf",)), ids=lambda p: p.name)
def test_writer_renderings(path: Path) -> None:
    """The writer's renderings of a real report, the PDF one (pages and boxes) included."""
    from nianbao.writing import writer

    rep = parse(path, name=str(path))
    styles = STYLES + (("pdf",) if writer.soffice_path() else ())
    for style in styles:
        data = writer.render(rep, style)
        _same(parse_document(read_bytes(data, f"r.{style}")))


def test_odd_values() -> None:
    """Values the extractor never makes still serialise as before: a float box given as a
    list, an id beyond the layout, an id that is the prefix of another."""
    rep = Report(source="x")
    rep.values["requests.new.natural"] = Value(3, "3", Provenance(page=2, bbox=(1.0, 2.0, 3, 4)))
    rep.values["extra.a"] = Value(1, "1", Provenance(section="s3", label="甲"))
    rep.values["extra.a.b"] = Value(2, "2")
    rep.values["extra.c"] = Value(None, "—", Provenance(row=0, col=0, start=0, end=0))
    rep.values["extra.d.e"] = Value(4, "4")
    rep.values["extra.d"] = Value(5, "5")
    rep.values["extra.d.f"] = Value(6, "6")
    _same(rep)


@pytest.mark.parametrize("layout", ["2021", "2019", "mixed", "legacy", "unknown"])
def test_layout_writer(layout: str) -> None:
    """``to_json`` writes the value tables from its layout's JSON made once, and each cell's
    provenance directly: the same text as the encoder's on every layout, for cells of every
    kind (a text's cell, a page's cell, a blank, one without provenance, a float, text that
    JSON escapes)."""
    from nianbao.schema import table_ids

    rep = Report(source='a "quoted" \\ path\n')
    rep.meta["format"] = layout
    ids = table_ids(layout)
    kinds = [
        lambda i: Value(i, str(i), Provenance("s3", 0, i, 1, 3, 10 * i, 10 * i + 1, label="标签")),
        lambda i: Value(i + 0.5, f"{i}.5", Provenance("s2", 1, 2, 3, page=4, bbox=(1.5, 2, 3, 4))),
        lambda i: Value(None, None, Provenance(section="s4", label="行政复议")),
        lambda i: Value(None, "—", None),
        lambda i: Value(
            -i, '"\\\t\x01\U0001f600', Provenance("s3", None, 0, 0, 1, 0, 2, label="\u2028")
        ),
    ]
    for n, fid in enumerate(ids[::2]):  # every other cell: the rest absent
        rep.values[fid] = kinds[n % len(kinds)](n)
    _same(rep)
    assert json.loads(rep.to_json())["source"] == rep.source


def test_to_json_indent() -> None:
    """With an indent, the encoder's text as before."""
    rep = parse(sorted((EXAMPLES / "reports").glob("*.txt"))[0])
    assert rep.to_json(indent=1) == json.dumps(old_to_dict(rep), ensure_ascii=False, indent=1)
