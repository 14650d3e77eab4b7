"""Breaking a long title into lines (GB/T 9704 7.3.1).

The standard asks for lines that keep words whole and stand as a trapezoid or diamond.
Word boundaries come from jieba's dictionary segmentation, which knows far more Chinese
words than any list we could keep; quoted spans (《》, “”) are kept whole on top of that.
"""
from __future__ import annotations

import itertools
import logging
import math
from functools import lru_cache

from pipeline.standard import TITLE_MAX_CHARS_PER_LINE

_OPENING = "《“‘（〔【"
_CLOSING = "》”’）〕】，。、；：？！"
_PAIRS = {"《": "》", "“": "”", "（": "）", "〔": "〕"}
# A line should not start with a word that belongs to what precedes it (党员|中, 工作|的).
_WEAK_WORDS = {"的", "之", "和", "与", "及", "等", "了", "中", "上", "下", "里", "间"}


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _boundaries(title: str, keep: tuple[str, ...]) -> dict[int, str]:
    """Offsets where a line may break, each with the word that would start the next line:
    between words, outside quotes, never next to punctuation that must stay with its
    neighbour."""
    cuts: dict[int, str] = {}
    offset = 0
    for word in _jieba().lcut(title, HMM=True):
        cuts[offset] = word
        offset += len(word)
    # inside a quoted span no break, unless the span alone is longer than a line
    depth_closer: list[str] = []
    inside: set[int] = set()
    start = 0
    for i, ch in enumerate(title):
        if ch in _PAIRS:
            if not depth_closer:
                start = i
            depth_closer.append(_PAIRS[ch])
        elif depth_closer and ch == depth_closer[-1]:
            depth_closer.pop()
            if not depth_closer and i + 1 - start <= TITLE_MAX_CHARS_PER_LINE:
                inside.update(range(start + 1, i + 1))
    for phrase in keep:  # organ names: never 人力资源和|社会保障局
        for start in _occurrences(title, phrase):
            inside.update(range(start + 1, start + len(phrase)))
    return {c: w for c, w in sorted(cuts.items()) if 0 < c < len(title) and c not in inside
            and title[c] not in _CLOSING and title[c - 1] not in _OPENING
            and not title[c - 1].isdigit()}  # 2026|年度, 3|号 stay together


def _occurrences(text: str, phrase: str):
    start = text.find(phrase) if phrase else -1
    while start >= 0:
        yield start
        start = text.find(phrase, start + 1)


def _cost(lengths: list[int], first_words: list[str]) -> float:
    mean = sum(lengths) / len(lengths)
    cost = sum((n - mean) ** 2 for n in lengths)
    trapezoid = all(a <= b for a, b in zip(lengths, lengths[1:])) or \
        all(a >= b for a, b in zip(lengths, lengths[1:]))
    peak = lengths.index(max(lengths))
    diamond = all(a <= b for a, b in zip(lengths[: peak + 1], lengths[1 : peak + 1])) and \
        all(a >= b for a, b in zip(lengths[peak:], lengths[peak + 1 :]))
    if not (trapezoid or diamond):
        cost += 100
    cost += 30 * sum(1 for word in first_words if word in _WEAK_WORDS)
    return cost


def split_title(title: str, keep: tuple[str, ...] = (),
                max_chars: int = TITLE_MAX_CHARS_PER_LINE) -> list[str]:
    """Lines of the title: the author's own breaks if given, else a balanced split that
    keeps each phrase in `keep` (the organ names) on one line."""
    if "\n" in title:
        return [line.strip() for line in title.splitlines() if line.strip()]
    if len(title) <= max_chars:
        return [title]
    cuts = _boundaries(title, tuple(p for p in keep if len(p) <= max_chars))
    for n_lines in range(math.ceil(len(title) / max_chars), len(title) + 1):
        best: tuple[float, list[str]] | None = None
        for combo in itertools.combinations(cuts, n_lines - 1):
            edges = (0, *combo, len(title))
            lines = [title[a:b].strip() for a, b in zip(edges, edges[1:])]
            lengths = [len(line) for line in lines]
            if max(lengths) > max_chars:
                continue
            cost = _cost(lengths, [cuts[c] for c in combo])
            if best is None or cost < best[0]:
                best = (cost, lines)
        if best:
            return best[1]
    # no word boundary fits (one enormous word): break by characters, as a last resort
    return [title[i : i + max_chars] for i in range(0, len(title), max_chars)]
