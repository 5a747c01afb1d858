"""The words that narrow what a statement covers (etl/vocab/scopes.toml)."""

from __future__ import annotations

import tomllib
from functools import cache

from etl.vocab import VOCAB_DIR


@cache
def load() -> dict[str, tuple[str, ...]]:
    """Given scopes.toml, return scope name -> the words that name it, in file order."""
    data = tomllib.loads((VOCAB_DIR / "scopes.toml").read_text(encoding="utf-8"))
    return {name: tuple(words) for name, words in data.items()}


def scope_of(sentence: str) -> str:
    """Given the sentence a statement stands in, return its scope name, or "" (the whole unit)."""
    return next((name for name, words in load().items() if any(w in sentence for w in words)), "")
