"""The build's entry point: take the warehouse's lock, resolve settings, plan, parse in the
pool, decide, write (or leave the warehouse alone when nothing changed)."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from etl import PARSER_VERSION, guard
from etl.build import plan
from etl.build.checks import CHECKS_KEY, CheckRun, checks_fingerprint
from etl.build.inputs import discover, file_sha256, screen
from etl.build.model import BuildConfig, BuildError, BuildResult, FileOutcome, StagedReport
from etl.build.old import read_old
from etl.build.pool import ParseFunc, parse_in_workers
from etl.build.progress import Progress, Reporter
from etl.build.staging import Staging
from etl.build.twins import PAGELESS_FORMATS, add_twin_pages
from etl.build.writer import (
    WRITER_KEY,
    WriteJob,
    file_rows,
    stage,
    write_warehouse,
    writer_fingerprint,
)
from etl.model import Report
from etl.units import load_aliases, resolve_units


def build(
    paths: Sequence[str | Path] | None = None,
    db_path: str | Path | None = None,
    *,
    force: bool = False,
    prune: bool = False,
    drop: Collection[str] = (),
    jobs: int | None = None,
    timeout: float | None = None,
    log: Callable[[str], None] = print,
    on_progress: Callable[[Progress], None] | None = None,
    executor: str = "local",
    scheduler: object = None,
    ship: str = "bytes",
    wait: bool = True,
    parquet: str | Path | None = None,
    _parse: ParseFunc | None = None,
) -> BuildResult:
    """Given input paths and a target warehouse, return the result of building it.

    ``jobs`` parse processes (default: the ``jobs`` setting) each get ``timeout`` seconds
    per file (default: the ``timeout`` setting; 0 means no limit).  Each file's line goes
    to ``log``, unless ``on_progress`` is given: it then receives the running counts
    (etl/build/progress.py) instead.  ``executor="dask"`` parses on the Dask cluster at
    ``scheduler`` instead (cluster.py; files shipped as ``ship``: bytes or a shared path).
    ``drop`` names report ids removed on purpose (a file taken out of the dashboard's upload
    folder): they are not kept although their file is absent, as ``prune`` would do for all.
    ``parquet`` also writes the tables as Parquet partitioned by year and province there
    (parquet.py).  The build holds the warehouse's lock file throughout (etl/guard.py): when
    another build holds it, it says so and waits, or, unless ``wait``, raises BuildError at
    once; temporary files of builds that died are removed first.  ``_parse`` replaces
    parse_file for tests (a module-level function, since workers receive it pickled);
    production code never passes it.
    """
    config = BuildConfig.resolve(
        paths, db_path, jobs=jobs, timeout=timeout, executor=executor, scheduler=scheduler,
        ship=ship,
    )  # fmt: skip
    shown = log

    def log(line: str) -> None:  # control characters of file names never split a line
        shown(guard.printable(line))

    try:
        with guard.writer_lock(config.target, wait=wait, log=log) as locked:
            if locked:
                removed = guard.remove_leftovers(config.target)
                if removed:
                    names = "、".join(removed[:3]) + ("等" if len(removed) > 3 else "")
                    log(f"已删除 {len(removed)} 个此前中断的构建留下的临时文件：{names}")
            staging = Staging(config.target)  # new reports' rows, on disk as they arrive
            try:
                return _build_locked(
                    config, force, prune, log, on_progress, _parse, parquet, staging, drop
                )
            finally:
                staging.remove()
    except guard.LockBusy:
        name = guard.printable(config.target.name)
        raise BuildError(
            f"另一个构建正在写入 {name}；按 --no-wait 的要求未等待，本次未运行"
        ) from None


def _build_locked(
    config: BuildConfig,
    force: bool,
    prune: bool,
    log: Callable[[str], None],
    on_progress: Callable[[Progress], None] | None,
    _parse: ParseFunc | None,
    parquet: str | Path | None,
    staging: Staging,
    drop: Collection[str] = (),
) -> BuildResult:
    """Given the resolved settings and options, build the warehouse (its lock held), staging
    new reports' rows in ``staging``."""
    inputs = discover(config.paths)
    result = BuildResult(config.target)
    if not inputs:
        raise BuildError("没有找到任何输入文件")
    aliases = load_aliases(config.aliases_path)
    aliases_sha = file_sha256(config.aliases_path) if config.aliases_path.exists() else ""
    old = read_old(config.target)

    # 1. precheck and hash every file; decide what is carried over.
    screened = screen(inputs, config.max_bytes)
    file_plan = plan.plan_files(
        inputs, screened.problems, screened.copies, old, force=force, aliases_sha=aliases_sha
    )
    failed = {n: FileOutcome(inputs[n], "failed", p) for n, p in screened.problems.items()}
    result.parsed = len(file_plan.to_parse)
    reporter = Reporter([item.name for item in inputs], len(file_plan.to_parse), log, on_progress)
    for n in range(len(inputs)):
        if n in failed:
            reporter.file_done(n, "failed", f"失败：{failed[n].message}")
        elif n in screened.copies:
            reporter.file_done(n, "skipped", f"与 {inputs[screened.copies[n]].name} 内容完全相同")
        elif n in file_plan.carried or n in file_plan.dup_carried:
            reporter.file_done(n, "skipped", "未变化，跳过")

    # 2. parse what is not carried over in worker processes, reporting each file once; each
    # report's rows go to the staging file as it arrives (the Report objects are let go).
    parsed: dict[int, StagedReport] = {}

    def on_result(n: int, report: Report | None, problem: str | None) -> None:
        reporter.progress.parsed += 1
        if report is None:
            failed[n] = FileOutcome(inputs[n], "failed", problem or "无法读取")
            reporter.file_done(n, "failed", f"失败：{failed[n].message}")
        else:
            if report.source_sha256 and report.source_sha256 != inputs[n].sha256:
                inputs[n].sha256 = report.source_sha256  # stored under the bytes it was read from
                log(f"{inputs[n].name}: 文件在构建过程中被改动，按解析时读到的内容载入")
            parsed[n] = stage(report, inputs[n].sha256[:16])
            if parsed[n].fmt not in PAGELESS_FORMATS:  # DOCX/text wait for a PDF twin's pages
                staging.add(parsed[n])
            summary = f"{len(report.facts)} 项指标：{report.coverage.summary()}"
            reporter.file_done(n, "loaded", f"已载入 ({summary})")

    if file_plan.to_parse:
        reporter.progress.parse_started = time.monotonic()
        tasks = [(n, inputs[n].path) for n in file_plan.to_parse]
        hook = {"parse": _parse} if _parse is not None else {}
        if config.executor == "dask":
            from etl.build.cluster import parse_on_dask

            parse_on_dask(
                tasks, config.scheduler, config.timeout, on_result, ship=config.ship, **hook
            )
        else:
            parse_in_workers(
                tasks, config.jobs, config.timeout, on_result, memory_mb=config.memory_mb,
                on_activity=reporter.file_busy, **hook,
            )  # fmt: skip

    # 3. old reports of absent files are kept (unless --prune); 4. one report per unit,
    # fiscal year and kind.
    candidates = plan.gather(inputs, file_plan, parsed, old, prune, drop)
    decision = plan.decide(inputs, failed, candidates, file_plan, screened.copies, old, aliases)
    result.outcomes = [decision.outcomes[n] for n in range(len(inputs))]
    result.reports = len(decision.kept)
    result.retained = decision.retained
    for report_id, pdf in decision.twins.items():
        add_twin_pages(decision.kept[report_id].report, pdf.path)
    for report in parsed.values():
        if report.fmt in PAGELESS_FORMATS:
            staging.add(report)
    staged = staging.close()

    # 5. resolve units and write the new warehouse.
    stated = {rid: c.stated for rid, c in decision.kept.items()}
    unit_of, units = resolve_units(stated, aliases)
    info = {
        "parser_version": PARSER_VERSION, "aliases_sha256": aliases_sha,
        CHECKS_KEY: checks_fingerprint(), WRITER_KEY: writer_fingerprint(),
    }  # fmt: skip
    rows = file_rows(result.outcomes)
    if plan.nothing_changed(old, decision.kept, unit_of, rows, info):
        result.checks = CheckRun("unchanged", 0, 0)  # the old warehouse is the new one
        log("仓库内容没有变化，未改写")
    else:
        job = WriteJob(
            config.target, old, decision.kept, unit_of, units, result, aliases_sha, staged
        )
        write_warehouse(job)
    if parquet is not None:
        from etl.build.parquet import export_parquet

        written = export_parquet(config.target, Path(parquet))
        log(f"Parquet：已写入 {len(written)} 个分区 → {parquet}")

    for line in result.warnings:
        log(line)
    for o in result.outcomes:
        if o.status == "duplicate":
            log(f"{o.file.name}: {o.message}")
    for line in decision.notes:
        log(line)
    failures = [o for o in result.outcomes if o.status == "failed"]
    if failures:
        log("失败的文件：")
        for o in failures:
            log(f"{o.file.name}: {o.message}")
    return result
