"""OCR-like and pdftotext copies of every gold, generated (issue 10's fuzzer for scans).

    python -m tests.ocrshapes [--n K] [--seed N] [--mode M[,M…]] [--gold SUBSTR] [--show M]

Each gold is laid out by the writer as a PDF (``render(..., "pdf")``, LibreOffice), turned
into text by poppler's ``pdftotext`` in its three modes (``default``: a cell a paragraph;
``raw``: the content stream's order; ``layout``: the page's columns kept by spaces) and in
the shape of an OCR engine's text (``ocr``: the layout's lines with their gaps collapsed to
one or two spaces, the way a recogniser prints a table's row), and then damaged inside
sections 二 to 四 the way recognition damages a table:

* ``merge``     two cells on a line lose the space between them (``12 3`` read ``123``);
* ``letter0``   a 0 read as O or o;      ``letter1``  a 1 read as l, I or |;
* ``drop``      a cell lost;             ``split``    a row's numbers broken over two lines;
* ``fullwidth`` a number in full-width digits (１２３);
* ``rule``      a stray | or _ from a ruling line (line start or end, between two cells);
* ``wrap``      a row's label wrapped: its tail on the next line, after or before the numbers;
* ``comma``     a number of four digits or more with thousands separators (1,234).

Nothing is repaired here: the expected values are the gold's. A cell the damage leaves
unreadable must be named by a finding (R-UNREAD and the like), never read wrong silently;
nothing the gold holds may be called missing, and no sum error the gold itself does not
raise may be made (``shapes_eval.score``: silent, false missing, false sums).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .shapes import Rendering, sources

MODES: tuple[str, ...] = ("default", "raw", "layout", "ocr")
DAMAGES: tuple[str, ...] = (
    "merge",
    "letter0",
    "letter1",
    "drop",
    "split",
    "fullwidth",
    "rule",
    "wrap",
    "comma",
)
CACHE = Path(tempfile.gettempdir()) / "nianbao-ocrshapes"
_NUM = re.compile(r"(?<![\d.,])\d+(?:\.\d+)?(?![\d.,、．])")
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
_CJK = re.compile(r"[\u4e00-\u9fff（）“”、]")


def available() -> bool:
    return shutil.which("pdftotext") is not None


def _pdf_texts(stem: str, gold: dict[str, Any]) -> dict[str, str]:
    """pdftotext's three texts of the writer's PDF of ``gold`` (cached by the gold's hash:
    LibreOffice takes a second a PDF)."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    h = hashlib.sha256(json.dumps(gold, sort_keys=True).encode()).hexdigest()[:16]
    folder = CACHE / f"{stem}-{h}"
    paths = {m: folder / f"{m}.txt" for m in ("default", "raw", "layout")}
    if not all(p.exists() for p in paths.values()):
        folder.mkdir(parents=True, exist_ok=True)
        pdf = folder / "r.pdf"
        pdf.write_bytes(render(Report.from_flat(gold), "pdf"))
        for m, p in paths.items():
            flags = [] if m == "default" else [f"-{m}"]
            out = subprocess.run(["pdftotext", *flags, str(pdf), "-"], capture_output=True)
            p.write_bytes(out.stdout)
    return {m: p.read_text(encoding="utf-8") for m, p in paths.items()}


def _ocr_text(layout: str, rng: random.Random) -> str:
    """The layout text as a recogniser prints it: a line's gaps collapsed to one or two
    spaces, its indent dropped."""
    out = []
    for line in layout.split("\n"):
        line = re.sub(r" {2,}", lambda _m: " " * rng.choice((1, 1, 2)), line.strip(" "))
        out.append(line)
    return "\n".join(out)


def _region(text: str) -> tuple[int, int]:
    """Sections 二 to 四 (the three tables), from 二's heading to 五's."""
    a = text.find("二、主动公开")
    b = text.find("五、", text.find("四、政府信息公开行政复议", max(a, 0)) + 1)
    if a < 0:
        a = 0
    if b < 0:
        b = len(text)
    return a, b


def _nums(line: str) -> list[re.Match[str]]:
    return list(_NUM.finditer(line))


