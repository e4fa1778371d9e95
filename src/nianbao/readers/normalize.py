"""Text normalisation, with a map from normalised offsets back to the original text.

Two jobs:

* :func:`normalize_text` rewrites a whole decoded report (pinyin glosses, traditional →
  simplified, full-width digits, odd spaces, zero-width characters, markdown marks, conversion
  debris, page footers, the report's title repeated as a page's running header) and returns
  the new text, an :class:`OffsetMap` back to the original, the script and the list of
  artefacts it stripped.
* :func:`key` folds a label for matching (script, width, punctuation and spacing removed).

Over 500 lines because every rewrite must keep the offset map, and the page furniture a copy
of a PDF leaves among the tables' cells (page numbers counted by the pages before and after
the tables, their indents compared, or printed unlike the tables' cells; running titles) and the breaks left where it is taken
away are told from cells here, in one pass over the text's lines with the text's pages and
blank lines in view.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache

from .document import OffsetMap

__all__ = [
    "NormalizedText",
    "fold_chars",
    "fold_radicals",
    "normalize_text",
    "key",
    "simplify",
    "to_simplified",
    "strip_glosses",
    "CJK",
    "NOTE",
    "drop_notes",
]

CJK = "\u3400-\u9fff"
_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# 發(fā)布: a tone-marked pinyin reading after a CJK character (a converter's gloss). Requiring
# a tone mark keeps real brackets such as 第(一)项, (PDF), (单位:万元). (The CJK character
# before the bracket is looked behind from the bracket: a search then tries the brackets
# only, not every position.)
PINYIN_GLOSS = re.compile(
    rf"[(（](?<=[{CJK}][(（])(?=[^()（）]*[{_TONES}])[a-zü{_TONES}]{{1,7}}[)）]"
)
# the opening of such a gloss: a text without one holds none (found much faster than glosses)
_GLOSS_OPENS = (
    re.compile(rf"\((?=[a-zü{_TONES}])"),
    re.compile(rf"（(?=[a-zü{_TONES}])"),
)

# a note (注：…。, 注1：…, 说明：…, 备注：…, 附注：…): the compiler's remark, up to its
# sentence's end (or its line's, when that is near: a flat copy's note without a 。 could
# run over the table), never over a cell's bounds (| or a tab) or a label's ordinal (四、,
# （一）, 1.: the next row or heading of a copy that lost its line breaks). Whatever words of
# the form it holds (部分公开的申请已区分处理), it is no row's label. Not the end of another
# word (关注：, 情况说明：, 予以说明：).
_NOTE_CHAR = (
    r"(?:(?![一二三四五六七八九十]、|[（(][一二三四五六七八九十][）)]|\d[.．](?!\d))[^。\n|｜\t])"
)
NOTE = re.compile(
    r"(?<![关批标加脚旁评译校以出作况面行细补])(?:注|说明|备注|附注)[ \t\u3000]*[\d①-⑩]{0,2}"
    rf"[ \t\u3000]*[：:](?:{_NOTE_CHAR}{{0,200}}。|{_NOTE_CHAR}{{0,60}}(?=[\n|｜\t]|$))"
)


# what every note (:data:`NOTE`) opens with: its word, then its colon
_NOTE_OPENING = re.compile(r"(?:注|说明)[ \t\u3000]*[\d①-⑩]{0,2}[ \t\u3000]*[：:]")


def drop_notes(text: str) -> str:
    """``text`` with its notes (:data:`NOTE`) blanked out (offsets kept)."""
    # (NOTE is tried only where a note may open: scanning the whole text with it cost a
    # text's reading as much as some of its stages)
    for word in ("注", "说明"):
        i = text.find(word)
        while i >= 0:
            if _NOTE_OPENING.match(text, i):
                return NOTE.sub(lambda m: " " * len(m.group()), text)
            i = text.find(word, i + 1)
    return text


_converter = None


def _opencc():  # lazily: building the converter costs a few ms
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return _converter


_SURROGATE = re.compile("[\ud800-\udfff]")


def to_simplified(text: str) -> str:
    try:
        return _opencc().convert(text)
    except UnicodeEncodeError:
        # a lone surrogate (from &#55296; or a broken decoder) cannot be encoded for OpenCC:
        # it becomes U+FFFD, one character for one, so that offsets do not move
        return _opencc().convert(_SURROGATE.sub("\ufffd", text))


def strip_glosses(text: str) -> str:
    return PINYIN_GLOSS.sub("", text)


# 1:1 character folding (no length change): full-width digits/letters, odd spaces.
_FOLD = {i: i - 0xFEE0 for i in range(0xFF10, 0xFF1A)}  # ０-９
_FOLD.update({i: i - 0xFEE0 for i in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FOLD.update({i: i - 0xFEE0 for i in range(0xFF41, 0xFF5B)})  # ａ-ｚ
for _sp in ("\u00a0", "\u3000", "\u2002", "\u2003", "\u2009", "\u202f", "\u205f", "\u1680"):
    _FOLD[ord(_sp)] = ord(" ")
# the full-width decimal point and plus sign, and the minus sign (１５１５．２５, ＋3, −2)
_FOLD[ord("\uff0e")] = ord(".")
_FOLD[ord("\uff0b")] = ord("+")
_FOLD[ord("\u2212")] = ord("-")
_FOLD[ord("\u2028")] = ord("\n")
_FOLD[ord("\u2029")] = ord("\n")
_FOLD[ord("\x0b")] = ord("\n")
_FOLD[ord("\x0c")] = ord("\n")

_FOLD_CHARS = {chr(a): chr(b) for a, b in _FOLD.items()}
# any character folding changes
_FOLDED = re.compile("[" + "".join(re.escape(chr(a)) for a in sorted(_FOLD)) + "]")


def fold_chars(text: str) -> str:
    """The 1:1 folding ``normalize_text`` applies to a whole text (full-width digits,
    letters, decimal point and signs, odd spaces), for a cell read from HTML, DOCX or PDF."""
    return text.translate(_FOLD)


_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}]")
_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]{0,80}\]")
# (marks with words after them: a # alone on its line is a cell's residue, kept as it is)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*(?=[^\s#|｜])", re.M)
_MD_BOLD = re.compile(r"\*\*|__(?=\S)|(?<=\S)__")
_MD_LINK = re.compile(r"\[([^\]\n]{0,200})\]\((?:https?://|www\.)[^)\s]{0,300}\)")
_ANGLE_URL = re.compile(r"<((?:https?://|www\.)[^>\s]{1,300})>")
# a Markdown converter's escape inside a number (mammoth: 1515\.2592, \-3; 2\.其他): the
# backslash goes, the number stays
# a Markdown block quote's marks (``> ``, nested ``>> ``) at the starts of lines: stripped
# when most of the text's lines carry one (a page copied as a quote), never one line's
_MD_QUOTE = re.compile(r"^[ \t]{0,3}(?:>[ ]?)+", re.M)
_MD_QUOTE_LINE = re.compile(r"^[ \t]{0,3}>", re.M)
_MD_ESCAPE = re.compile(r"(?<=\d)\\(?=\.)|\\(?=[-+]\d)")
# a page number by its form alone: — 3 —, - 3 - (a footer), 第 3 页, 第3页 共8页
_PAGE_DASHED = re.compile(r"[—–\-－]{1,2} *\d{1,3} *[—–\-－]{1,2}")
_PAGE_WORDED = re.compile(r"第 *\d{1,3} *页(?: *[/，,]? *共 *\d{1,3} *页)?")
_PAGE_BARE = re.compile(r"\d{1,3}")
_PAGE_MARKS = re.compile("[—–\\-－页]")  # (without one of them, no page number by form)
_LINE_BREAKS = "\n\f"
_PAGE_BREAK = re.compile("(?<=\n)\f")
# a line of a bare number of up to three digits (the line break before it not taken: two
# such lines in a row are both found)
_BARE_LINE = re.compile(r"(?:(?<=\n)|\A)[ \t\u3000]*(\d{1,3})[ \t\u3000]*(?=\n|\Z)")
_BLANKS = " \t\n\f"
_AROUND_PAGE = "\n\f"  # what goes with a page number's line (``_drop_page_numbers``)
# a line break tag left in text by a crawler or a Markdown converter (行政事<br>业性收费)
_HTML_BR = re.compile(r"<br\s*/?>", re.I)
_HTML_ENTITY = re.compile(r"&(nbsp|amp|lt|gt|quot|#\d{2,5});")
_ENTITIES = {"nbsp": " ", "amp": "&", "lt": "<", "gt": ">", "quot": '"'}

_TRADITIONAL_MIN_CHANGED = 12
_CJK_RE = re.compile(f"[{CJK}]")


@dataclass
class NormalizedText:
    text: str
    offset_map: OffsetMap
    script: str = "simplified"
    artifacts: list[str] = field(default_factory=list)
    # line breaks kept where a page number's line was taken away, how many of them were
    # the text's own a guess: (start, end, the most they may stand for) in ``text``
    page_breaks: list[tuple[int, int, int]] = field(default_factory=list)
    # bare numbers among the tables that may be page numbers, or cells: (start, end) in
    # ``text`` (``_page_suspects``; the form reading decides)
    page_suspects: list[tuple[int, int]] = field(default_factory=list)
    # the numbers of the pages whose number was found and taken away
    page_numbers: list[int] = field(default_factory=list)


def _sub(
    pattern: re.Pattern[str],
    repl: Callable[[re.Match[str]], str],
    text: str,
    parent: OffsetMap | None,
) -> tuple[str, OffsetMap | None, int]:
    """re.sub that also records how offsets move; returns (text, map, count)."""
    parts: list[str] = []
    anchors: list[tuple[int, int]] = [(0, 0)]
    last = 0
    new_len = 0
    n = 0
    for m in pattern.finditer(text):
        rep = repl(m)
        if rep == m.group(0):
            continue
        n += 1
        seg = text[last : m.start()]
        parts.append(seg)
        new_len += len(seg)
        anchors.append((new_len, m.start()))
        parts.append(rep)
        new_len += len(rep)
        anchors.append((new_len, m.end()))
        last = m.end()
    if not n:
        return text, parent, 0
    parts.append(text[last:])
    return "".join(parts), OffsetMap(anchors, parent), n


def normalize_text(original: str) -> NormalizedText:
    """Normalise a decoded report. Offsets in the result map back through ``offset_map``."""
    artifacts: list[str] = []
    omap: OffsetMap | None = None
    text = original
    if "\r" in text:
        text, omap, _ = _sub(re.compile(r"\r\n?"), lambda m: "\n", text, omap)
    if ">" in text and _quoted(text):
        text, omap, n = _sub(_MD_QUOTE, lambda m: "", text, omap)
        if n:
            artifacts.append("Markdown 引用符号 >")

    if "<" in text:
        # (before the page numbers are looked for: a page's number on a line of its own
        # ends in the <br> every line of such a copy ends in)
        text, omap, n = _sub(_HTML_BR, lambda m: _br(text, m.start(), m.end()), text, omap)
        if n:
            artifacts.append("HTML 换行标记 <br>")

    glosses = 0
    if any(opening.search(text) for opening in _GLOSS_OPENS):
        text, omap, glosses = _sub(PINYIN_GLOSS, lambda m: "", text, omap)
    text, changed = _simplify_in_place(fold_radicals(text))
    script = _script(text, changed, glosses)

    guessed: list[tuple[int, int, int]] = []  # (original offset, breaks kept, most)
    found = _running_titles(text)
    if "\f" in text or _PAGE_MARKS.search(text) or _BARE_LINE.search(text):
        found = sorted(found + _page_numbers(text))
        # (a page number beside a running head found by both: once)
        found = [f for i, f in enumerate(found) if i == 0 or f[0] >= found[i - 1][1]]
    # bare numbers among the tables that may be page numbers (original offsets)
    found, suspects = _page_suspects(text, found)
    maybe = [(omap(a) if omap else a, e - a) for a, e in suspects]
    numbered = sorted(
        {
            int(d.group())
            for s, e, kind in found
            if kind != _RUNNING_TITLE
            for d in [re.search(r"\d{1,3}", fold_chars(text[s:e]))]
            if d
        }
    )
    if found:
        text, omap, kinds, spots = _drop_page_numbers(text, omap, found)
        artifacts += kinds
        guessed = [(omap(at) if omap else at, n, most) for at, n, most in spots]
    if "\f" in text:
        # a page break after a line's end (pdftotext's, between pages) is no line: as a
        # line break it parted a row's cells by more than its other cells (a blank cell)
        text, omap, _ = _sub(_PAGE_BREAK, lambda m: "", text, omap)
    # each character present replaced everywhere in turn (none folds into one that folds;
    # one for one: the characters before the one found stay where they were)
    m = _FOLDED.search(text)
    while m is not None:
        src = m.group()
        text = text.replace(src, _FOLD_CHARS[src])
        m = _FOLDED.search(text, m.start())
    if any(ch in text for ch in _ZERO_WIDTH_CHARS):
        text, omap, _ = _sub(_ZERO_WIDTH, lambda m: "", text, omap)

    text, omap, n = _sub(_BOOKMARK, lambda m: "", text, omap)
    if n:
        artifacts.append("[bookmark: …] 书签残留")
    text, omap, n = _sub(_HTML_ENTITY, lambda m: _entity(m.group(1)), text, omap)
    if n:
        artifacts.append("HTML 实体字符")
    text, omap, n = _sub(_MD_LINK, lambda m: m.group(1), text, omap)
    text, omap, n2 = _sub(_ANGLE_URL, lambda m: m.group(1), text, omap)
    if n or n2:
        artifacts.append("Markdown 链接标记")
    # (the patterns below searched only in a text holding the marks they need)
    if "#" in text:
        text, omap, n = _sub(_MD_HEADING, lambda m: "", text, omap)
        if n:
            artifacts.append("Markdown 标题符号 #")
    if "**" in text or "__" in text:
        text, omap, n = _sub(_MD_BOLD, lambda m: "", text, omap)
        if n:
            artifacts.append("Markdown 加粗符号 **")
    if "\\" in text:
        text, omap, n = _sub(_MD_ESCAPE, lambda m: "", text, omap)
        if n:
            artifacts.append("Markdown 转义符 \\")
    final = omap or OffsetMap()
    breaks = []
    for at, n, most in guessed:
        # (the offset map is monotone: the first offset of the text that maps to ``at``)
        q = bisect_left(range(len(text)), at, key=final)
        if text[q : q + n] == "\n" * n:
            breaks.append((q, q + n, most))
    suspects = []
    for at, n in maybe:
        q = bisect_left(range(len(text)), at, key=final)
        if text[q : q + n].isdigit():
            suspects.append((q, q + n))
    return NormalizedText(text, final, script, artifacts, breaks, suspects, numbered)


def _quoted(text: str) -> bool:
    """True when most of the text's lines (and at least ten) start with a Markdown block
    quote's mark."""
    quoted = len(_MD_QUOTE_LINE.findall(text))
    if quoted < 10:
        return False
    lines = sum(1 for line in text.split("\n") if line.strip())
    return quoted * 2 >= lines


