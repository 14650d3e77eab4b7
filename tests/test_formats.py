"""The special formats of GB/T 9704 clause 10 (信函, 命令（令）, 纪要) and the 签名章 (7.3.5.3),
measured on the pipeline's PDF and on LibreOffice's rendering of the .docx.

Every expected number is written here from the standard (mm from the page or the core, in
characters of the 28-per-line grid), never read from the code under test.
"""
from __future__ import annotations

import shutil
import subprocess

import pymupdf
import pytest

from conftest import INPUTS, ROOT
from measure import horizontal_strokes, ink_box, is_red, line_ink, text_lines
from plans import build as _build
from plans import write as _plan
from pipeline.build import build_plan

TOL = 1.0  # mm, GB/T 9704 5.2.2
PAGE_W, PAGE_H = 210.0, 297.0
CORE_LEFT, CORE_RIGHT, CORE_TOP, CORE_BOTTOM = 28.0, 184.0, 37.0, 262.0
CHAR = 156 / 28  # mm, one character of the grid
PITCH = (225 - 0.886 * 16 * 25.4 / 72) / 21  # mm between the inks of two lines (22 lines)


# --- bad plans: one line naming the field ------------------------------------------------
ORDER = """\
kind: 令
organ: 云山县人民政府
order_number: 第5号
title: 云山县人民政府令第5号
body: |
  《云山县农村公路管理养护办法》已经县人民政府常务会议审议通过，现予公布。
signature:
  title: 县长
  stamp: stamp.png
  date: 2026-04-08
"""
MINUTES = """\
kind: 纪要
organ: 青山镇人民政府
mark_suffix: 镇长办公会议纪要
title: 关于春季防汛工作的会议纪要
meeting:
  present: [镇长 王建国]
body: |
  会议研究了春季防汛工作。
signature:
  date: 2026-04-10
"""
PLAIN = """\
organ: 青山镇人民政府
number: 青政〔2026〕5号
title: 关于做好春耕生产工作的通知
body: |
  请各村认真落实。
signature:
  date: 2026-03-20
"""


def _stamp(tmp_path):
    shutil.copy(INPUTS / "seals" / "county-head-signature.png", tmp_path / "stamp.png")
    shutil.copy(INPUTS / "seals" / "qingshan-government.png", tmp_path / "seal.png")


@pytest.mark.parametrize("plan,change,expect", [
    (MINUTES, ("  date: 2026-04-10\n", "  date: 2026-04-10\n  seal: seal.png\n"),
     ["plan.yaml:11", "field 'signature.seal'", "纪要 carries no seal"]),
    (ORDER, ("  stamp: stamp.png\n", ""), ["field 'signature.stamp'", "签名章"]),
    (ORDER, ("order_number: 第5号\n", ""), ["field 'order_number'", "令号"]),
    (ORDER, ("  title: 县长\n", ""), ["field 'signature.title'", "职务"]),
    (PLAIN, ("organ:", "format: 通知\norgan:"), ["plan.yaml:1", "field 'format'",
                                                   "文件, 信函, 命令, 纪要"]),
    (PLAIN, ("body:", "meeting:\n  present: 王建国\nbody:"),
     ["plan.yaml:4", "field 'meeting'", "纪要"]),
    (PLAIN, ("body:", "order_number: 第5号\nbody:"),
     ["plan.yaml:4", "field 'order_number'", "命令"]),
    (MINUTES, ("kind: 纪要\n", "kind: 纪要\nformat: 文件\n"), ["field 'meeting'", "文件 format"]),
])
def test_format_rules_named_in_one_line(tmp_path, capsys, plan, change, expect):
    _stamp(tmp_path)
    old, new = change
    assert old in plan
    code, err, out = _build(tmp_path, _plan(tmp_path, plan.replace(old, new, 1)), capsys)
    assert code == 1
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert not out.exists() or not any(out.iterdir())
    for part in expect:
        assert part in err, err


def test_good_order_and_minutes_build(tmp_path, capsys):
    _stamp(tmp_path)
    for text in (ORDER, MINUTES):
        code, err, out = _build(tmp_path, _plan(tmp_path, text), capsys)
        assert code == 0, err


def test_joint_letter_shows_the_lead_organs_mark_only(tmp_path):
    from pipeline.build import document_from_plan

    plan = _plan(tmp_path, PLAIN.replace("organ: 青山镇人民政府", "format: 信函\n"
                                         "organ: [青山镇人民政府, 青山镇农业农村办公室]"))
    doc = document_from_plan(plan)[0]
    assert doc.header.organ_names == ["青山镇人民政府"]
    assert doc.header.mark_suffix == ""  # a letter's mark has no 文件
    assert doc.signature.organs == ["青山镇人民政府", "青山镇农业农村办公室"]


