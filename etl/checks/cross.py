"""Rules across reports: a report against its unit's prior-year report, and a unit against
comparable units (same kind of unit, same year) by robust z-scores on normalised indicators.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable

from etl.checks.model import EPS, Finding, Quote, ReportData, amount_severity, money

# Robust z-score (Iglewicz & Hoaglin): 0.6745 * (x - median) / MAD; |z| above the
# threshold marks an outlier.  When MAD is 0, the mean absolute deviation (scaled by
# 1.2533) stands in; when that is 0 too, the group has no spread and nothing is flagged.
MAD_SCALE = 0.6745
MEAN_AD_SCALE = 1.2533
OUTLIER_Z = 3.5
MIN_PEERS = 5  # fewer comparable units than this: no outlier is computed
DERIVED_OF = {  # prior-year metric a report derives -> the change metric it comes from
    "total.income_expenditure": "total.change",
    "gpb.total": "gpb.change",
    "sangong.total": "sangong.change",
    "operating_costs": "operating_costs.change",
}


def prior_year(reports: list[ReportData], labels: dict[str, str]) -> list[Finding]:
    """Given all reports, return findings where a stated change contradicts last year's report."""
    by_key = {(r.unit_id, r.doc_kind, r.fiscal_year): r for r in reports}
    out = []
    for r in reports:
        prior = by_key.get((r.unit_id, r.doc_kind, r.fiscal_year - 1))
        if prior is None:
            continue
        for metric, (year, value, where, basis) in sorted(r.derived.items()):
            stated = prior.facts.get(metric)
            if year != prior.fiscal_year or stated is None or stated.value is None:
                continue
            diff = value - stated.value
            severity = amount_severity(diff)
            if severity is None:
                continue
            label = labels.get(metric, metric)
            out.append(
                Finding(
                    r.report_id, r.source_file, "across.prior_year",
                    "info" if severity == "info" else "warning",
                    f"{r.fiscal_year}年报告所述变动（{basis}）推出 {prior.fiscal_year} 年{label}为 "
                    f"{money(value)}，但 {prior.fiscal_year} 年报告本身写的是 {money(stated.value)}，"
                    f"相差 {money(abs(diff))}。",
                    [where, stated.where],
                    metric=DERIVED_OF.get(metric, metric), stated=value, expected=stated.value,
                )
            )  # fmt: skip
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= EPS:
        return None
    return a / b


def _yoy(r: ReportData, total: str, change: str) -> float | None:
    t, c = r.value(total), r.value(change)
    if t is None or c is None or t - c <= EPS:
        return None
    return c / (t - c) * 100


# (id, Chinese name, unit, metric keys used, how to compute it)
Indicator = tuple[str, str, str, tuple[str, ...], Callable[[ReportData], float | None]]
INDICATORS: tuple[Indicator, ...] = (
    ("sangong_per_staff", "人均三公经费", "万元", ("sangong.total", "staff.actual"),
     lambda r: _ratio(r.value("sangong.total"), r.value("staff.actual"))),
    ("vehicles_per_staff", "人均公务用车", "辆", ("vehicles.total", "staff.actual"),
     lambda r: _ratio(r.value("vehicles.total"), r.value("staff.actual"))),
    ("operating_per_staff", "人均机关运行经费", "万元", ("operating_costs", "staff.actual"),
     lambda r: _ratio(r.value("operating_costs"), r.value("staff.actual"))),
    ("project_share", "项目支出占比", "%", ("expenditure.project", "expenditure.total"),
     lambda r: None if (v := _ratio(r.value("expenditure.project"),
                                     r.value("expenditure.total"))) is None else v * 100),
    ("sangong_yoy", "三公经费同比变动", "%", ("sangong.total", "sangong.change"),
     lambda r: _yoy(r, "sangong.total", "sangong.change")),
    ("total_yoy", "收支总计同比变动", "%", ("total.income_expenditure", "total.change"),
     lambda r: _yoy(r, "total.income_expenditure", "total.change")),
)  # fmt: skip


def robust_z(values: list[float]) -> list[float] | None:
    """Given a group's values, return each one's robust z-score, or None without spread."""
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values)
    if mad > EPS:
        return [MAD_SCALE * (v - med) / mad for v in values]
    mean_ad = statistics.fmean(abs(v - med) for v in values)
    if mean_ad > EPS:
        return [(v - med) / (MEAN_AD_SCALE * mean_ad) for v in values]
    return None


def _fmt(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.2f}%"
    return f"{value:,.2f} {unit}"


def outliers(reports: list[ReportData], labels: dict[str, str]) -> list[Finding]:
    """Given all reports, return findings for units far from comparable units on an indicator."""
    groups: dict[tuple, list[ReportData]] = defaultdict(list)
    for r in reports:
        kind = r.unit_type  # peers: the same kind of unit (党委部门, 医院 ...) in the same year
        if kind and r.doc_kind == "决算":
            groups[(kind, r.fiscal_year)].append(r)
    out = []
    for (kind, year), members in sorted(groups.items()):
        for ind_id, name, unit, keys, compute in INDICATORS:
            points = [(r, v) for r in members if (v := compute(r)) is not None]
            if len(points) < MIN_PEERS:
                continue
            zs = robust_z([v for _, v in points])
            if zs is None:
                continue
            med = statistics.median(v for _, v in points)
            for (r, v), z in zip(points, zs, strict=True):
                if abs(z) <= OUTLIER_Z:
                    continue
                evidence: list[Quote] = [r.facts[k].where for k in keys if k in r.facts]
                out.append(
                    Finding(
                        r.report_id, r.source_file, f"outlier.{ind_id}", "warning",
                        f"{name} {_fmt(v, unit)}，同类单位（{kind}，{year}年，{len(points)} 个）"
                        f"中位数 {_fmt(med, unit)}，稳健 z 值 {z:+.1f}。",
                        evidence, metric=keys[0], stated=round(v, 4), expected=round(med, 4),
                    )
                )  # fmt: skip
    return out


CROSS_RULES = (prior_year, outliers)
