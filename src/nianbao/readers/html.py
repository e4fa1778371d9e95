"""HTML page -> Document.

Steps: decode the bytes ourselves (BOM, ``<meta charset>``/``http-equiv``, detection; a
declared gb2312/gbk means gb18030) and hand lxml a ``str``; drop everything that is not
content (script, style, nav, header, footer, forms, ...); find the report's article (the
smallest element holding the report tables and section headings); walk it in document
order, turning block elements into paragraphs and data tables into span-expanded grids.
Layout tables (a table holding other tables, or a single cell) are walked as containers.
Nothing in the page is executed or fetched.

Over 500 lines because a real page's report can sit in a script, a split table, a layout
table or beside another hidden in a tab, and each of those readings needs the page's tree
as a whole.

Memory is bounded by :data:`READ_HTML_BYTES` (``NIANBAO_HTML_READ_MB``) and
:data:`READ_HTML_TAGS` (``NIANBAO_HTML_READ_TAGS``): lxml's tree and the walk cost about
26 bytes for each byte of a table's markup and about 450 bytes for each element (``<p>x``
repeated: 16 MB of it took 1.9 GB), so of a larger page (after its inline ``data:`` images
are dropped) only the first part is parsed, cut at a tag, and the document says so. A page over :data:`MAX_HTML_BYTES` (``NIANBAO_HTML_MAX_MB``) is refused
before anything is decoded. A table of more than ``grid.MAX_SLOTS`` cells is skipped
while its rows are collected, not after.
"""

from __future__ import annotations

import os
import re
from typing import Any

from ..errors import EmptyInput, EncodingError, InputTooLarge, NotAReport
from .cards import card_tables
from .document import IMAGE_PLACEHOLDER, Cell, Document, Table
from .grid import (
    MAX_SLOTS,
    DocumentBuilder,
    GridTooLarge,
    SpanGrid,
    cover_empty_label_cells,
    expand_spans,
    parse_span,
    strip_invisible,
    trim_blank_tail,
)
from .mdframe import PAGE_NOTE, markdown_frame
from .normalize import to_simplified

__all__ = [
    "read_html",
    "html_limits",
    "MAX_HTML_BYTES",
    "READ_HTML_BYTES",
    "READ_HTML_TAGS",
    "ENV_HTML_MAX_MB",
    "ENV_HTML_READ_MB",
    "ENV_HTML_READ_TAGS",
    "read_tags",
    "HTML_MEDIA_TYPE",
]

_MB = 1024 * 1024
MAX_HTML_BYTES = 128 * _MB  # a larger page is refused unread
READ_HTML_BYTES = 16 * _MB  # of a larger page only this much markup is parsed
READ_HTML_TAGS = 500_000  # and only this many tags (a report page has a few thousand)
ENV_HTML_MAX_MB = "NIANBAO_HTML_MAX_MB"
ENV_HTML_READ_MB = "NIANBAO_HTML_READ_MB"
ENV_HTML_READ_TAGS = "NIANBAO_HTML_READ_TAGS"
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
_DIGIT = re.compile(r"\d")
_BR = "\x00"  # a <br> inside collected text, turned into "\n" after whitespace collapsing


def _env_mb(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw)
    except ValueError:
        return default
    return int(value * _MB) if value > 0 else default


