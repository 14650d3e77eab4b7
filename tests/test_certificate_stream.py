"""Certificates stream from the roster to the files: the spool that holds them on disk, the
bounded feeding of workers, the PDF written as its objects come, and a run whose memory does
not grow with its roster."""
from __future__ import annotations

import io
import itertools
import subprocess
import threading
import time
import tracemalloc
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline.certificates.pdffile import PER_OBJECT_STREAM, PdfFile
from pipeline.certificates.records import Certificate, Characters
from pipeline.certificates.spool import BLOCK, Spool, batches, in_order

ROOT = Path(__file__).resolve().parent.parent


def _cert(i: int) -> Certificate:
    return Certificate(i + 2, i + 1, f"key{i}", {"姓名": f"名{i}", "单位": "第一支部"},
                       f"证〔2026〕{i + 1}号", {"salutation": f"名{i}同志："},
                       {"salutation": 26.0 - i % 3})


def test_spool_gives_back_every_certificate_in_order_any_number_of_times(tmp_path):
    count = 2 * BLOCK + 17  # two whole blocks and a short one
    with Spool(tmp_path) as spool:
        for i in range(count):
            spool.add(_cert(i))
        assert len(spool) == count
        assert [len(b) for b in spool.blocks()] == [BLOCK, BLOCK, 17]
        assert list(spool) == [_cert(i) for i in range(count)]
        # two readers at once (the manifest's rows while the zip is packed) do not disturb
        # each other, and a certificate added later comes last
        pairs = list(zip(spool, spool))
        assert all(a == b for a, b in pairs) and len(pairs) == count
        spool.add(_cert(count))
        assert list(spool)[-1] == _cert(count)
        # the spool has no name in the folder: a killed run leaves nothing behind
        assert list(tmp_path.iterdir()) == []


