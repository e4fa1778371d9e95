"""Scans with a text layer ("双层PDF") made from text PDFs, and how the parser reads them.

    python -m tests.scanshapes [--gold SUBSTR] [--variant V[,V…]] [--show M] [--dump DIR]

Over 500 lines because its two ways of making a scan (rewriting the content streams by an
incremental update, PDFium's page objects), the small PDF writer the update needs and the
scoring command are one generator.

Many published reports are scanned pages that the publisher ran through OCR (Acrobat's
"Recognize text", ABBYY, WPS): each page is a picture of the paper with an invisible text
layer (text render mode 3) over it. The table rules are only in the picture; the text
layer's characters carry the values. :func:`scanned` turns a text PDF into such a file: each
page rendered to a JPEG placed as the page's background, its text objects kept but made
invisible, its path objects (the rules, now in the picture) and its own pictures dropped.

Variants (``VARIANTS``):

* ``exact``      the text layer as the source set it, the picture drawn first;
* ``textfirst``  the same with the picture drawn after the text in the content stream;
* ``jitter``     each text object moved by up to 1.5 pt and stretched by up to 3 % (an OCR
  layer's boxes are approximate);
* ``chars``      every character a text object of its own (as some OCR tools write the
  layer), moved by up to 0.6 pt;
* ``sizes``      each run's font size that of its box (75–115 %: digits stand lower than
  CJK), its width kept by horizontal scaling (``Tz``), as recognisers fit words;
* ``skew``       the layer turned 0.2–0.6° with the page (a scan placed a little askew,
  its text layer following the printed lines).

PDFium rewrites the text objects it changes, and with LibreOffice's subset fonts it writes
other characters: a copy whose text no longer reads as its source's is scored under the
shape ``…-garbled`` (an OCR layer with misread characters), apart from the exact ones.

Sources: the real PDFs of the shared samples (gold beside each) and the writer's PDFs of
every gold (LibreOffice; cached by the gold's hash as ``tests.ocrshapes`` does). Nothing is
repaired: the expected values are the gold's; scoring is ``shapes_eval.score`` (cells right,
silent wrong, false "missing", false sums), plus whether OCR ran (an R-OCR finding) and the
seconds a file took.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .shapes import SAMPLES, Rendering, sources

VARIANTS: tuple[str, ...] = ("exact", "textfirst", "jitter", "chars", "sizes", "skew")
CACHE = Path(tempfile.gettempdir()) / "nianbao-scanshapes"


def scanned(pdf: bytes, variant: str = "exact", dpi: int = 150, seed: int = 0) -> bytes:
    """``pdf`` as a scan with an invisible text layer (see the module's docstring): its
    content streams rewritten (``_rewritten``) where they can be and the text comes out as
    it was, else through PDFium's page objects (``_through_pdfium``)."""
    if variant != "chars":
        try:
            made = _rewritten(pdf, variant, dpi, seed)
        except _Unsupported:
            made = b""
        if made and faithful(pdf, made):
            return made
    return _through_pdfium(pdf, variant, dpi, seed)


def _through_pdfium(pdf: bytes, variant: str, dpi: int, seed: int) -> bytes:
    """The scan made through PDFium's page objects (which it writes anew: the text objects
    of LibreOffice's subset fonts then read as other characters)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    rng = random.Random(f"{seed}|{variant}")
    src = pdfium.PdfDocument(pdf)
    out = pdfium.PdfDocument.new()
    try:
        out.import_pages(src)
        for i in range(len(out)):
            spage = src[i]
            im = spage.render(scale=dpi / 72).to_pil().convert("L")
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=70)
            buf.seek(0)
            page = out[i]
            width, height = page.get_size()
            per_char = _chars_by_object(page) if variant == "chars" else {}
            texts = []
            for obj in list(page.get_objects(max_depth=1)):
                page.remove_obj(obj)
                if obj.type == c.FPDF_PAGEOBJ_TEXT:
                    texts.append(obj)
                else:
                    obj.close()
            if variant == "chars":
                texts = _one_per_char(out, texts, per_char)
            picture = pdfium.PdfImage.new(out)
            picture.load_jpeg(buf, inline=False)
            picture.set_matrix(pdfium.PdfMatrix().scale(width, height))
            order = [*texts, picture] if variant == "textfirst" else [picture, *texts]
            for obj in order:
                page.insert_obj(obj)
            for obj in texts:
                c.FPDFTextObj_SetTextRenderMode(obj.raw, c.FPDF_TEXTRENDERMODE_INVISIBLE)
                if variant in ("jitter", "chars"):
                    move = 1.5 if variant == "jitter" else 0.6
                    left = obj.get_bounds()[0]
                    stretch = 1 + rng.uniform(-0.03, 0.03) if variant == "jitter" else 1.0
                    m = pdfium.PdfMatrix().translate(-left, 0).scale(stretch, 1)
                    m = m.translate(left + rng.uniform(-move, move), rng.uniform(-move, move))
                    obj.transform(m)
            page.gen_content()
        data = io.BytesIO()
        out.save(data)
        return data.getvalue()
    finally:
        out.close()
        src.close()


class _Unsupported(Exception):
    """A content stream or file the rewriter does not handle."""


_TOKEN = re.compile(
    rb"%[^\r\n]*|\((?:\\.|[^\\()])*\)|<<|>>|<[0-9A-Fa-f\s]*>|/[^\s/\[\]()<>{}%]*|[\[\]]"
    rb"|[^\s/\[\]()<>{}%]+"
)
_PAINT = frozenset({b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"})


def _page_pictures(pdf: bytes, dpi: int) -> list[tuple[bytes, int, int]]:
    """Each page rendered as a grey JPEG: its bytes, width and height in pixels."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    out = []
    try:
        for page in doc:
            im = page.render(scale=dpi / 72).to_pil().convert("L")
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=70)
            out.append((buf.getvalue(), im.width, im.height))
            page.close()
    finally:
        doc.close()
    return out


