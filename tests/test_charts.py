"""Chart residue (图表数据): what etl/extract/charts.py reads from each format of the
reference reports, and what rule chart.values (etl/checks/chart_rules.py) makes of it:
the charts of report 000 that contradict each other and the text are flagged, nothing else
is, and a hand-written consistent chart residue is flagged only after a one-number edit.
"""

from __future__ import annotations

import duckdb
import pytest

from etl.checks.chart_rules import RULE, chart_values
from etl.checks.load import load_reports
from etl.checks.model import ReportData, Stated
from etl.extract import extract_report
from etl.extract.charts import ChartReader
from etl.model import Block, Report
from etl.readers import read_document
from etl.statements import ChartLabel, ChartTitle, ChartValue
from tests.conftest import REPO, SAMPLES, run_cli

STEM = "000_49c7c66149f159f0"
OTHERS = (
    "001_b0dd71e4c835dab5",
    "002_bf967062ffb9ca21",
    "003_bf88f83d7370706c",
    "004_8a99ebaca312e0ad",
)
FORMATS = ("txt", "docx", "pdf")
CONSISTENT = REPO / "tests" / "fixtures" / "consistent"
CHART_KINDS = ChartTitle | ChartValue | ChartLabel

# A chart residue written to agree with tests/fixtures/consistent/qingshi_2024.txt:
# 收支总计 500.00 (2023: 500.00 − 50.00), 一般公共预算财政拨款支出 480.00 (2023: 440.00),
# 基本/项目支出 400/100, classes 400.00 / 50.00 / 30.00 of 480.00.
CONSISTENT_CHARTS = """\
收、支决算总计\t450.00万元
500.00万元
2023年\t2024年\t450\t500\t2023年\t2024年\t1
2024年支出决算结构\t80%
20%
基本支出\t项目支出\t0.8\t0.2
一般公共预算财政拨款支出决算变动情况表
万元\t480.00万元
440.00万元
2024年\t2023年\t480\t440
销售额\t一般公共服务支出, 83.33%
社会保障和就业支出,10.42%
住房保障支出, 6.25%
一般公共服务支出\t社会保障和就业支出\t住房保障支出\t83.33\t10.42\t6.25
"""


def sample(stem: str, fmt: str):
    """Given a reference report stem and a format, return the path of that sample file."""
    return next((SAMPLES / fmt).glob(f"{stem}.{fmt}"))


def report_data(report: Report) -> ReportData:
    """Given an extracted Report, return the ReportData the warehouse would give the checks."""
    r = ReportData(
        "test", report.source_file, "unit", "unit", report.unit_type, report.fiscal_year,
        report.doc_kind,
    )  # fmt: skip
    for f in report.facts:
        r.facts.setdefault(f.metric, Stated(f.value, r.quote(f.quote, f.loc, f.page), f.origin))
    for d in report.derived:
        r.derived[d.metric] = (d.fiscal_year, d.value, r.quote(d.quote, d.loc, d.page), d.basis)
    for c in report.function_classes:
        r.classes.append((c.class_name, c.amount, r.quote(c.quote, c.loc, c.page)))
    r.mentions = [m.cited(r.quote(m.quote, m.loc, m.page)) for m in report.mentions]
    return r


def findings_for(path) -> list:
    """Given a report file, return the chart.values findings on it (no warehouse)."""
    return chart_values(report_data(extract_report(read_document(path))), {})


def charts_of(path) -> dict[str, dict]:
    """Given a report file, return its charts read: title -> values, labels, places."""
    out: dict[str, dict] = {}
    by_flag: dict[str, dict] = {}
    for m in extract_report(read_document(path)).mentions:
        if not isinstance(m, CHART_KINDS):
            continue
        c = by_flag.setdefault(m.chart, {"values": {}, "labels": {}, "locs": {}})
        out[m.title] = c
        if isinstance(m, ChartTitle):
            c["unit"] = m.unit
        elif isinstance(m, ChartValue):
            c["values"][m.category] = m.value
            c["locs"][m.category] = m.loc
        else:
            c["labels"][m.category] = m.amount if m.amount is not None else m.pct
            c["locs"]["label:" + m.category] = m.loc
    return out


