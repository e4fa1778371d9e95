"""A blind test of reports in the 2019 trial format (report years 2019 and 2020).

Invented golds (a county government, a 局, a 街道, a city 委员会 …), written the way agencies
published their 2019/2020 reports: portal pages (Word-pasted markup, merged cells), DOCX with
the trial template's merged cells, text copies (select-all one cell a line, tab rows, a crawl's
one-line flattening) and, with ``--pdf``, LibreOffice PDFs of some DOCX.

    python -m tests.blind2019 [--out /tmp/h7/out] [--pdf]
    python3 /work/shared/hooks/score.py --cmd '… -m nianbao parse --format jsonl' OUT/*.*

The gold records what the document says (a wrong published total stays wrong); blank and 「/」
cells are listed in ``blank``.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

from nianbao.schema import REQUEST_ROW_LABELS, REQUEST_ROWS_2019

COLS = ["natural", "commercial", "research", "social", "legal", "other_org", "total"]
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
GROUPS = {"denied": "（三）不予公开", "unable": "（四）无法提供", "rejected": "（五）不予处理"}
REVIEW_GROUPS = ["reconsideration", "litigation_direct", "litigation_after"]
REVIEW_FIELDS = ["upheld", "corrected", "other", "pending", "total"]
REVIEW_LABELS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]

# (agency, year, scale, seed quirks)
AGENCIES: list[tuple[str, int, int, dict[str, Any]]] = [
    ("青石县人民政府", 2019, 60, {"units": True}),
    ("临川市生态环境局", 2020, 12, {"blank_zero": 0.3, "fw_minus": True}),
    ("杭山区东湖街道办事处", 2019, 3, {"slash_active": True, "left_items": True}),
    ("江北市卫生健康委员会", 2020, 25, {"wrong_total": True, "nian_du": True}),
    ("白鹭县人民政府", 2020, 40, {"yuan": True}),
    ("南湾市交通运输局", 2019, 8, {"wrong_review": True, "delta_words": True}),
    ("松阳区枫林街道办事处", 2020, 2, {"blank_zero": 0.6, "dash": True, "left_items": True}),
    ("青州市发展和改革委员会", 2019, 15, {"unit_header": True, "thousands": True}),
    ("云梦县市场监督管理局", 2020, 30, {"units": True, "delta_words": True, "wu": True}),
]


def invent(agency: str, year: int, scale: int, q: dict[str, Any]) -> dict[str, Any]:
    rng = random.Random(f"blind2019-{agency}")
    g: dict[str, Any] = {
        "meta.title": f"{agency}{year}年{'度' if q.get('nian_du') else ''}政府信息公开工作年度报告",
        "meta.agency": agency,
        "meta.year": year,
        "meta.published": f"{year + 1}-01-{rng.randint(10, 28)}",
        "meta.format": "2019",
    }
    a = "active2019."
    made = rng.randint(0, scale // 3 + 1)
    g[a + "regulations.made"] = 0
    g[a + "regulations.published"] = 0
    g[a + "regulations.total_public"] = 0 if scale < 20 else rng.randint(1, 30)
    g[a + "normative.made"] = made
    g[a + "normative.published"] = made
    g[a + "normative.total_public"] = made + rng.randint(0, scale * 3)
    for row in ("licensing", "other_services", "penalty", "coercion"):
        prev = rng.randint(0, scale * 10)
        g[a + row + ".items_prev"] = prev
        g[a + row + ".items_delta"] = rng.randint(-min(prev, 5), 6)
        g[a + row + ".decisions"] = rng.randint(0, scale * 80)
    g[a + "fees.items_prev"] = rng.randint(0, 12)
    g[a + "fees.items_delta"] = -rng.randint(0, min(2, g[a + "fees.items_prev"]))
    g[a + "procurement.items"] = rng.randint(0, scale)
    if q.get("yuan"):
        g[a + "procurement.amount"] = rng.randint(10, 900) * 1000
        g[a + "procurement.amount_unit"] = "元"
    else:
        g[a + "procurement.amount"] = round(rng.uniform(1, scale * 40), 2)
        g[a + "procurement.amount_unit"] = "万元"
    blank: list[str] = []
    if q.get("slash_active"):
        for k in ("regulations.made", "regulations.published", "regulations.total_public"):
            g[a + k] = None
            blank.append(a + k)
        g[a + "procurement.amount"] = None
        g[a + "procurement.items"] = None
        del g[a + "procurement.amount_unit"]
        blank += [a + "procurement.amount", a + "procurement.items"]
    if q.get("dash"):
        blank += [k for k, v in g.items() if k.startswith(a) and v == 0 and k not in blank]
    if q.get("wu"):
        blank += [k for k, v in g.items() if k.startswith(a) and v == 0]
    # section 三
    results = REQUEST_ROWS_2019[2:-2]
    for col in COLS[:6]:
        top = scale if col == "natural" else max(1, scale // 10)
        pt = 0
        for row in results:
            v = 0 if rng.random() < 0.55 else rng.randint(1, top)
            g[f"requests.{row}.{col}"] = v
            pt += v
        cf = rng.randint(0, max(1, top // 4))
        co = rng.randint(0, min(pt + cf, max(1, top // 5)))
        g[f"requests.processed_total.{col}"] = pt
        g[f"requests.carried_forward.{col}"] = cf
        g[f"requests.carried_over.{col}"] = co
        g[f"requests.new.{col}"] = pt + cf - co
    for row in REQUEST_ROWS_2019:
        g[f"requests.{row}.total"] = sum(g[f"requests.{row}.{c}"] for c in COLS[:6])
    if q.get("wrong_total"):
        g["requests.processed_total.total"] += 2
    for grp in REVIEW_GROUPS:
        vals = [0 if rng.random() < 0.5 else rng.randint(1, max(1, scale // 8)) for _ in range(4)]
        for f, v in zip(REVIEW_FIELDS, vals):
            g[f"reviews.{grp}.{f}"] = v
        g[f"reviews.{grp}.total"] = sum(vals)
    if q.get("wrong_review"):
        g["reviews.reconsideration.total"] += 1
    if "blank_zero" in q:
        for k, v in list(g.items()):
            if (
                k.startswith(("requests.", "reviews."))
                and v == 0
                and rng.random() < q["blank_zero"]
            ):
                blank.append(k)
    g["blank"] = blank
    return g


# ---- the logical document: paragraphs and tables of (text, colspan, rowspan) cells


Cell = tuple[str, int, int]


def cell(g: dict[str, Any], key: str, q: dict[str, Any], rng: random.Random) -> str:
    v = g.get(key)
    if key in g["blank"]:
        if q.get("slash_active") and key.startswith("active2019."):
            return "/"
        if q.get("wu") and key.startswith("active2019."):
            return "无"
        if q.get("dash") and key.startswith("active2019."):
            return "——"
        return ""
    if v is None:
        return ""
    if key.endswith("items_delta"):
        if q.get("delta_words") and v:
            return f"增加{v}" if v > 0 else f"减少{-v}"
        if q.get("fw_minus") and v < 0:
            return f"－{-v}"
        return f"+{v}" if v > 0 else str(v)
    if key == "active2019.procurement.amount":
        if q.get("yuan"):
            return f"{v}元"
        if q.get("unit_header"):
            return f"{v:,}" if q.get("thousands") else f"{v}"
        return f"{v}万元"
    if q.get("thousands") and isinstance(v, int) and v >= 1000:
        return f"{v:,}"
    if q.get("units") and key.startswith("active2019."):
        unit = "项" if "items" in key else "件"
        return f"{v}{unit}"
    return str(v)


def table2(g: dict[str, Any], q: dict[str, Any], rng: random.Random) -> list[list[Cell]]:
    a = "active2019."
    c = lambda k: (cell(g, a + k, q, rng), 1, 1)  # noqa: E731
    amount_label = "采购总金额（万元）" if q.get("unit_header") else "采购总金额"
    return [
        [("第二十条第（一）项", 4, 1)],
        [
            ("信息内容", 1, 1),
            ("本年新制作数量", 1, 1),
            ("本年新公开数量", 1, 1),
            ("对外公开总数量", 1, 1),
        ],
        [
            ("规章", 1, 1),
            c("regulations.made"),
            c("regulations.published"),
            c("regulations.total_public"),
        ],
        [
            ("规范性文件", 1, 1),
            c("normative.made"),
            c("normative.published"),
            c("normative.total_public"),
        ],
        [("第二十条第（五）项", 4, 1)],
        [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 1), ("处理决定数量", 1, 1)],
        [
            ("行政许可", 1, 1),
            c("licensing.items_prev"),
            c("licensing.items_delta"),
            c("licensing.decisions"),
        ],
        [
            ("其他对外管理服务事项", 1, 1),
            c("other_services.items_prev"),
            c("other_services.items_delta"),
            c("other_services.decisions"),
        ],
        [("第二十条第（六）项", 4, 1)],
        [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 1), ("处理决定数量", 1, 1)],
        [
            ("行政处罚", 1, 1),
            c("penalty.items_prev"),
            c("penalty.items_delta"),
            c("penalty.decisions"),
        ],
        [
            ("行政强制", 1, 1),
            c("coercion.items_prev"),
            c("coercion.items_delta"),
            c("coercion.decisions"),
        ],
        [("第二十条第（八）项", 4, 1)],
        [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 2, 1)],
        [("行政事业性收费", 1, 1), c("fees.items_prev"), (c("fees.items_delta")[0], 2, 1)],
        [("第二十条第（九）项", 4, 1)],
        [("信息内容", 1, 1), ("采购项目数量", 1, 1), (amount_label, 2, 1)],
        [("政府集中采购", 1, 1), c("procurement.items"), (c("procurement.amount")[0], 2, 1)],
    ]


def left_items(rows: list[list[Cell]]) -> list[list[Cell]]:
    """表二 redrawn with each 第二十条 item as a merged cell on the left of its rows."""
    out: list[list[Cell]] = []
    i = 0
    while i < len(rows):
        head = rows[i][0][0]
        j = i + 1
        while j < len(rows) and not rows[j][0][0].startswith("第二十条"):
            j += 1
        block = rows[i + 1 : j]
        out.append([(head, 1, len(block))] + block[0])
        out += block[1:]
        i = j
    return out


def table3(g: dict[str, Any], q: dict[str, Any], rng: random.Random) -> list[list[Cell]]:
    vals = lambda row: [(cell(g, f"requests.{row}.{col}", q, rng), 1, 1) for col in COLS]  # noqa: E731
    rows: list[list[Cell]] = [
        [(NOTE, 3, 3), ("申请人情况", 7, 1)],
        [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)],
        [
            ("商业企业", 1, 1),
            ("科研机构", 1, 1),
            ("社会公益组织", 1, 1),
            ("法律服务机构", 1, 1),
            ("其他", 1, 1),
        ],
        [(REQUEST_ROW_LABELS["new"], 3, 1)] + vals("new"),
        [(REQUEST_ROW_LABELS["carried_over"], 3, 1)] + vals("carried_over"),
    ]
    results = REQUEST_ROWS_2019[2:-2] + ("processed_total",)
    first = True
    seen: set[str] = set()
    for row in results:
        lead: list[Cell] = []
        if first:
            lead.append(("三、本年度办理结果", 1, len(results)))
            first = False
        grp = row.split(".")[0] if "." in row else ""
        if grp:
            if grp not in seen:
                seen.add(grp)
                n = sum(1 for r in results if r.startswith(grp + "."))
                lead.append((GROUPS[grp], 1, n))
            lead.append((REQUEST_ROW_LABELS[row], 1, 1))
        else:
            lead.append((REQUEST_ROW_LABELS[row], 2, 1))
        rows.append(lead + vals(row))
    rows.append([(REQUEST_ROW_LABELS["carried_forward"], 3, 1)] + vals("carried_forward"))
    return rows


def table4(g: dict[str, Any], q: dict[str, Any], rng: random.Random) -> list[list[Cell]]:
    r1: list[Cell] = [(lab, 1, 2) for lab in REVIEW_LABELS]
    r1 += [("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)]
    r2: list[Cell] = [(lab, 1, 1) for lab in REVIEW_LABELS] * 2
    r3: list[Cell] = [
        (cell(g, f"reviews.{grp}.{f}", q, rng), 1, 1)
        for grp in REVIEW_GROUPS
        for f in REVIEW_FIELDS
    ]
    return [[("行政复议", 5, 1), ("行政诉讼", 10, 1)], r1, r2, r3]


def document(g: dict[str, Any], q: dict[str, Any]) -> list[Any]:
    """Paragraph strings and tables (lists of rows), in order."""
    rng = random.Random("doc-" + g["meta.agency"])
    ag, yr = g["meta.agency"], g["meta.year"]
    pub = g["meta.published"].split("-")
    return [
        g["meta.title"],
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由{ag}编制。"
        f"报告中所列数据的统计期限自{yr}年1月1日起至{yr}年12月31日止。",
        "一、总体情况",
        f"{yr}年，{ag}深入贯彻落实新修订的《条例》，全面推进政务公开工作。"
        f"全年主动公开政府信息{rng.randint(100, 4000)}条，依申请公开办理情况良好。",
        "二、主动公开政府信息情况",
        left_items(table2(g, q, rng)) if q.get("left_items") else table2(g, q, rng),
        "三、收到和处理政府信息公开申请情况",
        table3(g, q, rng),
        "四、政府信息公开行政复议、行政诉讼情况",
        table4(g, q, rng),
        "五、存在的主要问题及改进情况",
        "公开内容的深度和广度有待加强。下一步将进一步完善工作机制，提升公开质量。",
        "六、其他需要报告的事项",
        "无。",
        ag,
        f"{pub[0]}年{int(pub[1])}月{int(pub[2])}日",
    ]


def variant(doc: list[Any]) -> list[Any]:
    """Label variants agencies wrote: 本年增／减, 其他处理 without its ordinal, straight
    quotes, spaced labels, 表二 split into one table per 第二十条 item."""
    rename = {
        "本年增/减": "本年增／减",
        "（六）其他处理": "其他处理",
        "3.危及“三安全一稳定”": '3.危及"三安全一稳定"',
        "信息内容": "信 息 内 容",
        "行政许可": "行 政 许 可",
        "三、本年度办理结果": "\n".join("三、本年度办理结果"),
        "第二十条第（五）项": "第二十条第(五)项",
        "第二十条第（九）项": "第二十条第(九)项",
    }
    out: list[Any] = []
    for part in doc:
        if isinstance(part, str):
            out.append(part)
            continue
        rows = [[(rename.get(t, t), cs, rs) for t, cs, rs in row] for row in part]
        if rows[0][0][0].startswith("第二十条"):
            cur: list[list[Cell]] = []
            for row in rows:
                if row[0][0].startswith("第二十条") and cur:
                    out.append(cur)
                    cur = []
                cur.append(row)
            out.append(cur)
        else:
            out.append(rows)
    return out


# ---- renderers


def to_html(doc: list[Any]) -> str:
    title = doc[0] + doc[1] if doc[1].startswith(("2019", "2020")) else doc[0]
    out = [
        "<html><head><meta charset='utf-8'><title>" + html.escape(title) + "</title></head><body>",
        "<div class='nav'><a href='/'>首页</a> &gt; <a>政务公开</a> &gt; <a>政府信息公开年报</a></div>",
        "<div class='article'><h1>" + html.escape(title) + "</h1>",
        f"<div class='info'>发布日期：{html.escape(doc[-1])}　来源：{html.escape(doc[-2])}</div>",
    ]
    for part in doc:
        if isinstance(part, str):
            out.append(
                "<p class=MsoNormal style='text-indent:32.0pt'><span style='font-family:仿宋_GB2312'>"
                + html.escape(part)
                + "<o:p></o:p></span></p>"
            )
            continue
        out.append("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=600>")
        for row in part:
            out.append("<tr style='height:20.0pt'>")
            for text, cs, rs in row:
                span = (f" colspan={cs}" if cs > 1 else "") + (f" rowspan={rs}" if rs > 1 else "")
                body = split_runs(text).replace("\n", "<br>") if text else "&nbsp;"
                out.append(
                    f"<td width=60 valign=center{span} style='border:solid windowtext 1.0pt'>"
                    f"<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US "
                    f"style='font-size:10.0pt'>{body}<o:p></o:p></span></p></td>"
                )
            out.append("</tr>")
        width = max(len(r) for r in place(part))
        out.append("<![if !supportMisalignedColumns]><tr height=0>")
        out.append("".join("<td width=60 style='border:none'></td>" for _ in range(width)))
        out.append("</tr><![endif]>")
        out.append("</table>")
    out.append(
        "</div><div class='footer'>主办单位：" + html.escape(doc[-2]) + "</div></body></html>"
    )
    return "\n".join(out)


def split_runs(text: str) -> str:
    """Word splits a cell's text over several runs (spell check, edits): 12 → <span>1</span><span>2</span>."""
    if len(text) < 2:
        return html.escape(text)
    k = len(text) // 2
    return (
        html.escape(text[:k])
        + "<o:p></o:p></span><span lang=EN-US style='font-size:10.0pt;font-family:宋体'>"
        + html.escape(text[k:])
    )


