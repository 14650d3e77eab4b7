"""Every number of GB/T 9704-2012 the writers need, in one place.

Writers never spell "37 mm" or "22 pt" themselves; they read it from here. Values are in
millimetres or points as the standard states them; helpers convert.
"""
from __future__ import annotations

from dataclasses import dataclass

MM_PER_PT = 25.4 / 72


def mm_to_pt(mm: float) -> float:
    return mm / MM_PER_PT


def pt_to_mm(pt: float) -> float:
    return pt * MM_PER_PT


# --- Page (GB/T 9704 5.2) -------------------------------------------------------------
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0  # top of the first line's ink
MARGIN_LEFT_MM = 28.0  # binding side
MARGIN_RIGHT_MM = 26.0
MARGIN_BOTTOM_MM = 35.0  # bottom of the 22nd line's ink
CORE_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
CORE_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225
TOLERANCE_MM = 1.0  # the core's position may be off by ±1 mm (GB/T 9704 5.2.2)
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

# --- Type sizes (GB/T 9704 5.3; 号 → pt) ----------------------------------------------
SIZE_2HAO_PT = 22.0
SIZE_3HAO_PT = 16.0
SIZE_4HAO_PT = 14.0
BODY_SIZE_PT = SIZE_3HAO_PT
TITLE_SIZE_PT = SIZE_2HAO_PT
CLOSING_SIZE_PT = SIZE_4HAO_PT  # 版记
PAGE_NUMBER_SIZE_PT = SIZE_4HAO_PT
SIZE_NAMES = {SIZE_2HAO_PT: "2号", SIZE_3HAO_PT: "3号", SIZE_4HAO_PT: "4号"}  # for messages

# Character pitch: 28 characters fill the 156 mm core, so each 16 pt character advances
# 15.79 pt. Glyphs are 16 pt wide, so every character is condensed by this much.
CHAR_PITCH_PT = mm_to_pt(CORE_WIDTH_MM) / CHARS_PER_LINE
# Rounded down to the twentieth of a point Word stores, so 28 characters never overflow.
CHAR_CONDENSE_PT = -(int((BODY_SIZE_PT - CHAR_PITCH_PT) * 20) + 1) / 20  # -0.25 pt
EFFECTIVE_CHAR_PT = BODY_SIZE_PT + CHAR_CONDENSE_PT  # what one character really advances


def tracking_pt(size_pt: float) -> float:
    """Spacing added after each character: body-size text is condensed onto the 28-character
    grid; other sizes (title, 版记, page numbers) set at their natural width."""
    return CHAR_CONDENSE_PT if size_pt == BODY_SIZE_PT else 0.0

# Line pitch. The standard measures the core from the ink of line 1 to the ink of line 22, so
# 21 pitches plus one glyph's ink height span 225 mm. The ink height of a 3号 CJK glyph was
# measured on the rendered PDF (FandolFang, 仿宋_GB2312 metrics are within 0.1 mm): 0.886 em.
BODY_INK_HEIGHT_EM = 0.886
LINE_PITCH_PT = (mm_to_pt(CORE_HEIGHT_MM) - BODY_INK_HEIGHT_EM * BODY_SIZE_PT) / (LINES_PER_PAGE - 1)


# --- Colours ------------------------------------------------------------------------
RED = "FF0000"
BLACK = "000000"

# --- Header block (版头, GB/T 9704 7.2) ------------------------------------------------
COPY_NUMBER_DIGITS = 6
ORGAN_MARK_TOP_FROM_CORE_MM = 35.0  # top edge of the organ mark below the core top
ORGAN_MARK_MAX_CHAR_WIDTH_MM = 15.0  # customary cap for one character of the mark
ORGAN_MARK_MAX_CHAR_HEIGHT_MM = 22.0
ORGAN_MARK_LINE_GAP_MM = 4.0  # between stacked names of a joint issuance
ORGAN_MARK_DOCNUMBER_BLANK_LINES = 2  # blank lines between the mark and the document number
SIGNER_INDENT_CHARS = 1  # 签发人 one character in from the right, number one in from the left
RED_LINE_BELOW_DOCNUMBER_MM = 4.0
RED_LINE_WIDTH_PT = 1.0  # the standard gives no width; 1 pt reads as a solid red rule

