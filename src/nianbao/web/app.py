"""The FastAPI application factory of ``nianbao serve``."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import NianbaoError
from ..store.db import open_store, resolve_url
from . import api, api_campaign, views, views_campaign
from .auth import (
    CSRF_COOKIE,
    CsrfTokens,
    LoginThrottle,
    SessionStore,
    StoreLoginThrottle,
    UserStore,
)
from .services import JobRegistry, UploadLimits
from .state import WebError, WebState, current_user, is_https

__all__ = ["create_app", "app_from_env", "SERVE_ENV", "STATIC_DIR"]

STATIC_DIR = Path(__file__).resolve().parent / "static"

# Scripts only from this server's own files (no inline script, no eval): a report's text
# that slipped past escaping still could not run.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)

_HTTP_ZH = {
    400: "请求有误。",
    401: "需要登录。",
    403: "没有权限。",
    404: "找不到这个页面或数据。",
    405: "不支持这种请求方式。",
    413: "上传内容过大。",
    422: "请求参数不正确。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误。",
    503: "服务器正忙，请稍后再试。",
}


def _error_body(status: int, message: str, errors: list[Any] | None = None) -> dict[str, Any]:
    return {"ok": False, "error": message, "errors": errors or [], "status": status}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for e in exc.errors():
        loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path"))
        out.append({"field": loc, "type": e.get("type"), "message": e.get("msg")})
    return out


def create_app(
    db_url: str | None = None,
    users_file: str | os.PathLike[str] | None = None,
    *,
    max_file_bytes: int = 50 * 1024 * 1024,
    max_files: int = 200,
    max_total_bytes: int = 500 * 1024 * 1024,
    max_queued_files: int = 1000,
    max_queued_bytes: int = 2 * 1024 * 1024 * 1024,
    file_seconds: float = 300.0,
    secret: str | None = None,
    private: bool = False,
    trust_proxy: bool = False,
    shared_state: bool = False,
) -> FastAPI:
    """The web app over the store at ``db_url`` (a SQLite path or URL; default env
    NIANBAO_DB, else ./nianbao.db). Users are in ``users_file`` or the store's
    ``web_users`` table; review, re-check and upload need a login, reading does not unless
    ``private``. ``trust_proxy``: behind a reverse proxy whose X-Forwarded-* headers are
    to be believed. ``shared_state``: one of several processes serving the same store
    (``serve --workers N``): sessions, login failures and upload progress are kept in the
    store, and ``secret`` (or env NIANBAO_SECRET) must be the same in all of them."""
    engine = open_store(db_url)
    users = UserStore(engine, users_file)
    limits = UploadLimits(
        max_file_bytes=max_file_bytes,
        max_files=max_files,
        max_total_bytes=max_total_bytes,
        max_queued_files=max_queued_files,
        max_queued_bytes=max_queued_bytes,
        file_seconds=file_seconds,
    )
    state = WebState(
        engine=engine,
        users=users,
        sessions=SessionStore(users, secret, engine=engine if shared_state else None),
        csrf=CsrfTokens(secret),
        throttle=StoreLoginThrottle(engine) if shared_state else LoginThrottle(),
        jobs=JobRegistry(limits, engine=engine if shared_state else None),
        limits=limits,
        db_label=_db_label(resolve_url(db_url)),
        private=private,
        trust_proxy=trust_proxy,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.jobs.close()
        engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="nianbao 年报审核",
        description="政府信息公开工作年度报告的审核、比较与统计接口。",
        version=_version(),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI loads from a CDN; /api/docs is a page of our own
        redoc_url=None,
    )
    app.state.web = state
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(api_campaign.router)
    app.include_router(views.router)
    app.include_router(views_campaign.router)

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        response: Response
        if _wants_json(request):
            response = JSONResponse(_error_body(exc.status, exc.message, exc.errors), exc.status)
        else:
            response = views.error_page(request, exc.status, exc.message, exc.errors)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(NianbaoError)
    async def _nianbao_error(request: Request, exc: NianbaoError) -> Response:
        return await _web_error(request, WebError(400, str(exc)))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = _validation_errors(exc)
        return await _web_error(request, WebError(422, "请求参数不正确。", errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = _HTTP_ZH.get(exc.status_code, "请求无法处理。")
        return await _web_error(request, WebError(exc.status_code, message))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        response = await _web_error(
            request, WebError(500, f"服务器内部错误（{type(exc).__name__}），请联系管理员。")
        )
        # Starlette answers an unhandled error outside every middleware: the headers here
        for name, value in _SECURITY_HEADERS:
            response.headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
        return response

    # One plain ASGI middleware (not two ``@app.middleware("http")``, whose every request
    # runs through task groups and memory streams: about a millisecond of a 2-3 ms static
    # file): the CSRF cookie, ``--private``'s login wall and the security headers.
    app.add_middleware(_Guard, state=state)
    return app


_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", CSP.encode("latin-1")),
)


class _Guard:
    """Every HTTP request: the CSRF cookie every page's forms and scripts echo back (a new
    one when the client has none that is valid), the login wall of ``--private``, and the
    security headers on every response that does not set its own."""

    def __init__(self, app: ASGIApp, state: WebState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        st = self.state
        request = Request(scope, receive)
        cookie = request.cookies.get(CSRF_COOKIE)
        fresh = None if st.csrf.valid(cookie) else st.csrf.new()
        request.state.csrf_token = fresh or cookie
        extra: list[tuple[bytes, bytes]] = []
        if fresh:
            holder = Response()
            _set_csrf_cookie(holder, request, fresh)
            extra = [(k, v) for k, v in holder.raw_headers if k == b"set-cookie"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                have = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _SECURITY_HEADERS if k not in have]
                message = {**message, "headers": headers + extra}
            await send(message)

        if st.private and not _public_path(request.url.path):
            try:
                # a session lookup, or an HTTP Basic password hash: not on the event loop
                user = await run_in_threadpool(current_user, request)
            except WebError as exc:
                user, refused = None, exc
            else:
                refused = WebError(401, "本站需要登录后才能访问。")
            if user is None:
                response: Response
                if _wants_json(request):
                    response = JSONResponse(
                        _error_body(refused.status, refused.message), refused.status
                    )
                    response.headers.update(refused.headers)
                else:
                    target = request.url.path + (
                        f"?{request.url.query}" if request.url.query else ""
                    )
                    response = RedirectResponse(f"/login?next={quote(target)}", status_code=303)
                await response(scope, receive, send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)


# ``serve --workers N``: the worker processes build their app from this variable (JSON of
# ``create_app``'s arguments), set by the parent process.
SERVE_ENV = "NIANBAO_SERVE_APP"


def app_from_env() -> FastAPI:
    """The app of one worker of ``serve --workers N`` (uvicorn's app factory): the
    arguments of ``create_app`` from env NIANBAO_SERVE_APP, with the state shared."""
    import json

    args = json.loads(os.environ[SERVE_ENV])
    if not isinstance(args, dict):
        raise ValueError(f"{SERVE_ENV} is not a JSON object")
    args["shared_state"] = True
    return create_app(**args)


# Paths open without a login under ``serve --private``.
_PUBLIC_PATHS = frozenset({"/login", "/logout", "/api/v1/login", "/api/v1/logout", "/api/v1/me"})


def _public_path(path: str) -> bool:
    return path in _PUBLIC_PATHS or path.startswith("/static/")


def _set_csrf_cookie(response: Response, request: Request, token: str | None) -> None:
    if token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=is_https(request),
            path="/",
        )


def _db_label(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return "（数据库）"


def _version() -> str:
    import nianbao

    return str(nianbao.__version__)
