"""Cell helpers shared by the table readers: normalised text, numbers, labels, columns."""

from __future__ import annotations

import re

from etl.extract.textnorm import normalise

NUM = re.compile(r"^-?\d+(?:\.\d+)?%?$")

LABEL_PREFIX = re.compile(
    r"^(?:其中[：:])?(?:[一二三四五六七八九十]+[、.．]|\d+[、.．])?(?:其中[：:])?"
)


def clean(cell: str) -> str:
    """Given a table cell, return it without whitespace and with ASCII digits."""
    return normalise(cell).text


def number(cell: str) -> float | None:
    """Given a normalised cell, return its number (a percent without the sign), or None."""
    if not NUM.match(cell):
        return None
    return float(cell.rstrip("%"))


def label_of(cell: str) -> str:
    """Given a normalised row label, return it without numbering and 其中："""
    return LABEL_PREFIX.sub("", cell).rstrip("：:")


def find_col(header: list[str], names: tuple[str, ...]) -> int | None:
    """Given a header row and candidate column names, return the first matching index."""
    for name in names:
        for i, cell in enumerate(header):
            if cell == name or cell.endswith(name) and len(cell) <= len(name) + 6:
                return i
    return None
