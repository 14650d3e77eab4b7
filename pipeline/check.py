"""`gongwen check`: findings against GB/T 9704-2012 for a .docx, a PDF or a plan, from anyone.

Layout is read where each format keeps it (the .docx's section and style XML; the PDF's page
geometry, measured from the ink), wording from the text the draft importer recognises, so a
document number, a heading sequence or a date is judged by the same rules whatever the file.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline import standard as gb
from pipeline.errors import GongwenError
from pipeline.readers.draft import (CIRCLED, CN_NUM, KINDS, SourceLine, _heading, import_lines,
                                    text_lines)
from pipeline.transforms.dates import cn_number
from pipeline.transforms.punctuation import half_width_marks, has_old_date

ERROR, WARNING = "error", "warning"
TOL_MM = gb.TOLERANCE_MM
# A .docx may set its top/bottom margins below 37/35 mm so the ink, not the line box, lands
# there (ours: 32.8/33.5 mm); more than this much below cannot be that compensation
TOP_MARGIN_COMPENSATION_MM = 6.0
BOTTOM_MARGIN_COMPENSATION_MM = 4.0


@dataclass
class Finding:
    location: str
    rule: str
    clause: str
    severity: str
    message: str
    fix: str

    def __str__(self) -> str:
        return (f"{self.location}: {self.severity}: [{self.rule}, {self.clause}] {self.message}"
                f" — fix: {self.fix}")


class _Findings(list):
    def add(self, location, rule, clause, severity, message, fix):
        self.append(Finding(location, rule, clause, severity, message, fix))


# --- wording: the same for every format ----------------------------------------------------
_TITLE_PUNCT_OK = set("《》“”‘’、（）")
_LEADING_ZERO_DATE = re.compile(r"\d{4}年0\d月|\d{4}年\d{1,2}月0\d日")


def _cn_value(n: str) -> int:
    if n.isdigit():
        return int(n)
    if n in CIRCLED:
        return CIRCLED.index(n) + 1
    try:
        return cn_number(n)
    except KeyError:  # 百 and beyond: no document has a hundred headings of one level
        return 0


_NUMBER_LIKE = re.compile(r"^\S{1,12}[〔\[(（【]\s*\d{2,4}\s*[〕\])）】]\s*第?\s*\d+\s*号")


def check_wording(lines: list[SourceLine], unit: str, out: _Findings) -> None:
    """Document number, title, heading sequence, dates and punctuation of recognised text."""
    from pipeline.readers.plan import check_doc_number

    drafts = import_lines(lines)
    draft = drafts[0]
    for line in lines[:12]:  # the number stands in the header
        m = _NUMBER_LIKE.match(line.text.strip())
        if m:
            try:
                check_doc_number(m.group(0).replace(" ", ""))
            except ValueError as exc:
                out.add(f"{unit} {line.line}", "doc-number", "GB/T 9704 7.2.4", ERROR,
                        str(exc), "机关代字〔年份〕序号号, e.g. 青政〔2026〕5号")
            break
    title = draft.title
    bad = sorted({c for c in title if not c.isalnum() and c not in _TITLE_PUNCT_OK
                  and not c.isspace()})
    if bad:
        out.add("title", "title-punctuation", "GB/T 9704 7.3.1", WARNING,
                f"the title carries punctuation {' '.join(bad)}",
                "titles use only 书名号, 引号 and 顿号 where needed")
    if title and ("关于" not in title or not any(title.endswith(k) for k in KINDS)):
        out.add("title", "title-pattern", "条例 / GB/T 9704 7.3.1", WARNING,
                f"'{title}' does not read 发文机关 + 关于 + 事由 + 的 + 文种",
                "e.g. 青山镇人民政府关于做好春耕生产工作的通知")
    _heading_sequence(lines, unit, out)
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if has_old_date(text) or _LEADING_ZERO_DATE.search(text):
            out.add(f"{unit} {line.line}", "date-form", "GB/T 9704 7.3.5", ERROR,
                    f"date not in the 2026年3月20日 form: {text[:30]}",
                    "Arabic numerals, full year, no leading zeros")
        marks = half_width_marks(text)
        if marks:
            out.add(f"{unit} {line.line}", "punctuation-width", "GB/T 15834 / writing "
                    "convention", WARNING, f"{len(marks)} half-width mark(s) "
                    f"({' '.join(dict.fromkeys(marks))}) in Chinese text",
                    "use full-width ，；：？！（）")


def _heading_sequence(lines, unit, out) -> None:
    expected = {1: 1, 2: 1, 3: 1, 4: 1}
    seen_levels: set[int] = set()
    order_warned: set[int] = set()
    for line in lines:
        found = _heading(line.text.strip()) if line.text.strip() else None
        if line.level and not (found and not found[1].startswith("#")):
            # a heading numbered by its style (Word numbering): it counts, its label is right
            found = (line.level, "", "", "")
        if not found or found[1].startswith("#"):
            continue
        level, typed, _text, proper = found
        if not typed:
            expected[level] += 1
            for deeper in range(level + 1, 5):
                expected[deeper] = 1
            seen_levels.add(level)
            continue
        if level == 1 and len(line.text) > 80:
            continue  # a paragraph that merely starts with 一、
        n = _cn_value(re.sub(r"[^0-9" + CN_NUM + CIRCLED + "]", "", typed))
        loc = f"{unit} {line.line}"
        if typed != proper.rstrip():
            rule, says = ("heading-level3-form", "level 3 takes 1. (not 1、)") if level == 3 \
                else ("heading-brackets", "full-width brackets （） and 、 as the standard shows")
            out.add(loc, rule, "GB/T 9704 7.3.3", ERROR, f"heading number '{typed}': {says}",
                    f"write {proper}")
        if level > 1 and level - 1 not in seen_levels and level not in order_warned:
            order_warned.add(level)
            out.add(loc, "heading-order", "GB/T 9704 7.3.3", WARNING,
                    f"a level-{level} heading {typed} before any level-{level - 1} heading",
                    "headings run 一、 → （一） → 1. → （1）")
        if n != expected[level]:
            out.add(loc, "heading-sequence", "GB/T 9704 7.3.3", ERROR,
                    f"heading {typed} where number {expected[level]} was due",
                    "renumber the headings in order")
        expected[level] = n + 1
        for deeper in range(level + 1, 5):
            expected[deeper] = 1
        seen_levels.add(level)


# --- .docx -----------------------------------------------------------------------------------
def _mm_of_twips(value) -> float:
    return int(value) / 1440 * 25.4


def check_docx(path: Path) -> list[Finding]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    from pipeline.readers.docx_draft import docx_lines

    out = _Findings()
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise GongwenError(f"{path}: not a readable .docx ({exc})") from None
    for i, section in enumerate(document.sections, start=1):
        where = f"section {i}"
        w, h = section.page_width.mm, section.page_height.mm
        if abs(w - gb.PAGE_WIDTH_MM) > TOL_MM or abs(h - gb.PAGE_HEIGHT_MM) > TOL_MM:
            out.add(where, "page-size", "GB/T 9704 5.2.1", ERROR,
                    f"page {w:.0f} × {h:.0f} mm", "A4, 210 × 297 mm")
        left, right = section.left_margin.mm, section.right_margin.mm
        top, bottom = section.top_margin.mm, section.bottom_margin.mm
        if abs(left - gb.MARGIN_LEFT_MM) > TOL_MM or abs(right - gb.MARGIN_RIGHT_MM) > TOL_MM:
            out.add(where, "margins", "GB/T 9704 5.2.2", ERROR,
                    f"left/right margins {left:.1f}/{right:.1f} mm", "28 mm left, 26 mm right")
        if not (gb.MARGIN_TOP_MM - TOP_MARGIN_COMPENSATION_MM <= top
                <= gb.MARGIN_TOP_MM + TOL_MM) or \
                not (gb.MARGIN_BOTTOM_MM - BOTTOM_MARGIN_COMPENSATION_MM <= bottom
                     <= gb.MARGIN_BOTTOM_MM + TOL_MM):
            out.add(where, "margins", "GB/T 9704 5.2.2", ERROR,
                    f"top/bottom margins {top:.1f}/{bottom:.1f} mm",
                    "37 mm to the first line's characters, 35 mm below the 22nd")
        if i == 1:
            _docx_grid(document, section, where, out)
    _docx_styles(document, out)
    _docx_page_numbers(document, out)
    _docx_closing(document, out)
    _docx_last_pages(path, out)
    lines = docx_lines(path)
    check_wording(lines, "paragraph", out)
    return list(out)


def _style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def _effective(paragraph, document):
    """(East Asian font, size in pt) a paragraph's first run is set in."""
    from docx.oxml.ns import qn

    font, size = None, None
    runs = paragraph.runs
    rprs = [r._r.rPr for r in runs[:1] if r._r.rPr is not None]
    rprs += [s.element.rPr for s in _style_chain(paragraph.style) if s.element.rPr is not None]
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rprs += [e for e in defaults.iter(qn("w:rPr"))]
    for rpr in rprs:
        fonts = rpr.find(qn("w:rFonts"))
        if font is None and fonts is not None and fonts.get(qn("w:eastAsia")):
            font = fonts.get(qn("w:eastAsia"))
        sz = rpr.find(qn("w:sz"))
        if size is None and sz is not None:
            size = int(sz.get(qn("w:val"))) / 2
    return font or "", size or 10.5


