"""Mutations: generic byte-level operators plus per-reader dictionaries of tokens, and
structure-aware ones for DOCX (the XML inside the zip) and PDF (inflated content streams)."""

from __future__ import annotations

import io
import random
import re
import zipfile
import zlib

MAX_SIZE = 4 * 1024 * 1024  # a mutant never grows beyond this
# growth by thousands of repeats (what finds superlinear work) in this share of the growing
# mutations only: the run's cost is about proportional to the bytes read, and most inputs
# stay near the seeds' size (a few KB), so that a run reaches 10^5 inputs
BIG_SHARE = 0.08

_COMMON = [
    b"\t",
    b"\t" * 64,
    b"\n",
    b"\r\n",
    b"\x0c",
    b"\x00",
    b"\x0b",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",  # an encoded surrogate
    b"&#55296;",
    b"&#0;",
    b"&#1114112;",
    b"&#99999999999;",
    b"&nbsp;",
    b"\xe2\x80\x8b",  # zero width space
    b"\xe3\x80\x80",  # ideographic space
    b"9" * 13,
    b"9" * 30,
    b"9" * 310,
    b"9" * 5000,
    b"0." + b"0" * 400 + b"1",
    b"1e308",
    b"-1",
    b"+5",
    b"1,234,567",
    "—".encode(),
    "／".encode(),
    "万元".encode(),
    "件".encode(),
    "（一）予以公开".encode(),
    "（六）其他处理".encode(),
    "本年新收政府信息公开申请数量".encode(),
    "三、收到和处理政府信息公开申请情况".encode(),
    "二、主动公开政府信息情况".encode(),
    "四、政府信息公开行政复议、行政诉讼情况".encode(),
    "自然人".encode(),
    "总计".encode(),
    "年度报告".encode(),
    "2024年1月31日".encode(),
    "增加".encode(),
    "十".encode(),
]

TOKENS: dict[str, list[bytes]] = {
    "text": _COMMON
    + [b"|", b"| |", b"|---|", b"#", b"**", b"[bookmark: x]", b"\t\t\t\t\t\t\t\t\t", b"  "],
    "html": _COMMON
    + [
        b"<td></td>",
        b"<td></td>" * 200,
        b"<tr>",
        b"</tr>",
        b"<table>",
        b"</table>",
        b"<th>",
        b"<tbody>",
        b' rowspan="1000"',
        b' colspan="1000"',
        b' rowspan="0"',
        b' colspan="-3"',
        b"<script>x</script>\x0c",
        b"<style>p{}</style>\x0c",
        b"<!--",
        b"-->",
        b"<![CDATA[",
        b'<meta charset="gbk">',
        b'<meta charset="x-unknown">',
        b"<br>",
        b"<p>",
        b"</div>",
        b"<div>" * 300,
        b"<iframe>",
        b"<?xml version='1.0'?>",
        b"&amp;",
        b"&#x10FFFF;",
    ],
    "docx": _COMMON
    + [
        b"<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>",
        b"<w:tc></w:tc>" * 100,
        b'<w:tcPr><w:gridSpan w:val="1000"/></w:tcPr>',
        b'<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>',
        b"<w:tcPr><w:vMerge/></w:tcPr>",
        b'<w:trPr><w:gridBefore w:val="999"/></w:trPr>',
        b"</w:tr><w:tr>",
        b"<w:tr>",
        b"</w:tc>",
        b"<w:tab/>",
        b"<w:br/>",
        b"<w:sdt><w:sdtContent>",
        b"</w:sdtContent></w:sdt>",
        b"<w:tbl>",
        b"</w:tbl>",
        b"<w:p>",
        b"</w:p>",
        b"<w:t>",
        b'<w:t xml:space="preserve">',
        b"<w:del>",
        b"<mc:AlternateContent>",
    ],
    "pdf": [
        b"/MediaBox []",
        b"/MediaBox [0 0 0 0]",
        b"/MediaBox [0 0 14400 14400]",
        b"/MediaBox [0 0 -5 1e9]",
        b"/Rotate 45",
        b"/Rotate 90",
        b" 0 obj",
        b"endobj",
        b"stream\n",
        b"endstream",
        b"/Length 0",
        b"/Length 999999999",
        b"/Type /Page",
        b"/Kids []",
        b"/Count 999999",
        b"/Parent 1 0 R",
        b"/Resources << >>",
        b"/Filter /FlateDecode",
        b"/Encrypt 1 0 R",
        b"<<",
        b">>",
        b"[",
        b"]",
        b"(",
        b")",
        b"<FEFF>",
        b" Tj ",
        b" TJ ",
        b" Td ",
        b" Tm ",
        b" re ",
        b" re f ",
        b" m ",
        b" l S ",
        b"BT ",
        b" ET",
        b"/F1 12 Tf ",
        b"/F1 0 Tf ",
        b"1 0 0 1 0 0 cm ",
        b"0 0 0 0 0 0 cm ",
        b"q ",
        b" Q",
        b"999999999",
        b"-1",
        b"0.0000001",
        b"1e400",
        b"NaN",
        b"0 0 14400 14400 re S ",
        b"xref",
        b"trailer",
        b"%%EOF",
        b"startxref",
    ],
}
_INTERESTING = [0, 1, 9, 10, 12, 13, 32, 34, 38, 47, 48, 57, 60, 62, 127, 128, 255]
_NUMBER = re.compile(rb"\d+")


