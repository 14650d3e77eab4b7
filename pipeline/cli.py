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


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL",
                        help="the number register: sqlite:///path/register.db or "
                             "postgresql://user@host/db (default: $GONGWEN_DB, else "
                             "sqlite:///register.db in the current folder)")


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, default=Path("outputs"),
                        help="folder for the documents (default: outputs/)")
    parser.add_argument("--format", choices=tuple(FORMAT_CHOICES), default="all",
                        help="what to write (default: all = .docx and .pdf)")
    _font_option(parser)
    _db_option(parser)


def _number_parser(sub) -> None:
    number = sub.add_parser("number", help="the document-number register (发文登记)")
    cmds = number.add_subparsers(dest="action", required=True)
    nxt = cmds.add_parser("next", help="show the next number for a code; allocates nothing")
    nxt.add_argument("code", help="organ code (机关代字), e.g. 五委发")
    nxt.add_argument("--year", type=int, help="default: this year")
    alloc = cmds.add_parser("allocate", help="allocate a number for a document key (or return "
                                             "the one already bound to it)")
    alloc.add_argument("code")
    alloc.add_argument("--key", required=True, help="the document's key, e.g. 2026-党建意见")
    alloc.add_argument("--year", type=int)
    alloc.add_argument("--title", default="")
    alloc.add_argument("--file", default="")
    lst = cmds.add_parser("list", help="the register as a table, CSV or XLSX")
    lst.add_argument("--code")
    lst.add_argument("--year", type=int)
    lst.add_argument("--status", choices=("issued", "void"))
    lst.add_argument("--format", choices=("table", "csv", "xlsx"), default="table")
    lst.add_argument("-o", "--output", type=Path, help="file for csv/xlsx (default: "
                                                       "register.csv / register.xlsx)")
    void = cmds.add_parser("void", help="void a number (it is never issued again)")
    void.add_argument("number", help="e.g. 五委发〔2026〕7号")
    void.add_argument("--reason", required=True)
    imp = cmds.add_parser("import", help="continue from an existing register (CSV/XLSX "
                                         "发文登记簿); nothing is imported if any row is wrong")
    imp.add_argument("path", type=Path)
    for p in (nxt, alloc, lst, void, imp):
        _db_option(p)
    for p in (alloc, void, imp):
        p.add_argument("--by", help="who makes the change (default: the user name)")


