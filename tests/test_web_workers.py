"""``nianbao serve --workers N``: what one worker process knows, every other one knows —
a session opened through one app is valid in another over the same store (and ends
there on logout), failed logins counted in one lock the account in the other, an upload
queued by one shows its progress in the other; and the CLI really serves with two
processes (a login holds over many requests, whichever worker answers them)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from nianbao.store.db import open_store  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402
from nianbao.web.auth import COOKIE_NAME, CSRF_COOKIE, StoreLoginThrottle, UserStore  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
USER, PASSWORD = "审核员", "correct horse"
ORIGIN = "http://testserver"
SECRET = "a secret both workers share"


def _pair(db: Path, **kw: Any) -> tuple[Any, Any]:
    a = create_app(str(db), secret=SECRET, shared_state=True, **kw)
    b = create_app(str(db), secret=SECRET, shared_state=True, **kw)
    return a, b


def _prepare(client: TestClient) -> None:
    token = client.get("/api/v1/me").json()["csrf_token"]
    assert token and token == client.cookies.get(CSRF_COOKIE)
    client.headers.update({"Origin": ORIGIN, "X-CSRF-Token": token})


@pytest.fixture()
def pair(tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    a, b = _pair(tmp_path / "workers.db")
    a.state.web.users.add(USER, PASSWORD)
    with TestClient(a) as ca, TestClient(b) as cb:
        yield ca, cb
    a.state.web.engine.dispose()
    b.state.web.engine.dispose()


def test_a_session_opened_in_one_worker_holds_in_the_other(
    pair: tuple[TestClient, TestClient],
) -> None:
    ca, cb = pair
    _prepare(ca)
    assert ca.post("/api/v1/login", json={"name": USER, "password": PASSWORD}).status_code == 200
    # the other worker reads the same cookies (same HMAC key, sessions in the store)
    cb.cookies.update(ca.cookies)
    cb.headers.update(ca.headers)
    assert cb.get("/api/v1/me").json()["user"] == USER
    assert cb.post("/api/v1/logout").status_code == 200
    cookie = ca.cookies.get(COOKIE_NAME)
    assert cookie  # ca still sends it, and it is ended in ca too
    assert ca.get("/api/v1/me").json()["user"] is None


def test_a_password_change_ends_the_sessions_in_every_worker(
    pair: tuple[TestClient, TestClient],
) -> None:
    ca, cb = pair
    _prepare(ca)
    assert ca.post("/api/v1/login", json={"name": USER, "password": PASSWORD}).status_code == 200
    cb.cookies.update(ca.cookies)
    assert cb.get("/api/v1/me").json()["user"] == USER
    cb.app.state.web.users.add(USER, "another password")  # type: ignore[attr-defined]
    assert ca.get("/api/v1/me").json()["user"] is None
    assert cb.get("/api/v1/me").json()["user"] is None


def test_failed_logins_are_counted_over_the_workers(pair: tuple[TestClient, TestClient]) -> None:
    ca, cb = pair
    _prepare(ca)
    _prepare(cb)
    for i in range(5):  # alternately through both workers
        c = ca if i % 2 else cb
        r = c.post("/api/v1/login", json={"name": USER, "password": "guess-guess"})
        assert r.status_code == 401
    for c in (ca, cb):  # locked in both, even for the right password
        r = c.post("/api/v1/login", json={"name": USER, "password": PASSWORD})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


def test_store_throttle_delay_grows_and_expires(tmp_path: Path) -> None:
    """The same schedule as the in-memory throttle's test."""
    engine = open_store(str(tmp_path / "throttle.db"))
    now = [1000.0]
    t = StoreLoginThrottle(engine, max_failures=5, window=900, base_delay=30, clock=lambda: now[0])
    other = StoreLoginThrottle(engine, clock=lambda: now[0])  # another process's
    keys = ["user:a"]
    for _ in range(4):
        t.failed(keys)
    assert t.retry_after(keys) == 0
    other.failed(keys)
    assert t.retry_after(keys) == 30 and other.retry_after(keys) == 30
    now[0] += 31
    assert t.retry_after(keys) == 0
    t.failed(keys)
    assert other.retry_after(keys) == 60
    now[0] += 61
    t.failed(keys)
    assert t.retry_after(keys) == 120
    other.succeeded(keys)
    assert t.retry_after(keys) == 0
    for _ in range(4):
        t.failed(keys)
    now[0] += 1000  # failures older than the window are forgotten
    t.failed(keys)
    assert t.retry_after(keys) == 0
    small = StoreLoginThrottle(engine, max_failures=1, max_keys=3, clock=lambda: now[0])
    for i in range(5):  # at most three keys kept: the oldest go
        now[0] += 1
        small.failed([f"addr:{i}"])
    assert small.retry_after(["addr:0"]) == 0 and small.retry_after(["addr:1"]) == 0
    assert all(small.retry_after([f"addr:{i}"]) > 0 for i in (2, 3, 4))
    engine.dispose()


