"""基础数据表 year columns against the text (etl/checks/table_rules.py): the columns and the
text's breakdowns are read from every format, report 001's two contradictions are flagged
with their numbers and quotes, and consistent reports (the references, the consistent pair,
a hand-written consistent 基础数据表) raise nothing while one-number edits raise one each."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.checks.load import load_reports
from etl.checks.model import ReportData
from etl.checks.table_rules import RULES
from etl.extract import extract_report
from etl.extract.basetable import YearColumns
from etl.extract.mentions import read_mentions
from etl.extract.tables import TableReader
from etl.extract.textnorm import normalise
from etl.model import Block
from etl.readers import read_document
from etl.statements import BaseTable, Breakdown
from tests.conftest import REPO, SAMPLES, run_cli

FORMATS = ("txt", "docx", "pdf")
STEM_001 = "001_b0dd71e4c835dab5"
CONSISTENT = REPO / "tests" / "fixtures" / "consistent"
TABLE_RULES = ("table.years", "table.public_lines")

# A consistent 绩效自评 report with a 基础数据表 (cells as in the text exports: one per line
# after a tab, rows apart by a blank line).  Its 2024年预算数 公用经费 lines add up to exactly
# the 商品服务支出 the text states (35 + 16 + 3 + 6 = 60); 三公经费's own lines (4 + 0 + 2)
# are inside its 6 and must not be counted again.
BASE_REPORT = """中共青石县委办公室2024年度部门整体支出绩效自评报告
（合成数据，非真实报告：为测试基础数据表核查而编写，所有数字相互一致）
一、部门（单位）基本情况
（一）部门（单位）年度整体支出绩效目标。2024年部门整体支出绩效目标的金额为500.00万元，其中，基本支出绩效目标金额400.00万元，项目支出绩效目标金额100.00万元。
（二）上年支出情况。2023年部门整体支出决算为450.00万元，其中，基本支出决算360.00万元，项目支出决算90.00万元。
（三）预算安排情况。2024年本部门基本支出预算数400.00万元，其中：工资福利支出340.00万元；商品服务支出60.00万元。
2024年本部门项目支出预算100.00万元，其中商品服务支出100.00万元。
2024年度部门整体支出绩效评价基础数据表
\t经费控制情况（万元）
\t2023年决算数
\t2024年预算数
\t2024年决算数

\t一、部门基本支出
\t360.00
\t400.00
\t395.00

\t其中：公用经费
\t
\t
\t

\t其中：办公费
\t30.00
\t35.00
\t34.00

\t水费、电费、差旅费
\t15.00
\t16.00
\t15.50

\t会议费、培训费
\t3.00
\t3.00
\t2.50

\t三公经费
\t6.00
\t6.00
\t5.00

\t1.公务用车购置和维护经费
\t4.00
\t4.00
\t3.00

\t其中：公务车购置
\t
\t
\t

\t公务车运行维护
\t4.00
\t4.00
\t3.00

\t2.出国经费
\t0
\t0
\t0

\t3.公务接待
\t2.00
\t2.00
\t2.00

\t二、项目支出小计
\t90.00
\t100.00
\t105.00

\t1、重点工作经费
\t90.00
\t100.00
\t105.00


二、评价结论
经自评，2024年度中共青石县委办公室整体支出绩效目标基本实现。
"""

PUBLIC_ROW = "\t其中：公用经费\n\t\n\t\n\t\n"  # the row itself states no amount
# (old words, new words, rule, stated, expected): one number changed, one finding.
EDITS = (
    # the 2023 basic column holds the text's whole 2023 amount (360 + 90)
    ("\t一、部门基本支出\n\t360.00", "\t一、部门基本支出\n\t450.00", "table.years", 450.0, 360.0),
    # the 2024 budget column's basic differs from the text's 2024 basic budget
    ("\t400.00\n\t395.00", "\t410.00\n\t395.00", "table.years", 410.0, 400.0),
    # the text's 2023 project amount differs from the table's 2023 column
    ("项目支出决算90.00万元", "项目支出决算95.00万元", "table.years", 90.0, 95.0),
    # 办公费 budget 45: the 2024 budget lines (70) exceed the stated 商品服务支出 60
    ("\t30.00\n\t35.00", "\t30.00\n\t45.00", "table.public_lines", 70.0, 60.0),
    # a stated 公用经费 budget of 58 is less than its own lines (60)
    (PUBLIC_ROW, "\t其中：公用经费\n\t\n\t58.00\n\t\n", "table.public_lines", 60.0, 58.0),
    # a stated 公用经费 budget of 65 is more than the 商品服务支出 (60)
    (PUBLIC_ROW, "\t其中：公用经费\n\t\n\t65.00\n\t\n", "table.public_lines", 65.0, 60.0),
)


def _build(paths: list[Path], db: Path) -> list[ReportData]:
    """Given report files or folders and a warehouse path, build it and return its reports."""
    run = run_cli("build", "--db", str(db), "--force", *map(str, paths))
    assert run.code == 0, run.out
    con = duckdb.connect(str(db), read_only=True)
    try:
        return load_reports(con)
    finally:
        con.close()


def _findings(reports: list[ReportData]) -> dict[str, list]:
    """Given reports, return the table rules' findings per source file."""
    return {r.source_file: [f for rule in RULES for f in rule(r, {})] for r in reports}


