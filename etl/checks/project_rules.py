"""Rules over one report's projects: their self-evaluation tables, the prose about them,
and the list of project reports the text says were produced.

Each rule is a pure function ReportData -> list[Finding], listed in RULES with the id the
README documents.  A rule that lacks the figures it compares says nothing.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

from etl.checks.model import (
    EPS,
    Finding,
    IndicatorRow,
    Quote,
    ReportData,
    Rule,
    amount_severity,
    count_text,
    money,
    new_finding,
    unique_quotes,
)
from etl.checks.registry import RuleSpec, declare
from etl.extract.projects import NAMES_SEPARATOR
from etl.statements import ProjectAmount, ProjectClass, ProjectReport, ReportList, Target

# A cost indicator (成本指标) stated in money: 度量单位 (or the value's own unit) -> 万元 factor
COST_UNITS = {"万元": 1.0, "万": 1.0, "元": 0.0001}
COST_LEVEL = "成本"  # 一级/二级指标 name of a cost indicator
EXACT_SIGNS = ("＝", "=")  # 指标性质 of a target that is also what was spent
# A cost per unit of output (单次会议保障成本, 人均…) is not money spent on the whole project
PER_UNIT_WORDS = ("单次", "每次", "每人", "人均", "单位", "单价", "/")
# A sole cost indicator named like the project's whole funding should match what it spent
WHOLE_PROJECT_WORDS = ("资金", "经费", "项目支出", "总成本", "总投入")
MONEY_VALUE = re.compile(r"^[≤≥<>=＝＜＞]?(\d+(?:\.\d+)?)(万元|万|元)?$")


@declare(
    RuleSpec(
        "parts.project_classes",
        "项目类别金额超过项目支出",
        "error",
        "多于项目支出且超出金额容差为错误",
        "按项目类别（常年项目、阶段（一次性）项目…）所述“涉及预算总金额 × 执行进度”之和 与 项目支出",
    ),
)
def project_classes(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where its project classes spend more than 项目支出."""
    classes = [m for m in r.mentions if isinstance(m, ProjectClass) and m.amount is not None]
    total = r.facts.get("expenditure.project")
    if len(classes) < 2 or total is None or total.value is None:
        return []
    # each class: 预算总金额 × 执行进度 is what it spent
    spent = round(sum(m.amount * (m.progress_pct or 0) / 100 for m in classes), 6)
    over = spent - total.value
    if over <= 0 or not (severity := amount_severity(over, len(classes))):
        return []
    shown = "＋".join(
        f"{m.class_name or '一类项目'} {money(m.amount * (m.progress_pct or 0) / 100)}"
        for m in classes
    )
    return [
        new_finding(
            r, "parts.project_classes", severity,
            f"按项目类别（{len(classes)} 类）所述预算金额与执行进度，项目共支出 {shown}＝{money(spent)}，"
            f"多于项目支出 {money(total.value)}：有项目被重复计入或金额有误。",
            unique_quotes([m.where for m in classes] + [total.where]),
            metric="expenditure.project", stated=total.value, expected=spent,
        )
    ]  # fmt: skip


PROJECT_NAME_MATCH = 0.85  # difflib ratio above which two project names are the same project
PROJECT_FIELD_LABEL = {"initial_budget": "年初预算", "executed": "支出（执行数）"}


def _project_key(name: str) -> str:
    """Given a project name, return it without quotes, spaces and a closing 项目."""
    for ch in "“”\"'‘’ ":
        name = name.replace(ch, "")
    return name.removesuffix("项目")


def _same_project(a: str, b: str) -> bool:
    """Given two project names, return whether they name the same project (same years)."""
    ka, kb = _project_key(a), _project_key(b)
    if re.findall(r"\d+", ka) != re.findall(r"\d+", kb):
        return False  # 2023年X项目 and 2024年X项目 are different projects
    return ka == kb or difflib.SequenceMatcher(None, ka, kb).ratio() >= PROJECT_NAME_MATCH


