"""Review of the session's new readings (CSV, a data frame's numbers, 备注 / 序号 columns,
rows whose label is lost, rows unread): inputs that broke them, each failing before its fix.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import nianbao
from nianbao.readers.text import read_text

from .test_text_grid import _check
from .test_textshapes_realcopies import _csv, _joined, _page


def _sources() -> list[tuple[str, dict[str, Any]]]:
    from .shapes import sources

    found = sources()
    if len(found) <= 2:
        pytest.skip("shared samples not available")
    return found


# Word's "convert table to text" with commas: one field a cell, a vertically merged cell
# an empty field below its first row. 表四's third header line opens with five empty
# fields (结果维持 … 总计 of 行政复议 span two rows); its value line counts 0 first. The
# data-frame rule took the empty first field for a header line without a row number and
# the lone 0 below it for the frame's row numbers, and dropped 表四's first column.
_WORD_REVIEWS = (
    "行政复议,行政诉讼\n"
    "结果维持,结果纠正,其他结果,尚未审结,总计,未经复议直接起诉,复议后起诉\n"
    ",,,,,结果维持,结果纠正,其他结果,尚未审结,总计,结果维持,结果纠正,其他结果,尚未审结,总计\n"
    "0,1,0,0,1,0,0,0,0,0,0,0,0,0,0\n"
)


def test_word_table_as_commas_keeps_a_first_value_of_0() -> None:
    rows = [[c.text for c in r] for t in read_text(_WORD_REVIEWS).tables for r in t.rows]
    assert ["0", "1", "0", "0", "1"] + ["0"] * 10 in rows


def test_word_table_as_commas_reads_table_four() -> None:
    """Every gold's page as Word's table-to-text with commas: 表四 read whole (at the
    review: unread with R-CELL-COUNT wherever 复议's 结果维持 was 0)."""
    bad = []
    for stem, gold in _sources():
        data = _page(gold, _joined("word", ","))
        flat = nianbao.parse(data.encode("utf-8")).flat()
        bad += [
            f"{stem} {k}: gold={v!r} got={flat.get(k)!r}"
            for k, v in gold.items()
            if k.startswith("reviews.") and flat.get(k) != v
        ]
        bad += [f"{stem}: {x}" for x in _check(data, gold, strict=False)]
    assert not bad, bad[:6]


def _wrapped(anchors: list[Any], n_rows: int, n_cols: int) -> tuple[list[Any], int, int]:
    """Long labels wrapped inside their cell (a spreadsheet cell with a line break)."""
    out = []
    for r, c, rs, cs, t in anchors:
        if len(t) > 12 and not re.fullmatch(r"[\d.]+", t):
            t = t[: len(t) // 2] + "\n" + t[len(t) // 2 :]
        out.append((r, c, rs, cs, t))
    return out, n_rows, n_cols


def test_csv_quoted_fields_with_line_breaks() -> None:
    """A spreadsheet saved as CSV quotes a cell holding a line break and writes the break:
    the record goes on over the next line. Read line by line, the table broke at each
    wrapped label: 21 silent cells and 3 false R-ROW-MISSING over the golds."""
    doc = read_text('表二\n"行政事\n业性收费",5,6\n行政许可,"1,234",7\n')
    (table,) = doc.tables
    assert [[c.text for c in r] for r in table.rows] == [
        ["行政事业性收费", "5", "6"],
        ["行政许可", "1,234", "7"],
    ]
    bad = []
    for stem, gold in _sources():
        data = _page(gold, _csv(False), _wrapped)
        bad += [f"{stem}: {x}" for x in _check(data, gold)]
    assert not bad, bad[:6]


def test_page_number_among_cells_of_a_cell_per_line_copy() -> None:
    """A page number's line among the cells of a copy of one cell a line (blank cells lines
    of spaces), a blank line of its own on each side: taken away with both, it left a blank
    line where it stood, read as one blank cell more: the row's 0 landed in 其他, its 总计
    blank, and no finding named 其他 (the same at ab7dc92)."""
    from .test_sample_edits import _score, _texts

    found = _texts()
    if len(found) < 5:
        pytest.skip("shared samples not available")
    bad = []
    for stem, path, gold in found:
        text = path.read_text(encoding="utf-8").replace("\t", "    ")
        text = text.replace("（一）予以公开\n", "（一）予以公开\n\n— 6 —\n\n", 1)
        s = _score(stem, "page-number-in-row", text, gold)
        bad += [f"{stem}: {x}" for x in s.silent_ids + s.false_missing + s.false_sums]
    assert not bad, bad[:6]
