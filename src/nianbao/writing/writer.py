"""Report -> the national format (国办公开办函〔2021〕30号, and the 2019 layout when the
figures are 2019 ones), rendered in the layouts seen in the wild.

The three tables are first built as a grid of anchor cells with their row/column spans,
exactly as the official template lays them out (``format.md`` §3). Every output style is a
view of that grid:

* ``md``       — Markdown: ``#`` headings, pipe tables with a separator row, full grid;
* ``tab``      — plain text, tab-separated rows as Word copies a table: a slot covered
  by a merge is an empty cell (spans of section 三's label columns collapse into one);
* ``lines``    — plain text, one cell per line starting with a tab, a blank line ends a
  row; long labels wrap over several lines (continuation lines carry no tab);
* ``pipe``     — plain text, ``| a | b |`` rows over the full grid (covered slots empty);
* ``pipe-split`` — pipe rows broken over lines (``|``, then ``text |`` per anchor cell,
  covered slots left out, the last cell padded with ``|``), as some converters print;
* ``html`` / ``html-gbk`` — real ``rowspan``/``colspan``; UTF-8, or GBK bytes with
  ``<meta charset=gbk>``;
* ``docx``     — real merged cells (``gridSpan``/``vMerge`` through python-docx ``merge``);
* ``docx-lo``  — a DOCX made by LibreOffice from the HTML (another producer's merge
  encoding and grid), when LibreOffice is installed;
* ``pdf``      — the DOCX converted by LibreOffice; text is added before section 三 so that
  its table runs over a page break.

A figure absent from the report is written as 0; a figure present but blank (None) stays
blank, so that a parsed report round-trips.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from ..errors import ConverterMissing
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
    SECTION_HEADINGS,
    SECTION_KEYS,
)

__all__ = [
    "STYLES",
    "TEXT_STYLES",
    "GridCell",
    "GridTable",
    "ConverterMissing",
    "layout_of",
    "build_tables",
    "render",
    "write_report",
    "title_of",
    "soffice_path",
]

STYLES: tuple[str, ...] = (
    "md",
    "tab",
    "lines",
    "pipe",
    "pipe-split",
    "html",
    "html-gbk",
    "docx",
    "docx-lo",
    "pdf",
)
TEXT_STYLES: tuple[str, ...] = ("md", "tab", "lines", "pipe", "pipe-split")

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
        for label, span in zip(columns, _spans(len(columns))):
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


# ---------------------------------------------------------------------- document blocks
@dataclass(slots=True)
class _Block:
    kind: str  # title | heading | para | table | right
    text: str = ""
    table: GridTable | None = None


def title_of(report: Report) -> str:
    agency = report.meta.get("agency") or ""
    year = report.meta.get("year")
    year_text = f"{year}年" if year else ""
    return f"{agency}{year_text}政府信息公开工作年度报告"


def _date_text(value: object) -> str | None:
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", str(value))
    if m:
        return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"
    return str(value)


def _default_text(report: Report, key: str) -> str:
    agency = report.meta.get("agency") or "本机关"
    year = report.meta.get("year")
    year_text = f"{year}年" if year else "本年度"
    if key == "s1":
        return (
            f"{year_text}，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，"
            "扎实做好主动公开、依申请公开、政府信息管理、政府信息公开平台建设和监督保障等工作。"
        )
    if key == "s5":
        return "本年度政府信息公开工作存在的主要问题及改进情况由本机关另行说明。"
    if key == "s6":
        return "无其他需要报告的事项。"
    return ""


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of a narrative (Markdown or plain): blank lines or single newlines split
    paragraphs; empty lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _plain(text: str) -> str:
    """Markdown marks removed, for the non-Markdown outputs."""
    text = re.sub(r"^#+\s*", "", text)
    return text.replace("**", "")


def _blocks(report: Report, texts: dict[str, str] | None, filler: int = 0) -> list[_Block]:
    texts = dict(texts or {})
    tables = build_tables(report)
    year = report.meta.get("year")
    agency = report.meta.get("agency") or ""
    out = [_Block("title", title_of(report))]
    if "preamble" in texts:
        out += [_Block("para", p) for p in _paragraphs(texts["preamble"])]
    else:
        out.append(
            _Block(
                "para",
                "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）"
                "和国务院办公厅政府信息公开办公室有关要求编制。",
            )
        )
        if year:
            out.append(
                _Block("para", f"本报告中所列数据的统计期限为{year}年1月1日至{year}年12月31日。")
            )
    for key in SECTION_KEYS:
        out.append(_Block("heading", SECTION_HEADINGS[key]))
        body = texts.get(key)
        if body is None:
            section = report.sections.get(key)
            body = section.text if section is not None and section.text.strip() else None
        if body is None:
            body = _default_text(report, key)
        out += [_Block("para", p) for p in _paragraphs(body)]
        if key in tables:
            out.append(_Block("table", table=tables[key]))
        if key == "s2" and filler:
            out += [_Block("para", _FILLER) for _ in range(filler)]
    if "closing" in texts:
        out += [_Block("para", p) for p in _paragraphs(texts["closing"])]
    else:
        date = _date_text(report.meta.get("published"))
        if agency:
            out.append(_Block("right", agency))
        if date:
            out.append(_Block("right", date))
    return out


_FILLER = (
    "本机关坚持以公开为常态、不公开为例外，围绕群众关切做好政策解读和回应工作，"
    "持续规范依申请公开办理流程，做到依法依规、答复规范，切实保障人民群众知情权、参与权、表达权和监督权。"
)


# ---------------------------------------------------------------------- text styles
def _render_md(blocks: list[_Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        if b.kind == "title":
            lines += [f"# {b.text}", ""]
        elif b.kind == "heading":
            lines += [f"## {b.text}", ""]
        elif b.kind in ("para", "right"):
            lines += [b.text, ""]
        elif b.table is not None:
            grid = b.table.expanded()
            for i, row in enumerate(grid):
                lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
                if i == 0:
                    lines.append("|" + "|".join(" --- " for _ in row) + "|")
            lines.append("")
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "")


def _render_pipe(blocks: list[_Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        if b.kind == "table" and b.table is not None:
            lines += [
                "| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.table.expanded()
            ]
            lines.append("")
        else:
            lines += [_plain(b.text), ""]
    return "\n".join(lines)


def _render_pipe_split(blocks: list[_Block]) -> str:
    """Pipe rows broken over lines, as some converters print Word tables: a line ``|``
    opens a row, every anchor cell follows as ``text |`` on its own line, covered slots
    are left out, and the row's last line is padded with ``|``."""
    lines: list[str] = []
    for b in blocks:
        if b.kind == "table" and b.table is not None:
            for r in range(b.table.n_rows):
                anchors = b.table.anchors(r)
                lines.append("|")
                for i, c in enumerate(anchors):
                    text = _md_cell(c.text)
                    if i == len(anchors) - 1:
                        lines.append(f"{text} | " + "|" * (b.table.n_cols - len(anchors) + 1))
                    else:
                        lines.append(f"{text} |")
        else:
            lines.append(_plain(b.text))
    return "\n".join(lines) + "\n"


