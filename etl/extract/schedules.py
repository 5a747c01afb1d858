"""The standard 部门决算 附表 (schedules): recognised by title, read by their headers.

A table is a schedule only when a title naming one of the nine standard 附表 is found in the
paragraphs right before it or in its own first rows.  Its amount unit must be stated
(单位：万元 / 元); amounts in 元 are converted to 万元.  Multi-row headers are rebuilt into
one label path per column (merged cells are given once by the readers, so the spans are
inferred from the rows below).  A value is stored only from a row and a column whose labels
are understood; anything else is left out and said so in a note.

Values are emitted as TableFact with origin "schedule": the extractor keeps them over any
differing narrative statement.  The 一般公共预算财政拨款支出决算表 also gives the 功能分类
classes (3-digit 科目编码) and items (7-digit) with their codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

from etl.extract.cells import clean, label_of
from etl.model import Block, FunctionClass, FunctionItem

NUM = re.compile(r"^-?\d+(?:\.\d+)?$")
UNIT = re.compile(r"单位[：:]?(万元|元)")
EMPTY_MARKS = ("本表无数据", "无数据", "本表为空表", "空表")
# Characters allowed right before a schedule title (so 项目支出决算表 is not 支出决算表).
TITLE_PREFIX_OK = set("0123456789一二三四五六七八九十、.．:：)）】]度表 -—－·\t")
CONTEXT_PARAGRAPHS = 4  # paragraphs before a table searched for its title and unit
MAX_PREAMBLE_ROWS = 4  # first rows of a table that may carry its title, unit and 部门
CONTINUATION_GAP = 2  # a headerless table this many paragraphs after a schedule continues it
MAX_TITLE_CHARS = 60  # a paragraph longer than this is text, not a table title
VALUE_TOLERANCE = 0.005  # two cells giving one metric agree within this
YUAN_PER_WANYUAN = 10000.0
ROUND_DIGITS = 6  # decimals kept after converting 元 to 万元

# Header words (after normalising) that differ between reports for the same column.
HEADER_ALIASES = {
    "因公出国(境)费": "因公出国（境）费",
    "因公出国（境）费用": "因公出国（境）费",
    "公务用车购置及运行费": "公务用车购置及运行维护费",
    "公务用车运行费": "公务用车运行维护费",
    "公务用车运行维护": "公务用车运行维护费",
    "公务用车购置": "公务用车购置费",
    "预算": "预算数",
    "决算": "决算数",
    "功能分类科目编码": "科目编码",
    "支出功能分类科目编码": "科目编码",
    "本年支出小计": "小计",
}
LABEL_HEADERS = ("项目", "科目编码", "科目名称", "类", "款", "项", "行次", "栏次")


@dataclass(frozen=True)
class ColumnField:
    """A metric read from the 合计 (or only) row, under a column whose label path matches."""

    metric: str
    path: tuple[str, ...]  # labels from the top header row down; the last is the column's own


@dataclass(frozen=True)
class Schedule:
    """One standard 附表: its titles and how its values map onto metric keys."""

    key: str
    titles: tuple[str, ...]
    columns: tuple[ColumnField, ...] = ()  # column tables: fields of the 合计 row
    labels: dict[str, str] = field(default_factory=dict)  # row-label tables: label -> metric
    functional: bool = False  # rows with 科目编码 give function classes and items
    total_row: str = "合计"  # label of the row the column fields are read from (when labelled)


def _sangong_fields(head: str, suffix: str) -> tuple[ColumnField, ...]:
    """Given 预算数/决算数 and the metric suffix, return the six 三公 column fields."""
    car = "公务用车购置及运行维护费"
    return (
        ColumnField(f"sangong{'.budget' if suffix else '.total'}", (head, "合计")),
        ColumnField(f"sangong.outbound{suffix}", (head, "因公出国（境）费")),
        ColumnField(f"sangong.vehicle{suffix}", (head, car, "小计")),
        ColumnField(f"sangong.vehicle.purchase{suffix}", (head, car, "公务用车购置费")),
        ColumnField(f"sangong.vehicle.operation{suffix}", (head, car, "公务用车运行维护费")),
        ColumnField(f"sangong.reception{suffix}", (head, "公务接待费")),
    )


SCHEDULES = (
    Schedule(
        "total",
        ("收入支出决算总表",),
        labels={
            "一般公共预算财政拨款收入": "income.general_budget",
            "政府性基金预算财政拨款收入": "income.gov_fund",
            "国有资本经营预算财政拨款收入": "income.state_capital",
            "上级补助收入": "income.superior_subsidy",
            "事业收入": "income.business",
            "经营收入": "income.operating",
            "附属单位上缴收入": "income.affiliate",
            "其他收入": "income.other",
            "本年收入合计": "income.total",
            "本年支出合计": "expenditure.total",
            "总计": "total.income_expenditure",
        },
    ),
    Schedule(
        "income",
        ("收入决算表",),
        columns=(
            ColumnField("income.total", ("本年收入合计",)),
            ColumnField("income.superior_subsidy", ("上级补助收入",)),
            ColumnField("income.business", ("事业收入",)),
            ColumnField("income.operating", ("经营收入",)),
            ColumnField("income.affiliate", ("附属单位上缴收入",)),
            ColumnField("income.other", ("其他收入",)),
        ),
    ),
    Schedule(
        "expenditure",
        ("支出决算表",),
        columns=(
            ColumnField("expenditure.total", ("本年支出合计",)),
            ColumnField("expenditure.basic", ("基本支出",)),
            ColumnField("expenditure.project", ("项目支出",)),
            ColumnField("expenditure.remit_superior", ("上缴上级支出",)),
            ColumnField("expenditure.operating", ("经营支出",)),
            ColumnField("expenditure.affiliate_subsidy", ("对附属单位补助支出",)),
        ),
    ),
    Schedule(
        "fiscal_total",
        ("财政拨款收入支出决算总表",),
        labels={
            "一般公共预算财政拨款": "income.general_budget",
            "一般公共预算财政拨款收入": "income.general_budget",
            "政府性基金预算财政拨款": "income.gov_fund",
            "政府性基金预算财政拨款收入": "income.gov_fund",
            "国有资本经营预算财政拨款": "income.state_capital",
            "国有资本经营预算财政拨款收入": "income.state_capital",
            "总计": "fiscal.total",
        },
    ),
    Schedule(
        "gpb",
        ("一般公共预算财政拨款支出决算表",),
        columns=(ColumnField("gpb.total", ("本年支出", "小计")),),
        functional=True,
    ),
    Schedule(
        "gpb_basic",
        ("一般公共预算财政拨款基本支出决算表",),
        labels={"人员经费合计": "basic.personnel", "公用经费合计": "basic.public"},
    ),
    Schedule(
        "sangong",
        (
            "一般公共预算财政拨款“三公”经费支出决算表",
            "一般公共预算财政拨款三公经费支出决算表",
            "财政拨款“三公”经费支出决算表",
            "财政拨款三公经费支出决算表",
            "“三公”经费支出决算表",
        ),
        columns=_sangong_fields("预算数", ".budget") + _sangong_fields("决算数", ""),
    ),
    Schedule(
        "gov_fund",
        ("政府性基金预算财政拨款收入支出决算表",),
        columns=(ColumnField("income.gov_fund", ("本年收入",)),),
    ),
    Schedule("state_capital", ("国有资本经营预算财政拨款支出决算表",)),
)
# Other 附表 whose titles contain a standard title; recognised so they are not mistaken.
OTHER_TITLES = (
    "财政拨款支出决算明细表",
    "一般公共预算财政拨款支出决算明细表",
    "一般公共预算财政拨款项目支出决算表",
    "国有资本经营预算财政拨款收入支出决算表",
    "政府性基金预算财政拨款支出决算表",
    "项目支出决算表",
    "基本支出决算表",
)
# Some reports label the 一般公共预算财政拨款支出决算表 amount column 合计 with no 本年支出 above.
GPB_FLAT_TOTALS = (("合计",), ("本年支出合计",), ("本年支出",))


@dataclass
class ScheduleFact:
    """A metric value read from a schedule cell (in 万元)."""

    metric: str
    value: float
    quote: str
    block: Block


@dataclass
class ScheduleResult:
    """Everything read from the schedules of one report."""

    facts: list[ScheduleFact] = field(default_factory=list)
    function_classes: list[FunctionClass] = field(default_factory=list)
    function_items: list[FunctionItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # keys of the schedules found, in order


def header_word(cell: str) -> str:
    """Given a normalised header cell, return its canonical column word."""
    word = re.sub(r"^[一二三四五六七八九十]+[、.．]|^\d+[、.．]", "", cell)
    word = re.sub(r"[（(](?:万元|元)[）)]$", "", word)
    return HEADER_ALIASES.get(word, word)


def amount(cell: str) -> float | None:
    """Given a normalised cell, return its amount (a dash or blank is None)."""
    return float(cell) if NUM.match(cell) else None


def find_schedule(texts: list[str]) -> tuple[Schedule | None, str]:
    """Given candidate title texts (nearest first), return the schedule named and its title."""
    titled = [(t, s) for s in SCHEDULES for t in s.titles] + [(t, None) for t in OTHER_TITLES]
    titled.sort(key=lambda ts: -len(ts[0]))
    for text in texts:
        for title, schedule in titled:
            start = text.find(title)
            if start < 0 or (start > 0 and text[start - 1] not in TITLE_PREFIX_OK):
                continue
            return schedule, title
    return None, ""


def header_paths(rows: list[list[str]], width: int) -> list[list[str]] | None:
    """Given header rows (merged cells given once) and the table width, return each column's label path.

    The lowest row with a cell per column fixes the columns; each row above covers them:
    a blank cell below continues the cell above (one column group), and a run of filled
    cells below has one parent above, or several that split it evenly.  Returns None when
    the rows cannot be fitted.
    """
    leaf = next((i for i in range(len(rows) - 1, -1, -1) if len(rows[i]) == width), None)
    if leaf is None or any(any(r) for r in rows[leaf + 1 :]):
        return None  # no row with a cell per column, or header rows below it
    spans = [(j, j + 1, cell) for j, cell in enumerate(rows[leaf])]
    paths: list[list[str]] = [[cell] if cell else [] for cell in rows[leaf]]
    for r in range(leaf - 1, -1, -1):
        row = rows[r]
        segments: list[list] = []  # [start, end, is_run, child spans]
        for span in spans:
            if span[2] and segments and segments[-1][2]:
                segments[-1][1] = span[1]
                segments[-1][3].append(span)
            else:
                segments.append([span[0], span[1], bool(span[2]), [span]])
        runs = [s for s in segments if s[2]]
        parents = len(row) - (len(segments) - len(runs))
        if parents < len(runs) or (parents > len(runs) and len(runs) != 1):
            return None
        groups: list[tuple[int, int]] = []
        k = 0  # next cell of this row
        for seg in segments:
            if not seg[2] or parents == len(runs):
                groups.append((seg[0], seg[1]))
                k += 1
                continue
            children = seg[3]
            share = parents
            # a 项目 cell covers the label columns (科目编码, 科目名称) at the start of the run
            if row[k] in LABEL_HEADERS:
                n_labels = 0
                while n_labels < len(children) and children[n_labels][2] in LABEL_HEADERS:
                    n_labels += 1
                if n_labels:
                    groups.append((children[0][0], children[n_labels - 1][1]))
                    children, share = children[n_labels:], share - 1
            if share <= 0 or not children or len(children) % share:
                return None
            step = len(children) // share
            for part_no in range(share):
                part = children[part_no * step : (part_no + 1) * step]
                groups.append((part[0][0], part[-1][1]))
            k += parents
        if len(groups) != len(row):
            return None
        spans = []
        for (start, end), cell in zip(groups, row, strict=True):
            spans.append((start, end, cell))
            if cell:
                for j in range(start, end):
                    paths[j].insert(0, cell)
    return paths


def _column_numbers(row: list[str]) -> bool:
    """Given a row, return whether it only numbers the columns (1, 2, 3 …: a 栏次 row without its label)."""
    filled = [c for c in row if c]
    return len(filled) > 1 and filled == [str(n) for n in range(1, len(filled) + 1)]


def path_matches(path: list[str], wanted: tuple[str, ...]) -> bool:
    """Given a column's label path and a field's path, return whether the column is that field."""
    words = [w for w in path if w not in ("项目",)]
    if not words or words[-1] != wanted[-1]:
        return False
    it = iter(words)
    return all(any(w == want for w in it) for want in wanted)


class ScheduleReader:
    """Reads the standard 附表 of one report, in document order."""

    def __init__(self) -> None:
        self.out = ScheduleResult()
        self.current: _Open | None = None  # the schedule the last table belonged to

    def read(self, block: Block, context: list[str], gap: int) -> bool:
        """Given a table block and the paragraphs before it (nearest first), read it if it is a schedule; return whether it was."""
        rows = [[clean(c) for c in row] for row in block.rows]
        width = max((len(r) for r in rows), default=0)
        preamble = self._preamble(rows)
        context = [clean(t) for t in context[:CONTEXT_PARAGRAPHS]]
        context = [t for t in context if len(t) <= MAX_TITLE_CHARS]
        schedule, title = find_schedule(["".join(r) for r in rows[:preamble]][::-1] + context)
        if schedule is None and title:  # another 附表: not read, and it ends any open one
            self.current = None
            return False
        if schedule is None:
            cur = self.current
            if cur is not None and gap <= CONTINUATION_GAP and cur.continues(rows, width):
                cur.read_rows(rows, block, continued=True)
                return True
            self.current = None
            return False
        texts = ["".join(r) for r in rows[:preamble]] + context
        unit = next((m.group(1) for t in texts if (m := UNIT.search(t))), None)
        self.out.seen.append(schedule.key)
        self.current = _Open(schedule, title, unit, width, self.out)
        self.current.read_rows(rows[preamble:], block, continued=False)
        return True

    def paragraph(self, text: str) -> None:
        """Given a paragraph after a table, take a 说明 saying the last schedule has no data."""
        cur = self.current
        if cur is not None and cur.empty_note is not None and any(w in text for w in EMPTY_MARKS):
            i = self.out.notes.index(cur.empty_note)
            cur.empty_note = self.out.notes[i] = (
                f"《{cur.title}》本表无数据（说明：{text}），未入库任何数值"
            )

    @staticmethod
    def _preamble(rows: list[list[str]]) -> int:
        """Given a table's rows, return how many leading rows are its title, 部门 and unit lines."""
        n = 0
        for row in rows[:MAX_PREAMBLE_ROWS]:
            filled = [c for c in row if c]
            text = "".join(filled)
            titled = find_schedule([text])[1] or "决算表" in text or "决算总表" in text
            if (
                filled
                and (titled or "单位" in text or text.startswith("部门"))
                and len(filled) <= 3
            ):
                n += 1
            elif re.fullmatch(r"公开\d+表", text):
                n += 1
            else:
                break
        return n


