"""An image file (a report page photographed or scanned and kept as PNG, JPEG, TIFF, BMP,
GIF or WebP) read by OCR: Pillow decodes it (a TIFF's pages in turn, each photo turned
upright by its EXIF orientation) and lays each frame on a PDF page sized so that the OCR's
rendering sees its own pixels; the PDF is then read as any scan (``ocr/reader.py``), with
pages and boxes in points of that page. Without the ``[ocr]`` extra, or with OCR switched
off, an image is refused with a message that says how to read it.

Pillow comes with pdfplumber. An image over ``MAX_PIXELS`` is refused before it is
decoded (Pillow reads the size from the header)."""

from __future__ import annotations

import io
from typing import Any

from ..errors import BrokenFile, InputTooLarge, NianbaoError, UnsupportedFormat
from .document import Document

__all__ = [
    "image_kind",
    "read_image",
    "image_refusal",
    "image_problem",
    "IMAGE_MEDIA_TYPES",
    "MAX_PIXELS",
]

MAX_PIXELS = 60_000_000  # a 600 dpi A3 scan is ~70 MP; a phone photo 12-50 MP
IMAGE_MEDIA_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
    "bmp": "image/bmp",
    "gif": "image/gif",
    "webp": "image/webp",
}
_NAMES = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF", "bmp": "BMP", "gif": "GIF", "webp": "WebP"}


ENV_OCR_PAGE_SECONDS = "NIANBAO_OCR_PAGE_SECONDS"
DEFAULT_OCR_PAGE_SECONDS = 20.0


def allow_ocr_pages(pages: int) -> None:
    """Grant the file being read time for recognising ``pages`` pages by OCR beyond its
    budget (``NIANBAO_OCR_PAGE_SECONDS`` a page, default 20: a page takes 3 s on a quiet
    machine and up to 17 s on a loaded one), so that a long scan is not stopped for the
    time OCR needs."""
    import os

    from ..budget import allow_more

    try:
        each = float(os.environ.get(ENV_OCR_PAGE_SECONDS, "") or DEFAULT_OCR_PAGE_SECONDS)
    except ValueError:
        each = DEFAULT_OCR_PAGE_SECONDS
    allow_more(max(each, 0.0) * max(pages, 0))


