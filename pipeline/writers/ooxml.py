"""Small WordprocessingML builders that put every child in the order the schema demands.

Word repairs a file whose pPr/rPr children are out of order, and LibreOffice and WPS quietly
drop what they cannot place (a red line drawn as a border is the classic victim). So every
property element built here goes through `ordered`, which sorts by the schema sequence.
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

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


def twips(pt: float) -> int:
    return round(pt * 20)


def twips_mm(mm: float) -> int:
    return twips(mm_to_pt(mm))


def emu_mm(mm: float) -> int:
    return round(mm * 36000)


def half_points(pt: float) -> int:
    return round(pt * 2)


def eighths_mm(mm: float) -> int:
    """Border widths are in eighths of a point."""
    return round(mm_to_pt(mm) * 8)


def fonts(name: str):
    """Explicit names for every script and no theme attributes: theme fonts would override
    the names and Chinese text would fall back to 等线 (gbt9704.md, pitfalls)."""
    return el("w:rFonts", {"w:ascii": name, "w:hAnsi": name, "w:eastAsia": name, "w:cs": name})


def border(tag: str, width_mm: float, color: str, space_pt: float = 0):
    return el(tag, {"w:val": "single", "w:sz": eighths_mm(width_mm), "w:space": round(space_pt),
                    "w:color": color})


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
