"""The HTML writer: lays the document model out as print-ready HTML for WeasyPrint.

Lines are set here (text.linebreak) with the advance widths of the fonts that will print
them, so breaking follows Chinese rules and full lines are justified; the jinja2 templates in
templates/pdf/ only turn the set lines into markup and CSS. Every distance comes from
writers.geometry and standard, as in the .docx writer.
"""
from __future__ import annotations

import base64
import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from pipeline import standard as gb
from pipeline.cache import template_cache
from pipeline.fonts.book import FontBook, FontError, Substitution, advance, covers
from pipeline.model import Document, Figure, Heading, Table
from pipeline.writers import datablocks as dblk
from pipeline.writers import geometry as geo
from pipeline.writers import pagination as pg
from pipeline.writers import special_html as special
from pipeline.writers import walk
from pipeline.text.linebreak import break_lines
from pipeline.text.width import text_chars

P, CORE_W, CH = geo.P, geo.CORE_W, geo.CH
TAIL = ("tail",)  # 附件说明, signature and 附注: kept on one page with body text
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "pdf"


class FontInk:
    """Where ink lands in a WeasyPrint line box, from the metrics of the font that prints."""

    def __init__(self, fonts: FontBook):
        self.fonts = fonts

    def top(self, role: str, size: float, line: float) -> float:
        return self.fonts.metrics(role).ink_top_in(size, line)

    def bottom(self, role: str, size: float, line: float) -> float:
        return self.fonts.metrics(role).ink_bottom_in(size, line)


@dataclass
class Run:
    text: str
    family: str = ""  # set when another font draws these characters


@dataclass
class Line:
    runs: list[Run]
    x: float = 0.0  # from the paragraph's left edge
    spacing: float = 0.0  # letter spacing after each character
    width: float = 0.0  # set width, for centring placed text


@dataclass
class Para:
    role: str
    size: float
    lines: list[Line]
    line: float = P  # line box height
    before: float = 0.0
    align: str = "left"  # left | center | right
    right: float = 0.0  # right indent (right-aligned lines)
    color: str = ""
    keep_next: bool = False
    tag: tuple = ()  # what it is in the model, for the pagination (writers.pagination)
    break_before: bool = False  # the pagination opens a page here
    kind: str = "para"

    def line_texts(self) -> list[str]:
        return ["".join(run.text for run in line.runs) for line in self.lines]


@dataclass
class Placed:
    """A line whose pieces stand at computed x positions (signer, sealed signature)."""
    pieces: list[tuple[float, Para]]  # (left x, one-line paragraph)
    line: float = P
    before: float = 0.0
    seals: list[dict] = field(default_factory=list)  # {left, top, size, src}
    tag: tuple = ()
    break_before: bool = False
    keep_next: bool = False
    kind: str = "placed"


@dataclass
class Rule:
    gap: float  # above the stroke
    width: float  # stroke thickness
    color: str
    kind: str = "rule"


@dataclass
class JointMark:
    names: list[Para]
    suffix: Para | None
    left: float
    names_w: float
    suffix_w: float
    before: float
    gap: float
    kind: str = "joint_mark"


@dataclass
class TableBlock:
    widths: list[float]
    rows: list[list[list[Para]]]  # rows → cells → paragraphs; row 0 is the header
    tag: tuple = ()
    break_before: bool = False
    heights: list[float] = field(default_factory=list)  # per row, whole body lines
    pad: float = 0.0  # left and right inside each cell
    caption: Para | None = None  # above the table
    unit: Para | None = None  # 单位：万元, right, just above the table
    kind: str = "table"


@dataclass
class FigureBlock:
    src: str  # data: URL of the SVG (vector) or PNG
    width: float
    height: float  # whole body lines
    alt: str
    caption: Para | None = None  # below the picture
    tag: tuple = ()
    break_before: bool = False
    kind: str = "figure"


