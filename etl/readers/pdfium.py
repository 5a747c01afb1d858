"""PDF pages read with pypdfium2, as pdfplumber's chars and edges (several times faster).

``fast_page`` gives a ``FastPage`` with the chars (as char tuples, etl/readers/chars.py)
and the edges of drawn paths that pdfplumber (pdfminer) would give, so the PDF reader and
pdfplumber's TableFinder work on it unchanged; a page it cannot give so (rotated, offset,
drawings inside forms, path segments of unknown kinds) is None and is read by pdfplumber.
"""

from __future__ import annotations

import ctypes
from bisect import bisect_left, bisect_right
from functools import cache, cached_property
from pathlib import Path

from etl.readers import pdfium_native

# pdfium and pdfplumber agree on a page's box within this many points (float rounding).
BOX_TOLERANCE = 0.01

# Codes pdfium reports in place of a char: 2 (0xFFFE in its page text) marks a hyphen it
# takes for a line-end hyphen, though it is the minus sign of "-4.63%" as often.
PDFIUM_CODES = {2: "-", 0xFFFE: "-"}
_CODE_CHARS = {chr(code): text for code, text in PDFIUM_CODES.items()}

# The only chars pdfium generates (spaces and line breaks it infers): a char of the page
# text outside this set is never asked whether it was generated.
GENERATED = frozenset(" \r\n")

# Room for a font name read from pdfium, with its closing NUL (a longer name is unnamed).
FONT_NAME_BYTES = 256

# The most fonts a page may use before its chars are read here rather than by the
# compiled helper (which keeps room for this many names).
MAX_PAGE_FONTS = 64

# A char turned by less than this many radians is upright.
UPRIGHT_ANGLE = 1e-3

# The text of a glyph pdfium cannot map to Unicode (as pdfminer writes it).
UNREADABLE = "(cid:0)"

# The rules of _pdfium_chars as values, for the compiled helper that applies them in C.
CHAR_RULES = pdfium_native.CharRules(
    "".join(sorted(GENERATED)), _CODE_CHARS, UNREADABLE, UPRIGHT_ANGLE, MAX_PAGE_FONTS,
    FONT_NAME_BYTES,
)  # fmt: skip


class _Calls:
    """pdfium's per-char and per-object functions bound a second time without argument types:
    the text page, page, page object or path segment goes in as a c_void_p, an index as a
    Python int (a C int), a buffer length as a c_ulong and out-parameters by reference, so a
    call skips ctypes' and pypdfium2's per-argument
    conversion and checks (about half the cost of a call, paid per char).  Only this module
    calls them, and it passes exactly those types."""

    def __init__(self):
        import pypdfium2.raw as raw

        def bind(fn, restype, argtypes=None):
            clone = type(fn)(ctypes.cast(fn, ctypes.c_void_p).value)
            clone.restype, clone.argtypes = restype, argtypes
            return clone

        self.is_generated = bind(raw.FPDFText_IsGenerated, ctypes.c_int)
        self.unicode = bind(raw.FPDFText_GetUnicode, ctypes.c_uint)
        self.loose_box = bind(raw.FPDFText_GetLooseCharBox, ctypes.c_int)
        self.origin = bind(raw.FPDFText_GetCharOrigin, ctypes.c_int)
        self.text_object = bind(raw.FPDFText_GetTextObject, ctypes.c_void_p)
        self.map_error = bind(raw.FPDFText_HasUnicodeMapError, ctypes.c_int)
        # per text object: its font name, size and angle, read at one of its chars
        self.font_info = bind(raw.FPDFText_GetFontInfo, ctypes.c_ulong)
        self.font_size = bind(raw.FPDFText_GetFontSize, ctypes.c_double)
        self.char_angle = bind(raw.FPDFText_GetCharAngle, ctypes.c_float)
        # per page object: the object comes back as an address, its type takes it as one
        self.page_object = bind(raw.FPDFPage_GetObject, ctypes.c_void_p)
        self.object_type = bind(raw.FPDFPageObj_GetType, ctypes.c_int, (ctypes.c_void_p,))
        # per path object and segment: segments come back as addresses and go in as c_void_p
        self.draw_mode = bind(raw.FPDFPath_GetDrawMode, ctypes.c_int)
        self.matrix = bind(raw.FPDFPageObj_GetMatrix, ctypes.c_int)
        self.count_segments = bind(raw.FPDFPath_CountSegments, ctypes.c_int)
        self.segment = bind(raw.FPDFPath_GetPathSegment, ctypes.c_void_p)
        self.segment_type = bind(raw.FPDFPathSegment_GetType, ctypes.c_int)
        self.segment_point = bind(raw.FPDFPathSegment_GetPoint, ctypes.c_int)
        self.segment_close = bind(raw.FPDFPathSegment_GetClose, ctypes.c_int)


