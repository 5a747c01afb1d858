"""Who a report is about: unit name, short name, unit type, region, city, fiscal year, kind.

Read only from the places where a report names itself — its title or cover
(`XX2024年度部门决算`, `XX部门整体支出绩效自评报告`), the labels of its tables and forms
(`编制单位：`, `单位名称`, `实施单位`), its own definition (`XX（简称YY）是…`) and the scope of its
決算 (`纳入XX2024年度部门决算编制范围`) — never from the name the text mentions most (a hospital's
report may cite the 县政府办 far more often than itself).  A name counts only when it ends like a
unit of some kind (etl/vocab/unit_kinds.csv); its region and city come from the national
division list (etl/vocab/regions.py).  A blank template (`XX局`, `××部门`) is refused.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from etl.model import InputError
from etl.vocab import regions
from etl.vocab.unit_kinds import classify, classify_organ, split_organ, split_party

CJK = r"\u4e00-\u9fff"
SYNTHETIC_MARK = "合成数据"  # generated reports say so in their text
FRONT_MAX_LINES = 8  # lines at the start of a report searched for its title
FRONT_STOP = re.compile(r"^(?:目\s*录|第[一二三四五六七八九十]+部分|公开时间)")
TITLE_MAX_CHARS = 60  # a title is a short line
KIND_WORDS = (
    r"(?:部门|单位)?(?:整体支出|整体)?(?P<kind>决算|绩效自评报告|绩效自评表|绩效自评|绩效评价报告)"
)
TITLE = re.compile(
    rf"^(?P<a>[^0-9，。；]{{0,40}}?)(?P<year>20\d\d)年度?(?P<b>[^0-9，。；]{{0,40}}?){KIND_WORDS}"
)
NAME_END = r"(?=[\t\n，。；;、（(：:]|本级|$)"
# label -> weight: how surely the value after it names the report's own unit
LABELS = {
    "编制单位": 3, "填报单位": 3, "单位名称": 3, "部门名称": 3, "预算部门名称": 3,
    "预算单位名称": 3, "部门（单位）名称": 3, "部门(单位)名称": 3, "实施单位": 2,
    "主管部门": 1, "部门": 2,
}  # fmt: skip
LABEL = re.compile(
    r"(?P<label>" + "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)) + r")"
    r"(?:[（(][^）)\n]{0,6}[）)])?(?P<colon>[：:])?[ \t\u3000]*(?P<value>[^\t\n，。；;：:]{2,40})"
)
ALIAS_DEF = re.compile(
    rf"(?:^|[^{CJK}])(?P<name>[{CJK}]{{4,40}}?)[（(]简称(?P<short>[{CJK}]{{2,12}})[）)]"
)
SELF_SCOPE = re.compile(rf"纳入(?P<name>[{CJK}]{{2,40}}?)20\d\d年度?(?:部门|单位)?决算编制范围")
WEIGHT_FRONT_TITLE = 10
WEIGHT_TITLE = 2  # a title line inside the report (attachments name projects of the unit)
WEIGHT_DEFINITION = 3
WEIGHT_SCOPE = 2
PLACEHOLDER = re.compile(r"[XxＸｘ×✕＊*]{2,}|某某|□{2,}")
NOT_IN_NAME = re.compile(r"[（）()《》“”\"、，。：:\d]")  # a name holds none of these
OWN_SUFFIXES = ("（本级）", "(本级)", "本级", "（盖章）", "(盖章)", "盖章")
KIND_FINAL = re.compile(r"(20\d\d)年度?(?:部门|单位)?决算")
KIND_EVAL = re.compile(r"(20\d\d)年度?(?:部门|单位)?(?:整体支出)?绩效(?:自评|评价)")
SHORT_MIN_USES = 2  # a short form the text uses at least this often is the unit's short name
LEVEL_CHARS = {"自治县": "县", "自治旗": "旗", "县级市": "市"}


@dataclass
class Identity:
    """The identity fields of a report."""

    unit_name: str
    unit_short: str | None
    region: str | None
    city: str | None
    fiscal_year: int
    doc_kind: str
    is_synthetic: bool
    unit_type: str | None = None
    province: str | None = None


@dataclass(frozen=True)
class UnitName:
    """A unit name found in a self-naming place, split into party mark, region and body."""

    name: str
    party: bool
    region_names: tuple[str, ...]
    body: str
    unit_type: str
    short_body: str

    @property
    def key(self) -> tuple[str, str]:
        """Given a name, return what variants of one unit share (deepest region, body)."""
        return (self.region_names[-1] if self.region_names else "", self.body)


def parse_unit_name(raw: str) -> UnitName | None:
    """Given a candidate name, return it split into its parts, or None when not a unit name."""
    name = _own_name(raw)
    if not name or len(name) < 3 or PLACEHOLDER.search(name):
        return None
    party, rest = split_party(name)
    organ, rest = split_organ(rest)
    names, end = regions.parse_prefix(rest)
    if not names and (unlisted := regions.unlisted_county(rest)):
        names, end = [unlisted], len(unlisted)
    body = rest[end:]
    if NOT_IN_NAME.search(body) or (
        not organ and (not body or (not party and not names and len(body) < 3))
    ):
        return None
    if body.startswith(("委", "人民政府")) and not names and not party:
        return None  # 委办公室 alone is a fragment, not a name
    party = party or body.startswith("委")  # 峨边县委办公室: a 县委 body without 中共
    kind = classify_organ(organ, body) if organ else classify(body, party)
    if kind is None:
        return None
    return UnitName(name, party, tuple(names), body, kind[0], kind[1])


def _own_name(raw: str) -> str:
    """Given a label's value, return it without 本级/盖章 marks and spaces."""
    name = re.sub(r"[\s\u3000]+", "", raw)
    changed = True
    while changed:
        changed = False
        for suffix in OWN_SUFFIXES:
            if name.endswith(suffix):
                name, changed = name[: -len(suffix)], True
    return name


