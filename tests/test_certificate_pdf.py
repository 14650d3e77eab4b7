"""Certificate PDFs composed directly: what each file holds (one font program per font, the
static design once as a form XObject, the seal once), its size, its text and its geometry,
and font programs that are real CFF with the installed fonts' outlines."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pymupdf
import pytest
from fontTools.cffLib import CFFFontSet
from fontTools.pens.recordingPen import RecordingPen

from conftest import INPUTS
from pipeline.cli import main
from pipeline.fonts.book import FontBook

MM = 25.4 / 72
PLAN = f"""\
design: full
title: 荣誉证书
organ: 中共青山镇委员会
date: 2026-01-15
seal: {INPUTS / "seals" / "qingshan-party-committee.png"}
wording: "{{{{ 姓名 }}}}同志：在{{{{ 年度 }}}}年度工作中表现突出，被评为“{{{{ 荣誉称号 }}}}”。特发此证，以资鼓励。"
params: {{年度: "2025"}}
number: {{code: 结构证, pattern: "结构证〔{{year}}〕{{seq}}号"}}
"""
ROWS = [["王建军", "青山村党支部", "优秀共产党员"],
        ["欧阳秀英", "石门村党支部", "优秀党务工作者"],
        ["张䶮", "镇机关党支部", "巾帼标兵"]]  # 䶮 is not in FandolKai: a second face


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("certpdf")
    (tmp / "plan.yaml").write_text(PLAN, encoding="utf-8")
    with open(tmp / "r.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["姓名", "单位", "荣誉称号"], *ROWS])
    assert main(["certificates", str(tmp / "plan.yaml"), "--roster", str(tmp / "r.csv"),
                 "-o", str(tmp / "out"), "--db", f"sqlite:///{tmp / 'r.db'}",
                 "--format", "pdf"]) == 0
    return tmp / "out"


def _objects(doc: pymupdf.Document, key: str, value: str) -> list[int]:
    return [x for x in range(1, doc.xref_length())
            if doc.xref_get_key(x, key) == ("name", value)]


def _fonts(doc: pymupdf.Document) -> dict[int, str]:
    """Type 0 fonts: xref → base font name without the subset tag."""
    return {x: doc.xref_get_key(x, "BaseFont")[1].split("+")[-1]
            for x in _objects(doc, "Subtype", "/Type0")}


def test_one_font_program_per_font_one_form_one_seal(out):
    files = sorted((out / "pdf").glob("*.pdf"))
    assert len(files) == 3
    for path in files:
        doc = pymupdf.open(path)
        fonts = _fonts(doc)
        names = list(fonts.values())
        assert len(names) == len(set(names)), f"{path.name}: a font embedded twice: {names}"
        # title 小标宋 (Noto Serif CJK), wording 楷体, number 仿宋; 䶮 from a face that has it
        assert {"FandolKai", "FandolFang"} <= set(names) and any("Noto" in n for n in names)
        programs = [x for x in range(1, doc.xref_length())
                    if doc.xref_get_key(x, "FontFile3")[0] == "xref"]
        assert len(programs) == len(fonts), "each font has exactly one embedded program"
        forms = _objects(doc, "Subtype", "/Form")
        assert len(forms) == 1
        page = doc[0]
        assert re.search(rb"/\w+ Do", page.read_contents()), "the page draws the design form"
        images = _objects(doc, "Subtype", "/Image")
        assert len(images) == 2, "the seal and its soft mask, once"
        assert doc.xref_get_key(forms[0], "Resources/XObject")[0] == "dict"
        assert path.stat().st_size <= 40 * 1024, f"{path.name}: {path.stat().st_size} bytes"


def test_merged_file_shares_the_design_fonts_and_seal(out):
    doc = pymupdf.open(out / "merged.pdf")
    assert doc.page_count == 3
    assert len(_objects(doc, "Subtype", "/Form")) == 1
    assert len(_objects(doc, "Subtype", "/Image")) == 2
    names = list(_fonts(doc).values())
    assert len(names) == len(set(names))
    # each page of the merged file shows what that person's own file shows
    for page, path in zip(doc, sorted((out / "pdf").glob("*.pdf"))):
        assert page.get_text() == pymupdf.open(path)[0].get_text()


def test_text_extractable_and_geometry_of_the_design(out):
    page = pymupdf.open(out / "pdf" / "00002-欧阳秀英.pdf")[0]
    text = page.get_text().replace("\n", "")
    for expected in ("荣誉证书", "欧阳秀英同志：", "被评为“优秀党务工作者”", "中共青山镇委员会",
                     "2026年1月15日", "证书编号：结构证〔2026〕2号"):
        assert expected in text
    lines = {}
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            lines.setdefault("".join(s["text"] for s in line["spans"]), line)
    width, height = page.rect.width * MM, page.rect.height * MM
    assert (round(width), round(height)) == (297, 210), "A4 landscape"
    title = lines["荣誉证书"]
    # the title box spans the page, centred; 54 pt
    assert (title["bbox"][0] + title["bbox"][2]) / 2 * MM == pytest.approx(297 / 2, abs=0.3)
    assert title["spans"][0]["size"] == pytest.approx(54, abs=0.01)
    salutation = lines["欧阳秀英同志："]
    assert salutation["bbox"][0] * MM == pytest.approx(42, abs=0.2)  # the wording box's left
    body = next(v for k, v in lines.items() if k.startswith("在2025"))
    # first line indented two characters of 22 pt
    assert body["bbox"][0] * MM == pytest.approx(42 + 2 * 22 * MM, abs=0.2)
    organ = lines["中共青山镇委员会"]
    assert (organ["bbox"][0] + organ["bbox"][2]) / 2 * MM == pytest.approx(150 + 110 / 2, abs=0.3)
    # the red double frame: 10 mm from the edges, 1.6 mm wide, two lines of a third each
    edges = sorted({round(x * MM, 2) for d in page.get_drawings() if d.get("fill")
                    for item in d["items"] if item[0] == "re" for x in (item[1].x0,)})
    assert edges == pytest.approx([10, 10 + 1.6 / 3, 10 + 3.2 / 3, 11.6], abs=0.02)
    # baselines 1.5 line heights apart within the wording box
    second = next(v for k, v in lines.items() if v is not body and k and
                  v["spans"][0]["size"] == pytest.approx(22) and v["bbox"][1] > body["bbox"][1])
    assert (second["spans"][0]["origin"][1] - body["spans"][0]["origin"][1]) == \
        pytest.approx(22 * 1.5, abs=0.01)


def test_font_programs_are_cff_with_the_installed_outlines(out):
    """Every embedded program parses as CFF, and each glyph it draws is the installed
    font's glyph for the character the ToUnicode map names."""
    doc = pymupdf.open(out / "pdf" / "00003-张䶮.pdf")
    from fontTools.ttLib import TTFont

    book = FontBook()
    candidates = [f for r in ("kai", "fang", "xiaobiaosong") for f in book.faces(r)]
    candidates.append(book.fallback("kai", "䶮"))
    faces = {}
    for face in filter(None, candidates):
        ps_name = TTFont(face.path, fontNumber=face.index, lazy=True)["name"].getDebugName(6)
        for key in (face.family.replace(" ", ""), ps_name):
            faces.setdefault(key, face)

    checked = 0
    for xref, name in _fonts(doc).items():
        descendant = int(doc.xref_get_key(xref, "DescendantFonts")[1].strip("[]").split()[0])
        descriptor = int(doc.xref_get_key(descendant, "FontDescriptor")[1].split()[0])
        program = int(doc.xref_get_key(descriptor, "FontFile3")[1].split()[0])
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(doc.xref_stream(program)), None)
        font = cff[cff.fontNames[0]]
        assert font.ROS == ("Adobe", "Identity", 0)
        unicode_map = doc.xref_stream(int(doc.xref_get_key(xref, "ToUnicode")[1].split()[0]))
        pairs = re.findall(rb"<([0-9a-f]{4})> <([0-9a-f]+)>", unicode_map)
        assert pairs
        face = faces[name]
        source = TTFont(face.path, fontNumber=face.index)
        cmap, glyphs = source.getBestCmap(), source.getGlyphSet()
        for cid, text in pairs:
            char = bytes.fromhex(text.decode()).decode("utf-16-be")
            mine, theirs = RecordingPen(), RecordingPen()
            font.CharStrings[f"cid{int(cid, 16):05d}"].draw(mine)
            glyphs[cmap[ord(char)]].draw(theirs)
            assert mine.value == theirs.value, f"{name}: {char}"
            checked += 1
    assert checked >= 40


