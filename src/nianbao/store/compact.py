"""Compact forms of what the store keeps per cell.

A cell's field id is stored as a two-character code (``fieldcodes.FIELD_IDS``: the
position in a frozen list; ids not in it as ``=`` + the id); ``decode_field`` gives the
schema id back (migration 0005 recoded the rows stored before).

Provenance is written as a JSON array in the order of ``Provenance``'s fields
(section, table, row, col, line, start, end, page, bbox, label) with trailing nulls
dropped, instead of an object that repeats every key in every cell: the same facts in
about a third of the bytes. Rows written before migration 0004 hold the object form;
``provenance_dict`` reads both.

Since migration 0010 a report's cells are one row (``report_cells``), written by
``pack_cells`` and read by ``unpack_cells``, in two columns:

- ``cells``: a JSON array with one array per cell, ``[code, value_int, value_dec, raw]``
  with trailing nulls dropped, in code order. A decimal is its exact text; a cell is
  blank when it has neither value. ``raw`` is left out (null) when it is the value's own
  text (``3498`` read as 3498), ``false`` when a value has no raw text.
- ``sources``: the cells' provenance, ``{"p": [provenance or null, …], "l": [label, …]}``,
  one entry per cell in the same order, each row label written once under ``"l"`` and
  given by its index; null when no cell has any.

Every read of a report's values reads one short text (what a ranking, an export row or a
cross-year check needs), the provenance only where it is shown; a report is written with
one row instead of two hundred (the store's insertion of a cell row cost as much as the
rest of a report's write), and a parsed report's cells take about a third of the bytes of
the rows they were.
"""

from __future__ import annotations

import functools
import json
import re
from decimal import Context, Decimal
from typing import Any

from ..report import Provenance, Report
from ..schema import DECIMAL_IDS
from .fieldcodes import FIELD_IDS

