"""数据管理 in Chromium: an editor uploads a real PDF through the file input, the background
build loads it, the page lists it as loaded and 总览 shows it; without an editor password
the page offers no upload control.  Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.build import build
from tests.conftest import REPO
from tests.test_browser import (  # noqa: F401  (browser is a fixture)
    SHOTS,
    assert_no_errors,
    browser,
    new_page,
    running_app,
    sync_api,
    wait_until_done,
)

pytestmark = pytest.mark.browser

START = REPO / "samples" / "reports" / "txt" / "000_49c7c66149f159f0.txt"
UPLOAD = REPO / "samples" / "reports" / "pdf" / "002_bf967062ffb9ca21.pdf"
BAD = REPO / "tests" / "fixtures" / "bad" / "encrypted.pdf"
PASSWORD = "编辑-口令-7"
BUILD_MS = 180_000


def _warehouse(tmp: Path) -> Path:
    """Given a temporary folder, return a warehouse built from one bundled TXT report."""
    start = tmp / "start"
    start.mkdir()
    shutil.copy(START, start)
    db = tmp / "wh" / "finance.duckdb"
    build([start], db, log=lambda line: None)
    return db


@pytest.fixture
def editor_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("JUESUAN_EDITOR_PASSWORD", PASSWORD)
    monkeypatch.setenv("JUESUAN_JOBS", "1")
    with running_app(_warehouse(tmp_path), tmp_path / "streamlit.log") as url:
        yield url


def _table_texts(page: object) -> list[str]:
    """Return the row texts of every st.dataframe on the page (their accessible grids)."""
    frames = page.locator('[data-testid="stDataFrame"]')  # type: ignore[attr-defined]
    for i in range(frames.count()):
        if frames.nth(i).is_visible():  # not in a closed expander: its grid is drawn
            frames.nth(i).scroll_into_view_if_needed()
            rows = frames.nth(i).locator('table[role="grid"] tbody tr')
            rows.first.wait_for(state="attached", timeout=15_000)
    return page.evaluate(  # type: ignore[attr-defined]
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"] table[role="grid"] tbody tr')]
                 .map(r => r.innerText)"""
    )


def test_editor_uploads_a_pdf_and_sees_it_on_the_overview(editor_app: str, browser) -> None:  # noqa: F811
    page = new_page(browser)
    page.goto(editor_app + "manage")
    wait_until_done(page)
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
    box = page.get_by_label("编辑密码（输入后可上传或删除报告）")
    box.fill(PASSWORD)
    box.press("Enter")
    picker = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    picker.wait_for(state="attached", timeout=30_000)
    shown = page.evaluate(  # Streamlit's English button and limit line hidden, Chinese shown
        """() => [
            '[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p',
            '[data-testid="stFileUploaderDropzoneInstructions"] span',
        ].map(s => document.querySelector(s)).map(e => [
            getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content])"""
    )
    assert shown[0][0] == "0px" and shown[0][1] == '"选择文件"', shown
    assert shown[1][0] == "0px" and shown[1][1].startswith('"单个文件不超过 '), shown
    zone = '[data-testid="stFileUploaderDropzone"]'
    files = page.evaluate_handle(
        "() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'a.pdf')); return d; }"
    )
    page.dispatch_event(zone, "dragenter", {"dataTransfer": files})
    hint = page.locator(zone + " > div:not([data-testid]) > span")  # Streamlit's drag hint
    hint.wait_for(timeout=10_000)
    assert hint.evaluate("e => getComputedStyle(e).fontSize") == "0px"
    assert (
        hint.evaluate("e => getComputedStyle(e, '::after').content") == '"松开鼠标即可加入这些文件"'
    )
    page.dispatch_event(zone, "dragleave", {"dataTransfer": files})
    picker.set_input_files([str(UPLOAD), str(BAD)])
    page.locator('[data-testid="stFileChipName"]').nth(1).wait_for(timeout=30_000)
    page.wait_for_function(  # the file has reached the server
        "() => !document.querySelector('[data-testid=\"stFileChipIconSpinner\"]')",
        timeout=30_000,
    )
    page.get_by_role("button", name="上传并载入").click()
    with contextlib.suppress(sync_api.Error):  # the bar may be gone already on a fast machine
        page.locator('[data-testid="stProgress"]').wait_for(timeout=10_000)
        page.screenshot(path=str(SHOTS / "07_manage_building.png"), full_page=True)
    page.get_by_text("构建完成").wait_for(timeout=BUILD_MS)
    wait_until_done(page)
    assert_no_errors(page)
    line = page.get_by_text(f"✓ {UPLOAD.name}：已载入：").inner_text()
    assert "金口河·区委办 2024 年 决算" in line, line
    refused = page.get_by_text(f"✗ {BAD.name}：未载入：").inner_text()
    assert refused.count("\n") == 0 and "加密" in refused, refused
    rows = [r for r in _table_texts(page) if UPLOAD.name in r]
    assert rows and "已载入" in rows[0] and "上传" in rows[0], rows
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "08_manage_uploaded.png"), full_page=True)

    page.goto(editor_app)
    wait_until_done(page)
    assert_no_errors(page)
    assert page.locator("h1").first.inner_text().strip() == "总览"
    rows = _table_texts(page)  # before the upload only 峨边·县委办 was loaded
    assert any(r.startswith("金口河·区委办2024决算") for r in rows), rows
    page.screenshot(path=str(SHOTS / "09_overview_after_upload.png"), full_page=True)
    page.context.close()


def test_without_editor_password_there_is_no_upload_control(tmp_path, monkeypatch, browser):  # noqa: F811
    monkeypatch.delenv("JUESUAN_EDITOR_PASSWORD", raising=False)
    with running_app(_warehouse(tmp_path), tmp_path / "streamlit.log") as url:
        page = new_page(browser)
        page.goto(url + "manage")
        wait_until_done(page)
        assert_no_errors(page)
        assert page.locator("h1").first.inner_text().strip() == "数据管理"
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        assert page.locator('input[type="file"], input[type="password"]').count() == 0
        assert page.get_by_text("看板为只读").count() == 1
        assert any(START.name in r for r in _table_texts(page))
        page.screenshot(path=str(SHOTS / "10_manage_read_only.png"), full_page=True)
        page.context.close()
