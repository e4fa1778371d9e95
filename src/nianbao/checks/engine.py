"""The rule engine: a registry of the checks of ``shared/spec/rules.md`` and the functions
that run them over a :class:`~nianbao.report.Report`.

How to add a rule
-----------------
Write one function in the ``rules_*.py`` module of its group and decorate it::

    @rule("R-EXAMPLE", "warning", "示例标题", "B")
    def example(report: Report) -> list[Finding]:
        if ...:
            return [finding("R-EXAMPLE", cells=[...], message="表三…")]
        return []

That is the only place to touch: the decorator registers the id, the default severity, the
Chinese title, the group letter (A–I of rules.md) and the function. Options:

* ``tables=True`` — run only when ``meta.format`` is one of 2021/2019/mixed (groups B–E);
* ``default=False`` — off unless asked for (``run_checks(..., include_off=True)`` or by id);
* ``text=True`` — needs the document text; skipped for a report built from values only;
* ``extraction=True`` — metadata only: the finding is emitted by the extractor, which sees
  the document; the registered function returns ``[]``;
* ``cross_year=True`` — metadata only: group J compares a report with the same agency's
  report of the year before, which only the store has (``nianbao.store.crossyear``); the
  registered function returns ``[]``.

:func:`skipped` lists, for the run summary, the rules that did not run on a report and why.

A rule function receives the report and returns findings; it must not modify the report.
Build findings with :func:`finding`, which fills the registered default severity (a rule
may pass another severity, e.g. info for a known variant). Sub-checks use ``id.sub`` rule
ids (``R-SUM-ROW.org_subtotal``); they share the parent's registration.
Compile regular expressions at module level: all checks together must stay well under a
millisecond per report (``bench/check_speed.py``). Table rules treat a blank cell as 0 and
list it in ``assumed_zero`` — :class:`nianbao.checks.rules.common.Sum` does that and writes the
arithmetic for the message (``自然人 7 + 商业企业 空白 + … = 12``); name cells with
``schema.label_of``. Numbers read from prose come from :mod:`nianbao.extraction.textfacts`. Put the
rule's tests (a violating variant and a consistent report) in ``tests/test_rules_*.py``;
a new ``rules_*`` module is also added to the import list at the bottom of this file.

The rule modules are imported at the bottom of this module; rules run (and findings of
equal severity sort) by group letter, then in the order they are defined — the evaluation
order of rules.md (A structure → B values → C–E arithmetic → F text/table → G content →
H dates → I text quality).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..report import Finding, Report
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
    "run_checks",
    "check",
    "base_id",
    "ordered_rules",
    "skipped",
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
        return None

    def run(self, report: Report) -> list[Finding]:
        if self.skip_reason(report) is not None:
            return []
        return self.func(report)


RULES: dict[str, Rule] = {}
_ORDERED: list[Rule] = []  # RULES sorted by (group, registration), rebuilt on registration
_RANK: dict[str, int] = {}


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
    _ORDERED[:] = sorted(RULES.values(), key=lambda r: (r.group, r.order))
    _RANK.clear()
    _RANK.update({r.id: i for i, r in enumerate(_ORDERED)})


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


def _selected(rules: Iterable[str] | None, include_off: bool) -> list[Rule]:
    if rules is None:
        return [r for r in _ORDERED if r.default or include_off]
    wanted = {base_id(r) for r in rules}
    unknown = wanted - RULES.keys()
    if unknown:
        raise ValueError("unknown rule id(s): " + ", ".join(sorted(unknown)))
    return [r for r in _ORDERED if r.id in wanted]


def run_checks(
    report: Report, rules: Iterable[str] | None = None, include_off: bool = False
) -> list[Finding]:
    """Run the registered rules (all that are on by default, or the ids in ``rules``,
    which may name off-by-default rules) and return their findings in rule order."""
    out: list[Finding] = []
    for r in _selected(rules, include_off):
        out.extend(r.run(report))
    return out


def skipped(report: Report, include_off: bool = False) -> dict[str, str]:
    """The rules that do not run on ``report`` and why (Chinese), for the run summary."""
    out: dict[str, str] = {}
    for r in _ORDERED:
        if not r.default and not include_off:
            out[r.id] = "默认不启用"
            continue
        reason = r.skip_reason(report)
        if reason is not None:
            out[r.id] = reason
    return out


def _sort_key(f: Finding) -> tuple[int, int]:
    return (SEVERITY_RANK.get(f.severity, 3), _RANK.get(base_id(f.rule), len(_RANK)))


def check(report: Report) -> Report:
    """Set ``report.findings`` to the extraction findings already on it plus the findings
    of every default rule, sorted error > warning > info, then by rule order."""
    kept = [f for f in report.findings if base_id(f.rule) in EXTRACTION_RULES]
    report.findings = sorted(kept + run_checks(report), key=_sort_key)
    return report


def ordered_rules() -> list[Rule]:
    """The registered rules in evaluation order (group letter, then registration)."""
    return list(_ORDERED)


# Register the rules (A structure, B values, C–E arithmetic, F text/table, G content,
# H dates, I text quality); they run in group order whatever the import order.
from .rules import arithmetic, content, dates, quality, structure, values  # noqa: E402,F401
from .rules import text as _text_rules  # noqa: E402,F401


def _checked_in_store(report: Report) -> list[Finding]:
    """Group J needs the year before: the store runs it (``nianbao.store.crossyear``)."""
    return []


for _rule_id, _severity, _title in CROSS_YEAR_RULES:
    rule(_rule_id, _severity, _title, "J", cross_year=True)(_checked_in_store)
