"""The PDF writer: the HTML writer's page, rendered by WeasyPrint with embedded, subset fonts."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.fonts.book import FontBook, Substitution
from pipeline.model import Document
from pipeline.writers.atomic import atomic_path
from pipeline.writers.html import render_html


@lru_cache(maxsize=1)
def font_config():
    """One FontConfiguration for the process: a fresh one per render leaks memory (a process
    grew to 1.9 GB after 300 renders) and reloads fontconfig each time."""
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
    from weasyprint import HTML  # imported late: `gongwen build --format docx` stays fast

    result = render_html(doc, fonts or FontBook())
    rendered = HTML(string=result.html).render(font_config=font_config())
    with atomic_path(path) as tmp:
        rendered.write_pdf(str(tmp))
    return PdfResult(path, len(rendered.pages), result.substitutions)
