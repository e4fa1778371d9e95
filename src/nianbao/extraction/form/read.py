"""Reading the three tables by the national form, whatever the layout of the copy.

The format fixes every row label, the order of the rows and how many values each row holds
(``shared/spec/format.md``). So a table is read from the document text like this:

1. The text of a table's region is folded (whitespace, punctuation and pipes dropped, with a
   map back to the text) and the form's row labels are found in reading order: keywords of
   each row (variants and typos included), the longest chain of rows in the form's order wins,
   so that a label broken over lines or cells, or standing in mid-line, is still found.
2. The values of a row are what stands between its label and the next row's label: numbers
   (with units or signs), placeholders (—, /, 无), and the separators between them — tabs,
   pipes, line breaks, blank lines, runs of spaces, or nothing at all.
3. Values are placed by count. When a row shows fewer values than the form has cells, the
   separators place the blanks (two pipes or tabs in a row, an extra blank line); the table's
   own separator is learnt from its rows, and a row's first value is aligned with its sibling
   rows. What count and separators cannot decide, the table's arithmetic decides (row total =
   the six applicant columns; 一 + 二 = （七） + 四; （七） = the result rows; 表四's group
   totals), and what nothing decides is left unread and said, never guessed.
4. Digits that ran together (``一、本年新收…5300106``) are split by the same arithmetic; a
   unique split is taken and reported, several splits leave the cells null with the candidates.

The grids of the HTML, DOCX and PDF readers are written into the document text one row per
line, cells separated by tabs, so the same reading serves every format; a value's offsets then
lead back to its grid cell (page and box).

Over 900 lines because the regions, the rows, their placement, 表三's columns as the copy's
header orders them and the checks of a reading against the numbers no row took (a shift by
labels printed below their numbers) are one reading over shared row state (the header's
order decides each row's cells before they are placed, and a placement the header leaves in
doubt is undone here); split, that state would travel between modules. Text in a PDF's
reading order, read as one stream of numbers, is in :mod:`.stream`.

This module reads the regions and places the values; the form's data is in :mod:`.spec`, the
tokens and label chain in :mod:`.tokens`, the arithmetic in :mod:`.solve`. It is pure: it
returns a :class:`FormReading`; :mod:`nianbao.extraction.formfill` merges it into the Report
and words the findings.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Sequence

from ...readers.labels import column_order, column_rest, is_debris
from ...readers.normalize import blank_page_numbers, drop_notes
from ...readers.normalize import key as label_key
from ...schema import COLUMNS, REVIEW_FIELDS, REVIEW_GROUPS, default_layout
from .columns import item_columns
from .garbled import recover
from .lost import lost_rows, unread_lost
from .model import FormCell, FormReading, FormRow, FormTable, Tok
from .pages import by_page_sequence, flat_trailers, merge_readings
from .solve import (
    CHECKS,
    NO_CELL,
    NUM,
    Cand,
    by_arithmetic,
    candidates,
    digits_apart,
    doubt_splits,
    full_splits,
    joined_readings,
    row_check,
    row_sum_ok,
    settle_agreed,
    sign_check,
    solve_requests,
    total_at,
)
from .spec import (
    ACTIVE_FORM_2019,
    ACTIVE_FORM_2021,
    REQUEST_FORM,
    REQUEST_HEADER_WORDS,
    REVIEW_HEADER_KEYS,
    REVIEW_IDS_ORDER,
    HeadingHit,
    RowSpec,
    find_headings,
    fold,
    fold_region,
    fold_text,
    form_words,
    word_cell,
)
from .stream import header_start, layout_rows, review_chunks, reviews_by_chunks, stream_table
from .tokens import (
    LabelHit,
    ValueRun,
    bounds,
    cell_number,
    chain,
    extend,
    first_run,
    header_number,
    occurrences,
    row_run,
    tokenize,
    unit_of,
)
from .where import headless, relocate

# ----------------------------------------------------------------------------- the reading
S2_WORDS_2019 = ("本年新制作", "本年新公开", "上一年项目", "对外管理服务", "政府集中采购")
S2_WORDS_2021 = ("本年制发", "本年废止", "现行有效件数", "本年收费金额")


def read_form(
    text: str,
    headings: dict[str, HeadingHit] | None = None,
    skip: frozenset[str] = frozenset(),
    page_breaks: Sequence[tuple[int, int, int]] = (),
    year: object = None,
    page_suspects: Sequence[tuple[int, int]] = (),
    page_numbers: Sequence[int] = (),
) -> FormReading:
    """Read the three tables of a report's (normalised) text by the form (all but the
    tables in ``skip``: "s2", "s3", "s4"); ``page_breaks``: the line breaks left where a
    page number's line was taken away, their count a guess (``Document.page_breaks``);
    ``year``: the report's, for 表二's layout when no column word says it;
    ``page_suspects``: bare numbers that may be page numbers (``Document.page_suspects``),
    ``page_numbers``: the numbers of the pages found (``Document.page_numbers``).
    Notes (注1：…。, 说明：…) are read as blank: their words name no row (注1：部分公开的申请
    已区分处理。 above a garbled （一）予以公开 was read as （二）部分公开's label, and 予以公开's
    numbers went there, silently), their numbers are no cell's (注1's 1 was read as the row
    above's 总计)."""
    heads = headings if headings is not None else find_headings(text)
    kept = _read_tables(text, heads, skip, page_breaks, year)
    # (the text may be a part of the document's: a second report cut away)
    page_suspects = [(a, b) for a, b in page_suspects if text[a:b].isdigit()]
    page_suspects = sorted({*page_suspects, *flat_trailers(text, kept)})
    # bare numbers that may be page numbers: read again without each (where they are not
    # many) and without them all, and each row that then reads otherwise decided by its
    # sums or by the numbers a reading without one places, else not read (``pages``)
    groups = [[s] for s in page_suspects] if len(page_suspects) <= _SUSPECTS_ALONE else []
    if len(page_suspects) > 1:
        groups.append(list(page_suspects))

    def without(
        spans: list[tuple[int, int]],
        fewer: Collection[tuple[int, int]] = (),
        only: Collection[str] = ("s2", "s3", "s4"),
    ) -> FormReading:
        blanked, spots = blank_page_numbers(text, spans, fewer)
        leave = skip | {k for k in ("s2", "s3", "s4") if k not in only}
        return _read_tables(blanked, heads, leave, sorted([*page_breaks, *spots]), year)

    readings = [(spans, without(spans), len(spans) == 1) for spans in groups]
    merged = merge_readings(kept, readings) if readings else kept
    # 表三 and 表四 still not read whole: read without each set of them the pages' sequence
    # allows, and the one reading whose arithmetic holds taken (``pages.by_page_sequence``)
    return by_page_sequence(merged, text, page_suspects, page_numbers, without)


_SUSPECTS_ALONE = 8  # the most numbers that may be page numbers read without one by one


def _read_tables(
    text: str,
    heads: dict[str, HeadingHit],
    skip: frozenset[str],
    page_breaks: Sequence[tuple[int, int, int]],
    year: object,
) -> FormReading:
    text = drop_notes(text)
    regions = _regions(text, heads)
    tables: dict[str, FormTable] = {}
    scrambled: set[str] = set()
    for key, (a, b) in regions.items():
        if a >= b or key in skip:
            continue
        if any(a < h.start < b for h in heads.values()):
            # another section's heading inside the table's region: the text is not in the
            # form's order (pdfminer printed 表三's page before section 一, the rest of its
            # rows after 表四), so a row not found here or found without numbers is no
            # sign of a missing or blank row
            scrambled.add(key)
        if key == "s4":
            t = _read_reviews(text, a, b)
        elif key == "s3":
            t = _read_rows(
                text, a, _first_matrix_end(text, a, b), "s3", REQUEST_FORM, None, page_breaks
            )
        else:
            seg = fold_region(text, a, b)[0]
            says19 = any(w in seg for w in S2_WORDS_2019)
            says21 = any(w in seg for w in S2_WORDS_2021)
            if says19 or says21:
                layout = "2019" if says19 and not says21 else "2021"
            else:  # no column word: the layout of the report's year (2019, 2020: 格式（试行）)
                layout = default_layout(year)
            form = ACTIVE_FORM_2019 if layout == "2019" else ACTIVE_FORM_2021
            t = _read_rows(text, a, b, "s2", form, layout, page_breaks)
            if t is not None:
                t.read_as = layout
            if t is not None and not (says19 or says21):
                t.layout = None  # no column header says which layout: no signal
        if t is not None:
            settle_agreed(t)
            if key == "s3":
                doubt_splits(t)  # (rows read as agreed take part in the column sums now)
            t.stray = t.stray or key in scrambled
            tables[key] = t
    return FormReading(tables, heads, scrambled)


# 表三's column header (its note cell, 申请人情况): printed with a matrix, never in prose
_MATRIX_HEAD = re.compile("勾稽关系|申请人情况")
_NOTE = re.compile("勾稽关系")


def _first_matrix_end(text: str, a: int, b: int) -> int:
    """The end of section 三's region for the form reading: where a second matrix's header
    starts after the first matrix's header and its last row (结转下年度), else ``b``. A
    report that prints another matrix under its own (last year's for comparison, an
    annex's) has one 表三; the chain of labels, as long in either, took the second's rows
    (the layout reading, which keeps each label's first row, read the first), silently."""
    k, idx = fold_region(text, a, b)
    # (the note first: 申请人情况 and 结转下年度 are words of 三's prose too, 「从申请人情况
    # 看……结转下年度继续办理 3 件，申请人情况见下表」, which cut the region before the
    # table; the first matrix's rows, from 本年新收 to 结转下年度, then the other's header and
    # rows)
    first = _NOTE.search(k) or _MATRIX_HEAD.search(k)
    if first is None:
        return b
    new = k.find("本年新收", first.end())
    last = k.find("结转下年度", new) if new >= 0 else -1
    if last < 0:
        return b
    second = _MATRIX_HEAD.search(k, last)
    if second is None or k.find("本年新收", second.end()) < 0:
        return b
    cut = a + idx[second.start()]
    line = text.rfind("\n", a, cut) + 1
    # (the line's start, unless the first matrix's last row stands on the same line)
    return line if line > a + idx[last] else cut


_ITEM_HEAD = re.compile(r"第\s*[二2]\s*十\s*条\s*第")
# the column words of 表二's （一） item (the other items' are 本年处理决定数量, 本年收费金额)
_ITEM_ONE_WORDS = re.compile("本年制发件数|本年废止件数|现行有效件数")
_ITEM_HEAD_LINE = re.compile(r"第\s*[二2]\s*十\s*条\s*第\s*[（(][^）)]*[）)]\s*项")


# a row's ordinal opening a label (3.补正后…, （五）不予处理, 四、结转…): the text between
# a row's label and its numbers holds none of another row's
_OTHER_ROW_OPENS = re.compile(
    r"(?:^|(?<=[\s|｜]))(?:(?:\d{1,2}[.．、]|[（(][一二三四五六七][）)])\s*[\u4e00-\u9fff]"
    r"|[一二三四]、\s*[\u4e00-\u9fff（(])",
    re.M,
)


# the form's group labels (no row of their own in the 2021 layout): a row's numbers may
# follow its group's label (1.本机关不掌握… / （四）无法提供 / 3 0 0 0 0 0 3)
_GROUP_OPENS = re.compile(
    r"[（(]\s*[三四五六]\s*[）)]\s*(?:不\s*予\s*公\s*开|无\s*法\s*提\s*供|不\s*予\s*处\s*理"
    r"|其\s*他\s*处\s*理)|三\s*、\s*本\s*年\s*度"
)


# a row the copy added to 表三 for a result group's subtotal: a cell 小计 (不予公开小计,
# 小计：) with its numbers after it (a repeated header's 小计 column word is followed by more
# words, 总计, not by a number)
_SUBTOTAL_CELL = re.compile(
    r"(?:^|(?<=[\s|｜]))[\u4e00-\u9fff（）()]{0,8}小\s*计[：:]?(?=[\s|｜]*[-—－/无\d])", re.M
)
# a result group's label as a cell (（四）无法提供, or the words alone), and the rows it holds
_GROUP_CELL = re.compile(
    r"(?:^|(?<=[\s|｜]))(?:[（(]\s*[三四五六]\s*[）)])?\s*"
    r"(不\s*予\s*公\s*开|无\s*法\s*提\s*供|不\s*予\s*处\s*理|其\s*他\s*处\s*理)",
    re.M,
)
_GROUP_OF = {
    "不予公开": "denied.",
    "无法提供": "unable.",
    "不予处理": "rejected.",
    "其他处理": "other.",
}
_NUMBER_NEXT = re.compile(r"[\s|｜]*[-—－/无\d]")
# a label followed by the next with no cell of its own between them (no number, no mark,
# no cell's separator: a tab, a bar, an empty line)
_NO_CELLS = re.compile(r"[ \u3000]*\n?[ \u3000]*")


def _subtotal_at(text: str, start: int, end: int, rid: str, next_blank: bool = False) -> int | None:
    """Where a subtotal row the copy added starts in ``text[start:end]`` (the gap after row
    ``rid``'s label): a cell 小计 followed by numbers, or the label of another result group
    than the row's own followed by numbers (（四）无法提供 2 0 0 0 0 0 2 after a blank
    8.属于行政查询事项: the group's subtotal, printed on its label). None when there is none.
    The numbers after it are that row's, no form row's (R-SUBTOTAL's, not read here). Not
    a group's label when the next label (its first row's) shows no cell at all
    (``next_blank``): the numbers on the group's label may then be that row's, printed on
    the group label's line (（三）不予公开 9 0 9 8 0 3 29 1.属于国家秘密 2.其他…), which a
    subtotal taken there would have left blank without a word (a row printed with its
    cells blank, | | |, shows cells)."""
    found = [m.start() for m in _SUBTOTAL_CELL.finditer(text, start, end)]
    for m in [] if next_blank else _GROUP_CELL.finditer(text, start, end):
        if rid.startswith(_GROUP_OF[re.sub(r"\s+", "", m.group(1))]):
            continue  # (a row's numbers may follow its own group's label)
        if _NUMBER_NEXT.match(text, m.end(), end):
            found.append(m.start())
    return min(found) if found else None


