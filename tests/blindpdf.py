"""Blind PDF shapes: every gold report rendered the way agencies' PDF producers write it.

Over 500 lines because one generator holds the document model, a small table layout engine
(spans, wraps, page breaks, repeated headers, split rows) and the producer knobs it is
varied by; split up, the knobs would have to be threaded through several modules.

Most real reports reach users as text PDFs a clerk made from a Word/WPS document (Word's own
export, WPS, 极速PDF, Adobe PDFMaker, a virtual "print to PDF" printer). This module renders
each gold (../shared/samples/**.gold.json) with reportlab into such PDFs, varying by shape
what those producers differ in: how table borders are drawn (thin filled rectangles per
cell edge, stroked segments, one rectangle per cell, 三线表, none, double frame, shading),
how text is emitted (per line, per word, per character, Latin digits in a second font),
content-stream order (labels first, column by column, shuffled), merged and vertical labels,
tables crossing pages (repeated header or not, a row split by the break), page headers and
footers, watermark and seal, landscape pages, scaled tables, small fonts, full-width digits,
blank vs "—"/"/". The gold is written beside each PDF unchanged.

usage: python -m tests.blindpdf --out DIR [--shapes a,b] [--golds 000,huaian]
Scoring: ../shared/hooks/score.py and silent.py on DIR/*.pdf, or ``score()`` in-process.
Needs reportlab (dev extra); fontTools is optional (without it the "embedded" shapes use
STSong-Light too).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .formlabels import ACTIVE_BLOCKS, DENIED, NOTE, OTHER, REJECTED, UNABLE
from .gold import gold_files

APPLICANTS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
REVIEW_FIELDS = ("upheld", "corrected", "other", "pending", "total")
REVIEW_GROUPS = ("reconsideration", "litigation_direct", "litigation_after")
REVIEW_WORDS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
FW = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


# ---------------------------------------------------------------- shapes
@dataclass
class Shape:
    name: str
    border: str = "stroke"  # fillrects stroke longlines cellrects threeline none
    double_outer: bool = False
    shading: bool = False
    text: str = "line"  # line word char
    latin: bool = False  # digits / ASCII in an embedded Latin TTF
    embedded: bool = False  # CJK in an embedded TrueType subset instead of STSong-Light
    order: str = "natural"  # natural borders_last labels_first column_major shuffled
    tsize: float = 10.5
    psize: float = 15.0
    num_align: str = "center"
    blank: str = ""  # "" or "—" or "/" or "mixed"
    fullwidth: bool = False
    thousands: bool = False
    vertical_groups: bool = False
    narrow_labels: bool = False
    landscape: bool = False  # tables 三 and 四 on a landscape page
    scale: float = 1.0
    split_rows: bool = False
    repeat_header: bool = False
    push_tables: bool = False  # start table 三 low on a page so it crosses the break
    footer: str = "dash"  # dash page none
    page_header: bool = False
    watermark: bool = False
    seal: bool = False
    fakebold: bool = False
    title_lines: int = 1
    rotated: bool = False  # landscape pages as portrait + /Rotate 90 + rotated content
    picture: bool = False  # table 三 pasted as a picture (raster image, no text)
    jitter: float = 0.0  # per-row column boundaries off by up to this many points
    tight: bool = False  # narrow data columns: long numbers wrap inside their cell
    flat_header: bool = False  # one header row 自然人 … 总计 (no 申请人情况 / 法人或其他组织)
    subtotal: bool = False  # an added 法人或其他组织 小计 column
    split_active: bool = False  # section 二 as four separate small tables
    rot_labels: bool = False  # vertical merged labels drawn as one rotated run
    valign_top: bool = False  # cell text at the top of its cell
    valign_bottom: bool = False  # numbers at the bottom of their cell
    distributed: bool = False  # one-line labels spread over the cell width (分散对齐)
    diagonal: bool = False  # a diagonal rule in the top-left header cell (斜线表头)
    gaps: float = 0.0  # rules stop short of their crossings by this many points
    tiles: bool = False  # a tiled text watermark drawn over every page
    no_tounicode: bool = False  # embedded fonts without /ToUnicode (text layer is garbage)
    rotate_flag: bool = True  # with rotated: False = sideways content, no /Rotate
    extra: dict[str, Any] = field(default_factory=dict)


SHAPES: dict[str, Shape] = {
    s.name: s
    for s in [
        Shape("word", border="fillrects", latin=True, footer="dash"),
        Shape("wps", border="stroke", text="char", footer="page", title_lines=2),
        Shape(
            "jisu",
            border="cellrects",
            text="word",
            embedded=True,
            order="borders_last",
            num_align="right",
            blank="—",
        ),
        Shape(
            "adobe",
            border="longlines",
            order="labels_first",
            shading=True,
            latin=True,
            vertical_groups=True,
        ),
        Shape(
            "printer",
            border="stroke",
            text="char",
            scale=0.86,
            order="shuffled",
            watermark=True,
            seal=True,
            fakebold=True,
            blank="/",
        ),
        Shape("threeline", border="threeline", num_align="right", thousands=True),
        Shape("borderless", border="none", text="word", num_align="right"),
        Shape(
            "pagebreak",
            border="fillrects",
            split_rows=True,
            repeat_header=True,
            push_tables=True,
            narrow_labels=True,
            page_header=True,
        ),
        Shape(
            "landscape",
            border="stroke",
            landscape=True,
            tsize=7.0,
            vertical_groups=True,
            narrow_labels=True,
            text="char",
        ),
        Shape(
            "doubleframe",
            border="stroke",
            double_outer=True,
            fullwidth=True,
            blank="mixed",
            order="column_major",
            embedded=True,
        ),
        Shape(
            "breaknorepeat",
            border="longlines",
            push_tables=True,
            page_header=True,
            footer="page",
            tsize=9.0,
            latin=True,
        ),
        Shape(
            "rotated",
            border="stroke",
            landscape=True,
            rotated=True,
            rot_labels=True,
            vertical_groups=True,
            text="word",
        ),
        Shape("picture", border="fillrects", picture=True),
        Shape(
            "jitter",
            border="stroke",
            jitter=3.0,
            valign_top=True,
            num_align="left",
            split_active=True,
            text="char",
        ),
        Shape("tight", border="cellrects", tight=True, subtotal=True, latin=True),
        Shape(
            "distributed",
            border="fillrects",
            distributed=True,
            diagonal=True,
            valign_bottom=True,
            latin=True,
            num_align="right",
        ),
        Shape("gaps", border="longlines", gaps=1.6, tiles=True, text="char"),
        Shape("garbled", border="stroke", embedded=True, latin=True, no_tounicode=True),
        Shape("sideways", border="stroke", landscape=True, rotated=True, rotate_flag=False),
        Shape(
            "flathead",
            border="fillrects",
            flat_header=True,
            subtotal=True,
            split_active=True,
            blank="—",
            rot_labels=True,
        ),
    ]
}


# ---------------------------------------------------------------- fonts
_FONTS: dict[str, str] = {}


def _embedded_cjk(chars: str) -> str | None:
    """An embedded TrueType CJK font: Noto CJK subset and converted CFF -> glyf (cached)."""
    import hashlib

    tag = hashlib.sha1(chars.encode("utf-8")).hexdigest()[:12]
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"blindpdf-cjk-{tag}.ttf"
    if not path.exists():
        try:
            from fontTools.pens.cu2quPen import Cu2QuPen
            from fontTools.pens.ttGlyphPen import TTGlyphPen
            from fontTools.subset import Options, Subsetter
            from fontTools.ttLib import TTFont as FTFont
            from fontTools.ttLib import newTable
        except ImportError:
            return None
        src = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
        if not src.exists():
            return None
        font = None
        for i in range(10):
            try:
                f = FTFont(str(src), fontNumber=i)
            except Exception:
                break
            if "SC" in str(f["name"].getDebugName(1)):
                font = f
                break
        if font is None:
            return None
        opts = Options()
        opts.desubroutinize = True
        opts.layout_features = []
        sub = Subsetter(opts)
        sub.populate(text=chars)
        sub.subset(font)
        order = font.getGlyphOrder()
        gs = font.getGlyphSet()
        glyf = newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = {}
        for name in order:
            pen = TTGlyphPen(gs)
            gs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyf[name] = pen.glyph()
        font["loca"] = newTable("loca")
        font["glyf"] = glyf
        del font["CFF "]
        for t in ("VORG", "GSUB", "GPOS", "GDEF", "BASE"):
            if t in font:
                del font[t]
        maxp = newTable("maxp")
        maxp.tableVersion = 0x00010000
        for k in ("maxZones",):
            setattr(maxp, k, 1)
        for k in (
            "maxTwilightPoints",
            "maxStorage",
            "maxFunctionDefs",
            "maxInstructionDefs",
            "maxStackElements",
            "maxSizeOfInstructions",
            "maxComponentElements",
        ):
            setattr(maxp, k, 0)
        font["maxp"] = maxp
        post = font["post"]
        post.formatType = 2.0
        post.extraNames = []
        post.mapping = {}
        post.glyphOrder = order
        font["head"].glyphDataFormat = 0
        font.sfntVersion = "\x00\x01\x00\x00"
        tmp = path.with_suffix(".tmp")
        font.save(str(tmp))
        tmp.replace(path)
    return str(path)


def fonts(sh: Shape, chars: str) -> tuple[str, str]:
    """(cjk font name, latin font name) registered with reportlab for this shape."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if "STSong-Light" not in _FONTS:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        _FONTS["STSong-Light"] = "STSong-Light"
    cjk = "STSong-Light"
    if sh.embedded:
        if "NotoSub" not in _FONTS:
            p = _embedded_cjk(chars)
            if p:
                try:
                    pdfmetrics.registerFont(TTFont("NotoSub", p))
                    _FONTS["NotoSub"] = p
                except Exception:
                    _FONTS["NotoSub"] = ""
            else:
                _FONTS["NotoSub"] = ""
        if _FONTS["NotoSub"]:
            cjk = "NotoSub"
    latin = cjk
    if sh.latin:
        lp = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"
        if os.path.exists(lp):
            if "LibSerif" not in _FONTS:
                pdfmetrics.registerFont(TTFont("LibSerif", lp))
                _FONTS["LibSerif"] = lp
            latin = "LibSerif"
    return cjk, latin


