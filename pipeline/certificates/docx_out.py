"""Certificates as .docx, thousands a second: the package is built once, and per person only
word/document.xml is rendered (a sandboxed jinja2 template) and zipped with the other parts.

Built-in designs become framed paragraphs at the design's absolute positions (Word, WPS and
LibreOffice all place w:framePr frames on the page); a user's own design is a .docx made in
Word with docxtpl tags ({{ 姓名 }}), prepared by docxtpl once and then rendered the same way.
"""
from __future__ import annotations

import io
import zipfile
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
from pipeline.transforms.placeholders import render, sandbox
from pipeline.writers.ooxml import anchored_picture, eighths_mm, emu_mm, twips_mm

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


def _builtin_document_xml(design: Design, plan: CertificatePlan, seal_rid: str | None) -> str:
    """document.xml for a built-in design: static texts inlined, {{ t.x }} / {{ s.x }} for the
    per-person texts and sizes (half-points)."""
    static = {"title": plan.title, "organ": plan.organ, "date": plan.date}
    paras = []
    for box in design.boxes:
        if box.name in static:
            text, size = _static(static[box.name]), str(int(box.size * 2))
        else:
            text, size = f"{{{{ t[{box.name!r}] }}}}", f"{{{{ s[{box.name!r}] }}}}"
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


class DocxMaker:
    """Built once per run; make(cert) returns one .docx as bytes."""

    def __init__(self, plan: CertificatePlan, design: Design | None, design_file: Path | None,
                 seal_png: bytes | None):
        self.design = design
        if design is not None:
            base = docx.Document()
            section = base.sections[0]
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(design.page_mm[0]), Mm(design.page_mm[1])
            rid = None
            if seal_png and design.seal_centre:
                rid, _ = base.part.get_or_add_image(io.BytesIO(seal_png))
            buffer = io.BytesIO()
            base.save(buffer)
            package = buffer.getvalue()
            xml = _builtin_document_xml(design, plan, rid)
        else:
            from docxtpl import DocxTemplate

            template = DocxTemplate(str(design_file))
            template.init_docx()
            xml = template.patch_xml(template.get_xml())
            package = Path(design_file).read_bytes()
        self.template = _ENV.from_string(xml)
        # every other part compressed once into a base archive; each person's file is that
        # archive with their document.xml appended (recompressing the styles, theme and seal
        # for every person took most of the time)
        base = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(package)) as src, \
                zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                if info.filename != "word/document.xml":
                    dst.writestr(info.filename, src.read(info.filename))
        self.base = base.getvalue()

    def make(self, cert: Certificate) -> bytes:
        if self.design is not None:
            xml = render(self.template, {"t": cert.texts, "s": {
                k: int(round(v * 2)) for k, v in cert.sizes.items()}}, limits.DOCUMENT_XML_CHARS)
        else:
            xml = render(self.template, cert.fields, limits.DOCUMENT_XML_CHARS)
        out = io.BytesIO(self.base)
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            z.writestr("word/document.xml", xml.encode("utf-8"))
        return out.getvalue()
