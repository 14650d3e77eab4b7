"""The document-number register (发文登记): SQLite by default, PostgreSQL by URL.

A number is 机关代字 + 〔year〕 + sequence + 号. Sequences start at 1 each year per code and
only grow: a voided number keeps its row, so it is never handed out again. A number is bound
to a document key, so asking again for the same key returns the same number. Every change is
also written to an event log (who, when, what).

Allocation is one transaction: SQLite takes the write lock up front (BEGIN IMMEDIATE);
PostgreSQL serialises allocations of one code and year with a transaction-scoped advisory
lock. A process killed mid-transaction leaves nothing behind, so a re-run allocates afresh
or finds the number it had bound.
"""
from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from pipeline import forms
from pipeline.errors import GongwenError

DEFAULT_DB = "sqlite:///register.db"
ENV_DB = "GONGWEN_DB"
ISSUED, VOID = "issued", "void"

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS numbers (
        code TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL,
        number TEXT NOT NULL UNIQUE, doc_key TEXT NOT NULL,
        status TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', file TEXT NOT NULL DEFAULT '',
        issued_by TEXT NOT NULL, issued_at TEXT NOT NULL,
        void_reason TEXT NOT NULL DEFAULT '', voided_by TEXT NOT NULL DEFAULT '',
        voided_at TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (code, year, seq))""",
    # a key holds one live number; a voided number frees its key for a fresh number
    """CREATE UNIQUE INDEX IF NOT EXISTS numbers_live_key ON numbers (code, doc_key)
        WHERE status = 'issued'""",
    """CREATE TABLE IF NOT EXISTS events (
        number TEXT NOT NULL, action TEXT NOT NULL, by_user TEXT NOT NULL,
        at TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')""",
]


class RegisterError(GongwenError):
    """The register cannot be used (corrupt, locked, unreachable) or refuses a change."""


@dataclass(frozen=True)
class Entry:
    code: str
    year: int
    seq: int
    number: str
    doc_key: str
    status: str
    title: str = ""
    file: str = ""
    issued_by: str = ""
    issued_at: str = ""
    void_reason: str = ""
    voided_by: str = ""
    voided_at: str = ""


COLUMNS = [f for f in Entry.__dataclass_fields__]


def _plain_text(**fields: str) -> None:
    """The register is exported to spreadsheets and printed on terminals: no control
    characters or bidi overrides in what it keeps."""
    from pipeline.readers.textfile import describe, unsafe_char

    for name, text in fields.items():
        bad = unsafe_char(text or "")
        if bad:
            raise RegisterError(f"{name} holds the invisible character {describe(bad)}; "
                                "remove it")


def check_code(code: str) -> str:
    code = (code or "").strip()
    _plain_text(code=code)
    if not code or not forms.DOC_CODE.match(code):
        raise RegisterError(f"'{code}' is not an organ code (机关代字) like 五委发: no brackets, "
                            "digits, spaces, 第 or 号")
    return code


def parse_number(text: str) -> tuple[str, int, int]:
    """(code, year, seq) of a number in the standard's form; a clear message otherwise."""
    try:
        return forms.parse_doc_number(text)
    except ValueError as exc:
        raise RegisterError(str(exc)) from None


