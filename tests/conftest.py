"""Shared fixtures: the bundled samples and one warehouse built from them per test session."""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "reports"


@dataclass
class CliRun:
    """The exit status and printed output of one ``python -m etl`` run."""

    code: int
    out: str


def run_cli(*args: str) -> CliRun:
    """Given CLI arguments, return the exit status and stdout of ``python -m etl``."""
    from etl.cli import main

    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(list(args))
    return CliRun(code, buf.getvalue())


def table_contents(db: Path) -> dict[str, list[tuple]]:
    """Given a warehouse file, return every table's rows, sorted, keyed by table name."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="session")
def samples_build(tmp_path_factory) -> tuple[Path, CliRun]:
    """Given the bundled samples, return a warehouse built from them and the build output."""
    from etl import settings

    db = tmp_path_factory.mktemp("samples_build") / "finance.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        for s in settings.SETTINGS:
            mp.delenv(s.env_var, raising=False)
        return db, run_cli("build", "--db", str(db))


@pytest.fixture
def samples_db(samples_build, tmp_path) -> Path:
    """Given the session's sample warehouse, return a private copy of it for one test."""
    db = tmp_path / "wh" / "finance.duckdb"
    db.parent.mkdir()
    shutil.copy(samples_build[0], db)
    return db
