"""Text that HTML-to-text converters make of report pages whose cells hold several
paragraphs (a CMS's ``<td><p>行政事</p><p>业性收费</p></td>``) or full-width digits.

Each shape is generated here from the golds (no converter installed): the writer's page,
its tables drawn as the converter prints them —

* w3m / pandoc grid tables laid out in the display width of full-width digits
  (``１３４７０`` takes ten columns; normalising it to ASCII must not shift the walls), a
  long number wrapped inside a narrow cell (``１２５`` / ``９``), a number split at its
  decimal point over two paragraphs (``１５１５`` / ``．２５９２``);
* inscriptis, which centres a cell's content vertically: a label of two paragraphs is
  printed around its value (``行政事`` / ``   1515.2592`` / ``业性收费``), and a crawler's
  ``get_text("\\n")`` of the same page (one paragraph per line).

Every value must come back right, or be named by a finding, with no false "missing"; a
value line is never given to a label it does not belong to.
"""

from __future__ import annotations

import random
from typing import Any

from nianbao.readers.document import Paragraph
from nianbao.readers.text import read_text

from .test_text_grid import _blocks, _check, _draw, _golds, _html

_FW = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _full_width(anchors: list[Any]) -> list[Any]:
    return [
        (r, c, rs, cs, t.translate(_FW) if t.replace(".", "").isdigit() else t)
        for r, c, rs, cs, t in anchors
    ]


def _framed_full_width(gold: dict[str, Any], style: str) -> str:
    parts = []
    for b in _blocks(_html(gold)):
        if isinstance(b, str):
            parts.append(b)
        else:
            anchors, n_rows, n_cols = b
            parts.append(_draw(_full_width(anchors), n_rows, n_cols, style=style, wide=True))
    return "\n\n".join(parts) + "\n"


def test_framed_grids_of_full_width_digits_keep_their_columns() -> None:
    """w3m / pandoc lay the grid out in display width: a full-width digit takes two
    columns, and a decimal number of them wraps in a narrow cell (１５１ / ５．２５ / ９２)."""
    for style in ("w3m", "pandoc"):
        for stem, gold in _golds():
            bad = _check(_framed_full_width(gold, style), gold)
            assert not bad, f"{stem} {style}: " + "; ".join(bad[:5])


def test_a_number_split_at_its_decimal_point_over_two_paragraphs_of_a_cell() -> None:
    text = (
        "+----------------+----------------+\n"
        "| 行政           | １５１５       |\n"
        "|                |                |\n"
        "| 事业性收费     | ．２５９２     |\n"
        "+----------------+----------------+\n"
        "| 行政           | 3              |\n"
        "| 许可           | 9              |\n"
        "+----------------+----------------+\n"
    )
    (table,) = read_text(text).tables
    assert [[c.text for c in r] for r in table.rows] == [
        ["行政\n事业性收费", "1515.2592"],
        ["行政\n许可", "3\n9"],  # two short numbers in a wide cell stay two lines
    ]


# ----------------------------------------------------------------------------- 表二 in
# paragraphs around the value
def _split(label: str, rng: random.Random) -> list[str]:
    if len(label) < 4:
        return [label]
    k = rng.randint(2, min(4, len(label) - 2))
    return [label[:k], label[k:]]


