"""Spreadsheets a report reads: CSV or XLSX through pandas, the header row found the way the
roster reader finds it, every cell kept with the row number and column letter Excel shows.

pandas does the reading (its C CSV reader) and, in compute.py, the arithmetic: vectorised
passes over columns, hash-based group-by and pivot, filters on factorised columns, instead of
hand-written loops (bench/report_speed.py measures both on 100,000 rows).
"""
from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import DataError
from pipeline.readers.roster import (_NOTE, _SPACES, _TOTAL, _cell_text, _header_row,
                                     clean_text)
from pipeline.readers.textfile import decode

_FULL_DIGITS = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)} | {0xFF0E: ord("."),
                                                                0xFF0D: ord("-")}


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the letters Excel heads its columns with."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Sheet:
    """One table of a spreadsheet: cleaned column names, cells as read, spreadsheet rows."""
    path: Path
    sheet: str  # the sheet's title ("" for CSV)
    frame: pd.DataFrame  # index: spreadsheet row numbers; cells: the text shown
    letters: dict[str, str]  # column → its letter
    header_row: int  # spreadsheet row of the header
    skipped: list[str] = field(default_factory=list)  # total rows left out, for the notes
    _numbers: dict = field(default_factory=dict)  # per-column caches: numbers, codes

    @property
    def label(self) -> str:
        return f"{self.path.name}" + (f" [{self.sheet}]" if self.sheet else "")

    def fail(self, message: str) -> DataError:
        return DataError(message, file=self.path)

    def column(self, name: str, used_by: str) -> str:
        """The column's name if the sheet has it, else an error naming the closest one."""
        key = _SPACES.sub("", str(name))
        if key in self.frame.columns:
            return key
        columns = [str(c) for c in self.frame.columns]
        close = difflib.get_close_matches(key, columns, n=1, cutoff=0.3)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise self.fail(f"{'sheet ' + repr(self.sheet) + ': ' if self.sheet else ''}no column "
                        f"'{name}' ({used_by}); {hint}the header on row {self.header_row} has: "
                        + ", ".join(columns))

    def numbers(self, column: str, used_by: str) -> pd.Series:
        """The column as floats; a cell that is not a number stops the build, named by its
        spreadsheet row and column letter. Blank cells are errors too: a sum that silently
        skips a village is the mistake this feature exists to prevent."""
        if column in self._numbers:
            return self._numbers[column]
        text = self.frame[column]
        values = self._coerced(column).copy()
        bad = values.isna()
        if bad.any():  # only the few odd cells take the slow path: 1,234 / １２ / 12 万
            fixed = text[bad].str.translate(_FULL_DIGITS).str.replace(
                r"[\s\u3000,，]", "", regex=True)
            values[bad] = pd.to_numeric(fixed, errors="coerce")
            bad = values.isna()
            if bad.any():
                row = bad.idxmax()
                cell = text.loc[row]
                what = (f"'{cell}' is not a number" if cell
                        else "the cell is empty (write 0 if there is none)")
                raise self.fail(f"{'sheet ' + repr(self.sheet) + ', ' if self.sheet else ''}"
                                f"row {row}, column {self.letters[column]} ({column}): {what}; "
                                f"{used_by} adds this column up")
        self._numbers[column] = values.astype(float)
        return self._numbers[column]

    def is_numeric(self, column: str) -> bool:
        """Most filled cells are numbers: then the column is summed, and a stray text cell in
        it is an error rather than a reason to treat the column as text."""
        text = self.frame[column]
        filled = text != ""
        if not filled.any():
            return False
        if self._coerced(column)[filled].notna().mean() > 0.5:
            return True
        cleaned = text[filled].str.translate(_FULL_DIGITS).str.replace(r"[\s\u3000,，]", "", regex=True)
        return bool(pd.to_numeric(cleaned, errors="coerce").notna().mean() > 0.5)

    def text(self, column: str) -> pd.Series:
        return self.frame[column]

    def matching(self, column: str, wanted: set[str]) -> np.ndarray:
        """Rows whose cell is one of `wanted`, compared on the column's distinct values
        (factorised once): a filter costs an integer pass, not a string comparison per row."""
        codes, uniques = self._codes(column)
        hits = [i for i, u in enumerate(uniques) if u in wanted]
        return np.isin(codes, hits)

    def _coerced(self, column: str) -> pd.Series:
        """The column through pd.to_numeric, NaN where a cell is no plain number."""
        key = ("coerced", column)
        if key not in self._numbers:
            codes, uniques = self._codes(column)
            numbers = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce")
            self._numbers[key] = pd.Series(numbers.to_numpy(dtype=float)[codes],
                                           index=self.frame.index)
        return self._numbers[key]

    def _codes(self, column: str):
        key = ("codes", column)
        if key not in self._numbers:
            self._numbers[key] = pd.factorize(self.frame[column])
        return self._numbers[key]


def _sheet_of(path: Path, names: list[str], sheet) -> str:
    if sheet is None:
        return names[0]
    if str(sheet) in names:
        return str(sheet)
    if isinstance(sheet, int) and 1 <= sheet <= len(names):
        return names[sheet - 1]
    close = difflib.get_close_matches(str(sheet), names, n=1, cutoff=0.3)
    raise DataError(f"no sheet '{sheet}'" + (f"; did you mean '{close[0]}'?" if close else "")
                    + f" (the workbook has: {', '.join(names)}; give a name or a number from 1)",
                    file=path)


