"""The 题注 under a title: a 决议's adoption line, （2026年1月10日…会议通过）. GB/T 9704 does not
name it; practice (standard.TITLE_NOTE_*) sets it centred in 3号楷体 on the line right after the
title's last line. Found by its words (kinds.ADOPTION in parentheses), so documents without one
are not looked at."""
from __future__ import annotations

from pipeline import standard as gb
from pipeline.check.findings import Hit
from pipeline.check.registry import PRINTED, TITLED, rule
from pipeline.check.rules.fonts import SIZE_TOL_PT, _docx_paragraphs, _is_title, font_label, \
    serves, size_name
from pipeline.kinds import ADOPTION

CORE_CENTRE_MM = gb.MARGIN_LEFT_MM + gb.CORE_WIDTH_MM / 2
PITCH_MM = gb.pt_to_mm(gb.LINE_PITCH_PT)
CENTRE_TOL_MM = 1.5  # a centred line's middle on the core's middle; half a character
WANT = (f"centred, {size_name(gb.TITLE_NOTE_SIZE_PT)} {font_label(gb.ROLE_TITLE_NOTE)}, on the "
        "line right after the title's last line")


def is_title_note(text: str) -> bool:
    text = text.replace(" ", "").replace("　", "")
    return text.startswith(("（", "(")) and text.endswith(("）", ")")) and \
        bool(ADOPTION.search(text[1:-1]))


def _printed(m):
    """Hits on page 1 as printed: the lines after the title that make up the note."""
    if not m.pages:
        return
    lines = m.pages[0].black
    titles = [i for i, l in enumerate(lines) if abs(l.size - gb.TITLE_SIZE_PT) < SIZE_TOL_PT]
    if not titles:
        return
    after = lines[titles[-1] + 1:]
    note = []
    for l in after:  # a long note wraps: from the line opening with （ to the one closing it
        text = l.text.strip()
        if not note and not text.startswith(("（", "(")):
            return
        note.append(l)
        if text.endswith(("）", ")")):
            break
    if not note or not is_title_note("".join(l.text.strip() for l in note)):
        return
    where = f"{m.page_label} 1"
    title = lines[titles[-1]]
    gap = (note[0].y0 + note[0].y1) / 2 - (title.y0 + title.y1) / 2
    if gap > 1.5 * PITCH_MM:
        yield Hit(where, f"the 题注 stands {round(gap / PITCH_MM)} lines below the title's last "
                  "line, not on the next line", WANT)
    for l in note:
        centre = (l.x0 + l.x1) / 2
        if abs(centre - CORE_CENTRE_MM) > CENTRE_TOL_MM:
            yield Hit(where, f"the 题注 line '{l.text.strip()[:12]}…' is centred at "
                      f"{centre:.1f} mm, not on the core's middle ({CORE_CENTRE_MM:g} mm)", WANT)
        if abs(l.size - gb.TITLE_NOTE_SIZE_PT) > SIZE_TOL_PT:
            yield Hit(where, f"the 题注 is set in {l.size:.1f} pt", WANT)


def _docx(m):
    paragraphs = _docx_paragraphs(m)
    for k, (n, p, font, size) in enumerate(paragraphs):
        if not is_title_note(p.text) or not k or not _is_title(paragraphs[k - 1][1]):
            continue
        if not serves(font, gb.ROLE_TITLE_NOTE):
            yield Hit(f"paragraph {n}", f"the 题注 is set in '{font}'", WANT)
        if abs(size - gb.TITLE_NOTE_SIZE_PT) > SIZE_TOL_PT:
            yield Hit(f"paragraph {n}", f"the 题注 is set in {size:g} pt", WANT)


@rule("title-note", "practice / GB/T 9704 7.3.1", PRINTED, TITLED)
def title_note(m):
    if m.docx is not None:
        yield from _docx(m)
    yield from _printed(m)
