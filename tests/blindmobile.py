"""Blind set: the copies of a report that reach users from mobile and social publishing.

Every gold of the shared samples is rendered, by its values alone, into the shapes a report
takes when it is published on a phone or a social platform, and into the plain text users copy
from each of them:

* WeChat 公众号 articles (mp.weixin.qq.com markup: ``<section>`` nesting, one styled
  ``<span>`` per run, inline-styled real tables with rowspan / colspan, ``<br>`` inside
  labels, page chrome), their select-all copy on a phone and the text of a 复制全文 tool;
* the same article with its tables published as pictures (and its copy);
* html2text of the article;
* 头条号 articles (simple tables without merged cells, header flattened) and their copy;
* 微博 long posts, whose tables are pictures;
* responsive portal pages where a table becomes a stack of cards: each row as a card of
  「label：value」 lines, or each column as a card (page and copy);
* a table in a horizontal scroller (page) and the copy of the screen that cuts it;
* reader modes: Readability.js output, Firefox Reader's flattening (one paragraph per cell,
  empty cells dropped), Safari Reader's dropping of the tables;
* 「长图」 posts whose only text is a caption (page and copy).

Expected values are the gold's. A shape that cannot carry a cell (a picture, a cut, a dropped
table) still expects the gold value: the output must either be right or name the cell in a
finding; a wrong cell nobody names is silent. Scoring uses the shared hooks' definitions
(``/work/shared/hooks/score.py`` and ``silent.py``): cells right, named, silent, and false
accusations (a "missing" finding — R-TABLE-MISSING, R-ROW-MISSING, R-SECTIONS — over a cell the
gold shows present), with false "missing table" counted apart.

usage: python -m tests.blindmobile --out DIR [--seeds N] [--shapes a,b] [--score] [--show N]
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    env = os.environ.get("NIANBAO_SHARED")
    if env:
        return Path(env)
    for cand in (ROOT.parent / "shared", Path("/work/shared")):
        if (cand / "samples").is_dir():
            return cand
    return ROOT.parent / "shared"


def gold_paths() -> list[Path]:
    samples = shared_dir() / "samples"
    return sorted(samples.glob("*.gold.json")) + sorted((samples / "peer").glob("*.gold.json"))


# ---------------------------------------------------------------- the national form

COLS = ["natural", "commercial", "research", "social", "legal", "other_org", "total"]
COL_LABELS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
RESULTS = "三、本年度办理结果"
ROWS_HEAD = [
    ("new", ("一、本年新收政府信息公开申请数量",)),
    ("carried_over", ("二、上年结转政府信息公开申请数量",)),
    ("granted", (RESULTS, "（一）予以公开")),
    ("partial", (RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
]
DENIED = [
    ("state_secret", "1.属于国家秘密"),
    ("law_forbidden", "2.其他法律行政法规禁止公开"),
    ("safety_stability", "3.危及“三安全一稳定”"),
    ("third_party", "4.保护第三方合法权益"),
    ("internal_affairs", "5.属于三类内部事务信息"),
    ("process_info", "6.属于四类过程性信息"),
    ("enforcement_file", "7.属于行政执法案卷"),
    ("admin_query", "8.属于行政查询事项"),
]
UNABLE = [
    ("not_held", "1.本机关不掌握相关政府信息"),
    ("needs_creation", "2.没有现成信息需要另行制作"),
    ("unclear", "3.补正后申请内容仍不明确"),
]
REJECTED = [
    ("petition", "1.信访举报投诉类申请"),
    ("duplicate", "2.重复申请"),
    ("publication", "3.要求提供公开出版物"),
    ("excessive", "4.无正当理由大量反复申请"),
    ("confirm", "5.要求行政机关确认或重新出具已获取信息"),
]
OTHER3 = [
    ("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("misc", "3.其他"),
]
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
REVIEW_GROUPS = [
    ("reconsideration", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after", "复议后起诉"),
]
REVIEW_FIELDS = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
]


def request_rows(single_other: bool) -> list[tuple[str, tuple[str, ...]]]:
    rows = list(ROWS_HEAD)
    rows += [(f"denied.{k}", (RESULTS, "（三）不予公开", lab)) for k, lab in DENIED]
    rows += [(f"unable.{k}", (RESULTS, "（四）无法提供", lab)) for k, lab in UNABLE]
    rows += [(f"rejected.{k}", (RESULTS, "（五）不予处理", lab)) for k, lab in REJECTED]
    if single_other:
        rows.append(("other", (RESULTS, "（六）其他处理")))
    else:
        rows += [(f"other.{k}", (RESULTS, "（六）其他处理", lab)) for k, lab in OTHER3]
    rows.append(("processed_total", (RESULTS, "（七）总计")))
    rows.append(("carried_forward", ("四、结转下年度继续办理",)))
    return rows


# ---------------------------------------------------------------- report model


@dataclass
class Cell:
    text: str
    rs: int = 1
    cs: int = 1
    key: str | None = None  # the schema id of a value cell
    head: bool = False


@dataclass
class Table:
    name: str  # caption as a reader would name it
    section: str  # s2 / s3 / s4
    rows: list[list[Cell]]
    # logical views for cards: (row label, [(column label, key, text)])
    lrows: list[tuple[str, list[tuple[str, str, str]]]] = field(default_factory=list)


@dataclass
class Report:
    title: str
    agency: str
    year: int
    published: str | None
    blocks: list[tuple[str, Any]]  # ("title"|"h"|"p"|"table"|"sign", payload)
    gold: dict[str, Any]


def fmt_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        s = f"{v:.6f}".rstrip("0").rstrip(".")
        return s
    return str(v)


def cell_text(gold: dict[str, Any], key: str) -> str:
    if key in set(gold.get("blank", [])):
        return ""
    return fmt_value(gold.get(key))


def table_active(gold: dict[str, Any]) -> Table:
    v = lambda k: cell_text(gold, k)  # noqa: E731
    rows: list[list[Cell]] = []
    lrows: list[tuple[str, list[tuple[str, str, str]]]] = []
    rows.append([Cell("第二十条第（一）项", cs=4, head=True)])
    rows.append(
        [Cell(t, head=True) for t in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")]
    )
    for rid, lab in (("regulations", "规章"), ("normative", "行政规范性文件")):
        cells = [
            (c, f"active.{rid}.{f}", v(f"active.{rid}.{f}"))
            for f, c in (
                ("issued", "本年制发件数"),
                ("repealed", "本年废止件数"),
                ("in_force", "现行有效件数"),
            )
        ]
        rows.append([Cell(lab)] + [Cell(t, key=k) for _, k, t in cells])
        lrows.append((lab, cells))
    for item, labs in (
        ("第二十条第（五）项", [("licensing", "行政许可")]),
        ("第二十条第（六）项", [("penalty", "行政处罚"), ("coercion", "行政强制")]),
    ):
        rows.append([Cell(item, cs=4, head=True)])
        rows.append([Cell("信息内容", head=True), Cell("本年处理决定数量", cs=3, head=True)])
        for rid, lab in labs:
            k = f"active.{rid}"
            rows.append([Cell(lab), Cell(v(k), cs=3, key=k)])
            lrows.append((lab, [("本年处理决定数量", k, v(k))]))
    rows.append([Cell("第二十条第（八）项", cs=4, head=True)])
    rows.append([Cell("信息内容", head=True), Cell("本年收费金额（单位：万元）", cs=3, head=True)])
    rows.append([Cell("行政事业性收费"), Cell(v("active.fees"), cs=3, key="active.fees")])
    lrows.append(
        ("行政事业性收费", [("本年收费金额（单位：万元）", "active.fees", v("active.fees"))])
    )
    return Table("主动公开政府信息情况", "s2", rows, lrows)


def table_requests(gold: dict[str, Any]) -> Table:
    single = any(
        re.fullmatch(r"requests\.other\.[a-z_]+", k) and k.split(".")[2] in COLS for k in gold
    )
    rows_def = request_rows(single)
    rows: list[list[Cell]] = [
        [Cell(NOTE, rs=3, cs=3, head=True), Cell("申请人情况", cs=7, head=True)],
        [
            Cell("自然人", rs=2, head=True),
            Cell("法人或其他组织", cs=5, head=True),
            Cell("总计", rs=2, head=True),
        ],
        [Cell(t, head=True) for t in COL_LABELS[1:6]],
    ]
    lrows = []
    for i, (rid, path) in enumerate(rows_def):
        row: list[Cell] = []
        for d, lab in enumerate(path):
            prev = rows_def[i - 1][1] if i else ()
            if prev[: d + 1] == path[: d + 1]:
                continue  # covered by a rowspan above
            span = 1
            for _, p2 in rows_def[i + 1 :]:
                if p2[: d + 1] == path[: d + 1]:
                    span += 1
                else:
                    break
            cs = 3 - d if d == len(path) - 1 else 1
            row.append(Cell(lab, rs=span, cs=cs))
        cells = [
            (COL_LABELS[j], f"requests.{rid}.{c}", cell_text(gold, f"requests.{rid}.{c}"))
            for j, c in enumerate(COLS)
        ]
        row += [Cell(t, key=k) for _, k, t in cells]
        rows.append(row)
        lrows.append(
            (" ".join(p for p in path if p != RESULTS) if len(path) > 1 else path[0], cells)
        )
    return Table("收到和处理政府信息公开申请情况", "s3", rows, lrows)


def table_reviews(gold: dict[str, Any]) -> Table:
    rows = [
        [Cell("行政复议", cs=5, head=True), Cell("行政诉讼", cs=10, head=True)],
        [Cell(lab, rs=2, head=True) for _, lab in REVIEW_FIELDS]
        + [Cell("未经复议直接起诉", cs=5, head=True), Cell("复议后起诉", cs=5, head=True)],
        [Cell(lab, head=True) for _ in range(2) for _, lab in REVIEW_FIELDS],
    ]
    vals = []
    lrows = []
    for g, glab in REVIEW_GROUPS:
        cells = [
            (lab, f"reviews.{g}.{f}", cell_text(gold, f"reviews.{g}.{f}"))
            for f, lab in REVIEW_FIELDS
        ]
        vals += [Cell(t, key=k) for _, k, t in cells]
        lrows.append((glab if g == "reconsideration" else f"行政诉讼（{glab}）", cells))
    rows.append(vals)
    return Table("政府信息公开行政复议、行政诉讼情况", "s4", rows, lrows)


def build_report(gold: dict[str, Any]) -> Report:
    year = int(gold.get("meta.year") or 2022)
    agency = gold.get("meta.agency") or "某县人民政府"
    title = gold.get("meta.title") or f"{agency}{year}年政府信息公开工作年度报告"
    pub = gold.get("meta.published")
    new_total = gold.get("requests.new.total")
    blocks: list[tuple[str, Any]] = [("title", title)]
    blocks.append(
        (
            "p",
            f"本报告根据《中华人民共和国政府信息公开条例》要求编制，统计期限为{year}年1月1日至"
            f"{year}年12月31日。",
        )
    )
    blocks.append(("h", "一、总体情况"))
    s1 = (
        f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，"
        "坚持以公开为常态、不公开为例外，扎实做好主动公开、依申请公开、政府信息管理、"
        "平台建设和监督保障等各项工作。"
    )
    if isinstance(new_total, int):
        s1 += f"全年共收到政府信息公开申请{new_total}件，均按规定时限答复。"
    blocks.append(("p", s1))
    blocks.append(("h", "二、主动公开政府信息情况"))
    blocks.append(("table", table_active(gold)))
    blocks.append(("h", "三、收到和处理政府信息公开申请情况"))
    blocks.append(("table", table_requests(gold)))
    blocks.append(("h", "四、政府信息公开行政复议、行政诉讼情况"))
    blocks.append(("table", table_reviews(gold)))
    blocks.append(("h", "五、存在的主要问题及改进情况"))
    blocks.append(
        (
            "p",
            "一是公开内容的全面性有待提高；二是政策解读形式较为单一。下一步，将进一步"
            "健全工作机制，加强业务培训，提升政务公开工作质量。",
        )
    )
    blocks.append(("h", "六、其他需要报告的事项"))
    blocks.append(("p", "本年度未发出收费通知，未收取信息处理费。"))
    sign = agency
    if pub:
        y, m, d = pub.split("-")
        sign += f"\n{int(y)}年{int(m)}月{int(d)}日"
    blocks.append(("sign", sign))
    return Report(title, agency, year, pub, blocks, gold)


# ---------------------------------------------------------------- table views


def grid(t: Table) -> list[list[Cell | None]]:
    """The table expanded to its physical columns (a spanned slot holds None)."""
    out: list[list[Cell | None]] = []
    taken: dict[tuple[int, int], bool] = {}
    for r, row in enumerate(t.rows):
        line: list[Cell | None] = []
        c = 0
        for cell in row:
            while taken.get((r, c)):
                line.append(None)
                c += 1
            line.append(cell)
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    taken[(r + dr, c + dc)] = True
            line += [None] * (cell.cs - 1)
            c += cell.cs
        while taken.get((r, c)):
            line.append(None)
            c += 1
        out.append(line)
    return out


def start_columns(t: Table) -> list[list[tuple[int, Cell]]]:
    res = []
    for line in grid(t):
        res.append([(c, cell) for c, cell in enumerate(line) if cell is not None])
    return res


def flat_label(text: str) -> str:
    return text.replace("\n", "")


# ---------------------------------------------------------------- HTML renderers

WX_CHROME_TOP = (
    '<div id="js_top_ad_area"></div><h1 class="rich_media_title" id="activity-name">{title}</h1>'
    '<div id="meta_content" class="rich_media_meta_list"><span class="rich_media_meta '
    'rich_media_meta_text">原创</span><span class="rich_media_meta rich_media_meta_nickname" '
    'id="profileBt"><a href="javascript:void(0);" id="js_name">{nick}</a></span>'
    '<em id="publish_time" class="rich_media_meta rich_media_meta_text">{date}</em>'
    '<em id="js_ip_wording_wrp" class="rich_media_meta rich_media_meta_text">发表于河北</em></div>'
)
WX_CHROME_BOTTOM = (
    '<div class="rich_media_tool" id="js_toobar3"><a id="js_view_source" href="##">阅读原文</a>'
    '<span class="media_tool_meta">阅读 2.1万</span></div>'
    '<div id="js_pc_qr_code"><p>微信扫一扫<br>关注该公众号</p></div>'
    '<div class="weui-dialog__hd">预览时标签不可点</div>'
)

SPAN_STYLES = [
    "font-size: 15px;font-family: 微软雅黑, &quot;Microsoft YaHei&quot;;",
    "font-size: 16px;color: rgb(62, 62, 62);letter-spacing: 1px;",
    "font-size: 14px;",
]


def wx_runs(text: str, rng: random.Random, split: bool = True) -> str:
    """A run of text as WeChat's editor writes it: styled spans, sometimes one per fragment."""
    if not text:
        # an empty cell: a line break, or a no-break space
        return rng.choice(['<span style="font-size: 14px;"><br></span>', "<span>&nbsp;</span>"])
    parts = [text]
    if split and len(text) > 6 and rng.random() < 0.6:
        cut = rng.randrange(2, len(text) - 2)
        parts = [text[:cut], text[cut:]]
    style = rng.choice(SPAN_STYLES)
    return "".join(f'<span style="{style}" leaf="">{html.escape(p)}</span>' for p in parts)


