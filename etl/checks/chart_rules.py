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
a stated label or amount one last digit off is info, as for every other rule.  A chart's
values are taken as typed, and a share computed from them may miss the text's share by
SHARE_ROUNDING (charts often store shares typed to 0.01 point).
"""

from __future__ import annotations

import re
from collections import defaultdict

from etl.checks.model import (
    AMOUNT_TOLERANCE,
    EPS,
    Finding,
    Quote,
    ReportData,
    amount_severity,
    decimals_of,
    money,
    pct,
    pct_severity,
    ratio_range,
    unique_quotes,
)

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
CLASS_SUFFIX = re.compile(r"(?:（类）|\(类\))?(?:支出)?$")
# Percentage points a chart value may be off its exact share: charts often store shares
# typed to 0.01 point (0.8194 for 81.94%), i.e. rounded by up to half of that.
SHARE_ROUNDING = 0.005
MIN_SHARE_CATEGORIES = 2  # a structure chart of one category is 100% whatever it shows


def _key(name: str) -> str:
    """Given a category or class name (一般公共服务支出 / 一般公共服务), return a match key."""
    return CLASS_SUFFIX.sub("", name.strip())


def _worst(severities: list[str | None]) -> str | None:
    """Given graded differences, return the chart's severity (warning at most), or None."""
    found = [s for s in severities if s]
    if not found:
        return None
    return "info" if all(s == "info" for s in found) else CHART_SEVERITY


def _share_grade(stated: float, expected: float, allowed: tuple[float, float] | None) -> str | None:
    """Given a chart share, the share it should be and the range rounding allows, grade it.

    Within the range (widened by half a unit of the stated last digit) a chart is right:
    a chart is not the place to report a rounding slip the text itself may share.
    """
    half = 10.0 ** -decimals_of(stated) / 2
    lo, hi = allowed if allowed else (expected, expected)
    if lo - half - EPS <= stated <= hi + half + EPS:
        return None
    return pct_severity(stated, expected, allowed)


def _range_grade(got: tuple[float, float] | None, want: tuple[float, float] | None) -> str | None:
    """Given the ranges two computed shares can have after rounding, grade their gap."""
    if got is None or want is None:
        return None
    gap = max(want[0] - got[1], got[0] - want[1])
    return None if gap <= SHARE_ROUNDING + EPS else CHART_SEVERITY


def _charts(r: ReportData) -> dict[str, dict]:
    """Given a report, return its charts by id: title, unit, values and labels by category."""
    charts: dict[str, dict] = defaultdict(
        lambda: {"title": "", "unit": None, "where": None, "values": {}, "labels": {}}
    )
    for m in r.mentions:
        kind = m["kind"]
        if kind not in ("chart_title", "chart_value", "chart_label") or not m["flag"]:
            continue
        c = charts[m["flag"]]
        c["title"] = m["context"] or c["title"]
        if kind == "chart_title":
            c["unit"], c["where"] = m["subject"], m["where"]
        elif kind == "chart_value" and m["value"] is not None:
            c["values"][m["subject"]] = (m["value"], m["year"], m["where"])
        elif kind == "chart_label":
            c["labels"][m["subject"]] = (m["value"], m["pct"], m["where"])
    return dict(charts)


PLACEHOLDER_TITLES = ("销售额", "系列1", "系列 1", "Series 1", "图表标题")  # Word's defaults


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


