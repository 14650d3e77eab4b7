"""Floating shapes for the special formats in the .docx writer: a 信函's red double lines and
its mark, which stand at fixed places on the first page, partly above the core where no
paragraph can go.

Both are DrawingML shapes (wps) anchored to the first paragraph, placed from the page's
top-left corner and without text wrapping, so they take no room in the text's flow: the
paragraphs below keep the 22-line grid. A bar is a filled rectangle, not a stroked line:
its thickness is then exactly its height in every renderer.
"""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

from docx.oxml import parse_xml
from lxml import etree

from pipeline import standard as gb

_NS = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"')
_WPS_URI = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def _emu(pt: float) -> int:
    return round(pt * 12700)


def _shape(x_pt: float, y_pt: float, w_pt: float, h_pt: float, drawing_id: int, name: str,
           sppr: str, body: str = ""):
    """A wp:anchor holding one shape at (x, y) pt from the page's top-left corner."""
    cx, cy = _emu(w_pt), _emu(h_pt)
    return parse_xml(f"""
<wp:anchor {_NS} distT="0" distB="0" distL="0" distR="0" simplePos="0"
  relativeHeight="{drawing_id}" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">
  <wp:simplePos x="0" y="0"/>
  <wp:positionH relativeFrom="page"><wp:posOffset>{_emu(x_pt)}</wp:posOffset></wp:positionH>
  <wp:positionV relativeFrom="page"><wp:posOffset>{_emu(y_pt)}</wp:posOffset></wp:positionV>
  <wp:extent cx="{cx}" cy="{cy}"/>
  <wp:effectExtent l="0" t="0" r="0" b="0"/>
  <wp:wrapNone/>
  <wp:docPr id="{drawing_id}" name={quoteattr(f"{name}{drawing_id}")}/>
  <wp:cNvGraphicFramePr/>
  <a:graphic><a:graphicData uri="{_WPS_URI}"><wps:wsp>
    <wps:cNvSpPr{' txBox="1"' if body else ''}/>
    <wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>
      <a:prstGeom prst="rect"><a:avLst/></a:prstGeom>{sppr}</wps:spPr>
    {body}
    <wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0"
      anchor="t" anchorCtr="0"><a:noAutofit/></wps:bodyPr>
  </wps:wsp></a:graphicData></a:graphic>
</wp:anchor>""")


def bar(x_pt: float, y_pt: float, w_pt: float, h_pt: float, drawing_id: int,
        color: str = gb.RED):
    """A filled rectangle: one line of a letter's red double line."""
    fill = f'<a:solidFill><a:srgbClr val="{color}"/></a:solidFill><a:ln><a:noFill/></a:ln>'
    return _shape(x_pt, y_pt, w_pt, h_pt, drawing_id, "红线", fill)


def text_box(x_pt: float, y_pt: float, w_pt: float, h_pt: float, drawing_id: int,
             paragraph, name: str):
    """A frameless, transparent text box holding one paragraph (a letter's mark)."""
    plain = '<a:noFill/><a:ln><a:noFill/></a:ln>'
    inner = etree.tostring(paragraph, encoding="unicode")
    body = f"<wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx>"
    return _shape(x_pt, y_pt, w_pt, h_pt, drawing_id, name, plain, body)
