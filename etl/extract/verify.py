"""Verification of values read by OCR: a figure is stored only when something confirms it.

A cell of a standard 附表 on a scanned page is confirmed when the table's own arithmetic
holds with it: a 合计/小计 column equals its parts (the run of columns after it, or the
columns under its header: 合计 = 基本 + 项目, 小计 = its sub-columns), a 合计/总计 row equals
the run of rows above or below it (本年收入合计 = the income rows, 总计 = 合计 + 结转), a 类
equals its 款 and a 款 its 项 (科目编码), a 合计 row its 类 rows, 收入总计 = 支出总计 — or
when the same figure is read identically elsewhere in the report.

A figure of the prose is confirmed by a confirmed value or a second reading of it, or by
the report's own arithmetic: a total and its stated parts that add up (catalogue sums)
confirm each other.  A rate of change is never confirmed by its value and change: a report
may compute it another way, and a misread rate could then match.

Unconfirmed cells are dropped; a fact, 功能分类 line, project figure or figure the checks
compare (a mention) read from a scanned page is kept only when confirmed; indicator rows of
scanned pages are not kept.  Each table's counts (confirmed / unconfirmed / unreadable) are
given as a warning line, and a confirmed cell keeps its OCR box and confidence.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from etl.extract.cells import amount, clean, is_code
from etl.model import Cell, ParsedDocument, Report
from etl.vocab import catalogue

# Two sides of a sum agree within this (万元: the tables print two decimals).
SUM_TOLERANCE = 0.005

# Longest run of adjacent cells tried as the parts of a total.
MAX_RUN = 40

# A figure confirms itself by a second identical reading only when it has at least this many
# digits and is not zero (a short or zero figure recurs by chance).
MIN_REPEAT_DIGITS = 3

# Words of a row label or a column's last header word that name a total of the cells beside it.
TOTAL_WORDS = ("合计", "小计", "总计")

# A row whose label ends so (合计, 人员经费合计) and has no code adds up its column's 类 rows.
TOTAL_ROWS = ("合计", "总计")

NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _close(a: float, b: float) -> bool:
    """Given two amounts, return whether they agree within SUM_TOLERANCE."""
    return abs(a - b) <= SUM_TOLERANCE


def _value(cell: Cell | None) -> float:
    """Given a cell or None, return its amount, a blank or dash counting as 0."""
    return cell.value if cell is not None and cell.value is not None else 0.0


def _is_total(word: str) -> bool:
    """Given a row label or a column's last header word, return whether it names a total."""
    return any(w in word for w in TOTAL_WORDS)


def _runs(line: list[Cell], ok: set[int], directions: tuple[int, ...], total_of) -> None:
    """Given cells in order along a row or column, the directions their parts may lie in and
    which cells name a total, add to ok the totals that equal a run of adjacent cells, and
    the run."""
    n = len(line)
    for i, total in enumerate(line):
        if total.value is None or not _is_total(total_of(total)):
            continue
        for direction in directions:
            acc, members = 0.0, []
            j = i + direction
            while 0 <= j < n and len(members) < MAX_RUN:
                acc += _value(line[j])
                members.append(j)
                j += direction
                filled = [m for m in members if line[m].value is not None]
                if len(members) >= 2 and filled and _close(acc, total.value):
                    ok.add(id(total))
                    ok.update(id(line[m]) for m in members)
                    break


def _header_groups(cells: list[Cell], ok: set[int]) -> None:
    """Given the cells of one row, add to ok those confirmed by a 合计/小计 column's siblings."""
    paths = {c.col_no: c.column.split("/") for c in cells}
    by_col = {c.col_no: c for c in cells}
    for c in cells:
        path = paths[c.col_no]
        if c.value is None or not _is_total(path[-1]):
            continue
        parent = path[:-1]
        groups: dict[str, list[int]] = defaultdict(list)
        for col, p in paths.items():
            if col != c.col_no and len(p) > len(parent) and p[: len(parent)] == parent:
                groups[p[len(parent)]].append(col)
        if len(groups) < 2:
            continue
        parts: list[int] = []
        for cols in groups.values():
            subtotal = [k for k in cols if _is_total(paths[k][-1])]
            parts.extend(subtotal[:1] if len(cols) > 1 and subtotal else cols)
        if _close(sum(_value(by_col[k]) for k in parts), c.value):
            ok.add(id(c))
            ok.update(id(by_col[k]) for k in parts)


def _sides(row: list[Cell], ok: set[int]) -> None:
    """Given one row's cells, add to ok the totals of two sides (收入总计 = 支出总计) that agree."""
    totals = [c for c in row if c.value and _is_total(c.row_label)]
    for a in totals:
        for b in totals:
            side_a, side_b = a.column.split("/")[0], b.column.split("/")[0]
            if side_a != side_b and _close(a.value, b.value):
                ok.update((id(a), id(b)))


