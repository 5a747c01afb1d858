"""Loader of projects.toml: how running text names a project and states its figures."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from etl.vocab import VOCAB_DIR

PATH = VOCAB_DIR / "projects.toml"
FIELDS = ("initial_budget", "adjusted_budget", "executed")  # amounts in 万元


@dataclass(frozen=True)
class Vocab:
    """Name rules, figure labels, score phrases, list openers and the worked examples."""

    ends: tuple[str, ...]
    min_han: int
    refuse_start: tuple[str, ...]
    not_projects: tuple[str, ...]
    qualifiers: tuple[str, ...]
    same_ratio: float
    connectors: tuple[str, ...]
    clause_leads: tuple[str, ...]
    figure_joiners: str
    min_figures: int
    labels: dict[str, tuple[str, ...]]  # field -> label phrasings
    between: str
    execution_rate: tuple[str, ...]
    score_phrases: tuple[str, ...]
    score_value: str
    self_subjects: tuple[str, ...]
    list_openers: dict[str, tuple[str, ...]]  # field -> list opener patterns
    item_separators: str
    name_lists: tuple[str, ...]  # openers of a list of project names
    display: dict[str, str]  # field -> how a note names it
    examples: tuple[dict, ...]


def alternation(words: tuple[str, ...]) -> str:
    """Given phrasings, return one non-capturing alternation, longest first."""
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


@cache
def vocab() -> Vocab:
    """Given projects.toml, return its vocabulary (read once)."""
    with PATH.open("rb") as fh:
        data = tomllib.load(fh)
    names, paras, figs = data["names"], data["paragraphs"], data["figures"]
    scores, lists = data["scores"], data["lists"]
    return Vocab(
        ends=tuple(names["ends"]),
        min_han=int(names["min_han"]),
        refuse_start=tuple(names["refuse_start"]),
        not_projects=tuple(names["not_projects"]),
        qualifiers=tuple(names["qualifiers"]),
        same_ratio=float(names["same_ratio"]),
        connectors=tuple(paras["connectors"]),
        clause_leads=tuple(paras["clause_leads"]),
        figure_joiners=paras["figure_joiners"],
        min_figures=int(paras["min_figures"]),
        labels={f: tuple(figs[f]) for f in FIELDS},
        between=figs["between"],
        execution_rate=tuple(figs["execution_rate"]),
        score_phrases=tuple(scores["phrases"]),
        score_value=scores["value"],
        self_subjects=tuple(scores["self_subjects"]),
        list_openers={f: tuple(v) for f, v in lists.items() if f in FIELDS},
        item_separators=lists["item_separators"],
        name_lists=tuple(lists["names"]),
        display=dict(data["display"]),
        examples=tuple(data.get("examples", ())),
    )
