"""Figures of synthetic units over consecutive years: amounts that add up and chain.

All money is held as integer hundredths of 万元 (1 = 100 元) so that parts add to totals
exactly; the text layer formats them.  A unit's series starts one year before the first
reported year so that the first report can state its change against the prior year.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Syllables of the fictional region names (two of them + 县/区); none contains 县/区/市.
REGION_SYLLABLES = "澄岚翠泓黛澜檀棠桉芷蘅琅珂璟瑜珩汀淇沅湄"
REGION_SUFFIXES = ("县", "区")
UNIT_KINDS = ("party", "government")  # 中共××县委办公室 / ××县人民政府办公室
# Distinct region names available: (syllables) x (syllables - 1), two units per region.
MAX_UNITS = len(REGION_SYLLABLES) * (len(REGION_SYLLABLES) - 1) * len(UNIT_KINDS)

# Vehicle types (三公 section) and uses (国有资产 section), in the reports' order.
VEHICLE_TYPES = ("轿车", "越野车", "载客汽车")
VEHICLE_USES = (
    "部级领导干部用车",
    "主要领导干部用车",
    "机要通信用车",
    "应急保障用车",
    "执法执勤用车",
    "特种专业技术用车",
    "离退休干部用车",
    "其他用车",
)
VEHICLE_USE_KEYS = (
    "vehicles.ministerial",
    "vehicles.leadership",
    "vehicles.confidential",
    "vehicles.emergency",
    "vehicles.law_enforcement",
    "vehicles.special",
    "vehicles.retiree",
    "vehicles.other",
)
# Uses a county office may hold (no 部级 cars), with draw weights.
USE_WEIGHTS = (0, 2, 2, 5, 3, 1, 1, 3)
CAR_PRICE_RANGE = (1200, 2800)  # purchase price per car, hundredths of 万元
YEAR_GROWTH = (-0.18, 0.15)  # relative change of spending from one year to the next

PROJECT_NAMES = (
    "机关运转保障经费",
    "信息化系统运行维护经费",
    "督查督办工作经费",
    "保密及机要通信工作经费",
    "档案管理及数字化经费",
    "重大会议服务保障经费",
    "综合文稿及调研工作经费",
    "乡村振兴联系帮扶经费",
    "政务服务热线运行经费",
    "应急值守保障经费",
)
# 功能分类 items: (类 name as listed, 类 in the item line, 款, 项, share of basic or project)
GENERAL_KUAN = {
    "party": "党委办公厅（室）及相关机构事务",
    "government": "政府办公厅（室）及相关机构事务",
}


@dataclass
class Project:
    """One project of one year: budgets, execution and its self-evaluation."""

    name: str
    code: str
    initial: int
    adjusted: int
    executed: int
    indicators: list[tuple[str, str, str, str, str, float, float]]  # l1,l2,l3,target,actual,w,s


@dataclass
class YearFigures:
    """Everything a unit's report of one year states, consistent by construction."""

    year: int
    personnel: int
    public: int
    projects: list[Project]
    other_income: int
    sangong_budget: int
    outbound: int
    outbound_groups: int
    outbound_persons: int
    vehicle_purchase: int
    purchase_count: int
    purchase_types: tuple[int, int, int]
    vehicle_operation: int
    reception: int
    reception_batches: int
    reception_persons: int
    fleet_types: tuple[int, int, int]
    fleet_uses: tuple[int, ...]
    procurement: tuple[int, int, int]  # goods, works, services
    sme: int
    small_micro: int
    staff_authorized: int
    staff_actual: int
    budget_initial: int
    budget_full_year: int
    unit_indicators: list[tuple[str, str, str, str, str, float, float]]
    function_split: list[tuple[str, str, str, str, int]] = field(default_factory=list)

    @property
    def basic(self) -> int:
        """Given the figures, return 基本支出 (人员经费 + 公用经费)."""
        return self.personnel + self.public

    @property
    def project_total(self) -> int:
        """Given the figures, return 项目支出 (the sum of the projects' execution)."""
        return sum(p.executed for p in self.projects)

    @property
    def total(self) -> int:
        """Given the figures, return 收支总计 (= 本年收入合计 = 本年支出合计)."""
        return self.basic + self.project_total

    @property
    def general_budget(self) -> int:
        """Given the figures, return 一般公共预算财政拨款 (all income but 其他收入)."""
        return self.total - self.other_income

    @property
    def vehicle(self) -> int:
        """Given the figures, return 公务用车购置及运行维护费."""
        return self.vehicle_purchase + self.vehicle_operation

    @property
    def sangong(self) -> int:
        """Given the figures, return the 三公 total (its three components summed)."""
        return self.outbound + self.vehicle + self.reception

    @property
    def fleet(self) -> int:
        """Given the figures, return the number of vehicles at year end."""
        return sum(self.fleet_types)

    @property
    def procurement_total(self) -> int:
        """Given the figures, return 政府采购支出总额."""
        return sum(self.procurement)

    @property
    def unit_score(self) -> float:
        """Given the figures, return the unit-wide self-evaluation score (sum of items)."""
        return round(sum(i[6] for i in self.unit_indicators), 2)