def read_blocks(*texts: str) -> list:
    """Given paragraph texts, return the chart mentions ChartReader reads from them."""
    reader = ChartReader()
    for i, text in enumerate(texts, 1):
        reader.read(Block("p", text, index=i))
    return reader.finish()


# --- the reader --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_reads_the_charts_of_report_000(fmt):
    charts = charts_of(sample(STEM, fmt))
    assert set(charts) == {
        "收、支决算总计",
        "2024年支出决算结构",
        "一般公共预算财政拨款支出决算变动情况表",
        "销售额",
        "“三公”经费财政拨款支出结构",
    }  # 财政拨款收入支出总体情况 writes its years bare (2023 2024): not read
    total = charts["收、支决算总计"]
    assert total["unit"] == "万元"
    assert total["values"] == {"2023年": 1504.72, "2024年": 1250.14}
    assert total["labels"] == {"2023年": 1492.91, "2024年": 1250.14}
    change = charts["一般公共预算财政拨款支出决算变动情况表"]
    assert change["values"] == {"2024年": 1250.14, "2023年": 1492.91}
    assert change["labels"] == {"2024年": 1250.14, "2023年": 1250.59}
    pie = charts["销售额"]
    assert pie["values"] == {
        "一般公共服务支出": 83.02,
        "社会保障和就业支出": 7.79,
        "卫生健康支出": 1.38,
        "住房保障支出": 3.77,
        "农林水支出": 4.04,
    }
    assert pie["labels"] == {
        "一般公共服务支出": 75.31,
        "社会保障和就业支出": 13.32,
        "卫生健康支出": 1.58,
        "住房保障支出": 4.19,
        "农林水支出": 5.6,
    }
    structure = charts["2024年支出决算结构"]
    assert structure["values"] == {"基本支出": 0.8194, "项目支出": 0.1806}
    assert structure["labels"] == {"基本支出": 81.94, "项目支出": 18.06}


def test_pdf_places_follow_the_pages():
    pie = charts_of(sample(STEM, "pdf"))["销售额"]
    # The labels start on page 48; the names and the values of the pie are on page 49.
    assert pie["locs"]["label:一般公共服务支出"] == "第48页"
    assert pie["locs"]["label:农林水支出"] == "第49页"
    assert pie["locs"]["一般公共服务支出"] == "第49页"


def test_pdf_runs_split_over_lines_are_joined():
    mentions = read_blocks(
        "销售额 甲类支出, 60%",
        "乙类支出,40%",
        "甲类支出 乙类支出",
        "3 2",
    )
    values = {m.category: m.value for m in mentions if isinstance(m, ChartValue)}
    assert values == {"甲类支出": 3.0, "乙类支出": 2.0}


@pytest.mark.parametrize(
    "texts",
    [
        ("收、支决算总计\t10.00万元", "20.00万元", "2023年\t2024年\t10"),  # 2 categories, 1 value
        ("收、支决算总计\t10.00万元", "2023年\t2024年\t10\t20\t2023年\t2024年\t11\t21"),  # 2 series
        ("2023年\t2024年\t10\t20",),  # a run nothing opened: no title, no label
        (
            "收、支决算总计",
            "本年收支总计较上年有所增加。",
            "2023年\t2024年\t10\t20",
        ),  # prose between
        (
            "收、支决算总计\t10.00万元",
            "20.00万元",
            "30.00万元",
            "2023年\t2024年\t10\t20",
        ),  # 3 labels
        ("总收支", "2023\t2024\t10\t20"),  # bare years cannot be told from values
        ("收、支决算总计\t10.00万元", "2023年\t2023年\t10\t20"),  # a category twice
        ("销售额 甲类支出, 60% 乙类支出,40%", "甲类支出 乙类支出", "3 2"),  # two labels, one line
        ("收、支决算总计\t10.00万元", "20.00万元", "2023年\t2024年\t10.00万元\t20"),  # label in run
    ],
)
def test_ambiguous_residue_reads_nothing(texts):
    assert read_blocks(*texts) == []


