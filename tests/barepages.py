"""Bare page numbers among a copy's lines: every gold and every sample text paged.

    python -m tests.barepages [--seeds K] [--base B[,B…]]

A copy of a PDF prints each page's number on a line of its own: pdftotext's default mode as
a bare number (``2``, the PDF's ``-2-`` stripped by a crawler, or the page's own), anywhere
on its page (reading order: after 行政许可's label, before its 9487), with a form feed
between pages or not (a copy of the whole text). Each text here is cut into 3 to 6 pages,
numbered n, n + 1, … from 1, 2 or 3, each number bare at a random line of its page (or at
its foot), with and without form feeds. The texts: the golds in pdftotext's default-mode
shape (``stream``: each cell a paragraph, a blank cell nothing), in the one-cell-a-line
shapes of ``tests.shapes`` (cell-blank, cell-bar, cell-pipe), and the sample texts (the
peer PDFs through pdftotext, their page numbers and page breaks taken out first).

Per base and feed: cells right / total, silent cells, false "missing" findings and sum
errors the gold does not earn, and the cells right in the same text without page numbers.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .shapes import SAMPLES, Rendering, load_gold, render_shape, sources
from .shapes_eval import Score, run_one

BASES = ("stream", "cell-blank", "cell-bar", "cell-pipe", "sample")
_PAGE_LINE = re.compile(r"(?m)^[ \t]*[-—–]\s*\d{1,3}\s*[-—–][ \t]*$")


def _expected(gold: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in gold.items() if k != "notes"}
    out["blank"] = list(gold.get("blank", []) or [])
    return out


def _samples() -> list[tuple[str, str, dict[str, Any]]]:
    """(stem, text, gold) of the sample texts: the .txt samples and the peer PDFs through
    pdftotext (default mode), their own page numbers and form feeds taken out."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    for txt in sorted(SAMPLES.glob("*.txt")) + sorted((SAMPLES / "peer").glob("*.txt")):
        gold = txt.with_name(txt.stem + ".gold.json")
        if gold.exists():
            out.append((txt.stem, txt.read_text(encoding="utf-8"), load_gold(gold)))
    if shutil.which("pdftotext"):
        for pdf in sorted((SAMPLES / "peer").glob("*.pdf")):
            run = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True)
            text = _PAGE_LINE.sub("", run.stdout.decode("utf-8")).replace("\f", "")
            out.append((pdf.stem, text, load_gold(pdf.with_name(pdf.stem + ".gold.json"))))
    return [(s, t.replace("\f", ""), g) for s, t, g in out]


