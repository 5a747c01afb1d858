"""Metrics stated in the narrative, read with the sentence templates of the metric catalogue.

Each template (etl/vocab/metrics.toml) matches the normalised text of one sentence (no
whitespace, ASCII digits) and names the metric keys its slots fill.  Money is always read with
its unit (万元 or 元); a sentence that gives a number without a unit is not read.  Signed
changes take their sign from the verb (减少/下降 negative, 增加/增长 positive; 持平 is 0).
A figure left blank or as a placeholder is returned as a blank hit, never as a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.extract import regexneeds
from etl.extract.textnorm import NUMBER as N
from etl.extract.textnorm import NormText, to_wanyuan
from etl.vocab import catalogue

GLOSSARY_ENTRY = re.compile(r"[：:]+(?:指|反映|是指|用于)")
PART_HEADING = re.compile(r"^第[一二三四五六七八九十\d]+部分")  # opens a part: resets the section
HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十\d]+部分|[一二三四五六七八九十]+[、.．]|\d+[、.．]|[（(][一二三四五六七八九十\d]+[）)])"
)
HEADING_MAX_CHARS = 40  # a heading is a short line; longer lines are sentences


@dataclass
class Hit:
    """One value read from a sentence (key, value, unit, span); blank: left unfilled, no value."""

    metric: str
    value: float
    unit: str
    start: int
    end: int
    blank: bool = False


CATALOGUE = catalogue.load()
# Section headings, most specific first: (key, words the heading contains).
SECTIONS = tuple(CATALOGUE.sections.items())
TEMPLATES = CATALOGUE.templates()
_BY_SECTION: dict[str, list] = {}  # section -> the templates whose section rules may admit it
_ANY_OF: dict[str, re.Pattern | None] = {}  # section -> one pattern matching where any of them does
_CHARS_OF: dict[str, frozenset[str] | None] = {}  # section -> chars a sentence needs for any
GROUP_NAME = re.compile(r"\(\?P<\w+>")


def templates_for(section: str) -> list:
    """Given a section, return the templates (in catalogue order) that may read a sentence of
    it: those it is not excluded from, and those bound to other sections but for a sentence
    with their or_has words (Template.applies still decides per sentence)."""
    found = _BY_SECTION.get(section)
    if found is None:
        found = _BY_SECTION[section] = [
            t
            for t in TEMPLATES
            if section not in t.not_sections
            and (t.sections is None or section in t.sections or t.or_has)
        ]
    return found


def template_chars(section: str) -> frozenset[str] | None:
    """Given a section, return characters one of which a sentence must hold for any of its
    templates to match (None: not known for every template, so no sentence is ruled out)."""
    if section not in _CHARS_OF:
        _CHARS_OF[section] = regexneeds.any_required_chars(
            t.pattern for t in templates_for(section)
        )
    return _CHARS_OF[section]


def any_template(section: str) -> re.Pattern | None:
    """Given a section, return one pattern that finds a match in a sentence exactly when one
    of its templates would (their alternation, groups unnamed), or None for no templates.

    Most sentences state nothing a template reads; one search in C rules them out instead
    of a search per template.
    """
    if section not in _ANY_OF:
        sources = [GROUP_NAME.sub("(?:", t.pattern.pattern) for t in templates_for(section)]
        _ANY_OF[section] = re.compile("|".join(f"(?:{s})" for s in sources)) if sources else None
    return _ANY_OF[section]


DOWN = frozenset(CATALOGUE.words["down"].split("|"))
UNITS = {k: m.unit for k, m in CATALOGUE.metrics.items()}
VEHICLE_TYPES, VEHICLE_USES = (
    tuple((CATALOGUE.metrics[k].label_zh, k) for k in of)
    for rule, total, of in catalogue.part_groups()
    if total == "vehicles.total"
)


def signed(verb: str, number: str | float) -> float:
    """Given a verb of change and a number, return the number with the verb's sign."""
    value = float(number)
    return -value if verb in DOWN else value


def _slot_value(m: re.Match, kind: str, g: str) -> tuple[float | None, bool]:
    """Given a template match and a capturing slot, return (value, is_blank); (None, False)
    when the slot took no part in the match."""
    groups = m.groupdict()
    if groups.get(f"{g}_f") is not None:
        return 0.0, False
    number = groups.get(g)
    if number is None:
        return None, groups.get(f"{g}_b") is not None
    if kind in ("amount", "delta"):
        value = to_wanyuan(number, groups[f"{g}_u"])
    else:
        value = float(number)
    if kind in ("delta", "rate"):
        value = signed(groups[f"{g}_v"], value)
    return value, False


def _read_match(t: catalogue.Template, m: re.Match, offset: int) -> list[Hit]:
    """Given a compiled template and its match in a sentence, return the values it states."""
    hits = []
    a, b = offset + m.start(), offset + m.end()
    for slot in t.slots:
        value, blank = _slot_value(m, slot.kind, slot.group)
        if value is None and not blank:
            continue
        targets = [slot.target]
        if t.joint is not None:
            targets = t.listed(m.group("labels"))
        for target in targets:
            unit = "%" if slot.kind == "rate" else UNITS[target]
            hits.append(Hit(target, 0.0 if blank else value, unit, a, b, blank))
    return hits


