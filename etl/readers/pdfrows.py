"""Chars of a PDF page into rows of text, with runs an exporter displaced put back or dropped.

Given char tuples (etl/readers/chars.py: text, x0, x1, top, bottom, size, fontname), rows are
the chars that share a line; ``place_fragments`` puts digits and quote marks drawn on a
shifted baseline back into their sentence when exactly one row has room for them, and
``drop_collisions`` removes numbers drawn over other text.  What cannot be placed with
confidence is returned so the reader can name it in a warning.
"""

from __future__ import annotations

from operator import sub

from etl.readers.chars import (
    BOTTOM,
    FONTNAME,
    SIZE,
    TEXT,
    TOP,
    X0,
    X1,
    Char,
    bottom_of,
    size_of,
    text_of,
    top_of,
    x0_of,
    x1_of,
)

# Chars whose tops differ by at most this many points chain into one row (pdfplumber's
# default y_tolerance, so ordinary lines come out as pdfplumber gives them).
LINE_TOP_TOLERANCE = 3.0

# A gap between two chars is a word space when it is wider than this many font sizes
# beyond the row's letter spacing (pdfplumber's 3 pt at 12 pt).
SPACE_GAP_EM = 0.25

# Rows with at least this many chars may be letter-spaced ("部 门 决 算"): their median
# gap is the letter spacing, not a space.
LETTER_SPACED_MIN_CHARS = 4

# Text that replaces a glyph without a Unicode mapping ("(cid:N)"); sentences holding it
# are not given to the extractor.
UNREADABLE = "\ufffd"

# Chars an exporter may draw in a second font on a shifted baseline, so that plain text
# extraction moves them out of their sentence: digits, number signs and quote marks.
FRAGMENT_CHARS = set("0123456789０１２３４５６７８９.．,，%％-－+＋“”‘’\"'")

# A displaced run is compared with rows whose middle is within this many font sizes of its own.
FRAGMENT_REACH = 1.6

# It is put back into a row only when its middle is within this many font sizes of that
# row's middle (a baseline shift, not a neighbouring line).
FRAGMENT_SHIFT_MAX = 0.6

# ... and any other row with room for it is at least this many times as far away.
FRAGMENT_CLEAR_RATIO = 2.0

# A run fills a gap when no char of the row overlaps it by more than this many font sizes
# and a char of the row ends or starts within this many font sizes of it.
FRAGMENT_OVERLAP_EM = 0.1
FRAGMENT_ADJACENT_EM = 0.6

# A digit covering more than this share of another char's width (in one row) collides.
COLLISION_SHARE = 0.3

# Char fields read once per row into lists (per char, a C-level lookup, not a Python one).


def outside_tables(chars: list[Char], bboxes: list[tuple], centres: list[tuple]) -> list[Char]:
    """Given a page's chars, table boxes and each char's (centre x, centre y, char), return
    the chars whose centre is in no box."""
    if not bboxes:
        return chars
    out = []
    for cx, cy, c in centres:  # per char of the page: a plain loop, not a generator per char
        for x0, top, x1, bottom in bboxes:
            if x0 <= cx <= x1 and top <= cy <= bottom:
                break
        else:
            out.append(c)
    return out


class Row:
    """Chars that share a line (sorted left to right), with the line's vertical extent."""

    __slots__ = ("_chars", "_visible", "top", "bottom", "size")

    def __init__(self, chars: list[Char]):
        self.chars = sorted(chars, key=x0_of)
        visible = self.text_chars() or self.chars
        self.top = min(map(top_of, visible))  # kept when displaced runs are put back
        self.bottom = max(map(bottom_of, visible))
        self.size = max(max(map(size_of, visible)), 1.0)

    @property
    def chars(self) -> list[Char]:
        """Given a row, return its chars left to right."""
        return self._chars

    @chars.setter
    def chars(self, chars: list[Char]) -> None:
        self._chars = chars
        self._visible = None

    @property
    def middle(self) -> float:
        """Given a row, return the vertical middle of its chars."""
        return (self.top + self.bottom) / 2

    def text_chars(self) -> list[Char]:
        """Given a row, return its chars that are not blank (found once per set of chars;
        the list is shared, so callers do not change it)."""
        if self._visible is None:
            self._visible = [c for c in self._chars if not c[TEXT].isspace()]
        return self._visible


def rows_of(chars: list[Char]) -> list[Row]:
    """Given upright chars, return them grouped into rows by the top of each char, top to bottom."""
    rows: list[Row] = []
    group: list[Char] = []
    last = None
    for c in sorted(chars, key=top_of):
        if last is not None and c[TOP] > last + LINE_TOP_TOLERANCE:
            rows.append(Row(group))
            group = []
        group.append(c)
        last = c[TOP]
    if group:
        rows.append(Row(group))
    return rows


