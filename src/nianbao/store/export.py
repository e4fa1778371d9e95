"""Over 500 lines because the four formats share one row producer, the cancel protocol and the formula guard.

Export the store: reports wide (one row per report, one column per schema id) or long
(one row per value), and findings, as CSV, XLSX, Parquet or JSON Lines; and any list
(coverage, ranking, agencies) as CSV or XLSX bytes (``table_bytes``).

Files are written atomically (a temporary file beside the target, then ``os.replace``).
Blank cells stay empty, never 0; decimals stay exact. XLSX is meant for a reviewer:
Chinese headers, a frozen header row, and the cells of error findings highlighted.

Rows are produced a few hundred reports at a time and written as they come (CSV through a
buffer, XLSX in openpyxl's write-only mode), so memory does not grow with the store;
``export_chunks`` / ``table_chunks`` give a download piece by piece and stop when their
``cancel`` callback says so. No text cell is ever written as a live formula: a text
starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading apostrophe
(``escape_formula``); numbers stay numbers.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, defer

from ..report import AMOUNT_UNIT_ID
from ..schema import ACTIVE2019_IDS, DECIMAL_IDS, label_of
from .compact import cell_ids, provenance_dict
from .display import LAYOUT_ZH, ORIGIN_ZH, SEVERITY_ZH, STATUS_ZH
from .models import Agency, SourceFile, StoredCells, StoredFinding, StoredReport
from .queries import (
    ALL_IDS,
    REPORT_SORTS,
    cells_of_reports,
    field_order,
    report_conditions,
    report_query,
)
from .write import UNIT_KEY

__all__ = [
    "FORMATS",
    "SHAPES",
    "LIST_FORMATS",
    "Column",
    "export_reports",
    "export_findings",
    "table_bytes",
    "table_chunks",
    "export_bytes",
    "export_chunks",
    "escape_formula",
    "ExportCancelled",
    "atomic_path",
    "group_readable",
]

FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet", "jsonl")
SHAPES: tuple[str, ...] = ("wide", "long")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    kind: str = "str"  # str / int / dec / bool / date / datetime

    def header(self, headers: str) -> str:
        return self.zh if headers == "zh" else self.key


# New columns go at the end of each group: scripts read the older ones by position.
REPORT_COLUMNS: tuple[Column, ...] = (
    Column("report_id", "报告编号", "int"),
    Column("agency", "机关（报告中的写法）"),
    Column("agency_key", "机关标准名"),
    Column("year", "年度", "int"),
    Column("layout", "格式"),
    Column("title", "标题"),
    Column("published", "发布日期", "date"),
    Column("file_name", "文件名"),
    Column("sha256", "文件SHA-256"),
    Column("parser_version", "解析程序版本"),
    Column("n_errors", "错误数", "int"),
    Column("n_warnings", "警告数", "int"),
    Column("n_infos", "提示数", "int"),
    Column("agency_id", "机关编号", "int"),
    Column("agency_canonical", "机关规范名称"),
    Column("version", "版本", "int"),
)
LONG_COLUMNS: tuple[Column, ...] = (
    Column("report_id", "报告编号", "int"),
    Column("agency", "机关（报告中的写法）"),
    Column("year", "年度", "int"),
    Column("field_id", "字段"),
    Column("label", "项目"),
    Column("value", "数值", "dec"),
    Column("blank", "空白", "bool"),
    Column("raw", "原文"),
    Column("provenance", "出处"),
    Column("agency_id", "机关编号", "int"),
    Column("agency_canonical", "机关规范名称"),
)
FINDING_COLUMNS: tuple[Column, ...] = (
    Column("finding_id", "问题编号", "int"),
    Column("report_id", "报告编号", "int"),
    Column("agency", "机关（报告中的写法）"),
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
    Column("decided_at", "审核时间", "datetime"),
    Column("rule_title", "问题类型"),
    Column("agency_id", "机关编号", "int"),
    Column("agency_canonical", "机关规范名称"),
)
# In a spreadsheet for people (Chinese headers) the findings show labels, not schema ids
_ZH_HIDDEN = frozenset({"cells"})


# ------------------------------------------------------------------ atomic files
def group_readable(path: Path) -> None:
    """Give a written file the mode a new file gets under the user's umask (0644 with the
    usual 022), not mkstemp's 0600: exports are shared with colleagues."""
    mask = os.umask(0)
    os.umask(mask)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o666 & ~mask)


@contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``target``; moved onto it only when the block succeeds.
    The file gets the umask's mode (readable by the group), not mkstemp's 0600."""
    dest = Path(target)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        group_readable(Path(tmp))
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ writers
class ExportCancelled(Exception):
    """The consumer of an export went away (its ``cancel`` callback returned True)."""


Cancel = Callable[[], bool] | None
Sheet = tuple[
    str, list[Column], list[str], Iterable[list[Any]], Callable[[list[Any]], dict[int, str]] | None
]
_CHUNK_REPORTS = 50
_NUMBER_TEXT = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def escape_formula(text: str) -> str:
    """A text a spreadsheet would run as a formula (first character ``=``, ``+``, ``-``,
    ``@``, tab or CR) with a leading apostrophe, per OWASP's CSV-injection advice. A plain
    signed number (``-5``) and a lone sign cannot be a formula and stay as they are."""
    if (
        text
        and text[0] in "=+-@\t\r"
        and text not in ("-", "+")
        and not _NUMBER_TEXT.fullmatch(text)
    ):
        return "'" + text
    return text


def _checked(rows: Iterable[Any], cancel: Cancel) -> Iterator[Any]:
    for i, row in enumerate(rows):
        if cancel is not None and i % 100 == 0 and cancel():
            raise ExportCancelled
        yield row


class _Counted:
    """Rows passed through, counted."""

    def __init__(self, rows: Iterable[list[Any]]) -> None:
        self.rows = rows
        self.n = 0

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            self.n += 1
            yield row


def _csv_cell(v: Any) -> str:
    return escape_formula(v) if isinstance(v, str) else _text(v)


def csv_chunks(
    headers: list[str], rows: Iterable[Sequence[Any]], cancel: Cancel = None, size: int = 64 * 1024
) -> Iterator[bytes]:
    """A CSV file (UTF-8 with BOM, for Excel) piece by piece."""
    buf = io.StringIO()
    w = csv.writer(buf)
    buf.write("\ufeff")
    w.writerow([escape_formula(h) for h in headers])
    for row in _checked(rows, cancel):
        w.writerow([_csv_cell(v) for v in row])
        if buf.tell() >= size:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


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
    with open(path, "wb") as fh:
        for chunk in csv_chunks(headers, rows):
            fh.write(chunk)


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
# Counts show as integers, fees with their decimals, dates as dates (not General)
_NUMBER_FORMATS = {
    "int": "0",
    "dec": "0.00##",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


def _write_xlsx(path: Path, sheets: list[Sheet], cancel: Cancel = None) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    fills = {k: PatternFill("solid", fgColor=v) for k, v in _FILLS.items()}
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    try:
        for title, cols, headers, rows, marks in sheets:
            ws = wb.create_sheet(title[:31])
            ws.freeze_panes = (
                "C2" if cols and cols[0].key == "report_id" and len(cols) > 20 else "A2"
            )
            for i, col in enumerate(cols, start=1):
                width = 14 if col.kind != "str" else 24
                if col.key in ("message", "title", "cell_labels"):
                    width = 60
                ws.column_dimensions[get_column_letter(i)].width = width
            head = []
            for h in headers:
                c = WriteOnlyCell(ws, value=escape_formula(h))
                c.font, c.fill, c.alignment = bold, head_fill, wrap
                head.append(c)
            ws.append(head)
            n_rows = 0
            for row in _checked(rows, cancel):
                n_rows += 1
                marked = marks(row) if marks else {}
                out = []
                for i, (col, v) in enumerate(zip(cols, row)):
                    if isinstance(v, str):
                        v = escape_formula(v)
                    elif isinstance(v, Decimal):
                        v = int(v) if v == v.to_integral() else float(v)
                    elif isinstance(v, dict | list):
                        v = escape_formula(json.dumps(v, ensure_ascii=False))
                    elif isinstance(v, bool):
                        v = "是" if v else "否"
                    elif hasattr(v, "tzinfo") and v is not None and getattr(v, "tzinfo", None):
                        v = v.replace(tzinfo=None)
                    c = WriteOnlyCell(ws, value=v)
                    if c.data_type == "f":  # never a live formula, whatever the value was
                        c.data_type = "s"
                    fmt_code = _NUMBER_FORMATS.get(col.kind)
                    if fmt_code and not isinstance(v, str) and v is not None:
                        c.number_format = fmt_code
                    if i in marked:
                        c.fill = fills[marked[i]]
                    if col.key == "message":
                        c.alignment = wrap
                    out.append(c)
                ws.append(out)
            if cols:  # filters on the header row over every row written
                ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{n_rows + 1}"
    except BaseException:
        # close the sheets' writers in order (else openpyxl complains when they are
        # collected half-written), then let the error go on
        for ws in wb.worksheets:
            with contextlib.suppress(Exception):
                ws.close()
        raise
    wb.save(path)


def _write(target: str | os.PathLike[str], fmt: str, sheets: list[Sheet]) -> int:
    """Write ``sheets`` (only the first for CSV, JSON Lines and Parquet) atomically;
    returns the number of rows of the first sheet."""
    if fmt not in FORMATS:
        raise ValueError(f"不支持的导出格式 {fmt}，可选：{'、'.join(FORMATS)}")
    title, cols, headers, rows, marks = sheets[0]
    counted = _Counted(rows)
    with atomic_path(target) as tmp:
        if fmt == "csv":
            _write_csv(tmp, headers, counted)
        elif fmt == "jsonl":
            _write_jsonl(tmp, headers, counted)
        elif fmt == "parquet":
            _write_parquet(tmp, cols, headers, list(counted))
        else:
            _write_xlsx(tmp, [(title, cols, headers, counted, marks), *sheets[1:]])
    return counted.n


def xlsx_chunks(
    sheets: list[Sheet], cancel: Cancel = None, size: int = 256 * 1024
) -> Iterator[bytes]:
    """An XLSX file piece by piece: written (write-only mode) to a temporary file that is
    then read back and deleted."""
    fd, tmp = tempfile.mkstemp(prefix="nianbao-export-", suffix=".xlsx")
    os.close(fd)
    try:
        _write_xlsx(Path(tmp), sheets, cancel)
        with open(tmp, "rb") as fh:
            while chunk := fh.read(size):
                if cancel is not None and cancel():
                    raise ExportCancelled
                yield chunk
    finally:
        Path(tmp).unlink(missing_ok=True)


LIST_FORMATS: tuple[str, ...] = ("csv", "xlsx")


def table_chunks(
    headers: list[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    sheet: str,
    cancel: Cancel = None,
) -> Iterator[bytes]:
    """Any list (coverage, ranking, agencies) as CSV (UTF-8 with BOM, for Excel) or XLSX
    (bold frozen header row, sheet named ``sheet``), piece by piece; blank stays empty."""
    if fmt == "csv":
        return csv_chunks(headers, rows, cancel)
    if fmt == "xlsx":
        cols = [Column(h, h) for h in headers]
        return xlsx_chunks([(sheet, cols, list(headers), (list(r) for r in rows), None)], cancel)
    raise ValueError(f"不支持的导出格式 {fmt}，可选：{'、'.join(LIST_FORMATS)}")


def table_bytes(headers: list[str], rows: Iterable[Sequence[Any]], fmt: str, sheet: str) -> bytes:
    """``table_chunks`` as one piece of bytes."""
    return b"".join(table_chunks(headers, rows, fmt, sheet))


# ------------------------------------------------------------------ data
def _chunks(ids: list[int], size: int = _CHUNK_REPORTS) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _severity_cells(session: Session, report_ids: list[int]) -> dict[int, dict[str, str]]:
    """report id -> cell id -> the worst severity of a finding naming it."""
    out: dict[int, dict[str, str]] = {}
    rank = {"error": 0, "warning": 1, "info": 2}
    for chunk in _chunks(report_ids, 500):
        for rid, sev, cells in session.execute(
            select(StoredFinding.report_id, StoredFinding.severity, StoredFinding.cells).where(
                StoredFinding.report_id.in_(chunk),
                StoredFinding.severity.in_(("error", "warning")),
                StoredFinding.status != "dismissed",
            )
        ):
            m = out.setdefault(rid, {})
            for c in cells or []:
                if c not in m or rank[sev] < rank[m[c]]:
                    m[c] = sev
    return out


# The columns of every wide export; which others a report holds is kept per report.
_ALWAYS = frozenset(f for f in ALL_IDS if f not in set(ACTIVE2019_IDS))


def _held_ids(session: Session, conds: list[Any]) -> set[str]:
    """The field ids outside ``_ALWAYS`` that the reports matching ``conds`` hold: the
    union of their rows in ``report_columns`` that are as new as the report, and for the
    reports without one their cells read now (and their rows written, in a transaction
    of their own: best effort, a store that cannot be written is only read)."""
    from .db import session_scope, write_engine
    from .models import ReportColumns as K

    fresh = K.updated_at == StoredReport.updated_at
    todo = session.execute(
        select(StoredReport.id, StoredReport.updated_at)
        .outerjoin(K, K.report_id == StoredReport.id)
        .where(
            *conds,
            or_(
                K.report_id.is_(None),
                K.updated_at != StoredReport.updated_at,
                StoredReport.updated_at.is_(None),
            ),
        )
    ).all()
    seen: set[str] = set()
    for extra in session.scalars(
        select(K.extra)
        .join(StoredReport, StoredReport.id == K.report_id)
        .where(*conds, fresh, K.extra != "[]")
        .distinct()
    ):
        seen.update(json.loads(extra))
    for start in range(0, len(todo), 500):
        chunk = todo[start : start + 500]
        held: dict[int, set[str]] = {rid: set() for rid, _ in chunk}
        for rid, cells in session.execute(
            select(StoredCells.report_id, StoredCells.cells).where(
                StoredCells.report_id.in_(list(held))
            )
        ):
            held[rid].update(cell_ids(cells, _ALWAYS))
        for ids in held.values():
            seen.update(ids)
        try:
            with session_scope(write_engine(session.get_bind().engine)) as w:
                w.execute(delete(K).where(K.report_id.in_(list(held))))
                w.execute(
                    insert(K),
                    [
                        {"report_id": rid, "updated_at": at, "extra": json.dumps(sorted(held[rid]))}
                        for rid, at in chunk
                    ],
                )
        except SQLAlchemyError:  # read-only, or busy for longer than the timeout
            pass
    return seen


class _ReportsByChunk(Mapping[int, tuple[StoredReport, Any]]):
    """The reports (and files) of ``ids`` by id, read a chunk of ``ids`` at a time when
    one of its reports is asked for (only the last chunk is kept): an export of 10⁵
    reports starts writing before it has read them all. The names of their agencies
    are added to ``names`` as each chunk is read."""

    def __init__(self, session: Session, ids: list[int], names: dict[int, str]) -> None:
        self.session = session
        self.ids = ids
        self.names = names
        self._chunk_of = {rid: i // _CHUNK_REPORTS for i, rid in enumerate(ids)}
        self._loaded = -1
        self._rows: dict[int, tuple[StoredReport, Any]] = {}

    def __getitem__(self, rid: int) -> tuple[StoredReport, Any]:
        k = self._chunk_of[rid]
        if k != self._loaded:
            chunk = self.ids[k * _CHUNK_REPORTS : (k + 1) * _CHUNK_REPORTS]
            q = (
                select(StoredReport, SourceFile)
                .join(SourceFile, SourceFile.id == StoredReport.source_file_id)
                .where(StoredReport.id.in_(chunk))
                .options(
                    defer(StoredReport.sections),
                    defer(StoredReport.meta),
                    defer(StoredReport.fees_info),
                )
            )
            self._rows = {r.id: (r, sf) for r, sf in self.session.execute(q)}
            self._loaded = k
            wanted = list(self._rows.values())
            self.names.update(_agency_names(self.session, wanted))
        return self._rows[rid]

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def _filtered_ids(session: Session, agency: str | None, year: Any, has_errors: bool) -> list[int]:
    """The ids of the matching reports in the export's order (from an index)."""
    q = select(StoredReport.id).where(*report_conditions(session, agency, year, has_errors))
    return list(session.scalars(q.order_by(*REPORT_SORTS["agency"])))


