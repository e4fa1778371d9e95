"""The national form as data: the rows of 表二 (2021 and 2019) and 表三 with their keywords and
value counts, 表四's order, the section headings' words, and the folding of text (whitespace,
punctuation and pipes dropped, with a map back) on which labels are found.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from ...readers.labels import is_debris, is_value_text
from ...schema import COLUMNS, REVIEW_FIELDS, REVIEW_GROUPS

# ----------------------------------------------------------------------------- folding
# what stands between two cells (an underscore: a ruling line OCR read as text)
SEPS = " \t\n\r\f\v\u3000\u00a0|｜¦_＿"
SEP = frozenset(SEPS)
# what folding keeps: everything but whitespace, punctuation and pipes
_KEEP = re.compile(
    r"[^\s\u00a0\u3000\"'“”‘’「」『』()（）\[\]【】<>《》、，,。.．·:：;；!！?？\-—–_~*#|｜¦/\\+]+"
)


# what folding drops (the complement of _KEEP's class)
_DROP = re.compile("[" + _KEEP.pattern[2:-2] + "]+")
# the offsets 0, 1, 2 … as int objects made once (grown as texts need, up to _OFFSETS_MAX): a
# fold's offsets are slices of it (a new int for each kept character cost much of a fold)
_OFFSETS: list[int] = []
_OFFSETS_MAX = 1 << 17


def fold(text: str) -> tuple[str, list[int]]:
    """The text without whitespace, punctuation and pipes, and for each kept character its
    offset in ``text``."""
    keep: list[str] = []
    idx: list[int] = []
    n = len(text)
    offsets: list[int] | range = _OFFSETS
    if n > len(_OFFSETS):
        if n > _OFFSETS_MAX:
            offsets = range(n)
        else:
            _OFFSETS.extend(range(len(_OFFSETS), n))
    for m in _KEEP.finditer(text):
        a, b = m.span()
        keep.append(text[a:b])
        idx += offsets[a:b]
    return "".join(keep), idx


def fold_text(text: str) -> str:
    """``fold(text)[0]``: the text without whitespace, punctuation and pipes."""
    return _DROP.sub("", text)


# the last two whole texts folded (a text, and that text with its notes blanked)
_last_fold: list[tuple[str, str, list[int]]] = []


def fold_region(text: str, a: int, b: int) -> tuple[str, list[int]]:
    """``fold(text[a:b])``, cut from one fold of the whole text (offsets relative to ``a``).
    The whole text's fold is shared between calls (the last text folded, or one equal to
    it): its offsets must not be changed."""
    hit = next((e for e in _last_fold if e[0] is text or e[0] == text), None)
    if hit is not None:
        _, k, idx = hit
    elif a > 0 or b < len(text):
        return fold(text[a:b])  # a region alone: no need to fold the whole text
    else:
        k, idx = fold(text)
        _last_fold[:] = [(text, k, idx), *_last_fold[:1]]
    if a <= 0 and b >= len(text):
        return k, idx
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
        rid, keys, fold_text(label), ordinal, tuple(f"requests.{rid}.{c}" for c in COLUMNS)
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
    _req("denied.process_info", "6.属于四类过程性信息", ("过程性", "四类过程"), "6"),
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
        # (行政机关确认: the first line of the label wrapped in a narrow column)
        ("重新出具", "确认或重新", "已获取信息", "行政机关确认"),
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
    return RowSpec(rid, keys, fold_text(label), None, ids)


def _a21(row: str) -> tuple[str, ...]:
    if row in ("regulations", "normative"):
        return tuple(f"active.{row}.{f}" for f in ("issued", "repealed", "in_force"))
    return (f"active.{row}",)


ACTIVE_FORM_2021: tuple[RowSpec, ...] = (
    _act("regulations", "规章", ("规章",), _a21("regulations")),
    _act(
        "normative",
        "行政规范性文件",
        ("行政规范性文件", "规范性文件", "行政规范性"),
        _a21("normative"),
    ),
    _act("licensing", "行政许可", ("行政许可",), _a21("licensing")),
    _act("penalty", "行政处罚", ("行政处罚",), _a21("penalty")),
    _act("coercion", "行政强制", ("行政强制",), _a21("coercion")),
    _act("fees", "行政事业性收费", ("行政事业性收费", "行政事业性"), _a21("fees")),
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
    _act("fees", "行政事业性收费", ("行政事业性收费", "行政事业性"), _a19("fees")),
    _act("procurement", "政府集中采购", ("政府集中采购",), _a19("procurement")),
)
REVIEW_IDS_ORDER: tuple[str, ...] = tuple(
    f"reviews.{g}.{f}" for g in REVIEW_GROUPS for f in REVIEW_FIELDS
)
# the column words of 表三's header and of the 2021 表二's, folded, as the form prints them
REQUEST_HEADER_WORDS = (
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
)
ACTIVE_HEADER_WORDS = (
    "信息内容",
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年处理决定数量",
    "本年收费金额单位万元",
)
REVIEW_HEADER_KEYS = (
    "复议后起诉",
    "直接起诉",
    "尚未审结",
    "其他结果",
    "结果纠正",
    "结果维持",
    "总计",
    # the words abbreviated (维持 / 纠正 / 未审结 / 合计)
    "未审结",
    "维持",
    "纠正",
    "合计",
)


# ----------------------------------------------------------------------------- words
# the form's own words besides its row labels: the column headers of 表二 (both layouts) and
# 表三, 表三's note on its arithmetic, 表二's item headings, 表四's header words
_HEADER_TEXTS = (
    "信息内容第二十条第项",
    "本年制发件数本年废止件数现行有效件数本年处理决定数量本年收费金额单位万元",
    "本年新制作数量本年新公开数量对外公开总数量上一年项目数量本年增减处理决定数量",
    "采购项目数量采购总金额",
    "本列数据的勾稽关系为第一项加第二项之和等于第三项加第四项之和",
    "申请人情况自然人法人或其他组织商业企业科研机构社会公益组织法律服务机构其他总计合计小计",
    "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉",
)
_FORM_TEXT = "\n".join(
    [s.label for s in (*REQUEST_FORM, *ACTIVE_FORM_2021, *ACTIVE_FORM_2019)]
    + [k for s in (*REQUEST_FORM, *ACTIVE_FORM_2021, *ACTIVE_FORM_2019) for k in s.keys]
    + list(_HEADER_TEXTS)
)
# a row's keywords, and the header's words however a copy words the rest of the header
# (本年收费金额（万元）, 商业企业数量)
_FORM_KEYS = frozenset(
    k for s in (*REQUEST_FORM, *ACTIVE_FORM_2021, *ACTIVE_FORM_2019) for k in s.keys
) | frozenset(
    (
        "信息内容",
        "制发",
        "废止",
        "现行有效",
        "处理决定",
        "收费金额",
        "新制作",
        "新公开",
        "公开总数",
        "项目数量",
        "采购",
        "申请人",
        "自然人",
        "法人",
        "商业企业",
        "科研机构",
        "公益组织",
        "法律服务",
        "勾稽",
        "复议",
        "诉讼",
        "维持",
        "纠正",
        "审结",
        "小计",
    )
)
# what a cell beside a label may hold that is no value: a note's or a remark's head (注1,
# 说明), a unit (件, 单位：万元), footnote marks (①, ※), 表二's item heading (第二十条第（一）项)
_NO_VALUE = re.compile(
    r"(?:注|备注|附注|说明)\d{0,2}|(?:单位)?(?:万元|元|件|个|条|项|次|家|份)"
    r"|第[二2]十条第[一二三四五六七八九十\d]{1,3}项"
    r"|[*＊※\u2460-\u2473\u2776-\u277f\u00b9\u00b2\u00b3]+"
)
_SENTENCE = re.compile("[。，；：:;,]")
MAX_WORD_CELL = 16  # folded characters: a longer text is prose (a note), not a cell


@lru_cache(maxsize=8192)
def word_cell(text: str) -> bool:
    """Words the form does not have, standing as a cell (见说明, 详见附件, 无此项, 另行统计):
    where the form puts a value after a row's label, a value the tool cannot read, never a
    label cell (the row's later numbers would move left into the wrong columns). False for a
    value (a number, a blank, a placeholder: ``labels.is_value_text``), for the form's words
    or a piece of them (a label wrapped over cells, a group label, a column header: the text
    lies inside one of them, or holds a row's keyword), a note's head, a unit, a footnote
    mark, and a sentence (a note between rows). Residue the dictionary knows (x, ?, 不详:
    ``labels.is_debris``) is left to it."""
    if is_value_text(text) or is_debris(text) or _SENTENCE.search(text):
        return False
    k = fold_text(text)
    if not k or len(k) > MAX_WORD_CELL or _NO_VALUE.fullmatch(k):
        return False
    if not any(c.isalpha() for c in k):
        return False
    return k not in _FORM_TEXT and not any(w in k for w in _FORM_KEYS)


def form_words(text: str) -> bool:
    """Whether ``text`` (folded) is the form's words: a piece of its labels or headers, a
    row's keyword in it, a note's head or a unit."""
    k = fold_text(text)
    return bool(k) and (k in _FORM_TEXT or holds_form_key(k) or bool(_NO_VALUE.fullmatch(k)))


def holds_form_key(text: str) -> bool:
    """Whether ``text`` (folded) holds a row's keyword or a header's word of the form (a
    label or a column's name, garbled or glued to a number: （七）总计21), not words of its
    own (4（无）, 其中5)."""
    k = fold_text(text)
    return any(w in k for w in _FORM_KEYS)


# a count with a word that says so glued on (合计12, 共5件, 计：3, 12（件）): the number
# is the cell's
_UNIT = r"(?:件|个|次|项|条)"
_COUNT_CELL = re.compile(
    rf"\s*(?:(?:合计|总计|共计|小计|共|计)[：:]?)?\s*(?P<num>\d+)\s*(?:[（(]\s*{_UNIT}\s*[）)]|{_UNIT})?\s*"
)
# not a value of the form's: a label's ordinal (1.属于…, 第…项), a date, a page (第3页, 共3页)
# (a number's: the 年 of a remark's words, 3（含上年结转）, is none)
_NO_WORDED = re.compile(r"\s*(?:\d+\s*[.．、]|第)|.*\d\s*[年月日页]")
_DIGIT_RUN = re.compile(r"\d+")
# a number with a remark in brackets after it (4（无）, 12（含转办3件）, 5（见说明）)
_REMARKED = re.compile(r"\s*[-+]?\d+(?:\.\d+)?\s*[（(][^（）()]{1,12}[）)]\s*")
# a remark saying what the number holds (335（含上年结转）, 12（其中转办3件）): the number is
# the cell's (not words that doubt it: 4（无）, 5（不详）)
_INCLUDES = re.compile(
    r"\s*(?P<num>[-+]?\d+(?:\.\d+)?)\s*[（(]\s*(?:含|其中|包括|包含|内含|另含|不含)[^（）()]{1,12}[）)]\s*"
)
_ITEM_WORDS = re.compile("第.{0,4}[条项]")  # 表二's item heading (第二十条第（五）项)
_CJK_CHAR = re.compile("[\u4e00-\u9fff]")


@lru_cache(maxsize=8192)
def worded_value(text: str) -> tuple[int, int] | None:
    """A cell holding a number and words of its own glued together, where a value stands:
    the span in ``text`` of the number to read where a count word goes with it (合计12,
    共5件, 12（件）: the form's cells are counts) or a remark says what it holds
    (335（含上年结转）), (-1, -1) for a number with another remark in brackets, a value the
    tool cannot read (4（无）), or None for any other text: a value
    (5件, 增加3), words without a digit, a label's ordinal (1.属于…, 第…项), a date or a
    page, the form's words (（七）总计21, 0（三）不予公开: a label glued to a number),
    other words glued to digits (其中5, 约30: ``word_cell``'s; 3他: a label garbled)."""
    if _DIGIT_RUN.search(text) is None or _CJK_CHAR.search(text) is None:
        return None
    if _NO_WORDED.match(text) or is_value_text(text):
        return None
    m = _COUNT_CELL.fullmatch(text)
    if m is not None:
        return m.span("num")
    if not _REMARKED.fullmatch(text):
        return None  # (words glued to digits otherwise may be a label garbled: 3他 for 3.其他)
    words = fold_text(_DIGIT_RUN.sub("", text))
    if (len(words) > 1 and words in _FORM_TEXT) or _ITEM_WORDS.search(words):
        return None
    # (a remark naming a row, 335（含上年结转）, is a remark all the same: its words no label)
    m = _INCLUDES.fullmatch(text)
    return m.span("num") if m is not None else (-1, -1)


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
    previous section's wins. A table of contents (three headings or more in a row, only
    blanks, leader dots or page numbers between them) is passed over when the headings it
    lists stand again after it."""
    k, idx = fold_region(text, 0, len(text))
    out = _headings_from(text, k, idx, 0)
    hits = sorted(out.values(), key=lambda h: h.start)
    run = [hits[0]] if hits else []
    for h in hits[1:]:
        if _TOC_GAP.fullmatch(text[run[-1].end : h.start]):
            run.append(h)
            continue
        if len(run) >= 3:
            break
        run = [h]
    if len(run) >= 3:
        after = _headings_from(text, k, idx, bisect_left(idx, run[-1].end))
        if len({h.section for h in run} & after.keys()) >= 3:
            return {**{s: h for s, h in out.items() if h.start < run[0].start}, **after}
    return out


# what stands between the lines of a table of contents: blanks, leader dots, page numbers
_TOC_GAP = re.compile(r"[\s.…·．\-—0-9]*")


def _headings_from(text: str, k: str, idx: list[int], pos: int) -> dict[str, HeadingHit]:
    out: dict[str, HeadingHit] = {}
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