@dataclass
class Section:
    blocks: list = field(default_factory=list)
    break_before: str = ""  # "" | "page" | "left"
    page: str = ""  # named page (a 版记 page after a blank page carries no number)
    before: float = 0.0  # space above the section's first block
    closing: bool = False  # the 版记
    ruled: bool = True  # the 版记's rules (a letter's has none, GB/T 9704 10.1)
    # drawn this much lower than its boxes stand: without rules, a letter's last 版记 line
    # puts its ink, not its line box, on the core's bottom edge; moving the drawing only
    # keeps the boxes, and so the pagination, on the grid
    shift: float = 0.0


class _Setter:
    """Sets text in a role's font: per-character fallback, line breaking, justification."""

    def __init__(self, fonts: FontBook):
        self.fonts = fonts
        self.substitutions: list[Substitution] = []
        self._seen: set[tuple[str, str]] = set()

    def _face_for(self, role: str, ch: str, where: str):
        primary = self.fonts.face(role)
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") or covers(primary, ch):
            return primary, ""
        face = self.fonts.fallback(role, ch)
        if face is None:
            raise FontError(f"{where}: no installed font has '{ch}' (U+{ord(ch):04X}); install "
                            "a font that covers it (e.g. a full CJK font such as "
                            "Noto Serif CJK) or replace the character")
        if (role, ch) not in self._seen:
            self._seen.add((role, ch))
            self.substitutions.append(Substitution(ch, role, face.family, where))
        return face, face.family

    def runs(self, text: str, role: str, where: str) -> list[Run]:
        out: list[Run] = []
        for ch in text:
            _face, family = self._face_for(role, ch, where)
            if out and out[-1].family == family:
                out[-1].text += ch
            else:
                out.append(Run(ch, family))
        return out

    def advance_fn(self, role: str, where: str):
        def adv(ch: str) -> float:
            face, _ = self._face_for(role, ch, where)
            width = advance(face, ch)
            return width if width else (1.0 if text_chars(ch) == 1 else 0.5)
        return adv

    def width(self, text: str, role: str, size: float, where: str) -> float:
        adv = self.advance_fn(role, where)
        tracking = gb.tracking_pt(size)
        return sum(adv(c) * size + tracking for c in text) - (tracking if text else 0)

    def para(self, text: str, role: str, *, where: str, size: float = gb.BODY_SIZE_PT,
             first_x: float = 0.0, rest_x: float = 0.0, room: float = CORE_W,
             justify: bool = True, **kw) -> Para:
        tracking = gb.tracking_pt(size)
        lines = []
        for set_line in break_lines(text, room - first_x, room - rest_x, size, tracking,
                                    self.advance_fn(role, where)):
            if not justify:
                set_line.justified = False
            lines.append(Line(self.runs(set_line.text, role, where),
                              first_x if not lines else rest_x,
                              set_line.spacing(tracking), set_line.width))
        return Para(role, size, lines, **kw)

    def one_line(self, text: str, role: str, *, where: str, size: float = gb.BODY_SIZE_PT,
                 **kw) -> Para:
        """A line that never wraps (names, dates, numbers)."""
        line = Line(self.runs(text, role, where), 0.0, gb.tracking_pt(size),
                    self.width(text, role, size, where))
        return Para(role, size, [line], **kw)


