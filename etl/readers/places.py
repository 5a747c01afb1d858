"""Places a person finds a paragraph by in a document without pages (DOCX, text): the section
heading it stands under, recognised as the extractor recognises headings, set on each block so
that ``Block.loc`` reads “二、收入支出决算总体情况 · “2024年度收、支总计…”” instead of an ordinal
Word does not show."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import cache

from etl.extract.basetable import base_level
from etl.extract.coverage import template_parts
from etl.extract.narrative import GLOSSARY_ENTRY, HEADING_MAX_CHARS, PART_HEADING, is_heading
from etl.extract.textnorm import DROPPED, ENUMERATOR, FULLWIDTH
from etl.model import ParsedDocument
from etl.textmap import CharMap

# Formats whose blocks have no page: their places name the heading and the opening words.
PLACED_FORMATS = frozenset({"docx", "txt"})
# A heading names something: it holds a Chinese character and does not open with a decimal
# number (“18.06%”, a chart's data label, reads as “18.” to the numbering pattern).
NAMES_SOMETHING = re.compile(r"[\u4e00-\u9fff]")
DECIMAL = re.compile(r"^\d+\.\d")
# A numbered line ending in 。 is a heading only when short (“（一）机构组成。”); longer ones are
# items of a list (“3.对县委重大决策及领导批示、交办事项进行督查督办。”).
SENTENCE_HEADING_MAX_CHARS = 20
# Longer paragraphs are not looked at: spaces and numbering do not make a heading this long.
RAW_HEADING_MAX_CHARS = 4 * HEADING_MAX_CHARS
# The matching form of a short line (as etl/extract/textnorm.normalise gives it, without
# its map back to the original): whitespace dropped, full-width digits made ASCII.
MATCHING_FORM = CharMap({**{ch: None for ch in DROPPED}, **{
    chr(k): chr(v) for k, v in FULLWIDTH.items()}})  # fmt: skip
# Between a repeated heading and the heading it stands under (“1.某项目 › （1）项目概况”).
HEADING_PATH_SEPARATOR = " › "
PART_LEVEL = -1  # 第一部分 stands above 一、
# Sentence punctuation: a line holding it is not an unnumbered heading.
SENTENCE_MARKS = re.compile(r"[，,。；;：:]")


@cache
def _template_labels() -> tuple[str, ...]:
    """Given nothing, return the section labels of the templates (etl/vocab/template.csv)."""
    return tuple(p.label for p in template_parts() if p.part == "section")


def _is_heading(text: str) -> bool:
    """Given a paragraph's text, return whether it is a section heading: a numbered short line
    (as the extractor reads headings) or a template section's label standing alone."""
    norm = MATCHING_FORM(text)
    if len(norm) <= HEADING_MAX_CHARS and not SENTENCE_MARKS.search(norm):
        bare = ENUMERATOR.sub("", norm)
        if any(label in bare for label in _template_labels()):
            return True
    if not is_heading(norm) or not NAMES_SOMETHING.search(norm) or DECIMAL.match(norm):
        return False
    if GLOSSARY_ENTRY.search(norm):
        return False  # “1.财政拨款收入：指…” is an entry of the glossary
    stops = norm.count("。")
    return (
        not stops or stops == 1 and norm.endswith("。") and len(norm) <= SENTENCE_HEADING_MAX_CHARS
    )


def _level(heading: str) -> int:
    """Given a heading, return its numbering level (第一部分 -1, 一、 0, （一） 1, 1. 2, （1） 3;
    a template label without a number counts as 0)."""
    norm = MATCHING_FORM(heading)
    if PART_HEADING.match(norm):
        return PART_LEVEL
    level = base_level(norm)
    return 0 if level is None else level


def place_blocks(doc: ParsedDocument) -> ParsedDocument:
    """Given a DOCX or text document, return it with every block's section heading set (other
    formats unchanged); a heading the document repeats (（1）项目概况 under each project) is
    named with the heading above it when that tells the repeats apart."""
    if doc.fmt not in PLACED_FORMATS or any(b.page is not None for b in doc.blocks):
        return doc  # a document with pages is placed by its pages
    headings = [
        " ".join(b.text.split())
        if b.kind == "p" and len(b.text) <= RAW_HEADING_MAX_CHARS and _is_heading(b.text)
        else None
        for b in doc.blocks
    ]
    parents = _parents(headings)
    repeated = {h for h, n in Counter(h for h in headings if h).items() if n > 1}
    telling = {pair for pair, n in Counter(parents.values()).items() if n == 1}
    heading = ""
    blocks = []
    for n, (block, own) in enumerate(zip(doc.blocks, headings, strict=True)):
        if own is not None:
            parent = parents[n][0]
            heading = own
            if own in repeated and parent and parents[n] in telling:
                heading = parent + HEADING_PATH_SEPARATOR + own
        blocks.append(replace(block, heading=heading))
    return replace(doc, blocks=blocks)


def _parents(headings: list[str | None]) -> dict[int, tuple[str, str]]:
    """Given each block's heading text (None: not a heading), return for each heading's
    position (the heading above it by numbering level, "" when none; itself)."""
    out = {}
    open_headings: list[tuple[int, str]] = []  # the headings above, outermost first
    for n, own in enumerate(headings):
        if own is None:
            continue
        level = _level(own)
        while open_headings and open_headings[-1][0] >= level:
            open_headings.pop()
        out[n] = (open_headings[-1][1] if open_headings else "", own)
        open_headings.append((level, own))
    return out
