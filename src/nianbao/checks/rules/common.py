"""Helpers shared by the rule modules of ``checks/rules/``: reading values with blanks counted as 0,
the result-row set of a report, short Chinese labels and the wording of arithmetic."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from ...report import Report
from ...schema import (
    ACTIVE2019_IDS,
    ACTIVE_IDS,
    APPLICANT_COLUMNS,
    COLUMN_LABELS,
    COLUMNS,
    REQUEST_GROUPS,
    REQUEST_ROW_LABELS,
    RESULT_ROWS_2019,
    RESULT_ROWS_2021,
    REVIEW_FIELD_LABELS,
    REVIEW_GROUP_LABELS,
    REVIEW_IDS,
)

__all__ = [
    "Sum",
    "OTHER_SUBROWS",
    "result_rows",
    "request_rows",
    "row_present",
    "rows_present",
    "row_cells",
    "ROW_CELLS",
    "COLUMN_CELLS",
    "ALL_REQUEST_ROWS",
    "value0",
    "sum0",
    "has_table",
    "blank_cells",
    "row_title",
    "row_short",
    "col_label",
    "fmt",
    "where",
    "has_text",
    "body_text",
    "section_text",
    "is_unmapped",
    "parse_date",
    "year_of",
    "meta_year",
    "simplified",
    "CJK_CHAR",
]

OTHER_SUBROWS: tuple[str, ...] = ("other.no_correction", "other.no_fee", "other.misc")
CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


# ------------------------------------------------------------------ values and sums
class Sum:
    """Adds cells the way the rules do: a blank cell (None) counts as 0 and is recorded in
    ``blank``; a cell the report does not have counts as 0 and is recorded in ``absent``.
    ``terms`` keeps (label, value-or-None) for the message."""

    __slots__ = ("report", "total", "blank", "absent", "terms", "cells")

    def __init__(self, report: Report) -> None:
        self.report = report
        self.total: int | float = 0
        self.blank: list[str] = []
        self.absent: list[str] = []
        self.terms: list[tuple[str, int | float | None]] = []
        self.cells: list[str] = []

    def add(self, field_id: str, label: str) -> int | float:
        val = self.value(field_id)
        self.terms.append((label, self.report.get(field_id)))
        return val

    def value(self, field_id: str) -> int | float:
        """v(x) without recording a term."""
        self.cells.append(field_id)
        vals = self.report.values
        v = vals.get(field_id)
        if v is None:
            self.absent.append(field_id)
            return 0
        if v.value is None:
            self.blank.append(field_id)
            return 0
        self.total += v.value
        return v.value

    def evidence(self) -> dict[str, str | None]:
        """raw.* text of the cells taken, as evidence for a finding."""
        vals = self.report.values
        return {c: (vals[c].raw if c in vals else None) for c in self.cells}

    @property
    def assumed_zero(self) -> list[str]:
        return self.blank + self.absent

    def expression(self, only_nonzero: bool = False) -> str:
        """'自然人 7 + 商业企业 空白 + …' (blank terms shown as 空白)."""
        parts = []
        for label, val in self.terms:
            if only_nonzero and not val:
                continue
            parts.append(f"{label} {'空白' if val is None else fmt(val)}")
        if not parts:
            return "各项均为 0 或空白"
        return " + ".join(parts)

    def blank_note(self, labeler: Any = None, bare: bool = False) -> str:
        """'（空白按 0 计：商业企业、科研机构）' or '' (without brackets when ``bare``)."""
        notes = []
        if self.blank:
            names = [labeler(c) if labeler else c for c in self.blank]
            if len(names) > 8:
                notes.append(f"{len(names)} 个空白单元格按 0 计")
            else:
                notes.append("空白按 0 计：" + "、".join(names))
        if self.absent:
            names = [labeler(c) if labeler else c for c in self.absent]
            if len(names) > 8:
                notes.append(f"{len(names)} 个缺失单元格按 0 计")
            else:
                notes.append("缺失按 0 计：" + "、".join(names))
        if bare:
            return "；".join(notes)
        return f"（{'；'.join(notes)}）" if notes else ""


def where(report: Report, field_id: str) -> str:
    """'（原文第 79 行）' / '（原文第 3 页）' for a cell with provenance, else ''."""
    v = report.values.get(field_id)
    src = v.source if v is not None else None
    if src is None:
        return ""
    if src.page is not None:
        return f"（原文第 {src.page} 页）"
    if src.line:
        return f"（原文第 {src.line} 行）"
    return ""


def fmt(value: Any) -> str:
    """A number for a message: 12, 1515.2592, never 12.0."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


# ------------------------------------------------------------------ rows of section 三
# Every section 三 row a report may print, in print order (group subtotal rows included),
# and the cell ids of each row, built once.
ALL_REQUEST_ROWS: tuple[str, ...] = (
    "new",
    "carried_over",
    "granted",
    "partial",
    "denied",
    *RESULT_ROWS_2021[2:10],
    "unable",
    *RESULT_ROWS_2021[10:13],
    "rejected",
    *RESULT_ROWS_2021[13:18],
    "other",
    *RESULT_ROWS_2021[18:21],
    "processed_total",
    "carried_forward",
)
ROW_CELLS: dict[str, tuple[str, ...]] = {
    r: tuple(f"requests.{r}.{c}" for c in COLUMNS) for r in ALL_REQUEST_ROWS
}
COLUMN_CELLS: dict[str, tuple[str, ...]] = {
    c: tuple(f"requests.{r}.{c}" for r in ALL_REQUEST_ROWS) for c in COLUMNS
}