OVERALL_SCORE = re.compile(rf"绩效(?:自评|评价)+(?:总)?得分(?:[：:]|为)?{N}分")
FLEET = re.compile(rf"共有公务用车{N}辆")
FLEET_ASSETS = re.compile(rf"共有车辆{N}辆")
# A sentence of its own listing the fleet by use, after "…共有车辆12辆。": 按用途分：… / 其中，…
USE_LIST = re.compile(r"^(?:其中[，,：:]?|按(?:车辆)?用途(?:划)?分(?:类)?[：:，,]?)+")


def blank_note(nt: NormText, hit: Hit, block) -> str:
    """Given a blank hit and its block, return the note naming the unfilled figure."""
    place = block.loc
    label = CATALOGUE.metrics[hit.metric].label_zh
    return f"未填写：‘{nt.quote(hit.start, hit.end)}’（{place}，{label}）"


def section_of(heading: str, current: str = "") -> str | None:
    """Given a normalised heading and the current section, return the section it opens, or None."""
    if current == "glossary" and GLOSSARY_ENTRY.search(heading):
        return None  # "5.事业收入：指…" is an entry of the glossary, not a heading
    for key, words in SECTIONS:
        if words in heading:
            return key
    if PART_HEADING.match(heading) or current == "glossary":
        return ""
    return None


def is_heading(norm: str) -> bool:
    """Given a normalised paragraph, return whether it reads as a section heading."""
    return len(norm) <= HEADING_MAX_CHARS and bool(HEADING.match(norm)) and "万元" not in norm


SENTENCE_END = re.compile(r"[。！？]")


def sentences(norm: str) -> list[tuple[int, int]]:
    """Given normalised text, return the spans of its sentences."""
    spans, start = [], 0
    for m in SENTENCE_END.finditer(norm):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(norm):
        spans.append((start, len(norm)))
    return spans


def read_sentence(nt: NormText, start: int, end: int, section: str) -> list[Hit]:
    """Given a sentence span of normalised text and its section, return every value it states."""
    text = nt.text[start:end]
    hits: list[Hit] = []
    screen = any_template(section)
    needs = template_chars(section)
    if screen is not None and (needs is None or not needs.isdisjoint(text)) and screen.search(text):
        for t in templates_for(section):
            if t.applies(text, section):
                for m in t.pattern.finditer(text):
                    hits.extend(_read_match(t, m, start))
    hits.extend(_overall_score(text, start))
    hits.extend(_fleet(text, start))
    if section == "assets" and (m := USE_LIST.match(text)):
        hits.extend(_vehicle_uses(text, start, m.end()))
    return hits


def _overall_score(text: str, offset: int) -> list[Hit]:
    """Given a sentence, return the unit-wide self-evaluation score it states, if any."""
    hits = []
    if not OVERALL_SCORE.search(text):
        return hits  # the pattern has no anchors: no part can match where the whole does not
    for part_start, part in _parts(text, "；;"):
        m = OVERALL_SCORE.search(part)
        if not m:
            continue
        before = part[: m.start()]
        if "整体" not in before or "项目绩效" in before.split("整体")[-1]:
            continue
        a = offset + part_start + m.start()
        hits.append(
            Hit("perf.overall_score", float(m.group(1)), "分", a, offset + part_start + m.end())
        )
    return hits


def _fleet(text: str, offset: int) -> list[Hit]:
    """Given a sentence, return the vehicle fleet, by type and by use, that it states."""
    hits = []
    m = FLEET.search(text)
    if m:
        hits.append(
            Hit("vehicles.total", float(m.group(1)), "辆", offset + m.start(), offset + m.end())
        )
        tail = text[m.end() :]
        for label, key in VEHICLE_TYPES:
            t = re.search(rf"{label}{N}辆", tail)
            if t:
                hits.append(
                    Hit(
                        key, float(t.group(1)), "辆", offset + m.start(), offset + m.end() + t.end()
                    )
                )
    m = FLEET_ASSETS.search(text)
    if m:
        hits.append(
            Hit(
                "vehicles.total~assets",
                float(m.group(1)),
                "辆",
                offset + m.start(),
                offset + m.end(),
            )
        )
        hits.extend(_vehicle_uses(text, offset, m.end()))
    return hits


def _vehicle_uses(text: str, offset: int, tail_start: int) -> list[Hit]:
    """Given a sentence and where its list of vehicles by use starts, return the counts by use."""
    hits = []
    tail = text[tail_start:]
    for label, key in VEHICLE_USES:
        t = re.search(rf"{label}{N}辆", tail)
        if t:
            a = offset + tail_start + t.start()
            hits.append(Hit(key, float(t.group(1)), "辆", a, offset + tail_start + t.end()))
    return hits


def _parts(text: str, seps: str) -> list[tuple[int, str]]:
    """Given text and separator characters, return (offset, part) pieces."""
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in seps:
            out.append((start, text[start:i]))
            start = i + 1
    out.append((start, text[start:]))
    return out
