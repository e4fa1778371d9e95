"""Text that real HTML-to-text tools make of a report's web page, emulated here and checked
against the tools themselves where they are installed.

Run against the real tools (BeautifulSoup, trafilatura, html2text, inscriptis, markdownify,
markitdown, justext, readability, mammoth, docx2txt) on the writer's pages of every gold and
every ``tests.crawlshapes`` markup edit, two shapes read wrong with no finding naming them:

* ``BeautifulSoup(html).get_text(" ")`` — every text node of the page joined by one space.
  A page whose rows stand in the markup without whitespace between them (a CMS's HTML,
  or any page lxml serialised) comes out with a whole table on one line, its rows parted by
  single spaces like its cells. The line was read as one row: the label the first label
  the line names, the values the numbers the line ends with (表三「1.申请人无正当理由逾期
  不补正…」 read the 四、结转下年度继续办理 row's numbers, silently).
* ``trafilatura.extract(html)`` — the page's main text without its title (trafilatura keeps
  the title as metadata) and without a date under the 落款 where the report gives none: the
  agency was left unread though the report signs with its name.

The emulations (``_get_text``, ``_main_text``) are generated from the golds and always run;
each is checked to be the real tool's output where the tool is importable
(``pytest.importorskip``; the tools are not a dependency of the project). Every table cell
must come back right or be named by a finding, with no false "missing" finding.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

import nianbao
from nianbao.extraction.context import paragraph_row
from nianbao.readers.document import Paragraph

from .crawlshapes import edit_page
from .shapes import TABLES, sources
from .test_text_grid import _check, _html

_SHAPES = ("plain", "labels-1", "labels-2", "labels-top", "thead", "mix")


def _golds() -> list[tuple[str, dict[str, Any]]]:
    found = sources(invented=True)
    if not found:
        pytest.skip("shared samples not available")
    return found


def _page(stem: str, gold: dict[str, Any], shape: str) -> str:
    """The writer's page of the gold, re-marked as a CMS marks it (``crawlshapes``)."""
    html = _html(gold)
    if shape == "plain":
        return html
    return edit_page(html, shape, random.Random(f"0|{stem}|{shape}|"), [])


# ----------------------------------------------------------------------------- get_text
def _get_text(html: str, sep: str) -> str:
    """``BeautifulSoup(html, "lxml").get_text(sep)``: the document's text nodes (the head's
    title included; style sheets, scripts and comments not) in order, joined by ``sep``,
    nothing stripped (the same words between the same spaces as the real tool's; lxml
    keeps no whitespace outside ``<html>``)."""
    import lxml.html

    out: list[str] = []

    def walk(el: Any) -> None:
        if isinstance(el.tag, str) and el.tag not in _NO_TEXT:
            out.append(el.text or "")
            for ch in el:
                walk(ch)
        out.append(el.tail or "")

    walk(lxml.html.document_fromstring(html))
    return sep.join(t for t in out if t)


_NO_TEXT = ("style", "script")


@pytest.mark.parametrize("shape", _SHAPES)
def test_a_page_printed_text_node_by_text_node(shape: str) -> None:
    for stem, gold in _golds():
        text = _get_text(_page(stem, gold, shape), " ")
        bad = _check(text, gold, strict=False)
        assert not bad, f"{stem} {shape}: " + "; ".join(bad[:5])


@pytest.mark.parametrize("shape", ("empty-p", "word", "plain"))
def test_a_page_printed_a_text_node_a_line(shape: str) -> None:
    """``get_text("\\n")``: a cell's text a line, an empty cell no line at all, rows parted
    by the empty lines of the markup's line breaks, and Word's empty paragraphs
    (``<p>&nbsp;</p>``, ``empty-p``) lines of a NBSP anywhere in a row: spacing, not cells,
    where the rows say so. A report with no blank cell comes back whole."""
    for stem, gold in _golds():
        text = _get_text(_page(stem, gold, shape), "\n")
        bad = _check(text, gold, strict=not any(b.startswith(TABLES) for b in gold["blank"]))
        assert not bad, f"{stem} {shape}: " + "; ".join(bad[:5])