def _filtered_reports(
    session: Session, agency: str | None, year: Any, has_errors: bool
) -> list[tuple[StoredReport, Any]]:
    # the header columns only: a report's sections (its whole text) stay in the database
    q = report_query(session, agency, year, has_errors).options(
        defer(StoredReport.sections), defer(StoredReport.meta), defer(StoredReport.fees_info)
    )
    return [(r, sf) for r, sf in session.execute(q)]


def _values_of(session: Session, chunk: list[int], long: bool = False) -> list[Any]:
    """The value rows of a few reports (fetched at once: the caller yields as it goes),
    by report id: (report id, field id, value_int, value_dec), and with ``long`` also
    blank, raw and the provenance's object form."""
    if long:
        return [
            (rid, fid, vi, vd, blank, raw, provenance_dict(prov))
            for rid, (fid, vi, vd, blank, raw, prov) in cells_of_reports(
                session, sorted(chunk), provenance=True
            )
        ]
    return [(rid, c[0], c[1], c[2]) for rid, c in cells_of_reports(session, sorted(chunk))]


AMOUNT_ID = "active2019.procurement.amount"


def _column_label(fid: str) -> str:
    return "表二「政府集中采购」采购总金额单位" if fid == AMOUNT_UNIT_ID else label_of(fid)


