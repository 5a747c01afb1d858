"""The DuckDB warehouse: schema.sql (the contract), data_tests.sql and read helpers."""

from __future__ import annotations

from pathlib import Path

import duckdb

WAREHOUSE_DIR = Path(__file__).resolve().parent
SCHEMA_SQL = WAREHOUSE_DIR / "schema.sql"
DATA_TESTS_SQL = WAREHOUSE_DIR / "data_tests.sql"


def connect_readonly(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Given a warehouse file path, return a read-only DuckDB connection to it."""
    return duckdb.connect(str(path), read_only=True)


def data_tests(sql: str | None = None) -> list[tuple[str, str]]:
    """Given data_tests.sql text (default: the file), return its (name, query) pairs."""
    text = DATA_TESTS_SQL.read_text(encoding="utf-8") if sql is None else sql
    tests: list[tuple[str, str]] = []
    name, lines = None, []
    for line in text.splitlines() + ["-- test: <end>"]:
        if line.startswith("-- test:"):
            query = "\n".join(lines).strip().rstrip(";").strip()
            if name and query:
                tests.append((name, query))
            name, lines = line.removeprefix("-- test:").strip(), []
        elif name is not None and not line.startswith("--"):
            lines.append(line)
    return tests
