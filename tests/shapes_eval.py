"""Score the parser on the layout fuzzer (issue 10): every gold in every shape, K seeds.

    python -m tests.shapes_eval [--seed N] [--n K] [--shape S[,S…]] [--gold SUBSTR]
                                [--show M] [--dump DIR]

Per shape it prints table cells (ids under active./active2019./requests./reviews.) right /
total, meta (agency, year, format, published) right / total, wrong cells named by a finding,
wrong cells no finding names (silent), false "missing" findings, refusals (exceptions), then
the cells after a truncation cut and the cells the text cannot give back by construction
(both already inside the totals), and the worst renderings with the line that reproduces them.

The definitions are those of ../shared/hooks/silent.py (not imported; scoring from tests.gold): a
wrong cell is *named* when a finding lists it or a prefix of it (its row, its table, or
``sections.sN`` for the section holding it) under a rule that is not R-TABLE-MISSING,
R-ROW-MISSING or R-SECTIONS; a *false missing* finding is one of those rules naming a cell,
row or table that the expected gold holds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gold import covers, flatten, same
from .shapes import (
    BASE_SHAPES,
    EDITED_SHAPES,
    SHAPES,
    Rendering,
    all_renderings,
    gold_files,
    sources,
)

TABLE_ROOTS = ("active", "active2019", "requests", "reviews")
MISSING_RULES = frozenset({"R-TABLE-MISSING", "R-ROW-MISSING"})


# ---------------------------------------------------------------------- scoring (silent.py)
def is_missing_rule(rule: str) -> bool:
    base = rule.split(".")[0]
    return base in MISSING_RULES or rule.startswith("R-SECTIONS")


def named(findings: Iterable[dict[str, Any]], key: str) -> bool:
    """A finding that is not a missing-rule lists the cell or a prefix of it."""
    return any(
        not is_missing_rule(f.get("rule", "")) and any(covers(c, key) for c in f.get("cells") or [])
        for f in findings
    )


@dataclass
class Score:
    """One rendering parsed and compared."""

    r: Rendering
    cells: int = 0
    right: int = 0
    named: int = 0
    silent: int = 0
    refused: str | None = None
    meta_total: int = 0
    meta_right: int = 0
    false_missing: list[str] = field(default_factory=list)
    # errors about the numbers the document itself does not earn (its gold, checked as it
    # is, does not raise them): a sum over cells the tool could not read, a negative count
    # made by a wrong split
    false_sums: list[str] = field(default_factory=list)
    false_beyond_cut: int = 0  # false missing findings about what stands after the cut
    silent_ids: list[str] = field(default_factory=list)
    meta_wrong: list[str] = field(default_factory=list)
    # (total, right, named, silent) for the cells after the cut / unrecoverable cells
    cut: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    unrec: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    seconds: float = 0.0

    @property
    def badness(self) -> tuple[int, int, int]:
        return (1 if self.refused else 0, self.silent + len(self.false_missing), -self.right)

    def problems(self, what: str, n: int = 3) -> list[str]:
        """What a test must not see, each line opened by ``what``: a refusal, silent cells,
        false "missing" findings, sum errors the document does not earn (``n`` of each)."""
        out = [f"{what}: refused {self.refused}"] if self.refused else []
        out += [f"{what}: silent {x}" for x in self.silent_ids[:n]]
        out += [f"{what}: false missing {x}" for x in self.false_missing[:n]]
        out += [f"{what}: false sum {x}" for x in self.false_sums[:n]]
        return out


SUM_RULES = frozenset(
    {"R-SUM-ROW", "R-SUM-RESULTS", "R-BALANCE", "R-SUBTOTAL", "R-REVIEW-TOTAL", "R-NEGATIVE"}
)
_OWN: dict[str, set[tuple[str, str]]] = {}


def _own_errors(stem: str, expected: dict[str, Any]) -> set[tuple[str, str]]:
    """(rule, last cell) of the arithmetic errors the document itself raises: its gold
    (blank cells printed blank) checked as it is."""
    if stem not in _OWN:
        from nianbao.checks.engine import check
        from nianbao.report import Report, Value

        rep = Report.from_flat({k: v for k, v in expected.items() if k != "blank"})
        for fid in expected.get("blank") or ():
            rep.values[fid] = Value(None, "")
        _OWN[stem] = {(f.rule, f.cells[-1] if f.cells else "") for f in check(rep).findings}
    return _OWN[stem]


def score(r: Rendering, out: dict[str, Any] | None, error: str | None = None) -> Score:
    """Compare a parse (``Report.to_dict()``) with the rendering's expected gold."""
    s = Score(r)
    keys = r.table_ids()
    s.cells = len(keys)
    s.meta_total = len(r.meta_ids())
    if out is None:
        s.refused = error or "no output"
        for k in keys:
            for acc, inside in ((s.cut, k in r.after_cut), (s.unrec, k in r.unrecoverable)):
                if inside:
                    acc[0] += 1
        return s
    flat = flatten({k: v for k, v in out.items() if k in TABLE_ROOTS})
    findings = out.get("findings") or []
    for k in keys:
        g = r.expected_value(k)
        ok = k in flat and same(g, flat.get(k))
        is_named = not ok and named(findings, k)
        if ok:
            s.right += 1
        elif is_named:
            s.named += 1
        else:
            s.silent += 1
            s.silent_ids.append(f"{k}: gold={g!r} got={flat.get(k, '<absent>')!r}")
        for acc, inside in ((s.cut, k in r.after_cut), (s.unrec, k in r.unrecoverable)):
            if inside:
                acc[0] += 1
                acc[1 if ok else 2 if is_named else 3] += 1
    for f in findings:
        rule = f.get("rule", "")
        if is_missing_rule(rule):
            hit = [c for c in f.get("cells") or [] if any(covers(c, k) for k in keys)]
            if hit:
                s.false_missing.append(f"{rule} {hit[:3]}")
                if r.after_cut and all(k in r.after_cut for c in hit for k in keys if covers(c, k)):
                    s.false_beyond_cut += 1
    own = _own_errors(r.gold, r.expected)
    for f in findings:
        rule = f.get("rule", "")
        if rule in SUM_RULES and f.get("severity") == "error":
            cells = f.get("cells") or []
            if (rule, cells[-1] if cells else "") not in own:
                s.false_sums.append(f"{rule}: {str(f.get('message'))[:120]}")
    meta = flatten({"meta": out.get("meta") or {}})
    for k in r.meta_ids():
        if same(r.expected.get(k), meta.get(k)):
            s.meta_right += 1
        else:
            s.meta_wrong.append(f"{k}: gold={r.expected.get(k)!r} got={meta.get(k)!r}")
    return s


