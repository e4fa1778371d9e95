"""Invented reports in the older layout (格式（试行）, ``meta.format`` "2019") and ``mixed``
reports (2021 section 二, 2019 section 三's single （六）其他处理 row), and the ways real
2019/2020 copies write them: the labels real reports use (本年增减, 上年项目数量, 采购总金额
（万元）, 行政规范性文件 …) and the value texts (增加3, 减少2, －1, 251000元, 25.1万元).

No real 2019 sample exists; these are the adversary's golds. Each has consistent arithmetic
(section 三's columns and rows add up, section 四's groups too) so that every R-SUM-*,
R-BALANCE or R-NEGATIVE error the tool raises over them is a false accusation.

``python -m tests.golds2019`` renders every gold in every shape (tests/shapes.py), every text
style of the writer, the label and value variants, and the sample-edit edits, and prints
cells right / silent / false accusations / wrong meta.format per kind.

Over 500 lines because the golds, the label and value variants, the patched writer and the
measuring belong together: the tests and the command line use them all.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable
from typing import Any

from nianbao.report import Report
from nianbao.schema import REQUEST_ROWS_2019
from nianbao.writing.tables import _fmt_number
from nianbao.writing.writer import render

from .shapes import Rendering, _invented_requests, _invented_reviews

# ---------------------------------------------------------------------- golds


def _active2019(
    regs: tuple[int, int, int],
    norm: tuple[int, int, int],
    lic: tuple[int, int, int],
    oth: tuple[int, int, int],
    pen: tuple[int, int, int],
    coe: tuple[int, int, int],
    fees: tuple[int, int],
    proc: tuple[int, float],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for row, vals, cols in (
        ("regulations", regs, ("made", "published", "total_public")),
        ("normative", norm, ("made", "published", "total_public")),
        ("licensing", lic, ("items_prev", "items_delta", "decisions")),
        ("other_services", oth, ("items_prev", "items_delta", "decisions")),
        ("penalty", pen, ("items_prev", "items_delta", "decisions")),
        ("coercion", coe, ("items_prev", "items_delta", "decisions")),
        ("fees", fees, ("items_prev", "items_delta")),
        ("procurement", proc, ("items", "amount")),
    ):
        for c, v in zip(cols, vals):
            out[f"active2019.{row}.{c}"] = v
    return out


def _meta(title_agency: str, agency: str, year: int, published: str, fmt: str) -> dict[str, Any]:
    return {
        "meta.title": f"{title_agency}{year}年政府信息公开工作年度报告",
        "meta.agency": agency,
        "meta.year": year,
        "meta.published": published,
        "meta.format": fmt,
    }


def _zero_requests(rows: tuple[str, ...]) -> dict[str, int]:
    cols = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
    return {f"requests.{r}.{c}": 0 for r in rows for c in cols}


def _set_request(g: dict[str, Any], row: str, col: str, v: int) -> None:
    """Add ``v`` applications to one result row and column, keeping the arithmetic: the
    row's total, （七）总计, 一 (new) all grow by ``v``."""
    for r in (row, "processed_total", "new"):
        g[f"requests.{r}.{col}"] += v
        g[f"requests.{r}.total"] += v


