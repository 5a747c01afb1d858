"""What copies of reports carry that is not the report: traditional characters, Word field
codes and contents-page lines.  Applied to every document after its reader, before extraction.

- Traditional characters (copies on other sites): converted to simplified with OpenCC (the
  maintained C++ converter with wheels, phrase-aware; measured: 2 ms for a whole 24,000-character
  report, the detecting scan 1 ms); only when the text holds characters that exist in
  traditional writing alone.  t2s, not tw2sp: tw2sp rewrites mainland words (执行 -> 运行,
  档案 -> 文件).  s2t, s2tw and s2hk copies of every reference and dev report read the same
  facts; Taiwan-phrase copies (s2twp: 项目 -> 專案) are a translation, not read back.
  The stored quotes are then the converted words, and a warning says so.
- Word field codes left in the text (``PAGEREF _Toc123 \\h``, ``TOC \\o "1-3"``,
  ``HYPERLINK \\l "_Toc…"``): removed.
- Contents lines (``一、收入支出决算总体情况说明……14-15``, or ``第一部分 部门概况<tab>4`` under
  目录): dropped, so a contents entry is never read as a heading or a figure.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from etl.model import Block, ParsedDocument
from etl.textmap import CharMap

# Characters of report vocabulary that only traditional writing has (經費 預決算 說明 …).
TRADITIONAL_MARKS = frozenset("經費預決說財撥總計為與個於機關運營報會國產項實務門單構資額")
# How many of those must appear before a document counts as written in traditional characters.
TRADITIONAL_MIN_MARKS = 3
# Corner quotes of traditional texts become the quotes simplified reports use.
CORNER_QUOTES = CharMap({"「": "“", "」": "”", "『": "‘", "』": "’"})
# Word field codes shown as text (a converter or a PDF printed with codes showing): the field
# name, its target and its switches (\\h, \\o "1-3", \\* MERGEFORMAT), in braces or not.  A field
# name next to Chinese text has no word boundary, so only Latin letters may not touch it.
_SWITCH = r'\\[A-Za-z*#@!](?:\s+(?:"[^"]*"|[A-Za-z]+))?'
FIELD_CODE = re.compile(
    rf"\{{?\s*(?<![A-Za-z])(?:"
    rf"(?:PAGEREF|NOTEREF|REF)\s+_[A-Za-z]+\d+(?:\s*{_SWITCH})*"
    rf'|HYPERLINK(?:\s*(?:{_SWITCH}|"[^"]*"))+'
    rf"|TOC(?:\s+{_SWITCH})+"
    rf"|SEQ\s+\S+?(?:\s+{_SWITCH})+"
    rf"|(?:PAGE|NUMPAGES|SECTIONPAGES)(?:\s+{_SWITCH})+"
    rf")(?![A-Za-z])\s*\}}?"
)
# A field pointing at a heading's _Toc bookmark: only a contents entry has one.
TOC_TARGET = re.compile(r'(?:PAGEREF\s+|HYPERLINK\s+\\l\s+")_Toc\d')
# Cheap test before the field-code pattern runs on a block.
FIELD_NAMES = re.compile(r"PAGEREF|NOTEREF|REF\s+_|HYPERLINK|TOC\s|SEQ\s|PAGES?\s+\\")
# A contents entry: a heading, dot leaders (or, under 目录, a tab) and a page or page range.
LEADERS = r"(?:[.．·…。⋯_\-]{2,}|…+)"
PAGES = r"\d{1,3}(?:\s*[-–—~～]\s*\d{1,3})?"
CONTENTS_DOTTED = re.compile(rf"^\S.{{1,60}}?\s*{LEADERS}\s*{PAGES}\s*$")
CONTENTS_TABBED = re.compile(rf"^\S.{{1,60}}?[\t ]+{PAGES}\s*$")
# Under 目录, a numbered heading with its page number glued on (a PDF drops the leader):
# 八、政府性基金预算支出决算情况说明16
CONTENTS_GLUED = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])"
    rf".{{1,60}}?[\u4e00-\u9fff）)”]{PAGES}$"
)
CONTENTS_HEADING = re.compile(r"^\s*目\s*录\s*$")
CONTENTS_MAX_LINES = 60  # lines after a 目录 heading that may be tab-separated entries
CONTENTS_LINE_MAX = 60  # a longer line is body text: the contents have ended


@cache
def _converter():
    """Given nothing, return OpenCC's traditional-to-simplified converter."""
    import opencc  # imported only for documents that need it

    return opencc.OpenCC("t2s")


def is_traditional(text: str) -> bool:
    """Given text, return whether it is written in traditional characters."""
    return sum(1 for ch in text if ch in TRADITIONAL_MARKS) >= TRADITIONAL_MIN_MARKS


def to_simplified(text: str) -> str:
    """Given text in traditional characters, return it in simplified characters."""
    return CORNER_QUOTES(_converter().convert(text))


def clean_document(doc: ParsedDocument) -> ParsedDocument:
    """Given a document as read, return it without field codes or contents lines, and in
    simplified characters when it was written in traditional ones."""
    sample = "".join(b.text for b in doc.blocks[:200])
    convert = is_traditional(sample)
    blocks: list[Block] = []
    after_contents = -1  # lines since a 目录 heading, -1 when none is open
    dropped = 0
    for block in doc.blocks:
        if convert:
            block = _converted(block)
        entry = False
        if FIELD_NAMES.search(block.text):
            entry = block.kind == "p" and TOC_TARGET.search(block.text) is not None
            block = _without_field_codes(block)
        if block.kind == "p":
            text = block.text
            if CONTENTS_HEADING.match(text):
                after_contents = 0
            elif (
                entry and len(text) <= CONTENTS_LINE_MAX or _is_contents_line(text, after_contents)
            ):
                after_contents += 1 if after_contents >= 0 else 0
                dropped += 1
                continue
            elif after_contents >= 0:
                # the contents end at body text (a long line) or after CONTENTS_MAX_LINES lines
                after_contents = -1 if len(text) > CONTENTS_LINE_MAX else after_contents + 1
            if not text.strip():
                continue
        blocks.append(block)
    warnings = list(doc.warnings)
    if convert:
        warnings.append("全文为繁体字，已转换为简体字后读取（引文为转换后的文字）")
    if not convert and not dropped and blocks == doc.blocks:
        return doc
    return replace(doc, blocks=blocks, warnings=warnings)


def _is_contents_line(text: str, after_contents: int) -> bool:
    """Given a paragraph and how far it is below an open 目录 heading, return whether it is a
    contents entry."""
    if CONTENTS_DOTTED.match(text):
        return True
    if not 0 <= after_contents < CONTENTS_MAX_LINES:
        return False
    return CONTENTS_TABBED.match(text) is not None or CONTENTS_GLUED.match(text) is not None


def _converted(block: Block) -> Block:
    """Given a block in traditional characters, return it in simplified characters."""
    if block.kind == "p":
        return replace(block, text=to_simplified(block.text))
    rows = tuple(tuple(to_simplified(c) for c in row) for row in block.rows)
    return replace(block, text=to_simplified(block.text), rows=rows)


def _without_field_codes(block: Block) -> Block:
    """Given a block, return it with Word field codes removed from its text (and cells)."""

    def strip(text: str) -> str:
        return FIELD_CODE.sub(" ", text).strip(" ")

    if block.kind == "p":
        return replace(block, text=strip(block.text))
    rows = tuple(tuple(strip(c) for c in row) for row in block.rows)
    return replace(block, text="\n".join("\t".join(row) for row in rows), rows=rows)
