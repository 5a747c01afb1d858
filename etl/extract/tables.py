"""Figures stated in tables: self-evaluation tables (unit-wide and per project) and the
基础数据表 of a self-evaluation report.

Tables are read row by row with a context that carries over a page or table break: a row
that names a project (项目名称) opens that project; a unit-wide title (部门整体…自评表,
基础数据表) opens the unit context.  A value is read only under a header that names its
column (年初预算数, 全年执行数, 2023年决算数 …); cells without such a header are not read.

A table that is one of the standard 部门决算 附表 is handed to etl/extract/schedules.py
instead: its facts carry origin "schedule", and its 功能分类 classes/items and notes are
given on the TableResult.  Call ``paragraph`` with each paragraph between tables so the
titles and unit lines above a table are all seen (otherwise only the last one is).
The 基础数据表's year columns (any year) are read by etl/extract/basetable.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.extract.basetable import BASE_TABLE_ROWS, YearColumns
from etl.extract.cells import clean, find_col, label_of, number
from etl.extract.formpairs import FUNDS_FIELDS, pair_number, pairs_of
from etl.extract.schedules import ScheduleReader
from etl.model import (
    UNIT_TABLE,
    Block,
    FunctionClass,
    FunctionItem,
    Indicator,
    Project,
)
from etl.statements import FundsScore, SectionMax, Share, Statement, TableSum
from etl.vocab.performance import HALF_TO_FULL, form_label, vocab

SUBTOTAL_LINES = "；其下各行："  # joins a 小计 quote and the lines it adds up (checks split on it)

V = vocab()  # the Ministry forms' labels and their synonyms (etl/vocab/performance.toml)
PROJECT_NAME_LABELS = V.project_name
PROJECT_CODE = re.compile(r"^(\d{6,}[A-Z]\d{6,})[-－—–]*(.*)$")
TOTAL_ROW_LABELS = V.total_score
FUNDS_ROW_LABELS = V.funds_total
ADJUSTED_COLS = V.columns["adjusted"]
EXECUTED_COLS = V.columns["executed"]
WEIGHT_COLS = V.columns["weight"]
SCORE_COLS = V.columns["score"]
# Indicator columns in the order they are looked for in a header row.
INDICATOR_FIELDS = (
    "level1", "level2", "level3", "target", "actual", "weight", "score", "sign", "unit",
    "deviation",
)  # fmt: skip
INDICATOR_END = V.indicator_end
UNIT_TITLES = V.unit_titles
PROJECT_FUNDS = ("initial_budget", "adjusted_budget", "executed", "execution_rate")  # FUNDS_FIELDS
UNIT_FUNDS = (
    ("initial", "budget.initial"), ("adjusted", "budget.full_year"), ("executed", "budget.executed"),
)  # fmt: skip
PAIR_INDICATOR_FIELDS = ("target", "actual", "weight", "score", "sign", "unit", "deviation")
SECTION_MAX = re.compile(r"[（(](\d+(?:\.\d+)?)分[）)]")  # 产出指标（40分）
NUMBERED_LINE = re.compile(r"^\d+[、.．]")  # 1、对个人和家庭补助: a line under a 小计
LEVEL_NAME_MAX = 10  # characters of a 一级/二级指标 name such as 服务对象满意度指标
MAX_ROW_SHIFT = 2  # an indicator row's cells may sit this many columns off the header
MAX_GAP_PARAGRAPHS = 3  # a table this close to the previous one continues its context

INLINE_CELL = re.compile(r"^(?:其中[：:])?(基本支出|项目支出)[：:](-?\d+(?:\.\d+)?)$")
INLINE_METRICS = {"基本支出": "expenditure.basic", "项目支出": "expenditure.project"}


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
    # From the standard 附表 (see schedules.py): 功能分类 of 一般公共预算财政拨款支出 with
    # their 科目编码, and what was left out of those tables and why.
    function_classes: list[FunctionClass] = field(default_factory=list)
    function_items: list[FunctionItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mentions: list[Statement] = field(default_factory=list)  # what the checks compare (控制率)


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
        self.subtotal_group: dict | None = None  # a 小计 row whose numbered lines follow
        self.prev_row: list[str] = []  # the row before the current one (a two-row header)
        self.score_from_right = False
        # 一级/二级指标 stated maximum (产出指标（40分）) and the sections' weight/score sums
        self.level_max: list[tuple[float, str, Block] | None] = [None, None]
        self.sections: dict[tuple[str, int, str], tuple] = {}
        self.schedules = ScheduleReader()
        self.paragraphs: list[str] = []  # paragraphs since the last table, when told of them
        self.year_columns = YearColumns(self.out.mentions)  # every year of a 基础数据表
        # the indicator a label–value form is filling (三级指标 | … then 年度指标值 | …)
        self.pair_indicator: Indicator | None = None
        self.indicator_width = 0  # cells of the indicator header row

    def paragraph(self, text: str) -> None:
        """Given a paragraph between tables, remember it as a possible table title or unit line."""
        if not self.paragraphs:  # the first paragraph after a table may be its 说明
            self.schedules.paragraph(text)
            self.out.notes = list(self.schedules.out.notes)
        self.paragraphs.append(text)

    def read(self, block: Block, title: str, gap: int) -> None:
        """Given a table block, the paragraph before it and paragraphs since the last table, read it."""
        # paragraphs since the last table, nearest first (only the last one when not told)
        context = self.paragraphs[::-1] or ([title] if title and gap else [])
        self.paragraphs = []
        if self.schedules.read(block, context, gap):
            self._sync_schedules()
            return
        rows = [[clean(c) for c in row] for row in block.rows]
        head = HALF_TO_FULL("".join("".join(r) for r in rows[:3]))
        opens_project = any(label_of(c) in PROJECT_NAME_LABELS for r in rows[:3] for c in r[:2])
        if not opens_project:
            # a title read before an earlier table (no paragraph since) does not reopen
            if any((gap and t in title) or t in head for t in UNIT_TITLES):
                self._open("unit")
            elif gap > MAX_GAP_PARAGRAPHS:
                self._open(None)
        self.money_table = "万元" in head
        for row in rows:
            self._row(row, block)
            self.prev_row = row

    def _sync_schedules(self) -> None:
        """Given a schedule just read, refresh the schedule facts, functions and notes."""
        found = self.schedules.out
        self.out.facts = [f for f in self.out.facts if f.origin != "schedule"] + [
            TableFact(f.metric, f.value, "万元", f.quote, f.block, origin="schedule")
            for f in found.facts
        ]
        self.out.function_classes = list(found.function_classes)
        self.out.function_items = list(found.function_items)
        self.out.notes = list(found.notes)

    def _open(self, context: str | None) -> None:
        self.context = context
        self.project = None
        self.funds_header = self.indicator_cols = None
        self.year_header = self.staff_header = None
        self.indicator_offset = None
        self.levels = ["", "", ""]
        self.pair_indicator = None

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
            self._pairs(row, quote, block)  # 项目名称 | A专项 | 年初预算数 | 100 …
            return
        if self._pairs(row, quote, block):
            return
        if self._headers(row):
            return
        if self._totals(row, quote, block):
            return
        if self.indicator_cols is not None and self._indicator(row, block):
            return
        self._funds(row, quote, block)
        self._base_table(row, first, quote, block)
        self._subtotal(row, block)
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
        if all(find_col(row, V.columns[key]) is not None for key in ("level1", "level2")):
            self.indicator_cols = {
                key: idx
                for key in INDICATOR_FIELDS
                if (idx := find_col(row, V.columns[key])) is not None
            }
            # 自评得分 in the header row above (merged cells put it over the wrong column):
            # the score is then the rightmost number of each row, after the 分值.
            self.score_from_right = "score" not in self.indicator_cols and any(
                find_col(self.prev_row, (name,)) is not None for name in SCORE_COLS
            )
            self.indicator_offset = None
            self.indicator_width = len(row)
            self.levels = ["", "", ""]
            return True
        return False

    def _table_name(self) -> str:
        """Return the name of the self-evaluation table being read: its project, or 部门整体."""
        return self.project.name if self.context == "project" and self.project else UNIT_TABLE

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
        funds = {key: self._value(row, self.funds_header, V.columns[key]) for key in FUNDS_FIELDS}
        weight = self._value(row, self.funds_header, WEIGHT_COLS)
        score = self._value(row, self.funds_header, SCORE_COLS)
        self._store_funds(funds, weight, score, quote, block)
        self.funds_header = None

    def _store_funds(
        self, funds: dict, weight: float | None, score: float | None, quote: str, block: Block
    ) -> None:
        """Given a form's funds (initial, adjusted, executed, rate) and 预算执行 分值/得分, keep them.

        A project keeps the first value stated for each; the unit's become budget.* facts.
        """
        table = self._table_name()
        if weight is not None and self.context is not None:  # 预算执行 is scored in this row
            self.out.mentions.append(
                FundsScore(quote=quote, page=block.page, loc=block.loc, table=table,
                           weight=weight, score=score)
            )  # fmt: skip
        if self.context == "project" and self.project is not None:
            for key, attr in zip(FUNDS_FIELDS, PROJECT_FUNDS, strict=True):
                if funds.get(key) is not None and getattr(self.project, attr) is None:
                    setattr(self.project, attr, funds[key])
        elif self.context == "unit":
            for key, metric in UNIT_FUNDS:
                if funds.get(key) is not None:
                    self.out.facts.append(TableFact(metric, funds[key], "万元", quote, block))

    def _pairs(self, row: list[str], quote: str, block: Block) -> bool:
        """Given a label–value row of a form, read its funds or indicator; return whether it was one."""
        if self.context is None or self.indicator_cols is not None or self.funds_header is not None:
            return False
        pairs = pairs_of(row)
        if pairs is None:
            return False
        stated = {key: value for key, value in reversed(pairs) if value}  # first one wins
        if any(key in stated for key in FUNDS_FIELDS):
            funds = {key: pair_number(stated[key]) for key in FUNDS_FIELDS if key in stated}
            weight, score = (pair_number(stated.get(k, "")) for k in ("weight", "score"))
            self._store_funds(funds, weight, score, quote, block)
            return True
        for key, value in pairs:
            if value:
                self._pair_indicator(key, value, block)
        return True

    def _pair_indicator(self, key: str, value: str, block: Block) -> None:
        """Given one label–value pair of an indicator (三级指标 | 培训人次 …), keep it."""
        if key in ("level1", "level2"):
            n = ("level1", "level2").index(key)
            self.levels[n] = SECTION_MAX.sub("", value)
            self.levels[n + 1 :] = [""] * (2 - n)
            self.pair_indicator = None
            return
        if key == "level3":
            self.levels[2] = value
            self.pair_indicator = Indicator(
                self._table_name(), *self.levels, target="", actual="", weight=None,
                score=None, page=block.page, loc=block.loc,
            )  # fmt: skip
            return
        ind = self.pair_indicator
        if ind is None or key not in PAIR_INDICATOR_FIELDS:
            return
        if key in ("weight", "score"):
            if getattr(ind, key) is None:
                setattr(ind, key, pair_number(value))
        elif not getattr(ind, key):
            setattr(ind, key, value)
        if not any(ind is i for i in self.out.indicators) and (
            ind.target or ind.actual or ind.weight is not None or ind.score is not None
        ):
            self.out.indicators.append(ind)

    def _base_table(self, row: list[str], first: str, quote: str, block: Block) -> None:
        """Given a row of a 基础数据表 under a year header, read the year's actual and budget."""
        if self.year_header is None:
            return
        self.year_columns.row(row, block, self.year_header)
        if first not in BASE_TABLE_ROWS:
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

    def _subtotal(self, row: list[str], block: Block) -> None:
        """Given a row under a year header, follow a 小计 row and its numbered lines.

        When the numbered lines end, each year column where a line has a value gives the
        checks one mention: the stated 小计 and the sum of its lines.
        """
        label = next((c for c in row if c), "")
        group = self.subtotal_group
        if group is not None and NUMBERED_LINE.match(label):
            for i, cell in enumerate(row[1:], 1):
                if (v := number(cell)) is not None:
                    group["items"].setdefault(i, []).append(v)
                    group["lines"].setdefault(i, []).append(f"{label_of(label)} {cell.strip()}")
            return
        if group is not None:
            self.subtotal_group = None
            for i, total in group["totals"].items():
                parts = group["items"].get(i)
                if parts and i < len(self.year_header or []):
                    # the 小计 and every line it adds up, so the evidence shows the whole sum
                    lines = "；".join(group["lines"][i])
                    quote = (
                        f"{group['label']}（{self.year_header[i]}）{group['cells'][i]}"
                        f"{SUBTOTAL_LINES}{lines}"
                    )
                    self.out.mentions.append(
                        TableSum(quote=quote, page=group["block"].page,
                                 loc=group["block"].loc, total=total,
                                 parts_sum=round(sum(parts), 6), lines=str(len(parts)),
                                 column=self.year_header[i])
                    )  # fmt: skip
        if self.year_header is not None and label_of(label).endswith("小计"):
            self.subtotal_group = {
                "label": label, "cells": row, "block": block, "items": {}, "lines": {},
                "totals": {i: v for i, c in enumerate(row[1:], 1) if (v := number(c)) is not None},
            }  # fmt: skip

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
        self._control_rate(header, row, block)

    def _control_rate(self, header: list[str], row: list[str], block: Block) -> None:
        """Given a staffing header and its row, keep a stated 控制率 for the checks."""
        cols = {name: i for i, name in enumerate(header)}
        rate = next((i for n, i in cols.items() if "控制率" in n), None)
        auth = cols.get("编制数")
        actual = next((i for n, i in cols.items() if "实际在职人数" in n or "实有人数" in n), None)
        if None in (rate, auth, actual) or max(rate, auth, actual) >= len(row):
            return
        pct, a, b = (number(row[i].rstrip("%")) for i in (rate, actual, auth))
        if None in (pct, a, b) or not row[rate].endswith("%"):
            return
        quote = " / ".join(f"{header[i]} {row[i]}" for i in (auth, actual, rate))
        self.out.mentions.append(
            Share(quote=quote, page=block.page, loc=block.loc, of_metric=None, amount=a,
                  pct=pct, of_amount=b, counted="人")
        )  # fmt: skip

    def _totals(self, row: list[str], quote: str, block: Block) -> bool:
        """Given a 合计/总分 row, read the total score of the project or unit; return whether it was one."""
        cells = [c for c in row if c]
        labels = [label_of(c) for c in cells if pair_number(c) is None]
        nums = [pair_number(c) for c in cells if pair_number(c) is not None]
        labelled = any(lab in TOTAL_ROW_LABELS for lab in labels) or (
            len(cells) == len(labels) + 1 == 2 and form_label(labels[0]) in V.pair_total_score
        )  # 自评得分 | 95.5
        unlabelled = not labels and len(nums) == 2 and nums[0] == 100  # " | 100 | 100"
        if not nums or not (labelled or unlabelled) or any(len(lab) > 12 for lab in labels):
            return False
        if self._only_weight(row, nums):
            self.indicator_cols = None  # "总分 | 100 | (blank)": the 分值, no score stated
            return True
        score = nums[-1]
        if self.context == "project" and self.project is not None and self.project.score is None:
            self.project.score = score
        elif self.context == "unit":
            self.out.facts.append(TableFact("perf.overall_score", score, "分", quote, block))
        self.indicator_cols = None
        return True

    def _only_weight(self, row: list[str], nums: list[float | None]) -> bool:
        """Given a total row and its numbers, return whether its one number sits under 分值.

        Merged cells are given once, so the row is aligned with the header from the right:
        `总分 | 100 | (得分 blank) | (偏差 blank)`.
        """
        cols = self.indicator_cols or {}
        if len(nums) != 1 or "weight" not in cols or cols.get("score", -1) <= cols["weight"]:
            return False
        at = next(i for i, c in enumerate(row) if c and pair_number(c) is not None)
        return len(row) - at == self.indicator_width - cols["weight"]

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

    def _finish_split_row(self, row: list[str], block: Block) -> bool:
        """Given a row of numbers only, complete the previous indicator cut in two; return if so.

        A row cut by a page or cell break leaves 完成值/分值/得分 alone on the next row
        (`100% | 10 | 10`); they belong to the indicator above, which has none of them yet.
        """
        cells = [c for c in row if c]
        if not self.out.indicators or len(cells) not in (2, 3):
            return False
        if any(number(c) is None for c in cells):
            return False
        last = self.out.indicators[-1]
        if last.loc != block.loc or last.weight is not None or last.score is not None:
            return False
        if len(cells) == 3:
            if last.actual or not cells[0].endswith("%"):
                return False
            last.actual = cells[0]
        last.weight, last.score = number(cells[-2]), number(cells[-1])
        return True

    @staticmethod
    def _rightmost_score(row: list[str], weight_col: int) -> str:
        """Given a row and its 分值 column, return the rightmost number after it, or ""."""
        for cell in reversed(row[weight_col + 1 :]):
            if cell and number(cell) is not None:
                return cell
        return ""

    def _row_shift(self, row: list[str], cols: dict[str, int]) -> int:
        """Given an indicator row, return how far its cells sit from the header's columns.

        Merged cells can move a row's cells left (a continuation table whose first row
        merges 一级/二级指标): when the row ends in numbers, its rightmost number is the
        得分 and fixes the shift; otherwise the table's shift applies.
        """
        table_shift = self.indicator_offset or 0
        numbers = [i for i, c in enumerate(row) if c and number(c) is not None]
        if "score" not in cols or len(numbers) < 2:
            return table_shift
        shift = numbers[-1] - cols["score"]
        return shift if abs(shift - table_shift) <= MAX_ROW_SHIFT else table_shift

    def _indicator(self, row: list[str], block: Block) -> bool:
        """Given a row under an indicator header, store it as an indicator; return whether it was one."""
        cols = self.indicator_cols or {}
        cells = [c for c in row if c]
        if label_of(cells[0]) in INDICATOR_END:
            self.indicator_cols = None
            return False
        if self.indicator_offset is None:
            self.indicator_offset = 0
            first_level = next(
                (
                    i
                    for i, c in enumerate(row[: cols.get("level1", 0) + MAX_ROW_SHIFT + 1])
                    if "指标" in c and len(SECTION_MAX.sub("", c)) <= LEVEL_NAME_MAX
                ),
                None,
            )  # a level name (产出指标), not a long explanation that mentions 指标
            if first_level is not None and "level1" in cols and first_level > cols["level1"]:
                self.indicator_offset = first_level - cols["level1"]

        if self._finish_split_row(row, block):
            return True
        shift = self._row_shift(row, cols)

        def at(key: str) -> str:
            i = cols.get(key)
            if key == "score" and i is None and self.score_from_right and "weight" in cols:
                return self._rightmost_score(row, cols["weight"] + shift)
            if i is None:
                return ""
            i += shift
            return row[i] if 0 <= i < len(row) else ""

        for n, key in enumerate(("level1", "level2", "level3")):
            if at(key) and number(at(key)) is None:
                self.levels[n] = SECTION_MAX.sub("", at(key))
                if n < 2:
                    self.levels[n + 1 :] = [""] * (2 - n)
                    self.level_max[n:] = [None] * (2 - n)
                    if m := SECTION_MAX.search(at(key)):
                        self.level_max[n] = (float(m.group(1)), at(key), block)
        stated = number(at("weight")) is not None or number(at("score")) is not None
        if not at("level3") or not (at("target") or at("actual") or stated):
            return True
        table = self._table_name()
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
                sign=at("sign"),
                unit=at("unit"),
                deviation=at("deviation"),
            )
        )
        for n, stated in enumerate(self.level_max):
            if stated is not None:
                section = self.sections.setdefault((table, n, self.levels[n]), (stated, []))
                section[1].append(self.out.indicators[-1])  # summed at the end: a row cut
        return True  # in two gets its 分值/得分 later (_finish_split_row)

    def section_mentions(self) -> list[Statement]:
        """Return, per indicator section with a stated maximum (产出指标（40分）), its sums."""
        out = []
        for (table, _n, name), ((most, words, block), items) in self.sections.items():
            weights = round(sum(i.weight or 0.0 for i in items), 6)
            scores = round(sum(i.score or 0.0 for i in items), 6)
            out.append(
                SectionMax(quote=words, page=block.page, loc=block.loc, table=table, most=most,
                           weights=weights, scores=scores, name=name)
            )  # fmt: skip

        return out
