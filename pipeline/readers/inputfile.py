"""Any file a user hands over, before it is read: a regular file (a FIFO or /dev/zero named as
a plan would block or never end), within its size, and a zip (.docx, .xlsx) whose unpacked
size is bounded (a zip bomb is refused before a library unpacks it)."""
from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from pipeline import limits
from pipeline.errors import GongwenError


def check_file(path: Path, what: str = "the file", max_bytes: int = limits.MAX_FILE_BYTES,
               error: type[GongwenError] = GongwenError, **where) -> int:
    """The file's size, or `error` naming the file: missing, not a regular file, too big."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error(f"{what} '{path}' does not exist", **where) from None
    except OSError as exc:
        raise error(f"{what} '{path}' cannot be read: {exc.strerror}", **where) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{what} '{path}' is a folder, not a file", **where)
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{what} '{path}' is not an ordinary file (a pipe or a device?)", **where)
    if info.st_size > max_bytes:
        raise error(f"{what} '{path}' has {info.st_size:,} bytes; at most {max_bytes:,}",
                    **where)
    return info.st_size


def check_zip(path: Path, what: str = "the file", error: type[GongwenError] = GongwenError,
              max_bytes: int = limits.ZIP_BYTES, **where) -> None:
    """A .docx/.xlsx whose parts unpack to at most limits.ZIP_BYTES; a file that is no zip
    is left to the reader, which says so in its own words."""
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if total > max_bytes:
        raise error(f"{what} '{path}' unpacks to {total:,} bytes (a zip bomb?); at most "
                    f"{max_bytes:,}", **where)
