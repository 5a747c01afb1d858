"""What a report gave and what it did not: metrics read from tables and from text, and the
parts of its template (etl/vocab/template.csv) whose headings were not found."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from etl.model import Coverage, Fact
from etl.vocab import VOCAB_DIR, read_rows

TEMPLATE_CSV = VOCAB_DIR / "template.csv"
HEADING_MAX_CHARS = 40  # a heading is a short line
TABLE_ORIGINS = ("table", "schedule")


@dataclass(frozen=True)
class TemplatePart:
    """One part of a template: its key, label and the word sets that find its heading."""

    doc_kind: str
    part: str
    key: str
    label: str
    words: tuple[str, ...]


@cache
def template_parts() -> tuple[TemplatePart, ...]:
    """Given nothing, return the rows of etl/vocab/template.csv."""
    rows = read_rows(TEMPLATE_CSV)
    return tuple(
        TemplatePart(r["doc_kind"], r["part"], r["key"], r["label"], tuple(r["words"].split("|")))
        for r in rows
    )


def _heading_found(part: TemplatePart, headings: list[str]) -> bool:
    """Given a template part and a report's short lines, return whether one is its heading."""
    return any(word in line for line in headings for word in part.words)


def read_coverage(
    lines: list[str],
    facts: list[Fact],
    doc_kind: str,
    missing_tables: list[str] | None = None,
    tables_expected: int = 0,
) -> Coverage:
    """Given a report's normalised lines, its facts and kind, return its Coverage."""
    headings = [ln for ln in lines if len(ln) <= HEADING_MAX_CHARS and not re.search(r"\d{3}", ln)]
    missing = [
        p.label
        for p in template_parts()
        if p.doc_kind == doc_kind and p.part == "section" and not _heading_found(p, headings)
    ]
    return Coverage(
        from_tables=sum(1 for f in facts if f.origin in TABLE_ORIGINS),
        from_text=sum(1 for f in facts if f.origin not in TABLE_ORIGINS),
        missing_sections=missing,
        missing_tables=list(missing_tables or []),
        tables_expected=tables_expected,
    )
