"""The words of a synthetic 部门决算 report: sections and phrasing in the genre of the
reference reports, with every stated figure recorded (value and exact quote) as it goes.

A report is built as a list of elements (paragraphs and tables) that the PDF and DOCX
renderers lay out; both formats therefore state the same words.  Requested inconsistencies
change what the report states and are recorded with the words that show them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from etl.extract.identity import SYNTHETIC_MARK
from etl.synth.model import VEHICLE_TYPES, VEHICLE_USE_KEYS, VEHICLE_USES, Unit, YearFigures

SYNTHETIC_LINE = f"（{SYNTHETIC_MARK}，非真实报告，仅供测试与演示）"

# Inconsistencies that can be injected (see etl/synth/__init__.py for what each does).
TOTAL_CHANGE_PCT = "total_change_pct"
SANGONG_COMPONENTS = "sangong_components"
SCORE_SUM = "score_sum"
RESTATED_CHANGE = "restated_change"
STALE_YEAR = "stale_year"
PRIOR_YEAR_MISMATCH = "prior_year_mismatch"
BASIC_PARTS = "basic_parts"
SANGONG_OVER_BUDGET = "sangong_over_budget"
INJECTIONS = (
    TOTAL_CHANGE_PCT,
    SANGONG_COMPONENTS,
    SCORE_SUM,
    RESTATED_CHANGE,
    STALE_YEAR,
    PRIOR_YEAR_MISMATCH,
    BASIC_PARTS,
    SANGONG_OVER_BUDGET,
)
# How far an injected figure is off (hundredths of 万元, or points for a score).
INJECTED_OFFSET_RANGE = (37, 2500)
INJECTED_SCORE_OFFSETS = (-9.0, -6.5, -4.0, 3.0)


@dataclass
class Para:
    """One paragraph: its text and how it is set (title, heading, body, note)."""

    text: str
    style: str = "body"


@dataclass
class Table:
    """One ruled table: rows of (cell text, columns spanned); every row spans all columns."""

    rows: list[list[tuple[str, int]]]
    widths: tuple[float, ...]  # relative column widths


@dataclass
class Document:
    """A report's elements and its ground truth."""

    elements: list[Para | Table] = field(default_factory=list)
    truth: dict = field(default_factory=dict)


def wan(c: int, trim: bool = False) -> str:
    """Given hundredths of 万元, return the amount as the reports write it (2 decimals)."""
    if c == 0:
        return "0"
    s = f"{c / 100:.2f}"
    return s.rstrip("0").rstrip(".") if trim else s


def pct(part: float, whole: float) -> float:
    """Given a part and a whole, return the part in percent rounded to 0.01 (0 for no whole)."""
    return round(part * 100.0 / whole, 2) if whole else 0.0


def pct_text(p: float) -> str:
    """Given a percentage, return it as written (no trailing zeros: 100, 12.5, 7.25)."""
    if p == 0:
        return "0"
    return f"{p:.2f}".rstrip("0").rstrip(".")


class Writer:
    """Accumulates elements and the truth of one report; money phrasing follows its style."""

    def __init__(self, rng: random.Random, trim: bool, spaced: bool, seed: int = 0):
        self.rng = rng
        self.seed = seed
        self.trim = trim
        self.spaced = spaced
        self.doc = Document()
        self.metrics: dict[str, dict] = {}
        self.inconsistencies: list[dict] = []
        self.stated_total_change = 0  # 收支总计 change as first stated (hundredths of 万元)
        self.overall = 0.0  # unit-wide self-evaluation score as stated
        self.overall_quote = ""  # the words stating it

    def m(self, c: int) -> str:
        """Given hundredths of 万元, return '<amount>万元' in this report's style."""
        gap = " " if self.spaced else ""
        return f"{gap}{wan(c, self.trim)}{gap}万元"

    def n(self, value: int | float) -> str:
        """Given a count or score, return it in this report's style."""
        text = pct_text(float(value)) if isinstance(value, float) else str(value)
        return f" {text} " if self.spaced else text

    def fact(self, metric: str, value: float, quote: str) -> None:
        """Given a metric, its stated value and the words stating it, record it (first wins)."""
        if metric not in self.metrics:
            self.metrics[metric] = {"value": round(float(value), 4), "quote": quote}

    def inconsistency(self, kind: str, metric: str, text: str, explanation: str) -> None:
        """Given an injected inconsistency (the report's words and why they are wrong), record it."""
        self.inconsistencies.append(
            {"kind": kind, "metric": metric, "text": text, "explanation": explanation}
        )

    def p(self, text: str, style: str = "body") -> None:
        """Given a paragraph's text, add it."""
        self.doc.elements.append(Para(text, style))

    def table(self, rows: list[list[tuple[str, int]]], widths: tuple[float, ...]) -> None:
        """Given rows of (text, span) and relative column widths, add a table."""
        self.doc.elements.append(Table(rows, widths))

    def change(self, delta: int, prior: int) -> tuple[str, float, float]:
        """Given a change and the prior-year amount, return (words, signed 万元, signed %)."""
        up = delta > 0
        p = pct(abs(delta), prior)
        words = f"{'增加' if up else '减少'}{self.m(abs(delta))}，{'增长' if up else '下降'}{pct_text(p)}%"
        sign = 1 if up else -1
        return words, sign * abs(delta) / 100, sign * p


def offset(rng: random.Random) -> int:
    """Given a random source, return a nonzero amount an injected figure is off by."""
    return rng.randint(*INJECTED_OFFSET_RANGE) * rng.choice((1, -1))


def final_report(
    unit: Unit, year: int, inject: tuple[str, ...], seed: int, has_prior_report: bool
) -> Document:
    """Given a unit, a year and the injections, return the 部门决算 report and its truth."""
    rng = random.Random(f"text:{seed}:{unit.index}:{year}:final")
    w = Writer(rng, trim=rng.random() < 0.3, spaced=rng.random() < 0.3, seed=seed)
    f = unit.years[year]
    prev = unit.years[year - 1]
    inject = tuple(k for k in inject if k != PRIOR_YEAR_MISMATCH or has_prior_report)
    _cover(w, unit, year)
    _overview(w, unit, f)
    w.p(f"第二部分 {year}年度部门决算情况说明", "heading")
    _totals(w, unit, f, prev, inject)
    _income_expenditure(w, f)
    _fiscal(w, f, prev)
    _gpb(w, unit, f, prev)
    _basic(w, f, inject)
    _sangong(w, unit, f, prev, inject)
    _other(w, unit, f, prev, inject)
    _glossary(w)
    _attachment(w, unit, f, inject)
    w.doc.truth = _truth(w, unit, f, "决算")
    w.doc.truth["function_classes"] = _classes(f)
    w.doc.truth["function_items"] = [
        {"class": c, "kuan": k, "xiang": x, "amount": a / 100} for _, c, k, x, a in f.function_split
    ]
    return w.doc


