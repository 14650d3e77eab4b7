"""The PDF writer in a process of its own, started as the command starts.

A cold `gongwen build` spends most of its time before the first page: importing WeasyPrint
(Pango through cffi, ~0.7 s), reading the fonts' tables for line setting and WeasyPrint's
first render (see _warm_up), then reading the plan, numbering it and writing the .docx. The
first three need nothing from the plan, so a child process does them while the parent reads
the plan; the parent then hands the finished document over, and the child renders the PDF
while the parent writes the .docx on the other core. A child that fails sends its exception
back; one that dies is reported as such.
"""
from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

from pipeline.errors import GongwenError


def _serve(conn) -> None:
    from pipeline.writers.atomic import die_with_parent

    die_with_parent()
    from pipeline import standard as gb
    from pipeline.fonts.book import FontBook, FontError
    from pipeline.writers.pdf import font_config, write_pdf

    font_config()
    try:  # the standard roles' faces: their tables are cached for whichever book asks
        book = FontBook()
        for role in gb.FONT_ROLES:
            book.metrics(role)
        _warm_up(book)
    except FontError:
        pass  # reported by the render that needs the role
    while True:
        try:
            doc, path, fonts = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = write_pdf(doc, Path(path), fonts)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            try:
                conn.send(("error", pickle.dumps(exc)))
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                conn.send(("error", pickle.dumps(GongwenError(str(exc)))))
            continue
        conn.send(("ok", result))


def _warm_up(book) -> None:
    """Lay out a line in each role's font and write one glyph of the body font to a PDF, and
    throw both away. The first layout of a process loads Pango's fonts, the first PDF has cffi
    parse the C types the font subsetting uses (pycparser, tens of ms a type); done here, that
    happens while the parent is still reading the plan. Writing the whole line would subset
    all five faces for nothing (16 ms each), so only the layout sees them all."""
    from pipeline import standard as gb
    from pipeline.writers.pdf import font_config, load_weasyprint

    HTML = load_weasyprint().HTML

    spans = "".join(f"<span style=\"font-family: '{book.face(role).family}'\">公文 1</span>"
                    for role in gb.FONT_ROLES)
    HTML(string=f"<p>{spans}</p>").render(font_config=font_config())
    body = book.face("fang").family
    HTML(string=f"<p style=\"font-family: '{body}'\">1</p>").render(
        font_config=font_config()).write_pdf()


class PdfProcess:
    """The writer in the child started by the constructor: call it as write_pdf(doc, path,
    fonts), or begin(...) now and call what it returns for the result later (the child
    renders while this process does other work). The child ends when this object is dropped
    (its pipe closes) or with this process (a daemon)."""

    def __init__(self):
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()

    def begin(self, doc, path: Path, fonts=None):
        """Hand the document to the child; returns the function that waits for the result
        (call it exactly once, before handing over the next document)."""
        try:
            self._conn.send((doc, str(path), fonts))
        except (OSError, BrokenPipeError):
            raise GongwenError("the PDF writer process ended unexpectedly") from None
        return self._finish

    def _finish(self):
        try:
            status, payload = self._conn.recv()
        except (EOFError, OSError):
            raise GongwenError("the PDF writer process ended unexpectedly") from None
        if status == "error":
            raise pickle.loads(payload)
        return payload

    def write_pdf(self, doc, path: Path, fonts=None):
        return self.begin(doc, path, fonts)()

    __call__ = write_pdf
