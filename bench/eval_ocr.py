#!/usr/bin/env python3
"""OCR evaluation: the reference and dev PDFs rasterised to image-only PDFs, read, and scored.

Usage: eval_ocr.py [--variants 200,150,rot,jpeg] [--files STEM,...] [--pages table|all]

Each text PDF is rendered with pypdfium2 to an image-only PDF (150 or 200 dpi; "rot": 200 dpi
turned by +1° or -1°, alternating by page; "jpeg": 200 dpi saved as JPEG quality 40) and read
by the ETL as a scanned report.  Facts are scored against tests/fixtures/expected and
tests/fixtures/dev/expected (value within 0.005, as tests/score_etl.py; the standard-table
fixture tests/fixtures/schedules against its text layer): "table facts" are the
expected facts the text build reads from a table, the rest are narrative facts.  With
--pages table only the pages holding table facts are scanned (the others keep their text
layer: a mixed PDF), which is fast; --pages all scans every page (slow: ~10 s a page on one
core).  Prints per file and in total: read (correct), wrong, missing; wrong must be 0.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SETS = (
    (ROOT / "samples/reports/pdf", ROOT / "tests/fixtures/expected"),
    (ROOT / "tests/fixtures/dev/pdf", ROOT / "tests/fixtures/dev/expected"),
    # the nine standard 附表 (tests/fixtures/schedules): scored against its own text layer
    (ROOT / "tests/fixtures/schedules", None),
)
TOL = 0.005
ROTATION_DEGREES = 1.0
JPEG_QUALITY = 40


def rasterise(src: Path, dst: Path, dpi: int, pages: set[int] | None, rotate=False, jpeg=False):
    """Given a text PDF, write it as an image-only PDF (pages: 0-based indexes to scan, None: all;
    the others are copied with their text layer)."""
    import pypdfium2
    from PIL import Image

    doc = pypdfium2.PdfDocument(str(src))
    out = pypdfium2.PdfDocument.new()
    for i in range(len(doc)):
        if pages is not None and i not in pages:
            out.import_pages(doc, [i])
            continue
        page = doc[i]
        width, height = page.get_size()
        im = page.render(scale=dpi / 72).to_pil().convert("L")
        if rotate:
            angle = ROTATION_DEGREES if i % 2 else -ROTATION_DEGREES
            im = im.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
        buf = io.BytesIO()
        if jpeg:
            im.save(buf, "JPEG", quality=JPEG_QUALITY)
        else:
            im.save(buf, "PNG")
        img = pypdfium2.PdfImage.new(out)
        if jpeg:
            buf.seek(0)
            img.load_jpeg(buf, inline=True)
        else:
            img.set_bitmap(pypdfium2.PdfBitmap.from_pil(im))
        img.set_matrix(pypdfium2.PdfMatrix().scale(width, height))
        new = out.new_page(width, height)
        new.insert_obj(img)
        new.gen_content()
    out.save(str(dst))


def expected(path: Path) -> dict[str, float]:
    """Given an expected-values JSON, return its numeric facts."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for key, entry in (doc.get("metrics") or {}).items():
        value = entry.get("value") if isinstance(entry, dict) else entry
        if isinstance(value, (int, float)):
            out[key] = float(value)
    return out


def read(path: Path):
    """Given a report file, return its extracted Report."""
    from etl.extract import extract_report
    from etl.readers import read_document

    return extract_report(read_document(path))


def score(facts: dict[str, float], want: dict[str, float], keys: set[str]) -> tuple[int, int, list]:
    """Given read facts, expected facts and the keys to score, return (correct, wrong, wrong list)."""
    right = wrong = 0
    bad = []
    for key in keys:
        if key not in facts:
            continue
        if abs(facts[key] - want[key]) <= TOL:
            right += 1
        else:
            wrong += 1
            bad.append(f"{key}: {facts[key]:g} (expected {want[key]:g})")
    return right, wrong, bad


def main(argv: list[str]) -> int:
    """Given the command line, run the evaluation and print its figures."""
    opts = dict(a.lstrip("-").split("=", 1) for a in argv if "=" in a)
    variants = opts.get("variants", "200,150,rot,jpeg").split(",")
    stems = set(filter(None, opts.get("files", "").split(",")))
    scope = opts.get("pages", "table")
    tmp = Path(tempfile.mkdtemp(prefix="ocr_eval_"))
    totals: dict[str, list[int]] = {}
    seconds: list[float] = []
    for pdf_dir, exp_dir in SETS:
        for src in sorted(pdf_dir.glob("*.pdf")):
            if stems and src.stem not in stems:
                continue
            base = read(src)
            if exp_dir is None:
                want = {f.metric: f.value for f in base.facts}
            else:
                want = expected(exp_dir / f"{src.stem}.json")
            table_keys = {f.metric for f in base.facts if f.origin != "text"} & set(want)
            text_keys = set(want) - table_keys
            table_pages = {f.page - 1 for f in base.facts if f.origin != "text" and f.page}
            if scope == "table" and not table_pages:
                continue
            pages = table_pages if scope == "table" else None
            for v in variants:
                dpi = 150 if v == "150" else 200
                dst = tmp / f"{src.stem}_{v}.pdf"
                rasterise(src, dst, dpi, pages, rotate=v == "rot", jpeg=v == "jpeg")
                start = time.perf_counter()
                try:
                    rep = read(dst)
                    facts = {f.metric: f.value for f in rep.facts}
                except Exception as exc:  # a file that fails reads nothing
                    print(f"{src.stem} {v}: failed ({exc})")
                    facts = {}
                took = time.perf_counter() - start
                n_scanned = len(pages) if pages is not None else len(base_pages(src))
                seconds.append(took / max(n_scanned, 1))
                tr, tw, tb = score(facts, want, table_keys)
                nr, nw, nb = score(facts, want, text_keys if scope == "all" else set())
                t = totals.setdefault(v, [0, 0, 0, 0, 0])
                for i, x in enumerate((tr, tw, len(table_keys), nr, nw)):
                    t[i] += x
                if scope == "all":
                    totals.setdefault(v + "_n", [0])[0] += len(text_keys)
                print(
                    f"{src.stem} {v}: table facts {tr}/{len(table_keys)} read, {tw} wrong; "
                    f"narrative {nr}/{len(text_keys) if scope == 'all' else 0} read, {nw} wrong; "
                    f"{took:.0f} s for {n_scanned} scanned pages",
                    flush=True,
                )
                for line in tb + nb:
                    print("   WRONG", line)
    for v, t in totals.items():
        if v.endswith("_n"):
            continue
        tr, tw, tn, nr, nw = t[:5]
        line = f"TOTAL {v}: table facts {tr}/{tn} read ({100 * tr / max(tn, 1):.1f}%), {tw} wrong"
        if scope == "all":
            nn = totals[v + "_n"][0]
            line += f"; narrative facts {nr}/{nn} confirmed and read ({100 * nr / max(nn, 1):.1f}%), {nw} wrong"
        print(line)
    if seconds:
        seconds.sort()
        print(f"median seconds per scanned page (whole read): {seconds[len(seconds) // 2]:.1f}")
    return 0


def base_pages(src: Path) -> list[int]:
    """Given a PDF, return its page indexes."""
    import pypdfium2

    return list(range(len(pypdfium2.PdfDocument(str(src)))))


if __name__ == "__main__":
    os.environ.setdefault("JUESUAN_OCR_THREADS", "1")
    os.environ.setdefault("JUESUAN_TIMEOUT", "0")  # accuracy is measured: no page left unread
    raise SystemExit(main(sys.argv[1:]))
