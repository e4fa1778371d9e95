"""The text real HTML/DOCX/PDF-to-text tools make of the writer's renderings of every gold,
dumped as files with a filtered gold beside each, for ``shared/hooks/score.py`` and
``silent.py``.

usage: PYTHONPATH=src:SITE .venv/bin/python -m tests.realtools OUT [--crawl] [--pdf]

SITE is a private install of the tools, never the project's venv::

    .venv/bin/pip install --target SITE trafilatura html2text inscriptis markdownify \\
        beautifulsoup4 justext readability-lxml markitdown mammoth docx2txt

(remove SITE/lxml* after it: the venv's lxml is used). Every tool that imports is run in
its usual settings; OUT/<tool>/<gold>-<shape>.{txt,md} gets its text. ``--crawl`` renders
the pages re-marked by every ``tests.crawlshapes`` edit besides the writer's own;
``--pdf`` adds markitdown on the writer's PDFs and the samples' real ones. Then::

    python3 ../shared/hooks/score.py --show 0 --cmd 'nianbao parse --format jsonl' OUT/T/*

The tests that keep these shapes read without the tools: tests/test_textshapes_realtools.py.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nianbao.report import Report
from nianbao.writing.writer import render

from .crawlshapes import SHAPES, edit_page
from .shapes import SAMPLES, TABLES, sources

Tool = Callable[[Any], str]


def _gold(g: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in g.items() if k in ("meta.agency", "meta.year") or k.startswith(TABLES)}
    out["blank"] = [b for b in g.get("blank") or [] if b.startswith(TABLES)]
    return out


def html_tools() -> dict[str, Tool]:
    tools: dict[str, Tool] = {}
    try:
        import trafilatura

        tools["trafilatura"] = lambda h: trafilatura.extract(h) or ""
        tools["trafilatura-md"] = lambda h: (
            trafilatura.extract(h, output_format="markdown", include_tables=True) or ""
        )
    except ImportError:
        pass
    try:
        import html2text

        def h2t(h: str) -> str:
            conv = html2text.HTML2Text()
            conv.body_width = 0
            return str(conv.handle(h))

        tools["html2text"] = lambda h: str(html2text.html2text(h))
        tools["html2text-bw0"] = h2t
        try:
            from readability import Document

            tools["readability-html2text"] = lambda h: h2t(Document(h).summary())
        except ImportError:
            pass
    except ImportError:
        pass
    try:
        import inscriptis

        tools["inscriptis"] = lambda h: str(inscriptis.get_text(h))
    except ImportError:
        pass
    try:
        import markdownify

        tools["markdownify"] = lambda h: str(markdownify.markdownify(h))
    except ImportError:
        pass
    try:
        from bs4 import BeautifulSoup

        for name, sep in (("bs4-empty", ""), ("bs4-nl", "\n"), ("bs4-sp", " ")):
            tools[name] = lambda h, s=sep: BeautifulSoup(h, "lxml").get_text(s)
        tools["bs4-nl-strip"] = lambda h: BeautifulSoup(h, "lxml").get_text("\n", strip=True)
    except ImportError:
        pass
    try:
        from markitdown import MarkItDown

        md = MarkItDown()
        tools["markitdown"] = lambda h: (
            md.convert_stream(io.BytesIO(h.encode()), file_extension=".html").text_content
        )
    except ImportError:
        pass
    try:
        import justext

        tools["justext"] = lambda h: "\n".join(
            p.text for p in justext.justext(h.encode(), frozenset()) if not p.is_boilerplate
        )
    except ImportError:
        pass
    return tools


def docx_tools() -> dict[str, Tool]:
    tools: dict[str, Tool] = {}
    try:
        import mammoth

        tools["mammoth-md"] = lambda b: mammoth.convert_to_markdown(io.BytesIO(b)).value
        tools["mammoth-raw"] = lambda b: mammoth.extract_raw_text(io.BytesIO(b)).value
        try:
            import markdownify

            # markitdown's DOCX path (mammoth's HTML, then markdownify): markitdown 0.1.9
            # itself fails on every DOCX beside beautifulsoup4 4.15 (namespaces lost)
            tools["mammoth-markdownify"] = lambda b: str(
                markdownify.markdownify(mammoth.convert_to_html(io.BytesIO(b)).value)
            )
        except ImportError:
            pass
    except ImportError:
        pass
    try:
        import docx2txt

        def d2t(b: bytes) -> str:
            with tempfile.NamedTemporaryFile(suffix=".docx") as f:
                f.write(b)
                f.flush()
                return str(docx2txt.process(f.name))

        tools["docx2txt"] = d2t
    except ImportError:
        pass
    return tools


def _dump(out: Path, tool: str, name: str, text: str, gold: dict[str, Any]) -> None:
    d = out / tool
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{name}.txt").write_text(text, encoding="utf-8")
    (d / f"{name}.gold.json").write_text(json.dumps(_gold(gold), ensure_ascii=False), "utf-8")


def _run(tools: dict[str, Tool], arg: Any, out: Path, name: str, gold: dict[str, Any]) -> None:
    for tool, fn in tools.items():
        try:
            text = fn(arg)
        except Exception as e:  # a tool that fails on a page: said, and the next one
            print(f"{tool} {name}: {type(e).__name__}: {str(e)[:120]}")
            continue
        _dump(out, tool, name, text, gold)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--crawl", action="store_true", help="every crawlshapes markup edit too")
    ap.add_argument("--pdf", action="store_true", help="markitdown on PDFs too")
    a = ap.parse_args(argv)
    shapes = SHAPES if a.crawl else ("plain",)
    htools, dtools = html_tools(), docx_tools()
    print("tools:", ", ".join([*htools, *dtools]) or "none importable")
    for stem, g in sources():
        report = Report.from_flat(g)
        page = render(report, "html").decode("utf-8")
        for shape in shapes:
            rng = random.Random(f"0|{stem}|{shape}|")
            html = page if shape == "plain" else edit_page(page, shape, rng, [])
            _run(htools, html, a.out, f"{stem}-{shape}", g)
        _run(dtools, render(report, "docx"), a.out, f"{stem}-docx", g)
    if a.pdf:
        try:
            from markitdown import MarkItDown
        except ImportError:
            return 0
        md = MarkItDown()
        for p in sorted((SAMPLES / "peer").glob("*.pdf")):
            g = json.loads(p.with_suffix(".gold.json").read_text(encoding="utf-8"))
            _run({"markitdown-pdf": lambda f: md.convert(str(f)).text_content}, p, a.out, p.stem, g)
        for stem, g in sources():
            pdf = render(Report.from_flat(g), "pdf")
            conv = {
                "markitdown-pdf": lambda b: (
                    md.convert_stream(io.BytesIO(b), file_extension=".pdf").text_content
                )
            }
            _run(conv, pdf, a.out, f"{stem}-writer", g)
    return 0


if __name__ == "__main__":
    sys.exit(main())
