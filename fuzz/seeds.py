"""Seed inputs per reader, rendered by the project's own writer from the gold files of the
samples (``../shared/samples``) and from the bundled example reports."""

from __future__ import annotations

import io
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
EXAMPLES = REPO / "examples" / "reports"

READERS = ("text", "html", "docx", "pdf")
TEXT_STYLES = ("tab", "lines", "pipe", "pipe-split", "md")
PDF_SEED_PAGES = 2  # real PDFs are cut to their first pages: smaller seeds, faster runs


def _golds() -> list[Path]:
    out: list[Path] = []
    for folder in (SAMPLES, SAMPLES / "peer"):
        if folder.is_dir():
            out += sorted(folder.glob("*.gold.json"))
    return out


def _reports(limit: int | None = None) -> list[object]:
    from nianbao.report import Report

    reps: list[object] = []
    for g in _golds()[:limit]:
        try:
            reps.append(Report.from_flat(json.loads(g.read_text(encoding="utf-8"))))
        except Exception:  # noqa: BLE001 - a gold the writer cannot take is no seed
            continue
    if not reps:  # no samples beside the checkout: the bundled examples, parsed
        import nianbao

        for p in sorted(EXAMPLES.glob("*"))[:limit]:
            try:
                reps.append(nianbao.parse(p, check=False))
            except Exception:  # noqa: BLE001
                continue
    return reps


def _render(rep: object, style: str) -> bytes | None:
    from nianbao.writing.writer import render

    try:
        return render(rep, style)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - e.g. no LibreOffice for "pdf"
        return None


def _first_pages(data: bytes, n: int) -> bytes:
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(data)
    try:
        if len(src) <= n:
            return data
        dst = pdfium.PdfDocument.new()
        dst.import_pages(src, list(range(n)))
        buf = io.BytesIO()
        dst.save(buf)
        dst.close()
        return buf.getvalue()
    finally:
        src.close()


def seeds(reader: str, limit: int | None = None) -> list[bytes]:
    """Seed files for ``reader`` (from at most ``limit`` reports)."""
    if reader not in READERS:
        raise ValueError(f"unknown reader {reader!r}; choose one of {', '.join(READERS)}")
    reps = _reports(limit)
    out: list[bytes] = []
    if reader == "text":
        for rep in reps:
            out += [d for s in TEXT_STYLES if (d := _render(rep, s))]
        out += [p.read_bytes() for p in sorted(EXAMPLES.glob("*.txt"))]
    elif reader == "html":
        out += [d for rep in reps if (d := _render(rep, "html"))]
        out += [p.read_bytes() for p in sorted(EXAMPLES.glob("*.html"))]
    elif reader == "docx":
        out += [d for rep in reps if (d := _render(rep, "docx"))]
    else:
        out += [d for rep in reps if (d := _render(rep, "pdf"))]
        if not out:  # the writer needs LibreOffice for PDF: the real PDFs of the samples
            pdfs = sorted((SAMPLES / "peer").glob("*.pdf")) + sorted(SAMPLES.glob("*.pdf"))
            for p in pdfs[:limit]:
                out.append(_first_pages(p.read_bytes(), PDF_SEED_PAGES))
    return out
