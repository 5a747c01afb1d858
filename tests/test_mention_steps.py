"""A mention step skipped for lacking the characters its patterns need never skips a
mention: on every sentence of the reference reports the screened reading equals the full one."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from etl.extract import mentions, narrative
from etl.extract.textnorm import normalise
from etl.readers import read_document

ROOT = Path(__file__).resolve().parents[1]


def test_every_step_is_declared_once_in_order():
    steps = [name for name, _ in mentions.STEP_PATTERNS]
    methods = {
        name
        for name, fn in inspect.getmembers(mentions._Sentence, inspect.isfunction)
        if not name.startswith("_") and name not in {"add", "clause_start"}
    }
    assert sorted(steps) == sorted(methods) and len(set(steps)) == len(steps)
    known = [step for step, needs in mentions.STEP_CHARS if needs is not None]
    assert len(known) >= 10  # most steps are screened


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
def test_screened_steps_read_what_every_step_reads(fmt, monkeypatch):
    paths = sorted((ROOT / "samples" / "reports" / fmt).glob(f"*.{fmt}"))[:3]
    spans = []
    for path in paths:
        for block in read_document(path).blocks:
            if block.kind == "p":
                nt = normalise(block.text)
                spans.extend((nt, a, b, block) for a, b in narrative.sentences(nt.text))
    screened = [mentions.read_mentions(nt, a, b, block, "") for nt, a, b, block in spans]
    monkeypatch.setattr(
        mentions, "STEP_CHARS", tuple((step, None) for step, _ in mentions.STEP_PATTERNS)
    )
    full = [mentions.read_mentions(nt, a, b, block, "") for nt, a, b, block in spans]
    assert screened == full
    assert sum(map(len, full)) > 100  # the sentences state many mentions
