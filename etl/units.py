"""Resolve the unit a report states into one canonical unit of the warehouse.

A unit is identified by (short region, unit short name): 中共峨边彝族自治县委办公室 and
峨边县委办公室 (both 县委办 in 峨边) are one unit.  warehouse/unit_aliases.csv maps any
stated name to a canonical unit without code; it is applied before the key is computed.
The unit's type (党委部门, 医院 ...) and province are read from its canonical name here, with
the vocabulary in etl/vocab, so an alias or vocabulary edit applies without re-parsing; so are
the stable ids links use: the region's GB/T 2260 code (or a derived id, etl/vocab/regions.py)
and the unit type's declared id (etl/vocab/unit_types.csv).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from etl.vocab import read_rows, regions
from etl.vocab.unit_kinds import split_party, unit_type_ids

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class StatedUnit:
    """The unit identity one report states (after aliases, if applied)."""

    unit_name: str
    unit_short: str | None = None
    region: str | None = None
    city: str | None = None
    from_alias: bool = False  # unit_name was given by the alias file


@dataclass(frozen=True)
class Unit:
    """One canonical unit row of raw_units."""

    unit_id: str
    unit_name: str
    unit_short: str
    region: str | None
    region_short: str
    city: str | None
    display_name: str
    unit_type: str | None = None  # 党委部门, 政府部门, 事业单位, 学校, 医院, 乡镇, 街道 ...
    province: str | None = None
    region_code: str | None = None  # GB/T 2260 code of the region when it is on the list
    region_id: str | None = None  # the region's stable id (the code, or a derived id)
    unit_type_id: str | None = None  # party_committee, hospital ... (etl/vocab/unit_types.csv)


def clean(text: str | None) -> str | None:
    """Given a stated name, return it without whitespace, or None when empty."""
    if text is None:
        return None
    text = _SPACE.sub("", str(text).replace("\u3000", ""))
    return text or None


def short_region(region: str | None) -> str | None:
    """Given a county/district name (峨边彝族自治县, 乐山市金口河区), return its short form (峨边)."""
    region = clean(region)
    if not region:
        return None
    names, end = regions.parse_prefix(region)
    if names and end == len(region):
        region = names[-1]  # 乐山市金口河区 -> 金口河区
    return regions.zone_short(region) if regions.is_zone(region) else regions.short_form(region)


def guess_region(unit_name: str) -> tuple[str | None, str | None]:
    """Given a full unit name, return the (region, city) it names, where it names them."""
    where = _where(unit_name)
    if where is None:
        return None, None
    return where.region or (where.city if where.level == "city" else None), where.city


def _where(unit_name: str | None) -> regions.Region | None:
    """Given a full unit name, return the region its name opens with, from the division list."""
    _party, rest = split_party(clean(unit_name) or "")
    names, _end = regions.parse_prefix(rest)
    return regions.resolve(names)


def place_of(
    unit_name: str, region: str | None, city: str | None, region_short: str
) -> regions.Region | None:
    """Given a unit's canonical name, its region and city as kept and its short region, return
    where it sits: from its name when that names the same region, else from the stated region
    (with its city before it), else an unlisted Region carrying the stated city."""
    return _place(_where(unit_name) if region_short else None, region, city, region_short)


def _place(
    where: regions.Region | None, region: str | None, city: str | None, region_short: str
) -> regions.Region | None:
    """Given where a unit's name places it (_where), its region and city as kept and its short
    region, return where it sits, as place_of does."""
    if not region_short:
        return None
    if where is not None and short_region(where.region or where.city) == region_short:
        return where
    region, city = clean(region), clean(city)
    if region:
        text = region if not city or region.startswith(city) else city + region
        names, _end = regions.parse_prefix(text)
        stated = regions.resolve(names)
        if stated is not None and short_region(stated.region or stated.city) == region_short:
            return stated
    return regions.Region(None, city, region, None, "county")


def region_code_and_id(
    place: regions.Region | None, region_short: str
) -> tuple[str | None, str | None]:
    """Given where a unit sits and its short region, return (its GB/T 2260 code when listed,
    its region's stable id)."""
    rid = regions.region_id(place, region_short)
    return (rid if rid and rid.isdigit() else None), rid


def unit_type_of(unit_name: str) -> str | None:
    """Given a full unit name, return its type (党委部门, 医院 ...) from etl/vocab/unit_kinds.csv."""
    from etl.extract.identity import parse_unit_name  # the one parser of unit names

    parsed = parse_unit_name(unit_name)
    return parsed.unit_type if parsed else None


@dataclass(frozen=True)
class Alias:
    """One row of warehouse/unit_aliases.csv; empty fields keep what the report states."""

    alias: str
    unit_name: str | None
    unit_short: str | None
    region: str | None


def load_aliases(path: Path) -> dict[str, Alias]:
    """Given the alias CSV path, return its rows keyed by the cleaned alias (none if absent)."""
    if not path.exists():
        return {}
    rows = read_rows(path)
    aliases: dict[str, Alias] = {}
    for row in rows:
        alias = clean(row.get("alias"))
        if not alias:
            continue
        aliases[alias] = Alias(
            alias,
            clean(row.get("unit_name")),
            clean(row.get("unit_short")),
            clean(row.get("region")),
        )
    return aliases


def apply_alias(stated: StatedUnit, aliases: dict[str, Alias]) -> StatedUnit:
    """Given a stated unit and the alias table, return the unit the alias table maps it to."""
    name = clean(stated.unit_name) or ""
    stated = replace(
        stated,
        unit_name=name,
        unit_short=clean(stated.unit_short),
        region=clean(stated.region),
        city=clean(stated.city),
    )
    alias = aliases.get(name)
    if alias is None:
        return stated
    return replace(
        stated,
        unit_name=alias.unit_name or stated.unit_name,
        unit_short=alias.unit_short or stated.unit_short,
        region=alias.region or stated.region,
        from_alias=bool(alias.unit_name),
    )


def unit_key(stated: StatedUnit) -> tuple[str, str]:
    """Given a stated unit (aliases applied), return its canonical key (short region, short)."""
    region = stated.region
    if not region:
        region, _ = guess_region(stated.unit_name)
    return (short_region(region) or "", stated.unit_short or stated.unit_name)


def unit_id_of(key: tuple[str, str]) -> str:
    """Given a canonical unit key, return its stable 16-hex-digit id."""
    return hashlib.sha256("|".join(key).encode("utf-8")).hexdigest()[:16]


def _longest(values: list[str]) -> str | None:
    """Given stated values, return the longest (first in sort order on a tie), or None."""
    values = [v for v in values if v]
    return min(values, key=lambda v: (-len(v), v)) if values else None


def resolve_units(
    stated_by_report: dict[str, StatedUnit], aliases: dict[str, Alias]
) -> tuple[dict[str, str], list[Unit]]:
    """Given each report's stated unit, return report_id -> unit_id and the canonical units."""
    groups: dict[tuple[str, str], list[StatedUnit]] = {}
    unit_of: dict[str, str] = {}
    for report_id, stated in sorted(stated_by_report.items()):
        resolved = apply_alias(stated, aliases)
        key = unit_key(resolved)
        groups.setdefault(key, []).append(resolved)
        unit_of[report_id] = unit_id_of(key)
    units = []
    for key, members in sorted(groups.items()):
        by_alias = [m.unit_name for m in members if m.from_alias]
        name = _longest(by_alias) or _longest([m.unit_name for m in members]) or key[1]
        stated_regions = [m.region for m in members if m.region]
        if not stated_regions:
            stated_regions = [guess_region(m.unit_name)[0] for m in members]
        cities = [m.city for m in members if m.city]
        if not cities:
            cities = [guess_region(m.unit_name)[1] for m in members]
        region_short, short = key
        display = f"{region_short}·{short}" if region_short else short
        where = _where(name)
        region = _longest(stated_regions)
        city = _longest(cities)
        unit_type = unit_type_of(name)
        code, rid = region_code_and_id(_place(where, region, city, region_short), region_short)
        units.append(
            Unit(
                unit_id_of(key),
                name,
                short,
                region,
                region_short,
                city,
                display,
                unit_type,
                where.province if where else None,
                code,
                rid,
                unit_type_ids().get(unit_type) if unit_type else None,
            )
        )
    return unit_of, units