def _rewrite_content(data: bytes, variant: str, rng: random.Random) -> bytes:
    """A page's content with its painted paths ended unpainted (``n``), its text set
    invisible (``3 Tr`` after each ``BT``, every other ``Tr`` made 3) and, for ``jitter``,
    each text position (``Td``, ``Tm``) moved by up to 1.5 pt."""
    toks = _TOKEN.findall(data)
    if any(t in (b"BI", b"ID") for t in toks) or any(t.startswith(b"(") for t in toks):
        raise _Unsupported("inline image or literal string")
    out: list[bytes] = []
    for t in toks:
        if t.startswith(b"%"):
            continue
        if t in _PAINT:
            out.append(b"n")
        elif t == b"Tr" and out:
            out[-1] = b"3"
            out.append(t)
        elif t in (b"Td", b"TD", b"Tm") and variant == "jitter" and len(out) >= 2:
            for k in (-2, -1):
                out[k] = b"%.3f" % (float(out[k]) + rng.uniform(-1.5, 1.5))
            out.append(t)
        elif t == b"Tf" and variant == "sizes" and out:
            # the size of the word's box (digits lower than CJK), the width kept by Tz
            f = rng.uniform(0.75, 1.15)
            out[-1] = b"%.3f" % (float(out[-1]) * f)
            out += [t, b"%.2f" % (100 / f), b"Tz"]
        else:
            out.append(t)
            if t == b"BT":
                out += [b"3", b"Tr"]
    return b" ".join(out)


def _pdf_value(v: Any) -> bytes:
    """A pdfminer object written back as PDF syntax."""
    from pdfminer.pdftypes import PDFObjRef
    from pdfminer.psparser import PSKeyword, PSLiteral

    if isinstance(v, _Ref):
        v = v.ref
    if isinstance(v, PDFObjRef):
        return b"%d 0 R" % v.objid
    if isinstance(v, PSLiteral):
        name = v.name if isinstance(v.name, str) else v.name.decode("latin-1")
        return b"/" + name.encode("latin-1")
    if isinstance(v, PSKeyword):
        return v.name if isinstance(v.name, bytes) else v.name.encode()
    if isinstance(v, bool):
        return b"true" if v else b"false"
    if isinstance(v, int | float):
        return str(v).encode()
    if isinstance(v, bytes | str):
        raw = v if isinstance(v, bytes) else v.encode("latin-1")
        return b"<" + raw.hex().encode() + b">"
    if isinstance(v, list | tuple):
        return b"[" + b" ".join(_pdf_value(x) for x in v) + b"]"
    if isinstance(v, dict):
        return (
            b"<<" + b"".join(b"/" + k.encode() + b" " + _pdf_value(x) for k, x in v.items()) + b">>"
        )
    if v is None:
        return b"null"
    raise _Unsupported(f"object {type(v).__name__}")


