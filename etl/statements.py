"""What a report says about its figures beyond their values, as typed records for the checks.

The extractor (etl/extract) produces one small frozen record per statement, of the kind the
words make (a stated change, a share, a completion rate, a year referred to, a chart's data …);
the rules (etl/checks) read their fields by name.  All kinds are stored in one warehouse table,
``raw_mentions``, whose generic columns (subject, value, pct, base, year, other_year, flag,
context) each kind maps its fields onto in ``COLUMNS``; ``to_columns`` and ``from_columns``
convert, so a record reads back from the warehouse as the record the extractor made.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar

# The generic columns of raw_mentions a kind's fields are stored in.
STORED_COLUMNS = ("subject", "value", "pct", "base", "year", "other_year", "flag", "context")


@dataclass(frozen=True, kw_only=True)
class Statement:
    """Where a statement was made: its words, page (PDF) and place, and the report's section."""

    KIND: ClassVar[str] = ""
    COLUMNS: ClassVar[dict[str, str]] = {}  # field -> raw_mentions column
    FIXED: ClassVar[dict[str, Any]] = {}  # raw_mentions column -> the value every record stores

    quote: str
    page: int | None
    loc: str
    section: str = ""
    # the quote as the checks cite it (set when read back from the warehouse; not stored)
    where: Any = field(default=None, compare=False, repr=False)

    def to_columns(self) -> dict[str, Any]:
        """Given a statement, return its raw_mentions columns (kind and the generic ones)."""
        out: dict[str, Any] = dict.fromkeys(STORED_COLUMNS) | {"context": ""}
        out.update(self.FIXED)
        for name, column in self.COLUMNS.items():
            out[column] = getattr(self, name)
        return {"kind": self.KIND, **out}

    @classmethod
    def from_columns(cls, row: dict[str, Any]) -> Statement:
        """Given a raw_mentions row (a dict by column name), return the typed statement."""
        kind = KINDS[row["kind"]]
        values = {name: row[column] for name, column in kind.COLUMNS.items()}
        return kind(quote=row["quote"], page=row["page"], loc=row["loc"],
                    section=row.get("section") or "", **values)  # fmt: skip

    def cited(self, where: Any) -> Statement:
        """Given how the checks cite the statement's words, return it carrying that citation."""
        return replace(self, where=where)


@dataclass(frozen=True, kw_only=True)
class Completion(Statement):
    """决算数 stated against the budget: “决算数为X万元，完成年初预算的P%” (and its verdict)."""

    KIND = "completion"
    COLUMNS = {"metric": "subject", "actual": "value", "pct": "pct", "budget": "base",
               "verdict": "flag"}  # fmt: skip
    metric: str | None
    actual: float | None  # 决算数, 万元
    pct: float | None  # 完成预算 %
    budget: float | None = None  # 预算数, 万元, when stated
    verdict: str | None = None  # < > = from 决算数小于/大于/等于预算数; None when not said


@dataclass(frozen=True, kw_only=True)
class Change(Statement):
    """A stated year-on-year change of a figure (signed: 减少/下降 negative)."""

    KIND = "change"
    COLUMNS = {"metric": "subject", "amount": "value", "pct": "pct", "against_year": "year",
               "this_year": "other_year", "form": "flag"}  # fmt: skip
    metric: str | None
    amount: float | None  # the change, 万元
    pct: float | None = None  # the change, %
    against_year: int | None = None  # the year compared with: “与2023年相比”
    this_year: int | None = None  # the year on the left of 比/较 (2024年比2023年), when said
    form: str | None = None  # "template": the template's 增加/减少 left unchosen


@dataclass(frozen=True, kw_only=True)
class Amount(Statement):
    """An amount that is not a metric of its own (一般公共预算财政拨款基本支出), or one written
    in 元 where the text means 万元."""

    KIND = "amount"
    COLUMNS = {"metric": "subject", "amount": "value", "written_unit": "flag"}
    metric: str | None
    amount: float | None  # 万元
    written_unit: str | None = None  # "元" when the words give it in 元


@dataclass(frozen=True, kw_only=True)
class FiscalIncome(Statement):
    """财政拨款收入 stated as one amount (all sources of fiscal money together)."""

    KIND = "fiscal_income"
    COLUMNS = {"amount": "value", "year": "year"}
    FIXED = {"subject": "income.fiscal"}
    amount: float | None  # 万元
    year: int | None = None


@dataclass(frozen=True, kw_only=True)
class Restated(Statement):
    """A metric stated again with a different value (the first statement is the fact)."""

    KIND = "restated"
    COLUMNS = {"metric": "subject", "value": "value", "origin": "flag"}
    metric: str
    value: float
    origin: str | None = None  # text | table | schedule, as for a fact


