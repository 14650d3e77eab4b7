"""The .docx writer: lays the document model out to GB/T 9704 with python-docx.

python-docx carries the package (parts, relationships, images, footers, settings); the
paragraphs themselves are built from ooxml helpers so every property sits in schema order.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from pipeline import standard as gb
from pipeline.fonts.book import FontBook
from pipeline.model import Document, Figure, Heading, Seal, Table
from pipeline.writers import docx_styles as styles
from pipeline.writers import datablocks as dblk
from pipeline.writers import geometry as geo
from pipeline.writers import pagination as pg
from pipeline.writers import special_docx as shapes
from pipeline.writers import walk
from pipeline.writers.atomic import atomic_path
from pipeline.writers import ooxml as ox
from pipeline.writers.ooxml import anchored_picture, el, emu_mm, ordered, pt, reorder, val
from pipeline.text.width import text_chars



class LibreOfficeInk:
    """Where the ink of a CJK glyph lands inside a line of exact height, measured on
    LibreOffice's PDF with the fonts the setup installs (FandolFang for 仿宋 …): the renderer
    puts the extra leading above the glyph, so the ink top sits _TOP_EM above the bottom of
    the line box and the ink bottom _BOTTOM_EM above it."""
    _TOP_EM = {"fang": 1.111, "hei": 1.088, "kai": 1.073, "xiaobiaosong": 1.186, "song": 1.118}
    _BOTTOM_EM = {"fang": 0.226, "hei": 0.211, "kai": 0.248, "xiaobiaosong": 0.301,
                  "song": 0.218}

    def top(self, role: str, size: float, line: float) -> float:
        return line - self._TOP_EM[role] * size

    def bottom(self, role: str, size: float, line: float) -> float:
        return line - self._BOTTOM_EM[role] * size


LAYOUT = geo.Layout(LibreOfficeInk())
P, CORE_W, CH = geo.P, geo.CORE_W, geo.CH
DOCX_TOP_MARGIN_PT = LAYOUT.top_margin
DOCX_BOTTOM_MARGIN_PT = LAYOUT.bottom_margin
# The 一字线 of "— 1 —" runs at mid-height of the 4号 glyph; the footer's line box is set
# so that stroke lands 7 mm under the core.
_FOOTER_LINE_PT = geo.PAGE_NUMBER_LINE_PT
_DASH_ABOVE_LINE_BOTTOM_EM = 0.55  # measured like LibreOfficeInk, FandolSong em dash
# LibreOffice puts this much space between Chinese and Latin letters or digits whatever the
# .docx's w:autoSpaceDE/DN say (measured on its PDF: 3.45-3.57 pt at 3号)
_LO_AUTOSPACE_PT = 3.5


def _script_boundaries(text: str) -> int:
    """Places where Chinese text meets a Latin letter or digit."""
    latin = [c.isascii() and c.isalnum() for c in text]
    return sum(1 for a, b in zip(latin, latin[1:]) if a != b)


# A single-spaced table row of 3号 text in LibreOffice (measured pitch 6.95 mm)
_LO_TABLE_LINE_EM = 1.22
DOCX_FOOTER_DISTANCE_PT = (geo.PAGE_H - geo.PAGE_NUMBER_DASH_Y
                           - _DASH_ABOVE_LINE_BOTTOM_EM * gb.PAGE_NUMBER_SIZE_PT)


# --- paragraphs and runs ------------------------------------------------------------------
def _run(text: str, role: str | None = None, size: float | None = None, color: str | None = None):
    """A run; role/size/colour only where it differs from the paragraph style."""
    rpr = None
    if role or size or color:
        rpr = styles.run_props(role or gb.ROLE_BODY, size or gb.BODY_SIZE_PT, color)
    parts = []
    for i, chunk in enumerate(text.split("\t")):
        if i:
            parts.append(el("w:tab"))
        if chunk:
            t = el("w:t", {"xml:space": "preserve"})
            t.text = chunk
            parts.append(t)
    return el("w:r", None, rpr, *parts)


def _break_run():
    return el("w:r", None, el("w:br"))


def _para(style: str, runs=(), *ppr):
    return el("w:p", None, ordered("w:pPr", [val("w:pStyle", style), *ppr]), *runs)


# The layout (writers.geometry) measures in points; these turn its numbers into typed
# lengths for the OOXML builders.
def _spacing(before_pt: float = 0, line_pt: float | None = None):
    """before_pt above, lines of exactly line_pt (one body line by default)."""
    return ox.spacing(pt(before_pt), pt(line_pt or P))


def _ind(left: float = 0, right: float = 0, first: float = 0, hanging: float = 0):
    return ox.indent(pt(left), pt(right), pt(first), pt(hanging))


def _tabs(*stops: tuple[str, float]):
    return ox.tab_stops(*[(kind, pt(pos)) for kind, pos in stops])


def _red_line():
    """The red separator: a bottom border 4 mm under the ink of the paragraph's line (a
    发文字号, a 纪要's date line), across the whole core."""
    return el("w:pBdr", None, ox.border("w:bottom", pt(gb.RED_LINE_WIDTH_PT), gb.RED,
                                        pt(LAYOUT.red_line_gap())))


