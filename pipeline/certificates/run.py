"""`gongwen certificates`: plan + roster → every certificate, a merged PDF and a manifest.

The whole roster is read and validated before anything is written. Certificate numbers come
from the register (one transaction for the whole roster), bound to each person's key, so a
re-run or a reprint keeps them. Each person's output has a fingerprint in the manifest; a
re-run (also after a crash) rebuilds only what is missing or changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.certificates import docx_out, pdf_out
from pipeline.certificates.design import design_for
from pipeline.certificates.plan import read_certificate_plan
from pipeline.certificates.records import Certificate, compose, key_of, set_number
from pipeline import limits
from pipeline.errors import GongwenError, PlanError
from pipeline.fonts.book import FontBook
from pipeline.manifest import digest, fingerprint, read_manifest, renderer_version, up_to_date
from pipeline.readers.roster import Issue, read_roster
from pipeline.forms import parse_date
from pipeline.transforms.placeholders import time_budget
from pipeline.transforms.seal import prepare_seal
from pipeline.writers.atomic import (atomic_path, die_with_parent, put_file, safe_file_part,
                                     sweep_stale, sync_filesystem)
from pipeline.writers.sheets import safe_cell, write_table

MANIFEST = "manifest.csv"
MERGED = "merged.pdf"


class CertificateError(GongwenError):
    """The roster has problems (and --skip-invalid was not given)."""


@dataclass
class Outcome:
    report: str
    certificates: list[Certificate] = field(default_factory=list)
    built: int = 0
    unchanged: int = 0
    skipped: list[Issue] = field(default_factory=list)
    manifest: Path | None = None
    merged: Path | None = None
    notes: list[str] = field(default_factory=list)


def _font_problems(rows_text, fonts: FontBook, fields: dict[int, dict[str, str]]
                   ) -> tuple[dict[str, list[str]], list[Issue]]:
    """Fallback families per role for characters the role's font lacks; an issue for each
    row holding a character no installed font has. Works on the distinct characters, so ten
    thousand rows cost what a few hundred do."""
    from pipeline.fonts.book import covers

    used: dict[str, set[str]] = {}
    for _row, role, _name, text in rows_text:
        used.setdefault(role, set()).update(text)
    extra: dict[str, list[str]] = {}
    nowhere: dict[str, set[str]] = {}
    for role, chars in used.items():
        face = fonts.face(role)
        for ch in sorted(chars):  # sorted: the same CSS, so the same fingerprints, each run
            if ch.isspace() or covers(face, ch):
                continue
            other = fonts.fallback(role, ch)
            if other is None:
                nowhere.setdefault(role, set()).add(ch)
            elif other.family not in extra.setdefault(role, []):
                extra[role].append(other.family)
    issues = {}
    for row, role, name, text in rows_text:
        for ch in nowhere.get(role, ()):
            if ch in text:  # named by the roster column it came from, as the clerk knows it
                column = next((k for k, v in fields.get(row, {}).items() if ch in v), name)
                issues[(row, column, ch)] = Issue(row, column, f"no installed font has '{ch}' "
                                                               f"(U+{ord(ch):04X})")
    return extra, list(issues.values())


def _fingerprint(cert: Certificate, shared: str) -> str:
    return fingerprint(shared, cert.fields, cert.number, cert.texts, cert.sizes)


def _renderer() -> str:
    """The version of everything that draws a certificate: a changed composer, font
    assembler, template or library makes every certificate again on the next run."""
    return renderer_version(
        tuple(f"pipeline.certificates.{m}" for m in (
            "composer", "cff", "pdffile", "pdf_out", "docx_out", "design", "records")),
        (str(pdf_out.TEMPLATES / "certificate.html.j2"),),
        ("weasyprint", "pydyf", "fonttools", "python-docx", "docxtpl", "jinja2", "pypdf"))


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
    certs = [Certificate(r.row, 0, key_of(plan, r.values), dict(r.values))
             for r in roster.valid_rows]
    try:
        with time_budget(limits.TEMPLATE_RUN_SECONDS, "the wording for all rows together"):
            for cert in certs:
                compose(cert, plan, design)  # texts without the number, for fonts and fit
    except PlanError as exc:  # the wording's template failed: name the plan and its line
        raise PlanError(exc.message, file=src.file, line=src.line_of(("wording",)),
                        field="wording") from None
    fonts = fonts or FontBook()
    roles = _roles(certs, design, fonts, roster) if "pdf" in formats else {}
    if design is None and design_file.suffix.lower() == ".docx" and certs and \
            "docx" in formats and not merged_only:
        # the user's design is a template: try it on the first person before any number
        try:
            docx_out.DocxMaker(plan, None, design_file, seal_png).make(certs[0])
        except ValueError as exc:
            raise PlanError(f"the design's template, row {certs[0].row}: {exc}",
                            file=design_file, field="design") from None
    outcome = Outcome(roster.report())
    invalid = roster.invalid
    outcome.skipped = [i for i in roster.issues if i.kind == "error"]
    if check_only:
        return outcome
    if invalid and not skip_invalid:
        raise CertificateError(f"{len(invalid)} row(s) need fixing; nothing was written "
                               f"(--skip-invalid builds the others):\n{roster.report()}")
    certs = [c for c in certs if c.row not in invalid]
    if not certs:
        raise CertificateError(f"no valid rows to build:\n{roster.report()}")
    for seq, cert in enumerate(certs, start=1):
        cert.seq = seq
    if plan.number:
        _number(certs, plan, src, design, db, by)
    outcome.certificates = certs
    return _write(outcome, plan, src, design, design_file, seal_png, roles, certs, roster,
                  Path(out_dir), formats, merged_only, make_zip, xlsx_manifest, progress,
                  workers)


def _roles(certs, design, fonts: FontBook, roster) -> dict[str, str]:
    """Each font role's CSS family list: its fonts, then a fallback for each character the run
    sets in that role and its fonts lack. A character no installed font has is an issue of its
    row, added to the roster's."""
    rows_text = [(c.row, b.role, b.name, c.texts.get(b.name, "")) for c in certs
                 for b in (design.boxes if design else [])]
    if design is None:
        rows_text = [(c.row, "kai", k, v) for c in certs for k, v in c.fields.items()]
    extra, font_issues = _font_problems(rows_text, fonts, {r.row: r.values for r in roster.rows})
    roster.issues += font_issues
    return {role: ", ".join(f'"{f}"' for f in dict.fromkeys(
        [face.family for face in fonts.faces(role)] + sorted(extra.get(role, []))))
        for role in ("kai", "fang", "hei", "song", "xiaobiaosong")}


