"""荣誉证书 in batch: rosters as offices keep them, every bad row named, outputs safe and stable."""
from __future__ import annotations

import csv
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pymupdf
import pytest

from conftest import INPUTS, ROOT
from pipeline.cli import main
from pipeline.readers.roster import read_roster

SEAL = INPUTS / "seals" / "qingshan-party-committee.png"
PLAN = f"""\
design: full
organ: 中共青山镇委员会
date: 2026-01-15
seal: {SEAL}
wording: "{{{{ 姓名 }}}}同志：在{{{{ 年度 }}}}年度工作中表现突出，被评为“{{{{ 荣誉称号 }}}}”。特发此证，以资鼓励。"
params: {{年度: "2025"}}
number: {{code: 测试证, pattern: "测试证〔{{year}}〕{{seq}}号"}}
key: [姓名, 单位, 荣誉称号]
dates: [授予日期]
"""
HEADER = ["姓名", "单位", "荣誉称号", "授予日期"]


def _plan(tmp_path: Path, text: str = PLAN) -> Path:
    path = tmp_path / "cert.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _csv(path: Path, rows, encoding="utf-8", header=HEADER) -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def _run(tmp_path, plan, roster, *extra, db=None):
    db = db or f"sqlite:///{tmp_path / 'register.db'}"
    return main(["certificates", str(plan), "--roster", str(roster), "-o",
                 str(tmp_path / "out"), "--db", db, *extra])


