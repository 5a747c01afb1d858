"""Unit kinds by how a unit's name ends (unit_kinds.csv), the short names they give, and each
unit type's stable id (unit_types.csv)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from etl.vocab import VOCAB_DIR, read_rows

UNIT_KINDS_CSV = VOCAB_DIR / "unit_kinds.csv"
UNIT_TYPES_CSV = VOCAB_DIR / "unit_types.csv"
TYPE_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")  # English snake_case
PARTY_PREFIX = "中共"
PARTY_LONG_PREFIX = "中国共产党"


@dataclass(frozen=True)
class KindRule:
    """One row of unit_kinds.csv."""

    match: str  # suffix | prefix
    text: str
    party: bool | None  # True: only under 中共; False: only outside; None: either
    unit_type: str
    short: str  # what `text` becomes in the short name ("" keeps it)

    def applies(self, body: str, party: bool) -> bool:
        """Given a name's body (after its region) and whether it is a party body, return a match."""
        if self.party is not None and self.party != party:
            return False
        return self.match == "suffix" and body.endswith(self.text)


@cache
def kind_rules() -> tuple[KindRule, ...]:
    """Given nothing, return the rows of unit_kinds.csv in order."""
    rows = read_rows(UNIT_KINDS_CSV)
    party = {"y": True, "n": False, "": None}
    return tuple(
        KindRule(r["match"], r["text"], party[r["party"]], r["unit_type"], r["short"]) for r in rows
    )


def unit_types() -> tuple[str, ...]:
    """Given nothing, return every unit type the table knows, in table order."""
    return tuple(dict.fromkeys(r.unit_type for r in kind_rules()))


@cache
def unit_type_ids() -> dict[str, str]:
    """Given nothing, return unit type -> its stable id from unit_types.csv; a type of
    unit_kinds.csv without an id, a repeated id or one not in snake_case raises ValueError."""
    ids: dict[str, str] = {}
    for row in read_rows(UNIT_TYPES_CSV):
        type_id, name = row["id"].strip(), row["unit_type"].strip()
        if not TYPE_ID.fullmatch(type_id) or type_id in ids.values() or name in ids:
            raise ValueError(f"unit_types.csv: bad or repeated row {type_id},{name}")
        ids[name] = type_id
    missing = [t for t in unit_types() if t not in ids]
    if missing:
        raise ValueError(f"unit_types.csv has no id for {'、'.join(missing)}")
    return ids


def split_party(name: str) -> tuple[bool, str]:
    """Given a unit name, return (whether it is a party body, the name without 中共)."""
    for prefix in (PARTY_LONG_PREFIX, PARTY_PREFIX):
        if name.startswith(prefix):
            return True, name[len(prefix) :]
    return False, name


ORGAN_BODIES = {"委员会": "", "委员会办公室": "办", "办公室": "办", "委员会机关": "", "": ""}


def split_organ(name: str) -> tuple[KindRule | None, str]:
    """Given a name (no 中共), return the organisation named before its region (政协, 共青团)
    and the rest of the name, or (None, name)."""
    for rule in kind_rules():
        if rule.match == "prefix" and name.startswith(rule.text):
            return rule, name[len(rule.text) :]
    return None, name


def classify_organ(organ: KindRule, body: str) -> tuple[str, str] | None:
    """Given an organisation prefix and the body after its region, return (unit type, short
    body) when the body is one of its organs (委员会, 委员会办公室 ...), else None."""
    if body not in ORGAN_BODIES:
        return None
    return organ.unit_type, organ.short + ORGAN_BODIES[body]


def classify(body: str, party: bool) -> tuple[str, str] | None:
    """Given a name's body after its region and whether it is a party body, return
    (unit type, body as written in the short name), or None when no kind fits."""
    for rule in kind_rules():
        if rule.applies(body, party):
            if rule.short:
                return rule.unit_type, body[: -len(rule.text)] + rule.short
            return rule.unit_type, body
    return None