def _damage(lines: list[str], kind: str, rng: random.Random) -> str | None:
    """Apply one damage of ``kind`` to a random place of ``lines`` (in place); what was
    done, or None when no place fits."""
    spots = [(i, m) for i, ln in enumerate(lines) for m in _nums(ln)]
    if kind == "merge":
        pairs = []
        for i, ln in enumerate(lines):
            ms = _nums(ln)
            for a, b in zip(ms, ms[1:]):
                gap = ln[a.end() : b.start()]
                if gap and not gap.strip(" "):
                    pairs.append((i, a, b))
        if not pairs:
            return None
        i, a, b = rng.choice(pairs)
        ln = lines[i]
        lines[i] = ln[: a.end()] + ln[b.start() :]
        return f"merge {a.group()}+{b.group()} @{i}"
    if kind in ("letter0", "letter1"):
        digit = kind[-1]
        cands = [(i, m) for i, m in spots if digit in m.group()]
        if not cands:
            return None
        i, m = rng.choice(cands)
        tok = m.group()
        at = rng.choice([k for k, c in enumerate(tok) if c == digit])
        sub = rng.choice("Oo" if digit == "0" else "lI|")
        ln = lines[i]
        lines[i] = ln[: m.start() + at] + sub + ln[m.start() + at + 1 :]
        return f"{kind} {tok}->{tok[:at]}{sub}{tok[at + 1 :]} @{i}"
    if kind in ("drop", "fullwidth", "comma"):
        cands = spots
        if kind == "comma":
            cands = [(i, m) for i, m in spots if len(m.group().split(".")[0]) >= 4]
        if not cands:
            return None
        i, m = rng.choice(cands)
        ln, tok = lines[i], m.group()
        if kind == "drop":
            a = m.start()
            while a > 0 and ln[a - 1] == " ":
                a -= 1
            lines[i] = ln[:a] + ln[m.end() :]
        elif kind == "fullwidth":
            lines[i] = ln[: m.start()] + tok.translate(_FULL) + ln[m.end() :]
        else:
            whole, _, frac = tok.partition(".")
            new = f"{int(whole):,}" + (f".{frac}" if frac else "")
            lines[i] = ln[: m.start()] + new + ln[m.end() :]
        return f"{kind} {tok} @{i}"
    if kind == "split":
        cands = [(i, ms) for i, ln in enumerate(lines) if len(ms := _nums(ln)) >= 3]
        if not cands:
            return None
        i, ms = rng.choice(cands)
        m = ms[rng.randrange(1, len(ms))]
        ln = lines[i]
        lines[i : i + 1] = [
            ln[: m.start()].rstrip(" "),
            " " * rng.choice((0, 0, 4)) + ln[m.start() :],
        ]
        return f"split before {m.group()} @{i}"
    if kind == "rule":
        mark = rng.choice(("|", "_", "|", "__"))
        cands = [i for i, ln in enumerate(lines) if _nums(ln)]
        if not cands:
            return None
        i = rng.choice(cands)
        ln = lines[i]
        ms = _nums(ln)
        where = rng.choice(("start", "end", "between"))
        if where == "between" and len(ms) >= 2:
            a, b = rng.choice(list(zip(ms, ms[1:])))
            if not ln[a.end() : b.start()].strip(" "):
                lines[i] = ln[: a.end()] + f" {mark} " + ln[b.start() :]
                return f"rule {mark} between @{i}"
        if where == "start":
            lines[i] = f"{mark} " + ln
        else:
            lines[i] = ln + f" {mark}"
        return f"rule {mark} {where} @{i}"
    if kind == "wrap":
        cands = []
        for i, ln in enumerate(lines):
            ms = _nums(ln)
            if not ms:
                continue
            head = ln[: ms[0].start()].rstrip(" ")
            if len(_CJK.findall(head)) >= 6 and _CJK.search(head[-1:] or " "):
                cands.append((i, head, ms[0].start()))
        if not cands:
            return None
        i, head, at = rng.choice(cands)
        lead = len(head) - len(head.lstrip(" "))
        cut = rng.randrange(lead + 3, len(head) - 1)
        ln = lines[i]
        top, tail = head[:cut], head[cut:]
        if rng.random() < 0.5:  # the tail under the label, below the numbers' line
            lines[i : i + 1] = [top + ln[len(head) :], " " * lead + tail]
        else:  # the label's first part on a line of its own, the numbers after the tail
            lines[i : i + 1] = [top, " " * lead + tail + ln[len(head) :]]
        return f"wrap {top.strip()}/{tail} @{i}"
    raise ValueError(kind)