_LAST_NUMBER = re.compile(r"(?<![\d.．,，])\d{1,3}(?![\d.．、,，])")
_SEPARATOR = re.compile(r"[\t\n|｜ \u3000]")


def _row_numbers(
    text: str, spans: list[tuple[int, int, int]], a: int
) -> dict[int, tuple[int, int]]:
    """The numbering column a copy added before the labels (序号 1 … 25): {label's index:
    (start, end) of its row number}, the number standing just before the label (only
    separators between them) and the numbers rising by one or two from label to label (a
    group label's row may have none, and a label whose number is no such one is passed
    over) for at least three labels in five. A row's own last number before the next
    label (its 总计) rises so in no table: nothing is taken then."""
    found: dict[int, tuple[int, int, int]] = {}
    for i, (_ri, st, _en) in enumerate(spans):
        lo = spans[i - 1][2] if i else a
        if text[st : st + 1].isdigit() and st > lo and text[st - 1].isdigit():
            # the label was found from the last digit of its row's number (2|3其他: 3.其他
            # without its dot after the number 23)
            s0 = st
            while s0 > lo and text[s0 - 1].isdigit():
                s0 -= 1
            e0 = st
            while text[e0 : e0 + 1].isdigit():
                e0 += 1
            if e0 - s0 <= 2 and _SEPARATOR.match(text, e0):
                found[i] = (int(text[s0:e0]), s0, e0)
            continue
        last = None
        for m in _LAST_NUMBER.finditer(text, lo, st):
            last = m
        if last is None:
            continue
        between = text[last.end() : st]
        if re.search(r"\d", between) or not _SEPARATOR.match(between[:1] or "x"):
            continue
        found[i] = (int(last.group()), last.start(), last.end())
    chain: list[int] = []
    for i in sorted(found):
        if not chain or found[i][0] - found[chain[-1]][0] in (1, 2):
            chain.append(i)
        elif len(chain) == 1 and found[i][0] <= 2:
            chain = [i]  # (a row's own number before the first label: start again at 1)
    if len(chain) < 5 or len(chain) * 5 < len(spans) * 3:
        return {}
    return {i: (found[i][1], found[i][2]) for i in chain}


def _serials_apart(text: str, spans: list[tuple[int, int, int]], a: int) -> bool:
    """Whether a numbering column (序号) stands before the labels with its numbers' digits
    set apart (1 1 for 11: a page that sets each digit in a span), which ``_row_numbers``
    does not take: the number just before each label, read alone or joined with the single
    digit before it, rises by one or two from label to label for at least three labels in
    five (and five at least). Then a row's numbers may end in the next row's 序号."""
    chain: list[int] = []
    for i, (_ri, st, _en) in enumerate(spans):
        lo = spans[i - 1][2] if i else a
        head = text[lo:st].rstrip(" \t\n\u3000")
        m = re.search(r"(?:(?<![\d.．,，])(\d)[ \n])?(?<![\d.．,，])(\d{1,2})$", head)
        if m is None:
            continue
        ways = [int(m.group(2))] + ([int(m.group(1) + m.group(2))] if m.group(1) else [])
        if chain:
            nxt = [v for v in ways if v - chain[-1] in (1, 2)]
            if nxt:
                chain.append(nxt[-1])
        elif min(ways) <= 2:
            chain.append(min(ways))
    return len(chain) >= 5 and len(chain) * 5 >= len(spans) * 3


def _other_row_opens(text: str, start: int, end: int, own: str = "") -> bool:
    """Whether another row's ordinal opens a label in ``text[start:end]`` (a group's label,
    （四）无法提供, is no row's; nor the row's own label ``own`` printed again: a copy that
    set each row under its label as a heading, the row's table repeating it)."""
    mine = label_key(own) if own else ""
    return any(
        not _GROUP_OPENS.match(text, m.start(), end)
        and not (mine and label_key(text[m.start() : end]).startswith(mine))
        for m in _OTHER_ROW_OPENS.finditer(text, start, end)
    )


def _spaced(word: str) -> str:
    return r"\s*".join(re.escape(c) for c in word)


# the column headers of the 2019 layout's 表二 (格式（试行）): a sub-table's header row
_HEAD_2019 = re.compile(
    "|".join(
        _spaced(w)
        for w in (
            "本年新制作数量",
            "本年新公开数量",
            "对外公开总数量",
            "上一年项目数量",
            "处理决定数量",
            "采购项目数量",
            "采购总金额",
        )
    )
    + r"|本\s*年\s*增\s*[/／、]?\s*减"
)


# the column headers of the 2021 layout's 表二 （一） item (its other items have one column)
_HEAD_2021 = re.compile(
    "|".join(_spaced(w) for w in ("本年制发件数", "本年废止件数", "现行有效件数"))
)
_DIGIT = re.compile(r"\d")
_PROSE_END = re.compile(r"[。！？]")


# the items of the 2021 layout's 表二 and their rows, by the item's ordinal
_ITEM_ROWS: dict[str, tuple[str, ...]] = {
    "五": ("licensing",),
    "六": ("penalty", "coercion"),
    "八": ("fees",),
    "5": ("licensing",),
    "6": ("penalty", "coercion"),
    "8": ("fees",),
}
_ITEM_ORDINAL = re.compile(r"[（(]\s*([一二三四五六七八九十\d]+)\s*[）)]")


# a number standing alone (a cell's), not digits inside a word of the block's header
# (2022年处理决定数量, 第1页)
_AHEAD_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")


def _numbers_ahead(text: str, a: int, b: int, rows: list[FormRow]) -> set[str]:
    """表二's rows of an item block of two rows or more (from a 第二十条第（X）项 line to
    the next) that print their numbers before their labels: a number stands between the
    block's heading and its first label, and none after its last label (an OCR that read
    each row's numbers a little above its label); read label-then-numbers, each row would
    take the next row's numbers, the last none."""
    heads = [m.start() for m in _ITEM_HEAD_LINE.finditer(text, a, b)] + [b]
    out: set[str] = set()
    for h, nxt in zip(heads, heads[1:]):
        inside = sorted(
            (r for r in rows if h <= r.label_start < nxt and r.label_end > r.label_start),
            key=lambda r: r.label_start,
        )
        if len(inside) < 2:
            continue  # (one row: its block's numbers are its own, wherever they stand)
        head_end = _ITEM_HEAD_LINE.match(text, h)
        start = head_end.end() if head_end is not None else h
        before = text[start : inside[0].label_start]
        after = text[inside[-1].label_end : nxt]
        if _AHEAD_NUMBER.search(before) and not re.search(r"\d", after):
            # the rows read from the numbers after their own label in this block (a row
            # read from another block's numbers, labels first and numbers after each
            # item's heading as pdfminer prints them, is read by its item, not so)
            out |= {
                r.rid
                for r in inside
                if any(r.label_end <= c.start < nxt for c in r.cells if c.start >= 0)
            }
    return out


def _item_numbers(
    text: str, a: int, b: int, runs: list[tuple[RowSpec, int, int, ValueRun, list[Tok]]]
) -> tuple[dict[str, str], set[int], set[str]]:
    """表二 (2021) items whose rows' labels have no number after them, the numbers standing
    after the item's heading instead (第二十条第（五）项 … 9487, the label before the heading
    or after the number: a PDF's reading order): an item of rows of one cell each whose
    heading is followed by exactly as many numbers as it has rows (none after a label, or
    all after the last of its labels) gives them to its rows in the form's order. （一） (two
    rows of three cells, no arithmetic to order them) is left. A number after a row's label
    that stands before its item's (first) heading is not the row's (the row emptied, read
    from its heading if it can be). Returns the rows read so (row id -> the item's
    heading), the numbers' offsets and the rows emptied."""
    heads = list(_ITEM_HEAD_LINE.finditer(text, a, b))
    at = {spec.rid: n for n, (spec, *_rest) in enumerate(runs)}
    out: dict[str, str] = {}
    taken: set[int] = set()
    torn: set[str] = set()
    seen: list[tuple[str, ...]] = []
    for n, h in enumerate(heads):
        m = _ITEM_ORDINAL.search(h.group())
        rows = _ITEM_ROWS.get(m.group(1)) if m else None
        if not rows or any(r not in at for r in rows):
            continue
        first = rows not in seen  # (an item's heading again, in a text copied twice)
        seen.append(rows)
        end = heads[n + 1].start() if n + 1 < len(heads) else b
        cut = _other_table(text, h.end(), end)  # (another table's numbers after the item)
        run = row_run(tokenize(text, h.end(), end if cut is None else cut, first_run=True))
        own = [runs[at[r]][3].vals for r in rows]
        if first and any(o and o[0].start < h.start() for o in own):
            # a number after a row's label before its item's heading is no number of its
            # (the writer's PDF through pdftotext printed （一）'s 8 after 行政事业性收费,
            # the fee 7545 after 第二十条第（八）项; the label's 8 was read, silently)
            for rid in rows:
                spec, st, en, old, toks = runs[at[rid]]
                runs[at[rid]] = (spec, st, en, ValueRun([], old.seps[:1], ""), toks)
                torn.add(rid)
            own = []
        if len(run.vals) != len(rows):
            continue
        if any(own) and not (
            len(rows) > 1
            and not any(own[:-1])
            and [t.start for t in own[-1]] == [t.start for t in run.vals]
        ):
            # a number of its own after a row's label; but the numbers of all the item's
            # rows after its last row's label, the others' labels bare (行政处罚 行政强制
            # 4119 195, the heading before the labels), are the item's numbers
            continue
        for rid, v in zip(rows, run.vals):
            spec, st, en, _run, toks = runs[at[rid]]
            runs[at[rid]] = (spec, st, en, ValueRun([v], ["", ""], v.text), toks)
            out[rid] = re.sub(r"\s+", "", h.group())
            taken.add(v.start)
    return out, taken, torn - set(out)


def _columnwise(
    text: str, spans: list[tuple[int, int, int]], b: int, layout: str
) -> list[int] | None:
    """Where to cut 表二's rows when the copy put the labels first and each column's numbers
    after its header (as pdfminer prints the table): a label followed by the next label
    with no number between, and a label after which a column header (of the ``layout``'s
    items of several columns) stands before any number. The numbers after such a header are
    that column's, not the label's, so each such row ends at the header; ``None`` when the
    copy is not of that kind."""
    heads = _HEAD_2019 if layout == "2019" else _HEAD_2021
    ends: list[int] = []
    bare = False
    headed = False
    for i, (_ri, _st, en) in enumerate(spans):
        nxt = spans[i + 1][1] if i + 1 < len(spans) else b
        digit = _DIGIT.search(text, en, nxt)
        head = heads.search(text, en, nxt)
        if digit is None and i + 1 < len(spans):
            bare = True
        if head is not None and digit is not None and head.start() < digit.start():
            headed = True
            ends.append(head.start())
        else:
            ends.append(nxt)
    return ends if bare and headed else None


def _regions(text: str, heads: dict[str, HeadingHit]) -> dict[str, tuple[int, int]]:
    """Where each table stands: its heading's region (:func:`heading_regions`), or where its
    labels are when that region holds none of them (:func:`.where.relocate`)."""
    return relocate(text, heads, heading_regions(text, heads))


def displaced_tables(
    text: str, heads: dict[str, HeadingHit]
) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """Where the tables stand by their labels (the text's notes blanked, as the reading
    does): those that do not stand in their heading's region, and those whose heading is
    not found."""
    text = drop_notes(text)
    before = heading_regions(text, heads)
    after = relocate(text, heads, before)
    moved = {k: r for k, r in after.items() if r != before[k] and r[0] < r[1]}
    return moved, {k: r for k, r in headless(text, heads).items() if k not in moved}


def heading_regions(text: str, heads: dict[str, HeadingHit]) -> dict[str, tuple[int, int]]:
    """Where each table may stand: from its section's heading to the next heading found (or
    the end of the text); a table without a heading starts where the previous one ends."""
    order = ["s1", "s2", "s3", "s4", "s5", "s6"]
    n = len(text)

    def next_start(sec: str) -> int:
        for s in order[order.index(sec) + 1 :]:
            if s in heads:
                return heads[s].start
        return n

    out: dict[str, tuple[int, int]] = {}
    prev_end = heads["s1"].end if "s1" in heads else 0
    for sec in ("s2", "s3", "s4"):
        a = heads[sec].end if sec in heads else prev_end
        b = next_start(sec)
        out[sec] = (a, b)
        prev_end = a
    # without headings the regions overlap: cut them at the other tables' first labels
    if "s3" not in heads:
        k, idx = fold_region(text, out["s2"][0], out["s2"][1])
        for w in ("申请人情况", "本年新收"):
            i = k.find(w)
            if i >= 0:
                cut = out["s2"][0] + idx[i]
                out["s2"] = (out["s2"][0], cut)
                out["s3"] = (cut, out["s3"][1])
                break
    if "s4" not in heads:
        a, b = out["s3"]
        k, idx = fold_region(text, a, b)
        i = k.find("结转下")
        j = k.find("行政复议", i if i >= 0 else 0)
        if j >= 0:
            out["s3"] = (a, a + idx[j])
            out["s4"] = (a + idx[j], b)
    return out


