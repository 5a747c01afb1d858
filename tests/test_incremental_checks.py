"""Incremental checks (etl/build/checks.py) give exactly the findings of a full recompute."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.build.checks import CROSS_SCOPES
from etl.checks import CROSS_RULES, write_findings
from etl.synth import INJECTIONS, SynthOptions, generate_corpus


def _quiet(_line: str) -> None:
    pass


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """Given nothing, return 20 synthetic 决算 DOCX reports (10 units, 2 years, all injections)."""
    out = tmp_path_factory.mktemp("synth")
    opts = SynthOptions(
        units=10, years=2, seed=5, formats=("docx",), kinds=("final",), inject=INJECTIONS
    )
    return sorted(generate_corpus(out, opts))


def _findings(db: Path) -> tuple[list[tuple], list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (
            con.execute("SELECT * FROM raw_findings ORDER BY finding_id").fetchall(),
            con.execute("SELECT * FROM check_rules ORDER BY rule").fetchall(),
        )
    finally:
        con.close()


def _recomputed(db: Path, tmp: Path) -> tuple[list[tuple], list[tuple]]:
    """Given a warehouse, return the findings a full recompute over a copy of it gives."""
    copy = tmp / "full.duckdb"
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    try:
        write_findings(con)
    finally:
        con.close()
    return _findings(copy)


def test_every_cross_rule_declares_its_group():
    assert {rule.__name__ for rule in CROSS_RULES} <= set(CROSS_SCOPES)


def test_incremental_checks_equal_a_full_recompute(corpus, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    later = [p for p in corpus if "_2023_" in p.name][:3]  # second years, added afterwards
    for p in corpus:
        if p not in later:
            shutil.copy(p, inputs / p.name)
    db = tmp_path / "wh" / "finance.duckdb"
    first = build([inputs], db, jobs=2, log=_quiet)
    assert first.checks.mode == "full" and first.checks.per_report == 17
    findings, _ = _findings(db)
    assert any(f[3] == "across.prior_year" for f in findings)  # cross rules have work to do

    for p in later:
        shutil.copy(p, inputs / p.name)
    renamed = sorted(inputs.glob("*_2022_*"))[0]
    renamed.rename(inputs / f"renamed_{renamed.name}")  # carried, but its file name changes
    second = build([inputs], db, jobs=2, log=_quiet, prune=True)
    assert second.parsed == 3
    assert second.checks.mode == "incremental" and second.checks.per_report == 4
    assert second.checks.cross < 20  # only the groups the four reports touch
    assert _findings(db) == _recomputed(db, tmp_path)

    sorted(inputs.glob("*_2022_*"))[-1].unlink()  # a report goes: its groups are re-checked
    third = build([inputs], db, jobs=2, log=_quiet, prune=True)
    assert third.checks.mode == "incremental" and third.checks.per_report == 0
    assert third.checks.cross > 0
    assert _findings(db) == _recomputed(db, tmp_path)

    fourth = build([inputs], db, jobs=2, log=_quiet, prune=True)  # nothing changed
    assert fourth.checks.mode == "unchanged"  # the warehouse is not rewritten or re-checked
    assert _findings(db) == _recomputed(db, tmp_path)


def test_a_full_recompute_in_batches_equals_one_over_all_reports(corpus, tmp_path, monkeypatch):
    import etl.build.checks

    inputs = tmp_path / "in"
    inputs.mkdir()
    for p in corpus:
        shutil.copy(p, inputs / p.name)
    db = tmp_path / "wh" / "finance.duckdb"
    build([inputs], db, jobs=2, log=_quiet)
    monkeypatch.setattr(etl.build.checks, "CHECK_BATCH_REPORTS", 3)  # 20 reports: 7 batches
    rows = {}
    for name, write in (("whole", write_findings), ("batched", etl.build.checks.write_all)):
        copy = tmp_path / f"{name}.duckdb"
        shutil.copy(db, copy)
        con = duckdb.connect(str(copy))
        try:
            write(con)
            rows[name] = con.execute("SELECT * FROM raw_findings ORDER BY rowid").fetchall()
        finally:
            con.close()
    assert rows["whole"] and any(r[3] == "across.prior_year" for r in rows["whole"])
    assert rows["batched"] == rows["whole"]  # same findings in the same order
