"""Cell helpers shared by the table readers: normalised text, numbers, labels, columns."""

from __future__ import annotations

import re
from functools import lru_cache

from etl.extract.textnorm import normalise
from etl.vocab.tables import table_vocab

# Distinct table cells whose matching text is kept (a report repeats its cells: "0.00",
# column heads, labels of every table; the readers and the document text ask for each).
CELL_CACHE_SIZE = 8192

NUM = re.compile(r"^-?\d+(?:\.\d+)?%?$")

LABEL_PREFIX = re.compile(
    r"^(?:其中[：:])?(?:[一二三四五六七八九十]+[、.．]|\d+[、.．])?(?:其中[：:])?"
)


@lru_cache(maxsize=CELL_CACHE_SIZE)
def clean(cell: str) -> str:
    """Given a table cell, return it without whitespace and with ASCII digits (once per
    distinct cell)."""
    return normalise(cell).text


def number(cell: str) -> float | None:
    """Given a normalised cell, return its number (a percent without the sign), or None."""
    if not NUM.match(cell):
        return None
    return float(cell.rstrip("%"))


def label_of(cell: str) -> str:
    """Given a normalised row label, return it without numbering and 其中："""
    return table_vocab().modern(LABEL_PREFIX.sub("", cell).rstrip("：:"))


def find_col(header: list[str], names: tuple[str, ...]) -> int | None:
    """Given a header row and candidate column names, return the first matching index."""
    for name in names:
        for i, cell in enumerate(header):
            if cell == name or cell.endswith(name) and len(cell) <= len(name) + 6:
                return i
    return None


# ---------------------------------------------------------------- table geometry

AMOUNT = re.compile(r"^-?\d+(?:\.\d+)?$")
GROUPED = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")  # 1,234.56
PLACEHOLDERS = ("-", "—", "－", "–", "--", "——", "/", "*", "…", "无")  # a blank, not a zero


def amount(cell: str) -> float | None:
    """Given a normalised cell, return its amount (a dash or blank is None)."""
    if GROUPED.match(cell):
        cell = cell.replace(",", "")
    return float(cell) if AMOUNT.match(cell) else None


def is_code(cell: str) -> bool:
    """Given a cell, return whether it is a 科目编码 (功能分类 3/5/7 digits, 经济分类 3/5)."""
    return bool(re.fullmatch(r"\d{3}(?:\d{2}){0,2}", cell))


def header_paths(rows: list[list[str]], width: int) -> list[list[str]] | None:
    """Given header rows and the table width, return each column's label path, or None.

    Rows that all have a cell per column (blank where a cell is merged) are a grid; otherwise
    merged cells are given once and their spans are inferred (see ``_merged_paths``).
    """
    if rows and all(len(r) == width for r in rows):
        return grid_paths(rows, width)
    return _merged_paths(rows, width)


def grid_paths(rows: list[list[str]], width: int) -> list[list[str]]:
    """Given header rows with a cell per column, return each column's label path.

    A blank above the lowest row continues the cell on its left (a horizontal merge) when
    the column has a label further down and shares its left neighbour's labels above;
    otherwise it continues the cell above (a vertical merge adds nothing).
    """
    paths: list[list[str]] = [[] for _ in range(width)]
    for r, row in enumerate(rows):
        last = r == len(rows) - 1
        shown = list(row)
        for j in range(1, width):
            below = any(rows[k][j] for k in range(r + 1, len(rows)))
            if not shown[j] and not last and below and paths[j] == paths[j - 1]:
                shown[j] = shown[j - 1]
        for j, cell in enumerate(shown):
            if cell:
                paths[j].append(cell)
    return paths


def _merged_paths(rows: list[list[str]], width: int) -> list[list[str]] | None:
    """Given header rows (merged cells given once) and the table width, return each column's label path.

    The lowest row with a cell per column fixes the columns; each row above covers them:
    a blank cell below continues the cell above (one column group), and a run of filled
    cells below has one parent above, or several that split it evenly.  Returns None when
    the rows cannot be fitted.
    """
    label_headers = table_vocab().label_headers
    leaf = next((i for i in range(len(rows) - 1, -1, -1) if len(rows[i]) == width), None)
    if leaf is None or any(any(r) for r in rows[leaf + 1 :]):
        return None  # no row with a cell per column, or header rows below it
    spans = [(j, j + 1, cell) for j, cell in enumerate(rows[leaf])]
    paths: list[list[str]] = [[cell] if cell else [] for cell in rows[leaf]]
    for r in range(leaf - 1, -1, -1):
        row = rows[r]
        segments: list[list] = []  # [start, end, is_run, child spans]
        for span in spans:
            if span[2] and segments and segments[-1][2]:
                segments[-1][1] = span[1]
                segments[-1][3].append(span)
            else:
                segments.append([span[0], span[1], bool(span[2]), [span]])
        runs = [s for s in segments if s[2]]
        parents = len(row) - (len(segments) - len(runs))
        if parents < len(runs) or (parents > len(runs) and len(runs) != 1):
            return None
        groups: list[tuple[int, int]] = []
        k = 0  # next cell of this row
        for seg in segments:
            if not seg[2] or parents == len(runs):
                groups.append((seg[0], seg[1]))
                k += 1
                continue
            children = seg[3]
            share = parents
            # a 项目 cell covers the label columns (科目编码, 科目名称) at the start of the run
            if row[k] in label_headers:
                n_labels = 0
                while n_labels < len(children) and children[n_labels][2] in label_headers:
                    n_labels += 1
                if n_labels:
                    groups.append((children[0][0], children[n_labels - 1][1]))
                    children, share = children[n_labels:], share - 1
            # two lists side by side (收入 | 支出) each start with their label columns
            starts = [
                i for i, ch in enumerate(children)
                if ch[2] in label_headers and (i == 0 or children[i - 1][2] not in label_headers)
            ]  # fmt: skip
            if share > 1 and len(starts) == share and starts[0] == 0:
                for a, b in zip(starts, starts[1:] + [len(children)], strict=True):
                    groups.append((children[a][0], children[b - 1][1]))
                k += parents
                continue
            if share <= 0 or not children or len(children) % share:
                return None
            step = len(children) // share
            for part_no in range(share):
                part = children[part_no * step : (part_no + 1) * step]
                groups.append((part[0][0], part[-1][1]))
            k += parents
        if len(groups) != len(row):
            return None
        spans = []
        for (start, end), cell in zip(groups, row, strict=True):
            spans.append((start, end, cell))
            if cell:
                for j in range(start, end):
                    paths[j].insert(0, cell)
    return paths


def path_matches(path: list[str], wanted: tuple[str, ...]) -> bool:
    """Given a column's label path and a wanted path, return whether the column is that one.

    The last words must be equal; the other wanted words must appear above it, in order.
    """
    words = [w for w in path if w != "项目"]
    if not words or words[-1] != wanted[-1]:
        return False
    it = iter(words[:-1])
    return all(any(w == want for w in it) for want in wanted[:-1])
