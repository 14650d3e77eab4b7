"""Hostile and careless input: every case ends within a bound, exits non-zero with one line
naming the file, line and field (no traceback, no raw control character on the terminal),
and leaves nothing half-written; what is written has the ordinary file mode (0644 under the
usual umask) so colleagues on the office share can open it.

Each case runs `python -m pipeline` in a subprocess with a timeout: a hang fails the test
instead of the CI run. Expected messages and numbers are stated here from the issue and the
limits in the README, not taken from the code.
"""
from __future__ import annotations

import csv
import os
import signal
import stat
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import etree

from conftest import INPUTS, ROOT
from plans import GOOD
from pipeline.readers.plan import check_doc_number
from pipeline.register.registry import Register

BOUND_S = 120  # seconds: a case that takes longer is a hang (2 shared cores, cold imports)
SEAL = INPUTS / "seals" / "qingshan-government.png"


# --- helpers ---------------------------------------------------------------------------------
def gongwen(*args, cwd: Path, db: Path | None = None, timeout: float = BOUND_S):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GONGWEN_DEBUG", None)
    if db is not None:
        env["GONGWEN_DB"] = f"sqlite:///{db}"
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd,
                              env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"gongwen {' '.join(map(str, args))} did not end within {timeout} s")
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), \
        proc.stderr.decode("utf-8", "replace"), time.monotonic() - started


def refused(rc: int, err: str, *words: str) -> str:
    """Exit 1, one line on stderr, no traceback, no raw control character, names `words`."""
    assert rc == 1, f"exit {rc}: {err}"
    assert "Traceback" not in err and "internal error" not in err, err
    assert "\x1b" not in err and "\x00" not in err, "raw control character on the terminal"
    lines = [l for l in err.strip().splitlines() if not l.startswith("note:")]
    assert len(lines) == 1, err
    for word in words:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"
    # pydantic's inner names never reach a clerk
    for inner in ("constrained-str", "function-after", "json-or-python", "union[", "ctx"):
        assert inner not in err, err
    return lines[0]


def nothing_written(folder: Path) -> None:
    leftovers = [p for p in folder.rglob("*")] if folder.exists() else []
    assert not leftovers, f"left behind: {leftovers}"


def no_temporaries(folder: Path) -> None:
    hidden = [p.name for p in folder.rglob(".*")]
    assert not hidden, f"temporary files or staging folders left: {hidden}"


def office_mode(path: Path) -> None:
    """The mode open() gives under this process's umask (0644 with the usual 022)."""
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, f"{path}: {oct(path.stat().st_mode)}"


