"""Invented reports and roster of the spring-review web tests (issue 13), written with
``nianbao.writing.writer.render`` from the figures of ``examples/make_examples.py``."""

from __future__ import annotations

import importlib.util
from datetime import date as date_t
from pathlib import Path
from typing import Any

from nianbao.report import Report, Value
from nianbao.writing.writer import render

ROOT = Path(__file__).resolve().parents[1]

ROSTER = """机关名称,上级机关,层级,类别,地区,年报栏目网址,别名
青岚县人民政府,,县级,人民政府,青岚县,http://qinglan.example/ndbg/,
青岚县财政局,青岚县人民政府,县级,部门,青岚县,,青岚财政局
青岚县教育体育局,青岚县人民政府,县级,部门,青岚县,,
青岚县卫生健康局,青岚县人民政府,县级,部门,青岚县,,
青岚县云溪镇人民政府,青岚县人民政府,乡级,乡镇街道,青岚县,,
"""


def _examples() -> Any:
    """``examples/make_examples.py``: the invented figures and the report builder."""
    spec = importlib.util.spec_from_file_location(
        "make_examples", ROOT / "examples" / "make_examples.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _report(
    mk: Any,
    agency: str,
    day: date_t,
    *,
    error: bool = False,
    penalty: int | None = None,
    year: int = 2024,
) -> bytes:
    """A ``year`` report of ``agency`` published on ``day`` (signed with that date); with
    ``error`` the 总计 of 一、本年新收 is one more than its parts."""
    rep: Report = mk.build_report(
        agency,
        year,
        day.isoformat(),
        mk.CAIZHENG_ACTIVE,
        mk.CAIZHENG_REQUESTS,
        mk.CAIZHENG_REVIEWS,
    )
    if error:
        wrong = rep.values["requests.new.total"].value + 1  # type: ignore[operator]
        rep.values["requests.new.total"] = Value(wrong, str(wrong))
    if penalty is not None:
        rep.values["active.penalty"] = Value(penalty, str(penalty))
    texts = {k: v.replace("青岚县财政局", agency) for k, v in mk.CAIZHENG_TEXTS.items()}
    texts["closing"] = texts["closing"].replace(
        "2025年1月15日", f"{day.year}年{day.month}月{day.day}日"
    )
    return render(rep, "tab", texts)