def _column_kind(fid: str) -> str:
    if fid == AMOUNT_UNIT_ID:
        return "str"
    return "dec" if fid in DECIMAL_IDS else "int"


def _units_of(session: Session, chunk: list[int]) -> list[tuple[int, str]]:
    """The unit written with 采购总金额 of the reports in ``chunk`` that write one (kept in
    the report row's meta column, ``write.UNIT_KEY``)."""
    rows = session.execute(
        select(StoredReport.id, StoredReport.meta).where(StoredReport.id.in_(chunk))
    ).all()
    return [(rid, m[UNIT_KEY]) for rid, m in rows if isinstance(m, dict) and m.get(UNIT_KEY)]


def _field_ids(
    session: Session,
    agency: str | None,
    year: Any,
    has_errors: bool,
    all_columns: bool = False,
) -> list[str]:
    """The value columns: every id of the 2021 form, the 2019 layout's only when a report
    holds one (or ``all_columns``), then any other id the reports hold. Which of those
    the matching reports hold comes from the kept summary (``report_columns``), brought
    up to date first for the reports it lacks."""
    conds = report_conditions(session, agency, year, has_errors)
    seen = _held_ids(session, conds)
    old = set(ACTIVE2019_IDS)
    shown = [f for f in ALL_IDS if all_columns or f not in old or f in seen]
    return shown + sorted(seen - set(ALL_IDS), key=field_order)


