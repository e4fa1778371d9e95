"""Group B of rules.md: cell values (blanks, non-numbers, signs, fractions, fee unit)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from itertools import filterfalse, islice
from operator import attrgetter

from ...report import Finding, Report
from ...schema import (
    ACTIVE2019_IDS,
    ACTIVE_IDS,
    DECIMAL_IDS,
    REQUEST_GROUPS,
    REVIEW_IDS,
    SIGNED_IDS,
    label_of,
)
from ..registry import finding, rule
from .common import (
    ROW_CELLS,
    blank_cells,
    col_label,
    fmt,
    is_not_read,
    not_read,
    row_title,
)

_TABLE_ROOTS = ("active.", "active2019.", "requests.", "reviews.")


def _read_cells(vals: dict, ids: Iterable[str], unread: set[str]) -> list[str]:
    """The cells of ``ids`` the report has, less those the tool could not read."""
    if not unread:
        return [c for c in ids if c in vals]
    return [c for c in ids if c in vals and not is_not_read(unread, c)]


def _row_name(row: str) -> str:
    if row in REQUEST_GROUPS and row != "other":
        return f"{REQUEST_GROUPS[row]}（小计）"
    return row_title(row)


# ------------------------------------------------------------------ blanks
@rule("R-BLANK-ROW", "warning", "整行空白", "B", tables=True)
def blank_row(report: Report) -> list[Finding]:
    blank = blank_cells(report)
    if not blank:
        return []
    out = []
    vals = report.values
    unread = not_read(report)  # cells the tool could not read are not the document's blanks
    filled = vals.keys() - blank
    blank_rows = []
    for row, ids in ROW_CELLS.items():  # print order
        if blank.isdisjoint(ids) or (not unread and not filled.isdisjoint(ids)):
            continue  # no blank cell, or (all read) a cell with a value: no blank row
        cells = _read_cells(vals, ids, unread)
        if cells and all(vals[c].value is None for c in cells):
            blank_rows.append((row, cells))
    if blank_rows:
        names = "、".join(f"「{_row_name(r)}」" for r, _ in blank_rows)
        out.append(
            finding(
                "R-BLANK-ROW",
                cells=[c for _, cells in blank_rows for c in cells],
                actual=[r for r, _ in blank_rows],
                message=f"表三有 {len(blank_rows)} 行整行空白：{names}。格式要求每格填数"
                "（无数据填 0），空白行无法与漏填区分；计算时按 0 计。",
            )
        )
    rv = [] if blank.isdisjoint(REVIEW_IDS) else _read_cells(vals, REVIEW_IDS, unread)
    if rv and all(vals[i].value is None for i in rv):
        out.append(
            finding(
                "R-BLANK-ROW",
                cells=rv,
                message="表四数据行整行空白（应填写 15 个数字，无案件填 0）；计算时按 0 计。",
            )
        )
    return out


# requests.<row>.<col> -> (row, the column's label), for the cells of ROW_CELLS
_ROW_AND_LABEL: dict[str, tuple[str, str]] = {
    fid: (row, col_label(fid.rsplit(".", 1)[1])) for row, ids in ROW_CELLS.items() for fid in ids
}


def _group_by_row(cells: list[str]) -> str:
    groups: dict[str, list[str]] = {}
    for fid in cells:
        known = _ROW_AND_LABEL.get(fid)
        if known is None:
            row, col = fid[9:].rsplit(".", 1)
            known = (row, col_label(col))
        groups.setdefault(known[0], []).append(known[1])
    # the first 12 rows are named, the others counted
    parts = [f"「{_row_name(r)}」{'、'.join(cols)}" for r, cols in islice(groups.items(), 12)]
    if len(groups) > 12:
        parts.append(f"等 {len(groups)} 行")
    return "；".join(parts)


def _blank_tail(none: str) -> str:
    """What a blank cell means: blank in the original, or lost when the copy was made (a
    digit OCR or a conversion dropped). The tool sees only the copy, so it says both."""
    return (
        f"原件如确为空白，{none}应填 0；原件如有数，则是所读文本在转换或识别时丢失，"
        "请对照原件核对。计算时空白按 0 计。"
    )


def _blank_cells(report: Report, cells: list[str], message: str) -> Finding:
    vals = report.values
    return finding(
        "R-BLANK-CELL",
        cells=cells,
        actual=len(cells),
        evidence={c: vals[c].raw for c in cells},
        message=message,
    )


# (cell, its row) of the 表二 cells in a row of several: active.regulations.issued ->
# active.regulations
_ACTIVE_ROW_OF: tuple[tuple[str, str], ...] = tuple(
    (fid, fid.rsplit(".", 1)[0]) for fid in (*ACTIVE_IDS, *ACTIVE2019_IDS) if fid.count(".") == 2
)

_ACTIVE_CELLS = frozenset(fid for fid, _ in _ACTIVE_ROW_OF)
# 表二's items of one cell (行政许可 …, 行政事业性收费): blank while the table has numbers
_ACTIVE_ONE = tuple(fid for fid in (*ACTIVE_IDS, *ACTIVE2019_IDS) if fid.count(".") == 1)


@rule("R-BLANK-CELL", "warning", "单元格空白", "B", tables=True)
def blank_cell(report: Report) -> list[Finding]:
    blank = blank_cells(report)
    if not blank:
        return []
    out = []
    vals = report.values
    unread = not_read(report)
    filled = vals.keys() - blank
    blanks: list[str] = []
    for ids in ROW_CELLS.values():  # print order; only a row with a blank cell has some
        if blank.isdisjoint(ids):
            continue
        if not unread:  # the row's blanks when another of its cells has a value
            if not filled.isdisjoint(ids):
                blanks.extend([c for c in ids if c in blank])
            continue
        cells = _read_cells(vals, ids, unread)
        if any(vals[c].value is not None for c in cells):
            blanks.extend(c for c in cells if vals[c].value is None)
    if blanks:
        out.append(
            _blank_cells(
                report,
                blanks,
                f"表三有 {len(blanks)} 个单元格空白（所在行其他单元格有数）："
                f"{_group_by_row(blanks)}。{_blank_tail('无数据')}",
            )
        )
    # 表二: a row of several cells with some filled and some blank (a digit lost in a
    # copy or by OCR leaves such a gap, which no other rule names)
    rows2: dict[str, list[str]] = {}
    for fid, row2 in () if blank.isdisjoint(_ACTIVE_CELLS) else _ACTIVE_ROW_OF:
        if fid in vals and not (unread and is_not_read(unread, fid)):
            rows2.setdefault(row2, []).append(fid)
    ablanks = [
        c
        for cells in rows2.values()
        if any(vals[c].value is not None for c in cells)
        for c in cells
        if vals[c].value is None
    ]
    # an item of one cell has no row to show its gap; the table's other numbers do (a
    # number OCR or a copy lost from 行政许可 leaves it blank, and nothing else names it)
    ones = [c for c in _ACTIVE_ONE if c in blank and not (unread and is_not_read(unread, c))]
    if ones and any(
        v.value is not None for fid, v in vals.items() if fid.startswith(("active.", "active2019."))
    ):
        ablanks += ones
    if ablanks:
        names = "、".join(label_of(i).removeprefix("表二") for i in ablanks[:10])
        more = f" 等 {len(ablanks)} 处" if len(ablanks) > 10 else ""
        out.append(
            _blank_cells(
                report,
                ablanks,
                f"表二有 {len(ablanks)} 个单元格空白（所在行或表中其他单元格有数）：{names}{more}。"
                + _blank_tail("无数据"),
            )
        )
    rv = [] if blank.isdisjoint(REVIEW_IDS) else _read_cells(vals, REVIEW_IDS, unread)
    if rv and any(vals[i].value is not None for i in rv):
        rblanks = [i for i in rv if vals[i].value is None]
        if rblanks:
            names = "、".join(label_of(i).removeprefix("表四") for i in rblanks)
            out.append(
                _blank_cells(
                    report,
                    rblanks,
                    f"表四有 {len(rblanks)} 个单元格空白：{names}。{_blank_tail('无案件')}",
                )
            )
    return out


# ------------------------------------------------------------------ non-numeric
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PLAIN = re.compile(r"[+\-]?\d+(?:\.\d+)?")
_SIGNED_WORD = re.compile(r"(?:增加|减少|增|减)\d+")


# digits with a space between them: one number cut by the copy (1 9, 1515. 2592 at its point)
# or two numbers in one cell (606 12); either way the value read (the digits joined) is an
# inference to show
_SPACED_DIGITS = re.compile(r"\d[.．]?[\s\u00a0\u3000]+[.．]?\d")


def _plain(raw: str, field_id: str) -> bool:
    if raw.isascii() and raw.strip().isdigit():
        return True
    if _SPACED_DIGITS.search(raw):
        return False
    s = unicodedata.normalize("NFKC", _SPACES.sub("", raw))
    s = _THOUSANDS.sub("", s)
    if _PLAIN.fullmatch(s):
        return True
    return field_id in SIGNED_IDS and bool(_SIGNED_WORD.fullmatch(s))


_TABLE_NAMES = (
    ("active.", "表二"),
    ("active2019.", "表二"),
    ("requests.", "表三"),
    ("reviews.", "表四"),
)


_RAW_OF = attrgetter("raw")
# raw texts that are a plain number whatever the cell: the small counts most cells hold,
# an empty cell (a blank), no raw text; and the form of any other plain number
_PLAIN_RAWS: frozenset[str | None] = frozenset({None, "", *map(str, range(1000))})
_PLAIN_ASCII = re.compile(r"[+\-]?[0-9]+(?:\.[0-9]+)?")


def _all_plain(report: Report) -> bool:
    """True when every cell's raw text is a plain ASCII number (or empty, or None): then
    no cell is written otherwise. The common raw texts are passed over by one set lookup."""
    for raw in filterfalse(_PLAIN_RAWS.__contains__, map(_RAW_OF, report.values.values())):
        if _PLAIN_ASCII.fullmatch(raw) is None:
            return False
    return True


@rule("R-NON-NUMERIC", "info", "非数字内容", "B", tables=True)
def non_numeric(report: Report) -> list[Finding]:
    if _all_plain(report):
        return []
    by_table: dict[str, list[str]] = {}
    unread = not_read(report)
    for fid, v in report.values.items():
        raw = v.raw
        if raw is None or (raw.isascii() and raw.strip().isdigit()):
            continue
        if not fid.startswith(_TABLE_ROOTS) or (unread and is_not_read(unread, fid)):
            continue
        if not _SPACES.sub("", raw):
            continue  # whitespace only: a blank, reported by R-BLANK-*
        if not _plain(raw, fid):
            table = next(name for prefix, name in _TABLE_NAMES if fid.startswith(prefix))
            by_table.setdefault(table, []).append(fid)
    out = []
    for table, cells in by_table.items():
        vals = report.values
        items = "；".join(
            f"{label_of(c)}「{vals[c].raw}」→ {'空白' if vals[c].value is None else fmt(vals[c].value)}"
            for c in cells[:10]
        )
        more = f" 等 {len(cells)} 处" if len(cells) > 10 else ""
        spaced = any(_SPACED_DIGITS.search(vals[c].raw or "") for c in cells)
        out.append(
            finding(
                "R-NON-NUMERIC",
                cells=cells,
                evidence={c: vals[c].raw for c in cells},
                message=f"{table}有单元格填写的不是纯数字：{items}{more}。"
                "计算时使用识别出的数值（无法识别的按空白处理）。"
                + (
                    "其中数字之间有空格的，本工具按连在一起的一个数读取；这可能是复制或转换时"
                    "一个数被拆开，也可能是一格中有两个数，请对照原件核对。"
                    if spaced
                    else ""
                ),
            )
        )
    return out


@rule("R-NEGATIVE", "error", "负数", "B", tables=True)
def negative(report: Report) -> list[Finding]:
    out = []
    # (the cells below 0 picked first: a report's ~200 cells looked at in one comprehension)
    below = [(fid, v) for fid, v in report.values.items() if (x := v.value) is not None and x < 0]
    for fid, v in below:
        if fid.startswith(_TABLE_ROOTS) and fid not in SIGNED_IDS:
            out.append(
                finding(
                    "R-NEGATIVE",
                    cells=[fid],
                    expected=">= 0",
                    actual=v.value,
                    evidence=v.raw,
                    message=f"{label_of(fid)}填报为负数 {fmt(v.value)}，件数不能小于 0。",
                )
            )
    return out


@rule("R-NON-INTEGER", "error", "非整数件数", "B", tables=True)
def non_integer(report: Report) -> list[Finding]:
    out = []
    # (the float cells picked first: most cells hold an int or nothing)
    floats = [(fid, v, x) for fid, v in report.values.items() if isinstance(x := v.value, float)]
    for fid, v, val in floats:
        if not val.is_integer() and fid not in DECIMAL_IDS and fid.startswith(_TABLE_ROOTS):
            out.append(
                finding(
                    "R-NON-INTEGER",
                    cells=[fid],
                    expected="整数",
                    actual=val,
                    evidence=v.raw,
                    message=f"{label_of(fid)}填报为 {fmt(val)}，件数应为整数。",
                )
            )
    return out


_FEE_HEADER_UNIT = re.compile(
    r"收费金额\s*[（(]\s*(?:单位\s*[:：]\s*)?(元|千元|百万元|亿元)\s*[）)]"
)
_RAW_YUAN = re.compile(r"(?<![万亿千])元")
_FEE_LIMIT_WAN = 1_000_000  # 万元: more than 100亿元 in a county is almost surely 元


@rule("R-FEE-UNIT", "warning", "收费金额单位", "B", tables=True)
def fee_unit(report: Report) -> list[Finding]:
    out = []
    m = _FEE_HEADER_UNIT.search(report.text) if report.text else None
    raw = report.raw("active.fees")
    if m:
        out.append(
            finding(
                "R-FEE-UNIT",
                cells=["active.fees"],
                expected="万元",
                actual=m.group(1),
                evidence=m.group(0),
                message=f"表二「行政事业性收费」收费金额的表头单位为「{m.group(1)}」（{m.group(0)}），"
                "格式规定单位为万元；"
                + (
                    "已换算为万元。"
                    if m.group(1) == "元" and report.layout.get("fee_unit") == "元"
                    else "数值按原文保留，未换算，请核对单位。"
                ),
            )
        )
    elif (raw and _RAW_YUAN.search(raw)) or report.layout.get("fee_unit") == "元":
        out.append(
            finding(
                "R-FEE-UNIT",
                cells=["active.fees"],
                expected="万元",
                actual=raw,
                evidence=raw,
                message=f"表二「行政事业性收费」本年收费金额以「元」填写（{(raw or '').strip()}），"
                "格式规定单位为万元；已换算为万元。",
            )
        )
    fees = report.get("active.fees")
    level = report.meta.get("admin_level")
    if not out and level in ("county", "township") and fees is not None and fees > _FEE_LIMIT_WAN:
        out.append(
            finding(
                "R-FEE-UNIT",
                cells=["active.fees"],
                expected=f"<= {_FEE_LIMIT_WAN}",
                actual=fees,
                evidence=raw,
                message=f"表二「行政事业性收费」本年收费金额为 {fmt(fees)} 万元（超过 100 亿元），"
                "对县级、乡级机关而言很可能是按「元」填写的。",
            )
        )
    return out