_CALLS: _Calls | None = None


def _calls() -> _Calls:
    """Return the unchecked pdfium bindings, made on first use."""
    global _CALLS
    if _CALLS is None:
        _CALLS = _Calls()
    return _CALLS


def _page_text(textpage, count: int) -> str | None:
    """Given a pdfium text page and its char count, return its text in one call, one
    character per char index (None when the text is not so: pdfium leaves out chars
    without Unicode, so the per-char path reads that page)."""
    import pypdfium2.raw as raw

    if count <= 0:
        return None
    buf = ctypes.create_string_buffer((count + 1) * 2)
    got = raw.FPDFText_GetText(
        textpage.raw, 0, count, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort))
    )
    text = buf.raw[: max(got - 1, 0) * 2].decode("utf-16-le", "surrogatepass")
    return text if len(text) == count else None


def _char_geometry(tp: ctypes.c_void_p, count: int, text: str) -> tuple[list, ...]:
    """Given a pdfium text page, its char count and text, return per char (generated, box
    left, box right, origin y, Unicode map error, font size, upright, font) with font an
    index into the page's font names, then those names: from the compiled helper when
    there is one, else by the same calls made here.

    Size, angle and font belong to a char's text object, so they are read again only
    where the object changes; a font without a name, or with one longer than
    FONT_NAME_BYTES, is unnamed ("").  What is given for a space or line break pdfium
    generated is not read (the caller skips them), so it is not always asked for.
    """
    found = pdfium_native.char_geometry(
        tp.value, count, UPRIGHT_ANGLE, MAX_PAGE_FONTS, FONT_NAME_BYTES
    )
    if found is not None:
        return found
    import pypdfium2.raw as raw

    calls = _calls()
    is_generated, loose_box, origin = calls.is_generated, calls.loose_box, calls.origin
    text_object, map_error = calls.text_object, calls.map_error
    font_info, font_size, char_angle = calls.font_info, calls.font_size, calls.char_angle
    box = raw.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    box_ref, ox_ref, oy_ref = ctypes.byref(box), ctypes.byref(ox), ctypes.byref(oy)
    name = ctypes.create_string_buffer(FONT_NAME_BYTES)
    name_len = ctypes.c_ulong(FONT_NAME_BYTES)
    flags_ref = ctypes.byref(ctypes.c_int())
    names: dict[str, int] = {}
    columns: tuple[list, ...] = ([], [], [], [], [], [], [], [])
    generated, left, right, origin_y, unmapped, size, upright, font = columns
    last_object = style = None
    for i, ch in enumerate(text):
        skip = ch in GENERATED and is_generated(tp, i) != 0
        generated.append(skip)
        if not skip:
            loose_box(tp, i, box_ref)
            origin(tp, i, ox_ref, oy_ref)
        left.append(box.left)
        right.append(box.right)
        origin_y.append(oy.value)
        unmapped.append(not skip and map_error(tp, i) == 1)
        if skip:  # never read: no font asked for
            size.append(0.0)
            upright.append(False)
            font.append(-1)
            continue
        obj = text_object(tp, i)
        if style is None or not obj or obj != last_object:
            last_object = obj
            got = font_info(tp, i, name, name_len, flags_ref)
            key = name.value.decode("latin-1") if 0 < got <= FONT_NAME_BYTES else ""
            style = (
                font_size(tp, i),
                abs(char_angle(tp, i)) < UPRIGHT_ANGLE,
                names.setdefault(key, len(names)),
            )
        size.append(style[0])
        upright.append(style[1])
        font.append(style[2])
    return (*columns, list(names))


