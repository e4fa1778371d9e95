"""Blind web shapes: a gold report rendered as the HTML pages Chinese government portals publish.

Written without reading the project's other generators. Every gold under ../shared/samples
(and peer/) is rendered as portal pages of several kinds (Word-pasted markup inside a TRS_Editor
div, UEditor markup, tables split into several <table>s, unmerged grids, header rows over two
rows, full-width digits, '/' and '—' for blank cells, table of contents, related links,
attachments, page chrome with 索引号 / 网站标识码 / ICP numbers) and as the text people and
crawlers get from those pages (a browser's select-all copy, BeautifulSoup's get_text, lxml's
text_content, html2text's markdown).

usage: python -m tests.blindweb [--out DIR] [--seed N] [--score]
Writes DIR/<gold>-<shape>.<html|txt|md> and the gold beside each. The agencies in the page chrome
are invented; the report's own agency and year come from its gold at run time.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gold import SAMPLES, covers, flatten, gold_files, same

ROOT = Path(__file__).resolve().parents[1]

COLS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")

# (row id, label path as printed in the official form: (level1, level2, level3))
ROWS_2021: list[tuple[str, tuple[str, ...]]] = [
    ("new", ("一、本年新收政府信息公开申请数量",)),
    ("carried_over", ("二、上年结转政府信息公开申请数量",)),
    ("granted", ("三、本年度办理结果", "（一）予以公开")),
    ("partial", ("三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    ("denied.state_secret", ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")),
    (
        "denied.law_forbidden",
        ("三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ),
    ("denied.safety_stability", ("三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”")),
    ("denied.third_party", ("三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益")),
    ("denied.internal_affairs", ("三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息")),
    ("denied.process_info", ("三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息")),
    ("denied.enforcement_file", ("三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷")),
    ("denied.admin_query", ("三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项")),
    ("unable.not_held", ("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息")),
    (
        "unable.needs_creation",
        ("三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ),
    ("unable.unclear", ("三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确")),
    ("rejected.petition", ("三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请")),
    ("rejected.duplicate", ("三、本年度办理结果", "（五）不予处理", "2.重复申请")),
    ("rejected.publication", ("三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物")),
    ("rejected.excessive", ("三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请")),
    (
        "rejected.confirm",
        ("三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ),
    (
        "other.no_correction",
        (
            "三、本年度办理结果",
            "（六）其他处理",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ),
    ),
    (
        "other.no_fee",
        (
            "三、本年度办理结果",
            "（六）其他处理",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ),
    ),
    ("other.misc", ("三、本年度办理结果", "（六）其他处理", "3.其他")),
    ("processed_total", ("三、本年度办理结果", "（七）总计")),
    ("carried_forward", ("四、结转下年度继续办理",)),
]

REVIEW_GROUPS = ("reconsideration", "litigation_direct", "litigation_after")
REVIEW_FIELDS = ("upheld", "corrected", "other", "pending", "total")
REVIEW_WORDS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")

FAKE_SITES = ("青禾县", "柳川市", "南湾区", "石桥镇", "云岭县")


@dataclass
class Report:
    name: str
    gold: dict[str, Any]
    agency: str
    year: int
    published: str
    rows: list[tuple[str, tuple[str, ...]]]
    single_other: bool
    active2019: bool

    def v(self, key: str) -> Any:
        return self.gold.get(key)


def load_reports() -> list[Report]:
    out = []
    for f in gold_files():
        gold = json.loads(f.read_text(encoding="utf-8"))
        year = int(gold.get("meta.year") or 2022)
        agency = gold.get("meta.agency") or "东川县人民政府"
        pub = gold.get("meta.published") or f"{year + 1}-01-2{len(out) % 8}"
        single = "requests.other.total" in gold
        rows = []
        for rid, path in ROWS_2021:
            if rid.startswith("other."):
                if single:
                    if rid == "other.no_correction":
                        rows.append(("other", ("三、本年度办理结果", "（六）其他处理")))
                    continue
            rows.append((rid, path))
        out.append(
            Report(
                name=f.name.removesuffix(".gold.json"),
                gold=gold,
                agency=agency,
                year=year,
                published=pub,
                rows=rows,
                single_other=single,
                active2019=any(k.startswith("active2019.") for k in gold),
            )
        )
    return out


# ---------------------------------------------------------------- cell values


@dataclass
class Style:
    """How a page writes its cells."""

    blank: str = ""  # what a blank (null) cell holds: '', '&nbsp;', '/', '—', '-'
    fullwidth: bool = False
    split_digits: bool = False  # Word runs: <span>1</span><span>9</span>
    word: bool = False  # Word-pasted markup
    th: bool = False  # header cells as <th>
    unmerge: bool = False  # merged cells re-rendered as empty cells
    split_tables: bool = False
    header_rows: int = 3  # 表三 header over 3, 2 or 1 rows
    overflow_div: bool = False
    p_in_td: bool = False
    strong_headers: bool = False
    br_labels: bool = (
        False  # narrow Word columns: 商业<br>企业, 三、本年度办理结果 one character a line
    )
    thousands: bool = False  # 13,470
    nbsp_num: bool = False  # &nbsp;0&nbsp;
    images: tuple[str, ...] = ()  # tables published as pictures: 'active', 'requests', 'reviews'
    spacer: bool = False  # Word's trailing <tr height=0> of empty cells
    group_rows: bool = False  # （三）不予公开 … as rows of their own, sub-rows labelled 1. 2. …
    reviews_two: bool = False  # 表四 as a 行政复议 table and a 行政诉讼 table
    two_p_labels: bool = False  # a long label's parenthesis in a second <p>
    comments: bool = False  # Word's conditional comments inside cells
    variants: bool = False  # label variants: 社会组织, 规范性文件, 属于国家秘密 without 1., 总 计
    no_items: bool = False  # 表二 without its 第二十条第（X）项 rows
    unit_line: bool = False  # 单位：件 above 表三
    rnd: random.Random = field(default_factory=lambda: random.Random(0))


def fmt_num(v: Any) -> str:
    if isinstance(v, float):
        s = f"{v:.6f}".rstrip("0").rstrip(".")
        return s
    return str(v)


def cell_text(v: Any, st: Style) -> str:
    if v is None:
        return st.blank
    s = fmt_num(v)
    if st.thousands and isinstance(v, int) and abs(v) >= 1000:
        s = f"{v:,}"
    if st.fullwidth:
        s = s.translate(FULL)
    if st.nbsp_num:
        s = f"&nbsp;{s}&nbsp;"
    return s


def esc(s: str) -> str:
    if "&nbsp;" in s or "<br>" in s:
        return s
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


BREAKS = {
    "商业企业": "商业<br>企业",
    "科研机构": "科研<br>机构",
    "社会公益组织": "社会公<br>益组织",
    "法律服务机构": "法律服<br>务机构",
    "法人或其他组织": "法人或其他<br>组织",
    "结果维持": "结果<br>维持",
    "结果纠正": "结果<br>纠正",
    "其他结果": "其他<br>结果",
    "尚未审结": "尚未<br>审结",
    "总计": "总<br>计",
    "（三）不予公开": "（三）不予<br>公开",
    "（四）无法提供": "（四）无法<br>提供",
    "（五）不予处理": "（五）不予<br>处理",
    "（六）其他处理": "（六）其他<br>处理",
    "三、本年度办理结果": "<br>".join("三、本年度办理结果"),
    "未经复议直接起诉": "未经复议<br>直接起诉",
}


def broken(w: str, st: Style) -> str:
    return BREAKS.get(w, w) if st.br_labels else w


def inner(text: str, st: Style, numeric: bool = False) -> str:
    """The markup inside a <td>."""
    if st.two_p_labels and not numeric and text.find("（区分处理") > 0:
        a, b = text.split("（区分处理", 1)
        return inner(a, st) + inner("（区分处理" + b, st)
    t = esc(text)
    if st.word:
        if numeric and st.split_digits and len(text) > 1 and "&" not in text:
            t = "".join(
                f'<span lang="EN-US" style="font-size:10.0pt">{esc(ch)}</span>' for ch in text
            )
        else:
            lang = ' lang="EN-US"' if numeric else ""
            t = f'<span{lang} style="font-size:10.0pt;font-family:宋体">{t}</span>'
        if not text:
            t = '<span lang="EN-US" style="font-size:10.0pt"><o:p>&nbsp;</o:p></span>'
        else:
            t += '<span lang="EN-US" style="font-size:10.0pt"><o:p></o:p></span>'
        return f'<p class="MsoNormal" align="center" style="text-align:center;line-height:15.0pt">{t}</p>'
    if st.p_in_td:
        return f'<p style="text-align:center;">{t}</p>'
    return t


VARIANTS = {"社会公益组织": "社会组织", "行政规范性文件": "规范性文件", "（七）总计": "（七）总 计"}


def variant(w: str, st: Style) -> str:
    if not st.variants:
        return w
    w = VARIANTS.get(w, w)
    return re.sub(r"^\d\.", "", w)


def _commented(body: str, st: Style) -> str:
    if not st.comments:
        return body
    return "<!--[if !supportLists]--><!--[endif]-->" + body + "<!--StartFragment-->"


def td(
    text: str,
    st: Style,
    numeric: bool = False,
    rowspan: int = 1,
    colspan: int = 1,
    head: bool = False,
) -> str:
    attrs = ""
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    if st.word:
        attrs += ' width="64" valign="center" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
    else:
        attrs += ' style="word-break:break-all;"' if not numeric else ' align="center"'
    body = inner(text if numeric else broken(variant(text, st), st), st, numeric)
    if head and st.strong_headers:
        body = f"<strong>{body}</strong>"
    body = _commented(body, st)
    tag = "th" if head and st.th else "td"
    return f"<{tag}{attrs}>{body}</{tag}>"


def table_open(st: Style) -> str:
    if st.word:
        return (
            '<table class="MsoTableGrid" border="1" cellspacing="0" cellpadding="0" '
            'style="border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt">\n<tbody>'
        )
    return '<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse;">\n<tbody>'


def table_close(st: Style, cols: int = 0) -> str:
    if st.spacer and cols:
        cells = "".join('<td width="56" style="border:none"></td>' for _ in range(cols))
        return f'<![if !supportMisalignedColumns]><tr height="0">{cells}</tr><![endif]></tbody>\n</table>'
    return "</tbody>\n</table>"


def wrap_table(html: str, st: Style) -> str:
    if st.overflow_div:
        return f'<div style="overflow-x:auto;width:100%;">{html}</div>'
    return html


def tr(cells: list[str]) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


# ---------------------------------------------------------------- 表二


def active_table(r: Report, st: Style) -> list[str]:
    """One or four <table> strings."""
    g = r.v
    parts: list[list[str]] = []
    if r.active2019:
        parts.append(
            [
                tr([td("第二十条第（一）项", st, colspan=4, head=True)]),
                tr(
                    [
                        td(w, st, head=True)
                        for w in ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量")
                    ]
                ),
                tr(
                    [td("规章", st)]
                    + [
                        td(cell_text(g(f"active2019.regulations.{k}"), st), st, True)
                        for k in ("made", "published", "total_public")
                    ]
                ),
                tr(
                    [td("规范性文件", st)]
                    + [
                        td(cell_text(g(f"active2019.normative.{k}"), st), st, True)
                        for k in ("made", "published", "total_public")
                    ]
                ),
            ]
        )
        for item, rows in (
            ("五", ("licensing", "other_services")),
            ("六", ("penalty", "coercion")),
        ):
            names = {
                "licensing": "行政许可",
                "other_services": "其他对外管理服务事项",
                "penalty": "行政处罚",
                "coercion": "行政强制",
            }
            t = [
                tr([td(f"第二十条第（{item}）项", st, colspan=4, head=True)]),
                tr(
                    [
                        td(w, st, head=True)
                        for w in ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量")
                    ]
                ),
            ]
            for rid in rows:
                t.append(
                    tr(
                        [td(names[rid], st)]
                        + [
                            td(cell_text(g(f"active2019.{rid}.{k}"), st), st, True)
                            for k in ("items_prev", "items_delta", "decisions")
                        ]
                    )
                )
            parts.append(t)
        parts.append(
            [
                tr([td("第二十条第（八）项", st, colspan=4, head=True)]),
                tr(
                    [
                        td("信息内容", st, head=True),
                        td("上一年项目数量", st, head=True),
                        td("本年增/减", st, colspan=2, head=True),
                    ]
                ),
                tr(
                    [
                        td("行政事业性收费", st),
                        td(cell_text(g("active2019.fees.items_prev"), st), st, True),
                    ]
                    + [td(cell_text(g("active2019.fees.items_delta"), st), st, True, colspan=2)]
                ),
            ]
        )
        parts.append(
            [
                tr([td("第二十条第（九）项", st, colspan=4, head=True)]),
                tr(
                    [
                        td("信息内容", st, head=True),
                        td("采购项目数量", st, head=True),
                        td("采购总金额", st, colspan=2, head=True),
                    ]
                ),
                tr(
                    [
                        td("政府集中采购", st),
                        td(cell_text(g("active2019.procurement.items"), st), st, True),
                    ]
                    + [td(cell_text(g("active2019.procurement.amount"), st), st, True, colspan=2)]
                ),
            ]
        )
    else:
        parts.append(
            [
                tr([td("第二十条第（一）项", st, colspan=4, head=True)]),
                tr(
                    [
                        td(w, st, head=True)
                        for w in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
                    ]
                ),
                tr(
                    [td("规章", st)]
                    + [
                        td(cell_text(g(f"active.regulations.{k}"), st), st, True)
                        for k in ("issued", "repealed", "in_force")
                    ]
                ),
                tr(
                    [td("行政规范性文件", st)]
                    + [
                        td(cell_text(g(f"active.normative.{k}"), st), st, True)
                        for k in ("issued", "repealed", "in_force")
                    ]
                ),
            ]
        )
        for item, rows in (
            ("五", ("licensing",)),
            ("六", ("penalty", "coercion")),
            ("八", ("fees",)),
        ):
            names = {
                "licensing": "行政许可",
                "penalty": "行政处罚",
                "coercion": "行政强制",
                "fees": "行政事业性收费",
            }
            word = "本年收费金额（单位：万元）" if item == "八" else "本年处理决定数量"
            t = [
                tr([td(f"第二十条第（{item}）项", st, colspan=4, head=True)]),
                tr([td("信息内容", st, head=True), td(word, st, colspan=3, head=True)]),
            ]
            for rid in rows:
                t.append(
                    tr(
                        [
                            td(names[rid], st),
                            td(cell_text(g(f"active.{rid}"), st), st, True, colspan=3),
                        ]
                    )
                )
            parts.append(t)
    if st.no_items:
        parts = [[x for x in p if "第二十条" not in x] for p in parts]
    if st.split_tables:
        return [wrap_table(table_open(st) + "\n".join(p) + table_close(st), st) for p in parts]
    return [
        wrap_table(table_open(st) + "\n".join(x for p in parts for x in p) + table_close(st), st)
    ]


# ---------------------------------------------------------------- 表三

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
ORGS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")


def requests_header(st: Style) -> list[str]:
    h = lambda w, **k: td(w, st, head=True, **k)  # noqa: E731
    if st.unmerge:
        # a grid editor's unmerged header: every slot is a cell, merged ones left empty
        return [
            tr([h(NOTE), h(""), h(""), h("申请人情况")] + [h("") for _ in range(6)]),
            tr(
                [h(""), h(""), h(""), h("自然人"), h("法人或其他组织")]
                + [h("") for _ in range(4)]
                + [h("总计")]
            ),
            tr([h(""), h(""), h(""), h("")] + [h(w) for w in ORGS] + [h("")]),
        ]
    if st.header_rows == 3:
        return [
            tr([h(NOTE, rowspan=3, colspan=3), h("申请人情况", colspan=7)]),
            tr([h("自然人", rowspan=2), h("法人或其他组织", colspan=5), h("总计", rowspan=2)]),
            tr([h(w) for w in ORGS]),
        ]
    if st.header_rows == 2:
        return [
            tr(
                [
                    h(NOTE, rowspan=2, colspan=3),
                    h("自然人", rowspan=2),
                    h("法人或其他组织", colspan=5),
                    h("总计", rowspan=2),
                ]
            ),
            tr([h(w) for w in ORGS]),
        ]
    return [tr([h(NOTE, colspan=3), h("自然人")] + [h(w) for w in ORGS] + [h("总计")])]


def requests_rows(r: Report, st: Style) -> list[str]:
    out = []
    # spans of the merged group labels
    n3 = sum(1 for _, p in r.rows if p[0].startswith("三、"))
    groups: dict[str, int] = {}
    for _, p in r.rows:
        if len(p) == 3:
            groups[p[1]] = groups.get(p[1], 0) + 1
    seen: set[str] = set()
    for rid, path in r.rows:
        vals = [td(cell_text(r.v(f"requests.{rid}.{c}"), st), st, True) for c in COLS]
        labels: list[str] = []
        if st.unmerge:
            full = list(path) + [""] * (3 - len(path))
            if len(path) == 1:
                full = [path[0], "", ""]
            elif len(path) == 2:
                full = [path[0], path[1], ""]
            shown = []
            for i, w in enumerate(full):
                key = "|".join(path[: i + 1])
                if w and key in seen:
                    shown.append("")
                else:
                    shown.append(w)
                    seen.add(key)
            labels = [td(w, st) for w in shown]
        elif st.group_rows:
            if len(path) == 3 and path[1] not in seen:
                seen.add(path[1])
                out.append(tr([td(path[1], st, colspan=3)] + [td("", st, True) for _ in COLS]))
            labels = [td(path[-1], st, colspan=3)]
        else:
            if len(path) == 1:
                labels = [td(path[0], st, colspan=3)]
            else:
                if path[0] not in seen:
                    seen.add(path[0])
                    labels.append(td(path[0], st, rowspan=n3))
                if len(path) == 2:
                    labels.append(td(path[1], st, colspan=2))
                else:
                    if path[1] not in seen:
                        seen.add(path[1])
                        labels.append(td(path[1], st, rowspan=groups[path[1]]))
                    labels.append(td(path[2], st))
        out.append(tr(labels + vals))
    return out


def requests_table(r: Report, st: Style) -> list[str]:
    head = requests_header(st)
    body = requests_rows(r, st)
    if st.split_tables:
        # the header in one table, the rows cut where a page break fell in the Word file
        cut = 12
        if not st.unmerge:
            # a cut inside a rowspan would leave the spans dangling; real pages (Word page
            # breaks) repeat nothing, so cut before 三、 where spans begin or keep one table body
            cut = 2
        return [
            wrap_table(table_open(st) + "\n".join(head) + table_close(st), st),
            wrap_table(table_open(st) + "\n".join(body[:cut]) + table_close(st), st),
            wrap_table(table_open(st) + "\n".join(body[cut:]) + table_close(st), st),
        ]
    pre = '<p style="text-align:right;">单位：件</p>' if st.unit_line else ""
    return [pre + wrap_table(table_open(st) + "\n".join(head + body) + table_close(st, 10), st)]


# ---------------------------------------------------------------- 表四


def reviews_table(r: Report, st: Style) -> list[str]:
    h = lambda w, **k: td(w, st, head=True, **k)  # noqa: E731
    head = [
        tr([h("行政复议", colspan=5), h("行政诉讼", colspan=10)]),
        tr(
            [h(w, rowspan=2) for w in REVIEW_WORDS]
            + [h("未经复议直接起诉", colspan=5), h("复议后起诉", colspan=5)]
        ),
        tr([h(w) for w in REVIEW_WORDS * 2]),
    ]
    vals = tr(
        [
            td(cell_text(r.v(f"reviews.{g}.{f}"), st), st, True)
            for g in REVIEW_GROUPS
            for f in REVIEW_FIELDS
        ]
    )
    if st.reviews_two:
        a = [
            tr([h("行政复议", colspan=5)]),
            tr([h(w) for w in REVIEW_WORDS]),
            tr(
                [
                    td(cell_text(r.v(f"reviews.reconsideration.{f}"), st), st, True)
                    for f in REVIEW_FIELDS
                ]
            ),
        ]
        b = [
            tr([h("行政诉讼", colspan=10)]),
            tr([h("未经复议直接起诉", colspan=5), h("复议后起诉", colspan=5)]),
            tr([h(w) for w in REVIEW_WORDS * 2]),
            tr(
                [
                    td(cell_text(r.v(f"reviews.{g}.{f}"), st), st, True)
                    for g in REVIEW_GROUPS[1:]
                    for f in REVIEW_FIELDS
                ]
            ),
        ]
        return [
            wrap_table(table_open(st) + "\n".join(a) + table_close(st, 5), st),
            wrap_table(table_open(st) + "\n".join(b) + table_close(st, 10), st),
        ]
    if st.split_tables:
        return [
            wrap_table(table_open(st) + "\n".join(head) + table_close(st), st),
            wrap_table(table_open(st) + vals + table_close(st), st),
        ]
    return [wrap_table(table_open(st) + "\n".join(head + [vals]) + table_close(st), st)]


# ---------------------------------------------------------------- prose


def n(r: Report, key: str) -> int:
    v = r.v(key)
    return int(v) if isinstance(v, (int, float)) else 0


def prose(r: Report) -> dict[str, list[str]]:
    a = r.agency
    y = r.year
    new = n(r, "requests.new.total")
    done = n(r, "requests.processed_total.total")
    fwd = n(r, "requests.carried_forward.total")
    rec = n(r, "reviews.reconsideration.total")
    lit = n(r, "reviews.litigation_direct.total") + n(r, "reviews.litigation_after.total")
    s1 = [
        f"{y}年，{a}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》"
        "和上级关于政务公开工作的部署要求，持续深化政务公开，不断提升政府工作透明度。",
        "（一）主动公开",
        f"全年通过政府门户网站主动公开各类政府信息{1200 + len(a) * 37}条，其中政策文件{40 + y % 7}条，"
        "政策解读材料同步发布，做到应公开尽公开。",
        "（二）依申请公开",
        f"全年共受理政府信息公开申请{new}件，办结{done}件，结转下年度继续办理{fwd}件，均在法定期限内予以答复。",
        "（三）政府信息管理",
        "严格落实公开前保密审查机制，动态更新政府信息公开目录，及时清理过期失效信息。",
        "（四）政府信息公开平台建设",
        "加强政府网站和政务新媒体建设管理，优化信息公开专栏栏目设置，提升平台服务功能。",
        "（五）监督保障",
        "将政务公开工作纳入年度绩效考核，开展业务培训2次，本年度未发生因政务公开工作引起的责任追究情况。",
    ]
    s4 = [f"本年度共发生政府信息公开行政复议案件{rec}件，行政诉讼案件{lit}件。"]
    s5 = [
        "一是主动公开的深度和广度还需进一步拓展；二是政策解读形式较为单一；三是基层政务公开标准化规范化工作仍需加强。",
        f"下一步，{a}将进一步完善工作机制，加大业务培训力度，不断提高政务公开工作质量。",
    ]
    s6 = [
        "1.本年度未收取信息处理费。",
        f"2.认真落实{y}年政务公开工作要点，人大代表建议和政协提案办理结果按要求公开。",
    ]
    closing = [
        f"本报告由{a}编制，统计期限为{y}年1月1日至{y}年12月31日。",
        f"如对本报告有疑问，请与{a}政务公开办公室联系（电话：0310-{4000000 + y}）。",
    ]
    return {"s1": s1, "s4": s4, "s5": s5, "s6": s6, "closing": closing}


def cn_numeral_date(iso: str) -> str:
    d = "〇一二三四五六七八九"
    y, m, dd = (int(x) for x in iso.split("-"))

    def small(v: int) -> str:
        if v < 10:
            return d[v]
        return ("十" if v < 20 else d[v // 10] + "十") + (d[v % 10] if v % 10 else "")

    return "".join(d[int(c)] for c in str(y)) + "年" + small(m) + "月" + small(dd) + "日"


def cn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}年{int(m)}月{int(d)}日"


# ---------------------------------------------------------------- page


@dataclass
class PageStyle:
    chrome: str = "jiyue"  # 'jiyue' (集约化 platform), 'trs' (TRS WCM page), 'bare'
    editor: str = "TRS_Editor"  # 'TRS_Editor', 'view TRS_UEDITOR trs_paper_default', 'plain'
    toc: bool = False
    related: bool = True
    attachment: bool = False
    meta_table: bool = False  # 索引号/发布机构 table above the body
    indent: bool = True
    bold_headings: bool = False
    h_headings: bool = False  # section headings as <h3>
    caption_tables: bool = True  # a 表二/表三 caption paragraph; else the heading only
    sidebar: bool = False  # a 热点信息 list of other reports before the article
    cn_date: bool = False  # 落款 date in Chinese numerals
    spacers: bool = False  # <p>&nbsp;</p> between paragraphs
    encoding: str = "utf-8"  # 'gbk': an older portal's page (and the copy saved by Notepad)
    crlf: bool = False  # copies with Windows line ends
    layout_tables: bool = False  # an older portal laid out in nested tables


def para(text: str, st: Style, ps: PageStyle, heading: bool = False) -> str:
    t = esc(text)
    if heading and ps.h_headings:
        return f"<h3>{t}</h3>"
    if heading and ps.bold_headings:
        t = f"<strong>{t}</strong>"
    if st.word:
        return f'<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt"><span style="font-size:16.0pt;font-family:仿宋_GB2312">{t}</span></p>'
    if ps.indent:
        return f'<p style="text-indent:2em;line-height:2em;">{t}</p>'
    return f"<p>{t}</p>"


def body_html(r: Report, st: Style, ps: PageStyle) -> str:
    pr = prose(r)
    title = f"{r.agency}{r.year}年政府信息公开工作年度报告"
    out = []
    out.append(f'<p style="text-align:center;"><strong>{esc(title)}</strong></p>')
    if ps.toc:
        out.append('<p style="text-align:center;">目录</p>')
        for h in (
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
        ):
            out.append(f'<p><a href="#{h[:1]}">{h}</a></p>')
    out.append(
        para(
            f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发"
            f"〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。"
            f"本报告中所列数据的统计期限自{r.year}年1月1日起至{r.year}年12月31日止。",
            st,
            ps,
        )
    )
    out.append(para("一、总体情况", st, ps, heading=True))
    out += [para(x, st, ps, heading=x.startswith("（")) for x in pr["s1"]]
    img = '<p style="text-align:center;"><img src="/u/cms/www/{y}/{n}.png" width="600" alt="" title="{t}"></p>'
    out.append(para("二、主动公开政府信息情况", st, ps, heading=True))
    out += [img.format(y=r.year, n=11, t="")] if "active" in st.images else active_table(r, st)
    out.append(para("三、收到和处理政府信息公开申请情况", st, ps, heading=True))
    out += [img.format(y=r.year, n=12, t="")] if "requests" in st.images else requests_table(r, st)
    out.append(para("四、政府信息公开行政复议、行政诉讼情况", st, ps, heading=True))
    out += [img.format(y=r.year, n=13, t="")] if "reviews" in st.images else reviews_table(r, st)
    out.append(para("五、存在的主要问题及改进情况", st, ps, heading=True))
    out += [para(x, st, ps) for x in pr["s5"]]
    out.append(para("六、其他需要报告的事项", st, ps, heading=True))
    out += [para(x, st, ps) for x in pr["s6"]]
    out += [para(x, st, ps) for x in pr["closing"]]
    out.append(f'<p style="text-align:right;">{esc(r.agency)}</p>')
    out.append(
        f'<p style="text-align:right;">{cn_numeral_date(r.published) if ps.cn_date else cn_date(r.published)}</p>'
    )
    if ps.spacers:
        out = [x + "\n<p>&nbsp;</p>" if x.startswith("<p") else x for x in out]
    return "\n".join(out)


def page_html(r: Report, st: Style, ps: PageStyle, site: str) -> str:
    title = f"{r.agency}{r.year}年政府信息公开工作年度报告"
    body = body_html(r, st, ps)
    pub = r.published
    chrome_top = ""
    chrome_bottom = ""
    if ps.chrome != "bare":
        chrome_top = f"""