def run_one(r: Rendering) -> Score:
    import nianbao

    t = time.perf_counter()
    try:
        out = nianbao.parse(r.data, name=r.name).to_dict()
    except Exception as exc:  # every exception is a refusal here
        s = score(r, None, f"{type(exc).__name__}: {str(exc)[:120]}")
    else:
        s = score(r, out)
    s.seconds = time.perf_counter() - t
    return s


# ---------------------------------------------------------------------- runs
def renderings(
    seed: int = 0, n: int = 1, shapes: Iterable[str] = SHAPES, gold_filter: str = ""
) -> list[Rendering]:
    return all_renderings(seed, n, tuple(shapes), gold_filter)


@dataclass
class ShapeTotals:
    runs: int = 0
    cells: int = 0
    right: int = 0
    named: int = 0
    silent: int = 0
    false_missing: int = 0
    false_beyond_cut: int = 0
    refused: int = 0
    meta_total: int = 0
    meta_right: int = 0
    cut: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    unrec: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    seconds: float = 0.0
    scores: list[Score] = field(default_factory=list)

    def add(self, s: Score) -> None:
        self.runs += 1
        self.cells += s.cells
        self.right += s.right
        self.named += s.named
        self.silent += s.silent
        self.false_missing += len(s.false_missing)
        self.false_beyond_cut += s.false_beyond_cut
        self.refused += 1 if s.refused else 0
        self.meta_total += s.meta_total
        self.meta_right += s.meta_right
        self.cut = [a + b for a, b in zip(self.cut, s.cut)]
        self.unrec = [a + b for a, b in zip(self.unrec, s.unrec)]
        self.seconds += s.seconds
        self.scores.append(s)


def evaluate(
    seed: int = 0, n: int = 1, shapes: Iterable[str] = SHAPES, gold_filter: str = ""
) -> dict[str, ShapeTotals]:
    totals: dict[str, ShapeTotals] = {}
    for r in renderings(seed, n, shapes, gold_filter):
        totals.setdefault(r.shape, ShapeTotals()).add(run_one(r))
    return totals


