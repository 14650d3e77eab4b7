"""Files this program derives once from what is installed (a font's widths, the word
dictionary) and keeps in the user's cache folder, named for what they came from so a
changed source makes a new file. Written atomically: runs side by side never read half a
file."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gongwen"


def source_tag(path: str | Path, *extra) -> str:
    """What identifies a source file's content cheaply: its path, size and change time."""
    stat = os.stat(path)
    return " ".join(map(str, (Path(path).resolve(), stat.st_size, stat.st_mtime_ns, *extra)))


def write_atomically(path: Path, write) -> Path:
    """`write(temporary path)` fills the file; it then takes the name `path` whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def template_cache():
    """Jinja's compiled templates kept between runs (the document template compiles in 0.1 s
    on every cold build otherwise); a cache that cannot be written is no cache, not an error.
    Jinja checks each cached template against its source's checksum."""
    import jinja2

    class _Cache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            try:  # Jinja lets a cache path through a file (NotADirectoryError) escape
                super().load_bytecode(bucket)
            except OSError:
                pass

        def dump_bytecode(self, bucket) -> None:
            try:
                os.makedirs(self.directory, exist_ok=True)
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return _Cache(str(cache_dir() / "templates"))
