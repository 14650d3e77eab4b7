"""Small WordprocessingML builders that put every child in the order the schema demands.

Word repairs a file whose pPr/rPr children are out of order, and LibreOffice and WPS quietly
drop what they cannot place (a red line drawn as a border is the classic victim). So every
property element built here goes through `ordered`, which sorts by the schema sequence.
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Twips

from pipeline.standard import mm_to_pt

# Child sequences from the ECMA-376 schema (wml.xsd), only the parents we build.
_ORDER = {
    "w:pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
             "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap "
             "overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid "
             "spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
             "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "w:rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
             "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs "
             "highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout "
             "specVanish oMath",
    "w:sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc "
                "pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg "
                "textDirection bidi rtlGutter docGrid printerSettings sectPrChange",
    "w:tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize "
               "tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook",
    "w:tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection "
              "tcFitText vAlign hideMark",
    "w:trPr": "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader "
              "tblCellSpacing jc hidden",
    "w:pBdr": "top left bottom right between bar",
    "w:tblBorders": "top left start bottom right end insideH insideV",
    "w:tcBorders": "top left start bottom right end insideH insideV tl2br tr2bl",
    "w:style": "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden "
               "unhideWhenUsed qFormat locked personal personalCompose personalReply rsid pPr "
               "rPr tblPr trPr tcPr tblStylePr",
    "w:lvl": "start numFmt lvlRestart pStyle isLgl suff lvlText lvlPicBulletId legacy lvlJc "
             "pPr rPr",
}
ZERO = Length(0)

_RANK = {parent: {qn(f"w:{name}"): i for i, name in enumerate(seq.split())}
         for parent, seq in _ORDER.items()}


def el(tag: str, attrs: dict[str, object] | None = None, *children):
    """An element; attrs keys are prefixed names ('w:val'); None children are skipped."""
    element = OxmlElement(tag)
    for key, value in (attrs or {}).items():
        if value is not None:
            element.set(qn(key), str(value))
    for child in children:
        if child is not None:
            element.append(child)
    return element


def ordered(tag: str, children, attrs: dict[str, object] | None = None):
    """A property container whose children are sorted into schema order."""
    rank = _RANK[tag]
    kids = sorted((c for c in children if c is not None), key=lambda c: rank[c.tag])
    return el(tag, attrs, *kids)


def reorder(element) -> None:
    """Sort an existing property container's children into schema order, in place."""
    rank = _RANK[element.prefix + ":" + element.tag.split("}")[1]]
    kids = sorted(element, key=lambda c: rank[c.tag])
    for kid in kids:
        element.append(kid)  # appending an existing child moves it to the end


def val(tag: str, value: object):
    return el(tag, {"w:val": value})


def flag(tag: str, on: bool = True):
    return el(tag) if on else val(tag, 0)


# --- lengths ------------------------------------------------------------------------------
# A length is python-docx's `Length` (an int of EMU) and each builder below writes it in the
# unit its attribute takes (twentieths of a point, eighths, halves, EMU), so no caller handles
# a bare number of twips. The layout (writers.geometry) works in points: `pt()` is the door.
_EMU_PER_PT = 12700
_EMU_PER_TWIP = 635


def pt(points: float) -> Length:
    """A length in points, rounded to the EMU (python-docx's Pt() truncates)."""
    return Length(round(points * _EMU_PER_PT))


def mm(millimetres: float) -> Length:
    return pt(mm_to_pt(millimetres))


def _twips(length: Length) -> int:
    return round(length / _EMU_PER_TWIP)


# --- named builders ----------------------------------------------------------------------
def spacing(before: Length = ZERO, line: Length | None = None):
    """Paragraph spacing: `before` above it, nothing after, lines of exactly `line`."""
    attrs = {"w:before": _twips(before), "w:after": 0}
    if line is not None:
        attrs.update({"w:line": _twips(line), "w:lineRule": "exact"})
    return el("w:spacing", attrs)


def single_spacing():
    """Single line spacing (w:line counts 240ths of the font's line when the rule is auto)."""
    return el("w:spacing", {"w:before": 0, "w:after": 0, "w:line": 240, "w:lineRule": "auto"})


def indent(left: Length = ZERO, right: Length = ZERO, first: Length = ZERO,
           hanging: Length = ZERO):
    attrs = {"w:left": _twips(left), "w:right": _twips(right)}
    if hanging:
        attrs["w:hanging"] = _twips(hanging)
    else:
        attrs["w:firstLine"] = _twips(first)
    return el("w:ind", attrs)


