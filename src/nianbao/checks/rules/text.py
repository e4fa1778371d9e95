"""Group F of rules.md: the body text against the tables (numbers read from prose by the
patterns of :mod:`nianbao.extraction.textfacts`; findings quote the sentence)."""

from __future__ import annotations

import re

from ...extraction.textfacts import (
    NarrativeFact,
    fees_info,
    narrative_facts,
    parse_amount,
    sentences,
)
from ...report import Finding, Report
from ...schema import label_of
from ..registry import finding, rule
from .common import Sum, body_text, fmt, has_text, section_text

_QUOTE_MAX = 120


def quote(sentence: str, around: str | None = None) -> str:
    """The sentence, cut to a readable length (around ``around`` when given)."""
    s = sentence.strip()
    if len(s) <= _QUOTE_MAX:
        return s
    i = s.find(around) if around else -1
    if i < 0:
        return s[: _QUOTE_MAX - 1] + "…"
    start = max(0, i - _QUOTE_MAX // 2)
    end = min(len(s), start + _QUOTE_MAX)
    return ("…" if start else "") + s[start:end] + ("…" if end < len(s) else "")


# (kind, sub-id, cells, table words)
_SIMPLE: dict[str, tuple[str, tuple[str, ...], str]] = {
    "processed": ("processed", ("requests.processed_total.total",), "表三「（七）总计」总计"),
    "carried_forward": (
        "carried_forward",
        ("requests.carried_forward.total",),
        "表三「四、结转下年度继续办理」总计",
    ),
    "reconsideration": (
        "reconsideration",
        ("reviews.reconsideration.total",),
        "表四「行政复议」总计",
    ),
    "litigation": (
        "litigation",
        ("reviews.litigation_direct.total", "reviews.litigation_after.total"),
        "表四「未经复议直接起诉」总计 + 「复议后起诉」总计",
    ),
    "reviews_all": (
        "litigation",
        (
            "reviews.reconsideration.total",
            "reviews.litigation_direct.total",
            "reviews.litigation_after.total",
        ),
        "表四行政复议、直接起诉、复议后起诉三个总计之和",
    ),
}
for _x, _name in (("regulations", "规章"), ("normative", "行政规范性文件")):
    for _col in ("issued", "repealed", "in_force"):
        _SIMPLE[f"{_x}.{_col}"] = (_x, (f"active.{_x}.{_col}",), label_of(f"active.{_x}.{_col}"))


# every cell a figure of the prose is compared with (a fact about another is passed over)
_COMPARED_CELLS: frozenset[str] = frozenset(
    {
        "requests.new.total",
        "reviews.reconsideration.total",
        "reviews.litigation_direct.total",
        "reviews.litigation_after.total",
        *(c for _, cells, _ in _SIMPLE.values() for c in cells),
    }
)


def _table_sum(report: Report, cells: tuple[str, ...]) -> tuple[int | float, Sum] | None:
    """Σ of the cells, or None when the table does not state them (absent or all blank)."""
    if not all(c in report.values for c in cells):
        return None
    if all(report.get(c) is None for c in cells):
        return None
    s = Sum(report)
    for c in cells:
        s.value(c)
    return s.total, s


@rule("R-TEXT-TABLE", "warning", "正文与表格数据不一致", "F", text=True)
def text_table(report: Report) -> list[Finding]:
    if not has_text(report):
        return []
    if report.values.keys().isdisjoint(_COMPARED_CELLS):
        return []  # no table figure to compare a figure of the prose with
    facts = narrative_facts(body_text(report, ("s1", "s2", "s3", "s4")))
    if not facts:
        return []
    # sub-id -> (cells, expected values, [(fact, table words, table value)])
    bad: dict[str, list[tuple[NarrativeFact, tuple[str, ...], str, int | float]]] = {}
    seen: set[tuple[str, int | None, str]] = set()
    for f in facts:
        key = (f.kind, f.value, f.sentence)
        if key in seen:
            continue
        seen.add(key)
        if f.kind == "new":
            got = _table_sum(report, ("requests.new.total",))
            if got is None:
                continue
            new_total = got[0]
            carried = report.get("requests.carried_over.total") or 0
            if f.value in (new_total, new_total + carried):
                continue
            words = "表三「一、本年新收政府信息公开申请数量」总计"
            if carried:
                words += f"（加上年结转为 {fmt(new_total + carried)}）"
            bad.setdefault("new", []).append((f, ("requests.new.total",), words, new_total))
        elif f.kind == "no_reviews":
            cells = {
                "all": (
                    "reviews.reconsideration.total",
                    "reviews.litigation_direct.total",
                    "reviews.litigation_after.total",
                ),
                "recon": ("reviews.reconsideration.total",),
                "litig": ("reviews.litigation_direct.total", "reviews.litigation_after.total"),
            }[f.scope or "all"]
            got = _table_sum(report, cells)
            if got is None or got[0] <= 0:
                continue
            bad.setdefault("no_reviews", []).append((f, cells, "表四相应总计之和", got[0]))
        elif f.kind in _SIMPLE:
            sub, cells, words = _SIMPLE[f.kind]
            got = _table_sum(report, cells)
            if got is None or got[0] == f.value:
                continue
            bad.setdefault(sub, []).append((f, cells, words, got[0]))
    out = []
    for sub, items in bad.items():
        cell_ids = list(dict.fromkeys(c for _, cs, _, _ in items for c in cs))
        parts = []
        for f, _, words, table_value in items:
            if f.kind == "no_reviews":
                parts.append(
                    f"正文「{quote(f.sentence)}」称未发生行政复议或行政诉讼，"
                    f"但{words}为 {fmt(table_value)} 件"
                )
            else:
                num = fmt(f.value)
                parts.append(
                    f"正文「{quote(f.sentence, num)}」称 {num} 件，但{words}为 {fmt(table_value)}"
                )
        out.append(
            finding(
                f"R-TEXT-TABLE.{sub}",
                cells=cell_ids,
                expected=items[0][3],
                actual=items[0][0].value,
                evidence=[f.sentence for f, _, _, _ in items],
                message="；".join(parts) + "，正文与表格数据不一致。",
            )
        )
    return out


# ------------------------------------------------------------------ parts vs whole
_UNITS = r"(条|件|个|篇|份|次|期|项|家|场|人次|人|批|部)"
_WHOLE = re.compile(r"共(?:计|有)?\s*(\d+(?:\.\d+)?)\s*(万)?\s*(余|多)?\s*" + _UNITS)
_PART = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万)?\s*(?:余|多)?\s*" + _UNITS + r"(?![%％])")
_APPROX_BEFORE = re.compile(r"(?:近|约|超过|逾|达)$")


