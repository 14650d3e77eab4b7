"""PDF speed against LibreOffice, measured in the same run.

    python3 bench/pdf_speed.py [--repeat N]

Prints, for the examples in inputs/:
- seconds per page of our PDF writer in a warm process (fonts and templates loaded once),
- a cold `gongwen build --format pdf` of one document, process start included,
- the baseline: LibreOffice headless converting the same documents' .docx (cold, as a user
  would run it), per page and per document,
and the ratios. Nothing here is asserted; the numbers go into the issue notes.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.build import build_plan, plan_files  # noqa: E402


def _timed(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    args = parser.parse_args()
    plans = plan_files(ROOT / "inputs")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        import pymupdf

        build_plan(plans[0], out / "warmup", ("pdf",))  # font files and WeasyPrint loaded
        pdfs = [p for plan in plans for p in build_plan(plan, out / "ours", ("pdf",))]
        pages = sum(pymupdf.open(p).page_count for p in pdfs)
        warm = _timed(lambda: [build_plan(p, out / "ours", ("pdf",)) for p in plans],
                      args.repeat)
        one = plans[0]
        cold = _timed(lambda: subprocess.run(
            [sys.executable, "-m", "pipeline", "build", str(one), "-o", str(out / "cold"),
             "--format", "pdf"], check=True, capture_output=True, cwd=ROOT), args.repeat)
        print(f"examples: {len(plans)} documents, {pages} PDF pages")
        print(f"ours, warm:  {warm:.2f} s for all = {warm / pages * 1000:.0f} ms/page")
        print(f"ours, cold build of {one.name} (process start included): {cold:.2f} s")
        if not soffice:
            print("LibreOffice not installed: no baseline")
            return
        docxs = [p for plan in plans for p in build_plan(plan, out / "docx", ("docx",))]
        lo_pages_dir = out / "lo"
        profile = out / "lo-profile"

        def convert(files):
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(lo_pages_dir),
                            *map(str, files)], check=True, capture_output=True)

        convert(docxs[:1])  # first start creates the profile; not counted
        lo_all = _timed(lambda: convert(docxs), args.repeat)
        lo_one = _timed(lambda: convert(docxs[:1]), args.repeat)
        lo_pages = sum(pymupdf.open(lo_pages_dir / (d.stem + ".pdf")).page_count for d in docxs)
        print(f"LibreOffice: {lo_all:.2f} s for all = {lo_all / lo_pages * 1000:.0f} ms/page "
              f"({lo_pages} pages); one document cold {lo_one:.2f} s")
        print(f"ratio per page (LibreOffice / ours): {(lo_all / lo_pages) / (warm / pages):.1f}x")
        print(f"ratio cold one document (LibreOffice / ours): {lo_one / cold:.1f}x")


if __name__ == "__main__":
    main()
