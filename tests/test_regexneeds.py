"""required_chars names characters every match of a pattern holds, and None when it cannot
tell; a text without them is never one the pattern matches."""

from __future__ import annotations

import re

import pytest

from etl.extract.regexneeds import required_chars


@pytest.mark.parametrize(
    ("pattern", "chars"),
    [
        (r"收入(\d+)万元", "元"),  # the last part that must match
        (r"(?:(\d+)|XX)(?:万元|元)", "元"),
        (r"(?:增加\d+万元|持平)", "元平"),  # either alternative
        (r"共有(\d+)(?:辆|台)", "辆台"),
        (r"支出[为是]", "为是"),
        (r"a+b*", "a"),  # b may be absent
        (r"ab?", "a"),
        (r"x(?i:abc)", "x"),  # the case-insensitive part is unknown, x before it is not
    ],
)
def test_known_characters(pattern, chars):
    assert required_chars(re.compile(pattern)) == frozenset(chars)


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d+",  # a category
        r"[0-9]",  # a range
        r"[^元]",  # a negated class
        r".",
        r"(?:元|\d)",  # one alternative unknown
        r"元?",
        r"(?i)abc",  # case-insensitive: A matches too
        r"(?i:abc)",
        r"(?=元)",  # looks, does not take
    ],
)
def test_unknown_gives_none(pattern):
    assert required_chars(re.compile(pattern)) is None


def test_a_text_without_the_characters_never_matches():
    patterns = [r"收入(\d+)万元", r"(?:增加(\d+)万元|持平)", r"共有(\d+)(?:辆|台)"]
    texts = ["收入12万元", "本年收入12", "与上年持平", "增加5元", "共有3台车", "共有车辆"]
    for source in patterns:
        pattern, chars = re.compile(source), required_chars(re.compile(source))
        for text in texts:
            if chars.isdisjoint(text):
                assert not pattern.search(text), (source, text)
