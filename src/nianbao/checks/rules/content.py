"""Group G of rules.md: required content (fees, assessment, empty sections, statistics
period, optional topics of section 六, contact details)."""

from __future__ import annotations

import re

from ...report import Finding, Report
from ...schema import SECTION_HEADINGS
from ..registry import finding, rule
from .common import (
    CJK_CHAR,
    body_text,
    has_table,
    has_text,
    is_not_read,
    is_unmapped,
    meta_year,
    not_read,
    parse_date,
    section_text,
)
from .text import report_fees


@rule("R-FEE-INFO", "warning", "未报告信息处理费情况", "G", text=True)
def fee_info(report: Report) -> list[Finding]:
    if report.meta.get("format") not in ("2021", "mixed") or not has_text(report):
        return []
    if report_fees(report).get("mentioned"):
        return []
    s6 = section_text(report, "s6").strip()
    shown = f"（第六部分内容为「{s6[:40]}」）" if s6 and len(s6) <= 40 else ""
    return [
        finding(
            "R-FEE-INFO",
            cells=["sections.s6", "fees_info.mentioned"],
            expected=True,
            actual=False,
            evidence=s6[:200] or None,
            message=f"报告未说明信息处理费情况{shown}。年报格式要求在「六、其他需要报告的事项」中"
            "报告发出收费通知的件数和总金额以及实际收取的总金额（未收取也应写明）。",
        )
    ]


_ASSESSMENT = re.compile(r"考核|评议|责任追究")


@rule("R-GOV-ASSESSMENT", "warning", "政府年报缺考核评议追究情况", "G", text=True)
def gov_assessment(report: Report) -> list[Finding]:
    if report.meta.get("agency_kind") != "government" or not has_text(report):
        return []
    text = body_text(report, ("s1", "s5", "s6"))
    if _ASSESSMENT.search(text):
        return []
    return [
        finding(
            "R-GOV-ASSESSMENT",
            cells=["sections.s1", "sections.s5", "sections.s6"],
            message="本级人民政府年报未提及政府信息公开工作考核、社会评议和责任追究结果情况"
            "（《条例》第五十条第（四）项）。",
        )
    ]


_CJK_WINDOW = 400


def _count_cjk(text: str, enough: int = _CJK_WINDOW) -> int:
    """Number of Chinese characters, counted in the first ``enough`` characters when the
    text is long (only "fewer than 50" matters)."""
    return len(CJK_CHAR.findall(text if len(text) <= enough else text[:enough]))


_ONLY_NONE = re.compile(r"^[\s。.、，,]*(?:无|暂无|没有|无其他需要报告的事项)[\s。.、，,]*$")
_MIN_CJK = 50
# matches when the first _CJK_WINDOW characters hold _MIN_CJK Chinese characters or more
_ENOUGH_CJK = re.compile(rf"(?:[^\u3400-\u9fff]*+[\u3400-\u9fff]){{{_MIN_CJK}}}")


@rule("R-SECTION-EMPTY", "warning", "章节内容空泛", "G", text=True)
def section_empty(report: Report) -> list[Finding]:
    out = []
    for key in ("s1", "s5"):
        sec = report.sections.get(key)
        if sec is None or not sec.present:
            continue
        text = sec.text or ""
        if _ENOUGH_CJK.match(text, 0, _CJK_WINDOW) and not _ONLY_NONE.match(text):
            continue  # _MIN_CJK Chinese characters or more: not empty (counted if not)
        n = _count_cjk(text)
        if n < _MIN_CJK or _ONLY_NONE.match(text):
            shown = text.strip()[:40]
            out.append(
                finding(
                    "R-SECTION-EMPTY",
                    cells=[f"sections.{key}"],
                    expected=f">= {_MIN_CJK}",
                    actual=n,
                    evidence=text[:200],
                    message=f"「{SECTION_HEADINGS[key]}」内容过于简略（{n} 个汉字"
                    + (f"：「{shown}」" if shown else "")
                    + "），应具体说明有关情况。",
                )
            )
    tables = {
        "s2": (("active.", "active2019."), "active"),
        "s3": (("requests.",), "requests"),
        "s4": (("reviews.",), "reviews"),
    }
    for key, (prefixes, table) in tables.items():
        sec = report.sections.get(key)
        # (text not blank: what `.strip()` would leave, without the copy)
        if sec is None or not sec.present or (sec.text and not sec.text.isspace()):
            continue
        if is_unmapped(report, table):
            continue
        if has_table(report, prefixes):
            continue
        unread = not_read(report)
        if is_not_read(unread, f"sections.{key}") or any(r.startswith(prefixes) for r in unread):
            continue  # what stands there the tool could not read (R-UNREAD)
        out.append(
            finding(
                "R-SECTION-EMPTY",
                cells=[f"sections.{key}"],
                message=f"「{SECTION_HEADINGS[key]}」既没有统计表也没有文字内容。",
            )
        )
    return out


@rule("R-PERIOD-STATEMENT", "info", "未说明统计期限", "G", text=True)
def period_statement(report: Report) -> list[Finding]:
    if not has_text(report):
        return []
    if report.meta.get("period_start") or report.meta.get("period_end"):
        return []
    return [
        finding(
            "R-PERIOD-STATEMENT",
            cells=["meta.period_start", "meta.period_end"],
            message="报告未说明数据的统计期限（通常写作「本报告所列数据的统计期限为"
            "某年1月1日至12月31日」）。",
        )
    ]


