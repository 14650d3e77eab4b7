"""Rosters as offices keep them (CSV or Excel) → clean rows, and a report naming every row.

Reads CSV in UTF-8 (with or without BOM) or GBK/GB18030, detected from the bytes; XLSX with a
title row above the header, merged cells, blank rows, Excel date cells, a 合计 row at the end
and several sheets. Cleaning is reported, never silent: spaces (also U+3000 and zero-width
characters), full-width digits and letters, dates in any common form. Validation covers the
whole roster before anything is written; row numbers are the ones the clerk sees in Excel.
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import limits
from pipeline.errors import GongwenError
from pipeline.readers.inputfile import check_file, check_zip
from pipeline.readers.textfile import CHINESE_ENCODINGS, ZERO_WIDTH, decode_named, printable, unsafe_char, unsafe_message
from pipeline.forms import format_date, parse_date

# full-width digits and Latin letters (０-９ Ａ-Ｚ ａ-ｚ) become ASCII, as in a 公文; full-width
# punctuation ，：；？！（） is how Chinese text is written and stays
_FULL_ASCII = {c: c - 0xFEE0 for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                      *range(0xFF41, 0xFF5B))}
_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_CJK_SPACED = re.compile(r"^[\u3400-\u9fff\U00020000-\U0003134f·](?:\s*[\u3400-\u9fff"
                         r"\U00020000-\U0003134f·])+$")
_TOTAL = re.compile(r"^\s*(合\s*计|总\s*计|小\s*计|共\s*计)")
# a note under the table (填表说明：…, 数据来源：…) standing alone in its row
_NOTE = re.compile(r"^\s*(注|备注|说明|填表|填报|数据来源|资料来源|制表|审核)")
EXCEL_EPOCH = dt.date(1899, 12, 30)


class RosterError(GongwenError):
    """The roster cannot be read at all (no file, no header, a required column missing)."""


@dataclass
class Issue:
    row: int | None  # spreadsheet row; None for the whole roster
    field: str
    message: str
    kind: str = "error"  # error (the row is invalid) | cleaned | skipped

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "roster"
        return f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass(slots=True)  # a roster may have tens of thousands: no __dict__ each
class Row:
    row: int
    values: dict[str, str]


@dataclass
class Roster:
    source: Path
    rows: list[Row]
    issues: list[Issue] = field(default_factory=list)
    sheet: str = ""

    @property
    def invalid(self) -> set[int]:
        return {i.row for i in self.issues if i.kind == "error" and i.row}

    @property
    def valid_rows(self) -> list[Row]:
        bad = self.invalid
        return [r for r in self.rows if r.row not in bad]

    def report(self) -> str:
        lines = [f"{self.source.name}{f' [{self.sheet}]' if self.sheet else ''}: "
                 f"{len(self.rows)} rows, {len(self.valid_rows)} valid, "
                 f"{len(self.invalid)} with problems"]
        order = {"error": 0, "skipped": 1, "cleaned": 2}
        for issue in sorted(self.issues, key=lambda i: (order[i.kind], i.row or 0)):
            lines.append(f"  {issue.kind:8} {issue}")
        return "\n".join(lines)


# --- reading ----------------------------------------------------------------------------------
_ENCODING_NAMES = {"gb18030": "GBK/GB18030", "big5": "Big5 (traditional characters)",
                   "utf-16": "UTF-16 (Notepad's “Unicode”)", "utf_16_le": "UTF-16",
                   "utf_16_be": "UTF-16", "utf-32": "UTF-32"}


def _decode(raw: bytes, path: Path, issues: list[Issue] | None = None) -> str:
    found = decode_named(raw, (*CHINESE_ENCODINGS, "big5"))
    if found and issues is not None and found[1].lower() in _ENCODING_NAMES:
        # said, not silent: a wrong guess shows here before it shows in the certificates
        issues.append(Issue(None, "", f"read as {_ENCODING_NAMES[found[1].lower()]} text",
                            "cleaned"))
    text = found[0] if found else None
    if text is None:
        raise RosterError("neither UTF-8/16 nor GBK/GB18030 or Big5 text; save it from Excel "
                          "as “CSV UTF-8”", file=path)
    return text


def _cell_text(value) -> object:
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_grid(path: Path, sheet) -> tuple[list[list[object]], str, list[Issue]]:
    """All cells as a grid of text (dates stay dates), the sheet's name, merge notes."""
    suffix = path.suffix.lower()
    check_file(path, "the roster", error=RosterError)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".xls",):
        raise RosterError("the old .xls format; save it from Excel as .xlsx", file=path)
    issues: list[Issue] = []
    text = _decode(path.read_bytes(), path, issues)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[c for c in row] for row in csv.reader(io.StringIO(text), dialect)], "", issues