def _render_tab(blocks: list[_Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        if b.kind == "table" and b.table is not None:
            for row in b.table.tab_rows():
                lines.append("\t".join(row))
            lines.append("")
        else:
            lines += [_plain(b.text), ""]
    return "\n".join(lines)


# labels the "lines" style writes over several lines, as Word exports narrow cells
_STACKED = {"三、本年度办理结果"}
_INDENT = "\u3000\u3000"


def _wrap_label(cell: GridCell, table: GridTable) -> str:
    text = cell.text
    if cell.kind != "label" or not text:
        return text
    if text in _STACKED:
        return "\n".join(text)
    if text in REQUEST_GROUPS.values() and "." not in text:
        head, _, rest = text.partition("）")
        return head + "）\n" + "\n".join(rest[i : i + 2] for i in range(0, len(rest), 2))
    if table.key == "s3" and cell.row in (1, 2) and len(text) >= 4 and cell.colspan == 1:
        return "\n".join(text[i : i + 2] for i in range(0, len(text), 2))
    if table.key == "s4" and cell.row in (1, 2) and len(text) == 4:
        return text[:2] + "\n" + text[2:]
    return text


def _render_lines(blocks: list[_Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        if b.kind == "table" and b.table is not None:
            for row in b.table.word_rows():
                for c in row:
                    text = "" if c is None else _wrap_label(c, b.table)
                    lines.append("\t" + text)
                lines.append("")
            lines.append("")
        elif b.kind == "title":
            lines.append(b.text)
        elif b.kind == "right":
            lines.append(_INDENT * 8 + b.text)
        else:
            lines.append(_INDENT + _plain(b.text))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- html
def _render_html(blocks: list[_Block], charset: str) -> str:
    title = next((b.text for b in blocks if b.kind == "title"), "")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        f'<meta charset="{charset}">',
        f"<title>{escape(title)}</title>",
        "<style>table{border-collapse:collapse}td{border:1px solid #000;padding:2px 4px;"
        "text-align:center}</style>",
        "</head>",
        "<body>",
    ]
    for b in blocks:
        if b.kind == "title":
            parts.append(f"<h1>{escape(b.text)}</h1>")
        elif b.kind == "heading":
            parts.append(f"<h2>{escape(b.text)}</h2>")
        elif b.kind == "para":
            parts.append(f"<p>{escape(_plain(b.text))}</p>")
        elif b.kind == "right":
            parts.append(f'<p style="text-align:right">{escape(b.text)}</p>')
        elif b.table is not None:
            parts.append('<table border="1">')
            for r in range(b.table.n_rows):
                cells = []
                for c in b.table.anchors(r):
                    attrs = ""
                    if c.rowspan > 1:
                        attrs += f' rowspan="{c.rowspan}"'
                    if c.colspan > 1:
                        attrs += f' colspan="{c.colspan}"'
                    cells.append(f"<td{attrs}>{escape(c.text)}</td>")
                parts.append("<tr>" + "".join(cells) + "</tr>")
            parts.append("</table>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


# ---------------------------------------------------------------------- docx
def _render_docx(blocks: list[_Block]) -> bytes:
    from docx import Document as DocxDocument
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, Twips

    doc = DocxDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)  # A4
    section.left_margin = section.right_margin = Twips(1440)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), "宋体")
    for b in blocks:
        if b.kind == "title":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(b.text)
            run.bold = True
            run.font.size = Pt(16)
        elif b.kind == "heading":
            p = doc.add_paragraph()
            p.add_run(b.text).bold = True
        elif b.kind == "para":
            p = doc.add_paragraph(_plain(b.text))
            p.paragraph_format.first_line_indent = Pt(21)
        elif b.kind == "right":
            p = doc.add_paragraph(b.text)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif b.table is not None:
            _docx_table(doc, b.table, WD_TABLE_ALIGNMENT, WD_ALIGN_PARAGRAPH, Pt, Twips)
            doc.add_paragraph()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# column widths (twips) on an A4 page with 2.54 cm margins (9026 twips of text width)
_DOCX_WIDTHS: dict[str, tuple[int, ...]] = {
    "s2": (2256, 2256, 2257, 2257),
    "s3": (600, 1100, 2500) + (689,) * 7,
    "s4": (601,) * 14 + (612,),
}


def _docx_table(doc, grid: GridTable, table_align, para_align, pt, twips) -> None:
    table = doc.add_table(rows=grid.n_rows, cols=grid.n_cols)
    table.style = "Table Grid"
    table.alignment = table_align.CENTER
    table.autofit = False
    widths = _DOCX_WIDTHS[grid.key]
    # One pass over the unmerged grid (table.cell() re-walks the whole table per call).
    # Merges below only touch the w:tc elements of their own rectangle, and rectangles
    # never overlap, so the cells taken here stay valid for the anchors and corners.
    slots = table._cells
    for k, col in enumerate(table.columns):
        col.width = twips(widths[k])
    for i, cell in enumerate(slots):
        cell.width = twips(widths[i % grid.n_cols])
    for c in grid.cells:
        cell = slots[c.row * grid.n_cols + c.col]
        if c.rowspan > 1 or c.colspan > 1:
            corner = slots[(c.row + c.rowspan - 1) * grid.n_cols + c.col + c.colspan - 1]
            cell = cell.merge(corner)
        cell.text = c.text
        for p in cell.paragraphs:
            if c.kind == "value" or grid.key != "s3" or c.col >= 3:
                p.alignment = para_align.CENTER
            for run in p.runs:
                run.font.size = pt(9)


# ---------------------------------------------------------------------- pdf
def soffice_path() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _soffice_convert(data: bytes, src_suffix: str, target: str, out_suffix: str) -> bytes:
    """Convert a document with LibreOffice in a private profile and temporary folder."""
    soffice = soffice_path()
    if soffice is None:
        raise ConverterMissing(
            "未找到 LibreOffice（soffice），无法转换文档。请先安装："
            "apt-get install libreoffice-writer-nogui fonts-noto-cjk"
        )
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as tmp:
        src = Path(tmp) / f"report{src_suffix}"
        src.write_bytes(data)
        outdir = Path(tmp) / "out"
        cmd = [
            soffice,
            f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(src),
        ]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=180)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ConverterMissing(f"LibreOffice 转换失败：{exc}") from exc
        out = outdir / f"report{out_suffix}"
        if not out.exists():
            raise ConverterMissing("LibreOffice 未生成输出文件。")
        return out.read_bytes()


