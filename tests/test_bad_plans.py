"""Bad plans: a one-line message naming file, line and field, exit 1, no traceback, no file."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from plans import GOOD
from plans import build as _build
from plans import write as _plan

def _assert_failed_cleanly(code, err, out):
    assert code == 1
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir()), "no output may be left behind"


def _text(docx) -> str:
    import re
    import zipfile
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def test_good_plan_builds(tmp_path, capsys):
    code, err, out = _build(tmp_path, _plan(tmp_path, GOOD), capsys)
    assert code == 0 and "Traceback" not in err
    text = _text(out / "plan.docx")
    # what GOOD says, in the standard's forms: number 7.2.4, addressee with ：, date 7.3.5
    for part in ("青山镇人民政府文件", "青政〔2026〕5号", "关于做好春耕生产工作的通知", "各村民委员会：",
                 "工作要求", "请各村认真落实。", "2026年3月20日"):
        assert part in text, part


@pytest.mark.parametrize("change,expect", [
    (("to:", "send_to:"), ["plan.yaml:4", "unknown field 'send_to'", "did you mean 'to'"]),
    (("title: 关于做好春耕生产工作的通知\n", ""), ["field 'title'", "required"]),
    (("青政〔2026〕5号", "青政[2026]5号"), ["plan.yaml:2", "field 'number'", "〔〕", "青政〔2026〕5号"]),
    (("青政〔2026〕5号", "青政〔2026〕第5号"), ["field 'number'", "no 第"]),
    (("青政〔2026〕5号", "青政〔2026〕05号"), ["field 'number'", "leading zeros"]),
    (("date: 2026-03-20", "date: 2026-02-30"), ["plan.yaml:9", "field 'signature.date'", "2026-02-30"]),
    (("date: 2026-03-20", "date: [1, 2]"), ["field 'signature.date'"]),
    (("请各村认真落实。", "请各村于{{ params.deadline }}前落实。"),
     ["field 'body'", "unknown placeholder 'deadline'"]),
    (("请各村认真落实。", "请各村{{ params.x "), ["field 'body'", "broken placeholder"]),
    (("# 工作要求", "##### 工作要求"), ["plan.yaml:6", "four heading levels"]),
])
def test_bad_plan_is_named_and_leaves_nothing(tmp_path, capsys, change, expect):
    old, new = change
    assert old in GOOD
    code, err, out = _build(tmp_path, _plan(tmp_path, GOOD.replace(old, new, 1)), capsys)
    _assert_failed_cleanly(code, err, out)
    for part in expect:
        assert part in err, err


def test_malformed_yaml_names_the_line(tmp_path, capsys):
    code, err, out = _build(tmp_path, _plan(tmp_path, GOOD.replace("to: 各村民委员会", "to: [各村民委员会")), capsys)
    _assert_failed_cleanly(code, err, out)
    assert "not valid YAML" in err and "plan.yaml:" in err


def test_wrong_encoding_is_named(tmp_path, capsys):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(GOOD.encode("gbk"))
    code, err, out = _build(tmp_path, path, capsys)
    _assert_failed_cleanly(code, err, out)
    assert "not UTF-8" in err


def test_seal_that_is_not_an_image(tmp_path, capsys):
    (tmp_path / "seal.png").write_text("not a picture")
    plan = _plan(tmp_path, GOOD + "  seal: seal.png\n")
    code, err, out = _build(tmp_path, plan, capsys)
    _assert_failed_cleanly(code, err, out)
    assert "field 'signature.seal'" in err and "not a readable image" in err


def test_missing_seal_file(tmp_path, capsys):
    code, err, out = _build(tmp_path, _plan(tmp_path, GOOD + "  seal: nowhere.png\n"), capsys)
    _assert_failed_cleanly(code, err, out)
    assert "does not exist" in err


def test_placeholders_run_sandboxed(tmp_path, capsys):
    evil = GOOD.replace("请各村认真落实。", "{{ params.__class__.__mro__ }}")
    code, err, out = _build(tmp_path, _plan(tmp_path, evil + "params:\n  x: 1\n"), capsys)
    _assert_failed_cleanly(code, err, out)
    assert "field 'body'" in err and "plan.yaml" in err
    assert "<class" not in err and "object" not in err, "nothing of Python's internals shown"


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    from pipeline.build import build_plan
    from pipeline.writers import docx as writer

    def broken_save(self, path):
        Path(path).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(writer.docx.document.Document, "save", broken_save)
    out = tmp_path / "out"
    with pytest.raises(OSError):
        build_plan(_plan(tmp_path, GOOD), out)
    assert list(out.iterdir()) == []


def test_cli_process_exit_code_and_no_traceback(tmp_path):
    plan = _plan(tmp_path, GOOD.replace("title:", "titel:"))
    proc = subprocess.run([sys.executable, "-m", "pipeline", "build", str(plan), "-o",
                           str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "unknown field 'titel'" in proc.stderr and "did you mean 'title'" in proc.stderr


def test_copies_make_one_file_per_copy_number(tmp_path, capsys):
    plan = _plan(tmp_path, GOOD + "copies: 3\n")
    code, _, out = _build(tmp_path, plan, capsys)
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        f"plan-00000{n}.{ext}" for n in (1, 2, 3) for ext in ("docx", "pdf")]
    # GB/T 9704 7.2.1: each copy prints its own 份号 in six Arabic digits
    for n in (1, 2, 3):
        text = _text(out / f"plan-00000{n}.docx")
        assert f"00000{n}" in text and all(f"00000{m}" not in text for m in (1, 2, 3) if m != n)


def test_odd_characters_reach_the_document_intact(tmp_path, capsys):
    """Rare CJK (䶮, 𠈌 beyond the BMP), the middle dot of minority names, XML specials."""
    text = "王䶮、𠈌明、阿依古丽·买买提同志获评优秀，R&D投入<5%的问题要整改。"
    plan = _plan(tmp_path, GOOD.replace("请各村认真落实。", text))
    code, _, out = _build(tmp_path, plan, capsys)
    assert code == 0
    import zipfile
    xml = zipfile.ZipFile(out / "plan.docx").read("word/document.xml").decode("utf-8")
    assert "王䶮、𠈌明、阿依古丽·买买提" in xml
    assert "R&amp;D投入&lt;5%" in xml
