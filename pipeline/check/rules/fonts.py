"""Fonts and sizes (GB/T 9704 5.3, 7.3.1, 7.3.3): the body in 3号仿宋, the title in 2号小标宋,
headings in their levels' fonts. Font names come from standard.FONT_ROLES."""
from __future__ import annotations

import re
from collections import Counter

from pipeline import standard as gb
from pipeline.check.findings import Hit
from pipeline.check.registry import DOCX, PRINTED, TITLED, rule
from pipeline.fonts.book import ROLE_LABELS

SIZE_TOL_PT = 0.5
MAX_PER_RULE = 20  # a document set wholly in the wrong font needs no hundred lines saying so


def size_name(pt: float) -> str:
    return f"{gb.SIZE_NAMES.get(pt, '')} ({pt:g} pt)".strip()


def role_words(role: str) -> tuple[str, ...]:
    """Names a .docx may give a role's font: the standard's, its other family name (with and
    without the _GB2312 suffix), the short Chinese name, the free stand-ins."""
    spec = gb.FONT_ROLES[role]
    return (spec.name, spec.alt_name, spec.alt_name.split("_")[0], ROLE_LABELS[role],
            *spec.fallbacks)


def serves(font: str, role: str) -> bool:
    return any(word in font for word in role_words(role))


def font_label(role: str) -> str:
    return gb.FONT_ROLES[role].name


def _style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def _effective(paragraph, document):
    """(East Asian font, size in pt) a paragraph's first run is set in."""
    from docx.oxml.ns import qn

    font, size = None, None
    rprs = [r._r.rPr for r in paragraph.runs[:1] if r._r.rPr is not None]
    rprs += [s.element.rPr for s in _style_chain(paragraph.style) if s.element.rPr is not None]
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rprs += list(defaults.iter(qn("w:rPr")))
    for rpr in rprs:
        fonts = rpr.find(qn("w:rFonts"))
        if font is None and fonts is not None and fonts.get(qn("w:eastAsia")):
            font = fonts.get(qn("w:eastAsia"))
        sz = rpr.find(qn("w:sz"))
        if size is None and sz is not None:
            size = int(sz.get(qn("w:val"))) / 2
    return font or "", size or 10.5  # Word's own default size


def _is_title(paragraph) -> bool:
    style = paragraph.style
    return style is not None and (style.style_id == "GwTitle" or
                                  style.name in ("Title", "标题", "公文标题"))


def _heading_level(paragraph) -> int | None:
    style = paragraph.style.style_id if paragraph.style is not None else ""
    found = re.match(r"^(?:GwHeading|Heading\s*|标题\s*)([1-4])$", style or "")
    return int(found.group(1)) if found else None


def _docx_paragraphs(m):
    """(number, paragraph, font, size) of each paragraph with text, worked out once."""
    if "paragraphs" not in m.cache:
        m.cache["paragraphs"] = [(n, p, *_effective(p, m.docx))
                                 for n, p in enumerate(m.docx.paragraphs, start=1)
                                 if p.text.strip()]
    return m.cache["paragraphs"]


def _body_paragraphs(m):
    """Indented paragraphs of some length: body text (not title, heading, signature)."""
    for n, p, font, size in _docx_paragraphs(m):
        if _is_title(p) or _heading_level(p):
            continue
        indents = [st.paragraph_format.first_line_indent for st in
                   [p, *_style_chain(p.style)] if st is not None]
        if any(i for i in indents if i is not None) and len(p.text.strip()) >= 8:
            yield n, p, font, size


@rule("title-font", "GB/T 9704 7.3.1", PRINTED, TITLED)
def title_font(m):
    want = f"{size_name(gb.TITLE_SIZE_PT)} {font_label(gb.ROLE_TITLE)}"
    if m.docx is not None:
        hits = [Hit(f"paragraph {n}", f"title set in {size:g} pt", want)
                for n, p, _font, size in _docx_paragraphs(m)
                if _is_title(p) and abs(size - gb.TITLE_SIZE_PT) > SIZE_TOL_PT]
        yield from hits[:MAX_PER_RULE]
        return
    first = m.pages[0].black if m.pages else []
    if first:
        biggest = max(l.size for l in first)
        if abs(biggest - gb.TITLE_SIZE_PT) > SIZE_TOL_PT:
            yield Hit("page 1", f"the largest black text is {biggest:.1f} pt", want)


@rule("heading-font", "GB/T 9704 7.3.3", (DOCX,))
def heading_font(m):
    roles = {lvl.level: lvl.font_role for lvl in gb.HEADING_LEVELS}
    hits = []
    for n, p, font, _size in _docx_paragraphs(m):
        level = _heading_level(p)
        if level and not serves(font, roles[level]):
            hits.append(Hit(f"paragraph {n}", f"level-{level} heading in '{font}'",
                            font_label(roles[level])))
    yield from hits[:MAX_PER_RULE]


@rule("body-font", "GB/T 9704 5.3", (DOCX,))
def body_font(m):
    hits = [Hit(f"paragraph {n}", f"body text in '{font}'",
                f"{size_name(gb.BODY_SIZE_PT)} {font_label(gb.ROLE_BODY)}")
            for n, _p, font, _size in _body_paragraphs(m) if not serves(font, gb.ROLE_BODY)]
    yield from hits[:MAX_PER_RULE]


@rule("body-size", "GB/T 9704 5.3", PRINTED)
def body_size(m):
    want = size_name(gb.BODY_SIZE_PT)
    if m.docx is not None:
        sizes = Counter(size for _n, _p, _font, size in _body_paragraphs(m))
        if sizes:
            size = sizes.most_common(1)[0][0]
            if abs(size - gb.BODY_SIZE_PT) > SIZE_TOL_PT:
                yield Hit("body", f"body text set in {size:g} pt", want)
        return
    sizes = Counter()
    for p in m.pages:
        for l in p.content:
            sizes[round(l.size)] += len(l.text)
    if sizes:
        size = sizes.most_common(1)[0][0]
        if abs(size - gb.BODY_SIZE_PT) > SIZE_TOL_PT:
            yield Hit("body", f"most text is {size} pt", want)
