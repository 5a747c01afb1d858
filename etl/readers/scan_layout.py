"""Layout of a scanned page: its skew, the ruling lines of its tables, and OCR text as chars.

The PDF reader works on pdfplumber-style chars and edges; a scanned page is given the
same: ``ruling_edges`` finds the drawn horizontal and vertical lines of the image (so
pdfplumber's TableFinder builds the table grid from them, as for a text-layer table) and
``ocr_chars`` turns each OCR text line into chars placed by the recogniser's own char
positions, each keeping its line's box and confidence.
"""

from __future__ import annotations

import numpy as np

from etl.readers.chars import char
from etl.readers.pdfium import edge as pdfium_edge

# Skew angles tried (degrees, both directions) and the step between them; the angle whose
# row profile is sharpest straightens the page.
SKEW_MAX_DEGREES = 2.0
SKEW_STEP_DEGREES = 0.1

# The skew search runs on the page shrunk to this width (pixels): fast, and enough.
SKEW_WIDTH = 800

# Below this the page is taken as straight (no rotation: resampling costs sharpness).
SKEW_MIN_DEGREES = 0.05

# A ruling line is at least this share of the page width (horizontal) or this many
# text-line heights (vertical: short cells), so letters and dashes are never lines.
H_LINE_SHARE = 0.04
V_LINE_PIXELS_AT_200_DPI = 40

# A ruling line is at most this many pixels thick at 200 dpi (thicker: a filled shape).
LINE_MAX_THICKNESS_AT_200_DPI = 8

# Dark pixels: grey value below this (0 black, 255 white).
DARK = 160


def gray(image) -> np.ndarray:
    """Given a PIL image or an RGB/grey array, return it as a 2-D uint8 grey array."""
    arr = np.asarray(image)
    if arr.ndim == 3:
        arr = (arr[..., :3] @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)
    return arr


def skew_angle(grey: np.ndarray) -> float:
    """Given a grey page, return the angle (degrees) that straightens its lines, or 0."""
    import cv2

    scale = min(1.0, SKEW_WIDTH / grey.shape[1])
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = (small < DARK).astype(np.float32)
    if ink.sum() < 50:
        return 0.0
    h, w = ink.shape
    centre = (w / 2, h / 2)
    best, best_score = 0.0, -1.0
    steps = int(round(SKEW_MAX_DEGREES / SKEW_STEP_DEGREES))
    for k in range(-steps, steps + 1):
        angle = k * SKEW_STEP_DEGREES
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST)
        rows = turned.sum(axis=1)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = angle, score
    return best if abs(best) >= SKEW_MIN_DEGREES else 0.0


def straighten(grey: np.ndarray, angle: float) -> np.ndarray:
    """Given a grey page and its skew angle, return the page turned straight (white corners)."""
    if not angle:
        return grey
    import cv2

    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        grey, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


def ruling_edges(grey: np.ndarray, dpi: float) -> list[dict]:
    """Given a straight grey page and its resolution, return its ruling lines as edges (points)."""
    import cv2

    ink = (grey < DARK).astype(np.uint8) * 255
    h, w = ink.shape
    per_point = dpi / 72.0
    thick = max(2, round(LINE_MAX_THICKNESS_AT_200_DPI * dpi / 200))
    out: list[dict] = []
    h_len = max(10, int(H_LINE_SHARE * w))
    v_len = max(10, round(V_LINE_PIXELS_AT_200_DPI * dpi / 200))
    for orientation, kernel in (
        ("h", cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1))),
        ("v", cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len))),
    ):
        mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        # bridge breaks from noise or faint print along the line
        bridge = (9, 1) if orientation == "h" else (1, 9)
        mask = cv2.morphologyEx(
            mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge)
        )
        count, _labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, count):
            x, y, bw, bh, _area = stats[i]
            across = bh if orientation == "h" else bw
            if across > thick:
                continue
            if orientation == "h":
                mid = (y + bh / 2) / per_point
                out.append(pdfium_edge("line", x / per_point, (x + bw) / per_point, mid, mid, "h"))
            else:
                mid = (x + bw / 2) / per_point
                out.append(pdfium_edge("line", mid, mid, y / per_point, (y + bh) / per_point, "v"))
    return out


def _is_cjk(ch: str) -> bool:
    """Given a character, return whether it is a CJK ideograph."""
    return "\u4e00" <= ch <= "\u9fff"


def _brackets(text: str) -> str:
    """Given an OCR line, return it with brackets next to a CJK character made full-width.

    The recogniser picks half- or full-width brackets by chance; Chinese text prints them
    full-width, as the vocabulary's column and row names are written.
    """
    out = list(text)
    for i, ch in enumerate(text):
        if ch in "()":
            near = text[max(0, i - 1) : i + 2]
            if any(_is_cjk(c) for c in near):
                out[i] = "（" if ch == "(" else "）"
    return "".join(out)


def ocr_chars(lines, dpi: float) -> list[tuple]:
    """Given OCR lines (text, quad, confidence, per-char boxes or None) and the resolution,
    return char tuples in points (etl/readers/chars.py).

    A char runs from its own left edge to the next char's left edge, so a line's chars
    touch (no gap is read as a space) while each sits where the recogniser saw it.
    """
    per_point = dpi / 72.0
    chars: list[tuple] = []
    for raw_text, quad, _conf, char_boxes in lines:
        text = _brackets(raw_text)
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        x0, x1 = min(xs) / per_point, max(xs) / per_point
        top, bottom = min(ys) / per_point, max(ys) / per_point
        size = bottom - top
        if char_boxes and len(char_boxes) == len(text):
            lefts = [min(p[0] for p in b) / per_point for b in char_boxes]
            last = max(p[0] for p in char_boxes[-1]) / per_point
        else:  # no char positions: share the width, a CJK char twice an ASCII one
            weights = [0.55 if ch.isascii() else 1.0 for ch in text]
            total = sum(weights) or 1.0
            lefts, at = [], x0
            for wgt in weights:
                lefts.append(at)
                at += (x1 - x0) * wgt / total
            last = x1
        rights = lefts[1:] + [last]
        for ch, left, right in zip(text, lefts, rights, strict=True):
            if ch.isspace():
                continue
            chars.append(char(ch, left, max(right, left + 0.1), top, bottom, size, "ocr"))
    return chars
