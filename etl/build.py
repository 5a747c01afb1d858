"""Build the DuckDB warehouse from report files: incremental, atomic and idempotent.

The build discovers input files, hashes them, carries over reports whose file is unchanged
(same sha256 and PARSER_VERSION), parses the rest in worker processes (a file that
overruns its time limit or kills its worker fails alone; see parse_in_workers), keeps one
report per unit, fiscal year and kind, writes everything into a temporary file next to
the target, runs warehouse/data_tests.sql and only then replaces the target.  A crash
leaves the old warehouse untouched and removes the temporary file.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import multiprocessing
import multiprocessing.context
import multiprocessing.process
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection, wait
from pathlib import Path

import duckdb
import pyarrow as pa

import warehouse
from etl import PARSER_VERSION, settings
from etl.checks import write_findings
from etl.model import InputError, Report
from etl.units import StatedUnit, apply_alias, load_aliases, resolve_units, unit_key
from etl.vocab import catalogue
from etl.vocab.unit_kinds import unit_types

SUPPORTED = {
    ".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".md": "txt", ".xlsx": "xlsx", ".xls": "xlsx",
    ".html": "html", ".htm": "html",
    ".doc": "docx", ".wps": "docx", ".dot": "docx",  # converted to .docx by LibreOffice
    ".png": "pdf", ".jpg": "pdf", ".jpeg": "pdf",  # a scanned page, read by OCR
}  # fmt: skip
FMT_PRIORITY = {"docx": 0, "pdf": 1, "html": 2, "txt": 3, "xlsx": 4}
UNSUPPORTED_HINTS = {
    ".rtf": "RTF 格式不支持，请另存为 .docx 或 PDF",
    ".et": "WPS 表格（.et）不支持，请提供决算报告的 PDF 或 DOCX",
    ".ofd": "OFD 版式文件不支持，请另存为 PDF",
}
# Modules the parse workers import once, before any file arrives (see _mp_context).
WORKER_PRELOAD = ("etl.model", "etl.readers", "etl.extract")
# Longest wait for the next worker event before deadlines are checked again (seconds).
WORKER_POLL_SECONDS = 0.5
# How long a worker gets to exit after being told to stop or killed (seconds).
WORKER_STOP_SECONDS = 5.0
# Files never reported when walking a folder: editor lock files and system clutter.
_IGNORED_NAMES = {"thumbs.db", "desktop.ini"}

RAW_DETAIL_TABLES = (
    "raw_facts",
    "raw_derived_facts",
    "raw_function_classes",
    "raw_function_items",
    "raw_projects",
    "raw_indicators",
    "raw_notes",
    "raw_mentions",
    "raw_coverage",
    "raw_cells",
)


class BuildError(Exception):
    """The build could not complete; the message is Chinese and the old warehouse is intact."""


@dataclass
class InputFile:
    """One file given to the build (or found in a given folder)."""

    path: Path
    source_path: str  # as stored in raw_reports.source_path / raw_files.source_path
    name: str
    sha256: str | None = None
    problem: str | None = None  # why it cannot be parsed, found before parsing

    @property
    def fmt(self) -> str | None:
        """Given the file, return its format (pdf/docx/txt) or None when unsupported."""
        return SUPPORTED.get(self.path.suffix.lower())


@dataclass
class FileOutcome:
    """What the build did with one input file."""

    file: InputFile
    status: str  # loaded | unchanged | duplicate | failed
    message: str = ""
    report_id: str | None = None
    fact_count: int | None = None
    stated_name: str | None = None  # the unit name the file states, where known


@dataclass
class BuildResult:
    """The outcome of one build: per-file results, the parse count and the warehouse path."""

    db_path: Path
    outcomes: list[FileOutcome] = field(default_factory=list)
    parsed: int = 0
    reports: int = 0
    retained: list[str] = field(default_factory=list)  # kept reports of absent files
    warnings: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        """Given a status, return how many input files ended with it."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> bool:
        """Given the result, return whether any file failed."""
        return self.count("failed") > 0


@dataclass
class _Candidate:
    """A report that may go into the new warehouse."""

    report_id: str
    stated: StatedUnit
    fiscal_year: int
    doc_kind: str
    fmt: str
    source_file: str
    fact_count: int
    origin: str  # new | carried | retained
    report: Report | None = None  # for new reports
    old_row: dict | None = None  # raw_reports row of the old warehouse
    file: InputFile | None = None
    key: tuple = ()

    def rank(self) -> tuple:
        """Given a candidate, return its sort key: the kept report sorts first."""
        return (
            self.origin == "retained",
            -self.fact_count,
            FMT_PRIORITY.get(self.fmt, 9),
            self.source_file,
            self.file.source_path if self.file else "",
        )


# ---------------------------------------------------------------- discovery


