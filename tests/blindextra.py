"""Blind set: real-looking reports that carry MORE than the national form.

Written from the golds and the spec only (before reading the reader's code). Each gold of
``shared/samples`` (and ``peer/``) is rendered into the national form (表二/表三/表四) plus
material that real city, county and department reports print around it:

* ``base``          the national form alone (control);
* ``dept_before``   a per-unit breakdown of applications (单位 | 新收申请 | 予以公开 …, 合计 row)
                    before 表三;
* ``dept_after``    the same table after 表三;
* ``platform``      主动公开 platform figures (政府网站 / 政务微博 / 微信 发布条数) in 一 and 二;
* ``proposals``     建议提案办理 table in 六;
* ``extra_cols``    表二 and 表三 with extra columns (上年数, 同比增减) after the form's columns;
* ``year_rows``     表四 with two labelled value rows (本年度 / 上年度);
* ``prose``         paragraphs full of numbers that restate, round or contradict the tables;
* ``prev_summary``  a comparison table (指标 | 本年 | 上年 | 增减) using the form's row labels;
* ``prev_table``    the previous year's whole 表三 printed after this year's;
* ``numbered``      numbered lists that look like table rows (1.本年新收…：12件);
* ``sub_report``    a second, smaller report (a sub-unit's) appended after the main one;
* ``annex``         附件 tables at the end (分类统计, 申请明细);
* ``overspan``      表三's 三、本年度办理结果 cell spanning one row too many (an editor's slip
                    in the page's HTML: the last row's cells stand one column right);
* ``combo``         all of the above at once but ``overspan`` (a slip of the markup, not more
                    content; ``a+b`` on the command line joins any shapes).

Each shape is copied in four styles: ``tab`` (a crawler's text copy of the page: a table row
per line, cells tab-separated), ``lines`` (one cell per line, a blank line between rows),
``md`` (markdown pipe tables, merged cells left empty) and ``html`` (the page itself).
The expected values are always the gold's (the main report's own tables).

Scoring follows ``shared/hooks/score.py`` and ``silent.py``: a cell is right when it equals
the gold (blank = null); a wrong cell is *named* when a finding, not of a "missing" rule,
lists it or a prefix of it, else *silent*; a *false missing* is a R-TABLE-MISSING /
R-ROW-MISSING / R-SECTIONS finding naming a cell, row or table the gold has; a *false
accusation* is an arithmetic finding (R-SUM-ROW, R-SUM-RESULTS, R-BALANCE, R-REVIEW-TOTAL,
R-SUBTOTAL, R-CARRY-*) that the gold's own values do not raise on the cells it names.

usage: python -m tests.blindextra --out DIR [--score] [--shapes a,b] [--styles tab,md]
       [--golds 000,hongze] [--show N]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import subprocess
import sys
import zlib
from pathlib import Path

from tests.gold import flatten, same

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
if not SAMPLES.is_dir():
    SAMPLES = Path("/work/shared/samples")

TABLES = ("active.", "active2019.", "requests.", "reviews.")
MISSING_RULES = {"R-TABLE-MISSING", "R-ROW-MISSING"}
SECTION_OF = {
    "sections.s2": ("active.", "active2019."),
    "sections.s3": ("requests.",),
    "sections.s4": ("reviews.",),
}
ARITH_RULES = {
    "R-SUM-ROW",
    "R-SUM-RESULTS",
    "R-BALANCE",
    "R-REVIEW-TOTAL",
    "R-SUBTOTAL",
    "R-CARRY-PROCESSED",
    "R-CARRY-FORWARD-NEW",
}

COLS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
APPL = COLS[:-1]
ORGS = COLS[1:-1]
DENIED = (
    ("state_secret", "1.属于国家秘密"),
    ("law_forbidden", "2.其他法律行政法规禁止公开"),
    ("safety_stability", "3.危及“三安全一稳定”"),
    ("third_party", "4.保护第三方合法权益"),
    ("internal_affairs", "5.属于三类内部事务信息"),
    ("process_info", "6.属于四类过程性信息"),
    ("enforcement_file", "7.属于行政执法案卷"),
    ("admin_query", "8.属于行政查询事项"),
)
UNABLE = (
    ("not_held", "1.本机关不掌握相关政府信息"),
    ("needs_creation", "2.没有现成信息需要另行制作"),
    ("unclear", "3.补正后申请内容仍不明确"),
)
REJECTED = (
    ("petition", "1.信访举报投诉类申请"),
    ("duplicate", "2.重复申请"),
    ("publication", "3.要求提供公开出版物"),
    ("excessive", "4.无正当理由大量反复申请"),
    ("confirm", "5.要求行政机关确认或重新出具已获取信息"),
)
OTHER = (
    ("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("misc", "3.其他"),
)
GROUPS = (("denied", "（三）不予公开", DENIED), ("unable", "（四）无法提供", UNABLE))
GROUPS2 = (("rejected", "（五）不予处理", REJECTED),)
RES21 = (
    ["granted", "partial"]
    + [f"denied.{k}" for k, _ in DENIED]
    + [f"unable.{k}" for k, _ in UNABLE]
    + [f"rejected.{k}" for k, _ in REJECTED]
    + [f"other.{k}" for k, _ in OTHER]
)
REVIEW_GROUPS = ("reconsideration", "litigation_direct", "litigation_after")
REVIEW_FIELDS = ("upheld", "corrected", "other", "pending", "total")
REVIEW_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
SECTION_HEADS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
STYLES = ("tab", "lines", "md", "html")
UNITS = (
    "发展和改革局",
    "教育局",
    "公安局",
    "自然资源和规划局",
    "住房和城乡建设局",
    "人力资源和社会保障局",
    "生态环境分局",
    "市场监督管理局",
    "卫生健康委员会",
    "交通运输局",
)


# ---------------------------------------------------------------- golds
def gold_files() -> list[Path]:
    """Every gold beside a sample document (top level and peer/)."""
    return sorted(SAMPLES.glob("*.gold.json")) + sorted((SAMPLES / "peer").glob("*.gold.json"))


def gold_name(path: Path) -> str:
    return path.name[: -len(".gold.json")]


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def cell(gold: dict, key: str) -> int | float | None:
    """The gold value of a cell; blank and absent are None."""
    if key in set(gold.get("blank", [])):
        return None
    v = gold.get(key)
    return v if isinstance(v, (int, float)) else None


def fmt(v: int | float | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(int(v))


def num(v: int | float | None) -> int:
    return 0 if v is None else int(v)


def is_mixed(gold: dict) -> bool:
    return any(k.startswith("requests.other.") and k.count(".") == 2 for k in gold) and not any(
        k.startswith("requests.other.misc.") for k in gold
    )


def agency(gold: dict) -> str:
    return gold.get("meta.agency") or "沭阳县人民政府"


def year(gold: dict) -> int:
    return int(gold.get("meta.year") or 2023)


def place(gold: dict) -> str:
    """The jurisdiction's name for unit names (县/区/市 prefix)."""
    a = agency(gold)
    m = re.match(r"(.+?[省市县区])", a)
    return m.group(1) if m else a[:3]