def _rewritten(pdf: bytes, variant: str, dpi: int, seed: int) -> bytes:
    """The scan made by an incremental update of ``pdf``: each page's content rewritten
    (``_rewrite_content``) with the page's picture drawn first (last for ``textfirst``),
    the page object replaced by one that points at them. The source's own objects are left
    as they are, so the text layer keeps its fonts and codes."""
    import zlib

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    rng = random.Random(f"{seed}|{variant}")
    pictures = _page_pictures(pdf, dpi)
    doc = PDFDocument(PDFParser(io.BytesIO(pdf)))
    next_id = max(objid for x in doc.xrefs for objid in x.get_objids()) + 1
    start = pdf.rstrip().rfind(b"startxref")
    prev = int(pdf[start + 9 :].split()[0])
    body = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets: dict[int, int] = {}

    def put(objid: int, head: bytes, stream: bytes | None = None) -> None:
        offsets[objid] = len(body)
        body.extend(b"%d 0 obj\n" % objid + head)
        if stream is not None:
            body.extend(b"\nstream\n" + stream + b"\nendstream")
        body.extend(b"\nendobj\n")

    for page, (jpeg, w, h) in zip(PDFPage.create_pages(doc), pictures, strict=True):
        if page.rotate:
            raise _Unsupported("rotated page")
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        content = b"\n".join(s.get_data() for s in page.contents)
        text = _rewrite_content(content, variant, rng)
        draw = b"q %.3f 0 0 %.3f %.3f %.3f cm /ScanPicture Do Q" % (x1 - x0, y1 - y0, x0, y0)
        turn = b""
        if variant == "skew":  # the layer follows the scan's skew (0.2-0.6 degrees)
            a = math.radians(rng.choice((-1, 1)) * rng.uniform(0.2, 0.6))
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            cos, sin = math.cos(a), math.sin(a)
            tx, ty = cx - cos * cx + sin * cy, cy - sin * cx - cos * cy
            turn = b"%.6f %.6f %.6f %.6f %.3f %.3f cm " % (cos, sin, -sin, cos, tx, ty)
        text = b"q " + turn + text + b" Q"
        stream = draw + b"\n" + text if variant != "textfirst" else text + b"\n" + draw
        cid, iid = next_id, next_id + 1
        next_id += 2
        packed = zlib.compress(stream)
        put(cid, b"<</Length %d/Filter/FlateDecode>>" % len(packed), packed)
        put(
            iid,
            b"<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray"
            b"/BitsPerComponent 8/Filter/DCTDecode/Length %d>>" % (w, h, len(jpeg)),
            jpeg,
        )
        attrs = dict(page.attrs)
        res = dict(resolve1(attrs.get("Resources")) or {})
        xobjects = dict(resolve1(res.get("XObject")) or {})
        xobjects["ScanPicture"] = _Ref(iid)
        res["XObject"] = xobjects
        attrs["Resources"] = res
        attrs["Contents"] = _Ref(cid)
        attrs.pop("Annots", None)
        put(page.pageid, _pdf_value(attrs))
    trailer = dict(doc.xrefs[0].get_trailer())
    for key in ("Prev", "XRefStm", "Type", "Filter", "Length", "Index", "W", "DecodeParms"):
        trailer.pop(key, None)
    trailer["Size"] = next_id
    trailer["Prev"] = prev
    xref = len(body)
    body.extend(b"xref\n")
    for objid in sorted(offsets):
        body.extend(b"%d 1\n%010d 00000 n \n" % (objid, offsets[objid]))
    body.extend(b"trailer\n" + _pdf_value(trailer) + b"\nstartxref\n%d\n%%%%EOF\n" % xref)
    return bytes(body)