def _read_rows(
    text: str,
    a: int,
    b: int,
    key: str,
    form: tuple[RowSpec, ...],
    layout: str | None,
    page_breaks: Sequence[tuple[int, int, int]] = (),
) -> FormTable | None:
    k, idx = fold_region(text, a, b)
    found = [
        h
        for h in occurrences(k, form)
        if _plausible(h, form, k)
        and not _count_word(h, form, k, text, a, idx)
        and not _in_remark(text, a + idx[h.a])
    ]
    hits = chain(found, _numbered(found, text, a, b, idx))
    if not hits:
        return None
    # the copy's header decides 表三's columns: reordered, or one the copy dropped
    columns = header_columns(text[a : a + idx[hits[0].a]]) if key == "s3" else None
    # rows the chain skipped whose label stands garbled where the row belongs
    garbled = recover(
        hits,
        form,
        k,
        idx,
        text,
        a,
        b,
        _after_header(k, hits[0].a, key),
        [_label_span(hits, i, form, k, text[a:b], idx) for i in range(len(hits))],
        _passed_over(hits, form),
        key == "s3",
    )
    exact = {(g.a, g.row): g for g in garbled}
    if garbled:
        hits = sorted(hits + [LabelHit(g.row, g.a, g.b) for g in garbled], key=lambda h: h.a)
    spans: list[tuple[int, int, int]] = []  # (row, text start, text end)
    for i, h in enumerate(hits):
        if (h.a, h.row) in exact:
            fa, fb = h.a, h.b
        else:
            fa, fb = _label_span(hits, i, form, k, text[a:b], idx)
        st, en = a + idx[fa], a + idx[fb - 1] + 1
        # the brackets and quotes that folding dropped around the label's ends
        if st > a and text[st - 1] in "（(":
            st -= 1
        while en < b and text[en] in "）)”」\"'":
            en += 1
        spans.append((h.row, st, en))
    # the runs of values after each label
    runs: list[tuple[RowSpec, int, int, ValueRun, list[Tok]]] = []
    stray = False
    serials = False  # a numbering column whose digits are set apart (``_serials_apart``)
    # a numbering column (序号) the copy added: each row's number ends the row above
    numbering: dict[int, tuple[int, int]] = {}
    if key == "s3":
        numbering = _row_numbers(text, spans, a)
        serials = not numbering and _serials_apart(text, spans, a)
        for i, (_n0, n1) in numbering.items():
            ri, st, en = spans[i]
            if st < n1:  # (the label found from its row number's last digit)
                spans[i] = (ri, n1 + len(text[n1:en]) - len(text[n1:en].lstrip()), en)
        # numbers between the header and the first label found (its row number aside): no
        # row takes them (a PDF's reading order printed a row's label after its numbers),
        # so a label with no number after it is no sign of a blank row
        head = header_start(k, idx, a, [])
        first = numbering[0][0] if 0 in numbering else spans[0][1]
        stray = head is not None and bool(_number_end(text, head, first))
    cuts = _columnwise(text, spans, b, layout) if key == "s2" and layout is not None else None
    items: list[tuple[int, int, int]] = []  # (next label, start, end) of an item's numbers
    # text spans of numbers no form row holds: subtotal rows the copy added, row numbers
    subtotals: list[tuple[int, int]] = list(numbering.values())
    for i, (ri, st, en) in enumerate(spans):
        nxt = spans[i + 1][1] if i + 1 < len(spans) else b
        if i + 1 in numbering:
            nxt = min(nxt, numbering[i + 1][0])
        full = nxt  # (the next label: an item's heading before it is read though cut)
        if cuts is not None and cuts[i] < nxt:
            # 表二 copied labels first, each column's numbers after its header: the numbers
            # after the header are not this label's (2019: 规章 and 行政许可 were read
            # blank; 2021: 规章 blank and 行政规范性文件 0 1 for 1 11, silently); the
            # table's label-only rows are then unread
            stray = stray or bool(re.search(r"\d", text[cuts[i] : nxt]))
            nxt = cuts[i]
        if key == "s2":
            # (numbers of another table after the label: neither the row's nor its item's)
            cut = _other_table(text, en, nxt)
            if cut is not None:
                nxt, full = min(nxt, cut), min(full, cut)
        if key == "s2" and layout == "2021":
            # a 第二十条第（X）项 line after a label opens the next item's block: numbers after
            # it are that block's (a copy that put the labels first and the numbers after,
            # column by column, gave 行政强制 the 行政许可 block's 3559, silently)
            # (also past a column header's cut: the labels first, then （一）'s columns
            # and the other items' headings with their numbers, as pdfminer printed it)
            block = _ITEM_HEAD.search(text, en, full)
            if block is not None:
                items.append((i + 1, block.start(), full))
                nxt = min(nxt, block.start())
        if key == "s3":
            after = spans[i + 2][1] if i + 2 < len(spans) else b
            next_blank = i + 1 < len(spans) and bool(
                _NO_CELLS.fullmatch(text, spans[i + 1][2], after)
            )
            sub = _subtotal_at(text, en, nxt, form[ri].rid, next_blank)
            if sub is not None:
                subtotals.append((sub, nxt))
                nxt = sub
        toks = first_run(
            tokenize(text, en, nxt),
            len(form[ri].ids),
            _headless(spans, i, form, text),
            totals=key != "s2",
        )
        run = row_run(toks)
        if (
            key == "s2"
            and len(form[ri].ids) == 1
            and run.vals
            and _ITEM_ONE_WORDS.search(re.sub(r"\s+", "", text[en : run.vals[0].start]))
        ):
            # an item of one cell whose number follows （一）'s column words (现行有效件数 1:
            # a PDF's reading order printed the words after the label): that number is
            # （一）'s, not this row's (行政事业性收费 read 1 for 1515.2592, silently)
            run = ValueRun([], [run.seps[0]], "", [*run.vals, *run.extra])
            stray = True
        elif (
            key == "s3" and run.vals and _other_row_opens(text, en, run.vals[0].start, text[st:en])
        ):
            # the numbers follow another row's ordinal (3.补正后 0 2 0 2 2 0 6 after 2.没有
            # 现成信息需要另行制作, whose own numbers stood before its label's second line):
            # they are that row's, whose label this reading did not find, not this one's
            run = ValueRun([], [run.seps[0]], "", [*run.vals, *run.extra])
            stray = True
        elif key == "s2" and run.vals and _PROSE_END.search(text, en, run.vals[0].start):
            # a sentence ends between the label and its first number: the number stands
            # after the section's prose, no cell of this row (pdfminer printed 表三's first
            # number before its heading: 行政事业性收费 read 3, silently)
            run = ValueRun([], [run.seps[0]], "", [*run.vals, *run.extra])
            stray = True
        runs.append((form[ri], st, en, run, toks))
    before: dict[str, str] = {}
    taken: set[int] = set()
    if items:
        before, taken, torn = _item_numbers(text, a, b, runs)
        stray = stray or bool(torn)
    for _i, seg_a, seg_b in items:
        seg = _ITEM_HEAD_LINE.sub(lambda m: " " * len(m.group()), text[seg_a:seg_b])
        nums = [m.start() + seg_a for m in re.finditer(r"\d+(?:\.\d+)?", seg)]
        stray = stray or any(n not in taken for n in nums)
    # a sentence is no table row: 上年结转申请3件，… in the prose before a table
    runs = [r for r in runs if not _in_sentence(r[3], r[4])]
    if not runs:
        return None
    # a 2019 single （六）其他处理 row, or the group label of the 2021 sub-rows
    rids = {spec.rid for spec, *_ in runs}
    if any(r.startswith("other.") for r in rids):
        runs = [r for r in runs if r[0].rid != "other"]
        layout = "2021"
    elif key == "s3":
        layout = "2019" if "other" in rids else "2021"
    # rows whose label was not recognised: their values stand in the previous row's gap
    filled: dict[str, tuple[str, str]] = {}
    runs = _fill_unlabelled(runs, form, text, filled)
    # rows whose label is lost whole, their numbers or blank cells standing there
    # (表二's first row by its place after the header; 表三's, lost, is left to the reading
    # of its grid: its header's words do not end where the first row starts)
    head_end = _after_header(k, hits[0].a, key) if key == "s2" else None
    lead = a + idx[head_end - 1] + 1 if head_end else None
    runs, lost = lost_rows(runs, form, text, layout, lead, b, filled)
    if columns is not None and len(columns) < len(COLUMNS):
        # a column the header does not name: dropped only when the rows show as many
        # values as the header names columns (else a header word this reading missed)
        shown = Counter(len(run.vals) for *_, run, _t in runs if run.vals)
        if shown[len(columns)] <= shown[len(COLUMNS)]:
            columns = None
    doubt: list[str] | None = None  # an order the header says and nothing confirms
    if (
        columns is not None
        and columns.index("total") != len(columns) - 1
        and _run_together(text[a : a + idx[hits[0].a]])
    ):
        # 总计 before the other columns in a header whose rows ran together: a 总计 the copy
        # set at the end of the 申请人情况 row reads the same, so only the rows' sums may
        # move it; where they say nothing, a row that reads otherwise in either order is
        # not read
        new, old = _sums_by_total(runs, columns)
        if new <= old:
            doubt = columns if new == old else None
            columns = None
    if columns is not None:
        runs = [(_in_columns(spec, columns), st, en, run, t) for spec, st, en, run, t in runs]
    inferred: dict[str, str] = {}
    if key == "s3" and doubt is None:
        runs = _split_runs(runs, form, layout, columns, text, inferred)
    ahead = stray  # numbers stand before the first label
    if key == "s3" and not stray:
        stray = _untaken(text, k, idx, a, runs, form, layout, subtotals)
    # the text ends inside the table (a truncated copy): the labels after the cut, which
    # may be those with nothing after them, are not in the text
    shifted = _shifted(runs, ahead, b >= len(text.rstrip())) if key == "s3" else set()
    # the table's separator, learnt from its rows
    # (not from a row showing more numbers than it has cells: a number no cell of it holds
    # stands among them, a page's number on a line of its own after a flattened 表二's last
    # row made its line break the table's, and the digits the other rows ran together
    # were read as one number each, the other cells blank, silently)
    # (where no row of no more numbers than cells shows one: a copy of one cell a
    # paragraph whose rows run on into the next rows' numbers does teach it)
    inner = [s for *_, run, _t in runs for s in run.seps[1:-1]]
    if not any(len(run.vals) <= len(spec.ids) and run.seps[1:-1] for spec, *_, run, _t in runs):
        inner = []
    leads = [run.seps[0] for *_, run, _t in runs if run.vals]
    unit, nl_mode = unit_of(inner, leads)
    paragraphs = (
        key == "s3"
        and unit == "nl"
        and _paragraphs(inner, leads, nl_mode)
        and not _cell_lines(runs)
    )
    table = FormTable(
        key,
        layout,
        [],
        (a, b),
        [spec.rid for spec, *_ in runs],
        columns=columns,
        stray=stray,
        inferred=inferred,
        streamed={rid: "item:" + head for rid, head in before.items()},
        garbled={
            **filled,
            **{
                form[g.row].rid: (
                    re.sub(r"\s+", "", text[a + idx[g.a] : a + idx[g.b - 1] + 1]),
                    g.how,
                )
                for g in garbled
            },
        },
    )
    width = {spec.rid: len(spec.ids) for spec, *_ in runs}
    # blank cells shown as line breaks between a row's numbers (a web page's copy, a cell a
    # line): the last row's gap after its numbers shows its blank cells there too
    gaps = any(_inner_count(run, unit, nl_mode) > len(run.vals) for *_, run, _t in runs)
    # sibling statistics: the leading and trailing boundaries of the rows that fill their
    # cells exactly, per class of rows that share a label structure (a label spanning the
    # three label columns, two, or one: a grid written slot by slot shows those spans as
    # empty cells after the label)
    lead_modes: dict[str, Counter[int]] = {}
    tail_modes: dict[str, Counter[int]] = {}
    trails: list[int] = []  # the cell marks after the last number of those rows
    for spec, _st, _en, run, _t in runs:
        # (not a row whose label was not found: what stands before its numbers is no
        # label's; the empty cell of a lost label counted there put its siblings' blank
        # cells one column off, silently)
        if spec.rid in filled:
            continue
        if run.vals and _inner_count(run, unit, nl_mode) == width[spec.rid]:
            cls = _row_class(spec.rid)
            lead_modes.setdefault(cls, Counter())[bounds(run.seps[0], unit, nl_mode)] += 1
            tail_modes.setdefault(cls, Counter())[bounds(run.seps[-1], unit, nl_mode)] += 1
            trail = _trail_marks(text, run, unit)
            if trail is not None:
                trails.append(trail)
    for spec, st, en, run, _toks in runs:
        cls = _row_class(spec.rid)
        lm = lead_modes[cls].most_common(1)[0][0] if cls in lead_modes else None
        tm = tail_modes[cls].most_common(1)[0][0] if cls in tail_modes else None
        # blank cells after the row's last number, beyond what a full row ends in
        trail = _trail_marks(text, run, unit)
        after = max(trail - max(trails), 0) if trail is not None and trails else 0
        if paragraphs and run.vals:
            row = FormRow(spec.rid, text[st:en], st, en, [], shown=run.text)
            if not _place_paragraphs(row, spec, run):
                # a paragraph of several rows' numbers after a label: numbers no row takes
                # here, so a label with nothing after it is no sign of a blank row
                table.stray = True
        else:
            args = (unit, nl_mode, lm, tm, key, spec is runs[-1][0] and not gaps, after)
            row = _place_row(spec, text, st, en, run, *args, serials=serials)
            if unit == "nl" and run.vals:
                row = _page_break_in_row(row, spec, text, st, en, run, args, page_breaks)
        table.rows.append(row)
    unread_lost(table.rows, lost, form, table.garbled)
    if key == "s3":
        doubt_splits(table)
        solve_requests(table)
    if (
        key == "s2"
        and layout in ("2021", "2019")
        and (stray or any(r.how == "unread" for r in table.rows))
    ):
        heads = [
            (m.group(1), h.start(), h.end())
            for h in _ITEM_HEAD_LINE.finditer(text, a, b)
            if (m := _ITEM_ORDINAL.search(h.group()))
        ]
        item_columns(text, a, b, table, layout, heads)
    for i, row in enumerate(table.rows):
        how = table.garbled.get(row.rid, ("", ""))[1]
        if how == "ordinal" and i > 0:
            # a label reduced to its ordinal, a bare number: the row before it may have
            # taken it for a value (or it is one of that row's): not read either way
            prev = table.rows[i - 1]
            prev.how = "unread"
            prev.candidates = []
            prev.cells = [FormCell(c.id, status="unread") for c in prev.cells]
        if how in ("unread", "ordinal"):
            # a text where the row stands may be its label, garbled: not read either way;
            # its numbers are taken by no row (a label with nothing after it is no blank row)
            table.stray = table.stray or bool(row.shown)
            row.how = "unread"
            row.candidates = []
            row.cells = [FormCell(c.id, status="unread") for c in row.cells]
        if row.rid in shifted and row.how != "blank":
            # the numbers after its label may be the next row's (labels printed below
            # their numbers): not read either way
            row.how = "unread"
            row.candidates = []
            row.cells = [FormCell(c.id, status="unread") for c in row.cells]
        if (row.rid in inferred or table.garbled.get(row.rid, ("", ""))[1] in ("gap", "head")) and (
            row.how != "read" or any(c.status == "blank" for c in row.cells)
        ):
            # a row read from another's run must read whole, as the run was split
            row.how = "unread"
            row.cells = [FormCell(c.id, status="unread") for c in row.cells]
        elif (
            key == "s3"
            and table.garbled.get(row.rid, ("", ""))[1] in ("gap", "head")
            and not row_sum_ok([cell_number(c.text) for c in row.cells])
        ):
            # numbers read as a row by its place alone that do not add up to their total:
            # no proof they are the row's (its label reduced to an ordinal run into its
            # first number: 10 for 1 and 0), not read rather than blamed
            row.how = "unread"
            row.cells = [FormCell(c.id, status="unread") for c in row.cells]
    if key == "s2":
        ahead_rows = _numbers_ahead(text, a, b, table.rows)
        for row in table.rows:
            if row.rid in ahead_rows and row.how not in ("blank", "unread"):
                # its numbers may be the row's before it (numbers printed above their
                # labels): not read either way
                row.how = "unread"
                row.candidates = []
                row.cells = [FormCell(c.id, status="unread") for c in row.cells]
        table.stray = table.stray or bool(ahead_rows)
    if (
        key == "s3"
        and columns is None
        and doubt is None
        and any(row.how in ("unread", "blank") for row in table.rows)
    ):
        stream_table(table, text, a, b, k, idx, runs, hits)
    elif (
        key == "s3"
        and columns is not None
        and doubt is None
        and all(c.status in ("blank", "unread") for row in table.rows for c in row.cells)
    ):
        # nothing read by a header that names the columns out of the form's order: its
        # words may stand in the order a PDF's reading order printed them (pdfminer put
        # 法人或其他组织 above 自然人, one word a line), not the columns'. The rows are read
        # as one stream in the form's order, and a row that would read otherwise in the
        # header's order is not read
        rows_before = table.rows
        stream_table(table, text, a, b, k, idx, runs, hits)
        if table.rows is not rows_before:
            doubt = columns
            table.columns = None
    if doubt is not None:
        for row in table.rows:
            if _reads_otherwise(row, doubt):
                row.how = "unread"
                row.candidates = []
                row.cells = [FormCell(c.id, status="unread") for c in row.cells]
    last_row = table.rows[-1] if table.rows else None
    if (
        last_row is not None
        and last_row.how == "blank"
        and b >= len(text.rstrip())
        and not re.search(r"\d(?![.．、])", text[last_row.label_end :])
    ):
        # the text ends with this label: its values are cut off, not blank
        last_row.how = "cut"
        last_row.cells = [FormCell(c.id, status="unread") for c in last_row.cells]
        table.ends_inside = True
    return table


