"""一般公共预算财政拨款支出 by 功能分类: the 类 shares and the 类/款/项 lines."""

from __future__ import annotations

import re

from etl.extract.textnorm import NUMBER as N
from etl.extract.textnorm import NormText, to_wanyuan

# "主要用于以下方面：一般公共服务支出902.84万元，占72.22%；社会保障和就业支出…"
CLASS_LIST_START = re.compile(r"主要用于以下方面[：:]*")
CLASS_ENTRY = re.compile(rf"([\u4e00-\u9fff（）()]+?){N}(万元|元)[，,]?占{N}%")
# "1. 一般公共服务（类）党委办公厅（室）及相关机构事务（款）行政运行（项）：支出决算为592万元，完成预算100%"
ITEM = re.compile(
    rf"(?:\d+[.、．]?)?(?P<cls>[^（）]+?)[（(]类[）)](?P<kuan>.+?)[（(]款[）)](?P<xiang>.+?)(?:[（(]项[）)])?"
    rf"[：:]+支出决算(?:数)?为{N}(万元|元)(?:[，,]完成预算{N}%)?"
)

# "2.一般公共服务（类）…。3.社会保障和就业（类）…": where each numbered item starts, even
# when its amount is worded so that ITEM cannot read it, or two items share a line
ITEM_HEAD = re.compile(r"(?:^|(?<=[。；;]))\s*(\d+)\s*[.、．]\s*[^（）()。；;]{1,30}[（(]类[）)]")


def item_numbers(nt: NormText) -> list[tuple[int, str]]:
    """Given a paragraph, return the number and opening words of each 功能分类 item it starts."""
    out = []
    for m in ITEM_HEAD.finditer(nt.text):
        end = nt.text.find("。", m.end())  # the item's sentence, for the evidence
        out.append((int(m.group(1)), nt.quote(m.start(), len(nt.text) if end < 0 else end)))
    return out


def read_classes(nt: NormText) -> list[tuple[str, float, float, str]]:
    """Given a paragraph, return its 类 entries as (name, amount, pct, quote)."""
    m = CLASS_LIST_START.search(nt.text)
    if not m:
        return []
    out = []
    for e in CLASS_ENTRY.finditer(nt.text, m.end()):
        name = re.sub(r"^[：:；;，,。]+", "", e.group(1))
        name = re.sub(r"[（(]类[）)]$", "", name)  # the national template writes 教育支出（类）
        out.append(
            (
                name,
                to_wanyuan(e.group(2), e.group(3)),
                float(e.group(4)),
                nt.quote(e.start(), e.end()),
            )
        )
    return out


def read_items(nt: NormText) -> list[tuple[str, str, str, float, float | None, str]]:
    """Given a paragraph, return each 类/款/项 line it holds as (类, 款, 项, amount, 完成预算%,
    quote): one at its start, and one after each numbered item head (a PDF may join two)."""
    starts = sorted({0} | {m.start(1) for m in ITEM_HEAD.finditer(nt.text)})
    out = []
    for start in starts:
        m = ITEM.match(nt.text, start)
        if not m:
            continue
        pct = float(m.group(6)) if m.group(6) is not None else None
        out.append(
            (
                m.group("cls"),
                m.group("kuan"),
                m.group("xiang"),
                to_wanyuan(m.group(4), m.group(5)),
                pct,
                nt.quote(m.start(), m.end()),
            )
        )
    return out
