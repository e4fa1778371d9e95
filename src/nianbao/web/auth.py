"""Users of the web app, their sessions, login throttling and CSRF tokens.

Passwords are hashed with ``hashlib.scrypt`` (n=2**14, r=8, p=1, 16-byte salt). Users live
in the store's database (table ``web_users``) or in a JSON users file (``{"name": "hash"}``).

A session lives on the server (:class:`SessionStore`): the cookie carries only a random
session id with an HMAC signature. With one ``serve`` process the sessions are in its
memory; with several (``serve --workers N``) they are rows of the store's ``web_sessions``
table (the id's SHA-256, never the id), so that every worker knows them. Logging out
deletes the session; changing a user's password (``nianbao users add`` again, from any
process) ends all of that user's sessions, because each session remembers a tag of the
password hash it was opened with. A restart of the server ends every session (unless
NIANBAO_SECRET is set and the sessions are in the store).

Login failures are counted per account and per client address (:class:`LoginThrottle`,
in memory, or :class:`StoreLoginThrottle` in the store's ``web_login_failures`` table
when several workers share the count); state-changing requests carry a CSRF token
(:class:`CsrfTokens`, a signed double-submit cookie) besides the same-origin check in
``state.py``. The HMAC key comes from env NIANBAO_SECRET or is random per process
(``serve --workers N`` makes one random key for all its workers).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from ..store.db import session_scope, write_engine
from ..store.models import WebLoginFailure, WebSession, WebUser

__all__ = [
    "hash_password",
    "verify_password",
    "UserStore",
    "SessionSigner",
    "SessionStore",
    "LoginThrottle",
    "StoreLoginThrottle",
    "CsrfTokens",
    "COOKIE_NAME",
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "CSRF_FIELD",
    "SESSION_SECONDS",
    "valid_user_name",
]

COOKIE_NAME = "nianbao_session"
CSRF_COOKIE = "nianbao_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
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

    def _stored(self, name: str) -> str | None:
        if self.users_file is not None:
            return self._file_users().get(name)
        if self.engine is not None:
            with Session(self.engine) as s:
                row = s.get(WebUser, name)
                return None if row is None else row.password_hash
        return None

    def tag(self, name: str) -> str | None:
        """A short digest of the user's password hash (None for no such user): a session
        opened under one password ends when the password changes."""
        stored = self._stored(name)
        if stored is None:
            return None
        return hashlib.sha256(stored.encode("utf-8")).hexdigest()[:24]

    def check(self, name: str, password: str) -> bool:
        stored = self._stored(name)
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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


@dataclass
class _Session:
    user: str
    expiry: float
    tag: str


class SessionStore:
    """Server-side sessions. The cookie is ``<id>.<hmac>``; the store maps the id to
    (user, expiry, password tag). At most ``max_sessions`` are kept (the oldest go first).
    With ``engine`` the sessions are rows of ``web_sessions`` (shared by every process on
    the store), else in this process's memory."""

    def __init__(
        self,
        users: UserStore,
        secret: str | bytes | None = None,
        seconds: int = SESSION_SECONDS,
        max_sessions: int = 20_000,
        clock: Callable[[], float] = time.time,
        engine: Engine | None = None,
    ) -> None:
        self.users = users
        self.signer = SessionSigner(secret)
        self.seconds = seconds
        self.max_sessions = max_sessions
        self.clock = clock
        self.engine = engine
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, _Session] = OrderedDict()

    @staticmethod
    def _hash(sid: str) -> str:
        return hashlib.sha256(sid.encode("ascii", "replace")).hexdigest()

    def _db_put(self, sid: str, sess: _Session) -> None:
        assert self.engine is not None
        now = self.clock()
        with session_scope(write_engine(self.engine)) as s:
            s.execute(delete(WebSession).where(WebSession.expires_at < now))
            s.add(
                WebSession(
                    sid_hash=self._hash(sid), user=sess.user, expires_at=sess.expiry, tag=sess.tag
                )
            )
            s.flush()
            extra = (
                s.scalar(select(func.count()).select_from(WebSession)) or 0
            ) - self.max_sessions
            if extra > 0:
                oldest = select(WebSession.sid_hash).order_by(WebSession.expires_at).limit(extra)
                s.execute(delete(WebSession).where(WebSession.sid_hash.in_(oldest)))

    def _db_get(self, sid: str) -> _Session | None:
        assert self.engine is not None
        with Session(self.engine) as s:
            row = s.get(WebSession, self._hash(sid))
            return None if row is None else _Session(row.user, row.expires_at, row.tag)

    def _db_drop(self, *conds: object) -> int:
        assert self.engine is not None
        with session_scope(write_engine(self.engine)) as s:
            result = s.execute(delete(WebSession).where(*conds))  # type: ignore[arg-type]
            return int(getattr(result, "rowcount", 0) or 0)

    def _sig(self, sid: str) -> str:
        return self.signer._sig("session|" + sid)[:32]

    def _sid(self, cookie: str | None) -> str | None:
        if not cookie or len(cookie) > 200:
            return None
        sid, _, sig = cookie.partition(".")
        if not sid or not hmac.compare_digest(sig.encode(), self._sig(sid).encode()):
            return None
        return sid

    def create(self, user: str) -> str:
        tag = self.users.tag(user) or ""
        sid = _b64(secrets.token_bytes(24))
        sess = _Session(user, self.clock() + self.seconds, tag)
        if self.engine is not None:
            self._db_put(sid, sess)
            return f"{sid}.{self._sig(sid)}"
        with self._lock:
            self._sessions[sid] = sess
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        return f"{sid}.{self._sig(sid)}"

    def user_of(self, cookie: str | None) -> str | None:
        sid = self._sid(cookie)
        if sid is None:
            return None
        if self.engine is not None:
            sess = self._db_get(sid)
        else:
            with self._lock:
                sess = self._sessions.get(sid)
        if sess is None:
            return None
        if sess.expiry < self.clock() or self.users.tag(sess.user) != sess.tag:
            self._drop(sid)
            return None
        return sess.user

    def _drop(self, sid: str) -> None:
        if self.engine is not None:
            self._db_drop(WebSession.sid_hash == self._hash(sid))
            return
        with self._lock:
            self._sessions.pop(sid, None)

    def end(self, cookie: str | None) -> None:
        sid = self._sid(cookie)
        if sid is not None:
            self._drop(sid)

    def end_user(self, user: str) -> int:
        """End every session of ``user``; returns how many were open."""
        if self.engine is not None:
            return self._db_drop(WebSession.user == user)
        with self._lock:
            ids = [k for k, v in self._sessions.items() if v.user == user]
            for k in ids:
                del self._sessions[k]
        return len(ids)


