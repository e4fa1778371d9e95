"""Table rows written 「label：v，v，v」 (issue: rows whose cells are parted by marks): every
gold rendered in ``tests.shapes``' pipe-bare shape, then each row of 表二, 表三 and 表四 that holds
numbers rewritten so — its label, a colon or a tab, then its cells parted by one mark (，、；
or an ASCII comma), with blank cells kept as empty pieces (「行政许可：13470，，」) or the
trailing ones dropped; 表四's row of numbers has no label and is its cells parted by the mark.

    python -m tests.marked_rows [--gold SUBSTR]

prints, per variant, cells right / total, named, silent, false missing and false sums, and
the renderings whose rows the marks decide (no comma that may group a number by thousands)
yet read fewer cells right than the pipe-bare copy.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys

from .shapes import Rendering, render_shape, sources
from .shapes_eval import Score, run_one

MARKS = ("，", "、", "；", ",")
HEADS = ("colon", "tab")
_VALUE = re.compile(r"[-+]?\d+(?:\.\d+)?")
_CJK = re.compile("[\u4e00-\u9fff]")


def _row(line: str) -> tuple[str, list[str]] | None:
    """A pipe-bare line's label (its leading word cells joined) and value cells, where every
    cell after the label is a number or blank and one at least a number."""
    if "|" not in line:
        return None
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    while len(cells) > 1 and not cells[0] and cells[1] and not _VALUE.fullmatch(cells[1]):
        cells.pop(0)  # (a group's merged cell printed blank before the label)
    k = 0
    while k < len(cells) and cells[k] and not _VALUE.fullmatch(cells[k]):
        k += 1
    vals = cells[k:]
    if not vals or not any(vals) or not all(not v or _VALUE.fullmatch(v) for v in vals):
        return None
    labels = cells[:k]
    if labels and not all(_CJK.search(x) for x in labels):
        return None
    return " ".join(labels), vals


def ambiguous(line: str, mark: str) -> bool:
    """Whether a comma of the line may group a number by thousands (「19，100，0」)."""
    return (
        mark in "，,"
        and re.search(rf"(?<![\d.])[1-9]\d{{0,2}}(?:{mark}\d{{3}})+(?!\d)", line) is not None
    )


def marked(
    r: Rendering, head: str, mark: str, keep_blank: bool, unit: str = ""
) -> tuple[Rendering, bool]:
    """The rendering with its table rows written so (``unit`` after each count: 「0件，3件」),
    and whether a line is ambiguous."""
    out: list[str] = []
    amb = False
    colon = ":" if mark == "," else "："
    for line in r.text.split("\n"):
        got = _row(line)
        if got is not None:
            label, vals = got
            if not keep_blank:
                while vals and not vals[-1]:
                    vals.pop()
            if unit:
                vals = [v + unit if v and "." not in v else v for v in vals]
            body = mark.join(vals)
            line = (label + (colon if head == "colon" else "\t") + body) if label else body
            amb = amb or ambiguous(body, mark)
        out.append(line)
    text = "\n".join(out)
    return dataclasses.replace(r, text=text), amb


def variants() -> list[tuple[str, str, bool]]:
    return [(h, m, k) for h in HEADS for m in MARKS for k in (True, False)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default="")
    args = ap.parse_args(argv)
    base: dict[str, Score] = {}
    worst = 0
    for head, mark, keep in variants():
        tot = [0, 0, 0, 0, 0, 0]
        short: list[str] = []
        for stem, g in sources(args.gold):
            r = render_shape(g, "pipe-bare", 0, stem)
            if stem not in base:
                base[stem] = run_one(r)
            r2, amb = marked(r, head, mark, keep)
            s = run_one(r2)
            q = (s.cells, s.right, s.named, s.silent, len(s.false_missing), len(s.false_sums))
            tot = [a + b for a, b in zip(tot, q, strict=True)]
            if not amb and s.right < base[stem].right:
                short.append(f"{stem} {s.right}<{base[stem].right}")
            for p in s.problems(stem, 2):
                print("  ", p)
        worst += tot[3] + tot[4] + tot[5]
        print(
            f"{head} {mark!r} blanks {'kept' if keep else 'trailing dropped'}: {tot[1]}/{tot[0]}"
            f" named {tot[2]} silent {tot[3]} false missing {tot[4]} false sums {tot[5]}"
            f" short {len(short)} {short[:4]}",
            flush=True,
        )
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
