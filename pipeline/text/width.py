"""How wide a text sets, in body characters: what indents and tab stops are computed from."""
from __future__ import annotations

import unicodedata


def text_chars(text: str) -> float:
    """Full-width and wide characters count 1, half-width (Latin, digits) 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.5
               for ch in text)