def test_an_axis_title_on_its_own_line_gives_the_unit():
    mentions = read_blocks("变动情况", "万元", "2023年\t2024年\t10\t20")
    (title,) = [m for m in mentions if isinstance(m, ChartTitle)]
    assert (title.title, title.unit) == ("变动情况", "万元")


def test_reference_reports_without_charts_read_none():
    for stem in OTHERS[:3]:
        mentions = extract_report(read_document(sample(stem, "txt"))).mentions
        assert not [m for m in mentions if isinstance(m, CHART_KINDS)], stem


# --- the rule ----------------------------------------------------------------------------


PIE = "无标题图表（一般公共服务支出等 5 项）"


def chart_named(message: str) -> str:
    """Given a chart.values message, return the chart's title or how it is named."""
    if message.startswith("图表“"):
        return message.split("”")[0].split("“")[1]
    return message.split("的")[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_flags_the_two_chart_inconsistencies_of_report_000(fmt):
    findings = findings_for(sample(STEM, fmt))
    assert all(f.rule == RULE and f.severity == "warning" for f in findings)
    by_title = {chart_named(f.message): f for f in findings}
    assert set(by_title) == {"收、支决算总计", "一般公共预算财政拨款支出决算变动情况表", PIE}

    # 1. The 2023 figure three ways: label 1492.91 on chart 1, 1250.59 / 1492.91 on the
    # 一般公共预算 change chart, and 1250.14 + 254.58 = 1504.72 in the text.
    total = by_title["收、支决算总计"]
    assert "2023年数据标签为 1,492.91 万元，图中数值为 1,504.72 万元" in total.message
    assert "正文（1,250.14＋254.58）为 1,504.72 万元" in total.message
    assert "2024年" not in total.message  # the 2024 point agrees everywhere
    assert (total.metric, total.stated, total.expected) == (
        "total.income_expenditure",
        1492.91,
        1504.72,
    )
    quotes = [q.quote for q in total.evidence]
    assert "收、支决算总计 1492.91万元" in quotes
    assert "2023年 2024年 1504.72 1250.14" in quotes
    assert any("254.58" in q for q in quotes)
    change = by_title["一般公共预算财政拨款支出决算变动情况表"]
    assert "2023年数据标签为 1,250.59 万元，图中数值为 1,492.91 万元" in change.message
    assert "为 1,504.72 万元" in change.message
    assert change.metric == "gpb.total"
    assert "1250.59万元" in [q.quote for q in change.evidence]

    # 2. The 一般公共预算 pie: labels, values and the text's amounts give three sets of shares.
    pie = by_title[PIE]
    assert pie.message.startswith(PIE)  # Word's placeholder title 销售额 is not shown
    for words in (
        "一般公共服务支出：数据标签为 75.31%，图中数值 83.02 占 83.02%，正文 902.84 万元 占 72.22%",
        "社会保障和就业支出：数据标签为 13.32%",
        "卫生健康支出：数据标签为 1.58%",
        "住房保障支出：数据标签为 4.19%",
        "农林水支出：数据标签为 5.60%，图中数值 4.04 占 4.04%，正文 148.17 万元 占 11.85%",
    ):
        assert words in pie.message
    evidence = " ".join(q.quote for q in pie.evidence)
    assert "83.02 7.79 1.38 3.77 4.04" in evidence
    assert "农林水支出,5.6%" in evidence
    assert "农林水支出148.17万元" in evidence
    assert all(q.loc and q.source_file for f in findings for q in f.evidence)


def test_rule_reads_the_warehouse(tmp_path):
    db = tmp_path / "x.duckdb"
    assert run_cli("build", str(sample(STEM, "txt")), "--db", str(db), "--jobs", "1").code == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        (r,) = load_reports(con)
    finally:
        con.close()
    messages = [f.message for f in chart_values(r, {})]
    assert len(messages) == 3
    assert any("1,492.91" in m and "1,504.72" in m for m in messages)
    assert any("75.31%" in m and "72.22%" in m for m in messages)


@pytest.mark.parametrize("stem", OTHERS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_chart_finding_on_the_other_reference_reports(stem, fmt):
    assert findings_for(sample(stem, fmt)) == []


@pytest.mark.parametrize("path", sorted(CONSISTENT.glob("*.txt")), ids=lambda p: p.name)
def test_no_chart_finding_on_the_consistent_pair(path):
    assert findings_for(path) == []


def with_charts(tmp_path, charts: str):
    """Given chart residue, return the consistent 2024 report with it appended, as a file."""
    text = (CONSISTENT / "qingshi_2024.txt").read_text(encoding="utf-8")
    path = tmp_path / "qingshi_2024_charts.txt"
    path.write_text(text.rstrip("\n") + "\n" + charts, encoding="utf-8")
    return path


def test_consistent_chart_residue_is_read_and_not_flagged(tmp_path):
    path = with_charts(tmp_path, CONSISTENT_CHARTS)
    charts = charts_of(path)
    assert set(charts) == {
        "收、支决算总计", "2024年支出决算结构", "一般公共预算财政拨款支出决算变动情况表", "销售额",
    }  # fmt: skip
    assert findings_for(path) == []


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("收、支决算总计\t450.00万元", "收、支决算总计\t405.00万元", "数据标签为 405.00 万元"),
        ("\t450\t500\t", "\t455\t500\t", "图中数值为 455.00 万元"),
        ("440.00万元", "444.00万元", "数据标签为 444.00 万元"),
        ("社会保障和就业支出,10.42%", "社会保障和就业支出,12.42%", "数据标签为 12.42%"),
        ("\t83.33\t10.42\t6.25", "\t83.33\t10.42\t8.25", "图中数值 8.25"),
        ("\t0.8\t0.2", "\t0.7\t0.3", "图中数值 0.7"),  # 0.7 ± 0.05 of 1: 65–75%
    ],
)
def test_one_number_edit_gives_one_finding(tmp_path, old, new, words):
    assert CONSISTENT_CHARTS.count(old) == 1
    findings = findings_for(with_charts(tmp_path, CONSISTENT_CHARTS.replace(old, new)))
    assert len(findings) == 1
    assert findings[0].severity == "warning"
    assert words in findings[0].message


