"""User mistakes: one family of exceptions, each naming the file, line and field.

The CLI prints str(error) as one line and exits non-zero; nothing here carries a traceback
to the user.
"""
from __future__ import annotations

from pathlib import Path


class GongwenError(Exception):
    """A problem in the user's input that the user can fix."""

    def __init__(self, message: str, *, file: Path | str | None = None,
                 line: int | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = Path(file) if file else None
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = str(self.file)
            if self.line:
                where += f":{self.line}"
        parts = [p for p in (where, f"field '{self.field}'" if self.field else "") if p]
        prefix = ", ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class PlanError(GongwenError):
    """The plan (YAML) is malformed or fails validation."""


class TemplateError(GongwenError):
    """A placeholder cannot be filled, or a template is damaged."""


class AssetError(GongwenError):
    """A file the plan points to (a seal image ...) is missing or unusable."""


class DataError(GongwenError):
    """A spreadsheet a report reads cannot give what the plan asks (file, sheet, row, column)."""


_SYSTEM = {  # what the machine refused, in words a clerk can act on
    "ENOSPC": "the disk is full", "EDQUOT": "the disk quota is used up",
    "EACCES": "no permission", "EPERM": "not permitted", "EROFS": "the disk is read-only",
    "ENAMETOOLONG": "the name is too long for the file system", "EMFILE": "too many open files",
}


def system_problem(exc: OSError) -> str:
    """One line for an error the operating system raised while reading or writing (a full
    disk, a folder without permission), naming the file: the input was fine, the machine
    refused. Atomic writes leave no half-written file, and a batch run resumes where it
    stopped, so the line says to fix it and run again."""
    import errno

    what = _SYSTEM.get(errno.errorcode.get(exc.errno or 0, ""), exc.strerror or str(exc))
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{what}{where}: fix that and run again; no half-written file was left"
