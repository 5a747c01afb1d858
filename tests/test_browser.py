"""Browser checks: every page renders in Chromium, screenshots, and a share-link round trip.

Runs ``streamlit run dashboard.py`` on a free port against the synthetic fixture warehouse
and drives Debian's /usr/bin/chromium through Playwright.  Screenshots go to
artifacts/screenshots/.  Marked ``browser``: deselect with ``-m "not browser"``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboard_fixture import build_fixture

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# url_path -> (title, screenshot name); must match PAGES in dashboard.py
PAGES = {
    "": ("总览", "01_overview"),
    "structure": ("支出结构", "02_structure"),
    "sangong": ("三公经费", "03_sangong"),
    "vehicles": ("公务用车", "04_vehicles"),
    "performance": ("绩效自评", "05_performance"),
    "sources": ("数据与来源", "06_sources"),
}

if not Path(CHROMIUM).exists():  # pragma: no cover - depends on the machine
    pytest.skip("needs Debian chromium at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(db: Path, port: int, log: Path) -> subprocess.Popen:
    """Start ``streamlit run dashboard.py`` on ``port``; return once /_stcore/health answers."""
    env = {**os.environ, "JUESUAN_DB": str(db), "JUESUAN_AUTOBUILD": "0"}
    cmd = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("streamlit did not start within 60 s")


@contextlib.contextmanager
def running_app(db: Path, log: Path) -> Iterator[str]:
    """Given a warehouse, run the dashboard on it for the block; yield its base URL."""
    port = free_port()
    proc = start_app(db, port, log)
    try:
        yield f"http://localhost:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    with running_app(build_fixture(tmp / "fixture.duckdb"), tmp / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def new_page(browser: object) -> object:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")  # type: ignore[attr-defined]
    return context.new_page()


def wait_until_done(page: object, timeout_ms: int = 45_000) -> None:
    """Wait for the title, for the script run to end (no running indicator), then settle."""
    page.wait_for_selector("h1", timeout=timeout_ms)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const state = app && app.getAttribute('data-test-script-state');
            return state !== 'running' && !document.querySelector('[data-testid="stStatusWidget"]');
        }""",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(1200)  # type: ignore[attr-defined]
    # plotly draws lazily: bring each chart into view and wait for its SVG
    charts = page.locator('[data-testid="stPlotlyChart"]')  # type: ignore[attr-defined]
    for i in range(charts.count()):
        if not charts.nth(i).is_visible():
            continue  # in a tab that is not open: plotly draws it when the tab is shown
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).locator(".main-svg").first.wait_for(state="attached", timeout=timeout_ms)
    page.evaluate("window.scrollTo(0, 0)")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )


MAX_SHOT_PX = 16_000  # the tallest window a whole-page screenshot is taken in
SHOT_SETTLE_MS = 1500  # plotly redraws its charts after the window grows
SCROLL_HEIGHT_JS = """
() => {
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  return block ? Math.ceil(block.scrollHeight + 120) : 0;
}
"""


def whole_page_screenshot(page: object, path: Path) -> None:
    """Given a finished page and a PNG path, grow the window to the page's height and save it.

    Streamlit scrolls inside its main block, so a full-page screenshot of a window-sized page
    shows only the first screen; the window is made as tall as the content (at most
    MAX_SHOT_PX) and kept so.
    """
    size = page.viewport_size  # type: ignore[attr-defined]
    tall = page.evaluate(SCROLL_HEIGHT_JS)  # type: ignore[attr-defined]
    height = min(max(tall, size["height"]), MAX_SHOT_PX)
    page.set_viewport_size({"width": size["width"], "height": height})  # type: ignore[attr-defined]
    page.wait_for_timeout(SHOT_SETTLE_MS)  # type: ignore[attr-defined]
    page.screenshot(path=str(path))  # type: ignore[attr-defined]


def assert_no_errors(page: object) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0  # type: ignore[attr-defined]


def share_link(page: object) -> str:
    return (
        page.locator('[data-testid="stSidebar"] [data-testid="stCode"] code').inner_text().strip()
    )  # type: ignore[attr-defined]


def grid_rows(page: object, n: int = 0) -> tuple[str | None, list[str]]:
    """Return the row count and visible row texts of the n-th st.dataframe (its a11y grid)."""
    frame = page.locator('[data-testid="stDataFrame"]').nth(n)  # type: ignore[attr-defined]
    frame.scroll_into_view_if_needed()
    frame.locator('table[role="grid"] tbody tr').first.wait_for(state="attached", timeout=15_000)
    return page.evaluate(  # type: ignore[attr-defined]
        """(n) => {
            const t = document.querySelectorAll('[data-testid="stDataFrame"] table[role="grid"]')[n];
            if (!t) return [null, []];
            return [t.getAttribute('aria-rowcount'), [...t.querySelectorAll('tbody tr')].map(r => r.innerText)];
        }""",
        n,
    )


