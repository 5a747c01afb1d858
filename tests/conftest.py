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


def db_rows(db: Path, sql: str, params=()) -> list[tuple]:
    """Given a warehouse file, a query and its parameters, return the query's rows."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


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


# A test that builds a warehouse (the CLI, the dashboard fixture or a synthetic corpus), itself
# or through a fixture, is end-to-end: `make test-fast` (-m "not e2e") leaves it out.
BUILDS = ("run_cli(", "build_fixture(", "etl.synth", "build.run(", "main([")


def _builds(func, depth: int = 2) -> bool:
    """Given a test or fixture function, return whether it (or a helper of its module that it
    calls, two levels deep) builds a warehouse."""
    import inspect

    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return False
    if any(word in source for word in BUILDS):
        return True
    if depth == 0:
        return False
    scope = getattr(func, "__globals__", {})
    for name in getattr(getattr(func, "__code__", None), "co_names", ()):
        helper = scope.get(name)
        if inspect.isfunction(helper) and helper.__module__ == func.__module__:
            if _builds(helper, depth - 1):
                return True
    return False


def pytest_collection_modifyitems(items) -> None:
    """Given the collected tests, mark those that build a warehouse as e2e."""
    for item in items:
        if item.get_closest_marker("e2e") or not hasattr(item, "_fixtureinfo"):
            continue
        defs = item._fixtureinfo.name2fixturedefs.values()
        funcs = [getattr(item, "function", None)] + [d[-1].func for d in defs if d]
        if any(_builds(f) for f in funcs if f is not None):
            item.add_marker(pytest.mark.e2e)
