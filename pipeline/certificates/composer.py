"""Certificates of the built-in designs as PDF, composed directly: each page is a few lines of
glyphs at the positions the design's boxes give, over the static design drawn once per file
as a form XObject.

Why not WeasyPrint here: a certificate's variable text is three short boxes at fixed places,
and laying them out with a full HTML engine cost ~7 ms a page, and its files embedded the
whole of a font's subroutines and a second copy of a font for the static part (218 KB a
certificate). Here a page is set with the same rules WeasyPrint applies to these boxes
(CSS line-height 1.5 with half-leading from the font's ascent and descent, text-indent,
left/centre alignment, the family list's per-character fallback) and the Chinese line
breaking of text/linebreak.py; each file gets one font program per face holding exactly
its glyphs (certificates/cff.py), the seal image once and the static design once, and
pdffile.py joins the objects. User HTML designs and the
calibration page, where layout is real, stay with WeasyPrint (pdf_out.py).
"""
from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import pickle
import zlib
from array import array
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from pipeline import standard as gb
from pipeline.certificates.cff import GlyphSet, glyph_set
from pipeline.certificates.design import STATIC, Box, Design, Frame
from pipeline.certificates.pdffile import PdfFile
from pipeline.certificates.plan import CertificatePlan
from pipeline.certificates.records import Certificate, Characters
from pipeline.certificates.spool import BLOCK, in_order
from pipeline.errors import GongwenError
from pipeline.writers.atomic import atomic_path, die_with_parent, put_file
from pipeline.text.linebreak import break_lines

LINE_HEIGHT = 1.5  # the .box line-height of templates/certificates/certificate.html.j2
CHUNK = BLOCK  # people per worker task: a block of the spool
FORM = "D"  # resource names: the static design, the seal, fonts F0, F1 …
SEAL = "S"
FONT_COMPRESSION = 1  # zlib level of font programs: 1 % larger than level 6, a third of the time


def _pt(mm: float) -> float:
    return gb.mm_to_pt(mm)


def _num(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".")


def _rgb(color: str) -> str:
    return " ".join(_num(int(color[i:i + 2], 16) / 255) for i in (0, 2, 4))


@dataclass
class Fonts:
    """The faces of a run, in resource order, and which face sets each (role, character)."""
    sets: list[GlyphSet]
    chain: dict[str, list[int]]  # role → face indices, preferred first (the CSS family list)
    primary: dict[str, int] = field(default_factory=dict)  # role → face whose metrics set lines

    def face_of(self, role: str, char: str) -> int:
        for i in self.chain[role]:
            if char in self.sets[i].cids:
                return i
        return self.chain[role][0]  # a missing glyph shows as .notdef, as in WeasyPrint


@dataclass
class Page:
    content: bytes  # the page's content stream, Flate-compressed
    cids: dict[int, set[int]]  # face index → CIDs shown


