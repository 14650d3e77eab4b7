"""Where the standard puts things on the page, in points, for any writer.

The standard measures from ink: the first line's characters 37 mm from the top, the organ
mark's top 35 mm below the core, the red line 4 mm under the number's ink. Where ink lands
inside a line box depends on the renderer and the font, so each writer passes an `Ink`
(measured for LibreOffice in the .docx writer, read from the font files in the PDF writer)
and gets back the spacings that put the ink where the standard wants it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from pipeline import standard as gb

P = gb.LINE_PITCH_PT
CORE_W = gb.mm_to_pt(gb.CORE_WIDTH_MM)
CH = gb.EFFECTIVE_CHAR_PT
PAGE_H = gb.mm_to_pt(gb.PAGE_HEIGHT_MM)
CORE_TOP = gb.mm_to_pt(gb.MARGIN_TOP_MM)  # page y of the core's top edge (ink of line 1)
CORE_BOTTOM = PAGE_H - gb.mm_to_pt(gb.MARGIN_BOTTOM_MM)  # page y of line 22's ink bottom
PAGE_NUMBER_DASH_Y = CORE_BOTTOM + gb.mm_to_pt(gb.PAGE_NUMBER_BELOW_CORE_MM)
# the page number's line box: a little taller than its 4号 type, so no renderer squeezes it;
# each writer places the box so the 一字线 lands on PAGE_NUMBER_DASH_Y
PAGE_NUMBER_LINE_PT = gb.PAGE_NUMBER_SIZE_PT * 1.25


class Ink(Protocol):
    def top(self, role: str, size: float, line: float) -> float:
        """From the top of a line box `line` pt high to its glyphs' ink top."""

    def bottom(self, role: str, size: float, line: float) -> float:
        """From the top of the line box to the ink bottom."""


@dataclass(frozen=True)
class Layout:
    ink: Ink

    @property
    def top_margin(self) -> float:
        """Page margin that puts line 1's ink at the core's top."""
        return CORE_TOP - self.ink.top(gb.ROLE_BODY, gb.BODY_SIZE_PT, P)

    @property
    def bottom_margin(self) -> float:
        """What is left under 22 line boxes; half a point of slack absorbs rounding."""
        return PAGE_H - self.top_margin - gb.LINES_PER_PAGE * P - 0.5

    def organ_mark_before(self, lines_above: int, size: float, line: float,
                          from_core_mm: float = gb.ORGAN_MARK_TOP_FROM_CORE_MM) -> float:
        """Space above the organ mark's line box so its ink top is 35 mm below the core's top
        (20 mm for a 令: `from_core_mm`); `lines_above` body lines (份号, 密级, 紧急程度)
        come first."""
        target = CORE_TOP + gb.mm_to_pt(from_core_mm)
        line_top = self.top_margin + lines_above * P
        return max(0.0, target - self.ink.top(gb.ROLE_ORGAN_MARK, size, line) - line_top)

    def doc_number_before(self, mark_size: float, mark_line: float) -> float:
        """Space between the mark's line box and the number's: two blank body lines between
        their inks, i.e. the number's ink starts three pitches less one glyph below."""
        gap = ((gb.ORGAN_MARK_DOCNUMBER_BLANK_LINES + 1) * P
               - gb.BODY_INK_HEIGHT_EM * gb.BODY_SIZE_PT)
        below_mark = mark_line - self.ink.bottom(gb.ROLE_ORGAN_MARK, mark_size, mark_line)
        return max(0.0, gap - below_mark - self.ink.top(gb.ROLE_BODY, gb.BODY_SIZE_PT, P))

    def order_number_before(self, lines_above: int, mark_before: float, size: float,
                            line: float) -> float:
        """Space above a 令's 令号: two blank lines under the mark as for a 发文字号, then
        moved to the nearest grid line so the body below stays on the standard's lines."""
        before = self.doc_number_before(size, line)
        used = lines_above * P + mark_before + line + before
        return before + round(used / P) * P - used

    def red_line_gap(self) -> float:
        """From the bottom of the number's line box to the top of the red line's stroke."""
        below_ink = P - self.ink.bottom(gb.ROLE_BODY, gb.BODY_SIZE_PT, P)
        return max(0.0, gb.mm_to_pt(gb.RED_LINE_BELOW_DOCNUMBER_MM) - below_ink
                   - gb.RED_LINE_WIDTH_PT / 2)