def _truth(w: Writer, unit: Unit, f: YearFigures, kind: str) -> dict:
    """Given the finished writer, return the truth in the form of tests/fixtures/expected."""
    return {
        "synthetic": True,
        "unit_name": unit.name,
        "unit_short": unit.short,
        "region": unit.region,
        "city": None,
        "fiscal_year": f.year,
        "doc_kind": kind,
        "metrics": w.metrics,
        "function_classes": [],
        "function_items": [],
        "projects": [
            {
                "name": p.name,
                "code": p.code,
                "initial_budget": p.initial / 100,
                "adjusted_budget": p.adjusted / 100,
                "executed": p.executed / 100,
                "score": round(sum(i[6] for i in p.indicators), 2),
            }
            for p in f.projects
        ],
        "inconsistencies": w.inconsistencies,
    }


def _classes(f: YearFigures) -> list[dict]:
    """Given the year's figures, return the 功能分类 类 totals with their shares."""
    totals: dict[str, int] = {}
    for cls, *_rest, amount in f.function_split:
        totals[cls] = totals.get(cls, 0) + amount
    return [
        {"class": c, "amount": a / 100, "pct": pct(a, f.general_budget)} for c, a in totals.items()
    ]


def _cover(w: Writer, unit: Unit, year: int) -> None:
    """Given the unit and year, add the cover and contents."""
    w.p(SYNTHETIC_LINE, "title")
    w.p(f"{year}年度", "title")
    w.p(f"{unit.name}部门决算", "title")
    w.p(f"公开时间：{year + 1}年9月{w.rng.randint(1, 28)}日", "title")
    w.p("目录", "title")
    for line in (
        "第一部分 部门概况",
        f"第二部分 {year}年度部门决算情况说明",
        "第三部分 名词解释",
        "第四部分 附件",
    ):
        w.p(line, "toc")


DUTIES = (
    "负责{s}日常文书的处理，上级重要工作部署贯彻落实的督促检查，领导同志批示的转达和催办落实。",
    "围绕中心工作收集信息、反映情况，开展综合调研，承担重要文件、文稿的起草、修改和校核工作，"
    "负责文件的印发、分发和管理等工作。",
    "对经济社会发展和改革中的重大问题开展调查研究，提出供决策参考的意见和建议。",
    "协助搞好上传下达，做好综合协调和联络工作，密切与各方面的联系。",
    "协助组织筹备全体会议、常务会议、工作会议等重大会议，负责会议的会务服务工作。",
    "负责受理和接待人民群众的来信来访，协助处理和办理信访事项。",
    "负责对重大决策部署、重点工程项目、上级交办任务、人大代表建议和政协提案、民生领域等"
    "落实情况进行督查督办，分解下达年度工作目标任务，对目标责任单位执行情况进行督促检查和考核。",
    "负责保密工作的协调、指导和管理，开展保密宣传教育，加强对要害部门与重点部位保密环境和"
    "办公设施的监督检查。",
    "负责电子政务内网和办公信息化系统的规划、建设和管理工作。",
    "负责印鉴管理和使用工作，承担机要文件的收发、传递和管理。",
    "贯彻执行档案工作的方针政策和法律法规，组织开展档案工作规划、业务指导、监督检查和培训，"
    "监督指导重大建设项目的档案管理工作。",
    "负责值班工作，及时报告重要情况，协调处置突发事件。",
    "完成上级交办的其他工作。",
)


def _overview(w: Writer, unit: Unit, f: YearFigures) -> None:
    """Given the unit and the year's figures, add 第一部分 部门概况."""
    w.p("第一部分 部门概况", "heading")
    w.p("一、部门职责", "heading")
    for i, duty in enumerate(DUTIES, 1):
        w.p(f"{i}、{duty.format(s=unit.short)}")
    w.p("二、机构设置", "heading")
    offices = w.rng.randint(5, 14)
    w.p(
        f"{unit.name}内设科室{offices}个，下属二级预算单位0个。纳入{unit.name}{f.year}年度"
        f"部门决算编制范围的单位只有{unit.short}本级。"
    )
    w.p("三、人员情况", "heading")
    quote_a = f"编制数为{w.n(f.staff_authorized)}人"
    quote_r = f"年末实有人数为{w.n(f.staff_actual)}人"
    w.p(f"截至{f.year}年12月31日，{unit.short}{quote_a}，{quote_r}。")
    w.fact("staff.authorized", f.staff_authorized, quote_a)
    w.fact("staff.actual", f.staff_actual, quote_r)


def _totals(w: Writer, unit: Unit, f: YearFigures, prev: YearFigures, inject) -> None:
    """Given the figures, add 一、收入支出决算总体情况说明 (with change injections)."""
    y = f.year
    delta = f.total - prev.total
    stated = delta
    if PRIOR_YEAR_MISMATCH in inject:
        stated = delta + offset(w.rng)
        if stated == 0:
            stated = delta + 101
    words, signed, p = w.change(stated, f.total - stated)
    if TOTAL_CHANGE_PCT in inject:
        wrong = round(abs(p) + w.rng.choice((-1, 1)) * w.rng.uniform(0.5, 9.0), 2)
        if wrong <= 0 or abs(wrong - abs(p)) < 0.1:
            wrong = round(abs(p) + 3.33, 2)
        p = wrong if stated > 0 else -wrong
        words = words.rsplit("，", 1)[0] + f"，{'增长' if stated > 0 else '下降'}{pct_text(wrong)}%"
    w.p("一、收入支出决算总体情况说明", "heading")
    variant = w.rng.randrange(2)
    if variant == 0:
        a = f"{y}年度收、支总计均为{w.m(f.total)}"
        b = f"收、支总计各{words}"
        w.p(f"{a}。与{y - 1}年度相比，{b}。主要变动原因是{_reason(w, stated)}。")
    else:
        a = f"{y}年度收入、支出总计均为{w.m(f.total)}"
        b = f"收入、支出总计各{words}"
        w.p(f"{a}。与上年相比，{b}。主要变动原因是{_reason(w, stated)}。")
    w.p("（图1：收、支决算总计变动情况图）（柱状图）", "note")
    w.fact("total.income_expenditure", f.total / 100, a)
    w.fact("total.change", signed, b)
    w.fact("total.change_pct", p, b)
    if PRIOR_YEAR_MISMATCH in inject:
        w.inconsistency(
            PRIOR_YEAR_MISMATCH,
            "total.change",
            b,
            f"{y - 1}年度报告所载收、支总计为{wan(prev.total)}万元，"
            f"本年{wan(f.total)}万元比上年实际{'增加' if delta > 0 else '减少'}{wan(abs(delta))}万元",
        )
    if TOTAL_CHANGE_PCT in inject:
        true_p = pct(abs(stated), f.total - stated)
        w.inconsistency(
            TOTAL_CHANGE_PCT,
            "total.change_pct",
            b,
            f"{wan(abs(stated))} ÷ {wan(f.total - stated)} = {pct_text(true_p)}%，"
            f"不是{pct_text(abs(p))}%",
        )
    w.stated_total_change = stated