@pytest.mark.parametrize(("title", "flagged"), [("收、支决算总计", True), ("历年情况图", False)])
def test_only_a_title_naming_a_figure_is_compared_with_the_text(tmp_path, title, flagged):
    # Labels agree with the plotted values, both disagree with the text (450.00 / 500.00).
    charts = f"{title}\t300.00万元\n400.00万元\n2023年\t2024年\t300\t400\n"
    findings = findings_for(with_charts(tmp_path, charts))
    assert len(findings) == int(flagged)
    if flagged:
        assert "正文（500.00−50.00）为 450.00 万元" in findings[0].message
        assert "2024年数据标签为 400.00 万元，图中数值为 400.00 万元" in findings[0].message


# --- rounding and label order (review findings) -----------------------------------------


def amount_chart_grade(label: float, value: float) -> str | None:
    """Given one data label and the value plotted under it, return the chart finding's
    severity (None when there is none) for a two-year chart in 万元 named by no figure."""
    r = ReportData("t", "t.txt", "unit", "unit", None, 2024, "final")
    where = r.quote("收支情况", "第1段", None)
    base = {"chart": "图1", "title": "收支情况", "where": where, "quote": "…", "page": None,
            "loc": "第1段"}  # fmt: skip
    r.mentions = [
        ChartTitle(**base, unit="万元"),
        ChartValue(**base, category="2023年", value=1000.0, year=2023),
        ChartValue(**base, category="2024年", value=value, year=2024),
        ChartLabel(**base, category="2024年", amount=label, pct=None),
    ]
    findings = chart_values(r, {})
    assert len(findings) <= 1
    return findings[0].severity if findings else None