def _agency_names(session: Session, reports: list[tuple[StoredReport, Any]]) -> dict[int, str]:
    """Canonical names of the reports' agencies (the roster's, or the most used)."""
    ids = sorted({r.agency_id for r, _ in reports if r.agency_id is not None})
    out: dict[int, str] = {}
    for chunk in _chunks(ids, 500):
        out.update(
            session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(chunk))).all()
        )
    return out


def _date(text: str | None) -> Any:
    """A stored ISO date as a date (a real date in a spreadsheet), else the text."""
    if not text:
        return None
    from datetime import date

    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return text


def _report_cells(
    rep: StoredReport, sf: Any, names: dict[int, str], zh: bool = False, dates: bool = False
) -> list[Any]:
    """A report's own columns; ``zh``: labels in Chinese; ``dates``: the publication date as
    a date (a spreadsheet's real date), not its ISO text."""
    return [
        rep.id,
        rep.agency_name,
        rep.agency_key,
        rep.year,
        LAYOUT_ZH.get(rep.layout, rep.layout) if zh else rep.layout,
        rep.title,
        _date(rep.published) if zh or dates else rep.published,
        sf.name,
        sf.sha256,
        rep.parser_version,
        rep.n_errors,
        rep.n_warnings,
        rep.n_infos,
        rep.agency_id,
        names.get(rep.agency_id) if rep.agency_id is not None else None,
        rep.version,
    ]


