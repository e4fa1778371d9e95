"""Comparing a parse with a gold file, the way ../shared/hooks/score.py does."""

from __future__ import annotations

import math
import re
from typing import Any


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flatten(v, f"{prefix}{k}."))
    else:
        out[prefix[:-1]] = obj
    return out


def same(g: Any, o: Any) -> bool:
    if g is None or o is None:
        return g is None and o is None
    if isinstance(g, (int, float)) and isinstance(o, (int, float)) and not isinstance(o, bool):
        return math.isclose(float(g), float(o), rel_tol=0, abs_tol=1e-6)
    return re.sub(r"\s+", "", str(g)) == re.sub(r"\s+", "", str(o))


def misses(gold: dict[str, Any], out: dict[str, Any]) -> list[str]:
    """Gold ids the output gets wrong (blank ids must be null)."""
    flat = flatten(out)
    blanks = set(gold.get("blank", []))
    bad = []
    for key, g in gold.items():
        if key in ("blank", "notes"):
            continue
        if key in blanks:
            g = None
        o = flat.get(key)
        if not same(g, o):
            bad.append(f"{key}: gold={g!r} got={o!r}")
    return bad
