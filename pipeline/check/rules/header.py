"""The 版头 (GB/T 9704 7.2; special formats in 10): the organ mark where its format puts it, the
document number's form."""
from __future__ import annotations

from pipeline import standard as gb
from pipeline.check.findings import Hit
from pipeline.check.measure import CORE_TOP_MM
from pipeline.check.registry import ALL_SOURCES, PRINTED, rule
from pipeline.forms import DOC_NUMBER_LIKE, check_doc_number

TOL = gb.TOLERANCE_MM
# top edge of the mark's ink, from the page's top edge, per format
MARK_TOP_MM = {
    gb.FORMAT_DOCUMENT: CORE_TOP_MM + gb.ORGAN_MARK_TOP_FROM_CORE_MM,
    gb.FORMAT_LETTER: gb.LETTER_MARK_TOP_FROM_PAGE_MM,
    gb.FORMAT_ORDER: CORE_TOP_MM + gb.ORDER_MARK_TOP_FROM_CORE_MM,
    gb.FORMAT_MINUTES: CORE_TOP_MM + gb.MINUTES_MARK_TOP_FROM_CORE_MM,
}
MARK_TOP_SAYS = {
    gb.FORMAT_DOCUMENT: f"{gb.ORGAN_MARK_TOP_FROM_CORE_MM:g} mm below the core's top",
    gb.FORMAT_LETTER: f"{gb.LETTER_MARK_TOP_FROM_PAGE_MM:g} mm below the page's top",
    gb.FORMAT_ORDER: f"{gb.ORDER_MARK_TOP_FROM_CORE_MM:g} mm below the core's top",
    gb.FORMAT_MINUTES: f"{gb.MINUTES_MARK_TOP_FROM_CORE_MM:g} mm below the core's top",
}


def mark_lines(page):
    """The organ mark: red text on page 1 set larger than the title's size."""
    return [l for l in page.red if l.size >= gb.TITLE_SIZE_PT - 0.5]


@rule("mark-position", "GB/T 9704 7.2.3 / 10", PRINTED)
def mark_position(m):
    from pipeline.pdfmeasure import line_ink

    if not m.pages:
        return
    page = m.pages[0]
    marks = mark_lines(page)
    if not marks:
        return
    ink = line_ink(page.page, marks[0], dpi=150)
    want = MARK_TOP_MM[m.format]
    if ink and abs(ink[1] - want) > TOL:
        yield Hit(f"{m.page_label} 1", f"the {m.format} mark's top edge is {ink[1]:.1f} mm from "
                  f"the page's top", f"{MARK_TOP_SAYS[m.format]} ({want:g} mm from the page's "
                  "top)")




@rule("doc-number", "GB/T 9704 7.2.4", ALL_SOURCES)
def doc_number(m):
    for line in m.lines[:12]:  # the number stands in the header
        found = DOC_NUMBER_LIKE.match(line.text.strip())
        if found:
            try:
                check_doc_number(found.group(0).replace(" ", ""))
            except ValueError as exc:
                yield Hit(f"{m.unit} {line.line}", str(exc),
                          "机关代字〔年份〕序号号, e.g. 青政〔2026〕5号")
            return
