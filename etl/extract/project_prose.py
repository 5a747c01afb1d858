"""Projects a report describes in running text, read with the phrasings of projects.toml.

Three kinds of statement are read, each bound to one project or not read at all:
- a sentence that opens with a project's name and states its figures
  ("1. 保运转类专项：项目全年预算数 148 万元，批复数为 148 万元，…，全年实际支出 148 万元");
- a spending list ("其中3个项目具体支出为：A160.00万元；B90.00万元。");
- a score whose subject is a project ("A预算项目绩效自评得分为 98.6 分"), or, with no
  subject, the project its sentence opens with ("…，项目自评得分100分").
A figure stated twice with different values is not stored.  Prose completes a project read
from a table (only its empty fields) and adds a project only when a sentence binds at least
two of its figures or a spending list names it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache

from etl.extract.textnorm import ENUMERATOR, NormText, to_wanyuan
from etl.extract.textnorm import NUMBER as N
from etl.model import Block, Project
from etl.textmap import CharMap
from etl.vocab.projects import FIELDS, alternation, vocab

CLAUSE_BREAKS = "，,；;"
SUBJECT_BREAKS = "，,；;。：:"
NAME_MAX = 80  # characters of a project name
HAN = re.compile(r"[\u4e00-\u9fff]")
SENTENCE = re.compile(r"[^。]+。?")
KEY_DROP = CharMap("", "", "“”\"'‘’ 　")
LINE_BREAKS = CharMap("", "", "\r\n")
AMOUNT = rf"{N}(万元|元)"
SAME_VALUE = 0.005  # two statements of a figure within this are the same value


@dataclass
class Statement:
    """One figure the text states for a named project."""

    name: str
    field: str
    value: float
    quote: str
    page: int | None
    loc: str
    strong: bool  # may create a project


@dataclass
class Group:
    """The statements about one project, in document order."""

    name: str
    first: Statement
    values: dict[str, list[float]] = field(default_factory=dict)
    strong: bool = False


@cache
def _patterns() -> dict[str, re.Pattern]:
    """Given the vocabulary, return the compiled patterns (built once)."""
    v = vocab()
    labels = alternation(tuple(w for f in FIELDS for w in v.labels[f]))
    scores = alternation(v.score_phrases)
    ends = alternation(v.ends)
    connectors = "|".join(v.connectors)
    out = {
        "name": re.compile(
            rf"(?P<name>[^，,。；;：:]{{1,{NAME_MAX}}}?{ends})(?={connectors}|{labels}|{scores})"
        ),
        "score": re.compile(
            rf"(?:^|(?<=[{SUBJECT_BREAKS}]))(?P<subject>[^{SUBJECT_BREAKS}]*?){scores}"
            + v.score_value.replace("{N}", N)
        ),
        # every score statement holds a score phrase: a sentence without one is not searched
        # for them (the lazy subject above tries the phrases at every place it reaches)
        "score_phrase": re.compile(scores),
        "item": re.compile(rf"[{CLAUSE_BREAKS}、\s]*(?P<name>[^，,。；;：:]+?){AMOUNT}"),
        "execution_rate": re.compile("|".join(p.replace("{N}", N) for p in v.execution_rate)),
        # what may open a clause before its figure: a lead word, a joiner, a connector
        "lead": re.compile(
            rf"(?:[{v.figure_joiners}]|{'|'.join(v.connectors)})?{alternation(v.clause_leads)}?"
        ),
    }
    for f in FIELDS:
        out[f] = re.compile(alternation(v.labels[f]) + v.between + AMOUNT)
    for f, openers in v.list_openers.items():
        out["list:" + f] = re.compile("|".join(openers))
    return out


def valid_name(name: str) -> bool:
    """Given the words before a project's figures, return whether they can name a project."""
    v = vocab()
    if name.startswith(v.refuse_start) or any(w in name for w in v.not_projects):
        return False
    return len(HAN.findall(name)) >= v.min_han and name.endswith(v.ends)