def current_user(by: str | None = None) -> str:
    if by:
        return by
    for var in ("GONGWEN_USER", "USER", "LOGNAME", "USERNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in a container
        return "unknown"


def _seconds(text: str) -> float:
    """GONGWEN_DB_TIMEOUT: how long to wait for another clerk's lock, 0 to 3600 s."""
    try:
        value = float(text)
    except ValueError:
        raise RegisterError(f"GONGWEN_DB_TIMEOUT='{text}' should be seconds, e.g. 60") from None
    if not 0 <= value <= 3600:  # nan fails this too
        raise RegisterError(f"GONGWEN_DB_TIMEOUT={text}: between 0 and 3600 seconds")
    return value


def _now() -> str:
    return dt.datetime.now().astimezone().replace(microsecond=0).isoformat()


def db_url(url: str | None = None) -> str:
    return url or os.environ.get(ENV_DB) or DEFAULT_DB


class Register:
    """One open register. Use as a context manager, or call close()."""

    def __init__(self, url: str | None = None, *, create: bool = False):
        """create: make the register's folder if it is missing (`gongwen number init`,
        --create). Without it a missing folder is an error: a typo in the path must not
        start a new register that issues 1号 again."""
        self.url = db_url(url)
        if self.url.startswith("sqlite:///"):
            self.kind = "sqlite"
            self._open_sqlite(self._sqlite_path(self.url[len("sqlite:///"):]), create)
        elif self.url.startswith(("postgresql://", "postgres://")):
            self.kind = "postgresql"
            self._open_postgresql()
        else:
            raise RegisterError(f"register URL '{self.url}' should start with sqlite:/// or "
                                "postgresql://")
        self._ensure_schema()

    # --- connections ----------------------------------------------------------------
    def _sqlite_path(self, path: str) -> str:
        if "?" in path or "#" in path:
            raise RegisterError(f"register URL '{self.url}': options after '?' are not "
                                "supported for SQLite; give only the file, "
                                "sqlite:///folder/register.db")
        if not path or path.strip() in (":memory:", "") or path.startswith("file:"):
            raise RegisterError(f"register URL '{self.url}' names no file; numbers must be kept "
                                "(an in-memory register forgets them), e.g. "
                                "sqlite:///register.db")
        return path

    def _open_sqlite(self, path: str, create: bool = False) -> None:
        self.path = Path(path)
        folder = self.path.parent
        if self.path.exists() and self.path.is_dir():
            raise RegisterError(f"register {self.path} is a folder; give the register file, "
                                f"e.g. sqlite:///{self.path}/register.db")
        if not folder.is_dir():
            if not create:
                raise RegisterError(f"register {self.path}: the folder {folder} does not exist; "
                                    "check the path (a typo would start a new register that "
                                    "issues 1号 again), or make a new register with "
                                    f"gongwen number init --db {self.url}")
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise RegisterError(f"register {self.path}: cannot make the folder {folder} "
                                    f"({exc.strerror})") from None
        try:
            # autocommit off by hand: transactions are begun explicitly below
            # another clerk's allocation holds the lock for milliseconds; wait for it
            timeout = _seconds(os.environ.get("GONGWEN_DB_TIMEOUT", "60"))
            self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
        except (sqlite3.DatabaseError, sqlite3.OperationalError) as exc:
            raise RegisterError(self._sqlite_message(exc)) from None

    def _sqlite_message(self, exc: Exception) -> str:
        text = str(exc)
        if "not a database" in text or "malformed" in text:
            return (f"register {self.path} is damaged ({text}); restore it from a backup or "
                    "move it away and import the last exported 发文登记簿")
        if "locked" in text or "busy" in text:
            return f"register {self.path} is locked by another program; try again ({text})"
        return f"register {self.path}: {text}"

    def _open_postgresql(self) -> None:
        try:
            import psycopg
        except ImportError:
            raise RegisterError("PostgreSQL needs the psycopg package; run the README's setup "
                                "command") from None
        try:
            self.conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise RegisterError(f"cannot reach the register at {self._safe_url()}: "
                                f"{str(exc).strip().splitlines()[0]}") from None

    def _safe_url(self) -> str:
        return re.sub(r"//([^:@/]+):[^@/]*@", r"//\1:***@", self.url)

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.kind == "postgresql" else sql

    def _run(self, fn):
        """Run fn(cursor) in one transaction that holds the allocation lock."""
        if self.kind == "sqlite":
            cur = self.conn.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE")
                result = fn(cur)
                cur.execute("COMMIT")
                return result
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.DatabaseError):
                    raise RegisterError(self._sqlite_message(exc)) from None
                raise
        import psycopg

        try:
            with self.conn.transaction(), self.conn.cursor() as cur:
                # one lock for all allocations: consecutive numbers need a total order anyway
                cur.execute(self._sql("SELECT pg_advisory_xact_lock(?)"),
                            (zlib.crc32(b"gongwen-register"),))
                return fn(cur)
        except psycopg.Error as exc:
            raise RegisterError(f"register {self._safe_url()}: "
                                f"{str(exc).strip().splitlines()[0]}") from None

    def _ensure_schema(self) -> None:
        def create(cur):
            for statement in _SCHEMA:
                cur.execute(statement)
        self._run(create)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Register":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- queries ------------------------------------------------------------------
    def _rows(self, cur, where: str = "", args=()) -> list[Entry]:
        cur.execute(self._sql(f"SELECT {', '.join(COLUMNS)} FROM numbers {where} "
                              "ORDER BY code, year, seq"), args)
        return [Entry(*row) for row in cur.fetchall()]

    def _log(self, cur, number: str, action: str, by: str, detail: str = "") -> None:
        cur.execute(self._sql("INSERT INTO events (number, action, by_user, at, detail) "
                              "VALUES (?, ?, ?, ?, ?)"), (number, action, by, _now(), detail))

    @staticmethod
    def _next_seq(cur, sql, code: str, year: int) -> int:
        cur.execute(sql("SELECT COALESCE(MAX(seq), 0) FROM numbers WHERE code = ? AND year = ?"),
                    (code, year))
        return int(cur.fetchone()[0]) + 1

    def peek(self, code: str, year: int) -> str:
        """The number the next allocation would get; allocates nothing."""
        code = check_code(code)
        return self._run(lambda cur: forms.format_doc_number(code, year,
                                                   self._next_seq(cur, self._sql, code, year)))

    def find(self, code: str, key: str) -> Entry | None:
        rows = self._run(lambda cur: self._rows(
            cur, self._sql("WHERE code = ? AND doc_key = ? AND status = ?"),
            (check_code(code), key, ISSUED)))
        return rows[0] if rows else None

    def allocate(self, code: str, key: str, year: int, *, title: str = "", file: str = "",
                 by: str | None = None) -> tuple[Entry, bool]:
        """The number bound to key, allocating the next one if there is none.
        Returns (entry, newly_allocated)."""
        code = check_code(code)
        key = (key or "").strip()
        if not key:
            raise RegisterError("a document key is needed to allocate a number (the plan's id)")
        by = current_user(by)
        _plain_text(key=key, title=title, file=file, by=by)

        def allocate(cur):
            found = self._rows(cur, self._sql("WHERE code = ? AND doc_key = ? AND status = ?"),
                               (code, key, ISSUED))
            if found:
                entry = found[0]
                if (title and title != entry.title) or (file and file != entry.file):
                    cur.execute(self._sql("UPDATE numbers SET title = ?, file = ? WHERE "
                                          "number = ?"),
                                (title or entry.title, file or entry.file, entry.number))
                    self._log(cur, entry.number, "rebuilt", by, f"{title} {file}".strip())
                return entry, False
            seq = self._next_seq(cur, self._sql, code, year)
            number = forms.format_doc_number(code, year, seq)
            entry = Entry(code, year, seq, number, key, ISSUED, title, file, by, _now())
            cur.execute(self._sql(f"INSERT INTO numbers ({', '.join(COLUMNS)}) VALUES "
                                  f"({', '.join('?' * len(COLUMNS))})"),
                        tuple(getattr(entry, c) for c in COLUMNS))
            self._log(cur, number, "issued", by, f"key={key} {title} {file}".strip())
            return entry, True
        return self._run(allocate)

    def allocate_many(self, code: str, keys: Iterable[tuple[str, str]], year: int, *,
                      by: str | None = None) -> list[tuple[int, int]]:
        """allocate() for many (key, title) pairs in one transaction, in order: keys already
        bound keep their numbers, new ones get consecutive numbers. Returns each key's (year,
        seq). Made for a roster of tens of thousands at once: the keys are read as they come,
        the rows go to the database as they are made, and of the numbers already issued only
        key, year and seq are held — not a list of entries."""
        code = check_code(code)
        by = current_user(by)

        def allocate(cur):
            cur.execute(self._sql("SELECT doc_key, year, seq FROM numbers "
                                  "WHERE code = ? AND status = ?"), (code, ISSUED))
            bound = {key: (y, s) for key, y, s in cur}
            first = seq = self._next_seq(cur, self._sql, code, year)
            out: list[tuple[int, int]] = []
            at = _now()

            def new_rows():
                nonlocal seq
                for key, title in keys:
                    found = bound.get(key)
                    if found is None:
                        found = bound[key] = (year, seq)
                        yield (code, year, seq, forms.format_doc_number(code, year, seq), key,
                               ISSUED, title, "", by, at, "", "", "")
                        seq += 1
                    out.append(found)

            cur.executemany(self._sql(f"INSERT INTO numbers ({', '.join(COLUMNS)}) VALUES "
                                      f"({', '.join('?' * len(COLUMNS))})"), new_rows())
            # one event per new number, written by the database from the rows just made
            cur.execute(self._sql("INSERT INTO events (number, action, by_user, at, detail) "
                                  "SELECT number, 'issued', issued_by, issued_at, "
                                  "'key=' || doc_key || ' ' || title FROM numbers "
                                  "WHERE code = ? AND year = ? AND seq >= ? ORDER BY seq"),
                        (code, year, first))
            return out
        return self._run(allocate)

    def void(self, number: str, reason: str, by: str | None = None) -> Entry:
        parse_number(number)
        reason = (reason or "").strip()
        if not reason:
            raise RegisterError("say why the number is voided: --reason \"...\"")
        by = current_user(by)
        _plain_text(reason=reason, by=by)

        def void(cur):
            rows = self._rows(cur, self._sql("WHERE number = ?"), (number.strip(),))
            if not rows:
                raise RegisterError(f"{number} is not in the register")
            if rows[0].status == VOID:
                raise RegisterError(f"{number} is already void ({rows[0].void_reason})")
            cur.execute(self._sql("UPDATE numbers SET status = ?, void_reason = ?, voided_by = ?, "
                                  "voided_at = ? WHERE number = ?"),
                        (VOID, reason, by, _now(), number.strip()))
            self._log(cur, number.strip(), "voided", by, reason)
            return self._rows(cur, self._sql("WHERE number = ?"), (number.strip(),))[0]
        return self._run(void)

    def entries(self, code: str | None = None, year: int | None = None,
                status: str | None = None) -> list[Entry]:
        where, args = [], []
        for column, value in (("code", code), ("year", year), ("status", status)):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self._run(lambda cur: self._rows(cur, self._sql(clause), tuple(args)))

    def events(self, number: str | None = None) -> list[tuple]:
        def read(cur):
            where = self._sql("WHERE number = ?") if number else ""
            cur.execute(f"SELECT number, action, by_user, at, detail FROM events {where}",
                        (number,) if number else ())
            return cur.fetchall()
        return self._run(read)

    def add_entries(self, entries: list[Entry], by: str | None = None) -> None:
        """Insert imported entries in one transaction: all of them, or none (conflicts are
        checked by the caller first; a racing writer still fails the whole import)."""
        by = current_user(by)

        def insert(cur):
            for e in entries:
                taken = self._rows(cur, self._sql(
                    "WHERE number = ? OR (code = ? AND doc_key = ? AND status = ? AND ? = ?)"),
                    (e.number, e.code, e.doc_key, ISSUED, e.status, ISSUED))
                if taken:
                    raise RegisterError(f"{e.number} or key {e.doc_key} was registered meanwhile; "
                                        "nothing was imported")
                cur.execute(self._sql(f"INSERT INTO numbers ({', '.join(COLUMNS)}) VALUES "
                                      f"({', '.join('?' * len(COLUMNS))})"),
                            tuple(getattr(e, c) for c in COLUMNS))
                self._log(cur, e.number, "imported", by, e.doc_key)
        self._run(insert)
