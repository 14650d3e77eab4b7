"""Certificates in batch, and one document cold, against the obvious ways of doing it, all
measured in the same run (the machine is shared: only same-run ratios are steady).

    python3 bench/certificates_speed.py [--rows 10000] [--scale 1000] [--cold 5]

Ours: `gongwen certificates` on a generated roster (process start included), once for .docx
and once for PDF (per-person files plus the merged PDF), with the peak memory of the whole
process tree (main process and workers added up, sampled from /proc, as PSS and RSS); both
again on --scale rows to show how memory grows with N; the size of every per-person PDF and
what one holds; and the file system alone writing the same number of .docx-sized files.
Baselines on this machine, rates measured on a sample and scaled:
- a plain docxtpl loop: a fresh DocxTemplate per person, render, save;
- WeasyPrint one certificate per call (a document per person), also the size of its file;
- one WeasyPrint document of N certificate pages (no splitting, no merged file).
One document cold: `python3 -m pipeline build PLAN` (.docx + PDF, process start included)
against LibreOffice converting the same .docx to PDF, run alternately --cold times.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cold_build import cold_build, spread  # noqa: E402
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


def _tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process and all its descendants, from /proc. RSS counts a page shared
    by the main process and the workers it forked once in each of them; PSS shares it out
    (a page in two processes counts half in each), so its sum is what the tree really holds."""
    rss = pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for line in open(f"/proc/{p}/smaps_rollup"):
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in open(f"/proc/{p}/task/{task}/children").read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return rss, pss


