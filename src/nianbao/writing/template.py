"""The figures template an agency fills in: YAML with Chinese comments, or an XLSX laid out
like the official tables (one cell per figure, whole-number validation, decimals for fees).

Both forms load back with :func:`nianbao.writing.figures.load_figures`. A template can be filled
from an existing Report (e.g. last year's parsed report) or start with zeros.
"""

from __future__ import annotations

import io
from typing import Any

from ..report import Report
from ..schema import (
    ACTIVE2019_LABELS,
    ACTIVE_LABELS,
    COLUMN_LABELS,
    COLUMNS,
    DECIMAL_IDS,
    REQUEST_GROUPS,
    REQUEST_ROW_LABELS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
    REVIEW_FIELD_LABELS,
    REVIEW_FIELDS,
    REVIEW_GROUP_LABELS,
    REVIEW_GROUPS,
    SIGNED_IDS,
)
from .tables import GridTable, build_tables, layout_of

__all__ = ["yaml_template", "xlsx_template", "blank_report", "SHEET_NAMES"]

SHEET_NAMES: dict[str, str] = {
    "meta": "封面",
    "s2": "二、主动公开",
    "s3": "三、依申请公开",
    "s4": "四、复议诉讼",
}


def blank_report(
    layout: str = "2021", agency: str | None = None, year: int | None = None
) -> Report:
    """An empty report of a layout (every figure absent, hence written as 0)."""
    rep = Report()
    rep.meta.update({"format": layout, "agency": agency, "year": year})
    return rep


# ---------------------------------------------------------------------- YAML
def _y(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def _v(report: Report, fid: str) -> str:
    if fid not in report.values:
        return "0"
    return _y(report.values[fid].value)


def _quoted(value: Any) -> str:
    if value is None:
        return "null"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def yaml_template(report: Report | None = None, layout: str | None = None) -> str:
    """The figures file as YAML with Chinese comments, values from ``report`` (0 when
    absent; ``null`` for blank cells)."""
    rep = report if report is not None else blank_report(layout or "2021")
    layout = layout or layout_of(rep)
    meta = rep.meta
    out: list[str] = [
        "# 政府信息公开工作年度报告 数据填报文件",
        f"# 格式：{'国办公开办函〔2021〕30号（2021年格式）' if layout != '2019' else '国办公开办函〔2019〕60号（2019年格式）'}",
        "# 填写说明：在冒号后填写数字；没有发生的事项填 0；写 null 表示该单元格空白。",
        "# 件数只能填整数；行政事业性收费金额单位为万元，可以有小数。",
        "# 生成报告：nianbao write 本文件 --format docx -o 报告.docx",
        "",
        "meta:",
        f"  agency: {_quoted(meta.get('agency') or '')}  # 机关名称，如：某某县人民政府",
        f"  year: {_y(meta.get('year'))}  # 报告年度（数据统计年度）",
        f'  published: {_quoted(meta.get("published"))}  # 落款日期，如 "2025-01-20"',
        f'  format: "{layout}"  # 表格格式，一般不用修改',
        "",
        "# 二、主动公开政府信息情况",
    ]
    if layout == "2019":
        out.append("active2019:")
        groups: dict[str, list[str]] = {}
        for fid in ACTIVE2019_LABELS:
            groups.setdefault(fid.split(".")[1], []).append(fid)
        for group, ids in groups.items():
            row_label = ACTIVE2019_LABELS[ids[0]].split("·")[0]
            out.append(f"  {group}:  # {row_label}")
            for fid in ids:
                note = "（可填负数）" if fid in SIGNED_IDS else ""
                note += "（可有小数）" if fid in DECIMAL_IDS else ""
                out.append(
                    f"    {fid.split('.')[2]}: {_v(rep, fid)}  # {ACTIVE2019_LABELS[fid].split('·')[1]}{note}"
                )
    else:
        out += [
            "active:",
            "  # 第二十条第（一）项",
        ]
        for group, label in (("regulations", "规章"), ("normative", "行政规范性文件")):
            out.append(f"  {group}:  # {label}")
            for field in ("issued", "repealed", "in_force"):
                fid = f"active.{group}.{field}"
                out.append(f"    {field}: {_v(rep, fid)}  # {ACTIVE_LABELS[fid].split('·')[1]}")
        out += [
            "  # 第二十条第（五）项",
            f"  licensing: {_v(rep, 'active.licensing')}  # 行政许可·本年处理决定数量",
            "  # 第二十条第（六）项",
            f"  penalty: {_v(rep, 'active.penalty')}  # 行政处罚·本年处理决定数量",
            f"  coercion: {_v(rep, 'active.coercion')}  # 行政强制·本年处理决定数量",
            "  # 第二十条第（八）项",
            f"  fees: {_v(rep, 'active.fees')}  # 行政事业性收费·本年收费金额（单位：万元），可有小数",
        ]
    out += [
        "",
        "# 三、收到和处理政府信息公开申请情况",
        "# （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "# 每行七个数，依次为：" + "、".join(f"{c}={COLUMN_LABELS[c]}" for c in COLUMNS),
        "# 总计 = 前六列之和；（七）总计 = （一）至（六）各行之和。",
        "requests:",
    ]
    rows = REQUEST_ROWS_2021 if layout == "2021" else REQUEST_ROWS_2019
    open_group: str | None = None
    for row in rows:
        cells = ", ".join(f"{c}: {_v(rep, f'requests.{row}.{c}')}" for c in COLUMNS)
        if "." in row:
            group, sub = row.split(".")
            if group != open_group:
                out.append(f"  {group}:  # 三、本年度办理结果 › {REQUEST_GROUPS[group]}")
                open_group = group
            out.append(f"    {sub}: {{{cells}}}  # {REQUEST_ROW_LABELS[row]}")
        else:
            open_group = None
            prefix = (
                "三、本年度办理结果 › "
                if row not in ("new", "carried_over", "carried_forward")
                else ""
            )
            out.append(f"  {row}: {{{cells}}}  # {prefix}{REQUEST_ROW_LABELS[row]}")
    out += [
        "",
        "# 四、政府信息公开行政复议、行政诉讼情况",
        "# 每组五个数："
        + "、".join(f"{f}={REVIEW_FIELD_LABELS[f]}" for f in REVIEW_FIELDS)
        + "（总计 = 前四项之和）",
        "reviews:",
    ]
    for group in REVIEW_GROUPS:
        cells = ", ".join(f"{f}: {_v(rep, f'reviews.{group}.{f}')}" for f in REVIEW_FIELDS)
        out.append(f"  {group}: {{{cells}}}  # {REVIEW_GROUP_LABELS[group]}")
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------- XLSX
def _validation(kind: str):
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind == "decimal":
        dv = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        dv.error = "请填写不小于 0 的数字（单位：万元，可以有小数）。"
    elif kind == "signed":
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1="-1000000000",
            formula2="1000000000",
            allow_blank=True,
        )
        dv.error = "请填写整数（增加为正数，减少为负数）。"
    else:
        dv = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        dv.error = "请填写不小于 0 的整数（件数）。"
    dv.errorTitle = "数值不正确"
    dv.showErrorMessage = True
    return dv


