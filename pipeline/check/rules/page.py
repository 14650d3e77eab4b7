"""Page and core (GB/T 9704 5.2): paper size, margins, the 22-line grid."""
from __future__ import annotations

from pipeline import standard as gb
from pipeline.check.findings import WARNING, Hit
from pipeline.check.measure import CORE_TOP_MM
from pipeline.check.registry import DOCX, PRINTED, rule

TOL = gb.TOLERANCE_MM
# A .docx may set its top/bottom margins below the standard's so the ink, not the line box,
# lands there (ours: 32.8/33.5 mm); more than this much below cannot be that compensation
TOP_MARGIN_COMPENSATION_MM = 6.0
BOTTOM_MARGIN_COMPENSATION_MM = 4.0
A4 = f"A4, {gb.PAGE_WIDTH_MM:g} × {gb.PAGE_HEIGHT_MM:g} mm"


def _off_a4(w: float, h: float) -> bool:
    return abs(w - gb.PAGE_WIDTH_MM) > TOL or abs(h - gb.PAGE_HEIGHT_MM) > TOL


@rule("page-size", "GB/T 9704 5.2.1", PRINTED)
def page_size(m):
    if m.docx is not None:
        for i, section in enumerate(m.docx.sections, start=1):
            w, h = section.page_width.mm, section.page_height.mm
            if _off_a4(w, h):
                yield Hit(f"section {i}", f"page {w:.0f} × {h:.0f} mm", A4)
        return
    for p in m.pages:
        w, h = p.page.rect.width * gb.MM_PER_PT, p.page.rect.height * gb.MM_PER_PT
        if _off_a4(w, h):
            yield Hit(f"page {p.index + 1}", f"page {w:.0f} × {h:.0f} mm", A4)


@rule("margins", "GB/T 9704 5.2.2", PRINTED)
def margins(m):
    if m.docx is not None:
        yield from _docx_margins(m.docx)
    else:
        for p in m.pages:
            yield from _printed_margins(p)


def _docx_margins(document):
    for i, section in enumerate(document.sections, start=1):
        where = f"section {i}"
        left, right = section.left_margin.mm, section.right_margin.mm
        top, bottom = section.top_margin.mm, section.bottom_margin.mm
        if abs(left - gb.MARGIN_LEFT_MM) > TOL or abs(right - gb.MARGIN_RIGHT_MM) > TOL:
            yield Hit(where, f"left/right margins {left:.1f}/{right:.1f} mm",
                      f"{gb.MARGIN_LEFT_MM:g} mm left, {gb.MARGIN_RIGHT_MM:g} mm right")
        if not (gb.MARGIN_TOP_MM - TOP_MARGIN_COMPENSATION_MM <= top <= gb.MARGIN_TOP_MM + TOL) \
                or not (gb.MARGIN_BOTTOM_MM - BOTTOM_MARGIN_COMPENSATION_MM <= bottom
                        <= gb.MARGIN_BOTTOM_MM + TOL):
            yield Hit(where, f"top/bottom margins {top:.1f}/{bottom:.1f} mm",
                      f"{gb.MARGIN_TOP_MM:g} mm to the first line's characters, "
                      f"{gb.MARGIN_BOTTOM_MM:g} mm below line {gb.LINES_PER_PAGE}")


def _printed_margins(p):
    """Pages after the first (page 1 opens with the 版头): the first line's ink on the core's
    top edge, full lines starting at the binding margin."""
    from pipeline.pdfmeasure import ink_box, line_ink

    content = p.content
    body = [l for l in p.black if abs(l.size - gb.BODY_SIZE_PT) < 0.5]
    if p.index == 0 or len(body) < 5:
        return
    where = f"page {p.index + 1}"
    top = line_ink(p.page, content[0], dpi=150)
    picture = None
    if content[0].y0 - CORE_TOP_MM > 2 * gb.pt_to_mm(gb.LINE_PITCH_PT):
        # a chart opens the page: it stands in the first lines' place, and its ink (white
        # space is part of a picture) must not reach into the top margin
        picture = ink_box(p.page, (0, 0, gb.PAGE_WIDTH_MM, content[0].y0 - 1.0), dpi=150)
    if picture and picture[1] < gb.MARGIN_TOP_MM - TOL:
        yield Hit(where, f"a picture reaches {picture[1]:.1f} mm from the top",
                  f"{gb.MARGIN_TOP_MM:g} mm")
    elif not picture and top and abs(top[1] - gb.MARGIN_TOP_MM) > TOL:
        yield Hit(where, f"first line's characters {top[1]:.1f} mm from the top",
                  f"{gb.MARGIN_TOP_MM:g} mm")
    # a line that runs (nearly) the core's width starts at the binding margin; a page of
    # headings, short paragraphs and a signature may have none
    full = [l for l in body if l.x1 - l.x0 > gb.CORE_WIDTH_MM - gb.pt_to_mm(gb.CHAR_PITCH_PT)]
    left = min(l.x0 for l in full) if full else gb.MARGIN_LEFT_MM
    if abs(left - gb.MARGIN_LEFT_MM) > TOL:
        yield Hit(where, f"text starts {left:.1f} mm from the left edge",
                  f"{gb.MARGIN_LEFT_MM:g} mm")


@rule("grid", "GB/T 9704 5.2.3", (DOCX,))
def grid(m):
    from docx.oxml.ns import qn

    document = m.docx
    section = document.sections[0]
    where = "section 1"
    sect_grid = section._sectPr.find(qn("w:docGrid"))
    pitch = int(sect_grid.get(qn("w:linePitch"))) / 20 if sect_grid is not None and \
        sect_grid.get(qn("w:linePitch")) else None
    body = document.styles["Normal"].paragraph_format if "Normal" in [
        s.name for s in document.styles] else None
    for style in document.styles:
        if style.style_id == "GwBody":
            body = style.paragraph_format
    if body is not None and body.line_spacing is not None and hasattr(body.line_spacing, "pt"):
        pitch = body.line_spacing.pt
    want = f"{gb.LINES_PER_PAGE} lines a page"
    if not pitch:
        yield Hit(where, "no fixed line pitch: the lines per page depend on the font",
                  f"exact line spacing for {want}", WARNING)
        return
    usable = section.page_height.pt - section.top_margin.pt - section.bottom_margin.pt
    lines = int(usable // pitch)
    if lines != gb.LINES_PER_PAGE:
        yield Hit(where, f"{lines} lines fit a page at a {pitch:.2f} pt pitch",
                  f"{want}: a pitch of about {gb.LINE_PITCH_PT:.1f} pt")
