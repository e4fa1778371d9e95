"""Users of the web app and their sessions.

Passwords are hashed with ``hashlib.scrypt`` (n=2**14, r=8, p=1, 16-byte salt). Users live
in the store's database (table ``web_users``) or in a JSON users file (``{"name": "hash"}``).
A session is an HMAC-signed cookie ``name|expiry|signature``; the key comes from env
NIANBAO_SECRET or is random per process (logins then end when the server restarts).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..store.db import session_scope, write_engine
from ..store.models import WebUser

__all__ = [
    "hash_password",
    "verify_password",
    "UserStore",
    "SessionSigner",
    "COOKIE_NAME",
    "valid_user_name",
]

COOKIE_NAME = "nianbao_session"
SESSION_SECONDS = 12 * 3600
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if kind != "scrypt":
            return False
        salt, digest = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
        got = hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(digest)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, digest)


def valid_user_name(name: str) -> bool:
    return 0 < len(name) <= 100 and name.isprintable() and "|" not in name and name.strip() == name


class UserStore:
    """Users in a JSON file (when ``users_file`` is given) or in the store's database."""

    def __init__(
        self, engine: Engine | None = None, users_file: str | os.PathLike[str] | None = None
    ):
        self.engine = engine
        self.users_file = Path(users_file) if users_file else None

    def _file_users(self) -> dict[str, str]:
        assert self.users_file is not None
        if not self.users_file.exists():
            return {}
        data = json.loads(self.users_file.read_text(encoding="utf-8") or "{}")
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def any_users(self) -> bool:
        if self.users_file is not None:
            return bool(self._file_users())
        if self.engine is None:
            return False
        with Session(self.engine) as s:
            return s.scalar(select(WebUser.name).limit(1)) is not None

    def names(self) -> list[str]:
        if self.users_file is not None:
            return sorted(self._file_users())
        if self.engine is None:
            return []
        with Session(self.engine) as s:
            return list(s.scalars(select(WebUser.name).order_by(WebUser.name)))

    def add(self, name: str, password: str) -> None:
        """Add a user, or set the password of an existing one."""
        if not valid_user_name(name):
            raise ValueError("用户名不能为空、不能超过 100 个字符，也不能含有“|”或首尾空格。")
        if len(password) < 8:
            raise ValueError("密码至少需要 8 个字符。")
        hashed = hash_password(password)
        if self.users_file is not None:
            users = self._file_users()
            users[name] = hashed
            tmp = self.users_file.with_name(self.users_file.name + ".tmp")
            tmp.write_text(json.dumps(users, ensure_ascii=False, indent=1), encoding="utf-8")
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.users_file)
            return
        assert self.engine is not None
        with session_scope(write_engine(self.engine)) as s:
            row = s.get(WebUser, name)
            if row is None:
                s.add(WebUser(name=name, password_hash=hashed, created_at=datetime.now(UTC)))
            else:
                row.password_hash = hashed

    def check(self, name: str, password: str) -> bool:
        if self.users_file is not None:
            stored = self._file_users().get(name)
        elif self.engine is not None:
            with Session(self.engine) as s:
                row = s.get(WebUser, name)
                stored = None if row is None else row.password_hash
        else:
            stored = None
        if stored is None:
            hash_password(password)  # same work for unknown names
            return False
        return verify_password(password, stored)


class SessionSigner:
    def __init__(self, secret: str | bytes | None = None) -> None:
        key = secret or os.environ.get("NIANBAO_SECRET") or secrets.token_bytes(32)
        self.key = key.encode("utf-8") if isinstance(key, str) else key

    def _sig(self, payload: str) -> str:
        return hmac.new(self.key, payload.encode("utf-8"), hashlib.sha256).hexdigest()

    def sign(self, user: str, seconds: int = SESSION_SECONDS) -> str:
        payload = f"{user}|{int(time.time()) + seconds}"
        token = f"{payload}|{self._sig(payload)}"
        return base64.urlsafe_b64encode(token.encode("utf-8")).decode("ascii")

    def user_of(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            token = base64.urlsafe_b64decode(cookie.encode("ascii")).decode("utf-8")
            user, expiry, sig = token.rsplit("|", 2)
        except (ValueError, UnicodeError):
            return None
        if not hmac.compare_digest(sig, self._sig(f"{user}|{expiry}")):
            return None
        if not expiry.isdigit() or int(expiry) < time.time():
            return None
        return user
