"""Text as clerks' files hold it: the encoding found from the bytes, invisible characters,
and characters no document may hold."""
from __future__ import annotations

import codecs
import re
import unicodedata

# characters that look like nothing but break matching: zero-width space/joiners, word
# joiner, a BOM left inside the text, soft hyphen
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
CHINESE_ENCODINGS = ("utf-8-sig", "gb18030")  # UTF-8 with or without BOM; GBK ⊂ GB18030

# A byte-order mark says what the text is; it is believed before any guess. UTF-32 first:
# its little-endian mark begins with UTF-16's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
# what an office in China or Taiwan/Hong Kong saves text as, when it is not UTF
_GUESSES = ["gb18030", "big5", "utf_16_le", "utf_16_be"]

# Characters that break XML (lxml refuses C0 controls and noncharacters), print as terminal
# commands (ESC), or turn text around (bidi overrides make 'exe.txt' display as 'txt.exe').
# Tab, line feed and carriage return are ordinary text.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                     "\ufffe\uffff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
                     "|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff"
                     "\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]")


def decode(raw: bytes, encodings: tuple[str, ...] = CHINESE_ENCODINGS) -> str | None:
    found = decode_named(raw, encodings)
    return found[0] if found else None


def decode_named(raw: bytes, encodings: tuple[str, ...] = CHINESE_ENCODINGS
                 ) -> tuple[str, str] | None:
    """The bytes as text, or None; the caller says what to do about it in its own words.
    A BOM decides first (UTF-8, UTF-16 as Notepad's 'Unicode', UTF-32); then the given
    encodings are tried strictly, UTF-8 first. When more than UTF-8 is allowed and strict
    decoding would pick GB18030, charset-normalizer decides between GB18030 and Big5: many
    Big5 files are also valid GB18030 bytes and would turn into mojibake without a word."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    rest = [e for e in encodings if e.replace("-", "").replace("_", "").lower()
            not in ("utf8", "utf8sig")]
    if not rest:
        return None
    guess = _guess(raw, rest)
    if guess:
        return guess
    for encoding in rest:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def _guess(raw: bytes, allowed: list[str]) -> tuple[str, str] | None:
    """charset-normalizer's best reading among the Chinese encodings (and UTF-16 without a
    BOM), when it is one the caller allows or Big5 (Traditional text; the caller simplifies
    it if it wants)."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000], cp_isolation=_GUESSES).best()
    if best is None:
        return None
    name = best.encoding.replace("-", "_").lower()
    ok = {e.replace("-", "_").lower() for e in allowed} | {"big5", "gb18030"}
    if name not in ok and not name.startswith("utf_16"):
        return None
    try:
        return raw.decode(best.encoding), best.encoding
    except UnicodeDecodeError:
        return None


def unsafe_char(text: str) -> str | None:
    """The first character no document may hold (a control character, a noncharacter, a
    bidi override), or None."""
    m = _UNSAFE.search(text)
    return m.group(0) if m else None


def replace_unsafe(text: str, by: str = "") -> str:
    """text with every character unsafe_char() would name replaced."""
    return _UNSAFE.sub(by, text)


def describe(ch: str) -> str:
    """U+202E (RIGHT-TO-LEFT OVERRIDE): how a message names a character it refuses."""
    name = unicodedata.name(ch, "") or {"\x1b": "ESCAPE", "\x00": "NUL", "\x7f": "DELETE"}.get(
        ch, "a control character" if ord(ch) < 0xA0 else "a noncharacter")
    return f"U+{ord(ch):04X} ({name})"


def unsafe_message(ch: str) -> str:
    return (f"holds the invisible character {describe(ch)}, which breaks the .docx or turns "
            "text around; delete it (retype the text if you cannot see it)")


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters shown as \\u001b, never sent raw
    (a raw ESC can rewrite the screen). The \\uXXXX form keeps JSON output valid JSON."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}" if ord(m.group(0)) < 0x10000
                       else f"\\U{ord(m.group(0)):08x}", text)