def _pdfium_chars(textpage, height: float) -> list[tuple]:
    """Given a pdfium text page and the page height, return its chars as char tuples
    (etl/readers/chars.py).

    Boxes run from the baseline up by the font size, as pdfminer draws them for fonts
    without a descent; a glyph pdfium cannot map to Unicode reads "(cid:0)".
    """
    import pypdfium2.raw as raw

    tp = ctypes.c_void_p(ctypes.cast(textpage.raw, ctypes.c_void_p).value)
    count = raw.FPDFText_CountChars(textpage.raw)
    chars: list[dict] = []
    append = chars.append
    text = _page_text(textpage, count)
    if text is None:  # pdfium left chars out of the page text: ask char by char
        unicode = _calls().unicode
        text = "".join(chr(unicode(tp, i)) for i in range(count))
    made = pdfium_native.char_tuples(tp.value, count, text, height, CHAR_RULES)
    if made is not None:
        return made  # the same chars, made by the compiled helper
    *geometry, names = _char_geometry(tp, count, text)
    for ch, generated, x0, x1, oy, unmapped, size, upright, font in zip(
        text, *geometry, strict=True
    ):
        # only a space or line break may be generated
        if generated and ch in GENERATED:
            continue  # a space or line break pdfium inferred, not in the file
        if unmapped or ch == "\x00":
            ch = UNREADABLE
        elif ch in _CODE_CHARS:
            ch = _CODE_CHARS[ch]
        baseline = height - oy
        top = baseline - size
        # chars.FIELDS; one page at a time: document top = page top
        append((ch, x0, x1, top, top, baseline, size, names[font], upright))
    return chars


class FastPage:
    """A page read by pdfium, with the attributes _read_page uses of a pdfplumber page (its
    chars as char tuples, not dicts)."""

    def __init__(self, width: float, height: float, chars, edges, has_images: bool):
        self.width = width
        self.height = height
        self.bbox = (0.0, 0.0, width, height)
        self.chars = chars
        self.edges = edges
        self.rects: list[dict] = []  # rectangles are already given as their four edges
        self.images = [True] if has_images else []

    def find_tables(self):
        """Given the page, return its ruled tables as pdfplumber finds them from its edges."""
        return find_tables(self)


def find_tables(page) -> list:
    """Given a page (edges as pdfplumber gives them), return the tables
    pdfplumber's TableFinder finds with its default settings, its intersections and cells
    found by intersections_of and cells_from instead of pdfplumber's (same cells, faster)."""
    from pdfplumber.table import TableFinder, cells_to_tables

    finder = TableFinder.__new__(TableFinder)
    finder.page = page
    finder.settings = settings = _table_settings()
    crossings = intersections_of(
        finder.get_edges(), settings.intersection_x_tolerance, settings.intersection_y_tolerance
    )
    return [_table_class()(page, group) for group in cells_to_tables(cells_from(crossings))]


@cache
def _table_settings():
    """Given pdfplumber, return its default table settings (resolved once: read, never changed)."""
    from pdfplumber.table import TableSettings

    return TableSettings.resolve(None)


@cache
def _table_class() -> type:
    """Given pdfplumber, return its Table with the bounding box worked out once, not at
    each look (pdfplumber's runs over every cell four times)."""
    from pdfplumber.table import Table

    class FoundTable(Table):
        bbox = cached_property(Table.bbox.fget)

    return FoundTable


def intersections_of(edges: list[dict], x_tol: float, y_tol: float) -> dict[tuple, tuple]:
    """Given merged edges and tolerances, return the points pdfplumber's
    edges_to_intersections finds (the same test), each with the sets of its vertical and its
    horizontal edges, an edge named by its place in the list.

    pdfplumber compares the edges through two points by their boxes; an edge's box is all
    the test reads of it, so an edge through one point with the box of one through another
    passes through both, and naming edges by place gives the same answers.
    """
    found: dict[tuple, tuple[set, set]] = {}
    v_edges = [(i, e) for i, e in enumerate(edges) if e["orientation"] == "v"]
    h_edges = sorted(
        ((i, e) for i, e in enumerate(edges) if e["orientation"] == "h"),
        key=lambda pair: (pair[1]["top"], pair[1]["x0"]),
    )
    tops = [e["top"] for _, e in h_edges]
    for vi, v in v_edges:
        v_top, v_bottom, v_x = v["top"], v["bottom"], v["x0"]
        # the horizontal edges near the vertical one's span (a point wider, then the exact test)
        lo = bisect_left(tops, v_top - y_tol - 1.0)
        hi = bisect_right(tops, v_bottom + y_tol + 1.0, lo)
        for hj, h in h_edges[lo:hi]:
            if (
                v_top <= h["top"] + y_tol
                and v_bottom >= h["top"] - y_tol
                and v_x >= h["x0"] - x_tol
                and v_x <= h["x1"] + x_tol
            ):
                point = (v_x, h["top"])
                through = found.get(point)
                if through is None:
                    through = found[point] = (set(), set())
                through[0].add(vi)
                through[1].add(hj)
    return found