@pytest.fixture(scope="module")
def by_format(tmp_path_factory) -> dict[str, list[ReportData]]:
    """Given the bundled samples, return each format's reports built into its own warehouse."""
    out = {}
    for fmt in FORMATS:
        db = tmp_path_factory.mktemp(f"basetable_{fmt}") / "w.duckdb"
        out[fmt] = _build([SAMPLES / fmt], db)
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_base_table_columns_and_text_breakdowns_are_read(fmt):
    report = extract_report(read_document(SAMPLES / fmt / f"{STEM_001}.{fmt}"))
    table = {
        (m.row, m.year, m.stage): (m.value, m.lines)
        for m in report.mentions
        if isinstance(m, BaseTable)
    }
    assert table[("basic", 2022, "决算")] == (684.91, None)
    assert table[("basic", 2023, "预算")] == (444.04, None)
    assert table[("project", 2022, "决算")] == (229.56, None)
    # 办公费 + 水费、电费、差旅费 + 三公经费; 3.公务接待 is inside 三公经费, not a fourth line
    assert table[("public_lines", 2023, "预算")] == (pytest.approx(109.63), 3.0)
    assert table[("public_lines", 2022, "决算")] == (pytest.approx(115.06), 3.0)
    said = {
        (m.subject, m.year, m.stage): m.amount for m in report.mentions if isinstance(m, Breakdown)
    }
    assert said[("whole", 2022, "目标")] == 684.91
    assert said[("whole.basic", 2022, "目标")] == 455.35
    assert said[("whole.project", 2022, "目标")] == 229.56
    assert said[("basic.goods", 2023, "预算")] == 67.8
    assert said[("basic.wages", 2023, "预算")] == 376.24
    for m in report.mentions:
        if isinstance(m, BaseTable | Breakdown):
            assert m.quote and m.loc
            assert fmt != "pdf" or m.page is not None


@pytest.mark.parametrize("fmt", FORMATS)
def test_001_basic_column_holding_the_whole_amount_is_an_error(by_format, fmt):
    found = _findings(by_format[fmt])[f"{STEM_001}.{fmt}"]
    hits = [f for f in found if f.rule == "table.years"]
    assert len(hits) == 1, [f.message for f in found]
    hit = hits[0]
    assert hit.severity == "error" and (hit.stated, hit.expected) == (684.91, 455.35)
    for words in ("一、部门基本支出", "2022年决算数", "684.91", "整体支出", "455.35", "229.56"):
        assert words in hit.message
    quotes = [q.quote for q in hit.evidence]
    assert "一、部门基本支出（2022年决算数）684.91" in quotes
    assert any(q.startswith("2022年部门整体支出绩效目标的金额为684.91万元") for q in quotes)
    assert all(q.source_file == f"{STEM_001}.{fmt}" and q.loc for q in hit.evidence)


@pytest.mark.parametrize("fmt", FORMATS)
def test_001_public_lines_above_the_goods_budget_are_an_error(by_format, fmt):
    found = _findings(by_format[fmt])[f"{STEM_001}.{fmt}"]
    hits = [f for f in found if f.rule == "table.public_lines"]
    assert len(hits) == 1, [f.message for f in found]
    hit = hits[0]
    assert hit.severity == "error"
    assert hit.stated == pytest.approx(109.63) and hit.expected == 67.8
    for words in ("2023年预算数", "109.63", "72.3", "30.83", "6.5", "商品服务支出 67.80", "办公费"):
        assert words in hit.message
    quotes = [q.quote for q in hit.evidence]
    assert any("商品服务支出67.8万元" in q for q in quotes)
    assert any(q.startswith("其中：公用经费（2023年预算数）") for q in quotes)


@pytest.mark.parametrize("fmt", FORMATS)
def test_other_reference_reports_raise_nothing(by_format, fmt):
    found = _findings(by_format[fmt])
    assert len(found) == 5
    assert {k: v for k, v in found.items() if v and not k.startswith("001_")} == {}


