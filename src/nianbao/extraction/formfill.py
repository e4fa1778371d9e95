"""Merge the form-driven reading (:mod:`.form`) into an extraction, and say what it could not
read.

The layout-specific extraction in :mod:`.extract` stays the first, exact path; the form reading
fills what it left empty: rows it did not find, cells it left null while the text shows a
value there, sections whose headings stand in mid-line. A row is taken from the form reading
when that reading has more cells with a value. Every cell the product could not read gets an
R-UNREAD finding (the tool's limit, never the document's); values split by arithmetic get
R-DIGITS-SPLIT; a text that stops inside a table or section gets one R-TEXT-TRUNCATED, and the
rows beyond the end are recorded so that no "missing" finding is raised for them.

Over 500 lines because the judgement of which reading of a row stands (by its sums, a page's
number, 表四's halves, the same numbers in other places) is one decision per row, taken here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from ..readers.document import Cell, Document
from ..report import Report
from ..schema import COLUMNS, REVIEW_IDS, SECTION_KEYS, table_ids
from .form import (
    FormReading,
    FormRow,
    FormTable,
    HeadingHit,
    cell_number,
    find_headings,
    read_form,
)
from .formsay import (
    TABLE_NAMES,
    form_title,
    row_label,
    say_cells_unread,
    say_garbled,
    say_inferred,
    say_paged,
    say_row,
    say_rows_unread,
    say_splits,
    say_streamed,
    say_unread,
)
from .onecell import PREFIXES, claimed_numbers, taken_elsewhere

__all__ = ["fill_from_form", "inline_sections"]

_YUAN = re.compile(r"(?<![万千百亿])元")
# 表二's fee header naming 元 (本年收费金额（元）, （单位：元）), as R-FEE-UNIT reads it
_YUAN_HEADER = re.compile(r"收\s*费\s*金\s*额\s*[（(]\s*(?:单\s*位\s*[:：]?\s*)?元\s*[）)]")
# (and one naming 万元: a note's words, or the table's own unit unclear; not converted)
_WAN_HEADER = re.compile(r"收\s*费\s*金\s*额\s*[（(]\s*(?:单\s*位\s*[:：]?\s*)?万\s*元")


def inline_sections(doc: Document, report: Report, reading: FormReading) -> list[str]:
    """Sections whose heading the block reader did not see (a heading in mid-line): marked
    present, with the text up to the next heading. Returns the sections added."""
    heads = reading.headings
    added: list[str] = []
    present = {k for k in SECTION_KEYS if report.sections[k].present}
    if len(present) == len(SECTION_KEYS):
        return added
    ordered = sorted(heads.values(), key=lambda h: h.start)
    for i, h in enumerate(ordered):
        if h.section in present:
            continue
        end = ordered[i + 1].start if i + 1 < len(ordered) else len(doc.text)
        sec = report.sections[h.section]
        sec.present = True
        sec.heading = h.text
        sec.start = h.start
        body = doc.text[h.end : end].strip()
        if not sec.text:
            sec.text = body
        added.append(h.section)
    # order: by position in the text among all present sections
    starts: dict[str, int] = {
        k: (report.sections[k].start or 0) for k in SECTION_KEYS if report.sections[k].present
    }
    for n, k in enumerate(sorted(starts, key=lambda x: starts[x]), 1):
        report.sections[k].order = n
    return added


class _CellIndex:
    """Grid cells of the document by their offsets in the text, to give a value read from
    the text its cell (table, row, column, page, box)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.cells: list[Cell] = []
        self.starts: list[int] | None = None  # built on first use

    def at(self, start: int, end: int) -> Cell | None:
        if self.starts is None:
            cells = [
                c
                for t in self.doc.tables
                for row in t.rows
                for c in row
                if not c.covered and c.start >= 0
            ]
            cells.sort(key=lambda c: c.start)
            self.cells = cells
            self.starts = [c.start for c in cells]
        i = bisect_right(self.starts, start) - 1
        if i >= 0:
            c = self.cells[i]
            if c.start <= start and end <= c.end:
                return c
        return None


def _row_values(report: Report, ids: tuple[str, ...] | list[str]) -> int:
    return sum(1 for i in ids if i in report.values and report.values[i].value is not None)