_ROLE_WORDS = {"fang": ("仿宋", "FangSong"), "kai": ("楷体", "KaiTi"), "hei": ("黑体", "SimHei"),
               "xiaobiaosong": ("小标宋", "XiaoBiaoSong"), "song": ("宋体", "SimSun")}


def _docx_styles(document, out: _Findings) -> None:
    """Fonts and sizes of body text, title and headings (GB/T 9704 5.3, 7.3)."""
    body_sizes, problems = Counter(), []
    levels = {lvl.level: lvl for lvl in gb.HEADING_LEVELS}
    for n, paragraph in enumerate(document.paragraphs, start=1):
        text = paragraph.text.strip()
        if not text:
            continue
        font, size = _effective(paragraph, document)
        style = paragraph.style.style_id if paragraph.style is not None else ""
        if style == "GwTitle" or (paragraph.style is not None and paragraph.style.name in
                                  ("Title", "标题", "公文标题")):
            if abs(size - gb.TITLE_SIZE_PT) > 0.5:
                problems.append((f"paragraph {n}", "title-font", "GB/T 9704 7.3.1",
                                 f"title set in {size:g} pt", "2号 (22 pt) 小标宋"))
            continue
        found = re.match(r"^(?:GwHeading|Heading\s*|标题\s*)([1-4])$", style or "")
        if found:
            role = levels[int(found.group(1))].font_role
            if not any(w in font for w in _ROLE_WORDS[role]):
                problems.append((f"paragraph {n}", "heading-font", "GB/T 9704 7.3.3",
                                 f"level-{found.group(1)} heading in '{font}'",
                                 f"{_ROLE_WORDS[role][0]}"))
            continue
        indents = [st.paragraph_format.first_line_indent for st in
                   [paragraph, *_style_chain(paragraph.style)] if st is not None]
        if any(i for i in indents if i is not None) and len(text) >= 8:
            body_sizes[size] += 1
            if not any(w in font for w in _ROLE_WORDS["fang"]):
                problems.append((f"paragraph {n}", "body-font", "GB/T 9704 5.3",
                                 f"body text in '{font}'", "3号仿宋 (仿宋_GB2312)"))
    if body_sizes:
        size = body_sizes.most_common(1)[0][0]
        if abs(size - gb.BODY_SIZE_PT) > 0.5:
            out.add("body", "body-size", "GB/T 9704 5.3", ERROR,
                    f"body text set in {size:g} pt", "3号, 16 pt")
    for loc, rule, clause, message, fix in problems[:20]:
        out.add(loc, rule, clause, ERROR, message, fix)


