"""Rule chart.values: do a report's charts (their data labels and plotted values) agree with
each other and with the figures its text states?

The chart mentions come from etl/extract/charts.py (chart_title / chart_value /
chart_label, grouped by flag = chart id).  Three comparisons, one finding per chart:
(a) a data label against the value plotted for the same category; (b) a chart over years
against the report's figure for each year, when the title names the figure (this year: the
stated metric; last year: the value its stated change implies); (c) a structure chart's
shares (labels, and each value ÷ the sum of the values) against the shares the text's
amounts give (功能分类 classes, or 基本支出/项目支出, ÷ the sum over the chart's categories).

A chart is an illustration of figures the text and the 附表 state, so a chart that
contradicts them is a warning (the accounts are not wrong, the picture is), never an error;
a stated label or amount one last digit off is info, as for every other rule.  Every number
is taken as rounded at its last written digit: a label (1505万元) agrees with a value
(1504.72) within half a unit of that digit plus the value's own rounding, and a chart's
values (83.3 10.4 6.3) give each share the range their rounding allows.
"""

from __future__ import annotations

from collections import defaultdict

from etl.checks.model import (
    AMOUNT_TOLERANCE,
    EPS,
    Finding,
    Quote,
    ReportData,
    Rule,
    decimals_of,
    money,
    new_finding,
    pct,
    pct_severity,
    ratio_range,
    unique_quotes,
)
from etl.checks.registry import RuleSpec, declare
from etl.checks.subjects import class_key
from etl.statements import ChartLabel, ChartTitle, ChartValue

RULE = "chart.values"
CHART_SEVERITY = "warning"  # the most a chart disagreement is: the picture, not the accounts
# Which stated figure a chart over years shows, decided by words of its title (first match).
TITLE_METRICS = (
    ("fiscal.total", ("财政拨款收入支出", "财政拨款收支", "财政拨款收、支")),
    ("gpb.total", ("一般公共预算财政拨款支出", "一般公共预算支出")),
    ("total.income_expenditure", ("收、支决算总计", "收支决算总计", "收、支总计", "收支总计")),
)
AMOUNT_UNIT = "万元"  # the unit the report's figures are in; a chart must state it to compare
# Structure-chart categories that are metrics rather than 功能分类 classes.
CATEGORY_METRICS = {
    "基本支出": "expenditure.basic",
    "项目支出": "expenditure.project",
    "因公出国（境）费": "sangong.outbound",
    "公务用车购置及运行维护费": "sangong.vehicle",
    "公务接待费": "sangong.reception",
}
PLACEHOLDER_TITLES = ("销售额", "系列1", "系列 1", "Series 1", "图表标题")  # Word's defaults
# Percentage points a chart's share range may miss the text's and still be a slip (info):
# one unit of a share written to 0.01 point.
SHARE_SLIP = 0.01
MIN_SHARE_CATEGORIES = 2  # a structure chart of one category is 100% whatever it shows
SHARE_BASIS = "（占比按各项之和计算）"


def _half(value: float) -> float:
    """Given a stated number, return half a unit of its last digit (0.005 for 1250.14)."""
    return 10.0 ** -decimals_of(value) / 2


def _worst(severities: list[str | None]) -> str | None:
    """Given graded differences, return the chart's severity (warning at most), or None."""
    found = [s for s in severities if s]
    if not found:
        return None
    return "info" if all(s == "info" for s in found) else CHART_SEVERITY


def _amount_grade(stated: float, other: float, other_half: float) -> str | None:
    """Given a chart amount, the figure it should show and that figure's rounding, grade the gap.

    As pct_severity grades a stated figure: within the other's rounding range widened by half
    a unit of the stated last digit it agrees (1505 for 1504.72); one last digit off is info.
    """
    return pct_severity(stated, other, (other - other_half, other + other_half))


def _share_grade(stated: float, expected: float, allowed: tuple[float, float] | None) -> str | None:
    """Given a chart share, the share it should be and the range rounding allows, grade it.

    Within the range (widened by half a unit of the stated last digit) a chart is right:
    a chart is not the place to report a rounding slip the text itself may share.
    """
    lo, hi = allowed if allowed else (expected, expected)
    if lo - _half(stated) - EPS <= stated <= hi + _half(stated) + EPS:
        return None
    return pct_severity(stated, expected, allowed)


def _range_grade(got: tuple[float, float], want: tuple[float, float] | None) -> str | None:
    """Given the ranges two computed shares can have after rounding, grade their gap."""
    if want is None:
        return None
    gap = max(want[0] - got[1], got[0] - want[1])
    if gap <= EPS:
        return None
    return "info" if gap <= SHARE_SLIP + EPS else CHART_SEVERITY


