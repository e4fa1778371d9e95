"""Digits an OCR read as their letter look-alikes, read back where the form's sums confirm it.

Tesseract and phone OCR write 0 as O, o or 〇 and 1 as l or I (``1O5``, ``l2``, a lone ``O``).
A count cell of the national form holds digits only, so such a cell has one reading (O, o,
〇 → 0; l, I → 1); it is taken only where the table's arithmetic confirms it: the row of
表三 (six applicant cells to 总计) or the group of 表四 (four results to 总计) holding it
adds up with it, every other cell of that row or group read as a number (or blank). A cell
of 表二, which has no sums, or of a row that does not add up, stays unread (the caller
says so). Other confusions (B for 8, S for 5, a pipe for 1) have more than one reading and
are never taken.
"""

from __future__ import annotations

import re

from ..report import Report
from ..schema import COLUMNS, REVIEW_FIELDS

# a number written with digits and look-alikes only (at least one look-alike)
_LOOK = re.compile(r"[\dOolI〇]+")
_MAP = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1"})


def lookalike_value(raw: str) -> int | None:
    """The count ``raw`` spells with look-alikes (``1O5`` → 105), or None."""
    t = raw.strip()
    if not _LOOK.fullmatch(t) or t.isdigit():
        return None
    digits = t.translate(_MAP)
    if len(digits) > 1 and digits[0] == "0":
        return None  # 0l2: no count is written so
    return int(digits)


def _group(fid: str) -> list[str] | None:
    """The ids of the row of 表三 or the group of 表四 that ``fid`` stands in."""
    head, _, last = fid.rpartition(".")
    if fid.startswith("requests.") and last in COLUMNS:
        return [f"{head}.{c}" for c in COLUMNS]
    if fid.startswith("reviews.") and last in REVIEW_FIELDS:
        return [f"{head}.{f}" for f in REVIEW_FIELDS]
    return None


def confirmed(rep: Report, ids: list[str], unread: set[str]) -> dict[str, int]:
    """Of the cells ``ids`` (written with letters), those whose look-alike reading the
    form's sums confirm: {id: value}."""
    maybe = {fid: n for fid in ids if (n := lookalike_value(rep.values[fid].raw or "")) is not None}
    out: dict[str, int] = {}
    done: set[str] = set()
    for fid in maybe:
        group = _group(fid)
        if group is None or group[0] in done:
            continue
        done.add(group[0])
        vals: list[int | float | None] = []
        for g in group:
            if g in maybe:
                vals.append(maybe[g])
                continue
            v = rep.values.get(g)
            if v is None or g in unread or g in ids:
                break  # a cell not read, or another unreadable one: nothing to confirm
            vals.append(v.value)
        else:
            parts, total = vals[:-1], vals[-1]
            if total is not None and any(p is not None for p in parts):
                if sum(p or 0 for p in parts) == total:
                    out.update({g: maybe[g] for g in group if g in maybe})
    return out