def test_consistent_pair_raises_nothing(tmp_path):
    found = _findings(_build([CONSISTENT], tmp_path / "c.duckdb"))
    assert len(found) >= 2 and all(v == [] for v in found.values()), found


def _base_reports(tmp_path: Path, text: str) -> list[ReportData]:
    """Given a folder to use and a report text, build it alone and return its report."""
    folder = tmp_path / "in"
    folder.mkdir(parents=True)
    (folder / "qingshi_base_2024.txt").write_text(text, encoding="utf-8")
    reports = _build([folder], tmp_path / "b.duckdb")
    assert [r.source_file for r in reports] == ["qingshi_base_2024.txt"]
    return reports


def _base_report(tmp_path: Path, text: str) -> list:
    """Given a folder to use and a report text, build it alone and return the table findings."""
    return _findings(_base_reports(tmp_path, text))["qingshi_base_2024.txt"]


def test_a_stated_public_amount_equal_to_its_lines_raises_nothing(tmp_path):
    stated = "\t其中：公用经费\n\t54.00\n\t60.00\n\t57.00\n"
    assert _base_report(tmp_path, BASE_REPORT.replace(PUBLIC_ROW, stated)) == []


def test_hand_written_consistent_base_table_raises_nothing(tmp_path):
    (report,) = _base_reports(tmp_path, BASE_REPORT)
    assert _findings([report]) == {"qingshi_base_2024.txt": []}
    con = duckdb.connect(str(tmp_path / "b.duckdb"), read_only=True)
    try:  # nor does any other rule of the build
        alarms = con.execute(
            "SELECT rule, message FROM findings WHERE severity IN ('error', 'warning')"
        ).fetchall()
    finally:
        con.close()
    assert alarms == []
    lines = {
        (m.year, m.stage): (m.value, m.lines)
        for m in report.mentions
        if isinstance(m, BaseTable) and m.row == "public_lines"
    }
    # four lines each (会议费、培训费 included), 三公经费's own lines not counted again
    assert lines == {
        (2023, "决算"): (pytest.approx(54.0), 4.0),
        (2024, "预算"): (pytest.approx(60.0), 4.0),
        (2024, "决算"): (pytest.approx(57.0), 4.0),
    }


@pytest.mark.parametrize(("old", "new", "rule", "stated", "expected"), EDITS)
def test_one_number_edit_raises_one_finding(tmp_path, old, new, rule, stated, expected):
    assert BASE_REPORT.count(old) == 1, old
    found = _base_report(tmp_path, BASE_REPORT.replace(old, new))
    assert [(f.rule, f.severity) for f in found] == [(rule, "error")], [f.message for f in found]
    assert (found[0].stated, found[0].expected) == (pytest.approx(stated), pytest.approx(expected))
    assert len(found[0].evidence) >= 2 and all(q.quote and q.loc for q in found[0].evidence)


def test_basic_less_wages_bounds_the_lines_when_goods_are_not_stated(tmp_path):
    text = BASE_REPORT.replace("；商品服务支出60.00万元。", "。")
    assert text != BASE_REPORT
    assert _base_report(tmp_path / "a", text) == []  # 400 − 340 leaves exactly the lines' 60
    edited = text.replace("\t30.00\n\t35.00", "\t30.00\n\t45.00")
    found = _base_report(tmp_path / "b", edited)
    assert [(f.rule, f.severity, f.stated, f.expected) for f in found] == [
        ("table.public_lines", "error", pytest.approx(70.0), pytest.approx(60.0))
    ]
    assert "工资福利支出" in found[0].message and "60.00" in found[0].message


# Unit level: the 公用经费 block of a 基础数据表 and the text's breakdowns, read alone.
YEAR_HEADER = ("经费控制情况（万元）", "2023年决算数", "2024年预算数", "2024年决算数")
BASIC_ROW = ("一、部门基本支出", "360.00", "400.00", "395.00")
PROJECT_ROW = ("二、项目支出小计", "90.00", "100.00", "105.00")
LINES = (  # the 公用经费 lines of the 2024 budget column add up to 60 (35 + 16 + 3 + 6)
    ("其中：办公费", "30.00", "35.00", "34.00"),
    ("水费、电费、差旅费", "15.00", "16.00", "15.50"),
    ("会议费、培训费", "3.00", "3.00", "2.50"),
    ("三公经费", "6.00", "6.00", "5.00"),
    ("1.公务用车购置和维护经费", "4.00", "4.00", "3.00"),
)
BUDGET = "2024年预算数"


