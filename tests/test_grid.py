"""The shared span expander and text layout."""

from __future__ import annotations

import pytest

from nianbao.readers.grid import (
    MAX_SLOTS,
    DocumentBuilder,
    GridTooLarge,
    expand_spans,
    lay_out_table,
    parse_span,
    place_cells,
    strip_invisible,
)


def _view(grid) -> list[list[str]]:
    return [[("^" if c.covered else "") + c.text for c in row] for row in grid.rows]


@pytest.mark.parametrize(
    ("raw", "want"),
    [("2", 2), ("2px", 2), (" 3 ", 3), ("0", 1), ("", 1), (None, 1), ("abc", 1), ("-2", 1)],
)
def test_parse_span_is_lenient(raw: str | None, want: int) -> None:
    assert parse_span(raw) == want


def test_rowspan_and_colspan_mark_covered_slots() -> None:
    rows = [
        [("三、办理结果", 3, 1), ("（三）不予公开", 2, 1), ("1.国家秘密", 1, 1), ("1", 1, 1)],
        [("2.法律禁止", 1, 1), ("", 1, 1)],
        [("（四）总计", 1, 2), ("5", 1, 1)],
    ]
    grid = expand_spans(rows)
    assert _view(grid) == [
        ["三、办理结果", "（三）不予公开", "1.国家秘密", "1"],
        ["^三、办理结果", "^（三）不予公开", "2.法律禁止", ""],
        ["^三、办理结果", "（四）总计", "^（四）总计", "5"],
    ]
    assert grid.anchor_of[(2, 0)] == (0, 0)
    assert grid.anchor_of[(2, 2)] == (2, 1)
    assert [(c.row, c.col) for c in grid.rows[2]] == [(2, 0), (2, 1), (2, 2), (2, 3)]


def test_blank_is_not_covered_and_short_rows_are_padded() -> None:
    grid = expand_spans([[("a", 1, 1), ("b", 1, 1), ("c", 1, 1)], [("x", 1, 1)]])
    assert _view(grid) == [["a", "b", "c"], ["x", "", ""]]
    assert not any(c.covered for row in grid.rows for c in row)


def test_rowspan_is_clamped_to_the_table() -> None:
    grid = expand_spans([[("a", 1000, 1), ("b", 1, 1)], [("c", 1, 1)]])
    assert len(grid.rows) == 2
    assert _view(grid) == [["a", "b"], ["^a", "c"]]


def test_huge_grid_is_refused() -> None:
    with pytest.raises(GridTooLarge):
        expand_spans([[("x", 1, 1000)] for _ in range(MAX_SLOTS // 1000 + 1)])


def test_place_cells_keeps_absolute_positions() -> None:
    grid = place_cells([(0, 1, 2, 1, "a"), (1, 2, 1, 1, "b")], 2, 3)
    assert _view(grid) == [["", "a", ""], ["", "^a", "b"]]


def test_layout_offsets_point_into_the_text() -> None:
    grid = expand_spans(
        [[("商业\n企业", 1, 2), ("3", 1, 1)], [("x", 1, 1), ("", 1, 1), ("7", 1, 1)]]
    )
    text, table = lay_out_table(grid, 10)
    assert table.start == 10 and table.end == 10 + len(text)
    for row in table.rows:
        for cell in row:
            assert text[cell.start - 10 : cell.end - 10] == cell.text
    covered = table.rows[0][1]
    assert covered.covered and (covered.start, covered.end) == (
        table.rows[0][0].start,
        table.rows[0][0].end,
    )
    assert table.rows[1][1].start == table.rows[1][1].end  # a blank cell is an empty span


def test_builder_numbers_tables_and_drops_invisible_characters() -> None:
    b = DocumentBuilder()
    b.add_paragraph("一、总体\u200b情况")
    b.add_paragraph("   ")
    b.add_table(expand_spans([[("a", 1, 1), ("b", 1, 1)]]), "html")
    b.add_table(expand_spans([[("c", 1, 1)]]), "html")
    assert b.blocks[0].text == "一、总体情况"
    assert [t.index for t in b.blocks[1:]] == [0, 1]
    for block in b.blocks:
        assert b.text[block.start : block.end] in ("一、总体情况", "a\tb", "c")
    assert strip_invisible("a\ufeffb\u00adc") == "abc"