class _Open:
    """One schedule being read: its header, unit and the values found so far."""

    def __init__(self, schedule: Schedule, title: str, unit: str | None, width: int, out):
        self.s = schedule
        self.title = title
        self.unit = unit
        self.width = width
        self.out: ScheduleResult = out
        self.paths: list[list[str]] | None = None
        self.header_rows: list[list[str]] = []
        self.total_read = False  # the 合计 row (or a label-less table's value row) was read
        self.empty_note: str | None = None  # the note saying the table has no values
        self.got: dict[str, float] = {}
        self.facts: dict[str, ScheduleFact] = {}
        self.conflicted: set[str] = set()
        self.kuan = ""
        self.class_name = ""

    def continues(self, rows: list[list[str]], width: int) -> bool:
        """Given the rows of an untitled table right after this schedule, return whether they continue it.

        They do when the table has the same columns and starts with this schedule's header
        (repeated after a page break), a 科目编码 row, or a row label this schedule reads.
        """
        first = next((r for r in rows if any(r)), None)
        if width != self.width or first is None:
            return False
        if [header_word(c) for c in first] in self.header_rows:
            return True
        lead = next(c for c in first if c)
        return self._is_code(lead) or any(label_of(c) in self.s.labels for c in first)

    def note(self, text: str) -> None:
        """Given a reason, record a note naming this schedule."""
        self.out.notes.append(f"《{self.title}》{text}")

    def read_rows(self, rows: list[list[str]], block: Block, continued: bool) -> None:
        """Given rows of the schedule (a first part or a continuation), read their values."""
        if self.unit is None:
            if not continued:
                self.note("未注明金额单位（万元或元），表中数值未入库")
            return
        body_start = self._header(rows, continued)
        body = rows[body_start:]
        if not any(amount(c) is not None for r in body for c in r if not self._is_code(c)):
            if not continued and self.empty_note is None:
                said = (
                    "本表无数据"
                    if any(w in c for r in rows for c in r for w in EMPTY_MARKS)
                    else ""
                )
                self.note(f"{said or '表中没有数值'}（{block.loc}），未入库任何数值")
                self.empty_note = self.out.notes[-1]
            return
        if self.s.labels:
            if not self.header_rows:
                self.note(f"没有表头（{block.loc}），无法区分行次与金额，表中数值未入库")
                return
            self._label_rows(body, block)
        elif self.s.columns or self.s.functional:
            if self.paths is None:
                self.note(f"表头无法识别（{block.loc}），表中数值未入库")
                return
            self._column_rows(body, block)

    def _header(self, rows: list[list[str]], continued: bool) -> int:
        """Given rows, take the leading header rows (up to the first row with a value); return where the body starts."""
        n = 0
        for row in rows:
            label = label_of(next((c for c in row if c), ""))
            if label == "栏次" or _column_numbers(row) or self._is_data(row):
                break
            n += 1
        head = [[header_word(c) for c in r] for r in rows[:n]]
        if not continued and head:
            self.header_rows = head
            self.paths = header_paths(head, self.width)
        body = n
        while body < len(rows) and (
            label_of(next((c for c in rows[body] if c), "")) == "栏次"
            or _column_numbers(rows[body])
        ):
            body += 1
        return body

    def _is_data(self, row: list[str]) -> bool:
        """Given a row, return whether it carries values rather than column labels."""
        filled = [c for c in row if c]
        if not filled:
            return False
        first = label_of(filled[0])
        if self._is_code(filled[0]):
            return True
        if first in ("合计", "总计") and all(amount(c) is not None for c in filled[1:]):
            return True  # (a header may name a 合计 column; a 合计 row holds amounts only)
        if any(w in first for w in EMPTY_MARKS):
            return True
        return any(amount(c) is not None for c in filled)

    @staticmethod
    def _is_code(cell: str) -> bool:
        """Given a cell, return whether it is a 功能分类 科目编码 (3, 5 or 7 digits)."""
        return bool(re.fullmatch(r"\d{3}(?:\d{2}){0,2}", cell))

    def _value(self, cell: str) -> float | None:
        """Given a cell, return its amount in 万元 (converted from 元 when the table is in 元)."""
        v = amount(cell)
        if v is None:
            return None
        if self.unit == "元":
            return round(v / YUAN_PER_WANYUAN, ROUND_DIGITS)
        return v

    def _emit(self, metric: str, value: float, quote: str, block: Block) -> None:
        """Given a metric read from this schedule, keep it; a differing repeat drops both."""
        if metric in self.conflicted:
            return
        if metric in self.got:
            if abs(self.got[metric] - value) > VALUE_TOLERANCE:
                self.note(f"{metric} 两处数值不一致（{self.got[metric]:g} 与 {value:g}），均未入库")
                self.conflicted.add(metric)
                mine = self.facts.pop(metric)
                self.out.facts.remove(mine)
            return
        self.got[metric] = value
        unit_note = f"（原表单位：元，合{value:g}万元）" if self.unit == "元" else ""
        fact = ScheduleFact(metric, value, f"{self.title}：{quote}{unit_note}", block)
        self.facts[metric] = fact
        self.out.facts.append(fact)

    def _label_rows(self, body: list[list[str]], block: Block) -> None:
        """Given body rows of a row-label table, read the amount after each known label."""
        skip = self._non_amount_columns()
        for row in body:
            aligned = len(row) == self.width
            for j, cell in enumerate(row):
                label = label_of(cell)
                metric = self.s.labels.get(label)
                if metric is None or (metric.startswith("income.") and j != 0):
                    continue
                if not aligned and any(c == "行次" for r in self.header_rows for c in r):
                    self.note(f"行“{'｜'.join(c for c in row if c)}”列数与表头不符，未入库")
                    break
                # aligned: the amount is in the next column that is not a 行次 or label column;
                # otherwise (label cells merged) it is the next filled cell
                k = j + 1
                while k < len(row) and (k in skip if aligned else not row[k]):
                    k += 1
                value = self._value(row[k]) if k < len(row) else None
                if value is None:
                    continue
                if metric in self.got and metric.startswith("income."):
                    continue  # 年初结转和结余 repeats the 财政拨款 labels below
                self._emit(metric, value, f"{cell}｜{row[k]}", block)

    def _non_amount_columns(self) -> set[int]:
        """Given the header, return the columns that hold 行次 (row numbers) or labels, not amounts."""
        out = set()
        for row in self.header_rows:
            if len(row) == self.width:
                out |= {j for j, c in enumerate(row) if c in LABEL_HEADERS}
        return out

    def _column_rows(self, body: list[list[str]], block: Block) -> None:
        """Given body rows of a column table, read the 合计 row and the 科目编码 rows."""
        paths = self.paths or []
        label_cols = [j for j, p in enumerate(paths) if any(w in LABEL_HEADERS for w in p)]
        code_col = next((j for j, p in enumerate(paths) if "科目编码" in p), None)
        name_col = next((j for j, p in enumerate(paths) if "科目名称" in p), None)
        fields_at = self._field_columns(paths)
        for raw in body:
            if not any(amount(c) is not None or self._is_code(c) for c in raw) and (
                label_of(next((c for c in raw if c), "")) != self.s.total_row
            ):
                continue  # a blank row, or the header repeated after a page break
            row = self._aligned(raw, len(label_cols))
            if row is None:
                self.note(f"行“{'｜'.join(c for c in raw if c)}”列数与表头不符，未入库")
                continue
            first = label_of(next((c for c in row if c), ""))
            is_total = first == self.s.total_row if label_cols else True
            if is_total and not self.total_read:
                self.total_read = True
                for metric, j in fields_at.items():
                    value = self._value(row[j])
                    if value is not None:
                        quote = f"{first or '数值行'}｜{'/'.join(paths[j])}｜{row[j]}"
                        self._emit(metric, value, quote, block)
            elif self.s.functional and code_col is not None and name_col is not None:
                self._function_row(row, code_col, name_col, fields_at, block)

    def _field_columns(self, paths: list[list[str]]) -> dict[str, int]:
        """Given the column label paths, return the column of each field (unique matches only)."""
        out: dict[str, int] = {}
        for f in self.s.columns:
            options = [f.path] + (list(GPB_FLAT_TOTALS) if f.metric == "gpb.total" else [])
            for wanted in options:
                hits = [j for j, p in enumerate(paths) if path_matches(p, wanted)]
                if len(hits) == 1:
                    out[f.metric] = hits[0]
                    break
                if len(hits) > 1:
                    self.note(f"列“{'/'.join(wanted)}”出现多次，未入库")
                    break
            else:
                self.note(f"未找到列“{'/'.join(f.path)}”，{f.metric} 未入库")
        return out

    def _aligned(self, row: list[str], label_cols: int) -> list[str] | None:
        """Given a body row, return it with one cell per column (label cells merged on the left), or None."""
        if len(row) == self.width:
            return row
        missing = self.width - len(row)
        if 0 < missing < max(label_cols, 1) and row and amount(row[0]) is None:
            return [row[0]] + [""] * missing + row[1:]
        return None

    def _function_row(
        self, row: list[str], code_col: int, name_col: int, fields_at: dict[str, int], block
    ) -> None:
        """Given a row with a 科目编码, add its 功能分类 class or item."""
        code, name = row[code_col], row[name_col]
        m = re.fullmatch(r"(\d{3}(?:\d{2}){0,2})(.*)", code)
        if not m:
            return
        code, name = m.group(1), name or m.group(2)
        col = fields_at.get("gpb.total")
        value = self._value(row[col]) if col is not None else None
        quote = f"{self.title}：{'｜'.join(c for c in row if c)}"
        if len(code) == 3:
            self.class_name = name
            self.kuan = ""
            self.out.function_classes.append(
                _with_code(FunctionClass(name, value, None, quote, block.page, block.loc), code)
            )
        elif len(code) == 5:
            self.kuan = name
        elif len(code) == 7:
            item = FunctionItem(
                len(self.out.function_items) + 1,
                self.class_name,
                self.kuan,
                name,
                value,
                None,
                quote,
                block.page,
                block.loc,
            )
            self.out.function_items.append(_with_code(item, code))


def _with_code(record, code: str):
    """Given a FunctionClass/FunctionItem and its 科目编码, set the code when the model has a field for it."""
    if any(f.name == "code" for f in fields(record)):
        record.code = code
    return record