def discover(paths: Sequence[str | Path]) -> list[InputFile]:
    """Given files and folders, return the input files in a stable order (folders recursive)."""
    found: dict[str, InputFile] = {}

    def add(path: Path, shown: str, problem: str | None = None) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key not in found:
            found[key] = InputFile(path, shown, path.name, problem=problem)

    for given in paths:
        given_path = Path(given)
        if given_path.is_dir():
            for path in sorted(given_path.rglob("*")):
                rel = path.relative_to(given_path)
                if not path.is_file() or any(p.startswith((".", "~$")) for p in rel.parts):
                    continue
                if path.name.lower() in _IGNORED_NAMES:
                    continue
                add(path, str(path))
        elif given_path.is_file():
            add(given_path, str(given_path))
        else:
            add(given_path, str(given_path), "文件或文件夹不存在")
    return list(found.values())


def file_sha256(path: Path) -> str:
    """Given a file path, return the hex sha256 of its bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def precheck(item: InputFile, max_bytes: int) -> str | None:
    """Given an input file, return why it cannot be parsed, or None when it can be tried."""
    if item.problem:
        return item.problem
    suffix = item.path.suffix.lower()
    if suffix not in SUPPORTED:
        return UNSUPPORTED_HINTS.get(
            suffix,
            f"不支持的文件格式（{suffix or '无扩展名'}），只能读取 PDF、DOCX、XLSX、TXT、PNG/JPG 扫描页（.doc/.wps 经 LibreOffice 转换）",
        )
    size = item.path.stat().st_size
    if size == 0:
        return "文件为空（0 字节）"
    if size > max_bytes:
        return f"文件过大（{size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB）"
    return None


# ---------------------------------------------------------------- parsing


def parse_file(path: Path) -> Report:
    """Given a report file path, return the Report extracted from it (raises InputError)."""
    from etl.extract import extract_report
    from etl.readers import read_document

    return extract_report(read_document(path))


ParseFunc = Callable[[Path], Report]


def _parse_safely(path: Path, parse: ParseFunc = parse_file) -> tuple[Report | None, str | None]:
    """Given a file path, return (report, None) or (None, the Chinese reason it failed)."""
    try:
        return parse(path), None
    except InputError as exc:
        return None, str(exc).strip().splitlines()[0] if str(exc).strip() else "无法读取"
    except ImportError as exc:
        raise BuildError(f"解析器无法加载（{exc}），请先运行 make setup") from exc
    except Exception as exc:  # one bad file must not stop the build
        return None, f"解析出错（程序内部错误 {type(exc).__name__}: {exc}）".replace("\n", " ")


def _worker(conn: Connection, parse: ParseFunc, timeout: float | None) -> None:
    """Given a task pipe, a parse function and the file time limit, answer each (index, path).

    The limit is also put in this process's environment as the ``timeout`` setting, so a
    reader that runs a converter (LibreOffice) ends it before the build kills this worker.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle: it stops us
    os.environ[settings.env_var("timeout")] = f"{timeout or 0:g}"
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the build is gone
            return
        if task is None:
            return
        index, path = task
        try:
            report, problem = _parse_safely(path, parse)
            fatal = None
        except BuildError as exc:
            report, problem, fatal = None, None, str(exc)
        try:
            conn.send((index, report, problem, fatal))
        except Exception as exc:  # e.g. the report cannot be pickled
            conn.send((index, None, f"解析结果无法传回（{type(exc).__name__}）", None))


def _mp_context() -> multiprocessing.context.BaseContext:
    """Given the platform, return the process context the parse workers start from.

    forkserver (Linux, macOS) forks workers from a small server that has imported the
    readers once, so a replaced worker starts in milliseconds and never inherits the
    parent's threads (DuckDB, Streamlit); elsewhere workers are spawned.
    """
    global _CONTEXT
    if _CONTEXT is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _CONTEXT = multiprocessing.get_context("forkserver")
            _CONTEXT.set_forkserver_preload(list(WORKER_PRELOAD))
        else:
            _CONTEXT = multiprocessing.get_context("spawn")
    return _CONTEXT


_CONTEXT: multiprocessing.context.BaseContext | None = None


@dataclass
class _Slot:
    """One worker process and the task it is working on."""

    process: multiprocessing.process.BaseProcess
    conn: Connection
    task: tuple[int, Path] | None = None
    deadline: float | None = None


def _start_worker(parse: ParseFunc, timeout: float | None) -> _Slot:
    """Given a parse function and the file time limit, return a started worker and its pipe."""
    ctx = _mp_context()
    ours, theirs = ctx.Pipe()
    process = ctx.Process(target=_worker, args=(theirs, parse, timeout), daemon=True)
    process.start()
    theirs.close()
    return _Slot(process, ours)