def test_batches_cut_a_stream_without_holding_it():
    assert list(batches(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batches([], 3)) == []
    endless = itertools.count()
    assert next(batches(endless, 4)) == [0, 1, 2, 3]


def test_in_order_keeps_results_in_order_and_few_tasks_in_flight():
    made = taken = 0
    most = 0
    lock = threading.Lock()

    def tasks():
        nonlocal made
        for i in range(60):
            with lock:
                made += 1
            yield i

    def slow_square(i):
        time.sleep(0.002 * (i % 5))  # later tasks often finish first
        return i * i

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = []
        for result in in_order(pool, slow_square, tasks(), ahead=4):
            taken += 1
            most = max(most, made - taken)
            results.append(result)
    assert results == [i * i for i in range(60)]
    assert most <= 4  # never more than `ahead` tasks made and not yet taken back
    assert list(in_order(None, slow_square, range(5), ahead=4)) == [0, 1, 4, 9, 16]


def test_in_order_stops_at_the_first_error_and_drops_queued_tasks():
    started = []

    def task(i):
        started.append(i)
        if i == 3:
            raise ValueError("row 5: broken")
        time.sleep(0.01)
        return i

    with ThreadPoolExecutor(max_workers=1) as pool:
        with pytest.raises(ValueError, match="row 5"):
            list(in_order(pool, task, range(1000), ahead=4))
    assert max(started) < 10  # the other 990 were never made into tasks


def _pages_pdf(count: int) -> bytes:
    """A PDF of `count` pages, each showing its number as a filled bar, through PdfFile."""
    out = io.BytesIO()
    pdf = PdfFile(out)
    catalog, tree = pdf.reserve(), pdf.reserve()
    kids = []
    for n in range(count):
        content = pdf.add_stream(b"/Filter/FlateDecode",
                                 zlib.compress(b"0 0 1 rg 10 10 %d 20 re f" % (n % 500 + 1)))
        kids.append(pdf.add(b"<</Type/Page/Parent %d 0 R/MediaBox[0 0 595 842]"
                            b"/Contents %d 0 R>>" % (tree, content)))
    pdf.set(tree, b"<</Type/Pages/Count %d/Kids[%s]>>" % (
        count, b" ".join(b"%d 0 R" % k for k in kids)))
    pdf.set(catalog, b"<</Type/Catalog/Pages %d 0 R>>" % tree)
    pdf.close(catalog)
    return out.getvalue()


@pytest.mark.parametrize("count", [1, PER_OBJECT_STREAM - 1, 2 * PER_OBJECT_STREAM + 3])
def test_pdf_written_as_its_objects_come_is_valid(tmp_path, count):
    """Streams written at once, dictionaries packed PER_OBJECT_STREAM at a time (a reserved
    one set last), the cross-reference stream at the end: qpdf finds nothing wrong and
    PyMuPDF reads every page with its own content."""
    import pymupdf

    path = tmp_path / "pages.pdf"
    path.write_bytes(_pages_pdf(count))
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout
    doc = pymupdf.open(path)
    assert doc.page_count == count
    for n in {0, count // 2, count - 1}:
        assert doc[n].read_contents() == b"0 0 1 rg 10 10 %d 20 re f" % (n % 500 + 1)


def test_pdf_with_a_reserved_object_never_set_is_refused():
    pdf = PdfFile(io.BytesIO())
    catalog, tree = pdf.reserve(), pdf.reserve()
    pdf.set(catalog, b"<</Type/Catalog/Pages %d 0 R>>" % tree)
    with pytest.raises(ValueError, match="object 2 was reserved but never set"):
        pdf.close(catalog)


def test_characters_of_a_run_gathered_one_certificate_at_a_time():
    chars = Characters()
    for name in ("王伟", "张伟", "伟"):
        chars.add({"salutation": f"{name}同志：", "title": "荣誉证书"})
    assert chars.used["salutation"] == set("王张伟同志：")
    assert chars.common["salutation"] == set("伟同志：")  # on every certificate
    assert chars.common["title"] == set("荣誉证书")
    assert chars.all() == set("王张伟同志：荣誉证书")


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚"


def _roster(path: Path, rows: int) -> Path:
    names = ("".join(p) for p in itertools.product(SURNAMES, GIVEN, GIVEN))
    lines = ["姓名,单位,荣誉称号"] + [f"{next(names)},第{i // 7 + 1}党支部,优秀共产党员"
                                      for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _peak(tmp_path: Path, rows: int) -> int:
    """Peak bytes Python allocated in this process for a run of `rows` certificates, .docx
    and PDF (per person and merged), every stage here (one worker: no other process)."""
    from pipeline.certificates.run import run

    roster = _roster(tmp_path / f"roster-{rows}.csv", rows)
    plan = ROOT / "inputs" / "certificates" / "certificates.yaml"
    tracemalloc.start()
    try:
        outcome = run(plan, roster, tmp_path / f"out-{rows}", formats=("docx", "pdf"),
                      db=f"sqlite:///{tmp_path}/register-{rows}.db", workers=1)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome.built == rows and outcome.count == rows
    return peak


def test_memory_of_a_run_does_not_grow_with_the_roster(tmp_path):
    """The roster is read and numbered whole, then spooled; from there the main process
    holds a few chunks, 32 bytes a file's digest and a few bytes of PDF index a person.
    Holding every composed certificate, its manifest row and its page of the merged file
    cost 3.4 KB a person here (420 MB of the process tree at 50,000); now about 0.1 KB."""
    small, large = 200, 2200
    _peak(tmp_path, 50)  # fonts, templates and caches loaded before anything is measured
    grown = _peak(tmp_path, large) - _peak(tmp_path, small)
    per_person = grown / (large - small)
    assert per_person < 700, f"{per_person:.0f} bytes a person"


def test_a_full_disk_is_one_line_naming_the_file(tmp_path):
    """A run that fills the disk stops with one line naming the file it could not write and
    exit 1 — no traceback, no 'internal error', no temporary file left; with room again the
    same command finishes the run, numbers unchanged."""
    import sys

    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=150k", "tmpfs", str(small)],
                             capture_output=True)
    if mounted.returncode:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        plan = ROOT / "inputs" / "certificates" / "certificates.yaml"
        cmd = [sys.executable, "-m", "pipeline", "certificates", str(plan), "--roster",
               str(plan.parent / "roster.xlsx"), "-o", str(small / "out"), "--format", "all",
               "--db", f"sqlite:///{tmp_path / 'register.db'}"]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 1, done.stderr
        last = done.stderr.strip().splitlines()[-1]
        assert last.startswith("error: the disk is full (") and str(small / "out") in last
        assert "Traceback" not in done.stderr and "internal" not in done.stderr
        assert not [p for p in small.rglob("*") if p.name.startswith(".")]
        subprocess.run(["mount", "-o", "remount,size=2m", str(small)], check=True)
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        manifest = (small / "out" / "manifest.csv").read_text("utf-8-sig")
        assert [f"青党证〔2026〕{n}号" in manifest for n in range(1, 8)] == [True] * 6 + [False]
    finally:
        subprocess.run(["umount", str(small)], capture_output=True)


def test_merge_leaves_no_argument_file_when_its_sources_fail(tmp_path):
    """The merged file's page list is written as the names come from the spool; an error
    there (a full disk, a damaged spool) leaves no argument file behind."""
    from pipeline.certificates.pdf_out import merge

    def sources():
        yield tmp_path / "a.pdf"
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        merge(sources(), tmp_path / "merged.pdf")
    assert list(tmp_path.iterdir()) == []


def test_an_error_without_a_system_number_keeps_its_type_and_words(tmp_path):
    """Only the machine's refusals (an errno) get the file named and the 'fix that and run
    again' line; another OSError (a damaged image, an unsupported operation) stays what it
    is, a fault to report."""
    from pipeline.errors import system_problem
    from pipeline.writers.atomic import atomic_path

    with pytest.raises(io.UnsupportedOperation) as raised:
        with atomic_path(tmp_path / "x.pdf"):
            raise io.UnsupportedOperation("not readable")
    assert raised.value.filename is None and "not readable" in str(raised.value)
    with pytest.raises(OSError) as raised:
        with atomic_path(tmp_path / "y.pdf"):
            raise OSError(28, "No space left on device")
    assert system_problem(raised.value) == (
        f"the disk is full ({tmp_path / 'y.pdf'}): fix that and run again; no half-written "
        "file was left")
    assert list(tmp_path.iterdir()) == []