def _active_around(gold: dict[str, Any], centred: bool, seed: int) -> str:
    """The writer's page with 表二 printed as inscriptis prints a table whose label cells
    hold two paragraphs (``centred``: values on the middle line, columns aligned by spaces,
    a blank line between paragraphs) or as get_text("\\n") does (each paragraph a line)."""
    rng = random.Random(seed)
    out: list[str] = []
    for b in _blocks(_html(gold)):
        if isinstance(b, str):
            out.append(b)
            continue
        anchors, n_rows, _ = b
        rows: dict[int, list[str]] = {}
        for r, _c, _rs, _cs, t in anchors:
            rows.setdefault(r, []).append(t)
        is_active = any("规章" == cells[0] for cells in rows.values())
        for r in range(n_rows):
            cells = rows.get(r, [])
            if not cells:
                continue
            values = cells[1:]
            numeric = values and all(v.replace(".", "").isdigit() or not v for v in values)
            if not (is_active and numeric):
                out.append(("    " if is_active else "\t").join(cells))
                continue
            parts = _split(cells[0], rng)
            if centred:
                line = " " * 9 + "".join(f"{v:<11}" for v in values)
                if len(parts) == 1:
                    out.append(f"{parts[0]:<9}" + line[9:])
                else:
                    out += [parts[0], line, parts[1], " " * 20]
            else:
                vals = [v for v in values if v]
                out += parts[:1] + vals + parts[1:] if len(vals) == 1 else parts + vals
        out.append("")
    return "\n".join(out) + "\n"


def test_a_label_printed_around_its_value_is_one_label() -> None:
    for centred in (True, False):
        for stem, gold in _golds():
            if not any(k.startswith("active.") for k in gold):
                continue
            for seed in range(3):
                text = _active_around(gold, centred, seed)
                # the rows of three values (行政规范性文件); a row of one value printed
                # apart from its label line is left to the form reading
                bad = [
                    x
                    for x in _check(text, gold)
                    if x.startswith(("active.normative", "active.regulations", "false"))
                ]
                assert not bad, f"{stem} centred={centred} seed={seed}: " + "; ".join(bad[:5])


def test_a_value_below_a_label_is_never_given_to_the_next_label() -> None:
    """A label wrapped over lines with its values on its last line (a PDF's text): the line
    below the values opens the next row (its ordinal), so the lines are not joined."""
    text = (
        "（六）其他处理\n"
        "1.申请人无正当理由逾期不补\n"
        "正、行政机关不再处理其政府信\n"
        "息公开申请\n"
        "67 3 0 0 1 0 71\n"
        "2.申请人逾期未按收费通知要求\n"
        "缴纳费用、行政机关不再处理其\n"
        "政府信息公开申请\n"
        "6 0 0 0 0 0 6\n"
    )
    texts = [b.text for b in read_text(text).blocks if isinstance(b, Paragraph)]
    assert texts == [ln for ln in text.splitlines()]


# ----------------------------------------------------------------------------- numbers
# broken at the decimal point
def _fee_ids(gold: dict[str, Any]) -> list[str]:
    return [
        k
        for k in ("active.fees", "active2019.procurement.amount")
        if isinstance(gold.get(k), float)
    ]


def _decimal_golds() -> list[tuple[str, dict[str, Any]]]:
    from .shapes import sources

    return [(s, g) for s, g in sources() if _fee_ids(g)]


def test_markdown_escapes_inside_numbers() -> None:
    """mammoth's Markdown escapes the point of a decimal (``1515\\.2592``), a leading minus
    (``\\-3``) and the point of an ordinal (``2\\.其他``)."""
    import re

    from nianbao.report import Report
    from nianbao.writing.writer import render

    for stem, gold in _decimal_golds():
        md = render(Report.from_flat(gold), "md").decode("utf-8")
        md = re.sub(r"(\d)\.", r"\1\\.", md)
        md = re.sub(r"(?<![\w\\])-(\d)", r"\\-\1", md)
        bad = _check(md, gold)
        assert not bad, f"{stem}: " + "; ".join(bad[:5])


def _split_at_point(html: str, sep: str) -> str:
    """The writer's page with every decimal cell's number broken at its point: ``sep``
    joins the halves (two paragraphs of the cell, two spans)."""
    import re

    return re.sub(
        r"<td([^>]*)>(\d+)\.(\d+)</td>",
        lambda m: f"<td{m.group(1)}>{sep.format(m.group(2) + '.', m.group(3))}</td>",
        html,
    )


