"""Group I of rules.md: text quality heuristics (traces of copied text, a wrong
self-reference, a misquoted law title)."""

from __future__ import annotations

import re
from functools import lru_cache

from ...extraction.textfacts import sentences, unwrap
from ...report import Finding, Report
from ..registry import finding, rule
from .common import body_text, has_text, meta_year, section_text
from .text import quote

# ------------------------------------------------------------------ stale plan year
_PLAN_WORD = re.compile(r"下一步|下步|明年|今后|新的一年|将|拟|计划")
_PLAN_MARK = re.compile(r"下一步|下步工作|明年|今后|新的一年")
_Y = r"((?:19|20)\d{2})\s*年"
_PLANNED_YEAR = re.compile(
    r"(?<![到至止于])(?:对|围绕|做好|抓好|谋划|部署|制定|聚焦|推进|落实|明确|制发)\s*"
    + _Y
    + r"|(?<![到至止于\d])"
    + _Y
    + r"\s*度?"
    + r"[^，,。；;]{0,14}?(?:工作要点|工作计划|工作安排|重点任务|目标任务)"
)


@rule("R-TEXT-STALE-YEAR", "warning", "下一步计划年份陈旧", "I", text=True)
def text_stale_year(report: Report) -> list[Finding]:
    year = meta_year(report)
    if not isinstance(year, int) or not has_text(report):
        return []
    text = unwrap(section_text(report, "s5"))
    if not text:
        return []
    mark = _PLAN_MARK.search(text)
    plan_from = mark.start() if mark else len(text)
    hits: list[tuple[int, str]] = []
    pos = 0
    for sent in sentences(text):
        start = text.find(sent, pos)
        pos = max(pos, start + len(sent)) if start >= 0 else pos
        if "年" not in sent:  # every _PLANNED_YEAR match has one
            continue
        if start < plan_from and not _PLAN_WORD.search(sent):
            continue
        for m in _PLANNED_YEAR.finditer(sent):
            y = int(m.group(1) or m.group(2))
            if y <= year and (y, sent) not in hits:
                hits.append((y, sent))
    if not hits:
        return []
    shown = "；".join(f"「{quote(s, str(y))}」" for y, s in hits)
    years = "、".join(dict.fromkeys(f"{y}年" for y, _ in hits))
    return [
        finding(
            "R-TEXT-STALE-YEAR",
            cells=["sections.s5"],
            expected=f"> {year}",
            actual=sorted({y for y, _ in hits}),
            evidence=[s for _, s in hits],
            message=f"{year}年度报告的下一步工作计划仍以 {years} 为计划年度：{shown}。"
            "可能沿用了往年文字，应为下一年度的工作安排。",
        )
    ]


# ------------------------------------------------------------------ division type
_LEVEL = {
    "省": 4,
    "自治区": 4,
    "市": 3,
    "州": 3,
    "盟": 3,
    "县": 2,
    "区": 2,
    "旗": 2,
    "乡": 1,
    "镇": 1,
}
_COUNTY_TYPES = ("县", "区", "旗")
_PLACE_CUT = re.compile(r"人民政府|政府|委员会|办事处|局|厅|委|办公室|中心|院|所|站|队|部")
_NOT_DIVISION = re.compile(r"市场|市政|市民|区域|城区|园区|社区|县域|市域|镇域")
_DIVISION = re.compile(r"自治区|自治州|自治县|[省市州盟县区旗乡镇]")
_SELF = re.compile(r"(?<![自])我(县|区|市|旗|州|乡|镇)")
# _SELF without its look-behind (which made the engine try every position of the text)
_SELF_WORD = re.compile(r"我(县|区|市|旗|州|乡|镇)")
# 区政府 / 县政府 as a self-reference, not inside 地区政府, 辖区政府, 开发区政府, 各县区政府 …
_GOV_REF = re.compile(r"(县|区|旗)(?:人民)?政府")
_NOT_BEFORE_GOV = frozenset(
    "地治辖新发园城市景社片街特省小山灾校矿库牧林老范验护能业港贸湾游居县区乡郊"
)


