"""Rules over one report: do its own amounts agree with each other?

Totals against their parts, the same quantity stated twice, comparison and reporting years,
三公 against its budget, 结转结余, listings and table subtotals.  The other rules over one
report sit beside this module: percentages (pct_rules), self-evaluation scores
(score_rules), projects (project_rules), the 基础数据表 (table_rules) and charts
(chart_rules).  Each rule is a pure function ReportData -> list[Finding]; RULES lists
them with the id the README documents.  A rule that lacks the figures it compares says
nothing.
"""

from __future__ import annotations

import difflib
from collections import defaultdict

from etl.checks.model import (
    AMOUNT_TOLERANCE,
    EPS,
    ROUNDING_UNIT,
    SEVERITY_RANK,
    Finding,
    Quote,
    ReportData,
    Rule,
    amount_severity,
    count_text,
    money,
    new_finding,
    pct_severity,
    ratio_range,
    unique_quotes,
)
from etl.checks.registry import RuleSpec, declare
from etl.checks.subjects import (
    CHANGE_OF,
    FISCAL_SOURCES,
    PART_GROUPS,
    SANGONG_PARTS,
    SUBJECT_LABEL,
    class_key,
    metric_label,
)
from etl.extract.tables import SUBTOTAL_LINES
from etl.statements import (
    Amount,
    Change,
    ChangeReason,
    CountParts,
    FiscalIncome,
    ItemNumber,
    NoCarryover,
    ProjectListing,
    Restated,
    Share,
    TableSum,
    YearAsOf,
    YearCompared,
    YearReported,
)

CLASS_NAME_MATCH = 0.8  # difflib ratio above which a 类 name and an item's 类 are the same
COMPARISON_LAG = 1  # a report compares its year with the year before


@declare(
    RuleSpec(
        "parts.income",
        "收入合计与来源之和",
        "error",
        "金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误",
        "本年收入合计 与 各项收入来源之和（所列来源不全时只查“不超过”）",
    ),
    RuleSpec(
        "parts.expenditure",
        "支出合计与各类支出之和",
        "error",
        "金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误",
        "本年支出合计 与 基本/项目/上缴上级/经营/对附属单位补助支出之和",
    ),
    RuleSpec(
        "parts.sangong",
        "“三公”合计与分项之和",
        "error",
        "金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误；由它推出的占比、变动一并写在同一条中",
        "“三公”合计与三项分项；公务用车与购置＋运行维护；公务接待与国内＋外事（决算数与预算数）",
    ),
    RuleSpec(
        "parts.vehicles",
        "公务用车总数与分类之和",
        "error",
        "按辆，须相等；不等为错误",
        "公务用车总数 与 按车型（轿车/越野车/载客汽车）、按用途分类之和",
    ),
)
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
        names = "＋".join(f"{metric_label(k, labels)} {fmt(p.value)}" for k, p in parts)
        also, also_where = consequences(r, total_key, s) if severity == "error" else ("", [])
        out.append(
            new_finding(
                r, rule, severity,
                f"{metric_label(total_key, labels)}为 {fmt(total.value)}，"
                f"但所列各项之和为 {fmt(s)}（{names}），相差 {fmt(abs(diff))}。{also}",
                unique_quotes([total.where] + [p.where for _, p in parts] + also_where),
                metric=total_key, stated=total.value, expected=s,
                unit="辆" if rule == "parts.vehicles" else "万元",
            )
        )  # fmt: skip
    return out


def off_total(r: ReportData, total_key: str) -> float | None:
    """Given a report and a total, return the sum of its parts when every part is stated and
    the sum contradicts the total (an error), else None."""
    for _rule, key, part_keys in PART_GROUPS:
        if key != total_key or r.value(key) is None:
            continue
        if all(r.value(k) is not None for k in part_keys) and len(part_keys) >= 2:
            s = round(sum(r.value(k) for k in part_keys), 6)
            if amount_severity(s - r.value(key), len(part_keys)) == "error":
                return s
    return None


