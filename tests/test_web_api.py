"""The web app through FastAPI's TestClient: every REST endpoint under /api/v1, the pages,
uploads good and bad, hostile HTML, review decisions across re-checks, login."""

from __future__ import annotations

import base64
import io
import json
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from nianbao.web.app import create_app  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
PEER = SAMPLES / "peer"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not found")

HOSTILE = '<script>alert("年报")</script>'
USER, PASSWORD = "审核员", "correct horse"


def _log_in(app: object, client: TestClient) -> None:
    """Writing needs a login, a same-origin request and the CSRF token: a user, then the
    token (GET /api/v1/me) and Origin sent with every request, then the login."""
    app.state.web.users.add(USER, PASSWORD)  # type: ignore[attr-defined]
    token = client.get("/api/v1/me").json()["csrf_token"]
    client.headers.update({"Origin": "http://testserver", "X-CSRF-Token": token})
    r = client.post("/api/v1/login", json={"name": USER, "password": PASSWORD})
    assert r.status_code == 200, r.text


def _files(paths: list[Path]) -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (p.name, p.read_bytes())) for p in paths]


def _wait(client: TestClient, job_id: str, timeout: float = 120.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = client.get(f"/api/v1/uploads/{job_id}").json()
        if job["done"]:
            return job
        time.sleep(0.05)
    raise AssertionError("upload job did not finish")


def _error_shape(resp, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert resp.status_code == status
    body = resp.json()
    assert set(body) == {"ok", "error", "errors", "status"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], list)
    return body


def _hostile_report() -> bytes:
    """A real sample with a script tag in its title line and in its text."""
    text = sorted(SAMPLES.glob("*.txt"))[0].read_text(encoding="utf-8")
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip())
    lines[first] = lines[first] + HOSTILE
    lines.insert(first + 1, f"说明{HOSTILE}<img src=x onerror=alert(1)>")
    return "\n".join(lines).encode("utf-8")


@pytest.fixture(scope="module")
def app_and_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, TestClient]]:
    db = tmp_path_factory.mktemp("web-api") / "api.db"
    app = create_app(str(db), max_file_bytes=2 * 1024 * 1024, max_files=20)
    with TestClient(app) as client:
        _log_in(app, client)
        paths = sorted(SAMPLES.glob("*.txt")) + sorted(PEER.glob("hongze-*.pdf"))
        r = client.post("/api/v1/uploads", files=_files(paths))
        assert r.status_code == 202, r.text
        job = _wait(client, r.json()["id"])
        assert [f["status"] for f in job["files"]] == ["stored"] * len(paths)
        client.job = job  # type: ignore[attr-defined]
        yield app, client


@pytest.fixture(scope="module")
def client(app_and_client: tuple[object, TestClient]) -> TestClient:
    return app_and_client[1]


def _report_id(client: TestClient, prefix: str) -> int:
    return next(f["report_id"] for f in client.job["files"] if f["name"].startswith(prefix))  # type: ignore[attr-defined]


