"""Copies of a report's tables that real tools and agencies make and no other generator
does: a merged cell's text REPEATED into every cell it spans (``pandas.read_html`` written
out with ``to_csv`` / ``to_markdown`` / ``to_string``, the frame's own row and column
numbers printed with it, ``nan`` for an empty cell), CSV with quoted fields, a numbering
column (序号) or a remarks column (备注: blank, 无, words) added to the form, zero written as
〇, and a merged value repeated along a pipe row (行政许可 | 3559 | 3559 | 3559).

Each shape is generated here from the golds (the writer's page, its tables taken as grids
by :func:`tests.test_text_grid._blocks`); every table cell must come back right (or, where
the text cannot say, be named by a finding), with no false "missing" finding.
"""

from __future__ import annotations

import csv
import html as htmllib
import io
import re
from collections.abc import Callable
from typing import Any

import pytest

from nianbao.readers.labels import parse_value
from nianbao.readers.text import read_text

from .test_text_grid import _blocks, _check, _html

Anchor = tuple[int, int, int, int, str]  # row, col, rowspan, colspan, text
Grid = tuple[list[Anchor], int, int]


def _sources() -> list[tuple[str, dict[str, Any]]]:
    from .shapes import sources

    found = sources()
    if len(found) <= 2:
        pytest.skip("shared samples not available")
    return found


# ----------------------------------------------------------------------------- grids
def _cells(anchors: list[Anchor], n_rows: int, n_cols: int, mode: str) -> list[list[str]]:
    """The table's rows of cell texts: ``repeat`` puts a merged cell's text in every cell it
    spans (pandas, a per-cell scrape), ``top`` only in its top-left cell (a spreadsheet),
    ``word`` keeps one cell per merged cell and an empty cell below it (Word's text)."""
    grid: list[list[str | None]] = [[None] * n_cols for _ in range(n_rows)]
    for r, c, rs, cs, t in anchors:
        for i in range(rs):
            for j in range(cs):
                if mode == "repeat":
                    grid[r + i][c + j] = t
                elif mode == "top":
                    grid[r + i][c + j] = t if (i, j) == (0, 0) else ""
                elif j == 0:
                    grid[r + i][c + j] = t if i == 0 else ""
    if mode == "word":
        return [[x for x in row if x is not None] for row in grid]
    return [[x or "" for x in row] for row in grid]


def _page(
    gold: dict[str, Any], table: Callable[[list[Anchor], int, int], str], edit: Any = None
) -> str:
    parts = []
    for b in _blocks(_html(gold)):
        if isinstance(b, str):
            parts.append(b)
        else:
            parts.append(table(*(edit(*b) if edit else b)))
    return "\n\n".join(parts) + "\n"


def _html_page(gold: dict[str, Any], edit: Any) -> str:
    parts = []
    for b in _blocks(_html(gold)):
        if isinstance(b, str):
            parts.append(f"<p>{htmllib.escape(b)}</p>")
            continue
        anchors, n_rows, _ = edit(*b)
        rows: dict[int, list[str]] = {}
        for r, _c, rs, cs, t in sorted(anchors):
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            rows.setdefault(r, []).append(f"<td{attrs}>{htmllib.escape(t)}</td>")
        trs = "".join("<tr>" + "".join(rows.get(r, [])) + "</tr>" for r in range(n_rows))
        parts.append(f'<table border="1">{trs}</table>')
    body = "\n".join(parts)
    return f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'


# ----------------------------------------------------------------------------- printers
def _tsv(mode: str) -> Callable[[list[Anchor], int, int], str]:
    def table(anchors: list[Anchor], n_rows: int, n_cols: int) -> str:
        return "\n".join("\t".join(row) for row in _cells(anchors, n_rows, n_cols, mode))

    return table


def _csv(index: bool, head: int = 0) -> Callable[[list[Anchor], int, int], str]:
    """``DataFrame.to_csv`` of ``read_html``'s frame: merged cells repeated; ``index``: the
    row numbers first and a line of column numbers on top; ``head``: that many rows were
    the page's ``<th>`` header, written as header lines without a row number."""

    def table(anchors: list[Anchor], n_rows: int, n_cols: int) -> str:
        rows = _cells(anchors, n_rows, n_cols, "repeat")
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        if index and not head:
            w.writerow([""] + [str(i) for i in range(n_cols)])
        for k, row in enumerate(rows):
            num = [] if not index else [""] if k < head else [str(k - head)]
            w.writerow(num + row)
        return buf.getvalue().rstrip("\n")

    return table


def _to_markdown(anchors: list[Anchor], n_rows: int, n_cols: int) -> str:
    """``DataFrame.to_markdown``: the frame's numbers as header and first column, an empty
    cell printed ``nan``."""
    rows = _cells(anchors, n_rows, n_cols, "repeat")
    out = ["|    | " + " | ".join(str(i) for i in range(n_cols)) + " |"]
    out.append("|---:|" + "|".join(":---" for _ in range(n_cols)) + "|")
    out += [
        f"| {k:>2} | " + " | ".join(x or "nan" for x in row) + " |" for k, row in enumerate(rows)
    ]
    return "\n".join(out)


