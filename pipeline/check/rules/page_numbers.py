"""Page numbers (GB/T 9704 7.5): “— N —” in 4号 宋体 below the core, odd pages right, even
pages left; a blank page before the 版记 and the 版记 page after it unnumbered; a 信函's first
page unnumbered (10.1)."""
from __future__ import annotations

from pipeline import standard as gb
from pipeline.check.findings import WARNING, Hit
from pipeline.check.measure import PAGE_CENTRE_MM
from pipeline.check.registry import PRINTED, rule
from pipeline.check.rules.fonts import font_label, size_name

DASH = gb.PAGE_NUMBER_DASH
FORM = f"“{DASH} 1 {DASH}”"
SIDES = "odd pages right, even pages left"


@rule("page-number", "GB/T 9704 7.5", PRINTED)
def page_number(m):
    if m.docx is not None:
        # the footers say where Word puts the numbers; LibreOffice's pages only which exist
        yield from _footers(m.docx)
    else:
        yield from _sides(m.pages)
    yield from _printed(m)


def _sides(pages):
    for p in pages:
        for l in p.number_lines:
            if p.odd and l.x1 < PAGE_CENTRE_MM or not p.odd and l.x0 > PAGE_CENTRE_MM:
                side = "left" if p.odd else "right"
                yield Hit(f"page {p.index + 1}", f"page number on the {side} of an "
                          f"{'odd' if p.odd else 'even'} page", SIDES)


def _footers(document):
    from docx.oxml.ns import qn

    texts = []
    for section in document.sections:
        for footer in (section.footer, section.even_page_footer):
            xml = footer._element
            instr = "".join(t.text or "" for t in xml.iter(qn("w:instrText")))
            simple = [f.get(qn("w:instr")) or "" for f in xml.iter(qn("w:fldSimple"))]
            text = "".join(t.text or "" for t in xml.iter(qn("w:t")))
            if "PAGE" in instr or any("PAGE" in s for s in simple):
                texts.append(text)
    if not texts:
        yield Hit("footer", "no page numbers",
                  f"{FORM} in {size_name(gb.PAGE_NUMBER_SIZE_PT)} "
                  f"{font_label(gb.ROLE_PAGE_NUMBER)}, {SIDES}")
        return
    if not all(t.strip().startswith(DASH) and t.strip().endswith(DASH) for t in texts):
        yield Hit("footer", "page numbers without a 一字线 on each side", FORM)
    if not document.settings.odd_and_even_pages_header_footer:
        yield Hit("footer", "one footer for all pages",
                  f"{SIDES}: different odd and even footers", WARNING)


def _printed(m):
    closing = m.closing_page
    pages = m.pages
    blank_before = closing is not None and closing >= 2 and not pages[closing - 1].content
    unnumbered_first = m.format == gb.FORMAT_LETTER and not gb.LETTER_FIRST_PAGE_NUMBERED
    for p in pages:
        i = p.index
        exempt = blank_before and i in (closing - 1, closing)
        where = f"{m.page_label} {i + 1}"
        if i == 0 and unnumbered_first:
            if p.numbers:
                yield Hit(where, "a page number on the first page of a 信函",
                          "leave the first page unnumbered (GB/T 9704 10.1)")
        elif exempt and p.numbers:
            yield Hit(where, "a page number on the blank page or the 版记 page after it",
                      "leave both unnumbered")
        elif not exempt and not p.numbers and (p.content or i < len(pages) - 1):
            yield Hit(where, "no page number",
                      f"“{DASH} N {DASH}” below the core, {SIDES}; only a blank page before "
                      "the 版记 and the 版记 page after it go unnumbered")
        elif p.numbers and p.numbers[0] != i + 1:
            yield Hit(where, f"page number {p.numbers[0]} on page {i + 1}",
                      "number the pages in order, attachments continuing")