def _bases(base: str, seed: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(stem, text without page numbers, expected gold) of ``base``."""
    for stem, text, expected in _texts(base, seed):
        yield stem, _PAGE_LINE.sub("", text).replace("\f", ""), expected


def _texts(base: str, seed: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    if base == "sample":
        for stem, text, gold in _samples():
            yield stem, text, _expected(gold)
        return
    for stem, gold in sources():
        if base == "stream":
            if "requests.new.total" not in gold:
                continue
            from .test_textshapes_pdftotext import _default_text

            yield stem, _default_text(gold, random.Random(f"{seed}|{stem}")), _expected(gold)
        else:
            r = render_shape(gold, base, seed, stem)
            yield stem, r.text, r.expected


def paged(
    text: str, rng: random.Random, feed: bool, foot: bool, anchor: bool = False
) -> tuple[str, int]:
    """``text`` cut into 3 to 6 pages at random lines, each page's number (from 1, 2 or 3)
    bare on a line of its own at a random line of its page (``foot``: at its end), a blank
    line around it or not; ``feed``: a form feed between pages. Returns the text and the
    number of page numbers that stand outside them (before 二、主动公开, after 五、)."""
    lines = text.split("\n")
    pages = rng.randint(3, 6)
    cuts = sorted(rng.sample(range(1, len(lines)), pages - 1))
    bounds = list(zip([0, *cuts], [*cuts, len(lines)]))
    first = rng.randint(1, 3)
    out: list[str] = []
    a = text.find("二、主动公开")
    b = text.find("五、", text.find("四、政府信息公开行政复议", max(a, 0)))
    b = b if a >= 0 and b >= 0 else len(text)
    inside = 0
    pos = 0
    head = text[: max(a, 0)].count("\n")
    tail = text[:b].count("\n") + 1
    for k, (s, e) in enumerate(bounds):
        at = e if foot else rng.randint(s, e)
        if anchor and k == 0 and s < head:
            at = rng.randint(s, min(e, head))
        elif anchor and k == len(bounds) - 1 and e > tail:
            at = rng.randint(max(s, tail), e)
        pad = rng.random() < 0.5
        number = ([""] if pad else []) + [str(first + k)] + ([""] if pad else [])
        page = lines[s:at] + number + lines[at:e]
        here = pos + sum(len(x) + 1 for x in lines[s:at])
        inside += not a <= here < b
        pos += sum(len(x) + 1 for x in lines[s:e])
        if feed and k:
            page[0] = "\f" + page[0]
        out += page
    return "\n".join(out), inside


@dataclass
class Tally:
    runs: int = 0
    cells: int = 0
    right: int = 0
    plain: int = 0  # right in the text without page numbers
    silent: int = 0
    false: int = 0
    refused: int = 0


def cases(
    seeds: int, bases: tuple[str, ...]
) -> Iterator[tuple[str, bool, bool, Rendering, Rendering]]:
    """(base, feed, two page numbers or more outside the tables, paged rendering, the
    rendering without page numbers)."""
    for seed in range(seeds):
        for base in bases:
            for stem, text, expected in _bases(base, seed):
                rng = random.Random(f"{seed}|{stem}|{base}")
                plain = Rendering(stem, "plain", seed, base, text, expected)
                for feed in (True, False):
                    anchor = rng.random() < 0.5
                    copy, outside = paged(text, rng, feed, rng.random() < 0.3, anchor)
                    shape = f"bare-pages-{'feed' if feed else 'nofeed'}"
                    r = Rendering(stem, shape, seed, base, copy, expected)
                    yield base, feed, outside >= 2, r, plain


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--base", default=",".join(BASES))
    ap.add_argument("--show", type=int, default=4)
    ap.add_argument("--dump", default="", help="write the texts shown into this directory")
    args = ap.parse_args(argv)
    tallies: dict[tuple[str, bool, bool], Tally] = {}
    plains: dict[tuple[str, str, int], int] = {}
    worst: list[tuple[Score, str]] = []
    for base, feed, anchored, r, plain in cases(args.seeds, tuple(args.base.split(","))):
        t = tallies.setdefault((base, feed, anchored), Tally())
        s = run_one(r)
        key = (base, plain.gold, plain.seed)
        if key not in plains:
            plains[key] = run_one(plain).right
        t.runs += 1
        t.cells += s.cells
        t.right += s.right
        t.plain += plains[key]
        t.silent += s.silent
        t.false += len(s.false_missing) + len(s.false_sums)
        t.refused += bool(s.refused)
        if s.silent or s.false_missing or s.false_sums or s.refused:
            worst.append((s, f"{base} feed={feed} anchored={anchored} {r.gold} seed={r.seed}"))
    print(f"{'base':<11} feed  anchored runs  right/cells (plain)        silent false refused")
    for (base, feed, anchored), t in sorted(tallies.items()):
        print(
            f"{base:<11} {str(feed):<5} {str(anchored):<8} {t.runs:>4}  {t.right:>5}/{t.cells:<5} ({t.plain:>5})"
            f"  {100 * t.right / max(t.cells, 1):6.2f} %  {t.silent:>5} {t.false:>5} {t.refused:>5}"
        )
    tot = Tally()
    for t in tallies.values():
        tot.cells += t.cells
        tot.right += t.right
        tot.plain += t.plain
        tot.silent += t.silent
        tot.false += t.false
    print(
        f"ALL right {tot.right}/{tot.cells} (plain {tot.plain}), silent {tot.silent}, "
        f"false {tot.false}"
    )
    for s, what in worst[: args.show]:
        print("  ", what, s.problems("")[:4])
        if args.dump:
            from pathlib import Path

            name = what.replace(" ", "_").replace("=", "")
            Path(args.dump).mkdir(exist_ok=True)
            (Path(args.dump) / f"{name}.txt").write_text(s.r.text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