class LoginThrottle:
    """Failed logins counted per key (an account, a client address) over ``window``
    seconds. From the ``max_failures``-th failure on, the key is locked for a delay that
    doubles with each further failure (``base_delay`` .. ``max_delay``), during which even
    the right password is refused."""

    def __init__(
        self,
        max_failures: int = 5,
        window: float = 15 * 60,
        base_delay: float = 30,
        max_delay: float = 15 * 60,
        max_keys: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_keys = max_keys
        self.clock = clock
        self._lock = threading.Lock()
        self._fails: OrderedDict[str, deque[float]] = OrderedDict()
        self._locked: dict[str, float] = {}

    def retry_after(self, keys: Iterable[str]) -> int:
        """Seconds until a login for these keys may be tried again (0: now)."""
        now = self.clock()
        with self._lock:
            wait = max((self._locked.get(k, 0.0) - now for k in keys), default=0.0)
        return max(0, int(wait + 0.999))

    def failed(self, keys: Iterable[str]) -> None:
        now = self.clock()
        with self._lock:
            for k in keys:
                times = self._fails.pop(k, None) or deque()
                while times and times[0] < now - self.window:
                    times.popleft()
                times.append(now)
                self._fails[k] = times
                over = len(times) - self.max_failures
                if over >= 0:
                    delay = min(self.max_delay, self.base_delay * 2 ** min(over, 30))
                    self._locked[k] = now + delay
            while len(self._fails) > self.max_keys:
                old, _ = self._fails.popitem(last=False)
                self._locked.pop(old, None)

    def succeeded(self, keys: Iterable[str]) -> None:
        with self._lock:
            for k in keys:
                self._fails.pop(k, None)
                self._locked.pop(k, None)


class StoreLoginThrottle(LoginThrottle):
    """:class:`LoginThrottle` over the store's ``web_login_failures`` table: the failures
    every process on the store sees (``serve --workers N``), on the wall clock. Keys not
    failed for longer than the window and the longest delay are forgotten."""

    def __init__(
        self,
        engine: Engine,
        max_failures: int = 5,
        window: float = 15 * 60,
        base_delay: float = 30,
        max_delay: float = 15 * 60,
        max_keys: int = 50_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(max_failures, window, base_delay, max_delay, max_keys, clock)
        self.engine = engine

    def retry_after(self, keys: Iterable[str]) -> int:
        now = self.clock()
        with Session(self.engine) as s:
            until = s.scalars(
                select(WebLoginFailure.locked_until).where(WebLoginFailure.key.in_(list(keys)))
            ).all()
        wait = max((u - now for u in until), default=0.0)
        return max(0, int(wait + 0.999))

    def failed(self, keys: Iterable[str]) -> None:
        now = self.clock()
        with session_scope(write_engine(self.engine)) as s:
            s.execute(
                delete(WebLoginFailure).where(
                    WebLoginFailure.updated_at < now - max(self.window, self.max_delay)
                )
            )
            for k in dict.fromkeys(keys):
                row = s.get(WebLoginFailure, k)
                times = (
                    [t for t in json.loads(row.failures) if t >= now - self.window] if row else []
                )
                times.append(now)
                locked = row.locked_until if row is not None else 0.0
                over = len(times) - self.max_failures
                if over >= 0:
                    locked = now + min(self.max_delay, self.base_delay * 2 ** min(over, 30))
                times = times[-(self.max_failures + 31) :]
                if row is None:
                    s.add(
                        WebLoginFailure(
                            key=k, failures=json.dumps(times), locked_until=locked, updated_at=now
                        )
                    )
                else:
                    row.failures, row.locked_until, row.updated_at = json.dumps(times), locked, now
                s.flush()
            # at most ``max_keys`` (the longest unfailed go first), as in memory
            extra = (s.scalar(select(func.count()).select_from(WebLoginFailure)) or 0) - (
                self.max_keys
            )
            if extra > 0:
                oldest = (
                    select(WebLoginFailure.key).order_by(WebLoginFailure.updated_at).limit(extra)
                )
                s.execute(delete(WebLoginFailure).where(WebLoginFailure.key.in_(oldest)))

    def succeeded(self, keys: Iterable[str]) -> None:
        with session_scope(write_engine(self.engine)) as s:
            s.execute(delete(WebLoginFailure).where(WebLoginFailure.key.in_(list(keys))))


class CsrfTokens:
    """Signed double-submit tokens: the cookie and the form field (or the
    ``X-CSRF-Token`` header) carry the same ``<nonce>.<hmac>``."""

    def __init__(self, secret: str | bytes | None = None) -> None:
        self.signer = SessionSigner(secret)

    def new(self) -> str:
        nonce = _b64(secrets.token_bytes(18))
        return f"{nonce}.{self.signer._sig('csrf|' + nonce)[:32]}"

    def valid(self, token: str | None) -> bool:
        if not token or len(token) > 200:
            return False
        nonce, _, sig = token.partition(".")
        expected = self.signer._sig("csrf|" + nonce)[:32]
        return bool(nonce) and hmac.compare_digest(sig.encode(), expected.encode())

    def matches(self, cookie: str | None, sent: str | None) -> bool:
        return (
            self.valid(cookie)
            and sent is not None
            and hmac.compare_digest(str(cookie).encode(), sent.encode())
        )
