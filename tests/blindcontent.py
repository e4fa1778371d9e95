"""Blind content deviations: plain-text copies of the gold reports as real clerks fill the form.

Written before reading the extraction code, from what real 政府信息公开工作年度报告 print: the
markup is a few common text shapes (tab-separated rows, one cell per line, markdown pipe
tables); the point is the CONTENT clerks put into the national form — units and words in
cells (「5件」「无」「——」「/」), thousands separators, fee decimals and 元 instead of 万元, an
added 小计 column or subtotal rows, reworded / abbreviated / 2019-style labels, missing
ordinals, row numbers in an extra first column, 法人或其他组织 sub-columns in another order or
shortened, 表二 rows added or left out, 表四 wording variants and header line layouts, notes
under tables with numbers, percentages and repeated figures in prose, tables titled or
captioned with the year.

Each copy is written with its gold beside it (same stem, ``.gold.json``). Where a deviation
changes what the document says for an id (a cell printed as 「—」 is blank, a 表二 row left out
has no cells), the gold says so and "notes" lists it. Values are never altered otherwise: a
fee printed in 元 under a （单位：元） header is still the same amount, in 万元 in the gold.

The deviations up to ``review_by_rows`` were written blind (before reading the reading
code); ``count_decimals``, ``total_heji`` and ``s3_prose_carry`` were added after.

Over 1,000 lines because each deviation is written into the copy's text and, where it changes
what the document says, into its gold, by one class that holds both; the scoring (the hooks'
rules, and the false arithmetic accusations they do not count) sits beside it.

usage: python -m tests.blindcontent --out DIR [--n 30] [--seed 0] [--single] [--score]
``--score`` runs ``nianbao parse --format jsonl`` over the copies and prints right/total,
silent, false ("missing" accusations against present cells) and false arithmetic accusations
(an arithmetic finding on a copy whose gold passes that check), overall and per deviation.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.gold import flatten, same

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "samples"

COLS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
ORGS = ("commercial", "research", "social", "legal", "other_org")
ORG_NAMES = {
    "commercial": ("商业企业", "商业"),
    "research": ("科研机构", "科研"),
    "social": ("社会公益组织", "公益组织", "社会组织", "公益"),
    "legal": ("法律服务机构", "法律服务"),
    "other_org": ("其他",),
}

# (row id, level, ordinal, official label without ordinal, variants without ordinal)
# level 0 = 一/二/四 top rows, 1 = （一）（二）（七） rows under 三, 2 = numbered reasons.
GROUPS = {
    "denied": ("三", "不予公开"),
    "unable": ("四", "无法提供"),
    "rejected": ("五", "不予处理"),
    "other": ("六", "其他处理"),
}
ROWS_2021: list[tuple[str, str, str, tuple[str, ...]]] = [
    (
        "new",
        "top:一",
        "本年新收政府信息公开申请数量",
        ("本年新收申请数量", "本年度新收政府信息公开申请数量", "本年新收政府信息公开申请"),
    ),
    (
        "carried_over",
        "top:二",
        "上年结转政府信息公开申请数量",
        ("上年结转申请数量", "上年度结转政府信息公开申请数量", "上年结转"),
    ),
    ("granted", "sub:一", "予以公开", ()),
    (
        "partial",
        "sub:二",
        "部分公开（区分处理的，只计这一情形，不计其他情形）",
        ("部分公开", "部分公开(区分处理的,只计这一情形,不计其他情形)"),
    ),
    ("denied.state_secret", "n:1", "属于国家秘密", ()),
    ("denied.law_forbidden", "n:2", "其他法律行政法规禁止公开", ()),
    (
        "denied.safety_stability",
        "n:3",
        "危及“三安全一稳定”",
        ('危及"三安全一稳定"', "危及‘三安全一稳定’", "危及三安全一稳定", "危及「三安全一稳定」"),
    ),
    ("denied.third_party", "n:4", "保护第三方合法权益", ()),
    ("denied.internal_affairs", "n:5", "属于三类内部事务信息", ("属于三类内部事务",)),
    ("denied.process_info", "n:6", "属于四类过程性信息", ("属于四类过程信息",)),
    ("denied.enforcement_file", "n:7", "属于行政执法案卷", ()),
    ("denied.admin_query", "n:8", "属于行政查询事项", ()),
    ("unable.not_held", "n:1", "本机关不掌握相关政府信息", ("本机关不掌握相关信息",)),
    ("unable.needs_creation", "n:2", "没有现成信息需要另行制作", ()),
    ("unable.unclear", "n:3", "补正后申请内容仍不明确", ()),
    ("rejected.petition", "n:1", "信访举报投诉类申请", ()),
    ("rejected.duplicate", "n:2", "重复申请", ()),
    ("rejected.publication", "n:3", "要求提供公开出版物", ()),
    ("rejected.excessive", "n:4", "无正当理由大量反复申请", ()),
    ("rejected.confirm", "n:5", "要求行政机关确认或重新出具已获取信息", ()),
    (
        "other.no_correction",
        "n:1",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("申请人无正当理由逾期不补正",),
    ),
    (
        "other.no_fee",
        "n:2",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("申请人逾期未按收费通知要求缴纳费用",),
    ),
    ("other.misc", "n:3", "其他", ()),
    ("processed_total", "sub:七", "总计", ("合计",)),
    (
        "carried_forward",
        "top:四",
        "结转下年度继续办理",
        ("结转下一年度继续办理", "结转下年度继续办理申请数量"),
    ),
]

ACTIVE_HEADERS = (
    "第二十条第（一）项",
    "第二十条第（五）项",
    "第二十条第（六）项",
    "第二十条第（八）项",
)
REVIEW_GROUPS = ("reconsideration", "litigation_direct", "litigation_after")
REVIEW_FIELDS = ("upheld", "corrected", "other", "pending", "total")
REVIEW_WORDS = (
    ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"),
    ("维持", "纠正", "其他", "未审结", "合计"),
    ("结果维持", "结果纠正", "其他结果", "尚未审结", "合计"),
    ("结果维持", "结果纠正", "其他结果", "尚未审结", "小计"),
    ("维持", "纠正", "其他", "尚未审结", "总计"),
)
DASHES = ("无", "——", "/", "-", "—", "－")
EXTRA_ACTIVE = ("其他对外管理服务事项", "行政确认", "行政征收", "行政奖励")
ARITH = (
    "R-SUM-ROW",
    "R-SUM-RESULTS",
    "R-BALANCE",
    "R-REVIEW-TOTAL",
    "R-SUBTOTAL",
    "R-TEXT-TABLE",
    "R-TEXT-PARTS",
)
TABLES = ("active.", "active2019.", "requests.", "reviews.")
MISSING_RULES = ("R-TABLE-MISSING", "R-ROW-MISSING", "R-SECTIONS")

DEVIATIONS = (
    "units",
    "dashes",
    "thousands",
    "fee_decimal",
    "fee_yuan",
    "org_subtotal_col",
    "group_subtotal_rows",
    "label_words",
    "no_ordinals",
    "ordinal_style",
    "row_numbers",
    "org_order",
    "org_short",
    "active_extra_row",
    "active_missing_row",
    "active_old_labels",
    "review_words",
    "review_header_lines",
    "notes",
    "percent_prose",
    "table_titles",
    "year_caption",
    "s3_prose",
    "s4_prose",
    "header_one_line",
    "no_balance_note",
    "fullwidth_digits",
    "note_in_table",
    "row_merged_dash",
    "header_units",
    "review_by_rows",
    # added after the blind phase (after reading the code), from the same knowledge of copies
    "count_decimals",
    "total_heji",
    "s3_prose_carry",
)

ZH_NUM = "一二三四五六七八九十"
PAD = "\x00"  # a grid's padding cell: printed empty in a tab copy, not at all in the others
FULLWIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


def golds() -> list[Path]:
    return sorted(SAMPLES.glob("*.gold.json")) + sorted(SAMPLES.glob("peer/*.gold.json"))


def gval(gold: dict[str, Any], key: str) -> Any:
    if key in set(gold.get("blank", [])):
        return None
    return gold.get(key)


class Doc:
    """One copy being written: the gold it carries and the deviations it shows."""

    def __init__(
        self, gold: dict[str, Any], rng: random.Random, devs: set[str], shape: str
    ) -> None:
        self.gold = dict(gold)
        self.gold["blank"] = list(gold.get("blank", []))
        self.rng = rng
        self.devs = devs
        self.shape = shape
        self.notes: list[str] = []
        self.mixed = gold.get("meta.format") == "mixed"
        self.dash_p = rng.choice((0.2, 0.5, 1.0))
        self.dash = rng.choice(DASHES)
        self.unit_p = rng.choice((0.3, 1.0))
        self.ordinal_style = rng.choice(("1、", "（1）", "1．", "(1)"))

    # ---- cells -------------------------------------------------------------------------
    def v(self, key: str) -> Any:
        return gval(self.gold, key)

    def set_blank(self, key: str) -> None:
        if key in self.gold and key not in self.gold["blank"]:
            self.gold["blank"].append(key)
            self.gold[key] = None

    def cell(self, key: str, unit: str = "件") -> str:
        """The printed text of a count cell, with the copy's content deviations."""
        val = self.v(key)
        dashed = "dashes" in self.devs and self.rng.random() < self.dash_p
        if val is None:
            return self.dash if dashed else ""
        if val == 0 and dashed:
            self.set_blank(key)
            self.notes_add(f"zero cells printed as 「{self.dash}」 are blank in this gold")
            return self.dash
        text = self.number(val)
        if "units" in self.devs and self.rng.random() < self.unit_p:
            text += unit
        return text

    def number(self, val: Any) -> str:
        if isinstance(val, float) and not val.is_integer():
            text = f"{val:.6f}".rstrip("0").rstrip(".")
        else:
            text = str(int(val))
        if "thousands" in self.devs and abs(val) >= 1000 and "." not in text:
            text = f"{int(val):,}"
        if "count_decimals" in self.devs and "." not in text:
            text += ".00"  # a spreadsheet's number format: 12.00
        if "fullwidth_digits" in self.devs and self.rng.random() < 0.5:
            text = text.translate(FULLWIDTH)
        return text

    def notes_add(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)

    # ---- labels ------------------------------------------------------------------------
    def ordinal(self, kind: str) -> str:
        if "no_ordinals" in self.devs:
            return ""
        level, _, n = kind.partition(":")
        if level == "top":
            return f"{n}、"
        if level == "sub":
            return (
                self.rng.choice(("（", "(")) + n + self.rng.choice(("）", ")"))
                if "ordinal_style" in self.devs
                else f"（{n}）"
            )
        if "ordinal_style" in self.devs:
            return self.ordinal_style.replace("1", n)
        return f"{n}."

    def label(self, kind: str, text: str, variants: tuple[str, ...]) -> str:
        if "label_words" in self.devs and variants and self.rng.random() < 0.6:
            text = self.rng.choice(variants)
        return self.ordinal(kind) + text

    # ---- tables ------------------------------------------------------------------------
    def render(self, rows: list[list[str]], header_rows: int = 0) -> str:
        if self.shape == "tab":
            return "\n".join("\t".join(r) for r in rows)
        if self.shape == "pipe":
            out = []
            width = max(len(r) for r in rows)
            for i, r in enumerate(rows):
                out.append("| " + " | ".join(c if c else " " for c in r) + " |")
                if i == 0:
                    out.append("|" + "---|" * width)
            return "\n".join(out)
        # one cell per line, each line led by a tab, a blank line after a row
        return "\n".join("\n".join("\t" + c for c in r) + "\n" for r in rows)

    def title(self, default: str, number: int) -> str:
        year = self.gold.get("meta.year")
        parts = []
        if "table_titles" in self.devs:
            parts.append(
                self.rng.choice(
                    (
                        f"表{number}",
                        f"附表{number}",
                        f"表{ZH_NUM[number - 1]}",
                        f"（{ZH_NUM[number - 1]}）",
                    )
                )
                + " "
                + default
            )
        if "year_caption" in self.devs:
            parts.append(f"{year}年度{default}统计表")
        return "\n".join(parts)

    def active_tables(self) -> str:
        rows: list[list[str]] = []
        norm_label = "规范性文件" if "active_old_labels" in self.devs else "行政规范性文件"
        decide = "本年处理决定数量"
        if "active_old_labels" in self.devs or "label_words" in self.devs:
            decide = self.rng.choice(("处理决定数量", "本年处理决定数", "本年处理决定数量"))
        drop = None
        if "active_missing_row" in self.devs:
            drop = self.rng.choice(("regulations", "coercion", "penalty"))
            for k in [k for k in self.gold if k.startswith(f"active.{drop}")]:
                del self.gold[k]
                if k in self.gold["blank"]:
                    self.gold["blank"].remove(k)
            self.notes_add(f"表二 row active.{drop} left out: its ids are removed from this gold")
        extra = self.rng.choice(EXTRA_ACTIVE) if "active_extra_row" in self.devs else None
        extra_at = self.rng.choice(("五", "六"))
        if extra:
            self.notes_add(f"表二 carries an added row 「{extra}」 (no schema id)")
            if extra == "其他对外管理服务事项" and self.gold.get("meta.format") == "2021":
                self.gold["meta.format"] = "mixed"
                self.notes_add("其他对外管理服务事项 is a 2019 signal: format mixed (format.md §7)")

        def hdr(i: int) -> str:
            h = ACTIVE_HEADERS[i]
            if "label_words" in self.devs:
                h = self.rng.choice(
                    (h, h.replace("（", "(").replace("）", ")"), re.sub(r"[（）]", "", h))
                )
            return h

        rows.append([hdr(0), PAD, PAD, PAD])
        cols = ["本年制发件数", "本年废止件数", "现行有效件数"]
        rows.append(["信息内容", *cols])
        if drop != "regulations":
            rows.append(
                [
                    "规章",
                    *(
                        self.cell(f"active.regulations.{f}")
                        for f in ("issued", "repealed", "in_force")
                    ),
                ]
            )
        rows.append(
            [
                norm_label,
                *(self.cell(f"active.normative.{f}") for f in ("issued", "repealed", "in_force")),
            ]
        )
        rows.append([hdr(1), PAD, PAD, PAD])
        rows.append(["信息内容", decide, PAD, PAD])
        rows.append(["行政许可", self.cell("active.licensing"), PAD, PAD])
        if extra and extra_at == "五":
            rows.append([extra, str(self.rng.randint(1, 300)), PAD, PAD])
        rows.append([hdr(2), PAD, PAD, PAD])
        rows.append(["信息内容", decide, PAD, PAD])
        if drop != "penalty":
            rows.append(["行政处罚", self.cell("active.penalty"), PAD, PAD])
        if drop != "coercion":
            rows.append(["行政强制", self.cell("active.coercion"), PAD, PAD])
        if extra and extra_at == "六":
            rows.append([extra, str(self.rng.randint(1, 300)), PAD, PAD])
        rows.append([hdr(3), PAD, PAD, PAD])
        fee_head = "本年收费金额（单位：万元）"
        if "label_words" in self.devs:
            fee_head = self.rng.choice(("本年收费金额（万元）", "收费金额（万元）", fee_head))
        fee = self.v("active.fees")
        if fee is None:
            fee_cell = ""
        elif "fee_yuan" in self.devs and abs(fee * 10000 - round(fee * 10000)) < 1e-6:
            yuan = int(round(fee * 10000))
            fee_cell = f"{yuan:,}" if "thousands" in self.devs and yuan >= 1000 else str(yuan)
            if self.rng.random() < 0.7:
                fee_head = self.rng.choice(("本年收费金额（单位：元）", "本年收费金额（元）"))
                fee_cell += "元" if "units" in self.devs else ""
            else:
                fee_cell += "元"
            self.notes_add("fee printed in 元 under a 元 header; gold keeps 万元")
        elif "fee_decimal" in self.devs:
            fee_cell = f"{fee:.2f}" if fee == round(fee, 2) else self.number(fee)
            if "units" in self.devs:
                fee_cell += "万元"
        else:
            fee_cell = self.number(fee)
            if "units" in self.devs:
                fee_cell += "万元"
            if fee == 0 and "dashes" in self.devs and self.rng.random() < self.dash_p:
                fee_cell = self.dash
                self.set_blank("active.fees")
        rows.append(["信息内容", fee_head, PAD, PAD])
        rows.append(["行政事业性收费", fee_cell, PAD, PAD])
        if self.shape != "tab":
            rows = [[c for c in r if c != PAD] for r in rows]
        rows = [["" if c == PAD else c for c in r] for r in rows]
        # each sub-table separately (as most copies print them)
        out, cur = [], []
        for r in rows:
            if r[0].startswith("第二十条") and cur:
                out.append(self.render(cur))
                cur = []
            cur.append(r)
        out.append(self.render(cur))
        return "\n\n".join(out)

    def request_rows(self) -> list[tuple[str, list[str]]]:
        """(row id, label cells) in the form's order, with group/subtotal rows."""
        out: list[tuple[str, list[str]]] = []
        sub_mode = (
            self.rng.choice(("row", "group_label")) if "group_subtotal_rows" in self.devs else ""
        )
        merged = sub_mode != "group_label" and self.rng.random() < 0.5
        for rid, kind, text, variants in ROWS_2021:
            if self.mixed and rid.startswith("other."):
                if rid == "other.no_correction":
                    out.append(("other", ["", self.ordinal("sub:六") + "其他处理", ""]))
                continue
            lab = self.label(kind, text, variants)
            if rid.split(".")[0] in GROUPS and "." in rid:
                g = rid.split(".")[0]
                ord_, name = GROUPS[g]
                glab = self.ordinal(f"sub:{ord_}") + name
                first = rid.endswith((".state_secret", ".not_held", ".petition", ".no_correction"))
                if not merged:
                    if first:
                        out.append(
                            (f"sub:{g}" if sub_mode == "group_label" else "", ["", glab, ""])
                        )
                    out.append((rid, ["", "", lab]))
                else:
                    out.append((rid, ["", glab if first else "", lab]))
                last = rid in (
                    "denied.admin_query",
                    "unable.unclear",
                    "rejected.confirm",
                    "other.misc",
                )
                if last and sub_mode == "row":
                    out.append((f"sub:{g}", ["", "", self.rng.choice(("小计", f"{name}小计"))]))
                continue
            if kind.startswith("top"):
                out.append((rid, [lab, "", ""]))
            elif rid == "granted":
                out.append((rid, [self.ordinal("top:三") + "本年度办理结果", lab, ""]))
            else:
                out.append((rid, ["", lab, ""]))
        return out

    def request_table(self) -> str:
        orgs = list(ORGS)
        if "org_order" in self.devs:
            while orgs == list(ORGS):
                self.rng.shuffle(orgs)
            self.notes_add("法人或其他组织 sub-columns printed in the order " + "/".join(orgs))
        short = "org_short" in self.devs
        names = {
            o: (
                self.rng.choice(ORG_NAMES[o][1:])
                if short and len(ORG_NAMES[o]) > 1
                else ORG_NAMES[o][0]
            )
            for o in ORGS
        }
        subtotal = "org_subtotal_col" in self.devs
        sub_name = self.rng.choice(("小计", "合计"))
        sub_first = subtotal and self.rng.random() < 0.4
        if sub_first:
            data_cols = ["natural", "org_subtotal", *orgs, "total"]
        else:
            data_cols = ["natural", *orgs] + (["org_subtotal"] if subtotal else []) + ["total"]
        col_names = (
            ["自然人"]
            + [sub_name if c == "org_subtotal" else names[c] for c in data_cols[1:-1]]
            + ["总计"]
        )
        lead = ["序号"] if "row_numbers" in self.devs else []
        pad = [""] if lead else []
        note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
        pre = ""
        if "no_balance_note" in self.devs:
            pre = self.rng.choice(("", note))
            note = ""
            self.notes_add(
                "勾稽 note left out of the table" + (" (printed above it)" if pre else "")
            )
        nlab = 3
        if "header_one_line" in self.devs:
            head = [[*lead, note or "项目", "", "", *col_names]]
            self.notes_add("表三 header on one line, no 申请人情况 / 法人或其他组织 rows")
        else:
            head = [
                [*lead, note, "", "", "申请人情况", *[""] * (len(data_cols) - 1)],
                [
                    *pad,
                    "",
                    "",
                    "",
                    "自然人",
                    "法人或其他组织",
                    *[""] * (len(data_cols) - 3),
                    "总计",
                ],
                [*pad, "", "", "", "", *col_names[1:-1], ""],
            ]
        body: list[list[str]] = []
        n = 0
        for rid, labs in self.request_rows():
            if rid == "":
                body.append([*pad, *labs, *[""] * len(data_cols)])
                continue
            if rid.startswith("sub:"):
                g = rid[4:]
                keys = [r[0] for r in ROWS_2021 if r[0].startswith(g + ".")]
                if self.mixed and g == "other":
                    keys = ["other"]
                vals = []
                for c in data_cols:
                    cols = ORGS if c == "org_subtotal" else (c,)
                    parts = [self.v(f"requests.{k}.{o}") for k in keys for o in cols]
                    vals.append(
                        ""
                        if all(p is None for p in parts)
                        else self.number(sum(p or 0 for p in parts))
                    )
                body.append([*pad, *labs, *vals])
                continue
            n += 1
            keys = [f"requests.{rid}.{c}" for c in COLS]
            if (
                "row_merged_dash" in self.devs
                and all(self.v(k) in (None, 0) for k in keys)
                and self.rng.random() < 0.5
            ):
                for k in keys:
                    self.set_blank(k)
                self.notes_add("all-zero rows printed as one 「无」/「—」 cell: blank in this gold")
                body.append([*([str(n)] if lead else []), *labs, self.rng.choice(("无", "—", "/"))])
                continue
            cells = []
            for c in data_cols:
                if c == "org_subtotal":
                    parts = [self.v(f"requests.{rid}.{o}") for o in ORGS]
                    cells.append(
                        ""
                        if all(p is None for p in parts)
                        else self.number(sum(p or 0 for p in parts))
                    )
                else:
                    cells.append(self.cell(f"requests.{rid}.{c}"))
            body.append([*([str(n)] if lead else []), *labs, *cells])
        if subtotal:
            self.notes_add(
                f"法人或其他组织 {sub_name} column added {'before' if sub_first else 'after'} the five (org_subtotal, not in gold)"
            )
        if "group_subtotal_rows" in self.devs:
            self.notes_add("subtotals printed for （三）（四）（五）（六） (derived, not in gold)")
        if "note_in_table" in self.devs:
            body.append(
                ["注：表中“其他处理”包括申请人撤回申请2件，结转下年度的申请已于次年1月办结。"]
            )
            self.notes_add("a 注 row inside the table")
        rows = head + body
        if self.shape != "tab":
            # label columns collapse to the non-empty label cells, as copies do
            def squeeze(r: list[str], k: int) -> list[str]:
                labs = [c for c in r[: k + nlab] if c]
                return labs + r[k + nlab :]

            if len(head) == 1:
                rows = [squeeze(r, len(lead)) for r in rows]
            else:
                rows = (
                    head[:1]
                    + [squeeze(r, len(lead)) for r in head[1:]]
                    + [squeeze(r, len(lead)) for r in body]
                )
            if self.shape == "pipe":
                rows[0] = [c for c in rows[0] if c]
        table = self.render(rows)
        if "header_units" in self.devs:
            table = (
                self.rng.choice(
                    (
                        "单位：件",
                        "（单位：件）",
                        f"统计时间：截至{self.gold.get('meta.year')}年12月31日  单位：件",
                    )
                )
                + "\n"
                + table
            )
        return (pre + "\n" + table) if pre else table

    def review_table(self) -> str:
        words = self.rng.choice(REVIEW_WORDS) if "review_words" in self.devs else REVIEW_WORDS[0]
        direct, after = "未经复议直接起诉", "复议后起诉"
        if "review_words" in self.devs:
            direct, after = self.rng.choice(
                (
                    (direct, after),
                    ("直接起诉", "经复议后起诉"),
                    ("未经复议直接起诉", "经复议后起诉"),
                )
            )
        vals = [self.cell(f"reviews.{g}.{f}") for g in REVIEW_GROUPS for f in REVIEW_FIELDS]
        layout = (
            self.rng.choice(("one", "two")) if "review_header_lines" in self.devs else "official"
        )
        if "review_by_rows" in self.devs:
            layout = "by rows"
            groups = ("行政复议", f"行政诉讼（{direct}）", f"行政诉讼（{after}）")
            rows = [["项目", *words]] + [[groups[i], *vals[5 * i : 5 * i + 5]] for i in range(3)]
        elif layout == "official":
            rows = [
                ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
                [*words, direct, "", "", "", "", after, "", "", "", ""],
                ["", "", "", "", "", *words, *words],
                vals,
            ]
        elif layout == "two":
            rows = [
                [
                    "行政复议",
                    "",
                    "",
                    "",
                    "",
                    f"行政诉讼（{direct}）",
                    "",
                    "",
                    "",
                    "",
                    f"行政诉讼（{after}）",
                    "",
                    "",
                    "",
                    "",
                ],
                [*words, *words, *words],
                vals,
            ]
        else:
            rows = [
                [f"行政复议{w}" for w in words]
                + [f"{direct}{w}" for w in words]
                + [f"{after}{w}" for w in words],
                vals,
            ]
        if layout != "official":
            self.notes_add(f"表四 header layout: {layout} line(s)")
        if self.shape != "tab" and layout != "by rows":
            rows = [[c for c in r if c] or [""] for r in rows[:-1]] + rows[-1:]
        if "header_units" in self.devs:
            return "单位：件\n" + self.render(rows)
        return self.render(rows)

    # ---- prose -------------------------------------------------------------------------
    def s3_sentence(self) -> str:
        t = self.v("requests.new.total")
        if t is None:
            return ""
        nat = self.v("requests.new.natural")
        org = [self.v(f"requests.new.{o}") for o in ORGS]
        co0 = self.v("requests.carried_over.total")
        if "s3_prose_carry" in self.devs and co0:
            return f"本年度共受理政府信息公开申请{t + co0}件（含上年结转{co0}件），均已按时答复。"
        s = f"本年度共收到政府信息公开申请{t}件"
        consistent = nat is not None and (nat + sum(o or 0 for o in org)) == t
        if consistent:
            s += f"，其中自然人申请{nat}件、法人或其他组织申请{sum(o or 0 for o in org)}件"
        co = self.v("requests.carried_over.total")
        if co is not None:
            s += f"，上年结转{co}件"
        pt = self.v("requests.processed_total.total")
        if pt is not None:
            s += f"。本年度办结{pt}件"
            g, p = self.v("requests.granted.total"), self.v("requests.partial.total")
            if g is not None and p is not None and g + p <= pt:
                s += f"，其中予以公开{g}件、部分公开{p}件"
        cf = self.v("requests.carried_forward.total")
        if cf is not None:
            s += f"；结转下年度继续办理{cf}件"
        return s + "。"

    def s4_sentence(self) -> str:
        r = self.v("reviews.reconsideration.total")
        d, a = self.v("reviews.litigation_direct.total"), self.v("reviews.litigation_after.total")
        if r is None or d is None or a is None:
            return ""
        return f"本年度发生政府信息公开行政复议{r}件，行政诉讼{d + a}件。"

    def percent(self) -> str:
        return self.rng.choice(
            (
                "依申请公开按期答复率100%，",
                f"网站访问量同比增长{self.rng.randint(1, 40)}.{self.rng.randint(0, 9)}%，",
                f"政策解读占比{self.rng.randint(10, 90)}%，",
            )
        )

    def text(self) -> str:
        g = self.gold
        year = g.get("meta.year")
        agency = g.get("meta.agency") or "沭阳县人民政府"
        g["meta.agency"] = agency
        parts = [f"{agency}{year}年政府信息公开工作年度报告", ""]
        parts.append(
            f"本报告根据《中华人民共和国政府信息公开条例》要求编制。报告中所列数据的统计期限为{year}年1月1日至{year}年12月31日。"
        )
        s1 = (
            "一、总体情况\n"
            + f"{year}年，{agency}坚持以公开为常态、不公开为例外，全面推进政务公开工作。"
        )
        if "percent_prose" in self.devs:
            s1 += self.percent() + "公开质量稳步提升。"
        parts.append(s1)
        parts.append("二、主动公开政府信息情况")
        t = self.title("主动公开政府信息情况", 1)
        if t:
            parts.append(t)
        parts.append(self.active_tables())
        if "notes" in self.devs:
            parts.append(
                self.rng.choice(
                    (
                        "注：本年废止件数含宣布失效2件。",
                        "注：行政许可含备案事项35件。",
                        "注：收费金额统计口径为本单位财务决算数。",
                    )
                )
            )
        parts.append("三、收到和处理政府信息公开申请情况")
        if "s3_prose" in self.devs or "s3_prose_carry" in self.devs:
            sent = self.s3_sentence()
            if sent:
                parts.append(sent)
        if "percent_prose" in self.devs:
            parts.append(self.percent() + "办结率100%。")
        t = self.title("收到和处理政府信息公开申请情况", 2)
        if t:
            parts.append(t)
        parts.append(self.request_table())
        if "notes" in self.devs:
            parts.append(
                self.rng.choice(
                    (
                        "注：“其他处理”3件为申请人主动撤回申请。",
                        "注：1.本表数据统计期限为当年1月1日至12月31日；2.上年结转2件均已办结。",
                        "注：部分申请涉及多个事项，按1件统计。",
                    )
                )
            )
        parts.append("四、政府信息公开行政复议、行政诉讼情况")
        if "s4_prose" in self.devs:
            sent = self.s4_sentence()
            if sent:
                parts.append(sent)
        t = self.title("政府信息公开行政复议、行政诉讼情况", 3)
        if t:
            parts.append(t)
        parts.append(self.review_table())
        if "notes" in self.devs:
            parts.append(
                self.rng.choice(
                    (
                        "注：行政复议、行政诉讼数量含上年度结转数量。",
                        "注：本表中1件行政诉讼为2023年受理。",
                    )
                )
            )
        parts.append(
            "五、存在的主要问题及改进情况\n一是公开内容不够全面；二是解读形式较为单一。下一步，将进一步加强培训，提升公开质量。"
        )
        parts.append(
            f"六、其他需要报告的事项\n本年度未收取信息处理费。\n\n{agency}\n{year + 1}年1月20日"
        )
        return "\n\n".join(parts) + "\n"


