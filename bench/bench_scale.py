"""Benchmark the ETL at scale on a mixed synthetic archive, and the page queries on the result.

Usage: ``python bench/bench_scale.py [--sizes 1000,10000] [--runs 3]``

The corpus is generated once and cached under bench/.cache: etl.synth 决算 PDFs (about 20
pages; 党委/政府 units) mixed with national-template reports of every unit type and
provincial variant (etl.synth.template, PDF and DOCX, TEMPLATE_SHARE of the files), in an
interleaved order so every prefix is mixed.  For each size the files are hard-linked into
a folder and built as ``python -m etl build --jobs 2`` in a fresh process (wall time
includes start-up; peak memory is the largest summed resident set of the process and its
parse workers, sampled from /proc): cold, re-run unchanged, re-run after adding
ADDED_FILES files.  Then the warehouse size on disk, check time (full recompute against the
incremental path after the added files), each dashboard page's query time on the
1,000-report warehouse, and a projection to PROJECT_REPORTS reports with its arithmetic.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = ROOT / "bench" / ".cache"
SEED = 7
YEARS = 4  # reports per unit at least; more where the generator's units (MAX_UNITS) run out
SAMPLE_SECONDS = 0.1  # how often the process tree's memory is sampled
TEMPLATE_SHARE = 0.05  # of the files: national-template reports of every unit type and variant
TEMPLATE_YEARS = 12  # template rounds cycle through this many base years, then a new seed
TEMPLATE_DOCX_EVERY = 3  # every third template report is written as DOCX, the rest as PDF
ADDED_FILES = 10  # files added before the incremental re-run
PAGE_SAMPLE = 20  # PDFs whose pages are counted for the printed mean
JOBS = 2
PROJECT_REPORTS = 100_000
PROJECT_CORES = 16
PROJECT_NODES = 4

CPU_SECONDS: list[float] = []  # per timed build, appended by timed_build
TARGET_SECONDS = {1000: 300.0, 10000: 1500.0}
TARGET_RERUN_SECONDS = 20.0
TARGET_QUERY_MS = 100.0
TARGET_PEAK_MB = 2048.0


def corpus(n_files: int) -> list[Path]:
    """Given a file count, return that many report files, mixed and interleaved (made once)."""
    from etl.synth import SynthOptions, generate_corpus, write_report
    from etl.synth.model import MAX_UNITS
    from etl.synth.template import template_corpus

    n_template = int(n_files * TEMPLATE_SHARE)
    years = max(YEARS, -(-(n_files - n_template) // MAX_UNITS))  # the generator's units run out
    units = -(-(n_files - n_template) // years)
    folder = CACHE / f"mixed2_seed{SEED}_{units}x{years}_tpl{n_template}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"生成 {units} 个单位 × {years} 年的合成报告和 {n_template} 份全国模板报告"
              f"（只需一次，缓存于 {folder}）……", flush=True)  # fmt: skip
        start = time.perf_counter()
        opts = SynthOptions(
            units=units, years=years, seed=SEED, formats=("pdf",), kinds=("final",),
            first_year=2024 - years + 1,
        )  # fmt: skip
        generate_corpus(folder / "synth", opts, jobs=JOBS)
        made, k = 0, 0
        while made < n_template:  # every unit type and variant; later rounds other years, seeds
            # base years 2013..2024: the variants go back 8 years, not before 2005
            year, seed = 2024 - k % TEMPLATE_YEARS, 1 + k // TEMPLATE_YEARS
            for stem, doc in template_corpus(year, seed):
                if made >= n_template:
                    break
                fmt = "docx" if made % TEMPLATE_DOCX_EVERY == 0 else "pdf"
                write_report(folder / "template", f"tpl_{year}_s{seed}_{stem}", doc, (fmt,))
                made += 1
            k += 1
        done.write_text("ok\n", encoding="utf-8")
        print(f"  生成用时 {time.perf_counter() - start:.0f} 秒", flush=True)
    synth = sorted((folder / "synth" / "pdf").glob("*.pdf"))
    template = sorted(p for f in ("pdf", "docx") for p in (folder / "template" / f).glob("*.*"))
    every = max(1, len(synth) // max(1, len(template)))
    mixed: list[Path] = []
    for i, path in enumerate(synth):
        mixed.append(path)
        if i % every == every - 1 and template:
            mixed.append(template.pop(0))
    return (mixed + template)[:n_files]


def subset(files: list[Path], name: str) -> Path:
    """Given report files and a folder name, return a folder of hard links to exactly them."""
    folder = CACHE / name
    if sorted(p.name for p in folder.glob("*.*")) != sorted(p.name for p in files):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for f in files:
            os.link(f, folder / f.name)
    return folder


def _pages(paths: list[Path]) -> float:
    """Given PDF files, return their mean page count."""
    import pdfplumber

    counts = []
    for path in paths[:PAGE_SAMPLE]:
        with pdfplumber.open(path) as pdf:
            counts.append(len(pdf.pages))
    return statistics.mean(counts) if counts else 0.0


def _tree_usage(root: int) -> tuple[int, dict[int, float]]:
    """Given a pid, return the summed resident memory (kB) of it and all its descendants, and
    each one's CPU seconds so far (user + system)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, cpu, todo = 0, {}, [root]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            cpu[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except (OSError, IndexError, ValueError):
            continue
    return total, cpu


