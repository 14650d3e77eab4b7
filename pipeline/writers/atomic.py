"""Atomic output: write to a temporary name beside the target, rename when complete."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path):
    """Yield a temporary path in the target's folder; on success it replaces the target,
    on any error it is removed, so no half-written file is ever left under the real name."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.{os.getpid()}.",
                               suffix=target.suffix + ".part", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def staged(out_dir: Path):
    """All or nothing for a set of files: yield a hidden folder inside out_dir to write them
    in; on success each is renamed into out_dir, on any error the folder is removed, so a
    plan whose second file fails leaves neither file behind."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sweep_stale(out_dir)
    stage = Path(tempfile.mkdtemp(prefix=f".staging.{os.getpid()}.", dir=out_dir))
    try:
        yield stage
        for item in sorted(stage.iterdir()):
            os.replace(item, out_dir / item.name)
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
    return True


def safe_file_part(text: str) -> str:
    """A file-name part from a person's or a row's text: no path separators, control or
    reserved characters, no leading dot or formula sign (../../x or =cmd() is only text);
    still readable Chinese."""
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "_", text).strip(" ._=+-@")
    return text[:60] or "row"


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