REASONS_UP = ("本年度新增项目经费", "人员经费增加", "重点工作任务增加，项目经费相应增加")
REASONS_DOWN = ("本年度项目减少，项目经费减少", "严格执行过紧日子要求，压减一般性支出")


def _reason(w: Writer, delta: int) -> str:
    """Given a change, return a stated reason for it."""
    return w.rng.choice(REASONS_UP if delta > 0 else REASONS_DOWN)


def _income_expenditure(w: Writer, f: YearFigures) -> None:
    """Given the figures, add 二、收入决算 and 三、支出决算."""
    y, t = f.year, f.total
    w.p("二、收入决算情况说明", "heading")
    parts = (
        ("一般公共预算财政拨款收入", "income.general_budget", f.general_budget),
        ("政府性基金预算财政拨款收入", "income.gov_fund", 0),
        ("国有资本经营预算财政拨款收入", "income.state_capital", 0),
        ("上级补助收入", "income.superior_subsidy", 0),
        ("事业收入", "income.business", 0),
        ("经营收入", "income.operating", 0),
        ("附属单位上缴收入", "income.affiliate", 0),
        ("其他收入", "income.other", f.other_income),
    )
    head = f"{y}年度本年收入合计{w.m(t)}"
    w.fact("income.total", t / 100, head)
    clauses = []
    for label, key, amount in parts:
        clause = f"{label}{w.m(amount)}"
        clauses.append(f"{clause}，占{pct_text(pct(amount, t))}%")
        w.fact(key, amount / 100, clause)
    w.p(f"{head}，其中：{'；'.join(clauses)}。")
    w.p("（注：数据来源于财决01表，仅罗列本单位涉及的收入。）", "note")
    w.p("（图2：收入决算结构图）（饼状图）", "note")
    w.p("三、支出决算情况说明", "heading")
    parts = (
        ("基本支出", "expenditure.basic", f.basic),
        ("项目支出", "expenditure.project", f.project_total),
        ("上缴上级支出", "expenditure.remit_superior", 0),
        ("经营支出", "expenditure.operating", 0),
        ("对附属单位补助支出", "expenditure.affiliate_subsidy", 0),
    )
    head = f"{y}年度本年支出合计{w.m(t)}"
    w.fact("expenditure.total", t / 100, head)
    clauses = []
    for label, key, amount in parts:
        clause = f"{label}{w.m(amount)}"
        clauses.append(f"{clause}，占{pct_text(pct(amount, t))}%")
        w.fact(key, amount / 100, clause)
    w.p(f"{head}，其中：{'；'.join(clauses)}。")
    w.p("（注：数据来源于财决04表，仅罗列本单位涉及的支出。）", "note")
    w.p("（图3：支出决算结构图）（饼状图）", "note")


def _fiscal(w: Writer, f: YearFigures, prev: YearFigures) -> None:
    """Given the figures, add 四、财政拨款收入支出决算总体情况说明."""
    g, pg = f.general_budget, prev.general_budget
    words, _, _ = w.change(g - pg, pg)
    w.p("四、财政拨款收入支出决算总体情况说明", "heading")
    a = f"{f.year}年度财政拨款收、支总计均为{w.m(g)}"
    w.p(
        f"{a}。与{f.year - 1}年度相比，财政拨款收、支总计各{words}。主要变动原因是{_reason(w, g - pg)}。"
    )
    w.p("（注：数据来源于财决01-1表。）", "note")
    w.p("（图4：财政拨款收、支决算总计变动情况）（柱状图）", "note")
    w.fact("fiscal.total", g / 100, a)


def _gpb(w: Writer, unit: Unit, f: YearFigures, prev: YearFigures) -> None:
    """Given the figures, add 五、一般公共预算财政拨款支出决算情况说明 with 功能分类."""
    g, pg, y = f.general_budget, prev.general_budget, f.year
    words, signed, p = w.change(g - pg, pg)
    w.p("五、一般公共预算财政拨款支出决算情况说明", "heading")
    w.p("（一）一般公共预算财政拨款支出决算总体情况", "heading")
    a = f"{y}年度一般公共预算财政拨款支出{w.m(g)}"
    b = f"一般公共预算财政拨款支出{words}"
    w.p(
        f"{a}，占本年支出合计的{pct_text(pct(g, f.total))}%。与{y - 1}年度相比，{b}。"
        f"主要变动原因是{_reason(w, g - pg)}。"
    )
    w.p("（图5：一般公共预算财政拨款支出决算变动情况）（柱状图）", "note")
    w.fact("gpb.total", g / 100, a)
    w.fact("gpb.change", signed, b)
    w.fact("gpb.change_pct", p, b)
    w.p("（二）一般公共预算财政拨款支出决算结构情况", "heading")
    classes = _classes(f)
    listed = "；".join(
        f"{c['class']}{w.m(round(c['amount'] * 100))}，占{pct_text(c['pct'])}%" for c in classes
    )
    w.p(f"{y}年度一般公共预算财政拨款支出{w.m(g)}，主要用于以下方面：{listed}。")
    w.p("（注：数据来源于财决01-1表，仅罗列本单位涉及的全部功能分类科目，至类级。）", "note")
    w.p("（图6：一般公共预算财政拨款支出决算结构）（饼状图）", "note")
    w.p("（三）一般公共预算财政拨款支出决算具体情况", "heading")
    w.p(f"{y}年度一般公共预算支出决算数为{w.m(g)}，完成预算100%。其中：")
    for i, (_, cls, kuan, xiang, amount) in enumerate(f.function_split, 1):
        w.p(
            f"{i}.{cls}（类）{kuan}（款）{xiang}（项）：支出决算为{w.m(amount)}，完成预算100%，"
            "决算数等于预算数的主要原因是合理规划年初预算并严格执行。"
        )


def _basic(w: Writer, f: YearFigures, inject) -> None:
    """Given the figures, add 六、基本支出 (人员经费 and 公用经费)."""
    personnel = f.personnel
    if BASIC_PARTS in inject:
        personnel = f.personnel + offset(w.rng)
    w.p("六、一般公共预算财政拨款基本支出决算情况说明", "heading")
    w.p(f"{f.year}年度一般公共预算财政拨款基本支出{w.m(f.basic)}，其中：")
    a = f"人员经费{w.m(personnel)}"
    b = f"公用经费{w.m(f.public)}"
    w.p(
        f"{a}，主要包括：基本工资、津贴补贴、奖金、绩效工资、机关事业单位基本养老保险缴费、"
        "职业年金缴费、其他社会保障缴费、其他工资福利支出、住房公积金。"
    )
    w.p(
        f"{b}，主要包括：办公费、印刷费、邮电费、差旅费、维修（护）费、培训费、公务接待费、工会经费、其他交通费。"
    )
    w.fact("basic.personnel", personnel / 100, a)
    w.fact("basic.public", f.public / 100, b)
    if BASIC_PARTS in inject:
        w.inconsistency(
            BASIC_PARTS,
            "expenditure.basic",
            a,
            f"基本支出{wan(f.basic)}万元，但人员经费{wan(personnel)}万元与公用经费{wan(f.public)}万元"
            f"合计{wan(personnel + f.public)}万元",
        )


