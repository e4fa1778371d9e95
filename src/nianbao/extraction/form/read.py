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

This module is pure: it returns a :class:`FormReading`; :mod:`extract` merges it into the
Report and words the findings.
"""

from __future__ import annotations

import heapq
import itertools
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ...readers.labels import parse_value
from ...schema import COLUMNS, REVIEW_FIELDS, REVIEW_GROUPS

__all__ = [
    "FormCell",
    "FormRow",
    "FormTable",
    "FormReading",
    "read_form",
    "find_headings",
    "HeadingHit",
    "cell_number",
]

# ----------------------------------------------------------------------------- folding
_SEPS = " \t\n\r\f\v\u3000\u00a0|｜¦"  # what stands between two cells
_SEP = frozenset(_SEPS)
# what folding keeps: everything but whitespace, punctuation and pipes
_KEEP = re.compile(
    r"[^\s\u00a0\u3000\"'“”‘’「」『』()（）\[\]【】<>《》、，,。.．·:：;；!！?？\-—–_~*#|｜¦/\\+]+"
)


def fold(text: str) -> tuple[str, list[int]]:
    """The text without whitespace, punctuation and pipes, and for each kept character its
    offset in ``text``."""
    keep: list[str] = []
    idx: list[int] = []
    for m in _KEEP.finditer(text):
        keep.append(m.group())
        idx.extend(range(m.start(), m.end()))
    return "".join(keep), idx


_last_fold: list[tuple[str, str, list[int]]] = []  # the last whole text folded (one entry)


def fold_region(text: str, a: int, b: int) -> tuple[str, list[int]]:
    """``fold(text[a:b])``, cut from one fold of the whole text (offsets relative to ``a``)."""
    if _last_fold and _last_fold[0][0] is text:
        _, k, idx = _last_fold[0]
    elif a > 0 or b < len(text):
        return fold(text[a:b])  # a region alone: no need to fold the whole text
    else:
        k, idx = fold(text)
        _last_fold[:] = [(text, k, idx)]
    i0 = bisect_left(idx, a)
    i1 = bisect_left(idx, b)
    return k[i0:i1], [x - a for x in idx[i0:i1]]


# ----------------------------------------------------------------------------- the form
@dataclass(frozen=True, eq=False)
class RowSpec:
    rid: str  # row id inside the table: "new", "denied.state_secret", "regulations", …
    keys: tuple[str, ...]  # folded keywords
    label: str  # the canonical label, folded (for extending a found keyword)
    ordinal: str | None = None  # the Arabic ordinal printed before a sub-row's label
    ids: tuple[str, ...] = ()  # cell ids in order


def _req(rid: str, label: str, keys: tuple[str, ...], ordinal: str | None = None) -> RowSpec:
    return RowSpec(
        rid, keys, fold(label)[0], ordinal, tuple(f"requests.{rid}.{c}" for c in COLUMNS)
    )


REQUEST_FORM: tuple[RowSpec, ...] = (
    _req(
        "new",
        "一、本年新收政府信息公开申请数量",
        ("本年新收", "新收政府信息公开申请", "本年度新收"),
    ),
    _req(
        "carried_over",
        "二、上年结转政府信息公开申请数量",
        ("上年结转", "上年度结转", "上一年结转", "上一年度结转"),
    ),
    _req("granted", "三、本年度办理结果（一）予以公开", ("予以公开", "予已公开", "同意公开")),
    _req("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",)),
    _req("denied.state_secret", "（三）不予公开1.属于国家秘密", ("国家秘密",), "1"),
    _req(
        "denied.law_forbidden",
        "2.其他法律行政法规禁止公开",
        ("法规禁止公开", "法律行政法规", "行政止公开"),
        "2",
    ),
    _req("denied.safety_stability", "3.危及“三安全一稳定”", ("三安全一稳定", "危及"), "3"),
    _req("denied.third_party", "4.保护第三方合法权益", ("第三方",), "4"),
    _req("denied.internal_affairs", "5.属于三类内部事务信息", ("内部事务",), "5"),
    _req("denied.process_info", "6.属于四类过程性信息", ("过程性",), "6"),
    _req("denied.enforcement_file", "7.属于行政执法案卷", ("执法案卷",), "7"),
    _req("denied.admin_query", "8.属于行政查询事项", ("行政查询", "查询事项"), "8"),
    _req("unable.not_held", "（四）无法提供1.本机关不掌握相关政府信息", ("不掌握",), "1"),
    _req("unable.needs_creation", "2.没有现成信息需要另行制作", ("另行制作", "没有现成"), "2"),
    _req("unable.unclear", "3.补正后申请内容仍不明确", ("仍不明确", "补正后申请"), "3"),
    _req("rejected.petition", "（五）不予处理1.信访举报投诉类申请", ("信访", "举报投诉"), "1"),
    _req("rejected.duplicate", "2.重复申请", ("重复申请",), "2"),
    _req("rejected.publication", "3.要求提供公开出版物", ("出版物",), "3"),
    _req("rejected.excessive", "4.无正当理由大量反复申请", ("大量反复", "反复申请"), "4"),
    _req(
        "rejected.confirm",
        "5.要求行政机关确认或重新出具已获取信息",
        ("重新出具", "确认或重新", "已获取信息"),
        "5",
    ),
    _req("other", "（六）其他处理", ("其他处理",)),
    _req(
        "other.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("逾期不补正", "无正当理由逾期"),
        "1",
    ),
    _req(
        "other.no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("收费通知", "缴纳费用", "未按收费"),
        "2",
    ),
    _req("other.misc", "3.其他", ("3其他", "三其他"), "3"),
    _req("processed_total", "（七）总计", ("七总计", "总计", "七合计", "合计")),
    _req(
        "carried_forward",
        "四、结转下年度继续办理",
        ("结转下年度", "结转下一年度", "转下一年度", "结转下年", "转入下年度"),
    ),
)


def _act(rid: str, label: str, keys: tuple[str, ...], ids: tuple[str, ...]) -> RowSpec:
    return RowSpec(rid, keys, fold(label)[0], None, ids)


def _a21(row: str) -> tuple[str, ...]:
    if row in ("regulations", "normative"):
        return tuple(f"active.{row}.{f}" for f in ("issued", "repealed", "in_force"))
    return (f"active.{row}",)


ACTIVE_FORM_2021: tuple[RowSpec, ...] = (
    _act("regulations", "规章", ("规章",), _a21("regulations")),
    _act("normative", "行政规范性文件", ("行政规范性文件", "规范性文件"), _a21("normative")),
    _act("licensing", "行政许可", ("行政许可",), _a21("licensing")),
    _act("penalty", "行政处罚", ("行政处罚",), _a21("penalty")),
    _act("coercion", "行政强制", ("行政强制",), _a21("coercion")),
    _act("fees", "行政事业性收费", ("行政事业性收费",), _a21("fees")),
)
_F19 = {
    "regulations": ("made", "published", "total_public"),
    "normative": ("made", "published", "total_public"),
    "licensing": ("items_prev", "items_delta", "decisions"),
    "other_services": ("items_prev", "items_delta", "decisions"),
    "penalty": ("items_prev", "items_delta", "decisions"),
    "coercion": ("items_prev", "items_delta", "decisions"),
    "fees": ("items_prev", "items_delta"),
    "procurement": ("items", "amount"),
}


def _a19(row: str) -> tuple[str, ...]:
    return tuple(f"active2019.{row}.{f}" for f in _F19[row])


ACTIVE_FORM_2019: tuple[RowSpec, ...] = (
    _act("regulations", "规章", ("规章",), _a19("regulations")),
    _act("normative", "规范性文件", ("规范性文件",), _a19("normative")),
    _act("licensing", "行政许可", ("行政许可",), _a19("licensing")),
    _act(
        "other_services",
        "其他对外管理服务事项",
        ("其他对外管理服务事项", "对外管理服务"),
        _a19("other_services"),
    ),
    _act("penalty", "行政处罚", ("行政处罚",), _a19("penalty")),
    _act("coercion", "行政强制", ("行政强制",), _a19("coercion")),
    _act("fees", "行政事业性收费", ("行政事业性收费",), _a19("fees")),
    _act("procurement", "政府集中采购", ("政府集中采购",), _a19("procurement")),
)
REVIEW_IDS_ORDER: tuple[str, ...] = tuple(
    f"reviews.{g}.{f}" for g in REVIEW_GROUPS for f in REVIEW_FIELDS
)
_REVIEW_HEADER_KEYS = (
    "复议后起诉",
    "直接起诉",
    "尚未审结",
    "其他结果",
    "结果纠正",
    "结果维持",
    "总计",
)


# ----------------------------------------------------------------------------- headings
_SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "s1": ("总体情况", "基本情况", "总体概况"),
    "s2": ("主动公开政府信息情况", "主动公开情况", "主动公开政府信息"),
    "s3": (
        "收到和处理政府信息公开申请情况",
        "收到和处理政府信息公开申请",
        "收到和处理申请情况",
    ),
    "s4": (
        "政府信息公开行政复议行政诉讼情况",
        "行政复议行政诉讼情况",
        "被申请行政复议提起行政诉讼情况",
        "行政复议和行政诉讼情况",
    ),
    "s5": (
        "存在的主要问题及改进情况",
        "存在的问题及改进情况",
        "存在问题及改进情况",
        "存在的主要问题",
        "存在的问题",
    ),
    "s6": ("其他需要报告的事项", "其他需要报告事项", "其他需要报告的情况"),
}
_NUMERAL = {"s1": "一", "s2": "二", "s3": "三", "s4": "四", "s5": "五", "s6": "六"}


@dataclass(frozen=True)
class HeadingHit:
    section: str
    start: int  # offsets in the text searched
    end: int
    text: str


def find_headings(text: str) -> dict[str, HeadingHit]:
    """Section headings anywhere in ``text``, in mid-line too (a page flattened to one line):
    the Chinese ordinal, then the heading's wording. The first hit of each section after the
    previous section's wins."""
    k, idx = fold_region(text, 0, len(text))
    out: dict[str, HeadingHit] = {}
    pos = 0
    for sec in ("s1", "s2", "s3", "s4", "s5", "s6"):
        best: tuple[int, int] | None = None
        for w in _SECTION_WORDS[sec]:
            probe = _NUMERAL[sec] + w
            i = k.find(probe, pos)
            if i >= 0 and (best is None or i < best[0]):
                best = (i, i + len(probe))
        if best is None:
            continue
        a, b = best
        st, en = idx[a], idx[b - 1] + 1
        out[sec] = HeadingHit(sec, st, en, text[st:en])
        pos = b
    return out