# --- the examples, printed by both renderers -----------------------------------------------
SPECIAL = ("letter", "order", "minutes")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """{renderer: {example: pymupdf document}}: the pipeline's PDF, and the .docx as
    LibreOffice prints it."""
    out = tmp_path_factory.mktemp("formats")
    ours, docs = {}, []
    for name in SPECIAL:
        docx_path, pdf_path = build_plan(INPUTS / f"{name}.yaml", out)
        ours[name] = pymupdf.open(pdf_path)
        docs.append(docx_path)
    lo_out = out / "lo"
    profile = tmp_path_factory.mktemp("lo-profile")
    subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{profile}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(lo_out),
                    *map(str, docs)], check=True, capture_output=True, timeout=300)
    lo = {name: pymupdf.open(lo_out / f"{name}.pdf") for name in SPECIAL}
    return {"weasyprint": ours, "libreoffice": lo}


@pytest.fixture(params=("weasyprint", "libreoffice"))
def pages(request, printed):
    return printed[request.param]


def _find(page, text: str):
    found = [l for l in text_lines(page) if l.text.replace(" ", "").startswith(text)]
    assert found, f"'{text}' not on the page"
    return found[0]


def _red_bands(page, x_mm: float, y0: float, y1: float):
    """Red ink crossing a thin vertical strip at x_mm between y0 and y1: [(top, bottom)] mm."""
    dpi = 1200
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False,
                          clip=pymupdf.Rect(x_mm / 25.4 * 72, y0 / 25.4 * 72,
                                            (x_mm + 0.3) / 25.4 * 72, y1 / 25.4 * 72))
    s, w = pix.samples, pix.width
    red = [any(s[(y * w + x) * 3] > 180 and s[(y * w + x) * 3 + 1] < 120
               for x in range(w)) for y in range(pix.height)]
    bands, start = [], None
    px = 25.4 / dpi
    for y, on in enumerate(red + [False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            bands.append((y0 + start * px, y0 + y * px))
            start = None
    return bands


def _red_extent(page, y_mm: float):
    """Left and right ends of the red ink on the page's row at y_mm."""
    dpi = 300
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False,
                          clip=pymupdf.Rect(0, y_mm / 25.4 * 72 - 0.1, page.rect.width,
                                            y_mm / 25.4 * 72 + 0.1))
    s = pix.samples
    xs = [x for x in range(pix.width) if s[x * 3] > 180 and s[x * 3 + 1] < 120]
    px = 25.4 / dpi
    return xs[0] * px, (xs[-1] + 1) * px


def _numbers(page):
    return [l for l in text_lines(page) if l.text.replace(" ", "").startswith("—")]


# 信函格式 (GB/T 9704 10.1)
def test_letter_mark_30mm_from_page_top_red_and_centred(pages):
    page = pages["letter"][0]
    mark = _find(page, "青山镇人民政府")
    assert is_red(mark.color) and "文件" not in mark.text
    top = ink_box(page, (0, 20, 210, 45))[1]
    assert top == pytest.approx(30.0, abs=TOL)
    ink = line_ink(page, mark)
    assert (ink[0] + ink[2]) / 2 == pytest.approx((CORE_LEFT + CORE_RIGHT) / 2, abs=TOL)


def test_letter_double_lines_170mm_thick_over_thin_4mm_under_mark(pages):
    page = pages["letter"][0]
    bands = _red_bands(page, 22.0, 40, 60)  # beside the core: only the rules
    assert len(bands) == 2, bands
    (t0, t1), (n0, n1) = bands
    assert t1 - t0 > n1 - n0, "thick over thin"
    mark_bottom = ink_box(page, (0, 20, 210, t0 - 0.5))[3]
    assert t0 - mark_bottom == pytest.approx(4.0, abs=TOL)
    for y in ((t0 + t1) / 2, (n0 + n1) / 2):
        left, right = _red_extent(page, y)
        assert right - left == pytest.approx(170.0, abs=TOL)
        assert (left + right) / 2 == pytest.approx(PAGE_W / 2, abs=TOL)  # centred on the page


def test_letter_foot_double_line_20mm_above_page_bottom_thin_over_thick(pages):
    page = pages["letter"][0]
    bands = _red_bands(page, 22.0, 265, 290)
    assert len(bands) == 2, bands
    (n0, n1), (t0, t1) = bands
    assert t1 - t0 > n1 - n0, "thin over thick"
    assert PAGE_H - t1 == pytest.approx(20.0, abs=TOL)
    left, right = _red_extent(page, (t0 + t1) / 2)
    assert right - left == pytest.approx(170.0, abs=TOL)
    # on the first page only
    assert not _red_bands(pages["letter"][1], 22.0, 265, 290)


def test_letter_number_flush_right_7_8_char_under_the_double_line(pages):
    page = pages["letter"][0]
    number = _find(page, "青政函〔2026〕12")
    ink = line_ink(page, number)
    assert ink[2] == pytest.approx(CORE_RIGHT, abs=TOL)
    rule_bottom = _red_bands(page, 22.0, 40, 60)[-1][1]
    assert ink[1] - rule_bottom == pytest.approx(7 / 8 * 16 * 25.4 / 72, abs=TOL)
    title = _find(page, "青山镇人民政府关于")
    assert 2 * PITCH <= line_ink(page, title)[1] - ink[1] <= 3 * PITCH  # two lines below


def test_letter_body_on_the_grid_and_first_page_unnumbered(pages):
    pdf = pages["letter"]
    page = pdf[0]
    body = _find(page, "青山至竹溪公路是我镇")
    lines = (line_ink(page, body)[1] - CORE_TOP) / PITCH
    assert lines == pytest.approx(round(lines), abs=1.0 / PITCH)  # within 1 mm of a line
    assert not _numbers(pdf[0]), "no page number on a letter's first page"
    (number,) = _numbers(pdf[1])
    assert number.text.replace(" ", "") == "—2—"
    assert number.x0 == pytest.approx(CORE_LEFT + CHAR, abs=TOL)  # even page: left


def test_letter_closing_without_rules_or_printer_at_core_bottom(pages):
    page = pages["letter"][-1]
    assert pages["letter"].page_count % 2 == 0
    black = [s for s in horizontal_strokes(page) if not is_red(s.color) and s.length > 100]
    assert not black, "a letter's 版记 has no rules"
    texts = [l.text.replace(" ", "") for l in text_lines(page)]
    assert not any(t.endswith("印发") for t in texts)
    cc = _find(page, "抄送：")
    # at the bottom of the core: with no rule to stand on it, the last line's ink
    assert line_ink(page, cc)[3] == pytest.approx(CORE_BOTTOM, abs=TOL)


# 命令（令）格式 (GB/T 9704 10.2)
def test_order_mark_20mm_below_core_top_and_number_centred(pages):
    page = pages["order"][0]
    mark = _find(page, "云山县人民政府令")
    assert is_red(mark.color)
    ink = line_ink(page, mark)
    assert ink[1] == pytest.approx(CORE_TOP + 20.0, abs=TOL)  # 57 mm from the page top
    assert (ink[0] + ink[2]) / 2 == pytest.approx((CORE_LEFT + CORE_RIGHT) / 2, abs=TOL)
    number = line_ink(page, _find(page, "第5"))
    assert (number[0] + number[2]) / 2 == pytest.approx((CORE_LEFT + CORE_RIGHT) / 2, abs=TOL)
    # two blank lines between the mark and the 令号, and between the 令号 and the body
    assert 2 * PITCH <= number[1] - ink[3] <= 3 * PITCH
    body = line_ink(page, _find(page, "《云山县"))
    assert body[1] - number[1] == pytest.approx(3 * PITCH, abs=TOL)
    lines = (body[1] - CORE_TOP) / PITCH
    assert lines == pytest.approx(round(lines), abs=1.0 / PITCH)  # on the grid
    assert not [s for s in horizontal_strokes(page) if is_red(s.color)], "no red line"


def test_order_stamp_form(pages):
    page = pages["order"][0]
    images = page.get_image_info()
    assert len(images) == 1, "the 签名章, and no seal"
    x0, y0, x1, y1 = (v * 25.4 / 72 for v in images[0]["bbox"])
    assert x1 == pytest.approx(CORE_RIGHT - 4 * CHAR, abs=TOL)  # four characters in
    assert y1 - y0 == pytest.approx(15.0, abs=0.5)  # stamp_height_mm
    lines = text_lines(page)
    title_at = next(i for i, l in enumerate(lines) if l.text.replace(" ", "") == "县长")
    body_bottom = line_ink(page, lines[title_at - 1])[3]  # the body's last line
    assert 2 * PITCH - TOL <= y0 - body_bottom <= 3 * PITCH  # two blank lines under the body
    title = _find(page, "县长")
    assert title.x0 == pytest.approx(CORE_LEFT + 2 * CHAR, abs=TOL)  # two characters in
    ink = line_ink(page, title)
    assert (ink[1] + ink[3]) / 2 == pytest.approx((y0 + y1) / 2, abs=TOL)  # on the stamp
    date = _find(page, "2026年4月8日")
    assert date.x1 == pytest.approx(CORE_RIGHT - 4 * CHAR, abs=TOL)  # four characters in
    date_ink = line_ink(page, date)
    # one blank line between the stamp's lines and the date
    assert PITCH <= date_ink[1] - y1 <= 2 * PITCH + TOL


# 纪要格式 (GB/T 9704 10.3)
def test_minutes_mark_35mm_below_core_top_issue_and_red_line(pages):
    page = pages["minutes"][0]
    mark = _find(page, "青山镇人民政府镇长办公会议纪要")
    assert is_red(mark.color)
    ink = line_ink(page, mark)
    assert ink[1] == pytest.approx(CORE_TOP + 35.0, abs=TOL)
    assert (ink[0] + ink[2]) / 2 == pytest.approx((CORE_LEFT + CORE_RIGHT) / 2, abs=TOL)
    issue = line_ink(page, _find(page, "第12期"))
    assert (issue[0] + issue[2]) / 2 == pytest.approx((CORE_LEFT + CORE_RIGHT) / 2, abs=TOL)
    red = [s for s in horizontal_strokes(page) if is_red(s.color)]
    assert red and red[0].length == pytest.approx(156.0, abs=TOL)
    date = line_ink(page, _find(page, "青山镇人民政府办公室"))
    assert red[0].y0 - date[3] == pytest.approx(4.0, abs=TOL)
    assert not any(page.get_image_info() for page in pages["minutes"]), "no seal"


def test_minutes_attendance_hangs_under_the_first_name(pages):
    pdf = pages["minutes"]
    for page in pdf:
        if any(l.text.replace(" ", "").startswith("出席：") for l in text_lines(page)):
            break
    lines = text_lines(page)
    names_x = CORE_LEFT + 2 * CHAR + 3 * CHAR  # "出席：" two characters in, three wide
    for label in ("出席：", "请假：", "列席："):
        (i,) = [k for k, l in enumerate(lines) if l.text.replace(" ", "").startswith(label)]
        assert lines[i].x0 == pytest.approx(CORE_LEFT + 2 * CHAR, abs=TOL)
        spans = [s for b in page.get_text("dict")["blocks"] for ln in b.get("lines", [])
                 for s in ln["spans"] if s["text"].strip()]
        label_span = next(s for s in spans if s["text"].replace(" ", "").startswith(label[:2]))
        assert "Hei" in label_span["font"] or "黑" in label_span["font"]  # 3号黑体
        name_span = next(s for s in spans if s["bbox"][0] * 25.4 / 72 > names_x - TOL
                         and abs(s["bbox"][1] - label_span["bbox"][1]) < 2)
        assert "Hei" not in name_span["font"]
        # the first name starts after the colon, every wrapped line under it
        first = name_span["bbox"][0] * 25.4 / 72
        assert first == pytest.approx(names_x, abs=TOL)
        k = i + 1
        while k < len(lines) and not lines[k].text.replace(" ", "")[:3] in (
                "请假：", "列席：") and not lines[k].text.startswith("—"):
            assert lines[k].x0 == pytest.approx(names_x, abs=TOL), lines[k].text
            k += 1
        if label == "出席：":
            assert k - i >= 3, "the long 出席 list wraps"
            above = [l for l in lines[:i] if l.size == pytest.approx(16, abs=0.1)]
            if above:  # one blank line after the body
                gap = line_ink(page, lines[i])[1] - line_ink(page, above[-1])[1]
                assert gap == pytest.approx(2 * PITCH, abs=TOL)


def test_same_pages_in_both_renderers(printed):
    for name in SPECIAL:
        ours, lo = printed["weasyprint"][name], printed["libreoffice"][name]
        assert ours.page_count == lo.page_count
        assert ours.page_count % 2 == 0, "the 版记 ends on an even page"
        for a, b in zip(ours, lo):
            first = [l.text.replace(" ", "")[:5] for l in text_lines(a)][:1]
            assert first == [l.text.replace(" ", "")[:5] for l in text_lines(b)][:1]
