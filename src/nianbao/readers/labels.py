"""The label dictionary of the national format, with its variants, and tolerant matching.

Labels are compared by :func:`normalize.key` (script, width, spacing and punctuation
folded). Each matcher returns the schema id and how it matched: "canonical", "variant"
(a known alternative wording, reported as R-LABEL-VARIANT) or "typo" (a known misspelling,
reported as R-LABEL-TYPO). The lists come from ``shared/spec/format.md`` §5.

Over 500 lines because the dictionary of every table's labels and the tests of a cell's
text (value, placeholder, residue) that the readers and the extraction share stand together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .normalize import drop_notes, fold_chars, key

__all__ = [
    "LabelMatch",
    "match_request_row",
    "match_active_row",
    "match_active_column",
    "match_request_column",
    "match_section_heading",
    "SECTION_BODIES",
    "is_value_text",
    "is_debris",
    "parse_value",
    "REVIEW_HEADER_TOKENS",
]


@dataclass(frozen=True, slots=True)
class LabelMatch:
    id: str
    how: str = "canonical"  # canonical | variant | typo
    note: str = ""  # what was seen, for the finding


# ----------------------------------------------------------------------------- section 三 rows
# (row id, keywords (any), known variants (keyword -> note), typos (keyword -> note)).
# Order matters: more specific rows first.
_REQUEST_ROWS: list[tuple[str, tuple[str, ...], dict[str, str], dict[str, str]]] = [
    ("other.no_correction", ("逾期不补正", "无正当理由逾期"), {}, {}),
    ("other.no_fee", ("收费通知", "缴纳费用", "未按收费"), {}, {}),
    ("unable.unclear", ("仍不明确", "补正后申请"), {}, {}),
    ("unable.not_held", ("不掌握",), {}, {}),
    ("unable.needs_creation", ("另行制作", "没有现成"), {}, {}),
    ("denied.state_secret", ("国家秘密",), {}, {}),
    (
        "denied.law_forbidden",
        ("法规禁止公开", "法律行政法规"),
        {},
        {"其他法律行政止公开": "其他法律行政止公开"},
    ),
    ("denied.safety_stability", ("三安全一稳定", "危及"), {}, {}),
    ("denied.third_party", ("第三方",), {}, {}),
    ("denied.internal_affairs", ("内部事务",), {}, {}),
    ("denied.process_info", ("过程性", "四类过程"), {}, {}),
    ("denied.enforcement_file", ("执法案卷",), {}, {}),
    ("denied.admin_query", ("行政查询", "查询事项"), {}, {}),
    ("rejected.petition", ("信访", "举报投诉"), {}, {}),
    ("rejected.duplicate", ("重复申请",), {}, {}),
    ("rejected.publication", ("出版物",), {}, {}),
    ("rejected.excessive", ("大量反复", "反复申请"), {}, {}),
    ("rejected.confirm", ("重新出具", "确认或重新", "已获取信息", "行政机关确认"), {}, {}),
    ("partial", ("部分公开",), {}, {}),
    ("granted", ("予以公开",), {"同意公开": "同意公开"}, {"予已公开": "予已公开"}),
    ("new", ("本年新收", "新收政府信息公开申请", "本年度新收"), {}, {}),
    ("carried_over", ("上年结转", "上年度结转", "上一年结转", "上一年度结转"), {}, {}),
    (
        "carried_forward",
        ("结转下年度", "结转下一年度", "转下一年度", "结转下年", "转入下年度"),
        {},
        {},
    ),
]
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]{1,2}|\d{1,2})")
_TOTAL_KEYS = {"总计", "合计", "七总计", "七合计"}
_MISC_KEYS = {"其他", "3其他", "三其他"}


@lru_cache(maxsize=4096)
def match_request_row(label: str) -> LabelMatch | None:
    """Map one label cell of the section 三 matrix to a row id (None when it names no row,
    e.g. a group label such as （三）不予公开). A note in the cell (注1：部分公开的申请已区分
    处理。) names no row, whatever words of the form it holds."""
    k = key(drop_notes(label))
    if not k:
        return None
    found = _request_row_of_key(k)
    if found is None:
        # the label path joined into one cell (三、本年度办理结果 （六）其他处理 3.其他, as a
        # converter flattens the merged label cells): the last level names the row
        m = _GROUP_PATH.match(k)
        if m and m.end() < len(k) and m.group(0):
            found = _request_row_of_key(k[m.end() :])
        elif m and m.group(1) and m.end(1) < len(k):  # 三、本年度办理结果 （六）其他处理
            found = _request_row_of_key(k[m.end(1) :])
    return found


# the group levels of a joined label path, after key(): 三本年度办理结果, 六其他处理 …
_GROUP_PATH = re.compile(
    r"^(三?本年度办理结果)?(?:[三四五六]?(?:不予公开|无法提供|不予处理|其他处理))?"
)


def _request_row_of_key(k: str) -> LabelMatch | None:
    for rid, words, variants, typos in _REQUEST_ROWS:
        for t, note in typos.items():
            if t in k:
                return LabelMatch(rid, "typo", note)
        for w in words:
            if w in k:
                return LabelMatch(rid)
        for v, note in variants.items():
            if v in k:
                return LabelMatch(rid, "variant", note)
    if k in _TOTAL_KEYS or k.endswith("总计") and len(k) <= 4:
        return LabelMatch("processed_total")
    if k in _MISC_KEYS:
        return LabelMatch("other.misc")
    if k.endswith("其他处理") and len(k) <= 6:
        how = "canonical" if _ORDINAL.match(k) else "variant"
        return LabelMatch("other", how, "其他处理" if how == "variant" else "")
    return None


@lru_cache(maxsize=1)
def form_row_words() -> tuple[str, ...]:
    """The words of 表三's row and group labels (after ``key``), longest first."""
    words = {"本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理", "总计"}
    for _, ws, variants, _typos in _REQUEST_ROWS:
        words.update(ws)
        words.update(variants)
    return tuple(sorted(words, key=len, reverse=True))


