"""What every request handler shares: the store's engine, users and their sessions, upload
jobs and limits; who is logged in; the same-origin and CSRF checks of state-changing
requests; the one error type the front ends turn into a page or a JSON body."""

from __future__ import annotations

import base64
import binascii
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request, Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .auth import (
    COOKIE_NAME,
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_SECONDS,
    CsrfTokens,
    LoginThrottle,
    SessionStore,
    UserStore,
)
from .services import JobRegistry, UploadLimits

__all__ = [
    "WebState",
    "WebError",
    "state_of",
    "current_user",
    "require_writer",
    "db_session",
    "protect",
    "check_same_origin",
    "is_https",
    "client_address",
    "set_session_cookie",
    "csrf_token",
    "login_or_throttle",
]


@dataclass
class WebState:
    engine: Engine
    users: UserStore
    sessions: SessionStore
    jobs: JobRegistry
    limits: UploadLimits
    db_label: str
    csrf: CsrfTokens = field(default_factory=CsrfTokens)
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    # ``serve --private``: nothing but the login page without a login
    private: bool = False
    # behind a reverse proxy: believe X-Forwarded-Proto/-Host/-For
    trust_proxy: bool = False
    # PDF crops rendered at once, and seconds a request waits for a free slot
    pdf_slots: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(2)
    )
    pdf_wait: float = 5.0
    # source snippets re-reading a stored file at once (each in a budgeted child process)
    read_slots: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(2)
    )
    # exports produced at once (a further one is refused with 503)
    export_slots: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(2)
    )


class WebError(Exception):
    """An error shown to the user: Chinese message, HTTP status, optional details."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []
        self.headers = headers or {}


def state_of(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


# ------------------------------------------------------------------ who is asking
def _first_header(request: Request, name: str) -> str | None:
    value = request.headers.get(name)
    return value.split(",")[0].strip() if value else None


def is_https(request: Request) -> bool:
    if request.url.scheme == "https":
        return True
    if state_of(request).trust_proxy:
        return (_first_header(request, "x-forwarded-proto") or "").lower() == "https"
    return False


def client_address(request: Request) -> str:
    """The client's address: the connection's peer, or behind a trusted proxy the address
    the proxy appended last to X-Forwarded-For (the earlier ones are the client's word)."""
    if state_of(request).trust_proxy:
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:100] or "unknown"
    return request.client.host if request.client else "unknown"


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        name, _, password = (
            base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
        )
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return name, password


def login_or_throttle(request: Request, name: str, password: str) -> bool:
    """Check a password with the login throttle: 429 while the account or the client
    address is locked after repeated failures; counts this attempt's outcome."""
    st = state_of(request)
    keys = ["user:" + name[:100], "addr:" + client_address(request)]
    wait = st.throttle.retry_after(keys)
    if wait:
        raise WebError(
            429,
            f"登录失败次数过多，请 {_wait_text(wait)}后再试。",
            headers={"Retry-After": str(wait)},
        )
    if st.users.check(name, password):
        st.throttle.succeeded(keys)
        return True
    st.throttle.failed(keys)
    return False


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} 分 {rest} 秒" if rest else f"{minutes} 分钟"


_UNSET = object()


def current_user(request: Request) -> str | None:
    """The logged-in user (session cookie or HTTP Basic), looked up once per request."""
    cached = getattr(request.state, "nianbao_user", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    st = state_of(request)
    user = st.sessions.user_of(request.cookies.get(COOKIE_NAME))
    if user is None:
        creds = _basic_credentials(request)
        if creds is not None and login_or_throttle(request, *creds):
            user = creds[0]
            request.state.nianbao_basic = True
    request.state.nianbao_user = user
    return user


def login_required(request: Request) -> bool:
    """Changing the store always needs a login (anonymous access is read-only)."""
    return True


def require_writer(request: Request) -> str:
    """The logged-in user allowed to change the store (401 for anonymous requests)."""
    user = current_user(request)
    if user is None:
        raise WebError(
            401,
            "需要登录：审核、重新检查和上传要先登录（账号由管理员用 nianbao users add 创建）。",
        )
    return user


# ------------------------------------------------------------------ cross-site requests
def check_same_origin(request: Request) -> None:
    """Refuse a state-changing request that does not come from this site's own pages:
    its Origin (else its Referer) must name this host; ``Origin: null`` and a request
    with neither are refused."""
    st = state_of(request)
    origins = request.headers.getlist("origin")
    referers = request.headers.getlist("referer")
    if len(origins) > 1 or len(referers) > 1:
        raise WebError(403, "请求来源不明确（重复的 Origin/Referer），已拒绝。")
    source = origins[0] if origins else (referers[0] if referers else None)
    if not source or source.strip().lower() == "null":
        raise WebError(403, "请求没有注明来源（Origin/Referer），已拒绝：请在本站页面上操作。")
    parts = urlsplit(source.strip())
    hosts = {(request.headers.get("host") or "").lower()}
    if st.trust_proxy and (fwd := _first_header(request, "x-forwarded-host")):
        hosts.add(fwd.lower())
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in hosts:
        raise WebError(403, "请求来源不是本站，已拒绝。")


def csrf_token(request: Request) -> str:
    """This client's CSRF token (the cookie's, or the new one the middleware sets)."""
    token = getattr(request.state, "csrf_token", None)
    if token:
        return str(token)
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    return cookie if state_of(request).csrf.valid(cookie) else ""


def protect(request: Request, form_token: str | None = None) -> None:
    """The checks of every state-changing request: same origin and a CSRF token (header
    ``X-CSRF-Token`` or form field ``csrf_token``) equal to the CSRF cookie. A request
    authenticated by an explicit HTTP Basic header (a script; a browser sends one only
    after a challenge, which this server never issues) needs neither."""
    if _basic_credentials(request) is not None and current_user(request) is not None:
        if getattr(request.state, "nianbao_basic", False):
            return
    check_same_origin(request)
    sent = request.headers.get(CSRF_HEADER) or form_token
    if not state_of(request).csrf.matches(request.cookies.get(CSRF_COOKIE), sent):
        raise WebError(403, "安全令牌（CSRF）缺失或无效，已拒绝：请刷新页面后重试。")


def api_protect(request: Request) -> None:
    """FastAPI dependency of the state-changing API routes."""
    protect(request)


def set_session_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        COOKIE_NAME, httponly=True, samesite="lax", secure=is_https(request), path="/"
    )


def db_session(request: Request) -> Iterator[Session]:
    with Session(state_of(request).engine) as s:
        yield s
