"""What the rules speak about: groups of metrics that add up, stated changes, and the words
a message uses for a metric or a pseudo subject."""

from __future__ import annotations

from etl.vocab import catalogue

_CAT = catalogue.load()
INCOME_PARTS = catalogue.parts_of("income.total", "parts.income")
EXPENDITURE_PARTS = catalogue.parts_of("expenditure.total", "parts.expenditure")
SANGONG_PARTS = catalogue.parts_of("sangong.total", "parts.sangong")
# (rule, total, parts): a total and the parts a report lists under it.  Stated parts must
# not exceed the total; when every part is stated they must add up to it.
PART_GROUPS = catalogue.part_groups()
# A change rate is stated for these (total, change amount, change rate) triples.
CHANGE_TRIPLES = catalogue.change_triples()
# Mention subjects that restate a metric's year-on-year change.
CHANGE_OF = {base: change for base, change, _rate in CHANGE_TRIPLES} | {
    key: s["change"] for key, s in _CAT.subjects.items() if s.get("change")
}
# The words a finding message uses for a metric or a pseudo subject.
SUBJECT_LABEL = {k: m.subject for k, m in _CAT.metrics.items() if m.subject} | {
    key: s["label"] for key, s in _CAT.subjects.items()
}


def metric_label(metric: str, labels: dict[str, str]) -> str:
    """Given a metric key (or pseudo subject) and the catalog labels, return its Chinese name."""
    return labels.get(metric) or SUBJECT_LABEL.get(metric) or metric


FISCAL_SOURCES = ("income.general_budget", "income.gov_fund", "income.state_capital")  # 财政拨款


def class_key(name: str) -> str:
    """Given a 类 name as stated (社会保障和就业支出 / 社会保障和就业（类）), return a match key."""
    key = name.replace("（类）", "").replace("(类)", "").strip()
    return key[:-2] if key.endswith("支出") else key
