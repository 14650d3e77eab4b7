"""The pipeline's own PDF: fonts, metadata, Chinese line breaking, justification, coverage.

Page geometry (margins, grid, header, page numbers, 版记) is measured for both renderers in
test_rendered.py; this file holds what only the PDF writer decides.
"""
from __future__ import annotations

import subprocess
import sys

import pymupdf
import pytest

from conftest import EXAMPLES, ROOT
from measure import MM
from pipeline.cli import main
from plans import GOOD
from plans import build as run_build
from plans import write as write_plan

CORE_RIGHT_MM = 210 - 26  # GB/T 9704 5.2.2: A4, 26 mm right margin
BODY_PT = 16  # 3号
CHAR_PITCH_MM = 156 / 28  # 5.2.3: 28 characters fill the 156 mm core
# 禁则 (GB/T 15834 and the Chinese layout requirements, clreq): the 点号, the closing 标号 and
# the 间隔号 never begin a line; the opening 标号 never end one
NO_LINE_START = set("。？！，、；：”’）》〉】〕」』·") | set(",.;:?!)]}")
NO_LINE_END = set("“‘（《〈【〔「『") | set("([{")
# the standard's font for each role (GB/T 9704 5.3, 7.x)
STANDARD_FONTS = {"fang": "仿宋_GB2312", "kai": "楷体_GB2312", "hei": "黑体", "song": "宋体",
                  "xiaobiaosong": "方正小标宋简体"}


def _chars(page):
    """Text lines as lists of (char, x0, x1) in mm, from the PDF's glyph boxes."""
    out = []
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            chars = [(c["c"], c["bbox"][0] * MM, c["bbox"][2] * MM, span["size"])
                     for span in line["spans"] for c in span["chars"]]
            chars = [c for c in chars if c[0].strip()]
            if chars:
                out.append(chars)
    return out


