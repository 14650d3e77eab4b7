"""Tables for spreadsheets (registers, manifests): CSV that Excel opens as UTF-8, or XLSX,
written atomically, with cells a spreadsheet would run as formulas made plain text."""
from __future__ import annotations

import csv
from pathlib import Path

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

            book = openpyxl.Workbook()
            book.active.title = sheet
            book.active.append(headers)
            for row in rows:
                book.active.append(list(row))
            book.save(tmp)
        else:
            with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
                out = csv.writer(f)
                out.writerow(headers)
                out.writerows(rows)
    return path


def read_table(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV this module wrote (its BOM dropped)."""
    if not Path(path).exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))
