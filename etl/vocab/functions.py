"""Official 支出功能分类 类 names (政府收支分类科目, year in function_codes.csv) and a normaliser.

A report may misspell a class (一般公共预算服务支出) or shorten it (教育); the dashboard shows each
class under its official name, found by the stated 类 code or else by the closest official name.
"""

import difflib
from functools import cache

from etl.vocab import VOCAB_DIR, read_rows

FUNCTION_CODES_CSV = VOCAB_DIR / "function_codes.csv"
CLASS_CODE_LEN = 3
# lowest difflib similarity at which a stated class is taken for an official one; below it the
# stated name is kept as written (a wrong class is worse than an unnamed one)
CLASS_MATCH_CUTOFF = 0.8
CLASS_SUFFIX = "支出"


@cache
def function_names() -> dict[str, str]:
    """Given nothing, return every 功能分类 code (类, 款, 项) -> name from function_codes.csv."""
    return {r["code"]: r["name"] for r in read_rows(FUNCTION_CODES_CSV)}


@cache
def official_classes() -> dict[str, str]:
    """Given nothing, return official 类 code -> name from function_codes.csv."""
    return {c: n for c, n in function_names().items() if len(c) == CLASS_CODE_LEN}


@cache
def list_year() -> int | None:
    """Given nothing, return the year of the official list stated in function_codes.csv."""
    for line in FUNCTION_CODES_CSV.read_text(encoding="utf-8").splitlines():
        if line.startswith("# list_year:"):
            return int(line.split(":", 1)[1])
    return None


@cache
def official_class(stated: str, code: str | None = None) -> str:
    """Given a class name as a report states it (and its 类 code if any), return the official name.

    The code decides when it is an official 类 code; otherwise an exact, suffixed (教育 -> 教育支出)
    or closest official name at or above CLASS_MATCH_CUTOFF; otherwise the stated name unchanged.
    """
    classes = official_classes()
    if code and code[:CLASS_CODE_LEN] in classes:
        return classes[code[:CLASS_CODE_LEN]]
    name = "".join(stated.split())
    names = list(classes.values())
    if name in names:
        return name
    if name + CLASS_SUFFIX in names:
        return name + CLASS_SUFFIX
    close = difflib.get_close_matches(name, names, n=1, cutoff=CLASS_MATCH_CUTOFF)
    return close[0] if close else stated
