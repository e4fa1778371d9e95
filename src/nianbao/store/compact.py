"""Compact forms of what the store keeps per cell.

A cell's field id is stored as a two-character code (``fieldcodes.FIELD_IDS``: the
position in a frozen list; ids not in it as ``=`` + the id). ``models.FieldId`` encodes
and decodes it on every statement built on ``StoredValue``, so queries keep comparing
schema ids; migration 0005 recoded the rows stored before.

Provenance is written as a JSON array in the order of ``Provenance``'s fields
(section, table, row, col, line, start, end, page, bbox, label) with trailing nulls
dropped, instead of an object that repeats every key in every cell: the same facts in
about a third of the bytes. Rows written before migration 0004 hold the object form;
``provenance_dict`` reads both.
"""

from __future__ import annotations

from typing import Any

from ..report import Provenance
from .fieldcodes import FIELD_IDS

__all__ = [
    "PROVENANCE_KEYS",
    "FIELD_CODES",
    "encode_field",
    "decode_field",
    "encode_provenance",
    "provenance_dict",
]

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # ASCII order
FIELD_CODES: dict[str, str] = {
    fid: _ALPHABET[i // len(_ALPHABET)] + _ALPHABET[i % len(_ALPHABET)]
    for i, fid in enumerate(FIELD_IDS)
}
_CODE_FIELDS: dict[str, str] = {code: fid for fid, code in FIELD_CODES.items()}


def encode_field(field_id: str) -> str:
    """The stored form of a field id: its code, else ``=`` + the id."""
    code = FIELD_CODES.get(field_id)
    return code if code is not None else "=" + field_id


def decode_field(stored: str) -> str:
    """The field id of a stored code (``encode_field`` reversed)."""
    fid = _CODE_FIELDS.get(stored)
    if fid is not None:
        return fid
    return stored[1:] if stored.startswith("=") else stored


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