def cells_from(crossings: dict[tuple, tuple]) -> list[tuple]:
    """Given points, each with the sets of its vertical and horizontal edges (any names),
    return the cells pdfplumber's intersections_to_cells finds, in the same order.

    The same search (for each point in sorted order, the first point below and the first
    point to the right, in that nesting, whose corners the edges join), with the points
    below and to the right looked up by their column and row instead of scanning every
    later point.
    """

    def connects(a: tuple, b: tuple) -> bool:
        if a[0] == b[0] and not crossings[a][0].isdisjoint(crossings[b][0]):
            return True
        return a[1] == b[1] and not crossings[a][1].isdisjoint(crossings[b][1])

    points = sorted(crossings)
    column: dict[float, list[tuple]] = {}
    row: dict[float, list[tuple]] = {}
    for p in points:
        column.setdefault(p[0], []).append(p)
        row.setdefault(p[1], []).append(p)
    seen_in_column: dict[float, int] = {}
    seen_in_row: dict[float, int] = {}
    cells = []
    for pt in points:
        # points are sorted, so the later points of pt's column and row come after it
        at_x = seen_in_column[pt[0]] = seen_in_column.get(pt[0], -1) + 1
        at_y = seen_in_row[pt[1]] = seen_in_row.get(pt[1], -1) + 1
        below = column[pt[0]][at_x + 1 :]
        right = row[pt[1]][at_y + 1 :]
        cell = None
        for below_pt in below:
            if not connects(pt, below_pt):
                continue
            for right_pt in right:
                if not connects(pt, right_pt):
                    continue
                corner = (right_pt[0], below_pt[1])
                if (
                    corner in crossings
                    and connects(corner, right_pt)
                    and connects(corner, below_pt)
                ):
                    cell = (pt[0], pt[1], corner[0], corner[1])
                    break
            if cell:
                break
        if cell:
            cells.append(cell)
    return cells


def fast_page(
    document, index: int, width: float | None = None, height: float | None = None
) -> FastPage | None:
    """Given a pdfium document, a page index and pdfplumber's page size (None: pdfium's own,
    when its crop box is its media box at the origin), return the page read by pdfium, or None.

    pdfium reads a page several times faster than pdfminer.  A rotated page, one whose
    coordinates differ from pdfplumber's, or one with drawings pdfium nests in forms or
    draws in ways not mapped here is left to pdfplumber (None).
    """
    import pypdfium2.raw as raw

    page = document[index]
    try:
        box = page.get_mediabox()  # pdfium keeps coordinates as 32-bit floats
        if width is None or height is None:
            if tuple(page.get_cropbox()) != tuple(box) or box[0] or box[1]:
                return None  # pdfplumber would measure this page from another box
            width, height = float(box[2]), float(box[3])
        if page.get_rotation() or any(
            abs(a - b) > BOX_TOLERANCE for a, b in zip(box, (0, 0, width, height), strict=True)
        ):
            return None
        edges: list[dict] = []
        # The page's own objects through the raw API (no wrapper object per text run).
        objects, kinds = _page_objects(page)
        if raw.FPDF_PAGEOBJ_FORM in kinds:
            return None
        has_images = raw.FPDF_PAGEOBJ_IMAGE in kinds
        path = raw.FPDF_PAGEOBJ_PATH
        paths = [a for a, kind in zip(objects, kinds, strict=True) if kind == path]
        segments = pdfium_native.page_paths(paths, MAX_PAGE_SEGMENTS) if paths else None
        if segments is None:  # no helper, or too many segments: the calls, path by path
            segments = (_path_segments(ctypes.c_void_p(a)) for a in paths)
        for found in segments:
            drawn = _path_edges(found, height)
            if drawn is None:
                return None
            edges.extend(drawn)
        textpage = page.get_textpage()
        try:
            chars = _pdfium_chars(textpage, height)
        finally:
            textpage.close()
    finally:
        page.close()
    return FastPage(width, height, chars, edges, has_images)


def _page_objects(page) -> tuple[list[int], list[int]]:
    """Given a pdfium page, return its own objects' addresses and types, in page order:
    from the compiled helper when there is one, else by the same calls made here."""
    import pypdfium2.raw as raw

    count = raw.FPDFPage_CountObjects(page.raw)
    page_ref = ctypes.c_void_p(ctypes.cast(page.raw, ctypes.c_void_p).value)
    found = pdfium_native.page_objects(page_ref.value, count)
    if found is not None:
        return found
    calls = _calls()
    objects = [calls.page_object(page_ref, n) for n in range(count)]
    return objects, [calls.object_type(address) for address in objects]


# pdfium's segment types (FPDF_SEGMENT_LINETO, _BEZIERTO, _MOVETO) as pdfminer's operators.
SEGMENT_OPS = {0: "l", 1: "c", 2: "m"}