def wx_cell_inner(cell: Cell, rng: random.Random) -> str:
    text = cell.text
    if cell.key is None and len(text) > 12 and rng.random() < 0.5:
        cut = rng.randrange(6, len(text) - 3)
        inner = wx_runs(text[:cut], rng, False) + "<br>" + wx_runs(text[cut:], rng, False)
    else:
        inner = wx_runs(text, rng, cell.key is None)
    return f'<section style="text-align: center;line-height: 1.5em;">{inner}</section>'


def html_table(t: Table, rng: random.Random, style: str, inner: Callable[[Cell], str]) -> str:
    out = [f'<table style="{style}"><tbody>']
    for row in t.rows:
        out.append("<tr>")
        for cell in row:
            attrs = ""
            if cell.rs > 1:
                attrs += f' rowspan="{cell.rs}"'
            if cell.cs > 1:
                attrs += f' colspan="{cell.cs}"'
            td_style = "border: 1px solid rgb(0, 0, 0);padding: 4px;word-break: break-all;"
            out.append(f'<td{attrs} style="{td_style}" valign="middle">{inner(cell)}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def img_tag(rng: random.Random, caption: str = "") -> str:
    code = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789") for _ in range(40))
    alt = f' alt="{html.escape(caption)}"' if caption else ""
    return (
        f'<section style="text-align: center;"><img class="rich_pages wxw-img" '
        f'data-src="https://mmbiz.qpic.cn/mmbiz_png/{code}/640?wx_fmt=png" data-type="png" '
        f'data-w="1080" style="width: 100%;"{alt}></section>'
    )


def wechat_html(rep: Report, rng: random.Random, tables_as_images: bool = False) -> str:
    body = []
    for kind, payload in rep.blocks:
        if kind == "title":
            continue
        if kind == "h":
            body.append(
                '<section style="margin-top: 16px;"><section style="display: inline-block;'
                'border-bottom: 2px solid rgb(192, 0, 0);"><p><strong>'
                + wx_runs(payload, rng)
                + "</strong></p></section></section>"
            )
        elif kind == "p":
            body.append(
                '<section style="text-indent: 2em;line-height: 1.75em;"><p>'
                + wx_runs(payload, rng)
                + "</p></section>"
            )
        elif kind == "sign":
            for line in payload.split("\n"):
                body.append('<p style="text-align: right;">' + wx_runs(line, rng, False) + "</p>")
        elif kind == "table":
            if tables_as_images:
                body.append(img_tag(rng))
            else:
                tab = html_table(
                    payload,
                    rng,
                    "width: 100%;border-collapse: collapse;font-size: 12px;",
                    lambda c: wx_cell_inner(c, rng),
                )
                body.append(f'<section style="overflow-x: auto;max-width: 100%;">{tab}</section>')
    date = rep.published or f"{rep.year + 1}-01-31"
    top = WX_CHROME_TOP.format(
        title=html.escape(rep.title), nick=html.escape(rep.agency + "发布"), date=date
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0">'
        f'<meta property="og:title" content="{html.escape(rep.title)}">'
        f'<meta property="og:url" content="http://mp.weixin.qq.com/s/{rng.randrange(10**8)}">'
        f'<title>{html.escape(rep.title)}</title></head><body id="activity-detail" class="zh_CN">'
        '<div class="rich_media_wrp"><div class="rich_media_inner">'
        + top
        + '<div class="rich_media_content js_underline_content" id="js_content" style="visibility: hidden;">'
        + '<section style="padding: 0 8px;"><section>'
        + "".join(body)
        + "</section></section></div>"
        + WX_CHROME_BOTTOM
        + '</div></div><script>var ct = "1675130000";</script></body></html>'
    )


def simple_table(t: Table) -> list[list[str]]:
    """The table as an editor without merged cells takes it (头条号): one header row, one
    label cell per row."""
    if t.section == "s2":
        rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]]
        for lab, cells in t.lrows[:2]:
            rows.append([lab] + [x[2] for x in cells])
        rows.append(["信息内容", "本年处理决定数量", "", ""])
        for lab, cells in t.lrows[2:5]:
            rows.append([lab, cells[0][2], "", ""])
        rows.append(["信息内容", "本年收费金额（单位：万元）", "", ""])
        lab, cells = t.lrows[5]
        rows.append([lab, cells[0][2], "", ""])
        return rows
    if t.section == "s3":
        rows = [["申请人情况"] + COL_LABELS]
        for lab, cells in t.lrows:
            rows.append([lab] + [x[2] for x in cells])
        return rows
    head = ["行政复议" + lab for _, lab in REVIEW_FIELDS]
    head += ["行政诉讼未经复议直接起诉" + lab for _, lab in REVIEW_FIELDS]
    head += ["行政诉讼复议后起诉" + lab for _, lab in REVIEW_FIELDS]
    vals = [x[2] for _, cells in t.lrows for x in cells]
    return [head, vals]


