"""The 基础数据表 of a self-evaluation report, column by column and year by year.

The table's rows (一、部门基本支出, 其中：公用经费 and its lines, 二、项目支出小计 …) are read
under a year header (2022年决算数, 2023年预算数, 2023年决算数): TableReader stores the
report's own year as facts (BASE_TABLE_ROWS); every year column, any year, becomes a
base_table mention here so the checks (etl/checks/table_rules.py) can compare it with the
text's breakdown for that year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.extract.cells import number
from etl.model import Block
from etl.statements import BaseTable, Statement

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
# 基础数据表 columns the checks compare year by year (2022年决算数, 2023年预算数 …)
YEAR_COL = re.compile(r"^(20\d\d)年度?(决算|预算)数?$")
BASE_MENTION_ROWS = {"部门基本支出": "basic", "项目支出小计": "project"}
# 其中：公用经费 (基本支出中的一般商品和服务支出) opens a block of lines (办公费, 三公经费 …)
PUBLIC_BLOCK_LABEL = "公用经费"
PUBLIC_LABEL_MAX = 8  # characters of a 公用经费 row label (日常公用经费)
# 基础数据表 row numbering, outermost first (一、 （一） 1. （1）): a row numbered at the 公用经费
# row's own level or above ends its block (（二）人员经费 after （一）公用经费).
BASE_ROW_LEVELS = (
    re.compile(r"^[一二三四五六七八九十]+[、.．]"),
    re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
    re.compile(r"^\d+[、.．](?!\d)"),
    re.compile(r"^[（(]\d+[）)]"),
)
PUBLIC_UNNUMBERED_LEVEL = 1  # an unnumbered 公用经费 row: a row numbered 一、 or （一） ends it
BASE_CHILD_PREFIX = re.compile(r"^其中[：:]?")  # 其中：办公费 opens a row's list of lines
BASE_LABEL_PREFIX = re.compile(
    r"^(?:其中[：:]?)?(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]"
    r"|\d+[、.．](?!\d))?(?:其中[：:]?)?"
)
# Rows that are not 公用经费 lines but its siblings or parents: a label holding one of these
# words, or equal to one of these labels, ends the block.
PUBLIC_BLOCK_END_WORDS = (
    "人员经费", "工资福利", "对个人和家庭", "资本性支出", "基本支出", "项目支出", "政府采购",
)  # fmt: skip
PUBLIC_BLOCK_END_LABELS = ("其他", "其他支出", "合计", "总计", "小计")
# Lines inside 三公经费 (1.公务用车…, 2.出国经费, 3.公务接待): its total row counts them.
SANGONG_PART_WORDS = ("公务用车", "公务车", "出国", "公务接待")
VEHICLE_PURCHASE = "sangong.vehicle.purchase"  # 资本性支出, not 商品和服务支出


@dataclass
class PublicColumn:
    """One year column of an open 公用经费 block: its lines, 公务车购置 and sum mention."""

    lines: list[tuple[str, str, float]] = field(default_factory=list)  # (row, cell, value)
    purchase: tuple[str, float] | None = None  # 公务车购置 (资本性支出) inside 三公经费
    at: int | None = None  # where its sum of lines stands in the mention list


@dataclass
class PublicBlock:
    """The 基础数据表's open 其中：公用经费 block: its year header, row and lines per column."""

    header: list[str] | None  # the year header it was opened under (by identity)
    label: str
    block: Block
    level: int  # numbering level of the 公用经费 row (BASE_ROW_LEVELS)
    stated: bool  # the row states its own amount: its lines follow as 其中 or numbered children
    started: bool = False  # a row after the 公用经费 row has been seen
    cols: dict[int, PublicColumn] = field(default_factory=dict)


def base_level(raw: str) -> int | None:
    """Given a normalised 基础数据表 row label, return its numbering level (0 for 一、), or None."""
    raw = BASE_CHILD_PREFIX.sub("", raw)
    return next((i for i, p in enumerate(BASE_ROW_LEVELS) if p.match(raw)), None)


def base_label(raw: str) -> str:
    """Given a normalised 基础数据表 row label, return it without numbering and 其中："""
    return BASE_LABEL_PREFIX.sub("", raw).rstrip("：:")


