"""`gongwen check` on whole files: planted problems in a built .docx and PDF, the command line,
plans and drafts. (Every registered rule against its own defect file, and the examples
checked clean: test_check_rules.py.)"""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pymupdf
import pytest

from conftest import DRAFTS
from pipeline.build import build_plan
from pipeline.check import ERROR, check_file
from pipeline.cli import main
from plans import GOOD
from plans import write as write_plan


def _rules(findings, severity=None):
    return sorted({f.rule for f in findings if severity is None or f.severity == severity})


@pytest.fixture(scope="module")
def good_docx(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("good")
    plan = write_plan(tmp, GOOD.replace("请各村认真落实。", "请各村认真落实，确保按时完成各项任务。"))
    (path,) = build_plan(plan, tmp / "out", ("docx",))
    assert check_file(path) == []
    return path


def _planted(good: Path, tmp_path: Path, part: str, old: str, new: str,
             within: str = "") -> Path:
    """A copy of the .docx with one text replaced inside one XML part (and there only after
    `within`, e.g. inside one style's definition)."""
    out = tmp_path / "broken.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part or (part.endswith("*") and
                                         item.filename.startswith(part[:-1])):
                text = data.decode("utf-8")
                start = text.index(within) if within else 0
                assert old in text[start:], f"{old} not in {item.filename}"
                text = text[:start] + text[start:].replace(old, new, 1 if within else -1)
                data = text.encode("utf-8")
            dst.writestr(item, data)
    return out


def _section_attr(good: Path, name: str) -> str:
    xml = zipfile.ZipFile(good).read("word/document.xml").decode()
    start = xml.index(f"<w:{name} ")
    return xml[start:xml.index("/>", start) + 2]


PLANTS = {
    # rule: (part, old, new)
    "page-size": ("word/document.xml", 'w:w="11906"', 'w:w="12240"'),
    "margins": ("word/document.xml", None, None),  # the section's own left margin, below
    "body-size": ("word/styles.xml", '<w:sz w:val="32"/>', '<w:sz w:val="28"/>'),
    "page-number": ("word/footer*", "— ", ""),
    "doc-number": ("word/document.xml", "青政〔2026〕5号", "青政[2026]5号"),
    "punctuation-width": ("word/document.xml", "请各村认真落实，", "请各村认真落实,"),
    "date-form": ("word/document.xml", "2026年3月20日", "二〇二六年三月二十日"),
    "title-punctuation": ("word/document.xml", "做好春耕生产", "做好春耕，生产"),
}


@pytest.mark.parametrize("rule", sorted(PLANTS))
def test_planted_docx_problem_found_and_nothing_else(good_docx, tmp_path, rule):
    part, old, new = PLANTS[rule]
    within = 'w:styleId="GwBody"' if rule == "body-size" else ""  # the body style only
    if rule == "margins":
        old = _section_attr(good_docx, "pgMar").split('w:left="')[1].split('"')[0]
        old, new = f'w:left="{old}"', 'w:left="1134"'
    broken = _planted(good_docx, tmp_path, part, old, new, within)
    findings = check_file(broken)
    assert rule in _rules(findings), findings
    assert _rules(findings) == [rule], [str(f) for f in findings]


def test_text_after_the_closing_block(tmp_path):
    plan = write_plan(tmp_path, GOOD + "closing:\n  printer: 青山镇党政办\n  date: 2026-03-20\n")
    (path,) = build_plan(plan, tmp_path / "out", ("docx",))
    assert check_file(path) == []
    import docx

    document = docx.Document(str(path))
    document.add_paragraph("附：联系人及电话")
    document.save(str(tmp_path / "after.docx"))
    assert _rules(check_file(tmp_path / "after.docx")) == ["closing-position"]


def test_heading_sequence_problems(tmp_path):
    body = "# 工作要求\n  （一）加强领导\n  （三）强化保障\n  1、落实责任"
    plan = write_plan(tmp_path, GOOD.replace("# 工作要求\n  请各村认真落实。", body))
    (path,) = build_plan(plan, tmp_path / "out", ("docx",))
    findings = check_file(path)
    assert _rules(findings) == ["heading-level3-form", "heading-sequence"]
    (seq,) = [f for f in findings if f.rule == "heading-sequence"]
    assert "（三）" in seq.message and "2 was due" in seq.message
    assert all(f.severity == ERROR for f in findings)


@pytest.fixture(scope="module")
def good_pdf(pdfs) -> Path:
    return Path(pdfs["annual-opinion"].name)


def test_pdf_without_page_numbers(good_pdf, tmp_path):
    pdf = pymupdf.open(good_pdf)
    for page in pdf:
        for hit in page.search_for("—"):
            if hit.y0 > page.rect.height * 0.85:
                page.add_redact_annot(hit)
        page.apply_redactions()
    broken = tmp_path / "no-numbers.pdf"
    pdf.save(broken)
    assert _rules(check_file(broken)) == ["page-number"]


def test_pdf_shifted_off_the_binding_margin(good_pdf, tmp_path):
    src = pymupdf.open(good_pdf)
    out = pymupdf.open()
    shift = 5 / 25.4 * 72  # 5 mm to the right
    for page in src:
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.show_pdf_page(page.rect + (shift, 0, shift, 0), src, page.number)
    broken = tmp_path / "shifted.pdf"
    out.save(broken)
    findings = check_file(broken)
    assert _rules(findings) == ["margins"]
    assert any("33." in f.message for f in findings)


def test_check_cli_json_and_exit_code(good_docx, tmp_path, capsys):
    assert main(["check", str(good_docx)]) == 0
    assert "no findings" in capsys.readouterr().out
    broken = _planted(good_docx, tmp_path, *PLANTS["doc-number"])
    assert main(["check", "--json", str(broken)]) == 1
    report = json.loads(capsys.readouterr().out)
    (finding,) = report["findings"]
    assert report["errors"] == 1
    assert finding["rule"] == "doc-number" and finding["severity"] == "error"
    assert finding["clause"].startswith("GB/T 9704") and finding["fix"]
    assert finding["location"].startswith("paragraph ")


def test_check_plan_and_text(tmp_path, capsys):
    plan = write_plan(tmp_path, GOOD.replace("请各村认真落实。", "请于二〇二六年三月一日前完成,并报告。"))
    rules = _rules(check_file(plan))
    assert rules == ["date-form", "punctuation-width"]
    broken = write_plan(tmp_path, GOOD.replace("title:", "titel:"), "bad.yaml")
    (finding,) = check_file(broken)
    assert finding.rule == "plan" and finding.location == "line 3"
    shutil.copy(DRAFTS / "003_ca3e938b7bc7d59d.txt", tmp_path / "draft.txt")
    assert "heading-brackets" in _rules(check_file(tmp_path / "draft.txt"))
