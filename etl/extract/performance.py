"""What a report says of its projects' self-evaluation (十、预算绩效管理情况): how many projects
were self-evaluated, the money they cover and their average score.

"组织对12个项目开展绩效自评，涉及资金3456.78万元，平均得分92.5分" / "绩效自评的2024年度项目
15个，涉及预算金额1234.56万元，平均得分91分".  A count anchors the statement; the money and
the average are read only after it in the same clause group (up to ；/。) and before any
other kind of evaluation (事前绩效评估, 绩效监控 …).  The phrasings live in
etl/vocab/performance.toml.  The unit's own overall score is read by narrative.py.
"""

from __future__ import annotations

import re

from etl.extract.textnorm import DIGIT, NUMBER, NormText
from etl.model import Block, Fact
from etl.vocab.performance import compile_statement, vocab

V = vocab()
COUNT = tuple(compile_statement(p, NUMBER) for p in V.count)
ANCHOR = compile_statement(V.anchor, NUMBER)
AMOUNT = tuple(compile_statement(p, NUMBER) for p in V.amount)
AVG = tuple(compile_statement(p, NUMBER) for p in V.avg_score)
AVG_ALONE = tuple(compile_statement(p, NUMBER) for p in V.avg_score_alone)
PART_END = re.compile(r"[；;]")
CLAUSE_END = "，,：:"
SKIPPED_SECTIONS = ("glossary",)  # 名词解释 states no figure of the unit
METRIC_COUNT = ("perf.self_eval_projects", "个")
METRIC_AMOUNT = ("perf.self_eval_amount", "万元")
METRIC_AVG = ("perf.project_avg_score", "分")


def read_facts(nt: NormText, start: int, end: int, block: Block, section: str) -> list[Fact]:
    """Given a sentence span of a paragraph and its section, return the self-evaluation facts."""
    if section in SKIPPED_SECTIONS or not DIGIT.search(nt.text, start, end):
        return []  # every self-evaluation figure is a number the sentence states
    out = []
    for (metric, unit), value, a, b in read_sentence(nt.text[start:end]):
        out.append(Fact(metric, value, unit, nt.quote(start + a, start + b), block.page, block.loc))
    return out


def read_sentence(text: str) -> list[tuple[tuple[str, str], float, int, int]]:
    """Given a normalised sentence, return ((metric, unit), value, start, end) per figure it states."""
    out = []
    start = 0
    for m in [*PART_END.finditer(text), None]:
        end = m.start() if m else len(text)
        out.extend((key, v, start + a, start + b) for key, v, a, b in _read_part(text[start:end]))
        start = end + 1 if m else end
    return out


def _anchor(part: str) -> tuple[re.Match | None, float | None]:
    """Given a clause group, return the match anchoring a self-evaluation statement and its count."""
    counted = [m for p in COUNT if (m := p.search(part))]
    if counted:
        m = min(counted, key=lambda m: m.start())
        return m, float(m.group(1))
    m = ANCHOR.search(part)
    if m is None:
        return None, None
    before = part[: m.start()]
    if V.anchor_needs not in before or any(w in before for w in V.anchor_refuses):
        return None, None
    return m, None


def _read_part(part: str) -> list[tuple[tuple[str, str], float, int, int]]:
    """Given a clause group (no ；), return the self-evaluation figures it states."""
    anchor, count = _anchor(part)
    if anchor is None:
        for p in AVG_ALONE:
            if m := p.search(part):
                return [(METRIC_AVG, float(m.group(1)), m.start(), m.end())]
        return []
    out = []
    # the quote starts with the clause of the anchor: 组织对12个项目开展绩效自评
    first = max(part.rfind(c, 0, anchor.start()) for c in CLAUSE_END) + 1
    if count is not None:
        out.append((METRIC_COUNT, count, first, anchor.end()))
    tail_start = anchor.end()
    tail = part[tail_start:]
    cut = [i for w in V.refuse if (i := tail.find(w)) >= 0]
    tail = tail[: min(cut)] if cut else tail
    for key, patterns in ((METRIC_AMOUNT, AMOUNT), (METRIC_AVG, AVG)):
        found = [m for p in patterns if (m := p.search(tail))]
        if found:
            m = min(found, key=lambda m: m.start())
            out.append((key, float(m.group(1)), first, tail_start + m.end()))
    return out
