"""The roster: the agencies that must report, their region, level, kind and parent; the
reports they are expected to publish and by when.

``import_roster`` reads a CSV or XLSX with at least the columns 机关名称, 上级机关, 层级,
类别, 地区 (optional: 年报栏目网址, 别名 — several separated by 、 ; or ，). Each row becomes
(or updates) an agency whose name is then fixed; reports attach to it by its name and
aliases, at ingest and, for reports already stored, through the alias table.

``expected_coverage`` (in ``store.coverage``, re-exported here) sets the roster against the reports of a year: on time, late,
missing (未收录: the store has nothing) or unpublished (未发布: known not published), by the
statutory dates of 条例第四十九条 — departments by 1月31日, governments by 3月31日 of the next
year; townships by a configured date (local rules vary) — judged on the publication date
(the report's or its page's, else the day it was received).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import RosterError
from .agencies import (
    add_alias,
    find_agency,
    guess_kind,
    name_keys,
    require_agency,
    resolve_agency,
)
from .coverage import (
    ENV_TOWNSHIP_DEADLINE,
    CoverageLine,
    ExpectedCoverage,
    coverage_matrix,
    deadline_for,
    expected_coverage,
    parse_month_day,
    publication_of,
    township_deadline_default,
)
from .display import KIND_ZH, LEVEL_ZH, canon_level, kind_from_zh
from .models import Agency, AgencyYearStatus, RosterEntry, StoredReport
from .versions import current_filter

__all__ = [
    "REQUIRED_COLUMNS",
    "ENV_TOWNSHIP_DEADLINE",
    "RosterImport",
    "CoverageLine",
    "ExpectedCoverage",
    "read_roster",
    "import_roster",
    "roster_rows",
    "unknown_agencies",
    "rename_agency",
    "update_agency",
    "set_aliases",
    "mark_unpublished",
    "deadline_for",
    "parse_month_day",
    "publication_of",
    "expected_coverage",
    "coverage_matrix",
    "regions",
    "township_deadline_default",
]

REQUIRED_COLUMNS: tuple[str, ...] = ("机关名称", "上级机关", "层级", "类别", "地区")
OPTIONAL_COLUMNS: tuple[str, ...] = ("年报栏目网址", "别名")
_SPLIT = re.compile(r"[、;；,，\n]+")


@dataclass
class RosterImport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    aliases: int = 0
    reports_attached: int = 0
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"名单共 {self.rows} 个机关：新增 {self.created} 个，更新 {self.updated} 个；"
            f"别名 {self.aliases} 个；库中已有报告归入名单机关 {self.reports_attached} 份。"
        ]
        out += [f"  注意：{w}" for w in self.warnings]
        return out


# ------------------------------------------------------------------ reading the file
def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return " ".join(str(v).split())


def read_roster(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    """The rows of a roster file (CSV in UTF-8 or GB18030, or XLSX: its first sheet) as
    dicts by the header's column names; :class:`RosterError` when a column is missing."""
    p = Path(path)
    data = p.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(data)
    else:
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise RosterError(f"{p.name}：无法识别文件编码，请另存为 UTF-8 的 CSV 或 XLSX。")
        rows = [[_cell(c) for c in r] for r in csv.reader(io.StringIO(text))]
    rows = [r for r in rows if any(r)]
    if not rows:
        raise RosterError(f"{p.name}：文件中没有内容。")
    header = ["".join(h.split()) for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RosterError(
            f"{p.name}：缺少列 {'、'.join(missing)}。名单至少要有这些列："
            f"{'、'.join(REQUIRED_COLUMNS)}（可选：{'、'.join(OPTIONAL_COLUMNS)}）。"
        )
    out = []
    for r in rows[1:]:
        out.append({h: (r[i] if i < len(r) else "") for i, h in enumerate(header) if h})
    return out


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        raise RosterError(f"无法读取 XLSX 名单：{type(exc).__name__}") from exc
    ws = wb.worksheets[0]
    rows = [[_cell(c) for c in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


# ------------------------------------------------------------------ importing
def _kind_of(text: str, name: str) -> tuple[str, str | None]:
    kind = kind_from_zh(text)
    if kind:
        return kind, None
    guessed = guess_kind(name_keys(name)[0]) if name_keys(name) else "unknown"
    warn = (
        f"“{name}”的类别“{text}”无法识别，按名称判断为{KIND_ZH.get(guessed, guessed)}"
        if text
        else None
    )
    return guessed, warn


def import_roster(session: Session, rows: Iterable[dict[str, str]]) -> RosterImport:
    """Create or update the roster's agencies (name fixed, kind, level, region, parent,
    web address, aliases). Reports already stored under an alias join the agency."""
    result = RosterImport()
    now = datetime.now(UTC)
    parents: list[tuple[Agency, str]] = []
    for i, row in enumerate(rows, start=2):
        name = row.get("机关名称", "").strip()
        if not name:
            result.warnings.append(f"第 {i} 行没有机关名称，已跳过")
            continue
        result.rows += 1
        kind, warn = _kind_of(row.get("类别", ""), name)
        if warn:
            result.warnings.append(warn)
        level_text = row.get("层级", "")
        level = canon_level(level_text)
        if level_text and level == "unknown":
            result.warnings.append(
                f"“{name}”的层级“{level_text}”无法识别（可用：{'、'.join(LEVEL_ZH.values())}）"
            )
        existed = find_agency(session, name)
        agency = resolve_agency(session, name, kind, level)
        assert agency is not None
        agency.name, agency.name_fixed, agency.kind = name[:200], True, kind
        if level != "unknown":
            agency.level = level
        entry = session.scalar(select(RosterEntry).where(RosterEntry.agency_id == agency.id))
        if entry is None:
            result.created += existed is None
            result.updated += existed is not None
            entry = RosterEntry(agency_id=agency.id, imported_at=now)
            session.add(entry)
        else:
            result.updated += 1
        entry.name = name[:200]
        entry.parent_name = row.get("上级机关", "").strip()[:200] or None
        entry.level, entry.kind = agency.level, kind
        entry.region = row.get("地区", "").strip()[:100]
        entry.site_url = row.get("年报栏目网址", "").strip() or None
        entry.imported_at = now
        session.flush()
        for alias in _SPLIT.split(row.get("别名", "")):
            alias = alias.strip()
            if alias and name_keys(alias) and name_keys(alias)[0] != agency.key:
                _, moved = add_alias(session, alias, str(agency.id))
                result.aliases += 1
                result.reports_attached += moved
        if entry.parent_name:
            parents.append((agency, entry.parent_name))
    session.flush()
    for agency, parent_name in parents:
        parent = find_agency(session, parent_name)
        if parent is None:
            result.warnings.append(f"“{agency.name}”的上级机关“{parent_name}”不在名单和库中")
        elif parent.id != agency.id:
            agency.parent_id = parent.id
    session.flush()
    return result


def roster_rows(session: Session, region: str | None = None) -> list[tuple[RosterEntry, Agency]]:
    q = select(RosterEntry, Agency).join(Agency, Agency.id == RosterEntry.agency_id)
    if region:
        q = q.where(RosterEntry.region.contains(region))
    return [(e, a) for e, a in session.execute(q.order_by(RosterEntry.region, RosterEntry.id))]


def regions(session: Session) -> list[str]:
    return sorted(r for r in session.scalars(select(RosterEntry.region).distinct()) if r)


def unknown_agencies(session: Session, year: int | None = None) -> list[dict[str, Any]]:
    """Agencies with current reports that are not on the roster, with their years, report
    count and the closest roster names (candidates for an alias)."""
    in_roster = select(RosterEntry.agency_id)
    q = (
        select(Agency, StoredReport.year, func.count())
        .join(StoredReport, StoredReport.agency_id == Agency.id)
        .where(Agency.id.not_in(in_roster), current_filter())
        .group_by(Agency.id, StoredReport.year)
        .order_by(Agency.key)
    )
    if year is not None:
        q = q.where(StoredReport.year == year)
    by_id: dict[int, dict[str, Any]] = {}
    for ag, y, n in session.execute(q):
        d = by_id.setdefault(ag.id, {"agency": ag, "years": [], "reports": 0})
        if y is not None:
            d["years"].append(y)
        d["reports"] += n
    roster_names = [e.name for e in session.scalars(select(RosterEntry))]
    out = []
    for d in by_id.values():
        import difflib

        d["years"].sort()
        d["suggestions"] = difflib.get_close_matches(d["agency"].name, roster_names, 3, 0.5)
        out.append(d)
    return out


# ------------------------------------------------------------------ editing
def rename_agency(session: Session, agency: str, new_name: str) -> Agency:
    """Give an agency a new canonical name (kept as an alias too, the old one stays)."""
    ag = require_agency(session, agency)
    new = " ".join(new_name.split())
    if not name_keys(new):
        raise RosterError("新名称为空。")
    other = find_agency(session, new)
    if other is not None and other.id != ag.id:
        raise RosterError(f"名称“{new}”已是另一机关（编号 {other.id}，{other.name}）的名称或别名。")
    if other is None:
        add_alias(session, new, str(ag.id))
    ag.name, ag.name_fixed = new[:200], True
    entry = session.scalar(select(RosterEntry).where(RosterEntry.agency_id == ag.id))
    if entry is not None:
        entry.name = ag.name
    session.flush()
    return ag


def update_agency(
    session: Session,
    agency: str,
    *,
    level: str | None = None,
    kind: str | None = None,
    parent: str | None = None,
    region: str | None = None,
    site_url: str | None = None,
) -> Agency:
    """Set an agency's level, kind, parent (a name or id; "" clears it), region or web
    address; the parent must exist."""
    ag = require_agency(session, agency)
    entry = session.scalar(select(RosterEntry).where(RosterEntry.agency_id == ag.id))
    if level is not None:
        code = canon_level(level)
        if code == "unknown" and level.strip() not in ("unknown", "未知"):
            raise RosterError(f"层级“{level}”无法识别，可用：{'、'.join(LEVEL_ZH.values())}。")
        ag.level = code
        if entry is not None:
            entry.level = code
    if kind is not None:
        code_k = kind_from_zh(kind)
        if code_k is None:
            raise RosterError(f"类别“{kind}”无法识别，可用：{'、'.join(KIND_ZH.values())}。")
        ag.kind = code_k
        if entry is not None:
            entry.kind = code_k
    if parent is not None:
        if not parent.strip():
            ag.parent_id = None
        else:
            p = require_agency(session, parent)
            if p.id == ag.id:
                raise RosterError("上级机关不能是它自己。")
            ag.parent_id = p.id
        if entry is not None:
            parent_row = None if ag.parent_id is None else session.get(Agency, ag.parent_id)
            entry.parent_name = None if parent_row is None else parent_row.name
    if region is not None or site_url is not None:
        if entry is None:
            raise RosterError(f"“{ag.name}”不在名单中：请先导入名单。")
        if region is not None:
            entry.region = region.strip()[:100]
        if site_url is not None:
            entry.site_url = site_url.strip() or None
    session.flush()
    return ag


def set_aliases(session: Session, agency: str, aliases: Iterable[str]) -> tuple[Agency, int]:
    """Add names as aliases of an existing agency; returns it and the reports moved."""
    ag = require_agency(session, agency)
    moved = 0
    for a in aliases:
        if a.strip():
            moved += add_alias(session, a.strip(), str(ag.id))[1]
    return ag, moved


def mark_unpublished(
    session: Session, agency: str, year: int, note: str | None = None, clear: bool = False
) -> Agency:
    """Record that an agency did not publish its report for ``year`` (checked on its
    site), or with ``clear`` forget it."""
    ag = require_agency(session, agency)
    session.execute(
        delete(AgencyYearStatus).where(
            AgencyYearStatus.agency_id == ag.id, AgencyYearStatus.year == year
        )
    )
    if not clear:
        session.add(
            AgencyYearStatus(
                agency_id=ag.id, year=year, status="unpublished", note=note, at=datetime.now(UTC)
            )
        )
    session.flush()
    return ag