# the cells of the three （六） sub-rows together (result_rows asks whether any is printed)
_OTHER_SUB_CELLS: tuple[str, ...] = tuple(i for r in OTHER_SUBROWS for i in ROW_CELLS[r])


def row_cells(row: str) -> tuple[str, ...]:
    """The cell ids of ``requests.<row>`` in column order (the last is ``.total``)."""
    ids = ROW_CELLS.get(row)
    return ids if ids is not None else tuple(f"requests.{row}.{c}" for c in COLUMNS)


def row_present(report: Report, row: str) -> bool:
    """True when the report printed at least one cell of ``requests.<row>``."""
    return not report.values.keys().isdisjoint(row_cells(row))


def rows_present(report: Report) -> list[str]:
    """The section 三 rows the report printed, in print order."""
    keys = report.values.keys()
    return [r for r, ids in ROW_CELLS.items() if not keys.isdisjoint(ids)]


def result_rows(report: Report) -> tuple[str, ...]:
    """RES of rules.md §0: the 21 result rows when the report has the three （六） sub-rows,
    else the 19 of the 2019 layout (single （六）其他处理 row)."""
    keys = report.values.keys()
    if not keys.isdisjoint(_OTHER_SUB_CELLS):
        return RESULT_ROWS_2021
    if report.meta.get("format") == "2021" and keys.isdisjoint(ROW_CELLS["other"]):
        return RESULT_ROWS_2021
    return RESULT_ROWS_2019


def value0(vals: dict, field_id: str) -> int | float:
    """v(x) for a fast sum: the value, or 0 when blank or absent."""
    v = vals.get(field_id)
    if v is None or v.value is None:
        return 0
    return v.value


def sum0(vals: dict, field_ids: Iterable[str]) -> int | float:
    """Σ v(x) over ``field_ids`` (blank and absent cells count as 0), added in order: the
    same figure as ``Sum.total`` and as ``sum(value0(vals, i) for i in field_ids)``, without
    building a Sum; rules compare it with the printed total and build the Sum (the terms
    of the message) only when the two differ."""
    total: int | float = 0
    get = vals.get
    for i in field_ids:
        v = get(i)
        if v is not None:
            x = v.value
            if x is not None:
                total += x
    return total


def has_table(report: Report, prefixes: tuple[str, ...]) -> bool:
    """True when the report has a cell under one of ``prefixes`` (``("requests.",)``). The
    schema's ids under them are tried first, a set lookup each, before a scan of every id."""
    known = _KNOWN_UNDER.get(prefixes)
    if known is None:
        known = frozenset(i for i in _SCHEMA_IDS if i.startswith(prefixes))
        _KNOWN_UNDER[prefixes] = known
    vals = report.values
    if not vals.keys().isdisjoint(known):
        return True
    return any(fid.startswith(prefixes) for fid in vals)


_SCHEMA_IDS: tuple[str, ...] = (
    *ACTIVE_IDS,
    *ACTIVE2019_IDS,
    *(i for ids in ROW_CELLS.values() for i in ids),
    *REVIEW_IDS,
)
_KNOWN_UNDER: dict[tuple[str, ...], frozenset[str]] = {}


def blank_cells(report: Report) -> set[str]:
    """The ids of the report's blank cells (value None)."""
    return {fid for fid, v in report.values.items() if v.value is None}


def request_rows(report: Report) -> tuple[str, ...]:
    """ROWS of rules.md §0 for this report."""
    return ("new", "carried_over") + result_rows(report) + ("processed_total", "carried_forward")


def row_title(row: str) -> str:
    """The official label of a row, with its group: （三）不予公开1.属于国家秘密."""
    label = REQUEST_ROW_LABELS.get(row, row)
    group = row.split(".")[0]
    if "." in row and group in REQUEST_GROUPS:
        label = f"{REQUEST_GROUPS[group]}{label}"
    if row == "partial":
        label = "（二）部分公开"
    return label


_ORDINAL = re.compile(r"^(?:[一二三四五六七]、|（[一二三四五六七]）|\d\.)")


def row_short(row: str) -> str:
    """A short row name for sums: 予以公开, 不予公开·属于国家秘密, 本年新收."""
    if row == "new":
        return "一、本年新收"
    if row == "carried_over":
        return "二、上年结转"
    if row == "carried_forward":
        return "四、结转下年度"
    if row == "processed_total":
        return "（七）总计"
    label = _ORDINAL.sub("", REQUEST_ROW_LABELS.get(row, row))
    if row == "partial":
        label = "部分公开"
    group = row.split(".")[0]
    if "." in row and group in REQUEST_GROUPS:
        glabel = _ORDINAL.sub("", REQUEST_GROUPS[group])
        if len(label) > 14:
            label = label[:12] + "…"
        return f"{glabel}·{label}"
    return label


