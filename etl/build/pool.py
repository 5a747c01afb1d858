"""The local worker pool: parse files in processes, each with a time limit, failing alone.

A file that overruns its time limit or kills its worker gets a one-line reason; its
worker is replaced and the other files go on (see parse_in_workers).  Each worker's address
space is limited (etl/limits.py) and a worker hashes exactly the bytes it parses
(etl/snapshot.py): the report carries that sha256.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.context
import multiprocessing.process
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from etl import activity, limits, settings
from etl.build.model import BuildError
from etl.model import InputError, Report
from etl.snapshot import parse_snapshot

# Modules the parse workers import once, before any file arrives (see _mp_context).
WORKER_PRELOAD = ("etl.model", "etl.readers", "etl.extract")
# Longest wait for the next worker event before deadlines are checked again (seconds).
WORKER_POLL_SECONDS = 0.5
# The first field of a worker's message telling what it is busy with (etl/activity.py); a
# parse result is (index, report, problem, fatal).
ACTIVITY = "activity"
# How long a worker gets to exit after being told to stop or killed (seconds).
WORKER_STOP_SECONDS = 5.0


def parse_file(path: Path) -> Report:
    """Given a report file path, return the Report extracted from it (raises InputError)."""
    from etl.extract import extract_report
    from etl.readers import read_document

    with collector_paused():
        return extract_report(read_document(path))


@contextlib.contextmanager
def collector_paused():
    """Given a block of work, run it with Python's cyclic garbage collector paused.

    Parsing a file makes hundreds of thousands of short-lived dicts and lists, freed by
    reference counting; the collector's passes over them cost about 2-3% of a PDF's parse.
    The few cycles a parse leaves (about 60 objects per PDF page) wait for the collector's
    next pass after the file.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


ParseFunc = Callable[[Path], Report]


def _parse_safely(path: Path, parse: ParseFunc = parse_file) -> tuple[Report | None, str | None]:
    """Given a file path, return (report, None) or (None, the Chinese reason it failed); the
    report's source_sha256 is the hash of the very bytes parsed."""
    try:
        report, digest = parse_snapshot(path, parse)
        report.source_sha256 = digest
        return report, None
    except InputError as exc:
        return None, str(exc).strip().splitlines()[0] if str(exc).strip() else "无法读取"
    except ImportError as exc:
        raise BuildError(f"解析器无法加载（{exc}），请先运行 make setup") from exc
    except MemoryError:
        return None, limits.memory_reason()
    except Exception as exc:  # one bad file must not stop the build
        return None, f"解析出错（程序内部错误 {type(exc).__name__}: {exc}）".replace("\n", " ")


def _worker(conn: Connection, parse: ParseFunc, timeout: float | None, memory_mb: int = 0) -> None:
    """Given a task pipe, a parse function, the file time limit and the memory limit (MB, 0:
    none), answer each (index, path).

    The time limit is also put in this process's environment as the ``timeout`` setting, so
    a reader that runs a converter (LibreOffice) ends it before the build kills this worker.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle: it stops us
    os.environ[settings.env_var("timeout")] = f"{timeout or 0:g}"
    limits.limit_worker_memory(memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the build is gone
            return
        if task is None:
            return
        index, path = task
        activity.listen(lambda text, n=index: conn.send((ACTIVITY, n, text)))
        try:
            report, problem = _parse_safely(path, parse)
            fatal = None
        except BuildError as exc:
            report, problem, fatal = None, None, str(exc)
        finally:
            activity.listen(None)
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


def _start_worker(parse: ParseFunc, timeout: float | None, memory_mb: int = 0) -> _Slot:
    """Given a parse function, the file time limit and the worker memory limit (MB), return a
    started worker and its pipe."""
    ctx = _mp_context()
    ours, theirs = ctx.Pipe()
    process = ctx.Process(target=_worker, args=(theirs, parse, timeout, memory_mb), daemon=True)
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
    memory_mb: int = 0,
    on_activity: Callable[[int, str], None] | None = None,
) -> None:
    """Given (index, path) tasks, parse them in ``jobs`` processes, calling on_result for each.

    Results arrive in completion order.  A file that takes longer than ``timeout`` seconds
    (None: no limit) or whose process dies gets a one-line reason; its worker is replaced
    and the other files go on.  ``parse`` must be a module-level function (it is pickled).
    Each worker's address space is limited to ``memory_mb`` MB (0: no limit).  What a
    worker says it is busy with (etl/activity.py) goes to ``on_activity(index, text)``.
    """
    pending = deque(tasks)
    slots: list[_Slot | None] = []
    fatal: str | None = None
    interrupted = False
    try:
        for _ in range(min(max(1, jobs), len(pending))):
            slots.append(_start_worker(parse, timeout, memory_mb))
        while fatal is None and (pending or any(s.task for s in slots)):
            for n, slot in enumerate(slots):
                if slot.task is None and pending:
                    slots[n] = slot = _assign(slot, pending.popleft(), timeout, parse, memory_mb)
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
                        message = slot.conn.recv()
                    except (EOFError, OSError):
                        problem = "解析进程异常退出"
                    else:
                        if message[0] != ACTIVITY:
                            got, report, reason, fatal_reason = message
                            slot.task = None
                            fatal = fatal or fatal_reason
                            if fatal_reason is None:
                                on_result(got, report, reason)
                            continue
                        if on_activity is not None:  # still parsing: its deadline stands
                            on_activity(message[1], message[2])
                late = slot.deadline is not None and time.monotonic() >= slot.deadline
                if problem is None and not slot.process.is_alive():
                    problem = "解析进程异常退出"
                elif problem is None and late:
                    problem = f"解析超时（超过 {timeout:g} 秒）"
                if problem is None:
                    continue
                _stop_worker(slot, kill=True)
                slots[n] = _start_worker(parse, timeout, memory_mb) if pending else None
                on_result(index, None, problem)
            slots = [s for s in slots if s is not None]
    except BaseException:  # Ctrl-C or a failing callback: end the workers at once
        interrupted = True
        raise
    finally:
        for slot in slots:
            if slot is not None:
                _stop_worker(slot, kill=fatal is not None or interrupted)
    if fatal:
        raise BuildError(fatal)


def _assign(
    slot: _Slot, task: tuple[int, Path], timeout: float | None, parse: ParseFunc, memory_mb: int
) -> _Slot:
    """Given an idle worker and a task, send the task (replacing a dead worker) and return it."""
    for _attempt in range(2):
        try:
            slot.conn.send(task)
        except OSError:  # the idle worker died: start another
            _stop_worker(slot, kill=True)
            slot = _start_worker(parse, timeout, memory_mb)
            continue
        slot.task = task
        slot.deadline = time.monotonic() + timeout if timeout else None
        return slot
    raise BuildError("无法启动解析进程")