def toutiao_html(rep: Report, rng: random.Random) -> str:
    body = [
        f"<h1>{html.escape(rep.title)}</h1>",
        f'<div class="article-meta"><span>{html.escape(rep.agency)}</span>'
        f"<span>{rep.published or ''}</span><span>· 河北</span></div><article>",
    ]
    for kind, payload in rep.blocks:
        if kind == "title":
            continue
        if kind == "h":
            body.append(f"<h1>{html.escape(payload)}</h1>")
        elif kind in ("p", "sign"):
            for line in payload.split("\n"):
                body.append(f"<p>{html.escape(line)}</p>")
        elif kind == "table":
            rows = simple_table(payload)
            t = ["<table><tbody>"]
            for r in rows:
                t.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>")
            t.append("</tbody></table>")
            body.append("".join(t))
    body.append('</article><div class="report">举报</div><div class="tt-comment">写评论...</div>')
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
        + html.escape(rep.title)
        + " - 今日头条</title></head><body>"
        + "".join(body)
        + "</body></html>"
    )


def cards_html(rep: Report, by: str, short: bool = False) -> str:
    body = [
        f'<header><h1>{html.escape(rep.title)}</h1><p class="src">来源：{html.escape(rep.agency)}'
        f" 发布时间：{rep.published or ''}</p></header><main>"
    ]
    for kind, payload in rep.blocks:
        if kind == "title":
            continue
        if kind == "h":
            body.append(f"<h3>{html.escape(payload)}</h3>")
        elif kind in ("p", "sign"):
            for line in payload.split("\n"):
                body.append(f"<p>{html.escape(line)}</p>")
        elif kind == "table":
            body.append('<div class="m-table-cards">')
            for title, lines in card_groups(payload, by, short):
                body.append(f'<div class="card"><div class="card-title">{html.escape(title)}</div>')
                for lab, val in lines:
                    body.append(
                        f'<div class="card-row"><span class="k">{html.escape(lab)}</span>'
                        f'<span class="v">{html.escape(val)}</span></div>'
                    )
                body.append("</div>")
            body.append("</div>")
    body.append(
        "</main><footer>主办单位：" + html.escape(rep.agency) + " 网站标识码 1301000001</footer>"
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width"><style>.card-row .k::after{content:"：";}</style><title>'
        + html.escape(rep.title)
        + "</title></head><body>"
        + "".join(body)
        + "</body></html>"
    )