def _amount_chart(r: ReportData, chart: dict) -> Finding | None:
    """Given a chart of amounts, return a finding when labels, values and text disagree."""
    metric = _title_metric(chart["title"])
    if chart["unit"] != AMOUNT_UNIT:
        metric = None  # a chart in another (or no stated) unit is compared with itself only
    parts, grades, evidence = [], [], []
    first = None
    for cat, (value, year, v_where) in chart["values"].items():
        label, _, l_where = chart["labels"].get(cat, (None, None, None))
        text = _text_value(r, metric, year) if metric and year else None
        cat_grades = []
        if label is not None:
            cat_grades.append(amount_severity(label - value))
        if text is not None:
            cat_grades.append(amount_severity(value - text[0]))
            if label is not None:
                cat_grades.append(amount_severity(label - text[0]))
        grade = _worst(cat_grades)
        if grade is None:
            continue
        grades.append(grade)
        said = []
        if label is not None:
            said.append(f"数据标签为 {money(label)}")
        said.append(f"图中数值为 {money(value)}")
        if text is not None:
            how = f"（{text[1]}）" if text[1] else ""
            said.append(f"正文{how}为 {money(text[0])}")
        parts.append(cat + "，".join(said))
        evidence += [l_where, v_where] + (text[2] if text else [])
        if first is None:
            first = (label if label is not None else value, text[0] if text else value)
    if not parts:
        return None
    return Finding(
        r.report_id, r.source_file, RULE, _worst(grades),
        f"{_chart_name(chart)}的" + "；".join(parts) + "。",
        unique_quotes([chart["where"], *evidence]),
        metric=metric, stated=first[0], expected=first[1],
    )  # fmt: skip


def _text_amounts(r: ReportData, names: list[str]) -> dict[str, tuple[float, Quote]] | None:
    """Given structure-chart categories, return each one's amount in the text, or None."""
    classes = {_key(n): (a, q) for n, a, q in r.classes if a is not None}
    out = {}
    for name in names:
        metric = CATEGORY_METRICS.get(name) or CATEGORY_METRICS.get(_key(name) + "支出")
        fact = r.facts.get(metric) if metric else None
        if fact is not None and fact.value is not None:
            out[name] = (fact.value, fact.where)
        elif _key(name) in classes:
            out[name] = classes[_key(name)]
        else:
            return None  # one category the text does not state: shares cannot be compared
    return out


def _share_chart(r: ReportData, chart: dict) -> Finding | None:
    """Given a structure chart, return a finding when its shares disagree with each other
    or with the shares the text's amounts give."""
    values = chart["values"]
    names = list(values)
    total = sum(v for v, _, _ in values.values())
    if len(names) < MIN_SHARE_CATEGORIES or total <= EPS:
        return None
    amounts = _text_amounts(r, names)
    amount_sum = sum(a for a, _ in amounts.values()) if amounts else 0.0
    if amount_sum <= EPS:
        amounts = None
    parts, grades, evidence = [], [], []
    first = None
    for cat in names:
        value, _, v_where = values[cat]
        _, label, l_where = chart["labels"].get(cat, (None, None, None))
        share = value / total * 100  # a chart stores its values as typed: exact
        shown = round(share, 2)
        share_range = (share, share)
        cat_grades = []
        if label is not None:
            cat_grades.append(_share_grade(label, share, None))
        text = None
        if amounts:
            amount, a_where = amounts[cat]
            text = amount / amount_sum * 100
            text_range = ratio_range(
                amount, amount_sum, AMOUNT_TOLERANCE, AMOUNT_TOLERANCE * len(names)
            )
            cat_grades.append(_range_grade(share_range, text_range))
            if label is not None:
                cat_grades.append(_share_grade(label, text, text_range))
        grade = _worst(cat_grades)
        if grade is None:
            continue
        grades.append(grade)
        said = []
        if label is not None:
            said.append(f"数据标签为 {pct(label)}")
        said.append(f"图中数值 {value:g} 占 {pct(share)}")
        if text is not None:
            said.append(f"正文 {money(amounts[cat][0])} 占 {pct(text)}")
        parts.append(f"{cat}：" + "，".join(said))
        evidence += [l_where, v_where] + ([amounts[cat][1]] if text is not None else [])
        if first is None:
            first = (label if label is not None else shown, text if text is not None else share)
    if not parts:
        return None
    basis = "（占比按各项之和计算）"
    return Finding(
        r.report_id, r.source_file, RULE, _worst(grades),
        f"{_chart_name(chart)}的占比不一致{basis}：" + "；".join(parts) + "。",
        unique_quotes([chart["where"], *evidence]),
        stated=round(first[0], 2), expected=round(first[1], 2),
    )  # fmt: skip


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
