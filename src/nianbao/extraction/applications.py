"""表三 收到和处理政府信息公开申请情况 (section 三): each row's label matched from its most
specific cell, its value cells windowed to the table's 7 columns (8 with a 小计 column, 3
for a 自然人/法人或其他组织/总计 matrix); ties decided by the header's column, then the
sibling rows, then the arithmetic, and reported. The header's words decide which column a
value belongs to: columns reordered, dropped or added by the copy are read under their
headers, never by position alone.

Over 500 lines because the column plan (the header's order, physical columns, the copy's
own columns) and the row reading that uses it share the rows and their cells; apart, the
plan would need the rows' internals anyway.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..readers import labels as L
from ..readers.document import Cell
from ..readers.normalize import key
from ..schema import (
    COLUMN_LABELS,
    COLUMNS,
    REQUEST_ROW_LABELS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
)
from .context import NCOL, Ctx, Row, held_whole


# ============================================================================ section 三
@dataclass
class _ReqRow:
    rid: str | None
    how: str
    note: str
    row: Row
    values: list[Cell | None]  # None: no cell under a header's column (a blank)
    first_col: int | None  # physical column of the first value
    uncertain: bool = False
    label_col: int | None = None  # physical column of the cell its label matched in
    shift: int = 0  # columns its label stands right of its sibling rows' (``_label_shifted``)


def _column_anchor(headers: list[Row]) -> int | None:
    """Physical column of 自然人 in the header rows of a grid (for placing ambiguous rows)."""
    for h in headers:
        for c in h.cells:
            if key(c.text) == "自然人":
                return c.col
    return None


def _choose_window(
    vals: list[Cell],
    anchor: int | None,
    majority: int | None,
    width: int = NCOL,
    columns: list[str] | None = None,
) -> tuple[list[Cell], int | None, bool]:
    """Pick the ``width`` value cells of a row. Cells outside the window must be empty.
    Returns (cells, physical column of the first, uncertain)."""
    NCOL = width  # noqa: N806 — the window width
    n = len(vals)
    if n == NCOL:
        return list(vals), vals[0].col, False
    if n < NCOL:
        return [], None, True
    # windows with only blank cells outside them, in linear time (a row may hold thousands)
    filled = [i for i, c in enumerate(vals) if c.text.strip()]
    lo, hi = (max(0, filled[-1] - NCOL + 1), min(filled[0], n - NCOL)) if filled else (0, n - NCOL)
    options = list(range(lo, hi + 1))
    if not options:
        return [], None, True
    distinct = {tuple(c.text.strip() for c in vals[s : s + NCOL]) for s in options}
    if len(distinct) == 1:
        s = options[0]
        # an all-blank row: align with the header / siblings when possible
        for pref in (anchor, majority):
            if pref is not None:
                for o in options:
                    if vals[o].col == pref:
                        s = o
        nonblank = [c for c in vals[s : s + NCOL] if c.text.strip()]
        return list(vals[s : s + NCOL]), (vals[s].col if nonblank else None), False

    # several placements give different values: the header's column first, then the column
    # the sibling rows start at, then the arithmetic (six applicant columns = 总计)
    past = False
    for pref in (anchor, majority):
        hits = [o for o in options if pref is not None and vals[o].col == pref]
        if len(hits) == 1:
            s = hits[0]
            if _past_table(s, n, NCOL):
                past = True
                continue
            return list(vals[s : s + NCOL]), vals[s].col, False

    cols = columns if columns is not None and len(columns) == NCOL else list(COLUMNS)
    # (without a 总计 column no sum places the row)
    good = [
        s
        for s in options
        if "total" in cols and _balances(vals[s : s + NCOL], cols, need_part=False)
    ]
    if past and not _sums_decide(vals, options, good, NCOL, cols):
        # the row is a cell wider than its table where the header or the siblings place
        # it: an empty cell after its label or after its numbers, nothing says which, and
        # no sum does (a shifted 四、结转下年度 row of 0s, its 总计 blank, read 总计 0 and
        # 自然人 blank): the row is not read (R-CELL-COUNT names it)
        return [], None, True
    pool = good or options
    s = pool[0]
    return list(vals[s : s + NCOL]), vals[s].col, True


def read_requests(ctx: Ctx, rows: list[Row], headers: list[Row]) -> str | None:
    """Section 三. Returns "2021" (three （六） sub-rows) or "2019" (single row), or None."""
    every_header = headers
    headers = _first_matrix_header(rows, headers)
    anchor = _column_anchor(headers)
    candidates: list[_ReqRow] = []
    group: str | None = None
    for row in rows:
        if is_request_header(row) or not row.values:
            continue
        match = None
        label_col = None
        for j in range(len(row.labels) - 1, -1, -1):
            m = L.match_request_row(row.labels[j].text)
            if m is not None:
                # numbers after the label, then another text (a row's label no label of
                # the form matches: 四、结※年度继续办理): the row's last numbers are that
                # text's, not the label's (a grid of one row for the whole table)
                after = row.labels[j + 1 :]
                if not any(L.is_value_text(c.text) and L.has_number(c.text) for c in after):
                    match, label_col = m, row.labels[j].col
                break
        if row.labels and any("其他处理" in key(c.text) for c in row.labels):
            group = "other"
            if (
                match is not None
                and match.id != "other"
                and any(key(c.text) == "其他处理" for c in row.labels)
            ):
                ctx.signals.add(f"variant:其他处理:requests.{match.id}")
        if (
            match
            and match.id == "other.misc"
            and group not in ("other", None)
            and not key(row.labels[-1].text).startswith("3")
        ):
            match = None
        if match is None and not row.numeric:
            continue
        candidates.append(
            _ReqRow(
                match.id if match else None,
                match.how if match else "",
                match.note if match else "",
                row,
                list(row.values),  # windowed to the table's columns below
                None,
                label_col=label_col,
            )
        )
        if match and match.id in ("new", "carried_over"):
            group = None

    if not candidates:
        return None
    # (a column of shares the header names after 总计 is read by ``_tail_columns``)
    shares = 0 if _tail_columns(every_header, candidates) else _share_column(candidates)
    _label_column_blanks(candidates)
    plan = _column_plan(headers, candidates, every_header)
    if not plan.defer and plan.columns != list(COLUMNS) and _paged_header(ctx, headers):
        # a bare number that may be a page's stands among the header's words, and the
        # header reads other columns than the form's: the number may have broken a word's
        # cell (科研机构 | 2 法律服务机构 read legal second, 其他 lost, and the rows' sums
        # blamed); the form reading, which reads the text with and without it, reads it
        plan.defer = True
    if plan.defer:
        # the rows are left to the form reading; a row whose label stands here is in the
        # report: whatever that reading cannot place is unread, never missing
        sub = any(r.rid in ("other.no_correction", "other.no_fee") for r in candidates)
        rows_of = REQUEST_ROWS_2021 if sub else REQUEST_ROWS_2019
        labelled = {r.rid for r in candidates if r.rid is not None}
        ctx.report.layout["requests_rows_found"] = [rid for rid in rows_of if rid in labelled]
        return None
    columns = plan.columns
    if plan.first is not None or columns != list(COLUMNS):
        anchor = plan.first  # the header's first value column, wherever its label stands
    width = len(columns)
    if columns != list(COLUMNS):
        ctx.report.layout["requests_columns"] = columns
    if plan.extra:
        # the form reading, which knows the form's columns only, does not read this matrix
        ctx.report.layout["requests_extra_columns"] = sorted(plan.extra)
    # physical column most rows start at (sibling support)
    starts = Counter(r.row.values[0].col for r in candidates if len(r.row.values) == width)
    majority = starts.most_common(1)[0][0] if starts else None
    for r in candidates:
        extra_n = plan.tail.get(id(r.row), 0)
        if extra_n and width == NCOL and len(r.row.values) == NCOL + extra_n:
            # the copy's own columns after 总计: the row's first seven cells are the form's
            r.values = list(r.row.values[:NCOL])
            r.first_col, r.uncertain = r.row.values[0].col, False
            continue
        if plan.extra and plan.at is not None:
            # columns the form does not have stand among the values: each value is read
            # under its header's column, never windowed into a form column
            under = _under_header(r.values, [plan.at[c] for c in columns], plan.extra)
            r.values = under or []
            r.first_col = plan.at[columns[0]] if under else None
            r.uncertain = False
            continue
        vals = [c for c in r.values if c is not None]
        marks = [c for c in vals if c.text.strip()]
        if (
            len(vals) < width
            and len(marks) == 1
            and L.parse_value(marks[0].text)[1] == "placeholder"
        ):
            # one mark for the whole row (无, —, /): the copy merged the row's cells and
            # wrote that it has nothing; every cell is blank, whichever column the mark
            # stands in (R-NON-NUMERIC shows the mark)
            r.values = [marks[0], *[None] * (width - 1)]
            r.first_col = marks[0].col
            r.uncertain = False
            continue
        cells, first, unsure = _choose_window(vals, anchor, majority, width, columns)
        r.values = list(cells)
        r.first_col = first
        r.uncertain = unsure
    wide = _wider_than_form(headers, candidates) or (plan.trailing and plan.at is None)
    _place_like_siblings(candidates, width, columns, wide, loose=plan.at is None)
    _label_shifted(candidates)
    if plan.extra:
        _extra_columns(ctx, headers, candidates, plan.extra)
    if plan.tail:
        n_tail = max(plan.tail.values())
        ctx.finding(
            "R-CELL-COUNT",
            "info",
            [],
            f"表三在「总计」列之后有 {n_tail} 列格式规定以外的列（表头"
            f"「{'」「'.join(_tail_words(headers, n_tail))}」），其数值不属于格式规定的任何一列，"
            "未读入；各行前 7 个数值按格式规定的列读取。",
            expected=NCOL,
            actual=NCOL + n_tail,
        )
    elif shares:
        ctx.finding(
            "R-CELL-COUNT",
            "info",
            [],
            f"表三有 {shares} 行在末尾多一个百分比（占比等格式规定以外的列），"
            "其数值不属于格式规定的任何一列，未读入；各行其余数值按格式规定的列读取。",
        )

    has_sub = any(r.rid in ("other.no_correction", "other.no_fee") for r in candidates)
    has_single = any(r.rid == "other" for r in candidates)
    if has_sub:
        ctx.signals.add("s3:2021")
        # a group label 其他处理 on the first sub-row is not the 2019 row
        for r in candidates:
            if r.rid == "other":
                r.rid = None
    elif has_single:
        ctx.signals.add("s3:2019")
    layout = "2021" if has_sub or not has_single else "2019"
    expected = list(REQUEST_ROWS_2021 if layout == "2021" else REQUEST_ROWS_2019)

    # keep rows that are labelled, or unlabelled with exactly one value cell per column
    seq = [r for r in candidates if r.rid is not None or (len(r.values) == width and r.row.numeric)]
    assigned = _align(seq, expected)
    apart, own = _apart_from_numbers(seq)

    label_cells: dict[str, Row] = {}
    for rid in expected:
        found = assigned.get(rid)
        if found is None:
            continue
        r = found
        if id(r) in apart:
            # its label on a row of blank cells beside a row of numbers whose label names
            # no row (a row cut in two at its label's line break, the cut not mended): the
            # numbers may be this row's or the next's; neither blank nor guessed
            ids = [f"requests.{rid}.{c}" for c in COLUMNS]
            ctx.mark_unread(ids)
            if id(r) in own:
                # the numbers after it start a label of their own (三、本年度办理结果 with a
                # subtotal): not this row's; no later reading may give them to it
                ctx.report.layout.setdefault("requests_apart", []).append(rid)
            ctx.finding(
                "R-UNREAD",
                "warning",
                ids,
                f"未能读取表三「{r.row.label_text or rid}」行的数值：该行标签所在的行没有数值，"
                f"相邻一行有数值（「{apart[id(r)]}」）但其标签不是格式规定的行名"
                "（表格行在标签换行处被拆成两行），本工具无法确定这些数值属于哪一行，未作猜测。"
                "这是本工具的读取局限，不代表该行空白，请对照原件核对。",
            )
            continue
        if r.how == "position" and _ordinal_first(r.row, rid):
            # no label, and the row's first number is its ordinal (3 for 3.其他: the words
            # lost): that number may be its label, read as a value; left to the form
            # reading, which names the row unread
            continue
        label_cells[rid] = r.row
        label = r.row.label_text or None
        if r.how == "position" and r.row.label_text.strip():
            _say_position(ctx, rid, r.row.label_text)
        if r.how == "typo":
            ctx.signals.add(f"typo:{r.note}:requests.{rid}")
        elif r.how == "variant":
            ctx.signals.add(f"variant:{r.note}:requests.{rid}")
        if not r.values:
            # the row's cells could not be placed: leave it absent and report
            ctx.finding(
                "R-CELL-COUNT",
                "warning",
                [f"requests.{rid}.{c}" for c in COLUMNS],
                f"表三「{label or rid}」行有 {len(r.row.values)} 个数值单元格，无法对应到 {width} 个数据列："
                f"{'、'.join(c.text or '（空）' for c in r.row.values)}。该行未读取。",
                expected=NCOL,
                actual=len(r.row.values),
                evidence=[c.text for c in r.row.cells],
            )
            continue
        if plan.unordered:
            # the organisation columns' order is not known: 自然人 and 总计 read alone
            kept = [(i, v) for i, v in zip(_cell_ids(rid, tuple(columns)), r.values) if not _org(i)]
            ctx.put_row(tuple(i for i, _v in kept), [v for _i, v in kept], "s3", label)
        else:
            ctx.put_row(_cell_ids(rid, tuple(columns)), r.values, "s3", label)
        if r.shift:
            _say_label_shifted(ctx, r, rid, columns, assigned)
        elif r.uncertain:
            ctx.mark_uncertain(_cell_ids(rid, tuple(columns)))
            ctx.finding(
                "R-CELL-COUNT",
                "warning",
                [f"requests.{rid}.{c}" for c in COLUMNS],
                f"表三「{label or rid}」行有 {len(r.row.values)} 个数值单元格（应为 {width} 个），"
                f"多种对齐方式都说得通，已按表头列位置读取，请人工核对。",
                expected=NCOL,
                actual=len(r.row.values),
                evidence=[c.text for c in r.row.cells],
            )
    # R-LAYOUT-SHIFT: rows new / carried_over / carried_forward start at different columns
    # (compared within one grid only: a table that a page break or the reading cut in two
    # has other columns in each part, and says nothing of the report's layout)
    by_grid: dict[int, dict[str, int]] = {}
    every: set[int] = set()
    for rid in ("new", "carried_over", "carried_forward"):
        fc = assigned[rid].first_col if rid in assigned else None
        if fc is not None:
            every.add(fc)
            table = label_cells[rid].table if rid in label_cells else None
            by_grid.setdefault(id(table), {})[rid] = fc
    # the grid holding most of the three rows (the first such)
    firsts: dict[str, int] = max(by_grid.values(), key=len, default={})
    if len(every) > 1:
        # the rows stand at different columns across grids: no finding, but the layout
        # reading is then no whole reading, and the form reading reads the table again
        ctx.signals.add("s3:columns-differ")
    if len(set(firsts.values())) > 1:
        ref = firsts.get("new", next(iter(firsts.values())))
        shifted = [rid for rid, c in firsts.items() if c != ref]
        names = "、".join(f"「{label_cells[r].label_text}」" for r in shifted)
        ctx.finding(
            "R-LAYOUT-SHIFT",
            "warning",
            [f"requests.{rid}.{c}" for rid in shifted for c in COLUMNS],
            f"表三{names}的数值比「一、本年新收政府信息公开申请数量」行错开了 "
            f"{abs(firsts[shifted[0]] - ref)} 列（第 {firsts[shifted[0]] + 1} 列起，而非第 {ref + 1} 列）；"
            "对照表头阅读时数值会落在错误的申请人类别下。已按每行标签后的 7 个单元格读取。",
            expected=ref,
            actual={rid: firsts[rid] for rid in shifted},
            evidence={rid: [c.text for c in label_cells[rid].cells] for rid in shifted},
        )
    if plan.cut and not held_whole(rows):
        _say_cut(ctx, columns, [rid for rid in expected if rid in assigned])
    if plan.unordered:
        _say_unordered(ctx, plan.unordered, [rid for rid in expected if rid in label_cells])
    # header: column labels
    _request_header(ctx, headers)
    ctx.report.layout["requests_rows_found"] = [rid for rid in expected if rid in assigned]
    return layout


def _label_shifted(candidates: list[_ReqRow]) -> None:
    """First-level rows (一、二、四、) whose label stands ``d`` columns right of the others'
    in the same grid while their first ``d`` cells under the header are blank: an editor's
    rowspan that runs on over the row pushes its cells right, and where its last cells are
    blank nothing of them is left past the table (a converter drops a column blank all
    down). Where the form's balance (一 + 二 = 三's 总计 + 四, column by column) holds in
    fewer columns with the cells ``d`` columns right than under the header, the header's
    reading stands (an editor who narrowed the label to keep the cells under their header:
    the report's own errors are judged); else both fit, nothing decides: the row keeps the
    header's reading and is said unsure (``_say_label_shifted``)."""
    by_table: dict[int, list[_ReqRow]] = {}
    balance: dict[int, dict[str, _ReqRow]] = {}
    for r in candidates:
        if r.rid in _BALANCE_ROWS and r.values:
            balance.setdefault(id(r.row.table), {}).setdefault(r.rid, r)
        if r.rid in _TOP_ROWS and r.label_col is not None and r.values:
            by_table.setdefault(id(r.row.table), []).append(r)
    for t, rows in by_table.items():
        cols = Counter(r.label_col or 0 for r in rows)
        if len(cols) < 2:
            continue
        ref, n = cols.most_common(1)[0]
        if n < 2 or list(cols.values()).count(n) > 1:
            continue  # no two sibling rows agree on where a first-level label stands
        # where the siblings' cells begin, in the grid (a grid that knows its spans, a
        # page's markup or a Word table, gives a cell after a narrower label the column of
        # its siblings' cell) and as placed under the header (a row whose cells were placed
        # from its label on, one more than the header's, was read shifted already)
        sib = [r for r in rows if r.label_col == ref]
        in_grid = {x for r in sib if (x := _grid_start(r)) is not None}
        placed = {x for r in sib if (x := _placed_start(r)) is not None}
        for r in rows:
            d = (r.label_col or 0) - ref
            if d <= 0 or d >= len(r.values):
                continue
            lead = r.values[:d]
            if (
                not (len(in_grid) == 1 and _grid_start(r) in in_grid)
                and not (len(placed) == 1 and _placed_start(r) not in (*placed, None))
                and all(c is None or not c.text.strip() for c in lead)
                and any(c is not None and c.text.strip() for c in r.values[d:])
                and not _header_balances_better(balance.get(t, {}), r, d)
            ):
                r.shift = d


# the rows of the form's balance: 一 + 二 = 三's 总计 + 四, column by column
_BALANCE_ROWS = ("new", "carried_over", "processed_total", "carried_forward")


def _grid_start(r: _ReqRow) -> int | None:
    """The grid column of the row's first cell after its label."""
    return min((c.col for c in r.row.values), default=None)


def _placed_start(r: _ReqRow) -> int | None:
    """The grid column the row's cells were placed from (that of its first value column)."""
    return next((c.col - i for i, c in enumerate(r.values) if c is not None), None)


def _header_balances_better(rows: dict[str, _ReqRow], r: _ReqRow, d: int) -> bool:
    """True when the balance fails in fewer columns with ``r``'s cells under the header than
    with them ``d`` columns right (blank as 0; the other rows as read): the sums decide for
    the header's reading. False where a row of the balance is missing or both fit as well."""
    if any(rid not in rows for rid in _BALANCE_ROWS):
        return False

    def num(c: Cell | None) -> float:
        v = L.parse_value(c.text)[0] if c is not None else None
        return float(v) if v is not None else 0.0

    def failing(values: list[Cell | None]) -> int:
        got = {rid: (values if rid == r.rid else rows[rid].values) for rid in _BALANCE_ROWS}
        n = min(len(v) for v in got.values())
        a, b, c, e = (got[rid] for rid in _BALANCE_ROWS)
        return sum(num(a[i]) + num(b[i]) != num(c[i]) + num(e[i]) for i in range(n))

    moved = [*r.values[d:], *[None] * d]
    return failing(list(r.values)) < failing(moved)


def _say_label_shifted(
    ctx: Ctx, r: _ReqRow, rid: str, columns: list[str], assigned: dict[str, _ReqRow]
) -> None:
    """The finding of a row ``_label_shifted`` found: both readings shown, the cells unsure
    (no sum over them judged)."""
    ids = list(_cell_ids(rid, tuple(columns)))
    ctx.mark_uncertain(ids)
    names = [COLUMN_LABELS.get(c, c) for c in columns]
    texts = [c.text.strip() if c is not None else "" for c in r.values]
    moved = texts[r.shift :] + [""] * r.shift
    shown = lambda ts: "、".join(f"{n} {t or '空白'}" for n, t in zip(names, ts))  # noqa: E731
    sib = next((assigned[s] for s in ("new", "carried_over") if s in assigned), None)
    ref = f"「{sib.row.label_text}」等行" if sib is not None else "同级各行"
    ctx.finding(
        "R-LAYOUT-SHIFT",
        "warning",
        ids,
        f"表三「{r.row.label_text or rid}」行的标签比{ref}的标签右移了 {r.shift} 列，"
        f"而该行表头下的前 {r.shift} 个单元格空白：该行的数值可能整行右移了 {r.shift} 列"
        f"（如上一行的合并单元格多跨了一行；读作：{shown(moved)}），也可能按表头对齐"
        f"（读作：{shown(texts)}）。本工具无法确定，已按表头列位置读取；涉及该行的合计、"
        "勾稽关系未作核对。这是本工具的读取局限，不代表报告有误，请对照原件核对。",
        actual=texts,
        evidence=[c.text for c in r.row.cells],
    )


def _org(fid: str) -> bool:
    return fid.rsplit(".", 1)[-1] in _ORG_LEAVES


def _say_unordered(ctx: Ctx, words: str, rows: list[str]) -> None:
    """The organisation columns of a header whose wrapped words give no order (``_piece_order``):
    unread, said as the tool's limit."""
    orgs = [c for c in COLUMNS if c in _ORG_LEAVES]
    ids = [f"requests.{rid}.{c}" for rid in rows for c in orgs]
    ctx.mark_unread(ids)
    ctx.finding(
        "R-UNREAD",
        "warning",
        ids,
        f"表三表头中「法人或其他组织」下各列的列名折行书写，各段文字分行排列：其中一行"
        f"「{words}」的先后与格式规定的顺序（{'、'.join(COLUMN_LABELS[c] for c in orgs)}）不合，"
        "而各行文字又不足以确定各列的先后，本工具未读取这五列的数值（自然人、总计列已读取）。"
        "这是本工具的读取局限，不代表报告缺少这些数值，请对照原件核对。",
        actual=words,
    )


def _say_cut(ctx: Ctx, columns: list[str], rows: list[str]) -> None:
    """The columns a cut copy does not show: unread, said as the tool's limit."""
    rest = [c for c in COLUMNS if c not in columns]
    ids = [f"requests.{rid}.{c}" for rid in rows for c in rest]
    ctx.mark_unread(ids)
    ctx.report.layout["requests_cut"] = rest
    shown = "、".join(COLUMN_LABELS[c] for c in columns)
    ctx.finding(
        "R-UNREAD",
        "warning",
        ids,
        f"表三在本文本中只有前 {len(columns)} 列（{shown}），其后各列"
        f"（{'、'.join(COLUMN_LABELS[c] for c in rest)}）不在文本中（表格在屏幕或页面右边缘被截断，"
        "如手机上需左右滑动的表格的截图或复制），本工具无法读取这些列的数值。"
        "这是本工具的读取局限，不代表报告缺少这些列，请对照原件核对。",
        actual=columns,
    )


# the rows of the form's first level (一、二、四、): their labels span the same label
# columns, so their numbers start at the same column of a grid
_TOP_ROWS = frozenset({"new", "carried_over", "carried_forward"})


def _placements(vals: list[Cell], width: int) -> list[int]:
    """The first cells of the windows of ``width`` cells that leave only blank cells out
    and give different values."""
    filled = [i for i, c in enumerate(vals) if c.text.strip()]
    if len(vals) < width or not filled:
        return []
    lo, hi = max(0, filled[-1] - width + 1), min(filled[0], len(vals) - width)
    seen: dict[tuple[str, ...], int] = {}
    for o in range(lo, hi + 1):
        seen.setdefault(tuple(c.text.strip() for c in vals[o : o + width]), o)
    return list(seen.values())


def _wider_than_form(headers: list[Row], candidates: list[_ReqRow]) -> bool:
    """Every row of the grid, header and data, ends in a blank cell after its last number
    or word: the copy's table has a column the form lacks, empty all down (a page's table
    drawn wider than the form)."""
    rows = [h for h in headers if len(h.cells) > 1] + [r.row for r in candidates if r.row.values]
    return len(rows) > 3 and all(
        not r.cells[-1].text.strip() and not r.cells[-1].covered for r in rows
    )


def _place_like_siblings(
    candidates: list[_ReqRow], width: int, columns: list[str], wide: bool, loose: bool = False
) -> None:
    """Rows whose cells fit several placements (a blank cell at either end of their
    numbers). In a grid wider than the form, the blank cell that ends every row is the
    extra column's, never a value's. A first-level row (一、二、四、) goes where the
    first-level rows that fit one placement start: their labels span the same columns.
    Where no header cell says the columns (``loose``) and no sibling places a row, a row
    whose window leaves its 总计 unequal to its parts' sum, and that one other placement
    balances, takes that placement (the rows' label cells span different columns: the
    sibling rows' start says nothing of it)."""
    multi: dict[int, list[int]] = {}
    for r in candidates:
        vals = [c for c in r.row.values if c is not None]
        if wide and r.values and len(vals) > width and not vals[-1].text.strip():
            cut = vals[:-1]
            opts = _placements(cut, width)
            if len(opts) == 1:
                r.values = list(cut[opts[0] : opts[0] + width])
                r.first_col, r.uncertain = cut[opts[0]].col, False
                continue
        opts = _placements(vals, width)
        if len(opts) > 1:
            multi[id(r)] = opts
    starts = Counter(
        r.first_col
        for r in candidates
        if r.rid in _TOP_ROWS and id(r) not in multi and r.first_col is not None
    )
    if len(starts) == 1:
        (col,) = starts
        for r in candidates:
            if r.rid in _TOP_ROWS and id(r) in multi:
                vals = [c for c in r.row.values if c is not None]
                # (not a window leaving cells after it: ``_choose_window``'s ``past``; in a
                # grid wider than the form, the blank cell that ends every row aside)
                end = len(vals) - (1 if wide and not vals[-1].text.strip() else 0)
                hit = [
                    o for o in multi[id(r)] if vals[o].col == col and not _past_table(o, end, width)
                ]
                if len(hit) == 1:
                    o = hit[0]
                    r.values, r.first_col, r.uncertain = list(vals[o : o + width]), col, False
                    del multi[id(r)]
    if not loose or "total" not in columns:
        return
    for r in candidates:
        if id(r) in multi and r.values and not _balances(r.values, columns):
            vals = [c for c in r.row.values if c is not None]
            good = [o for o in multi[id(r)] if _balances(vals[o : o + width], columns)]
            if len(good) == 1 and _sums_decide(vals, multi[id(r)], good, width, columns):
                o = good[0]
                r.values, r.first_col = list(vals[o : o + width]), vals[o].col
            elif len(good) == 1:
                # the window that adds up against one whose 总计 is blank, which no sum
                # checks: nothing decides, the row is not read (a row shifted by an empty
                # cell after its label, its 总计 blank, 其他 equal to the rest's sum)
                r.values, r.first_col = [], None
            # (placed by its sums, or by nothing that tells: either way said, R-CELL-COUNT;
            # a 0 alone in a blank row is 总计 or any column's, and the sums cannot say)
            r.uncertain = True


def _paged_header(ctx: Ctx, headers: list[Row]) -> bool:
    """Whether a bare number that may be a page's (``Document.page_suspects``) stands
    among the cells of 表三's header rows."""
    spans = [(c.start, c.end) for h in headers for c in h.cells if c.start >= 0]
    if not spans or not ctx.doc.page_suspects:
        return False
    lo, hi = min(a for a, _b in spans), max(b for _a, b in spans)
    return any(lo <= s < hi for s, _e in ctx.doc.page_suspects)


def _past_table(start: int, n: int, width: int) -> bool:
    """Whether the window of ``width`` cells from ``start`` leaves cells of the row after it:
    the row holds a cell past the table's last column (its blank cells stand after the window
    only because nothing placed outside a window may hold a value)."""
    return start + width < n


def _sums_decide(
    vals: list[Cell], options: list[int], good: list[int], width: int, columns: list[str]
) -> bool:
    """Whether the row's sums pick one window: one balances, and every other shows a 总计
    that does not (a blank 总计 checks nothing: a window that adds up is no sign against
    it, 0 = 0 + 0 … least of all)."""
    if len(good) != 1 or "total" not in columns:
        return False
    at = columns.index("total")
    return all(o in good or vals[o + at].text.strip() for o in options)


def _balances(cells: Sequence[Cell | None], columns: list[str], need_part: bool = True) -> bool:
    """The row's 总计 is filled and equals the sum of its applicant columns, of which one
    at least is filled where ``need_part`` (a 0 alone in 总计 over blank columns adds up by
    itself: no sign of where it stands)."""
    if len(cells) != len(columns):
        return False
    w = [L.parse_value(c.text)[0] if c is not None else None for c in cells]
    total = w[columns.index("total")]
    parts = [x for c, x in zip(columns, w) if c not in ("total", "org_subtotal")]
    filled = [x for x in parts if x is not None]
    return total is not None and (bool(filled) or not need_part) and sum(filled) == total


@lru_cache(maxsize=256)
def _cell_ids(rid: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The cell ids of row ``rid`` under ``columns`` (made once, not once a report)."""
    return tuple(f"requests.{rid}.{col}" for col in columns)


@dataclass
class _Plan:
    """The value columns of 表三 as a copy prints them."""

    columns: list[str]
    first: int | None = None  # physical column of the first, when the header says it
    at: dict[str, int] | None = None  # physical column of each, when the header keeps them
    extra: frozenset[int] = frozenset()  # physical columns under headers the form lacks
    defer: bool = False  # the rows cannot be read under this header: left to the form reading
    run_together: bool = False  # the header's rows ran into the line of 申请人情况
    words: list[str] | None = None  # the order the header's words give, when ``at`` differs
    # a header word the form lacks ends the header's columns (备注 after 总计): the rows'
    # blank last cell after their numbers is that column's
    trailing: bool = False
    # how many such words end the header's line (上年总计 | 同比增减 after 总计): columns of
    # the copy's own right of the form's, when the rows hold as many cells more, by row
    # (id of the row)
    tail: dict[int, int] = field(default_factory=dict)
    # the header's wrapped words contradict the form's order of the organisation columns
    # but give no order of their own (``_piece_order``): those columns are not read
    unordered: str = ""
    # the copy shows the form's first columns only (a table cut at a screen's or a page's
    # right edge): the columns after them are unread, never missing
    cut: bool = False


def _column_plan(
    headers: list[Row], candidates: list[_ReqRow], every_header: list[Row] | None = None
) -> _Plan:
    """The value columns of the matrix, left to right. The official table has the seven of
    COLUMNS; a copy may add a 法人或其他组织 小计 column (→ org_subtotal), print only
    自然人 / 法人或其他组织 / 总计 (the five organisation columns then stay absent), reorder or
    drop columns, or add one the form does not have (备注, 其中：网上申请): the header's
    labels then decide which column a value belongs to, never its position alone."""
    counts = Counter(
        len([c for c in r.row.values if c.text.strip()] if len(r.row.values) > 3 else r.row.values)
        for r in candidates
        if r.row.numeric
    )
    named = _header_order(headers)
    if named is not None and named.at is not None and not _lined_up(named, candidates):
        # the rows' numbers do not stand under the header's cells (the copy left a merged
        # cell's slots out, shifting the header rows against each other and against the
        # rows): the words say the order (the cells may give another), no cell a column
        named = _Plan(
            named.words or named.columns, run_together=named.run_together, trailing=named.trailing
        )
    if named is not None and not _complete(named, candidates):
        named = None  # a header word this reading missed: no plan from this header
    tail = _tail_columns(every_header or headers, candidates)
    if named is not None:
        plan = named
        if plan.unordered or (plan.extra and plan.at is not None and not plan.run_together):
            return plan
        plan.extra = frozenset()
        if plan.columns != list(COLUMNS):
            if _fits(plan.columns, plan.first, candidates, plan.trailing) and not (
                plan.run_together and not _total_moved(plan.columns, candidates)
            ):
                return plan
            if tail:
                # (the rows hold the copy's own columns after the header's: no sign of an
                # order the cells do not show)
                return _Plan(plan.columns, defer=True)
            # the header orders the columns otherwise than the form, and the rows' cells do
            # not show which cell stands under which header: never read them by position
            return _Plan(plan.columns, defer=True)
    return _cut_plan(headers, candidates) or _Plan(_official_plan(headers, counts), tail=tail)


def _share_column(candidates: list[_ReqRow]) -> int:
    """A column of percentages (占比) after 总计 under no header word of its own: when
    nearly every row of numbers ends with a percentage, that cell leaves the row's values
    (a share is no count of the form's; read as one, the row held one cell more and its
    numbers were placed one column off). Returns how many rows lost it."""
    numeric = [r for r in candidates if r.row.numeric and r.rid is not None]
    ends = [
        r for r in numeric if r.row.values and _PERCENT.fullmatch(r.row.values[-1].text.strip())
    ]
    if not numeric or len(ends) * 5 < len(numeric) * 4:
        return 0
    for r in ends:
        r.row.values = r.row.values[:-1]
        r.values = list(r.row.values)
    return len(ends)


def _at(row: Row) -> int:
    """Where a row stands in the text (its first cell's offset; -1 when unknown)."""
    return min((c.start for c in row.cells if c.start >= 0), default=-1)


def _first_matrix_header(rows: list[Row], headers: list[Row]) -> list[Row]:
    """The header rows of the first matrix: those before another matrix's header (its note
    or 申请人情况) printed after the first matrix's last row, 结转下年度 (last year's 表三
    under this year's): with both, each column word twice, no header was read at all."""
    last = next(
        (
            _at(r)
            for r in rows
            if r.labels
            and (m := L.match_request_row(r.labels[-1].text)) is not None
            and m.id == "carried_forward"
        ),
        -1,
    )
    if last < 0:
        return headers
    for i, h in enumerate(headers):
        if _at(h) > last and any(
            "勾稽" in key(c.text) or "申请人情况" in key(c.text) for c in h.cells
        ):
            return headers[:i]
    return headers


def _tail_columns(headers: list[Row], candidates: list[_ReqRow]) -> dict[int, int]:
    """The columns of the copy's own right of 总计 (上年总计 | 同比增减, 备注): words the form
    lacks after the last column word of a header row (or after 申请人情况, which spans the
    form's columns), when nearly every row of numbers holds seven cells and as many more —
    their numbers past the form's seventh cell are those columns', never the form's. By
    grid (another matrix in the section, last year's, has its own columns); none where the
    header names none or the rows do not show them (a row shifted by an empty cell)."""
    out: dict[int, int] = {}
    for h in headers:
        marks: list[str] = []
        for c in h.cells:
            k = key(c.text)
            if not k or c.covered:
                continue
            if "申请人情况" in k or L.match_request_column(c.text) is not None:
                marks = []
                continue
            if k == "法人或其他组织" or "勾稽" in k or L.is_value_text(c.text):
                continue
            if _CJK.search(k):
                marks.append(k)
        if not marks or len(marks) > 3 or len(h.cells) <= len(marks) or h.table is None:
            continue
        tail = len(marks)
        # the rows of this matrix: in its grid, after its header, before another matrix's
        # header in the same grid (a copy that left no line between two matrices)
        lo = h.cells[0].row
        hi = min(
            (
                o.cells[0].row
                for o in headers
                if o.table is h.table
                and o.cells[0].row > lo
                and any(w in key(c.text) for c in o.cells for w in ("勾稽", "申请人情况"))
            ),
            default=None,
        )
        numeric = [
            r
            for r in candidates
            if r.row.numeric
            and r.rid is not None
            and r.row.table is h.table
            and lo < r.row.cells[0].row
            and (hi is None or r.row.cells[0].row < hi)
        ]
        fits = [r for r in numeric if len(r.row.values) == NCOL + tail]
        if (
            numeric
            and len(fits) * 5 >= len(numeric) * 4
            # (numbers stand in them: a blank cell ending each row is no column's sign)
            and any(c.text.strip() for r in fits for c in r.row.values[NCOL:])
        ):
            out.update((id(r.row), tail) for r in fits)
    return out


_PERCENT = re.compile(r"[-+]?\d+(?:\.\d+)?\s*[%％]")


def _tail_words(headers: list[Row], tail: int) -> list[str]:
    """The header words of the copy's own columns after 总计 (for the finding)."""
    for h in headers:
        words = [c.text.strip() for c in h.cells if not c.covered and c.text.strip()]
        if len(words) > tail and not any(L.match_request_column(w) for w in words[-tail:]):
            return words[-tail:]
    return []


def _cut_plan(headers: list[Row], candidates: list[_ReqRow]) -> _Plan | None:
    """A copy of the matrix cut at its right edge (what a phone's screen shows of a table
    that scrolls sideways, a page printed past its margin): the header names the form's
    first columns, in the form's order, and stops before 总计; every row holds as many
    cells as it names (three rows at least). Those columns are read; the rest is unread."""
    words: list[str] = []
    for h in headers:
        for c in h.cells:
            m = None if c.covered else L.match_request_column(c.text)
            if m is not None:
                words.append(m.id)
    n = len(words)
    if not 2 <= n < len(COLUMNS) or words != list(COLUMNS[:n]):
        return None
    numeric = [r for r in candidates if r.row.numeric]
    if len(numeric) < 3 or any(
        len(r.row.values) != n or any(len(_NUMBER.findall(c.text)) > 1 for c in r.row.values)
        for r in numeric
    ):
        return None  # (a cell of several numbers: a row the copy did not part into cells)
    return _Plan(words, cut=True)


_NUMBER = re.compile(r"\d[\d,.]*")


def _label_column_blanks(candidates: list[_ReqRow]) -> None:
    """An empty cell right after a row's label that stands in a column where most rows of
    its grid hold their label (a transcription's second label column, 分类 | 项目, left
    empty on a row with one label: ``| （七）总计 |   | 33 | 2 | … |``) is no blank value
    cell, when without it the row shows as many value cells as most numeric rows of the
    grid do (an empty cell counted as the row's first value read its numbers one column
    to the right, silently, where every other row showed a column fewer)."""
    for grid in {id(r.row.table) for r in candidates if r.row.table is not None}:
        rows = [r for r in candidates if id(r.row.table) == grid]
        numeric = [r for r in rows if r.row.numeric]
        if len(numeric) < 3:
            continue
        labelled = Counter(c.col for r in rows for c in r.row.labels if c.text.strip())
        counts = Counter(len(r.values) for r in numeric)
        mode, times = counts.most_common(1)[0]
        if times * 2 <= len(numeric):
            continue
        for r in numeric:
            lead = 0
            while lead < len(r.values):
                cell = r.values[lead]
                if cell is None or cell.text.strip() or labelled[cell.col] * 2 <= len(rows):
                    break
                lead += 1
            if lead and len(r.values) != mode and len(r.values) - lead == mode:
                r.values = r.values[lead:]


# tables whose cells keep their grid columns (a text line split at spaces does not)
_GRID_KINDS = frozenset({"tab", "lines", "html", "docx", "pdf", "markdown"})
_CJK = re.compile(r"[\u3400-\u9fff]")
_NOT_COLUMNS = ("法人或其他组织", "申请人情况", "勾稽", "申请人", "项目", "序号")


_ORG_LEAVES = frozenset({"commercial", "research", "social", "legal", "other_org"})
_ORG_IDS = _ORG_LEAVES | {"org_subtotal"}


def _column_word(headers: list[Row], i: int, cell: Cell, text: str) -> L.LabelMatch | None:
    """The form column a header cell names. 合计 among the organisation columns' words,
    with a 总计 elsewhere in the header (or another 合计: in its own row, or in a row that
    names no organisation columns), is 法人或其他组织's own subtotal (the copy added a column
    after or before the five), not the table's 总计. A 合计 among the organisation words of
    another row is no such sign: a header repeated after a page break names the table's 合计
    again."""
    m = L.match_request_column(text)
    if m is None or m.id != "total" or key(text) != "合计":
        return m
    if _org_words(headers[i]) < 2:
        return m
    others = [
        c
        for h in headers
        for c in h.cells
        if c is not cell
        and not c.covered
        and not _same_column(h, c, headers[i], cell)
        and (t := L.match_request_column(c.text)) is not None
        and t.id == "total"
        and (key(c.text) != "合计" or h is headers[i] or _org_words(h) < 2)
    ]
    return L.LabelMatch("org_subtotal", "variant", "合计") if others else m


def _same_column(h: Row, c: Cell, own: Row, cell: Cell) -> bool:
    """Whether ``c`` stands in ``cell``'s column of the same grid: a merged header cell's
    words repeated in each row it spans (a copy that filled the merged 合计 down its rows),
    one column, not two."""
    return (
        h is not own
        and h.table is not None
        and h.table is own.table
        and h.table.kind in _GRID_KINDS
        and c.col == cell.col
    )


def _org_words(row: Row) -> int:
    """How many organisation columns a header row names."""
    return len(
        {
            o.id
            for c in row.cells
            if (o := L.match_request_column(c.text)) is not None and o.id in _ORG_LEAVES
        }
    )


def _header_order(headers: list[Row]) -> _Plan | None:
    """``_cell_order``, checked against the lines' order of words where the header's words
    are wrapped in their cells, their pieces in lines of their own (``_piece_order``): the
    cells' plan where the lines allow the form's order or give the cells' own, else the
    lines' (joined by columns, the pieces of a copy whose cells have no columns of their
    own join the wrong words, or none, and the form's order was taken silently)."""
    plan = _cell_order(headers)
    raw = [c.text for h in headers for c in h.cells]
    if not any(
        L.column_piece(c.text, raw) and _column_word(headers, i, c, c.text) is not None
        for i, h in enumerate(headers)
        for c in h.cells
    ):
        return plan
    by_lines = _piece_order(headers, {})
    if by_lines is None or (
        plan is not None and not by_lines.unordered and plan.columns == by_lines.columns
    ):
        return plan
    return by_lines


def _cell_order(headers: list[Row]) -> _Plan | None:
    """The value columns the header rows name, in their order (``labels.column_order``:
    the group cell 法人或其他组织 stands for the organisation columns, whatever the copy did
    to the merged cells' slots), with their physical columns when the header is a grid's
    and its cells give the same order. Header cells the form does not know, right of the
    first value column, are columns of the copy's own."""
    lines: list[list[str]] = []
    marked: list[list[str]] = []
    cols: dict[str, int] = {}
    unknown: list[int] = []
    grid = True  # every header row is a row of a grid (a text line's cells have no columns)
    joined = _split_header_cells(headers)
    texts = [joined.get((i, c.col), c.text) for i, h in enumerate(headers) for c in h.cells]
    for i, h in enumerate(headers):
        gridded = False
        toks: list[str] = []
        lines.append(toks)
        marks: list[str] = []  # the line's tokens and "?" for a word the form lacks
        marked.append(marks)
        for c in h.cells:
            text = joined.get((i, c.col), c.text)
            k = key(text)
            if k == "法人或其他组织":
                toks.append("ORG")
                marks.append("ORG")
                continue
            if "申请人情况" in k:
                toks.append("APPL")
                marks.append("APPL")
                continue
            m = _column_word(headers, i, c, text)
            if m is not None and L.column_piece(text, texts):
                # a piece of a wrapped column word whose rest stands elsewhere (科研 … 机构):
                # the header's rows were not read as its cells, no order from it (the
                # lines' words may say one: ``_header_order``)
                return None
            if m is not None:
                if m.id in cols:
                    return None  # a label twice: no plan from this header
                if (
                    k.startswith("法人或其他组织")
                    and len(k) > len("法人或其他组织")
                    and m.id not in _ORG_IDS
                ):
                    # the group word run into the next word's cell (法人或其他组织 | 总计 read
                    # as one cell): it stands before that word, not for nothing (a header of
                    # one row prefixing each organisation column with it, 法人或其他组织商业企业,
                    # names that column)
                    toks.append("ORG")
                toks.append(m.id)
                marks.append(m.id)
                cols[m.id] = c.col
                # (a row naming only 申请人情况 or 法人或其他组织 gives no column its place: it
                # may be a paragraph above the grid)
                gridded = True
            elif (
                _CJK.search(k)
                and not L.is_value_text(text)
                and not c.covered
                and not any(w in k for w in _NOT_COLUMNS)
            ):
                unknown.append(c.col)
                marks.append("?")
        if gridded:
            grid = grid and h.table is not None and h.table.kind in _GRID_KINDS
    seq = L.column_order(lines)
    if seq is None:
        return None
    appl = next((t for t in lines if "APPL" in t), [])
    # the three header rows ran into one line: 法人或其他组织 among the words after
    # 申请人情况 (a header of one row names the organisation columns themselves)
    run_together = "ORG" in appl and len([t for t in appl if t != "APPL"]) > 1
    if appl == ["APPL"]:
        # 申请人情况 alone, then 总计 alone (a copy of one cell a line): 总计 may end the
        # first header row (the form's order) or start the second; only the sums decide
        after = [t for t in lines[lines.index(appl) + 1 :] if t]
        run_together = run_together or (bool(after) and after[0] == ["total"])
    trailing = any(_ends_in_word(m, seq[-1]) for m in marked)
    if not grid or len({cols[c] for c in seq}) != len(seq):
        return _Plan(seq, run_together=run_together, trailing=trailing)
    # a grid's header: its cells' columns say the order (a copy may have moved a merged
    # label into another header row)
    words = list(seq)
    leaf_rows = {n for n, t in enumerate(lines) if any(x in _ORG_LEAVES for x in t)}
    if len(leaf_rows) > 1:
        # the organisations' words stand in rows of their own, each of a few (an unruled
        # table's header, its cells centred at several heights, read line by line): the
        # rows' order of words is no order of the columns, the cells' columns are
        words = sorted(seq, key=lambda c: cols[c])
    seq = sorted(seq, key=lambda c: cols[c])
    lo, hi = cols[seq[0]], cols[seq[-1]]
    extra = frozenset(x for x in unknown if x > lo and x not in cols.values() and x <= hi + 2)
    return _Plan(
        seq,
        lo,
        {c: cols[c] for c in seq},
        extra,
        run_together=run_together,
        words=words if words != seq else None,
        trailing=trailing,
    )


def _piece_order(headers: list[Row], joined: dict[tuple[int, int], str]) -> _Plan | None:
    """The order of the organisation columns in a header whose words are wrapped in their
    cells and whose pieces stand in lines of their own (科研 法律服务 其他 商业 社会公益, then
    机构 机构 企业 组织: a copy in lines, no cell a column). Each line is read left to right,
    so the columns its words name stand in that order; a piece naming no column (机构, 组织)
    names the column of the first word above still wanting it. Where the form's order fits
    every line, nothing says otherwise (None: the form's order, as the pieces of a header
    centred at several heights print); where one order alone fits, that order; where the
    lines rule out the form's order and leave several, the order is not known (a plan that
    leaves the organisation columns unread, the line that ruled it out said)."""
    form = tuple(c for c in COLUMNS if c in _ORG_LEAVES)
    named: list[list[str]] = []
    pending: list[tuple[str, tuple[str, ...]]] = []  # (column, the rest its word wants)
    for i, h in enumerate(headers):
        ids: list[str] = []
        for c in h.cells:
            text = joined.get((i, c.col), c.text)
            k = key(text)
            m = _column_word(headers, i, c, text)
            col = m.id if m is not None and m.id in _ORG_LEAVES else None
            wanted = next((n for n, (_c, rest) in enumerate(pending) if k in rest), None)
            if wanted is not None and (col is None or col == pending[wanted][0]):
                col = pending.pop(wanted)[0]  # the rest of a word above (机构 of 科研)
            elif col is not None and L.column_rest(text):
                pending.append((col, L.column_rest(text)))
            if col is not None and col not in ids:
                ids.append(col)
        named.append(ids)

    def fits(order: tuple[str, ...]) -> bool:
        return all(list(ids) == sorted(ids, key=order.index) for ids in named)

    if fits(form):
        return None
    orders = [o for o in itertools.permutations(form) if fits(o)]
    if len(orders) == 1:
        return _Plan(["natural", *orders[0], "total"])
    words = next(
        " ".join(
            key(joined.get((i, c.col), c.text))
            for c in h.cells
            if key(joined.get((i, c.col), c.text))
        )
        for i, (h, ids) in enumerate(zip(headers, named, strict=True))
        if ids != sorted(ids, key=form.index)
    )
    return _Plan(list(COLUMNS), unordered=words)


def _ends_in_word(marks: list[str], last: str) -> bool:
    """A header line whose last column word (or 申请人情况, which spans the columns up to
    the last) is followed by a word the form lacks, and by no column word."""
    known = [i for i, t in enumerate(marks) if t != "?"]
    return bool(known) and marks[known[-1]] in (last, "APPL") and known[-1] < len(marks) - 1


def _lined_up(plan: _Plan, candidates: list[_ReqRow]) -> bool:
    """Most data rows hold their numbers under the header's cells (``plan.at``)."""
    if plan.at is None:
        return True
    known = set(plan.at.values()) | plan.extra
    numeric = [r for r in candidates if r.row.numeric]
    under = sum(
        all(c.col in known for c in r.row.values if c.text.strip())
        and any(c.text.strip() for c in r.row.values)
        for r in numeric
    )
    return bool(numeric) and under * 5 >= len(numeric) * 4


def _split_header_cells(headers: list[Row]) -> dict[tuple[int, int], str]:
    """Header cells of a grid whose words the grid split over rows (a vertical label
    法律服 / 务机构, cut by a rule of the taller cells beside it; a word wrapped in an
    unruled cell, 科研 / 机构 or 社会 / 公益 / 组织, its lines rows of their own among the
    lines of the cells beside it, centred higher or lower): {(header row, column): text},
    the upper cell holding all parts and the lower ones none, where the parts together name
    a column of the form and no part names another column (a part may name the same one:
    科研, 公益)."""
    out: dict[tuple[int, int], str] = {}
    match = L.match_request_column
    for i in range(len(headers) - 1):
        upper = headers[i]
        if upper.table is None:
            continue
        for c in upper.cells:
            k = key(c.text)
            if c.covered or not k or (i, c.col) in out:
                continue
            if "法人或其他组织" in k or "申请人情况" in k:
                continue
            both = c.text.strip()
            parts: list[int] = []
            for j in range(i + 1, min(i + 5, len(headers))):
                lower = headers[j]
                if lower.table is not upper.table:
                    break
                d = next((d for d in lower.cells if d.col == c.col and not d.covered), None)
                if d is None or not d.text.strip():
                    continue
                m, n, joint = match(both), match(d.text), match(both + d.text.strip())
                if joint is None or any(x is not None and x.id != joint.id for x in (m, n)):
                    break  # (the next word down the column is no part of this one)
                if m is not None and n is not None and joint.how != "canonical":
                    # (two words of one column: no wrapped word, unless together they are
                    # the form's word: 商业 / 企业)
                    break
                both += d.text.strip()
                parts.append(j)
            if parts:
                out[(i, c.col)] = both
                for j in parts:
                    out[(j, c.col)] = ""
    return out


def _extra_columns(
    ctx: Ctx, headers: list[Row], candidates: list[_ReqRow], extra: frozenset[int]
) -> None:
    """Say which columns of the copy's own hold numbers that no form column took."""
    used = {c.col for r in candidates for c in r.row.values if c.text.strip() and c.col in extra}
    if not used:
        return
    names = [c.text.strip() for h in headers for c in h.cells if c.col in used and not c.covered]
    ctx.finding(
        "R-CELL-COUNT",
        "info",
        [],
        f"表三有格式规定以外的列（表头「{'」「'.join(n for n in names if n)}」），"
        "其数值不属于格式规定的任何一列，未读入；各数值按表头所示的列读取。",
        expected=NCOL,
        actual=NCOL + len(used),
    )


def _under_header(
    vals: list[Cell | None], at: list[int], extra: frozenset[int]
) -> list[Cell | None] | None:
    """The cells of a row under the header's columns ``at`` (None where the row has no such
    cell), when every number of the row stands under a header (a form column or one of
    the copy's own); else None: the row's numbers do not line up with the header."""
    cells = [c for c in vals if c is not None]
    known = set(at) | extra
    if any(c.col not in known for c in cells if c.text.strip()):
        return None
    by_col = {c.col: c for c in cells}
    if not any(c in by_col for c in at):
        return None
    return [by_col.get(c) for c in at]


def _fits(
    order: list[str], first: int | None, candidates: list[_ReqRow], trailing: bool = False
) -> bool:
    """The data rows stand under the header's columns: their numbers inside the header's
    span of columns when the header's cells keep their grid columns, else as many value
    cells as the header names columns (a header label the dictionary does not know would
    otherwise shift every column after it; a column of the copy's own after the last,
    ``trailing``, is a row's blank last cell)."""
    numeric = [r for r in candidates if r.row.numeric]
    if not numeric:
        return False
    n = len(order)
    if first is not None:
        inside = sum(
            all(first <= c.col < first + n for c in r.row.values if c.text.strip()) for r in numeric
        )
        if inside * 5 >= len(numeric) * 4:
            return True
    exact = Counter(
        len(r.row.values) - (trailing and bool(r.row.values) and not r.row.values[-1].text.strip())
        for r in numeric
    )
    return any(k == n for k in exact) and max(exact) - n <= 2


def _complete(plan: _Plan, candidates: list[_ReqRow]) -> bool:
    """A header naming fewer than the form's columns names all the copy has: in a grid,
    no column between its first and last value column is unnamed; in text, more rows show
    as many values as it names than show the form's seven."""
    if len(set(plan.columns) - {"org_subtotal"}) >= len(COLUMNS):
        return True
    if plan.at is not None:
        named = set(plan.at.values()) | plan.extra
        return all(c in named for c in range(min(named), max(named) + 1))
    shown = Counter(len(r.row.values) for r in candidates if r.row.numeric)
    return shown[len(plan.columns)] > shown[len(COLUMNS)]


def _total_moved(order: list[str], candidates: list[_ReqRow]) -> bool:
    """With 总计 elsewhere than last in ``order``: the rows' own sums put it there more often
    than at the end (a header run into one line reads the same when the copy set 总计 at
    the end of the 申请人情况 row). Always true when ``order`` keeps 总计 last."""
    at = order.index("total")
    if at == len(order) - 1:
        return True
    parts = [i for i, c in enumerate(order) if c not in ("total", "org_subtotal")]
    new = old = 0
    for r in candidates:
        vals = [L.parse_value(c.text)[0] for c in r.row.values]
        if len(vals) != len(order) or vals[at] is None:
            continue
        new += sum(vals[i] or 0 for i in parts) == vals[at]
        rest = [v for i, v in enumerate(vals[:-1]) if order[i] != "org_subtotal"]
        old += vals[-1] is not None and sum(v or 0 for v in rest) == vals[-1]
    return new > old


def _official_plan(headers: list[Row], counts: Counter[int]) -> list[str]:
    seen: set[str] = set()
    org_total = False
    heji = False  # a 合计 was taken for 法人或其他组织's subtotal
    for i, h in enumerate(headers):
        for c in h.cells:
            m = _column_word(headers, i, c, c.text)
            if m is not None:
                seen.add(m.id)
                if m.id == "org_subtotal":
                    heji = heji or (m.how, m.note) == ("variant", "合计")
            if key(c.text) == "法人或其他组织":
                org_total = True
    typical = counts.most_common(1)[0][0] if counts else NCOL
    if "org_subtotal" in seen and heji and typical == NCOL and "total" in seen:
        # a 合计 read as the organisations' subtotal beside another 合计 or 总计, but the
        # rows hold the form's seven cells: one total column whose word the header repeats
        # (a merged 合计 filled down its rows, in lines whose cells have no columns)
        return list(COLUMNS)
    if "org_subtotal" in seen:
        return list(COLUMNS[:6]) + ["org_subtotal", "total"]
    if (
        org_total
        and "natural" in seen
        and not seen & {"commercial", "research", "social", "legal"}
        and typical == 3
    ):
        return ["natural", "org_subtotal", "total"]
    return list(COLUMNS)


def is_request_header(row: Row) -> bool:
    """A column-header row of the matrix (申请人情况 / 自然人 / 商业企业 …), not a data row."""
    for c in row.labels:  # (a loop, not any() over a generator: called for every row)
        if _header_label(c.text):
            return True
    return False


@lru_cache(maxsize=4096)
def _header_label(text: str) -> bool:
    """A label cell that only the matrix's header holds (labels repeat across reports: each
    is looked at once)."""
    k = key(text)
    if "申请人情况" in k or "勾稽" in k or "法人或其他组织" in k:
        return True
    m = L.match_request_column(text)
    return m is not None and m.id not in ("total", "other_org")


def _say_position(ctx: Ctx, rid: str, written: str) -> None:
    """A row whose label cell no label of the form matches (garbled: 「2.※※申请」), read
    as the row the form puts between its neighbours: an inference, said."""
    from .formsay import form_title

    ids = [f"requests.{rid}.{c}" for c in COLUMNS]
    written = re.sub(r"[\s|｜¦]+", "", written)
    ctx.finding(
        "R-LABEL-TYPO",
        "warning",
        ids,
        f"表三「{form_title(ids[-1])}」行的标签在文本中为「{written[:40]}」，未能按格式规定的"
        "标签识别（可能是文字识别错误、错别字、字符丢失，或复制、排版时标签被拆开）。"
        "该行位于格式规定的位置（前后两行之间，且两行之间只有这一行），因此按格式的行序读作"
        "该行。这是推断出的读法，请对照原件核对。",
        actual=written,
        expected=form_title(ids[-1]),
    )


_ORDINAL = re.compile(r"^\s*(\d)[.．]")


def _ordinal_first(row: Row, rid: str) -> bool:
    """Is the first number of an unlabelled row the ordinal of row ``rid`` (3 of 3.其他)?
    Not when the row's numbers, that one among them, are a whole row that adds up (1 0 0 0
    0 0 1 under 1.属于国家秘密 printed apart from its numbers)."""
    m = _ORDINAL.match(REQUEST_ROW_LABELS.get(rid, ""))
    texts = [c.text.strip() for c in row.values if c is not None and c.text.strip()]
    if m is None or not texts or texts[0].rstrip(".．、") != m.group(1):
        return False
    nums = [v for t in texts if isinstance(v := L.parse_value(t)[0], int)]
    whole = len(nums) == len(texts) == len(COLUMNS)
    return not (whole and sum(nums[:-1]) == nums[-1])


# a label's own start: its ordinal (三、 （三） 1.), which the rest of a label cut at its line
# break never has
_LABEL_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．])"
)


