"""Rules over stated percentages: change rates, shares and 完成预算%, each graded against
the range the rounding of its amounts allows (etl/checks/model.pct_severity)."""

from __future__ import annotations

from etl.checks.model import (
    AMOUNT_TOLERANCE,
    EPS,
    Finding,
    ReportData,
    Rule,
    amount_severity,
    change_range,
    count_text,
    decimals_of,
    money,
    new_finding,
    pct,
    pct_severity,
    ratio_range,
    unique_quotes,
)
from etl.checks.registry import RuleSpec, declare
from etl.checks.report_rules import share_follows_parts
from etl.checks.subjects import (
    CHANGE_OF,
    CHANGE_TRIPLES,
    SANGONG_PARTS,
    SUBJECT_LABEL,
    metric_label,
)
from etl.statements import Change, Completion, Share

# A percentage whose formula the report does not state is at most a warning.
SEVERITY_CAP_UNDEFINED = {"error": "warning"}


@declare(
    RuleSpec(
        "pct.change",
        "增减率与增减额",
        "error",
        "在金额舍入（各 ±0.005 万元）允许的范围内不报（点估计末位不同为提示）；范围外差一个末位为提示，不到 0.1 个百分点为警告，更大为错误",
        "所述增减率 与 增减额 ÷ 上年数（上年数 ＝ 本年数 − 增减额）",
        unit="%",
    ),
)
def change_rates(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a stated change rate contradicts its amounts."""
    out = []
    for total_key, change_key, pct_key in CHANGE_TRIPLES:
        total, change, rate = (r.facts.get(k) for k in (total_key, change_key, pct_key))
        if None in (total, change, rate) or None in (total.value, change.value, rate.value):
            continue
        prior = total.value - change.value
        if prior <= EPS:
            continue
        expected = change.value / prior * 100
        severity = pct_severity(rate.value, expected, change_range(change.value, total.value))
        if severity:
            out.append(
                new_finding(
                    r, "pct.change", severity,
                    f"{metric_label(total_key, labels)}本年 {money(total.value)}，较上年变动 "
                    f"{money(change.value)}，上年应为 {money(prior)}，变动率应为 {pct(expected)}，"
                    f"报告写的是 {pct(rate.value)}。",
                    unique_quotes([rate.where, change.where, total.where]),
                    metric=pct_key, stated=rate.value, expected=round(expected, 2),
                )
            )  # fmt: skip
    for m in r.mentions:
        if not isinstance(m, Change) or m.pct is None or m.form == "template":
            continue
        fact = r.facts.get(m.metric or "")
        if fact is None or fact.value is None or m.metric in CHANGE_OF:
            continue
        prior = fact.value - m.amount
        if prior <= EPS:
            continue
        expected = m.amount / prior * 100
        severity = pct_severity(m.pct, expected, change_range(m.amount, fact.value))
        if severity:
            out.append(
                new_finding(
                    r, "pct.change", severity,
                    f"{metric_label(m.metric, labels)}本年 {money(fact.value)}，较上年变动 "
                    f"{money(m.amount)}，变动率应为 {pct(expected)}，报告写的是 {pct(m.pct)}。",
                    unique_quotes([m.where, fact.where]),
                    metric=m.metric, stated=m.pct, expected=round(expected, 2),
                )
            )  # fmt: skip
    return out


@declare(
    RuleSpec(
        "pct.share",
        "占比与金额",
        "error",
        "在金额舍入（各 ±0.005 万元）允许的范围内不报（点估计末位不同为提示）；范围外差一个末位为提示，不到 0.1 个百分点为警告，更大为错误；编制控制率算法未写明，最多为警告，实有人数未超编而写 100% 为提示",
        "“占…%” 与 金额 ÷ 所指合计（句中先列的合计、“占本年支出合计的”等；编制表的控制率 与 实有人数 ÷ 编制数）",
        unit="%",
    ),
)
def shares(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where 占…% contradicts the amounts it relates."""
    out = []
    for m in r.mentions:
        if not isinstance(m, Share) or m.amount is None or m.pct is None:
            continue
        base, base_where = m.of_amount, None
        if base is None:
            fact = r.facts.get(m.of_metric or "")
            if fact is None:
                continue
            base, base_where = fact.value, fact.where
        elif m.of_words:
            base_where = r.quote(m.of_words, m.loc, m.page)
        if base is None or base <= EPS:
            continue
        if share_follows_parts(r, m):
            continue  # computed on the parts of a wrong total: parts_vs_total names it
        expected = m.amount / base * 100
        half = 0.0 if m.counted == "人" else AMOUNT_TOLERANCE  # head counts are exact
        severity = pct_severity(m.pct, expected, ratio_range(m.amount, base, half, half))
        show = (lambda v: f"{count_text(v)} 人") if m.counted == "人" else money
        note = ""
        if severity and m.counted == "人":
            # a staffing 控制率 states no formula: 100% may mean “within the establishment”
            within = m.amount <= base + EPS and abs(m.pct - 100) <= EPS
            severity = "info" if within else SEVERITY_CAP_UNDEFINED.get(severity, severity)
            note = "控制率的算法报告未写明：若按实有人数 ÷ 编制数计算应为上数；写 100% 可能指人数控制在编制以内。"
        if severity:
            out.append(
                new_finding(
                    r, "pct.share", severity,
                    f"“{m.quote}”：{show(m.amount)} ÷ {show(base)} ＝ {pct(expected)}，"
                    f"报告写的是 {pct(m.pct)}。{note}",
                    unique_quotes([m.where] + ([base_where] if base_where else [])),
                    metric=m.of_metric, stated=m.pct, expected=round(expected, 2),
                )
            )  # fmt: skip
    return out


@declare(
    RuleSpec(
        "pct.completion",
        "预算完成率",
        "error",
        "在金额舍入（各 ±0.005 万元）允许的范围内不报（点估计末位不同为提示）；范围外差一个末位为提示，不到 0.1 个百分点为警告，更大为错误；“100%”又说小于预算为警告（可能四舍五入），其他文字矛盾为错误",
        "完成预算% 与 决算 ÷ 预算；与同句“决算数小于/大于/等于预算数”；三公分项完成率推出的预算与三公预算；各功能分类项目完成率推出的整体完成率",
        unit="%",
    ),
)
def completion(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where 完成预算% contradicts amounts or its own words."""
    out = []
    said: dict[str | None, Completion] = {}
    for m in r.mentions:
        if isinstance(m, Completion):
            said.setdefault(m.metric, m)  # the first statement of each figure
    for subject, m in said.items():
        label = metric_label(subject, labels)
        if m.verdict in ("<", ">") and abs(m.pct - 100) <= EPS:
            word = "小于" if m.verdict == "<" else "大于"
            out.append(
                new_finding(
                    # a rate written 100% may be a rounded 99.6%: a warning, not an error
                    r, "pct.completion", "warning" if decimals_of(m.pct) == 0 else "error",
                    f"{label}称“完成预算100%”，同一句又说决算数{word}预算数，两者矛盾"
                    "（除非完成率只是四舍五入到 100%，请核对预算数）。",
                    [m.where], metric=subject, stated=m.pct, expected=None,
                )
            )  # fmt: skip
        elif m.verdict == "=" and abs(m.pct - 100) > EPS:
            out.append(
                new_finding(
                    r, "pct.completion", "error",
                    f"{label}完成预算 {pct(m.pct)}，同一句又说决算数等于预算数。",
                    [m.where], metric=subject, stated=m.pct, expected=100.0,
                )
            )  # fmt: skip
        budget = m.budget
        budget_where = m.where
        if budget is None and f"{subject}.budget" in r.facts:
            budget = r.facts[f"{subject}.budget"].value
            budget_where = r.facts[f"{subject}.budget"].where
        if subject == "sangong.total" and budget is None and "sangong.budget" in r.facts:
            budget, budget_where = r.facts["sangong.budget"].value, r.facts["sangong.budget"].where
        if budget and budget > EPS and m.actual is not None:
            expected = m.actual / budget * 100
            severity = pct_severity(m.pct, expected, ratio_range(m.actual, budget))
            if severity:
                out.append(
                    new_finding(
                        r, "pct.completion", severity,
                        f"{label}决算 {money(m.actual)}、预算 {money(budget)}，完成率应为 "
                        f"{pct(expected)}，报告写的是 {pct(m.pct)}。",
                        unique_quotes([m.where, budget_where]),
                        metric=subject, stated=m.pct, expected=round(expected, 2),
                    )
                )  # fmt: skip
    out += _completion_of_parts(r, said)
    out += _completion_of_items(r, said)
    return out


def _implied_budget(m: Completion) -> float | None:
    """Given a completion mention, return the budget it implies (决算 ÷ 完成率), if it does."""
    if m.pct is None or m.actual is None:
        return None
    if m.pct > EPS:
        return m.actual / m.pct * 100
    return None


def _completion_of_parts(r: ReportData, said: dict) -> list[Finding]:
    total_budget = r.facts.get("sangong.budget")
    parts = [said[k] for k in SANGONG_PARTS if k in said]
    if total_budget is None or total_budget.value is None or len(parts) < len(SANGONG_PARTS):
        return []
    implied = [_implied_budget(m) for m in parts]
    if any(v is None for v in implied):
        return []
    s = round(sum(implied), 2)
    if amount_severity(s - total_budget.value) != "error":
        return []
    detail = "；".join(
        f"{SUBJECT_LABEL[k]}支出 {money(m.actual)}、完成预算 {pct(m.pct)}"
        for k, m in zip(SANGONG_PARTS, parts, strict=True)
    )
    return [
        new_finding(
            r, "pct.completion", "error",
            f"“三公”经费预算数为 {money(total_budget.value)}，但三项分项的支出与完成率（{detail}）"
            f"意味着分项预算合计只有 {money(s)}。",
            unique_quotes([total_budget.where] + [m.where for m in parts]),
            metric="sangong.budget", stated=total_budget.value, expected=s, unit="万元",
        )
    ]  # fmt: skip


def _completion_of_items(r: ReportData, said: dict) -> list[Finding]:
    m = said.get("gpb.total")
    items = [(a, d, q) for _n, a, d, q in r.items if a is not None and d is not None]
    if m is None or not items or len(items) != len(r.items) or m.actual is None:
        return []
    if amount_severity(sum(a for a, _, _ in items) - m.actual) == "error":
        return []  # the items do not cover the whole total
    if any(d <= EPS for _, d, _ in items):
        return []
    implied = sum(a / d * 100 for a, d, _ in items)
    expected = m.actual / implied * 100
    # each item's rate is rounded to its last written digit, each amount to 0.01 万元
    h = AMOUNT_TOLERANCE
    most = sum((a + h) / (d - 10.0 ** -decimals_of(d) / 2) * 100 for a, d, _ in items)
    least = sum((a - h) / (d + 10.0 ** -decimals_of(d) / 2) * 100 for a, d, _ in items)
    allowed = ((m.actual - h) / most * 100, (m.actual + h) / least * 100)
    severity = pct_severity(m.pct, expected, allowed)
    if not severity:
        return []
    return [
        new_finding(
            r, "pct.completion", severity,
            f"一般公共预算支出完成预算 {pct(m.pct)}，但 {len(items)} 个功能分类项目的决算数与"
            f"完成率合起来，整体完成率应为 {pct(expected)}（预算合计约 {money(round(implied, 2))}）。",
            [m.where] + [q for _, _, q in items[:3]],
            metric="gpb.total", stated=m.pct, expected=round(expected, 2),
        )
    ]  # fmt: skip


RULES: tuple[Rule, ...] = (change_rates, shares, completion)
