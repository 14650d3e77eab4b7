"""A Word document (any producer's, or ours) → the lines the draft importer reads.

Paragraph styles tell what a line is where they can: our own styles (公文标题, 一级标题 …),
Word's built-in Heading 1–4 / 标题 1–4. Heading numbers Word generates are not in the text, so
a heading style alone gives the level. Tables become pipe rows, the 版记 table its 抄送/印发
lines, a joint organ mark its organ names. Attachments (附件 on a new page) are split off.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from pipeline.readers.draft import DraftError, SourceLine
from pipeline.writers.docx_styles import STYLES

_ROLE_BY_STYLE = {"GwTitle": "title", "GwOrganMark": "mark", "GwDocNumber": "number",
                  "GwAddressee": "addressee", "GwHeaderLine": "header",
                  "GwAttachmentLabel": "attachment", "GwSignature": "signature",
                  "GwClosing": "closing", "GwAttachmentNote": "attachment-note"}
_HEADING_STYLE = re.compile(r"^(?:GwHeading|Heading\s*|heading\s*|标题\s*)([1-4])$")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# our styles by the names Word shows (公文标题 …): a file saved again by Word, WPS or
# LibreOffice may renumber the style ids but keeps the names
_ID_BY_NAME = {spec.name: spec.style_id for spec in STYLES}


def _style(paragraph) -> str:
    ppr = paragraph._p.pPr
    style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else ""
    if style_id in _ROLE_BY_STYLE or _HEADING_STYLE.match(style_id or ""):
        return style_id
    try:
        name = paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, ValueError):
        return ""
    return _ID_BY_NAME.get(name, name)


def _line(paragraph, number: int) -> SourceLine:
    style = _style(paragraph)
    heading = _HEADING_STYLE.match(style)
    return SourceLine(number, paragraph.text, int(heading.group(1)) if heading else 0,
                      _ROLE_BY_STYLE.get(style, ""))


def docx_lines(path: Path) -> list[SourceLine]:
    """The document's lines in reading order, numbered as paragraphs (tables count one per
    row); a damaged file is a clear error."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as exc:
        raise DraftError(f"not a readable .docx ({exc})", file=path) from None
    lines: list[SourceLine] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{W}p":
            paragraph = Paragraph(child, document)
            lines.append(_line(paragraph, len(lines) + 1))
            if paragraph.text.strip() == "" and child.find(f".//{W}br[@{W}type='page']") is not None:
                lines[-1].role = "page-break"
        elif child.tag == f"{W}tbl":
            lines += _table_lines(Table(child, document), len(lines) + 1)
    return lines


def _table_lines(table, first: int) -> list[SourceLine]:
    rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
    styles = {_style(p) for row in table.rows for cell in row.cells for p in cell.paragraphs}
    if "GwOrganMark" in styles:  # a joint organ mark: names in the first column
        names = [r[0] for r in rows if r and r[0]]
        suffix = next((r[1] for r in rows if len(r) > 1 and r[1]), "")
        return [SourceLine(first + i, name + (suffix if i == 0 else ""), 0, "mark")
                for i, name in enumerate(names)]
    if "GwClosing" in styles or any(r and re.match(r"^抄\s*送", r[0]) for r in rows):
        out = []
        for row in rows:
            text = re.sub(r"\s*\t\s*", " ", row[0]) if row else ""
            out.append(SourceLine(first + len(out), text, 0, "closing"))
        return out
    out = []
    for row in rows:
        # merged cells repeat their text in python-docx; keep each once per row
        cells = [c for i, c in enumerate(row) if i == 0 or c != row[i - 1]]
        out.append(SourceLine(first + len(out), "| " + " | ".join(cells) + " |", 0, "table"))
    return out