# ---------------------------------------------------------------- document model
@dataclass
class Cell:
    r: int
    c: int
    rs: int
    cs: int
    text: str
    role: str  # head label num
    vertical: bool = False


@dataclass
class Table:
    ncols: int
    widths: list[float]
    cells: list[Cell]
    nhead: int  # header rows (repeated on a new page when the shape says so)
    key: str


def fmt(v: Any, sh: Shape, rng: random.Random) -> str:
    if v is None:
        if sh.blank == "mixed":
            return rng.choice(["", "—", "/", ""])
        return sh.blank
    if isinstance(v, float) and not v.is_integer():
        s = f"{v:.6f}".rstrip("0").rstrip(".")
    else:
        n = int(v)
        s = f"{n:,}" if sh.thousands and abs(n) >= 1000 else str(n)
    return s.translate(FW) if sh.fullwidth else s


def active_table(g: dict, sh: Shape, rng: random.Random) -> list[Table]:
    cells: list[Cell] = []
    r = 0

    def v(k: str) -> str:
        return fmt(g.get(k), sh, rng)

    if sh.split_active:
        out = []
        for head, cols, rows in ACTIVE_BLOCKS:
            nc = 1 + len(cols)
            cs = [Cell(0, 0, 1, nc, head, "head"), Cell(1, 0, 1, 1, "信息内容", "head")]
            cs += [Cell(1, 1 + i, 1, 1, c, "head") for i, c in enumerate(cols)]
            for j, (label, key) in enumerate(rows):
                cs.append(Cell(2 + j, 0, 1, 1, label, "label"))
                if len(cols) == 3:
                    for i, f in enumerate(("issued", "repealed", "in_force")):
                        cs.append(Cell(2 + j, 1 + i, 1, 1, v(f"{key}.{f}"), "num"))
                else:
                    cs.append(Cell(2 + j, 1, 1, 1, v(key), "num"))
            wd = [0.31, 0.23, 0.23, 0.23] if nc == 4 else [0.4, 0.6]
            out.append(Table(nc, wd, cs, 0, "active"))
        return out
    for head, cols, rows in ACTIVE_BLOCKS:
        cells.append(Cell(r, 0, 1, 4, head, "head"))
        r += 1
        cells.append(Cell(r, 0, 1, 1, "信息内容", "head"))
        if len(cols) == 3:
            for i, c in enumerate(cols):
                cells.append(Cell(r, 1 + i, 1, 1, c, "head"))
        else:
            cells.append(Cell(r, 1, 1, 3, cols[0], "head"))
        r += 1
        for label, key in rows:
            cells.append(Cell(r, 0, 1, 1, label, "label"))
            if len(cols) == 3:
                for i, f in enumerate(("issued", "repealed", "in_force")):
                    cells.append(Cell(r, 1 + i, 1, 1, v(f"{key}.{f}"), "num"))
            else:
                cells.append(Cell(r, 1, 1, 3, v(key), "num"))
            r += 1
    return [Table(4, [0.31, 0.23, 0.23, 0.23], cells, 0, "active")]