def read_tags() -> int:
    """The number of tags parsed of a page: ``NIANBAO_HTML_READ_TAGS`` when set to a
    positive whole number, else :data:`READ_HTML_TAGS`."""
    raw = os.environ.get(ENV_HTML_READ_TAGS, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else READ_HTML_TAGS


def html_limits() -> tuple[int, int]:
    """(bytes refused beyond, bytes of markup parsed): :data:`MAX_HTML_BYTES` and
    :data:`READ_HTML_BYTES`, or ``NIANBAO_HTML_MAX_MB`` and ``NIANBAO_HTML_READ_MB``."""
    return _env_mb(ENV_HTML_MAX_MB, MAX_HTML_BYTES), _env_mb(ENV_HTML_READ_MB, READ_HTML_BYTES)


# an inline image: kilobytes of base64 that are never read
_DATA_URI = re.compile(
    rb"data:[\w.+/-]{0,80}(?:;[\w=.-]{0,40}){0,4};base64,[A-Za-z0-9+/=\s]{1024,}"
)


def _nth_tag(data: bytes, n: int) -> int:
    """The offset of the ``n``-th ``<`` of ``data`` (counted from 1), or -1 when it has
    fewer."""
    pos = seen = 0
    step = 1 << 20
    while pos < len(data):
        here = data.count(b"<", pos, pos + step)
        if seen + here >= n:
            i = pos - 1
            while seen < n:
                i = data.find(b"<", i + 1)
                seen += 1
            return i
        seen += here
        pos += step
    return -1


def _bounded(data: bytes, limit: int, artifacts: list[str]) -> bytes:
    """The page's markup to parse: all of it when it is under ``limit`` bytes and
    :func:`read_tags` tags; else (its inline images dropped first) its first part, cut
    before a tag, with a note saying so."""
    total = len(data)
    if total > limit and b"base64," in data:
        data = _DATA_URI.sub(b"data:,", data)
    max_tags = read_tags()
    nth = _nth_tag(data[: limit + 1], max_tags + 1)  # the first tag beyond the limit
    if len(data) <= limit and nth < 0:
        return data
    from .sniff import _looks_utf16

    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(data[:4096])
    cut = len(data)
    if len(data) > limit:
        # '<' is never part of a multi-byte character in UTF-8, GB18030 or Big5
        cut = limit if utf16 else data.rfind(b"<", limit // 2, limit)
        cut = cut if cut >= 0 else limit
    by_tags = 0 <= nth < cut
    if by_tags:
        cut = nth
    if utf16:
        cut -= cut % 2  # '<' is two bytes there: cut on a character
    where = "请另存正文所在部分再读取"
    if by_tags:
        artifacts.append(
            f"网页中的元素过多（超过 {max_tags} 个标签），只读取了开头的 {cut / _MB:.1f} MB；"
            f"报告若在其后，{where}（或用环境变量 {ENV_HTML_READ_TAGS} 调高读取量）"
        )
    else:
        artifacts.append(
            f"网页文件很大（{total / _MB:.0f} MB），只读取了开头的 {limit / _MB:.0f} MB；"
            f"报告若在其后，{where}（或用环境变量 {ENV_HTML_READ_MB} 调高读取量）"
        )
    return data[:cut]


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    return m.group(1).decode("ascii", "replace") if m else None


def _decode(data: bytes, artifacts: list[str]) -> tuple[str, str]:
    """The page's text and the encoding actually used. The bytes decide (see
    ``sniff.decode_bytes``); a declared charset the content contradicts is noted."""
    from .sniff import decode_bytes

    declared = _declared_charset(data)
    try:
        text, encoding = decode_bytes(data, declared)
    except EncodingError:
        raise
    except Exception as e:  # pragma: no cover - decode_bytes should only raise EncodingError
        raise EncodingError(f"无法识别网页的文字编码：{e}") from None
    family = _charset_family(declared) if declared and not text.isascii() else None
    if family is not None and family != _charset_family(encoding):
        used = encoding.replace("(lossy)", "").upper()
        artifacts.append(f"网页声明的文字编码（{declared}）与内容不符，已按内容识别为 {used} 读取")
    if encoding.endswith("(lossy)"):
        used = encoding.replace("(lossy)", "").upper()
        bad = text.count("\ufffd")
        artifacts.append(f"网页中有 {bad} 处字节不是有效的 {used} 编码，已以“\ufffd”代替")
    return text, encoding


def _charset_family(name: str) -> str | None:
    """A codec's family for comparing a declaration with the encoding used (GB2312, GBK and
    GB18030 are one family; UTF-8 with or without BOM one); None for an unknown name."""
    import codecs

    try:
        codec = codecs.lookup(name.replace("(lossy)", "").strip()).name
    except LookupError:
        return None
    if codec in ("gb2312", "gbk", "gb18030", "hz"):
        return "gb"
    if codec in ("utf-8", "utf-8-sig"):
        return "utf-8"
    if codec in ("big5", "cp950", "big5hkscs"):
        return "big5"
    return codec


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
    return _join_decimal_break(_clean_lines("".join(out)))


# a cell's number broken at its decimal point over two paragraphs: 1515 / ．2592
_DECIMAL_BREAK = re.compile(
    r"^([-+]?\d[\d,]*)\n([.．]?\d+[.．]\d+|[.．]\d+)$|^([-+]?\d{3}[\d,]*[.．])\n(\d+)$"
)


def _join_decimal_break(text: str) -> str:
    """``text`` with a number broken at or before its decimal point over two lines made
    whole (the whole cell is the number: ``1515`` / ``.2592``, ``961`` / ``71.6``); a point
    after fewer than three digits is an ordinal's (``4.`` / ``2``), and two whole numbers on
    two lines (``3`` / ``9``) stay two lines."""
    if "\n" not in text or len(text) > 40:
        return text
    m = _DECIMAL_BREAK.match(text)
    if m is None:
        return text
    # joined with a space: read as one number, and shown as that inference (R-NON-NUMERIC)
    return (m.group(1) or m.group(3)) + " " + (m.group(2) or m.group(4))


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


def _cover_missing_cells(grid: SpanGrid) -> None:
    """Slots at the end of a row that no cell of the page fills. Where only rows without
    numbers reach that column (a header written wider than the value rows, e.g. its label
    cell spanning three columns over rows with two label cells), or where the row ends in
    a number (a label's span lost in a copy, a CSS grid's short row: its numbers are its
    last columns, as a text's row is read), there is no cell: the slot is covered by its
    left neighbour, so that neither the grid nor the text shows a blank value that is not
    in the page. A row ending in an empty cell, short of a row holding numbers, has blank
    cells there (its trailing empty cells left out)."""
    if not grid.unfilled:
        return
    reached = -1  # the last column that a row holding numbers fills
    for r, row in enumerate(grid.rows):
        if any(_DIGIT.search(c.text) for c in row if not c.covered):
            filled = [c for c in range(len(row)) if (r, c) not in grid.unfilled]
            reached = max(reached, *filled) if filled else reached
    for r, row in enumerate(grid.rows):
        first = len(row)
        while first > 0 and (r, first - 1) in grid.unfilled:
            first -= 1
        if first == 0:  # an empty <tr>
            continue
        lo = max(first, 1)
        if _DIGIT.search(row[first - 1].text) is None:
            lo = max(lo, reached + 1)
        for c in range(lo, len(row)):
            ar, ac = grid.anchor_of.get((r, c - 1), (r, c - 1))
            row[c] = Cell(grid.rows[ar][ac].text, row=r, col=c, covered=True)
            grid.anchor_of[(r, c)] = (ar, ac)
            grid.unfilled.discard((r, c))


def _table_rows(table: Any) -> list[list[tuple[str, int, int]]]:
    """The rows of a table as (text, rowspan, colspan) cells. Raises GridTooLarge as soon
    as the cells outnumber what a grid may hold (their text is not collected first)."""
    rows = []
    n_cells = 0
    for tr in _own_rows(table):
        cells = [td for td in tr if td.tag in ("td", "th")]
        n_cells += len(cells)
        if n_cells > MAX_SLOTS:
            raise GridTooLarge(f"a table of more than {MAX_SLOTS} cells")
        rows.append(
            trim_blank_tail(
                [
                    (_cell_text(td), parse_span(td.get("rowspan")), parse_span(td.get("colspan")))
                    for td in cells
                ]
            )
        )
    return rows


# --------------------------------------------------------------------------- article


def _is_report_table(table: Any) -> bool:
    if not _is_data_table(table):
        return False
    text = to_simplified(table.text_content())  # the words of a traditional page too
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
        if text and len(text) <= 80 and "\n" not in text and _TITLE.search(to_simplified(text)):
            best = text
    return best


def _title_from_page_title(page_title: str) -> str | None:
    """The part of <title> that is the report title ("…年度报告_某某网" -> "…年度报告")."""
    for part in re.split(r"[_|｜]|\s[-—–]+\s|--", page_title):
        part = _clean_lines(part)
        if _TITLE.search(to_simplified(part)):
            return part
    return None


# --------------------------------------------------------------------------- scripts
# A page whose report is written by a script (``var content = "<table>…"``,
# ``document.write('…')``, JSON with ``"content":"\u003cp\u003e…"``): the string literals are
# read as text, unescaped by the rules of JavaScript string literals, and never run.

_JS_STRING = re.compile(
    r'"(?:[^"\\\n]|\\[\s\S])*"|\'(?:[^\'\\\n]|\\[\s\S])*\'|`(?:[^`\\]|\\[\s\S])*`'
)
_JS_PLUS = re.compile(r"\s*\+\s*")
_JS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])")
_JS_SIMPLE = {"n": "\n", "r": "\n", "t": "\t", "b": "", "f": " ", "v": " ", "0": ""}
_JS_SIMPLE.update({"\n": "", "\r\n": "", "\r": "", "\u2028": "", "\u2029": ""})  # continuations
_SCRIPT_TAG = re.compile(
    r"(?:<|&lt;)\s*/?\s*(?:table|tr|td|p|div|span|h[1-6]|br)\b|\\u003c|\\x3c", re.I
)
_MARKUP = re.compile(r"<\s*/?\s*(?:table|tr|td|p|div|span|h[1-6]|br)\b", re.I)
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2}")
_SCRIPT_MIN = 200  # a script shorter than this holds no report
_REPORT_MARKS = ("政府信息公开", "年度报告", "主动公开", "申请", "行政复议", "行政诉讼")
_SECTION_MARKS = ("主动公开政府信息情况", "收到和处理政府信息公开申请")