def _to_string(anchors: list[Anchor], n_rows: int, n_cols: int) -> str:
    """``DataFrame.to_string``: columns right-aligned in characters, two spaces apart, an
    empty cell printed ``NaN``."""
    cells = _cells(anchors, n_rows, n_cols, "repeat")
    rows = [[str(i) for i in range(n_cols)]] + [[x or "NaN" for x in r] for r in cells]
    idx = [""] + [str(k) for k in range(n_rows)]
    widths = [max(len(r[c]) for r in rows) for c in range(n_cols)]
    iw = max(map(len, idx))
    return "\n".join(
        i.ljust(iw) + "".join("  " + x.rjust(w) for x, w in zip(r, widths))
        for i, r in zip(idx, rows)
    )


def _joined(mode: str, sep: str) -> Callable[[list[Anchor], int, int], str]:
    def table(anchors: list[Anchor], n_rows: int, n_cols: int) -> str:
        return "\n".join(sep.join(row) for row in _cells(anchors, n_rows, n_cols, mode))

    return table


# ----------------------------------------------------------------------------- table edits
def _is_data_row(row: list[Anchor]) -> bool:
    return any(c > 0 and (t == "" or re.fullmatch(r"-?[\d.]+", t)) for _, c, _, _, t in row)


def _insert_col(anchors: list[Anchor], n_rows: int, n_cols: int, at: int, text_of: Any) -> Grid:
    """A column inserted before grid column ``at``, ``text_of(row_anchors)`` its cells."""
    out: list[Anchor] = []
    covered: set[int] = set()
    for r, c, rs, cs, t in anchors:
        if c >= at:
            out.append((r, c + 1, rs, cs, t))
        elif c + cs > at:
            out.append((r, c, rs, cs + 1, t))
            covered |= {r + i for i in range(rs)}
        else:
            out.append((r, c, rs, cs, t))
    by_row: dict[int, list[Anchor]] = {}
    for a in anchors:
        by_row.setdefault(a[0], []).append(a)
    out += [(r, at, 1, 1, text_of(by_row.get(r, []))) for r in range(n_rows) if r not in covered]
    return sorted(out), n_rows, n_cols + 1


def _column(head: str, data: Callable[[int], str], first: bool) -> Any:
    def edit(anchors: list[Anchor], n_rows: int, n_cols: int) -> Grid:
        state = {"n": 0, "head": True}

        def text_of(row: list[Anchor]) -> str:
            if _is_data_row(row):
                state["n"] += 1
                return data(state["n"])
            if state["head"]:
                state["head"] = False
                return head
            return ""

        return _insert_col(anchors, n_rows, n_cols, 0 if first else n_cols, text_of)

    return edit


_REMARKS = ("", "无", "详见附注", "含转办件2件", "—")
_numbering = _column("序号", str, first=True)
_remarks = _column("备注", lambda n: _REMARKS[n % len(_REMARKS)], first=False)
_remarks_wu = _column("备注", lambda n: "无", first=False)


def _zero_as_ling(anchors: list[Anchor], n_rows: int, n_cols: int) -> Grid:
    return [(r, c, rs, cs, "〇" if t == "0" else t) for r, c, rs, cs, t in anchors], n_rows, n_cols


def _thousands(anchors: list[Anchor], n_rows: int, n_cols: int) -> Grid:
    """Numbers with thousands commas, labels with ASCII commas: CSV quotes both."""
    out = []
    for r, c, rs, cs, t in anchors:
        t = f"{int(t):,}" if t.isdigit() and len(t) > 3 else t.replace("，", ",")
        out.append((r, c, rs, cs, t))
    return out, n_rows, n_cols


def _th_head(anchors: list[Anchor], n_rows: int, n_cols: int) -> int:
    """The header rows a CMS would mark ``<th>``: those above the first row with a value."""
    return min((r for r, c, _, _, t in anchors if c > 0 and re.fullmatch(r"[\d.]*", t)), default=0)


def _th_csv(anchors: list[Anchor], n_rows: int, n_cols: int) -> str:
    return _csv(True, _th_head(anchors, n_rows, n_cols))(anchors, n_rows, n_cols)