<div class="header"><div class="logo"><img src="/images/logo.png" alt="{site}人民政府"></div>
<div class="top-links"><a href="/">首页</a> | <a href="#">无障碍</a> | <a href="#">长者模式</a> | <a href="#">English</a></div>
<div class="search"><input type="text" placeholder="请输入关键字"><button>搜索</button></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="#">走进{site}</a></li><li><a href="#">政务公开</a></li>
<li><a href="#">政务服务</a></li><li><a href="#">互动交流</a></li><li><a href="#">专题专栏</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="#">政府信息公开</a> &gt; <a href="#">政府信息公开年报</a></div>
"""
        if ps.chrome == "jiyue":
            chrome_top += f"""<div class="left-nav"><h4>政府信息公开</h4><ul>
<li><a href="#">政府信息公开指南</a></li><li><a href="#">政府信息公开制度</a></li><li><a href="#">法定主动公开内容</a></li>
<li><a href="#">政府信息公开年报</a></li><li><a href="#">{r.year}年</a></li><li><a href="#">{r.year - 1}年</a></li></ul></div>
"""
        if ps.sidebar:
            chrome_top += f"""<div class="side"><h4>热点信息</h4><ul>
<li><a href="#">{site}人民政府{r.year}年政府信息公开工作年度报告</a></li>
<li><a href="#">{site}财政局{r.year}年政府信息公开工作年度报告</a></li>
<li><a href="#">关于{site}{r.year}年度法治政府建设情况的报告</a></li></ul></div>
"""
        if ps.meta_table:
            chrome_top += f"""<table class="xxgk-info" width="100%"><tr><td>索引号：</td><td>11{r.year}0534MB0{len(site)}1234X/{r.year + 1}-00012</td>
