"""DOCX -> Document.

The zip directory is checked before anything is decompressed (a zip bomb is refused by its
declared sizes), then every member is inflated in chunks with a running count of the bytes
actually produced (an archive may lie about its sizes). python-docx then gives the body's
paragraphs and tables in document order (content controls and custom XML are looked into;
text boxes, headers and footers are ignored). Merged cells come from the ``w:tc`` elements
themselves: ``w:gridSpan`` for horizontal merges, ``w:vMerge`` (``restart``, or
``continue``, which a bare ``<w:vMerge/>`` means) for vertical ones, and ``w:gridBefore``
for rows that start to the right.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Any

from ..errors import BrokenFile, InputTooLarge, NianbaoError
from .document import IMAGE_PLACEHOLDER, Document, Table
from .grid import (
    MAX_BLANK_TAIL,
    MAX_COLSPAN,
    DocumentBuilder,
    GridTooLarge,
    cover_empty_label_cells,
    grid_of,
    place_cells,
    strip_invisible,
)

__all__ = ["read_docx", "DOCX_MEDIA_TYPE", "MAX_UNZIPPED_BYTES", "MAX_XML_BYTES", "MAX_RATIO"]

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_XML_BYTES = 32 * 1024 * 1024  # inflated XML parts: a report's document.xml is a few MB
MAX_RATIO = 100  # whole-archive uncompressed/compressed ratio above which it is a bomb
_CHUNK = 1 << 16
_RATIO_FLOOR = 10 * 1024 * 1024  # small archives may compress well; only big ones are judged


def _check_zip(data: bytes) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # "zip file version 6.9"
        ValueError,
        OSError,
        EOFError,
    ):
        raise BrokenFile(
            "文件不是有效的 DOCX（Word 2007 及以上）文档：不是 zip 压缩包，或已损坏。"
            "旧版 .doc 文件请先另存为 .docx。"
        ) from None
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if total > MAX_UNZIPPED_BYTES or (
            total > _RATIO_FLOOR and total > MAX_RATIO * max(packed, 1)
        ):
            raise InputTooLarge(
                f"DOCX 文件解压后过大（{total // (1024 * 1024)} MB），疑似压缩炸弹，已拒绝读取。"
            )
        if "word/document.xml" not in {i.filename for i in infos}:
            raise BrokenFile("文件是 zip 压缩包，但不是 Word 文档（缺少 word/document.xml）。")
        _inflate_within_limits(zf, infos)


def _inflate_within_limits(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Inflate every member in chunks, counting the bytes actually produced (an archive can
    declare any size): over MAX_UNZIPPED_BYTES in all, or MAX_XML_BYTES of XML (which the
    parser turns into a tree several times that size), the file is refused."""
    inflated = xml = 0
    for info in infos:
        if info.is_dir():
            continue
        is_xml = info.filename.lower().endswith((".xml", ".rels"))
        try:
            with zf.open(info) as member:
                while chunk := member.read(_CHUNK):
                    inflated += len(chunk)
                    xml += len(chunk) if is_xml else 0
                    if inflated > MAX_UNZIPPED_BYTES or xml > MAX_XML_BYTES:
                        cap = MAX_XML_BYTES if xml > MAX_XML_BYTES else MAX_UNZIPPED_BYTES
                        raise InputTooLarge(
                            f"DOCX 文件解压后过大（文档内容超过 {cap // (1024 * 1024)} MB），"
                            "疑似压缩炸弹，已停止读取。"
                        )
        except InputTooLarge:
            raise
        except (
            zipfile.BadZipFile,
            NotImplementedError,
            RuntimeError,
            ValueError,
            OSError,
            EOFError,
            zlib.error,
        ):
            # a damaged member, an unsupported zip version or method, an encrypted member
            raise BrokenFile("DOCX 文件已损坏或使用了不支持的压缩方式，无法解压。") from None


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# subtrees whose text is not the paragraph's own: text boxes and drawings, deleted text
# and the old place of moved text, the fallback copy of alternate content, field
# instructions
_SKIP = frozenset(
    (
        f"{_W}txbxContent",
        f"{_W}drawing",
        f"{_W}pict",
        f"{_W}object",
        f"{_W}del",
        f"{_W}moveFrom",  # a tracked move: the text stands where it was moved to (moveTo)
        f"{_W}instrText",
        f"{_MC}Fallback",
        f"{_MC}AlternateContent",
    )
)
_TEXT: dict[str, str | None] = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}


