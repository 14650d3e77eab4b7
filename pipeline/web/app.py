"""The workbench's pages. Each route reads a form, hands the work to a pipeline stage (directly
for the register, through a worker process for anything that lays out pages) and renders the
result; the rules of the standard live in the stages, never here.
"""
from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from pipeline.errors import GongwenError
from pipeline.web import auth, batches, documents, office
from pipeline.web.common import Workbench, escape, user_of
from pipeline.web.config import Settings
from pipeline.web.jobs import JobNotFound, Jobs, Pools, start_sweeper
from pipeline.web.security import Guard

HERE = Path(__file__).resolve().parent
OPEN_PATHS = ("/login", "/static/")


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
            from pipeline.register.registry import current_user

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
            return HTMLResponse(f'<p class="error">{escape(exc.detail)}</p>', exc.status_code)
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
            path = jobs.file(job_id, name, user_of(request))
        except JobNotFound:
            raise not_found() from None
        inline = path.suffix in (".png",)
        return FileResponse(path, filename=path.name,
                            content_disposition_type="inline" if inline else "attachment")

    @app.get("/jobs/{job_id}/status")
    def job_status(request: Request, job_id: str):
        try:
            return JSONResponse(jobs.status(job_id, user_of(request)))
        except JobNotFound:
            raise not_found() from None

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str):
        try:
            meta = jobs.meta(job_id, user_of(request))
            status = jobs.status(job_id, user_of(request))
        except JobNotFound:
            raise not_found() from None
        return page(request, "job.html", job=job_id, meta=meta, status=status)

    w = Workbench(settings, jobs, plans_dir, state, page, csrf, not_found)
    for module in (documents, office, batches):
        module.add_routes(app, w)

    app.add_middleware(SessionMiddleware, secret_key=settings.session_key(),
                       session_cookie="gongwen_session", same_site="strict",
                       https_only=settings.https, max_age=12 * 3600)
    app.add_middleware(Guard, limit=settings.max_upload)
    app.state.settings = settings
    app.state.jobs = jobs
    return app
