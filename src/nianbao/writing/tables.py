"""The three tables of the national format as grids of anchor cells with their row and
column spans, exactly as the official template lays them out (``format.md`` §3): the grid
model, the figures as printed, the layout of a report and the builders of tables 二, 三 and 四.

A figure absent from the report is written as 0; a figure present but blank (None) stays
blank, so that a parsed report round-trips.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..report import Report
from ..schema import (
    ACTIVE2019_IDS,
    COLUMN_LABELS,
    COLUMNS,
    REQUEST_GROUPS,
    REQUEST_ROW_LABELS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
    REVIEW_FIELD_LABELS,
    REVIEW_FIELDS,
    REVIEW_GROUPS,
)

__all__ = ["NOTE_2021", "GridCell", "GridTable", "build_tables", "iter_value_cells", "layout_of"]

NOTE_2021 = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


# ---------------------------------------------------------------------- grid model
@dataclass(slots=True)
class GridCell:
    """An anchor cell of a table: its text, top-left slot and spans."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    kind: str = "label"  # label | value | note
    field_id: str | None = None


@dataclass
class GridTable:
    """A table as the official template draws it: anchor cells on an ``n_rows`` ×
    ``n_cols`` grid; every slot is covered by exactly one anchor."""

    key: str  # s2 | s3 | s4
    n_rows: int
    n_cols: int
    cells: list[GridCell] = field(default_factory=list)

    def add(
        self,
        text: str,
        row: int,
        col: int,
        rowspan: int = 1,
        colspan: int = 1,
        kind: str = "label",
        field_id: str | None = None,
    ) -> None:
        self.cells.append(GridCell(text, row, col, rowspan, colspan, kind, field_id))

    def anchors(self, row: int) -> list[GridCell]:
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)

    def owner_grid(self) -> list[list[GridCell]]:
        """Every slot mapped to the anchor covering it."""
        grid: list[list[GridCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    if grid[r][k] is not None:
                        raise ValueError(f"overlapping cells at {r},{k}")
                    grid[r][k] = c
        for r, row in enumerate(grid):
            for k, slot in enumerate(row):
                if slot is None:
                    raise ValueError(f"uncovered slot {r},{k} in table {self.key}")
        return grid  # type: ignore[return-value]

    def expanded(self) -> list[list[str]]:
        """The full grid: anchor text in the anchor's slot, '' in covered slots."""
        grid = self.owner_grid()
        return [
            [c.text if (c.row, c.col) == (r, k) else "" for k, c in enumerate(row)]
            for r, row in enumerate(grid)
        ]

    def tab_rows(self) -> list[list[str]]:
        """Rows as a Word table copied as text usually comes out: a slot covered by a
        vertical merge is an empty cell; a horizontal span becomes the text followed by
        empty cells, except the label columns of section 三, whose spans collapse into
        one cell (so row 一 reads ``label, 7 numbers``)."""
        grid = self.owner_grid()
        out: list[list[str]] = []
        for r, row in enumerate(grid):
            cells: list[str] = []
            k = 0
            while k < self.n_cols:
                owner = row[k]
                text = owner.text if owner.row == r else ""
                collapse = self.key == "s3" and owner.col < 3
                cells += [text] if collapse else [text] + [""] * (owner.colspan - 1)
                k += owner.colspan
            out.append(cells)
        return out

    def word_rows(self) -> list[list[GridCell | None]]:
        """Rows as a word processor stores them: one entry per ``w:tc``. A horizontal span
        is one entry; a slot continued from a vertical merge is ``None`` (an empty cell)."""
        grid = self.owner_grid()
        out: list[list[GridCell | None]] = []
        for r, row in enumerate(grid):
            cells: list[GridCell | None] = []
            k = 0
            while k < self.n_cols:
                owner = row[k]
                cells.append(owner if owner.row == r else None)
                k += owner.colspan
            out.append(cells)
        return out


# ---------------------------------------------------------------------- values
def _fmt_number(value: int | float) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text
    return str(value)


def _cell_text(report: Report, field_id: str) -> str:
    """A figure as printed: absent -> '0', blank (None) -> '', else the number."""
    if field_id not in report.values:
        return "0"
    value = report.values[field_id].value
    return "" if value is None else _fmt_number(value)


def layout_of(report: Report) -> str:
    """The layout to print: ``meta.format`` when it is a table layout, else inferred from
    the ids the report carries ("2021" when nothing says otherwise)."""
    fmt = report.meta.get("format")
    if fmt in ("2021", "2019", "mixed"):
        return str(fmt)
    ids = set(report.values)
    has_2019_active = any(i.startswith("active2019.") for i in ids)
    has_2021_active = any(i.startswith("active.") for i in ids)
    split_other = any(
        i.startswith(
            ("requests.other.no_correction.", "requests.other.no_fee.", "requests.other.misc.")
        )
        for i in ids
    )
    single_other = any(i in ids for i in (f"requests.other.{c}" for c in COLUMN_LABELS))
    if has_2019_active and not has_2021_active:
        return "2019"
    if single_other and not split_other:
        return "mixed"
    return "2021"


# ---------------------------------------------------------------------- table builders
_SUB_TABLES_2021: tuple[
    tuple[str, tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]], ...
] = (
    (
        "第二十条第（一）项",
        ("本年制发件数", "本年废止件数", "现行有效件数"),
        (
            (
                "规章",
                (
                    "active.regulations.issued",
                    "active.regulations.repealed",
                    "active.regulations.in_force",
                ),
            ),
            (
                "行政规范性文件",
                (
                    "active.normative.issued",
                    "active.normative.repealed",
                    "active.normative.in_force",
                ),
            ),
        ),
    ),
    ("第二十条第（五）项", ("本年处理决定数量",), (("行政许可", ("active.licensing",)),)),
    (
        "第二十条第（六）项",
        ("本年处理决定数量",),
        (
            ("行政处罚", ("active.penalty",)),
            ("行政强制", ("active.coercion",)),
        ),
    ),
    (
        "第二十条第（八）项",
        ("本年收费金额（单位：万元）",),
        (("行政事业性收费", ("active.fees",)),),
    ),
)

_SUB_TABLES_2019: tuple[
    tuple[str, tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]], ...
] = (
    (
        "第二十条第（一）项",
        ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
        (
            ("规章", tuple(i for i in ACTIVE2019_IDS if i.startswith("active2019.regulations."))),
            (
                "规范性文件",
                tuple(i for i in ACTIVE2019_IDS if i.startswith("active2019.normative.")),
            ),
        ),
    ),
    (
        "第二十条第（五）项",
        ("上一年项目数量", "本年增/减", "处理决定数量"),
        (
            ("行政许可", tuple(i for i in ACTIVE2019_IDS if i.startswith("active2019.licensing."))),
            (
                "其他对外管理服务事项",
                tuple(i for i in ACTIVE2019_IDS if i.startswith("active2019.other_services.")),
            ),
        ),
    ),
    (
        "第二十条第（六）项",
        ("上一年项目数量", "本年增/减", "处理决定数量"),
        (
            ("行政处罚", tuple(i for i in ACTIVE2019_IDS if i.startswith("active2019.penalty."))),
            ("行政强制", tuple(i for i in ACTIVE2019_IDS if i.startswith("active2019.coercion."))),
        ),
    ),
    (
        "第二十条第（八）项",
        ("上一年项目数量", "本年增/减"),
        (("行政事业性收费", ("active2019.fees.items_prev", "active2019.fees.items_delta")),),
    ),
    (
        "第二十条第（九）项",
        ("采购项目数量", "采购总金额"),
        (("政府集中采购", ("active2019.procurement.items", "active2019.procurement.amount")),),
    ),
)