@pytest.mark.parametrize(
    "shape", ("plain", "spaced-labels", "labels-1", "labels-2", "mix", "empty-p", "word")
)
def test_a_page_printed_text_nodes_run_together(shape: str) -> None:
    """``get_text("")``: the cells run together without a space. Where a cell's sign
    stands apart from its digits (``spaced-labels`` spreads -3 as "- 3"), the dash is glued
    to the cell before and spaced from the digits after (「行政许可214- 35821」 of 214, -3,
    5821; 「行政事业性收费11- 2」 of 11, -2): the sign of the next number, or a placeholder
    glued to the cell before. Before: read 214, 空, 35821 and 11 unread, 2 (-2), silently
    wrong; the row is named unread now, every cell right or named."""
    for stem, gold in _golds():
        text = _get_text(_page(stem, gold, shape), "")
        bad = _check(text, gold, strict=False)
        assert not bad, f"{stem} {shape}: " + "; ".join(bad[:5])


def test_the_text_node_emulation_is_beautifulsoup_s_get_text() -> None:
    bs4 = pytest.importorskip("bs4")
    for stem, gold in _golds()[:4]:
        for shape in ("plain", "labels-1", "mix", "empty-p", "word", "spaced-labels"):
            html = _page(stem, gold, shape)
            for sep in (" ", "\n", ""):
                real = bs4.BeautifulSoup(html, "lxml").get_text(sep)
                mine = _get_text(html, sep)
                assert mine.split() == real.split(), (stem, shape, repr(sep))


def test_a_line_holding_several_rows_is_no_row() -> None:
    """A table run together on one line: its label part holds other rows' values, so the
    line is not one row of a label and the numbers it ends with."""
    line = (
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 "
        "1 0 0 0 0 0 1 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开"
        "申请 0 0 0 0 0 0 0 四、结转下年度继续办理 3 0 0 0 0 0 3"
    )
    assert paragraph_row(Paragraph(line, 0, len(line)), "s3") is None
    one = "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 1 0 0 0 0 0 1"
    row = paragraph_row(Paragraph(one, 0, len(one)), "s3")
    assert row is not None and [c.text for c in row.values] == ["1", "0", "0", "0", "0", "0", "1"]
    # an ordinal right before the label's words is no value
    two = "（五）不予处理 1.信访举报投诉类申请 8 0 0 0 0 0 8"
    row = paragraph_row(Paragraph(two, 0, len(two)), "s3")
    assert row is not None and len(row.values) == 7


# ----------------------------------------------------------------------------- main text
def _main_text(html: str) -> str:
    """``trafilatura.extract(html)`` in its shape: the body's blocks a line each, the
    title (the page's first heading) left out, a table's rows as ``| a | b | `` lines."""
    import lxml.html

    body = lxml.html.fromstring(html).find("body")
    lines: list[str] = []
    for el in body:
        if el.tag == "h1":
            continue
        if el.tag == "table":
            for tr in el.iter("tr"):
                cells = [" ".join(td.text_content().split()) for td in tr if td.tag in ("td", "th")]
                lines.append("| " + " | ".join(cells) + " | ")
            continue
        t = " ".join(el.text_content().split())
        if t:
            lines.append(t)
    return "\n".join(lines)


def test_a_page_without_its_title_names_the_agency_by_its_signature() -> None:
    for stem, gold in _golds():
        rep = nianbao.parse(_main_text(_html(gold)).encode("utf-8"))
        assert rep.meta.get("agency") == gold.get("meta.agency"), stem
        bad = _check(_main_text(_html(gold)), gold)
        assert not bad, f"{stem}: " + "; ".join(bad[:5])


def test_the_main_text_emulation_reads_as_trafilatura_s() -> None:
    trafilatura = pytest.importorskip("trafilatura")
    for stem, gold in _golds():
        html = _html(gold)
        real = trafilatura.extract(html) or ""
        assert "年度报告" not in real.splitlines()[0], stem  # the title is dropped
        mine, theirs = nianbao.parse(_main_text(html).encode()), nianbao.parse(real.encode())
        assert theirs.meta.get("agency") == mine.meta.get("agency") == gold.get("meta.agency")
        assert not _check(real, gold), stem


_BODY = (
    "本报告根据《中华人民共和国政府信息公开条例》编制。\n"
    "本报告中所列数据的统计期限为2023年1月1日至2023年12月31日。\n"
    "一、总体情况\n"
    "2023年，青岚县财政局扎实做好主动公开、依申请公开等工作。\n"
    "六、其他需要报告的事项\n"
    "无其他需要报告的事项。\n"
)


