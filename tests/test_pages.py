"""AppTest checks of every dashboard page on the synthetic fixture warehouse.

The app is run through its entry point (dashboard.py, st.navigation) so every page gets
the shared frame.  A page is opened the way a link opens it: query parameters are set
before the first run, and the page is chosen by its st.Page url_path hash.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard_lib import safe
from tests.dashboard_fixture import UNITS, build_fixture

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "dashboard.py"
BASE_URL = "http://localhost:8501/"

# url_path -> title; must match PAGES in dashboard.py
PAGES = {
    "": "总览",
    "structure": "支出结构",
    "sangong": "三公经费",
    "vehicles": "公务用车",
    "performance": "绩效自评",
    "sources": "数据与来源",
    "manage": "数据管理",
}


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("wh") / "fixture.duckdb")


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("wh_empty") / "empty.duckdb", empty=True)


@pytest.fixture
def use_db(monkeypatch: pytest.MonkeyPatch):
    def _use(path: Path) -> None:
        monkeypatch.setenv("JUESUAN_DB", str(path))
        monkeypatch.setenv("JUESUAN_AUTOBUILD", "0")

    return _use


def open_app(url_path: str = "", params: dict[str, str | list[str]] | None = None) -> AppTest:
    """Run the app as a browser opening BASE_URL/<url_path>?<params> would."""
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.context = {"url": BASE_URL}
    at.query_params = dict(params or {})
    if url_path:
        # before a first run, switch_page() names the page by file name, which is also
        # its url_path in dashboard.py
        at.switch_page(f"pages/{url_path}.py")
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def share_link(at: AppTest) -> str:
    links = [c.value for c in at.sidebar.code]
    assert len(links) == 1
    return links[0]


def plotly_count(at: AppTest) -> int:
    return len(at.main.get("plotly_chart"))


# ------------------------------------------------------------------ every page renders


@pytest.mark.parametrize("url_path", list(PAGES))
def test_page_renders(fixture_db: Path, use_db, url_path: str) -> None:
    use_db(fixture_db)
    at = open_app(url_path)
    assert_clean(at)
    assert [t.value for t in at.title] == [PAGES[url_path]]
    # the shared frame: global filters and the share link
    assert at.sidebar.multiselect(key="unit")
    assert at.sidebar.radio(key="kind").value == "全部"
    assert share_link(at).startswith(BASE_URL + url_path)
    assert not at.toast
    # every fixture report is synthetic: the banner says so, with the count, on every page
    n = _synthetic_count(fixture_db)
    assert n > 0
    banners = [w.value for w in at.warning if "示例数据，非真实" in w.value]
    assert banners == [f"示例数据，非真实：当前仓库含 {n} 份合成报告（由程序生成，用于演示和测试），"
                       "其中的单位和金额都不是真实数据。"]  # fmt: skip


def _synthetic_count(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM reports WHERE is_synthetic").fetchone()[0]
    finally:
        con.close()


def test_overview_tiles_and_table(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("")
    assert_clean(at)
    labels = [m.label for m in at.metric]
    assert labels == [
        "收支总计（万元）",
        "基本支出（万元）",
        "项目支出（万元）",
        "三公经费（万元）",
        "公务用车（辆）",
        "平均自评得分（分）",
    ]
    # the unit is in the label, so a province's seven-digit sum fits the tile: 1,234.50
    assert re.fullmatch(r"\d{1,3}(,\d{3})+\.\d{2}", at.metric[0].value)
    assert re.fullmatch(r"\d+", at.metric[4].value)
    table = at.dataframe[0].value
    assert {
        "单位",
        "年度",
        "收支总计（万元）",
        "收支总计同比",
        "三公经费（万元）",
        "自评得分",
    } <= set(table.columns)
    # both 县委办 are shown with their region
    assert {"峨边·县委办", "双牌·县委办"} <= set(table["单位"])
    assert plotly_count(at) == 2  # the ranking and the trends of the ranked units


def test_structure_has_charts_and_drilldown(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    # the fixture's items state the short class 社会保障和就业; the page names it officially
    at = open_app("structure", {"st_class": "社会保障和就业支出", "st_mode": "矩形树图"})
    assert_clean(at)
    assert at.selectbox(key="st_class").value == "社会保障和就业支出"
    assert at.radio(key="st_mode").value == "矩形树图"
    items = at.dataframe[0].value
    assert set(items["类"]) == {"社会保障和就业支出"}
    assert plotly_count(at) == 4


def test_sangong_ranks_selected_units_and_draws_one_panel_each(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("sangong")
    assert_clean(at)
    assert plotly_count(at) == 2  # the ranking, then the trends as small multiples
    picked = ["峨边·县委办", "双牌·县委办", "金口河·区委办"]
    at = open_app("sangong", {"unit": picked})
    assert_clean(at)
    rank, trend = (json.loads(c.proto.spec) for c in at.main.get("plotly_chart"))
    assert sorted(rank["data"][0]["y"]) == sorted(picked)
    assert sorted(a["text"] for a in trend["layout"]["annotations"]) == sorted(picked)
    # the derived prior-year values are drawn as hollow markers, named on hover and legend
    names = [t.get("name", "") for t in trend["data"]]
    assert "由次年报告上年数推得" in names
    assert any(t.get("marker", {}).get("symbol") == "circle-open" for t in trend["data"])


def test_vehicles_views(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    for view in ("按车型", "按用途"):
        at = open_app("vehicles", {"vh_view": view})
        assert_clean(at)
        assert at.radio(key="vh_view").value == view
        assert plotly_count(at) == 2
        assert "单车运行维护费（万元/辆）" in at.dataframe[0].value.columns


def test_performance_indicator_drilldown(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("performance", {"pf_report": "双牌·县委办 2024年 绩效自评"})
    assert_clean(at)
    assert at.selectbox(key="pf_report").value is not None
    indicators = at.dataframe[-1].value
    assert list(indicators.columns[:7]) == [
        "一级指标",
        "二级指标",
        "指标",
        "指标值",
        "完成值",
        "分值",
        "得分",
    ]
    assert len(indicators) == 5
    # an old link naming the report opens it; the link now keeps the report's id
    report_id = at.selectbox(key="pf_report").value
    assert parse_qs(urlsplit(share_link(at)).query)["pf_report"] == [report_id]
    again = open_app("performance", {"pf_report": report_id})
    assert again.dataframe[-1].value.equals(indicators) and not again.toast


def test_sources_downloads(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("sources", {"src_tab": "download"})
    assert_clean(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 CSV（报告列示数值）", "下载 Excel（含推算值与报告清单）"]
    build_log = open_app("sources", {"src_tab": "log"}).dataframe[0].value
    assert {"失败", "重复", "已载入"} <= set(build_log["状态"])
    at = open_app("sources", {"src_tab": "lineage", "src_metric": "sangong.total"})
    prov = next(d.value for d in at.dataframe if "来源方式" in d.value.columns)
    assert {"报告列示", "由次年报告推算"} <= set(prov["来源方式"])
    assert "src_metric=sangong.total" in share_link(at)


def test_exports_have_chinese_headers(fixture_db: Path) -> None:
    import duckdb

    from dashboard_lib.export import csv_bytes, excel_bytes
    from warehouse import queries

    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        values = queries.stated_values(con, queries.Filters()).rename(
            columns={"display_name": "单位", "value": "数值"}
        )
    finally:
        con.close()
    text = csv_bytes(values).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("单位,")
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes({"报告列示数值": values})))
    sheet = book["报告列示数值"]
    assert sheet.cell(1, 1).value == "单位"
    assert sheet.max_row == len(values) + 1


@pytest.mark.parametrize("db_name", ["fixture", "samples"])
def test_coverage_ticks_exactly_the_stated_metrics(fixture_db: Path, samples_db: Path, db_name):
    """Each ✓ of the 覆盖 matrix is a stored fact of that report, and each fact has its ✓."""
    from warehouse import queries

    db = fixture_db if db_name == "fixture" else samples_db
    con = duckdb.connect(str(db), read_only=True)
    try:
        f = queries.Filters()
        cov = queries.coverage(con, f)
        facts = con.execute(
            "SELECT r.source_file, coalesce(c.label_zh, v.metric) FROM raw_facts v "
            "JOIN reports r USING (report_id) LEFT JOIN metric_catalog c USING (metric)"
        ).fetchall()
        narrow = queries.coverage(con, queries.Filters(year_from=2024, year_to=2024))
        n_reports = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    finally:
        con.close()
    labels = list(cov.columns[5:])
    assert list(cov.columns[:5]) == [
        "display_name",
        "fiscal_year",
        "doc_kind",
        "source_file",
        "n_metrics",
    ]
    assert len(cov) == n_reports and cov["source_file"].is_unique
    ticked = {
        (row.source_file, label)
        for row in cov.itertuples(index=False)
        for label, mark in zip(labels, row[5:], strict=True)
        if mark == "✓"
    }
    assert ticked == set(facts)
    assert set(cov.iloc[:, 5:].to_numpy().ravel()) <= {"✓", ""}
    per_file = cov.set_index("source_file")["n_metrics"].to_dict()
    for source_file in per_file:
        assert per_file[source_file] == len({lab for sf, lab in facts if sf == source_file})
    assert set(narrow["fiscal_year"]) <= {2024} and len(narrow) < len(cov)


# ------------------------------------------------------------------ URL state


def test_query_params_select_filters(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    params = {"unit": ["峨边·县委办", "双牌·县委办"], "years": ["2023", "2024"], "kind": "决算"}
    at = open_app("", params)
    assert_clean(at)
    assert not at.toast
    labels = dict(zip([u.unit_id for u in UNITS], [u.display_name for u in UNITS], strict=True))
    chosen = [labels[u] for u in at.sidebar.multiselect(key="unit").value]
    assert sorted(chosen) == sorted(params["unit"])
    assert at.sidebar.select_slider(key="years").value == (2023, 2024)
    assert at.sidebar.radio(key="kind").value == "决算"
    table = at.dataframe[0].value
    assert set(table["单位"]) == set(params["unit"])
    assert set(table["年度"]) == {2023, 2024}
    assert set(table["报告类型"]) == {"决算"}
    # the share link carries exactly these choices, units by id (the old names still open)
    link = urlsplit(share_link(at))
    q = parse_qs(link.query)
    ids = {u.display_name: u.unit_id for u in UNITS}
    assert sorted(q["unit"]) == sorted(ids[n] for n in params["unit"])
    assert q["years"] == ["2023", "2024"] and q["kind"] == ["决算"]


def test_share_link_round_trip(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    first = open_app("vehicles", {"region": "峨边", "kind": "决算", "vh_view": "按用途"})
    assert_clean(first)
    link = urlsplit(share_link(first))
    assert link.path == "/vehicles"
    q = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(link.query).items()}
    second = open_app(link.path.strip("/"), q)
    assert_clean(second)
    assert share_link(second) == share_link(first)
    assert second.dataframe[0].value.equals(first.dataframe[0].value)
    assert set(second.dataframe[0].value["单位"]) == {"峨边·县委办", "峨边·县政府办"}


@pytest.mark.parametrize(
    "params",
    [
        {"unit": "不存在的单位"},
        {"years": "abc"},
        {"years": ["2030", "2031"]},
        {"kind": "预算"},
        {"ov_sort": "乱序"},
        {"nonsense": "1"},
        {"unit": ["峨边·县委办", "%%%"], "years": "2023"},
    ],
)
def test_malformed_params_give_notice(fixture_db: Path, use_db, params: dict) -> None:
    use_db(fixture_db)
    at = open_app("", params)
    assert_clean(at)
    assert at.toast, "expected a notice"
    assert all("链接" in t.value and "忽略" in t.value for t in at.toast)
    assert any("⚠️" in c.value for c in at.main.caption)
    assert [t.value for t in at.title] == ["总览"]


def test_page_param_on_other_page_is_ignored(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("vehicles", {"sg_budget": "false"})
    assert_clean(at)
    assert any(safe.md("sg_budget") in t.value for t in at.toast)  # shown as typed


# ------------------------------------------------------------------ empty states


@pytest.mark.parametrize("url_path", list(PAGES))
def test_empty_warehouse_shows_empty_state(empty_db: Path, use_db, url_path: str) -> None:
    use_db(empty_db)
    at = open_app(url_path)
    assert_clean(at)
    assert any("还没有载入任何报告" in i.value for i in at.info)


def test_missing_warehouse_without_autobuild(tmp_path: Path, use_db) -> None:
    use_db(tmp_path / "missing.duckdb")
    at = open_app("")
    assert_clean(at)
    assert any("找不到数据仓库" in w.value for w in at.warning)


def test_filters_with_no_data(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    # 金口河·区委办 has no 决算 report for 2023
    for url_path in PAGES:
        at = open_app(
            url_path, {"unit": "金口河·区委办", "years": ["2023", "2023"], "kind": "决算"}
        )
        assert_clean(at)


# ------------------------------------------------------------------ the real warehouse


@pytest.mark.parametrize("url_path", list(PAGES))
def test_pages_on_warehouse_built_from_samples(samples_db: Path, use_db, url_path: str) -> None:
    """Every page renders on the warehouse the ETL builds from samples/reports."""
    use_db(samples_db)
    at = open_app(url_path)
    assert_clean(at)
    assert [t.value for t in at.title] == [PAGES[url_path]]
    assert not at.info or url_path == "performance"  # no empty state (绩效自评 may have few rows)
    assert _synthetic_count(samples_db) == 0
    assert not any("示例数据" in w.value for w in at.warning)  # real reports: no banner


def test_replaced_warehouse_is_read_afresh(
    fixture_db: Path, empty_db: Path, tmp_path: Path, use_db
) -> None:
    """The kept read-only connection never serves a warehouse file that was replaced."""
    import os
    import shutil

    from dashboard_lib import data

    db = tmp_path / "finance.duckdb"
    shutil.copy(fixture_db, db)
    use_db(db)
    before = int(data.query("warehouse_status")["n_reports"].iloc[0])
    assert before > 0
    # As a build does it: write a new file next to it, then os.replace it over the old one.
    fresh = tmp_path / "finance.duckdb.tmp-1"
    shutil.copy(empty_db, fresh)
    stat = db.stat()
    os.utime(fresh, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    os.replace(fresh, db)
    assert int(data.query("warehouse_status")["n_reports"].iloc[0]) == 0
    assert int(data.query("unit_list").shape[0]) == 0


def test_unit_type_filter_narrows_units_and_rides_in_the_link(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("", {"type": "government_department", "kind": "决算"})
    assert_clean(at)
    assert not at.toast
    assert at.sidebar.multiselect(key="type").value == ["government_department"]
    shown = set(at.dataframe[0].value["单位"])
    government = {u.display_name for u in UNITS if u.unit_type == "政府部门"}
    assert shown and shown <= government
    assert parse_qs(urlsplit(share_link(at)).query)["type"] == ["government_department"]
    # an older link naming the type opens the same view, and its copied link holds the id
    old = open_app("", {"type": "政府部门", "kind": "决算"})
    assert not old.toast and set(old.dataframe[0].value["单位"]) == shown
    assert share_link(old) == share_link(at)


def test_sources_lists_each_report_s_coverage(samples_db: Path, use_db) -> None:
    """数据与来源 shows, per report, what came from tables and text and what was not found."""
    use_db(samples_db)
    at = open_app("sources")
    assert_clean(at)
    table = at.dataframe[0].value
    con = duckdb.connect(str(samples_db), read_only=True)
    try:
        want = dict(
            con.execute(
                "SELECT r.source_file, c.from_tables + c.from_text FROM raw_coverage c"
                " JOIN raw_reports r USING (report_id)"
            ).fetchall()
        )
        facts = dict(
            con.execute(
                "SELECT r.source_file, count(*) FROM raw_facts JOIN raw_reports r USING (report_id)"
                " GROUP BY ALL"
            ).fetchall()
        )
    finally:
        con.close()
    assert want == facts  # every stored metric is counted once, as table or text
    shown = dict(zip(table["文件"], table["来自表格"] + table["来自正文"], strict=True))
    assert shown == want
    assert {"单位类型", "未找到的附表", "未找到的说明部分"} <= set(table.columns)
    assert set(table["单位类型"]) <= {"党委部门", "政府部门"}


def test_misspelt_function_class_is_shown_under_its_official_name(
    fixture_db: Path, tmp_path: Path, use_db
) -> None:
    # reports that write 一般公共预算服务支出 (as 金口河's does) count under 一般公共服务支出
    from warehouse import queries

    db = tmp_path / "misspelt.duckdb"
    db.write_bytes(fixture_db.read_bytes())
    con = duckdb.connect(str(db))
    for table in ("raw_function_classes", "raw_function_items"):
        con.execute(
            f"UPDATE {table} SET class_name = '一般公共预算服务支出' "
            "WHERE class_name IN ('一般公共服务支出', '一般公共服务')"
        )
    classes = queries.function_classes(con, queries.Filters())
    items = queries.function_items(con, queries.Filters())
    con.close()
    for df in (classes, items):
        stated = df[df["class_stated"] == "一般公共预算服务支出"]
        assert len(stated) > 0
        assert set(stated["class_name"]) == {"一般公共服务支出"}
        assert "一般公共预算服务支出" not in set(df["class_name"])
    use_db(db)
    at = open_app("structure")
    assert_clean(at)
    options = at.selectbox(key="st_class").options
    assert "一般公共服务支出" in options
    assert "一般公共预算服务支出" not in options
    # the hover of the official class still says what the report wrote
    specs = [json.loads(c.proto.spec)["data"][0] for c in at.main.get("plotly_chart")]
    spec = next(s for s in specs if s["type"] in ("sunburst", "treemap"))
    notes = dict(zip(spec["ids"], (c[1] for c in spec["customdata"]), strict=True))
    assert notes["一般公共服务支出"] == "<br>报告原文：一般公共预算服务支出"


def test_structure_class_colours_agree_and_tiles_show_amounts(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("structure", {"st_mode": "矩形树图"})
    assert_clean(at)
    specs = [json.loads(c.proto.spec) for c in at.main.get("plotly_chart")]
    tree = next(s for s in specs if s["data"][0]["type"] == "treemap")["data"][0]
    assert "%{customdata[0]}" in tree["texttemplate"]  # the amount is on the tile
    assert tree["customdata"][0][0].endswith("万元")
    tile = dict(zip(tree["ids"], tree["marker"]["colors"], strict=True))
    bars = next(s for s in specs if "各单位最近一年功能分类构成" in s["layout"]["title"]["text"])
    bar_color = {t["name"]: t["marker"]["color"] for t in bars["data"]}
    shared = [c for c in bar_color if c in tile]
    assert shared  # the same 类 on both charts ...
    assert all(bar_color[c] == tile[c] for c in shared)  # ... in the same colour
    assert len(set(bar_color.values())) == len(bar_color)  # and one colour per 类


def test_vehicles_rank_units_by_fleet_with_top_n_and_rest(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("vehicles", {"vh_top": "3"})
    assert_clean(at)
    assert at.selectbox(key="vh_top").value == 3
    assert "vh_top=3" in share_link(at)
    spec = json.loads(at.main.get("plotly_chart")[0].proto.spec)
    bars = [t for t in spec["data"] if t["type"] == "bar"]
    named = bars[0]["y"]
    totals = [sum(t["x"][i] for t in bars if t["y"] == named) for i in range(len(named))]
    (rest,) = [t for t in bars if t["y"] != named]  # one grey bar for the rest
    n_units = len({u.unit_id for u in UNITS if u.vehicles is not None})
    assert len(named) == 3 and rest["y"] == [f"其余 {n_units - 3} 个单位"]
    assert totals == sorted(totals, reverse=True)  # largest fleet first
    assert all(t["orientation"] == "h" for t in bars)
    con = duckdb.connect(str(fixture_db), read_only=True)
    fleets = con.execute(
        "SELECT sum(value) FROM metric_series WHERE metric IN ('vehicles.sedan', "
        "'vehicles.suv', 'vehicles.bus') AND NOT derived AND doc_kind = '决算' "
        "AND (unit_id, fiscal_year) IN (SELECT (unit_id, max(fiscal_year)) FROM metric_series "
        "WHERE metric = 'vehicles.sedan' GROUP BY unit_id)"
    ).fetchone()[0]
    con.close()
    assert rest["x"] == [fleets - sum(totals)]  # the rest sums the fleets not drawn by name
    # the legend is above the plot area, outside it
    assert spec["layout"]["legend"]["yanchor"] == "bottom" and spec["layout"]["legend"]["y"] >= 1


def test_performance_ranks_every_stated_score_of_both_report_kinds(
    samples_db: Path, use_db
) -> None:
    # the reference 决算 reports state their unit's overall score too; the page counts them
    con = duckdb.connect(str(samples_db), read_only=True)
    stated = con.execute(
        "SELECT DISTINCT x.doc_kind, x.unit_id FROM raw_facts v JOIN reports x USING (report_id) "
        "WHERE v.metric = 'perf.overall_score' AND v.value IS NOT NULL"
    ).fetchall()
    con.close()
    assert {k for k, _ in stated} == {"决算", "绩效自评"}
    use_db(samples_db)
    at = open_app("performance")
    assert_clean(at)
    spec = json.loads(at.main.get("plotly_chart")[0].proto.spec)["data"][0]
    assert spec["orientation"] == "h"
    assert len(spec["y"]) == len({u for _, u in stated})  # one bar per unit with a stated score
    assert spec["x"] == sorted(spec["x"], reverse=True)  # highest first
    kinds = {h.split("报告", 1)[0] for h in spec["customdata"]}
    assert "决算" in kinds  # a score stated only in a 决算 report is ranked
    assert all("“" in h for h in spec["customdata"])  # the source quote is on hover