def sidebar_state(page: object) -> dict[str, object]:
    sb = page.locator('[data-testid="stSidebar"]')  # type: ignore[attr-defined]
    chips = set(
        sb.locator("[data-tag]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    )
    checked = sb.locator('[data-testid="stRadio"] label:has(input:checked)').all_inner_texts()
    years = sb.locator('[data-testid="stSlider"] [role="slider"]').evaluate_all(
        "els => els.map(e => e.getAttribute('aria-valuetext') || e.getAttribute('aria-valuenow'))"
    )
    return {"chips": sorted(chips), "radio": checked, "years": years}


@pytest.mark.parametrize("url_path", list(PAGES))
def test_page_renders_in_browser(app_url: str, browser: object, url_path: str) -> None:
    title, shot = PAGES[url_path]
    page = new_page(browser)
    page.goto(app_url + url_path)  # type: ignore[attr-defined]
    wait_until_done(page)
    assert_no_errors(page)
    assert page.locator("h1").first.inner_text().strip() == title  # type: ignore[attr-defined]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]


def test_share_link_round_trip(app_url: str, browser: object) -> None:
    page = new_page(browser)
    page.goto(app_url + "vehicles")  # type: ignore[attr-defined]
    wait_until_done(page)
    sb = page.locator('[data-testid="stSidebar"]')  # type: ignore[attr-defined]
    # report kind: 决算
    sb.locator('[data-testid="stRadio"] label').filter(has_text="决算").first.click()
    wait_until_done(page)
    # units: two units both called 县委办, in different regions
    for name in ("峨边·县委办", "双牌·县委办"):
        box = sb.locator('[data-testid="stMultiSelect"]').filter(
            has=page.get_by_text("单位", exact=True)  # type: ignore[attr-defined]
        )
        box.locator("input").click()
        box.locator("input").fill(name)
        page.keyboard.press("Enter")  # type: ignore[attr-defined]
        page.keyboard.press("Escape")  # type: ignore[attr-defined]
        wait_until_done(page)
    # a page-level choice
    page.locator('[data-testid="stMain"] [data-testid="stRadio"] label').filter(
        has_text="按用途"
    ).click()  # type: ignore[attr-defined]
    wait_until_done(page)
    assert_no_errors(page)
    link = share_link(page)
    assert "/vehicles?" in link and "unit=" in link and "vh_view=" in link
    before_state = sidebar_state(page)
    before_rows = grid_rows(page)
    assert before_state["chips"] == ["双牌·县委办", "峨边·县委办"]
    assert before_rows[1], "expected table rows"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "07_share_before.png"), full_page=True)  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]

    fresh = new_page(browser)  # a new context: no cookies, no session
    fresh.goto(link)  # type: ignore[attr-defined]
    wait_until_done(fresh)
    assert_no_errors(fresh)
    assert fresh.locator("h1").first.inner_text().strip() == "公务用车"  # type: ignore[attr-defined]
    # the sidebar may still be redrawing after the run that applied the link: give it time
    deadline = time.monotonic() + 15
    while sidebar_state(fresh) != before_state and time.monotonic() < deadline:
        fresh.wait_for_timeout(300)  # type: ignore[attr-defined]
    fresh.screenshot(path=str(SHOTS / "08_share_after.png"), full_page=True)  # type: ignore[attr-defined]
    assert sidebar_state(fresh) == before_state
    assert (
        fresh.locator('[data-testid="stMain"] [data-testid="stRadio"] label:has(input:checked)')
        .inner_text()
        .strip()
        == "按用途"
    )  # type: ignore[attr-defined]
    assert grid_rows(fresh) == before_rows
    assert share_link(fresh) == link
    fresh.screenshot(path=str(SHOTS / "08_share_after.png"), full_page=True)  # type: ignore[attr-defined]
    fresh.context.close()  # type: ignore[attr-defined]


def test_malformed_link_shows_notice(app_url: str, browser: object) -> None:
    page = new_page(browser)
    page.goto(app_url + "sangong?unit=%E4%B8%8D%E5%AD%98%E5%9C%A8&years=abc&foo=1")  # type: ignore[attr-defined]
    wait_until_done(page)
    assert_no_errors(page)
    assert page.locator("h1").first.inner_text().strip() == "三公经费"  # type: ignore[attr-defined]
    text = page.locator('[data-testid="stMain"]').inner_text()  # type: ignore[attr-defined]
    assert "无法识别，已忽略" in text
    page.context.close()  # type: ignore[attr-defined]


def test_chromium_found() -> None:
    assert shutil.which("chromium") or Path(CHROMIUM).exists()