# --- Main block (主体, GB/T 9704 7.3) ---------------------------------------------------
TITLE_BLANK_LINES_ABOVE = 2  # below the red line
ADDRESSEE_BLANK_LINES_ABOVE = 1  # below the title
# A document without 主送机关 (通告, 公告, 决议) keeps the blank line above where it would stand:
# the body starts one blank line below the title (or its 题注), as printed 通告 do.
# 题注 (a 决议's adoption line, 2026年1月10日…通过): the standard does not name it; practice sets
# it centred in 3号楷体 on the line right after the title's last line; the blank line above the
# 主送机关 (or, without one, the body) follows it
TITLE_NOTE_SIZE_PT = SIZE_3HAO_PT
TITLE_NOTE_BLANK_LINES_ABOVE = 0
PARAGRAPH_INDENT_CHARS = 2
TITLE_MAX_CHARS_PER_LINE = int(mm_to_pt(CORE_WIDTH_MM) // TITLE_SIZE_PT)  # 20
# Not the standard's number but practice: three full title lines. A longer "title" is almost
# always body text glued to it by a paste, and is reported rather than balanced.
TITLE_MAX_CHARS = 3 * TITLE_MAX_CHARS_PER_LINE
ATTACHMENT_NOTE_BLANK_LINES_ABOVE = 1
SIGNATURE_NO_SEAL_BLANK_LINES_ABOVE = 1
SIGNATURE_NO_SEAL_RIGHT_CHARS = 2  # organ name two characters in from the right
SIGNATURE_DATE_SHIFT_CHARS = 2  # date starts two characters right of the name's start
SIGNATURE_SEAL_DATE_RIGHT_CHARS = 4  # with a seal: date four characters in from the right
SIGNATURE_SEAL_BLANK_LINES_ABOVE = 2  # keeps the seal's top within one line of the body
SEAL_DIAMETER_MM = 42.0  # default; the plan may set the seal's real size
JOINT_SEAL_GAP_MM = 6.0  # joint seals must neither overlap nor touch (GB/T 9704 7.3.5.2)
SEAL_CENTRE_ABOVE_NAME_BOTTOM_LINES = 0.25  # name and date sit below the seal's centre
ATTACHMENT_TITLE_LINE = 3  # an attachment's title stands on line 3 of its page
TABLE_RULE_MM = 0.18  # body tables: the standard only says tables follow the body; a ½ pt rule

# --- Closing block (版记, GB/T 9704 7.4) ------------------------------------------------
CLOSING_THICK_LINE_MM = 0.35
CLOSING_THIN_LINE_MM = 0.25
CLOSING_SIDE_INDENT_CHARS = 1

# --- Page numbers (GB/T 9704 7.5) -------------------------------------------------------
PAGE_NUMBER_BELOW_CORE_MM = 7.0
PAGE_NUMBER_SIDE_INDENT_CHARS = 1
PAGE_NUMBER_DASH = "—"  # 一字线 on each side: "— 1 —"


# --- Special formats (GB/T 9704 clause 10) ----------------------------------------------
FORMAT_DOCUMENT = "文件"  # the 文件格式 of clauses 7-9
FORMAT_LETTER = "信函"
FORMAT_ORDER = "命令"
FORMAT_MINUTES = "纪要"
FORMATS = (FORMAT_DOCUMENT, FORMAT_LETTER, FORMAT_ORDER, FORMAT_MINUTES)
# The format a kind (文种) takes when the plan names none; every other kind takes 文件.
FORMAT_OF_KIND = {"函": FORMAT_LETTER, "命令": FORMAT_ORDER, "令": FORMAT_ORDER,
                  "纪要": FORMAT_MINUTES}
# The mark's default suffix per format (organ name + suffix); a plan may set its own.
MARK_SUFFIX_OF_FORMAT = {FORMAT_DOCUMENT: "文件", FORMAT_LETTER: "", FORMAT_ORDER: "令",
                         FORMAT_MINUTES: "纪要"}

# 信函格式 (10.1)
LETTER_MARK_TOP_FROM_PAGE_MM = 30.0  # top edge of the mark from the top of the PAGE
LETTER_RULE_LENGTH_MM = 170.0  # both double lines, centred on the page
LETTER_TOP_RULE_BELOW_MARK_MM = 4.0  # thick-over-thin, under the mark
LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM = 20.0  # thin-over-thick, above the page's bottom
# The standard gives no thicknesses; practice uses these.
LETTER_RULE_THICK_MM = 0.8
LETTER_RULE_THIN_MM = 0.25
LETTER_RULE_GAP_MM = 0.35
LETTER_NUMBER_GAP_CHARS = 7 / 8  # 份号 / 发文字号 line, this many 3号 characters under the rule
LETTER_TITLE_BLANK_LINES_ABOVE = 2  # title two lines below the 发文字号 line
LETTER_FIRST_PAGE_NUMBERED = False

# 命令（令）格式 (10.2)
ORDER_MARK_TOP_FROM_CORE_MM = 20.0
ORDER_NUMBER_BLANK_LINES_ABOVE = 2  # 令号 two blank lines under the mark, centred
ORDER_BODY_BLANK_LINES_ABOVE = 2  # body two blank lines under the 令号

# 签名章 (7.3.5.3): 职务 + signature-stamp image + date
STAMP_BLANK_LINES_ABOVE = 2  # two blank lines under the body
STAMP_RIGHT_CHARS = 4  # the stamp four characters in from the right
STAMP_TITLE_LEFT_CHARS = 2  # 职务 two characters in from the left, centred on the stamp
STAMP_DATE_BLANK_LINES_ABOVE = 1
STAMP_DATE_RIGHT_CHARS = 4
STAMP_HEIGHT_MM = 15.0  # default height of a 签名章 image; the plan may set its own

# 纪要格式 (10.3)
MINUTES_MARK_TOP_FROM_CORE_MM = 35.0
MINUTES_ATTENDANCE_BLANK_LINES_ABOVE = 1  # one blank line after the body
MINUTES_ATTENDANCE_INDENT_CHARS = 2  # "出席：" two characters in
MINUTES_ATTENDANCE_LABELS = ("出席", "请假", "列席")  # in this order, each on a new line
ROLE_ATTENDANCE_LABEL = "hei"  # 3号黑体; the names in the body's 仿宋


# --- Heading levels (GB/T 9704 7.3.3) ---------------------------------------------------
@dataclass(frozen=True)
class HeadingLevel:
    level: int
    font_role: str
    style_name: str  # the label's written form is pipeline.forms.HEADING_LABELS


HEADING_LEVELS = (
    HeadingLevel(1, "hei", "一级标题"),
    HeadingLevel(2, "kai", "二级标题"),
    HeadingLevel(3, "fang", "三级标题"),
    HeadingLevel(4, "fang", "四级标题"),
)


# --- Fonts by role ----------------------------------------------------------------------
@dataclass(frozen=True)
class FontRole:
    name: str  # the standard's font, what a .docx names for Word/WPS
    alt_name: str  # the same font's other family name (file vs family, pitfall in gbt9704.md)
    fallbacks: tuple[str, ...]  # installed free substitutes, in order, for rendering
    stand_in_weight: int = 400  # the weight a substitute is set in (CSS/fontconfig scale)


FONT_ROLES = {
    "fang": FontRole("仿宋_GB2312", "FangSong_GB2312", ("FandolFang", "Noto Serif CJK SC")),
    "kai": FontRole("楷体_GB2312", "KaiTi_GB2312", ("FandolKai", "Noto Serif CJK SC")),
    "hei": FontRole("黑体", "SimHei", ("FandolHei", "Noto Sans CJK SC")),
    "song": FontRole("宋体", "SimSun", ("FandolSong", "Noto Serif CJK SC")),
    # 小标宋 is a heavy Song: printed titles and organ marks read far darker than a regular
    # Song, so its free stand-in is Noto Serif CJK in Bold (the real font keeps its weight)
    "xiaobiaosong": FontRole("方正小标宋简体", "FZXiaoBiaoSong-B05S", ("Noto Serif CJK SC",),
                             stand_in_weight=700),
}

# Which role each element is set in (GB/T 9704 7.x).
ROLE_BODY = "fang"
ROLE_TITLE = "xiaobiaosong"
ROLE_ORGAN_MARK = "xiaobiaosong"
ROLE_SECRECY = "hei"
ROLE_URGENCY = "hei"
ROLE_SIGNER_LABEL = "fang"
ROLE_SIGNER_NAMES = "kai"
ROLE_ATTACHMENT_LABEL = "hei"
ROLE_TITLE_NOTE = "kai"  # 题注, by common practice
ROLE_CLOSING = "fang"
ROLE_PAGE_NUMBER = "song"
# Report tables and charts (the standard: tables follow the body's type): the header row and
# the captions in 黑体 like the first heading level, cells in the body's 仿宋, chart labels in
# 黑体, which stays legible at the small size a chart needs
ROLE_TABLE_HEADER = "hei"
ROLE_TABLE_CAPTION = "hei"
ROLE_CHART = "hei"

# The same, by element, for reports (`gongwen fonts`).
ELEMENT_ROLES = {
    "正文": ROLE_BODY, "标题": ROLE_TITLE, "发文机关标志": ROLE_ORGAN_MARK, "密级": ROLE_SECRECY,
    "紧急程度": ROLE_URGENCY, "签发人姓名": ROLE_SIGNER_NAMES, "附件标识": ROLE_ATTACHMENT_LABEL,
    "题注": ROLE_TITLE_NOTE, "版记": ROLE_CLOSING, "页码": ROLE_PAGE_NUMBER,
    **{f"{lvl.style_name}": lvl.font_role for lvl in HEADING_LEVELS},
}


def organ_mark_size_pt(longest_line_chars: int) -> float:
    """Largest mark size that keeps each character within 15 mm and the line within the core."""
    cap = mm_to_pt(ORGAN_MARK_MAX_CHAR_WIDTH_MM)
    fit = mm_to_pt(CORE_WIDTH_MM) / max(longest_line_chars, 1)
    return float(int(min(cap, fit)))


def chars_pt(n: float) -> float:
    """Width of n body characters on the grid."""
    return n * EFFECTIVE_CHAR_PT
