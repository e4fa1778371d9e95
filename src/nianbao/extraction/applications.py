"""表三 收到和处理政府信息公开申请情况 (section 三): each row's label matched from its most
specific cell, its value cells windowed to the table's 7 columns (8 with a 小计 column, 3
for a 自然人/法人或其他组织/总计 matrix); ties decided by the header's column, then the
sibling rows, then the arithmetic, and reported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..readers import labels as L
from ..readers.document import Cell
from ..readers.normalize import key
from ..schema import (
    COLUMNS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
)
from .context import NCOL, Ctx, Row


# ============================================================================ section 三
@dataclass
class _ReqRow:
    rid: str | None
    how: str
    note: str
    row: Row
    values: list[Cell]
    first_col: int | None  # physical column of the first value
    uncertain: bool = False


def _column_anchor(headers: list[Row]) -> int | None:
    """Physical column of 自然人 in the header rows of a grid (for placing ambiguous rows)."""
    for h in headers:
        for c in h.cells:
            if key(c.text) == "自然人":
                return c.col
    return None


def _choose_window(
    vals: list[Cell], anchor: int | None, majority: int | None, width: int = NCOL
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
    for pref in (anchor, majority):
        hits = [o for o in options if pref is not None and vals[o].col == pref]
        if len(hits) == 1:
            s = hits[0]
            return list(vals[s : s + NCOL]), vals[s].col, False

    def balanced(s: int) -> bool:
        w = [L.parse_value(c.text)[0] for c in vals[s : s + NCOL]]
        if w[-1] is None:
            return False
        return sum(x or 0 for x in w[:-1]) == w[-1]

    good = [s for s in options if balanced(s)]
    pool = good or options
    s = pool[0]
    return list(vals[s : s + NCOL]), vals[s].col, True


def read_requests(ctx: Ctx, rows: list[Row], headers: list[Row]) -> str | None:
    """Section 三. Returns "2021" (three （六） sub-rows) or "2019" (single row), or None."""
    anchor = _column_anchor(headers)
    candidates: list[_ReqRow] = []
    group: str | None = None
    for row in rows:
        if is_request_header(row) or not row.values:
            continue
        match = None
        for c in reversed(row.labels):
            m = L.match_request_row(c.text)
            if m is not None:
                match = m
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
            )
        )
        if match and match.id in ("new", "carried_over"):
            group = None

    if not candidates:
        return None
    columns = _column_plan(headers, candidates)
    width = len(columns)
    if columns != list(COLUMNS):
        ctx.report.layout["requests_columns"] = columns
    # physical column most rows start at (sibling support)
    starts = Counter(r.values[0].col for r in candidates if len(r.values) == width)
    majority = starts.most_common(1)[0][0] if starts else None
    for r in candidates:
        cells, first, unsure = _choose_window(r.values, anchor, majority, width)
        r.values = list(cells)
        r.first_col = first
        r.uncertain = unsure

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

    label_cells: dict[str, Row] = {}
    for rid in expected:
        found = assigned.get(rid)
        if found is None:
            continue
        r = found
        label_cells[rid] = r.row
        label = r.row.label_text or None
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
        for col, cell in zip(columns, r.values):
            ctx.put(f"requests.{rid}.{col}", cell, "s3", label)
        if r.uncertain:
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
    # header: column labels
    _request_header(ctx, headers)
    ctx.report.layout["requests_rows_found"] = [rid for rid in expected if rid in assigned]
    return layout


def _column_plan(headers: list[Row], candidates: list[_ReqRow]) -> list[str]:
    """The value columns of the matrix, left to right. The official table has the seven of
    COLUMNS; a report may add a 法人或其他组织 小计 column (→ org_subtotal) or print only
    自然人 / 法人或其他组织 / 总计 (the five organisation columns then stay absent)."""
    seen: set[str] = set()
    org_total = False
    for h in headers:
        for c in h.cells:
            m = L.match_request_column(c.text)
            if m is not None:
                seen.add(m.id)
            if key(c.text) == "法人或其他组织":
                org_total = True
    counts = Counter(
        len([c for c in r.values if c.text.strip()] if len(r.values) > 3 else r.values)
        for r in candidates
        if r.row.numeric
    )
    typical = counts.most_common(1)[0][0] if counts else NCOL
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
    for c in row.labels:
        k = key(c.text)
        if "申请人情况" in k or "勾稽" in k or "法人或其他组织" in k:
            return True
        m = L.match_request_column(c.text)
        if m is not None and m.id not in ("total", "other_org"):
            return True
    return False


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
    for h in headers:
        for c in h.cells:
            m = L.match_request_column(c.text)
            if m and m.id not in found:
                found[m.id] = m
    for m in found.values():
        if m.how == "variant":
            ctx.signals.add(f"variant:{m.note}:column.{m.id}")
    missing = [c for c in COLUMNS if c not in found]
    ctx.report.layout["requests_header_missing"] = missing
