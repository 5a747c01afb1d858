"""The demo warehouse for page tests: synthetic DOCX reports from etl.synth, built by the ETL.

``demo_warehouse(base)`` generates and builds it once per test session under ``base``
(about half a minute): DEMO_UNITS units over DEMO_YEARS years, a 决算 and a 绩效自评 report
each, as ``python -m etl demo`` does with fewer units.  JUESUAN_TEST_DEMO_DB names an
already built demo warehouse instead (e.g. the 400-report one of ``make demo``).
"""

from __future__ import annotations

import os
from pathlib import Path

DEMO_UNITS = 12  # more units than the smallest top-N choice, so a rest bar is drawn
DEMO_YEARS = 3


def demo_warehouse(base: Path) -> Path:
    """Given a session folder, return the demo warehouse, built there on first use."""
    given = os.environ.get("JUESUAN_TEST_DEMO_DB", "").strip()
    if given:
        return Path(given)
    db = base / "demo" / "demo.duckdb"
    if db.exists():
        return db
    from etl.cli import main

    db.parent.mkdir(parents=True, exist_ok=True)
    code = main(["demo", "--db", str(db), "--units", str(DEMO_UNITS), "--years", str(DEMO_YEARS)])
    assert code == 0, "the demo warehouse did not build"
    return db
