"""Synthetic 部门决算 reports on the national template, for any unit kind, region and
provincial variant: the nine standard 附表 with consistent figures, then the template's
standard sentences.  Used by the tests to check that identity and table values are read
for every kind of unit and every variant of /shared/spec/formats.md, in PDF and DOCX.

Regions are real (so that city and province can be checked against the division list); every
report says 合成数据 on its cover and in its first line, and the figures are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache

from etl.synth.text import Document, Para, Table, wan
from etl.vocab.catalogue import load as load_catalogue
from etl.vocab.functions import function_names

SYNTHETIC_LINE = "（合成数据，非真实报告，仅供测试）"
AMOUNT_RANGE = (2_000, 60_000)  # one 项's amount, hundredths of 万元 (20 to 600 万元)
PROJECT_SHARE = (0.15, 0.45)  # share of an item spent on projects
NUMERALS = "一二三四五六七八九十"
# The 收入支出决算总表's income lines, in the template's order.
INCOME_METRICS = (
    "income.general_budget", "income.gov_fund", "income.state_capital", "income.superior_subsidy",
    "income.business", "income.operating", "income.affiliate", "income.other",
)  # fmt: skip

# A real unit name of each unit type (etl/vocab/unit_kinds.csv), to put on generated covers.
SAMPLE_UNITS = {
    "党委部门": "中共乐山市金口河区委组织部", "政府部门": "上海市普陀区财政局",
    "人大": "双牌县人民代表大会常务委员会办公室", "政协": "中国人民政治协商会议安居区委员会",
    "法院": "峨边彝族自治县人民法院", "检察院": "上海市普陀区人民检察院",
    "人民团体": "双牌县总工会", "事业单位": "安居区疾病预防控制中心", "学校": "双牌县第一中学",
    "医院": "峨边彝族自治县人民医院", "乡镇": "双牌县江村镇人民政府",
    "街道": "上海市普陀区长寿路街道办事处",
}  # fmt: skip
# Which 功能分类 item a unit type's own running costs go to (行政运行 or 事业运行 of its 款).
MAIN_ITEM = {
    "党委部门": "2013101", "政府部门": "2010601", "人大": "2010101", "政协": "2010301",
    "法院": "2010301", "检察院": "2010301", "人民团体": "2012901", "事业单位": "2010350",
    "学校": "2050203", "医院": "2100201", "乡镇": "2010301", "街道": "2010301",
}  # fmt: skip
COMMON_ITEMS = ("2080505", "2101101", "2210201")  # pensions, medical, housing: every unit
# Economic classification lines of 基本支出: (code, name, personnel?)
ECONOMIC_LINES = (
    ("30101", "基本工资", True), ("30102", "津贴补贴", True), ("30108", "机关事业单位基本养老保险缴费", True),
    ("30113", "住房公积金", True), ("30302", "退休费", True), ("30201", "办公费", False),
    ("30211", "差旅费", False), ("30231", "公务用车运行维护费", False), ("31002", "办公设备购置", False),
)  # fmt: skip
ECONOMIC_HEADS = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助",
                  "310": "资本性支出"}  # fmt: skip


@dataclass(frozen=True)
class Variant:
    """How a province lays out its 部门决算 (formats.md, 'Variants seen in published reports')."""

    key: str
    label: str
    numbered_tables: bool = False  # 表一…表九 (Guangxi)
    tables_after_narrative: bool = False  # tables after the 情况说明 (Inner Mongolia)
    contents_page: bool = True  # Chongqing, Zhejiang open straight into the narrative
    sangong_meeting_training: bool = False  # 三公 table adds 会议费, 培训费 (Shaanxi)
    legacy_names: bool = False  # 公共财政拨款 for 一般公共预算财政拨款 (2014–2016)
    extra_tables: bool = False  # 项目收入支出决算表, 项目支出决算明细表, 信息表 (Inner Mongolia)
    by_unit: bool = False  # 收入决算表（按单位列示）: 本级 and a subordinate unit (Tianjin)
    sangong_title: str = "财政拨款“三公”经费支出决算表"  # Yunnan: 表九 with 机关运行经费
    tables_as_text: bool = False  # no 附表: each figure a sentence, worded from the catalogue


VARIANTS = (
    Variant("national", "全国模板（上海式）"),
    Variant("guangxi", "表一…表九编号（广西）", numbered_tables=True),
    Variant(
        "inner_mongolia",
        "十二张表、附表在情况说明之后（内蒙古）",
        tables_after_narrative=True,
        extra_tables=True,
    ),
    Variant("tianjin", "收入决算表按单位列示（天津）", by_unit=True),
    Variant(
        "yunnan",
        "三公经费、行政参公单位机关运行经费情况表（云南）",
        numbered_tables=True,
        sangong_title="“三公”经费、行政参公单位机关运行经费情况表",
    ),
    Variant("chongqing", "无目录（重庆、浙江）", contents_page=False),
    Variant("shaanxi", "三公表含会议费、培训费（陕西）", sangong_meeting_training=True),
    Variant("legacy", "旧称公共财政拨款（2014–2016）", legacy_names=True),
    Variant("running_text", "表格写成正文（2014–2016）", contents_page=False, tables_as_text=True),
)
# The running-text variant's sentences: (section heading, metric, how the figure is had).
# The metric's name in each sentence is drawn from the catalogue's names (synonyms and older
# names), so the generator varies exactly what the reader must know.
TEXT_SECTIONS = (
    ("一、收入支出决算总体情况说明", "total.income_expenditure"),
    ("二、收入决算情况说明", "income.total"),
    ("二、收入决算情况说明", "income.general_budget"),
    ("三、支出决算情况说明", "expenditure.total"),
    ("三、支出决算情况说明", "expenditure.basic"),
    ("三、支出决算情况说明", "expenditure.project"),
    ("五、一般公共预算财政拨款支出决算情况说明", "gpb.total"),
    ("六、一般公共预算财政拨款基本支出决算情况说明", "basic.personnel"),
    ("六、一般公共预算财政拨款基本支出决算情况说明", "basic.public"),
)
BE_WORDS = ("为", "", "共计")
REASON = (
    "主要原因是严格执行预算，按照厉行节约的要求控制一般性支出，保障单位正常运转和各项工作开展。"
)


@dataclass
class Figures:
    """One report's invented figures, in hundredths of 万元, adding up by construction."""

    items: dict[str, tuple[int, int]]  # 项 code -> (basic, project)
    economic: dict[str, int]  # economic line code -> amount (sums to the basic total)
    business_income: int  # 事业收入 (spent as basic expenditure on the main item)
    sangong: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (budget, actual)

    @property
    def basic(self) -> int:
        return sum(b for b, _ in self.items.values())

    @property
    def project(self) -> int:
        return sum(p for _, p in self.items.values())

    @property
    def gpb(self) -> int:
        return self.basic + self.project


