"""Number allocation speed against the bare database, measured in the same run.

    python3 bench/register_speed.py [--count N] [--pg postgresql:///gongwen_test]

For SQLite (a temporary file) and PostgreSQL (if reachable), prints the time of one
`Register.allocate` (lock, key lookup, next sequence, insert, audit event, commit) and of the
baseline — one bare INSERT committed on its own on the same database with the same settings —
and the ratio: what the register's guarantees cost on top of the database's own commit.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.register.registry import Register, RegisterError  # noqa: E402


def _ours(url: str, count: int) -> float:
    with Register(url) as reg:
        start = time.perf_counter()
        for i in range(count):
            reg.allocate("测速", f"bench-{i}", 2026)
        return (time.perf_counter() - start) / count


def _bare_sqlite(path: Path, count: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE bare (n INTEGER, k TEXT)")
    start = time.perf_counter()
    for i in range(count):
        conn.execute("BEGIN")
        conn.execute("INSERT INTO bare VALUES (?, ?)", (i, f"k{i}"))
        conn.execute("COMMIT")
    conn.close()
    return (time.perf_counter() - start) / count


def _bare_pg(url: str, count: int) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bare")
        conn.execute("CREATE TABLE bare (n INTEGER, k TEXT)")
        start = time.perf_counter()
        for i in range(count):
            with conn.transaction():
                conn.execute("INSERT INTO bare VALUES (%s, %s)", (i, f"k{i}"))
        elapsed = (time.perf_counter() - start) / count
        conn.execute("DROP TABLE bare")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--pg", default="postgresql:///gongwen_test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ours = _ours(f"sqlite:///{tmp}/register.db", args.count)
        bare = _bare_sqlite(Path(tmp) / "bare.db", args.count)
        print(f"SQLite:     allocate {ours * 1000:.2f} ms, bare insert+commit {bare * 1000:.2f} ms,"
              f" ratio {ours / bare:.1f}x ({1 / ours:.0f} numbers/s)")
    try:
        import psycopg

        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS numbers, events")
        ours = _ours(args.pg, args.count)
        bare = _bare_pg(args.pg, args.count)
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS numbers, events")
        print(f"PostgreSQL: allocate {ours * 1000:.2f} ms, bare insert+commit {bare * 1000:.2f} "
              f"ms, ratio {ours / bare:.1f}x ({1 / ours:.0f} numbers/s)")
    except (ImportError, RegisterError, OSError) as exc:
        print(f"PostgreSQL: not measured ({exc})")
    except Exception as exc:  # psycopg's own errors: a server that is not there is not a failure
        print(f"PostgreSQL: not measured ({type(exc).__name__}: {exc})")


if __name__ == "__main__":
    main()
