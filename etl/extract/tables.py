"""Figures stated in tables: self-evaluation tables (unit-wide and per project) and the
基础数据表 of a self-evaluation report.

Tables are read row by row with a context that carries over a page or table break: a row
that names a project (项目名称) opens that project; a unit-wide title (部门整体…自评表,
基础数据表) opens the unit context.  A value is read only under a header that names its
column (年初预算数, 全年执行数, 2023年决算数 …); cells without such a header are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.extract.textnorm import normalise
from etl.model import Block, Indicator, Project

NUM = re.compile(r"^-?\d+(?:\.\d+)?%?$")
PROJECT_NAME_LABELS = ("项目名称", "项目支出名称", "专项名称")
PROJECT_CODE = re.compile(r"^(\d{6,}[A-Z]\d{6,})[-－—–]*(.*)$")
TOTAL_ROW_LABELS = ("合计", "总分", "部门整体自评得分", "单位整体自评得分", "自评总分", "总得分")
FUNDS_ROW_LABELS = ("总额", "年度资金总额")
INITIAL_COLS = ("年初预算数", "年初预算")
ADJUSTED_COLS = ("调整后预算数", "全年预算数", "调整后预算")
EXECUTED_COLS = ("预算执行数", "全年执行数")
RATE_COLS = ("预算执行率", "执行率")
LEVEL_COLS = ("一级指标", "二级指标", "三级指标")
TARGET_COLS = ("年度指标值", "指标值", "目标值")
ACTUAL_COLS = ("实际完成值", "完成值", "业绩指标")
WEIGHT_COLS = ("分值", "权重", "指标分值")
SCORE_COLS = ("得分", "自评得分")
INDICATOR_END = ("合计", "总分", "评价结论", "存在问题", "改进措施")
UNIT_TITLES = ("部门整体", "单位整体", "整体支出绩效", "基础数据表", "部门名称")
MAX_GAP_PARAGRAPHS = 3  # a table this close to the previous one continues its context

# 基础数据表 rows: label -> (metric for the year's 决算数, metric for the year's 预算数)
BASE_TABLE_ROWS = {
    "部门基本支出": ("expenditure.basic", None),
    "项目支出小计": ("expenditure.project", None),
    "三公经费": ("sangong.total", "sangong.budget"),
    "公务用车购置和维护经费": ("sangong.vehicle", "sangong.vehicle.budget"),
    "公务用车购置及运行维护费": ("sangong.vehicle", "sangong.vehicle.budget"),
    "公务车购置": ("sangong.vehicle.purchase", "sangong.vehicle.purchase.budget"),
    "公务用车购置费": ("sangong.vehicle.purchase", "sangong.vehicle.purchase.budget"),
    "公务车运行维护": ("sangong.vehicle.operation", "sangong.vehicle.operation.budget"),
    "公务用车运行维护费": ("sangong.vehicle.operation", "sangong.vehicle.operation.budget"),
    "出国经费": ("sangong.outbound", "sangong.outbound.budget"),
    "因公出国（境）费": ("sangong.outbound", "sangong.outbound.budget"),
    "公务接待": ("sangong.reception", "sangong.reception.budget"),
    "公务接待费": ("sangong.reception", "sangong.reception.budget"),
    "政府采购金额": ("procurement.total", None),
}
INLINE_CELL = re.compile(r"^(?:其中[：:])?(基本支出|项目支出)[：:](-?\d+(?:\.\d+)?)$")
INLINE_METRICS = {"基本支出": "expenditure.basic", "项目支出": "expenditure.project"}
LABEL_PREFIX = re.compile(
    r"^(?:其中[：:])?(?:[一二三四五六七八九十]+[、.．]|\d+[、.．])?(?:其中[：:])?"
)


@dataclass
class TableFact:
    """A metric read from a table cell."""

    metric: str
    value: float
    unit: str
    quote: str
    block: Block
    origin: str = "table"  # "schedule" for a standard 附表: authoritative over the narrative


@dataclass
class TableResult:
    """Everything read from the tables of one report."""

    facts: list[TableFact] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


def clean(cell: str) -> str:
    """Given a table cell, return it without whitespace and with ASCII digits."""
    return normalise(cell).text


def number(cell: str) -> float | None:
    """Given a normalised cell, return its number (a percent without the sign), or None."""
    if not NUM.match(cell):
        return None
    return float(cell.rstrip("%"))


def label_of(cell: str) -> str:
    """Given a normalised row label, return it without numbering and 其中："""
    return LABEL_PREFIX.sub("", cell).rstrip("：:")


def find_col(header: list[str], names: tuple[str, ...]) -> int | None:
    """Given a header row and candidate column names, return the first matching index."""
    for name in names:
        for i, cell in enumerate(header):
            if cell == name or cell.endswith(name) and len(cell) <= len(name) + 6:
                return i
    return None


class TableReader:
    """Reads the tables of one report in document order, carrying context between them."""

    def __init__(self, fiscal_year: int):
        self.year = fiscal_year
        self.out = TableResult()
        self.context: str | None = None  # "unit", "project" or None
        self.project: Project | None = None
        self.funds_header: list[str] | None = None
        self.year_header: list[str] | None = None
        self.staff_header: list[str] | None = None
        self.indicator_cols: dict[str, int] | None = None
        self.indicator_offset: int | None = None
        self.levels = ["", "", ""]
        self.money_table = False

    def read(self, block: Block, title: str, gap: int) -> None:
        """Given a table block, the paragraph before it and paragraphs since the last table, read it."""
        rows = [[clean(c) for c in row] for row in block.rows]
        head = "".join("".join(r) for r in rows[:3])
        opens_project = any(label_of(c) in PROJECT_NAME_LABELS for r in rows[:3] for c in r[:2])
        if not opens_project:
            if any(t in title or t in head for t in UNIT_TITLES):
                self._open("unit")
            elif gap > MAX_GAP_PARAGRAPHS:
                self._open(None)
        self.money_table = "万元" in head
        for row in rows:
            self._row(row, block)

    def _open(self, context: str | None) -> None:
        self.context = context
        self.project = None
        self.funds_header = self.indicator_cols = None
        self.year_header = self.staff_header = None
        self.indicator_offset = None
        self.levels = ["", "", ""]

    def _row(self, row: list[str], block: Block) -> None:
        cells = [c for c in row if c]
        if not cells:
            return
        quote = "\t".join(c for c in row if c)
        first = label_of(cells[0])
        if first in PROJECT_NAME_LABELS and len(cells) >= 2:
            self._open("project")
            raw = cells[1]
            m = PROJECT_CODE.match(raw)
            code, name = (m.group(1), m.group(2)) if m else (None, raw)
            self.project = Project(
                name=name.strip("-－—– "), code=code, quote=quote, page=block.page, loc=block.loc
            )
            self.out.projects.append(self.project)
            return
        if self._headers(row):
            return
        if self._totals(cells, quote, block):
            return
        if self.indicator_cols is not None and self._indicator(row, block):
            return
        self._funds(row, quote, block)
        self._base_table(row, first, quote, block)
        self._staff(row, quote, block)
        self._inline(row, quote, block)

    def _headers(self, row: list[str]) -> bool:
        """Given a row, remember it when it is a header row; return whether it was one."""
        if find_col(row, EXECUTED_COLS) is not None and find_col(row, ADJUSTED_COLS) is not None:
            self.funds_header = row
            return True
        if any(c in (f"{self.year}年决算数", f"{self.year}年预算数") for c in row):
            self.year_header = row
            return True
        if any(c == "编制数" for c in row) and any(
            "实际在职人数" in c or "实有人数" in c for c in row
        ):
            self.staff_header = row
            return True
        if all(find_col(row, (name,)) is not None for name in LEVEL_COLS[:2]):
            self.indicator_cols = {
                key: idx
                for key, names in (
                    ("level1", ("一级指标",)),
                    ("level2", ("二级指标",)),
                    ("level3", ("三级指标", "目标指标")),
                    ("target", TARGET_COLS),
                    ("actual", ACTUAL_COLS),
                    ("weight", WEIGHT_COLS),
                    ("score", SCORE_COLS),
                )
                if (idx := find_col(row, names)) is not None
            }
            self.indicator_offset = None
            self.levels = ["", "", ""]
            return True
        return False

    def _value(
        self, row: list[str], header: list[str] | None, names: tuple[str, ...]
    ) -> float | None:
        if header is None:
            return None
        i = find_col(header, names)
        if i is None or i >= len(row):
            return None
        return number(row[i])

    def _funds(self, row: list[str], quote: str, block: Block) -> None:
        """Given a 年度资金总额/总额 row under a funds header, read budget and execution."""
        if self.funds_header is None or not any(label_of(c) in FUNDS_ROW_LABELS for c in row[:3]):
            return
        initial = self._value(row, self.funds_header, INITIAL_COLS)
        adjusted = self._value(row, self.funds_header, ADJUSTED_COLS)
        executed = self._value(row, self.funds_header, EXECUTED_COLS)
        rate = self._value(row, self.funds_header, RATE_COLS)
        if self.context == "project" and self.project is not None:
            p = self.project
            p.initial_budget, p.adjusted_budget, p.executed, p.execution_rate = (
                initial,
                adjusted,
                executed,
                rate,
            )
        elif self.context == "unit":
            for metric, value in (
                ("budget.initial", initial),
                ("budget.full_year", adjusted),
                ("budget.executed", executed),
            ):
                if value is not None:
                    self.out.facts.append(TableFact(metric, value, "万元", quote, block))
        self.funds_header = None

    def _base_table(self, row: list[str], first: str, quote: str, block: Block) -> None:
        """Given a row of a 基础数据表 under a year header, read the year's actual and budget."""
        if self.year_header is None or first not in BASE_TABLE_ROWS:
            return
        actual_metric, budget_metric = BASE_TABLE_ROWS[first]
        for metric, col in (
            (actual_metric, f"{self.year}年决算数"),
            (budget_metric, f"{self.year}年预算数"),
        ):
            if metric is None or col not in self.year_header:
                continue
            i = self.year_header.index(col)
            value = number(row[i]) if i < len(row) else None
            if value is not None:
                self.out.facts.append(TableFact(metric, value, "万元", quote, block))

    def _staff(self, row: list[str], quote: str, block: Block) -> None:
        """Given the row after a staffing header, read 编制数 and 实有人数."""
        if self.staff_header is None:
            return
        header, self.staff_header = self.staff_header, None
        for i, name in enumerate(header):
            metric = (
                "staff.authorized"
                if name == "编制数"
                else ("staff.actual" if "实际在职人数" in name or "实有人数" in name else None)
            )
            if metric and i < len(row) and (v := number(row[i])) is not None:
                self.out.facts.append(TableFact(metric, v, "人", quote, block))

    def _totals(self, cells: list[str], quote: str, block: Block) -> bool:
        """Given a 合计/总分 row, read the total score of the project or unit; return whether it was one."""
        labels = [label_of(c) for c in cells if number(c) is None]
        nums = [number(c) for c in cells if number(c) is not None]
        labelled = any(lab in TOTAL_ROW_LABELS for lab in labels)
        unlabelled = not labels and len(nums) == 2 and nums[0] == 100  # " | 100 | 100"
        if not nums or not (labelled or unlabelled) or any(len(lab) > 12 for lab in labels):
            return False
        score = nums[-1]
        if self.context == "project" and self.project is not None and self.project.score is None:
            self.project.score = score
        elif self.context == "unit":
            self.out.facts.append(TableFact("perf.overall_score", score, "分", quote, block))
        self.indicator_cols = None
        return True

    def _inline(self, row: list[str], quote: str, block: Block) -> None:
        """Given a row of a 万元 table, read cells such as 其中：基本支出：460.73."""
        if not self.money_table or self.context != "unit":
            return
        for cell in row:
            m = INLINE_CELL.match(cell)
            if m:
                self.out.facts.append(
                    TableFact(INLINE_METRICS[m.group(1)], float(m.group(2)), "万元", cell, block)
                )

    def _indicator(self, row: list[str], block: Block) -> bool:
        """Given a row under an indicator header, store it as an indicator; return whether it was one."""
        cols = self.indicator_cols or {}
        cells = [c for c in row if c]
        if label_of(cells[0]) in INDICATOR_END:
            self.indicator_cols = None
            return False
        if self.indicator_offset is None:
            self.indicator_offset = 0
            first_level = next((i for i, c in enumerate(row) if "指标" in c), None)
            if first_level is not None and "level1" in cols and first_level > cols["level1"]:
                self.indicator_offset = first_level - cols["level1"]

        def at(key: str) -> str:
            i = cols.get(key)
            if i is None:
                return ""
            i += self.indicator_offset or 0
            return row[i] if i < len(row) else ""

        for n, key in enumerate(("level1", "level2", "level3")):
            if at(key) and number(at(key)) is None:
                self.levels[n] = re.sub(r"[（(]\d+(?:\.\d+)?分[）)]", "", at(key))
                if n < 2:
                    self.levels[n + 1 :] = [""] * (2 - n)
        if not at("level3") or not (at("target") or at("actual") or at("weight") or at("score")):
            return True
        table = self.project.name if self.context == "project" and self.project else "部门整体"
        self.out.indicators.append(
            Indicator(
                table=table,
                level1=self.levels[0],
                level2=self.levels[1],
                level3=self.levels[2],
                target=at("target"),
                actual=at("actual"),
                weight=number(at("weight")),
                score=number(at("score")),
                page=block.page,
                loc=block.loc,
            )
        )
        return True
