"""Where each page ends: one decision, made on the PDF writer's set lines, used by both writers.

The HTML writer sets every line itself (fixed 22-line pitch, Chinese line breaking, the fonts'
advance widths), so the height of everything that flows is known before any renderer runs.
This module fills pages with those lines the way a renderer does (orphans and widows off, a
heading kept with what follows) and then settles the last pages by GB/T 9704:

1. the signature block (附件说明, 署名, 成文日期, seal, 附注) never stands alone: it shares its
   page with at least one line of body text; when the room left cannot take it, the page
   breaks earlier and the last lines of text go over with it (7.3.5.5 allows adjusting the
   spacing instead; carrying lines keeps every page on the 22-line grid);
2. the 版记 sits at the bottom of the last even page: on the page where the text ends when
   that page is even and has room for it plus a blank line, else on a page of its own, which
   is the next page when the text ends on an odd page, and the page after a blank one when
   the text ends on a full even page;
3. page numbers (7.5): every page but a blank page before the 版记 and that 版记 page.

Both writers realise the same `Pages`: the PDF writer with CSS breaks, the .docx writer with
explicit page breaks and spacing, never with features one renderer ignores (`w:type evenPage`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import standard as gb

SHARED, OWN_PAGE, AFTER_BLANK = "shared", "own page", "blank page before"


@dataclass
class Unit:
    """One piece that cannot break: a line of a paragraph, a placed line, a rule, a table row."""
    height: float  # without `before`
    before: float  # space above it; dropped when an unforced break puts it at a page top
    block: object  # the layout block it belongs to
    line: int  # index of the line inside its block (0 for unbreakable blocks)
    breakable: bool  # a page may start at this unit
    tag: tuple = ()  # what the block is in the model: ("body", n), ("tail",), ...


@dataclass
class Flow:
    """Units that start on a new page (the main text; each attachment)."""
    units: list[Unit]


@dataclass
class Pages:
    count: int  # pages of the whole document, 版记 and any blank page included
    carry: tuple[int, int] | None  # (index in doc.blocks, line) where the page breaks early
    carry_chars: int  # characters of that block before the break
    carry_lines: list[str]  # those characters as the PDF writer's lines
    closing: str  # "" (no 版记) | SHARED | OWN_PAGE | AFTER_BLANK
    last_used: float  # pt the flow fills on the page where the text ends (from its top)
    signature_page: int  # 1-based; 0 without a signature block
    closing_page: int  # 1-based; 0 without a 版记
    last_table_lines: int = 0  # table text lines on that page (their height is per renderer)
    last_table_height: float = 0.0  # what those table rows take in the PDF
    numbered: list[bool] = field(default_factory=list)  # per page (GB/T 9704 7.5)
    starts: list[list[int]] = field(default_factory=list)  # per flow: unit indices opening a page


def room() -> float:
    """Height a page gives the flow: 22 line pitches and the half point of slack both writers
    leave under them (geometry.Layout.bottom_margin)."""
    return gb.LINES_PER_PAGE * gb.LINE_PITCH_PT + 0.5


def fill(units: list[Unit], forced: set[int], first_used: float = 0.0) -> list[int]:
    """Indices of the units that open a page, filling greedily as a renderer does: a unit that
    overflows moves to the next page together with any units tied to it (a heading kept with
    the line after it), unless nothing on the page could break earlier."""
    cap = room() + 0.01
    starts = [0]
    used = first_used
    i = 0
    while i < len(units):
        u = units[i]
        at_top = starts[-1] == i and i > 0
        # an unforced break swallows the space above the unit it moves (CSS margin
        # truncation); a flow's own start and a forced break keep it
        h = u.height + (0.0 if at_top and i not in forced else u.before)
        if i in forced and i != starts[-1]:
            starts.append(i)
            used = 0.0
            continue
        if used + h <= cap or at_top:
            used += h
            i += 1
            continue
        # overflow: break before i, or before the nearest earlier unit a page may start at
        back = i
        while back > starts[-1] and not units[back].breakable:
            back -= 1
        start = back if back > starts[-1] else i
        starts.append(start)
        used = 0.0
        i = start
    return starts


def heights_from(units: list[Unit], start: int, end: int) -> float:
    """Height of units[start:end] stacked from a page top (the first unit's space dropped)."""
    if start >= end:
        return 0.0
    return units[start].height + sum(u.height + u.before for u in units[start + 1:end])


def page_of(starts: list[int], i: int) -> int:
    p = 0
    while p + 1 < len(starts) and starts[p + 1] <= i:
        p += 1
    return p


def used_on_last(units: list[Unit], starts: list[int], first_used: float) -> float:
    """Height the flow fills on its last page."""
    if len(starts) == 1:
        return first_used + sum(u.height + u.before for u in units)
    return heights_from(units, starts[-1], len(units))


def settle_tail(units: list[Unit], first_used: float) -> tuple[list[int], int | None]:
    """Pages of the main flow with the signature block kept with body text (rule 1). Returns
    the page starts and the unit forced to open a page, if any."""
    starts = fill(units, set(), first_used)
    tail = [i for i, u in enumerate(units) if u.tag[:1] == ("tail",)]
    if not tail:
        return starts, None
    t0, t1 = tail[0], tail[-1]
    if t0 == 0 or page_of(starts, t0 - 1) == page_of(starts, t1):
        return starts, None
    # carry: the latest break before the tail from which the rest fits on one page; bounded
    # by one page of units, so the search is linear in the document
    limit = max(1, t0 - 2 * gb.LINES_PER_PAGE)
    for b in range(t0 - 1, limit - 1, -1):
        u = units[b]
        if not u.breakable or u.tag[:1] != ("body",):
            continue
        if heights_from(units, b, t1 + 1) > room() + 0.01:
            break  # earlier breaks only add height
        forced = {b}
        new = fill(units, forced, first_used)
        if page_of(new, t0 - 1) == page_of(new, t1):
            return new, b
    return starts, None  # the tail alone is longer than a page: nothing a break can do


def paginate(main: Flow, attachments: list[Flow], closing_lines: int,
             first_used: float = 0.0, first_numbered: bool = True) -> Pages:
    """The whole decision. `first_used`: what comes before the flow on page 1 (0 when the
    flow holds the header); `closing_lines`: the grid lines the 版记's rows take (0 without
    a 版记); `first_numbered` False for a letter, whose first page has no number (GB/T 9704
    10.1)."""
    starts, forced = settle_tail(main.units, first_used)
    pages = len(starts)
    tail = [i for i, u in enumerate(main.units) if u.tag[:1] == ("tail",)]
    signature_page = page_of(starts, tail[-1]) + 1 if tail else 0
    all_starts = [starts]
    last_used = used_on_last(main.units, starts, first_used)
    last_units = main.units[starts[-1]:]
    for flow in attachments:
        s = fill(flow.units, set())
        all_starts.append(s)
        pages += len(s)
        last_used = used_on_last(flow.units, s, 0.0)
        last_units = flow.units[s[-1]:]
    # rows set at the font's own leading differ between renderers; report tables' rows are
    # whole body lines in both (writers/datablocks.py) and need no allowance
    rows = [u for u in last_units
            if u.block.kind == "table" and not u.block.heights and u.line >= 0]
    table_lines = sum(max(sum(len(p.lines) for p in cell) for cell in u.block.rows[u.line])
                      for u in rows)
    carry, lines = None, []
    if forced is not None:
        u = main.units[forced]
        carry = (u.tag[1], u.line)
        lines = u.block.line_texts()[:u.line] if u.line else []
    closing, closing_page = "", 0
    numbered = [True] * pages
    if closing_lines:
        # the 版记's rows take grid lines like text: it shares the page when the text, one
        # blank line and its rows fit the page's 22 lines
        fits = last_used + (1 + closing_lines) * gb.LINE_PITCH_PT <= room() + 0.01
        if pages % 2 == 0 and fits:
            closing, closing_page = SHARED, pages
        elif pages % 2 == 1:
            closing, closing_page = OWN_PAGE, pages + 1
            numbered.append(True)
        else:
            closing, closing_page = AFTER_BLANK, pages + 2
            numbered += [False, False]
    numbered[0] = numbered[0] and first_numbered
    return Pages(count=len(numbered), carry=carry, carry_chars=sum(map(len, lines)),
                 carry_lines=lines, closing=closing,
                 last_used=last_used, last_table_lines=table_lines,
                 last_table_height=sum(u.height + u.before for u in rows),
                 signature_page=signature_page,
                 closing_page=closing_page, numbered=numbered, starts=all_starts)


def units_of(blocks: list, normal_line) -> list[Unit]:
    """The units of a section's layout blocks (writers.html), in order. `normal_line(role,
    size)` is the height of a line set at the font's natural leading (table cells)."""
    out: list[Unit] = []
    keep = False  # the block before asked to stay with this one
    for block in blocks:
        tag = getattr(block, "tag", ())
        kind = block.kind
        if kind == "para":
            for k, _line in enumerate(block.lines):
                out.append(Unit(block.line, block.before if k == 0 else 0.0, block, k,
                                not (k == 0 and keep), tag))
        elif kind == "placed":
            out.append(Unit(block.line, block.before, block, 0, not keep, tag))
        elif kind == "canvas":  # a letter's head, a 签名章: whole grid lines, unbreakable
            out.append(Unit(block.height, block.before, block, 0, not keep, tag))
        elif kind == "rule":
            out.append(Unit(block.width, block.gap, block, 0, not keep, tag))
        elif kind == "joint_mark":
            height = sum(len(p.lines) * p.line for p in block.names)
            height += block.gap * (len(block.names) - 1)
            out.append(Unit(height, block.before, block, 0, not keep, tag))
        elif kind == "table":
            # the caption and the unit line stand above the table and stay with its first row
            heads = [p for p in (block.caption, block.unit) if p is not None]
            for k, para in enumerate(heads):
                out.append(Unit(para.line * len(para.lines), para.before, block, -1 - k,
                                k == 0 and not keep, tag))
            rule = gb.mm_to_pt(gb.TABLE_RULE_MM)
            for r, row in enumerate(block.rows):
                if block.heights:  # report tables: every row whole body lines, rules inside
                    out.append(Unit(block.heights[r], 0.0, block, r,
                                    (r > 0 or not (keep or heads)), tag))
                    continue
                height = max(sum(len(p.lines) * (p.line or normal_line(p.role, p.size))
                                 for p in cell) for cell in row)
                # collapsed borders: half a rule above and below each row's content
                out.append(Unit(height + rule, rule / 2 if r == 0 else 0.0, block, r,
                                r > 0 or not keep, tag))
        elif kind == "figure":  # a chart: whole body lines, its caption kept under it
            out.append(Unit(block.height, 0.0, block, 0, not keep, tag))
            if block.caption is not None:
                cap = block.caption
                out.append(Unit(cap.line * len(cap.lines), cap.before, block, 1, False, tag))
        else:
            raise ValueError(f"unknown layout block {kind}")
        keep = bool(getattr(block, "keep_next", False))
    return out
