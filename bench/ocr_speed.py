"""OCR reader: seconds per page and numbers right, on scans made from the peer PDFs.

    .venv/bin/python bench/ocr_speed.py [--dpi 150 200] [--names hongze-2024 ...] [--skew 1.5]

For each peer PDF (shared/samples/peer, text PDFs with gold answers), the pages that hold
table values (found by reading the text layer) are rendered to images and wrapped into an
image-only PDF: a scan. The scan is read by ``nianbao.readers.ocr.ocr_pdf`` and extracted;
the value ids that sit on those pages are compared with the gold file. Prints seconds per page (the
engine is warmed up first), ids right / ids on the pages, and the process's max RSS.
With ``--skew DEG`` the scan is made the way a paper scanner makes one: grey, turned by DEG
degrees, with noise, a little blur and JPEG compression. Needs the ``[ocr]`` extra.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nianbao.extraction.extract import extract  # noqa: E402
from nianbao.readers.ocr import ocr_available, ocr_pdf  # noqa: E402
from nianbao.readers.ocr.engine import _get_engine  # noqa: E402
from nianbao.readers.pdf import read_pdf  # noqa: E402

PEER = ROOT.parent / "shared" / "samples" / "peer"
PDFS = ["hongze-2023", "hongze-2024", "huaian-2024"]
TABLE_PREFIXES = ("active", "requests", "reviews")


def scan_of(data: bytes, pages: list[int], dpi: int, skew: float | None = None) -> bytes:
    """An image-only PDF of ``pages`` (1-based) of a text PDF, rendered at ``dpi``; with
    ``skew``, degraded like a paper scan (turned, noisy, blurred, JPEG-compressed)."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(0)
    pdf = pdfium.PdfDocument(data)
    images = []
    try:
        for p in pages:
            im = pdf[p - 1].render(scale=dpi / 72).to_pil()
            if skew is not None:
                im = im.convert("L").rotate(skew, resample=Image.BICUBIC, fillcolor=255)
                noisy = np.asarray(im, dtype=np.float32) + rng.normal(0, 18, (im.height, im.width))
                im = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
                buf = io.BytesIO()
                im.filter(ImageFilter.GaussianBlur(0.6)).save(buf, "JPEG", quality=55)
                im = Image.open(io.BytesIO(buf.getvalue()))
            images.append(im.convert("RGB"))
    finally:
        pdf.close()
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return buf.getvalue()


def table_pages(data: bytes, name: str) -> tuple[list[int], dict[str, int]]:
    """Pages that hold table values (from the text layer) and the page of every value id."""
    report = extract(read_pdf(data, name))
    where = {
        fid: v.source.page
        for fid, v in report.values.items()
        if fid.startswith(TABLE_PREFIXES) and v.source is not None and v.source.page
    }
    return sorted(set(where.values())), where


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, nargs="+", default=[150, 200])
    ap.add_argument("--names", nargs="+", default=PDFS)
    ap.add_argument("--skew", type=float, default=None, help="degrade the scan, turned by DEG")
    args = ap.parse_args()
    if not ocr_available():
        sys.exit("rapidocr/onnxruntime (the [ocr] extra) is not installed")
    t0 = time.perf_counter()
    _get_engine()
    print(f"engine start: {time.perf_counter() - t0:.2f} s")
    totals: dict[int, list[float]] = {d: [0, 0, 0.0, 0] for d in args.dpi}
    for name in args.names:
        data = (PEER / f"{name}.pdf").read_bytes()
        gold = json.loads((PEER / f"{name}.gold.json").read_text("utf-8"))
        pages, where = table_pages(data, name)
        ids = [fid for fid in where if fid in gold]
        for dpi in args.dpi:
            scan = scan_of(data, pages, dpi, args.skew)
            t0 = time.perf_counter()
            doc = ocr_pdf(scan, f"{name}-scan.pdf", dpi=dpi)
            secs = time.perf_counter() - t0
            report = extract(doc)
            right = [
                fid for fid in ids if fid in report.values and report.values[fid].value == gold[fid]
            ]
            wrong = [fid for fid in ids if fid not in right]
            tot = totals[dpi]
            tot[0] += len(right)
            tot[1] += len(ids)
            tot[2] += secs
            tot[3] += len(pages)
            print(
                f"{name} @ {dpi} dpi{'' if args.skew is None else f', skew {args.skew}°'}: pages {pages}, {secs / len(pages):.2f} s/page, "
                f"ids right {len(right)}/{len(ids)}"
                + (f"; wrong: {', '.join(wrong[:8])}" if wrong else "")
            )
    for dpi, (right, total, secs, n_pages) in totals.items():
        print(
            f"all @ {dpi} dpi: {int(n_pages)} pages, {secs / max(n_pages, 1):.2f} s/page, "
            f"ids right {int(right)}/{int(total)} ({100 * right / max(total, 1):.1f}%)"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