def is_group_label(label: str) -> bool:
    k = key(label)
    return any(g in k for g in ("不予公开", "无法提供", "不予处理", "其他处理", "本年度办理结果"))


# ----------------------------------------------------------------------------- section 三 columns
_REQUEST_COLUMNS: list[tuple[str, tuple[str, ...], dict[str, str]]] = [
    ("natural", ("自然人",), {}),
    # the shortened words of a narrow header (商业 / 科研 / 公益 / 法律服务 / 其他)
    ("commercial", ("商业企业",), {"企业": "企业", "商业": "商业"}),
    ("research", ("科研机构",), {"科研": "科研", "科研院所": "科研院所", "科研单位": "科研单位"}),
    (
        "social",
        ("社会公益组织",),
        {
            "社会组织": "社会组织",
            "公益组织": "公益组织",
            "社会团体": "社会团体",
            "公益": "公益",
            "社会公益": "社会公益",
        },
    ),
    (
        "legal",
        ("法律服务机构",),
        {"律师事务所": "律师事务所", "法律服务所": "法律服务所", "法律服务": "法律服务"},
    ),
    ("org_subtotal", ("小计",), {}),
    ("total", ("总计",), {"合计": "合计"}),
    ("other_org", ("其他",), {}),
]


@lru_cache(maxsize=2048)
def match_request_column(label: str) -> LabelMatch | None:
    k = key(label)
    if k.startswith("法人或其他组织") and len(k) > len("法人或其他组织"):
        k = k[len("法人或其他组织") :]  # a merged header: 法人或其他组织 商业企业 in one cell
    if not k or len(k) > 12:
        return None
    if k.endswith("小计") and len(k) <= 10 and _org_subtotal_word(k[: -len("小计")]):
        return LabelMatch("org_subtotal")
    for cid, words, variants in _REQUEST_COLUMNS:
        for w in words:
            if k == w:
                return LabelMatch(cid)
        for v, note in variants.items():
            if k == v:
                return LabelMatch(cid, "variant", note)
    return None


def column_piece(word: str, others: Iterable[str]) -> bool:
    """A shortened column word (科研, 公益, 商业, 法律服务) that is a piece of its column's
    form word wrapped in its cell: another header cell, naming no column, holds the rest
    (科研 / 机构, 社会 / 公益 / 组织). Such a word names the column only joined with the rest;
    alone, where its pieces stand says nothing of the header's order."""
    rest = column_rest(word)
    return any(
        o in rest and match_request_column(o) is None for o in map(key, others) if len(o) >= 2
    )