def test_a_decimal_broken_over_two_paragraphs_of_an_html_cell() -> None:
    import nianbao

    for stem, gold in _decimal_golds():
        for sep in ("<p>{}</p><p>{}</p>", "<p>{}</p>\n<p>.{}</p>"):
            page = _split_at_point(_html(gold), sep.replace(".{}", ".{}"))
            if sep.endswith(".{}</p>"):  # the point opens the second paragraph
                page = page.replace(".</p>\n<p>.", "</p>\n<p>.")
            report = nianbao.parse(page.encode("utf-8"))
            flat = report.flat()
            for k in _fee_ids(gold):
                assert flat.get(k) == gold[k], f"{stem} {sep}: {k} {flat.get(k)!r}"
            # the two paragraphs read as one number: an inference, named
            named = {c for f in report.findings if f.rule == "R-NON-NUMERIC" for c in f.cells}
            assert set(_fee_ids(gold)) <= named, f"{stem} {sep}: the join is not named"


def test_a_decimal_broken_over_two_lines_of_a_crawled_page() -> None:
    """A crawler's get_text("\\n") / get_text(" ") of a page whose number is two spans
    (``812.`` / ``5``): the number is whole again; a short ordinal before a value is not."""
    import lxml.html

    from nianbao.readers.text import fold_decimal_breaks

    for stem, gold in _decimal_golds():
        page = _split_at_point(_html(gold), "<span>{}</span><span>{}</span>")
        body = lxml.html.fromstring(page).find("body")
        for sep in ("\n", " "):
            text = sep.join(t for t in body.itertext() if t.strip())
            bad = [x for x in _check(text, gold, strict=False)]
            assert not bad, f"{stem} {sep!r}: " + "; ".join(bad[:5])
            flat = read_text(text)  # the fee cell's text is whole
            assert any(str(gold[k]) in flat.text for k in _fee_ids(gold)), stem
    assert fold_decimal_breaks("4.\n      2     2") == "4.\n      2     2"
    assert fold_decimal_breaks("3.    0   0") == "3.    0   0"
    assert fold_decimal_breaks("2022.\n12.31") == "2022.\n12.31"
    assert fold_decimal_breaks("收费 812. 5 万元") == "收费 812.5  万元"
    assert fold_decimal_breaks(" 1515   \n   .2592 \n") == " 1515.2592   \n    \n"


def test_a_label_and_its_decimal_both_broken_in_a_column_aligned_table() -> None:
    """inscriptis of a cell pair of two paragraphs each (行政 / 事业性收费 beside
    １５１５ / ．２５９２): one row, one number."""
    text = (
        "二、主动公开政府信息情况\n\n"
        "规章        0          0          0\n"
        "行政规范性文件   2          1          11\n"
        "行政许可     13470\n"
        "行政       １５１５\n"
        "               \n"
        "事业性收费    ．２５９２\n"
    )
    rows = [[c.text for c in r] for t in read_text(text).tables for r in t.rows]
    assert ["行政事业性收费", "1515.2592"] in rows


def test_a_decimal_broken_before_its_point_over_two_paragraphs() -> None:
    """``961`` / ``71.6`` in two paragraphs of one cell (the HTML page itself, and pandoc's
    grid table of it) is 96171.6; two whole numbers on two lines stay unread."""
    import re

    import nianbao

    for stem, gold in _decimal_golds():
        page = re.sub(
            r"<td([^>]*)>(\d+)(\d\.\d+)</td>",
            lambda m: f"<td{m.group(1)}><p>{m.group(2)}</p><p>{m.group(3)}</p></td>",
            _html(gold),
        )
        flat = nianbao.parse(page.encode("utf-8")).flat()
        for k in _fee_ids(gold):
            assert flat.get(k) == gold[k], f"{stem}: {k} {flat.get(k)!r}"
    grid = (
        "+------------+--------------+\n"
        "| 行政       | 961          |\n"
        "| 事业性收费 | 71.6         |\n"
        "+------------+--------------+\n"
    )
    (table,) = read_text(grid).tables
    assert [c.text for c in table.rows[0]] == ["行政\n事业性收费", "96171.6"]