@dataclass(frozen=True, kw_only=True)
class YearCompared(Statement):
    """A year the text compares with: “与2023年度相比”."""

    KIND = "year_compared"
    COLUMNS = {"against_year": "year", "this_year": "other_year"}
    against_year: int  # the year compared with
    this_year: int | None = None  # the year on the left of 比/较 (2024年比2023年), when said


@dataclass(frozen=True, kw_only=True)
class YearAsOf(Statement):
    """A year the text counts up to: “截至2024年12月31日”."""

    KIND = "year_as_of"
    COLUMNS = {"year": "year"}
    year: int


@dataclass(frozen=True, kw_only=True)
class YearReported(Statement):
    """A year the text says it reports on: “2024年度收、支总计…”."""

    KIND = "year_reported"
    COLUMNS = {"year": "year"}
    year: int


@dataclass(frozen=True, kw_only=True)
class Share(Statement):
    """A part stated as a share of a whole: “X万元，占P%” (of a named metric or a stated amount),
    or a table's count against its authorised count."""

    KIND = "share"
    COLUMNS = {"of_metric": "subject", "amount": "value", "pct": "pct", "of_amount": "base",
               "of_words": "context", "counted": "flag"}  # fmt: skip
    of_metric: str | None  # the metric the share is of, when named
    amount: float | None  # the part, 万元 (or people)
    pct: float | None
    of_amount: float | None = None  # the whole, when stated as an amount
    of_words: str = ""  # the words of that whole, when apart from the quote
    counted: str | None = None  # "人" for counts of people; None for money


@dataclass(frozen=True, kw_only=True)
class ProjectListing(Statement):
    """The projects a sentence lists with their amounts: “共N个项目：A X万元、B Y万元…”."""

    KIND = "listing"
    COLUMNS = {"count": "value", "listed_total": "base", "project_spending": "pct",
               "amounts_listed": "flag"}  # fmt: skip
    FIXED = {"subject": "projects"}
    count: float  # how many projects the sentence says
    listed_total: float  # the sum of the amounts it lists, 万元
    project_spending: float | None = None  # 项目支出 stated just before, 万元
    amounts_listed: str = "0"  # how many amounts it lists (stored as text)


@dataclass(frozen=True, kw_only=True)
class CountParts(Statement):
    """A count and the counts of its parts: “编制N人，其中行政A人、事业B人”."""

    KIND = "count_parts"
    COLUMNS = {"total": "value", "parts_sum": "base"}
    total: float
    parts_sum: float


@dataclass(frozen=True, kw_only=True)
class ChangeReason(Statement):
    """The reason given for a stated change, and which way the reason points."""

    KIND = "reason"
    COLUMNS = {"metric": "subject", "change": "value", "direction": "flag"}
    metric: str | None
    change: float | None  # the change, 万元
    direction: str  # up | down


@dataclass(frozen=True, kw_only=True)
class ProjectAmount(Statement):
    """A project's amount in running text: “A项目全年预算数X万元”."""

    KIND = "project_amount"
    COLUMNS = {"figure": "subject", "amount": "value", "project": "context"}
    figure: str  # which figure of the project (a Project attribute)
    amount: float | None  # 万元
    project: str


@dataclass(frozen=True, kw_only=True)
class Target(Statement):
    """An indicator's target in running text: “绩效指标值A≥N%”."""

    KIND = "target"
    COLUMNS = {"value": "value", "sign_unit": "flag", "indicator": "context"}
    value: float
    sign_unit: str  # the comparison sign and the unit (“≥%”)
    indicator: str


@dataclass(frozen=True, kw_only=True)
class ProjectClass(Statement):
    """A class of projects summed: “该类项目总数N个，涉及预算总金额X万元，执行进度为P%”."""

    KIND = "project_class"
    COLUMNS = {"amount": "value", "projects": "base", "progress_pct": "pct",
               "class_name": "context"}  # fmt: skip
    amount: float | None  # 涉及预算总金额, 万元
    projects: float | None  # 项目总数
    progress_pct: float | None  # 执行进度 %
    class_name: str = ""


@dataclass(frozen=True, kw_only=True)
class Breakdown(Statement):
    """A year's amount (whole, basic or project) or one of its parts listed after 其中."""

    KIND = "breakdown"
    COLUMNS = {"subject": "subject", "amount": "value", "year": "year", "stage": "flag",
               "scope": "context"}  # fmt: skip
    subject: str  # the total (whole / basic / project) or total.part (basic.goods …)
    amount: float | None  # 万元
    year: int | None
    stage: str | None  # 目标 / 预算 / 决算: a target, the budget or the final account
    scope: str = ""  # 一般公共预算… when the amount is scoped