class _HtmlLayout(walk.Writer):
    """One rule per element kind (writers.walk); each sets its lines into layout blocks."""

    def __init__(self, doc: Document, fonts: FontBook):
        self.doc = doc
        self.fonts = fonts
        self.set = _Setter(fonts)
        self.layout = geo.Layout(FontInk(fonts))
        self.sections = [Section()]
        self.closing_rows: list = []
        self.closing_top = 0.0
        self.closing_lines = 0
        self.pages: pg.Pages | None = None

    @property
    def out(self) -> list:
        return self.sections[-1].blocks

    # --- 版头 -----------------------------------------------------------------------
    @walk.rule(walk.HEADER_LINES)
    def _header_lines(self, e: walk.Element) -> None:
        for text, role, where in geo.header_lines(e.node):
            self.out.append(self.set.one_line(text, role, where=where))

    @walk.rule(walk.ORGAN_MARK)
    def _organ_mark(self, e: walk.Element) -> None:
        h = e.node
        names = h.organ_names
        size, line = geo.organ_mark_type(h)
        role = gb.ROLE_ORGAN_MARK
        before = self.layout.organ_mark_before(len(geo.header_lines(h)), size, line)
        self._mark = (size, line)
        kw = dict(where="发文机关标志", size=size, line=line, color=gb.RED)
        if len(names) == 1:
            self.out.append(self.set.one_line(names[0] + h.mark_suffix, role, align="center",
                                              before=before, **kw))
            return
        # joint issuance: names stacked and spread to one width, the suffix to their right,
        # centred on them vertically
        mark = geo.joint_mark(h, size)
        names_w = mark.names_w
        paras = []
        for name in names:
            p = self.set.one_line(name, role, **kw)
            gaps = max(1, len(name) - 1)
            p.lines[0].spacing = (names_w - p.lines[0].width) / gaps if len(name) > 1 else 0
            paras.append(p)
        suffix = self.set.one_line(h.mark_suffix, role, **kw) if h.mark_suffix else None
        self.out.append(JointMark(paras, suffix, mark.left, names_w, mark.suffix_w, before,
                                  gb.mm_to_pt(gb.ORGAN_MARK_LINE_GAP_MM)))

    @walk.rule(walk.DOC_NUMBER)
    def _doc_number(self, e: walk.Element) -> None:
        h = e.node
        before = self.layout.doc_number_before(*self._mark)
        if not h.signers:
            self.out.append(self.set.one_line(h.number, gb.ROLE_BODY, where="发文字号",
                                              align="center", before=before))
        else:
            lay = geo.signer_layout(h.signers, text_chars)
            for i, row in enumerate(lay.rows):
                pieces = []
                names = "　".join(row)
                if i == 0:
                    pieces.append((lay.label_x, self.set.one_line(
                        geo.SIGNER_LABEL, gb.ROLE_SIGNER_LABEL, where="签发人")))
                pieces.append((lay.names_x, self.set.one_line(names, gb.ROLE_SIGNER_NAMES,
                                                              where="签发人")))
                if i == len(lay.rows) - 1 and h.number:
                    pieces.append((lay.number_x, self.set.one_line(h.number, gb.ROLE_BODY,
                                                                   where="发文字号")))
                self.out.append(Placed(pieces, before=before if i == 0 else 0.0))
        self.out.append(Rule(self.layout.red_line_gap(), gb.RED_LINE_WIDTH_PT, gb.RED))

    # the special formats' heads (GB/T 9704 clause 10)
    @walk.rule(walk.LETTER_HEAD)
    def _letter_head(self, e: walk.Element) -> None:
        special.letter_header(self)

    @walk.rule(walk.ORDER_HEAD)
    def _order_head(self, e: walk.Element) -> None:
        special.order_header(self)

    @walk.rule(walk.MINUTES_HEAD)
    def _minutes_head(self, e: walk.Element) -> None:
        special.minutes_header(self, lambda gap: Rule(gap, gb.RED_LINE_WIDTH_PT, gb.RED))

    # --- 主体 -----------------------------------------------------------------------
    def _title(self, lines: list[str], before: float, where: str, role: str = gb.ROLE_TITLE,
               size: float = gb.TITLE_SIZE_PT) -> None:
        out = []
        for text in lines:
            p = self.set.para(text, role, where=where, size=size, justify=False)
            out += p.lines
        self.out.append(Para(role, size, out, before=before, align="center", keep_next=True))

    @walk.rule(walk.TITLE)
    def _main_title(self, e: walk.Element) -> None:
        # a letter's head already holds the blank lines above its title
        before = 0.0 if e.node.format == gb.FORMAT_LETTER else gb.TITLE_BLANK_LINES_ABOVE * P
        self._title(e.node.title_lines or [e.node.title], before, e.where)

    @walk.rule(walk.TITLE_NOTE)
    def _title_note(self, e: walk.Element) -> None:
        # centred on the line after the title's last line, its lines broken as a title's
        doc = e.node
        self._title(doc.title_note_lines or [geo.parenthesised(doc.title_note)],
                    gb.TITLE_NOTE_BLANK_LINES_ABOVE * P, e.where, gb.ROLE_TITLE_NOTE,
                    gb.TITLE_NOTE_SIZE_PT)

    @walk.rule(walk.ADDRESSEES)
    def _addressees(self, e: walk.Element) -> None:
        if not e.node:  # none given: only the blank line above where it would stand
            self.out.append(Placed([], line=gb.ADDRESSEE_BLANK_LINES_ABOVE * P, keep_next=True))
            return
        self.out.append(self.set.para(e.node, gb.ROLE_BODY, where=e.where,
                                      before=gb.ADDRESSEE_BLANK_LINES_ABOVE * P))

    @staticmethod
    def _tag(e: walk.Element) -> tuple:
        """What the pagination knows a body block by: its place among its scope's blocks."""
        return ("body", e.index, type(e.node).__name__)

    @walk.rule(walk.HEADING)
    def _heading_block(self, e: walk.Element) -> None:
        role = gb.HEADING_LEVELS[e.node.level - 1].font_role
        self.out.append(self._heading(e.node, role, e.where, gb.PARAGRAPH_INDENT_CHARS * CH,
                                      tag=self._tag(e)))

    @walk.rule(walk.PARAGRAPH)
    def _paragraph(self, e: walk.Element) -> None:
        self.out.append(self.set.para(e.node.text, gb.ROLE_BODY, where=e.where,
                                      first_x=gb.PARAGRAPH_INDENT_CHARS * CH, tag=self._tag(e)))

    @walk.rule(walk.TABLE)
    def _table_block(self, e: walk.Element) -> None:
        table = self._table(e.node, e.where)
        table.tag = self._tag(e)
        self.out.append(table)

    @walk.rule(walk.FIGURE)
    def _figure_block(self, e: walk.Element) -> None:
        figure = self._figure(e.node, e.where)
        figure.tag = self._tag(e)
        self.out.append(figure)

    def _heading(self, block: Heading, role: str, where: str, indent: float, **kw) -> Para:
        """A heading: label and heading text in the level's font; the text of a run-in heading
        runs on in the body font, in the same lines, and is not kept with what follows. `kw`
        goes to the paragraph (Para's other fields)."""
        head = block.label + block.text
        if not block.body:
            return self.set.para(head, role, where=where, first_x=indent, keep_next=True, **kw)
        size, tracking = gb.BODY_SIZE_PT, gb.tracking_pt(gb.BODY_SIZE_PT)
        head_adv = self.set.advance_fn(role, where)
        body_adv = self.set.advance_fn(gb.ROLE_BODY, where)
        advances = [head_adv(c) for c in head] + [body_adv(c) for c in block.body]
        head_family = self.fonts.face(role).family
        lines, done = [], 0
        for set_line in break_lines(head + block.body, CORE_W - indent, CORE_W, size, tracking,
                                    body_adv, advances):
            cut = max(0, min(len(set_line.text), len(head) - done))
            runs = [Run(r.text, r.family or head_family)
                    for r in self.set.runs(set_line.text[:cut], role, where)]
            runs += self.set.runs(set_line.text[cut:], gb.ROLE_BODY, where)
            lines.append(Line(runs, indent if not lines else 0.0, set_line.spacing(tracking),
                              set_line.width))
            done += len(set_line.text)
        return Para(gb.ROLE_BODY, size, lines, **kw)

    def _table(self, table: Table, where: str) -> TableBlock:
        """A 公文 table, as the .docx writer sets it (writers/datablocks.py): caption and unit
        line kept with it, 黑体 header repeated on each page (thead), numbers right-aligned,
        the 合计 row last, every row whole body lines high."""
        lay = dblk.table_layout(table, text_chars)
        align = table.align or ["center"] * len(table.header)
        rows = []
        last = len(lay.lines) - 1
        rule = gb.mm_to_pt(gb.TABLE_RULE_MM)
        for r, row in enumerate(dblk.all_rows(table)):
            role = gb.ROLE_TABLE_HEADER if r == 0 else gb.ROLE_BODY
            # WeasyPrint adds a collapsed rule to a row's content: the lines give it up, so
            # the row stays whole body lines high and the pagination's count holds
            line = (lay.lines[r] * P - rule) / lay.lines[r]
            cells = []
            for c, (text, w) in enumerate(zip(row, lay.widths)):
                side = "center" if r == 0 or (c == 0 and table.total and r == last) else align[c]
                cells.append([self.set.para(text, role, where=f"{where}表格第{r + 1}行",
                                            room=w - 2 * dblk.CELL_PAD, align=side,
                                            justify=False, line=line)])
            rows.append(cells)
        caption = unit = None
        if table.caption:
            caption = self.set.one_line(table.caption, gb.ROLE_TABLE_CAPTION, where=f"{where}表题",
                                        align="center", keep_next=True)
        if table.unit:
            unit = self.set.one_line(dblk.UNIT_LABEL + table.unit, gb.ROLE_BODY,
                                     where=f"{where}计量单位", align="right", keep_next=True)
        return TableBlock(lay.widths, rows, heights=[n * P for n in lay.lines],
                          pad=dblk.CELL_PAD, caption=caption, unit=unit)

    def _figure(self, figure: Figure, where: str) -> FigureBlock:
        """A chart at the core's width, whole lines high, vector (SVG) when there is one."""
        width, height = dblk.figure_size(figure)
        if figure.svg:
            src = "data:image/svg+xml;base64," + base64.b64encode(figure.svg).decode()
        else:
            src = "data:image/png;base64," + base64.b64encode(figure.png).decode()
        caption = None
        if figure.caption:
            caption = self.set.one_line(figure.caption, gb.ROLE_TABLE_CAPTION,
                                        where=f"{where}图题", align="center")
        return FigureBlock(src, width, height, figure.alt, caption)

    @walk.rule(walk.ATTACHMENT_NOTE)
    def _attachment_note(self, e: walk.Element) -> None:
        names = e.node
        before = gb.ATTACHMENT_NOTE_BLANK_LINES_ABOVE * P
        for i, (text, first_x, rest_x) in enumerate(geo.attachment_note_lines(names, text_chars)):
            self.out.append(self.set.para(text, gb.ROLE_BODY, where="附件说明", first_x=first_x,
                                          rest_x=rest_x, before=before if i == 0 else 0.0,
                                          tag=TAIL))

    @walk.rule(walk.SIGNATURE)
    def _signature(self, e: walk.Element) -> None:
        sig = e.node
        date_w = text_chars(sig.date) * CH
        if sig.seals:
            self._sealed_signature(date_w)
            return
        name_w = max(text_chars(n) for n in sig.organs) * CH
        place = geo.plain_signature(name_w, date_w)
        for i, organ in enumerate(sig.organs):
            pad = name_w - text_chars(organ) * CH  # stacked joint names keep one left edge
            before = gb.SIGNATURE_NO_SEAL_BLANK_LINES_ABOVE * P if i == 0 else 0.0
            self.out.append(self.set.one_line(organ, gb.ROLE_BODY, where="署名", align="right",
                                              right=place.name_right + pad, before=before,
                                              tag=TAIL))
        self.out.append(self.set.one_line(sig.date, gb.ROLE_BODY, where="成文日期",
                                          align="right", right=place.date_right, tag=TAIL))

    def _sealed_signature(self, date_w: float) -> None:
        sig = self.doc.signature
        centres = geo.sealed_name_centres(len(sig.organs), date_w,
                                          max(s.diameter_mm for s in sig.seals))
        pieces, seals = [], []
        for organ, centre, seal in zip(sig.organs, centres, sig.seals):
            p = self.set.one_line(organ, gb.ROLE_BODY, where="署名")
            pieces.append((centre - p.lines[0].width / 2, p))
            left, top = geo.seal_box(centre, seal.diameter_mm, seal.offset_mm)
            seals.append({"left": left, "top": top, "size": gb.mm_to_pt(seal.diameter_mm),
                          "src": "data:image/png;base64," + base64.b64encode(seal.png).decode()})
        self.out.append(Placed(pieces, before=gb.SIGNATURE_SEAL_BLANK_LINES_ABOVE * P,
                               seals=seals, tag=TAIL))
        date = self.set.one_line(sig.date, gb.ROLE_BODY, where="成文日期")
        self.out.append(Placed([(centres[-1] - date.lines[0].width / 2, date)], tag=TAIL))

    @walk.rule(walk.STAMP_SIGNATURE)
    def _stamp_signature(self, e: walk.Element) -> None:
        special.stamp_signature(self, TAIL)

    @walk.rule(walk.ATTENDANCE)
    def _attendance(self, e: walk.Element) -> None:
        special.attendance(self, TAIL)

    @walk.rule(walk.NOTE)
    def _note(self, e: walk.Element) -> None:
        self.out.append(self.set.para(geo.parenthesised(e.node), gb.ROLE_BODY, where=e.where,
                                      first_x=gb.PARAGRAPH_INDENT_CHARS * CH, tag=TAIL))

    @walk.rule(walk.ATTACHMENT)
    def _attachment(self, e: walk.Element) -> None:
        att, label = e.node, e.where
        self.sections.append(Section(break_before="page"))
        self.out.append(self.set.one_line(label, gb.ROLE_ATTACHMENT_LABEL, where=label))
        self._title(att.title_lines or [att.title], (gb.ATTACHMENT_TITLE_LINE - 2) * P,
                    f"{label}标题")
        # the blank line before the attachment's text: a preserved space, since an empty box
        # would take no height
        self.out.append(Para(gb.ROLE_BODY, gb.BODY_SIZE_PT, [Line([Run(" ")])]))

    # --- 版记 ------------------------------------------------------------------------
    @walk.rule(walk.CLOSING)
    def _closing(self, e: walk.Element) -> None:
        lay = geo.closing_rows(e.node, text_chars)
        side, size = lay.side, lay.size
        rows = []
        if lay.cc:
            rows.append(self.set.para(lay.cc, gb.ROLE_CLOSING, where="抄送", size=size,
                                      room=CORE_W - side, first_x=side, rest_x=side + lay.cc_lead))
        if lay.printer or lay.printed:
            row = []
            if lay.printer:
                row.append((side, self.set.one_line(lay.printer, gb.ROLE_CLOSING,
                                                    where="印发机关", size=size)))
            if lay.printed:
                date = self.set.one_line(lay.printed, gb.ROLE_CLOSING, where="印发日期", size=size)
                row.append((CORE_W - side - date.lines[0].width, date))
            rows.append(Placed(row))
        heights = [P * (len(r.lines) if isinstance(r, Para) else 1) for r in rows]
        self.closing_rows = rows
        self.closing_lines = sum(len(r.lines) if isinstance(r, Para) else 1 for r in rows)
        # the 版记's first rule, from the top of the page's flow, when its last rule lies on
        # the core's bottom edge (a letter's has no rules: its last row ends there)
        self.closing_top = (geo.closing_top(sum(heights), len(rows), ruled=self._ruled)
                            - self.layout.top_margin)

    @property
    def _ruled(self) -> bool:
        return self.doc.format != gb.FORMAT_LETTER

    @property
    def _closing_shift(self) -> float:
        if self._ruled:
            return 0.0
        return P - self.layout.ink.bottom(gb.ROLE_CLOSING, gb.CLOSING_SIZE_PT, P)

    # --- pages -----------------------------------------------------------------------------
    def paginate(self) -> pg.Pages:
        """The one pagination decision (writers.pagination), from the lines set above."""
        normal = lambda role, size: self.fonts.metrics(role).line_height(size)  # noqa: E731
        flows = [pg.Flow(pg.units_of(s.blocks, normal)) for s in self.sections]
        self.pages = pg.paginate(flows[0], flows[1:], self.closing_lines,
                                 first_numbered=gb.LETTER_FIRST_PAGE_NUMBERED
                                 or self.doc.format != gb.FORMAT_LETTER)
        return self.pages

    def apply(self, pages: pg.Pages) -> None:
        """Realise the decision in CSS terms: a page break where the text is carried over to
        the signature, and the 版记 shared, on its own page or after a blank page."""
        if pages.carry is not None:
            self._break_at(*pages.carry)
        if not pages.closing:
            return
        if pages.closing == pg.SHARED:
            section = Section(self.closing_rows, before=self.closing_top - pages.last_used,
                              closing=True, ruled=self._ruled,
                              shift=self._closing_shift)
        elif pages.closing == pg.OWN_PAGE:
            section = Section(self.closing_rows, break_before="page", before=self.closing_top,
                              closing=True, ruled=self._ruled,
                              shift=self._closing_shift)
        else:  # the blank page and the 版记 page after it carry no number (GB/T 9704 7.5)
            section = Section(self.closing_rows, break_before="left", page="closing",
                              before=self.closing_top, closing=True, ruled=self._ruled,
                              shift=self._closing_shift)
        self.sections.append(section)

    def _break_at(self, index: int, line: int) -> None:
        blocks = self.sections[0].blocks
        at = next(i for i, b in enumerate(blocks) if getattr(b, "tag", ())[:2] == ("body", index))
        block = blocks[at]
        if line == 0:
            block.break_before = True
            return
        # the paragraph continues on the next page: its lines are already set, so it splits
        # into two boxes without reflowing
        rest = Para(block.role, block.size, block.lines[line:], line=block.line,
                    align=block.align, right=block.right, color=block.color,
                    keep_next=block.keep_next, tag=block.tag, break_before=True)
        block.lines = block.lines[:line]
        block.keep_next = False
        blocks.insert(at + 1, rest)


