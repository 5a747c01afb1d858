"""Every cell of the standard 附表 as a staging record, in the national template and its variants.

The base report is tests/fixtures/schedules (nine tables, PDF/DOCX/XLSX).  Each variant of
/work/shared/spec/formats.md is written here as a DOCX (python-docx, merged cells) from the
same grids: twelve tables placed after the narrative, 表一…表十 headings, 三公 with 会议费 and
培训费, 收入决算表（按单位列示）, titles that lost their first character, an empty table's note,
and a header grid whose merged cells are plain blanks.  Every variant must give the same
cells and metrics as the base (values read 100%, none wrong), and the checks over the cells
must fire on a table that does not add up and stay silent on one that does.
"""

from __future__ import annotations

import importlib.util
import io
import re
from collections import Counter
from pathlib import Path

import pytest

from etl.checks import code_rules
from etl.checks.load import CELL_COLUMNS
from etl.checks.model import Quote, ReportData
from etl.extract import extract_report
from etl.readers import read_document
from etl.vocab.tables import table_vocab

HERE = Path(__file__).resolve().parent / "fixtures" / "schedules"
_spec = importlib.util.spec_from_file_location("make_schedules", HERE / "make_schedules.py")
M = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(M)
SCHEMA = Path(__file__).resolve().parents[1] / "warehouse"