def gold_checks(gold: dict[str, Any], mixed: bool) -> set[str]:
    """The arithmetic rules a gold (blank read as 0) fails."""
    v = lambda k: gval(gold, k) or 0  # noqa: E731
    present = lambda k: k in gold  # noqa: E731
    fails: set[str] = set()
    rows = [r[0] for r in ROWS_2021]
    if mixed:
        rows = [r for r in rows if not r.startswith("other.")] + ["other"]
    for r in rows:
        if present(f"requests.{r}.total") and sum(v(f"requests.{r}.{c}") for c in COLS[:-1]) != v(
            f"requests.{r}.total"
        ):
            fails.add("R-SUM-ROW")
    results = [
        r for r in rows if r not in ("new", "carried_over", "processed_total", "carried_forward")
    ]
    for c in COLS:
        if sum(v(f"requests.{r}.{c}") for r in results) != v(f"requests.processed_total.{c}"):
            fails.add("R-SUM-RESULTS")
        if v(f"requests.new.{c}") + v(f"requests.carried_over.{c}") != v(
            f"requests.processed_total.{c}"
        ) + v(f"requests.carried_forward.{c}"):
            fails.add("R-BALANCE")
    for g in REVIEW_GROUPS:
        if sum(v(f"reviews.{g}.{f}") for f in REVIEW_FIELDS[:-1]) != v(f"reviews.{g}.total"):
            fails.add("R-REVIEW-TOTAL")
    return fails


