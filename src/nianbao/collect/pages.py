"""What a collector reads in a web page: pure functions over bytes, no network.

Over 500 lines (just) because the list-page and report-page parsers share the tree and URL
helpers, the date patterns and ``report_title``; each of the four parts below is short.

* ``decode_page``: bytes -> text, by content (a wrong or missing charset header is
  common on government sites: a GBK page served as ``text/html; charset=utf-8``);
* ``parse_list_page``: the report entries of a 年报 column page and the links to its other
  list pages (下一页, ``index_1.html``, numbered links, the ``createPageHTML(n, i, "index",
  "html")`` script of TRS-made sites);
* ``parse_report_page``: a report page's publication date (发布时间/发布日期 in the text, or
  ``PubDate``/``firstpublishedtime``/… meta tags), its attachments (PDF, DOCX, DOC/WPS,
  images) and whether it holds the report's tables itself;
* ``report_title``: whether a link's words name an annual report, and of which agency and year.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

__all__ = [
    "TitleInfo",
    "Entry",
    "ListPage",
    "Attachment",
    "ReportPage",
    "decode_page",
    "report_title",
    "parse_list_page",
    "parse_report_page",
    "attachment_kind",
    "filename_of",
    "page_date",
]

# ------------------------------------------------------------------ decoding
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.IGNORECASE)


def decode_page(data: bytes, content_type: str | None = None) -> str:
    """Decode an HTML page by its content (``nianbao.readers.sniff.decode_bytes``: strict UTF-8
    first, then the declared GB charsets, Big5, GB18030). The page's own ``<meta charset>``
    is the declaration; the HTTP header's charset only when the page declares none — it is
    the one most often wrong. Never raises: undecodable bytes become U+FFFD."""
    from ..errors import EncodingError
    from ..readers.sniff import decode_bytes

    m = _META_CHARSET.search(data[:8192])
    declared = m.group(1).decode("ascii", "replace") if m else None
    if declared is None and content_type:
        hm = _HEADER_CHARSET.search(content_type)
        declared = hm.group(1) if hm else None
    try:
        return decode_bytes(data, declared)[0]
    except EncodingError:
        return data.decode("gb18030", errors="replace")


def _tree(text: str) -> Any:
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, recover=True
    )
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        return lxml.html.document_fromstring(text, parser=parser) if text.strip() else None
    except (lxml.etree.ParserError, ValueError):
        return None


def _base_url(root: Any, url: str) -> str:
    base = root.find(".//base[@href]") if root is not None else None
    if base is not None:
        href = (base.get("href") or "").strip()
        if href and not href.lower().startswith(("javascript:", "data:")):
            return urljoin(url, href)
    return url


def _absolute(base: str, href: str | None) -> str | None:
    """An absolute http(s) URL for ``href`` (fragment dropped), or None for script,
    mail and in-page links."""
    if not href:
        return None
    href = href.strip().replace("\\", "/")
    if not href or href.startswith("#"):
        return None
    if href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    full = urldefrag(urljoin(base, href))[0]
    if urlsplit(full).scheme not in ("http", "https"):
        return None
    return full


def _text(el: Any) -> str:
    return re.sub(r"\s+", " ", el.text_content() or "").strip()


# ------------------------------------------------------------------ titles
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0}
_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年")
_REPORT_WORDS = re.compile(r"年度?报告|年报|工作报告")
_OPEN_WORDS = ("公开", "政务")
_NOT_REPORT = re.compile(r"(?:通知|通报|情况的?说明|公告|解读|点评|评估报告|考核|统计表?$)")


@dataclass
class TitleInfo:
    title: str
    year: int | None
    agency: str | None
    shortened: bool = False  # the list cut the title (…): the page's own title decides


def _year_value(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    try:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    except KeyError:
        return None


def report_title(text: str) -> TitleInfo | None:
    """The agency and year of an annual report on open government information named by
    ``text`` (a link's words or a page title), or None when the words name something else.
    ``青岚县财政局2024年政府信息公开工作年度报告`` -> (青岚县财政局, 2024)."""
    t = re.sub(r"\s+", "", text or "")
    if not t or len(t) > 120:
        return None
    cut = re.search(r"(?:\.{2,}|…+)$", t)  # a list's shortened title: 青岚县…信息公开工...
    if cut:
        t = t[: cut.start()]
        if not re.search(r"(?:政府信息|政务)公开", t):
            return None
    elif not _REPORT_WORDS.search(t) or not any(w in t for w in _OPEN_WORDS):
        return None
    if _NOT_REPORT.search(t) and "年度报告" not in t[-6:]:
        return None
    m = _YEAR.search(t)
    year = _year_value(m.group("y")) if m else None
    if m is None or year is None or not 2000 <= year <= 2100:
        return None  # a column's own name (政府信息公开年报) and the like: no year, no entry
    agency: str | None = _strip_name(t[: m.start()])
    if not agency:  # 2024年度青岚县财政局政府信息公开工作年度报告: the name after the year
        after = re.match(r"度?(.*?)(?:政府信息公开|政务公开|信息公开)", t[m.end() :])
        agency = _strip_name(after.group(1)) if after else None
    return TitleInfo(t, year, agency if agency and len(agency) >= 2 else None, bool(cut))


def _strip_name(text: str) -> str:
    name = text.strip(" 　:：-—_|【】[]()（）《》“”\"'")
    return re.sub(r"^关于|关于$", "", name)


# ------------------------------------------------------------------ list pages
_NEXT_WORDS = ("下一页", "下页", "后一页", "next", "›", "»", ">", ">>")
_INDEX_PAGE = re.compile(r"(?:^|/)(?:index|list|default)[_-]?\d+\.s?html?$", re.IGNORECASE)
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,"
    r"\s*['\"](\w+)['\"]"
)
_DATE_TEXT = re.compile(r"((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})")
MAX_LIST_PAGES_FROM_SCRIPT = 200


@dataclass
class Entry:
    """A report entry of a list page: the link, its words, and the date printed beside it."""

    url: str
    info: TitleInfo
    list_date: str | None = None


@dataclass
class ListPage:
    entries: list[Entry] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # other list pages of the same column
    title: str = ""


def _iso(y: str, m: str, d: str) -> str | None:
    yi, mi, di = int(y), int(m), int(d)
    if 1 <= mi <= 12 and 1 <= di <= 31:
        return f"{yi:04d}-{mi:02d}-{di:02d}"
    return None


def _same_column(column: str, url: str) -> bool:
    """A list page of the column: same host and under the column's directory."""
    a, b = urlsplit(column), urlsplit(url)
    if (a.scheme, a.netloc) != (b.scheme, b.netloc):
        return False
    folder = a.path if a.path.endswith("/") else posixpath.dirname(a.path) + "/"
    return b.path.startswith(folder) or b.path == a.path


def _entry_date(a: Any) -> str | None:
    """A date printed beside the link (in its list item or table row)."""
    el = a.getparent()
    for _ in range(3):
        if el is None:
            break
        if el.tag in ("li", "tr", "dd", "dt", "p", "div"):
            m = _DATE_TEXT.search(_text(el))
            if m:
                return _iso(*m.groups())
            if el.tag in ("li", "tr"):
                break
        el = el.getparent()
    return None


_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)