def _js_unescape(body: str) -> str:
    """The value of a JavaScript string literal's body (quotes removed)."""

    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "u" and len(e) > 1:
            code = int(e[2:-1] if e[1] == "{" else e[1:], 16)
            return chr(code) if code < 0x110000 else "\ufffd"
        if e[0] == "x" and len(e) == 3:
            return chr(int(e[1:], 16))
        return _JS_SIMPLE.get(e, e)

    out = _JS_ESCAPE.sub(one, body) if "\\" in body else body
    # \ud83d\ude00 pairs become one character; a lone surrogate becomes U+FFFD
    return out.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _script_html(code: str) -> str:
    """The HTML held by a script's string literals: literals joined by ``+`` make one
    string; the strings that hold markup or Chinese text, in order, one per line."""
    groups: list[list[str]] = []
    end = -1
    for m in _JS_STRING.finditer(code):
        value = _js_unescape(m.group(0)[1:-1])
        if groups and _JS_PLUS.fullmatch(code, end, m.start()):
            groups[-1].append(value)
        else:
            groups.append([value])
        end = m.end()
    strings = (_entity_markup("".join(g)) for g in groups)
    return "\n".join(x for x in strings if _MARKUP.search(x) or _CJK_RUN.search(x))


def _entity_markup(text: str) -> str:
    """Markup written with entities (``&lt;p&gt;…``, as some pages keep their content in
    JSON or a hidden <textarea>) as markup; anything else as it is."""
    if "&lt;" in text and not _MARKUP.search(text):
        import html

        unescaped = html.unescape(text)
        if _MARKUP.search(unescaped):
            return unescaped
    return text


