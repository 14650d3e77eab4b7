"""Which installed font serves each role, what its metrics are, and who draws a missing glyph.

A PDF embeds real fonts, so it is set in whatever this machine has: the standard's own font
(仿宋_GB2312 …) when a user installed it, else the free substitutes standard.FONT_ROLES lists,
else a family the user names (--font fang="LXGW WenKai" or GONGWEN_FONTS). fontconfig is asked
the same questions Pango asks when WeasyPrint renders, so what is reported here is what prints.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from pipeline import standard as gb
from pipeline.errors import GongwenError

# Glyphs whose ink stands for "the top and bottom of a line's characters": the standard
# measures the core from the ink, and these common ideographs reach the usual extremes.
_INK_SAMPLE = "国永中发文"
_ENV = "GONGWEN_FONTS"


class FontError(GongwenError):
    """A role has no usable font, or a character no installed font can draw."""


@dataclass(frozen=True)
class Face:
    family: str
    path: str
    index: int  # face inside a .ttc collection
    weight: int = 400  # 700: the bold face of the family


@dataclass(frozen=True)
class Metrics:
    """Vertical metrics in em: what Pango uses to place a line, and where the ink lies."""
    ascent: float  # above the baseline, positive
    descent: float  # below the baseline, positive
    ink_top: float  # highest ink of _INK_SAMPLE above the baseline
    ink_bottom: float  # lowest ink, negative when below the baseline
    dash_middle: float  # middle of the 一字线 stroke above the baseline

    def baseline(self, size: float, line: float) -> float:
        """Baseline below the top of a line box of height `line` (CSS half-leading)."""
        return (line - (self.ascent + self.descent) * size) / 2 + self.ascent * size

    def line_height(self, size: float) -> float:
        """A line box at the font's natural leading (CSS line-height: normal)."""
        return (self.ascent + self.descent) * size

    def ink_top_in(self, size: float, line: float) -> float:
        return self.baseline(size, line) - self.ink_top * size

    def ink_bottom_in(self, size: float, line: float) -> float:
        return self.baseline(size, line) - self.ink_bottom * size


@dataclass(frozen=True)
class Substitution:
    char: str
    role: str
    family: str  # the family that draws it instead
    where: str  # which element, for the report

    def __str__(self) -> str:
        return (f"{self.where}: '{self.char}' (U+{ord(self.char):04X}) is not in the "
                f"{ROLE_LABELS[self.role]} font; set in {self.family}")


ROLE_LABELS = {"fang": "仿宋", "kai": "楷体", "hei": "黑体", "song": "宋体", "xiaobiaosong": "小标宋"}


