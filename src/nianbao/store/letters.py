"""Documents a reviewing office sends: per agency and year a 整改通知 (DOCX) listing the
confirmed findings with their cells and arithmetic; per region and year a 通报 (DOCX or
XLSX): reports received on time, late and missing, error counts by agency, the agencies
with most problems, the indicators with their formulas.

The 通报 lives in ``store.bulletin``, what both documents share in ``store.officedoc``;
their public names are re-exported here.

``letter_data`` / ``summary_data`` gather plain data (the web app can show it as a page);
``write_letter`` / ``write_summary`` render it with python-docx / openpyxl.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NianbaoError
from .agencies import current_report, require_agency
from .bulletin import SummaryData, summary_data, write_summary
from .display import SEVERITY_ZH
from .export import atomic_path
from .models import StoredFinding
from .officedoc import (
    DEFAULT_ISSUER,
    _body,
    _chmod,
    _docx,
    _signature,
    _title,
    cells_text,
    date_zh,
    rule_title,
)

__all__ = [
    "DEFAULT_ISSUER",
    "LetterItem",
    "LetterData",
    "SummaryData",
    "rule_title",
    "cells_text",
    "letter_data",
    "summary_data",
    "write_letter",
    "write_summary",
    "date_zh",
]


@dataclass
class LetterItem:
    finding_id: int
    rule: str
    rule_title: str
    severity: str
    cells: str
    message: str
    note: str | None


@dataclass
class LetterData:
    agency: str
    agency_id: int
    year: int
    report_id: int
    report_title: str | None
    published: str | None
    version: int
    items: list[LetterItem]
    issuer: str
    issued: date
    days: int

    @property
    def title(self) -> str:
        return f"关于{self.agency}{self.year}年度政府信息公开工作年度报告存在问题的整改通知"


def letter_data(
    session: Session,
    agency: str,
    year: int,
    *,
    issuer: str = DEFAULT_ISSUER,
    issued: date | None = None,
    days: int = 15,
    include_open: bool = False,
) -> LetterData:
    """The 整改通知 of an agency's current report for ``year``: its confirmed findings
    (with ``include_open`` also those not yet reviewed), errors first."""
    ag = require_agency(session, agency)
    rep = current_report(session, ag.id, year)
    if rep is None:
        raise NianbaoError(f"库中没有“{ag.name}”{year}年度的报告。")
    statuses = ("confirmed", "open") if include_open else ("confirmed",)
    rank = {"error": 0, "warning": 1, "info": 2}
    found = sorted(
        session.scalars(
            select(StoredFinding).where(
                StoredFinding.report_id == rep.id, StoredFinding.status.in_(statuses)
            )
        ),
        key=lambda f: (rank.get(f.severity, 3), f.id),
    )
    if not found:
        raise NianbaoError(
            f"“{ag.name}”{year}年度报告没有已确认的问题，不需要整改通知"
            "（先在审核中确认问题，或加 --include-open 列入待审核的问题）。"
        )
    items = [
        LetterItem(
            f.id,
            f.rule,
            rule_title(f.rule),
            f.severity,
            cells_text(list(f.cells or [])),
            f.message,
            f.note,
        )
        for f in found
    ]
    return LetterData(
        ag.name,
        ag.id,
        year,
        rep.id,
        rep.title,
        rep.published,
        rep.version,
        items,
        issuer,
        issued or date.today(),
        days,
    )


def write_letter(data: LetterData, target: str | os.PathLike[str]) -> None:
    """The 整改通知 as a DOCX file (written atomically, readable by the group)."""
    doc, align, pt, qn = _docx()
    _title(doc, data.title, align, pt, qn)
    doc.add_paragraph(f"{data.agency}：")
    published = f"（{data.published}发布）" if data.published else ""
    name = (
        f"《{data.report_title}》"
        if data.report_title
        else f"{data.year}年度政府信息公开工作年度报告"
    )
    _body(
        doc,
        f"经审核，你单位{name}{published}存在以下{len(data.items)}个问题，"
        "涉及的表格、行和列及计算过程列明如下，请对照原始台账逐项核实并予以整改。",
        pt,
    )
    for i, it in enumerate(data.items, start=1):
        _body(doc, f"{i}. {it.rule_title}（{SEVERITY_ZH.get(it.severity, it.severity)}）", pt, True)
        _body(doc, f"问题说明：{it.message}", pt)
        if it.cells:
            _body(doc, f"涉及单元格：{it.cells}", pt)
        if it.note:
            _body(doc, f"审核意见：{it.note}", pt)
    _body(
        doc,
        f"请于收到本通知之日起{data.days}个工作日内完成整改，在原发布栏目更新发布更正后的年度报告，"
        "并将整改情况书面报送我单位。如对上述问题有异议，请在期限内说明理由并提供依据。",
        pt,
    )
    _body(doc, "特此通知。", pt)
    _signature(doc, data.issuer, data.issued, align)
    with atomic_path(target) as tmp:
        doc.save(str(tmp))
    _chmod(target)
