"""The registry of the checks: :func:`rule` registers a rule function with its id, default
severity, Chinese title and group letter; :func:`finding` builds a Finding with the rule's
default severity. Rule modules (``checks/rules/*.py``) import this module only, so the
engine can import them without an import circle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..report import Finding, Report, text_lost
from .rules.common import has_text

__all__ = [
    "Rule",
    "RULES",
    "EXTRACTION_RULES",
    "CROSS_YEAR_RULES",
    "CROSS_YEAR_SKIP",
    "TABLE_FORMATS",
    "SEVERITY_RANK",
    "rule",
    "finding",
    "base_id",
    "ordered_rules",
    "unregister",
]

RuleFunc = Callable[[Report], list[Finding]]

TABLE_FORMATS: frozenset[str] = frozenset({"2021", "2019", "mixed"})
SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

# Emitted by the extractor (they describe how the document was read); registered here for
# their metadata, kept by check() when already on the report.
EXTRACTION_RULES: frozenset[str] = frozenset(
    {
        "R-LAYOUT-SHIFT",
        "R-CELL-COUNT",
        "R-HEADER-GARBLED",
        "R-LABEL-VARIANT",
        "R-LABEL-TYPO",
        "R-INGEST-ARTIFACT",
        "R-OCR",
        "R-VALUE-RANGE",
        "R-UNREAD",
        "R-TEXT-TRUNCATED",
        "R-DIGITS-SPLIT",
    }
)

# Group J: checked by the store against the same agency's report of the year before;
# registered here for their metadata (listings, docs, severities).
CROSS_YEAR_RULES: tuple[tuple[str, str, str], ...] = (
    ("R-CROSS-YEAR-CARRY", "error", "上年结转与上年度结转下年度不一致"),
    ("R-CROSS-YEAR-INFORCE", "info", "现行有效件数衔接"),
    ("R-CROSS-YEAR-COPY", "warning", "内容与上年雷同"),
    ("R-CROSS-YEAR-SAME-DATA", "warning", "数据与上年完全相同"),
)
CROSS_YEAR_SKIP = "需要同一机关上一年度的报告（在数据库中检查）"


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered check."""

    id: str
    severity: str  # default severity
    title: str  # Chinese title, e.g. 勾稽关系
    group: str  # letter of rules.md (A–I)
    func: RuleFunc
    order: int  # registration index; rules run by (group, order)
    tables: bool = False  # runs only for meta.format in TABLE_FORMATS
    default: bool = True  # on by default
    extraction: bool = False  # emitted by the extractor
    text: bool = False  # needs the document text (skipped for a report built from values)
    cross_year: bool = False  # group J: checked by the store against the year before

    def skip_reason(self, report: Report) -> str | None:
        """Why this rule does not run on ``report`` (Chinese), or None when it runs."""
        if self.extraction:
            return "由解析器在读取文档时报告"
        if self.cross_year:
            return CROSS_YEAR_SKIP
        if self.tables and report.meta.get("format") not in TABLE_FORMATS:
            return f"表格格式为 {report.meta.get('format')}，不适用表格规则"
        if self.text and not has_text(report):
            return "报告只有表格数值，没有正文"
        if self.text and lost_text(report):
            return f"正文有 {lost_chars(report)} 个字符在文件保存之前已因文字编码错误丢失，无法依据正文判断"
        return None

    def run(self, report: Report) -> list[Finding]:
        # the tests of skip_reason, without building its message
        if self.extraction or self.cross_year:
            return []
        if self.tables and report.meta.get("format") not in TABLE_FORMATS:
            return []
        if self.text and (not has_text(report) or lost_text(report)):
            return []
        if self.text and lost_chars(report):
            found = self.func(report)
            for f in found:
                f.message += lost_note(lost_chars(report))
            return found
        return self.func(report)


def lost_chars(report: Report) -> int:
    """Characters the text lost before it reached the tool (set by the extraction): the
    words a text rule looks for, or their absence, may be among them."""
    layout = report.layout
    return int(layout.get("lost_chars") or 0) if isinstance(layout, dict) else 0


def lost_text(report: Report) -> bool:
    """The text lost too many characters to be judged by its words (``report.text_lost``)."""
    lost = lost_chars(report)
    return bool(lost) and text_lost(lost, len(report.text or ""))


def lost_note(lost: int) -> str:
    return (
        f"（注意：文本中有 {lost} 个字符在文件保存之前已因文字编码错误丢失，显示为「\ufffd」，"
        "本判断可能受其影响，请对照原件核对。）"
    )


RULES: dict[str, Rule] = {}
ORDERED: list[Rule] = []  # RULES sorted by (group, registration), rebuilt on registration
RULE_RANK: dict[str, int] = {}
# the rules of ORDERED that run on a report (not extraction, not cross-year), in order, as
# (rule, on by default, needs tables, needs text); rebuilt with ORDERED
RUNNABLE: list[tuple[Rule, bool, bool, bool]] = []


def rule(
    rule_id: str,
    severity: str,
    title: str,
    group: str,
    *,
    tables: bool = False,
    default: bool = True,
    extraction: bool = False,
    text: bool = False,
    cross_year: bool = False,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under ``rule_id`` (see the module docstring)."""
    if severity not in SEVERITY_RANK:
        raise ValueError(f"unknown severity {severity!r} for {rule_id}")
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id} registered twice")

    def deco(func: RuleFunc) -> RuleFunc:
        RULES[rule_id] = Rule(
            rule_id,
            severity,
            title,
            group,
            func,
            max((r.order for r in RULES.values()), default=-1) + 1,
            tables=tables,
            default=default,
            extraction=extraction,
            text=text,
            cross_year=cross_year,
        )
        _reorder()
        return func

    return deco


def _reorder() -> None:
    ORDERED[:] = sorted(RULES.values(), key=lambda r: (r.group, r.order))
    RULE_RANK.clear()
    RULE_RANK.update({r.id: i for i, r in enumerate(ORDERED)})
    RUNNABLE[:] = [
        (r, r.default, r.tables, r.text) for r in ORDERED if not (r.extraction or r.cross_year)
    ]


def unregister(rule_id: str) -> None:
    """Remove a rule from the registry (for plugins and tests)."""
    RULES.pop(rule_id, None)
    _reorder()


def base_id(rule_id: str) -> str:
    """``R-SUM-ROW.org_subtotal`` → ``R-SUM-ROW``."""
    return rule_id.split(".", 1)[0]


def finding(
    rule_id: str,
    *,
    cells: Iterable[str] = (),
    message: str = "",
    expected: Any = None,
    actual: Any = None,
    assumed_zero: Iterable[str] = (),
    evidence: Any = None,
    severity: str | None = None,
) -> Finding:
    """A Finding of a registered rule, with the rule's default severity unless given."""
    return Finding(
        rule=rule_id,
        severity=severity or RULES[base_id(rule_id)].severity,
        cells=list(cells),
        message=message,
        expected=expected,
        actual=actual,
        assumed_zero=list(assumed_zero),
        evidence=evidence,
    )


def ordered_rules() -> list[Rule]:
    """The registered rules in evaluation order (group letter, then registration)."""
    return list(ORDERED)


def _checked_in_store(report: Report) -> list[Finding]:
    """Group J needs the year before: the store runs it (``nianbao.store.crossyear``)."""
    return []


for _rule_id, _severity, _title in CROSS_YEAR_RULES:
    rule(_rule_id, _severity, _title, "J", cross_year=True)(_checked_in_store)
