"""绩效自评 in the Ministry of Finance's forms: 项目支出绩效自评表 and 部门（单位）整体支出绩效
自评表, as grids (header row + data rows, merged cells) and as label–value pairs, written as DOCX
and PDF in the test; and the 预算绩效管理 statements of a 决算."""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from etl.extract import extract_report
from etl.extract.formpairs import pairs_of
from etl.extract.performance import read_sentence
from etl.extract.textnorm import normalise
from etl.model import UNIT_TABLE
from etl.readers import read_document
from etl.statements import FundsScore

# The grid helpers (merge markers "<" and "^") of the schedule fixtures' generator.
_SCHEDULES = Path(__file__).resolve().parent / "fixtures" / "schedules" / "make_schedules.py"
_spec = importlib.util.spec_from_file_location("make_schedules", _SCHEDULES)
_M = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_M)
merges, text_of = _M.merges, _M.text_of

UNIT = "中共青石县委办公室"
YEAR = 2024
TOL = 0.005


@dataclass
class Form:
    """One self-evaluation form's truth: its funds, indicators and total score."""

    name: str
    initial: float
    adjusted: float
    executed: float
    rate: float
    funds_weight: float
    funds_score: float
    indicators: list[tuple[str, str, str, str, str, float, float, str]]
    total: float


UNIT_FORM = Form(
    UNIT, 1500.25, 1620.5, 1598.75, 98.66, 10, 9.87,
    [
        ("产出指标", "数量指标", "办文数量", "≥3000件", "3260件", 20, 20, "无"),
        ("产出指标", "质量指标", "文件差错率", "≤1%", "1.2%", 20, 17.5,
         "个别文件校核不严，下一步严格执行三审制度"),
        ("效益指标", "社会效益指标", "服务保障水平", "有效提升", "有效提升", 30, 28.38, ""),
        ("满意度指标", "服务对象满意度指标", "干部群众满意度", "≥90%", "95.5%", 10, 9.5,
         "满意度调查样本偏少"),
    ],
    93.25,
)  # fmt: skip
PROJECT_FORMS = [
    Form(
        "县委办运转工作经费", 216.4, 366.78, 360.12, 98.18, 10, 9.82,
        [
            ("产出指标", "数量指标", "保障会议次数", "≥50次", "62次", 20, 20, ""),
            ("产出指标", "时效指标", "资金支付及时率", "100%", "98.5%", 20, 19.7,
             "年末集中支付，个别款项跨年"),
            ("效益指标", "社会效益指标", "机关运转保障水平", "有效保障", "有效保障", 30, 30, "无"),
            ("满意度指标", "服务对象满意度指标", "干部职工满意度", "≥90%", "96%", 10, 9.98, ""),
        ],
        89.5,
    ),
    Form(
        "信创电脑替代项目", 0, 186.4, 186.4, 100, 10, 10,
        [
            ("产出指标", "数量指标", "替代终端数量", "120台", "120台", 30, 30, ""),
            ("成本指标", "经济成本指标", "单台采购成本", "≤1.6万元", "1.55万元", 20, 20, ""),
            ("效益指标", "可持续影响指标", "国产化率", "100%", "96.5%", 30, 25.5,
             "部分专用软件尚未适配，已列入下年计划"),
        ],
        95.5,
    ),
]  # fmt: skip
# Column labels of the funds part: the Ministry's, and their synonyms as other reports write them.
MINISTRY = ("年初预算数", "全年预算数", "全年执行数")
SYNONYMS = ("年初预算", "调整后预算", "实际支出")
WIDTH = 9


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def _num(x: float) -> str:
    return f"{x:g}"


# ------------------------------------------------------------------ the two layouts


def grid_form(form: Form, unit_wide: bool, labels: tuple[str, str, str]) -> list[list[str]]:
    """Given a form's truth, return it as the Ministry's grid ("<" / "^": merged cells)."""
    name = ["部门（单位）名称", form.name] if unit_wide else ["项目名称", form.name]
    rows = [name + ["<"] * (WIDTH - 2)]
    if not unit_wide:
        rows.append(["主管部门", UNIT, "<", "<", "实施单位", UNIT, "<", "<", "<"])
    rows += [
        ["年度预算申请（万元）" if unit_wide else "项目资金（万元）", "", *labels,
         "分值", "执行率", "得分", "<"],
        ["^", "年度资金总额", _fmt(form.initial), _fmt(form.adjusted), _fmt(form.executed),
         _num(form.funds_weight), f"{form.rate:g}%", _num(form.funds_score), "<"],
        ["^", "其中：当年财政拨款", _fmt(form.initial), _fmt(form.adjusted),
         _fmt(form.executed), "—", "—", "—", "<"],
        ["^", "上年结转资金", "", "", "", "—", "—", "—", "<"],
        ["^", "其他资金", "", "", "", "—", "—", "—", "<"],
        ["年度总体目标", "预期目标", "<", "<", "<", "实际完成情况", "<", "<", "<"],
        ["^", "保障各项工作正常开展。", "<", "<", "<", "目标基本完成。", "<", "<", "<"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
         "得分", "偏差原因分析及改进措施"],
    ]  # fmt: skip
    last1 = last2 = None
    for l1, l2, l3, target, actual, weight, score, why in form.indicators:
        rows.append(
            ["^", l1 if l1 != last1 else "^", l2 if (l1, l2) != (last1, last2) else "^",
             l3, target, actual, _num(weight), _num(score), why]
        )  # fmt: skip
        last1, last2 = l1, l2
    rows.append(["总分", "<", "<", "<", "<", "<", "100", _num(form.total), ""])
    return rows


