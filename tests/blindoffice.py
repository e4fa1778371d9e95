"""Blind office shapes: the annual reports written the way agencies author them in Word/WPS
(公文 format) and publish them as DOCX and PDF, built from the gold files of ../shared.

Written without reading the project's other generators. Each gold (flat id → value) is
rendered in several shapes (``SHAPES``), each a realistic combination of what Word documents
of 政府信息公开工作年度报告 carry:

* ``tpl``: the national template's tables — 表二 as one table with the 第二十条 sub-headers
  as merged rows and one-value rows spanning three columns; 表三 with the note cell over
  3 × 3, 申请人情况 over seven columns, 法人或其他组织 over five, 三、本年度办理结果 and the
  groups （三）…（六） merged vertically; 表四 with three header rows. Headings typed in
  the text, 落款 right-aligned, a footer with the page number field.
* ``numbered``: headings as Word numbered list paragraphs (the 一、 comes from the
  numbering, not the text), labels with line breaks and several paragraphs inside a cell,
  the vertical merged label stacked one character a paragraph, blanks written 「/」, exact
  row heights, a 红头 in a text box, a footnote.
* ``split``: 表三 broken in two tables with a 「续表」 paragraph and repeated header rows,
  表二 as four small tables, 表四 as two tables (行政复议 / 行政诉讼).
* ``landscape``: 表三 and 表四 in a landscape section, header with the agency name,
  blanks as 「—」, header words broken (商业\\n企业).
* ``serial``: tables rebuilt by the agency with a 序号 column and one label column whose
  group rows (（三）不予公开 …) stand as rows of their own without numbers.
* ``filled``: the national template file itself (../shared/samples/peer/templates) filled in.
* ``controls``: ``tpl`` with 表三's rows in a repeating section's content controls, 表二's
  value cells in cell controls, 表三's 总计 as =SUM(LEFT) fields, values revised with
  tracked changes.
* ``autonum``: ``tpl`` with 表三's ordinals （一）… and 1.… made by Word numbering (not in the
  text), header words spread (自 然 人, 总　计), some values in full-width digits, 单位：件.
* ``twocol``: 表三 with two label columns, a two-row header without 申请人情况, 合计.
* ``cut``: 表三 cut by hand into two tables, the second without header and with the cut
  group's label left in the first part; footer 「第 X 页 共 Y 页」.
* ``watermark``: ``tpl`` with Word's diagonal 水印 (the agency's name) in the header.
* ``vertical``: ``tpl`` with the merged label cells in vertical text, values with thousands
  separators (DOCX only: LibreOffice hangs laying it out).
* ``subtotal``: 表三 with a 小计 column for 法人或其他组织.
* ``t4rows``: 表四 turned, one row per group, the five results as columns.

usage: python -m tests.blindoffice [--out /tmp/h2/out] [--pdf SHAPE,...] [--only SHAPE,...]
Writes name.docx / name.pdf with name.gold.json beside, then scores them in-process
(cells right / total, silent wrong values, false accusations, per shape).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .formlabels import ACTIVE_BLOCKS
from .gold import SHARED, gold_files

TEMPLATE = SHARED / "samples" / "peer" / "templates" / "政府信息公开工作年度报告格式模板_空白.docx"

COLS = ["natural", "commercial", "research", "social", "legal", "other_org", "total"]
COL_LABELS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]

# (row id, group label or None, label) of 表三; group "" = a row spanning all label columns
ROWS: list[tuple[str, str | None, str]] = [
    ("new", "", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "", "二、上年结转政府信息公开申请数量"),
    ("granted", None, "（一）予以公开"),
    ("partial", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied.state_secret", "（三）不予公开", "1.属于国家秘密"),
    ("denied.law_forbidden", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("denied.safety_stability", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("denied.third_party", "（三）不予公开", "4.保护第三方合法权益"),
    ("denied.internal_affairs", "（三）不予公开", "5.属于三类内部事务信息"),
    ("denied.process_info", "（三）不予公开", "6.属于四类过程性信息"),
    ("denied.enforcement_file", "（三）不予公开", "7.属于行政执法案卷"),
    ("denied.admin_query", "（三）不予公开", "8.属于行政查询事项"),
    ("unable.not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unable.needs_creation", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unable.unclear", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("rejected.petition", "（五）不予处理", "1.信访举报投诉类申请"),
    ("rejected.duplicate", "（五）不予处理", "2.重复申请"),
    ("rejected.publication", "（五）不予处理", "3.要求提供公开出版物"),
    ("rejected.excessive", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("rejected.confirm", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    (
        "other.no_correction",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "other.no_fee",
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("other.misc", "（六）其他处理", "3.其他"),
    ("processed_total", None, "（七）总计"),
    ("carried_forward", "", "四、结转下年度继续办理"),
]
REVIEW_GROUPS = ["reconsideration", "litigation_direct", "litigation_after"]
REVIEW_FIELDS = ["upheld", "corrected", "other", "pending", "total"]
REVIEW_LABELS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
HEADINGS = [
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
]
CN = "一二三四五六七八九十"
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

SHAPES = [
    "tpl",
    "numbered",
    "split",
    "landscape",
    "serial",
    "filled",
    "controls",
    "autonum",
    "twocol",
    "cut",
    "watermark",
    "vertical",
    "subtotal",
    "t4rows",
]


# ---------------------------------------------------------------- gold
def golds() -> list[Path]:
    return gold_files()


def values(gold: dict[str, Any]) -> dict[str, Any]:
    blanks = set(gold.get("blank", []))
    return {k: (None if k in blanks else v) for k, v in gold.items() if k not in ("blank", "notes")}


def rows_of(v: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    """表三's rows for this gold: the single （六）其他处理 row of the 2019 / mixed layout."""
    if "requests.other.natural" not in v:
        return ROWS
    out: list[tuple[str, str | None, str]] = []
    for rid, grp, lab in ROWS:
        if rid.startswith("other."):
            if rid == "other.no_correction":
                out.append(("other", None, "（六）其他处理"))
            continue
        out.append((rid, grp, lab))
    return out


def num(v: Any, blank: str) -> str:
    if v is None:
        return blank
    if isinstance(v, float):
        s = f"{v:.4f}".rstrip("0").rstrip(".")
        return s
    return str(v)


# ---------------------------------------------------------------- docx helpers
def _docx() -> Any:
    import docx  # noqa: F401

    return docx


def qn(tag: str) -> str:
    from docx.oxml.ns import qn as _qn

    return _qn(tag)


