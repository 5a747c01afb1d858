"""Number formats and Chinese labels used across the pages."""

from __future__ import annotations

import math

from etl.vocab.catalogue import labels as catalogue_labels

DERIVED_LABEL = "由次年报告推算"
DERIVED_HINT = "由次年报告上年数推得"  # hover and legend of a derived prior-year value
STATED_LABEL = "报告列示"


def label(metric: str) -> str:
    """Given a metric key, return its short Chinese label from the catalogue (etl/vocab)."""
    return catalogue_labels().get(metric, (metric, ""))[0]


def unit_of(metric: str) -> str:
    """Given a metric key, return its unit (万元, 辆, 分, ...) from the catalogue."""
    return catalogue_labels().get(metric, ("", "万元"))[1]


def is_missing(x: object) -> bool:
    try:
        return x is None or (isinstance(x, float) and math.isnan(x)) or bool(x != x)
    except (TypeError, ValueError):
        return False


def wan(x: object) -> str:
    """Format an amount in 万元 with two decimals: ``1,250.14 万元``; missing is ``—``."""
    if is_missing(x):
        return "—"
    return f"{float(x):,.2f} 万元"


def number(x: object, unit: str) -> str:
    """Given a value and its unit, return the number as ``value`` shows it, without the unit
    (``4,359,877.30`` for 万元): for a tile whose label names the unit."""
    if is_missing(x):
        return "—"
    v = float(x)
    if unit == "万元":
        return f"{v:,.2f}"
    if unit == "%":
        return f"{v:.2f}"
    if unit == "分":
        return f"{v:g}"
    return f"{int(v):,}" if v == int(v) else f"{v:,.2f}"


def value(x: object, unit: str) -> str:
    """Format a value in its unit: 万元 with two decimals, counts as integers, scores as stated."""
    if is_missing(x):
        return "—"
    if unit == "%":
        return f"{number(x, unit)}%"
    return f"{number(x, unit)} {unit}".strip()


def change(cur: object, prev: object, unit: str = "万元") -> str | None:
    """Return ``+61.30 万元（+3.8%）`` for a year-on-year change, or None when not comparable."""
    if is_missing(cur) or is_missing(prev):
        return None
    diff = float(cur) - float(prev)
    amount = f"{diff:+,.2f} 万元" if unit == "万元" else f"{diff:+g} {unit}"
    if float(prev) == 0:
        return amount
    return f"{amount}（{diff / abs(float(prev)):+.1%}）"


def short_quote(text: object, limit: int = 90) -> str:
    """Return a quote on one line, cut to ``limit`` characters, for hover labels."""
    if is_missing(text):
        return ""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def source_line(source_file: object, loc: object, quote: object) -> str:
    """Return ``文件 第3页：“原文”`` for hover labels and tables."""
    parts = [str(p) for p in (source_file, loc) if not is_missing(p) and str(p)]
    q = short_quote(quote)
    return " ".join(parts) + (f"：“{q}”" if q else "")
