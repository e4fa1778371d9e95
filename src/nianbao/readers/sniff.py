"""What an input is (by content, not by name) and how its text bytes are decoded."""

from __future__ import annotations

import codecs
import re

from ..errors import BinaryInput, EmptyInput, EncodingError

__all__ = ["sniff", "decode_bytes", "MEDIA_TYPES"]

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
    "text": "text/plain",
}

_CTRL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20)])  # controls but whitespace
_GB_ALIASES = {"gb2312", "gbk", "cp936", "gb18030", "x-gbk", "gb_2312-80", "euc-cn", "hz-gb-2312"}


def _zip_kind(data: bytes) -> str:
    """An Office package (a DOCX: ``word/document.xml``; an XLSX or PPTX, which the DOCX
    reader names as such: ``[Content_Types].xml``) is "docx"; any other ZIP, an archive of
    reports even with a folder named ``word/``, is "zip". A ZIP whose directory cannot be
    read (cut short) is judged by its first entries' names."""
    import io
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except Exception:  # noqa: BLE001 - a directory zipfile cannot read (cut short, a
        # version it does not know, a hostile one): judged by the first entries' names
        head = data[:65536]
        return "docx" if b"word/" in head or b"[Content_Types].xml" in head else "zip"
    return "docx" if "word/document.xml" in names or "[Content_Types].xml" in names else "zip"