def damaged(
    text: str, rng: random.Random, k: int, kinds: tuple[str, ...] = DAMAGES
) -> tuple[str, list[str]]:
    """``text`` with ``k`` damages (of ``kinds``) inside its tables' region; the damages
    done."""
    a, b = _region(text)
    lines = text[a:b].split("\n")
    done: list[str] = []
    for _ in range(k * 3):
        if len(done) >= k:
            break
        what = _damage(lines, rng.choice(kinds), rng)
        if what:
            done.append(what)
    return text[:a] + "\n".join(lines) + text[b:], done


def renderings(
    seed: int = 0,
    n: int = 1,
    modes: tuple[str, ...] = MODES,
    gold_filter: str = "",
    most: int = 4,
    kinds: tuple[str, ...] = DAMAGES,
) -> list[Rendering]:
    """Every gold in every mode, ``n`` damaged copies each (one to ``most`` damages a copy;
    none with ``most=0``)."""
    out = []
    for stem, gold in sources(gold_filter):
        texts = _pdf_texts(stem, gold)
        expected = {k: v for k, v in gold.items() if k != "notes"}
        expected["blank"] = list(gold.get("blank", []) or [])
        for mode in modes:
            for s in range(seed, seed + n):
                rng = random.Random(f"{s}|{stem}|{mode}")
                base = _ocr_text(texts["layout"], rng) if mode == "ocr" else texts[mode]
                text, done = damaged(base, rng, rng.randint(min(1, most), most), kinds)
                out.append(
                    Rendering(
                        gold=stem,
                        shape=f"ocr-{mode}",
                        seed=s,
                        base=mode,
                        text=text,
                        expected=expected,
                        variants=done,
                    )
                )
    return out


def main(argv: list[str] | None = None) -> int:
    from .shapes_eval import run_one

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n", type=int, default=3)
    ap.add_argument("--mode", default="")
    ap.add_argument("--gold", default="")
    ap.add_argument("--show", type=int, default=10)
    ap.add_argument("--dump", default="")
    ap.add_argument("--damage", default="", help="only these damages (comma-separated)")
    ap.add_argument("--most", type=int, default=4, help="damages a copy at most (0: none)")
    a = ap.parse_args(argv)
    if not available():
        print("pdftotext (poppler) is not installed")
        return 2
    modes = tuple(m for m in a.mode.split(",") if m) or MODES
    t = time.perf_counter()
    kinds = tuple(k for k in a.damage.split(",") if k) or DAMAGES
    rs = renderings(a.seed, a.n, modes, a.gold, a.most, kinds)
    tot: dict[str, list[int]] = {}
    bad = []
    for r in rs:
        sc = run_one(r)
        acc = tot.setdefault(r.shape, [0, 0, 0, 0, 0, 0])
        for j, v in enumerate(
            (1, sc.cells, sc.right, sc.silent, len(sc.false_missing), len(sc.false_sums))
        ):
            acc[j] += v
        if sc.silent or sc.false_missing or sc.false_sums or sc.refused:
            bad.append(sc)
        if a.dump:
            Path(a.dump).mkdir(parents=True, exist_ok=True)
            (Path(a.dump) / f"{r.gold}-{r.shape}-{r.seed}.txt").write_text(r.text)
    print(
        f"{'mode':<12}{'runs':>5} {'right/cells':>14} {'silent':>7} {'false-miss':>11} {'false-sum':>10}"
    )
    for shape, (runs, cells, right, silent, fm, fs) in tot.items():
        print(f"{shape:<12}{runs:>5} {right:>7}/{cells:<6} {silent:>7} {fm:>11} {fs:>10}")
    allv = [sum(v[j] for v in tot.values()) for j in range(6)]
    print(
        f"{'ALL':<12}{allv[0]:>5} {allv[2]:>7}/{allv[1]:<6} {allv[3]:>7} {allv[4]:>11} {allv[5]:>10}"
    )
    print(f"({time.perf_counter() - t:.1f} s)")
    for sc in bad[: a.show]:
        r = sc.r
        print(f"  --mode {r.base} --seed {r.seed} --gold {r.gold}: {'; '.join(r.variants)}")
        for m in sc.silent_ids[:4]:
            print(f"      silent {m}")
        for m in sc.false_missing[:3]:
            print(f"      false  {m}")
        for m in sc.false_sums[:3]:
            print(f"      sum    {m}")
        if sc.refused:
            print(f"      REFUSED {sc.refused}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