def _placed_blanks(doc: Document, report: Report, ids: list[str]) -> int:
    """How many of ``ids`` the layout reading read blank in a row it placed by the header's
    words (``valuelines.place_by_header``): blank by their places, as known as a number."""
    n = 0
    for i in ids:
        v = report.values.get(i)
        src = v.source if v is not None and v.value is None else None
        if src is None or src.table is None or src.row is None or src.col is None:
            continue
        if not 0 <= src.table < len(doc.tables):
            continue
        grid = doc.tables[src.table].rows
        if 0 <= src.row < len(grid) and 0 <= src.col < len(grid[src.row]):
            n += grid[src.row][src.col].placed
    return n


def fill_from_form(
    ctx: Any, heads: dict[str, HeadingHit] | None, skip: frozenset[str] = frozenset()
) -> dict[str, str | None]:
    """Read the document by the form and merge it into ``ctx.report``. ``heads`` are the
    section headings already found (all six: the text is not searched again); the tables in
    ``skip`` were read whole by the layout reading. Returns the layouts read for section 二
    and 三 ({"s2": "2021"|"2019"|None, "s3": …})."""
    doc: Document = ctx.doc
    report: Report = ctx.report
    if heads is None or len(heads) < len(SECTION_KEYS):
        found = find_headings(doc.text)
        heads = {**found, **(heads or {})}
    reading = read_form(
        doc.text,
        heads,
        skip,
        doc.page_breaks,
        report.meta.get("year"),
        doc.page_suspects,
        doc.page_numbers,
    )
    added = inline_sections(doc, report, reading)
    if added:
        report.layout["inline_headings"] = added
    index = _CellIndex(doc)
    unread: list[str] = []
    layouts: dict[str, str | None] = {"s2": None, "s3": None}
    labels_seen: dict[str, list[str]] = {}
    splits: dict[str, list[FormRow]] = {}
    for key_, table in reading.tables.items():
        labels_seen[key_] = table.labels_found
        if key_ == "s3" and (
            report.layout.get("requests_extra_columns")
            or report.layout.get("requests_columns") not in (None, table.columns)
        ):
            # a matrix of other columns (小计, 自然人/法人或其他组织/总计, or columns the
            # form does not have) than the form reading read: not the form's; but a row
            # that shows no value at all is blank in whatever columns it has (unread when
            # numbers stand in the table that no row took and the matrix's own columns do
            # not explain them)
            cols = report.layout.get("requests_columns") or COLUMNS
            orphans = _orphans(table) and len(cols) <= len(COLUMNS)
            for row_no, row in enumerate(table.rows):
                ids = [f"requests.{row.rid}.{c}" for c in cols]
                if any(i in report.values for i in ids):
                    continue
                if row.how != "blank":
                    # a row the form reading found with its numbers, that the matrix's
                    # reading left without a cell (its columns told otherwise): unread,
                    # never absent without a word (nor its sub-rows called missing)
                    unread += [*ids, f"requests.{row.rid}"]
                    say_unread(ctx, key_, row, ids)
                    continue
                if orphans:
                    unread += ids
                    continue
                for fid in ids:
                    ctx.put(fid, Cell("", -1, -1, row=row_no), key_, row.label.strip() or None)
            continue
        if key_ in layouts:
            layouts[key_] = table.layout
        claimed = claimed_numbers(ctx, key_) if key_ == "s3" else {}
        # rows the layout reading left unread: blank beside a row of numbers no label
        # places, which may be theirs or the next row's (R-UNREAD said so); a reading of
        # the text that gives them those numbers guesses just the same
        apart = set(report.layout.get("requests_apart") or ()) if key_ == "s3" else set()
        for row_no, row in enumerate(table.rows):
            if row.rid in apart:
                continue
            ids = [c.id for c in row.cells]
            # (a blank the layout reading placed by the header's words is read too: a form
            # reading counting a page's running head after the row's numbers as its last
            # cell, the blank before it skipped, put 总计 under 其他 and the sums blamed)
            have = _row_values(report, ids) + (
                _placed_blanks(doc, report, ids) if key_ == "s3" else 0
            )
            got = sum(1 for c in row.cells if c.status not in ("blank", "unread"))
            present = any(i in report.values for i in ids)
            take = got > have or (not present and row.how in ("blank", "read"))
            if take and got and taken_elsewhere(ctx, row, claimed):
                # a number the layout reading gave another row (a row whose label is lost,
                # read there by its place): one number is one cell, so neither reading of
                # this row holds; not read (the other row's sums are then not judged)
                take = False
                if have == 0:
                    unread += ids
                    say_unread(ctx, key_, row, ids)
                continue
            if not take and got == have and got and key_ in ("s3", "s4"):
                # both readings hold as many numbers but disagree: the one whose own
                # arithmetic holds (row total, 表四 group totals) is the one the text supports
                mine = [
                    cell_number(c.text) if c.status not in ("blank", "unread") else None
                    for c in row.cells
                ]
                theirs = [report.values[i].value if i in report.values else None for i in ids]
                if mine != theirs and _adds_up(key_, mine) and not _adds_up(key_, theirs):
                    take = True
                elif key_ == "s3" and _moved_total(mine, theirs):
                    # the same numbers, the form's reading with them in 总计, the layout's
                    # with 总计 blank and one of them in another column (a page number's
                    # line broke the table there, and its cells were counted from the
                    # wrong line): no sum tells which, so the row is not read
                    for i in ids:
                        report.values.pop(i, None)
                    unread += ids
                    say_unread(ctx, key_, row, ids)
                    continue
            if not take and (row.paged or row.headed) and key_ in ("s3", "s4"):
                # read without a number that may be a page's, by the row's sums: the
                # layout reading took that number for a cell (a page's 1 before a blank
                # cell, ``1`` / `` |``); or 表四 read by its halves' own headers, which the
                # layout reading filled in the form's order
                mine = [
                    cell_number(c.text) if c.status not in ("blank", "unread") else None
                    for c in row.cells
                ]
                theirs = [report.values[i].value if i in report.values else None for i in ids]
                take = mine != theirs
            if (
                not take
                and (row.page_doubt or row.how == "unread")
                and _fails(ctx, key_, ids)
                and _holds_suspect(ctx, row)
            ):
                # the form reading left cells unread (read with and without a number that
                # may be a page's and nothing decided, ``pages``; or no reading placed
                # them), and the layout reading took that number for one of them, its row
                # then failing its own sums (a page's 3 among a copy's one-cell lines, read
                # as a blank row's 科研机构, its 总计 0 then blamed): not read either
                open_ = [c.id for c in row.cells if c.status == "unread"]
                for i in open_:
                    report.values.pop(i, None)
                unread += open_
                say_unread(ctx, key_, row, open_)
                continue
            if take:
                _put_row(ctx, index, key_, row, row_no)
                if row.headed:
                    # the layout reading's order is no longer the cells' (R-HEADER-GARBLED
                    # said they were read in the form's order)
                    mine_ids = set(ids)
                    ctx.findings[:] = [
                        f
                        for f in ctx.findings
                        if not (f.rule == "R-HEADER-GARBLED" and set(f.cells) <= mine_ids)
                    ]
                if row.how == "split":
                    splits.setdefault(key_, []).append(row)
                else:
                    say_row(ctx, key_, row)
                if row.rid in table.garbled and row.how != "unread":
                    say_garbled(ctx, key_, row, *table.garbled[row.rid])
                open_ = [c.id for c in row.cells if c.status == "unread"]
                if open_ and row.how != "unread":
                    # cells of a row read otherwise whole that the text leaves open
                    unread += open_
                    say_cells_unread(ctx, key_, row, open_)
            if row.how == "cut":
                # the text ends with this label: R-TEXT-TRUNCATED says so; a blank row the
                # layout reading made of it is no reading
                for i in ids:
                    v = report.values.get(i)
                    if v is not None and v.value is None and not (v.raw or "").strip():
                        del report.values[i]
                continue
            if row.how == "unread" and have < len(ids):
                if not present or have == 0:
                    unread += ids
                    if table.garbled.get(row.rid, ("", ""))[1] in ("unread", "ordinal", "lost"):
                        say_garbled(ctx, key_, row, *table.garbled[row.rid])
                    else:
                        say_unread(ctx, key_, row, ids)
        if table.inferred:
            say_inferred(ctx, key_, table)
        if table.streamed:
            say_streamed(ctx, key_, table)
        if table.paged_out:
            say_paged(ctx, key_, table)
        # no row of the table read (each unread: digits run together, say): a row whose
        # label was not found there either is unread with them, never passed over silently
        none_read = bool(table.rows) and all(
            (row.how == "unread" and _row_values(report, [c.id for c in row.cells]) == 0)
            or row.how == "agreed"  # (read in part only: the cells its readings agree on)
            for row in table.rows
        )
        if _orphans(table) or table.stray or none_read:
            # numbers stand in this table that no row could take (more of them after one
            # label than it has cells: a copy that put the labels first and the numbers
            # after, column by column): a label with no number after it is then no sign
            # of a blank row, so such rows are unread, not blank
            lost = [
                row
                for row in table.rows
                if row.how == "blank" and _row_values(report, [c.id for c in row.cells]) == 0
            ]
            if lost:
                ids = [c.id for row in lost for c in row.cells]
                unread += ids
                say_rows_unread(
                    ctx,
                    key_,
                    [row_label(r) for r in lost],
                    ids,
                    "这些行的标签后面没有数字，而表中另有数字不在任何一行之后"
                    "（例如按列复制、标签与数字分开排列的文本）",
                    "不代表这些行空白",
                )
            # rows whose label this reading did not find in its place (printed away from
            # the numbers, or not recognised): with numbers no row took, unread, never
            # missing
            taken = set(unread) | {c.id for row in table.rows for c in row.cells}
            absent: dict[str, list[str]] = {}
            for fid in _table_cells(key_, table):
                if fid not in taken and fid not in report.values:
                    absent.setdefault(fid.rsplit(".", 1)[0], []).append(fid)
            if absent:
                ids = [i for row_ids in absent.values() for i in row_ids]
                unread += ids
                say_rows_unread(
                    ctx,
                    key_,
                    [form_title(row_ids[-1]) for row_ids in absent.values()],
                    ids,
                    "本工具未在这些行的位置找到其标签，而表中另有数字不在任何一行之后"
                    "（例如标签与数字分开排列的文本）"
                    if _orphans(table) or table.stray
                    else "本工具未在这些行的位置找到其标签，而该表其余各行的数值也均未能读取"
                    "（或只读取了部分单元格）",
                    "不代表报告缺少这些行",
                )
    for key_ in sorted(reading.scrambled - set(reading.tables)):
        # no table read where the text, out of the form's order, puts the section: the
        # table may stand elsewhere in it (never called missing)
        if key_ in skip or any(i.startswith(PREFIXES[key_]) for i in report.values):
            continue
        unread.append(f"sections.{key_}")
        ctx.finding(
            "R-UNREAD",
            "warning",
            [f"sections.{key_}"],
            f"未能读取{TABLE_NAMES[key_]}：文本的顺序与格式不同（其他章节的标题出现在本部分之中，"
            "例如 PDF 文本提取打乱了页面或文字块的顺序），本工具在本部分中未找到该表。"
            "这是本工具的读取局限，不代表报告缺少该表，请对照原件核对。",
        )
    for key_, rows in splits.items():
        say_splits(ctx, key_, rows)
    _truncation(ctx, reading)
    # rows of 表三 whose label the layout reading found but whose cells neither reading
    # could place (its R-CELL-COUNT names them): unread, never missing
    for rid in report.layout.get("requests_rows_found") or ():
        ids = [f"requests.{rid}.{c}" for c in COLUMNS]
        if not any(i in report.values for i in ids):
            unread += ids
    if unread:
        ctx.mark_unread(unread)
    report.layout["labels_seen"] = labels_seen
    return layouts


