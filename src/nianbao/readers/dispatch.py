"""Read any supported input into a Document, choosing the reader by content (magic bytes),
never by file name."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import (
    BinaryInput,
    EncodingError,
    InputTooLarge,
    NianbaoError,
    NotAReport,
    ScannedPdf,
    UnsupportedFormat,
    UnusableInput,
)
from .document import IMAGE_PLACEHOLDER, Document
from .sniff import decode_bytes, sniff

__all__ = ["read", "read_bytes", "iter_report_files", "ole_kind", "office_refusal", "MAX_BYTES"]

# files that a directory walk passes over (they are never reports)
SKIP_SUFFIXES = frozenset(
    {
        ".json",
        ".yaml",
        ".yml",
        ".py",
        ".pyc",
        ".db",
        ".sqlite",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".bmp",
        ".tif",
        ".tiff",
        ".webp",
        ".zip",
        ".gz",
        ".tar",
        ".csv",
        ".xlsx",
        ".parquet",
        ".js",
        ".css",
        ".toml",
        ".lock",
    }
)


def iter_report_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Files as given; directories walked recursively in sorted order, passing over hidden
    entries and files that are never reports (data, code, images, archives). A ZIP archive
    (named, or met in a walk) stands for the report files inside it, each named
    ``<archive>::<member>`` (``archive.py``)."""
    from .archive import SEP, is_zip_path, zip_members

    def expand(f: Path) -> Iterator[str]:
        try:
            members = zip_members(f, SKIP_SUFFIXES)
        except NianbaoError:
            members = []
        # an archive that cannot be opened or holds no report file stands as ``<archive>::``
        # (its reading says why), never silently nothing
        yield from members or [f"{f}{SEP}"]

    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(path).parts
                if not f.is_file() or any(part.startswith(".") for part in rel):
                    continue
                if is_zip_path(f):
                    yield from expand(f)
                elif f.suffix.lower() not in SKIP_SUFFIXES:
                    yield str(f)
        elif is_zip_path(path):
            yield from expand(path)
        else:
            yield str(p)


MAX_BYTES = 60 * 1024 * 1024  # refuse anything larger before reading it (HTML: see html)
MAX_TEXT_BYTES = 20 * 1024 * 1024
_HEAD = 65536  # bytes enough to tell what a file is


def _too_large(size: int, head: bytes) -> InputTooLarge | None:
    """The refusal of a file of ``size`` bytes starting with ``head``, or None when it may
    be read: an HTML page has its own, larger limit (its reader parses a bounded part of
    it), anything else :data:`MAX_BYTES`."""
    if size <= MAX_BYTES:
        return None
    limit = MAX_BYTES
    if head and sniff(head) == "html":
        from .html import html_limits

        limit = max(MAX_BYTES, html_limits()[0])
        if size <= limit:
            return None
    return InputTooLarge(
        f"文件过大（{size / 1048576:.0f} MB，上限 {limit // 1048576} MB），不予读取。"
    )


def read(source: str | os.PathLike[str] | bytes, name: str | None = None) -> Document:
    """Read a path or raw bytes into a Document."""
    from .archive import SEP, read_path_bytes, split_member

    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        label = name or ""
    elif SEP in os.fspath(source) and split_member(os.fspath(source)) is not None:
        label = name or os.fspath(source)  # a member of a ZIP archive
        try:
            data = read_path_bytes(source)
        except OSError as e:
            raise NotAReport(f"无法读取文件 {label}：{e.strerror or e}") from None
    else:
        p = Path(source)
        label = name or str(source)
        try:
            size = p.stat().st_size
        except FileNotFoundError:
            raise NotAReport(f"找不到文件：{label}") from None
        except OSError as e:
            raise NotAReport(f"无法读取文件 {label}：{e.strerror or e}") from None
        if p.is_dir():
            raise NotAReport(f"{label} 是目录，不是文件。")
        if size > MAX_BYTES:
            try:
                with p.open("rb") as f:
                    head = f.read(_HEAD)
            except OSError as e:
                raise NotAReport(f"无法读取文件 {label}：{e.strerror or e}") from None
            refusal = _too_large(size, head)
            if refusal is not None:
                raise refusal
        data = p.read_bytes()
        doc = read_bytes(data, label)
        if doc.media_type == "text/html" and IMAGE_PLACEHOLDER in doc.text:
            # a page saved with its pictures beside it (page_files/…): tables published as
            # pictures are recognised by OCR when the page lacks them as text
            from .image import ocr_pictures
            from .mhtml import page_pictures

            pictures = page_pictures(data, lambda src: _local_picture(p, src))
            if pictures:
                doc = ocr_pictures(doc, pictures, label)
        return doc
    return read_bytes(data, label)


def _page_count(data: bytes) -> int:
    """The number of pages of a PDF (0 when PDFium cannot open it)."""
    import pypdfium2 as pdfium

    from .pdfium_lock import PDFIUM_LOCK

    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except Exception:  # PDFium's errors: the OCR reader says what is wrong
            return 0
        try:
            return len(pdf)
        finally:
            pdf.close()


