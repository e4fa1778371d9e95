"""The canonical Report (``shared/spec/schema.md``), its values, provenance and findings.

A Report keeps its table cells flat, keyed by schema id (``requests.new.natural``); the JSON
form nests them so that flattening with '.' gives the ids back. Blank and 0 are different
values: a blank cell is ``None`` with its raw text kept.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .schema import SECTION_KEYS, table_ids

__all__ = ["Provenance", "Value", "Finding", "Section", "Report", "SEVERITIES"]

SEVERITIES: tuple[str, ...] = ("info", "warning", "error")

# A text that lost this many characters or more before it reached the tool (U+FFFD; the
# extraction sets ``layout["lost_chars"]``), and at least one in LOST_TEXT_SHARE of its
# characters, is not judged by its words: the checks that read the text do not run on it;
# with fewer (a few bullets a PDF's font did not map), their findings say the text lost some.
LOST_TEXT_MIN = 10
LOST_TEXT_SHARE = 200


def text_lost(lost: int, length: int) -> bool:
    """Whether a text of ``length`` characters that lost ``lost`` of them is too damaged to
    be judged by its words (``LOST_TEXT_MIN``)."""
    return lost >= LOST_TEXT_MIN and lost * LOST_TEXT_SHARE >= length


# json.dumps(x, ensure_ascii=False) without making an encoder per call, and its writer of a
# string (json's own, in C where available)
_dumps = json.JSONEncoder(ensure_ascii=False).encode
_string = json.encoder.encode_basestring


@dataclass(slots=True)
class Provenance:
    """Where a value stood: the report's section, the source table's row/column, the
    original text's line and character offsets, and for PDFs the page and box."""

    section: str | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    line: int | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    label: str | None = None  # the row label as written

    def to_dict(self) -> dict[str, Any]:
        """The fields that are set, in field order (built directly: no deep copy)."""
        out: dict[str, Any] = {}
        if self.section is not None:
            out["section"] = self.section
        if self.table is not None:
            out["table"] = self.table
        if self.row is not None:
            out["row"] = self.row
        if self.col is not None:
            out["col"] = self.col
        if self.line is not None:
            out["line"] = self.line
        if self.start is not None:
            out["start"] = self.start
        if self.end is not None:
            out["end"] = self.end
        if self.page is not None:
            out["page"] = self.page
        if self.bbox is not None:
            out["bbox"] = tuple(self.bbox)
        if self.label is not None:
            out["label"] = self.label
        return out

    def json_entry(self, raw: str | None) -> str:
        """``to_dict()`` with ``raw`` added, as JSON: the text ``json.dumps`` writes for it,
        written directly (the provenance of every cell is most of a report's JSON, and a
        dict per cell handed to the encoder cost twice as much). The int fields are
        written as Python writes an int, which is how json writes one."""
        if (
            self.line is not None
            and self.table is not None
            and self.label is not None
            and self.page is None
            and self.bbox is None
            and self.section is not None
            and self.row is not None
            and self.col is not None
            and self.start is not None
            and self.end is not None
        ):  # every field but a page's: a cell of a text, most entries, in one piece
            return (
                f'{{"section": {_string(self.section)}, "table": {self.table}, '
                f'"row": {self.row}, "col": {self.col}, "line": {self.line}, '
                f'"start": {self.start}, "end": {self.end}, "label": {_string(self.label)}, '
                f'"raw": {"null" if raw is None else _string(raw)}}}'
            )
        parts = []
        if self.section is not None:
            parts.append('"section": ' + _string(self.section))
        if self.table is not None:
            parts.append(f'"table": {self.table}')
        if self.row is not None:
            parts.append(f'"row": {self.row}')
        if self.col is not None:
            parts.append(f'"col": {self.col}')
        if self.line is not None:
            parts.append(f'"line": {self.line}')
        if self.start is not None:
            parts.append(f'"start": {self.start}')
        if self.end is not None:
            parts.append(f'"end": {self.end}')
        if self.page is not None:
            parts.append(f'"page": {self.page}')
        if self.bbox is not None:
            parts.append('"bbox": ' + _dumps(tuple(self.bbox)))
        if self.label is not None:
            parts.append('"label": ' + _string(self.label))
        parts.append('"raw": null' if raw is None else '"raw": ' + _string(raw))
        return "{" + ", ".join(parts) + "}"