# The compiled helper reads a page's path segments into room for this many; a page with more
# is read by the Python calls.
MAX_PAGE_SEGMENTS = 8192


def _path_segments(obj: ctypes.c_void_p):
    """Given a path object's address, return () when it neither fills nor strokes, False
    when a segment has an unknown type or no point, else its matrix (a, b, c, d, e, f) and
    its segments as (type, x, y, closes): the calls the compiled helper makes per path."""
    import pypdfium2.raw as raw

    calls = _calls()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    calls.draw_mode(obj, ctypes.byref(fill), ctypes.byref(stroke))
    if not (fill.value or stroke.value):
        return ()
    m = raw.FS_MATRIX()
    calls.matrix(obj, ctypes.byref(m))
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    segments = []
    for i in range(calls.count_segments(obj)):
        seg = ctypes.c_void_p(calls.segment(obj, i))
        kind = calls.segment_type(seg)
        if kind not in SEGMENT_OPS or not calls.segment_point(seg, x_ref, y_ref):
            return False
        segments.append((kind, x.value, y.value, calls.segment_close(seg) != 0))
    return (m.a, m.b, m.c, m.d, m.e, m.f), segments


def _path_edges(found, height: float) -> list[dict] | None:
    """Given a path object's draw modes, matrix and segments as _path_segments gives them,
    return the edges pdfplumber makes of it (None: not mapped).

    As pdfminer does: each subpath that is one straight segment is a line, an axis-aligned
    closed four-segment one a rectangle (its four sides), anything else a curve through
    its points; paths neither filled nor stroked draw nothing.
    """
    if found is False:
        return None
    if not found:
        return []
    (a, b, c, d, e, f), segments = found
    subpaths: list[list[tuple[str, float, float]]] = []
    for kind, x, y, closes in segments:
        op = SEGMENT_OPS[kind]
        px = a * x + c * y + e
        py = b * x + d * y + f
        if op == "m" or not subpaths:
            subpaths.append([])
        subpaths[-1].append((op, px, height - py))
        if closes:
            subpaths[-1].append(("h", subpaths[-1][0][1], subpaths[-1][0][2]))
    edges: list[dict] = []
    for sub in subpaths:
        edges.extend(_subpath_edges(sub))
    return edges


def edge(kind: str, x0: float, x1: float, top: float, bottom: float, orientation) -> dict:
    """Given an edge's kind, extent and orientation, return it as a pdfplumber edge dict."""
    return {
        "object_type": kind,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
    }


def _subpath_edges(sub: list[tuple[str, float, float]]) -> list[dict]:
    """Given one subpath as (operator, x, top) points, return its pdfplumber edges."""
    shape = "".join(op for op, _, _ in sub)
    pts = [(px, pt) for _, px, pt in sub]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"  # a redundant line back to the start before closing
        pts.pop()
    if shape in ("ml", "mlh"):
        (x0, t0), (x1, t1) = pts[0], pts[1]
        top, bottom = min(t0, t1), max(t0, t1)
        return [edge("line", min(x0, x1), max(x0, x1), top, bottom, "h" if t0 == t1 else "v")]
    if shape in ("mlllh", "mllll") and pts[0] == pts[4]:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts[:4]
        if (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        ):
            left, right = min(x0, x2), max(x0, x2)
            top, bottom = min(y0, y2), max(y0, y2)
            return [
                edge("rect_edge", left, right, top, top, "h"),
                edge("rect_edge", left, right, bottom, bottom, "h"),
                edge("rect_edge", left, left, top, bottom, "v"),
                edge("rect_edge", right, right, top, bottom, "v"),
            ]
    # a curve: pdfminer keeps the end point of each operator; pdfium gives a Bezier as
    # three points (two control points, then the end point)
    ends = []
    beziers = 0
    for op, pt in zip(shape, pts, strict=True):
        if op == "c":
            beziers += 1
            if beziers % 3:
                continue
        ends.append(pt)
    out = []
    for (ax, at), (bx, bt) in zip(ends, ends[1:], strict=False):
        orientation = "v" if ax == bx else ("h" if at == bt else None)
        out.append(
            edge("curve_edge", min(ax, bx), max(ax, bx), min(at, bt), max(at, bt), orientation)
        )
    return out


def open_document(path: Path):
    """Given a PDF path, return it opened with pypdfium2, or None when pdfium cannot open it."""
    try:
        import pypdfium2

        return pypdfium2.PdfDocument(str(path))
    except Exception:  # pdfplumber reads (or explains) whatever pdfium cannot open
        return None
