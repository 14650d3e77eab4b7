"""`gongwen import`: a draft file of any supported kind → recognised documents."""
from __future__ import annotations

from pathlib import Path

from pipeline.readers.draft import Draft, DraftError, import_lines, read_text, text_lines
from pipeline.readers.docx_draft import docx_lines

SUFFIXES = (".txt", ".md", ".markdown", ".text", ".docx")


def import_draft(path: Path, *, simplify: bool = False) -> list[Draft]:
    path = Path(path)
    if not path.exists():
        raise DraftError(f"'{path}' does not exist")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        lines = docx_lines(path)
    elif suffix in SUFFIXES or not suffix:
        lines = text_lines(read_text(path))
    elif suffix == ".doc":
        raise DraftError(f"{path}: the old .doc format; open it in Word or WPS and save it as "
                         ".docx, or convert it: soffice --headless --convert-to docx", file=path)
    else:
        raise DraftError(f"{path}: can import {', '.join(SUFFIXES)}", file=path)
    try:
        return import_lines(lines, simplify=simplify)
    except DraftError as exc:
        raise DraftError(f"{path}: {exc}", file=None) from None
