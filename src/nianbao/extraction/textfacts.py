"""Facts read from a report's prose by patterns: the 信息处理费 statements of section 六
(:func:`fees_info`) and the figures the body text states about the tables
(:func:`narrative_facts`), which R-TEXT-TABLE compares with the table cells.

Texts are the normalised section bodies (simplified script); both full-width and half-width
punctuation are accepted, and spaces between digits and words are tolerated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["fees_info", "NarrativeFact", "narrative_facts", "sentences", "unwrap", "parse_amount"]

# ------------------------------------------------------------------ sentences
_SENTENCE_END = re.compile(r"(?<=[。；;！？!?\n])")
# An ASCII comma ends a clause, except as a thousands separator (1,234件): _NUM reads
# those, and a split there left the clause without its number.
_CLAUSE_SPLIT = re.compile(r"[，：:。；;！？!?\n]|(?<!\d),|,(?!\d{3}(?!\d))")
# A line break inside a sentence (hard-wrapped PDF text): not after a sentence end, not
# before a numbered item or another line break. A match starts only where a run of blanks
# starts (no tab or space before it): tried at every blank of a long run, the pattern took
# time quadratic in the run (a fuzzed line of 128,000 tabs: minutes in one re.sub).
_WRAP = re.compile(
    r"(?<![。；;！？!?：:\n \t])[ \t]*\n[ \t]*"
    r"(?![（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．]|\n|$)"
)


# a line of numbers alone, or of cells between pipes (a table's row kept among the
# section's lines): no sentence goes on after it
_VALUE_ROW = re.compile(r"[\d \t.,|｜%-]*\d[\d \t.,|｜%-]*")
_UNITS = ("件", "条", "个", "次", "篇", "项", "万元", "元", "%", "％", "年", "月", "日")
_CELLS = re.compile(r"[|｜][^|｜\n]*[^\s|｜][^|｜\n]*[|｜]")


@lru_cache(maxsize=64)
def unwrap(text: str) -> str:
    """Join the lines of a hard-wrapped paragraph (Chinese needs no space between them);
    never after a line of numbers alone."""
    if "\n" not in text:
        return text

    def join(m: re.Match[str]) -> str:
        prev = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        if _VALUE_ROW.fullmatch(prev) and text.startswith(_UNITS, m.end()):
            return ""  # a number wrapped alone before its unit (申请 / 125 / 件，…)
        return "\n" if _VALUE_ROW.fullmatch(prev) or _CELLS.search(prev) else ""

    return _WRAP.sub(join, text)


@lru_cache(maxsize=64)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in _SENTENCE_END.split(unwrap(text)) if s.strip())


def sentences(text: str) -> list[str]:
    """``text`` (unwrapped) cut after 。；！？ and paragraph breaks; empty pieces dropped.
    (Cached: several rules cut the same text.)"""
    return list(_sentences(text))


# a number starts where a run of digits starts: a pattern that begins with a number (``N
# 件结转下年度``) was otherwise tried from every digit of a long run, each try scanning the
# rest of it (113,000 digits: seconds; a fuzz finding)
_NUM = r"(?<!\d)(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"


def parse_amount(number: str, unit: str | None = None) -> float | int:
    """'1,234' → 1234; with unit 万元/万 the amount is multiplied by 10000."""
    n = float(number.replace(",", ""))
    if unit and unit.startswith("万"):
        n *= 10000
    return int(n) if n.is_integer() else n


# ------------------------------------------------------------------ fees (section 六)
_FEE_WORD = re.compile(r"信息处理费|处理费|收费通知|缴费通知")
_NOT_COLLECTED = re.compile(
    r"(?:未|没有|无|不|均未|从未|未曾|并未)(?:向申请人)?(?:收取|收缴|征收|收)[^，,。；;]{0,12}?(?:信息处理费|处理费|费用)"
    r"|(?:信息处理费|处理费)[^，,。；;\d]{0,8}?(?:为零|为0元|0元|零元|未收取|均未收取)"
)
_COLLECTED = re.compile(
    r"(?:收取|收缴|实收|征收|收到)[^，,。；;\d]{0,15}?(?:信息处理费|处理费)"
    r"[^，,。；;\d]{0,8}?(?:共计?|合计|总计)?\s*" + _NUM + r"\s*(万元|元)"
    r"|(?:信息处理费|处理费)[^，,。；;\d]{0,10}?(?:收取|收缴|实收|征收)[^，,。；;\d]{0,6}?"
    + _NUM
    + r"\s*(万元|元)"
)
_NOTICE = r"(?:收费|缴费)通知(?:书|单)?"
_NO_NOTICES = re.compile(
    r"(?:未|没有|无|均未|并未)(?:发出|发送|送达|出具|开具|寄送|制发|下发)?[^，,。；;\d]{0,10}?"
    + _NOTICE
)
_NOTICES = re.compile(
    r"(?:发出|发送|送达|出具|开具|寄送|制发|下发)[^，,。；;\d]{0,12}?"
    + _NOTICE
    + r"[^，,。；;\d]{0,4}?"
    + _NUM
    + r"\s*(?:份|件|次|个|张)"
    r"|" + _NOTICE + r"[^，,。；;\d]{0,4}?" + _NUM + r"\s*(?:份|件|次|个|张)"
)
_NOTICES_AMOUNT = re.compile(
    _NOTICE + r"[^。；;]{0,30}?(?:金额|共计|合计|涉及)[^。；;\d]{0,8}?" + _NUM + r"\s*(万元|元)"
)


def fees_info(text: str) -> dict[str, object]:
    """The 信息处理费 facts of section 六 (and the closing block) — schema.md ``fees_info``:
    ``mentioned`` (the text speaks about the fee at all), ``notices`` (fee notices sent),
    ``notices_amount`` (their amount, 元), ``collected`` (amount collected, 元; 0 when the
    text says none was collected). Unknown facts are None."""
    out: dict[str, object] = {
        "mentioned": False,
        "notices": None,
        "notices_amount": None,
        "collected": None,
    }
    if not text or not _FEE_WORD.search(text):
        return out
    out["mentioned"] = True
    m = _COLLECTED.search(text)
    if m:
        num, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        out["collected"] = parse_amount(num, unit)
    elif _NOT_COLLECTED.search(text):
        out["collected"] = 0
    m = _NOTICES.search(text)
    if m:
        out["notices"] = int(parse_amount(m.group(1) or m.group(2)))
    elif _NO_NOTICES.search(text):
        out["notices"] = 0
    m = _NOTICES_AMOUNT.search(text)
    if m:
        out["notices_amount"] = parse_amount(m.group(1), m.group(2))
    elif out["notices"] == 0:
        out["notices_amount"] = 0
    return out


# ------------------------------------------------------------------ narrative figures
@dataclass(frozen=True, slots=True)
class NarrativeFact:
    """A figure the prose states: ``kind`` is the R-TEXT-TABLE sub-id (new, processed,
    carried_forward, reconsideration, litigation, reviews_all, regulations.in_force, …,
    no_reviews), ``value`` the number (None for a denial), ``sentence`` the sentence quoted,
    ``scope`` for a denial: which of 复议/诉讼 it denies."""

    kind: str
    value: int | None
    sentence: str
    scope: str = ""


_GAP = r"[^，,。；;：:\d]"  # one character inside a clause, not a digit
_N_JIAN = r"\s*" + _NUM + r"\s*件"

_APPLICATION = r"申请(?!人)"
_NEW = re.compile(
    r"(?:新收|收到|受理|接收|共办理|共计办理|办理了?|共接收)"
    + _GAP
    + r"{0,30}?"
    + _APPLICATION
    + _GAP
    + r"{0,12}?(?:共计?|合计)?"
    + _N_JIAN
)
_PROCESSED = re.compile(
    r"(?:办结|答复|办复|处理完毕)"
    + _GAP
    + r"{0,30}?"
    + _APPLICATION
    + _GAP
    + r"{0,12}?(?:共计?|合计)?"
    + _N_JIAN
    + r"|"
    + _APPLICATION
    + r"(?:已|均已|全部)?(?:办结|答复|办复)(?:了)?"
    + _N_JIAN
)
_CARRY_FWD = re.compile(
    r"(?:结转|转入?|顺延)(?:至|到)?下一?年度?(?:继续办理|办理)?"
    + _GAP
    + r"{0,8}?"
    + _N_JIAN
    + r"|"
    + _NUM
    + r"\s*件"
    + _GAP
    + r"{0,10}?(?:结转|转入?|顺延)(?:至|到)?下一?年度?"
)
_RECON = re.compile(
    r"(?<!后)行政复议(?:案件|申请)?"
    + r"[^，,。；;：:\d、]{0,6}?(?:共计?)?"
    + _N_JIAN.replace("件", "(?:件|起)")
)
_LITIG = re.compile(
    r"行政诉讼(?:案件)?"
    + r"[^，,。；;：:\d、]{0,6}?(?:共计?)?"
    + _N_JIAN.replace("件", "(?:件|起)")
)
_NO_REVIEWS = re.compile(
    r"(?:未发生|未引起|未产生|未出现|未收到|未涉及|未有|没有|不存在|均未|无(?![法正偿]))"
    r"[^，,。；;\d]{0,24}?(行政复议|行政诉讼|复议|诉讼)"
)
_ACTIVE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "regulations.in_force",
        re.compile(r"现行有效(?:的)?(?:政府)?规章" + _GAP + r"{0,4}?" + _N_JIAN),
    ),
    (
        "normative.in_force",
        re.compile(r"现行有效(?:的)?(?:行政)?规范性文件" + _GAP + r"{0,4}?" + _N_JIAN),
    ),
    (
        "regulations.issued",
        re.compile(
            r"(?:制发|制定|出台|发布)(?:了)?"
            + r"[^，,。；;：:\d、]{0,8}?规章"
            + _GAP
            + r"{0,4}?"
            + _N_JIAN
        ),
    ),
    (
        "normative.issued",
        re.compile(
            r"(?:制发|印发|出台|制定)(?:了)?"
            + r"[^，,。；;：:\d、]{0,8}?(?:行政)?规范性文件"
            + _GAP
            + r"{0,4}?"
            + _N_JIAN
        ),
    ),
    (
        "regulations.repealed",
        re.compile(r"废止(?:了)?" + r"[^，,。；;：:\d、]{0,8}?规章" + _GAP + r"{0,4}?" + _N_JIAN),
    ),
    (
        "normative.repealed",
        re.compile(
            r"废止(?:了)?"
            + r"[^，,。；;：:\d、]{0,8}?(?:行政)?规范性文件"
            + _GAP
            + r"{0,4}?"
            + _N_JIAN
        ),
    ),
)
# "未发生…被行政复议纠错" denies a result, not the existence of cases
_QUALIFIED = re.compile(r"纠错|纠正|败诉|撤销|违法|被纠|改变")
# a clause giving one result row (同意公开答复 9 件), not the whole
_BREAKDOWN = re.compile(r"同意公开|予以公开|部分公开|不予公开|无法提供|不予处理|其他处理|不予受理")
_SKIP_CLAUSE = re.compile(r"咨询|留言|信箱|热线|诉求|建议|提案|来电|来信|投诉")
_PUBLIC = re.compile(r"公开|依申请")
_COMBINED_BEFORE = re.compile(r"复议[、和及与/]?$")
_AFTER_REVIEW = re.compile(r"复议后起诉|经复议")


def _int(num: str) -> int | None:
    v = parse_amount(num)
    return v if isinstance(v, int) else None


def _clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE_SPLIT.split(sentence) if c.strip()]


def narrative_facts(text: str) -> list[NarrativeFact]:
    """The figures stated by the prose of sections 一–四 (see :class:`NarrativeFact`).
    A clause yields a fact only when it gives a single number for it."""
    facts: list[NarrativeFact] = []
    if not text:
        return facts
    for sent in _sentences(text):
        if "件" not in sent and "复议" not in sent and "诉讼" not in sent:
            continue
        for clause in _clauses(sent):
            clause_s = clause.strip()
            if clause_s.startswith("其中") or _SKIP_CLAUSE.search(clause_s):
                continue
            _applications(clause_s, sent, facts)
            _reviews(clause_s, sent, facts)
            if "规章" in clause_s or "规范性文件" in clause_s:
                for kind, pat in _ACTIVE_PATTERNS:
                    ms = pat.findall(clause_s)
                    if len(ms) == 1:
                        n = _int(ms[0])
                        if n is not None:
                            facts.append(NarrativeFact(kind, n, sent))
    return facts


def _single(pat: re.Pattern[str], clause: str) -> int | None:
    found = [g for m in pat.finditer(clause) for g in m.groups() if g]
    if len(found) != 1:
        return None
    return _int(found[0])


def _applications(clause: str, sent: str, facts: list[NarrativeFact]) -> None:
    if "件" not in clause:
        return
    if (
        "申请" in clause
        and _PUBLIC.search(clause)
        and "复议" not in clause
        and "诉讼" not in clause
        and not _BREAKDOWN.search(clause)
    ):
        n = _single(_NEW, clause)
        if n is not None:
            facts.append(NarrativeFact("new", n, sent))
        n = _single(_PROCESSED, clause)
        if n is not None:
            facts.append(NarrativeFact("processed", n, sent))
    if "下" in clause and "年" in clause:
        n = _single(_CARRY_FWD, clause)
        if n is not None:
            facts.append(NarrativeFact("carried_forward", n, sent))


def _reviews(clause: str, sent: str, facts: list[NarrativeFact]) -> None:
    if "复议" not in clause and "诉讼" not in clause:
        return
    for m in _RECON.finditer(clause):
        if _AFTER_REVIEW.search(clause[max(0, m.start() - 4) : m.end()]):
            continue
        n = _int(m.group(1))
        if n is not None:
            facts.append(NarrativeFact("reconsideration", n, sent))
    for m in _LITIG.finditer(clause):
        n = _int(m.group(1))
        if n is None:
            continue
        before = clause[max(0, m.start() - 6) : m.start()]
        if _COMBINED_BEFORE.search(before):
            facts.append(NarrativeFact("reviews_all", n, sent))
        else:
            facts.append(NarrativeFact("litigation", n, sent))
    if not re.search(r"\d", clause):
        deny = _NO_REVIEWS.search(clause)
        if deny and not _QUALIFIED.search(sent[sent.find(clause) + deny.end() :][:12]):
            tail = clause[deny.start() :]
            has_recon = "复议" in tail
            has_litig = "诉讼" in tail
            scope = "all" if has_recon and has_litig else ("recon" if has_recon else "litig")
            facts.append(NarrativeFact("no_reviews", None, sent, scope))