def share_follows_parts(r: ReportData, m: Share) -> bool:
    """Given a stated share of a total that contradicts its parts, return whether the share
    was computed on the parts' sum (a consequence of that one contradiction)."""
    s = off_total(r, m.of_metric or "") if m.of_amount is None else None
    if s is None or s <= EPS or m.amount is None or m.pct is None:
        return False
    return pct_severity(m.pct, m.amount / s * 100, ratio_range(m.amount, s)) is None


def change_follows_parts(r: ReportData, total_key: str, s: float) -> tuple[float, float] | None:
    """Given a total whose parts add to s instead, return (stated change, parts' change sum)
    when the parts' changes differ from the total's change by the same gap, else None."""
    change_key = CHANGE_OF.get(total_key)
    change = r.value(change_key) if change_key else None
    parts = {}
    for m in r.mentions:
        if isinstance(m, Change) and m.metric in SANGONG_PARTS and m.form != "template":
            parts.setdefault(m.metric, m.amount)
    if total_key != "sangong.total" or change is None or len(parts) < len(SANGONG_PARTS):
        return None
    moved = round(sum(parts.values()), 6)
    gap = s - (r.value(total_key) or 0.0)
    if amount_severity(moved - change - gap, len(parts)) in (None, "info"):
        return change, moved
    return None


def consequences(r: ReportData, total_key: str, s: float) -> tuple[str, list[Quote]]:
    """Given a total that contradicts its parts' sum s, return the words naming the other
    statements that follow from it (shares computed on s, a change that misses by the same
    gap) and their quotes."""
    shares = [
        m for m in r.mentions
        if isinstance(m, Share) and m.of_metric == total_key and share_follows_parts(r, m)
        and (m.pct or 0) > EPS
    ]  # fmt: skip
    words, quotes = [], []
    if shares:
        listed = "、".join(f"{m.pct:g}%" for m in shares)
        words.append(f"所写占比 {listed} 是按各项之和 {money(s)} 计算的")
        quotes += [m.where for m in shares]
    moved = change_follows_parts(r, total_key, s)
    if moved is not None:
        words.append(f"较上年变动 {money(moved[0])} 与分项变动之和 {money(moved[1])} 也差同一笔")
    return ("由此" + "；".join(words) + "。", quotes) if words else ("", quotes)