@dataclass(frozen=True, kw_only=True)
class NoCarryover(Statement):
    """“无结转结余”, with what the sentence covers."""

    KIND = "no_carryover"
    COLUMNS = {"scope": "context"}
    scope: str = ""  # 财政资金 only, a project, or "" for the whole unit (etl/vocab/scopes.toml)


@dataclass(frozen=True, kw_only=True)
class ItemNumber(Statement):
    """The number a 类/款/项 line of the narrative is listed under (“3.社会保障和就业支出”)."""

    KIND = "item_number"
    COLUMNS = {"number": "value"}
    number: float


@dataclass(frozen=True, kw_only=True)
class FundsScore(Statement):
    """预算执行 分值 and 得分 of a self-evaluation table's funds row."""

    KIND = "funds_score"
    COLUMNS = {"table": "subject", "weight": "value", "score": "pct"}
    table: str  # the project, or 部门整体
    weight: float | None
    score: float | None


@dataclass(frozen=True, kw_only=True)
class TableSum(Statement):
    """A table's 小计 against the lines it adds up, in one year column."""

    KIND = "table_sum"
    COLUMNS = {"total": "value", "parts_sum": "base", "lines": "flag", "column": "context"}
    total: float
    parts_sum: float
    lines: str  # how many lines it adds up (stored as text)
    column: str  # the year column's header


@dataclass(frozen=True, kw_only=True)
class SectionMax(Statement):
    """An indicator section's stated maximum (产出指标（40分）) and its indicators' sums."""

    KIND = "section_max"
    COLUMNS = {"table": "subject", "most": "value", "weights": "base", "scores": "pct",
               "name": "context"}  # fmt: skip
    table: str
    most: float
    weights: float  # the section's 分值 added up
    scores: float  # the section's 得分 added up
    name: str


@dataclass(frozen=True, kw_only=True)
class BaseTable(Statement):
    """One cell of a 基础数据表 (any year column), or a 公用经费 block's lines summed."""

    KIND = "base_table"
    COLUMNS = {"row": "subject", "value": "value", "year": "year", "stage": "flag",
               "column": "context", "lines": "base"}  # fmt: skip
    row: str  # the row's key (public, public_line, public_lines, a 三公 part …)
    value: float | None
    year: int | None
    stage: str | None  # 预算 / 决算: what the column gives
    column: str  # the column's header
    lines: float | None = None  # public_lines: how many lines were summed


@dataclass(frozen=True, kw_only=True)
class ProjectReport(Statement):
    """A project evaluation report attached (its title), or a project's own table."""

    KIND = "project_report"
    COLUMNS = {"project": "context", "source": "flag"}
    project: str
    source: str | None = None  # "table" when it is a self-evaluation table


@dataclass(frozen=True, kw_only=True)
class ReportList(Statement):
    """The project reports the text says were produced: “形成N个项目绩效评价报告：A、B…”."""

    KIND = "report_list"
    COLUMNS = {"count": "value", "names": "flag", "listed": "context"}
    count: float | None
    names: str  # the names it lists, joined by the names separator
    listed: str


@dataclass(frozen=True, kw_only=True)
class ChartTitle(Statement):
    """A chart embedded in the report: its title and stated unit."""

    KIND = "chart_title"
    COLUMNS = {"unit": "subject", "chart": "flag", "title": "context"}
    unit: str | None
    chart: str  # the chart's id within the report
    title: str


@dataclass(frozen=True, kw_only=True)
class ChartValue(Statement):
    """One category's value in a chart's data."""

    KIND = "chart_value"
    COLUMNS = {"category": "subject", "value": "value", "year": "year", "chart": "flag",
               "title": "context"}  # fmt: skip
    category: str
    value: float
    year: int | None  # when the category is a year
    chart: str
    title: str


@dataclass(frozen=True, kw_only=True)
class ChartLabel(Statement):
    """One category's data label in a chart (an amount or a percentage)."""

    KIND = "chart_label"
    COLUMNS = {"category": "subject", "amount": "value", "pct": "pct", "chart": "flag",
               "title": "context"}  # fmt: skip
    category: str
    amount: float | None  # 万元
    pct: float | None
    chart: str
    title: str


KINDS: dict[str, type[Statement]] = {
    k.KIND: k
    for k in (
        Completion, Change, Amount, FiscalIncome, Restated, YearCompared, YearAsOf, YearReported,
        Share, ProjectListing, CountParts, ChangeReason, ProjectAmount, Target, ProjectClass,
        Breakdown, NoCarryover, ItemNumber, FundsScore, TableSum, SectionMax, BaseTable,
        ProjectReport, ReportList, ChartTitle, ChartValue, ChartLabel,
    )
}  # fmt: skip


def field_names(kind: type[Statement]) -> set[str]:
    """Given a statement kind, return its own field names (beyond where it was said)."""
    return {f.name for f in fields(kind)} - {f.name for f in fields(Statement)}