def _datastore_links(root: Any) -> list[Any]:
    """Links in the ``<script type="text/xml"><datastore><record><![CDATA[<li>…]]>``
    records of Hanweb-made sites (JCMS), which a browser's script turns into the list."""
    import lxml.etree
    import lxml.html

    out: list[Any] = []
    for script in root.iter("script"):
        body = script.text or ""
        if "<record" not in body:
            continue
        for fragment in _CDATA.findall(body):
            try:
                holder = lxml.html.fragment_fromstring(fragment, create_parent="div")
            except (lxml.etree.ParserError, ValueError):
                continue
            out.extend(holder.iter("a"))
    return out


def parse_list_page(
    data: bytes, url: str, column: str, content_type: str | None = None
) -> ListPage:
    """The report entries of a list page and its links to other list pages of ``column``."""
    text = decode_page(data, content_type)
    root = _tree(text)
    out = ListPage()
    if root is None:
        return out
    out.title = re.sub(r"\s+", " ", root.findtext(".//title") or "").strip()
    base = _base_url(root, url)
    seen: set[str] = set()
    pages: list[str] = []
    for a in [*root.iter("a"), *_datastore_links(root)]:
        href = _absolute(base, a.get("href"))
        if href is None:
            continue
        words = _text(a)
        titled = (a.get("title") or "").strip()
        info = report_title(titled if len(titled) > len(words) else words) or report_title(words)
        if info is not None:
            if href not in seen:
                seen.add(href)
                out.entries.append(Entry(href, info, _entry_date(a)))
            continue
        if not _same_column(column, href):
            continue
        low = words.lower()
        path = urlsplit(href).path
        if (
            low in _NEXT_WORDS
            or words in ("上一页", "首页", "尾页", "末页", "最后一页", "上页")
            or (words.isdigit() and len(words) <= 4)
            or _INDEX_PAGE.search(path)
        ):
            pages.append(href)
    m = _CREATE_PAGE.search(text)
    if m:
        count, _current, stem, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        folder = urljoin(base, ".")
        for i in range(min(count, MAX_LIST_PAGES_FROM_SCRIPT)):
            pages.append(urljoin(folder, f"{stem}.{ext}" if i == 0 else f"{stem}_{i}.{ext}"))
    out.pages = list(dict.fromkeys(p for p in pages if p != url))
    return out