def plan(n: int, seed: int, single: bool, stem: str = "") -> list[tuple[int, set[str], str]]:
    """(index, deviations, shape) per copy: random mixes, or each deviation alone in each shape."""
    if single:
        return [
            (i, {d}, shape)
            for i, (d, shape) in enumerate(
                (d, s) for d in DEVIATIONS for s in ("tab", "cells", "pipe")
            )
        ]
    out = []
    for i in range(n):
        rng = random.Random(f"{seed}:plan:{stem}:{i}")
        out.append(
            (
                i,
                set(rng.sample(DEVIATIONS, rng.choice((1, 2, 3, 5, 8)))),
                ("tab", "cells", "pipe")[i % 3],
            )
        )
    return out


@dataclass
class Copy:
    """One copy: its file stem, text, gold (flat ids, ``blank``, ``notes``) and what it shows."""

    stem: str
    text: str
    gold: dict[str, Any]
    deviations: list[str]
    shape: str
    gold_fails: list[str]  # arithmetic checks the gold itself fails (blank read as 0)


def copies(n: int, seed: int, single: bool = False, only: tuple[str, ...] = ()) -> list[Copy]:
    """The copies of every gold (of those whose stem starts with one of ``only``)."""
    out = []
    for gpath in golds():
        base = json.loads(gpath.read_text(encoding="utf-8"))
        stem0 = gpath.name[: -len(".gold.json")].split("_")[0]
        if only and not stem0.startswith(only):
            continue
        for i, devs, shape in plan(n, seed, single, stem0):
            rng = random.Random(f"{seed}:{stem0}:{i}:{','.join(sorted(devs))}")
            doc = Doc(base, rng, devs, shape)
            text = doc.text()
            gold = doc.gold
            keep = {
                k: v
                for k, v in gold.items()
                if k.startswith(("meta.agency", "meta.year", "meta.format", *TABLES))
            }
            keep["blank"] = sorted(set(gold["blank"]) & set(keep))
            keep["notes"] = f"deviations {','.join(sorted(devs))} in {shape} shape; " + (
                "; ".join(doc.notes) or "values as in the source gold"
            )
            out.append(
                Copy(
                    f"{stem0}-s{seed}-{i:03d}",
                    text,
                    keep,
                    sorted(devs),
                    shape,
                    sorted(gold_checks(gold, doc.mixed)),
                )
            )
    return out


