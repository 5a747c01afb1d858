"""Rules over a 基础数据表's year columns: do they agree with what the text says of that year?

A 部门整体支出绩效评价基础数据表 gives 一、部门基本支出, the lines of 其中：公用经费 (基本支出中
的一般商品和服务支出) and 二、项目支出小计 for several columns (2022年决算数, 2023年预算数,
2023年决算数).  The text breaks a year's amounts down (2022年部门整体支出…684.91万元，其中，
基本支出…455.35万元 / 2023年本部门基本支出预算数444.04万元，其中：…商品服务支出67.8万元).
Both are mentions (etl/extract/tables.py kind base_table, etl/extract/mentions.py kind
breakdown), compared only for the same year and the same kind of amount (决算 with 决算, 预算
with 预算); the report's own 决算 column is a metric and is checked by ``restated``.
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
    amount_severity,
    money,
    new_finding,
)
from etl.checks.registry import RuleSpec, declare
from etl.statements import BaseTable, Breakdown

# breakdown subjects (total.part) that state each base_table row's figure
NARRATIVE_OF = {"basic": ("basic", "whole.basic"), "project": ("project", "whole.project")}
ROW_NAME = {"basic": "基本支出", "project": "项目支出"}
METRIC_OF = {"basic": "expenditure.basic", "project": "expenditure.project"}
KIND_NAME = {"决算": "决算", "预算": "预算", "目标": "绩效目标金额"}
OWN_YEAR_KIND = "决算"  # the report's own 决算 column is a metric: restated compares it
# Parts of 基本支出 that are not 商品和服务支出: what is left of 基本支出 bounds the goods.
NOT_GOODS = {
    "basic.wages": "工资福利支出",
    "basic.family": "对个人和家庭的补助",
    "basic.capital": "资本性支出",
    "basic.personnel": "人员经费",
}
GOODS_NAMES = {"basic.goods": "商品服务支出", "basic.public": "公用经费"}


def _by_sentence(r: ReportData) -> dict[tuple, dict[str, Breakdown]]:
    """Given a report, return its breakdown statements grouped per sentence: {subject: one}."""
    groups: dict[tuple, dict[str, Breakdown]] = defaultdict(dict)
    for m in r.mentions:
        if isinstance(m, Breakdown) and m.amount is not None and m.year is not None:
            key = (m.loc, m.page, m.year, m.stage, m.scope)
            groups[key].setdefault(m.subject, m)
    return groups


def _table(r: ReportData, row: str) -> list[BaseTable]:
    """Given a report and a 基础数据表 row key, return its cells with a value and year."""
    return [
        m for m in r.mentions
        if isinstance(m, BaseTable) and m.row == row and m.value is not None and m.year is not None
    ]  # fmt: skip


def _same_column(r: ReportData, row: str, m: BaseTable) -> BaseTable | None:
    """Given a 基础数据表 cell, return the cell of another row in its column, or None."""
    return next((t for t in _table(r, row) if t.column == m.column and t.loc == m.loc), None)


def _row(m: BaseTable) -> str:
    """Given a 基础数据表 cell, return the row label it quotes (一、部门基本支出)."""
    return m.quote.partition(f"（{m.column}）")[0]


def _whole_as_basic(r: ReportData, t: BaseTable, sentences) -> Finding | None:
    """Given a table 基本支出, return a finding when it is the text's whole amount of its year.

    The text gives the year's 整体支出 with 基本支出 and 项目支出 as parts; a table basic
    equal to that whole (and not to its basic part) counts the projects twice.
    """
    for parts in sentences.values():
        whole, basic = parts.get("whole"), parts.get("whole.basic")
        if whole is None or basic is None or whole.year != t.year:
            continue
        if abs(t.value - whole.amount) > AMOUNT_TOLERANCE + EPS:
            continue
        severity = amount_severity(t.value - basic.amount)
        if severity is None:
            continue
        year, project = t.year, parts.get("whole.project")
        split = f"（基本支出 {money(basic.amount)}"
        split += f"＋项目支出 {money(project.amount)}）" if project else "）"
        evidence = [t.where, whole.where]
        same = ""
        table_project = _same_column(r, "project", t)
        if (
            project is not None
            and table_project is not None
            and amount_severity(table_project.value - project.amount) is None
        ):
            same = f"，同列“{_row(table_project)}”又另列 {money(table_project.value)}"
            evidence.append(table_project.where)
        return new_finding(
            r, "table.years", severity,
            f"基础数据表中“{_row(t)}”的{t.column} {money(t.value)}等于正文所写{year}年"
            f"整体支出{KIND_NAME.get(whole.stage, '')} {money(whole.amount)}{split}，"
            f"而不是其中的基本支出 {money(basic.amount)}（多出 "
            f"{money(t.value - basic.amount)}）{same}。",
            evidence, metric=METRIC_OF["basic"], stated=t.value, expected=basic.amount,
        )  # fmt: skip
    return None


@declare(
    RuleSpec(
        "table.years",
        "基础数据表年度列与正文",
        "error",
        "金额容差；超出为错误（正文限于一般公共预算等单一资金来源时只查表中数不少于正文）",
        "基础数据表各年度列（上年决算数、本年预算数…）的“部门基本支出”“项目支出小计” 与 正文同一年度、同一口径（决算/预算）所写之数；基本支出一列填成正文所写的整体支出（基本＋项目）",
    ),
)
def year_columns(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a 基础数据表 year column contradicts the text.

    For every column (any year; the report's own 决算 column is left to ``restated``):
    一、部门基本支出 equal to the text's whole amount of that year, or 基本支出/项目支出
    different from what the text states for the same year and kind.
    """
    sentences = _by_sentence(r)
    out = []
    for subject, names in NARRATIVE_OF.items():
        for t in _table(r, subject):
            if subject == "basic" and (found := _whole_as_basic(r, t, sentences)):
                out.append(found)
                continue
            if t.year == r.fiscal_year and t.stage == OWN_YEAR_KIND:
                continue
            seen: set[float] = set()
            for (_loc, _page, year, flag, scope), parts in sentences.items():
                said = next((parts[n] for n in names if n in parts), None)
                if said is None or year != t.year or flag != t.stage:
                    continue
                diff = t.value - said.amount
                if scope and diff >= 0:
                    continue  # the text counts one source of funds (一般公共预算): a part
                severity = amount_severity(diff)
                if severity is None or said.amount in seen:
                    continue
                seen.add(said.amount)
                out.append(
                    new_finding(
                        r, "table.years", severity,
                        f"基础数据表中“{_row(t)}”的{t.column}为 {money(t.value)}，"
                        f"正文写{year}年{scope}{ROW_NAME[subject]}"
                        f"{KIND_NAME.get(flag, flag)}为 {money(said.amount)}，"
                        f"相差 {money(abs(diff))}。",
                        [t.where, said.where], metric=METRIC_OF[subject],
                        stated=t.value, expected=said.amount,
                    )
                )  # fmt: skip
    return out


