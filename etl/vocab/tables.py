"""The standard 附表 as data (tables.toml): titles, header aliases, cell-to-metric rules, sums."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from etl.vocab import VOCAB_DIR

TABLES_TOML = VOCAB_DIR / "tables.toml"


@dataclass(frozen=True)
class TableSpec:
    """One standard 附表: its key, display name, titles, layout and 功能分类 role."""

    key: str
    name: str
    titles: tuple[str, ...]
    kind: str  # rows (amounts follow row labels) | columns (one amount per column)
    functional: bool = False  # 科目编码 rows give 功能分类 classes and items
    function_metric: str = ""  # the metric whose column gives the class/item amounts
    provincial: bool = False  # added by some provinces only: not expected of every report
    row_units: bool = False  # each row states its own unit (万元, 辆, 个): an information table


@dataclass(frozen=True)
class MetricRule:
    """Which cell of a table states a metric (see the comment at the top of tables.toml)."""

    metric: str
    table: str
    rows: tuple[str, ...] = ()  # row labels; empty: the table's 合计 (or only value) row
    columns: tuple[tuple[str, ...], ...] = ()  # label paths tried in order; empty: lead cell
    label_first: bool = False
    first_only: bool = False
    optional: bool = False  # no note when the table lacks the column


@dataclass(frozen=True)
class ColumnSum:
    """Columns of one row that add up: total = sum of parts, under one parent header."""

    tables: tuple[str, ...]
    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class TableVocab:
    """Everything tables.toml says."""

    tables: tuple[TableSpec, ...]
    other_titles: tuple[str, ...]
    header_aliases: dict[str, str]
    renamed: dict[str, str]  # older word -> today's (公共财政拨款 -> 一般公共预算财政拨款)
    label_headers: tuple[str, ...]
    empty_marks: tuple[str, ...]
    metrics: tuple[MetricRule, ...]
    column_sums: tuple[ColumnSum, ...]
    economic: dict  # table, personnel_codes, personnel_total, public_total

    def modern(self, text: str) -> str:
        """Given a normalised title, header word or row label, return it in today's words."""
        for old, new in self.renamed.items():
            if old in text and new not in text:
                text = text.replace(old, new)
        return text

    def table(self, key: str) -> TableSpec:
        """Given a table key, return its spec."""
        return next(t for t in self.tables if t.key == key)

    def rules(self, key: str) -> tuple[MetricRule, ...]:
        """Given a table key, return the metric rules reading that table."""
        return tuple(m for m in self.metrics if m.table == key)


@cache
def table_vocab() -> TableVocab:
    """Given tables.toml, return its contents as records (read once)."""
    data = tomllib.loads(TABLES_TOML.read_text(encoding="utf-8"))
    tables = tuple(
        TableSpec(
            t["key"], t["name"], tuple(t["titles"]), t["kind"],
            t.get("functional", False), t.get("function_metric", ""),
            t.get("provincial", False), t.get("row_units", False),
        )
        for t in data["table"]
    )  # fmt: skip
    keys = {t.key for t in tables}
    metrics = []
    for m in data["metric"]:
        if m["table"] not in keys:
            raise ValueError(f"tables.toml: metric {m['key']} names unknown table {m['table']}")
        metrics.append(
            MetricRule(
                m["key"], m["table"], tuple(m.get("rows", ())),
                tuple(tuple(c.split("/")) for c in m.get("columns", ())),
                m.get("label_first", False), m.get("first_only", False),
                m.get("optional", False),
            )
        )  # fmt: skip
    sums = tuple(
        ColumnSum(tuple(s["tables"]), s["total"], tuple(s["parts"])) for s in data["column_sum"]
    )
    return TableVocab(
        tables=tables,
        other_titles=tuple(data["other"]["titles"]),
        header_aliases=dict(data["header_aliases"]),
        renamed=dict(data.get("renamed", {})),
        label_headers=tuple(data["label_headers"]),
        empty_marks=tuple(data["empty_marks"]),
        metrics=tuple(metrics),
        column_sums=sums,
        economic=dict(data["economic"]),
    )