<td>主题分类：</td><td>综合政务/其他</td></tr><tr><td>发布机构：</td><td>{r.agency}</td><td>生成日期：</td><td>{pub}</td></tr>
<tr><td>名称：</td><td colspan="3">{title}</td></tr><tr><td>文号：</td><td></td><td>有效性：</td><td>有效</td></tr></table>
"""
        chrome_top += f"""<div class="article"><h1 class="title">{title}</h1>
<div class="info"><span>来源：{site}人民政府办公室</span> <span>发布时间：{pub} 09:{len(site)}3</span> <span>浏览次数：{137 + r.year % 50}</span>
<span>字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></span></div>
"""
        chrome_bottom = "</div>"
        if ps.attachment:
            chrome_bottom = (
                f'<div class="fujian">附件下载：<a href="/u/{r.year}/report.pdf">{title}.pdf</a></div>'
                + chrome_bottom
            )
        chrome_bottom += """<div class="tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a>
<span>分享到：</span></div>"""
        if ps.related:
            chrome_bottom += f"""<div class="related"><h4>相关链接</h4><ul>
<li><a href="#">{site}人民政府{r.year - 1}年政府信息公开工作年度报告</a> {r.year}-01-28</li>
<li><a href="#">{site}应急管理局{r.year}年政府信息公开工作年度报告</a> {r.year + 1}-01-30</li>
<li><a href="#">{site}人民政府{r.year - 2}年政府信息公开工作年度报告</a> {r.year - 1}-03-12</li></ul></div>"""
        chrome_bottom += f"""
