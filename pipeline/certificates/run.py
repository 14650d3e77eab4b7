"""`gongwen certificates`: plan + roster → every certificate, a merged PDF and a manifest.

The whole roster is read and validated before anything is written. Certificate numbers come
from the register (one transaction for the whole roster), bound to each person's key, so a
re-run or a reprint keeps them. Each person's output has a fingerprint in the manifest; a
re-run (also after a crash) rebuilds only what is missing or changed.

Memory does not grow with the roster past reading it: once numbered, the certificates are
composed into a spool on disk (spool.py), and every later stage — the up-to-date check, the
workers, the merged PDF, the manifest, the zip — reads it a block at a time, keeping a few
bytes a person (whether it is built, its fingerprint, its files' SHA-256).
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pipeline import __version__
from pipeline.certificates import docx_out, pdf_out
from pipeline.certificates.design import design_for
from pipeline.certificates.plan import read_certificate_plan
from pipeline.certificates.records import Certificate, Characters, compose, key_of
from pipeline.certificates.spool import BLOCK, Spool, batches, in_order
from pipeline import limits
from pipeline.errors import GongwenError, PlanError
from pipeline.fonts.book import FontBook
from pipeline.manifest import (FINGERPRINT, KEY, digest, fingerprint, renderer_version,
                               up_to_date)
from pipeline.readers.roster import Issue, read_roster
from pipeline.forms import parse_date
from pipeline.transforms.placeholders import time_budget
from pipeline.transforms.seal import prepare_seal
from pipeline.writers.atomic import (atomic_path, die_with_parent, put_file, safe_file_part,
                                     sweep_stale, sync_filesystem)
from pipeline.writers.sheets import iter_table, safe_cell, write_table

MANIFEST = "manifest.csv"
MERGED = "merged.pdf"
DEPARTED = "removed"  # files of people taken off the roster since the last run


class CertificateError(GongwenError):
    """The roster has problems (and --skip-invalid was not given)."""


@dataclass
class Outcome:
    report: str
    count: int = 0  # valid certificates (all of them with --check)
    built: int = 0
    unchanged: int = 0
    skipped: list[Issue] = field(default_factory=list)
    manifest: Path | None = None
    merged: Path | None = None
    notes: list[str] = field(default_factory=list)


ROLES = ("kai", "fang", "hei", "song", "xiaobiaosong")


def _font_problems(chars: dict[str, set[str]], fonts: FontBook
                   ) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """For each role, from the characters the run sets in it: the fallback families for
    characters the role's font lacks, and the characters no installed font has. Works on
    the distinct characters, so ten thousand rows cost what a few hundred do."""
    from pipeline.fonts.book import covers

    extra: dict[str, list[str]] = {}
    nowhere: dict[str, set[str]] = {}
    for role, used in chars.items():
        face = fonts.face(role)
        for ch in sorted(used):  # sorted: the same CSS, so the same fingerprints, each run
            if ch.isspace() or covers(face, ch):
                continue
            other = fonts.fallback(role, ch)
            if other is None:
                nowhere.setdefault(role, set()).add(ch)
            elif other.family not in extra.setdefault(role, []):
                extra[role].append(other.family)
    return extra, nowhere


def _fingerprint(cert: Certificate, shared: str) -> str:
    return fingerprint(shared, cert.fields, cert.number, cert.texts, cert.sizes)


def _renderer() -> str:
    """The version of everything that draws a certificate: a changed composer, font
    assembler, template or library makes every certificate again on the next run."""
    return renderer_version(
        tuple(f"pipeline.certificates.{m}" for m in (
            "composer", "cff", "pdffile", "pdf_out", "docx_out", "design", "records")),
        (str(pdf_out.TEMPLATES / "certificate.html.j2"),),
        ("weasyprint", "pydyf", "fonttools", "python-docx", "docxtpl", "jinja2", "pillow"))


def _composed(rows, plan, design, src, numbers=None) -> Iterator[Certificate]:
    """Each row's certificate, composed as it is needed (a roster's worth of composed
    certificates is never held): seq counts the rows given, from 1; `numbers` holds each
    row's (year, seq) in the register."""
    try:
        with time_budget(limits.TEMPLATE_RUN_SECONDS, "the wording for all rows together"):
            for seq, r in enumerate(rows, start=1):
                number = ""
                if numbers:
                    year, n = numbers[seq - 1]
                    number = plan.number.pattern.format(
                        code=plan.number.code.strip(), year=year, seq=n)
                cert = Certificate(r.row, seq, key_of(plan, r.values), dict(r.values), number)
                yield compose(cert, plan, design)
    except PlanError as exc:  # the wording's template failed: name the plan and its line
        raise PlanError(exc.message, file=src.file, line=src.line_of(("wording",)),
                        field="wording") from None