def _role_css(fonts: FontBook, extra: dict[str, list[str]]) -> dict[str, str]:
    """font-family per role: the resolved font, its other installed candidates, then the
    fallbacks this document needed; and the weight of the resolved face (a heavy stand-in
    for 小标宋)."""
    out = {}
    for role in gb.FONT_ROLES:
        families = [f.family for f in fonts.faces(role)] + extra.get(role, [])
        out[role] = (", ".join(f'"{f}"' for f in dict.fromkeys(families))
                     + f"; font-weight: {fonts.face(role).weight}")
    return out


_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                          autoescape=jinja2.select_autoescape(("html.j2",), default=False),
                          undefined=jinja2.StrictUndefined, trim_blocks=True,
                          lstrip_blocks=True, bytecode_cache=template_cache())


@dataclass
class HtmlResult:
    html: str
    substitutions: list[Substitution]
    pages: pg.Pages


def lay_out(doc: Document, fonts: FontBook) -> _HtmlLayout:
    """The document set in lines and paginated; the .docx writer reads the same decision."""
    lay = _HtmlLayout(doc, fonts)
    lay.render(doc)
    lay.paginate()
    return lay


def paginate(doc: Document, fonts: FontBook) -> pg.Pages:
    return lay_out(doc, fonts).pages


