"""The manifest of a batch (circulars per row, certificates per person) and the fingerprints
that decide whether a re-run must build a row again.

A row's fingerprint is a short hash of everything its output is made from; the manifest
keeps it beside the row's key, number and files. A re-run builds a row only when the
fingerprint changed, a file is missing, or the recorded number or files differ — so a run
after a crash finishes the work, and a finished row is never built (or numbered) twice.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from pipeline.writers.sheets import read_table

KEY = "键"
FINGERPRINT = "指纹"


def fingerprint(*parts) -> str:
    """16 hex digits over JSON-able parts (dict keys sorted, so the order of a row's columns
    in memory does not matter)."""
    data = json.dumps(list(parts), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def digest(*chunks: bytes) -> str:
    """SHA-256 of byte chunks joined (files, plan bytes, a seal image)."""
    return hashlib.sha256(b"".join(chunks)).hexdigest()


def read_manifest(path: Path, *, status: str | None = None) -> dict[str, dict[str, str]]:
    """The rows of an earlier run by key; only those whose 状态 is `status` when given (a
    certificate manifest also lists the rows it skipped)."""
    return {r[KEY]: r for r in read_table(path)
            if status is None or r.get("状态") == status}


def up_to_date(old: dict[str, str] | None, fingerprint: str, files,
               recorded: dict[str, str]) -> bool:
    """Whether an earlier run's row still stands: the same fingerprint, the same values in
    the `recorded` columns (its number, its file list) and every file still there."""
    return bool(old) and old[FINGERPRINT] == fingerprint \
        and all(old.get(column) == value for column, value in recorded.items()) \
        and all(Path(f).exists() for f in files)


@lru_cache(maxsize=None)
def renderer_version(modules: tuple[str, ...], files: tuple[str, ...] = (),
                     libraries: tuple[str, ...] = ()) -> str:
    """A hash of what turns a row into bytes: the named modules' source and other files (a
    template), read without importing them, so any change, released or not, rebuilds; and
    the installed versions of the libraries they call. Part of a fingerprint, so output made
    by an older renderer is made again."""
    from importlib import metadata
    from importlib.util import find_spec

    parts = [Path(find_spec(name).origin).read_bytes() for name in modules]
    parts += [Path(f).read_bytes() for f in files]
    for library in libraries:
        try:
            parts.append(f"{library} {metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            parts.append(f"{library} -".encode())
    return digest(*parts)[:16]
