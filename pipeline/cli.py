"""The gongwen command line: parses arguments, calls the stages, turns errors into one line."""
from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from pipeline import __version__
from pipeline.errors import GongwenError, system_problem

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
    init = cmds.add_parser("init", help="make a new, empty register (and its folder); an "
                                        "existing register is left as it is")
    for p in (nxt, alloc, lst, void, imp, init):
        _db_option(p)
    for p in (alloc, imp):
        p.add_argument("--create", action="store_true",
                       help="make the register if its folder does not exist yet")
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
    fmt.add_argument("--force", action="store_true",
                     help="replace the plan beside the .docx even if it was edited")
    _font_option(fmt)
    _db_option(fmt)
    fonts = sub.add_parser("fonts", help="which font serves each role, and what is missing")
    _font_option(fonts)
    _serve_parser(sub)
    return parser


def _serve_parser(sub) -> None:
    serve = sub.add_parser("serve", help="the workbench: every command in a browser, for an "
                                         "office (see README, 'The workbench')")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                       "127.0.0.1; any other needs --users or --proxy-header)")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument("--data", type=Path, default=Path("workbench"),
                       help="folder for saved plans and job files (default: workbench/)")
    serve.add_argument("--users", type=Path, help="users file (name:scrypt-hash lines)")
    serve.add_argument("--add-user", metavar="NAME", help="add or change a user in --users "
                       "(password read from the terminal or standard input) and exit")
    serve.add_argument("--proxy-header", metavar="NAME", help="trust this header (e.g. "
                       "X-Remote-User) for the user name, set by a reverse proxy that logs in")
    serve.add_argument("--proxy-from", default="127.0.0.1,::1",
                       help="addresses the proxy header is accepted from (comma-separated)")
    serve.add_argument("--seals", type=Path, help="the seal library (default: inputs/seals)")
    serve.add_argument("--certificate-plans", type=Path,
                       help="folder of certificate plans offered (default: inputs/certificates)")
    serve.add_argument("--max-upload-mb", type=float, default=20.0)
    serve.add_argument("--job-hours", type=float, default=24.0,
                       help="job folders are removed after this many hours (default 24)")
    serve.add_argument("--workers", type=int, default=2,
                       help="processes for previews, imports and checks (default 2)")
    serve.add_argument("--cert-workers", type=int, help="processes a certificate job uses")
    serve.add_argument("--https", action="store_true", help="clerks reach it over HTTPS (a TLS "
                       "proxy in front): send the session cookie over HTTPS only")
    _font_option(serve)
    _db_option(serve)


def _fontbook(args):
    from pipeline.fonts.book import FontBook, parse_overrides

    return FontBook(parse_overrides(args.font))


def _pdf_writer(formats):
    """For `build` with PDF: the PDF writer in a child started now, which imports WeasyPrint
    and reads the fonts while this process reads the plan (writers/pdf_process.py). The
    child ends when its pipe closes: when the returned writer is dropped, or at exit."""
    if "pdf" not in formats:
        return None
    from pipeline.writers.pdf_process import PdfProcess

    return PdfProcess()


def _say(text: str, err: bool = False) -> None:
    """Print a line with user text in it: control characters are shown as \\u001b, never sent
    to the terminal (a raw ESC can rewrite the screen)."""
    from pipeline.readers.textfile import printable

    print(printable(str(text)), file=sys.stderr if err else sys.stdout)