def _goods_bound(parts: dict[str, Breakdown]) -> tuple[float, str, Quote] | None:
    """Given one sentence's breakdown, return the most its 基本支出 leaves for goods, or None.

    A stated 商品服务支出 (or 公用经费) is that bound; otherwise 基本支出 less its stated
    parts that are not goods (工资福利支出 …).  The words follow “正文所写2023年基本支出预算”.
    """
    for key, name in GOODS_NAMES.items():
        if key in parts:
            value = parts[key].amount
            return value, f"中的{name} {money(value)}", parts[key].where
    basic = parts.get("basic")
    others = [(name, parts[k]) for k, name in NOT_GOODS.items() if k in parts]
    if basic is None or not others:
        return None
    spent = round(sum(o.amount for _, o in others), 6)
    left = round(basic.amount - spent, 6)
    names = "、".join(name for name, _ in others)
    words = f" {money(basic.amount)}减去{names} {money(spent)}后余下的 {money(left)}"
    return left, words, basic.where


def _caps(r: ReportData, t: BaseTable, sentences) -> list[tuple[float, str, Quote]]:
    """Given a 公用经费 column figure, return what it may not exceed: (amount, words, quote)."""
    caps = []
    basic = _same_column(r, "basic", t)
    if basic is not None:
        caps.append((basic.value, f"同列“{_row(basic)}” {money(basic.value)}", basic.where))
    stated = _same_column(r, "public", t) if t.row == "public_lines" else None
    if stated is not None:
        caps.append((stated.value, f"同列所写“{_row(stated)}” {money(stated.value)}",
                     stated.where))  # fmt: skip
    for (_loc, _page, year, flag, scope), parts in sentences.items():
        if scope or year != t.year or flag != t.stage:
            continue  # one source of funds only: its goods are a part of the column's
        if (bound := _goods_bound(parts)) is not None:
            limit, words, where = bound
            caps.append(
                (limit, f"正文所写{year}年基本支出{KIND_NAME.get(flag, flag)}{words}", where)
            )
    return caps


@declare(
    RuleSpec(
        "table.public_lines",
        "基础数据表公用经费各行",
        "error",
        "多出超过 max(0.01, 0.005×(行数+1)) 万元为错误，舍入以内为提示",
        "基础数据表“其中：公用经费”下各行之和（三公经费只计合计行，其分项不重复计）及该行所写公用经费 不多于同列部门基本支出、所写公用经费、正文同年同口径的商品服务支出（未写时为基本支出减工资福利等之后的余额）",
    ),
)
def public_lines(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a column's 公用经费 exceeds what it belongs to.

    The lines under 其中：公用经费 (基本支出中的一般商品和服务支出) of a column, and a
    公用经费 the row itself states, may not add up to more than that column's 一、部门基本支出,
    nor to more than the 商品服务支出 the text states for the same year and kind (or what its
    基本支出 leaves after 工资福利支出 …); the lines may not exceed the stated 公用经费.
    """
    sentences = _by_sentence(r)
    out = []
    for t in _table(r, "public_lines") + _table(r, "public"):
        ctx = t.column
        if t.row == "public_lines":
            n = int(t.lines or 1)
            lines = [m for m in _table(r, "public_line") if m.column == ctx and m.loc == t.loc]
            shown = t.quote.partition(f"（{ctx}）：")[2] or t.quote
            figure = f"基础数据表“{_row(t)}”下{ctx}各行合计 {money(t.value)}（{shown}）"
        else:
            n, lines = 1, []
            figure = f"基础数据表中“{_row(t)}”的{ctx}为 {money(t.value)}"
        biggest = max(lines, key=lambda m: m.value, default=None)
        for limit, words, where in _caps(r, t, sentences):
            diff = t.value - limit
            severity = amount_severity(diff, n)
            if diff <= 0 or severity is None:
                continue
            alone = ""
            if biggest is not None and biggest.value > limit + AMOUNT_TOLERANCE + EPS:
                alone = f"，仅“{_row(biggest)}”一行（{money(biggest.value)}）已超过"
            out.append(
                new_finding(
                    r, "table.public_lines", severity,
                    f"{figure}，多于{words}，超出 {money(diff)}{alone}。",
                    [t.where, where], metric="basic.public", stated=t.value, expected=limit,
                )
            )  # fmt: skip
    return out


RULES: tuple[Rule, ...] = (year_columns, public_lines)
