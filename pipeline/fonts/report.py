"""`gongwen fonts`: which font serves each role on this machine, and what a user could add."""
from __future__ import annotations

from pipeline import standard as gb
from pipeline.fonts.book import ROLE_LABELS, FontBook, FontError


def font_report(fonts: FontBook) -> tuple[str, bool]:
    """The report as text, and whether every role has a font."""
    lines, ok = [], True
    for role, spec in gb.FONT_ROLES.items():
        elements = "、".join(e for e, r in gb.ELEMENT_ROLES.items() if r == role)
        head = f"{ROLE_LABELS[role]} ({role}) — {elements}"
        try:
            faces = fonts.faces(role)
        except FontError as exc:
            ok = False
            lines += [head, f"  MISSING  {exc}", ""]
            continue
        face = faces[0]
        if role in fonts.overrides:
            how = "chosen with --font / GONGWEN_FONTS"
        elif fonts.is_standard(role):
            how = "the standard's font"
        else:
            how = f"free substitute for {spec.name} (install {spec.name} to use it)"
        lines.append(head)
        lines.append(f"  uses     {face.family}  [{face.path}" +
                     (f" #{face.index}" if face.index else "") + f"]  — {how}")
        if faces[1:]:
            lines.append("  fallback " + ", ".join(f.family for f in faces[1:]) +
                         " (characters the first font lacks)")
        lines.append("")
    lines.append("Characters no listed font has are taken from any installed font that has "
                 "them and reported by `gongwen build`; a character no font has stops the build.")
    return "\n".join(lines), ok
