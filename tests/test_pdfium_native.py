"""The compiled pdfium helper gives exactly the chars and edges the plain ctypes calls give,
is built once into its cache, and steps aside (the calls are made in Python) when it is
switched off, cannot be built or cannot be loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.readers import pdfium, pdfium_native
from etl.readers.chars import FIELDS, FONTNAME, UPRIGHT

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "fixtures" / "dev" / "pdf"
# Reference reports, other provinces' layouts and a template with fonts of every kind.
PDFS = [
    *sorted((ROOT / "samples" / "reports" / "pdf").glob("*.pdf"))[:2],
    next(DEV.glob("h01_*.pdf")),
    next(DEV.glob("h05_*.pdf")),
    *sorted((ROOT / "tests" / "fixtures" / "templates").glob("*.pdf")),
]
HAS_COMPILER = any(shutil.which(name) for name in pdfium_native.COMPILERS)


def read_pages(path: Path) -> list:
    """Given a PDF, return each page's chars, edges and images as pdfium reads them."""
    doc = pdfium.open_document(path)
    try:
        pages = [pdfium.fast_page(doc, i) for i in range(len(doc))]
    finally:
        doc.close()
    return [None if p is None else (p.chars, p.edges, p.images) for p in pages]


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    """Given a test, give the helper an empty cache folder and forget any loaded helper."""
    monkeypatch.setattr(pdfium_native, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(pdfium_native, "_LIBRARY", None)
    monkeypatch.setattr(pdfium_native, "_TRIED", False)
    monkeypatch.setattr(pdfium_native, "_TUPLES", None)
    return tmp_path / "cache"


@pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler on this machine")
@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.stem)
def test_helper_reads_what_the_calls_read(path: Path, monkeypatch) -> None:
    assert pdfium_native.library() is not None  # with a compiler, the helper is used
    native = read_pages(path)
    monkeypatch.setattr(pdfium_native, "library", lambda: None)
    plain = read_pages(path)
    assert native == plain
    chars = [c for page in native if page for c in page[0]]
    assert len(chars) > 1000
    assert all(type(c[UPRIGHT]) is bool and isinstance(c[FONTNAME], str) for c in chars)
    assert all(len(c) == len(FIELDS) for c in chars)


@pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler on this machine")
@pytest.mark.skipif(not pdfium_native.python_flags(), reason="no Python headers here")
def test_chars_are_made_by_the_helper_when_it_has_its_python_part(monkeypatch) -> None:
    # with Python's headers the helper makes the char tuples itself, the same as the loop
    path = PDFS[0]
    made = []
    real = pdfium_native.char_tuples
    monkeypatch.setattr(
        pdfium_native, "char_tuples", lambda *args: made.append(real(*args)) or made[-1]
    )
    native = read_pages(path)
    assert made and all(isinstance(chars, list) for chars in made)
    monkeypatch.setattr(pdfium_native, "_TUPLES", None)  # the C arrays, the Python loop
    assert read_pages(path) == native


@pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler on this machine")
def test_without_python_headers_the_helper_is_built_without_its_python_part(
    isolated_cache, monkeypatch
) -> None:
    native = read_pages(PDFS[0])
    monkeypatch.setattr(pdfium_native, "_LIBRARY", None)
    monkeypatch.setattr(pdfium_native, "_TRIED", False)
    monkeypatch.setattr(pdfium_native, "CACHE_DIR", isolated_cache / "plain")
    monkeypatch.setattr(pdfium_native, "python_flags", lambda: ())
    assert pdfium_native.library() is not None and pdfium_native._TUPLES is None
    assert read_pages(PDFS[0]) == native


@pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler on this machine")
def test_a_page_with_more_segments_than_room_is_read_by_the_calls(monkeypatch) -> None:
    # a page of ruled tables: with room for one segment its paths go to the Python calls
    path = PDFS[0]
    native = read_pages(path)
    asked = []
    real = pdfium._path_segments
    monkeypatch.setattr(pdfium, "_path_segments", lambda obj: asked.append(1) or real(obj))
    assert read_pages(path) == native and not asked  # every page fits the usual room
    monkeypatch.setattr(pdfium, "MAX_PAGE_SEGMENTS", 1)
    assert read_pages(path) == native and asked
    assert sum(len(page[1]) for page in native if page) > 100  # the file has ruled tables


@pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler on this machine")
def test_helper_is_built_once_into_its_cache(isolated_cache, monkeypatch) -> None:
    assert pdfium_native.library() is not None
    built = list(isolated_cache.glob("pdfium_native-*.so"))
    assert built == [pdfium_native.library_path()]
    # A second process finds it there and does not compile again.
    monkeypatch.setattr(pdfium_native, "_LIBRARY", None)
    monkeypatch.setattr(pdfium_native, "_TRIED", False)
    monkeypatch.setattr(pdfium_native, "build", lambda target: pytest.fail("compiled again"))
    assert pdfium_native.library() is not None


def test_switched_off_by_the_setting(isolated_cache, monkeypatch) -> None:
    monkeypatch.setenv("JUESUAN_PDF_NATIVE", "0")
    assert pdfium_native.library() is None
    assert pdfium_native.char_geometry(0, 0, 1e-3, 1, 8) is None
    assert pdfium_native.char_tuples(0, 0, "", 0.0, pdfium.CHAR_RULES) is None
    assert not isolated_cache.exists()  # nothing compiled


def test_no_compiler_falls_back(isolated_cache, monkeypatch) -> None:
    monkeypatch.setattr(pdfium_native, "COMPILERS", ("no-such-compiler-here",))
    assert pdfium_native.library() is None
    assert read_pages(PDFS[0])[0][0]  # the calls are made in Python instead


def test_unloadable_file_falls_back(isolated_cache) -> None:
    path = pdfium_native.library_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a shared library")
    assert pdfium_native.library() is None
    assert read_pages(PDFS[0])[0][0]
