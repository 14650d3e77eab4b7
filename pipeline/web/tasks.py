"""The work a page asks for, run in a worker process: each function calls one pipeline stage
and returns plain data (lists, dicts, strings) for the page, or {"error": message}.

Fonts are looked up once per process (init_worker); WeasyPrint is imported then too, so the
first preview does not pay for it.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from pipeline.errors import GongwenError
from pipeline.web.jobfiles import STATUS, write_json

FONTS = None
PAGE_DPI = 60  # preview pages: 496 × 702 px for A4, sharp enough to read a title
THUMB_DPI = 40  # check thumbnails


def init_worker(fonts: dict[str, str], warm: bool = True) -> None:
    global FONTS
    from pipeline.fonts.book import FontBook
    from pipeline.writers.atomic import die_with_parent

    die_with_parent()
    FONTS = FontBook(fonts or None)
    if warm:
        import pipeline.writers.pdf  # noqa: F401 — WeasyPrint and its CSS machinery, once

        for role in ("fang", "kai", "hei", "song", "xiaobiaosong"):
            FONTS.metrics(role)


def ping() -> bool:
    return True


def _pages(pdf: Path, folder: Path, prefix: str, dpi: int) -> list[str]:
    import pymupdf

    names = []
    with pymupdf.open(pdf) as doc:
        for index, page in enumerate(doc, start=1):
            name = f"{prefix}-{index}.png"
            page.get_pixmap(dpi=dpi).save(folder / name)
            names.append(name)
    return names


def _error(exc: GongwenError, folder: Path) -> dict:
    # the plan's file name is the job's internal one: say "the plan", not a server path
    return {"error": str(exc).replace(str(folder) + "/", "")}


def preview(folder: str, plan_name: str, db: str | None) -> dict:
    """The plan as it will print (allocating no number): the PDF and an image of each page."""
    from pipeline.build import preview_plan

    folder = Path(folder)
    notes: list[str] = []
    try:
        paths = preview_plan(folder / plan_name, folder, ("pdf",), FONTS, notes, db)
    except GongwenError as exc:
        return _error(exc, folder)
    pdf = paths[0]
    return {"pdf": pdf.name, "pages": _pages(pdf, folder, "page", PAGE_DPI), "notes": notes}


def build(folder: str, plan_name: str, db: str | None, by: str) -> dict:
    """The finished files: number: auto takes its number from the register, recorded as `by`."""
    from pipeline.build import build_plan

    folder = Path(folder)
    notes: list[str] = []
    try:
        paths = build_plan(folder / plan_name, folder, ("docx", "pdf"), FONTS, notes, db, by=by)
    except GongwenError as exc:
        return _error(exc, folder)
    pdf = next(p for p in paths if p.suffix == ".pdf")
    return {"files": [p.name for p in paths], "pages": _pages(pdf, folder, "page", PAGE_DPI),
            "notes": notes}


def import_draft(folder: str, draft_name: str, simplify: bool) -> dict:
    """The draft's lines as read, and each recognised document as a plan with its changes."""
    from pipeline.readers.draft import read_text, text_lines
    from pipeline.readers.importer import import_draft as run_import
    from pipeline.readers.importer import plan_data

    path = Path(folder) / draft_name
    try:
        drafts = run_import(path, simplify=simplify)
        if path.suffix.lower() == ".docx":
            from pipeline.readers.docx_draft import docx_lines

            lines = docx_lines(path)
        else:
            lines = text_lines(read_text(path)) if path.suffix.lower() in (".txt", ".md") else []
    except GongwenError as exc:
        return {"error": exc.message}
    return {"lines": [(l.line, l.text) for l in lines],
            "drafts": [{"title": d.title, "plan": json.loads(json.dumps(plan_data(d))),
                        "changes": [{"line": c.line, "kind": c.kind, "what": c.what}
                                    for c in d.changes]} for d in drafts]}


def _soffice_pdf(docx: Path, out: Path) -> Path | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    with tempfile.TemporaryDirectory(prefix="gongwen-web-") as tmp:
        try:
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                            "--convert-to", "pdf", "--outdir", tmp, str(docx)],
                           capture_output=True, timeout=180, check=True)
        except (subprocess.SubprocessError, OSError):
            return None
        made = Path(tmp) / f"{docx.stem}.pdf"
        if not made.exists():
            return None
        shutil.move(made, out)
    return out


def check(folder: str, name: str) -> dict:
    """Findings with their clauses; page thumbnails, and where each finding points on them."""
    from pipeline.check import check_file, finding_spots

    folder = Path(folder)
    path = folder / name
    pdf = path if path.suffix.lower() == ".pdf" else None
    if path.suffix.lower() == ".docx":  # the .docx as Word would print it, to point at
        pdf = _soffice_pdf(path, folder / "rendered.pdf")
    try:  # the check measures the same rendering rather than printing the .docx again
        findings = check_file(path, rendered=pdf if pdf != path else None)
    except GongwenError as exc:
        return {"error": exc.message if exc.file else str(exc).replace(str(folder) + "/", "")}
    thumbs, spots, sizes = [], [None] * len(findings), []
    if pdf is not None:
        import pymupdf

        thumbs = _pages(pdf, folder, "thumb", THUMB_DPI)
        spots = finding_spots(path, findings, pdf)
        with pymupdf.open(pdf) as doc:
            sizes = [(p.rect.width * 25.4 / 72, p.rect.height * 25.4 / 72) for p in doc]
    return {"findings": [asdict(f) for f in findings], "spots": spots, "thumbs": thumbs,
            "sizes": sizes}