# the column words of 表三's header, folded (longest first: 法人或其他组织 holds 其他)
_HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("申请人情况", "APPL"),
    ("法人或其他组织", "ORG"),
    ("社会公益组织", "social"),
    ("法律服务机构", "legal"),
    ("商业企业", "commercial"),
    ("科研机构", "research"),
    ("公益组织", "social"),
    ("社会组织", "social"),
    ("法律服务", "legal"),
    ("自然人", "natural"),
    ("企业", "commercial"),
    ("商业", "commercial"),
    ("科研", "research"),
    ("公益", "social"),
    ("其他", "other_org"),
    ("总计", "total"),
    ("合计", "total"),
)


def header_columns(head: str) -> list[str] | None:
    """The columns of 表三 in the order the copy's header (the text before the first row
    label) names them, when that is not the form's order: None for the form's seven in
    order, or when the header is not read whole (``labels.column_order``). Words are found
    across line breaks (a label broken in its cell); lines only tell which words share the
    line of 申请人情况."""
    head = head[max(head.rfind("。"), head.rfind("勾稽"), 0) :]
    k, idx = fold(head)
    folded = label_key(k)  # script and variant characters folded (其它, 總計)
    k = folded if len(folded) == len(k) else k
    breaks = [i for i, ch in enumerate(head) if ch == "\n"]
    found: list[tuple[int, str]] = []
    words: dict[int, str] = {}  # the word found at each place
    taken = [False] * len(k)
    for word, col in _HEADER_WORDS:
        i = k.find(word)
        while i >= 0:
            if not any(taken[i : i + len(word)]):
                found.append((i, col))
                words[i] = word
                for j in range(i, i + len(word)):
                    taken[j] = True
            i = k.find(word, i + len(word))
    untaken = "".join("\n" if t else ch for ch, t in zip(k, taken, strict=True))
    for word in words.values():
        if any(p in untaken for p in column_rest(word)):
            # a shortened word whose rest stands elsewhere in the header (科研 … 机构): a
            # word wrapped in its cell, the header's lines not its rows: no order from them
            return None
    lines: dict[int, list[str]] = {}
    for i, col in sorted(found):
        lines.setdefault(bisect_left(breaks, idx[i]), []).append(col)
    seq = column_order([lines[n] for n in sorted(lines)])
    if seq is None or seq == list(COLUMNS) or not set(seq) <= set(COLUMNS):
        return None
    return seq


def _run_together(head: str) -> bool:
    """The header's rows ran into one line (申请人情况 followed on its line by 法人或其他组织
    and other column words; a header of one row names the organisation columns
    themselves): where a word stood in the grid no longer shows."""
    lines = head[max(head.rfind("。"), 0) :].split("\n")
    for n, line in enumerate(lines):
        k = label_key(line)
        i = k.find("申请人情况")
        if i >= 0:
            rest = k[i + 5 :]
            if not any(w in rest for w, _ in _HEADER_WORDS[1:]):
                # 申请人情况 alone on its line and 总计 alone on the next line with a column
                # word (a copy of one cell a line): 总计 may end the first header row (the
                # form's order) or start the second (总计 first)
                nxt = (label_key(x) for x in lines[n + 1 :])
                first = next((x for x in nxt if any(w in x for w, _ in _HEADER_WORDS[1:])), "")
                return first in ("总计", "合计")
            return (
                "法人或其他组织" in rest and sum(1 for w, _ in _HEADER_WORDS[2:] if w in rest) > 1
            )
    return True


def _sums_by_total(
    runs: list[tuple[RowSpec, int, int, ValueRun, list[Tok]]], columns: list[str]
) -> tuple[int, int]:
    """How many rows add up with 总计 where ``columns`` says, and how many with it last."""
    at = columns.index("total")
    new = old = 0
    for *_, run, _t in runs:
        if len(run.vals) == len(columns):
            vals = [NUM(v.text) for v in run.vals]
            new += row_sum_ok(vals, at)
            old += row_sum_ok(vals, -1)
    return new, old


def _reads_otherwise(row: FormRow, columns: list[str]) -> bool:
    """A row of 表三 read in the form's order whose values would differ in ``columns``."""
    if row.how in ("blank", "unread", "cut") or len(row.cells) != len(columns):
        return False
    form = {c.id.rsplit(".", 1)[1]: c.text if c.status != "blank" else "" for c in row.cells}
    said = {
        col: (row.cells[i].text if row.cells[i].status != "blank" else "")
        for i, col in enumerate(columns)
    }
    return form != said


def _in_columns(spec: RowSpec, columns: list[str]) -> RowSpec:
    """A row of 表三 with its cells in the copy's columns."""
    ids = tuple(f"requests.{spec.rid}.{c}" for c in columns)
    return RowSpec(spec.rid, spec.keys, spec.label, spec.ordinal, ids)


def _shared_cells(
    run: ValueRun, cells: list[Tok | None], unit: str, nl_mode: int
) -> list[tuple[int, int]] | None:
    """The pairs of numbers of a row (their places in ``cells``) that stand between the
    same two cell marks, none in two pairs; None where a number shares its cell with two."""
    at: list[int] = []  # the place in ``cells`` of each value
    for i, c in enumerate(cells):
        if c is not None:
            at.append(i)
    pairs: list[tuple[int, int]] = []
    for j, sep in enumerate(run.seps[1:-1], 1):
        if bounds(sep, unit, nl_mode) == 0:
            if pairs and pairs[-1][1] == at[j - 1]:
                return None
            pairs.append((at[j - 1], at[j]))
    return pairs


def _trail_marks(text: str, run: ValueRun, unit: str) -> int | None:
    """The cell marks (pipes or tabs) after a row's last number on its line (and the lines
    of blank cells after it, in a copy of one tab cell a line), for a table parted by them
    (else None)."""
    if unit not in ("tab", "pipe") or not run.vals:
        return None
    a = run.vals[-1].end
    b = text.find("\n", a)
    b = b if b >= 0 else len(text)
    while unit == "tab" and (m := _TAB_CELL_LINE.match(text, b)) is not None:
        b = m.end()  # (a blank cell's line after the last number: a copy of a cell a line)
    tail = text[a:b]
    return tail.count("\t") if unit == "tab" else sum(tail.count(p) for p in "|｜¦")


_TAB_CELL_LINE = re.compile(r"\n[ \u3000]*\t[ \u3000]*(?=\n|\Z)")


def _row_class(rid: str) -> str:
    """Rows of 表三 that share a label structure in the official grid."""
    if rid in ("new", "carried_over", "carried_forward"):
        return "outer"  # label over the three label columns
    if rid in ("granted", "partial", "processed_total", "other"):
        return "result"  # label over two
    return "sub"  # numbered reasons (one label column), and every row of 表二


_COLUMN_WORDS = ("自然人", "商业企业", "科研机构", "社会公益", "法律服务", "法人或其他组织")


def _headless(
    spans: list[tuple[int, int, int]], i: int, form: tuple[RowSpec, ...], text: str
) -> bool:
    """Was the label after row ``i``'s found without its first words (「总计」 for
    「（七）总计」, a label garbled or not recognised whole)? What ends row ``i``'s gap may
    be those words (``tokens.first_run``)."""
    if i + 1 >= len(spans):
        return False
    ri, st, en = spans[i + 1]
    found = fold_text(text[st:en])
    return not form[ri].label.startswith(found)


def _in_sentence(run: ValueRun, toks: list[Tok]) -> bool:
    """The values after a label continue a sentence (…3件，…), as in prose, not a table."""
    if not run.vals:
        return False
    last = run.vals[-1]
    for t in toks:
        if t.start < last.end:
            continue
        if t.kind == "s":
            if "\n" in t.text or "\t" in t.text or "|" in t.text:
                return False
            continue
        return t.kind == "t" and t.text[:1] in "，。；,;"
    return False


_DIGIT = re.compile(r"\d")


def _other_table(text: str, en: int, nxt: int) -> int | None:
    """Where another table or list of numbers starts after a label of 表二 (the last, before
    section 三): a line of words the form does not have, then a line whose first number
    follows such words (本年度通过以下渠道主动公开政府信息： / 公开渠道 信息条数 / 政府网站
    1234): those numbers are that table's, not the label's row (a 表二 printed blank read
    1234 for its fee, silently). None where a number stands after the label first, or after
    the form's words only (a label broken over lines, a unit)."""
    start = None
    pos = text.find("\n", en, nxt)
    while pos >= 0:
        a = pos + 1
        e = text.find("\n", a, nxt)
        line = text[a : e if e >= 0 else nxt]
        if line.strip():
            d = _DIGIT.search(line)
            words = line[: d.start()] if d is not None else line
            own = not fold_text(words) or form_words(words)
            if d is not None:
                return start if start is not None and not own else None
            if not own and start is None:
                start = a
        pos = e
    return None


_NUMBER_END = re.compile(r"\d(?![\d.．、])")  # the end of a number, not of an ordinal (2.)
_PROSE_GOES_ON = re.compile(r"[ \t]*[件个条项次人户，。；,;]")  # a count in a sentence


def _number_end(text: str, lo: int, hi: int) -> re.Match[str] | None:
    """The end of the first number in ``text[lo:hi]`` (``_NUMBER_END``) that is no column's
    name (数据1 of a header ``类别 | 数据1 | … | 总计``: ``tokens.header_number``)."""
    for m in _NUMBER_END.finditer(text, lo, hi):
        i = m.end()
        while i > lo and text[i - 1].isdigit():
            i -= 1
        if not header_number(text, i, m.end()):
            return m
    return None


def _numbered(
    hits: list[LabelHit], text: str, a: int, b: int, idx: list[int]
) -> set[tuple[int, int]]:
    """The hits (start, row) with a number after them in the text before the next hit
    (``tokens.chain``); a number a sentence goes on from (申请19件，…: prose before the
    table) does not count."""
    starts = sorted({h.a for h in hits})
    out: set[tuple[int, int]] = set()
    for h in hits:
        j = bisect_left(starts, h.b)
        lo = a + idx[h.b - 1] + 1
        hi = a + idx[starts[j]] if j < len(starts) else b
        m = _number_end(text, lo, hi) if lo < hi else None
        if m is not None and not _PROSE_GOES_ON.match(text, m.end()):
            out.add((h.a, h.row))
    return out


def _label_span(
    hits: list[LabelHit], i: int, form: tuple[RowSpec, ...], k: str, seg: str, idx: list[int]
) -> tuple[int, int]:
    """The folded span of hit ``i``'s whole label (grown between its neighbours)."""
    lo = hits[i - 1].b if i else 0
    hi = hits[i + 1].a if i + 1 < len(hits) else len(k)
    return extend(hits[i], form[hits[i].row], k, seg, idx, lo, hi)


