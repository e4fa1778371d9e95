"""Web archives (MHTML: ``.mhtml`` from a browser's "save as single file", ``.mht`` from
Word's "single file web page", and the ``.doc`` files some office systems export that are
really such an archive): a MIME ``multipart/related`` message whose root part is the page,
quoted-printable or base64 encoded, beside its pictures. The page is taken out with the
standard library's ``email`` parser and read as HTML. Provenance offsets are those of the
page's text."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from email.message import Message
from urllib.parse import urldefrag, urljoin

from ..errors import BrokenFile, NotAReport
from .document import IMAGE_PLACEHOLDER, Document

__all__ = ["is_mhtml", "read_mhtml", "make_mhtml", "page_pictures", "MHTML_MEDIA_TYPE"]

MHTML_MEDIA_TYPE = "multipart/related"
_HEADERS_END = re.compile(rb"\r?\n\r?\n")
_RELATED = re.compile(rb"^content-type:[ \t]*multipart/related", re.I | re.M)


def is_mhtml(head: bytes) -> bool:
    """The first bytes are a MIME message's headers that say multipart/related."""
    m = _HEADERS_END.search(head[:8192])
    block = head[: m.start()] if m else b""
    # (the words looked for first: a text's first paragraph may be long, and the pattern,
    # anchored at lines' starts and caseless, is tried at every byte)
    return (
        bool(block)
        and b"<" not in block[:1]
        and b"multipart/related" in block.lower()
        and _RELATED.search(block) is not None
    )


def _root(msg: Message) -> Message | None:
    """The archived page: the part the message names as its start or snapshot location,
    else its first HTML part."""
    htmls = [p for p in msg.walk() if p.get_content_type() == "text/html"]
    wanted = {
        str(v).strip("<> ")
        for v in (msg.get_param("start"), msg.get("Snapshot-Content-Location"))
        if v
    }
    for part in htmls:
        names = {str(part.get(h, "")).strip("<> ") for h in ("Content-Location", "Content-ID")}
        if wanted & names:
            return part
    return htmls[0] if htmls else None


def read_mhtml(data: bytes, source: str = "") -> Document:
    from .html import read_html

    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        root = _root(msg)
    except RecursionError:  # parts nested beyond any archive's
        raise BrokenFile("网页存档（MHTML）文件的结构嵌套过深，无法读取。") from None
    if root is None:
        raise NotAReport("这是网页存档（MHTML）文件，但其中没有网页（text/html 部分），无法读取。")
    payload = root.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload.strip():
        raise BrokenFile("网页存档（MHTML）文件中的网页部分是空的或已损坏，无法读取。")
    # the page's bytes as they were: the HTML reader decodes them by their content and the
    # page's own declaration, as for any saved page (the part's charset says the same)
    doc = read_html(payload, source)
    doc.media_type = MHTML_MEDIA_TYPE
    doc.artifacts.append(
        "网页存档（MHTML）文件：已读取其中的网页，数值的位置指该网页文字中的位置。"
    )
    if IMAGE_PLACEHOLDER in doc.text:  # tables published as pictures, perhaps
        from .image import ocr_pictures

        doc = ocr_pictures(doc, _pictures(msg, root, payload), source)
    return doc


def _pictures(msg: Message, root: Message, page: bytes) -> list[bytes]:
    """The bytes of the pictures the page shows, from the archive's parts."""
    parts: dict[str, bytes] = {}
    for part in msg.walk():
        if part.get_content_maintype() != "image":
            continue
        body = part.get_payload(decode=True)
        if not isinstance(body, bytes):
            continue
        if part.get("Content-Location"):
            parts[str(part["Content-Location"]).strip()] = body
        if part.get("Content-ID"):
            parts["cid:" + str(part["Content-ID"]).strip("<> ")] = body
    if not parts:
        return []
    base = str(root.get("Content-Location", "")).strip()
    m = _BASE_HREF.search(page[:65536])
    if m is not None:  # <base href>: relative addresses are the page's base's
        base = urljoin(base, m.group(1).decode("latin-1").strip())

    def lookup(src: str) -> bytes | None:
        # as a browser or our collector resolves it: against the base, \ as /, no #fragment
        plain = src.replace("\\", "/")
        for cand in (src, urljoin(base, src), urljoin(base, plain)):
            for name in (cand, urldefrag(cand)[0]):
                if name in parts:
                    return parts[name]
        return None

    return page_pictures(page, lookup)


_BASE_HREF = re.compile(rb"<base\b[^>]*\bhref\s*=\s*[\"']?([^\"'\s>]+)", re.I)


def page_pictures(page: bytes, fetch: Callable[[str], bytes | None]) -> list[bytes]:
    """The bytes of the pictures an HTML page shows, in its order, as the HTML reader counts
    them (``<img>`` that are not icons), each got by ``fetch(src)`` (None: not there)."""
    import lxml.html

    from .html import _is_picture

    try:
        tree = lxml.html.document_fromstring(page)
    except Exception:  # lxml's many parse errors: no pictures then
        return []
    out: list[bytes] = []
    got: dict[str, bytes | None] = {}  # a picture shown many times is got once
    for img in tree.iter("img"):
        if len(out) >= MAX_PICTURES:
            break
        if not _is_picture(img):
            continue
        src = (img.get("src") or "").strip()
        if src not in got:
            got[src] = fetch(src)
        body = got[src]
        if body is not None:
            out.append(body)
    return out


MAX_PICTURES = 24  # pictures of a page looked at (their first pages fill the OCR's six)


def make_mhtml(page_url: str, page: bytes, pictures: list[tuple[str, bytes]]) -> bytes:
    """A web archive of a page (its bytes as fetched) and its pictures (address, bytes),
    as browsers write one; the same page and pictures make the same bytes."""
    import hashlib
    from email import encoders
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.nonmultipart import MIMENonMultipart

    from .image import image_kind

    digest = hashlib.sha256(page)
    for url, body in pictures:
        digest.update(url.encode("utf-8") + b"\0" + body)
    msg = MIMEMultipart("related", type="text/html", boundary=f"nianbao-{digest.hexdigest()[:32]}")
    msg["Snapshot-Content-Location"] = page_url
    root = MIMENonMultipart("text", "html")
    root.set_payload(page)
    encoders.encode_base64(root)
    root["Content-Location"] = page_url
    msg.attach(root)
    for url, body in pictures:
        pic = MIMEImage(body, image_kind(body[:32]) or "octet-stream")
        pic["Content-Location"] = url
        msg.attach(pic)
    return msg.as_bytes()