def _number(certs, plan, src, design, db, by) -> None:
    """Every certificate's number from the register, in one transaction for the whole roster,
    bound to the person's key (a re-run gets the same numbers)."""
    from pipeline.register.registry import Register

    year = plan.number.year or parse_date(plan.date).year
    plan_key = f"cert:{src.file.stem}"
    with Register(db) as register:
        entries = register.allocate_many(
            plan.number.code, [(f"{plan_key}#{c.key}", c.fields.get("姓名", c.key))
                               for c in certs], year, by=by)
    for cert, entry in zip(certs, entries):
        set_number(cert, plan.number.pattern.format(code=entry.code, year=entry.year,
                                                    seq=entry.seq), plan, design)


def _write(outcome, plan, src, design, design_file, seal_png, roles, certs, roster, out_dir,
           formats, merged_only, make_zip, xlsx_manifest, progress, workers) -> Outcome:
    out_dir.mkdir(parents=True, exist_ok=True)
    for folder in (out_dir, out_dir / "docx", out_dir / "pdf"):  # a killed run's temporaries
        sweep_stale(folder)
    shared = digest(__version__.encode(), _renderer().encode(), src.file.read_bytes(),
                    seal_png or b"", design_file.read_bytes() if design_file else b"",
                    json.dumps(roles).encode())
    manifest_path = out_dir / MANIFEST
    previous = read_manifest(manifest_path, status="ok")
    per_person = not merged_only
    names = {c.key: f"{c.seq:05d}-{safe_file_part(c.fields.get('姓名') or c.key)}" for c in certs}
    fingerprints = {c.key: _fingerprint(c, shared) for c in certs}
    todo = []
    for cert in certs:
        fp = fingerprints[cert.key]
        old = previous.get(safe_cell(cert.key))  # the manifest holds keys spreadsheet-safe
        listed = _listed(names[cert.key], formats, per_person)
        if up_to_date(old, fp, [out_dir / name for name in listed], {"文件": ";".join(listed)}):
            continue
        todo.append((cert, fp, listed))  # names, not Paths: 50,000 Paths held 20 MB
    outcome.built, outcome.unchanged = len(todo), len(certs) - len(todo)
    digests: dict[str, str] = {}  # file → SHA-256, from the workers that wrote them
    if per_person and "docx" in formats and todo:
        digests.update(_write_docx(todo, plan, design, design_file, seal_png, out_dir, progress,
                                   workers))
    merged = out_dir / MERGED
    if "pdf" in formats:
        rebuilt = {c.key for c, _fp, _f in todo}
        need_merged = bool(rebuilt) or not merged.exists()
        _write_pdf(certs, todo, plan, design, design_file, seal_png, roles, out_dir, names,
                   per_person, need_merged, merged, progress, workers, digests)
        outcome.merged = merged
    headers, rows = _manifest_rows(certs, names, fingerprints, formats, per_person, out_dir,
                                   roster, digests, previous)
    if todo:  # the files on the disk before the manifest that records them
        sync_filesystem(out_dir)
    outcome.manifest = write_table(manifest_path, headers, rows)
    if xlsx_manifest:
        write_table(manifest_path.with_suffix(".xlsx"), headers, rows, sheet="证书清单")
    if make_zip:
        _write_zip(out_dir, certs, names, formats, per_person)
    return outcome


