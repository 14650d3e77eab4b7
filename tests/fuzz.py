"""Random mutations of plans, batch rows, rosters and drafts, run through `gongwen` for a fixed
time. Run by test_fuzz.py in a subprocess with a timeout (a hang is a failure), or by hand:

    python3 tests/fuzz.py SECONDS SEED FOLDER

Each input is written to FOLDER/current/ before it runs, so a hang or a crash leaves the
input that caused it. Prints one JSON line: iterations, exit codes per kind, failures.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import stat
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from lxml import etree  # noqa: E402

from pipeline.cli import main  # noqa: E402
from plans import GOOD  # noqa: E402

BATCH = """\
organ: 青山镇人民政府
id: fuzz-batch
number: auto
number_code: 测政发
title: 关于{{ row.组 }}春耕工作的通知
to: "{{ row.组 }}"
body: |
  请{{ row.组 }}于{{ row.时限 }}前落实。
signature:
  date: 2026-03-20
"""
ROWS = "组,时限\n青山村一组,3月31日\n青山村二组,4月5日\n绿水村（三组）,4月10日\n"
CERT = """\
design: full
organ: 中共青山镇委员会
date: 2026-01-15
wording: "{{ 姓名 }}同志：被评为“{{ 荣誉称号 }}”。特发此证。"
number: {code: 测证, pattern: "测证〔{year}〕{seq}号"}
"""
ROSTER = "姓名,单位,荣誉称号\n王建军,青山村,优秀党员\n李秀英,绿水村,优秀党务工作者\n张䶮,白云村,优秀党员\n"
DRAFT = ("关于做好春耕生产工作的通知\n\n各村民委员会：\n\n为做好今年春耕生产工作，现通知如下。\n\n"
         "一、提高认识\n\n各村要高度重视。\n\n二、落实责任\n\n（一）明确分工。\n\n"
         "附件：1.春耕任务表\n\n青山镇人民政府\n2026年3月20日\n")

TOKENS = [
    "\x00", "\x1b", "\x1b[2J", "\x07", "\x7f", "\x85", "\ufeff", "\uffff", "\ufffe", "\u202e",
    "\u2066", "\u200b", "\ud7ff", "\U0001f600", "\\0", "\\e", "\\uFFFF", "\\u202E", "\\x1b",
    "{{", "}}", "{%", "%}", "{#", "{{ 7*7 }}", "{{ params.x }}", "{{ row.组 }}", "{{ 1/0 }}",
    "{{ 'x' * 10**9 }}", "{% for i in range(100000) %}{% for j in range(100000) %}",
    "{% endfor %}{% endfor %}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ ''.__class__ }}", "{% include 'x' %}", "{{ 'x'|center(10**9) }}",
    "&a ", "*a", "&a [*a, *a]", "!foo ", "!!python/object:os.system ", "<<: *a", "<<: ",
    ": ", "- ", "[", "]", "{", "}", "\t", "\n", "\n  ", " ", "#", "'", '"', "|", ">", "---\n",
    "...\n", "?", ",", "`", "@", "%", "&", "*",
    "〔", "〕", "号", "第", "（", "）", "，", "：", "；", "　", "·", "..", "../", "/", "\\",
    "0", "-1", "1e308", ".nan", ".inf", "-.inf", "999999999", "2026-02-30", "2026-13-01",
    "copies: 999999\n", "copies: 3\n", "copy_number: 1\n", "number: auto\n", "number_code: 青\n",
    "seal: missing.png\n", "seal_offset_mm: [.nan, .inf]\n", "secrecy: 机密★1年\n",
    "urgency: 特急\n", "attachments:\n  - title: 附件\n", "organ: ''\n", "title: ''\n",
    "青山镇人民政府" * 20, "关于" * 120, "x" * 300, "中" * 1000,
]


_NUMBERS = ["0", "1", "7", "99", "10**6", "10**9", "2**64", "-1", "1.5", "10**100"]
_TEXTS = ["'x'", "'青山'", "params.x", "'%s'", "'{:>9}'", "'\\t'", "[1, 2]", "'ab' * 3"]
_FILTERS = ["center(%s)", "replace('x', 'xx')", "indent(%s)", "wordwrap(%s)", "list", "join",
            "reverse", "sort", "unique", "sum", "batch(%s)", "slice(%s)", "truncate(%s)",
            "format(%s)", "string", "length", "first", "int", "float", "abs", "round",
            "urlencode", "e", "title", "trim", "striptags", "wordcount", "pprint", "tojson"]


def expression(rng: random.Random, depth: int = 0) -> str:
    """A random jinja2 expression of numbers, texts, operators, filters and range()."""
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(_NUMBERS + _TEXTS)
    kind = rng.random()
    if kind < 0.4:
        op = rng.choice(["*", "**", "+", "~", "%", "//", "-"])
        return f"({expression(rng, depth + 1)} {op} {expression(rng, depth + 1)})"
    if kind < 0.75:
        f = rng.choice(_FILTERS)
        return f"({expression(rng, depth + 1)} | {f % rng.choice(_NUMBERS) if '%s' in f else f})"
    if kind < 0.9:
        return f"range({rng.choice(_NUMBERS)}) | list"
    return f"{expression(rng, depth + 1)}.{rng.choice(['center', 'replace', 'join', 'format'])}({rng.choice(_NUMBERS)})"


def template(rng: random.Random) -> str:
    expr = expression(rng)
    if rng.random() < 0.3:
        return (f"{{% for i in {expression(rng)} %}}{{% for j in {expression(rng)} %}}"
                f"{{{{ {expr} }}}}{{% endfor %}}{{% endfor %}}")
    return f"{{{{ {expr} }}}}"


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        pos = rng.randint(0, len(text))
        if op < 0.45:
            text = text[:pos] + rng.choice(TOKENS) + text[pos:]
        elif op < 0.6 and text:
            end = min(len(text), pos + rng.randint(1, 40))
            text = text[:pos] + text[end:]
        elif op < 0.72:
            lines = text.split("\n")
            i = rng.randrange(len(lines))
            lines.insert(i, lines[rng.randrange(len(lines))])
            text = "\n".join(lines)
        elif op < 0.82:
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif op < 0.92 and text:
            i = rng.randrange(len(text))
            text = text[:i] + chr(rng.choice([rng.randint(0, 0x7F), rng.randint(0x80, 0x3000),
                                              rng.randint(0x4E00, 0x9FFF),
                                              rng.randint(0xE000, 0xFFFF)])) + text[i + 1:]
        else:
            text = text[: rng.randint(0, len(text))]
    return text


def encode(text: str, rng: random.Random) -> bytes:
    encoding = rng.choice(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "gb18030", "big5"])
    return text.encode(encoding, "replace" if encoding == "big5" else "surrogatepass") \
        if encoding != "utf-8" else text.encode("utf-8", "surrogatepass")


def check_outputs(folder: Path, rc: int, kind: str) -> list[str]:
    """Nothing half-written, nothing unreadable, nothing private."""
    problems = []
    if not folder.exists():
        return problems
    mask = os.umask(0o022)
    os.umask(mask)
    for path in folder.rglob("*"):
        if path.name.startswith("."):
            problems.append(f"temporary left: {path.name}")
            continue
        if path.is_dir():
            continue
        if stat.S_IMODE(path.stat().st_mode) != 0o666 & ~mask:
            problems.append(f"mode {oct(path.stat().st_mode)}: {path.name}")
        if path.suffix == ".docx":
            try:
                with zipfile.ZipFile(path) as z:
                    for name in z.namelist():
                        if name.endswith(".xml"):
                            etree.fromstring(z.read(name))
            except Exception as exc:  # noqa: BLE001 — any failure here is the finding
                problems.append(f"unreadable {path.name}: {exc}")
    if rc != 0 and kind == "build":
        written = [p for p in folder.iterdir() if not p.name.startswith(".")]
        if written:
            problems.append(f"failed build left {len(written)} file(s)")
    return problems


def one(kind: str, rng: random.Random, work: Path, db: str) -> tuple[int, str, list[str]]:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    out = work / "out"
    if kind == "template":  # a random expression in the body, params.x defined
        body = template(rng).replace("\\", "\\\\").replace('"', '\\"')
        text = GOOD.replace("  请各村认真落实。", f'  "{body}"') + "params: {x: 青山}\n"
        (work / "plan.yaml").write_bytes(text.encode("utf-8"))
        args = ["build", str(work / "plan.yaml"), "-o", str(out), "--format", "docx"]
        kind = "build"
    elif kind == "build":
        (work / "plan.yaml").write_bytes(mutate(GOOD, rng).encode("utf-8", "surrogatepass"))
        args = ["build", str(work / "plan.yaml"), "-o", str(out), "--format", "docx"]
    elif kind == "batch":
        (work / "plan.yaml").write_bytes(mutate(BATCH, rng).encode("utf-8", "surrogatepass")
                                         if rng.random() < 0.5 else BATCH.encode())
        (work / "rows.csv").write_bytes(encode(mutate(ROWS, rng), rng))
        args = ["batch", str(work / "plan.yaml"), "--rows", str(work / "rows.csv"), "-o",
                str(out), "--format", "docx"]
    elif kind == "certificates":
        (work / "cert.yaml").write_bytes(mutate(CERT, rng).encode("utf-8", "surrogatepass")
                                         if rng.random() < 0.4 else CERT.encode())
        (work / "r.csv").write_bytes(encode(mutate(ROSTER, rng), rng))
        args = ["certificates", str(work / "cert.yaml"), "--roster", str(work / "r.csv"), "-o",
                str(out), "--format", "docx"] + (["--skip-invalid"] if rng.random() < 0.5
                                                 else [])
    elif kind == "import":
        (work / "draft.txt").write_bytes(encode(mutate(DRAFT, rng), rng))
        args = ["import", str(work / "draft.txt"), "-o", str(out / "d.yaml")]
    else:  # check
        (work / "plan.yaml").write_bytes(mutate(GOOD, rng).encode("utf-8", "surrogatepass"))
        args = ["check", str(work / "plan.yaml")]
    args += ["--db", db] if kind in ("build", "batch", "certificates") else []
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            rc = main(args)
        except SystemExit as exc:  # argparse
            rc = exc.code if isinstance(exc.code, int) else 1
    text = err.getvalue()
    problems = check_outputs(out, rc, kind)
    if rc not in (0, 1):
        problems.append(f"exit {rc}")
    if "Traceback" in text or "internal error" in text:
        problems.append("traceback or internal error: " + text.strip()[-300:])
    if "\x1b" in text:
        problems.append("raw ESC on the terminal")
    if kind == "import" and rc == 0:  # an imported plan builds or is refused cleanly
        sub = io.StringIO()
        with contextlib.redirect_stderr(sub), contextlib.redirect_stdout(io.StringIO()):
            rc2 = main(["build", str(out / "d.yaml"), "-o", str(work / "built"), "--format",
                        "docx"])
        if rc2 not in (0, 1) or "internal error" in sub.getvalue():
            problems.append("imported plan: " + sub.getvalue().strip()[-300:])
        problems += check_outputs(work / "built", rc2, "build")
    return rc, text, problems


def run(seconds: float, seed: int, folder: Path) -> dict:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{folder / 'register.db'}"
    kinds = ["build", "build", "template", "template", "batch", "certificates", "import",
             "check"]
    stats: dict = {"iterations": 0, "seconds": seconds, "seed": seed, "exits": {},
                   "failures": []}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        kind = rng.choice(kinds)
        rc, _text, problems = one(kind, rng, folder / "current", db)
        kind = "build" if kind == "template" else kind
        stats["iterations"] += 1
        key = f"{kind}:{rc}"
        stats["exits"][key] = stats["exits"].get(key, 0) + 1
        if problems:
            keep = folder / f"failure-{stats['iterations']}"
            shutil.copytree(folder / "current", keep, dirs_exist_ok=True)
            stats["failures"].append({"kind": kind, "input": str(keep), "problems": problems})
    return stats


if __name__ == "__main__":
    seconds, seed, folder = float(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    print(json.dumps(run(seconds, seed, folder), ensure_ascii=False))
