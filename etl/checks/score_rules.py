"""Rules over self-evaluation tables: totals against their item scores (with the 预算执行
points of a funds row) and stated section maxima (产出指标（40分）) against their items."""

from __future__ import annotations

from collections import defaultdict

from etl.checks.model import (
    EPS,
    Finding,
    ReportData,
    Rule,
    count_text,
    new_finding,
    unique_quotes,
)
from etl.model import UNIT_TABLE

FULL_SCORE = 100.0  # a self-evaluation table is complete when its items carry 100 points


def _table_points(rows: list, fund: dict | None, stated: float) -> tuple[float, float, str] | None:
    """Given a table's indicator (分值, 得分) rows, its funds row and its stated total, return
    (分值 sum, 得分 sum, a note when 预算执行 takes the 分值 past 100), or None when the sums
    would prove nothing (items not all read, a 预算执行 with no 得分)."""
    weight = sum(w or 0 for w, _ in rows)
    score = round(sum(sc or 0 for _, sc in rows), 2)
    note = ""
    if fund is not None:
        if fund["pct"] is None:
            return None
        with_fund = round(score + fund["pct"], 2)
        if weight + fund["value"] <= FULL_SCORE + EPS:
            weight, score = weight + fund["value"], with_fund  # 预算执行 10 分 + indicators 90 分
        elif weight + EPS >= FULL_SCORE:
            if abs(with_fund - stated) <= EPS:
                score = with_fund  # the total counts 预算执行 too: only the 分值 are wrong
            note = (
                f"表中另有预算执行 {count_text(fund['value'])} 分（得 {count_text(fund['pct'])} 分），"
                f"全部分值合计 {count_text(weight + fund['value'])} 分，超过满分 {count_text(FULL_SCORE)} 分"
            )
    if weight + EPS < FULL_SCORE:
        return None
    return weight, score, note


def scores(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a self-evaluation total is not its items' sum, or
    its 分值 add up to more than 100."""
    tables: dict[str, list[tuple[float | None, float | None]]] = defaultdict(list)
    for row in r.indicators:
        tables[row.table].append((row.weight, row.score))
    funds = {m["subject"]: m for m in r.mentions if m["kind"] == "funds_score"}
    totals = []
    if "perf.overall_score" in r.facts:
        f = r.facts["perf.overall_score"]
        totals.append((UNIT_TABLE, f.value, f.where, "perf.overall_score"))
    totals += [(p.name, p.score, p.where, None) for p in r.projects if p.score is not None]
    out = []
    for table, stated, where, metric in totals:
        fund = funds.get(table)
        points = _table_points(tables[table], fund, stated) if table in tables else None
        if points is None or stated is None:
            continue
        weight, score, note = points
        what = "部门整体自评" if table == UNIT_TABLE else f"项目“{table}”自评"
        if abs(score - stated) > EPS:
            severity = "error"
            message = (
                f"{what}总分为 {count_text(stated)} 分，但各项指标得分合计 {count_text(score)} 分"
                f"（各项分值合计 {count_text(weight)} 分）" + (f"；{note}。" if note else "。")
            )
        elif note or weight > FULL_SCORE + EPS:
            severity = "warning"
            note = (
                note
                or f"各项分值合计 {count_text(weight)} 分，超过满分 {count_text(FULL_SCORE)} 分"
            )
            message = f"{what}总分 {count_text(stated)} 分等于各项得分之和，但{note}。"
        else:
            continue
        evidence = [where] + ([fund["where"]] if fund is not None else [])
        out.append(
            new_finding(
                r, "score.total", severity, message, unique_quotes(evidence),
                metric=metric, stated=stated, expected=score,
            )
        )  # fmt: skip
    return out


def sections(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a section's stated maximum disagrees with its items."""
    out = []
    for m in r.mentions:
        if m["kind"] != "section_max" or not m["base"]:
            continue
        what = "部门整体自评表" if m["subject"] == UNIT_TABLE else f"项目“{m['subject']}”自评表"
        most, weights, got = m["value"], m["base"], m["pct"] or 0.0
        if got > most + EPS:
            out.append(
                new_finding(
                    r, "score.sections", "error",
                    f"{what}中“{m['quote']}”最多 {count_text(most)} 分，但其下各项得分合计 {count_text(got)} 分，"
                    f"超过该项满分（各项分值合计 {count_text(weights)} 分）。",
                    [m["where"]], stated=most, expected=got,
                )
            )  # fmt: skip
        elif abs(weights - most) > EPS:
            out.append(
                new_finding(
                    r, "score.sections", "warning",
                    f"{what}中“{m['quote']}”为 {count_text(most)} 分，但其下各项分值合计 {count_text(weights)} 分。",
                    [m["where"]], stated=most, expected=weights,
                )
            )  # fmt: skip
    return out


RULES: tuple[Rule, ...] = (scores, sections)
