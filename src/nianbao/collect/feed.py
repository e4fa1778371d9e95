"""Collected files into the normal ingest, with what the web says about each report.

The store's ingest takes a ``parse(data, source=<file name>)`` function; here it is
``nianbao.parse`` followed by the web's facts about the file — its URL as
``meta.source``, and the page's publication date as ``meta.published`` with
``published_source = "page"`` — set *before* the checks run, so that the deadline rule
judges the date the page gives. The facts travel with the function (a picklable
``functools.partial`` keyed by file name, which the collector makes unique), so nothing in
``store/ingest.py`` changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from ..report import Report

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ..store.ingest import IngestSummary
    from .run import CollectSummary

__all__ = ["parse_with_meta", "ingest_collected"]


def parse_with_meta(
    data: bytes, source: str = "", *, meta: Mapping[str, Mapping[str, Any]] | None = None
) -> Report:
    """``nianbao.parse`` of ``data``, with ``meta[source]`` laid over the report's meta
    before the checks."""
    from ..api import check, parse

    report = parse(data, name=source or None, check=False)
    extra = (meta or {}).get(source)
    if extra:
        report.meta.update(extra)
    return check(report)


def ingest_collected(
    summary: CollectSummary,
    engine: Engine,
    *,
    workers: int | None = None,
    on_file: Callable[[str, str], None] | None = None,
) -> IngestSummary:
    """Ingest the documents of a collection run (each once) into the store of ``engine``."""
    from ..store.ingest import ingest_files

    files: list[str] = []
    meta: dict[str, dict[str, Any]] = {}
    for rep, doc in summary.documents():
        path = str(doc.path)
        if path in files:
            continue
        files.append(path)
        meta[doc.path.name] = rep.overrides(doc)
    return ingest_files(
        files, engine, workers=workers, parse=partial(parse_with_meta, meta=meta), on_file=on_file
    )
