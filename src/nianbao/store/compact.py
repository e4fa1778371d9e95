"""Compact forms of what the store keeps per cell.

Provenance is written as a JSON array in the order of ``Provenance``'s fields
(section, table, row, col, line, start, end, page, bbox, label) with trailing nulls
dropped, instead of an object that repeats every key in every cell: the same facts in
about a third of the bytes. Rows written before migration 0004 hold the object form;
``provenance_dict`` reads both.
"""

from __future__ import annotations

from typing import Any

from ..report import Provenance

__all__ = ["PROVENANCE_KEYS", "encode_provenance", "provenance_dict"]

PROVENANCE_KEYS: tuple[str, ...] = (
    "section",
    "table",
    "row",
    "col",
    "line",
    "start",
    "end",
    "page",
    "bbox",
    "label",
)


def encode_provenance(prov: Provenance | None) -> list[Any] | None:
    """The array form of ``prov`` (None when it says nothing)."""
    if prov is None:
        return None
    out: list[Any] = [
        prov.section,
        prov.table,
        prov.row,
        prov.col,
        prov.line,
        prov.start,
        prov.end,
        prov.page,
        None if prov.bbox is None else [round(float(x), 2) for x in prov.bbox],
        prov.label,
    ]
    while out and out[-1] is None:
        out.pop()
    return out or None


def provenance_dict(stored: Any) -> dict[str, Any] | None:
    """The object form (the keys that are set) of a stored provenance, either form."""
    if stored is None:
        return None
    if isinstance(stored, dict):
        return stored
    if isinstance(stored, list | tuple):
        return {k: v for k, v in zip(PROVENANCE_KEYS, stored) if v is not None}
    return None
