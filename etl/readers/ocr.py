"""OCR of scanned pages: render, straighten, read text lines and ruling lines, as a page.

A PDF page without a text layer (or a .png/.jpg report page) is rendered with pypdfium2,
straightened, read by RapidOCR (PP-OCR models shipped inside the ``rapidocr`` package,
run by onnxruntime on the CPU, offline) and given to the PDF reader as a ``ScanPage``: a
FastPage whose chars come from OCR and whose edges are the ruling lines seen in the image,
so tables and paragraphs are built exactly as for a text-layer page.  Every char keeps
its line's box (points on the page) and confidence; ``lines`` keeps them per text line,
for the verification that decides which OCR values are stored (etl.extract.verify).
"""

from __future__ import annotations

import time
import weakref
from functools import lru_cache
from pathlib import Path

from etl import activity
from etl.readers.pdfium import FastPage
from etl.readers.scan_layout import gray, ocr_chars, ruling_edges, skew_angle, straighten

# Text lines the recogniser is less sure of than this are dropped (RapidOCR's own default).
MIN_LINE_CONFIDENCE = 0.5

# Pixels per point of an image given directly (.png/.jpg): taken as scanned at this dpi
# when the file does not say.
DEFAULT_IMAGE_DPI = 200

# A stated image resolution below this is taken as unset (screen images say 72 or 96).
MIN_IMAGE_DPI = 100


# OCR stops, naming the pages left unread, when the next page would end past this share of
# the file's parse time limit (the rest is for reading the text it gave).
TIMEOUT_SHARE = 0.8

# Seconds a page is expected to take before one has been timed (2 cores, 200 dpi).
FIRST_PAGE_SECONDS = 15.0


class Budget:
    """The OCR time a file has left under its parse time limit (the ``timeout`` setting)."""

    def __init__(self) -> None:
        from etl import settings

        self.start = time.monotonic()
        self.limit = settings.parse_timeout()
        self.slowest = FIRST_PAGE_SECONDS

    def allows(self) -> bool:
        """Given the time spent so far, return whether one more page fits the limit."""
        if not self.limit:
            return True
        return time.monotonic() - self.start + self.slowest <= TIMEOUT_SHARE * self.limit

    def spent(self, seconds: float) -> None:
        """Given the time one page took, remember it for the next estimate."""
        self.slowest = seconds if self.slowest == FIRST_PAGE_SECONDS else max(self.slowest, seconds)


_BUDGETS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # per open PDF document


class ScanPage(FastPage):
    """A page read by OCR, with the attributes _read_page uses of a pdfplumber page."""

    def __init__(self, width: float, height: float, chars, edges, lines, seconds: float):
        super().__init__(width, height, chars, edges, has_images=True)
        self.warning = ""  # why the page was not read, when it was not
        self.scan_lines = lines  # (text, (x0, top, x1, bottom) in points, confidence)
        self.seconds = seconds


def dpi() -> int:
    """Given the environment, return the resolution scanned pages are rendered at."""
    from etl import settings

    return max(72, int(settings.get("ocr_dpi")))


def enabled() -> bool:
    """Given the environment, return whether pages without a text layer are read by OCR."""
    from etl import settings

    return settings.get("ocr").lower() not in {"0", "false", "no", "off"}


