"""Heading labels 一、 （一） 1. （1）, restarting under each parent (GB/T 9704 7.3.3)."""
from __future__ import annotations

import re

from pipeline.model import Block, Heading
from pipeline.standard import HEADING_LEVELS

_CN = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 99 → 九十九 (Word's chineseCounting)."""
    if not 0 < n < 100:
        raise ValueError(f"heading number {n} is outside 1..99")
    tens, units = divmod(n, 10)
    if tens == 0:
        return _CN[units]
    return (_CN[tens] if tens > 1 else "") + "十" + (_CN[units] if units else "")


def label(level: int, n: int) -> str:
    return HEADING_LEVELS[level - 1].pattern.format(cn=chinese_number(n), n=n)


def number_headings(blocks: list[Block]) -> list[Block]:
    """Give each heading its label; a heading restarts the count of every level below it."""
    counters = [0] * len(HEADING_LEVELS)
    for block in blocks:
        if isinstance(block, Heading):
            counters[block.level - 1] += 1
            for deeper in range(block.level, len(counters)):
                counters[deeper] = 0
            block.label = label(block.level, counters[block.level - 1])
    return blocks


# A label someone typed by hand in front of a heading, in any of the usual forms; the
# pipeline numbers headings itself, so a typed label would be doubled.
TYPED_LABEL = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]"
    r"|[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*[、.．]?"
    r"|\d+\s*[、.．](?!\d)"
    r"|[（(]\s*\d+\s*[）)]\s*[、.．]?"
    r"|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)


def strip_typed_label(text: str) -> str:
    return TYPED_LABEL.sub("", text, count=1)