def _share_ranges(values: list[float]) -> list[tuple[float, float]]:
    """Given a chart's values, return the range of each one's share (%) their rounding allows."""
    halves = [_half(v) for v in values]
    total, spread = sum(values), sum(halves)
    out = []
    for value, half in zip(values, halves, strict=True):
        least, most = max(value - half, 0.0), value + half
        rest_least = max(total - value - (spread - half), 0.0)
        rest_most = total - value + (spread - half)
        low = least / (least + rest_most) * 100 if least + rest_most > EPS else 0.0
        out.append((low, most / (most + rest_least) * 100))
    return out


def _charts(r: ReportData) -> dict[str, dict]:
    """Given a report, return its charts by id: title, unit, values and labels by category."""
    charts: dict[str, dict] = defaultdict(
        lambda: {"title": "", "unit": None, "where": None, "values": {}, "labels": {}}
    )
    for m in r.mentions:
        if not isinstance(m, ChartTitle | ChartValue | ChartLabel) or not m.chart:
            continue
        c = charts[m.chart]
        c["title"] = m.title or c["title"]
        if isinstance(m, ChartTitle):
            c["unit"], c["where"] = m.unit, m.where
        elif isinstance(m, ChartValue) and m.value is not None:
            c["values"][m.category] = (m.value, m.year, m.where)
        elif isinstance(m, ChartLabel):
            c["labels"][m.category] = (m.amount, m.pct, m.where)
    return dict(charts)


def _chart_name(chart: dict) -> str:
    """Given a chart, return how a message names it: its title, or its first categories."""
    title = chart["title"]
    if title and title not in PLACEHOLDER_TITLES:
        return f"图表“{title}”"
    names = list(chart["values"]) or list(chart["labels"])
    return f"无标题图表（{names[0]}等 {len(names)} 项）" if names else "无标题图表"


def _text_value(r: ReportData, metric: str, year: int | None):
    """Given a metric and a year, return (value, how it is known, quotes) from the text."""
    if year == r.fiscal_year:
        fact = r.facts.get(metric)
        if fact is not None and fact.value is not None:
            return fact.value, "", [fact.where]
    elif year == r.fiscal_year - 1 and metric in r.derived:
        prior_year, value, where, _basis = r.derived[metric]
        fact = r.facts.get(metric)
        if prior_year == year and fact is not None and fact.value is not None:
            change = fact.value - value
            sign = "＋" if change < 0 else "−"
            how = f"{fact.value:,.2f}{sign}{abs(change):,.2f}"
            return value, how, [fact.where, where]
    return None


def _title_metric(title: str) -> str | None:
    """Given a chart title, return the metric it shows, or None when it names none."""
    for metric, words in TITLE_METRICS:
        if any(w in title for w in words):
            return metric
    return None


def _amount_grades(label: float | None, value: float, text: float | None) -> list[str | None]:
    """Given a category's label, plotted value and text figure (None if unknown), grade them."""
    grades = []
    if label is not None:
        grades.append(_amount_grade(label, value, _half(value)))
    if text is not None:
        grades.append(_amount_grade(value, text, AMOUNT_TOLERANCE))
        if label is not None:
            grades.append(_amount_grade(label, text, AMOUNT_TOLERANCE))
    return grades


def _amount_chart(r: ReportData, chart: dict) -> Finding | None:
    """Given a chart of amounts, return a finding when labels, values and text disagree."""
    # a chart in another (or no stated) unit is compared with itself only
    metric = _title_metric(chart["title"]) if chart["unit"] == AMOUNT_UNIT else None
    rows = []
    for cat, (value, year, v_where) in chart["values"].items():
        label, _, l_where = chart["labels"].get(cat, (None, None, None))
        text = _text_value(r, metric, year) if metric and year else None
        grade = _worst(_amount_grades(label, value, text[0] if text else None))
        if grade is not None:
            rows.append((grade, cat, label, value, text, [l_where, v_where]))
    return _amount_finding(r, chart, metric, rows) if rows else None


def _amount_finding(r: ReportData, chart: dict, metric: str | None, rows: list) -> Finding:
    """Given a chart and its disagreeing categories (grade, name, label, value, text,
    quotes), return the finding that states them."""
    parts, evidence = [], []
    for _, cat, label, value, text, quotes in rows:
        said = [] if label is None else [f"数据标签为 {money(label)}"]
        said.append(f"图中数值为 {money(value)}")
        if text is not None:
            how = f"（{text[1]}）" if text[1] else ""
            said.append(f"正文{how}为 {money(text[0])}")
        parts.append(cat + "，".join(said))
        evidence += quotes + (text[2] if text else [])
    _, _, label, value, text, _ = rows[0]
    return new_finding(
        r, RULE, _worst([row[0] for row in rows]),
        f"{_chart_name(chart)}的" + "；".join(parts) + "。",
        unique_quotes([chart["where"], *evidence]),
        metric=metric, stated=label if label is not None else value,
        expected=text[0] if text else value,
    )  # fmt: skip