def golds(units: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """(stem, flat gold) of the invented 2019-form and mixed reports (``units``: with
    ``active2019.procurement.amount_unit`` where the report writes one)."""
    out = _golds()
    if not units:
        out = [(s, {k: v for k, v in g.items() if not k.endswith(".amount_unit")}) for s, g in out]
    return out


def _golds() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []

    # a county government, 2019: large counts, signed deltas, an amount in 万元 with decimals
    g = _meta("青岚县人民政府", "青岚县人民政府", 2019, "2020-03-18", "2019")
    g.update(
        _active2019(
            (0, 0, 0),
            (12, 12, 148),
            (356, -3, 12034),
            (41, 2, 1877),
            (1562, 0, 603),
            (23, -1, 58),
            (14, -2),
            (46, 3258.76),
        )
    )
    g["active2019.procurement.amount_unit"] = "万元"  # printed in the column header
    g.update(_invented_requests(random.Random("g19-county"), REQUEST_ROWS_2019, 60))
    g.update(_invented_reviews(random.Random("g19-county"), 5))
    g["blank"] = []
    out.append(("g19-county", g))

    # a department, 2020: mostly zeros, a few applications, an amount in 元 (whole number)
    g = _meta("青岚县自然资源局", "青岚县自然资源局", 2020, "2021-01-29", "2019")
    g.update(
        _active2019(
            (0, 0, 0),
            (2, 2, 17),
            (38, 5, 412),
            (0, 0, 0),
            (27, -4, 96),
            (3, 0, 7),
            (2, 0),
            (9, 251000),
        )
    )
    g["active2019.procurement.amount_unit"] = "元"
    g.update(_zero_requests(REQUEST_ROWS_2019))
    _set_request(g, "granted", "natural", 7)
    _set_request(g, "partial", "natural", 1)
    _set_request(g, "unable.not_held", "natural", 3)
    _set_request(g, "other", "natural", 2)
    _set_request(g, "granted", "commercial", 1)
    g.update(_invented_reviews(random.Random("g19-dept"), 2))
    g["blank"] = []
    out.append(("g19-dept", g))

    # a township, 2019: blank cells where nothing happened, a zero amount
    g = _meta("青岚县白沙镇人民政府", "青岚县白沙镇人民政府", 2019, "2020-02-20", "2019")
    g.update(
        _active2019(
            (0, 0, 0),
            (1, 1, 6),
            (12, 0, 85),
            (5, -1, 33),
            (0, 0, 0),
            (0, 0, 0),
            (0, 0),
            (2, 18.5),
        )
    )
    g.update(_zero_requests(REQUEST_ROWS_2019))
    _set_request(g, "granted", "natural", 2)
    _set_request(g, "other", "natural", 1)
    g.update({k: 0 for k in _invented_reviews(random.Random("g19-town"), 1)})
    blanks = [f"active2019.penalty.{c}" for c in ("items_prev", "items_delta", "decisions")]
    blanks += ["active2019.fees.items_delta"]
    for b in blanks:
        g[b] = None
    g["blank"] = blanks
    out.append(("g19-town", g))

    # a city government, 2020: many applications (wide numbers), the 其他处理 row busy
    g = _meta("云溪市人民政府", "云溪市人民政府", 2020, "2021-03-26", "2019")
    g.update(
        _active2019(
            (4, 4, 61),
            (37, 37, 512),
            (1248, 17, 238406),
            (96, -12, 40213),
            (2310, -35, 18734),
            (88, 3, 1205),
            (57, -6),
            (312, 48213.0741),
        )
    )
    g["active2019.procurement.amount_unit"] = "万元"
    g.update(_invented_requests(random.Random("g19-city"), REQUEST_ROWS_2019, 700))
    g.update(_invented_reviews(random.Random("g19-city"), 40))
    g["blank"] = []
    out.append(("g19-city", g))

    # mixed, 2021: 2021 section 二, the single （六）其他处理 row with numbers
    g = _meta("青岚市教育局", "青岚市教育局", 2021, "2022-01-25", "mixed")
    g.update(
        {
            "active.regulations.issued": 0,
            "active.regulations.repealed": 0,
            "active.regulations.in_force": 0,
            "active.normative.issued": 3,
            "active.normative.repealed": 1,
            "active.normative.in_force": 22,
            "active.licensing": 146,
            "active.penalty": 12,
            "active.coercion": 0,
            "active.fees": 0,
        }
    )
    g.update(_invented_requests(random.Random("mixed-edu"), REQUEST_ROWS_2019, 25))
    g.update(_invented_reviews(random.Random("mixed-edu"), 3))
    g["blank"] = []
    out.append(("mixed-edu", g))

    # mixed, 2022: a county government with a fee in 万元 and a blank 上年结转 row
    g = _meta("青岚县", "青岚县人民政府", 2022, "2023-03-30", "mixed")
    g.update(
        {
            "active.regulations.issued": 0,
            "active.regulations.repealed": 0,
            "active.regulations.in_force": 0,
            "active.normative.issued": 9,
            "active.normative.repealed": 4,
            "active.normative.in_force": 71,
            "active.licensing": 20877,
            "active.penalty": 1315,
            "active.coercion": 42,
            "active.fees": 963.0815,
        }
    )
    req = _invented_requests(random.Random("mixed-county"), REQUEST_ROWS_2019, 80)
    cols = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
    for c in cols:  # nothing carried over: the row printed blank, 一 = 三 + 四
        req[f"requests.new.{c}"] += req[f"requests.carried_over.{c}"]
        req[f"requests.carried_over.{c}"] = None
    g.update(req)
    g.update(_invented_reviews(random.Random("mixed-county"), 4))
    g["blank"] = [f"requests.carried_over.{c}" for c in cols]
    out.append(("mixed-county", g))
    return out


# ---------------------------------------------------------------------- label variants
# (old label, variant) pairs real 2019/2020 reports print; applied inside section 二 (s2)
# or section 三 (s3)
LABEL_VARIANTS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "zengjian": ("s2", (("本年增/减", "本年增减"),)),
    "zengjian-paren": ("s2", (("本年增/减", "本年增（减）"),)),
    "zengjian-shu": ("s2", (("本年增/减", "本年增/减数量"),)),
    "shangnian": ("s2", (("上一年项目数量", "上年项目数量"),)),
    "amount-wanyuan": ("s2", (("采购总金额", "采购总金额（万元）"),)),
    "amount-wanyuan-half": ("s2", (("采购总金额", "采购总金额(万元)"),)),
    "normative-2021": (
        "s2",
        (
            ("\n规范性文件", "\n行政规范性文件"),
            ("\t规范性文件", "\t行政规范性文件"),
            ("|规范性文件", "|行政规范性文件"),
            ("| 规范性文件", "| 行政规范性文件"),
            (">规范性文件", ">行政规范性文件"),
        ),
    ),
    "decisions-ben": ("s2", (("处理决定数量", "本年处理决定数量"),)),
    "units-jian": (
        "s2",
        (
            ("本年新制作数量", "本年新制作数量（件）"),
            ("本年新公开数量", "本年新公开数量（件）"),
            ("对外公开总数量", "对外公开总数量（件）"),
        ),
    ),
    "item-no-paren": ("s2", (("第二十条第（", "第二十条第"), ("）项", "项"))),
    "item-half": ("s2", (("第二十条第（", "第二十条第("), ("）项", ")项"))),
    "other-no-ordinal": ("s3", (("（六）其他处理", "其他处理"),)),
    "other-half": ("s3", (("（六）其他处理", "(六)其他处理"),)),
    "other-spaced": ("s3", (("（六）其他处理", "（六）其 他 处 理"),)),
}

