"""Typed statements (etl/statements.py): every kind stores all its fields in raw_mentions and
reads back as the record the extractor made; in-process, on the reference reports."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from etl.checks.load import MENTION_COLUMNS
from etl.extract import extract_report
from etl.readers import read_document
from etl.statements import (
    KINDS,
    STORED_COLUMNS,
    Change,
    Completion,
    Share,
    Statement,
    field_names,
)

REPORTS = Path(__file__).resolve().parents[1] / "samples" / "reports"
STEMS = ("000_49c7c66149f159f0", "002_bf967062ffb9ca21", "004_8a99ebaca312e0ad")


@pytest.fixture(scope="module")
def statements() -> list[Statement]:
    out = []
    for stem in STEMS:
        out += extract_report(read_document(REPORTS / "docx" / f"{stem}.docx")).mentions
    return out


@pytest.mark.parametrize("kind", sorted(KINDS.values(), key=lambda k: k.KIND), ids=str)
def test_each_kind_stores_every_field_in_its_own_column(kind):
    columns = list(kind.COLUMNS.values())
    assert set(kind.COLUMNS) == field_names(kind) - {"where"}  # nothing left unstored
    assert set(columns) <= set(STORED_COLUMNS) and len(set(columns)) == len(columns)
    assert not set(kind.FIXED) & set(columns)
    assert set(STORED_COLUMNS) | {"kind", "section", "page", "loc", "quote"} <= set(MENTION_COLUMNS)


def test_statements_read_back_as_the_records_extracted(statements):
    assert len({type(s) for s in statements}) >= 10  # the reports make many kinds
    for s in statements:
        row = s.to_columns() | {"quote": s.quote, "page": s.page, "loc": s.loc}
        row["section"] = s.section
        assert Statement.from_columns(row) == s


def test_fields_say_what_they_are(statements):
    changes = [
        s for s in statements if isinstance(s, Change) and s.metric == "total.income_expenditure"
    ]
    assert changes and all(isinstance(c.amount, float) for c in changes)
    # 2024年度收、支总计…减少254.58万元，减少0.17%
    assert any(c.amount == -254.58 and c.pct == -0.17 and c.against_year == 2023 for c in changes)
    completions = [s for s in statements if isinstance(s, Completion)]
    assert completions and all(c.verdict in (None, "<", ">", "=") for c in completions)
    shares = [s for s in statements if isinstance(s, Share) and s.of_amount is not None]
    assert shares and all(s.of_words for s in shares)  # the whole's words are kept


def test_statements_are_frozen(statements):
    with pytest.raises(dataclasses.FrozenInstanceError):
        statements[0].quote = "changed"  # type: ignore[misc]