class YearColumns:
    """Reads the year columns of 基础数据表 rows into base_table mentions, carrying the open
    公用经费 block from row to row."""

    def __init__(self, mentions: list[Statement]):
        self.mentions = mentions  # appended to: the TableReader's mention list
        self.header: list[str] = []
        self.public_block: PublicBlock | None = None  # the open 公用经费 block

    def _year_cols(self) -> dict[int, tuple[int, str, str]]:
        """Return the current year header's columns as {column: (year, 决算|预算, header cell)}."""
        out = {}
        for i, cell in enumerate(self.header or []):
            if m := YEAR_COL.match(cell):
                out[i] = (int(m.group(1)), m.group(2), cell)
        return out

    def row(self, row: list[str], block: Block, header: list[str]) -> None:
        """Given a 基础数据表 row, keep its year columns for the checks (any year, not only this).

        一、部门基本支出 and 二、项目支出小计 give one base_table mention per year column; the
        lines under 其中：公用经费 (办公费 … 三公经费, whose own sub-lines are not counted again)
        give one running sum per column, until a row that is not one of them (``_public_ends``).
        """
        self.header = header
        cols = self._year_cols()
        raw = next((c for c in row if c), "")
        label = base_label(raw)
        if self.public_block is not None and self._public_ends(self.public_block, raw, label):
            self.public_block = None
        pb = self.public_block
        if not cols:
            return
        cells = {i: row[i] for i in cols if i < len(row)}
        values = {i: (c, v) for i, c in cells.items() if (v := number(c)) is not None}
        if label in BASE_MENTION_ROWS or (
            label.endswith(PUBLIC_BLOCK_LABEL) and len(label) <= PUBLIC_LABEL_MAX
        ):
            subject = BASE_MENTION_ROWS.get(label, "public")
            for i, (cell, v) in values.items():
                year, kind, header = cols[i]
                self.mentions.append(
                    BaseTable(quote=f"{raw}（{header}）{cell}", page=block.page, loc=block.loc,
                              row=subject, value=v, year=year, stage=kind, column=header)
                )  # fmt: skip
            if subject == "public":
                level = base_level(raw)
                self.public_block = PublicBlock(
                    self.header, raw, block, stated=bool(values),
                    level=PUBLIC_UNNUMBERED_LEVEL if level is None else level,
                )  # fmt: skip
            return
        if pb is None or not values:
            return
        sangong_part = "三公" not in label and any(w in label for w in SANGONG_PART_WORDS)
        if sangong_part and BASE_TABLE_ROWS.get(label, ("",))[0] != VEHICLE_PURCHASE:
            return
        for i, (cell, v) in values.items():
            col = pb.cols.setdefault(i, PublicColumn())
            year, kind, header = cols[i]
            if sangong_part:
                col.purchase = (cell, v)
            else:
                col.lines.append((raw, cell, v))
                self.mentions.append(
                    BaseTable(quote=f"{raw}（{header}）{cell}", page=block.page, loc=block.loc,
                              row="public_line", value=v, year=year, stage=kind, column=header)
                )  # fmt: skip
            self._public_sum(pb, i, cols[i])

    def _public_ends(self, pb: PublicBlock, raw: str, label: str) -> bool:
        """Given the open 公用经费 block and a row's first cell and label, return whether it ends.

        A new year header ends it, as do a row numbered at the 公用经费 row's level or above
        (（二）人员经费 after （一）公用经费, 二、项目支出小计) and a sibling or parent row
        (人员经费, 对个人和家庭的补助 …).  When the 公用经费 row states its own amount, its
        lines must begin with a 其中 row or one numbered below it; any other next row is a
        sibling, and the block (with no lines) ends there.
        """
        level = base_level(raw)
        first_row, pb.started = not pb.started, True
        child = BASE_CHILD_PREFIX.match(raw) is not None or (level is not None and level > pb.level)
        return (
            pb.header is not self.header
            or (level is not None and level <= pb.level)
            or label in BASE_MENTION_ROWS
            or label in PUBLIC_BLOCK_END_LABELS
            or any(w in label for w in PUBLIC_BLOCK_END_WORDS)
            or (pb.stated and first_row and not child)
        )

    def _public_sum(self, pb: PublicBlock, i: int, col_info: tuple[int, str, str]) -> None:
        """Given the open 公用经费 block and a column, write (or update) its sum of lines."""
        col = pb.cols[i]
        lines = col.lines
        if not lines:
            return
        total = sum(v for _, _, v in lines)
        shown = "＋".join(f"{label} {cell}" for label, cell, _ in lines)
        if col.purchase is not None and any("三公" in label for label, _, _ in lines):
            total -= col.purchase[1]  # 公务用车购置 is in 三公经费 but is 资本性支出
            shown += f"（不含公务车购置 {col.purchase[0]}）"
        year, kind, header = col_info
        block = pb.block
        quote = f"{pb.label}（{header}）：{shown}"
        summed = BaseTable(
            quote=quote, page=block.page, loc=block.loc, row="public_lines",
            value=round(total, 6), year=year, stage=kind, column=header, lines=float(len(lines)),
        )  # fmt: skip
        if col.at is None:
            col.at = len(self.mentions)
            self.mentions.append(summed)
        else:
            self.mentions[col.at] = summed