_MAKER = None


def _init_docx_worker(plan, design, design_file, seal_png, worker: bool = True) -> None:
    global _MAKER
    if worker:
        die_with_parent()
    _MAKER = docx_out.DocxMaker(plan, design, design_file, seal_png)


def _docx_chunk(items: list[tuple[Certificate, str]]) -> dict[str, str]:
    digests = {}
    for cert, target in items:
        data = _MAKER.make(cert)
        put_file(target, data)  # synced once, before the manifest
        digests[target] = hashlib.sha256(data).hexdigest()
    return digests


def _write_docx(todo, plan, design, design_file, seal_png, out_dir, progress, workers
                ) -> dict[str, str]:
    """One DocxMaker per process; people in chunks across the cores."""
    (out_dir / "docx").mkdir(exist_ok=True)
    base = str(out_dir)
    items = [(cert, os.path.join(base, next(f for f in listed if f.endswith(".docx"))))
             for cert, _fp, listed in todo]
    chunks = [items[i:i + 250] for i in range(0, len(items), 250)]
    workers = min(workers or os.cpu_count() or 1, len(chunks))
    args = (plan, design, design_file, seal_png)
    digests: dict[str, str] = {}
    if workers <= 1:
        _init_docx_worker(*args, worker=False)
        results = map(_docx_chunk, chunks)
        for result in results:
            digests.update(result)
            if progress:
                progress("docx", len(digests), len(items))
        return digests
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_docx_worker,
                             initargs=args) as pool:
        for result in pool.map(_docx_chunk, chunks):
            digests.update(result)
            if progress:
                progress("docx", len(digests), len(items))
    return digests