# ---------------------------------------------------------------- tables
class Cell:
    __slots__ = ("text", "rs", "cs")

    def __init__(self, text: str, rs: int = 1, cs: int = 1) -> None:
        self.text, self.rs, self.cs = text, rs, cs


Table = list[list[Cell]]
Block = str | tuple[str, Table]  # a paragraph, or ("table", rows)


def c(text: object = "", rs: int = 1, cs: int = 1) -> Cell:
    return Cell(str(text), rs, cs)


def vals(gold: dict, row: str, cols: tuple[str, ...] = COLS) -> list[Cell]:
    return [c(fmt(cell(gold, f"requests.{row}.{col}"))) for col in cols]


def active_table(gold: dict, extra: bool = False, rnd: random.Random | None = None) -> Table:
    """表二 of the 2021 layout; with ``extra`` each row gains 上年数 and 同比增减 columns."""
    rnd = rnd or random.Random(0)
    w = 6 if extra else 4
    t: Table = []

    def prev_delta(v: int | float | None) -> list[Cell]:
        if not extra:
            return []
        if v is None:
            return [c(""), c("")]
        p = max(0, int(v) + rnd.randint(-5, 5)) if v < 50 else int(v * rnd.uniform(0.8, 1.2))
        d = int(v) - p
        return [c(p), c(f"{d:+d}" if rnd.random() < 0.5 else f"{(d / p * 100 if p else 0):.1f}%")]

    t.append([c("第二十条第（一）项", cs=w)])
    head = [c("信息内容"), c("本年制发件数"), c("本年废止件数"), c("现行有效件数")]
    if extra:
        head += [c("上年现行有效件数"), c("同比增减")]
    t.append(head)
    for key, label in (("regulations", "规章"), ("normative", "行政规范性文件")):
        row = [c(label)] + [
            c(fmt(cell(gold, f"active.{key}.{f}"))) for f in ("issued", "repealed", "in_force")
        ]
        t.append(row + prev_delta(cell(gold, f"active.{key}.in_force")))
    for item, rows, colname in (
        ("第二十条第（五）项", (("licensing", "行政许可"),), "本年处理决定数量"),
        (
            "第二十条第（六）项",
            (("penalty", "行政处罚"), ("coercion", "行政强制")),
            "本年处理决定数量",
        ),
        ("第二十条第（八）项", (("fees", "行政事业性收费"),), "本年收费金额（单位：万元）"),
    ):
        t.append([c(item, cs=w)])
        h = [c("信息内容"), c(colname, cs=3)]
        if extra:
            h += [c("上年数"), c("同比增减")]
        t.append(h)
        for key, label in rows:
            v = cell(gold, f"active.{key}")
            t.append([c(label), c(fmt(v), cs=3)] + prev_delta(v))
    return t


