"""The 通报 of a region and year (DOCX or XLSX): reports received on time, late and missing,
error counts by agency, the agencies with most problems, the indicators with their formulas.

``summary_data`` gathers plain data (the web app can show it as a page); ``write_summary``
renders it with python-docx / openpyxl. Re-exported by ``nianbao.store.letters``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import NianbaoError
from .coverage import ExpectedCoverage, expected_coverage
from .display import COVERAGE_ZH, KIND_ZH
from .export import atomic_path
from .indicators import INDICATOR_FIELDS, INDICATORS, indicator_of, values_for
from .models import StoredFinding
from .officedoc import _NUM, DEFAULT_ISSUER, _body, _chmod, _docx, _signature, _title

__all__ = ["SummaryData", "summary_data", "write_summary"]


@dataclass
class SummaryData:
    year: int
    region: str | None
    coverage: ExpectedCoverage
    by_agency: list[dict[str, Any]]
    top: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    totals: dict[str, int] = field(default_factory=dict)
    issuer: str = DEFAULT_ISSUER
    issued: date = field(default_factory=date.today)

    @property
    def title(self) -> str:
        return f"关于{self.region or ''}{self.year}年度政府信息公开工作年度报告审核情况的通报"


def summary_data(
    session: Session,
    year: int,
    region: str | None = None,
    *,
    township: tuple[int, int] | None = None,
    issuer: str = DEFAULT_ISSUER,
    issued: date | None = None,
    top_n: int = 10,
) -> SummaryData:
    """The 通报 of a year (and region): coverage against the roster and deadlines, the
    findings by agency, the agencies with most problems, and the indicators over the
    reports received (sums of their cells, formulas stated)."""
    cov = expected_coverage(session, year, region, township)
    if not cov.lines:
        raise NianbaoError(
            "名单中没有机关"
            + (f"（地区：{region}）" if region else "")
            + "：请先用 nianbao roster import 导入应报机关名单。"
        )
    rids = [ln.report_id for ln in cov.lines if ln.report_id is not None]
    counts: dict[int, dict[str, int]] = {}
    if rids:
        for rid, sev, status, n in session.execute(
            select(
                StoredFinding.report_id,
                StoredFinding.severity,
                StoredFinding.status,
                func.count(),
            )
            .where(StoredFinding.report_id.in_(rids))
            .group_by(StoredFinding.report_id, StoredFinding.severity, StoredFinding.status)
        ):
            c = counts.setdefault(rid, {})
            if status != "dismissed":
                c[sev] = c.get(sev, 0) + n
            c[status] = c.get(status, 0) + n
    by_agency: list[dict[str, Any]] = []
    for ln in cov.lines:
        c = counts.get(ln.report_id or -1, {})
        got = ln.report_id is not None
        by_agency.append(
            {
                "agency": ln.agency,
                "agency_id": ln.agency_id,
                "region": ln.region,
                "kind": KIND_ZH.get(ln.kind, ln.kind),
                "status": COVERAGE_ZH[ln.status],
                "report_id": ln.report_id,
                # no report, no counts (blank, not 0)
                "errors": c.get("error", 0) if got else None,
                "warnings": c.get("warning", 0) if got else None,
                "confirmed": c.get("confirmed", 0) if got else None,
                "dismissed": c.get("dismissed", 0) if got else None,
                "received": got,
            }
        )
    top = sorted(
        (a for a in by_agency if a["received"] and (a["errors"] or a["confirmed"])),
        key=lambda a: (-a["confirmed"], -a["errors"], -a["warnings"], a["agency"]),
    )[:top_n]
    vals = values_for(session, rids, INDICATOR_FIELDS) if rids else {}
    inds = []
    for ind in INDICATORS:
        per = [indicator_of(ind, vals[r]) for r in rids]
        num = sum(p["num"] or 0 for p in per if p["num"] is not None)
        known = [p for p in per if p["value"] is not None]
        if ind.denominator:
            den = sum(p["den"] or 0 for p in per if p["den"] is not None)
            value: Any = None if not den else round(100 * num / den, 1)
        else:
            den, value = None, num
        inds.append(
            {
                "name": ind.name,
                "formula": ind.formula,
                "value": value,
                "percent": ind.percent,
                "numerator": num,
                "denominator": den,
                "reports": len(known),
            }
        )
    totals = {
        "errors": sum(a["errors"] or 0 for a in by_agency),
        "warnings": sum(a["warnings"] or 0 for a in by_agency),
        "confirmed": sum(a["confirmed"] or 0 for a in by_agency),
        "with_errors": sum(1 for a in by_agency if a["errors"]),
    }
    return SummaryData(
        year, region, cov, by_agency, top, inds, totals, issuer, issued or date.today()
    )


def _overview(d: SummaryData) -> list[str]:
    cov = d.coverage
    late = [ln for ln in cov.lines if ln.status == "late"]
    missing = [ln for ln in cov.lines if ln.status == "missing"]
    unpublished = [ln for ln in cov.lines if ln.status == "unpublished"]
    scope = d.region or "本地区"
    out = [
        f"{scope}应发布{d.year}年度政府信息公开工作年度报告的机关共{cov.expected}个，"
        f"已收录报告{cov.received}份，其中按时发布{cov.count('on_time')}份，"
        f"逾期发布{len(late)}份，无法定时限{cov.count('no_deadline')}份；"
        f"未收录{len(missing)}个，经核实未发布{len(unpublished)}个。",
        "发布时限依据《中华人民共和国政府信息公开条例》第四十九条：县级以上人民政府部门应于每年"
        "1月31日前、县级以上地方人民政府应于每年3月31日前公布本机关上一年度的年度报告。"
        "发布日期以报告所在网页或报告落款日期为准，均无日期的以收到日期为准。",
        f"审核发现错误{d.totals['errors']}个、警告{d.totals['warnings']}个"
        f"（不含经审核排除的问题），其中经审核确认的问题{d.totals['confirmed']}个；"
        f"有错误的报告{d.totals['with_errors']}份。",
    ]
    return out


def write_summary(d: SummaryData, target: str | os.PathLike[str]) -> None:
    """The 通报 as DOCX or XLSX (by the target's suffix)."""
    suffix = Path(target).suffix.lower()
    if suffix == ".xlsx":
        _summary_xlsx(d, target)
    elif suffix == ".docx":
        _summary_docx(d, target)
    else:
        raise NianbaoError("通报只能保存为 .docx 或 .xlsx 文件。")
    _chmod(target)


def _table(doc: Any, headers: list[str], rows: list[list[Any]]) -> None:
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    for i, h in enumerate(headers):
        t.rows[0].cells[i].text = h
        for r in t.rows[0].cells[i].paragraphs[0].runs:
            r.bold = True
    for row in rows:
        cells = t.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = "—" if v is None else str(v)


def _late_rows(d: SummaryData) -> list[list[Any]]:
    return [
        [
            ln.agency,
            ln.region,
            ln.deadline.isoformat() if ln.deadline else "",
            ln.published.isoformat() if ln.published else "",
            ln.date_source_zh,
            ln.days_late,
        ]
        for ln in d.coverage.lines
        if ln.status == "late"
    ]


def _missing_rows(d: SummaryData) -> list[list[Any]]:
    return [
        [ln.agency, ln.region, KIND_ZH.get(ln.kind, ln.kind), COVERAGE_ZH[ln.status], ln.note or ""]
        for ln in d.coverage.lines
        if ln.status in ("missing", "unpublished")
    ]


def _fmt_ind(i: dict[str, Any]) -> str:
    if i["value"] is None:
        return "不计算（分母为0或空白）"
    return f"{i['value']}%" if i["percent"] else f"{i['value']}件"


def _summary_docx(d: SummaryData, target: str | os.PathLike[str]) -> None:
    doc, align, pt, qn = _docx()
    _title(doc, d.title, align, pt, qn)
    doc.add_paragraph("各有关单位：")
    _body(
        doc,
        f"根据政府信息公开工作年度报告审核安排，现将{d.region or ''}{d.year}年度"
        "政府信息公开工作年度报告的发布和审核情况通报如下。",
        pt,
    )
    sections = ["总体情况", "报告发布情况", "各单位问题统计", "问题较多的单位", "主要指标"]
    _body(doc, f"{_NUM[0]}、{sections[0]}", pt, True)
    for text in _overview(d):
        _body(doc, text, pt)
    _body(doc, f"{_NUM[1]}、{sections[1]}", pt, True)
    late = _late_rows(d)
    _body(doc, f"（一）逾期发布的报告（{len(late)}份）" + ("：无。" if not late else "："), pt)
    if late:
        _table(doc, ["机关", "地区", "发布时限", "发布日期", "日期来源", "逾期天数"], late)
    miss = _missing_rows(d)
    _body(
        doc, f"（二）未收录或未发布的机关（{len(miss)}个）" + ("：无。" if not miss else "："), pt
    )
    if miss:
        _table(doc, ["机关", "地区", "类别", "状态", "说明"], miss)
    _body(doc, f"{_NUM[2]}、{sections[2]}", pt, True)
    _table(
        doc,
        ["机关", "地区", "报告情况", "错误", "警告", "已确认问题"],
        [
            [a["agency"], a["region"], a["status"], a["errors"], a["warnings"], a["confirmed"]]
            for a in d.by_agency
        ],
    )
    _body(doc, f"{_NUM[3]}、{sections[3]}", pt, True)
    if d.top:
        _body(doc, "按已确认问题数、错误数排序，问题较多的单位为：", pt)
        _table(
            doc,
            ["序号", "机关", "已确认问题", "错误", "警告"],
            [
                [i, a["agency"], a["confirmed"], a["errors"], a["warnings"]]
                for i, a in enumerate(d.top, start=1)
            ],
        )
    else:
        _body(doc, "已收录的报告中没有发现错误。", pt)
    _body(doc, f"{_NUM[4]}、{sections[4]}", pt, True)
    _body(
        doc,
        "以下指标按已收录报告的表格数值汇总计算（各报告分子、分母分别相加后相除），"
        "空白单元格按0计，分母为0时不计算。",
        pt,
    )
    _table(
        doc,
        ["指标", "数值", "计算公式", "参与报告数"],
        [[i["name"], _fmt_ind(i), i["formula"], i["reports"]] for i in d.indicators],
    )
    _body(
        doc,
        "请逾期发布和未发布的单位尽快在本机关政府信息公开专栏发布年度报告；"
        "请存在问题的单位对照整改通知逐项整改，更正后重新发布。",
        pt,
    )
    _signature(doc, d.issuer, d.issued, align)
    with atomic_path(target) as tmp:
        doc.save(str(tmp))


def _summary_xlsx(d: SummaryData, target: str | os.PathLike[str]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title: str, headers: list[str], rows: list[list[Any]], widths: list[int]) -> Any:
        ws = wb.create_sheet(title)
        ws.append(headers)
        for c in ws[1]:
            c.font, c.fill, c.alignment = bold, fill, wrap
        for r in rows:
            ws.append([_cell_value(v) for v in r])
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
        return ws

    first = wb.active
    first.title = "概况"
    first.append([d.title])
    first["A1"].font = Font(bold=True, size=14)
    for text in _overview(d):
        first.append([text])
    first.column_dimensions["A"].width = 120
    for row in first.iter_rows(min_row=2):
        row[0].alignment = wrap
    cov = d.coverage
    first.append([])
    first.append(["地区", "应报", "已收录", "按时", "逾期", "无法定时限", "未收录", "未发布"])
    for c in first[first.max_row]:
        c.font = bold
    for r in cov.by_region():
        first.append(
            [
                r["region"],
                r["expected"],
                r["received"],
                r["on_time"],
                r["late"],
                r["no_deadline"],
                r["missing"],
                r["unpublished"],
            ]
        )
    lines = sorted(cov.lines, key=lambda ln: (ln.region, ln.agency))
    ws = sheet(
        "收录情况",
        [
            "机关",
            "地区",
            "类别",
            "发布时限",
            "状态",
            "发布日期",
            "日期来源",
            "逾期天数",
            "报告编号",
        ],
        [
            [
                ln.agency,
                ln.region,
                KIND_ZH.get(ln.kind, ln.kind),
                ln.deadline,
                COVERAGE_ZH[ln.status],
                ln.published,
                ln.date_source_zh or None,
                ln.days_late,
                ln.report_id,
            ]
            for ln in lines
        ],
        [30, 14, 12, 14, 16, 14, 14, 10, 10],
    )
    for row in ws.iter_rows(min_row=2):
        for i in (3, 5):
            row[i].number_format = "yyyy-mm-dd"
        for i in (7, 8):
            row[i].number_format = "0"
    ws = sheet(
        "问题统计",
        ["机关", "地区", "报告情况", "错误", "警告", "已确认问题", "已排除问题"],
        [
            [
                a["agency"],
                a["region"],
                a["status"],
                a["errors"],
                a["warnings"],
                a["confirmed"],
                a["dismissed"],
            ]
            for a in d.by_agency
        ],
        [30, 14, 16, 10, 10, 12, 12],
    )
    for row in ws.iter_rows(min_row=2):
        for c in row[3:]:
            c.number_format = "0"
    sheet(
        "问题较多的单位",
        ["序号", "机关", "已确认问题", "错误", "警告"],
        [
            [i, a["agency"], a["confirmed"], a["errors"], a["warnings"]]
            for i, a in enumerate(d.top, 1)
        ],
        [8, 30, 12, 10, 10],
    )
    ws = sheet(
        "主要指标",
        ["指标", "数值", "单位", "分子合计", "分母合计", "参与报告数", "计算公式"],
        [
            [
                i["name"],
                i["value"],
                "%" if i["percent"] else "件",
                i["numerator"],
                i["denominator"],
                i["reports"],
                i["formula"],
            ]
            for i in d.indicators
        ],
        [16, 10, 8, 12, 12, 12, 90],
    )
    for row in ws.iter_rows(min_row=2):
        row[1].number_format = "0.0"
        row[6].alignment = wrap
    with atomic_path(target) as tmp:
        wb.save(str(tmp))


def _cell_value(v: Any) -> Any:
    from .export import escape_formula

    if isinstance(v, str):
        return escape_formula(v)
    return v
