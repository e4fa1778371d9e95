"""The web upload of a ZIP archive of reports (a city's 政务公开办 receives its agencies'
reports by mail as one ZIP): one upload job whose files are the archive's members, each
named ``<archive>::<member>`` and parsed on its own; a damaged member is that member's
failure; an archive too large once unpacked (a zip bomb) or with too many members is
refused as a whole, with nothing stored; Office files (DOCX, XLSX), which are ZIP packages
too, are never taken for archives. The reports are invented, written with
``nianbao.writing`` from the figures of ``examples/make_examples.py``."""

from __future__ import annotations

import hashlib
import io
import time
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from nianbao.readers.sniff import sniff  # noqa: E402
from nianbao.store.models import SourceBlob, SourceFile, StoredReport  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402
from nianbao.writing.writer import render  # noqa: E402

from .campaign_data import _examples, _report  # noqa: E402

USER, PASSWORD = "政务公开办", "correct horse battery"
MB = 1024 * 1024


class _GbkInfo(zipfile.ZipInfo):
    """A member whose name is written in GBK without ZIP's UTF-8 flag (Windows' own zip)."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's name)
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def _zip(members: list[tuple[str, bytes]], gbk: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = _GbkInfo(name) if name in gbk else zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def _damage(archive: bytes, member: str) -> bytes:
    """The archive with the middle of ``member``'s compressed bytes overwritten (its
    directory intact: the member is listed, and fails when read)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        info = z.getinfo(member)
    data = bytearray(archive)
    # local header: 30 bytes, then the name and the extra field (their lengths at 26, 28)
    start = info.header_offset
    name_len = int.from_bytes(data[start + 26 : start + 28], "little")
    extra_len = int.from_bytes(data[start + 28 : start + 30], "little")
    body = start + 30 + name_len + extra_len
    mid = body + info.compress_size // 2
    data[mid : mid + 64] = bytes(range(64))
    return bytes(data)


@pytest.fixture(scope="module")
def reports() -> dict[str, bytes]:
    """Three agencies' 2024 reports: two as text, one as DOCX."""
    mk = _examples()
    docx_report = mk.build_report(
        "青岚县卫生健康局",
        2024,
        "2025-01-20",
        mk.CAIZHENG_ACTIVE,
        mk.CAIZHENG_REQUESTS,
        mk.CAIZHENG_REVIEWS,
    )
    return {
        "caizheng": _report(mk, "青岚县财政局", date(2025, 1, 15)),
        "jiaoyu": _report(mk, "青岚县教育体育局", date(2025, 1, 16)),
        "weijian": render(docx_report, "docx"),
        "yunxi": _report(mk, "青岚县云溪镇人民政府", date(2025, 1, 17)),
        "docx_alone": render(
            mk.build_report(
                "青岚县人民政府办公室",
                2024,
                "2025-01-21",
                mk.CAIZHENG_ACTIVE,
                mk.CAIZHENG_REQUESTS,
                mk.CAIZHENG_REVIEWS,
            ),
            "docx",
        ),
    }