class _Ref:
    """An indirect reference to an object the update adds (written as ``N 0 R``)."""

    def __init__(self, objid: int) -> None:
        from pdfminer.pdftypes import PDFObjRef

        self.ref = PDFObjRef(None, objid)


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text as PDFium reads it, without white space."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for page in doc:
            tp = page.get_textpage()
            out.append("".join(tp.get_text_range().split()))
            tp.close()
            page.close()
        return out
    finally:
        doc.close()


def faithful(source: bytes, made: bytes) -> bool:
    """Does the text layer of ``made`` hold the characters of ``source``, page by page (in
    any order: a moved or turned layer reads in another)? PDFium rewrites the
    text objects it is asked to change, and with some fonts (LibreOffice's subsets) it writes
    other characters (行政复议 read 行政复根): such a copy is an OCR layer with misread
    characters, not an exact one."""
    return [sorted(t) for t in page_texts(source)] == [sorted(t) for t in page_texts(made)]


def _one_per_char(
    doc: Any, texts: list[Any], per_char: dict[int, list[tuple[str, float, float]]]
) -> list[Any]:
    """Each text object split into one object per character (same font, size and matrix,
    at the character's own origin as the page's text had it)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    out = []
    for obj in texts:
        font = c.FPDFTextObj_GetFont(obj.raw)
        size = ctypes.c_float()
        c.FPDFTextObj_GetFontSize(obj.raw, ctypes.byref(size))
        m = obj.get_matrix()
        chars = per_char.get(ctypes.cast(obj.raw, ctypes.c_void_p).value or 0)
        if not chars or not font:
            out.append(obj)
            continue
        for ch, x, y in chars:
            raw = c.FPDFPageObj_CreateTextObj(doc.raw, font, size.value)
            if not raw:
                continue
            one = pdfium.PdfObject(raw, pdf=doc)
            buf = ctypes.create_string_buffer(ch.encode("utf-16-le") + b"\x00\x00")
            c.FPDFText_SetText(raw, ctypes.cast(buf, ctypes.POINTER(c.FPDF_WCHAR)))
            one.set_matrix(pdfium.PdfMatrix(m.a, m.b, m.c, m.d, x, y))
            out.append(one)
        obj.close()
    return out


def _chars_by_object(page: Any) -> dict[int, list[tuple[str, float, float]]]:
    """The characters of each text object of ``page`` (by its address): text and origin."""
    import ctypes

    import pypdfium2.raw as c

    out: dict[int, list[tuple[str, float, float]]] = {}
    x, y = ctypes.c_double(), ctypes.c_double()
    tp = page.get_textpage()
    try:
        for k in range(tp.count_chars()):
            code = c.FPDFText_GetUnicode(tp.raw, k)
            if code in (0, 0xFFFE, 0xFFFF, 0x20, 0x0D, 0x0A) or c.FPDFText_IsGenerated(tp.raw, k):
                continue
            obj = c.FPDFText_GetTextObject(tp.raw, k)
            c.FPDFText_GetCharOrigin(tp.raw, k, ctypes.byref(x), ctypes.byref(y))
            key = ctypes.cast(obj, ctypes.c_void_p).value or 0
            out.setdefault(key, []).append((chr(code), x.value, y.value))
    finally:
        tp.close()
    return out


# ---------------------------------------------------------------------- sources
def writer_pdf(stem: str, gold: dict[str, Any]) -> bytes:
    """The writer's PDF of ``gold`` (LibreOffice; cached by the gold's hash)."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    h = hashlib.sha256(json.dumps(gold, sort_keys=True).encode()).hexdigest()[:16]
    path = CACHE / f"{stem}-{h}.pdf"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(Report.from_flat(gold), "pdf"))
    return path.read_bytes()


def real_pdfs(gold_filter: str = "") -> list[tuple[str, Path]]:
    """(stem, path) of the samples' real PDFs that have a gold beside them."""
    out = []
    for p in sorted((SAMPLES / "peer").glob("*.pdf")):
        stem = p.name[: -len(".pdf")]
        if (p.parent / f"{stem}.gold.json").exists() and gold_filter in stem:
            out.append((stem, p))
    return out