def test_store_sessions_expire_and_are_bounded(tmp_path: Path) -> None:
    from nianbao.web.auth import SessionStore

    engine = open_store(str(tmp_path / "sessions.db"))
    users = UserStore(engine)
    users.add(USER, PASSWORD)
    now = [1000.0]
    s1 = SessionStore(
        users, SECRET, seconds=60, max_sessions=3, clock=lambda: now[0], engine=engine
    )
    s2 = SessionStore(
        users, SECRET, seconds=60, max_sessions=3, clock=lambda: now[0], engine=engine
    )
    cookies = []
    for _ in range(4):
        cookies.append(s1.create(USER))
        now[0] += 1
    assert s2.user_of(cookies[0]) is None  # the oldest went first
    assert all(s2.user_of(c) == USER for c in cookies[1:])
    assert s1.user_of(cookies[1] + "x") is None  # a forged signature
    now[0] += 61  # past the expiry of every one
    assert s2.user_of(cookies[3]) is None
    assert s1.end_user(USER) == 2  # two left (expired); the last one was dropped just now
    engine.dispose()


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not found")
def test_an_upload_shows_its_progress_in_every_worker(
    pair: tuple[TestClient, TestClient],
) -> None:
    ca, cb = pair
    _prepare(ca)
    assert ca.post("/api/v1/login", json={"name": USER, "password": PASSWORD}).status_code == 200
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    files = [("files", (sample.name, sample.read_bytes())), ("files", ("x.exe", b"MZ\x90\x00"))]
    r = ca.post("/api/v1/uploads", files=files)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    end = time.monotonic() + 120
    while True:
        job = cb.get(f"/api/v1/uploads/{job_id}").json()
        if job.get("done") or time.monotonic() > end:
            break
        time.sleep(0.05)
    assert job["done"] and job["total"] == 2
    by_name = {f["name"]: f for f in job["files"]}
    assert by_name["x.exe"]["status"] == "rejected"
    assert by_name[sample.name]["status"] == "stored" and by_name[sample.name]["report_id"]
    assert cb.get(f"/upload/jobs/{job_id}").status_code == 200  # the page too
    assert cb.get("/api/v1/uploads/0123456789abcdef").status_code == 404


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_two_workers(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn")
    db = tmp_path / "serve.db"
    engine = open_store(str(db))
    UserStore(engine).add(USER, PASSWORD)
    engine.dispose()
    port = _free_port()
    exe = Path(sys.executable).with_name("nianbao")
    env = {k: v for k, v in os.environ.items() if k != "NIANBAO_SECRET"}
    cmd = [str(exe), "serve", "--db", str(db), "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            time.sleep(0.2)
        origin = base
        with httpx.Client(base_url=base, headers={"Origin": origin}) as c:
            token = c.get("/api/v1/me").json()["csrf_token"]
            c.headers["X-CSRF-Token"] = token
            r = c.post("/api/v1/login", json={"name": USER, "password": PASSWORD})
            assert r.status_code == 200, r.text
            for _ in range(40):  # new connections: the kernel spreads them over the workers
                with httpx.Client(base_url=base, cookies=c.cookies) as fresh:
                    me = fresh.get("/api/v1/me").json()
                    assert me["user"] == USER
            assert c.post("/api/v1/logout").status_code == 200
            for _ in range(10):
                with httpx.Client(base_url=base, cookies=c.cookies) as fresh:
                    assert fresh.get("/api/v1/me").json()["user"] is None
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    out = proc.stdout.read().decode() if proc.stdout else ""
    assert "2 个进程" in out