def _table_mentions(*rows: tuple[str, ...]) -> dict[tuple[str, str], tuple]:
    """Given 基础数据表 rows under the year header, return {(subject, column): (value, base)}."""
    reader = TableReader(2024)
    table = Block("table", "", rows=(YEAR_HEADER, *rows))
    reader.read(table, "2024年度部门整体支出绩效评价基础数据表", 1)
    return {
        (m.row, m.column): (m.value, m.lines)
        for m in reader.out.mentions
        if isinstance(m, BaseTable) and m.row in ("public", "public_lines")
    }


@pytest.mark.parametrize("public", ["（一）公用经费", "(一)公用经费"])
def test_a_paren_numbered_sibling_ends_the_public_block(public):
    stated = (public, "54.00", "60.00", "57.00")
    personnel = (public.replace("一", "二").replace("公用", "人员"), "306.00", "340.00", "338.00")
    found = _table_mentions(BASIC_ROW, stated, *LINES, personnel, PROJECT_ROW)
    assert found[("public", BUDGET)] == (60.0, None)
    assert found[("public_lines", BUDGET)] == (pytest.approx(60.0), 4.0)  # not + 340


def test_a_sibling_after_a_stated_public_row_is_not_its_line():
    found = _table_mentions(
        BASIC_ROW,
        ("其中：人员经费", "300.00", "330.00", "326.00"),
        ("公用经费", "50.00", "60.00", "59.00"),
        ("债务利息及费用支出", "10.00", "10.00", "10.00"),  # neither 其中 nor numbered below
        PROJECT_ROW,
    )
    assert found[("public", BUDGET)] == (60.0, None)
    assert not any(subject == "public_lines" for subject, _ in found)


@pytest.mark.parametrize(
    "sibling", ["对个人和家庭的补助", "3.对个人和家庭补助", "资本性支出", "其他", "人员经费支出"]
)
def test_a_sibling_row_ends_the_public_block(sibling):
    public = ("其中：公用经费", "", "", "")
    found = _table_mentions(BASIC_ROW, public, *LINES, (sibling, "80.00", "80.00", "80.00"))
    assert found[("public_lines", BUDGET)] == (pytest.approx(60.0), 4.0)


def test_lines_numbered_below_a_numbered_public_row_are_read():
    found = _table_mentions(
        BASIC_ROW,
        ("（一）公用经费", "", "", ""),
        ("1.办公费", "30.00", "35.00", "34.00"),
        ("2.水费、电费", "20.00", "25.00", "24.00"),
        ("（二）人员经费", "306.00", "340.00", "338.00"),
    )
    assert found[("public_lines", BUDGET)] == (pytest.approx(60.0), 2.0)


def test_each_reader_has_its_own_public_block():
    assert "public_block" not in vars(YearColumns)
    reader = TableReader(2024)
    reader.read(Block("table", "", rows=(YEAR_HEADER, ("其中：公用经费", "", "", ""))), "", 0)
    assert reader.year_columns.public_block is not None
    assert TableReader(2024).year_columns.public_block is None


def _breakdowns(sentence: str) -> dict[str, float]:
    """Given one sentence, return its breakdown mentions as {subject: value}."""
    nt = normalise(sentence)
    found = read_mentions(nt, 0, len(nt.text), Block("p", sentence), "")
    return {m.subject: m.amount for m in found if isinstance(m, Breakdown)}


@pytest.mark.parametrize(
    "sentence",
    [
        # a part of a part: 306 is 基本支出's 人员经费, not the whole 基本支出
        "2023年部门整体支出决算为450.00万元，其中：基本支出中人员经费306.00万元，"
        "公用经费54.00万元，项目支出决算90.00万元。",
        # split by source of funds: 340 is the 财政拨款 part of 基本支出 only
        "2023年部门整体支出决算为450.00万元，其中，财政拨款基本支出340.00万元，"
        "其他资金基本支出20.00万元，项目支出决算90.00万元。",
    ],
)
def test_a_nested_or_funded_part_is_not_read(sentence):
    assert _breakdowns(sentence) == {}


def test_parts_before_a_nested_part_are_kept():
    said = _breakdowns(
        "2023年部门整体支出决算为450.00万元，其中：项目支出决算90.00万元，"
        "基本支出中人员经费306.00万元，公用经费54.00万元。"
    )
    assert said == {"whole": 450.0, "whole.project": 90.0}


def test_a_part_in_its_totals_own_source_of_funds_is_read():
    said = _breakdowns(
        "2023年本部门一般公共预算拨款支出预算660.44万元，其中，一般公共预算基本支出444.04万元，"
        "占72.8%；项目支出216.4万元，占27.2%。"
    )
    assert said == {"whole": 660.44, "whole.basic": 444.04, "whole.project": 216.4}
