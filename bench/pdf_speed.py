"""PDF reading speed, each figure as a ratio to pdfplumber's ``extract_tables`` on the same
pages in the same run.

    .venv/bin/python bench/pdf_speed.py [--rounds N] [--no-writer]

Pages: the PDFs of ../shared/samples (and its peer folder) and, unless ``--no-writer``, the
writer's PDF renderings of the reports parsed from them (LibreOffice). Figures, best of
``--rounds`` passes over all pages:

- anchor: pdfplumber ``page.extract_tables()`` on every page (opening included);
- pypdfium2 text: ``PdfTextPage.get_text_range()`` of every page;
- nianbao ``read_pdf``: the whole reader (pages, tables, paragraphs, stitching, Document);
  and how many pages our table finder read and how many went to pdfplumber.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SAMPLES = ROOT.parent / "shared" / "samples"


def plumber_tables(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
        return len(pdf.pages)


def pdfium_text(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
        return len(pdf)
    finally:
        pdf.close()


def ours(data: bytes) -> int:
    from nianbao.readers.pdf import read_pdf

    return read_pdf(data).pages or 0


def best(fn: Callable[[bytes], int], blobs: list[bytes], rounds: int) -> tuple[float, int]:
    """Seconds per page (best pass) and the page count."""
    for b in blobs[:1]:
        fn(b)  # warm up imports
    times = []
    pages = 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        pages = sum(fn(b) for b in blobs)
        times.append(time.perf_counter() - t0)
    return min(times) / pages, pages


def fast_share(blobs: list[bytes]) -> tuple[int, int]:
    """Pages our table finder read, pages left to pdfplumber."""
    from nianbao.readers.pdf_tables import FastPages

    fast = slow = 0
    for b in blobs:
        fp = FastPages(b)
        try:
            for i in range(len(fp)):
                if fp.page(i) is None:
                    slow += 1
                else:
                    fast += 1
        finally:
            fp.close()
    return fast, slow


def writer_pdfs(files: list[Path]) -> list[bytes]:
    from nianbao.api import parse
    from nianbao.writing.writer import render, soffice_path

    if soffice_path() is None:
        print("writer renderings skipped: LibreOffice (soffice) is not installed")
        return []
    return [render(parse(f, check=False), "pdf") for f in files]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-writer", action="store_true")
    a = ap.parse_args()
    files = sorted(SAMPLES.glob("*.pdf")) + sorted((SAMPLES / "peer").glob("*.pdf"))
    blobs = [f.read_bytes() for f in files]
    n_real = len(blobs)
    if not a.no_writer:
        blobs += writer_pdfs(files)
    print(
        f"{n_real} sample PDFs + {len(blobs) - n_real} writer renderings; "
        f"best of {a.rounds} passes, one core"
    )
    anchor, pages = best(plumber_tables, blobs, a.rounds)
    rows = [
        ("anchor: pdfplumber extract_tables", anchor),
        ("pypdfium2 text", best(pdfium_text, blobs, a.rounds)[0]),
        ("nianbao read_pdf", best(ours, blobs, a.rounds)[0]),
    ]
    for label, t in rows:
        print(
            f"{label:<34} {1 / t:8.1f} pages/s  {1000 * t:7.1f} ms/page  "
            f"{anchor / t:6.2f}x the anchor's pages/s  ({pages} pages)"
        )
    fast, slow = fast_share(blobs)
    print(f"pages read by our table finder: {fast}; left to pdfplumber: {slow}")


if __name__ == "__main__":
    main()