def card_groups(t: Table, by: str, short: bool = False) -> list[tuple[str, list[tuple[str, str]]]]:
    """The cards of a table; ``short``: a row's card titled by its own label only
    (1.属于国家秘密, not （三）不予公开 1.属于国家秘密)."""
    if by == "rows":
        return [
            (lab.split(" ")[-1] if short else lab, [(c, v) for c, _, v in cells])
            for lab, cells in t.lrows
        ]
    # one card per column: the column label, then 「row label：value」
    cols: dict[str, list[tuple[str, str]]] = {}
    for lab, cells in t.lrows:
        for c, _, v in cells:
            cols.setdefault(c, []).append((lab, v))
    return list(cols.items())


def readability_html(rep: Report) -> str:
    """Readability.js keeps data tables, drops styles and the page chrome."""
    body = [f'<div id="readability-page-1" class="page"><div><h2>{html.escape(rep.title)}</h2>']
    for kind, payload in rep.blocks:
        if kind == "title":
            continue
        if kind == "h":
            body.append(f"<p><strong>{html.escape(payload)}</strong></p>")
        elif kind in ("p", "sign"):
            for line in payload.split("\n"):
                body.append(f"<p>{html.escape(line)}</p>")
        elif kind == "table":
            body.append(
                html_table(payload, random.Random(0), "", lambda c: html.escape(c.text))
                .replace(' style=""', "")
                .replace(
                    ' style="border: 1px solid rgb(0, 0, 0);padding: 4px;word-break: break-all;"',
                    "",
                )
                .replace(' valign="middle"', "")
            )
    body.append("</div></div>")
    return "".join(body)


