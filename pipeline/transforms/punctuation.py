"""Punctuation and date forms of Chinese official text: detection and repair.

Used by the draft importer (to repair) and by `gongwen check` (to report), so both agree on
what counts as wrong: a half-width , ; : ? ! ( ) touching Chinese text should be full-width;
between digits ("3-4", "03:40", "1,000") it stays as it is.
"""
from __future__ import annotations

import re


_CJK = r"\u3400-\u9fff\U00020000-\U0003134f"
_CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕…—"
_WIDE = f"[{_CJK}{re.escape(_CJK_PUNCT)}]"
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
# a half-width mark with Chinese on at least one side (and not a digit on both sides)
_HALF = re.compile(rf"(?<={_WIDE})[,;:?!]|[,;:?!](?={_WIDE})")
_PARENS = re.compile(rf"\(([^()]*{_WIDE}[^()]*)\)")  # (…) holding Chinese


def half_width_marks(text: str) -> list[str]:
    """The half-width marks in Chinese context, in order (for reports)."""
    found = [m.group(0) for m in _HALF.finditer(text)]
    found += ["(" for _ in _PARENS.finditer(text)]
    return found


def to_full_width(text: str) -> tuple[str, int]:
    """Half-width punctuation in Chinese context → full width; returns (text, marks changed)."""
    count = 0

    def paren(m):
        nonlocal count
        count += 1
        return f"（{m.group(1)}）"

    text = _PARENS.sub(paren, text)
    text, n = _HALF.subn(lambda m: _FULL[m.group(0)], text)
    return text, count + n
