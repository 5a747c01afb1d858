"""The nine standard 附表 (schedules) as real tables in PDF, DOCX and XLSX: every value lands
on its metric key, 功能分类 rows give classes and items with their 科目编码, an empty
table is noted, and a header or unit that is not understood stores nothing.

The fixtures are written by tests/fixtures/schedules/make_schedules.py; truth.json holds
the values the tables state."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from pathlib import Path

import pytest

from etl.extract import extract_report
from etl.extract.schedules import find_schedule, header_paths
from etl.extract.tables import TableReader
from etl.extract.textnorm import normalise
from etl.model import Block, InputError, ParsedDocument
from etl.readers import read_document, table_block

HERE = Path(__file__).resolve().parent / "fixtures" / "schedules"
TRUTH = json.loads((HERE / "truth.json").read_text(encoding="utf-8"))
FORMATS = ("pdf", "docx", "xlsx")
TOLERANCE = 0.005


@pytest.fixture(scope="module")
def docs():
    return {fmt: read_document(HERE / f"schedules.{fmt}") for fmt in FORMATS}


def _tables(doc: ParsedDocument) -> TableReader:
    """Given a parsed document, return the TableReader after reading it as the extractor does."""
    reader = TableReader(TRUTH["fiscal_year"])
    title, gap = "", 0
    for block in doc.blocks:
        if block.kind == "table":
            reader.read(block, title, gap)
            gap = 0
            continue
        title = normalise(block.text).text
        reader.paragraph(title)
        gap += 1
    return reader


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_table_value_lands_on_its_key(docs, fmt):
    report = extract_report(docs[fmt])
    assert report.unit_name == TRUTH["unit_name"] and report.fiscal_year == 2024
    assert report.is_synthetic
    got = {f.metric: f for f in report.facts}
    truth = TRUTH["metrics"]
    missing = sorted(set(truth) - set(got))
    wrong = {k: (got[k].value, v) for k, v in truth.items() if k in got and got[k].value != v}
    extra = sorted(set(got) - set(truth))
    assert not missing, f"missing: {missing}"
    assert not wrong, f"wrong (got, truth): {wrong}"
    assert not extra, f"not stated by the tables: {extra}"
    assert all(got[k].origin == "schedule" for k in truth)
    # the narrative agrees with the tables: the only note is the empty table's 说明
    assert len(report.notes) == 1 and "本表无数据" in report.notes[0], report.notes


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_value_keeps_its_source(docs, fmt):
    report = extract_report(docs[fmt])
    for fact in report.facts:
        if fact.origin != "schedule":
            continue
        assert fact.quote.split("：", 1)[0].endswith("表"), fact.quote
        assert fact.loc
        if fmt == "pdf":
            assert fact.page is not None
    quotes = {f.metric: f.quote for f in report.facts}
    assert quotes["sangong.total"].startswith("财政拨款“三公”经费支出决算表")
    assert "157100.00" in quotes["sangong.total"] and "原表单位：元" in quotes["sangong.total"]
    assert "1250.14" in quotes["total.income_expenditure"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_function_classes_and_items_with_codes(docs, fmt):
    out = _tables(docs[fmt]).out
    classes = [
        {"code": getattr(c, "code", None), "name": c.class_name, "amount": c.amount}
        for c in out.function_classes
    ]
    items = [
        {
            "code": getattr(i, "code", None),
            "class": i.class_name,
            "kuan": i.kuan,
            "xiang": i.xiang,
            "amount": i.amount,
        }
        for i in out.function_items
    ]
    strip = [{k: v for k, v in c.items() if k != "code"} for c in TRUTH["function_classes"]]
    strip_items = [{k: v for k, v in i.items() if k != "code"} for i in TRUTH["function_items"]]
    assert [{k: v for k, v in c.items() if k != "code"} for c in classes] == strip
    assert [{k: v for k, v in i.items() if k != "code"} for i in items] == strip_items
    assert [i.seq for i in out.function_items] == list(range(1, len(items) + 1))
    # the quote names the table and gives the 科目编码 row as printed
    assert all(i.quote.startswith("一般公共预算财政拨款支出决算表：") for i in out.function_items)
    codes = [i["code"] for i in TRUTH["function_items"]]
    assert [i.quote.split("：", 1)[1].split("｜")[0] for i in out.function_items] == codes


def test_pdf_table_split_over_two_pages_is_read_whole(docs):
    import pdfplumber

    doc = docs["pdf"]
    block = next(b for b in doc.blocks if b.kind == "table" and "小计" in b.text)
    with pdfplumber.open(HERE / "schedules.pdf") as pdf:
        next_page = pdf.pages[block.page].extract_text()  # block.page is 1-based
    assert "住房公积金" in next_page and "住房公积金" in block.text
    items = _tables(doc).out.function_items
    assert items[-1].xiang == "住房公积金" and items[-1].amount == 40.0
    # the header repeated on the second page is not read as a row, and not noted
    assert not any("一般公共预算财政拨款支出决算表" in n for n in _tables(doc).out.notes)


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_table_is_noted_and_stores_nothing(docs, fmt):
    reader = _tables(docs[fmt])
    (empty,) = TRUTH["empty_tables"]
    notes = [n for n in reader.out.notes if empty in n]
    assert len(notes) == 1 and "本表无数据" in notes[0] and "未入库" in notes[0]
    assert reader.out.notes == notes  # nothing else was left out
    assert not any(empty in f.quote for f in reader.out.facts)
    assert reader.schedules.out.seen == [
        "total",
        "income",
        "expenditure",
        "fiscal_total",
        "gpb",
        "gpb_basic",
        "sangong",
        "gov_fund",
        "state_capital",
    ]


def test_narrative_that_disagrees_keeps_the_table_value_and_a_note():
    report = extract_report(read_document(HERE / "schedules_conflict.docx"))
    fact = next(f for f in report.facts if f.metric == "income.total")
    assert fact.value == TRUTH["metrics"]["income.total"] and fact.origin == "schedule"
    conflict = [n for n in report.notes if n.startswith("income.total")]
    assert len(conflict) == 1 and "1240" in conflict[0] and "1237.82" in conflict[0]


def test_generator_truth_is_checked_in():
    spec = importlib.util.spec_from_file_location("make_schedules", HERE / "make_schedules.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.truth() == TRUTH


# ---------------------------------------------------------------- header and unit rules


def _doc(*items) -> ParsedDocument:
    """Given paragraph strings and row lists, return a parsed document of them in order."""
    blocks, n_p, n_t = [], 0, 0
    for item in items:
        if isinstance(item, str):
            n_p += 1
            blocks.append(Block(kind="p", text=item, index=n_p))
        else:
            n_t += 1
            blocks.append(table_block(item, n_t))
    return ParsedDocument("t.docx", "docx", blocks)


EXPENDITURE_ROWS = [
    [
        "项目",
        "本年支出合计",
        "基本支出",
        "项目支出",
        "上缴上级支出",
        "经营支出",
        "对附属单位补助支出",
    ],
    ["科目编码", "科目名称", "", "", "", "", "", ""],
    ["合计", "1000.00", "600.00", "400.00", "0.00", "0.00", "0.00"],
]


def test_unit_in_a_paragraph_before_the_table_and_yuan_converted():
    rows = [r[:] for r in EXPENDITURE_ROWS]
    rows[2] = ["合计", "10000000.00", "6000000.00", "4000000.00", "0.00", "0.00", "0.00"]
    reader = _tables(_doc("三、支出决算表", "金额单位：元", rows))
    got = {f.metric: f.value for f in reader.out.facts}
    assert got["expenditure.total"] == 1000.0 and got["expenditure.basic"] == 600.0
    assert got["expenditure.project"] == 400.0 and reader.out.notes == []


def test_no_stated_unit_stores_nothing():
    reader = _tables(_doc("三、支出决算表", EXPENDITURE_ROWS))
    assert reader.out.facts == []
    assert reader.out.notes == ["《支出决算表》未注明金额单位（万元或元），表中数值未入库"]


def test_header_not_understood_stores_nothing():
    rows = [["金额单位：万元"], ["项目", "甲", "乙"], ["说明", "丙", "丁", "戊"], ["合计", "1.00"]]
    reader = _tables(_doc("一般公共预算财政拨款支出决算表", rows))
    assert reader.out.facts == [] and reader.out.function_items == []
    assert any("表头无法识别" in n for n in reader.out.notes)


def test_other_schedules_are_not_mistaken_for_standard_ones():
    assert find_schedule(["九、一般公共预算财政拨款项目支出决算表"])[0] is None
    assert find_schedule(["一般公共预算财政拨款支出决算明细表"])[0] is None
    assert find_schedule(["附表3 支出决算表"])[0].key == "expenditure"
    assert find_schedule(["2024年度财政拨款收入支出决算总表"])[0].key == "fiscal_total"
    assert find_schedule(["表7:一般公共预算财政拨款“三公”经费支出决算表"])[0].key == "sangong"
    rows = [["金额单位：万元"]] + EXPENDITURE_ROWS
    reader = _tables(_doc("一般公共预算财政拨款项目支出决算表", rows))
    assert reader.out.facts == [] and reader.schedules.out.seen == []


def test_multi_row_header_paths():
    rows = [
        ["项目", "年初结转和结余", "本年收入", "本年支出", "年末结转和结余"],
        ["科目编码", "科目名称", "", "", "小计", "基本支出", "项目支出", ""],
    ]
    assert header_paths(rows, 8) == [
        ["项目", "科目编码"],
        ["项目", "科目名称"],
        ["年初结转和结余"],
        ["本年收入"],
        ["本年支出", "小计"],
        ["本年支出", "基本支出"],
        ["本年支出", "项目支出"],
        ["年末结转和结余"],
    ]
    assert header_paths([["甲", "乙", "丙"], ["子", "丑"]], 3) is None


# ---------------------------------------------------------------- xlsx reader


def test_xlsx_sheets_give_title_paragraphs_and_tables_with_merged_cells_once(docs):
    doc = docs["xlsx"]
    assert doc.fmt == "xlsx" and doc.pages is None
    texts = [b.text for b in doc.blocks if b.kind == "p"]
    assert texts[0].endswith("2024年度部门决算附表") and "收入支出决算总表" in texts
    assert texts[-1].startswith("注：本单位2024年度没有国有资本经营预算财政拨款支出")
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 9
    sangong = tables[6].rows
    assert sangong[1] == ("预算数", "决算数")  # each merged over six columns, given once
    assert sangong[3][:3] == ("", "", "小计")  # covered from above: blank
    assert sangong[4][0] == "200000.00"  # the cell's number format (#,##0.00) without separators


def test_xlsx_bad_inputs(tmp_path):
    not_zip = tmp_path / "a.xlsx"
    not_zip.write_bytes(b"hello, not a workbook")
    with pytest.raises(InputError, match="不是有效的 zip 包"):
        read_document(not_zip)
    ole = tmp_path / "b.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(InputError, match="已加密"):
        read_document(ole)
    wrong_zip = tmp_path / "c.xlsx"
    with zipfile.ZipFile(wrong_zip, "w") as z:
        z.writestr("hello.txt", "no workbook here")
    with pytest.raises(InputError, match="XLSX 文件已损坏"):
        read_document(wrong_zip)


GPB_HEAD = [["项目", "本年支出"], ["科目编码", "科目名称", "小计", "基本支出", "项目支出"]]


def test_table_continued_in_a_second_table_and_unrelated_table_after_it():
    first = (
        [["金额单位：万元"]]
        + GPB_HEAD
        + [
            ["合计", "300.00", "200.00", "100.00"],
            ["201", "一般公共服务支出", "300.00", "200.00", "100.00"],
            ["20103", "政府办公厅（室）及相关机构事务", "300.00", "200.00", "100.00"],
            ["2010301", "行政运行", "200.00", "200.00", ""],
        ]
    )
    second = GPB_HEAD + [["2010302", "一般行政管理事务", "100.00", "", "100.00"]]
    unrelated = [
        ["一级指标", "二级指标", "三级指标", "指标值", "完成值"],
        ["a", "b", "c", "d", "e"],
    ]
    reader = _tables(_doc("一般公共预算财政拨款支出决算表", first, second, unrelated))
    assert [(f.metric, f.value) for f in reader.out.facts] == [("gpb.total", 300.0)]
    items = [(i.kuan, i.xiang, i.amount) for i in reader.out.function_items]
    assert items == [
        ("政府办公厅（室）及相关机构事务", "行政运行", 200.0),
        ("政府办公厅（室）及相关机构事务", "一般行政管理事务", 100.0),
    ]
    assert reader.schedules.out.seen == ["gpb"] and reader.out.notes == []
    assert len(reader.out.indicators) == 1  # the unrelated table is read as before


def test_unlabelled_column_number_row_is_not_a_value_row():
    head = [
        ["金额单位：万元"],
        ["预算数", "决算数"],
        ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务接待费"] * 2,
        ["", "", "小计", "公务用车购置费", "公务用车运行维护费", ""] * 2,
        [str(n) for n in range(1, 13)],
        ["9.00", "0.00", "6.00", "0.00", "6.00", "3.00", "8.50", "0.00", "5.50", "0.00"]
        + ["5.50", "3.00"],
    ]
    reader = _tables(_doc("财政拨款“三公”经费支出决算表", head))
    got = {f.metric: f.value for f in reader.out.facts}
    assert got["sangong.budget"] == 9.0 and got["sangong.total"] == 8.5
    assert got["sangong.vehicle.operation"] == 5.5 and got["sangong.reception.budget"] == 3.0
    assert len(got) == 12 and reader.out.notes == []


def test_title_and_unit_rows_inside_the_table_and_totals_that_disagree():
    rows = [
        ["收入支出决算总表"],
        ["公开01表"],
        ["部门：某单位", "金额单位：万元"],
        ["项目", "行次", "金额", "项目", "行次", "金额"],
        ["一、一般公共预算财政拨款收入", "1", "90.00", "一、一般公共服务支出", "32", "95.00"],
        ["六、经营收入", "6", "", "", "38", "7.00"],  # blank amount: nothing, not 38 or 7
        ["本年收入合计", "9", "90.00", "本年支出合计", "37", "95.00"],
        ["年初结转和结余", "11", "10.00", "年末结转和结余", "39", "5.00"],
        ["总计", "12", "100.00", "总计", "40", "100.50"],
    ]
    reader = _tables(_doc("第五部分 附表", rows))
    got = {f.metric: f.value for f in reader.out.facts}
    assert got == {"income.general_budget": 90.0, "income.total": 90.0, "expenditure.total": 95.0}
    assert reader.out.notes == [
        "《收入支出决算总表》total.income_expenditure 两处数值不一致（100 与 100.5），均未入库"
    ]
