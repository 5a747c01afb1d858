"""AppTest checks of links that last: ids not names, the open tab and the picked finding in
the link, explicit years, unknown pages and repeated keys, region → type → unit narrowing."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from tests.conftest import db_rows
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
    ids = [UNITS[0].region_id, UNITS[2].region_id]  # 峨边, 双牌
    at = open_app("", {"region": ids})
    assert_clean(at)
    assert not at.toast
    assert sorted(at.sidebar.multiselect(key="region").value) == sorted(ids)
    assert sorted(_query(at)["region"]) == sorted(ids)


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
    unit = UNITS[0]  # 峨边: a 党委部门 and a 政府部门
    region = unit.region_id
    assert region == "511132"  # 峨边彝族自治县's GB/T 2260 code
    at = open_app("", {"region": region})
    assert_clean(at)
    in_region = [u.unit_type for u in UNITS if u.region_id == region]
    shown_types = at.sidebar.multiselect(key="type").options
    assert {t.split("（")[0] for t in shown_types} == set(in_region)
    for t in shown_types:  # each type with its number of units in the region
        name = t.split("（")[0]
        assert t == f"{name}（{in_region.count(name)} 个单位）"
    assert len(at.sidebar.multiselect(key="unit").options) == 2
    # the region is shown with its city: typing 乐山 finds the counties of 乐山市
    regions = at.sidebar.multiselect(key="region").options
    assert f"{unit.region_short}（{unit.city}，2 个单位）" in regions
    at = open_app("", {"region": region, "type": unit.unit_type_id})
    assert_clean(at)
    assert at.sidebar.multiselect(key="unit").options == [unit.display_name]
    at.sidebar.multiselect(key="unit").set_value([unit.unit_id]).run()
    assert_clean(at)
    q = _query(at)
    assert q["region"] == [region] and q["type"] == ["party_committee"]
    assert q["unit"] == [unit.unit_id]
    peers_here = sum(
        u.unit_type == unit.unit_type and u.region_short == unit.region_short for u in UNITS
    ) - 1  # fmt: skip
    peers_all = sum(u.unit_type == unit.unit_type for u in UNITS) - 1
    lines = [c.value for c in at.sidebar.caption if "同类单位" in c.value]
    assert len(lines) == 1
    assert unit.unit_type in lines[0]
    assert f"本地区 {peers_here} 个，全部地区 {peers_all} 个" in lines[0]
    assert peers_all > 0  # the fixture has 县委办 in other regions


def test_old_region_and_type_names_open_and_the_link_gets_ids(fixture_db: Path, use_db) -> None:
    """A link written before regions and types had ids (region=峨边&type=党委部门) opens the
    same view without a notice; 复制链接 then writes the code and the type's id."""
    use_db(fixture_db)
    unit = UNITS[0]
    old = open_app("", {"region": unit.region_short, "type": unit.unit_type})
    assert_clean(old)
    assert not old.toast
    assert old.sidebar.multiselect(key="region").value == [unit.region_id]
    assert old.sidebar.multiselect(key="type").value == [unit.unit_type_id]
    assert old.sidebar.multiselect(key="unit").options == [unit.display_name]
    q = _query(old)
    assert q["region"] == [unit.region_id] and q["type"] == [unit.unit_type_id]
    new = open_app("", {"region": unit.region_id, "type": unit.unit_type_id})
    assert share_link(new) == share_link(old)
    # a name or id no region has is named and dropped
    bad = open_app("", {"region": ["无此县", unit.region_id]})
    assert any("无此县" in t and "无法识别" in t for t in _toasts(bad))
    assert _query(bad)["region"] == [unit.region_id]