@lru_cache(maxsize=256)
def column_rest(word: str) -> tuple[str, ...]:
    """The pieces of its column's form word around a shortened column word (科研 → 机构,
    公益 → 社会, 组织, 社会公益 → 组织); none for a full word or another word for the column
    (社会团体, 律师事务所)."""
    m = match_request_column(word)
    if m is None or m.how != "variant":
        return ()
    k = key(word)
    full = next(ws[0] for cid, ws, _v in _REQUEST_COLUMNS if cid == m.id)
    if k not in full:
        return ()
    return tuple(p for p in full.split(k, 1) if len(p) >= 2)


def _org_subtotal_word(before: str) -> bool:
    """The words before 小计 in a header cell of the 法人或其他组织 subtotal column (小计,
    法人小计, 组织小计), not a result group's subtotal row label (不予公开小计, 其他处理小计:
    a copy's own subtotal row, whose label cell may stand among the header rows when its
    cells are blank)."""
    if not before:
        return True
    return ("法人" in before or "组织" in before) and not any(
        w in before for w in ("公开", "提供", "处理", "申请", "结果")
    )


_ORG_COLUMNS = frozenset({"commercial", "research", "social", "legal", "other_org"})
_ORG_LEAVES = _ORG_COLUMNS | {"org_leaf_subtotal"}
_FORM_COLUMNS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")


def column_order(lines: list[list[str]]) -> list[str] | None:
    """The value columns of 表三 in the order a header names them, from its column words
    line by line (``"ORG"`` for 法人或其他组织, ``"APPL"`` for 申请人情况). The group word
    stands for the organisation columns wherever they follow it (the header's rows may have
    been run into one line, or printed one cell per line), so 自然人 法人或其他组织 总计
    商业企业 … 其他 is the form's order. A column word on the line of 申请人情况 stands at the
    end of the columns (or at the start, when it comes before it): 申请人情况 spans all of
    them. None when a column is named twice or natural / total or most columns are missing."""
    head: list[str] = []
    body: list[str] = []
    tail: list[str] = []
    for line in lines:
        cols = [t for t in line if t != "APPL"]
        if "ORG" not in cols and "natural" in cols and "total" in cols and len(cols) >= 5:
            # one line names the columns by itself (a header of one row, or the lower row
            # of a grid whose 自然人 and 总计 sit beside the organisations): its order
            lines = [cols]
            break
    for line in lines:
        if any(t in _ORG_COLUMNS for t in line):
            # a 小计 among the organisation columns is theirs (法人或其他组织 › 小计)
            line = ["org_leaf_subtotal" if t == "org_subtotal" else t for t in line]
        if "APPL" in line:
            i = line.index("APPL")
            head += line[:i]
            tail += [t for t in line[i + 1 :] if t != "APPL"]
        else:
            body += line
    tokens = head + body + tail
    leaves = [t for t in tokens if t in _ORG_LEAVES]
    top = [t for t in tokens if t not in _ORG_LEAVES]
    if "ORG" in top:
        i = top.index("ORG")
        at = [n for n, t in enumerate(tokens) if t in _ORG_LEAVES]
        if (
            "natural" in top[i + 1 :]
            and at
            and any(tokens[n] not in _ORG_LEAVES for n in range(at[0], at[-1]))
        ):
            # the organisations' words are not printed together (总计 stands among them): the
            # header was not printed row by row (pdftotext's reading order prints a cell by
            # its height: 法人或其他组织 above 自然人, which spans two rows, and 总计 beside
            # the organisations), so where 法人或其他组织 stands says nothing of the order
            # of the columns: the form's, 自然人 first
            top.remove("natural")
            top.insert(i, "natural")
            i += 1
        seq = [t for t in top[:i] if t != "ORG"] + leaves + [t for t in top[i + 1 :] if t != "ORG"]
    else:
        seq = list(tokens)
    seq = ["org_subtotal" if t == "org_leaf_subtotal" else t for t in seq]
    if len(set(seq)) != len(seq) or "natural" not in seq or "total" not in seq or len(seq) < 5:
        return None
    if not set(seq) <= set(_FORM_COLUMNS) | {"org_subtotal"}:
        return None
    return seq


