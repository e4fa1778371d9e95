"""Blind copies of the gold reports as document parsers and AI tools write them.

Written from knowledge of the tools' output, without reading the reader code: MinerU
(markdown with raw HTML ``<table>`` blocks, spans kept, now and then two cells merged into
one), marker / pymupdf4llm (pipe tables, ``<br>`` in cells, spanned cells empty, header
rows collapsed or duplicated, empty trailing columns), docling (pipe tables whose spanned
cells repeat their text), pandoc (HTML tables with ``<colgroup>``/``<thead>``/``<p>``, grid
tables), Jina Reader / Firecrawl (pipe tables, links, images, markdown escapes), LLM-based
parsers that turn a table into a list, OCR-based document AI (HTML tables with O/0 and l/1
confusions), and plain PDF text extraction (one PDF line per line, labels wrapped at the
column width, page footers inside tables).

Each copy gets its gold beside it (same stem, ``.gold.json``). A table rendered as a picture
keeps its gold values: the tool must name those cells unread, which ``silent.py`` checks.

usage: python -m tests.blindmd --out DIR [--seeds N] [--shapes a,b] [--score]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .formlabels import DENIED, NOTE, OTHER, REJECTED, UNABLE
from .gold import SAMPLES, covers, flatten, gold_files, same

HOOKS = SAMPLES.parent / "hooks"

COLS = ["natural", "commercial", "research", "social", "legal", "other_org", "total"]
ORG = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]

# (level-1, level-2, level-3, row id) of the applications matrix, 2021 form.
L3 = "三、本年度办理结果"
ROWS_HEAD = [
    ("一、本年新收政府信息公开申请数量", "", "", "new"),
    ("二、上年结转政府信息公开申请数量", "", "", "carried_over"),
    (L3, "（一）予以公开", "", "granted"),
    (L3, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "", "partial"),
]


def request_rows(split_other: bool) -> list[tuple[str, str, str, str]]:
    rows = list(ROWS_HEAD)
    for l2, items, gid in (
        ("（三）不予公开", DENIED, "denied"),
        ("（四）无法提供", UNABLE, "unable"),
        ("（五）不予处理", REJECTED, "rejected"),
    ):
        rows += [(L3, l2, lab, f"{gid}.{sid}") for lab, sid in items]
    if split_other:
        rows += [(L3, "（六）其他处理", lab, f"other.{sid}") for lab, sid in OTHER]
    else:
        rows.append((L3, "（六）其他处理", "", "other"))
    rows.append((L3, "（七）总计", "", "processed_total"))
    rows.append(("四、结转下年度继续办理", "", "", "carried_forward"))
    return rows


REVIEW_GROUPS = ["reconsideration", "litigation_direct", "litigation_after"]
REVIEW_COLS = ["upheld", "corrected", "other", "pending", "total"]
REVIEW_LABELS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


# ----------------------------------------------------------------------------- tables
@dataclass
class Cell:
    text: str
    rs: int = 1
    cs: int = 1
    head: bool = False


Table = list[list[Cell]]  # HTML-style rows: cells covered by a span are omitted


def dense(table: Table, fill: str) -> list[list[str]]:
    """Expand spans: fill='repeat' copies the text, 'empty' leaves ''."""
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, row in enumerate(table):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    first = dr == 0 and dc == 0
                    grid[(r + dr, c + dc)] = cell.text if first or fill == "repeat" else ""
            c += cell.cs
            width = max(width, c)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(table))]


def fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class Doc:
    def __init__(self, gold: dict, rnd: random.Random) -> None:
        self.gold = gold
        self.rnd = rnd
        blanks = set(gold.get("blank", []))
        self.v = {k: (None if k in blanks else val) for k, val in gold.items()}
        self.split_other = any(k.startswith("requests.other.") and k.count(".") == 3 for k in gold)
        self.year = gold.get("meta.year") or 2023
        self.title = gold.get("meta.title") or f"某县人民政府{self.year}年政府信息公开工作年度报告"
        self.agency = gold.get("meta.agency") or "某县人民政府"
        self.image_of = rnd.choice(
            ["s2", "s3", "s4"]
        )  # the table an "image" copy shows as a picture
        self.grid_dw: Callable[[str], int] | None = len if rnd.random() < 0.5 else None
        self.bare = rnd.random() < 0.3  # pipe tables without the outer pipes
        self.mixed_html = rnd.random() < 0.4  # merged-cell tables as HTML, the rest as pipes
        self.dash = rnd.choice(["", "", "-", "—", "/"])  # a mark an LLM writes in a blank cell

    def val(self, key: str) -> str:
        return fmt(self.v.get(key))

    # --- section 二
    def active_blocks(self) -> list[tuple[str, list[str], list[tuple[str, list[str]]]]]:
        a = "active."
        return [
            (
                "第二十条第（一）项",
                ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                [
                    (
                        "规章",
                        [
                            self.val(f"{a}regulations.{c}")
                            for c in ("issued", "repealed", "in_force")
                        ],
                    ),
                    (
                        "行政规范性文件",
                        [self.val(f"{a}normative.{c}") for c in ("issued", "repealed", "in_force")],
                    ),
                ],
            ),
            (
                "第二十条第（五）项",
                ["信息内容", "本年处理决定数量"],
                [("行政许可", [self.val(f"{a}licensing")])],
            ),
            (
                "第二十条第（六）项",
                ["信息内容", "本年处理决定数量"],
                [("行政处罚", [self.val(f"{a}penalty")]), ("行政强制", [self.val(f"{a}coercion")])],
            ),
            (
                "第二十条第（八）项",
                ["信息内容", "本年收费金额（单位：万元）"],
                [("行政事业性收费", [self.val(f"{a}fees")])],
            ),
        ]

    def active_tables(self, one_table: bool) -> list[Table]:
        out: list[Table] = []
        one: Table = []
        for head, cols, rows in self.active_blocks():
            t: Table = [[Cell(head, cs=4, head=True)]]
            hdr = [Cell(cols[0], head=True)] + [Cell(c, head=True) for c in cols[1:]]
            if len(cols) == 2:
                hdr[1].cs = 3
            t.append(hdr)
            for lab, vals in rows:
                r = [Cell(lab)] + [Cell(x) for x in vals]
                if len(vals) == 1:
                    r[1].cs = 3
                t.append(r)
            if one_table:
                one += t
            else:
                out.append(t)
        return [one] if one_table else out

    # --- section 三
    def request_table(self, labels: str, header: str) -> tuple[Table, int]:
        """labels: span | repeat | first | joined | two; header: span | rows | collapse | last.

        Returns the table and the number of header rows."""
        rows = request_rows(self.split_other)
        nlab = {"span": 3, "repeat": 3, "first": 3, "joined": 1, "two": 2}[labels]
        t: Table = []
        if header == "span":
            t.append([Cell(NOTE, rs=3, cs=nlab, head=True), Cell("申请人情况", cs=7, head=True)])
            t.append(
                [
                    Cell("自然人", rs=2, head=True),
                    Cell("法人或其他组织", cs=5, head=True),
                    Cell("总计", rs=2, head=True),
                ]
            )
            t.append([Cell(x, head=True) for x in ORG])
            nh = 3
        else:
            fill = "repeat" if labels == "repeat" else "empty"
            h: Table = [
                [Cell(NOTE, rs=3, cs=nlab), Cell("申请人情况", cs=7)],
                [Cell("自然人", rs=2), Cell("法人或其他组织", cs=5), Cell("总计", rs=2)],
                [Cell(x) for x in ORG],
            ]
            g = dense(h, fill)
            if header == "collapse":
                j = self.rnd.choice([" ", " ", ".", "_", "/", ""])
                g = [[j.join(dict.fromkeys(x for x in col if x)) for col in zip(*g)]]
                if self.rnd.random() < 0.5:
                    g[0][:nlab] = [""] * nlab
            elif header == "last":
                g = [[""] * nlab + ["自然人"] + ORG + ["总计"]]
            for r in g:
                t.append([Cell(x, head=True) for x in r])
            nh = len(g)
        if labels == "span":
            spans: dict[str, int] = {}
            for l1, l2, _l3, _ in rows:
                spans[l1] = spans.get(l1, 0) + 1
                if l2:
                    spans[l1 + l2] = spans.get(l1 + l2, 0) + 1
            seen: set[str] = set()
            for l1, l2, l3, rid in rows:
                r: list[Cell] = []
                if not l2:
                    r.append(Cell(l1, cs=3))
                else:
                    if l1 not in seen:
                        r.append(Cell(l1, rs=spans[l1]))
                    if not l3:
                        r.append(Cell(l2, cs=2))
                    else:
                        if l1 + l2 not in seen:
                            r.append(Cell(l2, rs=spans[l1 + l2]))
                        r.append(Cell(l3))
                seen.update({l1, l1 + l2})
                r += [Cell(self.val(f"requests.{rid}.{c}")) for c in COLS]
                t.append(r)
            return t, nh
        sep = self.rnd.choice([" ", "", " ", "-", " / "])
        prev = ("", "")
        for l1, l2, l3, rid in rows:
            if labels in ("repeat", "first"):
                if not l2:
                    labs = [l1, l1, l1] if labels == "repeat" else [l1, "", ""]
                elif not l3:
                    labs = (
                        [l1, l2, l2]
                        if labels == "repeat"
                        else [l1 if l1 != prev[0] else "", l2, ""]
                    )
                else:
                    if labels == "repeat":
                        labs = [l1, l2, l3]
                    else:
                        labs = [l1 if l1 != prev[0] else "", l2 if (l1, l2) != prev else "", l3]
            elif labels == "joined":
                labs = [sep.join(x for x in (l1, l2, l3) if x)]
            else:  # two
                if not l2:
                    labs = [l1, ""]
                else:
                    labs = [l1 if l1 != prev[0] else "", sep.join(x for x in (l2, l3) if x)]
            prev = (l1, l2)
            t.append(
                [Cell(x) for x in labs] + [Cell(self.val(f"requests.{rid}.{c}")) for c in COLS]
            )
        return t, nh

    # --- section 四
    def review_table(self, header: str) -> tuple[Table, int]:
        vals = [Cell(self.val(f"reviews.{g}.{c}")) for g in REVIEW_GROUPS for c in REVIEW_COLS]
        h: Table = [
            [Cell("行政复议", cs=5, head=True), Cell("行政诉讼", cs=10, head=True)],
            [Cell(x, rs=2, head=True) for x in REVIEW_LABELS]
            + [Cell("未经复议直接起诉", cs=5, head=True), Cell("复议后起诉", cs=5, head=True)],
            [Cell(x, head=True) for x in REVIEW_LABELS * 2],
        ]
        if header == "span":
            return h + [vals], 3
        g = dense(h, "repeat" if header == "repeat" else "empty")
        if header == "collapse":
            j = self.rnd.choice([" ", " ", ".", "_", "/", ""])
            g = [[j.join(dict.fromkeys(x for x in col if x)) for col in zip(*g)]]
        elif header == "last":
            g = [REVIEW_LABELS * 3]
        return [[Cell(x, head=True) for x in r] for r in g] + [vals], len(g)


# ----------------------------------------------------------------------------- renderers
def esc_md(s: str) -> str:
    return s.replace("|", "\\|")


def pipe(
    grid: list[list[str]],
    header_rows: int,
    rnd: random.Random,
    br: bool = False,
    extra_col: bool = False,
    bare: bool = False,
    dash: str = "",
) -> str:
    if extra_col:
        grid = [r + [""] for r in grid]
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    if br:
        grid = [[wrap_br(c, rnd) for c in r] for r in grid]
    if dash:  # an LLM writes a mark in a blank value cell (a row that has numbers)
        grid = [_dashed(r, dash) for r in grid]
    lines = []
    if header_rows == 0:
        lines.append(
            "| "
            + " | ".join(f"Col{i + 1}" if rnd.random() < 0.5 else "" for i in range(width))
            + " |"
        )
        lines.append("|" + "---|" * width)
        body = grid
    else:
        lines.append("| " + " | ".join(esc_md(c) for c in grid[0]) + " |")
        lines.append(
            "|"
            + "|".join(rnd.choice(["---", ":---", "-----", ":---:"]) for _ in range(width))
            + "|"
        )
        body = grid[1:]
    for r in body:
        lines.append("| " + " | ".join(esc_md(c) for c in r) + " |")
    if bare:  # written without the outer pipes (``a | b``, ``---|---``)
        lines = [ln[2:-2] if ln.startswith("| ") else ln[1:-1] for ln in lines]
    return "\n".join(lines)


def _dashed(r: list[str], dash: str) -> list[str]:
    first = next((k for k, x in enumerate(r) if isnum(x)), None)
    if first is None:
        return r
    return [dash if k >= first and not c else c for k, c in enumerate(r)]


def isnum(s: str) -> bool:
    return bool(s) and s.replace(".", "").replace("-", "").replace("+", "").isdigit()


def mangle(
    g: list[list[str]], nh: int, rnd: random.Random, opts: dict[str, float], notes: list[str]
) -> list[list[str]]:
    """Tool habits applied to a dense grid whose first nh rows are the header."""
    g = [list(r) for r in g]
    if rnd.random() < opts.get("rowwrap", 0):
        w = rnd.choice([10, 12, 14])
        first = rnd.random() < 0.5  # the numbers sit with the label's first or second line
        out = []
        for i, r in enumerate(g):
            labs = [k for k, c in enumerate(r) if c and not isnum(c)]
            if i < nh or not labs or len(r[labs[-1]]) <= w:
                out.append(r)
                continue
            k = labs[-1]
            r1 = r[:k] + [r[k][:w]] + (r[k + 1 :] if first else [""] * (len(r) - k - 1))
            r2 = [""] * k + [r[k][w:]] + ([""] * (len(r) - k - 1) if first else r[k + 1 :])
            out += [r1, r2]
        notes.append(
            f"long labels wrapped into a second table row (numbers on the {'first' if first else 'second'})"
        )
        g = out
    if rnd.random() < opts.get("empty_col", 0):
        pos = rnd.randint(1, max(1, min(len(r) for r in g) - 1))
        g = [r[:pos] + [""] + r[pos:] for r in g]
        notes.append(f"empty column inserted at {pos}")
    if nh and rnd.random() < opts.get("dup_header", 0):
        g = g[:nh] + [list(g[0])] + g[nh:]
        notes.append("header row duplicated")
    if rnd.random() < opts.get("spaced", 0):
        g = [
            [c.replace(".", ". ", 1) if c[:1].isdigit() and not isnum(c) else c for c in r]
            for r in g
        ]
    if rnd.random() < opts.get("escape", 0):
        g = [
            [c.replace(".", "\\.", 1) if c[:1].isdigit() and not isnum(c) else c for c in r]
            for r in g
        ]
    if nh and rnd.random() < opts.get("bold", 0):
        for r in g[:nh]:
            r[:] = [f"**{c}**" if c else c for c in r]
    if rnd.random() < opts.get("link", 0):
        g = [
            [
                f"[{c}](http://www.example.gov.cn/zwgk/gfxwj/)" if c == "行政规范性文件" else c
                for c in r
            ]
            for r in g
        ]
    return g


def wrap_br(s: str, rnd: random.Random) -> str:
    if len(s) > 9 and not s.replace(".", "").isdigit() and rnd.random() < 0.6:
        k = rnd.randint(4, len(s) - 3)
        return s[:k] + "<br>" + s[k:]
    return s


def html_table(t: Table, rnd: random.Random, style: str) -> str:
    """style: mineru (one line, no thead) | pandoc (thead, colgroup, <p>, one td per line) | attr."""
    nh = sum(1 for r in t if r and all(c.head for c in r))
    out: list[str] = []
    nl = "" if style == "mineru" else "\n"
    if style == "pandoc":
        out.append("<table>")
        out.append(
            "<colgroup>" + "".join('<col style="width: 6%" />' for _ in range(8)) + "</colgroup>"
        )
    elif style == "attr":
        out.append(
            '<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse" width="600">'
        )
    else:
        out.append("<table>")
    in_head = style != "mineru" and nh > 0
    row_th = style != "mineru" and rnd.random() < 0.3  # each row's first cell a <th> (docling)
    bold = style == "attr" and rnd.random() < 0.3  # numbers in <b> (a Word page's totals)
    if in_head:
        out.append("<thead>")
    for i, row in enumerate(t):
        if in_head and i == nh:
            out.append("</thead>")
            out.append("<tbody>")
            in_head = False
        cls = f' class="{"odd" if i % 2 == 0 else "even"}"' if style == "pandoc" else ""
        cells = []
        for j, c in enumerate(row):
            tag = (
                "th"
                if ((c.head or (row_th and j == 0 and not isnum(c.text))) and style != "mineru")
                else "td"
            )
            attrs = ""
            if c.rs > 1:
                attrs += f' rowspan="{c.rs}"' if style != "mineru" else f" rowspan={c.rs}"
            if c.cs > 1:
                attrs += f' colspan="{c.cs}"' if style != "mineru" else f" colspan={c.cs}"
            if style == "attr":
                attrs += ' style="text-align:center;vertical-align:middle"'
            txt = html.escape(c.text, quote=False)
            if style == "attr" and rnd.random() < 0.1:
                txt = txt.replace("（", "&#65288;").replace("）", "&#65289;")
            if not c.text:
                txt = rnd.choice(["", "&nbsp;", " "]) if style != "mineru" else ""
            if bold and isnum(c.text):
                txt = f"<b>{txt}</b>"
            if style == "pandoc" and c.text:
                txt = f"<p>{txt}</p>"
            if style == "attr" and c.text and rnd.random() < 0.3:
                txt = f'<p class="MsoNormal" align="center"><span style="font-size:10.5pt">{txt}</span></p>'
            cells.append(f"<{tag}{attrs}>{txt}</{tag}>")
        joiner = "" if style == "mineru" else "\n"
        out.append(f"<tr{cls}>" + joiner + joiner.join(cells) + joiner + "</tr>")
    if style != "mineru" and nh > 0 and not in_head:
        out.append("</tbody>")
    out.append("</table>")
    if style == "mineru" and rnd.random() < 0.5:
        return "<html><body>" + nl.join(out) + "</body></html>"
    return nl.join(out)


def _display_width(s: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def grid_table(
    g: list[list[str]], rnd: random.Random, header_rows: int, dw: Callable[[str], int] | None = None
) -> str:
    """Pandoc grid table; long labels wrap inside their cell (numbers never break). With
    ``dw=len`` the widths are counted in characters, as tabulate does without wcwidth: the
    walls of lines holding CJK characters stand further right on screen."""
    _dw = dw or _display_width
    width = max(len(r) for r in g)
    g = [r + [""] * (width - len(r)) for r in g]
    limit = rnd.choice([16, 20, 24])
    cw = [
        max(
            2,
            min(max(_dw(r[c]) for r in g), limit),
            max((_dw(r[c]) for r in g if isnum(r[c])), default=0),
        )
        for c in range(width)
    ]

    def wrap(s: str, w: int) -> list[str]:
        if isnum(s) or _dw(s) <= w:
            return [s]
        out, cur = [], ""
        for ch in s:
            if _dw(cur + ch) > w:
                out.append(cur)
                cur = ""
            cur += ch
        return out + [cur]

    def border(ch: str) -> str:
        return "+" + "+".join(ch * (w + 2) for w in cw) + "+"

    out = [border("-")]
    for i, r in enumerate(g):
        parts = [wrap(c, w) for c, w in zip(r, cw)]
        h = max(len(p) for p in parts)
        for k in range(h):
            line = "|"
            for p, w in zip(parts, cw):
                s = p[k] if k < len(p) else ""
                line += " " + s + " " * (w - _dw(s)) + " |"
            out.append(line)
        out.append(border("=" if header_rows and i == header_rows - 1 else "-"))
    return "\n".join(out)


def plain_rows(g: list[list[str]], rnd: random.Random, width: int) -> list[str]:
    """Each grid row as PDF text lines: cells joined by spaces, blank cells vanish, long label
    cells wrap at the column width and the numbers sit on the middle line."""
    out = []
    for r in g:
        labs = [c for c in r if c and not c.replace(".", "").replace("-", "").isdigit()]
        nums = [c for c in r if c and c.replace(".", "").replace("-", "").isdigit()]
        text = "".join(labs)
        if not nums and (len(r) > 3 or len(text) <= width):
            out.append(" ".join(labs))
            continue
        chunks = [text[i : i + width] for i in range(0, len(text), width)] or [""]
        mid = (len(chunks) - 1) // 2 if rnd.random() < 0.7 else 0
        for i, ch in enumerate(chunks):
            out.append((ch + " " + " ".join(nums)).strip() if i == mid else ch)
    return out


def footer(rnd: random.Random, page: int) -> str:
    return rnd.choice(
        [f"— {page} —", f"- {page} -", f"第 {page} 页 共 {page + 3} 页", f"{page}", f"—{page}—"]
    )


# ----------------------------------------------------------------------------- documents
PROSE = {
    "s1": "一、总体情况",
    "s2": "二、主动公开政府信息情况",
    "s3": "三、收到和处理政府信息公开申请情况",
    "s4": "四、政府信息公开行政复议、行政诉讼情况",
    "s5": "五、存在的主要问题及改进情况",
    "s6": "六、其他需要报告的事项",
}


def heading(text: str, rnd: random.Random, style: str) -> str:
    if style == "hash":
        return "## " + text
    if style == "hash1":
        return "# " + text
    if style == "bold":
        return f"**{text}**"
    return text


def prose(doc: Doc, key: str) -> str:
    new = doc.v.get("requests.new.total")
    if key == "s1":
        return (
            f"{doc.year}年，{doc.agency}深入贯彻落实《中华人民共和国政府信息公开条例》，"
            "坚持以公开为常态、不公开为例外，全面推进政务公开工作。"
        )
    if key == "s3":
        n = f"{new}件" if new is not None else "若干件"
        return f"本年度共收到政府信息公开申请{n}，均在法定期限内答复。"
    if key == "s5":
        return "存在的主要问题：政策解读形式较为单一。改进情况：丰富解读形式，提升解读质量。"
    if key == "s6":
        return "本年度未收取信息处理费。"
    return ""


SHAPES = [
    "mineru",
    "mineru_split",
    "mineru_merge",
    "pandoc_html",
    "attr_html",
    "docling",
    "marker",
    "pymupdf4llm",
    "grid",
    "jina",
    "llamaparse",
    "list",
    "plaintext",
    "image",
    "ocr_html",
]


def render(doc: Doc, shape: str) -> tuple[str, list[str]]:
    """Returns the markdown and notes on what the rendering did."""
    rnd = doc.rnd
    notes: list[str] = []
    hstyle = rnd.choice(["hash", "hash1", "bold", "plain"])
    if shape == "plaintext":
        hstyle = "plain"
    parts: list[str] = []
    if shape == "jina":
        parts.append(
            f"Title: {doc.title}\n\nURL Source: http://www.example.gov.cn/zwgk/ndbg/t{doc.year}0131_1.html\n\nMarkdown Content:"
        )
        parts.append(
            "[首页](http://www.example.gov.cn/) > [政务公开](http://www.example.gov.cn/zwgk/) > [年度报告](http://www.example.gov.cn/zwgk/ndbg/)"
        )
    title = doc.title
    if shape == "plaintext" and len(title) > 16:
        k = rnd.randint(8, len(title) - 4)
        parts.append(title[:k] + "\n" + title[k:])
    else:
        parts.append(("# " if hstyle != "plain" else "") + title)
    if shape == "jina":
        parts.append(
            f"发布时间：{doc.year + 1}-01-31 来源：{doc.agency} 【字体：[大](javascript:) [中](javascript:) [小](javascript:)】"
        )
    parts.append(
        f"本报告根据《中华人民共和国政府信息公开条例》编制。本报告所列数据的统计期限为{doc.year}年1月1日至{doc.year}年12月31日。"
    )
    page = [1]

    def tables_for(section: str) -> str:
        return render_section(doc, shape, section, notes, page)

    for key, head in PROSE.items():
        h = heading(head, rnd, hstyle)
        parts.append(h)
        p = prose(doc, key)
        if p:
            if shape == "plaintext":
                w = rnd.choice([24, 30, 34])
                p = "\n".join(p[i : i + w] for i in range(0, len(p), w))
            if shape == "jina":
                p += " 详见[政府信息公开指南](http://www.example.gov.cn/zwgk/zn/index.html)。"
            parts.append(p)
        if key in ("s2", "s3", "s4"):
            parts.append(tables_for(key))
    parts.append(doc.agency)
    parts.append(f"{doc.year + 1}年1月31日")
    if shape == "jina":
        parts.append(
            "![](http://www.example.gov.cn/images/share.png)\n\n[【打印本页】](javascript:window.print()) [【关闭窗口】](javascript:window.close())"
        )
    text = "\n\n".join(parts) + "\n"
    if shape == "plaintext":
        text = text.replace("\n\n", "\n")
    if shape in ("jina", "marker") and rnd.random() < 0.6:
        # markdown escapes written by html-to-markdown converters
        text = text.replace("_", "\\_").replace("*本", "\\*本")
    return text, notes


OPTS: dict[str, dict[str, float]] = {
    "marker": {"dup_header": 0.3, "empty_col": 0.2, "spaced": 0.2},
    "pymupdf4llm": {"rowwrap": 0.6, "empty_col": 0.3},
    "docling": {"spaced": 0.2},
    "jina": {"escape": 0.5, "spaced": 0.5, "link": 0.4},
    "llamaparse": {"bold": 0.6, "spaced": 0.2},
}


def render_section(doc: Doc, shape: str, section: str, notes: list[str], page: list[int]) -> str:
    rnd = doc.rnd
    if shape == "image" and doc.image_of == section:
        notes.append(f"table of {section} is an image (![](...)); its cells must be named unread")
        name = f"images/{rnd.getrandbits(64):016x}.jpg"
        return rnd.choice(
            [
                f"![]({name})",
                f"![表格]({name})",
                f'<img src="{name}" alt="">',
                f"![image]({name})\n\n图片",
                "<!-- image -->",
                f"![](_page_{rnd.randint(2, 5)}_Picture_{rnd.randint(0, 3)}.jpeg)",
            ]
        )
    html_style = {
        "mineru": "mineru",
        "mineru_split": "mineru",
        "mineru_merge": "mineru",
        "pandoc_html": "pandoc",
        "attr_html": "attr",
        "ocr_html": "mineru",
    }.get(shape)
    if shape == "image":
        html_style = rnd.choice(["mineru", None])
    if shape == "llamaparse" and doc.mixed_html and section != "s2":
        # a document AI writes the tables with merged cells as HTML, the simple ones as
        # Markdown pipe tables, in one document
        html_style = "mineru"
        if section == "s3":
            notes.append("表三 and 表四 as HTML, 表二 as pipe tables")
    if html_style:
        return render_html_section(doc, shape, section, html_style, notes, page)
    if shape == "list":
        return render_list_section(doc, section)
    if shape == "plaintext":
        return render_plain_section(doc, section, page, notes)
    # pipe-ish
    fill = "repeat" if shape == "docling" else "empty"
    opts = OPTS.get(shape, {})
    pk = {"bare": doc.bare, "dash": doc.dash} if shape == "llamaparse" else {}
    out: list[str] = []
    if section == "s2":
        one = rnd.random() < 0.5
        for t in doc.active_tables(one):
            g = mangle(dense(t, fill), 1, rnd, opts, notes)
            if shape == "grid":
                out.append(grid_table(g, rnd, 1, doc.grid_dw))
            else:
                out.append(
                    pipe(
                        g,
                        1,
                        rnd,
                        br=shape in ("marker", "pymupdf4llm"),
                        extra_col=shape == "marker" and rnd.random() < 0.2,
                        **{**pk, "dash": ""},  # (表二's blank cells are a merged cell's)
                    )
                )
        return "\n\n".join(out)
    if section == "s3":
        labels = "repeat" if shape == "docling" else rnd.choice(["first", "joined", "two", "first"])
        if shape == "docling" and rnd.random() < 0.3:
            labels = rnd.choice(["joined", "two"])
        header = (
            rnd.choice(["rows", "collapse", "last"])
            if shape != "docling"
            else rnd.choice(["rows", "rows", "collapse"])
        )
        t, nh = doc.request_table(labels, header)
        g = mangle(dense(t, fill), nh, rnd, opts, notes)
        notes.append(f"section 三: labels {labels}, header {header}")
        if shape == "grid":
            return grid_table(g, rnd, nh, doc.grid_dw)
        split = shape in ("marker", "pymupdf4llm") and rnd.random() < 0.5
        if not split:
            return pipe(g, 1, rnd, br=shape in ("marker", "pymupdf4llm"), **pk)
        cut = sorted(rnd.sample(range(nh + 3, len(g) - 2), rnd.choice([1, 2])))
        pieces = []
        prev = 0
        for c in cut + [len(g)]:
            pieces.append(g[prev:c])
            prev = c
        chunks = []
        for i, pc in enumerate(pieces):
            if i and rnd.random() < 0.4:
                pc = g[:nh] + pc  # header repeated on the next page
                hr = 1
            else:
                hr = 1 if i == 0 else rnd.choice([1, 0])
                if i and all(not r[0] for r in pc) and rnd.random() < 0.5:
                    # the merged label cell (三、本年度办理结果) stays on the page before:
                    # the converter prints the rest of the table without its column
                    pc = [r[1:] for r in pc]
                    notes.append(f"part {i + 1} of 表三 without its first (blank) column")
            chunks.append(pipe(pc, hr, rnd, br=True))
            if i < len(pieces) - 1:
                page[0] += 1
                chunks.append(footer(rnd, page[0]))
        notes.append(f"section 三 split into {len(pieces)} tables at page breaks")
        return "\n\n".join(chunks)
    header = rnd.choice(["rows", "collapse", "last"]) if shape != "docling" else "repeat"
    t, nh = doc.review_table(header)
    g = mangle(dense(t, fill), nh, rnd, {k: v for k, v in opts.items() if k != "rowwrap"}, notes)
    if shape == "grid":
        return grid_table(g, rnd, nh, doc.grid_dw)
    return pipe(g, 1, rnd, br=shape in ("marker", "pymupdf4llm"), **pk)


# characters an OCR engine confuses with a look-alike (the label stays readable to a person)
_LOOKALIKE = {"未": "末", "已": "己", "开": "幵", "理": "瑆", "处": "外", "审": "宙"}


def ocr_damage(s: str, rnd: random.Random) -> str:
    if s.isdigit() and rnd.random() < 0.04:
        return s.replace("0", "O", 1) if "0" in s else s.replace("1", "l", 1)
    if not isnum(s) and len(s) > 3 and rnd.random() < 0.05:
        hits = [i for i, ch in enumerate(s) if ch in _LOOKALIKE]
        if hits:
            i = rnd.choice(hits)
            return s[:i] + _LOOKALIKE[s[i]] + s[i + 1 :]
    return s


def render_html_section(
    doc: Doc, shape: str, section: str, style: str, notes: list[str], page: list[int]
) -> str:
    rnd = doc.rnd
    if section == "s2":
        ts = doc.active_tables(rnd.random() < 0.6)
        hdrs = [1] * len(ts)
    elif section == "s3":
        labels = "span" if rnd.random() < 0.75 else rnd.choice(["repeat", "first", "joined", "two"])
        t, nh = doc.request_table(
            labels, "span" if labels == "span" else rnd.choice(["rows", "collapse"])
        )
        ts, hdrs = [t], [nh]
        if labels != "span":
            notes.append(f"section 三 labels {labels}")
    else:
        t, nh = doc.review_table("span")
        ts, hdrs = [t], [nh]
    if shape == "ocr_html":
        for t in ts:
            for r in t:
                for c in r:
                    c.text = ocr_damage(c.text, rnd)
    if shape == "mineru_merge":
        for t in ts:
            body = [r for r in t if not all(c.head for c in r)]
            if body and rnd.random() < 0.5:
                r = rnd.choice(body)
                idx = [
                    i
                    for i in range(len(r) - 1)
                    if r[i].text[:1].isdigit()
                    and r[i + 1].text[:1].isdigit()
                    and r[i].rs == r[i + 1].rs == 1
                ]
                if idx:
                    i = rnd.choice(idx)
                    r[i] = Cell(r[i].text + " " + r[i + 1].text, cs=r[i].cs + r[i + 1].cs)
                    del r[i + 1]
                    notes.append(f"{section}: two data cells merged into one (MinerU)")
    if shape in ("mineru", "ocr_html", "mineru_split") and rnd.random() < 0.4:
        for t in ts:
            for r in t:
                while len(r) > 1 and not r[-1].text and r[-1].cs == 1 and r[-1].rs == 1:
                    r.pop()
        notes.append(f"{section}: trailing empty cells dropped")
    if shape == "mineru_merge" and section == "s3" and rnd.random() < 0.5:
        for t in ts:
            for r in t:
                for c in r:
                    if c.rs > 3 and rnd.random() < 0.5:
                        c.rs += rnd.choice([-1, 1])
                        notes.append(f"rowspan of {c.text} off by one")
    out = []
    for t, nh in zip(ts, hdrs):
        if shape == "mineru_split" and section == "s3":
            k = rnd.randint(nh + 4, len(t) - 3)
            head_rows = t[:nh]
            first, rest = t[:k], t[k:]
            # spans that cross the cut are cut by the tool: the second table restarts them
            first = clip_spans(first)
            rest = restart_spans(t, k)
            page[0] += 1
            repeat = rnd.random() < 0.5
            second = (head_rows + rest) if repeat else rest
            out.append(html_table(first, rnd, style))
            out.append(footer(rnd, page[0]) if rnd.random() < 0.5 else "")
            out.append(html_table(second, rnd, style))
            notes.append(f"section 三 split at a page break (header repeated: {repeat})")
        else:
            out.append(html_table(t, rnd, style))
    return "\n\n".join(x for x in out if x)


def clip_spans(rows: Table) -> Table:
    n = len(rows)
    out = []
    for i, r in enumerate(rows):
        out.append([Cell(c.text, min(c.rs, n - i), c.cs, c.head) for c in r])
    return out


def restart_spans(t: Table, k: int) -> Table:
    """Rows k.. of t, with the cells whose rowspan crosses row k started again at row k."""
    g = []
    # find spanning cells that cover row k from above
    carry: list[tuple[int, Cell]] = []
    occupied: dict[tuple[int, int], Cell] = {}
    origin: dict[tuple[int, int], tuple[int, Cell]] = {}
    for r, row in enumerate(t):
        c = 0
        for cell in row:
            while (r, c) in occupied:
                c += 1
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    occupied[(r + dr, c + dc)] = cell
            origin[(r, c)] = (r, cell)
            c += cell.cs
    for (r, c), (_r0, cell) in origin.items():
        if r < k < r + cell.rs:
            carry.append((c, Cell(cell.text, r + cell.rs - k, cell.cs, cell.head)))
    for i, row in enumerate(t[k:]):
        if i == 0 and carry:
            # insert carried cells in column order: they are the leftmost label cells
            g.append([c for _, c in sorted(carry, key=lambda x: x[0])] + list(row))
        else:
            g.append(list(row))
    return g


def render_list_section(doc: Doc, section: str) -> str:
    """A table an LLM-based parser wrote as a list: one item per row, each cell named by its
    column; a blank cell left out of the item or written as a dash."""
    rnd = doc.rnd
    out = []
    sep = rnd.choice(["：", ": "])
    blank = rnd.choice(["", "", "—", "/"])

    def items(names: list[str], vals: list[str], join: str) -> str:
        return "，".join(f"{c}{join}{v or blank}" for c, v in zip(names, vals) if v or blank)

    if section == "s2":
        for head, cols, rows in doc.active_blocks():
            out.append(f"- **{head}**")
            for lab, vals in rows:
                out.append(f"  - {lab}{sep}{items(cols[1:], vals, sep)}")
    elif section == "s3":
        colnames = ["自然人"] + ORG + ["总计"]
        for l1, l2, l3, rid in request_rows(doc.split_other):
            lab = " ".join(x for x in (l1, l2, l3) if x)
            vals = [doc.val(f"requests.{rid}.{c}") for c in COLS]
            out.append(f"- {lab}{sep}{items(colnames, vals, ' ')}")
    else:
        for g, gl in zip(
            REVIEW_GROUPS, ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
        ):
            vals = [doc.val(f"reviews.{g}.{c}") for c in REVIEW_COLS]
            out.append(f"- {gl}{sep}{items(REVIEW_LABELS, vals, ' ')}")
    return "\n".join(out)


def _chunks(s: str, w: int) -> list[str]:
    return [s[i : i + w] for i in range(0, len(s), w)] or [""]


def plain_requests(doc: Doc, notes: list[str]) -> list[str]:
    """表三 as a PDF's text layer gives it line by line: each row's last label wrapped at its
    column's width, the numbers on the line the row's middle falls on (or a line of their
    own between two label lines), the merged group labels (三、本年度办理结果, （三）不予公开)
    wrapped narrow and their lines standing at the start of the rows around their group's
    middle. Blank cells leave nothing."""
    rnd = doc.rnd
    w3, w2, w1 = rnd.choice([10, 12, 14]), rnd.choice([4, 5, 6]), rnd.choice([2, 3, 4])
    between = rnd.random() < 0.5  # an even number of label lines: numbers on a line of their own
    notes.append(f"plain 表三: widths {w1}/{w2}/{w3}, numbers between label lines: {between}")
    rows = request_rows(doc.split_other)
    # per row: the lines of its own label and where its numbers go
    own: list[list[str]] = []
    for l1, l2, l3, rid in rows:
        lab = l3 or l2 or l1
        w = w3 if l3 else (w2 + w3 if l2 else w1 + w2 + w3)
        parts = _chunks(lab, w)
        nums = " ".join(v for v in (doc.val(f"requests.{rid}.{c}") for c in COLS) if v)
        n = len(parts)
        if n % 2 == 0 and between:
            parts.insert(n // 2, nums)
        else:
            k = (n - 1) // 2
            parts[k] = (parts[k] + " " + nums).strip()
        own.append(parts)
    # group labels: fragments at the first lines of the rows around the group's middle
    prefix: dict[int, list[str]] = {}
    for level, width in ((0, w1), (1, w2)):
        spans: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            if r[level + 1] and r[level]:
                spans.setdefault(r[level], []).append(i)
        for lab, idx in spans.items():
            frags = _chunks(lab, width)
            mid = idx[len(idx) // 2] - len(frags) // 2
            for j, f in enumerate(frags):
                at = min(max(mid + j, idx[0]), idx[-1])
                prefix.setdefault(at, []).append(f)
    out = []
    for i, parts in enumerate(own):
        pre = "".join(prefix.get(i, []))
        out.append((pre + " " + parts[0]).strip() if pre else parts[0])
        out += parts[1:]
    return out


def render_plain_section(doc: Doc, section: str, page: list[int], notes: list[str]) -> str:
    rnd = doc.rnd
    width = rnd.choice([8, 10, 12, 14])
    lines: list[str] = []
    if section == "s2":
        for t in doc.active_tables(rnd.random() < 0.5):
            lines += plain_rows(dense(t, "empty"), rnd, width)
    elif section == "s3":
        t, nh = doc.request_table("first", rnd.choice(["rows", "last"]))
        head = plain_rows(dense(t, "empty")[:nh], rnd, 60)
        rows = plain_requests(doc, notes)
        k = rnd.randint(6, len(rows) - 4)
        page[0] += 1
        brk = [footer(rnd, page[0])]
        if rnd.random() < 0.4:  # the next page's running header: the report's title
            brk.append(doc.title)
        lines += head + rows[:k] + brk + rows[k:]
    else:
        t, nh = doc.review_table(rnd.choice(["rows", "collapse", "last"]))
        g = dense(t, "empty")
        lines += plain_rows(g, rnd, 60)
    return "\n".join(lines)


# ----------------------------------------------------------------------------- driver
def golds() -> list[Path]:
    return gold_files()


def make(out: Path, seeds: int, shapes: list[str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for gp in golds():
        gold = json.loads(gp.read_text(encoding="utf-8"))
        stem = gp.name[: -len(".gold.json")]
        for shape in shapes:
            for seed in range(seeds):
                rnd = random.Random(f"{stem}/{shape}/{seed}")
                doc = Doc(gold, rnd)
                text, notes = render(doc, shape)
                name = f"{stem}.{shape}.{seed}"
                (out / f"{name}.md").write_text(text, encoding="utf-8")
                g = dict(gold)
                g["notes"] = (
                    f"blindmd shape {shape} seed {seed}: "
                    + "; ".join(notes)
                    + " | original: "
                    + str(gold.get("notes", ""))
                )
                (out / f"{name}.gold.json").write_text(
                    json.dumps(g, ensure_ascii=False, indent=1), encoding="utf-8"
                )
                made.append(out / f"{name}.md")
    return made


# findings that say the tool read a cell by inference or could not read it (its own limit);
# every other finding that names a wrongly read cell blames the report for the tool's error
LIMIT_RULES = frozenset(
    {
        "R-UNREAD",
        "R-CELL-COUNT",
        "R-DIGITS-SPLIT",
        "R-LABEL-TYPO",
        "R-LABEL-VARIANT",
        "R-LAYOUT-SHIFT",
        "R-HEADER-GARBLED",
        "R-TEXT-TRUNCATED",
        "R-OCR",
    }
)
MISSING_RULES = frozenset({"R-TABLE-MISSING", "R-ROW-MISSING"})
TABLES = ("active.", "active2019.", "requests.", "reviews.")


@dataclass
class Tally:
    cells: int = 0
    right: int = 0
    limit: int = 0  # wrong, named by a finding of the tool's limits
    accused: int = 0  # wrong, named only by findings that blame the report
    silent: int = 0  # wrong, named by nothing
    false: int = 0  # "missing" findings naming what the gold has

    def add(self, o: Tally) -> None:
        for f in ("cells", "right", "limit", "accused", "silent", "false"):
            setattr(self, f, getattr(self, f) + getattr(o, f))

    def line(self, name: str) -> str:
        return (
            f"{name:14s} {self.right:6d}/{self.cells:<6d} limit {self.limit:5d}  accused {self.accused:4d}"
            f"  silent {self.silent:4d}  false {self.false:3d}"
        )


def tally(gold: dict, out: dict | None) -> tuple[Tally, list[str]]:
    """Cells of one copy: right, named as the tool's limit, blamed on the report, silent."""
    t = Tally()
    blanks = set(gold.get("blank", []))
    keys = [k for k in gold if k.startswith(TABLES)]
    t.cells = len(keys)
    if out is None:
        t.silent = len(keys)
        return t, ["no output"]
    flat = flatten(
        {k: v for k, v in out.items() if k in ("active", "active2019", "requests", "reviews")}
    )
    findings = out.get("findings") or []
    bad = []
    for k in keys:
        g = None if k in blanks else gold[k]
        if k in flat and same(g, flat.get(k)):
            t.right += 1
            continue
        rules = {
            f.get("rule", "") for f in findings if any(covers(c, k) for c in f.get("cells") or [])
        }
        if rules & LIMIT_RULES:
            t.limit += 1
        elif rules - MISSING_RULES - {"R-SECTIONS"}:
            t.accused += 1
            bad.append(
                f"accused {k}: gold={g!r} got={flat.get(k, '<absent>')!r} by {sorted(rules)}"
            )
        else:
            t.silent += 1
            bad.append(f"silent {k}: gold={g!r} got={flat.get(k, '<absent>')!r}")
    for f in findings:
        if f.get("rule") in MISSING_RULES and any(
            covers(c, k) for c in f.get("cells") or [] for k in keys
        ):
            t.false += 1
            bad.append(f"false {f.get('rule')} {(f.get('cells') or [])[:3]}")
    return t, bad