def pairs_form(form: Form, unit_wide: bool, labels: tuple[str, str, str]) -> list[list[str]]:
    """Given a form's truth, return it as label–value pairs, three pairs a row."""
    first = ["部门（单位）名称", form.name] if unit_wide else ["项目名称", form.name]
    rows = [first + ["主管部门", UNIT, f"{labels[0]}（万元）", _fmt(form.initial)]]
    rows += [
        [f"{labels[1]}（万元）", _fmt(form.adjusted), f"{labels[2]}（万元）", _fmt(form.executed),
         "实施单位", UNIT],
        ["执行率", f"{form.rate:g}%", "分值", _num(form.funds_weight), "得分",
         _num(form.funds_score)],
        ["预期目标", "保障各项工作正常开展。", "实际完成情况", "目标基本完成。", "", ""],
    ]  # fmt: skip
    for l1, l2, l3, target, actual, weight, score, why in form.indicators:
        rows.append(["一级指标", l1, "二级指标", l2, "三级指标", l3])
        rows.append(["年度指标值", target, "实际完成值", actual, "分值", _num(weight)])
        rows.append(["得分", f"{_num(score)}分", "偏差原因分析及改进措施", why, "", ""])
    total = "总分" if unit_wide else "自评得分"
    rows.append([total, f"{_num(form.total)}分", "", "", "", ""])
    return rows


def report_tables(layout) -> list[tuple[str, list[list[str]]]]:
    """Given a layout, return the report's forms: (title paragraph, grid), unit-wide first."""
    out = [("部门（单位）整体支出绩效自评表", layout(UNIT_FORM, True, MINISTRY))]
    for i, form in enumerate(PROJECT_FORMS):
        out.append(
            (f"项目支出绩效自评表（{YEAR}年度）", layout(form, False, (MINISTRY, SYNONYMS)[i]))
        )
    return out


PARAGRAPHS = [
    f"{UNIT}{YEAR}年度部门整体支出绩效自评报告（合成数据）",
    "一、部门基本情况",
    f"{UNIT}主要职责是协助县委处理日常工作。",
    "附件：绩效自评表",
]


# ------------------------------------------------------------------ writers


def write_docx(path: Path, tables) -> Path:
    """Given a path and the forms, write a DOCX report with merged cells."""
    import docx

    document = docx.Document()
    for text in PARAGRAPHS:
        document.add_paragraph(text)
    for title, grid in tables:
        document.add_paragraph(title)
        table = document.add_table(rows=len(grid), cols=len(grid[0]))
        table.style = "Table Grid"
        for r, row in enumerate(grid):
            for c, cell in enumerate(row):
                if text_of(cell):
                    table.cell(r, c).text = cell
        for r0, c0, r1, c1 in merges(grid):
            table.cell(r0, c0).merge(table.cell(r1, c1))
    buf = io.BytesIO()
    document.save(buf)
    path.write_bytes(buf.getvalue())
    return path


