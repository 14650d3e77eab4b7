"""The register as a 发文登记簿 spreadsheet: export to CSV/XLSX, import from one.

Import checks every row before writing anything: a malformed number, a number or key twice
in the file, or one the register already holds is reported with its spreadsheet row, and
then nothing is imported.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.readers.roster import read_roster
from pipeline.register.registry import ISSUED, VOID, Entry, Register, RegisterError, parse_number
from pipeline.writers.sheets import safe_cell, write_table

HEADERS = ["序号", "发文字号", "标题", "文档键", "文件", "状态", "登记人", "登记时间",
           "作废原因", "作废人", "作废时间"]
STATUS_LABEL = {ISSUED: "已发", VOID: "作废"}
_LABEL_STATUS = {v: k for k, v in STATUS_LABEL.items()}


def rows_of(entries: list[Entry]) -> list[list[str]]:
    return [[str(i), e.number, e.title, e.doc_key, e.file, STATUS_LABEL.get(e.status, e.status),
             e.issued_by, e.issued_at, e.void_reason, e.voided_by, e.voided_at]
            for i, e in enumerate(entries, start=1)]


def export(entries: list[Entry], path: Path) -> Path:
    rows = [[safe_cell(c) for c in row] for row in rows_of(entries)]
    return write_table(path, HEADERS, rows, sheet="发文登记簿")


def table(entries: list[Entry]) -> str:
    """The register as aligned text for a terminal."""
    from pipeline.text.width import text_chars

    shown = [0, 1, 2, 3, 5, 6, 7, 8]
    grid = [[HEADERS[i] for i in shown]] + [[row[i] for i in shown] for row in rows_of(entries)]
    widths = [max(text_chars(r[c]) for r in grid) for c in range(len(shown))]
    return "\n".join("  ".join(cell + " " * int(w - text_chars(cell)) for cell, w in
                               zip(row, widths)).rstrip() for row in grid)


def import_book(register: Register, path: Path, by: str | None = None) -> list[Entry]:
    path = Path(path)
    # read like any roster: encoding found from the bytes, a title row above the header
    # skipped, spaces and full-width digits cleaned; a missing 发文字号 column is named
    book = read_roster(path, required=["发文字号"])
    existing = {e.number: e for e in register.entries()}
    keys = {(e.code, e.doc_key) for e in existing.values() if e.status == ISSUED}
    problems, entries, seen = [], [], {}
    # a control character or bidi override in any cell: the register is no place for it
    problems += [f"{path.name} {i}" for i in book.issues
                 if i.kind == "error" and "invisible character" in i.message]
    for book_row in book.rows:
        row = book_row.values
        at = f"{path.name} row {book_row.row}"  # as Excel numbers them
        number = row["发文字号"].strip()
        if not number:
            continue
        try:
            code, year, seq = parse_number(number)
        except RegisterError as exc:
            problems.append(f"{at}, 发文字号: {exc}")
            continue
        key = (row.get("文档键") or "").strip() or f"import:{number}"
        status = _LABEL_STATUS.get((row.get("状态") or "已发").strip())
        if status is None:
            problems.append(f"{at}, 状态: '{row.get('状态')}' should be 已发 or 作废")
            continue
        if number in existing:
            problems.append(f"{at}, 发文字号: {number} is already in the register "
                            f"(key {existing[number].doc_key})")
        elif number in seen:
            problems.append(f"{at}, 发文字号: {number} also on row {seen[number]}")
        elif status == ISSUED and (code, key) in keys:
            problems.append(f"{at}, 文档键: key '{key}' is already bound to another number")
        seen[number] = book_row.row
        if status == ISSUED:
            keys.add((code, key))
        entries.append(Entry(code, year, seq, number, key, status,
                             title=(row.get("标题") or "").strip(),
                             file=(row.get("文件") or "").strip(),
                             issued_by=(row.get("登记人") or "").strip() or "import",
                             issued_at=(row.get("登记时间") or "").strip(),
                             void_reason=(row.get("作废原因") or "").strip(),
                             voided_by=(row.get("作废人") or "").strip(),
                             voided_at=(row.get("作废时间") or "").strip()))
    if problems:
        raise RegisterError(f"{len(problems)} problem(s); nothing was imported:\n  "
                            + "\n  ".join(problems))
    register.add_entries(entries, by)
    return entries