def to_markdown(doc: list[Any]) -> str:
    lines: list[str] = []
    for part in doc:
        if isinstance(part, str):
            lines.append(("# " if part == doc[0] else "") + part)
            lines.append("")
            continue
        grid = place(part)
        for ri, row in enumerate(grid):
            lines.append("| " + " | ".join((t or "").replace("\n", "<br>") for t in row) + " |")
            if ri == 0:
                lines.append("|" + "---|" * len(row))
        lines.append("")
    return "\n".join(lines) + "\n"


def to_docx(doc: list[Any], path: Path) -> None:
    import docx  # type: ignore[import-untyped]

    d = docx.Document()
    d.add_heading(doc[0], level=1)
    for part in doc[1:]:
        if isinstance(part, str):
            d.add_paragraph(part)
            continue
        grid = place(part)
        ncols = max(len(r) for r in grid)
        t = d.add_table(rows=len(grid), cols=ncols)
        t.style = "Table Grid"
        t.autofit = False
        # the template's widths: wide label columns, narrow number columns (cm)
        if ncols >= 15:
            widths = [1.0] * ncols
        elif ncols >= 10:
            widths = [0.9, 1.4, 4.2] + [1.2] * (ncols - 3)
        else:
            widths = [3.0] * (ncols - 4) + [4.0, 3.0, 3.0, 3.0]
        for k, col in enumerate(t._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))):
            col.set(docx.oxml.ns.qn("w:w"), str(int(widths[k] * 567)))
        for row_ in t.rows:
            for k, c_ in enumerate(row_.cells):
                c_.width = docx.shared.Cm(widths[k])
        for ri, line in enumerate(positions(part)):
            for text, cs, rs, ci in line:
                c = t.cell(ri, ci)
                if cs > 1 or rs > 1:
                    c = c.merge(t.cell(ri + rs - 1, ci + cs - 1))
                if len(text) > 1 and text[0].isdigit():
                    c.text = ""
                    par = c.paragraphs[0]
                    par.add_run(text[:1])
                    par.add_run(text[1:])
                else:
                    c.text = text
    d.save(str(path))