@lru_cache(maxsize=1)
def installed_families() -> dict[str, str]:
    """Every family name fontconfig knows (all its localised names), lower-cased → as spelled."""
    try:
        out = subprocess.run(["fc-list", "--format", "%{family}\n"], capture_output=True,
                             text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise FontError("fontconfig (fc-list) is not available; run the README's setup "
                        f"command ({exc})") from None
    names = {}
    for line in out.splitlines():
        for name in line.split(","):
            if name.strip():
                names.setdefault(name.strip().lower(), name.strip())
    return names


@lru_cache(maxsize=None)
def _match(family: str, weight: int = 400) -> Face:
    """The face fontconfig (and so Pango) picks for a family name, regular or bold."""
    style = "Bold" if weight >= 700 else "Regular"
    out = subprocess.run(["fc-match", "--format", "%{file}\n%{index}", f"{family}:style={style}"],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    return Face(family, out[0], int(out[1] or 0), weight)


@lru_cache(maxsize=None)
def _font(face: Face) -> TTFont:
    return TTFont(face.path, fontNumber=face.index, lazy=True)


@lru_cache(maxsize=None)
def _cmap(face: Face) -> dict[int, str]:
    return _font(face).getBestCmap()


def covers(face: Face, char: str) -> bool:
    return ord(char) in _measures(face)[1]


def _bounds(font: TTFont, glyph: str):
    glyphs = font.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[glyph].draw(pen)
    return pen.bounds


def line_extent(font: TTFont) -> tuple[int, int]:
    """(ascent, descent) in font units, both positive, as HarfBuzz (hence Pango) takes them
    to place a line."""
    os2, hhea = font["OS/2"], font["hhea"]
    # HarfBuzz takes the typo metrics when USE_TYPO_METRICS is set, else hhea
    if os2.fsSelection & (1 << 7) and os2.sTypoAscender:
        ascent, descent = os2.sTypoAscender, os2.sTypoDescender
    else:
        ascent, descent = hhea.ascent, hhea.descent
    # HarfBuzz also forgives a descender stored with the wrong sign (FandolSong has one)
    return abs(ascent), abs(descent)


def _measure(face: Face) -> tuple[tuple[float, ...], dict[int, float]]:
    """(Metrics fields, {code point: advance in em}) read from the font file."""
    font = _font(face)
    upm = font["head"].unitsPerEm
    ascent, descent = line_extent(font)
    cmap = _cmap(face)
    boxes = [_bounds(font, cmap[ord(c)]) for c in _INK_SAMPLE if ord(c) in cmap]
    boxes = [b for b in boxes if b]
    top = max(b[3] for b in boxes) if boxes else ascent
    bottom = min(b[1] for b in boxes) if boxes else -descent
    dash = _bounds(font, cmap[ord(gb.PAGE_NUMBER_DASH)]) if ord(gb.PAGE_NUMBER_DASH) in cmap else None
    dash_middle = (dash[1] + dash[3]) / 2 if dash else upm * 0.33
    hmtx = font["hmtx"]
    widths = {code: hmtx[glyph][0] / upm for code, glyph in cmap.items()}
    return (ascent / upm, descent / upm, top / upm, bottom / upm, dash_middle / upm), widths


_MEASURES_FORMAT = 1  # bump when _measure changes what it computes


@lru_cache(maxsize=None)
def _measures(face: Face) -> tuple[tuple[float, ...], dict[int, float]]:
    """_measure's result, kept in the cache folder: decoding a CJK font's character map and
    outlines took 0.2-0.7 s a face in every process that lays out a document; reading the
    numbers back takes milliseconds."""
    import hashlib
    import marshal

    from pipeline.cache import cache_dir, source_tag, write_atomically

    try:
        tag = source_tag(face.path, face.index, _MEASURES_FORMAT)
    except OSError:
        return _measure(face)
    path = cache_dir() / f"font-{hashlib.sha256(tag.encode()).hexdigest()[:16]}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    found = _measure(face)
    try:
        write_atomically(path, lambda tmp: tmp.write_bytes(marshal.dumps(found)))
    except OSError:
        pass  # no writable cache folder: measured again next time
    return found


@lru_cache(maxsize=None)
def metrics(face: Face) -> Metrics:
    return Metrics(*_measures(face)[0])


def advance(face: Face, char: str) -> float:
    """Horizontal advance of one character in em (0 when the face lacks it)."""
    return _measures(face)[1].get(ord(char), 0.0)


def parse_overrides(pairs: list[str] | None = None, env: str | None = None) -> dict[str, str]:
    """role=family pairs from the command line, else from GONGWEN_FONTS (comma-separated)."""
    raw = list(pairs or [])
    if not raw:
        env = os.environ.get(_ENV, "") if env is None else env
        raw = [p for p in env.split(",") if p.strip()]
    out = {}
    for pair in raw:
        role, sep, family = pair.partition("=")
        role, family = role.strip(), family.strip()
        if not sep or not family:
            raise FontError(f"font setting '{pair}' should read ROLE=FAMILY, e.g. fang=FandolFang")
        if role not in gb.FONT_ROLES:
            raise FontError(f"font setting '{pair}': unknown role '{role}'; roles are "
                            + ", ".join(f"{r} ({ROLE_LABELS[r]})" for r in gb.FONT_ROLES))
        out[role] = family
    return out


class FontBook:
    """The role → font mapping on this machine, with per-character fallback."""

    def __init__(self, overrides: dict[str, str] | None = None):
        self.overrides = dict(overrides or {})
        installed = installed_families()
        for role, family in self.overrides.items():
            if family.lower() not in installed:
                raise FontError(f"font '{family}' set for {role} ({ROLE_LABELS[role]}) is not "
                                "installed; `gongwen fonts` lists what is")
        self._faces: dict[str, list[Face]] = {}

    def candidates(self, role: str) -> list[str]:
        spec = gb.FONT_ROLES[role]
        names = [self.overrides[role]] if role in self.overrides else []
        return names + [spec.name, spec.alt_name, *spec.fallbacks]

    def faces(self, role: str) -> list[Face]:
        """The installed faces for a role, preferred first."""
        if role not in self._faces:
            installed = installed_families()
            seen, faces = set(), []
            spec = gb.FONT_ROLES[role]
            for name in self.candidates(role):
                spelled = installed.get(name.lower())
                if spelled and spelled.lower() not in seen:
                    seen.add(spelled.lower())
                    stand_in = name in spec.fallbacks and name != self.overrides.get(role)
                    faces.append(_match(spelled, spec.stand_in_weight if stand_in else 400))
            if not faces:
                raise FontError(f"no font installed for {role} ({ROLE_LABELS[role]}): tried "
                                + ", ".join(self.candidates(role))
                                + "; run the README's setup command or set --font "
                                f"{role}=FAMILY")
            self._faces[role] = faces
        return self._faces[role]

    def face(self, role: str) -> Face:
        return self.faces(role)[0]

    def is_standard(self, role: str) -> bool:
        spec = gb.FONT_ROLES[role]
        return self.face(role).family.lower() in (spec.name.lower(), spec.alt_name.lower())

    def metrics(self, role: str) -> Metrics:
        return metrics(self.face(role))

    def fallback(self, role: str, char: str) -> Face | None:
        """Who draws `char` when the role's font lacks it: the role's other candidates first,
        then any installed font fontconfig finds with the glyph."""
        for face in self.faces(role)[1:]:
            if covers(face, char):
                return face
        return _any_face_with(char)


@lru_cache(maxsize=None)
def _any_face_with(char: str) -> Face | None:
    out = subprocess.run(["fc-list", "--format", "%{family[0]}\n", f":charset={ord(char):x}"],
                         capture_output=True, text=True).stdout.split("\n")
    families = sorted({f for f in out if f})
    # prefer Simplified Chinese faces of a collection, then a stable order
    families.sort(key=lambda f: (" SC" not in f, f))
    for family in families:
        face = _match(family)
        if covers(face, char):
            return face
    return None
