"""What the rules speak about: groups of metrics that add up, stated changes, and the words
a message uses for a metric or a pseudo subject."""

from __future__ import annotations

INCOME_PARTS = (
    "income.general_budget", "income.gov_fund", "income.state_capital",
    "income.superior_subsidy", "income.business", "income.operating", "income.affiliate",
    "income.other",
)  # fmt: skip
EXPENDITURE_PARTS = (
    "expenditure.basic", "expenditure.project", "expenditure.remit_superior",
    "expenditure.operating", "expenditure.affiliate_subsidy",
)  # fmt: skip
SANGONG_PARTS = ("sangong.outbound", "sangong.vehicle", "sangong.reception")
# (rule, total, parts): a total and the parts a report lists under it.  Stated parts must
# not exceed the total; when every part is stated they must add up to it.
PART_GROUPS = (
    ("parts.income", "income.total", INCOME_PARTS),
    ("parts.expenditure", "expenditure.total", EXPENDITURE_PARTS),
    ("parts.sangong", "sangong.total", SANGONG_PARTS),
    ("parts.sangong", "sangong.budget",
     ("sangong.outbound.budget", "sangong.vehicle.budget", "sangong.reception.budget")),
    ("parts.sangong", "sangong.vehicle",
     ("sangong.vehicle.purchase", "sangong.vehicle.operation")),
    ("parts.sangong", "sangong.reception",
     ("sangong.reception.domestic", "sangong.reception.foreign")),
    ("parts.vehicles", "vehicles.total", ("vehicles.sedan", "vehicles.suv", "vehicles.bus")),
    ("parts.vehicles", "vehicles.total",
     ("vehicles.ministerial", "vehicles.leadership", "vehicles.confidential",
      "vehicles.emergency", "vehicles.law_enforcement", "vehicles.special",
      "vehicles.retiree", "vehicles.other")),
)  # fmt: skip
# A change rate is stated for these (total, change amount, change rate) triples.
CHANGE_TRIPLES = (
    ("total.income_expenditure", "total.change", "total.change_pct"),
    ("gpb.total", "gpb.change", "gpb.change_pct"),
    ("sangong.total", "sangong.change", "sangong.change_pct"),
    ("operating_costs", "operating_costs.change", "operating_costs.change_pct"),
)
# Mention subjects that restate a metric's year-on-year change.
CHANGE_OF = {
    "total.income_expenditure": "total.change",
    "total.income": "total.change",
    "total.expenditure": "total.change",
    "gpb.total": "gpb.change",
    "sangong.total": "sangong.change",
    "operating_costs": "operating_costs.change",
}
SUBJECT_LABEL = {
    "sangong.total": "“三公”经费",
    "sangong.outbound": "因公出国（境）费",
    "sangong.vehicle": "公务用车购置及运行维护费",
    "sangong.reception": "公务接待费",
    "gpb.total": "一般公共预算财政拨款支出",
    "total.income_expenditure": "收、支总计",
    "total.income": "收入总计",
    "total.expenditure": "支出总计",
    "fiscal.total": "财政拨款收、支总计",
    "operating_costs": "机关运行经费",
    "expenditure.total": "本年支出合计",
    "income.total": "本年收入合计",
    "procurement.total": "政府采购支出总额",
}


def metric_label(metric: str, labels: dict[str, str]) -> str:
    """Given a metric key (or pseudo subject) and the catalog labels, return its Chinese name."""
    return labels.get(metric) or SUBJECT_LABEL.get(metric) or metric


FISCAL_SOURCES = ("income.general_budget", "income.gov_fund", "income.state_capital")  # 财政拨款


def class_key(name: str) -> str:
    """Given a 类 name as stated (社会保障和就业支出 / 社会保障和就业（类）), return a match key."""
    key = name.replace("（类）", "").replace("(类)", "").strip()
    return key[:-2] if key.endswith("支出") else key