def _longest_unit_prefix(text: str) -> UnitName | None:
    """Given text that opens with a unit name, return the longest unit name it opens with."""
    for end in range(min(len(text), 40), 2, -1):
        parsed = parse_unit_name(text[:end])
        if parsed is not None:
            return parsed
    return None


def front_lines(text: str) -> list[str]:
    """Given a report's text, return the short lines of its cover, before the contents or body."""
    out = []
    for line in text.split("\n"):
        line = re.sub(r"[\s\u3000]+", "", line)
        if not line:
            continue
        if FRONT_STOP.match(line) or len(line) > TITLE_MAX_CHARS or len(out) >= FRONT_MAX_LINES:
            break
        out.append(line)
    return out


def _cover_title(text: str) -> str:
    """Given a report's text, return its cover title: the cover lines from the first one that
    starts a title (a line before it may be a mark, 附件1 or a publisher), joined."""
    lines = front_lines(text)
    for i in range(len(lines)):
        joined = "".join(lines[i:])
        if TITLE.match(joined):
            return joined
    return ""


def _title_names(title: str) -> list[str]:
    """Given a title line, return the name-shaped parts before and after its year."""
    m = TITLE.match(title)
    if not m:
        return []
    return [p for p in (m.group("a"), m.group("b")) if p]


def candidates(text: str) -> Counter:
    """Given a report's whole normalised text, return unit names from self-naming places, weighted.

    Raises InputError for a blank template (its title names a placeholder).
    """
    weights: Counter = Counter()
    for part in _title_names(_cover_title(text)):
        if PLACEHOLDER.search(part):
            raise InputError(f"空白模板，不是已填写的报告：单位名称为占位符“{part}”")
        parsed = parse_unit_name(part)
        if parsed:
            weights[parsed.name] += WEIGHT_FRONT_TITLE
    for line in text.split("\n"):
        line = re.sub(r"[\s\u3000]+", "", line)
        if len(line) <= TITLE_MAX_CHARS:
            for part in _title_names(line):
                parsed = _longest_unit_prefix(part)
                if parsed:
                    weights[parsed.name] += WEIGHT_TITLE
    for m in LABEL.finditer(text):
        label = m.group("label")
        if label == "部门" and not m.group("colon"):
            continue
        parsed = _longest_unit_prefix(m.group("value"))
        if parsed:
            weights[parsed.name] += LABELS[label]
    for m in ALIAS_DEF.finditer(text):
        parsed = parse_unit_name(m.group("name")) or _unit_suffix(m.group("name"))
        if parsed:
            weights[parsed.name] += WEIGHT_DEFINITION
    for m in SELF_SCOPE.finditer(text):
        parsed = parse_unit_name(m.group("name"))
        if parsed:
            weights[parsed.name] += WEIGHT_SCOPE
    return weights


def _unit_suffix(text: str) -> UnitName | None:
    """Given words that end with a unit name (第二条峨边…办公室), return that name."""
    for start in range(0, max(0, len(text) - 3)):
        parsed = parse_unit_name(text[start:])
        if parsed and (parsed.party or parsed.region_names):
            return parsed
    return None


