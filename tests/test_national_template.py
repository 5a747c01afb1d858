"""The national template's own standard sentences (the Shanghai blank template, filled in)
are read whole: every figure they state, nothing they do not."""

from __future__ import annotations

from pathlib import Path

from etl.extract import extract_report
from etl.readers import read_document

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "national" / "shanghai_filled.txt"
# What the filled-in sentences state (万元, %, 辆), metric by metric.
STATED = {
    "total.income_expenditure": 3456.78, "total.change": -123.45, "total.change_pct": -3.45,
    "income.total": 3400.0, "income.business": 0.0, "income.other": 100.0,
    "expenditure.total": 3380.0, "expenditure.basic": 2380.0, "expenditure.project": 1000.0,
    "fiscal.total": 3350.0, "gpb.total": 3280.0, "gpb.change": 40.0, "gpb.change_pct": 1.23,
    "basic.personnel": 2000.0, "basic.public": 300.0,
    "sangong.budget": 20.0, "sangong.total": 15.5, "sangong.outbound": 0.0,
    "sangong.vehicle": 10.0, "sangong.reception": 5.5, "sangong.change": -2.0,
    "sangong.change_pct": -11.43, "vehicles.total": 5.0,
    "operating_costs": 300.0, "operating_costs.change": -10.0, "operating_costs.change_pct": -3.23,
}  # fmt: skip


def test_standard_sentences_of_the_national_template_are_read_whole():
    report = extract_report(read_document(FIXTURE))
    assert (report.unit_name, report.unit_type, report.unit_short) == (
        "上海市普陀区财政局",
        "政府部门",
        "区财政局",
    )
    assert (report.region, report.city, report.province) == ("普陀区", None, "上海市")
    got = {f.metric: f.value for f in report.facts}
    assert got == STATED
    classes = [(c.class_name, c.amount, c.pct) for c in report.function_classes]
    assert classes == [("一般公共服务支出", 3000.0, 91.46), ("社会保障和就业支出", 280.0, 8.54)]