def image_kind(head: bytes) -> str | None:
    """The image format by its magic bytes, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if (  # the reserved bytes are zero (a text has no NUL), then a known header size
        head.startswith(b"BM")
        and head[6:10] == b"\0\0\0\0"
        and head[14:15] in (b"\x0c", b"(", b"@", b"l", b"|")
    ):
        return "bmp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def image_refusal(kind: str) -> str | None:
    """Why an image cannot be read here (no OCR), or None when it can."""
    from .ocr.engine import ocr_available, ocr_enabled

    if ocr_enabled() and ocr_available():
        return None
    name = _NAMES.get(kind, "图片")
    if not ocr_enabled():
        return f"这是 {name} 图片：文字识别（OCR）已关闭（--no-ocr 或 NIANBAO_OCR=0），无法读取图片中的报告。"
    return (
        f"这是 {name} 图片：读取图片中的报告需要文字识别（OCR）扩展，本机未安装。"
        "请安装：pip install 'nianbao[ocr]'（模型随包提供，不需联网）。"
    )


def image_problem(data: bytes) -> NianbaoError | None:
    """Why an image file would be refused (no OCR here, not decodable, too large), read
    from its header only; None when it can go to OCR."""
    kind = image_kind(data[:32]) or ""
    reason = image_refusal(kind)
    if reason is not None:
        return UnsupportedFormat(reason)
    try:
        _opened(data, kind)
    except (BrokenFile, InputTooLarge) as exc:
        return exc
    return None


def _opened(data: bytes, kind: str) -> Any:
    """The image opened (its header read, nothing decoded), within ``MAX_PIXELS``."""
    from PIL import Image, UnidentifiedImageError

    name = _NAMES.get(kind, "图片")
    too_large = (
        f"图片过大，超过了 {MAX_PIXELS // 1_000_000} 百万像素的上限：请缩小到 300 dpi 左右再读取。"
    )
    try:
        im = Image.open(io.BytesIO(data))
        width, height = im.size
    except Image.DecompressionBombError:  # Pillow's own bound, far above ours
        raise InputTooLarge(too_large) from None
    except (UnidentifiedImageError, Exception):
        raise BrokenFile(f"文件开头是 {name} 图片的标记，但无法解码为图片，无法读取。") from None
    if width * height > MAX_PIXELS:
        raise InputTooLarge(too_large.replace("图片过大", f"图片过大（{width}×{height} 像素）"))
    return im


def _as_pdf(data: bytes, kind: str, dpi: int, max_pages: int) -> tuple[bytes, int, bool]:
    """The frames of the image (a tall one cut into pages) as the pages of a PDF at
    ``dpi``, at most ``max_pages``; with the number of pages laid and whether that is the
    whole image."""
    from PIL import ImageOps

    name = _NAMES.get(kind, "图片")
    im = _opened(data, kind)
    pages: list[Any] = []
    whole = True
    try:
        frames = getattr(im, "n_frames", 1)
        for i in range(frames):
            if len(pages) >= max_pages:
                whole = False
                break
            im.seek(i)
            if im.size[0] * im.size[1] > MAX_PIXELS:  # a later page of a TIFF
                raise InputTooLarge(
                    f"图片的第 {i + 1} 页过大（{im.size[0]}×{im.size[1]} 像素），无法读取。"
                )
            frame = _flat(ImageOps.exif_transpose(im) if i == 0 else im.copy())
            sliced = _page_slices(frame, max_pages - len(pages))
            whole = whole and len(pages) + len(sliced) <= max_pages
            pages.extend(sliced[: max_pages - len(pages)])
        if not pages:
            raise BrokenFile(f"{name} 图片中没有可读取的图像。")
        out = io.BytesIO()
        pages[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:])
    except NianbaoError:
        raise
    except Exception:  # Pillow's decoders raise many kinds on damaged data
        raise BrokenFile(f"{name} 图片已损坏或不完整，无法解码，无法读取。") from None
    return out.getvalue(), len(pages), whole


def _flat(frame: Any) -> Any:
    """A frame as OCR sees paper: RGB or greyscale, transparency laid on white (text drawn
    on a transparent ground turned black), 16- and 32-bit greys scaled to 8 bits."""
    from PIL import Image

    if frame.mode in ("RGB", "L"):
        return frame
    if frame.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        import numpy as np

        a = np.asarray(frame, dtype="float64")
        top = float(a.max()) or 1.0
        return Image.fromarray((a * (255.0 / top)).clip(0, 255).astype("uint8"), "L")
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        ground = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(ground, rgba).convert("RGB")
    return frame.convert("RGB")


def _may_be_table(size: tuple[int, int]) -> bool:
    """A picture of a page's that may show a table: not an icon, a QR code or a banner
    (under 300 pixels wide or 100 high, or more than eight times wider than high)."""
    width, height = size
    return width >= 300 and height >= 100 and width <= 8 * height


def _red_ink(frame: Any) -> bool:
    """A picture whose ink is mostly red: an agency's red header (红头, its name in red over
    a red rule, as wide and as flat as 表四) or a seal, never a table (whose ink is black
    or grey): not worth an OCR run."""
    import numpy as np

    small = frame.convert("RGB")
    small.thumbnail((300, 300))
    a = np.asarray(small, dtype="int16")
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    ink = int((a.min(axis=2) < 180).sum())
    red = int(((r > 150) & (g < 110) & (b < 110)).sum())
    return ink > 0 and red > 0.6 * ink


# a "long image" (a whole report as one picture, as shared on phones) is cut into pages of
# about A4's proportions, each cut on the emptiest line near the page's foot
_PAGE_RATIO = 1.414
_TALL = 1.6 * _PAGE_RATIO


def _page_slices(frame: Any, limit: int) -> list[Any]:
    """``frame`` as pages: itself, or when it is far taller than a page, slices of about a
    page's height cut where a line holds the least ink (between lines of text or table
    rows, never through a line of characters when a blank line is near); at most ``limit``
    + 1 slices (one more than asked tells the caller that some is left)."""
    width, height = frame.size
    if height <= _TALL * width:
        return [frame]
    import numpy as np

    ink = (np.asarray(frame.convert("L")) < 160).sum(axis=1)
    target = max(int(width * _PAGE_RATIO), 200)
    cuts = [0]
    while height - cuts[-1] > 1.2 * target and len(cuts) <= limit:
        lo, hi = cuts[-1] + int(0.75 * target), cuts[-1] + target
        window = ink[lo:hi]
        # the least ink; of equals, the lowest (the fullest page)
        best = int(window.min())
        cut = lo + int(np.flatnonzero(window == best)[-1])
        cuts.append(cut)
    cuts.append(height)
    return [frame.crop((0, a, width, b)) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _placed(
    place: Place, cut: tuple[int, int, int], bbox: Any, dpi: int
) -> tuple[int, tuple[float, float, float, float] | None]:
    """A box on a page laid out for OCR (points at ``dpi``; the page cut from its picture
    ``cut[0]`` pixels from the top) as the box on the PDF page where the picture stands
    (``place``: the page and the picture's box there)."""
    pno, (x0, top, x1, bottom) = place
    y, width, height = cut
    if bbox is None:
        return pno, None
    sx, sy = (x1 - x0) / max(width, 1), (bottom - top) / max(height, 1)
    px = dpi / 72
    bx0, btop, bx1, bbottom = bbox
    return pno, (
        round(x0 + bx0 * px * sx, 2),
        round(top + (btop * px + y) * sy, 2),
        round(x0 + bx1 * px * sx, 2),
        round(top + (bbottom * px + y) * sy, 2),
    )


def read_image(data: bytes, source: str, kind: str) -> Document:
    """Read an image file of kind ``kind`` (see :func:`image_kind`) by OCR."""
    reason = image_refusal(kind)
    if reason is not None:
        raise UnsupportedFormat(reason)
    from .ocr.reader import MAX_OCR_PAGES, OCR_DPI, ocr_pdf

    pdf, laid, whole = _as_pdf(data, kind, OCR_DPI, MAX_OCR_PAGES)
    allow_ocr_pages(laid)
    doc = ocr_pdf(pdf, source, max_pages=MAX_OCR_PAGES, dpi=OCR_DPI)
    doc.media_type = IMAGE_MEDIA_TYPES[kind]
    if not whole:
        doc.artifacts.append(f"OCR 只识别了图片的前 {laid} 页（按页面大小计），其余部分未读取。")
    return doc


# pictures of a page recognised at most, in pages of about A4 (the tables of a report
# published as pictures fill three to five)
MAX_PICTURE_PAGES = 6


# a picture's place on a PDF page: its page and box (x0, top, x1, bottom) in points
Place = tuple[int, tuple[float, float, float, float]]


def ocr_pictures(
    doc: Document,
    pictures: list[bytes],
    source: str,
    where: str = "网页",
    places: list[Place] | None = None,
) -> Document:
    """A web page whose tables were published as pictures (``doc`` holds a placeholder
    paragraph where each picture stood; ``pictures`` are the pictures' bytes in the same
    order): the pictures recognised by OCR and their paragraphs and tables put where the
    placeholders were (all at the first one when the counts differ). ``doc`` unchanged
    when OCR is off or missing, when the page's text holds the three tables already, or
    when no picture can be decoded; pictures beyond ``MAX_PICTURE_PAGES`` pages are named
    as not read. ``places`` (a PDF's pictures, in the same order): the recognised cells and
    lines keep the page the picture stands on and their box on it (``_placed``)."""
    from .document import IMAGE_PLACEHOLDER, Paragraph, Table
    from .grid import DocumentBuilder, grid_of
    from .ocr.reader import _TABLE_MARKS, OCR_DPI, OCR_NOTE, ocr_pdf

    if not pictures or image_refusal("png") is not None:
        return doc
    text = "".join(doc.text.split())
    if all(any(m in text for m in marks) for marks in _TABLE_MARKS):
        return doc
    pages: list[Any] = []
    owner: list[int] = []  # the picture each page is cut from
    cut: list[tuple[int, int, int]] = []  # each page's top in its picture, the picture's size
    whole = True
    for i, data in enumerate(pictures):
        kind = image_kind(data[:32])
        if kind is None:
            continue
        room = MAX_PICTURE_PAGES - len(pages)
        if room <= 0:
            whole = False
            break
        try:
            im = _opened(data, kind)
            if not _may_be_table(im.size):
                continue
            frame = _flat(im)
            if _red_ink(frame):
                continue
        except NianbaoError:
            continue
        except Exception:  # a picture the decoder cannot read is passed over
            continue
        sliced = _page_slices(frame, max(room, 0))
        if len(sliced) > room:
            whole = False
        pages += sliced[:room]
        owner += [i] * len(sliced[:room])
        y = 0
        for part in sliced[:room]:
            cut.append((y, frame.width, frame.height))
            y += part.height
    if not pages:
        return doc
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=float(OCR_DPI), save_all=True, append_images=pages[1:])
    allow_ocr_pages(len(pages))
    try:
        scan = ocr_pdf(buf.getvalue(), source, max_pages=MAX_PICTURE_PAGES, dpi=OCR_DPI)
    except NianbaoError:
        return doc
    by_picture: dict[int, list[Any]] = {}
    for block in scan.blocks:
        by_picture.setdefault(owner[(block.page or 1) - 1], []).append(block)
    holders = [
        i
        for i, b in enumerate(doc.blocks)
        if isinstance(b, Paragraph) and b.text.strip() == IMAGE_PLACEHOLDER
    ]
    at: dict[int, list[Any]] = {}
    if len(holders) == len(pictures):
        for n, i in enumerate(holders):
            at[i] = by_picture.get(n, [])
    else:
        first = holders[0] if holders else len(doc.blocks)
        at[first] = [b for n in sorted(by_picture) for b in by_picture[n]]
    builder = DocumentBuilder()

    def placed(page: int | None, bbox: Any) -> tuple[int | None, Any]:
        """A page and box of the pictures laid out for OCR as the PDF page's (or none:
        a web page's pictures have no page)."""
        if places is None or page is None or not 0 < page <= len(owner):
            return None, None
        if owner[page - 1] >= len(places):
            return None, None
        return _placed(places[owner[page - 1]], cut[page - 1], bbox, OCR_DPI)

    def add(block: Any, page: int | None, recognised: bool = False) -> None:
        if isinstance(block, Paragraph):
            if recognised:
                page = placed(block.page, None)[0]
            builder.add_paragraph(block.text, page)
            return
        grid = grid_of(block)
        if recognised:  # the pictures' pages and boxes, as they stand in the PDF
            for row in grid.rows:
                for cell in row:
                    cell.page, cell.bbox = placed(cell.page, cell.bbox)
            page = placed(block.page, None)[0]
        builder.add_table(grid, block.kind, page)

    for i, block in enumerate(doc.blocks):
        if i in at:
            for b in at[i]:
                add(b, None, recognised=True)
            if not any(isinstance(b, Table) for b in at[i]):
                # no table recognised in it: the placeholder stays (its table is unread,
                # never missing)
                add(block, block.page)
            continue
        add(block, block.page)
    for i in at:
        if i >= len(doc.blocks):
            for b in at[i]:
                add(b, None, recognised=True)
    notes = list(doc.artifacts)
    notes.append(f"{where}中的 {len(set(owner))} 张图片，已用文字识别（OCR）读取")
    if not whole:
        notes.append(f"{where}中的图片超过 {MAX_PICTURE_PAGES} 页，其余部分未能读取")
    notes += [OCR_NOTE] + [n for n in scan.artifacts if n != OCR_NOTE and "扫描件共" not in n]
    return builder.build(source, doc.media_type, notes, pages=doc.pages)