def _sangong(w: Writer, unit: Unit, f: YearFigures, prev: YearFigures, inject) -> None:
    """Given the figures, add 七、“三公”经费 with the fleet by type."""
    y = f.year
    total = stated_sangong(unit, y, inject, w.seed)
    prior = stated_sangong(unit, y - 1, inject, w.seed)
    budget = stated_sangong_budget(unit, y, inject, w.seed)
    words, signed, p = w.change(total - prior, prior)
    w.p("七、财政拨款“三公”经费支出决算情况说明", "heading")
    w.p("（一）“三公”经费财政拨款支出决算总体情况说明", "heading")
    as_yuan = w.rng.random() < 0.3
    budget_text = f"{budget * 100}元" if as_yuan else w.m(budget)
    a = f"{y}年度“三公”经费财政拨款预算数为{budget_text}，支出决算为{w.m(total)}"
    b = f"较上年度{words}"
    w.p(
        f"{a}，完成预算{pct_text(pct(total, budget))}%，{b}。主要原因是严格执行“三公”经费只减不增的要求。"
    )
    w.fact("sangong.budget", budget / 100, a)
    w.fact("sangong.total", total / 100, a)
    w.fact("sangong.change", signed, b)
    w.fact("sangong.change_pct", p, b)
    if SANGONG_OVER_BUDGET in inject:
        w.inconsistency(
            SANGONG_OVER_BUDGET,
            "sangong.total",
            a,
            f"支出决算{wan(total)}万元超过预算数{wan(budget)}万元",
        )
    w.p("（注：上述“预算”口径为全年预算数。）", "note")
    w.p("（二）“三公”经费财政拨款支出决算具体情况说明", "heading")
    parts = (
        ("因公出国（境）费支出决算", "sangong.outbound", f.outbound),
        ("公务用车购置及运行维护费支出决算", "sangong.vehicle", f.vehicle),
        ("公务接待费支出决算", "sangong.reception", f.reception),
    )
    clauses = []
    for label, key, amount in parts:
        clause = f"{label}{w.m(amount)}"
        clauses.append(f"{clause}，占{pct_text(pct(amount, f.sangong))}%")
        w.fact(key, amount / 100, clause)
    w.p(f"{y}年度“三公”经费财政拨款支出决算中，{'；'.join(clauses)}。具体情况如下：")
    if SANGONG_COMPONENTS in inject:
        w.inconsistency(
            SANGONG_COMPONENTS,
            "sangong.total",
            a,
            f"支出决算{wan(total)}万元，但因公出国（境）费{wan(f.outbound)}万元、公务用车购置及运行维护费"
            f"{wan(f.vehicle)}万元、公务接待费{wan(f.reception)}万元，合计{wan(f.sangong)}万元",
        )
    compare = y - 2 if STALE_YEAR in inject else y - 1
    parts_budget = _sangong_budgets(f, budget)
    done = {
        "outbound": pct_text(pct(f.outbound, parts_budget["outbound"])),
        "vehicle": pct_text(pct(f.vehicle, parts_budget["purchase"] + parts_budget["operation"])),
        "reception": pct_text(pct(f.reception, parts_budget["reception"])),
    }
    g, n = f.outbound_groups, f.outbound_persons
    groups = f"团组{w.n(g)}次，出国（境）{w.n(n)}人"
    w.p(
        f"1.因公出国（境）经费支出{w.m(f.outbound)}，完成预算{done['outbound']}%。全年安排因公出国（境）{groups}。"
        f"因公出国（境）支出决算比{compare}年度{_component_change(w, f.outbound, prev.outbound)}。"
    )
    w.fact("sangong.outbound.groups", g, groups)
    w.fact("sangong.outbound.persons", n, groups)
    w.p(
        f"2.公务用车购置及运行维护费支出{w.m(f.vehicle)}，完成预算{done['vehicle']}%。公务用车购置及运行维护费"
        f"支出决算比{compare}年度{_component_change(w, f.vehicle, prev.vehicle)}。"
    )
    purchase = f"公务用车购置支出{w.m(f.vehicle_purchase)}"
    count = f"更新购置公务用车{w.n(f.purchase_count)}辆"
    bought = "、".join(
        f"{t}{w.n(c)}辆" for t, c in zip(VEHICLE_TYPES, f.purchase_types, strict=True)
    )
    date = f"截至{y - 3}年12月底" if STALE_YEAR in inject else f"截至{y}年12月31日"
    fleet = f"单位共有公务用车{w.n(f.fleet)}辆"
    types = "、".join(f"{t}{w.n(c)}辆" for t, c in zip(VEHICLE_TYPES, f.fleet_types, strict=True))
    w.p(f"其中：{purchase}。全年按规定{count}，其中：{bought}。{date}，{fleet}，其中：{types}。")
    w.fact("sangong.vehicle.purchase", f.vehicle_purchase / 100, purchase)
    w.fact("sangong.vehicle.purchase_count", f.purchase_count, count)
    w.fact("vehicles.total", f.fleet, fleet)
    for key, c in zip(
        ("vehicles.sedan", "vehicles.suv", "vehicles.bus"), f.fleet_types, strict=True
    ):
        w.fact(key, c, f"{fleet}，其中：{types}")
    operation = f"公务用车运行维护费支出{w.m(f.vehicle_operation)}"
    w.p(
        f"{operation}。主要用于开展业务活动、下乡、执行公务等所需的公务用车燃料费、维修费、过路过桥费、保险费等支出。"
    )
    w.fact("sangong.vehicle.operation", f.vehicle_operation / 100, operation)
    w.p(
        f"3.公务接待费支出{w.m(f.reception)}，完成预算{done['reception']}%。公务接待费支出决算比{compare}年度"
        f"{_component_change(w, f.reception, prev.reception)}。主要原因是严格执行公务接待相关规定。"
    )
    domestic = f"国内公务接待支出{w.m(f.reception)}"
    batches = f"国内公务接待{w.n(f.reception_batches)}批次，{w.n(f.reception_persons)}人次"
    w.p(
        f"其中：{domestic}，主要用于执行公务、开展业务活动开支的交通费、住宿费、用餐费等。"
        f"{batches}（不包括陪同人员），共计支出{w.m(f.reception)}，具体内容包括："
        f"{_receptions(w, y, f.reception_batches, f.reception * 100)}。"
    )
    w.fact("sangong.reception.domestic", f.reception / 100, domestic)
    w.fact("sangong.reception.batches", f.reception_batches, batches)
    w.fact("sangong.reception.persons", f.reception_persons, batches)
    foreign = f"外事接待支出{w.m(0)}"
    w.p(f"{foreign}，主要用于接待：无。外事接待0批次，0人次（不包括陪同人员），共计支出0万元。")
    w.fact("sangong.reception.foreign", 0, foreign)
    if STALE_YEAR in inject:
        w.inconsistency(
            STALE_YEAR,
            "vehicles.total",
            f"{date}，{fleet}",
            f"{y}年度报告的车辆数截至{y - 3}年，“三公”各项比较年度写作“比{compare}年度”",
        )