def _docx_grid(document, section, where, out: _Findings) -> None:
    from docx.oxml.ns import qn

    grid = section._sectPr.find(qn("w:docGrid"))
    pitch = int(grid.get(qn("w:linePitch"))) / 20 if grid is not None and grid.get(
        qn("w:linePitch")) else None
    body = document.styles["Normal"].paragraph_format if "Normal" in [
        s.name for s in document.styles] else None
    for style in document.styles:
        if style.style_id == "GwBody":
            body = style.paragraph_format
    if body is not None and body.line_spacing is not None and hasattr(body.line_spacing, "pt"):
        pitch = body.line_spacing.pt
    if not pitch:
        out.add(where, "grid", "GB/T 9704 5.2.3", WARNING, "no fixed line pitch: the lines "
                "per page depend on the font", "exact line spacing for 22 lines a page")
        return
    usable = (section.page_height.pt - section.top_margin.pt - section.bottom_margin.pt)
    lines = int(usable // pitch)
    if lines != gb.LINES_PER_PAGE:
        out.add(where, "grid", "GB/T 9704 5.2.3", ERROR,
                f"{lines} lines fit a page at a {pitch:.2f} pt pitch",
                f"22 lines: a pitch of about {gb.LINE_PITCH_PT:.1f} pt")


def _docx_closing(document, out: _Findings) -> None:
    """The 版记 (its 印发 line) ends the document: nothing but empty paragraphs after it."""
    from docx.oxml.ns import qn

    body = list(document.element.body.iterchildren())
    texts = ["".join(t.text or "" for t in child.iter(qn("w:t"))) for child in body]
    printed = [i for i, text in enumerate(texts) if re.search(r"\d+日\s*印发\s*$", text)]
    if not printed:
        return
    after = [t for t in texts[printed[-1] + 1:] if t.strip()]
    if after:
        out.add("版记", "closing-position", "GB/T 9704 7.4", ERROR,
                f"text after the 版记: {after[0][:20]}",
                "the 版记 closes the document, on the last even page")


def _docx_page_numbers(document, out: _Findings) -> None:
    from docx.oxml.ns import qn

    texts = []
    for section in document.sections:
        for footer in (section.footer, section.even_page_footer):
            xml = footer._element
            instr = "".join(t.text or "" for t in xml.iter(qn("w:instrText")))
            simple = [f.get(qn("w:instr")) or "" for f in xml.iter(qn("w:fldSimple"))]
            text = "".join(t.text or "" for t in xml.iter(qn("w:t")))
            if "PAGE" in instr or any("PAGE" in s for s in simple):
                texts.append(text)
    if not texts:
        out.add("footer", "page-number", "GB/T 9704 7.5", ERROR, "no page numbers",
                "“— 1 —” in 4号宋体, odd pages right, even pages left")
        return
    if not all(t.strip().startswith(gb.PAGE_NUMBER_DASH) and t.strip().endswith(
            gb.PAGE_NUMBER_DASH) for t in texts):
        out.add("footer", "page-number", "GB/T 9704 7.5", ERROR,
                "page numbers without a 一字线 on each side", "“— 1 —”")
    if not document.settings.odd_and_even_pages_header_footer:
        out.add("footer", "page-number", "GB/T 9704 7.5", WARNING,
                "one footer for all pages", "odd pages right, even pages left: different odd "
                "and even footers")


# --- PDF -------------------------------------------------------------------------------------
def check_pdf(path: Path) -> list[Finding]:
    import pymupdf

    from pipeline.pdfmeasure import horizontal_strokes, ink_box, is_red, line_ink, text_lines

    out = _Findings()
    try:
        pdf = pymupdf.open(path)
    except (pymupdf.FileDataError, RuntimeError) as exc:
        raise GongwenError(f"{path}: not a readable PDF ({exc})") from None
    number = re.compile(r"^—\s*(\d+)\s*—$")
    all_lines = []
    sizes = Counter()
    for index, page in enumerate(pdf):
        where = f"page {index + 1}"
        w, h = page.rect.width * gb.MM_PER_PT, page.rect.height * gb.MM_PER_PT
        if abs(w - gb.PAGE_WIDTH_MM) > TOL_MM or abs(h - gb.PAGE_HEIGHT_MM) > TOL_MM:
            out.add(where, "page-size", "GB/T 9704 5.2.1", ERROR, f"page {w:.0f} × {h:.0f} mm",
                    "A4, 210 × 297 mm")
        lines = text_lines(page)
        content = [l for l in lines if not number.match(l.text.strip())]
        for l in content:
            sizes[round(l.size)] += len(l.text)
        all_lines += [(index, l) for l in content]
        numbers = [l for l in lines if number.match(l.text.strip())]
        closing = any("印发" in l.text for l in content) and index == pdf.page_count - 1
        for l in numbers:
            odd = (index + 1) % 2
            if odd and l.x1 < gb.PAGE_WIDTH_MM / 2 or not odd and l.x0 > gb.PAGE_WIDTH_MM / 2:
                out.add(where, "page-number", "GB/T 9704 7.5", ERROR,
                        f"page number on the {'left' if odd else 'right'} of an "
                        f"{'odd' if odd else 'even'} page", "odd pages right, even pages left")
        body = [l for l in content if abs(l.size - gb.BODY_SIZE_PT) < 0.5 and not is_red(l.color)]
        if index > 0 and len(body) >= 5:
            top = line_ink(page, content[0], dpi=150)
            picture = None
            if content[0].y0 - gb.MARGIN_TOP_MM > 2 * gb.pt_to_mm(gb.LINE_PITCH_PT):
                # a chart opens the page: it stands in the first lines' place, and its ink
                # (white space is part of a picture) must not reach into the top margin
                picture = ink_box(page, (0, 0, gb.PAGE_WIDTH_MM, content[0].y0 - 1.0), dpi=150)
            if picture and picture[1] < gb.MARGIN_TOP_MM - TOL_MM:
                out.add(where, "margins", "GB/T 9704 5.2.2", ERROR,
                        f"a picture reaches {picture[1]:.1f} mm from the top", "37 mm")
            elif not picture and top and abs(top[1] - gb.MARGIN_TOP_MM) > TOL_MM:
                out.add(where, "margins", "GB/T 9704 5.2.2", ERROR,
                        f"first line's characters {top[1]:.1f} mm from the top", "37 mm")
            # a line that runs (nearly) the core's width starts at the binding margin; a page
            # of headings, short paragraphs and a signature may have none
            full = [l for l in body
                    if l.x1 - l.x0 > gb.CORE_WIDTH_MM - gb.pt_to_mm(gb.CHAR_PITCH_PT)]
            left = min(l.x0 for l in full) if full else gb.MARGIN_LEFT_MM
            if abs(left - gb.MARGIN_LEFT_MM) > TOL_MM:
                out.add(where, "margins", "GB/T 9704 5.2.2", ERROR,
                        f"text starts {left:.1f} mm from the left edge", "28 mm")
        if closing:
            strokes = sorted((s for s in horizontal_strokes(page) if not is_red(s.color)),
                             key=lambda s: s.y0)
            if not strokes or abs(gb.PAGE_HEIGHT_MM - strokes[-1].y0 - gb.MARGIN_BOTTOM_MM) > TOL_MM:
                out.add(where, "closing-position", "GB/T 9704 7.4", ERROR,
                        "the 版记's last line is not on the core's bottom edge",
                        "its last line 35 mm above the page bottom")
    last_pages(pdf, out)
    if sizes:
        body_size = sizes.most_common(1)[0][0]
        if abs(body_size - gb.BODY_SIZE_PT) > 0.5:
            out.add("body", "body-size", "GB/T 9704 5.3", ERROR,
                    f"most text is {body_size} pt", "3号, 16 pt")
    first = [l for i, l in all_lines if i == 0 and not is_red(l.color)]
    if first:
        biggest = max(l.size for l in first)
        if abs(biggest - gb.TITLE_SIZE_PT) > 0.5:
            out.add("page 1", "title-font", "GB/T 9704 7.3.1", ERROR,
                    f"the largest black text is {biggest:.1f} pt", "title in 2号 (22 pt)")
    # the text as lines for the wording rules; a title broken over lines is joined again
    merged: list[tuple[SourceLine, bool]] = []
    black = [l for _i, l in all_lines if not is_red(l.color)]
    for n, l in enumerate(black, start=1):
        is_title = abs(l.size - gb.TITLE_SIZE_PT) < 0.5
        text = l.text.replace(" ", "") if is_title else l.text
        if merged and is_title and merged[-1][1]:
            merged[-1] = (SourceLine(merged[-1][0].line, merged[-1][0].text + text), True)
        else:
            merged.append((SourceLine(n, text), is_title))
    check_wording([m[0] for m in merged], "text line", out)
    return list(out)


# --- the last pages (GB/T 9704 7.3.5, 7.4, 7.5), on printed pages ------------------------------
_PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")
_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


def last_pages(pdf, out: _Findings, label: str = "page") -> None:
    """Signature never alone, 版记 on the last even page and no page wasted before it, page
    numbers where 7.5 wants them. `pdf` is a PyMuPDF document: the PDF itself, or the .docx
    as LibreOffice paginates it."""
    from pipeline.pdfmeasure import horizontal_strokes, is_red, text_lines

    pitch = gb.pt_to_mm(gb.LINE_PITCH_PT)
    core_bottom = gb.PAGE_HEIGHT_MM - gb.MARGIN_BOTTOM_MM
    pages = []
    for page in pdf:
        lines = text_lines(page)
        numbers = [int(_PAGE_NUMBER.match(l.text.strip()).group(1)) for l in lines
                   if _PAGE_NUMBER.match(l.text.strip())]
        content = [l for l in lines if not _PAGE_NUMBER.match(l.text.strip())]
        pages.append((page, content, numbers))
    n = len(pages)
    closing = n - 1 if n and any(re.search(r"\d日\s*印发$", l.text.replace(" ", ""))
                                 for l in pages[-1][1]) else None
    for i, (page, content, _numbers) in enumerate(pages):
        dates = [l for l in content if _DATE.match(l.text.replace(" ", ""))]
        if not dates:
            continue
        # text above the date that starts in the left half is body text or the 附件说明;
        # the organ names of a signature stand right of the middle
        above = [l for l in content if l.y1 <= dates[-1].y0 + 0.5 and not is_red(l.color)
                 and l.x0 < gb.PAGE_WIDTH_MM / 2 - 10]
        if not above:
            out.add(f"{label} {i + 1}", "signature-alone", "GB/T 9704 7.3.5", ERROR,
                    "the signature and date stand on a page without body text",
                    "carry the last lines of text over with it, or tighten the spacing "
                    "of that page (7.3.5.5)")
    blank_before = closing is not None and closing >= 2 and not pages[closing - 1][1]
    if closing is not None:
        page, content, _ = pages[closing]
        where = f"{label} {closing + 1}"
        if (closing + 1) % 2:
            out.add(where, "closing-position", "GB/T 9704 7.4", ERROR,
                    "the 版记 is on an odd page", "put it at the bottom of the last even page")
        strokes = sorted((s for s in horizontal_strokes(page) if not is_red(s.color)),
                         key=lambda s: s.y0)
        if strokes and abs(strokes[-1].y0 - core_bottom) > TOL_MM:
            out.add(where, "closing-position", "GB/T 9704 7.4", ERROR,
                    "the 版记's last line is not on the core's bottom edge",
                    "its last line 35 mm above the page bottom")
        top = strokes[0].y0 if strokes else core_bottom
        rows = {round(l.y0) for l in content if l.y0 > top}
        alone = not [l for l in content if l.y1 < top]
        text_end = closing - 2 if blank_before else closing - 1
        if alone and text_end >= 0 and pages[text_end][1] and (text_end + 1) % 2 == 0:
            bottom = max(l.y1 for l in pages[text_end][1])
            # grid lines left under the text: the 版记's rows and one blank line fit
            if (core_bottom - bottom) / pitch >= len(rows) + 1 - 0.3:
                out.add(where, "closing-page", "GB/T 9704 7.4", ERROR,
                        f"the 版记 takes {'a blank page and ' if blank_before else ''}a page "
                        f"of its own though page {text_end + 1} has room for it",
                        "put it at the bottom of the page where the text ends")
    for i, (_page, content, numbers) in enumerate(pages):
        exempt = blank_before and i in (closing - 1, closing)
        where = f"{label} {i + 1}"
        if exempt and numbers:
            out.add(where, "page-number", "GB/T 9704 7.5", ERROR,
                    "a page number on the blank page or the 版记 page after it",
                    "leave both unnumbered")
        elif not exempt and not numbers and (content or i < n - 1):
            out.add(where, "page-number", "GB/T 9704 7.5", ERROR, "no page number",
                    "“— N —” below the core, odd right / even left; only a blank page "
                    "before the 版记 and the 版记 page after it go unnumbered")
        elif numbers and numbers[0] != i + 1:
            out.add(where, "page-number", "GB/T 9704 7.5", ERROR,
                    f"page number {numbers[0]} on page {i + 1}",
                    "number the pages in order, attachments continuing")


def _docx_last_pages(path: Path, out: _Findings) -> None:
    """The last-page rules on the .docx as LibreOffice paginates it (the same rules as for
    a PDF, so a clerk's own Word file is judged the same way)."""
    import shutil
    import subprocess
    import tempfile

    import pymupdf

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        out.add("pages", "pagination", "GB/T 9704 7.4", WARNING,
                "LibreOffice is not installed, so the pages were not checked",
                "install LibreOffice (the README's setup command)")
        return
    with tempfile.TemporaryDirectory(prefix="gongwen-check-") as tmp:
        try:
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                            "--convert-to", "pdf", "--outdir", tmp, str(path)],
                           capture_output=True, timeout=180, check=True)
            rendered = pymupdf.open(Path(tmp) / (path.stem + ".pdf"))
        except (subprocess.SubprocessError, OSError, RuntimeError) as exc:
            out.add("pages", "pagination", "GB/T 9704 7.4", WARNING,
                    f"LibreOffice could not paginate the file ({exc})", "check it in Word")
            return
        last_pages(rendered, out, "page (LibreOffice)")
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


