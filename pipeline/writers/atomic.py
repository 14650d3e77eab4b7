"""Atomic output: write to a temporary name beside the target, rename when complete."""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import shutil
import tempfile
from pathlib import Path

from pipeline import limits
from pipeline.errors import GongwenError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# the mode open() would give a new file: 0644 under the usual umask, so colleagues on the
# office share can open what was written (mkstemp's 0600 is for secrets)
FILE_MODE = 0o666 & ~_umask()
DIR_MODE = 0o777 & ~_umask()


def short_name(stem: str, room: int = limits.NAME_BYTES) -> str:
    """stem within `room` UTF-8 bytes: cut at a character boundary and marked with a short
    hash of the whole, so two long names that share a beginning stay two names. A file
    name may have 255 bytes; the temporary name adds a dot, a pid and a random part."""
    data = stem.encode("utf-8")
    if len(data) <= room:
        return stem
    tag = "~" + hashlib.sha256(data).hexdigest()[:8]
    return data[: room - len(tag)].decode("utf-8", "ignore") + tag


def fsync_path(path: Path) -> None:
    """Flush a file (or a folder's entries) to the disk: a rename after a power cut must not
    point at an empty file."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if Path(path).is_dir() else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some network shares cannot fsync a folder
        pass
    finally:
        os.close(fd)


def sync_filesystem(folder: Path) -> None:
    """Flush everything written to the filesystem holding `folder`, in one call: the barrier
    a batch passes after writing its files with atomic_path(durable=False) and before the
    manifest that says they are done (one flush instead of two per file, which took
    10 ms a file on this machine's disk)."""
    import ctypes

    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        os.sync()
        return
    try:
        if ctypes.CDLL(None, use_errno=True).syncfs(fd) != 0:
            os.sync()
    except (OSError, AttributeError):  # no syncfs (not Linux): every filesystem
        os.sync()
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(target: Path, durable: bool = True):
    """Yield a temporary path in the target's folder; on success it is flushed to disk,
    given the ordinary file mode and renamed over the target; on any error it is removed,
    so no half-written file is ever left under the real name. With durable=False the file
    is not flushed one by one: the caller calls sync_filesystem before recording it done."""
    target = Path(target)
    _make_folder(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{short_name(target.stem, 60)}.{os.getpid()}.",
                               suffix=target.suffix[:16] + ".part", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, FILE_MODE)
        if durable:
            fsync_path(Path(tmp))
        os.replace(tmp, target)
        if durable:
            fsync_path(target.parent)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno and not exc.filename:
            exc.filename = str(target)  # a full disk (write() names no file): name it
        raise


_counter = itertools.count()


def put_file(target: str, data: bytes) -> None:
    """atomic_path(target, durable=False) for a batch of small files, a tenth of its cost: the
    folder exists, the temporary name is counted rather than drawn (O_EXCL still refuses a
    name that is taken) and is made with the ordinary mode, so there is nothing to chmod. The
    caller calls sync_filesystem before recording the files."""
    folder, name = os.path.split(target)
    stem, suffix = os.path.splitext(name)
    while True:
        tmp = os.path.join(folder, f".{short_name(stem, 60)}.{os.getpid()}."
                                   f"{next(_counter) % 2**32:08x}{suffix[:16]}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with open(fd, "wb", closefd=True) as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno and not exc.filename:
            exc.filename = target  # a full disk (write() names no file): name it
        raise


def _make_folder(folder: Path) -> None:
    """The output folder, made if missing; a file in its place is a clear error."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise GongwenError(f"'{folder}' is a file, not a folder; give a folder for the output "
                           "(-o)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise GongwenError(f"'{folder}' cannot be made: part of its path is a file") from None
    except PermissionError:
        raise GongwenError(f"no permission to write in '{folder}'") from None


@contextlib.contextmanager
def staged(out_dir: Path):
    """All or nothing for a set of files: yield a hidden folder inside out_dir to write them
    in; on success each is flushed, given the ordinary mode and renamed into out_dir, on any
    error the folder is removed, so a plan whose second file fails leaves neither file
    behind. Folders of runs that were killed are removed first."""
    out_dir = Path(out_dir)
    _make_folder(out_dir)
    sweep_stale(out_dir)
    stage = Path(tempfile.mkdtemp(prefix=f".staging.{os.getpid()}.", dir=out_dir))
    try:
        yield stage
        items = sorted(stage.iterdir())
        for item in items:
            os.chmod(item, DIR_MODE if item.is_dir() else FILE_MODE)
            fsync_path(item)
        for item in items:
            os.replace(item, out_dir / item.name)
        fsync_path(out_dir)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


_LEFTOVERS = (re.compile(r"^\.staging\.(\d+)\.[^.]+$"),  # staged()
              re.compile(r"^\..+\.(\d+)\.[a-z0-9_]{8}\..*\.part$"))  # atomic_path()


def sweep_stale(folder: Path) -> None:
    """Remove temporary files and staging folders of processes that no longer run (a build
    killed with kill -9 cannot clean up after itself). Their names carry the writer's pid."""
    try:
        names = [p for p in Path(folder).iterdir() if p.name.startswith(".")]
    except FileNotFoundError:
        return
    for path in names:
        m = next((m for m in (p.match(path.name) for p in _LEFTOVERS) if m), None)
        if not m:
            continue
        pid = int(m.group(1))
        if pid == os.getpid() or _alive(pid):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed worker whose parent died too stays a zombie until someone reaps it
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def safe_file_part(text: str) -> str:
    """A file-name part from a person's or a row's text: no path separators, control or
    reserved characters, no leading dot or formula sign (../../x or =cmd() is only text);
    still readable Chinese."""
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+',
                  "_", text).strip(" ._=+-@")
    return short_name(text[:60], 120) or "row"


def die_with_parent() -> None:
    """In a worker process: be killed when the parent dies (kill -9 included), so no orphan
    keeps writing into an output folder that a re-run is already cleaning. Linux only."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)