@pytest.fixture(scope="module")
def app_and_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, TestClient]]:
    db = tmp_path_factory.mktemp("web-zip") / "zip.db"
    app = create_app(str(db), max_file_bytes=2 * MB, max_files=8, max_total_bytes=20 * MB)
    with TestClient(app) as client:
        app.state.web.users.add(USER, PASSWORD)
        token = client.get("/api/v1/me").json()["csrf_token"]
        client.headers.update({"Origin": "http://testserver", "X-CSRF-Token": token})
        r = client.post("/api/v1/login", json={"name": USER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield app, client
    app.state.web.engine.dispose()


def _upload(client: TestClient, name: str, data: bytes) -> dict[str, Any]:
    r = client.post("/api/v1/uploads", files=[("files", (name, data))])
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    end = time.monotonic() + 180
    while time.monotonic() < end:
        job: dict[str, Any] = client.get(f"/api/v1/uploads/{job_id}").json()
        if job["done"]:
            return job
        time.sleep(0.05)
    raise AssertionError("upload job did not finish")


def _source_files(app: Any) -> list[SourceFile]:
    with Session(app.state.web.engine) as s:
        return list(s.scalars(select(SourceFile)))


def _spool_is_empty(app: Any) -> bool:
    folder = app.state.web.jobs.spool_dir()
    end = time.monotonic() + 10
    while time.monotonic() < end:
        if not any(folder.iterdir()):
            return True
        time.sleep(0.05)
    return False


# ------------------------------------------------------------------ a ZIP of reports
def test_zip_of_three_reports_becomes_one_job_of_its_members(
    app_and_client: tuple[Any, TestClient], reports: dict[str, bytes]
) -> None:
    app, client = app_and_client
    members = [
        ("青岚县财政局2024年报.txt", reports["caizheng"]),
        ("教育体育局/青岚县教育体育局2024年报.txt", reports["jiaoyu"]),  # GBK name
        ("青岚县卫生健康局2024年报.docx", reports["weijian"]),
        ("__MACOSX/._青岚县财政局2024年报.txt", b"\x00\x05\x16\x07"),  # passed over
        ("附件/照片.png", b"\x89PNG\r\n\x1a\n"),  # never a report: passed over
    ]
    archive = _zip(members, gbk=("教育体育局/青岚县教育体育局2024年报.txt",))
    job = _upload(client, "各单位年报.zip", archive)
    names = [f["name"] for f in job["files"]]
    assert names == [
        "各单位年报.zip::青岚县财政局2024年报.txt",
        "各单位年报.zip::教育体育局/青岚县教育体育局2024年报.txt",
        "各单位年报.zip::青岚县卫生健康局2024年报.docx",
    ]
    assert [f["status"] for f in job["files"]] == ["stored"] * 3, job
    assert job["total"] == 3 and job["finished"] == 3 and job["percent"] == 100
    for f, (_, data) in zip(job["files"], members, strict=False):
        assert f["size"] == len(data) and f["report_id"] is not None

    # each member stored as its own file, its bytes under its own sha256
    with Session(app.state.web.engine) as s:
        for f, (_, data) in zip(job["files"], members, strict=False):
            sha = hashlib.sha256(data).hexdigest()
            sf = s.scalar(select(SourceFile).where(SourceFile.sha256 == sha))
            assert sf is not None and sf.status == "stored"
            assert sf.path == "upload/" + f["name"]
            blob = s.get(SourceBlob, sha)
            assert blob is not None and blob.data == data
            rep = s.get(StoredReport, f["report_id"])
            assert rep is not None and rep.source_file_id == sf.id and rep.year == 2024
        agencies = set(s.scalars(select(StoredReport.agency_name)))
    assert {"青岚县财政局", "青岚县教育体育局", "青岚县卫生健康局"} <= agencies

    # the source view of a member's report shows where a value stood
    for f in job["files"]:
        snip = client.get(f"/api/v1/reports/{f['report_id']}/source/requests.new.natural")
        assert snip.status_code == 200, snip.text
        body = snip.json()
        assert body["present"] and body["raw"], body
        if f["name"].endswith(".txt"):
            assert body["line"] and body["mark"] == body["raw"]

    # the job page lists each member with its status; the spooled archive is gone
    page = client.get(f"/upload/jobs/{job['id']}").text
    assert "各单位年报.zip::教育体育局/青岚县教育体育局2024年报.txt" in page
    assert page.count("已入库") >= 3
    assert _spool_is_empty(app)

    # the same archive again: each member unchanged, nothing stored twice
    count = len(_source_files(app))
    again = _upload(client, "各单位年报.zip", archive)
    assert [f["status"] for f in again["files"]] == ["unchanged"] * 3
    assert [f["report_id"] for f in again["files"]] == [f["report_id"] for f in job["files"]]
    assert len(_source_files(app)) == count


def test_damaged_member_fails_alone(
    app_and_client: tuple[Any, TestClient], reports: dict[str, bytes]
) -> None:
    app, client = app_and_client
    before = {sf.sha256 for sf in _source_files(app)}
    archive = _zip(
        [
            ("a/青岚县云溪镇人民政府.txt", reports["yunxi"]),
            ("b/损坏的报告.txt", reports["caizheng"].replace("财政".encode(), "财务".encode())),
            ("c/空文件.txt", b""),
            ("d/内层.zip", _zip([("x.txt", reports["jiaoyu"])])),
        ]
    )
    job = _upload(client, "镇街年报.zip", _damage(archive, "b/损坏的报告.txt"))
    by = {f["name"]: f for f in job["files"]}
    assert list(by) == [
        "镇街年报.zip::a/青岚县云溪镇人民政府.txt",
        "镇街年报.zip::b/损坏的报告.txt",
        "镇街年报.zip::c/空文件.txt",
        "镇街年报.zip::d/内层.zip",
    ]
    good = by["镇街年报.zip::a/青岚县云溪镇人民政府.txt"]
    assert good["status"] == "stored" and good["report_id"] is not None
    bad = by["镇街年报.zip::b/损坏的报告.txt"]
    assert bad["status"] == "failed" and bad["report_id"] is None
    assert "已损坏" in bad["message"] and "损坏的报告.txt" in bad["message"]
    assert "Traceback" not in bad["message"]
    empty = by["镇街年报.zip::c/空文件.txt"]
    assert empty["status"] == "rejected" and "为空" in empty["message"]
    inner = by["镇街年报.zip::d/内层.zip"]
    assert inner["status"] == "rejected" and "压缩包中的压缩包不展开" in inner["message"]
    # only the good member was written
    added = {sf.sha256 for sf in _source_files(app)} - before
    assert added == {hashlib.sha256(reports["yunxi"]).hexdigest()}
    assert _spool_is_empty(app)


# ------------------------------------------------------------------ refused archives
def test_zip_bomb_and_too_many_members_are_refused_whole(
    app_and_client: tuple[Any, TestClient], reports: dict[str, bytes]
) -> None:
    app, client = app_and_client
    before = len(_source_files(app))
    # 30 MB once unpacked (packed: a few tens of KB), past the 20 MB an upload may bring
    bomb = _zip([(f"r{i:02d}.txt", b"0" * MB) for i in range(7)] + [("big.txt", b"0" * 23 * MB)])
    assert len(bomb) < 200_000
    job = _upload(client, "炸弹.zip", bomb)
    assert len(job["files"]) == 1
    (f,) = job["files"]
    assert f["name"] == "炸弹.zip" and f["status"] == "rejected" and f["size"] == len(bomb)
    assert "解压后" in f["message"] and "压缩炸弹" in f["message"], f["message"]

    # past the archive reader's own bound (64 MB inflating more than 200 times)
    deep = _zip([("zeros.txt", b"\x00" * 70 * MB)])
    (f,) = _upload(client, "深层炸弹.zip", deep)["files"]
    assert f["status"] == "rejected" and "过大" in f["message"], f["message"]

    many = _zip([(f"第{i}份.txt", reports["yunxi"] + str(i).encode()) for i in range(9)])
    (f,) = _upload(client, "太多.zip", many)["files"]
    assert f["status"] == "rejected" and "9 个文件" in f["message"] and "上限" in f["message"]

    # many entries that are never read (pictures) beside one report: refused too
    crowded = _zip(
        [("报告.txt", reports["yunxi"])] + [(f"图{i}.png", b"\x89PNG") for i in range(81)]
    )
    (f,) = _upload(client, "图多.zip", crowded)["files"]
    assert f["status"] == "rejected" and "82 个条目" in f["message"], f["message"]

    # a member over the file limit is that member's refusal; the others go on
    mixed = _zip([("巨大.txt", b"1" * 3 * MB), ("正常.txt", reports["yunxi"])])
    job = _upload(client, "混合.zip", mixed)
    by = {x["name"]: x for x in job["files"]}
    assert by["混合.zip::巨大.txt"]["status"] == "rejected"
    assert "过大" in by["混合.zip::巨大.txt"]["message"]
    assert by["混合.zip::正常.txt"]["status"] in ("stored", "unchanged")
    stored = int(by["混合.zip::正常.txt"]["status"] == "stored")

    # no report file in it; a damaged archive
    (f,) = _upload(client, "图片.zip", _zip([("a.png", b"\x89PNG\r\n\x1a\n")]))["files"]
    assert f["status"] == "rejected" and "没有报告文件" in f["message"]
    (f,) = _upload(client, "坏的.zip", _zip([("a.txt", reports["yunxi"])])[:-30])["files"]
    assert f["status"] == "rejected" and "损坏" in f["message"], f["message"]

    assert len(_source_files(app)) == before + stored  # nothing of a refused archive
    assert _spool_is_empty(app)


# ------------------------------------------------------------------ Office files are not archives
def test_docx_and_xlsx_are_not_taken_for_archives(
    app_and_client: tuple[Any, TestClient], reports: dict[str, bytes]
) -> None:
    app, client = app_and_client
    job = _upload(client, "青岚县人民政府办公室2024年报.docx", reports["docx_alone"])
    (f,) = job["files"]
    assert f["name"] == "青岚县人民政府办公室2024年报.docx" and f["status"] == "stored", f
    with Session(app.state.web.engine) as s:
        sha = hashlib.sha256(reports["docx_alone"]).hexdigest()
        assert s.get(SourceBlob, sha) is not None
        assert (
            s.scalar(select(func.count()).select_from(SourceFile).where(SourceFile.sha256 == sha))
            == 1
        )

    # a DOCX named .zip is still a document (the CLI's rule), read as one
    renamed = reports["weijian"]
    (f,) = _upload(client, "卫健局年报.zip", renamed)["files"]
    assert f["name"] == "卫健局年报.zip" and f["status"] in ("stored", "unchanged"), f

    # an XLSX (a ZIP package too) named .zip: refused as a spreadsheet, not unpacked
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    (f,) = _upload(client, "表格.zip", buf.getvalue())["files"]
    assert f["name"] == "表格.zip" and f["status"] in ("failed", "unusable", "rejected")
    assert "Excel" in (f["message"] or ""), f

    # an archive of DOCX files stored uncompressed (``word/`` in its first bytes, which
    # sniff once took for a DOCX): an archive, by its directory
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("青岚县人民政府办公室.docx", reports["docx_alone"])
        z.writestr("青岚县卫生健康局.docx", reports["weijian"])
    assert sniff(buf.getvalue()) == "zip"
    job = _upload(client, "未压缩.zip", buf.getvalue())
    assert [f["name"] for f in job["files"]] == [
        "未压缩.zip::青岚县人民政府办公室.docx",
        "未压缩.zip::青岚县卫生健康局.docx",
    ]
    assert [f["status"] for f in job["files"]] == ["unchanged", "unchanged"], job["files"]

    # a ZIP named .docx: refused, naming the way to upload it
    (f,) = _upload(client, "报告.docx", _zip([("a.txt", reports["yunxi"])]))["files"]
    assert f["status"] == "rejected" and ".zip" in f["message"]


def test_upload_page_takes_a_zip(
    app_and_client: tuple[Any, TestClient], reports: dict[str, bytes]
) -> None:
    app, client = app_and_client
    assert "ZIP 压缩包" in client.get("/upload").text
    archive = _zip([("云溪镇.txt", reports["yunxi"])], gbk=("云溪镇.txt",))
    r = client.post("/upload", files=[("files", ("网页上传.zip", archive))], follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/upload/jobs/")
    assert app.state.web.jobs.wait_idle(120)
    page = client.get(r.headers["location"]).text
    assert "网页上传.zip::云溪镇.txt" in page and "1 / 1" in page