def test_a_truetype_font_goes_to_weasyprint(tmp_path):
    """The composer assembles CFF programs only; a run whose fonts include a TrueType one
    (here DejaVu Sans for 仿宋, the number line) is rendered by WeasyPrint instead, with the
    same text."""
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    with open(tmp_path / "r.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["姓名", "单位", "荣誉称号"], ROWS[0]])
    assert main(["certificates", str(tmp_path / "plan.yaml"), "--roster",
                 str(tmp_path / "r.csv"), "-o", str(tmp_path / "out"), "--db",
                 f"sqlite:///{tmp_path / 'r.db'}", "--format", "pdf",
                 "--font", "fang=DejaVu Sans"]) == 0
    doc = pymupdf.open(next((tmp_path / "out" / "pdf").glob("*.pdf")))
    fonts = {f[3].split("+")[-1] for f in doc[0].get_fonts()}
    assert any("DejaVu" in f for f in fonts)
    assert "证书编号：结构证〔2026〕1号" in doc[0].get_text().replace("\n", "")


def test_text_that_needs_shaping_goes_to_weasyprint():
    """Right-to-left letters and combining marks need HarfBuzz; the composer, which maps one
    character to one glyph left to right, declines them."""
    from pipeline.certificates.composer import composable
    from pipeline.certificates.design import FULL
    from pipeline.certificates.records import Characters

    roles = {r: ", ".join(f'"{f.family}"' for f in FontBook().faces(r))
             for r in ("kai", "fang", "hei", "song", "xiaobiaosong")}

    def run_of(*salutations):
        chars = Characters()
        for text in salutations:
            chars.add({"salutation": text})
        return chars

    plain, arabic, marks = "阿依古丽·买买提同志：", "ئايگۈل同志：", "王\u0301伟同志："
    assert composable(FULL, roles, run_of(plain))
    assert not composable(FULL, roles, run_of(plain, arabic))
    assert not composable(FULL, roles, run_of(marks))


def test_font_program_deflated_in_parts_is_the_whole_program():
    """A file's font program is deflated around the glyphs every file shares (deflated once
    a run); zlib reads the joined stream back as exactly the CFF, whichever glyphs a file
    adds, and a file without all the shared glyphs gets a plain stream."""
    import zlib

    from pipeline.certificates.cff import glyph_set

    face = FontBook().face("kai")
    shared = set("同志：在年度工作中表现突出被评为特发此证以资鼓励")
    glyphs = glyph_set(face, shared | set("王伟张䶮欧阳秀英"), first=shared)
    assert glyphs.common == 1 + len(shared)
    assert sorted(glyphs.cids[c] for c in shared) == list(range(1, 1 + len(shared)))
    everyone = {glyphs.cids[c] for c in shared}
    for person in ("王伟", "欧阳秀英", ""):
        cids = everyone | {glyphs.cids[c] for c in person}
        name, stream = glyphs.deflated_program(cids, 1)
        assert (name, zlib.decompress(stream)) == glyphs.program(cids)
        CFFFontSet().decompile(io.BytesIO(zlib.decompress(stream)), None)
    partial = {glyphs.cids["王"], glyphs.cids["同"]}
    assert zlib.decompress(glyphs.deflated_program(partial, 1)[1]) == \
        glyphs.program(partial)[1]
