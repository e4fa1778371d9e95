"""Real-world copies of reports as HTML, and traditional script in every format (issue 10,
items 11-13).

Every input is generated: an invented report (青岚县…, values that keep the form's
arithmetic) is rendered by the writer and then rewritten the way real pages are written —
saved from Word, with header spans that differ from the data rows', embedded in a script,
GBK bytes under a UTF-8 declaration, traditional script. Each test asserts that every table
id of the rendered report comes back.
"""

from __future__ import annotations

import functools
import html as htmllib
import io
import json
import random
import re
from typing import Any

import pytest

import nianbao
from nianbao.readers.dispatch import read
from nianbao.readers.html import _js_unescape, read_html
from nianbao.report import Report, Value
from nianbao.schema import table_ids
from nianbao.writing.writer import build_tables, render, soffice_path

AGENCY = "青岚县人民政府办公室"
AGENCY_TRADITIONAL = "青嵐縣人民政府辦公室"
COLUMNS = ("natural", "commercial", "research", "social", "legal", "other_org")
W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


# ------------------------------------------------------------------------- the reports
def _report(layout: str = "2021", seed: int = 1, blank_p: float = 0.0) -> Report:
    """An invented report whose tables keep the form's arithmetic (row totals, 一 + 二 =
    （七） + 四, （七） = the result rows, 表四's group totals); with ``blank_p`` some zeros
    are printed as blank cells."""
    rnd = random.Random(seed)
    ids = table_ids(layout)
    rows = [i[len("requests.") : -len(".natural")] for i in ids if i.endswith(".natural")]
    results = rows[rows.index("granted") : rows.index("processed_total")]
    vals: dict[str, int] = {}
    for c in COLUMNS:
        total = 0
        for r in results:
            v = rnd.choice([0, 0, 0, rnd.randint(1, 40)])
            vals[f"requests.{r}.{c}"] = v
            total += v
        vals[f"requests.processed_total.{c}"] = total
        forward = vals[f"requests.carried_forward.{c}"] = rnd.randint(0, 5)
        over = vals[f"requests.carried_over.{c}"] = rnd.randint(0, total + forward)
        vals[f"requests.new.{c}"] = total + forward - over
    for r in rows:
        vals[f"requests.{r}.total"] = sum(vals[f"requests.{r}.{c}"] for c in COLUMNS)
    for g in ("reconsideration", "litigation_direct", "litigation_after"):
        parts = [rnd.randint(0, 6) for _ in range(4)]
        for f, v in zip(("upheld", "corrected", "other", "pending"), parts):
            vals[f"reviews.{g}.{f}"] = v
        vals[f"reviews.{g}.total"] = sum(parts)
    rep = Report()
    rep.meta.update({"agency": AGENCY, "year": 2024, "format": layout})
    for fid in ids:
        v = vals.get(fid, rnd.randint(0, 300))
        blank = v == 0 and rnd.random() < blank_p
        rep.values[fid] = Value(None, "") if blank else Value(v, str(v))
    return rep


def _assert_every_id(expected: Report, got: Report) -> None:
    wrong = []
    for fid, v in expected.values.items():
        actual = got.get(fid) if got.has(fid) else "ABSENT"
        if actual != v.value:
            wrong.append((fid, v.value, actual))
    assert wrong == []


def _html(rep: Report) -> str:
    return render(rep, "html").decode("utf-8")


@functools.lru_cache(maxsize=1)
def _s2t_converter() -> Any:
    import opencc

    return opencc.OpenCC("s2t")  # building it takes a while: once per run


def _s2t(text: str) -> str:
    return str(_s2t_converter().convert(text))


