"""Pages for the office's records and checks: checking a file, the register, the fonts."""
from __future__ import annotations

import datetime as dt

from fastapi import Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from pipeline.errors import GongwenError
from pipeline.web import forms, tasks
from pipeline.web.common import (CHECK_TYPES, ROSTER_TYPES, UploadRefused, Workbench, in_pool,
                                  saved_upload, user_of)


SHOWN_ENTRIES = 1000  # register rows on one page


def add_routes(app: FastAPI, w: Workbench) -> None:
    settings, jobs, state, page, csrf = w.settings, w.jobs, w.state, w.page, w.csrf
    not_found = w.not_found

    # --- check a file -------------------------------------------------------------------------
    @app.get("/check", response_class=HTMLResponse)
    def check_form(request: Request):
        return page(request, "check.html")

    @app.post("/check", response_class=HTMLResponse, dependencies=[Depends(csrf)])
    async def check_post(request: Request, file: UploadFile | None = File(None)):
        job_id, folder = jobs.new("check", user_of(request))
        try:
            path, shown = saved_upload(file, CHECK_TYPES, folder, "document",
                                          missing="请选择要检查的 .docx 或 PDF 文件。")
        except UploadRefused as exc:
            return page(request, "check.html", 400, error=str(exc))
        result = await in_pool(state, tasks.check, str(folder), path.name)
        return page(request, "check.html", job=job_id, shown=shown, result=result)

    # --- the register -------------------------------------------------------------------------
    def _entries(code, year, status, q):
        from pipeline.register.registry import Register

        with Register(settings.db) as register:
            entries = register.entries(code or None, int(year) if year.isdigit() else None,
                                       status or None)
            events = register.events()
        if q:
            q = q.strip()
            entries = [e for e in entries if any(q in v for v in (
                e.number, e.title, e.doc_key, e.issued_by, e.void_reason, e.file))]
        return entries, events

    @app.get("/register", response_class=HTMLResponse)
    def register_page(request: Request, code: str = "", year: str = "", status: str = "",
                      q: str = "", message: str = "", error: str = ""):
        try:
            entries, events = _entries(code, year, status, q)
        except GongwenError as exc:
            entries, events, error = [], [], str(exc)
        from pipeline.register import book as registerbook

        shown = entries[-SHOWN_ENTRIES:]  # the last in register order; the export has all
        return page(request, "register.html", entries=shown, total=len(entries),
                    labels=registerbook.STATUS_LABEL,
                    events=sorted(events, key=lambda e: e[3], reverse=True)[:100],
                    f={"code": code, "year": year, "status": status, "q": q},
                    message=message, error=error, this_year=dt.date.today().year)

    def _back(message="", error=""):
        from urllib.parse import urlencode

        return RedirectResponse("/register?" + urlencode(
            {k: v for k, v in (("message", message), ("error", error)) if v}), status_code=303)

    @app.post("/register/allocate", dependencies=[Depends(csrf)])
    def register_allocate(request: Request, code: str = Form(""), year: str = Form(""),
                          title: str = Form(""), key: str = Form("")):
        from pipeline.register.registry import Register

        key = key.strip() or forms.blank_form()["id"]
        try:
            with Register(settings.db) as register:
                entry, new = register.allocate(
                    code.strip(), key, int(year) if year.strip().isdigit()
                    else dt.date.today().year, title=title.strip(), by=user_of(request))
        except GongwenError as exc:
            return _back(error=str(exc))
        return _back(message=f"{entry.number} " + ("已登记" if new else "已绑定此文档键，未重复取号"))

    @app.post("/register/void", dependencies=[Depends(csrf)])
    def register_void(request: Request, number: str = Form(""), reason: str = Form("")):
        from pipeline.register.registry import Register

        try:
            with Register(settings.db) as register:
                entry = register.void(number, reason, by=user_of(request))
        except GongwenError as exc:
            return _back(error=str(exc))
        return _back(message=f"{entry.number} 已作废：{entry.void_reason}")

    @app.post("/register/import", dependencies=[Depends(csrf)])
    def register_import(request: Request, book: UploadFile | None = File(None)):
        """Continue from an existing 发文登记簿: all rows or none (registerbook.import_book)."""
        from pipeline.register import book as registerbook
        from pipeline.register.registry import Register

        job_id, folder = jobs.new("register", user_of(request))
        try:
            path, shown = saved_upload(book, ROSTER_TYPES, folder, "book",
                                          missing="请选择登记簿文件（.xlsx 或 .csv）。")
            with Register(settings.db) as register:
                entries = registerbook.import_book(register, path, by=user_of(request))
        except UploadRefused as exc:
            return _back(error=str(exc))
        except GongwenError as exc:
            return _back(error=str(exc).replace(str(path), shown).replace(path.name, shown))
        return _back(message=f"从 {shown} 导入 {len(entries)} 个文号")

    @app.get("/register/export.{fmt}")
    def register_export(request: Request, fmt: str, code: str = "", year: str = "",
                        status: str = "", q: str = ""):
        from pipeline.register import book as registerbook

        if fmt not in ("csv", "xlsx"):
            raise not_found()
        entries, _events = _entries(code, year, status, q)
        job_id, folder = jobs.new("register", user_of(request))
        path = registerbook.export(entries, folder / f"发文登记簿.{fmt}")
        return FileResponse(path, filename=path.name)

    @app.get("/fonts", response_class=HTMLResponse)
    async def fonts_page(request: Request):
        result = await in_pool(state, tasks.fonts_report)
        return page(request, "fonts.html", result=result)