def copy_problems(copies: Iterable[Rendering], whole: bool = True) -> list[str]:
    """What is wrong with each copy read: silent cells, false "missing" and sum findings,
    refusals (``Score.problems``), a wrong agency or year; with ``whole``, any cell not right (else a
    cell not right must be named by a finding)."""
    bad: list[str] = []
    for r in copies:
        s = run_one(r)
        what = f"{r.shape} {r.gold} {r.base} seed {r.seed} {' '.join(r.variants)}"
        bad += s.problems(what)
        bad += [f"{what}: {m}" for m in s.meta_wrong if m.startswith(("meta.agency", "meta.year"))]
        if whole and s.right != s.cells:
            bad.append(f"{what}: right {s.right}/{s.cells}")
    return bad


def shape_table(
    shapes: Iterable[str],
    copies: Callable[[str], Iterable[Rendering]],
    show: int = 3,
    width: int = 16,
) -> None:
    """Print, shape by shape, the copies ``copies(shape)`` gives scored: runs, cells right,
    named, silent, false "missing" and false sum findings, refusals; then the whole; then
    the worst ``show`` copies of each shape with their problems (the table of the shape
    generators' command lines: ``tests.copyshapes``, ``tests.crawlshapes``)."""
    worst: dict[str, list[Score]] = {}
    print(
        f"{'shape':<{width}}{'runs':>5} {'right/cells':>16} {'named':>6} {'silent':>7} "
        f"{'false-miss':>10} {'false-sum':>9} {'refused':>8}"
    )

    def line(name: str, t: list[int]) -> str:
        return (
            f"{name:<{width}}{t[0]:>5} {t[1]:>7}/{t[2]:<8} {t[3]:>6} {t[4]:>7} "
            f"{t[5]:>10} {t[6]:>9} {t[7]:>8}"
        )

    grand = [0] * 8
    for shape in shapes:
        tot = [0] * 8
        for r in copies(shape):
            s = run_one(r)
            row = (1, s.right, s.cells, s.named, s.silent, len(s.false_missing))
            row += (len(s.false_sums), 1 if s.refused else 0)
            tot = [x + y for x, y in zip(tot, row)]
            if s.refused or s.silent or s.false_missing or s.false_sums or s.named:
                worst.setdefault(shape, []).append(s)
        grand = [x + y for x, y in zip(grand, tot)]
        print(line(shape, tot))
    print(line("ALL", grand))
    for shape, scores in worst.items():
        scores.sort(key=lambda s: (s.silent, len(s.false_missing), s.named), reverse=True)
        for s in scores[:show]:
            print(
                f"  {shape} --seed {s.r.seed} --gold {s.r.gold} {' '.join(s.r.variants)}: "
                f"right {s.right}/{s.cells} named {s.named}"
            )
            for problem in s.problems("   ", 3):
                print("   " + problem)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:6.2f}%" if b else "     -"


def _quad(q: list[int]) -> str:
    return f"{q[0]:>5} ({q[1]}/{q[2]}/{q[3]})" if q[0] else "    0"


