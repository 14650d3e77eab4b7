"""Is draft import linear in its input? Times import_lines (CPU time of this process, best of
two, so other work on the machine does not count) on the corpus drafts repeated to 64 KB,
256 KB and 1 MB, as pasted (lines) and glued into one line, and prints each time with its
ratio to the 64 KB time measured in the same run: linear work gives about 4 and 16.

    python3 bench/import_speed.py
"""
from __future__ import annotations

import time
from pathlib import Path

from pipeline.readers.draft import DraftError, import_lines, text_lines

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "drafts"
SIZES = (64_000, 256_000, 1_024_000)


def _text(size: int, glued: bool) -> str:
    seed = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    text = (seed * (size // len(seed) + 1))[:size]
    return text.replace("\n", "") if glued else text


def _time(text: str) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.process_time()  # CPU time: other processes on the machine do not count
        try:
            import_lines(text_lines(text))
        except DraftError:
            pass
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    for glued in (False, True):
        base = None
        for size in SIZES:
            seconds = _time(_text(size, glued))
            base = base or seconds
            print(f"{'one line' if glued else 'as pasted':9} {size // 1000:5d} KB: "
                  f"{seconds:6.2f} s  ratio to 64 KB {seconds / base:5.1f} "
                  f"(size ratio {size / SIZES[0]:.0f})")


if __name__ == "__main__":
    main()
