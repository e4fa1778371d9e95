"""HTML page -> Document.

Steps: decode the bytes ourselves (BOM, ``<meta charset>``/``http-equiv``, detection; a
declared gb2312/gbk means gb18030) and hand lxml a ``str``; drop everything that is not
content (script, style, nav, header, footer, forms, ...); find the report's article (the
smallest element holding the report tables and section headings); walk it in document
order, turning block elements into paragraphs and data tables into span-expanded grids.
Layout tables (a table holding other tables, or a single cell) are walked as containers.
Nothing in the page is executed or fetched.
"""

from __future__ import annotations

import re
from typing import Any

from .document import Document
from .errors import EmptyInput, EncodingError, InputTooLarge, NotAReport
from .grid import DocumentBuilder, GridTooLarge, expand_spans, parse_span, strip_invisible

__all__ = ["read_html", "MAX_HTML_BYTES", "HTML_MEDIA_TYPE"]

MAX_HTML_BYTES = 50 * 1024 * 1024
HTML_MEDIA_TYPE = "text/html"
MAX_DEPTH = 200  # element nesting below this is read as plain text

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "textarea",
    "input",
    "svg",
    "math",
    "canvas",
    "audio",
    "video",
    "head",
)
_BLOCK_TAGS = frozenset(
    "p div section article main h1 h2 h3 h4 h5 h6 ul ol li dl dt dd blockquote pre "
    "address center figure figcaption hr caption body html table tr td th tbody thead "
    "tfoot".split()
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_SECTION_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、．.]")
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、．.]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+[章节部分])"
)
_REPORT_WORDS = ("政府信息公开", "申请", "复议", "公开")
_TITLE = re.compile(
    r"(?:\d{4}|[〇一二三四五六七八九零○]{4})\s*年.{0,20}(?:信息公开|政务公开).{0,10}年度报告"
)
_TABLE_PARTS = frozenset(("tr", "td", "th", "tbody", "thead", "tfoot", "caption"))
_BR = "\x00"  # a <br> inside collected text, turned into "\n" after whitespace collapsing


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    return m.group(1).decode("ascii", "replace") if m else None


def _decode(data: bytes) -> tuple[str, str]:
    from .sniff import decode_bytes

    declared = _declared_charset(data)
    try:
        return decode_bytes(data, declared)
    except EncodingError:
        raise
    except Exception as e:  # pragma: no cover - decode_bytes should only raise EncodingError
        raise EncodingError(f"无法识别网页的文字编码：{e}") from None


# --------------------------------------------------------------------------- text collection


