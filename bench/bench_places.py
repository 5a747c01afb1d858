"""Time what evidence places cost: the heading pass over the DOCX and text reference reports
(etl/readers/places.py) and the PDF-twin pages added to a staged DOCX (etl/build/twins.py).

Run with ``python bench/bench_places.py``.  Prints median milliseconds per report for each,
beside the whole read + extract of the same file for scale.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from etl.build.twins import add_twin_pages  # noqa: E402
from etl.build.writer import stage  # noqa: E402
from etl.extract import extract_report  # noqa: E402
from etl.readers import _read, read_document  # noqa: E402
from etl.readers.cleanup import clean_document  # noqa: E402
from etl.readers.places import place_blocks  # noqa: E402

REPORTS = REPO / "samples" / "reports"
ROUNDS = 5


def _median_ms(run) -> float:
    """Given a no-argument callable, return the median of its run times in milliseconds."""
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    """Given nothing, print the median cost of placing each reference report's blocks."""
    for path in sorted((REPORTS / "docx").glob("*.docx")) + sorted(REPORTS.glob("txt/*.txt")):
        doc = clean_document(_read(path))
        whole = _median_ms(lambda p=path: extract_report(read_document(p)))
        heading = _median_ms(lambda d=doc: place_blocks(d))
        line = f"{path.name:32} 全文读取+提取 {whole:7.1f} ms  章节标题 {heading:5.1f} ms"
        pdf = REPORTS / "pdf" / f"{path.stem}.pdf"
        if path.suffix == ".docx" and pdf.exists():
            report = extract_report(read_document(path))
            twin = _median_ms(lambda r=report, f=pdf: add_twin_pages(stage(r, "r"), f))
            line += f"  PDF 页码（含 stage）{twin:6.1f} ms"
        print(line)


if __name__ == "__main__":
    main()
