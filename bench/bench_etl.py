"""Time the ETL parse of the five reference PDFs against pdfplumber's bare text extraction.

Run with ``make bench``.  Prints median seconds per page for read_document + extract_report
and for pdfplumber ``page.extract_text()`` on the same files, and their ratio.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pdfplumber  # noqa: E402

from etl.extract import extract_report  # noqa: E402
from etl.readers import read_document  # noqa: E402

PDFS = sorted((REPO / "samples" / "reports" / "pdf").glob("*.pdf"))
ROUNDS = 3


def etl_seconds(path: Path) -> tuple[float, int]:
    """Given a PDF, return the seconds one ETL parse takes and its page count."""
    start = time.perf_counter()
    doc = read_document(path)
    extract_report(doc)
    return time.perf_counter() - start, doc.pages or 1


def plumber_seconds(path: Path) -> tuple[float, int]:
    """Given a PDF, return the seconds pdfplumber's extract_text takes over every page."""
    start = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
        pages = len(pdf.pages)
    return time.perf_counter() - start, pages or 1


def main() -> None:
    """Given the reference PDFs, print median seconds per page for both parsers."""
    etl_rates, plumber_rates = [], []
    print(f"{'文件':<28}{'页数':>6}{'ETL 秒/页':>12}{'pdfplumber 秒/页':>18}{'倍数':>8}")
    for path in PDFS:
        etl_runs = [etl_seconds(path) for _ in range(ROUNDS)]
        plumber_runs = [plumber_seconds(path) for _ in range(ROUNDS)]
        pages = etl_runs[0][1]
        etl_rate = statistics.median(s / p for s, p in etl_runs)
        plumber_rate = statistics.median(s / p for s, p in plumber_runs)
        etl_rates.append(etl_rate)
        plumber_rates.append(plumber_rate)
        ratio = etl_rate / plumber_rate
        print(f"{path.name:<28}{pages:>6}{etl_rate:>12.4f}{plumber_rate:>18.4f}{ratio:>8.2f}")
    etl_median = statistics.median(etl_rates)
    plumber_median = statistics.median(plumber_rates)
    print(
        f"中位数：ETL {etl_median:.4f} 秒/页，pdfplumber extract_text {plumber_median:.4f} 秒/页，"
        f"倍数 {etl_median / plumber_median:.2f}（每个文件各运行 {ROUNDS} 次）"
    )


if __name__ == "__main__":
    main()