def run(plan_path: Path, roster_path: Path, out_dir: Path, *, formats=("pdf",),
        merged_only: bool = False, check_only: bool = False, skip_invalid: bool = False,
        make_zip: bool = False, xlsx_manifest: bool = False, sheet=None, db: str | None = None,
        fonts: FontBook | None = None, progress=None, workers: int | None = None,
        by: str | None = None) -> Outcome:
    """`by` is who the register records for the certificate numbers (default: login name)."""
    plan, src = read_certificate_plan(plan_path)
    design = design_for(plan)
    design_file = None if design else (src.file.parent / plan.design)
    name_box = "salutation" if design and design.box("salutation") else "姓名"
    max_chars = design.max_chars(name_box) if design else None
    if max_chars and name_box == "salutation":
        max_chars -= 3  # 同志：
    roster = read_roster(roster_path, columns=plan.columns, required=plan.required_fields(),
                         dates=plan.dates, key=plan.key, max_name_chars=max_chars, sheet=sheet)
    seal_png = None
    if plan.seal:
        seal_png = prepare_seal(src.file.parent / plan.seal, plan=src.file,
                                line=src.line_of(("seal",)), field="seal")
    rows = roster.valid_rows
    first, chars = None, Characters()
    for cert in _composed(rows, plan, design, src):  # texts without the number: fonts, fit
        chars.of(cert, design)
        first = first or cert
    fonts = fonts or FontBook()
    roles = _roles(rows, chars, plan, design, src, fonts, roster) if "pdf" in formats else {}
    if design is None and design_file.suffix.lower() == ".docx" and first and \
            "docx" in formats and not merged_only:
        # the user's design is a template: try it on the first person before any number
        try:
            docx_out.DocxMaker(plan, None, design_file, seal_png).make(first)
        except ValueError as exc:
            raise PlanError(f"the design's template, row {first.row}: {exc}",
                            file=design_file, field="design") from None
    outcome = Outcome(roster.report())
    invalid = roster.invalid
    outcome.skipped = [i for i in roster.issues if i.kind == "error"]
    rows = [r for r in rows if r.row not in invalid]
    outcome.count = len(rows)
    if check_only:
        return outcome
    if invalid and not skip_invalid:
        raise CertificateError(f"{len(invalid)} row(s) need fixing; nothing was written "
                               f"(--skip-invalid builds the others):\n{roster.report()}")
    if not rows:
        raise CertificateError(f"no valid rows to build:\n{roster.report()}")
    numbers = _numbers(rows, plan, src, db, by) if plan.number else None
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with Spool(out_dir) as spool:
        chars, columns = Characters(), {}
        for cert in _composed(rows, plan, design, src, numbers):  # now with their numbers
            spool.add(cert)
            chars.of(cert, design)
            columns.update(dict.fromkeys(cert.fields))
        # the rows live on in the spool; what the roster keeps is its issues
        del rows, numbers, roster.rows[:]
        return _write(outcome, plan, src, design, design_file, seal_png, roles, spool, chars,
                      [c for c in columns if c not in ("证书内容", "证书编号")], roster,
                      out_dir, formats, merged_only, make_zip, xlsx_manifest, progress,
                      workers)


