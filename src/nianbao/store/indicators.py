"""Indicators over stored reports: rates with their formulas and a sample-size guard,
an agency's series across years (for charts), and rankings of agencies by an indicator.

A rate's numerator and denominator are sums of total-column cells; blank cells count as 0
and a rate whose denominator is 0 or wholly blank is not computed (``BLANK_NOTE``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..schema import RESULT_ROWS_2021, REVIEW_FIELDS, REVIEW_GROUPS
from .models import Agency, SourceFile, StoredFinding, StoredReport
from .queries import NotFound, agency_where, remembered, values_of_reports
from .versions import current_filter

__all__ = [
    "MIN_DENOMINATOR",
    "Indicator",
    "INDICATORS",
    "INDICATOR_BY_KEY",
    "INDICATOR_FIELDS",
    "BLANK_NOTE",
    "GUARD_NOTE",
    "DENIED_ROWS",
    "UNABLE_ROWS",
    "indicator_of",
    "indicators_of",
    "values_for",
    "agency_series",
    "ranking",
]

MIN_DENOMINATOR = 10
"""Sample-size guard: a rate whose denominator is below this is shown but not ranked."""


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    formula: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    percent: bool = True


def _tot(row: str) -> str:
    return f"requests.{row}.total"


DENIED_ROWS: tuple[str, ...] = tuple(r for r in RESULT_ROWS_2021 if r.startswith("denied."))
UNABLE_ROWS: tuple[str, ...] = tuple(r for r in RESULT_ROWS_2021 if r.startswith("unable."))
# Short names of the rows for chart legends, in the order of the rows.
DENIED_SHORT: dict[str, str] = dict(
    zip(
        DENIED_ROWS,
        (
            "国家秘密",
            "法律法规禁止",
            "三安全一稳定",
            "第三方权益",
            "内部事务",
            "过程性信息",
            "行政执法案卷",
            "行政查询事项",
        ),
        strict=True,
    )
)
UNABLE_SHORT: dict[str, str] = dict(
    zip(UNABLE_ROWS, ("本机关不掌握", "需另行制作", "补正后仍不明确"), strict=True)
)
_DENIED = tuple(_tot(r) for r in DENIED_ROWS)
_UNABLE = tuple(_tot(r) for r in UNABLE_ROWS)
_LIT = tuple(g for g in REVIEW_GROUPS if g.startswith("litigation"))

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "received",
        "收到申请数",
        "收到申请数 = 表三「一、本年新收政府信息公开申请数量」总计",
        (_tot("new"),),
        percent=False,
    ),
    Indicator(
        "open_rate",
        "公开率",
        "公开率 =（「（一）予以公开」+「（二）部分公开」）÷「（七）总计」（均取总计列）",
        (_tot("granted"), _tot("partial")),
        (_tot("processed_total"),),
    ),
    Indicator(
        "denied_rate",
        "不予公开占比",
        "不予公开占比 =「（三）不予公开」1～8 项之和 ÷「（七）总计」",
        _DENIED,
        (_tot("processed_total"),),
    ),
    Indicator(
        "unable_rate",
        "无法提供占比",
        "无法提供占比 =「（四）无法提供」1～3 项之和 ÷「（七）总计」",
        _UNABLE,
        (_tot("processed_total"),),
    ),
    Indicator(
        "not_held_rate",
        "不掌握占比",
        "不掌握占比 =「（四）无法提供 1.本机关不掌握相关政府信息」÷「（七）总计」",
        (_tot("unable.not_held"),),
        (_tot("processed_total"),),
    ),
    Indicator(
        "carry_rate",
        "结转率",
        "结转率 =「四、结转下年度继续办理」÷（「一、本年新收」+「二、上年结转」）",
        (_tot("carried_forward"),),
        (_tot("new"), _tot("carried_over")),
    ),
    Indicator(
        "reconsideration_correction",
        "复议纠错率",
        "复议纠错率 = 表四行政复议「结果纠正」÷（「结果维持」+「结果纠正」+「其他结果」），即已审结复议案件中被纠正的比例",
        ("reviews.reconsideration.corrected",),
        tuple(f"reviews.reconsideration.{f}" for f in ("upheld", "corrected", "other")),
    ),
    Indicator(
        "litigation_correction",
        "诉讼纠错率",
        "诉讼纠错率 = 表四行政诉讼（未经复议直接起诉 + 复议后起诉）「结果纠正」÷（「结果维持」+「结果纠正」+「其他结果」）",
        tuple(f"reviews.{g}.corrected" for g in _LIT),
        tuple(f"reviews.{g}.{f}" for g in _LIT for f in ("upheld", "corrected", "other")),
    ),
)
INDICATOR_BY_KEY = {i.key: i for i in INDICATORS}
BLANK_NOTE = "空白单元格按 0 计；分母为 0 或全部空白时不计算。"
GUARD_NOTE = f"样本量保护：比率的分母少于 {MIN_DENOMINATOR} 件时只显示、不参与排名。"
INDICATOR_FIELDS: tuple[str, ...] = tuple(
    sorted(
        {f for i in INDICATORS for f in (*i.numerator, *i.denominator)}
        | set(_DENIED)
        | set(_UNABLE)
        | {_tot("carried_over"), _tot("processed_total")}
        | {f"reviews.{g}.total" for g in REVIEW_GROUPS}
    )
)


def _sum(values: dict[str, Any], ids: Iterable[str]) -> int | float | None:
    got = [values.get(i) for i in ids]
    if all(v is None for v in got):
        return None
    return sum(v for v in got if v is not None)


def indicator_of(ind: Indicator, values: dict[str, Any]) -> dict[str, Any]:
    """One indicator of one report: value, numerator, denominator, and whether it may be
    ranked (the denominator passes the sample-size guard)."""
    num = _sum(values, ind.numerator)
    if not ind.denominator:
        return {"value": num, "num": num, "den": None, "guarded": num is not None}
    den = _sum(values, ind.denominator)
    value = None if not den else (num or 0) / den
    return {
        "value": value,
        "num": num,
        "den": den,
        "guarded": value is not None and den is not None and den >= MIN_DENOMINATOR,
    }


def indicators_of(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every indicator of one report (see ``indicator_of``)."""
    return {ind.key: indicator_of(ind, values) for ind in INDICATORS}