def _apart_from_numbers(seq: list[_ReqRow]) -> tuple[dict[int, str], set[int]]:
    """Labelled rows whose value cells are all blank next to (before or after) a row of
    numbers no label places: id of the row -> the numbers' text; and the ids of those
    whose row of numbers comes after them with a label that starts a label of its own (an
    ordinal first: no rest of the blank row's label cut at its line break)."""
    out: dict[int, str] = {}
    own: set[int] = set()
    for i, r in enumerate(seq):
        if r.rid is None or any(c is not None and c.text.strip() for c in r.values):
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(seq):
                o = seq[j]
                if o.rid is None and any(c is not None and L.has_number(c.text) for c in o.values):
                    out[id(r)] = " ".join(c.text for c in o.values if c is not None and c.text)
                    if j > i and _LABEL_START.match(o.row.label_text or ""):
                        own.add(id(r))
                    break
    return out, own


def _align(seq: list[_ReqRow], expected: list[str]) -> dict[str, _ReqRow]:
    """Assign rows to row ids: labelled rows where their label says; unlabelled rows fill the
    gaps between labelled ones in table order, only when the count of unlabelled rows equals
    the count of ids missing in that gap (otherwise they stay unassigned)."""
    pos = {rid: i for i, rid in enumerate(expected)}
    out: dict[str, _ReqRow] = {}
    anchors: list[tuple[int, int]] = []  # (index in seq, index in expected)
    last = -1
    for i, r in enumerate(seq):
        if r.rid is None or r.rid not in pos or r.rid in out:
            continue
        p = pos[r.rid]
        if p <= last:  # out of order: keep it, but it cannot anchor the gaps
            out.setdefault(r.rid, r)
            continue
        out[r.rid] = r
        anchors.append((i, p))
        last = p
    bounds = [(-1, -1)] + anchors + [(len(seq), len(expected))]
    for (si, ei), (sj, ej) in zip(bounds, bounds[1:]):
        gap_rows = [r for r in seq[si + 1 : sj] if r.rid is None or r.rid not in pos]
        gap_ids = [rid for rid in expected[ei + 1 : ej] if rid not in out]
        if gap_rows and len(gap_rows) == len(gap_ids):
            for rid, r in zip(gap_ids, gap_rows):
                r.rid = rid
                r.how = "position"
                out[rid] = r
    return out


def _request_header(ctx: Ctx, headers: list[Row]) -> None:
    found: dict[str, L.LabelMatch] = {}
    joined = _split_header_cells(headers)
    texts = [joined.get((i, c.col), c.text) for i, h in enumerate(headers) for c in h.cells]
    for i, h in enumerate(headers):
        for c in h.cells:
            text = joined.get((i, c.col), c.text)
            m = _column_word(headers, i, c, text)
            if m and m.id == "org_subtotal":
                continue  # the copy's own column, not a variant of a form label
            if m and L.column_piece(text, texts):
                m = L.LabelMatch(m.id)  # the form's word wrapped in its cell (科研 / 机构)
            if m and m.id not in found:
                found[m.id] = m
    for m in found.values():
        if m.how == "variant":
            ctx.signals.add(f"variant:{m.note}:column.{m.id}")
    missing = [c for c in COLUMNS if c not in found]
    ctx.report.layout["requests_header_missing"] = missing