@dataclass(slots=True)
class Value:
    """A cell value: a number, or None for a blank / non-numeric cell; ``raw`` is the text
    as written (None when the cell was absent altogether)."""

    value: int | float | None
    raw: str | None = None
    source: Provenance | None = None

    @property
    def blank(self) -> bool:
        return self.value is None


@dataclass(slots=True)
class Finding:
    """One violation of a rule of ``rules.md``; messages are Chinese."""

    rule: str
    severity: str
    cells: list[str] = field(default_factory=list)
    message: str = ""
    expected: Any = None
    actual: Any = None
    assumed_zero: list[str] = field(default_factory=list)
    evidence: Any = None

    @property
    def fingerprint(self) -> str:
        """Stable identity of the finding: rule + cells (not the values, not the wording)."""
        key = self.rule + "|" + ",".join(sorted(self.cells))
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "cells": list(self.cells),
            "expected": self.expected,
            "actual": self.actual,
            "assumed_zero": list(self.assumed_zero),
            "evidence": self.evidence,
            "message": self.message,
            "fingerprint": self.fingerprint,
        }


@dataclass(slots=True)
class Section:
    present: bool = False
    heading: str | None = None
    order: int | None = None
    text: str = ""
    start: int | None = None  # offset of the heading in the normalised text

    def to_dict(self) -> dict[str, Any]:
        return {
            "present": self.present,
            "heading": self.heading,
            "order": self.order,
            "text": self.text,
        }


def _empty_meta() -> dict[str, Any]:
    return {
        "title": None,
        "agency": None,
        "agency_kind": "unknown",
        "admin_level": "unknown",
        "year": None,
        "period_start": None,
        "period_end": None,
        "published": None,
        "published_source": None,
        "format": "unknown",
        "script": "simplified",
        "source": None,
    }