def _text_amounts(r: ReportData, names: list[str]) -> dict[str, tuple[float, Quote]] | None:
    """Given structure-chart categories, return each one's amount in the text, or None."""
    classes = {class_key(n): (a, q) for n, a, q in r.classes if a is not None}
    out = {}
    for name in names:
        metric = CATEGORY_METRICS.get(name) or CATEGORY_METRICS.get(class_key(name) + "支出")
        fact = r.facts.get(metric) if metric else None
        if fact is not None and fact.value is not None:
            out[name] = (fact.value, fact.where)
        elif class_key(name) in classes:
            out[name] = classes[class_key(name)]
        else:
            return None  # one category the text does not state: shares cannot be compared
    return out


def _share_chart(r: ReportData, chart: dict) -> Finding | None:
    """Given a structure chart, return a finding when its shares disagree with each other
    or with the shares the text's amounts give."""
    values = chart["values"]
    names = list(values)
    plotted = [values[n][0] for n in names]
    total = sum(plotted)
    if len(names) < MIN_SHARE_CATEGORIES or total <= EPS:
        return None
    amounts = _text_amounts(r, names)
    amount_sum = sum(a for a, _ in amounts.values()) if amounts else 0.0
    rows = []
    for cat, value, share_range in zip(names, plotted, _share_ranges(plotted), strict=True):
        _, label, l_where = chart["labels"].get(cat, (None, None, None))
        share = value / total * 100
        grades = [] if label is None else [_share_grade(label, share, share_range)]
        text = None
        if amount_sum > EPS:
            amount, a_where = amounts[cat]
            text = (amount, amount / amount_sum * 100, a_where)
            text_range = ratio_range(
                amount, amount_sum, AMOUNT_TOLERANCE, AMOUNT_TOLERANCE * len(names)
            )
            grades.append(_range_grade(share_range, text_range))
            if label is not None:
                grades.append(_share_grade(label, text[1], text_range))
        grade = _worst(grades)
        if grade is not None:
            rows.append((grade, cat, label, value, share, text, [l_where, values[cat][2]]))
    return _share_finding(r, chart, rows) if rows else None


def _share_finding(r: ReportData, chart: dict, rows: list) -> Finding:
    """Given a structure chart and its disagreeing categories (grade, name, label, value,
    share, text amount and share, quotes), return the finding that states them."""
    parts, evidence = [], []
    for _, cat, label, value, share, text, quotes in rows:
        said = [] if label is None else [f"数据标签为 {pct(label)}"]
        said.append(f"图中数值 {value:g} 占 {pct(share)}")
        if text is not None:
            said.append(f"正文 {money(text[0])} 占 {pct(text[1])}")
        parts.append(f"{cat}：" + "，".join(said))
        evidence += quotes + ([text[2]] if text else [])
    _, _, label, _, share, text, _ = rows[0]
    return new_finding(
        r, RULE, _worst([row[0] for row in rows]),
        f"{_chart_name(chart)}的占比不一致{SHARE_BASIS}：" + "；".join(parts) + "。",
        unique_quotes([chart["where"], *evidence]),
        stated=round(label if label is not None else share, 2),
        expected=round(text[1] if text else share, 2), unit="%",
    )  # fmt: skip


@declare(
    RuleSpec(
        "chart.values",
        "图表数据与正文",
        "warning",
        "金额、百分比容差同上，超出为警告（图表只是示意）；每张图表一条",
        "报告中嵌入图表的数据（标题、数据标签、类别与数值；只在类别与数值一一对应时读取）：数据标签 与 图中数值；按年度的图表（标题指明收支总计、一般公共预算财政拨款支出等）与 正文本年数、由增减额推出的上年数；结构图的占比（数据标签，数值 ÷ 各项之和）与 正文金额算出的占比",
    ),
)
def chart_values(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return one finding per chart whose labels, values and text disagree."""
    out = []
    for chart in _charts(r).values():
        said = chart["labels"].values()
        if any(p is not None for _, p, _ in said):
            finding = _share_chart(r, chart)  # percentage labels: a structure chart
        elif said or chart["unit"] == AMOUNT_UNIT:
            finding = _amount_chart(r, chart)
        else:
            finding = _share_chart(r, chart)  # plain values: compared only as shares
        if finding is not None:
            out.append(finding)
    return out


RULES: tuple[Rule, ...] = (chart_values,)