VISITORS = (
    "上级督查组",
    "上级机要保密部门",
    "兄弟县区考察组",
    "省直部门调研组",
    "市级档案检查组",
    "上级督查部门",
    "上级政府部门调研组",
    "市级目标绩效考核组",
    "市国家保密局检查组",
)


def _receptions(w: Writer, year: int, batches: int, yuan: int) -> str:
    """Given the year, the number of receptions and their total in 元, return them listed."""
    cuts = sorted(w.rng.sample(range(1, yuan), batches - 1)) if batches > 1 else []
    amounts = [b - a for a, b in zip([0, *cuts], [*cuts, yuan], strict=True)]
    days = sorted(w.rng.sample(range(1, 360), batches))
    out = []
    for day, amount in zip(days, amounts, strict=True):
        month, mday = min(day // 30 + 1, 12), day % 28 + 1
        out.append(f"{year}年{month}月{mday}日接待{w.rng.choice(VISITORS)}{amount}元")
    return "；".join(out)


def stated_sangong(unit: Unit, year: int, inject, seed: int) -> int:
    """Given a unit-year and the injections, return the 三公 total its report states."""
    # With sangong_components the stated total is off from its parts; the next year's report
    # states its change against this stated total, so the years still chain.
    true = unit.years[year].sangong
    if SANGONG_COMPONENTS not in inject:
        return true
    total = true + offset(random.Random(f"sangong:{seed}:{unit.index}:{year}"))
    return total if total > 0 else true + 101


def stated_sangong_budget(unit: Unit, year: int, inject, seed: int) -> int:
    """Given a unit-year and the injections, return the 三公 budget its reports state."""
    # below the stated total with sangong_over_budget, otherwise at least the total
    total = stated_sangong(unit, year, inject, seed)
    if SANGONG_OVER_BUDGET in inject:
        return int(total * random.Random(f"budget:{seed}:{unit.index}:{year}").uniform(0.6, 0.9))
    return max(unit.years[year].sangong_budget, total)


def _component_change(w: Writer, now: int, before: int) -> str:
    """Given a 三公 component this year and last year, return how it changed (in words)."""
    if now == before:
        return "持平"
    up = now > before
    text = f"{'增加' if up else '减少'}{w.m(abs(now - before))}"
    if before:
        text += f"，{'增长' if up else '下降'}{pct_text(pct(abs(now - before), before))}%"
    return text


def _other(w: Writer, unit: Unit, f: YearFigures, prev: YearFigures, inject) -> None:
    """Given the figures, add 八 to 十 (基金, 国资, 机关运行经费, 政府采购, 资产, 绩效)."""
    y = f.year
    w.p("八、政府性基金预算支出决算情况说明", "heading")
    w.p(f"{y}年度政府性基金预算财政拨款支出0万元。")
    w.p("九、国有资本经营预算支出决算情况说明", "heading")
    w.p(f"{y}年度国有资本经营预算财政拨款支出0万元。")
    w.p("十、其他重要事项的情况说明", "heading")
    w.p("（一）机关运行经费支出情况", "heading")
    words, signed, p = w.change(f.public - prev.public, prev.public)
    a = f"机关运行经费支出{w.m(f.public)}"
    b = f"比{y - 1}年度{words}"
    w.p(f"{y}年度，{unit.name}{a}，{b}。主要原因是严格执行厉行节约相关制度规定，控制经费开支。")
    w.fact("operating_costs", f.public / 100, a)
    w.fact("operating_costs.change", signed, b)
    w.fact("operating_costs.change_pct", p, b)
    w.p("（二）政府采购支出情况", "heading")
    goods, works, services = f.procurement
    pt = f.procurement_total
    a = f"政府采购支出总额{w.m(pt)}"
    parts = [
        (f"政府采购货物支出{w.m(goods)}", "procurement.goods", goods),
        (f"政府采购工程支出{w.m(works)}", "procurement.works", works),
        (f"政府采购服务支出{w.m(services)}", "procurement.services", services),
    ]
    sme = f"授予中小企业合同金额{w.m(f.sme)}"
    small = f"授予小微企业合同金额{w.m(f.small_micro)}"
    w.p(
        f"{y}年度，{unit.name}{a}，其中：{'、'.join(q for q, _, _ in parts)}。主要用于采购办公设备。"
        f"{sme}，占政府采购支出总额的{pct_text(pct(f.sme, pt))}%，其中：{small}，"
        f"占政府采购支出总额的{pct_text(pct(f.small_micro, pt))}%。"
    )
    w.fact("procurement.total", pt / 100, a)
    for q, key, amount in parts:
        w.fact(key, amount / 100, q)
    w.fact("procurement.sme", f.sme / 100, sme)
    w.fact("procurement.small_micro", f.small_micro / 100, small)
    w.p("（三）国有资产占有使用情况", "heading")
    _assets(w, unit, f)
    w.p("（四）预算绩效管理情况", "heading")
    score = f.unit_score
    if SCORE_SUM in inject:
        score = round(score + w.rng.choice(INJECTED_SCORE_OFFSETS), 2)
        if score > 100:
            score = round(f.unit_score - 5, 2)
    w.overall = score
    a = f"部门整体绩效自评得分为{w.n(score)}分"
    w.p(
        f"根据预算绩效管理要求，本部门在{y}年度预算编制阶段，对{len(f.projects)}个项目编制了绩效目标，"
        f"预算执行过程中，选取{len(f.projects)}个项目开展绩效监控。"
    )
    w.p(
        f"组织对{y}年度一般公共预算项目全面开展绩效自评，其中，{unit.name}{a}，"
        "绩效自评综述：各项年初绩效目标基本实现，项目组织管理和财务管理基本健全规范。绩效自评表详见附件。"
    )
    w.fact("perf.overall_score", score, a)
    w.overall_quote = a


def _assets(w: Writer, unit: Unit, f: YearFigures) -> None:
    """Given the figures, add 国有资产占有使用情况 with the fleet by use (phrasing variants)."""
    date = f"截至{f.year}年12月31日"
    fleet = f"共有车辆{w.n(f.fleet)}辆"
    variant = w.rng.randrange(4)
    listed = [
        (label, key, c)
        for label, key, c in zip(VEHICLE_USES, VEHICLE_USE_KEYS, f.fleet_uses, strict=True)
        if variant != 2 or c or label == "其他用车"
    ]
    uses = "、".join(f"{label}{w.n(c)}辆" for label, _, c in listed)
    tail = "其他用车主要是用于机关日常工作运转、调研督查和应急值守等。单价100万元以上设备（不含车辆）0台（套）。"
    if variant == 1:
        w.p(f"{date}，{unit.name}{fleet}。按用途分：{uses}。{tail}")
    elif variant == 3:
        w.p(f"{date}，本部门{fleet}。其中，{uses}，{tail}")
    else:
        w.p(f"{date}，{unit.name}{fleet}，其中：{uses}，{tail}")
    w.fact("vehicles.total", f.fleet, fleet)
    for label, key, c in listed:
        w.fact(key, c, f"{label}{w.n(c)}辆")
    w.p("（注：数据来源于财决附03表，按部门决算报表填报数据罗列车辆情况。）", "note")


GLOSSARY = (
    ("财政拨款收入", "指单位从同级财政部门取得的财政预算资金。"),
    ("事业收入", "指事业单位开展专业业务活动及辅助活动取得的收入。"),
    ("经营收入", "指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。"),
    ("其他收入", "指单位取得的除上述收入以外的各项收入，主要是存款利息收入等。"),
    ("使用非财政拨款结余", "指事业单位使用以前年度积累的非财政拨款结余弥补当年收支差额的金额。"),
    ("年初结转和结余", "指以前年度尚未完成、结转到本年按有关规定继续使用的资金。"),
    ("结余分配", "指事业单位按照规定提取的职工福利基金、事业基金和缴纳的所得税等。"),
    ("年末结转和结余", "指单位按有关规定结转到下年或以后年度继续使用的资金。"),
    (
        "一般公共服务支出",
        "指政府提供基本公共管理与服务的支出，包括行政运行、一般行政管理事务、机关服务、专项业务等。",
    ),
    (
        "社会保障和就业支出",
        "指用于行政事业单位离退休、机关事业单位基本养老保险缴费、职业年金缴费等方面的支出。",
    ),
    ("卫生健康支出", "指用于行政单位医疗、事业单位医疗、公务员医疗补助等方面的支出。"),
    ("住房保障支出", "指按照住房制度改革政策，为职工缴纳的住房公积金、提租补贴、购房补贴等支出。"),
    ("基本支出", "指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。"),
    ("项目支出", "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"),
    ("经营支出", "指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动发生的支出。"),
    (
        "“三公”经费",
        "指部门用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。"
        "其中，因公出国（境）费反映单位公务出国（境）的国际旅费、国外城市间交通费、住宿费、伙食费、"
        "培训费、公杂费等支出；公务用车购置及运行维护费反映单位公务用车车辆购置支出（含车辆购置税）"
        "及租用费、燃料费、维修费、过路过桥费、保险费、安全奖励费用等支出；公务接待费反映单位按规定开支的"
        "各类公务接待（含外宾接待）支出。",
    ),
    (
        "机关运行经费",
        "指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金，"
        "包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、专用材料及一般设备购置费、"
        "办公用房水电费、办公用房取暖费、办公用房物业管理费、公务用车运行维护费以及其他费用。",
    ),
)


def _glossary(w: Writer) -> None:
    """Given the writer, add 第三部分 名词解释."""
    w.p("第三部分 名词解释", "heading")
    for i, (term, text) in enumerate(GLOSSARY, 1):
        w.p(f"{i}.{term}：{text}")


def _attachment(w: Writer, unit: Unit, f: YearFigures, inject) -> None:
    """Given the figures, add 第四部分 附件: unit-wide and project self-evaluation tables."""
    y = f.year
    w.p("第四部分 附件", "heading")
    w.p(f"附件1：{unit.name}{y}年度部门整体支出绩效自评情况", "heading")
    w.p(
        f"一、部门概况。{unit.short}主要承担综合协调、督查督办、文稿起草、信息报送、机要保密、"
        "档案管理等职责，年度内围绕中心工作，较好完成了各项目标任务。"
    )
    w.p(
        "二、绩效目标完成情况。年度内各项产出指标和效益指标基本完成，服务对象满意度较高，"
        "预算资金使用规范，未发生违规使用资金的情况。"
    )
    if RESTATED_CHANGE in inject:
        stated = w.stated_total_change
        again = stated + offset(w.rng)
        again = again if again != stated and again != 0 else stated + 211
        words = f"{'增加' if again > 0 else '减少'}{w.m(abs(again))}"
        b = f"收、支总计各{words}"
        w.p(f"三、资金收支情况。与上年相比，{b}，主要是项目经费变化所致。")
        w.inconsistency(
            RESTATED_CHANGE,
            "total.change",
            b,
            f"收、支总计较上年变化先写作{wan(abs(stated))}万元，附件中又写作{wan(abs(again))}万元",
        )
    w.p("部门整体支出绩效自评表", "heading")
    _unit_table(w, unit, f, "部门名称", inline=False)
    if SCORE_SUM in inject:
        w.inconsistency(
            SCORE_SUM,
            "perf.overall_score",
            w.overall_quote,
            f"部门整体支出绩效自评表总分{pct_text(w.overall)}分，但各项指标得分合计"
            f"{pct_text(f.unit_score)}分",
        )
    _project_tables(w, unit, f, first_annex=2)


TABLE_WIDTHS = (1.3, 1.3, 2.0, 1.1, 1.1, 0.8, 0.8, 1.0)


def _unit_table(w: Writer, unit: Unit, f: YearFigures, name_label: str, inline: bool) -> None:
    """Given the figures, add the unit-wide self-evaluation table (funds, indicators, 总分)."""
    score = w.overall
    rows: list[list[tuple[str, int]]] = [
        [(name_label, 1), (unit.name, 7)],
        [
            ("年度预算执行情况（万元）", 1),
            ("年初预算数", 1),
            ("全年预算数", 1),
            ("全年执行数", 1),
            ("执行率", 1),
            ("", 3),
        ],
        [
            ("年度资金总额", 1),
            (wan(f.budget_initial), 1),
            (wan(f.budget_full_year), 1),
            (wan(f.total), 1),
            (f"{pct_text(pct(f.total, f.budget_full_year))}%", 1),
            ("", 3),
        ],
    ]
    quote = f"年度资金总额\t{wan(f.budget_initial)}\t{wan(f.budget_full_year)}\t{wan(f.total)}"
    w.fact("budget.initial", f.budget_initial / 100, quote)
    w.fact("budget.full_year", f.budget_full_year / 100, quote)
    w.fact("budget.executed", f.total / 100, quote)
    if inline:
        basic = f"其中：基本支出：{wan(f.basic)}"
        project = f"项目支出：{wan(f.project_total)}"
        rows += [
            [("按收入性质分：", 2), ("按支出性质分：", 2), ("", 4)],
            [(f"其中：一般公共预算：{wan(f.general_budget)}", 2), (basic, 2), ("", 4)],
            [(f"其他收入：{wan(f.other_income)}", 2), (project, 2), ("", 4)],
        ]
        w.fact("expenditure.basic", f.basic / 100, basic)
        w.fact("expenditure.project", f.project_total / 100, project)
    rows += _indicator_rows(f.unit_indicators, score)
    w.table(rows, TABLE_WIDTHS)


def _project_tables(w: Writer, unit: Unit, f: YearFigures, first_annex: int) -> None:
    """Given the figures, add each project's self-evaluation report and table."""
    y = f.year
    widths = TABLE_WIDTHS
    for i, p in enumerate(f.projects, first_annex):
        _project_prose(w, unit, y, i, p)
        w.p(f"项目支出绩效自评表（{y}年度）", "heading")
        rows = [
            [("项目名称", 1), (f"{p.code}-{p.name}", 7)],
            [("主管部门", 1), (unit.name, 3), ("实施单位", 1), (unit.name, 3)],
            [
                ("预算执行情况（万元）", 1),
                ("年初预算数", 1),
                ("调整后预算数", 1),
                ("预算执行数", 1),
                ("预算执行率", 1),
                ("", 3),
            ],
            [
                ("总额", 1),
                (wan(p.initial), 1),
                (wan(p.adjusted), 1),
                (wan(p.executed), 1),
                (f"{pct_text(pct(p.executed, p.adjusted))}%", 1),
                ("", 3),
            ],
            [
                ("其中：财政资金", 1),
                (wan(p.initial), 1),
                (wan(p.adjusted), 1),
                (wan(p.executed), 1),
                (f"{pct_text(pct(p.executed, p.adjusted))}%", 1),
                ("", 3),
            ],
        ]
        rows += _indicator_rows(p.indicators, round(sum(i[6] for i in p.indicators), 2))
        rows.append([("评价结论", 1), ("项目按计划实施，资金使用规范，绩效目标基本完成。", 7)])
        rows.append([("存在问题", 1), ("绩效指标设置的细化量化程度有待提高。", 7)])
        rows.append([("改进措施", 1), ("进一步加强预算绩效管理，提高绩效目标编制质量。", 7)])
        w.table(rows, widths)
        w.p(
            f"{p.name}项目绩效自评得分为{pct_text(round(sum(i[6] for i in p.indicators), 2))}分，"
            "项目实施达到预期目标。"
        )


PROJECT_USES = (
    "保障机关日常运转、会议服务、公文处理和综合协调等工作",
    "保障信息化系统、网络和设备的正常运行维护",
    "开展督查督办、调研和目标考核等工作",
    "保障保密、机要通信和档案管理等工作",
)


def _project_prose(w: Writer, unit: Unit, y: int, i: int, p) -> None:
    """Given a project, add its self-evaluation report in prose (before its table)."""
    rate = pct_text(pct(p.executed, p.adjusted))
    score = pct_text(round(sum(ind[6] for ind in p.indicators), 2))
    w.p(f"附件{i}：{p.name}项目支出绩效自评报告", "heading")
    w.p(
        f"一、项目概况。{p.name}是{unit.short}{y}年度部门预算项目，主要用于"
        f"{w.rng.choice(PROJECT_USES)}。项目由{unit.short}负责组织实施，按照年初确定的绩效目标推进。"
    )
    w.p(
        f"二、项目资金使用及管理情况。该项目调整后预算{w.m(p.adjusted)}，实际支出{w.m(p.executed)}，"
        f"预算执行率{rate}%。项目资金严格按照财务管理制度和项目管理办法使用，做到专款专用，"
        "未发现截留、挤占、挪用项目资金的情况。"
    )
    outcomes = "；".join(
        f"{l3}目标值{target}，实际完成{actual}"
        for _l1, _l2, l3, target, actual, _w, _s in p.indicators
    )
    w.p(f"三、项目绩效目标完成情况。{outcomes}。")
    w.p(
        f"四、自评结论。经自评，该项目绩效自评得分{score}分，项目绩效目标基本完成，"
        "资金使用效益较好，社会效益明显。"
    )
    w.p(
        "五、存在的问题及改进措施。部分绩效指标设置不够细化，量化程度有待提高。下一步将进一步"
        "加强预算绩效管理，科学设置绩效指标，强化绩效运行监控，提高财政资金使用效益。"
    )


def _indicator_rows(indicators, total: float) -> list[list[tuple[str, int]]]:
    """Given indicator rows (with scores) and the stated total, return the table rows."""
    rows = [
        [
            ("一级指标", 1),
            ("二级指标", 1),
            ("三级指标", 1),
            ("指标值", 1),
            ("完成值", 1),
            ("分值", 1),
            ("得分", 1),
            ("偏差原因", 1),
        ]
    ]
    last1 = last2 = ""
    for l1, l2, l3, target, actual, weight, score in indicators:
        rows.append(
            [
                (l1 if l1 != last1 else "", 1),
                (l2 if (l1, l2) != (last1, last2) else "", 1),
                (l3, 1),
                (target, 1),
                (actual, 1),
                (pct_text(weight), 1),
                (pct_text(score), 1),
                ("无" if score == weight else "略有偏差", 1),
            ]
        )
        last1, last2 = l1, l2
    rows.append([("总分", 5), ("100", 1), (pct_text(total), 1), ("", 1)])
    return rows


def eval_report(unit: Unit, year: int, inject: tuple[str, ...], seed: int) -> Document:
    """Given a unit, a year and the injections, return the 绩效自评 report and its truth."""
    rng = random.Random(f"text:{seed}:{unit.index}:{year}:eval")
    w = Writer(rng, trim=rng.random() < 0.3, spaced=rng.random() < 0.3, seed=seed)
    f, prev = unit.years[year], unit.years[year - 1]
    y = year
    w.p(SYNTHETIC_LINE, "title")
    w.p(unit.name, "title")
    w.p(f"{y}年度部门整体支出绩效自评报告", "title")
    w.p("一、部门（单位）基本情况", "heading")
    w.p("（一）部门职能职责", "heading")
    for i, duty in enumerate(DUTIES, 1):
        w.p(f"{i}、{duty.format(s=unit.short)}")
    w.p("（二）机构设置及人员情况", "heading")
    w.p(
        f"{unit.short}内设科室{w.rng.randint(5, 14)}个，下属二级预算单位0个。人员情况详见"
        "部门整体支出绩效评价基础数据表。"
    )
    w.p("二、部门（单位）整体支出情况", "heading")
    w.p(
        f"{y}年度部门整体支出{w.m(f.total)}，资金来源为一般公共预算财政拨款和其他收入，"
        "全部用于保障机关运转和完成年度工作任务。"
    )
    w.p("三、部门（单位）整体支出绩效目标完成情况", "heading")
    w.p(
        "年度内，围绕中心工作，认真履行综合协调、督查督办、文稿起草、机要保密和档案管理等职责，"
        "各项工作任务按计划完成，部门整体支出绩效目标基本实现。"
    )
    score = f.unit_score
    if SCORE_SUM in inject:
        score = round(score + w.rng.choice(INJECTED_SCORE_OFFSETS), 2)
        score = score if score <= 100 else round(f.unit_score - 5, 2)
    w.overall = score
    a = f"部门整体绩效自评得分为{w.n(score)}分"
    w.p("四、部门（单位）整体支出绩效自评结论", "heading")
    w.p(f"经自评，{y}年度，{unit.name}{a}，自评等级为{'优' if score >= 90 else '良'}。")
    w.fact("perf.overall_score", score, a)
    w.overall_quote = a
    w.p("五、存在的问题及改进措施", "heading")
    w.p(
        "预算编制的精细化程度有待提高，部分绩效指标量化不够。下一步将加强预算绩效管理，"
        "科学设置绩效目标，强化绩效运行监控和结果应用。"
    )
    w.p(f"{y}年度部门整体支出绩效评价基础数据表", "heading")
    _base_table(w, unit, f, prev, inject)
    w.p(f"{y}年度部门整体支出绩效自评表", "heading")
    _unit_table(w, unit, f, "县级预算部门名称", inline=True)
    if SCORE_SUM in inject:
        w.inconsistency(
            SCORE_SUM,
            "perf.overall_score",
            a,
            f"部门整体支出绩效自评表总分{pct_text(score)}分，但各项指标得分合计"
            f"{pct_text(f.unit_score)}分",
        )
    w.p(f"{y}年度项目支出绩效自评报告", "heading")
    _project_tables(w, unit, f, first_annex=1)
    w.doc.truth = _truth(w, unit, f, "绩效自评")
    return w.doc


def _sangong_budgets(f: YearFigures, budget: int) -> dict[str, int]:
    """Given the figures and the stated 三公 budget, return each component's budget."""
    # split in proportion to spending, the remainder to 公务接待费: they add up to the budget
    parts = {
        "outbound": f.outbound,
        "purchase": f.vehicle_purchase,
        "operation": f.vehicle_operation,
    }
    out = {k: v * budget // f.sangong for k, v in parts.items()}
    out["reception"] = budget - sum(out.values())
    return out


def _base_table(w: Writer, unit: Unit, f: YearFigures, prev: YearFigures, inject) -> None:
    """Given this and last year's figures, add the 部门整体支出绩效评价基础数据表."""
    y = f.year
    total = stated_sangong(unit, y, inject, w.seed)
    prior_total = stated_sangong(unit, y - 1, inject, w.seed)
    budget = stated_sangong_budget(unit, y, inject, w.seed)
    b = _sangong_budgets(f, budget)
    vehicle_budget = b["purchase"] + b["operation"]
    sangong_budget = vehicle_budget + b["outbound"] + b["reception"]
    rows: list[list[tuple[str, int]]] = [
        [("财政供养人员情况（人）", 2), ("编制数", 2), (f"{y}年实际在职人数", 2), ("控制率", 2)],
        [
            ("", 2),
            (str(f.staff_authorized), 2),
            (str(f.staff_actual), 2),
            (f"{pct_text(pct(f.staff_actual, f.staff_authorized))}%", 2),
        ],
        [
            ("经费控制情况（万元）", 2),
            (f"{y - 1}年决算数", 2),
            (f"{y}年预算数", 2),
            (f"{y}年决算数", 2),
        ],
    ]
    w.fact("staff.authorized", f.staff_authorized, f"编制数\t{f.staff_authorized}")
    w.fact("staff.actual", f.staff_actual, f"{y}年实际在职人数\t{f.staff_actual}")
    lines = (
        ("一、部门基本支出", prev.basic, int(f.basic * 0.97), f.basic, "expenditure.basic", None),
        ("三公经费", prior_total, sangong_budget, total, "sangong.total", "sangong.budget"),
        (
            "1.公务用车购置及运行维护费",
            prev.vehicle,
            vehicle_budget,
            f.vehicle,
            "sangong.vehicle",
            "sangong.vehicle.budget",
        ),
        (
            "其中：公务用车购置费",
            prev.vehicle_purchase,
            b["purchase"],
            f.vehicle_purchase,
            "sangong.vehicle.purchase",
            "sangong.vehicle.purchase.budget",
        ),
        (
            "公务用车运行维护费",
            prev.vehicle_operation,
            b["operation"],
            f.vehicle_operation,
            "sangong.vehicle.operation",
            "sangong.vehicle.operation.budget",
        ),
        (
            "2.因公出国（境）费",
            prev.outbound,
            b["outbound"],
            f.outbound,
            "sangong.outbound",
            "sangong.outbound.budget",
        ),
        (
            "3.公务接待费",
            prev.reception,
            b["reception"],
            f.reception,
            "sangong.reception",
            "sangong.reception.budget",
        ),
        (
            "二、项目支出小计",
            prev.project_total,
            sum(p.initial for p in f.projects),
            f.project_total,
            "expenditure.project",
            None,
        ),
    )
    for label, before, budget, actual, metric, budget_metric in lines:
        rows.append([(label, 2), (wan(before), 2), (wan(budget), 2), (wan(actual), 2)])
        quote = f"{label}\t{wan(before)}\t{wan(budget)}\t{wan(actual)}"
        w.fact(metric, actual / 100, quote)
        if budget_metric:
            w.fact(budget_metric, budget / 100, quote)
    procurement = f"政府采购金额\t——\t{wan(f.procurement_total)}\t{wan(f.procurement_total)}"
    rows.append(
        [
            ("政府采购金额", 2),
            ("——", 2),
            (wan(f.procurement_total), 2),
            (wan(f.procurement_total), 2),
        ]
    )
    w.fact("procurement.total", f.procurement_total / 100, procurement)
    w.table(rows, TABLE_WIDTHS)
    sangong_row = f"三公经费\t{wan(prior_total)}\t{wan(sangong_budget)}\t{wan(total)}"
    if SANGONG_OVER_BUDGET in inject:
        w.inconsistency(
            SANGONG_OVER_BUDGET,
            "sangong.total",
            sangong_row,
            f"三公经费决算数{wan(total)}万元超过预算数{wan(sangong_budget)}万元",
        )
    if SANGONG_COMPONENTS in inject:
        w.inconsistency(
            SANGONG_COMPONENTS,
            "sangong.total",
            sangong_row,
            f"三公经费决算数{wan(total)}万元，但公务用车购置及运行维护费{wan(f.vehicle)}万元、"
            f"因公出国（境）费{wan(f.outbound)}万元、公务接待费{wan(f.reception)}万元，"
            f"合计{wan(f.sangong)}万元",
        )
