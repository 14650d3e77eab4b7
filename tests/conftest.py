"""Shared fixtures: the examples in inputs/ built once, and their LibreOffice renderings."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pymupdf
import pytest
from lxml import etree

from pipeline.build import build_plan, document_from_plan, number_document

ROOT = Path(__file__).resolve().parent.parent
# plans with number: auto take their numbers from a register; the tests' register lives in a
# temporary folder, never in the working copy
os.environ.setdefault("GONGWEN_DB", f"sqlite:///{tempfile.mkdtemp(prefix='gongwen-test-')}/register.db")
INPUTS = ROOT / "inputs"
# the workplace's shared folder sits beside the project (../shared); GONGWEN_SHARED names it
# when a clone lives elsewhere
SHARED = Path(os.environ.get("GONGWEN_SHARED") or ROOT.parent / "shared")
if not SHARED.exists() and Path("/work/shared").exists():
    SHARED = Path("/work/shared")
DRAFTS = SHARED / "samples" / "drafts"
EXAMPLES = sorted(p.stem for p in INPUTS.glob("*.yaml"))
# the examples in a special format of GB/T 9704 clause 10 (the rest are in the 文件 format):
# rules of the 文件 format's head skip them; tests/test_formats.py measures theirs
SPECIAL_FORMATS = {"letter": "信函", "order": "命令", "minutes": "纪要"}


def only_in(name: str, *formats: str) -> None:
    """Skip a test of a rule that the example's format does not have."""
    fmt = SPECIAL_FORMATS.get(name, "文件")
    if fmt not in formats:
        pytest.skip(f"not a rule of the {fmt} format (tests/test_formats.py)")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("docx")
    return {name: build_plan(INPUTS / f"{name}.yaml", out, ("docx",))[0] for name in EXAMPLES}


@pytest.fixture(scope="session")
def models():
    """The examples' document models as the build makes them (numbers from the register)."""
    out = {}
    for name in EXAMPLES:
        out[name] = document_from_plan(INPUTS / f"{name}.yaml")[0]
        number_document(out[name], None)
    return out


class Docx:
    """The XML parts of a built .docx, parsed."""

    def __init__(self, path: Path):
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.names = z.namelist()
            self.parts = {n: etree.fromstring(z.read(n)) for n in self.names
                          if n.endswith(".xml") or n.endswith(".rels")}

    def __getitem__(self, name: str):
        return self.parts[name]

    def style(self, style_id: str):
        return self["word/styles.xml"].find(f"{W}style[@{W}styleId='{style_id}']")

    def paragraphs(self, style_id: str):
        return self["word/document.xml"].xpath(
            f".//w:p[w:pPr/w:pStyle/@w:val='{style_id}']", namespaces=NS)

    def footers(self):
        """footer part names per section, in order: [(default, even), ...]"""
        rels = {r.get("Id"): r.get("Target") for r in self["word/_rels/document.xml.rels"]}
        out = []
        for sect in self["word/document.xml"].iter(f"{W}sectPr"):
            refs = {ref.get(f"{W}type"): "word/" + rels[ref.get(
                "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
                for ref in sect.findall(f"{W}footerReference")}
            out.append(refs)
        return out


@pytest.fixture(scope="session")
def docxs(built) -> dict[str, Docx]:
    return {name: Docx(path) for name, path in built.items()}


@pytest.fixture(scope="session")
def libreoffice(built, tmp_path_factory) -> dict[str, pymupdf.Document]:
    """Each example's .docx converted to PDF by LibreOffice headless, as a reader sees it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.fail("LibreOffice is not installed; run the README's setup command first")
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), *map(str, built.values())],
                   check=True, capture_output=True, timeout=300)
    return {name: pymupdf.open(out / f"{name}.pdf") for name in built}


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory) -> dict[str, pymupdf.Document]:
    """Each example built to PDF by the pipeline's own PDF writer (WeasyPrint)."""
    out = tmp_path_factory.mktemp("weasyprint")
    return {name: pymupdf.open(build_plan(INPUTS / f"{name}.yaml", out, ("pdf",))[0])
            for name in EXAMPLES}


RENDERERS = ("libreoffice", "weasyprint")


@pytest.fixture(scope="session", params=RENDERERS)
def rendered(request) -> dict[str, pymupdf.Document]:
    """The examples as printed pages, once per renderer: the .docx through LibreOffice and the
    pipeline's PDF. Geometry tests take this fixture, so every rule is measured on both."""
    return request.getfixturevalue({"libreoffice": "libreoffice", "weasyprint": "pdfs"}[
        request.param])