def _heading_para(block: Heading, style: str, *ppr):
    """A heading paragraph: the level's style numbers it (live numbering) and sets label and
    heading text in the level's font; the text of a run-in heading runs on in the body font,
    and such a paragraph is not kept with the next one (it is body text, not a title line).
    `ppr`: further paragraph properties (numbering, a page break)."""
    if not block.body:
        return _para(style, [_run(block.text)], *ppr)
    runs = [_run(block.text), _run(block.body, gb.ROLE_BODY)]
    return _para(style, runs, val("w:keepNext", 0), *ppr)


def _blank(n: int = 1):
    return [_para("GwBody", (), _ind()) for _ in range(n)]


class _DocxWriter(walk.Writer):
    """One rule per element kind (writers.walk); each appends its paragraphs and tables."""

    def __init__(self, doc: Document, pages: pg.Pages, fonts: FontBook | None = None):
        self.doc = doc
        self.fonts = fonts or FontBook()
        self.pages = pages  # the pagination the PDF writer also follows
        self.d = docx.Document()
        self.body = self.d.element.body
        for child in list(self.body):
            self.body.remove(child)
        self.blocks: list = []
        self.closing: list = []  # the 版记's blocks; placed by build() after the pagination
        self._drawing_id = 100

    # --- package-level parts --------------------------------------------------------
    def _setup_parts(self) -> None:
        styles.build_styles(self.d.styles.element)
        styles.build_numbering(self.d.part.numbering_part.element, 1 + len(self.doc.attachments))
        self.d.settings.odd_and_even_pages_header_footer = True  # w:evenAndOddHeaders
        for rel in self.d.part.rels.values():
            if rel.reltype == RT.FONT_TABLE:
                rel.target_part._blob = styles.font_table_xml()
        core = self.d.core_properties
        core.title = self.doc.title.replace("\n", "")
        core.author = "、".join(self.doc.header.organ_names)
        core.subject = self.doc.kind
        core.keywords = self.doc.header.number
        core.created = core.modified = dt.datetime.now().replace(microsecond=0)
        core.last_modified_by = "gongwen"
        core.comments = "GB/T 9704-2012"

    # --- 版头 -----------------------------------------------------------------------
    @walk.rule(walk.HEADER_LINES)
    def _header_lines(self, e: walk.Element) -> None:
        for text, role, _element in geo.header_lines(e.node):
            self.blocks.append(_para("GwHeaderLine", [_run(text, role)]))

    @walk.rule(walk.ORGAN_MARK)
    def _organ_mark(self, e: walk.Element) -> None:
        h = e.node
        names = h.organ_names
        joint = len(names) > 1
        size, line = geo.organ_mark_type(h)
        role = gb.ROLE_ORGAN_MARK
        before = LAYOUT.organ_mark_before(len(geo.header_lines(h)), size, line)
        if not joint:
            text = names[0] + h.mark_suffix
            self.blocks.append(_para("GwOrganMark", [_run(text, role, size, gb.RED)],
                                     _spacing(before, line)))
            self._mark = (size, line)
            return
        # joint issuance: names stacked, "文件" to their right, centred on them vertically
        gap = gb.mm_to_pt(gb.ORGAN_MARK_LINE_GAP_MM)
        mark = geo.joint_mark(h, size)
        names_w, suffix_w = mark.names_w, mark.suffix_w
        # the space above goes in a spacer paragraph: inside the first row it would pull
        # the vertically centred "文件" upwards
        self.blocks.append(_para("GwOrganMark", (), _spacing(0, max(1.0, before))))
        rows = []
        for i, name in enumerate(names):
            spacing = _spacing(0 if i == 0 else gap, line)
            name_p = _para("GwOrganMark", [_run(name, role, size, gb.RED)], spacing,
                           val("w:jc", "distribute"))
            cells = [self._cell(names_w, [name_p])]
            if h.mark_suffix and i == 0:
                suffix_p = _para("GwOrganMark", [_run(h.mark_suffix, role, size, gb.RED)],
                                 _spacing(0, line), val("w:jc", "left"))
                cells.append(self._cell(suffix_w, [suffix_p], v_merge="restart", v_align="center"))
            elif h.mark_suffix:
                cells.append(self._cell(suffix_w, [_para("GwOrganMark", (), _spacing(0, line))],
                                        v_merge="continue"))
            rows.append(el("w:tr", None, *cells))
        widths = [names_w] + ([suffix_w] if h.mark_suffix else [])
        self.blocks.append(self._table(widths, rows, indent=mark.left, borders=False))
        self._mark = (size, line)

    @walk.rule(walk.DOC_NUMBER)
    def _doc_number(self, e: walk.Element) -> None:
        h = e.node
        blank = LAYOUT.doc_number_before(*self._mark)
        red_line = _red_line()
        if not h.signers:
            self.blocks.append(_para("GwDocNumber", [_run(h.number)] if h.number else [],
                                     _spacing(blank), red_line))
            return
        # 签发人: names on the right, one character in; the number on the left, one character
        # in, on the line of the last signer (GB/T 9704 7.2.4). Two names to a line.
        lay = geo.signer_layout(h.signers, text_chars)
        for i, row in enumerate(lay.rows):
            last = i == len(lay.rows) - 1
            runs = []
            # the label runs straight into the names; later rows align with the first name
            stops = [("left", lay.label_x if i == 0 else lay.names_x)]
            if last and h.number:
                runs += [_run("\t"), _run(h.number)]
                stops.insert(0, ("left", lay.number_x))
            runs.append(_run("\t" + (geo.SIGNER_LABEL if i == 0 else "")))
            runs.append(_run("　".join(row), gb.ROLE_SIGNER_NAMES))
            ppr = [_spacing(blank if i == 0 else 0), _tabs(*stops), val("w:jc", "left")]
            if last:
                ppr.append(red_line)
            self.blocks.append(_para("GwDocNumber", runs, *ppr))

    # the special formats' heads (GB/T 9704 clause 10)
    def _drawing(self, anchor):
        self._drawing_id += 1
        return el("w:r", None, el("w:drawing", None, anchor))

    @walk.rule(walk.LETTER_HEAD)
    def _letter_head(self, e: walk.Element) -> None:
        """信函 (10.1): mark and double lines as shapes at their places on the page (the mark
        stands above the core); the 份号 … and 发文字号 lines in the flow, between spacers
        that make the head whole grid lines high."""
        h = e.node.header
        size, line = geo.organ_mark_type(h)
        stack = geo.header_lines(h)
        # the glyphs' height from the font itself: the LibreOffice ink model holds at body
        # and title sizes, a letter's mark is larger
        m = self.fonts.metrics(gb.ROLE_ORGAN_MARK)
        head = geo.letter_head(LAYOUT.ink, DOCX_TOP_MARGIN_PT, size, line, rows=len(stack),
                               mark_ink_height=(m.ink_top - m.ink_bottom) * size)
        top, left = DOCX_TOP_MARGIN_PT, geo.CORE_LEFT
        mark = _para("GwOrganMark", [_run(h.organ_names[0] + h.mark_suffix,
                                          gb.ROLE_ORGAN_MARK, size, gb.RED)],
                     _spacing(0, line))
        runs = [self._drawing(shapes.text_box(left, top + head.mark_y, CORE_W, line,
                                              self._drawing_id + 1, mark, "发文机关标志"))]
        for bar in head.rules:
            runs.append(self._drawing(shapes.bar(left + bar.x, top + bar.y, bar.width,
                                                 bar.thickness, self._drawing_id + 1)))
        self.blocks.append(_para("GwHeaderLine", runs, _spacing(0, head.number_y)))
        rows = [(text, role) for text, role, _element in stack] or [("", gb.ROLE_BODY)]
        for i, (text, role) in enumerate(rows):
            line_runs = [_run(text, role)] if text else []
            if i == 0 and h.number:  # the 发文字号 flush right on the first line
                line_runs += [_run("\t"), _run(h.number)]
            style = "GwDocNumber" if i == 0 and h.number else "GwHeaderLine"
            self.blocks.append(_para(style, line_runs, _tabs(("right", CORE_W)),
                                     val("w:jc", "left")))
        rest = head.lines * P - head.number_y - len(rows) * P
        self.blocks.append(_para("GwHeaderLine", (), _spacing(0, max(1.0, rest))))

    @walk.rule(walk.ORDER_HEAD)
    def _order_head(self, e: walk.Element) -> None:
        """命令（令） (10.2): organ + 令 20 mm below the core's top, the 令号 centred two blank
        lines below (on the grid), two blank lines before the body; no red line."""
        h = e.node.header
        size, line = geo.organ_mark_type(h)
        lines = len(geo.header_lines(h))
        before = LAYOUT.organ_mark_before(lines, size, line,
                                          from_core_mm=gb.ORDER_MARK_TOP_FROM_CORE_MM)
        self.blocks.append(_para("GwOrganMark", [_run(h.organ_names[0] + h.mark_suffix,
                                                      gb.ROLE_ORGAN_MARK, size, gb.RED)],
                                 _spacing(before, line)))
        self.blocks.append(_para("GwOrderNumber", [_run(e.node.order_number)], _spacing(
            LAYOUT.order_number_before(lines, before, size, line))))
        self.blocks += _blank(gb.ORDER_BODY_BLANK_LINES_ABOVE)

    @walk.rule(walk.MINUTES_HEAD)
    def _minutes_head(self, e: walk.Element) -> None:
        """纪要 (10.3): organ + 纪要 where a 文件's mark stands; the number line (第12期)
        centred where a 发文字号 stands, the issuing office on the left and the date on the
        right under it, the red line under them (writers/special_html.py says why)."""
        doc = e.node
        self._organ_mark(walk.Element(walk.ORGAN_MARK, doc.header))
        blank = LAYOUT.doc_number_before(*self._mark)
        red_line = _red_line()
        paras = []
        if doc.meeting and doc.meeting.issue:
            paras.append([[_run(doc.meeting.issue)], []])
        if doc.signature:
            side = gb.SIGNER_INDENT_CHARS * CH
            paras.append([[_run("\t" + "、".join(doc.signature.organs) + "\t"
                                + doc.signature.date)],
                          [_tabs(("left", side), ("right", CORE_W - side)),
                           val("w:jc", "left")]])
        if not paras:
            paras.append([[], []])
        for i, (runs, ppr) in enumerate(paras):
            ppr = ppr + [_spacing(blank if i == 0 else 0)]
            if i == len(paras) - 1:
                ppr.append(red_line)
            self.blocks.append(_para("GwIssueLine", runs, *ppr))

    # --- 主体 -----------------------------------------------------------------------
    def _title(self, lines: list[str], before_pt: float, style: str = "GwTitle") -> None:
        runs = []
        for i, line in enumerate(lines):
            if i:
                runs.append(_break_run())
            runs.append(_run(line))
        self.blocks.append(_para(style, runs, _spacing(before_pt)))

    @walk.rule(walk.TITLE)
    def _main_title(self, e: walk.Element) -> None:
        # a letter's head already holds the blank lines above its title
        before = 0.0 if e.node.format == gb.FORMAT_LETTER else gb.TITLE_BLANK_LINES_ABOVE * P
        self._title(e.node.title_lines or [e.node.title], before)

    @walk.rule(walk.TITLE_NOTE)
    def _title_note(self, e: walk.Element) -> None:
        # centred on the line after the title's last line (the style), its lines broken as
        # the PDF breaks them
        doc = e.node
        self._title(doc.title_note_lines or [geo.parenthesised(doc.title_note)],
                    gb.TITLE_NOTE_BLANK_LINES_ABOVE * P, "GwTitleNote")

    @walk.rule(walk.ADDRESSEES)
    def _addressees(self, e: walk.Element) -> None:
        if not e.node:  # none given: only the blank line above where it would stand
            self.blocks.append(_para("GwAddressee", [],
                                     _spacing(0, gb.ADDRESSEE_BLANK_LINES_ABOVE * P)))
            return
        self.blocks.append(_para("GwAddressee", [_run(e.node)],
                                 _spacing(gb.ADDRESSEE_BLANK_LINES_ABOVE * P)))

    def _page_break(self, e: walk.Element):
        """pageBreakBefore where the pagination carries the text over from this block."""
        return el("w:pageBreakBefore") if e.scope < 0 and self.pages.carry == (e.index, 0) \
            else None

    @walk.rule(walk.HEADING)
    def _heading(self, e: walk.Element) -> None:
        block = e.node
        style = styles.HEADING_STYLE_IDS[block.level]
        num = None
        if e.scope >= 0:  # an attachment's headings count from 一 again: their own list
            num = el("w:numPr", None, val("w:ilvl", block.level - 1),
                     val("w:numId", styles.BODY_NUM_ID + 1 + e.scope))
        self.blocks.append(_heading_para(block, style, num, self._page_break(e)))

    @walk.rule(walk.PARAGRAPH)
    def _paragraph(self, e: walk.Element) -> None:
        carry = self.pages.carry
        if e.scope < 0 and carry and carry[0] == e.index and carry[1]:
            self._carried(e.node.text, self.pages.carry_lines)
        else:
            self.blocks.append(_para("GwBody", [_run(e.node.text)], self._page_break(e)))

    @walk.rule(walk.TABLE)
    def _table_block(self, e: walk.Element) -> None:
        block = e.node
        if self.blocks and self.blocks[-1].tag == qn("w:tbl") and not (
                block.caption or block.unit):
            # Word and LibreOffice join two tables that touch into one; a 1 pt line
            # keeps them apart without costing a body line
            self.blocks.append(_para("GwTable", (), _spacing(0, 1)))
        self.blocks += self._data_table(block)

    @walk.rule(walk.FIGURE)
    def _figure_block(self, e: walk.Element) -> None:
        self.blocks += self._figure(e.node)

    def _carried(self, text: str, lines: list[str]) -> None:
        """A paragraph whose last lines go over to the signature's page (writers.pagination):
        two paragraphs, the first ending at the PDF writer's line end and justified to the
        end of its last (full) line, the second opening the next page without an indent.
        Each line of the first is a run condensed by what LibreOffice adds between Chinese
        and Latin/digits (it has no switch for it in a .docx), so it breaks where the PDF
        does; Word and WPS add nothing there and spread the line to the margin."""
        chars = sum(map(len, lines))
        runs = []
        for line in lines:
            gaps = _script_boundaries(line)
            extra = -_LO_AUTOSPACE_PT * gaps / max(1, len(line) - 1) if gaps else 0.0
            rpr = ordered("w:rPr", [ox.char_spacing(pt(gb.CHAR_CONDENSE_PT + extra))])
            t = el("w:t", {"xml:space": "preserve"})
            t.text = line
            runs.append(el("w:r", None, rpr, t))
        self.blocks.append(_para("GwBody", runs, val("w:jc", "distribute")))
        self.blocks.append(_para("GwBody", [_run(text[chars:])], el("w:pageBreakBefore"),
                                 _ind()))

    @walk.rule(walk.ATTACHMENT_NOTE)
    def _attachment_note(self, e: walk.Element) -> None:
        names = e.node
        before = gb.ATTACHMENT_NOTE_BLANK_LINES_ABOVE * P
        for i, (text, first_x, rest_x) in enumerate(geo.attachment_note_lines(names, text_chars)):
            self.blocks.append(_para("GwAttachmentNote", [_run(text)],
                                     _spacing(before if i == 0 else 0),
                                     _ind(left=rest_x, hanging=rest_x - first_x)))

    @walk.rule(walk.SIGNATURE)
    def _signature(self, e: walk.Element) -> None:
        sig = e.node
        date_w = text_chars(sig.date) * CH
        if sig.seals:
            self._sealed_signature(sig.organs, sig.date, date_w, sig.seals)
            return
        name_w = max(text_chars(n) for n in sig.organs) * CH
        place = geo.plain_signature(name_w, date_w)
        before = gb.SIGNATURE_NO_SEAL_BLANK_LINES_ABOVE * P
        for i, organ in enumerate(sig.organs):
            # stacked joint names keep one left edge
            pad = name_w - text_chars(organ) * CH
            self.blocks.append(_para("GwSignature", [_run(organ)], _spacing(before if i == 0 else 0),
                                     _ind(right=place.name_right + pad), val("w:jc", "right")))
        self.blocks.append(_para("GwSignature", [_run(sig.date)], _ind(right=place.date_right),
                                 val("w:jc", "right")))

    def _sealed_signature(self, organs: list[str], date: str, date_w: float,
                          seals: list[Seal]) -> None:
        centres = geo.sealed_name_centres(len(organs), date_w, max(s.diameter_mm for s in seals))
        self.blocks += _blank(gb.SIGNATURE_SEAL_BLANK_LINES_ABOVE)
        runs = []
        for organ, centre in zip(organs, centres):
            runs.append(_run("\t" + organ))
        anchors = [self._seal_anchor(seal, centre) for seal, centre in zip(seals, centres)]
        self.blocks.append(_para("GwSignature", anchors + runs,
                                 _tabs(*[("center", c) for c in centres])))
        self.blocks.append(_para("GwSignature", [_run("\t" + date)],
                                 _tabs(("center", centres[-1]))))

    def _seal_anchor(self, seal: Seal, centre_x: float):
        """A floating picture behind the text, centred on the name at centre_x; its centre a
        quarter line below the name line's top, so name and date sit below the centre."""
        rid, _image = self.d.part.get_or_add_image(io.BytesIO(seal.png))
        size = emu_mm(seal.diameter_mm)
        left, top = geo.seal_box(centre_x, seal.diameter_mm, seal.offset_mm)
        x, y = emu_mm(gb.pt_to_mm(left)), emu_mm(gb.pt_to_mm(top))
        self._drawing_id += 1
        anchor = anchored_picture(rid, size, size, x, y, self._drawing_id, name="印章",
                                   file="seal.png", behind=True)
        return el("w:r", None, el("w:drawing", None, anchor))

    @walk.rule(walk.STAMP_SIGNATURE)
    def _stamp_signature(self, e: walk.Element) -> None:
        """The 签名章 form (7.3.5.3): two blank lines; a block of whole lines holding the
        stamp (anchored to its first spacer) and the 职务 centred on the stamp's height; one
        blank line; the date four characters in from the right."""
        sig = e.node
        place = geo.stamp_layout(geo.png_aspect(sig.stamp.png), sig.stamp.height_mm,
                                 LAYOUT.ink)
        rid, _image = self.d.part.get_or_add_image(io.BytesIO(sig.stamp.png))
        self._drawing_id += 1
        anchor = anchored_picture(rid, emu_mm(gb.pt_to_mm(place.width)),
                                  emu_mm(gb.pt_to_mm(place.height)),
                                  emu_mm(gb.pt_to_mm(place.left)), emu_mm(gb.pt_to_mm(place.top)),
                                  self._drawing_id, name="签名章", file="stamp.png",
                                  behind=False, alt="签名章")
        self.blocks += _blank(gb.STAMP_BLANK_LINES_ABOVE)
        above = max(1.0, place.title_y)
        self.blocks.append(_para("GwSignature", [el("w:r", None, el("w:drawing", None, anchor))],
                                 _spacing(0, above)))
        self.blocks.append(_para("GwSignature", [_run(sig.signer_title)],
                                 _ind(left=place.title_x)))
        below = place.lines * P - above - P
        self.blocks.append(_para("GwSignature", (), _spacing(0, max(1.0, below))))
        self.blocks.append(_para("GwSignature", [_run(sig.date)],
                                 _spacing(gb.STAMP_DATE_BLANK_LINES_ABOVE * P),
                                 _ind(right=place.date_right), val("w:jc", "right")))

    @walk.rule(walk.ATTENDANCE)
    def _attendance(self, e: walk.Element) -> None:
        """出席, 请假, 列席 (10.3): one blank line, each list a paragraph: the label in 黑体
        two characters in, the names after it, wrapped lines hanging under the first name."""
        indent = gb.MINUTES_ATTENDANCE_INDENT_CHARS * CH
        before = gb.MINUTES_ATTENDANCE_BLANK_LINES_ABOVE * P
        for i, (label, names, names_x) in enumerate(geo.attendance_lines(e.node)):
            self.blocks.append(_para("GwSignature", [_run(label, gb.ROLE_ATTENDANCE_LABEL),
                                                     _run(names)],
                                     _spacing(before if i == 0 else 0),
                                     _ind(left=names_x, hanging=names_x - indent)))

    @walk.rule(walk.NOTE)
    def _note(self, e: walk.Element) -> None:
        self.blocks.append(_para("GwNote", [_run(geo.parenthesised(e.node))]))

    @walk.rule(walk.ATTACHMENT)
    def _attachment(self, e: walk.Element) -> None:
        att = e.node
        self.blocks.append(_para("GwAttachmentLabel", [_run(e.where)], el("w:pageBreakBefore")))
        self._title(att.title_lines or [att.title],
                    (gb.ATTACHMENT_TITLE_LINE - 2) * P)
        self.blocks += _blank(1)

    # --- tables ---------------------------------------------------------------------
    def _cell(self, width: float, paras, v_merge: str | None = None, v_align: str | None = None,
              borders=None):
        tcpr = ordered("w:tcPr", [
            ox.width("w:tcW", pt(width)),
            val("w:vMerge", v_merge) if v_merge else None,
            borders,
            val("w:vAlign", v_align) if v_align else None,
        ])
        return el("w:tc", None, tcpr, *paras)

    def _table(self, widths: list[float], rows, *, indent: float = 0, borders: bool = True,
               border_set=None, pad: float = 0):
        """A table whose w:tblW equals the sum of its w:gridCol (WPS reads only the grid)."""
        total = sum(widths)
        tblpr = ordered("w:tblPr", [
            ox.width("w:tblW", pt(total)),
            ox.width("w:tblInd", pt(indent)),
            border_set if border_set is not None else el("w:tblBorders", None, *[
                ox.border(f"w:{side}", ox.mm(gb.TABLE_RULE_MM), gb.BLACK) if borders
                else val(f"w:{side}", "nil")
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")]),
            el("w:tblLayout", {"w:type": "fixed"}),
            el("w:tblCellMar", None, ox.width("w:left", pt(pad)), ox.width("w:right", pt(pad))),
        ])
        grid = ox.grid([pt(w) for w in widths])
        return el("w:tbl", None, tblpr, grid, *rows)

    def _data_table(self, table: Table) -> list:
        """A 公文 table: caption (黑体, centred) and unit line (right) kept with it, header row
        in 黑体 repeated on every page, numbers right-aligned, the 合计 row last. Rows are
        exactly whole body lines high so the table takes the same room in every renderer."""
        lay = dblk.table_layout(table, text_chars)
        align = table.align or ["center"] * len(table.header)
        out = []
        if table.caption:
            out.append(_para("GwTable", [_run(table.caption, gb.ROLE_TABLE_CAPTION)],
                             el("w:keepNext"), _spacing(0, P), val("w:jc", "center")))
        if table.unit:
            out.append(_para("GwTable", [_run(dblk.UNIT_LABEL + table.unit)], el("w:keepNext"),
                             _spacing(0, P), val("w:jc", "right")))
        rows = []
        for r, (row, lines) in enumerate(zip(dblk.all_rows(table), lay.lines)):
            header = r == 0
            cells = []
            for c, (text, width) in enumerate(zip(row, lay.widths)):
                jc = "center" if header or (c == 0 and table.total and r == len(lay.lines) - 1) \
                    else align[c]
                run = _run(text, gb.ROLE_TABLE_HEADER if header else None)
                cells.append(self._cell(width, [_para("GwTable", [run], _spacing(0, P),
                                                      val("w:jc", jc))], v_align="center"))
            trpr = ordered("w:trPr", [
                el("w:cantSplit"),
                ox.row_height(pt(lines * P), "exact"),
                el("w:tblHeader") if header else None])
            rows.append(el("w:tr", None, trpr, *cells))
        out.append(self._table(lay.widths, rows, pad=dblk.CELL_PAD))
        return out

    def _figure(self, figure: Figure) -> list:
        """A chart: one paragraph exactly `lines` body lines high holding the picture at the
        core's width (anchored to it: an inline picture in an exact-pitch line is clipped),
        kept with its caption below."""
        rid, _image = self.d.part.get_or_add_image(io.BytesIO(figure.png))
        width, height = dblk.figure_size(figure)
        self._drawing_id += 1
        anchor = anchored_picture(rid, emu_mm(gb.pt_to_mm(width)), emu_mm(gb.pt_to_mm(height)),
                                  0, 0, self._drawing_id, name="图", file="chart.png",
                                  behind=False, alt=figure.alt)
        out = [_para("GwTable", [el("w:r", None, el("w:drawing", None, anchor))],
                     el("w:keepNext") if figure.caption else None,
                     _spacing(0, figure.lines * P), val("w:jc", "left"))]
        if figure.caption:
            out.append(_para("GwTable", [_run(figure.caption, gb.ROLE_TABLE_CAPTION)],
                             _spacing(0, P), val("w:jc", "center")))
        return out

    # --- 版记 ------------------------------------------------------------------------
    @walk.rule(walk.CLOSING)
    def _closing(self, e: walk.Element) -> None:
        lay = geo.closing_rows(e.node, text_chars)
        side = lay.side
        rows = []
        if lay.cc:
            rows.append(_para("GwClosing", [_run(lay.cc)],
                              _ind(left=side + lay.cc_lead, right=side, hanging=lay.cc_lead)))
        if lay.printer or lay.printed:
            tab = "\t" + lay.printed if lay.printed else ""
            rows.append(_para("GwClosing", [_run(lay.printer + tab)],
                              _tabs(("right", CORE_W - side)), _ind(left=side)))
        thick, thin = ox.mm(gb.CLOSING_THICK_LINE_MM), ox.mm(gb.CLOSING_THIN_LINE_MM)
        ruled = self.doc.format != gb.FORMAT_LETTER  # a letter's 版记 has no rules (10.1)
        if not ruled:
            # no rule closes a letter's 版记: its last line's ink, not its line box, stands on
            # the core's bottom. The text is lowered inside its exact line (w:position), which
            # keeps the box, and the table, within the core (the PDF writer shifts the same)
            drop = P - LAYOUT.ink.bottom(gb.ROLE_CLOSING, gb.CLOSING_SIZE_PT, P)
            for row in rows:
                for run in row.iter(qn("w:r")):
                    run.insert(0, ordered("w:rPr", [ox.position(pt(-drop))]))
        table_borders = el("w:tblBorders", None, ox.border("w:top", thick, gb.BLACK),
                           val("w:left", "nil"), ox.border("w:bottom", thick, gb.BLACK),
                           val("w:right", "nil"), ox.border("w:insideH", thin, gb.BLACK),
                           val("w:insideV", "nil")) if ruled else el("w:tblBorders", None, *[
                               val(f"w:{edge}", "nil") for edge in
                               ("top", "left", "bottom", "right", "insideH", "insideV")])
        trs = [el("w:tr", None, ordered("w:trPr", [
                      el("w:cantSplit"),
                      ox.row_height(pt(P), "atLeast")]),
                  self._cell(CORE_W, [p], v_align="center")) for p in rows]
        # rows are one pitch high unless a long 抄送 list wraps
        heights = [P * self._closing_lines(p) for p in rows]
        # a spacer of exact height pushes the table down so its last line lies on the core's
        # bottom edge (35 mm up), below the text it shares the page with or from the top of a
        # page of its own. Section bottom alignment or a floating table would say the same,
        # but LibreOffice ignores both for a full-width table
        top = geo.closing_top(sum(heights), len(rows), ruled) - DOCX_TOP_MARGIN_PT
        if self.pages.closing == pg.SHARED:
            pages = self.pages
            # table rows on that page are single-spaced here, taller than in the PDF
            used = pages.last_used - pages.last_table_height + pages.last_table_lines * (
                _LO_TABLE_LINE_EM * gb.BODY_SIZE_PT + gb.mm_to_pt(gb.TABLE_RULE_MM))
            spacer = _para("GwClosing", (), _spacing(0, top - used))
        else:
            spacer = _para("GwClosing", (), _spacing(0, top), el("w:pageBreakBefore"))
        table = self._table([CORE_W], trs, border_set=table_borders)
        self.closing = [spacer, table, _para("GwClosing", (), _spacing(0, 1))]

    @staticmethod
    def _closing_lines(paragraph) -> int:
        text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        return geo.closing_row_lines(text_chars(text))

    # --- sections and footers -------------------------------------------------------
    def _footer(self, footer, side: str) -> None:
        """'— N —' with a live PAGE field; odd pages right, even pages left, one char in."""
        footer.is_linked_to_previous = False
        element = footer._element
        for child in list(element):
            element.remove(child)
        if side == "none":  # kept tiny: a tall empty footer would shrink the page's text area
            element.append(_para("GwPageNumber", (), _spacing(0, 1)))
            return
        dash = gb.PAGE_NUMBER_DASH
        indent = gb.PAGE_NUMBER_SIDE_INDENT_CHARS * CH
        field = [el("w:r", None, el("w:fldChar", {"w:fldCharType": "begin"})),
                 el("w:r", None, el("w:instrText", {"xml:space": "preserve"})),
                 el("w:r", None, el("w:fldChar", {"w:fldCharType": "separate"})),
                 _run("1"),
                 el("w:r", None, el("w:fldChar", {"w:fldCharType": "end"}))]
        field[1][0].text = " PAGE "
        ind = _ind(right=indent) if side == "right" else _ind(left=indent)
        element.append(_para("GwPageNumber", [_run(f"{dash} "), *field, _run(f" {dash}")],
                             ind, val("w:jc", side), _spacing(0, _FOOTER_LINE_PT)))

    def _section_props(self, section, *, numbered: bool, first_numbered: bool = True) -> None:
        section.page_width = docx.shared.Pt(gb.mm_to_pt(gb.PAGE_WIDTH_MM))
        section.page_height = docx.shared.Pt(gb.mm_to_pt(gb.PAGE_HEIGHT_MM))
        whole = ox.section_length
        section.top_margin = whole(pt(DOCX_TOP_MARGIN_PT))
        section.bottom_margin = whole(pt(DOCX_BOTTOM_MARGIN_PT))
        section.left_margin = whole(ox.mm(gb.MARGIN_LEFT_MM))
        section.right_margin = whole(ox.mm(gb.MARGIN_RIGHT_MM))
        section.header_distance = whole(ox.mm(15))
        section.footer_distance = whole(pt(DOCX_FOOTER_DISTANCE_PT))
        section.gutter = 0
        self._footer(section.footer, "right" if numbered else "none")
        self._footer(section.even_page_footer, "left" if numbered else "none")
        if not first_numbered:  # a letter's first page (GB/T 9704 10.1)
            section.different_first_page_header_footer = True  # w:titlePg
            self._footer(section.first_page_footer, "none")
        sect = section._sectPr
        for old in sect.findall(qn("w:docGrid")):
            sect.remove(old)
        sect.append(ox.line_grid(pt(P)))
        reorder(sect)

    def build(self) -> docx.document.Document:
        self._setup_parts()
        self.render(self.doc)
        for block in self.blocks:
            self.body.append(block)
        closing = self.closing
        blank = self.pages.closing == pg.AFTER_BLANK
        if closing and not blank:
            # shared with the last page, or on the next page, which is numbered (GB/T 9704 7.5)
            for block in closing:
                self.body.append(block)
        elif closing:
            # the text ends on a full even page: close the numbered section; a blank page and
            # the 版记 page follow in a section without page numbers. The blank page is an
            # explicit empty page, not `w:type evenPage`, which LibreOffice ignores
            last = self.blocks[-1]
            if last.tag != qn("w:p"):
                last = el("w:p", None, ordered("w:pPr", [val("w:pStyle", "GwBody")]))
                self.body.append(last)
            ppr = last.find(qn("w:pPr"))
            ppr.append(el("w:sectPr"))
            reorder(ppr)
            self.body.append(_para("GwBody", (), _ind()))
            for block in closing:
                self.body.append(block)
        self.body.append(el("w:sectPr"))
        sections = list(self.d.sections)
        for i, section in enumerate(sections):
            self._section_props(section, numbered=not (blank and i == len(sections) - 1),
                                first_numbered=i > 0 or self.pages.numbered[0])
        return self.d


def write_docx(doc: Document, path: Path, fonts: FontBook | None = None) -> Path:
    """Write the document to path atomically (a failed build leaves no half file). Pages end
    where the PDF writer's line layout ends them (writers.pagination)."""
    from pipeline.writers.html import paginate

    fonts = fonts or FontBook()
    built = _DocxWriter(doc, paginate(doc, fonts), fonts).build()
    with atomic_path(path) as tmp:
        built.save(str(tmp))
    return path