def _spans(n_items: int, width: int = 3) -> list[int]:
    """Column spans of ``n_items`` cells filling ``width`` columns (the last one stretches)."""
    return [1] * (n_items - 1) + [width - (n_items - 1)]


def _active_table(report: Report, layout: str) -> GridTable:
    subs = _SUB_TABLES_2019 if layout == "2019" else _SUB_TABLES_2021
    n_rows = sum(2 + len(rows) for _, _, rows in subs)
    table = GridTable("s2", n_rows, 4)
    r = 0
    for header, columns, rows in subs:
        table.add(header, r, 0, colspan=4)
        r += 1
        table.add("信息内容", r, 0)
        k = 1
        unit = report.procurement_unit() if layout == "2019" else None
        for label, span in zip(columns, _spans(len(columns))):
            if unit and label == "采购总金额":
                label = f"采购总金额（{unit}）"  # the unit as the report wrote it
            table.add(label, r, k, colspan=span)
            k += span
        r += 1
        for label, ids in rows:
            table.add(label, r, 0)
            k = 1
            for fid, span in zip(ids, _spans(len(ids))):
                table.add(_cell_text(report, fid), r, k, colspan=span, kind="value", field_id=fid)
                k += span
            r += 1
    return table


def _request_rows(layout: str) -> tuple[str, ...]:
    return REQUEST_ROWS_2021 if layout == "2021" else REQUEST_ROWS_2019