# ------------------------------------------------------------------ report pages
_DOC_EXT = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".doc": "doc",
    ".wps": "wps",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".gif": "image",
    ".bmp": "image",
    ".tif": "image",
    ".tiff": "image",
    ".webp": "image",
}
_PAGE_DATE = re.compile(
    r"(?:发布时间|发布日期|公开日期|发布于|信息时间)\s*[:：]?\s*"
    r"((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})"
)
# a bare 时间：/日期： is taken only near the top of the page (the article's info line)
_BARE_DATE = re.compile(
    r"(?<!成文)(?<!印发)(?<!办理)(?<!受理)(?<!生效)(?<!有效)(?:时间|日期)\s*[:：]\s*"
    r"((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})"
)
_META_DATE_NAMES = (
    "pubdate",
    "firstpublishedtime",
    "publishdate",
    "publishtime",
    "lastmodifiedtime",
    "article:published_time",
    "dc.date",
    "dcterms.issued",
)
_FRAME_PAGE = re.compile(r"(?:\.s?html?|\.jhtml|/[^./]*)$", re.IGNORECASE)
_ICON = re.compile(r"logo|icon|banner|btn|button|ewm|qrcode|erweima|bg[_-]|arrow|spacer", re.I)
# Words of the report's own tables; each of the three holds at least two of them, a page's
# navigation or directory table (主动公开目录 with dates) hardly any
_TABLE_WORDS = (
    "本年新收",
    "上年结转",
    "予以公开",
    "不予公开",
    "本年制发",
    "本年新制作",
    "处理决定",
    "行政复议",
    "行政诉讼",
    "维持",
    "纠正",
)


@dataclass
class Attachment:
    url: str
    kind: str  # pdf / docx / doc / wps / image / unknown
    name: str  # the file name, percent-decoded


@dataclass
class ReportPage:
    published: str | None = None
    published_from: str | None = None  # text / meta
    attachments: list[Attachment] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    has_tables: bool = False
    title: str = ""
    info: TitleInfo | None = None
    frames: list[str] = field(default_factory=list)  # pages shown inside (iframe src)


