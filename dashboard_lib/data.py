"""Warehouse access for the app: the DB path, first-run build, cached read-only queries.

Pages never open the database themselves: they call ``query("name", ...)`` with the name
of a function in warehouse/queries.py.  Results are cached with ``st.cache_resource`` keyed on
the arguments plus the DB file's modification time, so a rebuild shows up on the next
rerun without restarting.  Uncached queries run on one kept read-only connection per
warehouse file (reopened when the file changes).  If the file is being replaced while we
read, we retry once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from warehouse import queries

REPO_ROOT = Path(__file__).resolve().parents[1]
_LOG = logging.getLogger(__name__)


OLD_SCHEMA = (
    "数据仓库由旧版本程序生成，缺少本版本读取的列：请运行 python -m etl build 更新仓库"
    "（不重新解析报告）"
)


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
CACHED_RESULTS = 1024  # query results kept per server process
CACHE_SECONDS = 3600  # a kept result is dropped after this long
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


# Kept as objects (st.cache_resource), not pickled (st.cache_data): unpickling a result of
# tens of thousands of rows on every rerun cost more than the query.  query() hands out a
# copy, so no page can change the kept frame.
@st.cache_resource(show_spinner=False, max_entries=CACHED_RESULTS, ttl=CACHE_SECONDS)
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
            raise WarehouseUnavailable(f"找不到数据仓库文件 {path.name}")
        try:
            return _run_cached(name, str(path), mtime, args).copy()
        except duckdb.BinderException as exc:  # a column this version reads is not there
            _LOG.warning("warehouse %s predates this version: %s", path, exc)
            raise WarehouseUnavailable(OLD_SCHEMA) from None
        except (duckdb.Error, OSError) as exc:  # being replaced or locked by a build
            last_error = exc
            if attempt == 0:
                time.sleep(0.4)
    _LOG.warning("warehouse %s unreadable: %s", path, last_error)  # details for the operator
    raise WarehouseUnavailable("数据仓库暂时无法读取（可能正在重建）")


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


@dataclass
class FirstBuild:
    """The server process's one build thread (the first-run build, then any build started from
    数据管理), as every visitor sees it."""

    running: bool = False
    finished: bool = False
    ok: bool = False
    fraction: float = 0.0
    text: str = "准备构建"
    message: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    result: Any = None  # the etl BuildResult of the last build that ran to its end
    runs: int = 0  # builds started in this process (a page tells its own from a later one)
    lines: list[str] = field(default_factory=list)  # the build's output, as the command line


_FIRST = FirstBuild()


def first_build(path: Path) -> FirstBuild:
    """Given the warehouse path, start the first-run build from the bundled samples unless it
    was started already in this process, and return it (visitors poll its progress)."""
    from etl import settings, uploads

    folder = settings.upload_dir()  # files added in 数据管理 before the warehouse was removed
    paths = [settings.samples_dir(), folder] if uploads.stored_files(folder) else None
    with _FIRST.lock:
        if not _FIRST.running and not _FIRST.finished:
            _start(path, paths, (), "正在解析示例报告", "first-build")
    return _FIRST


def start_build(path: Path, paths: list[Path], drop: tuple[str, ...] = ()) -> FirstBuild | None:
    """Given the warehouse, the input files and folders and report ids removed on purpose, start
    a build on the server's one build thread; return it, or None while a build is running."""
    with _FIRST.lock:
        if _FIRST.running:
            return None
        _start(path, paths, drop, "正在解析", "dashboard-build")
    return _FIRST


def current_build() -> FirstBuild:
    """Return the server's build thread state (running, or the last one finished)."""
    return _FIRST


def _start(
    path: Path, paths: list[Path] | None, drop: tuple[str, ...], doing: str, name: str
) -> None:
    """Given the build's inputs, its progress wording and thread name, reset the shared state
    and start the thread (call under the state's lock)."""
    _FIRST.running, _FIRST.ok, _FIRST.fraction = True, False, 0.0
    _FIRST.text, _FIRST.message, _FIRST.result, _FIRST.lines = "准备构建", "", None, []
    _FIRST.runs += 1
    threading.Thread(
        target=build_from_samples,
        args=(path, _FIRST, paths, drop, doing),
        name=name,
        daemon=True,
    ).start()


def clear_caches() -> None:
    """Drop every cached query result so the next run of any page reads the new warehouse."""
    _run_cached.clear()
    with _LOCK:
        for kept in list(_OPEN):
            _forget(kept)


def build_from_samples(
    path: Path,
    shown: FirstBuild,
    paths: list[Path] | None = None,
    drop: tuple[str, ...] = (),
    doing: str = "正在解析示例报告",
) -> None:
    """Given the warehouse path, the shared progress and the inputs (None: the bundled samples),
    build the warehouse under the build's lock (another build holding it is waited for)."""
    try:
        from etl import build as etl_build
        from etl.build.progress import file_line

        counted = [0]  # files counted so far: a call without a new one is a busy note

        def on_progress(p: Any) -> None:
            shown.fraction = min(p.done / p.total, 1.0) if p.total else 1.0
            # etl.build hands over its running counts once per input file, and what a file
            # being parsed is busy with (e.g. OCR of a page) in between (etl/build/progress.py)
            shown.text = f"{doing} {p.done}/{p.total}：{p.activity or p.file}"
            if p.done > counted[0]:
                counted[0] = p.done
                shown.lines.append(file_line(p))

        def log(line: str) -> None:
            shown.lines.append(line)
            if not line.startswith("["):
                shown.text = line.splitlines()[0][:200] if line else shown.text

        result = etl_build.build(paths, path, drop=drop, log=log, on_progress=on_progress)
        shown.ok, shown.message = True, f"已载入 {result.reports} 份报告"
        shown.result = result
    except Exception as exc:  # the one line the build gives; the details go to the server log
        _LOG.warning("build of %s failed: %s", path, exc)
        text = str(exc).replace(str(path), path.name).splitlines()
        shown.ok, shown.message = False, (text[0] if text else type(exc).__name__)[:200]
    finally:
        clear_caches()
        shown.fraction = 1.0
        shown.running, shown.finished = False, True