def positions(rows: list[list[Cell]]) -> list[list[tuple[str, int, int, int]]]:
    taken: set[tuple[int, int]] = set()
    out: list[list[tuple[str, int, int, int]]] = []
    for ri, row in enumerate(rows):
        ci = 0
        line = []
        for text, cs, rs in row:
            while (ri, ci) in taken:
                ci += 1
            line.append((text, cs, rs, ci))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((ri + dr, ci + dc))
            ci += cs
        out.append(line)
    return out


def place(rows: list[list[Cell]]) -> list[list[str | None]]:
    """The table as a full grid; spanned positions hold None."""
    pos = positions(rows)
    width = max(ci + cs for line in pos for _, cs, _, ci in line)
    grid: list[list[str | None]] = [[None] * width for _ in rows]
    for ri, line in enumerate(pos):
        for text, _cs, _rs, ci in line:
            grid[ri][ci] = text
    return grid


def to_text(doc: list[Any], style: str) -> str:
    lines: list[str] = []
    for part in doc:
        if isinstance(part, str):
            lines.append(part)
            continue
        rows = [[t or "" for t in r] for r in place(part)] if style == "grid" else None
        for ri, row in enumerate(part):
            cells = rows[ri] if rows is not None else [t for t, _, _ in row]
            if style == "lines":
                lines += cells
            else:
                lines.append("\t".join(cells))
    if style == "oneline":
        return " ".join(ln.replace("\t", " ").replace("\n", "") for ln in lines) + "\n"
    return "\n".join(lines) + "\n"


