"""Rank first, then detail: AppTest checks of the rankings of 三公经费, 总览 and 公务用车.

Each ranking sorts units by the value shown, draws the top N of the link by name, sums
the rest as “其余 N 个单位” and adds the units picked in the link; trends are small
multiples with the derived prior years drawn by default and marked as such.  Expected
values are read from the warehouse with SQL of their own, not through the page's query.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from dashboard_lib import fmt
from tests.dashboard_fixture import UNITS, build_fixture
from tests.demo_fixture import demo_warehouse
from tests.test_pages import PAGES, assert_clean, open_app, share_link

# each unit's value of a metric in its latest year: stated before derived, 决算 first
LATEST = """
    SELECT unit_id, display_name, fiscal_year, value FROM metric_series WHERE metric = ?
    QUALIFY row_number() OVER (
        PARTITION BY unit_id ORDER BY fiscal_year DESC, derived, doc_kind <> '决算') = 1
"""


def latest(db: Path, metric: str) -> dict[str, float]:
    """Given a warehouse and a metric, return each unit's latest value by display name."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: v for _, name, _, v in con.execute(LATEST, [metric]).fetchall()}
    finally:
        con.close()


def specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.main.get("plotly_chart")]


def plotly_array(values: list | dict) -> list:
    """Given a trace's values as Plotly writes them (a list, or a typed array in base64),
    return them as a list."""
    if isinstance(values, list):
        return values
    import base64

    import numpy as np

    return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()


def ranking_bars(at, title_part: str) -> dict:
    spec = next(s for s in specs(at) if title_part in s["layout"]["title"]["text"])
    (bars,) = [t for t in spec["data"] if t["type"] == "bar"]
    assert bars["orientation"] == "h"
    return bars


def panels(spec: dict) -> list[str]:
    """Given a small-multiples figure, return its panel titles."""
    return [a["text"] for a in spec["layout"].get("annotations", [])]


def ranked(values: dict[str, float]) -> list[str]:
    """Given values by unit name, return the names as the page ranks them (ties by name)."""
    return sorted(values, key=lambda n: (-values[n], n))


def use_db(monkeypatch: pytest.MonkeyPatch, db: Path) -> Path:
    monkeypatch.setenv("JUESUAN_DB", str(db))
    monkeypatch.setenv("JUESUAN_AUTOBUILD", "0")
    return db


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("rank") / "fixture.duckdb")