def requests_table(
    gold: dict,
    extra: bool = False,
    rnd: random.Random | None = None,
    values: dict | None = None,
    overspan: int = 0,
) -> Table:
    """表三; ``values`` overrides the gold (a sub-unit's or last year's figures)."""
    rnd = rnd or random.Random(0)
    src = values if values is not None else gold
    mixed = is_mixed(gold)
    t: Table = []
    first = [
        c("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rs=3, cs=3),
        c("申请人情况", cs=7),
    ]
    second = [c("自然人", rs=2), c("法人或其他组织", cs=5), c("总计", rs=2)]
    if extra:
        first.append(c("上年总计", rs=3))
        first.append(c("同比增减", rs=3))
    t += [
        first,
        second,
        [c(x) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]

    def data(row: str) -> list[Cell]:
        out = vals(src, row)
        if extra:
            tot = cell(src, f"requests.{row}.total")
            p = None if tot is None else max(0, int(tot) + rnd.randint(-3, 9))
            d = "" if tot is None or p is None else f"{int(tot) - p:+d}"
            out += [c(fmt(p)), c(d)]
        return out

    # rows under 三、本年度办理结果, （七）总计 included (``overspan``: an editor's rowspan that
    # runs on over 四、结转下年度继续办理, as some published pages have)
    n_res = (22 if not mixed else 20) + overspan
    t.append([c("一、本年新收政府信息公开申请数量", cs=3)] + data("new"))
    t.append([c("二、上年结转政府信息公开申请数量", cs=3)] + data("carried_over"))
    t.append([c("三、本年度办理结果", rs=n_res), c("（一）予以公开", cs=2)] + data("granted"))
    t.append(
        [c("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", cs=2)] + data("partial")
    )
    for gid, glabel, rows in GROUPS + GROUPS2:
        for i, (rid, rlabel) in enumerate(rows):
            lead = [c(glabel, rs=len(rows))] if i == 0 else []
            t.append(lead + [c(rlabel)] + data(f"{gid}.{rid}"))
    if mixed:
        t.append([c("（六）其他处理", cs=2)] + data("other"))
    else:
        for i, (rid, rlabel) in enumerate(OTHER):
            lead = [c("（六）其他处理", rs=3)] if i == 0 else []
            t.append(lead + [c(rlabel)] + data(f"other.{rid}"))
    t.append([c("（七）总计", cs=2)] + data("processed_total"))
    t.append([c("四、结转下年度继续办理", cs=3)] + data("carried_forward"))
    return t


def reviews_table(
    gold: dict,
    values: dict | None = None,
    year_rows: tuple[str, str] | None = None,
    prev: dict | None = None,
) -> Table:
    src = values if values is not None else gold
    lead = [c("", rs=3)] if year_rows else []
    t: Table = [
        lead + [c("行政复议", cs=5), c("行政诉讼", cs=10)],
        [c(x, rs=2) for x in REVIEW_LABELS] + [c("未经复议直接起诉", cs=5), c("复议后起诉", cs=5)],
        [c(x) for x in REVIEW_LABELS * 2],
    ]
    row = [c(fmt(cell(src, f"reviews.{g}.{f}"))) for g in REVIEW_GROUPS for f in REVIEW_FIELDS]
    if year_rows and prev is not None:
        prow = [
            c(fmt(cell(prev, f"reviews.{g}.{f}"))) for g in REVIEW_GROUPS for f in REVIEW_FIELDS
        ]
        t.append([c(year_rows[0])] + row)
        t.append([c(year_rows[1])] + prow)
    else:
        t.append(row)
    return t


# ---------------------------------------------------------------- other figures
def other_values(gold: dict, rnd: random.Random, scale: float) -> dict:
    """A consistent set of table figures for another report (a sub-unit's, last year's)."""
    mixed = is_mixed(gold)
    out: dict = {}
    res = [r for r in RES21 if not (mixed and r.startswith("other."))] + (
        ["other"] if mixed else []
    )
    tot_new = max(2, int(num(cell(gold, "requests.new.total")) * scale) + rnd.randint(0, 4))
    nat = {r: 0 for r in res}
    org = {r: 0 for r in res}
    picks = ["granted", "partial", "unable.not_held", "rejected.petition", "denied.third_party"]
    for _ in range(tot_new):
        r = rnd.choice(picks)
        if rnd.random() < 0.8:
            nat[r] += 1
        else:
            org[r] += 1
    co = rnd.randint(0, 2)
    cf = rnd.randint(0, co + 1)
    for col in COLS:
        for r in res:
            v = (
                nat[r]
                if col == "natural"
                else org[r]
                if col == "commercial"
                else nat[r] + org[r]
                if col == "total"
                else 0
            )
            out[f"requests.{r}.{col}"] = v
    pt_nat = sum(nat.values())
    pt_org = sum(org.values())
    proc = {"natural": pt_nat, "commercial": pt_org, "total": pt_nat + pt_org}
    for col in COLS:
        p = proc.get(col, 0)
        out[f"requests.processed_total.{col}"] = p
        cov = co if col in ("natural", "total") else 0
        cfv = cf if col in ("natural", "total") else 0
        cfv = min(cfv, p + cov)
        out[f"requests.carried_over.{col}"] = cov
        out[f"requests.carried_forward.{col}"] = cfv
        out[f"requests.new.{col}"] = p + cfv - cov
    for g in REVIEW_GROUPS:
        u, k = rnd.randint(0, 3), rnd.randint(0, 1)
        for f, v in zip(REVIEW_FIELDS, (u, k, 0, 0, u + k), strict=True):
            out[f"reviews.{g}.{f}"] = v
    for key in ("regulations", "normative"):
        i = rnd.randint(0, 3)
        out[f"active.{key}.issued"] = 0 if key == "regulations" else i
        out[f"active.{key}.repealed"] = 0
        out[f"active.{key}.in_force"] = 0 if key == "regulations" else i + rnd.randint(2, 20)
    for key in ("licensing", "penalty", "coercion"):
        out[f"active.{key}"] = rnd.randint(0, 300)
    out["active.fees"] = round(rnd.uniform(0, 50), 2)
    return out


def derived(gold: dict, group: str, col: str = "total") -> int:
    if group == "other" and is_mixed(gold):
        return num(cell(gold, f"requests.other.{col}"))
    rows = {"denied": DENIED, "unable": UNABLE, "rejected": REJECTED, "other": OTHER}[group]
    return sum(num(cell(gold, f"requests.{group}.{r}.{col}")) for r, _ in rows)


def split(total: int, n: int, rnd: random.Random) -> list[int]:
    cuts = sorted(rnd.randint(0, total) for _ in range(n - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    return parts


def dept_table(gold: dict, rnd: random.Random) -> tuple[str, Table]:
    """各单位依申请公开情况: per-unit rows that add up to the gold's totals, plus 合计."""
    p = place(gold)
    units = [p + u for u in rnd.sample(UNITS, 5)]
    cols = (
        ("新收申请", num(cell(gold, "requests.new.total"))),
        ("上年结转", num(cell(gold, "requests.carried_over.total"))),
        ("予以公开", num(cell(gold, "requests.granted.total"))),
        ("部分公开", num(cell(gold, "requests.partial.total"))),
        ("不予公开", derived(gold, "denied")),
        ("无法提供", derived(gold, "unable")),
        ("不予处理", derived(gold, "rejected")),
        ("其他处理", derived(gold, "other")),
        ("办结总数", num(cell(gold, "requests.processed_total.total"))),
        ("结转下年度", num(cell(gold, "requests.carried_forward.total"))),
    )
    parts = [split(v, len(units), rnd) for _, v in cols]
    t: Table = [[c("序号"), c("单位名称")] + [c(h) for h, _ in cols]]
    for i, u in enumerate(units):
        t.append([c(i + 1), c(u)] + [c(parts[j][i]) for j in range(len(cols))])
    t.append([c("合计", cs=2)] + [c(v) for _, v in cols])
    return f"{year(gold)}年度各单位政府信息公开申请办理情况统计表", t


def platform_table(gold: dict, rnd: random.Random) -> tuple[list[Block], int]:
    web, weibo, wx, tt = (rnd.randint(200, 9000) for _ in range(4))
    tot = web + weibo + wx + tt
    t: Table = [
        [c("发布平台"), c("发布信息条数"), c("同比增减"), c("浏览量（万人次）")],
        [c("政府网站"), c(web), c(f"{rnd.uniform(-20, 30):.1f}%"), c(f"{rnd.uniform(1, 900):.2f}")],
        [
            c("政务微博"),
            c(weibo),
            c(f"{rnd.uniform(-20, 30):.1f}%"),
            c(f"{rnd.uniform(1, 90):.2f}"),
        ],
        [
            c("政务微信公众号"),
            c(wx),
            c(f"{rnd.uniform(-20, 30):.1f}%"),
            c(f"{rnd.uniform(1, 90):.2f}"),
        ],
        [
            c("政务头条号、抖音号"),
            c(tt),
            c(f"{rnd.uniform(-20, 30):.1f}%"),
            c(f"{rnd.uniform(1, 90):.2f}"),
        ],
        [c("合计"), c(tot), c(""), c("")],
    ]
    return [
        f"全年通过政府网站、政务新媒体等平台主动公开政府信息{tot}条，其中政府网站发布{web}条，"
        f"政务微博发布{weibo}条，政务微信发布{wx}条。各平台发布情况如下：",
        ("table", t),
    ], tot


def proposals_table(gold: dict, rnd: random.Random) -> list[Block]:
    a, b = rnd.randint(5, 120), rnd.randint(5, 150)
    t: Table = [
        [
            c("类别"),
            c("承办件数"),
            c("主办件数"),
            c("协办件数"),
            c("办结率"),
            c("满意率"),
            c("公开件数"),
        ],
        [c("人大代表建议")] + [c(x) for x in (a, a - a // 3, a // 3, "100%", "98.5%", a)],
        [c("政协委员提案")] + [c(x) for x in (b, b - b // 4, b // 4, "100%", "97%", b)],
        [c("合计")]
        + [c(x) for x in (a + b, a + b - a // 3 - b // 4, a // 3 + b // 4, "100%", "—", a + b)],
    ]
    return [
        "（一）人大代表建议和政协提案办理结果公开情况",
        f"{year(gold)}年共承办人大代表建议{a}件、政协提案{b}件，均已按期办结，办结率100%，"
        "对涉及公共利益、公众权益的建议提案办理复文全部予以公开。",
        ("table", t),
    ]


def prose_paras(gold: dict, rnd: random.Random) -> dict[int, list[str]]:
    """Numbers in prose: restated, rounded and contradicted."""
    new = num(cell(gold, "requests.new.total"))
    co = num(cell(gold, "requests.carried_over.total"))
    pt = num(cell(gold, "requests.processed_total.total"))
    gr = num(cell(gold, "requests.granted.total"))
    nat = num(cell(gold, "requests.new.natural"))
    rec = num(cell(gold, "reviews.reconsideration.total"))
    lit = num(cell(gold, "reviews.litigation_direct.total")) + num(
        cell(gold, "reviews.litigation_after.total")
    )
    lic = num(cell(gold, "active.licensing"))
    pen = num(cell(gold, "active.penalty"))
    rate = f"{(gr / pt * 100 if pt else 0):.1f}%"
    rounded = round(new, -1) if new >= 20 else new + 1
    return {
        0: [
            f"{year(gold)}年，全年主动公开政府信息{rnd.randint(1000, 20000)}条，同比增长{rnd.randint(2, 40)}%；"
            f"共受理政府信息公开申请{new + co}件（含上年结转{co}件），同比增长{rnd.randint(1, 60)}%，"
            f"已全部按时答复，按时答复率100%。",
            f"全年召开政务公开工作专题会议{rnd.randint(2, 9)}次，组织培训{rnd.randint(1, 8)}场次、"
            f"参训人员{rnd.randint(80, 900)}人次，开展政策解读{rnd.randint(20, 300)}篇，其中图解{rnd.randint(5, 60)}篇。",
        ],
        1: [
            f"全年公开行政许可信息{lic}条、行政处罚信息{pen}条，比上年分别增加{rnd.randint(1, 99)}条和{rnd.randint(1, 99)}条。",
        ],
        2: [
            f"本年度共收到政府信息公开申请约{rounded}件，其中自然人申请{nat}件；上年结转{co}件。"
            f"全年办结{pt + rnd.choice((0, 2))}件，予以公开{gr}件，公开率{rate}，"
            f"与{year(gold) - 1}年相比增加{rnd.randint(1, 30)}件，增幅{rnd.randint(3, 80)}.{rnd.randint(0, 9)}%。",
        ],
        3: [
            f"全年发生政府信息公开行政复议{rec}件、行政诉讼{lit}件，"
            f"较上年分别减少{rnd.randint(0, 5)}件和{rnd.randint(0, 5)}件，无被纠错案件。",
        ],
    }


def numbered_lists(gold: dict) -> dict[int, list[str]]:
    """Numbered lists whose lines read like rows of the form."""
    g = lambda k: num(cell(gold, k))  # noqa: E731
    lines3 = [
        "（一）收到申请情况",
        f"1.本年新收政府信息公开申请数量：{g('requests.new.total')}件，其中自然人{g('requests.new.natural')}件。",
        f"2.上年结转政府信息公开申请数量：{g('requests.carried_over.total')}件。",
        "（二）办理结果情况",
        f"1.予以公开 {g('requests.granted.total')}件；",
        f"2.部分公开 {g('requests.partial.total')}件；",
        f"3.不予公开 {derived(gold, 'denied')}件；",
        f"4.无法提供 {derived(gold, 'unable')}件；",
        f"5.不予处理 {derived(gold, 'rejected')}件；",
        f"6.其他处理 {derived(gold, 'other')}件。",
        f"结转下年度继续办理{g('requests.carried_forward.total')}件。",
    ]
    lines2 = [
        "主动公开重点领域信息情况：",
        f"1.规章 {g('active.regulations.in_force')}件（现行有效）",
        f"2.行政规范性文件 {g('active.normative.in_force')}件（现行有效）",
        f"3.行政许可 {g('active.licensing')}条",
        f"4.行政处罚 {g('active.penalty')}条",
    ]
    lines4 = [
        f"1.行政复议 {g('reviews.reconsideration.total')}件，其中结果维持{g('reviews.reconsideration.upheld')}件；",
        f"2.行政诉讼 {g('reviews.litigation_direct.total') + g('reviews.litigation_after.total')}件。",
    ]
    return {1: lines2, 2: lines3, 3: lines4}


def prev_summary(gold: dict, rnd: random.Random) -> list[Block]:
    y = year(gold)
    rows = (
        ("一、本年新收政府信息公开申请数量", "requests.new.total"),
        ("二、上年结转政府信息公开申请数量", "requests.carried_over.total"),
        ("（一）予以公开", "requests.granted.total"),
        ("（七）总计", "requests.processed_total.total"),
        ("四、结转下年度继续办理", "requests.carried_forward.total"),
        ("行政复议", "reviews.reconsideration.total"),
    )
    t: Table = [[c("指标"), c(f"{y}年"), c(f"{y - 1}年"), c("增减")]]
    for label, key in rows:
        v = num(cell(gold, key))
        p = max(0, v + rnd.randint(-6, 6))
        t.append([c(label), c(v), c(p), c(f"{v - p:+d}")])
    return [f"{y}年与{y - 1}年依申请公开主要数据对比如下：", ("table", t)]


def sub_report(gold: dict, rnd: random.Random) -> list[tuple[str, list[Block]]]:
    sub = place(gold) + "政务服务管理局"
    y = year(gold)
    v = other_values(gold, rnd, 0.1)
    return [
        ("title", [f"{sub}{y}年政府信息公开工作年度报告"]),
        (
            SECTION_HEADS[0],
            [
                f"{y}年，{sub}认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开信息{rnd.randint(50, 900)}条。"
            ],
        ),
        (SECTION_HEADS[1], [("table", active_table(v))]),
        (SECTION_HEADS[2], [("table", requests_table(gold, values=v))]),
        (SECTION_HEADS[3], [("table", reviews_table(gold, values=v))]),
        (SECTION_HEADS[4], ["存在的问题是公开内容不够全面。下一步将加强培训，提升公开质量。"]),
        (SECTION_HEADS[5], ["本单位未收取信息处理费。"]),
    ]


def annex(gold: dict, rnd: random.Random) -> list[Block]:
    cats = ("机构职能", "政策文件", "规划计划", "财政预决算", "人事信息", "重大项目", "公共服务")
    nums = [rnd.randint(3, 400) for _ in cats]
    t1: Table = [[c("序号"), c("信息类别"), c("公开条数")]]
    t1 += [[c(i + 1), c(k), c(n)] for i, (k, n) in enumerate(zip(cats, nums, strict=True))]
    t1.append([c("合计", cs=2), c(sum(nums))])
    t2: Table = [
        [c("序号"), c("申请日期"), c("申请人类型"), c("申请内容"), c("答复日期"), c("办理结果")]
    ]
    kinds = ("予以公开", "部分公开", "本机关不掌握相关政府信息", "信访举报投诉类申请")
    y = year(gold)
    for i in range(min(6, max(1, num(cell(gold, "requests.new.total"))))):
        m = rnd.randint(1, 11)
        t2.append(
            [
                c(i + 1),
                c(f"{y}-{m:02d}-{rnd.randint(1, 28):02d}"),
                c(rnd.choice(("自然人", "商业企业"))),
                c("征收补偿相关文件"),
                c(f"{y}-{m + 1:02d}-{rnd.randint(1, 28):02d}"),
                c(rnd.choice(kinds)),
            ]
        )
    return [
        "附件1：主动公开政府信息分类统计表",
        ("table", t1),
        "附件2：政府信息公开申请办理明细表",
        ("table", t2),
    ]


# ---------------------------------------------------------------- document
SHAPES = (
    "base",
    "dept_before",
    "dept_after",
    "platform",
    "proposals",
    "extra_cols",
    "year_rows",
    "prose",
    "prev_summary",
    "prev_table",
    "numbered",
    "sub_report",
    "annex",
    "overspan",
    "combo",
)


def build(gold: dict, shape: str, rnd: random.Random) -> list[tuple[str, list[Block]]]:
    """The report as (heading, blocks) parts; 'title' and 'closing' are not sections."""
    wanted = set(shape.split("+"))
    on = lambda s: s in wanted or ("combo" in wanted and s != "overspan")  # noqa: E731
    y = year(gold)
    ag = agency(gold)
    secs: list[list[Block]] = [[] for _ in range(6)]
    secs[0].append(
        f"{y}年，{ag}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
        "不断深化政务公开，强化政府信息管理，加强平台建设，完善监督保障，落实考核、社会评议和责任追究制度。"
    )
    if on("prose"):
        for i, ps in prose_paras(gold, rnd).items():
            secs[i] = list(ps) + secs[i]
    if on("platform"):
        blocks, _ = platform_table(gold, rnd)
        secs[0] += blocks
    lists = numbered_lists(gold) if on("numbered") else {}
    secs[1] += lists.get(1, [])
    secs[1].append(("table", active_table(gold, extra=on("extra_cols"), rnd=rnd)))
    if on("platform"):
        blocks, _ = platform_table(gold, rnd)
        secs[1] += ["政务新媒体发布情况：", *blocks[1:]]
    if on("prev_summary"):
        secs[2] += prev_summary(gold, rnd)
    secs[2] += lists.get(2, [])
    if on("dept_before"):
        title, t = dept_table(gold, rnd)
        secs[2] += [title, ("table", t)]
    over = int(on("overspan"))
    secs[2].append(("table", requests_table(gold, extra=on("extra_cols"), rnd=rnd, overspan=over)))
    if on("dept_after"):
        title, t = dept_table(gold, rnd)
        secs[2] += [title, ("table", t)]
    if on("prev_table"):
        pv = other_values(gold, rnd, 0.9)
        secs[2] += [
            f"附：{y - 1}年度收到和处理政府信息公开申请情况（供对比）",
            ("table", requests_table(gold, values=pv)),
        ]
    secs[3] += lists.get(3, [])
    if on("year_rows"):
        pv = other_values(gold, rnd, 1.0)
        secs[3].append(
            ("table", reviews_table(gold, year_rows=(f"{y}年度", f"{y - 1}年度"), prev=pv))
        )
    else:
        secs[3].append(("table", reviews_table(gold)))
    secs[4].append(
        "一是公开内容的全面性有待提高；二是政策解读形式较为单一。下一步，将加强业务培训，丰富解读形式，持续提升政务公开质效。"
    )
    if on("proposals"):
        secs[5] += proposals_table(gold, rnd)
    secs[5].append("本年度未收取信息处理费，未发出收费通知。")
    parts: list[tuple[str, list[Block]]] = [("title", [f"{ag}{y}年政府信息公开工作年度报告"])]
    parts += [(h, b) for h, b in zip(SECTION_HEADS, secs, strict=True)]
    parts.append(
        ("closing", [f"本报告统计期限为{y}年1月1日至{y}年12月31日。", f"{ag}", f"{y + 1}年1月20日"])
    )
    if on("annex"):
        parts.append(("closing", annex(gold, rnd)))
    if on("sub_report"):
        parts += sub_report(gold, rnd)
    return parts


# ---------------------------------------------------------------- renderers
def grid(t: Table) -> list[list[str | None]]:
    """Expand spans: a cell's text at its top-left, None under its span."""
    out: list[list[str | None]] = []
    taken: dict[tuple[int, int], bool] = {}
    for r, row in enumerate(t):
        line: list[str | None] = []
        col = 0
        for cl in row:
            while taken.get((r, col)):
                line.append(None)
                col += 1
            line.append(cl.text)
            for dr in range(cl.rs):
                for dc in range(cl.cs):
                    if dr or dc:
                        taken[(r + dr, col + dc)] = True
            line += [None] * (cl.cs - 1)
            col += cl.cs
        while taken.get((r, col)):
            line.append(None)
            col += 1
        out.append(line)
    width = max(len(x) for x in out)
    return [x + [None] * (width - len(x)) for x in out]


def render_table(t: Table, style: str) -> str:
    if style == "html":
        rows = []
        for row in t:
            tds = "".join(
                f"<td{f' rowspan={cl.rs}' if cl.rs > 1 else ''}{f' colspan={cl.cs}' if cl.cs > 1 else ''}>{html.escape(cl.text)}</td>"
                for cl in row
            )
            rows.append(f"<tr>{tds}</tr>")
        return '<table border="1" cellspacing="0">\n' + "\n".join(rows) + "\n</table>"
    if style == "tab":
        return "\n".join("\t".join(cl.text for cl in row) for row in t)
    if style == "lines":
        return "\n\n".join("\n".join("\t" + cl.text for cl in row) for row in t)
    g = grid(t)
    lines = ["| " + " | ".join(x or "" for x in row) + " |" for row in g]
    lines.insert(1, "|" + "---|" * len(g[0]))
    return "\n".join(lines)


def render(parts: list[tuple[str, list[Block]]], style: str) -> str:
    out: list[str] = []
    for head, blocks in parts:
        if head == "title":
            out.append(
                f"<h1>{blocks[0]}</h1>"
                if style == "html"
                else (f"# {blocks[0]}" if style == "md" else str(blocks[0]))
            )
            continue
        if head != "closing":
            out.append(
                f"<h2>{head}</h2>" if style == "html" else (f"## {head}" if style == "md" else head)
            )
        for b in blocks:
            if isinstance(b, tuple):
                out.append(render_table(b[1], style))
            else:
                out.append(f"<p>{html.escape(b)}</p>" if style == "html" else b)
    if style == "html":
        return (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>政府信息公开工作年度报告</title></head><body>\n<div class="article">\n'
            + "\n".join(out)
            + "\n</div>\n</body></html>\n"
        )
    sep = "\n\n" if style in ("md", "lines") else "\n"
    return sep.join(out) + "\n"


EXT = {"tab": ".txt", "lines": ".txt", "md": ".md", "html": ".html"}


def generate(
    out: Path,
    shapes: tuple[str, ...] = SHAPES,
    styles: tuple[str, ...] = STYLES,
    golds: tuple[str, ...] = (),
) -> list[tuple[Path, Path, str, str]]:
    """Write the documents; returns (document, gold, shape, style) rows."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for gp in gold_files():
        name = gold_name(gp)
        if golds and not any(name.startswith(x) for x in golds):
            continue
        gold = load_gold(gp)
        for shape in shapes:
            for style in styles:
                rnd = random.Random(zlib.crc32(f"{name}|{shape}".encode()))
                text = render(build(gold, shape, rnd), style)
                doc = out / f"{name}__{shape}__{style}{EXT[style]}"
                doc.write_text(text, encoding="utf-8")
                rows.append((doc, gp, shape, style))
    return rows


# ---------------------------------------------------------------- scoring
# flatten and same: tests/gold.py's, as the shared hooks compare


def covers(ref: str, key: str) -> bool:
    if ref == key or key.startswith(ref + "."):
        return True
    return any(key.startswith(p) for p in SECTION_OF.get(ref, ()))


def gold_violations(gold: dict) -> list[tuple[str, set[str]]]:
    """The arithmetic rules that the gold's own values break, with the cells involved."""
    v = lambda k: num(cell(gold, k))  # noqa: E731
    out: list[tuple[str, set[str]]] = []
    mixed = is_mixed(gold)
    res = [r for r in RES21 if not (mixed and r.startswith("other."))] + (
        ["other"] if mixed else []
    )
    rows = ["new", "carried_over", *res, "processed_total", "carried_forward"]
    for r in rows:
        if sum(v(f"requests.{r}.{x}") for x in APPL) != v(f"requests.{r}.total"):
            out.append(("R-SUM-ROW", {f"requests.{r}.{x}" for x in COLS}))
    for x in COLS:
        col = {f"requests.{r}.{x}" for r in res} | {f"requests.processed_total.{x}"}
        if sum(v(f"requests.{r}.{x}") for r in res) != v(f"requests.processed_total.{x}"):
            out.append(("R-SUM-RESULTS", col))
        a = v(f"requests.new.{x}") + v(f"requests.carried_over.{x}")
        b = v(f"requests.processed_total.{x}") + v(f"requests.carried_forward.{x}")
        if a != b:
            out.append(
                (
                    "R-BALANCE",
                    {
                        f"requests.{r}.{x}"
                        for r in ("new", "carried_over", "processed_total", "carried_forward")
                    },
                )
            )
        if v(f"requests.processed_total.{x}") < v(f"requests.carried_over.{x}"):
            out.append(
                (
                    "R-CARRY-PROCESSED",
                    {f"requests.processed_total.{x}", f"requests.carried_over.{x}"},
                )
            )
        if v(f"requests.carried_forward.{x}") > v(f"requests.new.{x}"):
            out.append(
                ("R-CARRY-FORWARD-NEW", {f"requests.carried_forward.{x}", f"requests.new.{x}"})
            )
    for g in REVIEW_GROUPS:
        if sum(v(f"reviews.{g}.{f}") for f in REVIEW_FIELDS[:-1]) != v(f"reviews.{g}.total"):
            out.append(("R-REVIEW-TOTAL", {f"reviews.{g}.{f}" for f in REVIEW_FIELDS}))
    return out


def false_arith(gold: dict, findings: list[dict]) -> list[str]:
    viol = gold_violations(gold)
    bad = []
    for f in findings:
        rule = (f.get("rule") or "").split(".")[0]
        if rule not in ARITH_RULES:
            continue
        refs = [r for r in f.get("cells") or [] if isinstance(r, str)]
        hit = any(
            vr == rule and any(covers(r, k) or covers(k, r) for r in refs for k in cells)
            for vr, cells in viol
        )
        if not hit:
            bad.append(f"{f.get('rule')} {refs[:3]}")
    return bad


def score_doc(gold: dict, out: dict | None) -> dict:
    blanks = set(gold.get("blank", []))
    keys = [k for k in gold if k.startswith(TABLES)]
    r = {
        "cells": len(keys),
        "right": 0,
        "named": 0,
        "silent": 0,
        "false_missing": 0,
        "false_arith": 0,
        "silent_list": [],
        "false_list": [],
    }
    if out is None:
        r["silent"] = len(keys)
        r["silent_list"] = ["<no output>"]
        return r
    flat = flatten(
        {k: v for k, v in out.items() if k in ("active", "active2019", "requests", "reviews")}
    )
    findings = out.get("findings") or []
    for k in keys:
        g = None if k in blanks else gold[k]
        if k in flat and same(g, flat.get(k)):
            r["right"] += 1
            continue
        ok = any(
            (f.get("rule") or "").split(".")[0] not in MISSING_RULES
            and not (f.get("rule") or "").startswith("R-SECTIONS")
            and any(covers(cr, k) for cr in f.get("cells") or [] if isinstance(cr, str))
            for f in findings
        )
        if ok:
            r["named"] += 1
        else:
            r["silent"] += 1
            r["silent_list"].append(f"{k}: gold={g!r} got={flat.get(k, '<absent>')!r}")
    for f in findings:
        rule = (f.get("rule") or "").split(".")[0]
        if rule in MISSING_RULES or rule == "R-SECTIONS":
            refs = [cr for cr in f.get("cells") or [] if isinstance(cr, str)]
            hit = [cr for cr in refs if any(covers(cr, k) for k in keys)]
            if hit:
                r["false_missing"] += 1
                r["false_list"].append(f"{rule} {hit[:3]}")
    fa = false_arith(gold, findings)
    r["false_arith"] = len(fa)
    r["false_list"] += fa
    return r


def run_tool(docs: list[Path], cmd: list[str] | None = None, chunk: int = 40) -> dict[str, dict]:
    cmd = cmd or [sys.executable, "-m", "nianbao", "parse", "--format", "jsonl"]
    outs: dict[str, dict] = {}
    for i in range(0, len(docs), chunk):
        part = docs[i : i + chunk]
        p = subprocess.run(
            cmd + [str(d) for d in part], capture_output=True, text=True, timeout=1800
        )
        for line in p.stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    o = json.loads(line)
                except json.JSONDecodeError:
                    continue
                outs[os.path.realpath(o.get("source") or "")] = o
    return outs


def score(rows: list[tuple[Path, Path, str, str]], show: int = 0) -> dict[str, dict]:
    outs = run_tool([r[0] for r in rows])
    golds: dict[Path, dict] = {}
    per: dict[str, dict] = {}
    total = {
        "docs": 0,
        "cells": 0,
        "right": 0,
        "named": 0,
        "silent": 0,
        "false_missing": 0,
        "false_arith": 0,
    }
    for doc, gp, shape, style in rows:
        gold = golds.setdefault(gp, load_gold(gp))
        r = score_doc(gold, outs.get(os.path.realpath(doc)))
        for key in (shape, f"{shape}/{style}", "_all"):
            acc = per.setdefault(key, {k: 0 for k in total})
            acc["docs"] += 1
            for k in ("cells", "right", "named", "silent", "false_missing", "false_arith"):
                acc[k] += r[k]
        if show and (r["silent_list"] or r["false_list"]):
            print(
                f"{doc.name}: right {r['right']}/{r['cells']} silent {r['silent']} false {r['false_missing'] + r['false_arith']}"
            )
            for m in r["silent_list"][:show] + r["false_list"][:show]:
                print("    ", m)
    return per


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--score", action="store_true")
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--styles", default=",".join(STYLES))
    ap.add_argument("--golds", default="")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--by-style", action="store_true")
    a = ap.parse_args(argv)
    rows = generate(
        Path(a.out),
        tuple(x for x in a.shapes.split(",") if x),
        tuple(x for x in a.styles.split(",") if x),
        tuple(x for x in a.golds.split(",") if x),
    )
    print(f"{len(rows)} documents in {a.out}")
    if not a.score:
        return 0
    per = score(rows, a.show)
    keys = [k for k in per if k != "_all" and ("/" not in k or a.by_style)]
    print(f"{'shape':24} docs  cells  right     named silent false_missing false_arith")
    for k in [*keys, "_all"]:
        v = per[k]
        pct = 100.0 * v["right"] / v["cells"] if v["cells"] else 0.0
        print(
            f"{k:24} {v['docs']:4} {v['cells']:6} {v['right']:6} {pct:5.1f}% {v['named']:5} {v['silent']:6} {v['false_missing']:13} {v['false_arith']:11}"
        )
    a_ = per["_all"]
    return 0 if a_["silent"] == 0 and a_["false_missing"] == 0 and a_["false_arith"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
