"""From folded text to rows: the tokens of a table region (numbers, placeholders,
separators), the row labels found in the form's order (the longest chain wins, linear), each
row's run of values, and the separators that tell a row's cells apart.

Over 500 lines because what a token is depends on the cell it stands in and its neighbours
(a word cell, a number with words glued on among a row's values, a column's name, a page's
residue): those rules read the tokens already made, so they live with the tokenizer.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field

from ...readers.labels import DEBRIS, parse_value
from .model import Tok
from .spec import SEP, SEPS, RowSpec, word_cell, worded_value


def _master(pipes: bool) -> re.Pattern[str]:
    """The tokens' pattern; ``pipes``: a pipe is a separator wherever it stands (a copy
    whose tables are ruled by pipes), else one touching a digit is part of its value (OCR
    reads a 1 as |: 6| for 61 is a value unread, never 6 and a separator)."""
    # (〇 among digits or letters is OCR's too: I〇8 for 108, a value, never 1, 0 and 8)
    word = "A-Za-z〇" if pipes else "A-Za-z〇|｜¦"
    spaces = "".join(c for c in SEPS if c not in "|｜¦")
    sep = rf"[{SEPS}]+" if pipes else rf"(?:[{spaces}]|(?<!\d)[|｜¦](?!\d))+"
    return re.compile(
        rf"(?P<s>{sep})"
        # digits with Latin letters in them (OCR: 94B7 for 9487, l515.2592 for 1515.2592),
        # or a lone O / o / l / I between separators (OCR for 0 and 1): a value the tool
        # cannot read, never its digits alone
        rf"|(?P<mixed>(?<![A-Za-z〇\d.,，])(?:(?=[\d.,，]*[{word}])(?=[{word}.,，]*\d)"
        rf"[\d{word}]+(?:[.,，][\d{word}]+)*|[OolI〇]{{2,}}|[OolI])(?![A-Za-z〇\d]))"
        # characters a PDF's font could not map (shown as U+FFFD, often digits): a value unread
        r"|(?P<glyph>[\ufffd\d]*\ufffd[\ufffd\d]*)"
        r"|(?P<delta>(?:增加|减少|新增)\s*\d+)"
        r"|(?P<num>[-+－]?(?:[1-9]\d{0,2}(?:[,，]\d{3}(?!\d))+|\d+)(?:\.\d+)?|(?<![\d.．])\.\d+)(?P<unit>\s*(?:万元|元|件|个|条|项|次|家|份))?"
        # residue standing alone where a value stands (x, ?, N/A, 不详, 无数据): a value unread
        rf"|(?<![^{SEPS}])(?P<debris>{DEBRIS})(?![^{SEPS}])"
        r"|(?P<ph>—+|－+|–|/|／|\\|×|无|-{1,2}|[〇零○])"
        # (marks before a signed number end there: 「214；-3；5821」)
        rf"|(?P<t>[；;、，,：:]+(?=[-+－]\d)|[^{SEPS}0-9—－–/／\ufffd]+|.)",
        re.S,
    )


MASTER = _master(True)
_MASTER_UNPIPED = _master(False)
_PIPE = re.compile("[|｜¦]")
_DIGITS = re.compile(r"\d+")
_piped: list[tuple[str, bool]] = []  # the last text asked about (one entry)


def pipes_separate(text: str) -> bool:
    """Whether the copy rules its tables with pipes: a pipe for every four numbers or
    more (a markdown or w3m table has one for each cell; an OCR text only the odd ruling
    line read as |, or a 1 read so)."""
    if _piped and _piped[0][0] is text:
        return _piped[0][1]
    pipes = len(_PIPE.findall(text))
    out = pipes > 0 and pipes * 4 >= len(_DIGITS.findall(text))
    _piped[:] = [(text, out)]
    return out


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


_CJK = re.compile("[\u4e00-\u9fff]")  # (what ``_cjk`` is of a character)
_SEP = re.compile(f"[{re.escape(SEPS)}]")


# a column's name carrying a number (数据1, 列2, 栏目3, 第1列, Col 4), a cell of its own: a
# header's word, never a value (an OCR engine's Markdown headed each row of 表三 类别 | 数据1 |
# … | 总计, and the 1 of 数据1 was read as the row's 总计, then blamed by the row's and the
# table's sums)
_COLUMN_WORD = re.compile(r"数据|数值|列|栏|栏目|字段|指标|col|column", re.I)
_CELL_WORD = re.compile(r"[^\W\d_]{1,4}")  # a word of a series (甲1 | 甲2 | 甲3)


def _cell_start(text: str, k: int) -> int:
    while k > 0 and text[k - 1] not in SEP:
        k -= 1
    return k


def header_number(text: str, i: int, j: int) -> bool:
    """Is the number at ``text[i:j]`` part of a cell naming a column: the cell a column word
    and the number (``_COLUMN_WORD``, a space or _ between at most; 第n列), or one of a
    series of such cells on its line, the same word with 1, 2 … (甲1 | 甲2 | 甲3)?"""
    num = text[i:j]
    if not num.isdigit() or len(num) > 2:
        return False
    k = i - 1 if i > 0 and text[i - 1] in " _" else i
    if k <= 0 or text[k - 1] in SEP:
        return False  # (no word glued to the number)
    word = text[_cell_start(text, k) : k]
    end = j + 1 if word == "第" and text[j : j + 1] in ("列", "栏") else j
    if end < len(text) and text[end] not in SEP:
        return False  # (the number goes on: 数据1a, 第1项)
    if word == "第":
        return end > j
    if _COLUMN_WORD.fullmatch(word):
        return True
    if k < i or not _CELL_WORD.fullmatch(word):
        return False
    a = text.rfind("\n", 0, i) + 1
    b = text.find("\n", j)
    line = text[a : b if b >= 0 else len(text)]
    cells = re.findall(
        rf"(?:^|(?<=[{re.escape(SEPS)}])){re.escape(word)}(\d{{1,2}})(?=[{re.escape(SEPS)}]|$)",
        line,
    )
    ns = {int(n) for n in cells}
    return {1, 2} <= ns and (int(num) - 1 in ns or int(num) + 1 in ns)


def _digit_word(text: str, i: int, b: int) -> int:
    """The end of the cell starting at ``i`` when it is words holding a digit that the form
    does not have (见表2, 附件1, 详见第3页, 表2另列: ``spec.word_cell``), else 0. Such a cell
    read piece by piece gave its digit for a value (the row's later numbers then moved right
    or were dropped). Not a cell starting with a digit or a sign (3件, 5注1, 1.属于国家秘密,
    -3: a value, a value's note, a label's ordinal), a note's head (注1), a column's name
    (数据1, 第1列: ``header_number``), nor one without CJK characters (l515, OCR's digits)."""
    if i > 0 and text[i - 1] not in SEP or i >= b:
        return 0
    first = text[i]
    if first in SEP or first.isdigit() or first in "-+－.．":
        return 0
    sep = _SEP.search(text, i, b)
    e = sep.start() if sep is not None else b
    cell = text[i:e]
    d = _DIGITS.search(cell)
    if d is None or _CJK.search(cell) is None or not word_cell(cell):
        return 0
    if header_number(text, i + d.start(), i + d.end()):
        return 0
    return e


_NEXT_NUMBER = re.compile(r"[^\S\n]*[-+－]?\d")
_NEXT_CELL = re.compile(rf"[{re.escape(SEPS)}]*([-+－]?\d+(?:\.\d+)?)")


def _alone(text: str, i: int, j: int) -> bool:
    """Whether ``text[i:j]`` stands alone on its line (separators around it)."""
    a = text.rfind("\n", 0, i) + 1
    b = text.find("\n", j)
    return not text[a:i].strip(SEPS) and not text[j : b if b >= 0 else len(text)].strip(SEPS)


def _worded_cell(text: str, i: int, b: int, out: list[Tok]) -> tuple[int, int, int] | None:
    """A cell among a row's values holding a number and words glued together
    (``spec.worded_value``: 合计12, 4（无）): its end and the span of the number to read,
    (end, -1, -1) when the cell is a value the tool cannot read, or None for any other text.
    A count word with the number (合计, 共 … 件) or a remark saying what it holds
    (335（含上年结转）) reads as the number; another remark in brackets (4（无）) leaves the
    cell unread. Either way the cell is one value: its words taken for text ended
    the row's run (合计12 in the 总计 column: the row's numbers moved one column right, and
    the row's and the table's sums blamed the report). Among the values: after a value on
    its line, or (not opening its line) right after the row's label or before a value on its
    line; or, a cell a line, right after the row's label or after or before a value alone on
    its line."""
    if i == 0 or text[i - 1] not in SEP:
        return None
    sep = _SEP.search(text, i, b)
    e = sep.start() if sep is not None else b
    span = worded_value(text[i:e])
    spaced = _SPACED_REMARK.match(text, e, b) if span is None else None
    if spaced is not None and _remark_words(spaced.group("inner")):
        # a space between the number and its remark (「1 （其中转办3件）」, 「4 (无)」): the
        # remark is the number's all the same, never a cell of its own (the row's later
        # numbers moved one column right)
        e = spaced.end()
        span = worded_value(text[i:e])
    if span is None:
        return None
    prev = next((t for t in reversed(out) if t.kind != "s"), None)
    line = text.rfind("\n", 0, i) + 1
    opens = not text[line:i].strip(SEPS)
    if opens and _alone(text, i, e):
        # a cell a line (a web page's copy): among values alone on their lines
        nxt = _NEXT_CELL.match(text, e)
        among = (
            prev is None  # (right after the row's label)
            or (prev.kind == "v" and _alone(text, prev.start, prev.end))
            or (nxt is not None and _alone(text, nxt.start(1), nxt.end(1)))
        )
    else:
        among = (prev is not None and prev.kind == "v" and prev.end >= line) or (
            not opens and (prev is None or _NEXT_NUMBER.match(text, e) is not None)
        )
    if not among:
        return None
    if span[0] >= 0:
        return e, i + span[0], i + span[1]
    d = _DIGITS.search(text, i, e)
    if d is not None and header_number(text, d.start(), d.end()):
        return None  # a column's name (数据1)
    return e, -1, -1


# a remark in brackets a space after a number, ending the cell (「1 （其中转办3件）」)
_SPACED_REMARK = re.compile(
    rf"[ \u3000\u00a0][（(](?P<inner>[^（）()\n\t|｜]{{1,12}})[）)](?=[{re.escape(SEPS)}]|$)"
)
_ORDINAL = re.compile("[一二三四五六七八九十]+")


def _remark_words(inner: str) -> bool:
    """Whether the words in brackets are a remark's (其中转办3件, 无), not an ordinal
    (（七）: the next row's label in a flat copy)."""
    words = inner.strip()
    return _CJK.search(words) is not None and _ORDINAL.fullmatch(words) is None


_CJK = re.compile("[\u4e00-\u9fff]")


# the marks a copy may part a line's cells by instead of tabs (「0；0；；5」, 「0，3，26」), and
# such a line's values part: a colon ending the label before them (「规章：0，0，0」), numbers,
# one kind of mark, spaces
CELL_MARKS = "；;、，,"
_COMMAS = "，,"
_UNIT = r"(?:\s*(?:万元|元|件|个|条|项|次|家|份))?"  # (a count with its unit: 「0件，3件」)
_MARKED_LINE = re.compile(
    rf"[：:]?[\s；;、，,]*[-+]?\d[\d,.，]*{_UNIT}(?:[\s；;、，,]+[-+]?\d[\d,.，]*{_UNIT})*[\s；;、，,]*"
)


def _grouped(commas: str) -> re.Pattern[str]:
    """A number grouped by thousands with one of ``commas`` (1,234; not 0,100 nor 1234,567)."""
    return re.compile(rf"(?<![\d.])[1-9]\d{{0,2}}(?:[{commas}]\d{{3}}(?!\d))+")


_GROUPED = {c: _grouped(c) for c in _COMMAS}
_GROUPED_ANY = _grouped(_COMMAS)


def _marks_part(text: str, i: int, j: int, a: int, b: int) -> bool:
    """Whether the text token ``text[i:j]`` is marks parting the cells of a line of numbers
    (after the row's label where the line holds it, a colon may end the label: 「行政许可；
    13470；；」, 「规章：0，0，0」, 「0；0；1；…」, and up to the next label where the line holds
    two rows: 「行政处罚；606；行政强制；11」): one kind of mark, nothing but numbers and spaces
    beside them. A mark ending a sentence (…3件；) or between words parts no cells. A comma
    parts no cells on a line where it may group a number by thousands (「19，100，0」: 19100
    and a cell, or 19 and 100: the line is not read so, never guessed; 1,234 alone is one
    number where the row has one cell, else the row is unread with both readings named
    (``grouped_on_marks``, ``form.read``), and 1,234 on a line parted by ， or ； is one
    number); 「0，100」 and 「1288，213」 group no
    number (no grouped number opens with 0 or four digits)."""
    tok = text[i:j]
    if not tok or any(c not in CELL_MARKS for c in tok) or len(set(tok)) > 1:
        return False
    lo = max(text.rfind("\n", 0, i) + 1, a)
    hi = text.find("\n", j)
    hi = len(text) if hi < 0 else hi
    line = text[lo : min(hi, max(b, j))]
    mark = tok[0]
    if _MARKED_LINE.fullmatch(line) is None:
        return False
    if mark in _COMMAS:
        if _GROUPED[mark].search(line):
            return False
        line = _GROUPED_ANY.sub("0", line)
    else:
        line = line.replace(",", "").replace("，", "")  # (commas inside numbers: 1,234)
    if any(c in line for c in CELL_MARKS if c != mark):
        return False
    return not (mark == "、" and _numbered_items(text, i))


def grouped_on_marks(text: str, i: int, j: int, a: int, b: int) -> str:
    """The comma of the number ``text[i:j]`` grouped by thousands (5，120，356; 1,234,567)
    where that comma may part its line's cells too: the line holds numbers and marks only
    (「行政规范性文件：5，120，356」, 「行政规范性文件,5,120,356」), no mark but that comma outside
    grouped numbers, no tab; else "" (a line parted by ；、 or tabs keeps the number whole).
    Whether it is one number or cells the row's cell count says (``form.read``)."""
    tok = text[i:j]
    commas = {c for c in tok if c in _COMMAS}
    if len(commas) != 1 or _GROUPED_ANY.search(tok) is None:
        return ""
    mark = commas.pop()
    lo = max(text.rfind("\n", 0, i) + 1, a)
    hi = text.find("\n", j)
    hi = len(text) if hi < 0 else hi
    line = text[lo : min(hi, max(b, j))]
    if "\t" in line or _MARKED_LINE.fullmatch(line) is None:
        return ""
    rest = _GROUPED_ANY.sub("0", line)
    if any(c in rest for c in CELL_MARKS if c != mark):
        return ""
    return mark


def _numbered_items(text: str, i: int) -> bool:
    """Whether the line holding ``text[i]`` is items numbered in turn, 「1、2、3」 (a note's
    or a list's, not cells: read so, 1, 2, 3 filled a row printed blank and the sums blamed
    the report; cells parted by 、 that hold 1, 2, 3 … in turn are then not read)."""
    lo = text.rfind("\n", max(0, i - _LIST_SPAN), i) + 1
    hi = text.find("\n", i, i + _LIST_SPAN)
    if (lo == 0 and i > _LIST_SPAN) or (hi < 0 and len(text) > i + _LIST_SPAN):
        return False  # (a long line: no such list)
    pieces = [x.strip() for x in text[lo : hi if hi >= 0 else len(text)].split("、")]
    return len(pieces) > 1 and pieces == [str(n) for n in range(1, len(pieces) + 1)]


_LIST_SPAN = 120


def tokenize(text: str, a: int, b: int, first_run: bool = False) -> list[Tok]:
    """The text between two labels as separator runs, values and other text; with
    ``first_run`` only up to the text that ends the first run of values."""
    out: list[Tok] = []
    seen_value = False
    master = MASTER if pipes_separate(text) else _MASTER_UNPIPED
    skip = a  # the end of a word cell taken whole: the matches inside it are its own
    for m in master.finditer(text, a, b):
        i, j = m.span()
        if i < skip:
            continue
        kind = m.lastgroup
        worded = _worded_cell(text, i, b, out) if kind != "s" and text[i - 1 : i] in SEP else None
        if worded is not None and (worded[1] >= 0 or not _digit_word(text, i, b)):
            # a number and words in one cell among the values: one value, read as the
            # number where a count word goes with it, else a value the tool cannot read
            e, ns, ne = worded
            skip = e
            seen_value = True
            if ns >= 0:
                out.append(Tok("v", ns, ne, text[ns:ne], counted=ns > i))
            else:
                out.append(Tok("v", i, e, text[i:e]))
            continue
        e = _digit_word(text, i, b) if kind != "s" else 0
        if e:
            # a word cell holding a digit (见表2, 详见第3页): text, never its digit a value
            skip = e
            if out and out[-1].kind == "t":
                out[-1].end = e
                out[-1].text = text[out[-1].start : e]
            else:
                out.append(Tok("t", i, e, text[i:e]))
                if first_run and seen_value:
                    return out
            continue
        if kind == "mixed":
            before = text[i - 1] if i > a else " "
            after = text[j] if j < b else " "
            # only between separators (or digits): not a word, a unit (12pt) or a name
            kind = "num" if before in SEP and after in SEP else "t"
        if kind == "glyph":
            # inside a word (新��府: characters of a label lost) or ending a label's line
            # (继续办�), text; else a value unread
            before = text[i - 1] if i > 0 else " "
            after = text[j] if j < len(text) else " "
            kind = "t" if _cjk(before) and (_cjk(after) or after in "\r\n") else "num"
        if kind == "unit":
            kind = "num"
        if kind == "debris" and not text[j:b].strip(SEPS) and "\n" not in text[j:b]:
            # only spaces to the next label on its line: a mark before it (* 行政许可), no cell
            kind = "t"
        if kind == "ph":
            # a placeholder stands alone: not 无 of 无法提供, not the dash of a range
            before = text[i - 1] if i > a else " "
            after = text[j] if j < b else " "
            if (before not in SEP and not before.isdigit()) or (
                after not in SEP and not after.isdigit()
            ):
                kind = "t"
        elif kind == "num" and m.group("unit") is None:
            after = text[j] if j < b else " "
            if "、" in (after, text[i - 1]) and _numbered_items(text, i):
                kind = "t"  # (「1、2、3」: items numbered)
            elif after in ".．、" and not (after == "、" and _marks_part(text, j, j + 1, a, b)):
                kind = "t"  # an ordinal (1.属于…) left of a label not found
            elif header_number(text, i, j):
                kind = "t"  # a column's name (数据1)
        if kind == "t" and text[i] in "：:" and j - i > 1 and _marks_part(text, i + 1, j, a, b):
            # a colon ending the label, then marks (「规章：，0，0」: blank cells first)
            if out and out[-1].kind == "t":
                out[-1].end = i + 1
                out[-1].text = text[out[-1].start : i + 1]
            else:
                out.append(Tok("t", i, i + 1, text[i]))
                if first_run and seen_value:
                    return out
            i += 1
            kind = "s"
        if kind == "t" and text[i] in CELL_MARKS and _marks_part(text, i, j, a, b):
            kind = "s"  # (「0；0；；5」: the line's cells parted by a mark)
        if kind == "s":
            out.append(Tok("s", i, j, text[i:j]))
        elif kind == "t":
            if out and out[-1].kind == "t":
                out[-1].end = j
                out[-1].text = text[out[-1].start : j]
            else:
                out.append(Tok("t", i, j, text[i:j]))
                if first_run and seen_value:
                    return out
        else:
            seen_value = True
            tok = m.group()
            # a digit run that may be cut into cells (a row of 表三 has at most 7 numbers,
            # 表四 15: a longer run is no table row and is kept whole)
            plain = kind == "num" and tok.isdigit() and len(tok) <= 60
            mark = grouped_on_marks(text, i, j, a, b) if kind == "num" and not plain else ""
            out.append(Tok("v", i, j, tok, plain, grouped=mark))
    return out


def first_run(
    toks: list[Tok],
    width: int,
    headless: bool = False,
    trailing: bool = True,
    totals: bool = True,
) -> list[Tok]:
    """What ``tokenize(…, first_run=True)`` gives of a row's gap (``toks``: the whole gap
    tokenized), but with words the form does not have that stand as cells of their own where
    the row's values stand (「规章 | 见说明 | 3 | 5」: ``spec.word_cell``) made values, which
    the tool cannot read (``unread.unmapped``): taken for the rest of the label, or for text
    ending the run, they moved the row's later numbers left into the wrong columns. Made
    values only where the row then has no more values than the form gives it (``width``):
    else the words are another row's label, not recognised, before its numbers; and not the
    words that end the gap where the next label was found without its first words
    (``headless``): they may be those, garbled (「（干巳 总计」); and, without ``trailing``,
    not the words after the zone's last number (a table's one row, 表四: lines of words
    after it are what follows the table, 公开渠道 …, never a cell of its row). Without
    ``totals`` (a row of 表二: no total column) a cell led by a count word (合计5) after the
    row's cells are filled is the copy's own total, ending the run, never a cell of it."""
    n = len(toks)

    def word(i: int) -> bool:
        t = toks[i]
        return (
            t.kind == "t"
            and i > 0
            and toks[i - 1].kind == "s"
            # (text running into the next label is that label's, garbled: （干巳总计)
            and i + 1 < n
            and toks[i + 1].kind == "s"
            and word_cell(t.text)
        )

    first = next((i for i, t in enumerate(toks) if t.kind == "v" or word(i)), n)
    # the values' zone: from after the last other text before the first value (the rest of
    # the label) to the first other text after it
    lo = max((i for i in range(first) if toks[i].kind == "t"), default=-1) + 1
    hi = next((i for i in range(first, n) if toks[i].kind == "t" and not word(i)), n)
    taken = {i for i in range(lo, hi) if word(i)}
    if not trailing:
        last_value = max((i for i in range(lo, hi) if toks[i].kind == "v"), default=-1)
        taken = {i for i in taken if i < last_value}
    values = sum(1 for i in range(lo, hi) if toks[i].kind == "v")
    if taken and values + len(taken) > width:
        taken = set()
    last = max((i for i in range(n) if toks[i].kind != "s"), default=-1)
    if headless and last in taken:
        taken.discard(last)
    stop = n
    if not totals:
        shown = 0
        for i in range(lo, hi):
            if toks[i].kind == "v" or i in taken:
                shown += 1
                if shown > width and toks[i].counted:
                    stop = i
                    break
    out: list[Tok] = []
    seen = False
    for i, t in enumerate(toks[:stop]):
        if i in taken:
            t = Tok("v", t.start, t.end, t.text)
        out.append(t)
        if t.kind == "t" and seen:
            break
        seen = seen or t.kind == "v"
    return out


# ----------------------------------------------------------------------------- label chain
@dataclass(slots=True)
class LabelHit:
    row: int
    a: int  # folded offsets of the label
    b: int


def occurrences(k: str, form: tuple[RowSpec, ...]) -> list[LabelHit]:
    hits: list[LabelHit] = []
    for ri, spec in enumerate(form):
        for key in spec.keys:
            i = k.find(key)
            while i >= 0:
                hits.append(LabelHit(ri, i, i + len(key)))
                i = k.find(key, i + 1)
    return hits


def chain(hits: list[LabelHit], numbered: set[tuple[int, int]] | None = None) -> list[LabelHit]:
    """The longest chain of hits in the form's row order and in text order (ties: the chain
    spanning the least text, so that prose before a table does not lend it a label).

    A hit in ``numbered`` (its (start, row)) has a number after it before the next hit, and
    counts double: where a copy printed some labels away from their numbers (pdftotext's
    reading order moves a label of two lines, or one beside a merged cell, elsewhere), a
    chain through the labels with numbers after them beats one as long through the displaced
    labels, which would leave those numbers to no row.

    A dynamic programme over the form's rows, linear in the hits: for each row the best chain
    ending in a hit of it whose label is already behind the current position — longest,
    then starting latest (which, whatever hit extends it, spans the least text)."""
    if not hits:
        return []
    hits = sorted(hits, key=lambda h: (h.a, h.row))
    weight = [2 if numbered and (h.a, h.row) in numbered else 1 for h in hits]
    n_rows = max(h.row for h in hits) + 1
    score: list[tuple[int, int]] = []  # (length, position where the chain starts)
    prev: list[int] = []
    best_by_row: list[tuple[int, int, int] | None] = [None] * n_rows  # (length, start, hit)
    pending: list[tuple[int, int]] = []  # (end of the hit's label, hit) not yet behind us
    for i, h in enumerate(hits):
        while pending and pending[0][0] <= h.a:
            _, j = heapq.heappop(pending)
            r = hits[j].row
            cand = (score[j][0], score[j][1], j)
            cur_best = best_by_row[r]
            if cur_best is None or cand[:2] > cur_best[:2]:
                best_by_row[r] = cand
        w = weight[i]
        cur = (w, h.a, -1)
        for r in range(h.row):
            b = best_by_row[r]
            if b is not None and (b[0] + w, b[1]) > cur[:2]:
                cur = (b[0] + w, b[1], b[2])
        score.append((cur[0], cur[1]))
        prev.append(cur[2])
        heapq.heappush(pending, (h.b, i))
    end = max(range(len(hits)), key=lambda i: (score[i][0], score[i][1] - hits[i].a))
    out = []
    while end >= 0:
        out.append(hits[end])
        end = prev[end]
    out.reverse()
    return out


def extend(
    hit: LabelHit, spec: RowSpec, k: str, text: str, idx: list[int], lo: int, hi: int
) -> tuple[int, int]:
    """Grow a keyword hit to the whole label (folded offsets): backwards over the label's own
    words and its ordinal, forwards over the rest of its words."""
    label = spec.label
    key = k[hit.a : hit.b]
    pos = label.find(key)
    head = set(label[:pos]) if pos >= 0 else set(label)
    tail = set(label[pos + len(key) :]) if pos >= 0 else set(label)
    a = hit.a
    while a > lo and k[a - 1] in head and not k[a - 1].isdigit():
        a -= 1
    if spec.ordinal and a > lo and k[a - 1] == spec.ordinal and pos != 0:
        # the ordinal (2.其他…) belongs to the label when it stands apart from a value (and
        # the key found holds none already: 3其他 after 见注3 is not 33其他)
        o = idx[a - 1]
        after = text[o + 1] if o + 1 < len(text) else ""
        before = text[o - 1] if o > 0 else ""
        if after.isspace():
            # the digit stands apart from the label: its ordinal when a mark of one follows
            # (2 / . / 重复申请, a label set a character a line); a digit alone on its line
            # is a value (the 2 of the row above, before 重复申请 printed without its
            # ordinal). On the label's own line it is the ordinal that lost its dot (OCR,
            # a flattened copy: … 0 0 1 2 其他法律…) when the row above has its cells
            # without it, or when text, not a value, stands before it — else the row
            # above's last value (… 2 / / / / / 2 重复申请)
            rest = text[o + 1 : o + 8].lstrip()
            if rest[:1] in (".", "．", "、"):
                a -= 1
            elif "\n" not in text[o + 1 : idx[a]] and not before.isdigit():
                n = 0
                for tok in reversed(text[idx[lo] if lo < len(idx) else o : o].split()):
                    if not _VALUE_TOKEN.fullmatch(tok):
                        break
                    n += 1
                if n == 0 or n >= len(spec.ids):
                    a -= 1
        elif after in ".．、" or not before.isdigit():
            a -= 1
    b = hit.b
    while (
        b < hi
        and k[b] in tail
        and not k[b].isdigit()
        and not _debris_at(text, idx[b])
        and not _PLACEHOLDER_BETWEEN.search(text, idx[b - 1] + 1, idx[b])
    ):
        b += 1
    return a, b


# a blank's mark (—, /) between two characters: a value cell after the label, not the label
# going on (部分公开（…不计其他情形） — 不予公开: 不 is the next cell's, the group label)
_PLACEHOLDER_BETWEEN = re.compile(r"[-—–－/／]")


# a cell's value or a blank's mark, as a flattened row prints them
_VALUE_TOKEN = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?|[/／\-—–－]+|无")

_DEBRIS_CELL = re.compile(rf"(?:{DEBRIS})(?![^{SEPS}])")


_CELL = re.compile(rf"[^{SEPS}]+")


def _debris_at(text: str, o: int) -> bool:
    """Does a cell of residue (不详 standing alone) or of words the form does not have
    (数据缺失: ``spec.word_cell``) start at ``o``? Then it is a value cell after the label,
    not the rest of the label's words (不 of 不计其他情形, 数 of 申请数量)."""
    if o <= 0 or text[o - 1] not in SEP:
        return False
    if _DEBRIS_CELL.match(text, o) is not None:
        return True
    m = _CELL.match(text, o)
    return m is not None and word_cell(m.group())


# ----------------------------------------------------------------------------- placing
def bounds(sep: str, unit: str, nl_mode: int) -> int:
    if unit == "mark":
        return sum(sep.count(c) for c in CELL_MARKS)
    if unit == "pipe":
        return sep.count("|") + sep.count("｜") + sep.count("¦")
    if unit == "tab":
        return sep.count("\t")
    if unit == "nl":
        n = sep.count("\n")
        return (n + nl_mode // 2) // max(nl_mode, 1)
    return 1 if sep else 0


# a line's indent inside a separator (「\n　　\t」: a copy indented line by line)
_LINE_INDENT = re.compile(r"(?<=\n)[^\S\n\t]+")


def unit_of(inner: list[str], lead: list[str] | None = None) -> tuple[str, int]:
    """The table's cell separator (pipe, tab, line break, or only spaces/nothing), from the
    separators between neighbouring values; for line breaks also how many make one cell
    boundary (1, or 2 when cells stand apart by blank lines)."""
    if not inner:
        return "space", 1
    n = len(inner)
    if sum(1 for s in inner if any(p in s for p in "|｜¦")) >= 0.6 * n:
        return "pipe", 1
    if sum(1 for s in inner if any(p in s for p in CELL_MARKS)) >= 0.6 * n:
        return "mark", 1
    if sum(1 for s in inner if "\t" in s) >= 0.6 * n:
        if any(s and not any(c in s for c in "\t\n|｜¦") for s in inner) or any(
            "  " in _LINE_INDENT.sub("", s) for s in inner + (lead or [])
        ):
            # two values apart by spaces only: tabs and spaces mixed (a copy of a web page
            # or out of Word), where a run of spaces may stand for a tab, so no count of
            # tabs says where a blank cell stands (spaces between two tabs are a blank
            # cell padded, as a page's &nbsp; gives it)
            return "space", 1
        return "tab", 1
    if sum(1 for s in inner if "\n" in s) >= 0.6 * n:
        # the smallest break between two neighbouring cells is one cell boundary
        breaks = [s.count("\n") for s in inner + (lead or []) if "\n" in s]
        return "nl", min(breaks)
    return "space", 1


@dataclass
class ValueRun:
    """The values of one row as they stand: value tokens and the separators around them."""

    vals: list[Tok]
    seps: list[str]  # len(vals) + 1: before the first, between, after the last
    text: str  # what stands there, for findings
    extra: list[Tok] = field(default_factory=list)  # values in a second run (unassigned)


_NOTE = re.compile(r"(?:注|备注|说明)\s*[：:0-9一二三四五六七八九十]")
_DATE_GOES_ON = re.compile(r"[年月日]")


def row_run(toks: list[Tok]) -> ValueRun:
    vals: list[Tok] = []
    seps: list[str] = []
    i = 0
    n = len(toks)
    lead = ""
    # skip the rest of the label (text) before the values; a note under the table (注：…)
    # on a line of its own ends it: its numbers are no cell's
    while i < n and toks[i].kind != "v":
        if toks[i].kind == "t" and _NOTE.match(toks[i].text) and "\n" in lead:
            i = n
            break
        lead = toks[i].text if toks[i].kind == "s" else ""
        i += 1
    seps.append(lead)
    cur = ""
    while i < n and toks[i].kind != "t":
        t = toks[i]
        if t.kind == "v":
            if vals:
                seps.append(cur)
            vals.append(t)
            cur = ""
        else:
            cur = t.text
        i += 1
    # a number that a date goes on from (2024年12月) is no cell
    if vals and i < n and _DATE_GOES_ON.match(toks[i].text) and not cur.strip(" "):
        vals.pop()
        cur = seps.pop() if vals else ""
    seps.append(cur) if vals else None
    if not vals:
        seps = [lead]
    extra = [t for t in toks[i:] if t.kind == "v"]
    shown = " ".join(t.text for t in vals)
    return ValueRun(vals, seps, shown, extra)


def splits(s: str, parts: int, limit: int = 20000) -> list[list[str]]:
    """Ways to cut a digit string into ``parts`` numbers without leading zeros."""
    out: list[list[str]] = []

    def rec(i: int, left: int, acc: list[str]) -> None:
        if len(out) >= limit:
            return
        if left == 1:
            rest = s[i:]
            if rest and (rest == "0" or rest[0] != "0"):
                out.append(acc + [rest])
            return
        for j in range(i + 1, len(s) - left + 2):
            piece = s[i:j]
            if piece != "0" and piece[0] == "0":
                break
            rec(j, left - 1, acc + [piece])

    if 1 <= parts <= len(s):
        rec(0, parts, [])
    return out


def cell_number(t: str | None) -> int | float | None:
    """The number a value token stands for (None for a blank or a placeholder)."""
    if not t:
        return None
    return parse_value(t)[0]


NUM = cell_number
