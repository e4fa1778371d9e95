"""The spring review's pages (issue 13) through FastAPI's TestClient, without a browser:
anonymous visitors read them but change nothing; every POST needs a login, the same
origin and the CSRF token; bulk decisions record the reviewer; the 整改通知 and the 通报
download as DOCX/XLSX; mistakes are refused in Chinese. Invented reports only."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from nianbao.store.db import session_scope, write_engine  # noqa: E402
from nianbao.store.ingest import ingest_files  # noqa: E402
from nianbao.store.models import Agency, ReviewLog, StoredFinding, StoredReport  # noqa: E402
from nianbao.store.roster import import_roster, read_roster  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402

from .campaign_data import ROSTER, _examples, _report  # noqa: E402

USER, PASSWORD = "审核员丙", "correct horse"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, TestClient]]:
    tmp = tmp_path_factory.mktemp("campaign-pages")
    mk = _examples()
    paths = []
    for name, day, error in (
        ("青岚县人民政府", date(2025, 3, 20), False),
        ("青岚县财政局", date(2025, 1, 15), True),
        ("青岚县教育体育局", date(2025, 2, 18), False),
    ):
        p = tmp / f"{name}.txt"
        p.write_bytes(_report(mk, name, day, error=error))
        paths.append(str(p))
    (tmp / "roster.csv").write_text(ROSTER, encoding="utf-8")
    app = create_app(str(tmp / "c.db"))
    engine = app.state.web.engine
    with session_scope(write_engine(engine)) as s:
        import_roster(s, read_roster(tmp / "roster.csv"))
    summary = ingest_files(paths, engine, workers=0)
    assert summary.stored == 3, summary.lines()
    app.state.web.users.add(USER, PASSWORD)
    with TestClient(app) as client:
        yield app, client


def _log_in(client: TestClient) -> dict[str, str]:
    token = client.get("/api/v1/me").json()["csrf_token"]
    headers = {"Origin": "http://testserver", "X-CSRF-Token": token}
    r = client.post("/api/v1/login", json={"name": USER, "password": PASSWORD}, headers=headers)
    assert r.status_code == 200, r.text
    return headers


def _ids(app: Any, agency: str) -> tuple[int, int, list[int]]:
    with Session(app.state.web.engine) as s:
        ag = s.scalar(select(Agency).where(Agency.name == agency))
        assert ag is not None
        rep = s.scalar(select(StoredReport).where(StoredReport.agency_id == ag.id))
        assert rep is not None
        fids = list(s.scalars(select(StoredFinding.id).where(StoredFinding.report_id == rep.id)))
        return ag.id, rep.id, fids


def test_pages_read_anonymously_and_writes_are_guarded(setup: tuple[Any, TestClient]) -> None:
    app, client = setup
    aid, rid, fids = _ids(app, "青岚县财政局")
    assert len(fids) == 2
    for path, words in (
        ("/review", ["审核队列", "青岚县财政局", "勾稽关系"]),
        ("/review?severity=error&region=青岚县&year=2024", ['共 <b id="queue-total">2</b>']),
        ("/review/log", ["审核记录"]),
        ("/", ["<b>3</b> 份报告", "<b>4</b> 个问题待审核", "<b>5</b> 个应报机关"]),
        ("/roster", ["应报机关名单", "青岚县卫生健康局", "不在名单中的机关"]),
        (f"/roster/{aid}", ["青岚县财政局", "青岚财政局"]),
        ("/coverage?years=2024", ["按时发布", "逾期发布", "未收录", "逾期 18 天"]),
        ("/coverage?view=all&years=2024", ["未收录", "不等于未发布"]),
        (f"/reports/{rid}/versions", ["第 1 版", "当前版本"]),
        (f"/reports/{rid}", ["第 1 版", "下载整改通知"]),
    ):
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:300])
        for w in words:
            assert w in r.text, (path, w)
    # anonymous: no forms that change anything
    assert 'id="bulk-confirm"' not in client.get("/review").text
    assert 'id="roster-import"' not in client.get("/roster").text
    assert 'id="agency-edit"' not in client.get(f"/roster/{aid}").text
    # anonymous POSTs with the token and the origin: 401
    token = client.get("/api/v1/me").json()["csrf_token"]
    same = {"Origin": "http://testserver", "X-CSRF-Token": token}
    for path, data in (
        ("/review/bulk", {"ids": fids, "status": "confirmed"}),
        ("/roster/alias", {"alias": "青岚县统计局", "target": "青岚县财政局"}),
        (f"/roster/{aid}", {"name": "改名"}),
        ("/coverage/unpublished", {"agency_id": aid, "year": 2024}),
        (f"/reports/{rid}/delete", {"note": "x"}),
    ):
        r = client.post(path, data=data, headers=same, follow_redirects=False)
        assert r.status_code == 401, (path, r.status_code)
    with Session(app.state.web.engine) as s:
        assert s.scalar(select(ReviewLog.id)) is None


def test_bulk_review_letter_and_summary(setup: tuple[Any, TestClient]) -> None:
    app, client = setup
    aid, rid, fids = _ids(app, "青岚县财政局")
    headers = _log_in(client)
    # no letter before anything is confirmed
    r = client.get(f"/letters/{aid}/2024.docx")
    assert r.status_code == 404 and "没有已确认的问题" in r.text
    # a cross-site form, a missing token: refused
    form = {"ids": fids, "status": "confirmed", "note": "与台账核对"}
    evil = {"Origin": "http://evil.example", "X-CSRF-Token": headers["X-CSRF-Token"]}
    assert client.post("/review/bulk", data=form, headers=evil).status_code == 403
    no_token = {"Origin": "http://testserver", "X-CSRF-Token": ""}
    assert client.post("/review/bulk", data=form, headers=no_token).status_code == 403
    # an unknown id: nothing is decided
    r = client.post("/review/bulk", data={**form, "ids": [*fids, 999999]}, headers=headers)
    assert r.status_code == 404 and "999999" in r.text
    with Session(app.state.web.engine) as s:
        assert s.scalar(select(ReviewLog.id)) is None
    r = client.post("/review/bulk", data=form, headers=headers, follow_redirects=False)
    assert r.status_code == 303 and "msg=decided" in r.headers["location"]
    with Session(app.state.web.engine) as s:
        logs = list(s.scalars(select(ReviewLog)))
        assert sorted(x.finding_id for x in logs) == sorted(fids)
        assert {x.user for x in logs} == {USER} and {x.note for x in logs} == {"与台账核对"}
    log_page = client.get("/review/log").text
    assert USER in log_page and "与台账核对" in log_page and "已确认" in log_page

    r = client.get(f"/letters/{aid}/2024.docx?issuer=青岚县人民政府办公室")
    assert r.status_code == 200
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "青岚县财政局：" in text and "青岚县人民政府办公室" in text and "相差 1" in text

    r = client.get("/summary/2024.xlsx?region=青岚县")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert "收录情况" in wb.sheetnames
    r = client.get("/summary/2024.docx")
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "按时发布2份" in body and "逾期发布1份" in body and "未收录2个" in body
    assert client.get("/summary/2024.pdf").status_code == 404
    assert client.get("/summary/1999.docx").status_code == 200  # nobody reported: all 未收录
    # every letter of the year in one ZIP
    import zipfile

    r = client.get("/letters/2024.zip", params={"region": "青岚县"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert zf.namelist() == ["整改通知-青岚县财政局-2024.docx"]
        inner = docx.Document(io.BytesIO(zf.read(zf.namelist()[0])))
    assert any("青岚县财政局：" in p.text for p in inner.paragraphs)
    r = client.get("/letters/2023.zip")
    assert r.status_code == 404 and "不需要整改通知" in r.text


def test_roster_edits_are_checked(setup: tuple[Any, TestClient], tmp_path: Path) -> None:
    app, client = setup
    headers = _log_in(client)
    aid, _, _ = _ids(app, "青岚县教育体育局")
    with Session(app.state.web.engine) as s:
        n_agencies = len(list(s.scalars(select(Agency.id))))
    # a mistyped alias target creates nothing
    r = client.post(
        "/roster/alias", data={"alias": "青岚县体育局", "target": "青岚县教育局局"}, headers=headers
    )
    assert r.status_code == 422 and "库中没有机关" in r.text
    # a parent that does not exist, a level that is not one
    r = client.post(f"/roster/{aid}", data={"parent": "999999"}, headers=headers)
    assert r.status_code == 422
    r = client.post(f"/roster/{aid}", data={"level": "宇宙级"}, headers=headers)
    assert r.status_code == 422 and "层级" in r.text
    with Session(app.state.web.engine) as s:
        assert len(list(s.scalars(select(Agency.id)))) == n_agencies
    # a good edit: level, parent, alias
    gov, _, _ = _ids(app, "青岚县人民政府")
    r = client.post(
        f"/roster/{aid}",
        data={
            "level": "county",
            "kind": "department",
            "parent": str(gov),
            "aliases": "青岚县教体局",
        },
        headers=headers,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = client.get(f"/roster/{aid}").text
    assert "青岚县教体局" in page and "县级" in page
    # a roster file with a missing column is refused, naming the column
    bad = "机关名称,地区\n青岚县审计局,青岚县\n".encode()
    r = client.post(
        "/roster/import", files={"file": ("名单.csv", bad, "text/csv")}, headers=headers
    )
    assert r.status_code == 422 and "上级机关" in r.text and "名单.csv" in r.text


def test_new_version_links_and_delete(setup: tuple[Any, TestClient], tmp_path: Path) -> None:
    app, client = setup
    headers = _log_in(client)
    aid, v1, fids = _ids(app, "青岚县财政局")
    with Session(app.state.web.engine) as s:
        if not s.scalar(select(ReviewLog.id).where(ReviewLog.report_id == v1)):
            pytest.skip("needs the decisions of test_bulk_review_letter_and_summary")
        fp = s.scalar(select(StoredFinding.fingerprint).where(StoredFinding.id == fids[0]))
    v2_file = tmp_path / "青岚县财政局-v2.txt"
    v2_file.write_bytes(
        _report(_examples(), "青岚县财政局", date(2025, 1, 15), error=True, penalty=5)
    )
    assert ingest_files([str(v2_file)], app.state.web.engine, workers=0).stored == 1
    with Session(app.state.web.engine) as s:
        v2 = s.scalar(
            select(StoredReport.id).where(
                StoredReport.agency_id == aid, StoredReport.superseded_by.is_(None)
            )
        )
        assert v2 is not None and v2 != v1
        carried = list(s.scalars(select(StoredFinding).where(StoredFinding.report_id == v2)))
        assert {f.status for f in carried} == {"confirmed"}
    # the review log's link leads to the finding of the current version
    r = client.get(f"/review/link/{v1}/{fp}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/reports/{v2}#f-")
    assert client.get(f"/review/link/{v1}/nosuchprint", follow_redirects=False).status_code == 303
    # the old version says so; the versions page shows the diff
    assert 'id="old-version"' in client.get(f"/reports/{v1}").text
    page = client.get(f"/reports/{v2}/versions").text
    assert "第 2 版" in page and "行政处罚" in page and 'id="version-diff"' in page
    # delete version 2 (logged with the user), version 1 is current again; restore
    r = client.post(f"/reports/{v2}/delete", data={"note": "误传"}, headers=headers)
    assert r.status_code == 200 and "已删除这一版本" in r.text
    assert 'id="old-version"' not in client.get(f"/reports/{v1}").text
    r = client.post(f"/reports/{v2}/delete", data={"note": "again"}, headers=headers)
    assert r.status_code == 409 and "已经删除" in r.text
    r = client.post(f"/reports/{v2}/delete", data={"restore": "true"}, headers=headers)
    assert r.status_code == 200 and "已恢复" in r.text
    log = client.get("/review/log").text
    assert "删除" in log and "恢复" in log and USER in log


def test_roster_import_checks_before_reading(setup: tuple[Any, TestClient]) -> None:
    app, client = setup
    token = client.get("/api/v1/me").json()["csrf_token"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["机关名称", "上级机关", "层级", "类别", "地区"])
    ws.append(["青岚县审计局", "青岚县人民政府", "县级", "部门", "青岚县"])
    buf = io.BytesIO()
    wb.save(buf)
    files = {"file": ("名单.xlsx", buf.getvalue(), "application/octet-stream")}
    origin = {"Origin": "http://testserver"}
    client.post("/api/v1/logout", headers={**origin, "X-CSRF-Token": token})
    # anonymous: refused (before the body is read)
    r = client.post("/roster/import", files=files, data={"csrf_token": token}, headers=origin)
    assert r.status_code == 401
    headers = _log_in(client)
    # the token in the form (as the page sends it), none in a header; a wrong one refused
    r = client.post("/roster/import", files=files, data={"csrf_token": "x.y"}, headers=origin)
    assert r.status_code == 403
    r = client.post("/roster/import", files=files, data={"csrf_token": token}, headers=origin)
    assert r.status_code == 200, r.text
    assert "新增 1 个" in r.text and "青岚县审计局" in r.text
    # a body over the limit is refused with 413
    big = {"file": ("名单.csv", b"x" * (6 * 1024 * 1024), "text/csv")}
    assert client.post("/roster/import", files=big, headers=headers).status_code == 413


def test_api_page_speaks_chinese(setup: tuple[Any, TestClient]) -> None:
    _, client = setup
    page = client.get("/api/docs").text
    for english in ("List Reports", "Get Report", "Upload Status", "Problems", "Ranking"):
        assert english not in page, english
    assert "报告列表" in page and "上传任务的进度" in page and "报告编号" in page


def test_campaign_api(setup: tuple[Any, TestClient]) -> None:
    app, client = setup
    q = client.get("/api/v1/review/queue", params={"status": "all", "region": "青岚县"}).json()
    assert q["total"] >= 4 and {i["region"] for i in q["items"]} == {"青岚县"}
    edu = client.get(
        "/api/v1/review/queue", params={"agency": "青岚县教育体育局", "status": "open"}
    ).json()
    ids = [i["finding"]["id"] for i in edu["items"]]
    assert ids and all(i["year"] == 2024 for i in edu["items"])
    body = {"ids": ids, "status": "dismissed", "note": "已提醒"}
    # anonymous: 401; with a login but from another site: 403
    token = client.get("/api/v1/me").json()["csrf_token"]
    client.post("/api/v1/logout", headers={"Origin": "http://testserver", "X-CSRF-Token": token})
    same = {"Origin": "http://testserver", "X-CSRF-Token": token}
    assert client.post("/api/v1/review/decisions", json=body, headers=same).status_code == 401
    headers = _log_in(client)
    evil = {**headers, "Origin": "http://evil.example"}
    assert client.post("/api/v1/review/decisions", json=body, headers=evil).status_code == 403
    r = client.post("/api/v1/review/decisions", json=body, headers=headers)
    assert r.status_code == 200 and r.json() == {"ok": True, "decided": len(ids), "user": USER}
    r = client.post("/api/v1/review/decisions", json={**body, "ids": []}, headers=headers)
    assert r.status_code == 422
    log = client.get("/api/v1/review/log", params={"user": USER}).json()
    assert {e["finding_id"] for e in log} >= set(ids) and log[0]["note"] == "已提醒"
    cov = client.get("/api/v1/roster/coverage", params={"year": 2024}).json()
    assert cov["expected"] in (5, 6)  # 6 once the import test added 青岚县审计局
    by = {ln["agency"]: ln for ln in cov["lines"]}
    assert by["青岚县教育体育局"]["status"] == "late" and by["青岚县教育体育局"]["days_late"] == 18
    assert by["青岚县卫生健康局"]["status_zh"] == "未收录"
    _, rid, _ = _ids(app, "青岚县人民政府")
    v = client.get(f"/api/v1/reports/{rid}/versions").json()["versions"]
    assert [x["version"] for x in v] == [1] and v[0]["current"] is True
    assert client.get("/api/v1/reports/999999/versions").status_code == 404
    docs = client.get("/api/docs").text
    assert "审核队列" in docs and "批量审核" in docs


def test_township_deadline_on_the_page(setup: tuple[Any, TestClient]) -> None:
    _, client = setup
    page = client.get("/coverage", params={"years": "2024"}).text
    assert "乡镇街道未设时限" in page
    page = client.get("/coverage", params={"years": "2024", "township": "03-31"}).text
    assert "乡镇街道 次年03-31前" in page and "截止 2025-03-31" in page
    assert "township=03-31" in page  # the 通报 links keep it
    r = client.get("/coverage", params={"years": "2024", "township": "13-45"})
    assert r.status_code == 422 and "日期" in r.text
    assert client.get("/summary/2024.xlsx", params={"township": "02-30"}).status_code == 422


def test_previous_year_link_goes_to_its_current_version(
    setup: tuple[Any, TestClient], tmp_path: Path
) -> None:
    app, client = setup
    mk = _examples()
    paths = []
    for i, penalty in enumerate((4, 6)):  # 2023, then a corrected 2023
        p = tmp_path / f"gov-2023-v{i + 1}.txt"
        p.write_bytes(_report(mk, "青岚县人民政府", date(2024, 3, 1), penalty=penalty, year=2023))
        paths.append(str(p))
    for p in paths:
        assert ingest_files([p], app.state.web.engine, workers=0).stored == 1
    aid, _, _ = _ids(app, "青岚县人民政府")
    with Session(app.state.web.engine) as s:
        rows = list(
            s.execute(
                select(StoredReport.id, StoredReport.year, StoredReport.superseded_by)
                .where(StoredReport.agency_id == aid)
                .order_by(StoredReport.id)
            )
        )
    cur_2024 = next(r.id for r in rows if r.year == 2024 and r.superseded_by is None)
    old_2023, new_2023 = (r.id for r in rows if r.year == 2023)
    page = client.get(f"/reports/{cur_2024}").text
    assert f"/compare?a={new_2023}&b={cur_2024}" in page
    assert f"/compare?a={old_2023}&" not in page
    # the corrected 2023 deleted: the link goes back to the first 2023 version
    headers = _log_in(client)
    r = client.post(f"/reports/{new_2023}/delete", data={"note": "错传"}, headers=headers)
    assert r.status_code == 200
    page = client.get(f"/reports/{cur_2024}").text
    assert f"/compare?a={old_2023}&b={cur_2024}" in page


def test_private_server_hides_the_campaign_pages(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "p.db"), private=True)
    with TestClient(app) as client:
        for path in ("/review", "/review/log", "/roster", "/coverage", "/summary/2024.docx"):
            r = client.get(path, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
        for path in ("/api/v1/review/queue", "/api/v1/roster/coverage?year=2024"):
            assert client.get(path).status_code == 401, path


def test_unknown_agency_attached_to_a_roster_agency(
    setup: tuple[Any, TestClient], tmp_path: Path
) -> None:
    app, client = setup
    headers = _log_in(client)
    p = tmp_path / "weijian.txt"  # the agency under a name the roster does not know
    p.write_bytes(_report(_examples(), "青岚县卫健局办公室", date(2025, 1, 20)))
    assert ingest_files([str(p)], app.state.web.engine, workers=0).stored == 1
    assert "青岚县卫健局办公室" in client.get("/roster").text.split('id="unknown-table"')[1]
    with Session(app.state.web.engine) as s:
        target = s.scalar(select(Agency.id).where(Agency.name == "青岚县卫生健康局"))
    r = client.post(
        "/roster/alias",
        data={"alias": "青岚县卫健局办公室", "target": str(target)},
        headers=headers,
    )
    assert r.status_code == 200 and "归入报告 1 份" in r.text
    assert 'id="unknown-table"' not in r.text  # none left
    cov = client.get("/api/v1/roster/coverage", params={"year": 2024}).json()
    line = next(ln for ln in cov["lines"] if ln["agency"] == "青岚县卫生健康局")
    assert line["status"] == "on_time" and line["report_id"] is not None


def test_roster_coverage_is_paged(
    setup: tuple[Any, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-agency table shows a page of the roster at a time; the pages together show
    every agency once, and the per-region counts stay those of the whole roster."""
    import re

    from nianbao.web import views_campaign

    _, client = setup
    whole = client.get("/coverage", params={"years": "2024"}).text
    agencies = re.findall(r'<tr data-agency="([^"]+)"', whole)
    assert len(agencies) >= 3 and "pager" not in whole.split("各机关")[1]
    monkeypatch.setattr(views_campaign, "ROSTER_PER_PAGE", 2)
    seen: list[str] = []
    page = 1
    while True:
        text = client.get("/coverage", params={"years": "2024", "page": page}).text
        rows = re.findall(r'<tr data-agency="([^"]+)"', text)
        assert 0 < len(rows) <= 2
        assert f"共 {len(agencies)} 个机关" in text
        assert (
            text.split('id="covsum-2024"')[1].split("</table>")[0]
            == whole.split('id="covsum-2024"')[1].split("</table>")[0]
        )
        seen += rows
        if "下一页" not in text:
            break
        assert f"page={page + 1}" in text
        page += 1
    assert seen == agencies
