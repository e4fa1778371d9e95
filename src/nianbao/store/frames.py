"""``nianbao.frame``: reports as a pandas DataFrame, one row per report, one column per
schema id (plus agency, year and the finding counts).

pandas is an optional extra (``pip install "nianbao[pandas]"``), imported only here and
only when called. Accepts a list of :class:`Report`, one Report, or a store (a database
URL or path, or an SQLAlchemy engine): a store gives its current reports, with the
agency's id and canonical name so that one agency's years join.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from ..report import Report

__all__ = ["frame", "PANDAS_HINT"]

PANDAS_HINT = (
    '需要安装 pandas 才能生成 DataFrame：pip install "nianbao[pandas]"（或 pip install pandas）。'
)

_META = ("agency", "year", "format", "published", "title")


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(PANDAS_HINT, name="pandas") from exc
    return pd


def _report_row(rep: Report) -> dict[str, Any]:
    row: dict[str, Any] = {"source": rep.source}
    for k in _META:
        row[k] = rep.meta.get(k)
    sev = [f.severity for f in rep.findings]
    row.update(
        n_errors=sev.count("error"), n_warnings=sev.count("warning"), n_infos=sev.count("info")
    )
    for fid, v in rep.values.items():
        row[fid] = v.value
    return row


def frame(source: Any, *, year: Any = None, agency: str | None = None) -> Any:
    """A DataFrame of reports: ``source`` is a Report, reports, or a store (URL, path or
    engine); ``year`` / ``agency`` filter a store. Blank cells are missing values (NaN /
    None), never 0."""
    pd = _pandas()
    if isinstance(source, Report):
        source = [source]
    if isinstance(source, str | os.PathLike) or hasattr(source, "dialect"):
        return _store_frame(pd, source, year, agency)
    if isinstance(source, Iterable):
        rows = [_report_row(r) for r in source]
        return pd.DataFrame(rows)
    raise TypeError("frame() 需要一份或多份报告（Report），或数据库（路径、URL 或 engine）。")


def _store_frame(pd: Any, db: Any, year: Any, agency: str | None) -> Any:
    from sqlalchemy.orm import Session

    from .db import open_store
    from .export import _report_sheets

    engine = db if hasattr(db, "dialect") else open_store(str(db), create=False)
    try:
        with Session(engine) as session:
            sheets = _report_sheets(session, "jsonl", "wide", "id", agency, year, False)
            _, cols, headers, rows, _ = sheets[0]
            data = [list(r) for r in rows]
    finally:
        if engine is not db:
            engine.dispose()
    df = pd.DataFrame(data, columns=headers)
    for col in cols:
        if col.kind in ("int", "dec") and col.key in df.columns:
            series = pd.to_numeric(df[col.key].map(_number), errors="coerce")
            whole = series.dropna()
            if col.kind == "int" and (whole == whole.round()).all():
                series = series.astype("Int64")
            df[col.key] = series
    return df


def _number(v: Any) -> Any:
    from decimal import Decimal

    return float(v) if isinstance(v, Decimal) else v