def _docx(path: Path, items: list) -> Path:
    """Given a path and paragraphs (str) and grids (lists with < and ^ merges), write a DOCX."""
    import docx

    document = docx.Document()
    for item in items:
        if isinstance(item, str):
            document.add_paragraph(item)
            continue
        grid, merge = item if isinstance(item, tuple) else (item, True)
        width = max(len(r) for r in grid)
        table = document.add_table(rows=len(grid), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(grid):
            for c, cell in enumerate(row):
                if M.text_of(cell):
                    table.cell(r, c).text = cell
        if merge:
            for r0, c0, r1, c1 in M.merges(grid):
                table.cell(r0, c0).merge(table.cell(r1, c1))
    buf = io.BytesIO()
    document.save(buf)
    path.write_bytes(buf.getvalue())
    return path


def _report(tmp_path: Path, items: list, name: str = "v.docx"):
    """Given document items, return the extracted Report of the DOCX written from them."""
    return extract_report(read_document(_docx(tmp_path / name, items)))


def _base_items(headings=None, replace=None, extra=None) -> list:
    """Given optional heading texts, grids to replace (by index) and extras, return the base report items."""
    items = M.paragraphs(M.INCOME_SAID)
    for n, (heading, grid, after) in enumerate(M.SCHEDULES):
        items.append(headings[n] if headings else heading)
        items.append((replace or {}).get(n, grid))
        if after:
            items.append(after)
        items.extend((extra or {}).get(n, []))
    return items


def _key(c) -> tuple:
    """Given a cell, return what must be the same in every variant of one table."""
    return (c.table, c.row_code, c.row_label, c.column, c.col_no, c.value, c.text)


@pytest.fixture(scope="module")
def base():
    return extract_report(read_document(HERE / "schedules.docx"))


def _metrics(report) -> dict[str, float]:
    """Given a report, return its schedule metrics."""
    return {f.metric: f.value for f in report.facts if f.origin == "schedule"}


# ---------------------------------------------------------------- the base report


def _label_columns(grid: list[list[str]]) -> set[int]:
    """Given a grid, return the columns its header names as row labels (项目, 行次, 科目编码 …)."""
    vocab = table_vocab()
    out = set()
    for row in grid[1:]:
        if any(re.fullmatch(r"-?\d+\.\d\d", c) for c in row):
            break
        for c, cell in enumerate(row):
            if vocab.header_aliases.get(cell, cell) in vocab.label_headers:
                out.add(c)
    return out


def _amounts(grid: list[list[str]]) -> list[tuple[int, str]]:
    """Given a grid, return (column, text) of every amount it prints outside the label columns."""
    labels = _label_columns(grid)
    out = []
    for row in grid[1:]:
        for c, cell in enumerate(row):
            if c not in labels and re.fullmatch(r"-?\d+\.\d\d", cell):
                out.append((c + 1, cell))
    return out


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_every_amount_of_every_table_is_a_cell_at_its_place(fmt):
    report = extract_report(read_document(HERE / f"schedules.{fmt}"))
    keys = [t.key for t in table_vocab().tables]
    for n, (_heading, grid, _after) in enumerate(M.SCHEDULES):
        cells = [c for c in report.cells if c.table == keys[n]]
        printed = Counter(_amounts(grid))
        read = Counter((c.col_no, c.text) for c in cells if c.text)
        assert read == printed, keys[n]
        divisor = 10000 if "金额单位：元" in grid[0] else 1
        for c in cells:
            assert c.value == (float(c.text) / divisor if c.text else None)
            assert c.unit == ("元" if divisor > 1 else "万元") and c.quote and c.loc
    assert not any(c.table == "state_capital" for c in report.cells)  # the empty table


def test_cells_name_their_rows_and_columns(base):
    by = {(c.table, c.row_code, c.column): c for c in base.cells}
    gpb = by[("gpb", "2013101", "本年支出/基本支出")]
    assert gpb.row_label == "行政运行" and gpb.value == 754.70
    assert by[("gpb_basic", "30101", "决算数")].row_label == "基本工资"
    assert by[("total", "9", "收入/金额")].row_label == "本年收入合计"
    assert by[("fiscal_total", "38", "支出/政府性基金预算财政拨款")].value == 45.0
    sangong = by[("sangong", "", "决算数/公务用车购置及运行维护费/公务用车运行维护费")]
    assert sangong.value == 10.25 and sangong.text == "102500.00"
    blank = by[("fiscal_total", "33", "支出/政府性基金预算财政拨款")]
    assert blank.value is None and blank.text == ""  # a blank is not a zero


def test_data_tests_accept_exactly_the_vocabulary_table_keys():
    sql = (SCHEMA / "data_tests.sql").read_text(encoding="utf-8")
    block = sql.split("raw_cells.table_key is one of", 1)[1].split(";", 1)[0]
    listed = set(re.findall(r"'(\w+)'", block))
    assert listed == {t.key for t in table_vocab().tables}


def test_every_metric_rule_names_a_known_metric():
    import csv

    keys = {r["key"] for r in csv.DictReader((SCHEMA.parent / "etl" / "metrics.csv").open())}
    assert {m.metric for m in table_vocab().metrics} <= keys


# ---------------------------------------------------------------- variants (formats.md)


PROVINCIAL = {t.key for t in table_vocab().tables if t.provincial}


def _same_as_base(report, base) -> None:
    """Given a variant's report, assert it gives the base's cells (provincial tables aside)
    and schedule metrics."""
    standard = [c for c in report.cells if c.table not in PROVINCIAL]
    assert Counter(_key(c) for c in standard) == Counter(_key(c) for c in base.cells)
    assert _metrics(report) == _metrics(base) == M.TRUTH_METRICS


PROJECT_TABLE = [
    M._pre(6),
    ["项目", "<", "本年收入", "本年支出", "<", "<"],
    ["科目编码", "科目名称", "^", "小计", "基本支出", "项目支出"],
    ["合计", "<", "999.00", "888.00", "777.00", "111.00"],
    ["201", "一般公共服务支出", "999.00", "888.00", "777.00", "111.00"],
]
INFO_TABLE = [
    ["项目", "单位", "数量/金额"],
    ["一、机关运行经费", "万元", "66.00"],
    ["二、政府采购支出总额", "万元", "55.00"],
    ["三、车辆数", "辆", "3"],
]


def test_twelve_tables_after_the_narrative(tmp_path, base):
    glossary = ["第四部分 名词解释", "一、财政拨款收入：指本年度从本级财政部门取得的财政拨款。"]
    extra = {
        2: ["九、项目收入支出决算表", PROJECT_TABLE],
        5: ["十、项目支出决算明细表", PROJECT_TABLE],
        8: ["十二、机关运行经费、国有资产、政府采购情况表", INFO_TABLE],
    }
    items = M.paragraphs(M.INCOME_SAID) + glossary + _base_items(extra=extra)[len(M.NARRATIVE) :]
    report = _report(tmp_path, items)
    _same_as_base(report, base)
    # the two project tables are staged whole (money in 万元)
    staged = {
        (c.table, c.row_label, c.column, c.value) for c in report.cells if c.table in PROVINCIAL
    }
    for key in ("project_income", "project_detail"):
        assert (key, "合计", "本年收入", 999.0) in staged
        assert (key, "一般公共服务支出", "本年支出/项目支出", 111.0) in staged
    # the information table: each row's own unit, money in 万元, counts as counted
    info = {(c.row_label, c.value, c.unit) for c in report.cells if c.table == "im_info"}
    assert info == {
        ("机关运行经费", 66.0, "万元"),
        ("政府采购支出总额", 55.0, "万元"),
        ("车辆数", 3.0, "辆"),
    }


def test_tables_numbered_biao_one_to_ten(tmp_path, base):
    numerals = "一二三四五六七八九"
    headings = [f"表{numerals[n]} {h.split('、', 1)[1]}" for n, (h, *_r) in enumerate(M.SCHEDULES)]
    extra = {8: ["表十 预算绩效自评情况表", PROJECT_TABLE]}
    report = _report(tmp_path, _base_items(headings=headings, extra=extra))
    _same_as_base(report, base)


def test_titles_that_lost_their_first_character(tmp_path, base):
    headings = [h.split("、", 1)[1][1:] for h, *_r in M.SCHEDULES]
    report = _report(tmp_path, _base_items(headings=headings))
    _same_as_base(report, base)
    assert [n for n in report.notes if "《" in n] == [
        n for n in base.notes if "《" in n
    ]  # the empty table is noted the same way


def test_header_grid_with_blank_cells_instead_of_merges(tmp_path, base):
    grids = {n: (grid, False) for n, (_h, grid, _a) in enumerate(M.SCHEDULES) if n in (1, 4, 6, 7)}
    report = _report(tmp_path, _base_items(replace=grids))
    _same_as_base(report, base)


SHAANXI = [
    M._pre(16, "元"),
    ["预算数"] + ["<"] * 7 + ["决算数"] + ["<"] * 7,
    (M.SANGONG_GROUP + ["会议费", "培训费"]) * 2,
    (M.SANGONG_LEAVES + ["^", "^"]) * 2,
    ["200000.00", "0.00", "120000.00", "0.00", "120000.00", "80000.00", "30000.00", "20000.00"]
    + ["157100.00", "0.00", "102500.00", "0.00", "102500.00", "54600.00", "25000.00"]
    + ["12000.00"],
]


def test_sangong_with_meeting_and_training_columns(tmp_path, base):
    report = _report(tmp_path, _base_items(replace={6: SHAANXI}))
    assert _metrics(report) == M.TRUTH_METRICS  # 会议费/培训费 are no 三公 metric
    cells = {c.column: c.value for c in report.cells if c.table == "sangong"}
    assert cells["决算数/会议费"] == 2.5 and cells["预算数/培训费"] == 2.0 and len(cells) == 16
    data = _data(report)
    assert code_rules.column_sums(data, {}) == []  # 合计 with unknown siblings is not summed


BY_UNIT = [
    M._pre(8),
    ["单位名称", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入"]
    + ["附属单位上缴收入", "其他收入"],
    ["合计", "1237.82", "1225.52", "0.00", "0.00", "0.00", "0.00", "12.30"],
    ["中共青石县委办公室（本级）", "1200.00", "1187.70", "", "", "", "", "12.30"],
    ["青石县档案馆", "37.82", "37.82", "", "", "", "", ""],
]


def test_income_by_unit_takes_the_total_row(tmp_path, base):
    headings = [h for h, *_r in M.SCHEDULES]
    headings[1] = "二、收入决算表（按单位列示）"
    report = _report(tmp_path, _base_items(headings=headings, replace={1: BY_UNIT}))
    assert _metrics(report) == M.TRUTH_METRICS
    units = {c.row_label for c in report.cells if c.table == "income"}
    assert units == {"合计", "中共青石县委办公室（本级）", "青石县档案馆"}
    archive = [c for c in report.cells if c.row_label == "青石县档案馆" and c.value is not None]
    assert [(c.column, c.value) for c in archive] == [
        ("本年收入合计", 37.82),
        ("财政拨款收入", 37.82),
    ]
    assert code_rules.column_sums(_data(report), {}) == []


def test_empty_table_note_inside_the_table(tmp_path, base):
    empty = (
        [M._pre(8)]
        + M.GOV_FUND[1:4]
        + [["本单位无政府性基金预算财政拨款收入支出，本表为空表。"] + ["<"] * 7]
    )
    report = _report(tmp_path, _base_items(replace={7: empty}))
    assert not any(c.table == "gov_fund" for c in report.cells)
    assert any("政府性基金" in n and "本表无数据" in n for n in report.notes)
    assert "income.gov_fund" in _metrics(report)  # still stated by the two 总表


def test_real_sangong_grid_with_blank_merged_cells_is_read():
    report = extract_report(read_document(REPO_DEV / "docx" / "h04_fa628266f599e00b.docx"))
    cells = {c.column: c.value for c in report.cells if c.table == "sangong"}
    assert (
        cells["预算数/公务用车购置及运行维护费/小计"] == 2.5 and cells["决算数/公务接待费"] == 0.92
    )
    facts = {f.metric: f for f in report.facts}
    assert facts["sangong.vehicle.operation.budget"].value == 2.5
    assert facts["sangong.vehicle.operation.budget"].origin == "schedule"
    assert not [n for n in report.notes if "表头无法识别" in n]


REPO_DEV = Path(__file__).resolve().parent / "fixtures" / "dev"


# ---------------------------------------------------------------- checks over the cells


def _data(report) -> ReportData:
    """Given a Report, return the ReportData the checks would load for it from raw_cells."""
    data = ReportData("r", report.source_file, "u", "单位", None, 2024, "决算")
    for c in report.cells:
        row = dict(zip(CELL_COLUMNS, (
            c.table, c.title, c.row_no, c.row_code, c.row_label, c.column, c.col_no, c.value,
            c.page, c.loc, c.quote,
        ), strict=True))  # fmt: skip
        row["where"] = Quote(f"{c.title}：{c.quote}", c.loc, c.page, report.source_file)
        data.cells.append(row)
    return data


def _findings(report) -> list:
    """Given a Report, return every finding of the cell rules."""
    data = _data(report)
    return [f for rule in code_rules.RULES for f in rule(data, {})]


def test_consistent_tables_raise_nothing(base):
    assert _findings(base) == []


def test_an_item_that_breaks_the_code_sums(tmp_path):
    gpb = [r[:] for r in M.GPB]
    row = next(r for r in gpb if r[0] == "2013102")
    row[2] = row[4] = "210.00"  # 项 +10: its 款, 类 and the 合计 no longer add up, nor 小计
    found = _findings(_report(tmp_path, _base_items(replace={4: gpb})))
    got = {(f.rule, f.severity, f.stated, f.expected) for f in found}
    # 款 20131 ≠ Σ项 in the 小计 and 项目支出 columns; its 类 201 = 款 still holds, and the
    # row itself adds up (210 = 0 + 210)
    assert got == {("cells.codes", "error", 1010.0, 1020.0), ("cells.codes", "error", 255.3, 265.3)}
    assert all("20131" in f.message for f in found) and len(found) == 2


def test_rounding_within_tolerance_is_info_and_beyond_is_error(tmp_path):
    for text, severity in (("85.31", "info"), ("86.30", "error")):
        basic = [r[:] for r in M.BASIC]
        basic[3][5] = text  # 302 商品和服务支出 vs 30201 + 30211 + 30228 = 85.30
        found = _findings(_report(tmp_path, _base_items(replace={5: basic}), f"{text}.docx"))
        codes = [f for f in found if f.rule == "cells.codes"]
        assert [f.severity for f in codes] == [severity], found
        economic = [f for f in found if f.rule == "cells.economic"]
        assert [f.severity for f in economic] == [severity]  # 公用经费合计 = 302 + 310


def test_column_sums_fire_on_a_row_that_does_not_add_up(tmp_path):
    expenditure = [r[:] for r in M.EXPENDITURE]
    expenditure[5][3] = "781.16"  # 201 基本支出 +1: 本年支出合计 1019.60 ≠ 781.16 + 239.44
    found = _findings(_report(tmp_path, _base_items(replace={2: expenditure})))
    columns = [f for f in found if f.rule == "cells.columns"]
    assert len(columns) == 1 and columns[0].severity == "error"
    assert "本年支出合计" in columns[0].message and columns[0].expected == 1020.60