@dataclass
class ScanRendering(Rendering):
    """A rendering whose document is a PDF (``pdf``), not text."""

    pdf: bytes = b""

    @property
    def data(self) -> bytes:
        return self.pdf

    @property
    def name(self) -> str:
        return f"{self.gold}-{self.shape}-{self.seed}.pdf"


def _expected(gold: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in gold.items() if k != "notes"}
    out["blank"] = list(gold.get("blank", []) or [])
    return out


def renderings(
    variants: tuple[str, ...] = VARIANTS, gold_filter: str = "", writer: bool = True
) -> list[ScanRendering]:
    """Every source (real PDFs, then the writer's PDFs of every gold) in every variant."""
    srcs: list[tuple[str, str, bytes, dict[str, Any]]] = []
    for stem, p in real_pdfs(gold_filter):
        gold = json.loads((p.parent / f"{stem}.gold.json").read_text(encoding="utf-8"))
        srcs.append((stem, "real", p.read_bytes(), gold))
    if writer:
        for stem, gold in sources(gold_filter):
            srcs.append((stem, "writer", writer_pdf(stem, gold), gold))
    out = []
    for stem, base, pdf, gold in srcs:
        for v in variants:
            made = scanned(pdf, v)
            garbled = "" if faithful(pdf, made) else "-garbled"
            out.append(
                ScanRendering(
                    gold=stem,
                    shape=f"scan-{base}-{v}{garbled}",
                    seed=0,
                    base=base,
                    text="",
                    expected=_expected(gold),
                    pdf=made,
                )
            )
    return out


def ocr_ran(findings: list[dict[str, Any]]) -> bool:
    return any(str(f.get("rule", "")).startswith("R-OCR") for f in findings)


def main(argv: list[str] | None = None) -> int:
    import nianbao

    from .shapes_eval import score

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", default="")
    ap.add_argument("--variant", default="")
    ap.add_argument("--show", type=int, default=5)
    ap.add_argument("--dump", default="")
    ap.add_argument("--no-writer", action="store_true", help="only the real PDFs")
    a = ap.parse_args(argv)
    variants = tuple(v for v in a.variant.split(",") if v) or VARIANTS
    rs = renderings(variants, a.gold, not a.no_writer)
    tot: dict[str, list[float]] = {}
    for r in rs:
        if a.dump:
            Path(a.dump).mkdir(parents=True, exist_ok=True)
            (Path(a.dump) / r.name).write_bytes(r.pdf)
        t = time.perf_counter()
        try:
            out = nianbao.parse(r.data, name=r.name).to_dict()
            sc = score(r, out)
        except Exception as exc:  # every exception is a refusal here
            out = {}
            sc = score(r, None, f"{type(exc).__name__}: {str(exc)[:120]}")
        secs = time.perf_counter() - t
        ocr = ocr_ran(out.get("findings") or [])
        acc = tot.setdefault(r.shape, [0, 0, 0, 0, 0, 0, 0, 0.0])
        for j, v in enumerate(
            (1, sc.cells, sc.right, sc.silent, len(sc.false_missing), len(sc.false_sums), ocr, secs)
        ):
            acc[j] += v
        flag = "" if not (sc.silent or sc.false_missing or sc.refused or sc.false_sums) else " !"
        print(
            f"{r.name}: {sc.right}/{sc.cells} named {sc.named} silent {sc.silent} "
            f"false-missing {len(sc.false_missing)} false-sums {len(sc.false_sums)} "
            f"ocr {ocr} {secs:.2f}s{flag}"
        )
        for line in sc.problems(r.name, a.show):
            print("   ", line)
    print()
    print(f"{'shape':28} files cells right silent falsemiss falsesum ocr s/file")
    for shape, (n, cells, right, silent, fm, fs, ocr, secs) in tot.items():
        print(
            f"{shape:28} {n:5} {cells:5.0f} {right:5.0f} {silent:6.0f} {fm:9.0f} {fs:8.0f} "
            f"{ocr:3.0f} {secs / n:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