def _manifest(tmp_path) -> list[dict]:
    with open(tmp_path / "out" / "manifest.csv", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


GOOD_ROWS = [["王建军", "青山村党支部", "优秀共产党员", "2026-01-15"],
             ["张䶮", "石门村党支部", "优秀党务工作者", "2026-01-15"],
             ["刘𠈌", "镇机关党支部", "优秀党务工作者", "2026-01-15"],
             ["阿依古丽·买买提", "桃源村<第一>&党支部", "优秀共产党员", "2026-01-15"],
             ["../../x", "青山村党支部", "巾帼标兵", "2026-01-15"],
             ["=cmd()", "青山村党支部", "巾帼标兵", "2026-01-15"]]


def test_every_roster_problem_named_by_its_row(tmp_path, capsys):
    rows = [["王建军", "青山村党支部", "优秀共产党员", "2025-12-31"],
            ["", "绿水村党支部", "优秀共产党员", "2025-12-31"],  # row 3: no name
            ["李秀英", "绿水村党支部", "优秀共产党员", "2025-02-30"],  # row 4: no such day
            ["王建军", "青山村党支部", "优秀共产党员", "2025-12-31"],  # row 5: exact duplicate
            ["王建军", "青山村党支部", "优秀共产党员", "2025-12-30"],  # row 6: near duplicate
            ["中共青山镇青山村股份经济合作社党支部委员会全体党员代表同志们" * 2, "青山村", "先进",
             ""]]
    roster = _csv(tmp_path / "r.csv", rows)
    assert _run(tmp_path, _plan(tmp_path), roster, "--check") == 1
    out = capsys.readouterr().out
    for line in ("row 3, 姓名: missing", "row 4, 授予日期: '2025-02-30' is not a real date",
                 "row 5: exact duplicate of row 2", "row 6: near duplicate of row 2: same "
                 "姓名+单位+荣誉称号, differs in 授予日期", "row 7, 姓名: '中共青山镇",
                 "characters; the design's name box holds"):
        assert line in out, line
    assert not (tmp_path / "out").exists(), "--check writes nothing"
    assert _run(tmp_path, _plan(tmp_path), roster) == 1
    assert "5 row(s) need fixing; nothing was written" in capsys.readouterr().err
    assert not (tmp_path / "out" / "manifest.csv").exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    rows = [["王建军", "青山村党支部", "优秀共产党员", "2025年12月31日"],
            ["陈晓东", "绿水村党支部", "巾帼标兵", "2025/12/31"]]
    roster = read_roster(_csv(tmp_path / "r.txt", rows, encoding), required=["姓名"],
                         dates=["授予日期"])
    assert [r.values["姓名"] for r in roster.rows] == ["王建军", "陈晓东"]
    assert {r.values["授予日期"] for r in roster.rows} == {"2025年12月31日"}


def test_excel_roster_as_offices_keep_it(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["这张表不是名单"])
    ws = book.create_sheet("名单")
    ws.append(["青山镇2025年度表彰名单"])  # row 1: a title above the header
    ws.merge_cells("A1:D1")
    ws.append(["名 字", "单位", "荣誉称号", "授予日期"])  # row 2
    ws.append(["王　建军", "青山村党支部", "优秀共产党员", __import__("datetime").date(2025, 12, 31)])
    ws.append(["李\u200b秀英", None, "优秀共产党员", "46022"])  # row 4: unit merged from row 3
    ws.merge_cells("B3:B4")
    ws.append([None, None, None, None])  # row 5: blank
    ws.append(["ＡＢＣ１２３", "绿水村党支部", "巾帼标兵", "2025.12.31"])
    ws.append(["合计", "3人", None, None])  # row 7: a total
    path = tmp_path / "roster.xlsx"
    book.save(path)
    for sheet in ("名单", "2"):
        roster = read_roster(path, columns={"名字": "姓名"}, required=["姓名"],
                             dates=["授予日期"], sheet=sheet)
        assert [(r.row, r.values["姓名"], r.values["单位"], r.values["授予日期"])
                for r in roster.rows] == [
            (3, "王建军", "青山村党支部", "2025年12月31日"),
            (4, "李秀英", "青山村党支部", "2025年12月31日"),
            (6, "ABC123", "绿水村党支部", "2025年12月31日")]
        report = roster.report()
        for line in ("row 1: 1 row(s) above the header", "row 5: blank row skipped",
                     "row 7: '合计' row skipped", "row 3, column 2: merged cell over rows 3–4",
                     "row 3, 姓名: '王　建军' → '王建军'", "row 4, 授予日期: date '46022'",
                     "row 3, 授予日期: Excel date → 2025年12月31日"):
            assert line in report, line
    with pytest.raises(Exception, match="no sheet '村'"):
        read_roster(path, sheet="村")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("certs")
    roster = _csv(tmp / "r.csv", GOOD_ROWS)
    assert _run(tmp, _plan(tmp), roster, "--zip") == 0
    return tmp, roster


def test_numbers_files_and_manifest(built):
    tmp, _roster = built
    manifest = _manifest(tmp)
    assert [r["证书编号"] for r in manifest] == [f"测试证〔2026〕{n}号" for n in range(1, 7)]
    files = [f for r in manifest for f in r["文件"].split(";")]
    for f in files:
        assert (tmp / "out" / f).exists()
        assert Path(f).name.startswith(("0000", "0001")) and ".." not in f
    names = sorted(p.name for p in (tmp / "out" / "pdf").iterdir())
    assert "00005-x.pdf" in names and "00006-cmd().pdf" in names
    assert manifest[5]["姓名"] == "'=cmd()", "formula neutralised in the manifest"
    import hashlib

    for r in manifest:  # one SHA-256 per file, in the order of 文件
        files, digests = r["文件"].split(";"), r["SHA-256"].split(";")
        assert [hashlib.sha256((tmp / "out" / f).read_bytes()).hexdigest() for f in files] == digests
    merged = pymupdf.open(tmp / "out" / "merged.pdf")
    assert merged.page_count == 6
    assert "certificates.zip" in [p.name for p in (tmp / "out").iterdir()]
    assert len(zipfile.ZipFile(tmp / "out" / "certificates.zip").namelist()) == 14


def test_rare_characters_in_docx_xml_and_pdf_text(built):
    tmp, _ = built
    out = tmp / "out"
    xml = zipfile.ZipFile(out / "docx" / "00002-张䶮.docx").read("word/document.xml").decode()
    assert "张䶮同志：" in xml
    xml = zipfile.ZipFile(out / "docx" / "00003-刘𠈌.docx").read("word/document.xml").decode()
    assert "刘𠈌同志：" in xml
    text = "".join(p.get_text() for p in pymupdf.open(out / "merged.pdf")).replace("\n", "")
    for expected in ("张䶮同志：", "刘𠈌同志：", "阿依古丽·买买提同志：", "测试证〔2026〕4号"):
        assert expected in text
    fonts = {f[3].split("+")[-1] for f in pymupdf.open(out / "pdf" / "00002-张䶮.pdf")[0].get_fonts()}
    assert any("Noto" in f for f in fonts), "䶮 drawn by a font that has it"


def test_docx_frame_is_the_pdf_frame(built):
    """The red double frame of the full design: its outer edge 10 mm from the sheet's edges,
    1.6 mm wide, two lines and the gap a third each, in the .docx as in the PDF."""
    tmp, _ = built
    xml = zipfile.ZipFile(tmp / "out" / "docx" / "00001-王建军.docx").read("word/document.xml")
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    borders = etree.fromstring(xml).find(f".//{w}sectPr/{w}pgBorders")
    assert borders.get(f"{w}offsetFrom") == "page"
    sides = {side.tag[len(w):]: side for side in borders}
    assert set(sides) == {"top", "left", "bottom", "right"}
    for side in sides.values():
        assert side.get(f"{w}val") == "double"
        assert side.get(f"{w}color") == "FF0000"
        # w:sz is each line's width in eighths of a point: 1.6 mm / 3
        assert int(side.get(f"{w}sz")) / 8 * 25.4 / 72 == pytest.approx(1.6 / 3, abs=0.02)
        # w:space is whole points from the sheet's edge: 10 mm is 28.35 pt
        assert int(side.get(f"{w}space")) * 25.4 / 72 == pytest.approx(10, abs=25.4 / 72 / 2)


def test_changed_renderer_rebuilds_everyone(built, capsys, monkeypatch):
    """A certificate made by another version of the renderer is made again, keeping its
    number; the next run then finds everything done."""
    tmp, roster = built
    before = {r["键"]: r["证书编号"] for r in _manifest(tmp)}
    from pipeline.certificates import run as certificate_run

    monkeypatch.setattr(certificate_run, "_renderer", lambda: "another renderer")
    assert _run(tmp, _plan(tmp), roster) == 0
    assert "6 built, 0 unchanged" in capsys.readouterr().out
    assert {r["键"]: r["证书编号"] for r in _manifest(tmp)} == before
    assert _run(tmp, _plan(tmp), roster) == 0
    assert "0 built, 6 unchanged" in capsys.readouterr().out
    monkeypatch.undo()
    assert _run(tmp, _plan(tmp), roster) == 0  # the module state back as other tests expect
    assert "6 built, 0 unchanged" in capsys.readouterr().out


def test_rerun_keeps_numbers_and_rebuilds_only_changes(built, capsys):
    tmp, roster = built
    before = _manifest(tmp)
    assert _run(tmp, _plan(tmp), roster) == 0
    assert "0 built, 6 unchanged" in capsys.readouterr().out
    rows = [r[:] for r in GOOD_ROWS]
    rows[0][2] = "优秀共产党员"
    rows.insert(0, ["新同志", "青山村党支部", "巾帼标兵", "2026-01-15"])  # a new first row
    _csv(roster, rows)
    assert _run(tmp, _plan(tmp), roster) == 0
    after = {r["键"]: r["证书编号"] for r in _manifest(tmp)}
    for row in before:
        assert after[row["键"]] == row["证书编号"], "a re-run never renumbers anyone"
    assert after["新同志|青山村党支部|巾帼标兵"] == "测试证〔2026〕7号"
    assert pymupdf.open(tmp / "out" / "merged.pdf").page_count == 7


def test_people_who_left_the_roster_leave_the_merged_file_and_the_folder(tmp_path, capsys):
    """The last person taken off the roster changes nobody else's files, yet the merged file
    must lose their page and their files must leave docx/ and pdf/ — set aside in removed/,
    not deleted: the folders, the zip, the merged file and the manifest say the same and
    nothing made is lost. A file name the manifest was edited to point elsewhere is never
    touched."""
    plan = _plan(tmp_path)
    roster = _csv(tmp_path / "r.csv", GOOD_ROWS[:4])
    assert _run(tmp_path, plan, roster, "--format", "all") == 0
    out = tmp_path / "out"
    gone = [r["文件"] for r in _manifest(tmp_path)][3].split(";")
    made = {name: (out / name).read_bytes() for name in gone}
    outside = tmp_path / "keep.pdf"
    outside.write_bytes(b"%PDF-1.4 not ours")
    text = (out / "manifest.csv").read_text("utf-8-sig").replace(
        gone[1], f"{gone[1]};pdf/../../keep.pdf")  # a hand-edited manifest
    (out / "manifest.csv").write_text(text, encoding="utf-8-sig")
    capsys.readouterr()
    _csv(roster, GOOD_ROWS[:3])
    assert _run(tmp_path, plan, roster, "--format", "all", "--zip") == 0
    printed = capsys.readouterr()
    assert "0 built, 3 unchanged" in printed.out
    assert f"2 file(s) of 1 people no longer in the roster moved to {out / 'removed'}" \
        in printed.err
    assert pymupdf.open(out / "merged.pdf").page_count == 3
    assert not any((out / name).exists() for name in gone)
    assert {name: (out / "removed" / name).read_bytes() for name in gone} == made
    assert outside.exists()
    assert len(_manifest(tmp_path)) == 3
    with zipfile.ZipFile(out / "certificates.zip") as z:
        assert len([n for n in z.namelist() if n.startswith(("pdf/", "docx/"))]) == 6


def test_skip_invalid_builds_the_rest_and_lists_skipped(tmp_path, capsys):
    rows = GOOD_ROWS[:2] + [["", "绿水村党支部", "优秀共产党员", "2026-01-15"]]
    rows.append(["王\U0010FFFD", "绿水村党支部", "优秀共产党员", "2026-01-15"])  # no font has it
    assert _run(tmp_path, _plan(tmp_path), _csv(tmp_path / "r.csv", rows), "--skip-invalid",
                "--xlsx") == 0
    manifest = _manifest(tmp_path)
    assert [r["状态"] for r in manifest] == [
        "ok", "ok", "skipped: row 4, 姓名: missing",
        "skipped: row 5, 姓名: no installed font has '\U0010FFFD' (U+10FFFD)"]
    sheet = openpyxl.load_workbook(tmp_path / "out" / "manifest.xlsx").active
    assert sheet.max_row == 5 and sheet["B1"].value == "键"


def test_killed_run_resumes(tmp_path):
    rows = [[f"同志{i}", f"第{i}支部", "优秀共产党员", "2026-01-15"] for i in range(400)]
    roster = _csv(tmp_path / "r.csv", rows)
    plan = _plan(tmp_path)
    cmd = [sys.executable, "-m", "pipeline", "certificates", str(plan), "--roster", str(roster),
           "-o", str(tmp_path / "out"), "--db", f"sqlite:///{tmp_path / 'register.db'}",
           "--format", "pdf"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    folder = tmp_path / "out" / "pdf"
    deadline = time.time() + 120
    while time.time() < deadline and not (folder.exists() and len(list(folder.glob("*.pdf"))) >= 50):
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    partial = len(list(folder.glob("*.pdf")))
    assert 50 <= partial < 400
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    manifest = _manifest(tmp_path)
    assert [r["证书编号"] for r in manifest] == [f"测试证〔2026〕{n}号" for n in range(1, 401)]
    assert len(list(folder.glob("*.pdf"))) == 400
    assert pymupdf.open(tmp_path / "out" / "merged.pdf").page_count == 400
    for place in (tmp_path / "out", folder):  # the killed workers' temporaries swept too
        assert not [p for p in place.iterdir() if p.name.startswith(".")]
    import hashlib

    for row in manifest:  # no orphan of the killed run wrote over a file afterwards
        path = tmp_path / "out" / row["文件"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["SHA-256"]


def test_long_name_shrinks_to_its_box(tmp_path):
    rows = [["王伟", "甲", "优秀共产党员", "2026-01-15"],
            ["欧阳娜娜·买买提·阿卜杜拉·热合曼·古丽米拉·艾尔肯江", "乙", "优秀共产党员",
             "2026-01-15"]]
    assert _run(tmp_path, _plan(tmp_path), _csv(tmp_path / "r.csv", rows),
                "--format", "pdf") == 0
    sizes = []
    for page in pymupdf.open(tmp_path / "out" / "merged.pdf"):
        for block in page.get_text("dict")["blocks"]:
            for line in block.get("lines", []):
                text = "".join(s["text"] for s in line["spans"])
                if text.endswith("同志："):
                    sizes.append(line["spans"][0]["size"])
                    assert line["bbox"][2] * 25.4 / 72 <= 42 + 213 + 0.5, "fits its box"
    assert sizes[0] == pytest.approx(26, abs=0.1) and sizes[1] < 24


def test_user_docx_design_with_docxtpl_tags(tmp_path):
    import docx

    design = docx.Document()
    design.add_paragraph("荣誉证书")
    p = design.add_paragraph()
    p.add_run("{{ 姓名")  # a tag split over runs, as Word saves it
    p.add_run(" }}同志被评为{{ 荣誉称号 }}，编号{{ 证书编号 }}")
    design.save(tmp_path / "my.docx")
    plan = _plan(tmp_path, PLAN.replace("design: full", "design: my.docx"))
    assert _run(tmp_path, plan, _csv(tmp_path / "r.csv", GOOD_ROWS[:4]), "--format",
                "docx") == 0
    xml = zipfile.ZipFile(tmp_path / "out" / "docx" / "00004-阿依古丽·买买提.docx").read(
        "word/document.xml").decode()
    assert "阿依古丽·买买提" in xml and "测试证〔2026〕4号" in xml


def test_user_html_design_runs_sandboxed(tmp_path, capsys):
    (tmp_path / "my.html").write_text(
        '<style>.n { font-size: 30pt }</style><div class="n">{{ 姓名 }}</div>'
        '<img src="file:///etc/hostname"><p>{{ 荣誉称号 }} {{ 证书编号 }}</p>', "utf-8")
    plan = _plan(tmp_path, PLAN.replace("design: full", "design: my.html"))
    assert _run(tmp_path, plan, _csv(tmp_path / "r.csv", GOOD_ROWS[:2]), "--format",
                "pdf") == 0
    merged = pymupdf.open(tmp_path / "out" / "merged.pdf")
    assert merged.page_count == 2 and "张䶮" in merged[1].get_text()
    assert not merged[0].get_images(), "a design cannot read files outside its folder"
    (tmp_path / "my.html").write_text("{{ 姓名.__class__.__mro__ }}", "utf-8")
    assert _run(tmp_path, plan, _csv(tmp_path / "r.csv", GOOD_ROWS[2:3]), "--format",
                "pdf") == 1
    assert "outside the certificate's data" in capsys.readouterr().err


def test_overprint_prints_only_the_variable_text_at_offsets(tmp_path):
    text = PLAN.replace("design: full", "design: overprint") + """\
overprint:
  offset_mm: [3, -2]
  fields:
    姓名: {x: 95, y: 78, width: 100, size: 26}
    荣誉称号: {x: 95, y: 110, width: 160, size: 22}
"""
    plan = _plan(tmp_path, text)
    assert _run(tmp_path, plan, _csv(tmp_path / "r.csv", GOOD_ROWS[:1]), "--format",
                "pdf") == 0
    page = pymupdf.open(tmp_path / "out" / "merged.pdf")[0]
    assert "荣誉证书" not in page.get_text() and not page.get_images()
    (name,) = [b for b in page.get_text("dict")["blocks"]
               if "王建军" in "".join(s["text"] for l in b["lines"] for s in l["spans"])]
    assert name["bbox"][0] * 25.4 / 72 == pytest.approx(95 + 3, abs=0.5)
    assert main(["certificates", str(plan), "--calibrate", "-o", str(tmp_path / "cal")]) == 0
    calibration = pymupdf.open(tmp_path / "cal" / "calibration.pdf")[0].get_text()
    assert "〔姓名〕" in calibration and "〔荣誉称号〕" in calibration