@dataclass
class Unit:
    """A fictional unit and its figures per year (including the year before the first report)."""

    index: int
    kind: str
    region: str
    name: str
    short: str
    code_prefix: str
    years: dict[int, YearFigures]


def region_name(index: int) -> str:
    """Given a unit index, return a fictional region name (two syllables + 县/区), unique per region."""
    n = len(REGION_SYLLABLES)
    r = index // len(UNIT_KINDS)
    a = REGION_SYLLABLES[r % n]
    b = REGION_SYLLABLES[(r // n + r % n + 1) % n]
    return a + b + REGION_SUFFIXES[1 if r % 5 == 4 else 0]


def make_unit(seed: int, index: int, first_year: int, years: int) -> Unit:
    """Given a seed, a unit index and the reported years, return the unit with its series."""
    rng = random.Random(f"synth:{seed}:{index}")
    kind = UNIT_KINDS[index % len(UNIT_KINDS)]
    region = region_name(index)
    level = region[-1]
    if kind == "party":
        name, short = f"中共{region}委办公室", f"{level}委办"
    else:
        name, short = f"{region}人民政府办公室", f"{level}政府办"
    code_prefix = f"5{rng.randint(10000, 99999)}"
    scale = rng.uniform(0.5, 3.0)
    fleet = _initial_fleet(rng)
    series: dict[int, YearFigures] = {}
    prev: YearFigures | None = None
    for year in range(first_year - 1, first_year + years):
        prev = _year(rng, year, scale, kind, code_prefix, prev, fleet)
        fleet = list(prev.fleet_uses), prev.fleet_types
        series[year] = prev
    return Unit(index, kind, region, name, short, code_prefix, series)


def _initial_fleet(rng: random.Random) -> tuple[list[int], tuple[int, int, int]]:
    """Given a random source, return a fleet as (count per use, count per type)."""
    n = rng.randint(1, 14)
    uses = [0] * len(VEHICLE_USES)
    for _ in range(n):
        uses[rng.choices(range(len(VEHICLE_USES)), USE_WEIGHTS)[0]] += 1
    return uses, _split_types(rng, n)


def _split_types(rng: random.Random, n: int) -> tuple[int, int, int]:
    """Given a number of vehicles, return it split into sedans, SUVs and buses."""
    suv = rng.randint(0, n)
    bus = rng.randint(0, n - suv) if rng.random() < 0.3 else 0
    return n - suv - bus, suv, bus


def _grow(rng: random.Random, base: int) -> int:
    """Given an amount, return it changed by a random yearly growth (never zero change)."""
    value = int(base * (1 + rng.uniform(*YEAR_GROWTH)))
    return value + 1 if value == base else max(value, 1)


def _year(rng, year, scale, kind, code_prefix, prev, fleet) -> YearFigures:
    """Given the unit's random source and last year's figures, return this year's figures."""
    if prev is None:
        personnel = int(rng.uniform(250, 900) * scale * 100)
        public = int(personnel * rng.uniform(0.08, 0.2))
    else:
        personnel, public = _grow(rng, prev.personnel), _grow(rng, prev.public)
    projects = [_project(rng, year, code_prefix, i, scale) for i in _project_picks(rng)]
    other_income = rng.choice((0, 0, 0, rng.randint(1, 300)))
    other_income = min(other_income, sum(p.executed for p in projects))
    # 三公
    outbound = rng.choice((0, 0, 0, rng.randint(150, 900)))
    groups = 0 if outbound == 0 else rng.randint(1, 2)
    persons = 0 if outbound == 0 else groups * rng.randint(1, 4)
    uses, types = fleet
    purchase_count = rng.choice((0, 0, 0, 1, 2))
    purchase_types = _split_types(rng, purchase_count)
    vehicle_purchase = sum(rng.randint(*CAR_PRICE_RANGE) for _ in range(purchase_count))
    retired = min(rng.choice((0, 0, 1)), sum(uses))
    uses = list(uses)
    types = list(types)
    for _ in range(retired):
        i = max(range(len(uses)), key=lambda k: uses[k])
        uses[i] -= 1
        j = max(range(3), key=lambda k: types[k])
        types[j] -= 1
    for _ in range(purchase_count):
        uses[rng.choices(range(len(VEHICLE_USES)), USE_WEIGHTS)[0]] += 1
    types = [t + p for t, p in zip(types, purchase_types, strict=True)]
    n_cars = sum(uses)
    vehicle_operation = n_cars * rng.randint(80, 260) + rng.randint(0, 99)
    reception = rng.randint(30, 600)
    batches = rng.randint(3, 40)
    sangong_total = outbound + vehicle_purchase + vehicle_operation + reception
    sangong_budget = int(sangong_total / rng.uniform(0.85, 1.0)) + rng.choice((0, 0, 1))
    goods = rng.randint(0, 6000)
    works = rng.choice((0, 0, rng.randint(0, 9000)))
    services = rng.choice((0, rng.randint(0, 5000)))
    proc_total = goods + works + services
    sme = int(proc_total * rng.uniform(0, 1)) if proc_total else 0
    small = int(sme * rng.uniform(0, 1)) if sme else 0
    authorized = rng.randint(15, 80)
    actual = authorized - rng.randint(0, 6)
    total = personnel + public + sum(p.executed for p in projects)
    budget_initial = int(total * rng.uniform(0.6, 0.95))
    return YearFigures(
        year=year,
        personnel=personnel,
        public=public,
        projects=projects,
        other_income=other_income,
        sangong_budget=sangong_budget,
        outbound=outbound,
        outbound_groups=groups,
        outbound_persons=persons,
        vehicle_purchase=vehicle_purchase,
        purchase_count=purchase_count,
        purchase_types=purchase_types,
        vehicle_operation=vehicle_operation,
        reception=reception,
        reception_batches=batches,
        reception_persons=batches * rng.randint(2, 9),
        fleet_types=tuple(types),
        fleet_uses=tuple(uses),
        procurement=(goods, works, services),
        sme=sme,
        small_micro=small,
        staff_authorized=authorized,
        staff_actual=actual,
        budget_initial=budget_initial,
        budget_full_year=total,
        unit_indicators=_indicators(rng, UNIT_INDICATORS),
        function_split=_function_split(rng, kind, personnel, public, projects, other_income),
    )


def _project_picks(rng: random.Random) -> list[int]:
    """Given a random source, return the indexes of this year's projects."""
    return sorted(rng.sample(range(len(PROJECT_NAMES)), rng.randint(2, 4)))


def _project(rng: random.Random, year: int, prefix: str, i: int, scale: float) -> Project:
    """Given a random source, year and project index, return a project with its evaluation."""
    executed = int(rng.uniform(8, 160) * scale * 100)
    adjusted = executed if rng.random() < 0.8 else executed + rng.randint(1, 500)
    initial = rng.choice((0, int(adjusted * rng.uniform(0.5, 1.1))))
    code = f"{prefix}{year % 100:02d}T{rng.randint(10**14, 10**15 - 1)}"
    return Project(
        PROJECT_NAMES[i], code, initial, adjusted, executed, _indicators(rng, PROJECT_INDICATORS)
    )


# Indicator rows: (一级, 二级, 三级, 指标值, 完成值, 分值); scores are drawn per year.
UNIT_INDICATORS = (
    ("产出指标", "数量指标", "督查督办事项办结数", "≥95%", "98%", 20),
    ("产出指标", "数量指标", "文件文稿按时完成数", "≥100件", "126件", 10),
    ("产出指标", "质量指标", "文稿差错率", "≤1%", "0.5%", 10),
    ("产出指标", "时效指标", "重要事项办理及时率", "100%", "100%", 10),
    ("产出指标", "成本指标", "公用经费控制率", "≤100%", "96%", 10),
    ("效益指标", "社会效益指标", "服务决策保障水平", "有效提升", "有效提升", 15),
    ("效益指标", "可持续影响指标", "制度建设完善程度", "持续完善", "持续完善", 10),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "95%", 15),
)
PROJECT_INDICATORS = (
    ("产出指标", "数量指标", "保障事项完成数", "≥20项", "24项", 20),
    ("产出指标", "质量指标", "验收合格率", "100%", "100%", 20),
    ("产出指标", "时效指标", "按期完成率", "≥95%", "100%", 10),
    ("成本指标", "经济成本指标", "项目支出控制率", "≤100%", "98%", 10),
    ("效益指标", "社会效益指标", "工作运转保障水平", "有效保障", "有效保障", 20),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "96%", 20),
)


