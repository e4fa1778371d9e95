"""inscriptis's text of a report page whose 表三 has rowspans (the crawler's HTML-to-text).

inscriptis prints an HTML table row by row, each row's cells in source order side by side,
and ignores rowspan and colspan: a column of its text is the n-th cell of every row, as wide
as the widest of them, two spaces between columns. In 表三 the rows that open a group hold one
label cell more (三、本年度办理结果 / （三）不予公开 span the rows below them) than the others,
so the columns of the two kinds of rows interleave; a cell of several paragraphs is printed
over several lines, placed in the row's height by its vertical alignment (centred by
default): the group's label on the value line, the item's label around it.

The shapes are generated here from the golds (no inscriptis installed): the writer's page,
its label cells cut into paragraphs, its tables laid out as inscriptis lays them out (the
algorithm of its ``Table.get_text``). Every table cell must come back right or be named by a
finding, with no false "missing" finding; cutting the labels into paragraphs loses no cell
the one-paragraph page reads right.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

import nianbao
from nianbao.readers.text import read_text

from .shapes import sources
from .test_text_grid import _check, _html

# a cell: its paragraphs, whether they are <p> (a margin line after each), align, valign
Cell = tuple[list[str], bool, str, str]
_VALIGN = {"top": 0, "middle": 1, "bottom": 2}


def _all_golds() -> list[tuple[str, dict[str, Any]]]:
    found = sources(invented=True)
    if not found:
        pytest.skip("shared samples not available")
    return found


# ----------------------------------------------------------------------------- the page
def _page(html: str) -> list[str | list[list[Cell]]]:
    """The page's paragraphs (text) and tables (rows of cells in source order)."""
    import lxml.html

    body = lxml.html.fromstring(html).find("body")
    out: list[str | list[list[Cell]]] = []
    for el in body:
        if el.tag != "table":
            out.append(el.text_content().strip())
            continue
        rows = []
        for tr in el.findall(".//tr"):
            row = []
            for td in tr:
                ps = td.findall("p")
                paras = [p.text_content() for p in ps] if ps else [td.text_content()]
                row.append((paras, bool(ps), td.get("align", "left"), td.get("valign", "middle")))
            rows.append(row)
        out.append(rows)
    return out


def _is_label(text: str) -> bool:
    return bool(text.strip()) and not re.fullmatch(r"[\d.\-+]+", text.strip())