# the last words of a table's header, before its first row (folded)
_HEADER_ENDS = {
    "s3": REQUEST_HEADER_WORDS,
    "s2": ("现行有效件数", "本年废止件数", "本年制发件数", "对外公开总数量", "本年新公开数量"),
}


def _after_header(k: str, first: int, key: str) -> int | None:
    """The folded offset after the table's header words that stand before the first label
    found (None: no header there, the rows before that label are not looked for)."""
    ends = [k.rfind(w, 0, first) + len(w) for w in _HEADER_ENDS.get(key, ()) if w in k[:first]]
    return max(ends) if ends else None


def _passed_over(hits: list[LabelHit], form: tuple[RowSpec, ...]) -> set[str]:
    """Rows of （六）其他处理 the chain passes over without a doubt: the 2019 layout's
    single row where the 2021 sub-rows are found, and the sub-rows where the single row is
    found with no sub-row."""
    rids = {form[h.row].rid for h in hits}
    if any(r.startswith("other.") for r in rids):
        return {"other"}
    if "other" in rids:
        return {s.rid for s in form if s.rid.startswith("other.")}
    return set()


# a remark in brackets right after a number, up to a label's hit (335（含上年结转）), and
# from the hit to the remark's end
_REMARK_OPENS = re.compile(r"\d[ \t\u3000]?[（(](?P<inner>[^()（）\n\t|｜]{0,30})$")
_REMARK_CLOSES = re.compile(r"[^()（）\n\t|｜]{0,30}[）)]")


def _in_remark(text: str, at: int) -> bool:
    """Whether a label's hit at ``at`` stands inside a remark in brackets after a number
    (335（含上年结转）, 12（其中上年结转2件）): the cell's remark, whatever row's words it
    holds, never that row's label (二、上年结转 found there took row 一's other numbers, row
    一 was read blank and the sums blamed the report). Not an ordinal in brackets: 6（七）总计
    in a flat copy is the next row's label after a row's digits."""
    m = _REMARK_OPENS.search(text, max(0, at - 32), at)
    close = _REMARK_CLOSES.match(text, at) if m is not None else None
    if m is None or close is None:
        return False
    inner = text[m.start("inner") : close.end() - 1].strip()
    return len(_CJK_RUN.findall(inner)) >= 2 and not re.fullmatch("[一二三四五六七八九十]+", inner)


_CJK_RUN = re.compile("[\u4e00-\u9fff]")


def _plausible(h: LabelHit, form: tuple[RowSpec, ...], k: str) -> bool:
    """总计 of the column header (… 其他 | 总计 | 商业企业 …) is not the row （七）总计."""
    if form[h.row].rid != "processed_total" or k[h.a] == "七":
        return True
    near = k[max(0, h.a - 12) : h.b + 12]
    return not any(w in near for w in _COLUMN_WORDS)


_GLUED_NUMBER = re.compile(r"[：:]?[^\S\n]*\d")
_AFTER_NUMBER = re.compile(r"\d[^\S\n|｜]*[|｜]?[^\S\n]*$")
_NUMBER_ALONE = re.compile(r"[\s|｜]*[-+－]?\d+(?:\.\d+)?[\s|｜]*")


def _count_word(
    h: LabelHit, form: tuple[RowSpec, ...], k: str, text: str, a: int, idx: list[int]
) -> bool:
    """A bare 总计 or 合计 glued to a number among a row's numbers (… 0 | 合计4, or a cell a
    line after a number alone on its line): the count word of a cell (``worded_value``),
    not the row （七）总计 (taken so, the rows after it read otherwise and the sums blamed
    the report)."""
    if form[h.row].rid != "processed_total" or k[h.a] == "七" or h.b - h.a != 2:
        return False
    st, en = a + idx[h.a], a + idx[h.b - 1] + 1
    if not _GLUED_NUMBER.match(text, en):
        return False
    line = text.rfind("\n", 0, st) + 1
    before = text[line:st]
    if before.strip():
        return _AFTER_NUMBER.search(before) is not None
    prev = text[:line].rstrip().rsplit("\n", 1)[-1]
    return _NUMBER_ALONE.fullmatch(prev) is not None


def _fill_unlabelled(
    runs: list[tuple[RowSpec, int, int, ValueRun, list[Tok]]],
    form: tuple[RowSpec, ...],
    text: str,
    filled: dict[str, tuple[str, str]],
) -> list[tuple[RowSpec, int, int, ValueRun, list[Tok]]]:
    """A row whose label was not recognised, between two rows that were: its values stand
    in the gap after the first row's own values (taken when exactly one row is missing).
    The rows read so are recorded in ``filled`` (row id -> (the text before the values,
    "gap")): an inference, which a finding says."""
    out = list(runs)
    pos = {s.rid: i for i, s in enumerate(form)}
    for i, (spec, _st, en, _run, _toks) in enumerate(runs):
        if i + 1 >= len(runs):
            continue
        gap = [s for s in form[pos[spec.rid] + 1 : pos[runs[i + 1][0].rid]] if s.rid != "other"]
        if len(gap) == 1:
            toks = tokenize(text, en, runs[i + 1][1])
            ex = row_run(toks).extra
            if not ex:
                continue
            # the values with the separators before, between and after them
            first = next(j for j, t in enumerate(toks) if t.start == ex[0].start)
            first -= first > 0 and toks[first - 1].kind == "s"
            sub = [t for t in toks[first:] if t.start <= ex[-1].end]
            r2 = row_run(sub)
            if len(r2.seps) != len(ex) + 1:
                r2.seps = [""] * (len(ex) + 1)
            out.append((gap[0], ex[0].start, ex[0].start, r2, sub))
            words = [t.text for t in toks[:first] if t.kind == "t"]
            filled[gap[0].rid] = (re.sub(r"\s+", "", "".join(words[-1:])), "gap")
    out.sort(key=lambda r: pos[r[0].rid])
    return out


def _split_runs(
    runs: list[tuple[RowSpec, int, int, ValueRun, list[Tok]]],
    form: tuple[RowSpec, ...],
    layout: str | None,
    columns: list[str] | None,
    text: str,
    inferred: dict[str, str],
) -> list[tuple[RowSpec, int, int, ValueRun, list[Tok]]]:
    """表三 rows whose labels stand elsewhere (a copy in pdftotext's reading order prints a
    label of two lines, or one beside the merged 三、本年度办理结果 cell, away from its
    numbers): the numbers of the rows between two found labels then follow the first
    label's own. They are read as those rows in the form's order only when the run holds
    exactly that many rows' numbers, one after another, every row's 总计 is the sum of its
    six columns (and one of the rows read so is not all zeros, which would add up wherever
    it stood), every found label has numbers of its own after it, and the columns are the
    form's; the rows are recorded in ``inferred`` (a finding says so)."""
    pos = {s.rid: i for i, s in enumerate(form)}
    skip = ("other",) if layout != "2019" else ()
    if any(not run.vals and spec.rid not in skip for spec, _st, _en, run, _t in runs):
        # a found label with no numbers after it: a blank row, or a label printed below
        # its own numbers, which shifts every run by a row where a run's surplus would be
        # read as the missing rows' (and a blank row's zeros hide the shift from the sums)
        return runs
    out = []
    for i, item in enumerate(runs):
        spec, st, en, run, toks = item
        out.append(item)
        width = len(spec.ids)
        if len(run.vals) <= width or len(run.vals) % width:
            continue
        hi = pos[runs[i + 1][0].rid] if i + 1 < len(runs) else len(form)
        gap = [
            s
            for s in form[pos[spec.rid] + 1 : hi]
            if s.rid not in skip and not (layout == "2019" and s.rid.startswith("other."))
        ]
        if len(run.vals) != width * (len(gap) + 1) or any(len(s.ids) != width for s in gap):
            continue
        if columns is not None:
            continue  # a header that reorders the columns: no reading by position alone
        chunks = [run.vals[j : j + width] for j in range(0, len(run.vals), width)]
        at = total_at(spec.ids)
        nums = [[cell_number(t.text) for t in c] for c in chunks]
        if not all(row_sum_ok(v, at) for v in nums) or not any(v[at] for v in nums[1:]):
            continue  # a row of zeros adds up whichever row it is: no proof of the count
        seps = run.seps
        out[-1] = (spec, st, en, _sub_run(chunks[0], seps, 0), toks)
        for n, (g, chunk) in enumerate(zip(gap, chunks[1:]), start=1):
            out.append((g, chunk[0].start, chunk[0].start, _sub_run(chunk, seps, n * width), chunk))
            inferred[g.rid] = text[st:en]
    out.sort(key=lambda r: pos[r[0].rid])
    return out


def _untaken(
    text: str,
    k: str,
    idx: list[int],
    a: int,
    runs: list[tuple[RowSpec, int, int, ValueRun, list[Tok]]],
    form: tuple[RowSpec, ...],
    layout: str | None,
    subtotals: Sequence[tuple[int, int]] = (),
) -> bool:
    """Numbers in 表三 that no row took, from its header to its last row's numbers (after a
    label the chain of labels passed over, or before the first label), where a row shows no
    number or no label was found for it: such a row's numbers may be those. Counted only
    then (ordinary tables show every row's numbers). The numbers of a subtotal row the copy
    added (``subtotals``) are that row's."""
    sub = layout == "2019"
    rows = len(layout_rows(form, "2019" if sub else "2021"))
    if len(runs) >= rows and all(run.vals for *_, run, _t in runs):
        return False
    head = header_start(k, idx, a, [])
    if head is None:
        return False
    last = runs[-1]
    end = last[3].vals[-1].end if last[3].vals else last[2]
    taken = {t.start for *_, run, _t in runs for t in run.vals}
    return any(
        t.kind == "v"
        and t.start not in taken
        and not any(s <= t.start < e for s, e in subtotals)
        and not _ORDINAL_AFTER.match(text, t.end)
        for t in tokenize(text, head, end)
    )


# after a number: an ordinal broken over lines (8\n.\n属于…), or a date
_ORDINAL_AFTER = re.compile(r"\s*[.．、年月日]")


def _shifted(
    runs: list[tuple[RowSpec, int, int, ValueRun, list[Tok]]], ahead: bool, cut: bool = False
) -> set[str]:
    """Rows of 表三 whose numbers may be the next row's: labels printed below their numbers
    leave a row's worth of numbers before the first of them (after the previous label's own,
    or before the table's first label) and a label with nothing after it at the last; every
    row between reads the next row's numbers, and each adds up all the same. From such a
    surplus to the last label with no number after it, a row whose numbers differ from the
    row's worth before its label is one of them or not: which, the text does not say. In a
    copy ``cut`` inside the table with numbers before its first label, the label with
    nothing after it may be past the cut: the rows from the first label to the last are in
    doubt."""
    start = -1 if ahead else None
    for i, (spec, _st, _en, run, _t) in enumerate(runs):
        if start is None and len(run.vals) > len(spec.ids):
            start = i
    if start is None:
        return set()
    empty = [i for i, (*_x, run, _t) in enumerate(runs) if not run.vals and i > start]
    if cut and ahead:
        empty.append(len(runs))
    if not empty:
        return set()
    out: set[str] = set()
    for m in range(max(start, 0) + (start >= 0), empty[-1]):
        spec, _st, _en, run, _t = runs[m]
        width = len(spec.ids)
        before = [t.text for t in runs[m - 1][3].vals[-width:]] if m else None
        if before is None or before != [t.text for t in run.vals[:width]]:
            out.add(spec.rid)
    return out


def _paragraphs(inner: list[str], leads: list[str], nl_mode: int) -> bool:
    """表三 in pdftotext's default mode: every label a paragraph of its own (a blank line
    between it and its numbers), numbers one to a line within a paragraph (cells standing
    close one above the other: one column of several rows) and blank lines between
    paragraphs. A blank line there parts paragraphs, not cells (a blank cell prints
    nothing), where the table's smallest break (a line) would count it a blank cell."""
    return (
        nl_mode == 1
        and bool(leads)
        and all(s.count("\n") >= 2 for s in leads)
        and any(s.count("\n") >= 2 for s in inner)
    )


def _cell_lines(runs: list[tuple[RowSpec, int, int, ValueRun, list[Tok]]]) -> bool:
    """A copy of a cell a line, a blank cell a blank line (a web page's), not pdftotext's
    paragraphs: no row's numbers overrun its cells a line a cell (paragraphs, a blank line
    between any two, do from five numbers on), and most rows, blank ones too, stand as many
    lines from their label to the next, more than a row has cells (its blank cells' lines
    among them; a paragraph's blank row is its label alone)."""
    lines = []
    for spec, *_, run, toks in runs:
        if run.vals and _inner_count(run, "nl", 1) > len(spec.ids):
            return False
        lines.append(sum(t.text.count("\n") for t in toks))
    # the last row's lines run to what follows the table
    common = Counter(lines[:-1]).most_common(1)
    return bool(common) and common[0][0] > len(COLUMNS) and common[0][1] >= 0.8 * (len(lines) - 1)


def _place_paragraphs(row: FormRow, spec: RowSpec, run: ValueRun) -> bool:
    """A row of 表三 in pdftotext's default mode (``_paragraphs``): its numbers, each a
    paragraph, are its cells in order, its blank cells printed as nothing and so anywhere
    among them; the placement in which the row adds up is taken when it is the only one.
    A paragraph of several lines is a column of several rows (not this row's cells), and
    more numbers than cells are more rows': the row is not read here (the stream may), and
    False says that other rows' numbers stand after its label."""
    n = len(spec.ids)
    vals = run.vals
    if len(vals) > n or any(s.count("\n") < 2 for s in run.seps[1:-1]):
        row.how = "unread"
        row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
        return False
    cand: Cand = [(t.text, t.start, t.end) for t in vals]
    if len(vals) == n:
        row.cells = [FormCell(fid, a, b, x or "", "read") for fid, (x, a, b) in zip(spec.ids, cand)]
        return True
    anywhere = [
        [cand[at.index(c)] if c in at else NO_CELL for c in range(n)]
        for at in itertools.combinations(range(n), len(vals))
    ]
    by_arithmetic(row, spec, anywhere, "s3", "placed")
    return True