def read_identity(text: str) -> Identity:
    """Given a report's whole normalised text, return its identity or raise InputError."""
    kind, year = _kind_and_year(text)
    weights = candidates(text)
    if not weights:
        raise InputError(
            "不是决算或绩效自评报告：未找到报告自称的单位名称（标题、封面、编制单位或单位名称栏）"
        )
    if kind is None:
        raise InputError("不是决算或绩效自评报告：未找到“××年度部门决算”或“绩效自评”字样")
    unit = _winner(weights)
    where = regions.resolve(list(unit.region_names), text)
    return Identity(
        unit_name=unit.name,
        unit_short=_short_name(unit, where, text),
        region=where.region if where else None,
        city=where.city if where else None,
        fiscal_year=year,
        doc_kind=kind,
        is_synthetic=SYNTHETIC_MARK in text,
        unit_type=unit.unit_type,
        province=where.province if where else None,
    )


def _winner(weights: Counter) -> UnitName:
    """Given weighted names, return the unit named most surely, in its most complete variant."""
    groups: dict[tuple[str, str], list[UnitName]] = defaultdict(list)
    totals: Counter = Counter()
    for name, weight in weights.items():
        parsed = parse_unit_name(name)
        if parsed is None:
            continue
        key = _group_key(parsed, groups)
        groups[key].append(parsed)
        totals[key] += weight
    best = max(totals, key=lambda k: (totals[k], k))  # equal weights: a stable choice
    return max(groups[best], key=lambda u: (len(u.region_names), u.party, len(u.name), u.name))


def _group_key(unit: UnitName, groups: dict) -> tuple[str, str]:
    """Given a parsed name and the groups so far, return the group it belongs to."""
    for key in groups:
        region, body = key
        if body == unit.body and (not region or not unit.region_names or _same_place(region, unit)):
            return key
    return unit.key


def _same_place(region: str, unit: UnitName) -> bool:
    """Given a region name and a parsed name, return whether the name lies in that region."""
    if region in unit.region_names:
        return True
    mine = regions.resolve(list(unit.region_names))
    other = regions.resolve([region])
    return bool(mine and other and mine.code and mine.code == other.code)


def _level_char(where: regions.Region | None, unit: UnitName) -> str:
    """Given a unit's region, return the level word its short name starts with (县, 区, 市)."""
    if unit.unit_type in ("乡镇", "街道") or where is None:
        return ""
    name = where.region or where.city or where.province or ""
    for long, char in LEVEL_CHARS.items():
        if name.endswith(long):
            return char
    return name[-1:] if name else ""


def _short_name(unit: UnitName, where: regions.Region | None, text: str) -> str:
    """Given a unit and the text, return its short name: the abbreviation the report defines
    for itself (（简称区交建局）) or uses repeatedly (区委绩效办 for 区委目标绩效管理办公室) when
    it is shorter than the rule's, else the rule (level + abbreviated body)."""
    rule = _level_char(where, unit) + unit.short_body
    if len(rule) < 3:
        return rule
    for m in ALIAS_DEF.finditer(text):
        short = m.group("short")
        if (
            m.group("name").endswith(unit.name)
            and len(short) < len(rule)
            and short[0] == rule[0]
            and _abbreviates(short, rule)
        ):
            return short
    head, tail = rule[:2], rule[-1]
    pattern = re.compile(rf"{re.escape(head)}[{CJK}]{{0,{len(rule) - 2}}}?{re.escape(tail)}")
    uses = Counter(m.group(0) for m in pattern.finditer(text) if _abbreviates(m.group(0), rule))
    shorter = [(n, s) for s, n in uses.items() if n >= SHORT_MIN_USES and len(s) < len(rule)]
    if shorter:
        return max(shorter, key=lambda t: (t[0], -len(t[1])))[1]
    return rule


def _abbreviates(short: str, full: str) -> bool:
    """Given two names, return whether the first keeps the second's characters in order."""
    it = iter(full)
    return all(ch in it for ch in short)


def _kind_and_year(text: str) -> tuple[str | None, int]:
    """Given report text, return its kind (决算 or 绩效自评) and fiscal year, the cover first."""
    m = TITLE.match(_cover_title(text))
    if m:
        kind = "决算" if m.group("kind") == "决算" else "绩效自评"
        return kind, int(m.group("year"))
    finals = Counter(int(m.group(1)) for m in KIND_FINAL.finditer(text))
    if "决算情况说明" in text and finals:
        return "决算", finals.most_common(1)[0][0]
    evals = Counter(int(m.group(1)) for m in KIND_EVAL.finditer(text))
    if evals:
        return "绩效自评", evals.most_common(1)[0][0]
    if finals:
        return "决算", finals.most_common(1)[0][0]
    return None, 0
