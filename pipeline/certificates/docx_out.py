"""Certificates as .docx, thousands a second: the package is built once, and per person only
word/document.xml is made and added to the other parts, compressed once (writers/prezipped.py).

Built-in designs become framed paragraphs at the design's absolute positions (Word, WPS and
LibreOffice all place w:framePr frames on the page); their document.xml is our own markup with
a slot for each per-person text and size, filled by joining strings. A user's own design is a
.docx made in Word with docxtpl tags ({{ 姓名 }}), prepared by docxtpl once and rendered per
person as a sandboxed jinja2 template within the placeholders' budgets.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

from pipeline import limits
from pipeline import standard as gb
from pipeline.certificates.design import Design, Frame
from pipeline.certificates.plan import CertificatePlan
from pipeline.certificates.records import Certificate
from pipeline.readers.textfile import unsafe_char, unsafe_message
from pipeline.transforms.placeholders import render, sandbox
from pipeline.writers.ooxml import anchored_picture, eighths_mm, emu_mm, twips_mm
from pipeline.writers.prezipped import PrezippedPackage

# XML-escapes every value (& < > are text); a user's design is a template too, so it runs
# within the same budgets as a plan's placeholders
_ENV = sandbox(autoescape=True)
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _rpr(box, size_expr: str) -> str:
    name = gb.FONT_ROLES[box.role].name
    return (f'<w:rPr><w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" '
            f'w:cs="{name}"/><w:color w:val="{box.color}"/><w:sz w:val="{size_expr}"/>'
            f'<w:szCs w:val="{size_expr}"/><w:lang w:eastAsia="zh-CN"/></w:rPr>')


def _frame(box, dx: float = 0.0, dy: float = 0.0) -> str:
    jc = {"left": "left", "center": "center", "right": "right"}[box.align]
    indent = (f'<w:ind w:firstLine="{twips_mm(box.indent_chars * gb.pt_to_mm(box.size))}"/>'
              if box.indent_chars else "")
    return (f'<w:pPr><w:framePr w:w="{twips_mm(box.w)}" w:h="{twips_mm(box.h)}" '
            f'w:hRule="exact" w:wrap="around" w:hAnchor="page" w:vAnchor="page" '
            f'w:x="{twips_mm(box.x + dx)}" w:y="{twips_mm(box.y + dy)}"/>'
            f'<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>{indent}'
            f'<w:jc w:val="{jc}"/></w:pPr>')


def _static(text: str) -> str:
    return escape(text)


# a slot in the built-in document.xml: NUL never stands in XML, so it cannot meet a text
_SLOT = re.compile("\0([ts]):([^\0]*)\0")


def _slot(kind: str, name: str) -> str:
    return f"\0{kind}:{name}\0"


def _builtin_document_xml(design: Design, plan: CertificatePlan, seal_rid: str | None) -> str:
    """document.xml for a built-in design: static texts inlined, a slot (_slot) for each
    per-person text ("t") and size in half-points ("s")."""
    static = {"title": plan.title, "organ": plan.organ, "date": plan.date}
    paras = []
    for box in design.boxes:
        if box.name in static:
            text, size = _static(static[box.name]), str(int(box.size * 2))
        else:
            text, size = _slot("t", box.name), _slot("s", box.name)
        paras.append(f'<w:p>{_frame(box)}<w:r>{_rpr(box, size)}'
                     f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p>')
    if seal_rid and design.seal_centre:
        paras.append(_seal_paragraph(seal_rid, design.seal_centre, plan.seal_size_mm))
    width, height = (twips_mm(v) for v in design.page_mm)
    borders = _page_borders(design.frame) if design.frame else ""
    sect = (f'<w:sectPr><w:pgSz w:w="{width}" w:h="{height}" w:orient="landscape"/>'
            f'<w:pgMar w:top="567" w:right="567" w:bottom="567" w:left="567" w:header="0" '
            f'w:footer="0" w:gutter="0"/>{borders}</w:sectPr>')
    ns = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_W} {ns}>'
            f'<w:body>{"".join(paras)}<w:p/>{sect}</w:body></w:document>')


def _page_borders(frame: Frame) -> str:
    """The design's frame as page borders. Word and LibreOffice draw a `double` border as two
    lines of w:sz with a gap as wide, so w:sz is a third of the frame's width. w:space, the
    distance from the sheet's edge, is whole points: 10 mm is set as 28 pt (9.88 mm).
    Measured in LibreOffice's PDF: outer edge 10.02 mm in, lines 0.53 mm, 1.59 mm in all
    (the PDF writer: 10 mm, 1.6 mm)."""
    side = (f'w:val="double" w:sz="{eighths_mm(frame.line_mm)}" '
            f'w:space="{round(gb.mm_to_pt(frame.inset_mm))}" w:color="{frame.color}"')
    return ('<w:pgBorders w:offsetFrom="page">'
            + "".join(f"<w:{s} {side}/>" for s in ("top", "left", "bottom", "right"))
            + "</w:pgBorders>")


def _seal_paragraph(rid: str, centre, diameter_mm: float) -> str:
    """The seal behind the organ and date, placed on the sheet by its centre."""
    from lxml import etree

    size = emu_mm(diameter_mm)
    anchor = anchored_picture(rid, size, size, emu_mm(centre[0] - diameter_mm / 2),
                              emu_mm(centre[1] - diameter_mm / 2), 1, name="印章",
                              file="seal.png", behind=True, relative_to=("page", "page"))
    return (f'<w:p><w:r><w:drawing>{etree.tostring(anchor, encoding="unicode")}'
            f'</w:drawing></w:r></w:p>')


# the parts of python-docx's default template a certificate does without: Word 2010's copy
# of the styles, a bibliography's custom XML, list numbering, web settings, the theme, the
# font table, the thumbnail and the application's properties — 39 of its 56 KB in every file
_UNUSED = ("stylesWithEffects", "customXml", "numbering", "webSettings", "theme", "fontTable",
           "thumbnail", "extended-properties")
_STYLES = ('<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="en-US" w:eastAsia="zh-CN"/>'
           '</w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults>'
           '<w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
           '<w:name w:val="Normal"/></w:style>')


def _lean_package(design: Design, plan: CertificatePlan, seal_png: bytes | None
                  ) -> tuple[bytes, str | None]:
    """The package around a built-in design's document.xml: the landscape page, the seal as a
    palette PNG (seal.palette_png: half the bytes), a styles part of the defaults alone (every
    run sets its own font and size), the settings (compatibility mode, East Asian layout) and
    the title and organ as the file's properties. Returns the package and the seal's rId."""
    from docx.oxml import parse_xml

    from pipeline.transforms.seal import palette_png

    base = docx.Document()
    section = base.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(design.page_mm[0]), Mm(design.page_mm[1])
    for rels in (base.part.rels, base.part.package.rels):
        for rid in [r for r, rel in rels.items() if rel.reltype.split("/")[-1] in _UNUSED]:
            del rels[rid]  # a part no relationship reaches is not written
    styles = base.styles.element
    for child in list(styles):
        styles.remove(child)
    for fragment in parse_xml(f"<w:x {_W}>{_STYLES}</w:x>"):
        styles.append(fragment)
    core = base.core_properties
    core.title, core.author, core.comments, core.last_modified_by = \
        plan.title, plan.organ, "", plan.organ
    rid = None
    if seal_png and design.seal_centre:
        rid, _ = base.part.get_or_add_image(io.BytesIO(palette_png(seal_png)))
    buffer = io.BytesIO()
    base.save(buffer)
    return buffer.getvalue(), rid


class _Filled:
    """The built-in document.xml as its fixed strings and slots: make() joins them with one
    person's escaped texts and sizes."""

    def __init__(self, xml: str):
        parts = _SLOT.split(xml)  # text, kind, name, text, kind, name, …, text
        self.fixed = parts[0::3]
        self.slots = list(zip(parts[1::3], parts[2::3]))

    def fill(self, cert: Certificate) -> str:
        out = [self.fixed[0]]
        for (kind, name), after in zip(self.slots, self.fixed[1:]):
            if kind == "t":
                text = cert.texts.get(name, "")
                bad = unsafe_char(text)  # the roster reader removes these; a guard, not a fix
                if bad:
                    raise ValueError(f"row {cert.row}, {name}: the text {unsafe_message(bad)}")
                out.append(escape(text))
            else:
                out.append(str(int(round(cert.sizes[name] * 2))))
            out.append(after)
        return "".join(out)


class DocxMaker:
    """Built once per run; make(cert) returns one .docx as bytes."""

    def __init__(self, plan: CertificatePlan, design: Design | None, design_file: Path | None,
                 seal_png: bytes | None):
        self.design = design
        if design is not None:
            package, rid = _lean_package(design, plan, seal_png)
            self.filled = _Filled(_builtin_document_xml(design, plan, rid))
        else:
            from docxtpl import DocxTemplate

            template = DocxTemplate(str(design_file))
            template.init_docx()
            xml = template.patch_xml(template.get_xml())
            package = Path(design_file).read_bytes()
            self.template = _ENV.from_string(xml)
        # every other part compressed once; each person's file is those bytes with their
        # document.xml added (recompressing the styles, theme and seal for every person took
        # most of the time)
        self.package = PrezippedPackage(package, leave_out={"word/document.xml"})

    def make(self, cert: Certificate) -> bytes:
        if self.design is not None:
            xml = self.filled.fill(cert)
        else:
            xml = render(self.template, cert.fields, limits.DOCUMENT_XML_CHARS)
        return self.package.with_part("word/document.xml", xml.encode("utf-8"))
