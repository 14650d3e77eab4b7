"""Heading labels 一、 （一） 1. （1）, restarting under each parent (GB/T 9704 7.3.3)."""
from __future__ import annotations

from pipeline.forms import heading_label
from pipeline.model import Block, Heading
from pipeline.standard import HEADING_LEVELS


def number_headings(blocks: list[Block]) -> list[Block]:
    """Give each heading its label; a heading restarts the count of every level below it."""
    counters = [0] * len(HEADING_LEVELS)
    for block in blocks:
        if isinstance(block, Heading):
            counters[block.level - 1] += 1
            for deeper in range(block.level, len(counters)):
                counters[deeper] = 0
            block.label = heading_label(block.level, counters[block.level - 1])
    return blocks
