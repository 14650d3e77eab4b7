"""What a cold build does to start fast (writers/pdf.py, cache.py): it must not change what
is drawn, and a cache that cannot be written must not stop a build."""
from __future__ import annotations

import os
import subprocess
import sys

import pymupdf

from conftest import INPUTS, ROOT


def test_sized_arrays_are_the_arrays_weasyprint_asked_for():
    from pipeline.writers.pdf import load_weasyprint

    load_weasyprint()
    from weasyprint.text.ffi import ffi

    glyphs = ffi.new("hb_codepoint_t[3]", [7, 8, 9])  # as WeasyPrint's subsetting asks
    assert list(glyphs) == [7, 8, 9] and ffi.sizeof(glyphs) == 3 * ffi.sizeof("hb_codepoint_t")
    assert len(ffi.new("char[4]")) == 4  # no list: as cffi makes it
    assert list(ffi.new("hb_codepoint_t[4]", [1, 2])) == [1, 2, 0, 0]  # a shorter list too


def test_build_with_an_unwritable_cache_draws_the_same(tmp_path):
    """XDG_CACHE_HOME is a file: no font measures, no word list, no compiled templates can be
    kept — the document is still built, page for page the same."""
    plan = INPUTS / "annual-opinion.yaml"
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    outs = {}
    for name, cache in (("cached", tmp_path / "cache"), ("blocked", blocked)):
        env = {**os.environ, "XDG_CACHE_HOME": str(cache),
               "GONGWEN_DB": f"sqlite:///{tmp_path / (name + '.db')}"}
        for _ in range(2):  # the second run reads what the first one kept
            subprocess.run([sys.executable, "-m", "pipeline", "build", str(plan), "-o",
                            str(tmp_path / name), "--format", "pdf"], cwd=ROOT, env=env,
                           check=True, capture_output=True, timeout=300)
        outs[name] = pymupdf.open(tmp_path / name / "annual-opinion.pdf")
    assert (tmp_path / "cache" / "gongwen" / "templates").is_dir()
    cached, blocked_pdf = outs["cached"], outs["blocked"]
    assert cached.page_count == blocked_pdf.page_count
    for a, b in zip(cached, blocked_pdf):
        assert a.get_text("words") == b.get_text("words")