@declare(
    RuleSpec(
        "restated.project",
        "项目金额的不同说法",
        "error",
        "金额容差；不同为错误",
        "同一项目的年初预算或支出（执行数）在自评表与正文中写法不同（项目名按相似度归并）",
    ),
)
def project_amounts(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a project's budget or spending is stated two ways."""
    groups: dict[tuple[str, str], list[tuple[float, Quote, str]]] = defaultdict(list)
    names: list[str] = [p.name for p in r.projects]
    for p in r.projects:
        for field_name, value in (("initial_budget", p.initial), ("executed", p.executed)):
            if value is not None:
                groups[(p.name, field_name)].append((value, p.where, "自评表"))
    for m in r.mentions:
        if not isinstance(m, ProjectAmount) or m.amount is None:
            continue
        name = next((n for n in names if _same_project(n, m.project)), None)
        if name is None:
            names.append(m.project)
            name = m.project
        groups[(name, m.figure)].append((m.amount, m.where, "正文"))
    out = []
    for (name, field_name), stated in groups.items():
        values = list(dict.fromkeys(round(v, 2) for v, _, _ in stated))
        if len(values) < 2 or amount_severity(max(values) - min(values)) is None:
            continue
        shown = "；".join(
            f"{source} " + "、".join(dict.fromkeys(money(v) for v, _, s in stated if s == source))
            for source in dict.fromkeys(s for _, _, s in stated)
        )
        out.append(
            new_finding(
                r, "restated.project", amount_severity(max(values) - min(values)) or "error",
                f"项目“{_project_key(name)}”的{PROJECT_FIELD_LABEL[field_name]}有 {len(values)} 种"
                f"说法：{shown}。",
                unique_quotes([q for _, q, _ in stated]), metric="expenditure.project",
                stated=stated[0][0],
                expected=next(v for v, _, _ in stated if round(v, 2) != values[0]),
            )
        )  # fmt: skip
    return out


INDICATOR_NAME_MATCH = 0.8  # difflib ratio above which two indicator names are the same
TARGET_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _indicator_key(name: str) -> str:
    """Given an indicator name, return it without punctuation and a closing 次数/数."""
    for ch in '、，, “”"':
        name = name.replace(ch, "")
    return name.removesuffix("次数").removesuffix("数")


@declare(
    RuleSpec(
        "indicator.target",
        "指标目标值前后不一",
        "warning",
        "数值不同为警告",
        "正文所写的绩效指标目标值（“年初绩效指标值……≥220次”）与自评表中同名（相似度 ≥0.8）指标的指标值",
        unit="",
    ),
)
def targets(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where prose and table give one indicator two targets."""
    out = []
    for m in r.mentions:
        if not isinstance(m, Target) or m.value is None:
            continue
        key, percent = _indicator_key(m.indicator), (m.sign_unit or "").endswith("%")
        best, best_ratio = None, INDICATOR_NAME_MATCH
        for row in r.indicators:
            table, name, target, where = row.table, row.name, row.target, row.where
            found = TARGET_NUMBER.search(target)
            if not found or not name or ("%" in target) != percent:
                continue  # a rate is not a count: 完成率≥95% is not 事项≥230
            ratio = difflib.SequenceMatcher(None, key, _indicator_key(name)).ratio()
            if ratio >= best_ratio:
                best, best_ratio = (table, name, target, where, float(found.group(0))), ratio
        if best is None or abs(best[4] - m.value) <= EPS:
            continue
        table, name, target, where, value = best
        sign = (m.sign_unit or "").removesuffix("%")
        out.append(
            new_finding(
                r, "indicator.target", "warning",
                f"绩效指标“{name}”的目标值，正文写 {sign}{count_text(m.value)}{'%' if percent else ''}，"
                f"“{table}”自评表写 {target}。",
                [m.where, where], stated=m.value, expected=value,
            )
        )  # fmt: skip
    return out


def _cost_amount(row: IndicatorRow) -> float | None:
    """Given an indicator row, return the money a cost indicator says was spent, in 万元.

    The 完成值 is what was spent; the 指标值 stands in only when it is exact (＝), since
    ≤60万元 is a cap.  A cost per unit of output is not the project's spending.
    """
    if COST_LEVEL not in row.levels or any(w in row.name + row.unit for w in PER_UNIT_WORDS):
        return None
    texts = [row.actual] + ([row.target] if row.sign in EXACT_SIGNS and not row.actual else [])
    for text in texts:
        m = MONEY_VALUE.match(text.replace(",", ""))
        if m:
            factor = COST_UNITS.get(m.group(2) or row.unit)
            return None if factor is None else round(float(m.group(1)) * factor, 6)
    return None


@declare(
    RuleSpec(
        "indicator.cost",
        "成本指标与项目执行数",
        "error",
        "金额容差；多于执行数为错误，少于为警告（成本指标可能只覆盖部分支出）",
        "项目自评表中以金额计的成本指标（度量单位 万元/万/元，或数值自带单位）完成值之和 与 该项目执行数",
    ),
)
def cost_indicators(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a project's money cost indicators miss its spending.

    Cost indicators that add up to more than the project's 执行数 cannot be right (error).
    Less is a warning only when one indicator is named like the whole project's funding
    (帮扶资金, …经费); otherwise it may cover part of the spending (info).
    """
    costs: dict[str, list[tuple[IndicatorRow, float]]] = defaultdict(list)
    for row in r.indicators:
        if (amount := _cost_amount(row)) is not None:
            costs[row.table].append((row, amount))
    out = []
    for table, rows in costs.items():
        project = next(
            (p for p in r.projects if p.executed is not None and _same_project(p.name, table)),
            None,
        )
        if project is None:
            continue
        total = round(sum(a for _, a in rows), 6)
        diff = total - project.executed
        severity = amount_severity(diff, len(rows))
        if severity is None:
            continue
        whole = len(rows) == 1 and any(w in rows[0][0].name for w in WHOLE_PROJECT_WORDS)
        if severity == "error" and diff < 0 and not whole:
            severity = "info"
        elif severity == "error" and diff < 0:
            severity = "warning"
        named = "、".join(f"“{row.name}”{money(a)}" for row, a in rows)
        full = all(row.score is not None and row.score == row.weight for row, _ in rows)
        verdict = "多于" if diff > 0 else "少于"
        out.append(
            new_finding(
                r, "indicator.cost", severity,
                f"项目“{table}”的成本指标完成值（{named}）{verdict}该项目执行数 "
                f"{money(project.executed)}" + ("，且仍得满分。" if full else "。"),
                unique_quotes([row.where for row, _ in rows] + [project.where]),
                metric="expenditure.project", stated=total, expected=project.executed,
            )
        )  # fmt: skip
    return out


def _report_key(name: str) -> str:
    """Given a project or report name, return it without quotes, 专项/项目 and 预算 wording."""
    key = _project_key(name)
    for suffix in ("专项", "项目", "预算"):
        key = key.removesuffix(suffix)
    return key


def _same_report(a: str, b: str) -> bool:
    """Given two report or project names, return whether one names the other's project."""
    ka, kb = _report_key(a), _report_key(b)
    return bool(ka and kb) and (ka in kb or kb in ka or _same_project(ka, kb))


@declare(
    RuleSpec(
        "parts.report_list",
        "所称绩效自评报告与附件",
        "warning",
        "名称对不上或个数不等为警告",
        "正文所称“形成……项目绩效自评报告”（所列名称、“等N个”）与 附件中的项目自评表、项目绩效评价报告",
        unit="个",
    ),
)
def report_lists(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where the project reports it says it produced are not
    the ones attached (by name, or by the stated number).

    Attached means a project self-evaluation table; report titles count only in a report
    without such tables (a title may name the project differently from its table).
    """
    titled = [m for m in r.mentions if isinstance(m, ProjectReport)]
    tables = [m for m in titled if m.source == "table"]
    attached: list[tuple[str, Quote]] = []
    for m in tables or titled:
        if not any(_same_report(m.project, a) for a, _ in attached):
            attached.append((m.project, m.where))
    out = []
    for m in r.mentions:
        if not isinstance(m, ReportList) or not attached:
            continue
        names = [n for n in (m.names or "").split(NAMES_SEPARATOR) if n]
        count = int(m.count) if m.count is not None else None
        if not names and count is None:
            continue  # only the unit-wide report is named
        missing = [n for n in names if not any(_same_report(n, a) for a, _ in attached)]
        listing = _report_key(m.listed)
        unlisted = [
            a for a, _ in attached
            if _report_key(a) not in listing and not any(_same_report(a, n) for n in names)
        ] if count is None else []  # fmt: skip
        wrong_count = count is not None and count != len(attached)
        if not (missing or unlisted or wrong_count):
            continue
        said = "、".join(names) + (f"等 {count} 个" if count is not None else "")
        problems = []
        if wrong_count:
            problems.append(f"附件有 {len(attached)} 个项目的自评表或报告")
        if missing:
            problems.append(f"“{'、'.join(missing)}”没有附报告")
        if unlisted:
            problems.append(f"附件中的“{'、'.join(unlisted)}”未列出")
        out.append(
            new_finding(
                r, "parts.report_list", "warning",
                f"正文称形成了“{said}”项目绩效自评报告，但{'；'.join(problems)}"
                f"（附件：{'、'.join(a for a, _ in attached)}）。",
                unique_quotes([m.where] + [q for _, q in attached]),
                stated=float(count if count is not None else len(names)),
                expected=float(len(attached)),
            )
        )  # fmt: skip
    return out


RULES: tuple[Rule, ...] = (
    project_classes,
    project_amounts,
    targets,
    cost_indicators,
    report_lists,
)
