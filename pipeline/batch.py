"""One plan × a table of rows → one numbered circular per row, and a manifest.

Each row's document key is the plan's key plus the row's key (the key column, by default the
first), so the register binds one number to each row: a re-run, or a run after a crash,
finds the numbers already given and builds only the rows whose output is missing or whose
plan or row changed (a fingerprint of both is kept in the manifest).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__, limits
from pipeline.build import FORMATS, document_from_plan, number_document, write_document
from pipeline.data import data_fingerprint
from pipeline.errors import GongwenError
from pipeline.fonts.book import FontBook
from pipeline.manifest import digest, fingerprint, read_manifest, up_to_date
from pipeline.readers.roster import read_roster
from pipeline.readers.yamlsource import load_located
from pipeline.transforms.placeholders import time_budget
from pipeline.writers.atomic import safe_file_part, short_name
from pipeline.writers.sheets import safe_cell, write_table

MANIFEST_HEADERS = ["行号", "键", "发文字号", "文件", "指纹", "SHA-256"]


class RowsError(GongwenError):
    """The rows file cannot be used as it is."""


def read_rows(path: Path, sheet: str | int | None = None) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, {column: text}) for every non-blank row, read like any roster
    (encoding found from the bytes, spaces and full-width characters cleaned)."""
    roster = read_roster(path, sheet=sheet)
    # a cell the documents cannot hold (a control character, a bidi override) stops the
    # batch here, before any number; duplicates are the key check's business
    bad = [i for i in roster.issues if i.kind == "error" and "duplicate" not in i.message]
    if bad:
        raise RowsError(f"{len(bad)} problem(s) in the rows; nothing was built:\n  "
                        + "\n  ".join(f"{Path(path).name} {i}" for i in bad[:20]))
    rows = [(r.row, r.values) for r in roster.rows]
    if not rows:
        raise RowsError(f"{path}: no rows under the header")
    return rows


@dataclass
class BatchRow:
    row: int
    key: str
    number: str
    files: list[str]
    fingerprint: str
    sha256: str


def _write_manifest(path: Path, done: list[BatchRow]) -> None:
    write_table(path, MANIFEST_HEADERS, [
        [r.row, safe_cell(r.key), r.number, safe_cell(";".join(r.files)), r.fingerprint, r.sha256]
        for r in sorted(done, key=lambda r: r.row)])


def file_stems(plan_stem: str, keys: list[str]) -> list[str]:
    """One file name per row, distinct by construction: the key itself when it is already a
    safe file name, else the cleaned key plus a hash of the key (青山村/一组, 青山村_一组 and
    青山村:一组 all clean to 青山村_一组). Names are compared as a Windows share compares
    them (case-insensitively), and the whole set is checked before any number is given."""
    plan_stem = short_name(plan_stem, 60)
    parts = [safe_file_part(k) for k in keys]
    folded: dict[str, int] = {}
    for part in parts:
        folded[part.casefold()] = folded.get(part.casefold(), 0) + 1
    stems = []
    for key, part in zip(keys, parts):
        if part != key or folded[part.casefold()] > 1:
            part = f"{part}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
        stems.append(f"{plan_stem}-{part}")
    if len({s.casefold() for s in stems}) != len(stems):
        raise RowsError("two rows' keys give the same file name; make the keys differ in "
                        "more than case and punctuation")
    return stems


def run_batch(plan_path: Path, rows_path: Path, out_dir: Path, *, formats=FORMATS,
              fonts: FontBook | None = None, db: str | None = None,
              key_column: str | None = None, sheet=None, notes: list[str] | None = None,
              progress=None, by: str | None = None) -> tuple[Path, list[BatchRow], int]:
    """Build one circular per row. Returns (manifest path, rows, how many were built now).
    `by` is who the register records for the numbers (default: the login name)."""
    plan_path, out_dir = Path(plan_path), Path(out_dir)
    rows = read_rows(rows_path, sheet)
    columns = list(rows[0][1])
    key_column = key_column or columns[0]
    if key_column not in columns:
        raise RowsError(f"{rows_path}: no column '{key_column}' (columns: {', '.join(columns)})")
    problems, seen = [], {}
    for number, values in rows:
        key = values.get(key_column, "")
        if not key:
            problems.append(f"{Path(rows_path).name} row {number}, {key_column}: empty; every "
                            "row needs a key")
        elif key in seen:
            problems.append(f"{Path(rows_path).name} row {number}, {key_column}: '{key}' also "
                            f"on row {seen[key]}; keys must be unique")
        seen.setdefault(key, number)
    if problems:
        raise RowsError(f"{len(problems)} problem(s) in the rows; nothing was built:\n  "
                        + "\n  ".join(problems))
    # every row becomes a document before any number is allocated: a row that cannot be
    # built must not leave a number in the register for a document that was never written
    load_located(plan_path)  # a plan that is no YAML at all is one message, not one a row
    documents, problems = [], []
    with time_budget(limits.TEMPLATE_RUN_SECONDS, "the placeholders of all rows together"):
        for row_number, values in rows:
            try:
                documents.append(document_from_plan(plan_path, values))
            except GongwenError as exc:
                problems.append(f"{Path(rows_path).name} row {row_number}: {exc}")
    if problems:
        raise RowsError(f"{len(problems)} row(s) cannot be built; nothing was built or "
                        "numbered:\n  " + "\n  ".join(problems[:20])
                        + (f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""))
    stems = file_stems(plan_path.stem, [values[key_column] for _n, values in rows])
    plan_bytes = plan_path.read_bytes()
    data_digest = data_fingerprint(plan_path)  # a changed spreadsheet rebuilds every row
    manifest_path = out_dir / f"{short_name(plan_path.stem)}-manifest.csv"
    previous = read_manifest(manifest_path)
    done: list[BatchRow] = []
    built = 0
    for n, ((row_number, values), (doc, plan), stem) in enumerate(
            zip(rows, documents, stems), start=1):
        row_key = values[key_column]
        row_print = fingerprint(__version__, plan_bytes.hex(), values, list(formats),
                                data_digest)
        doc.key = f"{doc.key}#{row_key}"
        number_document(doc, db, str(out_dir / stem), by)
        old = previous.get(row_key)
        files = [f"{stem}.{ext}" for ext in formats]
        if up_to_date(old, row_print, [out_dir / f for f in files],
                      {"发文字号": doc.header.number}):
            paths = [out_dir / f for f in files]
        else:
            paths = write_document(doc, plan, stem, out_dir, formats, fonts, notes)
            built += 1
        done.append(BatchRow(row_number, row_key, doc.header.number, [p.name for p in paths],
                             row_print, digest(*(p.read_bytes() for p in paths))))
        _write_manifest(manifest_path, done + [BatchRow(
            int(r["行号"]), k, r["发文字号"], r["文件"].split(";"), r["指纹"], r["SHA-256"])
            for k, r in previous.items() if k not in {d.key for d in done}
            and k in seen])
        if progress:
            progress(n, len(rows))
    return manifest_path, done, built
