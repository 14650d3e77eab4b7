"""Punctuation and date forms of Chinese official text: detection and repair.

Used by the draft importer (to repair) and by `gongwen check` (to report), so both agree on
what counts as wrong: a half-width , ; : ? ! ( ) touching Chinese text should be full-width;
between digits ("3-4", "03:40", "1,000") it stays as it is.
"""
from __future__ import annotations

import re

from pipeline.transforms.dates import CN_DIGITS, cn_number

_CJK = r"\u3400-\u9fff\U00020000-\U0003134f"
_CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕…—"
_WIDE = f"[{_CJK}{re.escape(_CJK_PUNCT)}]"
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
# a half-width mark with Chinese on at least one side (and not a digit on both sides)
_HALF = re.compile(rf"(?<={_WIDE})[,;:?!]|[,;:?!](?={_WIDE})")
_PARENS = re.compile(rf"\(([^()]*{_WIDE}[^()]*)\)")  # (…) holding Chinese

_OLD_DATE = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月"
                       r"(?:([一二三四五六七八九十]{1,3})日)?")


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


def modernise_dates(text: str) -> tuple[str, int]:
    """二〇一二年三月二十日 → 2012年3月20日 (Arabic numerals since GB/T 9704-2012)."""
    def repl(m):
        year = "".join(str(CN_DIGITS[c]) for c in m.group(1))
        out = f"{year}年{cn_number(m.group(2))}月"
        return out + (f"{cn_number(m.group(3))}日" if m.group(3) else "")
    return _OLD_DATE.subn(repl, text)


def has_old_date(text: str) -> bool:
    return bool(_OLD_DATE.search(text))