def _report_marks(text: str) -> int:
    text = to_simplified(text)
    return sum(1 for w in _REPORT_MARKS if w in text)


def _embedded_report(root: Any) -> tuple[Any, str] | None:
    """The script (or hidden <textarea>) whose HTML strings most look like a report, and
    that HTML."""
    best: tuple[int, Any, str] | None = None
    for el in root.iter("script", "textarea"):
        code = el.text or ""
        if len(code) < _SCRIPT_MIN or not _SCRIPT_TAG.search(code):
            continue
        html = _script_html(code) if el.tag == "script" else _entity_markup(code)
        if len(html) < _SCRIPT_MIN:
            continue
        score = _report_marks(html)
        if score >= 3 and (best is None or (score, len(html)) > (best[0], len(best[2]))):
            best = (score, el, html)
    return (best[1], best[2]) if best else None


def _holds_report(body: Any) -> bool:
    """Whether the visible page holds a report: a report table or the section headings."""
    if any(_is_report_table(t) for t in body.iter("table")):
        return True
    text = to_simplified(_SPACES.sub("", body.text_content()))
    return any(w in text for w in _SECTION_MARKS)


def _graft(body: Any, holder: Any, html: str, parser: Any) -> None:
    """Parse a script's HTML and put its content where the script stood (at the end of the
    body when the script stood outside it)."""
    import lxml.etree
    import lxml.html

    html = _CONTROL.sub("", html).replace("\x0c", " ")
    try:
        frag = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return
    _drop_non_content(frag)
    content = frag.find("body")
    if content is None:
        content = frag
    if not any(a is body for a in holder.iterancestors()):
        holder = lxml.html.Element("div")
        body.append(holder)
    holder.text = content.text
    for child in list(content):
        holder.append(child)


