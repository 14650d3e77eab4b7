"""The PDF writer: the HTML writer's page, rendered by WeasyPrint with embedded, subset fonts."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.fonts.book import FontBook, Substitution
from pipeline.model import Document
from pipeline.writers.atomic import atomic_path
from pipeline.writers.html import render_html


@lru_cache(maxsize=1)
def load_weasyprint():
    """Import WeasyPrint, without its library search spawning processes. WeasyPrint opens
    Pango, HarfBuzz and fontconfig by trying a list of names per library; cffi hands each
    name that does not open as it is to ctypes.util.find_library, which on Linux runs
    ldconfig, gcc and ld to look for it — some twenty lookups of ~40 ms, most of them for
    names of other systems (.dll, .dylib). Every list also names the Linux soname
    (libpango-1.0.so.0), which the dynamic loader opens directly, so with the lookup
    answering "not found" the same library files are loaded (checked in /proc/self/maps)
    in 0.4-0.7 s less."""
    import sys

    if not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    import ctypes.util

    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    finally:
        ctypes.util.find_library = find_library
    _unsized_arrays(weasyprint)
    return weasyprint


_SIZED_ARRAY = re.compile(r"(\w+)\[(\d+)\]")


def _unsized_arrays(weasyprint) -> None:
    """WeasyPrint's font subsetting asks cffi for `hb_codepoint_t[4693]`, a C type named by
    the length of each font's glyph list, and cffi parses every new name with pycparser:
    ~17 ms a name, nine names for a four-page document, a sixth of its render. An array
    filled from a list of that very length is the same array as `hb_codepoint_t[]` filled
    from it, whose type is parsed once; other calls pass through unchanged."""
    from weasyprint.text.ffi import ffi

    new = ffi.new

    def new_array(cdecl, init=None):
        if isinstance(cdecl, str) and isinstance(init, (list, tuple)):
            sized = _SIZED_ARRAY.fullmatch(cdecl)
            if sized and int(sized[2]) == len(init):
                return new(f"{sized[1]}[]", init)
        return new(cdecl, init)

    ffi.new = new_array


@lru_cache(maxsize=1)
def font_config():
    """One FontConfiguration for the process: a fresh one per render leaks memory (a process
    grew to 1.9 GB after 300 renders) and reloads fontconfig each time."""
    load_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@dataclass
class PdfResult:
    path: Path
    pages: int
    substitutions: list[Substitution]


def write_pdf(doc: Document, path: Path, fonts: FontBook | None = None) -> PdfResult:
    """Render the document to path atomically; returns the page count and the characters
    another font had to draw."""
    HTML = load_weasyprint().HTML  # imported late: `gongwen build --format docx` stays fast

    result = render_html(doc, fonts or FontBook())
    rendered = HTML(string=result.html).render(font_config=font_config())
    with atomic_path(path) as tmp:
        rendered.write_pdf(str(tmp))
    return PdfResult(path, len(rendered.pages), result.substitutions)