def docx_well_formed(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                etree.fromstring(z.read(name))  # raises on XML that is not well-formed
        return z.read("word/document.xml").decode("utf-8")


def plan(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def change(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def build_refused(tmp_path, text: str, *words: str, name: str = "plan.yaml") -> str:
    path = plan(tmp_path, text, name)
    out = tmp_path / "out"
    rc, _out, err, _t = gongwen("build", path, "-o", out, "--format", "docx", cwd=tmp_path,
                                db=tmp_path / "reg.db")
    line = refused(rc, err, *words)
    nothing_written(out)
    return line


# --- hangs ------------------------------------------------------------------------------------
LONG_TITLE = "关于" + "进一步加强和改进新时代农村基层党组织建设与乡村振兴工作" * 5 + "的通知"


@pytest.mark.parametrize("title", [LONG_TITLE, ("关于" + "加强农村基层党组织建设" * 20)[:197]
                                   + "的通知"])
def test_long_title_builds_quickly(tmp_path, title):
    """~140 and 200 characters (the limit): the title split once tried every combination of
    break points and hung from about 120."""
    assert 120 <= len(title) <= 200
    path = plan(tmp_path, change("title: 关于做好春耕生产工作的通知", f"title: {title}"))
    rc, _o, err, _t = gongwen("build", path, "-o", tmp_path / "out", "--format", "docx",
                              cwd=tmp_path, timeout=90)
    assert rc == 0, err
    xml = docx_well_formed(tmp_path / "out" / "plan.docx")
    text = "".join(etree.fromstring(xml.encode()).itertext())
    assert title in text


@pytest.mark.parametrize("body,words", [
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     ["field 'body'", "range() items"]),
    ("{% set s = 'x' * 100000 %}{% for i in s %}{% for j in s %}{% endfor %}{% endfor %}",
     ["field 'body'", "longer than 2 s"]),
    ("{% for i in 'x' * 100000 %}{% for j in 'x' * 100000 %}{% endfor %}{% endfor %}",
     ["field 'body'", "2,000,000 characters in all"]),
    ("{{ 'x' * 10**9 }}", ["field 'body'", "1,000,000,000 characters"]),
    ("{{ 'x' | center(10**9) }}", ["field 'body'", "center"]),
    ("{{ ('x' * 100000) | replace('x', 'x' * 100000) }}", ["field 'body'", "replace"]),
    ("{{ '{:{}}'.format(1, 10**9) }}", ["field 'body'", "format width"]),
    ("{{ '%*s' % (10**9, 'x') }}", ["field 'body'", "format width"]),
    ("{{ 9 ** 999999 }}", ["field 'body'", "bits"]),
    ("{{ 10 ** 10 ** 10 ** 10 ** 10 }}", ["field 'body'", "bits"]),
    ("{{ range(10**9) | list }}", ["field 'body'", "range() items"]),
    ("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", ["field 'body'", "macros nested"]),
    ("{% include 'secret.txt' %}", ["field 'body'", "cannot be filled"]),
    ("{% extends 'base.html' %}", ["field 'body'", "cannot be filled"]),
    ("{{ 1/0 }}", ["field 'body'", "division by zero"]),
    ("{{ ''.__class__.__mro__ }}", ["field 'body'", "outside the plan's data"]),
    ("{{ lipsum(10**6) }}", ["field 'body'", "unknown placeholder 'lipsum'"]),
    # each step small, together gigabytes: a list of one big text repeated, then joined
    ("{{ ([('x' * 199999)] * 199999) | join }}", ["field 'body'", "characters"]),
    ("{{ range(10000) | map('center', 199999) | list | length }}",
     ["field 'body'", "2,000,000 characters in all"]),
    ("{{ '\\x1b[2J' }}", ["field 'body'", "U+001B"]),
])
def test_template_budgets(tmp_path, body, words):
    text = change("  请各村认真落实。", "  " + body)
    line = build_refused(tmp_path, text, "plan.yaml:", *words)
    assert "plan.yaml:5" in line or "plan.yaml:6" in line, line


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize("text,words", [
    (BILLION_LAUGHS + GOOD, ["plan.yaml:", "100,000 values", "aliases"]),
    ("x: &x\n" + "".join(f"  k{i}: [*x]\n" for i in range(1)) + GOOD,
     ["plan.yaml:", "contains it"]),
    ("x: &x [*x]\n" + GOOD, ["plan.yaml:1", "contains it"]),
    ("".join(f"a{i}: &a{i} [1]\n" for i in range(101))
     + "".join(f"b{i}: *a{i}\n" for i in range(101)) + GOOD, ["more than 100 aliases"]),
    (change("organ: 青山镇人民政府", "organ: !foo 青山镇人民政府"),
     ["plan.yaml:1", "field 'organ'", "tag '!foo'"]),
    (change("organ: 青山镇人民政府", "organ: !!python/object/apply:os.system [ls]"),
     ["plan.yaml:1", "field 'organ'", "!!python/object/apply:os.system"]),
    ("base: &b {organ: 青山镇人民政府}\n<<: *b\n" + GOOD.split("\n", 1)[1],
     ["plan.yaml:2", "merge keys"]),
    ("a: " + "[" * 3000 + "]" * 3000 + "\n" + GOOD, ["plan.yaml", "too deeply"]),
])
def test_yaml_budgets_and_tags(tmp_path, text, words):
    build_refused(tmp_path, text, *words)


def test_recursive_alias_in_check_is_a_finding_not_a_crash(tmp_path):
    path = plan(tmp_path, "x: &x [*x]\n" + GOOD)
    rc, out, err, _t = gongwen("check", path, cwd=tmp_path)
    assert rc == 1 and "Traceback" not in err
    assert "contains it" in out + err


def test_copies_are_capped_and_name_the_limit(tmp_path):
    line = build_refused(tmp_path, GOOD + "copies: 999999\n", "plan.yaml:10",
                         "field 'copies'", "at most 1000")
    assert "999999" not in line or "too large" in line


# --- tracebacks that were -----------------------------------------------------------------------
CONTROL = [("\\0", "U+0000"), ("\\e", "U+001B"), ("\\uFFFF", "U+FFFF"), ("\\u202E", "U+202E"),
           ("\\x85", "U+0085"), ("\\uFFFE", "U+FFFE"), ("\\u2066", "U+2066")]


FIELDS = [("title", "title: 关于做好春耕生产工作的通知"), ("organ", "organ: 青山镇人民政府"),
          ("to", "to: 各村民委员会")]


# every character in the title; the organ and the addressee with two each (one path for all)
@pytest.mark.parametrize("escape,code,field,old", [
    (e, c, *FIELDS[0]) for e, c in CONTROL] + [(e, c, *f) for f in FIELDS[1:]
                                                for e, c in (CONTROL[0], CONTROL[3])])
def test_control_characters_are_refused_naming_field_and_code_point(tmp_path, escape, code,
                                                                    field, old):
    key, value = old.split(": ")
    text = change(old, f'{key}: "{value[:2]}{escape}{value[2:]}"')
    build_refused(tmp_path, text, f"field '{field}'", code, "plan.yaml:")


def test_raw_bidi_override_in_a_title_is_refused(tmp_path):
    text = change("title: 关于做好春耕生产工作的通知", "title: 关于做好\u202e知通的作工产生耕春")
    build_refused(tmp_path, text, "plan.yaml:3", "field 'title'", "U+202E",
                  "RIGHT-TO-LEFT OVERRIDE")


@pytest.mark.parametrize("text,words", [
    (change("organ: 青山镇人民政府", 'organ: ""'), ["plan.yaml:1", "field 'organ'", "names no organ"]),
    (change("organ: 青山镇人民政府", 'organ: ["", " "]'), ["field 'organ'", "names no organ"]),
    (change("organ: 青山镇人民政府", "organ: " + "青山镇" * 100), ["field 'organ'", "at most 100"]),
    (change("title: 关于做好春耕生产工作的通知", "title: " + "关于" * 150),
     ["plan.yaml:3", "field 'title'", "too long", "at most 200"]),
    (change("organ: 青山镇人民政府", "organ: 12345"), ["field 'organ'", "should be text"]),
    (change("organ: 青山镇人民政府", "organ: [1, 2]"), ["field 'organ", "should be text"]),
    (change("  date: 2026-03-20", "  date: 2026-03-20\n  seal_offset_mm: [.nan, .inf]"),
     ["plan.yaml:10", "field 'signature.seal_offset_mm[1]'", "not .nan or .inf"]),
    (change("  date: 2026-03-20", "  date: 2026-03-20\n  seal_offset_mm: [0, 1e308]"),
     ["field 'signature.seal_offset_mm[2]'", "at most 50"]),
    (change("  date: 2026-03-20", "  date: 2026-03-20\n  seal_size_mm: .nan"),
     ["field 'signature.seal_size_mm'"]),
    (change("青政〔2026〕5号", "青政发[2026]01号"), ["field 'number'", "e.g. 青政发〔2026〕1号"]),
    (GOOD + "copies: true\n", ["field 'copies'", "not a number"]),  # YAML's true is no 1
    (GOOD + "copies: 2.5\n", ["field 'copies'", "whole number"]),
    (change("  date: 2026-03-20", '  date: 2026-03-20\n  seal_offset_mm: "ab"'),
     ["field 'signature.seal_offset_mm'", "should be a list"]),
    (GOOD + "no: 3\n", ["plan.yaml:10", "unknown field 'no'"]),  # not 'False'
    (GOOD + "signers: [" + ", ".join(["王建国"] * 101) + "]\n", ["field 'signers'", "at most 100"]),
    (GOOD + "attachments:\n" + "  - title: 附件\n" * 101, ["field 'attachments'", "at most 100"]),
    (change("青政〔2026〕5号", "auto\nnumber_code: 青 政\nid: x"),
     ["plan.yaml:3", "field 'number_code'", "organ code"]),
])
def test_bad_values_are_named(tmp_path, text, words):
    build_refused(tmp_path, text, *words)


def test_every_suggested_number_is_itself_accepted():
    for wrong in ("青政发[2026]01号", "青政发〔2026〕01号", "青政发(2026)第01号",
                  "青政发【2026】007号", "青政发〔2026〕第3号", "青政发（2026）12号"):
        with pytest.raises(ValueError) as info:
            check_doc_number(wrong)
        message = str(info.value)
        assert "e.g. " in message, message
        suggestion = message.rsplit("e.g. ", 1)[1]
        assert check_doc_number(suggestion) == suggestion


def _bomb_png(path: Path, side: int = 30_000) -> Path:
    """A 1-bit PNG of side × side pixels: ~100 kB on disk, ~900 M pixels decoded."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" * (1 + side // 8)
    raw = zlib.compress(row * side, 9)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side,
                                                                     1, 0, 0, 0, 0))
                     + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("side", [30_000, 6_000])  # over Pillow's own limit, and under it
def test_decompression_bomb_seal_is_refused(tmp_path, side):
    _bomb_png(tmp_path / "seal.png", side)
    assert (tmp_path / "seal.png").stat().st_size < 2_000_000
    text = change("  date: 2026-03-20", "  date: 2026-03-20\n  seal: seal.png")
    build_refused(tmp_path, text, "plan.yaml:10", "field 'signature.seal'", "pixels")


def test_seal_that_is_a_folder_is_named(tmp_path):
    (tmp_path / "seal.png").mkdir()
    text = change("  date: 2026-03-20", "  date: 2026-03-20\n  seal: seal.png")
    build_refused(tmp_path, text, "field 'signature.seal'", "folder")


def test_long_plan_file_name_builds_with_a_shortened_name(tmp_path):
    name = "关于做好春耕生产工作的通知" * 6 + ".yaml"  # 235 bytes in UTF-8
    assert 200 < len(name.encode()) <= 255
    path = plan(tmp_path, GOOD + "copies: 2\n", name)
    out = tmp_path / "out"
    rc, _o, err, _t = gongwen("build", path, "-o", out, "--format", "docx", cwd=tmp_path)
    assert rc == 0, err
    files = sorted(out.iterdir())
    assert len(files) == 2 and all(len(f.name.encode()) <= 255 for f in files)
    for f in files:
        office_mode(f)
        assert "关于做好春耕生产工作的通知" in docx_well_formed(f)
    no_temporaries(out)


def test_output_naming_an_existing_file_is_refused(tmp_path):
    path = plan(tmp_path, GOOD)
    target = tmp_path / "report.docx"
    target.write_bytes(b"the clerk's own file")
    rc, _o, err, _t = gongwen("build", path, "-o", target, "--format", "docx", cwd=tmp_path)
    refused(rc, err, "report.docx", "is a file")
    assert target.read_bytes() == b"the clerk's own file"


def _entity_bomb_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    for text in ("关于做好春耕生产工作的通知", "各村：", "请认真落实。"):
        d.add_paragraph(text)
    d.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    doctype = ('<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
               + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
                         for p, c in zip("abcdefgh", "bcdefghi")) + "]>")
    head = xml.index("?>") + 2
    parts["word/document.xml"] = (xml[:head] + doctype
                                  + xml[head:].replace("请认真落实。", "&i;")).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("command", ["import", "check"])
def test_entity_expansion_docx_is_not_expanded(tmp_path, command):
    bomb = _entity_bomb_docx(tmp_path / "draft.docx")
    args = [command, bomb] + (["-o", tmp_path / "plan.yaml"] if command == "import" else [])
    rc, out, err, _t = gongwen(*args, cwd=tmp_path)
    assert rc in (0, 1) and "Traceback" not in err, err
    if (tmp_path / "plan.yaml").exists():  # 10**9 "a"s would be a gigabyte
        assert (tmp_path / "plan.yaml").stat().st_size < 100_000
    assert len(out) + len(err) < 100_000


# --- silent loss that was ----------------------------------------------------------------------
BATCH_PLAN = """\
organ: 青山镇人民政府
id: 2026-分组通知
number: auto
number_code: 青政发
title: 关于{{ row.组 }}春耕工作的通知
to: "{{ row.组 }}"
body: |
  请{{ row.组 }}认真落实。
signature:
  date: 2026-03-20
"""


def _rows(path: Path, keys: list[str], header=("组",)) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([list(header), *[[k] for k in keys]])
    return path


def test_batch_keys_that_clean_to_one_name_give_one_file_each(tmp_path):
    keys = ["青山村/一组", "青山村_一组", "青山村:一组", "ABC", "abc"]
    rows = _rows(tmp_path / "rows.csv", keys)
    path = plan(tmp_path, BATCH_PLAN, "notice.yaml")
    out, db = tmp_path / "out", tmp_path / "reg.db"
    rc, stdout, err, _t = gongwen("batch", path, "--rows", rows, "-o", out, "--format", "docx",
                                  cwd=tmp_path, db=db)
    assert rc == 0, err
    files = sorted(out.glob("*.docx"))
    with Register(f"sqlite:///{db}") as reg:
        numbers = [e for e in reg.entries() if e.code == "青政发"]
    assert len(files) == len(numbers) == len(keys), (files, numbers)
    assert len({f.name.casefold() for f in files}) == len(keys), "distinct on a Windows share"
    texts = {f.name: docx_well_formed(f) for f in files}
    for key in keys:
        assert sum(f"请{key}认真落实" in t for t in texts.values()) == 1, key
    with open(out / "notice-manifest.csv", encoding="utf-8-sig") as f:
        manifest = list(csv.DictReader(f))
    assert len({r["文件"] for r in manifest}) == len(keys)
    for f in [*files, out / "notice-manifest.csv"]:
        office_mode(f)
    no_temporaries(out)


def test_long_batch_value_in_the_title_builds_quickly(tmp_path):
    key = "青山村第一村民小组和第二村民小组及周边林区护林防火联防联控工作队" * 4
    rows = _rows(tmp_path / "rows.csv", [key, "白云村"])
    path = plan(tmp_path, BATCH_PLAN, "notice.yaml")
    out, db = tmp_path / "out", tmp_path / "reg.db"
    rc, _o, err, _t = gongwen("batch", path, "--rows", rows, "-o", out, "--format", "docx",
                              cwd=tmp_path, db=db, timeout=90)
    assert rc == 0, err
    files = sorted(out.glob("*.docx"))
    assert len(files) == 2 and all(len(f.name.encode()) <= 255 for f in files)
    texts = ["".join(etree.fromstring(docx_well_formed(f).encode()).itertext()) for f in files]
    assert sum(f"关于{key}春耕工作的通知" in t for t in texts) == 1


@pytest.mark.parametrize("bad", ["青山村\x00一组", "青山村\x1b[31m一组", "青山村\u202e组一"])
def test_batch_row_with_control_character_numbers_nothing(tmp_path, bad):
    rows = _rows(tmp_path / "rows.csv", ["绿水村", bad, "白云村"])
    path = plan(tmp_path, BATCH_PLAN, "notice.yaml")
    out, db = tmp_path / "out", tmp_path / "reg.db"
    rc, _o, err, _t = gongwen("batch", path, "--rows", rows, "-o", out, "--format", "docx",
                              cwd=tmp_path, db=db)
    assert rc == 1 and "Traceback" not in err and "\x1b" not in err and "\x00" not in err
    assert "row 3" in err and "组" in err and "U+" in err, err
    nothing_written(out)
    with Register(f"sqlite:///{db}") as reg:
        assert reg.entries() == [], "no number for a document that was never written"


def test_batch_row_that_breaks_the_plan_numbers_nothing(tmp_path):
    rows = _rows(tmp_path / "rows.csv", ["绿水村", "青山村" * 80, "白云村"])
    path = plan(tmp_path, BATCH_PLAN, "notice.yaml")
    out, db = tmp_path / "out", tmp_path / "reg.db"
    rc, _o, err, _t = gongwen("batch", path, "--rows", rows, "-o", out, "--format", "docx",
                              cwd=tmp_path, db=db)
    assert rc == 1 and "Traceback" not in err
    assert "rows.csv row 3" in err and "field 'title'" in err, err
    nothing_written(out)
    with Register(f"sqlite:///{db}") as reg:
        assert reg.entries() == []


CERT_PLAN = f"""\
design: full
organ: 中共青山镇委员会
date: 2026-01-15
seal: {INPUTS / "seals" / "qingshan-party-committee.png"}
wording: "{{{{ 姓名 }}}}同志：被评为“{{{{ 荣誉称号 }}}}”。特发此证。"
number: {{code: 敌证, pattern: "敌证〔{{year}}〕{{seq}}号"}}
"""


@pytest.mark.parametrize("name,code", [("王\x00伟", "U+0000"), ("王\x1b[2J伟", "U+001B"),
                                       ("王\u202e伟", "U+202E")])
def test_certificate_name_with_control_character_is_refused(tmp_path, name, code):
    roster = tmp_path / "r.csv"
    with open(roster, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["姓名", "荣誉称号"], ["李娜", "优秀党员"], [name, "优秀党员"]])
    plan_path = plan(tmp_path, CERT_PLAN, "cert.yaml")
    out, db = tmp_path / "out", tmp_path / "reg.db"
    rc, _o, err, _t = gongwen("certificates", plan_path, "--roster", roster, "-o", out,
                              "--format", "docx", cwd=tmp_path, db=db)
    assert rc == 1 and "Traceback" not in err and "\x1b" not in err and "\x00" not in err, err
    assert "row 3, 姓名" in err and code in err, err
    nothing_written(out)
    # --skip-invalid builds the good row; every file it writes is well-formed, 0644
    rc, _o, err, _t = gongwen("certificates", plan_path, "--roster", roster, "-o", out,
                              "--format", "docx", "--skip-invalid", cwd=tmp_path, db=db)
    assert rc == 0, err
    files = sorted((out / "docx").glob("*.docx"))
    assert len(files) == 1
    docx_well_formed(files[0])
    for f in [*files, out / "manifest.csv"]:
        office_mode(f)
    with Register(f"sqlite:///{db}") as reg:
        assert len(reg.entries()) == len(files)


@pytest.mark.parametrize("wording,words", [
    ("{{ 姓名 }}{{ 1 / 0 }}", ["division by zero"]),
    ("{{ 姓名 }}{% for i in range(10**9) %}{% endfor %}", ["range() items"]),
    ("{{ 姓名 }}{{ 姓名 * 10 ** 9 }}", ["characters"]),
])
def test_certificate_wording_template_errors_are_named(tmp_path, wording, words):
    roster = tmp_path / "r.csv"
    with open(roster, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["姓名"], ["李娜"]])
    text = CERT_PLAN.replace('wording: "{{ 姓名 }}同志：被评为“{{ 荣誉称号 }}”。特发此证。"',
                             f'wording: "{wording}"')
    assert text != CERT_PLAN
    plan_path = plan(tmp_path, text, "cert.yaml")
    out = tmp_path / "out"
    rc, _o, err, _t = gongwen("certificates", plan_path, "--roster", roster, "-o", out,
                              "--format", "docx", cwd=tmp_path, db=tmp_path / "reg.db")
    refused(rc, err, "cert.yaml:5", "field 'wording'", "row 2", *words)
    nothing_written(out)


def test_folder_of_plans_builds_every_plan_it_can(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    plan(folder, GOOD, "a.yaml")
    plan(folder, "x: &x [*x]\n" + GOOD, "b.yaml")
    plan(folder, change("organ: 青山镇人民政府", 'organ: ""'), "c.yaml")
    plan(folder, change("请各村认真落实。", "{{ 1/0 }}"), "d.yaml")
    plan(folder, GOOD, "e.yaml")
    out = tmp_path / "out"
    rc, stdout, err, _t = gongwen("build", folder, "-o", out, "--format", "docx", cwd=tmp_path)
    assert rc == 1 and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["a.docx", "e.docx"]
    errors = [l for l in err.splitlines() if l.startswith("error:")]
    assert [e.split(":")[1].strip().rsplit("/", 1)[1] for e in errors] == \
        ["b.yaml", "c.yaml", "d.yaml"]
    assert "2 of 5 plans built" in err


# --- unsafe or unkind that was --------------------------------------------------------------------
def test_every_written_file_has_the_office_mode(tmp_path):
    path = plan(tmp_path, GOOD + "copies: 2\n")
    out = tmp_path / "out"
    rc, _o, err, _t = gongwen("build", path, "-o", out, cwd=tmp_path)
    assert rc == 0, err
    written = sorted(out.iterdir())
    assert {p.suffix for p in written} == {".docx", ".pdf"} and len(written) == 4
    for p in written:
        office_mode(p)
    no_temporaries(out)
    db = tmp_path / "reg.db"
    rc, _o, err, _t = gongwen("number", "init", "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert rc == 0, err
    rc, _o, err, _t = gongwen("number", "list", "--format", "xlsx", "-o", tmp_path / "reg.xlsx",
                              "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert rc == 0, err
    office_mode(tmp_path / "reg.xlsx")


def test_umask_is_respected(tmp_path):
    path = plan(tmp_path, GOOD)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(["sh", "-c", f'umask 027 && exec "{sys.executable}" -m pipeline build '
                           f'"{path}" -o "{out}" --format docx'], env=env, capture_output=True,
                          timeout=BOUND_S)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE((out / "plan.docx").stat().st_mode) == 0o640


@pytest.mark.parametrize("url,words", [
    ("sqlite:///{tmp}/nope/deeper/reg.db", ["nope/deeper", "does not exist", "number init"]),
    ("sqlite:///:memory:", ["names no file"]),
    ("sqlite:///{tmp}/reg.db?mode=ro", ["options after '?'"]),
    ("sqlite:///{tmp}", ["is a folder"]),
    ("mysql://x@y/z", ["sqlite:///", "postgresql://"]),
])
def test_register_url_mistakes_are_refused(tmp_path, url, words):
    url = url.format(tmp=tmp_path)
    rc, _o, err, _t = gongwen("number", "allocate", "青政", "--key", "k", "--db", url,
                              cwd=tmp_path)
    refused(rc, err, *words)
    assert not (tmp_path / "nope").exists(), "a typo must not create folders"
    assert not list(tmp_path.glob("*.db*")), "no register made by a refused URL"


def test_register_create_makes_the_folder_only_when_asked(tmp_path):
    url = f"sqlite:///{tmp_path}/new/folder/reg.db"
    rc, out, err, _t = gongwen("number", "allocate", "青政", "--key", "k", "--db", url,
                               "--create", cwd=tmp_path)
    assert rc == 0 and out.strip().endswith("〕1号"), err
    rc, out, err, _t = gongwen("number", "allocate", "青政", "--key", "k2", "--db", url,
                               cwd=tmp_path)
    assert rc == 0 and out.strip().endswith("〕2号"), err


def test_pasted_template_syntax_stays_text(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("关于{{ 7*7 }}项工作的通知\n\n各村：\n\n请于{% if 1 %}本月{% endif %}完成"
                     "{# 注 #}。\n\n青山镇人民政府\n2026年3月20日\n", encoding="utf-8")
    rc, _o, err, _t = gongwen("import", draft, "-o", tmp_path / "d.yaml", "--organ",
                              "青山镇人民政府", cwd=tmp_path)
    assert rc == 0, err
    office_mode(tmp_path / "d.yaml")
    rc, _o, err, _t = gongwen("build", tmp_path / "d.yaml", "-o", tmp_path / "out", "--format",
                              "docx", cwd=tmp_path)
    assert rc == 0, err
    text = docx_well_formed(tmp_path / "out" / "d.docx")
    assert "{{ 7*7 }}" in text and "49" not in text
    assert "{% if 1 %}本月{% endif %}" in text and "{# 注 #}" in text


def test_raw_escape_in_a_message_is_not_sent_to_the_terminal(tmp_path):
    path = tmp_path / "plan\x1b[2J.yaml"
    path.write_text(change("请各村认真落实。", "{{ params.x\x1b[31m }}"), encoding="utf-8")
    rc, _o, err, _t = gongwen("build", path, "-o", tmp_path / "out", cwd=tmp_path)
    assert rc == 1 and "\x1b" not in err and "\\u001b" in err, repr(err)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "gb18030", "big5"])
def test_roster_encodings(tmp_path, encoding):
    """Notepad's 'Unicode' is UTF-16 with a BOM; Big5 is valid GB18030 bytes too and must
    not be read as such."""
    names = ["王建軍", "陳曉華", "林淑芬"] if encoding == "big5" else ["王建军", "陈晓华", "林淑芬"]
    roster = tmp_path / "r.csv"
    roster.write_bytes(("姓名,荣誉称号\n" if encoding != "big5" else "姓名,榮譽稱號\n").encode(
        encoding) + "".join(f"{n},優秀黨員\n" if encoding == "big5" else f"{n},优秀党员\n"
                            for n in names).encode(encoding))
    from pipeline.readers.roster import read_roster

    rows = read_roster(roster).rows
    assert [r.values["姓名"] for r in rows] == names


def test_big5_and_utf16_drafts_import(tmp_path):
    text = "關於做好春耕生產工作的通知\n\n各村：\n\n請各村認真落實春耕生產各項工作。\n\n青山鎮人民政府\n2026年3月20日\n"
    for encoding in ("big5", "utf-16"):
        draft = tmp_path / f"d-{encoding}.txt"
        draft.write_bytes(text.encode(encoding))
        target = tmp_path / f"d-{encoding}.yaml"
        rc, _o, err, _t = gongwen("import", draft, "-o", target, cwd=tmp_path)
        assert rc == 0, err
        assert "春耕生產" in target.read_text("utf-8") or "春耕生产" in target.read_text("utf-8")


def test_roster_keeps_full_width_punctuation(tmp_path):
    from pipeline.readers.roster import read_roster

    roster = tmp_path / "r.csv"
    roster.write_text("姓名,单位,备注\n王伟,青山村（一组）,注：先进；优秀？是！好，\n"
                      "ＬＩ　Ｎａ,Ａ１组,x\n", encoding="utf-8")
    rows = read_roster(roster).rows
    assert rows[0].values["单位"] == "青山村（一组）"
    assert rows[0].values["备注"] == "注：先进；优秀？是！好，"
    assert rows[1].values["姓名"] == "LI Na" and rows[1].values["单位"] == "A1组"


def test_format_never_overwrites_an_edited_plan(tmp_path):
    draft = tmp_path / "d.txt"
    draft.write_text("关于做好春耕生产工作的通知\n\n各村：\n\n请认真落实。\n\n青山镇人民政府\n"
                     "2026年3月20日\n", encoding="utf-8")
    target = tmp_path / "out" / "d.docx"
    rc, _o, err, _t = gongwen("format", draft, "-o", target, "--format", "docx", cwd=tmp_path)
    assert rc == 0, err
    plan_file = target.with_suffix(".yaml")
    # the same draft again: the plan is still what format wrote, so it is replaced
    rc, _o, err, _t = gongwen("format", draft, "-o", target, "--format", "docx", cwd=tmp_path)
    assert rc == 0, err
    edited = plan_file.read_text("utf-8").replace("请认真落实。", "请认真落实，并于月底前报告。")
    plan_file.write_text(edited, encoding="utf-8")
    rc, _o, err, _t = gongwen("format", draft, "-o", target, "--format", "docx", cwd=tmp_path)
    refused(rc, err, "d.yaml", "--force")
    assert plan_file.read_text("utf-8") == edited, "the clerk's edit is kept"
    rc, _o, err, _t = gongwen("format", draft, "-o", target, "--format", "docx", "--force",
                              cwd=tmp_path)
    assert rc == 0 and "月底前报告" not in plan_file.read_text("utf-8")


def test_killed_build_leaves_no_staging_after_the_next_run(tmp_path):
    path = plan(tmp_path, GOOD + "copies: 300\n")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "build", str(path), "-o", str(out),
                             "--format", "docx"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + BOUND_S
    while time.monotonic() < deadline:
        stages = list(out.glob(".staging.*")) if out.exists() else []
        if stages and len(list(stages[0].iterdir())) >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list(out.glob(".staging.*")), "the kill landed while copies were being written"
    assert not list(out.glob("*.docx")), "all or nothing: no copy under its real name"
    other = plan(tmp_path, GOOD, "other.yaml")
    rc, _o, err, _t = gongwen("build", other, "-o", out, "--format", "docx", cwd=tmp_path)
    assert rc == 0, err
    no_temporaries(out)
    assert sorted(p.name for p in out.iterdir()) == ["other.docx"]


# --- our own cases ---------------------------------------------------------------------------------
def test_a_pipe_or_a_device_named_as_input_does_not_block(tmp_path):
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)  # reading it would wait for a writer for ever
    out = tmp_path / "out"
    rc, _o, err, _t = gongwen("build", fifo, "-o", out, "--format", "docx", cwd=tmp_path,
                              timeout=60)
    refused(rc, err, "plan.yaml", "not an ordinary file")
    nothing_written(out)
    rc, _o, err, _t = gongwen("import", "/dev/zero", "-o", tmp_path / "z.yaml", cwd=tmp_path,
                              timeout=60)
    refused(rc, err, "/dev/zero", "not an ordinary file")
    rows = _rows(tmp_path / "ok.csv", ["a"])
    rc, _o, err, _t = gongwen("batch", plan(tmp_path, BATCH_PLAN, "n.yaml"), "--rows",
                              "/dev/zero", "-o", out, cwd=tmp_path, db=tmp_path / "r.db",
                              timeout=60)
    refused(rc, err, "/dev/zero", "not an ordinary file")
    assert rows.exists()


def _zip_bomb(path: Path, part: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, b"<a>" + b" " * 250_000_000 + b"</a>")
    return path


def test_zip_bombs_are_refused_before_they_are_unpacked(tmp_path):
    docx_bomb = _zip_bomb(tmp_path / "draft.docx", "word/document.xml")
    assert docx_bomb.stat().st_size < 1_000_000
    for command in (["import", docx_bomb, "-o", tmp_path / "d.yaml"], ["check", docx_bomb]):
        rc, _o, err, _t = gongwen(*command, cwd=tmp_path)
        refused(rc, err, "draft.docx", "zip bomb")
    assert not (tmp_path / "d.yaml").exists()
    xlsx_bomb = _zip_bomb(tmp_path / "rows.xlsx", "xl/worksheets/sheet1.xml")
    rc, _o, err, _t = gongwen("batch", plan(tmp_path, BATCH_PLAN, "n.yaml"), "--rows", xlsx_bomb,
                              "-o", tmp_path / "out", cwd=tmp_path, db=tmp_path / "r.db")
    refused(rc, err, "rows.xlsx", "zip bomb")
    nothing_written(tmp_path / "out")


def test_user_docx_design_template_runs_within_the_budgets(tmp_path):
    import docx

    design = tmp_path / "design.docx"
    d = docx.Document()
    d.add_paragraph("{{ 姓名 }}{% for i in range(100000) %}{% for j in range(100000) %}"
                    "{% endfor %}{% endfor %}")
    d.save(design)
    roster = tmp_path / "r.csv"
    roster.write_text("姓名,荣誉称号\n李娜,优秀党员\n", encoding="utf-8")
    text = CERT_PLAN.replace("design: full", "design: design.docx")
    plan_path = plan(tmp_path, text, "cert.yaml")
    out, db = tmp_path / "out", tmp_path / "reg.db"
    rc, _o, err, _t = gongwen("certificates", plan_path, "--roster", roster, "-o", out,
                              "--format", "docx", cwd=tmp_path, db=db)
    refused(rc, err, "design.docx", "field 'design'", "range() items")
    nothing_written(out)
    with Register(f"sqlite:///{db}") as reg:
        assert reg.entries() == []


def test_register_import_refuses_control_characters(tmp_path):
    book = tmp_path / "book.csv"
    book.write_text("发文字号,标题\n青政发〔2026〕1号,关于\x1b[2J春耕的通知\n", encoding="utf-8")
    db = tmp_path / "reg.db"
    rc, _o, err, _t = gongwen("number", "import", book, "--db", f"sqlite:///{db}", "--create",
                              cwd=tmp_path)
    assert rc == 1 and "Traceback" not in err and "\x1b" not in err
    assert "row 2, 标题" in err and "U+001B" in err and "nothing was imported" in err
    with Register(f"sqlite:///{db}") as reg:
        assert reg.entries() == []


def test_check_goes_on_after_a_file_it_cannot_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    good = plan(tmp_path, GOOD)
    rc, out, err, _t = gongwen("check", tmp_path / "pipe.yaml", good, cwd=tmp_path, timeout=60)
    assert rc == 1 and "Traceback" not in err
    assert "pipe.yaml" in err and "plan.yaml" in out


@pytest.mark.parametrize("old,new,words", [
    ('pattern: "敌证〔{year}〕{seq}号"', 'pattern: "敌证〔{year}〕{seq:>999999999}号"',
     ["field 'number.pattern'", "format width"]),
    ('pattern: "敌证〔{year}〕{seq}号"', 'pattern: "敌证〔{year}〕{seq:{year}}号"',
     ["field 'number.pattern'", "format width"]),
    ("design: full", "design: overprint\noverprint: {paper_mm: [.nan, 210]}",
     ["field 'overprint.paper_mm[1]'", "not .nan or .inf"]),
    ("design: full", "design: overprint\noverprint: {offset_mm: [0, 1e9]}",
     ["field 'overprint.offset_mm[2]'", "at most 50"]),
    ("organ: 中共青山镇委员会", "organ: " + "中共青山镇委员会" * 30, ["field 'organ'", "too long"]),
    ("{code: 敌证,", '{code: "敌 证",', ["cert.yaml:6", "field 'number.code'", "organ code"]),
    ("{code: 敌证,", "{code: 敌证, year: 99999999999,", ["field 'number.year'", "at most 2999"]),
    ("design: full", "design: full\nseal_size_mm: .inf", ["field 'seal_size_mm'"]),
])
def test_certificate_plan_numbers_are_bounded(tmp_path, old, new, words):
    assert old in CERT_PLAN
    roster = tmp_path / "r.csv"
    roster.write_text("姓名,荣誉称号\n李娜,优秀党员\n", encoding="utf-8")
    plan_path = plan(tmp_path, CERT_PLAN.replace(old, new), "cert.yaml")
    out = tmp_path / "out"
    rc, _o, err, _t = gongwen("certificates", plan_path, "--roster", roster, "-o", out,
                              "--format", "docx", cwd=tmp_path, db=tmp_path / "reg.db")
    refused(rc, err, "cert.yaml:", *words)
    nothing_written(out)


def test_joint_organs_together_are_bounded(tmp_path):
    organs = "[" + ", ".join(["青山镇人民政府办公室" + "x" * 60] * 4) + "]"
    build_refused(tmp_path, change("organ: 青山镇人民政府", f"organ: {organs}"),
                  "field 'organ'", "together")


def test_plan_file_name_with_escape_gives_a_clean_output_name(tmp_path):
    path = plan(tmp_path, GOOD, "通知\x1b[2J\u202e.yaml")
    out = tmp_path / "out"
    rc, stdout, err, _t = gongwen("build", path, "-o", out, "--format", "docx", cwd=tmp_path)
    assert rc == 0, err
    assert "\x1b" not in stdout + err
    assert [p.name for p in out.iterdir()] == ["通知_[2J_.docx"]


def test_format_does_not_overwrite_a_docx_it_did_not_make(tmp_path):
    draft = tmp_path / "d.txt"
    draft.write_text("关于做好春耕生产工作的通知\n\n各村：\n\n请认真落实。\n\n青山镇人民政府\n"
                     "2026年3月20日\n", encoding="utf-8")
    own = tmp_path / "report.docx"
    own.write_bytes(b"the clerk's own report")
    rc, _o, err, _t = gongwen("format", draft, "-o", own, "--format", "docx", cwd=tmp_path)
    refused(rc, err, "report.docx", "not made by gongwen format", "--force")
    assert own.read_bytes() == b"the clerk's own report"
    assert not (tmp_path / "report.yaml").exists()
    import docx

    source = tmp_path / "messy.docx"
    d = docx.Document()
    for text in ("关于做好春耕生产工作的通知", "各村：", "请认真落实。", "青山镇人民政府", "2026年3月20日"):
        d.add_paragraph(text)
    d.save(source)
    before = source.read_bytes()
    rc, _o, err, _t = gongwen("format", source, "-o", source, "--format", "docx", "--force",
                              cwd=tmp_path)
    refused(rc, err, "the draft itself")
    assert source.read_bytes() == before


def test_roster_says_which_encoding_it_read(tmp_path):
    from pipeline.readers.roster import read_roster

    roster = tmp_path / "r.csv"
    roster.write_bytes("姓名,單位\n王建軍,青山村\n陳曉華,綠水村\n".encode("big5"))
    found = read_roster(roster)
    assert [r.values["姓名"] for r in found.rows] == ["王建軍", "陳曉華"]
    assert "read as Big5" in found.report()


def test_fields_share_one_time_budget():
    """Each field has 2 s; a plan's fields (and a batch's rows) share one budget as well, so
    twenty slow fields times a thousand rows cannot make a build of hours."""
    from pipeline.transforms.placeholders import fill, time_budget

    loop = "{% for i in range(5000) %}{% endfor %}ok"
    assert fill(loop, {}) == "ok"
    with time_budget(0.0, "the plan's placeholders together"):
        with pytest.raises(ValueError, match="placeholders together ran longer than 0 s"):
            fill(loop, {})
    assert fill(loop, {}) == "ok", "the budget ends with its scope"
    assert fill("no placeholder", {}) == "no placeholder"


@pytest.mark.parametrize("name,value,words", [
    ("GONGWEN_DB_TIMEOUT", "abc", ["GONGWEN_DB_TIMEOUT", "seconds"]),
    ("GONGWEN_DB_TIMEOUT", "nan", ["GONGWEN_DB_TIMEOUT", "between 0 and 3600"]),
    ("GONGWEN_DB", "sqlite:///nope/reg.db", ["nope", "does not exist"]),
    ("GONGWEN_FONTS", "garbage", ["ROLE=FAMILY"]),
])
def test_bad_environment_settings_are_named(tmp_path, name, value, words):
    path = plan(tmp_path, change("青政〔2026〕5号", "auto\nnumber_code: 青政\nid: env"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GONGWEN_DB": f"sqlite:///{tmp_path}/r.db",
           name: value}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "build", str(path), "-o",
                           str(tmp_path / "out")], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=BOUND_S)
    refused(proc.returncode, proc.stderr, *words)
    nothing_written(tmp_path / "out")
