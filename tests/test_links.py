"""AppTest checks of links that last: ids not names, the open tab and the picked finding in
the link, explicit years, unknown pages and repeated keys, region → type → unit narrowing."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from tests.dashboard_fixture import UNITS
from tests.test_pages import BASE_URL, assert_clean, fixture_db, open_app, share_link, use_db
from warehouse import queries

__all__ = ["fixture_db", "use_db"]  # fixtures shared with test_pages


def _query(at) -> dict[str, list[str]]:
    return parse_qs(urlsplit(share_link(at)).query, keep_blank_values=True)


def _toasts(at) -> list[str]:
    return [t.value for t in at.toast]


# ------------------------------------------------------------------ unknown page


def test_unknown_page_gets_its_own_notice_and_a_good_link(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("", {"kind": "决算"})
    at.context = {"url": BASE_URL + "nonexistent_page"}
    at.run()
    assert_clean(at)
    assert [t.value for t in at.title] == ["总览"]
    notices = [w.value for w in at.warning if "不存在" in w.value]
    assert len(notices) == 1 and "nonexistent" in notices[0] and "总览" in notices[0]
    link = share_link(at)
    assert "nonexistent" not in link
    assert urlsplit(link).path == "/" and _query(at)["kind"] == ["决算"]


def test_known_page_has_no_page_notice(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("vehicles")
    assert_clean(at)
    assert not [w for w in at.warning if "不存在" in w.value]
    assert urlsplit(share_link(at)).path == "/vehicles"


# ------------------------------------------------------------------ repeated keys


def test_repeated_single_valued_key_gets_its_own_notice(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("", {"kind": ["决算", "绩效自评"]})
    assert_clean(at)
    toasts = _toasts(at)
    assert len(toasts) == 1, toasts
    assert "出现了 2 次" in toasts[0] and "只能取一个值" in toasts[0]
    assert "无法识别" not in toasts[0]  # both values are good report kinds
    assert at.sidebar.radio(key="kind").value == "绩效自评"  # the last one, as the notice says
    assert _query(at)["kind"] == ["绩效自评"]


def test_repeated_key_where_many_values_are_allowed_is_no_error(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("", {"region": ["峨边", "双牌"]})
    assert_clean(at)
    assert not at.toast
    assert at.sidebar.multiselect(key="region").value == ["峨边", "双牌"]
    assert sorted(_query(at)["region"]) == ["双牌", "峨边"]


def test_repeated_tab_key_is_named(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("sources", {"src_tab": ["reports", "log"]})
    assert_clean(at)
    assert any("出现了 2 次" in t for t in _toasts(at))
    assert _query(at)["src_tab"] == ["log"]


# ------------------------------------------------------------------ units by id


def test_units_ride_in_the_link_by_id_and_come_back(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    ids = [UNITS[0].unit_id, UNITS[2].unit_id]  # both called 县委办, in two regions
    at = open_app("", {"unit": ids})
    assert_clean(at)
    assert not at.toast
    assert sorted(at.sidebar.multiselect(key="unit").value) == sorted(ids)
    assert sorted(_query(at)["unit"]) == sorted(ids)
    assert set(at.dataframe[0].value["单位"]) == {UNITS[0].display_name, UNITS[2].display_name}
    # an old link naming a unit still opens it, and the new link holds its id
    old = open_app("", {"unit": UNITS[1].display_name})
    assert not old.toast and _query(old)["unit"] == [UNITS[1].unit_id]
    # an id no unit has is named and dropped
    bad = open_app("", {"unit": ["0000000000000000", ids[0]]})
    assert any("0000000000000000" in t and "无法识别" in t for t in _toasts(bad))
    assert _query(bad)["unit"] == [ids[0]]


# ------------------------------------------------------------------ explicit years


def test_copied_link_names_the_years_even_when_all_are_shown(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        years = queries.fiscal_years(con)["fiscal_year"]  # stated and derived prior years
    finally:
        con.close()
    first, last = int(years.min()), int(years.max())
    at = open_app("")
    assert_clean(at)
    assert "years" not in at.query_params  # the address bar stays clean
    assert _query(at)["years"] == [str(first), str(last)]  # the copied link does not drift
    again = open_app("", {k: v if len(v) > 1 else v[0] for k, v in _query(at).items()})
    assert not again.toast
    assert again.sidebar.select_slider(key="years").value == (first, last)
    assert share_link(again) == share_link(at)


# ------------------------------------------------------------------ tabs


def test_open_tab_is_in_the_link_and_only_it_is_drawn(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("sources")
    assert_clean(at)
    assert _query(at)["src_tab"] == ["reports"]  # written out: a reordered page keeps the link
    assert not at.get("download_button")
    at.session_state["src_tab"] = "下载数据"  # a person opens the 下载数据 tab
    at.run()
    assert_clean(at)
    assert _query(at)["src_tab"] == ["download"]
    assert at.query_params["src_tab"] == "download"  # the address bar follows
    assert len(at.get("download_button")) == 2
    assert not at.dataframe  # the closed tabs' tables are not drawn
    linked = open_app("sources", {"src_tab": "download"})
    assert len(linked.get("download_button")) == 2 and share_link(linked) == share_link(at)


def test_unknown_tab_is_named_and_the_first_tab_shown(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    at = open_app("sources", {"src_tab": "nosuchtab"})
    assert_clean(at)
    assert any("nosuchtab" in t and "无法识别" in t for t in _toasts(at))
    assert _query(at)["src_tab"] == ["reports"]


# ------------------------------------------------------------------ region → type → unit


def test_region_then_type_narrow_the_units_and_peers_are_counted(fixture_db: Path, use_db) -> None:
    use_db(fixture_db)
    region = UNITS[0].region_short  # 峨边: a 党委部门 and a 政府部门
    unit = UNITS[0]
    at = open_app("", {"region": region})
    assert_clean(at)
    in_region = [u.unit_type for u in UNITS if u.region_short == region]
    shown_types = at.sidebar.multiselect(key="type").options
    assert {t.split("（")[0] for t in shown_types} == set(in_region)
    for t in shown_types:  # each type with its number of units in the region
        name = t.split("（")[0]
        assert t == f"{name}（{in_region.count(name)} 个单位）"
    assert len(at.sidebar.multiselect(key="unit").options) == 2
    # the region is shown with its city: typing 乐山 finds the counties of 乐山市
    regions = at.sidebar.multiselect(key="region").options
    assert f"{region}（{UNITS[0].city}，2 个单位）" in regions
    at = open_app("", {"region": region, "type": unit.unit_type})
    assert_clean(at)
    assert at.sidebar.multiselect(key="unit").options == [unit.display_name]
    at.sidebar.multiselect(key="unit").set_value([unit.unit_id]).run()
    assert_clean(at)
    q = _query(at)
    assert q["region"] == [region] and q["type"] == [unit.unit_type] and q["unit"] == [unit.unit_id]
    peers_here = sum(
        u.unit_type == unit.unit_type and u.region_short == region for u in UNITS
    ) - 1  # fmt: skip
    peers_all = sum(u.unit_type == unit.unit_type for u in UNITS) - 1
    lines = [c.value for c in at.sidebar.caption if "同类单位" in c.value]
    assert len(lines) == 1
    assert unit.unit_type in lines[0]
    assert f"本地区 {peers_here} 个，全部地区 {peers_all} 个" in lines[0]
    assert peers_all > 0  # the fixture has 县委办 in other regions


@pytest.mark.e2e
def test_picked_finding_survives_a_reworded_message(samples_db: Path, use_db, tmp_path) -> None:
    """The link keeps the finding's review fingerprint: a rebuild that rewords the message
    (and so changes the finding id) still opens it, with the tab the link names."""
    use_db(samples_db)
    con = duckdb.connect(str(samples_db), read_only=True)
    finding_id, message = con.execute(
        "SELECT finding_id, message FROM findings WHERE severity IN ('error', 'warning')"
        " ORDER BY finding_id LIMIT 1"
    ).fetchone()
    con.close()
    at = open_app("findings", {"fd_pick": finding_id})  # an older link: the finding id
    assert_clean(at)
    assert message in [t.value for t in at.text]
    pick = _query(at)["fd_pick"]
    assert len(pick) == 1 and pick != [finding_id] and len(pick[0]) == 20
    assert _query(at)["fd_tab"] == ["list"]
    # the rules wording changes in a later version: new message, new finding id
    reworded = tmp_path / "reworded.duckdb"
    shutil.copy(samples_db, reworded)
    con = duckdb.connect(str(reworded))
    con.execute(
        "UPDATE raw_findings SET message = message || '（新措辞）', finding_id = 'f' || finding_id"
        " WHERE finding_id = ?",
        [finding_id],
    )
    con.close()
    use_db(reworded)
    again = open_app("findings", {"fd_pick": pick[0], "fd_tab": "list"})
    assert_clean(again)
    assert not again.toast
    assert message + "（新措辞）" in [t.value for t in again.text]
    assert _query(again)["fd_pick"] == pick
    # another tab open: its content only, and the picked finding stays in the link
    units = open_app("findings", {"fd_pick": pick[0], "fd_tab": "units"})
    assert_clean(units)
    assert not units.toast
    assert [c.proto.id for c in units.get("plotly_chart")] and not units.text
    assert _query(units)["fd_pick"] == pick and _query(units)["fd_tab"] == ["units"]


def test_page_choices_from_the_data_are_written_out_by_id(fixture_db: Path, use_db) -> None:
    """支出结构's first unit and latest year depend on the data loaded: the copied link names
    them (the unit by id), so it opens the same view after more reports arrive."""
    use_db(fixture_db)
    at = open_app("structure")
    assert_clean(at)
    q = _query(at)
    unit = at.selectbox(key="st_unit").value
    assert q["st_unit"] == [unit] and unit in {u.unit_id for u in UNITS}
    assert q["st_year"] == [f"{at.selectbox(key='st_year').value}年"]
    assert "st_unit" not in at.query_params  # defaults stay out of the address bar


def test_metric_choice_rides_by_key_and_old_names_still_open(fixture_db: Path, use_db) -> None:
    from dashboard_lib import fmt

    use_db(fixture_db)
    at = open_app("", {"ov_metric": "sangong.total"})
    assert_clean(at)
    assert not at.toast and _query(at)["ov_metric"] == ["sangong.total"]
    old = open_app("", {"ov_metric": fmt.label("sangong.total")})
    assert not old.toast and _query(old)["ov_metric"] == ["sangong.total"]
