"""Plain records passed between the readers, the extractor and the warehouse writer.

Data flows one way: a reader turns a file into a ``ParsedDocument`` (an ordered list of
``Block``), the extractor turns that into a ``Report`` (facts with their quotes), and the
builder writes reports into DuckDB.  Nothing here imports a reader or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from etl.statements import Statement


class InputError(Exception):
    """A file that cannot be read as a report; the message is one line naming the reason."""


# How many characters of a paragraph (or of a table's first cells) name it in a place.
PLACE_LEAD_CHARS = 12
PLACE_SEPARATOR = " · "  # between the section heading and the opening words


def opening_words(text: str, limit: int = PLACE_LEAD_CHARS) -> str:
    """Given a paragraph's text, return its first words in quotes (“2024年度收、支总计…”)."""
    words = " ".join(text.split())
    return f"“{words[:limit]}…”" if len(words) > limit else f"“{words}”"


def place(heading: str, lead: str) -> str:
    """Given a section heading ("" when none) and a block's opening words, return the place a
    person finds it by in a document without pages."""
    return PLACE_SEPARATOR.join(part for part in (heading, lead) if part)


@dataclass(frozen=True)
class Block:
    """One paragraph or one table of a document, in document order."""

    kind: Literal["p", "table"]
    text: (
        str  # paragraph text; for a table, its cells joined ("\t" between cells, "\n" between rows)
    )
    rows: tuple[tuple[str, ...], ...] = ()  # table cells, merged cells given once
    page: int | None = None  # 1-based PDF page where the block starts; None for DOCX/text
    index: int = 0  # 1-based ordinal of the block among blocks of its kind (paragraph n / table n)
    # DOCX/text: the section heading the block stands under ("" above the first heading, the
    # heading itself for a heading); None when the document's places are pages or ordinals
    heading: str | None = None

    @property
    def loc(self) -> str:
        """Given a block, return where a person finds it: 第3页 in a PDF; in DOCX/text the
        section heading and the block's opening words; else 第12段 / 第4个表格."""
        if self.page is not None:
            return f"第{self.page}页"
        if self.heading is not None:
            if self.kind == "p":
                own = self.heading.endswith(" ".join(self.text.split()))  # the heading itself
                lead = "" if own else opening_words(self.text)
                return place(self.heading, lead)
            cells = " ".join(c for row in self.rows for c in row if c.strip())
            return place(self.heading, "表格" + opening_words(cells))
        return f"第{self.index}个表格" if self.kind == "table" else f"第{self.index}段"


@dataclass
class ParsedDocument:
    """A file read into blocks, before any financial meaning is extracted."""

    source_file: str  # base name of the input file
    fmt: Literal["pdf", "docx", "txt", "xlsx", "html"]
    blocks: list[Block]
    pages: int | None = None  # PDF page count; None for DOCX/text
    warnings: list[str] = field(default_factory=list)
    # pages read by OCR: page -> its text lines (text, (x0, top, x1, bottom) points, confidence)
    scanned: dict[int, list] = field(default_factory=dict)


@dataclass
class Fact:
    """One metric a report states, with the words it was read from."""

    metric: str  # key of etl/metrics.csv
    value: float
    unit: str  # 万元, %, 辆, 人, ...
    quote: str
    page: int | None
    loc: str
    origin: str = "text"  # text (a sentence) | table (a cell) | schedule (a standard 附表)


@dataclass
class DerivedFact:
    """A prior-year value implied by a stated change (this year's value minus the change)."""

    metric: str
    fiscal_year: int  # the year the value belongs to (report year - 1)
    value: float
    unit: str
    quote: str
    page: int | None
    loc: str
    basis: str  # how it was derived, e.g. "863.44 - (-214.57)"


@dataclass
class FunctionClass:
    """一般公共预算财政拨款支出 of one 功能分类 类."""

    class_name: str
    amount: float | None
    pct: float | None
    quote: str
    page: int | None
    loc: str
    code: str | None = None  # 科目编码 (类), when a 附表 states it


@dataclass
class FunctionItem:
    """一般公共预算财政拨款支出 of one 类/款/项 line."""

    seq: int
    class_name: str
    kuan: str
    xiang: str
    amount: float | None
    pct_of_budget: float | None  # 完成预算%
    quote: str
    page: int | None
    loc: str
    code: str | None = None  # 科目编码 (类款项), when a 附表 states it