@pytest.mark.parametrize(
    "tail, agency",
    [
        ("青岚县财政局\n", "青岚县财政局"),
        ("青岚县财政局\n2024年1月20日\n", "青岚县财政局"),
        ("青岚县人民政府办公室主办\n", None),  # a page footer, not a 落款
        ("无其他需要报告的事项\n青岚县财政局\n", None),  # no closing sentence before it
        ("本局\n", None),
        # a page's footer naming a body the report names nowhere else: no 落款
        ("青岚县人民政府办公室\n", None),
        ("青岚县大数据中心\n", None),
    ],
)
def test_a_signature_without_its_date(tail: str, agency: str | None) -> None:
    body = _BODY if not tail.startswith("无其他") else _BODY.replace("无其他需要报告的事项。\n", "")
    rep = nianbao.parse((body + tail).encode("utf-8"))
    assert rep.meta.get("agency") == agency


# ----------------------------------------------------------------------------- html2text
def _html2text(html: str) -> str:
    """``html2text`` (``body_width=0``) in its shape: headings ``#`` lines, paragraphs parted
    by blank lines, a table's rows ``a| b| c`` without the outer pipes, its first row (the
    header, or ``<thead>``'s first row, or the first row of a ``<tfoot>`` written first)
    over a ``---|---`` line of as many dashes as it has cells, every line ending with the
    two spaces of a Markdown line break; a blank cell empty between its pipes."""
    import lxml.html

    body = lxml.html.fromstring(html).find("body")
    out: list[str] = []
    for el in body:
        if el.tag == "table":
            rows = [tr for tr in el.iter("tr")]
            for n, tr in enumerate(rows):
                cells = [" ".join(td.text_content().split()) for td in tr if td.tag in ("td", "th")]
                out.append("| ".join(cells) + "  ")
                if n == 0:
                    out.append("|".join("---" for _ in cells) + "  ")
            out.append("")
            continue
        t = " ".join(el.text_content().split())
        if not t:
            continue
        level = int(el.tag[1]) if el.tag in ("h1", "h2", "h3", "h4") else 0
        out += [("#" * level + " " if level else "") + t, ""]
    return "\n".join(out)


@pytest.mark.parametrize("shape", ("plain", "thead", "labels-top", "s3-head3", "wide"))
def test_markdown_tables_without_their_outer_pipes(shape: str) -> None:
    """Every table a ``a| b| c`` table: each piece between the pipes a cell, a blank one
    too, the rows read in any order (``<tfoot>``'s 总计 and 结转 rows printed first)."""
    for stem, gold in _golds():
        bad = _check(_html2text(_page(stem, gold, shape)), gold)
        assert not bad, f"{stem} {shape}: " + "; ".join(bad[:5])


def test_the_markdown_emulation_is_html2text_s() -> None:
    html2text = pytest.importorskip("html2text")
    for stem, gold in _golds()[:6]:
        for shape in ("plain", "thead", "labels-top", "s3-head3", "wide"):
            html = _page(stem, gold, shape)
            conv = html2text.HTML2Text()
            conv.body_width = 0
            real = [ln.rstrip() for ln in conv.handle(html).splitlines() if ln.strip()]
            mine = [ln.rstrip() for ln in _html2text(html).splitlines() if ln.strip()]
            assert mine == real, (stem, shape)


# ----------------------------------------------------------------------------- PDF tables
def _ragged_table_two(md: str, rng: random.Random) -> str:
    """A Markdown copy whose 表二 table of three counts (规章 / 行政规范性文件) is cut into
    columns where its text stood, as a PDF converter that finds a table by its words'
    positions cuts it (markitdown's PDF tables, seen on the writer's PDFs): an empty column
    before the label, empty columns between the numbers, the numbers one column right of
    their header words or not, a trailing empty column."""
    out = []
    for ln in md.splitlines():
        cells = [c.strip() for c in ln.strip().strip("|").split("|")]
        if (
            ln.startswith("|")
            and len(cells) == 4
            and cells[0] in ("信息内容", "规章", "行政规范性文件")
        ):
            if cells[0] == "信息内容" and not cells[2]:
                out.append(ln)
                continue
            head = cells[0] == "信息内容"
            gaps = [rng.choice((0, 1)) for _ in range(3)]
            row = ["", cells[0]]
            for n, v in enumerate(cells[1:]):
                lead = [""] * gaps[n] if not head else []
                row += [*lead, v, *([""] * (1 - gaps[n] if not head else 1))]
            out.append("| " + " | ".join(row + [""]) + " |")
            continue
        out.append(ln)
    return "\n".join(out)


