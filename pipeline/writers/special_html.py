"""The special formats of GB/T 9704 clause 10 in the HTML writer: the heads of a 信函, a
命令（令） and a 纪要, the 签名章 at the end of a 令 and a 纪要's attendance lines.

Each function adds layout blocks to an `html._HtmlLayout`; every distance comes from
writers.geometry and standard, as for the 文件 format.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field

from pipeline import standard as gb
from pipeline.writers import geometry as geo
from pipeline.text.linebreak import break_lines

P, CORE_W, CH = geo.P, geo.CORE_W, geo.CH


@dataclass
class Canvas:
    """A block of fixed height whose pieces stand at computed places (a letter's head, the
    签名章): one-line texts, red bars, pictures, from the block's top and the core's left
    edge; they may reach outside it (a letter's mark and rules lie outside the core)."""
    height: float
    before: float = 0.0
    texts: list = field(default_factory=list)  # (x, y of the line box's top, one-line Para)
    bars: list = field(default_factory=list)  # geo.Stroke
    images: list = field(default_factory=list)  # {left, top, width, height, src, alt}
    color: str = gb.RED  # the bars'
    tag: tuple = ()
    break_before: bool = False
    kind: str = "canvas"


def _mark(lay, role_size_line, text: str):
    size, line = role_size_line
    return lay.set.one_line(text, gb.ROLE_ORGAN_MARK, where="发文机关标志", size=size, line=line,
                            color=gb.RED)


def letter_header(lay) -> None:
    """信函 (GB/T 9704 10.1): the lead organ's name, no 文件, 30 mm from the page top; a red
    double line under it and another at the page's foot, 170 mm; 份号/密级/紧急程度 on the
    left and the 发文字号 on the right under the first; then the title on the grid."""
    h = lay.doc.header
    mark_type = geo.organ_mark_type(h)
    stack = geo.header_lines(h)
    head = geo.letter_head(lay.layout.ink, lay.layout.top_margin, *mark_type, rows=len(stack))
    mark = _mark(lay, mark_type, h.organ_names[0] + h.mark_suffix)
    canvas = Canvas(head.lines * P, bars=head.rules)
    canvas.texts.append(((CORE_W - mark.lines[0].width) / 2, head.mark_y, mark))
    for i, (text, role, where) in enumerate(stack):
        canvas.texts.append((0.0, head.number_y + i * P, lay.set.one_line(text, role, where=where)))
    if h.number:
        number = lay.set.one_line(h.number, gb.ROLE_BODY, where="发文字号")
        canvas.texts.append((CORE_W - number.lines[0].width, head.number_y, number))
    lay.out.append(canvas)


def order_header(lay) -> None:
    """命令（令） (GB/T 9704 10.2): the organ's name + 令, 20 mm below the core's top; the 令号
    centred two blank lines below, on the grid line nearest to there; two blank lines before
    the body."""
    from pipeline.writers.html import Line, Para, Run

    h = lay.doc.header
    lines = geo.header_lines(h)
    mark_type = geo.organ_mark_type(h)
    before = lay.layout.organ_mark_before(len(lines), *mark_type,
                                          from_core_mm=gb.ORDER_MARK_TOP_FROM_CORE_MM)
    mark = _mark(lay, mark_type, h.organ_names[0] + h.mark_suffix)
    mark.align, mark.before = "center", before
    lay.out.append(mark)
    number_before = lay.layout.order_number_before(len(lines), before, *mark_type)
    lay.out.append(lay.set.one_line(lay.doc.order_number, gb.ROLE_BODY, where="令号",
                                    align="center", before=number_before))
    # blank lines as preserved spaces: an empty box would take no height
    lay.out.append(Para(gb.ROLE_BODY, gb.BODY_SIZE_PT, [
        Line([Run(" ")]) for _ in range(gb.ORDER_BODY_BLANK_LINES_ABOVE)]))


def minutes_header(lay, rule) -> None:
    """纪要 (GB/T 9704 10.3): "organ + 纪要" 35 mm below the core's top; under it, where the
    文件 format has its 发文字号, the number line (第12期) centred, then the issuing office on
    the left and the date on the right (a 纪要 is not signed, so its date stands where the
    reader looks first, as practice has it); a red line under them as under a 发文字号.
    `rule(gap)` makes the red line block."""
    h, doc = lay.doc.header, lay.doc
    lines = geo.header_lines(h)
    mark_type = geo.organ_mark_type(h)
    mark = _mark(lay, mark_type, h.organ_names[0] + h.mark_suffix)
    mark.align = "center"
    mark.before = lay.layout.organ_mark_before(len(lines), *mark_type)
    lay.out.append(mark)
    before = lay.layout.doc_number_before(*mark_type)
    issue = doc.meeting.issue if doc.meeting else ""
    if issue:
        lay.out.append(lay.set.one_line(issue, gb.ROLE_BODY, where="期号", align="center",
                                        before=before))
        before = 0.0
    sig = doc.signature
    if sig:
        side = gb.SIGNER_INDENT_CHARS * CH
        organ = lay.set.one_line("、".join(sig.organs), gb.ROLE_BODY, where="纪要印发机关")
        date = lay.set.one_line(sig.date, gb.ROLE_BODY, where="成文日期")
        from pipeline.writers.html import Placed

        lay.out.append(Placed([(side, organ), (CORE_W - side - date.lines[0].width, date)],
                              before=before))
    lay.out.append(rule(lay.layout.red_line_gap()))


def stamp_signature(lay, tail: tuple) -> None:
    """The 签名章 form (GB/T 9704 7.3.5.3): two blank lines under the body, the stamp four
    characters in from the right, the 职务 two characters in from the left and centred on
    the stamp's height, one blank line, the date four characters in from the right."""
    sig = lay.doc.signature
    stamp = sig.stamp
    place = geo.stamp_layout(geo.png_aspect(stamp.png), stamp.height_mm, lay.layout.ink)
    canvas = Canvas(place.lines * P, before=gb.STAMP_BLANK_LINES_ABOVE * P, tag=tail)
    canvas.images.append({"left": place.left, "top": place.top, "width": place.width,
                          "height": place.height, "alt": "签名章",
                          "src": "data:image/png;base64," + base64.b64encode(stamp.png).decode()})
    if sig.signer_title:
        canvas.texts.append((place.title_x, place.title_y,
                             lay.set.one_line(sig.signer_title, gb.ROLE_BODY, where="职务")))
    lay.out.append(canvas)
    lay.out.append(lay.set.one_line(sig.date, gb.ROLE_BODY, where="成文日期", align="right",
                                    right=place.date_right,
                                    before=gb.STAMP_DATE_BLANK_LINES_ABOVE * P, tag=tail))


def attendance(lay, tail: tuple) -> None:
    """出席, 请假, 列席 after a 纪要's body (GB/T 9704 10.3): one blank line, each list on a
    new line, the label in 3号黑体 two characters in, the names in the body's 仿宋 after the
    colon, wrapped lines starting under the first name."""
    from pipeline.writers.html import Line, Para, Run

    meeting = lay.doc.meeting
    if not meeting:
        return
    size, tracking = gb.BODY_SIZE_PT, gb.tracking_pt(gb.BODY_SIZE_PT)
    indent = gb.MINUTES_ATTENDANCE_INDENT_CHARS * CH
    role = gb.ROLE_ATTENDANCE_LABEL
    for i, (label, names, names_x) in enumerate(geo.attendance_lines(meeting)):
        where = label.rstrip("：")
        label_adv = lay.set.advance_fn(role, where)
        body_adv = lay.set.advance_fn(gb.ROLE_BODY, where)
        advances = [label_adv(c) for c in label] + [body_adv(c) for c in names]
        family = lay.fonts.face(role).family
        lines, done = [], 0
        # the first line holds the label: it starts two characters in and has the label's
        # width less room than the wrapped lines, which start under the first name
        for set_line in break_lines(label + names, CORE_W - indent, CORE_W - names_x, size,
                                    tracking, body_adv, advances):
            cut = max(0, min(len(set_line.text), len(label) - done))
            runs = [Run(r.text, r.family or family)
                    for r in lay.set.runs(set_line.text[:cut], role, where)]
            runs += lay.set.runs(set_line.text[cut:], gb.ROLE_BODY, where)
            lines.append(Line(runs, indent if not lines else names_x,
                              set_line.spacing(tracking), set_line.width))
            done += len(set_line.text)
        before = gb.MINUTES_ATTENDANCE_BLANK_LINES_ABOVE * P if i == 0 else 0.0
        lay.out.append(Para(gb.ROLE_BODY, size, lines, before=before, tag=tail))