class Composer:
    """Built once per run (in the main process), sent to every worker."""

    def __init__(self, design: Design, plan: CertificatePlan, fonts: Fonts,
                 seal_png: bytes | None):
        self.design, self.plan, self.fonts = design, plan, fonts
        self.width, self.height = (_pt(v) for v in design.page_mm)
        static = design.part(static=True)
        self.variable = design.part(static=False).boxes
        texts = {"title": plan.title, "organ": plan.organ, "date": plan.date}
        ops, self.static_cids = [], {}
        if static.frame:
            ops.append(self._frame(static.frame))
        for box in static.boxes:
            ops.append(self._box(box, texts.get(box.name, ""), box.size, self.static_cids))
        self.seal = None
        if seal_png and static.seal_centre:
            self.seal = _seal_image(seal_png)
            d = plan.seal_size_mm
            left, top = static.seal_centre[0] - d / 2, static.seal_centre[1] - d / 2
            ops.append(f"q {_num(_pt(d))} 0 0 {_num(_pt(d))} {_num(_pt(left))} "
                       f"{_num(self.height - _pt(top + d))} cm /{SEAL} Do Q")
        ops = [o for o in ops if o]
        self.form = zlib.compress("\n".join(ops).encode(), 9) if ops else None
        self.media_box = f"[0 0 {_num(self.width)} {_num(self.height)}]".encode()
        self.info = (b"<</Title%s/Author%s/Creator%s/Producer%s>>" % (
            _text(plan.title), _text(plan.organ), _text("gongwen"), _text("gongwen")))

    # --- layout -------------------------------------------------------------------------
    def _frame(self, frame: Frame) -> str:
        """The red double frame: two rings, filled even-odd as WeasyPrint draws a double
        border (outer line, gap, inner line, each a third of the width)."""
        w, h, third = self.width, self.height, _pt(frame.line_mm)
        rects = []
        for k in range(4):  # edges of the outer line, then of the inner one
            inset = _pt(frame.inset_mm) + k * third
            rects.append(f"{_num(inset)} {_num(inset)} {_num(w - 2 * inset)} "
                         f"{_num(h - 2 * inset)} re")
        return f"{_rgb(frame.color)} rg " + " ".join(rects) + " f*"

    def _box(self, box: Box, text: str, size: float, cids: dict[int, set[int]]) -> str:
        if not text:
            return ""
        fonts = self.fonts
        faces = [fonts.face_of(box.role, c) for c in text]
        width_of = {c: fonts.sets[f].width_em(c) if c in fonts.sets[f].cids else 1.0
                    for c, f in zip(text, faces)}
        line_h = size * LINE_HEIGHT
        indent = box.indent_chars * size
        room = _pt(box.w)
        if box.min_size:  # white-space: nowrap — one line, shrunk to fit beforehand
            width = sum(width_of[c] for c in text) * size
            lines = [(text, width)]
        else:
            lines = [(line.text, line.width) for line in
                     break_lines(text, room - indent, room, size, 0.0, width_of.get)]
        metrics = fonts.sets[fonts.primary[box.role]]
        baseline = (line_h - (metrics.ascent - metrics.descent) / 1000 * size) / 2 + \
            metrics.ascent / 1000 * size
        out = [f"BT {_rgb(box.color)} rg"]
        pos = 0
        for n, (line, width) in enumerate(lines):
            x = _pt(box.x) + (indent if n == 0 else 0)
            if box.align == "center":
                x += (room - (indent if n == 0 else 0) - width) / 2
            elif box.align == "right":
                x += room - width
            y = self.height - (_pt(box.y) + n * line_h + baseline)
            out.append(f"1 0 0 1 {_num(x)} {_num(y)} Tm")
            current = None
            run: list[str] = []
            for ch in line:
                face = faces[pos]  # break_lines keeps every character, in order
                pos += 1
                glyphs = fonts.sets[face]
                cid = glyphs.cids.get(ch, 0)
                cids.setdefault(face, set()).add(cid)
                if face != current:
                    if run:
                        out.append(f"<{''.join(run)}> Tj")
                        run = []
                    out.append(f"/F{face} {_num(size)} Tf")
                    current = face
                run.append(f"{cid:04x}")
            if run:
                out.append(f"<{''.join(run)}> Tj")
        out.append("ET")
        return "\n".join(out)

    def page(self, cert: Certificate) -> Page:
        cids: dict[int, set[int]] = {}
        ops = [f"q /{FORM} Do Q"] if self.form else []
        for box in self.variable:
            ops.append(self._box(box, cert.texts.get(box.name, ""),
                                 cert.sizes.get(box.name, box.size), cids))
        return Page(zlib.compress("\n".join(o for o in ops if o).encode(), 6), cids)

    # --- files --------------------------------------------------------------------------
    def write(self, pages: Iterable[tuple[bytes, dict[int, set[int]]]], out) -> int:
        """One PDF of `pages` — each a content stream and the CIDs of each face it shows: a
        person's certificate, or the merged file, written as the pages come — with one font
        program per face holding exactly the glyphs shown, the static design and the seal
        once. Returns the number of pages."""
        pdf = PdfFile(out)
        catalog, tree, fonts_at, resources = (pdf.reserve() for _ in range(4))
        xobjects = b""
        if self.form:
            seal = b""
            if self.seal:
                width, height, base, space, mask_space, alpha = self.seal
                common = (b"/Type/XObject/Subtype/Image/Width %d/Height %d/Filter/FlateDecode"
                          % (width, height))
                mask = pdf.add_stream(common + mask_space, alpha)
                image = pdf.add_stream(common + space + b"/SMask %d 0 R" % mask, base)
                seal = b"/XObject<</%s %d 0 R>>" % (SEAL.encode(), image)
            form = pdf.add_stream(b"/Type/XObject/Subtype/Form/BBox%s/Resources<</Font %d 0 R%s>>"
                                  b"/Filter/FlateDecode" % (self.media_box, fonts_at, seal),
                                  self.form)
            xobjects = b"/XObject<</%s %d 0 R>>" % (FORM.encode(), form)
        pdf.set(resources, b"<</Font %d 0 R%s>>" % (fonts_at, xobjects))
        kids = array("Q")
        used = _union([self.static_cids])
        for content, cids in pages:
            content = pdf.add_stream(b"/Filter/FlateDecode", content)
            kids.append(pdf.add(b"<</Type/Page/Parent %d 0 R/MediaBox%s/Resources %d 0 R"
                                b"/Contents %d 0 R>>" % (tree, self.media_box, resources,
                                                         content)))
            for face, shown in cids.items():
                used.setdefault(face, set()).update(shown)
        fonts = [b"/F%d %d 0 R" % (face, self._font(pdf, face, used[face]))
                 for face in sorted(used)]
        pdf.set(fonts_at, b"<<" + b"".join(fonts) + b">>")
        pdf.set(tree, b"<</Type/Pages/Count %d/Kids[%s]>>" % (
            len(kids), b" ".join(b"%d 0 R" % k for k in kids)))
        pdf.set(catalog, b"<</Type/Catalog/Pages %d 0 R>>" % tree)
        pdf.close(catalog, pdf.add(self.info))
        return len(kids)

    def _font(self, pdf: PdfFile, face: int, cids: set[int]) -> int:
        """A Type 0 font of `cids` of a face: CIDFontType0 with its own CFF program."""
        glyphs = self.fonts.sets[face]
        name, program = glyphs.deflated_program(cids, FONT_COMPRESSION)
        name = name.encode("ascii")
        font_file = pdf.add_stream(b"/Subtype/CIDFontType0C/Filter/FlateDecode", program)
        descriptor = pdf.add(
            b"<</Type/FontDescriptor/FontName/%s/Flags 4/FontBBox[%s]/ItalicAngle 0/Ascent %d"
            b"/Descent %d/CapHeight %d/StemV 80/FontFile3 %d 0 R>>" % (
                name, " ".join(map(str, glyphs.pdf_bbox)).encode(), glyphs.ascent,
                glyphs.descent, glyphs.ascent, font_file))
        shown = sorted(cids)
        widths = b" ".join(b"%d[%d]" % (c, glyphs.widths[c]) for c in shown
                           if glyphs.widths[c] != 1000)
        cid_font = pdf.add(
            b"<</Type/Font/Subtype/CIDFontType0/BaseFont/%s/CIDSystemInfo<</Registry(Adobe)"
            b"/Ordering(Identity)/Supplement 0>>/FontDescriptor %d 0 R/DW 1000/W[%s]>>" % (
                name, descriptor, widths))
        to_unicode = pdf.add_stream(b"/Filter/FlateDecode", zlib.compress(_to_unicode(
            {cid: glyphs.text_of[cid] for cid in shown if cid in glyphs.text_of}), 6))
        return pdf.add(b"<</Type/Font/Subtype/Type0/BaseFont/%s/Encoding/Identity-H"
                       b"/DescendantFonts[%d 0 R]/ToUnicode %d 0 R>>" % (
                           name, cid_font, to_unicode))