def _stop_worker(slot: _Slot, *, kill: bool = False) -> None:
    """Given a worker slot, end its process (politely unless kill) and close its pipe."""
    if not kill:
        with contextlib.suppress(OSError, ValueError):
            slot.conn.send(None)
        slot.process.join(WORKER_STOP_SECONDS)
    if slot.process.is_alive():
        slot.process.kill()
        slot.process.join(WORKER_STOP_SECONDS)
    slot.conn.close()
    with contextlib.suppress(ValueError):
        slot.process.close()


def parse_in_workers(
    tasks: Sequence[tuple[int, Path]],
    jobs: int,
    timeout: float | None,
    on_result: Callable[[int, Report | None, str | None], None],
    parse: ParseFunc = parse_file,
) -> None:
    """Given (index, path) tasks, parse them in ``jobs`` processes, calling on_result for each.

    Results arrive in completion order.  A file that takes longer than ``timeout`` seconds
    (None: no limit) or whose process dies gets a one-line reason; its worker is replaced
    and the other files go on.  ``parse`` must be a module-level function (it is pickled).
    """
    pending = deque(tasks)
    slots: list[_Slot | None] = []
    fatal: str | None = None
    try:
        for _ in range(min(max(1, jobs), len(pending))):
            slots.append(_start_worker(parse, timeout))
        while fatal is None and (pending or any(s.task for s in slots)):
            for n, slot in enumerate(slots):
                if slot.task is None and pending:
                    slots[n] = slot = _assign(slot, pending.popleft(), timeout, parse)
            busy = [s for s in slots if s.task is not None]
            now = time.monotonic()
            deadlines = [s.deadline for s in busy if s.deadline is not None]
            wait_for = min([WORKER_POLL_SECONDS] + [max(0.0, d - now) for d in deadlines])
            wait([s.conn for s in busy] + [s.process.sentinel for s in busy], wait_for)
            for n, slot in enumerate(slots):
                if slot.task is None:
                    continue
                index = slot.task[0]
                problem = None
                if slot.conn.poll():
                    try:
                        got, report, reason, fatal_reason = slot.conn.recv()
                    except (EOFError, OSError):
                        problem = "解析进程异常退出"
                    else:
                        slot.task = None
                        fatal = fatal or fatal_reason
                        if fatal_reason is None:
                            on_result(got, report, reason)
                        continue
                elif not slot.process.is_alive():
                    problem = "解析进程异常退出"
                elif slot.deadline is not None and time.monotonic() >= slot.deadline:
                    problem = f"解析超时（超过 {timeout:g} 秒）"
                if problem is None:
                    continue
                _stop_worker(slot, kill=True)
                slots[n] = _start_worker(parse, timeout) if pending else None
                on_result(index, None, problem)
            slots = [s for s in slots if s is not None]
    finally:
        for slot in slots:
            if slot is not None:
                _stop_worker(slot, kill=fatal is not None)
    if fatal:
        raise BuildError(fatal)


def _assign(slot: _Slot, task: tuple[int, Path], timeout: float | None, parse: ParseFunc) -> _Slot:
    """Given an idle worker and a task, send the task (replacing a dead worker) and return it."""
    for _attempt in range(2):
        try:
            slot.conn.send(task)
        except OSError:  # the idle worker died: start another
            _stop_worker(slot, kill=True)
            slot = _start_worker(parse, timeout)
            continue
        slot.task = task
        slot.deadline = time.monotonic() + timeout if timeout else None
        return slot
    raise BuildError("无法启动解析进程")


# ---------------------------------------------------------------- old warehouse


@dataclass
class _Old:
    """What the build needs from the previous warehouse."""

    reports: dict[str, dict]  # report_id -> raw_reports row
    fact_counts: dict[str, int]
    duplicates: dict[str, dict]  # sha256 -> raw_files row of a duplicate file
    names: dict[str, str]  # source_file -> a stated unit name (raw_unit_names)
    info: dict[str, str]
    columns: dict[str, list[str]]


def _read_old(path: Path) -> _Old | None:
    """Given the target path, return the old warehouse's contents, or None if there is none."""
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise BuildError(f"无法打开现有仓库 {path}：{exc}") from exc
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "raw_reports" not in tables:
            return None
        columns: dict[str, list[str]] = {}
        for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() ORDER BY table_name, column_index"
        ).fetchall():
            columns.setdefault(table, []).append(column)
        cur = con.execute("SELECT * FROM raw_reports")
        names = [d[0] for d in cur.description]
        reports = {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}
        reports = {r["report_id"]: r for r in reports.values()}
        counts = dict(
            con.execute("SELECT report_id, count(*) FROM raw_facts GROUP BY report_id").fetchall()
        )
        duplicates: dict[str, dict] = {}
        if "raw_files" in tables:
            cur = con.execute(
                "SELECT * FROM raw_files WHERE status = 'duplicate' AND source_sha256 IS NOT NULL"
            )
            cols = [d[0] for d in cur.description]
            for row in cur.fetchall():
                rec = dict(zip(cols, row, strict=True))
                duplicates[rec["source_sha256"]] = rec
        unit_names: dict[str, str] = {}
        if "raw_unit_names" in tables:
            for source_file, variant in con.execute(
                "SELECT source_file, min(name_variant) FROM raw_unit_names GROUP BY ALL"
            ).fetchall():
                unit_names[source_file] = variant
        info: dict[str, str] = {}
        if "raw_build_info" in tables:
            info = dict(con.execute("SELECT key, value FROM raw_build_info").fetchall())
        return _Old(reports, counts, duplicates, unit_names, info, columns)
    finally:
        con.close()