def available() -> bool:
    """Given this installation, return whether the OCR engine can be imported."""
    try:
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def engine():
    """Given this process, return its RapidOCR engine (built once; quiet; no angle classifier)."""
    import logging

    from rapidocr import RapidOCR

    from etl import settings

    threads = int(settings.get("ocr_threads"))
    engine = RapidOCR(
        params={
            "Global.log_level": "error",
            "Global.use_cls": False,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return engine


def read_lines(grey) -> list[tuple[str, list, float, list | None]]:
    """Given a straight grey page image, return its OCR text lines (text, quad, confidence,
    per-char boxes or None), the doubtful ones dropped."""
    result = engine()(grey, return_word_box=True, return_single_char_box=True)
    if result.boxes is None or result.txts is None:
        return []
    words = result.word_results or [None] * len(result.txts)
    out = []
    for quad, text, conf, word in zip(
        result.boxes, result.txts, result.scores, words, strict=False
    ):
        if not text or conf < MIN_LINE_CONFIDENCE:
            continue
        boxes = [b for _t, _s, b in word] if word else None
        texts = "".join(t for t, _s, _b in word) if word else ""
        out.append((text, quad.tolist(), float(conf), boxes if texts == text else None))
    return out


def scan_image(image, width: float, height: float, resolution: float) -> ScanPage:
    """Given a page image, its size in points and its resolution, return it read as a ScanPage."""
    start = time.perf_counter()
    grey = gray(image)
    grey = straighten(grey, skew_angle(grey))
    lines = read_lines(grey)
    chars = ocr_chars(lines, resolution)
    edges = ruling_edges(grey, resolution)
    per_point = resolution / 72.0
    kept = [
        (
            text,
            (
                round(min(p[0] for p in quad) / per_point, 1),
                round(min(p[1] for p in quad) / per_point, 1),
                round(max(p[0] for p in quad) / per_point, 1),
                round(max(p[1] for p in quad) / per_point, 1),
            ),
            round(conf, 4),
        )
        for text, quad, conf, _boxes in lines
    ]
    return ScanPage(width, height, chars, edges, kept, time.perf_counter() - start)


def scan_pdf_page(document, index: int, width: float, height: float) -> ScanPage:
    """Given a pypdfium2 document, a page index and the page size (points), return the page
    rendered at the ocr_dpi setting and read by OCR."""
    resolution = dpi()
    budget = _BUDGETS.setdefault(document, Budget())
    if not budget.allows():
        skipped = ScanPage(width, height, [], [], None, 0.0)
        skipped.warning = f"第{index + 1}页为扫描页，OCR 识别将超出解析时限（设置 timeout），未识别"
        return skipped
    activity.tell(f"第{index + 1}页无文字层，OCR 识别中")
    try:
        page = document[index]
        try:
            image = page.render(scale=resolution / 72.0, grayscale=True).to_pil()
        finally:
            page.close()
        scale_x = image.width / width if width else resolution / 72.0
        scanned = scan_image(image, width, height, scale_x * 72.0)
    except Exception as exc:  # the page stays unread and says why; the other pages are read
        failed = ScanPage(width, height, [], [], None, 0.0)
        failed.warning = f"第{index + 1}页为扫描页，OCR 识别出错（{type(exc).__name__}），未识别"
        return failed
    budget.spent(scanned.seconds)
    return scanned


def read_image(path: Path):
    """Given a .png/.jpg report page, return it read by OCR as a one-page ParsedDocument
    (or raise InputError)."""
    import tempfile

    from PIL import Image, UnidentifiedImageError

    from etl.model import InputError
    from etl.readers.pdf import read_pdf

    if not enabled():
        raise InputError("图片报告页需要 OCR 识别，OCR 已关闭（设置 ocr）")
    if not available():
        raise InputError("图片报告页需要 OCR 识别，未安装 OCR 识别组件（rapidocr）")
    try:
        with Image.open(path) as im:
            image = im.convert("L")
            stated = im.info.get("dpi", (0, 0))[0]
    except (UnidentifiedImageError, OSError) as exc:
        raise InputError(f"图片无法读取（{type(exc).__name__}）") from None
    resolution = float(stated) if stated and stated >= MIN_IMAGE_DPI else DEFAULT_IMAGE_DPI
    with tempfile.TemporaryDirectory(prefix="ocr_") as tmp:
        page = Path(tmp) / f"{path.stem}.pdf"
        image.save(page, "PDF", resolution=resolution)  # an image-only page, as a scan is
        doc = read_pdf(page)
    doc.source_file = path.name
    return doc


def crop(path: Path, page: int, box: str, resolution: int = 150, margin: float = 6.0):
    """Given a report file, a 1-based page and an OCR box ("x0,top,x1,bottom" in points),
    return that part of the page as a PIL image, for the source view to show."""
    x0, top, x1, bottom = (float(v) for v in box.split(","))
    if Path(path).suffix.lower() in {".png", ".jpg", ".jpeg"}:
        from PIL import Image

        with Image.open(path) as im:
            stated = im.info.get("dpi", (0, 0))[0]
            ppp = (stated if stated and stated >= MIN_IMAGE_DPI else DEFAULT_IMAGE_DPI) / 72.0
            edges = (x0 - margin, top - margin, x1 + margin, bottom + margin)
            return im.crop(tuple(max(0, round(v * ppp)) for v in edges))
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    try:
        pdf_page = doc[page - 1]
        width, height = pdf_page.get_size()
        return pdf_page.render(
            scale=resolution / 72.0,
            crop=(
                max(0.0, x0 - margin),
                max(0.0, height - bottom - margin),
                max(0.0, width - x1 - margin),
                max(0.0, top - margin),
            ),
        ).to_pil()
    finally:
        doc.close()