def clean_name(name: str) -> str:
    """Given a name as written, return it without a closing qualifier that is not part of it
    (and without the quotes it is set in)."""
    v = vocab()
    if name[:1] == "“" and name[-1:] == "”" and "“" not in name[1:]:
        return name[1:-1]
    for q in v.qualifiers:
        rest = name.removesuffix(q)
        if rest != name and rest.endswith(v.ends) and len(HAN.findall(rest)) >= v.min_han:
            return rest
    return name


def name_key(name: str) -> str:
    """Given a project name, return it without quotes, spaces and a closing 项目."""
    return KEY_DROP(name).removesuffix(vocab().ends[0])


def same_project(a: str, b: str) -> bool:
    """Given two project names, return whether they name the same project (same years)."""
    ka, kb = name_key(a), name_key(b)
    if re.findall(r"\d+", ka) != re.findall(r"\d+", kb):
        return False  # 2023年X项目 and 2024年X项目 are different projects
    return ka == kb or difflib.SequenceMatcher(None, ka, kb).ratio() >= vocab().same_ratio


def _amount(m: re.Match) -> float:
    """Given a match ending in (number)(万元|元), return the amount in 万元."""
    return to_wanyuan(m.group(m.lastindex - 1), m.group(m.lastindex))


def _clause_figures(text: str, pos: int, end: int) -> list[tuple[str, float, int]]:
    """Given a clause, return the figures it opens with: (field, value, where it ends)."""
    p, out = _patterns(), []
    while True:
        lead = p["lead"].match(text, pos, end)
        pos = lead.end() if lead else pos
        for fld in (*FIELDS, "execution_rate"):
            if m := p[fld].match(text, pos, end):
                value = _amount(m) if fld in FIELDS else float(m.group(m.lastindex))
                out.append((fld, value, m.end()))
                pos = m.end()
                break
        else:
            return out


def _subject(score: re.Match) -> str:
    """Given a score match, return its subject without a list item's numbering."""
    subject = score.group("subject")
    lead = ENUMERATOR.match(subject)
    return subject[lead.end() :] if lead else subject