def _page_numbers(text: str) -> list[tuple[int, int, str]]:
    """The lines of ``text`` that are page numbers: (start, end, kind). A line of a page
    number's form (— 3 —, 第 3 页) anywhere; a bare number only at a page's head or foot
    (next to a form feed, which ``pdftotext`` prints between pages) and in step with its
    page: its number less its page's count the same for at least two pages (or the one
    such line numbering its own page; all at the pages' feet or all at their heads), else
    it may be a table's cell and stays."""
    lines: list[tuple[int, int, int, str]] = []  # (start, end, page, folded text)
    if "\f" not in text and not _PAGE_MARKS.search(text):
        # one page and no number of a page's form: only bare numbers between the tables
        # may be page numbers (``_pages_between``), which needs no other line
        for m in _BARE_LINE.finditer(text):
            body = fold_chars(m.group(1))
            if _PAGE_BARE.fullmatch(body):
                lines.append((m.start(1), m.end(1), 1, body))
        return sorted(_pages_between(text, lines))
    if "\f" not in text:
        return _one_page_numbers(text)
    page = 1
    start = 0
    for m in re.finditer("[\n\f]|\\Z", text):
        body = text[start : m.start()].strip()
        if len(body) <= 16:
            # folded (the folding keeps blanks blank and the rest not: the same as folding,
            # then stripping); a longer line is no page number and its text is not read
            body = fold_chars(body)
        if body:
            lines.append((start, m.start(), page, body))
        if m.group() == "\f":
            page += 1
        start = m.end()
        if m.end() >= len(text):
            break
    found: list[tuple[int, int, str]] = []
    marked: set[int] = set()  # pages whose number a line of its form gives
    bare: list[tuple[int, int, int, bool, int]] = []  # (start, end, page, at the foot, step)
    for i, (a, b, pg, body) in enumerate(lines):
        if len(body) > 16:
            continue
        if _PAGE_DASHED.fullmatch(body):
            found.append((a, b, "页码页脚（— n —）"))
            marked.add(pg)
        elif _PAGE_WORDED.fullmatch(body):
            found.append((a, b, "页码（第 n 页）"))
            marked.add(pg)
        elif _PAGE_BARE.fullmatch(body):
            head = i == 0 and pg > 1 or i > 0 and lines[i - 1][2] < pg
            foot = i + 1 < len(lines) and lines[i + 1][2] > pg or i + 1 == len(lines) and page > pg
            if head != foot:
                bare.append((a, b, pg, foot, int(body) - pg))
    if page == 1 and not marked:
        found += _pages_between(text, lines)
    # one number a page, at the same place on every page and in step: the largest such set
    # (a page numbered by its form takes none; a cell at a page's head equal to its page's
    # number is no page number where the others stand at the feet)
    groups = Counter((foot, d) for _a, _b, pg, foot, d in bare if pg not in marked)
    if groups:
        (where, step), n = groups.most_common(1)[0]
        if n >= 2 or (len(bare) == 1 and step == 0):
            for a, b, pg, foot, d in bare:
                if pg not in marked and (foot, d) == (where, step):
                    found.append((a, b, _AT_BREAK))
    return sorted(found)


