"""The same report in every encoding a user may hand us reads the same."""

from __future__ import annotations

import pytest

import nianbao
from nianbao.readers.sniff import decode_bytes

from .conftest import documents_with_gold, load_gold
from .gold import misses

DOCS = [d for d in documents_with_gold((".txt",)) if d.parent.name != "peer"]


def _encodings(text: str):
    yield "utf-8-sig", text.encode("utf-8-sig")
    yield "gb18030", text.encode("gb18030")
    yield "utf-16", text.encode("utf-16")
    yield "utf-16-le", text.encode("utf-16-le")
    try:
        yield "gbk", text.encode("gbk")
    except UnicodeEncodeError:
        pass


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_encoding_gives_the_gold(doc):
    text = doc.read_text(encoding="utf-8")
    gold = load_gold(doc)
    for enc, data in _encodings(text):
        out = nianbao.parse(data, name=f"{doc.name}:{enc}").to_dict()
        bad = misses(gold, out)
        assert not bad, f"{enc}: " + "\n".join(bad[:5])


def test_big5_traditional_report():
    doc = next(d for d in DOCS if d.name.startswith("003"))
    text = doc.read_text(encoding="utf-8")
    # Big5 cannot hold the pinyin glosses' tone marks or a few simplified forms: drop them
    from nianbao.readers.normalize import strip_glosses

    data = strip_glosses(text).encode("big5", errors="ignore")
    decoded, enc = decode_bytes(data)
    assert enc == "big5"
    rep = nianbao.parse(data)
    assert rep.meta["script"] == "traditional"
    assert rep.get("requests.new.total") == 343


def test_cut_in_the_middle_of_a_character():
    data = "年度报告".encode() + "报".encode()[:2]
    text, enc = decode_bytes(data)
    assert enc == "utf-8" and text == "年度报告"
