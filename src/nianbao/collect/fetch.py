"""A polite HTTP client for government websites (httpx, imported lazily).

Per host: robots.txt read once and obeyed, one request at a time with a delay between
requests, and a stop for the rest of the run after a 403 or 429. Per request: a clear
User-Agent, conditional headers (If-None-Match / If-Modified-Since) from the previous
fetch, retries with exponential backoff on timeouts, connection errors and 5xx, a size
and a time limit, redirects followed by hand (bounded, each hop through the same robots
and host rules).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from ..errors import CollectUnavailable

__all__ = [
    "Cancelled",
    "FetchOptions",
    "FetchResult",
    "FetchFailed",
    "HostStopped",
    "Fetcher",
    "host_of",
    "user_agent",
]

ROBOTS_AGENT = "nianbao-collect"
MAX_CRAWL_DELAY = 60.0  # a longer Crawl-delay is capped (a run must end)
KEPT_HEADERS = (
    "etag",
    "last-modified",
    "content-type",
    "content-length",
    "content-disposition",
    "date",
)


def user_agent() -> str:
    from ..version import __version__

    return f"{ROBOTS_AGENT}/{__version__} (+政府信息公开年报收集)"


def host_of(url: str) -> str:
    """The host key of a URL: scheme, host and port (``http://127.0.0.1:8001``)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


@dataclass
class FetchOptions:
    delay: float = 2.0  # seconds between two requests to one host
    timeout: float = 30.0  # connect/read timeout of one request
    max_seconds: float = 120.0  # a whole download (all its bytes)
    max_bytes: int = 50 * 1024 * 1024
    retries: int = 2  # after the first attempt, on timeouts, connection errors and 5xx
    backoff: float = 2.0  # first wait before a retry; doubles each time
    max_redirects: int = 5
    respect_robots: bool = True
    user_agent: str = field(default_factory=user_agent)


@dataclass
class FetchResult:
    url: str  # the final URL (after redirects)
    status: int  # 200, or 304 when the previous copy is still current
    content: bytes | None  # None on 304
    headers: dict[str, str]
    fetched_at: str  # ISO time, UTC

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchFailed(Exception):
    """A URL could not be fetched; ``str()`` is the Chinese reason."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason
        self.status = status


class Cancelled(Exception):
    """The run was interrupted (``Fetcher.cancel``): no more requests go out."""


class HostStopped(FetchFailed):
    """The host told us to stop (403/429), or its robots.txt could not be read."""


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    last: float = 0.0  # monotonic time the last request ended
    delay: float = 0.0  # a longer delay the host's robots.txt asks for (Crawl-delay)
    robots: RobotFileParser | None = None
    robots_error: str | None = None
    stopped: str | None = None
    requests: int = 0
    downloaded: int = 0
    not_modified: int = 0


class Memory(Protocol):
    def get(self, url: str) -> dict[str, Any] | None: ...

    def update(self, url: str, **fields: Any) -> dict[str, Any]: ...


def _httpx() -> Any:
    try:
        import httpx
    except ImportError as exc:
        raise CollectUnavailable(
            "收集网页需要 httpx，请先安装：pip install -e '.[collect]'（或 pip install httpx）"
        ) from exc
    return httpx


class Fetcher:
    """Fetches URLs politely; thread-safe (threads working on different hosts run in
    parallel, requests to one host are serialised). ``transport`` (tests): an httpx
    transport; ``on_request(url)`` is called before every request goes out."""

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        transport: Any = None,
        on_request: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        httpx = _httpx()
        self.options = options or FetchOptions()
        self._sleep = sleep
        self._on_request = on_request
        self._hosts: dict[str, _Host] = {}
        self._cancelled = threading.Event()
        # where robots.txt copies are remembered between runs (the collector's state)
        self.memory: Memory | None = None
        self._lock = threading.Lock()
        self.client = httpx.Client(
            # UTF-8 bytes: the agreed User-Agent names the purpose in Chinese (RFC 9110
            # lets recipients treat such octets as opaque)
            headers={"User-Agent": self.options.user_agent.encode("utf-8"), "Accept": "*/*"},
            timeout=httpx.Timeout(self.options.timeout),
            follow_redirects=False,
            transport=transport,
            trust_env=False,  # no proxies from the environment: requests go where they say
        )

    # ------------------------------------------------------------------ hosts
    def host(self, url: str) -> _Host:
        key = host_of(url)
        with self._lock:
            h = self._hosts.get(key)
            if h is None:
                h = self._hosts[key] = _Host()
            return h

    def hosts(self) -> dict[str, _Host]:
        with self._lock:
            return dict(self._hosts)

    def stopped(self, url: str) -> str | None:
        return self.host(url).stopped

    def cancel(self) -> None:
        """Let no further request go out (the ones under way finish)."""
        self._cancelled.set()

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ robots
    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch ``url`` (read once per host). Raises
        HostStopped when the host's robots.txt cannot be read (RFC 9309: a server error
        means everything is disallowed)."""
        if not self.options.respect_robots:
            return True
        h = self.host(url)
        with h.robots_lock:
            if h.robots is None and h.robots_error is None:
                self._read_robots(url, h)
        if h.robots_error is not None:
            raise HostStopped(url, h.robots_error)
        assert h.robots is not None
        return h.robots.can_fetch(ROBOTS_AGENT, url)

    def _read_robots(self, url: str, h: _Host) -> None:
        """Read the host's robots.txt (conditionally, when ``memory`` keeps the last
        copy); redirects followed as for any fetch; a 4xx means no rules."""
        from .pages import decode_page

        robots_url = urljoin(host_of(url) + "/", "/robots.txt")
        prev = self.memory.get(robots_url) if self.memory is not None else None
        headers: dict[str, str] = {}
        if prev and prev.get("text") is not None:
            if prev.get("etag"):
                headers["If-None-Match"] = str(prev["etag"])
            if prev.get("last_modified"):
                headers["If-Modified-Since"] = str(prev["last_modified"])
        parser = RobotFileParser(robots_url)
        current, host = robots_url, h
        try:
            for _hop in range(self.options.max_redirects + 1):
                res = self._request(current, headers, host, limit=512 * 1024)
                target = res.headers.get("location")
                if res.status not in (301, 302, 303, 307, 308) or not target:
                    break
                current = urljoin(current, target)
                host, headers = self.host(current), {}
        except HostStopped:
            raise
        except FetchFailed as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                parser.parse([])  # no robots.txt: everything allowed
            else:
                h.robots_error = f"无法读取 robots.txt（{exc.reason}），按规定不访问该网站"
                h.stopped = h.robots_error
                return
        else:
            text = ""
            if res.status == 304 and prev is not None:
                text = str(prev.get("text") or "")
            elif res.status == 200 and res.content is not None:
                text = decode_page(res.content)
                if self.memory is not None:
                    self.memory.update(
                        robots_url,
                        role="robots",
                        text=text,
                        etag=res.headers.get("etag"),
                        last_modified=res.headers.get("last-modified"),
                        fetched_at=res.fetched_at,
                        checked_at=res.fetched_at,
                    )
            parser.parse(text.splitlines())
        parser.modified()
        h.robots = parser
        crawl_delay = parser.crawl_delay(ROBOTS_AGENT)
        if crawl_delay is not None:  # the site asks for more time between requests
            h.delay = min(max(float(crawl_delay), self.options.delay), MAX_CRAWL_DELAY)

    # ------------------------------------------------------------------ fetching
    def fetch(
        self,
        url: str,
        previous: Mapping[str, Any] | None = None,
        *,
        limit: int | None = None,
    ) -> FetchResult:
        """GET ``url`` politely. ``previous``: the state of the last fetch (``etag``,
        ``last_modified``) for a conditional request; a 304 comes back as status 304
        with no content. Raises FetchFailed / HostStopped with a Chinese reason."""
        current = url
        headers: dict[str, str] = {}
        if previous:
            if previous.get("etag"):
                headers["If-None-Match"] = str(previous["etag"])
            if previous.get("last_modified"):
                headers["If-Modified-Since"] = str(previous["last_modified"])
        for _hop in range(self.options.max_redirects + 1):
            h = self.host(current)
            if h.stopped:
                raise HostStopped(current, h.stopped)
            if not self.allowed(current):
                raise FetchFailed(current, "robots.txt 不允许访问该地址，已跳过")
            res = self._request(current, headers, h, limit=limit)
            if res.status in (301, 302, 303, 307, 308):
                target = res.headers.get("location")
                if not target:
                    raise FetchFailed(current, f"服务器要求跳转（HTTP {res.status}）但没有给出地址")
                nxt = urljoin(current, target)
                if urlsplit(nxt).scheme not in ("http", "https"):
                    raise FetchFailed(current, f"跳转到不支持的地址：{nxt}")
                if host_of(nxt) != host_of(current):
                    headers = {}  # validators belong to the first host
                current = nxt
                continue
            return res
        raise FetchFailed(url, f"跳转次数过多（超过 {self.options.max_redirects} 次）")

    def _request(
        self, url: str, headers: dict[str, str], h: _Host, *, limit: int | None = None
    ) -> FetchResult:
        httpx = _httpx()
        opts = self.options
        limit = opts.max_bytes if limit is None else min(limit, opts.max_bytes)
        attempt = 0
        while True:
            last_reason: str
            with h.lock:  # one request at a time per host, ``delay`` apart
                if self._cancelled.is_set():
                    raise Cancelled(url)
                if h.stopped:
                    raise HostStopped(url, h.stopped)
                wait = h.last + max(opts.delay, h.delay) - time.monotonic()
                if h.last and wait > 0:
                    self._sleep(wait)
                    if self._cancelled.is_set():
                        raise Cancelled(url)
                try:
                    if self._on_request is not None:
                        self._on_request(url)
                    h.requests += 1
                    res = self._download(httpx, url, headers, limit)
                except FetchFailed:
                    raise
                except httpx.TimeoutException:
                    res = None
                    last_reason = "请求超时"
                except httpx.TransportError as exc:
                    res = None
                    last_reason = _transport_reason(exc)
                finally:
                    h.last = time.monotonic()
                if res is not None:
                    status = res.status
                    if status in (403, 429):
                        h.stopped = (
                            "服务器拒绝访问（HTTP 403），本次不再访问该网站"
                            if status == 403
                            else "服务器要求降低访问频率（HTTP 429），本次不再访问该网站"
                        )
                        raise HostStopped(url, h.stopped, status)
                    if status == 304:
                        h.not_modified += 1
                        return res
                    if 200 <= status < 300 or status in (301, 302, 303, 307, 308):
                        if 200 <= status < 300:
                            h.downloaded += 1
                        return res
                    if status < 500:
                        raise FetchFailed(url, _status_reason(status), status)
                    last_reason = f"服务器出错（HTTP {status}）"
            if attempt >= opts.retries:
                raise FetchFailed(
                    url,
                    f"{last_reason}，已重试 {opts.retries} 次",
                    None if res is None else res.status,
                )
            self._sleep(opts.backoff * (2**attempt))
            attempt += 1

    def _download(self, httpx: Any, url: str, headers: dict[str, str], limit: int) -> FetchResult:
        """One GET, the body read in chunks within the size and time limits."""
        opts = self.options
        start = time.monotonic()
        with self.client.stream("GET", url, headers=headers) as resp:
            kept = {k: resp.headers[k] for k in KEPT_HEADERS if k in resp.headers}
            if "location" in resp.headers:
                kept["location"] = resp.headers["location"]
            status = resp.status_code
            body: bytes | None = None
            if 200 <= status < 300:
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FetchFailed(url, _too_large(int(declared), limit))
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise FetchFailed(url, _too_large(size, limit))
                    if time.monotonic() - start > opts.max_seconds:
                        raise FetchFailed(url, f"下载超过 {opts.max_seconds:g} 秒仍未完成，已放弃")
                    chunks.append(chunk)
                body = b"".join(chunks)
        return FetchResult(
            str(url), status, body, kept, datetime.now(UTC).isoformat(timespec="seconds")
        )


def _too_large(size: int, limit: int) -> str:
    return f"文件过大（超过 {limit // (1024 * 1024) or 1} MB 上限，已读 {size // 1024} KB），已放弃"


def _status_reason(status: int) -> str:
    return {
        404: "页面不存在（HTTP 404）",
        410: "页面已删除（HTTP 410）",
        401: "需要登录（HTTP 401）",
    }.get(status, f"服务器返回错误（HTTP {status}）")


def _transport_reason(exc: Exception) -> str:
    text = str(exc)
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return f"HTTPS 证书校验失败（{text[:120]}）"
    if "Name or service not known" in text or "getaddrinfo" in text or "nodename" in text:
        return "域名无法解析"
    return f"连接失败（{type(exc).__name__}）"