def _import_options(parser: argparse.ArgumentParser) -> None:
    chars = parser.add_mutually_exclusive_group()
    chars.add_argument("--simplify", action="store_true", default=None,
                       help="convert traditional characters to simplified (OpenCC); done by "
                            "default when the draft is in traditional characters")
    chars.add_argument("--keep-traditional", dest="simplify", action="store_false",
                       help="keep traditional characters as they are")
    parser.add_argument("--organ", help="the issuing organ, when the draft does not say")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongwen",
                                     description="GB/T 9704-2012 official documents from plans.")
    parser.add_argument("--version", action="version", version=f"gongwen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build plan files (or every plan in a folder)")
    build.add_argument("paths", nargs="+", type=Path, help="plan .yaml files or folders")
    _output_options(build)
    batch = sub.add_parser("batch", help="one numbered circular per row of a table")
    batch.add_argument("plan", type=Path, help="the plan; {{ row.列名 }} takes a row's value")
    batch.add_argument("--rows", type=Path, required=True, help="CSV or XLSX, header on row 1")
    batch.add_argument("--key-column", help="the column that identifies a row (default: the "
                                            "first); a row keeps its number by this key")
    batch.add_argument("--sheet", help="XLSX sheet name (default: the first)")
    _output_options(batch)
    _number_parser(sub)
    imp = sub.add_parser("import", help="a text/Markdown/.docx draft → a plan file to edit "
                                        "and build; lists every change it made")
    imp.add_argument("draft", type=Path)
    imp.add_argument("-o", "--output", type=Path, help="the plan file to write (default: the "
                                                       "draft's name with .yaml, in inputs/)")
    _import_options(imp)
    imp.add_argument("--force", action="store_true", help="replace a plan file that exists")
    cert = sub.add_parser("certificates", help="荣誉证书 for every row of a roster, a merged PDF "
                                               "and a manifest")
    cert.add_argument("plan", type=Path, help="the certificate plan (.yaml)")
    cert.add_argument("--roster", type=Path, help="CSV or XLSX, one person a row")
    cert.add_argument("--sheet", help="XLSX sheet name or number (default: the first)")
    cert.add_argument("-o", "--output", type=Path, help="folder (default: outputs/PLAN)")
    cert.add_argument("--format", choices=tuple(FORMAT_CHOICES), default="all")
    cert.add_argument("--merged-only", action="store_true",
                      help="only the merged PDF for printing, no file per person")
    cert.add_argument("--check", action="store_true",
                      help="read and validate the roster, print the report, write nothing")
    cert.add_argument("--skip-invalid", action="store_true",
                      help="build the valid rows; the others are listed in the manifest")
    cert.add_argument("--zip", action="store_true", help="also pack everything into a .zip")
    cert.add_argument("--xlsx", action="store_true", help="the manifest as .xlsx as well")
    cert.add_argument("--calibrate", action="store_true",
                      help="套打: write a calibration page to print on the paper and measure")
    _font_option(cert)
    _db_option(cert)
    chk = sub.add_parser("check", help="findings against GB/T 9704 for .docx, .pdf, plan "
                                       "(.yaml) or draft files; exit 1 when errors are found")
    chk.add_argument("paths", nargs="+", type=Path)
    chk.add_argument("--json", action="store_true", help="findings as JSON")
    fmt = sub.add_parser("format", help="import a draft or a messy .docx and build it to the "
                                        "standard in one step")
    fmt.add_argument("draft", type=Path)
    fmt.add_argument("-o", "--output", type=Path, required=True,
                     help="the .docx to write (the .pdf and the plan go beside it)")
    fmt.add_argument("--format", choices=tuple(FORMAT_CHOICES), default="all")
    _import_options(fmt)
    _font_option(fmt)
    _db_option(fmt)
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
                for path in build_plan(plan, args.output, formats, fonts, notes, args.db):
                    print(f"wrote {path}")
            except GongwenError as exc:
                failures += 1
                print(f"error: {exc}", file=sys.stderr)
            for note in notes:
                print(f"note: {note}", file=sys.stderr)
    return 1 if failures else 0


def _batch(args) -> int:
    from pipeline.batch import run_batch

    formats = FORMAT_CHOICES[args.format]
    fonts = _fontbook(args) if "pdf" in formats else None
    notes: list[str] = []
    tty = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if tty:
            print(f"\r{done}/{total} rows", end="" if done < total else "\n", file=sys.stderr)

    try:
        manifest, rows, built = run_batch(args.plan, args.rows, args.output, formats=formats,
                                          fonts=fonts, db=args.db, key_column=args.key_column,
                                          sheet=args.sheet, notes=notes, progress=progress)
    finally:
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
    for row in rows:
        print(f"row {row.row}\t{row.number}\t{', '.join(row.files)}")
    print(f"{built} built, {len(rows) - built} unchanged; manifest {manifest}")
    return 0


def _number(args) -> int:
    import datetime as dt

    from pipeline import registerbook
    from pipeline.registry import Register

    year = getattr(args, "year", None) or dt.date.today().year
    with Register(args.db) as register:
        if args.action == "next":
            print(register.peek(args.code, year))
        elif args.action == "allocate":
            entry, new = register.allocate(args.code, args.key, year, title=args.title,
                                           file=args.file, by=args.by)
            print(entry.number)
            if not new:
                print(f"(already bound to key {entry.doc_key} since {entry.issued_at})",
                      file=sys.stderr)
        elif args.action == "list":
            entries = register.entries(args.code, args.year, args.status)
            if args.format == "table":
                print(registerbook.table(entries))
            else:
                path = args.output or Path(f"register.{args.format}")
                if path.suffix.lower() != f".{args.format}":
                    path = path.with_suffix(f".{args.format}")
                print(f"wrote {registerbook.export(entries, path)} ({len(entries)} numbers)")
        elif args.action == "void":
            entry = register.void(args.number, args.reason, by=args.by)
            print(f"{entry.number} voided: {entry.void_reason}")
        elif args.action == "import":
            entries = registerbook.import_book(register, args.path, by=args.by)
            print(f"imported {len(entries)} numbers from {args.path}")
    return 0


