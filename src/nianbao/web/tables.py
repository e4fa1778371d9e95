"""The three statistics tables as the national format prints them, as plain row/cell data
for the templates: labels with their row and column spans, header cells, and value cells
keyed by schema id. Pure data; no database, no web framework."""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import (
    ACTIVE2019_IDS,
    ACTIVE2019_LABELS,
    COLUMN_LABELS,
    COLUMNS,
    ORG_COLUMNS,
    REQUEST_GROUPS,
    REQUEST_ROW_LABELS,
    RESULT_ROWS_2019,
    RESULT_ROWS_2021,
    REVIEW_FIELD_LABELS,
    REVIEW_FIELDS,
    REVIEW_GROUPS,
)

__all__ = ["Cell", "BALANCE_NOTE", "active_table", "request_table", "review_table"]

BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True, slots=True)
class Cell:
    """kind: head (column header), label (row label), note, value (``fid`` set)."""

    kind: str
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    fid: str | None = None


def _h(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell("head", text, rowspan, colspan)


def _l(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell("label", text, rowspan, colspan)


def _v(fid: str, colspan: int = 1) -> Cell:
    return Cell("value", "", 1, colspan, fid)


def active_table(layout: str) -> list[list[Cell]]:
    """Section 二: four small tables (2021 format), or the 2019 format's list."""
    if layout == "2019":
        rows = [[_h("信息内容"), _h("项目"), _h("数值")]]
        for fid in ACTIVE2019_IDS:
            row, col = ACTIVE2019_LABELS[fid].split("·")
            rows.append([_l(row), _l(col), _v(fid)])
        return rows
    counts = ("issued", "repealed", "in_force")
    rows = [
        [_h("第二十条第（一）项", colspan=4)],
        [_h("信息内容"), _h("本年制发件数"), _h("本年废止件数"), _h("现行有效件数")],
        [_l("规章"), *[_v(f"active.regulations.{c}") for c in counts]],
        [_l("行政规范性文件"), *[_v(f"active.normative.{c}") for c in counts]],
        [_h("第二十条第（五）项", colspan=4)],
        [_h("信息内容"), _h("本年处理决定数量", colspan=3)],
        [_l("行政许可"), _v("active.licensing", 3)],
        [_h("第二十条第（六）项", colspan=4)],
        [_h("信息内容"), _h("本年处理决定数量", colspan=3)],
        [_l("行政处罚"), _v("active.penalty", 3)],
        [_l("行政强制"), _v("active.coercion", 3)],
        [_h("第二十条第（八）项", colspan=4)],
        [_h("信息内容"), _h("本年收费金额（单位：万元）", colspan=3)],
        [_l("行政事业性收费"), _v("active.fees", 3)],
    ]
    return rows


def _values(row: str) -> list[Cell]:
    return [_v(f"requests.{row}.{c}") for c in COLUMNS]


def request_table(layout: str) -> list[list[Cell]]:
    """Section 三 with its three header rows (the 勾稽 note in the corner cell), the
    三、本年度办理结果 block with its group labels, and the closing rows."""
    results = RESULT_ROWS_2021 if layout == "2021" else RESULT_ROWS_2019
    rows: list[list[Cell]] = [
        [Cell("note", BALANCE_NOTE, 3, 3), _h("申请人情况", colspan=7)],
        [
            _h("自然人", rowspan=2),
            _h("法人或其他组织", colspan=len(ORG_COLUMNS)),
            _h("总计", rowspan=2),
        ],
        [_h(COLUMN_LABELS[c]) for c in ORG_COLUMNS],
        [_l(REQUEST_ROW_LABELS["new"], colspan=3), *_values("new")],
        [_l(REQUEST_ROW_LABELS["carried_over"], colspan=3), *_values("carried_over")],
    ]
    block = len(results) + 1  # + （七）总计
    first = True
    seen_groups: set[str] = set()
    for r in results:
        lead: list[Cell] = []
        if first:
            lead.append(_l("三、本年度办理结果", rowspan=block))
            first = False
        group = r.split(".")[0] if "." in r else None
        if group is not None:
            if group not in seen_groups:
                seen_groups.add(group)
                size = sum(1 for x in results if x.startswith(group + "."))
                lead.append(_l(REQUEST_GROUPS[group], rowspan=size))
            lead.append(_l(REQUEST_ROW_LABELS[r]))
        else:
            lead.append(_l(REQUEST_ROW_LABELS[r], colspan=2))
        rows.append([*lead, *_values(r)])
    rows.append([_l(REQUEST_ROW_LABELS["processed_total"], colspan=2), *_values("processed_total")])
    rows.append([_l(REQUEST_ROW_LABELS["carried_forward"], colspan=3), *_values("carried_forward")])
    return rows


def review_table() -> list[list[Cell]]:
    """Section 四: 行政复议 (5 columns) and 行政诉讼 (two groups of 5), one value row."""
    labels = [REVIEW_FIELD_LABELS[f] for f in REVIEW_FIELDS]
    return [
        [_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)],
        [
            *[_h(t, rowspan=2) for t in labels],
            _h("未经复议直接起诉", colspan=5),
            _h("复议后起诉", colspan=5),
        ],
        [*[_h(t) for t in labels], *[_h(t) for t in labels]],
        [_v(f"reviews.{g}.{f}") for g in REVIEW_GROUPS for f in REVIEW_FIELDS],
    ]