@rule("R-TEXT-PARTS", "info", "正文分项之和超过总数", "F", text=True)
def text_parts(report: Report) -> list[Finding]:
    if not has_text(report):
        return []
    hits: list[tuple[str, int | float, int | float, str]] = []
    for sent in sentences(body_text(report)):
        if "共" not in sent or "其中" not in sent:
            continue
        for m in _WHOLE.finditer(sent):
            if m.group(3) or _APPROX_BEFORE.search(sent[: m.start()]):
                continue  # 共…余/多…: the whole is approximate
            rest = sent[m.end() :]
            k = rest.find("其中")
            if k < 0 or k > 20 or "。" in rest[:k]:
                continue
            region = rest[k + 2 :]
            nxt = region.find("共")
            if nxt >= 0:
                region = region[:nxt]
            whole = parse_amount(m.group(1), m.group(2))
            parts = [parse_amount(p.group(1), p.group(2)) for p in _PART.finditer(region)]
            if len(parts) < 2 or sum(parts) <= whole:
                continue
            expr = " + ".join(fmt(p) for p in parts)
            hits.append((sent, whole, sum(parts), expr))
    if not hits:
        return []
    # one finding per report (its fingerprint is the rule alone), every sentence quoted
    shown = "；".join(
        f"「{quote(sent)}」中分项之和 {expr} = {fmt(total)}，超过所称总数 {fmt(whole)}"
        for sent, whole, total, expr in hits
    )
    return [
        finding(
            "R-TEXT-PARTS",
            expected=[h[1] for h in hits] if len(hits) > 1 else hits[0][1],
            actual=[h[2] for h in hits] if len(hits) > 1 else hits[0][2],
            evidence=[h[0] for h in hits],
            message=f"正文{shown}。",
        )
    ]


# ------------------------------------------------------------------ fees
def report_fees(report: Report) -> dict[str, object]:
    """The report's ``fees_info``; read from section 六 and the closing block when the
    extractor left it empty but the report has text."""
    fi = report.fees_info or {}
    if fi.get("mentioned") or not has_text(report):
        return fi
    return fees_info(section_text(report, "s6") + "\n" + section_text(report, "closing"))


@rule("R-FEE-NOTICE", "warning", "逾期未缴费与收费情况矛盾", "F", text=True)
def fee_notice(report: Report) -> list[Finding]:
    if not has_text(report):
        return []
    fi = report_fees(report)
    notices = fi.get("notices")
    collected = fi.get("collected")
    out = []
    nf_id = "requests.other.no_fee.total"
    no_fee = report.get(nf_id)
    if no_fee is not None and no_fee > 0:
        why = None
        if not fi.get("mentioned"):
            why = "但第六部分未报告信息处理费情况"
        elif isinstance(notices, (int, float)) and notices < no_fee:
            why = (
                "但正文称未发出收费通知"
                if notices == 0
                else f"但正文称只发出收费通知 {fmt(notices)} 份"
            )
        if why:
            out.append(
                finding(
                    "R-FEE-NOTICE",
                    cells=[nf_id],
                    expected=notices,
                    actual=no_fee,
                    evidence=dict(fi),
                    message=f"表三「（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用…」总计为 "
                    f"{fmt(no_fee)} 件（只有收到收费通知的申请人才会计入此行），{why}。",
                )
            )
    if isinstance(collected, (int, float)) and collected > 0 and notices == 0:
        out.append(
            finding(
                "R-FEE-NOTICE",
                expected=0,
                actual=collected,
                evidence=dict(fi),
                message=f"正文称收取信息处理费 {fmt(collected)} 元，却又称未发出收费通知，前后矛盾。",
            )
        )
    return out