def _indicators(rng: random.Random, rows) -> list[tuple[str, str, str, str, str, float, float]]:
    """Given indicator rows with their maxima, return them with drawn scores."""
    out = []
    for l1, l2, l3, target, actual, weight in rows:
        lost = rng.choice((0, 0, 0, 0.5, 1)) if weight >= 10 else 0
        out.append((l1, l2, l3, target, actual, float(weight), float(weight - lost)))
    return out


def _function_split(rng, kind, personnel, public, projects, other_income):
    """Given the year's spending, return 功能分类 lines (类, 类 in item, 款, 项, amount)."""
    # Lines of one 类 are consecutive; all lines add up to 一般公共预算财政拨款支出.
    pension = int(personnel * rng.uniform(0.10, 0.16))
    annuity = int(pension * rng.uniform(0.3, 0.5))
    medical = int(personnel * rng.uniform(0.03, 0.06))
    housing = int(personnel * rng.uniform(0.06, 0.1))
    admin = personnel + public - pension - annuity - medical - housing
    project_funds = sum(p.executed for p in projects) - other_income
    general = [("一般公共服务支出", "一般公共服务", GENERAL_KUAN[kind], "行政运行", admin)]
    if project_funds > 0:
        first = int(project_funds * rng.uniform(0.5, 0.9))
        general.append(
            ("一般公共服务支出", "一般公共服务", GENERAL_KUAN[kind], "一般行政管理事务", first)
        )
        if project_funds - first > 0:
            general.append(
                (
                    "一般公共服务支出",
                    "一般公共服务",
                    GENERAL_KUAN[kind],
                    "专项业务",
                    project_funds - first,
                )
            )
    return [
        *general,
        (
            "社会保障和就业支出",
            "社会保障和就业",
            "行政事业单位养老支出",
            "机关事业单位基本养老保险缴费支出",
            pension,
        ),
        (
            "社会保障和就业支出",
            "社会保障和就业",
            "行政事业单位养老支出",
            "机关事业单位职业年金缴费支出",
            annuity,
        ),
        ("卫生健康支出", "卫生健康", "行政事业单位医疗", "行政单位医疗", medical),
        ("住房保障支出", "住房保障支出", "住房改革支出", "住房公积金", housing),
    ]