def _drop_non_content(root: Any) -> None:
    """Drop scripts, styles … with their content; the text after each (its tail) joins the
    text before it, as lxml's ``drop_tree`` does — but in one pass over each parent's
    children: ``drop_tree`` one element at a time grows the joined string once per element,
    quadratic in a run of them (a fuzz finding: 200,000 ``<script>``s took minutes)."""
    doomed = list(root.iter(*_DROP_TAGS))  # the list keeps the proxies, so ids stay unique
    if not doomed:
        return
    ids = {id(el) for el in doomed}
    parents: dict[int, Any] = {}
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            parents.setdefault(id(parent), parent)
    for parent in parents.values():  # a parent inside a dropped subtree goes with it anyway
        kept: Any = None
        lead: list[str] = []  # tails that join the parent's text
        after: dict[int, tuple[Any, list[str]]] = {}  # tails that join a kept sibling's tail
        gone = []
        for child in parent:
            if id(child) not in ids:
                kept = child
                continue
            gone.append(child)
            if child.tail:
                if kept is None:
                    lead.append(child.tail)
                else:
                    after.setdefault(id(kept), (kept, []))[1].append(child.tail)
        for child in gone:
            parent.remove(child)
        if lead:
            parent.text = (parent.text or "") + "".join(lead)
        for sibling, tails in after.values():
            sibling.tail = (sibling.tail or "") + "".join(tails)


_CSS_TABLE = re.compile(r"display\s*:\s*(table(?:-row-group|-header-group|-row|-cell)?)\b", re.I)
_CSS_TAGS = {
    "table": "table",
    "table-row-group": "tbody",
    "table-header-group": "thead",
    "table-row": "tr",
    "table-cell": "td",
}


def _css_tables(body: Any) -> None:
    """A table drawn with ``div``s styled ``display: table / table-row / table-cell`` (a
    rich-text editor's grid) read as the table it shows: the elements take the table's
    tags, inside a ``display: table`` only (a lone styled ``div`` stays what it is)."""
    tables = [
        el
        for el in body.iter()
        if isinstance(el.tag, str)
        and el.tag != "table"
        and (m := _CSS_TABLE.search(el.get("style") or "")) is not None
        and m.group(1).lower() == "table"
    ]
    for table in tables:
        for el in table.iter():
            if el is table or not isinstance(el.tag, str) or el.tag in ("table", "tr", "td", "th"):
                continue
            m = _CSS_TABLE.search(el.get("style") or "")
            if m is not None and m.group(1).lower() != "table":
                el.tag = _CSS_TAGS[m.group(1).lower()]
        table.tag = "table"


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _hidden(el: Any) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def _drop_hidden(body: Any, artifacts: list[str]) -> None:
    """Content a browser does not show (``display:none``, ``visibility:hidden``, the
    ``hidden`` attribute) holding a report — another year's report in a tab not shown —
    is dropped when what the page shows holds a report too (the headings of 二 and 三, and
    report tables where the hidden part has some): the reader reads what the reader of the
    page sees. (A page whose report is hidden until a script shows it keeps it, even
    beside a list of the sections' names; so does a report whose second half is folded
    away behind 「展开全文」.)"""
    hidden = [el for el in body.iter() if isinstance(el.tag, str) and _hidden(el)]
    if not hidden:
        return
    marked = {id(el) for el in hidden}
    outer = [el for el in hidden if not any(id(a) in marked for a in el.iterancestors())]
    holding = [el for el in outer if _holds_report(el)]
    if not holding:
        return
    gone = {id(el) for el in holding}

    def shown(el: Any) -> bool:
        return not any(id(a) in gone for a in (el, *el.iterancestors()))

    # what the page shows holds a report of its own: its tables where the hidden part's
    # are tables (not a list of the sections' names), and the headings of both 二 and 三
    # (not a report's first part shown, the rest folded away behind 「展开全文」)
    if any(_is_report_table(t) for el in holding for t in el.iter("table")) and not any(
        _is_report_table(t) for t in body.iter("table") if shown(t)
    ):
        return
    parts: list[str] = []

    def collect(el: Any) -> None:
        if id(el) in gone:
            return
        parts.append(el.text or "")
        for child in el:
            collect(child)
            parts.append(child.tail or "")

    collect(body)
    text = to_simplified(_SPACES.sub("", "".join(parts)))
    visible = all(w in text for w in _SECTION_MARKS)
    if not visible:
        return
    for el in holding:
        el.drop_tree()
    artifacts.append(
        "网页中有隐藏（不显示）的内容也像一份报告（如切换标签中的往年报告），未读取；只读取了页面显示的报告"
    )


