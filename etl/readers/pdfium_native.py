"""pdfium's per-char, per-object and per-path loops in C, compiled on first use, else None.

A PDF page costs one ctypes call per char per fact (box, origin, text object, Unicode
map error), two per page object and four per path segment; ctypes spends about a
microsecond on each call, more than pdfium spends answering.  pdfium_native.c runs those
loops in C against the same pdfium functions pypdfium2 loaded, so a page costs one call
per loop.  It is built with the machine's C compiler (cc, gcc or clang) into CACHE_DIR the
first time a process asks, and loaded from there after; with no compiler, a failed build or
the setting ``pdf_native`` at 0, the functions return None and the caller makes the calls
itself (the same calls in the same order: the chars and edges are identical, tested).

Where this Python's headers are installed, the helper is built with a Python part too:
``char_tuples`` makes the page's char tuples (etl/readers/chars.py) in C from what the char
loop read, called through ctypes.PyDLL so with the interpreter's lock held; without the
headers the helper is built without it and pdfium.py makes the tuples in a Python loop
(the same tuples, tested).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import NamedTuple

from etl import settings

SOURCE = Path(__file__).with_suffix(".c")


def _cache_root() -> Path:
    """Given the environment, return the user's cache folder (the temp folder without a home)."""
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"])
    try:
        return Path.home() / ".cache"
    except RuntimeError:  # no home directory known
        return Path(tempfile.gettempdir())


# Where the compiled helper is kept: the user's cache folder, one file per source version,
# machine and Python (a changed source or another machine builds its own).
CACHE_DIR = _cache_root() / "juesuan"

# Compilers tried in this order, and the flags they are given.
COMPILERS = ("cc", "gcc", "clang")
COMPILE_FLAGS = ("-O2", "-shared", "-fPIC")

# A build that takes longer than this many seconds is abandoned (the fallback is used).
COMPILE_TIMEOUT = 60

_LIBRARY: ctypes.CDLL | None = None
_TRIED = False
_CHAR_CALLS: tuple[int, ...] = ()  # pdfium's per-char functions, by address
_OBJECT_CALLS: tuple[int, ...] = ()  # pdfium's per-object functions, by address
_PATH_CALLS: tuple[int, ...] = ()  # pdfium's per-path and per-segment functions, by address
_TUPLES = None  # the helper's char_tuples, called with the interpreter's lock held (or None)


class CharRules(NamedTuple):
    """What pdfium.py's _pdfium_chars decides per char, handed to the helper as values."""

    generatable: str  # the chars pdfium may generate (skipped when it did)
    replacements: dict[str, str]  # chars given as another text
    unreadable: str  # the text of a glyph without Unicode
    upright_angle: float  # a char turned by less than this many radians is upright
    max_fonts: int  # the most fonts a page may use here
    name_bytes: int  # room for a font name with its closing NUL


def enabled() -> bool:
    """Given the environment, return whether the compiled helper may be used."""
    return settings.get("pdf_native").lower() not in {"0", "false", "no"}


def library_path() -> Path:
    """Given this source and machine, return where its compiled helper is kept."""
    key = hashlib.sha256(SOURCE.read_bytes())
    key.update(f"{platform.machine()} {platform.system()} {sys.implementation.cache_tag}".encode())
    return CACHE_DIR / f"pdfium_native-{key.hexdigest()[:16]}.so"


def python_flags() -> tuple[str, ...]:
    """Given this Python, return the flags that build the helper's Python part (char_tuples)
    against its headers, or () when they are not installed."""
    include = sysconfig.get_paths().get("include")
    if not include or not (Path(include) / "Python.h").exists():
        return ()
    return ("-DWITH_PYTHON", f"-I{include}")


def build(target: Path) -> bool:
    """Given the compiled helper's path, compile it there with the first C compiler found,
    with its Python part when Python's headers are there (else, or when that fails,
    without); return whether it was built (under a temporary name, then moved into place)."""
    compiler = next((found for name in COMPILERS if (found := shutil.which(name))), None)
    if compiler is None:
        return False
    extra = python_flags()
    return bool(extra and _compile(compiler, extra, target)) or _compile(compiler, (), target)