@dataclass
class Report:
    """A parsed annual report."""

    source: str = ""
    meta: dict[str, Any] = field(default_factory=_empty_meta)
    sections: dict[str, Section] = field(
        default_factory=lambda: {k: Section() for k in (*SECTION_KEYS, "closing")}
    )
    fees_info: dict[str, Any] = field(
        default_factory=lambda: {
            "mentioned": False,
            "notices": None,
            "notices_amount": None,
            "collected": None,
        }
    )
    values: dict[str, Value] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # layout facts the structure rules cite: cell counts per physical row, mapped tables
    layout: dict[str, Any] = field(default_factory=dict)
    # text bodies the text rules read, and the whole normalised text
    text: str = ""

    # ------------------------------------------------------------------ access
    def get(self, field_id: str) -> int | float | None:
        v = self.values.get(field_id)
        return None if v is None else v.value

    def has(self, field_id: str) -> bool:
        """True when the report printed this cell (blank or not)."""
        return field_id in self.values

    def raw(self, field_id: str) -> str | None:
        v = self.values.get(field_id)
        return None if v is None else v.raw

    def ids(self) -> list[str]:
        """The table ids of the report's layout, in print order."""
        return table_ids(self.meta.get("format") or "unknown")

    # ------------------------------------------------------------------ output
    def flat(self) -> dict[str, Any]:
        """Values (and meta) as flat schema ids, as gold files write them."""
        out: dict[str, Any] = {f"meta.{k}": v for k, v in self.meta.items()}
        for fid in self.ids():
            out[fid] = self.get(fid)
        for fid, v in self.values.items():
            out.setdefault(fid, v.value)
        unit = self.procurement_unit()
        if unit:
            out[AMOUNT_UNIT_ID] = unit
        return out

    def procurement_unit(self) -> str | None:
        """The unit of 政府集中采购's 采购总金额 as written (万元 / 元; the 2019 format fixes
        none), when the report has the 2019 表二 and says the unit."""
        unit = self.layout.get("procurement_unit")
        if not isinstance(unit, str) or not any(k.startswith("active2019.") for k in self.values):
            return None
        return unit

    def to_dict(self, provenance: bool = True) -> dict[str, Any]:
        """The JSON form: nested so that flattening with '.' yields schema ids."""
        out = self._head()
        values = self.values
        ids = self.ids()
        if values:
            seen = set(ids)
            ids += [i for i in values if i not in seen]
        nodes: dict[str, dict[str, Any]] = {}  # "a.b" -> the dict at out["a"]["b"]
        for fid in ids:
            head, _, leaf = fid.rpartition(".")
            node = nodes.get(head)
            if node is None:
                node = _node(out, head, nodes)
            v = values.get(fid)
            node[leaf] = None if v is None else v.value
            if fid in nodes:  # a value where a table node was: later ids make it anew
                nodes.clear()
        unit = self.procurement_unit()
        if unit:
            node = nodes.get("active2019.procurement") or _node(
                out, "active2019.procurement", nodes
            )
            node["amount_unit"] = unit
        if provenance:
            prov: dict[str, Any] = {}
            for fid in ids:
                v = values.get(fid)
                if v is None:
                    continue
                entry = v.source.to_dict() if v.source else {}
                entry["raw"] = v.raw
                prov[fid] = entry
            out["provenance"] = prov
        out["findings"] = [f.to_dict() for f in self.findings]
        return out

    def _head(self) -> dict[str, Any]:
        """The JSON form's first keys, before the value tables."""
        return {
            "source": self.source,
            "meta": dict(self.meta),
            "sections": {k: s.to_dict() for k, s in self.sections.items()},
            "fees_info": dict(self.fees_info),
        }

    def to_json(self, indent: int | None = None, provenance: bool = True) -> str:
        """``json.dumps(self.to_dict(provenance), ensure_ascii=False, indent=indent)``: the
        same text. On one line (``parse --format jsonl``) the value tables and the
        provenance are written directly, from their layout's JSON made once
        (:func:`_layout_json`): the ~200 cells of a report are most of its JSON, and built
        as dicts for the encoder they cost twice as much."""
        values = self.values
        layout = self.meta.get("format") or "unknown"
        if indent is not None or not isinstance(layout, str) or self.procurement_unit():
            return json.dumps(self.to_dict(provenance), ensure_ascii=False, indent=indent)
        ids, id_set, tables, keys = _layout_json(layout)
        if not values.keys() <= id_set:  # values beyond the layout's ids, after them
            return _dumps(self.to_dict(provenance))
        parts = [_dumps(self._head())[:-1]]  # its object left open ("source" is in it)
        if ids:
            parts.append(", " + tables % tuple(map(_value_json, map(values.get, ids))))
        if provenance:
            entries = []
            for key, fid in zip(keys, ids):
                v = values.get(fid)
                if v is not None:
                    entries.append(key + (v.source or _NO_SOURCE).json_entry(v.raw))
            parts.append(', "provenance": {' + ", ".join(entries) + "}")
        parts.append(', "findings": ' + _dumps([f.to_dict() for f in self.findings]) + "}")
        return "".join(parts)

    # ------------------------------------------------------------------ input
    @classmethod
    def from_flat(cls, flat: dict[str, Any], source: str = "") -> Report:
        """Build a Report from flat ids (a gold file, or ``flat()`` output); ids in
        ``flat["blank"]`` are blank cells. Used by tests, the writer and the checks."""
        rep = cls(source=source)
        blanks = set(flat.get("blank", []) or [])
        meta, values, roots = rep.meta, rep.values, _ROOT_SET
        for key, val in flat.items():
            root, dot, rest = key.partition(".")
            if not dot:
                continue  # "blank", "notes"
            if root == "meta":
                meta[rest] = val
            elif key == AMOUNT_UNIT_ID:
                if isinstance(val, str) and val:
                    rep.layout["procurement_unit"] = val
            elif root in roots:
                if key in blanks:
                    val = None
                if val is None:
                    values[key] = Value(None, None)
                elif type(val) is int:
                    values[key] = Value(val, str(val))
                else:
                    values[key] = Value(val, _raw(val))
        return rep

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a Report from its JSON form (``to_dict``); provenance is dropped."""
        flat: dict[str, Any] = {}
        _flatten(data, "", flat)
        rep = cls.from_flat(
            {
                k: v
                for k, v in flat.items()
                if k.split(".")[0] in _TABLE_ROOTS or k.startswith("meta.")
            },
            source=str(data.get("source") or ""),
        )
        for k, s in (data.get("sections") or {}).items():
            if isinstance(s, dict):
                rep.sections[k] = Section(
                    bool(s.get("present")), s.get("heading"), s.get("order"), s.get("text") or ""
                )
        if isinstance(data.get("fees_info"), dict):
            rep.fees_info.update(data["fees_info"])
        return rep


_NO_SOURCE = Provenance()  # a value without provenance: its entry holds its raw text only


@lru_cache(maxsize=8)
def _layout_json(layout: str) -> tuple[tuple[str, ...], frozenset[str], str, list[str]]:
    """For :meth:`Report.to_json`, a layout's ids, their set, its value tables as
    ``to_dict`` nests them, in JSON with a ``%s`` where each id's value goes, and each id
    as a JSON key (``"requests.new.natural": ``)."""
    ids = tuple(table_ids(layout))
    tree: dict[str, Any] = {}
    nodes: dict[str, dict[str, Any]] = {}
    for fid in ids:  # (the ids of a layout nest without clashes)
        head, _, leaf = fid.rpartition(".")
        node = nodes.get(head)
        if node is None:
            node = _node(tree, head, nodes)
        node[leaf] = _SLOT
    slot = _dumps(_SLOT)
    tables = _dumps(tree)[1:-1].replace("%", "%%").replace(slot, "%s")
    return ids, frozenset(ids), tables, [_string(fid) + ": " for fid in ids]


_SLOT = "\x00"  # where a value goes, in the JSON of a layout's value tables (no id holds it)


def _value_json(v: Value | None) -> str:
    """A cell's value as ``json.dumps`` writes it (an absent cell: null)."""
    if v is None or v.value is None:
        return "null"
    x = v.value
    return int.__repr__(x) if type(x) is int else _dumps(x)


_TABLE_ROOTS = ("active", "active2019", "requests", "reviews")
# not a cell: the unit written with 政府集中采购's 采购总金额 (kept in ``layout``)
AMOUNT_UNIT_ID = "active2019.procurement.amount_unit"
_ROOT_SET = frozenset(_TABLE_ROOTS)


def _raw(val: Any) -> str:
    if isinstance(val, float) and val.is_integer():
        return str(int(val))
    return str(val)


def _node(out: dict[str, Any], path: str, nodes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The dict at ``path`` ("a.b") under ``out``, made where missing (a non-dict in the
    way is replaced); remembered in ``nodes``."""
    node = out
    if path:
        for p in path.split("."):
            nxt = node.get(p)
            if not isinstance(nxt, dict):
                nxt = {}
                node[p] = nxt
            node = nxt
    nodes[path] = node
    return node


def _flatten(obj: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            if prefix == "" and k in ("provenance", "findings", "sections", "fees_info", "source"):
                continue
            _flatten(v, f"{prefix}{k}.", out)
    else:
        out[prefix[:-1]] = obj