def _stated_from_row(row: dict) -> StatedUnit:
    """Given an old raw_reports row, return the unit identity it states."""
    return StatedUnit(
        row["unit_name_stated"],
        row.get("unit_short_stated"),
        row.get("region_stated"),
        row.get("city_stated"),
    )


# ---------------------------------------------------------------- build


def _reason(winner: _Candidate, loser_fmt: str, loser_facts: int | None) -> str:
    """Given the kept candidate and a loser's format and fact count, return why it was kept."""
    if loser_facts is not None and winner.fact_count != loser_facts:
        return f"指标更多（{winner.fact_count} 项，对方 {loser_facts} 项）"
    if FMT_PRIORITY.get(winner.fmt, 9) != FMT_PRIORITY.get(loser_fmt, 9):
        return f"指标一样多，格式优先（docx > pdf > html > txt，保留 {winner.fmt}）"
    return "指标一样多、格式相同，按文件名取靠前者"


def _label(c: _Candidate) -> str:
    """Given a candidate, return how a person names its report (金口河·区委办 2024 决算)."""
    region_short, short = c.key[0]
    display = f"{region_short}·{short}" if region_short else short
    return f"{display} {c.fiscal_year} {c.doc_kind}"


def _report_rows(report: Report, report_id: str) -> tuple[dict[str, list[tuple]], list[str]]:
    """Given a new report and its id, return its detail rows per raw table and warnings."""
    rows: dict[str, list[tuple]] = {t: [] for t in RAW_DETAIL_TABLES}
    warnings: list[str] = list(report.warnings)  # what the reader could not place, and why
    known = _metric_keys()
    seen: set[str] = set()
    notes = list(report.notes) + list(report.warnings)
    for f in report.facts:
        value = float(f.value)
        if f.metric not in known:
            notes.append(
                f"指标键 {f.metric} 不在指标目录 etl/vocab/metrics.toml 中，未入库：{f.quote[:60]}"
            )
            warnings.append(f"未知指标键 {f.metric}")
            continue
        if f.metric in seen:
            notes.append(f"指标 {f.metric} 重复出现，只保留第一处；另一处：{f.quote[:60]}")
            continue
        if math.isnan(value) or math.isinf(value):
            notes.append(f"指标 {f.metric} 的数值无效，未入库")
            continue
        seen.add(f.metric)
        rows["raw_facts"].append(
            (report_id, f.metric, value, f.unit, f.page, f.loc, f.quote, f.origin)
        )
    for d in report.derived:
        if d.metric not in known:
            warnings.append(f"未知指标键 {d.metric}")
            continue
        rows["raw_derived_facts"].append(
            (report_id, d.metric, d.fiscal_year, float(d.value), d.unit, d.page, d.loc,
             d.quote, d.basis)
        )  # fmt: skip
    for c in report.function_classes:
        rows["raw_function_classes"].append(
            (report_id, c.class_name, c.amount, c.pct, c.page, c.loc, c.quote, c.code)
        )
    for i in report.function_items:
        rows["raw_function_items"].append(
            (report_id, i.seq, i.class_name, i.kuan, i.xiang, i.amount, i.pct_of_budget,
             i.page, i.loc, i.quote, i.code)
        )  # fmt: skip
    for seq, p in enumerate(report.projects, 1):
        rows["raw_projects"].append(
            (report_id, seq, p.code, p.name, p.initial_budget, p.adjusted_budget, p.executed,
             p.execution_rate, p.score, p.page, p.loc, p.quote)
        )  # fmt: skip
    for seq, i in enumerate(report.indicators, 1):
        rows["raw_indicators"].append(
            (report_id, seq, i.table, i.level1, i.level2, i.level3, i.target, i.actual,
             i.weight, i.score, i.page, i.loc, i.sign or None, i.unit or None,
             i.deviation or None)
        )  # fmt: skip
    for message in notes:
        rows["raw_notes"].append((report_id, message))
    cov = report.coverage
    rows["raw_coverage"].append(
        (report_id, cov.from_tables, cov.from_text, "、".join(cov.missing_sections),
         "、".join(cov.missing_tables), cov.summary())
    )  # fmt: skip
    for seq, m in enumerate(report.mentions, 1):
        rows["raw_mentions"].append(
            (report_id, seq, m.kind, m.subject, m.value, m.pct, m.base, m.year, m.other_year,
             m.flag, m.section, m.page, m.loc, m.quote, m.context)
        )  # fmt: skip
    for c in report.cells:
        rows["raw_cells"].append(
            (report_id, c.table, c.title, c.row_no, c.row_code, c.row_label, c.column, c.col_no,
             c.value, c.text, c.unit, c.page, c.loc, c.quote, c.ocr_box, c.ocr_conf)
        )  # fmt: skip
    return rows, warnings