def _roles(rows, chars: Characters, plan, design, src, fonts: FontBook, roster
           ) -> dict[str, str]:
    """Each font role's CSS family list: its fonts, then a fallback for each character the run
    sets in that role and its fonts lack. A character no installed font has is an issue of its
    row, added to the roster's."""
    role_of = {b.name: b.role for b in design.boxes} if design else {}
    by_role: dict[str, set[str]] = {}
    for name, used in chars.used.items():  # a user's design: every field in 楷体
        by_role.setdefault(role_of.get(name, "kai"), set()).update(used)
    extra, nowhere = _font_problems(by_role, fonts)
    if nowhere:  # rare: find the rows again, each named by the roster column it came from
        issues = {}
        for r, cert in zip(rows, _composed(rows, plan, design, src)):
            for name, text in (cert.texts if design else cert.fields).items():
                for ch in nowhere.get(role_of.get(name, "kai"), ()):
                    if ch in text:
                        column = next((k for k, v in r.values.items() if ch in v), name)
                        issues[(r.row, column, ch)] = Issue(
                            r.row, column, f"no installed font has '{ch}' (U+{ord(ch):04X})")
        roster.issues += list(issues.values())
    return {role: ", ".join(f'"{f}"' for f in dict.fromkeys(
        [face.family for face in fonts.faces(role)] + sorted(extra.get(role, []))))
        for role in ROLES}


def _numbers(rows, plan, src, db, by) -> list[tuple[int, int]]:
    """Every certificate's number from the register, as (year, seq), in one transaction for
    the whole roster, bound to the person's key (a re-run gets the same numbers)."""
    from pipeline.register.registry import Register

    year = plan.number.year or parse_date(plan.date).year
    plan_key = f"cert:{src.file.stem}"

    def keys():
        for r in rows:
            key = key_of(plan, r.values)
            yield f"{plan_key}#{key}", r.values.get("姓名", key)

    with Register(db) as register:
        return register.allocate_many(plan.number.code, keys(), year, by=by)


def _name(cert: Certificate) -> str:
    """A person's file name, without its extension: the merged order, then the name."""
    return f"{cert.seq:05d}-{safe_file_part(cert.fields.get('姓名') or cert.key)}"


class _Hashes:
    """A hex hash for each certificate of a run, kept as its raw bytes by position: the
    SHA-256 of a file (32 bytes) or a fingerprint (8)."""

    def __init__(self, count: int, size: int):
        self.size, self.raw = size, bytearray(size * count)

    def put(self, seq: int, hexdigest: str) -> None:
        self.raw[self.size * (seq - 1):self.size * seq] = bytes.fromhex(hexdigest)

    def get(self, seq: int) -> str | None:
        """None where nothing was put (all-zero bytes: a hash has them once in 2^64)."""
        value = bytes(self.raw[self.size * (seq - 1):self.size * seq])
        return value.hex() if any(value) else None


def _previous(path: Path) -> dict[str, tuple[str, str, str]]:
    """An earlier run's certificates by key: fingerprint, files and their SHA-256 — only
    what deciding and recording needs (its whole rows, 50,000 of them, held 60 MB)."""
    return {row[KEY]: (row[FINGERPRINT], row["文件"], row["SHA-256"])
            for row in iter_table(path) if row.get("状态") == "ok"}