def _table_cells(key_: str, table: FormTable) -> list[str]:
    """The cell ids of table ``key_`` (s2 / s3) in the table's layout (None: the one it was
    read in, else the 2021 layout); for 表三 with no row of （六）其他处理 found, the 2019
    layout's single row too (no label says which the copy has)."""
    prefix = {"s2": ("active.", "active2019."), "s3": ("requests.",)}.get(key_)
    if prefix is None:
        return []
    ids = [i for i in table_ids(table.layout or table.read_as or "2021") if i.startswith(prefix)]
    if key_ == "s3" and not any(r.rid.split(".")[0] == "other" for r in table.rows):
        ids += [i for i in table_ids("2019") if i.startswith("requests.other.")]
    return ids


def _orphans(table: FormTable) -> bool:
    """Does a row of ``table`` show more numbers than it has cells, unread?"""
    return any(
        row.how == "unread" and len(re.findall(r"\d+(?:\.\d+)?", row.shown)) > len(row.cells)
        for row in table.rows
    )


def _fails(ctx: Any, key_: str, ids: list[str]) -> bool:
    """Whether the layout reading's row ``ids`` of 表三 or 表四 fails its own sums (a row
    that adds up read with a suspect in a cell holds the same numbers as without it: a
    page's 2 before a row of 2 … 2, the row's own 2 left over)."""
    if key_ not in ("s3", "s4"):
        return False
    vals = ctx.report.values
    return not _adds_up(key_, [vals[i].value if i in vals else None for i in ids])