def render_html(doc: Document, fonts: FontBook) -> HtmlResult:
    lay = lay_out(doc, fonts)
    lay.apply(lay.pages)
    extra: dict[str, list[str]] = {}
    for sub in lay.set.substitutions:
        extra.setdefault(sub.role, []).append(sub.family)
    song = fonts.metrics(gb.ROLE_PAGE_NUMBER)
    number_line = geo.PAGE_NUMBER_LINE_PT
    dash_in_line = song.baseline(gb.PAGE_NUMBER_SIZE_PT, number_line) \
        - song.dash_middle * gb.PAGE_NUMBER_SIZE_PT
    page = {
        "top": lay.layout.top_margin, "bottom": lay.layout.bottom_margin,
        "number_line": number_line,
        # the page-number box starts at the bottom margin's top edge
        "number_pad": geo.PAGE_NUMBER_DASH_Y - (geo.PAGE_H - lay.layout.bottom_margin)
        - dash_in_line,
        "first_numbered": lay.pages.numbered[0],
    }
    css = _ENV.get_template("print.css.j2").render(gb=gb, geo=geo, page=page,
                                                   roles=_role_css(fonts, extra))
    html = _ENV.get_template("document.html.j2").render(
        doc=doc, sections=lay.sections, css=css, gb=gb,
        title="".join(doc.title_lines) or doc.title,
        author="、".join(doc.header.organ_names),
        created=dt.datetime.now().astimezone().replace(microsecond=0).isoformat())
    return HtmlResult(html, lay.set.substitutions, lay.pages)
