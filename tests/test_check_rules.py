"""Every rule of `gongwen check` by construction: each registered rule has a planted-defect file
(check_defects.py) on which it fires, with its clause, and nothing else fires; no rule fires on
the examples in inputs/ nor on a clean document of each special format. A rule added to the
registry without a defect file fails here."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from check_defects import (CLEAN_FORMATS, DOCX_EDITS, DRAFT_EDITS, FORMAT_DEFECTS, GOOD_DRAFT,
                           GOOD_PLAN, PDF_DOCS, PLAN_EDITS, libreoffice, make_defects,
                           no_office_path)
from conftest import EXAMPLES, INPUTS
from pipeline.check import check_file
from pipeline.check.measure import measure
from pipeline.check.runner import rules

# The clause each rule enforces, written from GB/T 9704-2012 (and the two texts beside it).
CLAUSES = {
    "page-size": "GB/T 9704 5.2.1",  # A4
    "margins": "GB/T 9704 5.2.2",  # 37/28/26/35 mm
    "grid": "GB/T 9704 5.2.3",  # 22 lines of 28 characters
    "body-font": "GB/T 9704 5.3",  # 3号仿宋
    "body-size": "GB/T 9704 5.3",
    "mark-position": "GB/T 9704 7.2.3 / 10",  # 35 mm under the core; 30/20/35 mm in clause 10
    "doc-number": "GB/T 9704 7.2.4",
    "title-font": "GB/T 9704 7.3.1",  # 2号小标宋
    "title-punctuation": "GB/T 9704 7.3.1",
    "title-pattern": "条例 / GB/T 9704 7.3.1",  # 发文机关 + 关于 + 事由 + 文种
    "heading-font": "GB/T 9704 7.3.3",
    "heading-brackets": "GB/T 9704 7.3.3",
    "heading-level3-form": "GB/T 9704 7.3.3",
    "heading-order": "GB/T 9704 7.3.3",
    "heading-sequence": "GB/T 9704 7.3.3",
    "date-form": "GB/T 9704 7.3.5",
    "signature-alone": "GB/T 9704 7.3.5",
    "punctuation-width": "GB/T 15834 / writing convention",
    "closing-position": "GB/T 9704 7.4",
    "closing-page": "GB/T 9704 7.4",
    "pagination": "GB/T 9704 7.4",
    "page-number": "GB/T 9704 7.5",
    "letter-rules": "GB/T 9704 10.1",
    "letter-closing": "GB/T 9704 10.1",
    "order-number": "GB/T 9704 10.2",
    "minutes-seal": "GB/T 9704 10.3",
    "plan": "plan schema",
    "title-note": "practice / GB/T 9704 7.3.1",  # the standard does not name the 题注
}
# The formats a rule knows of: the special formats' own rules only there; a 命令 has no title
# (10.2), a 信函's 版记 has no rules (10.1)
ONLY = {"letter-rules": {"信函"}, "letter-closing": {"信函"}, "order-number": {"命令"},
        "minutes-seal": {"纪要"}, "closing-position": {"文件", "命令", "纪要"},
        "closing-page": {"文件", "命令", "纪要"}, "title-font": {"文件", "信函", "纪要"},
        "title-punctuation": {"文件", "信函", "纪要"}, "title-pattern": {"文件", "信函", "纪要"},
        "title-note": {"文件", "信函", "纪要"},
        # a 纪要 is not signed: its date stands in its head (10.3 leaves the form to practice)
        "signature-alone": {"文件", "信函", "命令"}}
ALL_FORMATS = {"文件", "信函", "命令", "纪要"}
REGISTERED = [r.id for r in rules()]
DEFECTS = {*PLAN_EDITS, *DRAFT_EDITS, *PDF_DOCS, *DOCX_EDITS}


@pytest.fixture(scope="module")
def defects(tmp_path_factory):
    return make_defects(tmp_path_factory.mktemp("defects"))


@pytest.mark.parametrize("rule_id", REGISTERED)
def test_rule_is_registered_as_the_standard_says(rule_id):
    (rule,) = [r for r in rules() if r.id == rule_id]
    assert rule_id in CLAUSES, f"{rule_id}: no clause written in this test"
    assert rule.clause == CLAUSES[rule_id]
    assert set(rule.formats) == ONLY.get(rule_id, ALL_FORMATS)


@pytest.mark.parametrize("rule_id", REGISTERED)
def test_rule_fires_on_its_defect_and_alone(defects, rule_id, monkeypatch, tmp_path):
    assert rule_id in DEFECTS, f"rule {rule_id} has no defect file in check_defects.py"
    defect = defects[rule_id]
    if defect.no_office:
        monkeypatch.setenv("PATH", no_office_path(tmp_path))
    findings = check_file(defect.path, defect.rendered)
    fired = [f for f in findings if f.rule == rule_id]
    assert fired, f"{rule_id} silent on {defect.path.name}: {[str(f) for f in findings]}"
    assert all(f.clause == CLAUSES[rule_id] for f in fired)
    assert all(f.message and f.fix and f.location for f in fired)
    assert {f.rule for f in findings} == {rule_id}, [str(f) for f in findings]


def test_no_defect_without_a_rule():
    """A defect file for a rule that is gone would test nothing."""
    assert DEFECTS <= set(REGISTERED), DEFECTS - set(REGISTERED)


@pytest.mark.parametrize("fmt", sorted(CLEAN_FORMATS))
def test_clean_document_of_each_format(fmt, tmp_path):
    path = CLEAN_FORMATS[fmt].build(tmp_path / "clean.pdf")
    assert measure(path).format == fmt
    assert check_file(path) == [], [str(f) for f in check_file(path)]


@pytest.mark.parametrize("rule_id,doc", FORMAT_DEFECTS,
                         ids=[f"{r}-{d.format}" for r, d in FORMAT_DEFECTS])
def test_rule_knows_each_format(rule_id, doc, tmp_path):
    """The same rule where a format expects something else: still found, and only it."""
    path = doc.build(tmp_path / "defect.pdf")
    assert measure(path).format == doc.format
    findings = check_file(path)
    assert {f.rule for f in findings} == {rule_id}, [str(f) for f in findings]


ADOPTION_LINE = "（2026年1月10日青山镇人民代表大会通过）"


def test_a_title_note_where_practice_puts_it_is_clean(tmp_path):
    """Centred, 3号楷体, on the line right after the title: nothing to report."""
    path = replace(CLEAN_FORMATS["文件"], title_note=ADOPTION_LINE).build(tmp_path / "note.pdf")
    assert check_file(path) == [], [str(f) for f in check_file(path)]


def test_a_title_note_a_blank_line_below_the_title_is_found(tmp_path):
    path = replace(CLEAN_FORMATS["文件"], title_note=ADOPTION_LINE, title_note_line=2).build(
        tmp_path / "low.pdf")
    findings = check_file(path)
    assert {f.rule for f in findings} == {"title-note"}, [str(f) for f in findings]
    assert "the 题注 stands 2 lines below the title's last line, not on the next line" in findings[0].message


def test_defect_bases_are_clean(tmp_path):
    (tmp_path / "draft.txt").write_text(GOOD_DRAFT, encoding="utf-8")
    (tmp_path / "plan.yaml").write_text(GOOD_PLAN, encoding="utf-8")
    for name in ("draft.txt", "plan.yaml"):
        assert check_file(tmp_path / name) == [], name


@pytest.fixture(scope="module")
def examples_printed(built, tmp_path_factory):
    return libreoffice(list(built.values()), tmp_path_factory.mktemp("examples-lo"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_rule_fires_on_the_examples(built, pdfs, examples_printed, name):
    docx = built[name]
    for path, rendered in ((docx, examples_printed[docx]), (Path(pdfs[name].name), None),
                           (INPUTS / f"{name}.yaml", None)):
        findings = check_file(path, rendered)
        assert findings == [], [str(f) for f in findings]
    # the format the check reads off page 1: the special formats' examples, 文件 for the rest
    special = {"letter": "信函", "order": "命令", "minutes": "纪要"}
    assert measure(Path(pdfs[name].name)).format == special.get(name, "文件")