def _one_page_numbers(text: str) -> list[tuple[int, int, str]]:
    """``_page_numbers`` of a text without form feeds (one page): no bare number stands at
    a page's head or foot, so only the short lines can be page numbers, found without a
    look at the others (a line of a page number's form; else the bare numbers between the
    tables that ``_pages_between`` counts)."""
    lines: list[tuple[int, int, int, str]] = []  # (start, end, page, folded text)
    found: list[tuple[int, int, str]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        body = line.strip()
        if body and len(body) <= 16:
            if _FOLDED.search(body):
                body = fold_chars(body)
            lines.append((start, end, 1, body))
            if _PAGE_DASHED.fullmatch(body):
                found.append((start, end, "页码页脚（— n —）"))
            elif _PAGE_WORDED.fullmatch(body):
                found.append((start, end, "页码（第 n 页）"))
        start = end + 1
    if not found:
        found = _pages_between(text, lines)
    return sorted(found)


# a line of a bare number, after a line break or a page break (pdftotext opens a page's
# first line with the form feed)
_BARE_PAGE_LINE = re.compile(r"(?:(?<=[\n\f])|\A)[ \t\u3000]*(\d{1,3})[ \t\u3000]*(?=[\n\f]|\Z)")
_BARE_LINE = re.compile(
    r"^[ \t\u3000]*(\d{1,3})[ \t\u3000]*$", re.M
)  # (the same, without \f: 3× faster)
# how far a page's number may stand from the page's count (a cover, a contents page unnumbered;
# a report numbered from 2 or 3)
_PAGE_STEPS = range(-3, 6)
_PAGES_AHEAD = 4  # pages between the page numbers before and after the tables, at most


def _page_suspects(
    text: str, found: list[tuple[int, int, str]]
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """The bare numbers among the tables that may be page numbers: those in the pages'
    sequence (``_sequence_suspects``) and those printed unlike the tables' numbers
    (``_foreign_numbers``); and ``found`` as ``_sequence_suspects`` leaves it, with the
    numbers printed unlike the tables' that are each a line more than their rows' cells
    where two or more are (pages numbered in order, printed as no cell of the copy is:
    page numbers, taken away as those found are). Where the tables from 二 on tell none
    apart, those from 三 on are asked (表二's cells printed bare, 表三's all marked)."""
    found, suspects = _sequence_suspects(text, found)
    a = _TABLES_FROM.search(text)
    if a is None:
        return found, suspects
    taken = {s for s, _e, _k in found}
    apart, near, extra = _foreign_numbers(text, a.start())
    three = _TABLES_THREE.search(text, a.end())
    if not (apart or near or extra) and three is not None:
        # (表二's cells printed bare, its numbers small, where 表三's and 表四's all carry
        # a mark: the numbers printed unlike those of the tables from 表三 on)
        apart, near, extra = _foreign_numbers(text, three.start())
    apart = [x for x in apart if x[0] not in taken]
    near = [x for x in near if x[0] not in taken]
    extra = [x for x in extra if x[0] not in taken]
    if apart:
        # (the tables' own numbers carry a mark these lack: a number in the pages' step
        # printed as the tables' numbers are is a cell)
        suspects = [x for x in suspects if x in apart or x in near]
    if len(extra) >= _FOREIGN_DROPPED:
        # (two lines more than their rows' cells: page numbers; the others may be cells
        # that lost their mark, read both ways)
        spans = set(extra)
        found = sorted(found + [(s, e, _FOREIGN) for s, e in extra])
        return found, sorted((set(suspects) | set(apart) | set(near)) - spans)
    return found, sorted(set(suspects) | set(apart) | set(near))


# a line of one number among the tables: its indent (a page break's form feed aside) and a
# ruling mark after it (a copy of one cell a line writes ``0 |``)
_NUMBER_LINE = re.compile(
    r"\f?(?P<indent>[ \t\u3000]*)(?P<n>\d{1,7}(?:\.\d+)?)(?P<mark>[ \t\u3000]*[|｜][ \t\u3000]*)?"
)
_BARE_ANY = re.compile(r"(?m)^\f?\d{1,7}(?:\.\d+)?$")  # a line of a number alone, unmarked
# a label closed by a ruling mark (a copy of one cell a line writes ``自然人 |``)
_MARKED_LABEL = re.compile(r"[^|｜\d]*[^\s|｜\d][^|｜]*[ \t\u3000]*[|｜][ \t\u3000|｜]*")
_RULE_LINE = re.compile(r"\f?[ \t\u3000]*[|｜]+[ \t\u3000]*")  # a line of ruling marks alone
_FOREIGN_MOST = 8  # the most bare numbers printed unlike the tables' that may be pages'
_FOREIGN_FEWEST_PAGES = (
    2  # pages numbered among the cells, at least: one number alone is no sequence
)
_FOREIGN_DROPPED = 2  # as many of them a line more than their rows' cells: page numbers
_FOREIGN_SHARE = 3  # the tables' own numbers at least this many times as many
_FOREIGN_FEWEST = 12  # and at least this many


def _foreign_numbers(
    text: str, lo: int
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]:
    """The bare numbers among the tables (from ``lo``, sections 二 to 四) printed unlike
    the tables' own numbers: where the tables' lines of one number all carry a mark (an
    indent of tabs or spaces, a ruling mark after it: ``\t606``, ``  0``, ``0 |``; or a
    line of ruling marks alone before and after it, ``|`` / ``0`` / ``|``), a number on a
    line of its own without one is no cell of that copy but what the copy's pages print
    (pdftotext's page number in a copy whose cells it did not make). Only a few of them,
    each one or two more than the one before (pages in order), the tables' own numbers
    several times as many. Returns (start, end) of those that stand apart, of those next
    to another such number (a page's number beside a cell it pushed out of its place:
    which is the page's the form reading decides), and of those apart that are a line
    more than their rows' cells (``_lines_more``; not a cell that lost its mark), where
    each stands a page after the one before (a page break between them, else
    ``_PAGE_LINES`` lines: not 5, 6 and 7 of 行政许可, 行政处罚 and 行政强制, rows of one
    cell a few lines apart that lost their mark)."""
    b = _TABLES_TO.search(text, lo)
    if b is None:
        four = _TABLES_FOUR.search(text, lo)
        b = _TABLES_FIVE.search(text, four.end()) if four else None
    hi = b.start() if b else len(text)
    if not _BARE_ANY.search(text, lo, hi):
        return [], [], []  # (no line of a number alone: none printed unlike the cells)
    lines: list[tuple[int, str]] = []  # (start, line) of the tables' lines
    at = text.rfind("\n", 0, lo) + 1
    for line in text[at:hi].split("\n"):
        lines.append((at, line))
        at += len(line) + 1
    shapes: Counter[tuple[bool, bool, bool, bool]] = Counter()
    bare: list[tuple[int, int, int, int, bool]] = []  # (start, end, number, line, ruled)
    for k, (start, line) in enumerate(lines):
        m = _NUMBER_LINE.fullmatch(line)
        if m is None:
            continue
        indent, mark = m.group("indent"), bool(m.group("mark"))
        # (between two lines of ruling marks: a cell of a copy that rules its cells apart)
        ruled = (
            not indent
            and not mark
            and 0 < k < len(lines) - 1
            and all(_RULE_LINE.fullmatch(lines[x][1]) for x in (k - 1, k + 1))
        )
        shape = ("\t" in indent, bool(indent), mark, ruled)
        shapes[shape] += 1
        if not indent and not mark and _PAGE_BARE.fullmatch(m.group("n")):
            a = start + m.start("n")
            bare.append((a, a + len(m.group("n")), int(m.group("n")), k, ruled))
    if not shapes:
        return [], [], []
    ((dominant, _n),) = shapes.most_common(1)
    if dominant == (False, False, False, False):
        return [], [], []  # the tables' numbers printed bare: nothing tells a page's apart
    bare = [x for x in bare if (False, False, False, x[4]) != dominant]
    n = shapes[dominant]
    if not bare or len(bare) > _FOREIGN_MOST:
        return [], [], []
    if n < max(_FOREIGN_SHARE * len(bare), _FOREIGN_FEWEST) or n * 10 < 9 * (
        sum(shapes.values()) - len(bare)
    ):
        return [], [], []
    plain = {k for _s, _e, x, k, _r in bare if x >= 1}

    def beside(k: int) -> bool:
        # the nearest lines with text before and after it: another bare number of 1 or more
        for step in (-1, 1):
            x = k + step
            while 0 <= x < len(lines) and not lines[x][1].strip():
                x += step
            if x in plain:
                return True
        return False

    apart = [(s, e, x, k) for s, e, x, k, _r in bare if x >= 1 and not beside(k)]
    numbers = [x for _s, _e, x, _k in apart]
    # (page after page: one more each, or two where a page's number was taken at its break)
    if len(apart) < _FOREIGN_FEWEST_PAGES or any(
        not 1 <= y - x <= 2 for x, y in zip(numbers, numbers[1:])
    ):
        return [], [], []
    near = [(s, e) for s, e, x, k, _r in bare if k in plain and beside(k) and x <= numbers[-1] + 2]
    more = _lines_more(lines, {k for *_x, k, _r in bare})

    def amid(k: int) -> bool:
        # between two labels closed by their ruling marks, the nearest lines on each side:
        # inside a header (自然人 | / 3 / 法人或其他组织 |), where no cell of a copy whose
        # cells carry a mark stands unmarked (pages in step, below, as for a line more
        # than its row's cells)
        near_lines = []
        for step in (-1, 1):
            x = k + step
            while 0 <= x < len(lines) and not lines[x][1].strip():
                x += step
            near_lines.append(lines[x][1] if 0 <= x < len(lines) else "")
        return all(_WORDY.search(x) and _MARKED_LABEL.fullmatch(x) for x in near_lines)

    extra = [(s, e, k) for s, e, _x, k in apart if more(k) or amid(k)]

    def paged(x: int, y: int) -> bool:
        # a page break between them, else as many lines as a page's, at least
        if "\f" in text:
            return any("\f" in lines[i][1] for i in range(x + 1, y + 1))
        return y - x >= _PAGE_LINES

    if not all(paged(x, y) for (*_a, x), (*_b, y) in zip(extra, extra[1:])):
        # (page after page: 5, 6 and 7 of 行政许可, 行政处罚 and 行政强制 that lost their
        # mark stand a few lines apart, on one page)
        extra = []
    return [(s, e) for s, e, _x, _k in apart], near, [(s, e) for s, e, _k in extra]


_PADDING_MOST = 2  # blank lines that may come with a page number's line
_PAGE_LINES = 20  # lines between two pages' numbers of a copy of one cell a line, at least


def _lines_more(lines: list[tuple[int, str]], odd: set[int]) -> Callable[[int], bool]:
    """Does the line ``k`` of ``lines`` stand beside a row's cells, not in one's place? The
    lines between two lines of text (a row's cells, with its blank and ruling lines) come
    in a few shapes in a table copied one cell a line (``_stretch``: its lines with
    something, its blank lines); where the stretch holding line ``k`` (one of the lines ``odd``) is one
    of those shapes with it, it may hold a cell that lost its mark; where it is one only
    without the line and the blank lines beside it (its padding), it is a line more than
    the row's cells: a page's. Blank lines count as its padding only beside it (a row of
    three cells and a blank line, 0 2 0 of 规章, is no row of one cell, a blank line, a page
    number and its padding: the count of lines alone took 2 for a page's)."""
    texts = [k for k, (_s, line) in enumerate(lines) if _WORDY.search(line)]
    stretch: dict[int, tuple[int, int]] = {}
    gaps = list(zip([-1, *texts], [*texts, len(lines)]))
    for a, b in gaps:
        for k in range(a + 1, b):
            stretch[k] = (a, b)
    held = {stretch[k] for k in odd if k in stretch}
    # (two lines of text one after the other too: two labels of a table's head)
    shapes = {ab: _stretch(lines, *ab) for ab in gaps}
    counts = Counter(shape for ab, shape in shapes.items() if ab not in held)
    usual = {n for n, c in counts.items() if c >= 2}

    def more(k: int) -> bool:
        if k not in stretch:
            return False
        filled, blanks = shapes[stretch[k]]
        if (filled, blanks) in usual:
            return False
        pad = 0  # the blank lines beside it
        for step in (-1, 1):
            x = k + step
            while x in stretch and stretch[x] == stretch[k] and _blank(lines[x][1]):
                pad += 1
                x += step
        return any((filled - 1, blanks - j) in usual for j in range(min(pad, _PADDING_MOST) + 1))

    return more


def _blank(line: str) -> bool:
    """A line of nothing (a page break aside): no cell (a tab alone is a blank cell)."""
    return not line.strip(" \f")


def _stretch(lines: list[tuple[int, str]], a: int, b: int) -> tuple[int, int]:
    """The lines between the lines ``a`` and ``b`` of ``lines``: how many hold something (a
    cell, a blank cell's tab or pipe, ruling marks) and how many nothing."""
    blanks = sum(1 for _s, line in lines[a + 1 : b] if _blank(line))
    return b - a - 1 - blanks, blanks


_WORDY = re.compile(rf"[{CJK}A-Za-z]")


def _sequence_suspects(
    text: str, found: list[tuple[int, int, str]]
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """The bare numbers among the tables (sections 二 to 四) that may be page numbers, not
    known to be: (start, end) of each; and ``found`` without the bare numbers at pages'
    heads or feet among the tables that the pages' sequence does not number. A page number
    printed bare in a copy's reading order stands anywhere on its page (pdftotext printed 2
    after 行政许可's label, before its 9487), where a table's cell may stand too.
    With form feeds: the pages' sequence is the step (a page's number less its count) of
    two pages or more numbered outside the tables (by a number of a page number's form, or
    a bare number before or after the tables: no cell's), the step most pages show, else
    the one step in which every page holds a number (``_every_page``); the bare numbers
    among the tables in that step on a page whose number is not found (nor printed bare
    outside the tables) are suspects, and two cells at pages' heads in a step of their own
    (0 and 1 heading pages 2 and 3, where 1 and 5 number pages 1 and 5) are cells. Without
    form feeds: the bare numbers between the last page number before the tables and the
    first after them, where both are found and at most five pages apart (one number alone,
    on one side, is no page sequence: it may be a stray 1 of a crawled page's list of
    pages). Which of the suspects are page numbers the form reading decides
    (``extraction.form.pages``)."""
    a = _TABLES_FROM.search(text)
    if a is None:
        return found, []
    b = _TABLES_TO.search(text, a.end())
    if b is None:
        # (五's heading in other words: the first 五、 opening a line after 四's heading)
        four = _TABLES_FOUR.search(text, a.end())
        b = _TABLES_FIVE.search(text, four.end()) if four else None
    lo, hi = a.start(), b.start() if b else len(text)
    feeds = [m.start() for m in re.finditer("\f", text)]
    taken = {(s, e) for s, e, kind in found if kind != _RUNNING_TITLE}
    marks: list[tuple[int, int, int, str]] = []  # (start, page, number, kind) found
    for s, e, kind in found:
        digits = re.search(r"\d{1,3}", fold_chars(text[s:e]))
        if kind != _RUNNING_TITLE and digits:
            marks.append((s, bisect_left(feeds, s) + 1, int(digits.group()), kind))
    if not feeds and not any(not lo <= m[0] < hi for m in marks):
        # without page breaks only page numbers before and after the tables count the pages
        outside = (m for part in (text[:lo], text[hi:]) for m in _BARE_LINE.finditer(part))
        if not any(_PAGE_BARE.fullmatch(fold_chars(m.group(1))) for m in outside):
            return found, []
    bare: list[tuple[int, int, int, int]] = []  # (start, end, page, number)
    for m in (_BARE_PAGE_LINE if feeds else _BARE_LINE).finditer(text):
        body = fold_chars(m.group(1))
        if _PAGE_BARE.fullmatch(body) and (m.start(1), m.end(1)) not in taken:
            bare.append((m.start(1), m.end(1), bisect_left(feeds, m.start(1)) + 1, int(body)))
    inside = [(s, e, pg, n) for s, e, pg, n in bare if lo <= s < hi]
    if feeds:
        # (a bare number found at a page's break among the tables may be a cell)
        sure_marks = [(pg, n) for s, pg, n, kind in marks if kind != _AT_BREAK or not lo <= s < hi]
        sure_bare = [(pg, n) for s, _e, pg, n in bare if not lo <= s < hi and n >= 1]
        hits: dict[int, set[int]] = {}
        for d in _PAGE_STEPS:
            sure = {pg for pg, n in sure_marks + sure_bare if n - pg == d}
            if len(sure) >= 2:
                maybe = {pg for s, _e, pg, n in inside if n - pg == d and n >= 1}
                hits[d] = sure | maybe | {pg for _s, pg, n, _k in marks if n - pg == d}
        most = max((len(p) for p in hits.values()), default=0)
        steps = {d for d, p in hits.items() if len(p) == most} or _every_page(text, bare, marks)
        if not steps:
            return found, []
        astray = {s for s, pg, n, kind in marks if kind == _AT_BREAK and n - pg not in steps}
        # (a number found at a page's break among the tables, where its page holds another
        # bare line of that number among them: either is the page's, the other a cell. A
        # copy of one cell a line broke its page before a cell 3 of page 3, whose number
        # stood further down: the cell was dropped for the page's, the page's read as a
        # cell, and both rows' sums blamed)
        astray |= {
            s
            for s, pg, n, kind in marks
            if kind == _AT_BREAK
            and lo <= s < hi
            and _ruled(text, s)
            and any(p == pg and k == n for _a, _b, p, k in inside)
        }
        numbered = {pg for s, pg, _n, _k in marks if s not in astray}
        # (and a page whose number in the step stands bare outside the tables)
        numbered |= {pg for s, _e, pg, n in bare if not lo <= s < hi and n - pg in steps}
        suspects = [(s, e) for s, e, pg, n in inside if n - pg in steps and pg not in numbered]
        # (the cells taken for page numbers are read both ways too, as they may be either)
        suspects += [(s, e) for s, e, _k in found if s in astray]
        return [f for f in found if f[0] not in astray], sorted(suspects)
    if not inside:
        return found, []
    # no page breaks: counted by the page numbers before and after the tables
    outer = [(s, n) for s, _e, _pg, n in bare if not lo <= s < hi]
    outer += [(s, n) for s, _pg, n, _k in marks if not lo <= s < hi]
    p = max(((s, n) for s, n in outer if s < lo), default=None)
    q = min(((s, n) for s, n in outer if s >= hi), default=None)
    # (both: a single bare number before or after the tables, a page's "1" of a list of
    # pages crawled with the report, made every 2, 3 and 4 among the cells a suspect, and
    # rows read right were unread)
    if p is None or q is None or not 2 <= q[1] - p[1] <= _PAGES_AHEAD + 1:
        return found, []
    first, last = p[1] + 1, q[1] - 1
    # (a page whose number is found has no other)
    known = {n for _s, _pg, n, _k in marks}
    return found, [(s, e) for s, e, _pg, n in inside if first <= n <= last and n not in known]


def _ruled(text: str, at: int) -> bool:
    """Whether the line of ``at`` stands between two lines of ruling marks alone (``|`` /
    ``3`` / ``|``: a cell of a copy that rules its cells apart), a form feed aside."""
    a = text.rfind("\n", 0, at)
    b = text.find("\n", at)
    if a < 0 or b < 0:
        return False
    before = text[text.rfind("\n", 0, a) + 1 : a]
    e = text.find("\n", b + 1)
    after = text[b + 1 : e if e >= 0 else len(text)]
    return all(_RULE_LINE.fullmatch(x) is not None for x in (before, after))


_EVERY_PAGE_FEWEST = 3  # pages, each numbered in one step, that tell the pages' sequence


def _every_page(
    text: str, bare: list[tuple[int, int, int, int]], marks: list[tuple[int, int, int, str]]
) -> set[int]:
    """The pages' step where no two pages outside the tables are numbered: the one step
    (a page's number less its count) in which every page with text (three or more) holds a
    number (a bare line or a mark), where only one step does (pdftotext printed each page's
    number among the tables' cells, none at a page's head or foot)."""
    pages = {k + 1 for k, page in enumerate(text.split("\f")) if page.strip()}
    if len(pages) < _EVERY_PAGE_FEWEST:
        return set()
    held = [(pg, n) for _s, _e, pg, n in bare if n >= 1] + [(pg, n) for _s, pg, n, _k in marks]
    steps = {d for d in _PAGE_STEPS if pages <= {pg for pg, n in held if n - pg == d}}
    return steps if len(steps) == 1 else set()


_TABLES_FROM = re.compile(r"二\s*、\s*主\s*动\s*公\s*开")
_TABLES_THREE = re.compile(r"三\s*、\s*收\s*到\s*和\s*处\s*理")
_TABLES_TO = re.compile(r"五\s*、\s*(?:政府信息公开工作)?存在")
_TABLES_FOUR = re.compile(r"四\s*、\s*政府信息公开行政复议")
_TABLES_FIVE = re.compile(r"(?:(?<=\n)|\A)[ \t\u3000]*五\s*、")


def _pages_between(text: str, lines: list[tuple[int, int, int, str]]) -> list[tuple[int, int, str]]:
    """A copy without form feeds (text copied out of a PDF): its page numbers are bare
    lines like a table's cells. Those before the tables (sections 二 to 四) and after them
    count the pages: where the last before is p and the first after is q, the pages between
    are p + 1 … q − 1, and each such number that stands alone on a line exactly once
    between them, in order, indented as p and q are, is that page's number (7 among 表三's
    cells as a paragraph of its own is read as no cell); else nothing is dropped. (A copy
    prints its page numbers alike: a number indented as the cells of a copy of one cell a
    line, a tab before each, where p and q stand at the line's start, is a cell.)"""
    a = _TABLES_FROM.search(text)
    b = _TABLES_TO.search(text, a.end()) if a else None
    if a is None or b is None:
        return []
    bare = [(s, e, int(body)) for s, e, _pg, body in lines if _PAGE_BARE.fullmatch(body)]
    before = [n for s, _e, n in bare if s < a.start()]
    after = [n for s, _e, n in bare if s >= b.start()]
    if not before or not after or after[0] - before[-1] < 2:
        return []
    p, q = before[-1], after[0]
    p_at = next(s for s, _e, n in reversed(bare) if s < a.start() and n == p)
    q_at = next(s for s, _e, n in bare if s >= b.start() and n == q)
    inside = [(s, e, n) for s, e, n in bare if a.start() <= s < b.start()]
    # the copy prints its page numbers at one indent (those before and after the tables
    # alike): a number between them indented otherwise is a cell. Where they stand at
    # indents of their own (pdftotext -layout centres each page's number by that page's
    # widest line: 43, 5, 72, 6, 26 spaces), spaces tell nothing; tabs still do.
    outside = [_indent(text, s) for s, _e, _n in bare if not a.start() <= s < b.start()]
    steady = all(_alike(x, outside[0]) for x in outside)
    picked: list[tuple[int, int]] = []
    for n in range(p + 1, q):
        at = [(s, e) for s, e, k in inside if k == n]
        if len(at) != 1 or (picked and at[0][0] < picked[-1][0]):
            return []
        if not any(
            _alike(_indent(text, at[0][0]), _indent(text, o), spaces=steady) for o in (p_at, q_at)
        ):
            return []
        picked.append(at[0])
    return [(s, e, "分页处的页码（前后页码连续）") for s, e in picked]


def _indent(text: str, at: int) -> str:
    """The blanks that open the line of ``at``."""
    start = text.rfind("\n", 0, at) + 1
    end = start
    while end < len(text) and text[end] in " \t\u3000":
        end += 1
    return text[start:end]


def _alike(one: str, other: str, spaces: bool = True) -> bool:
    """Two lines' indents alike enough for two page numbers of one copy: the same tabs and
    full-width spaces, spaces as many but for two (a centred number one digit longer; any
    number of spaces where not ``spaces``)."""

    def shape(s: str) -> tuple[int, int]:
        return s.count("\t"), s.count("\u3000")

    near = abs(one.count(" ") - other.count(" ")) <= 2
    return shape(one) == shape(other) and (near or not spaces)


def _drop_page_numbers(
    text: str, parent: OffsetMap | None, found: list[tuple[int, int, str]]
) -> tuple[str, OffsetMap | None, list[str], list[tuple[int, int, int]]]:
    """``text`` without the lines ``found`` (page numbers, ``_page_numbers``, and running
    titles, ``_running_titles``: (start, end, kind) in order), each with the blank lines
    around it: the larger of the breaks before and after it stands between the lines it
    stood between (a row's cells a paragraph each stay a paragraph each, not parted by a
    break that reads as a blank cell), one line less where the number's line stood padded
    by a blank line of its own (``_padded``). Also returns where a kept break's count is a
    guess, the break of two lines or more on either side: (offset in the new text, the
    line breaks kept, the most line breaks it may stand for: both sides' less one where the
    number's line stood between two lines with no blank line of its own). Beside a form
    feed only where the breaks kept may be fewer than that most (a page number put before
    a page's end: 14 breaks of a row's blank cells were 3 and 12 around it)."""
    spots: list[tuple[int, int, int]] = []
    parts: list[str] = []
    anchors: list[tuple[int, int]] = [(0, 0)]
    last = 0
    new_len = 0
    kinds: list[str] = []
    prev = ""
    for a, b, kind in found:
        # (a line right after a running title taken with its line break, as a page's
        # number under the head: taken the same way, else the break before the title
        # and the number's own both stood between the lines around them)
        how = _RUNNING_TITLE if a == last and prev == _RUNNING_TITLE else kind
        first_break, last_break, rep, before, after = _around(text, last, a, b, how)
        prev = how
        seg = text[last:first_break]
        parts.append(seg)
        new_len += len(seg)
        anchors.append((new_len, first_break))
        nb, na = before.count("\n"), after.count("\n")
        # (a number's line put between two lines, no blank line of its own: both sides'
        # breaks less the one that ended the number's line)
        most = max(nb, na, nb + na - 1)
        kept = rep.count("\n")
        if most >= 2 and kept and ("\f" not in before + after or kept < most):
            spots.append((new_len, kept, most))
        parts.append(rep)
        new_len += len(rep)
        anchors.append((new_len, last_break + 1))
        last = last_break + 1
        if kind not in kinds:
            kinds.append(kind)
    parts.append(text[last:])
    return "".join(parts), OffsetMap(anchors, parent), kinds, spots


def blank_page_numbers(
    text: str, spans: list[tuple[int, int]], fewer: Collection[tuple[int, int]] = ()
) -> tuple[str, list[tuple[int, int, int]]]:
    """``text`` with the number lines ``spans`` taken away as ``_drop_page_numbers`` takes
    a page number (the larger of the breaks around it kept; one line break fewer for those
    in ``fewer`` whose kept break is a guess: a number padded by blank lines inside a
    paragraph), the text it took filled with spaces at the end of the line before: same
    length, every offset where it was. Also returns the kept breaks whose count is a guess
    (``NormalizedText.page_breaks``)."""
    parts: list[str] = []
    spots: list[tuple[int, int, int]] = []
    last = 0
    for a, b in sorted(spans):
        if a < last:
            continue
        first_break, last_break, rep, before, after = _around(text, last, a, b, "")
        if (a, b) in fewer and rep.count("\n") >= 2:
            rep = rep.replace("\n", "", 1)
        pad = last_break + 1 - first_break - len(rep)
        parts += [text[last:first_break], " " * pad + rep]
        most = max(before.count("\n"), after.count("\n"))
        if most >= 2 and rep:
            spots.append((first_break + pad, first_break + pad + len(rep), most))
        last = last_break + 1
    parts.append(text[last:])
    return "".join(parts), spots


def guessed_breaks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The number lines of ``spans`` whose break kept by ``blank_page_numbers`` may stand
    for one line break fewer (two or more kept)."""
    out = []
    last = 0
    for a, b in sorted(spans):
        if a < last:
            continue
        _first, last_break, rep, _before, _after = _around(text, last, a, b, "")
        if rep.count("\n") >= 2:
            out.append((a, b))
        last = last_break + 1
    return out


def _around(text: str, last: int, a: int, b: int, kind: str) -> tuple[int, int, str, str, str]:
    """What goes with the line ``a``..``b`` taken away (``_drop_page_numbers``): the first
    and the last offset of the text replaced, the break that replaces it, and the breaks
    that stood before and after the line."""
    p = a
    # (a line of a tab alone is a blank cell of a copy of one cell a line: it stays)
    while p > last and text[p - 1] in _AROUND_PAGE:
        p -= 1
    first_break = min((i for i in (text.find(c, p, a) for c in _LINE_BREAKS) if i >= 0), default=a)
    q = b
    while q < len(text) and text[q] in _AROUND_PAGE:
        q += 1
    last_break = max(text.rfind(c, b, q) for c in _LINE_BREAKS)
    if first_break < last or last_break < b:
        first_break, last_break = a, b - 1  # (not on a line of its own: the text only)
    before, after = text[first_break:a], text[b : last_break + 1]
    rep = max((before, after), key=lambda s: (s.count("\n") + s.count("\f"), "\f" in s))
    if kind == _RUNNING_TITLE:
        # the line and its line break only: a title line stands among a copy's lines
        # (the empty lines around it may be blank cells of a copy of one cell a line)
        first_break, last_break = a, b if text[b : b + 1] == "\n" else b - 1
        rep = ""
    elif _padded(text, first_break, last_break + 1, before, after):
        # (the larger side's breaks less one, the page break kept after them: where the
        # sides are as long, the side with the page break is not the longer)
        most = max(before.count("\n"), after.count("\n")) - 1
        rep = "\n" * most + ("\f" if "\f" in before + after else "")
    return first_break, last_break, rep, before, after


def _padded(text: str, a: int, b: int, before: str, after: str) -> bool:
    """Does the page number's line between ``a`` and ``b`` stand padded by a blank line of
    its own on each side, where the lines around it follow each other without one (a copy
    of one cell a line: ``（一）予以公开`` / (blank) / ``— 6 —`` / (blank) / a blank cell)?
    Then one line break of the larger side's is the padding's: kept, it read as one blank
    cell more, and the row's cells moved a column on, silently."""
    if min(before.count("\n"), after.count("\n")) < 2:
        return False
    # the breaks that end the line before and start the line after
    i = text.rfind("\n", 0, a)
    j = text.find("\n", b)
    if i <= 0 or j < 0 or text[i - 1] in _LINE_BREAKS or text[j + 1 : j + 2] in ("\n", "\f"):
        return False
    return True


_RUNNING_TITLE = "页眉（报告标题）"
_AT_BREAK = "分页处的页码"  # a bare number at a page's head or foot
_FOREIGN = "表格中的页码（与表格数字格式不同）"  # ``_foreign_numbers``
# a report's title, folded by ``key``: a year (in digits or 二〇二三), 政府信息公开 or 政务公开,
# 年度报告 or 年报 (also ``extraction.second``: where a second report starts)
REPORT_TITLE = re.compile(
    r"(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})年度?.{0,12}?(?:政府信息公开|政务公开)"
    r".{0,8}?(?:年度报告|年报)"
)


# a page number at either end of a running head's line (``…年度报告  3``, ``- 3 - …``,
# ``第3页``), set apart from the title by spaces or dashes
_HEAD_NUMBER = re.compile(
    r"^[ \t\u3000]*[-—–－]*[ \t\u3000]*(?:第[ \t\u3000]*)?\d{1,3}[ \t\u3000]*页?[ \t\u3000]*[-—–－]*[ \t\u3000]+"
    r"|[ \t\u3000]+[-—–－]*[ \t\u3000]*(?:第[ \t\u3000]*)?\d{1,3}[ \t\u3000]*页?[ \t\u3000]*[-—–－]*[ \t\u3000]*$"
)


def _running_titles(text: str) -> list[tuple[int, int, str]]:
    """The lines from the tables on (二、主动公开) that repeat the report's title (a line of
    a year, 政府信息公开 and 年度报告, named before the tables): a page's running header in a
    copy of a PDF, never a cell. (start, end, kind) of each."""
    a = _TABLES_FROM.search(text)
    if a is None or "报告" not in text[a.end() :]:
        return []
    before: str | None = None
    found: list[tuple[int, int, str]] = []
    # the lines holding 报告 (found by the word, not line by line)
    at = text.find("报告", a.end())
    while at >= 0:
        start = max(text.rfind("\n", a.end(), at), text.rfind("\f", a.end(), at)) + 1
        start = max(start, a.end())
        ends = [e for e in (text.find("\n", at), text.find("\f", at)) if e >= 0]
        end = min(ends) if ends else len(text)
        at = text.find("报告", end)
        line = text[start:end]
        if len(line) > 80:
            continue
        # (a page's number printed on the running head's line, before or after the title)
        k = key(_HEAD_NUMBER.sub("", line))
        if len(k) > 60 or not REPORT_TITLE.search(k):
            continue
        if before is None:
            before = key(text[: a.start()])
        if k in before:
            found.append((start, end, _RUNNING_TITLE))
        else:
            # a title worded otherwise (no line before the tables holds it) among a table's
            # cells, a line of its own: the rows go on after it, so it is no second report's
            # title but a page's running head, and so is a page number beside it
            found += _head_among_cells(text, start, end)
    return found


# a line of a table's cells in a copy of a cell a line (a number, or cells a tab apart)
_CELL_LINE = re.compile(r"[^\n]*\t[^\n]*|[ \u3000]*\d[\d,，.]{0,9}[ \u3000]*")
_PAGE_MARK = re.compile("[-—–－第页]")
# a page's number on a line of its own (``7``, ``- 7 -``, ``第7页``)
_PAGE_LINE = re.compile(
    r"[ \t\u3000]*[-—–－]*[ \t\u3000]*(?:第[ \t\u3000]*)?\d{1,3}[ \t\u3000]*页?[ \t\u3000]*[-—–－]*[ \t\u3000]*"
)


def _head_among_cells(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The title line ``start``..``end`` and a page number's line right after or before it,
    when the lines on both sides of the two are a table's cells; else nothing. A bare
    number is taken for the page's only where the cells around are not bare numbers (a
    cell's number beside the title may be the page's as well: nothing taken)."""
    if start < 1 or text[start - 1] != "\n" or text[end : end + 1] != "\n":
        return []
    # the two lines before and after the title's (index 2), with their offsets
    spans: list[tuple[int, int]] = [(start, end)]
    for _ in range(2):
        a = spans[0][0]
        if a < 1:
            break
        spans.insert(0, (text.rfind("\n", 0, a - 1) + 1, a - 1))
    at = len(spans) - 1
    for _ in range(2):
        b = spans[-1][1]
        if b >= len(text):
            break
        e = text.find("\n", b + 1)
        spans.append((b + 1, len(text) if e < 0 else e))
    lines = [text[a:b] for a, b in spans]
    offs = [a for a, _b in spans]

    def line(i: int) -> str | None:
        return lines[i] if 0 <= i < len(lines) else None

    def page(i: int, around: tuple[int, int]) -> bool:
        ln = line(i)
        if ln is None or "\t" in ln or not _PAGE_LINE.fullmatch(ln):
            return False
        return bool(_PAGE_MARK.search(ln)) or all("\t" in (line(j) or "") for j in around)

    def cells(*idx: int) -> bool:
        return all((ln := line(j)) is not None and _CELL_LINE.fullmatch(ln) for j in idx)

    for pg, around in ((at + 1, (at - 1, at + 2)), (at - 1, (at - 2, at + 1))):
        if page(pg, around) and cells(*around):
            two = sorted([(start, end), (offs[pg], offs[pg] + len(lines[pg]))])
            return [(a, b, _RUNNING_TITLE) for a, b in two]
    return []


def _br(text: str, pos: int, end: int) -> str:
    """A <br> inside a table row (a pipe or tab row) joins the two halves of its cell's
    text, as a browser shows them in one cell; elsewhere it ends the line. A <br> at a
    line's end (a page's markup copied with its line breaks) is that line break: no second
    one (a blank line parts a cell's lines or a row's cells in a copy of a cell a line)."""
    if text.startswith("\n", end) or end == len(text):
        return ""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start : end if end >= 0 else len(text)]
    return "" if "|" in line or "｜" in line or "\t" in line else "\n"


def _simplify_in_place(text: str) -> tuple[str, int]:
    """Traditional → simplified without moving any offset: the whole text when the
    conversion keeps its length, else line by line where it does. Returns (text, number of
    characters changed)."""
    simplified = to_simplified(text)
    if simplified == text:
        return text, 0
    if len(simplified) == len(text):
        return simplified, sum(map(str.__ne__, text, simplified))
    changed = 0
    out = []
    for line in text.split("\n"):  # phrase conversions changed lengths
        conv = to_simplified(line)
        if len(conv) == len(line):
            changed += sum(map(str.__ne__, line, conv))
            out.append(conv)
        else:
            out.append(line)
    return "\n".join(out), changed


def _script(text: str, changed: int, glosses: int = 0) -> str:
    if changed >= _TRADITIONAL_MIN_CHANGED or glosses > 20:
        cjk = len(_CJK_RE.findall(text)) or 1
        if changed / cjk > 0.02 or glosses > 20:
            return "traditional"
    return "simplified"


def _radical_table() -> dict[int, str]:
    table = {}
    for cp in [*range(0x2E80, 0x2EF4), *range(0x2F00, 0x2FD6), *range(0xF900, 0xFADA)]:
        folded = unicodedata.normalize("NFKC", chr(cp))
        if len(folded) == 1 and folded != chr(cp):
            table[cp] = folded
    return table


# Kangxi radicals and CJK compatibility ideographs that stand for ordinary characters (PDFs
# made on some systems write ⼀ U+2F00 for 一, ⼈ U+2F08 for 人): one character for one
_RADICALS = _radical_table()
_RADICAL_RE = re.compile("[" + "".join(map(chr, sorted(_RADICALS))) + "]")


def fold_radicals(text: str) -> str:
    """Kangxi radicals and compatibility ideographs as the characters they stand for."""
    if not _RADICAL_RE.search(text):  # (a search is much cheaper than a translation)
        return text
    return text.translate(_RADICALS)


def simplify(text: str) -> tuple[str, str]:
    """``text`` in simplified script, each character at its offset (conversions that would
    change a line's length leave that line as it is; radicals standing for characters are
    folded), and the script the text was written in ("traditional" or "simplified"). The
    readers of HTML, DOCX and PDF use it so that every format reads traditional script as
    the text reader does."""
    out, changed = _simplify_in_place(fold_radicals(text))
    return out, _script(out, changed)


def _entity(name: str) -> str:
    if name.startswith("#"):
        try:
            code = int(name[1:])
        except ValueError:
            return "&" + name + ";"
        if not 0 < code < 0x110000 or 0xD800 <= code <= 0xDFFF:
            return "\ufffd"  # no character (a surrogate, zero or out of range)
        return chr(code)
    return _ENTITIES.get(name, "&" + name + ";")


# ------------------------------------------------------------------------------- keys

_KEY_DROP = re.compile(
    r"[\s\u00a0\u3000\"'“”‘’「」『』()（）\[\]【】<>《》、，,。.．·:：;；!！?？\-—–_~*#|/\\+]+"
)


@lru_cache(maxsize=8192)
def key(label: str) -> str:
    """Fold a label for matching: glosses stripped, simplified script, NFKC, and no
    whitespace or punctuation. '（一）予以公開' → '一予以公开'."""
    s = PINYIN_GLOSS.sub("", label)
    if _CJK_RE.search(s):
        s = to_simplified(s)
    s = unicodedata.normalize("NFKC", s)
    # 其它 is written for 其他 in many reports (（六）其它处理, 其它): one word in the form
    return _KEY_DROP.sub("", s).replace("其它", "其他")