@cache
def catalogue_names() -> dict[str, tuple[str, ...]]:
    """Given nothing, return each metric's names in the catalogue (etl/vocab/metrics.toml)."""
    return {key: m.names for key, m in load_catalogue().metrics.items() if m.names}


def make_figures(unit_type: str, seed: int) -> Figures:
    """Given a unit type and a seed, return consistent figures for one report."""
    rng = random.Random(seed)
    codes = [MAIN_ITEM.get(unit_type, "2010301"), *COMMON_ITEMS]
    items = {}
    for code in codes:
        amount = rng.randint(*AMOUNT_RANGE)
        project = int(amount * rng.uniform(*PROJECT_SHARE)) if code == codes[0] else 0
        items[code] = (amount - project, project)
    basic = sum(b for b, _ in items.values())
    # spread the basic total over the economic lines; the last line takes the remainder
    weights = [rng.randint(1, 10) for _ in ECONOMIC_LINES]
    economic, left = {}, basic
    for (code, _name, _p), w in zip(ECONOMIC_LINES[:-1], weights, strict=False):
        economic[code] = basic * w // sum(weights)
        left -= economic[code]
    economic[ECONOMIC_LINES[-1][0]] = left
    business = (
        rng.choice((0, rng.randint(500, 5_000))) if unit_type in ("学校", "医院", "事业单位") else 0
    )
    vehicle_op = economic["30231"]
    reception = rng.randint(20, 400)
    sangong = {
        "outbound": (0, 0),
        "purchase": (0, 0),
        "operation": (vehicle_op + rng.randint(0, 300), vehicle_op),
        "reception": (reception + rng.randint(0, 200), reception),
        "meeting": (rng.randint(100, 900), 0),
        "training": (rng.randint(100, 900), 0),
    }
    sangong["meeting"] = (sangong["meeting"][0], sangong["meeting"][0] - rng.randint(0, 90))
    sangong["training"] = (sangong["training"][0], sangong["training"][0] - rng.randint(0, 90))
    return Figures(items, economic, business, sangong)