def _write(outcome, plan, src, design, design_file, seal_png, roles, spool, chars, fields,
           roster, out_dir, formats, merged_only, make_zip, xlsx_manifest, progress, workers
           ) -> Outcome:
    for folder in (out_dir, out_dir / "docx", out_dir / "pdf"):  # a killed run's temporaries
        sweep_stale(folder)
    shared = digest(__version__.encode(), _renderer().encode(), src.file.read_bytes(),
                    seal_png or b"", design_file.read_bytes() if design_file else b"",
                    json.dumps(roles).encode())
    manifest_path = out_dir / MANIFEST
    previous = _previous(manifest_path)
    per_person = not merged_only
    todo = bytearray(len(spool))  # 1: the certificate's files are made in this run
    fingerprints = _Hashes(len(spool), 8)
    departed = dict.fromkeys(previous)  # people of the last run not in this one, at the end
    last_order, same_people = iter(previous), True
    for cert in spool:
        fingerprints.put(cert.seq, _fingerprint(cert, shared))
        key = safe_cell(cert.key)  # the manifest holds keys spreadsheet-safe
        departed.pop(key, None)
        same_people = same_people and next(last_order, None) == key
        old = previous.get(key)
        listed = _listed(_name(cert), formats, per_person)
        if not old or not up_to_date(
                {FINGERPRINT: old[0], "文件": old[1]}, fingerprints.get(cert.seq),
                [out_dir / name for name in listed], {"文件": ";".join(listed)}):
            todo[cert.seq - 1] = 1
    # someone left the end of the roster: nobody's files change, but the merged file must
    same_people = same_people and next(last_order, None) is None
    outcome.built = todo.count(1)
    outcome.unchanged = len(spool) - outcome.built
    # each file's SHA-256, from the workers that wrote it
    digests = {ext: _Hashes(len(spool), 32) for ext in formats}
    if per_person and "docx" in formats and outcome.built:
        _write_docx(spool, todo, outcome.built, plan, design, design_file, seal_png, out_dir,
                    digests, progress, workers)
    merged = out_dir / MERGED
    if "pdf" in formats:
        _write_pdf(spool, todo, outcome.built, plan, design, design_file, seal_png, roles,
                   chars, out_dir, per_person,
                   outcome.built or not same_people or not merged.exists(), merged, digests,
                   progress, workers)
        outcome.merged = merged
    headers = ["行号", "键", *fields, "证书编号", "文件", "SHA-256", "指纹", "状态"]

    def rows():
        return _manifest_rows(spool, todo, digests, previous, fingerprints, fields, formats,
                              per_person, out_dir, roster)

    if outcome.built:  # the files on the disk before the manifest that records them
        sync_filesystem(out_dir)
    outcome.manifest = write_table(manifest_path, headers, rows())
    if xlsx_manifest:
        write_table(manifest_path.with_suffix(".xlsx"), headers, rows(), sheet="证书清单")
    moved = _set_aside_departed(out_dir, spool, [previous[k][1] for k in departed])
    if moved:
        outcome.notes.append(f"{moved} file(s) of {len(departed)} people no longer in the "
                             f"roster moved to {out_dir / DEPARTED}")
    if make_zip:
        _write_zip(out_dir, spool, formats, per_person)
    return outcome


_OUR_FILE = re.compile(r"(docx|pdf)/\d+-[^/\\]+\.(docx|pdf)")


def _set_aside_departed(out_dir: Path, spool, departed: list[str]) -> int:
    """Move the files the last manifest listed for people no longer in the roster into
    DEPARTED/ (once the new manifest no longer lists them): the folders, the zip, the merged
    file and the manifest then agree, and nothing made is lost — a second roster run into
    the same folder by mistake is undone by moving the files back. A name someone in this
    run has is left alone, and only names of our own form inside docx/ and pdf/ are touched:
    the manifest is a CSV anyone can edit."""
    names = {n for files in departed for n in files.split(";") if _OUR_FILE.fullmatch(n)}
    if names:
        for cert in spool:
            names.difference_update(_listed(_name(cert), ("docx", "pdf"), True))
    moved = 0
    for name in sorted(names):
        source = out_dir / name
        if not source.is_file():
            continue
        target = out_dir / DEPARTED / name
        target.parent.mkdir(parents=True, exist_ok=True)
        n = 1
        while target.exists():  # set aside before: keep both
            n += 1
            target = target.with_name(f"{Path(name).stem}.{n}{Path(name).suffix}")
        os.replace(source, target)
        moved += 1
    return moved


