"""Copies of every gold carrying several defects at once, as real copies do.

    python -m tests.compound [--n K] [--seed S] [--show M] [--gold G] [--base B[,B…]]

Every other generator applies ONE family of damage. Here each copy is a composition of two
to four edits drawn from them, in the order a real copy acquires them:

1. a base: the writer's ``tab`` text, or the writer's HTML printed by the samples' crawler
   (``rows`` / ``cells`` / ``pipes``, :class:`tests.crawlshapes.Crawler`);
2. for a crawled base, markup edits of ``tests.crawlshapes`` on the page first (Word-pasted
   cells, ``<thead>``, 表三's header rows, spacer rows …; at most one of each exclusive group);
3. then text edits on the printed copy, each only where its input exists:
   表四 rewritten (``tests.copyshapes``: review-lines / -pairs / -merged / -transposed; a
   table of tab rows: ``tab`` and ``rows``), 表三 split (``s3-split``, ``tab``),
   ``thousands`` separators (tab-separated cells), ``units`` (件 after the counts of 表三 and
   表四), spaced cells (``space`` / ``seq-space``, ``tab``, after thousands and units),
   the sections renumbered (``paren-sections``) or bolded (``bold-md``), page ``chrome``
   before the report (``tests.shapes``), bare page numbers (``pages``,
   ``tests.barepages.paged``), and last the whole page wrapped (``html-br`` / ``md-quote``).

Nothing is repaired: the expected values are the gold's. Scored by
``tests.shapes_eval.score`` (right / named / silent / false missing / false sums); the table
is by base, then by edit (the copies that hold it), then the worst copies with their recipe.
The compositions that still draw false findings are listed, with the reason, in
``tests/test_compound_shapes.py`` (``KNOWN``).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Callable
from typing import Any

from nianbao.report import Report
from nianbao.writing.writer import render, title_of

from . import copyshapes, crawlshapes
from .barepages import paged
from .shapes import Rendering, _chrome_lines, every_source

BASES: tuple[str, ...] = ("tab", "rows", "cells", "pipes")
MARKUP: tuple[str, ...] = tuple(s for s in crawlshapes._ORDER if s != "layout")
_MARKUP_GROUPS = (("s3-head2", "s3-head3", "s3-head4"), ("labels-1", "labels-2", "labels-top"))
REVIEWS = ("review-lines", "review-pairs", "review-merged", "review-transposed")
# text edits in the order they are applied, with the bases each applies to
TEXT: dict[str, tuple[str, ...]] = {
    "review-lines": ("tab", "rows"),
    "review-pairs": ("tab", "rows"),
    "review-merged": ("tab", "rows"),
    "review-transposed": ("tab", "rows"),
    "s3-split": ("tab",),
    "thousands": ("tab", "rows", "cells"),
    "units": ("tab", "rows", "cells", "pipes"),
    "space": ("tab",),
    "seq-space": ("tab",),
    "paren-sections": BASES,
    "bold-md": BASES,
    "chrome": BASES,
    "pages": BASES,
    "html-br": BASES,
    "md-quote": BASES,
}
_EXCLUSIVE = (
    REVIEWS,
    ("space", "seq-space"),
    ("paren-sections", "bold-md"),
    ("html-br", "md-quote"),
    # both rewrite 表三's rows from the writer's three header lines
    ("s3-split", "space", "seq-space"),
    # the spaced copy numbers 表四's value row; a rewritten 表四 has none
    ("seq-space", *REVIEWS),
)
_COUNT = re.compile(r"^(\s*(?:\*\*)?)(\d[\d,，]*)((?:\*\*)?\s*)$")


def _units(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    """件 after every count of 表三 and 表四 (a cell of digits alone; 表二's fees untouched)."""
    sec = copyshapes._sections(lines)
    unit = rng.choice(("件", "件", "个"))
    v.append(f"unit={unit}")
    for i in range(sec["s3"], sec["s5"]):
        if "\t" in lines[i]:
            lines[i] = "\t".join(_COUNT.sub(rf"\1\2{unit}\3", c) for c in lines[i].split("\t"))
        elif lines[i].endswith(" |") and lines[i][:-2].strip().isdigit():  # the pipes crawl
            lines[i] = lines[i][:-2] + unit + " |"


def _chrome(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    report = Report.from_flat(gold)
    chrome, _ = _chrome_lines(rng, title_of(report), gold.get("meta.year"))
    v.append(f"chrome={len(chrome)}")
    lines[:0] = [s for _, s in chrome] + [""]


def _pages(lines: list[str], gold: dict[str, Any], rng: random.Random, v: list) -> None:
    feed, foot = rng.random() < 0.5, rng.random() < 0.3
    v.append(f"feed={feed} foot={foot}")
    text, _ = paged("\n".join(lines), rng, feed, foot)
    lines[:] = text.split("\n")


_TEXT_EDIT: dict[str, Callable[..., None]] = {
    **{k: f for k, f in copyshapes._EDIT.items() if k in TEXT},
    "units": _units,
    "chrome": _chrome,
    "pages": _pages,
}


def recipe(rng: random.Random, base: str) -> tuple[list[str], list[str]]:
    """Two to four compatible edits for ``base``: (markup edits, text edits), each in the
    order they are applied."""
    k = rng.randint(2, 4)
    pool = [s for s, bases in TEXT.items() if base in bases]
    if base != "tab":
        pool += list(MARKUP)
    picks: set[str] = set()
    for s in rng.sample(pool, len(pool)):
        if len(picks) == k:
            break
        clash = any(s in g and picks & (set(g) - {s}) for g in (*_EXCLUSIVE, *_MARKUP_GROUPS))
        if not clash:
            picks.add(s)
    return [s for s in MARKUP if s in picks], [s for s in TEXT if s in picks]


def render_compound(
    gold: dict[str, Any], base: str, seed: int = 0, stem: str = "gold"
) -> Rendering:
    """The gold in ``base`` with a random recipe of two to four edits applied."""
    rng = random.Random(f"{seed}|{stem}|{base}|compound")
    markup, text_edits = recipe(rng, base)
    report = Report.from_flat(gold)
    variants: list[str] = []
    if base == "tab":
        text = render(report, "tab").decode("utf-8")
    else:
        html = render(report, "html").decode("utf-8")
        import lxml.html

        doc = lxml.html.fromstring(html)
        body = doc.find("body")
        for s in markup:
            crawlshapes._EDIT[s](body, rng, variants)
        crawler = crawlshapes.Crawler(base, rng)
        variants.append(crawler.rules())
        text = crawler.page(lxml.html.tostring(doc, encoding="unicode"))
    lines = text.split("\n")
    done = list(markup)
    for s in text_edits:
        try:
            _TEXT_EDIT[s](lines, gold, rng, variants)
        except KeyError:  # a heading it works from is not a line of its own (title-row)
            continue
        done.append(s)
    expected: dict[str, Any] = {k: val for k, val in gold.items() if k != "notes"}
    expected["blank"] = list(gold.get("blank") or [])
    return Rendering(
        gold=stem,
        shape="+".join(done),
        seed=seed,
        base=base,
        text="\n".join(lines),
        expected=expected,
        variants=variants,
    )


def all_compounds(
    seed: int = 0, n: int = 1, gold_filter: str = "", bases: tuple[str, ...] = BASES
) -> list[Rendering]:
    return every_source(render_compound, bases, seed, n, gold_filter)


def main(argv: list[str] | None = None) -> int:
    from .shapes_eval import Score, run_one

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=5)
    ap.add_argument("--gold", default="")
    ap.add_argument("--base", default="")
    a = ap.parse_args(argv)
    bases = tuple(b for b in a.base.split(",") if b) or BASES
    by: dict[str, list[int]] = {}
    bad: list[Score] = []
    for r in all_compounds(a.seed, a.n, a.gold, bases):
        s = run_one(r)
        row = [1, s.right, s.cells, s.named, s.silent, len(s.false_missing), len(s.false_sums)]
        row.append(1 if s.refused else 0)
        for key in ["ALL", f"base:{r.base}", *r.shape.split("+")]:
            by[key] = [x + y for x, y in zip(by.get(key, [0] * 8), row)]
        if s.refused or s.silent or s.false_missing or s.false_sums:
            bad.append(s)
    print(
        f"{'group':<20}{'runs':>5} {'right/cells':>16} {'named':>6} {'silent':>7} "
        f"{'false-miss':>10} {'false-sum':>9} {'refused':>8}"
    )
    for key in sorted(by, key=lambda k: (k != "ALL", not k.startswith("base:"), k)):
        t = by[key]
        print(
            f"{key:<20}{t[0]:>5} {t[1]:>7}/{t[2]:<8} {t[3]:>6} {t[4]:>7} "
            f"{t[5]:>10} {t[6]:>9} {t[7]:>8}"
        )
    bad.sort(key=lambda s: (s.silent, len(s.false_missing), len(s.false_sums)), reverse=True)
    for s in bad[: a.show]:
        print(
            f"  --seed {s.r.seed} --gold {s.r.gold} --base {s.r.base} {s.r.shape} "
            f"{' '.join(s.r.variants)}: right {s.right}/{s.cells} named {s.named}"
        )
        for problem in s.problems("   ", 4):
            print("   " + problem)
    print(f"copies with a silent cell, a false finding or a refusal: {len(bad)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