def _unmangled_page(data: bytes) -> tuple[bytes, str] | None:
    """An HTML page whose characters another tool misread and saved (see ``mojibake``):
    the page as UTF-8 bytes of its characters as they were, and the note; None otherwise
    (and for pages too large to decode whole here: the HTML reader bounds those)."""
    from .mojibake import unmangle

    if len(data) > 16 * 1024 * 1024:
        return None
    try:
        text, _ = decode_bytes(data)
    except NianbaoError:
        return None
    undone = unmangle(text)
    if undone is None:
        return None
    # the page's own charset declaration named the misreading: it is dropped
    page = _META_CHARSET.sub("", undone[0], count=2)
    return page.encode("utf-8"), undone[1]


_META_CHARSET = re.compile(
    r"<meta\b[^>]*(?:charset\s*=|http-equiv\s*=\s*[\"']?content-type)[^>]*>", re.I
)
_MAX_PICTURE_BYTES = 20 * 1024 * 1024


def _local_picture(page: Path, src: str) -> bytes | None:
    """The bytes of a picture a saved page shows from a file beside it (a relative address
    under the page's folder; nothing outside it, nothing fetched)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(src)
    if parts.scheme not in ("", "file") or (parts.scheme == "" and parts.netloc):
        return None
    rel = unquote(parts.path)
    if not rel:
        return None
    folder = page.parent.resolve()
    try:
        target = (Path(rel) if parts.scheme == "file" else folder / rel).resolve()
        if not target.is_relative_to(folder) or not target.is_file():
            return None
        if target.stat().st_size > _MAX_PICTURE_BYTES:
            return None
        return target.read_bytes()
    except OSError:
        return None


_EXCEL = (
    "这是 Excel 表格（.xlsx），不是年度报告：报告请用 PDF、DOCX、HTML 或文本；"
    "填好的填报模板请用 nianbao write 生成报告。"
)
_YAML_WORDS = ("meta:", "active:", "requests:", "reviews:")
_YAML_KEYS = re.compile(r"^(?:meta|active|requests|reviews):\s*(?:#.*)?$", re.M)


def ole_kind(data: bytes) -> str | None:
    """What an OLE compound file (the old Office format) holds, by its stream names:
    ``doc``, ``xls``, ``ppt``, ``encrypted`` (an Office document with a password) or None."""
    head = data[: 4 * 1024 * 1024]
    if "EncryptedPackage".encode("utf-16-le") in head:
        return "encrypted"  # a DOCX/XLSX saved with a password: its package is encrypted
    if "WordDocument".encode("utf-16-le") in head:
        return "doc"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "xls"
    if "PowerPoint Document".encode("utf-16-le") in head:
        return "ppt"
    return None


def _ole_message(data: bytes) -> str:
    kind = ole_kind(data)
    if kind == "xls":
        return "这是旧版 Excel（.xls）表格，不是年度报告：报告请用 PDF、DOCX、HTML 或文本。"
    if kind == "encrypted":
        return "这是设置了打开密码的 Office 文档（已加密），无法读取：请取消密码保护后另存再读取。"
    if kind == "ppt":
        return "这是 PowerPoint（.ppt）文件，不是年度报告：请另存为 PDF 再读取。"
    if kind == "doc":
        from .office import missing_message

        return missing_message("doc")
    return "这是旧版 Office 格式（OLE）的文件：请先另存为 .docx 或 PDF 再读取。"


def office_refusal(data: bytes, kind: str) -> str | None:
    """Why a file of the old Office format or RTF (``kind`` from :func:`sniff`) cannot be
    read here, or None when it can (a Word file or RTF, and LibreOffice is installed)."""
    from .office import missing_message, office_binary

    if kind == "rtf":
        return None if office_binary() else missing_message("rtf")
    if kind == "ole":
        if ole_kind(data) == "doc" and office_binary():
            return None
        return _ole_message(data)
    return None


def _refuse_data_file(text: str) -> None:
    """A JSON document or a figures file (the template of ``nianbao template``) is data,
    not a report: reading its labels as one would make up a report."""
    head = text.lstrip("\ufeff \t\r\n")
    if head[:1] in ("{", "["):
        try:
            json.loads(text.lstrip("\ufeff"))
        except ValueError:
            pass
        else:
            raise UnsupportedFormat(
                "这是 JSON 数据文件，不是年度报告原文：nianbao parse 的结果可用 "
                "nianbao.Report.from_dict 读回；填报数据请用 nianbao write 生成报告。"
            )
    head = text[:200_000]
    if any(word in head for word in _YAML_WORDS) and len(_YAML_KEYS.findall(head)) >= 2:
        raise UnsupportedFormat(
            "这是填报数据文件（nianbao template 的格式），不是年度报告：请填好后用 "
            "nianbao write 文件 --format docx 生成报告。"
        )


def _ocr_pdf_pictures(doc: Document, data: bytes, source: str) -> Document:
    """A text PDF with pictures that may be tables: recognised by OCR (``image.ocr_pictures``,
    as a web page's) when the extra is there and the text does not hold the three tables;
    else ``doc`` as it is (the placeholders make the tables unread, never missing)."""
    from .image import ocr_pictures
    from .ocr import ocr_available, ocr_enabled
    from .ocr.reader import _TABLE_MARKS
    from .pdf import PICTURE_DPI, picture_images

    text = "".join(doc.text.split())
    if all(any(m in text for m in marks) for marks in _TABLE_MARKS):
        return doc  # the tables are in the text (the pictures are a banner, a photo...)
    if not ocr_enabled() or not ocr_available():
        return doc
    try:
        pictures = picture_images(data, doc.pictures, PICTURE_DPI)
    except (UnusableInput, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - the placeholders stay: the tables are unread
        return doc
    return ocr_pictures(doc, pictures, source, where="PDF", places=doc.pictures)


def read_bytes(data: bytes, source: str = "") -> Document:
    if len(data) > MAX_BYTES:
        refusal = _too_large(len(data), data[:_HEAD])
        if refusal is not None:
            raise refusal
    kind = sniff(data)
    if kind in ("docx", "zip") and b"xl/" in data[:65536] and b"word/" not in data[:65536]:
        raise UnsupportedFormat(_EXCEL)
    if kind == "pdf":
        from .pdf import read_pdf

        try:
            doc = read_pdf(data, source)
        except ScannedPdf as exc:  # no text layer: OCR when the [ocr] extra is there
            from .image import allow_ocr_pages
            from .ocr import maybe_ocr
            from .ocr.reader import MAX_OCR_PAGES

            allow_ocr_pages(min(_page_count(data), MAX_OCR_PAGES))
            return maybe_ocr(data, source, exc)
        if doc.image_pages:  # some pages are images: OCR them when the extra is there
            from .image import allow_ocr_pages
            from .ocr import ocr_image_pages
            from .ocr.reader import MAX_IMAGE_PAGES

            allow_ocr_pages(min(len(doc.image_pages), MAX_IMAGE_PAGES))
            doc = ocr_image_pages(doc, data, source)
        if "\ufffd" in doc.text:  # table cells whose characters have no text code
            from .ocr import ocr_available, ocr_enabled

            if ocr_enabled() and ocr_available():
                from .image import allow_ocr_pages
                from .ocr.reader import MAX_IMAGE_PAGES, lost_pages, ocr_lost_pages

                pages = lost_pages(doc)
                if 0 < len(pages) <= MAX_IMAGE_PAGES:
                    allow_ocr_pages(len(pages))
                    doc = ocr_lost_pages(doc, data, source)
        if doc.pictures:  # tables pasted as pictures on text pages: OCR them with the extra
            doc = _ocr_pdf_pictures(doc, data, source)
        return doc
    if kind == "docx":
        from .docx import read_docx

        return read_docx(data, source)
    if kind == "mhtml":
        from .mhtml import read_mhtml

        return read_mhtml(data, source)
    if kind == "html":
        from .html import read_html

        fixed = _unmangled_page(data)
        if fixed is not None:  # characters misread and saved by another tool before us
            doc = read_html(fixed[0], source)
            doc.artifacts.append(fixed[1])
            return doc
        return read_html(data, source)
    if kind == "text":
        if len(data) > MAX_TEXT_BYTES:
            raise InputTooLarge(
                f"文本文件过大（{len(data) / 1048576:.0f} MB），不像是一份年度报告。"
            )
        from .mojibake import lost_message, unmangle
        from .text import read_text

        text, enc = decode_bytes(data)
        _refuse_data_file(text)
        undone = unmangle(text)
        if undone is not None:  # characters misread and saved by another tool before us
            doc = read_text(undone[0], source, enc)
            doc.artifacts.append(undone[1])
            return doc
        lost = lost_message(text)
        if lost is not None:
            raise EncodingError(lost)
        return read_text(text, source, enc)
    if kind == "ole":
        if ole_kind(data) == "doc":
            from .office import read_via_office

            return read_via_office(data, source, "doc")
        raise UnsupportedFormat(_ole_message(data))
    if kind == "rtf":
        from .office import read_via_office

        return read_via_office(data, source, "rtf")
    if kind == "image":
        from .image import image_kind, read_image

        return read_image(data, source, image_kind(data[:32]) or "")
    if kind == "zip":
        raise UnsupportedFormat(
            "这是 ZIP 压缩包，不是单份报告：请解压后分别读取其中的报告"
            "（命令行读取或入库时给出的 .zip 会展开，压缩包中的压缩包不展开）。"
        )
    raise BinaryInput("文件不是文本、HTML、DOCX 或 PDF：看起来是二进制数据，无法作为年度报告读取。")