def timed_build(folder: Path, db: Path, jobs: int) -> tuple[float, float, str]:
    """Given inputs, a warehouse and a job count, return (seconds, peak MB, last output line);
    the CPU seconds of the process tree (sampled, so a few tenths low) go to CPU_SECONDS."""
    cmd = [sys.executable, "-m", "etl", "build", "--db", str(db), "--jobs", str(jobs), str(folder)]
    peak = 0
    cpu: dict[int, float] = {}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            rss, used = _tree_usage(proc.pid)
            peak = max(peak, rss)
            cpu.update(used)
            stop.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    CPU_SECONDS.append(sum(cpu.values()))
    lines = out.decode("utf-8", "replace").strip().splitlines()
    summary = next((x for x in reversed(lines) if x.startswith("完成")), lines[-1] if lines else "")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"构建出错（退出码 {proc.returncode}）：\n" + "\n".join(lines[-20:]))
    return seconds, peak / 1024, summary


def _line(label: str, value: str, target: str = "") -> None:
    """Given a label, a value and a target, print one aligned result line."""
    print(f"{label:<34}{value:>14}   {target}", flush=True)


def check_seconds(db: Path, before: Path) -> tuple[float, float]:
    """Given a built warehouse and a copy of it from before the last files were added, return
    the seconds of the build's full check recompute (etl.build.checks.write_all) and of its
    incremental path against the earlier warehouse (write_checks), each on a fresh copy."""
    import duckdb
    import pyarrow as pa

    from etl.build.checks import checks_fingerprint, write_all, write_checks

    seconds = []
    for incremental in (False, True):
        copy = db.with_name(db.stem + "_checks.duckdb")
        shutil.copy(db, copy)
        con = duckdb.connect(str(copy))
        try:
            con.register("_warm", pa.table({"x": [1]}))  # DuckDB's first register imports pandas
            con.unregister("_warm")
            start = time.perf_counter()
            if incremental:
                run = write_checks(con, before, checks_fingerprint())
                assert run.mode == "incremental", run
            else:
                write_all(con)
            seconds.append(time.perf_counter() - start)
        finally:
            con.close()
            copy.unlink(missing_ok=True)
    return seconds[0], seconds[1]


def scale(files: list[Path], extra: list[Path], runs: int, work: Path) -> dict[str, float]:
    """Given a corpus, files to add, re-run count and a work folder, build and time everything."""
    n = len(files)
    folder = subset(files, f"bench_{n}")
    db = work / f"bench_{n}.duckdb"
    db.unlink(missing_ok=True)
    out: dict[str, float] = {}
    out["cold"], peak, summary = timed_build(folder, db, JOBS)
    out["cold_cpu"] = CPU_SECONDS[-1]
    print(
        f"  {n} 份冷启动：{out['cold']:.1f} 秒（进程树 CPU {out['cold_cpu']:.0f} 秒），{summary}",
        flush=True,
    )
    reruns = []
    for run in range(runs):
        seconds, mb, summary = timed_build(folder, db, JOBS)
        reruns.append(seconds)
        peak = max(peak, mb)
        print(f"  重跑未变化的 {n} 份 第 {run + 1} 次：{seconds:.2f} 秒，{summary}", flush=True)
    out["rerun"] = statistics.median(reruns)
    before = work / f"bench_{n}_before.duckdb"
    shutil.copy(db, before)  # the warehouse the incremental checks compare against
    for f in extra:
        os.link(f, folder / f.name)
    try:
        out["added"], mb, summary = timed_build(folder, db, JOBS)
        peak = max(peak, mb)
        print(f"  新增 {len(extra)} 份后重跑：{out['added']:.2f} 秒，{summary}", flush=True)
    finally:
        for f in extra:
            (folder / f.name).unlink(missing_ok=True)
    out["peak"] = peak
    out["size_mb"] = db.stat().st_size / 1048576
    out["check_full"], out["check_incremental"] = check_seconds(db, before)
    before.unlink(missing_ok=True)
    return out


