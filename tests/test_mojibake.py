"""Text mangled by a wrong reading before it reached us (``readers/mojibake.py``): every
gold rendered as tab text and misread the ways crawlers and editors misread pages (UTF-8
read as Latin-1, as Windows-1252, as GBK; GBK read as Latin-1 and Windows-1252), saved as
UTF-8, and read back. What a misreading kept whole comes back cell for cell; what it lost
is said, never called "not a report"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.errors import EncodingError
from nianbao.readers.mojibake import unmangle

from .conftest import run_cli
from .shapes import TABLES, render_shape


def _cp1252_as_browsers(data: bytes) -> str:
    """Windows-1252 as browsers decode it: its five undefined bytes as C1 controls."""
    return "".join(
        bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
        for b in data
    )


LOSSLESS = {
    "utf8-as-latin1": lambda t: t.encode("utf-8").decode("latin-1"),
    "utf8-as-cp1252": lambda t: _cp1252_as_browsers(t.encode("utf-8")),
    "gbk-as-latin1": lambda t: t.encode("gb18030").decode("latin-1"),
    "gbk-as-cp1252": lambda t: _cp1252_as_browsers(t.encode("gb18030")),
}


def _text(gold: dict[str, Any]) -> str:
    return render_shape(gold, "cell-blank", 0).text


@pytest.mark.parametrize("how", sorted(LOSSLESS))
def test_a_misreading_that_kept_every_byte_is_undone(golds, how: str) -> None:
    wrong: list[str] = []
    for stem, gold in golds:
        mangled = LOSSLESS[how](_text(gold))
        assert "政府信息" not in mangled
        report = nianbao.parse(mangled.encode("utf-8"))
        notes = [f.message for f in report.findings if f.rule == "R-INGEST-ARTIFACT"]
        assert any("文字编码错乱" in n for n in notes), notes
        got = report.flat()
        wrong += [
            f"{stem} {fid}: {want!r} read as {got.get(fid)!r}"
            for fid, want in gold.items()
            if fid.startswith(TABLES) and got.get(fid) != want
        ]
    assert not wrong, "\n".join(wrong[:30])


def test_a_lossy_misreading_is_read_and_the_loss_said(golds) -> None:
    _, gold = golds[0]
    mangled = _text(gold).encode("utf-8").decode("gbk", errors="replace")
    assert "\ufffd" in mangled
    report = nianbao.parse(mangled.encode("utf-8"))
    notes = " ".join(f.message for f in report.findings if f.rule == "R-INGEST-ARTIFACT")
    assert "文字编码错乱" in notes and "已丢失" in notes
    got = report.flat()
    ids = [f for f in gold if f.startswith(TABLES)]
    # labels with a character lost match no row of the form, so their rows stay unread
    # (named); the point here is that the text is read and its loss said
    assert sum(got.get(f) == gold[f] for f in ids) > 0.1 * len(ids)


def test_characters_lost_for_good_are_said_not_called_no_report(golds, tmp_path: Path) -> None:
    _, gold = golds[0]
    lost = _text(gold).encode("gb18030").decode("utf-8", errors="replace")
    with pytest.raises(EncodingError, match="替换符"):
        nianbao.parse(lost.encode("utf-8"))
    path = tmp_path / "lost.txt"
    path.write_text(lost, encoding="utf-8")
    r = run_cli("parse", str(path))
    assert r.returncode == 2 and "替换符" in r.stderr and "不像是" not in r.stderr


def test_good_text_and_other_text_are_left_alone(golds) -> None:
    for _, gold in golds[:3]:
        assert unmangle(_text(gold)) is None
    assert unmangle("Le café coûte 3 € — été 2024, naïve façade.\n" * 20) is None
    assert unmangle("今天天气很好，我们去公园散步。\n" * 20) is None


@pytest.mark.parametrize("how", ["utf8-as-latin1", "gbk-as-cp1252"])
def test_a_web_page_saved_after_a_misreading_is_undone(golds, how: str) -> None:
    from nianbao.report import Report
    from nianbao.writing.writer import render

    wrong: list[str] = []
    for stem, gold in golds[:5]:
        html = render(Report.from_flat(gold), "html").decode("utf-8")
        if how.startswith("gbk"):
            html = html.replace('charset="utf-8"', 'charset="gbk"')
        report = nianbao.parse(LOSSLESS[how](html).encode("utf-8"))
        assert any("文字编码错乱" in f.message for f in report.findings)
        got = report.flat()
        wrong += [
            f"{stem} {fid}: {want!r} read as {got.get(fid)!r}"
            for fid, want in gold.items()
            if fid.startswith(TABLES) and got.get(fid) != want
        ]
    assert not wrong, "\n".join(wrong[:30])