def closing_top(rows_height: float, rows: int, ruled: bool = True) -> float:
    """Page y of the 版记's first rule, so that its last rule lies on the core's bottom: the
    rows, a thick rule above and below them and a thin one between each two. A letter's 版记
    has no rules (`ruled` False, GB/T 9704 10.1): its last row ends on the core's bottom."""
    thick, thin = gb.CLOSING_THICK_LINE_MM, gb.CLOSING_THIN_LINE_MM
    rules_height = gb.mm_to_pt(2 * thick + max(0, rows - 1) * thin) if ruled else 0.0
    return CORE_BOTTOM - rows_height - rules_height


def closing_row_lines(chars: float) -> int:
    """Lines a 版记 row takes: 4号 characters between the one-character side indents."""
    room = (CORE_W - 2 * gb.CLOSING_SIDE_INDENT_CHARS * CH) / gb.CLOSING_SIZE_PT
    return max(1, int(-(-chars // room)))


@dataclass(frozen=True)
class PlainSignature:
    """Without a seal: distances from the core's right edge to the right ends of the organ
    name and of the date (GB/T 9704 7.3.5.2)."""
    name_right: float
    date_right: float


def plain_signature(name_w: float, date_w: float) -> PlainSignature:
    """Name 2 characters in from the right; date starting 2 characters right of the name's
    start. A date longer than that allows moves to 2 in and pushes the name left."""
    right = gb.SIGNATURE_NO_SEAL_RIGHT_CHARS * CH
    shift = gb.SIGNATURE_DATE_SHIFT_CHARS * CH
    date_right = right + name_w - shift - date_w
    if date_right >= right:
        return PlainSignature(right, date_right)
    return PlainSignature(right + date_w + shift - name_w, right)


def sealed_name_centres(organs: int, date_w: float, seal_mm: float) -> list[float]:
    """With seals: the last organ's name centred over the date, which ends 4 characters in
    from the right; other organs to its left, a seal's width plus a gap apart (x from the
    core's left edge)."""
    last = CORE_W - gb.SIGNATURE_SEAL_DATE_RIGHT_CHARS * CH - date_w / 2
    step = gb.mm_to_pt(seal_mm + gb.JOINT_SEAL_GAP_MM)
    return [last - (organs - 1 - i) * step for i in range(organs)]


def seal_box(centre_x: float, diameter_mm: float, offset_mm: tuple[float, float]):
    """(left, top) of a seal image in pt: left from the core's left edge, top from the top of
    the name line; the seal's centre a quarter line below that top, so name and date sit
    below the centre."""
    d = gb.mm_to_pt(diameter_mm)
    left = centre_x - d / 2 + gb.mm_to_pt(offset_mm[0])
    top = gb.SEAL_CENTRE_ABOVE_NAME_BOTTOM_LINES * P - d / 2 + gb.mm_to_pt(offset_mm[1])
    return left, top


@dataclass(frozen=True)
class SignerLayout:
    rows: list[list[str]]  # two names to a line
    label_x: float  # where "签发人：" starts
    names_x: float  # where the first name starts (later rows align with it)
    number_x: float  # where the document number starts, on the last row


SIGNER_LABEL = "签发人："


def signer_layout(signers: list[str], chars) -> SignerLayout:
    """签发人 on the right, one character in; the number on the left, one character in, on the
    line of the last signer (GB/T 9704 7.2.4)."""
    rows = [signers[i:i + 2] for i in range(0, len(signers), 2)]
    first_w = (chars(SIGNER_LABEL) + chars("　".join(rows[0]))) * CH
    label_x = CORE_W - gb.SIGNER_INDENT_CHARS * CH - first_w
    return SignerLayout(rows, label_x, label_x + chars(SIGNER_LABEL) * CH,
                        gb.SIGNER_INDENT_CHARS * CH)


def parenthesised(text: str) -> str:
    """附注 and 题注 print in full-width parentheses; the model holds the text without them."""
    return f"（{text}）"


ATTACHMENT_LABEL = "附件："


def attachment_note_lines(names: list[str], chars) -> list[tuple[str, float, float]]:
    """附件说明 lines as (text, first-line x, wrapped-lines x): 2 characters in, wrapped lines
    aligned with the first character of the name (GB/T 9704 7.3.6)."""
    indent = gb.PARAGRAPH_INDENT_CHARS * CH
    label_w = chars(ATTACHMENT_LABEL) * CH
    if len(names) == 1:
        return [(ATTACHMENT_LABEL + names[0], indent, indent + label_w)]
    out = []
    for i, name in enumerate(names, start=1):
        number = f"{i}."
        text = (ATTACHMENT_LABEL if i == 1 else "") + number + name
        out.append((text, indent if i == 1 else indent + label_w,
                    indent + label_w + chars(number) * CH))
    return out


def header_lines(header) -> list[tuple[str, str, str]]:
    """The lines above the organ mark, top-down (份号, 密级, 紧急程度), as (text, font role,
    element); absent ones take no line."""
    lines = ((header.copy_number, gb.ROLE_BODY, "份号"), (header.secrecy, gb.ROLE_SECRECY, "密级"),
             (header.urgency, gb.ROLE_URGENCY, "紧急程度"))
    return [line for line in lines if line[0]]


def organ_mark_type(header) -> tuple[float, float]:
    """(size, line box height) of the organ mark: as large as the longest line allows; the box
    taller than the font so no renderer squeezes the glyphs."""
    longest = max(len(n) for n in header.organ_names) + len(header.mark_suffix or "")
    size = gb.organ_mark_size_pt(longest)
    return size, size * 1.5


# --- Special formats (GB/T 9704 clause 10) ------------------------------------------------
PAGE_W = gb.mm_to_pt(gb.PAGE_WIDTH_MM)
CORE_LEFT = gb.mm_to_pt(gb.MARGIN_LEFT_MM)  # page x of the core's left edge


@dataclass(frozen=True)
class Stroke:
    """A filled horizontal bar: `x` from the core's left edge, `y` (its top) from the top of
    the block that holds it, both in pt."""
    x: float
    y: float
    width: float
    thickness: float


def letter_rule(top_page_y: float, thick_first: bool, flow_top: float) -> list[Stroke]:
    """A letter's red double line, 170 mm centred on the page, its upper edge at
    `top_page_y`: thick over thin under the mark, thin over thick at the page's foot."""
    x = (PAGE_W - gb.mm_to_pt(gb.LETTER_RULE_LENGTH_MM)) / 2 - CORE_LEFT
    w = gb.mm_to_pt(gb.LETTER_RULE_LENGTH_MM)
    thick, thin = gb.mm_to_pt(gb.LETTER_RULE_THICK_MM), gb.mm_to_pt(gb.LETTER_RULE_THIN_MM)
    gap = gb.mm_to_pt(gb.LETTER_RULE_GAP_MM)
    first, second = (thick, thin) if thick_first else (thin, thick)
    y = top_page_y - flow_top
    return [Stroke(x, y, w, first), Stroke(x, y + first + gap, w, second)]


def letter_rule_height() -> float:
    return gb.mm_to_pt(gb.LETTER_RULE_THICK_MM + gb.LETTER_RULE_GAP_MM + gb.LETTER_RULE_THIN_MM)


@dataclass(frozen=True)
class LetterHead:
    """Where a 信函's head stands (GB/T 9704 10.1), in pt from the top of the page's flow
    (the top margin; negative above it): line boxes' tops for the texts, bars for the rules.
    The head takes `lines` whole grid lines, so the title and body below it stay on the
    grid."""
    mark_y: float  # top of the mark's line box
    rules: list[Stroke]  # the double line under the mark, then the one at the page's foot
    number_y: float  # top of the 份号/发文字号 line's box
    lines: int  # grid lines the head occupies; the title stands on the next


def letter_head(ink: Ink, flow_top: float, mark_size: float, mark_line: float,
                rows: int = 1, mark_ink_height: float | None = None) -> LetterHead:
    """Mark ink 30 mm from the page top; double line 4 mm under the mark's ink; the number
    line's ink 7/8 of a 3号 character under the double line (`rows` lines there: 份号, 密级,
    紧急程度 stacked on the left, the 发文字号 on the first, on the right); the title two
    lines below the last, on the grid; the foot's double line 20 mm above the page
    bottom. `mark_ink_height`: the mark's glyphs' own height, where the renderer's ink
    model is measured at other sizes (LibreOffice's)."""
    mark_ink_top = gb.mm_to_pt(gb.LETTER_MARK_TOP_FROM_PAGE_MM)
    role = gb.ROLE_ORGAN_MARK
    mark_y = mark_ink_top - ink.top(role, mark_size, mark_line) - flow_top
    mark_ink_bottom = mark_ink_top + (ink.bottom(role, mark_size, mark_line)
                                      - ink.top(role, mark_size, mark_line)
                                      if mark_ink_height is None else mark_ink_height)
    rule_top = mark_ink_bottom + gb.mm_to_pt(gb.LETTER_TOP_RULE_BELOW_MARK_MM)
    number_ink = rule_top + letter_rule_height() + gb.LETTER_NUMBER_GAP_CHARS * gb.SIZE_3HAO_PT
    number_y = number_ink - ink.top(gb.ROLE_BODY, gb.BODY_SIZE_PT, P) - flow_top
    # the number's own grid line (by its ink), then the blank lines, then the title
    number_line = int((number_ink - CORE_TOP) // P)
    lines = number_line + max(1, rows) + gb.LETTER_TITLE_BLANK_LINES_ABOVE
    foot = PAGE_H - gb.mm_to_pt(gb.LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM) - letter_rule_height()
    rules = letter_rule(rule_top, True, flow_top) + letter_rule(foot, False, flow_top)
    return LetterHead(mark_y, rules, number_y, lines)


@dataclass(frozen=True)
class StampLayout:
    """The 签名章 form (GB/T 9704 7.3.5.3) in pt: the stamp's box (`left` from the core's
    left edge, `top` from the top of a block `lines` grid lines high), the 职务's line box
    top in that block (its text centred on the stamp's height), and the date's right
    indent."""
    left: float
    top: float
    width: float
    height: float
    lines: int
    title_x: float
    title_y: float
    date_right: float


def stamp_layout(aspect: float, height_mm: float, ink: Ink) -> StampLayout:
    """`aspect`: the stamp image's width over its height."""
    h = gb.mm_to_pt(height_mm)
    w = h * aspect
    lines = max(1, int(-(-h // P)))
    top = (lines * P - h) / 2
    centre = top + h / 2
    # the 职务's ink centred on the stamp's centre
    ink_mid = (ink.top(gb.ROLE_BODY, gb.BODY_SIZE_PT, P) + ink.bottom(gb.ROLE_BODY,
                                                                     gb.BODY_SIZE_PT, P)) / 2
    return StampLayout(left=CORE_W - gb.STAMP_RIGHT_CHARS * CH - w, top=top, width=w, height=h,
                       lines=lines, title_x=gb.STAMP_TITLE_LEFT_CHARS * CH,
                       title_y=centre - ink_mid, date_right=gb.STAMP_DATE_RIGHT_CHARS * CH)


def png_aspect(png: bytes) -> float:
    """Width over height of a PNG, from its header."""
    import struct

    width, height = struct.unpack(">II", png[16:24])
    return width / max(height, 1)


def attendance_lines(meeting) -> list[tuple[str, str, float]]:
    """A 纪要's attendance after the body (GB/T 9704 10.3) as (label with colon, names,
    x of the names): each list on a new line, the label two characters in, the names after
    the colon and wrapped lines aligned with its first character."""
    indent = gb.MINUTES_ATTENDANCE_INDENT_CHARS * CH
    out = []
    for label, names in zip(gb.MINUTES_ATTENDANCE_LABELS,
                            (meeting.present, meeting.absent, meeting.attending)):
        if names:
            head = label + "："
            out.append((head, "、".join(names), indent + len(head) * CH))
    return out


@dataclass(frozen=True)
class JointMark:
    names_w: float  # the stacked names, spread to one width
    suffix_w: float  # "文件" to their right, centred on them vertically
    left: float  # the block's left edge from the core's, centring it


def joint_mark(header, size: float) -> JointMark:
    """A joint issuance's mark (GB/T 9704 7.2.4): names stacked, each spread to the longest
    name's width, the suffix beside them; the whole centred in the core."""
    names_w = max(len(n) for n in header.organ_names) * size
    suffix_w = len(header.mark_suffix) * size
    return JointMark(names_w, suffix_w, (CORE_W - names_w - suffix_w) / 2)


CLOSING_CC_LABEL = "抄送："
CLOSING_PRINTED = "印发"  # after the printing date: 2026年3月20日印发


@dataclass(frozen=True)
class ClosingRows:
    """The 版记's rows (GB/T 9704 7.4): 4号 type one character in from both sides; 抄送's
    wrapped lines aligned after its colon; the printer on the left, the date on the right."""
    cc: str  # "抄送：…", or ""
    printer: str
    printed: str  # "2026年3月20日印发", or ""
    side: float  # indent on both sides
    cc_lead: float  # the label's width: wrapped 抄送 lines start this far after `side`
    size: float = gb.CLOSING_SIZE_PT


def closing_rows(closing, chars) -> ClosingRows:
    size = gb.CLOSING_SIZE_PT
    return ClosingRows(CLOSING_CC_LABEL + closing.copies_to if closing.copies_to else "",
                       closing.printer,
                       closing.print_date + CLOSING_PRINTED if closing.print_date else "",
                       gb.CLOSING_SIDE_INDENT_CHARS * CH, chars(CLOSING_CC_LABEL) * size, size)