def _grid(path: Path, sheet) -> tuple[pd.DataFrame, str]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            book = pd.ExcelFile(path, engine="calamine")
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise DataError(f"cannot open it as an Excel workbook ({exc})", file=path) from None
        title = _sheet_of(path, book.sheet_names, sheet)
        return pd.read_excel(book, sheet_name=title, header=None, dtype=object), title
    if suffix == ".xls":
        raise DataError("the old .xls format; save it from Excel as .xlsx", file=path)
    if sheet is not None:
        raise DataError(f"sheet: {sheet} given, but a CSV file has no sheets", file=path)
    text = decode(path.read_bytes())
    if text is None:
        raise DataError("neither UTF-8 nor GBK/GB18030 text; save it from Excel as “CSV UTF-8”",
                        file=path)
    try:
        sep = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        sep = ","
    # rows of unequal length (a title row above the header) are normal in an office's CSV:
    # pandas' C reader is told the widest row of the top ones; a longer row further down
    # sends the file through the csv module instead
    top = list(csv.reader(io.StringIO(text[:20000]), delimiter=sep))[:50]
    width = max((len(r) for r in top), default=1)
    try:
        frame = pd.read_csv(io.StringIO(text), header=None, names=range(width), dtype=object,
                            sep=sep, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, engine="c")
    except pd.errors.ParserError:
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
        width = max((len(r) for r in rows), default=0)
        frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    return frame, ""


@lru_cache(maxsize=32)
def _read(path: Path, stamp: tuple, sheet, header_row: int | None,
          expected: frozenset[str]) -> Sheet:
    grid, title = _grid(path, sheet)
    if grid.empty:
        raise DataError(f"{'sheet ' + repr(title) + ' ' if title else ''}is empty", file=path)
    if header_row is None:
        top = [[_cell_text(v) if not _blank(v) else "" for v in row]
               for row in grid.head(15).itertuples(index=False)]
        header_index = _header_row(top, set(expected))
    else:
        header_index = header_row - 1
        if header_index >= len(grid):
            raise DataError(f"header_row: {header_row}, but the sheet has {len(grid)} rows",
                            file=path)
    names = [_SPACES.sub("", clean_text(str(_cell_text(v)))) if not _blank(v) else ""
             for v in grid.iloc[header_index]]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name and name in seen:
            raise DataError(f"row {header_index + 1}: columns {column_letter(seen[name])} and "
                            f"{column_letter(i)} are both headed '{name}'", file=path)
        seen.setdefault(name, i)
    columns = [n for n in names if n]
    body = grid.iloc[header_index + 1:, [i for i, n in enumerate(names) if n]]
    rows = np.arange(header_index + 1, len(grid)) + 1  # the row numbers Excel shows
    # every cell as the text the clerk sees (2025.0 from Excel reads 2025; repr keeps every
    # float exact), worked out once per distinct value: a report's columns repeat a few
    # values (years, months, villages, counts) over many rows
    from_csv = path.suffix.lower() not in (".xlsx", ".xlsm")  # CSV cells are already text
    encoded = [_encode(body.iloc[:, i], from_csv) for i in range(len(columns))]
    filled = np.zeros((len(rows), len(columns)), dtype=bool)
    for i, (codes, uniques) in enumerate(encoded):
        blank = [k for k, u in enumerate(uniques) if u == ""]
        filled[:, i] = ~np.isin(codes, blank)
    keep = filled.any(axis=1)
    skipped = []
    if columns:
        # a 合计 row the clerk typed would be counted twice; a note under the table is no data
        codes, uniques = encoded[0]
        totals = np.isin(codes, [k for k, u in enumerate(uniques) if _TOTAL.match(u)])
        notes = np.isin(codes, [k for k, u in enumerate(uniques) if _NOTE.match(u)]) & (
            filled.sum(axis=1) == 1)
        for r in np.flatnonzero((totals | notes) & keep):
            skipped.append(f"{path.name} row {rows[r]}: '{uniques[codes[r]][:20]}' left out "
                           f"(a {'total' if totals[r] else 'note'}, not data)")
        keep &= ~(totals | notes)
    index = pd.Index(rows[keep])
    frame = pd.DataFrame({name: pd.Series(uniques[codes[keep]], index=index, dtype=object)
                          for name, (codes, uniques) in zip(columns, encoded)}, index=index)
    letters = {n: column_letter(i) for i, n in enumerate(names) if n}
    sheet = Sheet(path, title, frame, letters, header_index + 1, skipped)
    for name, (codes, uniques) in zip(columns, encoded):
        sheet._numbers[("codes", name)] = (codes[keep], uniques)
    return sheet


def _encode(column: pd.Series, from_csv: bool) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct cleaned texts) of a column: texts[codes] is the column."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    clean = [u.strip() if from_csv and isinstance(u, str) else cell_text(u).strip()
             for u in uniques]
    sub, texts = pd.factorize(np.array(clean, dtype=object))
    return sub[codes], np.asarray(texts, dtype=object)


def cell_text(value) -> str:
    """A cell as the clerk sees it: '' for blank, 2025 for 2025.0."""
    return "" if _blank(value) else str(_cell_text(value))


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or (
        isinstance(value, str) and not value.strip())


def read_sheet(path: Path, sheet=None, header_row: int | None = None,
               expected: set[str] | None = None) -> Sheet:
    """The sheet, read once per build even when several tables use it (cached on the file's
    size and modification time, so an edited spreadsheet is read again)."""
    path = Path(path)
    stat = path.stat()
    found = _read(path.resolve(), (stat.st_mtime_ns, stat.st_size), sheet, header_row,
                  frozenset(_SPACES.sub("", e) for e in (expected or ())))
    return found


def missing_file(path: Path, shown: str) -> str:
    """'no data file …' with the closest file name in that folder, for the plan's message."""
    folder = path.parent
    names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.3)
    return (f"no data file '{shown}'"
            + (f"; did you mean '{str(Path(shown).parent / close[0])}'?" if close else "")
            + ("" if folder.is_dir() else f" (no folder '{folder}')"))
