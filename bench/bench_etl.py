"""Time the ETL parse of the five reference PDFs against bare text extraction of the same pages.

Run with ``make bench``.  Prints median seconds per page for a build worker's parse_file
(read + extract), for pdfplumber ``page.extract_text()`` and for pypdfium2's
``get_text_range()`` on the same files, and the ETL's ratio to each (target: at most
TARGET_PDFIUM_RATIO times pypdfium2), per file, of the medians and of all pages together.
Seconds are this process's CPU time (CLOCK): all three are single-threaded, and on a shared
machine wall time counts other people's work.  The three run in turn within each round, so
a slow spell of the machine falls on all of them rather than on one.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pdfplumber  # noqa: E402

from etl.build.pool import parse_file  # noqa: E402

PDFS = sorted((REPO / "samples" / "reports" / "pdf").glob("*.pdf"))
ROUNDS = 5
CLOCK = time.process_time
TARGET_PDFIUM_RATIO = 4.0


def etl_seconds(path: Path) -> tuple[float, int]:
    """Given a PDF, return the seconds one ETL parse takes (what a build worker runs per
    file: read, extract) and its page count."""
    start = CLOCK()
    report = parse_file(path)
    return CLOCK() - start, report.pages or 1


def plumber_seconds(path: Path) -> tuple[float, int]:
    """Given a PDF, return the seconds pdfplumber's extract_text takes over every page."""
    start = CLOCK()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
        pages = len(pdf.pages)
    return CLOCK() - start, pages or 1


def pdfium_seconds(path: Path) -> tuple[float, int]:
    """Given a PDF, return the seconds pypdfium2 takes to open it and get every page's text."""
    import pypdfium2

    start = CLOCK()
    pdf = pypdfium2.PdfDocument(str(path))
    pages = len(pdf)
    for i in range(pages):
        page = pdf[i]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    pdf.close()
    return CLOCK() - start, pages or 1


def main() -> None:
    """Given the reference PDFs, print median seconds per page for the three, with ratios per
    file, of the medians, and of all pages together."""
    timers = {"etl": etl_seconds, "plumber": plumber_seconds, "pdfium": pdfium_seconds}
    rates: dict[str, list[float]] = {name: [] for name in timers}
    totals = {name: [0.0, 0] for name in timers}  # seconds and pages, every file and round
    for timer in timers.values():
        timer(PDFS[0])  # imports and first-use setup are not part of a page's cost
    print(
        f"{'文件':<28}{'页数':>6}{'ETL 秒/页':>12}{'pdfplumber':>12}{'pypdfium2':>12}"
        f"{'÷plumber':>10}{'÷pdfium':>10}"
    )
    for path in PDFS:
        runs: dict[str, list[float]] = {name: [] for name in timers}
        for _ in range(ROUNDS):  # interleaved, so all three meet the same machine load
            for name, timer in timers.items():
                seconds, pages = timer(path)
                runs[name].append(seconds / pages)
                totals[name][0] += seconds
                totals[name][1] += pages
        got = {name: statistics.median(values) for name, values in runs.items()}
        for name, value in got.items():
            rates[name].append(value)
        print(
            f"{path.name:<28}{pages:>6}{got['etl']:>12.4f}{got['plumber']:>12.4f}"
            f"{got['pdfium']:>12.4f}{got['etl'] / got['plumber']:>10.2f}"
            f"{got['etl'] / got['pdfium']:>10.2f}"
        )
    med = {name: statistics.median(values) for name, values in rates.items()}
    pooled = {name: seconds / pages for name, (seconds, pages) in totals.items()}
    print(
        f"中位数：ETL {med['etl']:.4f} 秒/页，pdfplumber extract_text {med['plumber']:.4f} 秒/页"
        f"（倍数 {med['etl'] / med['plumber']:.2f}），pypdfium2 get_text_range "
        f"{med['pdfium']:.4f} 秒/页（倍数 {med['etl'] / med['pdfium']:.2f}，"
        f"目标 ≤ {TARGET_PDFIUM_RATIO:.0f}）；每个文件各运行 {ROUNDS} 次，计的是本进程 CPU 时间"
    )
    print(
        f"全部页合计：ETL {pooled['etl']:.4f} 秒/页，pypdfium2 {pooled['pdfium']:.4f} 秒/页"
        f"（倍数 {pooled['etl'] / pooled['pdfium']:.2f}，目标 ≤ {TARGET_PDFIUM_RATIO:.0f}）"
    )


if __name__ == "__main__":
    main()