def _holds_suspect(ctx: Any, row: FormRow) -> bool:
    """Whether the report holds, in a cell of ``row`` the form reading left unread, a number
    standing where a bare number that may be a page's stands (``Document.page_suspects``)."""
    omap = ctx.offset_map
    starts = {omap(s) if omap is not None else s for s, _e in ctx.doc.page_suspects}
    for c in row.cells:
        v = ctx.report.values.get(c.id) if c.status == "unread" else None
        src = v.source if v is not None else None
        if src is not None and src.start is not None and src.start in starts:
            return True
    return False


def _moved_total(mine: list[Any], theirs: list[Any]) -> bool:
    """Two readings of a 表三 row with the same numbers that differ in where they stand:
    ``mine`` has its 总计 and ``theirs`` leaves 总计 blank, a number in another column."""
    filled = sorted(v for v in mine if v is not None)
    return (
        bool(filled)
        and mine[-1] is not None
        and theirs[-1] is None
        and filled == sorted(v for v in theirs if v is not None)
    )


def _adds_up(key_: str, vals: list[Any]) -> bool:
    if key_ == "s3":
        if vals[-1] is None or all(v is None for v in vals[:-1]):
            return False
        return bool(sum(v or 0 for v in vals[:-1]) == vals[-1])
    return all(
        vals[g * 5 + 4] is not None
        and sum(v or 0 for v in vals[g * 5 : g * 5 + 4]) == vals[g * 5 + 4]
        for g in range(3)
    )


