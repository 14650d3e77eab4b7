"""The named styles, numbering and fonts of a GB/T 9704 .docx, built from pipeline.standard.

A clerk who opens the file in Word or WPS finds 公文正文, 一级标题 … 四级标题, 版记 and the rest
in the style list, and a heading inserted with 一级标题 numbers itself (live numbering with
Chinese counting), so the document stays editable in the standard's layout.
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline import forms
from pipeline import standard as gb
from pipeline.writers import ooxml as ox
from pipeline.writers.ooxml import el, flag, fonts, ordered, pt, val


@dataclass(frozen=True)
class StyleSpec:
    style_id: str  # ASCII id in the XML
    name: str  # what Word shows
    role: str  # font role in standard.FONT_ROLES
    size_pt: float = gb.BODY_SIZE_PT
    align: str = "both"
    first_line_chars: float = 0
    color: str | None = None
    heading_level: int = 0
    keep_next: bool = False
    exact_pitch: bool = True  # False: single spacing (tables must not clip their rows)


HEADING_STYLE_IDS = {lvl.level: f"GwHeading{lvl.level}" for lvl in gb.HEADING_LEVELS}

STYLES = [
    StyleSpec("GwBody", "公文正文", gb.ROLE_BODY, first_line_chars=gb.PARAGRAPH_INDENT_CHARS),
    StyleSpec("GwTitle", "公文标题", gb.ROLE_TITLE, gb.TITLE_SIZE_PT, "center"),
    StyleSpec("GwOrganMark", "发文机关标志", gb.ROLE_ORGAN_MARK, align="center", color=gb.RED),
    StyleSpec("GwDocNumber", "发文字号", gb.ROLE_BODY, align="center"),
    StyleSpec("GwHeaderLine", "版头", gb.ROLE_BODY, align="left"),
    StyleSpec("GwTitleNote", "题注", gb.ROLE_TITLE_NOTE, gb.TITLE_NOTE_SIZE_PT, "center"),
    StyleSpec("GwOrderNumber", "令号", gb.ROLE_BODY, align="center"),
    StyleSpec("GwIssueLine", "纪要期号", gb.ROLE_BODY, align="center"),
    StyleSpec("GwAddressee", "主送机关", gb.ROLE_BODY),
    StyleSpec("GwAttachmentNote", "附件说明", gb.ROLE_BODY, align="left"),
    StyleSpec("GwSignature", "署名和成文日期", gb.ROLE_BODY, align="left"),
    StyleSpec("GwNote", "附注", gb.ROLE_BODY, first_line_chars=gb.PARAGRAPH_INDENT_CHARS),
    StyleSpec("GwAttachmentLabel", "附件标识", gb.ROLE_ATTACHMENT_LABEL, align="left"),
    StyleSpec("GwClosing", "版记", gb.ROLE_CLOSING, gb.CLOSING_SIZE_PT, "left"),
    StyleSpec("GwPageNumber", "页码", gb.ROLE_PAGE_NUMBER, gb.PAGE_NUMBER_SIZE_PT, "left"),
    StyleSpec("GwTable", "表格文字", gb.ROLE_BODY, align="center", exact_pitch=False),
] + [
    StyleSpec(HEADING_STYLE_IDS[lvl.level], lvl.style_name, lvl.font_role,
              first_line_chars=gb.PARAGRAPH_INDENT_CHARS, heading_level=lvl.level,
              keep_next=True)
    for lvl in gb.HEADING_LEVELS
]
STYLE_BY_ID = {spec.style_id: spec for spec in STYLES}

BODY_NUM_ID = 1  # the main text's heading numbering; each attachment gets its own after it
_ABSTRACT_NUM_ID = 0


def line_spacing(pitch_pt: float):
    return ox.spacing(line=pt(pitch_pt))


def run_props(role: str, size_pt: float, color: str | None = None, extra=()):
    """rPr for one font role: explicit names, size, grid condensing, optional colour."""
    children = [fonts(gb.FONT_ROLES[role].name), *ox.font_size(pt(size_pt)), *extra]
    if color:
        children.append(val("w:color", color))
    if gb.tracking_pt(size_pt):  # body-size text keeps 28 characters to the line
        children.append(ox.char_spacing(pt(gb.tracking_pt(size_pt))))
    children.append(el("w:lang", {"w:val": "en-US", "w:eastAsia": "zh-CN"}))
    return ordered("w:rPr", children)


def _style(spec: StyleSpec):
    ppr = [
        flag("w:widowControl", False),  # widow control would break the 22-line grid
        flag("w:autoSpaceDE", False),  # no extra gap between Chinese and Latin/digits:
        flag("w:autoSpaceDN", False),  # it would push characters off the grid
        flag("w:snapToGrid", False),
        line_spacing(gb.LINE_PITCH_PT) if spec.exact_pitch else
        ox.single_spacing(),
        ox.first_line(pt(gb.chars_pt(spec.first_line_chars)))
        if spec.first_line_chars else None,
        val("w:jc", spec.align),
    ]
    if spec.keep_next:
        ppr.append(el("w:keepNext"))
    if spec.heading_level:
        ppr.append(el("w:numPr", None, val("w:ilvl", spec.heading_level - 1),
                      val("w:numId", BODY_NUM_ID)))
        ppr.append(val("w:outlineLvl", spec.heading_level - 1))  # Word's navigation pane
    return ordered("w:style", [
        val("w:name", spec.name),
        val("w:basedOn", "Normal"),
        val("w:next", "GwBody" if spec.heading_level or spec.style_id == "GwTitle" else spec.style_id),
        val("w:uiPriority", 1),
        el("w:qFormat"),
        ordered("w:pPr", ppr),
        run_props(spec.role, spec.size_pt, spec.color),
    ], {"w:type": "paragraph", "w:customStyle": 1, "w:styleId": spec.style_id})


def build_styles(styles_element) -> None:
    """Replace python-docx's default styles (theme fonts, hundreds of latent styles) with ours."""
    for child in list(styles_element):
        styles_element.remove(child)
    body = gb.FONT_ROLES[gb.ROLE_BODY].name
    styles_element.append(el("w:docDefaults", None,
                             el("w:rPrDefault", None, run_props(gb.ROLE_BODY, gb.BODY_SIZE_PT)),
                             el("w:pPrDefault", None, ordered("w:pPr", [line_spacing(gb.LINE_PITCH_PT)]))))
    styles_element.append(ordered("w:style", [
        val("w:name", "Normal"), el("w:qFormat"),
        ordered("w:pPr", [flag("w:widowControl", False), val("w:jc", "both")]),
        ordered("w:rPr", [fonts(body)]),
    ], {"w:type": "paragraph", "w:default": 1, "w:styleId": "Normal"}))
    styles_element.append(el("w:style", {"w:type": "character", "w:default": 1,
                                         "w:styleId": "DefaultParagraphFont"},
                             val("w:name", "Default Paragraph Font"), el("w:semiHidden")))
    styles_element.append(el("w:style", {"w:type": "table", "w:default": 1, "w:styleId": "TableNormal"},
                             val("w:name", "Normal Table"), el("w:semiHidden"),
                             el("w:tblPr", None, el("w:tblCellMar", None,
                                                    ox.width("w:left", ox.ZERO),
                                                    ox.width("w:right", ox.ZERO)))))
    for spec in STYLES:
        styles_element.append(_style(spec))


