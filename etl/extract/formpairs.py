"""Label–value rows of a 绩效自评 form: one cell the label, the next its value, several
pairs per row (`项目名称 | XX专项 | 主管部门 | XX局`, `年初预算数 | 100 | 全年预算数 | 120`).

A row is read as pairs only when every non-blank cell in a label position is a known label
(etl/vocab/performance.toml) and no label is directly followed by another label (that is a
grid's header row).  A row naming the form's total score is left to the grid reader.
"""

from __future__ import annotations

from etl.extract.cells import label_of, number
from etl.vocab.performance import field_of, form_label, vocab

IDENTITY = "identity"  # 主管部门, 实施单位 …: a pair that names no figure
TOTAL = "total"  # 总分, 自评得分 …: the form's total score
NUMERIC_FIELDS = ("initial", "adjusted", "executed", "rate", "weight", "score")
FUNDS_FIELDS = ("initial", "adjusted", "executed", "rate")
INDICATOR_FIELDS = ("level1", "level2", "level3", "target", "actual", "sign", "unit", "deviation")
VALUE_UNITS = ("万元", "分")  # a pair's number may carry its unit: 100.00万元, 9.5分


def label_kind(cell: str, exact: bool = False) -> str | None:
    """Given a normalised cell, return the field its label names, IDENTITY, TOTAL, or None."""
    label = form_label(label_of(cell))
    v = vocab()
    if label in v.pair_total_score or label in v.total_score:
        return TOTAL
    if (key := field_of(label, exact)) is not None:
        return key
    if label in v.identity_labels or label in v.project_name:
        return IDENTITY
    return None


def pair_number(value: str) -> float | None:
    """Given a pair's value cell, return its number (without a stated unit), or None."""
    for unit in VALUE_UNITS:
        value = value.removesuffix(unit)
    return number(value)


def pairs_of(row: list[str]) -> list[tuple[str, str]] | None:
    """Given a normalised row, return its (field, value) pairs in order, or None if not pairs.

    The value is the cell right after its label; blank (left empty, or a merged label's
    second cell), or a placeholder (—) for a number, it is kept as "".  A number field whose value is not
    a number makes the row not pairs (a grid data row); so does a label after a label.
    """
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(row):
        if not row[i]:
            i += 1
            continue
        kind = label_kind(row[i])
        if kind == TOTAL and form_label(label_of(row[i])) not in vocab().total_score:
            # 自评得分 alone on its row is the form's total; among other pairs, a score
            kind = "score" if sum(1 for c in row if c) > 2 else TOTAL
        if kind is None or kind == TOTAL:
            return None
        value = row[i + 1] if i + 1 < len(row) else ""
        if value and label_kind(value, exact=True) is not None:
            return None  # a label after a label: a header row
        if kind in NUMERIC_FIELDS and value in vocab().placeholders:
            value = ""
        if kind in NUMERIC_FIELDS and value and pair_number(value) is None:
            return None
        pairs.append((kind, value))
        i += 2
    if all(kind == IDENTITY or not value for kind, value in pairs):
        return None
    return pairs
