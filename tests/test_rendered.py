"""The printed page, one test per rule of GB/T 9704, measured on two renderings of every
example: the .docx as LibreOffice renders it and the pipeline's own PDF (WeasyPrint).

Ink positions are read from the rasterised page (tests/measure.py), which is what the
standard measures: the core is where the ink is, not where a line box starts.
"""
from __future__ import annotations

import re

import pytest

from conftest import EXAMPLES, SPECIAL_FORMATS, only_in
from measure import horizontal_strokes, ink_box, is_red, line_ink, text_lines
from pipeline import standard as gb
from pipeline.text.width import text_chars

TOL = gb.TOLERANCE_MM
PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")
pytestmark = pytest.mark.parametrize("name", EXAMPLES)


def _body_pages(pdf):
    """Pages that carry body text only (not the first page with the header, not the last)."""
    return [pdf[i] for i in range(1, pdf.page_count - 1) if not _blank(pdf[i])]


def _content_lines(page):
    return [l for l in text_lines(page) if not PAGE_NUMBER.match(l.text.strip())]


def _is_size(line, pt: float) -> bool:
    return abs(line.size - pt) < 0.05  # renderers store sizes as floats (21.9998)


def _blank(page) -> bool:
    return not _content_lines(page)


def test_page_count(libreoffice, pdfs, name):
    # By the last-page rules (GB/T 9704 7.3.5, 7.4), counted by hand from each example:
    # annual-opinion: text and signature end on page 3 (odd) → the 版记 on page 4;
    # annual-report: text and table 1 on pages 1-2, the pie chart does not fit under the
    # table and opens page 3, the bar chart and table 2 page 4, the rest of the text and the
    # signature end on page 5 (odd) → the 版记 on page 6; implementation-plan-notice: the signature takes the body's
    # last line to page 2, the attachment fills pages 3-4, the 版记 shares page 4;
    # joint-circular: the text ends on page 2 (even) with 3 lines free → the 版记 shares it;
    # commendation-decision: text and signature on pages 1-2, the list of names on page 3
    # (odd) → the 版记 on page 4; inspection-bulletin: the score table, the rest of the text
    # and the signature end on page 2 (even) with room → the 版记 shares it; fire-ban-notice:
    # text and signature on pages 1-2, no 版记; congress-resolution: the text ends on page 2
    # (even) → the 版记 shares it;
    # letter: the text and signature end on page 2 (even) with room → the 抄送 shares it;
    # order: body and 签名章 on page 1 (odd) → the 版记 on page 2; minutes: the attendance
    # takes the body's last line to page 3 (odd) → the 版记 on page 4; request and reply:
    # the text ends on page 2 (even) with room → the 版记 shares it
    expected = {"annual-opinion": 4, "annual-report": 6, "implementation-plan-notice": 4,
                "joint-circular": 2, "commendation-decision": 4, "inspection-bulletin": 2,
                "fire-ban-notice": 2, "congress-resolution": 2, "letter": 2, "order": 2,
                "minutes": 4, "request": 2, "reply": 2}
    assert pdfs[name].page_count == expected[name]
    assert libreoffice[name].page_count == expected[name]


def test_docx_and_pdf_paginate_alike(libreoffice, pdfs, name):
    """Same text on the same pages, in the .docx as LibreOffice renders it and in the PDF."""
    lo, ours = list(libreoffice[name]), list(pdfs[name])
    assert len(lo) == len(ours)
    for a, b in zip(lo, ours):
        assert _blank(a) == _blank(b)
        if _blank(a):
            continue
        first_a = _content_lines(a)[0].text.replace(" ", "")[:6]
        first_b = _content_lines(b)[0].text.replace(" ", "")[:6]
        assert first_a == first_b, "each page starts with the same text"
    assert pdfs[name].page_count % 2 == 0, "the 版记 ends the document on an even page"


def test_pages_are_a4(rendered, name):
    for page in rendered[name]:
        assert page.rect.width * gb.MM_PER_PT == pytest.approx(210, abs=0.5)
        assert page.rect.height * gb.MM_PER_PT == pytest.approx(297, abs=0.5)


