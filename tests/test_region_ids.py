"""Stable ids of regions (GB/T 2260 code, or a derived id) and unit types (declared in
etl/vocab/unit_types.csv), as the build derives them and as the warehouse stores them."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from etl.build.writer import run_data_tests
from etl.units import StatedUnit, resolve_units
from etl.vocab import unit_kinds
from etl.vocab.unit_kinds import unit_type_ids, unit_types


def _unit(name: str, region: str | None = None, city: str | None = None):
    _of, (unit,) = resolve_units({"r": StatedUnit(name, None, region, city)}, {})
    return unit


@pytest.mark.parametrize(
    "name,region,city,code",
    [
        ("中共峨边彝族自治县委办公室", None, None, "511132"),  # 自治县, from the name
        ("峨边县财政局", None, None, "511132"),  # the short form names the same county
        ("乐山市金口河区财政局", None, None, "511113"),
        ("区财政局", "金口河区", "乐山市", "511113"),  # from the stated region and city
        ("乐山市财政局", None, None, "511100"),  # a city's own unit: the city's code
        ("上海市普陀区人民检察院", None, None, "310107"),  # a 直辖市 district
    ],
)
def test_a_listed_region_is_its_gbt2260_code(name, region, city, code) -> None:
    unit = _unit(name, region, city)
    assert (unit.region_code, unit.region_id) == (code, code)


def test_a_zone_is_its_parent_code_and_a_hash() -> None:
    unit = _unit("平潭综合实验区财政局")
    assert unit.region_code is None
    assert re.fullmatch(r"350100z[0-9a-f]{6}", unit.region_id)  # 福州市, from zones.csv
    assert _unit("平潭综合实验区人民法院").region_id == unit.region_id  # the same zone


def test_a_name_not_on_the_list_gets_a_derived_id_never_a_wrong_code() -> None:
    fictional = _unit("岚翠县财政局", "岚翠县")
    assert fictional.region_code is None
    assert re.fullmatch(r"000000x[0-9a-f]{6}", fictional.region_id)
    assert _unit("中共岚翠县委办公室", "岚翠县").region_id == fictional.region_id
    # 普陀区 of 上海 or of 舟山: not settled by the name, so no code is guessed
    ambiguous = _unit("普陀区财政局", "普陀区")
    assert ambiguous.region_code is None and ambiguous.region_id.startswith("000000x")
    # with a stated city, the parent's code is known
    assert _unit("某局", "澄岚县", "乐山市").region_id.startswith("511100x")


def test_a_unit_without_region_has_no_region_id() -> None:
    unit = _unit("四川省财政厅")
    assert unit.region_short == "" and unit.region_id is None and unit.region_code is None


def test_every_unit_type_has_one_snake_case_id() -> None:
    ids = unit_type_ids()
    assert set(ids) == set(unit_types())
    assert len(set(ids.values())) == len(ids)
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", i) for i in ids.values())
    assert _unit("双牌县第一中学").unit_type_id == ids["学校"]


def test_a_unit_type_without_an_id_fails(tmp_path: Path, monkeypatch) -> None:
    rows = unit_kinds.UNIT_TYPES_CSV.read_text(encoding="utf-8").splitlines()
    short = tmp_path / "unit_types.csv"
    short.write_text("\n".join(r for r in rows if "hospital" not in r), encoding="utf-8")
    monkeypatch.setattr(unit_kinds, "UNIT_TYPES_CSV", short)
    unit_kinds.unit_type_ids.cache_clear()
    try:
        with pytest.raises(ValueError, match="医院"):
            unit_kinds.unit_type_ids()
    finally:
        unit_kinds.unit_type_ids.cache_clear()


def test_the_built_warehouse_carries_the_ids_and_its_data_tests_catch_bad_ones(
    samples_db: Path,
) -> None:
    con = duckdb.connect(str(samples_db))
    try:
        rows = con.execute(
            "SELECT region_short, region_code, region_id, unit_type, unit_type_id FROM units"
        ).fetchall()
        codes = {short: code for short, code, *_ in rows}
        assert codes["峨边"] == "511132" and codes["金口河"] == "511113"
        assert all(rid == code for _s, code, rid, *_ in rows if code)
        types = dict(
            con.execute("SELECT unit_type, unit_type_id FROM unit_type_catalog").fetchall()
        )
        assert all(tid == types[t] for *_r, t, tid in rows if t)
        assert not run_data_tests(con)
        con.execute("UPDATE raw_units SET unit_type_id = 'hospital' WHERE unit_type = '党委部门'")
        con.execute("UPDATE raw_units SET region_id = '999999' WHERE region_code = '511132'")
        failures = run_data_tests(con)
        assert any("unit_type_id" in f for f in failures)
        assert any("region_code is a 6-digit code" in f for f in failures)
    finally:
        con.close()


def test_a_warehouse_from_before_the_ids_asks_for_a_rebuild(tmp_path: Path, monkeypatch) -> None:
    """The dashboard on a warehouse written before units had ids says to run the build (which
    rewrites it without re-parsing), instead of failing."""
    from dashboard_lib.data import OLD_SCHEMA
    from tests.dashboard_fixture import build_fixture
    from tests.test_pages import assert_clean, open_app

    db = build_fixture(tmp_path / "old.duckdb")
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE OR REPLACE VIEW units AS SELECT unit_id, unit_name, unit_short, region, city,"
        " display_name, region_short, unit_type, province FROM raw_units"
    )  # the view as the previous version wrote it
    con.close()
    monkeypatch.setenv("JUESUAN_DB", str(db))
    monkeypatch.setenv("JUESUAN_AUTOBUILD", "0")
    at = open_app("")
    assert_clean(at)
    assert any(OLD_SCHEMA in c.value.replace("\\", "") for c in at.sidebar.caption)
