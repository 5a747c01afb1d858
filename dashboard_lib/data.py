"""Warehouse access for the app: the DB path, first-run build, cached read-only queries.

Pages never open the database themselves: they call ``query("name", ...)`` with the name
of a function in warehouse/queries.py.  Results are cached with ``st.cache_data`` keyed on
the arguments plus the DB file's modification time, so a rebuild shows up on the next
rerun without restarting.  Uncached queries run on one kept read-only connection per
warehouse file (reopened when the file changes).  If the file is being replaced while we
read, we retry once.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from warehouse import queries

REPO_ROOT = Path(__file__).resolve().parents[1]


class WarehouseUnavailable(Exception):
    """The warehouse file is missing, locked or not a warehouse."""


def db_path() -> Path:
    """Return the warehouse path: JUESUAN_DB, else warehouse/finance.duckdb (repo-relative)."""
    try:
        from etl import settings

        return settings.db_path()
    except Exception:  # the ETL package is optional for the app
        value = os.environ.get("JUESUAN_DB", "").strip()
        if value:
            return Path(value).expanduser().resolve()
        return REPO_ROOT / "warehouse" / "finance.duckdb"


def db_mtime(path: Path) -> float:
    """Return the file's modification time, or 0.0 when it does not exist."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# Read-only connections kept open: opening the warehouse loads its catalogue (about 20 ms
# on a 1,000-report warehouse), more than most page queries take.  One per path, for the
# file's current mtime.  DuckDB shares one database instance per path within a process,
# so a rebuilt file is only seen once the old connection is closed: queries and the
# switch therefore run under one lock (uncached queries take milliseconds; cached results
# do not need it).
CONNECTIONS_KEPT = 2
_LOCK = threading.Lock()
_OPEN: OrderedDict[str, tuple[float, duckdb.DuckDBPyConnection]] = OrderedDict()


def _connection(path: str, mtime: float) -> duckdb.DuckDBPyConnection:
    """Given the warehouse path and its mtime, return the open connection (call under _LOCK)."""
    held = _OPEN.get(path)
    if held is not None and held[0] == mtime:
        _OPEN.move_to_end(path)
        return held[1]
    _forget(path)
    con = duckdb.connect(path, read_only=True)
    _OPEN[path] = (mtime, con)
    while len(_OPEN) > CONNECTIONS_KEPT:
        _forget(next(iter(_OPEN)))
    return con


def _forget(path: str) -> None:
    """Given a warehouse path, close and drop its kept connection (call under _LOCK)."""
    held = _OPEN.pop(path, None)
    if held is not None:
        with contextlib.suppress(duckdb.Error):
            held[1].close()


def _run_uncached(name: str, path: str, mtime: float, args: tuple[Any, ...]) -> pd.DataFrame:
    """Given a query name, the warehouse, its mtime and arguments, run the query."""
    func = getattr(queries, name)
    with _LOCK:
        try:
            return func(_connection(path, mtime), *args)
        except (duckdb.Error, OSError):
            _forget(path)  # never reuse a connection that failed
            raise


@st.cache_data(show_spinner=False, max_entries=1024, ttl=3600)
def _run_cached(name: str, path: str, mtime: float, args: tuple[Any, ...]) -> pd.DataFrame:
    """Given a query name, the warehouse, its mtime and arguments, return the cached result."""
    return _run_uncached(name, path, mtime, args)


def query(name: str, *args: Any) -> pd.DataFrame:
    """Run warehouse.queries.<name>(con, *args) read-only, cached; return a DataFrame copy.

    Raises WarehouseUnavailable when the file is missing or cannot be read twice in a row.
    """
    path = db_path()
    last_error: Exception | None = None
    for attempt in range(2):
        mtime = db_mtime(path)
        if not mtime:
            raise WarehouseUnavailable(f"找不到数据仓库文件：{path}")
        try:
            return _run_cached(name, str(path), mtime, args).copy()
        except (duckdb.Error, OSError) as exc:  # being replaced or locked by a build
            last_error = exc
            if attempt == 0:
                time.sleep(0.4)
    raise WarehouseUnavailable(f"数据仓库暂时无法读取（可能正在重建）：{last_error}")


def warehouse_ready() -> tuple[bool, str]:
    """Return (True, "") if the warehouse opens and has the schema, else (False, reason)."""
    try:
        query("warehouse_status")
    except WarehouseUnavailable as exc:
        return False, str(exc)
    return True, ""


def autobuild_enabled() -> bool:
    """Whether a missing warehouse is built from the bundled samples (JUESUAN_AUTOBUILD=0 turns it off)."""
    from etl import settings

    return settings.autobuild()


def build_from_samples(path: Path, progress: Any) -> tuple[bool, str]:
    """Build the warehouse at ``path`` from the bundled samples, updating ``progress``.

    ``progress`` is an st.progress element.  Returns (ok, message).
    """
    try:
        from etl import build as etl_build
    except Exception as exc:  # the builder cannot be imported
        return False, f"无法载入构建程序 etl.build：{exc}"

    def on_progress(p: Any) -> None:
        # etl.build hands over its running counts once per input file (etl/build/progress.py)
        progress.progress(
            min(p.done / p.total, 1.0) if p.total else 1.0,
            text=f"正在解析示例报告 {p.done}/{p.total}：{p.file}",
        )

    progress.progress(0.0, text="正在查找示例报告")
    try:
        # None: the bundled samples folder; per-file lines go to the callback, the rest is dropped
        result = etl_build.build(None, path, log=lambda _line: None, on_progress=on_progress)
    except Exception as exc:
        return False, f"构建失败：{exc}"
    st.cache_data.clear()
    progress.progress(1.0, text="构建完成")
    return True, f"已载入 {getattr(result, 'reports', '?')} 份报告"
