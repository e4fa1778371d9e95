"""Export the store: reports wide (one row per report, one column per schema id) or long
(one row per value), and findings, as CSV, XLSX, Parquet or JSON Lines; and any list
(coverage, ranking, agencies) as CSV or XLSX bytes (``table_bytes``).

Files are written atomically (a temporary file beside the target, then ``os.replace``).
Blank cells stay empty, never 0; decimals stay exact. XLSX is meant for a reviewer:
Chinese headers, a frozen header row, and the cells of error findings highlighted.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..schema import DECIMAL_IDS, label_of
from .models import StoredFinding, StoredReport, StoredValue
from .queries import ALL_IDS, field_order, report_query

__all__ = [
    "FORMATS",
    "SHAPES",
    "LIST_FORMATS",
    "Column",
    "export_reports",
    "export_findings",
    "table_bytes",
    "export_bytes",
    "atomic_path",
]

FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet", "jsonl")
SHAPES: tuple[str, ...] = ("wide", "long")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_ZH = {"open": "待审核", "confirmed": "已确认", "dismissed": "已排除"}
ORIGIN_ZH = {"report": "本报告", "cross": "跨年度"}


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    kind: str = "str"  # str / int / dec / bool

    def header(self, headers: str) -> str:
        return self.zh if headers == "zh" else self.key


REPORT_COLUMNS: tuple[Column, ...] = (
    Column("report_id", "报告编号", "int"),
    Column("agency", "机关"),
    Column("agency_key", "机关标准名"),
    Column("year", "年度", "int"),
    Column("layout", "格式"),
    Column("title", "标题"),
    Column("published", "发布日期"),
    Column("file_name", "文件名"),
    Column("sha256", "文件SHA-256"),
    Column("parser_version", "解析程序版本"),
    Column("n_errors", "错误数", "int"),
    Column("n_warnings", "警告数", "int"),
    Column("n_infos", "提示数", "int"),
)
LONG_COLUMNS: tuple[Column, ...] = (
    Column("report_id", "报告编号", "int"),
    Column("agency", "机关"),
    Column("year", "年度", "int"),
    Column("field_id", "字段"),
    Column("label", "项目"),
    Column("value", "数值", "dec"),
    Column("blank", "空白", "bool"),
    Column("raw", "原文"),
    Column("provenance", "出处"),
)
FINDING_COLUMNS: tuple[Column, ...] = (
    Column("finding_id", "问题编号", "int"),
    Column("report_id", "报告编号", "int"),
    Column("agency", "机关"),
    Column("year", "年度", "int"),
    Column("rule", "规则"),
    Column("severity", "严重程度"),
    Column("origin", "来源"),
    Column("cells", "单元格"),
    Column("cell_labels", "涉及项目"),
    Column("message", "说明"),
    Column("expected", "应为"),
    Column("actual", "实为"),
    Column("fingerprint", "指纹"),
    Column("status", "审核状态"),
    Column("note", "审核意见"),
    Column("decided_at", "审核时间"),
)


# ------------------------------------------------------------------ atomic files
@contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``target``; moved onto it only when the block succeeds."""
    dest = Path(target)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ writers