def _output_folder(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise GongwenError(f"-o '{path}' is a file; give a folder for the documents")
    return path


def _build(args) -> int:
    """Every plan that can be built is built; the others are named, one line each."""
    pdf_writer = _pdf_writer(FORMAT_CHOICES[args.format])
    from pipeline.build import build_plan, plan_files

    formats = FORMAT_CHOICES[args.format]
    _output_folder(args.output)
    fonts = _fontbook(args) if "pdf" in formats else None
    plans, failures = [], 0
    for target in args.paths:
        try:
            plans += plan_files(target)
        except GongwenError as exc:
            failures += 1
            _say(f"error: {exc}", err=True)
    for plan in plans:
        notes: list[str] = []
        try:
            for path in build_plan(plan, args.output, formats, fonts, notes, args.db,
                                   pdf_writer):
                _say(f"wrote {path}")
        except GongwenError as exc:
            failures += 1
            _say(f"error: {exc}", err=True)
        except OSError as exc:  # the machine refused (disk full, no permission) or a bug
            failures += 1
            _say(f"error: {plan}: {system_problem(exc) if exc.errno else _internal(exc)}",
                 err=True)
        except (MemoryError, RecursionError, ValueError, TypeError, KeyError,
                IndexError, AttributeError, RuntimeError) as exc:
            # a fault of ours, not the clerk's: the other plans are still built
            failures += 1
            _say(f"error: {plan}: {_internal(exc)}", err=True)
        for note in notes:
            _say(f"note: {note}", err=True)
    if len(plans) > 1:
        _say(f"{len(plans) - failures} of {len(plans)} plans built"
             + (f"; {failures} with errors (above)" if failures else ""), err=True)
    return 1 if failures else 0


def _batch(args) -> int:
    from pipeline.batch import run_batch

    _output_folder(args.output)
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
            _say(f"note: {note}", err=True)
    for row in rows:
        _say(f"row {row.row}\t{row.number}\t{', '.join(row.files)}")
    _say(f"{built} built, {len(rows) - built} unchanged; manifest {manifest}")
    return 0


def _number(args) -> int:
    import datetime as dt

    from pipeline.register import book as registerbook
    from pipeline.register.registry import Register

    year = getattr(args, "year", None) or dt.date.today().year
    if not 1900 <= year <= 2999:
        raise GongwenError(f"--year {year}: a year from 1900 to 2999")
    create = args.action == "init" or getattr(args, "create", False)
    with Register(args.db, create=create) as register:
        if args.action == "init":
            count = len(register.entries())
            _say(f"register {register.url}: " + (f"exists, {count} numbers" if count
                                                   else "ready, no numbers yet"))
        elif args.action == "next":
            _say(register.peek(args.code, year))
        elif args.action == "allocate":
            entry, new = register.allocate(args.code, args.key, year, title=args.title,
                                           file=args.file, by=args.by)
            _say(entry.number)
            if not new:
                _say(f"(already bound to key {entry.doc_key} since {entry.issued_at})",
                     err=True)
        elif args.action == "list":
            entries = register.entries(args.code, args.year, args.status)
            if args.format == "table":
                _say(registerbook.table(entries))
            else:
                path = args.output or Path(f"register.{args.format}")
                if path.suffix.lower() != f".{args.format}":
                    path = path.with_suffix(f".{args.format}")
                _say(f"wrote {registerbook.export(entries, path)} ({len(entries)} numbers)")
        elif args.action == "void":
            entry = register.void(args.number, args.reason, by=args.by)
            _say(f"{entry.number} voided: {entry.void_reason}")
        elif args.action == "import":
            entries = registerbook.import_book(register, args.path, by=args.by)
            _say(f"imported {len(entries)} numbers from {args.path}")
    return 0


@contextlib.contextmanager
def _damaged_file(path: Path):
    """A .docx that is not a zip, or whose XML is not well-formed (an entity-expansion
    DOCTYPE is refused by lxml, not expanded): one line naming the file."""
    import zipfile

    from lxml import etree

    from pipeline.readers.inputfile import check_file, check_zip

    if Path(path).exists() and not Path(path).is_dir():
        check_file(path)
        if Path(path).suffix.lower() in (".docx", ".xlsx", ".docm"):
            check_zip(path)
    try:
        yield
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError) as exc:
        detail = str(exc).split(", see ")[0].split(" (<string>")[0][:160]
        raise GongwenError(f"not a readable .docx: {detail}", file=path) from None


def _import_drafts(args):
    from pipeline.readers.importer import import_draft

    with _damaged_file(args.draft):
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
    from pipeline.readers.importer import file_data, kind_findings

    _say(f"{path}: {draft.title}")
    for change in draft.changes:
        _say(f"  {change}")
    for finding in kind_findings(file_data(draft), path):  # what the 文种 asks for
        _say(f"  {finding}")


def _import(args) -> int:
    from pipeline.readers.importer import write_plan

    drafts = _import_drafts(args)
    target = args.output or Path("inputs") / f"{args.draft.stem}.yaml"
    if target.is_dir():
        target = target / f"{args.draft.stem}.yaml"
    if len(drafts) > 1:
        _say(f"{args.draft} holds {len(drafts)} documents; one plan each:")
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
    from pipeline.readers.importer import file_data, plan_text, write_plan

    drafts = _import_drafts(args)
    formats = FORMAT_CHOICES[args.format]
    fonts = _fontbook(args) if "pdf" in formats else None
    out = args.output
    if out.is_dir():
        out = out / f"{args.draft.stem}.docx"
    out = out.with_suffix(".docx")
    pairs = list(zip(drafts, _plan_paths(out, len(drafts))))
    # the plan beside the .docx may have been edited since the last format: it is replaced
    # only when it is still what format wrote (the same text), or with --force
    edited = [str(p.with_suffix(".yaml")) for d, p in pairs if p.with_suffix(".yaml").exists()
              and p.with_suffix(".yaml").read_text("utf-8", "replace")
              != plan_text(d, args.draft)]
    for _d, docx_path in pairs:
        if docx_path.exists() and docx_path.resolve() == args.draft.resolve():
            raise GongwenError(f"-o {docx_path} is the draft itself; the formatted file "
                               "needs another name")
        if docx_path.exists() and not docx_path.with_suffix(".yaml").exists() and not args.force:
            # no plan beside it: not an earlier output of format, maybe the clerk's own file
            raise GongwenError(f"{docx_path} exists and was not made by gongwen format; "
                               "choose another -o, or --force to replace it")
    if edited and not args.force:
        raise GongwenError(f"{', '.join(edited)} exists and differs from what this draft "
                           "gives (edited by hand?); build it with gongwen build, choose "
                           "another -o, or --force to replace it")
    for draft, docx_path in pairs:
        plan = write_plan(draft, args.draft, docx_path.with_suffix(".yaml"))
        _report(draft, plan)
        notes: list[str] = []
        # built from the data the plan file was written from, not from the file read back
        for path in build_plan(plan, docx_path.parent, formats, fonts, notes, args.db,
                               data=file_data(draft)):
            _say(f"wrote {path}")
        for note in notes:
            _say(f"note: {note}", err=True)
    return 0