def _align(data: bytes | bytearray, i: int) -> int:
    """``i`` moved back to the start of a UTF-8 character (most mutants stay valid text)."""
    while 0 < i < len(data) and 0x80 <= data[i] < 0xC0:
        i -= 1
    return i


def _chunk(data: bytes, rng: random.Random, max_len: int = 256) -> tuple[int, int]:
    a = _align(data, rng.randrange(len(data)))
    return a, _align(data, min(len(data), a + rng.randint(1, max_len)))


def _times(rng: random.Random, small: tuple[int, ...], big: tuple[int, ...]) -> int:
    """A repeat count: one of ``big`` in :data:`BIG_SHARE` of the draws, else of ``small``."""
    return rng.choice(big) if rng.random() < BIG_SHARE else rng.choice(small)


def _pos(data: bytes | bytearray, rng: random.Random) -> int:
    return _align(data, rng.randrange(len(data) + 1))


def mutate_bytes(data: bytes, rng: random.Random, reader: str, others: list[bytes]) -> bytes:
    """One generic mutation of ``data``."""
    if not data:
        return rng.choice(TOKENS[reader])
    b = bytearray(data)
    op = rng.randrange(14)
    if op in (0, 1) and rng.random() < 0.5:  # bytes that break the encoding: less often
        op = 12
    if op == 0:  # bit flips
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif op == 1:  # interesting bytes
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] = rng.choice(_INTERESTING)
    elif op == 2:  # delete a chunk
        a, e = _chunk(data, rng, max(1, len(data) // 8))
        del b[a:e]
    elif op == 3:  # copy a chunk elsewhere
        a, e = _chunk(data, rng)
        i = _pos(b, rng)
        b[i:i] = data[a:e]
    elif op == 4:  # repeat a chunk many times (finds superlinear work)
        a, e = _chunk(data, rng, 64)
        k = _times(rng, (2, 10, 100), (1000, 5000))
        k = max(1, min(k, (MAX_SIZE - len(b)) // max(1, e - a)))
        b[e:e] = data[a:e] * k
    elif op in (5, 6):  # a token, sometimes repeated
        tok = rng.choice(TOKENS[reader])
        k = 1 if rng.random() < 0.7 else _times(rng, (10, 100), (2000,))
        k = max(1, min(k, (MAX_SIZE - len(b)) // max(1, len(tok))))
        i = _pos(b, rng)
        b[i:i] = tok * k
    elif op == 7:  # replace a token
        tok = rng.choice(TOKENS[reader])
        a, e = _chunk(data, rng, 16)
        b[a:e] = tok
    elif op == 8 and others:  # splice with another input
        other = rng.choice(others)
        if other:
            b = bytearray(data[: _pos(data, rng)] + other[_pos(other, rng) :])
    elif op == 9:  # truncate
        del b[_pos(b, rng) :]
    elif op == 10:  # a number made huge, negative or odd
        nums = list(_NUMBER.finditer(data))
        if nums:
            m = rng.choice(nums)
            new = rng.choice(
                (
                    b"9" * rng.choice((13, 30, 310, 4400)),
                    b"-" + m.group(0),
                    b"0" * 50,
                    m.group(0) * 3,
                    b"1.5",
                    b"\xef\xbc\x91",
                )
            )  # fullwidth 1
            b[m.start() : m.end()] = new
    elif op == 12:  # a line or a table row repeated
        a = data.rfind(b"\n", 0, rng.randrange(len(data))) + 1
        e = data.find(b"\n", a)
        e = len(data) if e < 0 else e + 1
        k = _times(rng, (2, 10, 50), (300, 3000))
        k = max(1, min(k, (MAX_SIZE - len(b)) // max(1, e - a)))
        b[e:e] = data[a:e] * k
    else:  # swap two chunks
        a, e = _chunk(data, rng, 128)
        c, d = _chunk(data, rng, 128)
        if e <= c:
            b = bytearray(data[:a] + data[c:d] + data[e:c] + data[a:e] + data[d:])
    return bytes(b[:MAX_SIZE])


def mutate(data: bytes, rng: random.Random, reader: str, others: list[bytes]) -> bytes:
    """A mutant of ``data``: 1-4 stacked mutations; for DOCX mostly inside the XML parts."""
    if reader == "docx" and rng.random() < 0.85:
        return _mutate_docx(data, rng, others)
    for _ in range(rng.choice((1, 1, 2, 3, 4))):
        data = mutate_bytes(data, rng, reader, others)
    return data


def _mutate_docx(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        parts = [(i, src.read(i)) for i in src.infolist()]
    except Exception:  # noqa: BLE001 - an already broken mutant: mutate its bytes
        return mutate_bytes(data, rng, "docx", others)
    names = [i.filename for i, _ in parts]
    target = "word/document.xml" if rng.random() < 0.85 or not names else rng.choice(names)
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if rng.random() < 0.9 else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", method) as zf:
        for info, body in parts:
            if info.filename == target:
                for _ in range(rng.choice((1, 1, 2, 3))):
                    body = _mutate_xml(body, rng)
            zf.writestr(info.filename, body, compress_type=method)
    return buf.getvalue()


# Both linear in the part: an attribute list or a text ends at the next < (a mutant can be
# megabytes of opening tags and nothing else).
_TEXT_NODE = re.compile(rb"(<w:t(?: [^<>]*)?>)([^<]*)(</w:t>)")
_ELEMENT_START = re.compile(rb"<(w:(?:tr|tc|p|r|tbl|sdt))[ >]")


def pick_element(xml: bytes, rng: random.Random, tries: int = 8) -> tuple[int, int] | None:
    """The span of a row, cell, paragraph, run, table or content control of ``xml``, from
    its start tag to the first closing tag of its name (as a non-greedy pattern would
    match it); None when a few random start tags have no closing tag after them. Found by
    one scan for start tags and a few ``find``s: a pattern ``<(w:p)…>.*?</\\1>`` tried
    at every start tag was quadratic on a mutant of unclosed tags (4 MB held the
    fuzzer's own mutation step for minutes)."""
    starts = [(m.start(), m.group(1)) for m in _ELEMENT_START.finditer(xml)]
    for _ in range(min(tries, len(starts))):
        at, name = rng.choice(starts)
        end = xml.find(b"</" + name + b">", at)
        if end >= 0:
            return at, end + len(name) + 3
    return None


def _mutate_xml(xml: bytes, rng: random.Random) -> bytes:
    """Mostly well-formed mutations of a WordprocessingML part: text nodes changed,
    elements inserted at tag boundaries, elements duplicated or removed; sometimes raw."""
    r = rng.random()
    if r < 0.35:  # a text node's content
        nodes = list(_TEXT_NODE.finditer(xml))
        if nodes:
            m = rng.choice(nodes)
            text = mutate_bytes(m.group(2) or b"0", rng, "text", [])
            text = text.replace(b"&", b"&amp;").replace(b"<", b"&lt;")
            return xml[: m.start(2)] + text + xml[m.end(2) :]
    elif r < 0.6:  # an element inserted right after a tag
        cuts = [m.end() for m in re.finditer(rb">", xml)]
        if cuts:
            i = rng.choice(cuts)
            tok = rng.choice(TOKENS["docx"][len(_COMMON) :])
            k = 1 if rng.random() < 0.8 else _times(rng, (10, 200), (2000,))
            k = max(1, min(k, (MAX_SIZE - len(xml)) // max(1, len(tok))))
            return xml[:i] + tok * k + xml[i:]
    elif r < 0.85:  # an element (row, cell, paragraph, run, table) duplicated or removed
        span = pick_element(xml, rng)
        if span is not None:
            start, end = span
            if rng.random() < 0.5:
                return xml[:start] + xml[end:]
            k = _times(rng, (1, 2, 20), (500,))
            k = max(1, min(k, (MAX_SIZE - len(xml)) // max(1, end - start)))
            return xml[:end] + xml[start:end] * k + xml[end:]
    return mutate_bytes(xml, rng, "docx", [])


# --------------------------------------------------------------------------- PDF seeds

_STREAM = re.compile(rb"stream\r?\n")


def inflate_streams(pdf: bytes) -> bytes:
    """The PDF with its Flate streams stored uncompressed (so that byte mutations hit page
    content). Offsets move: the readers find the objects again by scanning."""
    out = bytearray()
    pos = 0
    for m in _STREAM.finditer(pdf):
        if m.start() < pos:
            continue
        head_start = pdf.rfind(b"obj", pos, m.start())
        if head_start < 0:
            continue
        head = pdf[head_start : m.start()]
        end = pdf.find(b"endstream", m.end())
        if end < 0:
            break
        if b"/FlateDecode" not in head or b"/DecodeParms" in head or b"/XRef" in head:
            continue
        if head.count(b"/Filter") != 1:
            continue
        try:
            raw = zlib.decompress(pdf[m.end() : end].rstrip(b"\r\n"))
        except zlib.error:
            continue
        new_head = re.sub(rb"/Filter\s*/FlateDecode", b"", head)
        new_head = re.sub(rb"/Length\s+\d+(\s+0\s+R)?", b"/Length %d" % len(raw), new_head)
        out += pdf[pos:head_start] + new_head + pdf[m.start() : m.end()] + raw + b"\n"
        pos = end
    out += pdf[pos:]
    return bytes(out)
