"""Blind OCR/AI transcriptions of the gold reports (a generator and its scorer).

Written before reading the reader's code: every gold report (shared/samples and
shared/samples/peer) is laid out as the national form prescribes, then written out the way
the tools people use on scans and pictures write it:

* ``phone_lines`` -- phone OCR / WeChat 提取文字, one cell per line in reading order; blank
  cells vanish; long labels wrap onto a second line.
* ``phone_rows`` -- the same apps in "row" mode: a row per line, cells separated by spaces;
  a wrapped label's tail lands on the line after the numbers; merged labels (三、本年度办理
  结果, （三）不予公开) read once, at the height of the middle of the rows they span; or each
  row's label and numbers on lines of their own, the numbers first or last for the whole
  copy.
* ``tesseract`` -- Tesseract text: spaces between CJK characters, 0/O/o/〇 and 1/l/I
  confusions in numbers, header rows broken, now and then a digit misread.
* ``api_table`` -- 百度/腾讯/阿里 OCR table output flattened to tab-separated rows: every
  merged cell repeated in each position it spans (or left empty), blank cells kept.
* ``abbyy`` -- ABBYY/汉王 text export: fixed-width columns padded with spaces (places counted
  in characters, or in display width with a CJK character two), labels wrapped inside their
  column on continuation lines, a merged header word running on over its empty neighbours.
* ``paddle`` -- PaddleOCR boxes one per line, sorted by y with ties broken badly: boxes of one
  row whose y differ by a pixel or two come out of x order; wrapped label lines land between
  rows.
* ``llm_md`` -- LLM/VLM markdown: invented headers (数据1…数据6, 列1…), a table cut into one
  table per row, rows carried under a wrong header, merged cells repeated or dropped (a
  group column), labels paraphrased or shortened, rows of zeros left out, one applicant
  column left out in every row, blanks written - or —, 1,234, 沭 read as 沐.

Honesty of the gold (the gold beside a copy holds what the copy still says):

* A numeric cell written with letter look-alikes only (``O``, ``o``, ``〇`` for 0; ``l``,
  ``I`` for 1), e.g. ``1O5``, is still readable: a count cell of the national form holds
  digits only, so the gold keeps 105. The reader may read it or name the cell; it must not
  stay silent on a wrong value.
* A digit misread as another digit (8→3, 6→5 …), a cell dropped by the OCR, two cells run
  together into one number, or a number split by a stray space changes what the copy says:
  those ids are removed from the gold (``notes`` lists them).
* A blank cell stays blank (null) in the gold even when the copy loses its position; the
  reader then has to place the other numbers right or say it could not.
* Boxes out of order (paddle) keep their ids: the copy still carries the numbers, and the
  reader must place them right or name the row.
* A row or a column the transcription left out takes its ids out of the gold too
  (``notes`` says which and why).

Figures (seeds 0-3, 308 copies; right/cells and silent, shared hooks) at the writing:
before the fixes phone_lines 7088/8667, phone_rows 7507/8651 (6 silent), tesseract
7962/8742, api_table 8662/8749, abbyy 8585/8750, paddle 4068/8751 (232 silent), llm_md
7758/7882 (2 silent); after 7137, 7580, 8441, 8719, 8702, 4092, 7755, none silent, no
false accusation.

usage: python -m tests.blindocr --out DIR [--seeds N] [--score [--src PATH]]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass, field

from .gold import gold_files

COLS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
SHAPES = ("phone_lines", "phone_rows", "tesseract", "api_table", "abbyy", "paddle", "llm_md")

# Section 三 rows: (id, top label, group label, row label, short labels)
ROWS21: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    (
        "new",
        "一、本年新收政府信息公开申请数量",
        "",
        "",
        ("本年新收申请数量", "本年新收", "新收申请"),
    ),
    ("carried_over", "二、上年结转政府信息公开申请数量", "", "", ("上年结转申请数量", "上年结转")),
    ("granted", "三、本年度办理结果", "（一）予以公开", "", ("予以公开",)),
    ("partial", "", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "", ("部分公开",)),
    ("denied.state_secret", "", "（三）不予公开", "1.属于国家秘密", ("国家秘密", "1.国家秘密")),
    (
        "denied.law_forbidden",
        "",
        "",
        "2.其他法律行政法规禁止公开",
        ("法律法规禁止公开", "其他法律行政法规禁止"),
    ),
    (
        "denied.safety_stability",
        "",
        "",
        "3.危及“三安全一稳定”",
        ("危及三安全一稳定", "3.危及三安全一稳定"),
    ),
    ("denied.third_party", "", "", "4.保护第三方合法权益", ("保护第三方权益", "第三方合法权益")),
    (
        "denied.internal_affairs",
        "",
        "",
        "5.属于三类内部事务信息",
        ("三类内部事务信息", "内部事务信息"),
    ),
    ("denied.process_info", "", "", "6.属于四类过程性信息", ("四类过程性信息", "过程性信息")),
    ("denied.enforcement_file", "", "", "7.属于行政执法案卷", ("行政执法案卷", "执法案卷")),
    ("denied.admin_query", "", "", "8.属于行政查询事项", ("行政查询事项", "查询事项")),
    (
        "unable.not_held",
        "",
        "（四）无法提供",
        "1.本机关不掌握相关政府信息",
        ("本机关不掌握", "不掌握相关信息"),
    ),
    ("unable.needs_creation", "", "", "2.没有现成信息需要另行制作", ("需另行制作", "没有现成信息")),
    ("unable.unclear", "", "", "3.补正后申请内容仍不明确", ("补正后仍不明确", "申请内容不明确")),
    (
        "rejected.petition",
        "",
        "（五）不予处理",
        "1.信访举报投诉类申请",
        ("信访举报投诉类", "信访举报投诉"),
    ),
    ("rejected.duplicate", "", "", "2.重复申请", ("重复申请",)),
    ("rejected.publication", "", "", "3.要求提供公开出版物", ("要求提供出版物", "公开出版物")),
    (
        "rejected.excessive",
        "",
        "",
        "4.无正当理由大量反复申请",
        ("大量反复申请", "无正当理由大量反复"),
    ),
    (
        "rejected.confirm",
        "",
        "",
        "5.要求行政机关确认或重新出具已获取信息",
        ("要求确认或重新出具信息", "确认或重新出具已获取信息"),
    ),
    (
        "other.no_correction",
        "",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("逾期不补正", "申请人逾期不补正"),
    ),
    (
        "other.no_fee",
        "",
        "",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("逾期未缴纳费用", "逾期未按收费通知缴费"),
    ),
    ("other.misc", "", "", "3.其他", ("其他",)),
    ("processed_total", "", "（七）总计", "", ("总计", "办理结果总计")),
    ("carried_forward", "四、结转下年度继续办理", "", "", ("结转下年度继续办理", "结转下年度")),
]
OTHER19 = ("other", "", "（六）其他处理", "", ("其他处理",))
COLHEAD = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
REVIEW_GROUPS = (
    ("reconsideration", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after", "复议后起诉"),
)
REVIEW_COLS = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
ACTIVE = (
    (
        "第二十条第（一）项",
        ("本年制发件数", "本年废止件数", "现行有效件数"),
        (
            (
                "规章",
                (
                    "active.regulations.issued",
                    "active.regulations.repealed",
                    "active.regulations.in_force",
                ),
            ),
            (
                "行政规范性文件",
                (
                    "active.normative.issued",
                    "active.normative.repealed",
                    "active.normative.in_force",
                ),
            ),
        ),
    ),
    ("第二十条第（五）项", ("本年处理决定数量",), (("行政许可", ("active.licensing",)),)),
    (
        "第二十条第（六）项",
        ("本年处理决定数量",),
        (("行政处罚", ("active.penalty",)), ("行政强制", ("active.coercion",))),
    ),
    (
        "第二十条第（八）项",
        ("本年收费金额（单位：万元）",),
        (("行政事业性收费", ("active.fees",)),),
    ),
)
CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Cell:
    text: str
    cid: str = ""  # gold id for a number cell
    label: bool = False


@dataclass
class Table:
    kind: str  # "active" | "requests" | "reviews"
    heading: str = ""
    header: list[list[Cell]] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)


class Copy:
    """One transcription under construction: its gold and the notes on what changed."""

    def __init__(self, gold: dict, rng: random.Random) -> None:
        self.gold = dict(gold)
        self.rng = rng
        self.removed: list[str] = []
        self.why: dict[str, str] = {}

    def drop(self, cid: str, why: str) -> None:
        if cid and cid in self.gold:
            self.gold.pop(cid)
            self.removed.append(cid)
            self.why.setdefault(why, "")
            if cid in self.gold.get("blank", []):
                self.gold["blank"] = [b for b in self.gold["blank"] if b != cid]

    def value(self, cid: str) -> str:
        if cid not in self.gold or cid in self.gold.get("blank", []):
            return ""
        v = self.gold[cid]
        if v is None:
            return ""
        return str(v)


def build_tables(c: Copy, fmt: str) -> list[Table]:
    tables: list[Table] = []
    for head, cols, rows in ACTIVE:
        t = Table("active", head)
        t.header.append([Cell("信息内容", label=True)] + [Cell(x, label=True) for x in cols])
        for label, ids in rows:
            t.rows.append([Cell(label, label=True)] + [Cell(c.value(i), i) for i in ids])
        tables.append(t)
    t = Table("requests")
    t.header = [
        [
            Cell(NOTE, label=True),
            Cell("", label=True),
            Cell("", label=True),
            Cell("申请人情况", label=True),
        ],
        [Cell("", label=True)] * 3
        + [Cell("自然人", label=True), Cell("法人或其他组织", label=True)]
        + [Cell("", label=True)] * 4
        + [Cell("总计", label=True)],
        [Cell("", label=True)] * 4
        + [Cell(x, label=True) for x in COLHEAD[1:6]]
        + [Cell("", label=True)],
    ]
    rows = list(ROWS21)
    if fmt in ("mixed", "2019"):
        i = [r[0] for r in rows].index("other.no_correction")
        rows[i : i + 3] = [OTHER19]
    for rid, top, grp, lab, _short in rows:
        cells = [Cell(top, label=True), Cell(grp, label=True), Cell(lab, label=True)]
        cells += [Cell(c.value(f"requests.{rid}.{col}"), f"requests.{rid}.{col}") for col in COLS]
        t.rows.append(cells)
    tables.append(t)
    t = Table("reviews")
    t.header = [
        [Cell("行政复议", label=True), Cell("行政诉讼", label=True)],
        [Cell(x, label=True) for _, x in REVIEW_COLS]
        + [Cell("未经复议直接起诉", label=True), Cell("复议后起诉", label=True)],
        [Cell(x, label=True) for _, x in REVIEW_COLS] * 2,
    ]
    t.rows = [
        [
            Cell(c.value(f"reviews.{g}.{k}"), f"reviews.{g}.{k}")
            for g, _ in REVIEW_GROUPS
            for k, _ in REVIEW_COLS
        ]
    ]
    tables.append(t)
    return tables


def short_of(rid: str) -> tuple[str, ...]:
    for r in ROWS21 + [OTHER19]:
        if r[0] == rid:
            return r[4]
    return ()


# ---------------------------------------------------------------- number damage

LOOKALIKE = {"0": ("O", "o", "〇"), "1": ("l", "I")}
DIGIT_MISREAD = {"8": "3", "3": "8", "6": "5", "5": "6", "7": "1", "9": "0"}


def damage_number(c: Copy, cell: Cell, p_look: float, p_misread: float) -> None:
    """Letter look-alikes keep the gold; a digit read as another digit drops the id."""
    if not cell.cid or not cell.text or not cell.text.replace(".", "").isdigit():
        return
    rng = c.rng
    if rng.random() < p_misread:
        digits = [i for i, ch in enumerate(cell.text) if ch in DIGIT_MISREAD]
        if digits:
            i = rng.choice(digits)
            cell.text = cell.text[:i] + DIGIT_MISREAD[cell.text[i]] + cell.text[i + 1 :]
            c.drop(cell.cid, "a digit misread as another digit")
            return
    if rng.random() < p_look:
        out = []
        for ch in cell.text:
            if ch in LOOKALIKE and rng.random() < 0.7:
                out.append(rng.choice(LOOKALIKE[ch]))
            else:
                out.append(ch)
        cell.text = "".join(out)


def spaced(s: str, rng: random.Random, p: float = 0.8) -> str:
    """Tesseract's chi_sim puts spaces between CJK characters."""
    if rng.random() > p:
        return s
    out = []
    for i, ch in enumerate(s):
        out.append(ch)
        if i + 1 < len(s) and CJK.match(ch) and rng.random() < 0.85:
            out.append(" ")
    return "".join(out)


