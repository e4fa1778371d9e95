"""The rule engine: runs the checks of ``shared/spec/rules.md`` (registered in
:mod:`.registry`) over a :class:`~nianbao.report.Report`.

How to add a rule
-----------------
Write one function in the ``checks/rules/<group>.py`` module of its group and decorate it::

    from ..registry import finding, rule

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
millisecond per report (``bench/check_speed.py``); a rule tests the common case cheaply
(``sum0`` against the printed total, a set lookup of cell ids) and builds a Sum and its
message only for a finding. Table rules treat a blank cell as 0 and
list it in ``assumed_zero`` — :class:`nianbao.checks.rules.common.Sum` does that and writes
the arithmetic for the message (``自然人 7 + 商业企业 空白 + … = 12``); name cells with
``schema.label_of``. Numbers read from prose come from :mod:`nianbao.extraction.textfacts`.
Put the rule's tests (a violating variant and a consistent report) in
``tests/test_rules_*.py``; a new rules module is also added to the import list below.

Rule modules import :mod:`.registry` only and this module imports them, so there is no
import circle. Rules run (and findings of equal severity sort) by group letter, then in the
order they are defined — the evaluation order of rules.md (A structure → B values → C–E
arithmetic → F text/table → G content → H dates → I text quality).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..report import Finding, Report
from .registry import (
    CROSS_YEAR_RULES,
    CROSS_YEAR_SKIP,
    EXTRACTION_RULES,
    ORDERED,
    RULE_RANK,
    RULES,
    RUNNABLE,
    SEVERITY_RANK,
    TABLE_FORMATS,
    Rule,
    base_id,
    finding,
    lost_chars,
    lost_note,
    lost_text,
    ordered_rules,
    rule,
    unregister,
)

# Register the rules (A structure, B values, C–E arithmetic, F text/table, G content,
# H dates, I text quality); they run in group order whatever the import order.
from .rules import arithmetic, content, dates, quality, structure, values  # noqa: F401
from .rules import text as _text_rules  # noqa: F401
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


def _selected(rules: Iterable[str] | None, include_off: bool) -> list[Rule]:
    if rules is None:
        return [r for r in ORDERED if r.default or include_off]
    wanted = {base_id(r) for r in rules}
    unknown = wanted - RULES.keys()
    if unknown:
        raise ValueError("unknown rule id(s): " + ", ".join(sorted(unknown)))
    return [r for r in ORDERED if r.id in wanted]


def run_checks(
    report: Report, rules: Iterable[str] | None = None, include_off: bool = False
) -> list[Finding]:
    """Run the registered rules (all that are on by default, or the ids in ``rules``,
    which may name off-by-default rules) and return their findings in rule order."""
    selected = None if rules is None else {r.id for r in _selected(rules, include_off)}
    tables = report.meta.get("format") in TABLE_FORMATS
    text: bool | None = None  # has_text(report), asked once, when a text rule comes
    lost = 0  # characters the text lost (a few: text rules run, their findings say so)
    out: list[Finding] = []
    # what Rule.run tests, once per report rather than once per rule
    for r, default, needs_tables, needs_text in RUNNABLE:
        if selected is None:
            if not (default or include_off):
                continue
        elif r.id not in selected:
            continue
        if needs_tables and not tables:
            continue
        if needs_text:
            if text is None:
                # no text, or a text that lost many characters (the words a rule looks for
                # may be among them: Rule.skip_reason says so)
                lost = lost_chars(report)
                text = has_text(report) and not (lost and lost_text(report))
            if not text:
                continue
            if lost:
                found = r.func(report)
                for f in found:
                    f.message += lost_note(lost)
                out.extend(found)
                continue
        out.extend(r.func(report))
    return out


def skipped(report: Report, include_off: bool = False) -> dict[str, str]:
    """The rules that do not run on ``report`` and why (Chinese), for the run summary."""
    out: dict[str, str] = {}
    for r in ORDERED:
        if not r.default and not include_off:
            out[r.id] = "默认不启用"
            continue
        reason = r.skip_reason(report)
        if reason is not None:
            out[r.id] = reason
    return out


def _sort_key(f: Finding) -> tuple[int, int]:
    return (SEVERITY_RANK.get(f.severity, 3), RULE_RANK.get(base_id(f.rule), len(RULE_RANK)))


def check(report: Report) -> Report:
    """Set ``report.findings`` to the extraction findings already on it plus the findings
    of every default rule, sorted error > warning > info, then by rule order."""
    kept = [f for f in report.findings if base_id(f.rule) in EXTRACTION_RULES]
    report.findings = sorted(kept + run_checks(report), key=_sort_key)
    return report
