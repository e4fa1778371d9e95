"""Ways real copies write what the national form fixes, found by an adversarial probe
(each failed before its fix): 其它 for 其他, full-width decimal points and signs in
numbers, a <br> tag left inside a table row of crawled text."""

from __future__ import annotations

import re

import pytest

import nianbao


def _mixed_2019_table(other_label: str) -> str:
    """A section 三 whose （六） row is the single row of the 2019 form."""
    rows = [
        "三、收到和处理政府信息公开申请情况",
        "\t申请人情况",
        "\t自然人\t法人或其它组织\t\t\t\t\t总计",
        "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其它\t",
        "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t0\t5",
        "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0",
        "三、本年度办理结果\t（一）予以公开\t2\t0\t0\t0\t0\t0\t2",
        "\t（二）部分公开（区分处理的，只计这一情形，不计其它情形）\t0\t0\t0\t0\t0\t0\t0",
        "\t（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0",
        "\t\t2.其它法律行政法规禁止公开\t0\t0\t0\t0\t0\t0\t0",
        "\t\t3.危及“三安全一稳定”\t0\t0\t0\t0\t0\t0\t0",
        "\t\t4.保护第三方合法权益\t0\t0\t0\t0\t0\t0\t0",
        "\t\t5.属于三类内部事务信息\t0\t0\t0\t0\t0\t0\t0",
        "\t\t6.属于四类过程性信息\t0\t0\t0\t0\t0\t0\t0",
        "\t\t7.属于行政执法案卷\t0\t0\t0\t0\t0\t0\t0",
        "\t\t8.属于行政查询事项\t0\t0\t0\t0\t0\t0\t0",
        "\t（四）无法提供\t1.本机关不掌握相关政府信息\t1\t0\t0\t0\t0\t0\t1",
        "\t\t2.没有现成信息需要另行制作\t0\t0\t0\t0\t0\t0\t0",
        "\t\t3.补正后申请内容仍不明确\t0\t0\t0\t0\t0\t0\t0",
        "\t（五）不予处理\t1.信访举报投诉类申请\t0\t0\t0\t0\t0\t0\t0",
        "\t\t2.重复申请\t0\t0\t0\t0\t0\t0\t0",
        "\t\t3.要求提供公开出版物\t0\t0\t0\t0\t0\t0\t0",
        "\t\t4.无正当理由大量反复申请\t0\t0\t0\t0\t0\t0\t0",
        "\t\t5.要求行政机关确认或重新出具已获取信息\t0\t0\t0\t0\t0\t0\t0",
        f"\t{other_label}\t2\t0\t0\t0\t0\t0\t2",
        "\t（七）总计\t5\t0\t0\t0\t0\t0\t5",
        "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    return "某县人民政府2020年政府信息公开工作年度报告\n" + "\n".join(rows) + "\n"


@pytest.mark.parametrize("label", ["（六）其他处理", "（六）其它处理"])
def test_qita_is_qita(label: str) -> None:
    rep = nianbao.parse(_mixed_2019_table(label).encode("utf-8"))
    flat = rep.flat()
    assert flat["requests.other.natural"] == 2 and flat["requests.other.total"] == 2
    assert not any(f.rule == "R-ROW-MISSING" for f in rep.findings)


FEE_TEXT = (
    "某县人民政府2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（八）项\n"
    "信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t{fee}\n"
    "三、收到和处理政府信息公开申请情况\n"
)
FEE_HTML = (
    '<html><head><meta charset="utf-8"></head><body>'
    "<h1>某县人民政府2022年政府信息公开工作年度报告</h1><p>二、主动公开政府信息情况</p>"
    "<table border=1><tr><td colspan=4>第二十条第（八）项</td></tr>"
    "<tr><td>信息内容</td><td colspan=3>本年收费金额（单位：万元）</td></tr>"
    "<tr><td>行政事业性收费</td><td colspan=3>{fee}</td></tr></table>"
    "<p>三、收到和处理政府信息公开申请情况</p></body></html>"
)


@pytest.mark.parametrize("fee", ["１５１５．２５９２", "1515．2592", "1515.2592"])
@pytest.mark.parametrize("shape", [FEE_TEXT, FEE_HTML])
def test_full_width_decimal_point(shape: str, fee: str) -> None:
    rep = nianbao.parse(shape.format(fee=fee).encode("utf-8"))
    assert rep.flat()["active.fees"] == pytest.approx(1515.2592)


@pytest.mark.parametrize("sign, delta", [("＋3", 3), ("−3", -3), ("+3", 3), ("－3", -3)])
def test_signs_of_the_2019_change_column(sign: str, delta: int) -> None:
    text = (
        "某县人民政府2019年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（五）项\n"
        "信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
        f"行政许可\t214\t{sign}\t5821\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    flat = nianbao.parse(text.encode("utf-8")).flat()
    assert flat["active2019.licensing.items_prev"] == 214
    assert flat["active2019.licensing.items_delta"] == delta
    assert flat["active2019.licensing.decisions"] == 5821


def test_a_br_tag_inside_a_markdown_table_row() -> None:
    md = (
        "# 某县人民政府2022年政府信息公开工作年度报告\n\n## 二、主动公开政府信息情况\n\n"
        "| 第二十条第（八）项 | |\n| --- | --- |\n| 信息内容 | 本年收费金额（单位：万元） |\n"
        "| 行政事<br>业性收费 | 1515.2592 |\n\n## 三、收到和处理政府信息公开申请情况\n"
    )
    rep = nianbao.parse(md.encode("utf-8"))
    assert rep.flat()["active.fees"] == pytest.approx(1515.2592)


def _column_major(table_text: str) -> str:
    """A table copied column by column (as some PDF text tools give it): every row's
    labels first, then every row's numbers."""
    labels, numbers = [], []
    for line in table_text.splitlines():
        cells = [c for c in line.split("\t") if c.strip()]
        labels += [c for c in cells if not c.strip().isdigit()]
        numbers += [c for c in cells if c.strip().isdigit()]
    return "\n".join(labels + numbers) + "\n"


def test_a_table_copied_column_by_column_is_unread_not_blank() -> None:
    """Labels first, numbers after: no number can be placed, so none is guessed; the rows
    are named as unread (the tool's limit), never as blank rows of the document, and the
    report is not said to have had no applications."""
    head, _, table = _mixed_2019_table("（六）其他处理").partition("\n")
    table, _, tail = table.rstrip("\n").rpartition("\n")  # the heading of section 四 stays last
    rep = nianbao.parse((head + "\n" + _column_major(table) + tail + "\n").encode("utf-8"))
    rules = {f.rule for f in rep.findings}
    assert "R-BLANK-ROW" not in rules and "R-ALL-ZERO" not in rules
    named = {c for f in rep.findings if f.rule == "R-UNREAD" for c in f.cells}
    flat = rep.flat()
    for fid in ("requests.new.natural", "requests.granted.total", "requests.processed_total.total"):
        assert flat.get(fid) is None and fid in named
    # and no window of the numbers that happens to add up is taken for a row
    assert [k for k, v in flat.items() if k.startswith("requests.") and v is not None] == []


def test_a_wrapped_label_with_the_total_on_its_first_line() -> None:
    """Text copied from a PDF (pdftotext -layout) whose label wrapped: the 总计 cell on the
    label's first line, the other six on the next. Read in text order the row's own sum
    fails; the lines the other way round satisfy it: that reading is taken and said to be
    inferred, and no sum error is raised against the document."""
    body = _mixed_2019_table("（六）其他处理").replace(
        "\t（二）部分公开（区分处理的，只计这一情形，不计其它情形）\t0\t0\t0\t0\t0\t0\t0",
        "\t（二）部分公开（区分处理的，只计这一情      3\n\t2\t1\t0\t0\t0\t0\n\t形，不计其他情形）",
    )
    rep = nianbao.parse(body.replace("\t", "    ").encode("utf-8"))
    flat = rep.flat()
    got = [flat[f"requests.partial.{c}"] for c in ("natural", "commercial", "research", "total")]
    assert got == [2, 1, 0, 3]
    said = [f for f in rep.findings if f.rule == "R-LAYOUT-SHIFT"]
    assert said and "推断" in said[0].message and "requests.partial.total" in said[0].cells
    assert not any(
        f.rule == "R-SUM-ROW" and "requests.partial.total" in f.cells for f in rep.findings
    )


@pytest.mark.parametrize("mark", ["*", "①", "（注）", "注1", "※"])
def test_a_footnote_mark_after_a_number(mark: str) -> None:
    """A mark after a cell's number (12*, 3①) is a footnote's, not part of the value: the
    cell and the rest of its row are read; the mark stays in the cell's raw text."""
    text = _mixed_2019_table("（六）其他处理").replace(
        "\t（一）予以公开\t2\t0\t0\t0\t0\t0\t2", f"\t（一）予以公开\t2{mark}\t0\t0\t0\t0\t0\t2"
    )
    rep = nianbao.parse(text.encode("utf-8"))
    flat = rep.flat()
    assert flat["requests.granted.natural"] == 2 and flat["requests.granted.total"] == 2
    assert rep.values["requests.granted.natural"].raw.endswith(mark)


def test_a_run_of_numbers_far_longer_than_its_row_is_not_windowed() -> None:
    """After the last label, more numbers than the row has cells, in no window that holds
    them all (the numbers of other rows, copied after the labels): a window that happens to
    add up (3 1 1 → 5) is no reading of the row; it is unread and named."""
    lines = []
    for line in _mixed_2019_table("（六）其他处理").splitlines():
        cells = line.split("\t")
        if cells[0].startswith("四、结转下年度"):
            lines += [cells[0], "9", "", "", "", "", "4", "", "", "3", "1", "1", "", "5"]
        else:
            lines += [c for c in cells if c.strip()]
    rep = nianbao.parse(("\n".join(lines) + "\n").encode("utf-8"))
    flat = rep.flat()
    got = [flat.get(f"requests.carried_forward.{c}") for c in ("natural", "research", "total")]
    assert got == [None, None, None]
    named = {c for f in rep.findings if f.rule == "R-UNREAD" for c in f.cells}
    assert "requests.carried_forward.total" in named


def test_a_note_under_the_table_gives_no_cell_its_number() -> None:
    """A last row left blank, then a note with a date under the table: the note's year is
    no cell of the row (it was read as 四、结转下年度 总计 = 2024, and the sums then blamed
    the document)."""
    text = _mixed_2019_table("（六）其他处理").replace(
        "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0\n",
        "四、结转下年度继续办理\n注：本表数据统计截至 2024 年 12 月 31 日。\n",
    )
    flat = nianbao.parse(text.encode("utf-8")).flat()
    assert [flat.get(f"requests.carried_forward.{c}") for c in ("natural", "total")] == [
        None,
        None,
    ]


def test_one_applicant_number_and_its_total_are_not_placed_by_the_sum() -> None:
    """A row that shows one number and its total (19 19) where the text does not say which
    applicant column holds it: the sum holds in any of them, so none is chosen (it was
    always 其他, where most such rows have 自然人); the row is unread and named."""
    text = _mixed_2019_table("（六）其他处理").replace(
        "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t0\t5",
        "一、本年新收政府信息公开申请数量\t5\t5",
    )
    rep = nianbao.parse(text.encode("utf-8"))
    flat = rep.flat()
    assert flat.get("requests.new.other_org") is None
    assert flat.get("requests.new.natural") in (None, 5)
    if flat.get("requests.new.natural") is None:
        named = {c for f in rep.findings for c in f.cells}
        assert "requests.new.natural" in named


def _tab_rows(table: str) -> str:
    """A Markdown table's rows as tab-separated lines (its separator line dropped)."""
    rows = [ln.strip().strip("|").split("|") for ln in table.splitlines() if ln.strip()]
    return "\n".join(
        "\t".join(c.strip() for c in r) for r in rows if not set("".join(r)) <= set("-: ")
    )


def _tables_after_prose(md: str, tabs: bool = False) -> str:
    """A page as main-content extractors give it: every table gathered after the prose,
    and each heading run into the first paragraph of its section (## 五、… 本年度…); with
    ``tabs``, the tables as tab-separated rows with nothing between them."""
    prose: list[str] = []
    tables: list[str] = []
    blocks = [b for b in md.split("\n\n") if b.strip()]
    for b in blocks:
        (tables if b.lstrip().startswith("|") else prose).append(b)
    joined: list[str] = []
    k = 0
    while k < len(prose):
        b = prose[k]
        nxt = prose[k + 1] if k + 1 < len(prose) else ""
        if b.startswith("## ") and nxt and not nxt.startswith("#"):
            joined.append(f"{b[3:]} {nxt}")
            k += 2
            continue
        joined.append(b.lstrip("# "))
        k += 1
    if tabs:
        return "\n".join(joined) + "\n\n" + "\n".join(map(_tab_rows, tables)) + "\n"
    return "\n".join(joined) + "\n\n" + "\n\n".join(tables) + "\n"


@pytest.mark.parametrize("tabs", [False, True])
def test_tables_gathered_after_the_prose_and_run_in_headings(tabs: bool) -> None:
    """Each gold's tables after its prose, headings sharing a line with their text: every
    table cell comes back (表二 and 表三 standing after 六、 were dropped, silently, and
    五、存在的主要问题… 本年度… was not a heading, so 四 ran to the end; as tab rows with
    nothing between them, the three tables were one grid read as 表三)."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    from .shapes import TABLES, sources

    found = sources()
    if len(found) < 3:
        pytest.skip("shared samples not available")
    wrong: list[str] = []
    for stem, gold in found:
        text = _tables_after_prose(render(Report.from_flat(gold), "md").decode("utf-8"), tabs)
        rep = nianbao.parse(text.encode("utf-8"))
        got = rep.flat()
        wrong += [
            f"{stem} {fid}: {want!r} read as {got.get(fid)!r}"
            for fid, want in gold.items()
            if fid.startswith(TABLES) and got.get(fid) != want
        ]
        wrong += [
            f"{stem}: {f.rule} {f.cells}"
            for f in rep.findings
            if f.rule in ("R-TABLE-MISSING", "R-ROW-MISSING")
        ]
        for sec in ("s5", "s6"):
            assert rep.sections[sec].present and rep.sections[sec].text, (stem, sec)
    assert not wrong, "\n".join(wrong[:30])


def _tables_replaced(gold: dict, by: str, style: str = "md") -> bytes:
    from nianbao.report import Report
    from nianbao.writing.writer import render

    doc = render(Report.from_flat(gold), style).decode("utf-8")
    if style == "md":
        blocks = doc.split("\n\n")
        return "\n\n".join(by if b.lstrip().startswith("|") else b for b in blocks).encode()
    return re.sub(r"<table\b.*?</table>", by, doc, flags=re.S).encode()


@pytest.mark.parametrize(
    "by, style",
    [
        ("[TABLE]", "md"),
        ("![](/uploads/2023/01/t1.png)", "md"),
        ('<p><img src="/uploads/2023/01/t1.png" width="600"></p>', "html"),
    ],
)
def test_a_table_left_as_a_placeholder_or_picture_is_the_tools_limit(by: str, style: str) -> None:
    """A table the copy holds only as pandoc's [TABLE] or a picture is unread, said as the
    tool's limit (R-UNREAD per table), never 「未找到表…」 blaming the report."""
    from .shapes import sources

    found = sources()
    if not found:
        pytest.skip("shared samples not available")
    rep = nianbao.parse(_tables_replaced(found[0][1], by, style))
    rules = {(f.rule, tuple(f.cells)) for f in rep.findings}
    for sec in ("s2", "s3", "s4"):
        assert ("R-UNREAD", (f"sections.{sec}",)) in rules
    assert not any(f.rule in ("R-TABLE-MISSING", "R-ROW-MISSING") for f in rep.findings)


def test_icons_are_not_pictures_of_tables() -> None:
    """Small images (icons, spacers) make no placeholder: a report page with its tables and
    a logo reads as without the logo."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    from .shapes import sources

    found = sources()
    if not found:
        pytest.skip("shared samples not available")
    html = render(Report.from_flat(found[0][1]), "html").decode("utf-8")
    logo = '<img src="/images/logo.png" width="32" height="32"><img src="/s.gif" style="width:1px">'
    plain = nianbao.parse(html.encode()).flat()
    with_icons = nianbao.parse(html.replace("<body>", "<body>" + logo, 1).encode()).flat()
    assert with_icons == plain


def test_a_docx_whose_tables_are_pictures() -> None:
    """A Word file whose tables were pasted as pictures: each table unread as the tool's
    limit, not missing."""
    import io

    from docx import Document
    from docx.shared import Inches
    from PIL import Image

    from .shapes import sources

    found = sources()
    if not found:
        pytest.skip("shared samples not available")
    md = _tables_replaced(found[0][1], "[[picture]]").decode("utf-8")
    picture = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(picture, "PNG")
    doc = Document()
    for block in md.split("\n\n"):
        if block.strip() == "[[picture]]":
            picture.seek(0)
            doc.add_picture(picture, width=Inches(5))
        else:
            doc.add_paragraph(block.lstrip("# "))
    out = io.BytesIO()
    doc.save(out)
    rep = nianbao.parse(out.getvalue())
    rules = {(f.rule, tuple(f.cells)) for f in rep.findings}
    for sec in ("s2", "s3", "s4"):
        assert ("R-UNREAD", (f"sections.{sec}",)) in rules
    assert not any(f.rule in ("R-TABLE-MISSING", "R-ROW-MISSING") for f in rep.findings)


@pytest.mark.parametrize(
    "row",
    ["行政事业性\n    1816\n收费", "行政事业性收\n1816\n费", "行政事业性收\n1816\n\n费"],
)
def test_a_fee_label_wrapped_around_its_value(row: str) -> None:
    """Text taken line by line from a table whose cells centre their text: the fee's value
    stands between the two lines of its label (行政事业性 / 1816 / 收费); the row was called
    missing and its value lost."""
    text = (
        "某县人民政府2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "第二十条第（八）项\n信息内容 本年收费金额（单位：万元）\n"
        f"{row}\n三、收到和处理政府信息公开申请情况\n"
    )
    rep = nianbao.parse(text.encode("utf-8"))
    assert rep.flat()["active.fees"] == 1816
    assert not any(f.rule == "R-ROW-MISSING" and "active.fees" in f.cells for f in rep.findings)


def _s2(rows: str) -> bytes:
    return (
        "某县人民政府2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        f"{rows}\n三、收到和处理政府信息公开申请情况\n"
    ).encode()


def test_a_decimal_cut_before_its_point_is_not_read_as_the_integer_part() -> None:
    """「1515 .2592」 (a fee whose number the copy cut at its point) was read as 1515 and the
    rest dropped, silently: the row is now unread and named."""
    rep = nianbao.parse(
        _s2("第二十条第（八）项\n信息内容 本年收费金额（单位：万元）\n行政事业性收费 1515 .2592")
    )
    value = rep.flat().get("active.fees")
    named = {c for f in rep.findings for c in f.cells}
    assert value == pytest.approx(1515.2592) or "active.fees" in named


def test_digits_with_a_space_between_them_are_named() -> None:
    """A cell 「606 12」 in a tab-separated row is two cells (tabs and spaces mixed), never
    60612; its row then holds two numbers where the form has one, and a finding says so."""
    rep = nianbao.parse(
        _s2("第二十条第（六）项\n信息内容\t本年处理决定数量\n行政处罚\t606 12\n行政强制\t11")
    )
    assert rep.flat().get("active.penalty") != 60612
    hit = [f for f in rep.findings if f.rule == "R-CELL-COUNT" and "active.penalty" in f.cells]
    assert hit and "606、12" in hit[0].message


def test_characters_a_font_could_not_map_are_unread_not_blank() -> None:
    """Digits of a PDF font with no ToUnicode map come out as glyph codes (\\x13…), which
    the PDF reader shows as U+FFFD: such cells are unread (the tool's limit), never blank
    cells of the report, and R-NON-NUMERIC / R-BLANK-ROW say nothing of them."""
    g = "\ufffd"
    rep = nianbao.parse(
        _s2(
            "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
            f"规章\t{g}\t{g}\t{g}\n行政规范性文件\t{g}\t{g}{g}\t{g}"
        )
    )
    ids = [
        f"active.{r}.{c}"
        for r in ("regulations", "normative")
        for c in ("issued", "repealed", "in_force")
    ]
    unread = [f for f in rep.findings if f.rule == "R-UNREAD"]
    assert unread and set(ids) <= {c for f in unread for c in f.cells}
    assert all(rep.flat().get(i) is None for i in ids)
    assert not any(f.rule in ("R-NON-NUMERIC", "R-BLANK-ROW", "R-BLANK-CELL") for f in rep.findings)


@pytest.mark.parametrize(
    "rows, ids",
    [
        ("第二十条第（五）项\n信息内容\t本年处理决定数量\n行政许可\t94B7", ["active.licensing"]),
        (
            "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t3\tO\t8",
            ["active.regulations.repealed"],
        ),
        ("第二十条第（五）项\n信息内容 本年处理决定数量\n行政许可 94B7", ["active.licensing"]),
    ],
)
def test_letters_inside_numbers_are_unread_not_cut(rows: str, ids: list[str]) -> None:
    """OCR writes B for 8 and O for 0: 「94B7」 was read as 94 and 「3 O 8」 lost its last two
    cells, silently; such cells are unread and named."""
    rep = nianbao.parse(_s2(rows))
    flat = rep.flat()
    named = {c for f in rep.findings if f.rule == "R-UNREAD" for c in f.cells}
    for fid in ids:
        assert flat.get(fid) is None and fid in named
    assert flat.get("active.licensing") != 94


def test_rows_of_a_table_cut_in_two_are_not_called_shifted() -> None:
    """表三 cut in two grids (a page break, an OCR'd scan): its last rows stand in a grid of
    other columns, which says nothing of the report's layout (R-LAYOUT-SHIFT blamed a clean
    scan for numbers under the wrong applicant heading)."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    from .shapes import sources

    found = sources()
    if not found:
        pytest.skip("shared samples not available")
    md = render(Report.from_flat(found[0][1]), "md").decode("utf-8")
    # the last row of 表三 as a table of its own, its label in one cell
    row = next(ln for ln in md.splitlines() if ln.startswith("| 四、结转下年度继续办理"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    alone = "| " + " | ".join([cells[0], *[c for c in cells[1:] if c]]) + " |"
    alone_table = alone + "\n|" + " --- |" * (alone.count("|") - 1)
    md = md.replace(row + "\n", "").replace(
        "## 四、",
        alone_table.splitlines()[0] + "\n" + alone_table.splitlines()[1] + "\n\n## 四、",
        1,
    )
    rep = nianbao.parse(md.encode("utf-8"))
    assert not any(f.rule == "R-LAYOUT-SHIFT" for f in rep.findings)
    gold = found[0][1]
    assert all(
        rep.flat().get(k) == v for k, v in gold.items() if k.startswith("requests.carried_forward.")
    )


def test_a_run_in_heading_of_an_indented_line_points_at_its_text() -> None:
    """A run-in heading split from its sentence keeps offsets into the text even when the
    line is indented (the split took the paragraph's start at the indentation)."""
    text = (
        "某某局2023年政府信息公开工作年度报告\n\u3000\u3000一、总体情况 本年度我局认真贯彻落实。\n"
        "\u3000\u3000五、存在的主要问题及改进情况 本年度存在问题。\n"
    )
    rep = nianbao.parse(text.encode())
    for sec in ("s1", "s5"):
        s = rep.sections[sec]
        assert s.present and s.start is not None
        assert rep.text[s.start : s.start + len(s.heading)] == s.heading


@pytest.mark.parametrize("zero", ["〇", "零", "○"])
@pytest.mark.parametrize("style", ["tab", "lines", "pipe"])
def test_a_cell_written_as_the_chinese_numeral_zero(zero: str, style: str) -> None:
    """〇 / 零 (or the circle ○ typed for 〇) alone in a cell is 0, said by R-NON-NUMERIC;
    before, the cell read blank with no finding. 二〇二三年 in the prose stays a date."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    from .shapes import sources

    found = sources()
    if not found:
        pytest.skip("shared samples not available")
    _stem, gold = found[0]
    sep = {"tab": "\t", "lines": "\n\t", "pipe": " | "}[style]
    text = render(Report.from_flat(gold), style).decode("utf-8")
    row = "规章" + sep + sep.join("000")
    assert row in text
    text = text.replace(row, "规章" + sep + sep.join([zero] * 3))
    rep = nianbao.parse(text.encode("utf-8"))
    ids = [f"active.regulations.{c}" for c in ("issued", "repealed", "in_force")]
    assert [rep.values[i].value for i in ids] == [0, 0, 0]
    said = [f for f in rep.findings if f.rule == "R-NON-NUMERIC"]
    assert said and set(ids) <= set(said[0].cells)


@pytest.mark.parametrize("suffix", ["（件）", "（2023年修订）", "(件)"])
@pytest.mark.parametrize("style", ["tab", "md", "lines"])
def test_a_unit_or_remark_after_a_table_two_row_name(suffix: str, style: str) -> None:
    """规章（件）, 行政规范性文件（2023年修订）: a unit or a remark in brackets after 表二's row
    names. The name no longer ended the label, no row was matched and the row read blank,
    silently (219 cells over the golds in these shapes)."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    from .shapes import sources
    from .test_text_grid import _check

    for stem, gold in sources():
        text = render(Report.from_flat(gold), style).decode("utf-8")
        text = re.sub(r"(规章|行政规范性文件)(?=[\t |\n])", lambda m: m.group(1) + suffix, text)
        assert _check(text, gold) == [], stem
