"""The workbench's pages. Each route reads a form, hands the work to a pipeline stage (directly
for the register, through a worker process for anything that lays out pages) and renders the
result; the rules of the standard live in the stages, never here.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from contextlib import asynccontextmanager
from pathlib import Path

import yaml
from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from pipeline.errors import GongwenError
from pipeline.web import auth, forms, tasks
from pipeline.web.config import Settings
from pipeline.web.jobs import JobNotFound, Jobs, Pools, start_sweeper, write_json
from pipeline.web.security import Guard

HERE = Path(__file__).resolve().parent
OPEN_PATHS = ("/login", "/static/")
# what each upload may be: suffix → the bytes such a file starts with (None: text)
DRAFT_TYPES = {".txt": None, ".md": None, ".docx": b"PK\x03\x04", ".doc": b"\xd0\xcf\x11\xe0",
               ".wps": b"\xd0\xcf\x11\xe0"}
CHECK_TYPES = {".docx": b"PK\x03\x04", ".pdf": b"%PDF"}
ROSTER_TYPES = {".xlsx": b"PK\x03\x04", ".csv": None}
SHOWN_ENTRIES = 1000  # register rows on one page


class UploadRefused(Exception):
    pass


def _user(request: Request) -> str:
    return request.state.user


def _saved_upload(upload: UploadFile, allowed: dict, folder: Path, stem: str) -> tuple[Path, str]:
    """Store an upload under a name of ours (its own name is only shown, as text)."""
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


def create_app(settings: Settings) -> FastAPI:
    settings.validate()
    jobs = Jobs(settings.data / "jobs", settings.job_hours * 3600)
    plans_dir = settings.data / "plans"
    state: dict = {}
    throttle = auth.Throttle()

    def _users() -> dict[str, str]:
        try:
            return auth.read_users(settings.users)
        except (OSError, GongwenError):  # unreadable or broken file: nobody is in
            return {}

    @asynccontextmanager
    async def lifespan(app):
        state["pools"] = Pools(settings.workers, settings.fonts)
        state["stop"] = threading.Event()
        start_sweeper(jobs, state["stop"])
        state["pools"].warm()
        yield
        state["stop"].set()
        state["pools"].shutdown()

    app = FastAPI(title="gongwen workbench", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def page(request: Request, name: str, code: int = 200, **ctx) -> HTMLResponse:
        ctx.update(request=request, user=getattr(request.state, "user", ""),
                   csrf=auth.csrf_token(request.session), login=settings.needs_login and
                   bool(settings.users))
        return templates.TemplateResponse(request, name, ctx, status_code=code)

    # --- who is asking ----------------------------------------------------------------------
    @app.middleware("http")
    async def identify(request: Request, call_next):
        path = request.url.path
        user = None
        if settings.users:
            user = request.session.get("user")
            if user is not None and user not in _users():  # removed from the file: out now
                request.session.clear()
                user = None
        elif settings.proxy_header:
            host = request.client.host if request.client else ""
            if host in settings.proxy_from:
                user = request.headers.get(settings.proxy_header) or None
        else:
            from pipeline.registry import current_user

            user = current_user()
        if user is None and not path.startswith(OPEN_PATHS):
            if settings.users and request.method == "GET":
                return RedirectResponse("/login", status_code=303)
            return HTMLResponse("<!doctype html><meta charset=utf-8><p>请先登录。"
                                "(login required)</p>", status_code=401)
        request.state.user = user or ""
        return await call_next(request)

    async def csrf(request: Request) -> None:
        token = request.headers.get("x-csrf-token")
        if token is None:
            token = (await request.form()).get("csrf_token")
        if not auth.csrf_ok(request.session, token):
            raise HTTPException(403, "表单已过期或来源不明（CSRF 校验未通过），请刷新页面后重试。")

    @app.exception_handler(StarletteHTTPException)  # ours, and the framework's 404/405
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.headers.get("x-fragment"):
            return HTMLResponse(f'<p class="error">{_escape(exc.detail)}</p>', exc.status_code)
        return page(request, "message.html", exc.status_code, message=exc.detail)

    def not_found() -> HTTPException:
        return HTTPException(404, "没有这个任务或文件（可能已过期清理）。")

    # --- login ----------------------------------------------------------------------------
    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request):
        return page(request, "login.html")

    @app.post("/login", dependencies=[Depends(csrf)])
    def login(request: Request, name: str = Form(""), password: str = Form("")):
        if throttle.blocked(name):
            return page(request, "login.html", 429, error="登录失败次数过多，请 10 分钟后再试。")
        if settings.users and auth.check_login(settings.users, name, password):
            throttle.clear(name)
            request.session.clear()
            request.session["user"] = name
            auth.csrf_token(request.session)
            return RedirectResponse("/", status_code=303)
        throttle.failed(name)
        return page(request, "login.html", 401, error="用户名或密码不对。")

    @app.post("/logout", dependencies=[Depends(csrf)])
    def logout(request: Request):
        request.session.clear()
        return RedirectResponse("/login" if settings.users else "/", status_code=303)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        return page(request, "home.html")

    # --- files of a job ---------------------------------------------------------------------
    @app.get("/jobs/{job_id}/files/{name}")
    def job_file(request: Request, job_id: str, name: str):
        try:
            path = jobs.file(job_id, name, _user(request))
        except JobNotFound:
            raise not_found() from None
        inline = path.suffix in (".png",)
        return FileResponse(path, filename=path.name,
                            content_disposition_type="inline" if inline else "attachment")

    @app.get("/jobs/{job_id}/status")
    def job_status(request: Request, job_id: str):
        try:
            return JSONResponse(jobs.status(job_id, _user(request)))
        except JobNotFound:
            raise not_found() from None

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str):
        try:
            meta = jobs.meta(job_id, _user(request))
            status = jobs.status(job_id, _user(request))
        except JobNotFound:
            raise not_found() from None
        return page(request, "job.html", job=job_id, meta=meta, status=status)

    # --- new document, preview, build, plans -------------------------------------------------
    def document_page(request, form, code=200, **ctx):
        return page(request, "document.html", code, form=form, kinds=forms.KINDS,
                    seals=forms.seal_library(settings.seals), **ctx)

    @app.get("/document", response_class=HTMLResponse)
    def document(request: Request, plan: str = ""):
        form, message = forms.blank_form(), ""
        if plan:
            data = _load_plan(plans_dir, plan)
            form = forms.plan_to_form(data, settings.seals)
            seal = ((data.get("signature") or {}).get("seal")) if isinstance(data, dict) else None
            if seal and not form["seal"]:
                message = "方案中的印章不在本单位印章库中，已去掉；请重新选择。"
        return document_page(request, form, plan_name=plan, message=message)

    async def _form(request: Request) -> dict[str, str]:
        data = await request.form()
        return {k: str(data.get(k, "")) for k in (*forms.FIELDS, "plan_name")}

    def _plan_job(request, form) -> tuple[str, Path, str] | str:
        """The form as a plan file in a new job folder; or a message saying what is wrong."""
        try:
            plan = forms.form_to_plan(form, settings.seals)
        except ValueError as exc:
            return str(exc)
        from pipeline.writers.plan_yaml import dump_plan

        from pipeline.writers.atomic import safe_file_part

        job_id, folder = jobs.new("document", _user(request))
        name = f"{safe_file_part(plan.get('title') or '公文')[:50]}.yaml"  # the files' name
        (folder / name).write_text(dump_plan(plan), encoding="utf-8")
        return job_id, folder, name

    @app.post("/document/preview", response_class=HTMLResponse, dependencies=[Depends(csrf)])
    async def document_preview(request: Request):
        form = await _form(request)
        made = _plan_job(request, form)
        if isinstance(made, str):
            result = {"error": made}
            job_id = ""
        else:
            job_id, folder, name = made
            result = await _in_pool(state, tasks.preview, str(folder), name, settings.db)
        if request.headers.get("x-fragment"):
            return page(request, "preview.html", job=job_id, result=result)
        return document_page(request, form, job=job_id, result=result,
                             plan_name=form.get("plan_name", ""))

    @app.post("/document/build", response_class=HTMLResponse, dependencies=[Depends(csrf)])
    async def document_build(request: Request):
        form = await _form(request)
        made = _plan_job(request, form)
        if isinstance(made, str):
            return document_page(request, form, 400, result={"error": made})
        job_id, folder, name = made
        result = await _in_pool(state, tasks.build, str(folder), name, settings.db,
                                _user(request))
        return document_page(request, form, job=job_id, result=result, built=True,
                             plan_name=form.get("plan_name", ""))

    @app.post("/plans/save", response_class=HTMLResponse, dependencies=[Depends(csrf)])
    async def plan_save(request: Request):
        form = await _form(request)
        name = form.get("plan_name", "").strip()
        if not forms.PLAN_NAME.match(name):
            return document_page(request, form, 400, plan_name=name,
                                 message="方案名只用汉字、字母、数字和 - _，不超过 60 个字。")
        try:
            plan = forms.form_to_plan(form, settings.seals)
        except ValueError as exc:
            return document_page(request, form, 400, plan_name=name, message=str(exc))
        _write_plan(plans_dir / f"{name}.yaml", plan)
        return RedirectResponse(f"/plans?saved={name}", status_code=303)

    @app.get("/plans", response_class=HTMLResponse)
    def plan_list(request: Request, saved: str = ""):
        items = []
        for path in sorted(plans_dir.glob("*.yaml"), key=lambda p: -p.stat().st_mtime):
            data = _load_plan(plans_dir, path.stem, missing_ok=True) or {}
            items.append({"name": path.stem, "title": data.get("title", ""),
                          "changed": dt.datetime.fromtimestamp(path.stat().st_mtime)
                          .strftime("%Y-%m-%d %H:%M")})
        return page(request, "plans.html", items=items, saved=saved)

    @app.post("/plans/{name}/duplicate", dependencies=[Depends(csrf)])
    def plan_duplicate(request: Request, name: str, new_name: str = Form("")):
        data = _load_plan(plans_dir, name)
        new_name = new_name.strip()
        if not forms.PLAN_NAME.match(new_name) or (plans_dir / f"{new_name}.yaml").exists():
            raise HTTPException(400, "新方案名不可用：只用汉字、字母、数字和 - _，且不能与已有方案重名。")
        # a copy is a new document: it must not share the original's register number
        data.pop("id", None)
        data["id"] = forms.blank_form()["id"]
        _write_plan(plans_dir / f"{new_name}.yaml", data)
        return RedirectResponse(f"/document?plan={new_name}", status_code=303)

    # --- import a draft -----------------------------------------------------------------------
    @app.get("/import", response_class=HTMLResponse)
    def import_form(request: Request):
        return page(request, "import.html")

    @app.post("/import", response_class=HTMLResponse, dependencies=[Depends(csrf)])
    async def import_post(request: Request, text: str = Form(""), file: UploadFile | None =
                          File(None), simplify: str = Form(""), organ: str = Form("")):
        job_id, folder = jobs.new("import", _user(request))
        shown = "粘贴的文字"
        try:
            if file is not None and file.filename:
                path, shown = _saved_upload(file, DRAFT_TYPES, folder, "draft")
            elif text.strip():
                path = folder / "draft.txt"
                path.write_text(text.replace("\r\n", "\n"), encoding="utf-8")
            else:
                raise UploadRefused("请粘贴草稿文字，或选择一个 Word/文本文件。")
        except UploadRefused as exc:
            return page(request, "import.html", 400, error=str(exc), text=text)
        result = await _in_pool(state, tasks.import_draft, str(folder), path.name,
                                bool(simplify))
        result.update(source=shown, organ=organ.strip())
        write_json(folder / "import.json", result)
        return RedirectResponse(f"/import/{job_id}", status_code=303)

    @app.get("/import/{job_id}", response_class=HTMLResponse)
    def import_result(request: Request, job_id: str, d: int = 0):
        try:
            folder = jobs.folder(job_id, _user(request))
        except JobNotFound:
            raise not_found() from None
        result = json.loads((folder / "import.json").read_text(encoding="utf-8"))
        if result.get("error"):
            return page(request, "import.html", 400, error=result["error"])
        drafts = result["drafts"]
        d = min(max(d, 0), len(drafts) - 1)
        plan = drafts[d]["plan"]
        if result.get("organ"):
            plan["organ"] = result["organ"]
        form = forms.plan_to_form(plan, settings.seals)
        marked = {}
        for change in drafts[d]["changes"]:
            marked.setdefault(change["line"], []).append(change)
        return document_page(request, form, imported=result, draft_index=d, marked=marked,
                             import_job=job_id)

    # --- check a file -------------------------------------------------------------------------
    @app.get("/check", response_class=HTMLResponse)
    def check_form(request: Request):
        return page(request, "check.html")

    @app.post("/check", response_class=HTMLResponse, dependencies=[Depends(csrf)])
    async def check_post(request: Request, file: UploadFile | None = File(None)):
        job_id, folder = jobs.new("check", _user(request))
        try:
            if file is None or not file.filename:
                raise UploadRefused("请选择要检查的 .docx 或 PDF 文件。")
            path, shown = _saved_upload(file, CHECK_TYPES, folder, "document")
        except UploadRefused as exc:
            return page(request, "check.html", 400, error=str(exc))
        result = await _in_pool(state, tasks.check, str(folder), path.name)
        return page(request, "check.html", job=job_id, shown=shown, result=result)

    # --- the register -------------------------------------------------------------------------
    def _entries(code, year, status, q):
        from pipeline.registry import Register

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
        from pipeline import registerbook

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
        from pipeline.registry import Register

        key = key.strip() or forms.blank_form()["id"]
        try:
            with Register(settings.db) as register:
                entry, new = register.allocate(
                    code.strip(), key, int(year) if year.strip().isdigit()
                    else dt.date.today().year, title=title.strip(), by=_user(request))
        except GongwenError as exc:
            return _back(error=str(exc))
        return _back(message=f"{entry.number} " + ("已登记" if new else "已绑定此文档键，未重复取号"))

    @app.post("/register/void", dependencies=[Depends(csrf)])
    def register_void(request: Request, number: str = Form(""), reason: str = Form("")):
        from pipeline.registry import Register

        try:
            with Register(settings.db) as register:
                entry = register.void(number, reason, by=_user(request))
        except GongwenError as exc:
            return _back(error=str(exc))
        return _back(message=f"{entry.number} 已作废：{entry.void_reason}")

    @app.post("/register/import", dependencies=[Depends(csrf)])
    def register_import(request: Request, book: UploadFile | None = File(None)):
        """Continue from an existing 发文登记簿: all rows or none (registerbook.import_book)."""
        from pipeline import registerbook
        from pipeline.registry import Register

        job_id, folder = jobs.new("register", _user(request))
        try:
            if book is None or not book.filename:
                raise UploadRefused("请选择登记簿文件（.xlsx 或 .csv）。")
            path, shown = _saved_upload(book, ROSTER_TYPES, folder, "book")
            with Register(settings.db) as register:
                entries = registerbook.import_book(register, path, by=_user(request))
        except UploadRefused as exc:
            return _back(error=str(exc))
        except GongwenError as exc:
            return _back(error=str(exc).replace(str(path), shown))
        return _back(message=f"从 {shown} 导入 {len(entries)} 个文号")

    @app.get("/register/export.{fmt}")
    def register_export(request: Request, fmt: str, code: str = "", year: str = "",
                        status: str = "", q: str = ""):
        from pipeline import registerbook

        if fmt not in ("csv", "xlsx"):
            raise not_found()
        entries, _events = _entries(code, year, status, q)
        job_id, folder = jobs.new("register", _user(request))
        path = registerbook.export(entries, folder / f"发文登记簿.{fmt}")
        return FileResponse(path, filename=path.name)

    # --- certificates -------------------------------------------------------------------------
    def _cert_plans() -> list[str]:
        folder = Path(settings.certificate_plans)
        return sorted(p.name for p in folder.glob("*.yaml")) if folder.is_dir() else []

    @app.get("/certificates", response_class=HTMLResponse)
    def certificates_form(request: Request):
        return page(request, "certificates.html", plans=_cert_plans())

    @app.post("/certificates/check", response_class=HTMLResponse, dependencies=[Depends(csrf)])
    async def certificates_check(request: Request, plan: str = Form(""), design: str = Form(""),
                                 formats: str = Form("pdf"), sheet: str = Form(""),
                                 roster: UploadFile | None = File(None)):
        if plan not in _cert_plans():
            raise HTTPException(400, "请选择证书方案。")
        job_id, folder = jobs.new("certificates", _user(request), plan=plan)
        try:
            if roster is None or not roster.filename:
                raise UploadRefused("请选择名单文件（.xlsx 或 .csv）。")
            path, shown = _saved_upload(roster, ROSTER_TYPES, folder, "roster")
            plan_file = _certificate_plan_copy(Path(settings.certificate_plans) / plan, folder,
                                               design)
        except (UploadRefused, GongwenError) as exc:
            return page(request, "certificates.html", 400, plans=_cert_plans(), error=str(exc))
        chosen = ("docx", "pdf") if formats == "all" else ("pdf",)
        options = {"plan": plan_file.name, "roster": path.name, "sheet": sheet.strip(),
                   "formats": list(chosen), "shown": shown}
        write_json(folder / "options.json", options)
        result = await _in_pool(state, tasks.certificates_check, str(folder), plan_file.name,
                                path.name, options["sheet"], chosen)
        for key in ("report", "summary", "error"):  # the report names the file as the clerk does
            if result.get(key):
                result[key] = result[key].replace(path.name, shown)
        write_json(folder / "check.json", result)
        return page(request, "certificates.html", plans=_cert_plans(), job=job_id,
                    result=result, options=options)

    @app.post("/certificates/{job_id}/generate", dependencies=[Depends(csrf)])
    def certificates_generate(request: Request, job_id: str, skip_invalid: str = Form("")):
        try:
            folder = jobs.folder(job_id, _user(request))
        except JobNotFound:
            raise not_found() from None
        options = json.loads((folder / "options.json").read_text(encoding="utf-8"))
        if jobs.status(job_id, _user(request)).get("state") in ("running", "done"):
            return RedirectResponse(f"/jobs/{job_id}", status_code=303)
        state["pools"].start_long(folder, tasks.certificates_generate, options["plan"],
                                  options["roster"], options["sheet"],
                                  tuple(options["formats"]), bool(skip_invalid), settings.db,
                                  _user(request), settings.cert_workers)
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)

    @app.post("/certificates/calibrate", dependencies=[Depends(csrf)])
    async def certificates_calibrate(request: Request, plan: str = Form("")):
        if plan not in _cert_plans():
            raise HTTPException(400, "请选择证书方案。")
        job_id, folder = jobs.new("calibration", _user(request), plan=plan)
        plan_file = _certificate_plan_copy(Path(settings.certificate_plans) / plan, folder,
                                           "overprint")
        result = await _in_pool(state, tasks.calibration, str(folder), plan_file.name)
        if result.get("error"):
            return page(request, "certificates.html", 400, plans=_cert_plans(),
                        error=result["error"])
        return RedirectResponse(f"/jobs/{job_id}/files/{result['file']}", status_code=303)

    @app.get("/fonts", response_class=HTMLResponse)
    async def fonts_page(request: Request):
        result = await _in_pool(state, tasks.fonts_report)
        return page(request, "fonts.html", result=result)

    # --- batches: one numbered circular per row, from a saved plan ---------------------------
    def _saved_plans() -> list[str]:
        return sorted(p.stem for p in plans_dir.glob("*.yaml"))

    @app.get("/batch", response_class=HTMLResponse)
    def batch_form(request: Request):
        return page(request, "batch.html", plans=_saved_plans())

    @app.post("/batch", dependencies=[Depends(csrf)])
    async def batch_post(request: Request, plan: str = Form(""), key_column: str = Form(""),
                         sheet: str = Form(""), rows: UploadFile | None = File(None)):
        if plan not in _saved_plans():
            raise HTTPException(400, "请选择已保存的方案。")
        job_id, folder = jobs.new("batch", _user(request), plan=plan)
        try:
            if rows is None or not rows.filename:
                raise UploadRefused("请选择行数据文件（.xlsx 或 .csv）。")
            path, _shown = _saved_upload(rows, ROSTER_TYPES, folder, "rows")
        except UploadRefused as exc:
            return page(request, "batch.html", 400, plans=_saved_plans(), error=str(exc))
        shutil.copy(plans_dir / f"{plan}.yaml", folder / f"{plan}.yaml")
        state["pools"].start_long(folder, tasks.batch_generate, f"{plan}.yaml", path.name,
                                  key_column.strip(), sheet.strip(), settings.db,
                                  _user(request))
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)

    app.add_middleware(SessionMiddleware, secret_key=settings.session_key(),
                       session_cookie="gongwen_session", same_site="strict",
                       https_only=settings.https, max_age=12 * 3600)
    app.add_middleware(Guard, limit=settings.max_upload)
    app.state.settings = settings
    app.state.jobs = jobs
    return app


async def _in_pool(state, fn, *args) -> dict:
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


def _escape(text) -> str:
    from markupsafe import escape

    return str(escape(str(text)))


def _load_plan(plans_dir: Path, name: str, missing_ok: bool = False) -> dict | None:
    if not forms.PLAN_NAME.match(name or ""):
        raise HTTPException(404, "没有这个方案。")
    path = plans_dir / f"{name}.yaml"
    if not path.is_file():
        if missing_ok:
            return None
        raise HTTPException(404, "没有这个方案。")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):
        if missing_ok:
            return None
        raise HTTPException(400, f"方案 {name} 不是有效的方案文件。")
    return data


def _write_plan(path: Path, data: dict) -> None:
    from pipeline.writers.atomic import atomic_path
    from pipeline.writers.plan_yaml import dump_plan

    with atomic_path(path) as tmp:
        tmp.write_text(dump_plan(data), encoding="utf-8")


def _certificate_plan_copy(source: Path, folder: Path, design: str) -> Path:
    """The office's certificate plan in the job folder, with the design the clerk chose; the
    files it names (seal, own design) stay where the office keeps them. Same file stem, so
    the register keys (and so the numbers) are the plan's own."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise GongwenError("not a certificate plan", file=source.name)
    if design in ("full", "overprint"):
        data["design"] = design
    for key in ("seal", "design"):
        value = data.get(key)
        if isinstance(value, str) and value not in ("full", "overprint"):
            data[key] = str((source.parent / value).resolve())
    target = folder / source.name
    _write_plan(target, data)
    return target
