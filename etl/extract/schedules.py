"""The standard 部门决算 附表 (schedules): recognised by title, stored cell by cell.

A table is a schedule only when a title naming one of the nine standard 附表 (etl/vocab/
tables.toml) is found in the paragraphs right before it or in its own first rows.  Its
amount unit must be stated (单位：万元 / 元); amounts in 元 are converted to 万元.  Multi-row
headers are rebuilt into one label path per column.  Every amount cell of every body row
becomes a Cell (row code, row label, column path, value, the row's words); an empty table is
noted and gives none.

Metrics are then picked out of the cells by the rules declared in tables.toml (table, row
label or the 合计 row, column path) and emitted as ScheduleFact: the extractor keeps them
over any differing narrative statement.  A functional table (一般公共预算财政拨款支出决算表)
also gives the 功能分类 classes (3-digit 科目编码) and items (7-digit) with their codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.extract.cells import (
    PLACEHOLDERS,
    amount,
    clean,
    header_paths,
    is_code,
    label_of,
    path_matches,
)
from etl.model import Block, Cell, FunctionClass, FunctionItem
from etl.vocab.tables import MetricRule, TableSpec, table_vocab

__all__ = ["ScheduleReader", "ScheduleResult", "find_schedule", "header_paths"]

VOCAB = table_vocab()
UNIT = re.compile(r"单位[：:]?(万元|元)")
# Units an information table's rows may state (etl/vocab/tables.toml row_units tables).
ROW_UNIT_HEADER = "单位"
ROW_UNIT = re.compile(r"万元|元|辆|个|人|次|台|套|平方米|%")
ROW_UNIT_IN_LABEL = re.compile(r"[（(](万元|元|辆|个|人|次|台|套|平方米|%)[）)]$")
# Characters allowed right before a schedule title (so 项目支出决算表 is not 支出决算表).
TITLE_PREFIX_OK = set("0123456789一二三四五六七八九十、.．:：)）】]度表 -—－·\t")
TITLE_END_OK = ("", "（", "(")  # what may follow a title that lost its first character
CONTEXT_PARAGRAPHS = 4  # paragraphs before a table searched for its title and unit
MAX_PREAMBLE_ROWS = 4  # first rows of a table that may carry its title, unit and 部门
CONTINUATION_GAP = 2  # a headerless table this many paragraphs after a schedule continues it
MAX_TITLE_CHARS = 60  # a paragraph longer than this is text, not a table title
VALUE_TOLERANCE = 0.005  # two cells giving one metric agree within this
YUAN_PER_WANYUAN = 10000.0
ROUND_DIGITS = 6  # decimals kept after converting 元 to 万元
TOTAL_LABELS = ("合计", "总计")
NUMBER_HEADERS = ("行次", "栏次")  # label columns that number rows, not name them
CODE_HEADERS = ("科目编码",) + NUMBER_HEADERS


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
    cells: list[Cell] = field(default_factory=list)
    function_classes: list[FunctionClass] = field(default_factory=list)
    function_items: list[FunctionItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # keys of the schedules found, in order
    rows_read: dict[str, int] = field(default_factory=dict)  # table key -> body rows so far


def header_word(cell: str) -> str:
    """Given a normalised header cell, return its canonical column word."""
    word = re.sub(r"^[一二三四五六七八九十]+[、.．]|^\d+[、.．]", "", cell)
    word = VOCAB.modern(re.sub(r"[（(](?:万元|元)[）)]$", "", word))
    return VOCAB.header_aliases.get(word, word)


def _titles() -> list[tuple[str, TableSpec | None]]:
    """Given the vocabulary, return every known title with its table (None: another 附表)."""
    titled = [(t, s) for s in VOCAB.tables for t in s.titles]
    titled += [(t, None) for t in VOCAB.other_titles]
    return sorted(titled, key=lambda ts: -len(ts[0]))


TITLES = _titles()


def find_schedule(texts: list[str]) -> tuple[TableSpec | None, str]:
    """Given candidate title texts (nearest first), return the schedule named and its title.

    A title that lost its first character (收入支出决算总表 printed as 入支出决算总表) counts
    only when it stands alone: after nothing but numbering and before nothing or a bracket.
    """
    texts = [VOCAB.modern(t) for t in texts]
    for text in texts:
        for title, schedule in TITLES:
            start = text.find(title)
            if start < 0 or (start > 0 and text[start - 1] not in TITLE_PREFIX_OK):
                continue
            return schedule, title
    for text in texts:
        for title, schedule in TITLES:
            cut = title[1:]
            start = text.find(cut)
            if start < 0 or any(c not in TITLE_PREFIX_OK for c in text[:start]):
                continue
            if text[start + len(cut) : start + len(cut) + 1] in TITLE_END_OK:
                return schedule, title
    return None, ""


def _column_numbers(row: list[str]) -> bool:
    """Given a row, return whether it only numbers the columns (1, 2, 3 …: a 栏次 row without its label)."""
    filled = [c for c in row if c]
    return len(filled) > 1 and filled == [str(n) for n in range(1, len(filled) + 1)]


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
        marks = VOCAB.empty_marks
        if cur is not None and cur.empty_note is not None and any(w in text for w in marks):
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
                and (
                    titled
                    or UNIT.search(text)
                    or "单位：" in text
                    or "单位:" in text
                    or text.startswith("部门")
                )
                and len(filled) <= 3
            ):
                n += 1
            elif re.fullmatch(r"公开\d+表", text):
                n += 1
            else:
                break
        return n


@dataclass
class _Placed:
    """A cell being read, with where its row label sits (for the metric rules)."""

    cell: Cell
    label_col: int  # first column of the row label group it belongs to (-1: none)
    lead: bool  # the first amount column after its label group
    total: bool  # in the table's 合计 row (or only value row)


class _Open:
    """One schedule being read: its header, unit, cells and the values found so far."""

    def __init__(self, spec: TableSpec, title: str, unit: str | None, width: int, out):
        self.s = spec
        self.title = title
        self.unit = unit
        self.width = width
        self.out: ScheduleResult = out
        self.rules = VOCAB.rules(spec.key)
        self.paths: list[list[str]] | None = None
        self.header_rows: list[list[str]] = []
        self.label_cols: set[int] = set()
        self.code_cols: set[int] = set()
        self.columns_of: dict[MetricRule, int] = {}  # rules with columns -> the column read
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
        labels = {label for rule in self.rules for label in rule.rows}
        return is_code(lead) or any(label_of(c) in labels for c in first)

    def note(self, text: str) -> None:
        """Given a reason, record a note naming this schedule."""
        self.out.notes.append(f"《{self.title}》{text}")

    def read_rows(self, rows: list[list[str]], block: Block, continued: bool) -> None:
        """Given rows of the schedule (a first part or a continuation), read their cells and values."""
        if self.unit is None and not self.s.row_units:
            if not continued:
                self.note("未注明金额单位（万元或元），表中数值未入库")
            return
        body = rows[self._header(rows, continued) :]
        if not any(amount(c) is not None for r in body for c in r if not is_code(c)):
            if not continued and self.empty_note is None:
                marks = VOCAB.empty_marks
                said = any(w in c for r in rows for c in r for w in marks)
                self.note(
                    f"{'本表无数据' if said else '表中没有数值'}（{block.loc}），未入库任何数值"
                )
                self.empty_note = self.out.notes[-1]
            return
        if not self.header_rows:
            self.note(f"没有表头（{block.loc}），无法区分行次与金额，表中数值未入库")
            return
        if self.paths is None:
            self.note(f"表头无法识别（{block.loc}），表中数值未入库")
            return
        for raw in body:
            if label_of(next((c for c in raw if c), "")) == "栏次" or _column_numbers(raw):
                continue  # the column numbers repeated after a page break
            row = self._aligned(raw)
            if row is None:
                if any(amount(c) is not None for c in raw):
                    self.note(f"行“{'｜'.join(c for c in raw if c)}”列数与表头不符，未入库")
                continue
            placed = self._cells(row, raw, block)
            for p in placed:
                self._metrics(p, block)
            if self.s.functional:
                self._function_row(row, placed, block)

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
            self._set_paths(head)
        body = n
        while body < len(rows) and (
            label_of(next((c for c in rows[body] if c), "")) == "栏次"
            or _column_numbers(rows[body])
        ):
            body += 1
        return body

    def _set_paths(self, head: list[list[str]]) -> None:
        """Given the header rows, fix the column paths, label columns and metric columns."""
        paths = header_paths(head, self.width)
        if paths is None and self.s.kind == "rows":
            # a row-label table is read by its labels: the lowest full row names the columns
            leaf = next((r for r in reversed(head) if len(r) == self.width), None)
            paths = [[c] if c else [] for c in leaf] if leaf else [[]] * self.width
        self.paths = paths
        if paths is None:
            return
        labels = VOCAB.label_headers
        self.label_cols = {j for j, p in enumerate(paths) if p and p[-1] in labels}
        self.code_cols = {j for j in self.label_cols if paths[j][-1] in CODE_HEADERS}
        amounts = [j for j in range(self.width) if j not in self.label_cols]
        found: set[str] = set()
        for rule in self.rules:
            for wanted in rule.columns:
                hits = [j for j in amounts if path_matches(paths[j], wanted)]
                if len(hits) == 1:
                    self.columns_of[rule] = hits[0]
                    found.add(rule.metric)
                    break
                if len(hits) > 1:
                    self.note(f"列“{'/'.join(wanted)}”出现多次，未入库")
                    found.add(rule.metric)
                    break
        for rule in self.rules:
            if rule.columns and rule.metric not in found and not rule.optional:
                found.add(rule.metric)
                self.note(f"未找到列“{'/'.join(rule.columns[0])}”，{rule.metric} 未入库")

    def _is_data(self, row: list[str]) -> bool:
        """Given a row, return whether it carries values rather than column labels."""
        filled = [c for c in row if c]
        if not filled:
            return False
        first = label_of(filled[0])
        if is_code(filled[0]):
            return True
        if first in TOTAL_LABELS and all(amount(c) is not None for c in filled[1:]):
            return True  # (a header may name a 合计 column; a 合计 row holds amounts only)
        if any(w in first for w in VOCAB.empty_marks):
            return True
        return any(amount(c) is not None for c in filled)

    def _aligned(self, row: list[str]) -> list[str] | None:
        """Given a body row, return it with one cell per column, or None when it cannot be placed.

        Label cells merged on the left are widened; in a row-label table without 行次 a
        shorter row's labels and amounts are placed in order (label, then its amount), the
        last amount of a row with several labels in the last column (its label is merged
        up to it, as in the template's 人员经费合计 | … | 公用经费合计 | … row).
        """
        if len(row) == self.width:
            return row
        filled = [c for c in row if c]
        if not filled or not any(amount(c) is not None for c in filled):
            return None  # a blank row or a note under the table
        missing = self.width - len(row)
        labels = len(self.label_cols)
        if self.s.kind == "columns":
            if 0 < missing < max(labels, 1) and row and amount(row[0]) is None:
                return [row[0]] + [""] * missing + row[1:]
            return None
        if any(self.paths[j][-1:] == [h] for h in NUMBER_HEADERS
                                         for j in self.label_cols):  # fmt: skip
            return None
        out, pos = [""] * self.width, 0
        for cell in filled:
            want_label = amount(cell) is None
            while pos < self.width and (pos in self.label_cols) != want_label:
                pos += 1
            if pos >= self.width:
                return None
            out[pos] = cell
            pos += 1
        if sum(amount(c) is None for c in filled) > 1 and amount(filled[-1]) is not None:
            # the last label of a two-sided row is merged up to the table's last column
            last = max(j for j in range(self.width) if j not in self.label_cols)
            placed = max(j for j, c in enumerate(out) if c)
            label_at = max(j for j in range(placed) if out[j] and j in self.label_cols)
            group = self._group(last)
            if group and group[0] > label_at:
                out[group[0]], out[label_at] = out[label_at], ""
            out[placed], out[last] = "", out[placed]
        return out

    def _group(self, j: int) -> list[int]:
        """Given an amount column, return the label columns just left of it (its row label group)."""
        k = j - 1
        while k >= 0 and k not in self.label_cols:
            k -= 1
        group = []
        while k >= 0 and k in self.label_cols:
            group.insert(0, k)
            k -= 1
        return group

    def _row_words(self, row: list[str], group: list[int]) -> tuple[str, str]:
        """Given a row and a label group, return its (row code, row label)."""
        code, label = "", ""
        for k in group:
            cell = row[k]
            m = re.fullmatch(r"(\d{3}(?:\d{2}){0,2})(\D.*)?", cell)
            if k in self.code_cols and re.fullmatch(r"\d+", cell):
                code = code or cell
            elif m and not code:
                code, label = m.group(1), label or label_of(m.group(2) or "")
            elif cell and not label:
                label = label_of(cell)
        return code, label

    def _cells(self, row: list[str], raw: list[str], block: Block) -> list[_Placed]:
        """Given an aligned body row, store its amount cells; return them with their places."""
        amounts = [j for j in range(self.width) if j not in self.label_cols]
        texts = [row[j] for j in amounts]
        if any(t and amount(t) is None and t not in PLACEHOLDERS for t in texts):
            return []  # header words repeated after a page break, or text: not a value row
        first = label_of(next((c for c in row if c), ""))
        is_total = (first in TOTAL_LABELS) if self.label_cols else True
        total = is_total and not self.total_read and any(amount(t) is not None for t in texts)
        self.total_read = self.total_read or total
        row_no = self.out.rows_read.get(self.s.key, 0) + 1
        self.out.rows_read[self.s.key] = row_no
        quote = "｜".join(c for c in raw if c)
        out, last_group = [], None
        for j in amounts:
            group = self._group(j)
            code, label = self._row_words(row, group)
            if not row[j] and not label and not code:
                continue  # the empty half of a two-sided row
            unit = self._row_unit(row, label) if self.s.row_units else self.unit or ""
            value = self._value(row[j], unit)
            cell = Cell(
                self.s.key, self.title, row_no, code, label, "/".join(self.paths[j]), j + 1,
                value, row[j], unit, quote, block.page, block.loc,
            )  # fmt: skip
            self.out.cells.append(cell)
            label_col = group[0] if group else -1
            out.append(_Placed(cell, label_col, group != last_group, total))
            last_group = group
        return out

    def _value(self, cell: str, unit: str | None = None) -> float | None:
        """Given a cell and its unit, return its amount in 万元 (converted from 元), a count as
        counted, or None when blank or when no unit says what the number is."""
        v = amount(cell)
        unit = self.unit if unit is None else unit
        if v is None or not unit:
            return None
        if unit == "元":
            return round(v / YUAN_PER_WANYUAN, ROUND_DIGITS)
        return v

    def _row_unit(self, row: list[str], label: str) -> str:
        """Given a row of an information table and its label, return the unit the row states
        (its 单位 column, else the label's bracket), or "" when it states none."""
        for j in self.label_cols:
            if self.paths[j] and self.paths[j][-1] == ROW_UNIT_HEADER:
                word = clean(row[j]) if j < len(row) else ""
                if ROW_UNIT.fullmatch(word):
                    return word
        m = ROW_UNIT_IN_LABEL.search(label)
        return m.group(1) if m else ""

    def _metrics(self, p: _Placed, block: Block) -> None:
        """Given a placed cell, emit every metric a rule of this table reads from it."""
        c = p.cell
        if c.value is None:
            return
        for rule in self.rules:
            if rule.rows:
                if c.row_label not in rule.rows or (rule.label_first and p.label_col != 0):
                    continue
            elif not p.total:
                continue
            if rule.columns:
                if self.columns_of.get(rule) != c.col_no - 1:
                    continue
            elif not p.lead:
                continue
            if rule.first_only and rule.metric in self.got:
                continue
            self._emit(rule.metric, c, block, by_column=bool(rule.columns))

    def _emit(self, metric: str, c: Cell, block: Block, by_column: bool) -> None:
        """Given a metric and the cell stating it, keep it; a differing repeat drops both."""
        if metric in self.conflicted:
            return
        if metric in self.got:
            if abs(self.got[metric] - c.value) > VALUE_TOLERANCE:
                self.note(
                    f"{metric} 两处数值不一致（{self.got[metric]:g} 与 {c.value:g}），均未入库"
                )
                self.conflicted.add(metric)
                self.out.facts.remove(self.facts.pop(metric))
            return
        self.got[metric] = c.value
        unit_note = f"（原表单位：元，合{c.value:g}万元）" if self.unit == "元" else ""
        # a value found by its column names the column; one found after its label, the label
        words = (
            f"{c.row_label or '数值行'}｜{c.column}｜{c.text}"
            if by_column
            else f"{c.row_label}｜{c.text}"
        )
        fact = ScheduleFact(metric, c.value, f"{self.title}：{words}{unit_note}", block)
        self.facts[metric] = fact
        self.out.facts.append(fact)

    def _function_row(self, row: list[str], placed: list[_Placed], block: Block) -> None:
        """Given a row and its cells, add the 功能分类 class or item its 科目编码 names."""
        rule = next((r for r in self.rules if r.metric == self.s.function_metric), None)
        col = self.columns_of.get(rule) if rule else None
        mine = [p.cell for p in placed if col is not None and p.cell.col_no == col + 1]
        cells = mine or [p.cell for p in placed]
        if not cells or not re.fullmatch(r"\d{3}(?:\d{2}){0,2}", cells[0].row_code):
            return
        code, name = cells[0].row_code, cells[0].row_label
        value = mine[0].value if mine else None
        quote = f"{self.title}：{'｜'.join(c for c in row if c)}"
        if len(code) == 3:
            self.class_name, self.kuan = name, ""
            self.out.function_classes.append(
                FunctionClass(name, value, None, quote, block.page, block.loc, code=code)
            )
        elif len(code) == 5:
            self.kuan = name
        else:
            seq = len(self.out.function_items) + 1
            self.out.function_items.append(
                FunctionItem(seq, self.class_name, self.kuan, name, value, None, quote,
                             block.page, block.loc, code=code)
            )  # fmt: skip