def filename_of(url: str, disposition: str | None = None) -> str:
    """A file's name from its Content-Disposition (``filename*=UTF-8''…`` or
    ``filename=…``, percent-encoded or raw) or else the URL's last path segment,
    percent-decoded (``%E9%9D%92…`` -> 青…)."""
    if disposition:
        m = re.search(r"filename\*\s*=\s*([\w-]+)''([^;]+)", disposition, re.IGNORECASE)
        if m:
            try:
                return unquote(m.group(2).strip().strip('"'), encoding=m.group(1) or "utf-8")
            except LookupError:
                pass
        m = re.search(r"filename\s*=\s*\"?([^\";]+)\"?", disposition, re.IGNORECASE)
        if m:
            raw = m.group(1).strip()
            name = unquote(raw)
            if name == raw:  # raw bytes the HTTP client read as latin-1: UTF-8 or GBK
                name = _name_from_bytes(raw)
            return name
    path = urlsplit(url).path
    seg = path.rsplit("/", 1)[-1]
    try:
        return unquote(seg, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:  # percent-encoded GBK, as older Chinese servers make them
        return unquote(seg, encoding="gb18030", errors="replace")


def _name_from_bytes(raw: str) -> str:
    """A header's file name sent as raw bytes: UTF-8, else GBK (the names of Chinese
    servers are never Big5 in practice, and a short name is too little to tell)."""
    try:
        data = raw.encode("latin-1")
    except UnicodeEncodeError:
        return raw  # already decoded
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw


def _name_in_query(url: str) -> str | None:
    """A file name carried in the query (``downfile.jsp?filename=年报.pdf``)."""
    from urllib.parse import parse_qsl

    for _key, value in parse_qsl(urlsplit(url).query, keep_blank_values=False):
        leaf = value.replace("\\", "/").rsplit("/", 1)[-1]
        if attachment_kind(leaf):
            return leaf
    return None


def attachment_kind(name: str) -> str | None:
    ext = posixpath.splitext(name.lower())[1]
    return _DOC_EXT.get(ext)


def page_date(root: Any) -> tuple[str | None, str | None]:
    """(YYYY-MM-DD, "text" | "meta") of a page's publication date, or (None, None)."""
    body = root.find("body")
    words = _text(body if body is not None else root)
    for pattern, span in ((_PAGE_DATE, 20000), (_BARE_DATE, 1500)):
        m = pattern.search(words[:span])
        if m:
            iso = _iso(*m.groups())
            if iso:
                return iso, "text"
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        if name in _META_DATE_NAMES:
            dm = _DATE_TEXT.search(meta.get("content") or "")
            if dm:
                iso = _iso(*dm.groups())
                if iso:
                    return iso, "meta"
    return None, None


def parse_report_page(data: bytes, url: str, content_type: str | None = None) -> ReportPage:
    """A report page's date, attachments, images and whether its tables are in the page."""
    text = decode_page(data, content_type)
    root = _tree(text)
    out = ReportPage()
    if root is None:
        return out
    out.title = re.sub(r"\s+", " ", root.findtext(".//title") or "").strip()
    out.published, out.published_from = page_date(root)
    for drop in list(root.iter("script", "style", "noscript")):
        if drop.getparent() is not None:
            drop.drop_tree()
    heading = next((h for h in root.iter("h1", "h2") if report_title(_text(h))), None)
    out.info = report_title(_text(heading)) if heading is not None else report_title(out.title)
    tables = list(root.iter("table"))
    out.has_tables = any(
        sum(w in _text(t) for w in _TABLE_WORDS) >= 2 and re.search(r"\d", _text(t))
        for t in tables
        if not t.xpath(".//table")
    )
    base = _base_url(root, url)
    seen: set[str] = set()
    links: list[tuple[str, str]] = []
    for a in root.iter("a"):
        links.append((a.get("href") or "", _text(a)))
    for el in root.iter("iframe", "frame", "embed", "object"):
        src = el.get("src") or el.get("data") or ""
        links.append((src, ""))
        frame = _absolute(base, src) if el.tag in ("iframe", "frame") else None
        if frame and _FRAME_PAGE.search(urlsplit(frame).path) and frame not in out.frames:
            out.frames.append(frame)
    for href, words in links:
        full = _absolute(base, href)
        if full is None or full in seen:
            continue
        name = filename_of(full)
        if not attachment_kind(name):
            name = _name_in_query(full) or name
        kind = attachment_kind(name) or attachment_kind(words)
        if kind is None:
            # a download link without an extension whose words name the file
            continue
        seen.add(full)
        if kind == "image":
            out.images.append(full)
            continue
        shown = name if attachment_kind(name) else words
        out.attachments.append(Attachment(full, kind, shown))
    if not out.has_tables and not out.attachments:
        for img in root.iter("img"):
            src = _absolute(base, img.get("src"))
            if src is None or src in seen or _ICON.search(src):
                continue
            try:
                small = int(img.get("width") or 999) < 100 or int(img.get("height") or 999) < 60
            except ValueError:
                small = False
            if not small:
                seen.add(src)
                out.images.append(src)
    return out
