"""``nianbao collect`` against invented agency sites served on 127.0.0.1 by the test.

The sites (each its own port, so its own host):

* A — 青岚县人民政府, UTF-8, ETag and Last-Modified: a 年报 column of three list pages
  (下一页, then numbered links), a report page with the tables in HTML (changed between the
  two runs), a page with a DOCX attachment whose name is percent-encoded Chinese and whose
  date is only in a ``PubDate`` meta tag, a page with a DOC attachment, a page of images, a
  link that 404s, an entry under a path robots.txt disallows, a notice that is not a report,
  and links to hosts outside 127.0.0.1 in the header and footer;
* B — 青岚县财政局, GBK pages served as ``charset=utf-8`` without a meta charset, Last-Modified
  only, pagination by the ``createPageHTML`` script; its report is published after its
  deadline;
* C — 青岚县教育体育局, slow: every answer late, one report page later than the timeout;
* D — 青岚县自然资源局: answers its second entry with 429.

Every request leaves through a guard that refuses (and records) any host but 127.0.0.1.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest

httpx = pytest.importorskip("httpx")

from nianbao.collect import Fetcher, FetchOptions, collect  # noqa: E402
from nianbao.collect.feed import ingest_collected  # noqa: E402
from nianbao.collect.pages import (  # noqa: E402
    decode_page,
    filename_of,
    parse_list_page,
    parse_report_page,
    report_title,
)
from nianbao.collect.state import STATE_NAME  # noqa: E402
from nianbao.readers.image import image_refusal  # noqa: E402
from nianbao.readers.sniff import sniff  # noqa: E402
from nianbao.report import Report, Value  # noqa: E402
from nianbao.writing.writer import render, soffice_path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _examples() -> Any:
    spec = importlib.util.spec_from_file_location(
        "nianbao_examples", REPO / "examples" / "make_examples.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


EX = _examples()


# ---------------------------------------------------------------------- the guard
OUTSIDE: list[str] = []
_real_handle = httpx.HTTPTransport.handle_request


def _guarded(self: Any, request: Any) -> Any:
    if request.url.host != "127.0.0.1":
        OUTSIDE.append(str(request.url))
        raise httpx.ConnectError("blocked by the test: only 127.0.0.1", request=request)
    return _real_handle(self, request)


@pytest.fixture(autouse=True)
def _only_localhost(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", _guarded)
    yield
    assert OUTSIDE == [], f"contacted outside 127.0.0.1: {OUTSIDE}"


# ---------------------------------------------------------------------- the server
@dataclass
class Route:
    body: bytes | Callable[[], bytes] = b""
    ctype: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    statuses: list[int] = field(default_factory=list)  # answered first, one per request


class Site:
    """One invented website on its own port; logs (path, status, user agent)."""

    def __init__(self, name: str, *, etag: bool = True, delay: float = 0.0) -> None:
        self.name = name
        self.etag = etag
        self.delay = delay
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, int, str]] = []
        self.modified: dict[str, str] = {}
        self.inflight = self.max_inflight = 0  # requests being answered at once
        self._count = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                with site._count:
                    site.inflight += 1
                    site.max_inflight = max(site.max_inflight, site.inflight)
                try:
                    site.serve(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the slow host's timeout)
                finally:
                    with site._count:
                        site.inflight -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | Callable[[], bytes], **kw: Any) -> None:
        self.routes[path] = Route(body, **kw)
        self.modified[path] = formatdate(time.time() - 86400 * 30, usegmt=True)

    def touch(self, path: str) -> None:
        self.modified[path] = formatdate(time.time(), usegmt=True)

    def serve(self, h: BaseHTTPRequestHandler) -> None:
        raw = urlsplit(h.path).path
        path = raw if raw in self.routes else unquote(raw)
        route = self.routes.get(path)
        if self.delay or (route and route.delay):
            time.sleep(self.delay + (route.delay if route else 0.0))
        ua = h.headers.get("User-Agent", "").encode("latin-1").decode("utf-8")
        first = route.statuses.pop(0) if route and route.statuses else None
        if route is None or route.status != 200 or first:
            status = 404 if route is None else (first or route.status)
            self.log.append((path, status, ua))
            h.send_response(status)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            for k, v in (route.headers if route else {}).items():
                h.send_header(k, v)
            body = f"<html><body>{status}</body></html>".encode()
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
            return
        body = route.body() if callable(route.body) else route.body
        tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        last = self.modified[path]
        inm, ims = h.headers.get("If-None-Match"), h.headers.get("If-Modified-Since")
        fresh = (inm == tag) if (self.etag and inm) else (ims is not None and ims == last)
        status = 304 if fresh else 200
        self.log.append((path, status, ua))
        h.send_response(status)
        if self.etag:
            h.send_header("ETag", tag)
        h.send_header("Last-Modified", last)
        h.send_header("Content-Type", route.ctype)
        for k, v in route.headers.items():
            h.send_header(k, v)
        if status == 304:
            h.end_headers()
            return
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def paths(self, status: int | None = None) -> list[str]:
        return [p for p, s, _ in self.log if status is None or s == status]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------------- pages
def _white_jpeg() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buf, "JPEG")
    return buf.getvalue()


def _body(html: bytes, encoding: str = "utf-8") -> str:
    text = html.decode(encoding)
    return text[text.index("<body>") + 6 : text.index("</body>")]


def page(
    title: str,
    content: str,
    *,
    site_name: str,
    info: str = "",
    head: str = "",
    charset: str | None = "utf-8",
) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"""<!DOCTYPE html>
<html><head>{meta}{head}<title>{escape(title)}_{site_name}</title>
<script>var nav = "index_9.html";</script></head>
<body>
<div class="top"><a href="/">首页</a> <a href="http://www.gov.cn/">中国政府网</a>
<a href="https://www.qinglan.gov.cn/zwgk/">政务公开</a></div>
<div class="article"><h1>{escape(title)}</h1><div class="info">{info}</div>
{content}
</div>
<div class="footer"><a href="https://beian.miit.gov.cn/">备案</a> 主办：{site_name}</div>
</body></html>"""


def listing(
    entries: list[tuple[str, str, str]], nav: str, *, site_name: str, charset: str | None = "utf-8"
) -> str:
    items = "\n".join(
        f'<li><a href="{href}" title="{escape(text)}" target="_blank">{escape(text[:18])}</a>'
        f"<span>{date}</span></li>"
        for href, text, date in entries
    )
    return page(
        "政府信息公开年报",
        f'<ul class="list">{items}</ul>\n<div class="page">{nav}</div>',
        site_name=site_name,
        charset=charset,
    )


def report(
    agency: str, year: int, footer: str, active: dict, requests: dict, reviews: dict
) -> Report:
    return EX.build_report(agency, year, footer, active, requests, reviews)


A_NAME, B_NAME, C_NAME, D_NAME = (
    "青岚县人民政府",
    "青岚县财政局",
    "青岚县教育体育局",
    "青岚县自然资源局",
)
DOCX_NAME = "青岚县人民政府2023年政府信息公开工作年度报告.docx"
B_DOCX_NAME = "财政局2023年报.docx"
CHANGED_PATH = "/zwgk/ndbg/202501/t20250120_1.html"


@dataclass
class World:
    a: Site
    b: Site
    c: Site
    d: Site
    reports: dict[str, Report]  # URL of the document -> what the writer wrote
    a_2024: Report

    def sites(self) -> list[Site]:
        return [self.a, self.b, self.c, self.d]


def _site_a(world_reports: dict[str, Report]) -> tuple[Site, Report]:
    a = Site(A_NAME)
    r2024 = report(
        A_NAME, 2024, "2025-01-15", EX.QINGLAN_ACTIVE, EX.QINGLAN_REQUESTS, EX.QINGLAN_REVIEWS
    )
    r2023 = report(
        A_NAME,
        2023,
        "2024-01-10",
        EX.QINGLAN_2023_ACTIVE,
        EX.QINGLAN_2023_REQUESTS,
        EX.QINGLAN_2023_REVIEWS,
    )
    t2024 = "青岚县人民政府2024年政府信息公开工作年度报告"
    t2023 = "青岚县人民政府2023年政府信息公开工作年度报告"
    holder = {"report": r2024}

    def page_2024() -> bytes:
        return page(
            t2024,
            _body(render(holder["report"], "html")),
            site_name=A_NAME,
            info="发布时间：2025-01-20 09:30　来源：县政府办公室",
        ).encode("utf-8")

    a.add(CHANGED_PATH, page_2024)
    a.holder = holder  # type: ignore[attr-defined]
    a.add(
        "/zwgk/ndbg/202401/t20240118_7.html",
        page(
            t2023,
            f'<p>附件：<a href="/files/{quote(DOCX_NAME)}">{DOCX_NAME}</a></p>',
            site_name=A_NAME,
            head='<meta name="PubDate" content="2024-01-18 10:00:00">',
        ).encode("utf-8"),
    )
    a.add(
        "/files/" + DOCX_NAME,
        render(r2023, "docx"),
        ctype="application/octet-stream",
    )
    a.add(
        "/zwgk/ndbg/202301/t20230116_3.html",
        page(
            "青岚县人民政府2022年政府信息公开工作年度报告",
            '<p>附件：<a href="../../../files/nb2022.doc">2022年年报.doc</a></p>',
            site_name=A_NAME,
            info="发布日期：2023-01-16",
        ).encode("utf-8"),
    )
    a.add(
        "/files/nb2022.doc",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        ctype="application/msword",
    )
    a.add(
        "/zwgk/ndbg/202201/t20220120_2.html",
        page(
            "青岚县人民政府2021年政府信息公开工作年度报告",
            '<p><img src="/files/nb2021-1.jpg" width="800"></p><p><img src="/files/nb2021-2.jpg"></p>'
            '<p><img src="/images/logo.png"></p>',
            site_name=A_NAME,
            info="发布时间：2022-01-20",
        ).encode("utf-8"),
    )
    a.add("/files/nb2021-1.jpg", _white_jpeg(), ctype="image/jpeg")  # nb2021-2.jpg is gone
    a.add("/robots.txt", b"User-agent: *\nDisallow: /private/\n", ctype="text/plain")
    nav0 = '<a href="index.html">首页</a> <span>1</span> <a href="index_1.html">下一页</a>'
    a.add(
        "/zwgk/ndbg/index.html",
        listing(
            [
                ("202501/t20250120_1.html", t2024, "2025-01-20"),
                (
                    "/zwgk/tzgg/202411/t20241101_9.html",
                    "关于做好2024年政府信息公开工作年度报告编制工作的通知",
                    "2024-11-01",
                ),
                ("gone.html", "青岚县人民政府2019年政府信息公开工作年度报告", "2020-01-20"),
            ],
            nav0,
            site_name=A_NAME,
        ).encode("utf-8"),
    )
    nav1 = '<a href="index.html">1</a> <a href="index_1.html">2</a> <a href="index_2.html">3</a> <a href="index_2.html">下一页</a>'
    a.add(
        "/zwgk/ndbg/index_1.html",
        listing(
            [
                ("202401/t20240118_7.html", t2023, "2024-01-18"),
                (
                    "202301/t20230116_3.html",
                    "青岚县人民政府2022年政府信息公开工作年度报告",
                    "2023-01-16",
                ),
                (
                    "/private/nb2020.html",
                    "青岚县人民政府2020年政府信息公开工作年度报告",
                    "2021-01-20",
                ),
            ],
            nav1,
            site_name=A_NAME,
        ).encode("utf-8"),
    )
    nav2 = '<a href="index.html">1</a> <a href="index_1.html">2</a> <span>3</span>'
    a.add(
        "/zwgk/ndbg/index_2.html",
        listing(
            [
                (
                    "202201/t20220120_2.html",
                    "青岚县人民政府2021年政府信息公开工作年度报告",
                    "2022-01-20",
                )
            ],
            nav2,
            site_name=A_NAME,
        ).encode("utf-8"),
    )
    a.add("/private/nb2020.html", b"<html>secret</html>")
    world_reports[a.url(CHANGED_PATH)] = r2024
    world_reports[a.url("/files/" + quote(DOCX_NAME))] = r2023
    return a, r2024


def _site_b(world_reports: dict[str, Report]) -> Site:
    b = Site(B_NAME, etag=False)
    r2024 = report(
        B_NAME, 2024, "2025-01-15", EX.CAIZHENG_ACTIVE, EX.CAIZHENG_REQUESTS, EX.CAIZHENG_REVIEWS
    )
    title = "青岚县财政局2024年政府信息公开工作年度报告"
    body = _body(render(r2024, "html-gbk"), "gbk")
    gbk = "text/html; charset=utf-8"  # wrong: the bytes are GBK
    b.add(
        "/xxgk/nb/2025/0210/c101.html",
        page(title, body, site_name=B_NAME, info="发布日期：2025年02月10日", charset=None).encode(
            "gbk"
        ),
        ctype=gbk,
    )
    # the list links straight to a DOCX whose name is percent-encoded GBK
    r2023 = report(
        B_NAME, 2023, "2024-01-12", EX.CAIZHENG_ACTIVE, EX.CAIZHENG_REQUESTS, EX.CAIZHENG_REVIEWS
    )
    docx = "/xxgk/nb/files/" + quote(B_DOCX_NAME, encoding="gbk")
    b.add(docx, render(r2023, "docx"), ctype="application/octet-stream")
    script = '<script>createPageHTML(2, 0, "index", "html");</script>'
    b.add(
        "/xxgk/nb/index.html",
        listing(
            [(docx, "青岚县财政局2023年政府信息公开工作年度报告", "2024-01-30")],
            script,
            site_name=B_NAME,
            charset=None,
        ).encode("gbk"),
        ctype=gbk,
    )
    world_reports[b.url(docx)] = r2023
    b.add(
        "/xxgk/nb/index_1.html",
        listing(
            [("2025/0210/c101.html", title, "2025-02-10")], script, site_name=B_NAME, charset=None
        ).encode("gbk"),
        ctype=gbk,
    )
    world_reports[b.url("/xxgk/nb/2025/0210/c101.html")] = r2024
    return b


def _site_c(world_reports: dict[str, Report]) -> Site:
    c = Site(C_NAME, delay=0.05)
    active = {**EX.CAIZHENG_ACTIVE, "active.penalty": 7}
    r2024 = report(C_NAME, 2024, "2025-01-25", active, EX.CAIZHENG_REQUESTS, EX.CAIZHENG_REVIEWS)
    c.add(
        "/nb/2024.html",
        page(
            "青岚县教育体育局2024年政府信息公开工作年度报告",
            _body(render(r2024, "html")),
            site_name=C_NAME,
            info="发布时间：2025-01-25",
        ).encode("utf-8"),
    )
    c.add("/nb/2023.html", b"<html>late</html>", delay=3.0)
    c.add(
        "/nb/",
        listing(
            [
                ("2024.html", "青岚县教育体育局2024年政府信息公开工作年度报告", "2025-01-25"),
                ("2023.html", "青岚县教育体育局2023年政府信息公开工作年度报告", "2024-01-22"),
            ],
            "",
            site_name=C_NAME,
        ).encode("utf-8"),
    )
    world_reports[c.url("/nb/2024.html")] = r2024
    return c


def _site_d() -> Site:
    d = Site(D_NAME)
    d.add(
        "/ndbg/index.html",
        listing(
            [
                ("nb2024.html", "青岚县自然资源局2024年政府信息公开工作年度报告", "2025-01-22"),
                ("nb2023.html", "青岚县自然资源局2023年政府信息公开工作年度报告", "2024-01-22"),
            ],
            "",
            site_name=D_NAME,
        ).encode("utf-8"),
    )
    d.add("/ndbg/nb2024.html", b"", status=429)
    d.add("/ndbg/nb2023.html", b"<html>never asked</html>")
    return d


def _options() -> FetchOptions:
    # the timeout is far from both the slow host's answers (0.05 s) and its late page (3 s)
    return FetchOptions(delay=0.0, timeout=1.0, retries=1, backoff=0.0, max_seconds=10)


@dataclass
class Runs:
    world: World
    out: Path
    first: Any
    second: Any
    log1: dict[str, list[tuple[str, int, str]]]
    log2: dict[str, list[tuple[str, int, str]]]


CLIENT_MAX: dict[str, int] = {}  # most requests at once per host, seen by the client


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Any:
    OUTSIDE.clear()
    mp = pytest.MonkeyPatch()
    mp.setattr(httpx.HTTPTransport, "handle_request", _guarded)
    # one request at a time per host, counted on the client's side: a server may still be
    # answering a request the client abandoned at its timeout (a loaded machine)
    CLIENT_MAX.clear()
    inflight: dict[str, int] = {}
    lock = threading.Lock()
    download = Fetcher._download

    def counting(self: Any, httpx_: Any, url: str, headers: Any, limit: int) -> Any:
        host = urlsplit(url).netloc
        with lock:
            inflight[host] = inflight.get(host, 0) + 1
            CLIENT_MAX[host] = max(CLIENT_MAX.get(host, 0), inflight[host])
        try:
            return download(self, httpx_, url, headers, limit)
        finally:
            with lock:
                inflight[host] -= 1

    mp.setattr(Fetcher, "_download", counting)
    reports: dict[str, Report] = {}
    a, a_2024 = _site_a(reports)
    world = World(a, _site_b(reports), _site_c(reports), _site_d(), reports, a_2024)
    out = tmp_path_factory.mktemp("collected")
    columns = [
        a.url("/zwgk/ndbg/index.html"),
        world.b.url("/xxgk/nb/index.html"),
        world.c.url("/nb/"),
        world.d.url("/ndbg/index.html"),
    ]
    try:
        first = collect(columns, out, fetch=_options())
        log1 = {s.name: list(s.log) for s in world.sites()}
        for s in world.sites():
            s.log.clear()
        # between the runs, the 2024 report of site A is corrected
        changed = copy.deepcopy(a_2024)
        changed.values["active.licensing"] = Value(2318, "2318")
        a.holder["report"] = changed  # type: ignore[attr-defined]
        a.touch(CHANGED_PATH)
        reports[a.url(CHANGED_PATH)] = changed
        second = collect(columns, out, fetch=_options())
        log2 = {s.name: list(s.log) for s in world.sites()}
        yield Runs(world, out, first, second, log1, log2)
    finally:
        for s in world.sites():
            s.close()
        mp.undo()
        assert OUTSIDE == [], f"contacted outside 127.0.0.1: {OUTSIDE}"


def _mismatches(expected: Report, got: Report) -> list[tuple[str, object, object]]:
    return [
        (fid, v.value, got.get(fid) if got.has(fid) else "ABSENT")
        for fid, v in expected.values.items()
        if (got.get(fid) if got.has(fid) else "ABSENT") != v.value
    ]


def _reports_by_url(summary: Any) -> dict[str, Any]:
    return {r.url: r for r in summary.reports}


# ---------------------------------------------------------------------- the walk
def test_column_walk_finds_the_reports_on_every_list_page(runs: Runs) -> None:
    a = runs.world.a
    found = _reports_by_url(runs.first)
    titles = {r.title for r in runs.first.reports}
    assert {
        "青岚县人民政府2024年政府信息公开工作年度报告",
        "青岚县人民政府2023年政府信息公开工作年度报告",
        "青岚县人民政府2022年政府信息公开工作年度报告",
        "青岚县人民政府2021年政府信息公开工作年度报告",
        "青岚县财政局2024年政府信息公开工作年度报告",
        "青岚县教育体育局2024年政府信息公开工作年度报告",
    } <= titles
    # every list page once (下一页, numbered links, the createPageHTML script)
    for site, pages in (
        (a, ["/zwgk/ndbg/index.html", "/zwgk/ndbg/index_1.html", "/zwgk/ndbg/index_2.html"]),
        (runs.world.b, ["/xxgk/nb/index.html", "/xxgk/nb/index_1.html"]),
    ):
        asked = [p for p, _, _ in runs.log1[site.name]]
        for p in pages:
            assert asked.count(p) == 1, (p, asked)
    # the notice is not a report; nothing leaves 127.0.0.1 (the guard)
    assert "/zwgk/tzgg/202411/t20241101_9.html" not in [p for p, _, _ in runs.log1[a.name]]
    assert OUTSIDE == []
    # agency and year from the titles, per agency and year in the summary
    r = found[a.url(CHANGED_PATH)]
    assert (r.agency, r.year) == (A_NAME, 2024)
    per = {(ag, y): n for ag, y, n in runs.first.by_agency_year()}
    assert per[(A_NAME, 2023)] == 1 and per[(B_NAME, 2024)] == 1
    # hosts in parallel, but one request at a time per host
    for site in runs.world.sites():
        assert CLIENT_MAX[urlsplit(site.url("/")).netloc] == 1, site.name
    # a clear user agent on every request
    uas = {ua for log in runs.log1.values() for _, _, ua in log}
    assert uas and all(
        ua.startswith("nianbao-collect/") and "政府信息公开年报收集" in ua for ua in uas
    )


def test_collected_reports_match_what_the_writer_wrote(runs: Runs) -> None:
    import nianbao

    docs = {d.url: d for _, d in runs.first.documents()}
    expected = {url: rep for url, rep in runs.world.reports.items()}
    expected[runs.world.a.url(CHANGED_PATH)] = runs.world.a_2024  # the first run saw the original
    assert set(expected) <= set(docs), (sorted(expected), sorted(docs))
    for url, rep in expected.items():
        got = nianbao.parse(docs[url].path.read_bytes(), name=docs[url].path.name)
        assert _mismatches(rep, got) == [], url
        assert got.meta["agency"] == rep.meta["agency"] and got.meta["year"] == rep.meta["year"]
    # the kinds: HTML tables, a DOCX attachment
    kinds = {url: docs[url].kind for url in expected}
    assert kinds[runs.world.a.url("/files/" + quote(DOCX_NAME))] == "docx"
    assert kinds[runs.world.b.url("/xxgk/nb/2025/0210/c101.html")] == "html"


def test_original_bytes_kept_with_url_time_headers_and_date(runs: Runs) -> None:
    a = runs.world.a
    state = json.loads((runs.out / STATE_NAME).read_text(encoding="utf-8"))["urls"]
    docx_url = a.url("/files/" + quote(DOCX_NAME))
    rec = state[docx_url]
    assert rec["etag"] and rec["last_modified"] and rec["fetched_at"] and rec["content_type"]
    kept = runs.out / rec["path"]
    assert kept.read_bytes() == a.routes["/files/" + DOCX_NAME].body
    assert DOCX_NAME.removesuffix(".docx") in kept.name  # the percent-encoded name, decoded
    assert "404" in state[a.url("/zwgk/ndbg/gone.html")]["error"]  # failures are recorded
    side = json.loads(kept.with_name(kept.name + ".json").read_text(encoding="utf-8"))
    assert side["url"] == docx_url and side["published"] == "2024-01-18"
    found = _reports_by_url(runs.first)
    assert found[a.url(CHANGED_PATH)].published == "2025-01-20"  # 发布时间 on the page
    assert found[a.url("/zwgk/ndbg/202401/t20240118_7.html")].published_from == "meta"
    assert found[runs.world.b.url("/xxgk/nb/2025/0210/c101.html")].published == "2025-02-10"
    # a list entry that is the file itself: the date beside the link; the GBK name decoded
    direct = found[runs.world.b.url("/xxgk/nb/files/" + quote(B_DOCX_NAME, encoding="gbk"))]
    assert (direct.published, direct.published_from) == ("2024-01-30", "list")
    assert [d.kind for d in direct.documents] == ["docx"]
    assert B_DOCX_NAME.removesuffix(".docx") in direct.documents[0].path.name


def test_doc_images_404_robots_and_slow_host(runs: Runs) -> None:
    a, c = runs.world.a, runs.world.c
    found = _reports_by_url(runs.first)
    failures = dict(runs.first.failures)
    doc = found[a.url("/zwgk/ndbg/202301/t20230116_3.html")]
    assert not doc.documents and any("DOC" in n for n in doc.notes)
    assert any(f.kind == "doc" and f.path.exists() for f in doc.kept)
    images = found[a.url("/zwgk/ndbg/202201/t20220120_2.html")]
    if image_refusal("png") is None:
        # OCR here: the pictures (not the logo) are fetched and kept with the page as one
        # web archive, the report's document; the one that is gone is a failure
        assert any("报告以图片发布" in n and "1 张图片" in n for n in images.notes), images.notes
        [archive] = images.documents
        assert archive.kind == "mhtml" and sniff(archive.path.read_bytes()) == "mhtml"
        assert "/files/nb2021-1.jpg" in a.paths() and "/images/logo.png" not in a.paths()
        assert "404" in failures[a.url("/files/nb2021-2.jpg")]
    else:
        assert any("2 张图片" in n for n in images.notes)
        assert not any(p.endswith(".jpg") or p.endswith(".png") for p in a.paths())
    assert "404" in failures[a.url("/zwgk/ndbg/gone.html")]
    # robots.txt: the disallowed entry is never asked for
    assert not any(p.startswith("/private/") for p in a.paths())
    assert "robots.txt" in failures[a.url("/private/nb2020.html")]
    # the slow host: its page within the timeout is collected, the one beyond fails
    assert c.url("/nb/2024.html") in {d.url for _, d in runs.first.documents()}
    assert "超时" in failures[c.url("/nb/2023.html")]


def test_429_stops_that_host_only(runs: Runs) -> None:
    d = runs.world.d
    asked = [p for p, _, _ in runs.log1[d.name]]
    assert "/ndbg/nb2024.html" in asked and "/ndbg/nb2023.html" not in asked
    assert asked[-1] == "/ndbg/nb2024.html"  # nothing after the 429
    host = {h.host: h for h in runs.first.hosts}[d.base]
    assert host.stopped and "429" in host.stopped
    assert "429" in dict(runs.first.failures)[d.url("/ndbg/nb2024.html")]
    others = [h for h in runs.first.hosts if h.host != d.base]
    assert others and not any(h.stopped for h in others)


def test_rerun_fetches_only_the_changed_page(runs: Runs) -> None:
    failed = {urlsplit(u).path for u, _ in runs.first.failures}
    downloaded = {
        (name, p)
        for name, log in runs.log2.items()
        for p, status, _ in log
        if status == 200 and p not in failed  # what failed is asked for again
    }
    assert downloaded == {(A_NAME, CHANGED_PATH)}
    assert "/nb/2023.html" in [p for p, _, _ in runs.log2[C_NAME]]  # the timeout, retried
    # conditional requests were made (304s), and attachments of unchanged pages not asked
    assert (A_NAME, "/zwgk/ndbg/index.html") in {
        (n, p) for n, log in runs.log2.items() for p, s, _ in log if s == 304
    }
    assert "/files/" + DOCX_NAME not in [p for p, _, _ in runs.log2[A_NAME]]
    assert ("/xxgk/nb/index_1.html", 304) in [
        (p, s) for p, s, _ in runs.log2[B_NAME]
    ]  # Last-Modified
    changed = [r.url for r in runs.second.reports if r.changed]
    assert changed == [runs.world.a.url(CHANGED_PATH)]
    # the second run still lists every report, with its files from the first run
    assert {r.url for r in runs.second.reports} == {r.url for r in runs.first.reports}
    assert len(runs.second.documents()) == len(runs.first.documents())


def test_ingest_carries_url_and_page_date(runs: Runs, tmp_path: Path) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from nianbao.store import open_store
    from nianbao.store.models import StoredFinding, StoredReport

    engine = open_store(str(tmp_path / "collect.db"))
    try:
        result = ingest_collected(runs.first, engine, workers=0)
        assert result.failed == [] and result.unusable == []
        assert result.stored == len({str(d.path) for _, d in runs.first.documents()})
        again = ingest_collected(runs.second, engine, workers=0)
        assert again.stored == 1 and again.unchanged == again.files - 1  # the corrected page
        with Session(engine) as s:
            rows = {r.meta["source"]: r for r in s.scalars(select(StoredReport))}
            a, b = runs.world.a, runs.world.b
            docx = rows[a.url("/files/" + quote(DOCX_NAME))]
            # the DOCX's own footer says 2024-01-10; the page's PubDate wins
            assert docx.published == "2024-01-18"
            assert docx.meta["published_source"] == "page" and docx.agency_name == A_NAME
            late = rows[b.url("/xxgk/nb/2025/0210/c101.html")]
            assert late.published == "2025-02-10" and late.meta["published_source"] == "page"
            rules = {
                (f.rule, f.severity)
                for f in s.scalars(select(StoredFinding).where(StoredFinding.report_id == late.id))
            }
            assert ("R-DEADLINE", "error") in rules  # judged on the page's date
            newest = max(
                (r for r in rows.values() if r.agency_name == A_NAME and r.year == 2024),
                key=lambda r: r.id,
            )
            assert newest.meta["source"] == a.url(CHANGED_PATH)
            docx_id = docx.id
    finally:
        engine.dispose()
    # the web app shows where a collected report came from
    if importlib.util.find_spec("fastapi") is None:
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from nianbao.web.app import create_app

    with TestClient(create_app(str(tmp_path / "collect.db"))) as client:
        html = client.get(f"/reports/{docx_id}").text
    assert "来源网址" in html and f'href="{a.url("/files/" + quote(DOCX_NAME))}"' in html


# ---------------------------------------------------------------------- pure helpers
def test_titles_dates_links_and_names() -> None:
    t = report_title("青岚县财政局2024年政府信息公开工作年度报告")
    assert t is not None and (t.agency, t.year) == ("青岚县财政局", 2024)
    t = report_title("二〇二三年度政府信息公开工作年度报告")
    assert t is not None and t.year == 2023 and t.agency is None
    assert report_title("关于做好2024年政府信息公开工作年度报告编制工作的通知") is None
    assert report_title("2024年统计年报") is None
    assert report_title("首页") is None
    assert report_title("政府信息公开年报") is None  # the column's own name: no year
    t = report_title("青岚县人民政府2024年政府信息公开工...")  # shortened by the list
    assert t is not None and (t.agency, t.year) == ("青岚县人民政府", 2024)
    assert report_title("青岚县2024年政务公开工作要点") is None
    assert report_title("青岚县2024年政务服务…") is None
    t = report_title("2024年度青岚县财政局政府信息公开工作年度报告")
    assert t is not None and (t.agency, t.year) == ("青岚县财政局", 2024)
    # names: percent-encoded UTF-8, and RFC 5987 in Content-Disposition
    assert filename_of("http://h/a/%E9%9D%92%E5%B2%9A.pdf") == "青岚.pdf"
    assert filename_of("http://h/a/" + quote("青岚.pdf", encoding="gbk")) == "青岚.pdf"
    assert (
        filename_of("http://h/d?id=1", "attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.docx")
        == "年报.docx"
    )
    raw_gbk = "年报.pdf".encode("gbk").decode("latin-1")  # as the HTTP client reads it
    assert filename_of("http://h/d.jsp", f'attachment; filename="{raw_gbk}"') == "年报.pdf"
    dl = parse_report_page(
        b'<html><body><a href="/down.jsp?id=3&filename=nb2024.pdf">x</a></body></html>',
        "http://h/a/b.html",
    )
    assert [(x.kind, x.name) for x in dl.attachments] == [("pdf", "nb2024.pdf")]
    # GBK without any declaration decodes by content
    html = "<html><body><p>发布时间：2025-01-20</p></body></html>".encode("gbk")
    assert "发布时间" in decode_page(html, "text/html; charset=utf-8")
    rp = parse_report_page(html, "http://h/x.html", "text/html; charset=utf-8")
    assert rp.published == "2025-01-20" and rp.published_from == "text"
    meta = b'<html><head><meta name="firstpublishedtime" content="2024-01-18-10:00:00"></head><body>x</body></html>'
    assert parse_report_page(meta, "http://h/x.html").published == "2024-01-18"
    # a directory table in the page is not the report's tables: the attachment is the report
    side = (
        "<html><body><table><tr><td>主动公开目录</td><td>2025-01-06</td></tr>"
        "<tr><td>政府信息公开年报</td><td>2025-01-02</td></tr></table>"
        '<a href="nb.pdf">年报</a></body></html>'
    )
    rp = parse_report_page(side.encode(), "http://h/a/b.html")
    assert not rp.has_tables and [x.kind for x in rp.attachments] == ["pdf"]
    dated = "<html><body><p>成文日期：2025-01-02</p><p>日期：2025-01-06</p></body></html>"
    assert parse_report_page(dated.encode(), "http://h/x.html").published == "2025-01-06"
    # relative and absolute links, <base href>, script pagination
    lp = parse_list_page(
        (
            '<html><head><base href="http://h/col/"></head><body>'
            '<a href="../art/1.html">2024年政府信息公开工作年度报告</a>'
            '<a href="http://h/col/index_1.html">2</a><a href="javascript:void(0)">下一页</a>'
            '<a href="http://other/col/index_2.html">3</a></body></html>'
        ).encode(),
        "http://h/col/index.html",
        "http://h/col/index.html",
    )
    assert [e.url for e in lp.entries] == ["http://h/art/1.html"]
    assert lp.pages == ["http://h/col/index_1.html"]
    # the records a Hanweb (JCMS) page keeps in a script for the browser to show
    jcms = (
        '<html><body><script type="text/xml"><datastore><recordset><record><![CDATA[<li>'
        '<a href="/art/2025/1/20/art_1_9.html" title="青岚县人民政府2024年政府信息公开工作年度报告">'
        "青岚县人民政府2024年…</a><span>2025-01-20</span></li>]]></record></recordset>"
        "</datastore></script></body></html>"
    )
    lp = parse_list_page(
        jcms.encode(), "http://h/col/col1/index.html", "http://h/col/col1/index.html"
    )
    assert [(e.url, e.info.year, e.list_date) for e in lp.entries] == [
        ("http://h/art/2025/1/20/art_1_9.html", 2024, "2025-01-20")
    ]


def test_delay_between_requests_to_one_host() -> None:
    site = Site("青岚县测试站")
    try:
        for i in range(3):
            site.add(f"/{i}.html", b"<html>x</html>")
        waits: list[float] = []
        with Fetcher(FetchOptions(delay=2.0), sleep=waits.append) as f:
            for i in range(3):
                f.fetch(site.url(f"/{i}.html"))
        # robots.txt, then three pages: each after a wait of (nearly) the whole delay
        assert len(waits) == 3 and all(0 < w <= 2.0 for w in waits)
    finally:
        site.close()


def test_fetcher_limits_redirects_and_size(tmp_path: Path) -> None:
    site = Site("青岚县测试站")
    try:
        site.add("/big.pdf", b"%PDF" + b"0" * 5000, ctype="application/pdf")
        site.add("/loop", b"", status=302, headers={"Location": "/loop"})
        site.add("/moved", b"", status=301, headers={"Location": "/big.pdf"})
        opts = FetchOptions(delay=0.0, retries=0, backoff=0.0, max_bytes=1000, max_redirects=3)
        from nianbao.collect import FetchFailed

        with Fetcher(opts) as f:
            with pytest.raises(FetchFailed, match="过大"):
                f.fetch(site.url("/big.pdf"))
            with pytest.raises(FetchFailed, match="跳转次数过多"):
                f.fetch(site.url("/loop"))
        assert site.paths().count("/loop") == 4
        with Fetcher(FetchOptions(delay=0.0, retries=0)) as f:
            res = f.fetch(site.url("/moved"))
            assert res.status == 200 and res.url.endswith("/big.pdf")
        # 5xx: retried with backoff; 403: the host is left alone
        site.add("/flaky.html", b"<html>ok</html>", statuses=[503, 502])
        site.add("/closed.html", b"", status=403)
        waits: list[float] = []
        with Fetcher(FetchOptions(delay=0.0, retries=2, backoff=1.0), sleep=waits.append) as f:
            assert f.fetch(site.url("/flaky.html")).content == b"<html>ok</html>"
            assert waits == [1.0, 2.0]
            with pytest.raises(FetchFailed, match="403"):
                f.fetch(site.url("/closed.html"))
            with pytest.raises(FetchFailed, match="403"):
                f.fetch(site.url("/big.pdf"))  # not asked: the host said no
        assert site.paths().count("/flaky.html") == 3 and site.paths()[-1] == "/closed.html"
    finally:
        site.close()


def test_cli_collect_and_ingest(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from nianbao.cli import cli

    reports: dict[str, Report] = {}
    b = _site_b(reports)
    try:
        url_file = tmp_path / "栏目.txt"
        url_file.write_text(
            f"# 青岚县财政局\n{b.url('/xxgk/nb/index.html')} 青岚县财政局\n", "utf-8"
        )
        db = tmp_path / "c.db"
        res = CliRunner().invoke(
            cli,
            [
                "collect",
                "--from-file",
                str(url_file),
                "--out",
                str(tmp_path / "out"),
                "--delay",
                "0",
                "--db",
                str(db),
                "-j",
                "0",
            ],
        )
        assert res.exit_code == 0, res.output
        assert "找到报告 2 份" in res.output and "青岚县财政局" in res.output
        assert "新入库 2 份" in res.output
        res = CliRunner().invoke(cli, ["collect", "ftp://x", "--no-ingest"])
        assert res.exit_code == 2 and "不是网址" in res.output
    finally:
        b.close()


def test_report_in_a_frame(tmp_path: Path) -> None:
    import nianbao

    site = Site("青岚县统计局")
    try:
        rep = report(
            "青岚县统计局",
            2024,
            "2025-01-15",
            EX.CAIZHENG_ACTIVE,
            EX.CAIZHENG_REQUESTS,
            EX.CAIZHENG_REVIEWS,
        )
        title = "青岚县统计局2024年政府信息公开工作年度报告"
        site.add("/content/nb2024", render(rep, "html"))
        site.add(
            "/nb/1.html",
            page(
                title,
                '<iframe src="/content/nb2024" width="100%"></iframe>'
                '<iframe src="http://www.gov.cn/widget.html"></iframe>',
                site_name="青岚县统计局",
                info="发布时间：2025-01-21",
            ).encode(),
        )
        site.add(
            "/nb/2.html",
            page(
                "青岚县统计局2024年政务公开工作要点", "<p>要点</p>", site_name="青岚县统计局"
            ).encode(),
        )
        # titles shortened by the list (and no title attribute): the pages' own decide
        entries = [
            ("1.html", title[:18] + "...", "2025-01-21"),
            ("2.html", "青岚县统计局2024年政务公开工作…", ""),
        ]
        items = "".join(f'<li><a href="{h}">{t}</a><span>{d}</span></li>' for h, t, d in entries)
        site.add("/nb/", page("年报", f"<ul>{items}</ul>", site_name="青岚县统计局").encode())
        summary = collect([site.url("/nb/")], tmp_path / "out", fetch=_options())
        assert "/nb/2.html" in site.paths()
        (found,) = summary.reports
        assert found.title == title
        (doc,) = found.documents
        assert doc.url == site.url("/content/nb2024") and found.published == "2025-01-21"
        assert _mismatches(rep, nianbao.parse(doc.path.read_bytes(), name=doc.path.name)) == []
    finally:
        site.close()


def test_years_filter_and_cancel(tmp_path: Path) -> None:
    from nianbao.collect.fetch import Cancelled

    b = _site_b({})
    try:
        summary = collect(
            [b.url("/xxgk/nb/index.html")], tmp_path / "out", fetch=_options(), years=(2023,)
        )
        assert [r.year for r in summary.reports] == [2023]
        assert "/xxgk/nb/2025/0210/c101.html" not in b.paths()
        with Fetcher(_options()) as f:
            f.cancel()
            with pytest.raises(Cancelled):
                f.fetch(b.url("/xxgk/nb/index.html"))
    finally:
        b.close()


def test_without_httpx_a_chinese_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from click.testing import CliRunner

    from nianbao.cli import cli

    monkeypatch.setitem(sys.modules, "httpx", None)  # as if not installed
    res = CliRunner().invoke(cli, ["collect", "http://127.0.0.1:9/nb/", "--no-ingest"])
    assert res.exit_code == 1 and "pip install" in res.output and "httpx" in res.output


def test_pdf_attachment(tmp_path: Path) -> None:
    if soffice_path() is None:
        pytest.skip("LibreOffice (soffice) is not installed: no PDF to serve")
    import nianbao

    site = Site("青岚县审计局")
    try:
        rep = report(
            "青岚县审计局",
            2024,
            "2025-01-20",
            EX.CAIZHENG_ACTIVE,
            EX.CAIZHENG_REQUESTS,
            EX.CAIZHENG_REVIEWS,
        )
        name = "青岚县审计局2024年政府信息公开工作年度报告.pdf"
        site.add("/files/" + name, render(rep, "pdf"), ctype="application/pdf")
        site.add(
            "/nb/1.html",
            page(
                "青岚县审计局2024年政府信息公开工作年度报告",
                f'<a href="/files/{quote(name)}">{name}</a>',
                site_name="审计局",
                info="发布时间：2025-01-21",
            ).encode(),
        )
        site.add(
            "/nb/",
            listing(
                [("1.html", "青岚县审计局2024年政府信息公开工作年度报告", "2025-01-21")],
                "",
                site_name="审计局",
            ).encode(),
        )
        summary = collect([site.url("/nb/")], tmp_path / "out", fetch=_options())
        (doc,) = [d for _, d in summary.documents()]
        assert doc.kind == "pdf"
        assert _mismatches(rep, nianbao.parse(doc.path.read_bytes(), name=doc.path.name)) == []
    finally:
        site.close()


def test_cli_collect_takes_the_column_addresses_from_the_roster(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from nianbao.cli import cli

    reports: dict[str, Report] = {}
    b = _site_b(reports)
    try:
        db = tmp_path / "r.db"
        roster = tmp_path / "名单.csv"
        roster.write_text(
            "机关名称,上级机关,层级,类别,地区,年报栏目网址\n"
            f"青岚县财政局,青岚县人民政府,县级,部门,青岚县,{b.url('/xxgk/nb/index.html')}\n"
            "青岚县教育体育局,青岚县人民政府,县级,部门,青岚县,\n",
            "utf-8",
        )
        res = CliRunner().invoke(cli, ["roster", "import", str(roster), "--db", str(db)])
        assert res.exit_code == 0, res.output
        args = ["collect", "--roster", "--region", "青岚县", "--out", str(tmp_path / "out")]
        res = CliRunner().invoke(cli, [*args, "--delay", "0", "--db", str(db), "-j", "0"])
        assert res.exit_code == 0, res.output
        assert "找到报告 2 份" in res.output and "新入库 2 份" in res.output
        res = CliRunner().invoke(cli, ["collect", "--region", "青岚县", "--no-ingest"])
        assert res.exit_code == 2 and "--roster" in res.output
    finally:
        b.close()
