"""One small fixture per parser bug found (each named after what went wrong)."""

from __future__ import annotations

import nianbao
from nianbao.readers.sniff import decode_bytes
from nianbao.readers.text import text_to_blocks

from .conftest import EXAMPLES

EXAMPLE = (EXAMPLES / "reports" / "qinglan-2024.txt").read_text(encoding="utf-8")


def test_tab_only_lines_at_the_end_of_a_table_are_empty_cells():
    # one cell per line: the last row's seven empty cells ('\t' lines) were dropped with the
    # trailing blank lines, so the row 四、结转下年度继续办理 vanished (R-ROW-MISSING)
    text = "\t四、结转下年度继续办理\n" + "\t\n" * 7 + "\n\n"
    (table,) = text_to_blocks(text)
    assert [c.text for c in table.rows[0]] == ["四、结转下年度继续办理"] + [""] * 7


def test_a_markdown_row_of_blank_cells_is_not_a_separator():
    (table,) = text_to_blocks("| a | b |\n|---|---|\n|  |  |\n")
    assert [[c.text for c in r] for r in table.rows] == [["a", "b"], ["", ""]]


def test_a_line_without_tabs_inside_a_tab_table_is_a_row_of_its_own():
    # it was glued to the cell above ('40\n第二十条第（五）项')
    (table,) = text_to_blocks("信息内容\t数量\n规范性文件\t40\n第二十条第（五）项\n行政许可\t3\n")
    assert [c.text for c in table.rows[1]] == ["规范性文件", "40"]
    assert [c.text for c in table.rows[2]] == ["第二十条第（五）项"]


def test_the_header_cell_zongji_is_not_the_processed_total_row():
    # the matrix header '… 申请人情况 … 总计' was taken for （七）总计 before the real row
    rep = nianbao.parse(EXAMPLE.encode())
    assert rep.get("requests.processed_total.total") == 54


def test_utf16_without_bom_holding_mostly_chinese():
    data = EXAMPLE.encode("utf-16-le")
    text, enc = decode_bytes(data)
    assert enc == "utf-16-le" and text == EXAMPLE


def test_a_wholly_blank_review_row_is_fifteen_blank_cells():
    lines = EXAMPLE.split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("四、政府信息公开行政复议"))
    j = next(k for k in range(i + 1, len(lines)) if lines[k][:1].isdigit())
    lines[j] = "\t" * 14
    rep = nianbao.parse("\n".join(lines).encode())
    assert (
        rep.has("reviews.litigation_after.total")
        and rep.get("reviews.litigation_after.total") is None
    )


def test_a_readers_note_is_not_called_a_cleaned_residue():
    """An HTML page whose declared charset does not fit its bytes is read by content; the
    R-INGEST-ARTIFACT finding says so as a note on the reading, not as 已清除转换残留."""
    page = (EXAMPLES / "reports" / "qinglan-2023.html").read_text(encoding="utf-8")
    page = page.replace('<meta charset="utf-8">', '<meta charset="big5">', 1)
    report = nianbao.parse(page.encode("utf-8"), name="page.html")
    found = [f for f in report.findings if f.rule == "R-INGEST-ARTIFACT"]
    assert found, [f.rule for f in report.findings]
    message = found[0].message
    assert "读取说明：" in message and "编码" in message
    assert "已清除转换残留：网页" not in message
    assert report.values  # the report itself is read
