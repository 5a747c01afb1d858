"""The metric catalogue (metrics.toml) and the sentence matchers compiled from its templates.

A template is a regular expression over normalised text with slots in braces.  {label} (or
{label:key}) becomes the names of a metric; a capturing slot ({amount}, {count}, {delta},
{rate}, {score}) becomes a group that fills a metric; any other slot is a shared fragment
from [slots].  Capturing slots also accept a placeholder (XXX万元) and money an empty figure
("为万元"): the reader reports those as blanks, never as values.

Run `python -m etl.vocab.catalogue` to rewrite etl/metrics.csv from the catalogue.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache

from etl.vocab import VOCAB_DIR

CATALOGUE = VOCAB_DIR / "metrics.toml"
METRICS_CSV = VOCAB_DIR.parent / "metrics.csv"
CSV_FIELDS = ("key", "label_zh", "unit", "section", "how_it_reads")
CAPTURING = ("amount", "count", "delta", "rate", "score")
SLOT = re.compile(r"\{([a-z_]+)(?::([\w.~,]+))?\}")
QUOTES = "“”\"'‘’"
BRACKETS = {"（": "[（(]", "(": "[（(]", "）": "[）)]", ")": "[）)]"}
DEFAULT_NOT_SECTIONS = ("glossary",)


@dataclass(frozen=True)
class Slot:
    """A capturing slot of a compiled template: its kind, the metric it fills, its group."""

    kind: str
    target: str
    group: str


@dataclass(frozen=True)
class Template:
    """A compiled sentence template and where it applies."""

    metric: str
    source: str
    pattern: re.Pattern
    slots: tuple[Slot, ...]
    sections: frozenset[str] | None = None
    or_has: tuple[str, ...] = ()
    not_sections: frozenset[str] = frozenset(DEFAULT_NOT_SECTIONS)
    needs: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    joint: re.Pattern | None = None  # list templates: names, one group j<i> per joint_keys[i]
    joint_keys: tuple[str, ...] = ()

    def listed(self, said: str) -> list[str]:
        """Given the list part of a list template's match, return the metrics it names."""
        keys = []
        for m in self.joint.finditer(said):
            key = self.joint_keys[int(m.lastgroup[1:])]
            if key not in keys:
                keys.append(key)
        return keys

    def applies(self, sentence: str, section: str) -> bool:
        """Given a sentence and its section, return whether this template may read it."""
        if section in self.not_sections:
            return False
        if self.sections is not None and section not in self.sections:
            if not self.or_has:
                return False
            for w in self.or_has:  # plain loops: this runs for every template and sentence
                if w not in sentence:
                    return False
        for w in self.needs:
            if w not in sentence:
                return False
        for w in self.lacks:
            if w in sentence:
                return False
        return True


@dataclass(frozen=True)
class Example:
    """A sentence of the catalogue and the values (or, if negative, no value) it yields."""

    metric: str
    text: str
    values: dict[str, float]
    section: str = ""
    negative: bool = False


@dataclass
class Metric:
    """One metric of the catalogue."""

    key: str
    label_zh: str
    unit: str
    section: str
    how_it_reads: str = ""
    short: str = ""
    subject: str = ""
    names: tuple[str, ...] = ()
    change: str = ""
    rate: str = ""
    cell: dict | None = None
    parts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    templates: list[Template] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)


@dataclass
class Catalogue:
    """The whole catalogue: metrics by key, list templates, subjects and shared words."""

    metrics: dict[str, Metric]
    joints: list[Template]
    subjects: dict[str, dict]
    words: dict[str, str]
    examples: list[Example]
    sections: dict[str, str] = field(default_factory=dict)  # key -> words of its heading

    def templates(self) -> list[Template]:
        """Given the catalogue, return every compiled template in catalogue order."""
        out = [t for m in self.metrics.values() for t in m.templates]
        return out + self.joints