def _collect(el: Any, out: list[str], depth: int = 0) -> None:
    """Append the text of ``el`` (without its tail): source whitespace collapsed later,
    <br> and block boundaries marked as line breaks."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "br":
        out.append(_BR)
        return
    block = tag in _BLOCK_TAGS
    if block:
        out.append(_BR)
    if depth > MAX_DEPTH:
        out.append(el.text_content())
    else:
        if el.text:
            out.append(el.text)
        for child in el:
            _collect(child, out, depth + 1)
            if child.tail:
                out.append(child.tail)
    if block:
        out.append(_BR)


def _clean_lines(raw: str) -> str:
    """Collapse source whitespace (not NBSP) and keep the marked line breaks."""
    text = strip_invisible(_SPACES.sub(" ", raw))
    lines = [ln.strip(" ") for ln in text.split(_BR)]
    return "\n".join(ln for ln in lines if ln)  # a line of NBSP stays: it is text


def _cell_text(td: Any) -> str:
    out: list[str] = []
    if td.text:
        out.append(td.text)
    for child in td:
        _collect(child, out, 1)
        if child.tail:
            out.append(child.tail)
    return _clean_lines("".join(out))


# --------------------------------------------------------------------------- tables


def _own_rows(table: Any) -> list[Any]:
    return list(table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"))


def _is_data_table(table: Any) -> bool:
    """A data table has no nested table and at least two rows and two columns."""
    if table.xpath(".//table"):
        return False
    rows = _own_rows(table)
    if len(rows) < 2:
        return False
    width = max(
        (sum(parse_span(td.get("colspan")) for td in tr if td.tag in ("td", "th")) for tr in rows),
        default=0,
    )
    return width >= 2


def _table_rows(table: Any) -> list[list[tuple[str, int, int]]]:
    rows = []
    for tr in _own_rows(table):
        rows.append(
            [
                (_cell_text(td), parse_span(td.get("rowspan")), parse_span(td.get("colspan")))
                for td in tr
                if td.tag in ("td", "th")
            ]
        )
    return rows


# --------------------------------------------------------------------------- article


def _is_report_table(table: Any) -> bool:
    if not _is_data_table(table):
        return False
    text = table.text_content()
    return any(w in text for w in _REPORT_WORDS) and bool(re.search(r"\d", text))


def _ancestors(el: Any) -> list[Any]:
    chain = [el]
    while (p := chain[-1].getparent()) is not None:
        chain.append(p)
    return chain[::-1]


def _find_article(body: Any) -> Any:
    """The smallest element holding the report tables and the section headings."""
    markers = [t for t in body.iter("table") if _is_report_table(t)]
    for el in body.iter("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "span"):
        own = (el.text or "").strip()
        if own and _SECTION_HEADING.match(own) and len(own) < 40:
            markers.append(el)
    if not markers:
        return body
    chains = [_ancestors(m) for m in markers]
    common = body
    for level in zip(*chains):
        if all(x is level[0] for x in level):
            common = level[0]
        else:
            break
    # a lone marker is its own ancestor: widen to the element holding the surrounding text
    while any(common is m for m in markers) or common.tag in _TABLE_PARTS:
        parent = common.getparent()
        if parent is None:
            break
        common = parent
    return common


def _title_outside(body: Any, article: Any) -> str | None:
    """A title line (…年度报告) above the article, e.g. in an <h1> before its content div.
    Links and list items (other years' reports in a sidebar) are not titles; of several
    candidates the one nearest the article wins."""
    best: str | None = None
    for el in body.iter():  # everything before the article in document order
        if el is article:
            break
        if not isinstance(el.tag, str):
            continue
        if el.tag in ("a", "li", "option") or any(
            a.tag in ("a", "li", "select") for a in el.iterancestors()
        ):
            continue
        text = _clean_lines(el.text or "")
        if text and _TITLE.search(text) and len(text) <= 80 and "\n" not in text:
            best = text
    return best


def _title_from_page_title(page_title: str) -> str | None:
    """The part of <title> that is the report title ("…年度报告_某某网" -> "…年度报告")."""
    for part in re.split(r"[_|｜]|\s[-—–]+\s|--", page_title):
        part = _clean_lines(part)
        if _TITLE.search(part):
            return part
    return None


# --------------------------------------------------------------------------- walking


class _Walker:
    def __init__(self, builder: DocumentBuilder, artifacts: list[str]) -> None:
        self.b = builder
        self.buf: list[str] = []
        self.artifacts = artifacts

    def flush(self) -> None:
        text = _clean_lines("".join(self.buf))
        self.buf = []
        if not text:
            return
        para: list[str] = []
        for line in text.split("\n"):
            if para and _HEADING.match(line):
                self.b.add_paragraph("\n".join(para))
                para = []
            para.append(line)
            if _HEADING.match(line) and len(line) <= 40 and not re.search(r"[。；]", line):
                self.b.add_paragraph("\n".join(para))
                para = []
        if para:
            self.b.add_paragraph("\n".join(para))

    def walk(self, el: Any, depth: int = 0) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br":
            self.buf.append(_BR)
            return
        if depth > MAX_DEPTH:
            self.buf.append(el.text_content())
            return
        if tag == "table" and _is_data_table(el):
            self.flush()
            for cap in el.findall("caption"):
                self.b.add_paragraph(_cell_text(cap))
            try:
                grid = expand_spans(_table_rows(el))
            except GridTooLarge:
                self.artifacts.append("网页中有一个表格过大（可能是异常或恶意内容），已跳过。")
                return
            self.b.add_table(grid, "html")
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self.walk(child, depth + 1)
            if child.tail:
                self.buf.append(child.tail)
        if block:
            self.flush()


def read_html(data: bytes, source: str = "") -> Document:
    """Read an HTML page into a :class:`Document`. Raises InputTooLarge (over 50 MB),
    EncodingError, or NotAReport when the page has no text at all."""
    import lxml.etree
    import lxml.html

    if len(data) > MAX_HTML_BYTES:
        raise InputTooLarge(
            f"网页文件过大（{len(data) // (1024 * 1024)} MB，上限 {MAX_HTML_BYTES // (1024 * 1024)} MB），"
            "不像一份年度报告。"
        )
    text, encoding = _decode(data)
    text = _CONTROL.sub("", _XML_DECL.sub("", text, count=1))
    if not text.strip():
        raise EmptyInput("网页文件是空的。")
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, recover=True
    )
    try:
        root = lxml.html.document_fromstring(text, parser=parser) if text.strip() else None
    except (lxml.etree.ParserError, ValueError):
        root = None
    if root is None:
        raise NotAReport("网页没有可读的内容。")
    page_title = root.findtext(".//title") or ""
    for el in list(root.iter(*_DROP_TAGS)):
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()
    body = root.find("body")
    if body is None:
        body = root
    article = _find_article(body)

    builder = DocumentBuilder()
    artifacts: list[str] = []
    title = None
    if not _TITLE.search(_clean_lines(article.text_content())[:400]):
        title = _title_outside(body, article) or _title_from_page_title(page_title)
    if title:
        builder.add_paragraph(title)
    walker = _Walker(builder, artifacts)
    walker.walk(article)
    walker.flush()
    if not builder.blocks:
        raise NotAReport(
            "网页中没有找到正文文字：可能是框架页，或正文由脚本加载。请保存正文所在的页面再读取。"
        )
    out = builder.text
    return Document(
        text=out,
        blocks=builder.blocks,
        original=out,
        source=source,
        media_type=HTML_MEDIA_TYPE,
        encoding=encoding,
        artifacts=artifacts,
    )