def _compile(compiler: str, extra: tuple[str, ...], target: Path) -> bool:
    """Given a compiler, extra flags and the helper's path, compile it there; return whether
    it was built."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".so", dir=target.parent)
        os.close(fd)
    except OSError:
        return False
    try:
        done = subprocess.run(
            [compiler, *COMPILE_FLAGS, *extra, "-o", tmp, str(SOURCE)],
            capture_output=True,
            timeout=COMPILE_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            return False
        os.replace(tmp, target)  # another process building the same file wins or loses whole
        return True
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def library() -> ctypes.CDLL | None:
    """Given the environment, return the compiled helper, built on first use (None: not used)."""
    global _LIBRARY, _TRIED, _TUPLES
    if not enabled():
        return None
    if not _TRIED:
        _TRIED = True
        path = library_path()
        try:
            if path.exists() or build(path):
                _LIBRARY = _bind(ctypes.CDLL(str(path)))
                _bind_tuples(path)
        except OSError:  # a file that is not a loadable library: the fallback reads
            _LIBRARY = _TUPLES = None
    return _LIBRARY


def _bind(lib: ctypes.CDLL) -> ctypes.CDLL:
    """Given the loaded helper, return it with its functions' argument types declared (and
    the pdfium functions it is given looked up once)."""
    import pypdfium2.raw as raw

    global _CHAR_CALLS, _OBJECT_CALLS, _PATH_CALLS
    _CHAR_CALLS = _addresses(
        raw.FPDFText_IsGenerated, raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharOrigin,
        raw.FPDFText_GetTextObject, raw.FPDFText_HasUnicodeMapError, raw.FPDFText_GetFontSize,
        raw.FPDFText_GetCharAngle, raw.FPDFText_GetFontInfo,
    )  # fmt: skip
    _OBJECT_CALLS = _addresses(raw.FPDFPage_GetObject, raw.FPDFPageObj_GetType)
    _PATH_CALLS = _addresses(
        raw.FPDFPath_GetDrawMode, raw.FPDFPageObj_GetMatrix, raw.FPDFPath_CountSegments,
        raw.FPDFPath_GetPathSegment, raw.FPDFPathSegment_GetType, raw.FPDFPathSegment_GetPoint,
        raw.FPDFPathSegment_GetClose,
    )  # fmt: skip
    ptr, i32 = ctypes.c_void_p, ctypes.c_int
    lib.char_geometry.restype = i32
    lib.char_geometry.argtypes = [
        ptr, i32, *[ptr] * 8, *[ptr] * 8, ctypes.c_double, ptr, i32, ctypes.c_ulong
    ]  # fmt: skip
    lib.page_objects.restype = None
    lib.page_objects.argtypes = [ptr, i32, ptr, ptr, ptr, ptr]
    lib.page_paths.restype = i32
    lib.page_paths.argtypes = [ptr, i32, *[ptr] * 7, ptr, ptr, ptr, i32, ptr, ptr, ptr, ptr]
    return lib


def _bind_tuples(path: Path) -> None:
    """Given the loaded helper's path, keep its char_tuples (when built with its Python part)
    as a function called with the interpreter's lock held."""
    global _TUPLES
    lib = ctypes.PyDLL(str(path))
    if not hasattr(lib, "char_tuples"):
        _TUPLES = None
        return
    ptr, obj = ctypes.c_void_p, ctypes.py_object
    function = lib.char_tuples
    function.restype = obj
    function.argtypes = [obj, ctypes.c_int, *[ptr] * 8, obj, ctypes.c_double, obj, obj, obj]
    _TUPLES = function


def _addresses(*functions) -> tuple[int, ...]:
    """Given ctypes functions, return their addresses in the order the C signatures take them."""
    return tuple(ctypes.cast(fn, ctypes.c_void_p).value for fn in functions)


def _values(array, fmt: str, count: int | None = None) -> list:
    """Given a ctypes array, its struct format code (and how many items are used), return
    its (first count) items as a list."""
    view = memoryview(array).cast("B").cast(fmt)
    return (view if count is None else view[:count]).tolist()


def _geometry(
    text_page: int, count: int, upright_angle: float, max_fonts: int, name_bytes: int
) -> tuple[tuple, list[str]] | None:
    """Given a pdfium text page's address and char count, the upright angle and room for
    font names, return the helper's per-char arrays (as char_geometry lists them) and the
    page's font names; None when the page has more than max_fonts fonts."""
    lib = library()
    assert lib is not None
    generated, unmapped, upright = ((ctypes.c_uint8 * count)() for _ in range(3))
    left, right = (ctypes.c_float * count)(), (ctypes.c_float * count)()
    origin_y, size = (ctypes.c_double * count)(), (ctypes.c_double * count)()
    font = (ctypes.c_int32 * count)()
    names = ctypes.create_string_buffer((max_fonts + 1) * name_bytes)
    fonts = lib.char_geometry(
        text_page, count, *_CHAR_CALLS, generated, left, right, origin_y, unmapped,
        size, upright, font, upright_angle, names, max_fonts, name_bytes,
    )  # fmt: skip
    if fonts < 0:
        return None
    raw_names = names.raw
    return (generated, left, right, origin_y, unmapped, size, upright, font), [
        raw_names[k * name_bytes : (k + 1) * name_bytes].split(b"\0", 1)[0].decode("latin-1")
        for k in range(fonts)
    ]


