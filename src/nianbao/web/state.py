"""What every request handler shares: the store's engine, users, upload jobs and limits;
who is logged in; the one error type the front ends turn into a page or a JSON body."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .auth import COOKIE_NAME, SessionSigner, UserStore
from .services import JobRegistry, UploadLimits

__all__ = ["WebState", "WebError", "state_of", "current_user", "require_writer", "db_session"]


@dataclass
class WebState:
    engine: Engine
    users: UserStore
    signer: SessionSigner
    jobs: JobRegistry
    limits: UploadLimits
    db_label: str


class WebError(Exception):
    """An error shown to the user: Chinese message, HTTP status, optional details."""

    def __init__(self, status: int, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []


def state_of(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def _basic_user(request: Request, st: WebState) -> str | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        name, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return name if st.users.check(name, password) else None


def current_user(request: Request) -> str | None:
    st = state_of(request)
    user = st.signer.user_of(request.cookies.get(COOKIE_NAME))
    return user or _basic_user(request, st)


def login_required(request: Request) -> bool:
    return state_of(request).users.any_users()


def require_writer(request: Request) -> str | None:
    """The user allowed to change the store: anyone when the server has no users,
    otherwise a logged-in user (401 otherwise)."""
    user = current_user(request)
    if user is None and login_required(request):
        raise WebError(
            401, "需要登录：审核、重新检查和上传要先登录（由管理员用 nianbao users add 创建账号）。"
        )
    return user


def db_session(request: Request) -> Iterator[Session]:
    with Session(state_of(request).engine) as s:
        yield s