def report(
    totals: dict[str, ShapeTotals], show: int = 3, seed: int = 0, n: int = 1, by_base: bool = True
) -> str:
    lines = [
        f"layout fuzzer: {len(gold_files())} gold files + {len(sources()) - len(gold_files())} "
        f"invented reports, seeds {seed}..{seed + n - 1}",
        "",
        f"{'shape':<14}{'runs':>5} {'cells right/total':>20} {'':>8} {'meta r/t':>10} "
        f"{'named':>6} {'silent':>7} {'false-miss':>10} {'refused':>8}   "
        f"{'after cut n (right/named/silent)':<33} unrecoverable n (right/named/silent)",
    ]
    grand = ShapeTotals()
    for shape in SHAPES + EDITED_SHAPES:
        t = totals.get(shape)
        if t is None:
            continue
        lines.append(
            f"{shape:<14}{t.runs:>5} {t.right:>10}/{t.cells:<9} {_pct(t.right, t.cells):>8} "
            f"{t.meta_right:>4}/{t.meta_total:<5} {t.named:>6} {t.silent:>7} "
            f"{t.false_missing:>10} {t.refused:>8}   {_quad(t.cut):<33} {_quad(t.unrec)}"
        )
        for s in t.scores:
            grand.add(s)
    lines.append(
        f"{'ALL':<14}{grand.runs:>5} {grand.right:>10}/{grand.cells:<9} "
        f"{_pct(grand.right, grand.cells):>8} {grand.meta_right:>4}/{grand.meta_total:<5} "
        f"{grand.named:>6} {grand.silent:>7} {grand.false_missing:>10} {grand.refused:>8}   "
        f"{_quad(grand.cut):<33} {_quad(grand.unrec)}"
    )
    meta_keys: dict[str, list[int]] = {}
    for sc in grand.scores:
        wrong = {m.split(":")[0] for m in sc.meta_wrong}
        for k in sc.r.meta_ids():
            acc = meta_keys.setdefault(k, [0, 0])
            acc[1] += 1
            acc[0] += k not in wrong
    lines.append(
        "meta right/total by field: "
        + ", ".join(f"{k[5:]} {a}/{b}" for k, (a, b) in sorted(meta_keys.items()))
    )
    if by_base:
        lines += ["", "composite shapes by base layout (cells right/total, silent, false-miss):"]
        for shape in SHAPES + EDITED_SHAPES:
            t = totals.get(shape)
            if t is None or shape in BASE_SHAPES:
                continue
            parts = []
            for base in BASE_SHAPES:
                sub = [sc for sc in t.scores if sc.r.base == base]
                if sub:
                    right = sum(sc.right for sc in sub)
                    cells = sum(sc.cells for sc in sub)
                    silent = sum(sc.silent for sc in sub)
                    false = sum(len(sc.false_missing) for sc in sub)
                    parts.append(f"{base} {right}/{cells} ({silent}, {false})")
            lines.append(f"  {shape:<14}" + "; ".join(parts))
    if grand.false_beyond_cut:
        lines.append(
            f"(of the false-miss findings, {grand.false_beyond_cut} name only what stands after "
            "a truncation cut)"
        )
    lines.append(f"(parse time {grand.seconds:.1f} s)")
    if show:
        lines += [
            "",
            "worst renderings (reproduce: python -m tests.shapes_eval --shape S "
            "--seed N --n 1 --gold G --dump DIR):",
        ]
        for shape in SHAPES + EDITED_SHAPES:
            t = totals.get(shape)
            if t is None:
                continue
            worst = sorted(t.scores, key=lambda s: s.badness, reverse=True)
            worst = [s for s in worst if s.badness[:2] != (0, 0) or s.meta_wrong][:show]
            for s in worst:
                r = s.r
                lines.append(
                    f"  {shape} --seed {r.seed} --gold {r.gold}: base {r.base} "
                    f"{' '.join(r.variants)}; right {s.right}/{s.cells}, named {s.named}, "
                    f"silent {s.silent}, false-miss {len(s.false_missing)}"
                    + (f", REFUSED {s.refused}" if s.refused else "")
                )
                for m in s.silent_ids[:4]:
                    lines.append(f"      silent {m}")
                for m in s.false_missing[:3]:
                    lines.append(f"      false  {m}")
                for m in s.meta_wrong[:3]:
                    lines.append(f"      meta   {m}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n", type=int, default=3, help="seeds per gold and shape")
    ap.add_argument("--shape", default="", help="comma-separated shapes (default: all)")
    ap.add_argument("--gold", default="", help="only golds whose file name contains this")
    ap.add_argument("--show", type=int, default=3, help="worst renderings shown per shape")
    ap.add_argument("--dump", default="", help="write every rendering (text) into this folder")
    ap.add_argument("--json", default="", help="also write the per-shape totals to this file")
    a = ap.parse_args(argv)
    shapes = [s for s in a.shape.split(",") if s] or list(SHAPES)
    unknown = [s for s in shapes if s not in SHAPES + EDITED_SHAPES]
    if unknown:
        ap.error(f"unknown shape(s) {unknown}; choose from {', '.join(SHAPES + EDITED_SHAPES)}")
    if not gold_files():
        print("no gold files (../shared/samples is not beside the checkout)")
        return 2
    if a.dump:
        folder = Path(a.dump)
        folder.mkdir(parents=True, exist_ok=True)
        for r in renderings(a.seed, a.n, shapes, a.gold):
            (folder / r.name).write_bytes(r.data)
    totals = evaluate(a.seed, a.n, shapes, a.gold)
    print(report(totals, a.show, a.seed, a.n))
    if a.json:
        summary = {
            shape: {
                "renderings": t.runs,
                "cells": t.cells,
                "right": t.right,
                "named": t.named,
                "silent": t.silent,
                "false_missing": t.false_missing,
                "refused": t.refused,
                "meta_right": t.meta_right,
                "meta_total": t.meta_total,
                "after_cut": dict(zip(("cells", "right", "named", "silent"), t.cut)),
                "unrecoverable": dict(zip(("cells", "right", "named", "silent"), t.unrec)),
            }
            for shape, t in totals.items()
        }
        Path(a.json).write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