def make(
    out: Path, n: int, seed: int, single: bool = False, only: tuple[str, ...] = ()
) -> list[Path]:
    """Write the copies (``.txt``), their golds (``.gold.json``) and what each shows
    (``.dev.json``: deviations, shape, the arithmetic checks the gold itself fails)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for c in copies(n, seed, single, only):
        side = {"deviations": c.deviations, "shape": c.shape, "gold_fails": c.gold_fails}
        (out / f"{c.stem}.dev.json").write_text(
            json.dumps(side, ensure_ascii=False), encoding="utf-8"
        )
        (out / f"{c.stem}.txt").write_text(c.text, encoding="utf-8")
        (out / f"{c.stem}.gold.json").write_text(
            json.dumps(c.gold, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        written.append(out / f"{c.stem}.txt")
    return written


def score_copy(c: Copy) -> dict[str, Any]:
    """Parse a copy in this process and score it (:func:`score_one`)."""
    import nianbao

    out = nianbao.parse(c.text.encode("utf-8"), name=f"{c.stem}.txt").to_dict()
    return score_one({**c.gold, "gold_fails": c.gold_fails}, out)


# ---- scoring -------------------------------------------------------------------------------
# flatten and same: tests/gold.py's, as the shared hooks compare


def covers(ref: str, key: str) -> bool:
    sec = {"sections.s2": ("active.",), "sections.s3": ("requests.",), "sections.s4": ("reviews.",)}
    return (
        ref == key or key.startswith(ref + ".") or any(key.startswith(p) for p in sec.get(ref, ()))
    )


def score_one(gold: dict[str, Any], out: dict[str, Any] | None) -> dict[str, Any]:
    """right/total over scored ids; silent, false, false arithmetic; per-cell misses."""
    res: dict[str, Any] = {
        "right": 0,
        "total": 0,
        "silent": 0,
        "false": 0,
        "arith": 0,
        "miss": [],
        "silent_cells": [],
        "arith_rules": [],
    }
    blanks = set(gold.get("blank", []))
    flat = flatten(
        {k: v for k, v in (out or {}).items() if k in ("meta", "active", "requests", "reviews")}
    )
    findings = (out or {}).get("findings") or []
    for key, g in gold.items():
        if not key.startswith(("meta.", *TABLES)):
            continue
        g = None if key in blanks else g
        res["total"] += 1
        if out is not None and key in flat and same(g, flat.get(key)):
            res["right"] += 1
            continue
        res["miss"].append(f"{key}: gold={g!r} got={flat.get(key, '<absent>')!r}")
        if key.startswith(TABLES):
            named = any(
                not f.get("rule", "").startswith(MISSING_RULES)
                and any(covers(c, key) for c in f.get("cells") or [])
                for f in findings
            )
            if not named:
                res["silent"] += 1
                res["silent_cells"].append(res["miss"][-1])
    keys = [k for k in gold if k.startswith(TABLES)]
    fails = set(gold.get("gold_fails", []))
    for f in findings:
        rule = f.get("rule", "")
        base = rule.split(".")[0]
        if rule.startswith(MISSING_RULES) and any(
            covers(c, k) for c in f.get("cells") or [] for k in keys
        ):
            res["false"] += 1
        if base in ARITH and base not in fails:
            res["arith"] += 1
            res["arith_rules"].append(f"{rule}: {f.get('message', '')[:160]}")
    return res


def run_tool(paths: list[Path], cmd: list[str] | None = None) -> dict[str, dict[str, Any]]:
    cmd = cmd or [sys.executable, "-m", "nianbao", "parse", "--format", "jsonl"]
    outs: dict[str, dict[str, Any]] = {}
    for i in range(0, len(paths), 100):
        p = subprocess.run(
            cmd + [str(x) for x in paths[i : i + 100]], capture_output=True, text=True, timeout=1800
        )
        for line in p.stdout.splitlines():
            if line.startswith("{"):
                o = json.loads(line)
                outs[os.path.realpath(o.get("source") or "")] = o
    return outs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/blindcontent")
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--score", action="store_true")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument(
        "--single", action="store_true", help="each deviation alone, in each text shape"
    )
    a = ap.parse_args()
    out = Path(a.out)
    for old in glob.glob(str(out / "*")):
        os.remove(old)
    paths = make(out, a.n, a.seed, a.single)
    print(f"wrote {len(paths)} copies to {out}")
    if not a.score:
        return 0
    outs = run_tool(paths)
    tot: dict[str, int] = defaultdict(int)
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p in paths:
        gold = json.loads((p.parent / (p.stem + ".gold.json")).read_text(encoding="utf-8"))
        gold.update(json.loads((p.parent / (p.stem + ".dev.json")).read_text(encoding="utf-8")))
        r = score_one(gold, outs.get(os.path.realpath(p)))
        for k in ("right", "total", "silent", "false", "arith"):
            tot[k] += r[k]
            for d in gold["deviations"] + ["shape:" + gold["shape"]]:
                per[d][k] += r[k]
                per[d]["docs"] += k == "right"
        if a.show and (r["silent"] or r["false"] or r["arith"] or r["right"] < r["total"]):
            print(
                f"{p.name} [{gold['shape']}] {','.join(gold['deviations'])}: {r['right']}/{r['total']} silent {r['silent']} false {r['false']} arith {r['arith']}"
            )
            for m in (r["silent_cells"] or r["miss"])[: a.show]:
                print("   ", m)
            for m in r["arith_rules"][: a.show]:
                print("    ARITH", m)
    for d in sorted(per):
        s = per[d]
        print(
            f"  {d:22s} copies {s['docs']:4d}  {s['right']}/{s['total']}  silent {s['silent']}  false {s['false']}  arith {s['arith']}"
        )
    print(
        f"blindcontent: {tot['right']}/{tot['total']} right, silent {tot['silent']}, false {tot['false']}, false arithmetic {tot['arith']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
