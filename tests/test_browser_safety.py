"""Browser checks that nothing from a report, a file name or a link is rendered as markup.

A bundled TXT report is copied under a file name carrying HTML and Markdown, with a sentence
that carries a phone number, an e-mail address, a Markdown link and image and an HTML image;
the dashboard runs on a warehouse built from it.  Every page, opened plainly and with hostile
query strings (Markdown links and images, colour directives, HTML, a 60 KB value -- the web
server refuses a request line over 64 KB with HTTP 431 before the app sees it --, a key repeated
thousands of times, control characters), must show these as text: no link or image pointing
elsewhere, no request to any other host, no error box, never a blank page.  The
phone number appears masked on 核查与异常 and in its CSV.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import REPO, run_cli
from tests.test_browser import (  # noqa: F401  (browser is a fixture)
    PAGES,
    assert_no_errors,
    browser,
    new_page,
    running_app,
    wait_until_done,
)

pytestmark = pytest.mark.browser

EVIL = "evil.example"
SAMPLE = REPO / "samples" / "reports" / "txt" / "000_49c7c66149f159f0.txt"
# A sentence of the sample that a check quotes as evidence (reason.direction).
ANCHOR = "主要原因是人员变动公用经费减少"
PHONE, PHONE_MASKED = "13812345678", "138****5678"
INJECTED = (
    f"（经办人电话{PHONE}，邮箱 wang.xiao@example.gov.cn，详见[会话已过期，点此重新登录]"
    f"(https://{EVIL}/login)![x](https://{EVIL}/a.png)<img src=https://{EVIL}/b.png>）"
)
HOSTILE_NAME = "<img src=x onerror=alert(1)>[点此登录](javascript:alert(1)) **决算**.txt"
HOSTILE_QUERIES = {
    "markdown_link": f"unit={quote(f'[会话已过期，点此重新登录](https://{EVIL}/login)')}",
    "markdown_image": f"region={quote(f'![x](https://{EVIL}/i.png)')}",
    "directive": f"region={quote(':red[**请致电 010-12345678**]')}",
    "html": f"kind={quote(f'<img src=https://{EVIL}/h.png>')}&{quote('<b>x</b>')}=1",
    "long": "unit=" + "A" * 60_000,  # the web server refuses request lines over 64 KB (HTTP 431)
    "repeated": "&".join(["unit=x"] * 3000),
    "control": "unit=" + quote("a\nb\x07\u202e\u200b") + "&x%0Ay=1",
}


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser_safety")
    reports = tmp / "reports"
    reports.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    assert ANCHOR in text
    (reports / HOSTILE_NAME).write_text(text.replace(ANCHOR, ANCHOR + INJECTED, 1), "utf-8")
    db = tmp / "finance.duckdb"
    assert run_cli("build", "--db", str(db), str(reports)).code == 0
    with running_app(db, tmp / "streamlit.log") as url:
        yield url


def _guarded_page(browser: object, requests: list[str]) -> object:  # noqa: F811
    """Given the browser, return a page that records (and blocks) requests to other hosts."""
    page = new_page(browser)

    def route(r) -> None:
        host = urlsplit(r.request.url).hostname or ""
        if host in ("localhost", "127.0.0.1") or r.request.url.startswith("data:"):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)  # type: ignore[attr-defined]
    return page


def _assert_plain(page: object, requests: list[str]) -> None:
    """Given a finished page, assert no outside link, image or request and no error box."""
    assert_no_errors(page)
    assert page.locator("h1").count() >= 1  # type: ignore[attr-defined]
    outside = page.evaluate(  # type: ignore[attr-defined]
        """(evil) => [...document.querySelectorAll('a[href], img[src], [onerror], iframe')]
            .map(e => e.outerHTML.slice(0, 120))
            .filter(h => h.includes(evil) || h.includes('javascript:') || h.includes('onerror'))""",
        EVIL,
    )
    assert outside == []
    assert requests == []


# 核查与异常 opened on the report's one finding that quotes the injected sentence (its evidence
# is then shown).
@pytest.mark.parametrize("url_path", list(PAGES) + ["findings?fd_rule=reason.direction"])
def test_report_text_is_plain_on_every_page(hostile_app, browser, url_path):  # noqa: F811
    requests: list[str] = []
    page = _guarded_page(browser, requests)
    page.goto(hostile_app + url_path)  # type: ignore[attr-defined]
    wait_until_done(page)
    _assert_plain(page, requests)
    assert PHONE not in page.content()  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", list(HOSTILE_QUERIES))
@pytest.mark.parametrize("url_path", ["", "findings", "sources"])
def test_hostile_query_string_is_plain(hostile_app, browser, url_path, case):  # noqa: F811
    requests: list[str] = []
    page = _guarded_page(browser, requests)
    page.goto(f"{hostile_app}{url_path}?{HOSTILE_QUERIES[case]}")  # type: ignore[attr-defined]
    wait_until_done(page)
    _assert_plain(page, requests)
    body = page.locator("body").inner_text()  # type: ignore[attr-defined]
    assert "A" * 200 not in body  # a long value is never shown whole
    page.context.close()  # type: ignore[attr-defined]


def test_phone_masked_on_findings_and_in_its_csv(hostile_app, browser):  # noqa: F811
    requests: list[str] = []
    page = _guarded_page(browser, requests)
    page.goto(hostile_app + "findings?fd_rule=reason.direction")  # type: ignore[attr-defined]
    wait_until_done(page)
    html = page.content()  # type: ignore[attr-defined]
    page.get_by_role("tab", name="下载").click()  # type: ignore[attr-defined]
    wait_until_done(page)  # only the open tab is drawn: opening it reruns the page
    with page.expect_download() as got:  # type: ignore[attr-defined]
        page.get_by_role("button", name="下载 CSV").click()  # type: ignore[attr-defined]
    csv = Path(got.value.path()).read_text(encoding="utf-8-sig")
    assert PHONE_MASKED in csv and PHONE not in csv
    assert "wang.xiao@" not in csv
    # the evidence shows the masked number as typed (asterisks are not Markdown emphasis)
    assert PHONE not in html and "wang.xiao@" not in html and PHONE_MASKED in html
    page.context.close()  # type: ignore[attr-defined]
