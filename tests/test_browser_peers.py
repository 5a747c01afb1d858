"""Browser check of the peer-group button: in Chromium, 只看同类单位（全部地区） under a picked
unit puts its unit type in the address bar and the copied link, drops the unit pick, and the
copied link opens the same view in a fresh page."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import db_rows
from tests.demo_fixture import demo_warehouse
from tests.test_browser import (  # noqa: F401  (browser is a fixture)
    SHOTS,
    assert_no_errors,
    browser,
    running_app,
    share_link,
    wait_until_done,
)

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    db = demo_warehouse(tmp_path_factory.getbasetemp())
    log = tmp_path_factory.mktemp("peers") / "streamlit.log"
    with running_app(db, log) as url:
        yield url, db


def test_peer_button_puts_the_peer_group_in_the_link(demo, browser) -> None:  # noqa: F811
    url, db = demo
    ((uid, type_id, n_peers),) = db_rows(
        db,
        "SELECT unit_id, unit_type_id, count(*) OVER (PARTITION BY unit_type_id) FROM units"
        " ORDER BY unit_id LIMIT 1",
    )
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{url}?unit={uid}")
    wait_until_done(page)
    assert_no_errors(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name="只看同类单位（全部地区）").click()
    page.wait_for_function(f"() => window.location.search.includes('type={type_id}')")
    wait_until_done(page)
    assert_no_errors(page)
    query = parse_qs(urlsplit(page.url).query)
    assert query["type"] == [type_id] and "unit" not in query
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "11_peer_group.png"))
    link = share_link(page)
    assert parse_qs(urlsplit(link).query)["type"] == [type_id]
    assert n_peers > 4  # the page caption then names four and counts the rest
    summary = f"等{n_peers}个单位"  # the filter line under the title: the peer group
    assert summary in page.locator('[data-testid="stMain"]').inner_text()
    fresh = context.new_page()
    fresh.goto(link)
    wait_until_done(fresh)
    assert summary in fresh.locator('[data-testid="stMain"]').inner_text()
    assert share_link(fresh) == link
    context.close()
