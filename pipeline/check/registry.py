"""The registry of check rules: each rule is registered once, here, with its id, the clause of
GB/T 9704 it enforces, the document formats (文件, 信函, 命令, 纪要) and the file kinds it reads.
The runner (check.runner) walks the registry; the tests walk it too, and every rule must have a planted-defect
fixture there."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pipeline import standard as gb
from pipeline.check.findings import Hit

# what a rule reads: the .docx XML, printed pages (a PDF, or a .docx as LibreOffice prints it),
# recognised wording (every kind), or a plan file
DOCX, PDF, PLAN, TEXT = "docx", "pdf", "plan", "text"
ALL_SOURCES = (DOCX, PDF, PLAN, TEXT)
PRINTED = (DOCX, PDF)
# formats whose documents carry a title: a 命令 goes from its 令号 straight to the text (10.2)
TITLED = (gb.FORMAT_DOCUMENT, gb.FORMAT_LETTER, gb.FORMAT_MINUTES)


@dataclass(frozen=True)
class Rule:
    id: str
    clause: str
    formats: tuple[str, ...]
    sources: tuple[str, ...]
    check: Callable[..., Iterable[Hit]]

    def applies(self, measured) -> bool:
        return measured.source in self.sources and measured.format in self.formats


REGISTRY: dict[str, Rule] = {}


def rule(id: str, clause: str, sources: tuple[str, ...],
         formats: tuple[str, ...] = gb.FORMATS):
    """Register the decorated function `f(measured) -> Iterable[Hit]` as rule `id`."""
    def register(fn):
        if id in REGISTRY:
            raise ValueError(f"check rule '{id}' registered twice")
        REGISTRY[id] = Rule(id, clause, tuple(formats), tuple(sources), fn)
        return fn
    return register
