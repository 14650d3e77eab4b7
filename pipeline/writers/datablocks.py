"""Layout of report tables and figures, shared by the .docx and the PDF writer.

Every row of a table and every chart is a whole number of body lines high (rows exact, cells
set on the body's pitch), so both renderers give a table or chart the same height and a
paginator can count them like text: `table_lines` and `figure_lines` say how many.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from pipeline import standard as gb
from pipeline.errors import GongwenError
from pipeline.model import Figure, Table
from pipeline.text.linebreak import break_lines

P = gb.LINE_PITCH_PT
CORE_W = gb.mm_to_pt(gb.CORE_WIDTH_MM)
CH = gb.EFFECTIVE_CHAR_PT
CELL_PAD = CH / 2  # air between a cell's text and its rules, each side
UNIT_LABEL = "单位："
# a wrapped cell must not set tighter than its estimate: both renderers wrap on their own,
# and a cell that took a line more than its row allows would be clipped
_WRAP_SLACK_CHARS = 0.3


@dataclass(frozen=True)
class TableLayout:
    widths: list[float]  # per column, adding up to the core width
    lines: list[int]  # per row: the header, the body rows, the 合计 row


def all_rows(table: Table) -> list[list[str]]:
    return [table.header, *table.rows, *([table.total] if table.total else [])]


def cell_lines(text: str, width: float, chars) -> int:
    """Lines a cell's text takes in a column `width` wide, on the generous side: both
    renderers wrap cells themselves, and a row exactly as high as this estimate clips a
    line the estimate missed. It breaks lines by the PDF writer's rules (no line opens with
    closing punctuation, 禁则) and also counts the quarter em Word and LibreOffice put between
    Chinese and digits or Latin letters."""
    room_pt = width - 2 * CELL_PAD - _WRAP_SLACK_CHARS * CH
    if room_pt <= 0:
        return 99
    size, tracking = gb.BODY_SIZE_PT, gb.tracking_pt(gb.BODY_SIZE_PT)
    broken = len(break_lines(text, room_pt, room_pt, size, tracking, chars))
    wide = [chars(ch) == 1 for ch in text]
    spaced = chars(text) + 0.25 * sum(a != b for a, b in zip(wide, wide[1:]))
    return max(1, broken, math.ceil(spaced * CH / room_pt))


def table_layout(table: Table, chars) -> TableLayout:
    """Column widths that fill the core: every column on one line when that fits, else the
    room left over goes to the columns in proportion to what they lack, and header and text
    cells wrap (numbers never do); a table that cannot fit even so stops the build with a
    message rather than overflowing the page."""
    rows = all_rows(table)
    align = table.align or ["center"] * len(table.header)
    one_line = [max(chars(r[c]) for r in rows) * CH + 2 * CELL_PAD + 1
                for c in range(len(table.header))]
    def least(header_lines: int) -> list[float]:
        out = []
        for c in range(len(table.header)):
            body = [chars(r[c]) for r in rows[1:]] or [0]
            # numbers never wrap; text may, but keeps at least four characters to a line
            need = max(body) if align[c] == "right" else min(max(body), 4)
            need = max(need, math.ceil(chars(table.header[c]) / header_lines), 1)
            out.append((need + _WRAP_SLACK_CHARS) * CH + 2 * CELL_PAD + 1)
        return out

    # headers on at most two lines when the core allows, else three
    least = next((w for w in (least(2), least(3)) if sum(w) <= CORE_W), least(3))
    if sum(least) > CORE_W:
        name = table.caption or "、".join(table.header)
        raise GongwenError(f"table '{name}' needs {gb.pt_to_mm(sum(least)):.0f} mm at the body's "
                           f"type but the core is {gb.CORE_WIDTH_MM:.0f} mm wide; leave out "
                           "columns or split it into two tables")
    extra = CORE_W - sum(one_line)
    if extra >= 0:
        widths = [w + extra * w / sum(one_line) for w in one_line]
    else:
        room = CORE_W - sum(least)
        deficit = [o - m for o, m in zip(one_line, least)]
        widths = [m + room * d / sum(deficit) for m, d in zip(least, deficit)]
    lines = [max(cell_lines(text, w, chars) for text, w in zip(row, widths)) for row in rows]
    return TableLayout(widths, lines)


def table_lines(table: Table, chars) -> int:
    """Body lines a table takes: caption, unit line and rows."""
    return bool(table.caption) + bool(table.unit) + sum(table_layout(table, chars).lines)


def figure_lines(figure: Figure) -> int:
    """Body lines a figure takes: the picture and its caption."""
    return figure.lines + bool(figure.caption)


def figure_size(figure: Figure) -> tuple[float, float]:
    """(width, height) of the picture in pt: the core's width, whole lines high."""
    return CORE_W, figure.lines * P