def _requests_table(report: Report, layout: str) -> GridTable:
    rows = _request_rows(layout)
    n_rows = 3 + len(rows)
    table = GridTable("s3", n_rows, 10)
    # three header rows
    table.add(NOTE_2021, 0, 0, rowspan=3, colspan=3, kind="note")
    table.add("申请人情况", 0, 3, colspan=7)
    table.add("自然人", 1, 3, rowspan=2)
    table.add("法人或其他组织", 1, 4, colspan=5)
    table.add("总计", 1, 9, rowspan=2)
    for k, col in enumerate(("commercial", "research", "social", "legal", "other_org")):
        table.add(COLUMN_LABELS[col], 2, 4 + k)
    # data rows
    first_result = 3 + rows.index("granted")
    last_result = 3 + rows.index("processed_total")
    table.add("三、本年度办理结果", first_result, 0, rowspan=last_result - first_result + 1)
    group_start: dict[str, int] = {}
    group_len: dict[str, int] = {}
    for i, row in enumerate(rows):
        if "." in row:
            g = row.split(".")[0]
            group_start.setdefault(g, 3 + i)
            group_len[g] = group_len.get(g, 0) + 1
    for g, start in group_start.items():
        table.add(REQUEST_GROUPS[g], start, 1, rowspan=group_len[g])
    for i, row in enumerate(rows):
        r = 3 + i
        label = REQUEST_ROW_LABELS[row]
        if row in ("new", "carried_over", "carried_forward"):
            table.add(label, r, 0, colspan=3)
        elif "." in row:
            table.add(label, r, 2)
        else:  # granted, partial, other (2019 single row), processed_total
            table.add(label, r, 1, colspan=2)
        for k, col in enumerate(COLUMNS):  # the optional org_subtotal is not printed
            fid = f"requests.{row}.{col}"
            table.add(_cell_text(report, fid), r, 3 + k, kind="value", field_id=fid)
    return table


def _reviews_table(report: Report) -> GridTable:
    table = GridTable("s4", 4, 15)
    table.add("行政复议", 0, 0, colspan=5)
    table.add("行政诉讼", 0, 5, colspan=10)
    for k, f in enumerate(REVIEW_FIELDS):
        table.add(REVIEW_FIELD_LABELS[f], 1, k, rowspan=2)
    table.add("未经复议直接起诉", 1, 5, colspan=5)
    table.add("复议后起诉", 1, 10, colspan=5)
    for k in range(10):
        table.add(REVIEW_FIELD_LABELS[REVIEW_FIELDS[k % 5]], 2, 5 + k)
    for gi, g in enumerate(REVIEW_GROUPS):
        for fi, f in enumerate(REVIEW_FIELDS):
            fid = f"reviews.{g}.{f}"
            table.add(_cell_text(report, fid), 3, gi * 5 + fi, kind="value", field_id=fid)
    return table


def build_tables(report: Report) -> dict[str, GridTable]:
    """The three tables of the report's layout, keyed by section (s2, s3, s4)."""
    layout = layout_of(report)
    return {
        "s2": _active_table(report, layout),
        "s3": _requests_table(report, layout),
        "s4": _reviews_table(report),
    }


def iter_value_cells(table: GridTable) -> Iterable[GridCell]:
    """The value cells of a table, in print order."""
    return (c for c in sorted(table.cells, key=lambda c: (c.row, c.col)) if c.kind == "value")
