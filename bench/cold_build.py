"""One document cold: `python3 -m pipeline build PLAN` (.docx + PDF, process start included)
against LibreOffice converting the same .docx to PDF, alternately, in the same run.

    python3 bench/cold_build.py [--repeat 5] [--plan inputs/annual-opinion.yaml]

Prints every time, the range and the median of each and their ratio, with the machine's load
average. The build runs as an installed package does: with its modules' bytecode written on
the first (untimed) run, even where PYTHONDONTWRITEBYTECODE is set; its cache folder (font
measures, the word dictionary) is filled by that run too, as by a user's first build.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "inputs" / "annual-opinion.yaml"


def cold_build(repeat: int, tmp: Path, plan: Path = PLAN) -> tuple[list[float], list[float], str]:
    """Seconds of our build and of LibreOffice's conversion of the .docx it wrote."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    out = tmp / "cold"
    build = [sys.executable, "-m", "pipeline", "build", str(plan), "-o", str(out)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["GONGWEN_DB"] = f"sqlite:///{tmp / 'cold.db'}"
    subprocess.run(build, cwd=ROOT, check=True, capture_output=True, env=env)
    docx = out / f"{plan.stem}.docx"
    profile = tmp / "lo-profile"
    convert = [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
               "--convert-to", "pdf", "--outdir", str(tmp / "lo"), str(docx)]
    subprocess.run(convert, check=True, capture_output=True)  # creates the profile
    ours, lo = [], []
    for _ in range(repeat):
        for command, times, kw in ((build, ours, {"cwd": ROOT, "env": env}),
                                   (convert, lo, {})):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, **kw)
            times.append(time.perf_counter() - start)
    return ours, lo, plan.name


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f} s (median {statistics.median(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plan", type=Path, default=PLAN)
    args = parser.parse_args()
    load = open("/proc/loadavg").read().split()[0]
    with tempfile.TemporaryDirectory() as tmp:
        ours, lo, name = cold_build(args.repeat, Path(tmp), args.plan.resolve())
    print(f"one document cold ({name}, .docx + PDF), {args.repeat} runs each, alternately; "
          f"load average {load} → {open('/proc/loadavg').read().split()[0]} on "
          f"{os.cpu_count()} cores")
    print(f"  ours        {' '.join(f'{t:.2f}' for t in ours)} → {spread(ours)}")
    print(f"  LibreOffice {' '.join(f'{t:.2f}' for t in lo)} → {spread(lo)}")
    print(f"  LibreOffice / ours (medians) {statistics.median(lo) / statistics.median(ours):.2f}×")


if __name__ == "__main__":
    main()