def _sub_run(vals: list[Tok], seps: list[str], at: int) -> ValueRun:
    """The run of ``vals``, the values from ``at`` of a run whose separators are ``seps``."""
    return ValueRun(list(vals), seps[at : at + len(vals) + 1], " ".join(t.text for t in vals))


def _inner_count(run: ValueRun, unit: str, nl_mode: int) -> int:
    n = len(run.vals)
    for s in run.seps[1:-1]:
        n += max(bounds(s, unit, nl_mode) - 1, 0)
    return n


def _grouped_runs(run: ValueRun) -> tuple[ValueRun, ValueRun] | None:
    """For a run holding a number grouped by thousands on a line its comma may part
    (``Tok.grouped``): the run with that number whole, and with it cut at that comma into
    cells; None where there is none."""
    if not any(v.grouped for v in run.vals):
        return None
    whole = [dataclasses.replace(v, grouped="") for v in run.vals]
    vals: list[Tok] = []
    seps = [run.seps[0]]
    for v, after in zip(run.vals, run.seps[1:]):
        if v.grouped:
            pos = v.start
            for k, piece in enumerate(v.text.split(v.grouped)):
                if k:
                    seps.append(v.grouped)
                vals.append(Tok("v", pos, pos + len(piece), piece))
                pos += len(piece) + 1
        else:
            vals.append(v)
        seps.append(after)
    return ValueRun(whole, run.seps, run.text), ValueRun(vals, seps, run.text)


def _readings(row: FormRow, n: int) -> list[Cand]:
    """The readings a placed row leaves: its candidates where unread, else its cells."""
    if row.how == "unread" or any(c.status == "unread" for c in row.cells):
        return list(row.candidates)
    got: Cand = [(c.text, c.start, c.end) if c.status != "blank" else NO_CELL for c in row.cells]
    return [got] if len(got) == n else []


def _place_row(
    spec: RowSpec,
    text: str,
    st: int,
    en: int,
    run: ValueRun,
    unit: str,
    nl_mode: int,
    lead_mode: int | None,
    tail_mode: int | None,
    key: str,
    last: bool = False,
    after: int = 0,
    serials: bool = False,
) -> FormRow:
    """One row's values placed in its cells (``after``: the blank cells its line shows after
    its last number, beyond those a full row of the table ends in; ``serials``: the table's
    序号 column stands before the labels, its digits set apart, so the next row's 序号 may end
    this row's numbers: ``_or_ends_left``)."""
    n = len(spec.ids)
    row = FormRow(spec.rid, text[st:en], st, en, [], shown=run.text)

    def fill(cand: list[tuple[str | None, int, int]], status: str) -> None:
        row.cells = [
            FormCell(fid, a, b, x or "", status if x is not None else "blank")
            for fid, (x, a, b) in zip(spec.ids, cand)
        ]

    if not run.vals:
        # no value: empty cells (pipes or tabs of an empty row), or nothing shown at all
        row.how = "blank"
        row.cells = [FormCell(fid, status="blank") for fid in spec.ids]
        return row
    vals = run.vals
    if _sign_apart(text, vals):
        # a dash glued to the number before it and spaced from the digits after it (a page's
        # text nodes run together, the sign printed apart from its digits: 「214- 35821」 of
        # 214, -3, 5821 or of 214, —, 35821): nothing says which, the row is named, not read
        row.shown = text[vals[0].start : vals[-1].end]
        return _unread_row(row, spec)
    # residue among the values (x, 不详): its number unknown, no sum may place the row
    opaque = any(is_debris(v.text) or word_cell(v.text) for v in vals)
    # blanks inside the run, by the separators
    cells: list[Tok | None] = [vals[0]]
    for s, v in zip(run.seps[1:-1], vals[1:]):
        extra = max(bounds(s, unit, nl_mode) - 1, 0) if unit != "space" else 0
        cells += [None] * extra + [v]
    edge = n - len(cells)
    as_cand: Cand = [(c.text, c.start, c.end) if c is not None else NO_CELL for c in cells]
    both = _grouped_runs(run) if n >= 2 else None
    if both is not None and _inner_count(both[1], unit, nl_mode) <= n:
        # a number grouped by the comma that parts its line's cells (「5，120，356」 in a row
        # of three): one number or cells, nothing on the line says which; the row is
        # unread with the readings of both named (the sums may pick one), never guessed
        args = (unit, nl_mode, lead_mode, tail_mode, key, last)
        ways: list[list[Cand]] = []
        for way in both:
            got = _readings(_place_row(spec, text, st, en, way, *args), n)
            if not got and len(way.vals) <= n:  # (its place not found: in order, blanks last)
                got = [
                    [(v.text, v.start, v.end) for v in way.vals] + [NO_CELL] * (n - len(way.vals))
                ]
            ways.append(got)
        readings: list[Cand] = []
        for pair in itertools.zip_longest(*ways):  # (each way's first readings shown first)
            readings += [c for c in pair if c is not None and c not in readings]
        row.how = "unread"
        row.candidates = readings[:200]
        row.checked = False
        row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
        return row
    if edge == 0 and not (unit == "space" and len(vals) < n):
        turned = (
            _turned_lines(run, as_cand, total_at(spec.ids)) if key == "s3" and not opaque else []
        )
        if turned:
            return by_arithmetic(row, spec, turned, key, "reordered")
        fill(as_cand, "read")
        return row
    if 0 < edge and key == "s3" and len(vals) == 2 and NUM(vals[0].text) == NUM(vals[1].text):
        # one applicant number and its total, the other cells not shown: the sum holds in
        # whichever applicant column it stands, and siblings' separators do not say which
        # (a grid that lost its blank columns prints "1<tab>1"; by the sum it always read
        # 其他, by the siblings 自然人 and 商业企业): nothing to decide by. Only its 总计
        # is the same in every placement that adds up (``settle_agreed`` reads it)
        if opaque:
            return _unread_row(row, spec)
        anywhere = [
            [as_cand[at.index(c)] if c in at else NO_CELL for c in range(n)]
            for at in itertools.combinations(range(n), len(vals))
        ]
        by_arithmetic(row, spec, anywhere, key, "placed")
        if row.how != "unread":  # (one placement only: the row's cells are too few)
            return _unread_row(row, spec)
        return _or_ends_left(row, spec, vals, key) if serials else row
    if 0 < edge and unit != "space":
        lead = None
        # the label side shows more blank cells than the row has: one of its breaks is no
        # cell's (a page number's line taken away with a blank line of its own), and the
        # other side's count may be off by as many; only the arithmetic may place the row
        over = False
        if lead_mode is not None:
            lb = bounds(run.seps[0], unit, nl_mode) - lead_mode
            if 0 <= lb <= edge:
                lead = lb
            over = lb > edge
        tb = None
        # the table's last row's numbers run to what follows the table: that gap tells its
        # blank cells only in whole line breaks of the table's (a blank cell's lines), not
        # one line more than a sibling's (3 newlines where a cell takes 2)
        loose = last and unit == "nl" and run.seps[-1].count("\n") % max(nl_mode, 1) != 0
        if tail_mode is not None and not loose and not over:
            t = bounds(run.seps[-1], unit, nl_mode) - tail_mode
            if 0 <= t <= edge:
                tb = t
        if (
            key in ("s2", "s3")
            and unit == "nl"
            and lead == 0
            and tb in (0, None)
            and len(cells) == len(vals)
            and text[vals[-1].end :].strip()
        ):
            # short of cells, yet no blank shows before, between or after its values (the
            # last row's gap to what follows the table saying nothing), and the text goes
            # on (not a row cut by the copy's end): the blank cells printed nothing (a
            # PDF's text in reading order), any of its cells may be the blanks. With no
            # sibling row to say what follows a row's last value (``tb`` None), whether its
            # blanks print as lines (then at its end) or as nothing (then anywhere) the text
            # does not say either. Only the arithmetic may place them (a row of 6 0 0 0 0 6
            # was read 其他 6, 总计 blank, and blamed). 表二 has no arithmetic: such a row
            # is unread (规章 22 235 of three cells, a crawl's blank gone, was read 22 235
            # and a blank 现行有效件数 blamed)
            anywhere = [
                [as_cand[at.index(c)] if c in at else NO_CELL for c in range(n)]
                for at in itertools.combinations(range(n), len(vals))
            ]
            if opaque:
                return _unread_row(row, spec)
            placed = by_arithmetic(row, spec, anywhere, key, "placed")
            return _or_ends_left(placed, spec, vals, key) if serials else placed
        if lead and unit in ("tab", "pipe") and lead + len(cells) + after > n:
            # the label side shows a blank cell, and with the blank cells after its numbers
            # the row holds more cells than the table: an empty cell after the label (the
            # row shifted, its last cell blank) or its first cell blank and one more after
            # its numbers; only its sums may tell
            placings = [
                [NO_CELL] * ld + as_cand + [NO_CELL] * (edge - ld) for ld in (lead - 1, lead)
            ]
            at = total_at(spec.ids)
            if opaque or (key == "s3" and any(p[at][0] is None for p in placings)):
                # (a reading whose 总计 is blank no sum checks: one that adds up is no
                # sign against it, as likely a coincidence as the row)
                row.candidates = placings
                return _unread_row(row, spec)
            return by_arithmetic(row, spec, placings, key, "placed")
        # the label side first: what follows a row's last value (spacer lines of pipes, the
        # next row's merged cells) varies more than what follows its label
        if lead is not None:
            fill([NO_CELL] * lead + as_cand + [NO_CELL] * (edge - lead), "read")
            row.how = "separators"
            return row
        if lead is None and tb is not None:
            lead = edge - tb
            fill([NO_CELL] * lead + as_cand + [NO_CELL] * tb, "read")
            row.how = "separators"
            return row
        if last and not text[vals[-1].end :].strip(" \t\n\f|｜¦"):
            # the copy ends inside the row (a truncated text): its numbers are its first
            # cells, those after them are not in the text (a row of 0s cut after its fifth
            # was placed by 0 = 0 + 0 at its end)
            row.cells = [
                FormCell(fid, a, b, x or "", "read" if x is not None else "blank")
                for fid, (x, a, b) in zip(spec.ids, as_cand)
            ] + [FormCell(fid, status="unread") for fid in spec.ids[len(as_cand) :]]
            row.how = "separators"
            return row
        # the separators do not say where the blanks stand: the arithmetic decides
        options: list[Cand] = [
            [NO_CELL] * ld + as_cand + [NO_CELL] * (edge - ld) for ld in range(edge + 1)
        ]
        if opaque:
            return _unread_row(row, spec)
        placed = by_arithmetic(row, spec, options, key, "placed")
        # (a line a cell: the next row's 序号 may end the row's lines as a cell's number)
        return _or_ends_left(placed, spec, vals, key) if serials and unit == "nl" else placed
    if (
        edge < 0
        and unit == "nl"
        and len(vals) == n
        and len({s.count("\n") for s in run.seps[1:-1]}) == 1
    ):
        # as many values as cells, every two apart by the same blank lines, which the
        # table's smallest break counts as blank cells: the row would overflow. Blank lines
        # that part paragraphs (a PDF's text in reading order, where a value alone on its
        # line is a paragraph and a blank cell prints nothing) part cells only
        fill([(t.text, t.start, t.end) for t in vals], "read")
        return row
    if edge < 0 and unit == "pipe" and key == "s3" and not opaque:
        shared = _shared_cells(run, cells, unit, nl_mode)
        if shared is not None and len(shared) == -edge:
            # as many pairs of numbers between the same two pipes as the row has numbers
            # too many: one of each pair is no cell's (a page's number on the line after a
            # cell's, 0 / 5 / |): the readings that keep one of each, by the row's sums
            # (a window that added up read a page's 5 and 6 among 3.危及 1 0 0 0 0 0 1)
            options = []
            for drop in itertools.product(*shared):
                keep = [c for i, c in enumerate(as_cand) if i not in drop]
                if len(keep) == n:
                    options.append(keep)
            return by_arithmetic(row, spec, options, key, "placed")
    if edge < 0 and unit != "space":
        # more cells than the form: keep a window whose outside is empty, else arithmetic
        # (in linear time: the windows that hold every filled cell)
        filled = [i for i, c in enumerate(cells) if c is not None]
        lo, hi = max(0, filled[-1] - n + 1), min(filled[0], len(cells) - n)
        options = [as_cand[s0 : s0 + n] for s0 in range(lo, hi + 1)]
        if len(options) == 1:
            fill(options[0], "read")
            return row
        if not options and len(cells) - n <= 3:
            # a stray number or two beside the row: the arithmetic picks the window; with
            # more, a window that adds up is as likely a coincidence (a run of 0s and a
            # 1 1 2 of other rows' numbers) as the row
            options = [as_cand[s0 : s0 + n] for s0 in range(len(cells) - n + 1)]
            if key == "s3" and len(cells) == n + 1:
                # one number more: a page's number printed bare in the reading order stands
                # between two of the row's cells as well as beside them; a reading without
                # it that adds up as well leaves the row in doubt (4 1 0 [4] 1 0 0 6 read
                # 1 0 4 1 0 0 6 by the window that adds up, the column sums then blamed)
                options += [
                    as_cand[:i] + as_cand[i + 1 :]
                    for i in range(1, len(cells) - 1)
                    if cells[i] is not None
                ]
        joins = _joins(key, spec, vals, cells, opaque)
        if not options and not joins:
            row.how = "unread"  # far more numbers than the row has cells
            row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
            return row
        if opaque:
            return _unread_row(row, spec)
        if unit == "nl" and (apart := digits_apart(row, spec, options, key)) is not None:
            return apart
        return _joined_how(
            _or_blanks(
                by_arithmetic(row, spec, options + joins, key, "placed"), spec, vals, cells, key
            )
        )
    # no separator tells the cells apart (a flattened copy): the digits are cut by the
    # arithmetic, first with every cell holding a number, then with blanks that vanished
    check = row_check(total_at(spec.ids)) if key == "s3" else CHECKS.get(key)
    checked = check is not None  # (the table's arithmetic, not the signs below)
    if key == "s2":
        check = sign_check(spec.ids, check)
    if opaque:
        return _unread_row(row, spec)
    full = full_splits(run.vals, n, check)
    if full:
        if len(full) == 1:
            how = "read" if len(run.vals) == n else "split"
            fill(full[0], how)
            row.how = how
            return row
        row.how = "unread"
        row.candidates = full[:200]
        row.checked = checked
        row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
        return row
    cands = candidates(run, n)
    if not cands:
        joins = _joins(key, spec, vals, cells, opaque)
        row.how = "unread"
        row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
        if joins:
            by_arithmetic(row, spec, joins, key, "placed")
        return _joined_how(_or_blanks(row, spec, vals, cells, key))
    placed = by_arithmetic(row, spec, cands, key, "placed")
    return _or_ends_left(placed, spec, vals, key) if serials and len(vals) < n else placed


