"""The certificate .docx's archive, laid out by hand (writers/prezipped.py), and the batch's
file writer (writers/atomic.put_file): read back by zipfile, python-docx, lxml and unzip."""
from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import INPUTS
from pipeline.certificates.design import design_for
from pipeline.certificates.docx_out import DocxMaker
from pipeline.certificates.plan import read_certificate_plan
from pipeline.certificates.records import Certificate, compose
from pipeline.transforms.seal import prepare_seal
from pipeline.writers.atomic import put_file
from pipeline.writers.prezipped import PrezippedPackage

PLAN = INPUTS / "certificates" / "certificates.yaml"


def _archive(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def test_fixed_parts_and_the_added_one_read_back():
    parts = {"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<styles>" * 500,
             "word/document.xml": b"<old/>", "word/media/image1.png": os.urandom(3000)}
    package = PrezippedPackage(_archive(parts), leave_out={"word/document.xml"})
    made = package.with_part("word/document.xml", "<w:document>张䶮 &amp; 𠈌</w:document>"
                             .encode("utf-8"))
    with zipfile.ZipFile(io.BytesIO(made)) as z:
        assert z.testzip() is None  # every member's CRC checks
        assert z.namelist() == ["[Content_Types].xml", "word/styles.xml",
                                "word/media/image1.png", "word/document.xml"]
        for name in ("[Content_Types].xml", "word/styles.xml", "word/media/image1.png"):
            assert z.read(name) == parts[name]
        assert z.read("word/document.xml").decode("utf-8") == \
            "<w:document>张䶮 &amp; 𠈌</w:document>"
    # the same content gives the same bytes: a re-run's manifest digest does not change
    assert made == package.with_part("word/document.xml", "<w:document>张䶮 &amp; 𠈌"
                                     "</w:document>".encode("utf-8"))


def test_a_part_named_in_chinese_is_flagged_utf8():
    package = PrezippedPackage(_archive({"a.xml": b"<a/>"}))
    made = package.with_part("附件/说明.xml", b"<b/>")
    with zipfile.ZipFile(io.BytesIO(made)) as z:
        info = z.getinfo("附件/说明.xml")
        assert info.flag_bits & 0x800 and z.read(info) == b"<b/>"


@pytest.mark.skipif(not shutil.which("unzip"), reason="unzip is not installed")
def test_unzip_accepts_a_certificate(tmp_path):
    """Another reader than Python's: Info-ZIP's unzip tests every member."""
    target = tmp_path / "c.docx"
    target.write_bytes(_certificate_docx("王<建>&军"))
    result = subprocess.run(["unzip", "-t", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors detected" in result.stdout


def _certificate_docx(name: str) -> bytes:
    plan, src = read_certificate_plan(PLAN)
    design = design_for(plan)
    cert = compose(Certificate(2, 1, name, {"姓名": name, "所在单位": "青山村党支部",
                                            "荣誉称号": "优秀共产党员"}, "青党证〔2026〕1号"),
                   plan, design)
    seal = prepare_seal(src.file.parent / plan.seal)  # as the run prepares it
    return DocxMaker(plan, design, None, seal).make(cert)


def test_certificate_docx_opens_in_python_docx_with_its_text_escaped():
    made = _certificate_docx("王<建>&军")
    document = docx.Document(io.BytesIO(made))  # the package's relationships and types hold
    text = "".join(p.text for p in document.paragraphs)
    assert "王<建>&军同志：" in text
    xml = zipfile.ZipFile(io.BytesIO(made)).read("word/document.xml")
    etree.fromstring(xml)  # well-formed: & and < were escaped
    sizes = {int(v) for v in etree.fromstring(xml).xpath(
        "//w:sz/@w:val", namespaces={"w": xml.decode().split('xmlns:w="')[1].split('"')[0]})}
    assert sizes and all(8 <= s <= 144 for s in sizes), "half-points of a real type size"


def test_put_file_writes_whole_files_with_the_ordinary_mode(tmp_path):
    target = str(tmp_path / "00001-王伟.docx")
    put_file(target, b"first")
    put_file(target, b"second")  # a rebuilt certificate replaces the old file
    assert Path(target).read_bytes() == b"second"
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o666 & ~mask  # not mkstemp's 0600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["00001-王伟.docx"]


def test_put_file_leaves_nothing_when_writing_fails(tmp_path):
    with pytest.raises(TypeError):  # the write fails after the temporary file was made
        put_file(str(tmp_path / "x.pdf"), object())
    assert list(tmp_path.iterdir()) == []


def test_lean_package_holds_only_what_a_certificate_uses():
    made = _certificate_docx("王建军")
    with zipfile.ZipFile(io.BytesIO(made)) as z:
        names = set(z.namelist())
        assert names == {"[Content_Types].xml", "_rels/.rels", "docProps/core.xml",
                         "word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml",
                         "word/media/image1.png", "word/document.xml"}
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode() + z.read("_rels/.rels").decode()
        for name in names - {"[Content_Types].xml"}:  # every part typed, none dangling
            assert name.rsplit(".", 1)[-1] in types or f"/{name}" in types
        for target in ("styles.xml", "settings.xml", "media/image1.png", "docProps/core.xml"):
            assert target in rels
        assert "stylesWithEffects" not in rels + types and "thumbnail" not in rels + types
        core = z.read("docProps/core.xml").decode()
        assert "<dc:title>荣誉证书</dc:title>" in core and "中共青山镇委员会" in core
        assert "python-docx" not in core
    # the seal dominates: a one-colour palette PNG, opacity within 1/30 of the prepared seal
    from PIL import Image

    plan, src = read_certificate_plan(PLAN)
    prepared = Image.open(io.BytesIO(prepare_seal(src.file.parent / plan.seal))).convert("RGBA")
    carried = Image.open(io.BytesIO(zipfile.ZipFile(io.BytesIO(made)).read(
        "word/media/image1.png")))
    assert carried.mode == "P" and carried.size == prepared.size
    carried = carried.convert("RGBA")
    worst = max(abs(a - b) for a, b in zip(carried.getchannel("A").tobytes(),
                                           prepared.getchannel("A").tobytes()))
    assert worst <= 255 / 30
    assert len(made) < 16_000, "a certificate .docx of about 14 KB, not python-docx's 56"


def test_libreoffice_draws_the_lean_certificate(tmp_path):
    """LibreOffice opens the lean package: one landscape page with the texts, and the seal
    where the design centres it."""
    import pymupdf

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.fail("LibreOffice is not installed; run the README's setup command first")
    (tmp_path / "c.docx").write_bytes(_certificate_docx("王<建>&军"))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(tmp_path / "c.docx")], check=True, capture_output=True, timeout=300)
    pdf = pymupdf.open(tmp_path / "c.pdf")
    assert pdf.page_count == 1
    page = pdf[0]
    plan, _ = read_certificate_plan(PLAN)
    design = design_for(plan)
    mm = 72 / 25.4
    assert (page.rect.width / mm, page.rect.height / mm) == pytest.approx(design.page_mm, abs=1)
    text = page.get_text().replace("\n", "")
    assert "王<建>&军同志：" in text and "荣誉证书" in text.replace(" ", "")
    [image] = page.get_images(full=True)
    box = page.get_image_bbox(image)
    centre = ((box.x0 + box.x1) / 2 / mm, (box.y0 + box.y1) / 2 / mm)
    assert centre == pytest.approx(design.seal_centre, abs=1)
    assert box.width / mm == pytest.approx(plan.seal_size_mm, abs=1)
