"""Mutations of the real samples never raise: every outcome is a Report (with findings) or
a named, Chinese-worded UnusableInput."""

from __future__ import annotations

import random

import pytest

import nianbao
from nianbao.errors import UnusableInput
from nianbao.report import Report

from .conftest import documents_with_gold

DOCS = documents_with_gold((".txt", ".md"))


def _mutations(data: bytes, rng: random.Random):
    text = data.decode("utf-8")
    lines = text.split("\n")
    for _ in range(6):  # deleted lines
        k = rng.randrange(len(lines))
        yield "\n".join(lines[:k] + lines[k + rng.randint(1, 12) :]).encode()
    for _ in range(4):  # shuffled whitespace: tabs, spaces, blank lines
        out = []
        for ch in text:
            r = rng.random()
            if ch in "\t \n" and r < 0.15:
                out.append(rng.choice(["\t", " ", "\n", "\n\n", "", "\u3000", "\u00a0"]))
            else:
                out.append(ch)
        yield "".join(out).encode()
    for _ in range(4):  # truncated, also in the middle of a UTF-8 sequence
        yield data[: rng.randrange(1, len(data))]
    for _ in range(3):  # random bytes spliced in
        k = rng.randrange(len(data))
        yield data[:k] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))) + data[k:]
    yield bytes(rng.randrange(256) for _ in range(2000))  # pure noise
    yield text.encode("gb18030")
    yield text.encode("utf-16")
    yield b"\xef\xbb\xbf" + data
    # lines swapped around
    sh = lines[:]
    for _ in range(10):
        a, b = rng.randrange(len(sh)), rng.randrange(len(sh))
        sh[a], sh[b] = sh[b], sh[a]
    yield "\n".join(sh).encode()
    # numbers replaced by junk
    yield text.replace("0", "—").replace("1", "１").replace("2", "/").encode()


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_mutations_never_raise(doc):
    rng = random.Random(doc.name)
    data = doc.read_bytes()
    n = 0
    for variant in _mutations(data, rng):
        n += 1
        try:
            rep = nianbao.parse(variant, name=f"{doc.name}#{n}")
        except UnusableInput as e:
            msg = str(e)
            assert msg and any("\u4e00" <= ch <= "\u9fff" for ch in msg)
            continue
        assert isinstance(rep, Report)
        assert isinstance(rep.findings, list)
        rep.to_json()  # serialisable
    assert n > 20


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00" * 100,
        b"%PDF-1.4\n%broken",
        b"PK\x03\x04garbage",
        b"hello world\n" * 50,
        "这是一段与年度报告无关的文字。".encode() * 20,
        b"\xff\xfe" + "年度报告".encode("utf-16-le"),
    ],
    ids=["empty", "nul", "broken-pdf", "broken-zip", "english", "chinese-prose", "utf16-short"],
)
def test_unusable_inputs_raise_named_errors(data):
    with pytest.raises(UnusableInput) as e:
        nianbao.parse(data)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(e.value))