def _read_xlsx(path: Path, sheet) -> tuple[list[list[object]], str, list[Issue]]:
    import openpyxl

    check_zip(path, "the workbook", RosterError, limits.XLSX_BYTES)
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise RosterError(f"cannot open it as an Excel workbook ({exc})", file=path) from None
    names = book.sheetnames
    if sheet is None:
        ws = book[names[0]]
    elif str(sheet) in names:
        ws = book[str(sheet)]
    elif str(sheet).isdigit() and 1 <= int(sheet) <= len(names):
        ws = book[names[int(sheet) - 1]]
    else:
        raise RosterError(f"no sheet '{sheet}'; the workbook has: {', '.join(names)} "
                          "(give a name or a number from 1)", file=path)
    notes = []
    merged = list(ws.merged_cells.ranges)
    fills = {}
    for rng in merged:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                fills[(r, c)] = value
        if rng.max_row > rng.min_row and value not in (None, ""):
            notes.append((rng.min_row, rng.max_row, rng.min_col, value))
    grid = []
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        grid.append([_cell_text(fills.get((r, c), v)) for c, v in enumerate(row, start=1)])
    issues = [Issue(first, f"column {col}", f"merged cell over rows {first}–{last}: "
                    f"'{value}' repeated on each row", "cleaned")
              for first, last, col, value in notes]
    return grid, ws.title, issues


def _header_row(grid, expected: set[str]) -> int:
    """Index of the header: the first of the top rows naming most of the expected columns."""
    best, best_hits = None, 0
    for i, row in enumerate(grid[:15]):
        names = {_SPACES.sub("", str(c)) for c in row if c not in ("", None)}
        hits = len(names & expected)
        if hits > best_hits:
            best, best_hits = i, hits
    if best is None:  # no expected name (none given, or misspelt): the first of the top rows
        # with the most distinct values, so a title above the header (one cell, or one value
        # spread over a merged range) is not taken for it
        filled = [len({str(c) for c in row if c not in ("", None)}) for row in grid[:15]]
        best = filled.index(max(filled)) if filled else 0
    return best


# --- cleaning -----------------------------------------------------------------------------------
def clean_text(value: str) -> str:
    text = unicodedata.normalize("NFC", value.translate(ZERO_WIDTH)).translate(_FULL_ASCII)
    text = _SPACES.sub(" ", text).strip()
    if _CJK_SPACED.match(text):  # 王  伟: spaces typed to line names up in Excel
        text = text.replace(" ", "")
    return text


def _excel_serial(text: str) -> dt.date | None:
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        serial = int(float(text))
        if 20000 < serial < 80000:  # 1954 … 2119
            return EXCEL_EPOCH + dt.timedelta(days=serial)
    return None


