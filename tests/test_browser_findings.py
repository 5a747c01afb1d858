"""Browser check of the 核查与异常 page on the warehouse built from the bundled samples:
it renders in Chromium without an error element, a link opens a filtered view with the
evidence of a finding, and screenshots are written to artifacts/screenshots/.
"""

from __future__ import annotations

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


def test_findings_page_in_browser(samples_url: tuple[str, Path], browser: object) -> None:  # noqa: F811
    url, db = samples_url
    page = new_page(browser)
    page.goto(url + "findings")  # type: ignore[attr-defined]
    wait_until_done(page)
    assert_no_errors(page)
    assert page.locator("h1").first.inner_text().strip() == "核查与异常"  # type: ignore[attr-defined]
    count, rows = grid_rows(page)
    shown = _count(db, "SELECT count(*) FROM findings WHERE severity IN ('error', 'warning')")
    assert count is not None and int(count) == 1 + shown  # header row + errors and warnings
    assert rows and all("万元" in r or "%" in r or "分" in r or "年" in r for r in rows)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "07_findings.png"), full_page=True)  # type: ignore[attr-defined]
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
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "08_findings_filtered.png"), full_page=True)  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]