def scroll_html(rep: Report) -> str:
    body = [f"<h1>{html.escape(rep.title)}</h1>"]
    for kind, payload in rep.blocks:
        if kind == "title":
            continue
        if kind == "h":
            body.append(f"<h2>{html.escape(payload)}</h2>")
        elif kind in ("p", "sign"):
            for line in payload.split("\n"):
                body.append(f"<p>{html.escape(line)}</p>")
        elif kind == "table":
            tab = html_table(
                payload, random.Random(0), "min-width: 720px;", lambda c: html.escape(c.text)
            )
            body.append(
                '<div class="table-scroll" style="overflow-x: scroll;-webkit-overflow-scrolling: touch;">'
                + tab
                + '</div><p class="tip">← 左右滑动查看更多 →</p>'
            )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width"><title>'
        + html.escape(rep.title)
        + "</title></head><body>"
        + "".join(body)
        + "</body></html>"
    )


def longimg_html(rep: Report, rng: random.Random) -> str:
    imgs = "".join(img_tag(rng) for _ in range(rng.randrange(3, 7)))
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
        + html.escape(rep.title)
        + "</title></head><body>"
        + WX_CHROME_TOP.format(
            title=html.escape(rep.title), nick=html.escape(rep.agency), date=rep.published or ""
        )
        + '<div id="js_content"><section><p style="text-align:center;"><span>长图｜'
        + html.escape(rep.title)
        + "</span></p>"
        + imgs
        + "<p><span>来源："
        + html.escape(rep.agency)
        + "</span></p></section></div>"
        + WX_CHROME_BOTTOM
        + "</body></html>"
    )