class ProseProjects:
    """Collects project statements from paragraphs; merge() binds them to projects."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []
        self.notes: list[str] = []  # figures not stored because the text states them two ways

    def read(self, nt: NormText, block: Block) -> None:
        """Given a paragraph, note every project figure its sentences state."""
        for s in SENTENCE.finditer(nt.text):
            self._sentence(nt, s.start(), s.end(), block)

    def _add(self, name, fld, value, nt, span, block, strong=False) -> Statement:
        st = Statement(name, fld, value, nt.quote(*span), block.page, block.loc, strong)
        self.statements.append(st)
        return st

    def read_section(self, nt: NormText, block: Block, name: str) -> None:
        """Given a paragraph of a project's own evaluation section, note the figures its
        sentences state without naming a project (those are the section's project's)."""
        p = _patterns()
        for s in SENTENCE.finditer(nt.text):
            start, end = s.start(), s.end()
            lead = ENUMERATOR.match(nt.text[start:end])
            m = p["name"].match(nt.text, start + (lead.end() if lead else 0), end)
            if m and valid_name(m.group("name")):
                continue  # a sentence naming a project speaks for that project
            clause_start = start
            for i in range(start, end + 1):
                if i == end or nt.text[i] in CLAUSE_BREAKS:
                    for fld, value, stop in _clause_figures(nt.text, clause_start, i):
                        self._add(name, fld, value, nt, (clause_start, stop), block)
                    clause_start = i + 1
            if not p["score_phrase"].search(nt.text, start, end):
                continue
            for sc in p["score"].finditer(nt.text, start, end):
                if _subject(sc) in vocab().self_subjects:
                    self._add(name, "score", float(sc.group(2)), nt, sc.span(), block)

    def _sentence(self, nt: NormText, start: int, end: int, block: Block) -> None:
        p = _patterns()
        text = nt.text[start:end]
        lead = ENUMERATOR.match(text)
        segments = []  # (project, from, to): the clauses each named project's figures are in
        m = p["name"].match(nt.text, start + (lead.end() if lead else 0), end)
        if m and valid_name(m.group("name")):
            segments = self._figures(nt, m, end, block)
        self._lists(nt, text, start, block)
        if not p["score_phrase"].search(nt.text, start, end):
            return
        for s in p["score"].finditer(nt.text, start, end):
            subject = _subject(s)
            span = (s.start(), s.end())
            if subject in vocab().self_subjects:
                own = next((n for n, a, b in segments if a <= s.start() < b), None)
                if own is not None:
                    self._add(own, "score", float(s.group(2)), nt, span, block)
            elif valid_name(subject + vocab().ends[0]):  # "A项目自评得分": A lacks 项目
                self._add(subject, "score", float(s.group(2)), nt, span, block)

    def _figures(self, nt: NormText, m: re.Match, end: int, block: Block) -> list:
        """Given a sentence opening with a project's name, note the figures bound to it (and
        to any later clause that opens with another project's name); return the segments."""
        p = _patterns()
        segments, found, clause_start, name_at = [], [], m.end("name"), m
        for i in range(clause_start, end + 1):
            if i < end and nt.text[i] not in CLAUSE_BREAKS:
                continue
            other = p["name"].match(nt.text, clause_start, i)
            if other and clause_start > name_at.end() and valid_name(other["name"]):
                segments.append(self._bind(nt, name_at, found, clause_start, block))
                found, name_at = [], other  # another project's clause: the figures are its
            found.extend(_clause_figures(nt.text, max(clause_start, name_at.end()), i))
            clause_start = i + 1
        segments.append(self._bind(nt, name_at, found, end, block))
        return segments

    def _bind(self, nt: NormText, name_at: re.Match, found: list, stop: int, block: Block):
        """Given a project's name and the figures after it, note them; return its segment."""
        a, b = name_at.start("name"), name_at.end("name")
        name = clean_name(LINE_BREAKS(nt.quote(a, b)))
        strong = len({f for f, _, _ in found}) >= vocab().min_figures
        span = (a, max((e for _, _, e in found), default=b))
        for fld, value, _ in found:  # quoted from the name to the last figure: the binding
            self._add(name, fld, value, nt, span, block, strong)
        return name, a, stop

    def _lists(self, nt: NormText, text: str, start: int, block: Block) -> None:
        """Given a sentence, note the per-project amounts of a spending list it opens."""
        p = _patterns()
        for fld in vocab().list_openers:
            opener = p["list:" + fld].search(text)
            if opener is None:
                continue
            pos = start + opener.end()
            for item in re.split(f"[{vocab().item_separators}]", text[opener.end() :]):
                m = p["item"].match(item)
                if m and valid_name(m.group("name")):
                    a, b = pos + m.start("name"), pos + m.end("name")
                    name = clean_name(LINE_BREAKS(nt.quote(a, b)))
                    self._add(name, fld, _amount(m), nt, (a, pos + m.end()), block, True)
                pos += len(item) + 1

    def merge(self, projects: list[Project]) -> list[Project]:
        """Given the projects read elsewhere, fill their empty fields and add prose projects."""
        groups: list[Group] = []
        for st in self.statements:
            g = next((g for g in groups if same_project(g.name, st.name)), None)
            if g is None:
                g = Group(st.name, st)
                groups.append(g)
            if st.strong and not g.strong:
                g.strong, g.name, g.first = True, st.name, st
            g.values.setdefault(st.field, []).append(st.value)
        out = list(projects)
        order = {id(st): i for i, st in enumerate(self.statements)}
        for g in sorted(groups, key=lambda g: order[id(g.first)]):
            agreed = {f: vs[0] for f, vs in g.values.items() if max(vs) - min(vs) < SAME_VALUE}
            for f in set(g.values) - set(agreed):
                said = "、".join(dict.fromkeys(f"{v:g}" for v in g.values[f]))
                self.notes.append(
                    f"项目“{g.name}”的{vocab().display[f]}在正文中有不同表述（{said}），未入库"
                )
            target = next((p for p in out if same_project(p.name, g.name)), None)
            if target is None:
                if not g.strong or not set(agreed) & set(FIELDS):
                    continue
                target = Project(g.name, quote=g.first.quote, page=g.first.page, loc=g.first.loc)
                out.append(target)
            for f, value in agreed.items():
                if getattr(target, f) is None:
                    setattr(target, f, value)
        return out
