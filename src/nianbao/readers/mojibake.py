"""Text whose characters were mangled before it reached us (mojibake): a crawler or an
editor read the bytes in the wrong encoding and saved what it saw. UTF-8 read as GBK gives
鏀垮簻淇℃伅 for 政府信息; GBK read as Latin-1 gives Õþ¸®ÐÅÏ¢; UTF-8 read as
Windows-1252 gives æ”¿åºœ. Such a text has none of a report's words, while the bytes it
was made from do: the wrong reading is undone (the characters encoded back the way they
were misread, and decoded as what they were), and the text read from that, with a note.
ASCII (digits, tabs) passes through every one of these readings unchanged, so the numbers
are what the bytes said; a character the misreading lost (kept as U+FFFD) stays lost.

A text in which most characters were replaced by U+FFFD (GBK read as UTF-8 and saved) has
lost its characters for good: ``lost_message`` says so instead of calling it no report.
"""

from __future__ import annotations

import codecs

__all__ = ["unmangle", "lost_message", "REPORT_WORDS"]

# words every report uses many times (section titles, table headings, prose)
REPORT_WORDS = ("政府信息", "信息公开", "主动公开", "年度报告", "申请", "行政复议", "本年")

# (the encoding the bytes were wrongly read as, the encoding they were in), most common first
_READINGS = (
    ("gb18030", "utf-8", "UTF-8 文字被按 GBK/GB18030 解读"),
    # Windows-1252 with its five undefined bytes as C1 controls: Latin-1 as well
    ("cp1252", "utf-8", "UTF-8 文字被按西文编码（Latin-1/Windows-1252）解读"),
    ("cp1252", "gb18030", "GBK 文字被按西文编码（Latin-1/Windows-1252）解读"),
    ("big5", "utf-8", "UTF-8 文字被按 Big5 解读"),
)
_SAMPLE = 200_000  # characters scored (the head of a long text tells)


def _score(text: str, enough: int | None = None) -> int:
    """Occurrences of the report's words in ``text``; counting stops at ``enough``."""
    total = 0
    for w in REPORT_WORDS:
        total += text.count(w)
        if enough is not None and total >= enough:
            break
    return total


def _c1_bytes(exc: UnicodeError) -> tuple[bytes, int]:
    """Encoding back to Windows-1252: the five bytes it leaves undefined were read by
    browsers (and Latin-1) as the C1 controls U+0081, U+008D, U+008F, U+0090 and U+009D,
    which go back to those bytes."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = bytearray()
    for ch in exc.object[exc.start : exc.end]:
        if ord(ch) < 256:
            out.append(ord(ch))
        elif ch == _LOST:
            out.append(0xFF)  # valid in neither UTF-8 nor GB18030: read back as U+FFFD
        else:
            raise exc
    return bytes(out), exc.end


codecs.register_error("nianbao-c1", _c1_bytes)
# a character the misreading lost (U+FFFD) goes back as a byte no encoding here reads, so
# that it comes back as U+FFFD, not as a "?" joined to the label it broke
_LOST = "\udcff"


def _undo(text: str, wrong: str, right: str) -> str | None:
    """``text`` encoded back as ``wrong`` and decoded as ``right``; None when the text
    holds characters ``wrong`` cannot have produced. A U+FFFD (bytes the misreading lost)
    goes back as one unreadable byte, which breaks the character it was part of."""
    try:
        data = text.replace("\ufffd", _LOST).encode(wrong, errors="nianbao-c1")
    except UnicodeEncodeError:
        return None
    return data.decode(right, errors="replace")


def unmangle(text: str) -> tuple[str, str] | None:
    """The text as it was before a wrong reading, and a note naming that reading; None when
    the text reads as a report already or no reading undone makes it one."""
    head = text[:_SAMPLE]
    before = _score(head, enough=3)
    if before >= 3:  # (a report's words already)
        return None
    best: tuple[int, str, str, str] | None = None
    for wrong, right, how in _READINGS:
        fixed = _undo(head, wrong, right)
        if fixed is None:
            continue
        score = _score(fixed)
        if score >= 3 and score > 2 * before and (best is None or score > best[0]):
            best = (score, wrong, right, how)
    if best is None:
        return None
    _, wrong, right, how = best
    fixed = _undo(text, wrong, right)
    if fixed is None:  # a long text with lost characters past its head: line by line
        lines = text.split("\n")
        fixed = "\n".join(_undo(line, wrong, right) or line for line in lines)
    lost = fixed.count("\ufffd")
    note = f"文字编码错乱（{how}后保存），已还原后读取"
    if lost > 0:
        note += f"；有 {lost} 处字符在错乱时已丢失，显示为 �"
    note += "；数值的位置指还原后文字中的位置。"
    return fixed, note


def lost_message(text: str) -> str | None:
    """A message when most of the text's non-ASCII characters are U+FFFD (their bytes were
    lost before the file was saved); None otherwise."""
    head = text[:_SAMPLE]
    lost = head.count("\ufffd")
    if lost < 15:  # under 30 % of the 50 non-ASCII characters asked for below
        return None
    wide = len(head) - len(head.encode("ascii", "ignore"))
    if wide < 50 or lost < 0.3 * wide or _score(head, enough=3) >= 3:
        return None
    return (
        f"文件中 {lost} 个字符已是替换符 �（文件保存之前文字编码已出错，原来的汉字已丢失），"
        "无法读取其中的文字；请取得原始文件（网页原文、PDF 或 DOCX）再读取。"
    )
