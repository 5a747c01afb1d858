"""Text normalisation for matching, with a map back to the original characters for quotes.

Reports arrive with full-width digits, spaces inside numbers and between number and unit,
thousands separators, converter artefacts and PDF line breaks.  Rules match on a normalised
string (no whitespace, ASCII digits); every match is mapped back to the original text so
the stored quote is the report's exact words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.textmap import CharMap

# A list item's own numbering: 一、 / 一. / （一） / (1) / 1. / 1、
ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])"
)
FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．％－＋",
    "0123456789.%-+",
)


to_halfwidth = CharMap(FULLWIDTH)  # full-width digits and signs as ASCII
# Characters dropped from the matching text: every kind of whitespace and zero-width mark.
DROPPED = set(" \t\r\n\u3000\u00a0\u200b\u200c\u200d\ufeff\u2002\u2003\u2009")
DROPPED_RUN = re.compile("[" + "".join(sorted(DROPPED)) + "]+")
ARTEFACT = re.compile(r"\[(?:bookmark|image): [^\]]*\]")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
NUMBER = r"(-?\d+(?:\.\d+)?)"
# A sentence without a digit states no number: readers whose every figure is one skip it.
DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class NormText:
    """A normalised string and, per character, its offset in the original string."""

    text: str
    offsets: tuple[int, ...]
    original: str

    def quote(self, start: int, end: int) -> str:
        """Given a span of the normalised text, return the original words it came from."""
        if start >= end:
            return ""
        a = self.offsets[start]
        b = self.offsets[end - 1] + 1
        return self.original[a:b].strip()


def normalise(original: str) -> NormText:
    """Given report text, return its matching form with a map back to the original."""
    cleaned = ARTEFACT.sub(lambda m: " " * len(m.group(0)), original)
    # FULLWIDTH maps one char to one char, so the whole string is translated at once
    if DROPPED_RUN.search(cleaned):
        text = to_halfwidth(DROPPED_RUN.sub("", cleaned))
        offsets = [i for i, ch in enumerate(cleaned) if ch not in DROPPED]
    else:  # nothing dropped: every char maps to itself
        text = to_halfwidth(cleaned)
        offsets = range(len(cleaned))
    # thousands separators: drop the comma (and its offset) between digit groups
    drop = {m.start() for m in THOUSANDS.finditer(text)}
    if drop:
        text = "".join(c for j, c in enumerate(text) if j not in drop)
        offsets = [o for j, o in enumerate(offsets) if j not in drop]
    return NormText(text, tuple(offsets), original)


def to_wanyuan(number: str, unit: str) -> float:
    """Given a stated number and its unit (元 or 万元), return the amount in 万元."""
    value = float(number)
    if unit == "元":
        return round(value / 10000.0, 6)
    return value
