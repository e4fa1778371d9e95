"""Reading speed of the PDF, HTML and DOCX readers, and their peak memory.

    .venv/bin/python bench/read_speed.py [--repeat N]

PDF: pages/s over the three peer PDFs (shared/samples/peer). HTML and DOCX: documents/s
over fixtures rendered by the writer from the parsed PDFs (real numbers, official layout),
plus a round trip check (PDF -> Report -> HTML/DOCX -> Report: ids that agree). Peak
memory: tracemalloc peak of Python allocations per reader, and the process's max RSS.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nianbao.readers.docx import read_docx  # noqa: E402
from nianbao.readers.html import read_html  # noqa: E402
from nianbao.readers.pdf import read_pdf  # noqa: E402

PEER = ROOT.parent / "shared" / "samples" / "peer"
PDFS = ["hongze-2023", "hongze-2024", "huaian-2024"]


def _timed(fn: Callable[[bytes], object], items: list[bytes], repeat: int) -> tuple[float, int]:
    """Seconds for ``repeat`` passes over ``items`` and the tracemalloc peak of one pass."""
    fn(items[0])  # warm up imports and caches
    t0 = time.perf_counter()
    for _ in range(repeat):
        for data in items:
            fn(data)
    elapsed = time.perf_counter() - t0
    tracemalloc.start()
    for data in items:
        fn(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    pdfs = [(PEER / f"{n}.pdf").read_bytes() for n in PDFS]
    docs = [read_pdf(d) for d in pdfs]
    pages = sum(d.pages or 0 for d in docs)
    elapsed, peak = _timed(read_pdf, pdfs, args.repeat)
    print(
        f"PDF : {pages * args.repeat / elapsed:7.1f} pages/s  "
        f"({1000 * elapsed / (pages * args.repeat):.1f} ms/page, {len(pdfs)} files, {pages} pages, "
        f"x{args.repeat}); tracemalloc peak {peak / 1e6:.1f} MB"
    )

    try:
        from nianbao.api import parse_document
        from nianbao.writing.writer import render
    except ImportError as e:  # the writer or extractor is not there yet
        print(f"HTML/DOCX fixtures need nianbao.writing.writer and nianbao.api: {e}")
        return
    reports = [parse_document(d, check=False) for d in docs]
    for style, reader in (("html", read_html), ("html-gbk", read_html), ("docx", read_docx)):
        fixtures = [render(r, style) for r in reports]
        elapsed, peak = _timed(reader, fixtures, args.repeat * 20)
        n = len(fixtures) * args.repeat * 20
        agree = total = 0
        for rep, data in zip(reports, fixtures):
            back = parse_document(reader(data), check=False).flat()
            want = rep.flat()
            ids = [k for k in want if not k.startswith("meta.")]
            total += len(ids)
            agree += sum(1 for k in ids if back.get(k) == want[k])
        print(
            f"{style:8s}: {n / elapsed:7.1f} docs/s  ({1000 * elapsed / n:.2f} ms/doc, "
            f"{sum(len(f) for f in fixtures) // len(fixtures) // 1024} KB avg); "
            f"tracemalloc peak {peak / 1e6:.1f} MB; round trip {agree}/{total} ids agree"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of this process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
