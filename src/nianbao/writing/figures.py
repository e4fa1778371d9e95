"""Load a figures file (the numbers an agency fills in) into a :class:`Report`.

Accepted forms:

* YAML or JSON, nested as ``nianbao parse --format json`` prints a report
  (``{"meta": {...}, "active": {...}, "requests": {...}, "reviews": {...}}``; a parsed
  report's JSON is a valid figures file), or flat with schema ids as keys
  (``{"requests.new.total": 12, ...}``, as gold files are written). Top-level ``agency``,
  ``year``, ``published`` and ``format`` are accepted as short forms of ``meta.*``;
  ``sections`` may map ``s1``… to plain text.
* The XLSX template of :mod:`nianbao.writing.template` (a hidden sheet maps cells to ids).

A figure missing from the file is filled in as 0; a figure given as null stays blank.
Unknown ids and non-numeric values are refused with :class:`InvalidFigures`.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import re
from pathlib import Path
from typing import Any

from ..errors import BrokenFile, InvalidFigures, UnsupportedFormat, UnusableInput
from ..report import Report, Section, Value
from ..schema import DECIMAL_IDS, SECTION_KEYS, label_of, table_ids
from .tables import layout_of

__all__ = [
    "InvalidFigures",
    "KNOWN_IDS",
    "IDS_SHEET",
    "load_figures",
    "figures_from_data",
    "figures_from_xlsx",
    "fill_missing",
]

IDS_SHEET = "_ids"
_TABLE_ROOTS = ("active.", "active2019.", "requests.", "reviews.")
_META_SHORT = ("agency", "year", "published", "format", "title", "agency_kind", "admin_level")
KNOWN_IDS: frozenset[str] = frozenset(
    set(table_ids("2021"))
    | set(table_ids("2019"))
    | {
        f"requests.{r}.org_subtotal"
        for r in {
            i.split(".", 1)[1].rsplit(".", 1)[0]
            for i in table_ids("2021") + table_ids("2019")
            if i.startswith("requests.")
        }
    }
)


# ---------------------------------------------------------------------- values
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _number(fid: str, value: Any, where: str) -> int | float | None:
    """A figure as a number (None for blank); raises InvalidFigures otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidFigures(
            f"{where}{label_of(fid)}（{fid}）的值「{value}」不是数字，请填写数字。"
        )
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and fid not in DECIMAL_IDS else value
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        if text == "":
            return None
        if _NUMBER.fullmatch(text):
            num = float(text)
            if "." not in text:
                return int(text)
            return int(num) if num.is_integer() and fid not in DECIMAL_IDS else num
    raise InvalidFigures(f"{where}{label_of(fid)}（{fid}）的值「{value}」不是数字，请填写数字。")


def _check_id(fid: str, where: str = "") -> None:
    if fid not in KNOWN_IDS:
        raise InvalidFigures(
            f"{where}未知的数据项「{fid}」。请使用 nianbao template 生成的模板中的名称。"
        )


def fill_missing(report: Report) -> Report:
    """Give every cell of the report's layout that the figures did not mention the value
    0 (a blank cell given as null stays blank)."""
    for fid in table_ids(report.meta.get("format") or "2021"):
        if fid not in report.values:
            report.values[fid] = Value(0, "0")
    return report