@pytest.mark.parametrize(
    ("label", "value", "severity"),
    [
        (1505, 1504.72, None),  # a label rounded to whole 万元
        (1250, 1250.14, None),
        (1250.1, 1250.14, None),
        (1250.14, 1250.14, None),
        (1250.15, 1250.14, "info"),  # one last digit off
        (1250.2, 1250.14, "info"),
        (1251, 1250.14, "info"),
        (1252, 1250.14, "warning"),
        (1250.16, 1250.14, "warning"),
        (1492.91, 1504.72, "warning"),
    ],
)
def test_an_amount_label_is_graded_at_its_own_last_digit(label, value, severity):
    assert amount_chart_grade(label, value) == severity


def test_labels_rounded_to_whole_wanyuan_agree_with_the_text(tmp_path):
    charts = "收、支决算总计\t450万元\n500万元\n2023年\t2024年\t450\t500\n"
    assert findings_for(with_charts(tmp_path, charts)) == []
    flagged = findings_for(with_charts(tmp_path, charts.replace("450万元", "452万元")))
    assert [f.severity for f in flagged] == ["warning"]
    assert "数据标签为 452.00 万元" in flagged[0].message


PIE_TYPED = "一般公共服务支出\t社会保障和就业支出\t住房保障支出\t83.3\t10.4\t6.3\n"


@pytest.mark.parametrize(
    "charts",
    [
        "2024年一般公共预算财政拨款支出结构\n" + PIE_TYPED,  # values typed to 0.1 point
        "销售额\t一般公共服务支出, 83.33%\n社会保障和就业支出,10.42%\n住房保障支出, 6.25%\n"
        + PIE_TYPED,  # labels to 0.01 point on values typed to 0.1
    ],
)
def test_pie_values_typed_with_fewer_decimals_agree_with_the_text(tmp_path, charts):
    assert findings_for(with_charts(tmp_path, charts)) == []


def test_a_typed_pie_value_off_its_share_is_flagged(tmp_path):
    charts = "2024年一般公共预算财政拨款支出结构\n" + PIE_TYPED.replace("6.3\n", "8.3\n")
    (finding,) = findings_for(with_charts(tmp_path, charts))
    assert finding.severity == "warning"
    assert "住房保障支出：图中数值 8.3" in finding.message


def labels_read(*texts: str) -> dict[str, float]:
    """Given paragraph texts, return the chart labels read, by category."""
    return {
        m.category: m.amount if m.amount is not None else m.pct
        for m in read_blocks(*texts)
        if isinstance(m, ChartLabel)
    }


def test_labels_in_page_order_are_paired_by_value():
    # A PDF sorts lines top to bottom: the taller 2023 bar's label comes first.
    texts = ("收支情况", "1250.14万元", "1504.72万元", "2023年\t2024年\t1504.72\t1250.14")
    assert labels_read(*texts) == {"2023年": 1504.72, "2024年": 1250.14}
    assert labels_read("结构", "20%", "80%", "基本支出\t项目支出\t0.8\t0.2") == {
        "基本支出": 80.0,
        "项目支出": 20.0,
    }


def test_labels_out_of_order_that_match_no_value_read_nothing():
    # Paired in order, both labels would be off; one of them is another year's value.
    assert (
        read_blocks("收支情况", "1250.14万元", "1492.91万元", "2023年\t2024年\t1504.72\t1250.14")
        == []
    )


def test_labels_in_order_that_disagree_are_still_read():
    texts = ("收支情况", "1492.91万元", "1250.14万元", "2023年\t2024年\t1504.72\t1250.14")
    assert labels_read(*texts) == {"2023年": 1492.91, "2024年": 1250.14}


def test_labels_in_page_order_give_no_finding(tmp_path):
    charts = "收、支决算总计\t500.00万元\n450.00万元\n2023年\t2024年\t450\t500\n"
    assert labels_read(*charts.splitlines()) == {"2023年": 450.0, "2024年": 500.0}
    assert findings_for(with_charts(tmp_path, charts)) == []