def _report_sheets(
    session: Session,
    fmt: str,
    shape: str,
    headers: str,
    agency: str | None,
    year: Any,
    has_errors: bool,
    all_columns: bool = False,
) -> list[Sheet]:
    """The sheets of a reports export; their rows are produced lazily, a few hundred
    reports at a time, while ``session`` stays open."""
    if shape not in SHAPES:
        raise ValueError(f"不支持的导出形式 {shape}，可选：wide、long")
    ids = _filtered_ids(session, agency, year, has_errors)
    names: dict[int, str] = {}
    by_id = _ReportsByChunk(session, ids, names)  # read as the rows are written
    xlsx = fmt == "xlsx"
    zh = headers == "zh"
    sev: dict[int, dict[str, str]] = {}  # of the chunk being written
    if shape == "wide":
        field_ids = _field_ids(session, agency, year, has_errors, all_columns)
        units = AMOUNT_ID in field_ids  # the unit's column stands after the amount's
        if units:
            field_ids.insert(field_ids.index(AMOUNT_ID) + 1, AMOUNT_UNIT_ID)
        cols = list(REPORT_COLUMNS) + [
            Column(fid, _column_label(fid), _column_kind(fid)) for fid in field_ids
        ]

        def wide_rows() -> Iterator[list[Any]]:
            for chunk in _chunks(ids):
                values: dict[int, dict[str, Any]] = {}
                for rid, fid, vi, vd in _values_of(session, chunk):
                    values.setdefault(rid, {})[fid] = vi if vi is not None else vd
                if units:
                    for rid, unit in _units_of(session, chunk):
                        values.setdefault(rid, {})[AMOUNT_UNIT_ID] = unit
                if xlsx:
                    sev.clear()
                    sev.update(_severity_cells(session, chunk))
                for rid in chunk:
                    rep, sf = by_id[rid]
                    vals = values.get(rid, {})
                    cells = _report_cells(rep, sf, names, zh, xlsx)
                    yield cells + [vals.get(fid) for fid in field_ids]

        index = {fid: len(REPORT_COLUMNS) + i for i, fid in enumerate(field_ids)}
        n_err_col = [c.key for c in REPORT_COLUMNS].index("n_errors")

        def marks(row: list[Any]) -> dict[int, str]:
            m = {index[c]: s for c, s in sev.get(row[0], {}).items() if c in index}
            if row[n_err_col]:
                m[n_err_col] = "error"
                m[1] = "error"
            return m

        sheets: list[Sheet] = [
            ("报告", cols, [c.header(headers) for c in cols], wide_rows(), marks if xlsx else None)
        ]
        if xlsx:
            fcols, fheads, frows = _finding_table(
                session, ids, by_id, "zh" if headers == "zh" else headers, names
            )
            sheets.append(("问题", fcols, fheads, frows, _finding_marks(fcols)))
        return sheets
    cols = list(LONG_COLUMNS)

    def long_rows() -> Iterator[list[Any]]:
        for chunk in _chunks(ids):
            position = {rid: i for i, rid in enumerate(chunk)}
            rows = []
            for rid, fid, vi, vd, blank, raw, prov in _values_of(session, chunk, long=True):
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
                        _provenance_text(prov) if zh else prov,
                        rep.agency_id,
                        names.get(rep.agency_id) if rep.agency_id is not None else None,
                    ]
                )
            for rid, unit in _units_of(session, chunk):
                rep, _ = by_id[rid]
                rows.append(
                    [rid, rep.agency_name, rep.year, AMOUNT_UNIT_ID, _column_label(AMOUNT_UNIT_ID)]
                    + [None, False, unit, None, rep.agency_id]  # the text as raw
                    + [names.get(rep.agency_id) if rep.agency_id is not None else None]
                )
            rows.sort(key=lambda r: (position[r[0]], field_order(r[3])))
            if xlsx:
                sev.clear()
                sev.update(_severity_cells(session, chunk))
            yield from rows

    def long_marks(row: list[Any]) -> dict[int, str]:
        s = sev.get(row[0], {}).get(row[3])
        return {5: s, 4: s} if s else {}

    return [("数据", cols, [c.header(headers) for c in cols], long_rows(), long_marks)]


