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
from etl.checks.registry import RuleSpec, declare
from etl.model import UNIT_TABLE
from etl.statements import FundsScore, SectionMax

FULL_SCORE = 100.0  # a self-evaluation table is complete when its items carry 100 points


def _table_points(
    rows: list, fund: FundsScore | None, stated: float
) -> tuple[float, float, str] | None:
    """Given a table's indicator (分值, 得分) rows, its funds row and its stated total, return
    (分值 sum, 得分 sum, a note when 预算执行 takes the 分值 past 100), or None when the sums
    would prove nothing (items not all read, a 预算执行 with no 得分)."""
    if any(sc is None for _, sc in rows):
        return None  # an item's 得分 was not read (blank or not a number): its sum proves nothing
    weight = sum(w or 0 for w, _ in rows)
    score = round(sum(sc for _, sc in rows), 2)
    note = ""
    if fund is not None:
        if fund.score is None:
            return None
        with_fund = round(score + fund.score, 2)
        if weight + fund.weight <= FULL_SCORE + EPS:
            weight, score = weight + fund.weight, with_fund  # 预算执行 10 分 + indicators 90 分
        elif weight + EPS >= FULL_SCORE:
            if abs(with_fund - stated) <= EPS:
                score = with_fund  # the total counts 预算执行 too: only the 分值 are wrong
            note = (
                f"表中另有预算执行 {count_text(fund.weight)} 分（得 {count_text(fund.score)} 分），"
                f"全部分值合计 {count_text(weight + fund.weight)} 分，超过满分 {count_text(FULL_SCORE)} 分"
            )
    if weight + EPS < FULL_SCORE:
        return None
    return weight, score, note


@declare(
    RuleSpec(
        "score.total",
        "自评总分与各项得分",
        "error",
        "须相等，不等为错误；有得分未读到时不查；分值超过 100 分而总分相符为警告",
        "自评总分 与 各指标得分之和（资金行“预算执行”的分值/得分在 100 分之内时计入；只在读到的分值合计达到 100 分时检查，避免因漏读而误报）；连同预算执行分值超过 100 分",
        unit="分",
    ),
)
def scores(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a self-evaluation total is not its items' sum, or
    its 分值 add up to more than 100."""
    tables: dict[str, list[tuple[float | None, float | None]]] = defaultdict(list)
    for row in r.indicators:
        tables[row.table].append((row.weight, row.score))
    funds = {m.table: m for m in r.mentions if isinstance(m, FundsScore)}
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
        evidence = [where] + ([fund.where] if fund is not None else [])
        out.append(
            new_finding(
                r, "score.total", severity, message, unique_quotes(evidence),
                metric=metric, stated=stated, expected=score,
            )
        )  # fmt: skip
    return out


@declare(
    RuleSpec(
        "score.sections",
        "指标满分与其下分值、得分",
        "error",
        "同一张表中所写满分与其下分值不符为一条警告（列出各处）；分值相符而得分超过满分为错误",
        "自评表中写明满分的一级/二级指标（如“产出指标（40分）”）与其下各项分值、得分之和",
        unit="分",
    ),
)
def sections(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a section's stated maximum disagrees with its items.

    Maxima that disagree with the items' own 分值 in one table are one slip (a template's
    headings left unchanged): one warning naming each section and the scores that exceed it.
    A section whose 分值 match its maximum while its 得分 exceed it is an error of its own.
    """
    slips: dict[str, list[SectionMax]] = defaultdict(list)
    out = []
    for m in r.mentions:
        if not isinstance(m, SectionMax) or not m.weights:
            continue
        most, weights, got = m.most, m.weights, m.scores or 0.0
        if abs(weights - most) > EPS:
            slips[m.table].append(m)
        elif got > most + EPS:
            out.append(
                new_finding(
                    r, "score.sections", "error",
                    f"{_table_words(m.table)}中“{m.quote}”最多 {count_text(most)} 分，其下各项分值"
                    f"合计也是 {count_text(weights)} 分，但得分合计 {count_text(got)} 分，超过满分。",
                    [m.where], stated=most, expected=got,
                )
            )  # fmt: skip
    for table, ms in slips.items():
        parts = []
        for m in ms:
            text = f"“{m.quote}”其下分值合计 {count_text(m.weights)} 分"
            if (m.scores or 0.0) > m.most + EPS:
                text += f"、得分 {count_text(m.scores)} 分（超过所写满分）"
            parts.append(text)
        first = ms[0]
        out.append(
            new_finding(
                r, "score.sections", "warning",
                f"{_table_words(table)}有 {len(ms)} 处一级/二级指标所写满分与其下各项分值不符：" + "；".join(parts)
                + "。所写满分与分值不能同时成立，多半是表头分值未按本表修改（一处原因，各处一并核对）。",
                unique_quotes(m.where for m in ms),
                stated=first.most, expected=first.weights,
            )
        )  # fmt: skip
    return out


def _table_words(table: str) -> str:
    """Given a self-evaluation table's name, return how a message names it."""
    return "部门整体自评表" if table == UNIT_TABLE else f"项目“{table}”自评表"


RULES: tuple[Rule, ...] = (scores, sections)