_MAKER = None


def _init_docx_worker(plan, design, design_file, seal_png, worker: bool = True) -> None:
    global _MAKER
    if worker:
        die_with_parent()
    _MAKER = docx_out.DocxMaker(plan, design, design_file, seal_png)


def _docx_chunk(items: list[tuple[Certificate, str]]) -> list[str]:
    """In a worker: each certificate's .docx; their SHA-256s, in order."""
    digests = []
    for cert, target in items:
        data = _MAKER.make(cert)
        put_file(target, data)  # synced once, before the manifest
        digests.append(hashlib.sha256(data).hexdigest())
    return digests


def _write_docx(spool, todo, count, plan, design, design_file, seal_png, out_dir, digests,
                progress, workers) -> None:
    """One DocxMaker per process; people in chunks across the cores, made from the spool as
    the workers need them."""
    (out_dir / "docx").mkdir(exist_ok=True)
    folder = os.path.join(str(out_dir), "docx")
    chunks = batches((cert, os.path.join(folder, f"{_name(cert)}.docx"))
                     for cert in spool if todo[cert.seq - 1])
    workers = min(workers or os.cpu_count() or 1, -(-count // BLOCK))
    args = (plan, design, design_file, seal_png)
    pool = None
    sent: deque = deque()  # each chunk until its result is back

    def tasks():
        for chunk in chunks:
            sent.append(chunk)
            yield chunk

    done = 0
    try:
        if workers > 1:
            # the workers are forked: with the objects here frozen, their garbage collector
            # does not walk (and so copy) the pages the main process shares with them
            gc.freeze()
            pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_docx_worker,
                                       initargs=args)
        else:
            _init_docx_worker(*args, worker=False)
        for shas in in_order(pool, _docx_chunk, tasks(), 2 * workers):
            for (cert, _target), sha in zip(sent.popleft(), shas):
                digests["docx"].put(cert.seq, sha)
            done += len(shas)
            if progress:
                progress("docx", done, count)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
        gc.unfreeze()


def _write_pdf(spool, todo, count, plan, design, design_file, seal_png, roles, chars, out_dir,
               per_person, need_merged, merged, digests, progress, workers) -> None:
    """The per-person PDFs of the certificates made anew, and the merged file when anything
    changed (or it is missing): when files per person are not kept, everyone is rendered."""
    if not need_merged and not (per_person and count):
        return
    folder = out_dir / "pdf"
    if per_person:
        folder.mkdir(exist_ok=True)

    def target(cert) -> str | None:
        return os.path.join(folder, f"{_name(cert)}.pdf") \
            if per_person and todo[cert.seq - 1] else None

    def record(cert, sha) -> None:
        digests["pdf"].put(cert.seq, sha)

    from pipeline.certificates import composer

    if design is not None and composer.composable(design, roles, chars):  # composed directly
        chunks = ([(c, target(c)) for c in block] for block in spool.blocks()) if need_merged \
            else batches((c, target(c)) for c in spool if todo[c.seq - 1])
        composer.write_pdfs(
            chunks, len(spool) if need_merged else count, merged if need_merged else None,
            plan, design, roles, chars, seal_png, record, workers,
            progress=(lambda i, n: progress("pdf", i, n)) if progress else None)
        return
    # WeasyPrint, for a user's HTML design or fonts the composer cannot set: everyone when
    # the merged file is made anew and files per person are not kept, else who changed
    everyone = not per_person or count == len(spool)
    render = spool if everyone else (c for c in spool if todo[c.seq - 1])
    with tempfile.TemporaryDirectory(prefix=f".staging.{os.getpid()}.", dir=out_dir) as tmp:
        tmp = Path(tmp)
        if seal_png:
            (tmp / pdf_out.SEAL_FILE).write_bytes(seal_png)
        base = str((design_file.parent if design_file else tmp).resolve())
        underlay, variable, static = "", design, None
        if design is not None:  # the static part once, stamped under each page
            underlay = str(tmp / "static.pdf")
            variable, static = design.part(static=False), design.part(static=True)
        jobs = (pdf_out.Job(chunk, plan, variable, roles, str(tmp / f"chunk-{n:05d}.pdf"),
                            base, underlay, tuple(target(c) for c in chunk)
                            if per_person else (), user_template=design_file,
                            seal_png=seal_png, static=static)
                for n, chunk in enumerate(batches(render, pdf_out.CHUNK)))
        chunks = pdf_out.render_chunks(
            jobs, -(-(len(spool) if everyone else count) // pdf_out.CHUNK), record, workers,
            progress=(lambda i, n: progress("pdf", i, n)) if progress else None)
        if need_merged:
            # chunks when everyone was rendered now (their fonts are shared by 50 pages);
            # the per-person files when only some were
            sources = chunks if everyone else \
                (folder / f"{_name(c)}.pdf" for c in spool)
            with atomic_path(merged) as part:
                pdf_out.merge(sources, part, underlay if everyone else "")


def _listed(name: str, formats, per_person: bool) -> list[str]:
    """A person's files, relative to the output folder, as the manifest lists them."""
    return [f"{ext}/{name}.{ext}" for ext in formats] if per_person else []


def _manifest_rows(spool, todo, digests, previous, fingerprints, fields, formats,
                   per_person, out_dir, roster) -> Iterator[list]:
    """Row, key, fields, number, files, a SHA-256 per file, fingerprint and status for each
    certificate; then each skipped row with its problem. User text is formula-safe."""
    for cert in spool:
        listed = _listed(_name(cert), formats, per_person)
        # one SHA-256 per file, joined; unchanged files keep the digest they had
        old = previous.get(safe_cell(cert.key), ("", "", ""))[2].split(";")
        found = []
        for i, name in enumerate(listed):
            sha = digests[name.split("/")[0]].get(cert.seq) if todo[cert.seq - 1] else \
                (old[i] if i < len(old) else "")
            found.append(sha or hashlib.sha256((out_dir / name).read_bytes()).hexdigest())
        yield [cert.row, safe_cell(cert.key),
               *[safe_cell(cert.fields.get(k, "")) for k in fields], cert.number,
               ";".join(listed), ";".join(found), fingerprints.get(cert.seq), "ok"]
    for issue in sorted((i for i in roster.issues if i.kind == "error" and i.row),
                        key=lambda i: i.row):
        yield [issue.row, "", *[""] * len(fields), "", "", "", "",
               f"skipped: {safe_cell(str(issue))}"]


def _write_zip(out_dir, spool, formats, per_person) -> None:
    target = out_dir / "certificates.zip"
    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as z:
        if per_person:
            for cert in spool:
                for name in _listed(_name(cert), formats, True):
                    z.write(out_dir / name, name)
        for extra in (MERGED, MANIFEST):
            if (out_dir / extra).exists():
                z.write(out_dir / extra, extra)


def calibration_page(plan_path: Path, out: Path, fonts: FontBook | None = None) -> Path:
    """For 套打: one page with every box outlined and sample text, to print on the
    pre-printed paper and measure the offset to put in overprint.offset_mm."""
    plan, src = read_certificate_plan(plan_path)
    design = design_for(plan)
    if design is None:
        raise GongwenError("a calibration page is for the built-in designs")
    cert = Certificate(0, 1, "calibration", {f: f"〔{f}〕" for f in plan.fields()},
                       number="〔证书编号〕")
    compose(cert, plan, design)
    fonts = fonts or FontBook()
    roles = {r: ", ".join(f'"{f.family}"' for f in fonts.faces(r)) for r in ROLES}
    with tempfile.TemporaryDirectory() as tmp:
        job = pdf_out.Job([cert], plan, design, roles, str(Path(tmp) / "c.pdf"), tmp,
                          calibration=True)
        pdf_out.render_job(job)
        with atomic_path(out) as part:
            shutil.copy(job.target, part)
    return out