def _body_lines(pdf):
    """Lines set at body size, page furniture excluded."""
    return [line for page in pdf for line in _chars(page)
            if abs(line[0][3] - BODY_PT) < 0.05 and not line[0][0] == "—"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_fonts_embedded_and_subset(pdfs, name):
    for page in pdfs[name]:
        for xref, ext, _type, basefont, *_ in page.get_fonts():
            assert ext != "n/a", f"{basefont} is not embedded"
            assert "+" in basefont and len(basefont.split("+")[0]) == 6, \
                f"{basefont} is not a subset"


@pytest.mark.parametrize("name", EXAMPLES)
def test_metadata_title_author_date(pdfs, models, name):
    meta = pdfs[name].metadata
    doc = models[name]
    assert meta["title"] == "".join(doc.title_lines)
    assert meta["author"] == "、".join(doc.header.organ_names)
    assert meta["creationDate"].startswith("D:20")


STRESS_BODY = "\n".join([
    "各单位要，认真，落实，“三会一课”，“主题党日”，（一）学习；（二）整改。" * 4,
    "做好“两个确保”“三个到位”工作，形成《工作台账》《问题清单》，确保2026年9月30日前完成。" * 3,
    "要求：一、二、三、四、五、六、七、八、九、十，“好”“好”“好”！再？再；再：再。" * 4,
])


@pytest.fixture(scope="module")
def stress(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stress")
    plan = write_plan(tmp, GOOD.replace("请各村认真落实。", STRESS_BODY.replace("\n", "\n  ")))
    out = tmp / "out"
    assert main(["build", str(plan), "-o", str(out), "--format", "pdf"]) == 0
    return pymupdf.open(out / "plan.pdf")


def test_no_line_starts_with_closing_punctuation(stress):
    lines = _body_lines(stress)
    assert len(lines) > 15
    for line in lines:
        text = "".join(c[0] for c in line)
        assert text[0] not in NO_LINE_START, f"line begins with '{text[0]}': {text}"


def test_no_line_ends_with_opening_punctuation(stress):
    for line in _body_lines(stress):
        text = "".join(c[0] for c in line)
        assert text[-1] not in NO_LINE_END, f"line ends with '{text[-1]}': {text}"


def test_full_lines_are_justified_to_the_core_edge(stress):
    lines = _body_lines(stress)
    # a paragraph's last line is short; every other line ends on the core's right edge
    full = [line for line in lines if line[-1][2] > CORE_RIGHT_MM - BODY_PT * MM]
    assert len(full) >= 12
    for line in full:
        assert line[-1][2] == pytest.approx(CORE_RIGHT_MM, abs=0.3)


def test_full_width_punctuation_is_not_doubled(stress):
    pitch = CHAR_PITCH_MM
    seen = 0
    for line in _body_lines(stress):
        for (c, x0, _x1, _s), (_n, next_x0, _nx1, _ns) in zip(line, line[1:]):
            if c in "，。；：、“”（）《》":
                seen += 1
                # one character pitch, plus at most the line's share of justification slack
                assert pitch * 0.95 < next_x0 - x0 < pitch * 1.15, f"'{c}' advances too far"
    assert seen > 50


RARE_PLAN = """\
organ: 青山镇人民政府
number: 青政〔2026〕5号
title: 关于表彰王䶮同志的通报
to: 各村民委员会
signers: [李𠈌]
body: |
  阿依古丽·买买提、王䶮同志表现突出，R&D投入<5%的问题已整改。
  | 姓名 | 单位 |
  | 𠈌明 | 青山村 |
signature:
  date: 2026-03-20
"""


def test_rare_characters_render_in_a_font_that_has_them(tmp_path, capsys):
    """䶮 (Ext A) and 𠈌 (Ext B) are not in FandolFang/FandolKai: they must print from a
    font that has them, in the title, a name and a table cell, and the build says so (the
    title's font, Noto Serif CJK, has both, so nothing is substituted there)."""
    code, err, out = run_build(tmp_path, write_plan(tmp_path, RARE_PLAN), capsys)
    assert code == 0, err
    pdf = pymupdf.open(out / "plan.pdf")
    text = "".join(page.get_text() for page in pdf).replace("\n", "")
    for expected in ("表彰王䶮同志", "李𠈌", "𠈌明", "阿依古丽·买买提", "R&D投入<5%"):
        assert expected in text
    fonts_of = {}
    for page in pdf:
        for block in page.get_text("rawdict")["blocks"]:
            for line in block.get("lines", []):
                for span in line["spans"]:
                    for c in span["chars"]:
                        fonts_of.setdefault(c["c"], set()).add(span["font"])
    for rare in "䶮𠈌":
        assert all("Fandol" not in f for f in fonts_of[rare]), "drawn by a font that has it"
        assert f"'{rare}' (U+{ord(rare):04X})" in err, "the substitution is reported"
    assert "签发人" in err and "正文第1段" in err and "表格第2行" in err


def test_character_no_font_has_stops_the_build(tmp_path, capsys):
    missing = "\U0010FFFD"  # a private-use code point no installed font draws
    found = subprocess.run(["fc-list", f":charset={ord(missing):x}"], capture_output=True,
                           text=True).stdout
    if found.strip():
        pytest.skip("this machine has a font for the test character")
    plan = write_plan(tmp_path, GOOD.replace("请各村认真落实。", f"请各村认真落实{missing}。"))
    code, err, out = run_build(tmp_path, plan, capsys)
    assert code == 1
    assert "U+10FFFD" in err and "正文" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir()), "a refused document leaves no file"


def test_fonts_command_names_a_font_for_every_role():
    proc = subprocess.run([sys.executable, "-m", "pipeline", "fonts"], capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode == 0
    for role, name in STANDARD_FONTS.items():
        assert f"({role})" in proc.stdout and name in proc.stdout
    assert "FandolFang" in proc.stdout and ".otf" in proc.stdout


def test_font_for_a_role_can_be_chosen(tmp_path, capsys):
    plan = write_plan(tmp_path, GOOD)
    out = tmp_path / "out"
    assert main(["build", str(plan), "-o", str(out), "--format", "pdf",
                 "--font", "fang=Noto Serif CJK SC"]) == 0
    body_fonts = {span["font"] for block in pymupdf.open(out / "plan.pdf")[0].get_text("dict")[
        "blocks"] for line in block.get("lines", []) for span in line["spans"]
        if "请各村" in span["text"]}
    assert body_fonts and all("Noto" in f for f in body_fonts)


def test_unknown_font_is_a_clear_error(tmp_path, capsys):
    code = main(["build", str(write_plan(tmp_path, GOOD)), "-o", str(tmp_path / "out"),
                 "--font", "fang=No Such Font"])
    err = capsys.readouterr().err
    assert code == 1 and "No Such Font" in err and "gongwen fonts" in err
    code = main(["fonts", "--font", "fangsong=FandolFang"])
    assert code == 1 and "unknown role 'fangsong'" in capsys.readouterr().err


@pytest.fixture(scope="module")
def standard_font_installed(tmp_path_factory):
    """A machine where 仿宋_GB2312 is installed: FandolFang's outlines renamed to the standard's
    family name, in a font folder added to fontconfig through FONTCONFIG_FILE (the machine's
    own configuration is included, so everything else stays as it is)."""
    from fontTools.ttLib import TTFont

    from pipeline.fonts.book import FontBook

    tmp = tmp_path_factory.mktemp("standard-font")
    font = TTFont(FontBook().face("fang").path)
    names = font["name"]
    names.removeNames(platformID=1)  # Mac Roman records cannot hold Chinese
    for name_id in (1, 4, 16):
        names.removeNames(nameID=name_id)
        names.setName("仿宋_GB2312", name_id, 3, 1, 0x804)
        names.setName("FangSong_GB2312", name_id, 3, 1, 0x409)
    names.setName("FangSong_GB2312", 6, 3, 1, 0x409)
    (tmp / "fonts").mkdir()
    font.save(tmp / "fonts" / "FangSong_GB2312.otf")
    conf = tmp / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<dir>{tmp / 'fonts'}</dir><cachedir>{tmp / 'cache'}</cachedir></fontconfig>""")
    import os
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}, tmp


def test_standard_font_preferred_when_installed(standard_font_installed):
    env, tmp = standard_font_installed
    report = subprocess.run([sys.executable, "-m", "pipeline", "fonts"], capture_output=True,
                            text=True, cwd=ROOT, env=env).stdout
    fang = report.split("\n\n")[0]
    assert "uses     仿宋_GB2312" in fang and "the standard's font" in fang
    plan = write_plan(tmp, GOOD)
    subprocess.run([sys.executable, "-m", "pipeline", "build", str(plan), "-o",
                    str(tmp / "out"), "--format", "pdf"], check=True, cwd=ROOT, env=env,
                   capture_output=True)
    fonts = {f[3].split("+")[-1] for f in pymupdf.open(tmp / "out" / "plan.pdf")[0].get_fonts()}
    assert "FangSong_GB2312" in fonts
