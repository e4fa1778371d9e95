"""The gold files of ../shared/samples, and comparing a parse with one the way
../shared/hooks/score.py does."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared"
if not SHARED.exists():  # a copy of the tree away from ../shared: beside the working directory
    SHARED = Path("../shared").resolve()
SAMPLES = SHARED / "samples"

# the ids a finding on a whole section (sections.s3) stands for
SECTION_OF = {
    "sections.s2": ("active.", "active2019."),
    "sections.s3": ("requests.",),
    "sections.s4": ("reviews.",),
}


def gold_files() -> list[Path]:
    """Every gold file of the shared samples (top level, then peer)."""
    if not SAMPLES.is_dir():
        return []
    return sorted(SAMPLES.glob("*.gold.json")) + sorted((SAMPLES / "peer").glob("*.gold.json"))


def gold_stem(path: Path) -> str:
    return path.name[: -len(".gold.json")]


def load_gold(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


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


def covers(ref: str, key: str) -> bool:
    """A finding's cell ``ref`` names the gold id ``key``: the id itself, a row or table it
    stands in, or its whole section."""
    return (
        ref == key
        or key.startswith(ref + ".")
        or any(key.startswith(p) for p in SECTION_OF.get(ref, ()))
    )
