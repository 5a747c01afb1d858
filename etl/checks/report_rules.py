"""Rules over one report: do its own numbers agree with each other?

Each rule is a pure function ReportData -> list[Finding]; RULES below lists them with the
id the README documents.  A rule that lacks the figures it compares says nothing.
"""

from __future__ import annotations

import difflib
from collections import defaultdict

from etl.checks.model import (
    AMOUNT_TOLERANCE,
    EPS,
    ROUNDING_UNIT,
    Finding,
    Quote,
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

INCOME_PARTS = (
    "income.general_budget", "income.gov_fund", "income.state_capital",
    "income.superior_subsidy", "income.business", "income.operating", "income.affiliate",
    "income.other",
)  # fmt: skip
EXPENDITURE_PARTS = (
    "expenditure.basic", "expenditure.project", "expenditure.remit_superior",
    "expenditure.operating", "expenditure.affiliate_subsidy",
)  # fmt: skip
SANGONG_PARTS = ("sangong.outbound", "sangong.vehicle", "sangong.reception")
# (rule, total, parts): a total and the parts a report lists under it.  Stated parts must
# not exceed the total; when every part is stated they must add up to it.
PART_GROUPS = (
    ("parts.income", "income.total", INCOME_PARTS),
    ("parts.expenditure", "expenditure.total", EXPENDITURE_PARTS),
    ("parts.sangong", "sangong.total", SANGONG_PARTS),
    ("parts.sangong", "sangong.budget",
     ("sangong.outbound.budget", "sangong.vehicle.budget", "sangong.reception.budget")),
    ("parts.sangong", "sangong.vehicle",
     ("sangong.vehicle.purchase", "sangong.vehicle.operation")),
    ("parts.sangong", "sangong.reception",
     ("sangong.reception.domestic", "sangong.reception.foreign")),
    ("parts.vehicles", "vehicles.total", ("vehicles.sedan", "vehicles.suv", "vehicles.bus")),
    ("parts.vehicles", "vehicles.total",
     ("vehicles.ministerial", "vehicles.leadership", "vehicles.confidential",
      "vehicles.emergency", "vehicles.law_enforcement", "vehicles.special",
      "vehicles.retiree", "vehicles.other")),
)  # fmt: skip
# A change rate is stated for these (total, change amount, change rate) triples.
CHANGE_TRIPLES = (
    ("total.income_expenditure", "total.change", "total.change_pct"),
    ("gpb.total", "gpb.change", "gpb.change_pct"),
    ("sangong.total", "sangong.change", "sangong.change_pct"),
    ("operating_costs", "operating_costs.change", "operating_costs.change_pct"),
)
# Mention subjects that restate a metric's year-on-year change.
CHANGE_OF = {
    "total.income_expenditure": "total.change",
    "total.income": "total.change",
    "total.expenditure": "total.change",
    "gpb.total": "gpb.change",
    "sangong.total": "sangong.change",
    "operating_costs": "operating_costs.change",
}
SUBJECT_LABEL = {
    "sangong.total": "“三公”经费",
    "sangong.outbound": "因公出国（境）费",
    "sangong.vehicle": "公务用车购置及运行维护费",
    "sangong.reception": "公务接待费",
    "gpb.total": "一般公共预算财政拨款支出",
    "total.income_expenditure": "收、支总计",
    "total.income": "收入总计",
    "total.expenditure": "支出总计",
    "fiscal.total": "财政拨款收、支总计",
    "operating_costs": "机关运行经费",
    "expenditure.total": "本年支出合计",
    "income.total": "本年收入合计",
    "procurement.total": "政府采购支出总额",
}
CLASS_NAME_MATCH = 0.8  # difflib ratio above which a 类 name and an item's 类 are the same
FULL_SCORE = 100.0  # a self-evaluation table is complete when its items carry 100 points
UNIT_TABLE = "部门整体"
COMPARISON_LAG = 1  # a report compares its year with the year before


def _label(metric: str, labels: dict[str, str]) -> str:
    return labels.get(metric) or SUBJECT_LABEL.get(metric) or metric


def parts_vs_total(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where listed parts do not add up to their total."""
    out = []
    for rule, total_key, part_keys in PART_GROUPS:
        total = r.facts.get(total_key)
        parts = [(k, r.facts[k]) for k in part_keys if k in r.facts]
        if total is None or total.value is None or len(parts) < 2:
            continue
        s = round(sum(p.value or 0.0 for _, p in parts), 6)
        diff = s - total.value
        if diff < 0 and len(parts) < len(part_keys):
            continue  # not every part is stated: a shortfall may be an unlisted part
        severity = amount_severity(diff, len(parts))
        if severity is None:
            continue
        fmt = count_text if rule == "parts.vehicles" else money
        names = "＋".join(f"{_label(k, labels)} {fmt(p.value)}" for k, p in parts)
        out.append(
            new_finding(
                r, rule, severity,
                f"{_label(total_key, labels)}为 {fmt(total.value)}，"
                f"但所列各项之和为 {fmt(s)}（{names}），相差 {fmt(abs(diff))}。",
                [total.where] + [p.where for _, p in parts if p.where != total.where],
                metric=total_key, stated=total.value, expected=s,
            )
        )  # fmt: skip
    return out


def basic_parts(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where 人员经费 + 公用经费 or two 基本支出 disagree."""
    personnel, public = r.facts.get("basic.personnel"), r.facts.get("basic.public")
    basic = r.facts.get("expenditure.basic")
    gpb_basic = next((m for m in r.mentions if m["subject"] == "gpb.basic"), None)
    parts = [p for p in (personnel, public) if p is not None]
    s = round(sum(p.value or 0 for p in parts), 6) if len(parts) == 2 else None
    parts_text = (
        f"人员经费 {money(personnel.value)}＋公用经费 {money(public.value)}＝{money(s)}"
        if s is not None else ""
    )  # fmt: skip
    if gpb_basic is not None and basic is not None and basic.value is not None:
        over = gpb_basic["value"] - basic.value
        if over > AMOUNT_TOLERANCE + EPS:
            also = f"；{parts_text}" if parts_text else ""
            return [
                new_finding(
                    r, "parts.basic", amount_severity(over) or "error",
                    f"一般公共预算财政拨款基本支出写作 {money(gpb_basic['value'])}，大于全部基本支出 "
                    f"{money(basic.value)}{also}：同一基本支出有两种说法。",
                    unique_quotes([gpb_basic["where"], basic.where] + [p.where for p in parts]),
                    metric="expenditure.basic", stated=gpb_basic["value"], expected=basic.value,
                )
            ]  # fmt: skip
    if s is None:
        return []
    if gpb_basic is not None:
        target, where, label = (
            gpb_basic["value"],
            gpb_basic["where"],
            "一般公共预算财政拨款基本支出",
        )
    elif basic is not None and basic.value is not None:
        target, where, label = basic.value, basic.where, "基本支出"
    else:
        return []
    # 人员经费 and 公用经费 are parts of the 一般公共预算财政拨款 basic expenditure: they add
    # up to it, and may fall short of all basic expenditure (other funds), never exceed it.
    severity = amount_severity(s - target, 2)
    if not severity or (gpb_basic is None and s < target):
        return []
    return [
        new_finding(
            r, "parts.basic", severity,
            f"{label}为 {money(target)}，但{parts_text}，相差 {money(abs(s - target))}。",
            [where, personnel.where, public.where],
            metric="expenditure.basic", stated=target, expected=s,
        )
    ]  # fmt: skip


def function_sums(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where 类 amounts miss gpb.total or 项 miss their 类."""
    out = []
    gpb = r.facts.get("gpb.total")
    classes = [(n, a, q) for n, a, q in r.classes if a is not None]
    if gpb is not None and gpb.value is not None and len(classes) >= 2:
        s = round(sum(a for _, a, _ in classes), 6)
        severity = amount_severity(s - gpb.value, len(classes))
        if severity:
            out.append(
                new_finding(
                    r, "parts.gpb_classes", severity,
                    f"一般公共预算财政拨款支出为 {money(gpb.value)}，但各功能分类（类）合计 "
                    f"{money(s)}，相差 {money(abs(s - gpb.value))}。",
                    [gpb.where] + [q for _, _, q in classes],
                    metric="gpb.total", stated=gpb.value, expected=s,
                )
            )  # fmt: skip
    by_class: dict[str, list] = defaultdict(list)
    for name, amount, _done, q in r.items:
        if amount is not None:
            by_class[_class_key(name)].append((amount, q))
    for name, amount, q in classes:
        items = by_class.get(_closest(_class_key(name), by_class))
        if not items:
            continue
        s = round(sum(a for a, _ in items), 6)
        severity = amount_severity(s - amount, len(items))
        if severity:
            out.append(
                new_finding(
                    r, "parts.class_items", severity,
                    f"{name}（类）为 {money(amount)}，但其下各项（款/项）合计 {money(s)}，"
                    f"相差 {money(abs(s - amount))}。",
                    [q] + [iq for _, iq in items],
                    metric="gpb.total", stated=amount, expected=s,
                )
            )  # fmt: skip
    return out


def item_numbering(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where the numbered 功能分类 items skip numbers."""
    numbered = [(int(m["value"]), m["where"]) for m in r.mentions if m["kind"] == "item_number"]
    out = []
    for (a, qa), (b, qb) in zip(numbered, numbered[1:], strict=False):
        if b > a + 1:
            missing = "、".join(str(n) for n in range(a + 1, b))
            out.append(
                new_finding(
                    r, "parts.item_numbering", "warning",
                    f"功能分类各项的编号从 {a} 跳到 {b}，第 {missing} 项没有列出：各项之和可能因此"
                    "对不上所属的类。",
                    [qa, qb],
                )
            )  # fmt: skip
    return out


def _closest(key: str, keys) -> str | None:
    """Given a name and candidate names, return the same name or the one it most resembles.

    A class is sometimes named a little differently in the list of classes and on its 项
    lines (一般公共预算服务支出 / 一般公共服务（类）).
    """
    if key in keys:
        return key
    ratio, best = max(
        ((difflib.SequenceMatcher(None, key, k).ratio(), k) for k in keys), default=(0.0, None)
    )
    return best if ratio >= CLASS_NAME_MATCH else None


def _class_key(name: str) -> str:
    """Given a 类 name as stated (社会保障和就业支出 / 社会保障和就业), return a match key."""
    key = name.replace("（类）", "").replace("(类)", "").strip()
    return key[:-2] if key.endswith("支出") else key


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
                    f"{_label(total_key, labels)}本年 {money(total.value)}，较上年变动 "
                    f"{money(change.value)}，上年应为 {money(prior)}，变动率应为 {pct(expected)}，"
                    f"报告写的是 {pct(rate.value)}。",
                    unique_quotes([rate.where, change.where, total.where]),
                    metric=pct_key, stated=rate.value, expected=round(expected, 2),
                )
            )  # fmt: skip
    for m in r.mentions:
        if m["kind"] != "change" or m["pct"] is None or m["flag"] == "template":
            continue
        fact = r.facts.get(m["subject"] or "")
        if fact is None or fact.value is None or m["subject"] in CHANGE_OF:
            continue
        prior = fact.value - m["value"]
        if prior <= EPS:
            continue
        expected = m["value"] / prior * 100
        severity = pct_severity(m["pct"], expected, change_range(m["value"], fact.value))
        if severity:
            out.append(
                new_finding(
                    r, "pct.change", severity,
                    f"{_label(m['subject'], labels)}本年 {money(fact.value)}，较上年变动 "
                    f"{money(m['value'])}，变动率应为 {pct(expected)}，报告写的是 {pct(m['pct'])}。",
                    unique_quotes([m["where"], fact.where]),
                    metric=m["subject"], stated=m["pct"], expected=round(expected, 2),
                )
            )  # fmt: skip
    return out


def shares(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where 占…% contradicts the amounts it relates."""
    out = []
    for m in r.mentions:
        if m["kind"] != "share" or m["value"] is None or m["pct"] is None:
            continue
        base, base_where = m["base"], None
        if base is None:
            fact = r.facts.get(m["subject"] or "")
            if fact is None:
                continue
            base, base_where = fact.value, fact.where
        elif m["context"]:
            base_where = r.quote(m["context"], m["loc"], m["page"])
        if base is None or base <= EPS:
            continue
        expected = m["value"] / base * 100
        half = 0.0 if m["flag"] == "人" else AMOUNT_TOLERANCE  # head counts are exact
        severity = pct_severity(m["pct"], expected, ratio_range(m["value"], base, half, half))
        show = (lambda v: f"{count_text(v)} 人") if m["flag"] == "人" else money
        if severity:
            out.append(
                new_finding(
                    r, "pct.share", severity,
                    f"“{m['quote']}”：{show(m['value'])} ÷ {show(base)} ＝ {pct(expected)}，"
                    f"报告写的是 {pct(m['pct'])}。",
                    unique_quotes([m["where"]] + ([base_where] if base_where else [])),
                    metric=m["subject"], stated=m["pct"], expected=round(expected, 2),
                )
            )  # fmt: skip
    return out


def completion(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where 完成预算% contradicts amounts or its own words."""
    out = []
    said: dict[str, dict] = {}
    for m in r.mentions:
        if m["kind"] == "completion":
            said.setdefault(m["subject"], m)  # the first statement of each figure
    for subject, m in said.items():
        label = _label(subject, labels)
        if m["flag"] in ("<", ">") and abs(m["pct"] - 100) <= EPS:
            word = "小于" if m["flag"] == "<" else "大于"
            out.append(
                new_finding(
                    # a rate written 100% may be a rounded 99.6%: a warning, not an error
                    r, "pct.completion", "warning" if decimals_of(m["pct"]) == 0 else "error",
                    f"{label}称“完成预算100%”，同一句又说决算数{word}预算数，两者矛盾"
                    "（除非完成率只是四舍五入到 100%，请核对预算数）。",
                    [m["where"]], metric=subject, stated=m["pct"], expected=None,
                )
            )  # fmt: skip
        elif m["flag"] == "=" and abs(m["pct"] - 100) > EPS:
            out.append(
                new_finding(
                    r, "pct.completion", "error",
                    f"{label}完成预算 {pct(m['pct'])}，同一句又说决算数等于预算数。",
                    [m["where"]], metric=subject, stated=m["pct"], expected=100.0,
                )
            )  # fmt: skip
        budget = m["base"]
        budget_where = m["where"]
        if budget is None and f"{subject}.budget" in r.facts:
            budget = r.facts[f"{subject}.budget"].value
            budget_where = r.facts[f"{subject}.budget"].where
        if subject == "sangong.total" and budget is None and "sangong.budget" in r.facts:
            budget, budget_where = r.facts["sangong.budget"].value, r.facts["sangong.budget"].where
        if budget and budget > EPS and m["value"] is not None:
            expected = m["value"] / budget * 100
            severity = pct_severity(m["pct"], expected, ratio_range(m["value"], budget))
            if severity:
                out.append(
                    new_finding(
                        r, "pct.completion", severity,
                        f"{label}决算 {money(m['value'])}、预算 {money(budget)}，完成率应为 "
                        f"{pct(expected)}，报告写的是 {pct(m['pct'])}。",
                        unique_quotes([m["where"], budget_where]),
                        metric=subject, stated=m["pct"], expected=round(expected, 2),
                    )
                )  # fmt: skip
    out += _completion_of_parts(r, said)
    out += _completion_of_items(r, said)
    return out


def _implied_budget(m: dict) -> float | None:
    """Given a completion mention, return the budget it implies (决算 ÷ 完成率), if it does."""
    if m["pct"] is None or m["value"] is None:
        return None
    if m["pct"] > EPS:
        return m["value"] / m["pct"] * 100
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
        f"{SUBJECT_LABEL[k]}支出 {money(m['value'])}、完成预算 {pct(m['pct'])}"
        for k, m in zip(SANGONG_PARTS, parts, strict=True)
    )
    return [
        new_finding(
            r, "pct.completion", "error",
            f"“三公”经费预算数为 {money(total_budget.value)}，但三项分项的支出与完成率（{detail}）"
            f"意味着分项预算合计只有 {money(s)}。",
            unique_quotes([total_budget.where] + [m["where"] for m in parts]),
            metric="sangong.budget", stated=total_budget.value, expected=s,
        )
    ]  # fmt: skip


def _completion_of_items(r: ReportData, said: dict) -> list[Finding]:
    m = said.get("gpb.total")
    items = [(a, d, q) for _n, a, d, q in r.items if a is not None and d is not None]
    if m is None or not items or len(items) != len(r.items) or m["value"] is None:
        return []
    if amount_severity(sum(a for a, _, _ in items) - m["value"]) == "error":
        return []  # the items do not cover the whole total
    if any(d <= EPS for _, d, _ in items):
        return []
    implied = sum(a / d * 100 for a, d, _ in items)
    expected = m["value"] / implied * 100
    # each item's rate is rounded to its last written digit, each amount to 0.01 万元
    h = AMOUNT_TOLERANCE
    most = sum((a + h) / (d - 10.0 ** -decimals_of(d) / 2) * 100 for a, d, _ in items)
    least = sum((a - h) / (d + 10.0 ** -decimals_of(d) / 2) * 100 for a, d, _ in items)
    allowed = ((m["value"] - h) / most * 100, (m["value"] + h) / least * 100)
    severity = pct_severity(m["pct"], expected, allowed)
    if not severity:
        return []
    return [
        new_finding(
            r, "pct.completion", severity,
            f"一般公共预算支出完成预算 {pct(m['pct'])}，但 {len(items)} 个功能分类项目的决算数与"
            f"完成率合起来，整体完成率应为 {pct(expected)}（预算合计约 {money(round(implied, 2))}）。",
            [m["where"]] + [q for _, _, q in items[:3]],
            metric="gpb.total", stated=m["pct"], expected=round(expected, 2),
        )
    ]  # fmt: skip


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


def restated(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where one quantity is stated with different values."""
    groups: dict[str, list[tuple[float, Quote]]] = defaultdict(list)
    for m in r.mentions:
        if m["kind"] == "restated" and m["subject"] in r.facts:
            groups[m["subject"]].append((m["value"], m["where"]))
        elif m["kind"] == "amount" and m["flag"] == "元" and m["value"] is not None:
            raw = m["value"] * 10000  # the number as written, had it been 万元
            for key in (f"{m['subject']}.domestic", m["subject"]):
                f = r.facts.get(key)
                if f and f.value is not None and f.value >= ROUNDING_UNIT:
                    if abs(f.value - raw) <= AMOUNT_TOLERANCE:
                        groups[key].append((m["value"], m["where"]))
                        break
        elif (
            m["kind"] == "change"
            and m["subject"] in CHANGE_OF
            and m["flag"] != "template"
            and m["other_year"] in (None, r.fiscal_year)  # not a history (2022年较2021年…)
        ):
            key = CHANGE_OF[m["subject"]]
            if key in r.facts:
                groups[key].append((m["value"], m["where"]))
    out = []
    for metric, others in groups.items():
        first = r.facts[metric]
        differing = [(v, q) for v, q in others if amount_severity(v - first.value)]
        if not differing:
            continue
        values = [first.value] + [v for v, _ in differing]
        worst = max(abs(v - first.value) for v, _ in differing)
        severity = amount_severity(worst) or "info"
        unit_hint = ""
        if any(abs(v * 10000 - first.value) <= EPS * 10000 for v, _ in differing):
            unit_hint = "其中一处把“万元”写成了“元”。"
        shown = "、".join(
            f"{count_text(v * 10000)} 元" if 0 < abs(v) < ROUNDING_UNIT else money(v)
            for v in dict.fromkeys(values)
        )
        lead = ""
        if first.origin == "schedule":
            lead = f"附表与正文不一致，采用附表数值 {money(first.value)}。"
        out.append(
            new_finding(
                r, "restated", severity,
                f"{_label(metric, labels)}在报告中有 {len(set(values))} 种说法：{shown}。"
                f"{lead}{unit_hint}",
                unique_quotes([first.where] + [q for _, q in differing]),
                metric=metric, stated=first.value, expected=differing[0][0],
            )
        )  # fmt: skip
    return out


def sangong_change_parts(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where 三公 component changes do not add to the total's."""
    total = r.facts.get("sangong.change")
    parts = {}
    for m in r.mentions:
        if m["kind"] == "change" and m["subject"] in SANGONG_PARTS:
            parts.setdefault(m["subject"], m)
    if total is None or total.value is None or len(parts) < len(SANGONG_PARTS):
        return []
    s = round(sum(m["value"] for m in parts.values()), 6)
    severity = amount_severity(s - total.value)
    if not severity:
        return []
    detail = "、".join(
        f"{SUBJECT_LABEL[k]} {money(parts[k]['value'])}"
        + ("（未填写的模板句）" if parts[k]["flag"] == "template" else "")
        for k in SANGONG_PARTS
    )
    return [
        new_finding(
            r, "parts.sangong_change",
            "warning" if any(m["flag"] == "template" for m in parts.values()) else severity,
            f"“三公”经费较上年变动 {money(total.value)}，但三项分项的变动（{detail}）合计 {money(s)}。",
            unique_quotes([total.where] + [parts[k]["where"] for k in SANGONG_PARTS]),
            metric="sangong.change", stated=total.value, expected=s,
        )
    ]  # fmt: skip


def years(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a comparison or reporting year is not the right one."""
    out = []
    fy = r.fiscal_year
    seen = set()
    for m in r.mentions:
        kind, year = m["kind"], m["year"]
        if year is None:
            continue
        if kind in ("year_compared", "change"):
            if m["other_year"] is not None and m["other_year"] != fy:
                continue  # a sentence about history: 2022年较2021年…
            if year == fy - COMPARISON_LAG:
                continue
            what = _label(m["subject"], labels) + "的变动：" if kind == "change" else ""
            text = f"{what}{fy}年度报告与 {year} 年比较，应与上年（{fy - COMPARISON_LAG}年）比较。"
        elif kind == "year_as_of":
            if year >= fy:
                continue
            text = f"{fy}年度报告写“截至{year}年”，日期应在 {fy} 年末或之后。"
        elif kind == "year_reported":
            if year == fy:
                continue
            text = f"{fy}年度报告在“{m['quote']}”中写的是 {year} 年，应为 {fy} 年。"
        else:
            continue
        metric = None
        if kind == "change":
            metric = CHANGE_OF.get(m["subject"]) or m["subject"]
        if (m["quote"], m["loc"], metric) in seen:
            continue
        seen.add((m["quote"], m["loc"], metric))
        out.append(
            new_finding(
                r, "year.context", "warning", text, [m["where"]],
                metric=metric, stated=year, expected=fy - (kind in ("year_compared", "change")),
            )
        )  # fmt: skip
    return out


def over_budget(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where 三公 spending exceeds its budget."""
    out = []
    for key in ("sangong.total",) + SANGONG_PARTS:
        spent, budget = (
            r.facts.get(key),
            r.facts.get("sangong.budget" if key == "sangong.total" else f"{key}.budget"),
        )
        if spent is None or budget is None or spent.value is None or budget.value is None:
            continue
        over = spent.value - budget.value
        if over > AMOUNT_TOLERANCE + EPS:
            out.append(
                new_finding(
                    r, "sangong.over_budget", "warning",
                    f"{_label(key, labels)}决算 {money(spent.value)} 超过预算 {money(budget.value)}"
                    f"（超出 {money(over)}）。",
                    unique_quotes([spent.where, budget.where]),
                    metric=key, stated=spent.value, expected=budget.value,
                )
            )  # fmt: skip
    return out


def no_carryover(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report that says it has no 结转结余, return findings where totals still differ."""
    said = next((m for m in r.mentions if m["kind"] == "no_carryover"), None)
    if said is None:
        return []
    out = []
    total = r.facts.get("total.income_expenditure")
    spent = r.facts.get("expenditure.total")
    if total and spent and total.value is not None and spent.value is not None:
        severity = amount_severity(total.value - spent.value)
        if severity:
            out.append(
                new_finding(
                    r, "totals.no_carryover", severity,
                    f"报告称无结转结余，支出总计应等于本年支出合计，但收、支总计为 "
                    f"{money(total.value)}，本年支出合计为 {money(spent.value)}，"
                    f"相差 {money(abs(total.value - spent.value))}。",
                    unique_quotes([total.where, spent.where, said["where"]]),
                    metric="total.income_expenditure", stated=total.value, expected=spent.value,
                )
            )  # fmt: skip
    fiscal = r.facts.get("fiscal.total")
    sources = [r.facts[k] for k in ("income.general_budget", "income.gov_fund",
                                    "income.state_capital") if k in r.facts]  # fmt: skip
    if fiscal and fiscal.value is not None and sources:
        s = round(sum(f.value or 0 for f in sources), 6)
        severity = amount_severity(fiscal.value - s)
        if severity and fiscal.value > s:
            out.append(
                new_finding(
                    r, "totals.no_carryover", severity,
                    f"报告称无结转结余，财政拨款收、支总计应等于本年财政拨款收入，但前者为 "
                    f"{money(fiscal.value)}，各项财政拨款收入合计 {money(s)}，"
                    f"相差 {money(fiscal.value - s)}。",
                    unique_quotes([fiscal.where] + [f.where for f in sources] + [said["where"]]),
                    metric="fiscal.total", stated=fiscal.value, expected=s,
                )
            )  # fmt: skip
    return out


FISCAL_SOURCES = ("income.general_budget", "income.gov_fund", "income.state_capital")


def fiscal_scope(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where 财政拨款收入 is stated as one fund's amount only.

    A 财政拨款(预算)收入 with no fund named covers every 财政拨款 of the year; when it equals
    the 一般公共预算 part alone while other funds were received, the other funds are missing.
    A budget may differ from the year's receipts, so any other difference says nothing.
    """
    sources = {k: r.facts[k] for k in FISCAL_SOURCES if r.value(k) is not None}
    general = sources.get("income.general_budget")
    others = [f for k, f in sources.items() if k != "income.general_budget" and f.value > EPS]
    if general is None or not others:
        return []
    total = round(sum(f.value for f in sources.values()), 6)
    wrong_year = {(m["loc"], m["year"]) for m in r.mentions if m["kind"] == "year_reported"}
    out = []
    for m in r.mentions:
        if m["kind"] != "fiscal_income" or m["value"] is None:
            continue
        if m["year"] not in (None, r.fiscal_year) and (m["loc"], m["year"]) not in wrong_year:
            continue  # another year's figure (a reporting phrase with a wrong year is this year)
        if amount_severity(m["value"] - general.value) or not amount_severity(m["value"] - total):
            continue
        rest = "、".join(f"{_label(k, labels)} {money(f.value)}" for k, f in sources.items()
                        if k != "income.general_budget" and f.value > EPS)  # fmt: skip
        out.append(
            new_finding(
                r, "parts.fiscal_scope", "warning",
                f"“{m['where'].quote}”只等于一般公共预算财政拨款收入 {money(general.value)}；本年财政拨款"
                f"收入共 {money(total)}，还有{rest}。",
                unique_quotes([m["where"], general.where] + [f.where for f in others]),
                metric="income.general_budget", stated=m["value"], expected=total,
            )
        )  # fmt: skip
    return out


def listings(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a stated number of items is not what is listed."""
    out = []
    for m in r.mentions:
        if m["kind"] == "listing":
            listed = int(m["flag"] or 0)
            if listed and listed != int(m["value"]):
                out.append(
                    new_finding(
                        r, "parts.listing", "warning",
                        f"报告称项目 {int(m['value'])} 个，但随后列出了 {listed} 个项目的支出。",
                        [m["where"]], metric="expenditure.project", stated=m["value"],
                        expected=float(listed),
                    )
                )  # fmt: skip
            if m["pct"] is not None and listed:
                severity = amount_severity(m["base"] - m["pct"])
                if severity:
                    out.append(
                        new_finding(
                            r, "parts.listing", severity,
                            f"项目支出 {money(m['pct'])}，但所列各项目支出合计 {money(m['base'])}。",
                            [m["where"]], metric="expenditure.project", stated=m["pct"],
                            expected=m["base"],
                        )
                    )  # fmt: skip
        elif m["kind"] == "count_parts" and m["base"] > m["value"] + EPS:
            out.append(
                new_finding(
                    r, "parts.counts", "error",
                    f"“{m['quote']}”：总数 {count_text(m['value'])} 个，其中各类合计 {count_text(m['base'])} 个，"
                    "分项多于总数。",
                    [m["where"]], stated=m["value"], expected=m["base"],
                )
            )  # fmt: skip
    return out


def table_sums(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a table's 小计 is not the sum of its lines."""
    out = []
    for m in r.mentions:
        if m["kind"] != "table_sum" or m["value"] is None or m["base"] is None:
            continue
        severity = amount_severity(m["base"] - m["value"])
        if severity:
            out.append(
                new_finding(
                    r, "parts.table", severity,
                    f"表中“{m['quote']}”，但其下 {m['flag']} 行（{m['context']}）合计 "
                    f"{money(m['base'])}，相差 {money(abs(m['base'] - m['value']))}。",
                    [m["where"]], stated=m["value"], expected=m["base"],
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


def reasons(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a stated reason points the other way."""
    out = []
    for m in r.mentions:
        if m["kind"] != "reason" or not m["value"]:
            continue
        rose = m["value"] > 0
        if rose == (m["flag"] == "up"):
            continue
        went, told = ("增加", "减少") if rose else ("减少", "增加")
        out.append(
            new_finding(
                r, "reason.direction", "warning",
                f"{_label(m['subject'], labels)}{went}，但所述原因说的是{told}。",
                [m["where"]], metric=CHANGE_OF.get(m["subject"]) or m["subject"],
                stated=m["value"],
            )
        )  # fmt: skip
    return out


RULES: tuple[Rule, ...] = (
    parts_vs_total,
    basic_parts,
    function_sums,
    item_numbering,
    change_rates,
    shares,
    completion,
    scores,
    restated,
    sangong_change_parts,
    years,
    over_budget,
    no_carryover,
    fiscal_scope,
    listings,
    table_sums,
    sections,
    reasons,
)