def el(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement

    e = OxmlElement(tag)
    for k, val in attrs.items():
        e.set(qn(k.replace("_", ":", 1)), val)
    return e


def set_font(run: Any, name: str, size: float, bold: bool = False, color: Any = None) -> None:
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = el("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), name)
    fonts.set(qn("w:hAnsi"), name)


def para(
    doc: Any,
    text: str,
    *,
    font: str = "仿宋_GB2312",
    size: float = 16,
    bold: bool = False,
    align: str = "justify",
    indent: bool = True,
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
    }[align]
    pf = p.paragraph_format
    pf.line_spacing = Pt(28)
    if indent:
        pf.first_line_indent = Pt(size * 2)
    if text:
        set_font(p.add_run(text), font, size, bold)
    return p


def cell_text(
    cell: Any,
    text: str,
    *,
    size: float = 10.5,
    align: str = "center",
    font: str = "仿宋_GB2312",
    bold: bool = False,
) -> None:
    """Write ``text`` into a cell: '\\n' = a line break inside the paragraph, '\\n\\n' = a new
    paragraph (both as Word writes them)."""
    from docx.enum.table import WD_ALIGN_VERTICAL
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    al = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
    for p in list(cell.paragraphs)[1:]:
        p._element.getparent().remove(p._element)
    first = cell.paragraphs[0]
    for r in list(first.runs):
        r._element.getparent().remove(r._element)
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    for i, chunk in enumerate(text.split("\n\n")):
        p = first if i == 0 else cell.add_paragraph()
        p.alignment = al
        p.paragraph_format.first_line_indent = 0
        lines = chunk.split("\n")
        for j, line in enumerate(lines):
            r = p.add_run(line)
            set_font(r, font, size, bold)
            if j < len(lines) - 1:
                r.add_break()


def table(doc: Any, nrows: int, ncols: int, widths: list[float] | None = None) -> Any:
    from docx.shared import Cm

    t = doc.add_table(rows=nrows, cols=ncols)
    t.style = "Table Grid"
    t.autofit = False
    if widths:
        for row in t.rows:
            for c, w in zip(row.cells, widths):
                c.width = Cm(w)
    return t


def repeat_header(t: Any, n: int) -> None:
    for row in t.rows[:n]:
        trpr = row._tr.get_or_add_trPr()
        trpr.append(el("w:tblHeader"))


def row_heights(t: Any, cm: float, exact: bool = False) -> None:
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Cm

    for row in t.rows:
        row.height = Cm(cm)
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY if exact else WD_ROW_HEIGHT_RULE.AT_LEAST


def merge(t: Any, r0: int, c0: int, r1: int, c1: int, text: str, **kw: Any) -> None:
    a = t.cell(r0, c0)
    if (r0, c0) != (r1, c1):
        a = a.merge(t.cell(r1, c1))
    cell_text(a, text, **kw)


def _field(p: Any, code: str, shown: str) -> None:
    r = p.add_run()
    r._element.append(el("w:fldChar", w_fldCharType="begin"))
    r2 = p.add_run()
    instr = el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {code} "
    r2._element.append(instr)
    r3 = p.add_run()
    r3._element.append(el("w:fldChar", w_fldCharType="separate"))
    set_font(p.add_run(shown), "宋体", 10.5)
    r5 = p.add_run()
    r5._element.append(el("w:fldChar", w_fldCharType="end"))


def watermark(section: Any, agency: str) -> None:
    """A diagonal grey watermark (Word's 水印: a VML WordArt shape in the header)."""
    from lxml import etree

    p = section.header.paragraphs[0]
    r = p.add_run()
    xml = (
        '<w:pict xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
        '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
        '<v:textpath on="t" fitshape="t"/></v:shapetype>'
        '<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" '
        'style="position:absolute;margin-left:0;margin-top:0;width:415pt;height:138pt;rotation:315;'
        "z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
        'mso-position-vertical:center;mso-position-vertical-relative:margin" fillcolor="silver" stroked="f">'
        '<v:fill opacity=".5"/>'
        f'<v:textpath style="font-family:&quot;宋体&quot;;font-size:1pt" string="{agency}"/>'
        "</v:shape></w:pict>"
    )
    r._element.append(etree.fromstring(xml))


def footer_page(section: Any, agency: str | None = None, pages: bool = False) -> None:
    """A footer 「— PAGE —」 with the PAGE field, centred (公文 style); ``pages``: 「第 X 页
    共 Y 页」."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if pages:
        set_font(p.add_run("第 "), "宋体", 10.5)
        _field(p, "PAGE", "1")
        set_font(p.add_run(" 页 共 "), "宋体", 10.5)
        _field(p, "NUMPAGES", "5")
        set_font(p.add_run(" 页"), "宋体", 10.5)
        return
    set_font(p.add_run("— "), "宋体", 14)
    r = p.add_run()
    set_font(r, "宋体", 14)
    r._element.append(el("w:fldChar", w_fldCharType="begin"))
    r2 = p.add_run()
    instr = el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    r2._element.append(instr)
    r3 = p.add_run()
    r3._element.append(el("w:fldChar", w_fldCharType="separate"))
    r4 = p.add_run("1")
    set_font(r4, "宋体", 14)
    r5 = p.add_run()
    r5._element.append(el("w:fldChar", w_fldCharType="end"))
    set_font(p.add_run(" —"), "宋体", 14)
    if agency:
        h = section.header.paragraphs[0]
        h.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        set_font(h.add_run(agency + "政府信息公开工作年度报告"), "宋体", 9)


def landscape(doc: Any, on: bool) -> Any:
    from docx.enum.section import WD_ORIENT, WD_SECTION

    s = doc.add_section(WD_SECTION.NEW_PAGE)
    w, h = s.page_width, s.page_height
    if on and w < h or not on and w > h:
        s.page_width, s.page_height = h, w
    s.orientation = WD_ORIENT.LANDSCAPE if on else WD_ORIENT.PORTRAIT
    return s


def textbox(doc: Any, text: str) -> None:
    """A 红头 in a VML text box (how WPS / older Word files carry a floating heading)."""
    from lxml import etree

    p = doc.add_paragraph()
    r = p.add_run()
    xml = (
        '<w:pict xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        '<v:shape id="tb1" type="#_x0000_t202" style="position:absolute;margin-left:40pt;'
        'margin-top:0pt;width:380pt;height:60pt;z-index:1" stroked="f">'
        '<v:textbox><w:txbxContent><w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
        '<w:r><w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:color w:val="FF0000"/>'
        f'<w:sz w:val="72"/></w:rPr><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox>'
        "</v:shape></w:pict>"
    )
    r._element.append(etree.fromstring(xml))
    # the red rule under the 红头
    p2 = doc.add_paragraph()
    ppr = p2._p.get_or_add_pPr()
    bdr = el("w:pBdr")
    bdr.append(el("w:bottom", w_val="single", w_sz="18", w_space="1", w_color="FF0000"))
    ppr.append(bdr)


def numbering(doc: Any) -> int:
    """A Chinese-counting numbering (一、二、…) for the headings; returns its numId."""
    npart = doc.part.numbering_part.element
    absid, numid = "90", "90"
    ab = el("w:abstractNum", w_abstractNumId=absid)
    lvl = el("w:lvl", w_ilvl="0")
    lvl.append(el("w:start", w_val="1"))
    lvl.append(el("w:numFmt", w_val="chineseCounting"))
    lvl.append(el("w:lvlText", w_val="%1、"))
    lvl.append(el("w:lvlJc", w_val="left"))
    ppr = el("w:pPr")
    ppr.append(el("w:ind", w_firstLine="640"))
    lvl.append(ppr)
    ab.append(lvl)
    first_num = npart.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(ab)
    else:
        npart.append(ab)
    n = el("w:num", w_numId=numid)
    n.append(el("w:abstractNumId", w_val=absid))
    npart.append(n)
    return int(numid)


def numbered_para(doc: Any, text: str, numid: int) -> None:
    p = para(doc, text, font="黑体", indent=False)
    ppr = p._p.get_or_add_pPr()
    npr = el("w:numPr")
    npr.append(el("w:ilvl", w_val="0"))
    npr.append(el("w:numId", w_val=str(numid)))
    ppr.insert(0, npr)


def footnote(doc: Any, p: Any, text: str) -> None:
    """A footnote (footnotes part made on first use) referenced at the end of ``p``."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = (
        f'<w:footnotes xmlns:w="{W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        "</w:r></w:p></w:footnote>"
        '<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    )
    part = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        xml.encode("utf-8"),
        doc.part.package,
    )
    doc.part.relate_to(part, RT.FOOTNOTES)
    r = p.add_run()
    rpr = r._element.get_or_add_rPr()
    rpr.append(el("w:vertAlign", w_val="superscript"))
    r._element.append(el("w:footnoteReference", w_id="1"))


# ---------------------------------------------------------------- the report's text
def prose(v: dict[str, Any], agency: str, year: int) -> dict[int, list[str]]:
    new = v.get("requests.new.total")
    tot = v.get("requests.processed_total.total")
    lic = v.get("active.licensing")
    s1 = [
        f"{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》"
        "和上级关于政务公开工作的部署要求，围绕中心工作，持续深化政务公开，不断提升政府工作透明度。",
        "（一）主动公开。严格落实公开属性源头认定机制，通过政府门户网站、政务新媒体等渠道及时发布政府信息。"
        + (f"全年公开行政许可决定信息{lic}条。" if lic is not None else ""),
        "（二）依申请公开。畅通申请渠道，规范受理、审查、答复等环节，"
        + (f"全年新收政府信息公开申请{new}件，" if new is not None else "")
        + (f"办结{tot}件，" if tot is not None else "")
        + "均在法定期限内答复。",
        "（三）政府信息管理。健全信息发布审查机制，动态更新政策文件库，对行政规范性文件实行统一登记、统一编号、统一公布。",
        "（四）政府信息公开平台建设。优化政府门户网站栏目设置，加强政务新媒体管理，完善政府信息公开专栏。",
        "（五）监督保障。将政务公开工作纳入年度绩效考核，开展业务培训，本年度未发生因政务公开工作引发的责任追究情况。",
    ]
    s5 = [
        "一是主动公开的深度和广度有待拓展；二是政策解读形式较为单一。",
        "下一步，我们将进一步加强组织领导，规范公开流程，丰富解读形式，提升政务公开质效。",
    ]
    s6 = [
        "本年度未收取信息处理费。",
        "本年度无其他需要报告的事项。",
    ]
    return {0: s1, 4: s5, 5: s6}


def meta_of(v: dict[str, Any], path: Path) -> tuple[str, str, int]:
    year = int(v.get("meta.year") or 2023)
    agency = v.get("meta.agency") or "青禾县人民政府"
    title = v.get("meta.title") or f"{agency}{year}年政府信息公开工作年度报告"
    return title, agency, year


# ---------------------------------------------------------------- tables
def active_table_tpl(doc: Any, v: dict[str, Any], blank: str, *, serial: bool = False) -> None:
    """表二 as the template: one table, each 第二十条 sub-header a merged row."""
    nrows = sum(2 + len(rows) for _, _, rows in ACTIVE_BLOCKS)
    off = 1 if serial else 0
    if serial:
        nrows += 0
    t = table(doc, nrows, 4 + off, [1.2] * off + [4.4, 3.4, 3.4, 3.4])
    r = 0
    k = 0
    for head, cols, rows in ACTIVE_BLOCKS:
        merge(t, r, 0, r, 3 + off, head, bold=True)
        r += 1
        if serial:
            cell_text(t.cell(r, 0), "序号")
        cell_text(t.cell(r, off), "信息内容")
        if len(cols) == 3:
            for i, c in enumerate(cols):
                cell_text(t.cell(r, off + 1 + i), c)
        else:
            merge(t, r, off + 1, r, off + 3, cols[0])
        r += 1
        for lab, key in rows:
            k += 1
            if serial:
                cell_text(t.cell(r, 0), str(k))
            cell_text(t.cell(r, off), lab)
            if len(cols) == 3:
                for i, f in enumerate(["issued", "repealed", "in_force"]):
                    cell_text(t.cell(r, off + 1 + i), num(v.get(f"{key}.{f}"), blank))
            else:
                merge(t, r, off + 1, r, off + 3, num(v.get(key), blank))
            r += 1
    row_heights(t, 0.8)


def active_tables_split(doc: Any, v: dict[str, Any], blank: str) -> None:
    """表二 as four small tables, each with its 第二十条 header row merged over the width."""
    active_table_tpl_parts = [
        (
            "第二十条第（一）项",
            [("规章", "active.regulations"), ("行政规范性文件", "active.normative")],
        ),
        ("第二十条第（五）项", [("行政许可", "active.licensing")]),
        ("第二十条第（六）项", [("行政处罚", "active.penalty"), ("行政强制", "active.coercion")]),
        ("第二十条第（八）项", [("行政事业性收费", "active.fees")]),
    ]
    for head, rows in active_table_tpl_parts:
        three = head.endswith("（一）项")
        ncols = 4 if three else 2
        t = table(doc, 2 + len(rows), ncols, [4.4, 3.4, 3.4, 3.4] if three else [6, 8.6])
        merge(t, 0, 0, 0, ncols - 1, head, bold=True)
        cell_text(t.cell(1, 0), "信息内容")
        if three:
            for i, c in enumerate(["本年制发件数", "本年废止件数", "现行有效件数"]):
                cell_text(t.cell(1, 1 + i), c)
        else:
            cell_text(
                t.cell(1, 1), "本年收费金额（单位：万元）" if "八" in head else "本年处理决定数量"
            )
        for j, (lab, key) in enumerate(rows):
            cell_text(t.cell(2 + j, 0), lab)
            if three:
                for i, f in enumerate(["issued", "repealed", "in_force"]):
                    cell_text(t.cell(2 + j, 1 + i), num(v.get(f"{key}.{f}"), blank))
            else:
                cell_text(t.cell(2 + j, 1), num(v.get(key), blank))
        doc.add_paragraph()


def requests_header(t: Any, *, lab_cols: int, broken: bool, stacked_note: bool = False) -> None:
    L = lab_cols
    note = NOTE
    merge(t, 0, 0, 2, L - 1, note, size=9)
    merge(t, 0, L, 0, L + 6, "申请人情况")
    merge(t, 1, L, 2, L, "自\n然\n人" if broken else "自然人")
    merge(t, 1, L + 1, 1, L + 5, "法人或其他组织")
    merge(t, 1, L + 6, 2, L + 6, "总\n计" if broken else "总计")
    subs = (
        ["商业\n企业", "科研\n机构", "社会公\n益组织", "法律服\n务机构", "其他"]
        if broken
        else COL_LABELS[1:6]
    )
    for i, s in enumerate(subs):
        cell_text(t.cell(2, L + 1 + i), s, size=9)


def _subtotal(v: dict[str, Any], rid: str) -> Any:
    xs = [v.get(f"requests.{rid}.{c}") for c in COLS[1:6]]
    return None if all(x is None for x in xs) else sum(x or 0 for x in xs)


def requests_rows_tpl(
    t: Any,
    v: dict[str, Any],
    rows: list[tuple[str, str | None, str]],
    start: int,
    blank: str,
    *,
    style: str,
    cols: list[str] | None = None,
) -> None:
    """表三's data rows in the template's three label columns, merges as the template."""
    r = start
    spans: dict[str, list[int]] = {}
    res: list[int] = []
    for rid, grp, lab in rows:
        for i, c in enumerate(cols or COLS):
            val = _subtotal(v, rid) if c == "org_subtotal" else v.get(f"requests.{rid}.{c}")
            cell_text(t.cell(r, 3 + i), num(val, blank))
        label = lab
        if style == "numbered" and rid == "partial":
            label = "（二）部分公开\n\n（区分处理的，只计这一情形，不计其他情形）"
        if style == "numbered" and rid.startswith("other.") and len(lab) > 10:
            label = lab[:14] + "\n" + lab[14:]
        if grp == "":
            merge(t, r, 0, r, 2, label, align="left")
        elif grp is None:
            merge(t, r, 1, r, 2, label, align="left")
            res.append(r)
        else:
            cell_text(t.cell(r, 2), label, align="left")
            spans.setdefault(grp, []).append(r)
            res.append(r)
        r += 1
    for gi, (grp, rs) in enumerate(spans.items()):
        text = grp if style != "numbered" else grp[:4] + "\n" + grp[4:]
        if style == "cut" and gi == 0 and rs[0] == start:
            text = ""  # the group goes on from the part before: its label stayed there
        merge(t, rs[0], 1, rs[-1], 1, text)
    if res:
        text = "三、本年度办理结果" if style != "cut" else ""
        if style == "numbered":
            text = "\n\n".join(text)  # stacked: one character a paragraph
        merge(t, res[0], 0, res[-1], 0, text)


def requests_table(
    doc: Any,
    v: dict[str, Any],
    blank: str,
    *,
    style: str = "tpl",
    rows: list[tuple[str, str | None, str]] | None = None,
    head: bool = True,
) -> Any:
    rows = rows if rows is not None else rows_of(v)
    hdr = 3 if head else 0
    t = table(doc, hdr + len(rows), 10, [1.2, 1.8, 4.6] + [1.3] * 7)
    if head:
        requests_header(t, lab_cols=3, broken=style in ("landscape", "numbered"))
    requests_rows_tpl(t, v, rows, hdr, blank, style=style)
    if style == "numbered":
        row_heights(t, 0.75, exact=False)
    return t


def requests_table_serial(doc: Any, v: dict[str, Any], blank: str) -> None:
    """表三 rebuilt with a 序号 column and one label column; group labels as rows of their own."""
    rows = rows_of(v)
    lines: list[tuple[str | None, str]] = []
    seen: set[str] = set()
    for rid, grp, lab in rows:
        if rid == "granted":
            lines.append((None, "三、本年度办理结果"))
        if grp and grp not in seen:
            seen.add(grp)
            lines.append((None, grp))
        lines.append((rid, lab))
    t = table(doc, 2 + len(lines), 9, [1.1, 6.0] + [1.2] * 7)
    merge(t, 0, 0, 1, 0, "序号")
    merge(t, 0, 1, 1, 1, "项目")
    for i, c in enumerate(COL_LABELS):
        if i == 0 or i == 6:
            merge(t, 0, 2 + i, 1, 2 + i, c)
    merge(t, 0, 3, 0, 7, "法人或其他组织")
    for i, c in enumerate(COL_LABELS[1:6]):
        cell_text(t.cell(1, 3 + i), c, size=9)
    k = 0
    for j, (rid, lab) in enumerate(lines):
        r = 2 + j
        if rid is None:
            merge(t, r, 1, r, 8, lab, align="left", bold=True)
            continue
        k += 1
        cell_text(t.cell(r, 0), str(k))
        cell_text(t.cell(r, 1), lab, align="left")
        for i, c in enumerate(COLS):
            cell_text(t.cell(r, 2 + i), num(v.get(f"requests.{rid}.{c}"), blank))
    repeat_header(t, 2)


def reviews_table(doc: Any, v: dict[str, Any], blank: str, *, style: str = "tpl") -> None:
    if style == "split":
        for title, groups in (("行政复议", REVIEW_GROUPS[:1]), ("行政诉讼", REVIEW_GROUPS[1:])):
            n = 5 * len(groups)
            t = table(doc, 4 if len(groups) > 1 else 3, n)
            merge(t, 0, 0, 0, n - 1, title)
            r = 1
            if len(groups) > 1:
                merge(t, 1, 0, 1, 4, "未经复议直接起诉")
                merge(t, 1, 5, 1, 9, "复议后起诉")
                r = 2
            for gi, g in enumerate(groups):
                for fi, f in enumerate(REVIEW_FIELDS):
                    cell_text(t.cell(r, gi * 5 + fi), REVIEW_LABELS[fi], size=9)
                    cell_text(t.cell(r + 1, gi * 5 + fi), num(v.get(f"reviews.{g}.{f}"), blank))
            doc.add_paragraph()
        return
    t = table(doc, 4, 15, [1.15] * 15)
    merge(t, 0, 0, 0, 4, "行政复议")
    merge(t, 0, 5, 0, 14, "行政诉讼")
    labs = (
        ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
        if style != "tpl"
        else REVIEW_LABELS
    )
    for i in range(5):
        merge(t, 1, i, 2, i, labs[i], size=9)
    merge(t, 1, 5, 1, 9, "未经复议直接起诉", size=9)
    merge(t, 1, 10, 1, 14, "复议后起诉", size=9)
    for i in range(10):
        cell_text(t.cell(2, 5 + i), labs[i % 5], size=9)
    for gi, g in enumerate(REVIEW_GROUPS):
        for fi, f in enumerate(REVIEW_FIELDS):
            cell_text(t.cell(3, gi * 5 + fi), num(v.get(f"reviews.{g}.{f}"), blank))
    if style == "numbered":
        row_heights(t, 1.0, exact=True)


def requests_table_twocol(doc: Any, v: dict[str, Any], blank: str) -> None:
    """表三 with two label columns (no 三、本年度办理结果 column: the groups （三）… merged
    vertically in the first, their reasons in the second), a two-row header without
    申请人情况, 「合计」 for the total column."""
    rows = rows_of(v)
    t = table(doc, 2 + len(rows), 9, [2.4, 5.0] + [1.3] * 7)
    merge(t, 0, 0, 1, 1, "项  目")
    merge(t, 0, 2, 1, 2, "自然人")
    merge(t, 0, 3, 0, 7, "法人或其他组织")
    merge(t, 0, 8, 1, 8, "合计")
    for i, c in enumerate(COL_LABELS[1:6]):
        cell_text(t.cell(1, 3 + i), c, size=9)
    spans: dict[str, list[int]] = {}
    for j, (rid, grp, lab) in enumerate(rows):
        r = 2 + j
        for i, c in enumerate(COLS):
            cell_text(t.cell(r, 2 + i), num(v.get(f"requests.{rid}.{c}"), blank))
        if grp:
            cell_text(t.cell(r, 1), lab, align="left")
            spans.setdefault(grp, []).append(r)
        else:
            merge(t, r, 0, r, 1, lab, align="left")
    for grp, rs in spans.items():
        merge(t, rs[0], 0, rs[-1], 0, grp)
    repeat_header(t, 2)


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _wrap_sdt(node: Any, tag: str) -> None:
    """Wrap ``node`` (a w:tr or w:tc) in a content control (w:sdt / w:sdtContent)."""
    sdt = el("w:sdt")
    pr = el("w:sdtPr")
    pr.append(el("w:tag", w_val=tag))
    sdt.append(pr)
    content = el("w:sdtContent")
    node.addprevious(sdt)
    content.append(node)
    sdt.append(content)


def _value_runs(tc: Any) -> list[Any]:
    return [r for r in tc.iter(qn("w:r")) if r.find(qn("w:t")) is not None]


def controls(doc: Any) -> None:
    """What forms and revisions leave in a Word file: 表三's data rows each in a repeating
    section's content control, 表二's value cells in cell-level content controls, 表三's
    总计 column as formula fields (=SUM(LEFT)) with their results, a few values revised
    with tracked changes (the old number deleted, the new inserted)."""
    t2, t3, t4 = doc.tables[:3]
    for tr in list(t3._tbl.iterchildren(qn("w:tr")))[3:]:
        _wrap_sdt(tr, "row")
    for tr in list(t2._tbl.iterchildren(qn("w:tr"))):
        tcs = list(tr.iterchildren(qn("w:tc")))
        if len(tcs) > 1:
            for tc in tcs[1:]:
                _wrap_sdt(tc, "cell")
    n = 0
    for tr in t3._tbl.iter(qn("w:tr")):
        tcs = list(tr.iter(qn("w:tc")))
        if len(tcs) < 7:
            continue
        runs = _value_runs(tcs[-1])
        if len(runs) != 1 or not runs[0].find(qn("w:t")).text.isdigit():
            continue
        r = runs[0]
        begin, instr, sep, end = (copy.deepcopy(r) for _ in range(4))
        for x in (begin, instr, sep, end):
            x.remove(x.find(qn("w:t")))
        begin.append(el("w:fldChar", w_fldCharType="begin"))
        it = el("w:instrText")
        it.text = " =SUM(LEFT) "
        instr.append(it)
        sep.append(el("w:fldChar", w_fldCharType="separate"))
        end.append(el("w:fldChar", w_fldCharType="end"))
        r.addprevious(begin)
        r.addprevious(instr)
        r.addprevious(sep)
        r.addnext(end)
    for tbl in (t3, t4):
        for tc in tbl._tbl.iter(qn("w:tc")):
            runs = _value_runs(tc)
            if len(runs) != 1:
                continue
            t = runs[0].find(qn("w:t"))
            if not (t.text or "").isdigit():
                continue
            n += 1
            if n % 5:
                continue
            r = runs[0]
            d = copy.deepcopy(r)
            dt = d.find(qn("w:t"))
            dt.tag = qn("w:delText")
            dt.text = str(int(t.text) + 1)
            dl = el("w:del", w_id=str(1000 + n), w_author="青禾", w_date="2024-01-10T09:00:00Z")
            dl.append(d)
            ins = el("w:ins", w_id=str(2000 + n), w_author="青禾", w_date="2024-01-10T09:00:00Z")
            r.addprevious(dl)
            r.addprevious(ins)
            ins.append(r)


def _num(doc: Any, fmt: str, text: str, start: int = 1) -> int:
    """A new numbering (its own abstractNum) of one level; returns its numId."""
    npart = doc.part.numbering_part.element
    ids = [int(x.get(qn("w:numId"))) for x in npart.iterchildren(qn("w:num"))]
    nid = max(ids + [100]) + 1
    ab = el("w:abstractNum", w_abstractNumId=str(nid))
    lvl = el("w:lvl", w_ilvl="0")
    lvl.append(el("w:start", w_val=str(start)))
    lvl.append(el("w:numFmt", w_val=fmt))
    lvl.append(el("w:lvlText", w_val=text))
    lvl.append(el("w:suff", w_val="nothing"))
    lvl.append(el("w:lvlJc", w_val="left"))
    ppr = el("w:pPr")
    ppr.append(el("w:ind", w_left="0", w_firstLine="0"))
    lvl.append(ppr)
    ab.append(lvl)
    first = npart.find(qn("w:num"))
    if first is not None:
        first.addprevious(ab)
    else:
        npart.append(ab)
    n = el("w:num", w_numId=str(nid))
    n.append(el("w:abstractNumId", w_val=str(nid)))
    npart.append(n)
    return nid


def _set_num(p: Any, nid: int) -> None:
    ppr = p.get_or_add_pPr()
    npr = el("w:numPr")
    npr.append(el("w:ilvl", w_val="0"))
    npr.append(el("w:numId", w_val=str(nid)))
    ppr.insert(0, npr)


_ORD = re.compile(r"^(?:\d{1,2}[.．、]|（[一二三四五六七]）)")


def autonum(doc: Any) -> None:
    """Labels numbered by Word, not typed: 表三's （一）…（七） and each group's 1.…8. are
    list paragraphs (their ordinals are not in the text); header words spread with spaces
    (自 然 人, 总　计); a few values typed in full-width digits; 「单位：件」 above the tables."""
    t2, t3, t4 = doc.tables[:3]
    groups = _num(doc, "chineseCounting", "（%1）")
    reasons: dict[str, int] = {}
    seen: list[Any] = []  # the elements themselves (an id() of a proxy is reused)
    group_of = [tr.cells[1].text for tr in t3.rows]
    for ri, tr in enumerate(t3.rows):
        if ri < 3:
            continue
        for ci in (1, 2):
            c = tr.cells[ci]
            if any(x is c._tc for x in seen):
                continue
            seen.append(c._tc)
            for p in c.paragraphs:
                m = _ORD.match(p.text)
                if not m:
                    continue
                rest = p.text[m.end() :]
                for r in p.runs[1:]:
                    r._element.getparent().remove(r._element)
                p.runs[0].text = rest
                if m.group(0).startswith("（"):
                    _set_num(p._p, groups)
                else:
                    grp = group_of[ri]
                    if grp not in reasons:
                        reasons[grp] = _num(doc, "decimal", "%1.")
                    _set_num(p._p, reasons[grp])
    spread = {"自然人": "自 然 人", "总计": "总　计", "信息内容": "信 息 内 容", "其他": "其　他"}
    k = 0
    for tbl in (t2, t3, t4):
        for tc in tbl._tbl.iter(qn("w:tc")):
            for t in tc.iter(qn("w:t")):
                if t.text in spread:
                    t.text = spread[t.text]
                elif (t.text or "").isdigit():
                    k += 1
                    if k % 7 == 0:
                        t.text = t.text.translate(
                            str.maketrans("0123456789", "０１２３４５６７８９")
                        )
    for tbl in (t2, t3, t4):
        p = tbl._tbl.makeelement(qn("w:p"), {})
        ppr = el("w:pPr")
        ppr.append(el("w:jc", w_val="right"))
        p.append(ppr)
        r = el("w:r")
        tx = el("w:t")
        tx.text = "单位：件"
        r.append(tx)
        p.append(r)
        tbl._tbl.addprevious(p)


def vertical(doc: Any) -> None:
    """WPS habits: the narrow merged label cells (三、本年度办理结果 and the groups) set in
    vertical text (w:textDirection), values of 1000 and more written with a thousands
    separator."""
    t2, t3, t4 = doc.tables[:3]
    for tc in t3._tbl.iter(qn("w:tc")):
        text = "".join(x.text or "" for x in tc.iter(qn("w:t")))
        pr = tc.find(qn("w:tcPr"))
        vm = pr.find(qn("w:vMerge")) if pr is not None else None
        if vm is not None and vm.get(qn("w:val")) == "restart" and text:
            pr.append(el("w:textDirection", w_val="tbRl"))
    for tbl in (t2, t3, t4):
        for t in tbl._tbl.iter(qn("w:t")):
            if (t.text or "").isdigit() and int(t.text) >= 1000:
                t.text = f"{int(t.text):,}"


def requests_table_subtotal(doc: Any, v: dict[str, Any], blank: str) -> None:
    """表三 with a 小计 column for 法人或其他组织 (a column some agencies add)."""
    rows = rows_of(v)
    t = table(doc, 3 + len(rows), 11, [1.2, 1.8, 4.0] + [1.2] * 8)
    merge(t, 0, 0, 2, 2, NOTE, size=9)
    merge(t, 0, 3, 0, 10, "申请人情况")
    merge(t, 1, 3, 2, 3, "自然人")
    merge(t, 1, 4, 1, 9, "法人或其他组织")
    merge(t, 1, 10, 2, 10, "总计")
    for i, c in enumerate(COL_LABELS[1:6] + ["小计"]):
        cell_text(t.cell(2, 4 + i), c, size=9)
    sub = COLS[:6] + ["org_subtotal", "total"]
    requests_rows_tpl(t, v, rows, 3, blank, style="tpl", cols=sub)
    repeat_header(t, 3)


def reviews_rows(doc: Any, v: dict[str, Any], blank: str) -> None:
    """表四 turned: one row per group (行政复议; 行政诉讼 › 未经复议直接起诉 / 复议后起诉), the
    five results as columns."""
    t = table(doc, 4, 7, [2.0, 3.6] + [1.9] * 5)
    merge(t, 0, 0, 0, 1, "项目")
    for i, lab in enumerate(REVIEW_LABELS):
        cell_text(t.cell(0, 2 + i), lab)
    merge(t, 1, 0, 1, 1, "行政复议")
    merge(t, 2, 0, 3, 0, "行政诉讼")
    cell_text(t.cell(2, 1), "未经复议直接起诉")
    cell_text(t.cell(3, 1), "复议后起诉")
    for gi, g in enumerate(REVIEW_GROUPS):
        for fi, f in enumerate(REVIEW_FIELDS):
            cell_text(t.cell(1 + gi, 2 + fi), num(v.get(f"reviews.{g}.{f}"), blank))


# ---------------------------------------------------------------- documents
def page_setup(doc: Any) -> None:
    from docx.shared import Mm

    s = doc.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin = Mm(37), Mm(35)
    s.left_margin, s.right_margin = Mm(28), Mm(26)


def build(v: dict[str, Any], path: Path, shape: str) -> Any:
    docx = _docx()
    from docx.shared import RGBColor

    title, agency, year = meta_of(v, path)
    doc = docx.Document()
    page_setup(doc)
    base = shape
    if shape in ("controls", "autonum", "watermark", "vertical", "subtotal", "t4rows"):
        shape = "tpl"
    blank = {
        "tpl": "",
        "numbered": "/",
        "split": "",
        "landscape": "—",
        "serial": "\u3000",
        "twocol": "",
        "cut": "",
    }[shape]
    footer_page(doc.sections[0], agency if shape == "landscape" else None, pages=shape == "cut")
    if base == "watermark":
        watermark(doc.sections[0], agency)
    if shape == "numbered":
        office = agency if agency.endswith(("办公室", "办公厅")) else agency + "办公室"
        textbox(doc, office)
        for _ in range(2):
            doc.add_paragraph()
    p = para(doc, title, font="方正小标宋简体", size=22, align="center", indent=False)
    if shape == "numbered":
        p.runs[0].font.color.rgb = RGBColor(0, 0, 0)
    para(doc, "")
    para(
        doc,
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定编制。全文包括总体情况、主动公开政府信息情况、"
        f"收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{agency}办公室联系"
        f"（地址：青禾路18号，邮编：100000，电话：0000-12345678）。",
    )
    text = prose(v, agency, year)
    numid = numbering(doc) if shape == "numbered" else 0

    def heading(i: int) -> None:
        if shape == "numbered":
            numbered_para(doc, HEADINGS[i], numid)
        else:
            para(doc, f"{CN[i]}、{HEADINGS[i]}", font="黑体")

    heading(0)
    for s in text[0]:
        para(doc, s)
    heading(1)
    if shape == "split":
        active_tables_split(doc, v, blank)
    else:
        active_table_tpl(doc, v, blank, serial=shape == "serial")
    if shape == "landscape":
        sec = landscape(doc, True)
        sec.header.is_linked_to_previous = True
    heading(2)
    if shape == "serial":
        requests_table_serial(doc, v, blank)
    elif shape == "twocol":
        requests_table_twocol(doc, v, blank)
    elif shape == "cut":
        # cut by hand where the page ended: the second part has no header, the group
        # cut in two keeps its label only in the first part's merged cell
        rows = rows_of(v)
        cut = 9
        requests_table(doc, v, blank, style="tpl", rows=rows[:cut])
        doc.add_paragraph()
        requests_table(doc, v, blank, style="cut", rows=rows[cut:], head=False)
    elif shape == "split":
        rows = rows_of(v)
        cut = 12
        t1 = requests_table(doc, v, blank, style="split", rows=rows[:cut])
        repeat_header(t1, 3)
        para(doc, "续表", align="left", indent=False, size=12)
        t2 = requests_table(doc, v, blank, style="split", rows=rows[cut:])
        repeat_header(t2, 3)
    elif base == "subtotal":
        requests_table_subtotal(doc, v, blank)
    else:
        t = requests_table(doc, v, blank, style=shape)
        repeat_header(t, 3)
    if shape == "numbered":
        p = para(doc, "注：本表数据来源于依申请公开办理系统。", size=12, indent=False)
        footnote(doc, p, "统计口径：以收到申请的日期为准。")
    heading(3)
    if base == "t4rows":
        reviews_rows(doc, v, blank)
    else:
        reviews_table(doc, v, blank, style="split" if shape == "split" else shape)
    if shape == "landscape":
        landscape(doc, False)
    heading(4)
    for s in text[4]:
        para(doc, s)
    heading(5)
    for s in text[5]:
        para(doc, s)
    para(doc, "")
    para(doc, agency, align="right", indent=False)
    para(doc, f"{year + 1}年1月20日", align="right", indent=False)
    if base == "controls":
        controls(doc)
    elif base == "autonum":
        autonum(doc)
    elif base == "vertical":
        vertical(doc)
    doc.save(str(path))


def build_filled(v: dict[str, Any], path: Path) -> None:
    """The national template file, filled in: title, text under each heading, the tables' cells."""
    docx = _docx()
    title, agency, year = meta_of(v, path)
    doc = docx.Document(str(TEMPLATE))
    body = [p for p in doc.paragraphs]
    tp = next(p for p in body if "年度报告" in p.text)
    tp.runs[0].text = title
    for r in tp.runs[1:]:
        r.text = ""
    text = prose(v, agency, year)
    for p in body:
        t = p.text.strip()
        idx = {"（文字描述）": None, "（文字描述，收取信息处理费情况在此处报告。）": 5}
        if t in idx:
            prev = p._p.getprevious()
            heading = "".join(prev.itertext()) if prev is not None else ""
            i = 0 if "总体" in heading else 4 if "存在" in heading else 5
            for r in p.runs:
                r.text = ""
            p.runs[0].text = text[i][0] if p.runs else ""
            for s in text[i][1:]:
                np_ = copy.deepcopy(p._p)
                p._p.addnext(np_)
                for tn in np_.iter(qn("w:t")):
                    tn.text = ""
                tns = list(np_.iter(qn("w:t")))
                if tns:
                    tns[0].text = s
    t2, t3, t4 = doc.tables[:3]

    def put(cell: Any, val: Any) -> None:
        s = num(val, "")
        for p in cell.paragraphs:
            for r in p.runs:
                r.text = ""
        if cell.paragraphs[0].runs:
            cell.paragraphs[0].runs[0].text = s
        else:
            cell.paragraphs[0].add_run(s)

    keys2 = {
        "规章": [
            "active.regulations.issued",
            "active.regulations.repealed",
            "active.regulations.in_force",
        ],
        "行政规范性文件": [
            "active.normative.issued",
            "active.normative.repealed",
            "active.normative.in_force",
        ],
        "行政许可": ["active.licensing"],
        "行政处罚": ["active.penalty"],
        "行政强制": ["active.coercion"],
        "行政事业性收费": ["active.fees"],
    }
    for row in t2.rows:
        lab = row.cells[0].text.strip()
        if lab in keys2:
            cells: list[Any] = []
            for c in row.cells[1:]:
                if not cells or c._tc is not cells[-1]._tc:
                    cells.append(c)
            for c, k in zip(cells, keys2[lab]):
                put(c, v.get(k))
    rows = rows_of(v)
    if rows is not ROWS:
        return None  # the template has the 2021 rows only
    for j, (rid, _, _) in enumerate(rows):
        row = t3.rows[3 + j]
        for i, c in enumerate(COLS):
            put(row.cells[3 + i], v.get(f"requests.{rid}.{c}"))
    for gi, g in enumerate(REVIEW_GROUPS):
        for fi, f in enumerate(REVIEW_FIELDS):
            put(t4.rows[3].cells[gi * 5 + fi], v.get(f"reviews.{g}.{f}"))
    doc.save(str(path))
    return True


# ---------------------------------------------------------------- run
def generate(out: Path, shapes: list[str], pdf_shapes: list[str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    for g in golds():
        gold = json.loads(g.read_text(encoding="utf-8"))
        v = values(gold)
        stem = g.name.removesuffix(".gold.json")
        stem = re.sub(r"^(\d+)_.*", r"s\1", stem)
        for shape in shapes:
            p = out / f"{stem}-{shape}.docx"
            if shape == "filled":
                if not TEMPLATE.exists() or build_filled(v, p) is None:
                    continue
            else:
                build(v, p, shape)
            shutil.copy(g, out / f"{stem}-{shape}.gold.json")
            made.append(p)
    to_pdf = [p for p in made if p.stem.rsplit("-", 1)[1] in pdf_shapes]
    if to_pdf and shutil.which("soffice"):
        pdfdir = out / "pdf"
        pdfdir.mkdir(exist_ok=True)
        for p in to_pdf:
            shutil.copy(p, pdfdir / (p.stem + "-p.docx"))
        subprocess.run(
            [
                "soffice",
                "-env:UserInstallation=file:///tmp/h2-lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
            ]
            + sorted(str(x) for x in pdfdir.glob("*.docx")),
            capture_output=True,
            timeout=900,
            check=False,
        )
        for p in to_pdf:
            pdf = out / (p.stem + "-p.pdf")
            if pdf.exists():
                shutil.copy(out / (p.stem + ".gold.json"), out / (p.stem + "-p.gold.json"))
                made.append(pdf)
        shutil.rmtree(pdfdir)
    return made


def score(
    paths: list[Path], show: int = 0, parse: Callable[[str], Any] | None = None
) -> dict[str, list[int]]:
    """Score each file in-process like ../shared/hooks (score.py + silent.py): per shape
    [cells right, cells, silent, false accusations]."""
    sys.path.insert(0, str(SHARED / "hooks"))
    from score import flatten, same  # type: ignore[import-not-found]
    from silent import MISSING_RULES, TABLES, covers  # type: ignore[import-not-found]

    if parse is None:
        from nianbao.api import parse as _parse

        def parse(s: str) -> Any:
            return _parse(s)

    per: dict[str, list[int]] = {}
    for p in paths:
        gold = json.loads(Path(str(p.with_suffix("")) + ".gold.json").read_text(encoding="utf-8"))
        v = values(gold)
        parts = p.stem.split("-")
        shape = (parts[-2] if parts[-1] == "p" else parts[-1]) + p.suffix
        acc = per.setdefault(shape, [0, 0, 0, 0])
        try:
            o = json.loads(parse(str(p)).to_json())
        except Exception as exc:  # noqa: BLE001
            print(f"{p.name}: error {exc!r}")
            keys = [k for k in v if k.startswith(TABLES)]
            acc[1] += len(keys)
            acc[2] += len(keys)
            continue
        flat = flatten(o)
        findings = o.get("findings") or []
        misses = []
        for k, g in v.items():
            if k in ("meta.title", "meta.published"):
                continue
            acc[1] += 1
            if same(g, flat.get(k)):
                acc[0] += 1
                continue
            if not k.startswith(TABLES):
                misses.append(f"{k}: gold={g!r} got={flat.get(k)!r}")
                continue
            ok = any(
                f.get("rule", "").split(".")[0] not in MISSING_RULES
                and not f.get("rule", "").startswith("R-SECTIONS")
                and any(covers(c, k) for c in f.get("cells") or [])
                for f in findings
            )
            if not ok:
                acc[2] += 1
                misses.append(f"SILENT {k}: gold={g!r} got={flat.get(k)!r}")
            else:
                misses.append(f"named {k}: gold={g!r} got={flat.get(k)!r}")
        keys = [k for k in v if k.startswith(TABLES)]
        for f in findings:
            rule = f.get("rule", "").split(".")[0]
            if rule in MISSING_RULES or rule == "R-SECTIONS":
                hit = [c for c in f.get("cells") or [] if any(covers(c, k) for k in keys)]
                if hit:
                    acc[3] += 1
                    misses.append(f"FALSE {rule} {hit[:3]}")
        if misses and show:
            print(f"{p.name}: {len(misses)}")
            for m in misses[:show]:
                print("   ", m)
    return per


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/h2/out")
    ap.add_argument("--only", default=",".join(SHAPES))
    ap.add_argument(
        "--pdf",
        default="tpl,split,landscape,filled,autonum,twocol,numbered,serial,cut,watermark,subtotal,t4rows",
    )
    ap.add_argument("--show", type=int, default=4)
    ap.add_argument("--no-gen", action="store_true")
    a = ap.parse_args()
    out = Path(a.out)
    if a.no_gen:
        made = sorted(out.glob("*.docx")) + sorted(out.glob("*.pdf"))
    else:
        if out.exists():
            shutil.rmtree(out)
        made = generate(out, a.only.split(","), [s for s in a.pdf.split(",") if s])
    per = score(made, a.show)
    tot = [0, 0, 0, 0]
    for shape, (k, n, s, f) in sorted(per.items()):
        print(f"{shape:18s} {k:6d}/{n:<6d} silent {s:4d} false {f:3d}")
        tot = [x + y for x, y in zip(tot, (k, n, s, f))]
    print(f"{'total':18s} {tot[0]:6d}/{tot[1]:<6d} silent {tot[2]:4d} false {tot[3]:3d}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("NIANBAO_OCR", "0")
    sys.exit(main())
