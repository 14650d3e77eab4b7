"""Seal images: whatever the user scanned becomes a red stamp on a transparent ground.

A scan is usually dark ink (or red) on white paper. Ink density becomes opacity and the
colour becomes the standard's red, so the seal presses the organ name and date without
hiding them behind a white square.
"""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageChops, ImageOps, UnidentifiedImageError

from pipeline import limits
from pipeline.errors import AssetError
from pipeline.readers.inputfile import check_file
from pipeline.standard import RED

MAX_SIDE_PX = 1200  # 42 mm at ~700 dpi: more detail than any printer shows
# opacity steps of the seal where it is carried in every file of a batch (certificates): 16
# steps (at most 1/30 off) look the same in print at the seal's ~360 dpi and halve its bytes
OPACITY_BITS = 4


def prepare_seal(path: Path, *, plan: Path | None = None, field: str = "signature.seal",
                 line: int | None = None) -> bytes:
    """Return PNG bytes of the red, transparent seal, or raise AssetError naming the file."""
    check_file(path, "seal image", error=AssetError, file=plan, line=line, field=field)
    try:
        with Image.open(path) as img:
            # the header tells the size: a small file can claim 100 000 × 100 000 pixels
            # (a decompression bomb) and take gigabytes once decoded
            width, height = img.size
            if width * height > limits.MAX_IMAGE_PIXELS:
                raise AssetError(f"seal '{path}' is {width} × {height} pixels; a seal image "
                                 f"may have {limits.MAX_IMAGE_PIXELS:,} (scan at 600 dpi)",
                                 file=plan, line=line, field=field)
            img.load()
            image = img.convert("RGBA")
    except FileNotFoundError:
        raise AssetError(f"seal image '{path}' does not exist", file=plan, line=line,
                         field=field) from None
    except Image.DecompressionBombError:
        raise AssetError(f"seal '{path}' claims more pixels than any scan of a seal has (a "
                         f"decompression bomb?); a seal image may have "
                         f"{limits.MAX_IMAGE_PIXELS:,} pixels", file=plan, line=line,
                         field=field) from None
    except IsADirectoryError:
        raise AssetError(f"seal '{path}' is a folder, not an image", file=plan, line=line,
                         field=field) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, MemoryError):
        raise AssetError(f"seal '{path}' is not a readable image (PNG or JPEG expected)",
                         file=plan, line=line, field=field) from None
    image.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX))
    # ink = how far a pixel is from white, weighted by its own opacity
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    flat = Image.alpha_composite(white, image).convert("RGB")
    r, g, b = flat.split()
    # a red stamp keeps its red channel high, so take the darkest of green/blue as ink
    ink = ImageOps.invert(ImageChops.darker(g, b))
    ink = ink.point(lambda v: 0 if v < 24 else min(255, int(v * 1.15)))
    red = tuple(int(RED[i : i + 2], 16) for i in (0, 2, 4))
    stamp = Image.new("RGBA", image.size, red + (0,))
    stamp.putalpha(ink)
    out = io.BytesIO()
    stamp.save(out, format="PNG", optimize=True)
    return out.getvalue()


def opacity(png: bytes, bits: int = OPACITY_BITS) -> tuple[Image.Image, tuple[int, int, int] | None]:
    """The seal's opacity in 2**bits steps (an "L" image of step numbers), and its colour when
    it has one colour (prepare_seal makes it the standard's red), else None."""
    with Image.open(io.BytesIO(png)) as img:
        rgba = img.convert("RGBA")
    colours = rgba.convert("RGB").getcolors(1)
    top = (1 << bits) - 1
    steps = rgba.getchannel("A").point(lambda v: (v * top + 127) // 255)
    return steps, (colours[0][1] if colours else None)


def palette_png(png: bytes) -> bytes:
    """A one-colour seal as a 4-bit palette PNG: an entry per opacity step, each entry's
    opacity in the tRNS chunk — 10 KB where the RGBA PNG takes 21 KB, and drawn alike by Word,
    WPS and LibreOffice (PNG's own transparency, no extension). A seal of several colours is
    returned as it is."""
    steps, colour = opacity(png)
    if colour is None:
        return png
    top = (1 << OPACITY_BITS) - 1
    image = Image.frombytes("P", steps.size, steps.tobytes())
    image.putpalette(list(colour) * (top + 1))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True, bits=OPACITY_BITS,
               transparency=bytes(round(i * 255 / top) for i in range(top + 1)))
    return out.getvalue()
