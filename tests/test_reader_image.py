"""Image files (``readers/image.py``): a report's pages scanned to a multi-page TIFF, or
shared as one long picture, read by OCR; refused with a message that says how when OCR is
not there; broken or oversized images refused before any decoding work."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.errors import BrokenFile, InputTooLarge, UnsupportedFormat
from nianbao.readers.image import _page_slices, image_kind
from nianbao.readers.sniff import sniff

from .conftest import run_cli
from .test_reader_ocr import needs_ocr, needs_samples, offline, text_pdf  # noqa: F401

PIL = pytest.importorskip("PIL.Image")


def _encoded(fmt: str, size: tuple[int, int] = (40, 30)) -> bytes:
    buf = io.BytesIO()
    PIL.new("RGB", size, "white").save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("fmt", "kind"),
    [
        ("PNG", "png"),
        ("JPEG", "jpeg"),
        ("TIFF", "tiff"),
        ("BMP", "bmp"),
        ("GIF", "gif"),
        ("WEBP", "webp"),
    ],
)
def test_images_are_known_by_their_bytes(fmt: str, kind: str) -> None:
    data = _encoded(fmt)
    assert image_kind(data[:32]) == kind and sniff(data) == "image"


def test_without_ocr_an_image_is_refused_with_how(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "report.png"
    path.write_bytes(_encoded("PNG"))
    monkeypatch.setenv("NIANBAO_OCR", "0")
    with pytest.raises(UnsupportedFormat, match="PNG 图片.*OCR"):
        nianbao.parse(path)
    r = run_cli("parse", str(path), NIANBAO_OCR="0")
    assert r.returncode == 2 and "OCR" in r.stderr and "Traceback" not in r.stderr


def _png_of_size(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` (and holds no pixels)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


@needs_ocr
def test_broken_and_oversized_images_are_refused_before_decoding() -> None:
    with pytest.raises(BrokenFile, match="PNG"):
        nianbao.parse(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(InputTooLarge, match="8000×8000 像素"):
        nianbao.parse(_png_of_size(8000, 8000))
    with pytest.raises(InputTooLarge, match="百万像素"):  # past Pillow's own bound
        nianbao.parse(_png_of_size(20_000, 20_000))


def test_a_long_image_is_cut_between_lines() -> None:
    from PIL import ImageDraw

    width, line = 400, 24
    im = PIL.new("L", (width, 4000), 255)
    draw = ImageDraw.Draw(im)
    inked = []
    for y in range(10, 3990, 37):  # bars of "text" 24 px high, 13 px apart
        draw.rectangle((20, y, 380, y + line - 1), fill=0)
        inked.append((y, y + line))
    pages = _page_slices(im, 20)
    assert len(pages) >= 5 and sum(p.size[1] for p in pages) == 4000
    top = 0
    for p in pages[:-1]:
        cut = top + p.size[1]
        assert not any(a < cut < b for a, b in inked), f"cut at {cut} runs through a line"
        assert 0.75 * width * 1.414 <= p.size[1] <= width * 1.414 + 1
        top = cut
    assert len(_page_slices(im, 2)) == 3  # the limit, and one more for "some is left"


def _page_images(data: bytes, pages: list[int]) -> list[Any]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[p - 1].render(scale=150 / 72).to_pil().convert("RGB") for p in pages]
    finally:
        pdf.close()


def _right(
    gold: dict[str, Any], where: dict[str, int], data: bytes, report: Any = None
) -> tuple[int, list[str]]:
    report = nianbao.parse(data) if report is None else report
    wrong = [
        f"{f}: {gold[f]!r} read as {report.get(f)!r}" for f in where if report.get(f) != gold[f]
    ]
    return len(where) - len(wrong), wrong


@needs_ocr
@needs_samples
def test_table_pages_as_a_tiff_and_as_one_long_jpeg(text_pdf, offline, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setenv("NIANBAO_FILE_SECONDS", "900")  # OCR of six pages on a busy machine
    data, gold, where = text_pdf
    images = _page_images(data, sorted(set(where.values())))
    tiff = io.BytesIO()
    images[0].save(tiff, "TIFF", save_all=True, append_images=images[1:], compression="tiff_lzw")
    right, wrong = _right(gold, where, tiff.getvalue())
    assert len(where) > 150 and right >= 0.99 * len(where), wrong
    long = PIL.new("RGB", (images[0].width, sum(i.height for i in images)), "white")
    top = 0
    for im in images:
        long.paste(im, (0, top))
        top += im.height
    jpeg = io.BytesIO()
    long.save(jpeg, "JPEG", quality=85)
    report = nianbao.parse(jpeg.getvalue())
    assert any(f.rule == "R-OCR" for f in report.findings)
    right, wrong = _right(gold, where, jpeg.getvalue(), report)
    assert right >= 0.99 * len(where), wrong


def test_pictures_are_flattened_as_paper() -> None:
    """16-bit greys are scaled (clipped to white before); text on a transparent ground is
    laid on white (it turned all black); icons, QR codes and banners are no tables."""
    import numpy as np

    from nianbao.readers.image import _flat, _may_be_table

    grey = np.full((60, 200), 60000, dtype="uint16")
    grey[20:40, 50:150] = 1000  # dark "text"
    flat = np.asarray(_flat(PIL.fromarray(grey)))  # mode I;16
    assert flat.max() > 200 and flat[30, 100] < 20
    rgba = np.zeros((60, 200, 4), dtype="uint8")  # transparent black ground
    rgba[20:40, 50:150] = (0, 0, 0, 255)  # opaque black text
    flat = np.asarray(_flat(PIL.fromarray(rgba, "RGBA")))
    assert flat[5, 5].tolist() == [255, 255, 255] and flat[30, 100].tolist() == [0, 0, 0]
    assert _may_be_table((1200, 1700)) and _may_be_table((1200, 250))
    assert not _may_be_table((150, 150)) and not _may_be_table((1000, 100))
