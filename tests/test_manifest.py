"""The manifest's fingerprints: what decides that a row of a batch is already done."""
from __future__ import annotations

import sys

from pipeline import manifest


def test_fingerprint_ignores_the_order_of_a_rows_columns():
    assert manifest.fingerprint("plan", {"姓名": "王伟", "单位": "青山村"}) == \
        manifest.fingerprint("plan", {"单位": "青山村", "姓名": "王伟"})
    assert manifest.fingerprint("plan", {"姓名": "王伟"}) != \
        manifest.fingerprint("plan", {"姓名": "王玮"})
    assert len(manifest.fingerprint("x")) == 16


def test_renderer_version_follows_the_renderers_source(tmp_path, monkeypatch):
    module = tmp_path / "some_renderer.py"
    module.write_text("WIDTH = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    template = tmp_path / "page.html"
    template.write_text("<p>", encoding="utf-8")
    first = manifest.renderer_version(("some_renderer",), (str(template),), ("jinja2",))
    manifest.renderer_version.cache_clear()
    assert manifest.renderer_version(("some_renderer",), (str(template),), ("jinja2",)) == first
    module.write_text("WIDTH = 2\n", encoding="utf-8")
    manifest.renderer_version.cache_clear()
    changed = manifest.renderer_version(("some_renderer",), (str(template),), ("jinja2",))
    assert changed != first
    template.write_text("<div>", encoding="utf-8")
    manifest.renderer_version.cache_clear()
    assert manifest.renderer_version(("some_renderer",), (str(template),), ("jinja2",)) \
        not in (first, changed)
    assert "some_renderer" not in sys.modules, "the source is read, not run"


def test_a_row_stands_only_with_its_fingerprint_values_and_files(tmp_path):
    done = tmp_path / "a.pdf"
    done.write_bytes(b"%PDF")
    old = {"键": "王伟", "指纹": "abc", "证书编号": "1号"}
    assert manifest.up_to_date(old, "abc", [done], {"证书编号": "1号"})
    assert not manifest.up_to_date(old, "abd", [done], {"证书编号": "1号"})
    assert not manifest.up_to_date(old, "abc", [done], {"证书编号": "2号"})
    assert not manifest.up_to_date(old, "abc", [tmp_path / "gone.pdf"], {"证书编号": "1号"})
    assert not manifest.up_to_date(None, "abc", [done], {})