def requests_table(g: dict, sh: Shape, rng: random.Random, mixed: bool) -> Table:
    org = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    sub = 1 if sh.subtotal else 0
    nd = 7 + sub
    if sh.flat_header:
        cells = [Cell(0, 0, 1, 3, "项目", "head"), Cell(0, 3, 1, 1, "自然人", "head")]
        for i, w in enumerate(org + (["小计"] if sub else []) + ["总计"]):
            cells.append(Cell(0, 4 + i, 1, 1, w, "head"))
        r = nhead = 1
    else:
        cells = [
            Cell(0, 0, 3, 3, NOTE, "head"),
            Cell(0, 3, 1, nd, "申请人情况", "head"),
            Cell(1, 3, 2, 1, "自然人", "head"),
            Cell(1, 4, 1, 5 + sub, "法人或其他组织", "head"),
            Cell(1, 9 + sub, 2, 1, "总计", "head"),
        ]
        for i, w in enumerate(org + (["小计"] if sub else [])):
            cells.append(Cell(2, 4 + i, 1, 1, w, "head"))
        r = nhead = 3

    def nums(row: int, rid: str) -> None:
        vals = [g.get(f"requests.{rid}.{a}") for a in APPLICANTS]
        if sub:
            part = [v for v in vals[1:6] if v is not None]
            vals.insert(6, sum(part) if part else None)
        for i, v in enumerate(vals):
            cells.append(Cell(row, 3 + i, 1, 1, fmt(v, sh, rng), "num"))

    for label, rid in [
        ("一、本年新收政府信息公开申请数量", "new"),
        ("二、上年结转政府信息公开申请数量", "carried_over"),
    ]:
        cells.append(Cell(r, 0, 1, 3, label, "label"))
        nums(r, rid)
        r += 1
    start = r
    for label, rid in [
        ("（一）予以公开", "granted"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
    ]:
        cells.append(Cell(r, 1, 1, 2, label, "label"))
        nums(r, rid)
        r += 1
    groups = [
        ("（三）不予公开", "denied", DENIED),
        ("（四）无法提供", "unable", UNABLE),
        ("（五）不予处理", "rejected", REJECTED),
    ]
    if not mixed:
        groups.append(("（六）其他处理", "other", OTHER))
    for glabel, gid, items in groups:
        cells.append(Cell(r, 1, len(items), 1, glabel, "label", sh.vertical_groups))
        for label, iid in items:
            cells.append(Cell(r, 2, 1, 1, label, "label"))
            nums(r, f"{gid}.{iid}")
            r += 1
    if mixed:
        cells.append(Cell(r, 1, 1, 2, "（六）其他处理", "label"))
        nums(r, "other")
        r += 1
    cells.append(Cell(r, 1, 1, 2, "（七）总计", "label"))
    nums(r, "processed_total")
    r += 1
    cells.append(Cell(start, 0, r - start, 1, "三、本年度办理结果", "label", True))
    cells.append(Cell(r, 0, 1, 3, "四、结转下年度继续办理", "label"))
    nums(r, "carried_forward")
    if sh.tight:
        lab = [0.07, 0.13, 0.80 - 0.05 * nd]
    elif sh.narrow_labels:
        lab = [0.05, 0.07, 0.15]
    else:
        lab = [0.07, 0.10, 0.24]
    w = lab + [(1 - sum(lab)) / nd] * nd
    return Table(3 + nd, w, cells, nhead, "requests")


def reviews_table(g: dict, sh: Shape, rng: random.Random) -> Table:
    cells = [Cell(0, 0, 1, 5, "行政复议", "head"), Cell(0, 5, 1, 10, "行政诉讼", "head")]
    for i, w in enumerate(REVIEW_WORDS):
        cells.append(Cell(1, i, 2, 1, w, "head"))
    cells.append(Cell(1, 5, 1, 5, "未经复议直接起诉", "head"))
    cells.append(Cell(1, 10, 1, 5, "复议后起诉", "head"))
    for k in range(2):
        for i, w in enumerate(REVIEW_WORDS):
            cells.append(Cell(2, 5 + 5 * k + i, 1, 1, w, "head"))
    for gi, grp in enumerate(REVIEW_GROUPS):
        for fi, f in enumerate(REVIEW_FIELDS):
            cells.append(
                Cell(3, gi * 5 + fi, 1, 1, fmt(g.get(f"reviews.{grp}.{f}"), sh, rng), "num")
            )
    return Table(15, [1 / 15] * 15, cells, 3, "reviews")


PROSE = [
    "{y}年，{a}认真贯彻落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，"
    "坚持以公开为常态、不公开为例外，持续深化决策、执行、管理、服务、结果公开，"
    "不断提升政务公开标准化规范化水平，切实保障人民群众的知情权、参与权、表达权和监督权。",
    "（一）主动公开。围绕中心工作，及时公开政策文件、规划计划、财政预决算、重大建设项目等信息，"
    "加强政策解读和回应关切，做好重点领域信息公开工作。",
    "（二）依申请公开。严格落实依申请公开工作规范，畅通申请渠道，规范受理、办理、答复等环节，"
    "依法依规按时答复。",
    "（三）政府信息管理。严格执行公文公开属性源头认定和发布前保密审查制度，动态更新政府信息公开指南。",
    "（四）平台建设。持续优化政府门户网站政府信息公开专栏，加强政务新媒体管理。",
    "（五）监督保障。将政务公开工作纳入年度考核，加强培训和督促检查。",
]
CLOSING = [
    "本报告由{a}编制，报告中所列数据的统计期限为{y}年1月1日至{y}年12月31日。"
    "如对本报告有疑问，请与{a}政务公开工作机构联系。",
]


def blocks_for(g: dict, stem: str, sh: Shape, rng: random.Random) -> list[tuple[str, Any]]:
    year = g.get("meta.year") or 2023
    title = g.get("meta.title") or f"沭阳县人民政府{year}年政府信息公开工作年度报告"
    agency = g.get("meta.agency") or "沭阳县人民政府"
    mixed = any(k.startswith("requests.other.") and k.count(".") == 2 for k in g)
    out: list[tuple[str, Any]] = []
    m = re.search(r"\d{4}年", title)
    if sh.title_lines == 2 and m:
        a, b = title[: m.start()], title[m.start() :]
        out += [("title", a or b[:-4]), ("title", b if a else b[-4:])]
    else:
        out.append(("title", title))
    out.append(
        (
            "para",
            f"根据《中华人民共和国政府信息公开条例》规定，现公布{agency}{year}年政府信息公开工作年度报告。",
        )
    )
    out.append(("heading", "一、总体情况"))
    n = rng.randint(2, len(PROSE))
    for p in PROSE[:n]:
        out.append(("para", p.format(y=year, a=agency)))
    out.append(("heading", "二、主动公开政府信息情况"))
    out += [("table", t) for t in active_table(g, sh, rng)]
    out.append(("heading", "三、收到和处理政府信息公开申请情况"))
    out.append(("table", requests_table(g, sh, rng, mixed)))
    out.append(("heading", "四、政府信息公开行政复议、行政诉讼情况"))
    out.append(("table", reviews_table(g, sh, rng)))
    out.append(("heading", "五、存在的主要问题及改进情况"))
    out.append(
        (
            "para",
            "一是公开内容的全面性和及时性有待提升；二是政策解读形式还不够丰富。"
            "下一步，我们将进一步加强培训，完善制度，提升政务公开质量。",
        )
    )
    out.append(("heading", "六、其他需要报告的事项"))
    out.append(("para", "本年度未收取信息处理费。"))
    out += [("para", c.format(y=year, a=agency)) for c in CLOSING]
    out.append(("sign", agency))
    return out


# ---------------------------------------------------------------- rendering
Op = tuple  # ("text", x, y, s, size, role, color, render) | ("line", ...) | ("rect", ...)


class Renderer:
    def __init__(self, path: Path, sh: Shape, rng: random.Random, chars: str) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase.pdfmetrics import stringWidth
        from reportlab.pdfgen import canvas

        self.sh, self.rng = sh, rng
        self.sw = stringWidth
        self.cjk, self.latin = fonts(sh, chars)
        self.c = canvas.Canvas(str(path), pagesize=A4, pageCompression=rng.choice([0, 1]))
        self.c.setCreator(
            {
                "word": "Microsoft® Word 2016",
                "wps": "WPS Office",
                "jisu": "极速PDF",
                "adobe": "Acrobat PDFMaker 11 for Word",
            }.get(sh.name, "Microsoft: Print To PDF")
        )
        self.portrait = A4
        self.pagesize = A4
        self.pages: list[list[Op]] = []
        self.sizes: list[tuple[float, float]] = []
        self.new_page(A4)

    # -- page & flow
    def new_page(self, size: tuple[float, float]) -> None:
        self.pages.append([])
        self.sizes.append(size)
        self.pagesize = size
        self.top = size[1] - 72
        self.bottom = 72
        self.left = 80.0
        self.right = size[0] - 80
        self.y = self.top

    def width(self, s: str, size: float) -> float:
        w = 0.0
        for ch in s:
            f = self.latin if ord(ch) < 128 else self.cjk
            w += self.sw(ch, f, size)
        return w

    def wrap(self, s: str, size: float, width: float) -> list[str]:
        lines, cur, w = [], "", 0.0
        for ch in s:
            cw = self.width(ch, size)
            if cur and w + cw > width:
                lines.append(cur)
                cur, w = "", 0.0
            cur += ch
            w += cw
        if cur or not lines:
            lines.append(cur)
        return lines

    def text(
        self, x: float, y: float, s: str, size: float, role: str = "prose", color: tuple = (0, 0, 0)
    ) -> None:
        if s:
            self.pages[-1].append(("text", x, y, s, size, role, color))

    def flow_lines(
        self,
        lines: list[str],
        size: float,
        lead: float,
        x0: float,
        center: bool = False,
        indent: float = 0.0,
        role: str = "prose",
    ) -> None:
        for i, ln in enumerate(lines):
            if self.y - lead < self.bottom:
                self.new_page(self.portrait)
            self.y -= lead
            x = x0 + (indent if i == 0 else 0)
            if center:
                x = (self.pagesize[0] - self.width(ln, size)) / 2
            self.text(x, self.y, ln, size, role)
            if role in ("heading", "title") and self.sh.fakebold:
                self.text(x + 0.35, self.y, ln, size, role)

    def block(self, kind: str, val: Any) -> None:
        sh = self.sh
        if kind in ("para", "sign", "title") and self.pagesize[0] > self.pagesize[1]:
            self.new_page(self.portrait)
        if kind == "title":
            self.flow_lines([val], 20, 32, self.left, center=True, role="title")
        elif kind == "heading":
            if sh.push_tables and val.startswith("三"):
                room = (self.top - self.bottom) * self.rng.uniform(0.25, 0.42)
                if self.y - self.bottom > room:
                    self.y = self.bottom + room
            if self.y - 3 * sh.psize < self.bottom:
                self.new_page(self.portrait)
            self.y -= 6
            self.flow_lines(
                [val], sh.psize, sh.psize * 1.7, self.left + 2 * sh.psize, role="heading"
            )
        elif kind == "para":
            w = self.right - self.left
            first = self.wrap(val, sh.psize, w - 2 * sh.psize)
            rest = self.wrap(val[len(first[0]) :], sh.psize, w) if len(first) > 1 else []
            self.flow_lines(
                [first[0]] + rest, sh.psize, sh.psize * 1.65, self.left, indent=2 * sh.psize
            )
        elif kind == "sign":
            self.y -= 20
            self.flow_lines([val], sh.psize, sh.psize * 1.7, self.right - self.width(val, sh.psize))
            if sh.seal:
                self.pages[-1].append(("seal", self.right - 70, self.y + 4, 42))
        elif kind == "table":
            self.table(val)

    # -- tables
    def table(self, t: Table) -> None:
        sh = self.sh
        ts = sh.tsize
        land = sh.landscape and t.key in ("requests", "reviews")
        if land and self.pagesize[0] < self.pagesize[1]:
            self.new_page((self.portrait[1], self.portrait[0]))
        elif not land and self.pagesize[0] > self.pagesize[1]:
            self.new_page(self.portrait)
        tw = self.pagesize[0] - (100 if t.key != "active" else 160)
        x0 = (self.pagesize[0] - tw) / 2
        self.y -= 8
        xs = [x0]
        for w in t.widths:
            xs.append(xs[-1] + w * tw)
        pad, lead = 2.5, ts * 1.3
        nrows = max(c.r + c.rs for c in t.cells)
        lines: dict[int, list[str]] = {}
        for i, c in enumerate(t.cells):
            w = xs[c.c + c.cs] - xs[c.c] - 2 * pad
            lines[i] = list(c.text) if c.vertical else self.wrap(c.text, ts, w)
        h = [ts * 1.9] * nrows
        for i, c in enumerate(t.cells):
            if c.rs == 1:
                h[c.r] = max(h[c.r], len(lines[i]) * lead + 2 * pad + 2)
        for i, c in enumerate(t.cells):
            if c.rs > 1:
                need = len(lines[i]) * lead + 2 * pad + 2
                have = sum(h[c.r : c.r + c.rs])
                if need > have:
                    for r in range(c.r, c.r + c.rs):
                        h[r] += (need - have) / c.rs
        # place rows on pages: frags[r] = list of (page, ytop, ybot, line_from, line_to)
        placed: list[tuple[int, int, float, float, float]] = []  # (row, page, ytop, ybot, part)
        scale = sh.scale
        r = 0
        while r < nrows:
            hr = h[r] * scale
            if self.y - hr < self.bottom:
                room = self.y - self.bottom
                if (
                    sh.split_rows
                    and r >= t.nhead
                    and room > 2 * lead * scale
                    and h[r] > 3 * lead
                    and room < hr
                ):
                    placed.append((r, len(self.pages) - 1, self.y, self.bottom, room / hr))
                    self.new_page(self.pagesize)
                    if sh.repeat_header and t.nhead:
                        self._header_rows(t, h, placed)
                    placed.append((r, len(self.pages) - 1, self.y, self.y - (hr - room), -1.0))
                    self.y -= hr - room
                    r += 1
                    continue
                self.new_page(self.pagesize)
                if sh.repeat_header and t.nhead and r >= t.nhead:
                    self._header_rows(t, h, placed)
            placed.append((r, len(self.pages) - 1, self.y, self.y - hr, 1.0))
            self.y -= hr
            r += 1
        self._draw_table(t, xs, lines, placed, pad, lead, ts)
        self.y -= 10

    def _header_rows(self, t: Table, h: list[float], placed: list) -> None:
        for r in range(t.nhead):
            hr = h[r] * self.sh.scale
            placed.append((r, len(self.pages) - 1, self.y, self.y - hr, 1.0))
            self.y -= hr

    def _draw_table(
        self,
        t: Table,
        xs: list[float],
        lines: dict[int, list[str]],
        placed: list,
        pad: float,
        lead: float,
        ts: float,
    ) -> None:
        sh = self.sh
        s = sh.scale
        cx = xs[0]

        def X(x: float) -> float:  # scale around the table's left edge
            return cx + (x - cx) * s

        best: dict[int, int] = {}
        for i, c in enumerate(t.cells):
            if c.rs > 1 and c.r >= t.nhead:
                hs: dict[int, float] = {}
                for row, page, yt, yb, _ in placed:
                    if c.r <= row < c.r + c.rs and not (row < t.nhead and c.r >= t.nhead):
                        hs[page] = hs.get(page, 0.0) + yt - yb
                best[i] = max(hs, key=lambda p: hs[p])
        nrows = max(c.r + c.rs for c in t.cells)
        jit = [
            [0.0] + [self.rng.uniform(-sh.jitter, sh.jitter) for _ in xs[1:-1]] + [0.0]
            for _ in range(nrows)
        ]
        bypage: dict[int, list] = {}
        for row, page, yt, yb, part in placed:
            bypage.setdefault(page, []).append((row, yt, yb, part))
        for page, boxes in bypage.items():
            ops = self.pages[page]
            segs: list[tuple[float, float, float, float]] = []
            texts: list[Op] = []
            fills: list[Op] = []
            rowbox: dict[int, list[tuple[float, float, float]]] = {}
            for row, yt, yb, part in boxes:
                rowbox.setdefault(row, []).append((yt, yb, part))
            for i, c in enumerate(t.cells):
                spans = [rowbox[r] for r in range(c.r, c.r + c.rs) if r in rowbox]
                if not spans:
                    continue
                # one fragment per run of consecutive rows present on this page
                yt = max(b[0] for sp in spans for b in sp)
                yb = min(b[1] for sp in spans for b in sp)
                if c.rs == 1 and len(spans[0]) > 1:  # header repeated on page of the same row
                    yt, yb = spans[0][0][0], spans[0][0][1]
                x1, x2 = X(xs[c.c] + jit[c.r][c.c]), X(xs[c.c + c.cs] + jit[c.r][c.c + c.cs])
                if c.role == "head" and sh.shading:
                    fills.append(("rect", x1, yb, x2 - x1, yt - yb, (0.85, 0.85, 0.85), "fill"))
                segs += [(x1, yt, x2, yt), (x1, yb, x2, yb), (x1, yb, x1, yt), (x2, yb, x2, yt)]
                # text: which part of the lines belongs to this fragment
                ls = lines[i]
                part = spans[0][0][2] if c.rs == 1 else 1.0
                if c.rs > 1 and best.get(i, page) != page:
                    ls = []  # a merged cell split by a page break: text in its largest part
                elif part < 0:  # second half of a split row: remaining label lines
                    prev = [pt for (rw, _pg, _, _, pt) in placed if rw == c.r and pt > 0 and pt < 1]
                    k = max(1, int(len(ls) * prev[0])) if prev else len(ls)
                    ls = ls[k:] if c.role == "label" else []
                elif 0 < part < 1:
                    k = max(1, int(len(ls) * part))
                    ls = ls[:k]
                lh = lead * s
                size = ts * s
                total = len(ls) * lh
                if c.vertical and sh.rot_labels and ls:
                    run = "".join(ls)
                    yt0 = (yt + yb) / 2 + self.width(run, size) / 2
                    texts.append(("rtext", (x1 + x2) / 2 - size * 0.45, yt0, run, size, c.role))
                    continue
                if sh.valign_top and part >= 1:
                    ytext = yt - pad * s
                elif sh.valign_bottom and c.role == "num" and part >= 1:
                    ytext = yb + pad * s + total
                elif sh.border == "none" or c.role == "num" or part >= 1:
                    ytext = (yt + yb) / 2 + total / 2
                else:
                    ytext = yt - pad * s
                for j, ln in enumerate(ls):
                    yy = ytext - (j + 1) * lh + (lh - size) / 2 + size * 0.12
                    w = self.width(ln, size)
                    align = (
                        sh.num_align
                        if c.role == "num"
                        else (
                            "center"
                            if c.role == "head"
                            or c.vertical
                            or len(ls) == 1
                            and c.cs > 1
                            and c.c > 0
                            else "left"
                        )
                    )
                    if (
                        sh.distributed
                        and c.role == "label"
                        and len(ls) == 1
                        and len(ln) > 2
                        and not c.vertical
                    ):
                        gap = (x2 - x1 - 2 * pad * s - w) / (len(ln) - 1)
                        xx = x1 + pad * s
                        for ch in ln:
                            texts.append(("text", xx, yy, ch, size, c.role, (0, 0, 0)))
                            xx += self.width(ch, size) + gap
                        continue
                    if align == "left":
                        xx = x1 + pad * s
                    elif align == "right":
                        xx = x2 - pad * s - w
                    else:
                        xx = (x1 + x2 - w) / 2
                    texts.append(("text", xx, yy, ln, size, c.role, (0, 0, 0)))
            mine = fills + self._borders(segs, t, bypage[page]) + texts
            if sh.diagonal and 0 in rowbox and t.key == "requests":
                c0 = t.cells[0]
                hy = [b for r in range(c0.rs) for b in rowbox.get(r, [])]
                mine.append(
                    (
                        "line",
                        X(xs[0]),
                        max(b[0] for b in hy),
                        X(xs[c0.cs]),
                        min(b[1] for b in hy),
                        0.5,
                    )
                )
            if sh.picture and t.key == "requests":
                mine = [self._picture(mine, segs)]
            ops += mine

    def _picture(self, ops: list[Op], segs: list) -> Op:
        """The table as a pasted picture: rasterised, no text layer."""
        from PIL import Image, ImageDraw, ImageFont

        z = 2.0
        bx0 = min(sg[0] for sg in segs) - 2
        bx1 = max(sg[2] for sg in segs) + 2
        by0 = min(sg[1] for sg in segs) - 2
        by1 = max(sg[3] for sg in segs) + 2
        im = Image.new("RGB", (int((bx1 - bx0) * z), int((by1 - by0) * z)), "white")
        d = ImageDraw.Draw(im)
        fonts: dict[float, Any] = {}
        for op in ops:
            if op[0] == "line":
                _, xa, ya, xb, yb, lw = op
                d.line(
                    [((xa - bx0) * z, (by1 - ya) * z), ((xb - bx0) * z, (by1 - yb) * z)],
                    fill="black",
                    width=max(1, int(lw * z)),
                )
            elif op[0] == "rect":
                _, x, y, w, h, col, mode = op[:7]
                box = [(x - bx0) * z, (by1 - y - h) * z, (x + w - bx0) * z, (by1 - y) * z]
                if mode == "fill":
                    d.rectangle(box, fill=tuple(int(255 * v) for v in col))
                else:
                    d.rectangle(box, outline="black", width=1)
            elif op[0] == "text":
                _, x, y, txt, size = op[:5]
                if size not in fonts:
                    fonts[size] = ImageFont.truetype(
                        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
                        int(size * z),
                        index=2,
                    )
                d.text(
                    ((x - bx0) * z, (by1 - y) * z), txt, fill="black", font=fonts[size], anchor="ls"
                )
        return ("image", bx0, by0, bx1 - bx0, by1 - by0, im)

    def _borders(self, segs: list, t: Table, boxes: list) -> list[Op]:
        sh = self.sh
        out: list[Op] = []
        if sh.border == "none":
            return out
        xsx = [min(s[0] for s in segs), max(s[2] for s in segs)]
        ytop = max(s[1] for s in segs)
        ybot = min(s[1] for s in segs)
        if sh.border == "threeline":
            head_rows = [b for b in boxes if b[0] < t.nhead]
            out.append(("line", xsx[0], ytop, xsx[1], ytop, 1.5))
            if head_rows:
                yh = min(b[2] for b in head_rows)
                out.append(("line", xsx[0], yh, xsx[1], yh, 0.75))
            out.append(("line", xsx[0], ybot, xsx[1], ybot, 1.5))
            return out
        lw = self.rng.choice([0.5, 0.75, 0.48])
        if sh.border == "cellrects":
            done = set()
            for i in range(0, len(segs), 4):
                x1, yt, x2, _ = segs[i]
                yb = segs[i + 1][1]
                k = (round(x1, 1), round(yt, 1), round(x2, 1), round(yb, 1))
                if k not in done:
                    done.add(k)
                    out.append(("rect", x1, yb, x2 - x1, yt - yb, (0, 0, 0), "stroke", lw))
        elif sh.border == "fillrects":
            for x1, y1, x2, y2 in segs:  # each cell draws its own edges, duplicates included
                if y1 == y2:
                    out.append(
                        ("rect", x1 - lw / 2, y1 - lw / 2, x2 - x1 + lw, lw, (0, 0, 0), "fill")
                    )
                else:
                    out.append(("rect", x1 - lw / 2, y1, lw, y2 - y1, (0, 0, 0), "fill"))
        else:
            uniq = sorted({tuple(round(v, 2) for v in s) for s in segs})
            if sh.border == "longlines":
                uniq = _merge(uniq)
            g = sh.gaps
            for x1, y1, x2, y2 in uniq:
                if y1 == y2:
                    out.append(("line", x1 + g, y1, x2 - g, y2, lw))
                else:
                    out.append(("line", x1, y1 + g, x2, y2 - g, lw))
        if sh.double_outer:
            d = 2.2
            out.append(
                (
                    "rect",
                    xsx[0] - d,
                    ybot - d,
                    xsx[1] - xsx[0] + 2 * d,
                    ytop - ybot + 2 * d,
                    (0, 0, 0),
                    "stroke",
                    0.5,
                )
            )
        return out

    # -- output
    def finish(self) -> None:
        c, sh = self.c, self.sh
        n = len(self.pages)
        for pi, (ops, size) in enumerate(zip(self.pages, self.sizes)):
            rot = sh.rotated and size[0] > size[1]
            c.setPageSize(size)  # reportlab swaps the box itself for /Rotate 90
            c.setPageRotation(0)
            if rot:  # a virtual printer's landscape page: portrait box, /Rotate 90
                if sh.rotate_flag:
                    c.setPageRotation(90)
                else:
                    c.setPageSize(self.portrait)
                c.saveState()
                c.translate(self.portrait[0], 0)
                c.rotate(90)
            if sh.watermark and pi % 2 == 0:
                self._watermark(size)
            if sh.page_header:
                c.setFont(self.cjk, 9)
                c.drawCentredString(size[0] / 2, size[1] - 45, "政府信息公开工作年度报告")
                c.setLineWidth(0.5)
                c.line(80, size[1] - 50, size[0] - 80, size[1] - 50)
            ops = self._order(ops)
            for op in ops:
                self._emit(op)
            if sh.footer != "none":
                s = f"— {pi + 1} —" if sh.footer == "dash" else f"第{pi + 1}页 共{n}页"
                c.setFont(self.cjk, 10.5)
                c.drawCentredString(size[0] / 2, 40, s)
            if sh.tiles:
                c.saveState()
                c.setFillColorRGB(0.8, 0.8, 0.8)
                c.setFont(self.cjk, 26)
                for ty in range(120, int(size[1]), 260):
                    for tx in range(90, int(size[0]), 240):
                        c.saveState()
                        c.translate(tx, ty)
                        c.rotate(30)
                        c.drawString(0, 0, "政务公开")
                        c.restoreState()
                c.restoreState()
            if rot:
                c.restoreState()
            c.showPage()
        c.save()

    def _order(self, ops: list[Op]) -> list[Op]:
        o = self.sh.order
        if o == "natural":
            return ops
        texts = [p for p in ops if p[0] == "text"]
        other = [p for p in ops if p[0] != "text"]
        if o == "borders_last":
            return texts + other
        if o == "labels_first":
            return [p for p in texts if p[5] != "num"] + [p for p in texts if p[5] == "num"] + other
        if o == "column_major":
            tab = [p for p in texts if p[5] in ("num", "label", "head")]
            prose = [p for p in texts if p[5] not in ("num", "label", "head")]
            return other + prose + sorted(tab, key=lambda p: (round(p[1] / 4), -p[2]))
        texts = texts[:]
        self.rng.shuffle(texts)
        return other[: len(other) // 2] + texts + other[len(other) // 2 :]

    def _emit(self, op: Op) -> None:
        c = self.c
        if op[0] == "line":
            _, x1, y1, x2, y2, lw = op
            c.setLineWidth(lw)
            c.setStrokeColorRGB(0, 0, 0)
            c.line(x1, y1, x2, y2)
        elif op[0] == "rect":
            _, x, y, w, h, col, mode = op[:7]
            if mode == "fill":
                c.setFillColorRGB(*col)
                c.rect(x, y, w, h, stroke=0, fill=1)
                c.setFillColorRGB(0, 0, 0)
            else:
                c.setLineWidth(op[7])
                c.rect(x, y, w, h, stroke=1, fill=0)
        elif op[0] == "rtext":
            _, x, y, txt, size, _role = op
            c.saveState()
            c.translate(x, y)
            c.rotate(-90)
            self._run(0, 0, txt, size)
            c.restoreState()
        elif op[0] == "image":
            from reportlab.lib.utils import ImageReader

            _, x, y, w, h, im = op
            c.drawImage(ImageReader(im), x, y, w, h)
        elif op[0] == "seal":
            _, x, y, rad = op
            c.saveState()
            c.setStrokeColorRGB(0.85, 0.1, 0.1)
            c.setFillColorRGB(0.85, 0.1, 0.1)
            c.setLineWidth(2.2)
            c.circle(x, y, rad, stroke=1, fill=0)
            p = c.beginPath()
            for k in range(10):
                a = math.pi / 2 + k * math.pi / 5
                rr = rad * (0.32 if k % 2 == 0 else 0.13)
                (p.moveTo if k == 0 else p.lineTo)(x + rr * math.cos(a), y + rr * math.sin(a))
            p.close()
            c.drawPath(p, stroke=0, fill=1)
            c.restoreState()
        elif op[0] == "text":
            _, x, y, s, size, role, col = op
            mode = self.sh.text
            if mode == "char":
                toks = list(s)
            elif mode == "word":
                toks = (
                    re.findall(r"[0-9０-９.,．，]+|[A-Za-z]+|.", s)
                    if role != "prose"
                    else re.findall(r".{1,6}", s)
                )
            else:
                toks = [s]
            xx = x
            for tk in toks:
                self._run(xx, y, tk, size)
                xx += self.width(tk, size)

    def _run(self, x: float, y: float, s: str, size: float) -> None:
        """Draw s, switching to the Latin font for ASCII when the shape mixes fonts."""
        c = self.c
        for m in re.finditer(r"[\x00-\x7f]+|[^\x00-\x7f]+", s):
            part = m.group()
            f = self.latin if ord(part[0]) < 128 else self.cjk
            c.setFont(f, size)
            c.drawString(x, y, part)
            x += self.width(part, size)

    def _watermark(self, size: tuple[float, float]) -> None:
        c = self.c
        c.saveState()
        c.setFillColorRGB(0.88, 0.88, 0.88)
        c.translate(size[0] / 2, size[1] / 2)
        c.rotate(35)
        c.setFont(self.cjk, 46)
        c.drawCentredString(0, 0, "政务公开")
        c.restoreState()


def _merge(segs: list) -> list:
    """Join collinear touching segments into long rules (how many producers draw grids)."""
    out: list = []
    hs = sorted((s for s in segs if s[1] == s[3]), key=lambda s: (s[1], s[0]))
    vs = sorted((s for s in segs if s[0] == s[2]), key=lambda s: (s[0], s[1]))
    for group, horiz in ((hs, True), (vs, False)):
        cur = None
        for s in group:
            if cur is None:
                cur = list(s)
                continue
            if horiz and s[1] == cur[1] and s[0] <= cur[2] + 0.5:
                cur[2] = max(cur[2], s[2])
            elif not horiz and s[0] == cur[0] and s[1] <= cur[3] + 0.5:
                cur[3] = max(cur[3], s[3])
            else:
                out.append(tuple(cur))
                cur = list(s)
        if cur:
            out.append(tuple(cur))
    return out


# ---------------------------------------------------------------- driver
def golds(names: list[str] | None = None) -> list[Path]:
    out = gold_files()
    if names:
        out = [p for p in out if any(p.name.startswith(n) for n in names)]
    return out


def _chars(gs: list[dict]) -> str:
    pool = (
        "".join(PROSE + CLOSING)
        + NOTE
        + "".join(str(v) for g in gs for v in g.values() if isinstance(v, str))
    )
    for lst in (DENIED, UNABLE, REJECTED, OTHER):
        pool += "".join(label for label, _ in lst)
    pool += (
        "一二三四五六七八九十、（）：；，。“”—／/0123456789０１２３４５６７８９．，"
        "本年新收上结转政府信息公开申请数量度办理结果予以部分区分处的只计这一情形不其他"
        "总下继续申请人况自然法或组织商业企科研机构社会益律服务行复议诉讼维持纠正尚未审"
        "直接起后第二十条项规章制发件废止现行有效范性文许可处罚强收费金额单位万元事内容"
        "主动存在的要问题及改进需报告项共页沭阳县人民府政务"
    )
    return "".join(sorted(set(pool)))


def render(gold_path: Path, shape: str, out_dir: Path, seed: int = 0) -> Path:
    g = json.loads(gold_path.read_text(encoding="utf-8"))
    sh = SHAPES[shape]
    stem = gold_path.name[: -len(".gold.json")]
    rng = random.Random(f"{stem}|{shape}|{seed}")
    out = out_dir / f"{stem}__{shape}.pdf"
    r = Renderer(out, sh, rng, _chars([g]) if not sh.embedded else _ALL_CHARS())
    for kind, val in blocks_for(g, stem, sh, rng):
        r.block(kind, val)
    r.finish()
    if sh.no_tounicode:  # same length, so the xref offsets stay valid
        out.write_bytes(out.read_bytes().replace(b"/ToUnicode", b"/NoUnicode"))
    (out_dir / f"{stem}__{shape}.gold.json").write_text(
        json.dumps(g, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return out


def _ALL_CHARS() -> str:
    return _chars([json.loads(p.read_text(encoding="utf-8")) for p in golds()])


def generate(
    out_dir: Path, gold_names: list[str] | None = None, shapes: list[str] | None = None
) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return [render(gp, s, out_dir) for gp in golds(gold_names) for s in (shapes or list(SHAPES))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--shapes", default="")
    ap.add_argument("--golds", default="")
    a = ap.parse_args()
    paths = generate(
        Path(a.out),
        [x for x in a.golds.split(",") if x] or None,
        [x for x in a.shapes.split(",") if x] or None,
    )
    print(f"{len(paths)} PDFs in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