def _check(args) -> int:
    from pipeline.check import ERROR, check_file, report

    errors = 0
    for path in args.paths:
        try:
            with _damaged_file(path):
                findings = check_file(path)
        except GongwenError as exc:  # the other files are still checked
            _say(f"error: {exc}", err=True)
            errors += 1
            continue
        errors += sum(f.severity == ERROR for f in findings)
        _say(report(path, findings, args.json))
    return 1 if errors else 0


def _certificates(args) -> int:
    from pipeline.certificates.run import calibration_page, run

    out = _output_folder(args.output or Path("outputs") / args.plan.stem)
    if args.calibrate:
        _say(f"wrote {calibration_page(args.plan, out / 'calibration.pdf', _fontbook(args))}")
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
    _say(outcome.report)
    if args.check:
        return 1 if outcome.skipped else 0
    _say(f"{outcome.count} certificates: {outcome.built} built, "
          f"{outcome.unchanged} unchanged; manifest {outcome.manifest}"
          + (f"; merged {outcome.merged}" if outcome.merged else ""))
    for note in outcome.notes:
        _say(f"note: {note}", err=True)
    return 0


def _fonts(args) -> int:
    from pipeline.fonts.report import font_report

    text, ok = font_report(_fontbook(args))
    _say(text)
    return 0 if ok else 1


def _internal(exc: BaseException) -> str:
    where = ""
    tb = exc.__traceback__
    while tb and tb.tb_next:
        tb = tb.tb_next
    if tb:
        where = f" at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
    return (f"internal error {type(exc).__name__}{where}: {str(exc)[:200]} — please report "
            "it with the input; nothing was half-written (GONGWEN_DEBUG=1 shows the "
            "traceback)")


def _serve(args) -> int:
    from pipeline.fonts.book import parse_overrides
    from pipeline.web.config import Settings

    if args.add_user:
        import getpass

        from pipeline.web.auth import add_user

        if not args.users:
            raise GongwenError("--add-user needs --users FILE")
        password = (getpass.getpass(f"password for {args.add_user}: ") if sys.stdin.isatty()
                    else sys.stdin.readline().rstrip("\n"))
        add_user(args.users, args.add_user, password)
        print(f"{args.add_user} added to {args.users}")
        return 0
    settings = Settings(host=args.host, port=args.port, data=args.data, db=args.db,
                        users=args.users, proxy_header=args.proxy_header,
                        proxy_from=tuple(a.strip() for a in args.proxy_from.split(",")),
                        max_upload_mb=args.max_upload_mb, job_hours=args.job_hours,
                        workers=args.workers, cert_workers=args.cert_workers,
                        fonts=parse_overrides(args.font), https=args.https)
    if args.seals:
        settings.seals = args.seals.resolve()
    if args.certificate_plans:
        settings.certificate_plans = args.certificate_plans.resolve()
    from pipeline.web.server import serve

    return serve(settings)


def main(argv: list[str] | None = None) -> int:
    import os

    args = _parser().parse_args(argv)
    try:
        return {"build": _build, "batch": _batch, "number": _number, "import": _import,
                "format": _format, "check": _check, "certificates": _certificates, "fonts": _fonts,
                "serve": _serve}[args.command](args)
    except GongwenError as exc:
        _say(f"error: {exc}", err=True)
        return 1
    except MemoryError:
        _say("error: out of memory; nothing was half-written", err=True)
        return 1
    except BrokenPipeError:  # output piped into head/less that closed early
        sys.stderr.close()
        return 0
    except OSError as exc:  # the machine refused (disk full, no permission): not a bug
        if os.environ.get("GONGWEN_DEBUG"):
            raise
        if not exc.errno:  # an OSError with no system error number is a fault of ours
            _say(f"error: {_internal(exc)}", err=True)
            return 2
        _say(f"error: {system_problem(exc)}", err=True)
        return 1
    except KeyboardInterrupt:
        print("interrupted; no partial files were left", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: one line, not a traceback, unless asked
        if os.environ.get("GONGWEN_DEBUG"):
            raise
        _say(f"error: {_internal(exc)}", err=True)
        return 2
