"""Job folders (one per preview, import, check or certificate run) and the worker pools.

Every file a page offers for download lives in its job's own folder and is looked up by a
plain name inside it; a job belongs to the user who started it. Folders older than the
configured time are removed by a sweeper thread. The work itself runs in processes
(tasks.py), with the fonts loaded once per process; long jobs report progress through a
status file the page polls, so a job survives a reload of the page.
"""
from __future__ import annotations

import multiprocessing
import re
import secrets
import shutil
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from pipeline.errors import system_problem
from pipeline.web import tasks
from pipeline.web.jobfiles import META, STATUS, read_json, write_json

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{20,40}$")
# a name offered for download: letters (also Chinese), digits, Chinese punctuation (（）《》〔〕
# “”、), - _ . and no leading dot — so no separator, no .., no hidden file
_CHARS = "\\w\u3400-\u9fff\u3000-\u303f\uff01-\uff5e\u2018-\u201d"
FILE_NAME = re.compile(f"^[{_CHARS}][{_CHARS}.-]{{0,120}}$")


class JobNotFound(LookupError):
    pass


class Jobs:
    def __init__(self, root: Path, max_age_s: float):
        self.root = Path(root).resolve()
        self.max_age_s = max_age_s
        self.root.mkdir(parents=True, exist_ok=True)

    def new(self, kind: str, user: str, **meta) -> tuple[str, Path]:
        job_id = secrets.token_urlsafe(18)
        folder = self.root / job_id
        folder.mkdir()
        write_json(folder / META, {"kind": kind, "user": user, "created": time.time(), **meta})
        return job_id, folder

    def folder(self, job_id: str, user: str) -> Path:
        if not JOB_ID.match(job_id or ""):
            raise JobNotFound(job_id)
        folder = self.root / job_id
        meta = read_json(folder / META)
        if not meta or meta.get("user") != user:
            raise JobNotFound(job_id)
        return folder

    def meta(self, job_id: str, user: str) -> dict:
        return read_json(self.folder(job_id, user) / META)

    def file(self, job_id: str, name: str, user: str) -> Path:
        folder = self.folder(job_id, user)
        if not FILE_NAME.match(name or "") or name in (META, STATUS):
            raise JobNotFound(name)
        path = (folder / name).resolve()
        if path.parent != folder or not path.is_file():
            raise JobNotFound(name)
        return path

    def status(self, job_id: str, user: str) -> dict:
        return read_json(self.folder(job_id, user) / STATUS)

    def sweep(self) -> int:
        """Remove job folders older than the configured age; returns how many."""
        limit, gone = time.time() - self.max_age_s, 0
        for folder in self.root.iterdir():
            meta = read_json(folder / META)
            created = meta.get("created") or folder.stat().st_mtime
            if folder.is_dir() and created < limit and read_json(folder / STATUS).get(
                    "state") != "running":
                shutil.rmtree(folder, ignore_errors=True)
                gone += 1
        return gone


class Pools:
    """Two process pools: quick work (previews, imports, checks) on `workers` processes, and
    one long job at a time (certificates), which spreads itself over the cores."""

    def __init__(self, workers: int, fonts: dict[str, str]):
        self.workers = workers
        ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self.quick = ProcessPoolExecutor(workers, mp_context=ctx, initializer=tasks.init_worker,
                                         initargs=(fonts,))
        self.long = ProcessPoolExecutor(1, mp_context=ctx, initializer=tasks.init_worker,
                                        initargs=(fonts,))

    def warm(self) -> None:
        """Start the quick workers (fonts loaded) before the first clerk waits for them."""
        waiting = [self.quick.submit(tasks.ping) for _ in range(self.workers)]
        waiting.append(self.long.submit(tasks.ping))
        for f in waiting:
            f.result()

    def start_long(self, folder: Path, fn, *args) -> Future:
        write_json(folder / STATUS, {"state": "running", "stage": "queued", "done": 0,
                                     "total": 0, "percent": 0})
        future = self.long.submit(fn, str(folder), *args)

        def failed(f: Future) -> None:  # a worker that died never wrote its own failure
            exc = f.exception()
            if exc is not None:
                status = read_json(folder / STATUS)
                message = system_problem(exc) if isinstance(exc, OSError) and exc.errno else \
                    f"the job stopped: {exc}"  # a full disk says so, not as a bug
                status.update(state="failed", message=message)
                write_json(folder / STATUS, status)
        future.add_done_callback(failed)
        return future

    def shutdown(self) -> None:
        self.quick.shutdown(wait=False, cancel_futures=True)
        self.long.shutdown(wait=False, cancel_futures=True)


def start_sweeper(jobs: Jobs, stop: threading.Event) -> threading.Thread:
    def loop():
        while not stop.wait(min(600.0, max(5.0, jobs.max_age_s / 4))):
            jobs.sweep()
    jobs.sweep()
    thread = threading.Thread(target=loop, name="job-sweeper", daemon=True)
    thread.start()
    return thread
