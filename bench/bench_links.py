"""Print the length of the 复制链接 link for a typical 核查与异常 view, before and after edits.

The view is chosen from the warehouse itself and set through the widgets (not through a
link), so the figure compares link formats: two units of one region and type, the fiscal
years, one report kind, errors only, one rule, one picked finding and the 按单位汇总 tab
opened where the page has one.
Before issue 13 (labels in the link; years, tab and finding left out): 249 characters on the
bundled samples.

    python bench/bench_links.py --db warehouse/finance.duckdb
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pick_view(db: Path) -> dict:
    """Given a warehouse, return the view to link: units, kind, rule and one finding."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        cols = {c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'units'"
        ).fetchall()}  # fmt: skip
        # the region filter's option: its id from issue 13 on, its short name before
        option = "coalesce(u.region_id, 'none')" if "region_id" in cols else "u.region_short"
        row = con.execute(
            f"""
            SELECT f.finding_id, f.rule, r.doc_kind, u.unit_id, u.region_short, {option}
            FROM findings f JOIN reports r USING (report_id) JOIN units u ON u.unit_id = r.unit_id
            WHERE f.severity = 'error'
            ORDER BY count(*) OVER (PARTITION BY u.region_short) DESC, f.finding_id LIMIT 1
            """
        ).fetchone()
        if row is None:
            raise SystemExit("the warehouse holds no error finding to link to")
        finding, rule, kind, unit, region, region_option = row
        others = con.execute(
            "SELECT unit_id FROM units WHERE region_short = ? AND unit_id <> ? ORDER BY unit_id"
            " LIMIT 1",
            [region, unit],
        ).fetchall()
    finally:
        con.close()
    units = [unit] + [o[0] for o in others]
    return {"finding": finding, "rule": rule, "kind": kind, "units": units, "region": region_option}


def link_of(db: Path, view: dict) -> str:
    """Given a warehouse and a view, open 核查与异常 in AppTest, set the view, return the link."""
    from streamlit.testing.v1 import AppTest

    os.environ["JUESUAN_DB"] = str(db)
    os.environ["JUESUAN_AUTOBUILD"] = "0"
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.context = {"url": "http://localhost:8501/"}
    at.query_params = {"fd_pick": view["finding"]}  # a finding id is read by every version
    at.switch_page("pages/findings.py")
    at.run()
    at.sidebar.multiselect(key="region").set_value([view["region"]]).run()
    at.sidebar.multiselect(key="unit").set_value(view["units"]).run()
    at.sidebar.radio(key="kind").set_value(view["kind"]).run()
    at.button_group(key="fd_sev").set_value(["error"]).run()
    at.selectbox(key="fd_rule").set_value(view["rule"]).run()
    if "fd_tab" in at.session_state:  # the open tab is a keyed control from issue 13 on
        at.session_state["fd_tab"] = "按单位汇总"
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at.sidebar.code[0].value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    link = link_of(args.db, pick_view(args.db))
    print(f"link characters: {len(link)}")
    print(link)


if __name__ == "__main__":
    main()