<div class="footer"><p><a href="#">网站地图</a> | <a href="#">联系我们</a> | <a href="#">隐私声明</a></p>
<p>主办单位：{site}人民政府办公室　承办单位：{site}政务服务数据管理局</p>
<p>网站标识码：13053{len(site)}0001　<a href="https://beian.miit.gov.cn">冀ICP备05002{len(site)}26号</a>　冀公网安备 1305340200010{len(site)}号</p>
<p>联系电话：0319-6{len(site)}12345　技术支持：{site}大数据中心</p></div>"""
    editor = {
        "TRS_Editor": '<div class="TRS_Editor">',
        "UEDITOR": '<div class="view TRS_UEDITOR trs_paper_default trs_web">',
        "plain": '<div class="content" id="zoom">',
    }[ps.editor]
    word_css = ""
    if st.word:
        word_css = '<style type="text/css">.TRS_Editor P{margin-top:0;margin-bottom:0;line-height:2;font-family:宋体;font-size:12pt;}</style>'
    if ps.layout_tables:
        chrome_top = (
            '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td>'
            + chrome_top
            + '<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td class="bt_content">'
        )
        chrome_bottom = "</td></tr></table>" + chrome_bottom + "</td></tr></table>"
    charset = "gb2312" if ps.encoding == "gbk" else "utf-8"
    return f"""<!DOCTYPE html>