# ----------------------------------------------------------------------------- tokens


@dataclass(slots=True)
class Tok:
    kind: str  # v (value) | s (separator run) | t (other text)
    start: int
    end: int
    text: str
    digits: bool = False  # a plain run of digits (may be split)


_MASTER = re.compile(
    rf"(?P<s>[{_SEPS}]+)"
    r"|(?P<delta>(?:增加|减少|新增)\s*\d+)"
    r"|(?P<num>[-+－]?\d+(?:[,，]\d{3})*(?:\.\d+)?)(?P<unit>\s*(?:万元|元|件|个|条|项|次|家|份))?"
    r"|(?P<ph>—+|－+|–|/|／|\\|×|无|-{1,2})"
    rf"|(?P<t>[^{_SEPS}0-9—－–/／]+|.)",
    re.S,
)


def tokenize(text: str, a: int, b: int, first_run: bool = False) -> list[Tok]:
    """The text between two labels as separator runs, values and other text; with
    ``first_run`` only up to the text that ends the first run of values."""
    out: list[Tok] = []
    seen_value = False
    for m in _MASTER.finditer(text, a, b):
        i, j = m.span()
        kind = m.lastgroup
        if kind == "unit":
            kind = "num"
        if kind == "ph":
            # a placeholder stands alone: not 无 of 无法提供, not the dash of a range
            before = text[i - 1] if i > a else " "
            after = text[j] if j < b else " "
            if (before not in _SEP and not before.isdigit()) or (
                after not in _SEP and not after.isdigit()
            ):
                kind = "t"
        elif kind == "num" and m.group("unit") is None:
            after = text[j] if j < b else " "
            if after in ".．、":
                kind = "t"  # an ordinal (1.属于…) left of a label not found
        if kind == "s":
            out.append(Tok("s", i, j, m.group()))
        elif kind == "t":
            if out and out[-1].kind == "t":
                out[-1].end = j
                out[-1].text = text[out[-1].start : j]
            else:
                out.append(Tok("t", i, j, m.group()))
                if first_run and seen_value:
                    return out
        else:
            seen_value = True
            tok = m.group()
            # a digit run that may be cut into cells (a row of 表三 has at most 7 numbers,
            # 表四 15: a longer run is no table row and is kept whole)
            plain = kind == "num" and tok.isdigit() and len(tok) <= 60
            out.append(Tok("v", i, j, tok, plain))
    return out


