"""Where on the printed pages each finding points, for the web workbench's thumbnails."""
from __future__ import annotations

import re
from pathlib import Path

from pipeline.check.findings import Finding


def finding_spots(path: Path, findings: list[Finding], pdf_path: Path | None = None
                  ) -> list[tuple[int, tuple[float, float, float, float] | None] | None]:
    """Where on the printed pages each finding points: (page index, (x0, y0, x1, y1) in mm,
    or None for the whole page), or None where it has no place on a page. A .docx is located
    in `pdf_path`, its rendering (paragraph N is found by its text); a PDF in itself, with
    text lines numbered as check_pdf numbers them."""
    import pymupdf

    from pipeline.pdfmeasure import MM, is_red, text_lines

    path = Path(path)
    pdf = pymupdf.open(pdf_path or path)
    number = re.compile(r"^—\s*(\d+)\s*—$")
    lines: dict[int, tuple[int, tuple]] = {}
    if path.suffix.lower() == ".pdf":
        n = 0
        for index, page in enumerate(pdf):
            for l in text_lines(page):
                if number.match(l.text.strip()) or is_red(l.color):
                    continue
                n += 1
                lines[n] = (index, (l.x0, l.y0, l.x1, l.y1))
    paragraphs: list[str] = []
    if path.suffix.lower() == ".docx":
        from pipeline.readers.docx_draft import docx_lines

        paragraphs = [line.text for line in docx_lines(path)]
    out = []
    for finding in findings:
        m = re.match(r"^(page|text line|paragraph) (\d+)$", finding.location)
        spot = None
        if m and m.group(1) == "page" and int(m.group(2)) <= pdf.page_count:
            spot = (int(m.group(2)) - 1, None)
        elif m and m.group(1) == "text line":
            spot = lines.get(int(m.group(2)))
        elif m and m.group(1) == "paragraph" and 0 < int(m.group(2)) <= len(paragraphs):
            needle = re.sub(r"\s+", "", paragraphs[int(m.group(2)) - 1])[:12]
            for index, page in enumerate(pdf) if needle else ():
                hits = page.search_for(needle)
                if hits:
                    r = hits[0]
                    spot = (index, (r.x0 * MM, r.y0 * MM, r.x1 * MM, r.y1 * MM))
                    break
        out.append(spot)
    return out