_METRIC_KEYS: set[str] | None = None


def _metric_rows() -> list[tuple[str, str, str, str]]:
    """Given the metric catalogue (etl/vocab/metrics.toml), return its (metric, label_zh,
    unit, section) rows."""
    return catalogue.metric_rows()


def _metric_keys() -> set[str]:
    """Given the metric catalogue, return the set of metric keys."""
    global _METRIC_KEYS
    if _METRIC_KEYS is None:
        _METRIC_KEYS = {r[0] for r in _metric_rows()}
    return _METRIC_KEYS


def _table_columns(con: duckdb.DuckDBPyConnection, table: str, schema: str = "main") -> list:
    """Given a connection and a table, return (column name, type) pairs in order."""
    return con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE table_name = ? AND schema_name = ? AND database_name = current_database() "
        "ORDER BY column_index",
        [table, schema],
    ).fetchall()


_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}


def write_rows(
    con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence], columns: list[str]
) -> None:
    """Given a connection, a raw table, rows and their column names, insert the rows in bulk."""
    if not rows:
        return
    types = dict(_table_columns(con, table))
    data = list(zip(*rows, strict=True))
    arrow = pa.table(
        {
            c: pa.array(list(v), type=_ARROW_TYPES[types[c]])
            for c, v in zip(columns, data, strict=True)
        }
    )
    con.register("_incoming", arrow)
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
    finally:
        con.unregister("_incoming")