def projection(per_report_core: float) -> None:
    """Given the measured core-seconds per report, print the 100,000-report projection."""
    total = PROJECT_REPORTS * per_report_core
    one = total / PROJECT_CORES
    cluster = total / (PROJECT_CORES * PROJECT_NODES)
    print(f"\n== 推算 {PROJECT_REPORTS:,} 份报告（按本机实测每份 {per_report_core:.2f} 核·秒）")
    print(f"  总解析量 {PROJECT_REPORTS:,} × {per_report_core:.2f} = {total:,.0f} 核·秒")
    print(f"  16 核单机：{total:,.0f} ÷ {PROJECT_CORES} = {one:,.0f} 秒 ≈ {one / 60:.0f} 分钟")
    print(
        f"  4 × 16 核 Dask 集群：{total:,.0f} ÷ {PROJECT_CORES * PROJECT_NODES} = {cluster:,.0f} 秒"
        f" ≈ {cluster / 60:.0f} 分钟，另加写入端（单进程，不随节点数缩短）"
    )


def main() -> None:
    """Given the options, generate or reuse the corpus, run the builds and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="unchanged re-runs and query runs")
    ap.add_argument("--sizes", default="1000,10000", help="corpus sizes, comma-separated")
    args = ap.parse_args()
    sizes = sorted(int(x) for x in args.sizes.split(","))

    from bench.bench_pages import OPEN_KEY, PAGES, median_query_times

    pool = corpus(max(sizes) + ADDED_FILES)
    work = CACHE / "warehouses"
    work.mkdir(parents=True, exist_ok=True)
    pdfs = [p for p in pool[: PAGE_SAMPLE * 2] if p.suffix == ".pdf"]
    print(
        f"本机 {os.cpu_count()} 核，--jobs {JOBS}；混合合成语料（决算 PDF 为主，"
        f"{TEMPLATE_SHARE:.0%} 为各类单位、各省样式的全国模板 PDF/DOCX；PDF 平均 {_pages(pdfs):.1f} 页）",
        flush=True,
    )
    figures = {}
    for n in sizes:
        figures[n] = scale(pool[:n], pool[max(sizes) : max(sizes) + ADDED_FILES], args.runs, work)

    print(f"\n== ETL（--jobs {JOBS}；重跑为 {args.runs} 次中位数）")
    for n, f in figures.items():
        target = TARGET_SECONDS.get(n)
        _line(f"{n} 份，冷启动", f"{f['cold']:.1f} 秒", f"目标 ≤ {target:.0f} 秒" if target else "")
        _line(f"{n} 份，冷启动的 CPU（进程树）", f"{f['cold_cpu']:.0f} 秒")
        _line(
            f"{n} 份，重跑未变化", f"{f['rerun']:.2f} 秒", f"目标 ≤ {TARGET_RERUN_SECONDS:.0f} 秒"
        )
        _line(f"{n} 份，新增 {ADDED_FILES} 份后重跑", f"{f['added']:.2f} 秒")
        _line(
            f"{n} 份，峰值内存（含子进程）",
            f"{f['peak']:.0f} MB",
            f"目标 ≤ {TARGET_PEAK_MB:.0f} MB",
        )
        _line(f"{n} 份，仓库文件大小", f"{f['size_mb']:.1f} MB")
        _line(f"{n} 份，检查：全部重算", f"{f['check_full']:.2f} 秒")
        _line(f"{n} 份，检查：只算变化（{ADDED_FILES} 份）", f"{f['check_incremental']:.2f} 秒")
    biggest = max(sizes)
    # CPU seconds, not wall time x cores: the machine is shared, wall time counts others' work.
    projection(figures[biggest]["cold_cpu"] / biggest)

    small = min(sizes)
    print(
        f"\n== 页面查询（{small} 份报告的仓库，{args.runs} 次中位数，目标 < {TARGET_QUERY_MS:.0f} ms）"
    )
    query_times = median_query_times(work / f"bench_{small}.duckdb", args.runs)
    for page in PAGES:
        ms = query_times[page] * 1000
        flag = "" if ms < TARGET_QUERY_MS else "  超出目标"
        print(f"{page:<8}{ms:>9.1f} ms{flag}")
    print(f"{OPEN_KEY}{query_times[OPEN_KEY] * 1000:>9.1f} ms（看板只在仓库文件变化后打开一次）")


if __name__ == "__main__":
    main()
