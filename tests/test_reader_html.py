"""HTML reader: encodings, article finding, span expansion, hostile pages."""

from __future__ import annotations

import pytest

from nianbao.errors import EmptyInput, InputTooLarge, NotAReport
from nianbao.readers.document import Document, Paragraph, Table
from nianbao.readers.html import MAX_HTML_BYTES, read_html

PAGE = """<!DOCTYPE html>
<html><head>{meta}<title>某区人民政府2023年政府信息公开工作年度报告_某区人民政府</title>
<script>document.write("<table><tr><td>脚本</td></tr></table>")</script>
<style>td {{ color: red }}</style></head>
<body>
<header><div>网站首页</div></header>
<nav><a href="/">首页</a> &gt; <a href="/xxgk">政府信息公开</a></nav>
<div class="wrap">
  <h1 class="title">某区人民政府2023年政府信息公开工作年度报告</h1>
  <div class="article">
    <p>　　本报告依据《条例》编制。</p>
    <p><strong>一、总体情况</strong></p>
    <p>　　2023年，本区坚持……喆<br>另起一行</p>
    <p>二、主动公开政府信息情况</p>
    <table border="1">
      <thead><tr><th colspan="4">第二十条第（一）项</th></tr></thead>
      <tbody>
        <tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
        <tr><td>规章</td><td>1</td><td>&nbsp;</td><td>3</td></tr>
        <tr><td>行政规范性<br>文件</td><td>2</td><td>0</td><td>9</td></tr>
        <tr><td>行政许可</td><td colspan="3px">550</td></tr>
      </tbody>
    </table>
    <p>三、收到和处理政府信息公开申请情况</p>
    <table>
      <tr><td rowspan="2" colspan="2">（本列数据的勾稽关系）</td><td colspan="2">申请人情况</td></tr>
      <tr><td>自然人</td><td>总计</td></tr>
      <tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>5</td><td>5</td></tr>
      <tr><td>（二）部分公开</td><td></td><td>0</td></tr>
      <tr><td colspan="0">四、结转下年度继续办理</td><td>1</td><td>1</td></tr>
    </table>
  </div>
</div>
<footer>版权所有 某区人民政府</footer>
</body></html>
"""


def _html(meta: str = '<meta charset="utf-8">') -> str:
    return PAGE.format(meta=meta)


def _grid(table: Table) -> list[list[str]]:
    return [[("^" if c.covered else "") + c.text for c in row] for row in table.rows]


def _check_offsets(doc: Document) -> None:
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == (
            block.text if isinstance(block, Paragraph) else doc.text[block.start : block.end]
        )
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    assert doc.text[cell.start : cell.end] == cell.text


def test_utf8_page_paragraphs_and_tables() -> None:
    doc = read_html(_html().encode("utf-8"), "a.html")
    assert doc.media_type == "text/html" and doc.encoding == "utf-8"
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paras[0] == "某区人民政府2023年政府信息公开工作年度报告"
    assert "一、总体情况" in paras
    assert "二、主动公开政府信息情况" in paras and "三、收到和处理政府信息公开申请情况" in paras
    assert "2023年，本区坚持……喆\n另起一行" in [p.strip("\u3000") for p in paras]
    # nothing from script, style, nav, header or footer
    for junk in ("脚本", "color", "首页", "网站首页", "版权所有"):
        assert junk not in doc.text
    assert [t.kind for t in doc.tables] == ["html", "html"]
    assert [t.index for t in doc.tables] == [0, 1]
    _check_offsets(doc)