def _meta_value(key: str, value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if key == "year" and isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if key == "format" and value is not None:
        return str(value)
    return value


# ---------------------------------------------------------------------- dict forms
def figures_from_data(data: Any, source: str = "", fill: bool = True) -> Report:
    """Build a Report from parsed YAML/JSON data (nested or flat ids)."""
    if not isinstance(data, dict):
        raise InvalidFigures("数据文件的内容应为“名称: 数值”的映射（YAML/JSON 对象）。")
    data = dict(data)
    meta_short = {k: data.pop(k) for k in _META_SHORT if k in data}
    sections = data.pop("sections", None)
    flat_keys = [k for k in data if isinstance(k, str) and "." in k]
    if flat_keys:
        flat: dict[str, Any] = {}
        for key, value in data.items():
            key = str(key)
            if key.startswith(_TABLE_ROOTS):
                _check_id(key)
                flat[key] = _number(key, value, "")
            elif key.startswith("meta."):
                flat[key] = _meta_value(key[5:], value)
            elif key in ("blank", "notes", "source"):
                flat[key] = value
        rep = Report.from_flat(flat, source=source)
    else:
        nested: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("meta", "fees_info", "source") or key.rstrip(".") in (
                "active",
                "active2019",
                "requests",
                "reviews",
            ):
                nested[key] = value
        rep = Report.from_dict(nested)
        rep.source = source or rep.source
        for fid in list(rep.values):
            _check_id(fid)
            v = rep.values[fid].value
            num = _number(fid, v, "")
            rep.values[fid] = Value(num, None if num is None else _raw(num))
    for key, value in meta_short.items():
        rep.meta[key] = _meta_value(key, value)
    for key in list(rep.meta):
        rep.meta[key] = _meta_value(key, rep.meta[key])
    _apply_sections(rep, sections)
    if rep.meta.get("format") not in ("2021", "2019", "mixed"):
        rep.meta["format"] = layout_of(rep)
    if not rep.meta.get("title") and rep.meta.get("year"):
        from .blocks import title_of

        rep.meta["title"] = title_of(rep)
    return fill_missing(rep) if fill else rep


def _raw(num: int | float) -> str:
    if isinstance(num, float) and num.is_integer():
        return str(int(num))
    return str(num)


def _apply_sections(rep: Report, sections: Any) -> None:
    if not isinstance(sections, dict):
        return
    for key, value in sections.items():
        if key not in (*SECTION_KEYS, "closing"):
            continue
        if isinstance(value, str):
            rep.sections[key] = Section(present=True, text=value)
        elif isinstance(value, dict):
            rep.sections[key] = Section(
                bool(value.get("present", True)),
                value.get("heading"),
                value.get("order"),
                value.get("text") or "",
            )


# ---------------------------------------------------------------------- xlsx
def figures_from_xlsx(data: bytes, source: str = "", fill: bool = True) -> Report:
    """Read the XLSX template: the hidden sheet ``_ids`` lists (sheet, cell, id)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise BrokenFile(
            f"无法读取 Excel 文件：{exc}。请确认文件是 nianbao template 生成的模板。"
        ) from exc
    if IDS_SHEET not in wb.sheetnames:
        raise InvalidFigures(
            "这个 Excel 文件不是 nianbao 的填报模板（缺少隐藏工作表 _ids）。"
            "请用 nianbao template --format xlsx 生成模板后填写。"
        )
    flat: dict[str, Any] = {}
    blanks: list[str] = []
    for row in wb[IDS_SHEET].iter_rows(min_row=2, values_only=True):
        if not row or row[0] is None:
            continue
        sheet, ref, fid = str(row[0]), str(row[1]), str(row[2])
        if sheet not in wb.sheetnames:
            raise InvalidFigures(f"Excel 模板缺少工作表「{sheet}」，请重新生成模板。")
        value = wb[sheet][ref].value
        where = f"工作表「{sheet}」单元格 {ref}："
        if fid.startswith("meta."):
            if value is not None and str(value).strip() != "":
                flat[fid] = _meta_value(fid[5:], value)
            continue
        _check_id(fid, where)
        num = _number(fid, value, where)
        flat[fid] = num
        if num is None:
            blanks.append(fid)
    flat["blank"] = blanks
    return figures_from_data(flat, source=source, fill=fill)


# ---------------------------------------------------------------------- files
def load_figures(path: str | Path, fill: bool = True) -> Report:
    """Load a figures file (YAML, JSON or the XLSX template) into a Report."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise UnusableInput(f"找不到数据文件：{p}") from exc
    except OSError as exc:
        raise UnusableInput(f"无法读取数据文件 {p}：{exc.strerror}") from exc
    suffix = p.suffix.lower()
    if data[:2] == b"PK" or suffix == ".xlsx":
        return figures_from_xlsx(data, source=str(p), fill=fill)
    if suffix not in ("", ".yaml", ".yml", ".json", ".txt"):
        raise UnsupportedFormat(f"不支持的数据文件类型「{suffix}」：请使用 .yaml、.json 或 .xlsx。")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BrokenFile(f"数据文件 {p.name} 不是 UTF-8 编码的文本，请另存为 UTF-8。") from exc
    return figures_from_data(_parse_text(text, suffix, p.name), source=str(p), fill=fill)


def _parse_text(text: str, suffix: str, name: str) -> Any:
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise BrokenFile(
                f"{name} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列有误。"
            ) from exc
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise BrokenFile(f"{name} 不是有效的 YAML{where}，请检查缩进和冒号。") from exc