def is_unreadable(ch: Char) -> bool:
    """Given a char, return whether its text is a glyph id without a Unicode mapping."""
    return ch[TEXT].startswith("(cid:")


def row_text(chars: list[Char], visible: list[Char] | None = None) -> str:
    """Given a row's chars left to right (and those not blank, when known), return its text
    with spaces where gaps are.

    A gap is a space when it is wider than SPACE_GAP_EM font sizes beyond the line's own
    letter spacing, so a heading set as "部 门 决 算" reads 部门决算.  A glyph without a
    Unicode mapping becomes UNREADABLE.
    """
    if visible is None:
        visible = [c for c in chars if not c[TEXT].isspace()]
    x1s = list(map(x1_of, visible))
    gaps = list(map(sub, map(x0_of, visible[1:]), x1s))  # each char's x0 minus the one before's x1
    spacing = 0.0
    if len(gaps) >= LETTER_SPACED_MIN_CHARS - 1:
        ordered = sorted(gaps)
        spacing = max(ordered[len(ordered) // 2], 0.0)  # median gap: the letter spacing
    if len(visible) == len(chars):  # no blank chars: a space only where a gap is wide
        if not visible:
            return ""
        texts = list(map(text_of, visible))
        if "(cid:" in "".join(texts):
            texts = [UNREADABLE if text.startswith("(cid:") else text for text in texts]
        # a space needs a gap wider than spacing + SPACE_GAP_EM * em with em at least 1.0,
        # so only gaps wider than that least bound are measured against their own em
        least = spacing + SPACE_GAP_EM
        out: list[str] = []
        done = 0
        for i in [i for i, gap in enumerate(gaps) if gap > least]:
            em = max(visible[i][SIZE], visible[i + 1][SIZE], 1.0)
            if gaps[i] > spacing + SPACE_GAP_EM * em:
                out += ("".join(texts[done : i + 1]), " ")
                done = i + 1
        out.append("".join(texts[done:]))
        return "".join(out)
    out = []
    prev_x1 = prev_size = 0.0
    started = blank = False
    for c in chars:  # per char of every line: locals, not repeated lookups
        text = c[TEXT]
        if text.isspace():
            blank = True
            continue
        size = c[SIZE]
        if started:
            em = max(prev_size, size, 1.0)
            if blank or c[X0] - prev_x1 > spacing + SPACE_GAP_EM * em:
                out.append(" ")
        out.append(UNREADABLE if text[:1] == "(" and is_unreadable(c) else text)
        prev_x1, prev_size = c[X1], size
        started = True
        blank = False
    return "".join(out)


def _words(chars: list[Char]) -> list[list[Char]]:
    """Given a row's chars left to right, return its runs of visible chars without a gap."""
    words: list[list[Char]] = []
    for c in chars:
        if c[TEXT].isspace():
            if words and words[-1]:
                words.append([])
            continue
        if words and words[-1]:
            prev = words[-1][-1]
            if c[X0] - prev[X1] > SPACE_GAP_EM * max(prev[SIZE], 1.0):
                words.append([])
        if not words:
            words.append([])
        words[-1].append(c)
    return [w for w in words if w]


def _is_fragment(row: Row) -> bool:
    """Given a row, return whether it holds only digits, number signs and quote marks."""
    visible = row.text_chars()
    return bool(visible) and all(c[TEXT] in FRAGMENT_CHARS for c in visible)


def _fits_gap(word: list[Char], host: Row) -> bool:
    """Given a run of chars and a row, return whether the run fills a gap between the row's chars.

    It does when no char of the row lies under it and a char of the row ends (or starts)
    right next to it, as where an exporter cut the run out of the sentence.
    """
    x0, x1 = word[0][X0], word[-1][X1]
    size = max(c[SIZE] for c in word)
    slack = FRAGMENT_OVERLAP_EM * size
    touch = FRAGMENT_ADJACENT_EM * size
    touching = False
    for c in host.text_chars():
        if min(c[X1], x1) - max(c[X0], x0) > slack:
            return False
        if abs(x0 - c[X1]) <= touch or abs(c[X0] - x1) <= touch:
            touching = True
    return touching


def place_fragments(rows: list[Row]) -> tuple[list[Row], list[str]]:
    """Given a page's rows, return them with displaced number runs put back in their rows and the runs that could not be placed.

    A row of only digits and quote marks whose runs each fill a gap of a neighbouring row
    was drawn on a shifted baseline.  A run goes back into the nearest row with a gap for
    it only when the shift is small and any other row with a gap is at least
    FRAGMENT_CLEAR_RATIO times as far; otherwise the run is dropped (returned), not guessed.
    """
    hosts = [r for r in rows if not _is_fragment(r)]
    moves: dict[int, list[tuple[int, list[Char]]]] = {}  # host index -> (source row, run)
    dropped: list[str] = []
    kept_rows: list[Row] = []
    for n, row in enumerate(rows):
        if not _is_fragment(row):
            kept_rows.append(row)
            continue
        remaining: list[Char] = []
        for word in _words(row.chars):
            middle = (min(c[TOP] for c in word) + max(c[BOTTOM] for c in word)) / 2
            near = [
                (abs(middle - h.middle), i)
                for i, h in enumerate(hosts)
                if abs(middle - h.middle) <= FRAGMENT_REACH * h.size and _fits_gap(word, h)
            ]
            near.sort()
            if not near:
                remaining.extend(word)  # an ordinary line of numbers
            elif near[0][0] <= FRAGMENT_SHIFT_MAX * hosts[near[0][1]].size and (
                len(near) == 1 or near[1][0] >= FRAGMENT_CLEAR_RATIO * near[0][0]
            ):
                moves.setdefault(near[0][1], []).append((n, word))
            else:
                dropped.append("".join(c[TEXT] for c in word))
        if remaining:
            kept_rows.append(Row(remaining))
    for i, runs in moves.items():
        host = hosts[i]
        sources = {n for n, _ in runs}
        if len(sources) > 1 and _runs_share_gap(host, [w for _, w in runs]):
            dropped.extend("".join(c[TEXT] for c in w) for _, w in runs)
            continue  # runs from two shifted rows compete for one gap: not sure of the order
        host.chars = sorted(host.chars + [c for _, w in runs for c in w], key=x0_of)
    kept_rows.sort(key=lambda r: r.top)
    return kept_rows, dropped


def _runs_share_gap(host: Row, runs: list[list[Char]]) -> bool:
    """Given a row and runs placed into it, return whether two runs fall into the same gap."""
    edges = [c[X1] for c in host.text_chars()]
    slots = [sum(1 for e in edges if e <= w[0][X0] + 0.5) for w in runs]
    return len(set(slots)) < len(slots)


def _drawn_run(visible: list[Char], i: int) -> list[int]:
    """Given a row's visible chars and the index of a number char, return the indexes of the run it was drawn in.

    The run is the chain of number chars in the same font, size and baseline as char i
    with no word gap between neighbours, whatever other chars lie between them now.
    """
    me = visible[i]
    same = [
        k
        for k, c in enumerate(visible)
        if c[TEXT] in FRAGMENT_CHARS
        and c[FONTNAME] == me[FONTNAME]
        and abs(c[SIZE] - me[SIZE]) < 0.01
        and abs(c[TOP] - me[TOP]) < 0.5
    ]
    gap = SPACE_GAP_EM * max(me[SIZE], 1.0)
    at = same.index(i)
    lo = hi = at
    while lo > 0 and visible[same[lo]][X0] - visible[same[lo - 1]][X1] <= gap:
        lo -= 1
    while hi + 1 < len(same) and visible[same[hi + 1]][X0] - visible[same[hi]][X1] <= gap:
        hi += 1
    return same[lo : hi + 1]


def drop_collisions(row: Row) -> list[str]:
    """Given a row, remove the runs of digits drawn over other chars of it and return them.

    Real text never prints two different chars on one spot; when a digit or quote mark
    does overlap another char, a run from another line landed here and neither its place
    nor the covered number can be trusted, so the whole run of number chars goes.
    """
    visible = row.text_chars()
    # a char can overlap later ones only when the next one starts before it ends
    starts = [
        i
        for i, (x1, next_x0) in enumerate(
            zip(map(x1_of, visible), map(x0_of, visible[1:]), strict=False)
        )
        if not next_x0 >= x1
    ]
    if not starts:
        return []
    hit: set[int] = set()
    for i in starts:
        a = visible[i]
        for j in range(i + 1, len(visible)):
            b = visible[j]
            if b[X0] >= a[X1]:
                break
            if a[TEXT] not in FRAGMENT_CHARS and b[TEXT] not in FRAGMENT_CHARS:
                continue
            size = max(a[SIZE], b[SIZE], 1.0)
            if a[TEXT] == b[TEXT] and abs(a[X0] - b[X0]) <= FRAGMENT_OVERLAP_EM * size:
                continue  # the same glyph printed twice (simulated bold)
            width = max(min(a[X1] - a[X0], b[X1] - b[X0]), 0.1)
            if min(a[X1], b[X1]) - max(a[X0], b[X0]) > COLLISION_SHARE * width:
                hit.update((i, j))
    if not hit:
        return []
    gone: set[int] = set()
    runs: list[str] = []
    for i in sorted(hit):
        if i in gone or visible[i][TEXT] not in FRAGMENT_CHARS:
            continue
        run = _drawn_run(visible, i)
        gone.update(run)
        runs.append("".join(visible[k][TEXT] for k in run))
    drop = {id(visible[k]) for k in gone}
    row.chars = [c for c in row.chars if id(c) not in drop]
    return runs
