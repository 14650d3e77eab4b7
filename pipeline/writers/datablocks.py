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


def cell_lines(chars: float, width: float) -> int:
    room = (width - 2 * CELL_PAD) / CH - _WRAP_SLACK_CHARS
    return max(1, math.ceil(chars / room)) if room > 0 else 99


def table_layout(table: Table, chars) -> TableLayout:
    """Column widths that fill the core: every column on one line when that fits, else
    header and text cells wrap (numbers never do); a table that cannot fit even so stops the
    build with a message rather than overflowing the page."""
    rows = all_rows(table)
    align = table.align or ["center"] * len(table.header)
    one_line = [max(chars(r[c]) for r in rows) * CH + 2 * CELL_PAD + 1
                for c in range(len(table.header))]
    least = []
    for c in range(len(table.header)):
        body = [chars(r[c]) for r in rows[1:]] or [0]
        need = max(body) if align[c] == "right" else math.ceil(max(body) / 2)
        need = max(need, math.ceil(chars(table.header[c]) / 3), 1)
        least.append((need + _WRAP_SLACK_CHARS) * CH + 2 * CELL_PAD + 1)
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
    lines = [max(cell_lines(chars(text), w) for text, w in zip(row, widths)) for row in rows]
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