def _put_row(ctx: Any, index: _CellIndex, key_: str, row: FormRow, row_no: int) -> None:
    for n, c in enumerate(row.cells):
        if c.status == "unread":
            continue
        if c.status == "blank" or c.start < 0:
            cell = Cell("", -1, -1, row=row_no, col=n)
        else:
            grid = index.at(c.start, c.end)
            if grid is not None and (grid.start, grid.end) == (c.start, c.end):
                cell = grid
            else:
                cell = Cell(
                    c.text,
                    c.start,
                    c.end,
                    row=grid.row if grid else row_no,
                    col=grid.col if grid else n,
                    page=grid.page if grid else None,
                    bbox=grid.bbox if grid else None,
                )
                if grid is not None:
                    ctx.set_table(cell, ctx.table_of(grid))
        ctx.put(c.id, cell, key_, row.label.strip() or None)
    if key_ == "s2":
        fee = ctx.report.values.get("active.fees")
        if fee is not None and any(c.id == "active.fees" for c in row.cells):
            # (in the cell, 125000元, or the header over it: a reading of the text as a
            # form sees no header cell, and R-FEE-UNIT says the amount was converted)
            s2 = ctx.report.sections["s2"].text or ""
            yuan = (fee.raw and _YUAN.search(fee.raw)) or (
                _YUAN_HEADER.search(s2) and not _WAN_HEADER.search(s2)
            )
            if fee.raw and isinstance(fee.value, (int, float)) and yuan:
                fee.value = fee.value / 10000
                ctx.report.layout["fee_unit"] = "元"
    if key_ == "s4":
        ctx.report.layout.pop("reviews_unmapped", None)
        ctx.findings[:] = [
            f
            for f in ctx.findings
            if not (f.rule == "R-CELL-COUNT" and set(f.cells) == set(REVIEW_IDS))
        ]
    elif row.cells:
        ids = {c.id for c in row.cells}
        ctx.findings[:] = [
            f for f in ctx.findings if not (f.rule == "R-CELL-COUNT" and set(f.cells) <= ids)
        ]