def _import_drafts(args):
    from pipeline.readers.importer import import_draft

    drafts = import_draft(args.draft, simplify=args.simplify)
    for draft in drafts:
        if args.organ:
            draft.organs = [args.organ]
    return drafts


def _plan_paths(target: Path, count: int) -> list[Path]:
    if count == 1:
        return [target]
    return [target.with_name(f"{target.stem}-{i}{target.suffix}") for i in range(1, count + 1)]


def _report(draft, path) -> None:
    print(f"{path}: {draft.title}")
    for change in draft.changes:
        print(f"  {change}")


def _import(args) -> int:
    from pipeline.writers.plan_yaml import write_plan

    drafts = _import_drafts(args)
    target = args.output or Path("inputs") / f"{args.draft.stem}.yaml"
    if len(drafts) > 1:
        print(f"{args.draft} holds {len(drafts)} documents; one plan each:")
    paths = _plan_paths(target, len(drafts))
    existing = [str(p) for p in paths if p.exists()]
    if existing and not args.force:
        raise GongwenError(f"{', '.join(existing)} already exists (an edited plan would be "
                           "lost); choose another -o, or --force to replace it")
    for draft, path in zip(drafts, paths):
        write_plan(draft, args.draft, path)
        _report(draft, path)
    return 0


def _format(args) -> int:
    from pipeline.build import build_plan
    from pipeline.writers.plan_yaml import write_plan

    drafts = _import_drafts(args)
    formats = FORMAT_CHOICES[args.format]
    fonts = _fontbook(args) if "pdf" in formats else None
    out = args.output.with_suffix(".docx")
    for draft, docx_path in zip(drafts, _plan_paths(out, len(drafts))):
        plan = write_plan(draft, args.draft, docx_path.with_suffix(".yaml"))
        _report(draft, plan)
        notes: list[str] = []
        for path in build_plan(plan, docx_path.parent, formats, fonts, notes, args.db):
            print(f"wrote {path}")
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
    return 0


def _check(args) -> int:
    from pipeline.check import ERROR, check_file, report

    errors = 0
    for path in args.paths:
        findings = check_file(path)
        errors += sum(f.severity == ERROR for f in findings)
        print(report(path, findings, args.json))
    return 1 if errors else 0


def _certificates(args) -> int:
    from pipeline.certificates.run import calibration_page, run

    out = args.output or Path("outputs") / args.plan.stem
    if args.calibrate:
        print(f"wrote {calibration_page(args.plan, out / 'calibration.pdf', _fontbook(args))}")
        return 0
    if not args.roster:
        raise GongwenError("give the roster: --roster names.xlsx")
    formats = FORMAT_CHOICES[args.format]
    if args.merged_only:
        formats = ("pdf",)
    tty = sys.stderr.isatty()

    def progress(stage: str, done: int, total: int) -> None:
        if tty:
            bar = "#" * int(30 * done / total)
            print(f"\r{stage:4} [{bar:30}] {done}/{total}", end="" if done < total else "\n",
                  file=sys.stderr)

    outcome = run(args.plan, args.roster, out, formats=formats, merged_only=args.merged_only,
                  check_only=args.check, skip_invalid=args.skip_invalid, make_zip=args.zip,
                  xlsx_manifest=args.xlsx,
                  sheet=args.sheet, db=args.db, fonts=_fontbook(args), progress=progress)
    print(outcome.report)
    if args.check:
        return 1 if outcome.skipped else 0
    print(f"{len(outcome.certificates)} certificates: {outcome.built} built, "
          f"{outcome.unchanged} unchanged; manifest {outcome.manifest}"
          + (f"; merged {outcome.merged}" if outcome.merged else ""))
    return 0


def _fonts(args) -> int:
    from pipeline.fontreport import font_report

    text, ok = font_report(_fontbook(args))
    print(text)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"build": _build, "batch": _batch, "number": _number, "import": _import,
                "format": _format, "check": _check, "certificates": _certificates, "fonts": _fonts}[args.command](args)
    except GongwenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head/less that closed early
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted; no partial files were left", file=sys.stderr)
        return 130