_S2 = re.compile(r"二、\s*主动公开政府信息情况")
_S3 = re.compile(r"三、\s*收到和处理政府信息公开申请情况")
_S4 = re.compile(r"四、\s*政府信息公开行政复议")


def _span(text: str, sec: str) -> tuple[int, int]:
    a = _S2 if sec == "s2" else _S3
    b = _S3 if sec == "s2" else _S4
    m = a.search(text)
    start = m.end() if m else 0
    n = b.search(text, start)
    return start, n.start() if n else len(text)


def with_labels(text: str, variant: str) -> str:
    sec, pairs = LABEL_VARIANTS[variant]
    a, b = _span(text, sec)
    body = text[a:b]
    for old, new in pairs:
        body = body.replace(old, new)
    return text[:a] + body + text[b:]


# ---------------------------------------------------------------------- value variants
_NUM = re.compile(r"[+\-－]?\d+(?:\.\d+)?")


def _revalue(text: str, label: str, nth: int, new: str) -> str | None:
    """Replace the ``nth`` number printed after ``label`` in section 二 with ``new``."""
    a, b = _span(text, "s2")
    at = text.find(label, a, b)
    if at < 0:
        return None
    pos = at + len(label)
    for k, m in enumerate(_NUM.finditer(text, pos, b)):
        if k == nth:
            return text[: m.start()] + new + text[m.end() :]
    return None


def _delta_text(v: int, how: str) -> str:
    if how == "words":
        return f"增加{v}" if v > 0 else f"减少{-v}" if v < 0 else "0"
    if how == "plus":
        return f"+{v}" if v > 0 else str(v)
    if how == "fullminus":
        return f"＋{v}" if v > 0 else f"－{-v}" if v < 0 else "0"
    return str(v)


_DELTA_ROWS = (
    ("行政许可", "licensing"),
    ("其他对外管理服务事项", "other_services"),
    ("行政处罚", "penalty"),
    ("行政强制", "coercion"),
    ("行政事业性收费", "fees"),
)


def with_values(text: str, gold: dict[str, Any], how: str) -> str | None:
    """Section 二's 2019 cells written the ways reports write them (None: not applicable)."""
    if gold.get("meta.format") != "2019":
        return None
    blank = set(gold.get("blank") or [])
    if how in ("words", "plus", "fullminus"):
        for label, row in _DELTA_ROWS:
            fid = f"active2019.{row}.items_delta"
            if fid in blank or f"active2019.{row}.items_prev" in blank:
                continue
            new = _revalue(text, label, 1, _delta_text(int(gold[fid]), how))
            if new is None:
                return None
            text = new
        return text
    amount = gold.get("active2019.procurement.amount")
    if amount is None:
        return None
    shown = _fmt_number(amount)
    unit = {"amount-yuan": "元", "amount-wanyuan": "万元"}[how]
    return _revalue(text, "政府集中采购", 1, shown + unit)