def first_line(length: Length, *, left: Length | None = None):
    """A first-line indent (styles and numbering levels), and the left indent if given."""
    attrs = {} if left is None else {"w:left": _twips(left)}
    return el("w:ind", {**attrs, "w:firstLine": _twips(length)})


def tab_stops(*stops: tuple[str, Length]):
    return el("w:tabs", None, *[el("w:tab", {"w:val": kind, "w:pos": _twips(pos)})
                                for kind, pos in stops])


def char_spacing(length: Length):
    """rPr w:spacing: extra advance after each character (negative condenses)."""
    return val("w:spacing", _twips(length))


def font_size(length: Length) -> list:
    """w:sz and w:szCs, in half-points."""
    half = round(length / _EMU_PER_PT * 2)
    return [val("w:sz", half), val("w:szCs", half)]


def width(tag: str, length: Length):
    """A table measure (w:tblW, w:tcW, w:tblInd, cell margins) in twips."""
    return el(tag, {"w:w": _twips(length), "w:type": "dxa"})


def grid(widths: list[Length]):
    return el("w:tblGrid", None, *[el("w:gridCol", {"w:w": _twips(w)}) for w in widths])


def row_height(length: Length, rule: str):
    return el("w:trHeight", {"w:val": _twips(length), "w:hRule": rule})


def line_grid(pitch: Length):
    """The section's document grid: lines of `pitch` (WPS and Word snap to it)."""
    return el("w:docGrid", {"w:type": "lines", "w:linePitch": _twips(pitch)})


def section_length(length: Length) -> Length:
    """A page measure for python-docx's section properties, which store whole twips."""
    return Twips(_twips(length))


def fonts(name: str):
    """Explicit names for every script and no theme attributes: theme fonts would override
    the names and Chinese text would fall back to 等线 (gbt9704.md, pitfalls)."""
    return el("w:rFonts", {"w:ascii": name, "w:hAnsi": name, "w:eastAsia": name, "w:cs": name})


def border(tag: str, thickness: Length, color: str, space: Length = ZERO):
    """A single line: w:sz in eighths of a point, w:space (gap to the text) in points."""
    return el(tag, {"w:val": "single", "w:sz": _eighths(thickness),
                    "w:space": round(space / _EMU_PER_PT), "w:color": color})


def _eighths(length: Length) -> int:
    return round(length / _EMU_PER_PT * 8)


# Whole twips and eighths for the f-string parts of the certificate writer, EMU for picture
# anchors.
def twips_mm(millimetres: float) -> int:
    return _twips(mm(millimetres))


def emu_mm(millimetres: float) -> int:
    return round(millimetres * 36000)


def eighths_mm(millimetres: float) -> int:
    return _eighths(mm(millimetres))


def anchored_picture(rid: str, cx: int, cy: int, x: int, y: int, drawing_id: int, *, name: str,
                     file: str, behind: bool, alt: str = "",
                     relative_to: tuple[str, str] = ("margin", "paragraph")):
    """A floating picture (a seal, a chart) as a wp:anchor element. By default `x` is from the
    core's left edge and `y` below the top of the paragraph holding it; `relative_to`
    ("page", "page") places it on the sheet instead (a certificate's seal). All in EMU;
    `behind` puts it under the text. `name` is what Word's selection pane shows, `file` the
    picture's own name."""
    from xml.sax.saxutils import quoteattr

    from docx.oxml import parse_xml

    horizontal, vertical = relative_to
    return parse_xml(f"""
<wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
  xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
  xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"
  xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
  distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="{drawing_id}"
  behindDoc="{int(behind)}" locked="0" layoutInCell="1" allowOverlap="1">
  <wp:simplePos x="0" y="0"/>
  <wp:positionH relativeFrom="{horizontal}"><wp:posOffset>{x}</wp:posOffset></wp:positionH>
  <wp:positionV relativeFrom="{vertical}"><wp:posOffset>{y}</wp:posOffset></wp:positionV>
  <wp:extent cx="{cx}" cy="{cy}"/>
  <wp:effectExtent l="0" t="0" r="0" b="0"/>
  <wp:wrapNone/>
  <wp:docPr id="{drawing_id}" name="{name}{drawing_id}" descr={quoteattr(alt)}/>
  <wp:cNvGraphicFramePr/>
  <a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">
    <pic:pic><pic:nvPicPr><pic:cNvPr id="{drawing_id}" name="{file}"/><pic:cNvPicPr/></pic:nvPicPr>
      <pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>
      <pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>
        <a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>
  </a:graphicData></a:graphic>
</wp:anchor>""")