def export_reports(
    engine: Engine,
    target: str | os.PathLike[str],
    fmt: str = "csv",
    shape: str = "wide",
    headers: str = "id",
    agency: str | None = None,
    year: Any = None,
    has_errors: bool = False,
    all_columns: bool = False,
) -> int:
    """Write the reports matching the filters; returns the number of rows written.
    ``all_columns`` keeps the 2019 layout's columns even when no report fills them."""
    with Session(engine) as session:
        sheets = _report_sheets(session, fmt, shape, headers, agency, year, has_errors, all_columns)
        return _write(target, fmt, sheets)


def _provenance_text(prov: Any) -> str | None:
    """Where a value stood, in words (表、行、列、原文第几行、第几页)."""
    if not isinstance(prov, dict):
        if isinstance(prov, str) and prov.startswith("{"):
            try:
                prov = json.loads(prov)
            except ValueError:
                return prov
        else:
            return None if prov is None else str(prov)
    parts = []
    if prov.get("page"):
        parts.append(f"第{prov['page']}页")
    if prov.get("line"):
        parts.append(f"原文第{prov['line']}行")
    if prov.get("label"):
        parts.append(f"行：{prov['label']}")
    return "，".join(parts) or None


def _plain(v: Any) -> Any:
    """An expected/actual value for people: numbers stay numbers, lists are joined."""
    if v is None or isinstance(v, int | float | Decimal) and not isinstance(v, bool):
        return v
    if isinstance(v, list | tuple):
        return "、".join(str(_plain(x)) for x in v)
    if isinstance(v, dict):
        return "；".join(
            f"{label_of(str(k)) if '.' in str(k) else k}：{_plain(x)}" for k, x in v.items()
        )
    return str(v)


def _finding_table(
    session: Session,
    ids: list[int],
    by_id: Mapping[int, tuple[StoredReport, Any]],
    headers: str,
    names: dict[int, str] | None = None,
) -> tuple[list[Column], list[str], Iterator[list[Any]]]:
    """The findings' columns, headers and rows (produced lazily, by chunks of reports).
    With Chinese headers: labels instead of cell ids, values in words, no JSON."""
    from .letters import rule_title

    zh = headers == "zh"
    all_cols = list(FINDING_COLUMNS)
    keep = [i for i, c in enumerate(all_cols) if not (zh and c.key in _ZH_HIDDEN)]
    cols = [all_cols[i] for i in keep]
    if names is None:
        names = _agency_names(session, list(by_id.values()))

    def rows() -> Iterator[list[Any]]:
        for chunk in _chunks(ids):
            found = list(
                session.scalars(
                    select(StoredFinding)
                    .where(StoredFinding.report_id.in_(chunk))
                    .order_by(StoredFinding.report_id, StoredFinding.id)
                )
            )
            for f in found:
                rep, _ = by_id[f.report_id]
                cells = list(f.cells or [])
                full = [
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
                    (_plain(f.expected) if zh else _text(f.expected))
                    if f.expected is not None
                    else None,
                    (_plain(f.actual) if zh else _text(f.actual)) if f.actual is not None else None,
                    f.fingerprint,
                    STATUS_ZH.get(f.status, f.status) if zh else f.status,
                    f.note,
                    f.decided_at,
                    rule_title(f.rule),
                    rep.agency_id,
                    names.get(rep.agency_id) if rep.agency_id is not None else None,
                ]
                yield [full[i] for i in keep]
            session.expunge_all()  # the chunk's rows are written: let them go

    return cols, [c.header(headers) for c in cols], rows()


