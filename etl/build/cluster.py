"""The Dask executor: the same per-file parse on a cluster's workers, results back to the writer.

Each file is one Dask task.  On its worker the task runs the local pool (pool.py) with one
process, so the per-file time limit and failure isolation are exactly the local build's: a
file that hangs or kills its parse process fails alone and the Dask worker lives on.  A
Dask worker that is lost (machine down, out of memory) only loses its running tasks, which
the scheduler hands to another worker; a file that takes down more workers than the
scheduler's ``distributed.scheduler.allowed-failures`` (Dask's default 3) is reported failed.  Files reach workers as bytes by default (``ship="bytes"``:
nothing to share), or as paths every worker can open (``ship="path"``: a shared folder
mounted at the same place on every machine).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from etl import settings
from etl.build.model import SHIP_MODES, BuildError
from etl.build.pool import ParseFunc, parse_file, parse_in_workers
from etl.model import Report

# Longest wait for the scheduler to answer when connecting (seconds).
CONNECT_SECONDS = 30.0
# Tasks kept in flight per worker thread: enough to keep workers busy, bounded for memory.
IN_FLIGHT_PER_THREAD = 4

Outcome = tuple[Report | None, str | None]


def parse_remote(
    name: str, payload: bytes | str, timeout: float | None, parse: ParseFunc
) -> Outcome:
    """Given a file name, its bytes or shared path, the time limit and the parse function,
    return (report, None) or (None, the reason it failed), parsing in one local process."""
    got: list[Outcome] = []
    # the worker machine's own limit, shared among as many parses as it has cores
    memory_mb = settings.worker_memory_mb(os.cpu_count() or 1)

    def keep(_n: int, report: Report | None, problem: str | None) -> None:
        got.append((report, problem))

    if isinstance(payload, str):
        parse_in_workers([(0, Path(payload))], 1, timeout, keep, parse, memory_mb)
        return got[0]
    with tempfile.TemporaryDirectory(prefix="juesuan-") as folder:
        path = Path(folder) / name  # the file's own name: readers see what the local build sees
        path.write_bytes(payload)
        parse_in_workers([(0, path)], 1, timeout, keep, parse, memory_mb)
    return got[0]


def parse_on_dask(
    tasks: Sequence[tuple[int, Path]],
    scheduler: str,
    timeout: float | None,
    on_result: Callable[[int, Report | None, str | None], None],
    parse: ParseFunc = parse_file,
    ship: str = "bytes",
) -> None:
    """Given (index, path) tasks and a scheduler address (or a distributed Client), parse every
    file on the cluster's workers, calling on_result in completion order, like parse_in_workers."""
    try:
        from distributed import Client, as_completed
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker
    except ImportError as exc:
        raise BuildError(f"未安装 dask.distributed（{exc}），请先运行 make setup") from exc
    if ship not in SHIP_MODES:
        raise BuildError(f"--ship 只能是 {'、'.join(SHIP_MODES)}，不是 {ship}")
    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS) if own else scheduler
    except OSError as exc:
        raise BuildError(f"无法连接 Dask 调度器 {scheduler}：{exc}") from exc
    try:
        threads = max(1, sum(client.nthreads().values()))
        pending = list(reversed(tasks))
        index_of = {}
        done = as_completed()

        def submit_next() -> None:
            n, path = pending.pop()
            try:
                payload = str(path.absolute()) if ship == "path" else path.read_bytes()
            except OSError as exc:
                on_result(n, None, f"无法读取文件：{exc.strerror or exc}")
                return
            future = client.submit(
                parse_remote, path.name, payload, timeout, parse, key=f"parse-{n}-{path.name}",
                pure=False, retries=0,
            )  # fmt: skip
            index_of[future.key] = n
            done.add(future)

        while pending and len(index_of) < threads * IN_FLIGHT_PER_THREAD:
            submit_next()
        for future in done:
            n = index_of.pop(future.key)
            try:
                report, problem = future.result()
            except KilledWorker:
                report, problem = None, "解析节点多次异常退出（Dask 工作进程丢失）"
            except FutureCancelledError:
                report, problem = None, "解析任务被取消"
            future.release()
            on_result(n, report, problem)
            while pending and len(index_of) < threads * IN_FLIGHT_PER_THREAD:
                submit_next()
    finally:
        if own:
            client.close()