def literal(name: str) -> str:
    """Given a name as written, return a regex matching it with optional quotes and any brackets."""
    out = []
    for ch in name:
        if ch in QUOTES:
            continue
        out.append(BRACKETS.get(ch) or re.escape(ch))
    text = "".join(out)
    q = f"[{re.escape(QUOTES)}]?"
    # a quote mark may stand before and after a quoted word: “三公”经费
    for word in re.findall(r"[“\"'‘]([^”\"'’]+)[”\"'’]", name):
        text = text.replace(re.escape(word), f"{q}{re.escape(word)}{q}", 1)
    return text


def alternatives(names: list[str] | tuple[str, ...]) -> str:
    """Given names, return one non-capturing alternation, longest first."""
    return "(?:" + "|".join(literal(n) for n in sorted(names, key=len, reverse=True)) + ")"


class _Compiler:
    """Compile templates of one catalogue file: slots, names and shared words."""

    def __init__(self, raw: dict):
        self.slots = {k: v for k, v in raw.get("slots", {}).items()}
        self.words = dict(raw.get("words", {}))
        self.count_words = dict(raw.get("count_words", {}))
        self.raw_metrics = raw.get("metric", {})

    def names(self, key: str) -> list[str]:
        """Given a metric key, return the names text uses for it."""
        m = self.raw_metrics[key]
        return list(m.get("names") or [m["label_zh"]])

    def compile(self, owner: str, source: str, labels: str | None = None) -> tuple:
        """Given a template's owner metric and text, return (pattern, slots)."""
        from etl.extract.textnorm import NUMBER  # here: etl.extract imports this module

        slots: list[Slot] = []
        w = self.words
        blank = w["placeholder"]

        def expand(m: re.Match) -> str:
            name, arg = m.group(1), m.group(2)
            if name == "label":
                return alternatives(self.names(arg or owner))
            if name == "labels":
                return labels or ""
            if name not in CAPTURING:
                if arg or name not in self.slots:
                    raise ValueError(f"{owner}: unknown slot {{{m.group(0)}}} in {source!r}")
                return f"(?:{self.slots[name]})"
            meta = self.raw_metrics[owner]
            target = arg or {"delta": meta.get("change"), "rate": meta.get("rate")}.get(name, owner)
            if not target:
                raise ValueError(f"{owner}: slot {name} has no target in {source!r}")
            g = f"s{len(slots)}"
            slots.append(Slot(name, target, g))
            if name == "amount":
                return f"(?:(?P<{g}>{NUMBER})|(?P<{g}_b>{blank}|))(?P<{g}_u>万元|元)"
            if name == "count":
                words = self.count_words[self.raw_metrics[target]["unit"]]
                return f"(?:(?P<{g}>{NUMBER})|(?P<{g}_b>{blank}))(?:{words})"
            if name == "score":
                return f"(?P<{g}>{NUMBER})分"
            verb = f"(?P<{g}_v>{w['up']}|{w['down']})"
            flat = f"(?P<{g}_f>{w['flat']})"
            if name == "delta":
                return (
                    f"(?:{verb}(?:(?P<{g}>{NUMBER})|(?P<{g}_b>{blank}|))(?P<{g}_u>万元|元)|{flat})"
                )
            return f"(?:{verb}(?:(?P<{g}>{NUMBER})|(?P<{g}_b>{blank}))%|{flat})"

        pattern = SLOT.sub(expand, source)
        return re.compile(pattern), tuple(slots)

    def template(self, owner: str, spec, joint=None) -> Template:
        """Given an owner and a template spec (string or table), return a compiled Template."""
        spec = {"pattern": spec} if isinstance(spec, str) else dict(spec)
        labels, names, keys = None, None, ()
        if joint:
            pairs = sorted(((n, k) for k in joint for n in self.names(k)), key=lambda p: -len(p[0]))
            keys = tuple(k for _, k in pairs)
            names = re.compile(
                "|".join(f"(?P<j{i}>{literal(n)})" for i, (n, _) in enumerate(pairs))
            )
            one = alternatives([n for n, _ in pairs])
            labels = f"(?P<labels>{one}(?:(?:和|、|及|与|以及){one})+)"
        pattern, slots = self.compile(owner, spec["pattern"], labels)
        sections = spec.get("sections")
        return Template(
            metric=owner,
            source=spec["pattern"],
            pattern=pattern,
            slots=slots,
            sections=frozenset(sections) if sections else None,
            or_has=tuple(spec.get("or_has", ())),
            not_sections=frozenset(spec.get("not_sections", DEFAULT_NOT_SECTIONS)),
            needs=tuple(spec.get("needs", ())),
            lacks=tuple(spec.get("lacks", ())),
            joint=names,
            joint_keys=keys,
        )


