"""Command line: ``python -m etl.synth OUT_DIR --units N --years M --seed S
[--first-year Y] [--formats pdf,docx] [--inject kind,...] [--jobs N]``, or
``python -m etl.synth OUT_DIR --template`` for national-template reports of every unit type
and provincial variant (etl/synth/template.py)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from etl.synth import FORMATS, INJECTIONS, SynthOptions, generate_corpus, write_report
from etl.synth.template import template_corpus


def _csv(text: str) -> tuple[str, ...]:
    """Given a comma-separated option value, return its non-empty items."""
    return tuple(t.strip() for t in text.split(",") if t.strip())


def main(argv: list[str] | None = None) -> int:
    """Given command-line arguments, generate the corpus; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m etl.synth",
        description="生成合成的部门决算报告（PDF/DOCX）及其标准答案（truth/*.json），仅供测试与演示。",
    )
    parser.add_argument("out_dir", type=Path, help="输出目录（生成 pdf/、docx/、truth/ 子目录）")
    parser.add_argument("--units", type=int, default=10, help="单位数（默认 10）")
    parser.add_argument("--years", type=int, default=3, help="年度数（默认 3）")
    parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
    parser.add_argument("--first-year", type=int, default=2022, help="第一个年度（默认 2022）")
    parser.add_argument("--formats", type=_csv, default=FORMATS, help="pdf,docx（默认两种都生成）")
    parser.add_argument(
        "--inject", type=_csv, default=(), help=f"注入的不一致，逗号分隔：{','.join(INJECTIONS)}"
    )
    parser.add_argument("--jobs", type=int, default=1, help="并行生成的进程数（默认 1）")
    parser.add_argument(
        "--template",
        action="store_true",
        help="改为生成全国模板的部门决算：每种单位类型一份，再加每种省份变体一份（含九张附表）",
    )
    args = parser.parse_args(argv)
    if args.template:
        start = time.perf_counter()
        written = [
            path
            for stem, doc in template_corpus(args.first_year, args.seed)
            for path in write_report(args.out_dir, stem, doc, args.formats)
        ]
        elapsed = time.perf_counter() - start
        print(f"已生成 {len(written)} 个报告文件（{elapsed:.1f} 秒）：{args.out_dir}")
        return 0
    if args.jobs < 1:
        parser.error("--jobs 至少为 1")
    try:
        opts = SynthOptions(
            units=args.units,
            years=args.years,
            seed=args.seed,
            formats=args.formats,
            first_year=args.first_year,
            inject=args.inject,
        )
    except ValueError as exc:
        parser.error(str(exc))
    start = time.perf_counter()
    written = generate_corpus(args.out_dir, opts, jobs=args.jobs)
    elapsed = time.perf_counter() - start
    print(f"已生成 {len(written)} 个报告文件（{elapsed:.1f} 秒）：{args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