def run_data_tests(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Given a built warehouse connection, return one line per failing data test."""
    failures = []
    for name, query in warehouse.data_tests():
        rows = con.execute(query).fetchmany(3)
        if rows:
            failures.append(f"{name}：例如 {rows}")
    return failures


# ---------------------------------------------------------------- progress


@dataclass
class Progress:
    """How far a build's file pass has got: counts so far and the parse clock."""

    total: int  # input files
    to_parse: int  # files that need parsing
    done: int = 0
    loaded: int = 0  # parsed successfully (duplicates are decided later)
    skipped: int = 0  # unchanged or an identical copy
    failed: int = 0
    parsed: int = 0  # of to_parse, finished (loaded or failed)
    started: float = field(default_factory=time.monotonic)
    parse_started: float | None = None


def _clock(seconds: float) -> str:
    """Given seconds, return them as m:ss (or h:mm:ss from one hour)."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_progress(p: Progress, now: float) -> str:
    """Given build progress and the monotonic time now, return the one-line progress text.

    Example: ``[ 412/1000] 41% 已载入 398 跳过 10 失败 4 · 用时 1:02 · 预计剩余 1:29``.
    The remaining time is estimated from the files parsed so far (skipped files cost nothing).
    """
    width = len(str(p.total))
    pct = int(100 * p.done / p.total) if p.total else 100
    line = (
        f"[{p.done:>{width}}/{p.total}] {pct}% 已载入 {p.loaded} 跳过 {p.skipped} "
        f"失败 {p.failed} · 用时 {_clock(now - p.started)}"
    )
    left = p.to_parse - p.parsed
    if p.done >= p.total or left <= 0:
        return line
    if p.parsed and p.parse_started is not None:
        eta = (now - p.parse_started) / p.parsed * left
        return f"{line} · 预计剩余 {_clock(eta)}"
    return f"{line} · 预计剩余 --:--"


def build(
    paths: Sequence[str | Path] | None = None,
    db_path: str | Path | None = None,
    *,
    force: bool = False,
    prune: bool = False,
    jobs: int | None = None,
    timeout: float | None = None,
    log: Callable[[str], None] = print,
    on_progress: Callable[[Progress], None] | None = None,
    _parse: ParseFunc | None = None,
) -> BuildResult:
    """Given input paths and a target warehouse, return the result of building it.

    ``jobs`` parse processes (default: the ``jobs`` setting) each get ``timeout`` seconds
    per file (default: the ``timeout`` setting; 0 means no limit).  Each file's line goes
    to ``log``, unless ``on_progress`` is given: it then receives the running counts
    instead.  ``_parse`` replaces parse_file for tests (a module-level function, since
    workers receive it pickled); production code never passes it.
    """
    target = Path(db_path) if db_path else settings.db_path()
    target = target.expanduser().absolute()
    inputs = discover(paths if paths else [settings.samples_dir()])
    result = BuildResult(target)
    if not inputs:
        raise BuildError("没有找到任何输入文件")
    aliases_path = settings.unit_aliases_path()
    aliases = load_aliases(aliases_path)
    aliases_sha = file_sha256(aliases_path) if aliases_path.exists() else ""
    old = _read_old(target)
    same_version = bool(old) and old.info.get("parser_version") == PARSER_VERSION
    same_aliases = bool(old) and old.info.get("aliases_sha256") == aliases_sha
    max_bytes = settings.max_file_bytes()
    jobs = jobs or settings.jobs()

    # 1. precheck and hash every file; decide what is carried over.
    outcomes: dict[int, FileOutcome] = {}
    first_by_sha: dict[str, int] = {}
    copies: dict[int, int] = {}  # index of an identical copy -> index of the first file
    for n, item in enumerate(inputs):
        problem = precheck(item, max_bytes)
        if problem:
            outcomes[n] = FileOutcome(item, "failed", problem)
            continue
        try:
            item.sha256 = file_sha256(item.path)
        except OSError as exc:
            outcomes[n] = FileOutcome(item, "failed", f"无法读取文件：{exc.strerror or exc}")
            continue
        if item.sha256 in first_by_sha:
            copies[n] = first_by_sha[item.sha256]
        else:
            first_by_sha[item.sha256] = n

    def carried_report(item: InputFile) -> dict | None:
        row = old.reports.get(item.sha256[:16]) if old and not force else None
        if row and row["source_sha256"] == item.sha256 and row["parser_version"] == PARSER_VERSION:
            return row
        return None

    carried_ids = {
        item.sha256[:16]
        for n, item in enumerate(inputs)
        if n in first_by_sha.values() and carried_report(item)
    }

    def carried_duplicate(item: InputFile) -> dict | None:
        if not old or force or not same_version or not same_aliases:
            return None
        dup = old.duplicates.get(item.sha256)
        return dup if dup and dup["report_id"] in carried_ids else None

    # 2. parse what is not carried over in worker processes, reporting each file once.
    candidates: list[_Candidate] = []
    dup_carried: dict[int, dict] = {}
    to_parse = [
        n
        for n, item in enumerate(inputs)
        if n not in outcomes
        and n not in copies
        and not carried_report(item)
        and not carried_duplicate(item)
    ]
    result.parsed = len(to_parse)
    progress = Progress(len(inputs), len(to_parse))
    width = len(str(progress.total))

    def tick(n: int, kind: str, text: str) -> None:
        progress.done += 1
        setattr(progress, kind, getattr(progress, kind) + 1)
        if on_progress is not None:
            on_progress(progress)
        else:
            log(f"[{progress.done:>{width}}/{progress.total}] {inputs[n].name} … {text}")

    for n, item in enumerate(inputs):
        if n in outcomes:
            tick(n, "failed", f"失败：{outcomes[n].message}")
        elif n in copies:
            tick(n, "skipped", f"与 {inputs[copies[n]].name} 内容完全相同")
        elif (row := carried_report(item)) is not None:
            candidates.append(
                _Candidate(
                    row["report_id"], _stated_from_row(row), row["fiscal_year"], row["doc_kind"],
                    row["fmt"], item.name, old.fact_counts.get(row["report_id"], 0), "carried",
                    old_row=row, file=item,
                )
            )  # fmt: skip
            tick(n, "skipped", "未变化，跳过")
        elif (dup := carried_duplicate(item)) is not None:
            dup_carried[n] = dup
            tick(n, "skipped", "未变化，跳过")

    parsed: dict[int, Report] = {}

    def on_result(n: int, report: Report | None, problem: str | None) -> None:
        progress.parsed += 1
        if report is None:
            outcomes[n] = FileOutcome(inputs[n], "failed", problem or "无法读取")
            tick(n, "failed", f"失败：{outcomes[n].message}")
        else:
            parsed[n] = report
            tick(n, "loaded", f"已载入 ({len(report.facts)} 项指标：{report.coverage.summary()})")

    if to_parse:
        progress.parse_started = time.monotonic()
        limit = settings.parse_timeout() if timeout is None else timeout
        parse_in_workers(
            [(n, inputs[n].path) for n in to_parse], jobs, limit or None, on_result,
            **({"parse": _parse} if _parse is not None else {}),
        )  # fmt: skip
    for n in sorted(parsed):
        report, item = parsed[n], inputs[n]
        fmt = report.fmt if report.fmt in FMT_PRIORITY else item.fmt or "txt"
        candidates.append(
            _Candidate(
                item.sha256[:16],
                StatedUnit(report.unit_name, report.unit_short, report.region, report.city),
                int(report.fiscal_year), report.doc_kind, fmt, item.name, len(report.facts),
                "new", report=report, file=item,
            )
        )  # fmt: skip

    # 3. old reports whose file is not among the inputs are kept (unless --prune).
    input_ids = {item.sha256[:16] for item in inputs if item.sha256}
    if old and not prune:
        for report_id, row in sorted(old.reports.items()):
            if report_id in input_ids:
                continue
            candidates.append(
                _Candidate(
                    report_id, _stated_from_row(row), row["fiscal_year"], row["doc_kind"],
                    row["fmt"], row["source_file"], old.fact_counts.get(report_id, 0),
                    "retained", old_row=row,
                )
            )  # fmt: skip

    # 4. one report per unit, fiscal year and kind.
    for c in candidates:
        c.key = (unit_key(apply_alias(c.stated, aliases)), c.fiscal_year, c.doc_kind)
    groups: dict[tuple, list[_Candidate]] = {}
    for c in candidates:
        groups.setdefault(c.key, []).append(c)
    kept: dict[str, _Candidate] = {}
    winner_of: dict[str, _Candidate] = {}  # any candidate's report_id -> the kept candidate
    note_lines: list[str] = []
    index_of = {id(item): n for n, item in enumerate(inputs)}
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2])):
        members = sorted(groups[key], key=_Candidate.rank)
        winner = members[0]
        kept[winner.report_id] = winner
        for c in members:
            winner_of[c.report_id] = winner
        for c in members[1:]:
            if c.origin == "retained":
                note_lines.append(
                    f"{c.source_file}: 旧报告（{_label(c)}）已由 {winner.source_file} 取代"
                )
                continue
            message = (
                f"与 {winner.source_file} 为同一报告（{_label(winner)}），保留 "
                f"{winner.source_file}：{_reason(winner, c.fmt, c.fact_count)}"
            )
            n = index_of[id(c.file)]
            outcomes[n] = FileOutcome(
                c.file, "duplicate", message, winner.report_id, c.fact_count, c.stated.unit_name
            )
        if winner.origin != "retained":
            n = index_of[id(winner.file)]
            status = "loaded" if winner.origin == "new" else "unchanged"
            outcomes[n] = FileOutcome(
                winner.file, status, "", winner.report_id, winner.fact_count,
                winner.stated.unit_name,
            )  # fmt: skip
        else:
            result.retained.append(winner.source_file)
    for n, dup in sorted(dup_carried.items()):
        item = inputs[n]
        winner = winner_of[dup["report_id"]]
        if winner.report_id == dup["report_id"] and dup["message"]:
            message = dup["message"]
        else:
            message = (
                f"与 {winner.source_file} 为同一报告（{_label(winner)}），保留 "
                f"{winner.source_file}：{_reason(winner, item.fmt or 'txt', dup['fact_count'])}"
            )
        stated_name = old.names.get(item.name) if old else None
        outcomes[n] = FileOutcome(
            item, "duplicate", message, winner.report_id, dup["fact_count"], stated_name
        )
    for n, first in sorted(copies.items()):
        base = outcomes[first]
        item = inputs[n]
        if base.status == "failed":
            outcomes[n] = FileOutcome(item, "failed", base.message)
            continue
        winner = winner_of[inputs[first].sha256[:16]]
        message = f"与 {inputs[first].name} 内容完全相同，保留 {winner.source_file}"
        outcomes[n] = FileOutcome(
            item, "duplicate", message, winner.report_id, base.fact_count, base.stated_name
        )

    # A failed file whose earlier version is still in the warehouse: say that it is kept.
    kept_old_by_path = {
        (c.old_row["source_path"], c.old_row["source_file"]): c
        for c in kept.values()
        if c.origin == "retained"
    }
    for o in outcomes.values():
        if o.status != "failed":
            continue
        for (path, name), c in kept_old_by_path.items():
            if path == o.file.source_path or name == o.file.name:
                o.message += f"；仓库中保留上次载入的 {c.source_file}（{_label(c)}）"
                break

    result.outcomes = [outcomes[n] for n in range(len(inputs))]
    result.reports = len(kept)

    # 5. resolve units and write the new warehouse.
    unit_of, units = resolve_units({rid: c.stated for rid, c in kept.items()}, aliases)
    _write(target, old, kept, unit_of, units, result, aliases_sha)

    for line in result.warnings:
        log(line)
    for o in result.outcomes:
        if o.status == "duplicate":
            log(f"{o.file.name}: {o.message}")
    for line in note_lines:
        log(line)
    failures = [o for o in result.outcomes if o.status == "failed"]
    if failures:
        log("失败的文件：")
        for o in failures:
            log(f"{o.file.name}: {o.message}")
    return result


def _write(
    target: Path,
    old: _Old | None,
    kept: dict[str, _Candidate],
    unit_of: dict[str, str],
    units: list,
    result: BuildResult,
    aliases_sha: str,
) -> None:
    """Given everything decided, write a temp warehouse, test it and move it over target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    for stale in (tmp, Path(f"{tmp}.wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(warehouse.SCHEMA_SQL.read_text(encoding="utf-8"))
        write_rows(con, "metric_catalog", _metric_rows(), ["metric", "label_zh", "unit", "section"])
        info = [("parser_version", PARSER_VERSION), ("aliases_sha256", aliases_sha)]
        write_rows(con, "raw_build_info", info, ["key", "value"])
        write_rows(
            con,
            "raw_units",
            [
                (u.unit_id, u.unit_name, u.unit_short, u.region, u.region_short, u.city,
                 u.display_name, u.unit_type, u.province)
                for u in units
            ],
            ["unit_id", "unit_name", "unit_short", "region", "region_short", "city",
             "display_name", "unit_type", "province"],
        )  # fmt: skip
        write_rows(con, "unit_type_catalog", [(t,) for t in unit_types()], ["unit_type"])

        # Rows of reports carried over from the old warehouse, copied inside DuckDB.
        old_ids = sorted(rid for rid, c in kept.items() if c.origin != "new")
        if old_ids and old is not None:
            con.execute("ATTACH ? AS old (READ_ONLY)", [str(target)])
            con.register("_keep", pa.table({"report_id": pa.array(old_ids, pa.string())}))
            for table in RAW_DETAIL_TABLES:
                new_cols = [c for c, _ in _table_columns(con, table)]
                cols = ", ".join(c for c in new_cols if c in old.columns.get(table, []))
                if not cols:
                    continue  # a table the old warehouse did not have yet
                con.execute(
                    f"INSERT INTO {table} ({cols}) SELECT {cols} FROM old.{table} "
                    "WHERE report_id IN (SELECT report_id FROM _keep) ORDER BY ALL"
                )
            con.unregister("_keep")
            con.execute("DETACH old")

        now = datetime.now().replace(microsecond=0)
        report_cols = [c for c, _ in _table_columns(con, "raw_reports")]
        report_rows = []
        detail: dict[str, list[tuple]] = {t: [] for t in RAW_DETAIL_TABLES}
        names: set[tuple[str, str, str]] = set()
        for rid in sorted(kept):
            c = kept[rid]
            if c.origin == "new":
                r = c.report
                row = {
                    "report_id": rid, "fiscal_year": c.fiscal_year, "doc_kind": c.doc_kind,
                    "source_sha256": c.file.sha256, "fmt": c.fmt, "pages": r.pages,
                    "unit_name_stated": c.stated.unit_name,
                    "unit_short_stated": c.stated.unit_short,
                    "region_stated": c.stated.region, "city_stated": c.stated.city,
                    "is_synthetic": bool(r.is_synthetic), "parsed_at": now,
                    "parser_version": PARSER_VERSION,
                }  # fmt: skip
                rows, warnings = _report_rows(r, rid)
                for table, table_rows in rows.items():
                    detail[table].extend(table_rows)
                for w in sorted(set(warnings)):
                    result.warnings.append(f"警告：{c.source_file} {w}")
            else:
                row = {k: v for k, v in c.old_row.items() if k in report_cols}
            if c.file is not None:
                row["source_file"] = c.file.name
                row["source_path"] = c.file.source_path
            row["unit_id"] = unit_of[rid]
            report_rows.append(tuple(row.get(col) for col in report_cols))
            names.add((unit_of[rid], c.stated.unit_name, row["source_file"]))
        write_rows(con, "raw_reports", report_rows, report_cols)
        for table, rows in detail.items():
            cols = [c for c, _ in _table_columns(con, table)]
            write_rows(con, table, rows, cols)

        file_rows = []
        for o in result.outcomes:
            status = "loaded" if o.status == "unchanged" else o.status
            file_rows.append(
                (o.file.name, o.file.source_path, o.file.sha256, status, o.message or None,
                 o.report_id, o.fact_count)
            )  # fmt: skip
            if o.status == "duplicate" and o.report_id and o.stated_name:
                names.add((unit_of[o.report_id], o.stated_name, o.file.name))
        write_rows(
            con,
            "raw_files",
            file_rows,
            ["source_file", "source_path", "source_sha256", "status", "message", "report_id",
             "fact_count"],
        )  # fmt: skip
        write_rows(con, "raw_unit_names", sorted(names), ["unit_id", "name_variant", "source_file"])

        write_findings(con)  # checks read the raw tables just written (etl/checks)
        failures = run_data_tests(con)
        if failures:
            raise BuildError("数据检查未通过，仓库未更新：\n  " + "\n  ".join(failures))
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, target)
        Path(f"{target}.wal").unlink(missing_ok=True)
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.close()
        for stale in (tmp, Path(f"{tmp}.wal")):
            stale.unlink(missing_ok=True)
        raise