# ---------------------------------------------------------------------- label cells
# cell-level label variants (the whole cell text replaced) for the writer's tables, so that
# every shape of tests/shapes.py prints them; "" blanks the cell
CELL_VARIANTS: dict[str, dict[str, str]] = {
    "old-columns": {
        "本年增/减": "本年增减",
        "上一年项目数量": "上年项目数量",
        "处理决定数量": "本年处理决定数量",
        "采购总金额（万元）": "采购总金额(万元)",
    },
    "old-columns-2": {
        "本年增/减": "本年增（减）",
        "本年新制作数量": "本年新制作数量（件）",
        "对外公开总数量": "对外公开总数量（件）",
        "采购总金额（元）": "采购总金额（单位：元）",
    },
    "items-half": {
        f"第二十条第（{n}）项": f"第二十条第({n})项" for n in ("一", "五", "六", "八", "九")
    },
    "normative-2021": {"规范性文件": "行政规范性文件"},
    "other-variants": {"（六）其他处理": "其他处理"},
    "no-column-headers": {
        x: ""
        for x in (
            "信息内容",
            "本年新制作数量",
            "本年新公开数量",
            "对外公开总数量",
            "上一年项目数量",
            "本年增/减",
            "处理决定数量",
            "采购项目数量",
            "采购总金额",
            "本年制发件数",
            "本年废止件数",
            "现行有效件数",
            "本年处理决定数量",
            "本年收费金额（单位：万元）",
        )
    },
}


class cell_labels:  # noqa: N801 - used as a context manager
    """Within ``with cell_labels(variant):`` the writer prints the variant's labels."""

    def __init__(self, variant: str) -> None:
        self.mapping = CELL_VARIANTS[variant]
        self.saved: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> cell_labels:
        from nianbao.writing import blocks, tables, writer

        original = tables.build_tables
        mapping = self.mapping

        def build(report: Report) -> Any:
            out = original(report)
            for t in out.values():
                for c in t.cells:
                    if c.kind == "label" and c.text in mapping:
                        c.text = mapping[c.text]
            return out

        for mod in (blocks, writer):
            if hasattr(mod, "build_tables"):
                self.saved.append((mod, "build_tables", mod.build_tables))
                mod.build_tables = build
        return self

    def __exit__(self, *exc: object) -> None:
        for mod, name, fn in self.saved:
            setattr(mod, name, fn)


# ---------------------------------------------------------------------- renderings
def writer_text(gold: dict[str, Any], style: str) -> bytes:
    return render(Report.from_flat(gold), style)


def renderings(
    kinds: tuple[str, ...] = ("shapes", "writer", "labels", "values", "edits"),
    seeds: int = 1,
    shapes: tuple[str, ...] | None = None,
    units: bool = True,
) -> list[tuple[str, Rendering]]:
    """(kind, rendering) of every invented gold in every way of printing it (``cells``: the
    shapes with the writer's labels replaced by ``CELL_VARIANTS``)."""
    from .shapes import SHAPES, render_shape
    from .test_sample_edits import EDITS

    out: list[tuple[str, Rendering]] = []
    for stem, gold in golds(units):
        if "cells" in kinds:
            for variant in CELL_VARIANTS:
                with cell_labels(variant):
                    for shape in shapes or SHAPES:
                        for seed in range(seeds):
                            r = render_shape(gold, shape, seed, stem=stem)
                            r.shape = f"{variant}/{shape}"
                            out.append(("cells", r))
        if "shapes" in kinds:
            for shape in shapes or SHAPES:
                for seed in range(seeds):
                    out.append(("shapes", render_shape(gold, shape, seed, stem=stem)))
        if "writer" in kinds:
            for style in ("tab", "lines", "pipe", "pipe-split", "md", "html", "docx"):
                data = writer_text(gold, style)
                text = data.decode("utf-8", "replace") if style != "docx" else ""
                r = Rendering(stem, f"writer-{style}", 0, style, text, _expected(gold))
                if style == "docx":
                    r = _BytesRendering(stem, f"writer-{style}", 0, style, "", _expected(gold))
                    r.raw = data
                out.append(("writer", r))
        base = {s: writer_text(gold, s).decode("utf-8") for s in ("tab", "pipe", "md")}
        unit_key = "active2019.procurement.amount_unit"
        if "labels" in kinds:
            for variant in LABEL_VARIANTS:
                expected = _expected(gold)
                if variant.startswith("amount-"):
                    if unit_key in gold:
                        continue  # the header already carries the gold's unit
                    expected[unit_key] = "万元"
                for style, text in base.items():
                    t = with_labels(text, variant)
                    if t == text:
                        continue
                    out.append(
                        ("labels", Rendering(stem, f"label-{variant}", 0, style, t, expected))
                    )
        if "values" in kinds:
            for how in ("words", "plus", "fullminus", "amount-yuan", "amount-wanyuan"):
                expected = _expected(gold)
                if how.startswith("amount-"):
                    if unit_key in gold:
                        continue
                    expected[unit_key] = "元" if how == "amount-yuan" else "万元"
                for style, text in base.items():
                    t = with_values(text, gold, how)
                    if t is None:
                        continue
                    out.append(("values", Rendering(stem, f"value-{how}", 0, style, t, expected)))
        if "edits" in kinds:
            for name, (fn, _) in EDITS.items():
                t = fn(base["tab"])
                out.append(("edits", Rendering(stem, f"edit-{name}", 0, "tab", t, _expected(gold))))
    return out