def build(out: Path, pdf: bool = False, which: tuple[int, ...] | None = None) -> list[Path]:
    """Write every shape of the golds ``which`` (all by default) into ``out``: the document
    files, each beside its ``.gold.json``; with ``pdf``, LibreOffice PDFs of the DOCX and
    pdftotext's copies of them (raw and -layout)."""
    out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    docx_for_pdf: list[Path] = []
    for i, (agency, year, scale, q) in enumerate(AGENCIES):
        if which is not None and i not in which:
            continue
        g = invent(agency, year, scale, q)
        doc = document(g, q)
        if i % 2:
            doc = variant(doc)
        if i % 3 == 1:  # the title on two lines: the agency, then the report
            doc = [g["meta.agency"], doc[0][len(g["meta.agency"]) :]] + doc[1:]
        stem = f"b19_{i}"
        files = {
            f"{stem}_page.html": to_html(doc),
            f"{stem}_lines.txt": to_text(doc, "lines"),
            f"{stem}_tabs.txt": to_text(doc, "tabs"),
            f"{stem}_oneline.txt": to_text(doc, "oneline"),
            f"{stem}_grid.txt": to_text(doc, "grid"),
            f"{stem}_crawl.md": to_markdown(doc),
        }
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8")
            made.append(out / name)
        to_docx(doc, out / f"{stem}_word.docx")
        made.append(out / f"{stem}_word.docx")
        if True:
            docx_for_pdf.append(out / f"{stem}_word.docx")
        for p in [m for m in made if m.name.startswith(stem + "_")]:
            gp = p.with_suffix(".gold.json")
            gp.write_text(json.dumps(g, ensure_ascii=False, indent=1), encoding="utf-8")
    if pdf and shutil.which("soffice"):
        tmp = out / "pdftmp"
        tmp.mkdir(exist_ok=True)
        subprocess.run(
            ["timeout", "300", "soffice", "-env:UserInstallation=file:///tmp/h7-lo", "--headless"]
            + ["--convert-to", "pdf", "--outdir", str(tmp)]
            + [str(p) for p in docx_for_pdf],
            capture_output=True,
            check=False,
        )
        for p in tmp.glob("*.pdf"):
            dst = out / p.name.replace("_word", "_lo")
            p.replace(dst)
            src_gold = out / (p.stem + ".gold.json")
            dst.with_suffix(".gold.json").write_text(src_gold.read_text("utf-8"), encoding="utf-8")
            made.append(dst)
            for mode, flag in (("pdftext", []), ("pdflayout", ["-layout"])):
                txt = dst.with_name(dst.stem + f"_{mode}.txt")
                subprocess.run(["pdftotext", *flag, str(dst), str(txt)], check=False)
                if txt.exists():
                    txt.with_suffix(".gold.json").write_text(src_gold.read_text("utf-8"), "utf-8")
                    made.append(txt)
        tmp.rmdir()
    return made


