"""The files of a job folder: its metadata and the status the worker writes as it goes.

Both the server (web.jobs) and the worker processes (web.tasks) read and write them, so they
live here rather than in either.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

META, STATUS = "job.json", "status.json"


def write_json(path: Path, data: dict) -> None:
    """Replace the file whole: a reader polling the status never sees half of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