# --------------------------------------------------------------------------- walking


def _without_empty_tail(rows: list[list[tuple[str, int, int]]]) -> list[list[tuple[str, int, int]]]:
    """The rows without the empty rows at their end (Word's spacer row)."""
    body = list(rows)
    while body and all(not t.strip() and rs <= 1 for t, rs, _ in body[-1]):
        body.pop()
    return body


def _same_columns(
    first: list[list[tuple[str, int, int]]], joined: list[list[tuple[str, int, int]]]
) -> bool:
    try:
        return expand_spans(joined).n_cols == expand_spans(first).n_cols
    except GridTooLarge:
        return False


_SIZE = re.compile(r"^\s*(\d+)")
_LAZY_SRC = ("src", "data-src", "data-original", "data-lazy-src", "data-url", "data-actualsrc")


def _is_picture(img: Any) -> bool:
    """An ``<img>`` that may show content: not an icon or a spacer (drawn under 80 pixels
    either way by its attributes), not a data: URI of a few bytes."""
    for attr in ("width", "height"):
        m = _SIZE.match(img.get(attr) or "")
        if m and int(m.group(1)) < 80:
            return False
    style = img.get("style") or ""
    for m in re.finditer(r"(?:width|height)\s*:\s*(\d+)\s*px", style):
        if int(m.group(1)) < 80:
            return False
    if min(_natural_size(img), default=80) < 80:
        return False  # (WeChat's divider: data-w 640, data-ratio 0.0625, drawn 40 px high)
    # a page that loads its pictures lazily (WeChat's data-src, most CMS lazy loaders)
    # names the picture in a data- attribute, its src a placeholder or nothing
    srcs = [img.get(a) or "" for a in _LAZY_SRC]
    return any(s and not (s.startswith("data:") and len(s) < 400) for s in srcs)


def _natural_size(img: Any) -> list[float]:
    """The picture's own width and height as a lazily loading page states them (WeChat's
    data-w and data-ratio, height over width; other loaders' data-width, data-height)."""
    out: list[float] = []
    try:
        w = float(img.get("data-w") or img.get("data-width") or 0)
        h = float(img.get("data-height") or 0) or w * float(img.get("data-ratio") or 0)
    except ValueError:
        return out
    return [x for x in (w, h) if x > 0]


class _Walker:
    def __init__(self, builder: DocumentBuilder, artifacts: list[str]) -> None:
        self.b = builder
        self.buf: list[str] = []
        self.artifacts = artifacts
        # the rows of the last table, held back until what follows it is known (the next
        # table may be the rest of it, see table())
        self.pending: list[list[tuple[str, int, int]]] | None = None
        self.skipped = 0  # tables skipped as too large (one note for all of them)

    def flush(self) -> None:
        text = _clean_lines("".join(self.buf))
        self.buf = []
        if not text.strip():
            return
        self.emit_pending()
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
        if tag == "img" and _is_picture(el):
            # a picture in the text (a table published as an image, often): a placeholder
            # paragraph, so that extraction can say it could not read what it shows
            self.flush()
            self.emit_pending()
            self.b.add_paragraph(IMAGE_PLACEHOLDER)
            return
        if tag == "table" and _is_data_table(el):
            self.flush()
            captions = [_cell_text(cap) for cap in el.findall("caption")]
            if any(c.strip() for c in captions):
                self.emit_pending()
                for caption in captions:
                    self.b.add_paragraph(caption)
            try:
                rows = _table_rows(el)
            except GridTooLarge:
                self.emit_pending()
                self.too_large()
                return
            self.table(rows)
            return
        if tag == "table" and self._continues(el):
            self.flush()
            try:
                rows = _table_rows(el)
            except GridTooLarge:
                rows = []
            if rows and self.join(rows):
                return  # the last row of the table before; else walked as a container
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

    def table(self, rows: list[list[tuple[str, int, int]]]) -> None:
        """Add a table's grid once what follows it is known: a table right after it
        (nothing in between) is the rest of it when it fits the same columns and either the
        first one's rowspans reach past its end or it is a single row (a table split in
        two, e.g. at a page break of its source)."""
        if not self.join(rows):
            self.emit_pending()
            self.pending = rows

    def join(self, rows: list[list[tuple[str, int, int]]]) -> bool:
        """Join ``rows`` to the held-back table when they are the rest of it."""
        if self.pending is None:
            return False
        body = _without_empty_tail(self.pending)
        overflows = any(r + rs > len(body) for r, row in enumerate(body) for _, rs, _ in row)
        single = len(_without_empty_tail(rows)) == 1
        if (overflows or single) and _same_columns(body, body + rows):
            self.pending = body + rows
            return True
        return False

    def _continues(self, el: Any) -> bool:
        """A table of one row may be the rest of a held-back table (its last row)."""
        return (
            self.pending is not None
            and not "".join(self.buf).strip()
            and not el.xpath(".//table|./caption")
            and bool(_own_rows(el))
        )

    def emit_pending(self) -> None:
        if self.pending is not None:
            rows, self.pending = self.pending, None
            self.add_grid(rows)

    def add_grid(self, rows: list[list[tuple[str, int, int]]]) -> None:
        try:
            grid = expand_spans(rows)
        except GridTooLarge:
            self.too_large()
            return
        _cover_missing_cells(grid)
        cover_empty_label_cells(grid)
        self.b.add_table(grid, "html")

    def too_large(self) -> None:
        self.skipped += 1

    def finish(self) -> None:
        self.flush()
        self.emit_pending()
        if self.skipped == 1:
            self.artifacts.append("网页中有一个表格过大（可能是异常或恶意内容），已跳过。")
        elif self.skipped:
            self.artifacts.append(
                f"网页中有 {self.skipped} 个表格过大，或表格总量超出上限（可能是异常或恶意内容），已跳过。"
            )