def own_division(agency: str | None, admin_level: str | None = None) -> str | None:
    """The division type of the reporting body: 县 for 威县人民政府办公室, 区 for
    淮安市洪泽区人民政府, 市 for 上海市科委; None when unknown."""
    if not agency:
        return None
    cut = _PLACE_CUT.search(agency)
    place = agency[: cut.start()] if cut else agency
    place = _NOT_DIVISION.sub("__", place)
    found = _DIVISION.findall(place)
    if not found:
        return None
    t = found[-1]
    return {"自治州": "州", "自治县": "县"}.get(t, t)


def _level(t: str, admin_level: str | None) -> int:
    if t == "市" and admin_level == "county":
        return 2
    return _LEVEL.get(t, 0)


@rule("R-TEXT-FOREIGN-DIVISION", "info", "行政区划自称不符", "I", text=True)
def text_foreign_division(report: Report) -> list[Finding]:
    if not has_text(report):
        return []
    admin = report.meta.get("admin_level")
    own = own_division(report.meta.get("agency"), admin)
    if own is None:
        return []
    own_level = _level(own, admin)
    text = unwrap(body_text(report))
    hits: dict[str, str] = {}
    for m in _SELF_WORD.finditer(text):  # _SELF, its look-behind tested here
        start = m.start()
        if start and text[start - 1] == "自":
            continue
        t = m.group(1)
        if t != own and _level(t, None) <= own_level:
            hits.setdefault(m.group(0), _context(text, m.start(), m.end()))
    if own_level == 2:
        for m in _GOV_REF.finditer(text):
            t = m.group(1)
            if t != own and (m.start() == 0 or text[m.start() - 1] not in _NOT_BEFORE_GOV):
                hits.setdefault(m.group(0), _context(text, m.start(), m.end()))
    if not hits:
        return []
    words = "、".join(f"「{w}」" for w in hits)
    shown = "；".join(f"「{c}」" for c in hits.values())
    return [
        finding(
            "R-TEXT-FOREIGN-DIVISION",
            expected=own,
            actual=list(hits),
            evidence=list(hits.values()),
            message=f"报告主体为{own}级（{report.meta.get('agency')}），正文却以{words}自称：{shown}。"
            "可能沿用了其他地区的文字。",
        )
    ]


def _context(text: str, start: int, end: int, width: int = 18) -> str:
    a = start
    while a > 0 and start - a < width and text[a - 1] not in "。；;！？\n，,":
        a -= 1
    b = end
    while b < len(text) and b - end < width and text[b] not in "。；;！？\n，,":
        b += 1
    return text[a:b].strip()


# ------------------------------------------------------------------ law title
_BOOK_TITLE = re.compile(r"《([^《》]{2,30})》")
_LAW_FULL = "中华人民共和国政府信息公开条例"
_LAW_SHORT = "政府信息公开条例"
_LOCAL = re.compile(r"[省市县区州]|实施|办法|规定|细则|规范|指南|格式|通知|意见|条例释义")


@lru_cache(maxsize=1024)  # the titles a report cites recur from report to report
def _distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, capped at ``limit`` + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            best = min(best, cur[j])
        if best > limit:
            return limit + 1
        prev = cur
    return prev[-1]


