"""A font program per PDF file holding only the glyphs that file shows, in well under a
millisecond: the glyphs of a whole run are subset once by fontTools (subroutines expanded, so
each glyph's charstring stands alone), and each file's font is then a CID-keyed CFF assembled
from those charstrings.

Why by hand: fontTools builds a correct subset but takes 10–30 ms per call, and a run of
10,000 certificates needs 30,000 of them; WeasyPrint's subsets keep the whole font's
subroutines (74 KB for 40 FandolKai glyphs). The CFF format (Adobe Technote 5176) needs only
a few tables for a CID-keyed font, written below. A glyph keeps its run-wide number as its
CID, so a page's text — CIDs in the content stream — is the same bytes in every file it is
shown in: the per-person file and the merged file share their page content.
"""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field

from pipeline.fonts.book import Face

_STANDARD_STRINGS = 391  # SIDs below this are CFF's predefined strings
# a PDF font needs outlines, cmap and metrics; reading GSUB/GPOS/vmtx of a 65,535-glyph face
# took most of its subsetting time, and they are never embedded
_UNUSED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "VORG", "vhea", "vmtx",
                  "DSIG", "kern", "morx")


def _int(value: int) -> bytes:
    """A DICT integer in its fixed five-byte form, so offsets can be filled in after sizing."""
    return b"\x1d" + int(value).to_bytes(4, "big", signed=True)


def _real(value: float) -> bytes:
    nibbles = []
    for ch in repr(float(value)).replace("e-", "m").replace("e+", "e"):
        nibbles.append({".": 0xA, "e": 0xB, "m": 0xC, "-": 0xE}.get(ch, None)
                       if not ch.isdigit() else int(ch))
    nibbles.append(0xF)
    if len(nibbles) % 2:
        nibbles.append(0xF)
    return b"\x1e" + bytes(a << 4 | b for a, b in zip(nibbles[::2], nibbles[1::2]))


def _raw_deflate(data: bytes, level: int, flush: int = zlib.Z_FINISH,
                 zdict: bytes | None = None) -> bytes:
    packer = (zlib.compressobj(level, zlib.DEFLATED, -15, zdict=zdict) if zdict
              else zlib.compressobj(level, zlib.DEFLATED, -15))
    return packer.compress(data) + packer.flush(flush)


def _index(items: list[bytes]) -> bytes:
    if not items:
        return b"\x00\x00"
    total = sum(map(len, items)) + 1
    size = 1 if total < 1 << 8 else 2 if total < 1 << 16 else 3 if total < 1 << 24 else 4
    offsets, pos = [], 1
    for item in items:
        offsets.append(pos.to_bytes(size, "big"))
        pos += len(item)
    offsets.append(pos.to_bytes(size, "big"))
    return len(items).to_bytes(2, "big") + bytes([size]) + b"".join(offsets) + b"".join(items)


@dataclass
class GlyphSet:
    """One face's glyphs for a run: charstrings by CID (the glyph's number in the run's subset),
    the font dictionary each belongs to, and what a PDF font needs (widths, box, name)."""
    name: str  # PostScript name, no spaces
    cids: dict[str, int]  # character → CID
    charstrings: list[bytes]
    fd_of: list[int]
    privates: list[bytes]  # compiled Private DICTs, subroutines gone
    widths: list[int]  # advance per CID in 1/1000 em
    bbox: tuple[int, int, int, int]  # font units, as the CFF holds it
    scale: float  # 1000 / units per em
    matrix: tuple[float, ...] | None  # None: CFF's default 1/1000 em
    ascent: int
    descent: int
    text_of: dict[int, str] = field(default_factory=dict)  # CID → character, for ToUnicode
    common: int = 1  # CIDs below this (.notdef and the glyphs every file shows) come first
    _common_deflated: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def pdf_bbox(self) -> list[int]:
        return [round(v * self.scale) for v in self.bbox]

    def width_em(self, char: str) -> float:
        return self.widths[self.cids[char]] / 1000

    def program(self, cids) -> tuple[str, bytes]:
        """(subset name, CID-keyed CFF) holding .notdef and `cids`."""
        name, before, common, after = self._program(cids)
        return name, before + common + after

    def deflated_program(self, cids, level: int) -> tuple[str, bytes]:
        """(subset name, the CFF as a zlib stream). When the file shows every common glyph,
        their charstrings (most of the program) are one run of bytes in every file: that run
        is deflated once, and per file only what is before and after it. The part after is
        deflated with the common run as its dictionary, so it refers back into it as a
        whole-stream deflate would; each part ends on a full flush, so the three join into
        one valid stream (RFC 1950/1951)."""
        name, before, common, after = self._program(cids)
        if not common:
            return name, zlib.compress(before + after, level)
        if self._common_deflated is None:
            self._common_deflated = _raw_deflate(common, 9, flush=zlib.Z_FULL_FLUSH)
        head = b"\x78\x01"  # zlib header: deflate, 32 KB window
        body = (_raw_deflate(before, level, flush=zlib.Z_FULL_FLUSH) + self._common_deflated
                + _raw_deflate(after, level, zdict=common))
        checksum = zlib.adler32(after, zlib.adler32(common, zlib.adler32(before)))
        return name, head + body + checksum.to_bytes(4, "big")

    def _program(self, cids) -> tuple[str, bytes, bytes, bytes]:
        """The CFF in three parts: before the common glyphs' charstrings, those charstrings
        (empty unless `cids` holds all of them), and the rest."""
        order = [0, *sorted(set(cids) - {0})]
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha1(
            b"".join(c.to_bytes(2, "big") for c in order)).digest()[:6])
        name = f"{tag}+{self.name}"
        fds = sorted({self.fd_of[c] for c in order})
        fd_new = {fd: i for i, fd in enumerate(fds)}
        strings = [b"Adobe", b"Identity"]
        charset = b"\x00" + b"".join(c.to_bytes(2, "big") for c in order[1:])
        ranges, last = [], None
        for gid, cid in enumerate(order):
            fd = fd_new[self.fd_of[cid]]
            if fd != last:
                ranges.append(gid.to_bytes(2, "big") + bytes([fd]))
                last = fd
        fdselect = b"\x03" + len(ranges).to_bytes(2, "big") + b"".join(ranges) + \
            len(order).to_bytes(2, "big")
        charstrings = _index([self.charstrings[c] for c in order])

        def top(charset_at=0, fdselect_at=0, charstrings_at=0, fdarray_at=0) -> bytes:
            out = (_int(_STANDARD_STRINGS) + _int(_STANDARD_STRINGS + 1) + _int(0) + b"\x0c\x1e"
                   + _int(len(self.charstrings)) + b"\x0c\x22"
                   + b"".join(_int(v) for v in self.bbox) + b"\x05")
            if self.matrix:
                out += b"".join(_real(v) for v in self.matrix) + b"\x0c\x07"
            return (out + _int(charset_at) + b"\x0f" + _int(fdselect_at) + b"\x0c\x25"
                    + _int(charstrings_at) + b"\x11" + _int(fdarray_at) + b"\x0c\x24")

        head = b"\x01\x00\x04\x04" + _index([name.encode("ascii")])
        tail = _index(strings) + _index([])
        start = len(head) + len(_index([top()])) + len(tail)
        charset_at = start
        fdselect_at = charset_at + len(charset)
        charstrings_at = fdselect_at + len(fdselect)
        privates = [self.privates[fd] for fd in fds]
        fdarray_len = len(_index([_int(0) + _int(0) + b"\x12" for _ in fds]))
        fdarray_at = charstrings_at + len(charstrings)
        pos, font_dicts = fdarray_at + fdarray_len, []
        for private in privates:
            font_dicts.append(_int(len(private)) + _int(pos) + b"\x12")
            pos += len(private)
        data = b"".join([head, _index([top(charset_at, fdselect_at, charstrings_at,
                                           fdarray_at)]),
                         tail, charset, fdselect, charstrings, _index(font_dicts), *privates])
        shared = order[:self.common] == list(range(self.common))
        common = sum(len(self.charstrings[c]) for c in range(self.common)) if shared else 0
        # the charstrings' data starts after the INDEX's count, offset size and offsets
        start = charstrings_at + len(charstrings) - sum(len(self.charstrings[c]) for c in order)
        return name, data[:start], data[start:start + common], data[start + common:]


