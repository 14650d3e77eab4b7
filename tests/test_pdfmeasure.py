"""The PDF measurer on fixtures of known geometry: the check and every rendered-geometry test
rely on it, so it is measured against pages drawn here with exact coordinates."""
from __future__ import annotations

import pymupdf
import pytest

from pipeline import pdfmeasure

PT_PER_MM = 72 / 25.4


def _pt(mm: float) -> float:
    return mm * PT_PER_MM


@pytest.fixture
def page():
    doc = pymupdf.open()
    page = doc.new_page(width=_pt(210), height=_pt(297))  # A4
    yield page
    doc.close()


def test_ink_box_of_a_black_rectangle(page):
    page.draw_rect(pymupdf.Rect(_pt(28), _pt(37), _pt(184), _pt(262)), color=None, fill=(0, 0, 0))
    left, top, right, bottom = pdfmeasure.ink_box(page, dpi=150)
    px = 25.4 / 150  # one pixel at 150 dpi is the resolution of the measure
    assert left == pytest.approx(28, abs=px) and top == pytest.approx(37, abs=px)
    assert right == pytest.approx(184, abs=px) and bottom == pytest.approx(262, abs=px)


def test_ink_box_inside_a_clip_and_black_only_skips_red(page):
    page.draw_rect(pymupdf.Rect(_pt(50), _pt(50), _pt(60), _pt(55)), color=None, fill=(0, 0, 0))
    page.draw_rect(pymupdf.Rect(_pt(40), _pt(45), _pt(70), _pt(48)), color=None, fill=(1, 0, 0))
    px = 25.4 / 300
    box = pdfmeasure.ink_box(page, (30, 30, 100, 100), dpi=300)
    assert box[1] == pytest.approx(45, abs=px) and box[0] == pytest.approx(40, abs=px)
    black = pdfmeasure.ink_box(page, (30, 30, 100, 100), black_only=True, dpi=300)
    assert black[0] == pytest.approx(50, abs=px) and black[1] == pytest.approx(50, abs=px)
    assert black[2] == pytest.approx(60, abs=px) and black[3] == pytest.approx(55, abs=px)
    assert pdfmeasure.ink_box(page, (150, 150, 200, 200), dpi=72) is None  # empty clip


def test_horizontal_strokes_report_position_length_width_and_colour(page):
    # the 版记's rules: 156 mm long, 0.35 mm thick and 0.25 mm thin
    page.draw_line((_pt(28), _pt(262)), (_pt(184), _pt(262)), color=(0, 0, 0), width=_pt(0.35))
    page.draw_line((_pt(28), _pt(250)), (_pt(184), _pt(250)), color=(0, 0, 0), width=_pt(0.25))
    # the red line of the 版头, drawn as a thin filled rectangle (how renderers draw borders)
    page.draw_rect(pymupdf.Rect(_pt(28), _pt(80), _pt(184), _pt(80.35)), color=None, fill=(1, 0, 0))
    strokes = sorted(pdfmeasure.horizontal_strokes(page), key=lambda s: s.y0)
    assert [s.y0 for s in strokes] == [pytest.approx(y, abs=0.01) for y in (80.175, 250, 262)]
    assert all(s.length == pytest.approx(156, abs=0.01) for s in strokes)
    assert [round(s.width, 2) for s in strokes] == [0.35, 0.25, 0.35]
    assert pdfmeasure.is_red(strokes[0].color) and not pdfmeasure.is_red(strokes[1].color)


def test_a_bar_filled_as_a_closed_path_is_one_stroke(page):
    # a 信函's thick red line, 170 mm from x = 20 mm, 0.8 mm high, drawn as LibreOffice draws a
    # .docx shape: a closed path of lines starting at the middle of its bottom edge
    top, bottom = _pt(47.9), _pt(48.7)
    shape = page.new_shape()
    shape.draw_polyline([(_pt(105), bottom), (_pt(20), bottom), (_pt(20), top), (_pt(190), top),
                         (_pt(190), bottom), (_pt(105), bottom)])
    shape.finish(color=None, fill=(1, 0, 0), closePath=True)
    shape.commit()
    (stroke,) = pdfmeasure.horizontal_strokes(page)
    assert (stroke.x0, stroke.x1) == (pytest.approx(20, abs=0.01), pytest.approx(190, abs=0.01))
    assert stroke.y0 == pytest.approx(48.3, abs=0.01) and stroke.width == pytest.approx(0.8, abs=0.01)


def test_vertical_lines_are_not_horizontal_strokes(page):
    page.draw_line((_pt(100), _pt(40)), (_pt(100), _pt(200)), color=(0, 0, 0), width=1)
    assert pdfmeasure.horizontal_strokes(page) == []


def test_text_lines_in_reading_order_with_size_and_colour(page):
    page.insert_text((_pt(28), _pt(100)), "second", fontsize=16, color=(0, 0, 0))
    page.insert_text((_pt(28), _pt(60)), "Title", fontsize=22, color=(1, 0, 0))
    lines = pdfmeasure.text_lines(page)
    assert [l.text for l in lines] == ["Title", "second"]
    title, body = lines
    assert title.size == pytest.approx(22) and body.size == pytest.approx(16)
    assert pdfmeasure.is_red(title.color) and not pdfmeasure.is_red(body.color)
    assert title.x0 == pytest.approx(28, abs=0.1)
    # the baseline lies inside the line's box, which is the font's ascent + descent: more than
    # one font size, less than one and a half
    height = title.y1 - title.y0
    assert title.y0 < 60 < title.y1 and 22 / PT_PER_MM < height < 1.5 * 22 / PT_PER_MM


@pytest.mark.parametrize("color,red", [((1, 0, 0), True), ((0.9, 0.1, 0.1), True), (0xFF0000, True),
                                       ((0, 0, 0), False), ((1, 0.5, 0), False), (0x000000, False)])
def test_is_red(color, red):
    assert pdfmeasure.is_red(color) is red