# ---------------------------------------------------------------- text renderers


def text_doc(
    rep: Report, table_text: Callable[[Table], str], head: str = "", tail: str = "", sep: str = "\n"
) -> str:
    out = [head] if head else []
    for kind, payload in rep.blocks:
        if kind == "table":
            t = table_text(payload)
            if t:
                out.append(t)
        else:
            out.append(payload)
    if tail:
        out.append(tail)
    return sep.join(out) + "\n"


def tab_rows(t: Table, keep: Callable[[int], bool] = lambda c: True) -> str:
    lines = []
    for row in start_columns(t):
        cells = [flat_label(cell.text) for c, cell in row if keep(c)]
        if cells:
            lines.append("\t".join(cells))
    return "\n".join(lines)


def cell_lines(t: Table, keep_empty: bool, label_breaks: bool = False) -> str:
    lines = []
    for row in t.rows:
        for cell in row:
            if cell.text or keep_empty:
                lines.append(cell.text)
    return "\n".join(lines)


def space_rows(t: Table) -> str:
    lines = []
    for row in t.rows:
        cells = [cell.text for cell in row if cell.text]
        lines.append(" ".join(cells))
    return "\n".join(lines)


def html2text_table(t: Table) -> str:
    lines = []
    for i, row in enumerate(t.rows):
        lines.append(" | ".join(cell.text for cell in row))
        if i == 0:
            lines.append("---|" * (len(row) - 1) + "---")
    return "\n".join(lines)


def cards_text(t: Table, by: str, colon: str, short: bool = False) -> str:
    out = []
    for title, lines in card_groups(t, by, short):
        out.append(title)
        out += [f"{lab}{colon}{val}" for lab, val in lines]
    return "\n".join(out)


def clipped(t: Table, width: int) -> str:
    """What a screen shows of a table in a horizontal scroller: the first physical columns."""
    return tab_rows(t, keep=lambda c: c < width)


WX_COPY_HEAD = "{title}\n原创 {agency}发布 {agency}发布 {date} 08:00 发表于河北\n"
WX_COPY_TAIL = "阅读原文\n阅读 2.1万\n​\n微信扫一扫\n关注该公众号"