def _paragraph_text(p: Any) -> str:
    """The text of a ``w:p``: runs, hyperlinks, tracked insertions, smart tags and inline
    content controls in order; <w:br/> -> "\n", <w:tab/> -> "\t"; text boxes left out
    (their paragraphs are blocks of their own: ``_text_boxes``)."""
    out: list[str] = []

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag in _TEXT:
                mark = _TEXT[tag]
                out.append(mark if mark is not None else child.text or "")
            elif tag != f"{_W}p":  # a nested paragraph belongs to something else
                walk(child)

    walk(p)
    return strip_invisible("".join(out))


_EMU_PER_INCH = 914400


def _shows_picture(p: Any) -> bool:
    """Does a paragraph without text hold a picture at least 1.5 inches wide (not an icon
    or a rule): a table pasted as an image, often?"""
    for extent in p.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
    ):
        if any(True for _ in extent.getparent().iter(_TXBX)):
            continue  # a text box (its text is read), not a picture
        try:
            if int(extent.get("cx") or 0) >= 1.5 * _EMU_PER_INCH:
                return True
        except ValueError:
            continue
    return any(True for _ in p.iter("{urn:schemas-microsoft-com:vml}imagedata"))


def _cell_text(tc: Any) -> str:
    from docx.oxml.ns import qn

    lines: list[str] = []
    for child in tc.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(_paragraph_text(child))
        elif child.tag == qn("w:tbl"):  # a nested table: its rows as lines
            # its own rows only (a table nested in it is in its cells' text): iterating every
            # descendant row made the work exponential in the nesting depth
            for tr in _in_controls(child, qn("w:tr")):
                cells = [_cell_text(t) for t in _in_controls(tr, qn("w:tc"))]
                lines.append("\t".join(c.replace("\n", " ") for c in cells))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                lines.append(_cell_text(content))
        elif child.tag == _CUSTOM_XML:  # paragraphs (or a table) wrapped in custom XML
            lines.append(_cell_text(child))
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(ln.strip() for ln in lines)


def _int_prop(el: Any, props: str, name: str, default: int) -> int:
    """An integer property read leniently (junk -> ``default``, capped by the span limit)."""
    from docx.oxml.ns import qn

    pr = el.find(qn(props))
    node = pr.find(qn(name)) if pr is not None else None
    if node is None:
        return default
    m = re.match(r"\s*(\d{1,4})", node.get(qn("w:val")) or "")
    return min(int(m.group(1)), MAX_COLSPAN) if m else default


def _vmerge(tc: Any) -> str | None:
    """ "restart", "continue" (also a bare <w:vMerge/> or an unknown value) or None."""
    from docx.oxml.ns import qn

    pr = tc.find(qn("w:tcPr"))
    node = pr.find(qn("w:vMerge")) if pr is not None else None
    if node is None:
        return None
    return "restart" if node.get(qn("w:val")) == "restart" else "continue"


def _table_grid(tbl: Any) -> Any:
    """The expanded grid of a ``w:tbl`` (see the module docstring for the merge rules)."""
    from docx.oxml.ns import qn

    # per row: [col, text, colspan, vmerge, rowspan] (+ [True] once absorbed by a merge)
    rows: list[list[list[Any]]] = []
    n_cols = 0
    for tr in _in_controls(tbl, qn("w:tr")):
        col = _int_prop(tr, "w:trPr", "w:gridBefore", 0)
        cells: list[list[Any]] = []
        for tc in _in_controls(tr, qn("w:tc")):
            span = max(1, _int_prop(tc, "w:tcPr", "w:gridSpan", 1))
            cells.append([col, _cell_text(tc), span, _vmerge(tc), 1])
            col += span
        cells = _trim_blank_tail(cells)
        n_cols = max(n_cols, cells[-1][0] + cells[-1][2] if cells else 0)
        rows.append(cells)
    # a "continue" cell is absorbed into the nearest cell above it at the same grid column
    # that is not a "continue" one, through an unbroken run of cells at that column: one
    # pass down the rows, keeping per column the row and cell that a run hangs from
    above: dict[int, tuple[int, list[Any]]] = {}
    for r, cells in enumerate(rows):
        here: dict[int, tuple[int, list[Any]]] = {}
        for cell in cells:
            if cell[3] != "continue":
                here[cell[0]] = (r, cell)
            elif cell[0] in above:
                ar, anchor = above[cell[0]]
                anchor[4] = r - ar + 1
                cell.append(True)  # absorbed into the cell above
                here[cell[0]] = (ar, anchor)
        above = here
    anchors = [(r, c[0], c[4], c[2], c[1]) for r, cells in enumerate(rows) for c in cells]
    grid = place_cells(anchors, len(rows), n_cols)
    cover_empty_label_cells(grid)  # a label written in separate, unmerged cells
    return grid