def _t(rows: list[list[str]], widths: tuple[float, ...] | None = None) -> Table:
    """Given rows of cell texts (None continues a span), return a synth Table."""
    out = []
    for row in rows:
        cells: list[tuple[str, int]] = []
        for cell in row:
            if cell is None and cells:
                text, span = cells[-1]
                cells[-1] = (text, span + 1)
            else:
                cells.append((cell or "", 1))
        out.append(cells)
    width = len(rows[0])
    return Table(out, widths or tuple([1.0] * width))


class TemplateReport:
    """Writes one national-template 部门决算 for a unit, year, variant and figures."""

    def __init__(self, unit_name: str, year: int, variant: Variant, f: Figures):
        self.unit = unit_name
        self.year = year
        self.v = variant
        self.f = f
        self.gpb_word = "公共财政拨款" if variant.legacy_names else "一般公共预算财政拨款"
        self.doc = Document()
        self.metrics: dict[str, float] = {}
        self.cells: list[tuple[str, str, str, float]] = []  # provincial tables' amount cells
        self.table_no = 0

    def p(self, text: str, style: str = "body") -> None:
        self.doc.elements.append(Para(text, style))

    def stated(self, metric: str, c: int) -> None:
        self.metrics[metric] = round(c / 100, 2)

    def title(self, name: str) -> None:
        self.table_no += 1
        prefix = f"表{NUMERALS[self.table_no - 1]}：" if self.v.numbered_tables else ""
        self.p(prefix + name, "heading")
        self.p(f"编制单位：{self.unit}　　单位：万元", "note")

    # ------------------------------------------------------------------ tables
    def tables(self) -> None:
        f = self.f
        total = f.gpb + f.business_income
        self.title("收入支出决算总表")
        rows = [["收入", None, "支出", None], ["项目", "决算数", "项目", "决算数"]]
        classes = self._classes()
        income_lines = [(f"一、{self.gpb_word}收入", f.gpb), ("二、政府性基金预算财政拨款收入", 0),
                        ("三、国有资本经营预算财政拨款收入", 0), ("四、上级补助收入", 0),
                        ("五、事业收入", f.business_income), ("六、经营收入", 0),
                        ("七、附属单位上缴收入", 0), ("八、其他收入", 0)]  # fmt: skip
        for metric, (_label, amount) in zip(INCOME_METRICS, income_lines, strict=True):
            self.stated(metric, amount)
        spend_lines = [
            (
                f"{NUMERALS[i]}、{function_names()[code]}",
                amount + (f.business_income if i == 0 else 0),
            )
            for i, (code, amount) in enumerate(classes.items())
        ]
        for i in range(max(len(income_lines), len(spend_lines))):
            left = income_lines[i] if i < len(income_lines) else ("", None)
            right = spend_lines[i] if i < len(spend_lines) else ("", None)
            rows.append([left[0], _amount(left[1]), right[0], _amount(right[1])])
        rows.append(["本年收入合计", wan(total), "本年支出合计", wan(total)])
        rows.append(["年初结转和结余", "0", "年末结转和结余", "0"])
        rows.append(["总计", wan(total), "总计", wan(total)])
        self.doc.elements.append(_t(rows))
        self.stated("total.income_expenditure", total)
        self.stated("income.total", total)
        self.stated("expenditure.total", total)

        if self.v.by_unit:
            self.title("收入决算表（按单位列示）")
            rows = [["单位名称", "本年收入合计", "财政拨款收入", "事业收入", "其他收入"]]
            rows.append(["合计", wan(total), wan(f.gpb), wan(f.business_income), "0"])
            own = f.gpb * 3 // 5  # 本级 and one subordinate unit share the fiscal income
            rows.append([f"{self.unit}（本级）", wan(own + f.business_income), wan(own),
                         wan(f.business_income), "0"])  # fmt: skip
            rest = f.gpb - own
            rows.append([f"{self.unit[:-1]}所属服务中心", wan(rest), wan(rest), "0", "0"])
        else:
            self.title("收入决算表")
            rows = [
                ["科目编码", "科目名称", "本年收入合计", "财政拨款收入", "事业收入", "其他收入"]
            ]
            rows.append(["", "合计", wan(total), wan(f.gpb), wan(f.business_income), "0"])
        self.doc.elements.append(_t(rows))
        self.stated("income.general_budget", f.gpb)

        self.title("支出决算表")
        rows = [["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"]]
        rows.append(["", "合计", wan(total), wan(f.basic + f.business_income), wan(f.project)])
        rows += self._function_rows(extra=f.business_income)
        self.doc.elements.append(_t(rows))
        self.stated("expenditure.basic", f.basic + f.business_income)
        self.stated("expenditure.project", f.project)

        self.title("财政拨款收入支出决算总表")
        rows = [["项目", "决算数", "项目", "合计"],
                [f"一、{self.gpb_word}", wan(f.gpb), "本年支出合计", wan(f.gpb)],
                ["二、政府性基金预算财政拨款", "0", "年末财政拨款结转和结余", "0"],
                ["总计", wan(f.gpb), "总计", wan(f.gpb)]]  # fmt: skip
        self.doc.elements.append(_t(rows))
        self.stated("fiscal.total", f.gpb)

        self.title(f"{self.gpb_word}支出决算表")
        rows = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
        rows.append(["", "合计", wan(f.gpb), wan(f.basic), wan(f.project)])
        rows += self._function_rows(extra=0)
        self.doc.elements.append(_t(rows))
        self.stated("gpb.total", f.gpb)

        self.title(f"{self.gpb_word}基本支出决算表")
        rows = [["科目编码", "科目名称", "决算数"]]
        personnel = public = 0
        for head, head_name in ECONOMIC_HEADS.items():
            lines = [(c, n, p) for c, n, p in ECONOMIC_LINES if c.startswith(head)]
            if not lines:
                continue
            amount = sum(f.economic[c] for c, _, _ in lines)
            rows.append([head, head_name, wan(amount)])
            for code, name, is_personnel in lines:
                rows.append([code, name, wan(f.economic[code])])
                personnel += f.economic[code] if is_personnel else 0
                public += 0 if is_personnel else f.economic[code]
        rows.append(["", "人员经费合计", wan(personnel)])
        rows.append(["", "公用经费合计", wan(public)])
        self.doc.elements.append(_t(rows))
        self.stated("basic.personnel", personnel)
        self.stated("basic.public", public)

        self._sangong_table()

        for name in ("政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表"):
            self.title(name)
            self.doc.elements.append(_t([["科目编码", "科目名称", "本年收入", "本年支出"],
                                         ["", "合计", "", ""]]))  # fmt: skip
            self.p(f"说明：{self.unit}本年度没有{name[:-5]}收入和支出，故本表无数据。", "note")
        if self.v.extra_tables:
            self._extra_tables()

    def _extra_tables(self) -> None:
        """Given the Inner Mongolia variant, append its three further tables (no metrics)."""
        f = self.f
        main = next(iter(f.items))
        project = f.items[main][1]
        name, amount = "履职业务专项经费", round(project / 100, 2)
        self.title("项目收入支出决算表")
        self.doc.elements.append(_t([["项目名称", "本年收入", "本年支出"],
                                     [name, wan(project), wan(project)]]))  # fmt: skip
        self.title("项目支出决算明细表")
        self.doc.elements.append(_t([["项目名称", "经济分类科目", "决算数"],
                                     [name, "30299其他商品和服务支出", wan(project)]]))  # fmt: skip
        self.cells += [("project_income", name, "本年收入", amount),
                       ("project_income", name, "本年支出", amount),
                       ("project_detail", name, "决算数", amount),
                       ("im_info", "车辆数（辆）", "数量或金额", 2.0),
                       ("im_info", "政府采购支出合计（万元）", "数量或金额", amount)]  # fmt: skip
        self.title("机关运行经费、国有资产、政府采购情况表")
        self.doc.elements.append(_t([["项目", "数量或金额"], ["车辆数（辆）", "2"],
                                     ["政府采购支出合计（万元）", wan(project)]]))  # fmt: skip

    def _sangong_table(self) -> None:
        s = self.f.sangong
        vehicle = [s["purchase"][i] + s["operation"][i] for i in (0, 1)]
        total = [s["outbound"][i] + vehicle[i] + s["reception"][i] for i in (0, 1)]
        self.title(self.v.sangong_title)
        heads = ["合计", None, "因公出国（境）费", None, "公务用车购置及运行维护费", None,
                 None, None, None, None, "公务接待费", None]  # fmt: skip
        subs = ["", None, "", None, "小计", None, "公务用车购置费", None, "公务用车运行维护费", None,
                "", None]  # fmt: skip
        values = [total, s["outbound"], vehicle, s["purchase"], s["operation"], s["reception"]]
        if self.v.sangong_meeting_training:
            heads += ["会议费", None, "培训费", None]
            subs += ["", None, "", None]
            values += [s["meeting"], s["training"]]
        kinds = ["预算数", "决算数"] * len(values)
        row = [wan(v[i]) for v in values for i in (0, 1)]
        self.doc.elements.append(_t([heads, subs, kinds, row]))
        for key, pair in (("sangong", total), ("sangong.outbound", s["outbound"]),
                          ("sangong.vehicle", vehicle), ("sangong.vehicle.purchase", s["purchase"]),
                          ("sangong.vehicle.operation", s["operation"]),
                          ("sangong.reception", s["reception"])):  # fmt: skip
            self.stated(f"{key}.budget", pair[0])
            self.stated("sangong.total" if key == "sangong" else key, pair[1])

    def _classes(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for code, (b, p) in sorted(self.f.items.items()):
            out[code[:3]] = out.get(code[:3], 0) + b + p
        return out

    def _function_rows(self, extra: int) -> list[list[str]]:
        """Given extra basic spending on the main item, return 类, 款 and 项 rows in code order."""
        names = function_names()
        main = next(iter(self.f.items))
        codes = sorted(self.f.items)
        rows = []
        for prefix in sorted({c[:3] for c in codes} | {c[:5] for c in codes} | set(codes)):
            under = [c for c in codes if c.startswith(prefix)]
            b = sum(self.f.items[c][0] + (extra if c == main else 0) for c in under)
            p = sum(self.f.items[c][1] for c in under)
            rows.append([prefix, names[prefix], wan(b + p), wan(b), wan(p)])
        return rows

    # ------------------------------------------------------------------ text
    def narrative(self) -> None:
        f = self.f
        total = f.gpb + f.business_income
        self.p(f"第三部分 {self.unit}{self.year}年度部门决算情况说明", "heading")
        self.p("一、收入支出决算总体情况说明", "heading")
        self.p(f"{self.unit}{self.year}年度收入支出总计{wan(total)}万元。")
        self.p("二、收入决算情况说明", "heading")
        self.p(f"本年收入合计{wan(total)}万元，其中：财政拨款收入{wan(f.gpb)}万元。")
        self.p("三、支出决算情况说明", "heading")
        self.p(f"本年支出合计{wan(total)}万元，其中：基本支出{wan(f.basic + f.business_income)}万元；"
               f"项目支出{wan(f.project)}万元。")  # fmt: skip
        self.p("四、财政拨款收入支出决算总体情况说明", "heading")
        self.p(f"{self.unit}{self.year}年度财政拨款收入支出总计{wan(f.gpb)}万元。")
        self.p(f"五、{self.gpb_word}支出决算情况说明", "heading")
        self.p(f"{self.gpb_word}支出{wan(f.gpb)}万元。")

    def running_text(self) -> None:
        """Given the running-text variant, state each figure in a sentence of its own whose
        name for the metric is drawn from the catalogue."""
        f = self.f
        total = f.gpb + f.business_income
        amounts = {
            "total.income_expenditure": total, "income.total": total,
            "income.general_budget": f.gpb, "expenditure.total": total,
            "expenditure.basic": f.basic + f.business_income, "expenditure.project": f.project,
            "gpb.total": f.gpb, "basic.personnel": self._economic(True),
            "basic.public": self._economic(False),
        }  # fmt: skip
        rng = random.Random(sum(amounts.values()))
        names = catalogue_names()
        heading = None
        self.p(f"第二部分 {self.unit}{self.year}年度部门决算情况说明", "heading")
        for section, metric in TEXT_SECTIONS:
            if section != heading:
                self.p(section, "heading")
                heading = section
            name = rng.choice(names[metric])
            self.p(
                f"{self.year}年度{name}{rng.choice(BE_WORDS)}{wan(amounts[metric])}万元。"
                + REASON  # a paragraph of real length: it wraps, as report paragraphs do
            )
            self.stated(metric, amounts[metric])

    def _economic(self, personnel: bool) -> int:
        """Given which half, return 人员经费 (301, 303) or 公用经费 (302, 310) of 基本支出."""
        return sum(self.f.economic[c] for c, _n, p in ECONOMIC_LINES if p == personnel)

    def render(self) -> Document:
        self.p(SYNTHETIC_LINE, "note")
        self.p(self.unit, "title")
        self.p(f"{self.year}年度部门决算", "title")
        if self.v.contents_page:
            self.p("目录", "heading")
            for part in ("第一部分 部门概况", "第二部分 部门决算表", "第三部分 部门决算情况说明"):
                self.p(part, "body")
        self.p(f"第一部分 {self.unit}概况", "heading")
        self.p("一、主要职能", "heading")
        self.p(f"{self.unit}（合成数据）依法履行本单位职责。")
        if self.v.tables_as_text:
            self.running_text()
        elif not self.v.tables_after_narrative:
            self.p(f"第二部分 {self.unit}{self.year}年度部门决算表", "heading")
            self.tables()
            self.narrative()
        else:
            self.narrative()
            self.p(f"第四部分 {self.unit}{self.year}年度部门决算表", "heading")
            self.tables()
        return self.doc


def _amount(c: int | None) -> str:
    return "" if c is None else wan(c)


def template_report(
    unit_name: str, unit_type: str, year: int, variant: Variant, seed: int
) -> Document:
    """Given a unit, its type, a year, a variant and a seed, return the report and its truth."""
    figures = make_figures(unit_type, seed)
    writer = TemplateReport(unit_name, year, variant, figures)
    doc = writer.render()
    doc.truth = {"unit_name": unit_name, "unit_type": unit_type, "fiscal_year": year,
                 "doc_kind": "决算", "variant": variant.key, "metrics": writer.metrics,
                 "provincial_cells": writer.cells}  # fmt: skip
    return doc


def template_corpus(year: int = 2024, seed: int = 1):
    """Given a year and a seed, yield (stem, Document): every unit type on the national
    template in that year, then every variant for the 政府部门 in the years before it (one
    report per unit, year and kind, as a warehouse keeps them)."""
    cases = [(kind, VARIANTS[0], year) for kind in SAMPLE_UNITS]
    cases += [("政府部门", v, year - j) for j, v in enumerate(VARIANTS[1:], 1)]
    for i, (kind, variant, when) in enumerate(cases):
        stem = f"tpl{seed}_{i:02d}_{variant.key}"
        yield stem, template_report(SAMPLE_UNITS[kind], kind, when, variant, seed * 1000 + i)