def test_peer_group_button_filters_every_page_to_the_unit_s_peers(fixture_db: Path, use_db) -> None:
    """The buttons under a picked unit's peer line set region and type to its peer group
    (in its region, or in all regions); the link then holds them and reproduces the view."""
    use_db(fixture_db)
    unit = UNITS[0]  # 峨边·县委办: 党委部门, peers 双牌·县委办 and 金口河·区委办 elsewhere
    at = open_app("", {"unit": unit.unit_id, "kind": "决算"})
    assert_clean(at)
    labels = [b.label for b in at.sidebar.button]
    assert "只看同类单位（全部地区）" in labels
    assert "只看同类单位（本地区）" not in labels  # no other 党委部门 in 峨边: nothing to compare
    at.sidebar.button(key=f"peers_all_{unit.unit_id}").click().run()
    assert_clean(at)
    peers = {u.display_name for u in UNITS if u.unit_type == unit.unit_type}
    assert len(peers) == 3
    assert at.sidebar.multiselect(key="type").value == [unit.unit_type_id]
    assert at.sidebar.multiselect(key="region").value == []
    assert at.sidebar.multiselect(key="unit").value == []
    assert set(at.dataframe[0].value["单位"]) == peers
    q = _query(at)
    assert q["type"] == [unit.unit_type_id] and "region" not in q and "unit" not in q
    assert at.query_params["type"] == unit.unit_type_id  # the address bar follows
    assert "unit" not in at.query_params
    again = open_app("", {k: v if len(v) > 1 else v[0] for k, v in q.items()})
    assert set(again.dataframe[0].value["单位"]) == peers


def test_peer_group_button_in_the_unit_s_region(fixture_db: Path, use_db, tmp_path) -> None:
    """With a second 党委部门 in 峨边, 本地区 filters to both: region and type in the link."""
    db = tmp_path / "peers.duckdb"
    shutil.copy(fixture_db, db)
    unit = UNITS[0]
    con = duckdb.connect(str(db))
    con.execute(
        "INSERT INTO raw_units (unit_id, unit_name, unit_short, region, region_short, city,"
        " display_name, unit_type, region_code, region_id, unit_type_id)"
        " VALUES ('00000000000000aa', '中共峨边彝族自治县委组织部', '县委组织部', ?, ?, ?,"
        " '峨边·县委组织部', ?, ?, ?, ?)",
        [unit.region, unit.region_short, unit.city, unit.unit_type, unit.region_code,
         unit.region_id, unit.unit_type_id],
    )  # fmt: skip
    con.close()
    use_db(db)
    at = open_app("", {"unit": unit.unit_id})
    assert_clean(at)
    line = next(c.value for c in at.sidebar.caption if "同类单位" in c.value)
    assert "本地区 1 个，全部地区 3 个" in line
    at.sidebar.button(key=f"peers_here_{unit.unit_id}").click().run()
    assert_clean(at)
    assert at.sidebar.multiselect(key="region").value == [unit.region_id]
    assert at.sidebar.multiselect(key="type").value == [unit.unit_type_id]
    assert set(at.sidebar.multiselect(key="unit").options) == {unit.display_name, "峨边·县委组织部"}
    q = _query(at)
    assert q["region"] == [unit.region_id] and q["type"] == [unit.unit_type_id]
    assert "unit" not in q


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.demo_fixture import demo_warehouse

    return demo_warehouse(tmp_path_factory.getbasetemp())


def test_peer_group_button_on_the_demo_warehouse(demo_db: Path, use_db) -> None:
    """On the demo warehouse, 三公经费 opened for one unit ranks, after 只看同类单位（全部地区）,
    every unit of its type and no other, the unit among them; the link reproduces it."""
    import json

    use_db(demo_db)
    ((uid, name, type_id),) = db_rows(
        demo_db,
        "SELECT unit_id, display_name, unit_type_id FROM units"
        " WHERE unit_type_id = 'party_committee' ORDER BY unit_id LIMIT 1",
    )
    peers = {
        n
        for (n,) in db_rows(
            demo_db, "SELECT display_name FROM units WHERE unit_type_id = ?", [type_id]
        )
    }
    ((n_units,),) = db_rows(demo_db, "SELECT count(*) FROM units")
    assert 1 < len(peers) < n_units
    at = open_app("sangong", {"unit": uid, "sg_top": "5"})
    assert_clean(at)
    at.sidebar.button(key=f"peers_all_{uid}").click().run()
    assert_clean(at)

    def ranked_names(app) -> tuple[list[str], int]:
        spec = next(
            json.loads(c.proto.spec) for c in app.main.get("plotly_chart")
            if "三公经费合计" in json.loads(c.proto.spec)["layout"]["title"]["text"]
        )  # fmt: skip
        (bars,) = [t for t in spec["data"] if t["type"] == "bar"]
        named = [y.split(" ")[0] for y in bars["y"] if not y.startswith("其余")]
        rest = [y for y in bars["y"] if y.startswith("其余")]
        return named, int(rest[0].split(" ")[1]) if rest else 0

    named, rest = ranked_names(at)
    assert set(named) <= peers and len(named) + rest == len(peers)
    q = _query(at)
    assert q["type"] == [type_id] and "unit" not in q and "region" not in q
    again = open_app("sangong", {k: v if len(v) > 1 else v[0] for k, v in q.items()})
    assert_clean(again)
    assert ranked_names(again) == (named, rest)


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