def col_label(col: str) -> str:
    return COLUMN_LABELS.get(col, col)


def review_label(group: str, field: str | None = None) -> str:
    g = REVIEW_GROUP_LABELS.get(group, group)
    return g if field is None else f"{g}·{REVIEW_FIELD_LABELS.get(field, field)}"


APPL = APPLICANT_COLUMNS


def is_unmapped(report: Report, table: str) -> bool:
    """True when the extractor could not map ``table`` (active/requests/reviews): it sets
    ``report.layout['<table>_unmapped']`` (or lists the table in ``layout['unmapped']``).
    The table's arithmetic is then skipped (R-CELL-COUNT reports why)."""
    layout = report.layout if isinstance(report.layout, dict) else {}
    if layout.get(f"{table}_unmapped"):
        return True
    unmapped = layout.get("unmapped") or ()
    return table in unmapped


# ------------------------------------------------------------------ text
def has_text(report: Report) -> bool:
    """True when the report carries document text (not only table values)."""
    return bool(report.text) or any(s.present for s in report.sections.values())


def section_text(report: Report, key: str) -> str:
    s = report.sections.get(key)
    return s.text if s is not None and s.text else ""


def body_text(report: Report, keys: tuple[str, ...] = ("s1", "s2", "s3", "s4", "s5", "s6")) -> str:
    """The section bodies joined by newlines (falls back to the whole text when no
    section was found)."""
    parts = [section_text(report, k) for k in keys]
    joined = "\n".join(p for p in parts if p)
    if not joined and not any(report.sections[k].present for k in keys if k in report.sections):
        return report.text or ""
    return joined


def simplified(text: str, report: Report | None = None) -> str:
    """``text`` in simplified script (converted only when it holds traditional forms)."""
    if not text:
        return text
    from ...readers.normalize import to_simplified

    return to_simplified(text)


# ------------------------------------------------------------------ dates
_DATE = re.compile(r"(\d{4})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})")


def parse_date(value: Any) -> date | None:
    """A date from 'YYYY-MM-DD' (or a date object); None when unknown."""
    if value is None:
        return None
    if isinstance(value, date):
        return value
    m = _DATE.search(str(value))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def meta_year(report: Report) -> int | None:
    """``meta.year`` as an int (a string '2022' is accepted), or None."""
    y = report.meta.get("year")
    if isinstance(y, bool):
        return None
    if isinstance(y, int):
        return y
    if isinstance(y, str) and y.strip().isdigit():
        return int(y.strip())
    return None


def year_of(text: str | None) -> int | None:
    """The first 4-digit year (19xx/20xx) in ``text``."""
    if not text:
        return None
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


# ------------------------------------------------------------------ what was not read
def not_read(report: Report) -> set[str]:
    """Cells, rows, tables and sections (ids or id prefixes) that the tool could not read
    (R-UNREAD) or that stand beyond the end of a truncated text (R-TEXT-TRUNCATED): no
    "missing" finding may be raised for them."""
    layout = report.layout if isinstance(report.layout, dict) else {}
    out = set(layout.get("unread") or ())
    trunc = layout.get("truncated") or {}
    out |= set(trunc.get("cells") or ())
    return out


def unjudged(report: Report) -> set[str]:
    """``not_read`` and the cells whose place the tool inferred and may have got wrong
    (``Ctx.mark_uncertain``; a finding names them): a sum or a comparison over them says
    nothing of the document."""
    layout = report.layout if isinstance(report.layout, dict) else {}
    return not_read(report) | set(layout.get("uncertain") or ())


def columns_unread(report: Report) -> set[str]:
    """The columns of 表三 the tool left unread in every row it read (a row read in part, its
    applicant columns unread): a column no row shows is then no column the report lacks. A
    row left unread whole does not excuse a column the rows read lack."""
    vals, unread = report.values, not_read(report)
    read = [r for r in request_rows(report) if any(f"requests.{r}.{c}" in vals for c in COLUMNS)]
    if not read:
        return set()
    return {c for c in COLUMNS if all(is_not_read(unread, f"requests.{r}.{c}") for r in read)}


def is_not_read(refs: set[str], fid: str) -> bool:
    """True when ``fid`` is one of ``refs`` or lies under one of them (a row, a table)."""
    if not refs:
        return False
    if fid in refs:
        return True
    parts = fid.split(".")
    return any(".".join(parts[:i]) in refs for i in range(1, len(parts)))


def touches_unread(refs: set[str], ids: Iterable[str]) -> bool:
    """True when one of ``ids`` is a cell the tool could not read (``not_read``): a sum or
    a comparison over it says nothing of the document, and no finding may blame it (the
    R-UNREAD finding already names the cells)."""
    return bool(refs) and any(is_not_read(refs, i) for i in ids)


def labels_seen(report: Report, section: str) -> bool:
    """True when the form-driven reading found row labels of ``section``'s table."""
    layout = report.layout if isinstance(report.layout, dict) else {}
    return bool((layout.get("labels_seen") or {}).get(section))