# ----------------------------------------------------------------------------- section 二
# row label -> (2021 row, 2019 row)
_ACTIVE_ROWS: list[tuple[str, str]] = [
    ("其他对外管理服务事项", "other_services"),
    ("行政事业性收费", "fees"),
    ("政府集中采购", "procurement"),
    ("行政许可", "licensing"),
    ("行政处罚", "penalty"),
    ("行政强制", "coercion"),
    ("规范性文件", "normative"),
    ("规章", "regulations"),
]


_TRAILING_BRACKETS = re.compile(r"\s*[（(][^（）()]{1,12}[）)]\s*$")


@lru_cache(maxsize=2048)
def match_active_row(label: str) -> LabelMatch | None:
    """Map a section 二 row label to its row name (regulations, normative, licensing, …);
    a note in the cell names no row."""
    k = key(drop_notes(label))
    if not k or len(k) > 16:
        return None
    # (a unit or a remark in brackets after the name: 规章（件）, 规章（2023年修订）)
    core = key(_TRAILING_BRACKETS.sub("", drop_notes(label)))
    for word, row in _ACTIVE_ROWS:
        if word in k:
            if row == "normative" and not core.endswith("规范性文件"):
                continue
            if row == "regulations" and not core.endswith("规章"):
                continue
            if row == "normative" and "行政规范性文件" not in k:
                return LabelMatch(row, "variant", "规范性文件")
            return LabelMatch(row)
    return None


# column header -> field name; the layout each belongs to
_ACTIVE_COLUMNS: list[tuple[str, str, str]] = [
    ("本年制发件数", "issued", "2021"),
    ("本年制发", "issued", "2021"),
    ("本年废止件数", "repealed", "2021"),
    ("本年废止", "repealed", "2021"),
    ("现行有效件数", "in_force", "2021"),
    ("现行有效", "in_force", "2021"),
    ("本年收费金额", "amount", "2021"),
    ("收费金额", "amount", "2021"),
    ("本年新制作数量", "made", "2019"),
    ("本年新公开数量", "published", "2019"),
    ("对外公开总数量", "total_public", "2019"),
    ("上一年项目数量", "items_prev", "2019"),
    ("本年增减", "items_delta", "2019"),
    ("采购项目数量", "items", "2019"),
    ("采购总金额", "amount2019", "2019"),
    ("处理决定数量", "decisions", "any"),
    ("本年处理决定数", "decisions", "any"),
]


@lru_cache(maxsize=2048)
def match_active_column(label: str) -> tuple[str, str] | None:
    """(field, layout) of a section 二 column header, e.g. ('issued', '2021')."""
    k = key(label)
    if not k or len(k) > 24:
        return None
    for word, fld, layout in _ACTIVE_COLUMNS:
        if word in k:
            return fld, layout
    return None


# ----------------------------------------------------------------------------- section 四
REVIEW_HEADER_TOKENS: tuple[str, ...] = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

# ----------------------------------------------------------------------------- section headings
SECTION_BODIES: dict[str, tuple[str, ...]] = {
    "s1": ("总体情况",),
    "s2": ("主动公开政府信息情况",),
    "s3": ("收到和处理政府信息公开申请情况",),
    "s4": ("政府信息公开行政复议行政诉讼情况",),
    "s5": ("存在的主要问题及改进情况",),
    "s6": ("其他需要报告的事项",),
}
_SECTION_VARIANTS: dict[str, tuple[str, ...]] = {
    "s1": ("基本情况", "总体概况", "概述"),
    "s2": ("主动公开情况", "主动公开政府信息", "主动公开政府信息公开情况"),
    "s3": (
        "行政机关收到和处理政府信息公开申请情况",
        "收到和处理政府信息公开申请",
        "收到和处理申请情况",
    ),
    "s4": (
        "因政府信息公开工作被申请行政复议提起行政诉讼情况",
        "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
        "政府信息公开行政复议和行政诉讼情况",
        "行政复议行政诉讼情况",
        "政府信息公开行政复议行政诉讼",
    ),
    "s5": (
        "存在的问题及改进情况",
        "存在的主要问题及下一步工作",
        "政府信息公开工作存在的主要问题及改进情况",
        "存在问题及改进情况",
        "存在的主要问题和改进情况",
        "存在的问题和改进情况",
        "存在的主要问题及改进措施",
        "存在的主要问题及下一步工作打算",
    ),
    "s6": ("其他需要报告事项", "其他需要报告的情况", "其他事项"),
}
_HEADING_PREFIX = re.compile(
    r"^\s*(?:(?P<cn>[一二三四五六七八九十]{1,2})|(?P<ar>\d{1,2}))\s*[、.．]\s*"
    r"|^\s*第(?P<part>[一二三四五六七八九十]{1,2})部分\s*[、:：.．]?\s*"
)
_CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    section: str
    score: int  # 3 canonical, 2 variant, 1 fuzzy
    ordinal: int | None
    ordinal_style: str  # "cn", "arabic" or ""