# --- plan --------------------------------------------------------------------------------------
def check_plan(path: Path) -> list[Finding]:
    from pipeline.readers.plan import read_plan

    out = _Findings()
    try:
        plan, src = read_plan(path)
    except GongwenError as exc:
        out.add(f"line {exc.line}" if exc.line else "plan", "plan", "plan schema", ERROR,
                exc.message if hasattr(exc, "message") else str(exc), "see the README's plan "
                "file section")
        return list(out)
    lines = []
    if plan.number and plan.number != "auto":
        lines.append(SourceLine(src.line_of(("number",)) or 1, plan.number))
    lines.append(SourceLine(src.line_of(("title",)) or 1, plan.title))
    body_start = src.line_of(("body",)) or 0
    lines += [SourceLine(body_start + i, text) for i, text in
              enumerate(plan.body.splitlines(), start=1)]
    check_wording(lines, "line", out)
    return list(out)


def check_file(path: Path) -> list[Finding]:
    path = Path(path)
    if not path.exists():
        raise GongwenError(f"'{path}' does not exist")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return check_docx(path)
    if suffix == ".pdf":
        return check_pdf(path)
    if suffix in (".yaml", ".yml"):
        return check_plan(path)
    if suffix in (".txt", ".md"):
        from pipeline.readers.draft import read_text

        out = _Findings()
        check_wording(text_lines(read_text(path)), "line", out)
        return list(out)
    raise GongwenError(f"{path}: can check .docx, .pdf, .yaml, .txt and .md files")


def report(path: Path, findings: list[Finding], as_json: bool) -> str:
    if as_json:
        return json.dumps({"file": str(path), "findings": [asdict(f) for f in findings],
                           "errors": sum(f.severity == ERROR for f in findings)},
                          ensure_ascii=False, indent=2)
    if not findings:
        return f"{path}: no findings"
    return "\n".join(f"{path}: {f}" for f in findings)
