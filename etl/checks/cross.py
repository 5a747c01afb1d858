"""Rules across reports: a report against its unit's prior-year report, and a unit against
comparable units (same kind of unit, same year) by robust z-scores on normalised indicators.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable

from etl.checks.model import EPS, Finding, Quote, ReportData, amount_severity, money
from etl.checks.registry import RuleSpec, declare

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


@declare(
    RuleSpec(
        "across.prior_year",
        "与上年报告不符",
        "warning",
        "相差 ≤0.01 万元为提示，更大为警告",
        "本年报告所述增减额推出的上年数 与 上年报告本身所写的数（两年报告都已载入时）",
    ),
)
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


OUTLIER_SPECS = tuple(
    RuleSpec(
        f"outlier.{ind_id}",
        f"离群：{name}",
        "warning",
        f"与同类单位中位数相差悬殊（稳健 z 值，即中位数与绝对中位差算出的偏离，绝对值 > {OUTLIER_Z}）；"
        f"同类少于 {MIN_PEERS} 个单位不计算；警告",
        f"{name}在同类单位（同一单位类别、同一年度的决算报告）中离群",
    )
    for ind_id, name, *_ in INDICATORS
)


def _compared(value: float, med: float, unit: str) -> str:
    """Given a unit's value and its peers' median, return how far apart they are, in words."""
    if unit == "%":
        gap = value - med
        return (
            f"比同类单位中位数 {_fmt(med, unit)}{'高' if gap > 0 else '低'} {abs(gap):.2f} 个百分点"
        )
    if med > EPS and value >= med:
        return f"是同类单位中位数 {_fmt(med, unit)} 的 {value / med:.1f} 倍"
    if med > EPS:
        return f"只有同类单位中位数 {_fmt(med, unit)} 的 {value / med * 100:.0f}%"
    return f"同类单位中位数为 {_fmt(med, unit)}"


@declare(*OUTLIER_SPECS)
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
                        f"{name} {_fmt(v, unit)}，{_compared(v, med, unit)}"
                        f"（同类：{kind}，{year}年，{len(points)} 个单位）。",
                        evidence, metric=keys[0], stated=round(v, 4), expected=round(med, 4),
                        detail=f"稳健 z 值 {z:+.1f}（中位数 {_fmt(med, unit)}，按绝对中位差计算；"
                        f"绝对值超过 {OUTLIER_Z} 视为离群）", unit=unit,
                    )
                )  # fmt: skip
    return out


CROSS_RULES = (prior_year, outliers)