__all__ = [
    "Cell",
    "PROVENANCE_KEYS",
    "FIELD_CODES",
    "encode_field",
    "decode_field",
    "encode_provenance",
    "provenance_dict",
    "split_value",
    "value_of",
    "pack_cells",
    "unpack_cells",
    "cell_values",
    "cell_ids",
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


# ------------------------------------------------------------------ values
def split_value(field_id: str, value: Any) -> tuple[int | None, Decimal | None]:
    """(value_int, value_dec): counts exact as integers; fees, and any non-integer a
    count cell holds, as exact decimals (from the float's shortest repr)."""
    if value is None or isinstance(value, bool):
        return None, None
    if isinstance(value, int) and field_id not in DECIMAL_IDS:
        return value, None
    if isinstance(value, float) and value.is_integer() and field_id not in DECIMAL_IDS:
        return int(value), None
    return None, Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


def value_of(value_int: int | None, value_dec: Decimal | None) -> int | float | None:
    """A cell's value from its exact columns (``split_value`` reversed)."""
    if value_int is not None:
        return value_int
    if value_dec is None:
        return None
    if value_dec.is_finite() and value_dec == value_dec.to_integral_value():
        return int(value_dec)
    return float(value_dec)


# ------------------------------------------------------------------ a report's cells
# (field id, value_int, value_dec, blank, raw, provenance as stored: array, object or None)
Cell = tuple[str, int | None, Decimal | None, bool, str | None, Any]

_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def pack_cells(report: Report) -> tuple[str, str | None]:
    """The stored form of a report's cells, ``(cells, sources)`` (see the module's
    docstring). Counts and blanks without provenance take the short ways, written as
    text straight away (a code is letters and digits: nothing to escape): this runs for
    every cell of every report."""
    parts: list[str] = []  # each cell's JSON text
    keys: list[str] = []  # its code
    provs: list[list[Any] | None] = []
    append, key, keep = parts.append, keys.append, provs.append
    codes = FIELD_CODES
    decimal_ids = DECIMAL_IDS
    dumps = _DUMPS
    labels: dict[str, int] = {}
    sourced = False
    ordered = True  # the cells come in code order (the schema's, as most reports do)
    last = ""
    for fid, v in report.values.items():
        value, raw, src = v.value, v.raw, v.source
        code = codes.get(fid)
        if code is None:
            code = encode_field(fid)
            plain = False  # any text: written by the encoder
        else:
            plain = True
        if code < last:
            ordered = False
        last = code
        key(code)
        prov = None
        if src is not None:
            prov = encode_provenance(src)
            if prov is not None:
                sourced = True
                if len(prov) == 10 and isinstance(prov[9], str):
                    prov[9] = labels.setdefault(prov[9], len(labels))
        keep(prov)
        if value is None:
            if raw is None:
                append(f'["{code}"]' if plain else dumps([code]))
            else:
                append(dumps([code, None, None, raw]))
        elif type(value) is int and fid not in decimal_ids:
            if raw is not None and plain and raw == str(value):
                append(f'["{code}",{raw}]')
            elif raw is None:  # (a report built, not read: from_flat, the API)
                append(
                    f'["{code}",{value},null,false]' if plain else dumps([code, value, None, False])
                )
            elif raw == str(value):
                append(dumps([code, value]))
            else:
                append(dumps([code, value, None, raw]))
        else:
            vi, vd = split_value(fid, value)
            text = None if vd is None else format(vd, "f")
            if raw is None:
                raw_slot: Any = False
            else:
                raw_slot = None if raw == (str(vi) if vi is not None else text) else raw
            cell: list[Any] = [code, vi, text, raw_slot]
            while cell[-1] is None:
                cell.pop()
            append(dumps(cell))
    if not ordered:  # by code (a report's codes are distinct)
        order = sorted(range(len(keys)), key=keys.__getitem__)
        parts = [parts[i] for i in order]
        provs = [provs[i] for i in order]
    packed = "[" + ",".join(parts) + "]"
    if not sourced:
        return packed, None
    sources: dict[str, Any] = {"p": provs}
    if labels:
        sources["l"] = list(labels)
    return packed, dumps(sources)


# room for every digit a stored decimal has (the default context keeps 28)
_EXACT = Context(prec=1000)


def _decimal(stored: Any) -> Decimal:
    dec = Decimal(str(stored))
    if not dec.is_finite():
        return dec
    # PostgreSQL's NUMERIC text (a migrated row) pads to the scale: drop it, never digits
    if dec == dec.to_integral_value():
        return dec.quantize(Decimal(1), context=_EXACT)
    return dec.normalize(_EXACT)


def unpack_cells(cells: str | None, sources: str | None = None) -> list[Cell]:
    """A report's cells from their stored form, in code order: with ``sources``, each
    cell's provenance as its array (the label in it), else None."""
    if not cells:
        return []
    provs: list[Any] = []
    labels: list[Any] = []
    if sources:
        data = json.loads(sources)
        provs, labels = data.get("p") or [], data.get("l") or []
    n_provs = len(provs)
    out: list[Cell] = []
    decode = decode_field
    for i, cell in enumerate(json.loads(cells)):
        n = len(cell)
        vi = cell[1] if n > 1 else None
        text = cell[2] if n > 2 else None
        vd = None if text is None else _decimal(text)
        raw = cell[3] if n > 3 else None
        if raw is None:  # the value's own text (none for a blank)
            raw = str(vi) if vi is not None else text
        elif raw is False:
            raw = None
        prov = provs[i] if i < n_provs else None
        if type(prov) is list and len(prov) == 10 and type(prov[9]) is int:
            prov[9] = labels[prov[9]]
        out.append((decode(cell[0]), vi, vd, vi is None and vd is None, raw, prov))
    return out


# a cell's code: the first string of each cell's array (a quote inside a JSON string is
# escaped, so no raw text can hold this pattern)
_CELL_CODE = re.compile(r'\["([^"\\]*)"')


def cell_ids(cells: str | None, skip: frozenset[str] = frozenset()) -> list[str]:
    """The field ids of a report's cells but those in ``skip``, without reading the rest
    of the cells."""
    codes = _codes_of(skip)
    return [decode_field(c) for c in _CELL_CODE.findall(cells or "") if c not in codes]


@functools.lru_cache(maxsize=64)
def _codes_of(ids: frozenset[str]) -> frozenset[str]:
    return frozenset(encode_field(fid) for fid in ids)


def cell_values(cells: str | None, wanted: frozenset[str] | None = None) -> dict[str, Any]:
    """The values (``value_of``) of a report's cells by field id, of the ``wanted`` ids
    only if given: what rankings and exports read, without raw texts or provenance."""
    out: dict[str, Any] = {}
    if not cells:
        return out
    decode = decode_field
    codes = None if wanted is None else _codes_of(wanted)
    for cell in json.loads(cells):
        if codes is not None and cell[0] not in codes:
            continue
        fid = decode(cell[0])
        n = len(cell)
        vi = cell[1] if n > 1 else None
        if vi is not None:
            out[fid] = vi
        else:
            text = cell[2] if n > 2 else None
            out[fid] = None if text is None else value_of(None, _decimal(text))
    return out
