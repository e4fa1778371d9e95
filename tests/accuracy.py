"""Gold-scored accuracy per input format (in the manner of trafilatura's evaluation).

    python -m tests.accuracy            # print the report
    python -m tests.accuracy --update   # re-pin the floors in tests/accuracy_baseline.json
                                        # (refuses to lower a floor without --allow-regression)

Formats: text reports (.txt/.md), PDFs, and column-aligned text made from the PDFs with
`pdftotext -layout` when poppler is installed. Every gold id counts once; a blank id must
come back as null.

A second section reports the layout fuzzer (tests/shapes.py, issue 10): per shape, the table
cells right / total over every gold rendered once (seed 0). It has no floors yet; the full
measurement is `python -m tests.shapes_eval`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nianbao
from nianbao.errors import UnusableInput

from .conftest import documents_with_gold, load_gold
from .gold import misses

BASELINE = Path(__file__).with_name("accuracy_baseline.json")


def _score(doc_label: str, gold: dict, out: dict | None) -> tuple[int, int]:
    total = sum(1 for k in gold if k not in ("blank", "notes"))
    if out is None:
        return 0, total
    return total - len(misses(gold, out)), total


def evaluate() -> dict[str, dict[str, float | int]]:
    results: dict[str, list[tuple[int, int]]] = {}

    def add(fmt: str, doc: Path, data: bytes | Path) -> None:
        gold = load_gold(doc)
        try:
            out = nianbao.parse(data, name=str(doc)).to_dict()
        except UnusableInput:
            out = None
        results.setdefault(fmt, []).append(_score(str(doc), gold, out))

    for doc in documents_with_gold((".txt", ".md")):
        add("text", doc, doc)
    for doc in documents_with_gold((".pdf",)):
        add("pdf", doc, doc)
        if shutil.which("pdftotext"):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "layout.txt"
                subprocess.run(["pdftotext", "-layout", str(doc), str(out)], check=True)
                add("layout-text", doc, out.read_bytes())
    report = {}
    for fmt, scores in results.items():
        ok = sum(a for a, _ in scores)
        tot = sum(b for _, b in scores)
        report[fmt] = {
            "documents": len(scores),
            "fully_right": sum(1 for a, b in scores if a == b),
            "ids": tot,
            "matched": ok,
            "accuracy": round(ok / tot, 6) if tot else 0.0,
        }
    return report


def evaluate_shapes(seed: int = 0, n: int = 1) -> dict[str, dict[str, float | int]]:
    """Per shape of the layout fuzzer: table cells right / total (no floors)."""
    from .shapes_eval import evaluate as evaluate_fuzzer

    out: dict[str, dict[str, float | int]] = {}
    for shape, t in evaluate_fuzzer(seed, n).items():
        out[shape] = {
            "renderings": t.runs,
            "cells": t.cells,
            "right": t.right,
            "silent": t.silent,
            "false_missing": t.false_missing,
            "refused": t.refused,
            "accuracy": round(t.right / t.cells, 6) if t.cells else 0.0,
        }
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--allow-regression", action="store_true")
    a = ap.parse_args()
    rep = evaluate()
    print(f"{'format':<12} {'docs':>5} {'fully right':>12} {'ids matched':>14} {'accuracy':>9}")
    for fmt, r in sorted(rep.items()):
        print(
            f"{fmt:<12} {r['documents']:>5} {r['fully_right']:>12} {r['matched']:>7}/{r['ids']:<6} {100 * r['accuracy']:>8.2f}%"
        )
    shapes = evaluate_shapes()
    if shapes:
        print()
        print(
            f"{'shape':<14} {'docs':>5} {'cells right':>16} {'accuracy':>9} {'silent':>7} "
            f"{'false-miss':>10} {'refused':>8}"
        )
        for shape, r in shapes.items():
            print(
                f"{shape:<14} {r['renderings']:>5} {r['right']:>8}/{r['cells']:<7} "
                f"{100 * r['accuracy']:>8.2f}% {r['silent']:>7} {r['false_missing']:>10} "
                f"{r['refused']:>8}"
            )
    if a.update:
        old = json.loads(BASELINE.read_text()) if BASELINE.exists() else {"floors": {}}
        floors = {fmt: r["accuracy"] for fmt, r in rep.items()}
        lower = [f for f, v in floors.items() if v < old["floors"].get(f, 0)]
        if lower and not a.allow_regression:
            print(f"refusing to lower floors for {lower}; pass --allow-regression", file=sys.stderr)
            return 1
        tmp = BASELINE.with_suffix(".tmp")
        tmp.write_text(json.dumps({"floors": floors}, indent=1, sort_keys=True) + "\n")
        os.replace(tmp, BASELINE)
        print(f"pinned {BASELINE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
