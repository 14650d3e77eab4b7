"""The 文种 a township office issues that the first examples did not cover: 决定, 通报, 通告 and
决议, each built from inputs/ to .docx and PDF and measured on both printings (our PDF, and
LibreOffice's rendering of the .docx). The numbers are written here from GB/T 9704-2012 and
from the practice the README documents for the 题注 (a 决议's adoption line): centred in 3号
楷体 on the line right after the title's last line, the body one blank line below it."""
from __future__ import annotations

import subprocess
import sys

import pymupdf
import pytest

from check_defects import libreoffice
from conftest import INPUTS
from pipeline.build import build_plan

EXAMPLES = {  # example → (文种, its adoption line or "", whether it names a 主送机关)
    "commendation-decision": ("决定", "", True),
    "inspection-bulletin": ("通报", "", True),
    "fire-ban-notice": ("通告", "", False),
    "congress-resolution": ("决议", "（2026年1月10日青山镇第十八届人民代表大会第五次会议通过）", False),
}
MM = 25.4 / 72
PITCH_MM = (225 - 0.886 * 16 * MM) / 21  # 22 lines from the first line's ink to the last's
CORE_LEFT, CORE_WIDTH = 28.0, 156.0
CORE_CENTRE = CORE_LEFT + CORE_WIDTH / 2  # 106 mm from the page's left edge
CHAR_MM = CORE_WIDTH / 28
TITLE_PT, BODY_PT = 22.0, 16.0  # 2号, 3号


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """{example: {"ours": PDF, "libreoffice": PDF}}: every .docx in one LibreOffice call."""
    out = tmp_path_factory.mktemp("kinds")
    files = {name: build_plan(INPUTS / f"{name}.yaml", out, ("docx", "pdf")) for name in EXAMPLES}
    docx = {name: next(f for f in fs if f.suffix == ".docx") for name, fs in files.items()}
    lo = libreoffice(list(docx.values()), out)
    return {name: {"ours": next(f for f in files[name] if f.suffix == ".pdf"),
                   "libreoffice": lo[docx[name]], "docx": docx[name]} for name in EXAMPLES}


def _lines(path) -> list[dict]:
    """Page 1's text lines: text, baseline (mm from the top), left and right edges, size, font."""
    page = pymupdf.open(path)[0]
    out = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            spans = [s for s in line["spans"] if s["text"].strip()]
            if spans:
                out.append({"text": "".join(s["text"] for s in spans).replace(" ", ""),
                            "base": spans[0]["origin"][1] * MM, "x0": line["bbox"][0] * MM,
                            "x1": line["bbox"][2] * MM, "size": spans[0]["size"],
                            "font": spans[0]["font"]})
    return sorted(out, key=lambda l: l["base"])


def _after_title(path):
    """The title's last line and the lines after it on page 1."""
    lines = _lines(path)
    titles = [i for i, l in enumerate(lines) if abs(l["size"] - TITLE_PT) < 0.5]
    assert titles, "no 2号 title on page 1"
    return lines[titles[-1]], lines[titles[-1] + 1:]


@pytest.mark.parametrize("name", EXAMPLES)
def test_builds_to_docx_and_pdf_with_the_same_pages(printed, name):
    ours, lo = (pymupdf.open(printed[name][k]) for k in ("ours", "libreoffice"))
    assert ours.page_count == lo.page_count >= 1
    assert "XX" not in "".join(p.get_text() for p in ours)


@pytest.mark.parametrize("renderer", ["ours", "libreoffice"])
def test_adoption_line_under_the_title(printed, renderer):
    title, after = _after_title(printed["congress-resolution"][renderer])
    note = after[:2]  # the adoption line breaks into two lines, as a title does
    assert "".join(l["text"] for l in note) == EXAMPLES["congress-resolution"][1]
    # the line right after the title's last line: one line pitch, not two
    assert 0.75 * PITCH_MM <= note[0]["base"] - title["base"] <= 1.25 * PITCH_MM
    assert 0.75 * PITCH_MM <= note[1]["base"] - note[0]["base"] <= 1.25 * PITCH_MM
    for line in note:
        assert abs((line["x0"] + line["x1"]) / 2 - CORE_CENTRE) <= 1.0, line  # centred
        assert abs(line["size"] - BODY_PT) < 0.5  # 3号
        assert "Kai" in line["font"]  # 楷体 (its free stand-in FandolKai here)
    # the body one blank line below, its first line indented two characters
    body = after[2]
    assert 1.75 * PITCH_MM <= body["base"] - note[1]["base"] <= 2.25 * PITCH_MM
    assert abs(body["x0"] - (CORE_LEFT + 2 * CHAR_MM)) <= 1.0
    assert "Fang" in body["font"]


@pytest.mark.parametrize("renderer", ["ours", "libreoffice"])
@pytest.mark.parametrize("name", [n for n, (_k, note, to) in EXAMPLES.items()
                                  if not to and not note])
def test_no_addressee_line_where_none_is_given(printed, name, renderer):
    """A 通告 names no 主送机关: the body's first line, indented two characters, stands one
    blank line below the title (where the 主送机关's blank line would be), nothing between."""
    title, after = _after_title(printed[name][renderer])
    first = after[0]
    assert not first["text"].endswith("：") and "Fang" in first["font"]
    assert abs(first["x0"] - (CORE_LEFT + 2 * CHAR_MM)) <= 1.0
    assert 1.75 * PITCH_MM <= first["base"] - title["base"] <= 2.25 * PITCH_MM


@pytest.mark.parametrize("renderer", ["ours", "libreoffice"])
@pytest.mark.parametrize("name", [n for n, (_k, _note, to) in EXAMPLES.items() if to])
def test_addressee_line_where_one_is_given(printed, name, renderer):
    title, after = _after_title(printed[name][renderer])
    first = after[0]
    assert first["text"].endswith("：") and abs(first["x0"] - CORE_LEFT) <= 1.0
    assert 1.75 * PITCH_MM <= first["base"] - title["base"] <= 2.25 * PITCH_MM


def test_check_finds_nothing_on_any_example(printed):
    files = [str(printed[name][k]) for name in EXAMPLES for k in ("docx", "ours")]
    run = subprocess.run([sys.executable, "-m", "pipeline", "check", *files],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().splitlines() == [f"{f}: no findings" for f in files], run.stdout