def _docx_to_pdf(docx_bytes: bytes) -> bytes:
    return _soffice_convert(docx_bytes, ".docx", "pdf", ".pdf")


def _s3_splits_pages(pdf_bytes: bytes) -> bool:
    """True when the section 三 table starts on one page and ends on a later one."""
    import pdfplumber

    start = end = None
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for i, page in enumerate(pdf.pages):
            text = (page.extract_text() or "").replace(" ", "")
            if start is None and "勾稽" in text:
                start = i
            if "结转下年度" in text:
                end = i
    return start is not None and end is not None and end > start


def _render_pdf(report: Report, texts: dict[str, str] | None) -> bytes:
    # Enough text after section 二 that section 三's table crosses a page break; the
    # exact amount depends on fonts, so try a few and keep the first that splits.
    pdf = b""
    for filler in (4, 9, 14, 2, 0):
        pdf = _docx_to_pdf(_render_docx(_blocks(report, texts, filler=filler)))
        if _s3_splits_pages(pdf):
            return pdf
    return pdf


# ---------------------------------------------------------------------- entry points
def render(report: Report, style: str = "tab", texts: dict[str, str] | None = None) -> bytes:
    """Render a report in one of ``STYLES``; ``texts`` maps section keys (s1…s6,
    ``preamble``, ``closing``) to narrative text that replaces the defaults."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose one of {', '.join(STYLES)}")
    if style == "pdf":
        return _render_pdf(report, texts)
    if style == "docx-lo":
        html = _render_html(_blocks(report, texts), "utf-8").encode("utf-8")
        return _soffice_convert(html, ".html", "docx:MS Word 2007 XML", ".docx")
    blocks = _blocks(report, texts)
    if style == "md":
        return _render_md(blocks).encode("utf-8")
    if style == "tab":
        return _render_tab(blocks).encode("utf-8")
    if style == "lines":
        return _render_lines(blocks).encode("utf-8")
    if style == "pipe":
        return _render_pipe(blocks).encode("utf-8")
    if style == "pipe-split":
        return _render_pipe_split(blocks).encode("utf-8")
    if style == "html":
        return _render_html(blocks, "utf-8").encode("utf-8")
    if style == "html-gbk":
        return _render_html(blocks, "gbk").encode("gbk", errors="xmlcharrefreplace")
    return _render_docx(blocks)


def write_report(data: bytes, path: str | os.PathLike[str], force: bool = True) -> Path:
    """Write bytes atomically: a temporary file in the target directory, then
    ``os.replace``; a reader never sees a partial file. ``force=False`` refuses to
    overwrite an existing file (FileExistsError)."""
    target = Path(path)
    if target.exists() and not force:
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


def iter_value_cells(table: GridTable) -> Iterable[GridCell]:
    """The value cells of a table, in print order."""
    return (c for c in sorted(table.cells, key=lambda c: (c.row, c.col)) if c.kind == "value")