_CUSTOM_XML = f"{_W}customXml"
_WRAPPERS = (f"{_W}sdt", _CUSTOM_XML)


def _in_controls(parent: Any, tag: str) -> list[Any]:
    """The ``tag`` children of ``parent`` (a table's rows, a row's cells) in order, with
    those wrapped in content controls (``w:sdt``/``w:sdtContent``: a form's repeating
    section around rows, a control around a cell) or custom XML elements: python-docx's own
    rows and cells skip them, and their values were lost."""
    out: list[Any] = []
    for child in parent.iterchildren():
        if child.tag == tag:
            out.append(child)
        elif child.tag in _WRAPPERS:
            inner = child.find(f"{_W}sdtContent") if child.tag == f"{_W}sdt" else child
            if inner is not None:
                out.extend(_in_controls(inner, tag))
    return out


def _trim_blank_tail(cells: list[list[Any]]) -> list[list[Any]]:
    """A row without the blank cells beyond the first MAX_BLANK_TAIL after its last filled
    one (thousands of empty ``w:tc`` are not a report row; see grid.trim_blank_tail)."""
    end = len(cells)
    while end and not cells[end - 1][1].strip() and cells[end - 1][3] is None:
        end -= 1
    return cells[: end + MAX_BLANK_TAIL]


def _is_layout_table(tbl: Any) -> bool:
    """A table used as a frame: one cell only, or cells that hold tables themselves."""
    from docx.oxml.ns import qn

    cells = list(tbl.iter(qn("w:tc")))
    return len(cells) == 1 or tbl.find(f".//{qn('w:tc')}//{qn('w:tbl')}") is not None


_TXBX = f"{_W}txbxContent"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_VML_TOP = re.compile(r"(?:^|;)\s*(?:margin-)?top\s*:\s*(-?[\d.]+)\s*(pt|in|cm|mm|px)?", re.I)
_UNIT_PT = {"pt": 1.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "px": 0.75, None: 1.0}


def _text_boxes(p: Any) -> list[Any]:
    """The text boxes anchored in paragraph ``p`` (``w:txbxContent``: DrawingML's, or
    VML's where there is no DrawingML copy; never the fallback copy of the same box, nor a
    box inside another, which its own reading finds), top to bottom where their positions
    are given (a PDF converted to Word puts every line or block of a page in a box of its
    own, anchored in one paragraph), else in document order. Their paragraphs and tables
    are the document's own: read after the paragraph's own text."""
    boxes: list[tuple[float, int, Any]] = []
    for n, box in enumerate(p.iter(_TXBX)):
        top: float | None = None
        inside = False
        for up in box.iterancestors():
            if up is p:
                break
            tag = up.tag
            if tag == _TXBX or tag == f"{_MC}Fallback":
                inside = True
                break
            if top is None and tag == f"{_WP}anchor":
                off = up.find(f"{_WP}positionV/{_WP}posOffset")
                if off is not None and (off.text or "").strip().lstrip("-").isdigit():
                    top = int(off.text) / 12700  # EMU -> pt
            elif (
                top is None
                and isinstance(tag, str)
                and tag.startswith("{urn:schemas-microsoft-com:vml}")
            ):
                m = _VML_TOP.search(up.get("style") or "")
                if m:
                    top = float(m.group(1)) * _UNIT_PT[(m.group(2) or "").lower() or None]
        if not inside:
            boxes.append((top if top is not None else 0.0, n, box))
    if len(boxes) > 1 and all(b[0] == 0.0 for b in boxes):
        return [b[2] for b in boxes]
    return [b[2] for b in sorted(boxes, key=lambda b: (b[0], b[1]))]