HOOKS = Path(__file__).resolve().parents[2] / "shared" / "hooks"


def score(paths: list[Path]) -> dict[str, int]:
    """The shared hooks' figures over ``paths``: right/cells (score.py), silent and false
    accusations (silent.py)."""
    import re
    import sys

    cmd = f"{sys.executable} -m nianbao parse --format jsonl"
    docs = [str(p) for p in paths]
    a = (
        subprocess.run(
            ["python3", str(HOOKS / "score.py"), "--cmd", cmd, *docs],
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    b = (
        subprocess.run(
            ["python3", str(HOOKS / "silent.py"), "--cmd", cmd, *docs],
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    m = re.search(r"\((\d+)/(\d+) fields\)", a)
    n = re.search(r"silent (\d+); false accusations (\d+)", b)
    assert m and n, (a, b)
    return {
        "right": int(m.group(1)),
        "cells": int(m.group(2)),
        "silent": int(n.group(1)),
        "false": int(n.group(2)),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/h7/out")
    ap.add_argument("--pdf", action="store_true")
    ap.add_argument("--score", action="store_true")
    a = ap.parse_args()
    made = build(Path(a.out), a.pdf)
    if a.score:
        print(score(made))
    else:
        for p in made:
            print(p)


if __name__ == "__main__":
    main()