def ours(rows_file: Path, out: Path, fmt: str) -> tuple[float, float, float, float]:
    """(seconds, peak MB of the process tree as PSS and as RSS, CPU seconds of the tree)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = [sys.executable, "-m", "pipeline", "certificates", str(PLAN), "--roster",
           str(rows_file), "-o", str(out), "--format", fmt, "--db",
           f"sqlite:///{out.parent / f'register-{fmt}.db'}"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = peak_rss = 0
    stop = threading.Event()

    def sample():
        nonlocal peak, peak_rss
        while not stop.is_set():
            rss, pss = _tree_memory_kb(proc.pid)
            peak, peak_rss = max(peak, pss), max(peak_rss, rss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(err.decode())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers are waited for: included
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return time.perf_counter() - start, peak / 1024, peak_rss / 1024, cpu


def sizes(folder: Path) -> list[int]:
    return sorted(p.stat().st_size for p in folder.glob("*.pdf"))


def structure(path: Path) -> str:
    """What one PDF holds: embedded font programs (and distinct fonts), forms, images."""
    import pymupdf

    doc = pymupdf.open(path)
    xrefs = range(1, doc.xref_length())
    fonts = [doc.xref_get_key(x, "BaseFont")[1].split("+")[-1] for x in xrefs
             if doc.xref_get_key(x, "Subtype") == ("name", "/Type0")]
    programs = sum(1 for x in xrefs if doc.xref_get_key(x, "FontFile3")[0] == "xref"
                   or doc.xref_get_key(x, "FontFile2")[0] == "xref")
    forms = sum(1 for x in xrefs if doc.xref_get_key(x, "Subtype") == ("name", "/Form"))
    images = sum(1 for x in xrefs if doc.xref_get_key(x, "Subtype") == ("name", "/Image"))
    return (f"{programs} font programs for {len(set(fonts))} fonts ({', '.join(sorted(fonts))})"
            f", {forms} form XObject(s), {images} images (incl. soft masks)")


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
    from pipeline.fonts.book import FontBook

    plan, _ = read_certificate_plan(PLAN)
    certs = []
    for i, name in enumerate(names):
        c = Certificate(i, i, name, {"姓名": name, "荣誉称号": "优秀共产党员"}, f"青党证〔2026〕{i}号")
        certs.append(compose(c, plan, FULL))
    fonts = FontBook()
    roles = {r: ", ".join(f'"{f.family}"' for f in fonts.faces(r))
             for r in ("kai", "fang", "hei", "song", "xiaobiaosong")}
    return page_html(certs, plan, FULL, roles, seal_png=b"seal")  # the full design, seal too


def weasyprint_per_call(sample: int, tmp: Path) -> tuple[float, int]:
    """(certificates per second, bytes of one file) for WeasyPrint, a document per person."""
    from weasyprint import HTML

    from pipeline.certificates.pdf_out import SEAL_FILE
    from pipeline.transforms.seal import prepare_seal

    (tmp / SEAL_FILE).write_bytes(prepare_seal(ROOT / "inputs" / "seals" /
                                               "qingshan-party-committee.png"))
    start = time.perf_counter()
    for i in range(sample):
        HTML(string=_html([f"王伟{i}"]), base_url=str(tmp) + "/").write_pdf(tmp / f"w{i}.pdf")
    return sample / (time.perf_counter() - start), (tmp / "w0.pdf").stat().st_size


def weasyprint_one_document(pages: int, tmp: Path) -> float:
    from weasyprint import HTML

    html = _html([f"王伟{i}" for i in range(pages)])
    start, cpu = time.perf_counter(), time.process_time()
    HTML(string=html, base_url=str(tmp) + "/").write_pdf(tmp / "all.pdf")
    return pages / (time.perf_counter() - start), pages / (time.process_time() - cpu)


def _load() -> str:
    """The machine's 1-minute load average: a shared machine's seconds mean little without it."""
    return open("/proc/loadavg").read().split()[0]


def disk_alone(count: int, size: int, folder: Path) -> float:
    """Files per second this file system takes right now: `count` files of `size` bytes into
    one new folder, each written to a temporary name and renamed, as the run writes them.
    The kernel's cost of making files varies several-fold over minutes on a shared machine
    (it was 2,000-30,000 a second here); this shows the state the run met."""
    folder.mkdir()
    data = os.urandom(size)
    start = time.perf_counter()
    for i in range(count):
        tmp = folder / f".f{i}.part"
        tmp.write_bytes(data)
        os.replace(tmp, folder / f"f{i}.docx")
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--scale", type=int, nargs="*", default=[1000],
                        help="also run at these row counts (memory in N), .docx and PDF")
    parser.add_argument("--cold", type=int, default=5, help="cold one-document runs")
    args = parser.parse_args()
    n = args.rows
    load_before = _load()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows_file = roster(tmp / "roster.csv", n)
        docx_s, docx_mb, docx_rss, docx_cpu = ours(rows_file, tmp / "docx-out", "docx")
        docx_sizes = sorted(p.stat().st_size for p in (tmp / "docx-out" / "docx").iterdir())
        disk = disk_alone(n, int(statistics.median(docx_sizes)), tmp / "disk")
        pdf_s, pdf_mb, pdf_rss, pdf_cpu = ours(rows_file, tmp / "pdf-out", "pdf")
        pdf_sizes = sizes(tmp / "pdf-out" / "pdf")
        one_file = sorted((tmp / "pdf-out" / "pdf").glob("*.pdf"))[0]
        inside = structure(one_file)
        merged_mb = (tmp / "pdf-out" / "merged.pdf").stat().st_size / 1e6
        scaled = []
        for rows in args.scale:
            small = roster(tmp / f"roster-{rows}.csv", rows)
            for fmt in ("docx", "pdf"):
                scaled.append((rows, fmt, *ours(small, tmp / f"{fmt}-{rows}", fmt)))
        loop = docxtpl_loop(100, tmp)
        per_call, call_bytes = weasyprint_per_call(5, tmp)
        call_inside = structure(tmp / "w0.pdf")
        one_doc, one_doc_cpu = weasyprint_one_document(300, tmp)
        cold_ours, cold_lo, cold_plan = cold_build(args.cold, tmp) if args.cold else ([], [], "")
    print(f"{n} certificates on {os.cpu_count()} cores (process start included); load average "
          f"before / after: {load_before} / {_load()}; memory is the process tree's peak PSS "
          f"(RSS, which counts pages shared with forked workers again in each, in brackets)")
    print(f".docx  ours {docx_s:6.1f} s = {n / docx_s:7.0f}/s (target 2,000/s), peak "
          f"{docx_mb:4.0f} MB ({docx_rss:.0f}), CPU {docx_cpu:.1f} s, median file "
          f"{statistics.median(docx_sizes) / 1024:.1f} KB | docxtpl loop {loop:5.1f}/s → would "
          f"take {n / loop:6.0f} s | ours {n / docx_s / loop:5.1f}× faster")
    print(f"       the file system alone, same files in one folder: {disk:7.0f}/s")
    print(f".pdf   ours {pdf_s:6.1f} s = {n / pdf_s:7.0f}/s (target: 10,000 in 25 s), peak "
          f"{pdf_mb:4.0f} MB ({pdf_rss:.0f}) (per person + merged)")
    print(f"       WeasyPrint per call {per_call:5.2f}/s → {n / per_call:6.0f} s | ours "
          f"{n / pdf_s / per_call:5.1f}× faster")
    print(f"       one WeasyPrint document of N pages {one_doc:5.1f} pages/s → "
          f"{n / one_doc:6.0f} s (one file, no per-person split) | ours "
          f"{n / pdf_s / one_doc:5.2f}× (target 3×)")
    print(f"       CPU time: ours {pdf_cpu:6.1f} s (all processes) = {pdf_cpu / n * 1000:.2f} ms "
          f"a certificate | WeasyPrint one document {1000 / one_doc_cpu:.2f} ms a page | "
          f"ours {n / pdf_cpu / one_doc_cpu:4.2f}× less CPU")
    base = {"docx": docx_mb, "pdf": pdf_mb}
    for rows, fmt, seconds, mb, rss, _cpu in scaled:
        print(f"scale  {fmt:4} at {rows} rows: {seconds:6.1f} s ({rows / seconds:5.0f}/s), peak "
              f"{mb:4.0f} MB ({rss:.0f}) = {mb / base[fmt]:4.2f}× the memory of {n} rows for "
              f"{rows / n:g}× the rows")
    median = statistics.median(pdf_sizes)
    print(f"size   per-person PDF: min {pdf_sizes[0] / 1024:.1f} KB, median {median / 1024:.1f} KB, "
          f"max {pdf_sizes[-1] / 1024:.1f} KB over {len(pdf_sizes)} files "
          f"({sum(pdf_sizes) / 1e6:.0f} MB in all; merged {merged_mb:.1f} MB) (target 40 KB)")
    print(f"       WeasyPrint one certificate per document: {call_bytes / 1024:.1f} KB | ours "
          f"{call_bytes / median:4.1f}× smaller")
    print(f"       ours holds: {inside}")
    print(f"       WeasyPrint's holds: {call_inside}")
    if cold_ours:
        print(f"cold   one document ({cold_plan}, .docx + PDF): ours {spread(cold_ours)} | "
              f"LibreOffice .docx → PDF {spread(cold_lo)} | LibreOffice / ours "
              f"{statistics.median(cold_lo) / statistics.median(cold_ours):4.2f}× (target > 1)")


if __name__ == "__main__":
    main()
