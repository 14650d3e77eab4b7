"""What the page modules share: the workbench's parts, uploads stored under our own names,
and work handed to the worker pool."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from fastapi import Request, UploadFile

from pipeline.web.config import Settings
from pipeline.web.jobs import Jobs


@dataclass
class Workbench:
    settings: Settings
    jobs: Jobs
    plans_dir: Path
    state: dict  # the worker pools, once the server has started
    page: Callable  # page(request, template, code=200, **context) → HTMLResponse
    csrf: Callable  # the dependency every form's POST has
    not_found: Callable


# what each upload may be: suffix → the bytes such a file starts with (None: text)
DRAFT_TYPES = {".txt": None, ".md": None, ".docx": b"PK\x03\x04", ".doc": b"\xd0\xcf\x11\xe0",
               ".wps": b"\xd0\xcf\x11\xe0"}
CHECK_TYPES = {".docx": b"PK\x03\x04", ".pdf": b"%PDF"}
ROSTER_TYPES = {".xlsx": b"PK\x03\x04", ".csv": None}


class UploadRefused(Exception):
    pass


def user_of(request: Request) -> str:
    return request.state.user


def saved_upload(upload: UploadFile | None, allowed: dict, folder: Path, stem: str,
                 missing: str = "请选择文件。") -> tuple[Path, str]:
    """Store an upload under a name of ours (its own name is only shown, as text); `missing`
    is what the clerk is told when the form came without a file."""
    if upload is None or not upload.filename:
        raise UploadRefused(missing)
    shown = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1][:120]
    suffix = Path(shown).suffix.lower()
    if suffix not in allowed:
        raise UploadRefused(f"“{shown}”不是可接受的文件类型（可接受：{'、'.join(allowed)}）")
    head = upload.file.read(8)
    magic = allowed[suffix]
    if magic and not head.startswith(magic):
        raise UploadRefused(f"“{shown}”的内容不是 {suffix} 文件")
    if not magic and b"\x00" in head:
        raise UploadRefused(f"“{shown}”不是文本文件")
    upload.file.seek(0)
    target = folder / f"{stem}{suffix}"
    with open(target, "wb") as out:
        shutil.copyfileobj(upload.file, out)
    if target.stat().st_size == 0:
        raise UploadRefused(f"“{shown}”是空文件")
    return target, shown


async def in_pool(state, fn, *args) -> dict:
    """A task's answer; a failure that is not the user's (a bug, a dead worker) is logged with
    its traceback and shown as one line, so a page never breaks."""
    import asyncio
    import logging

    try:
        return await asyncio.wrap_future(state["pools"].quick.submit(fn, *args))
    except Exception as exc:  # noqa: BLE001 — anything a worker raised or died of
        logging.getLogger("gongwen.web").exception("%s failed", fn.__name__)
        return {"error": f"处理失败：程序出错（{type(exc).__name__}: {exc}），已记入服务器日志；"
                         "请把这份内容交给管理员。"}


def escape(text) -> str:
    from markupsafe import escape

    return str(escape(str(text)))