def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _json_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral() else float(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def _write_csv(path: Path, headers: list[str], rows: Iterable[list[Any]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for row in rows:
            w.writerow([_text(v) for v in row])


def _write_jsonl(path: Path, keys: list[str], rows: Iterable[list[Any]]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            obj = {k: _json_value(v) for k, v in zip(keys, row)}
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _arrow_type(col: Column, values: list[Any]) -> Any:
    import pyarrow as pa

    if col.kind == "bool":
        return pa.bool_()
    if col.kind in ("int", "dec"):
        if any(isinstance(v, Decimal) for v in values):
            return pa.decimal128(24, 8)
        return pa.int64()
    return pa.string()


def _write_parquet(
    path: Path, cols: list[Column], headers: list[str], rows: list[list[Any]]
) -> None:
    import pyarrow as pa  # optional: the CLI turns its absence into a Chinese hint
    import pyarrow.parquet as pq

    arrays = []
    for i, col in enumerate(cols):
        values = [r[i] for r in rows]
        typ = _arrow_type(col, values)
        if typ == pa.string():
            values = [None if v is None else _text(v) for v in values]
        elif pa.types.is_decimal(typ):
            values = [None if v is None else Decimal(v) for v in values]
        arrays.append(pa.array(values, type=typ))
    table = pa.Table.from_arrays(arrays, names=headers)
    pq.write_table(table, path, compression="zstd")


_FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}


def _write_xlsx(
    path: Path,
    sheets: list[
        tuple[
            str,
            list[Column],
            list[str],
            Iterable[list[Any]],
            Callable[[list[Any]], dict[int, str]] | None,
        ]
    ],
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    fills = {k: PatternFill("solid", fgColor=v) for k, v in _FILLS.items()}
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for title, cols, headers, rows, marks in sheets:
        ws = wb.create_sheet(title)
        ws.freeze_panes = "C2" if cols and cols[0].key == "report_id" and len(cols) > 20 else "A2"
        for i, col in enumerate(cols, start=1):
            width = 14 if col.kind != "str" else 24
            if col.key in ("message", "title", "cell_labels"):
                width = 60
            ws.column_dimensions[get_column_letter(i)].width = width
        head = []
        for h in headers:
            c = WriteOnlyCell(ws, value=h)
            c.font, c.fill, c.alignment = bold, head_fill, wrap
            head.append(c)
        ws.append(head)
        for row in rows:
            marked = marks(row) if marks else {}
            out = []
            for i, (col, v) in enumerate(zip(cols, row)):
                if isinstance(v, Decimal):
                    v = int(v) if v == v.to_integral() else float(v)
                elif isinstance(v, dict | list):
                    v = json.dumps(v, ensure_ascii=False)
                elif isinstance(v, bool):
                    v = "是" if v else "否"
                elif hasattr(v, "tzinfo") and v is not None and getattr(v, "tzinfo", None):
                    v = v.replace(tzinfo=None)
                c = WriteOnlyCell(ws, value=v)
                if i in marked:
                    c.fill = fills[marked[i]]
                if col.key == "message":
                    c.alignment = wrap
                out.append(c)
            ws.append(out)
    wb.save(path)


def _write(
    target: str | os.PathLike[str],
    fmt: str,
    cols: list[Column],
    headers: list[str],
    rows: list[list[Any]],
    sheet: str,
    marks: Callable[[list[Any]], dict[int, str]] | None = None,
    extra_sheets: list[tuple[str, list[Column], list[str], list[list[Any]], Any]] | None = None,
) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"不支持的导出格式 {fmt}，可选：{'、'.join(FORMATS)}")
    with atomic_path(target) as tmp:
        if fmt == "csv":
            _write_csv(tmp, headers, rows)
        elif fmt == "jsonl":
            _write_jsonl(tmp, headers, rows)
        elif fmt == "parquet":
            _write_parquet(tmp, cols, headers, rows)
        else:
            _write_xlsx(tmp, [(sheet, cols, headers, rows, marks), *(extra_sheets or [])])


LIST_FORMATS: tuple[str, ...] = ("csv", "xlsx")


def table_bytes(headers: list[str], rows: Iterable[Sequence[Any]], fmt: str, sheet: str) -> bytes:
    """Any list (a page of coverage, ranking, agencies) as CSV (UTF-8 with BOM, for Excel)
    or XLSX (bold frozen header row, sheet named ``sheet``); blank stays empty."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(headers)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = sheet[:31]
        ws.append(headers)
        for c in ws[1]:
            c.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for r in rows:
            ws.append(list(r))
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    raise ValueError(f"不支持的导出格式 {fmt}，可选：{'、'.join(LIST_FORMATS)}")


# ------------------------------------------------------------------ data
def _severity_cells(session: Session, report_ids: list[int]) -> dict[int, dict[str, str]]:
    """report id -> cell id -> the worst severity of a finding naming it."""
    out: dict[int, dict[str, str]] = {}
    rank = {"error": 0, "warning": 1, "info": 2}
    ids = set(report_ids)
    for rid, sev, cells in session.execute(
        select(StoredFinding.report_id, StoredFinding.severity, StoredFinding.cells).where(
            StoredFinding.severity.in_(("error", "warning")), StoredFinding.status != "dismissed"
        )
    ):
        if rid not in ids:
            continue
        m = out.setdefault(rid, {})
        for c in cells or []:
            if c not in m or rank[sev] < rank[m[c]]:
                m[c] = sev
    return out


def _filtered_reports(
    session: Session, agency: str | None, year: Any, has_errors: bool
) -> list[tuple[StoredReport, Any]]:
    return [(r, sf) for r, sf in session.execute(report_query(session, agency, year, has_errors))]


def _values_by_report(
    session: Session, report_ids: list[int], long: bool = False
) -> Iterator[tuple]:
    cols = [
        StoredValue.report_id,
        StoredValue.field_id,
        StoredValue.value_int,
        StoredValue.value_dec,
    ]
    if long:
        cols += [StoredValue.blank, StoredValue.raw, StoredValue.provenance]
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start : start + 500]
        yield from session.connection().execute(
            select(*cols).where(StoredValue.report_id.in_(chunk)).order_by(StoredValue.report_id)
        )


def _report_cells(rep: StoredReport, sf: Any) -> list[Any]:
    return [
        rep.id,
        rep.agency_name,
        rep.agency_key,
        rep.year,
        rep.layout,
        rep.title,
        rep.published,
        sf.name,
        sf.sha256,
        rep.parser_version,
        rep.n_errors,
        rep.n_warnings,
        rep.n_infos,
    ]


def export_reports(
    engine: Engine,
    target: str | os.PathLike[str],
    fmt: str = "csv",
    shape: str = "wide",
    headers: str = "id",
    agency: str | None = None,
    year: Any = None,
    has_errors: bool = False,
) -> int:
    """Write the reports matching the filters; returns the number of rows written."""
    if shape not in SHAPES:
        raise ValueError(f"不支持的导出形式 {shape}，可选：wide、long")
    with Session(engine) as session:
        reports = _filtered_reports(session, agency, year, has_errors)
        ids = [r.id for r, _ in reports]
        by_id = {r.id: (r, sf) for r, sf in reports}
        if shape == "wide":
            values: dict[int, dict[str, Any]] = {}
            seen_ids: set[str] = set()
            for rid, fid, vi, vd in _values_by_report(session, ids):
                values.setdefault(rid, {})[fid] = vi if vi is not None else vd
                seen_ids.add(fid)
            field_ids = list(ALL_IDS) + sorted(seen_ids - set(ALL_IDS), key=field_order)
            cols = list(REPORT_COLUMNS) + [
                Column(fid, label_of(fid), "dec" if fid in DECIMAL_IDS else "int")
                for fid in field_ids
            ]
            rows = []
            for rid in ids:
                rep, sf = by_id[rid]
                vals = values.get(rid, {})
                rows.append(_report_cells(rep, sf) + [vals.get(fid) for fid in field_ids])
            marks: Callable[[list[Any]], dict[int, str]] | None = None
            extra = None
            if fmt == "xlsx":
                sev = _severity_cells(session, ids)
                index = {fid: len(REPORT_COLUMNS) + i for i, fid in enumerate(field_ids)}
                n_err_col = [c.key for c in REPORT_COLUMNS].index("n_errors")

                def marks(row: list[Any]) -> dict[int, str]:
                    m = {index[c]: s for c, s in sev.get(row[0], {}).items() if c in index}
                    if row[n_err_col]:
                        m[n_err_col] = "error"
                        m[1] = "error"
                    return m

                fcols, fheads, frows = _finding_table(
                    session, ids, by_id, "zh" if headers == "zh" else headers
                )
                extra = [("问题", fcols, fheads, frows, _finding_marks(fcols))]
            _write(target, fmt, cols, [c.header(headers) for c in cols], rows, "报告", marks, extra)
            return len(rows)
        cols = list(LONG_COLUMNS)
        rows = []
        for rid, fid, vi, vd, blank, raw, prov in _values_by_report(session, ids, long=True):
            rep, _ = by_id[rid]
            rows.append(
                [
                    rid,
                    rep.agency_name,
                    rep.year,
                    fid,
                    label_of(fid),
                    vi if vi is not None else vd,
                    bool(blank),
                    raw,
                    prov,
                ]
            )
        position = {rid: i for i, rid in enumerate(ids)}
        rows.sort(key=lambda r: (position[r[0]], field_order(r[3])))
        long_sev = _severity_cells(session, ids) if fmt == "xlsx" else {}

        def long_marks(row: list[Any]) -> dict[int, str]:
            s = long_sev.get(row[0], {}).get(row[3])
            return {5: s, 4: s} if s else {}

        _write(target, fmt, cols, [c.header(headers) for c in cols], rows, "数据", long_marks)
        return len(rows)


def _finding_table(
    session: Session, ids: list[int], by_id: dict[int, tuple[StoredReport, Any]], headers: str
) -> tuple[list[Column], list[str], list[list[Any]]]:
    cols = list(FINDING_COLUMNS)
    rows: list[list[Any]] = []
    zh = headers == "zh"
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for f in session.scalars(
            select(StoredFinding)
            .where(StoredFinding.report_id.in_(chunk))
            .order_by(StoredFinding.report_id, StoredFinding.id)
        ):
            rep, _ = by_id[f.report_id]
            cells = list(f.cells or [])
            rows.append(
                [
                    f.id,
                    f.report_id,
                    rep.agency_name,
                    rep.year,
                    f.rule,
                    SEVERITY_ZH.get(f.severity, f.severity) if zh else f.severity,
                    ORIGIN_ZH.get(f.origin, f.origin) if zh else f.origin,
                    "; ".join(cells),
                    "; ".join(label_of(c) for c in cells),
                    f.message,
                    _text(f.expected) if f.expected is not None else None,
                    _text(f.actual) if f.actual is not None else None,
                    f.fingerprint,
                    STATUS_ZH.get(f.status, f.status) if zh else f.status,
                    f.note,
                    f.decided_at,
                ]
            )
    return cols, [c.header(headers) for c in cols], rows


def _finding_marks(cols: list[Column]) -> Callable[[list[Any]], dict[int, str]]:
    sev_col = [c.key for c in cols].index("severity")
    rev = {v: k for k, v in SEVERITY_ZH.items()}

    def marks(row: list[Any]) -> dict[int, str]:
        sev = rev.get(row[sev_col], row[sev_col])
        if sev in _FILLS:
            return {i: sev for i in range(len(cols))}
        return {}

    return marks


def export_findings(
    engine: Engine,
    target: str | os.PathLike[str],
    fmt: str = "csv",
    headers: str = "id",
    agency: str | None = None,
    year: Any = None,
    has_errors: bool = False,
) -> int:
    """Write the findings of the reports matching the filters; returns the row count."""
    with Session(engine) as session:
        reports = _filtered_reports(session, agency, year, has_errors)
        by_id = {r.id: (r, sf) for r, sf in reports}
        cols, heads, rows = _finding_table(session, [r.id for r, _ in reports], by_id, headers)
        rows_out = rows
        if fmt == "parquet":
            rows_out = [[_text(v) if isinstance(v, dict | list) else v for v in r] for r in rows]
        _write(target, fmt, cols, heads, rows_out, "问题", _finding_marks(cols))
        return len(rows)


def export_bytes(
    engine: Engine,
    what: str,
    fmt: str,
    agency: str | None = None,
    year: int | None = None,
    has_errors: bool = False,
) -> bytes:
    """``export_reports`` (``what`` = reports: wide; values: long) or ``export_findings``
    (findings) in Chinese, as the bytes of the file (for a download)."""
    if fmt not in LIST_FORMATS:
        raise ValueError(f"不支持的导出格式 {fmt}，可选：{'、'.join(LIST_FORMATS)}")
    with tempfile.TemporaryDirectory(prefix="nianbao-export-") as tmp:
        target = Path(tmp) / f"export.{fmt}"
        if what == "findings":
            export_findings(engine, target, fmt, "zh", agency, year, has_errors)
        elif what == "reports":
            export_reports(engine, target, fmt, "wide", "zh", agency, year, has_errors)
        elif what == "values":
            export_reports(engine, target, fmt, "long", "zh", agency, year, has_errors)
        else:
            raise ValueError(f"不能导出 {what}，可选：reports、values、findings")
        return target.read_bytes()