def shapes() -> dict[str, Callable[[Report, random.Random, int], tuple[str, str]]]:
    """shape name → renderer(report, rng, seed) → (extension, content)."""

    def wx_head(rep: Report) -> str:
        return WX_COPY_HEAD.format(title=rep.title, agency=rep.agency, date=rep.published or "")

    return {
        "wx_html": lambda r, g, s: ("html", wechat_html(r, g)),
        "wx_copy": lambda r, g, s: (
            "txt",
            text_doc(
                r,
                (lambda t: tab_rows(t)) if s % 2 else (lambda t: cell_lines(t, True)),
                head=wx_head(r),
                tail=WX_COPY_TAIL,
            ),
        ),
        "wx_tool": lambda r, g, s: ("txt", text_doc(r, lambda t: cell_lines(t, False), sep="\n\n")),
        "wx_imgtables_html": lambda r, g, s: ("html", wechat_html(r, g, tables_as_images=True)),
        "wx_imgtables_copy": lambda r, g, s: (
            "txt",
            text_doc(r, lambda t: "", head=wx_head(r), tail=WX_COPY_TAIL),
        ),
        "html2text": lambda r, g, s: ("txt", text_doc(r, html2text_table, sep="\n\n")),
        "toutiao_html": lambda r, g, s: ("html", toutiao_html(r, g)),
        "toutiao_copy": lambda r, g, s: (
            "txt",
            text_doc(
                r,
                (lambda t: "\n".join("\t".join(x) for x in simple_table(t)))
                if s % 2 == 0
                else (lambda t: "\n".join(" ".join(c for c in x if c) for x in simple_table(t))),
                tail="举报\n写评论...",
            ),
        ),
        "weibo": lambda r, g, s: (
            "txt",
            text_doc(
                r,
                lambda t: "[图片]" if s % 2 == 0 else "",
                head=f"{r.agency}\n{r.published or ''} 来自 微博 weibo.com\n",
                tail="转发 12  评论 3  赞 25",
            ),
        ),
        "cards_rows_html": lambda r, g, s: ("html", cards_html(r, "rows", s % 2 == 1)),
        "cards_rows_copy": lambda r, g, s: (
            "txt",
            text_doc(r, lambda t: cards_text(t, "rows", "：" if s % 2 == 0 else ":", s % 2 == 1)),
        ),
        "cards_cols_html": lambda r, g, s: ("html", cards_html(r, "cols")),
        "cards_cols_copy": lambda r, g, s: (
            "txt",
            text_doc(r, lambda t: cards_text(t, "cols", "：" if s % 2 == 0 else " ")),
        ),
        "hscroll_html": lambda r, g, s: ("html", scroll_html(r)),
        "hscroll_cut": lambda r, g, s: ("txt", text_doc(r, lambda t: clipped(t, 5 + s % 3))),
        "reader_readability": lambda r, g, s: ("html", readability_html(r)),
        "reader_flat": lambda r, g, s: (
            "txt",
            text_doc(
                r,
                lambda t: "\n\n".join(c.text for row in t.rows for c in row if c.text),
                sep="\n\n",
            ),
        ),
        "reader_drop": lambda r, g, s: ("txt", text_doc(r, lambda t: "", sep="\n\n")),
        "longimg_html": lambda r, g, s: ("html", longimg_html(r, g)),
        "longimg_copy": lambda r, g, s: (
            "txt",
            f"长图｜{r.title}\n来源：{r.agency}\n" + ("" if s % 2 == 0 else "（点击查看大图）\n"),
        ),
    }


# ---------------------------------------------------------------- generation and scoring


def generate(
    out: Path, seeds: int, only: set[str] | None = None, golds: list[Path] | None = None
) -> list[tuple[str, Path, Path]]:
    """Write every shape of every gold; returns (shape, file, gold path)."""
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for gp in golds or gold_paths():
        gold = json.loads(gp.read_text(encoding="utf-8"))
        rep = build_report(gold)
        stem = gp.name[: -len(".gold.json")]
        for name, fn in shapes().items():
            if only and name not in only:
                continue
            for s in range(seeds):
                rng = random.Random(f"{stem}-{name}-{s}")
                ext, content = fn(rep, rng, s)
                path = out / f"{name}--{stem}--s{s}.{ext}"
                path.write_text(content, encoding="utf-8")
                (out / f"{name}--{stem}--s{s}.gold.json").write_text(
                    json.dumps(gold, ensure_ascii=False), encoding="utf-8"
                )
                made.append((name, path, gp))
    return made