@pytest.fixture
def fixture_db_env(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_db(monkeypatch, small_db)


# ------------------------------------------------------------------ 三公经费


def test_sangong_ranks_units_by_total_top_n_from_link_rest_summed(fixture_db_env: Path) -> None:
    at = open_app("sangong", {"sg_top": "3"})
    assert_clean(at)
    assert at.selectbox(key="sg_top").value == 3
    assert parse_qs(urlsplit(share_link(at)).query)["sg_top"] == ["3"]
    want = latest(fixture_db_env, "sangong.total")
    order = ranked(want)
    bars = ranking_bars(at, "三公经费合计")
    assert bars["y"][:3] == order[:3]  # largest first
    assert bars["x"][:3] == pytest.approx([want[n] for n in order[:3]])
    assert bars["y"][3] == f"其余 {len(order) - 3} 个单位"
    assert bars["x"][3] == pytest.approx(sum(want[n] for n in order[3:]))
    # each bar says its amount in 万元 with two decimals, then its change on the prior year
    assert bars["text"][0].startswith(f"{want[order[0]]:,.2f} 万元 ")
    assert "%）" in bars["text"][0]


@pytest.mark.parametrize(
    "metric,label",
    [
        ("sangong.outbound", "因公出国（境）费"),
        ("sangong.vehicle", "公务用车购置及运行维护费"),
        ("sangong.reception", "公务接待费"),
    ],
)
def test_sangong_ranks_units_by_each_component(fixture_db_env: Path, metric, label) -> None:
    at = open_app("sangong", {"sg_metric": label, "sg_top": "5"})
    assert_clean(at)
    want = latest(fixture_db_env, metric)
    bars = ranking_bars(at, label)
    assert bars["y"] == ranked(want)
    assert bars["x"] == pytest.approx(sorted(want.values(), reverse=True))
    # the table of every unit is built only once its expander is opened
    assert not [d for d in at.dataframe if "排名" in d.value.columns]
    at.session_state["sg_all"] = True
    at.run()
    table = at.dataframe[0].value
    assert list(table["排名"]) == list(range(1, len(want) + 1))
    assert list(table["单位"]) == bars["y"]
    for name in ("三公经费合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务接待费"):
        assert {f"{name}（万元）", f"{name}增减（万元）", f"{name}增减率（%）"} <= set(table)
    # the change is this year's value less the prior year's, and its rate is of the prior year
    ok = table.dropna(subset=[f"{label}增减（万元）"])
    assert len(ok)
    prev = ok[f"{label}（万元）"] - ok[f"{label}增减（万元）"]
    assert (ok[f"{label}增减率（%）"] - ok[f"{label}增减（万元）"] / prev * 100).abs().max() < 1e-6


def test_sangong_picked_unit_is_added_with_its_rank(fixture_db_env: Path) -> None:
    want = latest(fixture_db_env, "sangong.total")
    order = ranked(want)
    con = duckdb.connect(str(fixture_db_env), read_only=True)
    try:
        (unit_id,) = con.execute(
            "SELECT DISTINCT unit_id FROM metric_series WHERE display_name = ?", [order[-1]]
        ).fetchone()
    finally:
        con.close()
    at = open_app("sangong", {"sg_top": "3", "sg_add": unit_id})
    assert_clean(at)
    assert parse_qs(urlsplit(share_link(at)).query)["sg_add"] == [unit_id]  # the id, not the name
    bars = ranking_bars(at, "三公经费合计")
    assert bars["y"][:3] == order[:3]
    assert bars["y"][3] == f"{order[-1]}（第 {len(order)} 名）"
    assert bars["y"][4] == f"其余 {len(order) - 4} 个单位"
    assert bars["x"][4] == pytest.approx(sum(want[n] for n in order[3:-1]))


def test_sangong_trend_shows_derived_prior_years_by_default_marked(fixture_db_env: Path) -> None:
    at = open_app("sangong")
    assert_clean(at)
    assert at.toggle(key="sg_derived").value is True
    trend = next(s for s in specs(at) if "逐年" in s["layout"]["title"]["text"])
    assert len(panels(trend)) == len(UNITS)
    derived = [t for t in trend["data"] if t.get("marker", {}).get("symbol") == "circle-open"]
    assert derived, "derived prior-year values are drawn by default"
    assert all(fmt.DERIVED_HINT in t["hovertemplate"] for t in derived)
    assert fmt.DERIVED_HINT in {t.get("name") for t in derived if t.get("showlegend")}
    assert any(t.get("line", {}).get("dash") == "dot" for t in trend["data"])
    # hiding them is a choice in the link
    at = open_app("sangong", {"sg_derived": "false"})
    assert_clean(at)
    trend = next(s for s in specs(at) if "逐年" in s["layout"]["title"]["text"])
    assert not any(t.get("marker", {}).get("symbol") == "circle-open" for t in trend["data"])


def test_sangong_details_are_tabs_in_the_link_only_the_open_one_drawn(fixture_db_env: Path) -> None:
    def tables(at) -> list[set[str]]:
        return [set(d.value.columns) for d in at.dataframe]

    at = open_app("sangong")  # the trend tab by default
    assert_clean(at)
    assert any("逐年" in s["layout"]["title"]["text"] for s in specs(at))
    assert not [c for c in tables(at) if "预算数（万元）" in c or "接待批次" in c]
    at = open_app("sangong", {"sg_tab": "budget"})
    assert_clean(at)
    assert not any("逐年" in s["layout"]["title"]["text"] for s in specs(at))
    assert [c for c in tables(at) if {"预算数（万元）", "决算数（万元）"} <= c]
    assert parse_qs(urlsplit(share_link(at)).query)["sg_tab"] == ["budget"]
    at = open_app("sangong", {"sg_tab": "reception", "sg_derived": "false"})
    assert [c for c in tables(at) if {"接待批次", "接待人次"} <= c]
    # the closed trend tab's choice stays in the link
    query = parse_qs(urlsplit(share_link(at)).query)
    assert query["sg_tab"] == ["reception"] and query["sg_derived"] == ["false"]


# ------------------------------------------------------------------ 总览 and 公务用车


def test_overview_ranks_then_draws_small_multiples(fixture_db_env: Path) -> None:
    at = open_app("", {"ov_top": "3"})
    assert_clean(at)
    want = latest(fixture_db_env, "total.income_expenditure")
    order = ranked(want)
    bars = ranking_bars(at, "收支总计")
    assert bars["y"] == [*order[:3], f"其余 {len(order) - 3} 个单位"]
    assert bars["x"][-1] == pytest.approx(sum(want[n] for n in order[3:]))
    trend = next(s for s in specs(at) if "逐年" in s["layout"]["title"]["text"])
    assert panels(trend) == order[:3]  # one panel per ranked unit, in rank order
    # one legend for the marks, not one entry per unit
    shown = {t["name"] for t in trend["data"] if t.get("showlegend")}
    assert shown <= {"报告列示数", fmt.DERIVED_HINT}
    ranges = {tuple(v["range"]) for k, v in trend["layout"].items() if k.startswith("yaxis")}
    assert len(ranges) == 1  # shared value axis


def test_overview_score_rest_is_a_mean(fixture_db_env: Path) -> None:
    at = open_app("", {"ov_metric": fmt.label("perf.overall_score"), "ov_top": "3"})
    assert_clean(at)
    assert at.selectbox(key="ov_metric").value == "perf.overall_score"
    want = latest(fixture_db_env, "perf.overall_score")
    bars = ranking_bars(at, fmt.label("perf.overall_score"))
    rest = sorted(want.values(), reverse=True)[3:]
    assert bars["y"][-1] == f"其余 {len(rest)} 个单位（平均）"
    assert bars["x"][-1] == pytest.approx(sum(rest) / len(rest))


def test_vehicles_running_cost_per_vehicle_is_small_multiples(fixture_db_env: Path) -> None:
    at = open_app("vehicles", {"vh_top": "3"})
    assert_clean(at)
    trend = next(s for s in specs(at) if "单车运行维护费" in s["layout"]["title"]["text"])
    assert len(panels(trend)) == 3
    assert trend["layout"]["showlegend"] is False  # panel titles name the units


# ------------------------------------------------------------------ the demo warehouse


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_warehouse(tmp_path_factory.getbasetemp())


@pytest.mark.e2e
@pytest.mark.parametrize("url_path", list(PAGES))
def test_pages_on_demo_warehouse(demo_db: Path, monkeypatch, url_path: str) -> None:
    use_db(monkeypatch, demo_db)
    at = open_app(url_path, {"sg_top": "5"} if url_path == "sangong" else {})
    assert_clean(at)
    if url_path == "sangong":
        want = latest(demo_db, "sangong.total")
        order = ranked(want)
        bars = ranking_bars(at, "三公经费合计")
        assert [y.split(" ")[0] for y in bars["y"][:5]] == order[:5]
        assert bars["y"][5] == f"其余 {len(order) - 5} 个单位"
        assert bars["x"][5] == pytest.approx(sum(want[n] for n in order[5:]))


def test_sangong_change_of_a_one_year_range_uses_the_year_before(fixture_db_env: Path) -> None:
    # with only 2024 selected, the change is still against 2023 (outside the range)
    at = open_app("sangong", {"years": ["2024", "2024"], "sg_top": "10"})
    at.session_state["sg_all"] = True  # the table of every unit, in its expander
    at.run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert set(table["年度"]) == {2024}
    con = duckdb.connect(str(fixture_db_env), read_only=True)
    prev = dict(
        con.execute(
            "SELECT display_name, value FROM metric_series WHERE metric = 'sangong.total' "
            "AND fiscal_year = 2023 QUALIFY row_number() OVER ("
            "PARTITION BY unit_id ORDER BY derived, doc_kind <> '决算') = 1"
        ).fetchall()
    )
    con.close()
    assert prev
    for name, cur, change in zip(
        table["单位"], table["三公经费合计（万元）"], table["三公经费合计增减（万元）"], strict=True
    ):
        if name in prev:
            assert change == pytest.approx(cur - prev[name])
    assert table["三公经费合计增减（万元）"].notna().sum() == len(prev)


# ------------------------------------------------------------------ 支出结构

SHARES = """
    SELECT unit_id, display_name, fiscal_year, metric, value FROM metric_series
    WHERE metric IN ('expenditure.basic', 'expenditure.project') AND NOT derived
    QUALIFY row_number() OVER (
        PARTITION BY unit_id, fiscal_year, metric ORDER BY doc_kind <> '决算') = 1
"""


def test_structure_share_bars_rank_units_and_sum_the_rest(fixture_db_env: Path) -> None:
    con = duckdb.connect(str(fixture_db_env), read_only=True)
    try:
        rows = con.execute(SHARES).fetchall()
    finally:
        con.close()
    latest_year = {}
    for uid, _name, year, _m, _v in rows:
        latest_year[uid] = max(year, latest_year.get(uid, year))
    total: dict[tuple[str, int], float] = {}
    basic: dict[tuple[str, int], float] = {}
    for uid, name, year, metric, value in rows:
        if year == latest_year[uid]:
            total[(name, year)] = total.get((name, year), 0.0) + value
            if metric == "expenditure.basic":
                basic[(name, year)] = value
    order = sorted(total, key=lambda k: (-total[k], k[0]))
    at = open_app("structure", {"st_top": "3"})
    assert_clean(at)
    spec = next(s for s in specs(at) if "基本支出与项目支出" in s["layout"]["title"]["text"])
    cats = spec["data"][0]["y"]
    assert cats[:3] == [f"{n} {y}年" for n, y in order[:3]]  # largest total first
    assert cats[3:] == [f"其余 {len(order) - 3} 个单位"]
    rest = order[3:]
    share = 100 * sum(basic.get(k, 0.0) for k in rest) / sum(total[k] for k in rest)
    basic_trace = next(t for t in spec["data"] if t["name"] == "基本支出")
    assert plotly_array(basic_trace["x"])[3] == pytest.approx(share)
    assert parse_qs(urlsplit(share_link(at)).query)["st_top"] == ["3"]