@rule("R-TEXT-LAW-NAME", "info", "法规名称引用错误", "I", text=True)
def text_law_name(report: Report) -> list[Finding]:
    if not has_text(report):
        return []
    text = unwrap(body_text(report))
    if "条" not in text:
        return []
    bad: dict[str, None] = {}
    for m in _BOOK_TITLE.finditer(text):
        t = m.group(1).replace(" ", "")
        if t in (_LAW_FULL, _LAW_SHORT) or "条" not in t or "公开" not in t:
            continue
        if _LOCAL.search(t.replace("中华人民共和国", "")):
            continue
        if _distance(t, _LAW_FULL, 3) <= 3 or _distance(t, _LAW_SHORT, 2) <= 2:
            bad[m.group(0)] = None
    if not bad:
        return []
    quoted = "、".join(bad)
    return [
        finding(
            "R-TEXT-LAW-NAME",
            expected=f"《{_LAW_FULL}》",
            actual=list(bad),
            evidence=list(bad),
            message=f"正文引用的法规名称{quoted}有误，应为《{_LAW_FULL}》。",
        )
    ]


# ------------------------------------------------------------------ reporting body
# (a start not followed by a line break: in a run of blank lines the pattern is tried from
# its last one only, not from every one, each scanning the rest of the run; a run of 16,000
# line breaks took seconds; and its blanks possessive, as what follows each never starts
# with a blank: the two around an absent comma after 年 split a run of blanks every way)
_SUBJECT = re.compile(
    r"(?:^|[，,。；;：:\n])(?![^\S\n]*\n)\s*+(?:\d{4}\s*+年\s*+[，,]?\s*+)?([^，,。；;：:\n\s]{2,14}?)"
    r"(?:在政府信息公开工作中(?:还)?存在|在政务公开工作中(?:还)?存在|将采取以下措施)"
)
_SUBJECT_KEYS = ("在政府信息公开工作中", "在政务公开工作中", "将采取以下措施")
_OFFICE = re.compile(r"(?:政府办公室|政府办公厅|政府办|办公室|办公厅)$")
_GOVERNMENT = re.compile(r"政府$")
_OFFICE_ENDS = ("办公室", "办公厅", "政府办")  # how a subject _OFFICE finds ends


def _ends_before_key(text: str, ends: tuple[str, ...]) -> bool:
    """True when one of _SUBJECT_KEYS stands in ``text`` right after one of ``ends``."""
    for key in _SUBJECT_KEYS:
        i = text.find(key)
        while i >= 0:
            if text.endswith(ends, 0, i):
                return True
            i = text.find(key, i + 1)
    return False


@rule("R-TEXT-AGENCY-MISMATCH", "info", "报告主体前后不一", "I", text=True)
def text_agency_mismatch(report: Report) -> list[Finding]:
    kind = report.meta.get("agency_kind")
    agency = report.meta.get("agency") or ""
    if not has_text(report) or kind not in ("government", "department"):
        return []
    office_agency = kind == "department" and bool(_OFFICE.search(agency))
    if kind == "department" and not office_agency:
        return []
    text = unwrap(body_text(report, ("s1", "s5", "s6")))
    # a hit is a subject ending as _OFFICE (or 政府) right before one of _SUBJECT_KEYS
    if not _ends_before_key(text, _OFFICE_ENDS if kind == "government" else ("政府",)):
        return []
    hits: dict[str, str] = {}
    for m in _SUBJECT.finditer(text):
        subject = m.group(1)
        if kind == "government" and _OFFICE.search(subject):
            hits.setdefault(subject, _context(text, m.start(1), m.end(), 30))
        elif office_agency and _GOVERNMENT.search(subject):
            hits.setdefault(subject, _context(text, m.start(1), m.end(), 30))
    if not hits:
        return []
    names = "、".join(f"「{s}」" for s in hits)
    shown = "；".join(f"「{c}」" for c in hits.values())
    own = "本级人民政府" if kind == "government" else "政府办公室（厅）"
    return [
        finding(
            "R-TEXT-AGENCY-MISMATCH",
            expected=agency,
            actual=list(hits),
            evidence=list(hits.values()),
            message=f"报告标题的主体是{agency}（{own}），正文却以{names}作为报告主体：{shown}。"
            "请核实本报告是政府年报还是政府办公室（厅）年报。",
        )
    ]
