"""Rules over the cells of the standard 附表: do the rows and columns add up as the template says?

Each table is checked on its own cells (raw_cells), one column at a time:
- by 科目编码 prefix: a 类 (3 digits) is the sum of its 款 (5 digits), a 款 of its 项 (7 digits)
  (a 类 with 项 but no 款 rows: of its 项), a 经济分类 类 (301) of its 款 (30101 …), and the
  合计 row of a 功能分类 table of its 类 rows;
- across columns (etl/vocab/tables.toml column_sum): 小计 = 基本支出 + 项目支出, 本年支出合计 =
  基本 + 项目 + …, the 三公 合计 = 出国 + 公务用车 + 接待 …, under one parent header;
- 经济分类 totals: 人员经费合计 = 301 + 303, 公用经费合计 = the other 3-digit rows.
A blank cell is no figure: a sum is checked only when its total and at least one part are
stated, and a column in which a code appears twice (a table printed twice) is not summed.
"""

from __future__ import annotations

from collections import defaultdict

from etl.checks.model import Finding, ReportData, Rule, amount_severity, money, new_finding
from etl.checks.registry import RuleSpec, declare
from etl.vocab.tables import table_vocab

TOTAL_ROW = "合计"
FUNCTIONAL_FIRST_DIGITS = ("2",)  # 功能分类 科目编码 start with 2 (经济分类 with 3)


def _columns(r: ReportData) -> dict[tuple[str, int], list[dict]]:
    """Given a report, return its cells grouped per (table, column)."""
    out: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for c in r.cells:
        out[(c["table_key"], c["col_no"])].append(c)
    return out


def _finding(r, rule, total: dict, parts: list[dict], what: str, metric=None) -> Finding | None:
    """Given a total cell, its part cells and words naming them, return a finding if they differ."""
    stated = [p for p in parts if p["value"] is not None]
    if total["value"] is None or not stated:
        return None
    summed = round(sum(p["value"] for p in stated), 6)
    severity = amount_severity(total["value"] - summed, len(stated))
    if severity is None:
        return None
    return new_finding(
        r, rule, severity,
        f"《{total['title']}》{what}为 {money(total['value'])}，{_names(parts)}之和为 "
        f"{money(summed)}，相差 {money(abs(total['value'] - summed))}。",
        [total["where"]] + [p["where"] for p in stated], metric=metric,
        stated=total["value"], expected=summed,
    )  # fmt: skip


def _names(parts: list[dict]) -> str:
    """Given part cells, return how the message names them (codes or column words)."""
    codes = [p["row_code"] for p in parts if p["row_code"]]
    if len(codes) == len(parts) and len(codes) <= 4:
        return "、".join(codes)
    if len(codes) == len(parts):
        return f"{codes[0]} 等 {len(codes)} 行"
    return "、".join(f"“{p['column_path'].split('/')[-1]}”" for p in parts)


