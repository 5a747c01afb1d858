"""Command line: ``python -m etl build [--db PATH] [--force] [--prune] [--jobs N] [PATH ...]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from etl import PARSER_VERSION, settings
from etl.build import BuildError, build


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
        help="并行解析的进程数（默认 1，环境变量 JUESUAN_JOBS）",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Given command line arguments, run the command and return the exit status."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command != "build":
        parser.print_help()
        return 2
    try:
        result = build(
            args.paths, args.db, force=args.force, prune=args.prune, jobs=args.jobs, log=_say
        )
    except BuildError as exc:
        _say(f"构建失败：{exc}")
        return 1
    total = len(result.outcomes)
    _say(
        f"完成：共 {total} 个文件，新载入 {result.count('loaded')}，"
        f"未变化 {result.count('unchanged')}，重复 {result.count('duplicate')}，"
        f"失败 {result.count('failed')}（本次解析 {result.parsed} 个文件）"
    )
    if result.retained:
        _say(
            f"保留了 {len(result.retained)} 份本次未提供文件的旧报告：{'、'.join(result.retained)}"
        )
    _say(f"仓库：{result.db_path}（{result.reports} 份报告，解析器版本 {PARSER_VERSION}）")
    return 1 if result.failed else 0


def _say(line: str) -> None:
    """Given a line of output, print it at once (the build can be slow)."""
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