def _joinable(
    key: str, spec: RowSpec, vals: list[Tok], cells: list[Tok | None], opaque: bool
) -> bool:
    """Whether a row of 表三 or 表四 shows more numbers than it has cells, each a plain run of
    digits, and no blank cell between them: neighbouring numbers may then be one number's
    digits set apart."""
    return (
        key in ("s3", "s4")
        and not opaque
        and len(cells) == len(vals) > len(spec.ids)
        and all(t.digits for t in vals)
    )


def _joins(
    key: str, spec: RowSpec, vals: list[Tok], cells: list[Tok | None], opaque: bool
) -> list[Cand]:
    """The readings of a ``_joinable`` row that join such numbers (``joined_readings``, no
    blank cell), with those that leave numbers at its ends out (``_ends_left``); none where
    the search is cut short or no join adds up."""
    if not _joinable(key, spec, vals, cells, opaque):
        return []
    check = row_check(total_at(spec.ids)) if key == "s3" else CHECKS[key]
    joins = joined_readings(vals, len(spec.ids), check) or []
    return joins + _ends_left(key, spec, vals) if joins else []


def _or_blanks(
    row: FormRow, spec: RowSpec, vals: list[Tok], cells: list[Tok | None], key: str
) -> FormRow:
    """A row of joined digits that no reading with every cell filled satisfies: then the
    readings with blank cells that printed nothing as well (the fewest assumptions first,
    as digits run together are cut)."""
    if row.how != "unread" or row.checked or not _joinable(key, spec, vals, cells, False):
        return row
    check = row_check(total_at(spec.ids)) if key == "s3" else CHECKS[key]
    joins = joined_readings(vals, len(spec.ids), check, blanks=True)
    if not joins:
        return row
    return by_arithmetic(row, spec, joins + _ends_left(key, spec, vals), key, "placed")


def _ends_left(key: str, spec: RowSpec, vals: list[Tok], most: int = 3) -> list[Cand]:
    """The readings of a row showing more numbers than it has cells that leave out a number
    or two at its ends as no cell's (an unheaded 占比 column after 总计, a 序号 before the next
    row's label, a footnote's 1 after this one's), every cell filled, digits joined or not,
    that add up. They compete with the readings that join digits: a join is inferred only
    where no such reading adds up as well (2 0 0 0 0 0 2 | 0 is not 20 … 20 with a blank)."""
    n = len(spec.ids)
    check = row_check(total_at(spec.ids)) if key == "s3" else CHECKS[key]
    out: list[Cand] = []
    for i in range(most + 1):
        for j in range(most + 1):
            part = vals[i : len(vals) - j]
            if not (i or j) or len(part) < n:
                continue
            if len(part) == n:
                vs: list[int | float | None] = [NUM(t.text) for t in part]
                if check(vs, True):
                    out.append([(t.text, t.start, t.end) for t in part])
            else:
                out += joined_readings(part, n, check) or []
    return out


def _or_ends_left(row: FormRow, spec: RowSpec, vals: list[Tok], key: str) -> FormRow:
    """A row of 表三 placed anywhere among its cells (its blank cells printed nothing) by the
    readings that add up, checked against those that leave up to three numbers out at its
    end as no cell's (the next row's 序号 on the same line: 0 1 1 of a row whose only
    number is its 总计 0 and of 序号 11; placed anywhere, 0 1 adds up only with 总计 1),
    placed anywhere too, blanks counted as 0 (a 总计 0 alone adds up). Where one of them
    reads a cell otherwise, the row is unread with them all among its readings (the
    column sums may pick one; ``settle_agreed`` reads only what they all agree on), never
    read as the numbers at its end make it."""
    if key != "s3" or row.how not in ("placed", "unread") or len(vals) < 2:
        return row
    if row.how == "unread" and (not row.checked or not row.candidates):
        return row
    n = len(spec.ids)
    at = total_at(spec.ids)
    if row.how == "placed":
        got: Cand = [
            (c.text, c.start, c.end) if c.status != "blank" else NO_CELL for c in row.cells
        ]
        kept = [got]
    else:
        kept = list(row.candidates)
    seen = {tuple(x for x, _, _ in c) for c in kept}
    extra: list[Cand] = []
    for j in range(1, min(3, len(vals) - 1) + 1):
        part = vals[: len(vals) - j]
        if len(part) <= n:
            for slots in itertools.combinations(range(n), len(part)):
                cand: Cand = [NO_CELL] * n
                for slot, t in zip(slots, part):
                    cand[slot] = (t.text, t.start, t.end)
                nums = [NUM(x) for x, _, _ in cand]
                total = nums[at]
                if total is None or sum(v or 0 for k, v in enumerate(nums) if k != at) != total:
                    continue
                if tuple(x for x, _, _ in cand) not in seen:
                    seen.add(tuple(x for x, _, _ in cand))
                    extra.append(cand)
    if not extra:
        return row
    row.how = "unread"
    row.candidates = (kept + extra)[:200]
    row.checked = len(kept) + len(extra) <= 200
    row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
    return row


def _joined_how(row: FormRow) -> FormRow:
    """A row read with numbers joined from digits set apart: how "joined" (its finding says
    so), not "placed"."""
    if row.how == "placed" and any(
        c.status == "placed" and c.end - c.start != len(c.text) for c in row.cells
    ):
        row.how = "joined"
    return row


def _page_break_in_row(
    row: FormRow,
    spec: RowSpec,
    text: str,
    st: int,
    en: int,
    run: ValueRun,
    args: tuple[str, int, int | None, int | None, str, bool, int],
    page_breaks: Sequence[tuple[int, int, int]],
) -> FormRow:
    """``row`` placed again where a page number's line was taken away from between its
    label and its last value, in a table whose cells a line break parts: how many of the
    line breaks left there were the text's own is a guess (a blank line padding the number
    or a blank cell's), so the row is placed with each count from one to the most; a count
    by which the row's cells would run past its last (more blank cells than it has) is
    refuted. The row as the other counts all place it, else not read (a page number between
    予以公开's label and its cells left a blank line more, and its 0 landed in 其他, silently)."""
    if not page_breaks:
        return row
    unit, nl_mode, lead_mode, *_rest = args
    seps = list(run.seps)
    # where each separator stands in the text: before the first value, between, after
    spans = [(run.vals[0].start - len(seps[0]), run.vals[0].start)]
    spans += [(p.end, v.start) for p, v in zip(run.vals, run.vals[1:])]
    spans.append((run.vals[-1].end, run.vals[-1].end + len(seps[-1])))
    hits = [
        (k, a - s0, b - a, most)
        for a, b, most in page_breaks
        for k, (s0, s1) in enumerate(spans)
        if s0 <= a and b <= s1 and seps[k][a - s0 : b - s0] == text[a:b]
    ]
    if len(hits) != 1:
        # (none; two page numbers in one row: no count of either to trust)
        return row if not hits else _unread_row(row, spec)
    k, at, n, most = hits[0]
    n_cells = len(spec.ids)
    outcomes: dict[tuple[tuple[str, str], ...], FormRow] = {}
    for count in range(1, most + 1):
        alt = list(seps)
        alt[k] = seps[k][:at] + "\n" * count + seps[k][at + n :]
        trial = ValueRun(run.vals, alt, run.text, run.extra)
        inner = _inner_count(trial, unit, nl_mode)
        lead = bounds(alt[0], unit, nl_mode) - lead_mode if lead_mode is not None else 0
        if inner > n_cells or lead + inner > n_cells:
            continue  # more cells than the row has: not this count
        placed = row if count == n else _place_row(spec, text, st, en, trial, *args)
        outcomes.setdefault(tuple((c.text, c.status) for c in placed.cells), placed)
    if len(outcomes) == 1:
        return next(iter(outcomes.values()))
    return _unread_row(row, spec)


_DASHES = "-－–"
_SPACED_DIGIT = re.compile(r"[ \t\u3000\u00a0]+\d")


def _sign_apart(text: str, vals: list[Tok]) -> bool:
    """Whether a value of the run ends in a dash glued to a digit (「214-」, 「费11-」) and
    only spaces part it from the digits after it: a sign printed apart from its number, or
    a placeholder glued to the cell before; the text does not say which."""
    return any(
        v.end >= 2
        and text[v.end - 1] in _DASHES
        and text[v.end - 2].isdigit()
        and _SPACED_DIGIT.match(text, v.end) is not None
        for v in vals
    )


def _unread_row(row: FormRow, spec: RowSpec) -> FormRow:
    row.how = "unread"
    row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
    return row


def _turned_lines(run: ValueRun, cand: Cand, at: int = -1) -> list[Cand]:
    """A row of section 三 whose numbers stand on two or more lines, in an order its own
    arithmetic refutes, where the lines taken in another order satisfy it: the readings
    that put a line's numbers after the next line's. (Text copied from a PDF whose label
    wrapped: the 总计 cell on the label's first line, the six others on the next.)"""
    if len(cand) != len(run.vals) or row_sum_ok([NUM(x) for x, _, _ in cand], at):
        return []
    starts = [i for i in range(1, len(run.vals)) if "\n" in run.seps[i]]
    turned = [cand[i:] + cand[:i] for i in starts]
    return [t for t in turned if row_sum_ok([NUM(x) for x, _, _ in t], at)]


# the words of 表四's five columns (维持, 纠正, 其他, 尚未审结, 总计), folded
_REVIEW_COLUMN = re.compile("维持|纠正|其他|审结|总计|合计")


def _group_ahead(text: str, a: int, chunks: list[list[Tok]]) -> bool:
    """Whether the column words before some run of 表四's numbers (the header's words among
    the numbers) name a whole group's five columns more than the cells up to the run's end
    in the text's order: a group's words printed with none of its numbers, which then
    stand elsewhere, so the text's order of the groups says nothing."""
    done = 0
    for c in chunks:
        said = len(_REVIEW_COLUMN.findall(fold_text(text[a : c[0].start])))
        if said >= done + len(c) + 5:
            return True
        done += len(c)
    return False


_REVIEW_ORDER = {"维持": 0, "纠正": 1, "其他": 2, "尚未": 3, "审结": 3, "总计": 4, "合计": 4}
_REVIEW_WORD = re.compile("|".join(_REVIEW_ORDER))


