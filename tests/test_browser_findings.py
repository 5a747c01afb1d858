"""Browser check of the 核查与异常 page on the warehouse built from the bundled samples:
it renders in Chromium without an error element, a link opens a filtered view with the
evidence of a finding, and screenshots are written to artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest

from tests.conftest import REPO, run_cli
from tests.test_browser import (  # noqa: F401  (browser is a fixture)
    SHOTS,
    assert_no_errors,
    browser,
    grid_rows,
    new_page,
    running_app,
    share_link,
    wait_until_done,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def samples_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("browser_findings")
    db = tmp / "finance.duckdb"
    assert run_cli("build", "--db", str(db), str(REPO / "samples" / "reports" / "docx")).code == 0
    with running_app(db, tmp / "streamlit.log") as url:
        yield url, db


def _count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def _page(browser: object, width: int) -> object:  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 1000}, locale="zh-CN")  # type: ignore[attr-defined]
    return context.new_page()


def _open(page: object, url: str) -> None:
    """Open a URL and wait until the finding list is drawn (a rerun may replace it once)."""
    for _ in range(3):
        page.goto(url)  # type: ignore[attr-defined]
        wait_until_done(page)
        grid = page.locator('[data-testid="stDataFrame"]:visible')  # type: ignore[attr-defined]
        try:
            grid.first.wait_for(state="visible", timeout=10_000)
            return
        except Exception:
            continue


def _main_text(page: object) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()  # type: ignore[attr-defined]


def _tiles(page: object) -> list[str]:
    return [  # type: ignore[attr-defined]
        t.strip() for t in page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    ]


FILE_NAME = re.compile(r"[\w.-]+\.(?:docx|pdf|txt|html?|xlsx?)")


@pytest.mark.parametrize("width", [1366, 1920])
def test_findings_page_in_browser(
    samples_url: tuple[str, Path],
    browser: object,  # noqa: F811
    width: int,
) -> None:
    url, db = samples_url
    page = _page(browser, width)
    _open(page, url + "findings")
    assert_no_errors(page)
    assert page.locator("h1").first.inner_text().strip() == "核查与异常"  # type: ignore[attr-defined]
    count, rows = grid_rows(page)
    shown = _count(db, "SELECT count(*) FROM findings WHERE severity IN ('error', 'warning')")
    assert count is not None and int(count) == 1 + shown  # header row + errors and warnings
    text = FILE_NAME.sub("", _main_text(page))
    assert not re.findall(r"[A-Za-z]{3,}", text), re.findall(r"[A-Za-z]{3,}", text)
    # the full message of the open finding is on screen, wrapped, not cut
    panel = page.locator('[class*="st-key-fd_evidence"]')  # type: ignore[attr-defined]
    box = panel.bounding_box()
    assert box and box["x"] + box["width"] <= width
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"07_findings_{width}.png"), full_page=True)  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]


def test_clicking_a_row_opens_its_evidence_and_tiles_follow_filters(
    samples_url: tuple[str, Path],
    browser: object,  # noqa: F811
) -> None:
    url, db = samples_url
    page = _page(browser, 1440)
    _open(page, url + "findings")
    _, rows = grid_rows(page)
    panel = page.locator('[class*="st-key-fd_evidence"]')  # type: ignore[attr-defined]

    def open_message() -> str:  # the full message: the panel's third line
        return [t for t in panel.inner_text().splitlines() if t.strip()][2]

    assert open_message() in rows[0] and open_message() not in rows[2]
    grid = page.locator('[data-testid="stDataFrame"]').first  # type: ignore[attr-defined]
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 * 3 + 17)  # type: ignore[attr-defined]  # row 3
    wait_until_done(page)
    assert open_message() in rows[2]
    # tiles count what the list shows: drop 警告 and they follow
    errors = _count(db, "SELECT count(*) FROM findings WHERE severity = 'error'")
    page.locator('[data-testid="stButtonGroup"] button', has_text="警告").first.click()  # type: ignore[attr-defined]
    wait_until_done(page)
    count, _ = grid_rows(page)
    assert int(count) == 1 + errors
    assert _tiles(page)[:3] == [f"{errors} 条", "未选", "未选"]  # not a 0 it does not have
    page.context.close()  # type: ignore[attr-defined]


def test_findings_link_opens_filtered_view_with_evidence(
    samples_url: tuple[str, Path],
    browser: object,  # noqa: F811
) -> None:
    url, db = samples_url
    page = new_page(browser)
    page.goto(url + "findings?fd_rule=pct.completion&fd_sev=" + quote("错误"))  # type: ignore[attr-defined]
    wait_until_done(page)
    assert_no_errors(page)
    count, rows = grid_rows(page)
    errors = _count(
        db, "SELECT count(*) FROM findings WHERE rule = 'pct.completion' AND severity = 'error'"
    )
    assert errors > 0 and count is not None and int(count) == 1 + errors  # header + rows
    evidence = page.locator('[class*="st-key-fd_evidence"]')  # type: ignore[attr-defined]
    assert "原文证据" in evidence.inner_text()
    page.context.close()  # type: ignore[attr-defined]


def test_findings_link_with_open_tab_and_picked_finding_round_trips(
    samples_url: tuple[str, Path],
    browser: object,  # noqa: F811
) -> None:
    """A person picks a finding, opens 按单位汇总 and copies the link; a fresh browser opening
    it sees that tab open, the same finding picked on 逐条核查, and the same link."""
    url, _db = samples_url
    page = _page(browser, 1440)
    _open(page, url + "findings")
    _, rows = grid_rows(page)
    panel = page.locator('[class*="st-key-fd_evidence"]')  # type: ignore[attr-defined]
    grid = page.locator('[data-testid="stDataFrame"]').first  # type: ignore[attr-defined]
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 * 3 + 17)  # type: ignore[attr-defined]  # row 3
    wait_until_done(page)
    picked = panel.inner_text()
    assert [t for t in picked.splitlines() if t.strip()][2] in rows[2]
    page.get_by_role("tab", name="按单位汇总").click()  # type: ignore[attr-defined]
    wait_until_done(page)
    link = share_link(page)
    assert "fd_tab=units" in link and "fd_pick=" in link and "years=" in link
    assert "%E5%B3%A8" not in link  # no unit or severity names: ids only
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "09_findings_link_before.png"), full_page=True)  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]

    fresh = _page(browser, 1440)  # a new context: no cookies, no session
    fresh.goto(link)  # type: ignore[attr-defined]
    wait_until_done(fresh)
    assert_no_errors(fresh)
    selected = fresh.locator('[role="tab"][aria-selected="true"]').inner_text().strip()  # type: ignore[attr-defined]
    assert selected == "按单位汇总"
    charts = fresh.locator('[data-testid="stPlotlyChart"]')  # type: ignore[attr-defined]
    charts.first.wait_for(state="visible", timeout=45_000)  # plotly's code loads on first use
    assert charts.count() == 1
    assert share_link(fresh) == link
    fresh.screenshot(path=str(SHOTS / "10_findings_link_after.png"), full_page=True)  # type: ignore[attr-defined]
    fresh.get_by_role("tab", name="逐条核查").click()  # type: ignore[attr-defined]
    wait_until_done(fresh)
    again = fresh.locator('[class*="st-key-fd_evidence"]')  # type: ignore[attr-defined]
    again.wait_for(state="visible", timeout=15_000)
    assert again.inner_text() == picked
    fresh.context.close()  # type: ignore[attr-defined]


def test_unknown_page_link_in_browser(
    samples_url: tuple[str, Path],
    browser: object,  # noqa: F811
) -> None:
    url, _db = samples_url
    page = _page(browser, 1440)
    page.goto(url + "nonexistent_page?kind=" + quote("决算"))  # type: ignore[attr-defined]
    wait_until_done(page)
    assert_no_errors(page)
    text = _main_text(page)
    assert "链接中的页面“nonexistent_page”不存在" in text
    link = share_link(page)
    assert "nonexistent" not in link and link.startswith(url)
    page.context.close()  # type: ignore[attr-defined]
