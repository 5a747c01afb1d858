"""The rule registry: each check rule declared once, beside its function, with its Chinese name,
highest severity, tolerance and a one-line explanation.

The catalogue (etl.checks.rule_rows), the warehouse's check_rules table and the README's rule
table are generated from these declarations (`python -m etl.checks --write-readme` rewrites it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
README_START = "<!-- rules:start (generated: python -m etl.checks --write-readme) -->"
README_END = "<!-- rules:end -->"


@dataclass(frozen=True)
class RuleSpec:
    """One rule as a person reads it: stable id, Chinese name, what it checks and how it grades."""

    id: str
    name: str  # 中文名称, shown wherever the id would be
    severity: str  # the highest severity it gives (error | warning | info)
    tolerance: str  # 容差与严重程度
    explanation: str  # one line: what it compares
    unit: str = "万元"  # of the stated / expected figures its findings carry ("" when none)

    def row(self) -> tuple[str, str, str, str, str]:
        """Given a spec, return its check_rules row (rule, name, severity, explanation, tolerance)."""
        return (self.id, self.name, self.severity, self.explanation, self.tolerance)


REGISTRY: dict[str, RuleSpec] = {}


def declare(*specs: RuleSpec) -> Callable:
    """Given the specs of the ids a rule function emits, register them and tag the function."""
    for spec in specs:
        if spec.id in REGISTRY:
            raise ValueError(f"rule {spec.id} declared twice")
        if spec.severity not in SEVERITY_ZH:
            raise ValueError(f"rule {spec.id}: unknown severity {spec.severity}")
        REGISTRY[spec.id] = spec

    def tag(fn: Callable) -> Callable:
        fn.rule_ids = tuple(s.id for s in specs)
        return fn

    return tag


def readme_table() -> str:
    """Given the registry, return the README's rule table (Markdown)."""
    cell = lambda text: text.replace("|", "｜").replace("\n", " ")  # noqa: E731
    lines = [
        "| 规则 | 名称 | 检查内容 | 最高严重程度 | 容差与严重程度 |",
        "|---|---|---|---|---|",
    ]
    for spec in sorted(REGISTRY.values(), key=lambda s: s.id):
        lines.append(
            f"| `{spec.id}` | {cell(spec.name)} | {cell(spec.explanation)} | "
            f"{SEVERITY_ZH[spec.severity]} | {cell(spec.tolerance)} |"
        )
    return "\n".join(lines)


def readme_block(readme: str) -> str:
    """Given the README text, return what stands between its rule-table markers."""
    m = re.search(re.escape(README_START) + r"\n(.*?)\n" + re.escape(README_END), readme, re.S)
    return m.group(1) if m else ""


def rewrite_readme(readme: str) -> str:
    """Given the README text, return it with the generated rule table between the markers."""
    block = f"{README_START}\n{readme_table()}\n{README_END}"
    pattern = re.escape(README_START) + r".*?" + re.escape(README_END)
    return re.sub(pattern, lambda _m: block, readme, flags=re.S)
