"""The gongwen command line: parses arguments, calls the stages, turns errors into one line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline import __version__
from pipeline.errors import GongwenError

FORMAT_CHOICES = {"docx": ("docx",), "pdf": ("pdf",), "all": ("docx", "pdf")}


def _font_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--font", action="append", metavar="ROLE=FAMILY", default=[],
                        help="use an installed family for a role (fang, kai, hei, song, "
                             "xiaobiaosong); repeatable; default from GONGWEN_FONTS")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongwen",
                                     description="GB/T 9704-2012 official documents from plans.")
    parser.add_argument("--version", action="version", version=f"gongwen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build plan files (or every plan in a folder)")
    build.add_argument("paths", nargs="+", type=Path, help="plan .yaml files or folders")
    build.add_argument("-o", "--output", type=Path, default=Path("outputs"),
                       help="folder for the documents (default: outputs/)")
    build.add_argument("--format", choices=tuple(FORMAT_CHOICES), default="all",
                       help="what to write (default: all = .docx and .pdf)")
    _font_option(build)
    fonts = sub.add_parser("fonts", help="which font serves each role, and what is missing")
    _font_option(fonts)
    return parser


def _fontbook(args):
    from pipeline.fonts import FontBook, parse_overrides

    return FontBook(parse_overrides(args.font))


def _build(args) -> int:
    from pipeline.build import build_plan, plan_files

    formats = FORMAT_CHOICES[args.format]
    fonts = _fontbook(args) if "pdf" in formats else None
    failures = 0
    for target in args.paths:
        for plan in plan_files(target):
            notes: list[str] = []
            try:
                for path in build_plan(plan, args.output, formats, fonts, notes):
                    print(f"wrote {path}")
            except GongwenError as exc:
                failures += 1
                print(f"error: {exc}", file=sys.stderr)
            for note in notes:
                print(f"note: {note}", file=sys.stderr)
    return 1 if failures else 0


def _fonts(args) -> int:
    from pipeline.fontreport import font_report

    text, ok = font_report(_fontbook(args))
    print(text)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"build": _build, "fonts": _fonts}[args.command](args)
    except GongwenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; no partial files were left", file=sys.stderr)
        return 130
