"""End-to-end tests of the web app in real headless Chromium (Playwright's Python package
driving Debian's /usr/bin/chromium; no ``playwright install``). The server runs with uvicorn
on a free 127.0.0.1 port in a thread. Screenshots go to env NIANBAO_ARTIFACTS (default
``artifacts/``). Skipped when Playwright, Chromium or the web extra is missing.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import artifacts_dir, free_port

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium")
if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
    pytest.skip(
        "chromium is not installed (apt-get install chromium fonts-noto-cjk)",
        allow_module_level=True,
    )

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
if not SAMPLES.is_dir():
    pytest.skip("shared samples not found", allow_module_level=True)

USER, PASSWORD = "审核员", "correct horse"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from nianbao.web.app import create_app

    db = tmp_path_factory.mktemp("web-e2e") / "e2e.db"
    app = create_app(str(db))
    app.state.web.users.add(USER, PASSWORD)  # uploads and reviews need a login
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
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser: object, server: str) -> Iterator[object]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")  # type: ignore[attr-defined]
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    pg.console_errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    yield pg
    ctx.close()


def _sample_files() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt")) + sorted((SAMPLES / "peer").glob("*.pdf"))


def _cell(pg: object, fid: str) -> object:
    return pg.locator(f'[id="c-{fid}"]')  # type: ignore[attr-defined]


def test_upload_review_recheck_and_charts(page: object, server: str) -> None:
    pg = page
    shots = artifacts_dir()
    files = _sample_files()
    assert files

    # log in through the page (the form carries the CSRF token), back to the upload page
    pg.goto(server + "/upload")
    pg.click("header a:text-is('登录')")
    pg.fill("input[name=name]", USER)
    pg.fill("input[name=password]", PASSWORD)
    pg.click("form.stack button[type=submit]")
    pg.wait_for_url(server + "/upload")
    assert USER in pg.locator("header .who").inner_text()

    # upload every sample through the page (the file input the drop zone feeds)
    pg.set_input_files("#files", [str(f) for f in files])
    # and one more file dropped on the drop zone: a text that is not a report
    pg.evaluate(
        """() => {
        const dt = new DataTransfer();
        dt.items.add(new File(["今天天气很好，我们去公园散步。\\n".repeat(20)], "随笔.txt", {type: "text/plain"}));
        document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true}));
    }"""
    )
    assert "随笔.txt" in pg.locator("#chosen").inner_text()
    pg.click("#upload-button")
    pg.wait_for_selector('#job[data-done="true"]', timeout=90_000)
    rows = pg.locator("#job tbody tr")
    assert rows.count() == len(files) + 1
    assert pg.locator("#job tbody tr.st-stored").count() == len(files)
    unusable = pg.locator("#job tbody tr.st-unusable")
    assert unusable.count() == 1 and "不像是" in unusable.inner_text()
    pg.screenshot(path=str(shots / "upload.png"), full_page=True)

    # sample 002: the 表三 layout shift is highlighted on its cells
    name = next(f.name for f in files if f.name.startswith("002_"))
    pg.click(f"#job a:text-is('{name}')")
    pg.wait_for_selector("li.finding")
    shift = pg.locator("li.finding", has=pg.locator("code.rule:text-is('R-LAYOUT-SHIFT')")).first
    cells = shift.get_attribute("data-cells").split()
    assert cells
    for fid in cells:
        cls = _cell(pg, fid).get_attribute("class") or ""
        assert "sev-warning" in cls or "sev-error" in cls, (fid, cls)
    title = _cell(pg, cells[0]).get_attribute("title")
    assert "错开" in title

    # clicking a value shows its source line with the value marked
    _cell(pg, "requests.new.natural").click()
    pg.wait_for_selector("#source pre.snippet mark")
    assert pg.locator("#source h3").inner_text().startswith("表三")
    pg.screenshot(path=str(shots / "report-002.png"), full_page=True)

    # dismiss the finding with a note
    fid_attr = shift.get_attribute("id")
    shift.locator("input[name=note]").fill("已与单位核实：表格错位不影响合计")
    shift.locator("button[data-status=dismissed]").click()
    pg.wait_for_selector(f"li#{fid_attr}.status-dismissed")

    # re-check: the report is parsed and checked again; the decision stays
    pg.click("#recheck")
    pg.wait_for_selector(".alert.ok")
    again = pg.locator("li.finding", has=pg.locator("code.rule:text-is('R-LAYOUT-SHIFT')")).first
    assert "status-dismissed" in (again.get_attribute("class") or "")
    assert "已与单位核实" in again.inner_text()
    pg.screenshot(path=str(shots / "report-002-rechecked.png"), full_page=True)

    # hongze-2023 (PDF): the 表四 arithmetic error, with the PDF page region
    pg.goto(server + "/agencies")
    pg.fill("input[name=q]", "洪泽")
    pg.press("input[name=q]", "Enter")
    pg.click("#agency-rows a:has-text('洪泽区')")
    pg.wait_for_function("() => window.chartReady === true")
    assert pg.locator("#chart-outcomes svg path").count() > 0
    assert pg.locator("#chart-reviews svg").count() == 1
    assert "纠错率" in pg.locator("p.formula").last.inner_text()
    pg.screenshot(path=str(shots / "agency-charts.png"), full_page=True)

    # compare the two years side by side: cross-year findings first, then the changes
    pg.click("a:text-is('与上一份对比')")
    pg.wait_for_selector("table.compare")
    assert pg.locator("table.compare tr.changed").count() > 0
    assert "跨年度检查" in pg.locator("h2").first.inner_text()
    pg.screenshot(path=str(shots / "compare.png"), full_page=True)
    pg.go_back()

    pg.click("table.list a:has-text('2023')")
    total = _cell(pg, "reviews.reconsideration.total")
    assert "sev-error" in (total.get_attribute("class") or "")
    total.click()
    img = pg.wait_for_selector("#source img.pdfregion")
    pg.wait_for_function("() => document.querySelector('#source img.pdfregion').naturalWidth > 0")
    assert img.is_visible()
    pg.screenshot(path=str(shots / "report-pdf-region.png"), full_page=False)

    # the coverage grid
    pg.goto(server + "/coverage")
    assert pg.locator("table.coverage td.cov").count() > 0
    assert (
        pg.locator("table.coverage td.cov.miss").count() > 0
    )  # hongze has 2023 and 2024, others not
    pg.screenshot(path=str(shots / "coverage.png"), full_page=True)

    # the ranking dashboard: formula, sample-size guard, chart of the ranked agencies
    pg.goto(server + "/ranking")
    assert "样本量保护" in pg.locator("p.guard").inner_text()
    pg.wait_for_function("() => window.chartReady === true")
    assert pg.locator("#chart-ranking svg path").count() > 0
    pg.screenshot(path=str(shots / "ranking.png"), full_page=True)

    # nothing the pages do needs more than the Content-Security-Policy allows
    assert not [e for e in pg.console_errors if "Content Security Policy" in e], pg.console_errors
