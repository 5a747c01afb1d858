#!/usr/bin/env python3
"""OCR speed: seconds per scanned page (median), and the projection for a 20-page scanned report.

Pages of the reference and dev PDFs are rasterised at the ocr_dpi setting (pypdfium2) and each
is read as a scanned page (render, straighten, OCR, ruling lines) with the ocr_threads setting
(default 1: a build runs one parse process per core).  Prints the median and the spread, the
whole-read time of a one-page image-only PDF, and the projection for 20 pages on this machine.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Pages timed: (file, 0-based page) — narrative, a dense table, a cover.
PAGES = (
    ("samples/reports/pdf/000_49c7c66149f159f0.pdf", 1),
    ("samples/reports/pdf/001_b0dd71e4c835dab5.pdf", 7),
    ("tests/fixtures/dev/pdf/h02_fe9001fb4401660e.pdf", 4),
    ("tests/fixtures/dev/pdf/h04_fa628266f599e00b.pdf", 9),
    ("tests/fixtures/schedules/schedules.pdf", 5),
)
REPEATS = 1
REPORT_PAGES = 20


def main() -> int:
    """Given the bundled PDFs, time OCR per page and print the medians."""
    import pypdfium2

    from etl.readers import ocr, read_document

    if not ocr.available():
        print("OCR: rapidocr 未安装，跳过")
        return 0
    dpi = ocr.dpi()
    start = time.perf_counter()
    ocr.engine()
    print(f"OCR engine load: {time.perf_counter() - start:.2f} s (once per parse process)")
    per_page, cpu = [], []
    for name, index in PAGES:
        doc = pypdfium2.PdfDocument(str(ROOT / name))
        width, height = doc[index].get_size()
        for _ in range(REPEATS):
            t, c = time.perf_counter(), time.process_time()
            page = ocr.scan_pdf_page(doc, index, width, height)
            per_page.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        print(
            f"  {Path(name).name} p{index + 1}: {per_page[-1]:.2f} s ({cpu[-1]:.2f} s CPU), "
            f"{len(page.scan_lines)} text lines, {len(page.edges)} ruling lines"
        )
    median = statistics.median(per_page)
    median_cpu = statistics.median(cpu)
    # a whole read of an image-only one-page PDF: OCR plus reading the page into blocks
    with tempfile.TemporaryDirectory() as tmp:
        src = pypdfium2.PdfDocument(str(ROOT / PAGES[3][0]))
        image = src[PAGES[3][1]].render(scale=dpi / 72).to_pil()
        path = Path(tmp) / "scan.pdf"
        image.save(path, "PDF", resolution=dpi)
        t = time.perf_counter()
        read_document(path)
        whole = time.perf_counter() - t
    cores = os.cpu_count() or 1
    print(
        f"OCR at {dpi} dpi, {os.environ.get('JUESUAN_OCR_THREADS', '1')} thread(s), "
        f"{cores} cores: median {median:.2f} s per scanned page "
        f"(min {min(per_page):.2f}, max {max(per_page):.2f}; whole read of a 1-page scan "
        f"{whole:.2f} s); CPU time median {median_cpu:.2f} s per page (wall time above it means"
        " the cores were shared with other work)"
    )
    print(
        f"Projection: a {REPORT_PAGES}-page scanned report ≈ {REPORT_PAGES * median:.0f} s "
        f"wall now, ≈ {REPORT_PAGES * median_cpu:.0f} s on a free core, in one parse process; "
        f"{cores} reports in parallel on {cores} cores"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