def read_roster(path: Path, *, columns: dict[str, str] | None = None,
                required: list[str] | None = None, dates: list[str] | None = None,
                key: list[str] | None = None, name_field: str = "姓名",
                max_name_chars: int | None = None, sheet=None) -> Roster:
    """Read, clean and validate a roster. `columns` maps roster headers to field names;
    `required` fields must be filled; `dates` fields are written 2025年12月31日; `key` fields
    identify a person (duplicates are rows with the same key)."""
    path = Path(path)
    if not path.exists():
        raise RosterError(f"'{path}' does not exist")
    columns = {_SPACES.sub("", k): v for k, v in (columns or {}).items()}
    required = list(required or [])
    wanted = set(required) | set(columns) | {name_field}
    grid, sheet_name, issues = _read_grid(path, sheet)
    if not any(any(str(c).strip() for c in row) for row in grid):
        raise RosterError("the roster is empty", file=path)
    header_index = _header_row(grid, wanted | set(columns.values()))
    if header_index:
        issues.append(Issue(header_index, "", f"{header_index} row(s) above the header "
                            "(a title) skipped", "skipped"))
    header = [columns.get(_SPACES.sub("", str(c)), _SPACES.sub("", str(c)))
              for c in grid[header_index]]
    missing = [f for f in required if f not in header]
    if missing:
        known = [h for h in header if h and h not in required]
        close = difflib.get_close_matches(missing[0], known, n=1, cutoff=0.1)
        raise RosterError(f"no column {', '.join(missing)} (the header on row "
                          f"{header_index + 1} has: {', '.join(h for h in header if h)}); "
                          "rename it in the roster or map it in the plan, e.g. columns: "
                          f"{{{close[0] if close else '名字'}: {missing[0]}}}", file=path)
    date_fields = set(dates or [])
    rows: list[Row] = []
    for index in range(header_index + 1, len(grid)):
        number = index + 1
        cells, grid[index] = grid[index], None  # each row's cells go as its values come
        raw = {h: cells[i] if i < len(cells) else "" for i, h in enumerate(header) if h}
        if not any(str(v).strip() for v in raw.values()):
            issues.append(Issue(number, "", "blank row skipped", "skipped"))
            continue
        first = next((str(v) for v in raw.values() if str(v).strip()), "")
        if _TOTAL.match(first):
            issues.append(Issue(number, "", f"'{first.strip()}' row skipped (a total, not a "
                                            "person)", "skipped"))
            continue
        if _NOTE.match(first) and len({str(v) for v in raw.values() if str(v).strip()}) == 1:
            issues.append(Issue(number, "", f"'{first.strip()[:20]}' row skipped (a note, not "
                                            "a person)", "skipped"))
            continue
        values = {}
        for name, value in raw.items():
            values[name] = _clean_cell(name, value, number, name in date_fields, issues)
        rows.append(Row(number, values))
    del grid
    roster = Roster(path, rows, issues, sheet_name)
    _validate(roster, required, key or [], name_field, max_name_chars)
    return roster


def _clean_cell(name: str, value, row: int, is_date: bool, issues: list[Issue]) -> str:
    if isinstance(value, (dt.datetime, dt.date)):
        text = format_date(value)
        issues.append(Issue(row, name, f"Excel date → {text}", "cleaned"))
        return text
    original = str(value)
    bad = unsafe_char(original)
    if bad:
        issues.append(Issue(row, name, unsafe_message(bad)))
        return printable(clean_text(original))
    text = clean_text(original)
    if text != original.strip():
        issues.append(Issue(row, name, f"'{original}' → '{text}' (spaces, invisible or "
                                       "full-width characters)", "cleaned"))
    if is_date and text:
        serial = _excel_serial(text)
        try:
            day = serial or parse_date(text)
        except ValueError as exc:
            issues.append(Issue(row, name, str(exc)))
            return text
        formatted = format_date(day)
        if formatted != text:
            issues.append(Issue(row, name, f"date '{text}' → {formatted}", "cleaned"))
        return formatted
    return text


def _digest(values: list) -> bytes:
    return hashlib.blake2b(repr(values).encode(), digest_size=16).digest()


def _validate(roster: Roster, required, key, name_field, max_name_chars) -> None:
    issues = roster.issues
    for row in roster.rows:
        for name in required:
            if not row.values.get(name):
                issues.append(Issue(row.row, name, "missing"))
        name = row.values.get(name_field, "")
        if max_name_chars and len(name) > max_name_chars:
            issues.append(Issue(row.row, name_field, f"'{name}' has {len(name)} characters; the "
                                f"design's name box holds {max_name_chars}"))
    # rows by a 16-byte digest of their values, and of their key fields: a fifth of the
    # memory of tuples of the values, which for a roster of 50,000 were 20 MB; a digest
    # found again is checked against the row it names, so only a true duplicate is reported
    seen: dict[bytes, Row] = {}
    exact: dict[bytes, Row] = {}
    fields = key or [f for f in (name_field, "单位") if f in (roster.rows[0].values
                                                            if roster.rows else {})]
    for row in roster.rows:
        whole = sorted(row.values.items())
        mark = _digest(whole)
        if mark in exact and sorted(exact[mark].values.items()) == whole:
            issues.append(Issue(row.row, "", f"exact duplicate of row {exact[mark].row}"))
            continue
        exact.setdefault(mark, row)
        ident = [row.values.get(f, "") for f in fields]
        if not any(ident):
            continue
        mark = _digest(ident)
        if mark in seen and [seen[mark].values.get(f, "") for f in fields] == ident:
            other = seen[mark]
            differs = [k for k in row.values if row.values[k] != other.values.get(k)]
            issues.append(Issue(row.row, "", f"near duplicate of row {other.row}: same "
                                f"{'+'.join(fields)}, differs in {', '.join(differs)}"))
        else:
            seen.setdefault(mark, row)
