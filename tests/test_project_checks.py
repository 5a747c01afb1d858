"""Project checks: what the self-evaluation tables and the prose say about projects, read
from the reference reports in every format and checked by etl/checks/project_rules.py.

The rules' behaviour on one-edit mutations of a consistent report lives in test_checks.py
(MUTATIONS); here are the readings they rest on and the findings on real reports.
"""

from __future__ import annotations

import duckdb
import pytest

from etl.extract import extract_report
from etl.readers import read_document
from etl.statements import FundsScore, ProjectReport, ReportList
from tests.conftest import REPO

SAMPLES = REPO / "samples" / "reports"
FORMATS = ("txt", "docx", "pdf")


def _report(stem: str, fmt: str):
    (path,) = (SAMPLES / fmt).glob(f"{stem}_*")
    return extract_report(read_document(path))


@pytest.fixture(scope="module")
def report_000():
    return {fmt: _report("000", fmt) for fmt in FORMATS}


@pytest.mark.e2e
@pytest.mark.parametrize("fmt", FORMATS)
def test_indicator_sign_and_unit_columns_are_read(report_000, fmt):
    by_name = {i.level3: i for i in report_000[fmt].indicators}
    aid = by_name["帮扶资金"]
    assert (aid.sign, aid.target, aid.unit, aid.actual) == ("≤", "32.6", "万元", "32.6")
    network = by_name["网络及系统运行维护费"]
    assert (network.level2, network.sign, network.target, network.unit) == (
        "成本指标",
        "＝",
        "45",
        "万",
    )
    assert by_name["农户满意度"].unit == "%"


@pytest.mark.e2e
@pytest.mark.parametrize("fmt", FORMATS)
def test_budget_execution_points_are_read_from_each_funds_row(report_000, fmt):
    funds = [m for m in report_000[fmt].mentions if isinstance(m, FundsScore)]
    assert [(m.weight, m.score) for m in funds] == [(10.0, 10.0)] * 3
    assert {m.table for m in funds} == {p.name for p in report_000[fmt].projects}


@pytest.mark.parametrize("fmt", FORMATS)
def test_project_report_list_and_attachments_are_read(fmt):
    report = _report("002", fmt)
    (listed,) = [m for m in report.mentions if isinstance(m, ReportList)]
    assert listed.names.split("\n") == ["保运转类专项", "县级领导挂联帮扶资金专项"]
    assert listed.count is None
    attached = [m.project for m in report.mentions if isinstance(m, ProjectReport)]
    assert attached == ["保运转类专项", "信息中心及保密类专项"]  # not 部门预算绩效评价报告
    (counted,) = [m for m in _report("000", fmt).mentions if isinstance(m, ReportList)]
    assert (counted.names, counted.count) == ("深化改革及重点工作经费", 2.0)


def test_a_title_set_on_two_lines_is_one_report():
    report = _report("003", "txt")
    titles = [m for m in report.mentions if isinstance(m, ProjectReport) and m.source != "table"]
    assert [m.quote for m in titles] == [
        "2023年县级衔接资金“两不愁三保障”及乡村建设治理补短项目支出绩效自评报告"
    ]


def _findings(db, stem: str, rule: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT severity, stated, expected, message FROM findings"
            " WHERE rule = ? AND starts_with(report_id, ?) ORDER BY stated",
            [rule, stem],
        ).fetchall()


def _report_id(db, stem: str) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT report_id FROM raw_reports WHERE starts_with(source_file, ?)", [stem]
        ).fetchone()[0]


@pytest.mark.e2e
def test_cost_indicators_are_compared_with_project_spending(samples_build):
    db, _ = samples_build
    found = _findings(db, _report_id(db, "000"), "indicator.cost")
    assert [(s, st, ex) for s, st, ex, _ in found] == [
        ("warning", 32.6, 70.0), ("error", 45.0, 11.26), ("warning", 100.0, 144.57),
    ]  # fmt: skip
    assert "仍得满分" in found[1][3]
    # 003's cost indicators (90万元, 205.82万元) equal what its projects spent
    assert _findings(db, _report_id(db, "003"), "indicator.cost") == []


@pytest.mark.e2e
def test_listed_project_reports_are_compared_with_the_attached_ones(samples_build):
    db, _ = samples_build
    (found,) = _findings(db, _report_id(db, "002"), "parts.report_list")
    assert "“县级领导挂联帮扶资金专项”没有附报告" in found[3]
    assert "“信息中心及保密类专项”未列出" in found[3]
    (counted,) = _findings(db, _report_id(db, "000"), "parts.report_list")
    assert counted[1:3] == (2.0, 3.0)
    for stem in ("001", "003", "004"):  # lists that name what is attached, or nothing
        assert _findings(db, _report_id(db, stem), "parts.report_list") == []


@pytest.mark.e2e
def test_weights_above_100_with_budget_execution_are_reported(samples_build):
    db, _ = samples_build
    found = _findings(db, _report_id(db, "001"), "score.total")
    assert len(found) == 2
    for _severity, stated, expected, message in found:
        assert (stated, expected) == (90.0, 99.0)
        assert "全部分值合计 110 分" in message
    # 000 and 004: 预算执行 10 分 + indicators 90 分 = the stated project totals
    for stem in ("000", "004"):
        assert _findings(db, _report_id(db, stem), "score.total") == []


@pytest.mark.e2e
def test_item_numbering_gap_is_reported(samples_build):
    db, _ = samples_build
    (found,) = _findings(db, _report_id(db, "000"), "parts.item_numbering")
    assert "从 9 跳到 12" in found[3]
