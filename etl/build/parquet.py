"""The warehouse's raw tables as Parquet partitioned by fiscal year and province, for DuckDB.

``export_parquet`` writes a built warehouse's tables into a folder: a table with a
report_id as ``<table>/part_year=YYYY/part_region=<province>/*.parquet``, the small
tables without one (units, catalogues, build info) as ``<table>/writer=<name>/data.parquet``.
Each partition is written into a temporary folder and renamed into place, so builds of
different provinces or years (on different machines, each with its own DuckDB file) write
into one folder side by side and never share a DuckDB file.  ``open_parquet`` gives a
DuckDB connection whose raw tables are views over those files, with the warehouse's own
views (schema.sql) on top: the dashboard's queries run on it unchanged.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb

import warehouse

# Partition columns added to every table with a report_id (dropped again when read).
PARTITIONS = ("part_year", "part_region")
# The partition of a report whose unit has no known province.
UNKNOWN_REGION = "未知"


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
    """Given a warehouse connection, return each base table and whether it has a report_id."""
    rows = con.execute(
        "SELECT table_name, bool_or(column_name = 'report_id') FROM duckdb_columns()"
        " WHERE database_name = current_database() AND schema_name = 'main'"
        " AND table_name IN (SELECT table_name FROM duckdb_tables()) GROUP BY ALL ORDER BY 1"
    ).fetchall()
    return dict(rows)


def export_parquet(db_path: Path, out_dir: Path, writer: str | None = None) -> list[Path]:
    """Given a built warehouse, a folder and this writer's name (default: the file's stem),
    write its tables as partitioned Parquet there and return the partition folders replaced."""
    writer = writer or Path(db_path).stem
    out_dir = Path(out_dir)
    staging = out_dir / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    replaced: list[Path] = []
    try:
        _copy_out(Path(db_path), staging, writer)
        for part in sorted(p for p in staging.glob("*/*") if p.is_dir()):
            if part.name.startswith("part_year="):
                leaves = [p for p in part.iterdir() if p.is_dir()]
            else:
                leaves = [part]
            for leaf in leaves:
                final = out_dir / leaf.relative_to(staging)
                final.parent.mkdir(parents=True, exist_ok=True)
                old = final.with_name(final.name + f".old-{os.getpid()}")
                if final.exists():
                    final.rename(old)
                leaf.rename(final)  # the partition appears whole
                shutil.rmtree(old, ignore_errors=True)
                replaced.append(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return replaced


def _quoted(path: Path) -> str:
    """Given a path, return it as an SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _copy_out(db_path: Path, staging: Path, writer: str) -> None:
    """Given a warehouse, a staging folder and the writer's name, write every table there."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        for table, by_report in _tables(con).items():
            target = staging / table
            if by_report:
                con.execute(
                    f"COPY (SELECT t.*, r.fiscal_year AS part_year,"
                    f" coalesce(nullif(u.province, ''), '{UNKNOWN_REGION}') AS part_region"
                    f' FROM "{table}" t JOIN raw_reports r USING (report_id)'
                    " JOIN raw_units u ON u.unit_id = r.unit_id)"
                    f" TO {_quoted(target)} (FORMAT parquet, PARTITION_BY ({', '.join(PARTITIONS)}))"
                )
            else:
                (target / f"writer={writer}").mkdir(parents=True)
                out = target / f"writer={writer}" / "data.parquet"
                con.execute(f'COPY (SELECT * FROM "{table}") TO {_quoted(out)} (FORMAT parquet)')
    finally:
        con.close()


def open_parquet(folder: Path) -> duckdb.DuckDBPyConnection:
    """Given a folder written by export_parquet, return an in-memory DuckDB connection whose
    raw tables read those files and whose views are the warehouse's own."""
    folder = Path(folder)
    con = duckdb.connect()
    con.execute(warehouse.SCHEMA_SQL.read_text(encoding="utf-8"))
    for table, by_report in _tables(con).items():
        files = folder / table
        if not any(files.rglob("*.parquet")):
            continue  # nothing written for it: the schema's empty table stays
        if by_report:
            source = f"read_parquet({_quoted(files / '*' / '*' / '*.parquet')}, hive_partitioning = true)"
            select = f"SELECT * EXCLUDE ({', '.join(PARTITIONS)}) FROM {source}"
        else:
            source = f"read_parquet({_quoted(files / '*' / '*.parquet')}, hive_partitioning = true)"
            select = f"SELECT DISTINCT * EXCLUDE (writer) FROM {source}"
        con.execute(f'DROP TABLE "{table}"')
        con.execute(f'CREATE VIEW "{table}" AS {select}')
    return con