def match_section_heading(line: str) -> HeadingMatch | None:
    """Is this line one of the six section headings? Needs an ordinal (一、 or 5、) unless the
    wording is canonical or a known variant."""
    s = line.strip()
    if not s or len(s) > 48 or s.endswith(("。", "；", ";", "，")):
        return None
    return _match_heading(s)


@lru_cache(maxsize=4096)  # (the extraction asks of the same lines many times; short ones)
def _match_heading(s: str) -> HeadingMatch | None:
    """:func:`match_section_heading` of a stripped line that may be a heading."""
    m = _HEADING_PREFIX.match(s)
    ordinal = None
    style = ""
    if m:
        cn = m.group("cn") or m.group("part")
        style = "cn" if m.group("cn") else ("part" if cn else "arabic")
        ordinal = _CN_NUM.get(cn) if cn else int(m.group("ar"))
        body = s[m.end() :]
    else:
        body = s
    k = key(body)
    if not k or len(k) > 30:
        return None
    for sec, bodies in SECTION_BODIES.items():
        if k in bodies:
            return HeadingMatch(sec, 3, ordinal, style)
    for sec, bodies in _SECTION_VARIANTS.items():
        if k in bodies:
            return HeadingMatch(sec, 2, ordinal, style)
    if not m or match_request_row(body) is not None:
        # (a row of 表三 is no heading, whatever its words: 1.申请人无正当理由逾期不补正、
        # 行政机关不再处理其政府信息公开申请, a Markdown heading over its row, read as 三's)
        return None
    fuzzy = _fuzzy_section(k)
    return HeadingMatch(fuzzy, 1, ordinal, style) if fuzzy else None


def _fuzzy_section(k: str) -> str | None:
    if "行政复议" in k and "行政诉讼" in k:
        return "s4"
    if "申请" in k and ("收到" in k or "处理" in k) and "公开" in k:
        return "s3"
    if "主动公开" in k and k.endswith("情况") and "政府信息" in k:
        return "s2"
    if "问题" in k and ("改进" in k or "下一步" in k or "整改" in k):
        return "s5"
    if "其他" in k and "报告" in k:
        return "s6"
    if k.endswith("总体情况"):
        return "s1"
    return None


# ----------------------------------------------------------------------------- values
_NUM = re.compile(
    r"^(?P<sign>[+\-－]?)\s*(?P<num>\d{1,3}(?:[,，]\d{3})+|\d+)(?P<frac>\.\d+)?\s*(?P<unit>件|个|条|项|次|人次|家|份|万元|元)?$"
)
_DELTA = re.compile(r"^(?P<word>增加|新增|减少|增|减)\s*(?P<num>\d+)\s*(?:件|个|项)?$")
_PLACEHOLDERS = {
    "/",
    "／",
    "—",
    "——",
    "-",
    "－",
    "–",
    "─",
    "无",
    "空",
    "\\",
    "—/—",
    "/ /",
    "×",
    "－－",
    "--",
    "...",
    "…",
    # an empty cell as a data-frame library prints it (pandas' to_markdown, a scraper's
    # str() of a missing value)
    "nan",
    "NaN",
    "None",
}

# zero written as a Chinese numeral (〇, 零; ○ typed for 〇), with a unit or not: a count of
# naught, read as 0
_ZERO = re.compile(r"^[〇零○](?:件|个|条|项|次|人次|家|份|万元|元)?$")

# a footnote mark after a cell's number (12*, 3①, 0（注）, 5注1): the number is the cell's;
# one or two marks (3※※※ is a label whose characters were lost, 3.其他, not a footnote)
_FOOTNOTE = re.compile(
    r"(?<=\d)(?:[*＊※\u2460-\u2473\u2776-\u277f\u00b9\u00b2\u00b3]|[（(]?注\d{0,2}[）)]?){1,2}$"
)


