"""The text styles (``md``, ``tab``, ``lines``, ``pipe``, ``pipe-split``) and HTML of a
report's blocks."""

from __future__ import annotations

from html import escape

from ..schema import REQUEST_GROUPS
from .blocks import _Block, _plain
from .tables import GridCell, GridTable


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