def glyph_set(face: Face, chars: set[str], first: set[str] = frozenset()) -> GlyphSet:
    """The run's subset of `face` for `chars` (those it has), subroutines expanded. The glyphs
    of `first` (those every file shows) take the CIDs right after .notdef."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from pipeline.fonts.book import line_extent

    font = TTFont(face.path, fontNumber=face.index)
    if "CFF " not in font:
        raise ValueError(f"{face.path}: only CFF-flavoured (.otf) fonts are composed directly")
    for tag in _UNUSED_TABLES:  # removed unread: the subsetter would decompile them first
        if tag in font:
            del font[tag]
    source_cmap = font.getBestCmap()
    wanted = sorted(c for c in chars if ord(c) in source_cmap)
    options = subset.Options()
    options.desubroutinize = True
    options.notdef_outline = True
    options.layout_features = []
    options.layout_closure = False
    options.name_IDs = []
    options.hinting = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in wanted])
    subsetter.subset(font)
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    order = font.getGlyphOrder()
    strings = cff.strings
    if hasattr(top, "FDArray"):
        fd_dicts = [fd.Private for fd in top.FDArray]
        fd_of = [top.FDSelect[i] for i in range(len(order))]
    else:
        fd_dicts, fd_of = [top.Private], [0] * len(order)
    privates = []
    for private in fd_dicts:
        private.rawDict.pop("Subrs", None)
        if hasattr(private, "Subrs"):
            del private.Subrs
        privates.append(private.getCompiler(strings, None).compile("Private"))
    cmap = font.getBestCmap()
    gid = {name: i for i, name in enumerate(order)}
    leading = sorted({gid[cmap[ord(c)]] for c in first if ord(c) in cmap} - {0})
    rest = set(range(len(order))) - set(leading) - {0}
    permuted = [0, *leading, *sorted(rest)]  # new CID → subset glyph index
    fd_of = [fd_of[g] for g in permuted]
    order = [order[g] for g in permuted]
    charstrings = []
    for name in order:
        cs = top.CharStrings[name]
        cs.compile()
        charstrings.append(bytes(cs.bytecode))
    upm = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    widths = [round(hmtx[name][0] * 1000 / upm) for name in order]
    gid = {name: i for i, name in enumerate(order)}
    cids = {c: gid[cmap[ord(c)]] for c in wanted if ord(c) in cmap}
    text_of = {}
    for c, cid in sorted(cids.items(), key=lambda kv: ord(kv[0])):
        text_of.setdefault(cid, c)
    matrix = tuple(top.FontMatrix) if hasattr(top, "FontMatrix") else None
    if matrix and [round(v, 9) for v in matrix] == [0.001, 0, 0, 0.001, 0, 0]:
        matrix = None
    ascent, descent = line_extent(font)
    bbox = tuple(round(v) for v in top.FontBBox)
    ps_name = font["name"].getDebugName(6) or face.family.replace(" ", "")
    scale = 1000 / upm
    return GlyphSet(ps_name.replace(" ", ""), cids, charstrings, fd_of, privates, widths, bbox,
                    scale, matrix, round(ascent * scale), round(-descent * scale), text_of,
                    common=1 + len(leading))
