"""Run-in headings (一、明确目标，压实责任。各村要……): numbering, fonts and text order in the .docx
XML, in LibreOffice's rendering of it and in the pipeline's PDF.

Expected fonts are GB/T 9704 7.3.3's: level 1 黑体, level 2 楷体, levels 3 and 4 仿宋, the text
that runs on after the heading in the body's 仿宋 (5.3)."""
from __future__ import annotations

import shutil
import subprocess

import pymupdf
import pytest

from conftest import NS, W, Docx
from pipeline.build import build_plan
from pipeline.readers.body import parse_body, split_run_in

PLAN = """\
organ: 青山镇人民政府
title: 青山镇人民政府关于做好安全生产工作的意见
to: 各村（社区）：
body: |
  为做好安全生产工作，现提出如下意见。
  # 明确目标，压实责任。各村要把安全生产摆上重要位置。
  ## 抓好宣传发动。通过广播、标语等形式广泛宣传。
  ### 调查摸底：各村对辖区企业逐一排查。
  #### 重点排查：危化品和烟花爆竹。
  # 加强督查
  ## 定期督查。督查组每月督查一次。
signature:
  date: 2026年3月20日
"""
# (level, label a reader sees, heading text, text that runs on) by hand from the plan above
RUN_IN = [(1, "一、", "明确目标，压实责任。", "各村要把安全生产摆上重要位置。"),
          (2, "（一）", "抓好宣传发动。", "通过广播、标语等形式广泛宣传。"),
          (3, "1.", "调查摸底：", "各村对辖区企业逐一排查。"),
          (4, "（1）", "重点排查：", "危化品和烟花爆竹。"),
          (2, "（一）", "定期督查。", "督查组每月督查一次。")]
FONT = {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312", 4: "仿宋_GB2312"}  # GB/T 9704 7.3.3
PDF_FONT = {1: "Hei", 2: "Kai", 3: "Fang", 4: "Fang"}  # the faces that print those roles
BODY = "仿宋_GB2312"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run-in")
    plan = folder / "run-in.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    return {p.suffix: p for p in build_plan(plan, folder, ("docx", "pdf"))}


def test_plan_markup_splits_at_the_first_sentence_end():
    assert split_run_in("抓好宣传发动。通过广播宣传。") == ("抓好宣传发动。", "通过广播宣传。")
    assert split_run_in("调查摸底：各村排查") == ("调查摸底：", "各村排查")
    assert split_run_in("加强督查") == ("加强督查", "")
    assert split_run_in("明确责任。") == ("明确责任。", "")  # ends there: a plain heading
    assert split_run_in("？？？汇报准备工作：已就绪") == ("？？？汇报准备工作：", "已就绪")
    blocks = parse_body("## 抓好宣传发动。通过广播宣传。\n# 加强督查\n")
    assert (blocks[0].level, blocks[0].text, blocks[0].body) == (2, "抓好宣传发动。", "通过广播宣传。")
    assert (blocks[1].text, blocks[1].body) == ("加强督查", "")


def _east_asia(rpr):
    fonts = rpr.find(f"{W}rFonts") if rpr is not None else None
    return fonts.get(f"{W}eastAsia") if fonts is not None else None


def test_docx_runs_fonts_and_live_numbering(built):
    docx = Docx(built[".docx"])
    numbering = docx["word/numbering.xml"]
    for level, _label, head, run_on in RUN_IN:
        style_id = f"GwHeading{level}"
        found = [p for p in docx.paragraphs(style_id)
                 if "".join(p.itertext()).startswith(head)]
        assert len(found) == 1, (level, head)
        p = found[0]
        runs = p.findall(f"{W}r")
        assert ["".join(r.itertext()) for r in runs] == [head, run_on]  # order, label not typed
        assert _east_asia(runs[0].find(f"{W}rPr")) is None  # the heading style's font
        assert _east_asia(runs[1].find(f"{W}rPr")) == BODY
        keep = p.find(f"{W}pPr/{W}keepNext")
        assert keep is not None and keep.get(f"{W}val") == "0"  # body text, not kept with next
        style = docx.style(style_id)
        assert _east_asia(style.find(f"{W}rPr")) == FONT[level]
        num = style.find(f"{W}pPr/{W}numPr")
        ilvl = int(num.find(f"{W}ilvl").get(f"{W}val"))
        assert ilvl == level - 1  # the label comes from Word's numbering, not the text
        lvl = numbering.xpath(f".//w:lvl[@w:ilvl='{ilvl}']/w:lvlText/@w:val", namespaces=NS)
        assert lvl and lvl[0] == {1: "%1、", 2: "（%2）", 3: "%3.", 4: "（%4）"}[level]
    plain = [p for p in docx.paragraphs("GwHeading1") if "".join(p.itertext()) == "加强督查"]
    assert len(plain) == 1 and len(plain[0].findall(f"{W}r")) == 1


def _spans(pdf_path):
    doc = pymupdf.open(pdf_path)
    out = []
    for page in doc:
        for block in page.get_text("dict")["blocks"]:
            for line in block.get("lines", []):
                for span in line["spans"]:
                    if span["text"].strip():
                        out.append((page.number, round(span["bbox"][1]), span["bbox"][0],
                                    span["font"], span["text"]))
    return out


def _check_pdf(spans):
    """Each run-in heading's first line reads label + heading + run-on text, left to right;
    every character of label and heading is printed in the level's face, the rest in 仿宋."""
    for level, label, head, run_on in RUN_IN:
        at = next(i for i, s in enumerate(spans) if s[4].startswith(label) and
                  (label + head).startswith(s[4][:len(label + head)]))
        line = sorted((s for s in spans if s[:2] == spans[at][:2]), key=lambda s: s[2])
        text = "".join(s[4] for s in line)
        assert text.startswith(label + head + run_on[:4]), (level, text)
        fonts = [s[3] for s in line for _ch in s[4]]  # the face of each character
        cut = len(label + head)
        assert all(PDF_FONT[level] in f for f in fonts[:cut]), (level, line)
        assert fonts[cut:] and all("Fang" in f for f in fonts[cut:]), (level, line)


def test_pdf_sets_heading_in_its_font_and_the_rest_in_the_body_font(built):
    _check_pdf(_spans(built[".pdf"]))


def test_libreoffice_renders_the_docx_numbered_in_order(built, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'p'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(built[".docx"])],
                   check=True, capture_output=True, timeout=180)
    _check_pdf(_spans(tmp_path / "run-in.pdf"))


def test_run_in_headings_survive_a_round_trip_through_the_docx(built, tmp_path):
    """.docx → import → plan → model: the same run-in headings, split at the same place."""
    from pipeline.readers.importer import import_draft
    from pipeline.readers.importer import plan_text

    (draft,) = import_draft(built[".docx"])
    assert draft.headings() == {1: 2, 2: 2, 3: 1, 4: 1}  # counted by hand from PLAN
    plan = tmp_path / "again.yaml"
    plan.write_text(plan_text(draft, built[".docx"]), encoding="utf-8")
    from pipeline.build import document_from_plan

    doc, _ = document_from_plan(plan)
    got = [(b.level, b.label, b.text, b.body) for b in doc.blocks if getattr(b, "body", "")]
    assert got == RUN_IN


def test_check_finds_nothing_wrong_with_run_in_headings(built):
    from pipeline.check import ERROR, check_file

    for path in built.values():
        assert [f for f in check_file(path) if f.severity == ERROR] == [], path