def _hook(name: str) -> ModuleType:
    hooks = shared_dir() / "hooks"
    if str(hooks) not in sys.path:
        sys.path.insert(0, str(hooks))
    spec = importlib.util.spec_from_file_location(f"_blindmobile_{name}", hooks / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_tool(files: list[Path], timeout: int = 1800) -> tuple[dict[str, dict[str, Any]], str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = f"{ROOT / 'src'}{os.pathsep}{ROOT}"
    outs: dict[str, dict[str, Any]] = {}
    err = ""
    for i in range(0, len(files), 60):
        chunk = files[i : i + 60]
        p = subprocess.run(
            [sys.executable, "-m", "nianbao", "parse", "--format", "jsonl", *map(str, chunk)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
        err += p.stderr
        for line in p.stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    o = json.loads(line)
                except json.JSONDecodeError:
                    continue
                outs[os.path.realpath(o.get("source") or "")] = o
    return outs, err


@dataclass
class Tally:
    docs: int = 0
    cells: int = 0
    right: int = 0
    named: int = 0
    silent: int = 0
    refused: int = 0
    false_acc: int = 0
    false_table: int = 0
    examples: list[str] = field(default_factory=list)


def score(made: list[tuple[str, Path, Path]], show: int = 3) -> dict[str, Tally]:
    sc, si = _hook("score"), _hook("silent")
    outs, err = run_tool([p for _, p, _ in made])
    res: dict[str, Tally] = {}
    for shape, path, gp in made:
        t = res.setdefault(shape, Tally())
        t.docs += 1
        gold = json.loads(gp.read_text(encoding="utf-8"))
        blanks = set(gold.get("blank", []))
        keys = [k for k in gold if k.startswith(si.TABLES)]
        t.cells += len(keys)
        o = outs.get(os.path.realpath(path))
        if o is None:
            if path.name in err or str(path) in err:
                t.refused += len(keys)
            else:
                t.silent += len(keys)
            t.examples.append(f"{path.name}: no output")
            continue
        flat = sc.flatten(
            {k: v for k, v in o.items() if k in ("active", "active2019", "requests", "reviews")}
        )
        findings = o.get("findings") or []
        for k in keys:
            g = None if k in blanks else gold[k]
            if k in flat and sc.same(g, flat.get(k)):
                t.right += 1
                continue
            ok = any(
                f.get("rule", "").split(".")[0] not in si.MISSING_RULES
                and not f.get("rule", "").startswith("R-SECTIONS")
                and any(si.covers(c, k) for c in f.get("cells") or [])
                for f in findings
            )
            if ok:
                t.named += 1
            else:
                t.silent += 1
                if len(t.examples) < 40:
                    t.examples.append(
                        f"{path.name}: silent {k}: gold={g!r} got={flat.get(k, '<absent>')!r}"
                    )
        for f in findings:
            rule = f.get("rule", "").split(".")[0]
            if rule in si.MISSING_RULES or rule == "R-SECTIONS":
                hit = [c for c in f.get("cells") or [] if any(si.covers(c, k) for k in keys)]
                if hit:
                    t.false_acc += 1
                    if rule == "R-TABLE-MISSING":
                        t.false_table += 1
                    if len(t.examples) < 40:
                        t.examples.append(f"{path.name}: false {rule} {hit[:3]}")
    return res


def report(res: dict[str, Tally], show: int) -> str:
    lines = [f"{'shape':22} docs  cells  right   named  silent refused false(table)"]
    tot = Tally()
    for name, t in res.items():
        lines.append(
            f"{name:22} {t.docs:4} {t.cells:6} {t.right:6} {t.named:7} {t.silent:7} {t.refused:7} "
            f"{t.false_acc:5}({t.false_table})"
        )
        for attr in (
            "docs",
            "cells",
            "right",
            "named",
            "silent",
            "refused",
            "false_acc",
            "false_table",
        ):
            setattr(tot, attr, getattr(tot, attr) + getattr(t, attr))
    lines.append(
        f"{'TOTAL':22} {tot.docs:4} {tot.cells:6} {tot.right:6} {tot.named:7} {tot.silent:7} "
        f"{tot.refused:7} {tot.false_acc:5}({tot.false_table})"
    )
    if show:
        for name, t in res.items():
            for e in t.examples[:show]:
                lines.append(f"  {name}: {e}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--shapes", default="", help="comma-separated shape names (default: all)")
    ap.add_argument("--score", action="store_true")
    ap.add_argument("--show", type=int, default=3)
    a = ap.parse_args(argv)
    only = set(filter(None, a.shapes.split(","))) or None
    made = generate(a.out, a.seeds, only)
    print(f"{len(made)} copies written to {a.out}")
    if not a.score:
        return 0
    res = score(made, a.show)
    print(report(res, a.show))
    bad = sum(t.silent + t.false_acc for t in res.values())
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
