"""The gongwen command line: parses arguments, calls the stages, turns errors into one line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline import __version__
from pipeline.errors import GongwenError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongwen",
                                     description="GB/T 9704-2012 official documents from plans.")
    parser.add_argument("--version", action="version", version=f"gongwen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build plan files (or every plan in a folder)")
    build.add_argument("paths", nargs="+", type=Path, help="plan .yaml files or folders")
    build.add_argument("-o", "--output", type=Path, default=Path("outputs"),
                       help="folder for the documents (default: outputs/)")
    build.add_argument("--format", choices=("docx", "pdf", "all"), default="docx",
                       help="what to write (default: docx)")
    return parser


def _build(args) -> int:
    from pipeline.build import build_plan, plan_files

    if args.format != "docx":
        raise GongwenError("PDF output is not available yet; use --format docx")
    failures = 0
    for target in args.paths:
        for plan in plan_files(target):
            try:
                for path in build_plan(plan, args.output):
                    print(f"wrote {path}")
            except GongwenError as exc:
                failures += 1
                print(f"error: {exc}", file=sys.stderr)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"build": _build}[args.command](args)
    except GongwenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; no partial files were left", file=sys.stderr)
        return 130