@declare(
    RuleSpec(
        "parts.basic",
        "基本支出与人员、公用经费",
        "error",
        "金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误",
        "一般公共预算财政拨款基本支出 与 人员经费＋公用经费；两种基本支出说法（前者大于全部基本支出）",
    ),
)
def basic_parts(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where 人员经费 + 公用经费 or two 基本支出 disagree."""
    personnel, public = r.facts.get("basic.personnel"), r.facts.get("basic.public")
    basic = r.facts.get("expenditure.basic")
    gpb_basic = next(
        (m for m in r.mentions if isinstance(m, Amount) and m.metric == "gpb.basic"), None
    )
    parts = [p for p in (personnel, public) if p is not None]
    s = round(sum(p.value or 0 for p in parts), 6) if len(parts) == 2 else None
    parts_text = (
        f"人员经费 {money(personnel.value)}＋公用经费 {money(public.value)}＝{money(s)}"
        if s is not None else ""
    )  # fmt: skip
    if gpb_basic is not None and basic is not None and basic.value is not None:
        over = gpb_basic.amount - basic.value
        if over > AMOUNT_TOLERANCE + EPS:
            also = f"；{parts_text}" if parts_text else ""
            return [
                new_finding(
                    r, "parts.basic", amount_severity(over) or "error",
                    f"一般公共预算财政拨款基本支出写作 {money(gpb_basic.amount)}，大于全部基本支出 "
                    f"{money(basic.value)}{also}：同一基本支出有两种说法。",
                    unique_quotes([gpb_basic.where, basic.where] + [p.where for p in parts]),
                    metric="expenditure.basic", stated=gpb_basic.amount, expected=basic.value,
                )
            ]  # fmt: skip
    if s is None:
        return []
    if gpb_basic is not None:
        target, where, label = (
            gpb_basic.amount,
            gpb_basic.where,
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


@declare(
    RuleSpec(
        "parts.gpb_classes",
        "财政拨款支出与功能分类之和",
        "error",
        "金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误",
        "一般公共预算财政拨款支出 与 各功能分类（类）之和",
    ),
)
def function_sums(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where the 类 amounts miss gpb.total."""
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
    return out


@declare(
    RuleSpec(
        "parts.class_items",
        "功能分类（类）与其下各项之和",
        "error",
        "金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误",
        "每个功能分类（类）与 其下各款/项之和",
    ),
)
def class_items(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a 类's 款/项 items do not add up to it."""
    out = []
    classes = [(n, a, q) for n, a, q in r.classes if a is not None]
    by_class: dict[str, list] = defaultdict(list)
    for name, amount, _done, q in r.items:
        if amount is not None:
            by_class[class_key(name)].append((amount, q))
    for name, amount, q in classes:
        items = by_class.get(_closest(class_key(name), by_class))
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


@declare(
    RuleSpec(
        "parts.item_numbering",
        "功能分类编号跳号",
        "warning",
        "跳号为警告",
        "正文逐条列出的功能分类（款/项）编号是否连续（从 9 跳到 12，第 10、11 项未列出）",
        unit="",
    ),
)
def item_numbering(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where the numbered 功能分类 items skip numbers."""
    numbered = [(int(m.number), m.where) for m in r.mentions if isinstance(m, ItemNumber)]
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


@declare(
    RuleSpec(
        "restated",
        "同一数额的不同说法",
        "error",
        "金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误",
        "同一数额在报告中写成不同数值（含“万元”写成“元”；附表与正文不一致时以附表为准并列出两处）",
    ),
)
def restated(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where one quantity is stated with different values."""
    groups: dict[str, list[tuple[float, Quote]]] = defaultdict(list)
    for m in r.mentions:
        if isinstance(m, Restated) and m.metric in r.facts:
            groups[m.metric].append((m.value, m.where))
        elif isinstance(m, Amount) and m.written_unit == "元" and m.amount is not None:
            raw = m.amount * 10000  # the number as written, had it been 万元
            for key in (f"{m.metric}.domestic", m.metric):
                f = r.facts.get(key)
                if f and f.value is not None and f.value >= ROUNDING_UNIT:
                    if abs(f.value - raw) <= AMOUNT_TOLERANCE:
                        groups[key].append((m.amount, m.where))
                        break
        elif (
            isinstance(m, Change)
            and m.metric in CHANGE_OF
            and m.form != "template"
            and m.this_year in (None, r.fiscal_year)  # not a history (2022年较2021年…)
        ):
            key = CHANGE_OF[m.metric]
            if key in r.facts:
                groups[key].append((m.amount, m.where))
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
                f"{metric_label(metric, labels)}在报告中有 {len(set(values))} 种说法：{shown}。"
                f"{lead}{unit_hint}",
                unique_quotes([first.where] + [q for _, q in differing]),
                metric=metric, stated=first.value, expected=differing[0][0],
            )
        )  # fmt: skip
    return out


@declare(
    RuleSpec(
        "parts.sangong_change",
        "“三公”变动与分项变动之和",
        "error",
        "金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误；含未填写的模板句为警告；由“三公”合计本身不符推出时不另报",
        "“三公”较上年增减额 与 三项分项各自的增减额之和（未填写的模板句按 0 计并注明）",
    ),
)
def sangong_change_parts(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where 三公 component changes do not add to the total's."""
    total = r.facts.get("sangong.change")
    parts = {}
    for m in r.mentions:
        if isinstance(m, Change) and m.metric in SANGONG_PARTS:
            parts.setdefault(m.metric, m)
    if total is None or total.value is None or len(parts) < len(SANGONG_PARTS):
        return []
    s = round(sum(m.amount for m in parts.values()), 6)
    severity = amount_severity(s - total.value)
    if not severity:
        return []
    parts_sum = off_total(r, "sangong.total")
    if parts_sum is not None and change_follows_parts(r, "sangong.total", parts_sum):
        return []  # one cause: the 三公 total itself (parts.sangong names this consequence)
    detail = "、".join(
        f"{SUBJECT_LABEL[k]} {money(parts[k].amount)}"
        + ("（未填写的模板句）" if parts[k].form == "template" else "")
        for k in SANGONG_PARTS
    )
    return [
        new_finding(
            r, "parts.sangong_change",
            "warning" if any(m.form == "template" for m in parts.values()) else severity,
            f"“三公”经费较上年变动 {money(total.value)}，但三项分项的变动（{detail}）合计 {money(s)}。",
            unique_quotes([total.where] + [parts[k].where for k in SANGONG_PARTS]),
            metric="sangong.change", stated=total.value, expected=s,
        )
    ]  # fmt: skip


@declare(
    RuleSpec(
        "year.context",
        "年份用错",
        "warning",
        "比较年份、截至日期或报告年度不对为警告",
        "比较年份应为上年（“比2022年” 出现在 2024 年报告中）；“截至”日期不早于报告年度；“××年度整体支出绩效目标/全面完成/财政拨款预算收入”应为本年度",
        unit="年",
    ),
)
def years(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a comparison or reporting year is not the right one."""
    out = []
    fy = r.fiscal_year
    seen = set()
    for m in r.mentions:
        if isinstance(m, YearCompared | Change):
            year = m.against_year
        elif isinstance(m, YearAsOf | YearReported):
            year = m.year
        else:
            continue
        if year is None:
            continue
        if isinstance(m, YearCompared | Change):
            if m.this_year is not None and m.this_year != fy:
                continue  # a sentence about history: 2022年较2021年…
            if year == fy - COMPARISON_LAG:
                continue
            what = metric_label(m.metric, labels) + "的变动：" if isinstance(m, Change) else ""
            text = f"{what}{fy}年度报告与 {year} 年比较，应与上年（{fy - COMPARISON_LAG}年）比较。"
        elif isinstance(m, YearAsOf):
            if year >= fy:
                continue
            text = f"{fy}年度报告写“截至{year}年”，日期应在 {fy} 年末或之后。"
        else:
            if year == fy:
                continue
            text = f"{fy}年度报告在“{m.quote}”中写的是 {year} 年，应为 {fy} 年。"
        metric = None
        if isinstance(m, Change):
            metric = CHANGE_OF.get(m.metric) or m.metric
        if (m.quote, m.loc, metric) in seen:
            continue
        seen.add((m.quote, m.loc, metric))
        compared = isinstance(m, YearCompared | Change)
        out.append(
            new_finding(
                r, "year.context", "warning", text, [m.where],
                metric=metric, stated=year, expected=fy - compared,
            )
        )  # fmt: skip
    return out


@declare(
    RuleSpec(
        "sangong.over_budget",
        "“三公”超预算",
        "warning",
        "超过 0.005 万元为警告",
        "“三公”及各分项决算超过预算",
    ),
)
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
                    f"{metric_label(key, labels)}决算 {money(spent.value)} 超过预算 {money(budget.value)}"
                    f"（超出 {money(over)}）。",
                    unique_quotes([spent.where, budget.where]),
                    metric=key, stated=spent.value, expected=budget.value,
                )
            )  # fmt: skip
    return out


SCOPE_WORDS = {"fiscal": "财政资金", "project": "项目资金"}  # how a message names a scope


@declare(
    RuleSpec(
        "totals.no_carryover",
        "称无结转结余而总计不符",
        "error",
        "按所称范围判断：全单位无结转结余而总计不符为错误；只称财政资金时全部资金总计的差为提示；写在项目说明中为警告；同一句话的各处差额合为一条",
        "报告称无结转结余时（先读所称范围：全单位、财政资金或某个项目）：收支总计 ＝ 本年支出合计；财政拨款收支总计 ＝ 各项财政拨款收入之和",
    ),
)
def no_carryover(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report that says it has no 结转结余, return one finding where its totals differ.

    The statement is read with its scope: about the whole unit it makes 收支总计 equal the
    year's spending and 财政拨款收支总计 the year's 财政拨款 (error when not); about fiscal
    funds only it binds the fiscal totals, and an all-funds gap may be other money (info);
    about a project it proves nothing of the unit's totals (warning).  Both gaps of one
    statement are one finding.
    """
    said = next((m for m in r.mentions if isinstance(m, NoCarryover)), None)
    if said is None:
        return []
    scope = said.scope or ""
    gaps = []  # (in scope, text, quotes, metric, stated, expected)
    total = r.facts.get("total.income_expenditure")
    spent = r.facts.get("expenditure.total")
    if total and spent and total.value is not None and spent.value is not None:
        if amount_severity(total.value - spent.value):
            gaps.append((
                scope == "", f"收、支总计 {money(total.value)}，本年支出合计 {money(spent.value)}，"
                f"相差 {money(abs(total.value - spent.value))}", [total.where, spent.where],
                "total.income_expenditure", total.value, spent.value,
            ))  # fmt: skip
    fiscal = r.facts.get("fiscal.total")
    sources = [r.facts[k] for k in FISCAL_SOURCES if k in r.facts]
    if fiscal and fiscal.value is not None and sources:
        s = round(sum(f.value or 0 for f in sources), 6)
        if amount_severity(fiscal.value - s) and fiscal.value > s:
            gaps.append((
                scope in ("", "fiscal"), f"财政拨款收、支总计 {money(fiscal.value)}，各项财政拨款收入"
                f"合计 {money(s)}，相差 {money(fiscal.value - s)}",
                [fiscal.where] + [f.where for f in sources], "fiscal.total", fiscal.value, s,
            ))  # fmt: skip
    if not gaps:
        return []
    bound = [g for g in gaps if g[0]]
    if bound:
        severity = max((amount_severity(g[4] - g[5]) for g in bound), key=SEVERITY_RANK.get)
        tail = "：总计多出的部分就是结转结余，与所称“无结转结余”不能同时成立。"
    elif scope == "fiscal":
        severity = "info"
        tail = (
            "。报告所称“无结转结余”限于财政资金，相差部分可能是非财政资金（如其他收入）的结转结余，"
            "请核对。"
        )
    else:
        severity = "warning"
        tail = "。所称“无结转结余”写在项目说明中，可能只指该项目，请核对单位的结转结余。"
    what = f"报告称{SCOPE_WORDS.get(scope, '')}无结转结余，但" + "；".join(g[1] for g in gaps)
    first = (bound or gaps)[0]
    return [
        new_finding(
            r,
            "totals.no_carryover",
            severity,
            what + tail,
            unique_quotes([q for g in gaps for q in g[2]] + [said.where]),
            metric=first[3],
            stated=first[4],
            expected=first[5],
        )
    ]


@declare(
    RuleSpec(
        "parts.fiscal_scope",
        "财政拨款收入只含一般公共预算",
        "warning",
        "金额容差；只等于一般公共预算部分为警告（其他不同不报：预算数可以不同于决算数）",
        "未写资金来源的“财政拨款（预算）收入 X 万元”只等于一般公共预算财政拨款收入，而本年另有政府性基金等财政拨款",
    ),
)
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
    wrong_year = {(m.loc, m.year) for m in r.mentions if isinstance(m, YearReported)}
    out = []
    for m in r.mentions:
        if not isinstance(m, FiscalIncome) or m.amount is None:
            continue
        if m.year not in (None, r.fiscal_year) and (m.loc, m.year) not in wrong_year:
            continue  # another year's figure (a reporting phrase with a wrong year is this year)
        if amount_severity(m.amount - general.value) or not amount_severity(m.amount - total):
            continue
        rest = "、".join(f"{metric_label(k, labels)} {money(f.value)}" for k, f in sources.items()
                        if k != "income.general_budget" and f.value > EPS)  # fmt: skip
        out.append(
            new_finding(
                r, "parts.fiscal_scope", "warning",
                f"“{m.where.quote}”只等于一般公共预算财政拨款收入 {money(general.value)}；本年财政拨款"
                f"收入共 {money(total)}，还有{rest}。",
                unique_quotes([m.where, general.where] + [f.where for f in others]),
                metric="income.general_budget", stated=m.amount, expected=total,
            )
        )  # fmt: skip
    return out


@declare(
    RuleSpec(
        "parts.listing",
        "所列项目个数与金额",
        "error",
        "个数不符为警告；金额金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误",
        "“其中项目N个，具体支出为：…”之后列出的项目个数与金额 与 所称个数、项目支出",
    ),
)
def listings(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a stated number of projects is not what is listed."""
    out = []
    for m in r.mentions:
        if isinstance(m, ProjectListing):
            listed = int(m.amounts_listed or 0)
            if listed and listed != int(m.count):
                out.append(
                    new_finding(
                        r, "parts.listing", "warning",
                        f"报告称项目 {int(m.count)} 个，但随后列出了 {listed} 个项目的支出。",
                        [m.where], metric="expenditure.project", stated=m.count,
                        expected=float(listed), unit="个",
                    )
                )  # fmt: skip
            if m.project_spending is not None and listed:
                severity = amount_severity(m.listed_total - m.project_spending)
                if severity:
                    out.append(
                        new_finding(
                            r, "parts.listing", severity,
                            f"项目支出 {money(m.project_spending)}，但所列各项目支出合计 {money(m.listed_total)}。",
                            [m.where], metric="expenditure.project", stated=m.project_spending,
                            expected=m.listed_total,
                        )
                    )  # fmt: skip
    return out


@declare(
    RuleSpec(
        "parts.counts",
        "其中各类个数之和超过总数",
        "error",
        "分项多于总数为错误",
        "“N个，其中A个、B个…”（如机构设置）分项之和不得多于总数",
        unit="个",
    ),
)
def counts(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where the counts “其中” lists exceed their total."""
    out = []
    for m in r.mentions:
        if isinstance(m, CountParts) and m.parts_sum > m.total + EPS:
            out.append(
                new_finding(
                    r, "parts.counts", "error",
                    f"“{m.quote}”：总数 {count_text(m.total)} 个，其中各类合计 {count_text(m.parts_sum)} 个，"
                    "分项多于总数。",
                    [m.where], stated=m.total, expected=m.parts_sum,
                )
            )  # fmt: skip
    return out


@declare(
    RuleSpec(
        "parts.table",
        "表中小计与各行之和",
        "error",
        "金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误",
        "表格中“小计”行 与 其下编号各行之和（按年度列，如基础数据表的“项目支出小计”）",
    ),
)
def table_sums(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a table's 小计 is not the sum of its lines."""
    out = []
    for m in r.mentions:
        if not isinstance(m, TableSum) or m.total is None or m.parts_sum is None:
            continue
        severity = amount_severity(m.parts_sum - m.total)
        if severity:
            subtotal = m.quote.split(SUBTOTAL_LINES)[0]
            out.append(
                new_finding(
                    r, "parts.table", severity,
                    f"表中“{subtotal}”，但其下 {m.lines} 行（{m.column}）合计 "
                    f"{money(m.parts_sum)}，相差 {money(abs(m.parts_sum - m.total))}。",
                    [m.where], stated=m.total, expected=m.parts_sum,
                )
            )  # fmt: skip
    return out


@declare(
    RuleSpec(
        "reason.direction",
        "原因与增减方向相反",
        "warning",
        "方向相反为警告",
        "增减额与同一句所述原因的方向（“增加……主要原因是……减少”）",
    ),
)
def reasons(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a stated reason points the other way."""
    out = []
    for m in r.mentions:
        if not isinstance(m, ChangeReason) or not m.change:
            continue
        rose = m.change > 0
        if rose == (m.direction == "up"):
            continue
        went, told = ("增加", "减少") if rose else ("减少", "增加")
        out.append(
            new_finding(
                r, "reason.direction", "warning",
                f"{metric_label(m.metric, labels)}{went}，但所述原因说的是{told}。",
                [m.where], metric=CHANGE_OF.get(m.metric) or m.metric,
                stated=m.change,
            )
        )  # fmt: skip
    return out


RULES: tuple[Rule, ...] = (
    parts_vs_total,
    basic_parts,
    function_sums,
    class_items,
    item_numbering,
    restated,
    sangong_change_parts,
    years,
    over_budget,
    no_carryover,
    fiscal_scope,
    listings,
    counts,
    table_sums,
    reasons,
)