def wrap(label: str, rng: random.Random, width: int) -> list[str]:
    if len(label) <= width:
        return [label]
    cut = width + rng.randint(-2, 2)
    cut = max(3, min(len(label) - 1, cut))
    return [label[:cut]] + wrap(label[cut:], rng, width)


# ---------------------------------------------------------------- prose


def prose(c: Copy, title: str, agency: str, year: int) -> dict[str, str]:
    r = c.rng
    n1, n2, n3 = r.randint(200, 9000), r.randint(3, 90), r.randint(1, 40)
    return {
        "title": title,
        "intro": (
            f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
            f"（国办公开办函〔2021〕30号）要求编制。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        ),
        "s1": (
            f"{year}年，{agency}深入贯彻落实党中央、国务院关于全面推进政务公开的决策部署，认真执行《条例》，"
            f"全年通过政府门户网站主动公开政府信息{n1}条，发布政策解读{n2}篇，召开新闻发布会{n3}场。"
            "（一）主动公开。围绕重点领域持续加大公开力度。（二）依申请公开。规范受理、办理、答复各环节。"
            "（三）政府信息管理。严格落实公开前保密审查。（四）平台建设。优化政府网站信息公开专栏。"
            "（五）监督保障。将政务公开纳入年度考核。"
        ),
        "s5": "一是公开内容的全面性有待提升；二是政策解读形式不够丰富。下一步，我们将加强业务培训，提升公开质量。",
        "s6": f"本年度未收取信息处理费。{agency}政务公开工作人员参加各类培训{n3}人次。",
        "end": f"{agency}\n{year + 1}年1月{r.randint(10, 28)}日",
    }


HEADS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


def assemble(p: dict[str, str], blocks: dict[str, str], head=lambda s: s, para=lambda s: s) -> str:
    out = [head(p["title"]), "", para(p["intro"]), "", head(HEADS[0]), para(p["s1"]), ""]
    for i, key in ((1, "active"), (2, "requests"), (3, "reviews")):
        out += [head(HEADS[i]), blocks[key], ""]
    out += [head(HEADS[4]), para(p["s5"]), "", head(HEADS[5]), para(p["s6"]), "", p["end"], ""]
    return "\n".join(out)


# ---------------------------------------------------------------- shapes


def cell_rows(t: Table) -> list[list[Cell]]:
    return t.header + t.rows


def lose_cells(c: Copy, t: Table, p: float) -> None:
    """An OCR pass that misses a printed number: the id leaves the gold."""
    for row in t.rows:
        for cell in row:
            if cell.cid and cell.text and c.rng.random() < p:
                c.drop(cell.cid, "a cell the OCR lost")
                cell.text = ""


def shape_phone_lines(c: Copy, tables: list[Table]) -> dict[str, str]:
    blocks: dict[str, list[str]] = {"active": [], "requests": [], "reviews": []}
    r = c.rng
    by_column = r.random() < 0.15
    for t in tables:
        lose_cells(c, t, 0.01)
        out = blocks[t.kind]
        if t.heading:
            out.append(t.heading)
        if by_column and t.kind == "requests":
            # text blocks read a column at a time: the labels, then each number column
            for row in t.header:
                out += [x.text for x in row if x.text]
            for row in t.rows:
                out += [x.text for x in row[:3] if x.text]
            for j in range(3, 10):
                for row in t.rows:
                    x = row[j]
                    if x.text:
                        damage_number(c, x, 0.03, 0.004)
                        out.append(x.text)
            continue
        for row in cell_rows(t):
            for cell in row:
                if not cell.text:
                    continue
                damage_number(c, cell, 0.03, 0.004)
                if cell.label and len(cell.text) > 14 and r.random() < 0.6:
                    out += wrap(cell.text, r, r.randint(10, 16))
                else:
                    out.append(cell.text)
    return {k: "\n".join(v) for k, v in blocks.items()}


def shape_phone_rows(c: Copy, tables: list[Table]) -> dict[str, str]:
    blocks: dict[str, list[str]] = {"active": [], "requests": [], "reviews": []}
    r = c.rng
    sep = r.choice((" ", "  ", " "))
    centred = r.random() < 0.35  # merged label cells read at the height of their middle
    apart = r.random() < 0.15  # a row's label and its numbers on lines of their own
    numbers_first = r.random() < 0.5  # (the numbers a little higher than the label)
    for t in tables:
        lose_cells(c, t, 0.01)
        out = blocks[t.kind]
        if t.heading:
            out.append(t.heading)
        moved: dict[int, list[str]] = {}
        if centred and t.kind == "requests":
            # a merged label (三、本年度办理结果, （三）不予公开 …) printed once, on a line of
            # its own before the middle row of the rows it spans
            for j in range(2):
                starts = [n for n, row in enumerate(t.rows) if row[j].text]
                for n in starts:
                    end = next((m for m in starts if m > n), len(t.rows))
                    if j == 0:
                        end = next(
                            (m for m, row in enumerate(t.rows) if m > n and row[0].text),
                            len(t.rows),
                        )
                    span = end - n
                    if span < 2 or (j == 1 and not t.rows[n][2].text):
                        continue  # a group label with no sub-rows is the row's own label
                    moved.setdefault(n + span // 2, []).append(t.rows[n][j].text)
                    t.rows[n][j] = Cell("", label=True)
        for n, row in enumerate(cell_rows(t)):
            k = n - len(t.header)
            out += moved.get(k, []) if k >= 0 else []
            labels = [x.text for x in row if x.label and x.text]
            nums = []
            for x in row:
                if x.cid and x.text:
                    damage_number(c, x, 0.03, 0.004)
                    nums.append(x.text)
            tail: list[str] = []
            if labels and len(labels[-1]) > 16 and r.random() < 0.6:
                parts = wrap(labels[-1], r, r.randint(12, 18))
                labels[-1] = parts[0]
                tail = parts[1:]
            if len(nums) > 2 and r.random() < 0.02:
                # two cells run together: both numbers change
                i = r.randrange(len(nums) - 1)
                ids = [x.cid for x in row if x.cid and x.text]
                nums[i : i + 2] = [nums[i] + nums[i + 1]]
                c.drop(ids[i], "two cells run together")
                c.drop(ids[i + 1], "two cells run together")
            if apart and labels and nums and row not in t.header:
                # the label and the numbers apart: the numbers a little higher or lower
                if not numbers_first:
                    out += [sep.join(labels)] + tail + [sep.join(nums)]
                else:
                    out += [sep.join(nums), sep.join(labels)] + tail
                continue
            line = sep.join(labels + nums)
            if line:
                out.append(line)
            out += tail
    return {k: "\n".join(v) for k, v in blocks.items()}


def shape_tesseract(c: Copy, tables: list[Table]) -> dict[str, str]:
    blocks: dict[str, list[str]] = {"active": [], "requests": [], "reviews": []}
    r = c.rng
    for t in tables:
        out = blocks[t.kind]
        if t.heading:
            out.append(spaced(t.heading, r))
        for row in cell_rows(t):
            parts = []
            for x in row:
                if not x.text:
                    continue
                if x.label:
                    txt = spaced(x.text, r)
                    if r.random() < 0.05:
                        txt = txt.replace("（", "(").replace("）", ")")
                    parts.append(txt)
                else:
                    damage_number(c, x, 0.12, 0.01)
                    parts.append(x.text)
            if not parts:
                continue
            if row in t.header and r.random() < 0.3:
                # header rows come out broken: a fragment per line
                out += [p for p in parts]
                continue
            nums = [x for x in row if x.cid and x.text]
            if nums and len(nums) > 1 and r.random() < 0.01:
                x = r.choice(nums)
                if len(x.text) >= 2 and x.text.isdigit():
                    k = r.randrange(1, len(x.text))
                    parts[parts.index(x.text)] = x.text[:k] + " " + x.text[k:]
                    c.drop(x.cid, "a number split by a stray space")
            nlab = sum(1 for x in row if x.label and x.text)
            pre: list[str] = []
            post: list[str] = []
            if nlab and len(parts[nlab - 1]) > 30 and r.random() < 0.5:
                w = wrap(parts[nlab - 1], r, r.randint(20, 30))
                if r.random() < 0.5:
                    parts[nlab - 1], post = w[0], w[1:]
                else:
                    pre, parts[nlab - 1] = w[:-1], w[-1]
            seps = [r.choice((" ", " ", "  ", " | ")) for _ in parts]
            line = parts[0]
            for s, p in zip(seps[1:], parts[1:]):
                line += s + p
            out += pre + [line] + post
    return {k: "\n".join(v) for k, v in blocks.items()}


def shape_api_table(c: Copy, tables: list[Table]) -> dict[str, str]:
    blocks: dict[str, list[str]] = {"active": [], "requests": [], "reviews": []}
    r = c.rng
    repeat = r.random() < 0.5
    for t in tables:
        out = blocks[t.kind]
        if t.heading:
            out.append(t.heading)
        grid = [[x.text for x in row] for row in cell_rows(t)]
        if t.kind == "requests":
            # merged label cells: repeat each in every row it spans (or leave empty)
            last = ["", "", ""]
            for i, row in enumerate(t.rows):
                g = grid[len(t.header) + i]
                for j in range(3):
                    if g[j]:
                        last[j] = g[j]
                        if j == 0:
                            last[1] = last[2] = ""
                        if j == 1:
                            last[2] = ""
                    elif repeat and last[j] and (j < 2 or not row[1].text):
                        g[j] = last[j]
            hdr = grid[: len(t.header)]
            hdr[0] = [NOTE] * 3 + ["申请人情况"] * 7 if repeat else hdr[0] + [""] * 6
            hdr[1] = (
                [NOTE] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"] if repeat else hdr[1]
            )
            hdr[2] = [NOTE] * 3 + ["自然人"] + list(COLHEAD[1:6]) + ["总计"] if repeat else hdr[2]
        if t.kind == "reviews":
            hdr = grid[:3]
            hdr[0] = ["行政复议"] * 5 + ["行政诉讼"] * 10 if repeat else hdr[0]
            hdr[1] = (
                [x for _, x in REVIEW_COLS] + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5
                if repeat
                else hdr[1]
            )
        for row, g in zip(cell_rows(t), grid):
            for x in row:
                if x.cid and x.text:
                    damage_number(c, x, 0.02, 0.003)
            g = [x.text if x.cid else v for x, v in zip(row, g)] + g[len(row) :]
            if t.kind == "requests" and row in t.rows and r.random() < 0.03:
                j = r.randrange(3, 9)
                if g[j] and g[j + 1]:
                    g[j : j + 2] = [g[j] + " " + g[j + 1]]
            out.append("\t".join(g))
    return {k: "\n".join(v) for k, v in blocks.items()}


def _width(s: str) -> int:
    return sum(2 if CJK.match(ch) or ch in "（）“”、，：" else 1 for ch in s)


def shape_abbyy(c: Copy, tables: list[Table]) -> dict[str, str]:
    """Fixed-width text: each cell's text at its column's place, label cells wrapped inside
    their column; a header word over empty neighbours (a merged cell) runs on over them.
    Places counted in characters (as pdftotext -layout does) or in display width (a CJK
    character two columns), by seed."""
    blocks: dict[str, list[str]] = {"active": [], "requests": [], "reviews": []}
    r = c.rng
    by_chars = r.random() < 0.5

    def width(s: str) -> int:
        return len(s) if by_chars else _width(s)

    for t in tables:
        out = blocks[t.kind]
        if t.heading:
            out.append(t.heading)
        nlab = sum(1 for x in t.rows[0] if x.label)
        ncol = max(len(row) for row in cell_rows(t))
        widths = [28 if t.kind == "requests" else 32] * nlab + [10] * (ncol - nlab)
        starts = [sum(widths[:i]) for i in range(ncol)]
        for row in cell_rows(t):
            wrapped = []
            for i, x in enumerate(row):
                if x.cid and x.text:
                    damage_number(c, x, 0.02, 0.003)
                room = widths[i]
                j = i + 1
                while j < len(row) and not row[j].text and x.text and row in t.header:
                    room += widths[j]
                    j += 1
                if x.label and x.text and width(x.text) > room - 2:
                    wrapped.append(wrap(x.text, r, max(2, (room - 2) // (1 if by_chars else 2))))
                else:
                    wrapped.append([x.text])
            h = max(len(w) for w in wrapped)
            for k in range(h):
                line = ""
                for i, w in enumerate(wrapped):
                    s = w[k] if k < len(w) else ""
                    if not s:
                        continue
                    pad = starts[i] - width(line)
                    line += " " * max(pad, 2 if line else 0) + s
                if line.strip():
                    out.append(line.rstrip())
    return {k: "\n".join(v) for k, v in blocks.items()}


def shape_paddle(c: Copy, tables: list[Table]) -> dict[str, str]:
    """PaddleOCR's sorted_boxes: sort by (y, x), then one pass swapping neighbours whose y
    differ by less than 10 px and whose x are reversed -- ordering errors remain."""
    blocks: dict[str, list[str]] = {"active": [], "requests": [], "reviews": []}
    r = c.rng
    for t in tables:
        out = blocks[t.kind]
        if t.heading:
            out.append(t.heading)
        boxes: list[tuple[float, float, str]] = []
        y = 0.0
        for row in cell_rows(t):
            cells = []
            x0 = 0.0
            for x in row:
                if x.text:
                    if x.cid:
                        damage_number(c, x, 0.03, 0.004)
                    lines = wrap(x.text, r, 12) if x.label else [x.text]
                    cells.append((x0, lines))
                x0 += 160.0 if x.label else 60.0
            n = max((len(ls) for _, ls in cells), default=1)
            h = 22.0 * n + 8
            for bx, lines in cells:
                top = y + h / 2 - 11 * (len(lines) - 1)
                for k, ln in enumerate(lines):
                    boxes.append((top + 22 * k + r.uniform(-2, 2), bx + r.uniform(-3, 3), ln))
            y += h
        boxes.sort(key=lambda b: (b[0], b[1]))
        for i in range(len(boxes) - 1):
            if abs(boxes[i + 1][0] - boxes[i][0]) < 10 and boxes[i + 1][1] < boxes[i][1]:
                boxes[i], boxes[i + 1] = boxes[i + 1], boxes[i]
        out += [b[2] for b in boxes]
    return {k: "\n".join(v) for k, v in blocks.items()}


def shape_llm_md(c: Copy, tables: list[Table]) -> dict[str, str]:
    r = c.rng
    style = r.choice(("one", "per_row", "per_group", "group_col"))
    header_kind = r.choice(("data", "col", "true", "wrong", "flat"))
    shorten = r.random() < 0.5
    skip_zero_rows = r.random() < 0.2
    # a column the model left out (five applicant columns for six), the same in every row
    dropped = r.randrange(6) if r.random() < 0.15 else None
    blocks: dict[str, list[str]] = {"active": [], "requests": [], "reviews": []}

    blank = r.choice((" ", " ", "-", "—"))
    thousands = r.random() < 0.3

    def cellfmt(x: str) -> str:
        if not x:
            return blank
        if thousands and x.isdigit() and len(x) > 3:
            return f"{int(x):,}"
        return x

    def md(head: list[str], rows: list[list[str]]) -> list[str]:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(cellfmt(x) for x in row) + " |" for row in rows]
        return out

    for t in tables:
        out = blocks[t.kind]
        for row in t.rows:
            for x in row:
                if x.cid and x.text:
                    damage_number(c, x, 0.0, 0.003)
        if t.kind == "active":
            out += ["", f"### {t.heading}"]
            para = {
                "行政规范性文件": "规范性文件",
                "本年收费金额（单位：万元）": "收费金额（万元）",
                "本年处理决定数量": "处理决定数量",
                "信息内容": "项目",
            }
            hd = [x.text for x in t.header[0]]
            body = [[x.text for x in row] for row in t.rows]
            if shorten:
                hd = [para.get(x, x) for x in hd]
                body = [[para.get(x, x) for x in row] for row in body]
            out += md(hd, body)
        elif t.kind == "requests":
            out.append(NOTE)
            if header_kind == "data":
                head = ["类别"] + [f"数据{i}" for i in range(1, 7)] + ["总计"]
            elif header_kind == "col":
                head = ["项目"] + [f"列{i}" for i in range(1, 8)]
            elif header_kind == "true":
                head = ["项目"] + list(COLHEAD)
            elif header_kind == "flat":
                # the three header rows read into one, longer than the data rows
                head = (
                    ["项目", "申请人情况", "自然人", "法人或其他组织"]
                    + list(COLHEAD[1:6])
                    + ["总计"]
                )
            else:
                head = [
                    "项目",
                    "本年新收件数",
                    "上年结转件数",
                    "予以公开",
                    "部分公开",
                    "不予公开",
                    "结转下年度",
                    "总计",
                ]
            if dropped is not None:
                cols = [n for n in range(7) if n != dropped]
                if header_kind == "true":
                    head = ["项目"] + [COLHEAD[n] for n in cols]
                elif header_kind in ("data", "col", "flat", "wrong"):
                    head = [head[0]] + head[1:7][:5] + [head[-1]] if header_kind != "flat" else head
                for row in t.rows:
                    c.drop(row[3 + dropped].cid, "a column the transcription left out")
            group = ""
            groups: list[tuple[str, list[list[str]]]] = []
            for row in t.rows:
                rid = row[3].cid.split(".", 1)[1].rsplit(".", 1)[0]
                top, grp, lab = (x.text for x in row[:3])
                label = lab or grp or top
                if shorten:
                    opts = short_of(rid)
                    if opts:
                        label = r.choice(opts)
                elif r.random() < 0.3:
                    label = re.sub(r"^[一二三四]、|^（[一二三四五六七]）", "", label)
                if grp and lab:
                    group = grp
                elif grp or top:
                    group = top or grp
                nums = [x.text for n, x in enumerate(row[3:]) if n != dropped]
                if (
                    skip_zero_rows
                    and all(v in ("0", "") for v in nums)
                    and rid not in ("new", "processed_total")
                ):
                    # "other rows all zero" -- the copy no longer says these cells
                    for x in row[3:]:
                        c.drop(x.cid, "a row the transcription left out")
                    continue
                if style == "group_col":
                    label = f"{group}|{label}" if group and group != label else f"{label}| "
                if style == "one" and r.random() < 0.3 and lab:
                    # merged group cell repeated in its own column
                    label = f"{group} {label}" if r.random() < 0.5 else label
                if groups and groups[-1][0] == group:
                    groups[-1][1].append([label] + nums)
                else:
                    groups.append((group, [[label] + nums]))
            if skip_zero_rows:
                out.append("（其余各项均为0，略）")
            if style == "one":
                out += md(head, [rw for _, g in groups for rw in g])
            elif style == "group_col":
                rows2 = [rw[0].split("|") + rw[1:] for _, g in groups for rw in g]
                if r.random() < 0.5:  # merged cell dropped after its first row
                    prev = ""
                    for rw in rows2:
                        rw[0], prev = ("" if rw[0] == prev else rw[0]), rw[0]
                out += md(["分类"] + head, rows2)
            elif style == "per_row":
                for g, rws in groups:
                    for rw in rws:
                        out += ["", f"### {g or rw[0]}"]
                        out += md(head, [rw])
            else:
                for g, rws in groups:
                    out += ["", f"### {g}"]
                    out += md(head, rws)
        else:
            vals = [x.text for x in t.rows[0]]
            kind = r.random()
            if kind < 0.2:
                out += md(
                    ["类别", "项目", "数量"],
                    [
                        [gname, x, vals[gi * 5 + k]]
                        for gi, (_, gname) in enumerate(REVIEW_GROUPS)
                        for k, (_, x) in enumerate(REVIEW_COLS)
                    ],
                )
            elif kind < 0.6:
                for gi, (_, gname) in enumerate(REVIEW_GROUPS):
                    name = "行政复议" if gi == 0 else f"行政诉讼（{gname}）"
                    out += ["", f"### {name}"]
                    out += md([x for _, x in REVIEW_COLS], [vals[gi * 5 : gi * 5 + 5]])
            else:
                head = (
                    [f"列{i}" for i in range(1, 16)]
                    if r.random() < 0.5
                    else [f"{g}{x}" for _, g in REVIEW_GROUPS for _, x in REVIEW_COLS]
                )
                out += md(head, [vals])
    return {k: "\n".join(v) for k, v in blocks.items()}


SHAPE_FNS = {
    "phone_lines": shape_phone_lines,
    "phone_rows": shape_phone_rows,
    "tesseract": shape_tesseract,
    "api_table": shape_api_table,
    "abbyy": shape_abbyy,
    "paddle": shape_paddle,
    "llm_md": shape_llm_md,
}


def golds() -> list[str]:
    return [str(p) for p in gold_files()]


def render(gold_path: str, shape: str, seed: int) -> tuple[str, dict]:
    gold = json.load(open(gold_path, encoding="utf-8"))
    rng = random.Random(f"{os.path.basename(gold_path)}|{shape}|{seed}")
    c = Copy(gold, rng)
    fmt = gold.get("meta.format") or "2021"
    year = int(gold.get("meta.year") or 2023)
    agency = gold.get("meta.agency") or "沭阳县人民政府"
    title = gold.get("meta.title") or f"{agency}{year}年政府信息公开工作年度报告"
    if shape == "llm_md" and "沭" in title:
        title, agency = title.replace("沭", "沐"), agency.replace("沭", "沐")
        for k in ("meta.agency", "meta.title"):
            c.gold.pop(k, None)
    tables = build_tables(c, fmt)
    blocks = SHAPE_FNS[shape](c, tables)
    p = prose(c, title, agency, year)
    if shape == "tesseract":
        text = assemble(
            p, blocks, head=lambda s: spaced(s, rng, 0.5), para=lambda s: spaced(s, rng, 0.3)
        )
    elif shape == "llm_md":
        text = assemble(p, blocks, head=lambda s: "## " + s)
    else:
        text = assemble(p, blocks)
    notes = f"blindocr {shape} seed {seed} of {os.path.basename(gold_path)}."
    if c.removed:
        notes += (
            " Ids removed (the copy no longer says them): " + ", ".join(sorted(c.removed)) + "."
        )
        notes += " Why: " + "; ".join(sorted(c.why)) + "."
    c.gold["notes"] = notes
    return text, c.gold


def generate(out: str, seeds: int, shapes: tuple[str, ...] = SHAPES) -> list[str]:
    os.makedirs(out, exist_ok=True)
    paths = []
    for g in golds():
        stem = os.path.basename(g)[: -len(".gold.json")]
        for shape in shapes:
            for seed in range(seeds):
                text, gold = render(g, shape, seed)
                base = os.path.join(out, f"{stem}__{shape}__{seed}")
                with open(base + ".txt", "w", encoding="utf-8") as f:
                    f.write(text)
                with open(base + ".gold.json", "w", encoding="utf-8") as f:
                    json.dump(gold, f, ensure_ascii=False, indent=1)
                paths.append(base + ".txt")
    return paths


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/blindocr")
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--score", action="store_true")
    ap.add_argument("--src", default="", help="the nianbao source to score (default: this tree's)")
    a = ap.parse_args()
    paths = generate(a.out, a.seeds)
    print(f"{len(paths)} copies in {a.out}")
    if a.score:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        cmd = f"env PYTHONPATH={a.src or root + '/src'} /work/main/.venv/bin/python -m nianbao parse --format jsonl"
        for hook in ("score.py", "silent.py"):
            for shape in SHAPES:
                docs = [p for p in paths if f"__{shape}__" in p]
                res = subprocess.run(
                    ["python3", f"/work/shared/hooks/{hook}", "--show", "0", "--cmd", cmd, *docs],
                    capture_output=True,
                    text=True,
                )
                print(hook, shape, res.stdout.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