<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta http-equiv="Content-Type" content="text/html; charset={charset}"><title>{title}_{site}人民政府</title>
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{pub} 09:00">
<script>var _hmt = _hmt || [];</script><style>.nav li{{float:left}}</style></head>
<body>{chrome_top}
{editor}{word_css}
{body}
</div>
{chrome_bottom}
<script src="/js/share.js"></script>
</body></html>"""


# ---------------------------------------------------------------- copies of a page as text


BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "tbody", "thead",
    "section", "header", "footer", "nav", "article", "form", "center", "blockquote", "dl", "dt", "dd",
}  # fmt: skip
HIDDEN = {"script", "style", "head", "title", "meta", "input", "button", "img"}


def inner_text(html: str) -> str:
    """A browser's select-all copy (Chromium's innerText algorithm, in outline)."""
    from lxml import html as lh

    root = lh.fromstring(html)
    body = root.find("body")
    items: list[Any] = []  # str, or int (required line break count)

    def walk(el: Any) -> None:
        if not isinstance(el.tag, str):  # a comment or a processing instruction
            if el.tail:
                items.append(re.sub(r"[ \t\r\n]+", " ", el.tail))
            return
        tag = el.tag
        tag = tag.split("}")[-1].lower()
        if tag in HIDDEN:
            if el.tail:
                items.append(re.sub(r"[ \t\r\n]+", " ", el.tail))
            return
        if tag == "br":
            items.append("\n")
        else:
            pre = 2 if tag == "p" else 1 if tag in BLOCK else 0
            if pre:
                items.append(pre)
            if el.text:
                items.append(re.sub(r"[ \t\r\n]+", " ", el.text))
            for ch in el:
                walk(ch)
            if pre:
                items.append(pre)
            if tag in ("td", "th"):
                nxt = el.getnext()
                if nxt is not None and nxt.tag in ("td", "th"):
                    items.append("\t")
            if tag == "tr":
                nxt = el.getnext()
                par = el.getparent()
                last = nxt is None
                if (
                    last
                    and par is not None
                    and par.tag in ("tbody", "thead")
                    and par.getnext() is not None
                ):
                    last = False
                if not last:
                    items.append("\n")
        if el.tail:
            items.append(re.sub(r"[ \t\r\n]+", " ", el.tail))

    walk(body)
    # collapsible white space next to a line break or a tab is not rendered
    kept: list[Any] = []
    for i, it in enumerate(items):
        if isinstance(it, str) and it.strip(" ") == "" and it != "":
            prev = next((x for x in reversed(kept) if x != ""), None)
            nxt = next(
                (x for x in items[i + 1 :] if not (isinstance(x, str) and x.strip(" ") == "")), None
            )
            if (
                prev is None
                or isinstance(prev, int)
                or prev in ("\t", "\n")
                or isinstance(nxt, int)
                or nxt in ("\t", "\n", None)
            ):
                continue
        kept.append(it)
    items = kept
    # collapse
    out: list[str] = []
    pending = 0
    started = False
    for it in items:
        if isinstance(it, int):
            pending = max(pending, it)
            continue
        if it == "":
            continue
        if pending and started:
            out.append("\n" * pending)
        pending = 0
        out.append(it)
        started = True
    text = "".join(out).replace("\xa0", " ")
    # white-space collapsing at line edges
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r" *\t *", "\t", text)
    text = re.sub(r" {2,}", " ", text)
    return text.strip() + "\n"


def firefox_copy(html: str) -> str:
    """A copy where table rows are tab-separated lines and cell paragraphs add no breaks."""
    from lxml import html as lh

    root = lh.fromstring(html)
    for cell in [c for c in root.iter("td", "th") if not c.findall(".//table")]:
        txt = re.sub(r"\s+", " ", cell.text_content().replace("\xa0", " ")).strip()
        for ch in list(cell):
            cell.remove(ch)
        cell.text = txt
    return inner_text(lh.tostring(root, encoding="unicode"))


def bs4_lines(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for t in soup(["script", "style", "title", "head"]):
        t.decompose()
    return soup.get_text("\n", strip=True) + "\n"


def bs4_text(html: str) -> str:
    """soup.get_text() with no separator: the source's own line breaks decide the layout."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for t in soup(["script", "style", "title", "head"]):
        t.decompose()
    txt = soup.get_text()
    txt = re.sub(r"\n\s*\n+", "\n\n", txt)
    return txt.strip() + "\n"


