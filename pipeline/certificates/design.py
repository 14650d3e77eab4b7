"""Certificate designs as boxes on the sheet, in millimetres: one layout, read by both the .docx
writer (framed paragraphs at absolute positions) and the HTML/PDF writer (absolute boxes).

Built in: `full`, a complete A4-landscape certificate (frame, title, wording, organ, date,
seal, number), and `overprint` (套打), only the variable text at measured positions for
pre-printed certificate paper, shifted by the plan's calibration offset.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline import standard as gb
from pipeline.certificates.plan import CertificatePlan

A4_LANDSCAPE = (gb.PAGE_HEIGHT_MM, gb.PAGE_WIDTH_MM)
STATIC = ("title", "organ", "date")  # the same on every certificate of a run
SALUTATION_END = "："


@dataclass(frozen=True)
class Box:
    name: str  # what goes in: title, salutation, body, organ, date, number, or a roster field
    x: float  # mm from the sheet's left edge
    y: float  # mm from the sheet's top edge
    w: float
    h: float
    size: float  # pt, the largest the text is set in
    role: str = "kai"  # font role (standard.FONT_ROLES)
    align: str = "left"
    color: str = gb.BLACK
    min_size: float = 0.0  # shrink to fit one line down to this size; 0: wrap instead
    indent_chars: float = 0.0  # first-line indent of wrapped text


@dataclass(frozen=True)
class Frame:
    """The red double frame of a full certificate, as every writer draws it: its outer edge
    `inset_mm` in from each edge of the sheet, `width_mm` wide in all, the outer line, the
    gap and the inner line a third of that each (how CSS draws a `double` border)."""
    inset_mm: float = 10.0
    width_mm: float = 1.6
    color: str = gb.RED

    @property
    def line_mm(self) -> float:
        return self.width_mm / 3


@dataclass(frozen=True)
class Design:
    name: str
    page_mm: tuple[float, float]
    boxes: tuple[Box, ...]
    frame: Frame | None = None  # the red double frame of a full certificate
    seal_centre: tuple[float, float] | None = None  # mm; the seal over organ and date

    def part(self, static: bool) -> "Design":
        """Only the boxes that are the same for everyone (with frame and seal), or only the
        ones that change per person: the PDF renders the first once and stamps it under
        every page (fewer boxes per page is most of WeasyPrint's time)."""
        boxes = tuple(b for b in self.boxes if (b.name in STATIC) == static)
        return replace(self, boxes=boxes, frame=self.frame if static else None,
                       seal_centre=self.seal_centre if static else None)

    def box(self, name: str) -> Box | None:
        return next((b for b in self.boxes if b.name == name), None)

    def max_chars(self, name: str) -> int | None:
        """The most characters a one-line box holds at its smallest size."""
        box = self.box(name)
        if not box or not box.min_size:
            return None
        return int(box.w // gb.pt_to_mm(box.min_size))


FULL = Design(
    "full", A4_LANDSCAPE, frame=Frame(), seal_centre=(205.0, 160.0),
    boxes=(
        Box("title", 0, 26, 297, 26, 54, "xiaobiaosong", "center", gb.RED),
        Box("salutation", 42, 68, 213, 14, 26, min_size=16),
        Box("body", 42, 86, 213, 52, 22, indent_chars=2),
        Box("organ", 150, 148, 110, 11, 20, align="center"),
        Box("date", 150, 162, 110, 11, 20, align="center"),
        Box("number", 42, 181, 140, 7, 12, "fang"),
    ))

_DEFAULT_OVERPRINT = (
    Box("姓名", 95, 78, 100, 12, 26, min_size=16),
    Box("荣誉称号", 95, 110, 160, 12, 22, min_size=14),
    Box("证书编号", 60, 182, 110, 7, 12, "fang"),
)


def design_for(plan: CertificatePlan) -> Design | None:
    """The built-in design a plan names, or None for a user's .docx/.html design."""
    if plan.design == "full":
        return FULL
    if plan.design != "overprint":
        return None
    dx, dy = plan.overprint.offset_mm
    boxes = tuple(Box(name, f.x, f.y, f.width, f.size / 72 * 25.4 * 1.6, f.size, "kai",
                      f.align, min_size=max(8.0, f.size * 0.6))
                  for name, f in plan.overprint.fields.items()) or _DEFAULT_OVERPRINT
    return Design("overprint", plan.overprint.paper_mm,
                  tuple(replace(b, x=b.x + dx, y=b.y + dy) for b in boxes))


def split_wording(wording: str) -> tuple[str, str]:
    """(salutation, body): "王伟同志：在……" → ("王伟同志：", "在……"); no colon → ("", all)."""
    head, sep, rest = wording.partition(SALUTATION_END)
    if sep and len(head) <= 40 and "\n" not in head:
        return head + sep, rest.strip()
    return "", wording.strip()


def fitted_size(box: Box, text: str, chars) -> float:
    """The size a one-line box sets `text` in: its own size, or smaller so it fits."""
    if not box.min_size or not text:
        return box.size
    width = chars(text) * gb.pt_to_mm(1)  # mm per pt of size
    return max(box.min_size, min(box.size, box.w / width)) if width else box.size
