"""Wiring the stages: plan file → document model → transforms → writers → files."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

from pipeline.errors import AssetError, GongwenError
from pipeline.fonts.book import FontBook
from pipeline.model import Document, Seal, Stamp
from pipeline.readers.plan import (Plan, as_list, check_kind, plan_from_data, read_plan,
                                   to_document)
from pipeline.readers.textfile import replace_unsafe
from pipeline.readers.yamlsource import Located
from pipeline.transforms.numbering import number_headings
from pipeline.transforms.seal import prepare_seal
from pipeline.transforms.title import split_title, title_note_lines, title_finding
from pipeline.writers.atomic import short_name, staged
from pipeline.writers.docx import write_docx

FORMATS = ("docx", "pdf")
PLAN_SUFFIXES = (".yaml", ".yml")


def _attach_seals(doc: Document, plan: Plan, src: Located) -> None:
    sig = plan.signature
    if not sig or not sig.seal or not doc.signature:
        return
    paths = as_list(sig.seal)
    organs = doc.signature.organs
    line = src.line_of(("signature", "seal"))
    if len(paths) != len(organs):
        raise AssetError(f"{len(organs)} signing organ(s) but {len(paths)} seal image(s); "
                         "give one seal per organ, in the same order", file=src.file,
                         line=line, field="signature.seal")
    base = src.file.parent
    doc.signature.seals = [
        Seal(png=prepare_seal(base / p, plan=src.file, line=line), diameter_mm=sig.seal_size_mm,
             offset_mm=tuple(sig.seal_offset_mm))
        for p in paths]


def _attach_stamp(doc: Document, plan: Plan, src: Located) -> None:
    """The 签名章 of a 命令 (GB/T 9704 7.3.5.3): prepared like a seal, red on a transparent
    ground, so it presses nothing white over the page."""
    sig = plan.signature
    if not sig or not sig.stamp or not doc.signature:
        return
    line = src.line_of(("signature", "stamp"))
    png = prepare_seal(src.file.parent / sig.stamp, plan=src.file, field="signature.stamp",
                       line=line)
    doc.signature.stamp = Stamp(png=png, height_mm=sig.stamp_height_mm)


def _number_year(doc: Document) -> int:
    found = re.search(r"(\d{4})年", doc.signature.date if doc.signature else "")
    return int(found.group(1)) if found else dt.date.today().year


def number_document(doc: Document, db: str | None, file: str = "", by: str | None = None) -> str:
    """For number: auto, the number bound to the document's key in the register (allocated
    on the first build, the same on every rebuild). Returns a line for the user, or "".
    `by` is who the register records (default: the login name)."""
    if not doc.number_code:
        return ""
    from pipeline.register.registry import Register

    year = _number_year(doc)
    with Register(db) as register:
        entry, new = register.allocate(doc.number_code, doc.key, year,
                                       title="".join(doc.title_lines) or doc.title, file=file,
                                       by=by)
    doc.header.number = entry.number
    told = f"number {entry.number} " + ("allocated" if new else "kept (already bound to this "
                                                                 "document)")
    if doc.key.startswith("plan:"):
        told += ("; the plan has no id, so the number is bound to the file's path — give it "
                 "an id (id: 2026-春耕通知) so moving or copying the file cannot change it")
    return told


def document_from_plan(path: Path, row: dict | None = None,
                       data: dict | None = None) -> tuple[Document, Plan]:
    """The document of a plan file, or of plan `data` made in memory (an import's), which is
    validated as the file would be and never written out and read back."""
    plan, src = plan_from_data(data, path) if data is not None else read_plan(path, row)
    doc = to_document(plan, src)
    check_kind(doc, plan, src)
    number_headings(doc.blocks)
    for att in doc.attachments:
        number_headings(att.blocks)
        att.title_lines = split_title(att.title, keep=tuple(doc.header.organ_names))
    doc.title_lines = split_title(doc.title, keep=tuple(doc.header.organ_names))
    if doc.title_note:
        doc.title_note_lines = title_note_lines(doc.title_note)
    _attach_seals(doc, plan, src)
    _attach_stamp(doc, plan, src)
    return doc, plan


def build_plan(path: Path, out_dir: Path, formats=FORMATS, fonts: FontBook | None = None,
               notes: list[str] | None = None, db: str | None = None,
               pdf_writer=None, by: str | None = None, data: dict | None = None) -> list[Path]:
    """Build one plan; returns the files written. Copies (份号) each get their own file.
    Characters the PDF had to set in another font, and the number the register gave, are
    appended to `notes`. `data`: the plan's data when it was made in memory (path names it)."""
    doc, plan = document_from_plan(path, data=data)
    if notes is not None and plan._report:  # rows of the data left out (合计, notes)
        notes.extend(f"{Path(path).name}: {note}" for note in plan._report.notes)
    if notes is not None:
        notes.extend(f"{Path(path).name}: {note}" for note in plan._warnings)
    # a 250-byte plan name leaves no room for -000001.docx; an ESC or a bidi override in
    # the plan's name must not reach the output's name
    stem = short_name(replace_unsafe(Path(path).stem, "_"))
    told = number_document(doc, db, str(Path(out_dir) / stem), by)
    if notes is not None:
        notes.extend(f"{Path(path).name}: {line}" for line in (told, title_finding(doc.title))
                     if line)
    return write_document(doc, plan, stem, out_dir, formats, fonts, notes, pdf_writer)


def preview_plan(path: Path, out_dir: Path, formats=("pdf",), fonts: FontBook | None = None,
                 notes: list[str] | None = None, db: str | None = None) -> list[Path]:
    """Like build_plan, but allocates nothing: a document with number: auto shows the number
    the register would give next (so a preview never uses up a number)."""
    doc, plan = document_from_plan(path)
    if notes is not None:
        notes.extend(f"{Path(path).name}: {note}" for note in plan._warnings)
    if doc.number_code:
        from pipeline.register.registry import Register

        with Register(db) as register:
            bound = register.find(doc.number_code, doc.key)
            doc.header.number = bound.number if bound else register.peek(
                doc.number_code, _number_year(doc))
    if notes is not None:
        notes.extend(f"{Path(path).name}: {line}" for line in (title_finding(doc.title),) if line)
    return write_document(doc, plan, Path(path).stem, out_dir, formats, fonts, notes)


def write_document(doc: Document, plan: Plan, stem: str, out_dir: Path, formats=FORMATS,
                   fonts: FontBook | None = None, notes: list[str] | None = None,
                   pdf_writer=None) -> list[Path]:
    """Write a finished document in each format. All or nothing: if any file fails, none of
    this document's files is left behind. `pdf_writer` replaces writers.pdf.write_pdf (the
    CLI's runs it in a process started early, writers/pdf_process.py)."""
    copies = [doc]
    if plan.copies:
        copies = [replace(doc, header=replace(doc.header, copy_number=f"{n:06d}"))
                  for n in range(1, plan.copies + 1)]
    source = doc.source.name if doc.source else stem
    names = []
    fonts = fonts or FontBook()  # both writers paginate with the fonts the PDF prints in
    with staged(out_dir) as stage:
        for copy in copies:
            name = stem + (f"-{copy.header.copy_number}" if plan.copies else "")
            pdf = None
            if "pdf" in formats:
                if pdf_writer is None:  # WeasyPrint loads only when needed
                    from pipeline.writers.pdf import write_pdf as pdf_writer

                pdf = _begin_pdf(pdf_writer, copy, stage / f"{name}.pdf", fonts)
            try:
                if "docx" in formats:
                    names.append(write_docx(copy, stage / f"{name}.docx", fonts).name)
            except BaseException:
                if pdf:  # the child must be done with the staging folder before it goes
                    try:
                        pdf()
                    except Exception:  # noqa: BLE001 - the .docx's failure is the one told
                        pass
                raise
            if pdf:
                result = pdf()
                names.append(result.path.name)
                if notes is not None:
                    notes.extend(f"{source}: {sub}" for sub in result.substitutions
                                 if f"{source}: {sub}" not in notes)
    return [Path(out_dir) / name for name in names]


def _begin_pdf(pdf_writer, doc: Document, path: Path, fonts: FontBook):
    """A function giving the PDF's result. A writer in another process (PdfProcess) starts
    now and renders while this process writes the .docx; a plain function runs when asked."""
    begin = getattr(pdf_writer, "begin", None)
    if begin is not None:
        return begin(doc, path, fonts)
    return lambda: pdf_writer(doc, path, fonts)


def plan_files(target: Path) -> list[Path]:
    target = Path(target)
    if target.is_dir():
        found = sorted(p for p in target.iterdir()
                       if p.suffix.lower() in PLAN_SUFFIXES and p.is_file())
        if not found:
            raise GongwenError(f"'{target}' holds no plan (.yaml) files")
        return found
    if not target.exists():
        raise GongwenError(f"'{target}' does not exist")
    return [target]