def fonts_report() -> dict:
    """`gongwen fonts`: which installed font serves each role."""
    from pipeline.fonts.report import font_report

    text, ok = font_report(FONTS)
    return {"report": text, "ok": ok}


def calibration(folder: str, plan: str) -> dict:
    """套打: the calibration page of a certificate plan (every box outlined) to print."""
    from pipeline.certificates.run import calibration_page

    folder = Path(folder)
    try:
        path = calibration_page(folder / plan, folder / "calibration.pdf", FONTS)
    except GongwenError as exc:
        return {"error": exc.message}
    return {"file": path.name}


def certificates_check(folder: str, plan: str, roster: str, sheet: str | None,
                       formats: tuple[str, ...]) -> dict:
    """The roster validated as the run would validate it; nothing is written."""
    from pipeline.certificates.run import run

    folder = Path(folder)
    try:
        outcome = run(folder / plan, folder / roster, folder / "out-check", formats=formats,
                      check_only=True, sheet=sheet or None, fonts=FONTS)
    except GongwenError as exc:
        return {"error": exc.message}
    report = outcome.report.replace(str(folder) + "/", "")
    first = report.splitlines()[0] if report else ""
    return {"report": report, "summary": first,
            "errors": [{"row": i.row, "field": i.field, "message": i.message}
                       for i in outcome.skipped],
            "valid": outcome.count}


def certificates_generate(folder: str, plan: str, roster: str, sheet: str | None,
                          formats: tuple[str, ...], skip_invalid: bool, db: str | None, by: str,
                          workers: int | None) -> None:
    """The whole run, reporting progress to the job's status file the page polls."""
    from pipeline.certificates.run import run

    folder = Path(folder)
    stages = [s for s in ("docx", "pdf") if s in formats]
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.25 and done < total:
            return
        last[0] = now
        index = stages.index(stage) if stage in stages else 0
        percent = int((index + (done / total if total else 1)) * 100 / len(stages))
        write_json(folder / STATUS, {"state": "running", "stage": stage, "done": done,
                                     "total": total, "percent": min(percent, 99)})

    try:
        outcome = run(folder / plan, folder / roster, folder, formats=formats,
                      skip_invalid=skip_invalid, make_zip=True, xlsx_manifest=True,
                      sheet=sheet or None, db=db, fonts=FONTS, progress=progress,
                      workers=workers, by=by)
    except GongwenError as exc:
        write_json(folder / STATUS, {"state": "failed", "percent": 0,
                                     "message": exc.message})
        return
    files = [n for n in ("merged.pdf", "certificates.zip", "manifest.csv", "manifest.xlsx")
             if (folder / n).exists()]
    write_json(folder / STATUS, {
        "state": "done", "percent": 100, "stage": "done", "files": files,
        "message": f"{outcome.count} 份证书：新生成 {outcome.built}，未变 "
                   f"{outcome.unchanged}，跳过 {len({i.row for i in outcome.skipped})} 行"})


def batch_generate(folder: str, plan: str, rows: str, key_column: str | None, sheet: str | None,
                   db: str | None, by: str) -> None:
    """One numbered circular per row (batch.py), progress in the status file; the files and
    the manifest packed in one zip to download."""
    import shutil
    import zipfile

    from pipeline.batch import run_batch

    folder = Path(folder)
    out = folder / "out"

    def progress(done: int, total: int) -> None:
        write_json(folder / STATUS, {"state": "running", "stage": "docx/pdf", "done": done,
                                     "total": total, "percent": min(99, done * 100 // total)})

    try:
        manifest, rows_done, built = run_batch(folder / plan, folder / rows, out,
                                               fonts=FONTS, db=db, key_column=key_column or None,
                                               sheet=sheet or None, progress=progress, by=by)
    except GongwenError as exc:
        write_json(folder / STATUS, {"state": "failed", "percent": 0, "message": str(exc)
                                     .replace(str(folder) + "/", "")})
        return
    shutil.copy(manifest, folder / "manifest.csv")
    with zipfile.ZipFile(folder / "circulars.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for row in rows_done:
            for name in row.files:
                z.write(out / name, name)
        z.write(manifest, "manifest.csv")
    write_json(folder / STATUS, {
        "state": "done", "percent": 100, "stage": "done", "files": ["circulars.zip",
                                                                    "manifest.csv"],
        "message": f"{len(rows_done)} 份：新生成 {built}，未变 {len(rows_done) - built}；编号 "
                   + "、".join(r.number for r in rows_done[:3] if r.number)
                   + ("…" if len(rows_done) > 3 else "")})
