"""The crop of a scanned page where an OCR value was read, rendered from the report file."""

from __future__ import annotations

from pathlib import Path

import streamlit as st


@st.cache_data(show_spinner=False, max_entries=64)
def crop_png(path: str, page: int, box: str) -> bytes | None:
    """Given a report file, a page and an OCR box, return the crop as PNG bytes (None: file gone)."""
    import io

    from etl.readers.ocr import crop

    if not Path(path).is_file():
        return None
    try:
        image = crop(Path(path), int(page), box)
    except Exception:  # a moved, replaced or unreadable file shows no crop, never an error
        return None
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()