@declare(
    RuleSpec(
        "cells.codes",
        "决算附表科目逐级相加",
        "error",
        "金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误",
        "决算附表（`raw_cells`）中按科目编码逐级相加：类＝其下各款之和，款＝其下各项之和（无款行时类＝各项之和），经济分类 301＝30101…之和，功能分类表的合计行＝各类之和（逐列；同一列中编码重复出现时不查）",
    ),
)
def code_sums(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a 科目编码 row is not the sum of the rows under it."""
    out = []
    vocab = table_vocab()
    coded_tables = {t.key for t in vocab.tables if t.kind == "columns"} | {vocab.economic["table"]}
    for (table, _col), cells in _columns(r).items():
        if table not in coded_tables:
            continue  # row-label tables number their rows (行次), they give no 科目编码
        coded = [c for c in cells if c["row_code"].isdigit() and len(c["row_code"]) in (3, 5, 7)]
        codes = [c["row_code"] for c in coded]
        if len(codes) != len(set(codes)):
            continue  # a code twice in one column: the table was printed twice
        column = cells[0]["column_path"]
        for parent in coded:
            code = parent["row_code"]
            children = [c for c in coded if c["row_code"].startswith(code)]
            for size in (len(code) + 2, len(code) + 4):
                level = [c for c in children if len(c["row_code"]) == size]
                if level:
                    name = f"“{column}”列 {code} {parent['row_label']}"
                    if found := _finding(r, "cells.codes", parent, level, name):
                        out.append(found)
                    break
        classes = [c for c in coded if len(c["row_code"]) == 3]
        total = next((c for c in cells if c["row_label"] == TOTAL_ROW and not c["row_code"]), None)
        functional = all(c["row_code"].startswith(FUNCTIONAL_FIRST_DIGITS) for c in classes)
        if total is not None and classes and functional:
            name = f"“{column}”列合计"
            if found := _finding(r, "cells.codes", total, classes, name):
                out.append(found)
    return out


@declare(
    RuleSpec(
        "cells.columns",
        "决算附表同一行各列相加",
        "error",
        "金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误",
        "决算附表同一行各列相加：小计＝基本支出＋项目支出，本年支出合计＝基本＋项目＋上缴上级＋经营＋对附属单位补助，本年收入合计＝各项收入，“三公”合计＝三项、公务用车小计＝购置＋运行维护，财政拨款支出合计＝各类财政拨款（列的组成见 `etl/vocab/tables.toml`；同一表头下有不认得的列时不查）",
    ),
)
def column_sums(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where a row's total column is not the sum of its parts."""
    rows: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for c in r.cells:
        rows[(c["table_key"], c["row_no"])].append(c)
    out = []
    for (table, _row), cells in rows.items():
        for rule in table_vocab().column_sums:
            if table not in rule.tables:
                continue
            by_path = {tuple(c["column_path"].split("/")): c for c in cells}
            for path, total in by_path.items():
                if path[-1] != rule.total:
                    continue
                parts = _parts(by_path, path[:-1], rule.total, rule.parts)
                if parts is None or not _same_side(total, parts):
                    continue
                name = (
                    f"第{total['row_no']}行“{total['row_label'] or total['row_code'] or '数值行'}”"
                )
                name += f"的“{'/'.join(path)}”"
                if found := _finding(r, "cells.columns", total, parts, name):
                    out.append(found)
    return out


def _parts(by_path: dict, parent: tuple, total: str, names: tuple) -> list[dict] | None:
    """Given a row's cells by path, a parent header and the part names, return the part cells.

    None when a sibling column under the parent is not a known part (its composition is not
    known) or no part is found.  A part that is itself a group is read from its 小计/合计.
    """
    parts, siblings = [], set()
    for path in by_path:
        if len(path) > len(parent) and path[: len(parent)] == parent:
            siblings.add(path[len(parent)])
    siblings.discard(total)
    if not siblings or any(s not in names for s in siblings):
        return None
    for name in sorted(siblings, key=names.index):
        cell = next(
            (by_path[parent + t] for t in ((name,), (name, "小计"), (name, "合计"))
             if parent + t in by_path),
            None,
        )  # fmt: skip
        if cell is None:
            return None  # a part split into columns with no subtotal: not summed
        parts.append(cell)
    return parts


def _same_side(total: dict, parts: list[dict]) -> bool:
    """Given a total cell and its parts, return whether they are on the total's row label side."""
    return all(p["row_label"] == total["row_label"] for p in parts)


@declare(
    RuleSpec(
        "cells.economic",
        "基本支出表人员、公用经费合计",
        "error",
        "金额相差 ≤0.005 万元不报；n 个分项合计差 ≤max(0.01, 0.005×(n+1)) 万元为提示（舍入）；更大为错误",
        "基本支出决算表：人员经费合计＝301＋303 之和，公用经费合计＝其余经济分类（302、310…）之和",
    ),
)
def economic_totals(r: ReportData, labels: dict[str, str]) -> list[Finding]:
    """Given a report, return findings where 人员经费合计 or 公用经费合计 is not its 类 rows' sum."""
    spec = table_vocab().economic
    cells = [c for c in r.cells if c["table_key"] == spec["table"]]
    classes = [c for c in cells if len(c["row_code"]) == 3 and c["row_code"].isdigit()]
    codes = [c["row_code"] for c in classes]
    if not classes or len(codes) != len(set(codes)):
        return []  # no 经济分类 rows, or each code with several columns (another layout)
    personnel = set(spec["personnel_codes"])
    wanted = {
        spec["personnel_total"]: ([c for c in classes if c["row_code"] in personnel],
                                  "basic.personnel"),
        spec["public_total"]: ([c for c in classes if c["row_code"] not in personnel],
                               "basic.public"),
    }  # fmt: skip
    out = []
    for c in cells:
        if c["row_label"] in wanted:
            parts, metric = wanted[c["row_label"]]
            if found := _finding(r, "cells.economic", c, parts, c["row_label"], metric):
                out.append(found)
    return out


RULES: tuple[Rule, ...] = (code_sums, column_sums, economic_totals)
