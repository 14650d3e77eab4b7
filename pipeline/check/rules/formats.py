"""The special formats (GB/T 9704 10): a 信函's double lines, a 令's number, a 纪要 unsealed.
Which format a file has is found on its page 1 (measure.detect_format)."""
from __future__ import annotations

import re

from pipeline import standard as gb
from pipeline.check.findings import Hit
from pipeline.check.measure import CORE_CENTRE_MM, PAGE_CENTRE_MM
from pipeline.check.registry import PRINTED, rule
from pipeline.check.rules.header import mark_lines

TOL = gb.TOLERANCE_MM
LETTER_TOP_SAYS = f"thick over thin, {gb.LETTER_TOP_RULE_BELOW_MARK_MM:g} mm under the mark"
LETTER_BOTTOM_SAYS = (f"thin over thick, {gb.LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM:g} mm above "
                      "the page's bottom")


def _groups(strokes, gap_mm: float = 2.0):
    """Strokes bunched by height: the lines of one double line."""
    groups: list[list] = []
    for s in sorted(strokes, key=lambda s: s.y0):
        if groups and s.y0 - groups[-1][-1].y0 < gap_mm:
            groups[-1].append(s)
        else:
            groups.append([s])
    return groups


@rule("letter-rules", "GB/T 9704 10.1", PRINTED, (gb.FORMAT_LETTER,))
def letter_rules(m):
    from pipeline.pdfmeasure import line_ink

    page = m.pages[0]
    where = f"{m.page_label} 1"
    long_red = [s for s in page.red_strokes if s.length > gb.CORE_WIDTH_MM / 2]
    groups = _groups(long_red)
    marks = mark_lines(page)
    ink = line_ink(page.page, marks[-1], dpi=150) if marks else None
    mark_bottom = ink[3] if ink else gb.LETTER_MARK_TOP_FROM_PAGE_MM
    wants = [(mark_bottom + gb.LETTER_TOP_RULE_BELOW_MARK_MM, "top", LETTER_TOP_SAYS),
             (gb.PAGE_HEIGHT_MM - gb.LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM, "bottom",
              LETTER_BOTTOM_SAYS)]
    for want, edge, says in wants:
        def at(g):
            return (g[0].y0 - g[0].width / 2) if edge == "top" else (g[-1].y0 + g[-1].width / 2)
        group = min(groups, key=lambda g: abs(at(g) - want), default=None)
        if group is None or abs(at(group) - want) > 3 * TOL + gb.LETTER_RULE_GAP_MM:
            yield Hit(where, f"no red double line {says}", f"a red double line {says}")
            continue
        if abs(at(group) - want) > TOL:
            yield Hit(where, f"the {edge} double line's {edge} edge is {at(group):.1f} mm from "
                      f"the page's top, not {want:.1f}", f"a red double line {says}")
        if len(group) < 2:
            yield Hit(where, f"the {edge} red line is single", f"a double line, {says}")
        for s in group:
            centre = (s.x0 + s.x1) / 2
            if abs(s.length - gb.LETTER_RULE_LENGTH_MM) > TOL or \
                    abs(centre - PAGE_CENTRE_MM) > TOL:
                yield Hit(where, f"the {edge} double line runs {s.x0:.1f}–{s.x1:.1f} mm",
                          f"{gb.LETTER_RULE_LENGTH_MM:g} mm long, centred on the page")
                break


_ORDER_NUMBER = re.compile(r"^第.{1,10}号$")


@rule("order-number", "GB/T 9704 10.2", PRINTED, (gb.FORMAT_ORDER,))
def order_number(m):
    page = m.pages[0]
    where = f"{m.page_label} 1"
    found = [l for l in page.black if _ORDER_NUMBER.match(l.text.replace(" ", ""))]
    if not found:
        yield Hit(where, "no 令号 (第N号) under the mark",
                  f"the 令号 centred {gb.ORDER_NUMBER_BLANK_LINES_ABOVE} blank lines under the mark")
        return
    line = found[0]
    centre = (line.x0 + line.x1) / 2
    if abs(centre - CORE_CENTRE_MM) > TOL:
        yield Hit(where, f"the 令号 '{line.text.strip()}' is centred at {centre:.1f} mm, not "
                  f"{CORE_CENTRE_MM:g}", "centre the 令号 in the core")


# a seal's ink: strongly red, darker than pure red as printed seal images are; a picture with
# this share of such pixels is a seal, not a chart
_SEAL_RED_SHARE = 0.03
_SEAL_DPI = 72


def _seal_red(r: int, g: int, b: int) -> bool:
    return r >= 150 and g < 110 and b < 110


@rule("minutes-seal", "GB/T 9704 10.3", PRINTED, (gb.FORMAT_MINUTES,))
def minutes_seal(m):
    import pymupdf

    for p in m.pages:
        for info in p.page.get_image_info():
            rect = pymupdf.Rect(info["bbox"]) & p.page.rect
            if rect.is_empty:
                continue
            pix = p.page.get_pixmap(dpi=_SEAL_DPI, clip=rect, colorspace=pymupdf.csRGB,
                                    alpha=False)
            s = pix.samples
            total = len(s) // 3
            red = sum(_seal_red(*s[i:i + 3]) for i in range(0, len(s), 3))
            if total and red / total > _SEAL_RED_SHARE:
                yield Hit(f"{m.page_label} {p.index + 1}", "a seal on a 纪要",
                          "a 纪要 carries no seal")
                return
