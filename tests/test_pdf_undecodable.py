"""A PDF whose fonts have no character map (no /ToUnicode): its text layer comes out as
other scripts' characters (␞ᆹᐲ⍚⌭४Ӫ≁…) and glyph codes, and the report was refused as no
report (「这不像是一份…年度报告」), blaming the document for what the tool could not read.
Such pages are now read as images: by OCR when the extra is there (every table value of
the real PDF comes back, R-OCR saying how it was read), else refused with a message that
names the tool's limit and the way out (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao
from nianbao.errors import UndecodableText

from .conftest import PEER, load_gold, run_cli

TABLES = ("active.", "requests.", "reviews.")


@pytest.fixture(scope="module")
def undecodable(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    src = PEER / "hongze-2024.pdf"
    if not src.exists():
        pytest.skip("../shared/samples is not beside the checkout")
    path = tmp_path_factory.mktemp("undecodable") / "report.pdf"
    path.write_bytes(src.read_bytes().replace(b"/ToUnicode", b"/ToUnicodX"))
    return path, load_gold(src)


def test_without_ocr_the_tool_names_its_own_limit(undecodable, monkeypatch) -> None:
    path, _gold = undecodable
    monkeypatch.setenv("NIANBAO_OCR", "0")
    with pytest.raises(UndecodableText) as e:
        nianbao.parse(path)
    assert "文字层无法解码" in str(e.value) and "本工具的读取局限" in str(e.value)
    r = run_cli("parse", str(path), NIANBAO_OCR="0")
    assert r.returncode == 2 and "文字层无法解码" in r.stderr and "Traceback" not in r.stderr
    assert "不像是" not in r.stderr


def test_with_ocr_every_table_value_comes_back(undecodable, monkeypatch) -> None:
    from nianbao.readers.ocr import ocr_available

    if not ocr_available():
        pytest.skip("the [ocr] extra is not installed")
    monkeypatch.setenv("NIANBAO_FILE_SECONDS", "900")  # OCR of every page on a busy machine
    path, gold = undecodable
    report = nianbao.parse(path)
    flat = report.flat()
    wrong = [k for k in gold if k.startswith(TABLES) and flat.get(k) != gold[k]]
    assert not wrong, wrong[:10]
    ocr = [f.message for f in report.findings if f.rule == "R-OCR"]
    assert ocr and "文字层无法解码" in ocr[0] and "扫描件" not in ocr[0]


def test_a_page_whose_digits_alone_lack_the_map_is_still_read_as_text() -> None:
    """Only a garbled page is taken for an image: labels read and digits unmapped is not."""
    from nianbao.readers.pdf import _garbled, _Line

    def line(text: str) -> _Line:
        return _Line(text, 1, 0.0, 100.0, 0.0, 10.0, 10.0)

    labels = [
        line("行政许可\x13\x11\x13\x15"),
        line("行政处罚\x14\x14"),
        line("一、本年新收政府信息公开申请数量\x13"),
    ]
    assert not _garbled(labels * 5, [])
    glyphs = [line("␞ᆹᐲ⍚⌭४Ӫ≁᭯ᓌ ᒤ᭯ᓌؑ\u169fޜᔰᐕ\u058cᒤᓖᣕ\u0a7a·ͱفဎܩ̝ೇ܀႖")]
    assert _garbled(glyphs * 2, [])
    assert _garbled([line("(cid:6876)(cid:543)(cid:6763)" * 12)], [])


def test_table_cells_without_text_codes_are_read_by_ocr(monkeypatch) -> None:
    """One font without its map (huaian-2024's first /ToUnicode taken away: the digits of
    its tables): the labels read, the values were unread and named (25 cells). With OCR
    the pages those tables stand on are recognised in place of their text layer; without
    it the values stay unread and named, never guessed."""
    from nianbao.readers.ocr import ocr_available

    src = PEER / "huaian-2024.pdf"
    if not src.exists():
        pytest.skip("../shared/samples is not beside the checkout")
    gold = load_gold(src)
    data = src.read_bytes()
    at = data.index(b"/ToUnicode")
    data = data[:at] + b"/ToUnicodX" + data[at + 10 :]
    monkeypatch.setenv("NIANBAO_OCR", "0")
    plain = nianbao.parse(data)
    flat = plain.flat()
    wrong = [k for k in gold if k.startswith(TABLES) and flat.get(k) != gold[k]]
    named = {c for f in plain.findings if f.severity != "info" for c in f.cells}
    assert wrong and not [k for k in wrong if flat.get(k) is not None or k not in named]
    if not ocr_available():
        pytest.skip("the [ocr] extra is not installed")
    monkeypatch.delenv("NIANBAO_OCR")
    monkeypatch.setenv("NIANBAO_FILE_SECONDS", "900")
    report = nianbao.parse(data)
    flat = report.flat()
    assert not [k for k in gold if k.startswith(TABLES) and flat.get(k) != gold[k]]
    ocr = [f.message for f in report.findings if f.rule == "R-OCR"]
    assert ocr and "没有文字编码" in ocr[0] and "无文字层" not in ocr[0]


def test_a_page_in_a_script_of_its_own_beside_the_chinese_is_text() -> None:
    """A bilingual page (Uyghur, Tibetan beside the Chinese; Uyghur as a PDF often stores it,
    in Arabic presentation forms) is text, not glyph numbers: it was judged undecodable
    and read as an image (without OCR, named as not read), its Chinese lost."""
    import unicodedata

    from nianbao.readers.pdf import _garbled, _Line

    def line(text: str) -> _Line:
        return _Line(text, 1, 0.0, 100.0, 0.0, 10.0, 10.0)

    uyghur = "ھۆكۈمەت ئۇچۇرلىرىنى ئاشكارىلاش خىزمىتى يىللىق دوكلاتى"
    shaped = "".join(
        next(
            (
                c
                for c in map(chr, range(0xFB50, 0xFEFF))
                if unicodedata.decomposition(c).endswith(f"{ord(ch):04X}")
            ),
            ch,
        )
        for ch in uyghur
    )
    assert sum(0xFB00 <= ord(c) for c in shaped) > 20
    tibetan = "གཞུང་གི་ཆ་འཕྲིན་ལོ་རེའི་སྙན་ཞུ་"
    for other in (uyghur, shaped, tibetan):
        page = [line(other), line("行政许可 3559"), line(other), line("行政处罚 1951")]
        assert not _garbled(page * 3, []), other
        assert not _garbled([line(other)] * 6, []), other
    glyphs = [line("␞ᆹᐲ⍚⌭४Ӫ≁᭯ᓌ ᒤ᭯ᓌؑ\u169fޜᔰᐕ\u058cᒤᓖᣕ\u0a7a·ͱفဎܩ̝ೇ܀႖")]
    assert _garbled(glyphs * 2 + [line("行政许可 3559")], [])