def sniff(data: bytes) -> str:
    """Return "pdf", "docx", "zip", "ole" (legacy .doc), "rtf", "image" (PNG, JPEG, TIFF,
    BMP, GIF, WebP), "mhtml" (a web archive), "html", "text" or "binary"."""
    if not data:
        raise EmptyInput("文件为空：没有可读取的内容。")
    head = data[:1024]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        return _zip_kind(data)
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    from .image import image_kind
    from .mhtml import is_mhtml

    if image_kind(head) is not None:
        return "image"
    if head.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if is_mhtml(data[:8192]):
        return "mhtml"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _text_or_html(data, utf16=True)
    if b"\x00" in head and not _looks_utf16(head):
        return "binary"
    return _text_or_html(data)


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM: NUL bytes (from ASCII characters) all on one parity, and the
    text decodes to mostly CJK / printable characters."""
    return _utf16_endianness(head) is not None


def _utf16_endianness(head: bytes) -> str | None:
    if len(head) < 8 or b"\x00" not in head:
        return None
    head = head[: len(head) - len(head) % 2]
    best = None
    best_cjk = 0
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError:
            continue
        good = sum(1 for ch in text if ch.isprintable() or ch.isspace())
        cjk = sum(1 for ch in text if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
        if good >= len(text) * 0.95 and cjk >= len(text) * 0.05 and cjk > best_cjk:
            best, best_cjk = enc, cjk
    return best


def _text_or_html(data: bytes, utf16: bool = False) -> str:
    probe = data[:4096]
    utf16 = utf16 or _looks_utf16(probe)
    if utf16:
        try:
            probe_text = decode_bytes(data[:4096] if len(data) > 4096 else data)[0].lower()
        except EncodingError:
            return "text"
    else:
        # (ASCII lowercased as bytes: only ASCII words are looked for, and lowercasing the
        # other Latin-1 characters, slow, never gives one)
        probe_text = probe.lower().decode("latin-1")
    s = probe_text.lstrip("\ufeff \t\r\n")
    if (
        s.startswith(("<!doctype html", "<html", "<?xml"))
        or ("<table" in s and ("<td" in s or "<tr" in s))
        or ("<body" in s or "<head" in s or "<meta" in s or "<div" in s or "<p>" in s)
    ):
        return "html"
    # control characters other than whitespace mark a binary file
    ctrl = len(probe) - len(probe.translate(None, _CTRL_BYTES)) if not utf16 else 0
    if ctrl > 8:
        return "binary"
    if not utf16 and _embedded_tables(data):
        return "html"
    return "text"


# a page's table markup in a text: a table tag, then cells (a Markdown text with its tables
# left as HTML, as PDF-to-Markdown tools such as MinerU and marker print them, or a crawled
# page's text holding the tables' markup)
_TABLE_TAG = re.compile(rb"<table[\s>]", re.I)
_CELL_TAG = re.compile(rb"<t[dh][\s>]", re.I)
_EMBEDDED_SCAN = 4 << 20  # bytes of a text looked through for table markup
_EMBEDDED_CELLS = 8  # cells' tags after a table's, at least


def _embedded_tables(data: bytes) -> bool:
    """Whether a text holds an HTML table (beyond the first 4 KB the sniff looks at: long
    prose first): read it as a page, its tables by their markup, rowspans and colspans
    and empty cells kept (as text, the tags were blanked and the blank cells lost)."""
    m = _TABLE_TAG.search(data, 0, _EMBEDDED_SCAN)
    if m is None:
        return False
    cells = _CELL_TAG.finditer(data, m.end(), _EMBEDDED_SCAN)
    return sum(1 for _ in zip(range(_EMBEDDED_CELLS), cells)) >= _EMBEDDED_CELLS


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode text bytes by their content: BOM → strict UTF-8 → UTF-8 with a few bad bytes
    (replaced) → UTF-16 (no BOM) → GB18030 unless the bytes are Big5 (told apart by
    charset-normalizer) → the declared charset → lossy GB18030. A declaration (``<meta
    charset>``) only settles what the content leaves open: bytes that are not clean in the
    declared charset are decoded as what they are. Returns (text, encoding)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        # a file cut in the middle of a character is still UTF-8
        if e.start >= len(data) - 3 and e.reason == "unexpected end of data":
            return data[: e.start].decode("utf-8"), "utf-8"
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly, "utf-8(lossy)"
    enc16 = _utf16_endianness(data[:4096])
    if enc16:
        return data.decode(enc16, errors="replace"), enc16
    try:
        text = data.decode("gb18030")
        gb_ok = True
    except UnicodeDecodeError:
        text, gb_ok = "", False
    declared_gb = bool(declared) and str(declared).lower().strip() in _GB_ALIASES
    if declared_gb and not gb_ok:
        # declared GB but not clean GB: a stray byte in a GB page, or another encoding
        # (Big5) under a wrong declaration, told apart by the content
        if _maybe_big5(data):
            return data.decode("big5"), "big5"
        return data.decode("gb18030", errors="replace"), "gb18030"
    if _maybe_big5(data):
        try:
            return data.decode("big5"), "big5"
        except UnicodeDecodeError:
            pass
    if gb_ok:
        return text, "gb18030"
    if declared:
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass
    text = data.decode("gb18030", errors="replace")
    if text.count("\ufffd") > max(16, len(text) // 20):
        raise EncodingError(
            "无法识别文件编码：既不是 UTF-8，也不是 GB18030/GBK 或 Big5 编码的文本。"
        )
    return text, "gb18030(lossy)"


_CJK_CHAR = re.compile("[\u3400-\u9fff]")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few bad bytes (a stray byte, a character cut where two pieces were
    joined): the text with U+FFFD for them, when the Chinese text that decodes cleanly
    outweighs them a hundred to one. GB or Big5 bytes read as UTF-8 give almost no Chinese
    and a replacement character for nearly every one of theirs."""
    sample = data[:65536].decode("utf-8", errors="replace")
    cjk = len(_CJK_CHAR.findall(sample))
    if cjk < 20 or sample.count("\ufffd") > max(2, cjk // 100):
        return None
    text = data.decode("utf-8", errors="replace")
    cjk_all = cjk * len(text) // max(1, len(sample))  # estimated from the sample
    return text if text.count("\ufffd") <= max(2, cjk_all // 100) else None


def _maybe_big5(data: bytes) -> bool:
    """Ask charset-normalizer only whether the bytes are Big5 (it is slow and unreliable on
    short inputs for anything else)."""
    try:
        data.decode("big5")
    except UnicodeDecodeError:
        return False
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover
        return False
    best = from_bytes(data[:65536], cp_isolation=["big5", "gb18030", "utf_8"]).best()
    return best is not None and best.encoding in ("big5", "cp950", "big5hkscs")


def ensure_text(data: bytes) -> None:
    """Raise BinaryInput when bytes are not text."""
    if sniff(data) == "binary":
        raise BinaryInput("文件不是文本：看起来是二进制数据，无法作为年度报告读取。")