@dataclass
class Cell:
    """One amount cell of a standard 附表, as printed and in 万元, with its row and column."""

    table: str  # key of the 附表 (etl/vocab/tables.toml): total, income, gpb, sangong …
    title: str  # the title the table was recognised by
    row_no: int  # 1-based body row of the table (continued parts go on counting)
    row_code: str  # 科目编码 (功能分类 201…, 经济分类 301…) or 行次, "" when none is printed
    row_label: str  # the row's label (科目名称, 项目), numbering dropped; "" when none
    column: str  # header labels top-down joined with "/", e.g. 本年支出/基本支出
    col_no: int  # 1-based column of the table
    value: float | None  # in 万元 (converted from 元 when the table says so); None when blank
    text: str  # the cell as printed ("" for a blank, "-" for a dash)
    unit: str  # the table's stated unit: 万元 | 元
    quote: str  # the row's words, cells joined with ｜
    page: int | None
    loc: str
    ocr_box: str = ""  # read by OCR: its box on the page, "x0,top,x1,bottom" in points
    ocr_conf: float | None = None  # read by OCR: the recogniser's confidence (0-1)


@dataclass
class Project:
    """A project with its budget, execution and self-evaluation score, as far as stated."""

    name: str
    code: str | None = None
    initial_budget: float | None = None
    adjusted_budget: float | None = None
    executed: float | None = None
    execution_rate: float | None = None
    score: float | None = None
    quote: str = ""
    page: int | None = None
    loc: str = ""


UNIT_TABLE = "部门整体"  # Indicator.table (and funds_score subject) of the unit-wide table


@dataclass
class Indicator:
    """One row of a self-evaluation indicator table."""

    table: str  # the project name, or 部门整体 for the unit-wide table
    level1: str
    level2: str
    level3: str
    target: str  # 指标值 as stated
    actual: str  # 完成值 as stated
    weight: float | None  # 分值/权重
    score: float | None  # 得分
    page: int | None
    loc: str
    sign: str = ""  # 指标性质 (≥, ≤, ＝) when the table has that column
    unit: str = ""  # 度量单位 (万元, 次, %) when the table has that column
    deviation: str = ""  # 偏差原因分析及改进措施 when the table states it


@dataclass
class Coverage:
    """How much of the catalogue and of its template one report gave."""

    from_tables: int = 0  # metrics read from a table cell
    from_text: int = 0  # metrics read from a sentence
    missing_sections: list[str] = field(default_factory=list)  # template headings not found
    missing_tables: list[str] = field(default_factory=list)  # standard 附表 not found
    tables_expected: int = 0  # how many standard 附表 the report's template has

    def summary(self) -> str:
        """Given a coverage, return the one line the build output and 数据与来源 show."""
        line = f"表格 {self.from_tables} 项、正文 {self.from_text} 项"
        tables = [f"《{t}》" for t in self.missing_tables]
        if self.tables_expected and len(self.missing_tables) == self.tables_expected:
            tables = [f"全部 {self.tables_expected} 张标准附表"]
        missing = self.missing_sections + tables
        if missing:
            line += "；未找到：" + "、".join(missing)
        return line


@dataclass
class Report:
    """Everything extracted from one file."""

    source_file: str
    fmt: str
    pages: int | None
    unit_name: str
    unit_short: str | None
    region: str | None
    city: str | None
    fiscal_year: int
    doc_kind: Literal["决算", "绩效自评"]
    is_synthetic: bool = False
    unit_type: str | None = None  # 党委部门, 政府部门, 医院 ... (etl/vocab/unit_kinds.csv)
    province: str | None = None
    facts: list[Fact] = field(default_factory=list)
    derived: list[DerivedFact] = field(default_factory=list)
    function_classes: list[FunctionClass] = field(default_factory=list)
    function_items: list[FunctionItem] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # values not stored, and why
    # what the report says about its figures beyond their values (etl/statements.py)
    mentions: list[Statement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # reader warnings (text it could not place)
    coverage: Coverage = field(default_factory=Coverage)
    cells: list[Cell] = field(default_factory=list)  # every amount cell of the standard 附表
    source_sha256: str | None = None  # sha256 of the very bytes parsed (set by the build)
