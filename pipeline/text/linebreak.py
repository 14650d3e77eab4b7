"""Chinese line breaking (禁则) and justification for writers that set their own lines.

WeasyPrint justifies only at spaces, which Chinese text has none of, and leaves the choice of
break points to Pango's generic rules. The PDF writer therefore breaks paragraphs here, with
the rules a Chinese typesetter applies, and justifies each full line by spreading the slack
over the gaps between characters:

- closing punctuation (，。；：？！、）」』》 …) never begins a line and opening punctuation
  (（「『《 …) never ends one: the character before is pushed down with it (推出);
- a run of Latin letters or digits (2026, GB/T, 9704-2012) is never split;
- a ——/…… pair stays together.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

# 行首禁则: may not begin a line
NO_LINE_START = set("，。、；：？！）」』》〉】〕〗”’…—·%‰℃,.;:?!)]}>ー々〃゛゜ヽヾゝゞ")
# 行尾禁则: may not end a line
NO_LINE_END = set("（「『《〈【〔〖“‘([{<")
_INSEPARABLE = set("—…")
_UNIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%/:_+\-]*[A-Za-z0-9%]|.", re.S)


@dataclass
class SetLine:
    text: str
    width: float  # natural width in pt, without the spacing after the last character
    room: float  # the width available to this line, in pt
    justified: bool  # spread to fill `room` (every line of a paragraph but the last)

    def spacing(self, tracking: float) -> float:
        """Letter spacing (pt, after each character) that sets this line: the font's tracking,
        plus the line's share of the slack when it is justified."""
        gaps = len(self.text) - 1
        if not self.justified or gaps < 1:
            return tracking
        return tracking + (self.room - self.width) / gaps


def units(text: str) -> list[str]:
    return _UNIT.findall(text)


def _may_break_between(before: str, after: str) -> bool:
    if after[0] in NO_LINE_START or before[-1] in NO_LINE_END:
        return False
    return not (before[-1] in _INSEPARABLE and after[0] == before[-1])


def break_lines(text: str, first_room: float, room: float, size: float, tracking: float,
                advance: Callable[[str], float], advances: list[float] | None = None
                ) -> list[SetLine]:
    """Break `text` into lines: the first `first_room` pt wide, the others `room`.

    advance(ch) is a character's advance in em; each character also takes `tracking` pt.
    `advances`, when given, holds each character's advance instead (a paragraph set in two
    fonts, such as a run-in heading). Every line but the last is marked for justification.
    """
    pieces = units(text)
    if not pieces:
        return [SetLine("", 0.0, first_room, False)]
    if advances is None:
        widths = [sum(advance(c) * size + tracking for c in u) for u in pieces]
    else:
        widths, at = [], 0
        for u in pieces:
            widths.append(sum(a * size + tracking for a in advances[at:at + len(u)]))
            at += len(u)
    lines: list[SetLine] = []
    start = 0
    while start < len(pieces):
        avail = first_room if not lines else room
        end, used = start, 0.0
        while end < len(pieces) and (used + widths[end] - tracking <= avail + 0.01
                                     or end == start):
            used += widths[end]
            end += 1
        if end < len(pieces):
            # step back to a legal break; a line that cannot break anywhere overflows whole
            back = end
            while back > start + 1 and not _may_break_between(pieces[back - 1], pieces[back]):
                back -= 1
            if back > start + 1 or _may_break_between(pieces[start], pieces[start + 1]):
                end = back
            used = sum(widths[start:end])
        lines.append(SetLine("".join(pieces[start:end]), used - tracking, avail,
                             end < len(pieces)))
        start = end
    return lines