def _examples(owner: str, spec: dict) -> list[Example]:
    """Given an owner metric and its catalogue entry, return its examples and negatives."""
    out = []
    for e in spec.get("examples", ()):
        values = e.get("values") or {owner: e["value"]}
        out.append(Example(owner, e["text"], {k: float(v) for k, v in values.items()},
                           e.get("section", "")))  # fmt: skip
    for e in spec.get("negatives", ()):
        e = {"text": e} if isinstance(e, str) else e
        out.append(Example(owner, e["text"], {}, e.get("section", ""), negative=True))
    return out


@cache
def labels() -> dict[str, tuple[str, str]]:
    """Given etl/vocab/metrics.toml, return metric key -> (short label, else label; unit),
    without compiling the templates (what the dashboard needs, read once)."""
    raw = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    return {
        key: (spec.get("short") or spec["label_zh"], spec["unit"])
        for key, spec in raw["metric"].items()
    }


@cache
def load() -> Catalogue:
    """Given etl/vocab/metrics.toml, return the compiled Catalogue."""
    raw = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    comp = _Compiler(raw)
    metrics: dict[str, Metric] = {}
    examples: list[Example] = []
    for key, spec in raw["metric"].items():
        m = Metric(
            key=key,
            label_zh=spec["label_zh"],
            unit=spec["unit"],
            section=spec["section"],
            how_it_reads=spec.get("how_it_reads", ""),
            short=spec.get("short", ""),
            subject=spec.get("subject", ""),
            names=tuple(spec.get("names", ())),
            change=spec.get("change", ""),
            rate=spec.get("rate", ""),
            cell=spec.get("cell"),
            parts=tuple((p["rule"], tuple(p["of"])) for p in spec.get("parts", ())),
        )
        m.templates = [comp.template(key, t) for t in spec.get("templates", ())]
        m.examples = _examples(key, spec)
        examples.extend(m.examples)
        metrics[key] = m
    joints = []
    for j in raw.get("joint", ()):
        spec = {k: v for k, v in j.items() if k not in ("metrics", "examples", "negatives")}
        owner = j["metrics"][0]
        joints.append(comp.template(owner, spec, joint=j["metrics"]))
        examples.extend(_examples(owner, j))
    subjects = dict(raw.get("subject", {}))
    return Catalogue(metrics, joints, subjects, comp.words, examples, dict(raw["sections"]))


def metric_rows() -> list[tuple[str, str, str, str]]:
    """Given the catalogue, return its (metric, label_zh, unit, section) rows."""
    return [(m.key, m.label_zh, m.unit, m.section) for m in load().metrics.values()]


def part_groups() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Given the catalogue, return its sum groups as (rule, total, parts)."""
    return tuple((rule, m.key, of) for m in load().metrics.values() for rule, of in m.parts)


def change_triples() -> tuple[tuple[str, str, str], ...]:
    """Given the catalogue, return (metric, change, rate) for metrics with stated changes."""
    return tuple((m.key, m.change, m.rate) for m in load().metrics.values() if m.change)


def parts_of(total: str, rule: str = "") -> tuple[str, ...]:
    """Given a total (and optionally a rule), return the parts of its first sum group."""
    for r, of in load().metrics[total].parts:
        if not rule or r == rule:
            return of
    return ()


def csv_text() -> str:
    """Given the catalogue, return the text of etl/metrics.csv (the generated view)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_FIELDS)
    for m in load().metrics.values():
        w.writerow((m.key, m.label_zh, m.unit, m.section, m.how_it_reads))
    return buf.getvalue()


if __name__ == "__main__":
    METRICS_CSV.write_text(csv_text(), encoding="utf-8")
    print(f"已写入 {METRICS_CSV}")