class _BytesRendering(Rendering):
    raw: bytes = b""

    @property
    def data(self) -> bytes:
        return self.raw

    @property
    def name(self) -> str:
        return f"{self.gold}-{self.shape}.docx"


def _expected(gold: dict[str, Any]) -> dict[str, Any]:
    e = {k: v for k, v in gold.items() if k != "notes"}
    e["blank"] = list(gold.get("blank") or [])
    return e


# ---------------------------------------------------------------------- measuring
ACCUSE = frozenset({"R-ROW-MISSING", "R-TABLE-MISSING"})


def measure(
    items: list[tuple[str, Rendering]],
    show: int = 4,
    by: Callable[[str, Rendering], str] | None = None,
) -> str:
    from .shapes_eval import run_one

    by = by or (lambda kind, r: kind)
    acc: dict[str, list[int]] = {}
    worst: dict[str, list[str]] = {}
    for kind, r in items:
        s = run_one(r)
        key = by(kind, r)
        a = acc.setdefault(key, [0, 0, 0, 0, 0, 0, 0, 0])
        a[0] += 1
        a[1] += s.cells
        a[2] += s.right
        a[3] += s.silent
        a[4] += len(s.false_missing)
        a[5] += len(s.false_sums)
        fmt_wrong = [m for m in s.meta_wrong if m.startswith("meta.format")]
        a[6] += len(fmt_wrong)
        a[7] += 1 if s.refused else 0
        if s.silent or s.false_missing or s.false_sums or fmt_wrong or s.refused:
            w = worst.setdefault(key, [])
            if len(w) < show:
                w.append(
                    f"  {r.gold} {r.shape} seed {r.seed} base {r.base} {' '.join(r.variants)}: "
                    f"silent {s.silent} {s.silent_ids[:3]} false-miss {s.false_missing[:2]} "
                    f"false-sum {s.false_sums[:2]} {fmt_wrong} {s.refused or ''}"
                )
    lines = [
        f"{'kind':<28}{'runs':>5}{'right/cells':>16}{'silent':>8}{'f-miss':>8}{'f-sum':>7}"
        f"{'fmt':>5}{'refused':>8}"
    ]
    tot = [0] * 8
    for key in sorted(acc):
        a = acc[key]
        tot = [x + y for x, y in zip(tot, a)]
        lines.append(
            f"{key:<28}{a[0]:>5}{a[2]:>8}/{a[1]:<7}{a[3]:>8}{a[4]:>8}{a[5]:>7}{a[6]:>5}{a[7]:>8}"
        )
    lines.append(
        f"{'ALL':<28}{tot[0]:>5}{tot[2]:>8}/{tot[1]:<7}{tot[3]:>8}{tot[4]:>8}{tot[5]:>7}"
        f"{tot[6]:>5}{tot[7]:>8}"
    )
    for key in sorted(worst):
        lines.append(f"{key}:")
        lines += worst[key]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """``python -m tests.golds2019 [KINDS [SEEDS]] [--no-units] [--by-kind]``."""
    units = "--no-units" not in argv
    by_kind = "--by-kind" in argv
    argv = [a for a in argv if not a.startswith("--")]
    kinds = tuple(argv[0].split(",")) if argv else ("shapes", "writer", "labels", "values", "edits")
    seeds = int(argv[1]) if len(argv) > 1 else 1
    items = renderings(kinds, seeds, units=units)
    if by_kind:
        print(measure(items, by=lambda kind, r: kind))
    else:
        print(measure(items, by=lambda kind, r: f"{kind}:{r.shape}"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
