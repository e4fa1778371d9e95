"""Group J of rules.md: checks of a report against the same agency's report of year − 1.

Pure functions over two ``Report`` objects (no database); the store calls them at ingest
and on demand. Messages are Chinese and show the arithmetic.
"""

from __future__ import annotations

import re
from typing import Any

from ..checks.engine import CROSS_YEAR_RULES
from ..report import Finding, Report
from ..schema import COLUMN_LABELS, COLUMNS, label_of

__all__ = [
    "CROSS_RULES",
    "check_cross_year",
    "check_carry",
    "check_inforce",
    "check_copy",
    "check_same_data",
    "text_similarity",
]

CROSS_RULES: tuple[str, ...] = tuple(rule_id for rule_id, _, _ in CROSS_YEAR_RULES)
TABLE_FORMATS = ("2019", "2021", "mixed")
COPY_THRESHOLD = 0.90
COPY_MIN_GRAMS = 20  # texts shorter than this say too little to call them copies
_INFORCE_NAMES = {"regulations": "规章", "normative": "行政规范性文件"}
_SECTION_NAMES = {"s1": "一、总体情况", "s5": "五、存在的主要问题及改进情况"}


def _fmt(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def _v(rep: Report, fid: str, assumed: list[str], tag: str = "") -> int | float:
    """v(x) of rules.md: the value, with null read as 0 and x recorded as assumed zero."""
    val = rep.get(fid)
    if val is None:
        assumed.append(tag + fid)
        return 0
    return val


def _year_of(rep: Report) -> Any:
    return rep.meta.get("year")


def _has_tables(rep: Report) -> bool:
    return rep.meta.get("format") in TABLE_FORMATS


def check_carry(rep: Report, prev: Report) -> list[Finding]:
    """R-CROSS-YEAR-CARRY: this year's carried_over equals last year's carried_forward."""
    if not (_has_tables(rep) and _has_tables(prev)):
        return []
    differing: list[tuple[str, int | float, int | float]] = []
    assumed: list[str] = []
    present = False
    for col in COLUMNS:
        cur_id, prev_id = f"requests.carried_over.{col}", f"requests.carried_forward.{col}"
        if not (rep.has(cur_id) or prev.has(prev_id)):
            continue
        present = True
        local: list[str] = []
        cur = _v(rep, cur_id, local)
        old = _v(prev, prev_id, local, "prev.")
        if cur != old:
            differing.append((col, cur, old))
            assumed += local
    if not present or not differing:
        return []
    total_differs = any(col == "total" for col, _, _ in differing)
    py = _year_of(prev)
    parts = [
        f"{COLUMN_LABELS[col]}：本年上年结转 {_fmt(cur)}，{py}年度结转下年度 {_fmt(old)}，相差 {_fmt(cur - old)}"
        for col, cur, old in differing
    ]
    message = (
        f"表三「二、上年结转政府信息公开申请数量」与{py}年度报告「四、结转下年度继续办理」不一致（应相等）："
        + "；".join(parts)
        + "。"
    )
    if assumed:
        message += (
            "（空白单元格按 0 计：" + "、".join(a.removeprefix("prev.") for a in assumed) + "）"
        )
    return [
        Finding(
            rule="R-CROSS-YEAR-CARRY",
            severity="error" if total_differs else "warning",
            cells=[f"requests.carried_over.{col}" for col, _, _ in differing],
            message=message,
            expected={col: old for col, _, old in differing},
            actual={col: cur for col, cur, _ in differing},
            assumed_zero=assumed,
            evidence={
                "prev_year": py,
                "prev": {f"requests.carried_forward.{col}": old for col, _, old in differing},
            },
        )
    ]


def check_inforce(rep: Report, prev: Report) -> list[Finding]:
    """R-CROSS-YEAR-INFORCE: in_force = last year's in_force + issued − repealed."""
    out: list[Finding] = []
    py = _year_of(prev)
    for kind, name in _INFORCE_NAMES.items():
        ids = [f"active.{kind}.{c}" for c in ("in_force", "issued", "repealed")]
        prev_id = f"active.{kind}.in_force"
        if not (rep.has(ids[0]) and prev.has(prev_id)):
            continue
        assumed: list[str] = []
        in_force = _v(rep, ids[0], assumed)
        issued = _v(rep, ids[1], assumed)
        repealed = _v(rep, ids[2], assumed)
        old = _v(prev, prev_id, assumed, "prev.")
        expected = old + issued - repealed
        if in_force == expected:
            continue
        message = (
            f"{name}现行有效件数与上年衔接不上：{py}年度现行有效 {_fmt(old)} + 本年制发 {_fmt(issued)}"
            f" − 本年废止 {_fmt(repealed)} = {_fmt(expected)}，本年报告现行有效 {_fmt(in_force)}"
            f"（相差 {_fmt(in_force - expected)}）。文件也可能因失效而减少，请核实。"
        )
        out.append(
            Finding(
                rule="R-CROSS-YEAR-INFORCE",
                severity="info",
                cells=ids,
                message=message,
                expected=expected,
                actual=in_force,
                assumed_zero=assumed,
                evidence={"prev_year": py, "prev": {prev_id: old}},
            )
        )
    return out


_DIGITS = re.compile(r"[0-9０-９〇零一二三四五六七八九十百千万]+年|[0-9０-９.．%％]+")
_SPACE = re.compile(r"\s+")


def _grams(text: str) -> set[str]:
    cleaned = _SPACE.sub("", _DIGITS.sub("", text or ""))
    return {cleaned[i : i + 4] for i in range(len(cleaned) - 3)}


def text_similarity(a: str, b: str) -> float | None:
    """Jaccard similarity of character 4-grams after deleting digits and years; None when
    either text is too short to judge."""
    ga, gb = _grams(a), _grams(b)
    if len(ga) < COPY_MIN_GRAMS or len(gb) < COPY_MIN_GRAMS:
        return None
    return len(ga & gb) / len(ga | gb)


def check_copy(rep: Report, prev: Report) -> list[Finding]:
    """R-CROSS-YEAR-COPY: section 一 (or 五) nearly the same text as last year's."""
    out: list[Finding] = []
    for key, name in _SECTION_NAMES.items():
        cur_sec, old_sec = rep.sections.get(key), prev.sections.get(key)
        if cur_sec is None or old_sec is None:
            continue
        sim = text_similarity(cur_sec.text, old_sec.text)
        if sim is None or sim < COPY_THRESHOLD:
            continue
        out.append(
            Finding(
                rule="R-CROSS-YEAR-COPY",
                severity="warning",
                cells=[f"sections.{key}"],
                message=(
                    f"第{name[0]}部分「{name[2:]}」与{_year_of(prev)}年度报告的相似度为 {sim:.0%}"
                    f"（去除数字和年份后按四字组计算的 Jaccard 系数，达到 {COPY_THRESHOLD:.0%} 即视为雷同），"
                    "内容可能照搬上年。"
                ),
                expected=f"< {COPY_THRESHOLD}",
                actual=round(sim, 4),
                evidence={"prev_year": _year_of(prev), "similarity": round(sim, 4)},
            )
        )
    return out


_DATA = ("requests.", "reviews.")


def _data_ids(rep: Report) -> set[str]:
    return {i for i in rep.values if i.startswith(_DATA)}


def check_same_data(rep: Report, prev: Report) -> list[Finding]:
    """R-CROSS-YEAR-SAME-DATA: every requests/reviews cell equals last year's, not all 0."""
    # first the cells in turn, to the first that differs (most reports differ early)
    values, before = rep.values, prev.values
    ids: set[str] = set()
    for i, v in values.items():
        if i.startswith(_DATA):
            p = before.get(i)
            if p is None or v.value != p.value:
                return []
            ids.add(i)
    if not ids or ids != _data_ids(prev):
        return []
    nonzero = sorted(i for i in ids if rep.get(i))
    if not nonzero:
        return []
    sample = "、".join(f"{label_of(i)} {_fmt(rep.get(i))}" for i in nonzero[:3])
    return [
        Finding(
            rule="R-CROSS-YEAR-SAME-DATA",
            severity="warning",
            cells=[],
            message=(
                f"表三、表四共 {len(ids)} 个单元格与{_year_of(prev)}年度报告逐一相同，其中 {len(nonzero)} 个非零"
                f"（如 {sample}），数据可能照搬上年，请核实。"
            ),
            expected="与上年不完全相同",
            actual=f"{len(ids)} 个单元格全部相同",
            evidence={"prev_year": _year_of(prev), "cells": len(ids), "nonzero": len(nonzero)},
        )
    ]


def check_cross_year(rep: Report, prev: Report) -> list[Finding]:
    """All group J findings of ``rep`` against ``prev`` (the year − 1 report). Returns
    nothing when ``prev`` is not the year before or is a legacy report."""
    year, prev_year = _year_of(rep), _year_of(prev)
    if not isinstance(year, int) or prev_year != year - 1:
        return []
    if prev.meta.get("format") == "legacy" or rep.meta.get("format") == "legacy":
        return []
    return [
        *check_carry(rep, prev),
        *check_inforce(rep, prev),
        *check_copy(rep, prev),
        *check_same_data(rep, prev),
    ]