def read_html(data: bytes, source: str = "") -> Document:
    """Read an HTML page into a :class:`Document`. Raises InputTooLarge (over
    :data:`MAX_HTML_BYTES`), EncodingError, or NotAReport when the page has no text at all.
    Of a page over :data:`READ_HTML_BYTES` only the first part is read (a note says so)."""
    import lxml.etree
    import lxml.html

    max_bytes, read_bytes = html_limits()
    if len(data) > max_bytes:
        raise InputTooLarge(
            f"网页文件过大（{len(data) / _MB:.0f} MB，上限 {max_bytes / _MB:.0f} MB），"
            f"不像一份年度报告（如确需读取，可用环境变量 {ENV_HTML_MAX_MB} 调高上限）。"
        )
    artifacts: list[str] = []
    data = _bounded(data, read_bytes, artifacts)
    text, encoding = _decode(data, artifacts)
    del data  # the bytes are not needed once decoded
    text = _CONTROL.sub("", _XML_DECL.sub("", text, count=1))
    # a form feed is HTML white space, but lxml refuses it in text it sets (drop_tree joining
    # the tail of a dropped <script> to the text before it)
    text = text.replace("\x0c", " ")
    framed = markdown_frame(text)  # a Markdown text holding its tables as HTML markup
    if framed is not None:
        text = framed[0]
        if framed[1]:
            artifacts.append(PAGE_NOTE)
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
    embedded = _embedded_report(root)
    holder = lxml.html.Element("div")  # keeps the place of a script that holds the report
    if embedded is not None:
        embedded[0].addnext(holder)
    _drop_non_content(root)
    body = root.find("body")
    if body is None:
        body = root
    if embedded is not None and not _holds_report(body):
        _graft(body, holder, embedded[1], parser)
        artifacts.append("网页正文由脚本写入，已从页面脚本（或隐藏文本框）中的 HTML 字符串读取")
    _drop_hidden(body, artifacts)
    if "table" in text:  # (the page's markup names a CSS table)
        _css_tables(body)
    article = _find_article(body)

    builder = DocumentBuilder()
    title = None
    if not _TITLE.search(to_simplified(_clean_lines(article.text_content())[:400])):
        title = _title_outside(body, article) or _title_from_page_title(page_title)
    if title:
        builder.add_paragraph(title)
    walker = _Walker(builder, artifacts)
    walker.walk(article)
    walker.finish()
    if not builder.blocks:
        raise NotAReport(
            "网页中没有找到正文文字：可能是框架页，或正文由脚本加载。请保存正文所在的页面再读取。"
        )
    # a table the page shows as a stack of cards (a phone's layout): made into a table
    builder.blocks = card_tables(builder.blocks)
    for i, t in enumerate(b for b in builder.blocks if isinstance(b, Table)):
        t.index = i
    doc = builder.build(source, HTML_MEDIA_TYPE, artifacts)
    doc.encoding = encoding
    return doc
