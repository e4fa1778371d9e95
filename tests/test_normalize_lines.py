"""The lines normalisation takes away or looks at by their words, found without reading the
text line by line (issue 12: the reading's cost): page numbers by their form in a text of one
page, the report's title repeated as a page's running header, the date line that closes a
report, and a web archive told from a text whose first paragraph is long. Texts generated
from random pieces; each test states what must be found and what must not."""

from __future__ import annotations

import random

import pytest

from nianbao.readers.mhtml import is_mhtml
from nianbao.readers.normalize import _page_numbers, _running_titles, normalize_text

# (a line's text, a page number by its form?) — the form's, indented or not, full-width
# digits folded; a longer line or one with other words is none
_PAGE_LINES = [
    ("— 3 —", True),
    ("-12-", True),
    ("－ 7 －", True),
    ("第 4 页", True),
    ("第5页 共9页", True),
    ("第１２页", True),
    ("第 4 页 以下为表格内容", False),  # (words after it)
    ("| — 3 — |", False),  # (a table's cell)
    ("— 3 — 说明：本页数据来自统计年报", False),
]
_PROSE = [
    "本机关认真贯彻落实《中华人民共和国政府信息公开条例》——全年主动公开政府信息 1234 条。",
    "行政许可\t9487\t-\t—",
    "（一）予以公开 12 件",
    "注：本页统计口径为 2023-01-01 至 2023-12-31。",
    "",
    "   ",
    "二、主动公开政府信息情况",
]
_BLANKS = ["", " ", "  ", "\u3000", "\t", " \u3000 "]


@pytest.mark.parametrize("seed", range(40))
def test_page_numbers_of_one_page_are_the_lines_of_their_form(seed: int) -> None:
    """A text without form feeds: every line that is a page number by its form (alone on
    its line, any blanks around it) is found, line start to line end, and no other line."""
    rng = random.Random(seed)
    lines: list[str] = []
    expected: list[tuple[int, int]] = []
    pos = 0
    for _ in range(rng.randint(1, 40)):
        if rng.random() < 0.3:
            body, is_page = rng.choice(_PAGE_LINES)
            line = rng.choice(_BLANKS) + body + rng.choice(_BLANKS)
        else:
            line, is_page = rng.choice(_PROSE), False
        if is_page:
            expected.append((pos, pos + len(line)))
        lines.append(line)
        pos += len(line) + 1
    text = "\n".join(lines) + rng.choice(["", "\n", "\n\n"])
    assert [(a, b) for a, b, _kind in _page_numbers(text)] == expected
    if expected:  # and normalising takes them away
        kept = {line.strip() for line in normalize_text(text).text.split("\n")}
        assert not any(text[a:b].strip() in kept for a, b in expected)


@pytest.mark.parametrize("seed", range(30))
def test_the_title_repeated_after_the_tables_start_is_a_running_title(seed: int) -> None:
    """The report's title printed again from 二、主动公开 on (a page's running header), at
    a line's start or end, before a form feed or at the text's end without a line break,
    is found; its mentions in prose, and a title before the tables, are not."""
    rng = random.Random(seed)
    title = "青岚县2023年政府信息公开工作年度报告"
    head = f"{title}\n一、总体情况\n本年度报告依据条例编制。\n"
    parts = [head, "二、主动公开政府信息情况\n"]
    pos = len(head) + len(parts[1])
    expected: list[tuple[int, int]] = []
    for _ in range(rng.randint(1, 12)):
        kind = rng.random()
        if kind < 0.35:
            piece = title
            expected.append((pos, pos + len(piece)))
        elif kind < 0.55:
            piece = f"本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。{title}"
        else:
            piece = rng.choice(["行政许可\t12", "三、收到和处理政府信息公开申请情况", "总计 3 件"])
        sep = rng.choice(["\n", "\f", "\n\f"])
        parts.append(piece + sep)
        pos += len(piece) + len(sep)
    text = "".join(parts)
    if rng.random() < 0.5 and text.endswith(("\n", "\f")):
        text = text[:-1]  # (the last line without its break)
    assert [(a, b) for a, b, _kind in _running_titles(text)] == expected


@pytest.mark.parametrize("spaced", [False, True])
def test_the_closing_date_line_is_the_publication_date(spaced: bool) -> None:
    """The last line of a date alone dates the report, blanks inside it or not; a longer
    paragraph ending in a date does not."""
    date = "2024 年 1 月 20 日" if spaced else "2024年1月20日"
    text = (
        "青岚县2023年政府信息公开工作年度报告\n\n一、总体情况\n\n本机关于2023年12月31日前完成"
        "全部公开工作，并于2024年2月1日\n\n青岚县人民政府\n\n" + date + "\n"
    )
    from nianbao.api import parse_document
    from nianbao.readers.dispatch import read_bytes

    report = parse_document(read_bytes(text.encode("utf-8"), "x.txt"), check=False)
    assert report.meta.get("published") == "2024-01-20"


def test_a_long_first_paragraph_is_no_web_archive() -> None:
    """A text whose first paragraph runs long (8 KB, no blank line) is no MHTML file; a web
    archive's headers are one, whatever the case of their words."""
    text = ("Content-Type: text/plain " + "政府信息公开" * 1500).encode("utf-8")
    assert not is_mhtml(text)
    archive = (
        b"From: <Saved by Blink>\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'CONTENT-TYPE: Multipart/Related;\r\n\ttype="text/html";\r\n\tboundary="b"\r\n\r\n--b\r\n'
    )
    assert is_mhtml(archive)
    assert not is_mhtml(archive.replace(b"Related", b"mixed"))