def _text(value: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte-order mark."""
    return b"<feff" + value.encode("utf-16-be").hex().encode() + b">"


def _seal_image(png: bytes) -> tuple[int, int, bytes, bytes, bytes, bytes]:
    """The seal as an image and its opacity as a soft mask of seal.OPACITY_BITS a sample,
    each compressed once a run. A seal of one colour (prepare_seal makes it the standard's
    red) is a one-bit indexed image of that colour: the soft mask carries the whole stamp."""
    from PIL import Image

    from pipeline.transforms.seal import OPACITY_BITS, opacity

    steps, colour = opacity(png)
    width, height = steps.size
    if colour:
        base = zlib.compress(bytes((width + 7) // 8 * height), 9)
        space = b"/ColorSpace[/Indexed/DeviceRGB 0<%02x%02x%02x>]/BitsPerComponent 1" % colour
    else:
        with Image.open(io.BytesIO(png)) as img:
            base = zlib.compress(img.convert("RGB").tobytes(), 9)
        space = b"/ColorSpace/DeviceRGB/BitsPerComponent 8"
    alpha, per_byte, packed = steps.tobytes(), 8 // OPACITY_BITS, bytearray()
    for y in range(height):  # samples packed high bits first, each row padded to a byte
        row = alpha[y * width:(y + 1) * width] + bytes(-width % per_byte)
        for i in range(0, len(row), per_byte):
            value = 0
            for sample in row[i:i + per_byte]:
                value = value << OPACITY_BITS | sample
            packed.append(value)
    mask_space = b"/ColorSpace/DeviceGray/BitsPerComponent %d" % OPACITY_BITS
    return width, height, base, space, mask_space, zlib.compress(bytes(packed), 9)


def _to_unicode(mapping: dict[int, str]) -> bytes:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    items = sorted(mapping.items())
    for i in range(0, len(items), 100):
        block = items[i:i + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines += [f"<{cid:04x}> <{text.encode('utf-16-be').hex()}>" for cid, text in block]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CIDFont defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


# --- a run ------------------------------------------------------------------------------

def _families(css: str) -> list[str]:
    return [f.strip().strip('"') for f in css.split(",") if f.strip()]


def composable(design: Design, roles: dict[str, str], chars: Characters | None = None) -> bool:
    """Whether the composer can set this run: every font the design's roles may use is
    CFF-flavoured (cff.py assembles CFF programs; a TrueType font, a Windows 楷体_GB2312 say,
    goes to WeasyPrint), and no text needs shaping — a combining mark or a right-to-left
    script (an Uyghur name in Arabic letters) is left to WeasyPrint's HarfBuzz, since the
    composer maps each character to one glyph, left to right."""
    import unicodedata

    from pipeline.fonts.book import _font, _match

    families = {f for box in design.boxes for f in _families(roles[box.role])}
    if not all("CFF " in _font(_match(family)) for family in families):
        return False
    return not any(unicodedata.category(c).startswith("M")
                   or unicodedata.bidirectional(c) in ("R", "AL")
                   for c in (chars.all() if chars else ()))


def prepare(chars: Characters, plan: CertificatePlan, design: Design, roles: dict[str, str],
            seal_png: bytes | None) -> Composer:
    """The run's faces, each subset once to the characters the run sets in it (`chars`, by
    box), and the composer holding them. The faces follow each role's family list (`roles`,
    as the HTML path's CSS), so a character the role's font lacks is set in the next font
    that has it."""
    from pipeline.fonts.book import _match, covers

    static = {"title": plan.title, "organ": plan.organ, "date": plan.date}
    wanted_by_role: dict[str, set[str]] = {}
    # characters on every certificate, per role (the static texts, and the wording's fixed
    # words): their glyphs come first in each font, the part of every file's font that is
    # the same bytes (cff.GlyphSet.deflated_program)
    everywhere: dict[str, set[str]] = {}
    for box in design.boxes:
        if box.name in STATIC:
            used = shared = set(static.get(box.name, ""))
        else:
            used, shared = chars.used.get(box.name, set()), chars.common.get(box.name, set())
        wanted_by_role.setdefault(box.role, set()).update(used)
        everywhere.setdefault(box.role, set()).update(shared)
    faces, chain, per_face, first = [], {}, {}, {}
    for role, wanted in wanted_by_role.items():
        chain[role] = []
        left = wanted - set("\n\r\t")  # spaces (also U+3000) have widths to set
        for family in _families(roles[role]):
            face = _match(family)
            if face not in faces:
                faces.append(face)
            i = faces.index(face)
            chain[role].append(i)
            mine = {c for c in left if covers(face, c)}
            if mine or len(chain[role]) == 1:
                per_face.setdefault(i, set()).update(mine)
                first.setdefault(i, set()).update(mine & everywhere[role])
            left -= mine
    order = sorted(per_face)
    # in this process: with the fonts' character maps cached (fonts._measures) a few faces
    # subset in about a second, less than starting processes to share them out cost
    sets = [glyph_set(faces[i], per_face[i], first[i]) for i in order]
    index = {face_i: n for n, face_i in enumerate(order)}
    fonts = Fonts(sets, {r: [index[i] for i in c if i in index] for r, c in chain.items()},
                  {r: index[c[0]] for r, c in chain.items()})
    return Composer(design, plan, fonts, seal_png)


_COMPOSER: Composer | None = None
# workers start fresh rather than forked: a forked worker inherits (and by touching,
# copies) the main process's roster and fonts, which grew the run's memory with N
_SPAWN = multiprocessing.get_context("spawn")


def _init_worker(composer: Composer | None = None, worker: bool = True) -> None:
    global _COMPOSER
    if worker:
        die_with_parent()
    _COMPOSER = composer


_COMPOSER_BYTES = b""

Shown = dict[int, set[int]]  # face index → CIDs


def _compose_task(args) -> tuple[list[str | None], list[bytes], Shown]:
    """In a pool worker: the composer comes with each chunk (tens of KB, unpickled once a
    worker), so the workers can start before it is made."""
    global _COMPOSER, _COMPOSER_BYTES
    composer, items = args
    if composer != _COMPOSER_BYTES:
        _COMPOSER, _COMPOSER_BYTES = pickle.loads(composer), composer
    return _compose_chunk(items)


def _ready() -> None:
    """A task that only makes the pool start a worker."""


def _union(maps) -> Shown:
    out: Shown = {}
    for found in maps:
        for face, cids in found.items():
            out.setdefault(face, set()).update(cids)
    return out


def _compose_chunk(items: list[tuple[Certificate, str | None]]
                   ) -> tuple[list[str | None], list[bytes], Shown]:
    """In a worker: each certificate's page; its own file where a target is given. Returns
    each file's SHA-256 (None where no file was asked for), the pages' content streams and
    the glyphs they show, for the merged file: a few hundred bytes a page reach the main
    process."""
    digests, contents, shown = [], [], {}
    for cert, target in items:
        page = _COMPOSER.page(cert)
        contents.append(page.content)
        for face, cids in page.cids.items():
            shown.setdefault(face, set()).update(cids)
        if target:
            buffer = io.BytesIO()
            _COMPOSER.write([(page.content, page.cids)], buffer)
            data = buffer.getvalue()
            put_file(target, data)  # run.py syncs once, before the manifest
            digests.append(hashlib.sha256(data).hexdigest())
        else:
            digests.append(None)
    return digests, contents, shown


def write_pdfs(chunks: Iterable[list[tuple[Certificate, str | None]]], count: int,
               merged: Path | None, plan: CertificatePlan, design: Design,
               roles: dict[str, str], chars: Characters, seal_png: bytes | None,
               record: Callable[[Certificate, str], None], workers: int | None = None,
               progress=None) -> None:
    """Each certificate of `chunks` (made as they are needed, in order) with a target gets
    its own file, and record(certificate, its SHA-256) is called; every one is a page of the
    merged file when `merged` is given (then `chunks` must hold all `count` certificates).
    The main process holds the chunks the workers are on; the merged file is written as
    their pages come back."""
    workers = workers or os.cpu_count() or 1
    total = -(-count // CHUNK)
    pool = None
    if workers > 1 and total > 1:
        # workers start (a new interpreter importing the composer, about a second) while
        # this process subsets the fonts
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                   mp_context=_SPAWN)
        for _ in range(workers):
            pool.submit(_ready)
    try:
        composer = prepare(chars, plan, design, roles, seal_png)
    except BaseException:
        if pool:
            pool.shutdown(cancel_futures=True)
        raise
    placed = 0

    def pages():
        """The pages in order as the workers send them back, each chunk's glyphs given with
        its first page (the merged file's fonts are their union)."""
        nonlocal placed
        if pool is None:
            _init_worker(composer, worker=False)
            task, blob = _compose_chunk, None
        else:
            task, blob = _compose_task, pickle.dumps(composer)
        sent: deque = deque()  # each chunk until its result is back, to record its files

        def tasks():
            for chunk in chunks:
                sent.append(chunk)
                yield chunk if blob is None else (blob, chunk)

        for i, (digests, contents, shown) in enumerate(
                in_order(pool, task, tasks(), 2 * workers), start=1):
            chunk = sent.popleft()
            for (cert, _target), sha in zip(chunk, digests):
                if sha:
                    record(cert, sha)
            placed += len(contents)
            if progress:
                progress(i, total)
            for n, content in enumerate(contents):
                yield content, shown if n == 0 else {}

    try:
        if merged:
            with atomic_path(merged) as part, open(part, "wb") as out:
                composer.write(pages(), out)  # atomic_path gives it the ordinary mode
                if placed != count:
                    raise GongwenError("internal: merged file would miss certificates")
        else:
            for _ in pages():
                pass
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
