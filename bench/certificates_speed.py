"""Certificates in batch against the obvious ways of doing it, measured in the same run.

    python3 bench/certificates_speed.py [--rows 10000]

Ours: `gongwen certificates` on a generated roster (process start included), once for .docx
and once for PDF (per-person files plus the merged PDF), with the peak memory of the whole
process tree (main process and workers added up, sampled from /proc).
Baselines on this machine, rates measured on a sample and scaled:
- a plain docxtpl loop: a fresh DocxTemplate per person, render, save;
- WeasyPrint one certificate per call (a document per person);
- one WeasyPrint document of N certificate pages (no splitting, no merged file).
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PLAN = ROOT / "inputs" / "certificates" / "certificates.yaml"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红梅玲飞鹏辉斌宇浩凯健俊帆帅旭宁"


def roster(path: Path, rows: int) -> Path:
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["名字", "所在单位", "荣誉称号"])
        seen = set()
        while len(seen) < rows:  # a real roster has no duplicates (they would be refused)
            row = (rng.choice(SURNAMES) + "".join(rng.choice(GIVEN)
                                                  for _ in range(rng.randint(1, 2))),
                   f"第{len(seen) // 7 + 1}党支部",
                   rng.choice(["优秀共产党员", "优秀党务工作者", "巾帼标兵"]))
            if row not in seen:
                seen.add(row)
                out.writerow(row)
    return path


def _tree_rss_kb(pid: int) -> int:
    """RSS of a process and all its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in open(f"/proc/{p}/task/{task}/children").read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def ours(rows_file: Path, out: Path, fmt: str) -> tuple[float, float]:
    """(seconds, peak MB of the process tree)."""
    cmd = [sys.executable, "-m", "pipeline", "certificates", str(PLAN), "--roster",
           str(rows_file), "-o", str(out), "--format", fmt, "--db",
           f"sqlite:///{out.parent / f'register-{fmt}.db'}"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(err.decode())
    return time.perf_counter() - start, peak / 1024


def docxtpl_loop(sample: int, tmp: Path) -> float:
    """Records per second: a fresh template per record, as a mail-merge script does it."""
    from docxtpl import DocxTemplate

    import docx

    template = tmp / "t.docx"
    d = docx.Document()
    d.add_paragraph("荣誉证书")
    d.add_paragraph("{{ 姓名 }}同志：在2025年度工作中表现突出，被评为“{{ 荣誉称号 }}”。")
    d.save(template)
    start = time.perf_counter()
    for i in range(sample):
        t = DocxTemplate(str(template))
        t.render({"姓名": f"王伟{i}", "荣誉称号": "优秀共产党员"})
        t.save(tmp / f"d{i}.docx")
    return sample / (time.perf_counter() - start)


def _html(names: list[str]) -> str:
    from pipeline.certificates.design import FULL
    from pipeline.certificates.pdf_out import page_html
    from pipeline.certificates.plan import read_certificate_plan
    from pipeline.certificates.records import Certificate, compose
    from pipeline.fonts import FontBook

    plan, _ = read_certificate_plan(PLAN)
    certs = []
    for i, name in enumerate(names):
        c = Certificate(i, i, name, {"姓名": name, "荣誉称号": "优秀共产党员"}, f"青党证〔2026〕{i}号")
        certs.append(compose(c, plan, FULL))
    fonts = FontBook()
    roles = {r: ", ".join(f'"{f.family}"' for f in fonts.faces(r))
             for r in ("kai", "fang", "hei", "song", "xiaobiaosong")}
    return page_html(certs, plan, FULL, roles)


def weasyprint_per_call(sample: int, tmp: Path) -> float:
    from weasyprint import HTML

    start = time.perf_counter()
    for i in range(sample):
        HTML(string=_html([f"王伟{i}"])).write_pdf(tmp / f"w{i}.pdf")
    return sample / (time.perf_counter() - start)


def weasyprint_one_document(pages: int, tmp: Path) -> float:
    from weasyprint import HTML

    html = _html([f"王伟{i}" for i in range(pages)])
    start = time.perf_counter()
    HTML(string=html).write_pdf(tmp / "all.pdf")
    return pages / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args()
    n = args.rows
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows_file = roster(tmp / "roster.csv", n)
        docx_s, docx_mb = ours(rows_file, tmp / "docx-out", "docx")
        pdf_s, pdf_mb = ours(rows_file, tmp / "pdf-out", "pdf")
        loop = docxtpl_loop(100, tmp)
        per_call = weasyprint_per_call(5, tmp)
        one_doc = weasyprint_one_document(300, tmp)
    print(f"{n} certificates on {os.cpu_count()} cores (process start included)")
    print(f".docx  ours {docx_s:6.1f} s = {n / docx_s:7.0f}/s, peak {docx_mb:4.0f} MB | "
          f"docxtpl loop {loop:5.1f}/s → would take {n / loop:6.0f} s | ours {n / docx_s / loop:5.1f}× faster")
    print(f".pdf   ours {pdf_s:6.1f} s = {n / pdf_s:7.0f}/s, peak {pdf_mb:4.0f} MB "
          f"(per person + merged)")
    print(f"       WeasyPrint per call {per_call:5.2f}/s → {n / per_call:6.0f} s | ours "
          f"{n / pdf_s / per_call:5.1f}× faster")
    print(f"       one WeasyPrint document of N pages {one_doc:5.1f} pages/s → "
          f"{n / one_doc:6.0f} s (one file, no per-person split) | ours "
          f"{n / pdf_s / one_doc:5.2f}×")


if __name__ == "__main__":
    main()
