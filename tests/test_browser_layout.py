"""Browser checks of what a person sees: no legend over a plot area, tick labels or an axis
title, no tick label over another, on every page at 1366 × 900 and 1920 × 1080, on the demo
warehouse, and alert icons drawn with the bundled icon font (no emoji box).

The boxes are read from Plotly's SVG in Chromium (``g.legend``, the plot areas' ``.nsewdrag``
rectangles, ``g.xtick``/``g.ytick`` texts, ``text.xtitle``/``text.ytitle``).  Screenshots go to artifacts/screenshots/layout/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.demo_fixture import demo_warehouse
from tests.test_browser import (  # noqa: F401  (browser is a fixture)
    SHOTS,
    assert_no_errors,
    browser,
    running_app,
    wait_until_done,
    whole_page_screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PAGES = {  # url_path -> title (dashboard.py)
    "": "总览",
    "findings": "核查与异常",
    "structure": "支出结构",
    "sangong": "三公经费",
    "vehicles": "公务用车",
    "performance": "绩效自评",
    "sources": "数据与来源",
}
VIEWPORTS = {1366: 900, 1920: 1080}
SLACK_PX = 1.0  # boxes touching by up to this much do not count as overlapping
TOUCH_PX = 2.0  # a legend nearer than this to an axis title reads as touching it
# Every drawn chart's boxes, in page coordinates: legend, plot areas, tick labels per axis.
BOXES_JS = """
() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom]; };
  const visible = (el) => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).display !== 'none'; };
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map((chart) => {
    const title = chart.querySelector('.gtitle');
    const legend = chart.querySelector('g.legend');
    const ticks = {};
    for (const layer of chart.querySelectorAll('g.xaxislayer-above, g.yaxislayer-above')) {
      const key = layer.getAttribute('class') + ':' + Object.keys(ticks).length;
      ticks[key] = [...layer.querySelectorAll('g.xtick text, g.ytick text')]
        .filter((t) => visible(t) && t.textContent.trim()).map(box);
    }
    const axisTitles = [...chart.querySelectorAll('text')]
      .filter((t) => /^[xy][0-9]*title$/.test(t.getAttribute('class') || ''))
      .filter((t) => visible(t) && t.textContent.trim()).map(box);
    return {
      title: title ? title.textContent : '',
      axisTitles,
      legend: legend && legend.querySelector('.traces') && visible(legend) ? box(legend) : null,
      plots: [...chart.querySelectorAll('.nsewdrag')].filter(visible).map(box),
      ticks,
    };
  }).filter((c) => c.plots.length);
}
"""


def overlap(a: list[float], b: list[float]) -> bool:
    """Given two boxes (left, top, right, bottom), return whether they overlap beyond SLACK_PX."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w > SLACK_PX and h > SLACK_PX


def touch(a: list[float], b: list[float]) -> bool:
    """Given two boxes, return whether they overlap or lie closer than TOUCH_PX to each other."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w > -TOUCH_PX and h > -TOUCH_PX


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = demo_warehouse(tmp_path_factory.getbasetemp())
    log = tmp_path_factory.mktemp("layout") / "streamlit.log"
    with running_app(db, log) as url:
        yield url


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("url_path", list(PAGES))
def test_no_legend_over_plots_and_no_tick_label_over_another(
    demo_url: str,
    browser: object,  # noqa: F811
    url_path: str,
    width: int,
) -> None:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": width, "height": VIEWPORTS[width]}, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(demo_url + url_path)
    wait_until_done(page)
    assert_no_errors(page)
    assert not page.get_by_text("Page not found").count()
    assert page.locator("h1").first.inner_text().strip() == PAGES[url_path]
    out = SHOTS / "layout"
    out.mkdir(parents=True, exist_ok=True)
    whole_page_screenshot(page, out / f"{url_path or 'overview'}_{width}.png")
    charts = page.evaluate(BOXES_JS)
    # the charts of the other tabs are drawn once their tab is opened
    tabs = page.locator('[data-testid="stMain"] [role="tab"]')
    for i in range(1, tabs.count()):
        tabs.nth(i).click()
        wait_until_done(page)
        charts += page.evaluate(BOXES_JS)
    context.close()
    assert charts or url_path == "sources", "expected drawn charts"
    for chart in charts:
        name = chart["title"] or "(untitled)"
        legend = chart["legend"]
        if legend:
            assert not any(overlap(legend, p) for p in chart["plots"]), f"legend over plot: {name}"
            for labels in chart["ticks"].values():
                assert not any(overlap(legend, t) for t in labels), f"legend over ticks: {name}"
            assert not any(touch(legend, t) for t in chart["axisTitles"]), (
                f"legend touches an axis title: {name}"
            )
        for axis, labels in chart["ticks"].items():
            clashes = [
                (a, b) for i, a in enumerate(labels) for b in labels[i + 1 :] if overlap(a, b)
            ]
            assert not clashes, f"tick labels overlap on {axis} of {name}"


# Every alert's icon: its text and whether the font it is drawn in is loaded (an emoji icon
# has no font in a bare headless Chromium and shows as a box).
ALERT_ICONS_JS = """
() => [...document.querySelectorAll('[data-testid="stAlert"]')].map((alert) => {
  const icon = alert.querySelector('[data-testid="stAlertDynamicIcon"]');
  const family = icon ? getComputedStyle(icon).fontFamily : '';
  const name = icon ? icon.textContent : '';
  return {
    text: alert.innerText,
    icon: name,
    family,
    loaded: icon ? document.fonts.check('16px ' + family, name) : false,
    width: icon ? icon.getBoundingClientRect().width : 0,
  };
})
"""


def test_demo_banner_icon_is_drawn_from_the_bundled_icon_font(
    demo_url: str,
    browser: object,  # noqa: F811
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(demo_url)
    wait_until_done(page)
    page.evaluate("document.fonts.ready")
    alerts = page.evaluate(ALERT_ICONS_JS)
    (SHOTS / "layout").mkdir(parents=True, exist_ok=True)
    banner = [a for a in alerts if "示例数据" in a["text"]]
    page.locator('[data-testid="stAlert"]').first.screenshot(
        path=str(SHOTS / "layout" / "demo_banner.png")
    )
    context.close()
    assert len(banner) == 1, alerts
    icon = banner[0]
    # a Material Symbols ligature (bundled with Streamlit), not an emoji no font has
    assert re.fullmatch(r"[a-z_]+", icon["icon"]) and "Material Symbols" in icon["family"], icon
    assert icon["loaded"] and 0 < icon["width"] < 40, icon