def score(made: list[Path], shapes: list[str], src: str, show: int = 0) -> dict[str, Tally]:
    """Parse every copy in one run and tally per shape."""
    cmd = [sys.executable, "-m", "nianbao", "parse", "--format", "jsonl", *map(str, made)]
    env = dict(os.environ, PYTHONPATH=src)
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    outs = {}
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            o = json.loads(line)
            outs[os.path.realpath(o.get("source") or "")] = o
    per: dict[str, Tally] = {s: Tally() for s in shapes}
    for m in made:
        shape = m.name.split(".")[-3]
        gold = json.loads(m.with_suffix(".gold.json").read_text(encoding="utf-8"))
        t, bad = tally(gold, outs.get(os.path.realpath(m)))
        per[shape].add(t)
        if bad and show:
            print(f"{m.name}: " + "; ".join(bad[:show]))
    return per


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/h2-blindmd")
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--score", action="store_true", help="tally per shape (one parse run)")
    ap.add_argument(
        "--hooks", action="store_true", help="also run the shared score/silent hooks per shape"
    )
    ap.add_argument("--show", type=int, default=0)
    a = ap.parse_args()
    shapes = a.shapes.split(",")
    made = make(Path(a.out), a.seeds, shapes)
    print(f"{len(made)} copies in {a.out}")
    src = os.environ.get("NIANBAO_SRC", str(Path(__file__).resolve().parent.parent / "src"))
    if a.score:
        per = score(made, shapes, src, a.show)
        total = Tally()
        for shape in shapes:
            print(per[shape].line(shape))
            total.add(per[shape])
        print(total.line("ALL"))
    if a.hooks:
        cmd = f"env PYTHONPATH={src} {sys.executable} -m nianbao parse --format jsonl"
        for shape in shapes:
            docs = [str(p) for p in made if f".{shape}." in p.name]
            for hook in ("score.py", "silent.py"):
                p = subprocess.run(
                    [sys.executable, str(HOOKS / hook), "--show", "0", "--cmd", cmd, *docs],
                    capture_output=True,
                    text=True,
                )
                last = (p.stdout.strip().splitlines() or ["?"])[-1]
                print(f"{shape:14s} {hook:9s} {last}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