def html2text_md(html: str) -> str:
    import html2text

    h = html2text.HTML2Text()
    h.body_width = 0
    h.ignore_images = True
    h.ignore_links = True
    return h.handle(html)


def webdriver_text(html: str) -> str:
    """Selenium's element.text of the body: a table row's cells joined by spaces, empty cells
    gone, every block on a line of its own."""
    from lxml import html as lh

    root = lh.fromstring(html)
    for row in [r for r in root.iter("tr") if not r.findall(".//table")]:
        cells = [
            re.sub(r"\s+", " ", c.text_content().replace("\xa0", " ")).strip()
            for c in row
            if c.tag in ("td", "th")
        ]
        for ch in list(row):
            row.remove(ch)
        row.text = " ".join(c for c in cells if c)
        row.tag = "div"
    return re.sub(r"\n{2,}", "\n", inner_text(lh.tostring(root, encoding="unicode")))


def bs4_space(html: str) -> str:
    """soup.get_text(" ", strip=True): the whole page on one line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for t in soup(["script", "style", "title", "head"]):
        t.decompose()
    return soup.get_text(" ", strip=True) + "\n"


COPIES: dict[str, tuple[str, Callable[[str], str]]] = {
    "webdriver": (".txt", webdriver_text),
    "bs4space": (".txt", bs4_space),
    "chrome": (".txt", inner_text),
    "firefox": (".txt", firefox_copy),
    "bs4lines": (".txt", bs4_lines),
    "bs4text": (".txt", bs4_text),
    "h2t": (".md", html2text_md),
}


# ---------------------------------------------------------------- shapes


def shapes(seed: int) -> Iterator[tuple[str, Style, PageStyle]]:
    rnd = random.Random(seed)
    yield (
        "word",
        Style(word=True, blank="", rnd=rnd),
        PageStyle(chrome="jiyue", editor="TRS_Editor", meta_table=True),
    )
    yield (
        "wordsplit",
        Style(word=True, split_digits=True, blank="&nbsp;"),
        PageStyle(chrome="trs", editor="TRS_Editor"),
    )
    yield (
        "ueditor",
        Style(blank="", overflow_div=True),
        PageStyle(chrome="trs", editor="UEDITOR", bold_headings=True),
    )
    yield (
        "uep",
        Style(blank="", p_in_td=True, th=True, strong_headers=True),
        PageStyle(editor="UEDITOR", attachment=True),
    )
    yield (
        "unmerged",
        Style(unmerge=True, blank=""),
        PageStyle(chrome="jiyue", editor="plain", toc=True),
    )
    yield (
        "split",
        Style(split_tables=True, blank="/"),
        PageStyle(chrome="trs", editor="plain", h_headings=True),
    )
    yield (
        "wordsplittab",
        Style(word=True, split_tables=True, blank="—"),
        PageStyle(chrome="jiyue", meta_table=True),
    )
    yield (
        "head2",
        Style(header_rows=2, blank="-", fullwidth=True),
        PageStyle(chrome="trs", editor="UEDITOR"),
    )
    yield (
        "head1",
        Style(header_rows=1, blank=""),
        PageStyle(chrome="bare", editor="plain", indent=False),
    )
    yield (
        "fullword",
        Style(word=True, fullwidth=True, header_rows=2, blank=""),
        PageStyle(chrome="jiyue", toc=True, attachment=True),
    )
    yield (
        "wordbr",
        Style(word=True, br_labels=True, blank=""),
        PageStyle(chrome="trs", editor="TRS_Editor"),
    )
    yield (
        "brsplit",
        Style(br_labels=True, split_tables=True, thousands=True, blank=""),
        PageStyle(chrome="jiyue", editor="plain"),
    )
    yield (
        "nbsp",
        Style(nbsp_num=True, blank="&nbsp;", br_labels=True, header_rows=2),
        PageStyle(chrome="trs", editor="UEDITOR"),
    )
    yield "img3", Style(images=("requests",)), PageStyle(chrome="jiyue", editor="plain")
    yield (
        "grouprows",
        Style(group_rows=True, blank="", unit_line=True),
        PageStyle(chrome="jiyue", editor="UEDITOR", sidebar=True),
    )
    yield (
        "wordspacer",
        Style(word=True, spacer=True, two_p_labels=True, reviews_two=True),
        PageStyle(chrome="trs", cn_date=True, spacers=True),
    )
    yield (
        "twotables4",
        Style(reviews_two=True, group_rows=True, br_labels=True, blank=""),
        PageStyle(chrome="bare", editor="plain", sidebar=True),
    )
    yield (
        "oldportal",
        Style(word=True, comments=True, blank=""),
        PageStyle(chrome="trs", encoding="gbk", crlf=True, layout_tables=True, meta_table=True),
    )
    yield (
        "layoutue",
        Style(br_labels=True, blank="", header_rows=2, comments=True),
        PageStyle(chrome="jiyue", layout_tables=True, sidebar=True, toc=True),
    )
    yield (
        "variants",
        Style(variants=True, no_items=True, blank=""),
        PageStyle(chrome="jiyue", editor="UEDITOR"),
    )
    yield (
        "wordvariants",
        Style(word=True, variants=True, group_rows=True, split_tables=True, blank="/"),
        PageStyle(chrome="trs", editor="TRS_Editor"),
    )
    yield (
        "ideo",
        Style(blank="\u3000", th=True, strong_headers=True, two_p_labels=True, p_in_td=True),
        PageStyle(chrome="jiyue", editor="UEDITOR", attachment=True, related=True),
    )
    yield (
        "imgall",
        Style(images=("active", "requests", "reviews")),
        PageStyle(chrome="trs", editor="UEDITOR"),
    )


def render_all(out: Path, seed: int = 0, copies: bool = True) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for r in load_reports():
        gold_src = (
            (SAMPLES / f"{r.name}.gold.json")
            if (SAMPLES / f"{r.name}.gold.json").exists()
            else SAMPLES / "peer" / f"{r.name}.gold.json"
        )
        for i, (sname, st, ps) in enumerate(shapes(seed)):
            site = FAKE_SITES[(i + len(r.name)) % len(FAKE_SITES)]
            html = page_html(r, st, ps, site)
            base = out / f"{r.name}__{sname}"
            base.with_suffix(".html").write_bytes(html.encode(ps.encoding, "xmlcharrefreplace"))
            shutil.copy(gold_src, str(base) + ".gold.json")
            written.append(base.with_suffix(".html"))
            if copies:
                for cname, (ext, fn) in COPIES.items():
                    cb = out / f"{r.name}__{sname}-{cname}"
                    copy = fn(html).replace("\n", "\r\n") if ps.crlf else fn(html)
                    cb.with_suffix(ext).write_bytes(copy.encode(ps.encoding, "replace"))
                    shutil.copy(gold_src, str(cb) + ".gold.json")
                    written.append(cb.with_suffix(ext))
    return written


# ---------------------------------------------------------------- scoring (the shared hooks' rules)

TABLES = ("active.", "active2019.", "requests.", "reviews.")
MISSING_RULES = {"R-TABLE-MISSING", "R-ROW-MISSING"}
# rules whose finding says the document is wrong (its sums, its blanks, its values)
BLAME_RULES = {
    "R-BALANCE",
    "R-SUM-ROW",
    "R-SUM-RESULTS",
    "R-REVIEW-TOTAL",
    "R-SUBTOTAL",
    "R-BLANK-CELL",
    "R-BLANK-ROW",
    "R-NEGATIVE",
    "R-NON-INTEGER",
    "R-CARRY-FORWARD-NEW",
    "R-CARRY-PROCESSED",
}


@dataclass
class Tally:
    cells: int = 0
    right: int = 0
    silent: int = 0
    false: int = 0
    docs: int = 0
    examples: list[str] = field(default_factory=list)


def score_docs(
    files: list[Path], skip: tuple[str, ...] = ("meta.title", "meta.published")
) -> dict[str, Tally]:
    """Run the parser over files and tally per shape (the file name's part after the gold name)."""
    cmd = [sys.executable, "-m", "nianbao", "parse", "--format", "jsonl", *map(str, files)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=3000, cwd=ROOT)
    outs: dict[str, dict[str, Any]] = {}
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            o = json.loads(line)
            outs[str(Path(o.get("source") or "").resolve())] = o
    tallies: dict[str, Tally] = {}
    for f in files:
        gold = json.loads(
            Path(re.sub(r"\.[^./]+$", "", str(f)) + ".gold.json").read_text(encoding="utf-8")
        )
        shape = f.stem.split("__", 1)[-1]
        t = tallies.setdefault(shape, Tally())
        t.docs += 1
        o = outs.get(str(f.resolve()))
        flat = flatten(o) if o else {}
        findings = (o or {}).get("findings") or []
        blanks = set(gold.get("blank", []))
        for key, g in gold.items():
            if key in ("blank", "notes") or key in skip:
                continue
            g = None if key in blanks else g
            t.cells += 1
            got = flat.get(key, "<absent>")
            if o is not None and key in flat and same(g, got):
                t.right += 1
                continue
            if not key.startswith(TABLES):
                if len(t.examples) < 40:
                    t.examples.append(f"{f.name} {key}: gold={g!r} got={got!r}")
                continue
            named = any(
                fd.get("rule", "").split(".")[0] not in MISSING_RULES
                and not fd.get("rule", "").startswith("R-SECTIONS")
                and any(covers(c, key) for c in fd.get("cells") or [])
                for fd in findings
            )
            if named and len(t.examples) < 20:
                t.examples.append(f"named {f.name} {key}: gold={g!r} got={got!r}")
            if not named:
                t.silent += 1
                if len(t.examples) < 40:
                    t.examples.append(f"SILENT {f.name} {key}: gold={g!r} got={got!r}")
        keys = [k for k in gold if k.startswith(TABLES)]
        misread = {
            k
            for k in keys
            if not (o is not None and k in flat and same(None if k in blanks else gold[k], flat[k]))
        }
        for fd in findings:
            rule = fd.get("rule", "").split(".")[0]
            if rule in BLAME_RULES:
                hit = [c for c in fd.get("cells") or [] if any(covers(c, k) for k in misread)]
                if hit:
                    # the document blamed (a sum that fails, a blank) for a cell misread
                    t.false += 1
                    if len(t.examples) < 40:
                        t.examples.append(f"FALSE {f.name} {rule} {hit[:3]}")
        for fd in findings:
            rule = fd.get("rule", "").split(".")[0]
            if rule in MISSING_RULES or rule == "R-SECTIONS":
                hit = [c for c in fd.get("cells") or [] if any(covers(c, k) for k in keys)]
                if hit:
                    t.false += 1
                    if len(t.examples) < 40:
                        t.examples.append(f"FALSE {f.name} {rule} {hit[:3]}")
    return tallies


def print_tallies(tallies: dict[str, Tally], show: int = 0) -> None:
    tot = Tally()
    for shape in sorted(tallies):
        t = tallies[shape]
        tot.cells += t.cells
        tot.right += t.right
        tot.silent += t.silent
        tot.false += t.false
        print(f"{shape:28s} {t.right:6d}/{t.cells:6d} silent {t.silent:4d} false {t.false:3d}")
        for e in t.examples[:show]:
            print("    ", e)
    print(
        f"{'TOTAL':28s} {tot.right:6d}/{tot.cells:6d} silent {tot.silent:4d} false {tot.false:3d}"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/blindweb")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-copies", action="store_true")
    ap.add_argument("--score", action="store_true")
    ap.add_argument("--show", type=int, default=0)
    a = ap.parse_args()
    out = Path(a.out)
    if out.exists():
        shutil.rmtree(out)
    files = render_all(out, a.seed, not a.no_copies)
    print(f"{len(files)} files in {out}")
    if a.score:
        print_tallies(score_docs(files), a.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