def _finding_marks(cols: list[Column]) -> Callable[[list[Any]], dict[int, str]]:
    sev_col = [c.key for c in cols].index("severity")
    rev = {v: k for k, v in SEVERITY_ZH.items()}

    def marks(row: list[Any]) -> dict[int, str]:
        sev = rev.get(row[sev_col], row[sev_col])
        if sev in _FILLS:
            return {i: sev for i in range(len(cols))}
        return {}

    return marks


def _finding_sheets(
    session: Session, fmt: str, headers: str, agency: str | None, year: Any, has_errors: bool
) -> list[Sheet]:
    reports = _filtered_reports(session, agency, year, has_errors)
    by_id = {r.id: (r, sf) for r, sf in reports}
    cols, heads, rows = _finding_table(session, [r.id for r, _ in reports], by_id, headers)
    if fmt == "parquet":
        rows = ([_text(v) if isinstance(v, dict | list) else v for v in r] for r in rows)
    return [("问题", cols, heads, rows, _finding_marks(cols))]


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
        return _write(target, fmt, _finding_sheets(session, fmt, headers, agency, year, has_errors))


EXPORTS: tuple[str, ...] = ("reports", "values", "findings")


def export_chunks(
    engine: Engine,
    what: str,
    fmt: str,
    agency: str | None = None,
    year: int | None = None,
    has_errors: bool = False,
    cancel: Cancel = None,
) -> Iterator[bytes]:
    """``export_reports`` (``what`` = reports: wide; values: long) or ``export_findings``
    (findings) in Chinese, as the bytes of the file piece by piece (for a download); stops
    with :class:`ExportCancelled` once ``cancel()`` is true. The arguments are checked
    before the first piece is asked for."""
    if fmt not in LIST_FORMATS:
        raise ValueError(f"不支持的导出格式 {fmt}，可选：{'、'.join(LIST_FORMATS)}")
    if what not in EXPORTS:
        raise ValueError(f"不能导出 {what}，可选：{'、'.join(EXPORTS)}")
    return _export_chunks(engine, what, fmt, agency, year, has_errors, cancel)


def _export_chunks(
    engine: Engine,
    what: str,
    fmt: str,
    agency: str | None,
    year: int | None,
    has_errors: bool,
    cancel: Cancel,
) -> Iterator[bytes]:
    with Session(engine) as session:
        if what == "findings":
            sheets = _finding_sheets(session, fmt, "zh", agency, year, has_errors)
        else:
            shape = "wide" if what == "reports" else "long"
            sheets = _report_sheets(session, fmt, shape, "zh", agency, year, has_errors)
        if fmt == "csv":
            _, _, headers, rows, _ = sheets[0]
            yield from csv_chunks(headers, rows, cancel)
        else:
            yield from xlsx_chunks(sheets, cancel)


def export_bytes(
    engine: Engine,
    what: str,
    fmt: str,
    agency: str | None = None,
    year: int | None = None,
    has_errors: bool = False,
) -> bytes:
    """``export_chunks`` as one piece of bytes."""
    return b"".join(export_chunks(engine, what, fmt, agency, year, has_errors))