# ------------------------------------------------------------------ item 11: saved from Word
_WORD_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=ProgId content=Word.Document><meta name=Generator content="Microsoft Word 15">
<title>{title}</title>
<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>user</o:Author>
</o:DocumentProperties></xml><![endif]-->
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml>
<![endif]-->
<style><!-- p.MsoNormal {{mso-style-parent:"";margin:0cm;font-size:10.5pt;
mso-bidi-font-family:"Times New Roman";}} @page WordSection1 {{size:595.3pt 841.9pt;}} --></style>
<!--[if gte mso 10]><style>table.MsoNormalTable {{mso-style-name:普通表格;}}</style><![endif]-->
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<div class=WordSection1 style='layout-grid:15.6pt'>
"""
_VML = (
    '<p class=MsoNormal><!--[if gte vml 1]><v:shape id="_x0000_i1025" type="#_x0000_t75" '
    'style=\'width:100pt;height:50pt\'><v:imagedata src="x.files/image001.png" o:title=""/>'
    '</v:shape><![endif]--><![if !vml]><img width=133 height=67 src="x.files/image002.jpg" '
    'v:shapes="_x0000_i1025"><![endif]></p>'
)


def _word_p(text: str, align: str = "") -> str:
    """A paragraph as Word saves it: runs in <span>s with mso- styles, <o:p>, &nbsp;."""
    a = f" align={align}" if align else ""
    if not text.strip():
        return f"<p class=MsoNormal{a}><span lang=EN-US>&nbsp;<o:p></o:p></span></p>"
    k = max(1, len(text) // 2)
    return (
        f"<p class=MsoNormal{a} style='mso-pagination:widow-orphan'><span style='font-size:"
        f"10.5pt;font-family:仿宋_GB2312;mso-hansi-font-family:Calibri'>"
        f"{htmllib.escape(text[:k])}</span><span lang=EN-US style='mso-bidi-font-size:10.5pt'>"
        f"{htmllib.escape(text[k:])}<o:p></o:p></span></p>"
    )


def _word_html(page: str) -> str:
    """The writer's page rewritten as Word's "save as web page" writes it."""
    import lxml.html

    root = lxml.html.document_fromstring(page)
    out = [_WORD_HEAD.format(title=htmllib.escape(root.findtext(".//title") or ""))]
    body = root.find("body")
    assert body is not None
    for el in body:
        if el.tag in ("h1", "h2"):
            out.append(
                "<p class=MsoNormal style='text-indent:32.0pt'><b><span style='font-family:"
                f"黑体'>{htmllib.escape(el.text_content())}</span></b><o:p></o:p></p>"
            )
        elif el.tag == "p":
            out.append(_word_p(el.text_content()))
        elif el.tag == "table":
            out.append(
                "<div align=center><table class=MsoNormalTable border=0 cellspacing=0 "
                "cellpadding=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'>"
            )
            width = 0
            for i, tr in enumerate(el.iter("tr")):
                out.append(f"<tr style='mso-yfti-irow:{i};height:20.0pt'>")
                w = 0
                for td in tr:
                    spans = "".join(
                        f" {k}={td.get(k)}" for k in ("rowspan", "colspan") if td.get(k)
                    )
                    w += int(td.get("colspan", 1))
                    out.append(
                        f"<td width=60{spans} valign=top style='width:45.0pt;border:solid "
                        "windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm "
                        f"5.4pt 0cm 5.4pt'>{_word_p(td.text_content(), 'center')}</td>"
                    )
                width = max(width, w)
                out.append("</tr>")
            out.append(
                "<![if !supportMisalignedColumns]><tr height=0>"
                + "<td width=60 style='border:none'></td>" * width
                + "</tr><![endif]>"
            )
            out.append("</table></div>")
            out.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
    out.append(_VML)
    out.append("</div></body></html>")
    return "\n".join(out)


@pytest.mark.parametrize("layout", ["2021", "2019", "mixed"])
def test_html_saved_from_word(layout: str) -> None:
    rep = _report(layout, seed=3, blank_p=0.4)
    assert any(v.value is None for v in rep.values.values())  # blank cells are &nbsp;
    data = _word_html(_html(rep)).encode("utf-8")
    doc = read_html(data)
    assert len(doc.tables) == 3
    assert not re.search(r"mso-|\[if|endif|<o:p|v:shape|Word\.Document", doc.text)
    got = nianbao.parse(data)
    _assert_every_id(rep, got)
    assert got.meta["agency"] == AGENCY


# ------------------------------------------------------------- item 11: header spans differ
def _table_html(rows: list[list[tuple[str, int, int]]]) -> str:
    out = ['<table border="1">']
    for row in rows:
        cells = []
        for text, rs, cs in row:
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            cells.append(f"<td{attrs}>{htmllib.escape(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _s3_rows(rep: Report, labels: str) -> list[list[tuple[str, int, int]]]:
    """表三 with its header as the writer draws it (the note spans the three label columns)
    and data rows whose label cells are written differently: ``three`` separate cells
    (group label repeated, empty cells where there is none), ``one-two`` (1 + 2, no
    rowspans) or ``two`` cells (a header wider than the data rows)."""
    table = build_tables(rep)["s3"]
    grid = table.owner_grid()
    rows: list[list[tuple[str, int, int]]] = []
    for r in range(table.n_rows):
        anchors = table.anchors(r)
        if r < 3:
            rows.append([(c.text, c.rowspan, c.colspan) for c in anchors])
            continue
        texts = ["", "", ""]
        for k in range(3):
            texts[grid[r][k].col] = grid[r][k].text
        if labels == "three":
            label_cells = [(t, 1, 1) for t in texts]
        elif labels == "one-two":
            label_cells = [(texts[0], 1, 1), (texts[1] + texts[2], 1, 2)]
        else:
            label_cells = [(texts[0], 1, 1), (texts[1] + texts[2], 1, 1)]
        rows.append(label_cells + [(c.text, 1, 1) for c in anchors if c.kind == "value"])
    return rows


def _s4_rows(rep: Report, header: str) -> list[list[tuple[str, int, int]]]:
    """表四 whose header is written without the writer's rowspans: ``flat`` has 行政复议
    in one cell and 行政诉讼 spanning 10 over a data row of 15 cells."""
    table = build_tables(rep)["s4"]
    rows = [[(c.text, c.rowspan, c.colspan) for c in table.anchors(r)] for r in range(4)]
    rows[1] = [(t, 1, cs) for t, _, cs in rows[1]]
    if header == "flat":
        rows[0] = [(rows[0][0][0], 1, 1), (rows[0][1][0], 1, 10)]
    return rows


def _with_tables(rep: Report, s3: list | None = None, s4: list | None = None) -> str:
    page = _html(rep)
    tables = re.findall(r'<table border="1">.*?</table>', page, re.S)
    if s3 is not None:
        page = page.replace(tables[1], _table_html(s3))
    if s4 is not None:
        page = page.replace(tables[2], _table_html(s4))
    return page


def _widen(rows: list[list[tuple[str, int, int]]], col: int) -> list[list[tuple[str, int, int]]]:
    """Word's finer grid: grid column ``col`` split in two, so every cell over it spans one
    more column."""
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(rows):
        c = 0
        for i, (_, rs, cs) in enumerate(row):
            while (r, c) in owner:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    owner[(r + dr, c + dc)] = (r, i)
            c += cs
    out = [list(row) for row in rows]
    for r, i in {owner[(r, col)] for r in range(len(rows)) if (r, col) in owner}:
        text, rs, cs = out[r][i]
        out[r][i] = (text, rs, cs + 1)
    return out


@pytest.mark.parametrize("seed", [1, 17])  # seeds whose blank cells need the grid's help
@pytest.mark.parametrize("labels", ["three", "one-two", "two"])
@pytest.mark.parametrize("layout", ["2021", "2019"])
def test_header_spans_differ_from_the_data_rows(layout: str, labels: str, seed: int) -> None:
    rep = _report(layout, seed=seed, blank_p=0.3)
    page = _with_tables(rep, s3=_s3_rows(rep, labels), s4=_s4_rows(rep, "flat"))
    _assert_every_id(rep, nianbao.parse(page.encode("utf-8")))


@pytest.mark.parametrize("seed", range(4))
def test_finer_word_grid_and_blank_cells(seed: int) -> None:
    rnd = random.Random(seed)
    rep = _report(rnd.choice(["2021", "2019", "mixed"]), seed=seed, blank_p=0.3)
    s3 = _s3_rows(rep, rnd.choice(["three", "one-two", "two"]))
    s4 = _s4_rows(rep, rnd.choice(["flat", "rowspans"]))
    for _ in range(2):
        s3 = _widen(s3, rnd.randrange(9))
        s4 = _widen(s4, rnd.randrange(15))
    _assert_every_id(rep, nianbao.parse(_with_tables(rep, s3, s4).encode("utf-8")))


def test_a_row_shorter_than_its_header_has_no_cells_beyond_its_end() -> None:
    page = (
        '<html><head><meta charset="utf-8"></head><body><table>'
        '<tr><td colspan="3">项目</td><td>甲</td><td>乙</td></tr>'
        "<tr><td>一、新收</td><td></td><td>1</td><td>2</td></tr>"  # a header wider than rows
        "<tr><td>二、结转</td><td></td><td>3</td><td>4</td></tr>"
        "</table></body></html>"
    )
    rows = read_html(page.encode("utf-8")).tables[0].rows
    assert [[("^" if c.covered else "") + c.text for c in row] for row in rows[1:]] == [
        ["一、新收", "", "1", "2", "^2"],
        ["二、结转", "", "3", "4", "^4"],
    ]
    # a row shorter than a row of numbers, ending in a number, has no cells beyond its end
    # either: a label's span lost (a copy, a CSS grid) shifted its numbers left, and its
    # numbers are its last columns (padded with blank cells at its end, a blank 总计 moved
    # a 0 into 其他, silently); a row ending in an empty cell keeps blank cells at its end
    page = page.replace("<td>3</td><td>4</td>", "<td>3</td><td>4</td><td>5</td>")
    rows = read_html(page.encode("utf-8")).tables[0].rows
    assert [(c.text, c.covered) for c in rows[1][3:]] == [("2", False), ("2", True)]
    page = page.replace("<td>1</td><td>2</td>", "<td>1</td><td></td>")
    rows = read_html(page.encode("utf-8")).tables[0].rows
    assert [(c.text, c.covered) for c in rows[1][3:]] == [("", False), ("", False)]


def test_empty_cells_beside_row_labels_are_not_blank_values() -> None:
    page = (
        '<html><head><meta charset="utf-8"></head><body><table>'
        '<tr><td colspan="3">项目</td><td>甲</td><td>乙</td></tr>'
        "<tr><td>一、新收</td><td></td><td></td><td></td><td>2</td></tr>"
        "<tr><td>三、结果</td><td>（三）不予公开</td><td>1.国家秘密</td><td>1</td><td></td></tr>"
        "<tr><td>三、结果</td><td>（一）予以公开</td><td>&nbsp;</td><td>3</td><td>4</td></tr>"
        "</table></body></html>"
    )
    rows = read_html(page.encode("utf-8")).tables[0].rows
    assert [[("^" if c.covered else "") + c.text for c in row] for row in rows[1:]] == [
        ["一、新收", "^一、新收", "^一、新收", "", "2"],
        ["三、结果", "（三）不予公开", "1.国家秘密", "1", ""],
        ["三、结果", "（一）予以公开", "^（一）予以公开", "3", "4"],
    ]


@pytest.mark.parametrize("seed", [9])  # a seed whose blank cells need the grid
def test_docx_label_in_separate_cells(seed: int) -> None:
    """The same label shape in a Word table (no merges at all below the header)."""
    import docx
    from docx.oxml.ns import qn

    rep = _report("2021", seed=seed, blank_p=0.3)
    rows = _s3_rows(rep, "three")
    document = docx.Document(io.BytesIO(render(rep, "docx")))
    table = document.add_table(rows=len(rows), cols=10)
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in taken:
                c += 1
            cell = table.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
            cell.text = text
            taken.update((r + i, c + k) for i in range(rs) for k in range(cs))
            c += cs
    old = [t for t in document.element.body.iterchildren() if t.tag == qn("w:tbl")][1]
    old.addprevious(table._tbl)
    old.getparent().remove(old)
    buf = io.BytesIO()
    document.save(buf)
    _assert_every_id(rep, nianbao.parse(buf.getvalue()))


@pytest.mark.parametrize(
    "split",
    [
        "（三）不予公开",  # inside the rowspans of 三、本年度办理结果 and （三）
        "3.补正后申请内容仍不明确",  # inside （四）
        "四、结转下年度继续办理",  # the last row alone: a one-row table
    ],
)
@pytest.mark.parametrize("word", [False, True])
def test_a_table_split_in_two(split: str, word: bool) -> None:
    rep = _report("2021", seed=17, blank_p=0.3)
    page = _html(rep)
    rows = re.findall(r'<table border="1">.*?</table>', page, re.S)[1].split("\n")
    k = next(i for i, row in enumerate(rows) if split in row and i > 3)
    if split == "（三）不予公开":
        k += 2  # the third row of the group
    parts = "\n".join(rows[:k]) + '\n</table>\n<p>&nbsp;</p>\n<table border="1">\n'
    page = page.replace("\n".join(rows), parts + "\n".join(rows[k:]))
    if word:
        page = _word_html(page)
    doc = read_html(page.encode("utf-8"))
    assert len(doc.tables) == 3
    _assert_every_id(rep, nianbao.parse(page.encode("utf-8")))


def test_a_one_row_table_after_a_table_that_is_not_its_rest() -> None:
    page = (
        '<html><head><meta charset="utf-8"></head><body><table>'
        "<tr><td>行政复议</td><td>结果维持</td><td>总计</td></tr>"
        "<tr><td></td><td>1</td><td>1</td></tr></table>"
        "<table><tr><td>青岚县人民政府办公室</td></tr><tr><td>2025年1月20日</td></tr></table>"
        "<table><tr><td>签发：青岚县人民政府办公室 2025年1月20日</td></tr></table>"
        "</body></html>"
    )
    doc = read_html(page.encode("utf-8"))
    assert len(doc.tables) == 1
    assert doc.blocks[-1].text.endswith("2025年1月20日")


# ------------------------------------------------------------------ item 11: in a script
def _js_double(s: str) -> str:
    return (
        '"'
        + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("</", "<\\/")
        + '"'
    )


def _js_single(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\\n") + "'"


_SHELL = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_青岚县人民政府</title>'
    '{head}</head><body><div class="nav">首页 &gt; 政务公开 &gt; 年度报告</div>'
    '<h1>{title}</h1><div id="content"></div>{body}<div class="foot">版权所有 青岚县人民政府'
    "</div></body></html>"
)


def _script_pages(rep: Report) -> dict[str, str]:
    page = _html(rep)
    body = page.split("<body>")[1].split("</body>")[0]
    title = f"{AGENCY}2024年政府信息公开工作年度报告"
    lines = body.split("\n")
    escaped = json.dumps({"data": {"content": body}}).replace("<", "\\u003c")
    escaped = escaped.replace(">", "\\u003e")
    shapes = {
        "var": (
            "",
            f"<script>var content = {_js_double(body)};"
            "document.getElementById('content').innerHTML = content;</script>",
        ),
        "var-in-head": (f"<script>var content = {_js_double(body)};</script>", ""),
        "document.write": (
            "",
            "<script>"
            + "".join(f"document.write({_js_single(x)});\n" for x in lines)
            + "</script>",
        ),
        "concatenated": (
            "",
            "<script>var s = "
            + " +\n  ".join(_js_single(x) for x in lines)
            + ";\n$('#content').html(s);</script>",
        ),
        "json-u003c": ("", f'<script type="application/json">{escaped}</script>'),
        "json-entities": (
            "",
            "<script>var data = "
            + json.dumps({"content": htmllib.escape(body)}, ensure_ascii=False)
            + ";</script>",
        ),
        "hidden-textarea": (
            "",
            f'<textarea id="txt" style="display:none">{htmllib.escape(body)}</textarea>',
        ),
        "json-ascii": (
            "",
            "<script>window.__STATE__ = "
            + json.dumps({"article": {"content": body}}, ensure_ascii=True)
            + ";</script>",
        ),
    }
    return {k: _SHELL.format(title=title, head=h, body=b) for k, (h, b) in shapes.items()}


@pytest.mark.parametrize(
    "shape",
    [
        "var",
        "var-in-head",
        "document.write",
        "concatenated",
        "json-u003c",
        "json-ascii",
        "json-entities",
        "hidden-textarea",
    ],
)
def test_report_written_by_a_script(shape: str) -> None:
    rep = _report("2021", seed=5, blank_p=0.2)
    data = _script_pages(rep)[shape].encode("utf-8")
    doc = read_html(data)
    assert len(doc.tables) == 3
    assert any("脚本" in a for a in doc.artifacts)
    assert "&lt;" not in doc.text and "版权所有" not in doc.text and "首页" not in doc.text
    got = nianbao.parse(data)
    _assert_every_id(rep, got)
    assert got.meta["agency"] == AGENCY
    assert any(f.rule == "R-INGEST-ARTIFACT" for f in got.findings)


def test_a_visible_report_wins_over_script_strings() -> None:
    rep = _report("2021", seed=6)
    other = _html(_report("2019", seed=9))
    page = _html(rep).replace("</body>", f"<script>var x = {_js_double(other)};</script></body>")
    doc = read_html(page.encode("utf-8"))
    assert not doc.artifacts
    _assert_every_id(rep, nianbao.parse(page.encode("utf-8")))


def test_script_strings_are_unescaped_not_run() -> None:
    assert _js_unescape(r"\u003ctd\u003e1\x3c/td>") == "<td>1</td>"
    assert _js_unescape(r"\u{9752}\u5c9a\'\"\\\/a\nb\tc") == "青岚'\"\\/a\nb\tc"
    assert _js_unescape("一\\\n二") == "一二"  # a line continuation
    assert _js_unescape(r"\ud83d\ude00") == "\U0001f600"  # a surrogate pair
    assert _js_unescape(r"x\ud800y") == "x\ufffdy"  # a lone surrogate
    page = (
        '<html><head><meta charset="utf-8"></head><body><div id="c"></div><script>'
        "var c = '<p>" + "政府信息公开 年度报告 行政复议 申请 " * 10 + "</p>' + alert(1) + "
        "'<table><tr><td>一、总体情况</td></tr></table>';</script></body></html>"
    )
    doc = read_html(page.encode("utf-8"))
    assert "alert" not in doc.text and "政府信息公开" in doc.text


# ------------------------------------------------------------------------- item 12: charset
@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">',
        '<meta http-equiv="Content-Type" content="text/html; charset=big5">',
    ],
)
def test_gbk_bytes_under_a_wrong_declaration(meta: str) -> None:
    rep = _report("2021", seed=8)
    page = _html(rep).replace('<meta charset="utf-8">', meta)
    data = page.encode("gbk")
    doc = read_html(data)
    assert doc.encoding == "gb18030"
    assert any("GB18030" in a and "编码" in a for a in doc.artifacts)
    got = nianbao.parse(data)
    _assert_every_id(rep, got)
    assert got.meta["agency"] == AGENCY


def test_big5_bytes_declared_gbk_are_read_as_big5_and_simplified() -> None:
    rep = _report("2021", seed=8)
    page = _s2t(_html(rep).replace('<meta charset="utf-8">', '<meta charset="gbk">'))
    data = page.encode("big5", errors="xmlcharrefreplace")
    doc = read_html(data)
    assert doc.encoding == "big5" and doc.script == "traditional"
    assert any("BIG5" in a for a in doc.artifacts)
    got = nianbao.parse(data)
    _assert_every_id(rep, got)
    assert got.meta["agency"] == AGENCY


@pytest.mark.parametrize("stray", [b"\xff", b"\xe4\xb8"])  # a stray byte, a cut character
def test_utf8_page_with_a_bad_byte_stays_utf8(stray: bytes) -> None:
    rep = _report("2021", seed=8)
    data = _html(rep).encode("utf-8")
    cut = data.index("二、主动公开".encode())  # just before a section heading
    data = data[:cut] + stray + data[cut:]
    doc = read_html(data)
    assert doc.encoding == "utf-8(lossy)"
    assert any("1 处字节" in a for a in doc.artifacts)
    got = nianbao.parse(data)
    _assert_every_id(rep, got)
    assert got.meta["agency"] == AGENCY


def test_a_right_declaration_is_not_reported() -> None:
    rep = _report("2021", seed=8)
    for page, enc in ((_html(rep), "utf-8"), (render(rep, "html-gbk").decode("gbk"), "gbk")):
        doc = read_html(page.encode(enc))
        assert doc.artifacts == []


# ------------------------------------------------------------- item 13: traditional script
def _assert_simplified_meta(rep: Report, got: Report) -> None:
    _assert_every_id(rep, got)
    assert got.meta["agency"] == AGENCY
    assert got.meta["title"] == f"{AGENCY}2024年政府信息公开工作年度报告"
    assert got.meta["script"] == "traditional"
    assert got.sections["s2"].present and got.sections["s4"].present


def _traditional_docx(rep: Report) -> bytes:
    import docx

    document = docx.Document(io.BytesIO(render(rep, "docx")))
    for t in document.element.body.iter(W_T):
        if t.text:
            t.text = _s2t(t.text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_traditional_html() -> None:
    rep = _report("2021", seed=4)
    page = _s2t(_html(rep))
    assert AGENCY_TRADITIONAL in page
    doc = read(page.encode("utf-8"))
    assert doc.script == "traditional" and AGENCY_TRADITIONAL in doc.original
    assert AGENCY in doc.text and AGENCY_TRADITIONAL not in doc.text
    _assert_simplified_meta(rep, nianbao.parse(page.encode("utf-8")))


def test_traditional_page_with_its_title_outside_the_article() -> None:
    rep = _report("2021", seed=4)
    body = _html(rep).split("</h1>", 1)[1].split("</body>")[0]
    title = f"{AGENCY}2024年政府信息公开工作年度报告"
    page = _s2t(
        f'<html><head><meta charset="utf-8"><title>{title}_青岚县人民政府</title></head><body>'
        '<div class="top">青岚县人民政府 | 政务公开</div><div class="main"><div class="side">'
        '<ul><li><a href="/a">青岚县人民政府2023年政府信息公开工作年度报告</a></li></ul></div>'
        f'<div class="con"><h1 class="tit">{title}</h1><div class="article">{body}</div></div>'
        '</div><div class="foot">版权所有</div></body></html>'
    )
    doc = read_html(page.encode("utf-8"))
    assert doc.blocks[0].text == title  # found outside the article, read as simplified
    _assert_simplified_meta(rep, nianbao.parse(page.encode("utf-8")))


def test_traditional_word_html() -> None:
    rep = _report("2019", seed=4, blank_p=0.3)
    data = _s2t(_word_html(_html(rep))).encode("utf-8")
    _assert_simplified_meta(rep, nianbao.parse(data))


def test_traditional_docx() -> None:
    rep = _report("2021", seed=4)
    data = _traditional_docx(rep)
    doc = read(data)
    assert doc.script == "traditional"
    cells = [c.text for t in doc.tables for row in t.rows for c in row]
    assert not any("開" in c or "復" in c for c in cells)
    _assert_simplified_meta(rep, nianbao.parse(data))


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_traditional_pdf() -> None:
    from nianbao.writing.office import _docx_to_pdf

    rep = _report("2021", seed=4)
    _assert_simplified_meta(rep, nianbao.parse(_docx_to_pdf(_traditional_docx(rep))))


@pytest.mark.parametrize("style", ["html", "tab", "docx"])
def test_kangxi_radicals_read_as_characters(style: str) -> None:
    """PDFs and pages made on some systems write ⼀ (U+2F00) for 一 and ⼈ (U+2F08) for 人."""
    rep = _report("2021", seed=4)
    data = render(rep, style)
    radicals = str.maketrans({"一": "\u2f00", "人": "\u2f08", "行": "\u2f8f"})
    if style == "docx":
        import docx

        document = docx.Document(io.BytesIO(data))
        for t in document.element.body.iter(W_T):
            t.text = (t.text or "").translate(radicals)
        buf = io.BytesIO()
        document.save(buf)
        data = buf.getvalue()
    else:
        data = data.decode("utf-8").translate(radicals).encode("utf-8")
    assert "\u2f08".encode() in data or style == "docx"
    got = nianbao.parse(data)
    _assert_every_id(rep, got)
    assert got.meta["agency"] == AGENCY and got.sections["s1"].present


@pytest.mark.parametrize("style", ["html", "docx"])
def test_simplified_stays_simplified(style: str) -> None:
    rep = _report("2021", seed=2)
    got = nianbao.parse(render(rep, style))
    assert got.meta["script"] == "simplified" and got.meta["agency"] == AGENCY
    _assert_every_id(rep, got)


# ------------------------------------------------------------------------- all at once
def _real_page(seed: int) -> tuple[Report, bytes]:
    """A page mixing the shapes above at random: label and header shapes, a finer grid,
    saved from Word, page chrome or a script around it, traditional script, GBK or Big5
    bytes under a right or wrong declaration."""
    rnd = random.Random(seed)
    rep = _report(rnd.choice(["2021", "2019", "mixed"]), seed=seed, blank_p=rnd.choice([0, 0.3]))
    s3 = _s3_rows(rep, rnd.choice(["three", "one-two", "two"])) if rnd.random() < 0.7 else None
    s4 = _s4_rows(rep, rnd.choice(["flat", "rowspans"])) if rnd.random() < 0.5 else None
    if s3 is not None:
        for _ in range(rnd.randint(0, 2)):
            s3 = _widen(s3, rnd.randrange(9))
    page = _with_tables(rep, s3, s4)
    if rnd.random() < 0.4:
        page = _word_html(page)
    shape = rnd.choice(["as is", "chrome", "script"])
    if shape != "as is":
        body = page.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0]
        title = f"{AGENCY}2024年政府信息公开工作年度报告"
        if shape == "chrome":
            body = (
                '<div class="top">首页 | 无障碍 | 关怀版</div><div>当前位置：首页 &gt; 年报</div>'
                f'<div class="article">{body}</div>'
            )
        else:
            body = f"<script>var content = {_js_double(body)};</script>"
        page = _SHELL.format(title=title, head="", body=body)
    traditional = rnd.random() < 0.3
    if traditional:
        page = _s2t(page)
    encoding = rnd.choice(["utf-8", "declared", "undeclared"])
    if encoding == "utf-8":
        return rep, page.encode("utf-8")
    codec = "big5" if traditional else "gbk"
    if encoding == "declared":
        page = re.sub(r"charset=\"?utf-8", f"charset={codec}", page, flags=re.I)
    return rep, page.encode(codec, errors="xmlcharrefreplace")


@pytest.mark.parametrize("seed", range(24))
def test_real_pages_all_at_once(seed: int) -> None:
    rep, data = _real_page(seed)
    got = nianbao.parse(data)
    _assert_every_id(rep, got)
    assert got.meta["agency"] == AGENCY