def _level(level: int):
    fmt, text = forms.word_number_format(level)
    spec = STYLE_BY_ID[HEADING_STYLE_IDS[level]]
    return ordered("w:lvl", [
        val("w:start", 1), val("w:numFmt", fmt), val("w:pStyle", spec.style_id),
        val("w:suff", "nothing"),  # the label runs straight into the heading text
        val("w:lvlText", text), val("w:lvlJc", "left"),
        ordered("w:pPr", [ox.first_line(pt(gb.chars_pt(gb.PARAGRAPH_INDENT_CHARS)),
                                        left=ox.ZERO)]),
        run_props(spec.role, spec.size_pt),
    ], {"w:ilvl": level - 1})


def build_numbering(numbering_element, instances: int) -> None:
    """One multilevel list 一、（一）1.（1）; `instances` numbering runs that each restart
    at 一 (the body, then one per attachment)."""
    for child in list(numbering_element):
        numbering_element.remove(child)
    numbering_element.append(el("w:abstractNum", {"w:abstractNumId": _ABSTRACT_NUM_ID},
                                val("w:multiLevelType", "multilevel"),
                                *[_level(lvl.level) for lvl in gb.HEADING_LEVELS]))
    for num_id in range(BODY_NUM_ID, BODY_NUM_ID + instances):
        overrides = [] if num_id == BODY_NUM_ID else [
            el("w:lvlOverride", {"w:ilvl": i}, val("w:startOverride", 1))
            for i in range(len(gb.HEADING_LEVELS))]
        numbering_element.append(el("w:num", {"w:numId": num_id},
                                    val("w:abstractNumId", _ABSTRACT_NUM_ID), *overrides))


def font_table_xml() -> bytes:
    """fontTable.xml naming each standard font with its other family name (w:altName), so
    Word/WPS find 仿宋_GB2312 installed as FangSong_GB2312 and vice versa."""
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    entries = "".join(
        f'<w:font w:name="{role.name}"><w:altName w:val="{role.alt_name}"/>'
        '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for role in gb.FONT_ROLES.values())
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:fonts xmlns:w="{ns}">{entries}</w:fonts>').encode("utf-8")