def _body_items(parent: Any, depth: int = 0) -> list[Any]:
    """The body's paragraphs and tables in order, looking into content controls and into
    layout tables (whose cells' paragraphs and tables are the document's own)."""
    from docx.oxml.ns import qn

    out: list[Any] = []
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            out.append(child)
            if depth < 20:
                for box in _text_boxes(child):
                    out.extend(_body_items(box, depth + 1))
        elif child.tag == qn("w:tbl"):
            if depth < 20 and _is_layout_table(child):
                for tr in _in_controls(child, qn("w:tr")):
                    for tc in _in_controls(tr, qn("w:tc")):
                        out.extend(_body_items(tc, depth + 1))
            else:
                out.append(child)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                out.extend(_body_items(content, depth))
        elif child.tag == _CUSTOM_XML:  # paragraphs and tables wrapped in custom XML
            out.extend(_body_items(child, depth))
        elif child.tag == qn("w:altChunk"):
            out.append(child)
    return out


def read_docx(data: bytes, source: str = "") -> Document:
    """Read a DOCX file into a :class:`Document`. Raises BrokenFile for anything that is
    not a readable Word document (not a zip, a zip bomb, corrupt XML)."""
    import docx
    from docx.oxml.ns import qn

    _check_zip(data)
    try:
        wd = docx.Document(io.BytesIO(data))
        items = _body_items(wd.element.body)
    except BrokenFile:
        raise
    except Exception:  # python-docx/lxml raise many kinds of errors on corrupt parts
        raise BrokenFile("DOCX 文件已损坏，无法解析其中的文档内容。") from None

    builder = DocumentBuilder()
    artifacts: list[str] = []
    try:
        for el in items:
            if el.tag == qn("w:altChunk"):
                _add_chunk(builder, wd, el, source, artifacts)
                continue
            if el.tag == qn("w:p"):
                text = _paragraph_text(el)
                if not text.strip() and _shows_picture(el):
                    text = IMAGE_PLACEHOLDER
                builder.add_paragraph(text)
                continue
            try:
                grid = _table_grid(el)
            except GridTooLarge:
                artifacts.append("文档中有一个表格过大（可能是异常内容），已跳过。")
                continue
            builder.add_table(grid, "docx")
    except NianbaoError:
        raise
    except Exception:  # malformed XML values deep inside a part
        raise BrokenFile("DOCX 文件内容有损坏，无法读取其中的段落或表格。") from None
    return builder.build(source, DOCX_MEDIA_TYPE, artifacts)


def _add_chunk(
    builder: DocumentBuilder, wd: Any, el: Any, source: str, artifacts: list[str]
) -> None:
    """An ``w:altChunk``: content kept in another format inside the package (a web page or
    a web archive, as tools that export a page "to Word" write the whole document), read
    by its own reader and laid into the document where it stands."""
    from docx.oxml.ns import qn

    from ..errors import UnusableInput

    part = wd.part.related_parts.get(el.get(qn("r:id")) or "")
    if part is None:
        return
    blob, ctype = part.blob, (part.content_type or "").lower()
    try:
        if "html" in ctype or ctype == "message/rfc822" or ctype.startswith("multipart/"):
            from .mhtml import is_mhtml, read_mhtml

            if is_mhtml(blob[:8192]):
                chunk = read_mhtml(blob, source)
            else:
                from .html import read_html

                chunk = read_html(blob, source)
        elif ctype.startswith("text/plain"):
            from .sniff import decode_bytes
            from .text import read_text

            chunk = read_text(decode_bytes(blob)[0], source)
        else:
            artifacts.append(f"文档中有一段以其他格式（{ctype or '未知'}）嵌入的内容，未能读取。")
            return
    except UnusableInput:
        artifacts.append("文档中有一段以网页格式嵌入的内容，未能读取。")
        return
    artifacts.extend(a for a in chunk.artifacts if a not in artifacts and "MHTML" not in a)
    for block in chunk.blocks:
        if isinstance(block, Table):
            builder.add_table(grid_of(block), "docx")
        else:
            builder.add_paragraph(block.text)
