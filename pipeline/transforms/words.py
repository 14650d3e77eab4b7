"""Chinese word segmentation for breaking titles, without loading a whole dictionary.

jieba segments by its dictionary (about 350,000 words and their frequencies). Loading it —
even from jieba's own cache — took 1.3 s of a 4 s cold build, to look up a few hundred
fragments of one title. So the dictionary jieba would load (every word with its frequency,
and every prefix of a word with 0, exactly its FREQ table) is written once into an SQLite
file in the user's cache, and jieba's tokenizer is handed a table that looks words up there
as it asks. The segmentation is jieba's own code on jieba's own numbers: the same words.

The file is named for jieba's version and its dictionary file, so an upgrade makes a new
one; it is built on first use (about as long as one ordinary dictionary load) and atomically,
so builds running side by side cannot see half a file. Without a writable cache folder the
dictionary is loaded the ordinary way.
"""
from __future__ import annotations

import hashlib
import logging
import sqlite3
import sys
from functools import lru_cache
from pathlib import Path

from pipeline.cache import cache_dir, source_tag, write_atomically


class _Frequencies:
    """jieba's FREQ table read from the SQLite file: `frag in t`, `t[frag]`, `t.get(frag)`
    are all jieba's tokenizer asks of it."""

    def __init__(self, path: Path):
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._seen: dict[str, int | None] = {}
        self.total = self._db.execute("SELECT n FROM total").fetchone()[0]

    def _lookup(self, word: str) -> int | None:
        if word not in self._seen:
            row = self._db.execute("SELECT n FROM freq WHERE word = ?", (word,)).fetchone()
            self._seen[word] = row[0] if row else None
        return self._seen[word]

    def __contains__(self, word: str) -> bool:
        return self._lookup(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self._lookup(word)
        if found is None:
            raise KeyError(word)
        return found

    def get(self, word: str, default=None):
        found = self._lookup(word)
        return default if found is None else found


def _store_path(jieba) -> Path:
    with jieba.dt.get_dict_file() as f:
        dictionary = Path(f.name)
    tag = hashlib.sha256(source_tag(dictionary, jieba.__version__).encode()).hexdigest()[:12]
    return cache_dir() / f"jieba-words-{tag}.sqlite"


def build_store(jieba, path: Path) -> Path:
    """Write jieba's FREQ table (words, their prefixes, the total) to `path`."""
    with jieba.dt.get_dict_file() as f:
        freq, total = jieba.dt.gen_pfdict(f)

    def write(tmp: Path) -> None:
        db = sqlite3.connect(tmp)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID")
        db.execute("CREATE TABLE total (n INTEGER)")
        db.executemany("INSERT INTO freq VALUES (?, ?)", sorted(freq.items()))
        db.execute("INSERT INTO total VALUES (?)", (total,))
        db.commit()
        db.close()

    return write_atomically(path, write)


def _import_jieba():
    """jieba, imported without pkg_resources: jieba only uses it to open its own data files
    and falls back to a plain open() without it, while importing it took 0.3-0.8 s."""
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # makes `import pkg_resources` an ImportError
    try:
        import jieba
    finally:
        if blocked and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=1)
def tokenizer():
    """A jieba tokenizer whose dictionary is read from the SQLite file as needed."""
    jieba = _import_jieba()
    try:
        path = _store_path(jieba)
        if not path.exists():
            build_store(jieba, path)
        table = _Frequencies(path)
    except (OSError, sqlite3.Error):
        return jieba.dt  # no usable cache folder: the ordinary dictionary load
    words = jieba.Tokenizer()
    words.FREQ, words.total, words.initialized = table, table.total, True
    return words


def segment(text: str) -> list[str]:
    """jieba's accurate mode with its HMM for words it does not know."""
    return tokenizer().lcut(text, HMM=True)


if __name__ == "__main__":  # build the file ahead of the first title
    tokenizer()
    print(_store_path(_import_jieba()))
