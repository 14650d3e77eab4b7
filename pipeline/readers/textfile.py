"""Text as clerks' files hold it: the encoding found from the bytes, invisible characters."""
from __future__ import annotations

# characters that look like nothing but break matching: zero-width space/joiners, word
# joiner, a BOM left inside the text, soft hyphen
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
CHINESE_ENCODINGS = ("utf-8-sig", "gb18030")  # UTF-8 with or without BOM; GBK ⊂ GB18030


def decode(raw: bytes, encodings: tuple[str, ...] = CHINESE_ENCODINGS) -> str | None:
    """The bytes as text in the first encoding that fits, or None; the caller says what to
    do about it in its own words."""
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