def _against_words(text: str, chunks: list[list[Tok]], seq: list[Tok]) -> bool:
    """Whether a run of 表四's numbers after column words naming as many columns as it
    holds numbers is read into other columns (``seq``: the 15 numbers in the form's
    order). pdfminer printed 尚未审结 其他结果 结果纠正 0 44 0 结果维持 48 总计 92: read in
    the text's order the group added up as 维持 0 纠正 44 其他 0 审结 48, silently wrong.
    The words' order counts only where it is the form's reversed (cells printed right to
    left); else the words of two-line header cells come out interleaved (pdftotext: 结果
    其他 尚未 纠正 结果 审结 0 1 5, the numbers in the form's order)."""
    col = {t.start: n % 5 for n, t in enumerate(seq)}
    for prev, c in itertools.pairwise(chunks):
        said = _REVIEW_COLUMN.findall(fold_text(text[prev[-1].end : c[0].start]))
        if len(said) == len(c) and sorted(_REVIEW_ORDER[w] for w in said) != sorted(
            col[t.start] for t in c
        ):
            return True
        # words of one group's columns in the form's reverse order before as many numbers
        # of that group: pdfminer printed the cells right to left (尚未审结 其他结果 结果纠正
        # 4 6 6: 审结 4 其他 6 纠正 6, read 纠正 4 审结 6, silently); where the reverse
        # reads otherwise, which order holds is not known (a column by its first word)
        cols = list(
            dict.fromkeys(
                _REVIEW_ORDER[w]
                for w in _REVIEW_WORD.findall(fold_text(text[prev[-1].end : c[0].start]))
            )
        )
        k = len(cols)
        at = [n for n, t in enumerate(seq) if t.start in {x.start for x in c[:k]}]
        if 2 <= k <= len(c) and len({n // 5 for n in at}) == 1:
            got = [col[t.start] for t in c[:k]]
            if cols == sorted(cols, reverse=True) and got == cols[::-1]:
                if [cell_number(t.text) for t in c[:k]] != [
                    cell_number(t.text) for t in reversed(c[:k])
                ]:
                    return True
    return False


# 表四 printed transposed into labelled lines: a group's name on a line of its own (行政复议,
# 未经复议直接起诉, 复议后起诉; 行政诉讼 above the last two), then each figure after its word
# (维持：27, 结果纠正: 3, 总计 30件), a line each or a group's five on one line
_SP = r"[ \t\u3000]*"  # spaces inside a line (a word never runs over two lines here)
_REVIEW_GROUP_WORD = re.compile(
    r"(?P<after>(?:经\s*)?复\s*议\s*后\s*(?:起\s*诉|提\s*起\s*诉\s*讼))"
    r"|(?P<direct>(?:未\s*经\s*复\s*议\s*)?直\s*接\s*(?:起\s*诉|提\s*起\s*诉\s*讼))"
    r"|(?P<recon>行\s*政\s*复\s*议)".replace(r"\s*", _SP)
)
_REVIEW_FIELD_WORD = re.compile(
    (
        r"(?P<word>(?:结\s*果\s*)?维\s*持|(?:结\s*果\s*)?纠\s*正|其\s*他\s*(?:结\s*果)?"
        r"|尚\s*未\s*审\s*结|未\s*审\s*结|总\s*计|合\s*计)"
        r"\s*[：:|]?\s*(?P<num>\d+)?(?:\s*件)?"
    ).replace(r"\s*", _SP)
)
_REVIEW_GROUP_IDS = {
    "recon": "reconsideration",
    "direct": "litigation_direct",
    "after": "litigation_after",
}


def _review_field(word: str) -> str:
    w = re.sub(r"\s", "", word)
    if "维持" in w:
        return "upheld"
    if "纠正" in w:
        return "corrected"
    if "其他" in w:
        return "other"
    if "审结" in w:
        return "pending"
    return "total"


def _labelled_reviews(text: str, a: int, b: int) -> FormRow | None:
    """表四 as labelled lines (``_REVIEW_GROUP_WORD`` / ``_REVIEW_FIELD_WORD``): taken only
    when every one of the fifteen figures stands after its own word, under its own group,
    once, and no other number stands among them (words after the fifteenth without a number
    of their own are prose: 以上案件均维持原行政行为); a word with nothing after it (before the
    next word or the line's end) is a blank cell."""
    seg = text[a:b]
    marks: list[tuple[int, str, str, re.Match[str]]] = []
    for m in _REVIEW_GROUP_WORD.finditer(seg):
        g = next(n for n in ("after", "direct", "recon") if m.group(n))
        marks.append((m.start(), "group", g, m))
    for m in _REVIEW_FIELD_WORD.finditer(seg):
        marks.append((m.start(), "field", _review_field(m.group("word")), m))
    marks.sort(key=lambda x: x[0])
    found: dict[str, FormCell] = {}
    group: str | None = None
    first = last = -1
    for _, kind, what, m in marks:
        if len(found) == len(REVIEW_IDS_ORDER):
            # all fifteen placed: a sentence after them naming a result (维持原行政行为,
            # 纠正案件较上年减少2件) is no cell; a second figure after a word is (two
            # readings of a cell: none taken)
            if kind == "field" and m.group("num") is not None:
                return None
            continue
        if kind == "group":
            group = _REVIEW_GROUP_IDS[what]
            continue
        if group is None:
            continue
        fid = f"reviews.{group}.{what}"
        if fid in found:
            return None
        num = m.group("num")
        if num is None:
            rest = seg[m.end() : m.end() + 1]
            after_word = m.group(0) != m.group("word") and (
                _REVIEW_FIELD_WORD.match(seg, m.end()) or _REVIEW_GROUP_WORD.match(seg, m.end())
            )
            if rest and rest not in "\n，,；;、| \t\u3000" and not after_word:
                return None
            found[fid] = FormCell(fid, status="blank")
        else:
            found[fid] = FormCell(fid, a + m.start("num"), a + m.end("num"), num)
        first = m.start() if first < 0 else first
        last = m.end()
    if len(found) != len(REVIEW_IDS_ORDER) or not any(c.text for c in found.values()):
        return None
    # no number in between but the figures' own (a table's run, a stray column)
    used = {(c.start - a) for c in found.values() if c.text}
    for m in re.finditer(r"\d+", seg[first:last]):
        if first + m.start() not in used:
            return None
    return FormRow(
        "reviews",
        "表四",
        a + first,
        a + first,
        [found[f] for f in REVIEW_IDS_ORDER],
        shown=re.sub(r"\s+", " ", seg[first:last])[:200],
    )


_REVIEW_LITIGATION = re.compile(r"行\s*政\s*诉\s*讼".replace(r"\s*", _SP))


# what names no group of a half of 表四: a caption naming both halves (行政复议、行政诉讼情况)
# and a note line (注：…)
_REVIEW_NOT_HEADER = re.compile(
    r"(?m)^[ \t\u3000]*注[：:].*$|"
    + r"行\s*政\s*复\s*议\s*[、和及与/]\s*行\s*政\s*诉\s*讼".replace(r"\s*", _SP)
)


def review_groups(head: str) -> list[str] | None:
    """The groups of 表四 a stretch of its header names, in the order it prints them
    (行政复议, 未经复议直接起诉, 复议后起诉; 行政诉讼 for the last two where it names neither),
    or None when it names one twice apart (a caption 行政复议、行政诉讼情况 above the table's
    own 行政复议 is the same group said again: only as neighbours). A caption naming both
    (行政复议、行政诉讼情况) or a note (注：本年度无行政复议案件) names no group of its half:
    above the 行政诉讼 half it made the half's groups 行政复议's too, and the half was
    read in the form's order (its numbers in the wrong groups, silently)."""
    head = _REVIEW_NOT_HEADER.sub(lambda m: " " * len(m.group()), head)
    marks = [
        (m.start(), _REVIEW_GROUP_IDS[next(g for g in ("after", "direct", "recon") if m.group(g))])
        for m in _REVIEW_GROUP_WORD.finditer(head)
    ]
    subgroups = any(g != "reconsideration" for _, g in marks)
    if not subgroups:
        marks += [(m.start(), "litigation") for m in _REVIEW_LITIGATION.finditer(head)]
    out: list[str] = []
    for _, g in sorted(marks):
        for one in ("litigation_direct", "litigation_after") if g == "litigation" else (g,):
            if out and out[-1] == one:
                continue
            if one in out:
                return None
            out.append(one)
    return out


def _reviews_by_groups(text: str, a: int, b: int) -> FormRow | None:
    """表四 whose runs of numbers each stand under the header of the groups they are:
    printed as two tables (行政复议, then 行政诉讼, or the other way round), or only one of
    them (the 行政诉讼 half after a page break, the other lost): each run's cells go to the
    groups its own header names, in the order it names them, when that header names five
    columns per group (as many cells as the run may hold); the groups no header names are
    unread (the tool's limit), never filled by another group's numbers in the form's order.
    None where the table is one header over one run in the form's order, or the header's
    words and the numbers do not pair so (the words among the numbers: a PDF's order)."""
    toks = tokenize(text, a, b)
    stretches: list[tuple[int, int, int]] = []  # (its header's start, its run's, its end)
    head_at = a
    i = 0
    while i < len(toks):
        if toks[i].kind != "v":
            i += 1
            continue
        st = max((t.end for t in toks[:i] if t.kind == "t" and t.end >= head_at), default=head_at)
        j = i
        while j < len(toks) and toks[j].kind != "t":
            j += 1
        en = toks[j].start if j < len(toks) else b
        stretches.append((head_at, st, en))
        head_at = en
        i = j
    if not stretches:
        return None
    cells: dict[str, FormCell] = {}
    order: list[str] = []
    shown: list[str] = []
    for head_at, st, en in stretches:
        head = fold_text(text[head_at:st])
        groups = review_groups(text[head_at:st])
        if (
            not groups
            and order
            and order != list(REVIEW_GROUPS[: len(order)])
            and len(_REVIEW_COLUMN.findall(head)) == 5
        ):
            # five columns naming no group after a header out of the form's order (行政诉讼's
            # table, then one whose caption 行政复议 the copy lost): no group's, unread —
            # read in the form's order, 行政诉讼's numbers went to 行政复议
            shown.append(text[st:en].strip()[:60])
            continue
        if not groups or any(g in order for g in groups):
            return None
        n = 5 * len(groups)
        if len(_REVIEW_COLUMN.findall(head)) != n:
            return None
        ids = tuple(f"reviews.{g}.{f}" for g in groups for f in REVIEW_FIELDS)
        run = row_run(first_run(tokenize(text, st, en), n, trailing=False))
        if len(run.vals) > n:
            return None
        order += groups
        htoks = tokenize(text, head_at, st)
        between = [
            t.text
            for x, t in enumerate(htoks[1:-1], 1)
            if t.kind == "s" and htoks[x - 1].kind == "t" and htoks[x + 1].kind == "t"
        ]
        unit, nl_mode = unit_of(run.seps[1:-1], between)
        spec = RowSpec("reviews", (), "", None, ids)
        row = _place_row(spec, text, st, st, run, unit, nl_mode, None, None, "s4")
        for c in row.cells:
            cells[c.id] = c if row.how != "unread" else FormCell(c.id, status="unread")
        shown.append(run.text)
    if order == list(REVIEW_GROUPS) and (
        len(stretches) == 1 or any(c.status == "unread" for c in cells.values())
    ):
        # the form's own order: the reading of one run (or its chunks) stands — unless
        # the table stands as two, each header over its own run (行政复议's five columns,
        # then 行政诉讼's ten), each run read whole: the run after the last header is
        # only the second table's
        return None
    if len(stretches) == 1 and len(order) == len(REVIEW_GROUPS):
        # one header over one run naming all three groups: the form's table, whose header
        # words a copy may print out of their columns' order (a cell of two paragraphs,
        # 未经复议 / 直接起诉, printed around the line holding 复议后起诉): the order its
        # words stand in is no evidence against the form's
        return None
    return FormRow(
        "reviews",
        "表四",
        stretches[0][1],
        stretches[0][1],
        [cells.get(f) or FormCell(f, status="unread") for f in REVIEW_IDS_ORDER],
        shown=" ".join(shown)[:200],
        headed=True,
    )


def _read_reviews(text: str, a: int, b: int) -> FormTable | None:
    k, idx = fold_region(text, a, b)
    if not k:
        return None
    labelled = _labelled_reviews(text, a, b)
    if labelled is not None:
        return FormTable("s4", None, [labelled], (a, b), ["header"])
    halves = _reviews_by_groups(text, a, b)
    if halves is not None:
        return FormTable("s4", None, [halves], (a, b), ["header"])
    # the header's last word before the first run of values
    end = -1
    for w in REVIEW_HEADER_KEYS:
        i = k.rfind(w)
        while i >= 0:
            j = i + len(w)
            if j < len(k) and k[j].isdigit():
                end = max(end, j)
                break
            if j >= len(k):
                break
            i = k.rfind(w, 0, i)
    has_header = "复议" in k and ("诉讼" in k or "起诉" in k)
    if end < 0:
        if not has_header:
            return None
        # header present but no value right after its words: the first values after it
        i = max((k.rfind(w) + len(w) for w in REVIEW_HEADER_KEYS if w in k), default=-1)
        end = i if 0 <= i < len(k) else -1
    spec = RowSpec("reviews", (), "", None, REVIEW_IDS_ORDER)
    table = FormTable("s4", None, [], (a, b), ["header"] if has_header else [])
    if end < 0:
        table.rows.append(
            FormRow(
                "reviews",
                "",
                a,
                a,
                [FormCell(f, status="unread") for f in REVIEW_IDS_ORDER],
                how="unread",
            )
        )
        table.ends_inside = b >= len(text.rstrip())
        return table
    st = a + idx[end - 1] + 1
    # (words standing as a cell among the values, 见说明: a value the tool cannot read, in
    # its place; taken for text, they ended the run and none of the 15 cells was read)
    toks = first_run(tokenize(text, st, b), len(REVIEW_IDS_ORDER), trailing=False)
    toks += tokenize(text, toks[-1].end, b) if toks and toks[-1].end < b else []
    run = row_run(toks)
    # the header's cells stand apart as the values do: the breaks between its words are
    # samples of one cell boundary too (the values alone may all have blanks between them)
    head = tokenize(text, a, st)
    words = set(REVIEW_HEADER_KEYS) | {"行政复议", "行政诉讼", "未经复议直接起诉"}
    between = [
        t.text
        for i, t in enumerate(head[1:-1], 1)
        if t.kind == "s"
        and head[i - 1].kind == "t"
        and head[i + 1].kind == "t"
        and fold_text(head[i - 1].text) in words
        and fold_text(head[i + 1].text) in words
    ]
    unit, nl_mode = unit_of(run.seps[1:-1], between)
    row = _place_row(spec, text, st, st, run, unit, nl_mode, None, None, "s4")
    row.label = "表四"
    n = len(REVIEW_IDS_ORDER)
    if row.how == "unread" and len(run.vals) > n and len({v.text for v in run.vals}) == 1:
        # more numbers than cells, all alike (a stray column of 0s beside an all-0 table):
        # whichever of them are the table's, every cell reads the same; said so
        row.how = "read"
        row.cells = [
            FormCell(f, t.start, t.end, t.text) for f, t in zip(REVIEW_IDS_ORDER, run.vals)
        ]
        table.streamed["reviews"] = f"alike:{len(run.vals)}"
    chunks = review_chunks(text, a, b) if len(run.vals) < n else None
    if chunks is not None and len(chunks) > 1:
        # the header's words among the numbers (a PDF's reading order): the runs between
        # them put back in the one order the groups' sums and the text's order allow; the
        # run after the header's last word is then not the table (its blanks are no blanks)
        got = reviews_by_chunks(chunks)
        if got is not None and (
            _group_ahead(text, a, chunks) or _against_words(text, chunks, got[0])
        ):
            # a whole group's column words stand before a run with no number among them:
            # the run may be any group's (pdfminer printed 行政复议's numbers last, after
            # 复议后起诉's; read in the text's order each group added up, silently wrong)
            got = None
        if got is None:
            row.how = "unread"
            row.candidates = []
            row.cells = [FormCell(f, status="unread") for f in REVIEW_IDS_ORDER]
            row.shown = " ".join(t.text for c in chunks for t in c)
        else:
            seq, moved = got
            row.how = "read"
            row.candidates = []
            row.shown = " ".join(t.text for t in seq)
            row.cells = [FormCell(f, t.start, t.end, t.text) for f, t in zip(REVIEW_IDS_ORDER, seq)]
            if moved:
                table.streamed["reviews"] = "moved"
    table.rows.append(row)
    shown = sum(len(c) for c in chunks) if chunks else len(run.vals)
    if shown < 15 and b >= len(text.rstrip()) and row.how == "unread":
        table.ends_inside = True
    return table
