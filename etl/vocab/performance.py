"""Loader of performance.toml: the labels of the Ministry's 绩效自评 forms and the phrasings
of 十、预算绩效管理情况, as tuples and compiled patterns."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from etl.textmap import CharMap
from etl.vocab import VOCAB_DIR

PATH = VOCAB_DIR / "performance.toml"
HALF_TO_FULL = CharMap("():", "（）：")
LABEL_EXTRA = 6  # characters a header cell may add before a known label (2023年全年预算数)


@dataclass(frozen=True)
class Vocab:
    """The form labels (by field) and the 预算绩效管理 statement patterns."""

    project_name: tuple[str, ...]
    unit_titles: tuple[str, ...]
    identity_labels: tuple[str, ...]
    label_suffixes: tuple[str, ...]
    placeholders: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]
    funds_total: tuple[str, ...]
    total_score: tuple[str, ...]
    indicator_end: tuple[str, ...]
    pair_total_score: tuple[str, ...]
    count: tuple[str, ...]  # statement patterns: regular expressions with {N} for a number
    anchor: str
    anchor_needs: str
    anchor_refuses: tuple[str, ...]
    amount: tuple[str, ...]
    avg_score: tuple[str, ...]
    avg_score_alone: tuple[str, ...]
    refuse: tuple[str, ...]


def compile_statement(pattern: str, number: str) -> re.Pattern:
    """Given a statement pattern with {N} and the number expression, return it compiled."""
    return re.compile(pattern.replace("{N}", number))


@cache
def vocab() -> Vocab:
    """Given performance.toml, return its vocabulary (read once)."""
    with PATH.open("rb") as fh:
        data = tomllib.load(fh)
    forms, rows, said = data["forms"], data["rows"], data["statements"]
    return Vocab(
        project_name=tuple(forms["project_name"]),
        unit_titles=tuple(forms["unit_titles"]),
        identity_labels=tuple(forms["identity_labels"]),
        label_suffixes=tuple(forms["label_suffixes"]),
        placeholders=tuple(forms["placeholders"]),
        columns={key: tuple(names) for key, names in data["columns"].items()},
        funds_total=tuple(rows["funds_total"]),
        total_score=tuple(rows["total_score"]),
        indicator_end=tuple(rows["indicator_end"]),
        pair_total_score=tuple(rows["pair_total_score"]),
        count=tuple(said["count"]),
        anchor=said["anchor"],
        anchor_needs=said["anchor_needs"],
        anchor_refuses=tuple(said["anchor_refuses"]),
        amount=tuple(said["amount"]),
        avg_score=tuple(said["avg_score"]),
        avg_score_alone=tuple(said["avg_score_alone"]),
        refuse=tuple(said["refuse"]),
    )


def form_label(cell: str) -> str:
    """Given a normalised cell, return it as a form label: full-width brackets, no unit suffix."""
    label = HALF_TO_FULL(cell).rstrip("：")
    for suffix in vocab().label_suffixes:
        label = label.removesuffix(suffix)
    return label


def field_of(cell: str, exact: bool = False) -> str | None:
    """Given a normalised cell, return the form field its label names (initial, score …), or None.

    A label matches a name exactly, or (unless ``exact``) ends with it after at most
    LABEL_EXTRA more characters; the first field listing a matching name wins.
    """
    label = form_label(cell)
    if not label:
        return None
    for key, names in vocab().columns.items():
        for name in names:
            if label == name:
                return key
    if exact:
        return None
    for key, names in vocab().columns.items():
        for name in names:
            if label.endswith(name) and len(label) <= len(name) + LABEL_EXTRA:
                return key
    return None
