"""Group H of rules.md: publication date, deadline and year consistency."""

from __future__ import annotations

from datetime import date

from ...report import Finding, Report
from ..registry import finding, rule
from .common import meta_year, parse_date, year_of

# 条例第四十九条: departments by 1月31日, the people's governments by 3月31日.
_DEADLINES = {
    "department": ((1, 31), "县级以上人民政府部门应于每年1月31日前公布本部门上一年度年报"),
    "government": ((3, 31), "县级以上地方人民政府应于每年3月31日前公布本级政府上一年度年报"),
}


@rule("R-DEADLINE", "error", "未按时发布", "H")
def deadline(report: Report) -> list[Finding]:
    year = meta_year(report)
    kind = report.meta.get("agency_kind")
    published = parse_date(report.meta.get("published"))
    configured = parse_date(report.meta.get("deadline"))  # a local rule, when configured
    if not isinstance(year, int) or published is None:
        return []
    if configured is not None:
        due, basis = configured, "按本地规定的发布期限"
    elif kind in _DEADLINES:
        (month, day), basis = _DEADLINES[kind]
        due = date(year + 1, month, day)
    else:
        return []
    if published <= due:
        return []
    source = report.meta.get("published_source")
    severity = "error" if source == "page" else "warning"
    what = "发布日期" if source == "page" else "落款日期"
    note = "" if source == "page" else "（落款日期为签署日期，不一定是实际发布日期）"
    return [
        finding(
            "R-DEADLINE",
            severity=severity,
            cells=["meta.published"],
            expected=due.isoformat(),
            actual=published.isoformat(),
            message=f"报告{what} {published.isoformat()} 晚于发布期限 {due.isoformat()}"
            f"（{basis}{'' if configured else '，《条例》第四十九条'}）{note}。",
        )
    ]


@rule("R-DATE-MISSING", "info", "无发布日期", "H")
def date_missing(report: Report) -> list[Finding]:
    if report.meta.get("published"):
        return []
    return [
        finding(
            "R-DATE-MISSING",
            cells=["meta.published"],
            message="报告中没有发布日期或落款日期，无法判断是否按时发布。",
        )
    ]


@rule("R-DATE-ORDER", "error", "发布日期早于统计期末", "H")
def date_order(report: Report) -> list[Finding]:
    year = meta_year(report)
    published = parse_date(report.meta.get("published"))
    if not isinstance(year, int) or published is None:
        return []
    end = date(year, 12, 31)
    if published > end:
        return []
    return [
        finding(
            "R-DATE-ORDER",
            cells=["meta.published", "meta.year"],
            expected=f"> {end.isoformat()}",
            actual=published.isoformat(),
            message=f"报告日期 {published.isoformat()} 不晚于统计年度末 {end.isoformat()}，"
            f"{year}年度的报告不可能在年度结束前完成；日期或年份有误。",
        )
    ]


@rule("R-YEAR-CONSISTENCY", "error", "年份前后不一致", "H")
def year_consistency(report: Report) -> list[Finding]:
    title = report.meta.get("title")
    title_year = year_of(str(title).replace(" ", "")) if title else None
    start = parse_date(report.meta.get("period_start"))
    if title_year is None or start is None or start.year == title_year:
        return []
    return [
        finding(
            "R-YEAR-CONSISTENCY",
            cells=["meta.title", "meta.period_start"],
            expected=title_year,
            actual=start.year,
            message=f"标题年份为 {title_year} 年，而统计期限从 {start.isoformat()} 开始，"
            "年份前后不一致（可能沿用了上一年的文字）。",
        )
    ]
