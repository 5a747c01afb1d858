"""Parsed reports' rows on disk as they arrive, so the build's memory does not grow with the
corpus.

Each new report's detail rows go to a staging DuckDB file beside the target (named like the
temporary warehouse, etl/guard.py, so a build that dies leaves nothing a later build does not
remove), STAGE_BATCH_ROWS rows at a time.  The writer copies the kept reports' rows from it
in report-id order (each report's rows in the order they were staged) and the file is then
removed.  The tables carry no keys, only the warehouse's columns and ``_ord``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb

import warehouse
from etl import guard
from etl.build import writer
from etl.build.model import BuildError, StagedReport
from etl.build.writer import RAW_DETAIL_TABLES, table_columns

# Rows buffered in memory before they are written to the staging file.
STAGE_BATCH_ROWS = 50_000
# DuckDB's memory for the staging file: it only appends, so little is needed (beyond it, the
# written blocks are dropped from memory, not kept cached).
STAGING_MEMORY_LIMIT = "64MB"
# Column giving each staged row's place: a report's rows keep their order.
ORDER_COLUMN = "_ord"


class Staging:
    """The staging file of one build: detail rows of new reports, written in batches.

    The file is made when the first report arrives (``path`` is None until then).
    """

    def __init__(self, target: Path):
        self.target = target
        self.path: Path | None = None
        self.con: duckdb.DuckDBPyConnection | None = None
        self.columns: dict[str, list[str]] = {}
        self._buffer: dict[str, list[tuple]] = {t: [] for t in RAW_DETAIL_TABLES}
        self._buffered = 0
        self._next = 0

    def _open(self) -> duckdb.DuckDBPyConnection:
        """Make the staging file with the warehouse's detail tables and return its connection."""
        template = duckdb.connect()  # the warehouse's column types, from its schema
        template.execute(warehouse.SCHEMA_SQL.read_text(encoding="utf-8"))
        self.path = guard.temp_path(self.target)
        self.con = duckdb.connect(str(self.path))
        self.con.execute(f"SET memory_limit = '{STAGING_MEMORY_LIMIT}'")
        for table in RAW_DETAIL_TABLES:
            cols = table_columns(template, table)
            self.columns[table] = [c for c, _ in cols]
            spec = ", ".join(f'"{c}" {kind}' for c, kind in cols)
            self.con.execute(f'CREATE TABLE {table} ({spec}, "{ORDER_COLUMN}" BIGINT)')
        template.close()
        return self.con

    def add(self, report: StagedReport) -> None:
        """Given a staged report, move its rows to the staging file (its ``rows`` emptied)."""
        for table, rows in report.rows.items():
            buffer = self._buffer[table]
            for row in rows:
                buffer.append((*row, self._next))
                self._next += 1
            self._buffered += len(rows)
        report.rows = {}
        if self._buffered >= STAGE_BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows to the staging file."""
        if not self._buffered:
            return
        with self._one_line():
            con = self.con or self._open()
            for table, rows in self._buffer.items():
                writer.write_rows(con, table, rows, [*self.columns[table], ORDER_COLUMN])
                rows.clear()
        self._buffered = 0

    def close(self) -> Path | None:
        """Write what is buffered and close the file; return its path for the writer to attach
        (None: nothing was staged)."""
        self.flush()
        if self.con is not None:
            with self._one_line():
                self.con.execute("CHECKPOINT")
                self.con.close()
            self.con = None
        return self.path

    @contextlib.contextmanager
    def _one_line(self) -> Iterator[None]:
        """Turn a full disk, a read-only directory or a DuckDB error met while staging into a
        one-line BuildError (the warehouse is not touched)."""
        try:
            yield
        except OSError as exc:
            raise BuildError(f"{guard.os_problem(exc, self.target.parent)}，仓库未改变") from None
        except duckdb.Error as exc:
            problem = writer.duckdb_problem(exc, self.target)
            raise BuildError(f"{problem}，仓库未改变") from None

    def remove(self) -> None:
        """Close (if open) and delete the staging file."""
        if self.con is not None:
            with contextlib.suppress(duckdb.Error):
                self.con.close()
            self.con = None
        if self.path is None:
            return
        for stale in (self.path, Path(f"{self.path}.wal")):
            with contextlib.suppress(OSError):
                stale.unlink(missing_ok=True)