def char_geometry(
    text_page: int, count: int, upright_angle: float, max_fonts: int, name_bytes: int
) -> tuple[list, ...] | None:
    """Given a pdfium text page's address, its char count, the angle under which a char is
    upright and room for font names, return per char (generated, box left, box right,
    origin y, Unicode map error, font size, upright, font) with font an index into the
    page's font names (latin-1 text, "" unnamed), then those names; None when the helper
    is not used or the page has more than max_fonts fonts."""
    if library() is None:
        return None
    found = _geometry(text_page, count, upright_angle, max_fonts, name_bytes)
    if found is None:
        return None
    arrays, names = found
    # the C flags are 0 or 1: read as bools ("?"), as the Python fallback gives them
    return (*(_values(a, f) for a, f in zip(arrays, "?ffd?d?i", strict=True)), names)


def char_tuples(
    text_page: int, count: int, text: str, height: float, rules: CharRules
) -> list[tuple] | None:
    """Given a pdfium text page's address, its char count and text, the page height and
    the rules _pdfium_chars follows, return the page's chars as the tuples _pdfium_chars
    makes, made in C; None when the helper or its Python part is not used or the page
    has more fonts than the rules leave room for."""
    if library() is None or _TUPLES is None:
        return None
    found = _geometry(text_page, count, rules.upright_angle, rules.max_fonts, rules.name_bytes)
    if found is None:
        return None
    arrays, names = found
    return _TUPLES(
        text, count, *arrays, names, height, rules.generatable, rules.replacements,
        rules.unreadable,
    )  # fmt: skip


def page_objects(page: int, count: int) -> tuple[list[int], list[int]] | None:
    """Given a pdfium page's address and object count, return each object's address and
    type, or None when the helper is not used."""
    lib = library()
    if lib is None:
        return None
    objects = (ctypes.c_uint64 * count)()
    types = (ctypes.c_int32 * count)()
    lib.page_objects(page, count, *_OBJECT_CALLS, objects, types)
    return _values(objects, "Q"), _values(types, "i")


def page_paths(objects: list[int], max_segments: int) -> list | None:
    """Given a page's path objects (addresses) and room for their segments, return per path
    () when it neither fills nor strokes, False when a segment has an unknown type or no
    point, else its matrix (a, b, c, d, e, f) and segments as (type, x, y, closes); None
    when the helper is not used or the segments do not fit."""
    lib = library()
    if lib is None:
        return None
    n = len(objects)
    modes, counts = (ctypes.c_int * (2 * n))(), (ctypes.c_int32 * n)()
    matrices = (ctypes.c_float * (6 * n))()
    types, closes = (ctypes.c_int32 * max_segments)(), (ctypes.c_uint8 * max_segments)()
    xs, ys = (ctypes.c_float * max_segments)(), (ctypes.c_float * max_segments)()
    used = lib.page_paths(
        (ctypes.c_void_p * n)(*objects), n, *_PATH_CALLS, modes, matrices, counts,
        max_segments, types, xs, ys, closes,
    )  # fmt: skip
    if used < 0:
        return None
    modes_, matrices_, counts_ = _values(modes, "i"), _values(matrices, "f"), _values(counts, "i")
    segments = list(
        zip(
            _values(types, "i", used), _values(xs, "f", used), _values(ys, "f", used),
            _values(closes, "?", used), strict=True,
        )
    )  # fmt: skip
    out: list = []
    at = 0
    for p in range(n):
        if not (modes_[2 * p] or modes_[2 * p + 1]):
            out.append(())
        elif counts_[p] < 0:
            out.append(False)
        else:
            out.append((tuple(matrices_[6 * p : 6 * p + 6]), segments[at : at + counts_[p]]))
            at += counts_[p]
    return out


if __name__ == "__main__":  # `python -m etl.readers.pdfium_native`: build it now
    built = library()
    print(
        f"已编译并载入：{library_path()}" if built else "未使用本机加速（设置关闭或没有 C 编译器）"
    )