def _code_sums(cells: list[Cell], ok: set[int]) -> None:
    """Given one column's cells, add to ok those confirmed by 科目编码: 类 = 款, 款 = 项."""
    coded = [c for c in cells if is_code(c.row_code)]
    for c in coded:
        if c.value is None or len(c.row_code) >= 7:
            continue
        parts = [
            d
            for d in coded
            if len(d.row_code) == len(c.row_code) + 2 and d.row_code.startswith(c.row_code)
        ]
        if parts and _close(sum(_value(d) for d in parts), c.value):
            ok.add(id(c))
            ok.update(id(d) for d in parts)


def _total_rows(cells: list[Cell], ok: set[int]) -> None:
    """Given a table's cells, add to ok the 合计 cells (no code) equal to the 类 rows they add up.

    A 合计 cell adds up the 3-digit 科目编码 cells in its own column and, in a table of several
    lists side by side (人员经费 | 公用经费), in the columns after the previous 合计 of its row.
    """
    classes = [c for c in cells if len(c.row_code) == 3 and is_code(c.row_code)]
    rows: dict[int, list[Cell]] = defaultdict(list)
    for c in cells:
        if c.row_label.endswith(TOTAL_ROWS) and not c.row_code:
            rows[c.row_no].append(c)
    for totals in rows.values():
        totals.sort(key=lambda c: c.col_no)
        previous = 0
        for c in totals:
            window = [d for d in classes if previous < d.col_no <= c.col_no]
            previous = c.col_no
            if c.value is None or not window:
                continue
            if _close(sum(_value(d) for d in window), c.value):
                ok.add(id(c))
                ok.update(id(d) for d in window)


def confirmed_cells(cells: list[Cell]) -> set[int]:
    """Given the cells of one table, return the ids of those its arithmetic confirms."""
    ok: set[int] = set()
    rows: dict[int, list[Cell]] = defaultdict(list)
    cols: dict[int, list[Cell]] = defaultdict(list)
    for c in cells:
        rows[c.row_no].append(c)
        cols[c.col_no].append(c)
    for row in rows.values():  # a total column comes before its parts
        row.sort(key=lambda c: c.col_no)
        _runs(row, ok, (1,), lambda c: c.column.split("/")[-1])
        _header_groups(row, ok)
        _sides(row, ok)
    for col in cols.values():  # a total row comes after (or before) the rows it adds up
        col.sort(key=lambda c: c.row_no)
        _runs(col, ok, (-1, 1), lambda c: c.row_label)
        _code_sums(col, ok)
    _total_rows(cells, ok)
    return ok


def _token(value: float) -> str:
    """Given an amount, return its size as a canonical number token (the sign is often a word)."""
    return f"{abs(value):.2f}"


def document_numbers(doc: ParsedDocument) -> Counter:
    """Given a parsed document, return how often each number (two decimals) is written in it."""
    seen: Counter = Counter()
    for block in doc.blocks:
        texts = (
            [cell for row in block.rows for cell in row] if block.kind == "table" else [block.text]
        )
        for text in texts:
            for m in NUMBER.finditer(clean(text)):
                v = amount(m.group().replace(",", ""))
                if v is not None:
                    seen[_token(v)] += 1
    return seen


def _repeats(value: float, text: str, seen: Counter) -> bool:
    """Given a figure, its printed text and the document's numbers, return whether it is read twice."""
    digits = sum(ch.isdigit() for ch in text)
    return bool(value) and digits >= MIN_REPEAT_DIGITS and seen[_token(value)] >= 2


def _box(cell: Cell, lines: list, used: Counter) -> tuple[str, float | None]:
    """Given a cell and its page's OCR lines, return the box and confidence of its reading."""
    hits = [line for line in lines if clean(line[0]) == cell.text]
    if not hits:
        hits = [line for line in lines if cell.text and cell.text in clean(line[0])]
    if not hits:
        return "", None
    key = (cell.page, cell.text)
    hit = hits[min(used[key], len(hits) - 1)]  # the k-th reading of the same text, in order
    used[key] += 1
    return ",".join(f"{v:g}" for v in hit[1]), hit[2]


def unreadable_cells(doc: ParsedDocument) -> Counter:
    """Given a parsed document, return per scanned page how many table cells look like a
    figure but do not read as one."""
    out: Counter = Counter()
    for block in doc.blocks:
        if block.kind != "table" or block.page not in doc.scanned:
            continue
        for row in block.rows:
            for cell in row:
                text = clean(cell)
                if re.search(r"\d[.,]\d", text) and amount(text) is None and not is_code(text):
                    out[block.page] += 1
    return out


def consistent_sums(facts: list) -> set[str]:
    """Given a report's facts, return the metrics of each catalogue sum (收入合计 = its parts,
    三公 = 出国 + 用车 + 接待, 车辆总数 = its kinds) whose stated parts add up to its stated total:
    each confirms the others.  A part not stated counts as absent, never as a zero read."""
    by_metric = {f.metric: f.value for f in facts}
    out: set[str] = set()
    for total, metric in catalogue.load().metrics.items():
        if total not in by_metric:
            continue
        for _rule, parts in metric.parts:
            stated = [p for p in parts if p in by_metric]
            if len(stated) >= 2 and _close(sum(by_metric[p] for p in stated), by_metric[total]):
                out.add(total)
                out.update(stated)
    return out