def test_first_line_ink_37mm_from_top(rendered, name):
    for page in _body_pages(rendered[name]):
        first = _content_lines(page)[0]
        if first.y0 - gb.MARGIN_TOP_MM > 2 * gb.pt_to_mm(gb.LINE_PITCH_PT):
            # a chart opens the page in the first lines' place: its ink keeps to the core and
            # starts within the first line (a pie's white space above it is the picture's)
            top = ink_box(page, (0, 0, gb.PAGE_WIDTH_MM, first.y0 - 1.0))[1]
            assert gb.MARGIN_TOP_MM - TOL <= top <= gb.MARGIN_TOP_MM + gb.pt_to_mm(gb.LINE_PITCH_PT)
            continue
        top = line_ink(page, first)[1]
        assert top == pytest.approx(gb.MARGIN_TOP_MM, abs=TOL)


def test_full_page_has_22_lines_ending_35mm_from_bottom(rendered, name):
    full = [p for p in _body_pages(rendered[name]) if len(_content_lines(p)) == 22]
    if not full:
        pytest.skip("no full text page in this example")
    for page in full:
        bottom = line_ink(page, _content_lines(page)[-1])[3]
        assert gb.PAGE_HEIGHT_MM - bottom == pytest.approx(gb.MARGIN_BOTTOM_MM, abs=TOL)


def test_text_starts_28mm_from_left(rendered, name):
    for page in rendered[name]:
        lines = [l for l in _content_lines(page) if _is_size(l, gb.BODY_SIZE_PT)]
        if len(lines) >= 5:  # a page of text, not one holding only the signature
            assert min(l.x0 for l in lines) == pytest.approx(gb.MARGIN_LEFT_MM, abs=TOL)


def test_full_lines_hold_28_characters(rendered, name):
    widths = [text_chars(l.text.replace(" ", "")) for p in rendered[name]
              for l in _content_lines(p) if _is_size(l, gb.BODY_SIZE_PT) and "\t" not in l.text]
    assert max(widths) <= gb.CHARS_PER_LINE
    assert max(widths) >= gb.CHARS_PER_LINE - 1


def test_heading_labels_in_order(rendered, models, name):
    text = "".join(l.text for p in rendered[name] for l in text_lines(p)).replace(" ", "")
    labels = [b.label + b.text for b in models[name].blocks if hasattr(b, "label")]
    for att in models[name].attachments:
        labels += [b.label + b.text for b in att.blocks if hasattr(b, "label")]
    position = 0
    for label in labels:
        found = text.find(label.replace(" ", ""), position)
        assert found >= 0, f"heading '{label}' missing or out of order"
        position = found


def test_page_numbers_odd_right_even_left(rendered, models, name):
    pdf = rendered[name]
    # 7.5: only a blank page before the 版记, and that 版记 page, go unnumbered
    blank_before = pdf.page_count > 2 and _blank(pdf[pdf.page_count - 2])
    numbered = pdf.page_count - (2 if blank_before else 0)
    for index in range(pdf.page_count):
        page = pdf[index]
        numbers = [l for l in text_lines(page) if PAGE_NUMBER.match(l.text.strip())]
        if index == 0 and SPECIAL_FORMATS.get(name) == "信函":
            assert not numbers, "a letter's first page carries no number (10.1)"
            continue
        if index >= numbered:
            assert not numbers, "the blank page and the 版记 page after it carry no number"
            continue
        (number,) = numbers
        assert int(PAGE_NUMBER.match(number.text.strip()).group(1)) == index + 1
        assert _is_size(number, gb.PAGE_NUMBER_SIZE_PT)
        one_char = gb.pt_to_mm(gb.EFFECTIVE_CHAR_PT)
        if (index + 1) % 2:
            assert number.x1 == pytest.approx(210 - gb.MARGIN_RIGHT_MM - one_char, abs=TOL)
        else:
            assert number.x0 == pytest.approx(gb.MARGIN_LEFT_MM + one_char, abs=TOL)


def test_page_number_dash_7mm_below_core(rendered, name):
    page = rendered[name][1 if SPECIAL_FORMATS.get(name) == "信函" else 0]
    (number,) = [l for l in text_lines(page) if PAGE_NUMBER.match(l.text.strip())]
    dash = ink_box(page, (number.x0 - 0.3, number.y0, number.x0 + 3.5, number.y1))
    dash_y = (dash[1] + dash[3]) / 2
    core_bottom = gb.PAGE_HEIGHT_MM - gb.MARGIN_BOTTOM_MM
    assert dash_y - core_bottom == pytest.approx(gb.PAGE_NUMBER_BELOW_CORE_MM, abs=TOL)


