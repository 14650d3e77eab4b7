"""Measuring a file once for every rule: its printed pages (a PDF itself, a .docx as LibreOffice
prints it), the .docx's XML, the text as recognised lines, and which format (文件, 信函, 命令,
纪要) page 1 shows."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pipeline import standard as gb
from pipeline.errors import GongwenError
from pipeline.readers.draft import SourceLine, text_lines as draft_text_lines

PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")
CORE_TOP_MM = gb.MARGIN_TOP_MM
CORE_BOTTOM_MM = gb.PAGE_HEIGHT_MM - gb.MARGIN_BOTTOM_MM
PAGE_CENTRE_MM = gb.PAGE_WIDTH_MM / 2
# what the standard centres (mark, 发文字号, 令号, title) is centred in the core, 1 mm right of
# the page's centre since the binding margin is the wider
CORE_CENTRE_MM = gb.MARGIN_LEFT_MM + gb.CORE_WIDTH_MM / 2
SAME_LINE_MM = 0.5  # text boxes whose tops differ by less stand on one line


class Page:
    """One printed page: its text lines (page numbers apart), its rules, measured lazily."""

    def __init__(self, index: int, page):
        from pipeline.pdfmeasure import text_lines

        self.index = index
        self.page = page
        lines = text_lines(page)
        self.number_lines = [l for l in lines if PAGE_NUMBER.match(l.text.strip())]
        self.numbers = [int(PAGE_NUMBER.match(l.text.strip()).group(1))
                        for l in self.number_lines]
        self.content = [l for l in lines if not PAGE_NUMBER.match(l.text.strip())]

    @property
    def odd(self) -> bool:
        return (self.index + 1) % 2 == 1

    @cached_property
    def strokes(self):
        from pipeline.pdfmeasure import horizontal_strokes

        return horizontal_strokes(self.page)

    @property
    def red(self):
        from pipeline.pdfmeasure import is_red

        return [l for l in self.content if is_red(l.color)]

    @property
    def black(self):
        from pipeline.pdfmeasure import is_red

        return [l for l in self.content if not is_red(l.color)]

    @property
    def red_strokes(self):
        from pipeline.pdfmeasure import is_red

        return [s for s in self.strokes if is_red(s.color)]

    @property
    def black_strokes(self):
        from pipeline.pdfmeasure import is_red

        return sorted((s for s in self.strokes if not is_red(s.color)), key=lambda s: s.y0)


@dataclass
class Measured:
    path: Path
    source: str  # registry.DOCX, PDF, PLAN or TEXT
    lines: list[SourceLine] = field(default_factory=list)  # the text, for the wording rules
    unit: str = "line"  # what a line of `lines` is called in a location
    docx: object = None  # python-docx Document
    pages: list[Page] = field(default_factory=list)  # printed pages
    page_label: str = "page"
    format: str = gb.FORMAT_DOCUMENT
    trouble: list[str] = field(default_factory=list)  # why the pages could not be printed
    plan_error: GongwenError | None = None
    cache: dict = field(default_factory=dict)  # shared work of several rules

    @property
    def closing_page(self) -> int | None:
        """Index of the last page when it carries the 版记 (its 印发 line, or a letter's 抄送)."""
        if not self.pages:
            return None
        words = r"\d日\s*印发$" if self.format != gb.FORMAT_LETTER else r"^(抄送|印发)"
        last = self.pages[-1]
        if any(re.search(words, l.text.replace(" ", "")) for l in last.content):
            return len(self.pages) - 1
        return None


def _pages(pdf) -> list[Page]:
    return [Page(i, page) for i, page in enumerate(pdf)]


def detect_format(pages: list[Page]) -> str:
    """The format page 1 shows: a 信函 by its red double line below the core (the 文件 format
    draws no red below the core), a 令 or a 纪要 by the last word of its red mark."""
    if not pages:
        return gb.FORMAT_DOCUMENT
    first = pages[0]
    long_red = [s for s in first.red_strokes if s.length > gb.CORE_WIDTH_MM / 2]
    if any(s.y0 > CORE_BOTTOM_MM for s in long_red):
        return gb.FORMAT_LETTER
    marks = [l for l in first.red if l.y0 < CORE_TOP_MM + gb.ORGAN_MARK_TOP_FROM_CORE_MM
             + gb.ORGAN_MARK_MAX_CHAR_HEIGHT_MM]
    text = "".join(l.text for l in marks).replace(" ", "")
    for fmt in (gb.FORMAT_ORDER, gb.FORMAT_MINUTES):
        if text and text.endswith(gb.MARK_SUFFIX_OF_FORMAT[fmt]):
            return fmt
    return gb.FORMAT_DOCUMENT


def measure(path: Path, rendered: Path | None = None) -> Measured:
    """`rendered`: the .docx already printed to PDF by LibreOffice (spares a second run)."""
    from pipeline.check.registry import TEXT

    path = Path(path)
    if not path.exists():
        raise GongwenError(f"'{path}' does not exist")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        m = _measure_docx(path, rendered)
    elif suffix == ".pdf":
        m = _measure_pdf(path)
    elif suffix in (".yaml", ".yml"):
        m = _measure_plan(path)
    elif suffix in (".txt", ".md"):
        from pipeline.readers.draft import read_text

        m = Measured(path, TEXT, draft_text_lines(read_text(path)), "line")
    else:
        raise GongwenError(f"{path}: can check .docx, .pdf, .yaml, .txt and .md files")
    if m.pages:  # a plan says its own format; printed pages show theirs on page 1
        m.format = detect_format(m.pages)
    return m


def _measure_pdf(path: Path) -> Measured:
    import pymupdf

    from pipeline.check.registry import PDF
    from pipeline.pdfmeasure import is_red

    try:
        pdf = pymupdf.open(path)
    except (pymupdf.FileDataError, RuntimeError) as exc:
        raise GongwenError(f"{path}: not a readable PDF ({exc})") from None
    pages = _pages(pdf)
    # the text as lines for the wording rules; a title broken over lines is joined again
    merged: list[tuple[SourceLine, bool]] = []
    black = [(p.index, l) for p in pages for l in p.content if not is_red(l.color)]
    previous = None
    for n, (page, l) in enumerate(black, start=1):
        is_title = abs(l.size - gb.TITLE_SIZE_PT) < 0.5
        text = l.text.replace(" ", "") if is_title else l.text
        if merged and is_title and merged[-1][1]:
            merged[-1] = (SourceLine(merged[-1][0].line, merged[-1][0].text + text,
                                     role="title"), True)
        elif merged and not is_title and previous and previous[0] == page and \
                abs(previous[1].y0 - l.y0) < SAME_LINE_MM:
            # pieces side by side on one line (a table's cells, 印发机关 and date) read as
            # one line, as a person reads a row; cell by cell they would look like a text
            # broken after every word
            merged[-1] = (SourceLine(merged[-1][0].line, f"{merged[-1][0].text} {text}"), False)
        else:
            # a 2号 line is a title (the print says so; a body line ending in 通告如下： is not)
            merged.append((SourceLine(n, text, role="title" if is_title else ""), is_title))
        previous = (page, l)
    return Measured(path, PDF, [m[0] for m in merged], "text line", pages=pages)


def _measure_docx(path: Path, rendered: Path | None) -> Measured:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    from pipeline.check.registry import DOCX
    from pipeline.readers.docx_draft import docx_lines

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise GongwenError(f"{path}: not a readable .docx ({exc})") from None
    m = Measured(path, DOCX, docx_lines(path), "paragraph", docx=document,
                 page_label="page (LibreOffice)")
    m.pages, trouble = _libreoffice_pages(path, rendered)
    if trouble:
        m.trouble.append(trouble)
    return m


def _libreoffice_pages(path: Path, rendered: Path | None) -> tuple[list[Page], str]:
    """The .docx as LibreOffice paginates it, so a clerk's own Word file is judged by the same
    page rules as a PDF."""
    import pymupdf

    if rendered is not None:
        return _pages(pymupdf.open(rendered)), ""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return [], "LibreOffice is not installed, so the pages were not checked"
    with tempfile.TemporaryDirectory(prefix="gongwen-check-") as tmp:
        try:
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                            "--convert-to", "pdf", "--outdir", tmp, str(path)],
                           capture_output=True, timeout=180, check=True)
            # read into memory: the folder goes away
            data = (Path(tmp) / (path.stem + ".pdf")).read_bytes()
            return _pages(pymupdf.open("pdf", data)), ""
        except (subprocess.SubprocessError, OSError, RuntimeError) as exc:
            return [], f"LibreOffice could not paginate the file ({exc})"


def _measure_plan(path: Path) -> Measured:
    from pipeline.check.registry import PLAN
    from pipeline.readers.plan import format_of, read_plan

    try:
        plan, src = read_plan(path)
    except GongwenError as exc:
        return Measured(path, PLAN, plan_error=exc)
    lines = []
    if plan.number and plan.number != "auto":
        lines.append(SourceLine(src.line_of(("number",)) or 1, plan.number))
    lines.append(SourceLine(src.line_of(("title",)) or 1, plan.title))
    body_start = src.line_of(("body",)) or 0
    lines += [SourceLine(body_start + i, text) for i, text in
              enumerate(plan.body.splitlines(), start=1)]
    # the plan names its title: the wording rules need not guess it from the lines
    return Measured(path, PLAN, lines, "line", format=format_of(plan),
                    cache={"title": plan.title})