def _write_pdf(certs, todo, plan, design, design_file, seal_png, roles, out_dir, names,
               per_person, need_merged, merged, progress, workers, digests) -> None:
    rebuilt = {c.key for c, _fp, _f in todo}
    # render what changed; when the merged file must be made anew and files per person are
    # not kept, everything is rendered
    render = [c for c in certs if c.key in rebuilt] if per_person else certs
    if not need_merged and not (per_person and render):
        return
    from pipeline.certificates import composer

    if design is not None and composer.composable(design, roles, certs):  # composed directly
        folder = out_dir / "pdf"
        targets = {c.key: os.path.join(folder, f"{names[c.key]}.pdf") for c in render} \
            if per_person else {}
        digests.update(composer.write_pdfs(
            certs, targets, merged if need_merged else None, plan, design, roles, seal_png,
            workers, progress=(lambda i, n: progress("pdf", i, n)) if progress else None))
        return
    with tempfile.TemporaryDirectory(prefix=f".staging.{os.getpid()}.", dir=out_dir) as tmp:
        tmp = Path(tmp)
        chunks = [render[i:i + pdf_out.CHUNK] for i in range(0, len(render), pdf_out.CHUNK)]
        if seal_png:
            (tmp / pdf_out.SEAL_FILE).write_bytes(seal_png)
        base = str((design_file.parent if design_file else tmp).resolve())
        underlay, variable, static = "", design, None
        if design is not None:  # the static part once, stamped under each page
            underlay = str(tmp / "static.pdf")
            variable, static = design.part(static=False), design.part(static=True)
        folder = out_dir / "pdf"
        if per_person:
            folder.mkdir(exist_ok=True)
        jobs = [pdf_out.Job(chunk, plan, variable, roles, str(tmp / f"chunk-{n:05d}.pdf"), base,
                            underlay, tuple(str(folder / f"{names[c.key]}.pdf") for c in chunk)
                            if per_person else (), user_template=design_file,
                            seal_png=seal_png, static=static)
                for n, chunk in enumerate(chunks)]
        digests.update(pdf_out.render_chunks(
            jobs, workers, progress=(lambda i, n: progress("pdf", i, n)) if progress else None))
        if need_merged:
            # chunks when everyone was rendered now (their fonts are shared by 50 pages);
            # the per-person files when only some were
            everyone = len(render) == len(certs)
            sources = ([Path(j.target) for j in jobs] if everyone else
                       [out_dir / "pdf" / f"{names[c.key]}.pdf" for c in certs])
            with atomic_path(merged) as part:
                pdf_out.merge(sources, part, underlay if everyone else "")


def _listed(name: str, formats, per_person: bool) -> list[str]:
    """A person's files, relative to the output folder, as the manifest lists them."""
    return [f"{ext}/{name}.{ext}" for ext in formats] if per_person else []


def _manifest_rows(certs, names, fingerprints, formats, per_person, out_dir, roster, digests,
                   previous) -> tuple[list[str], list[list]]:
    """Row, key, fields, number, files, a SHA-256 per file, fingerprint and status for each
    certificate; then each skipped row with its problem. User text is formula-safe."""
    fields = list(dict.fromkeys(k for c in certs for k in c.fields
                                if k not in ("证书内容", "证书编号")))
    headers = ["行号", "键", *fields, "证书编号", "文件", "SHA-256", "指纹", "状态"]
    rows = []
    for cert in certs:
        listed = _listed(names[cert.key], formats, per_person)
        # one SHA-256 per file, joined; unchanged files keep the digest they had
        old = previous.get(safe_cell(cert.key), {}).get("SHA-256", "").split(";")
        found = []
        for i, name in enumerate(listed):
            path = str(out_dir / name)
            found.append(digests.get(path) or (old[i] if i < len(old) and old[i] else
                                               hashlib.sha256(Path(path).read_bytes()).hexdigest()))
        rows.append([cert.row, safe_cell(cert.key),
                     *[safe_cell(cert.fields.get(k, "")) for k in fields], cert.number,
                     ";".join(listed), ";".join(found), fingerprints[cert.key], "ok"])
    for issue in sorted((i for i in roster.issues if i.kind == "error" and i.row),
                        key=lambda i: i.row):
        rows.append([issue.row, "", *[""] * len(fields), "", "", "", "",
                     f"skipped: {safe_cell(str(issue))}"])
    return headers, rows


def _write_zip(out_dir, certs, names, formats, per_person) -> None:
    target = out_dir / "certificates.zip"
    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as z:
        if per_person:
            for cert in certs:
                for ext in formats:
                    name = f"{ext}/{names[cert.key]}.{ext}"
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
    roles = {r: ", ".join(f'"{f.family}"' for f in fonts.faces(r))
             for r in ("kai", "fang", "hei", "song", "xiaobiaosong")}
    with tempfile.TemporaryDirectory() as tmp:
        job = pdf_out.Job([cert], plan, design, roles, str(Path(tmp) / "c.pdf"), tmp,
                          calibration=True)
        pdf_out.render_job(job)
        with atomic_path(out) as part:
            shutil.copy(job.target, part)
    return out
