"""Tables for spreadsheets (registers, manifests): CSV that Excel opens as UTF-8, or XLSX,
written atomically, with cells a spreadsheet would run as formulas made plain text."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

from pipeline.writers.atomic import atomic_path


def safe_cell(value) -> str:
    """Text a spreadsheet will not run: a leading = + - @ (or tab/CR) starts a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_table(path: Path, headers: list[str], rows, sheet: str = "Sheet1") -> Path:
    """CSV (with a BOM, so Excel reads UTF-8) or XLSX by the file's suffix. Cells are written
    as given: pass them through safe_cell where they come from users."""
    path = Path(path)
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".xlsx":
            import openpyxl

            # write-only: rows go to the file as they come, not into a sheet held whole
            book = openpyxl.Workbook(write_only=True)
            table = book.create_sheet(sheet)
            table.append(headers)
            for row in rows:
                table.append(list(row))
            book.save(tmp)
        else:
            with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
                out = csv.writer(f)
                out.writerow(headers)
                out.writerows(rows)
    return path


def read_table(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV this module wrote (its BOM dropped)."""
    return list(iter_table(path))


def iter_table(path: Path) -> Iterator[dict[str, str]]:
    """read_table a row at a time (a missing file has none)."""
    if not Path(path).exists():
        return
    with open(path, encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f)