@lru_cache(maxsize=8192)
def is_value_text(text: str) -> bool:
    """True for a cell that can stand in a value column: a number, a blank or a placeholder."""
    t = fold_chars(text).strip()
    if not t:
        return True
    if t in _PLACEHOLDERS:
        return True
    t = _FOOTNOTE.sub("", t.replace(" ", ""))
    return bool(_NUM.match(t) or _DELTA.match(t) or _ZERO.match(t))


# OCR or copy residue where a value stands: a short mark of Latin letters or symbols, with
# neither a digit nor a CJK character (?, x, *, #, A, N/A), or a word that says the figure
# is not known (punctuation alone, a colon after a label, is no value; ※, the mark of a
# label's lost characters, is a label's: ``form.garbled``)
DEBRIS = (
    r"[A-Za-z?？*＊#＃~^@&%!！]{1,3}|[A-Za-z]{1,2}[/.][A-Za-z]{1,2}\.?"
    r"|不详|暂无|未知|不清楚|不适用|待定|待统计|未统计|暂缺|无数据|未填|略|见附件|见附表"
)
_DEBRIS = re.compile(DEBRIS)


@lru_cache(maxsize=8192)
def is_debris(text: str) -> bool:
    """True for a cell that is neither a value (:func:`is_value_text`) nor a label: OCR or
    copy residue (``x``, ``?``, ``N/A``) or a word for an unknown figure (不详, 暂无). Where
    it stands in a value column it is a value the tool cannot read, never a label cell (the
    row's later numbers would move left into the wrong columns)."""
    t = fold_chars(text).strip().replace(" ", "")
    if not t or is_value_text(t):
        return False
    return bool(_DEBRIS.fullmatch(t))


@lru_cache(maxsize=8192)
def has_number(text: str) -> bool:
    t = _FOOTNOTE.sub("", fold_chars(text).strip().replace(" ", ""))
    return bool(t) and bool(_NUM.match(t) or _DELTA.match(t) or _ZERO.match(t))


# a cell value (a count or a fee) has at most this many integer digits: beyond it, the cell
# is no value (note "range", the raw text is kept) rather than an int too long to print, an
# infinite float, or a number no database column holds
MAX_VALUE_DIGITS = 12  # leading zeros aside


@lru_cache(maxsize=8192)
def parse_value(text: str) -> tuple[int | float | None, str]:
    """Parse a cell: (value, note). note is "" for a plain number, "blank" for an empty cell,
    "placeholder" for —, /, 无 …, "unit" when a unit was stripped (3件), "unit:元" for 元,
    "delta" for 增加3, "range" for a number of more than MAX_VALUE_DIGITS digits (value
    None), "text" for anything else (value None)."""
    t = fold_chars(text).strip().replace(" ", "").replace("\u00a0", "")
    if not t:
        return None, "blank"
    if t in _PLACEHOLDERS:
        return None, "placeholder"
    t = _FOOTNOTE.sub("", t)
    m = _NUM.match(t)
    if m:
        digits = m.group("num").replace(",", "").replace("，", "").lstrip("0") or "0"
        if len(digits) > MAX_VALUE_DIGITS:
            return None, "range"
        neg = m.group("sign") in ("-", "－")
        if m.group("frac"):
            val: int | float = float(digits + m.group("frac"))
        else:
            val = int(digits)
        if neg:
            val = -val
        unit = m.group("unit")
        note = (
            ""
            if not unit
            else ("unit:元" if unit == "元" else ("unit:万元" if unit == "万元" else "unit"))
        )
        if m.group("sign") == "+":
            note = note or "signed"
        return val, note
    if _ZERO.match(t):
        # the Chinese numeral for 0 (R-NON-NUMERIC shows the cell was so written)
        return 0, "unit" if len(t) > 1 else "zero"
    m = _DELTA.match(t)
    if m:
        digits = m.group("num").lstrip("0") or "0"
        if len(digits) > MAX_VALUE_DIGITS:
            return None, "range"
        n = int(digits)
        return (-n if m.group("word").startswith("减") else n), "delta"
    return None, "text"
