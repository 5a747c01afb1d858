"""What a report did not give is said: the per-report coverage line and the unfilled figures."""

from __future__ import annotations

from pathlib import Path

from etl.extract import extract_report
from etl.model import Block, ParsedDocument
from etl.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
BLANK = """中共双牌县委办公室
2024年度部门决算
第二部分 2024年度部门决算情况说明
一、收入支出决算总体情况说明
2024年度收、支总计均为 万元。本年收入合计XXX万元，本年支出合计863.25万元。"""


def _text_report(text: str):
    blocks = [Block("p", line, index=i) for i, line in enumerate(text.splitlines(), 1)]
    return extract_report(ParsedDocument("blank.txt", "txt", blocks))


def test_unfilled_figures_store_nothing_and_are_named_in_a_warning():
    report = _text_report(BLANK)
    facts = {f.metric: f.value for f in report.facts}
    assert facts == {"expenditure.total": 863.25}
    [warning] = [w for w in report.warnings if "未填写" in w]
    assert warning.startswith("有 2 处数字未填写")
    assert "收、支总计均为 万元" in warning and "本年收入合计XXX万元" in warning


def test_coverage_counts_table_and_text_metrics_and_names_missing_sections():
    report = _text_report(BLANK)
    cov = report.coverage
    assert (cov.from_tables, cov.from_text) == (0, 1)
    assert "收入决算情况说明" in cov.missing_sections
    assert "收入支出决算总体情况说明" not in cov.missing_sections
    assert cov.summary().startswith("表格 0 项、正文 1 项；未找到：")


def test_a_complete_reference_report_misses_no_section():
    report = extract_report(read_document(ROOT / "samples/reports/docx/002_bf967062ffb9ca21.docx"))
    cov = report.coverage
    assert cov.missing_sections == []
    assert cov.from_tables + cov.from_text == len(report.facts)