# ----------------------------------------------------------------------------- results
@dataclass
class FormCell:
    id: str
    start: int = -1  # offsets in the document text (normalised); -1 when blank/unread
    end: int = -1
    text: str = ""  # the token as written ("" for a blank)
    status: str = "read"  # read | blank | split | placed | unread


@dataclass
class FormRow:
    rid: str
    label: str  # the label as written
    label_start: int
    label_end: int
    cells: list[FormCell]
    how: str = "read"  # read | separators | split | placed | unread | blank
    candidates: list[list[tuple[str | None, int, int]]] = field(default_factory=list)
    checked: bool = False  # the candidates satisfy the table's arithmetic (else merely possible)
    shown: str = ""  # the values as they stand in the text (for findings)


@dataclass
class FormTable:
    key: str  # s2 | s3 | s4
    layout: str | None
    rows: list[FormRow]
    region: tuple[int, int]
    labels_found: list[str]
    ends_inside: bool = False  # the text ends inside this table


@dataclass
class FormReading:
    tables: dict[str, FormTable]
    headings: dict[str, HeadingHit]


# ----------------------------------------------------------------------------- label chain
@dataclass(slots=True)
class _Hit:
    row: int
    a: int  # folded offsets of the label
    b: int


def _occurrences(k: str, form: tuple[RowSpec, ...]) -> list[_Hit]:
    hits: list[_Hit] = []
    for ri, spec in enumerate(form):
        for key in spec.keys:
            i = k.find(key)
            while i >= 0:
                hits.append(_Hit(ri, i, i + len(key)))
                i = k.find(key, i + 1)
    return hits


def _chain(hits: list[_Hit]) -> list[_Hit]:
    """The longest chain of hits in the form's row order and in text order (ties: the chain
    spanning the least text, so that prose before a table does not lend it a label).

    A dynamic programme over the form's rows, linear in the hits: for each row the best chain
    ending in a hit of it whose label is already behind the current position — longest,
    then starting latest (which, whatever hit extends it, spans the least text)."""
    if not hits:
        return []
    hits = sorted(hits, key=lambda h: (h.a, h.row))
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
        cur = (1, h.a, -1)
        for r in range(h.row):
            b = best_by_row[r]
            if b is not None and (b[0] + 1, b[1]) > cur[:2]:
                cur = (b[0] + 1, b[1], b[2])
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


