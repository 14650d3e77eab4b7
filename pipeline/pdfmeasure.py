"""Measuring printed pages the way the standard does: where the ink lands, in millimetres.

Used by `gongwen check` on any PDF and by the tests on every rendering.
"""
from __future__ import annotations

from dataclasses import dataclass

import pymupdf

MM = 25.4 / 72  # mm per PDF point
DPI = 600


@dataclass
class Line:
    text: str
    x0: float  # mm from the page's left edge (font box)
    y0: float  # mm from the page's top edge
    x1: float
    y1: float
    size: float  # pt
    font: str
    color: int


def text_lines(page: pymupdf.Page) -> list[Line]:
    out = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            spans = [s for s in line["spans"] if s["text"].strip()]
            if not spans:
                continue
            x0, y0, x1, y1 = line["bbox"]
            text = "".join(s["text"] for s in line["spans"])
            big = max(spans, key=lambda s: s["size"])
            out.append(Line(text, x0 * MM, y0 * MM, x1 * MM, y1 * MM, big["size"], big["font"],
                            big["color"]))
    return sorted(out, key=lambda l: (round(l.y0, 1), l.x0))


def ink_box(page: pymupdf.Page, clip_mm: tuple[float, float, float, float] | None = None,
            black_only: bool = False, dpi: int = DPI):
    """(left, top, right, bottom) in mm of the inked pixels inside clip (whole page if None).
    black_only skips coloured ink (a red seal behind the text, the red mark)."""
    rect = page.rect if clip_mm is None else pymupdf.Rect(*(v / MM for v in clip_mm))
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, clip=rect, alpha=False)
    w, h, s = pix.width, pix.height, pix.samples
    if black_only:
        dark = bytes(255 if max(s[i:i + 3]) < 110 else 0 for i in range(0, len(s), 3))
    else:
        dark = bytes(255 if min(s[i:i + 3]) < 160 else 0 for i in range(0, len(s), 3))
    rows = [y for y in range(h) if any(dark[y * w:(y + 1) * w])]
    if not rows:
        return None
    cols = [x for x in range(w) if any(dark[x::w])]
    px = 25.4 / dpi
    ox, oy = rect.x0 * MM, rect.y0 * MM
    return (ox + cols[0] * px, oy + rows[0] * px, ox + (cols[-1] + 1) * px, oy + (rows[-1] + 1) * px)


def line_ink(page: pymupdf.Page, line: Line, dpi: int = DPI):
    """Ink box of one text line (its font box, widened a little), in the line's own colour."""
    return ink_box(page, (line.x0 - 0.5, line.y0 - 1.0, line.x1 + 0.5, line.y1 + 1.0),
                   black_only=not is_red(line.color), dpi=dpi)


@dataclass
class Stroke:
    x0: float
    y0: float
    x1: float
    y1: float
    color: tuple
    width: float  # mm

    @property
    def length(self) -> float:
        return max(self.x1 - self.x0, self.y1 - self.y0)


def horizontal_strokes(page: pymupdf.Page) -> list[Stroke]:
    """Horizontal lines and thin filled rectangles (how renderers draw borders), in mm."""
    out = []
    for d in page.get_drawings():
        color = d.get("color") or d.get("fill")
        box = d["rect"]
        if d.get("fill") and box.height < 3 and box.width > 20 and \
                all(item[0] == "l" for item in d["items"]):
            # a thin bar filled as a closed path of lines (LibreOffice draws a .docx shape so):
            # one stroke the bar's length, not its edges
            out.append(Stroke(box.x0 * MM, (box.y0 + box.y1) / 2 * MM, box.x1 * MM,
                              (box.y0 + box.y1) / 2 * MM, tuple(color or ()), box.height * MM))
            continue
        for item in d["items"]:
            if item[0] == "l":
                p, q = item[1], item[2]
                if abs(p.y - q.y) < 0.5:
                    out.append(Stroke(min(p.x, q.x) * MM, p.y * MM, max(p.x, q.x) * MM, q.y * MM,
                                      tuple(color or ()), (d.get("width") or 0) * MM))
            elif item[0] == "re":
                r = item[1]
                if r.height < 3 and r.width > 20:
                    out.append(Stroke(r.x0 * MM, (r.y0 + r.y1) / 2 * MM, r.x1 * MM,
                                      (r.y0 + r.y1) / 2 * MM, tuple(color or ()), r.height * MM))
        out += _ring_strokes(d, color)
    # a renderer may paint the same border twice; on paper it is one line
    unique = {(round(s.x0, 2), round(s.y0, 2), round(s.x1, 2), round(s.width, 3)): s for s in out}
    return list(unique.values())


def _ring_strokes(drawing, color) -> list[Stroke]:
    """A box border filled even-odd between an outer and an inner rectangle (WeasyPrint draws
    top and bottom borders of equal style this way): its top and bottom edges as strokes."""
    rects = [item[1] for item in drawing["items"] if item[0] == "re"]
    if len(rects) != 2 or not drawing.get("fill"):
        return []
    outer, inner = sorted(rects, key=lambda r: -r.width * r.height)
    if not (outer.contains(inner) and outer.width > 20 and outer.height >= 3):
        return []
    out = []
    for y0, y1 in ((outer.y0, inner.y0), (inner.y1, outer.y1)):
        if y1 - y0 > 0.01:
            out.append(Stroke(outer.x0 * MM, (y0 + y1) / 2 * MM, outer.x1 * MM, (y0 + y1) / 2 * MM,
                              tuple(color or ()), (y1 - y0) * MM))
    return out


def is_red(color) -> bool:
    if isinstance(color, int):
        color = ((color >> 16) & 255) / 255, ((color >> 8) & 255) / 255, (color & 255) / 255
    return len(color) == 3 and color[0] > 0.8 and color[1] < 0.2 and color[2] < 0.2