# ----------------------------------------------------------------------------- the shapes
SHAPES: dict[str, Callable[[dict[str, Any]], str]] = {
    "csv": lambda g: _page(g, _csv(False)),
    "csv-index": lambda g: _page(g, _csv(True)),
    "csv-th-index": lambda g: _page(g, _th_csv),
    "csv-quoted": lambda g: _page(g, _csv(False), _thousands),
    "frame-markdown": lambda g: _page(g, _to_markdown),
    "frame-string": lambda g: _page(g, _to_string),
    "numbering-tab": lambda g: _page(g, _tsv("word"), _numbering),
    "numbering-markdown": lambda g: _page(g, _to_markdown, _numbering),
    "remarks-tab": lambda g: _page(g, _tsv("word"), _remarks),
    "remarks-wu-repeat": lambda g: _page(g, _tsv("repeat"), _remarks_wu),
    "remarks-markdown": lambda g: _page(g, _to_markdown, _remarks),
    "ling-tab": lambda g: _page(g, _tsv("word"), _zero_as_ling),
    "repeat-tab": lambda g: _page(g, _tsv("repeat")),
    "html-numbering": lambda g: _html_page(g, _numbering),
    "html-remarks": lambda g: _html_page(g, _remarks),
    "html-ling": lambda g: _html_page(g, _zero_as_ling),
}
# shapes where the text cannot say every cell: each value right or named by a finding
NAMED: dict[str, Callable[[dict[str, Any]], str]] = {
    "repeat-pipe": lambda g: _page(g, _joined("repeat", " | ")),
    "repeat-space": lambda g: _page(g, _joined("repeat", " ")),
    "remarks-tab-stripped": lambda g: "\n".join(
        ln.rstrip() for ln in _page(g, _tsv("word"), _remarks).split("\n")
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_cell_right(shape: str) -> None:
    for stem, gold in _sources():
        bad = _check(SHAPES[shape](gold), gold)
        assert not bad, f"{stem} {shape}: " + "; ".join(bad[:5])


@pytest.mark.parametrize("shape", sorted(NAMED))
def test_every_cell_right_or_named(shape: str) -> None:
    for stem, gold in _sources():
        bad = _check(NAMED[shape](gold), gold, strict=False)
        assert not bad, f"{stem} {shape}: " + "; ".join(bad[:5])


def test_the_generators_print_what_pandas_prints() -> None:
    """The CSV printers above against pandas itself (where installed), and pandas'
    to_string read as well."""
    pd = pytest.importorskip("pandas")
    stem, gold = _sources()[0]
    page = _html(gold)
    frames = pd.read_html(io.StringIO(page))
    tables = [b for b in _blocks(page) if not isinstance(b, str)]
    for df, grid in zip(frames, tables):
        assert df.to_csv().rstrip("\n") == _csv(True)(*grid)
        assert df.to_csv(index=False, header=False).rstrip("\n") == _csv(False)(*grid)
    # to_string's spacing differs from ours in details: its own text must read as well
    bad = _check(_page(gold, lambda *g: frames[tables.index(g)].to_string()), gold)
    assert not bad, "; ".join(bad[:5])


# ----------------------------------------------------------------------------- the pieces
def test_csv_fields_quoted_and_offsets() -> None:
    text = '行政许可,"1,234","说""明""",5\n行政处罚,0,,7\n'
    (table,) = read_text(text).tables
    assert [[c.text for c in r] for r in table.rows] == [
        ["行政许可", "1,234", '说"明"', "5"],
        ["行政处罚", "0", "", "7"],
    ]
    doc = read_text(text)
    cell = doc.tables[0].rows[0][1]
    assert doc.text[cell.start : cell.end] == "1,234"


@pytest.mark.parametrize(
    "text",
    [
        "首页,政务公开,年度报告\n首页,政务公开,通知公告\n",  # breadcrumbs: no numbers
        "2022年,我县共受理申请12件,办结12件。\n2021年,我县共受理申请9件,办结9件。\n",  # prose
        "行政许可  12,345  1,234\n行政处罚  2,345  6,789\n",  # columns with thousands commas
        "邮编:054000,电话:0310-1234567,地址:1号\n邮编:054001,电话:0310-7654321,地址:2号\n",
    ],
)
def test_lines_with_commas_that_are_no_csv(text: str) -> None:
    assert all(t.kind != "tab" for t in read_text(text).tables)


def test_frame_numbers_only_when_they_count_from_zero() -> None:
    rows = read_text(
        "| 序号 | 事项 | 件数 |\n|---|---|---|\n| 1 | 行政许可 | 5 |\n| 2 | 行政处罚 | 3 |\n| 3 | 行政强制 | 0 |\n"
    )
    assert [c.text for c in rows.tables[0].rows[1]] == ["1", "行政许可", "5"]
    rows = read_text(
        "|  | 0 | 1 |\n|---|---|---|\n| 0 | 行政许可 | 5 |\n| 1 | 行政处罚 | 3 |\n| 2 | 行政强制 | 0 |\n"
    )
    assert [[c.text for c in r] for r in rows.tables[0].rows] == [
        ["行政许可", "5"],
        ["行政处罚", "3"],
        ["行政强制", "0"],
    ]


@pytest.mark.parametrize(
    "text, value",
    [("〇", 0), ("零", 0), ("〇件", 0), ("○", 0), ("nan", None), ("NaN", None), ("无", None)],
)
def test_zero_words_and_frame_blanks(text: str, value: int | None) -> None:
    assert parse_value(text)[0] == value
