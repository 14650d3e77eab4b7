"""Draw the example 签名章 (signature stamp) in inputs/seals/: the signer's name written in a
brush hand (楷体), red, slanted a little as a signature is, on a white ground. The build turns
it into red on transparent like any seal scan (transforms.seal).

    python3 tools/signature_stamp.py 周建华 inputs/seals/county-head-signature.png
"""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pipeline.fonts.book import FontBook


def draw(name: str, out: Path) -> None:
    path = FontBook().face("kai").path
    size = 220
    font = ImageFont.truetype(str(path), size)
    width = int(size * (len(name) * 0.82 + 0.4))
    img = Image.new("RGB", (width, int(size * 1.5)), "white")
    pen = ImageDraw.Draw(img)
    x = size * 0.2
    for i, ch in enumerate(name):
        # characters of a signature run together and rise a little to the right
        pen.text((x, size * (0.28 - 0.06 * i)), ch, font=font, fill=(200, 16, 24),
                 stroke_width=4, stroke_fill=(200, 16, 24))
        x += size * 0.82
    img = img.transform(img.size, Image.AFFINE, (1, 0.18, -size * 0.12, 0, 1, 0),
                        fillcolor="white")
    img.save(out, optimize=True)


if __name__ == "__main__":
    draw(sys.argv[1], Path(sys.argv[2]))
