"""Command line: ``python -m etl build [--db PATH] [--force] [--prune] [--jobs N]
[--timeout SECONDS] [--no-wait] [--executor dask --scheduler ADDRESS [--ship bytes|path]]
[--parquet DIR] [PATH ...]`` and ``python -m etl demo [--db PATH] [--units N] ...``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from etl import PARSER_VERSION, guard, settings
from etl.build import BuildError, Progress, build, format_progress
from etl.build.model import EXECUTORS, SHIP_MODES

# Shortest interval between two redraws of the terminal progress line (seconds).
PROGRESS_REDRAW_SECONDS = 0.2
# ``python -m etl demo``: where the demo warehouse goes and how many reports it holds.
DEMO_DB = "warehouse/demo.duckdb"
DEMO_UNITS = 40
DEMO_YEARS = 5
DEMO_DONE = ".complete"  # written once the corpus is fully generated


def make_parser() -> argparse.ArgumentParser:
    """Given nothing, return the argument parser of ``python -m etl``."""
    parser = argparse.ArgumentParser(
        prog="python -m etl",
        description="把部门决算 / 绩效自评报告（PDF、DOCX、TXT）载入 DuckDB 数据仓库。",
    )
    commands = parser.add_subparsers(dest="command", metavar="命令")
    b = commands.add_parser(
        "build",
        help="解析报告并（增量）重建数据仓库",
        description="解析报告文件并重建数据仓库；未变化的文件直接沿用上次结果。",
    )
    b.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=f"报告文件或文件夹（递归）；不填则载入示例报告 {settings.get('samples_dir')}",
    )
    b.add_argument(
        "--db",
        metavar="PATH",
        help=f"仓库文件路径（默认 {settings.get('db_path')}，环境变量 JUESUAN_DB）",
    )
    b.add_argument("--force", action="store_true", help="全部重新解析，不沿用上次结果")
    b.add_argument(
        "--prune",
        action="store_true",
        help="删除本次输入中已不存在的文件的报告（默认保留）",
    )
    b.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="并行解析的进程数（默认为本机 CPU 核数，环境变量 JUESUAN_JOBS）",
    )
    b.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help=(
            f"单个文件的解析时限，超过则记为失败、其余文件照常（默认 {settings.get('timeout')} 秒，"
            "0 表示不限，环境变量 JUESUAN_TIMEOUT）"
        ),
    )
    b.add_argument(
        "--executor",
        choices=EXECUTORS,
        default=EXECUTORS[0],
        help="在哪里解析：local 本机进程池（默认）；dask 交给 Dask 集群的工作节点（需 --scheduler）",
    )
    b.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask 调度器地址（如 tcp://10.0.0.1:8786），配合 --executor dask",
    )
    b.add_argument(
        "--ship",
        choices=SHIP_MODES,
        default=SHIP_MODES[0],
        help="文件如何到达 Dask 工作节点：bytes 随任务发送内容（默认）；path 各节点挂载同一共享目录",
    )
    b.add_argument(
        "--no-wait",
        action="store_true",
        help="另一个构建正在写入同一仓库时不等待，直接退出（默认等待它完成）",
    )
    b.add_argument(
        "--parquet",
        metavar="DIR",
        help="另把各表写成按年度、省份分区的 Parquet 文件（DuckDB 可直接读取；多台机器各写各的分区）",
    )
    d = commands.add_parser(
        "demo",
        help="生成几百份合成报告（示例数据，非真实）并载入演示仓库",
        description=(
            "生成合成的部门决算与绩效自评报告（DOCX，正文标明“合成数据”），载入单独的演示仓库，"
            "供在接近真实规模的数据上试用看板。生成的报告缓存在仓库旁的文件夹中。"
        ),
    )
    d.add_argument(
        "--db",
        metavar="PATH",
        help=f"演示仓库文件路径（默认 {DEMO_DB}，相对于仓库根目录）",
    )
    d.add_argument(
        "--units", type=int, default=DEMO_UNITS, metavar="N", help=f"单位数（默认 {DEMO_UNITS}）"
    )
    d.add_argument(
        "--years", type=int, default=DEMO_YEARS, metavar="N", help=f"年度数（默认 {DEMO_YEARS}）"
    )
    d.add_argument("--seed", type=int, default=1, metavar="N", help="随机种子（默认 1）")
    d.add_argument("--jobs", type=int, metavar="N", help="并行解析的进程数（默认为本机 CPU 核数）")
    return parser


def demo(args: argparse.Namespace) -> int:
    """Given the demo options, generate (or reuse) the synthetic corpus, build it, return status."""
    from etl.synth import SynthOptions, generate_corpus

    db = Path(args.db).expanduser().absolute() if args.db else settings.REPO_ROOT / DEMO_DB
    try:
        opts = SynthOptions(units=args.units, years=args.years, seed=args.seed, formats=("docx",))
    except ValueError as exc:
        _say(f"参数无效：{exc}")
        return 2
    corpus = db.parent / f"{db.stem}_reports" / f"seed{opts.seed}_{opts.units}x{opts.years}"
    done = corpus / DEMO_DONE
    if not done.exists():
        _say(f"正在生成合成报告（{opts.units} 个单位 × {opts.years} 个年度）：{corpus}")
        written = generate_corpus(corpus, opts)
        _say(f"已生成 {len(written)} 份合成报告")
        done.write_text("ok\n", encoding="utf-8")
    else:
        _say(f"沿用已生成的合成报告：{corpus}")
    result = build([corpus / "docx"], db, prune=True, jobs=args.jobs, log=_quiet_files)
    _say(
        f"演示仓库：{result.db_path}（{result.reports} 份合成报告，失败 {result.count('failed')}）"
    )
    _say(
        f"打开看板：JUESUAN_DB={result.db_path} streamlit run dashboard.py（页面顶部会标明示例数据）"
    )
    return 1 if result.failed else 0


def _quiet_files(line: str) -> None:
    """Given a build output line, print it unless it is a per-file progress line."""
    if not line.startswith("["):
        _say(line)


def main(argv: Sequence[str] | None = None) -> int:
    """Given command line arguments, run the command and return the exit status."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo(args)
    if args.command != "build":
        parser.print_help()
        return 2
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs 必须至少为 1")
    if args.timeout is not None and args.timeout < 0:
        parser.error("--timeout 不能为负数")
    ticker = TerminalProgress(sys.stderr) if sys.stderr.isatty() else None
    try:
        result = build(
            args.paths,
            args.db,
            force=args.force,
            prune=args.prune,
            jobs=args.jobs,
            timeout=args.timeout,
            log=_say,
            on_progress=ticker,
            executor=args.executor,
            scheduler=args.scheduler,  # checked with the other settings (BuildConfig.resolve)
            ship=args.ship,
            parquet=args.parquet,
            wait=not args.no_wait,
        )
    except BuildError as exc:
        _say(f"构建失败：{exc}")
        return 1
    except KeyboardInterrupt:
        _say("已中断：本次构建未完成，仓库保持上次构建的内容，未作任何改动")
        return 130
    except MemoryError:
        _say("构建失败：内存不足，仓库保持上次构建的内容；可减少 --jobs 后重试")
        return 1
    except OSError as exc:
        _say(
            f"构建失败：{guard.os_problem(exc, Path(exc.filename or args.db or '仓库'))}，仓库未改变"
        )
        return 1
    finally:
        if ticker is not None:
            ticker.close()
    _say(result.summary())
    if result.retained:
        _say(
            f"保留了 {len(result.retained)} 份本次未提供文件的旧报告：{'、'.join(result.retained)}"
        )
    _say(f"仓库：{result.db_path}（{result.reports} 份报告，解析器版本 {PARSER_VERSION}）")
    return 1 if result.failed else 0


class TerminalProgress:
    """A single progress line on a terminal, redrawn in place as files finish."""

    def __init__(self, stream: TextIO) -> None:
        """Given a terminal stream, prepare to draw the progress line on it."""
        self.stream = stream
        self.last_draw = 0.0
        self.drawn = False
        self.finished = False

    def __call__(self, progress: Progress) -> None:
        """Given the build's progress, redraw the line (at most every few tenths of a second)."""
        now = time.monotonic()
        final = progress.done >= progress.total
        if self.finished or (not final and now - self.last_draw < PROGRESS_REDRAW_SECONDS):
            return
        self.stream.write("\r" + format_progress(progress, now) + "\x1b[K")
        self.stream.flush()
        self.last_draw, self.drawn = now, True
        if final:
            self.close()

    def close(self) -> None:
        """Given a drawn line, end it so later output starts on a fresh line."""
        if self.drawn and not self.finished:
            self.stream.write("\n")
            self.stream.flush()
        self.finished = True


def _say(line: str) -> None:
    """Given a line of output, print it at once (the build can be slow)."""
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