# ------------------------------------------------------------------ basics
def test_health_and_openapi(client: TestClient) -> None:
    h = client.get("/api/v1/health").json()
    assert h["ok"] is True and h["reports"] >= 7 and h["login_required"] is True
    spec = client.get("/api/v1/openapi.json").json()
    paths = set(spec["paths"])
    for p in (
        "/api/v1/reports",
        "/api/v1/reports/{report_id}",
        "/api/v1/reports/{report_id}/source/{field_id}",
        "/api/v1/reports/{report_id}/recheck",
        "/api/v1/findings/{finding_id}/review",
        "/api/v1/uploads",
        "/api/v1/uploads/{job_id}",
        "/api/v1/agencies",
        "/api/v1/agencies/{agency_id}",
        "/api/v1/coverage",
        "/api/v1/compare",
        "/api/v1/ranking",
        "/api/v1/export/{what}",
        "/api/v1/files/problems",
        "/api/v1/login",
    ):
        assert p in paths, p
    assert "ErrorOut" in spec["components"]["schemas"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/api/v1/uploads" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    assert "script-src 'self'" in docs.headers["content-security-policy"]


def test_reports_list_detail_and_errors(client: TestClient) -> None:
    body = client.get("/api/v1/reports", params={"limit": 3}).json()
    assert body["total"] >= 7 and len(body["items"]) == 3
    with_errors = client.get("/api/v1/reports", params={"has_errors": True}).json()
    assert all(r["n_errors"] > 0 for r in with_errors["items"])
    rid = _report_id(client, "hongze-2023")
    d = client.get(f"/api/v1/reports/{rid}").json()
    assert d["report"]["year"] == 2023 and d["meta"]["agency"]
    total = next(v for v in d["values"] if v["field_id"] == "reviews.reconsideration.total")
    assert total["provenance"]["page"] >= 1 and total["raw"] is not None
    assert any(f["rule"] == "R-REVIEW-TOTAL" and f["severity"] == "error" for f in d["findings"])
    _error_shape(client.get("/api/v1/reports/999999"), 404)
    bad = _error_shape(client.get("/api/v1/reports", params={"limit": 0}), 422)
    assert bad["errors"] and bad["errors"][0]["field"] == "limit"
    _error_shape(client.get("/api/v1/reports/abc"), 422)
    _error_shape(client.get("/api/v1/nothing-here"), 404)


def test_source_snippet_text_and_pdf(client: TestClient) -> None:
    rid = _report_id(client, "002_")
    s = client.get(f"/api/v1/reports/{rid}/source/requests.new.natural").json()
    assert s["present"] and s["mark"] == s["raw"] and s["line"] >= 1
    assert s["provenance"]["section"] == "s3"
    assert any(n == s["line"] for n, _ in s["context"])
    missing = client.get(f"/api/v1/reports/{rid}/source/requests.nothing.total").json()
    assert missing["present"] is False
    pdf_id = _report_id(client, "hongze-2023")
    p = client.get(f"/api/v1/reports/{pdf_id}/source/reviews.reconsideration.total").json()
    assert p["pdf_image"] is True and p["provenance"]["bbox"]
    img = client.get(f"/reports/{pdf_id}/pdf/reviews.reconsideration.total.png")
    assert img.status_code == 200 and img.content.startswith(b"\x89PNG")
    assert client.get(f"/reports/{rid}/pdf/requests.new.natural.png").status_code == 404


# ------------------------------------------------------------------ review
def test_review_kept_across_recheck_and_reopen(client: TestClient) -> None:
    rid = _report_id(client, "002_")
    findings = client.get(f"/api/v1/reports/{rid}").json()["findings"]
    shift = next(f for f in findings if f["rule"] == "R-LAYOUT-SHIFT")
    r = client.post(
        f"/api/v1/findings/{shift['id']}/review", json={"status": "dismissed", "note": "已核实"}
    )
    assert r.status_code == 200 and r.json()["finding"]["status"] == "dismissed"
    re = client.post(f"/api/v1/reports/{rid}/recheck")
    assert re.status_code == 200 and re.json()["status"] == "updated"
    after = client.get(f"/api/v1/reports/{rid}").json()["findings"]
    kept = next(f for f in after if f["fingerprint"] == shift["fingerprint"])
    assert kept["status"] == "dismissed" and kept["note"] == "已核实"
    assert kept["id"] == shift["id"]  # stable ids (issue 13): a re-check keeps the row
    # the report page draws the dismissed finding's cells as dismissed only when no other
    # live finding names them; the finding itself is listed as dismissed
    page = client.get(f"/reports/{rid}").text
    assert f'id="f-{kept["id"]}" class="finding sev-warning status-dismissed"' in page
    assert "审核记录" in page and shift["fingerprint"] in page  # the audit trail
    r = client.post(f"/api/v1/findings/{kept['id']}/review", json={"status": "open"})
    assert r.json()["finding"]["status"] == "open"
    _error_shape(
        client.post(f"/api/v1/findings/{kept['id']}/review", json={"status": "maybe"}), 422
    )
    _error_shape(client.post("/api/v1/findings/999999/review", json={"status": "open"}), 404)
    _error_shape(client.post("/api/v1/reports/999999/recheck"), 404)


def test_review_form_page_and_htmx_partial(client: TestClient) -> None:
    rid = _report_id(client, "hongze-2023")
    f = next(
        x
        for x in client.get(f"/api/v1/reports/{rid}").json()["findings"]
        if x["rule"] == "R-REVIEW-TOTAL"
    )
    r = client.post(
        f"/findings/{f['id']}/review",
        data={"status": "confirmed", "note": "合计漏填"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "已确认" in r.text and "合计漏填" in r.text
    assert "<html" not in r.text  # a partial
    r = client.post(f"/findings/{f['id']}/review", data={"status": "open"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/reports/{rid}")
    r = client.post(
        f"/findings/{f['id']}/review",
        data={"status": "open"},
        headers={"Origin": "http://evil.example"},
    )
    assert r.status_code == 403


# ------------------------------------------------------------------ uploads
def test_bad_uploads_are_listed_with_reasons(client: TestClient) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    zipped = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("a.txt", "x")
    files = [
        ("files", ("empty.txt", b"")),
        ("files", ("picture.txt", png)),  # named .txt, sniffed as an image
        ("files", ("archive.docx", zipped.getvalue())),
        ("files", ("big.txt", b"a" * (2 * 1024 * 1024 + 1))),
        ("files", ("notes.txt", "今天天气很好，我们去公园散步。\n".encode() * 20)),
    ]
    r = client.post("/api/v1/uploads", files=files)
    assert r.status_code == 202
    job = _wait(client, r.json()["id"])
    by = {f["name"]: f for f in job["files"]}
    assert by["empty.txt"]["status"] == "rejected" and "为空" in by["empty.txt"]["message"]
    # a PNG (named .txt) that does not decode: refused as such, or (no OCR here) as an image
    assert by["picture.txt"]["status"] == "rejected" and "PNG 图片" in by["picture.txt"]["message"]
    assert by["archive.docx"]["status"] == "rejected" and "ZIP" in by["archive.docx"]["message"]
    assert by["big.txt"]["status"] == "rejected" and "过大" in by["big.txt"]["message"]
    assert by["notes.txt"]["status"] == "unusable" and "不像是" in by["notes.txt"]["message"]
    problems = client.get("/api/v1/files/problems").json()["items"]
    assert any(p["name"] == "notes.txt" and p["status"] == "unusable" for p in problems)
    assert "notes.txt" in client.get("/files").text


def test_upload_limits_and_no_files(client: TestClient) -> None:
    many = [("files", (f"r{i}.txt", b"x")) for i in range(21)]
    body = _error_shape(client.post("/api/v1/uploads", files=many), 413)
    assert "上限" in body["error"] and len(body["errors"]) == 1
    _error_shape(client.post("/api/v1/uploads", data={"x": "1"}), 400)
    _error_shape(client.get("/api/v1/uploads/doesnotexist"), 404)


def test_upload_total_size_limit(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "total.db"), max_total_bytes=12_000)
    first, second = sorted(SAMPLES.glob("*.txt"))[:2]
    assert first.stat().st_size < 12_000 < first.stat().st_size + second.stat().st_size
    with TestClient(app) as client:
        _log_in(app, client)
        r = client.post("/api/v1/uploads", files=_files([first, second]))
        job = _wait(client, r.json()["id"])
        assert [f["status"] for f in job["files"]] == ["stored", "rejected"]
        assert "合计" in job["files"][1]["message"]
        big = [("files", ("a.txt", b"x" * 1_100_000)), ("files", ("b.txt", b"x" * 100_000))]
        body = _error_shape(client.post("/api/v1/uploads", files=big), 413)
        assert "合计" in body["error"]
    app.state.web.engine.dispose()


def test_upload_never_uses_the_client_path(app_and_client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app, client = app_and_client
    data = _hostile_report().replace(HOSTILE.encode(), "（路径测试）".encode())
    r = client.post("/api/v1/uploads", files=[("files", ("../../../tmp/evil/报告.txt", data))])
    job = _wait(client, r.json()["id"])
    assert job["files"][0]["name"] == "报告.txt"
    assert not Path("/tmp/evil").exists()
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from nianbao.store.models import SourceFile

    with Session(app.state.web.engine) as s:
        paths = list(s.scalars(select(SourceFile.path)))
    assert all(p.startswith("upload/") and ".." not in p for p in paths)


def test_hostile_html_is_escaped(client: TestClient) -> None:
    r = client.post("/api/v1/uploads", files=[("files", (f"x{HOSTILE}.txt", _hostile_report()))])
    job = _wait(client, r.json()["id"])
    f = job["files"][0]
    assert f["status"] == "stored", f
    page = client.get(f"/reports/{f['report_id']}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    # whether the parser takes the hostile line for the title or not, a stored title
    # with markup in it is shown as text
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from nianbao.store.models import StoredReport

    app = client.app
    with Session(app.state.web.engine) as s, s.begin():  # type: ignore[attr-defined]
        s.execute(
            update(StoredReport)
            .where(StoredReport.id == f["report_id"])
            .values(title=f"标题{HOSTILE}", agency_name=f"机关{HOSTILE}")
        )
    page = client.get(f"/reports/{f['report_id']}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page
    listing = client.get("/reports").text + client.get("/").text
    assert "<script>alert" not in listing
    snippet = client.get(
        f"/reports/{f['report_id']}/source/requests.new.total", headers={"HX-Request": "true"}
    ).text
    assert "<script>alert" not in snippet


# ------------------------------------------------------------------ corpus
def test_agencies_coverage_compare_ranking(client: TestClient) -> None:
    items = client.get("/api/v1/agencies", params={"q": "洪泽"}).json()["items"]
    assert len(items) == 1 and items[0]["years"] == [2023, 2024]
    aid = items[0]["id"]
    region = {
        a["name"] for a in client.get("/api/v1/agencies", params={"q": "淮安市"}).json()["items"]
    }
    assert items[0]["name"] in region  # found by a name one of its reports used
    d = client.get(f"/api/v1/agencies/{aid}").json()
    assert d["years"] == [2023, 2024] and set(d["charts"]) == {
        "received",
        "outcomes",
        "denied",
        "unable",
        "reviews",
    }
    assert "纠错率" in d["charts"]["reviews"]["formula"]
    assert len(d["charts"]["outcomes"]["lines"][0]["data"]) == 2
    _error_shape(client.get("/api/v1/agencies/999999"), 404)

    cov = client.get("/api/v1/coverage", params={"year": [2023, 2024]}).json()
    assert cov["years"] == [2023, 2024]
    row = next(r for r in cov["rows"] if r["agency_id"] == aid)
    assert all(x is not None for x in row["reports"]) and row["errors"][0] > 0
    assert cov["missing"]["2024"] + cov["present"]["2024"] == cov["total"]
    only = client.get(
        "/api/v1/coverage", params={"year": [2023, 2024], "only_missing": True}
    ).json()
    assert all(r["agency_id"] != aid for r in only["rows"])

    a, b = d["report_ids"]
    c = client.get("/api/v1/compare", params={"a": a, "b": b, "changed_only": True}).json()
    assert c["same_agency"] and c["rows"] and all(r["changed"] for r in c["rows"])
    _error_shape(client.get("/api/v1/compare", params={"a": a, "b": 999999}), 404)

    rank = client.get("/api/v1/ranking", params={"year": 2023, "indicator": "open_rate"}).json()
    assert rank["min_denominator"] == 10 and "10" in rank["guard"]
    for e in rank["ranked"]:
        assert e["denominator"] >= 10
    for e in rank["unranked"]:
        assert e["rank"] is None and (
            e["denominator"] is None or e["denominator"] < 10 or e["value"] is None
        )
    values = [e["value"] for e in rank["ranked"]]
    assert values == sorted(values, reverse=True)
    _error_shape(client.get("/api/v1/ranking", params={"indicator": "nope"}), 400)


def test_exports(client: TestClient) -> None:
    for what in ("reports", "values", "findings", "coverage", "ranking", "agencies", "files"):
        csv = client.get(f"/api/v1/export/{what}", params={"format": "csv"})
        assert csv.status_code == 200, (what, csv.text[:200])
        assert csv.content.startswith(b"\xef\xbb\xbf") and b"\n" in csv.content
        xlsx = client.get(f"/export/{what}.xlsx")
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    head = client.get("/api/v1/export/findings", params={"format": "csv", "agency": "洪泽"}).content
    assert "审核状态".encode() in head and "洪泽".encode() in head
    rid = _report_id(client, "002_")
    cmp_csv = client.get("/api/v1/export/compare", params={"a": rid, "b": rid}).content.decode(
        "utf-8-sig"
    )
    assert cmp_csv.startswith("字段,项目") and "requests.new.total" in cmp_csv
    assert client.get(f"/export/compare.xlsx?a={rid}&b={rid}").content[:2] == b"PK"
    _error_shape(client.get("/api/v1/export/compare"), 400)
    _error_shape(client.get("/api/v1/export/secrets"), 404)
    _error_shape(client.get("/api/v1/export/reports", params={"format": "exe"}), 422)


def test_pages_render(client: TestClient) -> None:
    rid = _report_id(client, "002_")
    aid = client.get("/api/v1/agencies", params={"q": "洪泽"}).json()["items"][0]["id"]
    for path, words in (
        ("/", ["份报告"]),
        ("/reports", ["导出"]),
        (f"/reports/{rid}", ["发现的问题", "勾稽关系", "申请人情况", "行政复议"]),
        ("/agencies?q=洪泽", ["洪泽区"]),
        (f"/agencies/{aid}", ["计算方法", "data-chart"]),
        ("/coverage?years=2023-2024", ["未发布", "2024年"]),
        ("/ranking", ["样本量保护"]),
        ("/compare", ["报告编号"]),
        (f"/compare?a={rid}&b={rid}", ["数值变化"]),
        ("/upload", ["拖到这里"]),
        ("/files", ["无法使用"]),
        ("/login", ["密码"]),
        (f"/reports/{rid}/source/requests.new.natural", ["原文"]),
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        for w in words:
            assert w in r.text, (path, w)
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "找不到" in r.text and "<html" in r.text
    partial = client.get("/agencies?q=洪泽", headers={"HX-Request": "true"}).text
    assert partial.lstrip().startswith("<tr>")
    assert client.get("/static/vendor/echarts-6.1.0.min.js").status_code == 200
    assert client.get("/static/vendor/htmx-4.0.1.min.js").status_code == 200


def test_page_upload_form_redirects_to_progress(client: TestClient) -> None:
    data = sorted(SAMPLES.glob("*.txt"))[0].read_bytes()
    r = client.post("/upload", files=[("files", ("again.txt", data))], follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/upload/jobs/")
    job_id = r.headers["location"].rsplit("/", 1)[1]
    job = _wait(client, job_id)
    assert job["files"][0]["status"] == "unchanged"  # same bytes: stored once
    page = client.get(f"/upload/jobs/{job_id}", headers={"HX-Request": "true"}).text
    assert 'data-done="true"' in page and "hx-trigger" not in page


# ------------------------------------------------------------------ login
def test_login_required_when_users_exist(tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    app = create_app(str(tmp_path / "auth.db"), users_file=users, secret="test-secret")
    app.state.web.users.add("审核员", "correct horse")
    stored = json.loads(users.read_text(encoding="utf-8"))
    assert stored["审核员"].startswith("scrypt$") and "correct horse" not in users.read_text()
    with TestClient(app) as client:
        assert client.get("/api/v1/health").json()["login_required"] is True
        token = client.get("/api/v1/me").json()["csrf_token"]
        client.headers.update({"Origin": "http://testserver", "X-CSRF-Token": token})
        _error_shape(client.post("/api/v1/findings/1/review", json={"status": "open"}), 401)
        _error_shape(client.post("/api/v1/uploads", files=[("files", ("a.txt", b"x"))]), 401)
        assert client.post("/findings/1/review", data={"status": "open"}).status_code == 401
        assert client.get("/").status_code == 200  # reading stays open
        _error_shape(
            client.post("/api/v1/login", json={"name": "审核员", "password": "wrong"}), 401
        )
        basic = base64.b64encode("审核员:correct horse".encode()).decode()
        r = client.post(
            "/api/v1/findings/1/review",
            json={"status": "open"},
            headers={"Authorization": f"Basic {basic}"},
        )
        assert r.status_code == 404  # authorised; there is no finding 1 in an empty store
        ok = client.post("/api/v1/login", json={"name": "审核员", "password": "correct horse"})
        assert ok.status_code == 200 and ok.json()["user"] == "审核员"
        assert client.get("/api/v1/me").json()["user"] == "审核员"
        assert client.post("/findings/1/review", data={"status": "open"}).status_code == 404
        client.post("/api/v1/logout")
        assert client.get("/api/v1/me").json()["user"] is None
        r = client.post(
            "/login",
            data={"name": "审核员", "password": "correct horse", "next": "//evil"},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/"


def test_cli_users_and_serve_help(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from nianbao.cli.web import serve, users

    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    r = runner.invoke(users, ["add", "张三", "--password", "pass-word-1", "--db", db])
    assert r.exit_code == 0, r.output
    assert "张三" in runner.invoke(users, ["list", "--db", db]).output
    short = runner.invoke(users, ["add", "李四", "--password", "short", "--db", db])
    assert short.exit_code != 0 and "至少" in short.output
    prompted = runner.invoke(users, ["add", "王五", "--db", db], input="pass-word-2\npass-word-2\n")
    assert prompted.exit_code == 0, prompted.output
    from nianbao.store.db import open_store
    from nianbao.web.auth import UserStore

    store = UserStore(open_store(db))
    assert store.check("王五", "pass-word-2") and not store.check("王五", "nope")
    assert "--port" in runner.invoke(serve, ["--help"]).output


# ------------------------------------------------------------------ PostgreSQL
PG_URL = __import__("os").environ.get("NIANBAO_TEST_PG")


@pytest.mark.skipif(not PG_URL, reason="NIANBAO_TEST_PG not set")
def test_same_flow_on_postgresql() -> None:
    import uuid

    from sqlalchemy import create_engine, text

    from nianbao.store.db import resolve_url

    schema = "nianbao_web_" + uuid.uuid4().hex[:10]
    admin = create_engine(resolve_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"  # type: ignore[operator]
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    try:
        app = create_app(url)
        with TestClient(app) as client:
            _log_in(app, client)
            paths = sorted(PEER.glob("hongze-*.pdf"))
            r = client.post("/api/v1/uploads", files=_files(paths))
            job = _wait(client, r.json()["id"])
            assert [f["status"] for f in job["files"]] == ["stored"] * len(paths)
            rid = job["files"][0]["report_id"]
            f = client.get(f"/api/v1/reports/{rid}").json()["findings"][0]
            client.post(
                f"/api/v1/findings/{f['id']}/review", json={"status": "dismissed", "note": "PG"}
            )
            assert client.post(f"/api/v1/reports/{rid}/recheck").json()["status"] == "updated"
            again = client.get(f"/api/v1/reports/{rid}").json()["findings"]
            assert (
                next(x for x in again if x["fingerprint"] == f["fingerprint"])["status"]
                == "dismissed"
            )
            for path in ("/coverage", "/ranking", "/agencies?q=洪泽", f"/reports/{rid}"):
                assert client.get(path).status_code == 200, path
            img = client.get(f"/reports/{rid}/pdf/reviews.reconsideration.total.png")
            assert img.status_code in (200, 404)
            assert (
                client.get("/api/v1/export/findings", params={"format": "xlsx"}).status_code == 200
            )
        app.state.web.engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_cell_tooltips_are_bounded_and_findings_whole(client: TestClient) -> None:
    """A finding that names many cells (blank rows) gives each cell a short tooltip; its
    whole message is in the page's list of findings, once."""
    import html
    import re

    from nianbao.web.grid import TITLE_CHARS

    longest: tuple[int, int, str] = (0, 0, "")
    for item in client.get("/api/v1/reports", params={"limit": 1000}).json()["items"]:
        detail = client.get(f"/api/v1/reports/{item['id']}").json()
        for f in detail["findings"]:
            if f["cells"] and len(f["message"]) > longest[0]:
                longest = (len(f["message"]), item["id"], f["message"])
    size, rid, message = longest
    assert size > TITLE_CHARS, "the samples give no finding long enough to test this"
    page = client.get(f"/reports/{rid}").text
    titles = [html.unescape(t) for t in re.findall(r'<td id="c-[^"]*"[^>]* title="([^"]*)"', page)]
    assert titles
    for t in titles:
        for part in t.split("\n")[1:]:  # the label, then one line per finding
            assert len(part.partition("】")[2]) <= TITLE_CHARS, part
    assert any(message[: TITLE_CHARS - 1] + "…" in t for t in titles)
    assert html.unescape(page).count(message) == 1
