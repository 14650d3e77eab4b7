"""The certificates of a run on disk, and feeding them to the workers a few chunks at a time.

Why: a composed certificate (its fields, texts and sizes) is about 1 KB of Python objects.
Held in a list from the roster to the manifest, 50,000 of them, with the tasks queued for the
workers and what they sent back, grew the main process by 4–5 KB a person — 420 MB at
50,000 against 230 MB at 1,000. Spooled, the main process holds the chunks in flight, so a
run's memory does not grow with its roster.
"""
from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections import deque
from concurrent.futures import Executor
from typing import Callable, Iterable, Iterator, TypeVar

from pipeline.certificates.records import Certificate

BLOCK = 250  # certificates pickled together: one worker task's worth

T = TypeVar("T")
R = TypeVar("R")


class Spool:
    """Certificates appended in order, read back block by block (any number of times).
    The file has no name (it vanishes with the process, also when killed) and lies in the
    output folder, on the disk the output goes to rather than a /tmp that may be memory."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = str(folder)
        self._file = tempfile.TemporaryFile(dir=folder)
        self._offsets = array("Q", [0])  # where each block starts; the last: where they end
        self._pending: list[Certificate] = []
        self.count = 0

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()

    def __len__(self) -> int:
        return self.count

    def add(self, cert: Certificate) -> None:
        self._pending.append(cert)
        self.count += 1
        if len(self._pending) == BLOCK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            data = pickle.dumps(self._pending, pickle.HIGHEST_PROTOCOL)
            self._file.seek(self._offsets[-1])
            try:
                self._file.write(data)
                self._file.flush()  # read back by descriptor, and a full disk shows here
            except OSError as exc:  # a full disk: name where the spool was
                exc.filename = exc.filename or self.folder
                raise
            self._offsets.append(self._offsets[-1] + len(data))
            self._pending = []

    def blocks(self) -> Iterator[list[Certificate]]:
        """The certificates in order, BLOCK at a time (the last block may be shorter)."""
        self._flush()
        fd = self._file.fileno()
        for start, end in zip(self._offsets, self._offsets[1:]):
            yield pickle.loads(os.pread(fd, end - start, start))

    def __iter__(self) -> Iterator[Certificate]:
        for block in self.blocks():
            yield from block


def batches(items: Iterable[T], size: int = BLOCK) -> Iterator[list[T]]:
    """Items in lists of `size` (the last may be shorter)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def in_order(pool: Executor | None, fn: Callable[[T], R], tasks: Iterable[T],
             ahead: int) -> Iterator[R]:
    """fn over tasks, results in the tasks' order, with at most `ahead` tasks given to the
    pool and not yet taken back: tasks are made only as the workers need them
    (Executor.map would make and queue all of them first). No pool: one at a time, here."""
    if pool is None:
        yield from map(fn, tasks)
        return
    waiting: deque = deque()
    try:
        for task in tasks:
            waiting.append(pool.submit(fn, task))
            if len(waiting) >= ahead:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()
    finally:  # an error, or the caller stopped: the queued tasks are not started
        for future in waiting:
            future.cancel()