@pytest.mark.e2e
def test_false_alarm_toggle_rides_in_the_link(samples_db: Path, use_db, tmp_path) -> None:
    """显示已标为误报的 is in the link as fd_false: a finding marked 误报 is hidden by default
    and shown by a link with fd_false=true, which 复制链接 writes back."""
    from dashboard_lib.review import with_status
    from etl import review
    from warehouse.queries import findings_list

    db = tmp_path / "marked.duckdb"
    shutil.copy(samples_db, db)
    use_db(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        listed = with_status(findings_list(con, queries.Filters(), ("error",), None))
    finally:
        con.close()
    first = listed.iloc[0]
    review.mark(db.with_name("marked.review.json"), first["review_key"], "误报", "测试")
    at = open_app("findings", {"fd_sev": "error"})
    assert_clean(at)
    assert at.toggle(key="fd_false").value is False
    shown = list(listed["message"]).count(first["message"])  # the same wording may repeat
    assert list(at.dataframe[0].value["说明"]).count(first["message"]) == shown - 1
    assert "fd_false" not in _query(at)  # the default stays out of the link
    at.toggle(key="fd_false").set_value(True).run()
    assert_clean(at)
    assert list(at.dataframe[0].value["说明"]).count(first["message"]) == shown
    q = _query(at)
    assert q["fd_false"] == ["true"]
    again = open_app("findings", {k: v if len(v) > 1 else v[0] for k, v in q.items()})
    assert_clean(again)
    assert again.toggle(key="fd_false").value is True
    assert list(again.dataframe[0].value["说明"]).count(first["message"]) == shown
    assert share_link(again) == share_link(at)


def test_page_choices_from_the_data_are_written_out_by_id(fixture_db: Path, use_db) -> None:
    """支出结构's first unit and latest year depend on the data loaded: the copied link names
    them (the unit by id), so it opens the same view after more reports arrive."""
    use_db(fixture_db)
    at = open_app("structure")
    assert_clean(at)
    q = _query(at)
    unit = at.selectbox(key="st_unit").value
    assert q["st_unit"] == [unit] and unit in {u.unit_id for u in UNITS}
    year = at.selectbox(key="st_year").value
    assert q["st_year"] == [year] and year.isdigit()  # the bare year, not its label
    assert "st_unit" not in at.query_params  # defaults stay out of the address bar
    old = open_app("structure", {"st_unit": unit, "st_year": f"{year}年"})  # an older link
    assert_clean(old)
    assert old.selectbox(key="st_year").value == year and share_link(old) == share_link(at)


def test_metric_choice_rides_by_key_and_old_names_still_open(fixture_db: Path, use_db) -> None:
    from dashboard_lib import fmt

    use_db(fixture_db)
    at = open_app("", {"ov_metric": "sangong.total"})
    assert_clean(at)
    assert not at.toast and _query(at)["ov_metric"] == ["sangong.total"]
    old = open_app("", {"ov_metric": fmt.label("sangong.total")})
    assert not old.toast and _query(old)["ov_metric"] == ["sangong.total"]