def _cell_quotes(cells: list[Cell]) -> set[str]:
    """Given confirmed 附表 cells, return the quotes a 附表 fact read from one of them carries
    (as etl.extract.schedules words them: by column, or after its row label)."""
    out = set()
    for c in cells:
        out.add(f"{c.title}：{c.row_label or '数值行'}｜{c.column}｜{c.text}")
        out.add(f"{c.title}：{c.row_label}｜{c.text}")
    return out


def confirm(report: Report, doc: ParsedDocument) -> None:
    """Given a report extracted from a document with scanned pages, drop every OCR value
    nothing confirms, give confirmed cells their box and confidence, and add the counts."""
    scanned = set(doc.scanned)
    if not scanned:
        return
    seen = document_numbers(doc)
    tables: dict[tuple[str, str], list[Cell]] = defaultdict(list)
    for c in report.cells:
        if c.page in scanned:
            tables[(c.table, c.title)].append(c)
    ok: set[int] = set()
    counts: list[str] = []
    unreadable = unreadable_cells(doc)
    used: Counter = Counter()
    for (_key, title), cells in tables.items():
        good = confirmed_cells(cells)
        good.update(id(c) for c in cells if c.value is not None and _repeats(c.value, c.text, seen))
        ok.update(good)
        for c in cells:  # every cell takes its turn among same-text readings, kept or not
            box, conf = _box(c, doc.scanned.get(c.page, []), used)
            if id(c) in good:
                c.ocr_box, c.ocr_conf = box, conf
        pages = {c.page for c in cells}
        lost = sum(unreadable[p] for p in pages)
        counts.append(f"{title} 确认 {len(good)}、未确认 {len(cells) - len(good)}、无法识别 {lost}")
    report.cells = [c for c in report.cells if c.page not in scanned or id(c) in ok]
    # confirmed values a prose figure may agree with: never a zero or a short figure, which
    # a misread could match by chance
    sure = {round(c.value, 2) for c in report.cells if c.value is not None}
    sure.update(round(f.value, 2) for f in report.facts if f.page not in scanned)
    sure = {v for v in sure if _repeats(v, _token(v), Counter({_token(v): 2}))}
    coded = {(c.page, c.row_code, round(c.value, 2)) for c in report.cells if c.value is not None}

    def agreed(value: float | None, text: str = "") -> bool:
        """Given an OCR figure, return whether a confirmed value or a second reading agrees."""
        if value is None:
            return True
        return round(value, 2) in sure or _repeats(value, text or _token(value), seen)

    def line_agreed(line) -> bool:
        """Given a 功能分类 class or item, return whether its confirmed 附表 cell (or else a
        confirmed value or second reading) agrees with its amount."""
        if line.amount is None:
            return True
        if line.code:
            return (line.page, line.code, round(line.amount, 2)) in coded
        return agreed(line.amount)

    stated = _cell_quotes([c for c in report.cells if c.page in scanned])
    good = consistent_sums(report.facts)
    for f in report.facts:
        if f.page not in scanned:
            good.add(f.metric)
        elif f.origin == "schedule":
            if f.quote.split("（原表单位")[0] in stated:  # its own cell was confirmed
                good.add(f.metric)
        elif agreed(f.value):
            good.add(f.metric)
    kept = []
    for f in report.facts:
        if f.metric in good and (
            f.origin != "schedule"
            or f.page not in scanned
            or f.quote.split("（原表单位")[0] in stated
        ):
            kept.append(f)
        else:
            report.notes.append(
                f"{f.metric}：扫描页 OCR 读数 {f.value:g}（{f.loc}）未经核对确认，未入库"
            )
    dropped = len(report.facts) - len(kept)
    report.facts = kept
    report.function_classes = [
        fc for fc in report.function_classes if fc.page not in scanned or line_agreed(fc)
    ]
    report.function_items = [
        fi for fi in report.function_items if fi.page not in scanned or line_agreed(fi)
    ]
    for p in report.projects:
        if p.page in scanned:
            for name in (
                "initial_budget",
                "adjusted_budget",
                "executed",
                "execution_rate",
                "score",
            ):
                if not agreed(getattr(p, name)):
                    setattr(p, name, None)
    report.indicators = [i for i in report.indicators if getattr(i, "page", None) not in scanned]
    # what the checks compare (stated changes, shares, restatements) must be confirmed too
    report.mentions = [
        m
        for m in report.mentions
        if m.page not in scanned or all(agreed(m.to_columns()[c]) for c in ("value", "pct", "base"))
    ]
    pages = "、".join(str(p) for p in sorted(scanned))
    summary = f"第{pages}页为扫描页，已用 OCR 识别；未经核对确认的读数不入库"
    if dropped:
        summary += f"（另有 {dropped} 项指标读数未经确认，已逐项记入提取说明）"
    if counts:
        summary += "；附表单元格：" + "；".join(counts)
    report.warnings.append(summary)