def _grid_sheet(
    wb, name: str, grid: GridTable, title: str, ids_rows: list[tuple[str, str, str]]
) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name)
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=12)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="FFF2CC")
    validations = {k: _validation(k) for k in ("whole", "decimal", "signed")}
    for dv in validations.values():
        ws.add_data_validation(dv)
    offset = 2  # table starts on row 3
    for r in range(grid.n_rows):
        for k in range(grid.n_cols):
            ws.cell(offset + r + 1, k + 1).border = border
    for c in grid.cells:
        row, col = offset + c.row + 1, c.col + 1
        cell = ws.cell(row, col)
        if c.kind == "value" and c.field_id:
            text = c.text
            cell.value = None if text == "" else (float(text) if "." in text else int(text))
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center", vertical="center")
            kind = (
                "decimal"
                if c.field_id in DECIMAL_IDS
                else "signed"
                if c.field_id in SIGNED_IDS
                else "whole"
            )
            validations[kind].add(cell.coordinate)
            if kind == "decimal":
                cell.number_format = "0.####"
            ids_rows.append((name, cell.coordinate, c.field_id))
        else:
            cell.value = c.text
            cell.alignment = Alignment(
                wrap_text=True,
                vertical="center",
                horizontal="left" if grid.key == "s3" and c.col < 3 and c.row >= 3 else "center",
            )
        if c.rowspan > 1 or c.colspan > 1:
            ws.merge_cells(
                start_row=row,
                start_column=col,
                end_row=row + c.rowspan - 1,
                end_column=col + c.colspan - 1,
            )
    widths = {"s2": (22, 16, 16, 16), "s3": (8, 12, 30) + (9,) * 7, "s4": (8,) * 15}[grid.key]
    for k, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(k + 1)].width = w
    ws.freeze_panes = None


def xlsx_template(report: Report | None = None, layout: str | None = None) -> bytes:
    """The figures template as an XLSX workbook laid out like the official tables."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rep = report if report is not None else blank_report(layout or "2021")
    if layout:
        rep.meta["format"] = layout
    wb = Workbook()
    cover = wb.active
    cover.title = SHEET_NAMES["meta"]
    cover["A1"] = "政府信息公开工作年度报告 数据填报模板"
    cover["A1"].font = Font(bold=True, size=14)
    meta_rows = (
        ("机关名称", "agency", rep.meta.get("agency")),
        ("报告年度", "year", rep.meta.get("year")),
        ("落款日期（如 2025-01-20）", "published", rep.meta.get("published")),
        ("表格格式", "format", layout_of(rep)),
    )
    ids_rows: list[tuple[str, str, str]] = []
    for i, (label, key, value) in enumerate(meta_rows):
        cover.cell(i + 2, 1, label)
        cover.cell(i + 2, 2, value)
        ids_rows.append((cover.title, f"B{i + 2}", f"meta.{key}"))
    cover["A7"] = "填写说明：在黄色单元格中填写数字；没有发生的事项填 0；单元格留空表示空白。"
    cover["A8"] = "件数只能填整数；行政事业性收费金额单位为万元，可以有小数。"
    cover["A9"] = "生成报告：nianbao write 本文件.xlsx --format docx -o 报告.docx"
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 30
    tables = build_tables(rep)
    titles = {
        "s2": "二、主动公开政府信息情况",
        "s3": "三、收到和处理政府信息公开申请情况",
        "s4": "四、政府信息公开行政复议、行政诉讼情况",
    }
    for key in ("s2", "s3", "s4"):
        _grid_sheet(wb, SHEET_NAMES[key], tables[key], titles[key], ids_rows)
    ids = wb.create_sheet("_ids")
    ids.append(("sheet", "cell", "id"))
    for row in ids_rows:
        ids.append(row)
    ids.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
