"""The spring review in a real browser (issue 13): import a roster, upload reports (one
late, one missing, one with errors, one off the roster), review findings in bulk, upload a
corrected version and see the decisions carried over, delete and restore it, download the
整改通知 and the 通报 and read them back (python-docx, openpyxl).

Playwright's Python package drives Debian's /usr/bin/chromium (never ``playwright
install``); the server runs with uvicorn on a free 127.0.0.1 port in a thread. Every report
is invented here and written with ``nianbao.writing.writer.render``. Screenshots of each page go to
``$NIANBAO_ARTIFACTS/web/campaign-*.png`` (default ``artifacts/``). Skipped when Playwright,
Chromium or the web extra is missing.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import date as date_t
from pathlib import Path
from typing import Any

import pytest

from .conftest import artifacts_dir, free_port

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium")
if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
    pytest.skip(
        "chromium is not installed (apt-get install chromium fonts-noto-cjk)",
        allow_module_level=True,
    )

from .campaign_data import ROSTER, _examples, _report  # noqa: E402

USER, PASSWORD = "审核员乙", "correct horse"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOTE = "与台账核对，总计有误"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from nianbao.web.app import create_app

    db = tmp_path_factory.mktemp("web-campaign") / "campaign.db"
    app = create_app(str(db))
    app.state.web.users.add(USER, PASSWORD)
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        ctx = browser.new_context(
            viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True
        )
        pg = ctx.new_page()
        pg.set_default_timeout(30_000)
        pg.console_errors = []
        pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
        yield pg
        ctx.close()
        browser.close()


def _upload(pg: Any, server: str, files: list[Path]) -> list[str]:
    pg.goto(server + "/upload")
    pg.set_input_files("#files", [str(f) for f in files])
    pg.click("#upload-button")
    pg.wait_for_selector('#job[data-done="true"]', timeout=120_000)
    return [tr.get_attribute("class") or "" for tr in pg.locator("#job tbody tr").all()]


def _download(pg: Any, selector: str, target: Path) -> Path:
    with pg.expect_download() as info:
        pg.click(selector)
    info.value.save_as(str(target))
    return target


def _status_of(pg: Any, agency: str) -> str:
    cell = pg.locator(f'#roster-coverage tr[data-agency="{agency}"] td.cov').first
    return str(cell.get_attribute("data-status"))


def test_spring_review_campaign(page: Any, server: str, tmp_path: Path) -> None:
    pg = page
    shots = artifacts_dir()
    mk = _examples()
    files = tmp_path / "in"
    files.mkdir()
    gov = files / "qinglan-gov-2024.txt"
    gov.write_bytes(_report(mk, "青岚县人民政府", date_t(2025, 3, 20)))
    cz = files / "qinglan-caizheng-2024.txt"
    cz.write_bytes(_report(mk, "青岚县财政局", date_t(2025, 1, 15), error=True))
    edu = files / "qinglan-jiaoyu-2024.txt"  # late: after 1月31日
    edu.write_bytes(_report(mk, "青岚县教育体育局", date_t(2025, 2, 18)))
    stats = files / "qinglan-tongji-2024.txt"  # not on the roster
    stats.write_bytes(_report(mk, "青岚县统计局", date_t(2025, 1, 20)))
    roster = files / "名单.csv"
    roster.write_text(ROSTER, encoding="utf-8")

    # ---- anonymous visitors read but cannot change anything
    pg.goto(server + "/roster")
    assert pg.locator("#roster-import").count() == 0

    # ---- log in
    pg.goto(server + "/login?next=/roster")
    pg.fill("input[name=name]", USER)
    pg.fill("input[name=password]", PASSWORD)
    pg.click("form.stack button[type=submit]")
    pg.wait_for_url(server + "/roster")

    # ---- import the roster through the page
    pg.set_input_files("#roster-file", str(roster))
    pg.click("#roster-import button[type=submit]")
    pg.wait_for_selector("#roster-flash")
    assert "新增 5 个" in pg.locator("#roster-flash").inner_text()
    assert pg.locator("#roster-table tbody tr").count() == 5
    assert "青岚财政局" in pg.locator("#roster-table").inner_text()  # the alias

    # ---- upload the reports: 人民政府 on time, 财政局 with errors, 教育体育局 late,
    # 统计局 off the roster; 卫生健康局 and 云溪镇 send nothing
    classes = _upload(pg, server, [gov, cz, edu, stats])
    assert all("st-stored" in c for c in classes), classes
    pg.screenshot(path=str(shots / "campaign-upload.png"), full_page=True)

    # ---- the roster lists the unknown agency; edit an agency (alias, level, parent)
    pg.goto(server + "/roster")
    unknown = pg.locator("#unknown-table").inner_text()
    assert "青岚县统计局" in unknown
    pg.screenshot(path=str(shots / "campaign-roster.png"), full_page=True)
    pg.click("#roster-table a:has-text('青岚县卫生健康局') >> xpath=../.. >> a:text-is('修改')")
    pg.wait_for_selector("#agency-edit")
    pg.fill("#agency-edit input[name=aliases]", "青岚县卫健局")
    pg.select_option("#agency-edit select[name=level]", "county")
    pg.select_option("#agency-edit select[name=parent]", label="青岚县人民政府")
    pg.click("#agency-save")
    pg.wait_for_selector(".alert.ok")
    assert "青岚县卫健局" in pg.locator("p.meta").inner_text()
    pg.screenshot(path=str(shots / "campaign-roster-agency.png"), full_page=True)

    # ---- coverage against the deadlines: on time, late, 未收录; then one 未发布
    pg.goto(server + "/coverage?years=2024&region=" + "青岚县")
    assert _status_of(pg, "青岚县人民政府") == "on_time"
    assert _status_of(pg, "青岚县财政局") == "on_time"
    assert _status_of(pg, "青岚县教育体育局") == "late"
    assert "逾期 18 天" in pg.locator('tr[data-agency="青岚县教育体育局"]').inner_text()
    assert _status_of(pg, "青岚县卫生健康局") == "missing"
    assert _status_of(pg, "青岚县云溪镇人民政府") == "missing"
    town = pg.locator('tr[data-agency="青岚县云溪镇人民政府"]')
    town.locator("button:has-text('记为未发布')").click()
    pg.wait_for_selector(".alert.ok")
    assert _status_of(pg, "青岚县云溪镇人民政府") == "unpublished"
    assert _status_of(pg, "青岚县卫生健康局") == "missing"
    summary = pg.locator("#covsum-2024 tbody tr").first.inner_text().split()
    # 地区 应报 已收录 按时 逾期 无法定时限 未收录 未发布
    assert summary == ["青岚县", "5", "3", "2", "1", "0", "1", "1"], summary
    pg.screenshot(path=str(shots / "campaign-coverage.png"), full_page=True)

    # ---- the review queue: 财政局's errors confirmed in bulk with one note
    pg.goto(server + "/review")
    assert int(pg.locator("#queue-total").inner_text()) >= 3
    pg.screenshot(path=str(shots / "campaign-review-queue.png"), full_page=True)
    pg.select_option("#queue-filters select[name=severity]", "error")
    pg.select_option("#queue-filters select[name=region]", "青岚县")
    pg.select_option("#queue-filters select[name=year]", "2024")
    pg.click("#queue-filters button[type=submit]")
    pg.wait_for_url("**/review?*severity=error*")
    assert pg.locator("table.queue tbody tr").count() == 2
    assert all("青岚县财政局" in t for t in pg.locator("table.queue tbody tr").all_inner_texts())
    pg.check("input[data-check-all]")
    assert pg.locator("input[name=ids]:checked").count() == 2
    pg.fill("#bulk-form input[name=note]", NOTE)
    pg.click("#bulk-confirm")
    pg.wait_for_selector(".alert.ok")
    assert "2 个问题" in pg.locator(".alert.ok").inner_text()
    assert pg.locator("table.queue tbody tr").count() == 0  # no open errors left
    # the late report's deadline warning dismissed in bulk too
    pg.goto(server + "/review?agency=" + "青岚县教育体育局")
    n_edu = pg.locator("table.queue tbody tr").count()
    assert n_edu >= 1
    pg.check("input[data-check-all]")
    pg.fill("#bulk-form input[name=note]", "已电话提醒，下年按时发布")
    pg.click("#bulk-dismiss")
    pg.wait_for_selector(".alert.ok")
    pg.goto(server + "/review?status=all&region=青岚县")
    pg.screenshot(path=str(shots / "campaign-review-decided.png"), full_page=True)

    # ---- the review log: who, when, what, note
    pg.goto(server + "/review/log")
    log = pg.locator("#review-log tbody").inner_text()
    assert log.count(USER) == 2 + n_edu
    assert NOTE in log and "已确认" in log and "已排除" in log
    pg.screenshot(path=str(shots / "campaign-review-log.png"), full_page=True)

    # ---- a resubmission of 财政局: one value changed, the error still there; it becomes
    # version 2 and the decisions carry over
    cz2 = files / "qinglan-caizheng-2024-v2.txt"
    cz2.write_bytes(_report(mk, "青岚县财政局", date_t(2025, 1, 15), error=True, penalty=5))
    classes = _upload(pg, server, [cz2])
    assert "st-stored" in classes[0], classes
    assert "第 2 版" in pg.locator("#job tbody tr").first.inner_text()
    pg.click(f"#job a:text-is('{cz2.name}')")
    pg.wait_for_selector("li.finding")
    assert "第 2 版" in pg.locator("#versions-link").inner_text()
    errors = pg.locator("li.finding.sev-error")
    assert errors.count() == 2
    for i in range(2):
        item = errors.nth(i)
        assert "status-confirmed" in (item.get_attribute("class") or "")
        assert NOTE in item.inner_text()
    pg.screenshot(path=str(shots / "campaign-report-v2.png"), full_page=True)

    # ---- the versions: history, the diff of values, delete and restore (logged)
    pg.click("#versions-link")
    pg.wait_for_selector("#versions")
    assert pg.locator("#versions tbody tr").count() == 2
    diff = pg.locator("#version-diff").inner_text()
    assert "行政处罚" in diff and "4" in diff and "5" in diff
    v2_row = pg.locator("#versions tbody tr.current")
    v2_id = v2_row.get_attribute("data-report")
    pg.screenshot(path=str(shots / "campaign-versions.png"), full_page=True)
    v2_row.locator("input[name=note]").fill("误传，先撤回")
    v2_row.locator("button:has-text('删除')").click()
    pg.wait_for_selector(".alert.ok")
    assert pg.locator(f'#versions tr[data-report="{v2_id}"]').get_attribute("class").strip() == (
        "deleted"
    )
    pg.locator(f'#versions tr[data-report="{v2_id}"] button:has-text("恢复")').click()
    pg.wait_for_selector(".alert.ok")
    assert "current" in (pg.locator(f'#versions tr[data-report="{v2_id}"]').get_attribute("class"))
    events = pg.locator("#version-events").inner_text()
    assert "删除" in events and "恢复" in events and USER in events and "误传" in events
    pg.screenshot(path=str(shots / "campaign-versions-restored.png"), full_page=True)

    # ---- the review log's links follow a finding to the current version
    pg.goto(server + "/review/log")
    pg.locator("#review-log tbody tr", has_text="青岚县财政局").first.locator("a").click()
    pg.wait_for_url(f"**/reports/{v2_id}#f-*")
    # the old version says it is one
    pg.goto(pg.url.split("#")[0] + "/versions")
    pg.locator("#versions tbody tr").first.locator("a").click()
    pg.wait_for_selector("#old-version")
    pg.screenshot(path=str(shots / "campaign-report-v1-old.png"), full_page=False)

    # ---- the 整改通知 from the report page, read back
    pg.goto(f"{server}/reports/{v2_id}")
    letter = _download(pg, "#letter-link", tmp_path / "整改通知.docx")
    text = "\n".join(p.text for p in docx.Document(str(letter)).paragraphs)
    assert "关于青岚县财政局2024年度政府信息公开工作年度报告存在问题的整改通知" in text
    assert "青岚县财政局：" in text and "存在以下2个问题" in text
    assert "相差 1" in text  # the arithmetic
    assert "涉及单元格：表三「" in text and f"审核意见：{NOTE}" in text

    # ---- the 通报 (DOCX and XLSX) from the coverage page, read back
    pg.goto(server + "/coverage?years=2024&region=青岚县")
    summary_docx = _download(pg, "#summary-docx-2024", tmp_path / "通报.docx")
    doc = docx.Document(str(summary_docx))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "关于青岚县2024年度政府信息公开工作年度报告审核情况的通报" in body
    assert "应发布2024年度政府信息公开工作年度报告的机关共5个" in body
    assert "按时发布2份" in body and "逾期发布1份" in body
    assert "未收录1个" in body and "经核实未发布1个" in body
    assert "经审核确认的问题2个" in body
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "青岚县教育体育局" in cells and "青岚县卫生健康局" in cells
    assert any("公开率 =" in c for c in cells)
    summary_xlsx = _download(pg, "#summary-xlsx-2024", tmp_path / "通报.xlsx")
    wb = openpyxl.load_workbook(summary_xlsx)
    assert wb.sheetnames == ["概况", "收录情况", "问题统计", "问题较多的单位", "主要指标"]
    rows = {r[0].value: [c.value for c in r] for r in wb["收录情况"].iter_rows(min_row=2)}
    assert "逾期发布" in rows["青岚县教育体育局"] and 18 in rows["青岚县教育体育局"]
    assert "未收录" in rows["青岚县卫生健康局"]
    assert "未发布" in rows["青岚县云溪镇人民政府"]
    top = [r[1].value for r in wb["问题较多的单位"].iter_rows(min_row=2)]
    assert top[0] == "青岚县财政局"
    letters = _download(pg, "#letters-zip-2024", tmp_path / "整改通知.zip")
    with zipfile.ZipFile(letters) as zf:
        assert zf.namelist() == ["整改通知-青岚县财政局-2024.docx"]
    pg.screenshot(path=str(shots / "campaign-coverage-after.png"), full_page=True)

    # nothing the pages do needs more than the Content-Security-Policy allows
    assert not [e for e in pg.console_errors if "Content Security Policy" in e], pg.console_errors
