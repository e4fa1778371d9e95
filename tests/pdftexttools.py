"""The text the PDF-to-text tools of LLM pipelines and scripts make of report PDFs, read
and scored: pypdf's ``extract_text()`` (plain and ``extraction_mode="layout"``),
pdfplumber's ``extract_text()`` (plain and ``layout=True``), pypdfium2's
``get_text_range()`` and ``get_text_bounded()``, poppler's ``pdftotext -raw`` (and
``-layout``, for the comparison).

usage: PYTHONPATH=src:SITE .venv/bin/python -m tests.pdftexttools [--tool T[,T…]]
                                 [--producer P[,P…]] [--gold SUBSTR] [--cache DIR] [--show M]

SITE holds the tools the venv lacks (``.venv/bin/pip install --target SITE pypdf``); a
tool that does not import is left out. The PDFs: the samples' real ones, the writer's PDF
of every gold, and a sample of the Word-like (LibreOffice, ``tests.test_pdfshapes_word``)
and browser-printed (Chromium, ``tests.test_pdfshapes_browser``) shapes of every gold,
printed once into the cache. Each tool's text is read as ``nianbao parse`` reads a .txt
file and scored by ``tests.shapes_eval`` (right / named / silent cells, false "missing"
and sum findings). Per tool it prints runs, right/cells, named, silent, false findings,
refusals, then the worst copies. The tests that hold these shapes:
tests/test_textshapes_pdftools.py.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from nianbao.report import Report

from .shapes import SAMPLES, Rendering, sources
from .shapes_eval import Score, run_one

Tool = Callable[[bytes], str]

# (producer, shape, offset) of the Word-like and browser-printed PDFs made of every gold
WORD_SHAPES: tuple[tuple[str, int], ...] = (("pagefoot", 0), ("repeat", 90), ("small", 0))
BROWSER_SHAPES: tuple[tuple[str, int], ...] = (("thead", 2), ("dashed", 0))
PRODUCERS: tuple[str, ...] = ("peer", "writer", "word", "browser")


def _pages_joined(texts: Iterator[str]) -> str:
    """Pages one after the other, a line break between (as loaders join them)."""
    return "\n".join(texts)


def tools() -> dict[str, Tool]:
    """Every tool that imports (or runs), in its usual call."""
    out: dict[str, Tool] = {}
    try:
        from pypdf import PdfReader

        out["pypdf"] = lambda b: _pages_joined(
            p.extract_text() for p in PdfReader(io.BytesIO(b)).pages
        )
        out["pypdf-layout"] = lambda b: _pages_joined(
            p.extract_text(extraction_mode="layout") for p in PdfReader(io.BytesIO(b)).pages
        )
    except ImportError:
        pass
    try:
        import pdfplumber

        def plumber(b: bytes, **kw: Any) -> str:
            with pdfplumber.open(io.BytesIO(b)) as pdf:
                return _pages_joined(p.extract_text(**kw) or "" for p in pdf.pages)

        out["pdfplumber"] = plumber
        out["pdfplumber-layout"] = lambda b: plumber(b, layout=True)
    except ImportError:
        pass
    try:
        import pypdfium2 as pdfium

        def pdfium_text(b: bytes, bounded: bool) -> str:
            doc = pdfium.PdfDocument(b)
            try:
                texts = []
                for page in doc:
                    tp = page.get_textpage()
                    texts.append(tp.get_text_bounded() if bounded else tp.get_text_range())
                return _pages_joined(iter(texts))
            finally:
                doc.close()

        out["pypdfium2"] = lambda b: pdfium_text(b, False)
        out["pypdfium2-bounded"] = lambda b: pdfium_text(b, True)
    except ImportError:
        pass
    if shutil.which("pdftotext"):

        def poppler(b: bytes, mode: str) -> str:
            res = subprocess.run(
                ["pdftotext", mode, "-", "-"], input=b, capture_output=True, check=True
            )
            return res.stdout.decode("utf-8", "replace")

        out["pdftotext-raw"] = lambda b: poppler(b, "-raw")
        # (covered by tests/test_textshapes_pdftotext*.py; here for the comparison)
        out["pdftotext-layout"] = lambda b: poppler(b, "-layout")
    return out


def _expected(gold: dict[str, Any]) -> dict[str, Any]:
    e = {k: v for k, v in gold.items() if k != "notes"}
    e["blank"] = list(gold.get("blank") or [])
    return e


def _cached(cache: Path, key: str, make: Callable[[], bytes | None]) -> bytes | None:
    path = cache / f"{key}.pdf"
    if path.exists():
        return path.read_bytes()
    data = make()
    if data:
        path.write_bytes(data)
    return data


def _word_pdfs(cache: Path, golds: list[tuple[str, dict[str, Any]]]) -> dict[str, bytes]:
    """The Word-like shapes of ``golds`` printed by LibreOffice (all in one run)."""
    from .test_pdf_unruled import _print_pdfs
    from .test_pdfshapes_word import word_shape

    want = {
        f"{stem}__word-{shape}-{space}": (gold, shape, space)
        for stem, gold in golds
        for shape, space in WORD_SHAPES
    }
    todo = [k for k in want if not (cache / f"{k}.pdf").exists()]
    if todo:
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            docs = []
            for k in todo:
                gold, shape, space = want[k]
                path = Path(tmp) / f"{k}.docx"
                path.write_bytes(word_shape(gold, shape, space))
                docs.append(path)
            try:
                _print_pdfs(docs, Path(tmp) / "pdf")
            except BaseException as exc:  # pytest.skip without LibreOffice
                print(f"word PDFs: {type(exc).__name__}: {str(exc)[:120]}")
                return {}
            for k in todo:
                pdf = Path(tmp) / "pdf" / f"{k}.pdf"
                if pdf.exists():
                    shutil.copy(pdf, cache / f"{k}.pdf")
    return {k: (cache / f"{k}.pdf").read_bytes() for k in want if (cache / f"{k}.pdf").exists()}


def _browser_pdf(gold: dict[str, Any], shape: str, offset: int) -> bytes | None:
    from .test_pdf_tables import _chromium_pdf
    from .test_pdfshapes_browser import _page

    with tempfile.TemporaryDirectory() as tmp:
        try:
            return _chromium_pdf(_page(gold, shape, offset).encode("utf-8"), Path(tmp), False)
        except BaseException as exc:  # pytest.skip without Chromium
            print(f"browser PDF: {type(exc).__name__}: {str(exc)[:120]}")
            return None


def pdfs(
    cache: Path, producers: tuple[str, ...] = PRODUCERS, gold_filter: str = ""
) -> list[tuple[str, str, dict[str, Any], bytes]]:
    """(stem, producer, gold, PDF) of every source: the samples' real PDFs, the writer's
    PDF of every gold, the Word-like and browser-printed shapes of every gold."""
    from nianbao.writing.writer import render

    cache.mkdir(parents=True, exist_ok=True)
    out: list[tuple[str, str, dict[str, Any], bytes]] = []
    golds = sources(gold_filter)
    if "peer" in producers:
        for p in sorted((SAMPLES / "peer").glob("*.pdf")):
            gold_path = p.with_suffix(".gold.json")
            if gold_filter in p.stem and gold_path.exists():
                gold = json.loads(gold_path.read_text(encoding="utf-8"))
                out.append((p.stem, "peer", gold, p.read_bytes()))
    if "writer" in producers:
        for stem, gold in golds:
            data = _cached(
                cache, f"{stem}__writer", lambda g=gold: render(Report.from_flat(g), "pdf")
            )
            if data:
                out.append((stem, "writer", gold, data))
    if "word" in producers:
        made = _word_pdfs(cache, golds)
        for stem, gold in golds:
            for shape, space in WORD_SHAPES:
                data = made.get(f"{stem}__word-{shape}-{space}")
                if data:
                    out.append((stem, f"word-{shape}-{space}", gold, data))
    if "browser" in producers:
        for stem, gold in golds:
            for shape, offset in BROWSER_SHAPES:
                key = f"{stem}__browser-{shape}-{offset}"
                data = _cached(cache, key, lambda g=gold, s=shape, o=offset: _browser_pdf(g, s, o))
                if data:
                    out.append((stem, f"browser-{shape}-{offset}", gold, data))
    return out


def copies(
    tool: str, fn: Tool, items: list[tuple[str, str, dict[str, Any], bytes]]
) -> Iterator[Rendering]:
    """The tool's text of each PDF as a rendering scored against the PDF's gold (a tool
    failing on a PDF is said and skipped)."""
    for stem, producer, gold, data in items:
        try:
            text = fn(data)
        except Exception as exc:
            print(f"{tool} {stem} {producer}: {type(exc).__name__}: {str(exc)[:120]}")
            continue
        yield Rendering(stem, tool, 0, producer, text, _expected(gold))


def default_cache() -> Path:
    tag = hashlib.sha1(str(SAMPLES).encode()).hexdigest()[:8]
    return Path(tempfile.gettempdir()) / f"nianbao-pdftexttools-{tag}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tool", default="", help="comma-separated tools (default: every one)")
    ap.add_argument("--producer", default=",".join(PRODUCERS), help="peer,writer,word,browser")
    ap.add_argument("--gold", default="", help="only golds whose stem contains this")
    ap.add_argument("--cache", type=Path, default=None, help="where the PDFs are printed once")
    ap.add_argument("--show", type=int, default=3, help="worst copies shown per tool")
    ap.add_argument("--dump", type=Path, default=None, help="write every tool's text here")
    a = ap.parse_args(argv)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # (its font warnings, by the page)
    found = tools()
    chosen = [t for t in a.tool.split(",") if t] or list(found)
    print("tools:", ", ".join(t for t in chosen if t in found) or "none importable")
    items = pdfs(a.cache or default_cache(), tuple(a.producer.split(",")), a.gold)
    print(f"PDFs: {len(items)}")
    print(
        f"{'tool':<20}{'runs':>5} {'right/cells':>16} {'named':>6} {'silent':>7} "
        f"{'false-miss':>10} {'false-sum':>9} {'refused':>8}"
    )
    worst: dict[str, list[Score]] = {}
    for tool in chosen:
        if tool not in found:
            continue
        t = [0] * 7
        for r in copies(tool, found[tool], items):
            if a.dump:
                a.dump.mkdir(parents=True, exist_ok=True)
                (a.dump / f"{tool}__{r.gold}__{r.base}.txt").write_text(r.text, "utf-8")
            s = run_one(r)
            row = (1, s.right, s.cells, s.named, s.silent, len(s.false_missing))
            t = [x + y for x, y in zip(t, (*row, len(s.false_sums)))]
            if s.refused or s.silent or s.false_missing or s.false_sums:
                worst.setdefault(tool, []).append(s)
        refused = sum(1 for s in worst.get(tool, []) if s.refused)
        print(
            f"{tool:<20}{t[0]:>5} {t[1]:>7}/{t[2]:<8} {t[3]:>6} {t[4]:>7} "
            f"{t[5]:>10} {t[6]:>9} {refused:>8}"
        )
    for tool, scores in worst.items():
        scores.sort(key=lambda s: (s.silent, len(s.false_missing), len(s.false_sums)), reverse=True)
        for s in scores[: a.show]:
            print(f"  {tool} {s.r.gold} {s.r.base}: right {s.right}/{s.cells} named {s.named}")
            for problem in s.problems("   ", 3):
                print("   " + problem)
    return 0


if __name__ == "__main__":
    sys.exit(main())