def test_organ_mark_red_35mm_below_core_top(rendered, name):
    only_in(name, "文件", "纪要")
    page = rendered[name][0]
    mark = [l for l in text_lines(page) if is_red(l.color)]
    assert mark, "no red organ mark"
    top = min(line_ink(page, l)[1] for l in mark)
    assert top - gb.MARGIN_TOP_MM == pytest.approx(gb.ORGAN_MARK_TOP_FROM_CORE_MM, abs=TOL)


def test_red_line_core_wide_4mm_below_number(rendered, models, name):
    only_in(name, "文件")
    page = rendered[name][0]
    red = [s for s in horizontal_strokes(page) if is_red(s.color)]
    assert red, "no red separator line"
    line = red[0]
    assert line.x1 - line.x0 == pytest.approx(gb.CORE_WIDTH_MM, abs=TOL)
    assert line.x0 == pytest.approx(gb.MARGIN_LEFT_MM, abs=TOL)
    number = models[name].header.number
    (num_line,) = [l for l in text_lines(page) if l.text.replace(" ", "").startswith(number)]
    ink_bottom = line_ink(page, num_line)[3]
    assert line.y0 - ink_bottom == pytest.approx(gb.RED_LINE_BELOW_DOCNUMBER_MM, abs=TOL)


def test_title_22pt_two_lines_below_red_line(rendered, models, name):
    only_in(name, "文件", "纪要")
    page = rendered[name][0]
    first = models[name].title_lines[0]
    (title,) = [l for l in text_lines(page) if l.text.replace(" ", "") == first.replace(" ", "")]
    assert _is_size(title, gb.TITLE_SIZE_PT)
    red = [s for s in horizontal_strokes(page) if is_red(s.color)][0]
    gap = line_ink(page, title)[1] - red.y0
    pitch = gb.pt_to_mm(gb.LINE_PITCH_PT)
    assert 2 * pitch - TOL <= gap <= 3 * pitch


def test_closing_lines_on_core_bottom(rendered, models, name):
    only_in(name, "文件", "命令", "纪要")  # a letter's 版记 has no rules
    if not models[name].closing:
        pytest.skip("no closing block")
    page = rendered[name][-1]
    closing = models[name].closing
    rows = bool(closing.copies_to) + bool(closing.printer or closing.print_date)
    # the 版记 may share its page with the text or a table: its rules are the lowest ones
    strokes = sorted((s for s in horizontal_strokes(page) if not is_red(s.color)),
                     key=lambda s: s.y0)[-(rows + 1):]
    assert len(strokes) == rows + 1
    assert gb.PAGE_HEIGHT_MM - strokes[-1].y0 == pytest.approx(gb.MARGIN_BOTTOM_MM, abs=TOL)
    assert strokes[0].width == pytest.approx(gb.CLOSING_THICK_LINE_MM, abs=0.05)
    assert strokes[-1].width == pytest.approx(gb.CLOSING_THICK_LINE_MM, abs=0.05)
    for middle in strokes[1:-1]:
        assert middle.width == pytest.approx(gb.CLOSING_THIN_LINE_MM, abs=0.05)
    for s in strokes:
        assert s.x1 - s.x0 == pytest.approx(gb.CORE_WIDTH_MM, abs=TOL)
    texts = [l.text.replace(" ", "") for l in text_lines(page)]
    assert any(t.endswith("印发") for t in texts)


def test_seal_over_signature_and_date(rendered, models, name):
    sig = models[name].signature
    if not sig or not sig.seals:
        pytest.skip("no seal")
    pdf = rendered[name]
    for page in pdf:
        date_lines = [l for l in text_lines(page) if l.text.replace(" ", "") == sig.date]
        if date_lines:
            break
    images = page.get_image_info()
    assert len(images) == len(sig.seals)
    date = date_lines[0]
    last = max(images, key=lambda i: i["bbox"][0])
    x0, y0, x1, y1 = (v * gb.MM_PER_PT for v in last["bbox"])
    assert x0 < (date.x0 + date.x1) / 2 < x1, "last seal centred over the date"
    assert y0 < date.y0 and date.y1 < y1
    assert x1 - x0 == pytest.approx(models[name].signature.seals[-1].diameter_mm, abs=0.5)