def test_table_two_cut_into_more_columns_than_the_form_s() -> None:
    from nianbao.report import Report
    from nianbao.writing.writer import render

    for stem, gold in _golds():
        if "active.regulations.issued" not in gold:
            continue
        md = render(Report.from_flat(gold), "md").decode("utf-8")
        for seed in range(3):
            text = _ragged_table_two(md, random.Random(f"{stem}|{seed}"))
            assert text != md
            assert not _check(text, gold, strict=False), stem
            rep = nianbao.parse(text.encode("utf-8"))
            flat = rep.flat()
            for rid in ("regulations", "normative"):
                ks = [f"active.{rid}.{f}" for f in ("issued", "repealed", "in_force")]
                if all(gold.get(k) is not None for k in ks):  # (a blank: named, above)
                    assert [flat.get(k) for k in ks] == [gold[k] for k in ks], (stem, seed)


def test_table_two_with_a_remarks_column_holding_a_number_is_not_read_in_order() -> None:
    """A 表二 with a 备注 column the form has not, a number in it and a count left blank:
    the row is wider than its header (whose 备注 is taken off as a remark's), no table cut
    into more columns: the numbers are not read by their order (the remark's number was
    read for 现行有效件数, the blank for a 0)."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    done = 0
    for stem, gold in _golds():
        ks = [f"active.regulations.{f}" for f in ("issued", "repealed", "in_force")]
        if any(gold.get(k) is None for k in ks):
            continue
        md = render(Report.from_flat(gold), "md").decode("utf-8")
        out = []
        for ln in md.splitlines():
            cells = [c.strip() for c in ln.strip().strip("|").split("|")]
            if ln.startswith("|") and cells[:2] == ["信息内容", "本年制发件数"]:
                ln = ln + " 备注 |"
            elif ln.startswith("|") and cells[0] == "规章" and len(cells) == 4:
                ln = f"| 规章 | {cells[1]} |  | {cells[3]} | 7 |"
            out.append(ln)
        done += 1
        flat = nianbao.parse("\n".join(out).encode("utf-8")).flat()
        assert [flat.get(k) for k in ks] == [gold[ks[0]], None, gold[ks[2]]], stem
    assert done


def _ragged_table_four(md: str, rng: random.Random) -> str:
    """The Markdown copy with 表四's row of 15 numbers cut as such a converter cuts it
    (seen on the writer's PDFs): some neighbouring numbers in one cell (``0 0``), an empty
    column among them, fewer cells than 15 in all."""
    out = []
    for ln in md.splitlines():
        cells = [c.strip() for c in ln.strip().strip("|").split("|")]
        if ln.startswith("|") and len(cells) == 15 and all(c.isdigit() for c in cells):
            row: list[str] = []
            k = 0
            while k < len(cells):
                if k + 1 < len(cells) and rng.random() < 0.3:
                    row.append(f"{cells[k]} {cells[k + 1]}")
                    k += 2
                else:
                    row.append(cells[k])
                    k += 1
            while len(row) > 13:  # (with the empty column, fewer cells than 15)
                j = rng.randrange(len(row) - 1)
                if " " not in row[j] + row[j + 1]:
                    row[j : j + 2] = [f"{row[j]} {row[j + 1]}"]
            row.insert(rng.randrange(1, len(row)), "")
            ln = "| " + " | ".join(row) + " |"
        out.append(ln)
    return "\n".join(out)


def test_table_four_cut_into_fewer_cells_some_holding_two_numbers() -> None:
    from nianbao.report import Report
    from nianbao.writing.writer import render

    done = 0
    for stem, gold in _golds():
        md = render(Report.from_flat(gold), "md").decode("utf-8")
        for seed in range(3):
            text = _ragged_table_four(md, random.Random(f"{stem}|{seed}"))
            if text == md:
                continue  # (a 表四 with a blank cell: not a row of 15 numbers)
            done += 1
            assert not _check(text, gold), (stem, seed)
    assert done