def test_spans_expanded_with_thead_rows_br_and_nbsp() -> None:
    active = read_html(_html().encode("utf-8")).tables[0]
    assert _grid(active) == [
        ["第二十条第（一）项", "^第二十条第（一）项", "^第二十条第（一）项", "^第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "1", "\xa0", "3"],
        ["行政规范性\n文件", "2", "0", "9"],
        ["行政许可", "550", "^550", "^550"],
    ]


def test_rowspan_colspan_and_blank_cells() -> None:
    requests = read_html(_html().encode("utf-8")).tables[1]
    assert _grid(requests) == [
        ["（本列数据的勾稽关系）", "^（本列数据的勾稽关系）", "申请人情况", "^申请人情况"],
        ["^（本列数据的勾稽关系）", "^（本列数据的勾稽关系）", "自然人", "总计"],
        ["三、本年度办理结果", "（一）予以公开", "5", "5"],
        ["^三、本年度办理结果", "（二）部分公开", "", "0"],
        # colspan="0" counts as 1: the row is a cell short and ends in a number, so no
        # blank cell stands beyond its end (its numbers are read in the last columns)
        ["四、结转下年度继续办理", "1", "1", "^1"],
    ]
    blank = requests.rows[3][2]
    assert not blank.covered and blank.text == ""


@pytest.mark.parametrize(
    "meta",
    [
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        '<meta charset="GBK">',
        "",  # no declaration: detected
    ],
)
def test_gbk_pages(meta: str) -> None:
    data = _html(meta).encode("gbk")  # 喆 is in GBK but not in GB2312
    doc = read_html(data)
    assert doc.encoding and doc.encoding.startswith("gb18030")
    assert "喆" in doc.text and "某区人民政府" in doc.text
    assert _grid(doc.tables[0])[4] == ["行政许可", "550", "^550", "^550"]


def test_layout_table_is_walked_as_a_container() -> None:
    inner = PAGE.split('<div class="article">')[1].split("</div>\n</div>")[0]
    page = (
        '<html><head><meta charset="utf-8"></head><body><table width="100%"><tr>'
        "<td>栏目导航</td><td><div>" + inner + "</div></td></tr></table></body></html>"
    )
    doc = read_html(page.encode("utf-8"))
    assert len(doc.tables) == 2
    assert doc.tables[0].rows[4][1].text == "550"
    assert any(isinstance(b, Paragraph) and b.text == "一、总体情况" for b in doc.blocks)


def test_nested_table_rows_are_not_the_outer_tables_rows() -> None:
    page = (
        "<html><body><p>一、总体情况</p><table><tr><td>a</td><td>b</td></tr>"
        "<tr><td>c</td><td>d</td></tr></table>"
        "<table><tr><td><table><tr><td>x</td><td>y</td></tr><tr><td>1</td><td>2</td></tr>"
        "</table></td><td>z</td></tr></table></body></html>"
    )
    doc = read_html(page.encode("utf-8"))
    grids = [_grid(t) for t in doc.tables]
    assert grids == [[["a", "b"], ["c", "d"]], [["x", "y"], ["1", "2"]]]


def test_hostile_page_does_not_break_the_reader() -> None:
    deep = "<table><tr><td>" * 3000 + "深" + "</td></tr></table>" * 3000
    huge_attr = '<p title="' + "x" * 1_000_000 + '">二、主动公开政府信息情况</p>'
    row = "<tr>" + '<td colspan="99999" rowspan="99999">炸</td>' * 50 + "</tr>"
    bomb = "<table>" + row * 50 + "</table>"
    script = "<script>while(1){}</script><script>" + "</table>" * 100 + "</script>"
    page = f"<html><body>{script}<p>一、总体情况</p>{huge_attr}{bomb}{deep}</body></html>"
    doc = read_html(page.encode("utf-8"))
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert "一、总体情况" in paras and "二、主动公开政府信息情况" in paras
    assert "while" not in doc.text
    assert doc.artifacts  # the oversized table was skipped and said so


def test_zero_width_characters_are_dropped() -> None:
    page = "<html><body><p>一、总体\u200b情况</p><table><tr><td>规\u200d章</td><td>1</td></tr>"
    page += "<tr><td>x</td><td>2</td></tr></table></body></html>"
    doc = read_html(page.encode("utf-8"))
    assert doc.blocks[0].text == "一、总体情况"
    assert doc.tables[0].rows[0][0].text == "规章"


def test_too_large_and_empty() -> None:
    with pytest.raises(InputTooLarge):
        read_html(b" " * (MAX_HTML_BYTES + 1))
    with pytest.raises(EmptyInput):
        read_html(b"  \n ")


GOV_PAGE = """<html><head><meta charset="utf-8">
<title>{page_title}</title></head><body>
<div class="top"><a href="/">某市人民政府门户网站</a></div>
<div class="side"><ul>
  <li><a href="/2021.html">某市人民政府2021年政府信息公开工作年度报告</a></li>
  <li><a href="/2022.html">某市人民政府2022年政府信息公开工作年度报告</a></li>
</ul><p>政府信息公开指南 政府信息公开制度 依申请公开</p></div>
<div class="detail">
  {title_div}
  <div class="info">发布日期：2024-01-20 来源：市政府办公室</div>
  <div class="TRS_Editor">
    <p style="text-indent:2em"><span>根据《中华人民共和国政府信息公开条例》编制本报告。</span></p>
    <p style="text-indent:2em"><span><b>一、总体情况</b></span></p>
    <p style="text-indent:2em"><span>2023</span><span>年，本市……</span></p>
    <p><span>二、主动公开政府信息情况</span></p>
    <table><tbody>
      <tr><td><p><span>信息内容</span></p></td><td><p><span>本年制发件数</span></p></td></tr>
      <tr><td><p><span>规章</span></p></td><td><p><span>2</span></p></td></tr>
    </tbody></table>
    <p>三、收到和处理政府信息公开申请情况</p>
  </div>
</div>
<div class="related"><a href="/2022.html">某市人民政府2022年政府信息公开工作年度报告</a></div>
</body></html>"""


@pytest.mark.parametrize(
    ("title_div", "page_title"),
    [
        ('<div class="title">某市人民政府2023年政府信息公开工作年度报告</div>', "某市人民政府网"),
        ("", "某市人民政府2023年政府信息公开工作年度报告_某市人民政府网"),
    ],
)
def test_article_and_title_on_a_portal_page(title_div: str, page_title: str) -> None:
    page = GOV_PAGE.format(title_div=title_div, page_title=page_title)
    doc = read_html(page.encode("utf-8"))
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paras[0] == "某市人民政府2023年政府信息公开工作年度报告"
    assert "一、总体情况" in paras and "2023年，本市……" in paras
    assert "2022年" not in doc.text and "门户网站" not in doc.text and "指南" not in doc.text
    assert _grid(doc.tables[0]) == [["信息内容", "本年制发件数"], ["规章", "2"]]


def test_control_characters_dropped_and_empty_framesets_refused() -> None:
    doc = read_html("<html><body><p>一、总\x00体\x07情况</p></body></html>".encode())
    assert doc.blocks[0].text == "一、总体情况"
    with pytest.raises(NotAReport, match="框架页"):
        read_html(b'<html><frameset><frame src="a.html"></frameset></html>')


def _gold_body(name: str) -> tuple[dict, str]:
    import json
    import re

    from nianbao.report import Report
    from nianbao.writing.writer import render

    from .conftest import SAMPLES

    gold = json.loads((SAMPLES / f"{name}.gold.json").read_text(encoding="utf-8"))
    page = render(Report.from_flat(gold), "html").decode("utf-8")
    m = re.search(r"<body[^>]*>(.*)</body>", page, re.S)
    assert m
    return gold, m.group(1)


@pytest.mark.parametrize("hide", ['style="display:none"', 'style="visibility: hidden"', "hidden"])
def test_a_report_the_page_does_not_show_is_not_read_in_place_of_the_one_it_shows(
    hide: str,
) -> None:
    """A page with two years' reports in tabs, the one not shown hidden and first in the
    markup: the report the page shows is read (it read the hidden one, silently), and a
    note says what was left out. A page whose only report is hidden (shown by a script)
    is still read."""
    import nianbao

    from .gold import misses

    shown, body = _gold_body("002_e0ae7886d21f5780")
    _, other = _gold_body("004_30e8d441c092580c")
    page = (
        '<html><head><meta charset="utf-8"></head><body><ul><li>往年</li><li>本年</li></ul>'
        f'<div class="tab" {hide}>{other}</div><div class="tab">{body}</div></body></html>'
    )
    rep = nianbao.parse(page.encode("utf-8"), name="tabs.html")
    wrong = [m for m in misses(shown, rep.to_dict(provenance=False)) if "title" not in m]
    assert not wrong, wrong[:5]
    assert any("隐藏" in f.message for f in rep.findings)
    alone = f'<html><head><meta charset="utf-8"></head><body><div {hide}>{body}</div></body></html>'
    rep = nianbao.parse(alone.encode("utf-8"), name="alone.html")
    wrong = [m for m in misses(shown, rep.to_dict(provenance=False)) if "title" not in m]
    assert not wrong, wrong[:5]


def _css_grid_page(gold: dict) -> bytes:
    """The writer's page with each table drawn as a CSS grid (``div``s styled
    ``display: table / table-row / table-cell``; a merged area as empty cells, as a
    rich-text editor exports it)."""
    import html as H

    from nianbao.readers.document import Table as T
    from nianbao.report import Report
    from nianbao.writing.writer import render

    doc = read_html(render(Report.from_flat(gold), "html"))
    out = ['<html><head><meta charset="utf-8"></head><body><div class="content">']
    for b in doc.blocks:
        if isinstance(b, T):
            out.append('<div style="display: table; width: 100%">')
            for row in b.rows:
                cells = "".join(
                    '<div style="display:table-cell; border: 1px solid #000">'
                    f"{'' if c.covered else H.escape(c.text)}</div>"
                    for c in row
                )
                out.append(f'<div style="display:table-row">{cells}</div>')
            out.append("</div>")
        else:
            out.append(f"<p>{H.escape(b.text)}</p>")
    out.append("</div></body></html>")
    return "\n".join(out).encode("utf-8")


def test_tables_drawn_as_css_grids_read_as_tables() -> None:
    """Tables drawn with divs styled as a table (display: table-row / table-cell) read
    as the tables they show: every gold value of the samples (they read as a cell a line)."""
    import json

    import nianbao

    from .conftest import SAMPLES
    from .gold import misses

    for path in sorted(SAMPLES.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        rep = nianbao.parse(_css_grid_page(gold), name="grid.html")
        wrong = [m for m in misses(gold, rep.to_dict(provenance=False)) if "title" not in m]
        assert not wrong, (path.name, wrong[:5])


@pytest.mark.parametrize("shape", ["folded", "contents"])
def test_a_hidden_part_of_the_only_report_is_read(shape: str) -> None:
    """A page that shows a report's first half and hides the rest until 「展开全文」 is
    clicked (``folded``), or shows only a list of the sections' names while the report is
    hidden until a script shows it (``contents``): the hidden part is the report's own and
    is read (it was dropped: 表三 and 表四 lost, or every table called missing)."""
    import nianbao

    from .gold import misses

    gold, body = _gold_body("002_e0ae7886d21f5780")
    if shape == "folded":
        k = body.index("<h2>三、")
        inner = f'{body[:k]}<div class="more" style="display:none">{body[k:]}</div><a>展开全文</a>'
    else:
        inner = (
            "<ul><li>一、总体情况</li><li>二、主动公开政府信息情况</li>"
            "<li>三、收到和处理政府信息公开申请情况</li></ul>"
            f'<div id="zoom" style="display:none">{body}</div>'
        )
    page = f'<html><head><meta charset="utf-8"></head><body>{inner}</body></html>'
    rep = nianbao.parse(page.encode("utf-8"), name="page.html")
    wrong = [m for m in misses(gold, rep.to_dict(provenance=False)) if "title" not in m]
    assert not wrong, wrong[:5]
    assert not any("隐藏" in f.message for f in rep.findings)
    assert not any(f.rule == "R-TABLE-MISSING" for f in rep.findings)


@pytest.mark.parametrize("how", ["spans-lost", "css-short-rows"])
def test_rows_a_cell_short_read_their_numbers_in_the_last_columns(how: str) -> None:
    """Every gold's page with its tables' rows a cell short: the ``colspan``s and
    ``rowspan``s lost (a copy), or drawn as a CSS grid with a row's cells as the text
    prints them (a label written once over its columns). Short rows that end in a number
    were padded with blank cells at their end: where a row had blank cells its 0 moved
    into 其他 and 总计 went blank (16 silent cells in 004). Every value is read right or
    named, none silently wrong."""
    import html as H
    import json
    import re

    import nianbao
    from nianbao.report import Report
    from nianbao.writing.writer import render

    from .conftest import SAMPLES
    from .gold import same
    from .shapes_eval import named

    bad: list[str] = []
    for path in sorted(SAMPLES.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if how == "spans-lost":
            page = re.sub(
                r' (?:rowspan|colspan)="\d+"', "", render(Report.from_flat(gold), "html").decode()
            )
        else:
            out = ['<html><head><meta charset="utf-8"></head><body><div>']
            table = False
            for line in render(Report.from_flat(gold), "tab").decode().split("\n"):
                if "\t" in line:
                    if not table:
                        out.append('<div style="display:table">')
                        table = True
                    cells = "".join(
                        f'<div style="display:table-cell">{H.escape(c)}</div>'
                        for c in line.split("\t")
                    )
                    out.append(f'<div style="display:table-row">{cells}</div>')
                    continue
                if table:
                    out.append("</div>")
                    table = False
                out.append(f"<p>{H.escape(line)}</p>")
            page = "\n".join([*out, "</div></body></html>"])
        rep = nianbao.parse(page.encode("utf-8"), name="page.html")
        findings = [f.to_dict() for f in rep.findings]
        for fid, want in gold.items():
            if not fid.startswith(("active", "requests", "reviews")):
                continue
            v = rep.values.get(fid)
            if not same(want, v.value if v else None) and not named(findings, fid):
                bad.append(f"{path.name} {fid}: {want} read {v.value if v else None}")
    assert not bad, "\n".join(bad[:10])


def test_a_markdown_text_holding_html_tables_reads_them_by_their_markup() -> None:
    """MinerU, marker and crawlers that keep a page's table markup print a report as
    Markdown prose with each table as HTML (often on one line). With prose longer than the
    first 4 KB the sniff looks at, the text was read as text: the tags blanked, the empty
    cells lost (named unread). Such a text is read as the page it is."""
    import lxml.html
    from lxml import etree

    from nianbao.readers.sniff import sniff

    from .test_text_grid import _check, _golds, _html

    long_prose = "本年度，" + "我局认真贯彻落实条例，推进政务公开工作。" * 200
    for stem, gold in _golds():
        body = lxml.html.fromstring(_html(gold)).find("body")
        parts = []
        for el in body:
            if el.tag == "table":
                markup = etree.tostring(el, encoding="unicode", method="html")
                parts.append("".join(line.strip() for line in markup.split("\n")))
            else:
                head = "# " if el.tag.startswith("h") else ""
                parts.append(head + el.text_content().strip())
        text = "\n\n".join([*parts[:3], long_prose, *parts[3:]])
        assert text.index("<table") > 4096
        assert sniff(text.encode("utf-8")) == "html", stem
        assert _check(text, gold) == [], stem
    # a text naming a table tag once, with no cells, stays a text
    assert sniff(("年度报告 <table> " + long_prose).encode("utf-8")) == "text"
