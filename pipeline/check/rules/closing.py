"""The 版记 (GB/T 9704 7.4; a 信函's in 10.1): where it stands and that it ends the document."""
from __future__ import annotations

import re

from pipeline import standard as gb
from pipeline.check.findings import WARNING, Hit
from pipeline.check.measure import CORE_BOTTOM_MM
from pipeline.check.registry import DOCX, PRINTED, rule

TOL = gb.TOLERANCE_MM
WITH_RULES = (gb.FORMAT_DOCUMENT, gb.FORMAT_ORDER, gb.FORMAT_MINUTES)
ON_CORE_BOTTOM = f"its last line {gb.MARGIN_BOTTOM_MM:g} mm above the page bottom"


def _closing_page(m):
    """(the page carrying the 版记, how a finding names it), or None without a 版记."""
    closing = m.closing_page
    if closing is None:
        return None
    return m.pages[closing], f"{m.page_label} {closing + 1}"


@rule("closing-position", "GB/T 9704 7.4", PRINTED, WITH_RULES)
def closing_position(m):
    if m.docx is not None:
        yield from _text_after(m.docx)
    found = _closing_page(m)
    if found is None:
        return
    page, where = found
    if page.odd:
        yield Hit(where, "the 版记 is on an odd page", "put it at the bottom of the last even page")
    strokes = page.black_strokes
    # LibreOffice may print a .docx's paragraph borders as something other than lines: there
    # only a misplaced rule is a finding, on a PDF a missing one too
    if (not strokes and m.docx is None) or (strokes and abs(strokes[-1].y0 - CORE_BOTTOM_MM)
                                            > TOL):
        yield Hit(where, "the 版记's last line is not on the core's bottom edge", ON_CORE_BOTTOM)


def _text_after(document):
    """Nothing but empty paragraphs after the 印发 line."""
    from docx.oxml.ns import qn

    body = list(document.element.body.iterchildren())
    texts = ["".join(t.text or "" for t in child.iter(qn("w:t"))) for child in body]
    printed = [i for i, text in enumerate(texts) if re.search(r"\d+日\s*印发\s*$", text)]
    if not printed:
        return
    after = [t for t in texts[printed[-1] + 1:] if t.strip()]
    if after:
        yield Hit("版记", f"text after the 版记: {after[0][:20]}",
                  "the 版记 closes the document, on the last even page")


@rule("closing-page", "GB/T 9704 7.4", PRINTED, WITH_RULES)
def closing_page(m):
    """No page wasted: the 版记 takes a page of its own only when the text's last (even) page
    has no room for it."""
    closing = m.closing_page
    if closing is None:
        return
    pages = m.pages
    pitch = gb.pt_to_mm(gb.LINE_PITCH_PT)
    blank_before = closing >= 2 and not pages[closing - 1].content
    page = pages[closing]
    strokes = page.black_strokes
    top = strokes[0].y0 if strokes else CORE_BOTTOM_MM
    rows = {round(l.y0) for l in page.content if l.y0 > top}
    alone = not [l for l in page.content if l.y1 < top]
    text_end = closing - 2 if blank_before else closing - 1
    if alone and text_end >= 0 and pages[text_end].content and (text_end + 1) % 2 == 0:
        bottom = max(l.y1 for l in pages[text_end].content)
        # grid lines left under the text: the 版记's rows and one blank line fit
        if (CORE_BOTTOM_MM - bottom) / pitch >= len(rows) + 1 - 0.3:
            yield Hit(f"{m.page_label} {closing + 1}",
                      f"the 版记 takes {'a blank page and ' if blank_before else ''}a page of "
                      f"its own though page {text_end + 1} has room for it",
                      "put it at the bottom of the page where the text ends")


@rule("letter-closing", "GB/T 9704 10.1", PRINTED, (gb.FORMAT_LETTER,))
def letter_closing(m):
    """A 信函's 版记: no rules, its last line on the bottom of the last page's core."""
    found = _closing_page(m)
    if found is None:
        return
    page, where = found
    if page.black_strokes:
        yield Hit(where, "the 信函's 版记 is drawn with rules", "a 信函's 版记 has no rules")
    from pipeline.pdfmeasure import line_ink

    last = max(page.black, key=lambda l: l.y1)
    ink = line_ink(page.page, last, dpi=150)
    if ink and abs(ink[3] - CORE_BOTTOM_MM) > TOL:
        yield Hit(where, f"the 版记's last line ends {gb.PAGE_HEIGHT_MM - ink[3]:.1f} mm above "
                  "the page bottom", ON_CORE_BOTTOM)


@rule("pagination", "GB/T 9704 7.4", (DOCX,))
def pagination(m):
    for trouble in m.trouble:
        yield Hit("pages", trouble, "install LibreOffice (the README's setup command), or "
                  "check the pages in Word", WARNING)