def _truncation(ctx: Any, reading: FormReading) -> None:
    """The text stops inside a table (or a section before 六): say so once, and record what
    lies beyond the end so that nothing there is called missing."""
    report: Report = ctx.report
    doc: Document = ctx.doc
    present = sorted(
        (k for k in SECTION_KEYS if report.sections[k].present),
        key=lambda k: report.sections[k].start or 0,
    )
    last = present[-1] if present else None
    if last is None or last == "s6":
        return
    tail = doc.text.rstrip()[-200:]
    ends_mid = bool(tail) and not tail.endswith(("。", "！", "？", "”", "日", "）", ")", "!", "?"))
    table = reading.tables.get(last)
    cells: list[str] = []
    inside = False
    if last in ("s2", "s3", "s4"):
        if table is None or not table.rows:
            inside = True
            cells.append(f"sections.{last}")
        else:
            rest = _rows_after(table)
            unread = [c.id for row in table.rows for c in row.cells if c.status == "unread"]
            cut = _cut_row_tail(table, doc.text)
            for i in cut:  # not printed blank: not in the text at all
                v = report.values.get(i)
                if v is not None and v.value is None and not (v.raw or "").strip():
                    del report.values[i]
            if rest or unread or cut or table.ends_inside:
                inside = True
                cells += rest + unread + cut
    if not (inside or ends_mid):
        return
    end = len(doc.text.rstrip())
    if doc.text[:end][-1:].isdigit():
        # the text stops right after a digit: the last number may be cut short (127 → 12);
        # its cell lies at the cut, not judged
        cells += [
            fid
            for fid, v in report.values.items()
            if v.source is not None and v.source.end is not None and v.source.end >= end
        ]
    order = list(SECTION_KEYS)
    for s in order[order.index(last) + 1 :]:
        if not report.sections[s].present:
            cells.append(f"sections.{s}")
    cut_line = doc.line_of(len(doc.text.rstrip()))
    name = {"s1": "一", "s2": "二", "s3": "三", "s4": "四", "s5": "五"}[last]
    ctx.finding(
        "R-TEXT-TRUNCATED",
        "warning",
        cells,
        f"文本在第{name}部分"
        + (f"的{TABLE_NAMES[last]}" if inside else "")
        + f"中（第 {cut_line} 行）中断，之后的内容不在本文本中（可能是摘录或复制不完整）。"
        "本工具只读取了已有部分，对中断之后的表格、行和章节不作“缺少”判断。",
        evidence=tail[-80:],
    )
    report.layout["truncated"] = {"section": last, "cells": cells}


def _cut_row_tail(table: FormTable, text: str) -> list[str]:
    """The blank cells after the last number of the row the text ends in (``3.其他 108 2
    0 0`` and nothing more but separators), or of the row a table the text ends in before
    its first number ends with: they lie beyond the cut, not blank in the document."""
    last: tuple[int, int, list[str]] | None = None
    for row in table.rows:
        filled = [i for i, c in enumerate(row.cells) if c.status != "blank" and c.end >= 0]
        if filled and (last is None or row.cells[filled[-1]].end > last[0]):
            k = filled[-1]
            tail = [c.id for c in row.cells[k + 1 :] if c.status == "blank"]
            last = (row.cells[k].end, k, tail)
    if last is None:
        # no number in the table at all, and the text ends inside it: 表四's one row of
        # numbers (after its header), or the row whose label the text ends with, lies
        # beyond the cut (rows whose labels other labels follow are in the text)
        if text[table.region[1] :].strip(_CUT_SEPARATORS) or not table.rows:
            return []
        row = max(table.rows, key=lambda r: r.label_end)
        if table.key != "s4" and text[max(0, row.label_end) :].strip(_CUT_SEPARATORS):
            return []
        return [c.id for c in row.cells if c.status == "blank"]
    if text[last[0] :].strip(_CUT_SEPARATORS):
        return []
    return last[2]


_CUT_SEPARATORS = " \t\r\n\u3000\u00a0|｜│┃"


def _rows_after(table: FormTable) -> list[str]:
    """Cell ids of the form's rows after the last row found (the text ends before them)."""
    from .form.spec import ACTIVE_FORM_2019, ACTIVE_FORM_2021, REQUEST_FORM

    if table.key == "s4":
        return [] if table.rows and table.rows[0].how != "unread" else list(REVIEW_IDS)
    form = (
        REQUEST_FORM
        if table.key == "s3"
        else (ACTIVE_FORM_2019 if (table.layout or table.read_as) == "2019" else ACTIVE_FORM_2021)
    )
    found = {r.rid for r in table.rows}
    idx = max((i for i, spec in enumerate(form) if spec.rid in found), default=-1)
    out: list[str] = []
    if table.rows and table.rows[-1].how == "cut" and table.rows[-1].rid == "other":
        # （六）其他处理 and then the end: the three sub-rows of 2021 or the 2019 single row
        out += [
            f"requests.other.{r}.{c}" for r in ("no_correction", "no_fee", "misc") for c in COLUMNS
        ]
    for spec in form[idx + 1 :]:
        # beyond the cut the layout is unknown: the single （六） row and its three sub-rows
        out += list(spec.ids)
    return out