def _extend(
    hit: _Hit, spec: RowSpec, k: str, text: str, idx: list[int], lo: int, hi: int
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
    if spec.ordinal and a > lo and k[a - 1] == spec.ordinal:
        # the ordinal (2.其他…) belongs to the label when it stands apart from a value
        o = idx[a - 1]
        after = text[o + 1] if o + 1 < len(text) else ""
        before = text[o - 1] if o > 0 else ""
        if after in ".．、" or not before.isdigit():
            a -= 1
    b = hit.b
    while b < hi and k[b] in tail and not k[b].isdigit():
        b += 1
    return a, b


# ----------------------------------------------------------------------------- placing
def _bounds(sep: str, unit: str, nl_mode: int) -> int:
    if unit == "pipe":
        return sep.count("|") + sep.count("｜") + sep.count("¦")
    if unit == "tab":
        return sep.count("\t")
    if unit == "nl":
        n = sep.count("\n")
        return (n + nl_mode // 2) // max(nl_mode, 1)
    return 1 if sep else 0


def _unit_of(inner: list[str], lead: list[str] | None = None) -> tuple[str, int]:
    """The table's cell separator (pipe, tab, line break, or only spaces/nothing), from the
    separators between neighbouring values; for line breaks also how many make one cell
    boundary (1, or 2 when cells stand apart by blank lines)."""
    if not inner:
        return "space", 1
    n = len(inner)
    if sum(1 for s in inner if any(p in s for p in "|｜¦")) >= 0.6 * n:
        return "pipe", 1
    if sum(1 for s in inner if "\t" in s) >= 0.6 * n:
        return "tab", 1
    if sum(1 for s in inner if "\n" in s) >= 0.6 * n:
        # the smallest break between two neighbouring cells is one cell boundary
        breaks = [s.count("\n") for s in inner + (lead or []) if "\n" in s]
        return "nl", min(breaks)
    return "space", 1


@dataclass
class _Run:
    """The values of one row as they stand: value tokens and the separators around them."""

    vals: list[Tok]
    seps: list[str]  # len(vals) + 1: before the first, between, after the last
    text: str  # what stands there, for findings
    extra: list[Tok] = field(default_factory=list)  # values in a second run (unassigned)


def _row_run(toks: list[Tok]) -> _Run:
    vals: list[Tok] = []
    seps: list[str] = []
    i = 0
    n = len(toks)
    lead = ""
    # skip the rest of the label (text) before the values
    while i < n and toks[i].kind != "v":
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
    seps.append(cur) if vals else None
    if not vals:
        seps = [lead]
    extra = [t for t in toks[i:] if t.kind == "v"]
    shown = " ".join(t.text for t in vals)
    return _Run(vals, seps, shown, extra)


def _splits(s: str, parts: int, limit: int = 20000) -> list[list[str]]:
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


_num = cell_number


# A candidate row: for each cell, the token text (None = blank) and, for split digits, the
# offsets of the piece.
_Cand = list[tuple[str | None, int, int]]
_NONE: tuple[str | None, int, int] = (None, -1, -1)


def _full_splits(
    toks: list[Tok],
    n: int,
    check: Callable[[list[int | float | None], bool], bool] | None,
    limit: int = 201,
    budget: int = 200_000,
) -> list[_Cand]:
    """Every way to cut the row's tokens into exactly ``n`` numbers (plain digit runs cut
    without leading zeros; other tokens whole) that the table's arithmetic accepts.
    ``check(values, complete)`` may reject a prefix early."""
    out: list[_Cand] = []
    steps = 0
    # the fewest cells the remaining tokens need / the most they can give
    need = [0] * (len(toks) + 1)
    give = [0] * (len(toks) + 1)
    for i in range(len(toks) - 1, -1, -1):
        t = toks[i]
        need[i] = need[i + 1] + 1
        give[i] = give[i + 1] + (len(t.text) if t.digits else 1)

    def rec(ti: int, pos: int, acc: _Cand, vals: list[int | float | None]) -> None:
        nonlocal steps
        steps += 1
        if len(out) >= limit or steps > budget:
            return
        if ti == len(toks):
            if len(acc) == n and (check is None or check(vals, True)):
                out.append(list(acc))
            return
        t = toks[ti]
        left = n - len(acc)
        if not t.digits:
            if check is None or check(vals + [_num(t.text)], False):
                rec(ti + 1, 0, acc + [(t.text, t.start, t.end)], vals + [_num(t.text)])
            return
        s = t.text[pos:]
        # this piece ends the token, or leaves digits for more pieces of it
        for j in range(1, len(s) + 1):
            piece = s[:j]
            if piece != "0" and piece[0] == "0":
                break
            rest = len(s) - j
            cells_after = left - 1
            if rest:
                lo, hi = need[ti + 1] + 1, give[ti + 1] + rest
            else:
                lo, hi = need[ti + 1], give[ti + 1]
            if not lo <= cells_after <= hi:
                continue
            v = int(piece)
            if check is not None and not check(vals + [v], False):
                continue
            a = t.start + pos
            item = (piece, a, a + j)
            if rest:
                rec(ti, pos + j, acc + [item], vals + [v])
            else:
                rec(ti + 1, 0, acc + [item], vals + [v])

    if toks and give[0] >= n >= need[0]:
        rec(0, 0, [], [])
    return out


def _check_row(vals: list[int | float | None], complete: bool) -> bool:
    if not complete:
        return True
    return _row_sum_ok(vals)


def _check_review(vals: list[int | float | None], complete: bool) -> bool:
    k = len(vals)
    if k % 5 == 0 and k:
        w = vals[k - 5 : k]
        if w[4] is None or sum(v or 0 for v in w[:4]) != w[4]:
            return False
    return True


_CHECKS: dict[str, Callable[[list[int | float | None], bool], bool]] = {
    "s3": _check_row,
    "s4": _check_review,
}


def _candidates(run: _Run, n: int, max_cands: int = 5000) -> list[_Cand]:
    """Every way the row's values could fill its ``n`` cells when separators say nothing:
    digit runs cut into numbers, then the numbers placed in order with blanks between."""
    if len(run.vals) > n:
        return []  # more numbers than cells: nothing to place them by
    pieces_per_tok: list[list[list[tuple[str, int, int]]]] = []
    for t in run.vals:
        opts: list[list[tuple[str, int, int]]] = [[(t.text, t.start, t.end)]]
        if t.digits and len(t.text) > 1:
            for p in range(2, min(len(t.text), n) + 1):
                for cut in _splits(t.text, p, 2000):
                    pos = t.start
                    seq = []
                    for piece in cut:
                        seq.append((piece, pos, pos + len(piece)))
                        pos += len(piece)
                    opts.append(seq)
        pieces_per_tok.append(opts)
    out: list[_Cand] = []
    for tried, combo in enumerate(itertools.product(*pieces_per_tok)):
        if tried >= 50_000:
            break  # the row is left unread rather than searched without end
        flat = [p for seq in combo for p in seq]
        m = len(flat)
        if m > n:
            continue
        if m == n:
            out.append([(x, a, b) for x, a, b in flat])
        else:
            for slots in itertools.combinations(range(n), m):
                cand: _Cand = [_NONE] * n
                for slot, item in zip(slots, flat):
                    cand[slot] = item
                out.append(list(cand))
                if len(out) > max_cands:
                    return out
        if len(out) > max_cands:
            return out
    return out


def _row_sum_ok(vals: list[int | float | None]) -> bool:
    """Section 三: the six applicant columns add up to 总计 (blanks count as 0). A 总计 with
    every applicant cell blank proves nothing about where the numbers stand."""
    if vals[-1] is None or all(v is None for v in vals[:-1]):
        return False
    return sum(v or 0 for v in vals[:-1]) == vals[-1]


def _review_ok(vals: list[int | float | None]) -> bool:
    for g in range(3):
        w = vals[g * 5 : g * 5 + 5]
        if w[4] is None or sum(v or 0 for v in w[:4]) != w[4]:
            return False
        if w[4] != 0 and all(v is None for v in w[:4]):
            return False
    return True


# ----------------------------------------------------------------------------- the reading
_S2_WORDS_2019 = ("本年新制作", "本年新公开", "上一年项目", "对外管理服务", "政府集中采购")
_S2_WORDS_2021 = ("本年制发", "本年废止", "现行有效件数", "本年收费金额")


def read_form(
    text: str,
    headings: dict[str, HeadingHit] | None = None,
    skip: frozenset[str] = frozenset(),
) -> FormReading:
    """Read the three tables of a report's (normalised) text by the form (all but the
    tables in ``skip``: "s2", "s3", "s4")."""
    heads = headings if headings is not None else find_headings(text)
    regions = _regions(text, heads)
    tables: dict[str, FormTable] = {}
    for key, (a, b) in regions.items():
        if a >= b or key in skip:
            continue
        if key == "s4":
            t = _read_reviews(text, a, b)
        elif key == "s3":
            t = _read_rows(text, a, b, "s3", REQUEST_FORM, None)
        else:
            seg = fold_region(text, a, b)[0]
            says19 = any(w in seg for w in _S2_WORDS_2019)
            says21 = any(w in seg for w in _S2_WORDS_2021)
            layout = "2019" if says19 and not says21 else "2021"
            form = ACTIVE_FORM_2019 if layout == "2019" else ACTIVE_FORM_2021
            t = _read_rows(text, a, b, "s2", form, layout)
            if t is not None and not (says19 or says21):
                t.layout = None  # no column header says which layout: no signal
        if t is not None:
            tables[key] = t
    return FormReading(tables, heads)


def _regions(text: str, heads: dict[str, HeadingHit]) -> dict[str, tuple[int, int]]:
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
    text: str, a: int, b: int, key: str, form: tuple[RowSpec, ...], layout: str | None
) -> FormTable | None:
    k, idx = fold_region(text, a, b)
    hits = _chain([h for h in _occurrences(k, form) if _plausible(h, form, k)])
    if not hits:
        return None
    spans: list[tuple[int, int, int]] = []  # (row, text start, text end)
    for i, h in enumerate(hits):
        lo = hits[i - 1].b if i else 0
        hi = hits[i + 1].a if i + 1 < len(hits) else len(k)
        fa, fb = _extend(h, form[h.row], k, text[a:b], idx, lo, hi)
        st, en = a + idx[fa], a + idx[fb - 1] + 1
        # the brackets and quotes that folding dropped around the label's ends
        if st > a and text[st - 1] in "（(":
            st -= 1
        while en < b and text[en] in "）)”」\"'":
            en += 1
        spans.append((h.row, st, en))
    # the runs of values after each label
    runs: list[tuple[RowSpec, int, int, _Run, list[Tok]]] = []
    for i, (ri, st, en) in enumerate(spans):
        nxt = spans[i + 1][1] if i + 1 < len(spans) else b
        toks = tokenize(text, en, nxt, first_run=True)
        runs.append((form[ri], st, en, _row_run(toks), toks))
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
    runs = _fill_unlabelled(runs, form, text)
    # the table's separator, learnt from its rows
    inner = [s for *_, run, _t in runs for s in run.seps[1:-1]]
    unit, nl_mode = _unit_of(inner, [run.seps[0] for *_, run, _t in runs if run.vals])
    table = FormTable(key, layout, [], (a, b), [spec.rid for spec, *_ in runs])
    width = {spec.rid: len(spec.ids) for spec, *_ in runs}
    # sibling statistics: the leading and trailing boundaries of the rows that fill their
    # cells exactly, per class of rows that share a label structure (a label spanning the
    # three label columns, two, or one: a grid written slot by slot shows those spans as
    # empty cells after the label)
    lead_modes: dict[str, Counter[int]] = {}
    tail_modes: dict[str, Counter[int]] = {}
    for spec, _st, _en, run, _t in runs:
        if run.vals and _inner_count(run, unit, nl_mode) == width[spec.rid]:
            cls = _row_class(spec.rid)
            lead_modes.setdefault(cls, Counter())[_bounds(run.seps[0], unit, nl_mode)] += 1
            tail_modes.setdefault(cls, Counter())[_bounds(run.seps[-1], unit, nl_mode)] += 1
    for spec, st, en, run, _toks in runs:
        cls = _row_class(spec.rid)
        lm = lead_modes[cls].most_common(1)[0][0] if cls in lead_modes else None
        tm = tail_modes[cls].most_common(1)[0][0] if cls in tail_modes else None
        row = _place_row(spec, text, st, en, run, unit, nl_mode, lm, tm, key)
        table.rows.append(row)
    if key == "s3":
        _solve_requests(table)
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


def _row_class(rid: str) -> str:
    """Rows of 表三 that share a label structure in the official grid."""
    if rid in ("new", "carried_over", "carried_forward"):
        return "outer"  # label over the three label columns
    if rid in ("granted", "partial", "processed_total", "other"):
        return "result"  # label over two
    return "sub"  # numbered reasons (one label column), and every row of 表二


_COLUMN_WORDS = ("自然人", "商业企业", "科研机构", "社会公益", "法律服务", "法人或其他组织")


def _in_sentence(run: _Run, toks: list[Tok]) -> bool:
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


def _plausible(h: _Hit, form: tuple[RowSpec, ...], k: str) -> bool:
    """总计 of the column header (… 其他 | 总计 | 商业企业 …) is not the row （七）总计."""
    if form[h.row].rid != "processed_total" or k[h.a] == "七":
        return True
    near = k[max(0, h.a - 12) : h.b + 12]
    return not any(w in near for w in _COLUMN_WORDS)


def _fill_unlabelled(
    runs: list[tuple[RowSpec, int, int, _Run, list[Tok]]], form: tuple[RowSpec, ...], text: str
) -> list[tuple[RowSpec, int, int, _Run, list[Tok]]]:
    """A row whose label was not recognised, between two rows that were: its values stand
    in the gap after the first row's own values (taken when exactly one row is missing)."""
    out = list(runs)
    pos = {s.rid: i for i, s in enumerate(form)}
    for i, (spec, _st, en, _run, _toks) in enumerate(runs):
        if i + 1 >= len(runs):
            continue
        gap = [s for s in form[pos[spec.rid] + 1 : pos[runs[i + 1][0].rid]] if s.rid != "other"]
        if len(gap) == 1:
            toks = tokenize(text, en, runs[i + 1][1])
            ex = _row_run(toks).extra
            if not ex:
                continue
            seps = [""] + [""] * (len(ex) - 1) + [""]
            # keep the separators between the stray values
            sub = [t for t in toks if ex[0].start <= t.start <= ex[-1].end]
            r2 = _row_run(sub)
            r2.seps = seps if len(r2.seps) != len(ex) + 1 else r2.seps
            out.append((gap[0], ex[0].start, ex[0].start, r2, sub))
    out.sort(key=lambda r: pos[r[0].rid])
    return out


def _inner_count(run: _Run, unit: str, nl_mode: int) -> int:
    n = len(run.vals)
    for s in run.seps[1:-1]:
        n += max(_bounds(s, unit, nl_mode) - 1, 0)
    return n


def _place_row(
    spec: RowSpec,
    text: str,
    st: int,
    en: int,
    run: _Run,
    unit: str,
    nl_mode: int,
    lead_mode: int | None,
    tail_mode: int | None,
    key: str,
) -> FormRow:
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
    # blanks inside the run, by the separators
    cells: list[Tok | None] = [vals[0]]
    for s, v in zip(run.seps[1:-1], vals[1:]):
        extra = max(_bounds(s, unit, nl_mode) - 1, 0) if unit != "space" else 0
        cells += [None] * extra + [v]
    edge = n - len(cells)
    as_cand: _Cand = [(c.text, c.start, c.end) if c is not None else _NONE for c in cells]
    if edge == 0 and not (unit == "space" and len(vals) < n):
        fill(as_cand, "read")
        return row
    if 0 < edge and unit != "space":
        lead = None
        if lead_mode is not None:
            lb = _bounds(run.seps[0], unit, nl_mode) - lead_mode
            if 0 <= lb <= edge:
                lead = lb
        tb = None
        if tail_mode is not None:
            t = _bounds(run.seps[-1], unit, nl_mode) - tail_mode
            if 0 <= t <= edge:
                tb = t
        # the label side first: what follows a row's last value (spacer lines of pipes, the
        # next row's merged cells) varies more than what follows its label
        if lead is not None:
            fill([_NONE] * lead + as_cand + [_NONE] * (edge - lead), "read")
            row.how = "separators"
            return row
        if lead is None and tb is not None:
            lead = edge - tb
            fill([_NONE] * lead + as_cand + [_NONE] * tb, "read")
            row.how = "separators"
            return row
        # the separators do not say where the blanks stand: the arithmetic decides
        options: list[_Cand] = [
            [_NONE] * ld + as_cand + [_NONE] * (edge - ld) for ld in range(edge + 1)
        ]
        return _by_arithmetic(row, spec, options, key, "placed")
    if edge < 0 and unit != "space":
        # more cells than the form: keep a window whose outside is empty, else arithmetic
        # (in linear time: the windows that hold every filled cell)
        filled = [i for i, c in enumerate(cells) if c is not None]
        lo, hi = max(0, filled[-1] - n + 1), min(filled[0], len(cells) - n)
        options = [as_cand[s0 : s0 + n] for s0 in range(lo, hi + 1)]
        if len(options) == 1:
            fill(options[0], "read")
            return row
        if not options and len(cells) - n <= 64:
            options = [as_cand[s0 : s0 + n] for s0 in range(len(cells) - n + 1)]
        if not options:
            row.how = "unread"  # far more numbers than the row has cells
            row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
            return row
        return _by_arithmetic(row, spec, options, key, "placed")
    # no separator tells the cells apart (a flattened copy): the digits are cut by the
    # arithmetic, first with every cell holding a number, then with blanks that vanished
    check = _CHECKS.get(key)
    full = _full_splits(run.vals, n, check)
    if full:
        if len(full) == 1:
            how = "read" if len(run.vals) == n else "split"
            fill(full[0], how)
            row.how = how
            return row
        row.how = "unread"
        row.candidates = full[:200]
        row.checked = check is not None
        row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
        return row
    cands = _candidates(run, n)
    if not cands:
        row.how = "unread"
        row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
        return row
    return _by_arithmetic(row, spec, cands, key, "placed")


def _by_arithmetic(
    row: FormRow, spec: RowSpec, options: list[_Cand], key: str, how: str
) -> FormRow:
    if key == "s3":
        good = [o for o in options if _row_sum_ok([_num(x) for x, _, _ in o])]
    elif key == "s4":
        good = [o for o in options if _review_ok([_num(x) for x, _, _ in o])]
    else:
        good = []
    pool = good if good else options
    if len(pool) == 1 and (good or key == "s2"):
        row.cells = [
            FormCell(fid, a, b, x or "", how if x is not None else "blank")
            for fid, (x, a, b) in zip(spec.ids, pool[0])
        ]
        row.how = how
        return row
    row.how = "unread"
    row.candidates = pool[:200]
    row.checked = bool(good)
    row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
    return row


def _fix(r: FormRow, cand: _Cand) -> None:
    r.how = "split"
    r.cells = [
        FormCell(fid, a, b, x or "", "split" if x is not None else "blank")
        for fid, (x, a, b) in zip((f"requests.{r.rid}.{c}" for c in COLUMNS), cand)
    ]


def _propagate(table: FormTable, results: list[str]) -> None:
    """Column equations with one row left open fix that row: （七） = Σ results and
    一 + 二 = （七） + 四, per column, when the other rows are read. Only a complete list of
    candidates is filtered, and only when exactly one candidate fits."""
    by_id = {r.rid: r for r in table.rows}
    # (row, sign) terms of each equation: Σ sign·row = 0 per column
    eqs = [[("processed_total", 1)] + [(r, -1) for r in results]]
    eqs.append([("new", 1), ("carried_over", 1), ("processed_total", -1), ("carried_forward", -1)])
    changed = True
    while changed:
        changed = False
        for eq in eqs:
            if any(rid not in by_id for rid, _ in eq):
                continue
            open_ = [(rid, sg) for rid, sg in eq if by_id[rid].how == "unread"]
            if len(open_) != 1:
                continue
            rid, sg = open_[0]
            row = by_id[rid]
            if not (1 < len(row.candidates) < 200):
                continue
            need = []
            for c in range(len(COLUMNS)):
                rest = sum(
                    o_sg * (_num(by_id[o].cells[c].text) or 0)
                    for o, o_sg in eq
                    if o != rid and by_id[o].cells[c].status != "blank"
                )
                need.append(-rest * sg)
            fits = [cand for cand in row.candidates if [(_num(x) or 0) for x, _, _ in cand] == need]
            if len(fits) == 1:
                _fix(row, fits[0])
                changed = True


def _solve_requests(table: FormTable) -> None:
    """Rows left with several readings: the table's column arithmetic picks among them."""
    if not any(r.how == "unread" and len(r.candidates) > 1 for r in table.rows):
        return
    results0 = [
        rid
        for rid in (s.rid for s in REQUEST_FORM)
        if rid not in ("new", "carried_over", "processed_total", "carried_forward")
        and rid in {r.rid for r in table.rows}
    ]
    if table.layout == "2021":
        results0 = [r for r in results0 if r != "other"]
    _propagate(table, results0)
    open_rows = [r for r in table.rows if r.how == "unread" and 1 < len(r.candidates) <= 500]
    if not open_rows:
        return
    fixed: dict[str, list[int | float | None]] = {}
    for r in table.rows:
        if r.how != "unread":
            fixed[r.rid] = [_num(c.text) if c.status != "blank" else None for c in r.cells]
    results = [
        rid
        for rid in (s.rid for s in REQUEST_FORM)
        if rid not in ("new", "carried_over", "processed_total", "carried_forward")
        and rid in {r.rid for r in table.rows}
    ]
    if table.layout == "2021":
        results = [r for r in results if r != "other"]

    def holds(vals: dict[str, list[int | float | None]]) -> bool:
        def g(rid: str, c: int) -> int | float:
            return vals[rid][c] or 0

        need = ("new", "carried_over", "processed_total", "carried_forward")
        for c in range(len(COLUMNS)):
            if all(x in vals for x in need):
                if g("new", c) + g("carried_over", c) != g("processed_total", c) + g(
                    "carried_forward", c
                ):
                    return False
            if "processed_total" in vals and all(r in vals for r in results):
                if sum(g(r, c) for r in results) != g("processed_total", c):
                    return False
        return True

    combos = 1
    for r in open_rows:
        combos *= len(r.candidates)
    if combos > 20000:
        return
    ok: list[tuple[int, ...]] = []
    for pick in itertools.product(*(range(len(r.candidates)) for r in open_rows)):
        vals = dict(fixed)
        for r, i in zip(open_rows, pick):
            vals[r.rid] = [_num(x) for x, _, _ in r.candidates[i]]
        if holds(vals):
            ok.append(pick)
            if len(ok) > 1:
                break
    if len(ok) != 1:
        return
    for r, i in zip(open_rows, ok[0]):
        _fix(r, r.candidates[i])


def _read_reviews(text: str, a: int, b: int) -> FormTable | None:
    k, idx = fold_region(text, a, b)
    if not k:
        return None
    # the header's last word before the first run of values
    end = -1
    for w in _REVIEW_HEADER_KEYS:
        i = k.rfind(w)
        while i >= 0:
            j = i + len(w)
            if j < len(k) and k[j].isdigit():
                end = max(end, j)
                break
            if j >= len(k):
                break
            i = k.rfind(w, 0, i)
    has_header = "行政复议" in k and ("诉讼" in k or "起诉" in k)
    if end < 0:
        if not has_header:
            return None
        # header present but no value right after its words: the first values after it
        i = max((k.rfind(w) + len(w) for w in _REVIEW_HEADER_KEYS if w in k), default=-1)
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
    toks = tokenize(text, st, b)
    run = _row_run(toks)
    # the header's cells stand apart as the values do: the breaks between its words are
    # samples of one cell boundary too (the values alone may all have blanks between them)
    head = tokenize(text, a, st)
    words = set(_REVIEW_HEADER_KEYS) | {"行政复议", "行政诉讼", "未经复议直接起诉"}
    between = [
        t.text
        for i, t in enumerate(head[1:-1], 1)
        if t.kind == "s"
        and head[i - 1].kind == "t"
        and head[i + 1].kind == "t"
        and fold(head[i - 1].text)[0] in words
        and fold(head[i + 1].text)[0] in words
    ]
    unit, nl_mode = _unit_of(run.seps[1:-1], between)
    row = _place_row(spec, text, st, st, run, unit, nl_mode, None, None, "s4")
    row.label = "表四"
    table.rows.append(row)
    if len(run.vals) < 15 and b >= len(text.rstrip()) and row.how == "unread":
        table.ends_inside = True
    return table