def write_pdf(path: Path, tables) -> Path:
    """Given a path and the forms, write a PDF report with ruled tables, one form a page."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=11, leading=18)
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10)
    page = landscape(A4)
    doc = SimpleDocTemplate(str(path), pagesize=page, invariant=1, leftMargin=30, rightMargin=30)
    story: list = [Paragraph(t, body) for t in PARAGRAPHS]
    for title, grid in tables:
        story += [PageBreak(), Paragraph(title, body)]
        width = page[0] - 60
        table = Table(
            [[Paragraph(text_of(c), cell) for c in row] for row in grid],
            colWidths=[width / len(grid[0])] * len(grid[0]),
        )
        style = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        style += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in merges(grid)]
        table.setStyle(TableStyle(style))
        story.append(table)
    doc.build(story)
    return path


# ------------------------------------------------------------------ the forms are read


def _indicator_truth() -> list[tuple]:
    out = []
    for form, table in [(UNIT_FORM, UNIT_TABLE)] + [(f, f.name) for f in PROJECT_FORMS]:
        out += [(table, *ind) for ind in form.indicators]
    return out


def _close(a, b) -> bool:
    if isinstance(b, float | int) and not isinstance(b, bool):
        return a is not None and abs(a - b) <= TOL
    return a == b


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("layout", [grid_form, pairs_form], ids=["grid", "pairs"])
def test_every_form_value_is_read_and_none_is_wrong(tmp_path, fmt, layout):
    write = write_docx if fmt == "docx" else write_pdf
    path = write(tmp_path / f"forms.{fmt}", report_tables(layout))
    r = extract_report(read_document(path))
    # the projects, in order, with every funds figure and the total score
    assert [p.name for p in r.projects] == [f.name for f in PROJECT_FORMS]
    for p, f in zip(r.projects, PROJECT_FORMS, strict=True):
        got = (p.initial_budget, p.adjusted_budget, p.executed, p.execution_rate, p.score)
        want = (f.initial, f.adjusted, f.executed, f.rate, f.total)
        assert all(_close(g, w) for g, w in zip(got, want, strict=True)), (p.name, got, want)
    # the unit-wide form becomes facts
    facts = {f.metric: f.value for f in r.facts}
    want_facts = {
        "budget.initial": UNIT_FORM.initial,
        "budget.full_year": UNIT_FORM.adjusted,
        "budget.executed": UNIT_FORM.executed,
        "perf.overall_score": UNIT_FORM.total,
    }
    assert {k: facts.get(k) for k in want_facts} == pytest.approx(want_facts, abs=TOL)
    # every indicator row, with its 偏差原因 (blank stays blank)
    got = [
        (i.table, i.level1, i.level2, i.level3, i.target, i.actual, i.weight, i.score,
         i.deviation)
        for i in r.indicators
    ]  # fmt: skip
    assert got == _indicator_truth()
    # the 预算执行 分值/得分 of each funds row is kept for the checks
    funds = [(m.table, m.weight, m.score) for m in r.mentions if isinstance(m, FundsScore)]
    assert funds == [
        (t, f.funds_weight, f.funds_score)
        for t, f in [(UNIT_TABLE, UNIT_FORM)] + [(f.name, f) for f in PROJECT_FORMS]
    ]


def test_a_total_row_without_a_score_stores_none(tmp_path):
    grid = grid_form(PROJECT_FORMS[0], False, MINISTRY)
    grid[-1] = ["总分", "<", "<", "<", "<", "<", "100", "", ""]  # the 得分 left blank
    r = extract_report(read_document(write_docx(tmp_path / "blank.docx", [("", grid)])))
    assert [p.name for p in r.projects] == [PROJECT_FORMS[0].name]
    assert r.projects[0].score is None
    assert r.projects[0].executed == pytest.approx(PROJECT_FORMS[0].executed)


def test_a_placeholder_in_a_pair_is_not_a_zero(tmp_path):
    grid = pairs_form(PROJECT_FORMS[0], False, MINISTRY)
    grid[0][-1] = "—"  # 年初预算数
    grid[1] = ["全年预算数", "", "全年执行数", "360.12", "", ""]
    r = extract_report(read_document(write_docx(tmp_path / "dash.docx", [("", grid)])))
    p = r.projects[0]
    assert (p.initial_budget, p.adjusted_budget, p.executed) == (None, None, 360.12)


@pytest.mark.parametrize(
    "row, pairs",
    [
        (["项目名称", "A专项", "年初预算数", "100"], [("identity", "A专项"), ("initial", "100")]),
        (["年初预算数(万元)", "100", "全年预算", "120.5"], [("initial", "100"), ("adjusted", "120.5")]),
        (["三级指标", "资金执行率", "年度指标值", "≥95%"], [("level3", "资金执行率"), ("target", "≥95%")]),
        (["年初预算数", "全年预算数", "全年执行数", "分值"], None),  # a grid's header row
        (["一级指标", "二级指标", "三级指标", "指标值"], None),
        (["", "年度资金总额", "100", "120"], None),  # a grid's data row
        (["年初预算数", "待定", "全年预算数", "120"], None),  # a number field without a number
        (["主管部门", "XX局", "实施单位", "XX局"], None),  # names only, no figure
        (["总分", "95.5"], None),  # the total is read as a total row
        (["自评得分", "95.5"], None),
        (["执行率", "98%", "分值", "10", "自评得分", "9.8"],
         [("rate", "98%"), ("weight", "10"), ("score", "9.8")]),
    ],
)  # fmt: skip
def test_label_value_rows(row, pairs):
    assert pairs_of(row) == pairs


# ------------------------------------------------------------------ 预算绩效管理 statements

STATEMENTS = [
    (
        "组织对12个项目开展绩效自评，涉及资金3,456.78万元，平均得分92.5分。",
        {"perf.self_eval_projects": 12, "perf.self_eval_amount": 3456.78,
         "perf.project_avg_score": 92.5},
    ),
    (
        "编报绩效目标的2024年度项目20个，涉及预算金额2345.6万元；绩效跟踪评价的2024年度项目8个，"
        "涉及预算金额800万元；绩效自评的2024年度项目15个，涉及预算金额1234.56万元，平均得分91.3分"
        "（其中，绩效评级为“优”的项目10个；绩效评级为“良”的项目5个）。",
        {"perf.self_eval_projects": 15, "perf.self_eval_amount": 1234.56,
         "perf.project_avg_score": 91.3},
    ),
    (
        "本部门组织对2023年度一般公共预算项目支出全面开展绩效自评，其中，一级项目3个，二级项目"
        "12个，共涉及资金12,345.67万元，占一般公共预算项目支出总额的100%。",
        {"perf.self_eval_amount": 12345.67},
    ),
    ("本单位对 8 个项目进行了自评，项目资金合计 560.5 万元。",
     {"perf.self_eval_projects": 8, "perf.self_eval_amount": 560.5}),
    ("项目绩效自评平均得分为93.6分。", {"perf.project_avg_score": 93.6}),
    # other evaluations, the unit as a whole, report counts: nothing
    ("组织对4个项目开展了预算事前绩效评估，对4个项目编制了绩效目标，选取3个项目开展绩效监控。", {}),
    ("形成县委办单位整体绩效自评报告和2个专项预算项目绩效自评报告。", {}),
    ("对部门整体支出开展绩效自评，涉及资金1500万元。", {}),
    ("组织对12个项目开展绩效自评，对2个项目开展部门评价，涉及资金300万元。",
     {"perf.self_eval_projects": 12}),
]  # fmt: skip


@pytest.mark.parametrize("text, want", STATEMENTS)
def test_performance_statements(text, want):
    nt = normalise(text)
    got = {key[0]: value for key, value, _a, _b in read_sentence(nt.text)}
    assert got == pytest.approx(want)


def test_statements_reach_the_report_with_their_quote(tmp_path):
    path = tmp_path / "final.txt"
    path.write_text(
        f"{UNIT}{YEAR}年度部门决算\n十、预算绩效管理情况\n"
        "根据预算绩效管理要求，组织对 12 个项目开展绩效自评，涉及资金 3,456.78 万元，平均得分 92.5 分。"
        "部门整体支出绩效自评得分 95.5 分。\n",
        encoding="utf-8",
    )
    r = extract_report(read_document(path))
    facts = {f.metric: f for f in r.facts}
    assert facts["perf.self_eval_projects"].value == 12
    assert facts["perf.self_eval_amount"].value == pytest.approx(3456.78)
    assert facts["perf.project_avg_score"].value == pytest.approx(92.5)
    assert facts["perf.overall_score"].value == pytest.approx(95.5)
    assert (
        facts["perf.self_eval_amount"].quote
        == "组织对 12 个项目开展绩效自评，涉及资金 3,456.78 万元"
    )


@pytest.mark.parametrize("layout", [grid_form, pairs_form], ids=["grid", "pairs"])
def test_a_form_split_over_pdf_pages_is_read_whole(tmp_path, layout):
    f = PROJECT_FORMS[1]
    many = [(a, b, f"{c}{k}", *rest) for k in range(8) for a, b, c, *rest in f.indicators]
    form = Form(f.name, f.initial, f.adjusted, f.executed, f.rate, 10, 10, many, 88.75)
    grid = layout(form, False, MINISTRY)
    # the first column is not merged down the indicator rows, so the table can break
    top = next((i for i, row in enumerate(grid) if row[0] == "绩效指标"), len(grid))
    grid = [[("" if c == "^" and j == 0 and i > top else c) for j, c in enumerate(row)]
            for i, row in enumerate(grid)]  # fmt: skip
    r = extract_report(read_document(write_pdf(tmp_path / "long.pdf", [("", grid)])))
    assert r.pages > 2
    assert [(p.name, p.executed, p.score) for p in r.projects] == [(f.name, f.executed, 88.75)]
    got = [
        (i.level1, i.level2, i.level3, i.target, i.actual, i.weight, i.score, i.deviation)
        for i in r.indicators
    ]
    assert got == many
