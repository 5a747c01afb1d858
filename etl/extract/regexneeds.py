"""The characters a regular expression cannot match without: a cheap test before a search.

``required_chars(pattern)`` walks the pattern's parse tree (Python's own ``re`` parser) and
returns a set of characters of which every match holds at least one, or None when it cannot
tell.  For a sequence it takes the last part that must match and whose characters are all
known (a template's value slot: 元, %, 辆 ...); for alternatives, the union of theirs.  A
text holding none of them cannot match, so the search is skipped.  Anything the walk does not
know (classes with ranges, any char, optional parts, case-insensitive matching, a parser
from another Python version) gives None: the pattern is then always searched.
"""

from __future__ import annotations

import re

try:  # the parser behind re.compile (Python 3.11+); without it nothing is ruled out
    from re import _constants as _op
    from re import _parser as _parse
except ImportError:  # pragma: no cover - another Python
    _op = _parse = None


def required_chars(pattern: re.Pattern) -> frozenset[str] | None:
    """Given a compiled pattern, return characters one of which every match holds (None: unknown)."""
    if _parse is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        return _sequence(_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # a parser this walk does not know: nothing ruled out
        return None


def any_required_chars(patterns) -> frozenset[str] | None:
    """Given compiled patterns, return characters one of which a text must hold for any of
    them to match (None: not known for every pattern, so no text is ruled out)."""
    found: set[str] = set()
    for pattern in patterns:
        chars = required_chars(pattern)
        if chars is None:
            return None
        found |= chars
    return frozenset(found)


def _sequence(items) -> frozenset[str] | None:
    """Given parsed items in order, return the characters of the last one that must match
    and whose characters are known (None: none is)."""
    for op, av in reversed(list(items)):
        found = _item(op, av)
        if found is not None:
            return found
    return None


def _item(op, av) -> frozenset[str] | None:
    """Given one parsed item, return characters one of which its every match holds, or None."""
    if op is _op.LITERAL:
        return frozenset([chr(av)])
    if op is _op.IN:
        if any(member is not _op.LITERAL for member, _ in av):
            return None  # a range, a category or a negated class
        return frozenset(chr(code) for _, code in av)
    if op is _op.SUBPATTERN:
        _group, add_flags, _del_flags, body = av
        return None if add_flags & re.IGNORECASE else _sequence(body)
    if op is _op.BRANCH:
        found: set[str] = set()
        for branch in av[1]:
            part = _sequence(branch)
            if part is None:
                return None  # this alternative may match without any known character
            found |= part
        return frozenset(found)
    if op in (_op.MAX_REPEAT, _op.MIN_REPEAT, getattr(_op, "POSSESSIVE_REPEAT", None)):
        least, _most, body = av
        return _sequence(body) if least >= 1 else None
    if op is getattr(_op, "ATOMIC_GROUP", None):
        return _sequence(av)
    return None
