"""Consistent reports in wordings and layouts that once made a check fire (review findings).

Each file in tests/fixtures/false_alarms is a one-idea edit of a consistent fixture
(tests/fixtures/consistent): its numbers all agree, so it must raise no error or warning.
"""

from __future__ import annotations

import duckdb
import pytest

from tests.conftest import REPO, run_cli

FOLDER = REPO / "tests" / "fixtures" / "false_alarms"
CASES = {
    "base_family.txt": "基础数据表：人员经费/公用经费/对个人和家庭的补助 are siblings",
    "base_ok.txt": "基础数据表 whose columns agree with the text",
    "base_paren.txt": "基础数据表 rows numbered （一）公用经费 …（二）人员经费",
    "base_partword.txt": "“其中：基本支出中人员经费…” is not 基本支出",
    "base_scoped_part.txt": "“财政拨款基本支出…，其他资金基本支出…” are parts of 基本支出",
    "chart_pie_1dec.txt": "pie values typed with one decimal",
    "chart_pie_labels1dec.txt": "pie labels with one decimal",
    "chart_round_label.txt": "chart labels rounded to whole 万元",
    "cost_fallback.txt": "cost indicator whose 完成值 is not a number (达标)",
    "cost_partial.txt": "cost indicator that covers part of the spending (机房租赁费)",
    "cost_unit.txt": "per-occasion cost indicator (单次会议保障成本)",
    "item_merged.txt": "two 功能分类 items joined on one line",
    "item_wording.txt": "a 功能分类 item worded 年初预算为…，支出决算为…",
    "rl_alias.txt": "attachment titled 关于…专项资金的绩效自评报告",
    "rl_count.txt": "“等2个项目绩效自评报告” with 2 attached",
    "rl_count2line.txt": "the count phrase across two lines",
    "rl_heading.txt": "heading 二、项目支出绩效自评报告",
    "rl_title.txt": "unit-wide report title",
    "rl_title2.txt": "title 县委办2024年度部门预算绩效自评报告",
    "rl_title3.txt": "another unit-wide title",
    "rlx_both.txt": "list naming the unit report and the projects",
    "rlx_generic.txt": "“…、2024年度项目支出绩效自评报告” names no project",
    "rlx_nodeng.txt": "“…、2个项目支出绩效自评报告”: a count without 等",
    "score_blankfund.txt": "funds row with 分值 10 and no 得分",
}


def test_every_fixture_is_a_case():
    assert sorted(p.name for p in FOLDER.glob("*.txt")) == sorted(CASES)


@pytest.mark.e2e
@pytest.mark.parametrize("name", sorted(CASES))
def test_consistent_wording_raises_no_error_or_warning(tmp_path, name):
    db = tmp_path / "f.duckdb"
    run = run_cli("build", "--db", str(db), str(FOLDER / name))
    assert run.code == 0, run.out
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw_reports").fetchone()[0] == 1
        alarms = con.execute(
            "SELECT rule, severity, message FROM findings WHERE severity IN ('error', 'warning')"
        ).fetchall()
    assert alarms == [], CASES[name]