def _cut(
    page: list[str | list[list[Cell]]], how: str, rng: random.Random, valign: str, align: str
) -> list[str | list[list[Cell]]]:
    """The page with every label cell of a data row (one that opens with an ordinal, or
    every label cell: ``how`` ending in ``-all``) cut into paragraphs: ``half`` in two,
    ``thirds`` in three, ``random`` at two or three places after its ordinal; every cell
    given ``valign`` and ``align``."""
    out: list[str | list[list[Cell]]] = []
    for b in page:
        if isinstance(b, str):
            out.append(b)
            continue
        rows = []
        for row in b:
            cells = []
            for paras, in_p, _, _ in row:
                text = "".join(paras)
                ordinal = re.match(r"[（(]?[一二三四五六七八九十\d]", text)
                if _is_label(text) and len(text) >= 6 and (ordinal or how.endswith("-all")):
                    if how.startswith("half"):
                        cuts = [len(text) // 2]
                    elif how.startswith("thirds"):
                        cuts = [len(text) // 3, 2 * len(text) // 3]
                    else:
                        k = rng.randint(1, min(3, len(text) - 5))
                        cuts = sorted(rng.sample(range(4, len(text)), k))
                    ends = [0, *cuts, len(text)]
                    paras = [text[i:j] for i, j in zip(ends, ends[1:]) if text[i:j]]
                    in_p = True
                cells.append((paras, in_p, align, valign))
            rows.append(cells)
        out.append(rows)
    return out


# ----------------------------------------------------------------------------- inscriptis
def _cell_lines(cell: Cell) -> list[str]:
    paras, in_p, _, _ = cell
    if not in_p:
        return [" ".join(paras).strip()]
    out: list[str] = []
    for p in paras:  # a <p>'s margin: an empty line after it (none before the first)
        out += [p.strip(), ""]
    return out


def _table_text(rows: list[list[Cell]]) -> str:
    """inscriptis's ``Table.get_text``: each row as high as its highest cell, each cell
    placed in that height by its vertical alignment; each column (the n-th cell of every
    row) as wide as its widest line; cells padded by their alignment, joined by two spaces."""
    lines = [[_cell_lines(c) for c in row] for row in rows]
    n_cols = max(len(r) for r in rows)
    widths = [max(len(ln) for r in lines if len(r) > k for ln in r[k]) for k in range(n_cols)]
    out = []
    for row, row_lines in zip(rows, lines):
        height = max(len(c) for c in row_lines)
        blocks = []
        for k, (cell, content) in enumerate(zip(row, row_lines)):
            _, _, align, valign = cell
            top = (height - len(content)) * _VALIGN[valign] // 2
            padded = [""] * top + content + [""] * (height - len(content) - top)
            pad = {"left": str.ljust, "right": str.rjust, "center": str.center}[align]
            blocks.append([pad(ln, widths[k]) for ln in padded])
        out += ["  ".join(parts) for parts in zip(*blocks)]
    return "\n".join(out) + "\n"


def _inscriptis(page: list[str | list[list[Cell]]]) -> str:
    parts = [b if isinstance(b, str) else _table_text(b) for b in page]
    return "\n\n".join(parts) + "\n"


def _text(gold: dict[str, Any], how: str, valign: str = "middle", align: str = "left") -> str:
    rng = random.Random(f"{how}{valign}{align}")
    page = _page(_html(gold))
    if how != "plain":
        page = _cut(page, how, rng, valign, align)
    return _inscriptis(page)


def _right(text: str, gold: dict[str, Any]) -> set[str]:
    """The ids of the gold's table cells the text reads right."""
    wrong = {x.split(":")[0] for x in _check(text, gold)}
    return {k for k in gold if k.startswith(("active", "requests", "reviews"))} - wrong


# ----------------------------------------------------------------------------- the tests
def test_the_rowspan_table_with_one_line_labels() -> None:
    """The rows that open a group print one cell more: their values stand a column right of
    the others'. A row with blank cells is named (its values' columns are not certain)."""
    for stem, gold in _all_golds():
        bad = _check(_text(gold, "plain"), gold, strict=False)
        assert not bad, f"{stem}: " + "; ".join(bad[:5])


def test_blank_cells_stand_in_the_columns_the_full_rows_show() -> None:
    """A row with blank cells (its values fewer than seven) is read by its values' columns
    when the rows of as many label cells whose values are all there stand in those columns:
    a group's first row (two label cells) and a row of one label cell alike."""
    blanked = ("requests.granted.commercial", "requests.denied.state_secret.total")
    done = 0
    for stem, gold in _all_golds():
        if any(gold.get(k) is None for k in gold if k.startswith("requests.")):
            continue  # a gold with blanks of its own: no full rows to show the columns
        gold = {**gold, **dict.fromkeys(blanked)}
        for how in ("plain", "half"):
            bad = _check(_text(gold, how), gold)
            assert not bad, f"{stem} {how}: " + "; ".join(bad[:5])
        done += 1
    assert done


@pytest.mark.parametrize(
    "how, valign, align",
    [
        ("half", "middle", "left"),
        ("thirds", "middle", "left"),
        ("half", "top", "left"),
        ("half", "bottom", "left"),
        ("half", "middle", "center"),
        ("thirds", "bottom", "right"),
        ("random", "middle", "left"),
        ("random", "top", "center"),
        ("random", "bottom", "left"),
        ("half-all", "middle", "left"),
        ("half-all", "top", "left"),
        ("thirds-all", "bottom", "center"),
        ("random-all", "middle", "center"),
    ],
)
def test_labels_of_several_paragraphs_beside_the_rowspans(
    how: str, valign: str, align: str
) -> None:
    """The group's label on the value line, the item's label around it in the next
    column, or the label above the values (bottom) or beside its first line (top): each
    value line is the row of the label cells standing around it, and no cell the
    one-paragraph page reads right is lost. ``-all``: the header cells too (法律服务 / 机构
    below 社会公益组织's line must not put 法律服务机构 first) and 表二's labels (其他对外管
    36 4 902 / 理服务事项 at the top of its row)."""
    for stem, gold in _all_golds():
        text = _text(gold, how, valign, align)
        bad = _check(text, gold, strict=False)
        assert not bad, f"{stem}: " + "; ".join(bad[:5])
        plain = _text(gold, "plain")
        lost = _right(plain, gold) - _right(text, gold) - _inferred(plain)
        assert not lost, f"{stem}: {sorted(lost)[:5]}"


def _inferred(text: str) -> set[str]:
    """The cells a reading inferred (the cells every reading that adds up agrees on, its
    finding saying so): another copy may leave them unread, named, and lose nothing it read."""
    rep = nianbao.parse(text.encode("utf-8"))
    return {
        c for f in rep.findings if f.rule in ("R-CELL-COUNT", "R-DIGITS-SPLIT") for c in f.cells
    }


def test_a_group_row_is_read_with_its_item_label() -> None:
    text = (
        "（三）不予公开    8.属于行政查询事项  0  0  0  0  0  0  0\n"
        "                 1.本机关不掌\n"
        "（四）无法提供                          240  5  0  1  0  0  246\n"
        "                 握相关政府信息\n"
        "2.没有现成信\n"
        "                 16                 0       0       0   0  0  16\n"
        "息需要另行制作\n"
    )
    doc = read_text(text)
    rows = [[c.text for c in r] for t in doc.tables for r in t.rows]
    group = ["（四）无法提供", "1.本机关不掌握相关政府信息"]
    assert [*group, "240", "5", "0", "1", "0", "0", "246"] in rows
    assert ["2.没有现成信息需要另行制作", "16", "0", "0", "0", "0", "0", "16"] in rows
    for t in doc.tables:  # every cell keeps its offsets: a value its own characters
        for r in t.rows:
            for c in r:
                if c.text.isdigit():
                    assert doc.text[c.start : c.end] == c.text


def test_split_header_cells_keep_the_form_s_column_order() -> None:
    """表三's header cells of two paragraphs each (法律服务 / 机构 printed a line below
    社会公益组织's): read by columns, each header row whole, in the form's order."""
    for valign in ("middle", "top", "bottom"):
        stem, gold = _all_golds()[0]
        tables = read_text(_text(gold, "half-all", valign)).tables
        rows = [[c.text for c in r] for t in tables for r in t.rows]
        assert ["自然人", "法人或其他组织", "总计"] in rows, (stem, valign)
        assert ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"] in rows


def test_a_value_line_with_no_label_around_it_is_not_given_one() -> None:
    """Values two lines below a label's last line, with no label beside them: which row
    they are is not certain, and the label lines are not joined to them."""
    text = (
        "（四）无法提供    1.本机关不掌\n"
        "                 握相关政府信息\n"
        "\n"
        "\n"
        "                 240     5       0   1  0  0    246\n"
        "2.没有现成信息需要另行制作   16  0  0  0  0  0  16\n"
    )
    rows = [[c.text for c in r] for t in read_text(text).tables for r in t.rows]
    assert not any("1.本机关不掌握相关政府信息" in r for r in rows)