@rule("R-PERIOD-YEAR", "error", "统计期限错误", "G")
def period_year(report: Report) -> list[Finding]:
    year = meta_year(report)
    if not isinstance(year, int):
        return []
    start = parse_date(report.meta.get("period_start"))
    end = parse_date(report.meta.get("period_end"))
    out = []
    problems = []
    cells = []
    if start is not None and (start.year, start.month, start.day) != (year, 1, 1):
        problems.append(f"起始日期 {start.isoformat()}（应为 {year}-01-01）")
        cells.append("meta.period_start")
    if end is not None and (end.year, end.month, end.day) != (year, 12, 31):
        problems.append(f"截止日期 {end.isoformat()}（应为 {year}-12-31）")
        cells.append("meta.period_end")
    if problems:
        out.append(
            finding(
                "R-PERIOD-YEAR",
                cells=cells,
                expected=[f"{year}-01-01", f"{year}-12-31"],
                actual=[report.meta.get("period_start"), report.meta.get("period_end")],
                message=f"{year}年度报告的统计期限有误：{'；'.join(problems)}。"
                "年报应统计上一自然年度的数据。",
            )
        )
    return out


_SIX_TOPICS = re.compile(r"工作要点|建议|提案|创新")


@rule("R-SIX-TOPICS", "info", "其他需要报告事项不完整", "G", default=False, text=True)
def six_topics(report: Report) -> list[Finding]:
    if report.meta.get("format") != "2021" or not has_text(report):
        return []
    sec = report.sections.get("s6")
    if sec is None or not sec.present or _SIX_TOPICS.search(sec.text or ""):
        return []
    return [
        finding(
            "R-SIX-TOPICS",
            cells=["sections.s6"],
            message="「六、其他需要报告的事项」未涉及落实上级年度政务公开工作要点、"
            "人大代表建议和政协提案办理结果公开、政务公开工作创新等情况。",
        )
    ]


# Patterns start with a literal so the scan over the whole text stays cheap.
_PHONE_DASH = re.compile(r"0\d{2,3} ?[-—－–]{1,2} ?\d{7,8}(?!\d)")
_MOBILE = re.compile(r"1[3-9]\d{9}(?!\d)")
_PHONE_LABEL = re.compile(r"(?:电话|热线|传真) ?[:：]? ?[（(]?0?\d{2,4}[)）]? ?[-—－–]? ?\d{7,8}")
# (tried only where a run of such characters starts: from every character of a long run
# without "@", each try scanned the rest of it)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_ADDRESS = re.compile(r"地址[ ]?[:：为]|邮政编码|邮编[ ]?[:：]?[ ]?\d{6}")


# What the searches of _EMAIL, _ADDRESS and _PHONE_LABEL find, tried only where a match
# can start: each pattern begins with a word (or, for an e-mail, ends its local part at an
# "@"), so a match is tried at the word's occurrences, not at every character of the text
# (the patterns open with a look-behind or an alternation, which the regex engine scans
# the text for one position at a time). The occurrences are found by the word's last
# character: str.find of one character is many times faster than of two.
_EMAIL_LOCAL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
_EMAIL_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def _has_email(text: str) -> bool:
    """``_EMAIL.search(text)`` is not None: an "@" after a local-part character and
    followed by a domain (the match starts where that run of local-part characters starts,
    which is what its look-behind asks)."""
    at = text.find("@")
    while at >= 0:
        if at and text[at - 1] in _EMAIL_LOCAL and _EMAIL_DOMAIN.match(text, at + 1):
            return True
        at = text.find("@", at + 1)
    return False


def _match_at_words(pattern: re.Pattern[str], text: str, words: tuple[str, ...]) -> bool:
    """``pattern.search(text)`` is not None, for a pattern whose every match starts with
    one of ``words``."""
    for w in words:
        k = len(w) - 1
        last = w[-1]
        i = text.find(last, k)
        while i >= 0:
            if text.startswith(w, i - k) and pattern.match(text, i - k):
                return True
            i = text.find(last, i + 1)
    return False


def _has_contact(text: str) -> bool:
    if "@" in text and _has_email(text):
        return True
    if _match_at_words(_ADDRESS, text, ("地址", "邮")):
        return True
    if _match_at_words(_PHONE_LABEL, text, ("电话", "热线", "传真")):
        return True
    for m in _PHONE_DASH.finditer(text):
        if m.start() == 0 or not text[m.start() - 1].isdigit():
            return True
    for m in _MOBILE.finditer(text):
        if m.start() == 0 or not text[m.start() - 1].isdigit():
            return True
    return False


@rule("R-CONTACT", "info", "缺少联系方式", "G", text=True)
def contact(report: Report) -> list[Finding]:
    if not has_text(report):
        return []
    text = report.text or body_text(report, ("s1", "s2", "s3", "s4", "s5", "s6", "closing"))
    if _has_contact(text):
        return []
    return [
        finding(
            "R-CONTACT",
            message="报告未提供联系方式（电话、电子邮箱或通信地址），公众对报告有疑问时无从联系。",
        )
    ]
