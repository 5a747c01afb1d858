"""A table cell's text as pdfplumber's ``extract_text`` gives it, without its machinery.

pdfplumber (0.11, default settings, no layout) groups a cell's chars into lines by their
tops (values chained within y_tolerance), sorts each line left to right, cuts words at
blanks and where a char starts before the previous one, more than x_tolerance past its end
or more than y_tolerance above or below it, then groups the words into lines again by their
tops and joins words with spaces and lines with newlines.  ``cell_text`` does the same steps
directly on upright chars; anything else (a rotated char) is left to pdfplumber (None).
The equality is tested on every cell of the reference and dev reports.
"""

from __future__ import annotations

from etl.readers.chars import TEXT, TOP, UPRIGHT, X0, X1, Char, text_of, top_of, x0_of


def _clusters(values, tolerance: float) -> dict[float, int]:
    """Given numbers and a tolerance, return each distinct number's cluster (sorted values,
    a new cluster where one is more than tolerance above the previous), as pdfplumber's
    make_cluster_dict does."""
    index: dict[float, int] = {}
    n = -1
    last = None
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            n += 1
        index[value] = n
        last = value
    return index


def _grouped(items: list[Char], tolerance: float) -> list[list[Char]]:
    """Given chars or words, return them grouped by clustered top, in cluster order, each
    group in the given order (pdfplumber's cluster_objects on "top")."""
    tops = list(map(top_of, items))
    if tops and max(tops) <= min(tops) + tolerance:
        return [items]  # one cluster: no sorted top is more than tolerance above the one before
    cluster = _clusters(tops, tolerance)
    groups: dict[int, list[Char]] = {}
    for item in items:
        groups.setdefault(cluster[item[TOP]], []).append(item)
    return [groups[k] for k in sorted(groups)]


def cell_text(chars: list[Char], ligatures: dict, x_tol: float, y_tol: float) -> str | None:
    """Given a cell's chars, pdfplumber's ligature map and tolerances, return the text its
    extract_text gives them, or None when a char is not upright."""
    for c in chars:
        if not c[UPRIGHT]:
            return None
    words: list[tuple[float, str]] = []  # (top, text) in pdfplumber's order
    for line in _grouped(chars, y_tol):
        word: list[Char] = []
        for c in sorted(line, key=x0_of):
            text = c[TEXT]
            if text.isspace():
                if word:
                    words.append(_word(word, ligatures))
                word = []
                continue
            if word:
                a = word[-1]
                if c[X0] < a[X0] or c[X0] > a[X1] + x_tol or abs(c[TOP] - a[TOP]) > y_tol:
                    words.append(_word(word, ligatures))
                    word = []
            word.append(c)
        if word:
            words.append(_word(word, ligatures))
    if not words:
        return ""
    tops = [top for top, _ in words]
    if max(tops) <= min(tops) + y_tol:
        return " ".join([text for _, text in words])  # one line
    cluster = _clusters(tops, y_tol)
    lines: dict[int, list[str]] = {}
    for top, text in words:
        lines.setdefault(cluster[top], []).append(text)
    return "\n".join(" ".join(lines[k]) for k in sorted(lines))


def _word(chars: list[Char], ligatures: dict) -> tuple[float, str]:
    """Given a word's chars, return its top and its text with ligatures expanded."""
    texts = list(map(text_of, chars))
    return min(map(top_of, chars)), "".join([ligatures.get(t, t) for t in texts])