def values_for(
    session: Session, report_ids: list[int], fields: Sequence[str]
) -> dict[int, dict[str, Any]]:
    """The given fields' values of the given reports (absent and blank cells left out)."""
    out: dict[int, dict[str, Any]] = {rid: {} for rid in report_ids}
    for rid, values in values_of_reports(session, report_ids, frozenset(fields)):
        out[rid] = values
    return out


def agency_series(session: Session, agency_id: int) -> dict[str, Any]:
    """An agency's reports by year and the series its charts draw (the latest report of
    each year)."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"没有编号为 {agency_id} 的机关。")
    rows = list(
        session.execute(
            select(StoredReport, SourceFile)
            .join(SourceFile, SourceFile.id == StoredReport.source_file_id)
            .where(StoredReport.agency_id == agency_id, current_filter())
            .order_by(StoredReport.year, StoredReport.id)
        )
    )
    by_year: dict[int, StoredReport] = {}
    for rep, _ in rows:
        if rep.year is not None:
            by_year[rep.year] = rep
    years = sorted(by_year)
    fields = sorted(
        set(INDICATOR_FIELDS)
        | {_tot(r) for r in ("granted", "partial")}
        | {f"reviews.{g}.{f}" for g in REVIEW_GROUPS for f in REVIEW_FIELDS}
    )
    vals = values_for(session, [by_year[y].id for y in years], fields)
    per_year = [vals[by_year[y].id] for y in years]
    inds = [indicators_of(v) for v in per_year]

    def col(fid: str) -> list[Any]:
        return [v.get(fid) for v in per_year]

    def rate(key: str) -> list[Any]:
        return [None if i[key]["value"] is None else round(100 * i[key]["value"], 1) for i in inds]

    litig = [_sum(v, [f"reviews.{g}.total" for g in _LIT]) for v in per_year]
    problems = _cell_problems(session, [by_year[y].id for y in years])
    result: dict[str, Any] = {
        "agency": agency,
        "reports": rows,
        "years": years,
        "report_ids": [by_year[y].id for y in years],
        "charts": {
            "received": {
                "series": [
                    {"name": "本年新收", "data": col(_tot("new"))},
                    {"name": "上年结转", "data": col(_tot("carried_over"))},
                ],
                "formula": INDICATOR_BY_KEY["received"].formula
                + "；上年结转 = 表三「二、上年结转政府信息公开申请数量」总计。",
            },
            "outcomes": {
                "series": [
                    {"name": "予以公开", "data": col(_tot("granted"))},
                    {"name": "部分公开", "data": col(_tot("partial"))},
                    {"name": "不予公开", "data": [_sum(v, _DENIED) for v in per_year]},
                    {"name": "无法提供", "data": [_sum(v, _UNABLE) for v in per_year]},
                ],
                "line": {"name": "公开率（%）", "data": rate("open_rate")},
                "formula": INDICATOR_BY_KEY["open_rate"].formula + "。" + BLANK_NOTE,
            },
            "denied": {
                "series": [{"name": n, "data": col(_tot(r))} for r, n in DENIED_SHORT.items()],
                "formula": "各年「（三）不予公开」1～8 项理由的件数（总计列）。",
            },
            "unable": {
                "series": [{"name": n, "data": col(_tot(r))} for r, n in UNABLE_SHORT.items()],
                "line": {"name": "无法提供占比（%）", "data": rate("unable_rate")},
                "formula": INDICATOR_BY_KEY["unable_rate"].formula + "。",
            },
            "reviews": {
                "series": [
                    {"name": "行政复议", "data": col("reviews.reconsideration.total")},
                    {"name": "行政诉讼", "data": litig},
                ],
                "lines": [
                    {"name": "复议纠错率（%）", "data": rate("reconsideration_correction")},
                    {"name": "诉讼纠错率（%）", "data": rate("litigation_correction")},
                ],
                "formula": INDICATOR_BY_KEY["reconsideration_correction"].formula
                + "；"
                + INDICATOR_BY_KEY["litigation_correction"].formula
                + "。行政诉讼件数 = 未经复议直接起诉总计 + 复议后起诉总计。",
            },
        },
        "indicators": inds,
    }
    # A chart drawn from a cell that a finding says is wrong (a published total of 0 next to
    # parts that add up to more) carries the finding's words, year by year.
    charts: dict[str, Any] = result["charts"]
    for key, cells in _CHART_CELLS.items():
        charts[key]["problems"] = [
            sorted({m for c in cells for m in problems.get(rid, {}).get(c, ())})
            for rid in result["report_ids"]
        ]
    return result


_CHART_CELLS: dict[str, tuple[str, ...]] = {
    "received": (_tot("new"), _tot("carried_over")),
    "outcomes": (_tot("granted"), _tot("partial"), *_DENIED, *_UNABLE, _tot("processed_total")),
    "denied": _DENIED,
    "unable": (*_UNABLE, _tot("processed_total")),
    "reviews": tuple(f"reviews.{g}.{f}" for g in REVIEW_GROUPS for f in REVIEW_FIELDS),
}


def _cell_problems(session: Session, report_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """report id -> cell id -> the messages of the error findings (not dismissed) naming it."""
    out: dict[int, dict[str, list[str]]] = {}
    if not report_ids:
        return out
    for rid, cells, msg in session.execute(
        select(StoredFinding.report_id, StoredFinding.cells, StoredFinding.message).where(
            StoredFinding.report_id.in_(report_ids),
            StoredFinding.severity == "error",
            StoredFinding.status != "dismissed",
        )
    ):
        for c in cells or []:
            out.setdefault(rid, {}).setdefault(c, []).append(msg)
    return out


def ranking(
    session: Session,
    year: int | None,
    indicator: str = "open_rate",
    q: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    descending: bool = True,
) -> dict[str, Any]:
    """Agencies of one year ranked by an indicator; a rate whose denominator is below
    MIN_DENOMINATOR is listed after the ranked ones, unranked (the guard). Without a
    name search the result is remembered until the store or an agency's name, level or
    kind changes (the caller must not change it)."""
    ind = INDICATOR_BY_KEY.get(indicator)
    if ind is None:
        raise ValueError(f"没有名为 {indicator} 的指标。")
    if year is None:
        year = session.scalar(select(func.max(StoredReport.year)).where(current_filter()))
    if q:
        return _ranking(session, year, ind, q, level, kind, descending)
    digest = hashlib.sha256()
    for row in session.execute(
        select(Agency.id, Agency.name, Agency.level, Agency.kind).order_by(Agency.id)
    ):
        digest.update(repr(tuple(row)).encode("utf-8"))
    key = ("ranking", year, ind.key, level, kind, descending, digest.hexdigest())
    return remembered(
        session, key, lambda: _ranking(session, year, ind, None, level, kind, descending), True
    )


def _ranking(
    session: Session,
    year: int | None,
    ind: Indicator,
    q: str | None,
    level: str | None,
    kind: str | None,
    descending: bool,
) -> dict[str, Any]:
    stmt = (
        select(
            StoredReport.id,
            StoredReport.agency_id,
            Agency.name,
            Agency.level,
            Agency.kind,
            StoredReport.n_errors,
        )
        .join(Agency, Agency.id == StoredReport.agency_id)
        .where(StoredReport.year == year, current_filter())
    )
    if level:
        stmt = stmt.where(Agency.level == level)
    if kind:
        stmt = stmt.where(Agency.kind == kind)
    where = agency_where(session, q)
    if where is not None:
        stmt = stmt.where(where)
    latest: dict[int, tuple[int, str, str, str, int]] = {}
    # in the order received (sorted here: ORDER BY id would send SQLite to the report rows
    # instead of the covering index of the year's current reports)
    for rid, aid, name, lvl, knd, ne in sorted(session.execute(stmt), key=lambda r: r[0]):
        if aid is not None:
            latest[aid] = (rid, name, lvl, knd, ne)
    fields = sorted({*ind.numerator, *ind.denominator})

    def year_values() -> dict[int, dict[str, Any]]:
        ids = list(
            session.scalars(
                select(StoredReport.id).where(StoredReport.year == year, current_filter())
            )
        )
        return values_for(session, ids, fields)

    # the cells of every current report of the year, remembered until the store changes
    # (a ranking reads tens of thousands of reports' cells; filters only pick among them)
    vals = remembered(session, ("ranking-values", year, tuple(fields)), year_values, big=True)
    # and the indicator of each of them (the same until the store changes)
    of_report = remembered(
        session,
        ("ranking-indicator", year, ind.key),
        lambda: {rid: indicator_of(ind, v) for rid, v in vals.items()},
        big=True,
    )
    empty = indicator_of(ind, {})
    ranked: list[dict[str, Any]] = []
    unranked: list[dict[str, Any]] = []
    for aid, (rid, name, lvl, knd, ne) in latest.items():
        inds = {ind.key: dict(of_report.get(rid, empty))}
        entry = {
            "agency_id": aid,
            "agency": name,
            "level": lvl,
            "kind": knd,
            "report_id": rid,
            "n_errors": ne,
            "indicators": inds,
            "value": inds[ind.key]["value"],
            "rank": None,
        }
        (ranked if inds[ind.key]["guarded"] else unranked).append(entry)
    ranked.sort(
        key=lambda e: (-(e["value"] or 0) if descending else (e["value"] or 0), e["agency"])
    )
    prev_value, prev_rank = None, 0
    for i, e in enumerate(ranked, start=1):
        if e["value"] != prev_value:
            prev_rank, prev_value = i, e["value"]
        e["rank"] = prev_rank
    unranked.sort(key=lambda e: e["agency"])
    return {
        "year": year,
        "indicator": ind,
        "ranked": ranked,
        "unranked": unranked,
        "guard": GUARD_NOTE if ind.denominator else "",
    }
