"""A PDF char as the PDF readers pass it: a tuple of pdfplumber's char fields, by index.

pdfium's chars are made as tuples (by the compiled helper, or pdfium.py's loop); a page
pdfplumber reads has its char dicts turned into the same tuples once, and pdfplumber's own
text functions get dicts back.  A tuple is made about six times faster than a dict and
its fields are read faster; a page has hundreds of chars, each read many times.
"""

from __future__ import annotations

from operator import itemgetter

# The fields, in tuple order, as pdfplumber names them (doctop: the top measured from the
# document's first page; pdfium reads a page at a time, so there it is the top).
FIELDS = ("text", "x0", "x1", "top", "doctop", "bottom", "size", "fontname", "upright")
TEXT, X0, X1, TOP, DOCTOP, BOTTOM, SIZE, FONTNAME, UPRIGHT = range(len(FIELDS))

Char = tuple  # (text, x0, x1, top, doctop, bottom, size, fontname, upright)

# Each field as a function of a char (for sorted, map, min, max: one C call per char).
text_of, x0_of, x1_of, top_of = (itemgetter(i) for i in (TEXT, X0, X1, TOP))
bottom_of, size_of = itemgetter(BOTTOM), itemgetter(SIZE)


def char(
    text: str,
    x0: float,
    x1: float,
    top: float,
    bottom: float,
    size: float,
    fontname: str,
    upright: bool = True,
) -> Char:
    """Given a char's fields on a page read alone (its document top is its top), return it
    as a char tuple."""
    return (text, x0, x1, top, top, bottom, size, fontname, upright)


def from_plumber(char: dict) -> Char:
    """Given a pdfplumber char dict, return it as a char tuple (a char without "upright"
    is upright)."""
    return (
        char["text"], char["x0"], char["x1"], char["top"], char.get("doctop", char["top"]),
        char["bottom"], char["size"], char.get("fontname", ""), char.get("upright", True),
    )  # fmt: skip


def to_plumber(char: Char) -> dict:
    """Given a char tuple, return it as a pdfplumber char dict."""
    return dict(zip(FIELDS, char, strict=True))
